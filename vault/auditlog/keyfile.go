package auditlog

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"kotak/internal/fsutil"
)

// Key file names in the data directory.
const (
	// SignerKeyFile holds the note signer key ("PRIVATE+KEY+kotak/…"),
	// mode 0600. It never leaves the server.
	SignerKeyFile = "audit.key"
	// VerifierKeyFile holds the verifier key, mode 0644: publish it.
	VerifierKeyFile = "audit.pub"
)

const maxKeyFile = 1024

// LoadOrCreateSigner returns the checkpoint signer of the log of instance,
// kept in dir/SignerKeyFile, and its verifier key. At first start it makes
// an Ed25519 key from rnd and writes it with mode 0600 (created
// exclusively, never partly, synced to disk with its directory:
// fsutil.WriteExclusive). It (re)writes dir/VerifierKeyFile whenever
// that file is missing or differs. An existing key file readable by group
// or others is refused (ErrKeyFileMode); one made for another origin is
// refused (ErrKeyMismatch): changing the instance would start a new log.
func LoadOrCreateSigner(dir, instance string, rnd io.Reader) (note.Signer, string, error) {
	origin, err := Origin(instance)
	if err != nil {
		return nil, "", err
	}
	path := filepath.Join(dir, SignerKeyFile)
	data, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		skey, _, gerr := note.GenerateKey(rnd, origin)
		if gerr != nil {
			return nil, "", fmt.Errorf("auditlog: generating signer key: %w", gerr)
		}
		data = []byte(skey + "\n")
		if err = fsutil.WriteExclusive(path, data, 0o600); errors.Is(err, fs.ErrExist) {
			data, err = readKeyFile(path) // made meanwhile by another process
		} else if err != nil {
			err = fmt.Errorf("auditlog: %w", err)
		}
	}
	if err != nil {
		return nil, "", err
	}
	skey := strings.TrimSuffix(string(data), "\n")
	s, err := note.NewSigner(skey)
	if err != nil {
		return nil, "", fmt.Errorf("%w: signer key file", ErrKeyFormat)
	}
	if s.Name() != origin {
		return nil, "", ErrKeyMismatch
	}
	vkey, err := verifierKeyOf(skey)
	if err != nil {
		return nil, "", err
	}
	if v, err := note.NewVerifier(vkey); err != nil || v.KeyHash() != s.KeyHash() {
		return nil, "", fmt.Errorf("%w: signer key file", ErrKeyFormat)
	}
	if err := writePublic(filepath.Join(dir, VerifierKeyFile), []byte(vkey+"\n")); err != nil {
		return nil, "", err
	}
	return s, vkey, nil
}

func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("auditlog: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("auditlog: %w", err)
	}
	if !st.Mode().IsRegular() || st.Mode().Perm()&0o077 != 0 {
		return nil, ErrKeyFileMode
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("auditlog: %w", err)
	}
	if len(data) > maxKeyFile {
		return nil, fmt.Errorf("%w: signer key file too long", ErrKeyFormat)
	}
	return data, nil
}

// writePublic replaces path by data (mode 0644) unless it already holds it
// (fsutil.WriteReplace: atomic, synced with its directory).
func writePublic(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && string(old) == string(data) {
		return nil
	}
	if err := fsutil.WriteReplace(path, data, 0o644); err != nil {
		return fmt.Errorf("auditlog: %w", err)
	}
	return nil
}
