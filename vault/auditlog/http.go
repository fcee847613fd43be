package auditlog

import (
	"encoding/json"
	"errors"
	"net/url"
	"strconv"

	"golang.org/x/mod/sumdb/tlog"
)

// The public HTTP contract (docs/audit-log.md). The HTTP layer routes
//
//	GET /api/v1/audit/checkpoint                  Log.Checkpoint, as CheckpointContentType
//	GET /api/v1/audit/entries?start=&end=         Log.EntriesQuery → *EntriesResponse
//	GET /api/v1/audit/proof?index=[&size=]        Log.ProofQuery   → *InclusionResponse
//	GET /api/v1/audit/proof?old=&size=            Log.ProofQuery   → *ConsistencyResponse
//
// and maps errors: *QueryError → 400 with its Field; ErrNoCheckpoint →
// 404; anything else → 500 (its text is not for clients).
const (
	PathCheckpoint = "/api/v1/audit/checkpoint"
	PathEntries    = "/api/v1/audit/entries"
	PathProof      = "/api/v1/audit/proof"

	CheckpointContentType = "text/plain; charset=utf-8"
)

// EntriesResponse is the body of GET /api/v1/audit/entries. Each element
// of Entries is an entry's exact canonical bytes, the leaf the tree hashes
// (tlog.RecordHash: SHA-256 of 0x00 ‖ bytes). Entries holds entries Start,
// Start+1, …; an empty list means the server has lost entry Start.
type EntriesResponse struct {
	Start    int64             `json:"start"`
	TreeSize int64             `json:"tree_size"` // entries in the log now (not necessarily signed yet)
	Entries  []json.RawMessage `json:"entries"`
}

// InclusionResponse is the body of GET /api/v1/audit/proof?index=&size=:
// the entry and its RFC 6962 audit path (base64 hashes, leaf to root) in
// the tree of TreeSize entries.
type InclusionResponse struct {
	Index    int64           `json:"index"`
	TreeSize int64           `json:"tree_size"`
	Entry    json.RawMessage `json:"entry"`
	Proof    []tlog.Hash     `json:"proof"`
}

// ConsistencyResponse is the body of GET /api/v1/audit/proof?old=&size=:
// the RFC 6962 consistency proof (base64 hashes) that the tree of Old
// entries is a prefix of the tree of TreeSize entries.
type ConsistencyResponse struct {
	Old      int64       `json:"old"`
	TreeSize int64       `json:"tree_size"`
	Proof    []tlog.Hash `json:"proof"`
}

// EntriesPage returns entries [start, end) as a response, at most MaxPage
// of them (see Entries). The page ends before a lost entry, or a stored
// entry so garbled it is not JSON; such an entry at start gives an empty
// page, which a verifier reports as that entry missing.
func (l *Log) EntriesPage(start, end int64) (*EntriesResponse, error) {
	resp := &EntriesResponse{Start: start, Entries: []json.RawMessage{}}
	err := l.view(func(g getter) error {
		n, page, err := readEntries(g, start, end)
		resp.TreeSize = n
		var be *BadEntryError
		if errors.As(err, &be) {
			return nil
		}
		for _, e := range page {
			if !json.Valid(e) {
				break // garbled: it cannot be sent as JSON, so it reads as lost
			}
			resp.Entries = append(resp.Entries, e)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// Inclusion returns entry index with its inclusion proof in the tree of
// size entries; size 0 means the latest checkpoint's size (ErrNoCheckpoint
// without one). Use it for the reporter's disclosure page too.
func (l *Log) Inclusion(index, size int64) (*InclusionResponse, error) {
	var resp *InclusionResponse
	err := l.view(func(g getter) error {
		if size == 0 {
			v := g.Get(bucketMeta, keyCheckpoint)
			if v == nil {
				return ErrNoCheckpoint
			}
			t, err := parseUnverified(v)
			if err != nil {
				return err
			}
			size = t.N
		}
		if err := checkInclusion(g, index, size); err != nil {
			return err
		}
		entry := g.Get(bucketEntries, indexKey(index))
		if entry == nil || !json.Valid(entry) {
			return &BadEntryError{Index: index, Reason: ErrEntryMissing}
		}
		p, err := tlog.ProveRecord(size, index, hashReader{g})
		if err != nil {
			return err
		}
		resp = &InclusionResponse{Index: index, TreeSize: size, Entry: append(json.RawMessage(nil), entry...), Proof: p}
		return nil
	})
	return resp, err
}

// Consistency returns the consistency proof between trees of old and size
// entries (see ConsistencyProof).
func (l *Log) Consistency(old, size int64) (*ConsistencyResponse, error) {
	p, err := l.ConsistencyProof(old, size)
	if err != nil {
		return nil, err
	}
	return &ConsistencyResponse{Old: old, TreeSize: size, Proof: p}, nil
}

// EntriesQuery serves GET /api/v1/audit/entries: start is required, end
// defaults to start+MaxPage. Bad parameters give a *QueryError.
func (l *Log) EntriesQuery(q url.Values) (*EntriesResponse, error) {
	v, err := parseQuery(q, "start", "end")
	if err != nil {
		return nil, err
	}
	start, ok := v["start"]
	if !ok {
		return nil, &QueryError{Field: "start", Err: ErrQuery}
	}
	end, ok := v["end"]
	if !ok {
		end = start + MaxPage
	}
	return l.EntriesPage(start, end)
}

// ProofQuery serves GET /api/v1/audit/proof: with index (and size, default
// the latest checkpoint's) it returns an *InclusionResponse, with old and
// size a *ConsistencyResponse. Bad parameters give a *QueryError.
func (l *Log) ProofQuery(q url.Values) (any, error) {
	v, err := parseQuery(q, "index", "old", "size")
	if err != nil {
		return nil, err
	}
	index, hasIndex := v["index"]
	old, hasOld := v["old"]
	size, hasSize := v["size"]
	switch {
	case hasIndex && hasOld:
		return nil, &QueryError{Field: "old", Err: ErrQuery}
	case hasIndex:
		if hasSize && size == 0 {
			return nil, &QueryError{Field: "size", Err: ErrRange}
		}
		return l.Inclusion(index, size)
	case hasOld:
		if !hasSize {
			return nil, &QueryError{Field: "size", Err: ErrQuery}
		}
		return l.Consistency(old, size)
	}
	return nil, &QueryError{Field: "index", Err: ErrQuery}
}

// parseQuery reads the allowed parameters (an unknown one is a
// *QueryError with Field "query"), each at most once, as
// non-negative decimal integers of at most 18 digits.
func parseQuery(q url.Values, allowed ...string) (map[string]int64, error) {
	out := make(map[string]int64, len(allowed))
	for key, vals := range q {
		known := false
		for _, a := range allowed {
			known = known || a == key
		}
		if !known {
			// The name comes from the client: do not echo it.
			return nil, &QueryError{Field: "query", Err: ErrQuery}
		}
		if len(vals) != 1 || !decimal(vals[0]) {
			return nil, &QueryError{Field: key, Err: ErrQuery}
		}
		n, err := strconv.ParseInt(vals[0], 10, 64)
		if err != nil {
			return nil, &QueryError{Field: key, Err: ErrQuery}
		}
		out[key] = n
	}
	return out, nil
}

func decimal(s string) bool {
	if len(s) == 0 || len(s) > 18 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
