// Package vault is the domain core of kotak: complaints, their lifecycle
// and deadlines, receipts, encryption at rest, retention and backup.
//
// A complaint's reporter identity and original text are sealed to the
// ministry keyring (crypto/seal) before anything is stored; the server can
// never open them. What agencies see — the redacted title and body, the
// messages, event notes and the contact details of non-anonymous reporters
// — is encrypted in the database under a per-complaint key (DEK) wrapped by
// the server's key-encryption key; deleting the wrapped DEK and the sealed
// record crypto-shreds the complaint, in the database and in every backup
// taken afterwards (older backups must age out within the retention
// period). Only what indexes
// and statistics need (status, agency, category, region, privacy, channel,
// times and deadlines) is stored in the clear. Receipts are stored only as
// HMAC-SHA256 under a server secret.
//
// Every mutation is one durable write transaction: when a method returns
// nil, its effect is committed and fsynced. Concurrent calls share commits.
// Who may do what is enforced here, with typed errors: ErrNotFound,
// ErrForbidden, ErrInvalidTransition and ErrBadInput (an *InputError names
// the field). Errors never carry personal data.
package vault

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"kotak/crypto/box"
	"kotak/crypto/seal"
	"kotak/keys"
	"kotak/vault/attach"
	"kotak/vault/receipt"
	"kotak/vault/redact"
	"kotak/vault/store"
	"kotak/vault/workdays"
)

// Errors returned by the vault. Match them with errors.Is; an *InputError
// (ErrBadInput) and a *TransitionError (ErrInvalidTransition) carry details.
var (
	ErrNotFound          = errors.New("vault: not found")
	ErrForbidden         = errors.New("vault: forbidden")
	ErrInvalidTransition = errors.New("vault: invalid transition")
	ErrBadInput          = errors.New("vault: bad input")
	ErrShredded          = errors.New("vault: complaint shredded")
	ErrNoContact         = errors.New("vault: no contact details for this complaint")
	ErrSchemaVersion     = errors.New("vault: unsupported schema version")
	ErrCorrupt           = errors.New("vault: corrupt record")
	ErrConfig            = errors.New("vault: invalid options")
)

// InputError reports an invalid field. It matches ErrBadInput. Field is the
// API name of the field ("title", "reporter.phone", "cursor"); Reason is a
// fixed phrase and never echoes the input.
type InputError struct {
	Field  string
	Reason string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("vault: bad input: %s: %s", e.Field, e.Reason)
}

// Is makes errors.Is(err, ErrBadInput) true.
func (e *InputError) Is(target error) bool { return target == ErrBadInput }

func badInput(field, reason string) error { return &InputError{Field: field, Reason: reason} }

// TransitionError reports an action that the complaint's status does not
// allow. It matches ErrInvalidTransition.
type TransitionError struct {
	Action Action
	From   Status
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("vault: invalid transition: %s from %s", e.Action, e.From)
}

// Is makes errors.Is(err, ErrInvalidTransition) true.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }

// Sealer seals a complaint's private part to the ministry keyring.
// seal.Sealer implements it.
type Sealer interface {
	Seal(complaintID string, plaintext []byte) ([]byte, error)
}

// Redactor is the seam for redaction: it replaces personal data in text,
// using the reporter's keyed-hash profile for their own identity pieces.
// Submissions and every later reporter message go through it before an
// agency can see them. It must be safe for concurrent use.
type Redactor interface {
	Redact(text string, p *redact.Profile) (string, []redact.Finding)
}

// ProfileRedactor is the default Redactor: the generic rules plus the
// profile's tokens (redact.RedactProfile).
type ProfileRedactor struct{}

// Redact implements Redactor.
func (ProfileRedactor) Redact(text string, p *redact.Profile) (string, []redact.Finding) {
	return redact.RedactProfile(text, p)
}

// Options configures Open. Keyring (or Sealer) is required.
type Options struct {
	// Keyring is the ministry keyring identities are sealed to.
	Keyring *keys.Keyring
	// Sealer overrides seal.Sealer{Keyring, Rand}.
	Sealer Sealer
	// Rand is the randomness for ids, receipts, keys and nonces; it must be
	// safe for concurrent use. Default crypto/rand.Reader.
	Rand io.Reader
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Calendar gives working days. Default workdays.Default().
	Calendar *workdays.Calendar
	// Redactor redacts agency-visible text. Default ProfileRedactor.
	Redactor Redactor
	// OnEvent, when set, is called inside the write transaction of every
	// mutation, once per event, after the complaint is written. An error
	// fails the action and nothing of it is kept. It may run more than once
	// for one action (see Store.Update) and must only write through tx.
	OnEvent func(tx Tx, e Event) error
	// Buckets are extra buckets made at open, for OnEvent hooks.
	Buckets [][]byte
	// Store replaces the bbolt file dir/kotak.db. The vault closes it.
	Store Store
	// MasterKeyPath is the master key file, created 0600 at first start.
	// Default dir/master.key.
	MasterKeyPath string
	// AgencyExists, when set, must accept every agency a complaint is
	// dispatched or forwarded to.
	AgencyExists func(agency string) bool
	// CategoryExists, when set, must accept every submission's category.
	CategoryExists func(category string) bool
	// AttachmentLimits bounds uploaded files. Default attach.DefaultLimits.
	AttachmentLimits attach.Limits
	// MaxAttachments bounds the files of one complaint. Default 5.
	MaxAttachments int
}

// Vault is an open complaint vault. Its methods are safe for concurrent use.
type Vault struct {
	store        Store
	sealer       Sealer
	kek          []byte
	receipts     *receipt.Hasher
	cal          *workdays.Calendar
	redactor     Redactor
	rand         io.Reader
	now          func() time.Time
	onEvent      func(Tx, Event) error
	agencyExists func(string) bool
	catExists    func(string) bool
	attachLimits attach.Limits
	maxAttach    int
}

// Database and key file names inside the data directory.
const (
	DatabaseFile  = "kotak.db"
	MasterKeyFile = "master.key"
)

// Key labels for MasterKey.Subkey.
const (
	labelKEK     = "kotak/v1 kek"
	labelReceipt = "kotak/v1 receipt"
)

// Open opens the vault in dir, creating the directory (0700), the master key
// file (0600) and the database at first start. Every bucket is made and the
// schema version checked (a newer one is refused with ErrSchemaVersion).
func Open(dir string, opts Options) (*Vault, error) {
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Calendar == nil {
		opts.Calendar = workdays.Default()
	}
	if opts.Redactor == nil {
		opts.Redactor = ProfileRedactor{}
	}
	if opts.Sealer == nil {
		if opts.Keyring == nil {
			return nil, fmt.Errorf("%w: a keyring or a sealer is required", ErrConfig)
		}
		opts.Sealer = seal.Sealer{Keyring: opts.Keyring, Rand: opts.Rand}
	}
	if opts.AttachmentLimits == (attach.Limits{}) {
		opts.AttachmentLimits = attach.DefaultLimits
	}
	if opts.MaxAttachments <= 0 {
		opts.MaxAttachments = 5
	}
	if opts.MaxAttachments > 255 {
		return nil, fmt.Errorf("%w: at most 255 attachments per complaint", ErrConfig)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("vault: creating data directory: %w", err)
	}
	if opts.MasterKeyPath == "" {
		opts.MasterKeyPath = filepath.Join(dir, MasterKeyFile)
	}
	mk, err := box.LoadOrCreateMasterKey(opts.MasterKeyPath, opts.Rand)
	if err != nil {
		return nil, fmt.Errorf("vault: master key: %w", err)
	}
	st := opts.Store
	if st == nil {
		db, err := store.Open(filepath.Join(dir, DatabaseFile), store.Options{})
		if err != nil {
			return nil, err
		}
		st = boltStore{db}
	}
	if err := st.Update(func(tx Tx) error { return initSchema(tx, opts.Buckets) }); err != nil {
		_ = st.Close()
		return nil, err
	}
	return &Vault{
		store:        st,
		sealer:       opts.Sealer,
		kek:          mk.Subkey(labelKEK),
		receipts:     receipt.NewHasher(mk.Subkey(labelReceipt)),
		cal:          opts.Calendar,
		redactor:     opts.Redactor,
		rand:         opts.Rand,
		now:          opts.Now,
		onEvent:      opts.OnEvent,
		agencyExists: opts.AgencyExists,
		catExists:    opts.CategoryExists,
		attachLimits: opts.AttachmentLimits,
		maxAttach:    opts.MaxAttachments,
	}, nil
}

// Close waits for pending writes and closes the store.
func (v *Vault) Close() error { return v.store.Close() }

// Store returns the underlying store, for components that keep their own
// buckets in the same database (the audit log). Writes through it bypass
// the domain's checks.
func (v *Vault) Store() Store { return v.store }

// Backup writes a consistent copy of the whole database, taken in one read
// transaction, to w; writers go on meanwhile. The copy opens with Open
// given the same master key file. A complaint shredded before the copy is
// unreadable in it; older copies still hold its wrapped DEK, so backups
// must be kept no longer than the retention period (docs/storage.md).
func (v *Vault) Backup(w io.Writer) (int64, error) {
	return v.store.WriteTo(w)
}
