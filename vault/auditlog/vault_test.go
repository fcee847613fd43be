package auditlog

import (
	"bytes"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"kotak/internal/testkit"
	"kotak/vault"
	"kotak/vault/redact"
)

// TestVaultEvents wires the log into a real vault: every action's event
// is logged in the action's transaction, an action whose entry cannot be
// written fails with nothing kept, and the log verifies.
func TestVaultEvents(t *testing.T) {
	rnd := testkit.Rand(42)
	kr, _ := testkit.Keyring(t, 1, 1)
	var failLog atomic.Bool
	errDiskFull := errors.New("disk full")
	now := time.Date(2026, 3, 17, 3, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	v, err := vault.Open(dir, vault.Options{
		Keyring: kr, Rand: rnd, Now: func() time.Time { return now },
		Buckets: Buckets,
		OnEvent: func(tx vault.Tx, e vault.Event) error {
			if failLog.Load() {
				// A log write that fails half-way: the entry is written,
				// then the hook fails. Nothing of it may survive.
				if _, err := Append(tx, FromEvent(e)); err != nil {
					return err
				}
				return errDiskFull
			}
			return OnEvent(tx, e)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()

	sub := vault.Submission{
		Title: "Jalan rusak", Body: "Saya Budi Santoso melaporkan jalan berlubang di Jl. Merdeka 17.",
		Category: "infrastruktur", Region: "kota-bandung", Privacy: vault.PrivacyConfidential,
		Channel: vault.ChannelWeb, Reporter: redact.Identity{Name: "Budi Santoso", Phone: "081234567890"},
	}
	s, err := v.Submit(sub)
	if err != nil {
		t.Fatal(err)
	}
	admin := vault.Actor{Role: vault.RoleAdmin, ID: "admin-1"}
	if _, err := v.Verify(admin, s.ID, "dinas-pu", "Pak Budi, 0812 3456 7890"); err != nil {
		t.Fatal(err)
	}
	agency := vault.Actor{Role: vault.RoleAgency, ID: "petugas-1", Agency: "dinas-pu"}
	if _, err := v.ReporterContact(agency, s.ID); err != nil {
		t.Fatal(err)
	}
	failLog.Store(true)
	if _, err := v.Respond(agency, s.ID, "Sedang ditangani", false); !errors.Is(err, errDiskFull) {
		t.Fatalf("action with a failed entry: %v", err)
	}
	failLog.Store(false)
	if n, _ := New(v.Store()).Size(); n != 3 {
		t.Fatalf("the failed action left %d entries", n-3)
	}
	if _, err := v.Respond(agency, s.ID, "Sedang ditangani", false); err != nil {
		t.Fatal(err)
	}

	l := New(v.Store())
	c, err := v.Get(admin, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	n, err := l.Size()
	if err != nil {
		t.Fatal(err)
	}
	// One entry per kept event, in order.
	wantActions := []vault.Action{vault.ActionSubmit, vault.ActionVerify, vault.ActionViewContact, vault.ActionRespond}
	if n != int64(len(wantActions)) || len(c.Messages) != 1 {
		t.Fatalf("%d entries, %d messages", n, len(c.Messages))
	}
	page, err := l.Entries(0, n)
	if err != nil {
		t.Fatal(err)
	}
	for i, raw := range page {
		e, err := ParseEntry(raw)
		if err != nil {
			t.Fatal(err)
		}
		if e.Action != string(wantActions[i]) || e.Complaint != s.ID {
			t.Fatalf("entry %d: %s", i, raw)
		}
		for _, secret := range []string{"Budi", "0812", "Merdeka"} {
			if bytes.Contains(raw, []byte(secret)) {
				t.Fatalf("entry %d holds %q: %s", i, secret, raw)
			}
		}
	}
	// The verify entry commits to the event's note without holding it.
	var verifyEvent vault.Event
	for _, ev := range c.Events {
		if ev.Action == vault.ActionVerify {
			verifyEvent = ev
		}
	}
	if e, _ := ParseEntry(page[1]); e.Details != DetailsHash(EventDetails(verifyEvent)) {
		t.Fatal("details hash does not match the stored event")
	}

	signer, vkey, err := LoadOrCreateSigner(dir, "test.example", rnd)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewCheckpointer(v.Store(), signer).SignNow(); err != nil {
		t.Fatal(err)
	}
	ver, err := NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(l, VerifyOptions{Verifier: ver}); err != nil {
		t.Fatal(err)
	}
}
