package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var bucketA, bucketB = []byte("a"), []byte("b")

// openTest opens a database with buckets a and b in a temporary directory
// and checks its page structure when the test ends.
func openTest(t testing.TB) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := Open(path, Options{InitialMmapSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *Tx) error {
		if err := tx.CreateBucket(bucketA); err != nil {
			return err
		}
		return tx.CreateBucket(bucketB)
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Check(); err != nil && !errors.Is(err, ErrClosed) {
			t.Errorf("check: %v", err)
		}
		_ = db.Close()
	})
	return db, path
}

func key(i int) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(i))
}

func TestPutGetDeleteAcrossReopen(t *testing.T) {
	db, path := openTest(t)
	if err := db.Update(func(tx *Tx) error {
		if err := tx.Put(bucketA, []byte("k1"), []byte("v1")); err != nil {
			return err
		}
		if err := tx.Put(bucketA, []byte("k2"), []byte("v2")); err != nil {
			return err
		}
		return tx.Delete(bucketA, []byte("k1"))
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db2, err := Open(path, Options{InitialMmapSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	err = db2.View(func(tx *Tx) error {
		if v := tx.Get(bucketA, []byte("k1")); v != nil {
			return fmt.Errorf("deleted key has %q", v)
		}
		if v := tx.Get(bucketA, []byte("k2")); string(v) != "v2" {
			return fmt.Errorf("k2 = %q", v)
		}
		if v := tx.Get([]byte("missing"), []byte("k2")); v != nil {
			return fmt.Errorf("missing bucket gave %q", v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestErrors(t *testing.T) {
	db, _ := openTest(t)
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"put in missing bucket", func() error {
			return db.Update(func(tx *Tx) error { return tx.Put([]byte("zz"), []byte("k"), nil) })
		}, ErrNoBucket},
		{"delete in missing bucket", func() error {
			return db.Update(func(tx *Tx) error { return tx.Delete([]byte("zz"), []byte("k")) })
		}, ErrNoBucket},
		{"sequence in missing bucket", func() error {
			return db.Update(func(tx *Tx) error { _, err := tx.NextSequence([]byte("zz")); return err })
		}, ErrNoBucket},
		{"put in read tx", func() error {
			return db.View(func(tx *Tx) error { return tx.Put(bucketA, []byte("k"), nil) })
		}, ErrReadOnly},
		{"create bucket in read tx", func() error {
			return db.View(func(tx *Tx) error { return tx.CreateBucket([]byte("new")) })
		}, ErrReadOnly},
		{"panic in update", func() error {
			return db.Update(func(tx *Tx) error { panic("boom") })
		}, ErrPanicked},
		{"panic in view", func() error {
			return db.View(func(tx *Tx) error { panic("boom") })
		}, ErrPanicked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestClosed(t *testing.T) {
	db, _ := openTest(t)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(*Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Update after Close: %v", err)
	}
	if err := db.View(func(*Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("View after Close: %v", err)
	}
	if err := db.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close: %v", err)
	}
}

func TestCursorOrderAndSeek(t *testing.T) {
	db, _ := openTest(t)
	if err := db.Update(func(tx *Tx) error {
		for _, i := range []int{50, 10, 30, 20, 40} {
			if err := tx.Put(bucketB, key(i), []byte{byte(i)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		walk func(c *Cursor) []int
		want []int
	}{
		{"forward", func(c *Cursor) (out []int) {
			for k, _ := c.First(); k != nil; k, _ = c.Next() {
				out = append(out, int(binary.BigEndian.Uint64(k)))
			}
			return
		}, []int{10, 20, 30, 40, 50}},
		{"backward", func(c *Cursor) (out []int) {
			for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
				out = append(out, int(binary.BigEndian.Uint64(k)))
			}
			return
		}, []int{50, 40, 30, 20, 10}},
		{"seek exact", func(c *Cursor) (out []int) {
			k, v := c.Seek(key(30))
			return []int{int(binary.BigEndian.Uint64(k)), int(v[0])}
		}, []int{30, 30}},
		{"seek between", func(c *Cursor) (out []int) {
			k, _ := c.Seek(key(31))
			return []int{int(binary.BigEndian.Uint64(k))}
		}, []int{40}},
		{"seek past end", func(c *Cursor) (out []int) {
			if k, _ := c.Seek(key(99)); k != nil {
				return []int{-1}
			}
			return []int{}
		}, []int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			if err := db.View(func(tx *Tx) error { got = tt.walk(tx.Cursor(bucketB)); return nil }); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
	if err := db.View(func(tx *Tx) error {
		c := tx.Cursor([]byte("missing"))
		if k, _ := c.First(); k != nil {
			return errors.New("missing bucket cursor found a key")
		}
		if k, _ := c.Seek([]byte("x")); k != nil {
			return errors.New("missing bucket cursor seek found a key")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// TestGroupedWritesAllDurable runs many concurrent updates, some failing,
// and checks that exactly the successful ones are on disk after reopening.
func TestGroupedWritesAllDurable(t *testing.T) {
	db, path := openTest(t)
	const workers, each = 16, 40
	errFail := errors.New("deliberate failure")
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				n := w*each + i
				fail := n%7 == 3
				err := db.Update(func(tx *Tx) error {
					if err := tx.Put(bucketA, key(n), []byte("x")); err != nil {
						return err
					}
					if _, err := tx.NextSequence(bucketB); err != nil {
						return err
					}
					if fail {
						return errFail
					}
					return nil
				})
				if fail != errors.Is(err, errFail) || (!fail && err != nil) {
					t.Errorf("update %d (fail=%v): %v", n, fail, err)
				}
			}
		}()
	}
	wg.Wait()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db2, err := Open(path, Options{InitialMmapSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if err := db2.Check(); err != nil {
		t.Fatal(err)
	}
	want := 0
	err = db2.View(func(tx *Tx) error {
		for n := range workers * each {
			present := tx.Get(bucketA, key(n)) != nil
			if failed := n%7 == 3; present == failed {
				return fmt.Errorf("key %d: present=%v, failed=%v", n, present, failed)
			}
			if n%7 != 3 {
				want++
			}
		}
		if got := tx.Sequence(bucketB); got != uint64(want) {
			return fmt.Errorf("sequence %d, want %d (failed calls must not advance it)", got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestFailedCallLeavesNoPartialWrites: a call that writes and then fails
// must not leave its writes behind, even when grouped with others.
func TestFailedCallLeavesNoPartialWrites(t *testing.T) {
	db, _ := openTest(t)
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = db.Update(func(tx *Tx) error {
				if err := tx.Put(bucketA, key(i), []byte("partial")); err != nil {
					return err
				}
				if i%2 == 0 {
					return errors.New("fail after writing")
				}
				return tx.Put(bucketA, key(i), []byte("done"))
			})
		}()
	}
	wg.Wait()
	err := db.View(func(tx *Tx) error {
		for i := range 32 {
			v := tx.Get(bucketA, key(i))
			switch {
			case i%2 == 0 && v != nil:
				return fmt.Errorf("failed call %d left %q", i, v)
			case i%2 == 1 && string(v) != "done":
				return fmt.Errorf("call %d: %q", i, v)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWriteToIsOpenableCopy(t *testing.T) {
	db, _ := openTest(t)
	if err := db.Update(func(tx *Tx) error {
		for i := range 500 {
			if err := tx.Put(bucketA, key(i), bytes.Repeat([]byte{byte(i)}, 100)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := db.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo: n=%d len=%d err=%v", n, buf.Len(), err)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(copyPath, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Open(copyPath, Options{ReadOnly: true, InitialMmapSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Check(); err != nil {
		t.Fatal(err)
	}
	if err := c.Update(func(*Tx) error { return nil }); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Update on read-only copy: %v", err)
	}
	err = c.View(func(tx *Tx) error {
		for i := range 500 {
			if !bytes.Equal(tx.Get(bucketA, key(i)), bytes.Repeat([]byte{byte(i)}, 100)) {
				return fmt.Errorf("key %d differs in the copy", i)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkUpdate compares one caller's durable Updates with 64 callers
// sharing commits: the ops/s ratio is the gain from grouping.
func BenchmarkUpdate(b *testing.B) {
	val := make([]byte, 1024)
	for _, callers := range []int{1, 64} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) {
			db, _ := openTest(b)
			var wg sync.WaitGroup
			b.ResetTimer()
			for c := range callers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := c; i < b.N; i += callers {
						k := key(i)
						if err := db.Update(func(tx *Tx) error { return tx.Put(bucketA, k, val) }); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
		})
	}
}

func TestLockedByAnotherHandle(t *testing.T) {
	_, path := openTest(t)
	_, err := Open(path, Options{ReadOnly: true, LockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("opening a locked file: %v", err)
	}
}

func TestSyncDir(t *testing.T) {
	dir := t.TempDir()
	if err := SyncDir(dir); err != nil {
		t.Fatal(err)
	}
	err := SyncDir(filepath.Join(dir, "missing"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "store: sync dir: ") {
		t.Fatalf("missing directory: %v", err)
	}
}
