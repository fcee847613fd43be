package unseal

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"kotak/vault"
)

// Buckets are the service's buckets, all in the vault's database; pass
// them to vault.Options.Buckets (New also makes them if missing).
//
//	unseal_requests     request id → request record (JSON, "v":1; the justification box-sealed)
//	unseal_open         lp(requester) ‖ request id → empty      pending requests, for the open-request limit
//	unseal_expiry       ts(expires) ‖ request id → empty        pending requests, for Expire
//	unseal_disclosures  lp(complaint id) ‖ request id → empty   approved requests, for the reporter
//
// lp(x) is a one-byte length and x; ts is Unix nanoseconds as a big-endian
// uint64. A request's index entries are written and deleted in the same
// transaction as the request and its audit entries.
var Buckets = [][]byte{bucketRequests, bucketOpen, bucketExpiry, bucketDisclosures}

var (
	bucketRequests    = []byte("unseal_requests")
	bucketOpen        = []byte("unseal_open")
	bucketExpiry      = []byte("unseal_expiry")
	bucketDisclosures = []byte("unseal_disclosures")
)

// recordVersion is the "v" of a stored request.
const recordVersion = 1

// record is a request as stored.
type record struct {
	V             int              `json:"v"`
	ID            string           `json:"id"`
	Complaint     string           `json:"complaint"`
	Requester     string           `json:"requester"`
	Role          vault.Role       `json:"role"`
	LegalBasis    string           `json:"legal_basis"`
	Justification []byte           `json:"justification"` // box.Seal(key, text, aadJustification(id))
	RecipientKey  []byte           `json:"recipient_key"`
	Keyring       string           `json:"keyring"` // hex keyring id
	Threshold     int              `json:"threshold"`
	N             int              `json:"n"`
	DeferralDays  int              `json:"deferral_days"`
	Status        Status           `json:"status"`
	Created       time.Time        `json:"created"`
	Expires       time.Time        `json:"expires"`
	Closed        time.Time        `json:"closed,omitzero"`
	NoticeAt      time.Time        `json:"notice_at,omitzero"`
	LogIndex      int64            `json:"log_index"`        // the unseal_request entry
	ClosedIndex   int64            `json:"closed_log_index"` // unseal_approved, _denied or _expired
	Decisions     []decisionRecord `json:"decisions"`
}

type decisionRecord struct {
	Auditor   string    `json:"auditor"` // keyring auditor id
	Index     int       `json:"index"`   // its share index
	Account   string    `json:"account"` // staff account
	Verdict   Verdict   `json:"verdict"`
	Time      time.Time `json:"time"`
	Signature []byte    `json:"signature"`
	Share     []byte    `json:"share,omitempty"` // re-sealed share of an approval
	LogIndex  int64     `json:"log_index"`
}

func aadJustification(id string) []byte { return []byte("kotak/v1 unseal justification\x00" + id) }

func appendLPKey(b []byte, s string) []byte { return append(append(b, byte(len(s))), s...) }

func openKey(requester, id string) []byte { return append(appendLPKey(nil, requester), id...) }
func disclosureKey(complaint, id string) []byte {
	return append(appendLPKey(nil, complaint), id...)
}

func expiryKey(t time.Time, id string) []byte {
	n := t.UnixNano()
	if n < 0 {
		n = 0
	}
	return append(binary.BigEndian.AppendUint64(nil, uint64(n)), id...)
}

func getRecord(tx vault.Tx, id string) (*record, error) {
	if !ValidRequestID(id) {
		return nil, ErrNotFound
	}
	raw := tx.Get(bucketRequests, []byte(id))
	if raw == nil {
		return nil, ErrNotFound
	}
	var r record
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%w: encoding", ErrCorrupt)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: trailing data", ErrCorrupt)
	}
	if r.V != recordVersion || r.ID != id {
		return nil, fmt.Errorf("%w: version or id", ErrCorrupt)
	}
	return &r, nil
}

func putRecord(tx vault.Tx, r *record) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return tx.Put(bucketRequests, []byte(r.ID), raw)
}

// setPending adds (on) or removes (off) the pending indexes of r.
func setPending(tx vault.Tx, r *record, on bool) error {
	keys := []struct{ b, k []byte }{
		{bucketOpen, openKey(r.Requester, r.ID)},
		{bucketExpiry, expiryKey(r.Expires, r.ID)},
	}
	for _, e := range keys {
		var err error
		if on {
			err = tx.Put(e.b, e.k, []byte{})
		} else {
			err = tx.Delete(e.b, e.k)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
