package auditlog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// Bounds on what an HTTPSource reads from a server.
const (
	maxEntriesBody = MaxPage*(MaxEntrySize+8) + 4096
	maxProofBody   = 8192
	maxProofHashes = 128
)

// HTTPSource reads a log from a server's public endpoints. It implements
// Source; Verify checks everything it returns.
type HTTPSource struct {
	ctx    context.Context
	base   string
	client *http.Client
}

// NewHTTPSource returns a Source for the server at baseURL (http or https,
// without the /api/v1 part). Requests use ctx and client (default
// http.DefaultClient).
func NewHTTPSource(ctx context.Context, baseURL string, client *http.Client) (*HTTPSource, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%w: server URL must be http(s)://host[:port][/prefix]", ErrSource)
	}
	if client == nil {
		client = http.DefaultClient
	}
	return &HTTPSource{ctx: ctx, base: strings.TrimSuffix(u.String(), "/"), client: client}, nil
}

// statusError is a non-200 answer.
type statusError struct {
	path string
	code int
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%v: %s answered %d", ErrSource, e.path, e.code)
}

func (e *statusError) Unwrap() error { return ErrSource }

func (s *HTTPSource) get(path string, q url.Values, limit int64) ([]byte, error) {
	u := s.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(s.ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("auditlog: %w", err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("auditlog: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &statusError{path: path, code: resp.StatusCode}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("auditlog: reading %s: %w", path, err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: %s answer too long", ErrSource, path)
	}
	return body, nil
}

// Checkpoint fetches GET /api/v1/audit/checkpoint.
func (s *HTTPSource) Checkpoint() ([]byte, error) {
	return s.get(PathCheckpoint, nil, MaxCheckpointSize)
}

// Entries fetches GET /api/v1/audit/entries?start=&end=. Each entry is
// compacted (json.Compact), so a server that indents its answers still
// gives the canonical bytes. An empty page, or a 400 answer (the server
// denies having entry start), is reported as entry start missing.
func (s *HTTPSource) Entries(start, end int64) ([][]byte, error) {
	body, err := s.get(PathEntries, url.Values{
		"start": {strconv.FormatInt(start, 10)}, "end": {strconv.FormatInt(end, 10)},
	}, maxEntriesBody)
	var se *statusError
	if errors.As(err, &se) && se.code == http.StatusBadRequest {
		return nil, &BadEntryError{Index: start, Reason: ErrEntryMissing}
	}
	if err != nil {
		return nil, err
	}
	var r EntriesResponse
	if err := strictJSON(body, &r); err != nil || r.Start != start {
		return nil, fmt.Errorf("%w: malformed entries page", ErrSource)
	}
	if len(r.Entries) == 0 {
		return nil, &BadEntryError{Index: start, Reason: ErrEntryMissing}
	}
	if int64(len(r.Entries)) > end-start {
		return nil, fmt.Errorf("%w: more entries than asked for", ErrSource)
	}
	out := make([][]byte, len(r.Entries))
	for i, raw := range r.Entries {
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			return nil, fmt.Errorf("%w: malformed entries page", ErrSource)
		}
		out[i] = b.Bytes()
	}
	return out, nil
}

// ConsistencyProof fetches GET /api/v1/audit/proof?old=&size=.
func (s *HTTPSource) ConsistencyProof(oldSize, size int64) (tlog.TreeProof, error) {
	body, err := s.get(PathProof, url.Values{
		"old": {strconv.FormatInt(oldSize, 10)}, "size": {strconv.FormatInt(size, 10)},
	}, maxProofBody)
	if err != nil {
		return nil, err
	}
	var r ConsistencyResponse
	if err := strictJSON(body, &r); err != nil || r.Old != oldSize || r.TreeSize != size || len(r.Proof) > maxProofHashes {
		return nil, fmt.Errorf("%w: malformed consistency proof", ErrSource)
	}
	return r.Proof, nil
}

// InclusionProof fetches GET /api/v1/audit/proof?index=&size= and returns
// the entry and its proof, unchecked: check them with CheckInclusion.
func (s *HTTPSource) InclusionProof(index, size int64) (*InclusionResponse, error) {
	body, err := s.get(PathProof, url.Values{
		"index": {strconv.FormatInt(index, 10)}, "size": {strconv.FormatInt(size, 10)},
	}, maxProofBody+MaxEntrySize)
	if err != nil {
		return nil, err
	}
	var r InclusionResponse
	if err := strictJSON(body, &r); err != nil || r.Index != index || r.TreeSize != size || len(r.Proof) > maxProofHashes {
		return nil, fmt.Errorf("%w: malformed inclusion proof", ErrSource)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, r.Entry); err != nil {
		return nil, fmt.Errorf("%w: malformed inclusion proof", ErrSource)
	}
	r.Entry = b.Bytes()
	return &r, nil
}

// strictJSON decodes one JSON value with no unknown fields and nothing after it.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return ErrSource
	}
	if _, err := dec.Token(); err != io.EOF {
		return ErrSource
	}
	return nil
}
