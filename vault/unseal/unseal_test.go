package unseal

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"kotak/internal/testkit"
	"kotak/vault"
	"kotak/vault/auditlog"
)

func TestFileChecksPolicy(t *testing.T) {
	e := newEnv(t, 3, 2)
	rc := newRecipient(t, 1)
	good := Filing{ComplaintID: e.complaint, LegalBasis: BasisCourtOrder, Justification: testJust, RecipientKey: rc.pub}
	tests := []struct {
		name  string
		actor vault.Actor
		mod   func(*Filing)
		want  error
	}{
		{"auditor may not request", auditorActor(1), nil, ErrForbidden},
		{"agency may not request", vault.Actor{Role: vault.RoleAgency, ID: "dinkes", Agency: "dinkes"}, nil, ErrForbidden},
		{"admin not in default policy", vault.Actor{Role: vault.RoleAdmin, ID: "admin"}, nil, ErrForbidden},
		{"officer without account id", vault.Actor{Role: vault.RoleOfficer}, nil, ErrForbidden},
		{"unknown legal basis", officer, func(f *Filing) { f.LegalBasis = "curiosity" }, ErrLegalBasis},
		{"empty legal basis", officer, func(f *Filing) { f.LegalBasis = "" }, ErrLegalBasis},
		{"short justification", officer, func(f *Filing) { f.Justification = "  karena perlu   " }, ErrJustification},
		{"long justification", officer, func(f *Filing) { f.Justification = strings.Repeat("a", MaxJustification+1) }, ErrJustification},
		{"control character", officer, func(f *Filing) { f.Justification = testJust + "\x00" + testJust }, ErrJustification},
		{"invalid UTF-8", officer, func(f *Filing) { f.Justification = testJust + "\xff" }, ErrJustification},
		{"short recipient key", officer, func(f *Filing) { f.RecipientKey = rc.pub[:100] }, ErrRecipientKey},
		{"no recipient key", officer, func(f *Filing) { f.RecipientKey = nil }, ErrRecipientKey},
		{"deferral too long", officer, func(f *Filing) { f.DeferralDays = 91 }, ErrDeferral},
		{"negative deferral", officer, func(f *Filing) { f.DeferralDays = -1 }, ErrDeferral},
		{"unknown complaint", officer, func(f *Filing) { f.ComplaintID = "KTK-0000000000000" }, vault.ErrNotFound},
		{"malformed complaint id", officer, func(f *Filing) { f.ComplaintID = "../../etc" }, vault.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := good
			if tc.mod != nil {
				tc.mod(&f)
			}
			_, err := e.svc.File(tc.actor, f)
			if !errors.Is(err, tc.want) {
				t.Fatalf("File: %v, want %v", err, tc.want)
			}
		})
	}
	if n := len(e.entries()); n != 1 { // only the complaint's submit entry
		t.Fatalf("refused filings left %d log entries, want 1", n)
	}
	q, err := e.svc.File(officer, good)
	if err != nil {
		t.Fatal(err)
	}
	if q.Status != StatusPending || q.Threshold != 2 || q.N != 3 || !q.ExpiresAt.Equal(start.Add(14*Day)) ||
		q.Justification != testJust || !bytes.Equal(q.RecipientKey, rc.pub) || q.KeyringID != e.ring.kr.ID() {
		t.Fatalf("filed request: %+v", q)
	}
	if !ValidRequestID(q.ID) {
		t.Fatalf("request id %q", q.ID)
	}
	if got := e.actions(q.ID); !slices.Equal(got, []string{auditlog.ActionUnsealRequest}) {
		t.Fatalf("log actions %v", got)
	}
}

func TestFileNeedsKeyringOfRecord(t *testing.T) {
	e := newEnv(t, 3, 2)
	other := testKeyring(t, 3, 3) // another keyring: the record is not sealed to it
	svc, err := New(e.v.Store(), Options{Keyring: other.kr, JustificationKey: e.opts.JustificationKey, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	rc := newRecipient(t, 1)
	_, err = svc.File(officer, Filing{ComplaintID: e.complaint, LegalBasis: BasisCourtOrder, Justification: testJust, RecipientKey: rc.pub})
	if !errors.Is(err, ErrNotSealed) {
		t.Fatalf("File under another keyring: %v", err)
	}
}

func TestFileShreddedComplaint(t *testing.T) {
	e := newEnv(t, 3, 2)
	if err := e.v.Shred(e.complaint); err != nil {
		t.Fatal(err)
	}
	rc := newRecipient(t, 1)
	_, err := e.svc.File(officer, Filing{ComplaintID: e.complaint, LegalBasis: BasisCourtOrder, Justification: testJust, RecipientKey: rc.pub})
	if !errors.Is(err, vault.ErrShredded) {
		t.Fatalf("File on shredded complaint: %v", err)
	}
}

func TestOpenRequestLimit(t *testing.T) {
	e := newEnv(t, 3, 2, func(o *Options) {
		p := DefaultPolicy()
		p.MaxOpenPerRequester = 2
		o.Policy = p
	})
	rc := newRecipient(t, 1)
	first := e.file(rc)
	e.clock.Add(Day)
	e.file(rc)
	f := Filing{ComplaintID: e.complaint, LegalBasis: BasisCourtOrder, Justification: testJust, RecipientKey: rc.pub}
	if _, err := e.svc.File(officer, f); !errors.Is(err, ErrTooManyOpen) {
		t.Fatalf("third open request: %v", err)
	}
	// Another officer has their own limit.
	other := vault.Actor{Role: vault.RoleOfficer, ID: "officer-2"}
	if _, err := e.svc.File(other, f); err != nil {
		t.Fatalf("another officer: %v", err)
	}
	// Once the first expires, a slot is free again, and the expiry is logged.
	e.clock.Add(13 * Day)
	q, err := e.svc.File(officer, f)
	if err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if got := e.actions(first.ID); !slices.Equal(got, []string{auditlog.ActionUnsealRequest, auditlog.ActionUnsealExpired}) {
		t.Fatalf("first request's actions %v", got)
	}
	if g, err := e.svc.Get(officer, first.ID); err != nil || g.Status != StatusExpired {
		t.Fatalf("first request after expiry: %+v, %v", g, err)
	}
	// An approved request no longer counts either.
	for i := 1; i <= 2; i++ {
		if _, err := e.decide(q, i, e.decision(q, i, Approve)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.File(officer, f); err != nil {
		t.Fatalf("after approval: %v", err)
	}
}

func TestApproveAtThreshold(t *testing.T) {
	e := newEnv(t, 3, 2)
	rc := newRecipient(t, 1)
	q := e.file(rc)

	// One approval is not enough: nothing to reveal.
	e.clock.Add(time.Hour)
	q1, err := e.decide(q, 1, e.decision(q, 1, Approve))
	if err != nil {
		t.Fatal(err)
	}
	if q1.Status != StatusPending || q1.Approvals != 1 {
		t.Fatalf("after one approval: %s, %d approvals", q1.Status, q1.Approvals)
	}
	if _, err := e.svc.Reveal(officer, q.ID); !errors.Is(err, ErrNotApproved) {
		t.Fatalf("Reveal after one approval: %v", err)
	}
	if d, err := e.svc.Disclosures(e.complaint); err != nil || len(d) != 0 {
		t.Fatalf("disclosures after one approval: %v, %v", d, err)
	}

	e.clock.Add(time.Hour)
	q2, err := e.decide(q, 3, e.decision(q, 3, Approve))
	if err != nil {
		t.Fatal(err)
	}
	if q2.Status != StatusApproved || q2.Approvals != 2 || !q2.ClosedAt.Equal(e.clock.Now()) || !q2.NoticeAt.Equal(q2.ClosedAt) {
		t.Fatalf("after two approvals: %+v", q2)
	}
	for _, d := range q2.Decisions {
		if len(d.SealedShare) != 0 {
			t.Fatal("Decide's answer carries a share")
		}
	}
	// Get hides shares too.
	g, err := e.svc.Get(auditorActor(2), q.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range g.Decisions {
		if len(d.SealedShare) != 0 {
			t.Fatal("Get's answer carries a share")
		}
	}
	// The reporter sees the disclosure now, before any reveal.
	ds, err := e.svc.Disclosures(e.complaint)
	if err != nil || len(ds) != 1 {
		t.Fatalf("disclosures: %v, %v", ds, err)
	}
	if ds[0].RequestID != q.ID || ds[0].LegalBasis != BasisCourtOrder || !ds[0].ApprovedAt.Equal(q2.ClosedAt) {
		t.Fatalf("disclosure %+v", ds[0])
	}
	en, err := auditlog.ParseEntry(ds[0].Proof.Entry)
	if err != nil || en.Action != auditlog.ActionUnsealApproved || en.Request != q.ID || en.Complaint != e.complaint {
		t.Fatalf("disclosure entry %+v, %v", en, err)
	}

	rv, err := e.svc.Reveal(officer, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := reveal(t, e.ring.kr, rv, rc)
	if p.Reporter.Name != testReporter.Name || p.Reporter.NIK != testReporter.NIK || p.Body != testBody || p.Title != testTitle {
		t.Fatalf("revealed %+v", p)
	}
	// Each fetch is logged.
	if _, err := e.svc.Reveal(officer, q.ID); err != nil {
		t.Fatal(err)
	}
	want := []string{auditlog.ActionUnsealRequest, auditlog.ActionUnsealApprove, auditlog.ActionUnsealApprove,
		auditlog.ActionUnsealApproved, auditlog.ActionUnsealReveal, auditlog.ActionUnsealReveal}
	if got := e.actions(q.ID); !slices.Equal(got, want) {
		t.Fatalf("actions %v, want %v", got, want)
	}
	// A third decision after approval is refused: the request is closed.
	if _, err := e.decide(q, 2, e.decision(q, 2, Approve)); !errors.Is(err, ErrClosed) {
		t.Fatalf("decision after approval: %v", err)
	}
}

func TestDecisionRefusals(t *testing.T) {
	e := newEnv(t, 3, 2)
	rc := newRecipient(t, 1)
	q := e.file(rc)
	other := e.file(rc) // a second request on the same complaint
	good := e.decision(q, 1, Approve)
	intruder := newRecipient(t, 9)

	tests := []struct {
		name    string
		actor   vault.Actor
		account string
		in      func() DecisionInput
		want    error
	}{
		{"officer posts", officer, "auditor-1", func() DecisionInput { return good }, ErrForbidden},
		{"account bound to another auditor", auditorActor(2), "auditor-2", func() DecisionInput { return good }, ErrForbidden},
		{"account with no auditor id", auditorActor(1), "", func() DecisionInput { return good }, ErrForbidden},
		{"unknown auditor", vault.Actor{Role: vault.RoleAuditor, ID: "auditor-9"}, "auditor-9",
			func() DecisionInput { d := good; d.AuditorID = "auditor-9"; return d }, ErrUnknownAuditor},
		{"bad verdict", auditorActor(1), "auditor-1",
			func() DecisionInput { d := good; d.Verdict = "maybe"; return d }, ErrDecision},
		{"forged signature", auditorActor(1), "auditor-1",
			func() DecisionInput { d := good; d.Signature = bytes.Clone(d.Signature); d.Signature[5] ^= 1; return d }, ErrSignature},
		{"short signature", auditorActor(1), "auditor-1",
			func() DecisionInput { d := good; d.Signature = d.Signature[:63]; return d }, ErrSignature},
		{"signed by another auditor", auditorActor(1), "auditor-1",
			func() DecisionInput { d := good; d.Signature = e.decision(q, 2, Approve).Signature; return d }, ErrSignature},
		{"approval without share", auditorActor(1), "auditor-1",
			func() DecisionInput { d := good; d.SealedShare = nil; return d }, ErrShare},
		{"denial with share", auditorActor(1), "auditor-1",
			func() DecisionInput { d := good; d.Verdict = Deny; return d }, ErrShare},
		{"share of another index", auditorActor(1), "auditor-1",
			func() DecisionInput { d := good; d.SealedShare = e.decision(q, 2, Approve).SealedShare; return d }, ErrShare},
		{"share swapped after signing", auditorActor(1), "auditor-1",
			func() DecisionInput {
				d := good
				d.SealedShare = e.decision(q, 1, Approve).SealedShare // fresh randomness: other bytes
				d.SealedShare = bytes.Clone(d.SealedShare)
				d.SealedShare[len(d.SealedShare)-1] ^= 1
				return d
			}, ErrSignature},
		{"share sealed to another key", auditorActor(1), "auditor-1",
			func() DecisionInput { return e.decisionTo(q, 1, Approve, intruder.pub) }, ErrSignature},
		{"replayed from another request", auditorActor(1), "auditor-1",
			func() DecisionInput { return e.decision(other, 1, Approve) }, ErrSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.Decide(tc.actor, tc.account, q.ID, tc.in())
			if !errors.Is(err, tc.want) {
				t.Fatalf("Decide: %v, want %v", err, tc.want)
			}
		})
	}
	if got := e.actions(q.ID); len(got) != 1 {
		t.Fatalf("refused decisions were logged: %v", got)
	}
	if _, err := e.svc.Decide(auditorActor(1), "auditor-1", "UNS-0000000000000", good); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown request: %v", err)
	}
	if _, err := e.decide(q, 1, good); err != nil {
		t.Fatalf("the genuine approval: %v", err)
	}
	// The same approval again, and any other decision by that auditor.
	if _, err := e.decide(q, 1, good); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("replayed approval: %v", err)
	}
	if _, err := e.decide(q, 1, e.decision(q, 1, Deny)); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("second decision: %v", err)
	}
	g, err := e.svc.Get(officer, q.ID)
	if err != nil || g.Approvals != 1 || g.Status != StatusPending {
		t.Fatalf("after refusals: %+v, %v", g, err)
	}
}

func TestDenialMath(t *testing.T) {
	// With n auditors and threshold k, a request is denied at the first
	// denial that leaves fewer than k auditors able to approve.
	tests := []struct {
		n, k  int
		order []Verdict // decisions by auditors 1, 2, …
		want  []Status  // status after each
	}{
		{3, 2, []Verdict{Deny, Deny}, []Status{StatusPending, StatusDenied}},
		{3, 2, []Verdict{Deny, Approve, Approve}, []Status{StatusPending, StatusPending, StatusApproved}},
		{3, 3, []Verdict{Approve, Deny}, []Status{StatusPending, StatusDenied}},
		{5, 3, []Verdict{Deny, Deny, Approve, Deny}, []Status{StatusPending, StatusPending, StatusPending, StatusDenied}},
		{5, 3, []Verdict{Deny, Approve, Deny, Approve, Approve}, []Status{StatusPending, StatusPending, StatusPending, StatusPending, StatusApproved}},
		{1, 1, []Verdict{Deny}, []Status{StatusDenied}},
		{1, 1, []Verdict{Approve}, []Status{StatusApproved}},
	}
	for _, tc := range tests {
		e := newEnv(t, tc.n, tc.k)
		q := e.file(newRecipient(t, 1))
		for i, v := range tc.order {
			got, err := e.decide(q, i+1, e.decision(q, i+1, v))
			if err != nil {
				t.Fatalf("%d-of-%d %v: decision %d: %v", tc.k, tc.n, tc.order, i+1, err)
			}
			if got.Status != tc.want[i] {
				t.Fatalf("%d-of-%d %v: after decision %d: %s, want %s", tc.k, tc.n, tc.order, i+1, got.Status, tc.want[i])
			}
		}
		last := tc.want[len(tc.want)-1]
		acts := e.actions(q.ID)
		switch last {
		case StatusDenied:
			if acts[len(acts)-1] != auditlog.ActionUnsealDenied {
				t.Fatalf("denied without its entry: %v", acts)
			}
			if _, err := e.svc.Reveal(officer, q.ID); !errors.Is(err, ErrNotApproved) {
				t.Fatalf("Reveal of a denied request: %v", err)
			}
		case StatusApproved:
			if acts[len(acts)-1] != auditlog.ActionUnsealApproved {
				t.Fatalf("approved without its entry: %v", acts)
			}
		}
	}
}

func TestExpiry(t *testing.T) {
	e := newEnv(t, 3, 2)
	q := e.file(newRecipient(t, 1))
	if _, err := e.decide(q, 1, e.decision(q, 1, Approve)); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(14*Day - time.Second)
	late := e.decision(q, 2, Approve)
	e.clock.Add(time.Second)
	if _, err := e.decide(q, 2, late); !errors.Is(err, ErrExpired) {
		t.Fatalf("decision at expiry: %v", err)
	}
	// The expiry was kept (and logged) although the decision failed.
	want := []string{auditlog.ActionUnsealRequest, auditlog.ActionUnsealApprove, auditlog.ActionUnsealExpired}
	if got := e.actions(q.ID); !slices.Equal(got, want) {
		t.Fatalf("actions %v, want %v", got, want)
	}
	if _, err := e.decide(q, 2, late); !errors.Is(err, ErrClosed) {
		t.Fatalf("decision on an expired request: %v", err)
	}
	if _, err := e.svc.Reveal(officer, q.ID); !errors.Is(err, ErrNotApproved) {
		t.Fatalf("Reveal of an expired request: %v", err)
	}
}

func TestExpireSweepAndGet(t *testing.T) {
	e := newEnv(t, 3, 2)
	a := e.file(newRecipient(t, 1))
	e.clock.Add(2 * Day)
	b := e.file(newRecipient(t, 2))
	n, err := e.svc.Expire(e.clock.Now().Add(13 * Day))
	if err != nil || n != 1 {
		t.Fatalf("Expire: %d, %v", n, err)
	}
	if g, _ := e.svc.Get(officer, a.ID); g.Status != StatusExpired {
		t.Fatalf("a: %s", g.Status)
	}
	if g, _ := e.svc.Get(officer, b.ID); g.Status != StatusPending {
		t.Fatalf("b: %s", g.Status)
	}
	// Get closes an overdue request itself, with its entry.
	e.clock.Add(14 * Day)
	g, err := e.svc.Get(auditorActor(1), b.ID)
	if err != nil || g.Status != StatusExpired {
		t.Fatalf("Get of an overdue request: %+v, %v", g, err)
	}
	if got := e.actions(b.ID); !slices.Equal(got, []string{auditlog.ActionUnsealRequest, auditlog.ActionUnsealExpired}) {
		t.Fatalf("b's actions %v", got)
	}
	if n, err := e.svc.Expire(e.clock.Now()); err != nil || n != 0 {
		t.Fatalf("second sweep: %d, %v", n, err)
	}
}

func TestVisibility(t *testing.T) {
	e := newEnv(t, 3, 2)
	q := e.file(newRecipient(t, 1))
	tests := []struct {
		actor vault.Actor
		want  error
	}{
		{officer, nil},
		{auditorActor(3), nil},
		{vault.Actor{Role: vault.RoleOfficer, ID: "officer-2"}, ErrNotFound},
		{vault.Actor{Role: vault.RoleAdmin, ID: "admin"}, ErrForbidden},
		{vault.Actor{Role: vault.RoleAgency, ID: "dinkes", Agency: "dinkes"}, ErrForbidden},
		{vault.Actor{Role: vault.RoleReporter}, ErrForbidden},
	}
	for _, tc := range tests {
		_, err := e.svc.Get(tc.actor, q.ID)
		if !errors.Is(err, tc.want) {
			t.Errorf("Get as %+v: %v, want %v", tc.actor, err, tc.want)
		}
	}
	for i := 1; i <= 2; i++ {
		if _, err := e.decide(q, i, e.decision(q, i, Approve)); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []vault.Actor{auditorActor(1), {Role: vault.RoleOfficer, ID: "officer-2"}, {Role: vault.RoleAdmin, ID: "admin"}} {
		if _, err := e.svc.Reveal(a, q.ID); err == nil {
			t.Errorf("Reveal as %+v succeeded", a)
		}
	}
	if got := e.actions(q.ID); slices.Contains(got, auditlog.ActionUnsealReveal) {
		t.Fatal("a refused reveal was logged")
	}
}

func TestDeferral(t *testing.T) {
	e := newEnv(t, 3, 2)
	rc := newRecipient(t, 1)
	q, err := e.svc.File(officer, Filing{ComplaintID: e.complaint, LegalBasis: BasisThreatToLife,
		Justification: testJust, RecipientKey: rc.pub, DeferralDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	// A decision signed over another deferral does not verify.
	d := e.decision(q, 1, Approve)
	tampered := *q
	tampered.DeferralDays = 0
	if _, err := e.decide(q, 1, e.decision(&tampered, 1, Approve)); !errors.Is(err, ErrSignature) {
		t.Fatalf("approval over another deferral: %v", err)
	}
	if _, err := e.decide(q, 1, d); err != nil {
		t.Fatal(err)
	}
	got, err := e.decide(q, 2, e.decision(q, 2, Approve))
	if err != nil {
		t.Fatal(err)
	}
	if !got.NoticeAt.Equal(got.ClosedAt.Add(30 * Day)) {
		t.Fatalf("notice at %v, approved %v", got.NoticeAt, got.ClosedAt)
	}
	want := []string{auditlog.ActionUnsealRequest, auditlog.ActionUnsealApprove, auditlog.ActionUnsealApprove,
		auditlog.ActionUnsealApproved, auditlog.ActionUnsealDefer}
	if acts := e.actions(q.ID); !slices.Equal(acts, want) {
		t.Fatalf("actions %v, want %v", acts, want)
	}
	if ds, _ := e.svc.Disclosures(e.complaint); len(ds) != 0 {
		t.Fatal("a deferred disclosure is shown before its time")
	}
	e.clock.Add(30 * Day)
	if ds, _ := e.svc.Disclosures(e.complaint); len(ds) != 1 || ds[0].RequestID != q.ID {
		t.Fatalf("disclosures after the deferral: %+v", ds)
	}
}

func TestDisclosureProof(t *testing.T) {
	rnd := testkit.Rand(5)
	signer, vkey, err := newNoteSigner(rnd)
	if err != nil {
		t.Fatal(err)
	}
	var cp *auditlog.Checkpointer
	e := newEnv(t, 3, 2, func(o *Options) {
		o.SignCheckpoint = func() error { _, err := cp.SignNow(); return err }
	})
	cp = auditlog.NewCheckpointer(e.v.Store(), signer)
	q := e.file(newRecipient(t, 1))
	for i := 1; i <= 2; i++ {
		if _, err := e.decide(q, i, e.decision(q, i, Approve)); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := e.svc.Disclosures(e.complaint)
	if err != nil || len(ds) != 1 {
		t.Fatalf("disclosures %v, %v", ds, err)
	}
	d := ds[0]
	v, err := auditlog.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := auditlog.OpenCheckpoint(d.Checkpoint, v)
	if err != nil {
		t.Fatal(err)
	}
	if tree.N != d.Proof.TreeSize || d.Proof.Index != d.LogIndex {
		t.Fatalf("proof for tree %d index %d, checkpoint %d, entry %d", d.Proof.TreeSize, d.Proof.Index, tree.N, d.LogIndex)
	}
	if err := auditlog.CheckInclusion(tree, d.LogIndex, d.Proof.Entry, d.Proof.Proof); err != nil {
		t.Fatalf("inclusion: %v", err)
	}
	forged := bytes.Replace(d.Proof.Entry, []byte("court_order"), []byte("court_ordes"), 1)
	forged = bytes.Replace(forged, []byte(q.ID), []byte("UNS-0000000000000"), 1)
	if err := auditlog.CheckInclusion(tree, d.LogIndex, forged, d.Proof.Proof); err == nil {
		t.Fatal("a changed entry passed the inclusion check")
	}
	// More entries later: the proof is still against a signed checkpoint.
	e.file(newRecipient(t, 2))
	ds, err = e.svc.Disclosures(e.complaint)
	if err != nil {
		t.Fatal(err)
	}
	tree, err = auditlog.OpenCheckpoint(ds[0].Checkpoint, v)
	if err != nil || auditlog.CheckInclusion(tree, ds[0].LogIndex, ds[0].Proof.Entry, ds[0].Proof.Proof) != nil {
		t.Fatalf("later proof: %v", err)
	}
}

func TestDisclosureWithoutSigner(t *testing.T) {
	e := newEnv(t, 3, 2)
	q := e.file(newRecipient(t, 1))
	for i := 1; i <= 2; i++ {
		if _, err := e.decide(q, i, e.decision(q, i, Approve)); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := e.svc.Disclosures(e.complaint)
	if err != nil || len(ds) != 1 {
		t.Fatalf("disclosures %v, %v", ds, err)
	}
	if ds[0].Checkpoint != nil {
		t.Fatal("a checkpoint without a signer")
	}
	head, err := auditlog.New(e.v.Store()).TreeHead()
	if err != nil {
		t.Fatal(err)
	}
	if head.N != ds[0].Proof.TreeSize {
		t.Fatalf("proof against %d entries, log has %d", ds[0].Proof.TreeSize, head.N)
	}
	if err := auditlog.CheckInclusion(head, ds[0].LogIndex, ds[0].Proof.Entry, ds[0].Proof.Proof); err != nil {
		t.Fatalf("inclusion against the current tree: %v", err)
	}
}

func TestJustificationEncryptedAtRest(t *testing.T) {
	e := newEnv(t, 3, 2)
	q := e.file(newRecipient(t, 1))
	err := e.v.Store().View(func(tx vault.Tx) error {
		for _, b := range slices.Concat(Buckets, auditlog.Buckets) {
			c := tx.Cursor(b)
			for k, v := c.First(); k != nil; k, v = c.Next() {
				for _, needle := range []string{testJust, "Pengadilan", "12/Pid/2026"} {
					if bytes.Contains(k, []byte(needle)) || bytes.Contains(v, []byte(needle)) {
						t.Errorf("bucket %s holds the justification in the clear", b)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Another key does not open it.
	svc, err := New(e.v.Store(), Options{Keyring: e.ring.kr, JustificationKey: make([]byte, 32), Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Get(officer, q.ID); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Get with another justification key: %v", err)
	}
}

func TestFailedStepLeavesNoTrace(t *testing.T) {
	// A decision whose signature fails after everything else checked out
	// must leave neither a decision nor an entry.
	e := newEnv(t, 3, 2)
	q := e.file(newRecipient(t, 1))
	before, err := auditlog.New(e.v.Store()).Size()
	if err != nil {
		t.Fatal(err)
	}
	d := e.decision(q, 1, Approve)
	d.Signature = bytes.Clone(d.Signature)
	d.Signature[0] ^= 0x80
	if _, err := e.decide(q, 1, d); !errors.Is(err, ErrSignature) {
		t.Fatal(err)
	}
	after, _ := auditlog.New(e.v.Store()).Size()
	g, _ := e.svc.Get(officer, q.ID)
	if after != before || len(g.Decisions) != 0 {
		t.Fatalf("log %d → %d, decisions %d", before, after, len(g.Decisions))
	}
}

func TestNewOptions(t *testing.T) {
	e := newEnv(t, 3, 2)
	bad := DefaultPolicy()
	bad.ExpiryDays = 0
	for _, o := range []Options{
		{JustificationKey: make([]byte, 32)},
		{Keyring: e.ring.kr},
		{Keyring: e.ring.kr, JustificationKey: make([]byte, 16)},
		{Keyring: e.ring.kr, JustificationKey: make([]byte, 32), Policy: bad},
	} {
		if _, err := New(e.v.Store(), o); err == nil {
			t.Errorf("New accepted %+v", o)
		}
	}
}
