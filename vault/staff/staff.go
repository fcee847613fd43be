// Package staff keeps the accounts of the people who work the vault —
// admins, agency handlers, ministry officers and auditors — and their
// login sessions.
//
// Passwords are stored only as argon2id hashes in a PHC-style string that
// carries its own parameters (bounded before use). A login returns a bearer
// token of 32 random bytes; the store keeps only its SHA-256, so a copy of
// the database does not let anyone log in. Sessions expire after a fixed
// time-to-live; disabling an account or setting its password revokes all
// its sessions at once.
//
// Every mutation is one durable write transaction of the vault's store:
// when a method returns nil, its effect is committed. Errors never carry
// passwords, hashes or tokens.
package staff

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"

	"kotak/vault"
)

// Errors returned by the service. Field errors are *vault.InputError, which
// matches ErrBadInput; Field is "username", "password", "role", "agency" or
// "auditor_id" and Reason never echoes the input.
var (
	// ErrBadCredentials: a login with an unknown user, a wrong password or
	// a disabled account, or an unknown, expired or revoked token. The
	// cases are deliberately not told apart.
	ErrBadCredentials = errors.New("staff: bad credentials")
	ErrExists         = errors.New("staff: user already exists")
	ErrNotFound       = errors.New("staff: no such user")
	ErrBadInput       = vault.ErrBadInput // the same value, so *vault.InputError matches it
	ErrParams         = errors.New("staff: argon2id parameters out of bounds")
	ErrHashFormat     = errors.New("staff: malformed password hash")
	ErrCorrupt        = errors.New("staff: corrupt record")
)

// Role is an account's role. Only vault.RoleAdmin, RoleAgency, RoleOfficer
// and RoleAuditor are staff roles.
type Role = vault.Role

// Buckets are the service's buckets; pass them to vault.Options.Buckets
// (or call Init in a write transaction) before using a Service.
//
//	staff_users           username → userRecord (JSON, "v":1, with the password hash)
//	staff_sessions        SHA-256(token) → sessionRecord (JSON, "v":1)
//	staff_user_sessions   lp(username) ‖ SHA-256(token) → empty, to revoke a user's sessions
//	staff_session_expiry  uint64be(expiry, Unix ns) ‖ SHA-256(token) → empty, for PurgeExpired
var Buckets = [][]byte{bucketUsers, bucketSessions, bucketUserSessions, bucketExpiry}

var (
	bucketUsers        = []byte("staff_users")
	bucketSessions     = []byte("staff_sessions")
	bucketUserSessions = []byte("staff_user_sessions")
	bucketExpiry       = []byte("staff_session_expiry")
)

// Init makes the service's buckets. It is idempotent.
func Init(tx vault.Tx) error {
	for _, b := range Buckets {
		if err := tx.CreateBucket(b); err != nil {
			return err
		}
	}
	return nil
}

// Limits on account fields.
const (
	MinUsername    = 3
	MaxUsername    = 32
	MinPassword    = 12   // runes
	MaxPassword    = 1024 // bytes
	maxAuditorID   = 64
	maxAgencyID    = 64
	recordVersion  = 1
	tokenPrefix    = "kts_"
	tokenBytes     = 32
	DefaultTTL     = 12 * time.Hour
	purgeBatchSize = 1000
)

var tokenLen = len(tokenPrefix) + base64.RawURLEncoding.EncodedLen(tokenBytes)

// User is a staff account as the service shows it: never with its hash.
type User struct {
	Username  string     `json:"username"`
	Role      vault.Role `json:"role"`
	Agency    string     `json:"agency,omitempty"`     // agency accounts only
	AuditorID string     `json:"auditor_id,omitempty"` // auditor accounts only: their id in the keyring
	Created   time.Time  `json:"created"`
	Disabled  bool       `json:"disabled"`
}

// Actor returns the vault actor this account acts as.
func (u *User) Actor() vault.Actor {
	return vault.Actor{Role: u.Role, ID: u.Username, Agency: u.Agency}
}

// Action names an account event reported to Options.OnEvent.
type Action string

// Account events.
const (
	ActionUserAdd     Action = "user_add"
	ActionPasswordSet Action = "password_set"
	ActionUserDisable Action = "user_disable"
	ActionLogin       Action = "login"
	ActionLogout      Action = "logout"
)

// Event is one account event. It holds no password, hash or token.
type Event struct {
	Time     time.Time
	Action   Action
	Username string      // the account the event is about
	Role     vault.Role  // that account's role
	By       vault.Actor // who did it: the account itself for login and logout, else the As actor or the system
}

// Options configures a Service. Every field is optional.
type Options struct {
	// Rand is the randomness for salts and tokens; it must be safe for
	// concurrent use. Default crypto/rand.Reader.
	Rand io.Reader
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// TokenTTL is how long a login token lives. Default 12h.
	TokenTTL time.Duration
	// Params are the argon2id parameters of new hashes. The zero value
	// means DefaultParams. Hashes made with other parameters still verify,
	// and are rehashed with these at the next successful login.
	Params Params
	// AgencyExists, when set, must accept the agency of every agency account.
	AgencyExists func(agency string) bool
	// MaxConcurrentHashes bounds how many argon2id computations run at
	// once (each takes Params.MemoryKiB of memory). Default GOMAXPROCS.
	MaxConcurrentHashes int
	// OnEvent, when set, is called inside the write transaction of every
	// account change, login and logout. An error fails the operation and
	// nothing of it is kept. It may run more than once for one operation
	// (see vault.Store.Update) and must only write through tx.
	OnEvent func(tx vault.Tx, e Event) error
}

// Service manages staff accounts and sessions. Its methods are safe for
// concurrent use.
type Service struct {
	st           vault.Store
	rand         io.Reader
	now          func() time.Time
	ttl          time.Duration
	params       Params
	agencyExists func(string) bool
	onEvent      func(vault.Tx, Event) error
	hashSem      chan struct{}
	by           vault.Actor // who makes account changes; zero: the system
}

// As returns a view of the service whose account changes (AddUser,
// SetPassword, Disable) are reported to the OnEvent hook as made by a, for
// the audit log. The view shares everything else with s.
func (s *Service) As(a vault.Actor) *Service {
	c := *s
	c.by = a
	return &c
}

// New returns a Service over st, whose buckets must exist (see Buckets).
// It panics if opts.Params is set and fails Params.Validate, a programming
// error.
func New(st vault.Store, opts Options) *Service {
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = DefaultTTL
	}
	if opts.Params == (Params{}) {
		opts.Params = DefaultParams()
	}
	if err := opts.Params.Validate(); err != nil {
		panic("staff.New: " + err.Error())
	}
	if opts.MaxConcurrentHashes <= 0 {
		opts.MaxConcurrentHashes = runtime.GOMAXPROCS(0)
	}
	return &Service{
		st:           st,
		rand:         opts.Rand,
		now:          opts.Now,
		ttl:          opts.TokenTTL,
		params:       opts.Params,
		agencyExists: opts.AgencyExists,
		onEvent:      opts.OnEvent,
		hashSem:      make(chan struct{}, opts.MaxConcurrentHashes),
	}
}

// userRecord is a stored account.
type userRecord struct {
	V         int        `json:"v"`
	Username  string     `json:"username"`
	Role      vault.Role `json:"role"`
	Agency    string     `json:"agency,omitempty"`
	AuditorID string     `json:"auditor_id,omitempty"`
	Created   time.Time  `json:"created"`
	Disabled  bool       `json:"disabled,omitempty"`
	Hash      string     `json:"hash"`
}

func (r *userRecord) user() *User {
	return &User{Username: r.Username, Role: r.Role, Agency: r.Agency, AuditorID: r.AuditorID,
		Created: r.Created, Disabled: r.Disabled}
}

// sessionRecord is a stored session, keyed by the SHA-256 of its token.
type sessionRecord struct {
	V       int       `json:"v"`
	User    string    `json:"user"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

func getUser(tx vault.Tx, username string) (*userRecord, error) {
	raw := tx.Get(bucketUsers, []byte(username))
	if raw == nil {
		return nil, nil
	}
	return decodeUser([]byte(username), raw)
}

// existingUser is getUser for an account that must exist: ErrNotFound if
// there is none.
func existingUser(tx vault.Tx, username string) (*userRecord, error) {
	r, err := getUser(tx, username)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, ErrNotFound
	}
	return r, nil
}

func decodeUser(key, raw []byte) (*userRecord, error) {
	var r userRecord
	if err := json.Unmarshal(raw, &r); err != nil || r.V != recordVersion ||
		r.Username != string(key) || !staffRole(r.Role) {
		return nil, ErrCorrupt
	}
	return &r, nil
}

func putUser(tx vault.Tx, r *userRecord) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return tx.Put(bucketUsers, []byte(r.Username), raw)
}

func getSession(tx vault.Tx, key []byte) (*sessionRecord, error) {
	raw := tx.Get(bucketSessions, key)
	if raw == nil {
		return nil, nil
	}
	var r sessionRecord
	if err := json.Unmarshal(raw, &r); err != nil || r.V != recordVersion || !ValidUsername(r.User) {
		return nil, ErrCorrupt
	}
	return &r, nil
}

func userSessionKey(username string, key []byte) []byte {
	b := append([]byte{byte(len(username))}, username...)
	return append(b, key...)
}

func expiryKey(t time.Time, key []byte) []byte {
	n := t.UnixNano()
	if n < 0 {
		n = 0
	}
	return append(binary.BigEndian.AppendUint64(nil, uint64(n)), key...)
}

func putSession(tx vault.Tx, key []byte, s *sessionRecord) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if err := tx.Put(bucketSessions, key, raw); err != nil {
		return err
	}
	if err := tx.Put(bucketUserSessions, userSessionKey(s.User, key), []byte{}); err != nil {
		return err
	}
	return tx.Put(bucketExpiry, expiryKey(s.Expires, key), []byte{})
}

func deleteSession(tx vault.Tx, key []byte, s *sessionRecord) error {
	if err := tx.Delete(bucketSessions, key); err != nil {
		return err
	}
	if err := tx.Delete(bucketUserSessions, userSessionKey(s.User, key)); err != nil {
		return err
	}
	return tx.Delete(bucketExpiry, expiryKey(s.Expires, key))
}

// revokeAll deletes every session of username.
func revokeAll(tx vault.Tx, username string) error {
	prefix := userSessionKey(username, nil)
	var keys [][]byte
	c := tx.Cursor(bucketUserSessions)
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k[len(prefix):]))
	}
	for _, key := range keys {
		s, err := getSession(tx, key)
		if err != nil {
			return err
		}
		if s == nil { // a dangling index entry
			if err := tx.Delete(bucketUserSessions, userSessionKey(username, key)); err != nil {
				return err
			}
			continue
		}
		if err := deleteSession(tx, key, s); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) event(tx vault.Tx, now time.Time, a Action, u *userRecord) error {
	if s.onEvent == nil {
		return nil
	}
	by := s.by
	if a == ActionLogin || a == ActionLogout {
		by = vault.Actor{Role: u.Role, ID: u.Username, Agency: u.Agency}
	}
	if by.Role == "" {
		by = vault.Actor{Role: vault.RoleSystem}
	}
	return s.onEvent(tx, Event{Time: now, Action: a, Username: u.Username, Role: u.Role, By: by})
}

// ValidUsername reports whether name is 3 to 32 of a-z, 0-9, '.', '_', '-'.
func ValidUsername(name string) bool {
	if len(name) < MinUsername || len(name) > MaxUsername {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func staffRole(r vault.Role) bool {
	switch r {
	case vault.RoleAdmin, vault.RoleAgency, vault.RoleOfficer, vault.RoleAuditor:
		return true
	}
	return false
}

// validID reports whether s is 1..max of a-z, 0-9 and '-' (agency and
// keyring auditor ids).
func validID(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func checkUsername(name string) error {
	if !ValidUsername(name) {
		return &vault.InputError{Field: "username", Reason: "must be 3-32 of a-z, 0-9, '.', '_', '-'"}
	}
	return nil
}

func checkPassword(pw string) error {
	switch {
	case len(pw) > MaxPassword:
		return &vault.InputError{Field: "password", Reason: "too long"}
	case !utf8.ValidString(pw):
		return &vault.InputError{Field: "password", Reason: "not valid UTF-8"}
	case utf8.RuneCountInString(pw) < MinPassword:
		return &vault.InputError{Field: "password", Reason: "must be at least 12 characters"}
	}
	return nil
}

func (s *Service) checkAccount(role vault.Role, agency, auditorID string) error {
	if !staffRole(role) {
		return &vault.InputError{Field: "role", Reason: "must be admin, agency, officer or auditor"}
	}
	switch {
	case role == vault.RoleAgency && agency == "":
		return &vault.InputError{Field: "agency", Reason: "required for agency accounts"}
	case role != vault.RoleAgency && agency != "":
		return &vault.InputError{Field: "agency", Reason: "only for agency accounts"}
	case agency != "" && !validID(agency, maxAgencyID):
		return &vault.InputError{Field: "agency", Reason: "must be 1-64 of a-z, 0-9, '-'"}
	case agency != "" && s.agencyExists != nil && !s.agencyExists(agency):
		return &vault.InputError{Field: "agency", Reason: "unknown agency"}
	case role == vault.RoleAuditor && auditorID == "":
		return &vault.InputError{Field: "auditor_id", Reason: "required for auditor accounts"}
	case role != vault.RoleAuditor && auditorID != "":
		return &vault.InputError{Field: "auditor_id", Reason: "only for auditor accounts"}
	case auditorID != "" && !validID(auditorID, maxAuditorID):
		return &vault.InputError{Field: "auditor_id", Reason: "must be 1-64 of a-z, 0-9, '-'"}
	}
	return nil
}

// hash runs argon2id under the concurrency bound.
func (s *Service) hash(password string) (*passwordHash, error) {
	s.hashSem <- struct{}{}
	defer func() { <-s.hashSem }()
	return newHash(s.rand, password, s.params)
}

func (s *Service) verify(h *passwordHash, password string) bool {
	s.hashSem <- struct{}{}
	defer func() { <-s.hashSem }()
	return h.verify(password)
}

// AddUser creates an account. username is 3-32 of [a-z0-9._-]; the
// password has at least 12 characters and at most 1024 bytes; an agency
// account names its agency (which must exist when Options.AgencyExists is
// set) and only it; an auditor account gives its keyring auditor id and
// only it. Invalid fields are *vault.InputError; an existing username is
// ErrExists. The password is kept only as an argon2id hash.
func (s *Service) AddUser(username, password string, role vault.Role, agency, auditorID string) (*User, error) {
	if err := checkUsername(username); err != nil {
		return nil, err
	}
	if err := checkPassword(password); err != nil {
		return nil, err
	}
	if err := s.checkAccount(role, agency, auditorID); err != nil {
		return nil, err
	}
	h, err := s.hash(password)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	rec := &userRecord{V: recordVersion, Username: username, Role: role, Agency: agency,
		AuditorID: auditorID, Created: now, Hash: h.String()}
	err = s.st.Update(func(tx vault.Tx) error {
		if tx.Get(bucketUsers, []byte(username)) != nil {
			return ErrExists
		}
		if err := putUser(tx, rec); err != nil {
			return err
		}
		return s.event(tx, now, ActionUserAdd, rec)
	})
	if err != nil {
		return nil, err
	}
	return rec.user(), nil
}

// Users returns every account, sorted by username, without hashes.
func (s *Service) Users() ([]User, error) {
	var out []User
	err := s.st.View(func(tx vault.Tx) error {
		c := tx.Cursor(bucketUsers)
		for k, v := c.First(); k != nil; k, v = c.Next() {
			r, err := decodeUser(k, v)
			if err != nil {
				return err
			}
			out = append(out, *r.user())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// User returns one account: ErrNotFound if there is none.
func (s *Service) User(username string) (*User, error) {
	if !ValidUsername(username) {
		return nil, ErrNotFound
	}
	var u *User
	err := s.st.View(func(tx vault.Tx) error {
		r, err := existingUser(tx, username)
		if err != nil {
			return err
		}
		u = r.user()
		return nil
	})
	return u, err
}

// SetPassword replaces the account's password (checked as in AddUser) and
// revokes all its sessions, the caller's own included. Unknown accounts are
// ErrNotFound.
func (s *Service) SetPassword(username, password string) error {
	if err := checkUsername(username); err != nil {
		return err
	}
	if err := checkPassword(password); err != nil {
		return err
	}
	h, err := s.hash(password)
	if err != nil {
		return err
	}
	stored := h.String()
	return s.changeUser(username, ActionPasswordSet, func(r *userRecord) { r.Hash = stored })
}

// Disable disables the account and revokes all its sessions in the same
// transaction: once it returns nil, no token of the account authenticates
// and no login succeeds. Disabling a disabled account is not an error.
// Unknown accounts are ErrNotFound.
func (s *Service) Disable(username string) error {
	if err := checkUsername(username); err != nil {
		return err
	}
	return s.changeUser(username, ActionUserDisable, func(r *userRecord) { r.Disabled = true })
}

// changeUser applies change to username's stored account, revokes all its
// sessions and reports act, in one durable write transaction: when it
// returns nil, all of it is committed. Unknown accounts are ErrNotFound.
// change may run more than once (see vault.Store.Update) and must only set
// fields of the record it is given.
func (s *Service) changeUser(username string, act Action, change func(*userRecord)) error {
	now := s.now().UTC()
	return s.st.Update(func(tx vault.Tx) error {
		r, err := existingUser(tx, username)
		if err != nil {
			return err
		}
		change(r)
		if err := putUser(tx, r); err != nil {
			return err
		}
		if err := revokeAll(tx, username); err != nil {
			return err
		}
		return s.event(tx, now, act, r)
	})
}

// Login checks a username and password and opens a session. The token
// ("kts_" and 43 base64url characters) is returned once and stored only as
// its SHA-256; it expires at expires. Every failure — unknown user, wrong
// password, disabled account — is ErrBadCredentials, and an unknown user
// costs the same argon2id computation as a known one, so that neither the
// answer nor its timing tells whether an account exists.
func (s *Service) Login(username, password string) (token string, u *User, expires time.Time, err error) {
	if len(password) > MaxPassword {
		return "", nil, time.Time{}, ErrBadCredentials
	}
	var rec *userRecord
	if ValidUsername(username) {
		if err := s.st.View(func(tx vault.Tx) error {
			var err error
			rec, err = getUser(tx, username)
			return err
		}); err != nil {
			return "", nil, time.Time{}, err
		}
	}
	if rec == nil {
		// Same work as a real check, against a hash nothing matches.
		dummy := &passwordHash{params: s.params, salt: make([]byte, saltLen), key: make([]byte, keyLen)}
		s.verify(dummy, password)
		return "", nil, time.Time{}, ErrBadCredentials
	}
	stored, err := parseHash(rec.Hash)
	if err != nil {
		return "", nil, time.Time{}, fmt.Errorf("%w: stored password hash: %w", ErrCorrupt, err)
	}
	if !s.verify(stored, password) || rec.Disabled {
		return "", nil, time.Time{}, ErrBadCredentials
	}

	// Everything random is drawn before the transaction, which may run twice.
	var rehash string
	if stored.params != s.params {
		h, err := s.hash(password)
		if err != nil {
			return "", nil, time.Time{}, err
		}
		rehash = h.String()
	}
	raw := make([]byte, tokenBytes)
	if _, err := io.ReadFull(s.rand, raw); err != nil {
		return "", nil, time.Time{}, fmt.Errorf("staff: reading randomness: %w", err)
	}
	token = tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	key := tokenKey(token)
	now := s.now().UTC()
	sess := &sessionRecord{V: recordVersion, User: username, Created: now, Expires: now.Add(s.ttl)}

	err = s.st.Update(func(tx vault.Tx) error {
		r, err := getUser(tx, username)
		if err != nil {
			return err
		}
		// The account changed since the password was checked.
		if r == nil || r.Disabled || r.Hash != rec.Hash {
			return ErrBadCredentials
		}
		if rehash != "" {
			r.Hash = rehash
			if err := putUser(tx, r); err != nil {
				return err
			}
		}
		if err := putSession(tx, key, sess); err != nil {
			return err
		}
		rec = r
		return s.event(tx, now, ActionLogin, r)
	})
	if err != nil {
		return "", nil, time.Time{}, err
	}
	return token, rec.user(), sess.Expires, nil
}

// tokenKey is the stored form of a token.
func tokenKey(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// checkToken reports whether token has the exact form Login issues.
func checkToken(token string) bool {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok || len(token) != tokenLen {
		return false
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(rest)
	return err == nil && len(raw) == tokenBytes
}

// Authenticate returns the account a token belongs to and the vault actor
// it acts as. A malformed, unknown, expired or revoked token, or one whose
// account is disabled, is ErrBadCredentials. It does not write.
func (s *Service) Authenticate(token string) (*User, vault.Actor, error) {
	if !checkToken(token) {
		return nil, vault.Actor{}, ErrBadCredentials
	}
	key := tokenKey(token)
	now := s.now()
	var u *User
	err := s.st.View(func(tx vault.Tx) error {
		sess, err := getSession(tx, key)
		if err != nil {
			return err
		}
		if sess == nil || !now.Before(sess.Expires) {
			return ErrBadCredentials
		}
		r, err := getUser(tx, sess.User)
		if err != nil {
			return err
		}
		if r == nil || r.Disabled {
			return ErrBadCredentials
		}
		u = r.user()
		return nil
	})
	if err != nil {
		return nil, vault.Actor{}, err
	}
	return u, u.Actor(), nil
}

// Logout ends the token's session. A malformed, unknown or already ended
// session is ErrBadCredentials.
func (s *Service) Logout(token string) error {
	if !checkToken(token) {
		return ErrBadCredentials
	}
	key := tokenKey(token)
	now := s.now().UTC()
	return s.st.Update(func(tx vault.Tx) error {
		sess, err := getSession(tx, key)
		if err != nil {
			return err
		}
		if sess == nil {
			return ErrBadCredentials
		}
		if err := deleteSession(tx, key, sess); err != nil {
			return err
		}
		r, err := getUser(tx, sess.User)
		if err != nil || r == nil {
			return err
		}
		return s.event(tx, now, ActionLogout, r)
	})
}

// PurgeExpired deletes every session that expired at or before now and
// returns how many it deleted. Expired sessions never authenticate; this
// only reclaims their space. It works in transactions of at most 1000
// sessions; on error, the ones already committed stay deleted.
func (s *Service) PurgeExpired(now time.Time) (int, error) {
	limit := expiryKey(now, bytes.Repeat([]byte{0xff}, sha256.Size))
	total := 0
	for {
		var n int
		var more bool
		err := s.st.Update(func(tx vault.Tx) error {
			n, more = 0, false
			var keys [][]byte
			c := tx.Cursor(bucketExpiry)
			for k, _ := c.First(); k != nil && bytes.Compare(k, limit) <= 0; k, _ = c.Next() {
				if len(keys) == purgeBatchSize {
					more = true
					break
				}
				keys = append(keys, bytes.Clone(k))
			}
			for _, k := range keys {
				if len(k) != 8+sha256.Size {
					return ErrCorrupt
				}
				key := k[8:]
				sess, err := getSession(tx, key)
				if err != nil {
					return err
				}
				if sess != nil {
					if err := deleteSession(tx, key, sess); err != nil {
						return err
					}
					n++
				}
				// Whatever the session said, this entry is done with.
				if err := tx.Delete(bucketExpiry, k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		if !more {
			return total, nil
		}
	}
}
