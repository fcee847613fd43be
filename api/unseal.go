package api

import (
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"kotak/vault"
	"kotak/vault/auditlog"
	"kotak/vault/unseal"
)

// The unseal endpoints (docs/unseal.md, docs/api.md):
//
//	POST /api/v1/unseal-requests                 officer: file a request
//	GET  /api/v1/unseal-requests/{id}            the filing officer; auditors also get the
//	                                             redacted complaint, the sealed record and the keyring
//	POST /api/v1/unseal-requests/{id}/approvals  auditor: a signed approval or denial
//	GET  /api/v1/unseal-requests/{id}/approvals  the decisions; the filing officer gets the
//	                                             re-sealed shares once approved (each fetch is logged)
//
// Binary values travel as standard base64 with padding.
func (s *Server) unsealRoutes(v1 *echo.Group) {
	jsonLimit := bodyLimit(s.cfg.BodyLimit)
	v1.POST("/unseal-requests", s.fileUnseal, jsonLimit, s.requireStaff)
	v1.GET("/unseal-requests/:id", s.getUnseal, s.requireStaff)
	v1.POST("/unseal-requests/:id/approvals", s.decideUnseal, jsonLimit, s.requireStaff)
	v1.GET("/unseal-requests/:id/approvals", s.unsealApprovals, s.requireStaff)
}

var b64 = base64.StdEncoding.Strict()

type unsealRequestBody struct {
	ComplaintID        string `json:"complaint_id"`
	LegalBasis         string `json:"legal_basis"`
	Justification      string `json:"justification"`
	RecipientKey       string `json:"recipient_key"`
	NoticeDeferralDays int    `json:"notice_deferral_days"`

	key []byte
}

func (b *unsealRequestBody) validate() *Error {
	switch {
	case b.ComplaintID == "":
		return fieldError("complaint_id", "required")
	case b.LegalBasis == "":
		return fieldError("legal_basis", "required")
	case b.Justification == "":
		return fieldError("justification", "required")
	case b.RecipientKey == "":
		return fieldError("recipient_key", "required")
	}
	k, err := b64.DecodeString(b.RecipientKey)
	if err != nil {
		return fieldError("recipient_key", "must be standard base64")
	}
	b.key = k
	return nil
}

type approvalBody struct {
	AuditorID   string `json:"auditor_id"`
	Decision    string `json:"decision"`
	SealedShare string `json:"sealed_share"`
	Signature   string `json:"signature"`

	share, sig []byte
}

func (b *approvalBody) validate() *Error {
	switch {
	case b.AuditorID == "":
		return fieldError("auditor_id", "required")
	case !unseal.Verdict(b.Decision).Valid():
		return fieldError("decision", "must be approve or deny")
	case b.Signature == "":
		return fieldError("signature", "required")
	case b.Decision == string(unseal.Approve) && b.SealedShare == "":
		return fieldError("sealed_share", "required for an approval")
	case b.Decision == string(unseal.Deny) && b.SealedShare != "":
		return fieldError("sealed_share", "must be empty for a denial")
	}
	var err error
	if b.sig, err = b64.DecodeString(b.Signature); err != nil {
		return fieldError("signature", "must be standard base64")
	}
	if b.share, err = b64.DecodeString(b.SealedShare); err != nil {
		return fieldError("sealed_share", "must be standard base64")
	}
	return nil
}

// unsealView is a request as its parties see it.
type unsealView struct {
	ID                      string           `json:"id"`
	Status                  unseal.Status    `json:"status"`
	ComplaintID             string           `json:"complaint_id"`
	Requester               string           `json:"requester"`
	LegalBasis              string           `json:"legal_basis"`
	Justification           string           `json:"justification"`
	RecipientKey            string           `json:"recipient_key"`
	RecipientKeyFingerprint string           `json:"recipient_key_fingerprint"`
	NoticeDeferralDays      int              `json:"notice_deferral_days"`
	KeyringID               string           `json:"keyring_id"`
	Threshold               int              `json:"threshold"`
	Auditors                int              `json:"auditors"`
	Approvals               int              `json:"approvals"`
	Denials                 int              `json:"denials"`
	CreatedAt               time.Time        `json:"created_at"`
	ExpiresAt               time.Time        `json:"expires_at"`
	ClosedAt                time.Time        `json:"closed_at,omitzero"`
	NoticeAt                time.Time        `json:"notice_at,omitzero"`
	Complaint               *vault.Complaint `json:"complaint,omitempty"`     // auditors only
	SealedRecord            string           `json:"sealed_record,omitempty"` // auditors only
	Keyring                 string           `json:"keyring,omitempty"`       // auditors only
}

func newUnsealView(q *unseal.Request) *unsealView {
	return &unsealView{
		ID: q.ID, Status: q.Status, ComplaintID: q.ComplaintID, Requester: q.Requester, LegalBasis: q.LegalBasis,
		Justification: q.Justification, RecipientKey: b64.EncodeToString(q.RecipientKey),
		RecipientKeyFingerprint: unseal.RecipientFingerprint(q.RecipientKey), NoticeDeferralDays: q.DeferralDays,
		KeyringID: q.KeyringID.String(), Threshold: q.Threshold, Auditors: q.N, Approvals: q.Approvals,
		Denials: q.Denials, CreatedAt: q.CreatedAt, ExpiresAt: q.ExpiresAt, ClosedAt: q.ClosedAt, NoticeAt: q.NoticeAt,
	}
}

type decisionView struct {
	AuditorID   string         `json:"auditor_id"`
	Index       int            `json:"index"`
	Decision    unseal.Verdict `json:"decision"`
	Time        time.Time      `json:"time"`
	Signature   string         `json:"signature"`
	SealedShare string         `json:"sealed_share,omitempty"`
}

type approvalsView struct {
	RequestID    string         `json:"request_id"`
	ComplaintID  string         `json:"complaint_id"`
	Status       unseal.Status  `json:"status"`
	Threshold    int            `json:"threshold"`
	Approvals    int            `json:"approvals"`
	Denials      int            `json:"denials"`
	Items        []decisionView `json:"items"`
	SealedRecord string         `json:"sealed_record,omitempty"` // the filing officer, once approved
	Keyring      string         `json:"keyring,omitempty"`       // the filing officer, once approved
}

func newApprovalsView(q *unseal.Request) *approvalsView {
	v := &approvalsView{RequestID: q.ID, ComplaintID: q.ComplaintID, Status: q.Status, Threshold: q.Threshold,
		Approvals: q.Approvals, Denials: q.Denials, Items: make([]decisionView, 0, len(q.Decisions))}
	for _, d := range q.Decisions {
		dv := decisionView{AuditorID: d.AuditorID, Index: d.Index, Decision: d.Verdict, Time: d.Time,
			Signature: b64.EncodeToString(d.Signature)}
		if len(d.SealedShare) > 0 {
			dv.SealedShare = b64.EncodeToString(d.SealedShare)
		}
		v.Items = append(v.Items, dv)
	}
	return v
}

// mayRequest answers 403 unless the session may file requests.
func (s *Server) mayRequest(c echo.Context) (*session, error) {
	ss := sessionOf(c)
	if ss == nil {
		return nil, errUnauthorized
	}
	if !s.cfg.Unseal.Policy().AllowsRole(ss.actor.Role) {
		return nil, errForbidden
	}
	return ss, nil
}

func (s *Server) fileUnseal(c echo.Context) error {
	ss, err := s.mayRequest(c)
	if err != nil {
		return err
	}
	var b unsealRequestBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	q, err := s.cfg.Unseal.File(ss.actor, unseal.Filing{ComplaintID: b.ComplaintID, LegalBasis: b.LegalBasis,
		Justification: b.Justification, RecipientKey: b.key, DeferralDays: b.NoticeDeferralDays})
	if err != nil {
		if errors.Is(err, vault.ErrNotFound) {
			return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no such complaint", Field: "complaint_id"}
		}
		return unsealError(err)
	}
	return c.JSON(http.StatusCreated, newUnsealView(q))
}

func (s *Server) getUnseal(c echo.Context) error {
	ss := sessionOf(c)
	if ss == nil {
		return errUnauthorized
	}
	q, err := s.cfg.Unseal.Get(ss.actor, c.Param("id"))
	if err != nil {
		return unsealError(err)
	}
	v := newUnsealView(q)
	if ss.actor.Role == vault.RoleAuditor {
		// What an auditor needs to decide: the redacted complaint, the
		// sealed record holding their share, and the keyring.
		cv, err := s.cfg.Vault.Get(ss.actor, q.ComplaintID)
		switch {
		case err == nil:
			v.Complaint = cv
			sealed, err := s.cfg.Vault.SealedRecord(q.ComplaintID)
			if err != nil {
				return err
			}
			v.SealedRecord = b64.EncodeToString(sealed)
		case !errors.Is(err, vault.ErrShredded):
			return err
		}
		v.Keyring = string(s.cfg.Unseal.Keyring().Marshal())
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) decideUnseal(c echo.Context) error {
	ss, err := requireRole(c, vault.RoleAuditor)
	if err != nil {
		return err
	}
	var b approvalBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	q, err := s.cfg.Unseal.Decide(ss.actor, ss.user.AuditorID, c.Param("id"), unseal.DecisionInput{
		AuditorID: b.AuditorID, Verdict: unseal.Verdict(b.Decision), SealedShare: b.share, Signature: b.sig})
	if err != nil {
		return unsealError(err)
	}
	return c.JSON(http.StatusCreated, map[string]any{
		"request_id": q.ID, "status": q.Status, "decision": b.Decision,
		"approvals": q.Approvals, "denials": q.Denials, "threshold": q.Threshold,
	})
}

func (s *Server) unsealApprovals(c echo.Context) error {
	ss := sessionOf(c)
	if ss == nil {
		return errUnauthorized
	}
	q, err := s.cfg.Unseal.Get(ss.actor, c.Param("id"))
	if err != nil {
		return unsealError(err)
	}
	if q.Status != unseal.StatusApproved || ss.actor.Role == vault.RoleAuditor {
		return c.JSON(http.StatusOK, newApprovalsView(q))
	}
	// The filing officer of an approved request: the re-sealed shares,
	// after the fetch is logged.
	rv, err := s.cfg.Unseal.Reveal(ss.actor, q.ID)
	if err != nil {
		return unsealError(err)
	}
	v := newApprovalsView(rv.Request)
	v.SealedRecord = b64.EncodeToString(rv.SealedRecord)
	v.Keyring = string(s.cfg.Unseal.Keyring().Marshal())
	return c.JSON(http.StatusOK, v)
}

// unsealError maps the unseal service's errors; others go to the central
// mapper (vault errors) or are internal.
func unsealError(err error) error {
	conflict := func(code, msg string) *Error { return apiError(http.StatusConflict, code, msg) }
	switch {
	case errors.Is(err, unseal.ErrNotFound):
		return errNotFound
	case errors.Is(err, unseal.ErrForbidden):
		return errForbidden
	case errors.Is(err, unseal.ErrLegalBasis):
		return fieldError("legal_basis", "not a legal basis the policy allows")
	case errors.Is(err, unseal.ErrJustification):
		return fieldError("justification", "must be 20 to 4000 characters of text")
	case errors.Is(err, unseal.ErrRecipientKey):
		return fieldError("recipient_key", "must be a packed X-Wing public key")
	case errors.Is(err, unseal.ErrDeferral):
		return fieldError("notice_deferral_days", "longer than the policy allows")
	case errors.Is(err, unseal.ErrNotSealed):
		return conflict("not_sealed", "the complaint has no sealed record for this keyring")
	case errors.Is(err, unseal.ErrTooManyOpen):
		return conflict("too_many_open_requests", "too many open requests for this account")
	case errors.Is(err, unseal.ErrUnknownAuditor):
		return fieldError("auditor_id", "not an auditor of the keyring")
	case errors.Is(err, unseal.ErrDecision):
		return fieldError("decision", "must be approve or deny")
	case errors.Is(err, unseal.ErrShare):
		return fieldError("sealed_share", "not a re-sealed share for this auditor")
	case errors.Is(err, unseal.ErrSignature):
		return &Error{Status: http.StatusBadRequest, Code: "bad_signature", Field: "signature",
			Message: "the signature does not verify for this request, record, recipient key and share"}
	case errors.Is(err, unseal.ErrDuplicate):
		return conflict("duplicate_decision", "this auditor has already decided")
	case errors.Is(err, unseal.ErrClosed):
		return conflict("request_closed", "the request is already closed")
	case errors.Is(err, unseal.ErrExpired):
		return conflict("request_expired", "the request has expired")
	case errors.Is(err, unseal.ErrNotApproved):
		return conflict("not_approved", "the request is not approved")
	}
	return err
}

// trackView is the reporter's tracking answer: the complaint and every
// approved disclosure of their identity.
type trackView struct {
	*vault.Complaint
	Disclosures []disclosureView `json:"disclosures"`
}

type disclosureView struct {
	RequestID  string                      `json:"request_id"`
	LegalBasis string                      `json:"legal_basis"`
	ApprovedAt time.Time                   `json:"approved_at"`
	NoticeAt   time.Time                   `json:"notice_at"`
	Proof      *auditlog.InclusionResponse `json:"proof"`
	// Checkpoint is the signed checkpoint the proof is for; empty when the
	// entry is not yet in a signed checkpoint (the proof is then against
	// the current tree, proof.tree_size entries).
	Checkpoint string `json:"checkpoint"`
}

// trackAnswer renders GET /api/v1/track with the disclosures.
func (s *Server) trackAnswer(c echo.Context, cv *vault.Complaint) error {
	out := trackView{Complaint: cv, Disclosures: []disclosureView{}}
	if s.cfg.Unseal != nil {
		ds, err := s.cfg.Unseal.Disclosures(cv.ID)
		if err != nil {
			return err
		}
		for _, d := range ds {
			out.Disclosures = append(out.Disclosures, disclosureView{RequestID: d.RequestID, LegalBasis: d.LegalBasis,
				ApprovedAt: d.ApprovedAt, NoticeAt: d.NoticeAt, Proof: d.Proof, Checkpoint: string(d.Checkpoint)})
		}
	}
	return c.JSON(http.StatusOK, out)
}
