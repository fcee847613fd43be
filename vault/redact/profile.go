package redact

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"sort"
	"strconv"
	"strings"
)

// ProfileKeySize is the size of a profile key.
const ProfileKeySize = 32

// ProfileVersion is the only profile format version this package reads and writes.
const ProfileVersion = 1

// Errors returned by ParseProfile. Match them with errors.Is.
var (
	ErrProfileKey     = errors.New("redact: profile key must be 32 bytes")
	ErrProfileFormat  = errors.New("redact: malformed profile")
	ErrProfileVersion = errors.New("redact: unknown profile version")
	ErrProfileAuth    = errors.New("redact: profile does not match its key or was altered")
)

const (
	profileMagic    = "KTRP"
	profileHashTag  = "kotak/v1 redact profile token\x00"
	profileMACTag   = "kotak/v1 redact profile mac\x00"
	profileHashSize = sha256.Size

	// Bounds on what one identity contributes; a longer field is cut.
	maxNameTokens = 16
	maxPhones     = 8
	maxEmails     = 8
	maxAddrTokens = 64
	maxEntries    = maxNameTokens*2 + 2 + maxPhones + maxEmails*2
)

// Classes of identity pieces, as stored in a profile.
const (
	clsName   byte = 'w' // a name token, or name tokens written together
	clsNIK    byte = 'n' // the NIK's digits
	clsPhone  byte = 'p' // a phone number, 62/+62 turned into 0
	clsEmail  byte = 'e' // a whole e-mail address, lower case
	clsHandle byte = 'h' // an e-mail's local part, lower case

	addrStreet byte = 's' // a word of the street part
	addrArea   byte = 'r' // a word of RT/RW, village, district, city…
	addrNum    byte = 'd' // a number, leading zeros dropped
	addrMarker byte = 'm' // "jl", "no", "rt", …
)

func classKind(c byte) (Kind, bool) {
	switch c {
	case clsName:
		return KindName, true
	case clsNIK:
		return KindNIK, true
	case clsPhone:
		return KindPhone, true
	case clsEmail, clsHandle:
		return KindEmail, true
	}
	return "", false
}

// keyer turns a normalised identity piece into the form in which it is
// stored and compared. The slice sum returns is valid until the next call.
type keyer interface {
	sum(class byte, norm string) []byte
}

// plainKeyer compares pieces in the clear: Redact holds the identity anyway.
type plainKeyer struct{ buf []byte }

func (k *plainKeyer) sum(class byte, norm string) []byte {
	k.buf = append(append(k.buf[:0], class), norm...)
	return k.buf
}

// macKeyer compares HMAC-SHA256(key, tag ‖ class ‖ 0 ‖ piece). It is not
// safe for concurrent use: each redaction makes its own.
type macKeyer struct {
	mac hash.Hash
	buf []byte
	out []byte
}

func newMACKeyer(key []byte) *macKeyer {
	return &macKeyer{mac: hmac.New(sha256.New, key)}
}

func (k *macKeyer) sum(class byte, norm string) []byte {
	k.buf = append(append(append(k.buf[:0], profileHashTag...), class, 0), norm...)
	k.mac.Reset()
	k.mac.Write(k.buf)
	k.out = k.mac.Sum(k.out[:0])
	return k.out
}

// addrTok is one piece of the reporter's address, in order.
type addrTok struct {
	cls byte
	key string
}

// idData is an identity in keyed form: what Redact and a Profile share.
type idData struct {
	set    map[string]Kind // keyed piece → kind
	cls    map[string]byte // keyed piece → class (for marshalling)
	addr   []addrTok
	addrAt map[string][]int // keyed address piece → positions in addr
}

func (d *idData) empty() bool { return len(d.set) == 0 && len(d.addr) == 0 }

func (d *idData) put(k keyer, class byte, norm string) {
	if norm == "" || len(d.cls) >= maxEntries {
		return
	}
	key := string(k.sum(class, norm))
	kind, _ := classKind(class)
	d.set[key] = kind
	d.cls[key] = class
}

func (d *idData) putAddr(cls byte, key string) {
	d.addrAt[key] = append(d.addrAt[key], len(d.addr))
	d.addr = append(d.addr, addrTok{cls: cls, key: key})
}

func newIDData() *idData {
	return &idData{set: map[string]Kind{}, cls: map[string]byte{}, addrAt: map[string][]int{}}
}

// buildIDData normalises and keys every piece of id.
func buildIDData(id Identity, k keyer) *idData {
	d := newIDData()
	// name tokens, their pairs and the whole name written together
	var names []string
	for _, t := range tokenize(id.Name) {
		if t.kind != tkWord || len(names) >= maxNameTokens {
			continue
		}
		w := id.Name[t.start:t.end]
		if letterCount(w) < 3 {
			continue
		}
		names = append(names, nameNorm(w))
	}
	for i, n := range names {
		d.put(k, clsName, n)
		if i > 0 {
			d.put(k, clsName, names[i-1]+n)
		}
	}
	if len(names) > 2 {
		d.put(k, clsName, strings.Join(names, ""))
	}
	if nik := onlyDigits(id.NIK); len(nik) >= 8 && len(nik) <= maxIDDigits {
		d.put(k, clsNIK, nik)
	}
	for i, p := range splitList(id.Phone) {
		if i >= maxPhones {
			break
		}
		if ds := onlyDigits(p); len(ds) >= 7 && len(ds) <= maxIDDigits {
			norm, _ := normalizePhone(ds)
			d.put(k, clsPhone, norm)
		}
	}
	for i, e := range splitList(id.Email) {
		if i >= maxEmails {
			break
		}
		e = strings.ToLower(strings.TrimSpace(e))
		at := strings.LastIndexByte(e, '@')
		if at < 1 {
			continue
		}
		d.put(k, clsEmail, e)
		if local := e[:at]; len(local) >= 4 {
			d.put(k, clsHandle, local)
			if letterCount(local) == len(local) && !genericMailboxes[local] {
				d.put(k, clsName, nameNorm(local)) // "bsantoso" written alone
			}
		}
	}
	buildAddr(d, id.Address, k)
	return d
}

// buildAddr splits an address into ordered pieces. Words of the first
// comma-separated part, or after a street marker, are street words; the rest
// are area words.
func buildAddr(d *idData, addr string, k keyer) {
	street := true
	for _, t := range tokenize(addr) {
		if len(d.addr) >= maxAddrTokens {
			return
		}
		switch t.kind {
		case tkSpace:
			if t.nl {
				street = false
			}
		case tkPunct:
			if c := addr[t.start]; c == ',' || c == ';' {
				street = false
			}
		case tkNum:
			d.putAddr(addrNum, keyString(k, 'a', addrNumNorm(addr[t.start:t.end])))
		case tkWord:
			w := addrWordNorm(strings.ToLower(addr[t.start:t.end]))
			if w == "" {
				continue
			}
			if _, err := strconv.Atoi(w); err == nil {
				d.putAddr(addrNum, keyString(k, 'a', w)) // a Roman numeral
				continue
			}
			if isMarker(w) {
				if streetMarkers[w] {
					street = true
				} else if areaMarkers[w] {
					street = false
				}
				d.putAddr(addrMarker, keyString(k, 'a', w))
				continue
			}
			cls := addrArea
			if street {
				cls = addrStreet
			}
			d.putAddr(cls, keyString(k, 'a', w))
		}
	}
}

func keyString(k keyer, class byte, norm string) string { return string(k.sum(class, norm)) }

func onlyDigits(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '/' })
}

// matcher answers, for one redaction, whether a piece of text is a piece of
// the identity.
type matcher struct {
	*idData
	k keyer
}

// buildMatcher returns nil for an empty identity.
func buildMatcher(id Identity, k keyer) *matcher {
	d := buildIDData(id, k)
	if d.empty() {
		return nil
	}
	return &matcher{idData: d, k: k}
}

// keyOf returns the stored form of a piece.
func (m *matcher) keyOf(class byte, norm string) string { return string(m.k.sum(class, norm)) }

func (m *matcher) has(class byte, norm string) bool {
	_, ok := m.set[string(m.k.sum(class, norm))]
	return ok
}

// addrPositions returns where a piece occurs in the address.
func (m *matcher) addrPositions(norm string) []int {
	return m.addrAt[string(m.k.sum('a', norm))]
}

// digits matches a digit string against the NIK and the phone numbers.
func (m *matcher) digits(ds string) (Kind, bool) {
	if m.has(clsNIK, ds) {
		return KindNIK, true
	}
	if norm, _ := normalizePhone(ds); m.has(clsPhone, norm) {
		return KindPhone, true
	}
	return "", false
}

// nameWord reports whether the lower-cased word lw is a name token, also
// with an enclitic; root is the matched form without it.
func (m *matcher) nameWord(lw string) (root string, ok bool) {
	if letterCount(lw) < 3 {
		return "", false
	}
	if m.has(clsName, nameNorm(lw)) {
		return lw, true
	}
	for _, suf := range nameSuffixes {
		if strings.HasSuffix(lw, suf) && letterCount(lw)-len(suf) >= 3 {
			r := lw[:len(lw)-len(suf)]
			if m.has(clsName, nameNorm(r)) {
				return r, true
			}
		}
	}
	return "", false
}

// Profile is a reporter's identity in keyed form: HMAC-SHA256 under a
// per-complaint key of each normalised name and address token, of the NIK's
// and the phone numbers' digits and of the e-mail. It holds no identity
// value, but anyone with the key can test guesses against it, so the key
// must be kept, and shredded, with the complaint's other secrets.
//
// A Profile is immutable and safe for concurrent use.
type Profile struct {
	key  []byte
	data *idData
}

// NewProfile makes the profile of id under key, which must be
// ProfileKeySize random bytes, one key per complaint. It panics if the key
// has the wrong size, a programming error. The profile keeps a copy of key.
func NewProfile(key []byte, id Identity) *Profile {
	if len(key) != ProfileKeySize {
		panic("redact: NewProfile needs a 32-byte key")
	}
	k := bytes.Clone(key)
	return &Profile{key: k, data: buildIDData(id, newMACKeyer(k))}
}

func (p *Profile) matcher() *matcher {
	if p.data.empty() {
		return nil
	}
	return &matcher{idData: p.data, k: newMACKeyer(p.key)}
}

// MarshalBinary encodes the profile without its key:
//
//	"KTRP" ‖ version (1 byte)
//	‖ uint16 n ‖ n × (class byte ‖ 32-byte hash), sorted, no duplicates
//	‖ uint16 m ‖ m × (class byte ‖ 32-byte hash), the address in order
//	‖ HMAC-SHA256(key, tag ‖ all of the above)
//
// The encoding is canonical: one profile has one encoding.
func (p *Profile) MarshalBinary() ([]byte, error) {
	keys := make([]string, 0, len(p.data.cls))
	for k := range p.data.cls {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		ci, cj := p.data.cls[keys[i]], p.data.cls[keys[j]]
		if ci != cj {
			return ci < cj
		}
		return keys[i] < keys[j]
	})
	rec := 1 + profileHashSize
	out := make([]byte, 0, len(profileMagic)+1+2+len(keys)*rec+2+len(p.data.addr)*rec+profileHashSize)
	out = append(out, profileMagic...)
	out = append(out, ProfileVersion)
	out = binary.BigEndian.AppendUint16(out, uint16(len(keys)))
	for _, k := range keys {
		out = append(out, p.data.cls[k])
		out = append(out, k...)
	}
	out = binary.BigEndian.AppendUint16(out, uint16(len(p.data.addr)))
	for _, a := range p.data.addr {
		out = append(out, a.cls)
		out = append(out, a.key...)
	}
	return append(out, profileMAC(p.key, out)...), nil
}

func profileMAC(key, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(profileMACTag))
	m.Write(body)
	return m.Sum(nil)
}

// ParseProfile decodes a profile made by MarshalBinary under the same key.
// It is strict: a key of the wrong size is ErrProfileKey; a wrong magic or a
// short input ErrProfileFormat; an unknown version ErrProfileVersion; a wrong
// key, a truncated or extended encoding or any altered byte ErrProfileAuth;
// and a body that carries a valid MAC but breaks the format (unknown class,
// unsorted or duplicate entry, count beyond the limits, trailing bytes — only
// the key holder could make one) ErrProfileFormat. Errors carry no input.
func ParseProfile(key, data []byte) (*Profile, error) {
	if len(key) != ProfileKeySize {
		return nil, ErrProfileKey
	}
	const fixed = len(profileMagic) + 1 + 2 + 2 + profileHashSize
	if len(data) < fixed || string(data[:len(profileMagic)]) != profileMagic {
		return nil, ErrProfileFormat
	}
	if data[len(profileMagic)] != ProfileVersion {
		return nil, ErrProfileVersion
	}
	body, tag := data[:len(data)-profileHashSize], data[len(data)-profileHashSize:]
	if !hmac.Equal(tag, profileMAC(key, body)) {
		return nil, ErrProfileAuth
	}
	rest := body[len(profileMagic)+1:]
	rec := 1 + profileHashSize
	d := newIDData()
	n := int(binary.BigEndian.Uint16(rest))
	rest = rest[2:]
	if n > maxEntries || len(rest) < n*rec+2 {
		return nil, fmt.Errorf("%w: entry count", ErrProfileFormat)
	}
	var prevCls byte
	var prev string
	for i := 0; i < n; i++ {
		c, h := rest[0], string(rest[1:rec])
		rest = rest[rec:]
		kind, ok := classKind(c)
		if !ok {
			return nil, fmt.Errorf("%w: unknown class", ErrProfileFormat)
		}
		if i > 0 && (c < prevCls || c == prevCls && h <= prev) {
			return nil, fmt.Errorf("%w: entries out of order", ErrProfileFormat)
		}
		if _, dup := d.cls[h]; dup {
			return nil, fmt.Errorf("%w: duplicate entry", ErrProfileFormat)
		}
		prevCls, prev = c, h
		d.set[h] = kind
		d.cls[h] = c
	}
	m := int(binary.BigEndian.Uint16(rest))
	rest = rest[2:]
	if m > maxAddrTokens || len(rest) != m*rec {
		return nil, fmt.Errorf("%w: address count", ErrProfileFormat)
	}
	for i := 0; i < m; i++ {
		c, h := rest[0], string(rest[1:rec])
		rest = rest[rec:]
		switch c {
		case addrStreet, addrArea, addrNum, addrMarker:
		default:
			return nil, fmt.Errorf("%w: unknown address class", ErrProfileFormat)
		}
		d.putAddr(c, h)
	}
	return &Profile{key: bytes.Clone(key), data: d}, nil
}
