package auditlog

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"kotak/vault"
)

// memTree recomputes a tree from entry bytes, independently of the store.
func memTree(t testing.TB, entries [][]byte) ([]tlog.Hash, tlog.HashReader) {
	t.Helper()
	var hashes []tlog.Hash
	r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = hashes[x]
		}
		return out, nil
	})
	for i, e := range entries {
		hs, err := tlog.StoredHashes(int64(i), e, r)
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, hs...)
	}
	return hashes, r
}

func TestAppendProve(t *testing.T) {
	const n = 37
	st, _ := newStore(t)
	l := New(st)
	// Batches of varying size: one per tx, several per tx.
	appendN(t, st, 0, 1, 1)
	appendN(t, st, 1, 5, 4)
	appendN(t, st, 5, 20, 1)
	appendN(t, st, 20, n, 9)

	if got, err := l.Size(); err != nil || got != n {
		t.Fatalf("Size = %d, %v", got, err)
	}
	var want [][]byte
	for i := range n {
		e := testEntry(i)
		b, _ := e.Marshal()
		want = append(want, b)
	}
	// Entries page through the log.
	var got [][]byte
	for start := int64(0); start < n; {
		page, err := l.Entries(start, start+7)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != int(min(7, n-start)) {
			t.Fatalf("page at %d has %d entries", start, len(page))
		}
		got = append(got, page...)
		start += int64(len(page))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("entry %d: got %s want %s", i, got[i], want[i])
		}
	}
	_, mem := memTree(t, want)
	head, err := l.TreeHead()
	if err != nil {
		t.Fatal(err)
	}
	if wantRoot, _ := tlog.TreeHash(n, mem); head.N != n || head.Hash != wantRoot {
		t.Fatalf("tree head %+v, want root %v", head, wantRoot)
	}
	// Every inclusion proof, in trees of several sizes, checks; against the
	// wrong leaf or the wrong index it fails.
	for _, size := range []int64{1, 2, 3, 8, 13, 16, n} {
		root, _ := tlog.TreeHash(size, mem)
		for i := range size {
			p, err := l.InclusionProof(i, size)
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckInclusion(tlog.Tree{N: size, Hash: root}, i, want[i], p); err != nil {
				t.Fatalf("inclusion of %d in %d: %v", i, size, err)
			}
			other := want[(i+1)%int64(len(want))]
			if size > 1 && CheckInclusion(tlog.Tree{N: size, Hash: root}, i, other, p) == nil {
				t.Fatalf("proof of %d in %d accepts another entry", i, size)
			}
		}
		// Every consistency proof into this size checks.
		for old := int64(1); old <= size; old++ {
			p, err := l.ConsistencyProof(old, size)
			if err != nil {
				t.Fatal(err)
			}
			oldRoot, _ := tlog.TreeHash(old, mem)
			if err := tlog.CheckTree(p, size, root, old, oldRoot); err != nil {
				t.Fatalf("consistency %d→%d: %v", old, size, err)
			}
			if old < size {
				bad := oldRoot
				bad[0] ^= 1
				if tlog.CheckTree(p, size, root, old, bad) == nil {
					t.Fatalf("consistency %d→%d accepts a wrong old root", old, size)
				}
			}
		}
	}
}

func TestReadRanges(t *testing.T) {
	st, _ := newStore(t)
	l := New(st)
	if _, err := l.Entries(0, 1); !errors.Is(err, ErrRange) {
		t.Fatalf("entries of an empty log: %v", err)
	}
	appendN(t, st, 0, 10, 10)
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"entries start negative", func() error { _, err := l.Entries(-1, 3); return err }, "start"},
		{"entries start at size", func() error { _, err := l.Entries(10, 11); return err }, "start"},
		{"entries end before start", func() error { _, err := l.Entries(5, 5); return err }, "end"},
		{"inclusion size 0", func() error { _, err := l.InclusionProof(0, 0); return err }, "size"},
		{"inclusion size beyond log", func() error { _, err := l.InclusionProof(0, 11); return err }, "size"},
		{"inclusion index at size", func() error { _, err := l.InclusionProof(5, 5); return err }, "index"},
		{"inclusion index negative", func() error { _, err := l.InclusionProof(-1, 5); return err }, "index"},
		{"consistency old 0", func() error { _, err := l.ConsistencyProof(0, 5); return err }, "old"},
		{"consistency old beyond size", func() error { _, err := l.ConsistencyProof(6, 5); return err }, "old"},
		{"consistency size beyond log", func() error { _, err := l.ConsistencyProof(5, 11); return err }, "size"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var qe *QueryError
			if !errors.As(err, &qe) || qe.Field != tc.field || !errors.Is(err, ErrRange) {
				t.Fatalf("got %v, want a range error on %s", err, tc.field)
			}
		})
	}
	// A page is bounded and clamped to the log.
	page, err := l.Entries(8, 1<<40)
	if err != nil || len(page) != 2 {
		t.Fatalf("clamped page: %d entries, %v", len(page), err)
	}
}

// countKeys counts the keys of every log bucket.
func countKeys(t testing.TB, st vault.Store) map[string]int {
	t.Helper()
	out := map[string]int{}
	if err := st.View(func(tx vault.Tx) error {
		for _, b := range Buckets {
			c := tx.Cursor(b)
			for k, _ := c.First(); k != nil; k, _ = c.Next() {
				out[string(b)]++
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAppendRolledBack(t *testing.T) {
	st, _ := newStore(t)
	appendN(t, st, 0, 3, 3)
	before := countKeys(t, st)
	head, _ := New(st).TreeHead()

	errAction := errors.New("the action failed after logging")
	err := st.Update(func(tx vault.Tx) error {
		for i := 3; i < 6; i++ {
			if _, err := Append(tx, testEntry(i)); err != nil {
				return err
			}
		}
		return errAction
	})
	if !errors.Is(err, errAction) {
		t.Fatal(err)
	}
	after := countKeys(t, st)
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Fatalf("rolled-back append left keys: before %v after %v", before, after)
	}
	if h2, _ := New(st).TreeHead(); h2 != head {
		t.Fatal("tree head changed")
	}
	// Running the transaction again (as the store does for a group whose
	// neighbour failed) appends exactly once, at the next index.
	err = st.Update(func(tx vault.Tx) error {
		idx, err := Append(tx, testEntry(3))
		if err == nil && idx != 3 {
			err = fmt.Errorf("index %d", idx)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := New(st).Size(); n != 4 {
		t.Fatalf("size %d after the re-run", n)
	}
	// An invalid entry fails the transaction it is in.
	err = st.Update(func(tx vault.Tx) error {
		_, err := Append(tx, Entry{Time: t0, Role: "admin", Action: "verify", Actor: "budi@example.id"})
		return err
	})
	if !errors.Is(err, ErrEntryFormat) {
		t.Fatalf("invalid entry: %v", err)
	}
}

// TestConcurrentAppends runs appends from many goroutines, some of whose
// transactions fail after appending: the store groups them and re-runs the
// survivors, and the log must hold exactly the survivors' entries.
func TestConcurrentAppends(t *testing.T) {
	st, _ := newStore(t)
	s, v := testSigner(t, 1, "test.example")
	const workers, each = 8, 25
	var wg sync.WaitGroup
	var mu sync.Mutex
	kept := map[string]bool{}
	errFail := errors.New("action failed")
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				e := testEntry(w*each + i)
				fail := (w+i)%4 == 0
				err := st.Update(func(tx vault.Tx) error {
					if _, err := Append(tx, e); err != nil {
						return err
					}
					if fail {
						return errFail
					}
					return nil
				})
				if fail != errors.Is(err, errFail) || (!fail && err != nil) {
					t.Errorf("worker %d entry %d: %v", w, i, err)
				}
				if err == nil {
					mu.Lock()
					kept[e.Complaint] = true
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	l := New(st)
	n, err := l.Size()
	if err != nil || n != int64(len(kept)) {
		t.Fatalf("size %d, %d kept, %v", n, len(kept), err)
	}
	seen := map[string]bool{}
	for start := int64(0); start < n; {
		page, err := l.Entries(start, n)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range page {
			e, err := ParseEntry(b)
			if err != nil {
				t.Fatal(err)
			}
			if !kept[e.Complaint] || seen[e.Complaint] {
				t.Fatalf("entry %s logged but not kept, or twice", e.Complaint)
			}
			seen[e.Complaint] = true
		}
		start += int64(len(page))
	}
	if _, err := NewCheckpointer(st, s).SignNow(); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(l, VerifyOptions{Verifier: v}); err != nil {
		t.Fatal(err)
	}
}
