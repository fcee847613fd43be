package keys

import "errors"

// Errors returned by this package. Match them with errors.Is; the text of a
// wrapping error may add a field name or a count, never a secret or a
// passphrase.
var (
	// Keyring errors (ParseKeyring, NewKeyring, LoadKeyring).
	ErrKeyringFormat    = errors.New("keys: malformed keyring")
	ErrKeyringVersion   = errors.New("keys: unknown keyring version")
	ErrKeyringSignature = errors.New("keys: bad keyring signature")
	ErrThreshold        = errors.New("keys: threshold outside 1..n")
	ErrDuplicateAuditor = errors.New("keys: duplicate auditor id or key")
	ErrAuditorField     = errors.New("keys: invalid auditor field")

	// ErrIdentityMismatch: an identity's id is not in the keyring, or its
	// public keys differ from the keyring's entry for that id.
	ErrIdentityMismatch = errors.New("keys: identity does not match the keyring")

	// Key file errors (DecryptIdentity, DecryptRootKey, LoadIdentity, LoadRootKey).
	//
	// ErrWrongPassphrase means the file is intact (its checksum holds) but
	// the passphrase does not derive its verifier. The checksum is public:
	// someone who edits the salt, KDF line or verifier and recomputes it
	// also causes ErrWrongPassphrase (docs/keys.md). ErrKeyFileTampered
	// means the checksum does not hold, or the verifier does but the
	// ciphertext or a header field fails authentication.
	ErrWrongPassphrase = errors.New("keys: wrong passphrase")
	ErrKeyFileTampered = errors.New("keys: key file damaged or tampered with")
	ErrKeyFileVersion  = errors.New("keys: unknown key file version")
	ErrKeyFileFormat   = errors.New("keys: malformed key file")
	// ErrKDFParams: argon2id parameters outside the accepted bounds. When
	// read from a file it comes wrapped together with ErrKeyFileFormat.
	ErrKDFParams = errors.New("keys: argon2id parameters out of bounds")
	// ErrWeakPassphrase: a passphrase shorter than MinPassphraseLen characters.
	ErrWeakPassphrase = errors.New("keys: passphrase too short")

	// ErrFileExists: a ceremony or key file would overwrite an existing file.
	ErrFileExists = errors.New("keys: file already exists")
)
