package staff

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"kotak/keys"
	"kotak/vault"
)

// tinyParams keep argon2id fast in tests; production uses DefaultParams.
var tinyParams = Params{Time: 1, MemoryKiB: 64, Threads: 1}

// detRand is a deterministic, concurrency-safe randomness source.
type detRand struct {
	mu sync.Mutex
	c  *rand.ChaCha8
}

func newDetRand(seed byte) *detRand {
	var s [32]byte
	s[0] = seed
	return &detRand{c: rand.NewChaCha8(s)}
}

func (r *detRand) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.c.Read(p)
}

// fakeClock is an injected clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var (
	ringOnce sync.Once
	ring     *keys.Keyring
)

// testKeyring is a 1-of-1 ministry keyring, made once.
func testKeyring(t testing.TB) *keys.Keyring {
	t.Helper()
	ringOnce.Do(func() {
		rnd := newDetRand(99)
		id, err := keys.GenerateIdentity(rnd, "auditor-1", "Auditor 1")
		if err != nil {
			panic(err)
		}
		seed := make([]byte, ed25519.SeedSize)
		_, _ = rnd.Read(seed)
		kr, err := keys.NewKeyring(ed25519.NewKeyFromSeed(seed), 1, []keys.Auditor{id.Public()})
		if err != nil {
			panic(err)
		}
		ring = kr
	})
	return ring
}

// openVault opens a vault in a temporary directory with the service's buckets.
func openVault(t testing.TB) *vault.Vault {
	t.Helper()
	v, err := vault.Open(t.TempDir(), vault.Options{Keyring: testKeyring(t), Rand: newDetRand(1), Buckets: Buckets})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	return v
}

var start = time.Date(2026, 3, 17, 10, 0, 0, 0, time.FixedZone("WIB", 7*3600))

type env struct {
	v     *vault.Vault
	s     *Service
	clock *fakeClock
	opts  Options
}

func newEnv(t testing.TB, mod ...func(*Options)) *env {
	t.Helper()
	e := &env{v: openVault(t), clock: &fakeClock{t: start}}
	e.opts = Options{Rand: newDetRand(2), Now: e.clock.Now, Params: tinyParams}
	for _, m := range mod {
		m(&e.opts)
	}
	e.s = New(e.v.Store(), e.opts)
	return e
}

func (e *env) addUser(t testing.TB, username, password string, role vault.Role, agency, auditorID string) *User {
	t.Helper()
	u, err := e.s.AddUser(username, password, role, agency, auditorID)
	if err != nil {
		t.Fatalf("AddUser(%s): %v", username, err)
	}
	return u
}

func (e *env) login(t testing.TB, username, password string) string {
	t.Helper()
	tok, _, _, err := e.s.Login(username, password)
	if err != nil {
		t.Fatalf("Login(%s): %v", username, err)
	}
	return tok
}

// dump returns a consistent copy of the whole database file.
func (e *env) dump(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := e.v.Backup(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// count returns how many keys each of the service's buckets holds.
func (e *env) count(t testing.TB) map[string]int {
	t.Helper()
	out := map[string]int{}
	err := e.v.Store().View(func(tx vault.Tx) error {
		for _, b := range Buckets {
			c := tx.Cursor(b)
			for k, _ := c.First(); k != nil; k, _ = c.Next() {
				out[string(b)]++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// storedHash returns the hash string stored for username.
func (e *env) storedHash(t testing.TB, username string) string {
	t.Helper()
	var h string
	err := e.v.Store().View(func(tx vault.Tx) error {
		r, err := getUser(tx, username)
		if err != nil {
			return err
		}
		if r == nil {
			return fmt.Errorf("no user %s", username)
		}
		h = r.Hash
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// putRaw writes a raw value into one bucket, bypassing the service.
func (e *env) putRaw(t testing.TB, bucket []byte, key string, value []byte) {
	t.Helper()
	if err := e.v.Store().Update(func(tx vault.Tx) error { return tx.Put(bucket, []byte(key), value) }); err != nil {
		t.Fatal(err)
	}
}
