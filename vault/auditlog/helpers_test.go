package auditlog

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"kotak/internal/testkit"
	"kotak/vault"
	"kotak/vault/store"
)

// testStore adapts the vault's bbolt engine to vault.Store, as the vault
// does internally.
type testStore struct{ db *store.DB }

type testTx struct{ *store.Tx }

func (t testTx) Cursor(bucket []byte) vault.Cursor { return t.Tx.Cursor(bucket) }

func (s testStore) View(fn func(vault.Tx) error) error {
	return s.db.View(func(tx *store.Tx) error { return fn(testTx{tx}) })
}

func (s testStore) Update(fn func(vault.Tx) error) error {
	return s.db.Update(func(tx *store.Tx) error { return fn(testTx{tx}) })
}

func (s testStore) WriteTo(w io.Writer) (int64, error) { return s.db.WriteTo(w) }

func (s testStore) Close() error { return s.db.Close() }

// createBuckets creates the log's buckets in st.
func createBuckets(st vault.Store) error {
	return st.Update(func(tx vault.Tx) error {
		for _, b := range Buckets {
			if err := tx.CreateBucket(b); err != nil {
				return err
			}
		}
		return nil
	})
}

// newStore opens a database in a temporary directory with the log's
// buckets. It is closed and checked at cleanup.
func newStore(t testing.TB) (testStore, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kotak.db")
	db, err := store.Open(path, store.Options{InitialMmapSize: 1 << 26})
	if err != nil {
		t.Fatal(err)
	}
	st := testStore{db}
	if err := createBuckets(st); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Check(); err != nil && !errors.Is(err, store.ErrClosed) {
			t.Error(err)
		}
		if err := db.Close(); err != nil && !errors.Is(err, store.ErrClosed) {
			t.Error(err)
		}
	})
	return st, path
}

var t0 = time.Date(2026, 3, 17, 3, 0, 0, 0, time.UTC)

// testEntry is the i'th entry of the test logs: distinct, valid, varied.
func testEntry(i int) Entry {
	actions := []string{"submit", "verify", "respond", "view_contact", "unseal_request"}
	e := Entry{
		Time:      t0.Add(time.Duration(i) * 1500 * time.Millisecond),
		Role:      "admin",
		Actor:     fmt.Sprintf("staff-%d", i%7),
		Action:    actions[i%len(actions)],
		Complaint: fmt.Sprintf("KTK-%013d", i),
		Details:   DetailsHash([]byte(fmt.Sprint("details ", i))),
	}
	if i%3 == 0 {
		e.Agency = "dinas-pu"
	}
	if i%5 == 4 {
		e.Request = fmt.Sprintf("req-%d", i)
	}
	return e
}

// appendN appends entries from..to-1 in transactions of batch entries.
func appendN(t testing.TB, st vault.Store, from, to, batch int) {
	t.Helper()
	for i := from; i < to; i += batch {
		err := st.Update(func(tx vault.Tx) error {
			for j := i; j < min(i+batch, to); j++ {
				idx, err := Append(tx, testEntry(j))
				if err != nil {
					return err
				}
				if idx != int64(j) {
					return fmt.Errorf("entry %d got index %d", j, idx)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// testSigner returns a signer and verifier for instance from a fixed seed.
func testSigner(t testing.TB, seed byte, instance string) (note.Signer, note.Verifier) {
	t.Helper()
	origin, err := Origin(instance)
	if err != nil {
		t.Fatal(err)
	}
	skey, vkey, err := note.GenerateKey(testkit.Rand(uint64(seed)), origin)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return s, v
}

// signedLog makes a store holding n entries and a checkpoint of them.
func signedLog(t testing.TB, n int) (testStore, string, note.Signer, note.Verifier) {
	t.Helper()
	st, path := newStore(t)
	appendN(t, st, 0, n, 10)
	s, v := testSigner(t, 1, "test.example")
	if _, err := NewCheckpointer(st, s).SignNow(); err != nil {
		t.Fatal(err)
	}
	return st, path, s, v
}

// rawPut writes a value straight into a bucket, as an attacker with the
// database file would.
func rawPut(t testing.TB, st vault.Store, bucket []byte, key, val []byte) {
	t.Helper()
	if err := st.Update(func(tx vault.Tx) error {
		if val == nil {
			return tx.Delete(bucket, key)
		}
		return tx.Put(bucket, key, val)
	}); err != nil {
		t.Fatal(err)
	}
}

func rawGet(t testing.TB, st vault.Store, bucket, key []byte) []byte {
	t.Helper()
	var out []byte
	if err := st.View(func(tx vault.Tx) error {
		out = append([]byte(nil), tx.Get(bucket, key)...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// reopenStore opens an existing database file again.
func reopenStore(t testing.TB, path string) testStore {
	t.Helper()
	db, err := store.Open(path, store.Options{InitialMmapSize: 1 << 26})
	if err != nil {
		t.Fatal(err)
	}
	return testStore{db}
}
