package keys

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestKeyringRoundTrip(t *testing.T) {
	for _, nk := range [][2]int{{1, 1}, {3, 2}, {5, 5}} {
		k, ids, root := mustKeyring(t, uint64(nk[0]), nk[0], nk[1])
		got, err := ParseKeyring(k.Marshal())
		if err != nil {
			t.Fatalf("n=%d k=%d: %v", nk[0], nk[1], err)
		}
		if got.ID() != k.ID() || got.Threshold != nk[1] || got.N() != nk[0] ||
			!got.Root.Equal(root.Public()) || !bytes.Equal(got.Marshal(), k.Marshal()) {
			t.Fatalf("n=%d k=%d: parsed keyring differs", nk[0], nk[1])
		}
		for i, id := range ids {
			a, idx, ok := got.Auditor(id.AuditorID)
			if !ok || idx != i+1 || a.Name != id.Name || a.Fingerprint() != id.Public().Fingerprint() {
				t.Fatalf("auditor %s: lookup (%v, %d)", id.AuditorID, ok, idx)
			}
		}
		if _, _, ok := got.Auditor("nobody"); ok {
			t.Fatal("lookup of an unknown auditor succeeded")
		}
	}
}

func TestKeyringIDDependsOnEveryField(t *testing.T) {
	k, ids, root := mustKeyring(t, 1, 3, 2)
	pubs := []Auditor{ids[0].Public(), ids[1].Public(), ids[2].Public()}
	variants := map[string]func() (*Keyring, error){
		"threshold": func() (*Keyring, error) { return NewKeyring(root, 3, pubs) },
		"order":     func() (*Keyring, error) { return NewKeyring(root, 2, []Auditor{pubs[1], pubs[0], pubs[2]}) },
		"name": func() (*Keyring, error) {
			p := append([]Auditor(nil), pubs...)
			p[0].Name = "Someone Else"
			return NewKeyring(root, 2, p)
		},
		"root":     func() (*Keyring, error) { return NewKeyring(mustRoot(t, 99), 2, pubs) },
		"auditors": func() (*Keyring, error) { return NewKeyring(root, 2, pubs[:2]) },
	}
	for name, mk := range variants {
		v, err := mk()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if v.ID() == k.ID() {
			t.Errorf("changing the %s keeps the keyring id", name)
		}
	}
}

func TestFingerprint(t *testing.T) {
	k, _, _ := mustKeyring(t, 1, 3, 2)
	re := regexp.MustCompile(`^[0-9A-F]{4}(:[0-9A-F]{4}){4}$`)
	seen := map[string]bool{}
	for _, a := range k.Auditors {
		f := a.Fingerprint()
		if !re.MatchString(f) {
			t.Fatalf("fingerprint %q has the wrong shape", f)
		}
		if seen[f] {
			t.Fatal("two auditors share a fingerprint")
		}
		seen[f] = true
	}
	rf := k.RootFingerprint()
	if !re.MatchString(rf) || seen[rf] {
		t.Fatalf("root fingerprint %q: wrong shape or equal to an auditor's", rf)
	}
	_, ids, root := mustKeyring(t, 1, 3, 2)
	next, err := NewKeyring(root, 3, []Auditor{ids[0].Public(), ids[1].Public(), ids[2].Public()})
	if err != nil || next.RootFingerprint() != rf {
		t.Fatal("a keyring signed by the same root shows another root fingerprint")
	}
	other, _, _ := mustKeyring(t, 2, 3, 2)
	if other.RootFingerprint() == rf {
		t.Fatal("two roots share a fingerprint")
	}
}

func TestNewKeyringErrors(t *testing.T) {
	_, ids, root := mustKeyring(t, 1, 3, 2)
	pubs := func() []Auditor { return []Auditor{ids[0].Public(), ids[1].Public(), ids[2].Public()} }
	many := make([]Auditor, MaxAuditors+1)
	for i := range many {
		many[i] = mustIdentity(t, uint64(1000+i), fmt.Sprintf("a%d", i), "N").Public()
	}
	tests := []struct {
		name      string
		root      ed25519.PrivateKey
		threshold int
		auditors  func() []Auditor
		want      error
	}{
		{"threshold 0", root, 0, pubs, ErrThreshold},
		{"threshold -1", root, -1, pubs, ErrThreshold},
		{"threshold above n", root, 4, pubs, ErrThreshold},
		{"no auditors", root, 1, func() []Auditor { return nil }, ErrAuditorField},
		{"too many auditors", root, 2, func() []Auditor { return many }, ErrAuditorField},
		{"duplicate id", root, 2, func() []Auditor {
			p := pubs()
			p[2] = mustIdentity(t, 77, p[0].ID, "Other").Public()
			return p
		}, ErrDuplicateAuditor},
		{"duplicate Ed25519 key", root, 2, func() []Auditor {
			p := pubs()
			p[1].Ed25519 = p[0].Ed25519
			return p
		}, ErrDuplicateAuditor},
		{"duplicate X-Wing key", root, 2, func() []Auditor {
			p := pubs()
			p[1].XWing = p[0].XWing
			return p
		}, ErrDuplicateAuditor},
		{"auditor key is the root key", root, 2, func() []Auditor {
			p := pubs()
			p[1].Ed25519 = root.Public().(ed25519.PublicKey)
			return p
		}, ErrDuplicateAuditor},
		{"id with upper case", root, 2, func() []Auditor { p := pubs(); p[0].ID = "Auditor-1"; return p }, ErrAuditorField},
		{"id with space", root, 2, func() []Auditor { p := pubs(); p[0].ID = "a b"; return p }, ErrAuditorField},
		{"id too long", root, 2, func() []Auditor { p := pubs(); p[0].ID = strings.Repeat("a", 65); return p }, ErrAuditorField},
		{"empty name", root, 2, func() []Auditor { p := pubs(); p[0].Name = ""; return p }, ErrAuditorField},
		{"name with newline", root, 2, func() []Auditor { p := pubs(); p[0].Name = "A\nsignature x"; return p }, ErrAuditorField},
		{"name with C1 control", root, 2, func() []Auditor { p := pubs(); p[0].Name = "A\u0085"; return p }, ErrAuditorField},
		{"name not UTF-8", root, 2, func() []Auditor { p := pubs(); p[0].Name = "A\xff"; return p }, ErrAuditorField},
		{"short Ed25519 key", root, 2, func() []Auditor { p := pubs(); p[0].Ed25519 = p[0].Ed25519[:31]; return p }, ErrAuditorField},
		{"short X-Wing key", root, 2, func() []Auditor { p := pubs(); p[0].XWing = p[0].XWing[:100]; return p }, ErrAuditorField},
		{"short root key", root[:32], 2, pubs, ErrKeyringFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewKeyring(tt.root, tt.threshold, tt.auditors())
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

// signUnchecked signs a keyring without validating it, as a careless or
// hostile root key holder could.
func signUnchecked(root ed25519.PrivateKey, threshold int, auditors []Auditor) []byte {
	k := &Keyring{Threshold: threshold, Auditors: auditors, Root: root.Public().(ed25519.PublicKey)}
	k.body = k.encodeBody()
	k.Signature = ed25519.Sign(root, signedMessage(k.body))
	return k.Marshal()
}

func TestParseKeyringRefusesSignedInvalid(t *testing.T) {
	_, ids, root := mustKeyring(t, 1, 3, 2)
	pubs := []Auditor{ids[0].Public(), ids[1].Public(), ids[2].Public()}
	dupID := append([]Auditor(nil), pubs...)
	dupID[1] = mustIdentity(t, 5, pubs[0].ID, "Other").Public()
	dupKey := append([]Auditor(nil), pubs...)
	dupKey[2].Ed25519 = pubs[0].Ed25519
	dupX := append([]Auditor(nil), pubs...)
	dupX[2].XWing = pubs[1].XWing
	badX := append([]Auditor(nil), pubs...)
	badX[0].XWing = bytes.Repeat([]byte{0xff}, XWingPublicKeySize)
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"valid", signUnchecked(root, 2, pubs), nil},
		{"threshold 0", signUnchecked(root, 0, pubs), ErrThreshold},
		{"threshold above n", signUnchecked(root, 4, pubs), ErrThreshold},
		{"negative threshold", signUnchecked(root, -2, pubs), ErrThreshold},
		{"duplicate id", signUnchecked(root, 2, dupID), ErrDuplicateAuditor},
		{"duplicate Ed25519 key", signUnchecked(root, 2, dupKey), ErrDuplicateAuditor},
		{"duplicate X-Wing key", signUnchecked(root, 2, dupX), ErrDuplicateAuditor},
		{"invalid X-Wing key", signUnchecked(root, 2, badX), ErrAuditorField},
		{"no auditors", signUnchecked(root, 1, nil), ErrAuditorField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseKeyring(tt.data)
			if tt.want == nil && err != nil || !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestParseKeyringBadSignature(t *testing.T) {
	k, ids, _ := mustKeyring(t, 1, 3, 2)
	other, _, _ := mustKeyring(t, 2, 3, 2)
	pubs := []Auditor{ids[0].Public(), ids[1].Public(), ids[2].Public()}
	// Signed by another key, but claiming the original root.
	forged := signUnchecked(mustRoot(t, 50), 2, pubs)
	forged = bytes.Replace(forged, []byte("root "+b64.EncodeToString(mustRoot(t, 50).Public().(ed25519.PublicKey))),
		[]byte("root "+b64.EncodeToString(k.Root)), 1)
	// The signature of another keyring.
	swapped := append(bytes.Clone(k.Marshal()[:len(k.body)]), "signature "+b64.EncodeToString(other.Signature)+"\n"...)
	// A name change keeps the body canonical.
	renamed := bytes.Replace(k.Marshal(), []byte(`"Auditor B"`), []byte(`"Auditor X"`), 1)
	for name, data := range map[string][]byte{"forged": forged, "swapped": swapped, "renamed": renamed} {
		if _, err := ParseKeyring(data); !errors.Is(err, ErrKeyringSignature) {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func TestParseKeyringVersion(t *testing.T) {
	k, _, _ := mustKeyring(t, 1, 2, 2)
	for _, h := range []string{"kotak-keyring v2", "kotak-keyring v0", "kotak-keyring 1"} {
		data := bytes.Replace(k.Marshal(), []byte(keyringHeader), []byte(h), 1)
		if _, err := ParseKeyring(data); !errors.Is(err, ErrKeyringVersion) {
			t.Errorf("%q: got %v", h, err)
		}
	}
}

// TestParseKeyringNonCanonical: each variant decodes to the same fields, so
// the original signature would verify over the re-encoded body; only the
// canonical-form check can refuse them.
func TestParseKeyringNonCanonical(t *testing.T) {
	k, _, _ := mustKeyring(t, 1, 2, 2)
	data := string(k.Marshal())
	rootB64 := b64.EncodeToString(k.Root)
	tests := map[string]string{
		"CRLF":                  strings.ReplaceAll(data, "\n", "\r\n"),
		"no final newline":      strings.TrimSuffix(data, "\n"),
		"extra final newline":   data + "\n",
		"trailing space":        strings.Replace(data, "threshold 2\n", "threshold 2 \n", 1),
		"threshold 02":          strings.Replace(data, "threshold 2\n", "threshold 02\n", 1),
		"threshold +2":          strings.Replace(data, "threshold 2\n", "threshold +2\n", 1),
		"padded base64":         strings.Replace(data, rootB64, rootB64+"=", 1),
		"escaped name":          strings.Replace(data, `"Auditor A"`, `"\x41uditor A"`, 1),
		"raw-string name":       strings.Replace(data, `"Auditor A"`, "`Auditor A`", 1),
		"double space":          strings.Replace(data, "auditor auditor-a ", "auditor  auditor-a ", 1),
		"blank line":            strings.Replace(data, "threshold 2\n", "threshold 2\n\n", 1),
		"signature line moved":  moveLastLine(data),
		"header in upper case":  strings.Replace(data, keyringHeader, strings.ToUpper(keyringHeader), 1),
		"leading byte-order mk": "\ufeff" + data,
	}
	for name, v := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseKeyring([]byte(v)); !isAny(err, ErrKeyringFormat, ErrKeyringVersion) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func moveLastLine(s string) string {
	lines := strings.SplitAfter(strings.TrimSuffix(s, "\n"), "\n")
	last := lines[len(lines)-1] + "\n"
	rest := strings.Join(lines[:len(lines)-1], "")
	i := strings.Index(rest, "\n")
	return rest[:i+1] + last + rest[i+1:]
}

// TestKeyringEveryByteChange changes every byte of a keyring in several
// ways, truncates it at every line and extends it: each must be refused.
func TestKeyringEveryByteChange(t *testing.T) {
	k, _, _ := mustKeyring(t, 1, 2, 2)
	data := k.Marshal()
	if _, err := ParseKeyring(data); err != nil {
		t.Fatal(err)
	}
	bad := bytes.Clone(data)
	for i := range data {
		// ^0x01 mostly keeps a base64 digit valid, so the signature or the
		// canonical check must catch it; ^0x80 leaves ASCII.
		for _, x := range []byte{0x01, 0x80} {
			bad[i] = data[i] ^ x
			if _, err := ParseKeyring(bad); err == nil {
				t.Fatalf("byte %d ^ %#x accepted", i, x)
			}
		}
		bad[i] = data[i]
	}
	for n := range len(data) {
		if _, err := ParseKeyring(data[:n]); err == nil {
			t.Fatalf("truncation to %d bytes accepted", n)
		}
	}
	if _, err := ParseKeyring(append(bytes.Clone(data), data...)); err == nil {
		t.Fatal("doubled keyring accepted")
	}
	if _, err := ParseKeyring(make([]byte, maxKeyringSize+1)); !errors.Is(err, ErrKeyringFormat) {
		t.Fatalf("oversized input: %v", err)
	}
}

func TestCheckIdentity(t *testing.T) {
	k, ids, _ := mustKeyring(t, 1, 3, 2)
	_, otherIDs, _ := mustKeyring(t, 2, 3, 2) // same auditor ids, other keys
	for _, id := range ids {
		if err := k.CheckIdentity(id); err != nil {
			t.Fatalf("%s: %v", id.AuditorID, err)
		}
	}
	stranger := mustIdentity(t, 9, "auditor-z", "Z")
	tests := map[string]*Identity{
		"other ceremony":   otherIDs[0],
		"unknown auditor":  stranger,
		"nil":              nil,
		"no keys":          {AuditorID: "auditor-a", Name: "A"},
		"other's keys, id": {AuditorID: ids[0].AuditorID, Name: ids[0].Name, xwingSeed: ids[1].xwingSeed, edSeed: ids[0].edSeed},
	}
	for name, id := range tests {
		if err := k.CheckIdentity(id); !errors.Is(err, ErrIdentityMismatch) {
			t.Errorf("%s: got %v", name, err)
		}
	}
}
