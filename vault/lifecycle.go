package vault

import (
	"slices"
	"time"

	"kotak/vault/receipt"
	"kotak/vault/redact"
)

// step changes an opened complaint inside a write transaction and returns
// the events it produced. It must only touch o and tx.
type step func(tx Tx, o *opened, now time.Time) ([]Event, error)

// mutate runs one action on complaint id in one durable write transaction:
// open, change, re-encrypt, re-index, call the event hook. It returns the
// complaint as aud sees it afterwards.
func (v *Vault) mutate(id string, now time.Time, aud audience, fn step) (*Complaint, error) {
	return v.update(now, aud, func(tx Tx) (*opened, error) { return v.open(tx, id) }, fn)
}

// update is mutate and mutateByReceipt once the complaint is named: in one
// durable write transaction it opens the complaint with open and applies fn
// (see apply). The transaction may run more than once.
func (v *Vault) update(now time.Time, aud audience, open func(Tx) (*opened, error), fn step) (*Complaint, error) {
	var out *Complaint
	err := v.store.Update(func(tx Tx) error {
		o, err := open(tx)
		if err != nil {
			return err
		}
		return v.apply(tx, o, now, aud, fn, &out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (v *Vault) apply(tx Tx, o *opened, now time.Time, aud audience, fn step, out **Complaint) error {
	old := *o.rec
	evs, err := fn(tx, o, now)
	if err != nil {
		return err
	}
	if len(evs) == 0 { // nothing to do
		*out = view(o, now, aud)
		return nil
	}
	o.rec.UpdatedAt = now
	o.d.Events = append(o.d.Events, evs...)
	if err := v.write(tx, o, &old); err != nil {
		return err
	}
	if err := v.emit(tx, evs); err != nil {
		return err
	}
	*out = view(o, now, aud)
	return nil
}

// mutateByReceipt is mutate for the reporter, who names the complaint by
// its receipt.
func (v *Vault) mutateByReceipt(rcpt string, fn step) (*Complaint, error) {
	sum, err := v.receiptSum(rcpt)
	if err != nil {
		return nil, err
	}
	return v.update(v.now(), audienceReporter, func(tx Tx) (*opened, error) { return v.openByReceipt(tx, sum) }, fn)
}

func (v *Vault) receiptSum(rcpt string) ([32]byte, error) {
	norm, err := receipt.Normalize(rcpt)
	if err != nil {
		return [32]byte{}, badInput("receipt", "must be 20 digits")
	}
	sum, err := v.receipts.Sum(norm)
	if err != nil {
		return [32]byte{}, badInput("receipt", "must be 20 digits")
	}
	return sum, nil
}

func (v *Vault) openByReceipt(tx Tx, sum [32]byte) (*opened, error) {
	id := tx.Get(bucketReceipts, sum[:])
	if id == nil {
		return nil, ErrNotFound
	}
	o, err := v.open(tx, string(id))
	if err != nil {
		return nil, err
	}
	var stored [32]byte
	if len(o.rec.ReceiptHash) != len(stored) {
		return nil, ErrCorrupt
	}
	copy(stored[:], o.rec.ReceiptHash)
	if !receipt.Equal(stored, sum) {
		return nil, ErrNotFound
	}
	return o, nil
}

// event starts an event for o by actor.
func event(o *opened, now time.Time, a Actor, act Action, from Status) Event {
	return Event{Time: now, Actor: a, Action: act, Complaint: o.rec.ID, From: from,
		To: o.rec.Status, Agency: o.rec.Agency}
}

// noted is the single event of a staff action that carries a note.
func noted(e Event, note string) []Event {
	e.Note = note
	return []Event{e}
}

// requireStatus accepts a complaint in one of the statuses act may start
// from; any other is a *TransitionError naming act.
func requireStatus(r *record, act Action, from ...Status) error {
	if !slices.Contains(from, r.Status) {
		return &TransitionError{act, r.Status}
	}
	return nil
}

// dispatch sends r to agency: dispatched there, with a first-response
// deadline FirstResponseDays working days after now. Verify and Forward
// both dispatch.
func (v *Vault) dispatch(r *record, agency string, now time.Time) {
	r.Status, r.Agency = StatusDispatched, agency
	r.FirstDue = v.cal.AddWorkingDays(now, FirstResponseDays)
}

func (v *Vault) note(s string) (string, error) {
	return cleanText("note", s, 0, MaxNote, true)
}

// requireAdmin accepts admins only.
func requireAdmin(a Actor) error {
	if a.Role != RoleAdmin {
		return ErrForbidden
	}
	return nil
}

// requireHandler accepts an agency handler of the complaint's current agency.
func requireHandler(a Actor, r *record) error {
	if a.Role != RoleAgency || a.Agency == "" || a.Agency != r.Agency {
		return ErrForbidden
	}
	return nil
}

// requireAdminOrAgency accepts admins and agency handlers, before the
// complaint is open; requireAdminOrHandler then narrows the handlers to
// those of its current agency.
func requireAdminOrAgency(a Actor) error {
	if a.Role != RoleAdmin && a.Role != RoleAgency {
		return ErrForbidden
	}
	return nil
}

// requireAdminOrHandler accepts admins and handlers of the complaint's
// current agency.
func requireAdminOrHandler(a Actor, r *record) error {
	if a.Role == RoleAdmin {
		return nil
	}
	return requireHandler(a, r)
}

// Verify (admin) checks a submitted complaint and dispatches it to agency.
// The first-response deadline (5 working days) and the completion deadline
// (60 working days) start now.
func (v *Vault) Verify(a Actor, id, agency, note string) (*Complaint, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	if err := v.checkAgency("agency", agency); err != nil {
		return nil, err
	}
	note, err := v.note(note)
	if err != nil {
		return nil, err
	}
	return v.mutate(id, v.now(), audienceStaff, func(tx Tx, o *opened, now time.Time) ([]Event, error) {
		r := o.rec
		if err := requireStatus(r, ActionVerify, StatusSubmitted); err != nil {
			return nil, err
		}
		from := r.Status
		v.dispatch(r, agency, now)
		r.VerifiedAt, r.DispatchedAt = now, now
		r.CompletionDue = v.cal.AddWorkingDays(now, CompletionDays)
		return noted(event(o, now, a, ActionVerify, from), note), nil
	})
}

// Hold (admin) puts a submitted complaint on hold while the reporter is
// asked for more information; note is the question. A reporter reply
// returns it to submitted with a fresh verification deadline.
func (v *Vault) Hold(a Actor, id, note string) (*Complaint, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	note, err := cleanText("note", note, 1, MaxNote, true)
	if err != nil {
		return nil, err
	}
	return v.mutate(id, v.now(), audienceStaff, func(tx Tx, o *opened, now time.Time) ([]Event, error) {
		r := o.rec
		if err := requireStatus(r, ActionHold, StatusSubmitted); err != nil {
			return nil, err
		}
		r.Status = StatusOnHold
		return noted(event(o, now, a, ActionHold, StatusSubmitted), note), nil
	})
}

// Archive (admin) ends a submitted or held complaint without handling.
func (v *Vault) Archive(a Actor, id string, reason ArchiveReason, note string) (*Complaint, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	if !reason.Valid() {
		return nil, badInput("reason", "must be out_of_scope, spam, incomplete or duplicate")
	}
	note, err := v.note(note)
	if err != nil {
		return nil, err
	}
	return v.mutate(id, v.now(), audienceStaff, func(tx Tx, o *opened, now time.Time) ([]Event, error) {
		r := o.rec
		if err := requireStatus(r, ActionArchive, StatusSubmitted, StatusOnHold); err != nil {
			return nil, err
		}
		from := r.Status
		r.Status, r.ArchiveReason = StatusArchived, reason
		r.VerifiedAt, r.FinalAt = now, now
		e := event(o, now, a, ActionArchive, from)
		e.Reason = reason
		return noted(e, note), nil
	})
}

// Forward moves a dispatched or in-progress complaint to another agency
// (by a handler of the current agency, or an admin). It is dispatched again
// there with a new first-response deadline; the completion deadline stays.
func (v *Vault) Forward(a Actor, id, agency, note string) (*Complaint, error) {
	if err := requireAdminOrAgency(a); err != nil {
		return nil, err
	}
	if err := v.checkAgency("agency", agency); err != nil {
		return nil, err
	}
	note, err := v.note(note)
	if err != nil {
		return nil, err
	}
	return v.mutate(id, v.now(), audienceStaff, func(tx Tx, o *opened, now time.Time) ([]Event, error) {
		r := o.rec
		if err := requireAdminOrHandler(a, r); err != nil {
			return nil, err
		}
		if err := requireStatus(r, ActionForward, StatusDispatched, StatusInProgress); err != nil {
			return nil, err
		}
		if agency == r.Agency {
			return nil, badInput("agency", "already with this agency")
		}
		from := r.Status
		v.dispatch(r, agency, now)
		r.FirstResponseAt = time.Time{}
		r.Forwards++
		return noted(event(o, now, a, ActionForward, from), note), nil
	})
}

// Respond (handler of the current agency) answers the reporter. The first
// response moves a dispatched complaint to in_progress; a final response
// resolves it and starts the 10-working-day auto-close period.
func (v *Vault) Respond(a Actor, id, body string, final bool) (*Complaint, error) {
	if a.Role != RoleAgency {
		return nil, ErrForbidden
	}
	body, err := cleanText("body", body, 1, MaxMessage, true)
	if err != nil {
		return nil, err
	}
	return v.mutate(id, v.now(), audienceStaff, func(tx Tx, o *opened, now time.Time) ([]Event, error) {
		r := o.rec
		if err := requireHandler(a, r); err != nil {
			return nil, err
		}
		if err := requireStatus(r, ActionRespond, StatusDispatched, StatusInProgress); err != nil {
			return nil, err
		}
		if len(o.d.Messages) >= MaxMessages {
			return nil, badInput("body", "thread is full")
		}
		from := r.Status
		o.d.Messages = append(o.d.Messages, Message{Time: now, From: RoleAgency, Actor: a.ID,
			Agency: a.Agency, Body: body, Final: final})
		if r.FirstResponseAt.IsZero() {
			r.FirstResponseAt = now
		}
		act := ActionRespond
		r.Status = StatusInProgress
		if final {
			act = ActionResolve
			r.Status, r.ResolvedAt = StatusResolved, now
			r.AutoCloseAt = v.cal.AddWorkingDays(now, AutoCloseDays)
		}
		return []Event{event(o, now, a, act, from)}, nil
	})
}

// CloseCase (admin, or a handler of the current agency) closes a resolved
// complaint.
func (v *Vault) CloseCase(a Actor, id, note string) (*Complaint, error) {
	if err := requireAdminOrAgency(a); err != nil {
		return nil, err
	}
	note, err := v.note(note)
	if err != nil {
		return nil, err
	}
	return v.mutate(id, v.now(), audienceStaff, func(tx Tx, o *opened, now time.Time) ([]Event, error) {
		r := o.rec
		if err := requireAdminOrHandler(a, r); err != nil {
			return nil, err
		}
		if err := requireStatus(r, ActionClose, StatusResolved); err != nil {
			return nil, err
		}
		closeRecord(r, now)
		return noted(event(o, now, a, ActionClose, StatusResolved), note), nil
	})
}

func closeRecord(r *record, now time.Time) {
	r.Status, r.FinalAt, r.AutoCloseAt = StatusClosed, now, time.Time{}
}

// ReporterReply adds the reporter's message (redacted with their profile).
// On hold, it returns the complaint to submitted with a new verification
// deadline; on a resolved complaint it reopens it (in_progress). Closed and
// archived complaints take no replies.
func (v *Vault) ReporterReply(rcpt, body string) (*Complaint, error) {
	body, err := cleanText("body", body, 1, MaxMessage, true)
	if err != nil {
		return nil, err
	}
	return v.mutateByReceipt(rcpt, func(tx Tx, o *opened, now time.Time) ([]Event, error) {
		r := o.rec
		from := r.Status
		act := ActionReply
		switch r.Status {
		case StatusSubmitted, StatusDispatched, StatusInProgress:
		case StatusOnHold:
			r.Status = StatusSubmitted
			r.VerifyDue = v.cal.AddWorkingDays(now, VerifyDays)
		case StatusResolved:
			act = ActionReopen
			r.Status, r.AutoCloseAt = StatusInProgress, time.Time{}
		default:
			return nil, &TransitionError{ActionReply, r.Status}
		}
		if len(o.d.Messages) >= MaxMessages {
			return nil, badInput("body", "thread is full")
		}
		redacted, err := v.redactReporter(o, body)
		if err != nil {
			return nil, err
		}
		o.d.Messages = append(o.d.Messages, Message{Time: now, From: RoleReporter, Body: redacted})
		return []Event{event(o, now, Actor{Role: RoleReporter}, act, from)}, nil
	})
}

func (v *Vault) redactReporter(o *opened, text string) (string, error) {
	p, err := redact.ParseProfile(o.d.ProfileKey, o.d.Profile)
	if err != nil {
		return "", ErrCorrupt
	}
	out, _ := v.redactor.Redact(text, p)
	return out, nil
}

// Rate records the reporter's rating (1..5) and closes a resolved
// complaint. A complaint closed by staff can still be rated once.
func (v *Vault) Rate(rcpt string, score int, comment string) (*Complaint, error) {
	if score < 1 || score > 5 {
		return nil, badInput("score", "must be 1 to 5")
	}
	comment, err := cleanText("comment", comment, 0, MaxComment, true)
	if err != nil {
		return nil, err
	}
	return v.mutateByReceipt(rcpt, func(tx Tx, o *opened, now time.Time) ([]Event, error) {
		r := o.rec
		from := r.Status
		switch {
		case r.Status == StatusResolved:
			closeRecord(r, now)
		case r.Status == StatusClosed && r.Rating == 0:
		default:
			return nil, &TransitionError{ActionRate, r.Status}
		}
		redacted, err := v.redactReporter(o, comment)
		if err != nil {
			return nil, err
		}
		r.Rating = score
		o.d.Rating = &Rating{Score: score, Comment: redacted, Time: now}
		return []Event{event(o, now, Actor{Role: RoleReporter}, ActionRate, from)}, nil
	})
}

// ReporterContact returns the contact details of a confidential or public
// complaint's reporter to a handler of the agency it is with, and records
// the view as an event (the audit log sees it through OnEvent). Anonymous
// complaints have none (ErrNoContact).
func (v *Vault) ReporterContact(a Actor, id string) (redact.Identity, error) {
	if a.Role != RoleAgency {
		return redact.Identity{}, ErrForbidden
	}
	var out redact.Identity
	_, err := v.mutate(id, v.now(), audienceStaff, func(tx Tx, o *opened, now time.Time) ([]Event, error) {
		if err := requireHandler(a, o.rec); err != nil {
			return nil, err
		}
		if o.rec.Privacy == PrivacyAnonymous || o.d.Contact == nil {
			return nil, ErrNoContact
		}
		out = o.d.Contact.identity()
		return []Event{event(o, now, a, ActionViewContact, o.rec.Status)}, nil
	})
	if err != nil {
		return redact.Identity{}, err
	}
	return out, nil
}

// AutoClose closes every resolved complaint whose 10-working-day period
// ended before now without a reporter reply. It returns how many it
// closed. Each closing is its own durable transaction.
func (v *Vault) AutoClose(now time.Time) (int, error) {
	ids, err := v.due(idxAutoClose, now)
	if err != nil {
		return 0, err
	}
	n := 0
	sys := Actor{Role: RoleSystem}
	for _, id := range ids {
		closed := false
		_, err := v.mutate(id, now, audienceStaff, func(tx Tx, o *opened, now time.Time) ([]Event, error) {
			r := o.rec
			if r.Status != StatusResolved || !now.After(r.AutoCloseAt) {
				return nil, nil // replied to meanwhile
			}
			closeRecord(r, now)
			closed = true
			return []Event{event(o, now, sys, ActionAutoClose, StatusResolved)}, nil
		})
		if err != nil {
			return n, err
		}
		if closed {
			n++
		}
	}
	return n, nil
}

// due lists the ids in a ts ‖ id index whose time is at or before t.
func (v *Vault) due(index []byte, t time.Time) ([]string, error) {
	var ids []string
	limit := appendTS(nil, t)
	err := v.store.View(func(tx Tx) error {
		c := tx.Cursor(index)
		for k, _ := c.First(); k != nil && len(k) > 8 && string(k[:8]) <= string(limit); k, _ = c.Next() {
			ids = append(ids, string(k[8:]))
		}
		return nil
	})
	return ids, err
}
