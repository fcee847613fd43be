package receipt

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"kotak/internal/testkit"
)

var shape = regexp.MustCompile(`^[0-9]{4}( [0-9]{4}){4}$`)

func TestNewShape(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		r, err := New(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if !shape.MatchString(r) {
			t.Fatalf("receipt %q has the wrong shape", r)
		}
		if seen[r] {
			t.Fatal("receipt repeated")
		}
		seen[r] = true
		n, err := Normalize(r)
		if err != nil || len(n) != Digits || Format(n) != r {
			t.Fatalf("Normalize(%q) = %q, %v", r, n, err)
		}
	}
}

// rejectingReader yields a byte ≥ 250 before every useful byte.
type rejectingReader struct {
	useful []byte
	i      int
}

func (r *rejectingReader) Read(p []byte) (int, error) {
	for k := range p {
		if r.i%2 == 0 {
			p[k] = 250 + byte(r.i%6)
		} else {
			p[k] = r.useful[(r.i/2)%len(r.useful)]
		}
		r.i++
	}
	return len(p), nil
}

func TestNewRejectsHighBytes(t *testing.T) {
	// Useful bytes 10*k+d give digit d; the bytes ≥ 250 between them must
	// be skipped, not reduced mod 10 (which would favour 0..5).
	useful := []byte{3, 241, 47, 118, 9, 200, 65, 32, 174, 88}
	got, err := New(&rejectingReader{useful: useful})
	if err != nil {
		t.Fatal(err)
	}
	if want := "3178 9052 4831 7890 5248"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestNewBadSource(t *testing.T) {
	tests := []struct {
		name string
		rnd  func() *bytes.Reader
	}{
		{"empty", func() *bytes.Reader { return bytes.NewReader(nil) }},
		{"short", func() *bytes.Reader { return bytes.NewReader(make([]byte, 10)) }},
		{"all 0xff", func() *bytes.Reader { return bytes.NewReader(bytes.Repeat([]byte{0xff}, 1<<20)) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := New(tc.rnd())
			if !errors.Is(err, ErrRandom) || r != "" {
				t.Fatalf("got %q, %v; want ErrRandom", r, err)
			}
		})
	}
}

// TestUniform checks digit frequencies overall and per position with loose
// bounds (a chi-square far in the tail).
func TestUniform(t *testing.T) {
	// One million digits: enough for the bound to see the 1.6% bias of
	// reducing bytes mod 10 without rejection.
	const receipts = 50000
	rnd := testkit.Rand(1)
	var total [10]int
	var perPos [Digits][10]int
	for range receipts {
		r, err := New(rnd)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := Normalize(r)
		for i := range Digits {
			total[d[i]-'0']++
			perPos[i][d[i]-'0']++
		}
	}
	chi2 := func(counts []int, n int) float64 {
		e := float64(n) / float64(len(counts))
		var x float64
		for _, c := range counts {
			x += (float64(c) - e) * (float64(c) - e) / e
		}
		return x
	}
	// 9 degrees of freedom: P(chi2 > 40) ≈ 7e-6.
	if x := chi2(total[:], receipts*Digits); x > 40 {
		t.Fatalf("digit counts %v: chi2 = %.1f", total, x)
	}
	for i := range Digits {
		if x := chi2(perPos[i][:], receipts); x > 40 {
			t.Fatalf("position %d counts %v: chi2 = %.1f", i, perPos[i], x)
		}
	}
	// A biased generator (byte mod 10 without rejection) must fail the same
	// bound, or the test proves nothing.
	var biased [10]int
	buf := make([]byte, receipts*Digits)
	testkit.Rand(2).Read(buf)
	for _, b := range buf {
		biased[b%10]++
	}
	if x := chi2(biased[:], len(buf)); x <= 40 {
		t.Fatalf("the bound does not catch mod-10 bias (chi2 = %.1f)", x)
	}
}

func TestNormalize(t *testing.T) {
	const digits = "12345678901234567890"
	tests := []struct {
		in string
		ok bool
	}{
		{digits, true},
		{"1234 5678 9012 3456 7890", true},
		{"1234-5678-9012-3456-7890", true},
		{"1234\t5678\t9012\t3456\t7890", true},
		{"  1234 - 5678 -9012 3456   7890  ", true},
		{"1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0", true},
		{"", false},
		{"1234 5678 9012 3456 789", false},
		{"1234 5678 9012 3456 78901", false},
		{"1234.5678.9012.3456.7890", false},
		{"1234_5678_9012_3456_7890", false},
		{"1234\n5678 9012 3456 7890", false},
		{"1234\u00a05678 9012 3456 7890", false},
		{"١٢٣٤ 5678 9012 3456 7890", false},
		{"１２３４ 5678 9012 3456 7890", false},
		{"1234 5678 9012 3456 789O", false},
		{"+1234 5678 9012 3456 7890", false},
		{digits + strings.Repeat(" ", 100), false},
		{"\xff" + digits, false},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%q", tc.in), func(t *testing.T) {
			got, err := Normalize(tc.in)
			if tc.ok {
				if err != nil || got != digits {
					t.Fatalf("got %q, %v", got, err)
				}
				return
			}
			if !errors.Is(err, ErrMalformed) || got != "" {
				t.Fatalf("got %q, %v; want ErrMalformed", got, err)
			}
			if strings.Contains(err.Error(), "1234") {
				t.Fatal("error repeats the input")
			}
		})
	}
}

func TestHasher(t *testing.T) {
	key := bytes.Repeat([]byte{0x42}, 32)
	h := NewHasher(key)
	a, err := h.Sum("1234 5678 9012 3456 7890")
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.Sum("12345678901234567890")
	if err != nil {
		t.Fatal(err)
	}
	if !Equal(a, b) {
		t.Fatal("two writings of one receipt hash differently")
	}
	c, err := h.Sum("1234 5678 9012 3456 7891")
	if err != nil {
		t.Fatal(err)
	}
	if Equal(a, c) {
		t.Fatal("different receipts hash the same")
	}
	other, err := NewHasher(bytes.Repeat([]byte{0x43}, 32)).Sum("12345678901234567890")
	if err != nil {
		t.Fatal(err)
	}
	if Equal(a, other) {
		t.Fatal("different keys hash the same")
	}
	if plain := sha256.Sum256([]byte("12345678901234567890")); Equal(a, plain) {
		t.Fatal("sum is an unkeyed hash")
	}
	// The key is copied.
	key[0] ^= 1
	again, _ := h.Sum("12345678901234567890")
	if !Equal(a, again) {
		t.Fatal("Hasher follows changes to the caller's key slice")
	}
	if _, err := h.Sum("1234"); !errors.Is(err, ErrMalformed) {
		t.Fatalf("malformed: %v", err)
	}
	if _, err := NewHasher(make([]byte, 16)).Sum("12345678901234567890"); !errors.Is(err, ErrKey) {
		t.Fatalf("short key: %v", err)
	}
}

func TestEqual(t *testing.T) {
	var a, b [32]byte
	if !Equal(a, b) {
		t.Fatal("zero sums differ")
	}
	for i := range 32 {
		b = a
		b[i] = 1
		if Equal(a, b) {
			t.Fatalf("difference at byte %d not seen", i)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"1234 5678 9012 3456 7890", "1234-5678-9012-3456-7890", "", "١٢٣٤", "1\t2-3 4", "12345678901234567890 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Normalize(s)
		if err != nil {
			if !errors.Is(err, ErrMalformed) || got != "" {
				t.Fatalf("got %q, %v", got, err)
			}
			return
		}
		if len(got) != Digits {
			t.Fatalf("length %d", len(got))
		}
		for i := range len(got) {
			if got[i] < '0' || got[i] > '9' {
				t.Fatalf("non-digit in %q", got)
			}
		}
		// Only separators were dropped, and normalising is idempotent.
		stripped := strings.NewReplacer(" ", "", "\t", "", "-", "").Replace(s)
		if stripped != got {
			t.Fatalf("Normalize(%q) = %q, want %q", s, got, stripped)
		}
		if again, err := Normalize(Format(got)); err != nil || again != got {
			t.Fatalf("not idempotent through Format: %q %v", again, err)
		}
	})
}

func BenchmarkNew(b *testing.B) {
	b.Run("baseline=read 20 random bytes", func(b *testing.B) {
		var buf [20]byte
		for b.Loop() {
			rand.Read(buf[:])
		}
	})
	b.Run("New", func(b *testing.B) {
		for b.Loop() {
			if _, err := New(rand.Reader); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSum(b *testing.B) {
	h := NewHasher(bytes.Repeat([]byte{1}, 32))
	b.Run("baseline=sha256 of 20 bytes", func(b *testing.B) {
		for b.Loop() {
			sha256.Sum256([]byte("12345678901234567890"))
		}
	})
	b.Run("Sum", func(b *testing.B) {
		for b.Loop() {
			if _, err := h.Sum("1234 5678 9012 3456 7890"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
