package staff

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id parameters for password hashes.
type Params struct {
	Time      uint32 // passes over memory (argon2 t)
	MemoryKiB uint32 // memory in KiB (argon2 m)
	Threads   uint8  // lanes (argon2 p)
}

// DefaultParams returns the production parameters, OWASP's argon2id
// baseline: t=2, m=19 MiB, p=1.
func DefaultParams() Params { return Params{Time: 2, MemoryKiB: 19 << 10, Threads: 1} }

// Bounds on the parameters a stored hash may ask for, checked before
// argon2id runs, so that a damaged or crafted record cannot make a login
// spend unbounded memory or time.
const (
	MaxTime      = 16
	MaxMemoryKiB = 256 << 10 // 256 MiB
	MaxThreads   = 16
	maxWork      = 4 * MaxMemoryKiB // Time × MemoryKiB

	saltLen    = 16
	keyLen     = 32
	minSaltLen = 8
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64

	maxHashString = 256
)

// Validate reports, as ErrParams, parameters that are zero, inconsistent
// (argon2id needs 8 KiB per lane) or above the bounds: MaxTime passes,
// MaxMemoryKiB, MaxThreads lanes, and four passes' worth of MaxMemoryKiB.
func (p Params) Validate() error {
	switch {
	case p.Time < 1 || p.Time > MaxTime:
		return fmt.Errorf("%w: t=%d", ErrParams, p.Time)
	case p.Threads < 1 || p.Threads > MaxThreads:
		return fmt.Errorf("%w: p=%d", ErrParams, p.Threads)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > MaxMemoryKiB:
		return fmt.Errorf("%w: m=%d", ErrParams, p.MemoryKiB)
	case uint64(p.Time)*uint64(p.MemoryKiB) > maxWork:
		return fmt.Errorf("%w: t×m=%d", ErrParams, uint64(p.Time)*uint64(p.MemoryKiB))
	}
	return nil
}

// passwordHash is a parsed PHC-style argon2id string:
//
//	$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<key>
//
// with salt and key in unpadded standard base64.
type passwordHash struct {
	params Params
	salt   []byte
	key    []byte
}

var b64 = base64.RawStdEncoding.Strict()

const phcPrefix = "$argon2id$v=19$"

// String formats h in its one canonical form.
func (h *passwordHash) String() string {
	return fmt.Sprintf("%sm=%d,t=%d,p=%d$%s$%s", phcPrefix,
		h.params.MemoryKiB, h.params.Time, h.params.Threads,
		b64.EncodeToString(h.salt), b64.EncodeToString(h.key))
}

// parseHash parses a stored hash string. It accepts only the canonical form
// String produces (version 19, decimal numbers without leading zeros,
// lengths within bounds) and parameters that pass Validate; anything else is
// ErrHashFormat or ErrParams. It never panics.
func parseHash(s string) (*passwordHash, error) {
	if len(s) > maxHashString {
		return nil, fmt.Errorf("%w: too long", ErrHashFormat)
	}
	rest, ok := strings.CutPrefix(s, phcPrefix)
	if !ok {
		return nil, fmt.Errorf("%w: not an argon2id v19 hash", ErrHashFormat)
	}
	fields := strings.Split(rest, "$")
	if len(fields) != 3 {
		return nil, fmt.Errorf("%w: field count", ErrHashFormat)
	}
	kv := strings.Split(fields[0], ",")
	if len(kv) != 3 {
		return nil, fmt.Errorf("%w: parameter count", ErrHashFormat)
	}
	var nums [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(kv[i], name)
		if !ok {
			return nil, fmt.Errorf("%w: parameter order", ErrHashFormat)
		}
		n, err := parseDecimal(v)
		if err != nil {
			return nil, err
		}
		nums[i] = n
	}
	if nums[0] > MaxMemoryKiB || nums[1] > MaxTime || nums[2] > MaxThreads {
		return nil, fmt.Errorf("%w: m=%d t=%d p=%d", ErrParams, nums[0], nums[1], nums[2])
	}
	h := &passwordHash{params: Params{MemoryKiB: uint32(nums[0]), Time: uint32(nums[1]), Threads: uint8(nums[2])}}
	if err := h.params.Validate(); err != nil {
		return nil, err
	}
	var err error
	if h.salt, err = b64.DecodeString(fields[1]); err != nil || len(h.salt) < minSaltLen || len(h.salt) > maxSaltLen {
		return nil, fmt.Errorf("%w: salt", ErrHashFormat)
	}
	if h.key, err = b64.DecodeString(fields[2]); err != nil || len(h.key) < minKeyLen || len(h.key) > maxKeyLen {
		return nil, fmt.Errorf("%w: key", ErrHashFormat)
	}
	// base64 decoding skips CR and LF; only the canonical form is accepted.
	if h.String() != s {
		return nil, fmt.Errorf("%w: not canonical", ErrHashFormat)
	}
	return h, nil
}

// parseDecimal accepts 1 to 10 ASCII digits without a leading zero.
func parseDecimal(s string) (uint64, error) {
	if s == "" || len(s) > 10 || (s[0] == '0' && len(s) > 1) {
		return 0, fmt.Errorf("%w: number", ErrHashFormat)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%w: number", ErrHashFormat)
		}
	}
	return strconv.ParseUint(s, 10, 64)
}

// newHash hashes password under fresh salt from rnd.
func newHash(rnd io.Reader, password string, p Params) (*passwordHash, error) {
	salt := make([]byte, saltLen)
	if _, err := io.ReadFull(rnd, salt); err != nil {
		return nil, fmt.Errorf("staff: reading randomness: %w", err)
	}
	return &passwordHash{params: p, salt: salt, key: derive(password, salt, p, keyLen)}, nil
}

// idKey is argon2.IDKey; tests wrap it to observe the work done.
var idKey = argon2.IDKey

func derive(password string, salt []byte, p Params, n int) []byte {
	return idKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(n))
}

// verify reports whether password matches h, comparing in constant time.
func (h *passwordHash) verify(password string) bool {
	got := derive(password, h.salt, h.params, len(h.key))
	return subtle.ConstantTimeCompare(got, h.key) == 1
}
