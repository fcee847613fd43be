package unseal

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/cloudflare/circl/kem/xwing"
	"golang.org/x/crypto/chacha20poly1305"

	"kotak/crypto/seal"
	"kotak/keys"
)

// Verdict is an auditor's decision on a request.
type Verdict string

// Verdicts.
const (
	Approve Verdict = "approve"
	Deny    Verdict = "deny"
)

// Valid reports whether v is Approve or Deny.
func (v Verdict) Valid() bool { return v == Approve || v == Deny }

// code is the byte of the verdict in the signed message.
func (v Verdict) code() byte {
	switch v {
	case Approve:
		return 1
	case Deny:
		return 2
	}
	return 0
}

// decisionLabel starts every signed decision message.
const decisionLabel = "kotak/v1 unseal decision"

// maxIDSize bounds request, complaint and auditor ids in a message.
const maxIDSize = 256

// Statement is what an auditor signs for one decision (docs/unseal.md,
// "The signed message"). Everything the auditor was shown and everything
// the officer will rely on is in it: the request and complaint ids, the
// keyring, the auditor, the verdict, the legal basis and justification, the
// recipient key the share is re-sealed to, the notice deferral, the sealed
// record the share came from and the re-sealed share itself.
type Statement struct {
	RequestID     string
	ComplaintID   string
	KeyringID     keys.ID
	AuditorID     string
	Verdict       Verdict
	LegalBasis    string
	Justification string
	RecipientKey  []byte // the request's packed X-Wing public key
	DeferralDays  int    // the notice deferral the request asked for (0..MaxDeferralDays)
	SealedRecord  []byte // the complaint's sealed record (crypto/seal)
	SealedShare   []byte // the re-sealed share; empty for a denial
}

// Message returns the exact bytes an auditor signs:
//
//	lp("kotak/v1 unseal decision") ‖ lp(request id) ‖ lp(complaint id)
//	‖ keyring id [32] ‖ lp(auditor id) ‖ u8(verdict: 1 approve, 2 deny)
//	‖ lp(legal basis) ‖ SHA-256(justification) ‖ SHA-256(recipient key)
//	‖ u16(deferral days) ‖ SHA-256(sealed record)
//	‖ SHA-256(re-sealed share), or 32 zero bytes for a denial
//
// where lp(x) is a 2-byte big-endian length and x, and integers are
// big-endian. It fails with ErrDecision, ErrDeferral or ErrShare (a share
// with a denial, none with an approval) or a wrapped error naming a field
// that is empty or too long.
func (s *Statement) Message() ([]byte, error) {
	for _, f := range []struct{ name, v string }{
		{"request id", s.RequestID}, {"complaint id", s.ComplaintID}, {"auditor id", s.AuditorID},
		{"legal basis", s.LegalBasis},
	} {
		if f.v == "" || len(f.v) > maxIDSize {
			return nil, fmt.Errorf("unseal: %s empty or longer than %d bytes", f.name, maxIDSize)
		}
	}
	if !s.Verdict.Valid() {
		return nil, ErrDecision
	}
	if s.DeferralDays < 0 || s.DeferralDays > MaxDeferralDays {
		return nil, ErrDeferral
	}
	if (s.Verdict == Approve) != (len(s.SealedShare) > 0) {
		return nil, ErrShare
	}
	b := make([]byte, 0, 256)
	b = appendLP(b, decisionLabel)
	b = appendLP(b, s.RequestID)
	b = appendLP(b, s.ComplaintID)
	b = append(b, s.KeyringID[:]...)
	b = appendLP(b, s.AuditorID)
	b = append(b, s.Verdict.code())
	b = appendLP(b, s.LegalBasis)
	b = appendHash(b, []byte(s.Justification))
	b = appendHash(b, s.RecipientKey)
	b = binary.BigEndian.AppendUint16(b, uint16(s.DeferralDays))
	b = appendHash(b, s.SealedRecord)
	if s.Verdict == Approve {
		b = appendHash(b, s.SealedShare)
	} else {
		b = append(b, make([]byte, sha256.Size)...)
	}
	return b, nil
}

func appendLP(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...)
}

func appendHash(b, data []byte) []byte {
	sum := sha256.Sum256(data)
	return append(b, sum[:]...)
}

// Sign signs the statement with the auditor's Ed25519 key. The identity
// must be the statement's auditor.
func (s *Statement) Sign(id *keys.Identity) ([]byte, error) {
	if id == nil || id.AuditorID != s.AuditorID {
		return nil, fmt.Errorf("%w: identity is not the statement's auditor", ErrForbidden)
	}
	msg, err := s.Message()
	if err != nil {
		return nil, err
	}
	return id.Sign(msg), nil
}

// Verify checks sig over the statement's message with pub. It returns nil
// or ErrSignature (or the error of Message).
func (s *Statement) Verify(pub ed25519.PublicKey, sig []byte) error {
	msg, err := s.Message()
	if err != nil {
		return err
	}
	if len(pub) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize || !ed25519.Verify(pub, msg, sig) {
		return ErrSignature
	}
	return nil
}

// ResealedShareSize is the exact size of a re-sealed share (docs/crypto.md):
// magic, version, suite, index, HPKE enc ‖ ct.
var ResealedShareSize = len(resealMagic) + 1 + 6 + 1 +
	seal.KEM.Scheme().CiphertextSize() + seal.ShareSize + chacha20poly1305.Overhead

const resealMagic = "KTKR"

// CheckResealedShare checks the public frame of a re-sealed share (the
// layout of crypto/seal's Reseal): its size, magic, version, suite, and that
// it carries share index. It cannot tell which key it is sealed to: the
// auditor's signature over SHA-256 of the recipient key vouches for that.
// It returns nil or ErrShare.
func CheckResealedShare(b []byte, index int) error {
	if len(b) != ResealedShareSize || string(b[:4]) != resealMagic || b[4] != seal.Version ||
		binary.BigEndian.Uint16(b[5:]) != uint16(seal.KEM) ||
		binary.BigEndian.Uint16(b[7:]) != uint16(seal.KDF) ||
		binary.BigEndian.Uint16(b[9:]) != uint16(seal.AEAD) ||
		index < 1 || index > keys.MaxAuditors || int(b[11]) != index {
		return ErrShare
	}
	return nil
}

// RecipientFingerprint is a short, human-comparable digest of a recipient
// public key, in the form of keys.Auditor.Fingerprint (five groups of four
// hex digits). The officer reads it out from `kotak unseal request`, each
// auditor compares it with what `kotak auditor approve` shows, over a
// channel the server does not control.
func RecipientFingerprint(pub []byte) string {
	h := sha256.New()
	h.Write([]byte("kotak/v1 recipient fingerprint\n"))
	h.Write(pub)
	s := strings.ToUpper(hex.EncodeToString(h.Sum(nil)[:10]))
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(s[i : i+4])
	}
	return b.String()
}

// CheckRecipientKey returns ErrRecipientKey unless pub is a packed X-Wing
// public key that parses.
func CheckRecipientKey(pub []byte) error {
	if len(pub) != keys.XWingPublicKeySize {
		return ErrRecipientKey
	}
	if _, err := seal.KEM.Scheme().UnmarshalBinaryPublicKey(pub); err != nil {
		return ErrRecipientKey
	}
	return nil
}

// RecipientPublicKey returns the packed public key of a recipient seed.
func RecipientPublicKey(seed []byte) ([]byte, error) {
	if len(seed) != seal.RecipientSeedSize {
		return nil, ErrKeyFile
	}
	_, pub := xwing.DeriveKeyPairPacked(seed)
	return pub, nil
}

// The recipient key file, version 1: two lines,
//
//	kotak-recipient-key v1
//	seed <standard base64 of the 32-byte X-Wing seed>
//
// written 0600 by `kotak unseal request` and read by `kotak unseal reveal`.
const recipientKeyHeader = "kotak-recipient-key v1"

var b64 = base64.StdEncoding.Strict()

// EncodeRecipientKey returns the key file holding seed. The result is
// secret: write it 0600 and wipe it.
func EncodeRecipientKey(seed []byte) ([]byte, error) {
	if len(seed) != seal.RecipientSeedSize {
		return nil, ErrKeyFile
	}
	out := make([]byte, 0, 96)
	out = append(out, recipientKeyHeader+"\nseed "...)
	out = b64.AppendEncode(out, seed)
	return append(out, '\n'), nil
}

// ParseRecipientKey reads a recipient key file strictly (the exact two
// lines, canonical base64 of 32 bytes) and returns the seed, which the
// caller owns and should wipe. Any other input is ErrKeyFile; it never
// panics.
func ParseRecipientKey(data []byte) ([]byte, error) {
	rest, ok := bytes.CutPrefix(data, []byte(recipientKeyHeader+"\nseed "))
	// Exactly the base64 of the seed and one newline (the decoder would
	// skip other newlines).
	if !ok || len(rest) != b64.EncodedLen(seal.RecipientSeedSize)+1 || rest[len(rest)-1] != '\n' {
		return nil, ErrKeyFile
	}
	seed, err := b64.DecodeString(string(rest[:len(rest)-1]))
	if err != nil || len(seed) != seal.RecipientSeedSize {
		clear(seed)
		return nil, ErrKeyFile
	}
	return seed, nil
}
