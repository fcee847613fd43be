package vault

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"kotak/crypto/seal"
	"kotak/internal/testkit"
	"kotak/keys"
	"kotak/vault/redact"
	"kotak/vault/store"
)

var wib = time.FixedZone("WIB", 7*3600)

// testRing is a 2-of-3 ministry keyring and its auditors' identities.
type testRing struct {
	kr  *keys.Keyring
	ids []*keys.Identity
}

// testKeyring returns testkit's 2-of-3 keyring. It may be called with a
// nil t (from the crash child).
func testKeyring(t testing.TB) testRing {
	if t != nil {
		t.Helper()
	}
	kr, ids := testkit.Keyring(t, 3, 2)
	return testRing{kr, ids}
}

// env is an open test vault with its clock and keyring.
type env struct {
	v     *Vault
	dir   string
	clock *testkit.Clock
	ring  testRing
	opts  Options
}

// start is Tuesday 17 March 2026, 10:00 WIB, the day before the Nyepi and
// Idul Fitri block.
var start = time.Date(2026, 3, 17, 10, 0, 0, 0, wib)

func newEnv(t testing.TB, mod ...func(*Options)) *env {
	t.Helper()
	e := &env{dir: t.TempDir(), clock: testkit.NewClock(start), ring: testKeyring(t)}
	e.opts = Options{Keyring: e.ring.kr, Rand: testkit.Rand(1), Now: e.clock.Now}
	for _, m := range mod {
		m(&e.opts)
	}
	v, err := Open(e.dir, e.opts)
	if err != nil {
		t.Fatal(err)
	}
	e.v = v
	t.Cleanup(func() {
		_ = e.v.Close()
		checkFile(t, filepath.Join(e.dir, DatabaseFile))
	})
	return e
}

// reopen closes and opens the vault again on the same directory.
func (e *env) reopen(t testing.TB) {
	t.Helper()
	if err := e.v.Close(); err != nil && !errors.Is(err, store.ErrClosed) {
		t.Fatal(err)
	}
	v, err := Open(e.dir, e.opts)
	if err != nil {
		t.Fatal(err)
	}
	e.v = v
}

// checkFile runs bbolt's consistency check on a closed database file.
func checkFile(t testing.TB, path string) {
	t.Helper()
	db, err := store.Open(path, store.Options{ReadOnly: true, InitialMmapSize: 1 << 20})
	if err != nil {
		t.Errorf("reopening for check: %v", err)
		return
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		t.Errorf("database check: %v", err)
	}
}

var (
	admin   = Actor{Role: RoleAdmin, ID: "admin-1"}
	agencyA = Actor{Role: RoleAgency, ID: "staff-a", Agency: "dinas-pu"}
	agencyB = Actor{Role: RoleAgency, ID: "staff-b", Agency: "dinas-kesehatan"}
)

func sampleSubmission(p Privacy) Submission {
	return Submission{
		Title:    "Jalan rusak di depan rumah Budi Santoso",
		Body:     "Saya Budi Santoso melaporkan jalan berlubang sejak Januari.\nMohon segera diperbaiki.",
		Category: "infrastruktur",
		Region:   "kota-bandung",
		Agency:   "dinas-pu",
		Privacy:  p,
		Channel:  ChannelWeb,
		Reporter: redact.Identity{Name: "Budi Santoso", Phone: "081234567890", Email: "budi.santoso@example.id",
			NIK: "3273012505900001", Address: "Jl. Merdeka 17"},
	}
}

func (e *env) submit(t testing.TB, p Privacy) *Submitted {
	t.Helper()
	s, err := e.v.Submit(sampleSubmission(p))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// openSealed opens a complaint's sealed record with the first k auditors.
func (e *env) openSealed(t testing.TB, v *Vault, id string) *SealedPayload {
	t.Helper()
	var raw []byte
	if err := v.store.View(func(tx Tx) error {
		raw = append([]byte(nil), tx.Get(bucketSealed, []byte(id))...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return openSealedBytes(t, e.ring, id, raw)
}

func openSealedBytes(t testing.TB, ring testRing, id string, raw []byte) *SealedPayload {
	t.Helper()
	rec, err := seal.Parse(raw)
	if err != nil {
		t.Fatalf("%s: parsing sealed record: %v", id, err)
	}
	var shares []seal.Share
	for _, ident := range ring.ids[:ring.kr.Threshold] {
		s, err := seal.OpenShare(rec, id, ring.kr, ident)
		if err != nil {
			t.Fatalf("%s: opening share: %v", id, err)
		}
		shares = append(shares, s)
	}
	plain, err := seal.Open(rec, id, ring.kr, shares)
	if err != nil {
		t.Fatalf("%s: opening sealed record: %v", id, err)
	}
	p, err := ParseSealedPayload(plain)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func endOfDay(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 23, 59, 59, 999999999, wib)
}
