package auditlog

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"kotak/vault"
)

func TestVerifyClean(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 64, 1000 + 37} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			st, _, _, v := signedLog(t, n)
			var pages int
			rep, err := Verify(New(st), VerifyOptions{Verifier: v, Progress: func(done, total int64) { pages++ }})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Tree.N != int64(n) || rep.SavedSize != -1 || rep.Tree != mustHead(t, st) {
				t.Fatalf("report %+v", rep)
			}
			if wantPages := (n + MaxPage - 1) / MaxPage; pages != wantPages {
				t.Fatalf("%d pages, want %d", pages, wantPages)
			}
		})
	}
}

// TestVerifyTampered changes the stored log as someone with the database
// file could, and checks that Verify names the first bad entry.
func TestVerifyTampered(t *testing.T) {
	const n = 40
	entryAt := func(t *testing.T, st vault.Store, i int) []byte {
		return rawGet(t, st, bucketEntries, indexKey(int64(i)))
	}
	tests := []struct {
		name   string
		tamper func(t *testing.T, st vault.Store)
		index  int64
		reason error
	}{
		{"one byte of an entry", func(t *testing.T, st vault.Store) {
			b := entryAt(t, st, 17)
			i := bytes.Index(b, []byte(`"action":"`)) + len(`"action":"`)
			b[i]++ // still canonical JSON, another action
			rawPut(t, st, bucketEntries, indexKey(17), b)
		}, 17, ErrEntryMismatch},
		{"one byte of the first entry", func(t *testing.T, st vault.Store) {
			b := entryAt(t, st, 0)
			b[len(b)-3] ^= 1
			rawPut(t, st, bucketEntries, indexKey(0), b)
		}, 0, ErrEntryMismatch},
		{"one byte of the last entry", func(t *testing.T, st vault.Store) {
			b := entryAt(t, st, n-1)
			b[10] ^= 0x20
			rawPut(t, st, bucketEntries, indexKey(n-1), b)
		}, n - 1, ErrEntryMismatch},
		{"entry and its stored hashes rewritten", func(t *testing.T, st vault.Store) {
			// The attacker rewrites entry 23 and recomputes every stored
			// hash; the saved root is out of reach. Proofs from the
			// rebuilt hashes cannot prove a prefix including 23.
			var entries [][]byte
			for i := range n {
				entries = append(entries, entryAt(t, st, i))
			}
			entries[23] = bytes.Replace(entries[23], []byte("staff-"), []byte("staff_"), 1)
			hashes, _ := memTree(t, entries)
			rawPut(t, st, bucketEntries, indexKey(23), entries[23])
			for i, h := range hashes {
				rawPut(t, st, bucketHashes, indexKey(int64(i)), h[:])
			}
		}, 0, ErrEntryMismatch}, // see TestVerifySavedAnchor for how a saved checkpoint narrows this
		{"entry dropped", func(t *testing.T, st vault.Store) {
			rawPut(t, st, bucketEntries, indexKey(9), nil)
		}, 9, ErrEntryMissing},
		{"entry dropped and the rest moved up", func(t *testing.T, st vault.Store) {
			for i := 9; i < n-1; i++ {
				rawPut(t, st, bucketEntries, indexKey(int64(i)), entryAt(t, st, i+1))
			}
			rawPut(t, st, bucketEntries, indexKey(n-1), nil)
		}, 9, ErrEntryMismatch},
		{"two entries swapped", func(t *testing.T, st vault.Store) {
			a, b := entryAt(t, st, 12), entryAt(t, st, 31)
			rawPut(t, st, bucketEntries, indexKey(12), b)
			rawPut(t, st, bucketEntries, indexKey(31), a)
		}, 12, ErrEntryMismatch},
		{"adjacent entries swapped", func(t *testing.T, st vault.Store) {
			a, b := entryAt(t, st, 32), entryAt(t, st, 33)
			rawPut(t, st, bucketEntries, indexKey(32), b)
			rawPut(t, st, bucketEntries, indexKey(33), a)
		}, 32, ErrEntryMismatch},
		{"entry inserted", func(t *testing.T, st vault.Store) {
			for i := n - 1; i >= 20; i-- {
				rawPut(t, st, bucketEntries, indexKey(int64(i+1)), entryAt(t, st, i))
			}
			fake, _ := (&Entry{Time: t0, Role: "system", Action: "noop"}).Marshal()
			rawPut(t, st, bucketEntries, indexKey(20), fake)
		}, 20, ErrEntryMismatch},
		{"size lowered", func(t *testing.T, st vault.Store) {
			rawPut(t, st, bucketMeta, keySize, indexKey(30))
		}, 30, ErrEntryMissing},
		{"last entries truncated", func(t *testing.T, st vault.Store) {
			for i := 35; i < n; i++ {
				rawPut(t, st, bucketEntries, indexKey(int64(i)), nil)
			}
			rawPut(t, st, bucketMeta, keySize, indexKey(35))
		}, 35, ErrEntryMissing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, _, _, v := signedLog(t, n)
			tc.tamper(t, st)
			_, err := Verify(New(st), VerifyOptions{Verifier: v})
			var be *BadEntryError
			if !errors.As(err, &be) || !errors.Is(err, ErrBadEntry) {
				t.Fatalf("Verify = %v, want a bad entry", err)
			}
			if be.Index != tc.index || !errors.Is(be.Reason, tc.reason) {
				t.Fatalf("bad entry %d (%v), want %d (%v)", be.Index, be.Reason, tc.index, tc.reason)
			}
		})
	}
}

// TestVerifyMalformedLogged: a non-canonical entry that the server did
// hash into its tree is still a bad entry.
func TestVerifyMalformedLogged(t *testing.T) {
	st, _ := newStore(t)
	appendN(t, st, 0, 5, 5)
	raw := []byte(`{"v":1, "time":"2026-03-17T03:00:00.000Z","role":"admin","action":"verify"}`)
	if err := st.Update(func(tx vault.Tx) error {
		n, err := readSize(tx)
		if err != nil {
			return err
		}
		hs, err := tlog.StoredHashes(n, raw, hashReader{tx})
		if err != nil {
			return err
		}
		for i, h := range hs {
			if err := tx.Put(bucketHashes, indexKey(tlog.StoredHashIndex(0, n)+int64(i)), h[:]); err != nil {
				return err
			}
		}
		if err := tx.Put(bucketEntries, indexKey(n), raw); err != nil {
			return err
		}
		return tx.Put(bucketMeta, keySize, indexKey(n+1))
	}); err != nil {
		t.Fatal(err)
	}
	appendN(t, st, 6, 9, 3)
	s, v := testSigner(t, 1, "test.example")
	if _, err := NewCheckpointer(st, s).SignNow(); err != nil {
		t.Fatal(err)
	}
	_, err := Verify(New(st), VerifyOptions{Verifier: v})
	var be *BadEntryError
	if !errors.As(err, &be) || be.Index != 5 || !errors.Is(err, ErrEntryFormat) {
		t.Fatalf("Verify = %v", err)
	}
}

func TestVerifyCheckpointRefused(t *testing.T) {
	st, _, _, v := signedLog(t, 10)
	_, wrongKey := testSigner(t, 9, "test.example")
	cp, _ := New(st).Checkpoint()

	if _, err := Verify(New(st), VerifyOptions{Verifier: wrongKey}); !errors.Is(err, ErrSignature) {
		t.Fatalf("wrong key: %v", err)
	}
	// A stored checkpoint with one byte changed is refused.
	bad := bytes.Clone(cp)
	bad[len(bad)-5] ^= 1
	rawPut(t, st, bucketMeta, keyCheckpoint, bad)
	if _, err := Verify(New(st), VerifyOptions{Verifier: v}); !errors.Is(err, ErrSignature) {
		t.Fatalf("tampered checkpoint: %v", err)
	}
	rawPut(t, st, bucketMeta, keyCheckpoint, nil)
	if _, err := Verify(New(st), VerifyOptions{Verifier: v}); !errors.Is(err, ErrNoCheckpoint) {
		t.Fatalf("no checkpoint: %v", err)
	}
}

func TestVerifySaved(t *testing.T) {
	st, _, s, v := signedLog(t, 10)
	saved, _ := New(st).Checkpoint()
	appendN(t, st, 10, 25, 5)
	if _, err := NewCheckpointer(st, s).SignNow(); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(New(st), VerifyOptions{Verifier: v, Saved: saved})
	if err != nil || rep.SavedSize != 10 || rep.Tree.N != 25 {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
	// The same checkpoint saved earlier is consistent with itself.
	if rep, err := Verify(New(st), VerifyOptions{Verifier: v, Saved: rep.Checkpoint}); err != nil || rep.SavedSize != 25 {
		t.Fatalf("self: %+v, %v", rep, err)
	}

	// A fork: another log under the same key shares the first 5 entries,
	// then differs. Its checkpoints are signed, but they do not extend ours.
	fork, _ := newStore(t)
	appendN(t, fork, 0, 5, 5)
	if err := fork.Update(func(tx vault.Tx) error {
		_, err := Append(tx, Entry{Time: t0, Role: "system", Action: "rewritten"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	appendN(t, fork, 6, 30, 6)
	forkCP, err := SignCheckpoint(s, mustHead(t, fork))
	if err != nil {
		t.Fatal(err)
	}
	forkOld, err := SignCheckpoint(s, tlog.Tree{N: 8, Hash: mustTreeHash(t, fork, 8)})
	if err != nil {
		t.Fatal(err)
	}
	rollback, err := SignCheckpoint(s, mustHead(t, fork)) // 30 entries, newer than ours
	if err != nil {
		t.Fatal(err)
	}
	_, otherKey := testSigner(t, 4, "test.example")
	_ = forkCP
	tests := []struct {
		name  string
		src   Source
		saved []byte
		want  error
	}{
		{"saved from a fork, smaller", New(st), forkOld, ErrInconsistent},
		{"saved newer than the log (rollback)", New(st), rollback, ErrInconsistent},
		{"our saved checkpoint, fork served", New(fork), saved, ErrInconsistent},
		{"saved checkpoint garbled", New(st), saved[:len(saved)-4], ErrCheckpointFormat},
	}
	// The fork must carry its own checkpoint to be served.
	if err := fork.Update(func(tx vault.Tx) error { return storeCheckpoint(tx, forkCP, 30) }); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Verify(tc.src, VerifyOptions{Verifier: v, Saved: tc.saved})
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := Verify(New(st), VerifyOptions{Verifier: otherKey, Saved: saved}); !errors.Is(err, ErrSignature) {
		t.Fatalf("other key: %v", err)
	}
}

// TestVerifySavedAnchor: when the attacker also rebuilt the stored hashes,
// the source's proofs prove nothing, but a saved checkpoint still proves
// its prefix: the bad entry is then named within the entries after it.
func TestVerifySavedAnchor(t *testing.T) {
	const n = 40
	st, _, s, v := signedLog(t, 20)
	saved, _ := New(st).Checkpoint()
	appendN(t, st, 20, n, 5)
	if _, err := NewCheckpointer(st, s).SignNow(); err != nil {
		t.Fatal(err)
	}
	var entries [][]byte
	for i := range n {
		entries = append(entries, rawGet(t, st, bucketEntries, indexKey(int64(i))))
	}
	entries[23] = bytes.Replace(entries[23], []byte("staff-"), []byte("staff_"), 1)
	hashes, _ := memTree(t, entries)
	rawPut(t, st, bucketEntries, indexKey(23), entries[23])
	for i, h := range hashes {
		rawPut(t, st, bucketHashes, indexKey(int64(i)), h[:])
	}
	_, err := Verify(New(st), VerifyOptions{Verifier: v, Saved: saved})
	var be *BadEntryError
	if !errors.As(err, &be) || be.Index < 20 || be.Index > 23 {
		t.Fatalf("Verify = %v, want a bad entry in [20, 23]", err)
	}
}

func mustTreeHash(t testing.TB, st vault.Store, n int64) tlog.Hash {
	t.Helper()
	var h tlog.Hash
	if err := st.View(func(tx vault.Tx) (err error) {
		h, err = tlog.TreeHash(n, hashReader{tx})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return h
}

// TestVerifyFile verifies a database file opened read-only, and names a
// changed entry in it.
func TestVerifyFile(t *testing.T) {
	st, path, _, v := signedLog(t, 25)
	b := rawGet(t, st, bucketEntries, indexKey(11))
	b[5] ^= 1
	// A running server holds the file.
	if _, err := OpenFile(path, 50*time.Millisecond); !errors.Is(err, ErrLocked) {
		t.Fatalf("OpenFile of a held database: %v", err)
	}
	if _, err := OpenFile(path+".missing", 0); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("OpenFile of a missing file: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	l, err := OpenFile(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(l, VerifyOptions{Verifier: v}); err != nil {
		t.Fatalf("clean file: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	db := reopenStore(t, path)
	rawPut(t, db, bucketEntries, indexKey(11), b)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	l, err = OpenFile(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = Verify(l, VerifyOptions{Verifier: v})
	var be *BadEntryError
	if !errors.As(err, &be) || be.Index != 11 {
		t.Fatalf("Verify = %v, want entry 11", err)
	}
}
