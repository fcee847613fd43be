package seal

import (
	"fmt"
	"io"

	"github.com/cloudflare/circl/kem/xwing"

	"kotak/keys"
)

// Re-sealed share layout, version 1 (docs/crypto.md):
//
//	magic "KTKR" | version u8 | kem u16 | kdf u16 | aead u16 | index u8 | HPKE enc ‖ ct
const resealMagic = "KTKR"

// resealedSize is the exact size of a re-sealed share.
var resealedSize = len(resealMagic) + 1 + 6 + 1 + sealedShareSize

// RecipientSeedSize is the size of a recipient's private key (an X-Wing seed).
const RecipientSeedSize = xwing.SeedSize

// NewRecipientKey draws a fresh X-Wing key pair from rnd for one unseal
// request: seed is the private key (RecipientSeedSize bytes; keep it on the
// officer's machine and wipe it after the reveal), pub the packed public key
// (keys.XWingPublicKeySize bytes) that auditors re-seal their shares to.
func NewRecipientKey(rnd io.Reader) (seed, pub []byte, err error) {
	seed = make([]byte, RecipientSeedSize)
	if _, err := io.ReadFull(rnd, seed); err != nil {
		return nil, nil, ErrRandom
	}
	_, pub = xwing.DeriveKeyPairPacked(seed)
	return seed, pub, nil
}

// Reseal seals share s to an officer's recipient public key for unseal
// request requestID on complaint complaintID; the request id, complaint id
// and share index are bound into the HPKE info, so the result opens only
// for that request and complaint. The output is public and fixed-size.
// Reseal does not wipe s. Errors: ErrID, ErrShareIndex, ErrFormat (share
// size), ErrRecipientKey, ErrRandom.
func Reseal(rnd io.Reader, s Share, recipientPub []byte, requestID, complaintID string) ([]byte, error) {
	if err := checkID(requestID); err != nil {
		return nil, err
	}
	if err := checkID(complaintID); err != nil {
		return nil, err
	}
	if s.Index < 1 || s.Index > keys.MaxAuditors {
		return nil, fmt.Errorf("%w: %d", ErrShareIndex, s.Index)
	}
	if len(s.Value) != ShareSize {
		return nil, fmt.Errorf("%w: share size", ErrFormat)
	}
	if len(recipientPub) != keys.XWingPublicKeySize {
		return nil, ErrRecipientKey
	}
	pk, err := KEM.Scheme().UnmarshalBinaryPublicKey(recipientPub)
	if err != nil {
		return nil, ErrRecipientKey
	}
	sealed, err := hpkeSeal(rnd, pk, resealInfo(requestID, complaintID, s.Index), s.Value)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, resealedSize)
	out = append(out, resealMagic...)
	out = append(out, Version)
	out = appendSuite(out)
	out = append(out, byte(s.Index))
	return append(out, sealed...), nil
}

// OpenResealed opens a share re-sealed by Reseal with the recipient's seed,
// for the same request and complaint ids. It checks the format strictly
// (ErrFormat, ErrVersion, ErrSuite) and fails with ErrDecrypt if any byte,
// the key or an id differs. It does not check the share's commitment: Open
// does that against the record. The caller owns the returned secret share.
// It never panics.
func OpenResealed(recipientSeed []byte, sealed []byte, requestID, complaintID string) (Share, error) {
	if err := checkID(requestID); err != nil {
		return Share{}, err
	}
	if err := checkID(complaintID); err != nil {
		return Share{}, err
	}
	if len(recipientSeed) != RecipientSeedSize {
		return Share{}, ErrRecipientKey
	}
	rd := &reader{b: sealed}
	if err := checkPrefix(rd, resealMagic); err != nil {
		return Share{}, err
	}
	idx := rd.u8()
	body := rd.next(sealedShareSize)
	if rd.bad || len(rd.b) != 0 {
		return Share{}, fmt.Errorf("%w: re-sealed share size", ErrFormat)
	}
	if idx < 1 || idx > keys.MaxAuditors {
		return Share{}, fmt.Errorf("%w: %d", ErrShareIndex, idx)
	}
	sk, err := KEM.Scheme().UnmarshalBinaryPrivateKey(recipientSeed)
	if err != nil {
		return Share{}, ErrRecipientKey
	}
	value, err := hpkeOpen(sk, resealInfo(requestID, complaintID, idx), body)
	if err != nil {
		return Share{}, err
	}
	if len(value) != ShareSize {
		clear(value)
		return Share{}, fmt.Errorf("%w: share size", ErrFormat)
	}
	return Share{Index: idx, Value: value}, nil
}
