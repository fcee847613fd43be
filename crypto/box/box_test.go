package box

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"

	"kotak/internal/testkit"
)

func mustKey(t testing.TB, seed byte) []byte {
	t.Helper()
	k, err := NewDEK(testkit.Rand(uint64(seed)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpenRoundTrip(t *testing.T) {
	key := mustKey(t, 1)
	tests := []struct {
		name      string
		plaintext []byte
		aad       []byte
	}{
		{"empty", nil, nil},
		{"short", []byte("laporan"), []byte("KTK-ABCD")},
		{"no aad", []byte("jalan rusak di RT 03"), nil},
		{"large", bytes.Repeat([]byte{0xa5}, 1<<16), []byte("KTK-XYZ")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sealed, err := Seal(testkit.Rand(2), key, tc.plaintext, tc.aad)
			if err != nil {
				t.Fatal(err)
			}
			if len(sealed) != len(tc.plaintext)+Overhead {
				t.Fatalf("len = %d, want %d", len(sealed), len(tc.plaintext)+Overhead)
			}
			if sealed[0] != versionSealed {
				t.Fatalf("version byte %#x", sealed[0])
			}
			if len(tc.plaintext) >= 8 && bytes.Contains(sealed, tc.plaintext[:8]) {
				t.Fatal("plaintext visible in sealed output")
			}
			got, err := Open(key, sealed, tc.aad)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.plaintext) {
				t.Fatal("round trip changed the plaintext")
			}
		})
	}
}

func TestSealFreshNonce(t *testing.T) {
	key := mustKey(t, 1)
	a, err := Seal(rand.Reader, key, []byte("x"), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Seal(rand.Reader, key, []byte("x"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a[1:25], b[1:25]) {
		t.Fatal("two seals used the same nonce")
	}
}

// TestOpenRefusesEveryChange flips, removes and appends bytes at every
// position of a sealed record and of a wrapped key.
func TestOpenRefusesEveryChange(t *testing.T) {
	key := mustKey(t, 1)
	aad := []byte("KTK-7Q2M")
	sealed, err := Seal(testkit.Rand(3), key, []byte("identitas pelapor"), aad)
	if err != nil {
		t.Fatal(err)
	}
	dek := mustKey(t, 9)
	wrapped, err := Wrap(testkit.Rand(4), key, dek, aad)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		blob []byte
		open func(blob []byte) ([]byte, error)
	}{
		{"open", sealed, func(b []byte) ([]byte, error) { return Open(key, b, aad) }},
		{"unwrap", wrapped, func(b []byte) ([]byte, error) { return Unwrap(key, b, aad) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.open(tc.blob); err != nil {
				t.Fatalf("untouched blob: %v", err)
			}
			for i := range tc.blob {
				for _, x := range []byte{0x01, 0x80, 0xff} {
					b := bytes.Clone(tc.blob)
					b[i] ^= x
					if pt, err := tc.open(b); !errors.Is(err, ErrOpen) || pt != nil {
						t.Fatalf("byte %d ^ %#x: err=%v pt=%v", i, x, err, pt)
					}
				}
				cut := append(bytes.Clone(tc.blob[:i]), tc.blob[i+1:]...)
				if _, err := tc.open(cut); !errors.Is(err, ErrOpen) {
					t.Fatalf("byte %d removed: %v", i, err)
				}
				if _, err := tc.open(tc.blob[:i]); !errors.Is(err, ErrOpen) {
					t.Fatalf("truncated to %d: %v", i, err)
				}
			}
			if _, err := tc.open(append(bytes.Clone(tc.blob), 0)); !errors.Is(err, ErrOpen) {
				t.Fatalf("appended byte: %v", err)
			}
		})
	}
}

func TestOpenWrongKeyOrAAD(t *testing.T) {
	key := mustKey(t, 1)
	other := mustKey(t, 2)
	aad := []byte("KTK-AAAA")
	sealed, err := Seal(testkit.Rand(5), key, []byte("isi"), aad)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		key  []byte
		aad  []byte
	}{
		{"wrong key", other, aad},
		{"wrong aad", key, []byte("KTK-AAAB")},
		{"aad prefix", key, aad[:len(aad)-1]},
		{"aad extended", key, append(bytes.Clone(aad), 'X')},
		{"no aad", key, nil},
		{"short key", key[:31], aad},
		{"nil key", nil, aad},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Open(tc.key, sealed, tc.aad); !errors.Is(err, ErrOpen) {
				t.Fatalf("err = %v, want ErrOpen", err)
			}
		})
	}
}

func TestSealAndWrapAreSeparate(t *testing.T) {
	kek := mustKey(t, 1)
	dek := mustKey(t, 2)
	aad := []byte("KTK-SEP")
	wrapped, err := Wrap(testkit.Rand(6), kek, dek, aad)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(kek, wrapped, aad); !errors.Is(err, ErrOpen) {
		t.Fatalf("Open accepted a wrapped key: %v", err)
	}
	// A wrapped key with its version byte changed to "sealed" still fails:
	// the label in the associated data differs.
	relabelled := bytes.Clone(wrapped)
	relabelled[0] = versionSealed
	if _, err := Open(kek, relabelled, aad); !errors.Is(err, ErrOpen) {
		t.Fatalf("Open accepted a relabelled wrapped key: %v", err)
	}
	sealed, err := Seal(testkit.Rand(7), kek, dek, aad)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Unwrap(kek, sealed, aad); !errors.Is(err, ErrOpen) {
		t.Fatalf("Unwrap accepted a sealed record: %v", err)
	}
	got, err := Unwrap(kek, wrapped, aad)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, dek) {
		t.Fatal("Unwrap returned another key")
	}
}

func TestBadInputs(t *testing.T) {
	key := mustKey(t, 1)
	if _, err := Seal(testkit.Rand(1), key[:16], nil, nil); !errors.Is(err, ErrKeySize) {
		t.Fatalf("Seal short key: %v", err)
	}
	if _, err := Wrap(testkit.Rand(1), key, key[:31], nil); !errors.Is(err, ErrKeySize) {
		t.Fatalf("Wrap short dek: %v", err)
	}
	if _, err := Wrap(testkit.Rand(1), key[:31], key, nil); !errors.Is(err, ErrKeySize) {
		t.Fatalf("Wrap short kek: %v", err)
	}
	if _, err := Seal(bytes.NewReader(make([]byte, 10)), key, nil, nil); !errors.Is(err, ErrRandom) {
		t.Fatalf("Seal failing rnd: %v", err)
	}
	if _, err := NewDEK(bytes.NewReader(make([]byte, 31))); !errors.Is(err, ErrRandom) {
		t.Fatalf("NewDEK failing rnd: %v", err)
	}
	// An unwrapped value that is not 32 bytes is refused even when it
	// authenticates (it cannot have come from Wrap).
	odd, err := seal(testkit.Rand(1), versionWrapped, labelWrapped, key, []byte("short"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Unwrap(key, odd, nil); !errors.Is(err, ErrOpen) {
		t.Fatalf("Unwrap of a 5-byte key: %v", err)
	}
}

// TestInteroperates checks the layout against the AEAD used directly.
func TestInteroperates(t *testing.T) {
	key := mustKey(t, 1)
	aad := []byte("KTK-INTEROP")
	sealed, err := Seal(testkit.Rand(8), key, []byte("halo"), aad)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		t.Fatal(err)
	}
	full := append([]byte{versionSealed}, labelSealed...)
	full = append(full, aad...)
	pt, err := aead.Open(nil, sealed[1:25], sealed[25:], full)
	if err != nil || string(pt) != "halo" {
		t.Fatalf("direct AEAD open: %q %v", pt, err)
	}
}

func FuzzOpen(f *testing.F) {
	key := mustKey(f, 1)
	aad := []byte("KTK-FUZZ")
	sealed, err := Seal(testkit.Rand(1), key, []byte("isi rahasia"), aad)
	if err != nil {
		f.Fatal(err)
	}
	wrapped, err := Wrap(testkit.Rand(2), key, mustKey(f, 3), aad)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sealed, aad)
	f.Add(wrapped, aad)
	f.Add([]byte{}, []byte{})
	f.Add([]byte{versionSealed}, aad)
	f.Add(sealed[:Overhead], aad)
	f.Fuzz(func(t *testing.T, blob, aad []byte) {
		pt, err := Open(key, blob, aad)
		if err != nil {
			if !errors.Is(err, ErrOpen) || pt != nil {
				t.Fatalf("Open: err=%v pt=%v", err, pt)
			}
		} else if !bytes.Equal(blob, sealed) || len(pt) != len(blob)-Overhead {
			// Forging a new valid ciphertext would break the AEAD.
			t.Fatalf("Open accepted a blob not made by Seal")
		}
		dek, err := Unwrap(key, blob, aad)
		if err == nil && (!bytes.Equal(blob, wrapped) || len(dek) != KeySize) {
			t.Fatalf("Unwrap accepted a blob not made by Wrap")
		}
		if err != nil && !errors.Is(err, ErrOpen) {
			t.Fatalf("Unwrap: %v", err)
		}
	})
}

func BenchmarkSeal4KiB(b *testing.B) {
	key := mustKey(b, 1)
	msg := make([]byte, 4096)
	aad := []byte("KTK-BENCH")
	b.Run("baseline=xchacha20poly1305", func(b *testing.B) {
		aead, _ := chacha20poly1305.NewX(key)
		nonce := make([]byte, chacha20poly1305.NonceSizeX)
		b.SetBytes(int64(len(msg)))
		for b.Loop() {
			rand.Read(nonce)
			aead.Seal(nil, nonce, msg, aad)
		}
	})
	b.Run("Seal", func(b *testing.B) {
		b.SetBytes(int64(len(msg)))
		for b.Loop() {
			if _, err := Seal(rand.Reader, key, msg, aad); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Wrap", func(b *testing.B) {
		for b.Loop() {
			if _, err := Wrap(rand.Reader, key, key, aad); err != nil {
				b.Fatal(err)
			}
		}
	})
}
