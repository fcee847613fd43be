package seal

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"kotak/internal/testkit"
)

// The whole unseal flow: auditors open their shares, re-seal them to the
// officer's recipient key, the officer opens the re-sealed shares and the
// record.
func TestResealFlow(t *testing.T) {
	f := newFixture(t, 5, 3, 20, 0)
	const cid, req = "c-flow", "req-42"
	r, err := Seal(testkit.Rand(20), f.kr, cid, []byte(testPlain))
	if err != nil {
		t.Fatal(err)
	}
	seed, pub, err := NewRecipientKey(testkit.Rand(21))
	if err != nil {
		t.Fatal(err)
	}
	if len(seed) != RecipientSeedSize || len(pub) != 1216 {
		t.Fatalf("recipient key sizes %d %d", len(seed), len(pub))
	}
	var blobs [][]byte
	for _, i := range []int{4, 1, 2} {
		s, err := OpenShare(r, cid, f.kr, f.ids[i])
		if err != nil {
			t.Fatal(err)
		}
		b, err := Reseal(testkit.Rand(uint64(30+i)), s, pub, req, cid)
		if err != nil {
			t.Fatal(err)
		}
		s.Wipe()
		if len(b) != resealedSize {
			t.Fatalf("re-sealed size %d, want %d", len(b), resealedSize)
		}
		blobs = append(blobs, b)
	}
	var shares []Share
	for _, b := range blobs {
		s, err := OpenResealed(seed, b, req, cid)
		if err != nil {
			t.Fatal(err)
		}
		shares = append(shares, s)
	}
	got, err := Open(r, cid, f.kr, shares)
	if err != nil || string(got) != testPlain {
		t.Fatalf("Open: %q %v", got, err)
	}
}

func TestOpenResealedRefuses(t *testing.T) {
	f := newFixture(t, 3, 2, 22, 0)
	const cid, req = "c-rs", "req-1"
	r, err := Seal(testkit.Rand(22), f.kr, cid, []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	share, err := OpenShare(r, cid, f.kr, f.ids[2])
	if err != nil {
		t.Fatal(err)
	}
	seed, pub, _ := NewRecipientKey(testkit.Rand(23))
	otherSeed, _, _ := NewRecipientKey(testkit.Rand(24))
	blob, err := Reseal(testkit.Rand(25), share, pub, req, cid)
	if err != nil {
		t.Fatal(err)
	}
	with := func(off int, v byte) []byte {
		b := bytes.Clone(blob)
		b[off] = v
		return b
	}
	tests := []struct {
		name      string
		seed      []byte
		blob      []byte
		req, cid  string
		want      error
		wantIndex bool
	}{
		{"other request", seed, blob, "req-2", cid, ErrDecrypt, false},
		{"other complaint", seed, blob, req, "c-other", ErrDecrypt, false},
		{"other key", otherSeed, blob, req, cid, ErrDecrypt, false},
		{"short seed", seed[:31], blob, req, cid, ErrRecipientKey, false},
		{"index changed", seed, with(11, 1), req, cid, ErrDecrypt, false},
		{"index zero", seed, with(11, 0), req, cid, ErrShareIndex, false},
		{"index too large", seed, with(11, 65), req, cid, ErrShareIndex, false},
		{"version 2", seed, with(4, 2), req, cid, ErrVersion, false},
		{"other kem", seed, with(6, 0x20), req, cid, ErrSuite, false},
		{"other aead", seed, with(10, 1), req, cid, ErrSuite, false},
		{"magic", seed, with(0, 'X'), req, cid, ErrFormat, false},
		{"a record, not a re-sealed share", seed, mustMarshal(t, r), req, cid, ErrFormat, false},
		{"trailing byte", seed, append(bytes.Clone(blob), 0), req, cid, ErrFormat, false},
		{"empty request id", seed, blob, "", cid, ErrID, false},
		{"long complaint id", seed, blob, req, strings.Repeat("c", MaxIDSize+1), ErrID, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := OpenResealed(tc.seed, tc.blob, tc.req, tc.cid)
			if !errors.Is(err, tc.want) {
				t.Fatalf("want %v, got %v", tc.want, err)
			}
			if s.Value != nil {
				t.Fatal("share returned with an error")
			}
		})
	}
	for l := range len(blob) {
		if _, err := OpenResealed(seed, blob[:l], req, cid); err == nil {
			t.Fatalf("truncated to %d opened", l)
		}
	}
	// Every one-byte change is refused.
	for pos := range blob {
		for _, d := range []byte{0x01, 0xff} {
			b := bytes.Clone(blob)
			b[pos] ^= d
			if _, err := OpenResealed(seed, b, req, cid); err == nil {
				t.Fatalf("byte %d ^ %#x opened", pos, d)
			}
		}
	}
	got, err := OpenResealed(seed, blob, req, cid)
	if err != nil || got.Index != 3 || !bytes.Equal(got.Value, share.Value) {
		t.Fatalf("original: %v", err)
	}
}

func TestResealInputErrors(t *testing.T) {
	_, pub, _ := NewRecipientKey(testkit.Rand(26))
	good := Share{Index: 1, Value: make([]byte, ShareSize)}
	tests := []struct {
		name string
		s    Share
		pub  []byte
		req  string
		want error
	}{
		{"index 0", Share{Index: 0, Value: good.Value}, pub, "r", ErrShareIndex},
		{"index 65", Share{Index: 65, Value: good.Value}, pub, "r", ErrShareIndex},
		{"short value", Share{Index: 1, Value: good.Value[:5]}, pub, "r", ErrFormat},
		{"short key", good, pub[:100], "r", ErrRecipientKey},
		{"no request", good, pub, "", ErrID},
	}
	for _, tc := range tests {
		if _, err := Reseal(testkit.Rand(1), tc.s, tc.pub, tc.req, "c"); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if _, err := Reseal(&failingReader{n: 10}, good, pub, "r", "c"); !errors.Is(err, ErrRandom) {
		t.Errorf("failing reader: %v", err)
	}
	if _, _, err := NewRecipientKey(&failingReader{n: 10}); !errors.Is(err, ErrRandom) {
		t.Errorf("NewRecipientKey with failing reader: %v", err)
	}
}
