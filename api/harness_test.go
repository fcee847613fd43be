package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"kotak/internal/testkit"
	"kotak/vault"
	"kotak/vault/auditlog"
	"kotak/vault/directory"
	"kotak/vault/staff"
)

// harness is a whole server on a fresh vault: directory, staff of every
// role, the audit log wired as kotak serve wires it, and the API, with its
// log captured.
type harness struct {
	audit  *auditlog.Log
	signer note.Signer
	t      testing.TB
	dir    string
	v      *vault.Vault
	staff  *staff.Service
	dirs   *directory.Service
	srv    *Server
	logs   *syncBuffer
	tokens map[string]string // role label → bearer token
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const testPassword = "correct horse battery staple"

// staff accounts of the harness, by label.
var harnessUsers = []struct {
	label, username string
	role            vault.Role
	agency, auditor string
}{
	{"admin", "admin", vault.RoleAdmin, "", ""},
	{"agency", "dinkes", vault.RoleAgency, "dinkes", ""},
	{"other", "dpupr", vault.RoleAgency, "dpupr", ""},
	{"officer", "officer", vault.RoleOfficer, "", ""},
	{"auditor", "auditor-1", vault.RoleAuditor, "", "auditor-1"},
}

func newHarness(t testing.TB, mod ...func(*Config)) *harness {
	t.Helper()
	kr, _ := testkit.Keyring(t, 3, 2)
	h := &harness{t: t, dir: t.TempDir(), logs: &syncBuffer{}, tokens: map[string]string{}}
	var d *directory.Service
	v, err := vault.Open(h.dir, vault.Options{
		Keyring:        kr,
		Buckets:        h.buckets(),
		OnEvent:        auditlog.OnEvent,
		AgencyExists:   func(id string) bool { return d.AgencyExists(id) },
		CategoryExists: func(id string) bool { return d.CategoryExists(id) },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	d = directory.New(v.Store())
	d.OnChange(auditlog.DirectoryHook(time.Now))
	h.v, h.dirs = v, d
	h.staff = staff.New(v.Store(), staff.Options{
		Params: staff.Params{Time: 1, MemoryKiB: 64, Threads: 1}, AgencyExists: d.AgencyExists,
		OnEvent: auditlog.StaffHook,
	})
	h.audit = auditlog.New(v.Store())
	skey, _, err := note.GenerateKey(testkit.Rand(5), "kotak/harness")
	if err != nil {
		t.Fatal(err)
	}
	if h.signer, err = note.NewSigner(skey); err != nil {
		t.Fatal(err)
	}
	for _, a := range []directory.Agency{{ID: "dinkes", Name: "Dinas Kesehatan"}, {ID: "dpupr", Name: "Dinas PUPR"}} {
		if err := d.PutAgency(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.PutCategory(directory.Category{ID: "kesehatan", Name: "Kesehatan"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range harnessUsers {
		if _, err := h.staff.AddUser(u.username, testPassword, u.role, u.agency, u.auditor); err != nil {
			t.Fatal(err)
		}
	}
	cfg := Config{Vault: v, Staff: h.staff, Directory: d, Audit: h.audit,
		Logger: slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	for _, m := range mod {
		m(&cfg)
	}
	h.srv = New(cfg)
	for _, u := range harnessUsers {
		h.tokens[u.label] = h.login(u.username)
	}
	return h
}

func (h *harness) login(username string) string {
	h.t.Helper()
	res := h.do("POST", "/api/v1/auth/login", fmt.Sprintf(`{"username":%q,"password":%q}`, username, testPassword), "")
	if res.Code != http.StatusOK {
		h.t.Fatalf("login %s: %d %s", username, res.Code, res.Body)
	}
	var out struct{ Token string }
	h.decode(res, &out)
	return out.Token
}

// do sends one request; auth is a full Authorization header value or "".
func (h *harness) do(method, path, body, auth string) *httptest.ResponseRecorder {
	h.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	h.srv.Handler().ServeHTTP(rec, req)
	return rec
}

func (h *harness) bearer(label string) string { return "Bearer " + h.tokens[label] }

func (h *harness) decode(res *httptest.ResponseRecorder, v any) {
	h.t.Helper()
	if err := json.Unmarshal(res.Body.Bytes(), v); err != nil {
		h.t.Fatalf("decoding %q: %v", res.Body.String(), err)
	}
}

// fixture is one complaint and its receipt.
type fixture struct{ id, receipt string }

const fixtureReporter = `{"name":"Sulastri Wibisono","nik":"3404014505880003","phone":"0812-3344-5566","email":"sulastri.w@example.id","address":"Jl. Kaliurang Km 7 No. 12"}`

func (h *harness) submit(privacy string) fixture {
	h.t.Helper()
	body := fmt.Sprintf(`{"title":"Antrean puskesmas","body":"Saya Sulastri Wibisono menunggu lima jam di Puskesmas Depok. Hubungi 0812-3344-5566.","category":"kesehatan","region":"kab-sleman","privacy":%q,"reporter":%s}`, privacy, fixtureReporter)
	res := h.do("POST", "/api/v1/complaints", body, "")
	if res.Code != http.StatusCreated {
		h.t.Fatalf("submit: %d %s", res.Code, res.Body)
	}
	var out struct{ ID, Receipt string }
	h.decode(res, &out)
	return fixture{out.ID, out.Receipt}
}

// step runs an action that must succeed.
func (h *harness) step(method, path, body, label string) {
	h.t.Helper()
	if res := h.do(method, path, body, h.bearer(label)); res.Code >= 300 {
		h.t.Fatalf("%s %s as %s: %d %s", method, path, label, res.Code, res.Body)
	}
}

// complaintIn returns a complaint of the given privacy in the given status,
// handled by dinkes once dispatched.
func (h *harness) complaintIn(privacy string, status vault.Status) fixture {
	h.t.Helper()
	f := h.submit(privacy)
	p := "/api/v1/complaints/" + f.id
	if status == vault.StatusSubmitted {
		return f
	}
	h.step("POST", p+"/verify", `{"agency":"dinkes","note":"ok"}`, "admin")
	if status == vault.StatusDispatched {
		return f
	}
	h.step("POST", p+"/responses", `{"body":"Kami tindak lanjuti."}`, "agency")
	if status == vault.StatusInProgress {
		return f
	}
	h.step("POST", p+"/responses", `{"body":"Sudah selesai.","final":true}`, "agency")
	if status == vault.StatusResolved {
		return f
	}
	h.t.Fatalf("complaintIn: status %s not supported", status)
	return f
}

// pngBytes is a small PNG image.
func pngBytes(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 8 {
		img.Set(i, i, color.RGBA{200, 10, 10, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (h *harness) upload(receipt string, data []byte) *httptest.ResponseRecorder {
	h.t.Helper()
	return h.uploadAuth("Receipt "+receipt, data)
}

// uploadAuth posts data as the multipart file field with the given
// Authorization header value ("" for none).
func (h *harness) uploadAuth(auth string, data []byte) *httptest.ResponseRecorder {
	h.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", "foto.png")
	if err != nil {
		h.t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest("POST", "/api/v1/track/attachments", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	h.srv.Handler().ServeHTTP(rec, req)
	return rec
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

// buckets are the extra buckets the harness's services need.
func (h *harness) buckets() [][]byte {
	return append(append(append([][]byte(nil), staff.Buckets...), directory.Buckets...), auditlog.Buckets...)
}

// signCheckpoint signs the log's current tree head with the harness key.
func (h *harness) signCheckpoint() {
	h.t.Helper()
	if _, err := auditlog.NewCheckpointer(h.v.Store(), h.signer).SignNow(); err != nil {
		h.t.Fatal(err)
	}
}
