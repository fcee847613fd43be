package staff

import (
	"testing"

	"kotak/vault"
)

// BenchmarkLogin compares a login for an existing account, one for an
// unknown account (which must cost the same) and the bare argon2id
// computation with the production parameters, the baseline.
func BenchmarkLogin(b *testing.B) {
	e := newEnv(b, func(o *Options) { o.Params = DefaultParams() })
	e.addUser(b, "budi", pw, vault.RoleAdmin, "", "")
	h, err := parseHash(e.storedHash(b, "budi"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("argon2id-baseline", func(b *testing.B) {
		for b.Loop() {
			h.verify(pw)
		}
	})
	b.Run("known-user", func(b *testing.B) {
		for b.Loop() {
			if _, _, _, err := e.s.Login("budi", pw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("known-user-wrong-password", func(b *testing.B) {
		for b.Loop() {
			_, _, _, _ = e.s.Login("budi", "wrong password here")
		}
	})
	b.Run("unknown-user", func(b *testing.B) {
		for b.Loop() {
			_, _, _, _ = e.s.Login("nobody", pw)
		}
	})
}

// BenchmarkAuthenticate compares checking a token with the baseline of one
// read transaction that gets one key from the sessions bucket.
func BenchmarkAuthenticate(b *testing.B) {
	e := newEnv(b)
	e.addUser(b, "budi", pw, vault.RoleAdmin, "", "")
	tok := e.login(b, "budi", pw)
	key := tokenKey(tok)
	st := e.v.Store()
	b.Run("view-get-baseline", func(b *testing.B) {
		for b.Loop() {
			_ = st.View(func(tx vault.Tx) error {
				if tx.Get(bucketSessions, key) == nil {
					b.Fatal("no session")
				}
				return nil
			})
		}
	})
	b.Run("authenticate", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := e.s.Authenticate(tok); err != nil {
				b.Fatal(err)
			}
		}
	})
}
