// Package api serves kotak's HTTP contract (docs/api.md) with Echo.
//
// Handlers parse and check input, call the vault's domain services and
// render; one central error handler maps domain errors to statuses and
// never sends internal error text. No handler ever returns an anonymous
// reporter's identity or original text: the vault does not hold them.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"kotak/vault"
	"kotak/vault/auditlog"
	"kotak/vault/directory"
	"kotak/vault/staff"
	"kotak/vault/unseal"
)

// Config wires a Server to its domain services.
type Config struct {
	Vault     *vault.Vault
	Staff     *staff.Service
	Directory *directory.Service
	Audit     *auditlog.Log
	Unseal    *unseal.Service
	Logger    *slog.Logger
	// SubmitRate, TrackRate and LoginRate are requests per minute per
	// client address; 0 turns a limit off.
	SubmitRate, TrackRate, LoginRate int
	// BodyLimit bounds JSON bodies (default 64 KiB); AttachmentLimit bounds
	// multipart uploads (default 10 MiB plus framing).
	BodyLimit, AttachmentLimit int64
	// TLS is true when the server terminates TLS itself (adds HSTS).
	TLS bool
	// Ready reports readiness details for /readyz; nil means always ready.
	Ready func() (ok bool, details map[string]string)
	// Open311Region is the region of Open311 submissions that name none in
	// attribute[region]; empty makes attribute[region] required. An invalid
	// id is refused by New's caller through SetOpen311Region.
	Open311Region string
}

// Server is the HTTP front of one vault.
type Server struct {
	cfg        Config
	e          *echo.Echo
	log        *slog.Logger
	m          *metrics
	o311Region atomic.Pointer[string] // see SetOpen311Region
}

// New builds the router. It does not listen.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 64 << 10
	}
	if cfg.AttachmentLimit <= 0 {
		cfg.AttachmentLimit = 10<<20 + 64<<10
	}
	s := &Server{cfg: cfg, e: echo.New(), log: cfg.Logger, m: newMetrics()}
	if err := s.SetOpen311Region(cfg.Open311Region); err != nil {
		s.log.Error("ignoring a malformed Open311 region")
	}
	e := s.e
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = errorHandler(s.log, mapVaultError)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, DisablePrintStack: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic recovered", "route", c.Path())
			return errInternal
		}}))
	e.Use(observe(s.log, s.m))
	e.Use(securityHeaders(cfg.TLS))
	s.m.reg.MustRegister(newStatusCollector(cfg.Vault))
	s.routes()
	return s
}

// Handler returns the http.Handler to serve.
func (s *Server) Handler() http.Handler { return s.e }

// Echo exposes the router for tests.
func (s *Server) Echo() *echo.Echo { return s.e }

// HTTPServer wraps the handler with the hardening timeouts.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.e,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

func (s *Server) routes() {
	e := s.e
	ck := newClientKey()
	jsonLimit := bodyLimit(s.cfg.BodyLimit)
	submitRL := rateLimit(ck, s.cfg.SubmitRate)
	trackRL := rateLimit(ck, s.cfg.TrackRate)
	loginRL := rateLimit(ck, s.cfg.LoginRate)

	e.GET("/healthz", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"status": "ok"}) })
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(s.m.reg, promhttp.HandlerOpts{})))

	v1 := e.Group("/api/v1")
	v1.GET("/agencies", s.listAgencies)
	v1.GET("/categories", s.listCategories)
	v1.POST("/complaints/preview", s.preview, jsonLimit, submitRL)
	v1.POST("/complaints", s.submit, jsonLimit, submitRL)

	v1.GET("/track", s.track, trackRL)
	v1.POST("/track/messages", s.trackMessage, jsonLimit, trackRL)
	v1.POST("/track/rating", s.trackRating, jsonLimit, trackRL)
	v1.POST("/track/attachments", s.trackAttachment, bodyLimit(s.cfg.AttachmentLimit), trackRL)

	v1.POST("/auth/login", s.login, jsonLimit, loginRL)
	staffOnly := s.requireStaff
	v1.POST("/auth/logout", s.logout, staffOnly)

	v1.GET("/complaints", s.listComplaints, staffOnly)
	v1.GET("/complaints/:id", s.getComplaint, staffOnly)
	v1.GET("/complaints/:id/reporter", s.reporterContact, staffOnly)
	v1.GET("/complaints/:id/attachments/:n", s.getAttachment, staffOnly)
	v1.POST("/complaints/:id/verify", s.verify, jsonLimit, staffOnly)
	v1.POST("/complaints/:id/archive", s.archive, jsonLimit, staffOnly)
	v1.POST("/complaints/:id/hold", s.hold, jsonLimit, staffOnly)
	v1.POST("/complaints/:id/forward", s.forward, jsonLimit, staffOnly)
	v1.POST("/complaints/:id/responses", s.respond, jsonLimit, staffOnly)
	v1.POST("/complaints/:id/close", s.closeCase, jsonLimit, staffOnly)

	v1.POST("/agencies", s.putAgency, jsonLimit, staffOnly)
	v1.POST("/categories", s.putCategory, jsonLimit, staffOnly)
	v1.GET("/users", s.listUsers, staffOnly)
	v1.POST("/users", s.addUser, jsonLimit, staffOnly)
	v1.GET("/backup", s.backup, staffOnly)

	if s.cfg.Audit != nil {
		s.auditRoutes(v1)
	}
	if s.cfg.Unseal != nil {
		s.unsealRoutes(v1)
	}
	// Statistics (api/stats.go) register here.
	s.statsRoutes(v1)
	// Open311 GeoReport v2 (api/open311.go) registers here.
	s.open311Routes(e, jsonLimit, submitRL)
	// Citizen web pages (api/web.go) register here.
	s.webRoutes(e, submitRL, trackRL)
}

func (s *Server) readyz(c echo.Context) error {
	ok, details := true, map[string]string{}
	if s.cfg.Ready != nil {
		ok, details = s.cfg.Ready()
	}
	status := http.StatusOK
	if !ok {
		status = http.StatusServiceUnavailable
	}
	return c.JSON(status, map[string]any{"ready": ok, "details": details})
}

// Shutdown stops accepting requests and waits for in-flight ones.
func Shutdown(ctx context.Context, srv *http.Server) error {
	err := srv.Shutdown(ctx)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// statusCollector exports complaints by status at scrape time.
type statusCollector struct {
	v    *vault.Vault
	desc *prometheus.Desc
}

func newStatusCollector(v *vault.Vault) *statusCollector {
	return &statusCollector{v: v, desc: prometheus.NewDesc("kotak_complaints",
		"Complaints by status.", []string{"status"}, nil)}
}

func (sc *statusCollector) Describe(ch chan<- *prometheus.Desc) { ch <- sc.desc }

func (sc *statusCollector) Collect(ch chan<- prometheus.Metric) {
	if sc.v == nil {
		return
	}
	counts, err := sc.v.CountByStatus()
	if err != nil {
		return
	}
	for st, n := range counts {
		ch <- prometheus.MustNewConstMetric(sc.desc, prometheus.GaugeValue, float64(n), string(st))
	}
}
