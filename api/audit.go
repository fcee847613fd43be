package api

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kotak/vault/auditlog"
)

// The public audit log: the latest signed checkpoint, entries by range,
// inclusion and consistency proofs. Anyone may read them.
func (s *Server) auditRoutes(g *echo.Group) {
	g.GET("/audit/checkpoint", s.auditCheckpoint)
	g.GET("/audit/entries", s.auditEntries)
	g.GET("/audit/proof", s.auditProof)
}

func (s *Server) auditCheckpoint(c echo.Context) error {
	cp, err := s.cfg.Audit.Checkpoint()
	if err != nil {
		return auditError(err)
	}
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", cp)
}

func (s *Server) auditEntries(c echo.Context) error {
	res, err := s.cfg.Audit.EntriesQuery(c.QueryParams())
	if err != nil {
		return auditError(err)
	}
	return c.JSON(http.StatusOK, res)
}

func (s *Server) auditProof(c echo.Context) error {
	res, err := s.cfg.Audit.ProofQuery(c.QueryParams())
	if err != nil {
		return auditError(err)
	}
	return c.JSON(http.StatusOK, res)
}

func auditError(err error) error {
	var qe *auditlog.QueryError
	switch {
	case errors.As(err, &qe):
		return &Error{Status: http.StatusBadRequest, Code: "invalid_field", Message: "invalid or out of range", Field: qe.Field}
	case errors.Is(err, auditlog.ErrNoCheckpoint):
		return apiError(http.StatusNotFound, "no_checkpoint", "no checkpoint has been signed yet")
	}
	return err
}
