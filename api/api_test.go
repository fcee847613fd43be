package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kotak/internal/testkit"
	"kotak/vault"
)

// TestCitizenAgencyFlow: a citizen submits, an admin dispatches, the agency
// answers, the citizen reads the answer and replies, the agency resolves,
// the citizen rates and the case closes.
func TestCitizenAgencyFlow(t *testing.T) {
	h := newHarness(t)
	f := h.submit("confidential")
	if len(strings.ReplaceAll(f.receipt, " ", "")) != 20 {
		t.Fatalf("receipt %q is not 20 digits", f.receipt)
	}
	p := "/api/v1/complaints/" + f.id

	// The agency cannot see it before dispatch.
	if res := h.do("GET", p, "", h.bearer("agency")); res.Code != http.StatusForbidden {
		t.Fatalf("agency before dispatch: %d", res.Code)
	}
	h.step("POST", p+"/verify", `{"agency":"dinkes","note":"lengkap"}`, "admin")

	var page struct {
		Items []struct {
			ID, Status, Title string
		}
		NextCursor string `json:"next_cursor"`
	}
	h.decode(h.do("GET", "/api/v1/complaints?status=dispatched", "", h.bearer("agency")), &page)
	if len(page.Items) != 1 || page.Items[0].ID != f.id {
		t.Fatalf("agency inbox: %+v", page)
	}
	var detail struct {
		Body string
	}
	h.decode(h.do("GET", p, "", h.bearer("agency")), &detail)
	if strings.Contains(detail.Body, "Sulastri") || !strings.Contains(detail.Body, "[NAMA]") {
		t.Fatalf("agency sees an unredacted body: %q", detail.Body)
	}

	h.step("POST", p+"/responses", `{"body":"Terima kasih, kami panggil kepala puskesmas."}`, "agency")

	var tr struct {
		Status   string
		Messages []struct{ From, Body string }
	}
	h.decode(h.do("GET", "/api/v1/track", "", "Receipt "+f.receipt), &tr)
	if tr.Status != "in_progress" || len(tr.Messages) != 1 || !strings.Contains(tr.Messages[0].Body, "kepala puskesmas") {
		t.Fatalf("citizen view: %+v", tr)
	}
	// Dashes and spaces in the receipt are tolerated.
	dashed := strings.ReplaceAll(f.receipt, " ", "-")
	if res := h.do("GET", "/api/v1/track", "", "Receipt "+dashed); res.Code != http.StatusOK {
		t.Fatalf("dashed receipt: %d", res.Code)
	}
	// The citizen's reply is redacted before the agency sees it.
	if res := h.do("POST", "/api/v1/track/messages", `{"body":"Nomor saya 0812 3344 5566, Sulastri."}`, "Receipt "+f.receipt); res.Code != 201 {
		t.Fatalf("reply: %d %s", res.Code, res.Body)
	}
	res := h.do("GET", p, "", h.bearer("agency"))
	if strings.Contains(res.Body.String(), "3344") || strings.Contains(res.Body.String(), "Sulastri") {
		t.Fatalf("reporter reply reached the agency unredacted: %s", res.Body)
	}
	h.step("POST", p+"/responses", `{"body":"Sudah ditangani.","final":true}`, "agency")
	if res := h.do("POST", "/api/v1/track/rating", `{"score":5,"comment":"bagus"}`, "Receipt "+f.receipt); res.Code != 201 {
		t.Fatalf("rate: %d %s", res.Code, res.Body)
	}
	h.decode(h.do("GET", "/api/v1/track", "", "Receipt "+f.receipt), &tr)
	if tr.Status != "closed" {
		t.Fatalf("status after rating: %s", tr.Status)
	}
	// A wrong receipt and a malformed one look alike.
	for _, bad := range []string{"0000 0000 0000 0000 0000", "abc"} {
		if res := h.do("GET", "/api/v1/track", "", "Receipt "+bad); res.Code != http.StatusUnauthorized {
			t.Fatalf("receipt %q: %d", bad, res.Code)
		}
	}
}

func TestSubmitAnswerShape(t *testing.T) {
	h := newHarness(t)
	res := h.do("POST", "/api/v1/complaints", `{"title":"Pungli KTP","body":"Petugas minta Rp 50.000, telepon saya 081233445566.","category":"kesehatan","region":"kab-sleman","privacy":"anonymous"}`, "")
	if res.Code != http.StatusCreated {
		t.Fatalf("%d %s", res.Code, res.Body)
	}
	var out map[string]any
	h.decode(res, &out)
	for _, k := range []string{"id", "receipt", "status", "privacy", "redacted_body"} {
		if _, ok := out[k]; !ok {
			t.Fatalf("answer lacks %q: %v", k, out)
		}
	}
	if b := out["redacted_body"].(string); strings.Contains(b, "081233445566") || !strings.Contains(b, "Rp 50.000") {
		t.Fatalf("redacted_body %q", b)
	}
	if out["status"] != "submitted" || out["privacy"] != "anonymous" {
		t.Fatalf("answer %v", out)
	}
}

func TestPreviewStoresNothing(t *testing.T) {
	h := newHarness(t)
	res := h.do("POST", "/api/v1/complaints/preview", `{"title":"Tolong","body":"Email saya budi@example.id, NIK 3404014505880003.","category":"kesehatan","region":"kab-sleman","privacy":"public","reporter":{"name":"Budi","email":"budi@example.id"}}`, "")
	if res.Code != 200 {
		t.Fatalf("%d %s", res.Code, res.Body)
	}
	var p struct {
		Body     string `json:"redacted_body"`
		Findings []struct {
			Kind       string
			Start, End int
		} `json:"body_findings"`
	}
	h.decode(res, &p)
	if strings.Contains(p.Body, "budi@example.id") || strings.Contains(p.Body, "3404014505880003") || len(p.Findings) < 2 {
		t.Fatalf("preview %+v", p)
	}
	kinds := map[string]bool{}
	for _, f := range p.Findings {
		kinds[f.Kind] = true
		if f.Start >= f.End {
			t.Fatalf("finding offsets %+v", f)
		}
	}
	if !kinds["EMAIL"] || !kinds["NIK"] {
		t.Fatalf("finding kinds %v", kinds)
	}
	var page struct{ Items []any }
	h.decode(h.do("GET", "/api/v1/complaints", "", h.bearer("admin")), &page)
	if len(page.Items) != 0 {
		t.Fatalf("preview stored %d complaints", len(page.Items))
	}
}

func TestStrictJSONOverHTTP(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name, body  string
		status      int
		code, field string
		contentType string
	}{
		{"unknown field", `{"title":"a","body":"b","category":"kesehatan","region":"r","privacy":"anonymous","ip":"1.2.3.4"}`, 400, "unknown_field", "ip", ""},
		{"bad enum", `{"title":"a","body":"b","category":"kesehatan","region":"r","privacy":"rahasia"}`, 400, "invalid_field", "privacy", ""},
		{"missing", `{"title":"a","category":"kesehatan","region":"r","privacy":"anonymous"}`, 400, "invalid_field", "body", ""},
		{"unknown category", `{"title":"a","body":"b","category":"x","region":"r","privacy":"anonymous"}`, 400, "invalid_field", "category", ""},
		{"invalid utf8", "{\"title\":\"\xc3\x28\",\"body\":\"b\",\"category\":\"kesehatan\",\"region\":\"r\",\"privacy\":\"anonymous\"}", 400, "invalid_json", "", ""},
		{"not json", `title=a`, 415, "unsupported_media_type", "", "application/x-www-form-urlencoded"},
		{"too large", `{"title":"` + strings.Repeat("a", 70<<10) + `"}`, 413, "too_large", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", "/api/v1/complaints", strings.NewReader(tc.body))
			ct := tc.contentType
			if ct == "" {
				ct = "application/json"
			}
			req.Header.Set("Content-Type", ct)
			rec := newRecorder()
			h.srv.Handler().ServeHTTP(rec, req)
			var e struct {
				Error struct{ Code, Message, Field string }
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
				t.Fatalf("error body %q: %v", rec.Body, err)
			}
			if rec.Code != tc.status || e.Error.Code != tc.code || e.Error.Field != tc.field || e.Error.Message == "" {
				t.Fatalf("got %d %+v, want %d %s %q", rec.Code, e.Error, tc.status, tc.code, tc.field)
			}
		})
	}
	var page struct{ Items []any }
	h.decode(h.do("GET", "/api/v1/complaints", "", h.bearer("admin")), &page)
	if len(page.Items) != 0 {
		t.Fatalf("refused requests stored %d complaints", len(page.Items))
	}
}

func TestSecurityHeaders(t *testing.T) {
	h := newHarness(t)
	for _, path := range []string{"/healthz", "/api/v1/agencies", "/api/v1/nope"} {
		res := h.do("GET", path, "", "")
		for k, want := range map[string]string{
			"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
		} {
			if got := res.Header().Get(k); got != want {
				t.Fatalf("%s: %s = %q", path, k, got)
			}
		}
		if !strings.Contains(res.Header().Get("Content-Security-Policy"), "default-src 'none'") {
			t.Fatalf("%s: CSP %q", path, res.Header().Get("Content-Security-Policy"))
		}
		if res.Header().Get("Strict-Transport-Security") != "" {
			t.Fatalf("HSTS without TLS")
		}
	}
	tls := newHarness(t, func(c *Config) { c.TLS = true })
	if tls.do("GET", "/healthz", "", "").Header().Get("Strict-Transport-Security") == "" {
		t.Fatal("no HSTS with TLS")
	}
}

func TestRateLimits(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.SubmitRate = 2; c.LoginRate = len(harnessUsers) })
	codes := []int{}
	for range 3 {
		codes = append(codes, h.do("POST", "/api/v1/complaints", submitJSON, "").Code)
	}
	if codes[0] != 201 || codes[1] != 201 || codes[2] != http.StatusTooManyRequests {
		t.Fatalf("submission codes %v", codes)
	}
	var e struct{ Error struct{ Code string } }
	h.decode(h.do("POST", "/api/v1/complaints", submitJSON, ""), &e)
	if e.Error.Code != "rate_limited" {
		t.Fatalf("error code %q", e.Error.Code)
	}
	// The harness used up the login budget; the next login is refused.
	if res := h.do("POST", "/api/v1/auth/login", `{"username":"admin","password":"`+testPassword+`"}`, ""); res.Code != http.StatusTooManyRequests {
		t.Fatalf("login over the limit: %d", res.Code)
	}
	// Other routes are not limited.
	if res := h.do("GET", "/api/v1/agencies", "", ""); res.Code != 200 {
		t.Fatalf("public list limited: %d", res.Code)
	}
	off := newHarness(t, func(c *Config) { c.SubmitRate = 0 })
	for i := range 20 {
		if res := off.do("POST", "/api/v1/complaints", submitJSON, ""); res.Code != 201 {
			t.Fatalf("rate 0, request %d: %d", i, res.Code)
		}
	}
}

// TestNoIdentityInLogsOrData submits complaints with distinctive identity
// values in every privacy mode, drives them through the workflow, then
// searches every log line and every byte under the data folder for those
// values in the clear.
func TestNoIdentityInLogsOrData(t *testing.T) {
	h := newHarness(t)
	secrets := []string{"Zebulon Quintavalle", "Zebulon", "Quintavalle", "3171044107900007",
		"zq.rahasia@contoh.id", "081298761234", "Jl. Tersembunyi No. 77", "Tersembunyi"}
	for _, privacy := range []string{"anonymous", "confidential", "public"} {
		body := `{"title":"Saya Zebulon Quintavalle melapor","body":"Nama saya Zebulon Quintavalle, NIK 3171044107900007, telp 081298761234, email zq.rahasia@contoh.id, alamat Jl. Tersembunyi No. 77.","category":"kesehatan","region":"kab-sleman","privacy":"` + privacy + `","reporter":{"name":"Zebulon Quintavalle","nik":"3171044107900007","phone":"081298761234","email":"zq.rahasia@contoh.id","address":"Jl. Tersembunyi No. 77"}}`
		res := h.do("POST", "/api/v1/complaints", body, "")
		if res.Code != 201 {
			t.Fatalf("%s: %d %s", privacy, res.Code, res.Body)
		}
		var out struct{ ID, Receipt string }
		h.decode(res, &out)
		p := "/api/v1/complaints/" + out.ID
		h.step("POST", p+"/verify", `{"agency":"dinkes"}`, "admin")
		h.do("POST", "/api/v1/track/messages", `{"body":"Zebulon lagi, nomor 0812-9876-1234."}`, "Receipt "+out.Receipt)
		h.do("GET", p+"/reporter", "", h.bearer("agency"))
		h.step("POST", p+"/responses", `{"body":"Kami proses.","final":true}`, "agency")
	}
	if err := h.v.Close(); err != nil {
		t.Fatal(err)
	}
	logs := h.logs.String()
	if !strings.Contains(logs, `"route":"/api/v1/complaints"`) {
		t.Fatalf("no request log lines captured")
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Fatalf("log holds an identity value")
		}
	}
	files := 0
	err := filepath.Walk(h.dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Fatalf("%s holds an identity value in the clear", filepath.Base(path))
			}
		}
		return nil
	})
	if err != nil || files == 0 {
		t.Fatalf("walk: %v (%d files)", err, files)
	}
}

// TestHotBackup takes a backup through the API while the vault is open and
// finds the complaints in it.
func TestHotBackup(t *testing.T) {
	h := newHarness(t)
	f := h.complaintIn("confidential", "dispatched")
	res := h.do("GET", "/api/v1/backup", "", h.bearer("admin"))
	if res.Code != http.StatusOK {
		t.Fatalf("%d %s", res.Code, res.Body)
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	size, _ := strconv.ParseInt(res.Header().Get("Content-Length"), 10, 64)
	if size != int64(res.Body.Len()) {
		t.Fatalf("Content-Length %d for %d bytes", size, res.Body.Len())
	}
	if _, err := vault.BackupFromReader(bytes.NewReader(res.Body.Bytes()), size, path); err != nil {
		t.Fatal(err)
	}
	// A truncated stream is refused and leaves nothing.
	bad := filepath.Join(t.TempDir(), "bad.db")
	if _, err := vault.BackupFromReader(bytes.NewReader(res.Body.Bytes()[:res.Body.Len()/2]), size, bad); err == nil {
		t.Fatal("a truncated backup was accepted")
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Fatal("a refused backup left a file")
	}
	// Restore: the backup with the original master key opens and holds the complaint.
	restored := t.TempDir()
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(filepath.Join(restored, vault.DatabaseFile), data, 0o600); err != nil {
		t.Fatal(err)
	}
	key, _ := os.ReadFile(filepath.Join(h.dir, vault.MasterKeyFile))
	if err := os.WriteFile(filepath.Join(restored, vault.MasterKeyFile), key, 0o600); err != nil {
		t.Fatal(err)
	}
	kr, _ := testkit.Keyring(t, 3, 2)
	v, err := vault.Open(restored, vault.Options{Keyring: kr, Buckets: h.buckets()})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	c, err := v.Get(vault.Actor{Role: vault.RoleAdmin, ID: "admin"}, f.id)
	if err != nil || c.Status != vault.StatusDispatched {
		t.Fatalf("restored complaint: %v %v", c, err)
	}
}

// TestMetrics: requests by route template and status, complaints by status,
// and nothing that identifies a complaint or a client.
func TestMetrics(t *testing.T) {
	h := newHarness(t)
	f := h.complaintIn("anonymous", "dispatched")
	h.do("GET", "/api/v1/track", "", "Receipt "+f.receipt)
	res := h.do("GET", "/metrics", "", "")
	if res.Code != 200 {
		t.Fatalf("%d", res.Code)
	}
	m := res.Body.String()
	for _, want := range []string{
		`kotak_complaints{status="dispatched"} 1`,
		`kotak_http_requests_total{method="POST",route="/api/v1/complaints/:id/verify",status="200"} 1`,
		`kotak_http_request_duration_seconds_bucket{method="GET",route="/api/v1/track"`,
	} {
		if !strings.Contains(m, want) {
			t.Fatalf("metrics lack %q", want)
		}
	}
	digits := strings.ReplaceAll(f.receipt, " ", "")
	for _, leak := range []string{f.id, digits} {
		if strings.Contains(m, leak) {
			t.Fatalf("metrics hold %q", leak)
		}
	}
}

// TestInternalErrorsStayInside: when the database fails, clients get a
// generic 500 and the log names the error's type, never its text.
func TestInternalErrorsStayInside(t *testing.T) {
	h := newHarness(t)
	token := h.bearer("admin")
	if err := h.v.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, path, auth string }{
		{"GET", "/api/v1/agencies", ""},
		{"GET", "/api/v1/complaints", token},
		{"GET", "/api/v1/track", "Receipt 1234 5678 9012 3456 7890"},
	} {
		res := h.do(tc.method, tc.path, "", tc.auth)
		var e struct {
			Error struct{ Code, Message, Field string }
		}
		h.decode(res, &e)
		if res.Code != http.StatusInternalServerError || e.Error.Code != "internal" || e.Error.Message != "internal error" {
			t.Fatalf("%s %s: %d %s", tc.method, tc.path, res.Code, res.Body)
		}
		for _, leak := range []string{"bolt", "database", "closed", "store"} {
			if strings.Contains(strings.ToLower(res.Body.String()), leak) {
				t.Fatalf("%s %s leaked %q: %s", tc.method, tc.path, leak, res.Body)
			}
		}
	}
	logs := h.logs.String()
	if !strings.Contains(logs, `"msg":"internal error"`) || !strings.Contains(logs, `"err_type"`) {
		t.Fatalf("internal errors not logged by type:\n%s", logs)
	}
	if strings.Contains(logs, "database not open") || strings.Contains(logs, "closed") {
		t.Fatalf("log holds an error's text")
	}
}
