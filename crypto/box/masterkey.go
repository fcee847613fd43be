package box

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"kotak/internal/fsutil"
)

const (
	keyFileMagic   = "kotak-master-key "
	keyFileVersion = "v1"
	maxKeyFileSize = 4096
)

var keyFileB64 = base64.StdEncoding.Strict()

// MasterKey is the server's root secret for data at rest. Use it only through
// Subkey. It formats as a fixed placeholder with every fmt verb, so a
// MasterKey that reaches a log or an error message does not leak.
type MasterKey struct {
	key [KeySize]byte
}

// Subkey derives a 32-byte key for one purpose with HKDF-SHA256 (label as
// info, a fixed versioned salt). Distinct labels give independent keys; the
// same label always gives the same key. Labels are constants such as
// "kotak/v1 kek" and "kotak/v1 receipt". The caller owns the returned slice.
func (m *MasterKey) Subkey(label string) []byte {
	return subkey(m.key[:], label)
}

const masterKeyPlaceholder = "box.MasterKey(redacted)"

// String returns a fixed placeholder, never the key.
func (m MasterKey) String() string { return masterKeyPlaceholder }

// GoString returns a fixed placeholder, never the key.
func (m MasterKey) GoString() string { return masterKeyPlaceholder }

// Format writes a fixed placeholder for every verb, never the key.
func (m MasterKey) Format(f fmt.State, verb rune) { io.WriteString(f, masterKeyPlaceholder) }

// LoadOrCreateMasterKey reads the master key file at path, or creates it with
// 32 bytes from rnd if it does not exist.
//
// A new file is written to a temporary file in the same directory with mode
// 0600, synced, then linked into place (which fails if path appeared
// meanwhile, in which case that file is loaded instead) and the directory is
// synced; so a crash never leaves a partial key file at path, and concurrent
// first starts agree on one key. Only after that does the function return.
//
// An existing file must be a regular file that neither group nor others may
// access (ErrKeyFileMode), in the format "kotak-master-key v1\n<base64>\n"
// (ErrKeyFileFormat, or ErrKeyFileVersion for another version). I/O errors
// are returned wrapped (errors.As *fs.PathError). Errors never contain key
// material.
func LoadOrCreateMasterKey(path string, rnd io.Reader) (*MasterKey, error) {
	m, err := loadMasterKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return m, err
	}
	var k MasterKey
	if _, err := io.ReadFull(rnd, k.key[:]); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRandom, err)
	}
	created, err := createKeyFile(path, encodeKeyFile(k.key[:]))
	if err != nil {
		return nil, err
	}
	if !created {
		return loadMasterKey(path)
	}
	return &k, nil
}

func loadMasterKey(path string) (*MasterKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %v", ErrKeyFileMode, path, st.Mode())
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return nil, err
	}
	key, err := parseKeyFile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m := &MasterKey{}
	copy(m.key[:], key)
	clear(key)
	return m, nil
}

func encodeKeyFile(key []byte) []byte {
	return []byte(keyFileMagic + keyFileVersion + "\n" + keyFileB64.EncodeToString(key) + "\n")
}

// parseKeyFile accepts exactly "kotak-master-key v1\n<base64 of 32 bytes>\n".
// Its errors never include the file's content.
func parseKeyFile(data []byte) ([]byte, error) {
	if len(data) > maxKeyFileSize {
		return nil, fmt.Errorf("%w: too long", ErrKeyFileFormat)
	}
	header, rest, ok := bytes.Cut(data, []byte("\n"))
	if !ok {
		return nil, fmt.Errorf("%w: no header line", ErrKeyFileFormat)
	}
	version, ok := strings.CutPrefix(string(header), keyFileMagic)
	if !ok {
		return nil, fmt.Errorf("%w: not a kotak master key file", ErrKeyFileFormat)
	}
	if version != keyFileVersion {
		if isVersionToken(version) {
			return nil, ErrKeyFileVersion
		}
		return nil, fmt.Errorf("%w: bad version field", ErrKeyFileFormat)
	}
	line, tail, ok := bytes.Cut(rest, []byte("\n"))
	if !ok || len(tail) != 0 {
		return nil, fmt.Errorf("%w: want one key line ending in a newline", ErrKeyFileFormat)
	}
	if len(line) != keyFileB64.EncodedLen(KeySize) {
		return nil, fmt.Errorf("%w: key line length", ErrKeyFileFormat)
	}
	key := make([]byte, keyFileB64.DecodedLen(len(line)))
	n, err := keyFileB64.Decode(key, line)
	if err != nil || n != KeySize {
		clear(key)
		return nil, fmt.Errorf("%w: key is not base64 of 32 bytes", ErrKeyFileFormat)
	}
	return key[:n], nil
}

// isVersionToken reports whether s looks like "v<digits>".
func isVersionToken(s string) bool {
	if len(s) < 2 || len(s) > 10 || s[0] != 'v' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// createKeyFile atomically creates path with content and mode 0600
// (fsutil.WriteExclusive), then clears content. It reports false, with no
// error, if path already existed.
func createKeyFile(path string, content []byte) (created bool, err error) {
	defer clear(content)
	err = fsutil.WriteExclusive(path, content, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	return err == nil, err
}
