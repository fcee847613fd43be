package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"kotak/vault"
)

// principals are the columns of the authorization matrix: no credentials,
// each staff role, a handler of another agency, and the reporter's receipt.
var principals = []string{"none", "admin", "agency", "other", "officer", "auditor", "receipt"}

// identityPieces must never appear in a response, except where a row says so.
var identityPieces = []string{"3404014505880003", "sulastri.w@example.id", "Wibisono", "Sulastri", "3344-5566", "Kaliurang"}

type matrixRow struct {
	name string
	// prepare makes the state the request needs and returns it.
	prepare func(h *harness) (method, path, body string, f fixture)
	// want is the expected status per principal; missing principals get def.
	want map[string]int
	def  int
	// multipart sends the request as an attachment upload.
	multipart bool
	// form sends the body as an urlencoded form (the citizen web pages).
	form bool
	// mayReveal lists principals allowed to see the reporter's identity.
	mayReveal []string
}

func staffOnly(admin, agency, other, officer, auditor int) map[string]int {
	return map[string]int{"none": 401, "receipt": 401, "admin": admin, "agency": agency,
		"other": other, "officer": officer, "auditor": auditor}
}

func receiptOnly(ok int) map[string]int {
	return map[string]int{"receipt": ok}
}

var userSeq atomic.Int64

func fixed(method, path, body string) func(*harness) (string, string, string, fixture) {
	return func(*harness) (string, string, string, fixture) { return method, path, body, fixture{} }
}

func onComplaint(privacy string, st vault.Status, method, suffix, body string) func(*harness) (string, string, string, fixture) {
	return func(h *harness) (string, string, string, fixture) {
		f := h.complaintIn(privacy, st)
		return method, "/api/v1/complaints/" + f.id + suffix, body, f
	}
}

const submitJSON = `{"title":"Jalan rusak","body":"Jalan berlubang di depan SD.","category":"kesehatan","region":"kab-sleman","privacy":"anonymous"}`

var matrix = []matrixRow{
	{name: "agencies", prepare: fixed("GET", "/api/v1/agencies", ""), def: 200},
	{name: "categories", prepare: fixed("GET", "/api/v1/categories", ""), def: 200},
	{name: "preview", prepare: fixed("POST", "/api/v1/complaints/preview", submitJSON), def: 200},
	{name: "submit", prepare: fixed("POST", "/api/v1/complaints", submitJSON), def: 201},
	{name: "healthz", prepare: fixed("GET", "/healthz", ""), def: 200},
	{name: "readyz", prepare: fixed("GET", "/readyz", ""), def: 200},
	{name: "metrics", prepare: fixed("GET", "/metrics", ""), def: 200},
	{name: "track", prepare: func(h *harness) (string, string, string, fixture) {
		return "GET", "/api/v1/track", "", h.complaintIn("anonymous", vault.StatusDispatched)
	}, def: 401, want: receiptOnly(200)},
	{name: "track message", prepare: func(h *harness) (string, string, string, fixture) {
		f := h.complaintIn("anonymous", vault.StatusDispatched)
		return "POST", "/api/v1/track/messages", `{"body":"Ada tambahan informasi."}`, f
	}, def: 401, want: receiptOnly(201)},
	{name: "track rating", prepare: func(h *harness) (string, string, string, fixture) {
		f := h.complaintIn("anonymous", vault.StatusResolved)
		return "POST", "/api/v1/track/rating", `{"score":4,"comment":"cepat"}`, f
	}, def: 401, want: receiptOnly(201)},
	{name: "track attachment", multipart: true, prepare: func(h *harness) (string, string, string, fixture) {
		f := h.complaintIn("anonymous", vault.StatusDispatched)
		return "POST", "/api/v1/track/attachments", "", f
	}, def: 401, want: receiptOnly(201)},
	{name: "logout", prepare: fixed("POST", "/api/v1/auth/logout", ""), want: staffOnly(204, 204, 204, 204, 204)},
	{name: "list", prepare: fixed("GET", "/api/v1/complaints", ""), want: staffOnly(200, 200, 200, 403, 403)},
	{name: "detail", prepare: onComplaint("anonymous", vault.StatusDispatched, "GET", "", ""), want: staffOnly(200, 200, 403, 403, 403)},
	{name: "reporter confidential", prepare: onComplaint("confidential", vault.StatusDispatched, "GET", "/reporter", ""),
		want: staffOnly(403, 200, 403, 403, 403), mayReveal: []string{"agency"}},
	{name: "reporter public", prepare: onComplaint("public", vault.StatusInProgress, "GET", "/reporter", ""),
		want: staffOnly(403, 200, 403, 403, 403), mayReveal: []string{"agency"}},
	{name: "reporter anonymous", prepare: onComplaint("anonymous", vault.StatusDispatched, "GET", "/reporter", ""),
		want: staffOnly(403, 404, 403, 403, 403)},
	{name: "attachment", prepare: func(h *harness) (string, string, string, fixture) {
		f := h.complaintIn("anonymous", vault.StatusDispatched)
		if res := h.upload(f.receipt, pngBytes(h.t)); res.Code != 201 {
			h.t.Fatalf("upload: %d %s", res.Code, res.Body)
		}
		return "GET", "/api/v1/complaints/" + f.id + "/attachments/0", "", f
	}, want: staffOnly(200, 200, 403, 403, 403)},
	{name: "verify", prepare: onComplaint("anonymous", vault.StatusSubmitted, "POST", "/verify", `{"agency":"dinkes","note":"lengkap"}`),
		want: staffOnly(200, 403, 403, 403, 403)},
	{name: "archive", prepare: onComplaint("anonymous", vault.StatusSubmitted, "POST", "/archive", `{"reason":"spam"}`),
		want: staffOnly(200, 403, 403, 403, 403)},
	{name: "hold", prepare: onComplaint("anonymous", vault.StatusSubmitted, "POST", "/hold", `{"note":"mohon lokasi"}`),
		want: staffOnly(200, 403, 403, 403, 403)},
	{name: "forward", prepare: onComplaint("anonymous", vault.StatusDispatched, "POST", "/forward", `{"agency":"dpupr","note":"bukan kami"}`),
		want: staffOnly(200, 200, 403, 403, 403)},
	{name: "respond", prepare: onComplaint("anonymous", vault.StatusDispatched, "POST", "/responses", `{"body":"Sedang kami cek."}`),
		want: staffOnly(403, 200, 403, 403, 403)},
	{name: "close", prepare: onComplaint("anonymous", vault.StatusResolved, "POST", "/close", `{}`),
		want: staffOnly(200, 200, 403, 403, 403)},
	{name: "put agency", prepare: fixed("POST", "/api/v1/agencies", `{"id":"dinsos","name":"Dinas Sosial"}`),
		want: staffOnly(200, 403, 403, 403, 403)},
	{name: "put category", prepare: fixed("POST", "/api/v1/categories", `{"id":"sosial","name":"Sosial"}`),
		want: staffOnly(200, 403, 403, 403, 403)},
	{name: "audit checkpoint", prepare: func(h *harness) (string, string, string, fixture) {
		h.signCheckpoint()
		return "GET", "/api/v1/audit/checkpoint", "", fixture{}
	}, def: 200},
	{name: "audit entries", prepare: fixed("GET", "/api/v1/audit/entries?start=0&end=5", ""), def: 200},
	{name: "audit inclusion proof", prepare: func(h *harness) (string, string, string, fixture) {
		h.signCheckpoint()
		return "GET", "/api/v1/audit/proof?index=0", "", fixture{}
	}, def: 200},
	{name: "audit consistency proof", prepare: func(h *harness) (string, string, string, fixture) {
		h.signCheckpoint()
		return "GET", "/api/v1/audit/proof?old=1&size=2", "", fixture{}
	}, def: 200},
	{name: "backup", prepare: fixed("GET", "/api/v1/backup", ""), want: staffOnly(200, 403, 403, 403, 403)},
	{name: "list users", prepare: fixed("GET", "/api/v1/users", ""), want: staffOnly(200, 403, 403, 403, 403)},
	{name: "add user", prepare: func(h *harness) (string, string, string, fixture) {
		body := fmt.Sprintf(`{"username":"staf%d","password":"a long enough password","role":"officer"}`, userSeq.Add(1))
		return "POST", "/api/v1/users", body, fixture{}
	}, want: staffOnly(201, 403, 403, 403, 403)},
	{name: "stats", prepare: fixed("GET", "/api/v1/stats?by=agency", ""), def: 200},
	{name: "stats csv", prepare: fixed("GET", "/api/v1/stats.csv?by=status&from=2026-01-01", ""), def: 200},
	{name: "open311 services", prepare: fixed("GET", "/open311/v2/services.json", ""), def: 200},
	{name: "open311 requests", prepare: onOpen311("public", "/open311/v2/requests.json"), def: 200},
	{name: "open311 request public", prepare: onOpen311("public", "/open311/v2/requests/{id}.json"), def: 200},
	{name: "open311 request confidential", prepare: onOpen311("confidential", "/open311/v2/requests/{id}.json"), def: 404},
	{name: "open311 request anonymous", prepare: onOpen311("anonymous", "/open311/v2/requests/{id}.json"), def: 404},
	{name: "open311 submit", prepare: fixed("POST", "/open311/v2/requests.json",
		`{"service_code":"kesehatan","description":"Jalan berlubang di depan SD.","attribute[region]":"kab-sleman"}`), def: 201},
	{name: "open311 submit with identity", prepare: fixed("POST", "/open311/v2/requests.json",
		`{"service_code":"kesehatan","description":"Jalan berlubang.","attribute[region]":"kab-sleman","email":"sulastri.w@example.id"}`), def: 400},
}

// Citizen web pages: public, whatever the credentials.
var webMatrix = []matrixRow{
	{name: "web home", prepare: fixed("GET", "/", ""), def: 200},
	{name: "web stylesheet", prepare: fixed("GET", "/static/kotak.css", ""), def: 200},
	{name: "web form", prepare: fixed("GET", "/lapor", ""), def: 200},
	{name: "web preview", form: true, prepare: fixed("POST", "/lapor/pratinjau", webSubmitForm), def: 200},
	{name: "web submit", form: true, prepare: fixed("POST", "/lapor", webSubmitForm+"&step=send"), def: 201},
	{name: "web track form", prepare: fixed("GET", "/lacak", ""), def: 200},
	{name: "web track", form: true, prepare: func(h *harness) (string, string, string, fixture) {
		f := h.complaintIn("confidential", vault.StatusInProgress)
		return "POST", "/lacak", url.Values{"receipt": {f.receipt}}.Encode(), f
	}, def: 200},
	{name: "web track wrong receipt", form: true, prepare: fixed("POST", "/lacak", "receipt=0000+0000+0000+0000+0000"), def: 400},
	{name: "web reply", form: true, prepare: func(h *harness) (string, string, string, fixture) {
		f := h.complaintIn("public", vault.StatusDispatched)
		return "POST", "/lacak/balas", url.Values{"receipt": {f.receipt}, "body": {"Saya Sulastri menambahkan foto."}}.Encode(), f
	}, def: 200},
	{name: "web rate", form: true, prepare: func(h *harness) (string, string, string, fixture) {
		f := h.complaintIn("anonymous", vault.StatusResolved)
		return "POST", "/lacak/nilai", url.Values{"receipt": {f.receipt}, "score": {"5"}}.Encode(), f
	}, def: 200},
}

const webSubmitForm = "title=Jalan+rusak&body=Jalan+berlubang+di+depan+SD.&category=kesehatan&region=kab-sleman&privacy=anonymous"

// TestAuthorizationMatrix checks every endpoint against every principal:
// the status of each cell, and that no cell returns the reporter's
// identity unless the row allows that principal to see it.
func TestAuthorizationMatrix(t *testing.T) {
	h := newHarness(t)
	for _, row := range append(slices.Clone(matrix), webMatrix...) {
		for _, p := range principals {
			t.Run(row.name+"/"+p, func(t *testing.T) {
				h.t = t
				method, path, body, f := row.prepare(h)
				auth := ""
				switch p {
				case "none":
				case "receipt":
					auth = "Receipt " + f.receipt
					if f.receipt == "" {
						// Rows without a complaint: any well-formed receipt.
						auth = "Receipt " + h.submit("anonymous").receipt
					}
				default:
					auth = h.bearer(p)
					if row.name == "logout" {
						auth = "Bearer " + h.login(userOf(p))
					}
				}
				var code int
				var resBody string
				if row.multipart {
					res := h.uploadAuth(auth, pngBytes(t))
					code, resBody = res.Code, res.Body.String()
				} else if row.form {
					res := h.formAuth(path, body, auth)
					code, resBody = res.Code, res.Body.String()
				} else {
					res := h.do(method, path, body, auth)
					code, resBody = res.Code, res.Body.String()
				}
				want, ok := row.want[p]
				if !ok {
					want = row.def
				}
				if code != want {
					t.Fatalf("%s %s as %s: got %d, want %d: %s", method, path, p, code, want, resBody)
				}
				reveal := false
				for _, m := range row.mayReveal {
					reveal = reveal || m == p
				}
				if !reveal {
					for _, piece := range identityPieces {
						if strings.Contains(resBody, piece) {
							t.Fatalf("%s %s as %s leaked an identity piece", method, path, p)
						}
					}
				} else if code == http.StatusOK && !strings.Contains(resBody, "3404014505880003") {
					t.Fatalf("contact details missing for the handling agency")
				}
			})
		}
	}
}

// formAuth posts an urlencoded form with an Authorization header ("" for
// none), which the web pages ignore.
func (h *harness) formAuth(path, body, auth string) *httptest.ResponseRecorder {
	h.t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	h.srv.Handler().ServeHTTP(rec, req)
	return rec
}

func userOf(label string) string {
	for _, u := range harnessUsers {
		if u.label == label {
			return u.username
		}
	}
	return ""
}
