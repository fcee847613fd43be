package auditlog

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

func FuzzParseEntry(f *testing.F) {
	for i := range 6 {
		e := testEntry(i)
		b, _ := e.Marshal()
		f.Add(b)
		f.Add(bytes.Replace(b, []byte(`":"`), []byte(`": "`), 1))
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte(`{"v":1,"time":"2026-03-17T03:00:00.000Z","role":"admin","action":"verify","note":"x"}`))
	f.Add([]byte(`{"v":1,"v":1,"time":"2026-03-17T03:00:00.000Z","role":"admin","action":"verify"}`))
	f.Add([]byte(`{"v":1,"time":"2026-03-17T03:00:00.000Z","role":"admin","action":"verify","actor":""}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseEntry(data)
		if err != nil {
			if e != nil {
				t.Fatal("entry returned with an error")
			}
			return
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("accepted an invalid entry: %v", err)
		}
		again, err := e.Marshal()
		if err != nil || !bytes.Equal(again, data) {
			t.Fatalf("accepted a non-canonical entry %q", data)
		}
		for _, c := range data {
			if c < 0x20 || c > 0x7e || c == '\\' {
				t.Fatalf("accepted a byte 0x%02x", c)
			}
		}
		// The strict parser agrees with encoding/json on what it accepts.
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("accepted invalid JSON: %v", err)
		}
		want := map[string]any{"v": float64(1), "time": e.Time.UTC().Format(TimeFormat), "role": e.Role, "action": e.Action}
		for k, v := range map[string]string{"actor": e.Actor, "complaint": e.Complaint, "request": e.Request,
			"user": e.User, "agency": e.Agency, "keyring": e.Keyring, "details": e.Details} {
			if v != "" {
				want[k] = v
			}
		}
		if fmt.Sprint(m) != fmt.Sprint(want) {
			t.Fatalf("parsed %v, encoding/json reads %v", want, m)
		}
	})
}

func FuzzOpenCheckpoint(f *testing.F) {
	s, v := testSigner(f, 1, "test.example")
	other, _ := testSigner(f, 2, "test.example")
	for _, n := range []int64{0, 1, 12345} {
		tr := tlog.Tree{N: n, Hash: tlog.RecordHash([]byte{byte(n)})}
		if n == 0 {
			tr.Hash, _ = tlog.TreeHash(0, nil)
		}
		good, err := SignCheckpoint(s, tr)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(good)
		bad := bytes.Clone(good)
		bad[len(bad)-4] ^= 1
		f.Add(bad)
		o, _ := SignCheckpoint(other, tr)
		f.Add(o)
		f.Add(append(bytes.Clone(good), o[bytes.Index(o, []byte("\n\n"))+2:]...))
	}
	f.Add([]byte("kotak/test.example\n1\nAAAA\n\n— kotak/test.example AAAAAAA=\n"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		tr, err := OpenCheckpoint(msg, v)
		if err != nil {
			if tr != (tlog.Tree{}) {
				t.Fatal("tree returned with an error")
			}
			return
		}
		body := FormatCheckpointBody(v.Name(), tr)
		if !bytes.HasPrefix(msg, append(body, '\n')) {
			t.Fatalf("accepted checkpoint does not start with its canonical body: %q", msg)
		}
		// It carries our signature over exactly that body.
		want, _ := SignCheckpoint(s, tr)
		sigLine := want[len(body)+1:]
		if !bytes.Contains(msg[len(body)+1:], sigLine) {
			t.Fatal("accepted a checkpoint without our signature line")
		}
	})
}

// fuzzTree is a fixed log of 13 entries and its stored hashes.
func fuzzTree(f *testing.F) ([][]byte, tlog.HashReader) {
	var entries [][]byte
	for i := range 13 {
		e := testEntry(i)
		b, _ := e.Marshal()
		entries = append(entries, b)
	}
	_, r := memTree(f, entries)
	return entries, r
}

func proofBytes(p []tlog.Hash) []byte {
	var b []byte
	for _, h := range p {
		b = append(b, h[:]...)
	}
	return b
}

func hashesOf(b []byte) []tlog.Hash {
	if len(b) > 64*tlog.HashSize {
		b = b[:64*tlog.HashSize]
	}
	out := make([]tlog.Hash, len(b)/tlog.HashSize)
	for i := range out {
		copy(out[i][:], b[i*tlog.HashSize:])
	}
	return out
}

// FuzzCheckInclusion: no proof makes a wrong entry or index check.
func FuzzCheckInclusion(f *testing.F) {
	entries, r := fuzzTree(f)
	for _, c := range []struct{ i, size int64 }{{0, 1}, {3, 8}, {12, 13}, {5, 13}} {
		p, err := tlog.ProveRecord(c.size, c.i, r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(c.i, c.size, entries[c.i], proofBytes(p))
		f.Add(c.i+1, c.size, entries[c.i], proofBytes(p))
	}
	f.Fuzz(func(t *testing.T, index, size int64, entry, proof []byte) {
		if size < 1 || size > int64(len(entries)) {
			size = int64(len(entries))
		}
		root, _ := tlog.TreeHash(size, r)
		err := CheckInclusion(tlog.Tree{N: size, Hash: root}, index, entry, hashesOf(proof))
		if err == nil && !bytes.Equal(entries[index], entry) {
			t.Fatalf("proved entry %d is %q", index, entry)
		}
	})
}

// FuzzCheckConsistency: no proof ties a wrong old root to the tree.
func FuzzCheckConsistency(f *testing.F) {
	_, r := fuzzTree(f)
	for _, old := range []int64{1, 4, 7, 13} {
		p, err := tlog.ProveTree(13, old, r)
		if err != nil {
			f.Fatal(err)
		}
		h, _ := tlog.TreeHash(old, r)
		f.Add(old, h[:], proofBytes(p))
	}
	root, _ := tlog.TreeHash(13, r)
	f.Fuzz(func(t *testing.T, old int64, oldRoot, proof []byte) {
		var h tlog.Hash
		copy(h[:], oldRoot)
		if tlog.CheckTree(hashesOf(proof), 13, root, old, h) == nil {
			if want, _ := tlog.TreeHash(old, r); want != h {
				t.Fatalf("proved a wrong root for the tree of %d", old)
			}
		}
	})
}

// fixedBody answers every request with one body.
type fixedBody struct {
	status int
	body   []byte
}

func (fb fixedBody) RoundTrip(*http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: fb.status, Body: io.NopCloser(bytes.NewReader(fb.body)), Header: http.Header{}}, nil
}

// FuzzHTTPSource feeds the client arbitrary server answers.
func FuzzHTTPSource(f *testing.F) {
	st, _, _, _ := signedLog(f, 6)
	l := New(st)
	page, _ := l.EntriesPage(0, 6)
	pb, _ := json.Marshal(page)
	cons, _ := l.Consistency(2, 6)
	cb, _ := json.Marshal(cons)
	f.Add(pb)
	f.Add(cb)
	f.Add([]byte(`{"start":0,"tree_size":6,"entries":[]}`))
	f.Add([]byte(`{"start":0,"tree_size":6,"entries":[{"v":1} ,  {"a":[1,2]}]}`))
	f.Add([]byte(`{"old":2,"tree_size":6,"proof":["AAAA"]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		client := &http.Client{Transport: fixedBody{http.StatusOK, body}}
		src, err := NewHTTPSource(context.Background(), "http://kotak.test", client)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := src.Entries(0, 6); err == nil {
			if len(got) == 0 || len(got) > 6 {
				t.Fatalf("%d entries accepted", len(got))
			}
			for _, e := range got {
				var c bytes.Buffer
				if json.Compact(&c, e) != nil || !bytes.Equal(c.Bytes(), e) {
					t.Fatalf("entry %q not compact JSON", e)
				}
			}
		}
		if p, err := src.ConsistencyProof(2, 6); err == nil && len(p) > maxProofHashes {
			t.Fatalf("%d hashes accepted", len(p))
		}
		if r, err := src.InclusionProof(1, 6); err == nil && (r.Index != 1 || r.TreeSize != 6) {
			t.Fatalf("accepted a proof for another position: %+v", r)
		}
		if _, err := src.Checkpoint(); err != nil {
			t.Fatal(err)
		}
	})
}
