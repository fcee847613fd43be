// Package box encrypts the server's data at rest.
//
// A MasterKey (32 random bytes in a 0600 file made at first start) derives
// purpose-bound subkeys with HKDF-SHA256. Records are encrypted with a
// per-record data-encryption key (DEK) by Seal; DEKs are wrapped with a
// key-encryption key (KEK) by Wrap. Deleting a wrapped DEK makes every record
// sealed under it unreadable (crypto-shredding).
//
// Sealed and wrapped blobs have the same layout:
//
//	version (1 byte) ‖ nonce (24 bytes) ‖ XChaCha20-Poly1305 ciphertext and tag
//
// Version 0x01 marks a sealed record and 0x02 a wrapped key. The version byte
// and a label naming it are bound into the AEAD's associated data together
// with the caller's aad, so a record cannot be opened as a wrapped key or
// under another aad, and any change to any byte is refused.
package box

import (
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/chacha20poly1305"
)

// KeySize is the size of a master key, a subkey, a DEK and a KEK.
const KeySize = 32

// Overhead is the number of bytes Seal and Wrap add to their input.
const Overhead = 1 + chacha20poly1305.NonceSizeX + chacha20poly1305.Overhead

const (
	versionSealed  byte = 0x01
	versionWrapped byte = 0x02

	labelSealed  = "kotak/v1 box sealed\n"
	labelWrapped = "kotak/v1 box wrapped\n"
	hkdfSalt     = "kotak/v1 master key"
)

// Errors returned by this package. Match them with errors.Is.
var (
	// ErrOpen is the only error Open and Unwrap return: wrong key, wrong aad,
	// unknown version, truncated or altered input. It says nothing more.
	ErrOpen = errors.New("box: cannot open sealed data")
	// ErrKeySize reports a key of the wrong length given to Seal or Wrap, or
	// a DEK of the wrong length given to Wrap.
	ErrKeySize = errors.New("box: key must be 32 bytes")
	// ErrRandom reports that the randomness source failed.
	ErrRandom = errors.New("box: reading randomness")
	// ErrKeyFileFormat reports a master key file that is not
	// "kotak-master-key v1\n<base64 of 32 bytes>\n".
	ErrKeyFileFormat = errors.New("box: malformed master key file")
	// ErrKeyFileVersion reports a master key file of an unknown version.
	ErrKeyFileVersion = errors.New("box: unknown master key file version")
	// ErrKeyFileMode reports a master key file that group or others may
	// access, or that is not a regular file.
	ErrKeyFileMode = errors.New("box: master key file must be a regular file with mode 0600 or stricter")
)

// NewDEK returns a fresh 32-byte data-encryption key read from rnd.
func NewDEK(rnd io.Reader) ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := io.ReadFull(rnd, k); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRandom, err)
	}
	return k, nil
}

// Seal encrypts plaintext under key (32 bytes) with a fresh 24-byte nonce
// read from rnd, binding aad. The result is Overhead bytes longer than
// plaintext. Open with the same key and aad is the only way back.
func Seal(rnd io.Reader, key, plaintext, aad []byte) ([]byte, error) {
	return seal(rnd, versionSealed, labelSealed, key, plaintext, aad)
}

// Open decrypts a blob made by Seal with the same key and aad. Any failure —
// wrong key or aad, a wrapped key instead of a sealed record, a changed,
// missing or extra byte — returns ErrOpen and no plaintext.
func Open(key, sealed, aad []byte) ([]byte, error) {
	return open(versionSealed, labelSealed, key, sealed, aad)
}

// Wrap encrypts a 32-byte DEK under a 32-byte KEK, binding aad (typically the
// record's id). It is Seal with its own version byte and label: a wrapped key
// never opens with Open, nor a sealed record with Unwrap.
func Wrap(rnd io.Reader, kek, dek, aad []byte) ([]byte, error) {
	if len(dek) != KeySize {
		return nil, ErrKeySize
	}
	return seal(rnd, versionWrapped, labelWrapped, kek, dek, aad)
}

// Unwrap returns the DEK from a blob made by Wrap with the same KEK and aad.
// Any failure returns ErrOpen.
func Unwrap(kek, wrapped, aad []byte) ([]byte, error) {
	dek, err := open(versionWrapped, labelWrapped, kek, wrapped, aad)
	if err != nil {
		return nil, err
	}
	if len(dek) != KeySize {
		return nil, ErrOpen
	}
	return dek, nil
}

func seal(rnd io.Reader, version byte, label string, key, plaintext, aad []byte) ([]byte, error) {
	if len(key) != KeySize {
		return nil, ErrKeySize
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, ErrKeySize
	}
	out := make([]byte, 1+chacha20poly1305.NonceSizeX, len(plaintext)+Overhead)
	out[0] = version
	if _, err := io.ReadFull(rnd, out[1:]); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRandom, err)
	}
	return aead.Seal(out, out[1:], plaintext, fullAAD(version, label, aad)), nil
}

func open(version byte, label string, key, blob, aad []byte) ([]byte, error) {
	if len(key) != KeySize || len(blob) < Overhead || blob[0] != version {
		return nil, ErrOpen
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, ErrOpen
	}
	nonce := blob[1 : 1+chacha20poly1305.NonceSizeX]
	pt, err := aead.Open(nil, nonce, blob[1+chacha20poly1305.NonceSizeX:], fullAAD(version, label, aad))
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

// fullAAD is version ‖ label ‖ aad. The label is fixed per version, so the
// concatenation is unambiguous.
func fullAAD(version byte, label string, aad []byte) []byte {
	b := make([]byte, 0, 1+len(label)+len(aad))
	b = append(b, version)
	b = append(b, label...)
	return append(b, aad...)
}

// subkey derives a 32-byte key from secret for one purpose.
func subkey(secret []byte, label string) []byte {
	k, err := hkdf.Key(sha256.New, secret, []byte(hkdfSalt), label, KeySize)
	if err != nil {
		// hkdf.Key fails only for lengths over 255*32 bytes.
		panic("box: hkdf: " + err.Error())
	}
	return k
}
