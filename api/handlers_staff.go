package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kotak/vault"
	"kotak/vault/directory"
	"kotak/vault/staff"
)

type loginBody struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func (b *loginBody) validate() *Error {
	if b.Username == "" {
		return fieldError("username", "required")
	}
	if b.Password == "" {
		return fieldError("password", "required")
	}
	return nil
}

func (s *Server) login(c echo.Context) error {
	var b loginBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	tok, u, exp, err := s.cfg.Staff.Login(b.Username, b.Password)
	if err != nil {
		if errors.Is(err, staff.ErrBadCredentials) {
			return apiError(http.StatusUnauthorized, "bad_credentials", "wrong username or password")
		}
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{
		"token": tok, "role": u.Role, "agency": u.Agency, "expires_at": exp.UTC().Format(time.RFC3339),
	})
}

func (s *Server) logout(c echo.Context) error {
	tok, _ := credential(c, "Bearer")
	if err := s.cfg.Staff.Logout(tok); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// caseRoles may read and act on complaints. Officers and auditors reach
// complaints only through unseal requests.
var caseRoles = []vault.Role{vault.RoleAdmin, vault.RoleAgency}

func (s *Server) listComplaints(c echo.Context) error {
	ss, err := requireRole(c, caseRoles...)
	if err != nil {
		return err
	}
	q := c.QueryParams()
	for k := range q {
		if !oneOf(k, "status", "agency", "cursor", "limit") {
			return &Error{Status: http.StatusBadRequest, Code: "unknown_field", Message: "unknown query parameter", Field: k}
		}
	}
	f := vault.Filter{Status: vault.Status(q.Get("status")), Agency: q.Get("agency"), Cursor: q.Get("cursor")}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil {
			return fieldError("limit", "must be a number")
		}
		f.Limit = n
	}
	page, err := s.cfg.Vault.List(ss.actor, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (s *Server) getComplaint(c echo.Context) error {
	ss, err := requireRole(c, caseRoles...)
	if err != nil {
		return err
	}
	cv, err := s.cfg.Vault.Get(ss.actor, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cv)
}

func (s *Server) reporterContact(c echo.Context) error {
	ss, err := requireRole(c, caseRoles...)
	if err != nil {
		return err
	}
	id, err := s.cfg.Vault.ReporterContact(ss.actor, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{
		"name": id.Name, "nik": id.NIK, "phone": id.Phone, "email": id.Email, "address": id.Address,
	})
}

func (s *Server) getAttachment(c echo.Context) error {
	ss, err := requireRole(c, caseRoles...)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 0 {
		return errNotFound
	}
	data, info, err := s.cfg.Vault.Attachment(ss.actor, c.Param("id"), n)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", "attachment")
	return c.Blob(http.StatusOK, string(info.Kind), data)
}

type verifyBody struct {
	Agency string `json:"agency"`
	Note   string `json:"note"`
}

func (b *verifyBody) validate() *Error {
	if b.Agency == "" {
		return fieldError("agency", "required")
	}
	return nil
}

type archiveBody struct {
	Reason string `json:"reason"`
	Note   string `json:"note"`
}

func (b *archiveBody) validate() *Error {
	if !vault.ArchiveReason(b.Reason).Valid() {
		return fieldError("reason", "must be out_of_scope, spam, incomplete or duplicate")
	}
	return nil
}

type noteBody struct {
	Note string `json:"note"`
}

func (b *noteBody) validate() *Error { return nil }

type responseBody struct {
	Body  string `json:"body"`
	Final bool   `json:"final"`
}

func (b *responseBody) validate() *Error {
	if b.Body == "" {
		return fieldError("body", "required")
	}
	return nil
}

// action runs one lifecycle step for an admin or agency handler and
// answers with the updated complaint.
func (s *Server) action(c echo.Context, body validator, do func(a vault.Actor, id string) (*vault.Complaint, error)) error {
	ss, err := requireRole(c, caseRoles...)
	if err != nil {
		return err
	}
	if body != nil {
		if err := decodeJSONOrEmpty(c, body); err != nil {
			return err
		}
	}
	cv, err := do(ss.actor, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cv)
}

func (s *Server) verify(c echo.Context) error {
	var b verifyBody
	return s.action(c, &b, func(a vault.Actor, id string) (*vault.Complaint, error) {
		return s.cfg.Vault.Verify(a, id, b.Agency, b.Note)
	})
}

func (s *Server) archive(c echo.Context) error {
	var b archiveBody
	return s.action(c, &b, func(a vault.Actor, id string) (*vault.Complaint, error) {
		return s.cfg.Vault.Archive(a, id, vault.ArchiveReason(b.Reason), b.Note)
	})
}

func (s *Server) hold(c echo.Context) error {
	var b noteBody
	return s.action(c, &b, func(a vault.Actor, id string) (*vault.Complaint, error) {
		return s.cfg.Vault.Hold(a, id, b.Note)
	})
}

func (s *Server) forward(c echo.Context) error {
	var b verifyBody
	return s.action(c, &b, func(a vault.Actor, id string) (*vault.Complaint, error) {
		return s.cfg.Vault.Forward(a, id, b.Agency, b.Note)
	})
}

func (s *Server) respond(c echo.Context) error {
	var b responseBody
	return s.action(c, &b, func(a vault.Actor, id string) (*vault.Complaint, error) {
		return s.cfg.Vault.Respond(a, id, b.Body, b.Final)
	})
}

func (s *Server) closeCase(c echo.Context) error {
	var b noteBody
	return s.action(c, &b, func(a vault.Actor, id string) (*vault.Complaint, error) {
		return s.cfg.Vault.CloseCase(a, id, b.Note)
	})
}

// decodeJSONOrEmpty accepts an empty body as {} (for actions whose fields
// are all optional, like close).
func decodeJSONOrEmpty(c echo.Context, dst validator) error {
	if c.Request().ContentLength == 0 {
		return decodeStrict([]byte("{}"), dst)
	}
	return decodeJSON(c, dst)
}

type agencyBody struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Region string `json:"region"`
}

func (b *agencyBody) validate() *Error {
	if b.ID == "" {
		return fieldError("id", "required")
	}
	if b.Name == "" {
		return fieldError("name", "required")
	}
	return nil
}

func (s *Server) putAgency(c echo.Context) error {
	ss, err := requireRole(c, vault.RoleAdmin)
	if err != nil {
		return err
	}
	var b agencyBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	a := directory.Agency{ID: b.ID, Name: b.Name, Region: b.Region}
	if err := s.cfg.Directory.As(ss.actor).PutAgency(a); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

type categoryBody struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (b *categoryBody) validate() *Error {
	if b.ID == "" {
		return fieldError("id", "required")
	}
	if b.Name == "" {
		return fieldError("name", "required")
	}
	return nil
}

func (s *Server) putCategory(c echo.Context) error {
	ss, err := requireRole(c, vault.RoleAdmin)
	if err != nil {
		return err
	}
	var b categoryBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	cat := directory.Category{ID: b.ID, Name: b.Name}
	if err := s.cfg.Directory.As(ss.actor).PutCategory(cat); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cat)
}

type userBody struct {
	Username  string `json:"username"`
	Password  string `json:"password"`
	Role      string `json:"role"`
	Agency    string `json:"agency"`
	AuditorID string `json:"auditor_id"`
}

func (b *userBody) validate() *Error {
	switch {
	case b.Username == "":
		return fieldError("username", "required")
	case b.Password == "":
		return fieldError("password", "required")
	case !oneOf(b.Role, string(vault.RoleAdmin), string(vault.RoleAgency), string(vault.RoleOfficer), string(vault.RoleAuditor)):
		return fieldError("role", "must be admin, agency, officer or auditor")
	}
	return nil
}

func (s *Server) listUsers(c echo.Context) error {
	if _, err := requireRole(c, vault.RoleAdmin); err != nil {
		return err
	}
	users, err := s.cfg.Staff.Users()
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": users})
}

func (s *Server) addUser(c echo.Context) error {
	ss, err := requireRole(c, vault.RoleAdmin)
	if err != nil {
		return err
	}
	var b userBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	u, err := s.cfg.Staff.As(ss.actor).AddUser(b.Username, b.Password, vault.Role(b.Role), b.Agency, b.AuditorID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, u)
}

// mapVaultError maps domain errors to API errors; nil means internal.
func mapVaultError(err error) *Error {
	var ie *vault.InputError
	var te *vault.TransitionError
	switch {
	case errors.As(err, &ie):
		return &Error{Status: http.StatusBadRequest, Code: "invalid_field", Message: ie.Reason, Field: ie.Field}
	case errors.As(err, &te):
		return apiError(http.StatusConflict, "invalid_transition", "not allowed in the complaint's current status")
	case errors.Is(err, vault.ErrNotFound), errors.Is(err, staff.ErrNotFound):
		return errNotFound
	case errors.Is(err, vault.ErrShredded):
		return apiError(http.StatusGone, "shredded", "the complaint was deleted under the retention policy")
	case errors.Is(err, vault.ErrForbidden):
		return errForbidden
	case errors.Is(err, vault.ErrNoContact):
		return apiError(http.StatusNotFound, "no_contact", "no contact details for this complaint")
	case errors.Is(err, staff.ErrExists):
		return apiError(http.StatusConflict, "exists", "already exists")
	case errors.Is(err, staff.ErrBadCredentials):
		return errUnauthorized
	}
	return nil
}

// backup streams a consistent copy of the database from one read
// transaction (admin only). The copy holds only ciphertext for complaint
// text and identities; it is useless without the server's master key,
// which it does not contain.
func (s *Server) backup(c echo.Context) error {
	if _, err := requireRole(c, vault.RoleAdmin); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "application/octet-stream")
	h.Set("Content-Disposition", `attachment; filename="kotak-backup.db"`)
	// A large database takes longer than the server's write timeout.
	_ = http.NewResponseController(c.Response().Writer).SetWriteDeadline(time.Now().Add(time.Hour))
	if _, err := s.cfg.Vault.Backup(&sizedResponse{c.Response()}); err != nil {
		// The status is sent; a broken stream fails the client's check.
		s.log.Error("backup stream failed", "err_type", typeName(err))
	}
	return nil
}

// sizedResponse sends the backup's exact size as Content-Length, so that a
// client can tell a complete copy from a cut one.
type sizedResponse struct{ r *echo.Response }

func (s *sizedResponse) CopySize(n int64) {
	s.r.Header().Set(echo.HeaderContentLength, strconv.FormatInt(n, 10))
	s.r.WriteHeader(http.StatusOK)
}

func (s *sizedResponse) Write(p []byte) (int, error) { return s.r.Write(p) }
