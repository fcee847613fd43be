package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"kotak/crypto/seal"
	"kotak/internal/testkit"
	"kotak/keys"
	"kotak/vault"
	"kotak/vault/auditlog"
	"kotak/vault/unseal"
)

// unsealHarness is a harness with the unseal service, a checkpoint signer
// and accounts for all three auditors of the 2-of-3 test keyring.
type unsealHarness struct {
	*harness
	svc      *unseal.Service
	cp       *auditlog.Checkpointer
	verifier note.Verifier
	kr       *keys.Keyring
	ids      []*keys.Identity
}

func newUnsealHarness(t testing.TB) *unsealHarness {
	t.Helper()
	kr, ids := testkit.Keyring(t, 3, 2)
	u := &unsealHarness{kr: kr, ids: ids}
	skey, vkey, err := note.GenerateKey(testkit.Rand(11), "kotak/test")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	if u.verifier, err = auditlog.NewVerifier(vkey); err != nil {
		t.Fatal(err)
	}
	u.harness = newHarness(t, func(cfg *Config) {
		u.cp = auditlog.NewCheckpointer(cfg.Vault.Store(), signer)
		svc, err := unseal.New(cfg.Vault.Store(), unseal.Options{
			Keyring: kr, JustificationKey: bytes.Repeat([]byte{9}, 32), Rand: testkit.Rand(12),
			SignCheckpoint: func() error { _, err := u.cp.SignNow(); return err },
		})
		if err != nil {
			t.Fatal(err)
		}
		cfg.Unseal, u.svc = svc, svc
	})
	for i := 2; i <= 3; i++ {
		name := fmt.Sprintf("auditor-%d", i)
		if _, err := u.staff.AddUser(name, testPassword, vault.RoleAuditor, "", name); err != nil {
			t.Fatal(err)
		}
		u.tokens[fmt.Sprintf("auditor%d", i)] = u.login(name)
	}
	u.tokens["auditor1"] = u.tokens["auditor"]
	return u
}

const testJustification = "Penetapan Pengadilan Negeri Sleman No. 12/Pid/2026 memerlukan keterangan pelapor sebagai saksi."

// fileRequest files a request for complaint id with a fresh recipient key
// and returns the request id and the recipient's seed and public key.
func (u *unsealHarness) fileRequest(id string, seedByte byte) (string, []byte, []byte) {
	u.t.Helper()
	seed, pub, err := seal.NewRecipientKey(testkit.Rand(uint64(seedByte)))
	if err != nil {
		u.t.Fatal(err)
	}
	body := fmt.Sprintf(`{"complaint_id":%q,"legal_basis":"court_order","justification":%q,"recipient_key":%q}`,
		id, testJustification, b64.EncodeToString(pub))
	res := u.do("POST", "/api/v1/unseal-requests", body, u.bearer("officer"))
	if res.Code != http.StatusCreated {
		u.t.Fatalf("filing: %d %s", res.Code, res.Body)
	}
	var out struct{ ID string }
	u.decode(res, &out)
	return out.ID, seed, pub
}

// auditorRequest is what GET /unseal-requests/{id} gives an auditor.
type auditorRequest struct {
	ID                      string `json:"id"`
	Status                  string `json:"status"`
	ComplaintID             string `json:"complaint_id"`
	LegalBasis              string `json:"legal_basis"`
	Justification           string `json:"justification"`
	RecipientKey            []byte `json:"recipient_key"`
	RecipientKeyFingerprint string `json:"recipient_key_fingerprint"`
	NoticeDeferralDays      int    `json:"notice_deferral_days"`
	KeyringID               string `json:"keyring_id"`
	SealedRecord            []byte `json:"sealed_record"`
	Keyring                 string `json:"keyring"`
	Complaint               *struct {
		ID    string `json:"id"`
		Title string `json:"title"`
		Body  string `json:"body"`
	} `json:"complaint"`
}

// approvalJSON does what `kotak auditor approve|deny` does for auditor i
// (1-based) from the request as the server shows it, re-sealing to pub
// (nil: the request's key), and returns the body to post.
func approvalJSON(t testing.TB, kr *keys.Keyring, id *keys.Identity, q *auditorRequest, v unseal.Verdict, pub []byte) string {
	t.Helper()
	if pub == nil {
		pub = q.RecipientKey
	}
	st := unseal.Statement{RequestID: q.ID, ComplaintID: q.ComplaintID, KeyringID: kr.ID(), AuditorID: id.AuditorID,
		Verdict: v, LegalBasis: q.LegalBasis, Justification: q.Justification, RecipientKey: pub,
		DeferralDays: q.NoticeDeferralDays, SealedRecord: q.SealedRecord}
	if v == unseal.Approve {
		rec, err := seal.Parse(q.SealedRecord)
		if err != nil {
			t.Fatal(err)
		}
		share, err := seal.OpenShare(rec, q.ComplaintID, kr, id)
		if err != nil {
			t.Fatal(err)
		}
		st.SealedShare, err = seal.Reseal(testkit.Rand(77), share, pub, q.ID, q.ComplaintID)
		share.Wipe()
		if err != nil {
			t.Fatal(err)
		}
	}
	sig, err := st.Sign(id)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]string{"auditor_id": id.AuditorID, "decision": string(v),
		"sealed_share": b64.EncodeToString(st.SealedShare), "signature": b64.EncodeToString(sig)})
	return string(b)
}

func (u *unsealHarness) auditorView(label, id string) *auditorRequest {
	u.t.Helper()
	res := u.do("GET", "/api/v1/unseal-requests/"+id, "", u.bearer(label))
	if res.Code != http.StatusOK {
		u.t.Fatalf("auditor view: %d %s", res.Code, res.Body)
	}
	var q auditorRequest
	u.decode(res, &q)
	return &q
}

func TestUnsealEndpointsAuthorization(t *testing.T) {
	u := newUnsealHarness(t)
	f := u.submit("anonymous")
	rid, _, _ := u.fileRequest(f.id, 1)
	q := u.auditorView("auditor1", rid)
	approve1 := approvalJSON(t, u.kr, u.ids[0], q, unseal.Approve, nil)
	fileBody := func() string {
		_, pub, _ := seal.NewRecipientKey(testkit.Rand(2))
		return fmt.Sprintf(`{"complaint_id":%q,"legal_basis":"court_order","justification":%q,"recipient_key":%q}`,
			f.id, testJustification, b64.EncodeToString(pub))
	}
	rows := []struct {
		name, method, path string
		body               func() string
		want               map[string]int
	}{
		{"file", "POST", "/api/v1/unseal-requests", fileBody,
			map[string]int{"none": 401, "receipt": 401, "admin": 403, "agency": 403, "other": 403, "officer": 201, "auditor": 403}},
		{"get", "GET", "/api/v1/unseal-requests/" + rid, nil,
			map[string]int{"none": 401, "receipt": 401, "admin": 403, "agency": 403, "other": 403, "officer": 200, "auditor": 200}},
		{"approvals", "GET", "/api/v1/unseal-requests/" + rid + "/approvals", nil,
			map[string]int{"none": 401, "receipt": 401, "admin": 403, "agency": 403, "other": 403, "officer": 200, "auditor": 200}},
		// auditor-1's genuine approval: only the auditor posts it (once).
		{"decide", "POST", "/api/v1/unseal-requests/" + rid + "/approvals", func() string { return approve1 },
			map[string]int{"none": 401, "receipt": 401, "admin": 403, "agency": 403, "other": 403, "officer": 403, "auditor": 201}},
	}
	for _, row := range rows {
		for _, p := range principals {
			auth := ""
			switch p {
			case "none":
			case "receipt":
				auth = "Receipt " + f.receipt
			default:
				auth = u.bearer(p)
			}
			body := ""
			if row.body != nil {
				body = row.body()
			}
			res := u.do(row.method, row.path, body, auth)
			if res.Code != row.want[p] {
				t.Errorf("%s as %s: %d, want %d (%s)", row.name, p, res.Code, row.want[p], res.Body)
			}
		}
	}
	// Another officer does not see the request.
	if _, err := u.staff.AddUser("officer-2", testPassword, vault.RoleOfficer, "", ""); err != nil {
		t.Fatal(err)
	}
	tok := "Bearer " + u.login("officer-2")
	for _, p := range []string{"/api/v1/unseal-requests/" + rid, "/api/v1/unseal-requests/" + rid + "/approvals"} {
		if res := u.do("GET", p, "", tok); res.Code != http.StatusNotFound {
			t.Errorf("%s as another officer: %d", p, res.Code)
		}
	}
}

func TestUnsealRequestViews(t *testing.T) {
	u := newUnsealHarness(t)
	f := u.submit("confidential")
	rid, _, pub := u.fileRequest(f.id, 1)

	// The officer: the request, no complaint, no sealed record.
	res := u.do("GET", "/api/v1/unseal-requests/"+rid, "", u.bearer("officer"))
	var ov map[string]any
	u.decode(res, &ov)
	for _, k := range []string{"complaint", "sealed_record", "keyring"} {
		if _, ok := ov[k]; ok {
			t.Errorf("the officer's view has %q", k)
		}
	}
	if ov["status"] != "pending" || ov["justification"] != testJustification || ov["recipient_key_fingerprint"] != unseal.RecipientFingerprint(pub) ||
		ov["threshold"] != 2.0 || ov["auditors"] != 3.0 {
		t.Fatalf("officer view %v", ov)
	}
	// The auditor: also the redacted complaint, the sealed record, the keyring.
	q := u.auditorView("auditor2", rid)
	if q.Complaint == nil || q.Complaint.ID != f.id || len(q.SealedRecord) == 0 || q.KeyringID != u.kr.ID().String() {
		t.Fatalf("auditor view %+v", q)
	}
	if kr, err := keys.ParseKeyring([]byte(q.Keyring)); err != nil || kr.ID() != u.kr.ID() {
		t.Fatalf("keyring in the view: %v", err)
	}
	for _, piece := range identityPieces {
		if strings.Contains(res.Body.String(), piece) || strings.Contains(q.Complaint.Body+q.Complaint.Title, piece) {
			t.Errorf("a request view shows %q", piece)
		}
	}
	if res := u.do("GET", "/api/v1/unseal-requests/UNS-0000000000000", "", u.bearer("auditor")); res.Code != http.StatusNotFound {
		t.Fatalf("unknown request: %d", res.Code)
	}
	if res := u.do("GET", "/api/v1/unseal-requests/..%2f", "", u.bearer("auditor")); res.Code != http.StatusNotFound {
		t.Fatalf("malformed request id: %d", res.Code)
	}
}

func TestUnsealBadBodies(t *testing.T) {
	u := newUnsealHarness(t)
	f := u.submit("anonymous")
	_, pub, _ := seal.NewRecipientKey(testkit.Rand(3))
	key := b64.EncodeToString(pub)
	file := func(mod string) string {
		return fmt.Sprintf(`{"complaint_id":%q,"legal_basis":"court_order","justification":%q,"recipient_key":%q%s}`,
			f.id, testJustification, key, mod)
	}
	rows := []struct {
		name, body string
		status     int
		field      string
	}{
		{"missing complaint", `{"legal_basis":"court_order","justification":"x","recipient_key":"AA=="}`, 400, "complaint_id"},
		{"unknown complaint", strings.Replace(file(""), f.id, "KTK-0000000000000", 1), 404, "complaint_id"},
		{"unknown basis", strings.Replace(file(""), "court_order", "curiosity", 1), 400, "legal_basis"},
		{"short justification", strings.Replace(file(""), testJustification, "perlu", 1), 400, "justification"},
		{"key not base64", strings.Replace(file(""), key, "!!!", 1), 400, "recipient_key"},
		{"key too short", strings.Replace(file(""), key, "AAAA", 1), 400, "recipient_key"},
		{"deferral too long", file(`,"notice_deferral_days":120`), 400, "notice_deferral_days"},
		{"deferral as string", file(`,"notice_deferral_days":"30"`), 400, "notice_deferral_days"},
		{"unknown field", file(`,"override":true`), 400, "override"},
		{"duplicate field", file(`,"legal_basis":"threat_to_life"`), 400, "legal_basis"},
	}
	for _, r := range rows {
		res := u.do("POST", "/api/v1/unseal-requests", r.body, u.bearer("officer"))
		var e struct{ Error Error }
		_ = json.Unmarshal(res.Body.Bytes(), &e)
		if res.Code != r.status || e.Error.Field != r.field {
			t.Errorf("%s: %d %s, want %d field %s", r.name, res.Code, res.Body, r.status, r.field)
		}
		if strings.Contains(res.Body.String(), testJustification[:20]) {
			t.Errorf("%s: the answer echoes the justification", r.name)
		}
	}

	rid, _, _ := u.fileRequest(f.id, 4)
	q := u.auditorView("auditor1", rid)
	good := approvalJSON(t, u.kr, u.ids[0], q, unseal.Approve, nil)
	var gb map[string]string
	_ = json.Unmarshal([]byte(good), &gb)
	with := func(k, v string) string {
		m := map[string]string{}
		for a, b := range gb {
			m[a] = b
		}
		if v == "<delete>" {
			delete(m, k)
		} else {
			m[k] = v
		}
		out, _ := json.Marshal(m)
		return string(out)
	}
	dec := []struct {
		name, body string
		status     int
		field      string
	}{
		{"no auditor id", with("auditor_id", "<delete>"), 400, "auditor_id"},
		{"bad decision", with("decision", "abstain"), 400, "decision"},
		{"no signature", with("signature", ""), 400, "signature"},
		{"signature not base64", with("signature", "**"), 400, "signature"},
		{"approval without share", with("sealed_share", ""), 400, "sealed_share"},
		{"denial with share", with("decision", "deny"), 400, "sealed_share"},
		{"share not base64", with("sealed_share", "%%%"), 400, "sealed_share"},
		{"short share", with("sealed_share", "S1RLUg=="), 400, "sealed_share"},
		{"forged signature", with("signature", b64.EncodeToString(bytes.Repeat([]byte{1}, 64))), 400, "signature"},
		{"other auditor's id", with("auditor_id", "auditor-2"), 403, ""},
	}
	for _, r := range dec {
		res := u.do("POST", "/api/v1/unseal-requests/"+rid+"/approvals", r.body, u.bearer("auditor1"))
		var e struct{ Error Error }
		_ = json.Unmarshal(res.Body.Bytes(), &e)
		if res.Code != r.status || e.Error.Field != r.field {
			t.Errorf("%s: %d %s, want %d field %q", r.name, res.Code, res.Body, r.status, r.field)
		}
	}
	if res := u.do("POST", "/api/v1/unseal-requests/"+rid+"/approvals", good, u.bearer("auditor1")); res.Code != http.StatusCreated {
		t.Fatalf("genuine approval: %d %s", res.Code, res.Body)
	}
	res := u.do("POST", "/api/v1/unseal-requests/"+rid+"/approvals", good, u.bearer("auditor1"))
	if res.Code != http.StatusConflict || !strings.Contains(res.Body.String(), "duplicate_decision") {
		t.Fatalf("replayed approval: %d %s", res.Code, res.Body)
	}
}

func TestTrackWithoutUnseal(t *testing.T) {
	h := newHarness(t)
	f := h.submit("anonymous")
	res := h.do("GET", "/api/v1/track", "", "Receipt "+f.receipt)
	var out struct {
		ID          string
		Disclosures []json.RawMessage
	}
	h.decode(res, &out)
	if res.Code != 200 || out.ID != f.id || out.Disclosures == nil || len(out.Disclosures) != 0 {
		t.Fatalf("track: %d %s", res.Code, res.Body)
	}
	if res := h.do("POST", "/api/v1/unseal-requests", `{}`, h.bearer("officer")); res.Code != http.StatusNotFound {
		t.Fatalf("unseal route without a service: %d", res.Code)
	}
}

// FuzzApprovalBody posts arbitrary bodies to a pending request's approvals:
// the server never fails (5xx), and only auditor-1's genuine approval is
// ever accepted.
func FuzzApprovalBody(f *testing.F) {
	u := newUnsealHarness(f)
	c := u.submit("anonymous")
	rid, _, _ := u.fileRequest(c.id, 1)
	q := u.auditorView("auditor1", rid)
	good := approvalJSON(f, u.kr, u.ids[0], q, unseal.Approve, nil)
	var genuine UnsealDecision
	if err := decodeStrict([]byte(good), &genuine); err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(good))
	f.Add([]byte(approvalJSON(f, u.kr, u.ids[0], q, unseal.Deny, nil)))
	f.Add([]byte(strings.Replace(good, `"auditor-1"`, `"auditor-2"`, 1)))
	f.Add([]byte(`{"auditor_id":"auditor-1","decision":"deny","signature":"AAAA","sealed_share":""}`))
	f.Add([]byte(`{"auditor_id":"auditor-1","auditor_id":"auditor-1"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		// Not u.do: it would call the F's Helper inside the target.
		req := httptest.NewRequest("POST", "/api/v1/unseal-requests/"+rid+"/approvals", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", u.bearer("auditor1"))
		res := httptest.NewRecorder()
		u.srv.Handler().ServeHTTP(res, req)
		if res.Code >= 500 {
			t.Fatalf("status %d for %q", res.Code, body)
		}
		if res.Code == http.StatusCreated {
			var b UnsealDecision
			if err := decodeStrict(body, &b); err != nil || b.AuditorID != genuine.AuditorID || b.Decision != genuine.Decision ||
				!bytes.Equal(b.sig, genuine.sig) || !bytes.Equal(b.share, genuine.share) {
				t.Fatalf("accepted a decision that is not the genuine one: %q", body)
			}
		}
	})
}
