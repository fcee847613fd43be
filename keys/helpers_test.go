package keys

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"math/rand/v2"
	"testing"
)

// testKDF keeps argon2id cheap in tests; production uses DefaultKDFParams.
var testKDF = KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

// fuzzLimits bounds what the fuzzer can make argon2id do.
var fuzzLimits = kdfLimits{maxTime: 2, maxMemoryKiB: 256, maxThreads: 2, maxWork: 512}

var testPass = []byte("correct horse battery staple")

// testRand is a deterministic randomness source.
func testRand(seed uint64) *rand.ChaCha8 {
	var s [32]byte
	s[0] = byte(seed)
	s[1] = byte(seed >> 8)
	return rand.NewChaCha8(s)
}

func mustIdentity(t testing.TB, seed uint64, id, name string) *Identity {
	t.Helper()
	ident, err := GenerateIdentity(testRand(seed), id, name)
	if err != nil {
		t.Fatal(err)
	}
	return ident
}

func mustRoot(t testing.TB, seed uint64) ed25519.PrivateKey {
	t.Helper()
	s := make([]byte, ed25519.SeedSize)
	if _, err := testRand(seed).Read(s); err != nil {
		t.Fatal(err)
	}
	return ed25519.NewKeyFromSeed(s)
}

// mustKeyring builds a signed keyring of n auditors with threshold k.
func mustKeyring(t testing.TB, seed uint64, n, k int) (*Keyring, []*Identity, ed25519.PrivateKey) {
	t.Helper()
	specs := make([]AuditorSpec, n)
	for i := range specs {
		specs[i] = AuditorSpec{ID: "auditor-" + string(rune('a'+i)), Name: "Auditor " + string(rune('A'+i))}
	}
	c, err := Ceremony(testRand(seed), specs, k)
	if err != nil {
		t.Fatal(err)
	}
	return c.Keyring, c.Identities, c.Root
}

// sameIdentity reports whether two identities hold the same id, name and seeds.
func sameIdentity(a, b *Identity) bool {
	return a.AuditorID == b.AuditorID && a.Name == b.Name &&
		bytes.Equal(a.xwingSeed, b.xwingSeed) && bytes.Equal(a.edSeed, b.edSeed)
}

// isAny reports whether err matches one of targets.
func isAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
