package keys

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cloudflare/circl/kem/xwing"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Key files hold private keys encrypted under a passphrase. The format
// (version 1) is armoured text:
//
//	-----BEGIN KOTAK AUDITOR KEY-----
//	Version: 1
//	Auditor: auditor-1
//	KDF: argon2id t=3 m=65536 p=4
//	Salt: <base64, 16 bytes>
//	Nonce: <base64, 24 bytes>
//	Verifier: <base64, 16 bytes>
//	Checksum: <hex SHA-256>
//
//	<base64 XChaCha20-Poly1305 ciphertext, 64 columns>
//	-----END KOTAK AUDITOR KEY-----
//
// A ministry root key file has the type ROOT KEY and no Auditor line. The
// argon2id output is a pseudorandom key from which HKDF-SHA256 expands the
// AEAD key and the passphrase verifier under distinct labels. The associated
// data is a label followed by every header line from BEGIN through Verifier.
// The checksum is a public SHA-256 over the whole file without its Checksum
// line; it is checked before the KDF runs. See docs/keys.md.

// KeyFileVersion is the only key file format version this package reads and writes.
const KeyFileVersion = 1

// MinPassphraseLen is the least number of characters (Unicode code points)
// EncryptIdentity and EncryptRootKey accept in a passphrase.
const MinPassphraseLen = 12

const (
	kindAuditor = "KOTAK AUDITOR KEY"
	kindRoot    = "KOTAK ROOT KEY"

	keyFileSaltSize     = 16
	keyFileVerifierSize = 16
	keyFileBodyWidth    = 64
	// maxKeyFileSize bounds the input of the key file parser. An auditor file
	// with the longest id and name is well under 2 KiB.
	maxKeyFileSize = 8 << 10

	keyFileAADTag      = "kotak/v1 key file aad\n"
	keyFileChecksumTag = "kotak/v1 key file checksum\n"
	keyFileKeyInfo     = "kotak/v1 key file key"
	keyFileVerInfo     = "kotak/v1 key file verifier"
)

var b64Std = base64.StdEncoding.Strict()

// KDFParams are the argon2id parameters of a key file.
type KDFParams struct {
	Time      uint32 // passes over memory (argon2 t)
	MemoryKiB uint32 // memory in KiB (argon2 m)
	Threads   uint8  // lanes (argon2 p)
}

// DefaultKDFParams returns the production parameters: t=3, m=64 MiB, p=4.
func DefaultKDFParams() KDFParams {
	return KDFParams{Time: 3, MemoryKiB: 64 << 10, Threads: 4}
}

// kdfLimits bounds the argon2id parameters a key file may ask for, so that a
// crafted file cannot make the reader spend unbounded memory or time.
type kdfLimits struct {
	maxTime      uint32
	maxMemoryKiB uint32
	maxThreads   uint8
	maxWork      uint64 // Time × MemoryKiB
}

// defaultLimits: at most 1 GiB of memory, 16 passes, 16 lanes, and the
// work of 4 passes over 1 GiB (16× the production default).
var defaultLimits = kdfLimits{maxTime: 16, maxMemoryKiB: 1 << 20, maxThreads: 16, maxWork: 4 << 20}

// Validate reports, as ErrKDFParams, parameters that are zero, inconsistent
// (argon2id needs at least 8 KiB per lane) or above the bounds this package
// reads back: 16 passes, 1 GiB, 16 lanes and 4 passes' worth of 1 GiB.
func (p KDFParams) Validate() error { return p.validate(defaultLimits) }

func (p KDFParams) validate(l kdfLimits) error {
	switch {
	case p.Time < 1 || p.Time > l.maxTime:
		return fmt.Errorf("%w: t=%d", ErrKDFParams, p.Time)
	case p.Threads < 1 || p.Threads > l.maxThreads:
		return fmt.Errorf("%w: p=%d", ErrKDFParams, p.Threads)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > l.maxMemoryKiB:
		return fmt.Errorf("%w: m=%d", ErrKDFParams, p.MemoryKiB)
	case uint64(p.Time)*uint64(p.MemoryKiB) > l.maxWork:
		return fmt.Errorf("%w: t×m=%d", ErrKDFParams, uint64(p.Time)*uint64(p.MemoryKiB))
	}
	return nil
}

func (p KDFParams) String() string {
	return fmt.Sprintf("argon2id t=%d m=%d p=%d", p.Time, p.MemoryKiB, p.Threads)
}

// keyFile is the parsed, not yet decrypted, form of a key file.
type keyFile struct {
	kind     string // kindAuditor or kindRoot
	auditor  string // auditor id; kindAuditor only
	params   KDFParams
	salt     []byte
	nonce    []byte
	verifier []byte
	body     []byte // AEAD ciphertext
	checksum []byte // as read; marshal writes the computed one
}

// header returns the lines from BEGIN through Verifier: the fields bound
// into the AEAD's associated data.
func (f *keyFile) header() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "-----BEGIN %s-----\n", f.kind)
	fmt.Fprintf(&b, "Version: %d\n", KeyFileVersion)
	if f.kind == kindAuditor {
		fmt.Fprintf(&b, "Auditor: %s\n", f.auditor)
	}
	fmt.Fprintf(&b, "KDF: %s\n", f.params)
	fmt.Fprintf(&b, "Salt: %s\n", b64Std.EncodeToString(f.salt))
	fmt.Fprintf(&b, "Nonce: %s\n", b64Std.EncodeToString(f.nonce))
	fmt.Fprintf(&b, "Verifier: %s\n", b64Std.EncodeToString(f.verifier))
	return b.Bytes()
}

func (f *keyFile) aad() []byte {
	return append([]byte(keyFileAADTag), f.header()...)
}

// tail returns the blank line, the wrapped body and the END line.
func (f *keyFile) tail() []byte {
	var b bytes.Buffer
	b.WriteByte('\n')
	enc := b64Std.EncodeToString(f.body)
	for len(enc) > keyFileBodyWidth {
		b.WriteString(enc[:keyFileBodyWidth])
		b.WriteByte('\n')
		enc = enc[keyFileBodyWidth:]
	}
	b.WriteString(enc)
	b.WriteByte('\n')
	fmt.Fprintf(&b, "-----END %s-----\n", f.kind)
	return b.Bytes()
}

// computeChecksum hashes the file without its Checksum line.
func (f *keyFile) computeChecksum() []byte {
	h := sha256.New()
	h.Write([]byte(keyFileChecksumTag))
	h.Write(f.header())
	h.Write(f.tail())
	return h.Sum(nil)
}

// marshal encodes the file with its computed checksum.
func (f *keyFile) marshal() []byte { return f.encode(f.computeChecksum()) }

func (f *keyFile) encode(checksum []byte) []byte {
	var b bytes.Buffer
	b.Write(f.header())
	fmt.Fprintf(&b, "Checksum: %s\n", hex.EncodeToString(checksum))
	b.Write(f.tail())
	return b.Bytes()
}

// parseKeyFile parses the armour strictly. It checks syntax, the version
// and the canonical form, not the checksum or the KDF bounds.
func parseKeyFile(data []byte) (*keyFile, error) {
	if len(data) > maxKeyFileSize {
		return nil, fmt.Errorf("%w: too large", ErrKeyFileFormat)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: not text", ErrKeyFileFormat)
	}
	lines, ok := splitLines(data, 1)
	if !ok {
		return nil, fmt.Errorf("%w: truncated", ErrKeyFileFormat)
	}
	f := &keyFile{}
	switch lines[0] {
	case "-----BEGIN " + kindAuditor + "-----":
		f.kind = kindAuditor
	case "-----BEGIN " + kindRoot + "-----":
		f.kind = kindRoot
	default:
		return nil, fmt.Errorf("%w: missing or unknown BEGIN line", ErrKeyFileFormat)
	}
	next := 1
	field := func(name string) (string, error) {
		if next >= len(lines) {
			return "", fmt.Errorf("%w: truncated", ErrKeyFileFormat)
		}
		v, ok := strings.CutPrefix(lines[next], name+": ")
		if !ok {
			return "", fmt.Errorf("%w: missing %s line", ErrKeyFileFormat, name)
		}
		next++
		return v, nil
	}
	v, err := field("Version")
	if err != nil {
		return nil, err
	}
	if v != strconv.Itoa(KeyFileVersion) {
		return nil, fmt.Errorf("%w: %.10q", ErrKeyFileVersion, v)
	}
	if f.kind == kindAuditor {
		if f.auditor, err = field("Auditor"); err != nil {
			return nil, err
		}
		if checkAuditorID(f.auditor) != nil {
			return nil, fmt.Errorf("%w: auditor id", ErrKeyFileFormat)
		}
	}
	if v, err = field("KDF"); err != nil {
		return nil, err
	}
	if f.params, err = parseKDF(v); err != nil {
		return nil, err
	}
	for _, b := range []struct {
		name string
		dst  *[]byte
		size int
	}{
		{"Salt", &f.salt, keyFileSaltSize},
		{"Nonce", &f.nonce, chacha20poly1305.NonceSizeX},
		{"Verifier", &f.verifier, keyFileVerifierSize},
	} {
		if v, err = field(b.name); err != nil {
			return nil, err
		}
		if *b.dst, err = b64Std.DecodeString(v); err != nil || len(*b.dst) != b.size {
			return nil, fmt.Errorf("%w: %s", ErrKeyFileFormat, b.name)
		}
	}
	if v, err = field("Checksum"); err != nil {
		return nil, err
	}
	if f.checksum, err = hex.DecodeString(v); err != nil || len(f.checksum) != sha256.Size {
		return nil, fmt.Errorf("%w: checksum", ErrKeyFileFormat)
	}
	if next >= len(lines) || lines[next] != "" {
		return nil, fmt.Errorf("%w: missing blank line after the header", ErrKeyFileFormat)
	}
	next++
	end := "-----END " + f.kind + "-----"
	if lines[len(lines)-1] != end || next >= len(lines)-1 {
		return nil, fmt.Errorf("%w: missing END line", ErrKeyFileFormat)
	}
	body := strings.Join(lines[next:len(lines)-1], "")
	if f.body, err = b64Std.DecodeString(body); err != nil || len(f.body) < chacha20poly1305.Overhead {
		return nil, fmt.Errorf("%w: body encoding", ErrKeyFileFormat)
	}
	// Headers are in order and fields decode; now refuse anything that the
	// encoder would not produce byte for byte (line widths, spacing, case).
	if !bytes.Equal(f.encode(f.checksum), data) {
		return nil, fmt.Errorf("%w: not in canonical form", ErrKeyFileFormat)
	}
	return f, nil
}

// parseKDF parses "argon2id t=T m=M p=P" with canonical decimals.
func parseKDF(v string) (KDFParams, error) {
	bad := fmt.Errorf("%w: KDF line", ErrKeyFileFormat)
	f := strings.Split(v, " ")
	if len(f) != 4 || f[0] != "argon2id" {
		return KDFParams{}, bad
	}
	var n [3]uint64
	for i, name := range []string{"t=", "m=", "p="} {
		s, ok := strings.CutPrefix(f[i+1], name)
		if !ok {
			return KDFParams{}, bad
		}
		x, err := strconv.ParseUint(s, 10, 32)
		if err != nil || strconv.FormatUint(x, 10) != s {
			return KDFParams{}, bad
		}
		n[i] = x
	}
	if n[2] > 255 {
		return KDFParams{}, fmt.Errorf("%w: %w: p=%d", ErrKeyFileFormat, ErrKDFParams, n[2])
	}
	return KDFParams{Time: uint32(n[0]), MemoryKiB: uint32(n[1]), Threads: uint8(n[2])}, nil
}

// deriveKeys runs argon2id and expands the AEAD key and the verifier.
// The caller must clear key.
func deriveKeys(passphrase, salt []byte, p KDFParams) (key, verifier []byte, err error) {
	prk := argon2.IDKey(passphrase, salt, p.Time, p.MemoryKiB, p.Threads, 32)
	defer clear(prk)
	if key, err = hkdf.Expand(sha256.New, prk, keyFileKeyInfo, chacha20poly1305.KeySize); err != nil {
		return nil, nil, err
	}
	if verifier, err = hkdf.Expand(sha256.New, prk, keyFileVerInfo, keyFileVerifierSize); err != nil {
		clear(key)
		return nil, nil, err
	}
	return key, verifier, nil
}

// sealKeyFile encrypts plaintext into a key file of the given kind.
func sealKeyFile(rnd io.Reader, kind, auditor string, plaintext, passphrase []byte, p KDFParams) ([]byte, error) {
	if utf8.RuneCount(passphrase) < MinPassphraseLen {
		return nil, fmt.Errorf("%w: fewer than %d characters", ErrWeakPassphrase, MinPassphraseLen)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	f := &keyFile{kind: kind, auditor: auditor, params: p,
		salt: make([]byte, keyFileSaltSize), nonce: make([]byte, chacha20poly1305.NonceSizeX)}
	if _, err := io.ReadFull(rnd, f.salt); err != nil {
		return nil, fmt.Errorf("keys: reading randomness: %w", err)
	}
	if _, err := io.ReadFull(rnd, f.nonce); err != nil {
		return nil, fmt.Errorf("keys: reading randomness: %w", err)
	}
	key, verifier, err := deriveKeys(passphrase, f.salt, p)
	if err != nil {
		return nil, err
	}
	defer clear(key)
	f.verifier = verifier
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	f.body = aead.Seal(nil, f.nonce, plaintext, f.aad())
	return f.marshal(), nil
}

// openKeyFile parses, checks and decrypts a key file of the wanted kind.
// The order of checks is what lets callers tell the errors apart: syntax
// and version, checksum, KDF bounds (before any argon2id work), verifier,
// AEAD. The caller must clear the returned plaintext.
func openKeyFile(data, passphrase []byte, kind string, lim kdfLimits) (*keyFile, []byte, error) {
	f, err := parseKeyFile(data)
	if err != nil {
		return nil, nil, err
	}
	if subtle.ConstantTimeCompare(f.checksum, f.computeChecksum()) != 1 {
		return nil, nil, fmt.Errorf("%w: checksum mismatch", ErrKeyFileTampered)
	}
	if err := f.params.validate(lim); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrKeyFileFormat, err)
	}
	if f.kind != kind {
		return nil, nil, fmt.Errorf("%w: %s where a %s was expected", ErrKeyFileFormat,
			strings.ToLower(strings.TrimPrefix(f.kind, "KOTAK ")), strings.ToLower(strings.TrimPrefix(kind, "KOTAK ")))
	}
	key, verifier, err := deriveKeys(passphrase, f.salt, f.params)
	if err != nil {
		return nil, nil, err
	}
	defer clear(key)
	if subtle.ConstantTimeCompare(verifier, f.verifier) != 1 {
		return nil, nil, ErrWrongPassphrase
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, nil, err
	}
	pt, err := aead.Open(nil, f.nonce, f.body, f.aad())
	if err != nil {
		return nil, nil, fmt.Errorf("%w: authentication failed", ErrKeyFileTampered)
	}
	return f, pt, nil
}

// Auditor plaintext: X-Wing seed (32) ‖ Ed25519 seed (32) ‖ u8 len ‖ id ‖
// u16 len (big-endian) ‖ name.
func marshalIdentity(id *Identity) []byte {
	out := make([]byte, 0, xwing.SeedSize+ed25519.SeedSize+3+len(id.AuditorID)+len(id.Name))
	out = append(out, id.xwingSeed...)
	out = append(out, id.edSeed...)
	out = append(out, byte(len(id.AuditorID)))
	out = append(out, id.AuditorID...)
	out = binary.BigEndian.AppendUint16(out, uint16(len(id.Name)))
	out = append(out, id.Name...)
	return out
}

func unmarshalIdentity(pt []byte) (*Identity, error) {
	bad := fmt.Errorf("%w: auditor key payload", ErrKeyFileFormat)
	const seeds = xwing.SeedSize + ed25519.SeedSize
	if len(pt) < seeds+1 {
		return nil, bad
	}
	rest := pt[seeds:]
	n := int(rest[0])
	rest = rest[1:]
	if len(rest) < n+2 {
		return nil, bad
	}
	auditorID := string(rest[:n])
	rest = rest[n:]
	m := int(binary.BigEndian.Uint16(rest))
	rest = rest[2:]
	if len(rest) != m {
		return nil, bad
	}
	name := string(rest)
	if checkAuditorID(auditorID) != nil || checkName(name) != nil {
		return nil, bad
	}
	return &Identity{
		AuditorID: auditorID,
		Name:      name,
		xwingSeed: bytes.Clone(pt[:xwing.SeedSize]),
		edSeed:    bytes.Clone(pt[xwing.SeedSize:seeds]),
	}, nil
}

// EncryptIdentity encrypts an auditor's seeds, id and name into an armoured
// key file under passphrase, with a fresh salt and nonce from rnd. Use
// DefaultKDFParams outside tests. It refuses a passphrase shorter than
// MinPassphraseLen (ErrWeakPassphrase) and parameters that Validate refuses.
// It neither keeps nor logs the passphrase; the derived key is cleared
// before it returns.
func EncryptIdentity(rnd io.Reader, id *Identity, passphrase []byte, p KDFParams) ([]byte, error) {
	if id == nil || len(id.xwingSeed) != xwing.SeedSize || len(id.edSeed) != ed25519.SeedSize {
		return nil, fmt.Errorf("%w: identity has no keys", ErrAuditorField)
	}
	if err := checkAuditorID(id.AuditorID); err != nil {
		return nil, err
	}
	if err := checkName(id.Name); err != nil {
		return nil, err
	}
	pt := marshalIdentity(id)
	defer clear(pt)
	return sealKeyFile(rnd, kindAuditor, id.AuditorID, pt, passphrase, p)
}

// DecryptIdentity opens an auditor key file. Errors, in the order checked:
// ErrKeyFileFormat (size, syntax, canonical form) or ErrKeyFileVersion;
// ErrKeyFileTampered (checksum); ErrKeyFileFormat wrapping ErrKDFParams
// (argon2id parameters beyond the bounds of KDFParams.Validate, refused
// before any KDF work); ErrKeyFileFormat (a root key file);
// ErrWrongPassphrase (verifier); ErrKeyFileTampered (authentication);
// ErrKeyFileFormat (payload). It never panics. The caller owns the returned
// identity and should Wipe it when done; check it against the keyring with
// Keyring.CheckIdentity.
func DecryptIdentity(data, passphrase []byte) (*Identity, error) {
	return decryptIdentity(data, passphrase, defaultLimits)
}

func decryptIdentity(data, passphrase []byte, lim kdfLimits) (*Identity, error) {
	f, pt, err := openKeyFile(data, passphrase, kindAuditor, lim)
	if err != nil {
		return nil, err
	}
	defer clear(pt)
	id, err := unmarshalIdentity(pt)
	if err != nil {
		return nil, err
	}
	if id.AuditorID != f.auditor {
		id.Wipe()
		return nil, fmt.Errorf("%w: header and payload name different auditors", ErrKeyFileFormat)
	}
	return id, nil
}

// EncryptRootKey encrypts the ministry root Ed25519 key (as its seed) into
// an armoured ROOT KEY file under passphrase, like EncryptIdentity.
func EncryptRootKey(rnd io.Reader, root ed25519.PrivateKey, passphrase []byte, p KDFParams) ([]byte, error) {
	if len(root) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("%w: root key size", ErrKeyFileFormat)
	}
	return sealKeyFile(rnd, kindRoot, "", root.Seed(), passphrase, p)
}

// DecryptRootKey opens a root key file, with the errors of DecryptIdentity.
// The caller should clear the returned key when done.
func DecryptRootKey(data, passphrase []byte) (ed25519.PrivateKey, error) {
	return decryptRootKey(data, passphrase, defaultLimits)
}

func decryptRootKey(data, passphrase []byte, lim kdfLimits) (ed25519.PrivateKey, error) {
	_, pt, err := openKeyFile(data, passphrase, kindRoot, lim)
	if err != nil {
		return nil, err
	}
	defer clear(pt)
	if len(pt) != ed25519.SeedSize {
		return nil, fmt.Errorf("%w: root key payload", ErrKeyFileFormat)
	}
	return ed25519.NewKeyFromSeed(pt), nil
}
