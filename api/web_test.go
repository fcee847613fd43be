package api

import (
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"kotak/vault"
	"kotak/vault/redact"
	"kotak/vault/unseal"
)

// postForm sends body as an urlencoded form; cookies are "name=value" pairs.
func (h *harness) postForm(path, body string, cookies ...string) *httptest.ResponseRecorder {
	h.t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if len(cookies) > 0 {
		req.Header.Set("Cookie", strings.Join(cookies, "; "))
	}
	rec := httptest.NewRecorder()
	h.srv.Handler().ServeHTTP(rec, req)
	checkPage(h.t, req, rec)
	return rec
}

func (h *harness) getPage(path string, cookies ...string) *httptest.ResponseRecorder {
	h.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if len(cookies) > 0 {
		req.Header.Set("Cookie", strings.Join(cookies, "; "))
	}
	rec := httptest.NewRecorder()
	h.srv.Handler().ServeHTTP(rec, req)
	checkPage(h.t, req, rec)
	return rec
}

var (
	attrURL     = regexp.MustCompile(`(?i)\b(?:href|src|action|formaction|srcset|poster|data)\s*=\s*"([^"]*)"`)
	inlineStyle = regexp.MustCompile(`(?i)<[^>]*\sstyle\s*=`)
	inlineEvent = regexp.MustCompile(`(?i)<[^>]*\son[a-z]+\s*=`)
	digits20    = regexp.MustCompile(`\d{4}\D?\d{4}\D?\d{4}\D?\d{4}\D?\d{4}`)
)

// checkPage asserts what every HTML answer must hold: the CSP header, no
// script, no inline style or event handler, only same-origin resource
// links, no redirect, and no receipt-like number in any URL.
func checkPage(t testing.TB, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	if loc := rec.Header().Get("Location"); loc != "" {
		t.Fatalf("%s %s: redirect to %q", req.Method, req.URL.Path, loc)
	}
	if digits20.MatchString(req.URL.String()) {
		t.Fatalf("a receipt-like number in the request URL")
	}
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		return
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "style-src 'self'") {
		t.Fatalf("page without the CSP: %q", csp)
	}
	body := rec.Body.String()
	lower := strings.ToLower(body)
	for _, bad := range []string{"<script", "<style", "javascript:", "<iframe", "<object", "<embed", "<base"} {
		if strings.Contains(lower, bad) {
			t.Fatalf("%s %s: page holds %q", req.Method, req.URL.Path, bad)
		}
	}
	if inlineStyle.MatchString(body) || inlineEvent.MatchString(body) {
		t.Fatalf("%s %s: inline style or event handler", req.Method, req.URL.Path)
	}
	for _, m := range attrURL.FindAllStringSubmatch(body, -1) {
		u := html.UnescapeString(m[1])
		if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
			t.Fatalf("%s %s: non-local URL %q", req.Method, req.URL.Path, u)
		}
		if digits20.MatchString(u) {
			t.Fatalf("%s %s: a receipt-like number in a link", req.Method, req.URL.Path)
		}
	}
	if !strings.Contains(body, `<link rel="stylesheet" href="/static/kotak.css">`) {
		t.Fatalf("page without the stylesheet")
	}
}

var (
	hiddenInput   = regexp.MustCompile(`<input type="hidden" name="([a-z]+)" value="([^"]*)">`)
	receiptNumber = regexp.MustCompile(`<p class="receipt-number">([0-9 ]+)</p>`)
)

// hiddenFields reads the hidden inputs of a page into a form.
func hiddenFields(body string) url.Values {
	v := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	return v
}

func complaintCount(t testing.TB, h *harness) int {
	t.Helper()
	counts, err := h.v.CountByStatus()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

func mustContain(t testing.TB, res *httptest.ResponseRecorder, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(res.Body.String(), w) {
			t.Fatalf("page (%d) lacks %q:\n%s", res.Code, w, res.Body)
		}
	}
}

const webBody = "Saya Sulastri Wibisono menunggu lima jam di Puskesmas Depok.\nHubungi 0812-3344-5566 <b>segera</b>."

func webForm(privacy string) url.Values {
	return url.Values{"title": {"Antrean <script>alert(1)</script> puskesmas"}, "body": {webBody},
		"category": {"kesehatan"}, "region": {"kab-sleman"}, "agency": {"dinkes"}, "privacy": {privacy},
		"name": {"Sulastri Wibisono"}, "nik": {"3404014505880003"}, "phone": {"0812-3344-5566"},
		"email": {"sulastri.w@example.id"}, "address": {"Jl. Kaliurang Km 7 No. 12"}}
}

// TestWebEndToEnd submits through the forms, tracks, replies and rates,
// and checks that neither the receipt nor the identity leaks into URLs or
// logs, and that the staff see the complaint as an API submission's.
func TestWebEndToEnd(t *testing.T) {
	h := newHarness(t)
	form := h.getPage("/lapor")
	if form.Code != 200 {
		t.Fatalf("form: %d", form.Code)
	}
	mustContain(t, form, `<option value="kesehatan">Kesehatan</option>`, `<option value="dinkes">Dinas Kesehatan</option>`,
		`name="privacy" value="anonymous"`, `name="privacy" value="confidential"`, `(tidak wajib untuk anonim)`)

	prev := h.postForm("/lapor/pratinjau", webForm("confidential").Encode())
	if prev.Code != 200 {
		t.Fatalf("preview: %d %s", prev.Code, prev.Body)
	}
	mustContain(t, prev, "Pratinjau laporan", "[NAMA]", "[TELEPON]", "&lt;script&gt;", `value="send"`, "Nama: 1")
	if complaintCount(t, h) != 0 {
		t.Fatal("the preview stored a complaint")
	}
	confirm := hiddenFields(prev.Body.String())
	if got, want := confirm.Get("body"), webBody; got != want {
		t.Fatalf("hidden body %q, want %q", got, want)
	}
	confirm.Set("step", "send")
	done := h.postForm("/lapor", confirm.Encode())
	if done.Code != http.StatusCreated {
		t.Fatalf("submit: %d %s", done.Code, done.Body)
	}
	m := receiptNumber.FindStringSubmatch(done.Body.String())
	if m == nil {
		t.Fatalf("no receipt on the page:\n%s", done.Body)
	}
	rcpt := m[1]
	mustContain(t, done, "Catat nomor ini", "hanya ditampilkan sekali")
	if strings.Count(done.Body.String(), rcpt) != 1 {
		t.Fatal("the receipt is shown more than once on its page")
	}

	// Staff and the API see a web-channel complaint, redacted.
	var api struct {
		ID, Channel, Status, Title, Body string
	}
	h.decode(h.do("GET", "/api/v1/track", "", "Receipt "+rcpt), &api)
	if api.Channel != "web" || api.Status != "submitted" || !strings.Contains(api.Body, "[NAMA]") ||
		!strings.Contains(api.Body, "\n") || strings.Contains(api.Body, "Sulastri") {
		t.Fatalf("stored complaint: %+v", api)
	}
	if complaintCount(t, h) != 1 {
		t.Fatal("want one complaint")
	}

	tr := h.postForm("/lacak", url.Values{"receipt": {rcpt}}.Encode())
	if tr.Code != 200 {
		t.Fatalf("track: %d %s", tr.Code, tr.Body)
	}
	mustContain(t, tr, api.ID, "Diterima", "Verifikasi oleh admin", "Laporan diterima", `action="/lacak/balas"`)
	if strings.Contains(tr.Body.String(), `action="/lacak/nilai"`) {
		t.Fatal("rating offered before resolution")
	}

	h.step("POST", "/api/v1/complaints/"+api.ID+"/verify", `{"agency":"dinkes","note":"lengkap"}`, "admin")
	h.step("POST", "/api/v1/complaints/"+api.ID+"/responses", `{"body":"Kami cek ke puskesmas."}`, "agency")
	rep := h.postForm("/lacak/balas", url.Values{"receipt": {rcpt}, "body": {"Terima kasih, saya Sulastri tunggu."}}.Encode())
	if rep.Code != 200 {
		t.Fatalf("reply: %d %s", rep.Code, rep.Body)
	}
	mustContain(t, rep, "Balasan Anda terkirim.", "Kami cek ke puskesmas.", "Terima kasih, saya [NAMA] tunggu.",
		"Sedang ditindaklanjuti", "Tanggapan pertama instansi")

	h.step("POST", "/api/v1/complaints/"+api.ID+"/responses", `{"body":"Antrean kini dibagi per jam.","final":true}`, "agency")
	tr = h.postForm("/lacak", url.Values{"receipt": {rcpt}}.Encode())
	mustContain(t, tr, "Selesai ditindaklanjuti", `action="/lacak/nilai"`, "tanggapan akhir")
	rate := h.postForm("/lacak/nilai", url.Values{"receipt": {rcpt}, "score": {"4"}, "comment": {"cepat"}}.Encode())
	if rate.Code != 200 {
		t.Fatalf("rate: %d %s", rate.Code, rate.Body)
	}
	mustContain(t, rate, "Terima kasih atas penilaian Anda.", "Ditutup", "4/5")
	var after struct {
		Status string
		Rating struct{ Score int }
	}
	h.decode(h.do("GET", "/api/v1/track", "", "Receipt "+rcpt), &after)
	if after.Status != "closed" || after.Rating.Score != 4 {
		t.Fatalf("after rating: %+v", after)
	}

	// A closed complaint takes no reply: the page says so, 409.
	late := h.postForm("/lacak/balas", url.Values{"receipt": {rcpt}, "body": {"satu lagi"}}.Encode())
	if late.Code != http.StatusConflict {
		t.Fatalf("reply on closed: %d", late.Code)
	}
	mustContain(t, late, "tidak dapat dilakukan pada status")

	logs := h.logs.String()
	digitsOnly := strings.ReplaceAll(rcpt, " ", "")
	for _, secret := range append([]string{rcpt, digitsOnly}, identityPieces...) {
		if strings.Contains(logs, secret) {
			t.Fatalf("the log holds %q", secret)
		}
	}
}

// TestWebInvalidInput: each bad submission shows the form again with the
// error next to its field and the input kept, and stores nothing.
func TestWebInvalidInput(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name   string
		change func(url.Values)
		field  string
		msg    string
	}{
		{"no title", func(v url.Values) { v.Set("title", "  ") }, "title", "Wajib diisi."},
		{"long title", func(v url.Values) { v.Set("title", strings.Repeat("j", vault.MaxTitle+1)) }, "title", "Terlalu panjang."},
		{"no body", func(v url.Values) { v.Del("body") }, "body", "Wajib diisi."},
		{"control chars", func(v url.Values) { v.Set("title", "judul\x00") }, "title", "karakter yang tidak diizinkan"},
		{"unknown category", func(v url.Values) { v.Set("category", "sosial") }, "category", "Pilih kategori dari daftar."},
		{"unknown agency", func(v url.Values) { v.Set("agency", "dinsos") }, "agency", "Pilih instansi dari daftar."},
		{"bad region", func(v url.Values) { v.Set("region", "Kab Sleman") }, "region", "Gunakan huruf kecil"},
		{"bad privacy", func(v url.Values) { v.Set("privacy", "secret") }, "privacy", "Pilih salah satu"},
		{"no privacy", func(v url.Values) { v.Del("privacy") }, "privacy", "Wajib diisi."},
		{"confidential without name", func(v url.Values) { v.Set("privacy", "confidential"); v.Del("name") }, "name", "Wajib diisi untuk laporan rahasia"},
		{"public without contact", func(v url.Values) { v.Set("privacy", "public"); v.Del("phone"); v.Del("email") }, "phone", "Isi telepon atau e-mail"},
		{"long name", func(v url.Values) { v.Set("name", strings.Repeat("n", 201)) }, "name", "Terlalu panjang."},
	}
	for _, tc := range cases {
		for _, path := range []string{"/lapor/pratinjau", "/lapor"} {
			t.Run(tc.name+path, func(t *testing.T) {
				h.t = t
				v := webForm("anonymous")
				v.Set("title", "Judul tetap <ada>")
				tc.change(v)
				if path == "/lapor" {
					v.Set("step", "send")
				}
				res := h.postForm(path, v.Encode())
				if res.Code != http.StatusBadRequest {
					t.Fatalf("got %d:\n%s", res.Code, res.Body)
				}
				mustContain(t, res, `id="`+tc.field+`-error"`, tc.msg, "Periksa kembali isian yang ditandai.")
				// Input is kept (escaped).
				if v.Get("title") == "Judul tetap <ada>" {
					mustContain(t, res, `value="Judul tetap &lt;ada&gt;"`)
				}
				if v.Get("address") != "" {
					mustContain(t, res, `value="Jl. Kaliurang Km 7 No. 12"`)
				}
				if n := complaintCount(t, h); n != 0 {
					t.Fatalf("%d complaints stored", n)
				}
			})
		}
	}
}

// TestWebMalformedForms: forms no browser would send are refused with an
// HTML error page, and nothing is stored.
func TestWebMalformedForms(t *testing.T) {
	h := newHarness(t)
	good := webForm("anonymous")
	good.Set("step", "send")
	cases := []struct {
		name, path, ctype, body string
		want                    int
	}{
		{"json", "/lapor", "application/json", `{"title":"x"}`, 415},
		{"multipart", "/lapor", "multipart/form-data; boundary=x", "--x--", 415},
		{"no type", "/lacak", "", "receipt=1", 415},
		{"duplicate", "/lapor", "application/x-www-form-urlencoded", good.Encode() + "&title=again", 400},
		{"unknown", "/lapor", "application/x-www-form-urlencoded", good.Encode() + "&admin=1", 400},
		{"bad escape", "/lapor", "application/x-www-form-urlencoded", good.Encode() + "&title=%zz", 400},
		{"semicolon", "/lacak", "application/x-www-form-urlencoded", "receipt=1;x=2", 400},
		{"bad utf-8", "/lapor/pratinjau", "application/x-www-form-urlencoded", "title=%ff%fe", 400},
		{"no step", "/lapor", "application/x-www-form-urlencoded", webForm("anonymous").Encode(), 400},
		{"bad step", "/lapor", "application/x-www-form-urlencoded", good.Encode() + "&step=x", 400},
		{"too large", "/lapor", "application/x-www-form-urlencoded", "body=" + strings.Repeat("a", 3*64<<10+1), 413},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", tc.path, strings.NewReader(tc.body))
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			rec := httptest.NewRecorder()
			h.srv.Handler().ServeHTTP(rec, req)
			checkPage(t, req, rec)
			if rec.Code != tc.want || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
				t.Fatalf("got %d %s:\n%s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			mustContain(t, rec, "Terjadi kesalahan")
			if n := complaintCount(t, h); n != 0 {
				t.Fatalf("%d complaints stored", n)
			}
		})
	}
}

func TestWebTrackUnknownReceipt(t *testing.T) {
	h := newHarness(t)
	f := h.submit("anonymous")
	wrong := "1111 2222 3333 4444 5555"
	if f.receipt == wrong {
		t.Skip("improbable receipt collision")
	}
	for _, path := range []string{"/lacak", "/lacak/balas", "/lacak/nilai"} {
		for _, r := range []string{wrong, "12345", "bukan angka"} {
			body := url.Values{"receipt": {r}}
			switch path {
			case "/lacak/balas":
				body.Set("body", "halo")
			case "/lacak/nilai":
				body.Set("score", "5")
			}
			res := h.postForm(path, body.Encode())
			if res.Code != http.StatusBadRequest {
				t.Fatalf("%s %q: %d", path, r, res.Code)
			}
			mustContain(t, res, `id="receipt-error"`, "Nomor tanda terima tidak ditemukan.")
			if strings.Contains(res.Body.String(), f.id) {
				t.Fatal("a wrong receipt showed a complaint")
			}
		}
	}
	res := h.postForm("/lacak", "receipt=")
	if res.Code != http.StatusBadRequest {
		t.Fatalf("empty receipt: %d", res.Code)
	}
	mustContain(t, res, `id="receipt-error"`, "Wajib diisi.")
	// A bad score or an empty reply: the tracking page with the error.
	fx := h.complaintIn("anonymous", vault.StatusResolved)
	for _, tc := range []struct{ path, body, field string }{
		{"/lacak/nilai", url.Values{"receipt": {fx.receipt}, "score": {"9"}}.Encode(), "score"},
		{"/lacak/nilai", url.Values{"receipt": {fx.receipt}}.Encode(), "score"},
		{"/lacak/nilai", url.Values{"receipt": {fx.receipt}, "score": {"3"}, "comment": {strings.Repeat("k", vault.MaxComment+1)}}.Encode(), "comment"},
		{"/lacak/balas", url.Values{"receipt": {fx.receipt}, "body": {" "}}.Encode(), "body"},
	} {
		res := h.postForm(tc.path, tc.body)
		if res.Code != http.StatusBadRequest {
			t.Fatalf("%s %s: %d %s", tc.path, tc.field, res.Code, res.Body)
		}
		mustContain(t, res, `id="`+tc.field+`-error"`, fx.id)
	}
	var st struct{ Status string }
	h.decode(h.do("GET", "/api/v1/track", "", "Receipt "+fx.receipt), &st)
	if st.Status != "resolved" {
		t.Fatalf("refused input changed the complaint: %s", st.Status)
	}
}

func TestWebLanguage(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name, path string
		cookies    []string
		want, not  string
		setCookie  string
	}{
		{"default", "/", nil, "Sampaikan aduan", "Report a public-service", ""},
		{"query", "/?lang=en", nil, "Report a public-service", "Sampaikan aduan", "lang=en"},
		{"cookie", "/lapor", []string{"lang=en"}, "Show preview", "Lihat pratinjau", ""},
		{"query beats cookie", "/lacak?lang=id", []string{"lang=en"}, "Lacak laporan", "Track a report", "lang=id"},
		{"unknown query", "/?lang=fr", nil, "Sampaikan aduan", "Report a public-service", ""},
		{"unknown cookie", "/", []string{"lang=fr"}, "Sampaikan aduan", "Report a public-service", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			res := h.getPage(tc.path, tc.cookies...)
			if res.Code != 200 {
				t.Fatalf("%d", res.Code)
			}
			mustContain(t, res, tc.want)
			if strings.Contains(res.Body.String(), tc.not) {
				t.Fatalf("page holds %q", tc.not)
			}
			sc := res.Header().Get("Set-Cookie")
			if tc.setCookie == "" && sc != "" || tc.setCookie != "" && !strings.HasPrefix(sc, tc.setCookie+";") {
				t.Fatalf("Set-Cookie %q", sc)
			}
			if tc.setCookie != "" && (!strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax")) {
				t.Fatalf("Set-Cookie %q", sc)
			}
		})
	}
	// English keeps ?lang=en on links and form actions, and the error
	// messages are English too.
	h.t = t
	res := h.getPage("/lapor?lang=en")
	mustContain(t, res, `action="/lapor/pratinjau?lang=en"`, `href="/lacak?lang=en"`, `<html lang="en">`)
	v := webForm("anonymous")
	v.Del("title")
	res = h.postForm("/lapor/pratinjau?lang=en", v.Encode())
	mustContain(t, res, "Required.", "Please check the marked fields.")
	f := h.submit("anonymous")
	res = h.postForm("/lacak?lang=en", url.Values{"receipt": {f.receipt}}.Encode())
	mustContain(t, res, "Received", "Check by an administrator", `action="/lacak/balas?lang=en"`)
}

// TestWebTextTables: both languages have the same keys, none empty, and
// every key the templates and handlers use exists.
func TestWebTextTables(t *testing.T) {
	id, en := webText[langID], webText[langEN]
	for k, v := range id {
		if _, ok := en[k]; !ok {
			t.Errorf("%q missing in English", k)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("%q empty in Indonesian", k)
		}
	}
	for k, v := range en {
		if _, ok := id[k]; !ok {
			t.Errorf("%q missing in Indonesian", k)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("%q empty in English", k)
		}
	}
	var used []string
	staticKey := regexp.MustCompile(`\.T "([^"]+)"`)
	err := fs.WalkDir(webFiles, "web", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := webFiles.ReadFile(p)
		for _, m := range staticKey.FindAllStringSubmatch(string(b), -1) {
			used = append(used, m[1])
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys in the templates", len(used))
	}
	for _, s := range []vault.Status{vault.StatusSubmitted, vault.StatusDispatched, vault.StatusInProgress,
		vault.StatusResolved, vault.StatusClosed, vault.StatusOnHold, vault.StatusArchived} {
		used = append(used, "status."+string(s))
	}
	for _, a := range []vault.Action{vault.ActionSubmit, vault.ActionVerify, vault.ActionHold, vault.ActionArchive,
		vault.ActionForward, vault.ActionRespond, vault.ActionResolve, vault.ActionReply, vault.ActionReopen,
		vault.ActionRate, vault.ActionClose, vault.ActionAutoClose, vault.ActionViewContact, vault.ActionAttach, vault.ActionShred} {
		used = append(used, "action."+string(a))
	}
	for _, p := range []vault.Privacy{vault.PrivacyAnonymous, vault.PrivacyConfidential, vault.PrivacyPublic} {
		used = append(used, "privacy."+string(p), "privacy."+string(p)+".help")
	}
	for _, r := range []vault.ArchiveReason{vault.ReasonOutOfScope, vault.ReasonSpam, vault.ReasonIncomplete, vault.ReasonDuplicate} {
		used = append(used, "archive."+string(r))
	}
	for _, k := range []redact.Kind{redact.KindNIK, redact.KindKK, redact.KindNPWP, redact.KindPhone, redact.KindEmail,
		redact.KindAccount, redact.KindPlate, redact.KindPassport, redact.KindName, redact.KindAddress} {
		used = append(used, "kind."+string(k))
	}
	for _, b := range []string{unseal.BasisCourtOrder, unseal.BasisPoliceInvestigation, unseal.BasisReporterConsent, unseal.BasisThreatToLife} {
		used = append(used, "basis."+b)
	}
	for _, f := range []string{"name", "nik", "phone", "email", "address"} {
		used = append(used, "field."+f)
	}
	for _, k := range reasonKeys {
		used = append(used, k)
	}
	for _, e := range []*Error{errFormType, errFormMalformed, errTooLarge, errRateLimited, errInternal, errNotFound,
		{Code: "unknown_field"}, {Code: "duplicate_field"}, {Code: "invalid_field"}, {Code: "method_not_allowed"}} {
		used = append(used, "error."+e.Code)
	}
	used = append(used, "deadline.verify", "deadline.first_response", "deadline.completion", "deadline.auto_close",
		"err.receipt_unknown", "err.not_now", "err.invalid", "reply.sent", "rating.sent", "error.bad_request")
	slices.Sort(used)
	for _, k := range slices.Compact(used) {
		if _, ok := id[k]; !ok {
			t.Errorf("key %q used but not defined", k)
		}
	}
}

func TestWebRateLimitSharedWithAPI(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.SubmitRate = 2; c.TrackRate = 1 })
	if res := h.do("POST", "/api/v1/complaints/preview", submitJSON, ""); res.Code != 200 {
		t.Fatalf("API preview: %d", res.Code)
	}
	if res := h.postForm("/lapor/pratinjau", webForm("anonymous").Encode()); res.Code != 200 {
		t.Fatalf("web preview: %d", res.Code)
	}
	res := h.postForm("/lapor/pratinjau", webForm("anonymous").Encode())
	if res.Code != http.StatusTooManyRequests {
		t.Fatalf("third submission-class request: %d", res.Code)
	}
	mustContain(t, res, "Terlalu banyak permintaan")
	if h.postForm("/lacak", "receipt=1").Code != http.StatusBadRequest {
		t.Fatal("first tracking request refused")
	}
	if h.postForm("/lacak", "receipt=1").Code != http.StatusTooManyRequests {
		t.Fatal("second tracking request allowed")
	}
	// Pages that only show a form are not limited.
	for range 3 {
		if h.getPage("/lapor").Code != 200 {
			t.Fatal("form page limited")
		}
	}
}

func TestWebDisclosureShown(t *testing.T) {
	u := newUnsealHarness(t)
	f := u.complaintIn("confidential", vault.StatusDispatched)
	reqID, _, _ := u.fileRequest(f.id, 41)
	before := u.postForm("/lacak", url.Values{"receipt": {f.receipt}}.Encode())
	if strings.Contains(before.Body.String(), reqID) || strings.Contains(before.Body.String(), "Identitas Anda telah dibuka") {
		t.Fatal("a pending request is shown as a disclosure")
	}
	q := u.auditorView("auditor1", reqID)
	for i, label := range []string{"auditor1", "auditor2"} {
		body := approvalJSON(t, u.kr, u.ids[i], q, unseal.Approve, nil)
		if res := u.do("POST", "/api/v1/unseal-requests/"+reqID+"/approvals", body, u.bearer(label)); res.Code != 201 {
			t.Fatalf("approval %d: %d %s", i, res.Code, res.Body)
		}
	}
	after := u.postForm("/lacak", url.Values{"receipt": {f.receipt}}.Encode())
	mustContain(t, after, "Identitas Anda telah dibuka", reqID, "penetapan pengadilan")
	for _, piece := range identityPieces {
		if strings.Contains(after.Body.String(), piece) {
			t.Fatalf("tracking page holds %q", piece)
		}
	}
}

func TestWebStaticAndHome(t *testing.T) {
	h := newHarness(t)
	css := h.do("GET", "/static/kotak.css", "", "")
	if css.Code != 200 || !strings.HasPrefix(css.Header().Get("Content-Type"), "text/css") || !strings.Contains(css.Body.String(), ".receipt-number") {
		t.Fatalf("stylesheet: %d %q", css.Code, css.Header().Get("Content-Type"))
	}
	if strings.Contains(css.Body.String(), "url(") || strings.Contains(css.Body.String(), "@import") {
		t.Fatal("the stylesheet loads other resources")
	}
	home := h.getPage("/")
	mustContain(t, home, "Anonim", "Rahasia", "Terbuka", `href="/lapor"`, `href="/lacak"`, `lang="id"`)
	for _, p := range []string{"/", "/lapor", "/lacak"} {
		if res := h.getPage(p); res.Code != 200 || res.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("%s: %d %q", p, res.Code, res.Header().Get("Cache-Control"))
		}
	}
}

func TestParseForm(t *testing.T) {
	cases := []struct {
		raw       string
		ok        bool
		code, fld string
		want      map[string]string
	}{
		{"a=1&b=x+y", true, "", "", map[string]string{"a": "1", "b": "x y"}},
		{"", true, "", "", map[string]string{}},
		{"a=", true, "", "", map[string]string{"a": ""}},
		{"a=1&a=2", false, "duplicate_field", "a", nil},
		{"c=1", false, "unknown_field", "c", nil},
		{"a=%zz", false, "invalid_form", "", nil},
		{"a=1;b=2", false, "invalid_form", "", nil},
		{"a=%ff", false, "invalid_field", "a", nil},
		{"%ff=1", false, "unknown_field", "", nil},
	}
	for _, tc := range cases {
		got, e := parseForm([]byte(tc.raw), "a", "b")
		if tc.ok != (e == nil) {
			t.Fatalf("%q: error %v", tc.raw, e)
		}
		if e != nil {
			if e.Code != tc.code || e.Field != tc.fld {
				t.Fatalf("%q: %s/%s, want %s/%s", tc.raw, e.Code, e.Field, tc.code, tc.fld)
			}
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Fatalf("%q: %v, want %v", tc.raw, got, tc.want)
		}
	}
}

func FuzzParseForm(f *testing.F) {
	for _, s := range []string{"title=a&body=b", "title=a&title=b", "x=1", "title=%zz", "title=%ff", "a;b", "=&=", "title=%E2%82%AC+x"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, e := parseForm(raw, "title", "body")
		if e != nil {
			if e.Status != http.StatusBadRequest || e.Code == "" {
				t.Fatalf("bad error %+v", e)
			}
			return
		}
		q, err := url.ParseQuery(string(raw))
		if err != nil {
			t.Fatal("accepted what url.ParseQuery refuses")
		}
		for k, v := range got {
			if k != "title" && k != "body" || !utf8.ValidString(v) || len(q[k]) != 1 || q[k][0] != v {
				t.Fatalf("accepted field %q", k)
			}
		}
	})
}

// BenchmarkWebTrack measures the tracking page against its baseline in the
// same run: GET /api/v1/track for the same complaint (one receipt lookup
// and view in both; the page adds form parsing and template rendering).
func BenchmarkWebTrack(b *testing.B) {
	h := newHarness(b)
	f := h.complaintIn("confidential", vault.StatusInProgress)
	form := url.Values{"receipt": {f.receipt}}.Encode()
	b.Run("api-json", func(b *testing.B) {
		for b.Loop() {
			req := httptest.NewRequest("GET", "/api/v1/track", nil)
			req.Header.Set("Authorization", "Receipt "+f.receipt)
			rec := httptest.NewRecorder()
			h.srv.Handler().ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatal(rec.Code)
			}
		}
	})
	b.Run("web-page", func(b *testing.B) {
		for b.Loop() {
			req := httptest.NewRequest("POST", "/lacak", strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			h.srv.Handler().ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatal(rec.Code)
			}
		}
	})
}
