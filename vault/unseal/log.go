package unseal

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"time"

	"kotak/crypto/seal"
	"kotak/vault"
	"kotak/vault/auditlog"
)

// Every step is an audit log entry (vault/auditlog) with the request and
// complaint ids, the keyring id, the actor's role and account, and in
// Details the SHA-256 of a details document: canonical JSON (the fields of
// details below in order, empty ones left out) that anyone holding the
// request can rebuild. The justification is only ever in the document of
// the unseal_request entry, so the log commits to it without showing it.

// details is the details document of an unseal entry.
type details struct {
	V                  int      `json:"v"`
	Request            string   `json:"request"`
	Complaint          string   `json:"complaint"`
	Time               string   `json:"time"` // RFC 3339, UTC, full precision
	Requester          string   `json:"requester,omitempty"`
	Role               string   `json:"role,omitempty"`
	LegalBasis         string   `json:"legal_basis,omitempty"`
	Justification      string   `json:"justification,omitempty"`
	RecipientKeySHA256 string   `json:"recipient_key_sha256,omitempty"`
	Keyring            string   `json:"keyring,omitempty"`
	Threshold          int      `json:"threshold,omitempty"`
	N                  int      `json:"n,omitempty"`
	DeferralDays       int      `json:"deferral_days,omitempty"`
	Expires            string   `json:"expires,omitempty"`
	Auditor            string   `json:"auditor,omitempty"`
	Index              int      `json:"index,omitempty"`
	Verdict            string   `json:"verdict,omitempty"`
	Signature          string   `json:"signature,omitempty"` // standard base64
	ShareSHA256        string   `json:"share_sha256,omitempty"`
	Status             string   `json:"status,omitempty"`
	Approvers          []string `json:"approvers,omitempty"`
	Deniers            []string `json:"deniers,omitempty"`
	NoticeAt           string   `json:"notice_at,omitempty"`
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func (s *Service) requestDetails(r *record, justification string) details {
	return details{
		V: 1, Request: r.ID, Complaint: r.Complaint, Time: ts(r.Created), Requester: r.Requester,
		Role: string(r.Role), LegalBasis: r.LegalBasis, Justification: justification,
		RecipientKeySHA256: hashHex(r.RecipientKey), Keyring: r.Keyring, Threshold: r.Threshold, N: r.N,
		DeferralDays: r.DeferralDays, Expires: ts(r.Expires),
	}
}

func decisionDetails(r *record, d *decisionRecord) details {
	doc := details{
		V: 1, Request: r.ID, Complaint: r.Complaint, Time: ts(d.Time), Auditor: d.Auditor, Index: d.Index,
		Verdict: string(d.Verdict), Signature: base64.StdEncoding.EncodeToString(d.Signature),
	}
	if len(d.Share) > 0 {
		doc.ShareSHA256 = hashHex(d.Share)
	}
	return doc
}

func (s *Service) closeDetails(r *record, now time.Time) details {
	doc := details{V: 1, Request: r.ID, Complaint: r.Complaint, Time: ts(now), Status: string(r.Status)}
	for _, d := range r.Decisions {
		if d.Verdict == Approve {
			doc.Approvers = append(doc.Approvers, d.Auditor)
		} else {
			doc.Deniers = append(doc.Deniers, d.Auditor)
		}
	}
	if r.Status == StatusApproved {
		doc.NoticeAt = ts(r.NoticeAt)
	}
	return doc
}

func deferDetails(r *record) details {
	return details{V: 1, Request: r.ID, Complaint: r.Complaint, Time: ts(r.Closed), DeferralDays: r.DeferralDays,
		NoticeAt: ts(r.NoticeAt)}
}

func revealDetails(r *record, now time.Time) details {
	return details{V: 1, Request: r.ID, Complaint: r.Complaint, Time: ts(now), Requester: r.Requester}
}

// appendEntry logs one step of r inside tx and returns the entry's index.
func (s *Service) appendEntry(tx vault.Tx, r *record, action string, a vault.Actor, now time.Time, doc details) (int64, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return 0, err
	}
	defer clear(raw)
	return auditlog.Append(tx, auditlog.Entry{
		Time: now, Role: string(a.Role), Actor: safeID(a.ID), Action: action,
		Complaint: safeID(r.Complaint), Request: r.ID, Keyring: r.Keyring, Details: auditlog.DetailsHash(raw),
	})
}

// safeID passes ids the log accepts and replaces others by "x-" and 32 hex
// digits of their SHA-256, as auditlog.FromEvent does.
func safeID(s string) string {
	if s == "" || auditlog.ValidID(s) {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return "x-" + hex.EncodeToString(sum[:16])
}

func parseSealed(b []byte) (*seal.Record, error) { return seal.Parse(b) }
