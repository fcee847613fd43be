package api

import (
	"errors"
	"strings"

	"github.com/labstack/echo/v4"

	"kotak/vault"
	"kotak/vault/staff"
)

const ctxUser = "kotak.user"

type session struct {
	user  *staff.User
	actor vault.Actor
}

// requireStaff authenticates "Authorization: Bearer <token>".
func (s *Server) requireStaff(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		tok, ok := credential(c, "Bearer")
		if !ok {
			return errUnauthorized
		}
		u, actor, err := s.cfg.Staff.Authenticate(tok)
		if errors.Is(err, staff.ErrBadCredentials) {
			return errUnauthorized
		}
		if err != nil {
			return err // internal: a generic 500, logged by type
		}
		c.Set(ctxUser, &session{user: u, actor: actor})
		return next(c)
	}
}

func sessionOf(c echo.Context) *session {
	ss, _ := c.Get(ctxUser).(*session)
	return ss
}

// requireRole answers 403 unless the session's role is one of roles.
func requireRole(c echo.Context, roles ...vault.Role) (*session, error) {
	ss := sessionOf(c)
	if ss == nil {
		return nil, errUnauthorized
	}
	for _, r := range roles {
		if ss.actor.Role == r {
			return ss, nil
		}
	}
	return nil, errForbidden
}

// credential returns the value of "Authorization: <scheme> <value>".
func credential(c echo.Context, scheme string) (string, bool) {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	v, ok := strings.CutPrefix(h, scheme+" ")
	if !ok {
		return "", false
	}
	v = strings.TrimSpace(v)
	return v, v != ""
}
