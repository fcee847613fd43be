package seal

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"

	"kotak/keys"
)

// Record is one sealed complaint: what Seal returns and Parse reads. It
// holds no secret in the clear and may be stored and sent anywhere. The
// exported fields describe it; do not modify them (Open would refuse the
// record).
type Record struct {
	KeyringID keys.ID  // the keyring the record is sealed to
	Threshold int      // k: shares needed to open
	Auditors  []string // auditor ids; share i (1-based) belongs to Auditors[i-1]

	shares     []sealedShare
	nonce      [24]byte
	ciphertext []byte
}

type sealedShare struct {
	commitment [32]byte
	sealed     []byte // HPKE enc ‖ ct
}

// N returns the number of auditors (shares) of the record.
func (r *Record) N() int { return len(r.shares) }

// Binary layout, version 1 (docs/crypto.md). Integers are big-endian.
//
//	magic "KTKS" | version u8 | kem u16 | kdf u16 | aead u16 | keyring id [32]
//	| threshold u8 | n u8
//	| n × ( id length u8 | auditor id | commitment [32] | sealed length u16 | sealed share )
//	| nonce [24] | ciphertext length u32 | ciphertext
//
// The header is everything before the nonce; it is bound into the AAD of
// the ciphertext.
const (
	recordMagic  = "KTKS"
	maxAuditorID = 64
)

func appendSuite(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(KEM))
	b = binary.BigEndian.AppendUint16(b, uint16(KDF))
	return binary.BigEndian.AppendUint16(b, uint16(AEAD))
}

// appendHeader appends the header after checking that the record is
// well-formed (the exported fields could have been changed).
func (r *Record) appendHeader(b []byte) ([]byte, error) {
	n := len(r.shares)
	if n < 1 || n > keys.MaxAuditors || len(r.Auditors) != n || r.Threshold < 1 || r.Threshold > n {
		return nil, fmt.Errorf("%w: record fields", ErrFormat)
	}
	b = append(b, recordMagic...)
	b = append(b, Version)
	b = appendSuite(b)
	b = append(b, r.KeyringID[:]...)
	b = append(b, byte(r.Threshold), byte(n))
	for i, s := range r.shares {
		if !validAuditorID(r.Auditors[i]) || len(s.sealed) != sealedShareSize {
			return nil, fmt.Errorf("%w: record fields", ErrFormat)
		}
		b = append(b, byte(len(r.Auditors[i])))
		b = append(b, r.Auditors[i]...)
		b = append(b, s.commitment[:]...)
		b = binary.BigEndian.AppendUint16(b, uint16(len(s.sealed)))
		b = append(b, s.sealed...)
	}
	return b, nil
}

func validAuditorID(id string) bool {
	if id == "" || len(id) > maxAuditorID {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// MarshalBinary returns the record's canonical encoding; Parse of it gives
// back an equal record, and MarshalBinary of a parsed record returns the
// parsed bytes. It fails with ErrFormat only if the exported fields were
// changed into an impossible shape.
func (r *Record) MarshalBinary() ([]byte, error) {
	b, err := r.appendHeader(make([]byte, 0, 64+len(r.shares)*(sealedShareSize+100)+len(r.ciphertext)))
	if err != nil {
		return nil, err
	}
	if len(r.ciphertext) < chacha20poly1305.Overhead || len(r.ciphertext) > MaxPlaintextSize+chacha20poly1305.Overhead {
		return nil, fmt.Errorf("%w: record fields", ErrFormat)
	}
	b = append(b, r.nonce[:]...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(r.ciphertext)))
	return append(b, r.ciphertext...), nil
}

// maxRecordSize bounds Parse's input: the largest record MarshalBinary can
// produce.
var maxRecordSize = 4 + 1 + 6 + 32 + 2 +
	keys.MaxAuditors*(1+maxAuditorID+32+2+sealedShareSize) +
	24 + 4 + MaxPlaintextSize + chacha20poly1305.Overhead

// reader is a bounds-checked cursor; any short read sets bad.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) next(n int) []byte {
	if r.bad || n < 0 || n > len(r.b) {
		r.bad = true
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) u8() int {
	b := r.next(1)
	if b == nil {
		return 0
	}
	return int(b[0])
}

func (r *reader) u16() int {
	b := r.next(2)
	if b == nil {
		return 0
	}
	return int(binary.BigEndian.Uint16(b))
}

func (r *reader) u32() int {
	b := r.next(4)
	if b == nil {
		return 0
	}
	return int(binary.BigEndian.Uint32(b))
}

// checkPrefix reads magic, version and suite. A wrong magic is ErrFormat,
// an unknown version ErrVersion, other algorithm ids ErrSuite.
func checkPrefix(rd *reader, magic string) error {
	if m := rd.next(len(magic)); m == nil || string(m) != magic {
		return fmt.Errorf("%w: not a kotak %s", ErrFormat, magic)
	}
	v := rd.u8()
	if rd.bad {
		return fmt.Errorf("%w: truncated", ErrFormat)
	}
	if v != Version {
		return fmt.Errorf("%w: %d", ErrVersion, v)
	}
	kem, kdf, aead := rd.u16(), rd.u16(), rd.u16()
	if rd.bad {
		return fmt.Errorf("%w: truncated", ErrFormat)
	}
	if kem != int(KEM) || kdf != int(KDF) || aead != int(AEAD) {
		return fmt.Errorf("%w: kem 0x%04x kdf 0x%04x aead 0x%04x", ErrSuite, kem, kdf, aead)
	}
	return nil
}

// Parse reads a sealed record. It is strict: the magic, version (else
// ErrVersion) and suite ids (else ErrSuite) must be this package's, sizes
// are bounded, 1 ≤ k ≤ n ≤ keys.MaxAuditors, auditor ids are distinct and
// well-formed, every sealed share has the suite's exact size, and no byte
// may follow the ciphertext; anything else is ErrFormat. Parse copies what
// it keeps, never panics, and checks nothing cryptographic: Open and
// OpenShare do.
func Parse(data []byte) (*Record, error) {
	if len(data) > maxRecordSize {
		return nil, fmt.Errorf("%w: too large", ErrFormat)
	}
	rd := &reader{b: data}
	if err := checkPrefix(rd, recordMagic); err != nil {
		return nil, err
	}
	r := &Record{}
	copy(r.KeyringID[:], rd.next(len(r.KeyringID)))
	r.Threshold = rd.u8()
	n := rd.u8()
	if rd.bad {
		return nil, fmt.Errorf("%w: truncated", ErrFormat)
	}
	if n < 1 || n > keys.MaxAuditors || r.Threshold < 1 || r.Threshold > n {
		return nil, fmt.Errorf("%w: threshold %d of %d", ErrFormat, r.Threshold, n)
	}
	r.Auditors = make([]string, n)
	r.shares = make([]sealedShare, n)
	seen := make(map[string]bool, n)
	for i := range n {
		id := string(rd.next(rd.u8()))
		copy(r.shares[i].commitment[:], rd.next(32))
		sealed := rd.next(rd.u16())
		if rd.bad {
			return nil, fmt.Errorf("%w: truncated", ErrFormat)
		}
		if !validAuditorID(id) || seen[id] {
			return nil, fmt.Errorf("%w: auditor id of share %d", ErrFormat, i+1)
		}
		if len(sealed) != sealedShareSize {
			return nil, fmt.Errorf("%w: size of sealed share %d", ErrFormat, i+1)
		}
		seen[id] = true
		r.Auditors[i] = id
		r.shares[i].sealed = append([]byte(nil), sealed...)
	}
	copy(r.nonce[:], rd.next(len(r.nonce)))
	ct := rd.next(rd.u32())
	if rd.bad {
		return nil, fmt.Errorf("%w: truncated", ErrFormat)
	}
	if len(ct) < chacha20poly1305.Overhead || len(ct) > MaxPlaintextSize+chacha20poly1305.Overhead {
		return nil, fmt.Errorf("%w: ciphertext size", ErrFormat)
	}
	if len(rd.b) != 0 {
		return nil, fmt.Errorf("%w: trailing bytes", ErrFormat)
	}
	r.ciphertext = append([]byte(nil), ct...)
	return r, nil
}
