package auditlog

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// A checkpoint is a signed note (golang.org/x/mod/sumdb/note, Ed25519)
// whose text is the C2SP tlog-checkpoint body
//
//	kotak/<instance>
//	<size in decimal>
//	<root hash in standard base64>
//
// — the layout of tlog.FormatTree with the log's own origin on the first
// line (tlog.FormatTree hard-codes the Go checksum database's). The origin
// is also the signing key's name, so a checkpoint is bound to one log.

// OriginPrefix starts every origin: the origin is "kotak/" + instance.
const OriginPrefix = "kotak/"

// MaxCheckpointSize bounds a checkpoint accepted by OpenCheckpoint.
const MaxCheckpointSize = 4096

// Origin returns the origin of the log of an instance: "kotak/" + instance.
// The instance is 1 to 63 of [a-z0-9.-] starting with a letter or digit
// (a host name fits), else ErrInstance.
func Origin(instance string) (string, error) {
	if len(instance) == 0 || len(instance) > 63 || !alnum(instance[0]) {
		return "", ErrInstance
	}
	for i := 0; i < len(instance); i++ {
		c := instance[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return "", ErrInstance
		}
	}
	return OriginPrefix + instance, nil
}

// FormatCheckpointBody returns the unsigned checkpoint text of tree t.
func FormatCheckpointBody(origin string, t tlog.Tree) []byte {
	return fmt.Appendf(nil, "%s\n%d\n%s\n", origin, t.N, t.Hash)
}

// parseBody parses a checkpoint text strictly: three lines, a canonical
// size, a canonical base64 hash.
func parseBody(text []byte) (origin string, t tlog.Tree, err error) {
	lines := strings.Split(string(text), "\n")
	if len(lines) != 4 || lines[3] != "" {
		return "", tlog.Tree{}, fmt.Errorf("%w: not three lines", ErrCheckpointFormat)
	}
	origin = lines[0]
	if !strings.HasPrefix(origin, OriginPrefix) {
		return "", tlog.Tree{}, fmt.Errorf("%w: origin", ErrCheckpointFormat)
	}
	if _, err := Origin(strings.TrimPrefix(origin, OriginPrefix)); err != nil {
		return "", tlog.Tree{}, fmt.Errorf("%w: origin", ErrCheckpointFormat)
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 || lines[1] != strconv.FormatInt(n, 10) {
		return "", tlog.Tree{}, fmt.Errorf("%w: size", ErrCheckpointFormat)
	}
	h, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(h) != tlog.HashSize {
		return "", tlog.Tree{}, fmt.Errorf("%w: root hash", ErrCheckpointFormat)
	}
	t.N = n
	copy(t.Hash[:], h)
	if empty, _ := tlog.TreeHash(0, nil); n == 0 && t.Hash != empty {
		return "", tlog.Tree{}, fmt.Errorf("%w: empty tree with another root", ErrCheckpointFormat)
	}
	return origin, t, nil
}

// SignCheckpoint signs tree t with s; the origin is s.Name().
func SignCheckpoint(s note.Signer, t tlog.Tree) ([]byte, error) {
	msg, err := note.Sign(&note.Note{Text: string(FormatCheckpointBody(s.Name(), t))}, s)
	if err != nil {
		return nil, fmt.Errorf("auditlog: signing checkpoint: %w", err)
	}
	return msg, nil
}

// OpenCheckpoint verifies a checkpoint's signature with v and returns its
// tree. The note must carry a valid signature by v and its origin must be
// v.Name(). Errors: ErrCheckpointFormat, ErrSignature (unsigned by v, or a
// signature by v that does not verify), ErrOrigin. It never panics.
func OpenCheckpoint(msg []byte, v note.Verifier) (tlog.Tree, error) {
	if len(msg) > MaxCheckpointSize {
		return tlog.Tree{}, fmt.Errorf("%w: too long", ErrCheckpointFormat)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		if errors.As(err, &unverified) || errors.As(err, &invalid) {
			return tlog.Tree{}, ErrSignature
		}
		return tlog.Tree{}, fmt.Errorf("%w: not a signed note", ErrCheckpointFormat)
	}
	origin, t, err := parseBody([]byte(n.Text))
	if err != nil {
		return tlog.Tree{}, err
	}
	if origin != v.Name() {
		return tlog.Tree{}, ErrOrigin
	}
	return t, nil
}

// parseUnverified reads the tree of a checkpoint without checking its
// signature: only for the log's own stored checkpoint.
func parseUnverified(msg []byte) (tlog.Tree, error) {
	split := bytes.LastIndex(msg, []byte("\n\n"))
	if split < 0 {
		return tlog.Tree{}, ErrCheckpointFormat
	}
	_, t, err := parseBody(msg[:split+1])
	return t, err
}

// NewVerifier parses a verifier key ("kotak/<instance>+<hash>+<key>", as
// written to VerifierKeyFile). Surrounding white space is ignored. Only
// Ed25519 keys for a kotak origin are accepted (ErrKeyFormat).
func NewVerifier(vkey string) (note.Verifier, error) {
	vkey = strings.TrimSpace(vkey)
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("%w: verifier key", ErrKeyFormat)
	}
	if _, err := Origin(strings.TrimPrefix(v.Name(), OriginPrefix)); err != nil || !strings.HasPrefix(v.Name(), OriginPrefix) {
		return nil, fmt.Errorf("%w: verifier key names no kotak origin", ErrKeyFormat)
	}
	return v, nil
}

// verifierKeyOf derives the verifier key of a note signer key (Ed25519).
func verifierKeyOf(skey string) (string, error) {
	parts := strings.SplitN(skey, "+", 5) // the base64 key may hold "+"
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" {
		return "", ErrKeyFormat
	}
	key, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(key) != 1+ed25519.SeedSize || key[0] != 1 {
		return "", ErrKeyFormat
	}
	pub := ed25519.NewKeyFromSeed(key[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(parts[2], pub)
	if err != nil {
		return "", ErrKeyFormat
	}
	return vkey, nil
}
