package api

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"kotak/crypto/seal"
	"kotak/internal/testkit"
	"kotak/keys"
	"kotak/vault"
	"kotak/vault/auditlog"
	"kotak/vault/unseal"
)

// recorder keeps a copy of every request the server receives while on.
type recorder struct {
	on     atomic.Bool
	mu     sync.Mutex
	bodies [][]byte // each request's URL and body
}

func (r *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if r.on.Load() {
			body, err := io.ReadAll(req.Body)
			if err != nil {
				http.Error(w, "read", http.StatusBadRequest)
				return
			}
			req.Body = io.NopCloser(bytes.NewReader(body))
			r.mu.Lock()
			r.bodies = append(r.bodies, append([]byte(req.URL.String()+"\n"), body...))
			r.mu.Unlock()
		}
		next.ServeHTTP(w, req)
	})
}

// client talks to the real server over HTTP.
type client struct {
	t    testing.TB
	base string
}

func (c *client) call(method, path, auth, body string, out any) int {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return res.StatusCode
}

// approvalsAnswer is GET /unseal-requests/{id}/approvals.
type approvalsAnswer struct {
	RequestID    string `json:"request_id"`
	ComplaintID  string `json:"complaint_id"`
	Status       string `json:"status"`
	Threshold    int    `json:"threshold"`
	Approvals    int    `json:"approvals"`
	SealedRecord []byte `json:"sealed_record"`
	Keyring      string `json:"keyring"`
	Items        []struct {
		AuditorID   string `json:"auditor_id"`
		Decision    string `json:"decision"`
		SealedShare []byte `json:"sealed_share"`
	} `json:"items"`
}

var errNothingToReveal = errors.New("not approved: nothing to reveal")

// revealAnswer does what `kotak unseal reveal` does with the answer.
func revealAnswer(kr *keys.Keyring, a *approvalsAnswer, seed []byte) (*vault.SealedPayload, error) {
	if a.Status != string(unseal.StatusApproved) || len(a.SealedRecord) == 0 {
		return nil, errNothingToReveal
	}
	rec, err := seal.Parse(a.SealedRecord)
	if err != nil {
		return nil, err
	}
	var shares []seal.Share
	for _, it := range a.Items {
		if it.Decision != string(unseal.Approve) {
			continue
		}
		sh, err := seal.OpenResealed(seed, it.SealedShare, a.RequestID, a.ComplaintID)
		if err != nil {
			return nil, err
		}
		shares = append(shares, sh)
	}
	pt, err := seal.Open(rec, a.ComplaintID, kr, shares)
	if err != nil {
		return nil, err
	}
	return vault.ParseSealedPayload(pt)
}

// TestUnsealEndToEnd runs a full unseal on a real HTTP server with a
// 2-of-3 keyring, and records everything the server receives and stores
// meanwhile to show that no share, identity or original text is among it.
func TestUnsealEndToEnd(t *testing.T) {
	u := newUnsealHarness(t)
	rec := &recorder{}
	srv := httptest.NewServer(rec.wrap(u.srv.Handler()))
	defer srv.Close()
	c := &client{t: t, base: srv.URL}

	// The reporter submits (the identity travels to the server only here).
	var sub struct{ ID, Receipt string }
	body := fmt.Sprintf(`{"title":"Antrean puskesmas","body":%q,"category":"kesehatan","region":"kab-sleman","privacy":"confidential","reporter":%s}`,
		e2eBody, fixtureReporter)
	if st := c.call("POST", "/api/v1/complaints", "", body, &sub); st != http.StatusCreated {
		t.Fatalf("submit: %d", st)
	}
	rec.on.Store(true)

	// The officer makes the recipient key locally and files.
	seed, pub, err := seal.NewRecipientKey(testkit.Rand(21))
	if err != nil {
		t.Fatal(err)
	}
	var filed struct{ ID, Status string }
	fileBody := fmt.Sprintf(`{"complaint_id":%q,"legal_basis":"police_investigation","justification":%q,"recipient_key":%q}`,
		sub.ID, testJustification, b64.EncodeToString(pub))
	if st := c.call("POST", "/api/v1/unseal-requests", u.bearer("officer"), fileBody, &filed); st != http.StatusCreated {
		t.Fatalf("file: %d", st)
	}
	var filedView struct {
		ID, Status  string
		Fingerprint string `json:"recipient_key_fingerprint"`
	}
	c.call("GET", "/api/v1/unseal-requests/"+filed.ID, u.bearer("officer"), "", &filedView)
	if filedView.Status != "pending" || filedView.Fingerprint != unseal.RecipientFingerprint(pub) {
		t.Fatalf("filed: %+v", filedView)
	}
	rid := filed.ID

	view := func(label string) *auditorRequest {
		var q auditorRequest
		if st := c.call("GET", "/api/v1/unseal-requests/"+rid, u.bearer(label), "", &q); st != http.StatusOK {
			t.Fatalf("auditor view: %d", st)
		}
		// What the auditor's tool checks before signing.
		if q.RecipientKeyFingerprint != unseal.RecipientFingerprint(pub) || q.KeyringID != u.kr.ID().String() {
			t.Fatalf("auditor sees fingerprint %s keyring %s", q.RecipientKeyFingerprint, q.KeyringID)
		}
		return &q
	}
	post := func(label, body string) (int, map[string]any) {
		var out map[string]any
		st := c.call("POST", "/api/v1/unseal-requests/"+rid+"/approvals", u.bearer(label), body, &out)
		return st, out
	}
	fetch := func() *approvalsAnswer {
		var a approvalsAnswer
		if st := c.call("GET", "/api/v1/unseal-requests/"+rid+"/approvals", u.bearer("officer"), "", &a); st != http.StatusOK {
			t.Fatalf("approvals: %d", st)
		}
		return &a
	}

	// One approval is not enough: the officer gets no share and reveals nothing.
	q1 := view("auditor1")
	if st, out := post("auditor1", approvalJSON(t, u.kr, u.ids[0], q1, unseal.Approve, nil)); st != http.StatusCreated || out["status"] != "pending" {
		t.Fatalf("first approval: %d %v", st, out)
	}
	a := fetch()
	if a.Status != "pending" || a.Approvals != 1 || len(a.SealedRecord) != 0 || len(a.Items) != 1 || len(a.Items[0].SealedShare) != 0 {
		t.Fatalf("after one approval the officer gets %+v", a)
	}
	if p, err := revealAnswer(u.kr, a, seed); !errors.Is(err, errNothingToReveal) || p != nil {
		t.Fatalf("reveal after one approval: %v", err)
	}
	var track struct {
		Disclosures []json.RawMessage `json:"disclosures"`
	}
	c.call("GET", "/api/v1/track", "Receipt "+sub.Receipt, "", &track)
	if len(track.Disclosures) != 0 {
		t.Fatal("a disclosure shows before approval")
	}

	// Forged approvals are refused.
	q2 := view("auditor2")
	genuine := approvalJSON(t, u.kr, u.ids[1], q2, unseal.Approve, nil)
	var gb map[string]string
	_ = json.Unmarshal([]byte(genuine), &gb)
	forged := map[string]string{}
	for k, v := range gb {
		forged[k] = v
	}
	sig, _ := b64.DecodeString(gb["signature"])
	sig[10] ^= 0x04
	forged["signature"] = b64.EncodeToString(sig)
	fb, _ := json.Marshal(forged)
	intruder, intruderPub, _ := seal.NewRecipientKey(testkit.Rand(66))
	for name, tc := range map[string]struct {
		label, body string
		status      int
	}{
		"flipped signature bit":       {"auditor2", string(fb), http.StatusBadRequest},
		"share sealed to another key": {"auditor2", approvalJSON(t, u.kr, u.ids[1], q2, unseal.Approve, intruderPub), http.StatusBadRequest},
		"signed by auditor-3 for 2":   {"auditor2", strings.Replace(approvalJSON(t, u.kr, u.ids[2], view("auditor3"), unseal.Approve, nil), `"auditor-3"`, `"auditor-2"`, 1), http.StatusBadRequest},
		"auditor-1 again":             {"auditor1", approvalJSON(t, u.kr, u.ids[0], q1, unseal.Approve, nil), http.StatusConflict},
		"auditor-2 posting for 3":     {"auditor2", approvalJSON(t, u.kr, u.ids[2], view("auditor3"), unseal.Approve, nil), http.StatusForbidden},
	} {
		if st, out := post(tc.label, tc.body); st != tc.status {
			t.Fatalf("%s: %d %v, want %d", name, st, out, tc.status)
		}
	}
	if a := fetch(); a.Approvals != 1 || a.Status != "pending" {
		t.Fatalf("forged approvals counted: %+v", a)
	}

	// The second genuine approval: approved.
	if st, out := post("auditor2", genuine); st != http.StatusCreated || out["status"] != "approved" {
		t.Fatalf("second approval: %d %v", st, out)
	}

	// The reporter sees the disclosure, with a proof that verifies, before
	// the officer fetches anything.
	var tv struct {
		ID          string `json:"id"`
		Disclosures []struct {
			RequestID  string                     `json:"request_id"`
			LegalBasis string                     `json:"legal_basis"`
			Proof      auditlog.InclusionResponse `json:"proof"`
			Checkpoint string                     `json:"checkpoint"`
		} `json:"disclosures"`
	}
	if st := c.call("GET", "/api/v1/track", "Receipt "+sub.Receipt, "", &tv); st != http.StatusOK || len(tv.Disclosures) != 1 {
		t.Fatalf("track after approval: %d %+v", st, tv)
	}
	d := tv.Disclosures[0]
	if d.RequestID != rid || d.LegalBasis != "police_investigation" {
		t.Fatalf("disclosure %+v", d)
	}
	tree, err := auditlog.OpenCheckpoint([]byte(d.Checkpoint), u.verifier)
	if err != nil {
		t.Fatalf("disclosure checkpoint: %v", err)
	}
	if tree.N != d.Proof.TreeSize {
		t.Fatalf("proof for %d entries, checkpoint of %d", d.Proof.TreeSize, tree.N)
	}
	if err := auditlog.CheckInclusion(tree, d.Proof.Index, d.Proof.Entry, d.Proof.Proof); err != nil {
		t.Fatalf("disclosure inclusion proof: %v", err)
	}
	en, err := auditlog.ParseEntry(d.Proof.Entry)
	if err != nil || en.Action != auditlog.ActionUnsealApproved || en.Request != rid || en.Complaint != sub.ID {
		t.Fatalf("disclosure entry %+v, %v", en, err)
	}
	if got := u.revealCount(rid); got != 0 {
		t.Fatalf("%d reveal entries before the officer fetched", got)
	}

	// The officer reveals exactly the submitted identity and text.
	a = fetch()
	p, err := revealAnswer(u.kr, a, seed)
	if err != nil {
		t.Fatalf("reveal: %v", err)
	}
	var want struct{ Name, NIK, Phone, Email, Address string }
	_ = json.Unmarshal([]byte(fixtureReporter), &want)
	got := p.Reporter
	if got.Name != want.Name || got.NIK != want.NIK || got.Phone != want.Phone || got.Email != want.Email ||
		got.Address != want.Address || p.Title != "Antrean puskesmas" || p.Body != e2eBody {
		t.Fatalf("revealed %+v", p)
	}
	if _, err := revealAnswer(u.kr, a, intruder); err == nil {
		t.Fatal("another recipient key opened the shares")
	}
	if got := u.revealCount(rid); got != 1 {
		t.Fatalf("%d reveal entries after one fetch", got)
	}
	rec.on.Store(false)

	// The whole log verifies (what `kotak audit verify` does).
	if _, err := u.cp.SignNow(); err != nil {
		t.Fatal(err)
	}
	if _, err := auditlog.Verify(auditlog.New(u.v.Store()), auditlog.VerifyOptions{Verifier: u.verifier}); err != nil {
		t.Fatalf("audit verify: %v", err)
	}

	// Nothing the server received or stored holds a share, the recipient
	// key, the identity or the original text in the clear.
	needles := u.secretNeedles(t, sub.ID, seed, p)
	for i, b := range rec.bodies {
		for _, n := range needles {
			if bytes.Contains(b, n.b) {
				t.Errorf("request %d received %s", i, n.what)
			}
		}
	}
	stored := u.everythingStored(t)
	if len(stored) < 10 {
		t.Fatalf("only %d stored items recorded", len(stored))
	}
	for _, s := range stored {
		for _, n := range needles {
			if bytes.Contains(s.b, n.b) {
				t.Errorf("%s holds %s", s.what, n.what)
			}
		}
	}
	if len(rec.bodies) < 10 {
		t.Fatalf("only %d requests recorded", len(rec.bodies))
	}
}

const e2eBody = "Saya Sulastri Wibisono menunggu lima jam di Puskesmas Depok. Hubungi 0812-3344-5566."

func (u *unsealHarness) revealCount(rid string) int {
	n := 0
	l := auditlog.New(u.v.Store())
	size, _ := l.Size()
	entries, _ := l.Entries(0, size)
	for _, raw := range entries {
		if e, err := auditlog.ParseEntry(raw); err == nil && e.Request == rid && e.Action == auditlog.ActionUnsealReveal {
			n++
		}
	}
	return n
}

type needle struct {
	what string
	b    []byte
}

// secretNeedles lists what must never reach the server in the clear: each
// auditor's share of the complaint (raw, hex, base64), the recipient seed,
// the reporter's identity fields and the original text.
func (u *unsealHarness) secretNeedles(t *testing.T, complaintID string, seed []byte, p *vault.SealedPayload) []needle {
	t.Helper()
	sealed, err := u.v.SealedRecord(complaintID)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := seal.Parse(sealed)
	if err != nil {
		t.Fatal(err)
	}
	var out []needle
	encodings := func(what string, b []byte) {
		out = append(out,
			needle{what + " (raw)", b},
			needle{what + " (hex)", []byte(hex.EncodeToString(b))},
			needle{what + " (HEX)", []byte(strings.ToUpper(hex.EncodeToString(b)))},
			needle{what + " (base64)", []byte(base64.StdEncoding.EncodeToString(b))},
			needle{what + " (raw base64)", []byte(base64.RawStdEncoding.EncodeToString(b))},
			needle{what + " (base64url)", []byte(base64.RawURLEncoding.EncodeToString(b))},
		)
	}
	for _, id := range u.ids {
		sh, err := seal.OpenShare(rec, complaintID, u.kr, id)
		if err != nil {
			t.Fatal(err)
		}
		encodings("share of "+id.AuditorID, sh.Value)
	}
	encodings("the recipient seed", seed)
	for what, s := range map[string]string{
		"name": p.Reporter.Name, "NIK": p.Reporter.NIK, "phone": p.Reporter.Phone, "phone digits": "081233445566",
		"e-mail": p.Reporter.Email, "address": p.Reporter.Address, "given name": "Sulastri", "family name": "Wibisono",
		"original body": p.Body, "original title": p.Title, "part of the original body": "menunggu lima jam",
	} {
		out = append(out, needle{what, []byte(s)})
	}
	return out
}

// everythingStored returns every key and value of every bucket of a hot
// backup of the database, the backup file's raw bytes, and the live
// database file's raw bytes (free pages included).
func (u *unsealHarness) everythingStored(t *testing.T) []needle {
	t.Helper()
	path := filepath.Join(t.TempDir(), "copy.db")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.v.Backup(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	var out []needle
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var walk func(name string, b *bolt.Bucket) error
	walk = func(name string, b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			out = append(out, needle{"key in " + name, bytes.Clone(k)})
			if v == nil {
				return walk(name+"/"+string(k), b.Bucket(k))
			}
			out = append(out, needle{"value in " + name, bytes.Clone(v)})
			return nil
		})
	}
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			out = append(out, needle{"bucket name", bytes.Clone(name)})
			return walk(string(name), b)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, filepath.Join(u.dir, vault.DatabaseFile)} {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, needle{"the file " + filepath.Base(p), raw})
	}
	return out
}

// BenchmarkUnsealHTTP times a whole unseal through the HTTP API in process
// (JSON, base64, bearer authentication and the service's durable, logged
// steps: file, 2 approvals with the auditors' client-side work, the
// officer's fetch and opening) against the bare share cryptography in the
// same iterations, 2 OpenShare + 2 Reseal + Open, and reports the medians
// and their ratio "x-bare".
func BenchmarkUnsealHTTP(b *testing.B) {
	u := newUnsealHarness(b)
	f := u.submit("anonymous")
	sealed, err := u.v.SealedRecord(f.id)
	if err != nil {
		b.Fatal(err)
	}
	rec, err := seal.Parse(sealed)
	if err != nil {
		b.Fatal(err)
	}
	_, pub, _ := seal.NewRecipientKey(testkit.Rand(5))
	bare := func() {
		var shares []seal.Share
		for _, id := range u.ids[:2] {
			sh, err := seal.OpenShare(rec, f.id, u.kr, id)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := seal.Reseal(testkit.Rand(6), sh, pub, "UNS-0000000000000", f.id); err != nil {
				b.Fatal(err)
			}
			shares = append(shares, sh)
		}
		if _, err := seal.Open(rec, f.id, u.kr, shares); err != nil {
			b.Fatal(err)
		}
	}
	seedByte := byte(0)
	full := func() {
		seedByte++
		rid, seed, _ := u.fileRequest(f.id, seedByte)
		for i := 1; i <= 2; i++ {
			label := fmt.Sprintf("auditor%d", i)
			q := u.auditorView(label, rid)
			res := u.do("POST", "/api/v1/unseal-requests/"+rid+"/approvals", approvalJSON(b, u.kr, u.ids[i-1], q, unseal.Approve, nil), u.bearer(label))
			if res.Code != http.StatusCreated {
				b.Fatalf("approval: %d %s", res.Code, res.Body)
			}
		}
		res := u.do("GET", "/api/v1/unseal-requests/"+rid+"/approvals", "", u.bearer("officer"))
		var a approvalsAnswer
		if err := json.Unmarshal(res.Body.Bytes(), &a); err != nil {
			b.Fatal(err)
		}
		if p, err := revealAnswer(u.kr, &a, seed); err != nil || p.Reporter.Name == "" {
			b.Fatalf("reveal: %v", err)
		}
	}
	var fullT, bareT []time.Duration
	timed := func(fn func()) time.Duration { t0 := time.Now(); fn(); return time.Since(t0) }
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			fullT = append(fullT, timed(full))
			bareT = append(bareT, timed(bare))
		} else {
			bareT = append(bareT, timed(bare))
			fullT = append(fullT, timed(full))
		}
	}
	med := func(d []time.Duration) time.Duration { slices.Sort(d); return d[len(d)/2] }
	mf, mb := med(fullT), med(bareT)
	b.ReportMetric(float64(mf.Nanoseconds()), "unseal-ns")
	b.ReportMetric(float64(mb.Nanoseconds()), "bare-ns")
	b.ReportMetric(float64(mf)/float64(mb), "x-bare")
}
