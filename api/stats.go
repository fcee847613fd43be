package api

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"kotak/vault/stats"
)

// statsTTL is how long a statistics snapshot is served before the vault is
// scanned again: a flood of requests costs one scan per minute.
const statsTTL = 60 * time.Second

// statsParams are the query parameters the statistics endpoints accept.
var statsParams = []string{"by", "from", "to"}

// The public statistics: GET /api/v1/stats and /api/v1/stats.csv. Anyone
// may read them; they hold only counts and shares of groups of at least
// stats.MinCell complaints. The cache is made here, one per server, and
// captured by the handlers.
func (s *Server) statsRoutes(g *echo.Group) {
	c := stats.NewCache(s.cfg.Vault, statsTTL, time.Now)
	g.GET("/stats", func(ec echo.Context) error { return s.stats(ec, c, false) })
	g.GET("/stats.csv", func(ec echo.Context) error { return s.stats(ec, c, true) })
}

func (s *Server) stats(c echo.Context, cache *stats.Cache, asCSV bool) error {
	q, err := statsQuery(c.QueryParams())
	if err != nil {
		return err
	}
	rep, err := cache.Report(q)
	if err != nil {
		return err
	}
	if !asCSV {
		return c.JSON(http.StatusOK, rep)
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="kotak-stats-`+string(q.By)+`.csv"`)
	res.WriteHeader(http.StatusOK)
	return stats.WriteCSV(res, rep)
}

// statsQuery checks the query string strictly: only by, from and to, each
// at most once; by is required. Errors name the parameter and never echo
// its value.
func statsQuery(v url.Values) (stats.Query, error) {
	keys := slices.Sorted(maps.Keys(v))
	for _, k := range keys {
		vals := v[k]
		if !oneOf(k, statsParams...) {
			return stats.Query{}, &Error{Status: http.StatusBadRequest, Code: "unknown_field", Message: "unknown parameter", Field: safeParam(k)}
		}
		if len(vals) > 1 {
			return stats.Query{}, &Error{Status: http.StatusBadRequest, Code: "duplicate_field", Message: "parameter given more than once", Field: k}
		}
	}
	q, err := stats.ParseQuery(v.Get("by"), v.Get("from"), v.Get("to"))
	var qe *stats.QueryError
	switch {
	case err == nil:
		return q, nil
	case !errors.As(err, &qe):
		return stats.Query{}, err
	case errors.Is(err, stats.ErrDimension) && v.Get("by") == "":
		return stats.Query{}, fieldError("by", "required")
	case errors.Is(err, stats.ErrDimension):
		return stats.Query{}, fieldError("by", "must be agency, category, region, month or status")
	case errors.Is(err, stats.ErrRange):
		return stats.Query{}, fieldError(qe.Field, "must not be after to")
	default:
		return stats.Query{}, fieldError(qe.Field, "must be a date YYYY-MM-DD")
	}
}

// safeParam returns an unknown parameter's name for the error's field when
// it is short and plain; otherwise "" so that no arbitrary input is echoed.
func safeParam(k string) string {
	if k == "" || len(k) > 32 {
		return ""
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return ""
		}
	}
	return k
}
