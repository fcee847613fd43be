package testkit

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

func TestRandStream(t *testing.T) {
	tests := []struct {
		name string
		seed uint64
		key  [32]byte
	}{
		{"zero", 0, [32]byte{}},
		{"one byte", 99, [32]byte{99}},
		{"two bytes", 0x0312, [32]byte{0x12, 0x03}},
		{"eight bytes", 0x0807060504030201, [32]byte{1, 2, 3, 4, 5, 6, 7, 8}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := make([]byte, 1000)
			_, _ = rand.NewChaCha8(tc.key).Read(want)
			got := make([]byte, 1000)
			r := Rand(tc.seed)
			// Odd-sized reads must still make the one stream.
			for off := 0; off < len(got); {
				m := min(37, len(got)-off)
				n, err := r.Read(got[off : off+m])
				if err != nil || n != m {
					t.Fatalf("Read at %d: %d, %v", off, n, err)
				}
				off += n
			}
			if !bytes.Equal(got, want) {
				t.Fatal("stream differs from ChaCha8 with the documented key")
			}
		})
	}
}

func TestRandSeedsDiffer(t *testing.T) {
	seen := map[string]uint64{}
	for _, seed := range []uint64{0, 1, 2, 255, 256, 1 << 40} {
		b := make([]byte, 32)
		if _, err := io.ReadFull(Rand(seed), b); err != nil {
			t.Fatal(err)
		}
		if prev, ok := seen[string(b)]; ok {
			t.Fatalf("seeds %d and %d give the same stream", prev, seed)
		}
		seen[string(b)] = seed
	}
}

// TestRandConcurrent reads one source from many goroutines: every chunk
// read is a distinct, aligned piece of the sequential stream, and together
// they cover it.
func TestRandConcurrent(t *testing.T) {
	const workers, reads, chunk = 8, 64, 32
	want := make([]byte, workers*reads*chunk)
	_, _ = io.ReadFull(Rand(5), want)
	pieces := map[string]int{}
	for i := 0; i < len(want); i += chunk {
		pieces[string(want[i:i+chunk])]++
	}
	r := Rand(5)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range reads {
				b := make([]byte, chunk)
				if _, err := r.Read(b); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				pieces[string(b)]--
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, c := range pieces {
		if c != 0 {
			t.Fatalf("concurrent reads are not a partition of the stream (count %d)", c)
		}
	}
}

func TestKeyring(t *testing.T) {
	tests := []struct{ n, k int }{{1, 1}, {2, 1}, {2, 2}, {3, 2}, {5, 3}}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d-of-%d", tc.k, tc.n), func(t *testing.T) {
			kr, ids := Keyring(t, tc.n, tc.k)
			if kr.Threshold != tc.k || kr.N() != tc.n || len(ids) != tc.n {
				t.Fatalf("k=%d n=%d ids=%d", kr.Threshold, kr.N(), len(ids))
			}
			for i, id := range ids {
				wantID, wantName := fmt.Sprintf("auditor-%d", i+1), fmt.Sprintf("Auditor %d", i+1)
				if id.AuditorID != wantID || id.Name != wantName {
					t.Fatalf("identity %d: %q %q", i, id.AuditorID, id.Name)
				}
				if err := kr.CheckIdentity(id); err != nil {
					t.Fatalf("identity %d does not match the keyring: %v", i, err)
				}
				if _, idx, ok := kr.Auditor(wantID); !ok || idx != i+1 {
					t.Fatalf("auditor %s at index %d, %v", wantID, idx, ok)
				}
			}
			kr2, ids2 := Keyring(t, tc.n, tc.k)
			if kr2 != kr || ids2[0] != ids[0] {
				t.Fatal("second call did not return the cached keyring")
			}
			ids2[0] = nil
			if _, ids3 := Keyring(t, tc.n, tc.k); ids3[0] != ids[0] {
				t.Fatal("changing the returned slice changed the cache")
			}
		})
	}
	a, _ := Keyring(t, 3, 2)
	b, _ := Keyring(t, 3, 1)
	if a.ID() == b.ID() || a.RootFingerprint() == b.RootFingerprint() {
		t.Fatal("different (n, k) share keys")
	}
}

// TestKeyringFixed pins the keys: tests in other packages depend on the
// same (n, k) giving the same keyring in every run.
func TestKeyringFixed(t *testing.T) {
	kr, _ := Keyring(nil, 3, 2)
	if got, want := kr.RootFingerprint(), "AB3B:BC6A:2786:94D8:42F1"; got != want {
		t.Fatalf("2-of-3 root fingerprint %s, want %s", got, want)
	}
}

// fatalTB records Fatal and ends the goroutine, as testing.T does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatal(args ...any) {
	f.msg = fmt.Sprint(args...)
	runtime.Goexit()
}

func TestKeyringInvalid(t *testing.T) {
	tests := []struct{ n, k int }{{3, 4}, {3, 0}, {0, 1}}
	for _, tc := range tests {
		name := fmt.Sprintf("%d-of-%d", tc.k, tc.n)
		t.Run(name+" fails tb", func(t *testing.T) {
			f := &fatalTB{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				Keyring(f, tc.n, tc.k)
				t.Error("Keyring returned")
			}()
			<-done
			if f.msg == "" {
				t.Fatal("no Fatal")
			}
		})
		t.Run(name+" panics without tb", func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			Keyring(nil, tc.n, tc.k)
		})
	}
}
