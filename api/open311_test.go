package api

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"kotak/vault"
	"kotak/vault/directory"
)

// o311Post sends a submission with the given content type.
func (h *harness) o311Post(contentType, body string) *httptest.ResponseRecorder {
	h.t.Helper()
	req := httptest.NewRequest("POST", "/open311/v2/requests.json", strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.srv.Handler().ServeHTTP(rec, req)
	return rec
}

// total counts the complaints the vault holds.
func (h *harness) total() int {
	h.t.Helper()
	counts, err := h.v.CountByStatus()
	if err != nil {
		h.t.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// geoErr decodes a GeoReport error answer and checks its shape.
func (h *harness) geoErr(res *httptest.ResponseRecorder, status int, field string) geoError {
	h.t.Helper()
	if res.Code != status {
		h.t.Fatalf("got %d, want %d: %s", res.Code, status, res.Body)
	}
	var out []geoError
	h.decode(res, &out)
	if len(out) != 1 || out[0].Code != status || out[0].Description == "" {
		h.t.Fatalf("not a GeoReport error: %s", res.Body)
	}
	if out[0].Field != field {
		h.t.Fatalf("field %q, want %q: %s", out[0].Field, field, res.Body)
	}
	if field != "" && !strings.HasPrefix(out[0].Description, field+": ") {
		h.t.Fatalf("description does not name %s: %s", field, res.Body)
	}
	return out[0]
}

const o311Form = "service_code=kesehatan&attribute%5Bregion%5D=kab-sleman&description="

func TestOpen311Services(t *testing.T) {
	h := newHarness(t)
	res := h.do("GET", "/open311/v2/services.json", "", "")
	if res.Code != http.StatusOK {
		t.Fatalf("%d %s", res.Code, res.Body)
	}
	var got []map[string]any
	h.decode(res, &got)
	want := map[string]any{"service_code": "kesehatan", "service_name": "Kesehatan", "description": "Kesehatan",
		"metadata": false, "type": "realtime", "keywords": "", "group": ""}
	if len(got) != 1 || len(got[0]) != len(want) {
		t.Fatalf("services: %s", res.Body)
	}
	for k, v := range want {
		if got[0][k] != v {
			t.Errorf("%s = %v, want %v", k, got[0][k], v)
		}
	}
}

func TestOpen311Submit(t *testing.T) {
	tests := []struct {
		name, ct, body        string
		wantTitle, wantRegion string
	}{
		{"form", "application/x-www-form-urlencoded",
			o311Form + url.QueryEscape("Lampu jalan mati\nSudah dua minggu gelap di depan pasar."),
			"Lampu jalan mati", "kab-sleman"},
		{"form with charset and ignored fields", "application/x-www-form-urlencoded; charset=utf-8",
			"jurisdiction_id=kotak&api_key=x&" + o311Form + url.QueryEscape("\n\n  Sampah menumpuk  \nbau"),
			"Sampah menumpuk", "kab-sleman"},
		{"json", "application/json",
			`{"service_code":"kesehatan","description":"Obat kosong di puskesmas","attribute[region]":"kota-yogyakarta"}`,
			"Obat kosong di puskesmas", "kota-yogyakarta"},
		{"long first line cut to 80 runes", "application/x-www-form-urlencoded",
			o311Form + url.QueryEscape(strings.Repeat("é", 100)), strings.Repeat("é", 80), "kab-sleman"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			res := h.o311Post(tc.ct, tc.body)
			if res.Code != http.StatusCreated {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
			var out []map[string]string
			h.decode(res, &out)
			if len(out) != 1 || !vault.ValidID(out[0]["service_request_id"]) || out[0]["receipt"] == "" || out[0]["service_notice"] == "" {
				t.Fatalf("answer: %s", res.Body)
			}
			// The receipt reaches the submitter and opens the complaint.
			tr := h.do("GET", "/api/v1/track", "", "Receipt "+out[0]["receipt"])
			if tr.Code != http.StatusOK {
				t.Fatalf("track: %d %s", tr.Code, tr.Body)
			}
			var cv vault.Complaint
			h.decode(tr, &cv)
			if cv.ID != out[0]["service_request_id"] || cv.Privacy != vault.PrivacyAnonymous || cv.Channel != vault.ChannelAPI ||
				cv.Category != "kesehatan" || cv.Region != tc.wantRegion || cv.Title != tc.wantTitle {
				t.Fatalf("stored complaint: %+v", cv)
			}
			// Anonymous: never listed, never shown publicly.
			if res := h.do("GET", "/open311/v2/requests/"+cv.ID+".json", "", ""); res.Code != http.StatusNotFound {
				t.Fatalf("anonymous submission shown publicly: %d", res.Code)
			}
		})
	}
}

func TestOpen311SubmitRefusesIdentity(t *testing.T) {
	h := newHarness(t)
	secret := "sulastri.w@example.id"
	for _, f := range o311IdentityFields {
		for _, enc := range []string{"form", "json", "json number"} {
			t.Run(f+"/"+enc, func(t *testing.T) {
				h.t = t
				before := h.total()
				var res *httptest.ResponseRecorder
				switch enc {
				case "form":
					res = h.o311Post("application/x-www-form-urlencoded",
						o311Form+"Jalan+rusak&"+url.QueryEscape(f)+"="+url.QueryEscape(secret))
				case "json":
					res = h.o311Post("application/json", `{"service_code":"kesehatan","description":"Jalan rusak","attribute[region]":"kab-sleman",`+
						`"`+f+`":"`+secret+`"}`)
				default:
					res = h.o311Post("application/json", `{"`+f+`":-7.7,"service_code":"kesehatan","description":"Jalan rusak","attribute[region]":"kab-sleman"}`)
				}
				h.geoErr(res, http.StatusBadRequest, f)
				if strings.Contains(res.Body.String(), secret) {
					t.Fatal("the refused value was echoed")
				}
				if after := h.total(); after != before {
					t.Fatalf("a refused submission was stored: %d → %d", before, after)
				}
			})
		}
	}
	if strings.Contains(h.logs.String(), secret) {
		t.Fatal("an identity value reached the log")
	}
}

func TestOpen311SubmitRefusals(t *testing.T) {
	form := "application/x-www-form-urlencoded"
	tests := []struct {
		name, ct, body string
		status         int
		field          string
	}{
		{"no service_code", form, "attribute%5Bregion%5D=kab-sleman&description=x", 400, "service_code"},
		{"unknown service_code", form, "service_code=air&attribute%5Bregion%5D=kab-sleman&description=x", 400, "service_code"},
		{"no description", form, "service_code=kesehatan&attribute%5Bregion%5D=kab-sleman", 400, "description"},
		{"blank description", form, o311Form + "+%0A+", 400, "description"},
		{"description too long", form, o311Form + strings.Repeat("a", vault.MaxBody+1), 400, "description"},
		{"no region and no default", form, "service_code=kesehatan&description=x", 400, "attribute[region]"},
		{"malformed region", form, "service_code=kesehatan&attribute%5Bregion%5D=Kab+Sleman&description=x", 400, "attribute[region]"},
		{"unknown field", form, o311Form + "x&title=y", 400, "title"},
		{"unknown attribute", form, o311Form + "x&attribute%5Bemail%5D=y", 400, "attribute[email]"},
		{"duplicate field", form, o311Form + "x&description=y", 400, "description"},
		{"bad escape", form, o311Form + "%zz", 400, ""},
		{"semicolon separator", form, o311Form + "x;a=b", 400, ""},
		{"invalid UTF-8", form, o311Form + "%ff%fe", 400, "description"},
		{"control character", form, o311Form + "a%00b", 400, "description"},
		{"json not an object", "application/json", `["kesehatan"]`, 400, ""},
		{"json null", "application/json", `null`, 400, ""},
		{"json number value", "application/json", `{"service_code":7,"description":"x","attribute[region]":"kab-sleman"}`, 400, "service_code"},
		{"json duplicate", "application/json", `{"service_code":"kesehatan","description":"x","description":"y","attribute[region]":"kab-sleman"}`, 400, "description"},
		{"json trailing data", "application/json", `{"service_code":"kesehatan","description":"x","attribute[region]":"kab-sleman"} {}`, 400, ""},
		{"text/plain", "text/plain", o311Form + "x", 415, ""},
		{"no content type", "", o311Form + "x", 415, ""},
		{"multipart", "multipart/form-data; boundary=x", "--x--", 415, ""},
		{"too large", form, o311Form + strings.Repeat("a", 70<<10), 413, ""},
	}
	h := newHarness(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			before := h.total()
			h.geoErr(h.o311Post(tc.ct, tc.body), tc.status, tc.field)
			if after := h.total(); after != before {
				t.Fatalf("a refused submission was stored: %d → %d", before, after)
			}
		})
	}
}

func TestOpen311DefaultRegion(t *testing.T) {
	h := newHarness(t)
	if err := h.srv.SetOpen311Region("Kab Sleman"); err != ErrOpen311Region {
		t.Fatalf("malformed region: %v", err)
	}
	if err := h.srv.SetOpen311Region("kab-bantul"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ body, region string }{
		{"service_code=kesehatan&description=Jembatan+putus", "kab-bantul"},
		{o311Form + "Jembatan+putus", "kab-sleman"}, // attribute[region] wins
	} {
		res := h.o311Post("application/x-www-form-urlencoded", tc.body)
		if res.Code != http.StatusCreated {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		var out []struct{ Receipt string }
		h.decode(res, &out)
		var cv vault.Complaint
		h.decode(h.do("GET", "/api/v1/track", "", "Receipt "+out[0].Receipt), &cv)
		if cv.Region != tc.region {
			t.Fatalf("region %q, want %q", cv.Region, tc.region)
		}
	}
	// Another server keeps its own setting.
	if r := newHarness(t).srv.open311Region(); r != "" {
		t.Fatalf("default leaked to another server: %q", r)
	}
}

// TestOpen311SharesSubmitRateLimit: POST requests.json and POST
// /api/v1/complaints draw on one budget per client.
func TestOpen311SharesSubmitRateLimit(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.SubmitRate = 2 })
	h.submit("anonymous")
	if res := h.o311Post("application/x-www-form-urlencoded", o311Form+"Jalan+rusak"); res.Code != http.StatusCreated {
		t.Fatalf("second submission: %d %s", res.Code, res.Body)
	}
	before := h.total()
	h.geoErr(h.o311Post("application/x-www-form-urlencoded", o311Form+"Jalan+rusak"), http.StatusTooManyRequests, "")
	if res := h.do("POST", "/api/v1/complaints", submitJSON, ""); res.Code != http.StatusTooManyRequests {
		t.Fatalf("the v1 submission is not limited after Open311 ones: %d", res.Code)
	}
	if h.total() != before {
		t.Fatal("a limited submission was stored")
	}
}

type geoList []geoRequest

func (h *harness) o311List(query string) (geoList, *httptest.ResponseRecorder) {
	h.t.Helper()
	res := h.do("GET", "/open311/v2/requests.json"+query, "", "")
	if res.Code != http.StatusOK {
		h.t.Fatalf("list %s: %d %s", query, res.Code, res.Body)
	}
	var out geoList
	h.decode(res, &out)
	return out, res
}

func (l geoList) ids() map[string]string {
	m := map[string]string{}
	for _, r := range l {
		m[r.ServiceRequestID] = r.Status
	}
	return m
}

func TestOpen311ListOnlyPublic(t *testing.T) {
	h := newHarness(t)
	pubOpen := h.complaintIn("public", vault.StatusInProgress)
	pubDone := h.complaintIn("public", vault.StatusResolved)
	hidden := []fixture{
		h.complaintIn("public", vault.StatusSubmitted),
		h.complaintIn("confidential", vault.StatusInProgress),
		h.complaintIn("anonymous", vault.StatusDispatched),
		h.o311Submitted(),
	}
	all, res := h.o311List("")
	if got := all.ids(); len(got) != 2 || got[pubOpen.id] != "open" || got[pubDone.id] != "closed" {
		t.Fatalf("listed %v", got)
	}
	if res.Header().Get("Link") != "" {
		t.Fatal("a next link on the only page")
	}
	for _, piece := range identityPieces {
		if strings.Contains(res.Body.String(), piece) {
			t.Fatalf("the public list leaked an identity piece")
		}
	}
	for _, f := range hidden {
		if r := h.do("GET", "/open311/v2/requests/"+f.id+".json", "", ""); r.Code != http.StatusNotFound {
			t.Fatalf("non-public complaint shown: %d", r.Code)
		}
		if l, _ := h.o311List("?service_request_id=" + f.id); len(l) != 0 {
			t.Fatal("non-public complaint listed by id")
		}
	}
	// The shape of one request, redacted.
	var one []geoRequest
	r := h.do("GET", "/open311/v2/requests/"+pubDone.id+".json", "", "")
	if r.Code != http.StatusOK {
		t.Fatalf("%d %s", r.Code, r.Body)
	}
	h.decode(r, &one)
	g := one[0]
	if len(one) != 1 || g.ServiceRequestID != pubDone.id || g.Status != "closed" || g.ServiceCode != "kesehatan" ||
		g.ServiceName != "Kesehatan" || g.AgencyResponsible != "Dinas Kesehatan" || g.StatusNotes != "Sudah selesai." ||
		!strings.Contains(g.Description, "menunggu lima jam") || g.ExpectedDatetime != "" {
		t.Fatalf("request: %+v", g)
	}
	for _, ts := range []string{g.RequestedDatetime, g.UpdatedDatetime} {
		if _, err := time.Parse(time.RFC3339, ts); err != nil || strings.Contains(ts, ".") {
			t.Fatalf("datetime %q", ts)
		}
	}
	for _, piece := range identityPieces {
		if strings.Contains(r.Body.String(), piece) {
			t.Fatalf("the public detail leaked an identity piece")
		}
	}
	var raw []map[string]any
	h.decode(r, &raw)
	for _, k := range []string{"address", "lat", "long", "media_url", "address_id", "email", "phone"} {
		if _, ok := raw[0][k]; ok {
			t.Fatalf("field %s given", k)
		}
	}
	if l, _ := h.o311List("?service_request_id=" + pubOpen.id + "," + pubDone.id); len(l) != 2 || l[0].ExpectedDatetime == "" {
		t.Fatalf("by id: %+v", l)
	}
}

// o311Submitted is an anonymous complaint submitted through Open311 and
// dispatched.
func (h *harness) o311Submitted() fixture {
	h.t.Helper()
	res := h.o311Post("application/x-www-form-urlencoded", o311Form+"Pungli+di+kantor+kelurahan")
	if res.Code != http.StatusCreated {
		h.t.Fatalf("submit: %d %s", res.Code, res.Body)
	}
	var out []geoCreated
	h.decode(res, &out)
	h.step("POST", "/api/v1/complaints/"+out[0].ServiceRequestID+"/verify", `{"agency":"dinkes","note":"ok"}`, "admin")
	return fixture{out[0].ServiceRequestID, out[0].Receipt}
}

func TestOpen311ListFilters(t *testing.T) {
	h := newHarness(t)
	if err := h.dirs.PutCategory(directory.Category{ID: "jalan", Name: "Jalan"}); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-time.Second)
	open1 := h.complaintIn("public", vault.StatusDispatched)
	done := h.complaintIn("public", vault.StatusResolved)
	open2 := h.complaintIn("public", vault.StatusInProgress)
	end := time.Now().Add(time.Second)
	ts := func(t time.Time) string { return url.QueryEscape(t.Format(time.RFC3339Nano)) }
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{open2.id, done.id, open1.id}},
		{"?status=open", []string{open2.id, open1.id}},
		{"?status=closed", []string{done.id}},
		{"?status=open,closed", []string{open2.id, done.id, open1.id}},
		{"?service_code=kesehatan", []string{open2.id, done.id, open1.id}},
		{"?service_code=jalan", nil},
		{"?service_code=jalan,kesehatan&status=closed", []string{done.id}},
		{"?start_date=" + ts(start) + "&end_date=" + ts(end), []string{open2.id, done.id, open1.id}},
		{"?start_date=" + ts(end), nil},
		{"?end_date=" + ts(start), nil},
		{"?jurisdiction_id=kotak&limit=100", []string{open2.id, done.id, open1.id}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			h.t = t
			l, _ := h.o311List(tc.query)
			if len(l) != len(tc.want) {
				t.Fatalf("got %d items, want %d", len(l), len(tc.want))
			}
			for i, id := range tc.want {
				if l[i].ServiceRequestID != id {
					t.Fatalf("item %d: %s, want %s", i, l[i].ServiceRequestID, id)
				}
			}
		})
	}
}

func TestOpen311ListPages(t *testing.T) {
	h := newHarness(t)
	var want []string
	for range 3 {
		want = append([]string{h.complaintIn("public", vault.StatusDispatched).id}, want...)
	}
	h.complaintIn("confidential", vault.StatusDispatched)
	var got []string
	query := "?limit=1&status=open"
	for pages := 0; query != ""; pages++ {
		if pages > 4 {
			t.Fatal("pages do not end")
		}
		l, res := h.o311List(query)
		for _, r := range l {
			got = append(got, r.ServiceRequestID)
		}
		query = ""
		if link := res.Header().Get("Link"); link != "" {
			u, ok := strings.CutPrefix(link, "</open311/v2/requests.json")
			u, ok2 := strings.CutSuffix(u, `>; rel="next"`)
			if !ok || !ok2 {
				t.Fatalf("link %q", link)
			}
			if p, err := url.ParseQuery(u[1:]); err != nil || p.Get("status") != "open" || p.Get("limit") != "1" || p.Get("cursor") == "" {
				t.Fatalf("link %q does not keep the query", link)
			}
			query = u
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("pages gave %v, want %v", got, want)
	}
}

func TestOpen311QueryRefusals(t *testing.T) {
	h := newHarness(t)
	tests := []struct{ query, field string }{
		{"?lat=1", "lat"},
		{"?page=2", "page"},
		{"?status=open&status=closed", "status"},
		{"?status=pending", "status"},
		{"?status=open,", "status"},
		{"?service_code=Kesehatan", "service_code"},
		{"?service_code=air", "service_code"},
		{"?start_date=2024-01-01", "start_date"},
		{"?end_date=yesterday", "end_date"},
		{"?start_date=2024-02-01T00:00:00Z&end_date=2024-01-01T00:00:00Z", "end_date"},
		{"?limit=0", "limit"},
		{"?limit=101", "limit"},
		{"?limit=x", "limit"},
		{"?cursor=AAAA", "cursor"},
		{"?service_request_id=KTK-1", "service_request_id"},
		{"?service_request_id=" + strings.Repeat("KTK-55N3A4902CM1G,", 21), "service_request_id"},
		{"?status=%ff", "status"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			h.t = t
			h.geoErr(h.do("GET", "/open311/v2/requests.json"+tc.query, "", ""), http.StatusBadRequest, tc.field)
		})
	}
}

func TestOpen311NotFoundAndMethods(t *testing.T) {
	h := newHarness(t)
	f := h.complaintIn("public", vault.StatusDispatched)
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/open311/v2/requests/" + f.id, 404},
		{"GET", "/open311/v2/requests/" + f.id + ".xml", 404},
		{"GET", "/open311/v2/requests/KTK-1.json", 404},
		{"GET", "/open311/v2/requests/KTK-AAAAAAAAAAAAA.json", 404},
		{"GET", "/open311/v2/services.xml", 404},
		{"GET", "/open311/v2/services/kesehatan.json", 404},
		{"GET", "/open311/v2/discovery.json", 404},
		{"PUT", "/open311/v2/requests.json", 405},
		{"DELETE", "/open311/v2/requests/" + f.id + ".json", 405},
		{"POST", "/open311/v2/services.json", 405},
	} {
		h.geoErr(h.do(tc.method, tc.path, "", ""), tc.status, "")
	}
}

// TestO311Title: the derived title is the first non-empty line, at most
// 80 runes, trimmed.
func TestO311Title(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"satu baris", "satu baris"},
		{"\r\n  \n baris dua \r\nbaris tiga", "baris dua"},
		{strings.Repeat("ab ", 40), strings.TrimSpace(strings.Repeat("ab ", 27))},
		{" \n\t\n", ""},
	} {
		if got := (o311Submission{Description: tc.in}).title(); got != tc.want {
			t.Errorf("title(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzO311Submission: whatever the body, the parser answers without
// panicking, an error names no more than a bounded field, and an accepted
// submission holds no identity field and a usable title.
func FuzzO311Submission(f *testing.F) {
	f.Add(false, []byte(o311Form+"Jalan+rusak"))
	f.Add(false, []byte(o311Form+"x&email=a%40b.id"))
	f.Add(false, []byte(o311Form+"x&description=y"))
	f.Add(false, []byte("%zz=1&;"))
	f.Add(false, []byte("service_code=kesehatan&description=%ff"))
	f.Add(true, []byte(`{"service_code":"kesehatan","description":"x","attribute[region]":"kab-sleman"}`))
	f.Add(true, []byte(`{"lat":-7.7,"long":110.3}`))
	f.Add(true, []byte(`{"description":"a","description":"b"}`))
	f.Add(true, []byte(`{"service_code":[1,{"a":null}]}`))
	f.Fuzz(func(t *testing.T, isJSON bool, raw []byte) {
		mt := echoMIMEForm
		if isJSON {
			mt = echoMIMEJSON
		}
		sub, e := parseO311Submission(mt, raw)
		if e != nil {
			if e.Status < 400 || e.Status > 499 || utf8.RuneCountInString(e.Field) > 41 || e.Message == "" {
				t.Fatalf("error %+v", e)
			}
			return
		}
		if sub.ServiceCode == "" || strings.TrimSpace(sub.Description) == "" {
			t.Fatal("accepted without a required field")
		}
		if ti := sub.title(); ti == "" || utf8.RuneCountInString(ti) > o311TitleRunes || strings.ContainsAny(ti, "\r\n") {
			t.Fatalf("title %q", ti)
		}
		// An accepted body holds no identity field in either encoding.
		var keys []string
		if isJSON {
			var m map[string]json.RawMessage
			_ = json.Unmarshal(raw, &m)
			for k := range m {
				keys = append(keys, k)
			}
		} else {
			v, _ := url.ParseQuery(string(raw))
			for k := range v {
				keys = append(keys, k)
			}
		}
		for _, k := range keys {
			if oneOf(k, o311IdentityFields...) {
				t.Fatalf("identity field %s accepted", k)
			}
		}
	})
}

// FuzzO311Query: whatever the query, the parser answers without panicking
// and an accepted query is within bounds.
func FuzzO311Query(f *testing.F) {
	for _, s := range []string{"", "status=open,closed&limit=5", "start_date=2024-01-01T00:00:00Z&end_date=2024-02-01T00:00:00%2B07:00",
		"service_request_id=KTK-55N3A4902CM1G", "status=open&status=open", "limit=-1", "service_code=a,b,,c", "x=%ff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, e := parseO311Query(v)
		if e != nil {
			if e.Status != http.StatusBadRequest || e.Field == "" {
				t.Fatalf("error %+v", e)
			}
			return
		}
		if q.Limit < 1 || q.Limit > vault.MaxPageSize || len(q.IDs) > o311MaxList || len(q.ServiceCodes) > o311MaxList {
			t.Fatalf("out of bounds: %+v", q)
		}
		if !q.Start.IsZero() && !q.End.IsZero() && q.End.Before(q.Start) {
			t.Fatal("end before start accepted")
		}
	})
}

// onOpen311 prepares an authorization-matrix row: a complaint of the given
// privacy in progress, and a GET of path ({id} stands for its id).
func onOpen311(privacy, path string) func(*harness) (string, string, string, fixture) {
	return func(h *harness) (string, string, string, fixture) {
		f := h.complaintIn(privacy, vault.StatusInProgress)
		return "GET", strings.ReplaceAll(path, "{id}", f.id), "", f
	}
}

// BenchmarkOpen311 compares, in one run, each Open311 request with the
// request of the JSON API it builds on: a submission (form-encoded) with
// POST /api/v1/complaints, and a list of 20 public complaints with their
// descriptions with the vault's public page of 20 summaries (no text).
func BenchmarkOpen311(b *testing.B) {
	h := newHarness(b)
	h.t = b
	for range 40 {
		h.complaintIn("public", vault.StatusDispatched)
	}
	serve := func(b *testing.B, method, path, ct, body string, want int) {
		for b.Loop() {
			var r io.Reader
			if body != "" {
				r = strings.NewReader(body)
			}
			req := httptest.NewRequest(method, path, r)
			if ct != "" {
				req.Header.Set("Content-Type", ct)
			}
			rec := httptest.NewRecorder()
			h.srv.Handler().ServeHTTP(rec, req)
			if rec.Code != want {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	}
	b.Run("submit/v1-json", func(b *testing.B) {
		serve(b, "POST", "/api/v1/complaints", "application/json", submitJSON, 201)
	})
	b.Run("submit/open311-form", func(b *testing.B) {
		serve(b, "POST", "/open311/v2/requests.json", "application/x-www-form-urlencoded", o311Form+"Jalan+berlubang+di+depan+SD.", 201)
	})
	b.Run("list20/vault-public-summaries", func(b *testing.B) {
		for b.Loop() {
			if p, err := h.v.List(publicActor, vault.Filter{Limit: 20}); err != nil || len(p.Items) != 20 {
				b.Fatal(err)
			}
		}
	})
	b.Run("list20/open311", func(b *testing.B) {
		serve(b, "GET", "/open311/v2/requests.json?limit=20", "", "", 200)
	})
}
