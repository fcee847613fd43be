package seal

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"kotak/internal/testkit"
	"kotak/keys"
)

const testPlain = `{"reporter":{"name":"Siti Rahma","nik":"3174015505900001"},"title":"Pungli KTP","body":"..."}`

// Every subset of at least k shares opens; every smaller one is refused,
// and interpolating from k-1 shares gives a key that does not decrypt.
func TestThresholdSubsets(t *testing.T) {
	for _, n := range []int{3, 5} {
		f := newFixture(t, n, 1, uint64(n), 0)
		for k := 1; k <= n; k++ {
			t.Run(fmt.Sprintf("n=%d/k=%d", n, k), func(t *testing.T) {
				fk := newFixture(t, n, k, uint64(n), 0)
				_ = f
				cid := fmt.Sprintf("LAP-2026-%d-%d", n, k)
				r, err := Seal(testkit.Rand(uint64(100*n+k)), fk.kr, cid, []byte(testPlain))
				if err != nil {
					t.Fatal(err)
				}
				if r.Threshold != k || r.N() != n || r.KeyringID != fk.kr.ID() {
					t.Fatalf("record k=%d n=%d, want %d %d", r.Threshold, r.N(), k, n)
				}
				all := fk.openAll(t, r, cid)
				for _, sub := range subsets(n) {
					got, err := Open(r, cid, fk.kr, pick(all, sub))
					switch {
					case len(sub) >= k:
						if err != nil || string(got) != testPlain {
							t.Fatalf("subset %v: %q, %v", sub, got, err)
						}
					default:
						if !errors.Is(err, ErrNotEnoughShares) || got != nil {
							t.Fatalf("subset %v of size < k: %v", sub, err)
						}
						if len(sub) == k-1 && k >= 2 {
							// Bypass the count check: k-1 points of a degree k-1
							// polynomial interpolate to a wrong secret.
							_, err := r.recover(cid, pick(all, sub))
							if !errors.Is(err, ErrDecrypt) {
								t.Fatalf("recover from k-1 shares %v: %v", sub, err)
							}
						}
					}
				}
			})
		}
	}
}

func TestMarshalParseRoundTrip(t *testing.T) {
	f := newFixture(t, 5, 3, 1, 0)
	r, err := Seal(testkit.Rand(1), f.kr, "c-1", []byte(testPlain))
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	// docs/crypto.md: 89 + Σ(|id_i| + 1203) + |P| bytes.
	if want := 89 + 5*(len("auditor-1")+1203) + len(testPlain); len(b) != want {
		t.Fatalf("record is %d bytes, docs/crypto.md says %d", len(b), want)
	}
	r2, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := r2.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, b2) {
		t.Fatal("MarshalBinary(Parse(b)) != b")
	}
	if r2.KeyringID != f.kr.ID() || r2.Threshold != 3 || r2.N() != 5 || r2.Auditors[4] != "auditor-5" {
		t.Fatalf("parsed fields: %+v", r2.Auditors)
	}
	if bytes.Contains(b, []byte("Siti")) || bytes.Contains(b, []byte("3174015505900001")) {
		t.Fatal("plaintext visible in the sealed record")
	}
	// Parse copies: changing the input afterwards does not change the record.
	clear(b)
	got, err := Open(r2, "c-1", f.kr, f.openAll(t, r2, "c-1"))
	if err != nil || string(got) != testPlain {
		t.Fatalf("open after clearing the input: %v", err)
	}
}

func TestShareOfAnotherComplaint(t *testing.T) {
	f := newFixture(t, 3, 2, 2, 0)
	ra, err := Seal(testkit.Rand(2), f.kr, "complaint-a", []byte("A"))
	if err != nil {
		t.Fatal(err)
	}
	rb, err := Seal(testkit.Rand(3), f.kr, "complaint-b", []byte("B"))
	if err != nil {
		t.Fatal(err)
	}
	sa := f.openAll(t, ra, "complaint-a")
	_, err = Open(rb, "complaint-b", f.kr, sa)
	if got := shareErrors(err); len(got) != 3 {
		t.Fatalf("shares of A on B: want 3 share errors, got %v", err)
	}
	// Even with B's commitments bypassed, A's shares give the wrong key.
	if _, err := rb.recover("complaint-b", sa[:2]); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("recover B from A's shares: %v", err)
	}
	// An auditor asked to open A's share under B's id fails (HPKE info).
	if _, err := OpenShare(ra, "complaint-b", f.kr, f.ids[0]); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("OpenShare under another complaint id: %v", err)
	}
}

func TestRecordMoved(t *testing.T) {
	f := newFixture(t, 3, 2, 4, 0)
	other := newFixture(t, 3, 2, 4, 1) // same auditors, another root: another keyring id
	if other.kr.ID() == f.kr.ID() {
		t.Fatal("fixtures share a keyring id")
	}
	r, err := Seal(testkit.Rand(4), f.kr, "c-moved", []byte(testPlain))
	if err != nil {
		t.Fatal(err)
	}
	shares := f.openAll(t, r, "c-moved")

	t.Run("other complaint id", func(t *testing.T) {
		if _, err := Open(r, "c-other", f.kr, shares); err == nil {
			t.Fatal("opened under another complaint id")
		}
		if _, err := r.recover("c-other", shares[:2]); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("recover under another complaint id: %v", err)
		}
	})
	t.Run("other keyring", func(t *testing.T) {
		if _, err := Open(r, "c-moved", other.kr, shares); !errors.Is(err, ErrKeyringMismatch) {
			t.Fatalf("Open: %v", err)
		}
		if _, err := OpenShare(r, "c-moved", other.kr, other.ids[0]); !errors.Is(err, ErrKeyringMismatch) {
			t.Fatalf("OpenShare: %v", err)
		}
	})
	t.Run("keyring id rewritten", func(t *testing.T) {
		b, _ := r.MarshalBinary()
		kid := other.kr.ID()
		copy(b[11:43], kid[:])
		moved, err := Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := OpenShare(moved, "c-moved", other.kr, other.ids[0]); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("OpenShare of a relabelled record: %v", err)
		}
		if _, err := Open(moved, "c-moved", other.kr, shares); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("Open of a relabelled record: %v", err)
		}
	})
	t.Run("threshold or auditors changed", func(t *testing.T) {
		lower := newFixture(t, 3, 1, 4, 0)
		if _, err := Open(r, "c-moved", lower.kr, shares[:1]); !errors.Is(err, ErrKeyringMismatch) {
			t.Fatalf("Open with a k=1 keyring: %v", err)
		}
		r2 := *r
		r2.Auditors = []string{"auditor-1", "auditor-2", "auditor-x"}
		if _, err := Open(&r2, "c-moved", f.kr, shares); !errors.Is(err, ErrKeyringMismatch) {
			t.Fatalf("Open with renamed auditor: %v", err)
		}
	})
}

// Every one-byte change anywhere in a sealed record is refused: by Parse,
// or by Open with k honest shares (the header is in the AAD).
func TestEveryByteChangeRefused(t *testing.T) {
	f := newFixture(t, 3, 2, 5, 0)
	const cid = "c-tamper"
	r, err := Seal(testkit.Rand(5), f.kr, cid, []byte("identity"))
	if err != nil {
		t.Fatal(err)
	}
	orig, _ := r.MarshalBinary()
	shares := f.openAll(t, r, cid)
	// k honest shares that leave out auditor 1: a change to auditor 1's
	// commitment or sealed share is caught by the AAD alone.
	sub := pick(shares, []int{1, 2})
	rng := testkit.Rand(55)
	for pos := range orig {
		deltas := []byte{0xff}
		if !testing.Short() {
			var rb [1]byte
			rng.Read(rb[:])
			deltas = append(deltas, 0x01, 0x80, rb[0]|1)
		}
		for _, d := range deltas {
			b := bytes.Clone(orig)
			b[pos] ^= d
			rec, err := Parse(b)
			if err == nil {
				var pt []byte
				pt, err = Open(rec, cid, f.kr, sub)
				if err == nil {
					t.Fatalf("byte %d ^ %#x: opened %q", pos, d, pt)
				}
			}
		}
	}
	for l := range len(orig) {
		if _, err := Parse(orig[:l]); !errors.Is(err, ErrFormat) {
			t.Fatalf("truncated to %d: %v", l, err)
		}
	}
	if _, err := Parse(append(bytes.Clone(orig), 0)); !errors.Is(err, ErrFormat) {
		t.Fatalf("trailing byte: %v", err)
	}
}

func TestWrongShareAttributed(t *testing.T) {
	f := newFixture(t, 5, 3, 6, 0)
	const cid = "c-blame"
	r, err := Seal(testkit.Rand(6), f.kr, cid, []byte(testPlain))
	if err != nil {
		t.Fatal(err)
	}
	good := f.openAll(t, r, cid)
	bad := func(s Share) Share {
		v := bytes.Clone(s.Value)
		v[0] ^= 1
		return Share{Index: s.Index, Value: v}
	}
	tests := []struct {
		name   string
		shares []Share
		blamed []int
	}{
		{"one wrong of k", []Share{good[0], bad(good[1]), good[2]}, []int{2}},
		{"one wrong with enough good ones", []Share{good[0], good[1], good[2], bad(good[4])}, []int{5}},
		{"two wrong", []Share{bad(good[0]), good[1], bad(good[3]), good[2]}, []int{1, 4}},
		{"short value", []Share{good[0], good[1], {Index: 3, Value: good[2].Value[:31]}}, []int{3}},
		{"share swapped to another index", []Share{good[0], good[1], {Index: 4, Value: good[2].Value}}, []int{4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(r, cid, f.kr, tc.shares)
			if !errors.Is(err, ErrShareMismatch) {
				t.Fatalf("want ErrShareMismatch, got %v", err)
			}
			var se *ShareError
			if !errors.As(err, &se) || se.Index != tc.blamed[0] || se.AuditorID != fmt.Sprintf("auditor-%d", tc.blamed[0]) {
				t.Fatalf("errors.As: %+v", se)
			}
			var got []int
			for _, e := range shareErrors(err) {
				got = append(got, e.Index)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.blamed) {
				t.Fatalf("blamed %v, want %v", got, tc.blamed)
			}
			if strings.Contains(err.Error(), "Siti") {
				t.Fatal("error leaks plaintext")
			}
		})
	}
	for _, idx := range []int{0, -1, 6, 1 << 20} {
		_, err := Open(r, cid, f.kr, []Share{good[0], good[1], {Index: idx, Value: good[2].Value}})
		if !errors.Is(err, ErrShareIndex) {
			t.Fatalf("index %d: %v", idx, err)
		}
		if err := r.CheckShare(cid, Share{Index: idx}); !errors.Is(err, ErrShareIndex) {
			t.Fatalf("CheckShare index %d: %v", idx, err)
		}
	}
	// The auditor's own tool catches a changed commitment before it
	// re-seals anything.
	r2, _ := Parse(mustMarshal(t, r))
	r2.shares[1].commitment[0] ^= 1
	_, err = OpenShare(r2, cid, f.kr, f.ids[1])
	var se *ShareError
	if !errors.As(err, &se) || se.Index != 2 || se.AuditorID != "auditor-2" {
		t.Fatalf("OpenShare with a changed commitment: %v", err)
	}
}

func mustMarshal(t *testing.T, r *Record) []byte {
	t.Helper()
	b, err := r.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDuplicateSharesCountOnce(t *testing.T) {
	f := newFixture(t, 5, 3, 7, 0)
	const cid = "c-dup"
	r, err := Seal(testkit.Rand(7), f.kr, cid, []byte(testPlain))
	if err != nil {
		t.Fatal(err)
	}
	s := f.openAll(t, r, cid)
	tests := []struct {
		name   string
		shares []Share
		ok     bool
	}{
		{"same share k times", []Share{s[0], s[0], s[0]}, false},
		{"k-1 distinct plus a repeat", []Share{s[3], s[1], s[3]}, false},
		{"k-1 distinct repeated many times", []Share{s[0], s[1], s[0], s[1], s[0], s[1]}, false},
		{"k distinct with repeats", []Share{s[4], s[4], s[2], s[0], s[2]}, true},
		{"all n twice", append(append([]Share{}, s...), s...), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Open(r, cid, f.kr, tc.shares)
			if tc.ok {
				if err != nil || string(got) != testPlain {
					t.Fatalf("got %v", err)
				}
				return
			}
			if !errors.Is(err, ErrNotEnoughShares) {
				t.Fatalf("want ErrNotEnoughShares, got %v", err)
			}
		})
	}
}

func TestOpenDoesNotModifyShares(t *testing.T) {
	f := newFixture(t, 3, 2, 8, 0)
	r, err := Seal(testkit.Rand(8), f.kr, "c", []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	s := f.openAll(t, r, "c")
	before := bytes.Clone(s[0].Value)
	if _, err := Open(r, "c", f.kr, s); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, s[0].Value) {
		t.Fatal("Open changed a caller's share")
	}
	s[0].Wipe()
	if !bytes.Equal(s[0].Value, make([]byte, ShareSize)) {
		t.Fatal("Wipe left bytes")
	}
}

func TestOpenShareIdentityChecks(t *testing.T) {
	f := newFixture(t, 3, 2, 9, 0)
	stranger := newFixture(t, 3, 2, 99, 0) // same auditor ids, other keys
	r, err := Seal(testkit.Rand(9), f.kr, "c", []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenShare(r, "c", f.kr, stranger.ids[0]); !errors.Is(err, ErrNotAuditor) {
		t.Fatalf("impostor with a keyring auditor's id: %v", err)
	}
	if _, err := OpenShare(r, "c", f.kr, nil); !errors.Is(err, ErrNotAuditor) {
		t.Fatalf("nil identity: %v", err)
	}
	if _, err := OpenShare(nil, "c", f.kr, f.ids[0]); !errors.Is(err, ErrFormat) {
		t.Fatalf("nil record: %v", err)
	}
	if err := (*Record)(nil).CheckShare("c", Share{Index: 1}); !errors.Is(err, ErrFormat) {
		t.Fatalf("nil record: %v", err)
	}
	if _, err := Open(nil, "c", f.kr, nil); !errors.Is(err, ErrFormat) {
		t.Fatalf("nil record: %v", err)
	}
	if _, err := Open(r, "c", nil, nil); !errors.Is(err, ErrKeyringMismatch) {
		t.Fatalf("nil keyring: %v", err)
	}
	// A sealed share moved to another auditor's slot does not open.
	r2, _ := Parse(mustMarshal(t, r))
	r2.shares[0].sealed, r2.shares[1].sealed = r2.shares[1].sealed, r2.shares[0].sealed
	if _, err := OpenShare(r2, "c", f.kr, f.ids[0]); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("swapped sealed shares: %v", err)
	}
}

func TestSealInputErrors(t *testing.T) {
	f := newFixture(t, 3, 2, 10, 0)
	tests := []struct {
		name string
		cid  string
		pt   []byte
		want error
	}{
		{"empty id", "", nil, ErrID},
		{"long id", strings.Repeat("x", MaxIDSize+1), nil, ErrID},
		{"too large", "c", make([]byte, MaxPlaintextSize+1), ErrTooLarge},
	}
	for _, tc := range tests {
		if _, err := Seal(testkit.Rand(1), f.kr, tc.cid, tc.pt); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if _, err := Seal(testkit.Rand(1), nil, "c", nil); !errors.Is(err, ErrKeyringMismatch) {
		t.Errorf("nil keyring: %v", err)
	}
	// Boundary values seal and open.
	for _, tc := range []struct {
		cid string
		pt  []byte
	}{{strings.Repeat("x", MaxIDSize), nil}, {"c", make([]byte, MaxPlaintextSize)}} {
		r, err := Seal(testkit.Rand(1), f.kr, tc.cid, tc.pt)
		if err != nil {
			t.Fatal(err)
		}
		r, err = Parse(mustMarshal(t, r))
		if err != nil {
			t.Fatal(err)
		}
		got, err := Open(r, tc.cid, f.kr, f.openAll(t, r, tc.cid))
		if err != nil || !bytes.Equal(got, tc.pt) && len(tc.pt) > 0 {
			t.Fatalf("boundary: %v", err)
		}
	}
	// Randomness failing at any point is an error, never a panic or a
	// record with missing parts.
	for n := 0; n < 64+3*64+24; n += 7 {
		if _, err := Seal(&failingReader{n: n}, f.kr, "c", []byte("x")); !errors.Is(err, ErrRandom) {
			t.Fatalf("reader failing after %d bytes: %v", n, err)
		}
	}
}

func TestMarshalRefusesBrokenRecord(t *testing.T) {
	f := newFixture(t, 3, 2, 11, 0)
	r, err := Seal(testkit.Rand(11), f.kr, "c", []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	for name, mut := range map[string]func(*Record){
		"threshold 0":     func(r *Record) { r.Threshold = 0 },
		"threshold > n":   func(r *Record) { r.Threshold = 4 },
		"auditor missing": func(r *Record) { r.Auditors = r.Auditors[:2] },
		"bad auditor id":  func(r *Record) { r.Auditors = []string{"a", "B", "c"} },
	} {
		c := *r
		mut(&c)
		if _, err := c.MarshalBinary(); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestSealer(t *testing.T) {
	f := newFixture(t, 3, 2, 12, 0)
	for _, s := range []Sealer{{Keyring: f.kr, Rand: testkit.Rand(12)}, {Keyring: f.kr}} {
		b, err := s.Seal("c-sealer", []byte(testPlain))
		if err != nil {
			t.Fatal(err)
		}
		r, err := Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Open(r, "c-sealer", f.kr, f.openAll(t, r, "c-sealer")[1:])
		if err != nil || string(got) != testPlain {
			t.Fatalf("Sealer output does not open: %v", err)
		}
	}
	// Two seals of the same input differ (fresh scalar, nonce and KEM seeds).
	s := Sealer{Keyring: f.kr}
	a, _ := s.Seal("c", []byte("x"))
	b, _ := s.Seal("c", []byte("x"))
	if bytes.Equal(a, b) {
		t.Fatal("two seals are identical")
	}
}

// The parsed-key cache never serves keys that differ from the keyring's,
// and sealing is safe from many goroutines.
func TestAuditorKeyCache(t *testing.T) {
	f := newFixture(t, 3, 2, 13, 0)
	other := newFixture(t, 3, 2, 14, 0)
	if _, err := auditorKeys(f.kr); err != nil {
		t.Fatal(err)
	}
	changed := *f.kr // same id, auditor 2's X-Wing key replaced
	changed.Auditors = append([]keys.Auditor(nil), f.kr.Auditors...)
	changed.Auditors[1].XWing = other.kr.Auditors[1].XWing
	pks, err := auditorKeys(&changed)
	if err != nil {
		t.Fatal(err)
	}
	for i, pk := range pks {
		b, _ := pk.MarshalBinary()
		if !bytes.Equal(b, changed.Auditors[i].XWing) {
			t.Fatalf("cache served a stale key for auditor %d", i+1)
		}
	}

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			cid := fmt.Sprintf("c-%d", g)
			b, err := Sealer{Keyring: f.kr}.Seal(cid, []byte(testPlain))
			if err != nil {
				errs <- err
				return
			}
			r, err := Parse(b)
			if err != nil {
				errs <- err
				return
			}
			s, err := OpenShare(r, cid, f.kr, f.ids[g%3])
			if err != nil {
				errs <- err
				return
			}
			if err := r.CheckShare(cid, s); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
