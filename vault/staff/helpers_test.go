package staff

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"kotak/internal/testkit"
	"kotak/vault"
)

// tinyParams keep argon2id fast in tests; production uses DefaultParams.
var tinyParams = Params{Time: 1, MemoryKiB: 64, Threads: 1}

// openVault opens a vault in a temporary directory with the service's buckets.
func openVault(t testing.TB) *vault.Vault {
	t.Helper()
	kr, _ := testkit.Keyring(t, 1, 1)
	v, err := vault.Open(t.TempDir(), vault.Options{Keyring: kr, Rand: testkit.Rand(1), Buckets: Buckets})
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
	clock *testkit.Clock
	opts  Options
}

func newEnv(t testing.TB, mod ...func(*Options)) *env {
	t.Helper()
	e := &env{v: openVault(t), clock: testkit.NewClock(start)}
	e.opts = Options{Rand: testkit.Rand(2), Now: e.clock.Now, Params: tinyParams}
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
