package vault

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"kotak/internal/testkit"
	"kotak/vault/redact"
)

func TestSubmitAndTrack(t *testing.T) {
	e := newEnv(t)
	s := e.submit(t, PrivacyConfidential)
	if !ValidID(s.ID) {
		t.Fatalf("id %q is not a valid id", s.ID)
	}
	if s.Status != StatusSubmitted || s.Privacy != PrivacyConfidential {
		t.Fatalf("submitted = %+v", s)
	}
	if strings.Contains(s.Body, "Budi") || strings.Contains(s.Title, "Santoso") {
		t.Errorf("reporter's name not redacted: %q / %q", s.Title, s.Body)
	}
	if want := endOfDay(2026, 3, 27); !s.Deadlines.Verify.Equal(want) {
		t.Errorf("verify due %v, want %v", s.Deadlines.Verify, want)
	}
	digits := strings.ReplaceAll(s.Receipt, " ", "")
	for _, form := range []string{s.Receipt, digits, strings.ReplaceAll(s.Receipt, " ", "-"), " " + s.Receipt + "\t"} {
		c, err := e.v.Track(form)
		if err != nil {
			t.Fatalf("Track(%q): %v", form, err)
		}
		if c.ID != s.ID || c.Status != StatusSubmitted || c.Body != s.Body || c.Title != s.Title {
			t.Fatalf("Track gave %+v", c)
		}
		if len(c.Events) != 1 || c.Events[0].Action != ActionSubmit || c.Events[0].Actor.Role != RoleReporter {
			t.Fatalf("events %+v", c.Events)
		}
	}
	// A receipt one digit off is unknown; a malformed one is bad input.
	wrong := []byte(digits)
	wrong[19] = '0' + (wrong[19]-'0'+1)%10
	if _, err := e.v.Track(string(wrong)); !errors.Is(err, ErrNotFound) {
		t.Errorf("wrong receipt: %v", err)
	}
	var ie *InputError
	if _, err := e.v.Track("12345"); !errors.As(err, &ie) || ie.Field != "receipt" {
		t.Errorf("short receipt: %v", err)
	}
}

func TestSealedRecordHoldsOriginal(t *testing.T) {
	e := newEnv(t)
	sub := sampleSubmission(PrivacyAnonymous)
	s, err := e.v.Submit(sub)
	if err != nil {
		t.Fatal(err)
	}
	p := e.openSealed(t, e.v, s.ID)
	if p.Title != sub.Title || p.Body != sub.Body {
		t.Errorf("sealed text differs: %q / %q", p.Title, p.Body)
	}
	want := SealedReporter{Name: sub.Reporter.Name, NIK: sub.Reporter.NIK, Phone: sub.Reporter.Phone,
		Email: sub.Reporter.Email, Address: sub.Reporter.Address}
	if p.Reporter != want {
		t.Errorf("sealed reporter %+v, want %+v", p.Reporter, want)
	}
}

// TestNothingPersonalInTheFile writes complaints full of distinctive
// personal data and messages, then reads the raw database file and finds
// none of it: not the identity, not the text, not the receipts.
func TestNothingPersonalInTheFile(t *testing.T) {
	e := newEnv(t)
	var receipts []string
	for _, p := range []Privacy{PrivacyAnonymous, PrivacyConfidential, PrivacyPublic} {
		s := e.submit(t, p)
		receipts = append(receipts, strings.ReplaceAll(s.Receipt, " ", ""))
		if _, err := e.v.Verify(admin, s.ID, "dinas-pu", "Catatan verifikasi Zulkarnaen"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.v.Respond(agencyA, s.ID, "Balasan dinas Wiraputra", false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.v.ReporterReply(s.Receipt, "Terima kasih, saya tunggu Kusumawardhani"); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.v.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(e.dir, DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	sub := sampleSubmission(PrivacyPublic)
	secrets := []string{"Budi", "Santoso", "081234567890", "budi.santoso", "3273012505900001", "Merdeka",
		"berlubang", "Jalan rusak", "Zulkarnaen", "Wiraputra", "Kusumawardhani", sub.Body[:20]}
	secrets = append(secrets, receipts...)
	for _, s := range secrets {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("database file contains %q in the clear", s)
		}
	}
	// What statistics need is in the clear.
	for _, s := range []string{"dinas-pu", "infrastruktur", "kota-bandung"} {
		if !bytes.Contains(raw, []byte(s)) {
			t.Errorf("database file lacks plain field %q", s)
		}
	}
	e.reopen(t)
}

// TestAnonymousKeepsNoIdentity decrypts what the server keeps of an
// anonymous complaint and finds only the keyed-hash profile.
func TestAnonymousKeepsNoIdentity(t *testing.T) {
	e := newEnv(t)
	s := e.submit(t, PrivacyAnonymous)
	var plain []byte
	err := e.v.store.View(func(tx Tx) error {
		o, err := e.v.open(tx, s.ID)
		if err != nil {
			return err
		}
		if o.d.Contact != nil {
			t.Error("anonymous complaint keeps contact details")
		}
		plain, err = json.Marshal(o.d)
		plain = append(plain, o.title...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Budi", "Santoso", "081234567890", "budi.santoso@example.id", "3273012505900001", "Merdeka"} {
		if bytes.Contains(bytes.ToLower(plain), bytes.ToLower([]byte(s))) {
			t.Errorf("server-readable data of an anonymous complaint contains %q", s)
		}
	}
	if _, err := e.v.Verify(admin, s.ID, "dinas-pu", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.v.ReporterContact(agencyA, s.ID); !errors.Is(err, ErrNoContact) {
		t.Errorf("ReporterContact of an anonymous complaint: %v", err)
	}
	// A later message naming the reporter is redacted through the profile.
	c, err := e.v.ReporterReply(s.Receipt, "Ini Budi lagi, tolong hubungi santoso")
	if err != nil {
		t.Fatal(err)
	}
	if last := c.Messages[len(c.Messages)-1].Body; strings.Contains(strings.ToLower(last), "budi") ||
		strings.Contains(strings.ToLower(last), "santoso") {
		t.Errorf("reporter message not redacted: %q", last)
	}
}

func TestReporterContact(t *testing.T) {
	e := newEnv(t)
	var events []Event
	var mu sync.Mutex
	e.v.onEvent = func(tx Tx, ev Event) error {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, ev)
		return nil
	}
	s := e.submit(t, PrivacyConfidential)
	if _, err := e.v.ReporterContact(agencyA, s.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("contact before dispatch: %v", err)
	}
	if _, err := e.v.Verify(admin, s.ID, "dinas-pu", ""); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		actor Actor
		want  error
	}{
		{admin, ErrForbidden},
		{agencyB, ErrForbidden},
		{Actor{Role: RoleAuditor, ID: "auditor-1"}, ErrForbidden},
		{agencyA, nil},
	}
	for _, tt := range tests {
		id, err := e.v.ReporterContact(tt.actor, s.ID)
		if !errors.Is(err, tt.want) {
			t.Errorf("%+v: %v, want %v", tt.actor, err, tt.want)
		}
		if tt.want == nil && (id.Name != "Budi Santoso" || id.Phone != "081234567890") {
			t.Errorf("contact = %+v", id)
		}
	}
	c, err := e.v.Get(admin, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := c.Events[len(c.Events)-1]
	if last.Action != ActionViewContact || last.Actor != agencyA {
		t.Errorf("last event %+v, want a contact view by %v", last, agencyA)
	}
	if got := events[len(events)-1]; got.Action != ActionViewContact || got.Complaint != s.ID {
		t.Errorf("hook saw %+v", got)
	}
}

func TestSubmitInputErrors(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.AgencyExists = func(a string) bool { return a != "unknown" }
		o.CategoryExists = func(c string) bool { return c != "unknown" }
	})
	tests := []struct {
		name  string
		mod   func(*Submission)
		field string
	}{
		{"empty title", func(s *Submission) { s.Title = "  " }, "title"},
		{"long title", func(s *Submission) { s.Title = strings.Repeat("a", MaxTitle+1) }, "title"},
		{"control in title", func(s *Submission) { s.Title = "a\x00b" }, "title"},
		{"newline in title", func(s *Submission) { s.Title = "a\nb" }, "title"},
		{"invalid utf-8 body", func(s *Submission) { s.Body = "a\xffb" }, "body"},
		{"empty body", func(s *Submission) { s.Body = "" }, "body"},
		{"long body", func(s *Submission) { s.Body = strings.Repeat("é", MaxBody+1) }, "body"},
		{"bad category", func(s *Submission) { s.Category = "Infra Struktur" }, "category"},
		{"unknown category", func(s *Submission) { s.Category = "unknown" }, "category"},
		{"missing region", func(s *Submission) { s.Region = "" }, "region"},
		{"unknown agency", func(s *Submission) { s.Agency = "unknown" }, "agency"},
		{"bad privacy", func(s *Submission) { s.Privacy = "secret" }, "privacy"},
		{"bad channel", func(s *Submission) { s.Channel = "fax" }, "channel"},
		{"confidential without name", func(s *Submission) { s.Reporter.Name = "" }, "reporter.name"},
		{"confidential without contact", func(s *Submission) { s.Reporter.Phone, s.Reporter.Email = "", "" }, "reporter.phone"},
		{"long reporter field", func(s *Submission) { s.Reporter.Address = strings.Repeat("x", 201) }, "reporter.address"},
		{"too many files", func(s *Submission) { s.Attachments = make([][]byte, 6) }, "attachments"},
		{"unsupported file", func(s *Submission) { s.Attachments = [][]byte{[]byte("MZ\x90\x00 not a picture")} }, "attachments[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sampleSubmission(PrivacyConfidential)
			tt.mod(&s)
			_, err := e.v.Submit(s)
			var ie *InputError
			if !errors.As(err, &ie) || !errors.Is(err, ErrBadInput) || ie.Field != tt.field {
				t.Fatalf("got %v, want bad input on %q", err, tt.field)
			}
			if strings.Contains(err.Error(), "Budi") {
				t.Errorf("error echoes personal data: %v", err)
			}
		})
	}
	// Anonymous reporters may give nothing at all.
	s := sampleSubmission(PrivacyAnonymous)
	s.Reporter = redact.Identity{}
	if _, err := e.v.Submit(s); err != nil {
		t.Fatalf("anonymous without identity: %v", err)
	}
	// Nothing was stored by the failed calls.
	page, err := e.v.List(admin, Filter{})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("list after failures: %d items, %v", len(page.Items), err)
	}
}

// TestEventHook: every mutation calls the hook inside its transaction, and
// a failing hook fails the action with nothing kept.
func TestEventHook(t *testing.T) {
	hookBucket := []byte("audit_test")
	var fail bool
	var mu sync.Mutex
	e := newEnv(t, func(o *Options) {
		o.Buckets = [][]byte{hookBucket}
		o.OnEvent = func(tx Tx, ev Event) error {
			mu.Lock()
			defer mu.Unlock()
			if fail {
				return errors.New("audit log unavailable")
			}
			n, err := tx.NextSequence(hookBucket)
			if err != nil {
				return err
			}
			return tx.Put(hookBucket, binary.BigEndian.AppendUint64(nil, n), []byte(string(ev.Action)+" "+ev.Complaint))
		}
	})
	s := e.submit(t, PrivacyPublic)
	if _, err := e.v.Verify(admin, s.ID, "dinas-pu", ""); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	fail = true
	mu.Unlock()
	if _, err := e.v.Respond(agencyA, s.ID, "jawaban", true); err == nil {
		t.Fatal("action succeeded although the hook failed")
	}
	if _, err := e.v.Submit(sampleSubmission(PrivacyPublic)); err == nil {
		t.Fatal("submit succeeded although the hook failed")
	}
	c, err := e.v.Get(admin, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != StatusDispatched || len(c.Messages) != 0 || len(c.Events) != 2 {
		t.Fatalf("failed action left traces: status %s, %d messages, %d events", c.Status, len(c.Messages), len(c.Events))
	}
	var logged []string
	if err := e.v.store.View(func(tx Tx) error {
		cur := tx.Cursor(hookBucket)
		for k, v := cur.First(); k != nil; k, v = cur.Next() {
			logged = append(logged, string(v))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{"submit " + s.ID, "verify " + s.ID}
	if strings.Join(logged, "|") != strings.Join(want, "|") {
		t.Fatalf("hook log %q, want %q", logged, want)
	}
	page, _ := e.v.List(admin, Filter{})
	if len(page.Items) != 1 {
		t.Fatalf("a submission whose hook failed was stored: %d items", len(page.Items))
	}
}

func TestSchemaVersionRefusesNewer(t *testing.T) {
	e := newEnv(t)
	if err := e.v.store.Update(func(tx Tx) error {
		return tx.Put(bucketMeta, keySchema, binary.BigEndian.AppendUint32(nil, SchemaVersion+1))
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.v.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := Open(e.dir, e.opts)
	if !errors.Is(err, ErrSchemaVersion) {
		t.Fatalf("Open of a newer schema: %v", err)
	}
	// Put the version back so the cleanup can open and check the file.
	if err := os.Remove(filepath.Join(e.dir, DatabaseFile)); err != nil {
		t.Fatal(err)
	}
	e.v, err = Open(e.dir, e.opts)
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenNeedsKeyring(t *testing.T) {
	if _, err := Open(t.TempDir(), Options{}); !errors.Is(err, ErrConfig) {
		t.Fatalf("Open without keyring: %v", err)
	}
}

// TestTamperedRecords: a changed byte in any sealed part, or a part moved
// to another complaint, is refused with ErrCorrupt.
func TestTamperedRecords(t *testing.T) {
	e := newEnv(t)
	a := e.submit(t, PrivacyConfidential)
	b := e.submit(t, PrivacyConfidential)
	type tamper func(tx Tx) error
	flip := func(bucket []byte, id string, field string) tamper {
		return func(tx Tx) error {
			raw := bytes.Clone(tx.Get(bucket, []byte(id)))
			if field == "" {
				raw[len(raw)/2] ^= 1
				return tx.Put(bucket, []byte(id), raw)
			}
			rec, err := decodeRecord(raw)
			if err != nil {
				return err
			}
			rec.Title[len(rec.Title)-1] ^= 1
			enc, _ := rec.encode()
			return tx.Put(bucket, []byte(id), enc)
		}
	}
	tests := []struct {
		name   string
		tamper tamper
	}{
		{"title byte", flip(bucketComplaints, a.ID, "title")},
		{"detail byte", flip(bucketDetails, a.ID, "")},
		{"detail of another complaint", func(tx Tx) error {
			return tx.Put(bucketDetails, []byte(a.ID), bytes.Clone(tx.Get(bucketDetails, []byte(b.ID))))
		}},
		{"wrapped DEK byte", flip(bucketDEKs, a.ID, "")},
		{"DEK of another complaint", func(tx Tx) error {
			return tx.Put(bucketDEKs, []byte(a.ID), bytes.Clone(tx.Get(bucketDEKs, []byte(b.ID))))
		}},
		{"record of another complaint", func(tx Tx) error {
			return tx.Put(bucketComplaints, []byte(a.ID), bytes.Clone(tx.Get(bucketComplaints, []byte(b.ID))))
		}},
		{"sealed parts of another complaint", func(tx Tx) error {
			ra, _ := decodeRecord(tx.Get(bucketComplaints, []byte(a.ID)))
			rb, _ := decodeRecord(tx.Get(bucketComplaints, []byte(b.ID)))
			ra.Title = rb.Title
			enc, _ := ra.encode()
			return tx.Put(bucketComplaints, []byte(a.ID), enc)
		}},
		{"garbage record", func(tx Tx) error { return tx.Put(bucketComplaints, []byte(a.ID), []byte("{}")) }},
		{"unknown field", func(tx Tx) error {
			raw := tx.Get(bucketComplaints, []byte(a.ID))
			return tx.Put(bucketComplaints, []byte(a.ID), append([]byte(`{"x":1,`), raw[1:]...))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var saved map[string][]byte
			if err := e.v.store.Update(func(tx Tx) error {
				saved = map[string][]byte{
					"c": bytes.Clone(tx.Get(bucketComplaints, []byte(a.ID))),
					"d": bytes.Clone(tx.Get(bucketDEKs, []byte(a.ID))),
					"x": bytes.Clone(tx.Get(bucketDetails, []byte(a.ID))),
				}
				return tt.tamper(tx)
			}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.v.Get(admin, a.ID); !errors.Is(err, ErrCorrupt) {
				t.Errorf("Get after tampering: %v", err)
			}
			if _, err := e.v.Track(a.Receipt); err == nil {
				t.Errorf("Track after tampering succeeded")
			}
			if err := e.v.store.Update(func(tx Tx) error {
				if err := tx.Put(bucketComplaints, []byte(a.ID), saved["c"]); err != nil {
					return err
				}
				if err := tx.Put(bucketDetails, []byte(a.ID), saved["x"]); err != nil {
					return err
				}
				return tx.Put(bucketDEKs, []byte(a.ID), saved["d"])
			}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.v.Get(admin, a.ID); err != nil {
				t.Fatalf("restored record: %v", err)
			}
		})
	}
}

// TestMasterKeyIsNeeded: the database alone, opened with another master
// key, reveals nothing.
func TestMasterKeyIsNeeded(t *testing.T) {
	e := newEnv(t)
	s := e.submit(t, PrivacyConfidential)
	if err := e.v.Close(); err != nil {
		t.Fatal(err)
	}
	other := e.opts
	other.MasterKeyPath = filepath.Join(t.TempDir(), "other.key")
	v, err := Open(e.dir, other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Get(admin, s.ID); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Get with another master key: %v", err)
	}
	if _, err := v.Track(s.Receipt); !errors.Is(err, ErrNotFound) {
		t.Errorf("Track with another master key: %v", err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	e.reopen(t)
	if _, err := e.v.Get(admin, s.ID); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(e.dir, MasterKeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("master key file: %v, mode %v", err, fi.Mode())
	}
}

func TestIDs(t *testing.T) {
	rnd := testkit.Rand(5)
	seen := map[string]bool{}
	for range 2000 {
		id, err := drawID(rnd)
		if err != nil {
			t.Fatal(err)
		}
		if !ValidID(id) || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
	for _, bad := range []string{"", "KTK-", "KTK-0123456789ABI", "ktk-0123456789ABC", "KTK-0123456789AB", "KTK-0123456789ABCD", "XYZ-0123456789ABC"} {
		if ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
}

func TestPreviewStoresNothing(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.AgencyExists = func(a string) bool { return a != "unknown" } })
	p, err := e.v.Preview(sampleSubmission(PrivacyConfidential))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(p.Title, "Budi") || strings.Contains(p.Body, "Santoso") {
		t.Errorf("preview not redacted: %q / %q", p.Title, p.Body)
	}
	if len(p.BodyFindings) == 0 || len(p.TitleFindings) == 0 {
		t.Errorf("no findings: %+v", p)
	}
	s := sampleSubmission(PrivacyConfidential)
	for _, f := range p.BodyFindings {
		if f.Start < 0 || f.End > len(s.Body) || f.Start >= f.End {
			t.Errorf("finding out of the body: %+v", f)
		}
	}
	if _, err := e.v.Preview(Submission{Title: "x"}); !errors.Is(err, ErrBadInput) {
		t.Errorf("preview of an invalid submission: %v", err)
	}
	page, err := e.v.List(admin, Filter{})
	if err != nil || len(page.Items) != 0 {
		t.Fatalf("preview stored something: %d items, %v", len(page.Items), err)
	}
	// The agency check applies to verification and forwarding too.
	sub := e.submit(t, PrivacyPublic)
	if _, err := e.v.Verify(admin, sub.ID, "unknown", ""); !errors.Is(err, ErrBadInput) {
		t.Errorf("verify to an unknown agency: %v", err)
	}
	if _, err := e.v.Verify(admin, sub.ID, "dinas-pu", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.v.Forward(agencyA, sub.ID, "unknown", ""); !errors.Is(err, ErrBadInput) {
		t.Errorf("forward to an unknown agency: %v", err)
	}
}
