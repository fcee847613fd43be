package keys

import (
	"bytes"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func specs(n int) []AuditorSpec {
	s := make([]AuditorSpec, n)
	for i := range s {
		s[i] = AuditorSpec{ID: "auditor-" + string(rune('1'+i)), Name: "Auditor " + string(rune('1'+i))}
	}
	return s
}

func TestCeremony(t *testing.T) {
	for _, nk := range [][2]int{{1, 1}, {3, 2}, {5, 3}, {7, 7}} {
		n, k := nk[0], nk[1]
		c, err := Ceremony(testRand(uint64(n)), specs(n), k)
		if err != nil {
			t.Fatalf("n=%d k=%d: %v", n, k, err)
		}
		if c.Keyring.Threshold != k || c.Keyring.N() != n || len(c.Identities) != n {
			t.Fatalf("n=%d k=%d: got k=%d n=%d", n, k, c.Keyring.Threshold, c.Keyring.N())
		}
		if !c.Keyring.Root.Equal(c.Root.Public()) {
			t.Fatal("keyring root is not the ceremony's root key")
		}
		parsed, err := ParseKeyring(c.Keyring.Marshal())
		if err != nil || parsed.ID() != c.Keyring.ID() {
			t.Fatalf("keyring does not parse back: %v", err)
		}
		for i, id := range c.Identities {
			if id.AuditorID != specs(n)[i].ID || c.Keyring.Auditors[i].ID != id.AuditorID {
				t.Fatalf("auditor %d out of order", i)
			}
			if err := parsed.CheckIdentity(id); err != nil {
				t.Fatal(err)
			}
		}
		again, err := Ceremony(testRand(uint64(n)), specs(n), k)
		if err != nil || again.Keyring.ID() != c.Keyring.ID() {
			t.Fatal("the same randomness gave another keyring")
		}
		fresh, err := Ceremony(testRand(uint64(n)+100), specs(n), k)
		if err != nil || fresh.Keyring.ID() == c.Keyring.ID() {
			t.Fatal("other randomness gave the same keyring")
		}
		c.Wipe()
		if !bytes.Equal(c.Root, make([]byte, len(c.Root))) || !bytes.Equal(c.Identities[0].edSeed, make([]byte, 32)) {
			t.Fatal("Wipe left key material")
		}
	}
}

func TestCeremonyErrors(t *testing.T) {
	dup := specs(3)
	dup[2].ID = dup[0].ID
	badID := specs(2)
	badID[1].ID = "Auditor_2"
	badName := specs(2)
	badName[0].Name = "\x00"
	tests := []struct {
		name      string
		auditors  []AuditorSpec
		threshold int
		want      error
	}{
		{"threshold 0", specs(3), 0, ErrThreshold},
		{"threshold above n", specs(3), 4, ErrThreshold},
		{"no auditors", nil, 1, ErrAuditorField},
		{"too many auditors", make([]AuditorSpec, MaxAuditors+1), 1, ErrAuditorField},
		{"duplicate id", dup, 2, ErrDuplicateAuditor},
		{"bad id", badID, 1, ErrAuditorField},
		{"bad name", badName, 1, ErrAuditorField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Ceremony(testRand(1), tt.auditors, tt.threshold); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func passphrases(n int) [][]byte {
	p := make([][]byte, n)
	for i := range p {
		p[i] = []byte(strings.Repeat(string(rune('a'+i)), 14))
	}
	return p
}

func TestWriteCeremony(t *testing.T) {
	c, err := Ceremony(testRand(1), specs(3), 2)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "ceremony")
	rootPass := []byte("root passphrase, long enough")
	files, err := WriteCeremony(testRand(2), dir, c, rootPass, passphrases(3), testKDF)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]fs.FileMode{RootKeyFileName: 0o600, KeyringFileName: 0o644,
		"auditor-1.key": 0o600, "auditor-2.key": 0o600, "auditor-3.key": 0o600}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Fatalf("%d files in the ceremony directory, want %d", len(entries), len(want))
	}
	for name, perm := range want {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != perm {
			t.Errorf("%s: mode %v, want %v", name, st.Mode().Perm(), perm)
		}
	}
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("directory mode: %v %v", st.Mode().Perm(), err)
	}

	kr, err := LoadKeyring(files.Keyring)
	if err != nil || kr.ID() != c.Keyring.ID() {
		t.Fatalf("keyring: %v", err)
	}
	for i, path := range files.Auditors {
		if filepath.Base(path) != AuditorKeyFileName(kr.Auditors[i].ID) {
			t.Fatalf("auditor %d file %s", i, path)
		}
		id, err := LoadIdentity(path, passphrases(3)[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := kr.CheckIdentity(id); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadIdentity(path, passphrases(3)[(i+1)%3]); !errors.Is(err, ErrWrongPassphrase) {
			t.Fatalf("another auditor's passphrase: %v", err)
		}
	}
	root, err := LoadRootKey(files.RootKey, rootPass)
	if err != nil || !root.Equal(c.Root) {
		t.Fatalf("root key: %v", err)
	}
	// The root key signs a successor keyring.
	next, err := NewKeyring(root, 3, kr.Auditors)
	if err != nil || !next.Root.Equal(kr.Root) {
		t.Fatalf("signing a new keyring with the loaded root: %v", err)
	}

	// A second ceremony into the same directory changes nothing.
	before := readAll(t, dir)
	c2, err := Ceremony(testRand(3), specs(3), 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteCeremony(testRand(4), dir, c2, rootPass, passphrases(3), testKDF); !errors.Is(err, ErrFileExists) {
		t.Fatalf("overwrite: %v", err)
	}
	if after := readAll(t, dir); !maps.Equal(before, after) {
		t.Fatal("a refused ceremony changed the directory")
	}
}

func TestWriteCeremonyRefusals(t *testing.T) {
	c, err := Ceremony(testRand(1), specs(3), 2)
	if err != nil {
		t.Fatal(err)
	}
	rootPass := []byte("root passphrase, long enough")
	tests := []struct {
		name     string
		existing string // a file present before
		root     []byte
		auditors [][]byte
		want     error
	}{
		{"one auditor file exists", "auditor-2.key", rootPass, passphrases(3), ErrFileExists},
		{"keyring exists", KeyringFileName, rootPass, passphrases(3), ErrFileExists},
		{"root key exists", RootKeyFileName, rootPass, passphrases(3), ErrFileExists},
		{"weak root passphrase", "", []byte("short"), passphrases(3), ErrWeakPassphrase},
		{"weak auditor passphrase", "", rootPass, append(passphrases(2), []byte("x")), ErrWeakPassphrase},
		{"missing passphrase", "", rootPass, passphrases(2), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.existing != "" {
				if err := os.WriteFile(filepath.Join(dir, tt.existing), []byte("keep"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			_, err := WriteCeremony(testRand(2), dir, c, tt.root, tt.auditors, testKDF)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			got := readAll(t, dir)
			if tt.existing == "" && len(got) != 0 || tt.existing != "" && (len(got) != 1 || got[tt.existing] != "keep") {
				t.Fatalf("refused ceremony left %v", slices.Sorted(maps.Keys(got)))
			}
		})
	}
	if _, err := WriteCeremony(testRand(2), t.TempDir(), nil, rootPass, passphrases(3), testKDF); err == nil {
		t.Fatal("nil ceremony accepted")
	}
}

func TestWriteKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k.key")
	if err := WriteKeyFile(path, []byte("secret")); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v", st.Mode().Perm(), err)
	}
	err = WriteKeyFile(path, []byte("other"))
	if !errors.Is(err, ErrFileExists) || !errors.Is(err, fs.ErrExist) {
		t.Fatalf("overwrite: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "secret" {
		t.Fatal("existing file changed")
	}
	if err := WriteKeyFile(filepath.Join(dir, "missing", "k.key"), []byte("x")); err == nil {
		t.Fatal("write into a missing directory succeeded")
	}
	// Loaders refuse oversized and missing files before parsing.
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, maxKeyringSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadIdentity(big, testPass); !errors.Is(err, ErrKeyFileFormat) {
		t.Fatalf("oversized key file: %v", err)
	}
	if _, err := LoadRootKey(big, testPass); !errors.Is(err, ErrKeyFileFormat) {
		t.Fatalf("oversized root key file: %v", err)
	}
	if _, err := LoadKeyring(big); !errors.Is(err, ErrKeyringFormat) {
		t.Fatalf("oversized keyring: %v", err)
	}
	if _, err := LoadKeyring(filepath.Join(dir, "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing keyring: %v", err)
	}
	k, _, _ := mustKeyring(t, 1, 2, 1)
	kp := filepath.Join(dir, "keyring.txt")
	if err := WriteKeyring(kp, k); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(kp); err != nil || st.Mode().Perm() != 0o644 {
		t.Fatal("keyring mode")
	}
	if got, err := LoadKeyring(kp); err != nil || got.ID() != k.ID() {
		t.Fatalf("keyring round trip: %v", err)
	}
}

func readAll(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}
