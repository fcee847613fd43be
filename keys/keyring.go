// Package keys holds the ministry keyring and the auditors' private key files.
//
// The keyring is one signed document: a format version, the threshold k, n
// auditor entries (id, display name, X-Wing public key, Ed25519 public key)
// and the ministry root Ed25519 public key, followed by the root's signature
// over the canonical body. Its ID is the SHA-256 of that body under a
// versioned label. No private key for the keyring as a whole exists: each
// auditor holds one key file (see Identity), and opening a sealed identity
// takes k of them.
package keys

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cloudflare/circl/kem/xwing"
)

// KeyringVersion is the only keyring format version this package reads and writes.
const KeyringVersion = 1

// MaxAuditors bounds n. Share ids are auditor positions 1..n.
const MaxAuditors = 64

// XWingPublicKeySize is the size of a packed X-Wing public key.
const XWingPublicKeySize = 1216

const (
	keyringHeader = "kotak-keyring v1"
	keyringIDTag  = "kotak/v1 keyring id\n"
	keyringSigTag = "kotak/v1 keyring signature\n"
	maxNameLen    = 200
	maxIDLen      = 64
)

// ID identifies a keyring: SHA-256 over a label and the canonical body.
type ID [32]byte

// String returns the lowercase hex form of the id.
func (id ID) String() string { return hex.EncodeToString(id[:]) }

// Auditor is the public entry of one ministry auditor.
type Auditor struct {
	ID      string            // short stable id, [a-z0-9-], e.g. "auditor-1"
	Name    string            // display name, UTF-8, no control characters
	XWing   []byte            // packed X-Wing public key (1216 bytes)
	Ed25519 ed25519.PublicKey // signs approvals and denials
}

// Fingerprint is a short, human-comparable digest of the auditor's two public keys.
func (a Auditor) Fingerprint() string {
	return fingerprint("kotak/v1 auditor fingerprint\n", a.XWing, a.Ed25519)
}

// RootFingerprint is a short, human-comparable digest of the ministry root
// public key, in the form of Auditor.Fingerprint. Successive keyrings signed
// by the same root key show the same root fingerprint.
func (k *Keyring) RootFingerprint() string {
	return fingerprint("kotak/v1 root fingerprint\n", k.Root)
}

// fingerprint hashes a label and parts and shows 10 bytes as five groups of
// four upper-case hex digits.
func fingerprint(label string, parts ...[]byte) string {
	h := sha256.New()
	h.Write([]byte(label))
	for _, p := range parts {
		h.Write(p)
	}
	sum := h.Sum(nil)
	s := strings.ToUpper(hex.EncodeToString(sum[:10]))
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(s[i : i+4])
	}
	return b.String()
}

// Keyring is a parsed and verified ministry keyring. Values returned by
// ParseKeyring and NewKeyring have passed every check; do not modify them.
type Keyring struct {
	Threshold int
	Auditors  []Auditor // share i (1-based) belongs to Auditors[i-1]
	Root      ed25519.PublicKey
	Signature []byte

	body []byte
	id   ID
}

// ID returns the keyring id.
func (k *Keyring) ID() ID { return k.id }

// N returns the number of auditors.
func (k *Keyring) N() int { return len(k.Auditors) }

// Auditor returns the auditor with the given id and its 1-based share index.
func (k *Keyring) Auditor(id string) (Auditor, int, bool) {
	for i, a := range k.Auditors {
		if a.ID == id {
			return a, i + 1, true
		}
	}
	return Auditor{}, 0, false
}

// Marshal returns the canonical encoding: the body followed by the signature line.
func (k *Keyring) Marshal() []byte {
	out := make([]byte, 0, len(k.body)+100)
	out = append(out, k.body...)
	out = append(out, "signature "...)
	out = append(out, b64.EncodeToString(k.Signature)...)
	out = append(out, '\n')
	return out
}

var b64 = base64.RawStdEncoding.Strict()

// NewKeyring builds and signs a keyring with the ministry root key.
func NewKeyring(root ed25519.PrivateKey, threshold int, auditors []Auditor) (*Keyring, error) {
	if len(root) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("%w: root key size", ErrKeyringFormat)
	}
	k := &Keyring{
		Threshold: threshold,
		Auditors:  append([]Auditor(nil), auditors...),
		Root:      root.Public().(ed25519.PublicKey),
	}
	if err := k.check(); err != nil {
		return nil, err
	}
	k.body = k.encodeBody()
	k.Signature = ed25519.Sign(root, signedMessage(k.body))
	k.id = bodyID(k.body)
	return k, nil
}

func signedMessage(body []byte) []byte {
	return append([]byte(keyringSigTag), body...)
}

func bodyID(body []byte) ID {
	h := sha256.New()
	h.Write([]byte(keyringIDTag))
	h.Write(body)
	var id ID
	copy(id[:], h.Sum(nil))
	return id
}

func (k *Keyring) encodeBody() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n", keyringHeader)
	fmt.Fprintf(&b, "threshold %d\n", k.Threshold)
	fmt.Fprintf(&b, "root %s\n", b64.EncodeToString(k.Root))
	for _, a := range k.Auditors {
		fmt.Fprintf(&b, "auditor %s %s %s %s\n", a.ID, b64.EncodeToString(a.Ed25519),
			b64.EncodeToString(a.XWing), strconv.Quote(a.Name))
	}
	return b.Bytes()
}

// check validates the fields; it does not look at the signature.
func (k *Keyring) check() error {
	if err := k.checkFields(); err != nil {
		return err
	}
	return k.checkXWingKeys()
}

// checkXWingKeys decodes every X-Wing public key. Decoding expands the
// ML-KEM matrix, so ParseKeyring runs it only once the signature holds.
func (k *Keyring) checkXWingKeys() error {
	for i, a := range k.Auditors {
		if _, err := xwing.Scheme().UnmarshalBinaryPublicKey(a.XWing); err != nil {
			return fmt.Errorf("%w: auditor %d X-Wing key", ErrAuditorField, i+1)
		}
	}
	return nil
}

// checkFields validates what is cheap to check: counts, sizes, ids, names
// and uniqueness.
func (k *Keyring) checkFields() error {
	n := len(k.Auditors)
	if n < 1 || n > MaxAuditors {
		return fmt.Errorf("%w: %d auditors", ErrAuditorField, n)
	}
	if k.Threshold < 1 || k.Threshold > n {
		return fmt.Errorf("%w: threshold %d with %d auditors", ErrThreshold, k.Threshold, n)
	}
	if len(k.Root) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: root key size", ErrKeyringFormat)
	}
	ids := map[string]bool{}
	keys := map[string]bool{string(k.Root): true}
	for i, a := range k.Auditors {
		if err := checkAuditorID(a.ID); err != nil {
			return fmt.Errorf("auditor %d: %w", i+1, err)
		}
		if err := checkName(a.Name); err != nil {
			return fmt.Errorf("auditor %d: %w", i+1, err)
		}
		if len(a.Ed25519) != ed25519.PublicKeySize {
			return fmt.Errorf("%w: auditor %d Ed25519 key size", ErrAuditorField, i+1)
		}
		if len(a.XWing) != XWingPublicKeySize {
			return fmt.Errorf("%w: auditor %d X-Wing key size", ErrAuditorField, i+1)
		}
		if ids[a.ID] {
			return fmt.Errorf("%w: id %q", ErrDuplicateAuditor, a.ID)
		}
		if keys[string(a.Ed25519)] || keys[string(a.XWing)] {
			return fmt.Errorf("%w: auditor %q reuses a key", ErrDuplicateAuditor, a.ID)
		}
		ids[a.ID] = true
		keys[string(a.Ed25519)] = true
		keys[string(a.XWing)] = true
	}
	return nil
}

func checkAuditorID(id string) error {
	if id == "" || len(id) > maxIDLen {
		return fmt.Errorf("%w: id length", ErrAuditorField)
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return fmt.Errorf("%w: id may hold only a-z, 0-9 and '-'", ErrAuditorField)
		}
	}
	return nil
}

func checkName(name string) error {
	if name == "" || len(name) > maxNameLen || !utf8.ValidString(name) {
		return fmt.Errorf("%w: name", ErrAuditorField)
	}
	for _, c := range name {
		if c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == utf8.RuneError {
			return fmt.Errorf("%w: name has control characters", ErrAuditorField)
		}
	}
	return nil
}

// maxKeyringSize bounds the input of ParseKeyring.
const maxKeyringSize = 256 << 10

// ParseKeyring parses a keyring in its canonical encoding and verifies it:
// format, version, fields, threshold, uniqueness and the root signature.
// Any input that Marshal would not produce byte for byte is refused. The
// X-Wing keys are decoded only after the signature holds, so unsigned input
// costs little. It never panics.
func ParseKeyring(data []byte) (*Keyring, error) {
	if len(data) > maxKeyringSize {
		return nil, fmt.Errorf("%w: too large", ErrKeyringFormat)
	}
	if bytes.IndexByte(data, '\r') >= 0 {
		// The canonical form has none (names are quoted); say so rather
		// than misread "v1\r" as a version.
		return nil, fmt.Errorf("%w: carriage return (the keyring uses LF line ends)", ErrKeyringFormat)
	}
	lines, ok := splitLines(data, 4)
	if !ok {
		return nil, fmt.Errorf("%w: truncated", ErrKeyringFormat)
	}
	if !strings.HasPrefix(lines[0], "kotak-keyring ") {
		return nil, fmt.Errorf("%w: missing header", ErrKeyringFormat)
	}
	if lines[0] != keyringHeader {
		return nil, fmt.Errorf("%w: %q", ErrKeyringVersion, strings.TrimPrefix(lines[0], "kotak-keyring "))
	}
	k := &Keyring{}
	th, ok := strings.CutPrefix(lines[1], "threshold ")
	if !ok {
		return nil, fmt.Errorf("%w: missing threshold", ErrKeyringFormat)
	}
	t, err := strconv.Atoi(th)
	if err != nil || strconv.Itoa(t) != th {
		return nil, fmt.Errorf("%w: threshold", ErrKeyringFormat)
	}
	k.Threshold = t
	root, ok := strings.CutPrefix(lines[2], "root ")
	if !ok {
		return nil, fmt.Errorf("%w: missing root key", ErrKeyringFormat)
	}
	if k.Root, err = b64.DecodeString(root); err != nil {
		return nil, fmt.Errorf("%w: root key encoding", ErrKeyringFormat)
	}
	last := len(lines) - 1
	for _, l := range lines[3:last] {
		a, err := parseAuditorLine(l)
		if err != nil {
			return nil, err
		}
		k.Auditors = append(k.Auditors, a)
	}
	sig, ok := strings.CutPrefix(lines[last], "signature ")
	if !ok {
		return nil, fmt.Errorf("%w: missing signature", ErrKeyringFormat)
	}
	if k.Signature, err = b64.DecodeString(sig); err != nil || len(k.Signature) != ed25519.SignatureSize {
		return nil, fmt.Errorf("%w: signature encoding", ErrKeyringFormat)
	}
	if err := k.checkFields(); err != nil {
		return nil, err
	}
	k.body = k.encodeBody()
	if !bytes.Equal(k.Marshal(), data) {
		return nil, fmt.Errorf("%w: not in canonical form", ErrKeyringFormat)
	}
	if !ed25519.Verify(k.Root, signedMessage(k.body), k.Signature) {
		return nil, ErrKeyringSignature
	}
	if err := k.checkXWingKeys(); err != nil {
		return nil, err
	}
	k.id = bodyID(k.body)
	return k, nil
}

func parseAuditorLine(l string) (Auditor, error) {
	rest, ok := strings.CutPrefix(l, "auditor ")
	if !ok {
		return Auditor{}, fmt.Errorf("%w: unexpected line", ErrKeyringFormat)
	}
	f := strings.SplitN(rest, " ", 4)
	if len(f) != 4 {
		return Auditor{}, fmt.Errorf("%w: auditor line", ErrKeyringFormat)
	}
	var a Auditor
	var err error
	a.ID = f[0]
	if a.Ed25519, err = b64.DecodeString(f[1]); err != nil {
		return Auditor{}, fmt.Errorf("%w: auditor Ed25519 key encoding", ErrKeyringFormat)
	}
	if a.XWing, err = b64.DecodeString(f[2]); err != nil {
		return Auditor{}, fmt.Errorf("%w: auditor X-Wing key encoding", ErrKeyringFormat)
	}
	if a.Name, err = strconv.Unquote(f[3]); err != nil {
		return Auditor{}, fmt.Errorf("%w: auditor name", ErrKeyringFormat)
	}
	return a, nil
}

// Identity is one auditor's private keys: an X-Wing seed (decapsulation) and
// an Ed25519 seed (signing decisions). It exists in memory only after
// DecryptIdentity, LoadIdentity, Ceremony or GenerateIdentity; call Wipe
// when done.
type Identity struct {
	AuditorID string
	Name      string
	xwingSeed []byte // xwing.SeedSize
	edSeed    []byte // ed25519.SeedSize
}

// GenerateIdentity draws fresh seeds from rnd.
func GenerateIdentity(rnd io.Reader, auditorID, name string) (*Identity, error) {
	if err := checkAuditorID(auditorID); err != nil {
		return nil, err
	}
	if err := checkName(name); err != nil {
		return nil, err
	}
	id := &Identity{AuditorID: auditorID, Name: name,
		xwingSeed: make([]byte, xwing.SeedSize), edSeed: make([]byte, ed25519.SeedSize)}
	if _, err := io.ReadFull(rnd, id.xwingSeed); err != nil {
		return nil, fmt.Errorf("keys: reading randomness: %w", err)
	}
	if _, err := io.ReadFull(rnd, id.edSeed); err != nil {
		return nil, fmt.Errorf("keys: reading randomness: %w", err)
	}
	return id, nil
}

// Public returns the auditor's public keyring entry.
func (id *Identity) Public() Auditor {
	_, pk := xwing.DeriveKeyPairPacked(id.xwingSeed)
	return Auditor{
		ID:      id.AuditorID,
		Name:    id.Name,
		XWing:   pk,
		Ed25519: ed25519.NewKeyFromSeed(id.edSeed).Public().(ed25519.PublicKey),
	}
}

// XWingSeed returns the 32-byte X-Wing private key (the seed form used by
// HPKE's KEM 0x647a). The caller must not retain or log it.
func (id *Identity) XWingSeed() []byte { return id.xwingSeed }

// Sign signs msg with the auditor's Ed25519 key.
func (id *Identity) Sign(msg []byte) []byte {
	return ed25519.Sign(ed25519.NewKeyFromSeed(id.edSeed), msg)
}

// Wipe overwrites the private seeds.
func (id *Identity) Wipe() {
	clear(id.xwingSeed)
	clear(id.edSeed)
}
