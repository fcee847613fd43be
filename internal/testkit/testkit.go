// Package testkit holds what kotak's tests share: a deterministic,
// concurrency-safe randomness source, cached test keyrings and a clock
// tests move by hand.
//
// It is imported only by _test.go files. Nothing here is fit for
// production: the randomness is predictable by design.
package testkit

import (
	"crypto/ed25519"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"

	"kotak/keys"
)

// reader is a ChaCha8 stream behind a mutex.
type reader struct {
	mu sync.Mutex
	c  *rand.ChaCha8
}

func (r *reader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.c.Read(p)
}

// Rand returns a deterministic randomness source for seed. Its stream is
// exactly that of math/rand/v2's ChaCha8 keyed with seed in little-endian
// order in the key's first eight bytes and zeros after (so for seed < 256
// the key is {seed, 0, ..., 0}). Reads never fail and never return short.
// It is safe for concurrent use; concurrent readers each get a contiguous
// piece of the one stream, in an order the scheduler decides.
func Rand(seed uint64) io.Reader {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:8], seed)
	return &reader{c: rand.NewChaCha8(key)}
}

// ring is one cached keyring and its identities.
type ring struct {
	kr  *keys.Keyring
	ids []*keys.Identity
}

var (
	ringMu sync.Mutex
	rings  = map[[2]int]ring{}
)

// Keyring returns a k-of-n keyring and the private identities of its
// auditors, in index order: auditor i (1-based) has id "auditor-i" and
// name "Auditor i". It is made once per (n, k) for the test binary, from
// Rand(10*n + k): the n identities first, then the root key's seed, so the
// same (n, k) gives the same keys in every run.
//
// The keyring and identities are shared by every caller: tests must not
// Wipe the identities. The returned slice is the caller's own.
//
// tb may be nil (a helper process that is not a test); then a failure to
// build the keyring (for instance k > n) panics instead of failing tb.
func Keyring(tb testing.TB, n, k int) (*keys.Keyring, []*keys.Identity) {
	if tb != nil {
		tb.Helper()
	}
	ringMu.Lock()
	defer ringMu.Unlock()
	r, ok := rings[[2]int{n, k}]
	if !ok {
		var err error
		if r, err = newRing(n, k); err != nil {
			if tb == nil {
				panic(err)
			}
			tb.Fatal(err)
		}
		rings[[2]int{n, k}] = r
	}
	return r.kr, append([]*keys.Identity(nil), r.ids...)
}

// newRing builds the k-of-n keyring Keyring documents.
func newRing(n, k int) (ring, error) {
	rnd := Rand(uint64(10*n + k))
	var r ring
	pubs := make([]keys.Auditor, 0, n)
	for i := 1; i <= n; i++ {
		id, err := keys.GenerateIdentity(rnd, fmt.Sprintf("auditor-%d", i), fmt.Sprintf("Auditor %d", i))
		if err != nil {
			return ring{}, err
		}
		r.ids = append(r.ids, id)
		pubs = append(pubs, id.Public())
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := io.ReadFull(rnd, seed); err != nil {
		return ring{}, err
	}
	kr, err := keys.NewKeyring(ed25519.NewKeyFromSeed(seed), k, pubs)
	if err != nil {
		return ring{}, err
	}
	r.kr = kr
	return r, nil
}
