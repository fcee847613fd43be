package seal

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"testing"

	"kotak/internal/testkit"
	"kotak/keys"
)

// fixture is a keyring with the private identities of all its auditors.
type fixture struct {
	kr  *keys.Keyring
	ids []*keys.Identity
}

// newFixture makes a keyring of n auditors with threshold k; seed varies
// the keys, root varies only the root key (same auditors, another keyring).
func newFixture(tb testing.TB, n, k int, seed, root uint64) fixture {
	tb.Helper()
	rnd := testkit.Rand(seed)
	f := fixture{}
	var pubs []keys.Auditor
	for i := 1; i <= n; i++ {
		id, err := keys.GenerateIdentity(rnd, fmt.Sprintf("auditor-%d", i), fmt.Sprintf("Auditor %d", i))
		if err != nil {
			tb.Fatal(err)
		}
		f.ids = append(f.ids, id)
		pubs = append(pubs, id.Public())
	}
	var rs [32]byte
	rs[0], rs[1] = byte(root), 0xaa
	kr, err := keys.NewKeyring(ed25519.NewKeyFromSeed(rs[:]), k, pubs)
	if err != nil {
		tb.Fatal(err)
	}
	f.kr = kr
	return f
}

// openAll opens every auditor's share of r.
func (f fixture) openAll(tb testing.TB, r *Record, cid string) []Share {
	tb.Helper()
	out := make([]Share, len(f.ids))
	for i, id := range f.ids {
		s, err := OpenShare(r, cid, f.kr, id)
		if err != nil {
			tb.Fatalf("OpenShare auditor %d: %v", i+1, err)
		}
		if s.Index != i+1 {
			tb.Fatalf("OpenShare auditor %d: index %d", i+1, s.Index)
		}
		out[i] = s
	}
	return out
}

// shareErrors collects every *ShareError in err's tree.
func shareErrors(err error) []*ShareError {
	var out []*ShareError
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if se, ok := e.(*ShareError); ok {
			out = append(out, se)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// failingReader returns n bytes of zeros, then an error.
type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errors.New("entropy exhausted")
	}
	m := min(len(p), r.n)
	clear(p[:m])
	r.n -= m
	return m, nil
}

func subsets(n int) [][]int {
	var out [][]int
	for mask := 0; mask < 1<<n; mask++ {
		var s []int
		for i := range n {
			if mask&(1<<i) != 0 {
				s = append(s, i)
			}
		}
		out = append(out, s)
	}
	return out
}

func pick(all []Share, idx []int) []Share {
	out := make([]Share, len(idx))
	for i, j := range idx {
		out[i] = all[j]
	}
	return out
}
