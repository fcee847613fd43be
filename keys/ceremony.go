package keys

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// File names WriteCeremony uses inside its directory. Auditor ids hold only
// a-z, 0-9 and '-', so no auditor file can take the root key's name.
const (
	RootKeyFileName = "ministry_root.key"
	KeyringFileName = "keyring.txt"
)

// AuditorKeyFileName returns the name of an auditor's key file: "<id>.key".
func AuditorKeyFileName(auditorID string) string { return auditorID + ".key" }

// AuditorSpec names one auditor for a ceremony.
type AuditorSpec struct {
	ID   string // [a-z0-9-], at most 64 bytes
	Name string // display name, no control characters
}

// CeremonyResult holds everything a ceremony makes. Root and Identities are
// secrets: encrypt them into key files (WriteCeremony) and Wipe.
type CeremonyResult struct {
	Root       ed25519.PrivateKey
	Identities []*Identity // Identities[i] holds the keys of Keyring.Auditors[i]
	Keyring    *Keyring
}

// Wipe overwrites the root key and every identity's seeds.
func (c *CeremonyResult) Wipe() {
	clear(c.Root)
	for _, id := range c.Identities {
		id.Wipe()
	}
}

// Ceremony makes a new ministry keyring: a root Ed25519 key, one identity
// per auditor (in the given order, which fixes the share indexes), and the
// keyring with the given threshold, signed by the root. All randomness comes
// from rnd. It checks the inputs before drawing any key and returns
// ErrThreshold, ErrAuditorField or ErrDuplicateAuditor for bad ones. It
// performs no I/O and never prompts.
func Ceremony(rnd io.Reader, auditors []AuditorSpec, threshold int) (*CeremonyResult, error) {
	n := len(auditors)
	if n < 1 || n > MaxAuditors {
		return nil, fmt.Errorf("%w: %d auditors", ErrAuditorField, n)
	}
	if threshold < 1 || threshold > n {
		return nil, fmt.Errorf("%w: threshold %d with %d auditors", ErrThreshold, threshold, n)
	}
	seen := map[string]bool{}
	for i, a := range auditors {
		if err := checkAuditorID(a.ID); err != nil {
			return nil, fmt.Errorf("auditor %d: %w", i+1, err)
		}
		if err := checkName(a.Name); err != nil {
			return nil, fmt.Errorf("auditor %d: %w", i+1, err)
		}
		if seen[a.ID] {
			return nil, fmt.Errorf("%w: id %q", ErrDuplicateAuditor, a.ID)
		}
		seen[a.ID] = true
	}
	c := &CeremonyResult{}
	ok := false
	defer func() {
		if !ok {
			c.Wipe()
		}
	}()
	seed := make([]byte, ed25519.SeedSize)
	defer clear(seed)
	if _, err := io.ReadFull(rnd, seed); err != nil {
		return nil, fmt.Errorf("keys: reading randomness: %w", err)
	}
	c.Root = ed25519.NewKeyFromSeed(seed)
	pubs := make([]Auditor, n)
	for i, a := range auditors {
		id, err := GenerateIdentity(rnd, a.ID, a.Name)
		if err != nil {
			return nil, err
		}
		c.Identities = append(c.Identities, id)
		pubs[i] = id.Public()
	}
	k, err := NewKeyring(c.Root, threshold, pubs)
	if err != nil {
		return nil, err
	}
	c.Keyring = k
	ok = true
	return c, nil
}

// CeremonyFiles are the paths WriteCeremony wrote.
type CeremonyFiles struct {
	RootKey  string
	Auditors []string // Auditors[i] is the key file of Keyring.Auditors[i]
	Keyring  string
}

// WriteCeremony encrypts a ceremony's keys and writes them into dir (made
// 0700 if missing): the root key file (RootKeyFileName, under
// rootPassphrase), one key file per auditor (AuditorKeyFileName, under
// auditorPassphrases[i] for Keyring.Auditors[i]), each 0600, and the public
// keyring (KeyringFileName, 0644). Salts and nonces come from rnd; use
// DefaultKDFParams outside tests.
//
// It encrypts everything and checks that no target file exists before it
// writes anything; it never overwrites a file (ErrFileExists). Every file
// is synced before it returns. If a write fails, it removes the files it
// wrote. Passphrases are neither kept nor logged; it never prompts.
func WriteCeremony(rnd io.Reader, dir string, c *CeremonyResult, rootPassphrase []byte, auditorPassphrases [][]byte, p KDFParams) (*CeremonyFiles, error) {
	if c == nil || c.Keyring == nil || len(c.Identities) != c.Keyring.N() {
		return nil, errors.New("keys: incomplete ceremony")
	}
	if len(auditorPassphrases) != len(c.Identities) {
		return nil, fmt.Errorf("keys: %d passphrases for %d auditors", len(auditorPassphrases), len(c.Identities))
	}
	type file struct {
		path string
		data []byte
		perm fs.FileMode
	}
	var files []file
	rootData, err := EncryptRootKey(rnd, c.Root, rootPassphrase, p)
	if err != nil {
		return nil, fmt.Errorf("root key: %w", err)
	}
	out := &CeremonyFiles{
		RootKey: filepath.Join(dir, RootKeyFileName),
		Keyring: filepath.Join(dir, KeyringFileName),
	}
	files = append(files, file{out.RootKey, rootData, 0o600})
	for i, id := range c.Identities {
		if err := c.Keyring.CheckIdentity(id); err != nil {
			return nil, err
		}
		if c.Keyring.Auditors[i].ID != id.AuditorID {
			return nil, fmt.Errorf("%w: identity %d out of keyring order", ErrIdentityMismatch, i+1)
		}
		data, err := EncryptIdentity(rnd, id, auditorPassphrases[i], p)
		if err != nil {
			return nil, fmt.Errorf("auditor %s: %w", id.AuditorID, err)
		}
		path := filepath.Join(dir, AuditorKeyFileName(id.AuditorID))
		out.Auditors = append(out.Auditors, path)
		files = append(files, file{path, data, 0o600})
	}
	files = append(files, file{out.Keyring, c.Keyring.Marshal(), 0o644})

	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	for _, f := range files {
		if _, err := os.Lstat(f.path); err == nil {
			return nil, fmt.Errorf("%w: %s", ErrFileExists, f.path)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("keys: %w", err)
		}
	}
	for i, f := range files {
		if err := writeExclusive(f.path, f.data, f.perm); err != nil {
			for _, done := range files[:i] {
				os.Remove(done.path)
			}
			return nil, err
		}
	}
	return out, nil
}
