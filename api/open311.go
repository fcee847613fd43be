package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kotak/vault"
)

// Open311 GeoReport v2 (docs/api.md "Open311 GeoReport v2"): the public
// complaints as service requests, the categories as services, and an
// anonymous submission. Nothing here ever returns a reporter's identity:
// the list and the detail show public complaints once dispatched, in the
// vault's public (redacted) view, and a submission refuses every identity
// field before anything is stored.

// ErrOpen311Region: SetOpen311Region was given a malformed region id.
var ErrOpen311Region = errors.New("api: malformed Open311 default region")

// SetOpen311Region sets the region id given to an Open311 submission that
// names none in attribute[region]; "" (the default) makes attribute[region]
// required. It is safe to call while serving. The id must be 1..64 of
// a-z, 0-9, '.', '_', '-' (ErrOpen311Region otherwise).
func (s *Server) SetOpen311Region(region string) error {
	if region != "" && !vault.ValidSlug(region) {
		return ErrOpen311Region
	}
	s.o311Region.Store(&region)
	return nil
}

func (s *Server) open311Region() string {
	if r := s.o311Region.Load(); r != nil {
		return *r
	}
	return ""
}

// o311ScanBudget bounds the public index entries one GET requests.json may
// pass over while filtering; past it the page is short and carries a next
// link.
const o311ScanBudget = 5 * vault.MaxPageSize

// o311Notice is the service_notice of a submission.
const o311Notice = "Keep the receipt: it is shown once and is the only way to follow this anonymous complaint " +
	"(GET /api/v1/track). Anonymous complaints are never listed publicly."

// open311Routes registers /open311/v2/. submitRL is the limiter of POST
// /api/v1/complaints itself, so the two submission paths share one budget
// per client.
func (s *Server) open311Routes(e *echo.Echo, jsonLimit, submitRL echo.MiddlewareFunc) {
	g := e.Group("/open311/v2", s.geoReportErrors)
	g.GET("/services.json", s.o311Services)
	g.GET("/requests.json", s.o311List)
	g.POST("/requests.json", s.o311Submit, jsonLimit, geoLimited(submitRL))
	g.GET("/requests/:file", s.o311Get)
	notAllowed := func(echo.Context) error {
		return apiError(http.StatusMethodNotAllowed, "method_not_allowed", "method not allowed")
	}
	for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete} {
		g.Add(m, "/services.json", notAllowed)
		g.Add(m, "/requests.json", notAllowed)
		g.Add(m, "/requests/:file", notAllowed)
	}
	g.POST("/services.json", notAllowed)
	g.POST("/requests/:file", notAllowed)
}

// geoLimited runs a rate limiter of the API so that its refusal reaches
// geoReportErrors: Echo's limiter writes a refusal through the central
// error handler itself (c.Error), so it runs against a scratch response
// and, when it does not pass the request on, its answer is dropped and
// errRateLimited returned instead.
func geoLimited(limit echo.MiddlewareFunc) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			passed := false
			probe := limit(func(echo.Context) error { passed = true; return nil })
			orig := c.Response()
			c.SetResponse(echo.NewResponse(scratchWriter{h: http.Header{}}, c.Echo()))
			err := probe(c)
			c.SetResponse(orig)
			if !passed {
				if err == nil {
					err = errRateLimited
				}
				return err
			}
			return next(c)
		}
	}
}

// scratchWriter is an http.ResponseWriter that keeps nothing.
type scratchWriter struct{ h http.Header }

func (w scratchWriter) Header() http.Header         { return w.h }
func (w scratchWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w scratchWriter) WriteHeader(int)             {}

// geoError is one GeoReport v2 error. Field is kotak's addition: the
// offending input field, also named at the start of Description.
type geoError struct {
	Code        int    `json:"code"`
	Description string `json:"description"`
	Field       string `json:"field,omitempty"`
}

// geoReportErrors answers every error of the Open311 routes, those of their
// body limit and rate limiter included, as GeoReport's [{"code",
// "description"}] with the same status and fixed text as the rest of the
// API. Internal errors are logged by type only.
func (s *Server) geoReportErrors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err == nil || c.Response().Committed {
			return err
		}
		ae := classify(s.log, c, err, mapVaultError)
		desc := ae.Message
		if ae.Field != "" {
			desc = ae.Field + ": " + desc
		}
		if c.Request().Method == http.MethodHead {
			return c.NoContent(ae.Status)
		}
		return c.JSON(ae.Status, []geoError{{Code: ae.Status, Description: desc, Field: ae.Field}})
	}
}

// geoService is a GeoReport v2 service: one category of the directory.
type geoService struct {
	ServiceCode string `json:"service_code"`
	ServiceName string `json:"service_name"`
	Description string `json:"description"`
	Metadata    bool   `json:"metadata"`
	Type        string `json:"type"`
	Keywords    string `json:"keywords"`
	Group       string `json:"group"`
}

func (s *Server) o311Services(c echo.Context) error {
	cats, err := s.cfg.Directory.Categories()
	if err != nil {
		return err
	}
	out := make([]geoService, 0, len(cats))
	for _, cat := range cats {
		out = append(out, geoService{ServiceCode: cat.ID, ServiceName: cat.Name, Description: cat.Name,
			Metadata: false, Type: "realtime"})
	}
	return c.JSON(http.StatusOK, out)
}

// geoRequest is a GeoReport v2 service request: a public complaint in the
// vault's public view. address, lat, long and media_url are never given.
type geoRequest struct {
	ServiceRequestID  string `json:"service_request_id"`
	Status            string `json:"status"`
	StatusNotes       string `json:"status_notes"`
	ServiceName       string `json:"service_name"`
	ServiceCode       string `json:"service_code"`
	Description       string `json:"description"`
	AgencyResponsible string `json:"agency_responsible"`
	RequestedDatetime string `json:"requested_datetime"`
	UpdatedDatetime   string `json:"updated_datetime"`
	ExpectedDatetime  string `json:"expected_datetime,omitempty"`
}

// o311Time is a GeoReport datetime: RFC 3339 in UTC, to the second.
func o311Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// o311View renders a complaint the vault gave to the public. status_notes
// is the handling agency's latest answer.
func (s *Server) o311View(cv *vault.Complaint) geoRequest {
	r := geoRequest{
		ServiceRequestID:  cv.ID,
		Status:            o311Status(cv.Status),
		ServiceCode:       cv.Category,
		ServiceName:       cv.Category,
		Description:       cv.Body,
		AgencyResponsible: cv.Agency,
		RequestedDatetime: o311Time(cv.SubmittedAt),
		UpdatedDatetime:   o311Time(cv.UpdatedAt),
	}
	if r.Status == "open" {
		r.ExpectedDatetime = o311Time(cv.Deadlines.Completion)
	}
	if cat, ok := s.cfg.Directory.Category(cv.Category); ok {
		r.ServiceName = cat.Name
	}
	if ag, ok := s.cfg.Directory.Agency(cv.Agency); ok {
		r.AgencyResponsible = ag.Name
	}
	for i := len(cv.Messages) - 1; i >= 0; i-- {
		if cv.Messages[i].From == vault.RoleAgency {
			r.StatusNotes = cv.Messages[i].Body
			break
		}
	}
	return r
}

var publicActor = vault.Actor{Role: vault.RolePublic}

// o311Public returns the public view of one complaint, or ok false when the
// public may not see it (not public, not dispatched, missing or shredded:
// all alike).
func (s *Server) o311Public(id string) (*vault.Complaint, bool, error) {
	cv, err := s.cfg.Vault.Get(publicActor, id)
	switch {
	case errors.Is(err, vault.ErrNotFound), errors.Is(err, vault.ErrShredded), errors.Is(err, vault.ErrForbidden):
		return nil, false, nil
	case err != nil:
		return nil, false, err
	}
	return cv, true, nil
}

func (s *Server) o311Get(c echo.Context) error {
	id, ok := strings.CutSuffix(c.Param("file"), ".json")
	if !ok || !vault.ValidID(id) {
		return errNotFound
	}
	cv, ok, err := s.o311Public(id)
	if err != nil {
		return err
	}
	if !ok {
		return errNotFound
	}
	return c.JSON(http.StatusOK, []geoRequest{s.o311View(cv)})
}

// o311List answers GET requests.json: public complaints once dispatched,
// newest first, filtered by the query. One answer passes over at most
// o311ScanBudget complaints; when more may match, a Link header (rel
// "next") carries the cursor of the next page.
func (s *Server) o311List(c echo.Context) error {
	q, e := parseO311Query(c.QueryParams())
	if e != nil {
		return e
	}
	out := []geoRequest{}
	if q.IDs != nil {
		for _, id := range q.IDs {
			cv, ok, err := s.o311Public(id)
			if err != nil {
				return err
			}
			if ok {
				out = append(out, s.o311View(cv))
			}
		}
		return c.JSON(http.StatusOK, out)
	}
	for _, code := range keysOf(q.ServiceCodes) {
		if !s.cfg.Directory.CategoryExists(code) {
			return fieldError("service_code", "unknown service code")
		}
	}
	next, cursor, scanned := "", q.Cursor, 0
scan:
	for {
		page, err := s.cfg.Vault.List(publicActor, vault.Filter{Cursor: cursor, Limit: q.Limit - len(out)})
		if err != nil {
			return err
		}
		for _, it := range page.Items {
			scanned++
			if !q.Start.IsZero() && it.SubmittedAt.Before(q.Start) {
				break scan // newest first: nothing older can match
			}
			if !q.matches(it.Category, it.Status, it.SubmittedAt) {
				continue
			}
			cv, ok, err := s.o311Public(it.ID)
			if err != nil {
				return err
			}
			if ok && q.matches(cv.Category, cv.Status, cv.SubmittedAt) {
				out = append(out, s.o311View(cv))
			}
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
		if len(out) >= q.Limit || scanned >= o311ScanBudget {
			next = cursor
			break
		}
	}
	if next != "" {
		params := c.QueryParams()
		nq := url.Values{}
		for k, vs := range params {
			nq[k] = vs
		}
		nq.Set("cursor", next)
		c.Response().Header().Set("Link", "<"+c.Request().URL.Path+"?"+nq.Encode()+`>; rel="next"`)
	}
	return c.JSON(http.StatusOK, out)
}

func keysOf(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// geoCreated answers a submission. Receipt is kotak's addition: the only
// way for the anonymous submitter to follow the complaint, shown once.
type geoCreated struct {
	ServiceRequestID string `json:"service_request_id"`
	ServiceNotice    string `json:"service_notice"`
	Receipt          string `json:"receipt"`
}

// o311Submit answers POST requests.json: an anonymous complaint through the
// api channel. Identity fields are refused before anything is stored; the
// answer carries the receipt, which the server cannot show again.
func (s *Server) o311Submit(c echo.Context) error {
	req := c.Request()
	mt, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil {
		return errO311MediaType
	}
	raw, err := io.ReadAll(req.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		return apiError(http.StatusBadRequest, "bad_request", "could not read request body")
	}
	sub, e := parseO311Submission(mt, raw)
	if e != nil {
		return e
	}
	if sub.Region == "" {
		if sub.Region = s.open311Region(); sub.Region == "" {
			return fieldError(o311Region, "required")
		}
	}
	if !s.cfg.Directory.CategoryExists(sub.ServiceCode) {
		return fieldError(o311ServiceCode, "unknown service code")
	}
	res, err := s.cfg.Vault.Submit(vault.Submission{
		Title: sub.title(), Body: sub.Description, Category: sub.ServiceCode, Region: sub.Region,
		Privacy: vault.PrivacyAnonymous, Channel: vault.ChannelAPI,
	})
	if err != nil {
		return o311InputError(err)
	}
	return c.JSON(http.StatusCreated, []geoCreated{{ServiceRequestID: res.ID, ServiceNotice: o311Notice, Receipt: res.Receipt}})
}

// o311InputError renames the vault's submission fields to the GeoReport
// fields they came from.
func o311InputError(err error) error {
	var ie *vault.InputError
	if !errors.As(err, &ie) {
		return err
	}
	field := map[string]string{"title": o311Description, "body": o311Description,
		"category": o311ServiceCode, "region": o311Region}[ie.Field]
	if field == "" {
		return err
	}
	return fieldError(field, ie.Reason)
}
