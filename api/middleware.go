package api

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"
)

// securityHeaders sets the headers every response carries. HSTS only when
// the server itself terminates TLS.
func securityHeaders(tls bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Cache-Control", "no-store")
			if tls {
				h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
			}
			return next(c)
		}
	}
}

// metrics holds the Prometheus collectors. Labels are route templates,
// methods and status codes only: never ids, receipts, names or addresses.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kotak_http_requests_total", Help: "HTTP requests by route template, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "kotak_http_request_duration_seconds", Help: "HTTP request latency by route template.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "method"}),
	}
	m.reg.MustRegister(m.requests, m.latency)
	return m
}

// observe records metrics and one structured log line per request. It logs
// neither the client address, nor the query string, nor any header.
func observe(log *slog.Logger, m *metrics) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			status := c.Response().Status
			d := time.Since(start)
			m.requests.WithLabelValues(route, c.Request().Method, strconv.Itoa(status)).Inc()
			m.latency.WithLabelValues(route, c.Request().Method).Observe(d.Seconds())
			log.Info("request", "method", c.Request().Method, "route", route, "status", status,
				"duration_ms", float64(d.Microseconds())/1000)
			return nil
		}
	}
}

// clientKey identifies a client for rate limiting without keeping its
// address: an HMAC of the address under a key drawn at start-up and never
// stored, kept only in the limiter's memory.
type clientKey struct{ key []byte }

func newClientKey() clientKey {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic("kotak: no randomness for rate-limit keys")
	}
	return clientKey{key: k}
}

func (ck clientKey) of(c echo.Context) (string, error) {
	host, _, err := net.SplitHostPort(c.Request().RemoteAddr)
	if err != nil {
		host = c.Request().RemoteAddr
	}
	mac := hmac.New(sha256.New, ck.key)
	mac.Write([]byte(host))
	return hex.EncodeToString(mac.Sum(nil)[:12]), nil
}

// rateLimit allows perMinute requests per client per minute (burst the same);
// perMinute 0 turns it off.
func rateLimit(ck clientKey, perMinute int) echo.MiddlewareFunc {
	if perMinute <= 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Limit(float64(perMinute) / 60), Burst: perMinute, ExpiresIn: 10 * time.Minute,
	})
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store:               store,
		IdentifierExtractor: ck.of,
		ErrorHandler:        func(c echo.Context, err error) error { return errRateLimited },
		DenyHandler:         func(c echo.Context, id string, err error) error { return errRateLimited },
	})
}

// bodyLimit refuses bodies over n bytes with 413: at once when the
// Content-Length says so, otherwise when reading passes n.
func bodyLimit(n int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength > n {
				return errTooLarge
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, n)
			return next(c)
		}
	}
}
