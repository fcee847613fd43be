package unseal

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"kotak/crypto/seal"
	"kotak/internal/testkit"
	"kotak/keys"
	"kotak/vault"
	"kotak/vault/auditlog"
	"kotak/vault/redact"
)

// testRing is a keyring and its auditors' identities.
type testRing struct {
	kr  *keys.Keyring
	ids []*keys.Identity
}

// testKeyring returns testkit's k-of-n keyring and its identities.
func testKeyring(t testing.TB, n, k int) testRing {
	t.Helper()
	kr, ids := testkit.Keyring(t, n, k)
	return testRing{kr, ids}
}

// start is Tuesday 17 March 2026, 10:00 WIB.
var start = time.Date(2026, 3, 17, 3, 0, 0, 0, time.UTC)

var testReporter = redact.Identity{
	Name: "Sulastri Wibisono", NIK: "3404014505880003", Phone: "0812-3344-5566",
	Email: "sulastri.w@example.id", Address: "Jl. Kaliurang Km 7 No. 12",
}

const (
	testTitle = "Antrean puskesmas"
	testBody  = "Saya Sulastri Wibisono menunggu lima jam di Puskesmas Depok tanpa kepastian."
	testJust  = "Penetapan Pengadilan Negeri Sleman No. 12/Pid/2026 meminta identitas pelapor sebagai saksi."
)

var officer = vault.Actor{Role: vault.RoleOfficer, ID: "officer"}

func auditorActor(i int) vault.Actor {
	return vault.Actor{Role: vault.RoleAuditor, ID: fmt.Sprintf("auditor-%d", i)}
}

// env is a vault with one sealed complaint and an unseal service.
type env struct {
	t         testing.TB
	v         *vault.Vault
	svc       *Service
	ring      testRing
	clock     *testkit.Clock
	complaint string
	opts      Options
}

func newEnv(t testing.TB, n, k int, mod ...func(*Options)) *env {
	t.Helper()
	e := &env{t: t, ring: testKeyring(t, n, k), clock: testkit.NewClock(start)}
	v, err := vault.Open(t.TempDir(), vault.Options{
		Keyring: e.ring.kr, Rand: testkit.Rand(1), Now: e.clock.Now,
		Buckets: append(append([][]byte(nil), Buckets...), auditlog.Buckets...),
		OnEvent: auditlog.OnEvent,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	e.v = v
	e.complaint = e.submit()
	e.opts = Options{
		Keyring: e.ring.kr, JustificationKey: make([]byte, 32), Rand: testkit.Rand(2), Now: e.clock.Now,
	}
	for i := range e.opts.JustificationKey {
		e.opts.JustificationKey[i] = byte(i + 1)
	}
	for _, m := range mod {
		m(&e.opts)
	}
	if e.svc, err = New(v.Store(), e.opts); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) submit() string {
	e.t.Helper()
	res, err := e.v.Submit(vault.Submission{
		Title: testTitle, Body: testBody, Category: "kesehatan", Region: "kab-sleman",
		Privacy: vault.PrivacyAnonymous, Channel: vault.ChannelWeb, Reporter: testReporter,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return res.ID
}

// recipient is an officer's recipient key pair.
type recipient struct{ seed, pub []byte }

func newRecipient(t testing.TB, seed byte) recipient {
	t.Helper()
	s, p, err := seal.NewRecipientKey(testkit.Rand(uint64(seed)))
	if err != nil {
		t.Fatal(err)
	}
	return recipient{s, p}
}

func (e *env) file(rc recipient) *Request {
	e.t.Helper()
	q, err := e.svc.File(officer, Filing{ComplaintID: e.complaint, LegalBasis: BasisCourtOrder,
		Justification: testJust, RecipientKey: rc.pub})
	if err != nil {
		e.t.Fatal(err)
	}
	return q
}

// decision does what `kotak auditor approve|deny` does on auditor i's
// machine (1-based): open the share, re-seal it to the request's key,
// sign. The sealed record is fetched from the vault, as the server shows it.
func (e *env) decision(q *Request, i int, v Verdict) DecisionInput {
	e.t.Helper()
	return e.decisionTo(q, i, v, q.RecipientKey)
}

// decisionTo re-seals to pub and signs over pub (a tampering client).
func (e *env) decisionTo(q *Request, i int, v Verdict, pub []byte) DecisionInput {
	e.t.Helper()
	id := e.ring.ids[i-1]
	sealed, err := e.v.SealedRecord(q.ComplaintID)
	if err != nil {
		e.t.Fatal(err)
	}
	st := Statement{RequestID: q.ID, ComplaintID: q.ComplaintID, KeyringID: q.KeyringID, AuditorID: id.AuditorID,
		Verdict: v, LegalBasis: q.LegalBasis, Justification: q.Justification, RecipientKey: pub,
		DeferralDays: q.DeferralDays, SealedRecord: sealed}
	if v == Approve {
		rec, err := seal.Parse(sealed)
		if err != nil {
			e.t.Fatal(err)
		}
		share, err := seal.OpenShare(rec, q.ComplaintID, e.ring.kr, id)
		if err != nil {
			e.t.Fatal(err)
		}
		defer share.Wipe()
		if st.SealedShare, err = seal.Reseal(testkit.Rand(uint64(40+i)), share, pub, q.ID, q.ComplaintID); err != nil {
			e.t.Fatal(err)
		}
	}
	sig, err := st.Sign(id)
	if err != nil {
		e.t.Fatal(err)
	}
	return DecisionInput{AuditorID: id.AuditorID, Verdict: v, SealedShare: st.SealedShare, Signature: sig}
}

func (e *env) decide(q *Request, i int, in DecisionInput) (*Request, error) {
	return e.svc.Decide(auditorActor(i), fmt.Sprintf("auditor-%d", i), q.ID, in)
}

// entries returns the audit log's entries, parsed.
func (e *env) entries() []*auditlog.Entry {
	e.t.Helper()
	l := auditlog.New(e.v.Store())
	n, err := l.Size()
	if err != nil {
		e.t.Fatal(err)
	}
	var out []*auditlog.Entry
	for start := int64(0); start < n; {
		page, err := l.Entries(start, n)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, raw := range page {
			en, err := auditlog.ParseEntry(raw)
			if err != nil {
				e.t.Fatal(err)
			}
			out = append(out, en)
		}
		start += int64(len(page))
	}
	return out
}

// actions lists the actions of the log's unseal entries for request id.
func (e *env) actions(id string) []string {
	var out []string
	for _, en := range e.entries() {
		if en.Request == id {
			out = append(out, en.Action)
		}
	}
	return out
}

// reveal does what `kotak unseal reveal` does on the officer's machine.
func reveal(t testing.TB, kr *keys.Keyring, rv *Revealed, rc recipient) *vault.SealedPayload {
	t.Helper()
	rec, err := seal.Parse(rv.SealedRecord)
	if err != nil {
		t.Fatal(err)
	}
	var shares []seal.Share
	for _, d := range rv.Request.Decisions {
		if d.Verdict != Approve {
			continue
		}
		sh, err := seal.OpenResealed(rc.seed, d.SealedShare, rv.Request.ID, rv.Request.ComplaintID)
		if err != nil {
			t.Fatal(err)
		}
		shares = append(shares, sh)
	}
	pt, err := seal.Open(rec, rv.Request.ComplaintID, kr, shares)
	if err != nil {
		t.Fatal(err)
	}
	p, err := vault.ParseSealedPayload(pt)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// newNoteSigner makes a checkpoint signer for origin kotak/test.
func newNoteSigner(rnd io.Reader) (note.Signer, string, error) {
	skey, vkey, err := note.GenerateKey(rnd, "kotak/test")
	if err != nil {
		return nil, "", err
	}
	s, err := note.NewSigner(skey)
	return s, vkey, err
}

// sealTestShare re-seals a fixed share of index 1 to pub.
func sealTestShare(pub []byte, requestID, complaintID string) ([]byte, error) {
	return seal.Reseal(testkit.Rand(8), seal.Share{Index: 1, Value: bytes.Repeat([]byte{5}, seal.ShareSize)}, pub, requestID, complaintID)
}
