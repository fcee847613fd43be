package vault

import (
	"bytes"
	"encoding/base64"
	"slices"
	"time"
)

// audience decides what a view shows.
type audience int

const (
	audienceStaff    audience = iota // everything redacted, staff ids included
	audienceReporter                 // no staff account ids
	audiencePublic                   // no staff ids, no internal notes
)

// view builds the redacted complaint as aud may see it.
func view(o *opened, now time.Time, aud audience) *Complaint {
	r := o.rec
	c := &Complaint{
		ID:              r.ID,
		Status:          r.Status,
		ArchiveReason:   r.ArchiveReason,
		Privacy:         r.Privacy,
		Channel:         r.Channel,
		Category:        r.Category,
		Region:          r.Region,
		Agency:          r.Agency,
		SuggestedAgency: r.SuggestedAgency,
		Title:           o.title,
		Body:            o.d.Body,
		SubmittedAt:     r.SubmittedAt,
		UpdatedAt:       r.UpdatedAt,
		DispatchedAt:    r.DispatchedAt,
		FirstResponseAt: r.FirstResponseAt,
		ResolvedAt:      r.ResolvedAt,
		ClosedAt:        r.FinalAt,
		Forwards:        r.Forwards,
		Deadlines:       deadlines(r),
		Overdue:         overdue(r, now),
		Attachments:     r.Attachments,
		Events:          slices.Clone(o.d.Events),
		Messages:        slices.Clone(o.d.Messages),
	}
	if o.d.Rating != nil {
		rt := *o.d.Rating
		c.Rating = &rt
	}
	if aud != audienceStaff {
		for i := range c.Events {
			c.Events[i].Actor.ID = ""
			if aud == audiencePublic {
				c.Events[i].Note = ""
			}
		}
		for i := range c.Messages {
			c.Messages[i].Actor = ""
		}
	}
	if aud == audiencePublic {
		c.SuggestedAgency = ""
		c.Channel = ""
	}
	return c
}

func deadlines(r *record) Deadlines {
	d := Deadlines{Verify: r.VerifyDue, FirstResponse: r.FirstDue, Completion: r.CompletionDue}
	if r.Status == StatusResolved {
		d.AutoClose = r.AutoCloseAt
	}
	return d
}

// overdue flags each deadline that passed before its milestone, or that
// has passed while the milestone is still missing at now.
func overdue(r *record, now time.Time) Overdue {
	var o Overdue
	if !r.VerifyDue.IsZero() {
		if r.VerifiedAt.IsZero() {
			o.Verify = r.Status == StatusSubmitted && now.After(r.VerifyDue)
		} else {
			o.Verify = r.VerifiedAt.After(r.VerifyDue)
		}
	}
	if !r.FirstDue.IsZero() {
		if r.FirstResponseAt.IsZero() {
			o.FirstResponse = r.Status == StatusDispatched && now.After(r.FirstDue)
		} else {
			o.FirstResponse = r.FirstResponseAt.After(r.FirstDue)
		}
	}
	if !r.CompletionDue.IsZero() {
		open := r.Status == StatusDispatched || r.Status == StatusInProgress
		o.Completion = (open && now.After(r.CompletionDue)) ||
			(!r.ResolvedAt.IsZero() && r.ResolvedAt.After(r.CompletionDue))
	}
	return o
}

func summary(r *record, title string, now time.Time) Summary {
	return Summary{
		ID:          r.ID,
		Status:      r.Status,
		Privacy:     r.Privacy,
		Channel:     r.Channel,
		Category:    r.Category,
		Region:      r.Region,
		Agency:      r.Agency,
		Title:       title,
		SubmittedAt: r.SubmittedAt,
		UpdatedAt:   r.UpdatedAt,
		Deadlines:   deadlines(r),
		Overdue:     overdue(r, now),
	}
}

// Get returns one complaint, redacted, to an actor allowed to see it:
// admins, auditors and the system see every complaint; an agency handler
// only those currently with their agency; the public only public
// complaints once dispatched. Others get ErrForbidden.
func (v *Vault) Get(a Actor, id string) (*Complaint, error) {
	now := v.now()
	var out *Complaint
	err := v.store.View(func(tx Tx) error {
		o, err := v.open(tx, id)
		if err != nil {
			return err
		}
		aud := audienceStaff
		switch a.Role {
		case RoleAdmin, RoleAuditor, RoleSystem:
		case RoleAgency:
			if err := requireHandler(a, o.rec); err != nil {
				return err
			}
		case RolePublic:
			if o.rec.Privacy != PrivacyPublic || o.rec.Agency == "" {
				return ErrNotFound
			}
			aud = audiencePublic
		default:
			return ErrForbidden
		}
		out = view(o, now, aud)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Track returns the reporter's view of the complaint their receipt names:
// status, history, messages and deadlines, without staff account ids. A
// malformed receipt is ErrBadInput, an unknown one ErrNotFound. The caller
// rate-limits failed lookups.
func (v *Vault) Track(rcpt string) (*Complaint, error) {
	sum, err := v.receiptSum(rcpt)
	if err != nil {
		return nil, err
	}
	now := v.now()
	var out *Complaint
	err = v.store.View(func(tx Tx) error {
		o, err := v.openByReceipt(tx, sum)
		if err != nil {
			return err
		}
		out = view(o, now, audienceReporter)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// maxPublicScan bounds the index entries one public page with a status
// filter may pass over; the page may then be short, with a cursor.
const maxPublicScan = 10 * MaxPageSize

// List returns one page of complaints, newest first. Admins (and the
// system) see all, optionally by status and agency; an agency handler only
// their own agency's (asking for another is ErrForbidden); the public only
// public complaints once dispatched. Each page costs the same however many
// complaints the vault holds: it seeks into an index and reads Limit rows.
func (v *Vault) List(a Actor, f Filter) (*Page, error) {
	limit := f.Limit
	switch {
	case limit == 0:
		limit = DefaultPageSize
	case limit < 0 || limit > MaxPageSize:
		return nil, badInput("limit", "must be 1 to 100")
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, badInput("status", "unknown status")
	}
	if f.Agency != "" && validSlug(f.Agency) != nil {
		return nil, badInput("agency", "malformed")
	}
	var pos []byte
	if f.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		if err == nil {
			pos, err = parseCursorKey(raw)
		}
		if err != nil {
			return nil, badInput("cursor", "malformed")
		}
	}
	// Choose the index and the key prefix of the page.
	var index, prefix []byte
	var keep func(*record) bool
	agency := f.Agency
	switch a.Role {
	case RoleAdmin, RoleSystem:
	case RoleAgency:
		if a.Agency == "" || (agency != "" && agency != a.Agency) {
			return nil, ErrForbidden
		}
		agency = a.Agency
	case RolePublic:
		if agency != "" {
			return nil, badInput("agency", "not available for public lists")
		}
		index = idxPublic
		if f.Status != "" {
			keep = func(r *record) bool { return r.Status == f.Status }
		}
	default:
		return nil, ErrForbidden
	}
	if index == nil {
		switch {
		case agency != "" && f.Status != "":
			index, prefix = idxAgencyStatus, append(appendLP(nil, agency), statusCodes[f.Status])
		case agency != "":
			index, prefix = idxAgency, appendLP(nil, agency)
		case f.Status != "":
			index, prefix = idxStatus, []byte{statusCodes[f.Status]}
		default:
			index = idxTime
		}
	}
	aud := audienceStaff
	if a.Role == RolePublic {
		aud = audiencePublic
	}
	now := v.now()
	page := &Page{Items: []Summary{}}
	err := v.store.View(func(tx Tx) error {
		c := tx.Cursor(index)
		var k []byte
		if pos == nil {
			k = seekLastWithPrefix(c, prefix)
		} else {
			start := append(append([]byte(nil), prefix...), pos...)
			if k, _ = c.Seek(start); k == nil {
				k, _ = c.Last()
			} else {
				k, _ = c.Prev()
			}
		}
		scanned := 0
		var last []byte
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(k) >= len(prefix)+8; k, _ = c.Prev() {
			if len(page.Items) == limit || scanned == maxPublicScan {
				page.NextCursor = encodeCursor(last)
				break
			}
			scanned++
			tail := k[len(prefix):]
			last = append(last[:0], tail...)
			rec, title, err := v.openSummary(tx, tail[8:])
			if err != nil {
				return err
			}
			if keep != nil && !keep(rec) {
				continue
			}
			s := summary(rec, title, now)
			if aud == audiencePublic {
				s.Channel = ""
			}
			page.Items = append(page.Items, s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

func encodeCursor(tail []byte) string {
	return base64.RawURLEncoding.EncodeToString(append([]byte{cursorVersion}, tail...))
}

// seekLastWithPrefix moves c to the largest key starting with prefix and
// returns it (or a key outside the prefix, which the caller rejects).
func seekLastWithPrefix(c Cursor, prefix []byte) []byte {
	succ := bytes.Clone(prefix)
	for i := len(succ) - 1; i >= 0; i-- {
		if succ[i] < 0xff {
			succ[i]++
			succ = succ[:i+1]
			k, _ := c.Seek(succ)
			if k == nil {
				k, _ = c.Last()
			} else {
				k, _ = c.Prev()
			}
			return k
		}
	}
	k, _ := c.Last()
	return k
}
