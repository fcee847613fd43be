package vault

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// The database schema: every bucket and every key encoding lives here.
//
// Integers in keys are big-endian so that bytewise order is numeric order.
// Times in keys are Unix nanoseconds as uint64 ("ts" below). An agency id
// in a key is length-prefixed with one byte ("lp(agency)") so that prefix
// scans cannot run into a longer agency id. Status codes are one byte (see
// statusCodes). Index values are empty: the key holds everything.
//
//	meta               "schema" → uint32 schema version
//	complaints         id → record (JSON, see record.go): plain index fields and the sealed title
//	details            id → body, events, messages, contact, profile: JSON sealed under the DEK
//	deks               id → DEK wrapped by the KEK, AAD = id
//	sealed             id → sealed record (crypto/seal), the identity and original text
//	receipts           HMAC-SHA256(receipt) (32 bytes) → id
//	attachments        id ‖ uint8 n → sanitized file sealed under the DEK
//	tombstones         id → tombstone (JSON) of a shredded complaint
//	idx_time           ts(submitted) ‖ id                       every live complaint
//	idx_status         status ‖ ts(submitted) ‖ id
//	idx_agency         lp(agency) ‖ ts(submitted) ‖ id          once dispatched
//	idx_agency_status  lp(agency) ‖ status ‖ ts(submitted) ‖ id once dispatched
//	idx_public         ts(submitted) ‖ id                       public complaints, once dispatched
//	idx_autoclose      ts(auto-close time) ‖ id                 while resolved
//	idx_final          ts(closed or archived) ‖ id              closed and archived, for the retention purge
//
// The same database holds the buckets of the services built on the vault,
// made at open through Options.Buckets; each package's schema comment gives
// their key encodings:
//
//	staff_users, staff_sessions, staff_user_sessions, staff_session_expiry  vault/staff
//	dir_agencies, dir_categories                                      vault/directory
//	audit_entries, audit_hashes, audit_meta                           vault/auditlog
//	unseal_requests, unseal_open, unseal_expiry, unseal_disclosures   vault/unseal
var (
	bucketMeta        = []byte("meta")
	bucketComplaints  = []byte("complaints")
	bucketDetails     = []byte("details")
	bucketDEKs        = []byte("deks")
	bucketSealed      = []byte("sealed")
	bucketReceipts    = []byte("receipts")
	bucketAttachments = []byte("attachments")
	bucketTombstones  = []byte("tombstones")
	idxTime           = []byte("idx_time")
	idxStatus         = []byte("idx_status")
	idxAgency         = []byte("idx_agency")
	idxAgencyStatus   = []byte("idx_agency_status")
	idxPublic         = []byte("idx_public")
	idxAutoClose      = []byte("idx_autoclose")
	idxFinal          = []byte("idx_final")

	keySchema = []byte("schema")
)

// allBuckets is made at open, in this order.
var allBuckets = [][]byte{
	bucketMeta, bucketComplaints, bucketDetails, bucketDEKs, bucketSealed, bucketReceipts,
	bucketAttachments, bucketTombstones, idxTime, idxStatus, idxAgency,
	idxAgencyStatus, idxPublic, idxAutoClose, idxFinal,
}

// SchemaVersion is the database layout this code reads and writes. Open
// refuses a database with a newer version.
const SchemaVersion = 1

// statusCodes are the one-byte status codes used in index keys. Never
// renumber them: they are on disk.
var statusCodes = map[Status]byte{
	StatusSubmitted:  1,
	StatusDispatched: 2,
	StatusInProgress: 3,
	StatusResolved:   4,
	StatusClosed:     5,
	StatusOnHold:     6,
	StatusArchived:   7,
}

// initSchema makes every bucket and checks or stores the schema version.
func initSchema(tx Tx, extra [][]byte) error {
	for _, b := range append(append([][]byte(nil), allBuckets...), extra...) {
		if err := tx.CreateBucket(b); err != nil {
			return err
		}
	}
	v := tx.Get(bucketMeta, keySchema)
	switch {
	case v == nil:
		return tx.Put(bucketMeta, keySchema, binary.BigEndian.AppendUint32(nil, SchemaVersion))
	case len(v) != 4:
		return fmt.Errorf("%w: schema version record", ErrCorrupt)
	case binary.BigEndian.Uint32(v) > SchemaVersion:
		return fmt.Errorf("%w: database has version %d, this program knows %d",
			ErrSchemaVersion, binary.BigEndian.Uint32(v), SchemaVersion)
	case binary.BigEndian.Uint32(v) < SchemaVersion:
		// No older layout exists yet; a migration would go here.
		return fmt.Errorf("%w: database has version %d, no migration to %d",
			ErrSchemaVersion, binary.BigEndian.Uint32(v), SchemaVersion)
	}
	return nil
}

func appendTS(b []byte, t time.Time) []byte {
	n := t.UnixNano()
	if n < 0 {
		n = 0
	}
	return binary.BigEndian.AppendUint64(b, uint64(n))
}

func appendLP(b []byte, s string) []byte {
	return append(append(b, byte(len(s))), s...)
}

// indexEntry is one key in one index bucket.
type indexEntry struct {
	bucket []byte
	key    []byte
}

// indexEntries derives every index key of a live record. Updating a record
// deletes the entries it no longer has and adds the new ones.
func indexEntries(r *record) []indexEntry {
	code := statusCodes[r.Status]
	ts := appendTS(nil, r.SubmittedAt)
	tail := append(append([]byte(nil), ts...), r.ID...)
	out := []indexEntry{
		{idxTime, tail},
		{idxStatus, append([]byte{code}, tail...)},
	}
	if r.Agency != "" {
		lp := appendLP(nil, r.Agency)
		out = append(out,
			indexEntry{idxAgency, append(append([]byte(nil), lp...), tail...)},
			indexEntry{idxAgencyStatus, append(append(lp, code), tail...)},
		)
		if r.Privacy == PrivacyPublic {
			out = append(out, indexEntry{idxPublic, tail})
		}
	}
	if r.Status == StatusResolved && !r.AutoCloseAt.IsZero() {
		out = append(out, indexEntry{idxAutoClose, append(appendTS(nil, r.AutoCloseAt), r.ID...)})
	}
	if (r.Status == StatusClosed || r.Status == StatusArchived) && !r.FinalAt.IsZero() {
		out = append(out, indexEntry{idxFinal, append(appendTS(nil, r.FinalAt), r.ID...)})
	}
	return out
}

// updateIndexes replaces old's index entries by next's (either may be nil).
func updateIndexes(tx Tx, old, next *record) error {
	var before, after []indexEntry
	if old != nil {
		before = indexEntries(old)
	}
	if next != nil {
		after = indexEntries(next)
	}
	has := func(list []indexEntry, e indexEntry) bool {
		for _, x := range list {
			if bytes.Equal(x.bucket, e.bucket) && bytes.Equal(x.key, e.key) {
				return true
			}
		}
		return false
	}
	for _, e := range before {
		if !has(after, e) {
			if err := tx.Delete(e.bucket, e.key); err != nil {
				return err
			}
		}
	}
	for _, e := range after {
		if !has(before, e) {
			if err := tx.Put(e.bucket, e.key, []byte{}); err != nil {
				return err
			}
		}
	}
	return nil
}

// attachmentKey is id ‖ n.
func attachmentKey(id string, n int) []byte {
	return append([]byte(id), byte(n))
}

// cursorVersion prefixes every pagination cursor.
const cursorVersion = 1

// A page cursor is base64url(version ‖ ts ‖ id) of the last item returned:
// the next page starts strictly below it in newest-first order.
func encodeCursorKey(ts time.Time, id string) []byte {
	return append(appendTS([]byte{cursorVersion}, ts), id...)
}

var errCursor = errors.New("bad cursor")

// parseCursorKey returns the ts ‖ id position a cursor points at.
func parseCursorKey(raw []byte) ([]byte, error) {
	if len(raw) < 1+8+len(idPrefix) || raw[0] != cursorVersion {
		return nil, errCursor
	}
	pos := raw[1:]
	if !ValidID(string(pos[8:])) {
		return nil, errCursor
	}
	return pos, nil
}
