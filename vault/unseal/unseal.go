// Package unseal opens a sealed reporter identity under policy: an officer
// files a request, k ministry auditors approve it with signed decisions
// that carry their shares re-sealed to the officer's key, and the officer
// then fetches the re-sealed shares and opens the identity on their own
// machine. The server never holds a share or an identity in the clear.
//
// The Service keeps requests in its own buckets of the vault's database
// (Buckets) and appends an audit log entry (vault/auditlog) for every step
// — filing, each approval and denial, approved, denied, expired, the
// notice deferral and each fetch of the shares — in the same write
// transaction as the step itself: no step is kept without its entry.
//
// The policy (Policy, DefaultPolicy, ParsePolicy) says who may file, on
// which legal bases, how long a request lives, how many may be open per
// requester and how long the reporter's notice may be deferred. The
// reporter's tracking page lists each approved disclosure (Disclosures)
// with an inclusion proof of its log entry, from the moment of approval
// unless the k approvals signed a deferral.
//
// Statement is the message an auditor signs; docs/unseal.md describes the
// flow, the policy file, what each party sees and every byte layout.
package unseal

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kotak/crypto/box"
	"kotak/keys"
	"kotak/vault"
	"kotak/vault/auditlog"
)

// Status is where a request stands.
type Status string

// Statuses. Only a pending request takes decisions; the others are final.
const (
	StatusPending  Status = "pending"
	StatusApproved Status = "approved"
	StatusDenied   Status = "denied"
	StatusExpired  Status = "expired"
)

// Justification bounds, in runes.
const (
	MinJustification = 20
	MaxJustification = 4000
)

// Request ids: "UNS-" and 13 symbols of Crockford's base32 (65 random bits).
const (
	requestIDPrefix  = "UNS-"
	requestIDSymbols = 13
	idAlphabet       = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	maxFileAttempts  = 8
)

// ValidRequestID reports whether s has the form of a request id.
func ValidRequestID(s string) bool {
	if len(s) != len(requestIDPrefix)+requestIDSymbols || !strings.HasPrefix(s, requestIDPrefix) {
		return false
	}
	for i := len(requestIDPrefix); i < len(s); i++ {
		if strings.IndexByte(idAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

func drawRequestID(rnd io.Reader) (string, error) {
	var b [requestIDSymbols]byte
	if _, err := io.ReadFull(rnd, b[:]); err != nil {
		return "", fmt.Errorf("unseal: reading randomness: %w", err)
	}
	out := []byte(requestIDPrefix)
	for _, c := range b {
		out = append(out, idAlphabet[c&31])
	}
	return string(out), nil
}

// Options configures New.
type Options struct {
	// Keyring is the ministry keyring: approvals are verified against its
	// auditors' Ed25519 keys and k is its threshold. Required.
	Keyring *keys.Keyring
	// Policy defaults to DefaultPolicy().
	Policy *Policy
	// JustificationKey (box.KeySize bytes) encrypts justifications at rest,
	// e.g. the vault master key's Subkey("kotak/v1 unseal"). Required.
	JustificationKey []byte
	// Rand supplies request ids and nonces; it must be safe for concurrent
	// use. Default crypto/rand.Reader.
	Rand io.Reader
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// SignCheckpoint, when set, signs a fresh audit log checkpoint (e.g. an
	// auditlog.Checkpointer's SignNow). It is called after an approval
	// commits, and by Disclosures when an approval's entry is not yet in a
	// signed checkpoint, so that the reporter's proof checks against a
	// signed tree at once. Its errors are not fatal: the periodic
	// checkpointer signs later.
	SignCheckpoint func() error
}

// Service files, decides and reveals unseal requests. Its methods are
// safe for concurrent use.
type Service struct {
	st     vault.Store
	log    *auditlog.Log
	kr     *keys.Keyring
	pol    *Policy
	key    []byte
	rand   io.Reader
	now    func() time.Time
	signCP func() error
}

// New returns a Service over the vault's store. It makes Buckets and the
// audit log's buckets if they are missing, so it needs a writable store.
// Errors: ErrConfig for a missing keyring or a justification key of the
// wrong size, the policy's Validate error, or the store's error.
func New(st vault.Store, opts Options) (*Service, error) {
	if st == nil || opts.Keyring == nil {
		return nil, fmt.Errorf("%w: a store and a keyring are required", ErrConfig)
	}
	if len(opts.JustificationKey) != box.KeySize {
		return nil, fmt.Errorf("%w: the justification key must be %d bytes", ErrConfig, box.KeySize)
	}
	if opts.Policy == nil {
		opts.Policy = DefaultPolicy()
	}
	if err := opts.Policy.Validate(); err != nil {
		return nil, err
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	err := st.Update(func(tx vault.Tx) error {
		for _, b := range slices.Concat(Buckets, auditlog.Buckets) {
			if err := tx.CreateBucket(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Service{
		st: st, log: auditlog.New(st), kr: opts.Keyring, pol: opts.Policy,
		key: slices.Clone(opts.JustificationKey), rand: opts.Rand, now: opts.Now, signCP: opts.SignCheckpoint,
	}, nil
}

// Policy returns the service's policy. Do not modify it.
func (s *Service) Policy() *Policy { return s.pol }

// Keyring returns the keyring decisions are verified against.
func (s *Service) Keyring() *keys.Keyring { return s.kr }

// Request is an unseal request as its parties see it. Decisions carry
// their re-sealed shares only in what Reveal returns.
type Request struct {
	ID            string
	ComplaintID   string
	Requester     string     // the filing staff account
	RequesterRole vault.Role // officer (or admin, if the policy allows)
	LegalBasis    string
	Justification string // may hold personal data: show it to the requester and the auditors only
	RecipientKey  []byte // packed X-Wing public key made on the requester's machine
	KeyringID     keys.ID
	Threshold     int // k approvals needed
	N             int // auditors in the keyring
	DeferralDays  int // notice deferral asked for (and signed by every decision)
	Status        Status
	CreatedAt     time.Time
	ExpiresAt     time.Time
	ClosedAt      time.Time // approved, denied or expired; zero while pending
	NoticeAt      time.Time // approved only: when the reporter's page starts to show it
	Approvals     int
	Denials       int
	Decisions     []Decision
}

// Decision is one auditor's signed decision.
type Decision struct {
	AuditorID   string // keyring auditor id
	Index       int    // the auditor's share index, 1..n
	Verdict     Verdict
	Time        time.Time
	Signature   []byte // Ed25519 over Statement.Message
	SealedShare []byte // the re-sealed share (approvals, in Reveal only)
}

// Filing is what a requester submits.
type Filing struct {
	ComplaintID   string
	LegalBasis    string
	Justification string
	RecipientKey  []byte // packed X-Wing public key (keys.XWingPublicKeySize bytes)
	DeferralDays  int    // 0, or up to the policy's MaxNoticeDeferralDays
}

// DecisionInput is what an auditor posts.
type DecisionInput struct {
	AuditorID   string
	Verdict     Verdict
	SealedShare []byte // required for Approve, empty for Deny
	Signature   []byte // Ed25519 over the Statement's message
}

// Revealed is what the requester fetches once a request is approved: the
// request with every approval's re-sealed share, and the complaint's
// sealed record, which together open the identity on their machine.
type Revealed struct {
	Request      *Request
	SealedRecord []byte
}

// Disclosure is one approved opening of a reporter's identity, as the
// reporter's tracking page lists it.
type Disclosure struct {
	RequestID  string
	LegalBasis string
	ApprovedAt time.Time
	NoticeAt   time.Time // ApprovedAt plus the approved deferral
	LogIndex   int64     // the unseal_approved audit entry
	// Proof proves the entry's inclusion in the tree of Checkpoint. When
	// no signed checkpoint covers the entry yet, Proof is against the
	// current (unsigned) tree and Checkpoint is empty.
	Proof      *auditlog.InclusionResponse
	Checkpoint []byte // the signed checkpoint (a signed note) Proof is for
}

// view turns a record into a Request, with shares only if withShares.
func (s *Service) view(r *record, withShares bool) (*Request, error) {
	just, err := box.Open(s.key, r.Justification, aadJustification(r.ID))
	if err != nil {
		return nil, fmt.Errorf("%w: justification does not open", ErrCorrupt)
	}
	var kid keys.ID
	if b, err := hex.DecodeString(r.Keyring); err != nil || len(b) != len(kid) {
		return nil, fmt.Errorf("%w: keyring id", ErrCorrupt)
	} else {
		copy(kid[:], b)
	}
	q := &Request{
		ID: r.ID, ComplaintID: r.Complaint, Requester: r.Requester, RequesterRole: r.Role,
		LegalBasis: r.LegalBasis, Justification: string(just), RecipientKey: slices.Clone(r.RecipientKey),
		KeyringID: kid, Threshold: r.Threshold, N: r.N, DeferralDays: r.DeferralDays, Status: r.Status,
		CreatedAt: r.Created, ExpiresAt: r.Expires, ClosedAt: r.Closed, NoticeAt: r.NoticeAt,
		Decisions: make([]Decision, 0, len(r.Decisions)),
	}
	for _, d := range r.Decisions {
		if d.Verdict == Approve {
			q.Approvals++
		} else {
			q.Denials++
		}
		dv := Decision{AuditorID: d.Auditor, Index: d.Index, Verdict: d.Verdict, Time: d.Time,
			Signature: slices.Clone(d.Signature)}
		if withShares {
			dv.SealedShare = slices.Clone(d.Share)
		}
		q.Decisions = append(q.Decisions, dv)
	}
	return q, nil
}

// checkJustification trims text and checks it: valid UTF-8, no control
// characters but newlines and tabs, MinJustification..MaxJustification runes.
func checkJustification(text string) (string, error) {
	text = strings.TrimSpace(text)
	if !utf8.ValidString(text) {
		return "", fmt.Errorf("%w: not UTF-8", ErrJustification)
	}
	n := 0
	for _, c := range text {
		if unicode.IsControl(c) && c != '\n' && c != '\t' || c == utf8.RuneError {
			return "", fmt.Errorf("%w: control character", ErrJustification)
		}
		n++
	}
	if n < MinJustification || n > MaxJustification {
		return "", fmt.Errorf("%w: must be %d to %d characters", ErrJustification, MinJustification, MaxJustification)
	}
	return text, nil
}

// File files an unseal request for actor a after checking the policy: a's
// role may request, the legal basis is allowed, the justification is
// clean text of the allowed length, the recipient key is a valid X-Wing
// public key, the deferral is within the policy, the complaint exists and
// is sealed to the service's keyring, and a has fewer than the policy's
// maximum of pending requests (overdue ones are expired first). The
// justification is stored encrypted; the audit entry holds only the hash
// of a details document that includes it. When File returns nil the
// request and its entry are durable.
//
// Errors: ErrForbidden, ErrLegalBasis, ErrJustification, ErrRecipientKey,
// ErrDeferral, vault.ErrNotFound or vault.ErrShredded (the complaint),
// ErrNotSealed, ErrTooManyOpen.
func (s *Service) File(a vault.Actor, f Filing) (*Request, error) {
	if !s.pol.AllowsRole(a.Role) || a.ID == "" {
		return nil, ErrForbidden
	}
	if !s.pol.AllowsBasis(f.LegalBasis) {
		return nil, ErrLegalBasis
	}
	just, err := checkJustification(f.Justification)
	if err != nil {
		return nil, err
	}
	if err := CheckRecipientKey(f.RecipientKey); err != nil {
		return nil, err
	}
	if f.DeferralDays < 0 || f.DeferralDays > s.pol.MaxNoticeDeferralDays {
		return nil, ErrDeferral
	}
	if !vault.ValidID(f.ComplaintID) {
		return nil, vault.ErrNotFound
	}
	now := s.now().UTC()
	var out *record
	for attempt := 0; ; attempt++ {
		if attempt == maxFileAttempts {
			return nil, errors.New("unseal: could not draw a free request id")
		}
		id, err := drawRequestID(s.rand)
		if err != nil {
			return nil, err
		}
		sealedJust, err := box.Seal(s.rand, s.key, []byte(just), aadJustification(id))
		if err != nil {
			return nil, err
		}
		r := &record{
			V: recordVersion, ID: id, Complaint: f.ComplaintID, Requester: a.ID, Role: a.Role,
			LegalBasis: f.LegalBasis, Justification: sealedJust, RecipientKey: slices.Clone(f.RecipientKey),
			Keyring: s.kr.ID().String(), Threshold: s.kr.Threshold, N: s.kr.N(), DeferralDays: f.DeferralDays,
			Status: StatusPending, Created: now, Expires: now.Add(s.pol.Expiry()), Decisions: []decisionRecord{},
		}
		taken := false
		err = s.st.Update(func(tx vault.Tx) error {
			taken = false
			if tx.Get(bucketRequests, []byte(id)) != nil {
				taken = true
				return nil
			}
			sealed, err := vault.SealedRecordTx(tx, f.ComplaintID)
			if err != nil {
				return err
			}
			if err := s.checkSealed(sealed); err != nil {
				return err
			}
			open, err := s.countOpen(tx, a.ID, now)
			if err != nil {
				return err
			}
			if open >= s.pol.MaxOpenPerRequester {
				return ErrTooManyOpen
			}
			rec := *r
			rec.LogIndex, err = s.appendEntry(tx, &rec, auditlog.ActionUnsealRequest, a, now, s.requestDetails(&rec, just))
			if err != nil {
				return err
			}
			if err := setPending(tx, &rec, true); err != nil {
				return err
			}
			out = &rec
			return putRecord(tx, &rec)
		})
		if err != nil {
			return nil, err
		}
		if !taken {
			break
		}
	}
	return s.view(out, false)
}

// checkSealed accepts a sealed record made for the service's keyring.
func (s *Service) checkSealed(sealed []byte) error {
	rec, err := parseSealed(sealed)
	if err != nil || rec.KeyringID != s.kr.ID() {
		return ErrNotSealed
	}
	return nil
}

// countOpen counts requester's pending requests, expiring overdue ones.
func (s *Service) countOpen(tx vault.Tx, requester string, now time.Time) (int, error) {
	prefix := appendLPKey(nil, requester)
	var ids []string
	c := tx.Cursor(bucketOpen)
	for k, _ := c.Seek(prefix); k != nil && len(k) > len(prefix) && string(k[:len(prefix)]) == string(prefix); k, _ = c.Next() {
		ids = append(ids, string(k[len(prefix):]))
	}
	n := 0
	for _, id := range ids {
		r, err := getRecord(tx, id)
		if err != nil {
			return 0, err
		}
		if r.Status != StatusPending {
			continue
		}
		if !now.Before(r.Expires) {
			if err := s.expire(tx, r, now); err != nil {
				return 0, err
			}
			continue
		}
		n++
	}
	return n, nil
}

// overdue reports whether r is still pending at now although its expiry
// has come: such a request is closed as expired before anything else is
// done with it.
func (r *record) overdue(now time.Time) bool {
	return r.Status == StatusPending && !now.Before(r.Expires)
}

// expire closes a pending record as expired, with its entry.
func (s *Service) expire(tx vault.Tx, r *record, now time.Time) error {
	if err := setPending(tx, r, false); err != nil {
		return err
	}
	r.Status, r.Closed = StatusExpired, now
	var err error
	r.ClosedIndex, err = s.appendEntry(tx, r, auditlog.ActionUnsealExpired, systemActor, now, s.closeDetails(r, now))
	if err != nil {
		return err
	}
	return putRecord(tx, r)
}

var systemActor = vault.Actor{Role: vault.RoleSystem}

// Get returns request id to an actor allowed to see it: every auditor, and
// the account that filed it (others who may file get ErrNotFound, everyone
// else ErrForbidden). A pending request past its expiry is first closed as
// expired, with its audit entry. Shares are never included.
func (s *Service) Get(a vault.Actor, id string) (*Request, error) {
	if err := s.mayRead(a); err != nil {
		return nil, err
	}
	r, err := s.load(id)
	if err != nil {
		return nil, err
	}
	if err := s.visible(a, r); err != nil {
		return nil, err
	}
	if r.overdue(s.now()) {
		if _, err := s.expireNow(id); err != nil {
			return nil, err
		}
		if r, err = s.load(id); err != nil {
			return nil, err
		}
	}
	return s.view(r, false)
}

// load reads request id in its own read transaction.
func (s *Service) load(id string) (*record, error) {
	var r *record
	err := s.st.View(func(tx vault.Tx) error {
		var err error
		r, err = getRecord(tx, id)
		return err
	})
	return r, err
}

func (s *Service) mayRead(a vault.Actor) error {
	if a.ID == "" || a.Role != vault.RoleAuditor && !s.pol.AllowsRole(a.Role) {
		return ErrForbidden
	}
	return nil
}

func (s *Service) visible(a vault.Actor, r *record) error {
	if a.Role == vault.RoleAuditor || a.ID == r.Requester && a.Role == r.Role {
		return nil
	}
	return ErrNotFound
}

// expireNow expires request id if it is pending and due; it reports
// whether it did.
func (s *Service) expireNow(id string) (bool, error) {
	return s.expireIfDue(id, s.now())
}

// expireIfDue expires request id, with its audit entry, in one durable
// write transaction if at now it is still pending and its expiry has come;
// it reports whether it did. A request decided or expired meanwhile is left
// as it is.
func (s *Service) expireIfDue(id string, now time.Time) (bool, error) {
	done := false
	err := s.st.Update(func(tx vault.Tx) error {
		done = false
		r, err := getRecord(tx, id)
		if err != nil {
			return err
		}
		if !r.overdue(now) {
			return nil // decided or expired meanwhile
		}
		done = true
		return s.expire(tx, r, now.UTC())
	})
	return done, err
}

// Expire closes every pending request whose expiry is at or before now,
// each with its audit entry, and returns how many. Run it periodically;
// File, Get, Decide and Reveal also expire the requests they touch.
func (s *Service) Expire(now time.Time) (int, error) {
	var ids []string
	err := s.st.View(func(tx vault.Tx) error {
		c := tx.Cursor(bucketExpiry)
		limit := expiryKey(now, "")
		for k, _ := c.First(); k != nil && len(k) > 8 && string(k[:8]) <= string(limit); k, _ = c.Next() {
			ids = append(ids, string(k[8:]))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		done, err := s.expireIfDue(id, now)
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}

// Decide records an auditor's signed decision on request id. a must be an
// auditor account bound to keyring auditor accountAuditorID, which must be
// in.AuditorID. The signature must verify with that auditor's Ed25519 key
// from the keyring over the Statement of this request, this complaint's
// current sealed record and in.SealedShare; an approval must carry a
// re-sealed share framed for the auditor's own index. Each auditor decides
// once. At k approvals the request is approved (and the reporter's notice
// starts, after the deferral if one was signed); once k can no longer be
// reached it is denied. The decision, and approved or denied, are logged in
// the same transaction.
//
// Errors: ErrForbidden, ErrDecision, ErrUnknownAuditor, ErrShare,
// ErrSignature (forged, replayed from another request, or over another
// recipient key, record or share), ErrNotFound, ErrDuplicate, ErrClosed,
// ErrExpired (the request is then closed as expired), vault.ErrShredded.
func (s *Service) Decide(a vault.Actor, accountAuditorID, id string, in DecisionInput) (*Request, error) {
	if a.Role != vault.RoleAuditor || a.ID == "" || accountAuditorID == "" || in.AuditorID != accountAuditorID {
		return nil, ErrForbidden
	}
	if !in.Verdict.Valid() {
		return nil, ErrDecision
	}
	aud, idx, ok := s.kr.Auditor(in.AuditorID)
	if !ok {
		return nil, ErrUnknownAuditor
	}
	switch in.Verdict {
	case Approve:
		if err := CheckResealedShare(in.SealedShare, idx); err != nil {
			return nil, err
		}
	case Deny:
		if len(in.SealedShare) != 0 {
			return nil, ErrShare
		}
	}
	if len(in.Signature) != 64 {
		return nil, ErrSignature
	}
	now := s.now().UTC()
	var out *record
	expired, approved := false, false
	err := s.st.Update(func(tx vault.Tx) error {
		expired, approved, out = false, false, nil
		r, err := getRecord(tx, id)
		if err != nil {
			return err
		}
		if r.overdue(now) {
			expired = true
			return s.expire(tx, r, now)
		}
		if r.Status != StatusPending {
			return ErrClosed
		}
		if r.Keyring != s.kr.ID().String() {
			return fmt.Errorf("%w: request filed under another keyring", ErrUnknownAuditor)
		}
		for _, d := range r.Decisions {
			if d.Auditor == in.AuditorID {
				return ErrDuplicate
			}
		}
		sealed, err := vault.SealedRecordTx(tx, r.Complaint)
		if err != nil {
			return err
		}
		just, err := box.Open(s.key, r.Justification, aadJustification(r.ID))
		if err != nil {
			return fmt.Errorf("%w: justification does not open", ErrCorrupt)
		}
		st := Statement{
			RequestID: r.ID, ComplaintID: r.Complaint, KeyringID: s.kr.ID(), AuditorID: in.AuditorID,
			Verdict: in.Verdict, LegalBasis: r.LegalBasis, Justification: string(just),
			RecipientKey: r.RecipientKey, DeferralDays: r.DeferralDays, SealedRecord: sealed,
			SealedShare: in.SealedShare,
		}
		if err := st.Verify(aud.Ed25519, in.Signature); err != nil {
			return err
		}
		d := decisionRecord{Auditor: in.AuditorID, Index: idx, Account: a.ID, Verdict: in.Verdict, Time: now,
			Signature: slices.Clone(in.Signature), Share: slices.Clone(in.SealedShare)}
		action := auditlog.ActionUnsealApprove
		if in.Verdict == Deny {
			action = auditlog.ActionUnsealDeny
		}
		if d.LogIndex, err = s.appendEntry(tx, r, action, a, now, decisionDetails(r, &d)); err != nil {
			return err
		}
		r.Decisions = append(r.Decisions, d)
		if err := s.settle(tx, r, now); err != nil {
			return err
		}
		approved = r.Status == StatusApproved
		out = r
		return putRecord(tx, r)
	})
	if err != nil {
		return nil, err
	}
	if expired {
		return nil, ErrExpired
	}
	if approved && s.signCP != nil {
		_ = s.signCP() // best effort: the periodic checkpointer signs later
	}
	return s.view(out, false)
}

// settle approves r at k approvals, or denies it once n minus its denials
// is below k, with the entries and index changes that go with it.
func (s *Service) settle(tx vault.Tx, r *record, now time.Time) error {
	approvals, denials := 0, 0
	for _, d := range r.Decisions {
		if d.Verdict == Approve {
			approvals++
		} else {
			denials++
		}
	}
	var err error
	switch {
	case approvals >= r.Threshold:
		r.Status, r.Closed = StatusApproved, now
		r.NoticeAt = now.Add(time.Duration(r.DeferralDays) * Day)
		if r.ClosedIndex, err = s.appendEntry(tx, r, auditlog.ActionUnsealApproved, systemActor, now, s.closeDetails(r, now)); err != nil {
			return err
		}
		if r.DeferralDays > 0 {
			if _, err = s.appendEntry(tx, r, auditlog.ActionUnsealDefer, systemActor, now, deferDetails(r)); err != nil {
				return err
			}
		}
		if err := tx.Put(bucketDisclosures, disclosureKey(r.Complaint, r.ID), []byte{}); err != nil {
			return err
		}
		return setPending(tx, r, false)
	case r.N-denials < r.Threshold:
		r.Status, r.Closed = StatusDenied, now
		if r.ClosedIndex, err = s.appendEntry(tx, r, auditlog.ActionUnsealDenied, systemActor, now, s.closeDetails(r, now)); err != nil {
			return err
		}
		return setPending(tx, r, false)
	}
	return nil
}

// Reveal returns an approved request with every approval's re-sealed
// share and the complaint's sealed record, to the account that filed it
// only (others get ErrNotFound, non-requesting roles ErrForbidden). Each
// call is logged (unseal_reveal) in its own write transaction before
// anything is returned. Before approval, and after a denial or expiry, it
// returns ErrNotApproved and nothing else.
func (s *Service) Reveal(a vault.Actor, id string) (*Revealed, error) {
	if a.ID == "" || !s.pol.AllowsRole(a.Role) {
		return nil, ErrForbidden
	}
	now := s.now().UTC()
	var out *record
	var sealed []byte
	expired := false
	err := s.st.Update(func(tx vault.Tx) error {
		out, sealed, expired = nil, nil, false
		r, err := getRecord(tx, id)
		if err != nil {
			return err
		}
		if err := s.visible(a, r); err != nil {
			return err
		}
		if r.overdue(now) {
			expired = true
			return s.expire(tx, r, now)
		}
		if r.Status != StatusApproved {
			return ErrNotApproved
		}
		if sealed, err = vault.SealedRecordTx(tx, r.Complaint); err != nil {
			return err
		}
		if _, err := s.appendEntry(tx, r, auditlog.ActionUnsealReveal, a, now, revealDetails(r, now)); err != nil {
			return err
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	if expired {
		return nil, ErrNotApproved
	}
	q, err := s.view(out, true)
	if err != nil {
		return nil, err
	}
	return &Revealed{Request: q, SealedRecord: sealed}, nil
}

// Disclosures lists the approved openings of complaint complaintID's
// sealed identity whose notice time has come, oldest first, each with an
// inclusion proof of its unseal_approved entry. The caller must have
// established that the asker is the complaint's reporter (their receipt).
func (s *Service) Disclosures(complaintID string) ([]Disclosure, error) {
	now := s.now()
	out := []Disclosure{}
	err := s.st.View(func(tx vault.Tx) error {
		prefix := disclosureKey(complaintID, "")
		var ids []string
		c := tx.Cursor(bucketDisclosures)
		for k, _ := c.Seek(prefix); k != nil && len(k) > len(prefix) && string(k[:len(prefix)]) == string(prefix); k, _ = c.Next() {
			ids = append(ids, string(k[len(prefix):]))
		}
		for _, id := range ids {
			r, err := getRecord(tx, id)
			if err != nil {
				return err
			}
			if r.Status != StatusApproved || r.Complaint != complaintID || now.Before(r.NoticeAt) {
				continue
			}
			out = append(out, Disclosure{RequestID: r.ID, LegalBasis: r.LegalBasis, ApprovedAt: r.Closed,
				NoticeAt: r.NoticeAt, LogIndex: r.ClosedIndex})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Disclosure) int { return a.ApprovedAt.Compare(b.ApprovedAt) })
	for i := range out {
		if out[i].Proof, out[i].Checkpoint, err = s.proof(out[i].LogIndex); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// proof returns an inclusion proof of entry index against the latest
// signed checkpoint, signing one first if it does not cover the entry and
// a signer is configured; failing that, against the current tree.
func (s *Service) proof(index int64) (*auditlog.InclusionResponse, []byte, error) {
	for try := 0; try < 2; try++ {
		cp, err := s.log.Checkpoint()
		if err == nil {
			if size, ok := checkpointSize(cp); ok && size > index {
				p, err := s.log.Inclusion(index, size)
				if err != nil {
					return nil, nil, err
				}
				return p, cp, nil
			}
		} else if !errors.Is(err, auditlog.ErrNoCheckpoint) {
			return nil, nil, err
		}
		if try == 0 && s.signCP != nil {
			_ = s.signCP()
			continue
		}
		break
	}
	n, err := s.log.Size()
	if err != nil {
		return nil, nil, err
	}
	p, err := s.log.Inclusion(index, n)
	return p, nil, err
}

// checkpointSize reads the tree size from the server's own stored
// checkpoint (its second line).
func checkpointSize(cp []byte) (int64, bool) {
	lines := strings.SplitN(string(cp), "\n", 3)
	if len(lines) < 3 || lines[1] == "" || len(lines[1]) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range lines[1] {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// hashHex is the lowercase hex SHA-256 of b.
func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
