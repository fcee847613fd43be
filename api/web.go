package api

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"kotak/vault"
	"kotak/vault/directory"
	"kotak/vault/redact"
)

// The citizen web pages: server-rendered HTML that works with JavaScript
// disabled, Bahasa Indonesia first and English on request (?lang=en or the
// lang cookie). Pages load one stylesheet from /static/kotak.css and
// nothing else, so they pass the server's Content-Security-Policy.
//
// The receipt appears only in the body of the page that shows it (the
// receipt page once, and hidden fields of the tracking page's forms); it
// never goes into a URL, a redirect or a log line. Forms are
// application/x-www-form-urlencoded and checked as strictly as the JSON
// API: each field at most once, no unknown fields, valid UTF-8.

//go:embed web/*.html web/kotak.css
var webFiles embed.FS

// webPages are the page templates, each parsed with the layout.
var webPages = []string{"home", "form", "preview", "receipt", "track_form", "track", "error"}

// webUI holds the parsed templates and the stylesheet.
type webUI struct {
	pages map[string]*template.Template
	css   []byte
}

func newWebUI() (*webUI, error) {
	ui := &webUI{pages: map[string]*template.Template{}}
	for _, p := range webPages {
		t, err := template.New("layout").ParseFS(webFiles, "web/layout.html", "web/errors.html", "web/"+p+".html")
		if err != nil {
			return nil, err
		}
		ui.pages[p] = t
	}
	css, err := webFiles.ReadFile("web/kotak.css")
	if err != nil {
		return nil, err
	}
	ui.css = css
	return ui, nil
}

// webRoutes registers the citizen pages. submitRL and trackRL are the
// API's submission and tracking limiters: a client's budget is shared
// between the JSON API and the pages.
func (s *Server) webRoutes(e *echo.Echo, submitRL, trackRL echo.MiddlewareFunc) {
	ui, err := newWebUI()
	if err != nil {
		// The templates are embedded and tested: this is a build defect.
		panic("kotak: web templates: " + err.Error())
	}
	w := &web{s: s, ui: ui}
	// Percent-encoding may triple the size of non-ASCII text.
	formLimit := bodyLimit(3 * s.cfg.BodyLimit)

	e.GET("/", w.home, w.pageErrors)
	e.GET("/static/kotak.css", w.stylesheet)
	e.GET("/lapor", w.form, w.pageErrors)
	e.POST("/lapor/pratinjau", w.preview, w.pageErrors, submitRL, formLimit)
	e.POST("/lapor", w.submit, w.pageErrors, submitRL, formLimit)
	e.GET("/lacak", w.trackForm, w.pageErrors)
	e.POST("/lacak", w.track, w.pageErrors, trackRL, formLimit)
	e.POST("/lacak/balas", w.reply, w.pageErrors, trackRL, formLimit)
	e.POST("/lacak/nilai", w.rate, w.pageErrors, trackRL, formLimit)
}

type web struct {
	s  *Server
	ui *webUI
}

// ---- language and rendering ----

type lang string

const (
	langID lang = "id"
	langEN lang = "en"
)

const langCookie = "lang"

// language picks the page language: a valid ?lang= (which is also
// remembered in the lang cookie), else the cookie, else Indonesian.
func (w *web) language(c echo.Context) lang {
	if q := c.QueryParam("lang"); q == string(langID) || q == string(langEN) {
		c.SetCookie(&http.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: w.s.cfg.TLS, SameSite: http.SameSiteLaxMode})
		return lang(q)
	}
	if ck, err := c.Cookie(langCookie); err == nil && ck.Value == string(langEN) {
		return langEN
	}
	return langID
}

// page is what every template sees.
type page struct {
	Lang lang
	// Q is appended to links and form actions to keep English without
	// cookies: "?lang=en" or "".
	Q string
	// Here is the GET page the language switch links to.
	Here string
	tr   map[string]string

	Errors  map[string]string // form field → translated message
	General string            // an error not tied to a field
	Message string            // the error page's message
	Notice  string

	// Submission form and preview.
	F              webSubmission
	Categories     []directory.Category
	Agencies       []directory.Agency
	Modes          []vault.Privacy
	IdentityFields []identityField
	Preview        *vault.Preview
	Hidden         []findingCount
	HiddenFields   []hiddenField
	CategoryName   string
	AgencyName     string

	// Receipt page and tracking.
	Receipt     string
	Submitted   *vault.Submitted
	Complaint   *vault.Complaint
	Deadlines   []deadlineRow
	Disclosures []webDisclosure
	CanReply    bool
	CanRate     bool
	ReplyBody   string
	ScoreValue  string
	Comment     string
	Scores      []int
}

// T translates key; a missing key shows the key itself (a test checks that
// every key the templates use exists in both tables).
func (p *page) T(key string) string {
	if v, ok := p.tr[key]; ok {
		return v
	}
	return key
}

// Tk translates prefix.value, for enumerations such as statuses; a value
// without a translation (a legal basis of a local policy) shows as is.
func (p *page) Tk(prefix string, v any) string {
	val := fmt.Sprint(v)
	if t, ok := p.tr[prefix+"."+val]; ok {
		return t
	}
	return val
}

// Err is the translated error for a form field, or "".
func (p *page) Err(field string) string { return p.Errors[field] }

// wib is the zone deadlines are counted in.
var wib = time.FixedZone("WIB", 7*3600)

var monthsID = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

// Date formats a day in WIB: "5 Maret 2026" / "5 March 2026".
func (p *page) Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(wib)
	month := t.Month().String()
	if p.Lang == langID {
		month = monthsID[t.Month()-1]
	}
	return strconv.Itoa(t.Day()) + " " + month + " " + strconv.Itoa(t.Year())
}

// DateTime formats an instant in WIB.
func (p *page) DateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return p.Date(t) + " " + t.In(wib).Format("15.04") + " WIB"
}

// ISO is an RFC 3339 time for <time datetime>.
func (p *page) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (w *web) newPage(c echo.Context, here string) *page {
	l := w.language(c)
	p := &page{Lang: l, Here: here, tr: webText[l], Errors: map[string]string{}}
	if l == langEN {
		p.Q = "?lang=en"
	}
	return p
}

// render executes a page into memory first, so a template failure is a
// clean 500 and never half a page.
func (w *web) render(c echo.Context, status int, name string, p *page) error {
	t, ok := w.ui.pages[name]
	if !ok {
		return errInternal
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		w.s.log.Error("web template failed", "page", name, "err_type", typeName(err))
		return errInternal
	}
	c.Response().Header().Set("Content-Language", string(p.Lang))
	return c.HTMLBlob(status, b.Bytes())
}

// pageErrors renders any error of a page handler (rate limits, body
// limits, malformed forms, internal errors) as an HTML page in the reader's
// language. Echo's rate limiter reports through Context.Error, so the
// handler chain runs with a context whose Error renders a page too.
func (w *web) pageErrors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(&pageContext{Context: c, w: w})
		if err == nil || c.Response().Committed {
			return err
		}
		return w.renderError(c, err)
	}
}

// pageContext is an echo.Context whose Error answers with an HTML page.
type pageContext struct {
	echo.Context
	w *web
}

func (pc *pageContext) Error(err error) {
	if pc.Response().Committed {
		return
	}
	if rerr := pc.w.renderError(pc.Context, err); rerr != nil {
		pc.Context.Error(rerr)
	}
}

// renderError answers err as an HTML error page. Internal errors are
// logged by type only, as the central error handler does.
func (w *web) renderError(c echo.Context, err error) error {
	ae := classify(w.s.log, c, err, mapVaultError)
	p := w.newPage(c, "/")
	p.Message = p.T("error." + ae.Code)
	if p.Message == "error."+ae.Code {
		p.Message = p.T("error.bad_request")
	}
	return w.render(c, ae.Status, "error", p)
}

func (w *web) stylesheet(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return c.Blob(http.StatusOK, "text/css; charset=utf-8", w.ui.css)
}

func (w *web) home(c echo.Context) error {
	return w.render(c, http.StatusOK, "home", w.newPage(c, "/"))
}

// ---- forms ----

// Form errors. They carry fixed messages and never echo input.
var (
	errFormType      = apiError(http.StatusUnsupportedMediaType, "unsupported_media_type", "send application/x-www-form-urlencoded")
	errFormMalformed = apiError(http.StatusBadRequest, "invalid_form", "the form is malformed")
)

// readForm reads an application/x-www-form-urlencoded request body and
// parses it with parseForm.
func readForm(c echo.Context, allowed ...string) (map[string]string, error) {
	req := c.Request()
	mt, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || mt != echo.MIMEApplicationForm {
		return nil, errFormType
	}
	raw, err := io.ReadAll(req.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errTooLarge
		}
		return nil, errFormMalformed
	}
	f, e := parseForm(raw, allowed...)
	if e != nil {
		return nil, e
	}
	return f, nil
}

// parseForm decodes an urlencoded form body strictly: valid escapes, valid
// UTF-8 names and values, every name one of allowed and given at most once.
// Missing fields read as "". Errors are *Error values naming the field
// (never its value); parseForm never panics, whatever the bytes.
func parseForm(raw []byte, allowed ...string) (map[string]string, *Error) {
	vals, err := url.ParseQuery(string(raw))
	if err != nil {
		return nil, errFormMalformed
	}
	out := make(map[string]string, len(vals))
	for name, vs := range vals {
		if !oneOf(name, allowed...) {
			if !utf8.ValidString(name) || len(name) > 64 {
				return nil, &Error{Status: http.StatusBadRequest, Code: "unknown_field", Message: "unknown field"}
			}
			return nil, &Error{Status: http.StatusBadRequest, Code: "unknown_field", Message: "unknown field", Field: name}
		}
		if len(vs) != 1 {
			return nil, &Error{Status: http.StatusBadRequest, Code: "duplicate_field", Message: "field given more than once", Field: name}
		}
		if !utf8.ValidString(vs[0]) {
			return nil, &Error{Status: http.StatusBadRequest, Code: "invalid_field", Message: "not valid UTF-8", Field: name}
		}
		out[name] = vs[0]
	}
	return out, nil
}

// webSubmission is the submission form's fields, kept to refill the form.
type webSubmission struct {
	Title, Body, Category, Region, Agency, Privacy string
	Name, NIK, Phone, Email, Address               string
}

var submissionFields = []string{"title", "body", "category", "region", "agency", "privacy",
	"name", "nik", "phone", "email", "address"}

func submissionOf(f map[string]string) webSubmission {
	return webSubmission{Title: f["title"], Body: f["body"], Category: f["category"], Region: f["region"],
		Agency: f["agency"], Privacy: f["privacy"], Name: f["name"], NIK: f["nik"], Phone: f["phone"],
		Email: f["email"], Address: f["address"]}
}

func (ws webSubmission) fields() []hiddenField {
	return []hiddenField{{"title", ws.Title}, {"body", ws.Body}, {"category", ws.Category},
		{"region", ws.Region}, {"agency", ws.Agency}, {"privacy", ws.Privacy}, {"name", ws.Name},
		{"nik", ws.NIK}, {"phone", ws.Phone}, {"email", ws.Email}, {"address", ws.Address}}
}

func (ws webSubmission) submission() vault.Submission {
	return vault.Submission{Title: ws.Title, Body: ws.Body, Category: ws.Category, Region: ws.Region,
		Agency: ws.Agency, Privacy: vault.Privacy(ws.Privacy), Channel: vault.ChannelWeb,
		Reporter: redact.Identity{Name: ws.Name, NIK: ws.NIK, Phone: ws.Phone, Email: ws.Email, Address: ws.Address}}
}

type hiddenField struct{ Name, Value string }

type identityField struct{ Name, Type, Auto, Value string }

type findingCount struct {
	Kind  redact.Kind
	Count int
}

// formFieldOf maps a vault input field to the form's field name.
func formFieldOf(f string) string {
	if n, ok := strings.CutPrefix(f, "reporter."); ok {
		return n
	}
	return f
}

// reasonKeys translate the vault's and the API's fixed reasons.
var reasonKeys = map[string]string{
	"required":           "err.required",
	"too long":           "err.too_long",
	"too short":          "err.too_short",
	"not valid UTF-8":    "err.characters",
	"control characters": "err.characters",
	"unknown category":   "err.unknown_category",
	"unknown agency":     "err.unknown_agency",
	"must be 1-64 of a-z, 0-9, '.', '_', '-'":           "err.slug",
	"must be anonymous, confidential or public":         "err.privacy",
	"required unless anonymous":                         "err.name_required",
	"a phone or an e-mail is required unless anonymous": "err.contact_required",
	"must be 20 digits":                                 "err.receipt",
	"must be 1 to 5":                                    "err.score",
	"thread is full":                                    "err.thread_full",
}

func (p *page) setErr(field, reason string) {
	key, ok := reasonKeys[reason]
	if !ok {
		key = "err.invalid"
	}
	if _, dup := p.Errors[field]; !dup {
		p.Errors[field] = p.T(key)
	}
}

// inputError records a vault input error on its form field, or as a
// general error when the field is not on the form. It reports whether err
// was an input error.
func (p *page) inputError(err error, onForm ...string) bool {
	var ie *vault.InputError
	if !errors.As(err, &ie) {
		return false
	}
	f := formFieldOf(ie.Field)
	if oneOf(f, onForm...) {
		p.setErr(f, ie.Reason)
	} else {
		p.General = p.T("err.invalid")
	}
	return true
}

func (w *web) fillForm(p *page, ws webSubmission) error {
	cats, err := w.s.cfg.Directory.Categories()
	if err != nil {
		return err
	}
	ags, err := w.s.cfg.Directory.Agencies()
	if err != nil {
		return err
	}
	p.F, p.Categories, p.Agencies = ws, cats, ags
	p.Modes = []vault.Privacy{vault.PrivacyAnonymous, vault.PrivacyConfidential, vault.PrivacyPublic}
	p.IdentityFields = []identityField{
		{"name", "text", "name", ws.Name}, {"nik", "text", "off", ws.NIK},
		{"phone", "tel", "tel", ws.Phone}, {"email", "email", "email", ws.Email},
		{"address", "text", "street-address", ws.Address},
	}
	return nil
}

func (w *web) form(c echo.Context) error {
	p := w.newPage(c, "/lapor")
	if err := w.fillForm(p, webSubmission{}); err != nil {
		return err
	}
	return w.render(c, http.StatusOK, "form", p)
}

// checkSubmission reports every missing or unknown value it can see at
// once, then lets the vault check the rest (lengths, characters, identity
// rules) through Preview. It returns the preview when all is well.
func (w *web) checkSubmission(p *page, ws webSubmission) (*vault.Preview, error) {
	d := w.s.cfg.Directory
	for _, f := range []struct{ name, v string }{{"title", ws.Title}, {"body", ws.Body},
		{"category", ws.Category}, {"region", ws.Region}, {"privacy", ws.Privacy}} {
		if strings.TrimSpace(f.v) == "" {
			p.setErr(f.name, "required")
		}
	}
	if ws.Category != "" && !d.CategoryExists(ws.Category) {
		p.setErr("category", "unknown category")
	}
	if ws.Agency != "" && !d.AgencyExists(ws.Agency) {
		p.setErr("agency", "unknown agency")
	}
	if ws.Privacy != "" && !vault.Privacy(ws.Privacy).Valid() {
		p.setErr("privacy", "must be anonymous, confidential or public")
	}
	if vault.Privacy(ws.Privacy) == vault.PrivacyConfidential || vault.Privacy(ws.Privacy) == vault.PrivacyPublic {
		if strings.TrimSpace(ws.Name) == "" {
			p.setErr("name", "required unless anonymous")
		}
		if strings.TrimSpace(ws.Phone) == "" && strings.TrimSpace(ws.Email) == "" {
			p.setErr("phone", "a phone or an e-mail is required unless anonymous")
		}
	}
	if len(p.Errors) > 0 {
		return nil, nil
	}
	pv, err := w.s.cfg.Vault.Preview(ws.submission())
	if err != nil {
		if p.inputError(err, submissionFields...) {
			return nil, nil
		}
		return nil, err
	}
	return pv, nil
}

// invalidForm shows the submission form again with its errors and input.
func (w *web) invalidForm(c echo.Context, p *page, ws webSubmission) error {
	if err := w.fillForm(p, ws); err != nil {
		return err
	}
	return w.render(c, http.StatusBadRequest, "form", p)
}

func (w *web) preview(c echo.Context) error {
	f, err := readForm(c, submissionFields...)
	if err != nil {
		return err
	}
	ws := submissionOf(f)
	p := w.newPage(c, "/lapor")
	pv, err := w.checkSubmission(p, ws)
	if err != nil {
		return err
	}
	if pv == nil {
		return w.invalidForm(c, p, ws)
	}
	p.F, p.Preview, p.HiddenFields = ws, pv, ws.fields()
	p.Hidden = countFindings(append(append([]redact.Finding(nil), pv.TitleFindings...), pv.BodyFindings...))
	p.CategoryName = w.categoryName(ws.Category)
	p.AgencyName = w.agencyName(ws.Agency)
	return w.render(c, http.StatusOK, "preview", p)
}

// countFindings counts redactions by kind, in first-seen order.
func countFindings(fs []redact.Finding) []findingCount {
	var out []findingCount
	idx := map[redact.Kind]int{}
	for _, f := range fs {
		i, ok := idx[f.Kind]
		if !ok {
			i = len(out)
			idx[f.Kind] = i
			out = append(out, findingCount{Kind: f.Kind})
		}
		out[i].Count++
	}
	return out
}

func (w *web) submit(c echo.Context) error {
	f, err := readForm(c, append([]string{"step"}, submissionFields...)...)
	if err != nil {
		return err
	}
	ws := submissionOf(f)
	p := w.newPage(c, "/lapor")
	switch f["step"] {
	case "edit":
		if err := w.fillForm(p, ws); err != nil {
			return err
		}
		return w.render(c, http.StatusOK, "form", p)
	case "send":
	default:
		return errFormMalformed
	}
	pv, err := w.checkSubmission(p, ws)
	if err != nil {
		return err
	}
	if pv == nil {
		return w.invalidForm(c, p, ws)
	}
	res, err := w.s.cfg.Vault.Submit(ws.submission())
	if err != nil {
		if p.inputError(err, submissionFields...) {
			return w.invalidForm(c, p, ws)
		}
		return err
	}
	p.Receipt, p.Submitted = res.Receipt, res
	return w.render(c, http.StatusCreated, "receipt", p)
}

func (w *web) categoryName(id string) string {
	cats, err := w.s.cfg.Directory.Categories()
	if err == nil {
		for _, c := range cats {
			if c.ID == id {
				return c.Name
			}
		}
	}
	return id
}

func (w *web) agencyName(id string) string {
	if id == "" {
		return ""
	}
	ags, err := w.s.cfg.Directory.Agencies()
	if err == nil {
		for _, a := range ags {
			if a.ID == id {
				return a.Name
			}
		}
	}
	return id
}

// ---- tracking ----

type deadlineRow struct {
	Key     string
	Due     time.Time
	Overdue bool
}

type webDisclosure struct {
	RequestID, LegalBasis string
	ApprovedAt            time.Time
}

func (w *web) trackForm(c echo.Context) error {
	return w.render(c, http.StatusOK, "track_form", w.newPage(c, "/lacak"))
}

// lookup finds the complaint a receipt names. A malformed and an unknown
// receipt look alike: the tracking form again, with one message (ok false).
func (w *web) lookup(c echo.Context, p *page, rcpt string) (*vault.Complaint, bool, error) {
	cv, err := w.s.cfg.Vault.Track(rcpt)
	if err != nil {
		if receiptError(err) == errUnauthorized {
			p.Receipt = rcpt
			p.Errors["receipt"] = p.T("err.receipt_unknown")
			return nil, false, w.render(c, http.StatusBadRequest, "track_form", p)
		}
		return nil, false, err
	}
	return cv, true, nil
}

func (w *web) track(c echo.Context) error {
	f, err := readForm(c, "receipt")
	if err != nil {
		return err
	}
	p := w.newPage(c, "/lacak")
	if strings.TrimSpace(f["receipt"]) == "" {
		p.Errors["receipt"] = p.T("err.required")
		return w.render(c, http.StatusBadRequest, "track_form", p)
	}
	cv, ok, err := w.lookup(c, p, f["receipt"])
	if !ok {
		return err
	}
	return w.showTrack(c, http.StatusOK, p, f["receipt"], cv)
}

// showTrack renders the tracking page of cv. The receipt goes only into the
// hidden fields of the reply and rating forms.
func (w *web) showTrack(c echo.Context, status int, p *page, rcpt string, cv *vault.Complaint) error {
	p.Receipt, p.Complaint = rcpt, cv
	p.CategoryName = w.categoryName(cv.Category)
	p.AgencyName = w.agencyName(cv.Agency)
	p.Scores = []int{1, 2, 3, 4, 5}
	switch cv.Status {
	case vault.StatusSubmitted, vault.StatusDispatched, vault.StatusInProgress, vault.StatusOnHold, vault.StatusResolved:
		p.CanReply = true
	}
	p.CanRate = cv.Status == vault.StatusResolved || cv.Status == vault.StatusClosed && cv.Rating == nil
	d, o := cv.Deadlines, cv.Overdue
	for _, r := range []deadlineRow{
		{"deadline.verify", d.Verify, o.Verify},
		{"deadline.first_response", d.FirstResponse, o.FirstResponse},
		{"deadline.completion", d.Completion, o.Completion},
		{"deadline.auto_close", d.AutoClose, false},
	} {
		if !r.Due.IsZero() {
			p.Deadlines = append(p.Deadlines, r)
		}
	}
	if w.s.cfg.Unseal != nil {
		ds, err := w.s.cfg.Unseal.Disclosures(cv.ID)
		if err != nil {
			return err
		}
		for _, x := range ds {
			p.Disclosures = append(p.Disclosures, webDisclosure{RequestID: x.RequestID, LegalBasis: x.LegalBasis, ApprovedAt: x.ApprovedAt})
		}
	}
	return w.render(c, status, "track", p)
}

// afterAction shows the tracking page after a reply or a rating: the
// updated complaint with a notice, or, when the vault refused the input or
// the step, the page with the error next to the field.
func (w *web) afterAction(c echo.Context, p *page, rcpt string, cv *vault.Complaint, err error, notice string, fields ...string) error {
	if err == nil {
		p.Notice = p.T(notice)
		return w.showTrack(c, http.StatusOK, p, rcpt, cv)
	}
	status := http.StatusBadRequest
	var te *vault.TransitionError
	switch {
	case p.inputError(err, fields...):
	case errors.As(err, &te):
		status = http.StatusConflict
		p.General = p.T("err.not_now")
	default:
		return err
	}
	cur, ok, lerr := w.lookup(c, p, rcpt)
	if !ok {
		return lerr
	}
	return w.showTrack(c, status, p, rcpt, cur)
}

func (w *web) reply(c echo.Context) error {
	f, err := readForm(c, "receipt", "body")
	if err != nil {
		return err
	}
	p := w.newPage(c, "/lacak")
	rcpt := f["receipt"]
	cur, ok, err := w.lookup(c, p, rcpt)
	if !ok {
		return err
	}
	p.ReplyBody = f["body"]
	if strings.TrimSpace(f["body"]) == "" {
		p.setErr("body", "required")
		return w.showTrack(c, http.StatusBadRequest, p, rcpt, cur)
	}
	cv, err := w.s.cfg.Vault.ReporterReply(rcpt, f["body"])
	if err == nil {
		p.ReplyBody = ""
	}
	return w.afterAction(c, p, rcpt, cv, err, "reply.sent", "body")
}

func (w *web) rate(c echo.Context) error {
	f, err := readForm(c, "receipt", "score", "comment")
	if err != nil {
		return err
	}
	p := w.newPage(c, "/lacak")
	rcpt := f["receipt"]
	cur, ok, err := w.lookup(c, p, rcpt)
	if !ok {
		return err
	}
	p.ScoreValue, p.Comment = f["score"], f["comment"]
	score, perr := strconv.Atoi(f["score"])
	switch {
	case f["score"] == "":
		p.setErr("score", "required")
	case perr != nil || score < 1 || score > 5:
		p.setErr("score", "must be 1 to 5")
	}
	if len(p.Errors) > 0 {
		return w.showTrack(c, http.StatusBadRequest, p, rcpt, cur)
	}
	cv, err := w.s.cfg.Vault.Rate(rcpt, score, f["comment"])
	return w.afterAction(c, p, rcpt, cv, err, "rating.sent", "score", "comment")
}
