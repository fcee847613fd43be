package keys

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/cloudflare/circl/kem/xwing"

	"kotak/internal/fsutil"
)

// WriteKeyFile writes a key file (or any secret) to path with mode 0600. It
// creates the file exclusively, so an existing file is never replaced
// (ErrFileExists, which also matches fs.ErrExist), and returns only after
// the file and its directory entry are synced to disk. A crash never leaves
// a partial file at path (fsutil.WriteExclusive). On failure it removes
// what it created.
func WriteKeyFile(path string, data []byte) error {
	return writeExclusive(path, data, 0o600)
}

// WriteKeyring writes the canonical encoding of k to path with mode 0644
// (the keyring is public), with the guarantees of WriteKeyFile.
func WriteKeyring(path string, k *Keyring) error {
	return writeExclusive(path, k.Marshal(), 0o644)
}

func writeExclusive(path string, data []byte, perm fs.FileMode) error {
	err := fsutil.WriteExclusive(path, data, perm)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%w: %w", ErrFileExists, err)
	case errors.Is(err, fsutil.ErrDirSync):
		// The file is in place but its name may not be durable: remove it,
		// as on any other failure, so that nothing is left half done.
		os.Remove(path)
	}
	return fmt.Errorf("keys: %w", err)
}

// readLimited reads at most limit bytes; a longer file is refused with tooLarge.
func readLimited(path string, limit int64, tooLarge error) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: too large", tooLarge)
	}
	return data, nil
}

// LoadIdentity reads and decrypts an auditor key file, with the errors of
// DecryptIdentity (plus I/O errors, wrapped). The caller should Wipe the
// identity when done.
func LoadIdentity(path string, passphrase []byte) (*Identity, error) {
	data, err := readLimited(path, maxKeyFileSize, ErrKeyFileFormat)
	if err != nil {
		return nil, err
	}
	return DecryptIdentity(data, passphrase)
}

// LoadRootKey reads and decrypts a ministry root key file, with the errors
// of DecryptRootKey.
func LoadRootKey(path string, passphrase []byte) (ed25519.PrivateKey, error) {
	data, err := readLimited(path, maxKeyFileSize, ErrKeyFileFormat)
	if err != nil {
		return nil, err
	}
	return DecryptRootKey(data, passphrase)
}

// LoadKeyring reads and verifies a keyring file, with the errors of
// ParseKeyring (plus I/O errors, wrapped).
func LoadKeyring(path string) (*Keyring, error) {
	data, err := readLimited(path, maxKeyringSize, ErrKeyringFormat)
	if err != nil {
		return nil, err
	}
	return ParseKeyring(data)
}

// CheckIdentity reports whether id belongs to this keyring: an auditor with
// id.AuditorID exists and its X-Wing and Ed25519 public keys equal the ones
// derived from id's seeds. Otherwise it returns ErrIdentityMismatch.
func (k *Keyring) CheckIdentity(id *Identity) error {
	if id == nil || len(id.xwingSeed) != xwing.SeedSize || len(id.edSeed) != ed25519.SeedSize {
		return fmt.Errorf("%w: identity has no keys", ErrIdentityMismatch)
	}
	a, _, ok := k.Auditor(id.AuditorID)
	if !ok {
		return fmt.Errorf("%w: no auditor %q in keyring %s", ErrIdentityMismatch, id.AuditorID, k.ID())
	}
	pub := id.Public()
	if !bytes.Equal(pub.Ed25519, a.Ed25519) || !bytes.Equal(pub.XWing, a.XWing) {
		return fmt.Errorf("%w: keys of auditor %q differ from keyring %s", ErrIdentityMismatch, id.AuditorID, k.ID())
	}
	return nil
}
