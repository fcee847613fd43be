package redact

import (
	"bytes"
	"encoding/binary"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, ProfileKeySize) }

func mustMarshal(t *testing.T, p *Profile) []byte {
	t.Helper()
	b, err := p.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestProfileMatchesRedact: on every labelled complaint, RedactProfile with
// a profile that went through MarshalBinary and ParseProfile gives exactly
// the text and findings of Redact with the identity (margin: none), so the
// corpus figures are the same.
func TestProfileMatchesRedact(t *testing.T) {
	for _, name := range corpusFiles {
		recs := loadCorpus(t, name)
		profiles := map[string]*Profile{}
		for i, r := range recs {
			key := testKey(byte(i))
			p, err := ParseProfile(key, mustMarshal(t, NewProfile(key, r.identity())))
			if err != nil {
				t.Fatalf("%s: %v", r.ID, err)
			}
			profiles[r.ID] = p
			want, wantF := Redact(r.Text, r.identity())
			got, gotF := RedactProfile(r.Text, p)
			if got != want || len(gotF) != len(wantF) {
				t.Fatalf("%s: profile gives %q, identity %q", r.ID, got, want)
			}
			for j := range gotF {
				if gotF[j] != wantF[j] {
					t.Fatalf("%s: finding %d %+v, identity %+v", r.ID, j, gotF[j], wantF[j])
				}
			}
		}
		byID := scoreRecords(recs, Redact)
		byProfile := scoreRecords(recs, func(text string, id Identity) (string, []Finding) {
			for _, r := range recs {
				if r.Text == text && r.identity() == id {
					return RedactProfile(text, profiles[r.ID])
				}
			}
			t.Fatal("record not found")
			return "", nil
		})
		t.Logf("%s: identity %v; profile %v", name, byID, byProfile)
		if byID.caught != byProfile.caught || byID.spanCaught != byProfile.spanCaught || byID.kept != byProfile.kept {
			t.Errorf("%s: figures differ", name)
		}
	}
}

// TestProfileHoldsNoIdentity: the encoded profile contains no identity
// string of three characters or more, in any case.
func TestProfileHoldsNoIdentity(t *testing.T) {
	word := regexp.MustCompile(`[\pL\pN]{3,}`)
	for _, name := range corpusFiles {
		for i, r := range loadCorpus(t, name) {
			id := r.identity()
			enc := bytes.ToLower(mustMarshal(t, NewProfile(testKey(byte(i)), id)))
			var pieces []string
			for _, f := range []string{id.Name, id.NIK, id.Phone, id.Email, id.Address} {
				pieces = append(pieces, word.FindAllString(f, -1)...)
				if f != "" {
					pieces = append(pieces, f)
				}
			}
			pieces = append(pieces, onlyDigits(id.NIK), onlyDigits(id.Phone))
			if n, _ := normalizePhone(onlyDigits(id.Phone)); n != "" {
				pieces = append(pieces, n)
			}
			for _, p := range pieces {
				if len(p) >= 3 && bytes.Contains(enc, []byte(strings.ToLower(p))) {
					t.Errorf("%s: profile contains %q", r.ID, p)
				}
			}
		}
	}
}

func TestProfileCanonical(t *testing.T) {
	a := mustMarshal(t, NewProfile(testKey(1), budi))
	b := mustMarshal(t, NewProfile(testKey(1), budi))
	if !bytes.Equal(a, b) {
		t.Fatal("same key and identity encode differently")
	}
	c := mustMarshal(t, NewProfile(testKey(2), budi))
	if bytes.Equal(a[:len(a)-32], c[:len(c)-32]) {
		t.Fatal("different keys give the same hashes")
	}
	p, err := ParseProfile(testKey(1), a)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mustMarshal(t, p), a) {
		t.Fatal("round trip changed the encoding")
	}
	// the empty identity has a valid, empty profile that applies the generic rules
	e, err := ParseProfile(testKey(1), mustMarshal(t, NewProfile(testKey(1), Identity{})))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := RedactProfile("Budi 081234567890", e); got != "Budi [TELEPON]" {
		t.Fatalf("empty profile: %q", got)
	}
}

func TestProfileOtherReporter(t *testing.T) {
	p := NewProfile(testKey(3), Identity{Name: "Siti Aminah", Phone: "0813 0000 1111"})
	got, _ := RedactProfile("Budi Santoso dan Siti, hp 0813-0000-1111", p)
	if want := "Budi Santoso dan [NAMA], hp [TELEPON]"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got, _ := RedactProfile("Budi Santoso", nil); got != "Budi Santoso" {
		t.Fatalf("nil profile: %q", got)
	}
}

func TestParseProfileTampered(t *testing.T) {
	key := testKey(4)
	good := mustMarshal(t, NewProfile(key, budi))
	if _, err := ParseProfile(key, good); err != nil {
		t.Fatal(err)
	}
	for i := range good {
		bad := bytes.Clone(good)
		bad[i] ^= 0x01
		_, err := ParseProfile(key, bad)
		want := ErrProfileAuth
		switch {
		case i < len(profileMagic):
			want = ErrProfileFormat
		case i == len(profileMagic):
			want = ErrProfileVersion
		}
		if !errors.Is(err, want) {
			t.Errorf("byte %d flipped: err %v, want %v", i, err, want)
		}
	}
	for _, c := range []struct {
		name string
		key  []byte
		data []byte
		want error
	}{
		{"wrong key", testKey(5), good, ErrProfileAuth},
		{"short key", key[:16], good, ErrProfileKey},
		{"truncated", key, good[:len(good)-1], ErrProfileAuth},
		{"trailing byte", key, append(bytes.Clone(good), 0), ErrProfileAuth},
		{"empty", key, nil, ErrProfileFormat},
		{"magic only", key, []byte(profileMagic), ErrProfileFormat},
	} {
		if _, err := ParseProfile(c.key, c.data); !errors.Is(err, c.want) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.want)
		}
	}
}

// TestParseProfileStrict feeds bodies that carry a valid MAC but break the
// format: only the key holder could make them, and they are still refused.
func TestParseProfileStrict(t *testing.T) {
	key := testKey(6)
	h := func(b byte) []byte { return bytes.Repeat([]byte{b}, profileHashSize) }
	build := func(entries [][]byte, addr [][]byte, extra []byte) []byte {
		body := append([]byte(profileMagic), ProfileVersion)
		body = binary.BigEndian.AppendUint16(body, uint16(len(entries)))
		for _, e := range entries {
			body = append(body, e...)
		}
		body = binary.BigEndian.AppendUint16(body, uint16(len(addr)))
		for _, a := range addr {
			body = append(body, a...)
		}
		body = append(body, extra...)
		return append(body, profileMAC(key, body)...)
	}
	e := func(c byte, b byte) []byte { return append([]byte{c}, h(b)...) }
	if _, err := ParseProfile(key, build([][]byte{e(clsNIK, 1), e(clsName, 2)}, [][]byte{e(addrStreet, 3)}, nil)); err != nil {
		t.Fatalf("well-formed body refused: %v", err)
	}
	many := make([][]byte, maxEntries+1)
	for i := range many {
		many[i] = e(clsName, byte(i))
	}
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"unsorted", build([][]byte{e(clsName, 2), e(clsName, 1)}, nil, nil)},
		{"duplicate", build([][]byte{e(clsName, 1), e(clsName, 1)}, nil, nil)},
		{"same hash two classes", build([][]byte{e(clsNIK, 1), e(clsName, 1)}, nil, nil)},
		{"unknown class", build([][]byte{e('z', 1)}, nil, nil)},
		{"unknown address class", build(nil, [][]byte{e('z', 1)}, nil)},
		{"too many entries", build(many, nil, nil)},
		{"trailing bytes", build(nil, nil, []byte{0})},
		{"short entry", build([][]byte{{clsName, 1, 2}}, nil, nil)},
	} {
		if _, err := ParseProfile(key, c.data); !errors.Is(err, ErrProfileFormat) {
			t.Errorf("%s: err %v, want ErrProfileFormat", c.name, err)
		}
	}
}

func TestNewProfileBadKeyPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("NewProfile accepted a 16-byte key")
		}
	}()
	NewProfile(make([]byte, 16), budi)
}

func TestProfileConcurrent(t *testing.T) {
	p := NewProfile(testKey(7), budi)
	want, _ := Redact("saya Budi, hp 0812 3456 7890, Jl. Merdeka No. 96", budi)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if got, _ := RedactProfile("saya Budi, hp 0812 3456 7890, Jl. Merdeka No. 96", p); got != want {
					t.Errorf("got %q, want %q", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
