package vault

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"
)

func TestShred(t *testing.T) {
	e := newEnv(t)
	s := e.submit(t, PrivacyConfidential)
	keep := e.submit(t, PrivacyConfidential)
	if _, err := e.v.Verify(admin, s.ID, "dinas-pu", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.v.Respond(agencyA, s.ID, "selesai", true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.v.AddAttachment(s.Receipt, testPNG(t)); err != nil {
		t.Fatal(err)
	}
	var shredded []Event
	e.v.onEvent = func(tx Tx, ev Event) error {
		if ev.Action == ActionShred {
			shredded = append(shredded, ev)
		}
		return nil
	}
	e.clock.Add(time.Hour)
	if err := e.v.Shred(s.ID); err != nil {
		t.Fatal(err)
	}
	if len(shredded) != 1 || shredded[0].Complaint != s.ID || shredded[0].Actor.Role != RoleSystem {
		t.Fatalf("hook saw %+v", shredded)
	}
	if _, err := e.v.Get(admin, s.ID); !errors.Is(err, ErrShredded) {
		t.Errorf("Get after shred: %v", err)
	}
	if _, err := e.v.Track(s.Receipt); !errors.Is(err, ErrNotFound) {
		t.Errorf("Track after shred: %v", err)
	}
	if _, err := e.v.Verify(admin, s.ID, "dinas-pu", ""); !errors.Is(err, ErrShredded) {
		t.Errorf("Verify after shred: %v", err)
	}
	if err := e.v.Shred(s.ID); !errors.Is(err, ErrShredded) {
		t.Errorf("second shred: %v", err)
	}
	if err := e.v.Shred("KTK-0000000000000"); !errors.Is(err, ErrNotFound) {
		t.Errorf("shred of an unknown id: %v", err)
	}
	// Nothing of it is left but the tombstone.
	err := e.v.store.View(func(tx Tx) error {
		for _, b := range [][]byte{bucketComplaints, bucketDetails, bucketDEKs, bucketSealed} {
			if tx.Get(b, []byte(s.ID)) != nil {
				t.Errorf("bucket %s still holds the complaint", b)
			}
		}
		for _, b := range [][]byte{bucketReceipts, bucketAttachments, idxTime, idxStatus, idxAgency, idxAgencyStatus, idxAutoClose, idxPublic} {
			c := tx.Cursor(b)
			for k, v := c.First(); k != nil; k, v = c.Next() {
				if bytes.Contains(k, []byte(s.ID)) || bytes.Equal(v, []byte(s.ID)) {
					t.Errorf("bucket %s still refers to the complaint", b)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var stones []Tombstone
	if err := e.v.Tombstones(func(ts Tombstone) error { stones = append(stones, ts); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(stones) != 1 {
		t.Fatalf("%d tombstones", len(stones))
	}
	ts := stones[0]
	if ts.ID != s.ID || ts.Status != StatusResolved || ts.Agency != "dinas-pu" || ts.Category != "infrastruktur" ||
		ts.Region != "kota-bandung" || !ts.SubmittedAt.Equal(start) || ts.ResolvedAt.IsZero() || !ts.ShreddedAt.Equal(e.clock.Now()) {
		t.Errorf("tombstone %+v", ts)
	}
	// The other complaint is untouched, and its sealed record still opens.
	if _, err := e.v.Get(admin, keep.ID); err != nil {
		t.Fatal(err)
	}
	e.openSealed(t, e.v, keep.ID)
}

func TestPurge(t *testing.T) {
	e := newEnv(t)
	old := e.submit(t, PrivacyPublic)
	archived := e.submit(t, PrivacyPublic)
	recent := e.submit(t, PrivacyPublic)
	open := e.submit(t, PrivacyPublic)
	if _, err := e.v.Archive(admin, archived.ID, ReasonSpam, ""); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Submitted{old, recent, open} {
		if _, err := e.v.Verify(admin, s.ID, "dinas-pu", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := e.v.Respond(agencyA, s.ID, "selesai", true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.v.Rate(old.Receipt, 4, ""); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(100 * 24 * time.Hour)
	if _, err := e.v.Rate(recent.Receipt, 5, ""); err != nil {
		t.Fatal(err)
	}
	retention := 90 * 24 * time.Hour
	n, err := e.v.Purge(e.clock.Now(), retention)
	if err != nil || n != 2 {
		t.Fatalf("Purge: %d, %v", n, err)
	}
	for _, s := range []*Submitted{old, archived} {
		if _, err := e.v.Get(admin, s.ID); !errors.Is(err, ErrShredded) {
			t.Errorf("%s after purge: %v", s.ID, err)
		}
	}
	for _, s := range []*Submitted{recent, open} {
		if _, err := e.v.Get(admin, s.ID); err != nil {
			t.Errorf("%s after purge: %v", s.ID, err)
		}
	}
	if n, err := e.v.Purge(e.clock.Now(), retention); err != nil || n != 0 {
		t.Fatalf("second Purge: %d, %v", n, err)
	}
	if _, err := e.v.Purge(e.clock.Now(), -time.Hour); !errors.Is(err, ErrBadInput) {
		t.Fatalf("negative retention: %v", err)
	}
	count := map[Status]int{}
	if err := e.v.Tombstones(func(ts Tombstone) error { count[ts.Status]++; return nil }); err != nil {
		t.Fatal(err)
	}
	if count[StatusClosed] != 1 || count[StatusArchived] != 1 {
		t.Fatalf("tombstones by status %v", count)
	}
	// Statistics still see all four complaints, two of them shredded.
	facts := map[string]Fact{}
	if err := e.v.Facts(func(f Fact) error { facts[f.ID] = f; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(facts) != 4 {
		t.Fatalf("%d facts, want 4", len(facts))
	}
	for _, s := range []*Submitted{old, archived, recent, open} {
		f, ok := facts[s.ID]
		shredded := s == old || s == archived
		if !ok || f.ShreddedAt.IsZero() == shredded || f.Category != "infrastruktur" {
			t.Errorf("fact of %s: %+v", s.ID, f)
		}
	}
	if f := facts[recent.ID]; f.Status != StatusClosed || f.Rating != 5 || f.Agency != "dinas-pu" || f.ResolvedAt.IsZero() {
		t.Errorf("fact of a live closed complaint: %+v", f)
	}
}

func testPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 16, 8))
	for x := range 16 {
		img.Set(x, x/2, color.NRGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestAttachments(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.MaxAttachments = 2 })
	sub := sampleSubmission(PrivacyConfidential)
	sub.Attachments = [][]byte{testPNG(t)}
	s, err := e.v.Submit(sub)
	if err != nil {
		t.Fatal(err)
	}
	p := e.openSealed(t, e.v, s.ID)
	if len(p.Attachments) != 1 || len(p.Attachments[0]) != 64 {
		t.Fatalf("sealed attachment hashes %v", p.Attachments)
	}
	c, err := e.v.AddAttachment(s.Receipt, testPNG(t))
	if err != nil || c.Attachments != 2 {
		t.Fatalf("AddAttachment: %v, %+v", err, c)
	}
	if _, err := e.v.AddAttachment(s.Receipt, testPNG(t)); !errors.Is(err, ErrBadInput) {
		t.Fatalf("third attachment: %v", err)
	}
	if _, err := e.v.AddAttachment(s.Receipt, []byte("%PDF-1.4 not accepted here")); !errors.Is(err, ErrBadInput) {
		t.Fatalf("bad file: %v", err)
	}
	for n := range 2 {
		data, info, err := e.v.Attachment(admin, s.ID, n)
		if err != nil {
			t.Fatal(err)
		}
		if info.Kind != "image/png" || info.Size != len(data) {
			t.Errorf("attachment %d: %+v", n, info)
		}
		if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
			t.Errorf("attachment %d does not decode: %v", n, err)
		}
	}
	if _, _, err := e.v.Attachment(admin, s.ID, 2); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing attachment: %v", err)
	}
	if _, _, err := e.v.Attachment(agencyA, s.ID, 0); !errors.Is(err, ErrForbidden) {
		t.Errorf("agency before dispatch: %v", err)
	}
}

func TestCountByStatus(t *testing.T) {
	e := newEnv(t)
	a := e.submit(t, PrivacyPublic)
	b := e.submit(t, PrivacyPublic)
	e.submit(t, PrivacyPublic)
	if _, err := e.v.Verify(admin, a.ID, "dinas-pu", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.v.Archive(admin, b.ID, ReasonDuplicate, ""); err != nil {
		t.Fatal(err)
	}
	if err := e.v.Shred(b.ID); err != nil {
		t.Fatal(err)
	}
	got, err := e.v.CountByStatus()
	if err != nil {
		t.Fatal(err)
	}
	want := map[Status]int{StatusSubmitted: 1, StatusDispatched: 1}
	for st := range statusCodes {
		if got[st] != want[st] {
			t.Errorf("%s: %d, want %d", st, got[st], want[st])
		}
	}
}
