// Package receipt makes and checks the receipts citizens use to follow their
// complaints.
//
// A receipt is 20 uniformly random decimal digits (about 66 bits), shown as
// five groups of four: "1234 5678 9012 3456 7890". The server never stores a
// receipt: it stores Hasher.Sum, an HMAC-SHA256 of the digits under a server
// secret, and looks complaints up by it.
package receipt

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
)

// Digits is the number of digits in a receipt.
const Digits = 20

const (
	groupSize = 4
	// maxInput bounds what Normalize looks at: 20 digits with generous
	// separators.
	maxInput = 100
	// minKeySize is the shortest Hasher key accepted.
	minKeySize = 32
	// randomBudget bounds how many random bytes New reads; failing to get
	// 20 digits from 1024 uniform bytes has probability below 2^-1000.
	randomBudget = 1024
)

// Errors returned by this package. Match them with errors.Is. They never
// include the receipt.
var (
	ErrMalformed = errors.New("receipt: a receipt is 20 digits")
	ErrRandom    = errors.New("receipt: reading randomness")
	ErrKey       = errors.New("receipt: hasher key must be at least 32 bytes")
)

// New returns a fresh receipt of 20 uniformly random digits read from rnd,
// formatted in five groups of four separated by spaces. Each digit comes from
// one random byte below 250 (rejection sampling), so every digit is
// uniform.
func New(rnd io.Reader) (string, error) {
	var digits [Digits]byte
	var buf [32]byte
	n, read := 0, 0
	for n < Digits {
		if read >= randomBudget {
			return "", fmt.Errorf("%w: source is not uniform", ErrRandom)
		}
		if _, err := io.ReadFull(rnd, buf[:]); err != nil {
			return "", fmt.Errorf("%w: %w", ErrRandom, err)
		}
		read += len(buf)
		for _, b := range buf {
			if b < 250 && n < Digits {
				digits[n] = '0' + b%10
				n++
			}
		}
	}
	clear(buf[:])
	return Format(string(digits[:])), nil
}

// Format groups 20 normalised digits as "1234 5678 9012 3456 7890". Any other
// input is returned unchanged.
func Format(digits string) string {
	if len(digits) != Digits {
		return digits
	}
	b := make([]byte, 0, Digits+Digits/groupSize-1)
	for i := 0; i < Digits; i += groupSize {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, digits[i:i+groupSize]...)
	}
	return string(b)
}

// Normalize removes spaces, tabs and dashes from s and returns the 20 ASCII
// digits that remain. Anything else — other characters, non-ASCII digits,
// more or fewer than 20 digits, input over 100 bytes — is ErrMalformed.
func Normalize(s string) (string, error) {
	if len(s) > maxInput {
		return "", ErrMalformed
	}
	var out [Digits]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '-':
		case c >= '0' && c <= '9':
			if n == Digits {
				return "", ErrMalformed
			}
			out[n] = c
			n++
		default:
			return "", ErrMalformed
		}
	}
	if n != Digits {
		return "", ErrMalformed
	}
	return string(out[:]), nil
}

// Hasher computes receipt lookup keys. It is safe for concurrent use.
type Hasher struct {
	key []byte
}

// NewHasher returns a Hasher keyed with key, which should be
// box.MasterKey.Subkey("kotak/v1 receipt"). The key is copied. A key shorter
// than 32 bytes makes every Sum fail with ErrKey.
func NewHasher(key []byte) *Hasher {
	return &Hasher{key: append([]byte(nil), key...)}
}

// Sum returns HMAC-SHA256 under the Hasher's key of the receipt's normalised
// digits, so every accepted writing of one receipt has the same sum. It
// returns ErrMalformed for input Normalize refuses.
func (h *Hasher) Sum(receipt string) ([32]byte, error) {
	var sum [32]byte
	if len(h.key) < minKeySize {
		return sum, ErrKey
	}
	digits, err := Normalize(receipt)
	if err != nil {
		return sum, err
	}
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte(digits))
	m.Sum(sum[:0])
	return sum, nil
}

// Equal reports whether a and b are equal, in time independent of their
// contents.
func Equal(a, b [32]byte) bool {
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}
