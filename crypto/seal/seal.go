// Package seal seals the private part of one complaint (the reporter's
// identity and the original text) to the ministry keyring, so that only k of
// its n auditors together can open it.
//
// Sealing draws a fresh ristretto255 scalar s, derives a data key from it
// with HKDF-SHA256, encrypts the plaintext with XChaCha20-Poly1305, splits s
// k-of-n with Shamir's scheme (circl/secretsharing) and seals share i to
// auditor i's X-Wing key with HPKE (KEM 0x647a, HKDF-SHA256,
// ChaCha20-Poly1305). A SHA-256 commitment per share lets a wrong share be
// caught and blamed on its auditor. No commitment to s itself (such as
// Feldman's g^s) is stored: a quantum adversary could recover s from it.
//
// The flow of an opening is: each approving auditor calls OpenShare on the
// record with their Identity, then Reseal to the officer's fresh recipient
// key (NewRecipientKey); the officer calls OpenResealed on each re-sealed
// share and Open with k of them. docs/crypto.md describes every format,
// label and AAD/info layout.
package seal

import (
	"bytes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/cloudflare/circl/group"
	"github.com/cloudflare/circl/hpke"
	"github.com/cloudflare/circl/kem"
	"github.com/cloudflare/circl/kem/xwing"
	"github.com/cloudflare/circl/secretsharing"
	"golang.org/x/crypto/chacha20poly1305"

	"kotak/keys"
)

// Suite identifiers written into every sealed record and re-sealed share.
// They are the HPKE registry codepoints; Parse refuses any other value.
const (
	KEM  = hpke.KEM_XWING             // 0x647a
	KDF  = hpke.KDF_HKDF_SHA256       // 0x0001
	AEAD = hpke.AEAD_ChaCha20Poly1305 // 0x0003
)

// Version is the only sealed-record and re-sealed-share format version this
// package reads and writes.
const Version = 1

// Size limits. Inputs beyond them are refused before any work is done.
const (
	// MaxPlaintextSize bounds the private part of one complaint.
	MaxPlaintextSize = 1 << 20
	// MaxIDSize bounds complaint and request ids, in bytes.
	MaxIDSize = 256
	// ShareSize is the size of a share value: one canonical ristretto255 scalar.
	ShareSize = 32
)

// Errors. Match them with errors.Is; a wrong share is reported as a
// *ShareError, which also matches ErrShareMismatch.
var (
	ErrFormat          = errors.New("seal: malformed data")
	ErrVersion         = errors.New("seal: unknown format version")
	ErrSuite           = errors.New("seal: unsupported algorithm suite")
	ErrKeyringMismatch = errors.New("seal: record was not sealed to this keyring")
	ErrNotAuditor      = errors.New("seal: identity is not an auditor of this keyring")
	ErrNotEnoughShares = errors.New("seal: not enough distinct valid shares")
	ErrShareMismatch   = errors.New("seal: share does not match its commitment")
	ErrShareIndex      = errors.New("seal: share index outside 1..n")
	ErrDecrypt         = errors.New("seal: decryption failed")
	ErrID              = errors.New("seal: complaint or request id empty or too long")
	ErrTooLarge        = errors.New("seal: plaintext too large")
	ErrRecipientKey    = errors.New("seal: invalid recipient key")
	ErrRandom          = errors.New("seal: reading randomness failed")
)

// ShareError reports a share that does not match the commitment stored in
// the sealed record, naming the auditor it belongs to. It matches
// ErrShareMismatch with errors.Is. It carries no share bytes.
type ShareError struct {
	Index     int    // auditor position, 1..n
	AuditorID string // the keyring's id for that auditor
}

func (e *ShareError) Error() string {
	return fmt.Sprintf("seal: share %d (auditor %q) does not match its commitment", e.Index, e.AuditorID)
}

// Unwrap lets errors.Is(err, ErrShareMismatch) hold.
func (e *ShareError) Unwrap() error { return ErrShareMismatch }

// Share is one auditor's Shamir share of a complaint's secret. Value is
// secret: keep it in memory only, and call Wipe when done.
type Share struct {
	Index int    // auditor position 1..n
	Value []byte // ShareSize bytes
}

// Wipe overwrites the share value.
func (s *Share) Wipe() { clear(s.Value) }

// Labels. Every variable-length field next to them is length-prefixed.
const (
	labelAAD        = "kotak/v1"
	labelDEK        = "kotak/v1 dek"
	labelScalar     = "kotak/v1 scalar"
	labelCommitment = "kotak/v1 share"
	labelShareInfo  = "kotak/v1 share hpke"
	labelResealInfo = "kotak/v1 reseal"
)

var suite = hpke.NewSuite(KEM, KDF, AEAD)

// Sizes fixed by the suite.
var (
	encSize         = KEM.Scheme().CiphertextSize()                   // 1120
	sealedShareSize = encSize + ShareSize + chacha20poly1305.Overhead // 1168
)

// appendLP appends a 2-byte big-endian length and b. Callers bound len(b).
func appendLP(dst []byte, b []byte) []byte {
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(b)))
	return append(dst, b...)
}

func checkID(id string) error {
	if id == "" || len(id) > MaxIDSize {
		return ErrID
	}
	return nil
}

// dekInfo is the HKDF info of the data key.
func dekInfo(complaintID string) []byte {
	b := appendLP(nil, []byte(labelDEK))
	return appendLP(b, []byte(complaintID))
}

// aad is the associated data of the complaint ciphertext: the label, the
// complaint id, the keyring id and the record header (everything before the
// nonce), so no part of the record can change while the ciphertext opens.
func aad(complaintID string, kid keys.ID, header []byte) []byte {
	b := appendLP(nil, []byte(labelAAD))
	b = appendLP(b, []byte(complaintID))
	b = append(b, kid[:]...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(header)))
	return append(b, header...)
}

// shareInfo is the HPKE info of auditor i's sealed share.
func shareInfo(kid keys.ID, complaintID string, i int) []byte {
	b := appendLP(nil, []byte(labelShareInfo))
	b = append(b, kid[:]...)
	b = appendLP(b, []byte(complaintID))
	return binary.BigEndian.AppendUint16(b, uint16(i))
}

// resealInfo is the HPKE info of a share re-sealed to an officer.
func resealInfo(requestID, complaintID string, i int) []byte {
	b := appendLP(nil, []byte(labelResealInfo))
	b = appendLP(b, []byte(requestID))
	b = appendLP(b, []byte(complaintID))
	return binary.BigEndian.AppendUint16(b, uint16(i))
}

// commitment returns SHA-256(label ‖ complaintID ‖ i ‖ value), with the
// label and the id length-prefixed and i as two big-endian bytes.
func commitment(complaintID string, i int, value []byte) [32]byte {
	h := sha256.New()
	b := appendLP(nil, []byte(labelCommitment))
	b = appendLP(b, []byte(complaintID))
	b = binary.BigEndian.AppendUint16(b, uint16(i))
	h.Write(b)
	h.Write(value)
	var c [32]byte
	h.Sum(c[:0])
	return c
}

func deriveDEK(sBytes []byte, complaintID string) ([]byte, error) {
	return hkdf.Key(sha256.New, sBytes, nil, string(dekInfo(complaintID)), chacha20poly1305.KeySize)
}

// Seal seals plaintext, the private part of complaint complaintID, to the
// keyring kr: any kr.Threshold of its auditors together can open it, fewer
// learn nothing about it. The returned record holds no secret in the clear.
//
// rnd supplies the scalar s, the nonce and every HPKE encapsulation; the
// coefficients of the Shamir polynomial come from circl's ristretto255
// group, which always reads crypto/rand. The scalar, the data key and the
// shares are wiped before Seal returns (copies held inside circl's
// secretsharing cannot be reached). Errors: ErrID, ErrTooLarge, ErrRandom,
// or ErrKeyringMismatch for a keyring that cannot be sealed to.
func Seal(rnd io.Reader, kr *keys.Keyring, complaintID string, plaintext []byte) (*Record, error) {
	if err := checkID(complaintID); err != nil {
		return nil, err
	}
	if len(plaintext) > MaxPlaintextSize {
		return nil, ErrTooLarge
	}
	if kr == nil || kr.N() < 1 || kr.N() > keys.MaxAuditors || kr.Threshold < 1 || kr.Threshold > kr.N() {
		return nil, fmt.Errorf("%w: invalid keyring", ErrKeyringMismatch)
	}
	n, k := kr.N(), kr.Threshold
	pks, err := auditorKeys(kr)
	if err != nil {
		return nil, err
	}
	r := &Record{KeyringID: kr.ID(), Threshold: k, Auditors: make([]string, n), shares: make([]sealedShare, n)}
	for i, a := range kr.Auditors {
		r.Auditors[i] = a.ID
	}

	s, err := randomScalar(rnd)
	if err != nil {
		return nil, err
	}
	defer s.SetUint64(0)
	ss := secretsharing.New(rnd, uint(k-1), s)
	shares := ss.Share(uint(n))
	defer func() {
		for _, sh := range shares {
			sh.Value.SetUint64(0)
		}
	}()
	value := make([]byte, 0, ShareSize)
	defer clear(value[:cap(value)])
	for i := range shares {
		idx := i + 1
		value, err = appendScalar(value[:0], shares[i].Value)
		if err != nil {
			return nil, err
		}
		r.shares[i].commitment = commitment(complaintID, idx, value)
		r.shares[i].sealed, err = hpkeSeal(rnd, pks[i], shareInfo(r.KeyringID, complaintID, idx), value)
		if err != nil {
			return nil, fmt.Errorf("seal: sealing share %d: %w", idx, err)
		}
	}

	if _, err := io.ReadFull(rnd, r.nonce[:]); err != nil {
		return nil, ErrRandom
	}
	aead, ad, err := r.aeadFor(s, complaintID)
	if err != nil {
		return nil, err
	}
	r.ciphertext = aead.Seal(nil, r.nonce[:], plaintext, ad)
	return r, nil
}

// aeadFor returns the record's AEAD, keyed with the DEK derived from the
// secret scalar s, and the additional data that binds complaintID, the
// keyring and the record's header. Seal and recover both use it, so the
// two cannot derive the key or the AAD differently. The serialised secret
// and the DEK are wiped before it returns; the AEAD keeps its own copy of
// the key.
func (r *Record) aeadFor(s group.Scalar, complaintID string) (cipher.AEAD, []byte, error) {
	sBytes, err := appendScalar(nil, s)
	if err != nil {
		return nil, nil, err
	}
	defer clear(sBytes)
	dek, err := deriveDEK(sBytes, complaintID)
	if err != nil {
		return nil, nil, err
	}
	defer clear(dek)
	header, err := r.appendHeader(nil)
	if err != nil {
		return nil, nil, err
	}
	aead, err := chacha20poly1305.NewX(dek)
	if err != nil {
		return nil, nil, err
	}
	return aead, aad(complaintID, r.KeyringID, header), nil
}

// randomScalar derives a uniform non-zero ristretto255 scalar from 64 bytes
// of rnd (hash-to-scalar, so every bit of the input counts).
func randomScalar(rnd io.Reader) (group.Scalar, error) {
	var buf [64]byte
	defer clear(buf[:])
	for range 4 {
		if _, err := io.ReadFull(rnd, buf[:]); err != nil {
			return nil, ErrRandom
		}
		s := group.Ristretto255.HashToScalar(buf[:], []byte(labelScalar))
		if !s.IsZero() {
			return s, nil
		}
	}
	return nil, ErrRandom
}

func appendScalar(dst []byte, s group.Scalar) ([]byte, error) {
	b, err := s.MarshalBinary()
	if err != nil {
		return nil, err
	}
	defer clear(b)
	if len(b) != ShareSize {
		return nil, fmt.Errorf("%w: scalar size", ErrFormat)
	}
	return append(dst, b...), nil
}

// hpkeSeal seals msg to pk in HPKE base mode and returns enc ‖ ct, the
// single-shot layout of RFC 9180 section 6.1.
func hpkeSeal(rnd io.Reader, pk kem.PublicKey, info, msg []byte) ([]byte, error) {
	sender, err := suite.NewSender(pk, info)
	if err != nil {
		return nil, err
	}
	enc, sealer, err := sender.Setup(rnd)
	if err != nil {
		return nil, ErrRandom
	}
	ct, err := sealer.Seal(msg, nil)
	if err != nil {
		return nil, err
	}
	return append(enc, ct...), nil
}

// hpkeOpen opens enc ‖ ct sealed by hpkeSeal with sk. Any failure is
// ErrDecrypt.
func hpkeOpen(sk kem.PrivateKey, info, sealed []byte) ([]byte, error) {
	if len(sealed) < encSize {
		return nil, ErrDecrypt
	}
	recv, err := suite.NewReceiver(sk, info)
	if err != nil {
		return nil, ErrDecrypt
	}
	opener, err := recv.Setup(sealed[:encSize])
	if err != nil {
		return nil, ErrDecrypt
	}
	pt, err := opener.Open(sealed[encSize:], nil)
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// Parsing a packed X-Wing public key expands the ML-KEM matrix and costs
// about as much as an encapsulation, so the parsed keys of the last few
// keyrings are kept. An entry is used only if its packed keys still equal
// the keyring's. Parsed public keys are read-only and safe to share.
var keyCache struct {
	sync.Mutex
	m map[keys.ID]*parsedKeys
}

const maxCachedKeyrings = 8

type parsedKeys struct {
	packed [][]byte
	pks    []kem.PublicKey
}

func (p *parsedKeys) matches(kr *keys.Keyring) bool {
	if len(p.packed) != kr.N() {
		return false
	}
	for i, a := range kr.Auditors {
		if !bytes.Equal(p.packed[i], a.XWing) {
			return false
		}
	}
	return true
}

// auditorKeys returns the parsed X-Wing public keys of kr's auditors.
func auditorKeys(kr *keys.Keyring) ([]kem.PublicKey, error) {
	id := kr.ID()
	keyCache.Lock()
	p := keyCache.m[id]
	keyCache.Unlock()
	if p != nil && p.matches(kr) {
		return p.pks, nil
	}
	p = &parsedKeys{packed: make([][]byte, kr.N()), pks: make([]kem.PublicKey, kr.N())}
	for i, a := range kr.Auditors {
		pk, err := KEM.Scheme().UnmarshalBinaryPublicKey(a.XWing)
		if err != nil {
			return nil, fmt.Errorf("%w: auditor %d X-Wing key", ErrKeyringMismatch, i+1)
		}
		p.packed[i] = bytes.Clone(a.XWing)
		p.pks[i] = pk
	}
	keyCache.Lock()
	defer keyCache.Unlock()
	if keyCache.m == nil {
		keyCache.m = make(map[keys.ID]*parsedKeys)
	}
	if len(keyCache.m) >= maxCachedKeyrings {
		for k := range keyCache.m {
			delete(keyCache.m, k)
			break
		}
	}
	keyCache.m[id] = p
	return p.pks, nil
}

// checkKeyring reports whether r was sealed to kr.
func (r *Record) checkKeyring(kr *keys.Keyring) error {
	if kr == nil || r.KeyringID != kr.ID() || r.Threshold != kr.Threshold || len(r.Auditors) != kr.N() ||
		len(r.shares) != kr.N() {
		return ErrKeyringMismatch
	}
	for i, a := range kr.Auditors {
		if r.Auditors[i] != a.ID {
			return ErrKeyringMismatch
		}
	}
	return nil
}

// OpenShare decrypts the share sealed to the auditor id in record r, which
// must belong to complaint complaintID and keyring kr, and checks it against
// its commitment. The caller owns the returned secret share and should Wipe
// it after re-sealing. Errors: ErrID, ErrKeyringMismatch, ErrNotAuditor (id
// is not kr's auditor, or its key differs from the keyring's), ErrDecrypt
// (the sealed share or the complaint id was changed), or a *ShareError when
// the decrypted share does not match the record's commitment.
func OpenShare(r *Record, complaintID string, kr *keys.Keyring, id *keys.Identity) (Share, error) {
	if err := checkID(complaintID); err != nil {
		return Share{}, err
	}
	if r == nil {
		return Share{}, ErrFormat
	}
	if err := r.checkKeyring(kr); err != nil {
		return Share{}, err
	}
	if id == nil {
		return Share{}, ErrNotAuditor
	}
	a, idx, ok := kr.Auditor(id.AuditorID)
	if !ok || len(id.XWingSeed()) != xwing.SeedSize {
		return Share{}, ErrNotAuditor
	}
	sk, pk := xwing.DeriveKeyPair(id.XWingSeed())
	if pub, err := pk.MarshalBinary(); err != nil || !bytes.Equal(pub, a.XWing) {
		return Share{}, ErrNotAuditor
	}
	value, err := hpkeOpen(sk, shareInfo(r.KeyringID, complaintID, idx), r.shares[idx-1].sealed)
	if err != nil {
		return Share{}, fmt.Errorf("%w: share %d", err, idx)
	}
	s := Share{Index: idx, Value: value}
	if err := r.CheckShare(complaintID, s); err != nil {
		s.Wipe()
		return Share{}, err
	}
	return s, nil
}

// CheckShare checks s against the commitment the record holds for auditor
// s.Index of complaint complaintID, in constant time in the share value. It
// returns nil, ErrShareIndex wrapped with the index, or a *ShareError
// naming the auditor.
func (r *Record) CheckShare(complaintID string, s Share) error {
	if r == nil {
		return ErrFormat
	}
	if s.Index < 1 || s.Index > len(r.shares) || len(r.Auditors) != len(r.shares) {
		return fmt.Errorf("%w: %d", ErrShareIndex, s.Index)
	}
	want := r.shares[s.Index-1].commitment
	got := commitment(complaintID, s.Index, s.Value)
	if len(s.Value) != ShareSize || subtle.ConstantTimeCompare(want[:], got[:]) != 1 {
		return &ShareError{Index: s.Index, AuditorID: r.Auditors[s.Index-1]}
	}
	return nil
}

// Open recovers the plaintext of record r, sealed for complaint complaintID
// to keyring kr, from shares. Every share is checked against its commitment
// first: each wrong one is reported as a *ShareError naming its auditor
// (several are joined; errors.As finds the first), and Open then fails even
// if enough good shares remain. Shares with the same index count once. With
// fewer than kr.Threshold distinct shares Open returns ErrNotEnoughShares;
// ErrDecrypt means the record was altered or moved. Open never modifies
// shares; the scalars made from them, s and the data key are wiped before
// it returns. The caller owns the plaintext.
func Open(r *Record, complaintID string, kr *keys.Keyring, shares []Share) ([]byte, error) {
	if err := checkID(complaintID); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, ErrFormat
	}
	if err := r.checkKeyring(kr); err != nil {
		return nil, err
	}
	var errs []error
	for _, s := range shares {
		if err := r.CheckShare(complaintID, s); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	seen := make(map[int]bool, len(shares))
	var distinct []Share
	for _, s := range shares {
		if !seen[s.Index] {
			seen[s.Index] = true
			distinct = append(distinct, s)
		}
	}
	if len(distinct) < r.Threshold {
		return nil, ErrNotEnoughShares
	}
	slices.SortFunc(distinct, func(a, b Share) int { return a.Index - b.Index })
	return r.recover(complaintID, distinct[:r.Threshold])
}

// recover interpolates s from exactly the given distinct shares, assuming a
// polynomial of degree len(shares)-1, and decrypts. Callers have checked the
// shares; recover is also used by tests to show that fewer than k shares
// give a wrong key.
func (r *Record) recover(complaintID string, shares []Share) ([]byte, error) {
	g := group.Ristretto255
	ss := make([]secretsharing.Share, len(shares))
	defer func() {
		for _, s := range ss {
			if s.Value != nil {
				s.Value.SetUint64(0)
			}
		}
	}()
	for i, s := range shares {
		v := g.NewScalar()
		if err := v.UnmarshalBinary(s.Value); err != nil {
			return nil, &ShareError{Index: s.Index, AuditorID: r.Auditors[s.Index-1]}
		}
		ss[i] = secretsharing.Share{ID: g.NewScalar().SetUint64(uint64(s.Index)), Value: v}
	}
	secret, err := secretsharing.Recover(uint(len(ss)-1), ss)
	if err != nil {
		return nil, ErrNotEnoughShares
	}
	defer secret.SetUint64(0)
	aead, ad, err := r.aeadFor(secret, complaintID)
	if err != nil {
		return nil, err
	}
	pt, err := aead.Open(nil, r.nonce[:], r.ciphertext, ad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// Sealer seals complaints to one keyring; the vault uses it. Rand nil means
// crypto/rand.Reader.
type Sealer struct {
	Keyring *keys.Keyring
	Rand    io.Reader
}

// Seal seals plaintext for complaintID and returns the record's binary
// encoding (see Seal and Record.MarshalBinary).
func (s Sealer) Seal(complaintID string, plaintext []byte) ([]byte, error) {
	rnd := s.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	r, err := Seal(rnd, s.Keyring, complaintID, plaintext)
	if err != nil {
		return nil, err
	}
	return r.MarshalBinary()
}
