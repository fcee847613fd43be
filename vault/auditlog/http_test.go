package auditlog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// testServer serves a Log's public endpoints the way the HTTP layer is
// meant to: the handler-ready functions, and the error mapping of
// PathCheckpoint's doc comment.
func testServer(t testing.TB, l *Log) *httptest.Server {
	t.Helper()
	fail := func(w http.ResponseWriter, err error) {
		var qe *QueryError
		status, field := http.StatusInternalServerError, ""
		switch {
		case errors.As(err, &qe):
			status, field = http.StatusBadRequest, qe.Field
		case errors.Is(err, ErrNoCheckpoint):
			status = http.StatusNotFound
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": "x", "field": field}})
	}
	ok := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+PathCheckpoint, func(w http.ResponseWriter, r *http.Request) {
		cp, err := l.Checkpoint()
		if err != nil {
			fail(w, err)
			return
		}
		w.Header().Set("Content-Type", CheckpointContentType)
		_, _ = w.Write(cp)
	})
	mux.HandleFunc("GET "+PathEntries, func(w http.ResponseWriter, r *http.Request) {
		resp, err := l.EntriesQuery(r.URL.Query())
		if err != nil {
			fail(w, err)
			return
		}
		ok(w, resp)
	})
	mux.HandleFunc("GET "+PathProof, func(w http.ResponseWriter, r *http.Request) {
		resp, err := l.ProofQuery(r.URL.Query())
		if err != nil {
			fail(w, err)
			return
		}
		ok(w, resp)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestHTTPVerify(t *testing.T) {
	st, _, s, v := signedLog(t, 1234)
	srv := testServer(t, New(st))
	src, err := NewHTTPSource(context.Background(), srv.URL+"/", srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(src, VerifyOptions{Verifier: v})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Tree != mustHead(t, st) {
		t.Fatal("verified another tree")
	}
	// More entries, a newer checkpoint: consistent with the saved one.
	appendN(t, st, 1234, 1300, 11)
	if _, err := NewCheckpointer(st, s).SignNow(); err != nil {
		t.Fatal(err)
	}
	if rep2, err := Verify(src, VerifyOptions{Verifier: v, Saved: rep.Checkpoint}); err != nil || rep2.SavedSize != 1234 {
		t.Fatalf("Verify with saved = %+v, %v", rep2, err)
	}
	// One byte changed in the database: the server serves it, the
	// verifier names it.
	orig := rawGet(t, st, bucketEntries, indexKey(1001))
	b := bytes.Clone(orig)
	b[10] ^= 0x20 // "time" → "tiMe"
	rawPut(t, st, bucketEntries, indexKey(1001), b)
	_, err = Verify(src, VerifyOptions{Verifier: v})
	var be *BadEntryError
	if !errors.As(err, &be) || be.Index != 1001 || !errors.Is(err, ErrEntryMismatch) {
		t.Fatalf("Verify = %v, want entry 1001", err)
	}
	// A byte change that breaks the JSON: the server cannot send the
	// entry, and the verifier names it as missing.
	b = bytes.Clone(orig)
	b[len(b)-2] ^= 1
	rawPut(t, st, bucketEntries, indexKey(1001), b)
	_, err = Verify(src, VerifyOptions{Verifier: v})
	if !errors.As(err, &be) || be.Index != 1001 || !errors.Is(err, ErrEntryMissing) {
		t.Fatalf("Verify = %v, want entry 1001 missing", err)
	}
	// An entry lost on the server is named as missing.
	rawPut(t, st, bucketEntries, indexKey(1001), nil)
	_, err = Verify(src, VerifyOptions{Verifier: v})
	if !errors.As(err, &be) || be.Index != 1001 || !errors.Is(err, ErrEntryMissing) {
		t.Fatalf("Verify = %v, want entry 1001 missing", err)
	}
}

func TestHTTPInclusion(t *testing.T) {
	st, _, _, v := signedLog(t, 50)
	appendN(t, st, 50, 60, 10) // not yet signed
	srv := testServer(t, New(st))
	src, err := NewHTTPSource(context.Background(), srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := src.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	tree, err := OpenCheckpoint(cp, v)
	if err != nil || tree.N != 50 {
		t.Fatalf("checkpoint %+v, %v", tree, err)
	}
	for _, i := range []int64{0, 1, 25, 49} {
		r, err := src.InclusionProof(i, tree.N)
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckInclusion(tree, i, r.Entry, r.Proof); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if e, err := ParseEntry(r.Entry); err != nil || e.Complaint != testEntry(int(i)).Complaint {
			t.Fatalf("entry %d: %v", i, err)
		}
		bad := append([]byte(nil), r.Entry...)
		bad[12] ^= 1
		if err := CheckInclusion(tree, i, bad, r.Proof); !errors.Is(err, ErrProof) {
			t.Fatalf("changed entry %d accepted: %v", i, err)
		}
		if len(r.Proof) > 0 {
			p := append(tlog.RecordProof(nil), r.Proof...)
			p[len(p)-1][0] ^= 1
			if err := CheckInclusion(tree, i, r.Entry, p); !errors.Is(err, ErrProof) {
				t.Fatalf("flipped proof of %d accepted: %v", i, err)
			}
		}
	}
	if err := CheckInclusion(tree, 50, []byte("{}"), nil); !errors.Is(err, ErrRange) {
		t.Fatalf("index past the tree: %v", err)
	}
	// Without size, the proof is in the latest checkpoint's tree.
	var r InclusionResponse
	getJSON(t, srv.URL+PathProof+"?index=7", http.StatusOK, &r)
	if r.TreeSize != 50 || CheckInclusion(tree, 7, r.Entry, r.Proof) != nil {
		t.Fatalf("default size: %+v", r)
	}
}

func getJSON(t *testing.T, u string, wantStatus int, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantStatus {
		t.Fatalf("%s: status %d, want %d: %s", u, resp.StatusCode, wantStatus, body)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatal(err)
		}
	}
}

func TestHTTPQueries(t *testing.T) {
	empty, _ := newStore(t)
	emptySrv := testServer(t, New(empty))
	getJSON(t, emptySrv.URL+PathCheckpoint, http.StatusNotFound, nil)
	getJSON(t, emptySrv.URL+PathProof+"?index=0", http.StatusNotFound, nil)

	st, _, _, _ := signedLog(t, 20)
	srv := testServer(t, New(st))
	tests := []struct {
		name, path, query string
		field             string // "" for 200
	}{
		{"entries", PathEntries, "start=0&end=5", ""},
		{"entries without end", PathEntries, "start=3", ""},
		{"entries without start", PathEntries, "end=5", "start"},
		{"entries start at size", PathEntries, "start=20", "start"},
		{"entries end before start", PathEntries, "start=5&end=4", "end"},
		{"entries negative", PathEntries, "start=-1", "start"},
		{"entries plus sign", PathEntries, "start=%2B1", "start"},
		{"entries exponent", PathEntries, "start=1e3", "start"},
		{"entries repeated", PathEntries, "start=1&start=2", "start"},
		{"entries huge", PathEntries, "start=9999999999999999999", "start"},
		{"entries unknown parameter", PathEntries, "start=1&note=Budi", "query"},
		{"inclusion", PathProof, "index=3&size=20", ""},
		{"inclusion size 0", PathProof, "index=3&size=0", "size"},
		{"inclusion past size", PathProof, "index=20&size=20", "index"},
		{"inclusion beyond the log", PathProof, "index=3&size=21", "size"},
		{"consistency", PathProof, "old=3&size=20", ""},
		{"consistency without size", PathProof, "old=3", "size"},
		{"consistency old 0", PathProof, "old=0&size=20", "old"},
		{"index and old", PathProof, "index=1&old=3&size=20", "old"},
		{"no parameters", PathProof, "", "index"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := srv.URL + tc.path + "?" + tc.query
			if tc.field == "" {
				getJSON(t, u, http.StatusOK, nil)
				return
			}
			var body struct {
				Error struct{ Field string } `json:"error"`
			}
			getJSON(t, u, http.StatusBadRequest, &body)
			if body.Error.Field != tc.field {
				t.Fatalf("field %q, want %q", body.Error.Field, tc.field)
			}
		})
	}
	// The shapes of docs/audit-log.md.
	var page EntriesResponse
	getJSON(t, srv.URL+PathEntries+"?start=18&end=100", http.StatusOK, &page)
	if page.Start != 18 || page.TreeSize != 20 || len(page.Entries) != 2 {
		t.Fatalf("page %+v", page)
	}
	want, _ := func() ([]byte, error) { e := testEntry(18); return e.Marshal() }()
	if !bytes.Equal(page.Entries[0], want) {
		t.Fatalf("entry bytes changed in transit: %s", page.Entries[0])
	}
	var cons ConsistencyResponse
	getJSON(t, srv.URL+PathProof+"?old=5&size=20", http.StatusOK, &cons)
	if cons.Old != 5 || cons.TreeSize != 20 || len(cons.Proof) == 0 {
		t.Fatalf("consistency %+v", cons)
	}
	resp, err := http.Get(srv.URL + PathCheckpoint)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != CheckpointContentType {
		t.Fatalf("content type %q", resp.Header.Get("Content-Type"))
	}
}

func TestNewHTTPSourceURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "http://", "lapor.example.id", "http://x/?a=1", "http://x/#f", "::"} {
		if _, err := NewHTTPSource(context.Background(), u, nil); !errors.Is(err, ErrSource) {
			t.Errorf("%q accepted: %v", u, err)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8080", "https://lapor.example.id/kotak/"} {
		if _, err := NewHTTPSource(context.Background(), u, nil); err != nil {
			t.Errorf("%q refused: %v", u, err)
		}
	}
}

// TestHTTPSourceAnswers feeds the client malformed or hostile answers.
func TestHTTPSourceAnswers(t *testing.T) {
	st, _, _, v := signedLog(t, 10)
	l := New(st)
	goodPage, _ := l.EntriesPage(0, 10)
	tests := []struct {
		name    string
		entries func(w http.ResponseWriter, r *http.Request)
		want    error
	}{
		{"server error", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "boom", http.StatusInternalServerError)
		}, ErrSource},
		{"not JSON", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html>")) }, ErrSource},
		{"trailing data", func(w http.ResponseWriter, r *http.Request) {
			b, _ := json.Marshal(goodPage)
			_, _ = w.Write(append(b, "{}"...))
		}, ErrSource},
		{"unknown field", func(w http.ResponseWriter, r *http.Request) {
			b, _ := json.Marshal(goodPage)
			_, _ = w.Write(bytes.Replace(b, []byte(`"start"`), []byte(`"x":1,"start"`), 1))
		}, ErrSource},
		{"wrong start", func(w http.ResponseWriter, r *http.Request) {
			p := *goodPage
			p.Start = 3
			_ = json.NewEncoder(w).Encode(p)
		}, ErrSource},
		{"too many entries", func(w http.ResponseWriter, r *http.Request) {
			p := *goodPage
			p.Entries = append(append([]json.RawMessage(nil), p.Entries...), p.Entries[0])
			_ = json.NewEncoder(w).Encode(p)
		}, ErrSource},
		{"endless body", func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"start":0,"entries":["`))
			chunk := bytes.Repeat([]byte("a"), 1<<16)
			for range maxEntriesBody/len(chunk) + 2 {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, ErrSource},
		{"indented entries are compacted", func(w http.ResponseWriter, r *http.Request) {
			b, _ := json.MarshalIndent(goodPage, "", "  ")
			_, _ = w.Write(b)
		}, nil},
		{"changed entry", func(w http.ResponseWriter, r *http.Request) {
			p := *goodPage
			p.Entries = append([]json.RawMessage(nil), p.Entries...)
			p.Entries[4] = json.RawMessage(strings.Replace(string(p.Entries[4]), `"admin"`, `"agency"`, 1))
			_ = json.NewEncoder(w).Encode(p)
		}, ErrBadEntry},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("GET "+PathCheckpoint, func(w http.ResponseWriter, r *http.Request) {
				cp, _ := l.Checkpoint()
				_, _ = w.Write(cp)
			})
			mux.HandleFunc("GET "+PathProof, func(w http.ResponseWriter, r *http.Request) {
				resp, err := l.ProofQuery(r.URL.Query())
				if err != nil {
					http.Error(w, "bad", http.StatusBadRequest)
					return
				}
				_ = json.NewEncoder(w).Encode(resp)
			})
			mux.HandleFunc("GET "+PathEntries, tc.entries)
			srv := httptest.NewServer(mux)
			defer srv.Close()
			src, err := NewHTTPSource(context.Background(), srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Verify(src, VerifyOptions{Verifier: v})
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestEntriesPageLost: a lost entry at start gives an empty page.
func TestEntriesPageLost(t *testing.T) {
	st, _ := newStore(t)
	appendN(t, st, 0, 5, 5)
	rawPut(t, st, bucketEntries, indexKey(2), nil)
	l := New(st)
	p, err := l.EntriesPage(2, 5)
	if err != nil || len(p.Entries) != 0 || p.TreeSize != 5 {
		t.Fatalf("page %+v, %v", p, err)
	}
	p, err = l.EntriesPage(0, 5)
	if err != nil || len(p.Entries) != 2 {
		t.Fatalf("page before the gap %+v, %v", p, err)
	}
	if _, err := l.EntriesQuery(url.Values{"start": {"1"}, "end": {"2"}}); err != nil {
		t.Fatal(err)
	}
}
