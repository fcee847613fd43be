package staff

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kotak/vault"
)

const pw = "kata sandi yang panjang"

func TestAddUserValidation(t *testing.T) {
	known := map[string]bool{"dinkes": true, "dinas-pupr": true}
	e := newEnv(t, func(o *Options) { o.AgencyExists = func(a string) bool { return known[a] } })
	secret := "rahasia-sekali-sangat"
	tests := []struct {
		name               string
		username, password string
		role               vault.Role
		agency, auditor    string
		field              string // "" means accepted
	}{
		{"admin", "admin.pusat", secret, vault.RoleAdmin, "", "", ""},
		{"agency", "siti_dinkes", secret, vault.RoleAgency, "dinkes", "", ""},
		{"officer", "officer-1", secret, vault.RoleOfficer, "", "", ""},
		{"auditor", "aud", secret, vault.RoleAuditor, "", "auditor-1", ""},
		{"32-char username", strings.Repeat("a", 32), secret, vault.RoleAdmin, "", "", ""},
		{"12 two-byte runes", "rune12", strings.Repeat("é", 12), vault.RoleAdmin, "", "", ""},
		{"1024-byte password", "long1024", strings.Repeat("x", 1024), vault.RoleAdmin, "", "", ""},

		{"username too short", "ab", secret, vault.RoleAdmin, "", "", "username"},
		{"username too long", strings.Repeat("a", 33), secret, vault.RoleAdmin, "", "", "username"},
		{"username upper case", "Admin", secret, vault.RoleAdmin, "", "", "username"},
		{"username space", "ad min", secret, vault.RoleAdmin, "", "", "username"},
		{"username non-ASCII", "admín", secret, vault.RoleAdmin, "", "", "username"},
		{"username empty", "", secret, vault.RoleAdmin, "", "", "username"},
		{"password 11 chars", "short", "abcdefghijk", vault.RoleAdmin, "", "", "password"},
		{"password 11 runes in 22 bytes", "short2", strings.Repeat("é", 11), vault.RoleAdmin, "", "", "password"},
		{"password 1025 bytes", "long1025", strings.Repeat("x", 1025), vault.RoleAdmin, "", "", "password"},
		{"password invalid UTF-8", "badutf", "abcdefghijkl\xff", vault.RoleAdmin, "", "", "password"},
		{"role reporter", "rep", secret, vault.RoleReporter, "", "", "role"},
		{"role system", "sys", secret, vault.RoleSystem, "", "", "role"},
		{"role public", "pub", secret, vault.RolePublic, "", "", "role"},
		{"role empty", "norole", secret, "", "", "", "role"},
		{"role unknown", "root", secret, "root", "", "", "role"},
		{"agency missing", "agency1", secret, vault.RoleAgency, "", "", "agency"},
		{"agency unknown", "agency2", secret, vault.RoleAgency, "dinsos", "", "agency"},
		{"agency malformed", "agency3", secret, vault.RoleAgency, "Dinkes", "", "agency"},
		{"agency on admin", "admin2", secret, vault.RoleAdmin, "dinkes", "", "agency"},
		{"auditor id missing", "aud2", secret, vault.RoleAuditor, "", "", "auditor_id"},
		{"auditor id malformed", "aud3", secret, vault.RoleAuditor, "", "Auditor 1", "auditor_id"},
		{"auditor id on officer", "off2", secret, vault.RoleOfficer, "", "auditor-1", "auditor_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := e.s.AddUser(tt.username, tt.password, tt.role, tt.agency, tt.auditor)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				want := User{Username: tt.username, Role: tt.role, Agency: tt.agency, AuditorID: tt.auditor, Created: start.UTC()}
				if *u != want {
					t.Fatalf("user %+v, want %+v", *u, want)
				}
				if _, _, _, err := e.s.Login(tt.username, tt.password); err != nil {
					t.Fatalf("login after add: %v", err)
				}
				return
			}
			var ie *vault.InputError
			if !errors.As(err, &ie) || ie.Field != tt.field || !errors.Is(err, ErrBadInput) {
				t.Fatalf("err %v, want an input error on %q", err, tt.field)
			}
			if strings.Contains(err.Error(), tt.password) && tt.password != "" {
				t.Fatal("error echoes the password")
			}
			if _, err := e.s.User(tt.username); !errors.Is(err, ErrNotFound) && tt.field != "username" {
				t.Fatalf("refused user was stored (err %v)", err)
			}
		})
	}
}

func TestAddUserDuplicateAndList(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "zaki", pw, vault.RoleOfficer, "", "")
	e.clock.Add(time.Minute)
	e.addUser(t, "ani", pw, vault.RoleAgency, "dinkes", "")
	e.addUser(t, "maya", pw, vault.RoleAuditor, "", "auditor-2")
	if _, err := e.s.AddUser("ani", "another password 2", vault.RoleAdmin, "", ""); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate: %v", err)
	}
	// The duplicate did not replace the account.
	if _, _, _, err := e.s.Login("ani", "another password 2"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("duplicate's password works: %v", err)
	}
	users, err := e.s.Users()
	if err != nil {
		t.Fatal(err)
	}
	want := []User{
		{Username: "ani", Role: vault.RoleAgency, Agency: "dinkes", Created: start.Add(time.Minute).UTC()},
		{Username: "maya", Role: vault.RoleAuditor, AuditorID: "auditor-2", Created: start.Add(time.Minute).UTC()},
		{Username: "zaki", Role: vault.RoleOfficer, Created: start.UTC()},
	}
	if len(users) != len(want) {
		t.Fatalf("%d users, want %d", len(users), len(want))
	}
	for i := range want {
		if users[i] != want[i] {
			t.Errorf("user %d: %+v, want %+v", i, users[i], want[i])
		}
	}
	// Nothing of the hash reaches the public view.
	js, _ := json.Marshal(users)
	if bytes.Contains(js, []byte("argon2")) || bytes.Contains(js, []byte("hash")) {
		t.Fatalf("user list carries a hash: %s", js)
	}
}

var tokenRE = regexp.MustCompile(`^kts_[A-Za-z0-9_-]{43}$`)

func TestLoginAuthenticateLogout(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.TokenTTL = 2 * time.Hour })
	e.addUser(t, "siti", pw, vault.RoleAgency, "dinkes", "")
	tok, u, exp, err := e.s.Login("siti", pw)
	if err != nil {
		t.Fatal(err)
	}
	if !tokenRE.MatchString(tok) {
		t.Fatalf("token %q has the wrong form", tok)
	}
	if raw, _ := base64.RawURLEncoding.DecodeString(tok[4:]); len(raw) != 32 {
		t.Fatalf("token carries %d random bytes", len(raw))
	}
	if !exp.Equal(start.Add(2*time.Hour)) || u.Username != "siti" || u.Agency != "dinkes" {
		t.Fatalf("login: user %+v, expires %v", u, exp)
	}
	tok2 := e.login(t, "siti", pw)
	if tok2 == tok {
		t.Fatal("two logins share a token")
	}

	got, actor, err := e.s.Authenticate(tok)
	if err != nil {
		t.Fatal(err)
	}
	if want := (vault.Actor{Role: vault.RoleAgency, ID: "siti", Agency: "dinkes"}); actor != want || got.Username != "siti" {
		t.Fatalf("actor %+v, want %+v", actor, want)
	}
	if err := e.s.Logout(tok); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.s.Authenticate(tok); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("after logout: %v", err)
	}
	if err := e.s.Logout(tok); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("second logout: %v", err)
	}
	// The other session is untouched.
	if _, _, err := e.s.Authenticate(tok2); err != nil {
		t.Fatalf("other session: %v", err)
	}
	// Logout removed every trace of the first session.
	if c := e.count(t); c["staff_sessions"] != 1 || c["staff_user_sessions"] != 1 || c["staff_session_expiry"] != 1 {
		t.Fatalf("buckets after logout: %v", c)
	}
}

func TestLoginFailures(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "budi", pw, vault.RoleAdmin, "", "")
	e.addUser(t, "gone", pw, vault.RoleAdmin, "", "")
	if err := e.s.Disable("gone"); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, user, pass string }{
		{"wrong password", "budi", pw + "!"},
		{"password prefix", "budi", pw[:len(pw)-1]},
		{"empty password", "budi", ""},
		{"unknown user", "nobody", pw},
		{"malformed username", "Budi", pw},
		{"empty username", "", pw},
		{"disabled user, right password", "gone", pw},
		{"over-long password", "budi", pw + strings.Repeat("x", MaxPassword)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, u, exp, err := e.s.Login(tt.user, tt.pass)
			if !errors.Is(err, ErrBadCredentials) || tok != "" || u != nil || !exp.IsZero() {
				t.Fatalf("got %q %v %v %v, want ErrBadCredentials only", tok, u, exp, err)
			}
		})
	}
	if c := e.count(t); c["staff_sessions"] != 0 {
		t.Fatalf("failed logins made %d sessions", c["staff_sessions"])
	}
}

// TestUnknownUserCostsTheSame checks that a login for an account that does
// not exist runs argon2id exactly as a login for one that does.
func TestUnknownUserCostsTheSame(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "budi", pw, vault.RoleAdmin, "", "")
	type call struct {
		time, mem uint32
		threads   uint8
		keyLen    uint32
	}
	var calls []call
	old := idKey
	idKey = func(p, s []byte, time, mem uint32, threads uint8, n uint32) []byte {
		calls = append(calls, call{time, mem, threads, n})
		return old(p, s, time, mem, threads, n)
	}
	t.Cleanup(func() { idKey = old })

	record := func(user, pass string) []call {
		calls = nil
		_, _, _, _ = e.s.Login(user, pass)
		return calls
	}
	known := record("budi", "wrong password here")
	want := []call{{tinyParams.Time, tinyParams.MemoryKiB, tinyParams.Threads, keyLen}}
	if fmt.Sprint(known) != fmt.Sprint(want) {
		t.Fatalf("known user: argon2id calls %v, want %v", known, want)
	}
	for _, user := range []string{"nobody", "NOBODY", "x"} {
		if got := record(user, "wrong password here"); fmt.Sprint(got) != fmt.Sprint(known) {
			t.Errorf("unknown user %q: argon2id calls %v, known user %v", user, got, known)
		}
	}
}

func TestExpiryAndPurge(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.TokenTTL = time.Hour })
	e.addUser(t, "budi", pw, vault.RoleAdmin, "", "")
	first := e.login(t, "budi", pw) // expires start+1h
	e.clock.Add(30 * time.Minute)
	second := e.login(t, "budi", pw) // expires start+1h30m

	e.clock.Add(30*time.Minute - time.Nanosecond) // 1ns before the first expiry
	if _, _, err := e.s.Authenticate(first); err != nil {
		t.Fatalf("1ns before expiry: %v", err)
	}
	e.clock.Add(time.Nanosecond) // exactly at expiry
	if _, _, err := e.s.Authenticate(first); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("at expiry: %v", err)
	}
	if _, _, err := e.s.Authenticate(second); err != nil {
		t.Fatalf("second session: %v", err)
	}

	if n, err := e.s.PurgeExpired(start.Add(time.Hour - time.Nanosecond)); err != nil || n != 0 {
		t.Fatalf("purge before any expiry: %d, %v", n, err)
	}
	if n, err := e.s.PurgeExpired(e.clock.Now()); err != nil || n != 1 {
		t.Fatalf("purge: %d, %v; want 1", n, err)
	}
	if c := e.count(t); c["staff_sessions"] != 1 || c["staff_user_sessions"] != 1 || c["staff_session_expiry"] != 1 {
		t.Fatalf("buckets after purge: %v", c)
	}
	if _, _, err := e.s.Authenticate(second); err != nil {
		t.Fatalf("purge took a live session: %v", err)
	}
	e.clock.Add(time.Hour)
	if _, _, err := e.s.Authenticate(second); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("second after expiry: %v", err)
	}
	if n, err := e.s.PurgeExpired(e.clock.Now()); err != nil || n != 1 {
		t.Fatalf("second purge: %d, %v", n, err)
	}
	if c := e.count(t); c["staff_sessions"]+c["staff_user_sessions"]+c["staff_session_expiry"] != 0 {
		t.Fatalf("buckets after the last purge: %v", c)
	}
}

func TestPurgeManyBatches(t *testing.T) {
	if testing.Short() {
		t.Skip("many sessions")
	}
	e := newEnv(t, func(o *Options) { o.TokenTTL = time.Minute })
	e.addUser(t, "budi", pw, vault.RoleAdmin, "", "")
	// Write sessions directly: 2500 logins would mostly measure argon2id.
	const n = 2*purgeBatchSize + 500
	err := e.v.Store().Update(func(tx vault.Tx) error {
		for i := range n {
			key := sha256.Sum256(fmt.Appendf(nil, "token %d", i))
			exp := start.Add(time.Duration(i) * time.Millisecond)
			if err := putSession(tx, key[:], &sessionRecord{V: recordVersion, User: "budi", Created: start, Expires: exp}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.s.PurgeExpired(start.Add(time.Duration(n-1) * time.Millisecond))
	if err != nil || got != n {
		t.Fatalf("purged %d, %v; want %d", got, err, n)
	}
	if c := e.count(t); c["staff_sessions"]+c["staff_user_sessions"]+c["staff_session_expiry"] != 0 {
		t.Fatalf("left: %v", c)
	}
}

func TestDisableRevokesSessions(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "budi", pw, vault.RoleAdmin, "", "")
	e.addUser(t, "ani", pw, vault.RoleOfficer, "", "")
	// "budi" is a prefix of "budi2": revoking one must not touch the other.
	e.addUser(t, "budi2", pw, vault.RoleOfficer, "", "")
	t1, t2 := e.login(t, "budi", pw), e.login(t, "budi", pw)
	other, prefixed := e.login(t, "ani", pw), e.login(t, "budi2", pw)
	if err := e.s.Disable("budi"); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{t1, t2} {
		if _, _, err := e.s.Authenticate(tok); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("disabled user's token: %v", err)
		}
	}
	for _, tok := range []string{other, prefixed} {
		if _, _, err := e.s.Authenticate(tok); err != nil {
			t.Fatalf("another user's token: %v", err)
		}
	}
	if _, _, _, err := e.s.Login("budi", pw); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("disabled login: %v", err)
	}
	if u, err := e.s.User("budi"); err != nil || !u.Disabled {
		t.Fatalf("user after disable: %+v %v", u, err)
	}
	if c := e.count(t); c["staff_sessions"] != 2 || c["staff_user_sessions"] != 2 || c["staff_session_expiry"] != 2 {
		t.Fatalf("buckets after disable: %v", c)
	}
	if err := e.s.Disable("budi"); err != nil {
		t.Fatalf("disabling twice: %v", err)
	}
	if err := e.s.Disable("nobody"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
}

func TestSetPassword(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "budi", pw, vault.RoleAdmin, "", "")
	old := e.login(t, "budi", pw)
	const next = "kata sandi baru yang panjang"
	if err := e.s.SetPassword("budi", next); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.s.Authenticate(old); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("session survived the password change: %v", err)
	}
	if _, _, _, err := e.s.Login("budi", pw); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("old password: %v", err)
	}
	e.login(t, "budi", next)

	var ie *vault.InputError
	if err := e.s.SetPassword("budi", "short"); !errors.As(err, &ie) || ie.Field != "password" {
		t.Fatalf("short password: %v", err)
	}
	e.login(t, "budi", next) // unchanged by the refused call
	if err := e.s.SetPassword("nobody", next); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
}

func TestTokensAndPasswordsStoredHashed(t *testing.T) {
	e := newEnv(t)
	const distinctive = "Pa55-Kotak-Distinctive-8842"
	e.addUser(t, "budi", distinctive, vault.RoleAdmin, "", "")
	tok := e.login(t, "budi", distinctive)
	raw, err := base64.RawURLEncoding.DecodeString(tok[len(tokenPrefix):])
	if err != nil {
		t.Fatal(err)
	}
	db := e.dump(t)
	for name, needle := range map[string][]byte{
		"token":           []byte(tok),
		"token body":      []byte(tok[len(tokenPrefix):]),
		"raw token bytes": raw,
		"password":        []byte(distinctive),
	} {
		if bytes.Contains(db, needle) {
			t.Errorf("the database holds the %s in the clear", name)
		}
	}
	// The scan can see what is stored: the token's hash and the account are there.
	key := sha256.Sum256([]byte(tok))
	if !bytes.Contains(db, key[:]) || !bytes.Contains(db, []byte(`"username":"budi"`)) {
		t.Fatal("the scan does not find what is stored")
	}
}

func TestRehashOnLogin(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "budi", pw, vault.RoleAdmin, "", "")
	before, err := parseHash(e.storedHash(t, "budi"))
	if err != nil || before.params != tinyParams {
		t.Fatalf("stored hash: %+v %v", before, err)
	}
	// A service with stronger parameters verifies the old hash with the
	// parameters read from it, then upgrades it.
	stronger := Params{Time: 2, MemoryKiB: 128, Threads: 2}
	opts := e.opts
	opts.Params = stronger
	s2 := New(e.v.Store(), opts)
	if _, _, _, err := s2.Login("budi", pw); err != nil {
		t.Fatalf("login with other parameters: %v", err)
	}
	after, err := parseHash(e.storedHash(t, "budi"))
	if err != nil || after.params != stronger || bytes.Equal(after.salt, before.salt) {
		t.Fatalf("not rehashed: %+v %v", after, err)
	}
	if !after.verify(pw) || after.verify(pw+"x") {
		t.Fatal("the new hash does not verify the password")
	}
	// A wrong password never rehashes.
	h := e.storedHash(t, "budi")
	if _, _, _, err := e.s.Login("budi", "wrong password here"); !errors.Is(err, ErrBadCredentials) {
		t.Fatal(err)
	}
	if e.storedHash(t, "budi") != h {
		t.Fatal("a failed login changed the hash")
	}
}

func TestLoginRefusesDamagedHash(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "budi", pw, vault.RoleAdmin, "", "")
	good := e.storedHash(t, "budi")
	h, _ := parseHash(good)
	tests := []struct {
		name string
		hash string
		want error
	}{
		{"4 GiB of memory", strings.Replace(good, "m=64,", "m=4194304,", 1), ErrParams},
		{"1000 passes", strings.Replace(good, "t=1,", "t=1000,", 1), ErrParams},
		{"255 lanes", strings.Replace(good, "p=1$", "p=255$", 1), ErrParams},
		{"argon2i", strings.Replace(good, "argon2id", "argon2i", 1), ErrHashFormat},
		{"truncated", good[:len(good)-10], ErrHashFormat},
		{"empty", "", ErrHashFormat},
		{"key byte flipped", (&passwordHash{h.params, h.salt, flip(h.key)}).String(), ErrBadCredentials},
		{"salt byte flipped", (&passwordHash{h.params, flip(h.salt), h.key}).String(), ErrBadCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := userRecord{V: recordVersion, Username: "budi", Role: vault.RoleAdmin, Created: start, Hash: tt.hash}
			raw, _ := json.Marshal(rec)
			e.putRaw(t, bucketUsers, "budi", raw)
			_, _, _, err := e.s.Login("budi", pw)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
			if tt.want != ErrBadCredentials && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err %v does not match ErrCorrupt", err)
			}
			if strings.Contains(err.Error(), pw) || (tt.hash != "" && strings.Contains(err.Error(), tt.hash)) {
				t.Fatal("the error echoes a secret")
			}
		})
	}
}

func flip(b []byte) []byte {
	c := bytes.Clone(b)
	c[len(c)/2] ^= 1
	return c
}

func TestAuthenticateMalformedTokens(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "budi", pw, vault.RoleAdmin, "", "")
	good := e.login(t, "budi", pw)
	tests := []struct{ name, token string }{
		{"empty", ""},
		{"prefix only", "kts_"},
		{"no prefix", good[4:]},
		{"other prefix", "ktx_" + good[4:]},
		{"upper-case prefix", "KTS_" + good[4:]},
		{"one short", good[:len(good)-1]},
		{"one long", good + "A"},
		{"padding", good[:len(good)-1] + "="},
		{"standard base64", good[:10] + "+" + good[11:]},
		{"trailing space", good + " "},
		{"newline inside", good[:20] + "\n" + good[21:]},
		{"well formed, unknown", "kts_" + base64.RawURLEncoding.EncodeToString(make([]byte, 32))},
		{"last char changed", good[:len(good)-1] + string(good[len(good)-1]^1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.token == good {
				t.Fatal("test case equals the good token")
			}
			if _, _, err := e.s.Authenticate(tt.token); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("Authenticate: %v", err)
			}
			if err := e.s.Logout(tt.token); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("Logout: %v", err)
			}
		})
	}
	if _, _, err := e.s.Authenticate(good); err != nil {
		t.Fatalf("the good token stopped working: %v", err)
	}
}

func TestCorruptSessionRecord(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "budi", pw, vault.RoleAdmin, "", "")
	tok := e.login(t, "budi", pw)
	key := tokenKey(tok)
	for _, raw := range []string{`{`, `{"v":2,"user":"budi"}`, `{"v":1,"user":"BUDI"}`, `[]`} {
		if err := e.v.Store().Update(func(tx vault.Tx) error { return tx.Put(bucketSessions, key, []byte(raw)) }); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.s.Authenticate(tok); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", raw, err)
		}
	}
}

func TestOnEvent(t *testing.T) {
	var mu sync.Mutex
	var got []string
	var fail atomic.Bool
	e := newEnv(t, func(o *Options) {
		o.OnEvent = func(tx vault.Tx, ev Event) error {
			if fail.Load() {
				return errors.New("audit log unavailable")
			}
			mu.Lock()
			defer mu.Unlock()
			got = append(got, fmt.Sprintf("%s %s %s", ev.Action, ev.Username, ev.Role))
			return nil
		}
	})
	e.addUser(t, "budi", pw, vault.RoleAdmin, "", "")
	tok := e.login(t, "budi", pw)
	if err := e.s.Logout(tok); err != nil {
		t.Fatal(err)
	}
	if err := e.s.SetPassword("budi", pw+"2"); err != nil {
		t.Fatal(err)
	}
	if err := e.s.Disable("budi"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"user_add budi admin", "login budi admin", "logout budi admin", "password_set budi admin", "user_disable budi admin"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A change that cannot be recorded does not happen.
	fail.Store(true)
	if _, err := e.s.AddUser("ani", pw, vault.RoleAdmin, "", ""); err == nil {
		t.Fatal("AddUser succeeded without its event")
	}
	if _, err := e.s.User("ani"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unrecorded user was stored: %v", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	e := newEnv(t)
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers*4)
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("user-%d", i)
			if _, err := e.s.AddUser(name, pw, vault.RoleOfficer, "", ""); err != nil {
				errs <- err
				return
			}
			// Everyone also races to create the same account.
			_, err := e.s.AddUser("shared", pw, vault.RoleAdmin, "", "")
			if err != nil && !errors.Is(err, ErrExists) {
				errs <- err
			}
			for range 3 {
				tok, _, _, err := e.s.Login(name, pw)
				if err != nil {
					errs <- err
					return
				}
				if _, a, err := e.s.Authenticate(tok); err != nil || a.ID != name {
					errs <- fmt.Errorf("authenticate %s: %v %v", name, a, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if c := e.count(t); c["staff_users"] != workers+1 || c["staff_sessions"] != workers*3 {
		t.Fatalf("buckets: %v", c)
	}
}

func TestNewPanicsOnBadParams(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	New(nil, Options{Params: Params{Time: 1, MemoryKiB: 1 << 30, Threads: 1}})
}
