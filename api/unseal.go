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

// UnsealFiling is the body of POST /api/v1/unseal-requests. RecipientKey
// is the officer's packed X-Wing public key in standard base64.
type UnsealFiling struct {
	ComplaintID        string `json:"complaint_id"`
	LegalBasis         string `json:"legal_basis"`
	Justification      string `json:"justification"`
	RecipientKey       string `json:"recipient_key"`
	NoticeDeferralDays int    `json:"notice_deferral_days"`

	key []byte // RecipientKey decoded, by validate
}

func (b *UnsealFiling) validate() *Error {
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

// UnsealDecision is the body of POST /api/v1/unseal-requests/{id}/approvals:
// an auditor's signed approval (with the share re-sealed to the recipient
// key) or denial (without one). SealedShare and Signature are standard
// base64.
type UnsealDecision struct {
	AuditorID   string         `json:"auditor_id"`
	Decision    unseal.Verdict `json:"decision"`
	SealedShare string         `json:"sealed_share"`
	Signature   string         `json:"signature"`

	share, sig []byte // SealedShare and Signature decoded, by validate
}

func (b *UnsealDecision) validate() *Error {
	switch {
	case b.AuditorID == "":
		return fieldError("auditor_id", "required")
	case !b.Decision.Valid():
		return fieldError("decision", "must be approve or deny")
	case b.Signature == "":
		return fieldError("signature", "required")
	case b.Decision == unseal.Approve && b.SealedShare == "":
		return fieldError("sealed_share", "required for an approval")
	case b.Decision == unseal.Deny && b.SealedShare != "":
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

// UnsealDecisionResult is the answer to an UnsealDecision: the request's
// status and counts after it.
type UnsealDecisionResult struct {
	Approvals int            `json:"approvals"`
	Decision  unseal.Verdict `json:"decision"`
	Denials   int            `json:"denials"`
	RequestID string         `json:"request_id"`
	Status    unseal.Status  `json:"status"`
	Threshold int            `json:"threshold"`
}

// UnsealRequest is a request as its parties see it: the answer of
// POST /api/v1/unseal-requests and GET /api/v1/unseal-requests/{id}.
// Binary values are standard base64; Keyring is the keyring's canonical
// text.
type UnsealRequest struct {
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
	Complaint               *vault.Complaint `json:"complaint,omitempty"`     // auditors only; nil once shredded
	SealedRecord            string           `json:"sealed_record,omitempty"` // auditors only
	Keyring                 string           `json:"keyring,omitempty"`       // auditors only
}

func newUnsealView(q *unseal.Request) *UnsealRequest {
	return &UnsealRequest{
		ID: q.ID, Status: q.Status, ComplaintID: q.ComplaintID, Requester: q.Requester, LegalBasis: q.LegalBasis,
		Justification: q.Justification, RecipientKey: b64.EncodeToString(q.RecipientKey),
		RecipientKeyFingerprint: unseal.RecipientFingerprint(q.RecipientKey), NoticeDeferralDays: q.DeferralDays,
		KeyringID: q.KeyringID.String(), Threshold: q.Threshold, Auditors: q.N, Approvals: q.Approvals,
		Denials: q.Denials, CreatedAt: q.CreatedAt, ExpiresAt: q.ExpiresAt, ClosedAt: q.ClosedAt, NoticeAt: q.NoticeAt,
	}
}

// UnsealDecisionItem is one auditor's decision in UnsealApprovals.
type UnsealDecisionItem struct {
	AuditorID   string         `json:"auditor_id"`
	Index       int            `json:"index"`
	Decision    unseal.Verdict `json:"decision"`
	Time        time.Time      `json:"time"`
	Signature   string         `json:"signature"`
	SealedShare string         `json:"sealed_share,omitempty"`
}

// UnsealApprovals is the answer of GET /api/v1/unseal-requests/{id}/approvals:
// the decisions so far; for the filing officer of an approved request also
// the sealed record and the keyring that open the re-sealed shares.
type UnsealApprovals struct {
	RequestID    string               `json:"request_id"`
	ComplaintID  string               `json:"complaint_id"`
	Status       unseal.Status        `json:"status"`
	Threshold    int                  `json:"threshold"`
	Approvals    int                  `json:"approvals"`
	Denials      int                  `json:"denials"`
	Items        []UnsealDecisionItem `json:"items"`
	SealedRecord string               `json:"sealed_record,omitempty"` // the filing officer, once approved
	Keyring      string               `json:"keyring,omitempty"`       // the filing officer, once approved
}

func newApprovalsView(q *unseal.Request) *UnsealApprovals {
	v := &UnsealApprovals{RequestID: q.ID, ComplaintID: q.ComplaintID, Status: q.Status, Threshold: q.Threshold,
		Approvals: q.Approvals, Denials: q.Denials, Items: make([]UnsealDecisionItem, 0, len(q.Decisions))}
	for _, d := range q.Decisions {
		dv := UnsealDecisionItem{AuditorID: d.AuditorID, Index: d.Index, Decision: d.Verdict, Time: d.Time,
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
	var b UnsealFiling
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

// unsealFor is the request named by the path, as the session's actor may
// see it.
func (s *Server) unsealFor(c echo.Context) (*session, *unseal.Request, error) {
	ss := sessionOf(c)
	if ss == nil {
		return nil, nil, errUnauthorized
	}
	q, err := s.cfg.Unseal.Get(ss.actor, c.Param("id"))
	if err != nil {
		return nil, nil, unsealError(err)
	}
	return ss, q, nil
}

func (s *Server) getUnseal(c echo.Context) error {
	ss, q, err := s.unsealFor(c)
	if err != nil {
		return err
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
	var b UnsealDecision
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	q, err := s.cfg.Unseal.Decide(ss.actor, ss.user.AuditorID, c.Param("id"), unseal.DecisionInput{
		AuditorID: b.AuditorID, Verdict: b.Decision, SealedShare: b.share, Signature: b.sig})
	if err != nil {
		return unsealError(err)
	}
	return c.JSON(http.StatusCreated, UnsealDecisionResult{RequestID: q.ID, Status: q.Status, Decision: b.Decision,
		Approvals: q.Approvals, Denials: q.Denials, Threshold: q.Threshold})
}

func (s *Server) unsealApprovals(c echo.Context) error {
	ss, q, err := s.unsealFor(c)
	if err != nil {
		return err
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

// unsealErrors maps the unseal service's errors to answers, first match
// first.
var unsealErrors = []struct {
	err    error
	answer *Error
}{
	{unseal.ErrNotFound, errNotFound},
	{unseal.ErrForbidden, errForbidden},
	{unseal.ErrLegalBasis, fieldError("legal_basis", "not a legal basis the policy allows")},
	{unseal.ErrJustification, fieldError("justification", "must be 20 to 4000 characters of text")},
	{unseal.ErrRecipientKey, fieldError("recipient_key", "must be a packed X-Wing public key")},
	{unseal.ErrDeferral, fieldError("notice_deferral_days", "longer than the policy allows")},
	{unseal.ErrNotSealed, apiError(http.StatusConflict, "not_sealed", "the complaint has no sealed record for this keyring")},
	{unseal.ErrTooManyOpen, apiError(http.StatusConflict, "too_many_open_requests", "too many open requests for this account")},
	{unseal.ErrUnknownAuditor, fieldError("auditor_id", "not an auditor of the keyring")},
	{unseal.ErrDecision, fieldError("decision", "must be approve or deny")},
	{unseal.ErrShare, fieldError("sealed_share", "not a re-sealed share for this auditor")},
	{unseal.ErrSignature, &Error{Status: http.StatusBadRequest, Code: "bad_signature", Field: "signature",
		Message: "the signature does not verify for this request, record, recipient key and share"}},
	{unseal.ErrDuplicate, apiError(http.StatusConflict, "duplicate_decision", "this auditor has already decided")},
	{unseal.ErrClosed, apiError(http.StatusConflict, "request_closed", "the request is already closed")},
	{unseal.ErrExpired, apiError(http.StatusConflict, "request_expired", "the request has expired")},
	{unseal.ErrNotApproved, apiError(http.StatusConflict, "not_approved", "the request is not approved")},
}

// unsealError maps the unseal service's errors; others go to the central
// mapper (vault errors) or are internal.
func unsealError(err error) error {
	for _, m := range unsealErrors {
		if errors.Is(err, m.err) {
			return m.answer
		}
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
