package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kotak/keys"
)

// cheapKDF makes keys init fast in tests; production uses keys.DefaultKDFParams.
func cheapKDF(t *testing.T) {
	t.Helper()
	old := keysInitKDF
	keysInitKDF = keys.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}
	t.Cleanup(func() { keysInitKDF = old })
}

type result struct {
	code           int
	stdout, stderr string
}

func runCmd(stdin string, args ...string) result {
	var out, errb bytes.Buffer
	code := run(&cmdEnv{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}, args)
	return result{code, out.String(), errb.String()}
}

func writePassFile(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pass.txt")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

var testPassLines = []string{"passphrase of auditor one", "passphrase of auditor two", "passphrase of auditor three", "root passphrase for the ministry"}

func TestKeysInitAndVerify(t *testing.T) {
	cheapKDF(t)
	dir := filepath.Join(t.TempDir(), "ceremony")
	pf := writePassFile(t, testPassLines...)
	r := runCmd("", "keys", "init", "--auditors", "3", "--threshold", "2", "--out", dir,
		"--passphrase-file", pf, "--names", "Siti Rahmawati, Budi Santoso ,I Wayan Sudarma")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	kr, err := keys.LoadKeyring(filepath.Join(dir, keys.KeyringFileName))
	if err != nil {
		t.Fatal(err)
	}
	if kr.Threshold != 2 || kr.N() != 3 || kr.Auditors[1].Name != "Budi Santoso" {
		t.Fatalf("keyring: k=%d n=%d name %q", kr.Threshold, kr.N(), kr.Auditors[1].Name)
	}
	for _, want := range []string{kr.ID().String(), filepath.Join(dir, keys.RootKeyFileName), filepath.Join(dir, keys.KeyringFileName)} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("init output lacks %q:\n%s", want, r.stdout)
		}
	}
	for i, a := range kr.Auditors {
		path := filepath.Join(dir, keys.AuditorKeyFileName(a.ID))
		if !strings.Contains(r.stdout, path) || !strings.Contains(r.stdout, a.Fingerprint()) {
			t.Errorf("init output lacks %s or its fingerprint", path)
		}
		st, err := os.Stat(path)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", path, st.Mode().Perm(), err)
		}
		id, err := keys.LoadIdentity(path, []byte(testPassLines[i]))
		if err != nil {
			t.Fatalf("%s with line %d: %v", path, i+1, err)
		}
		if err := kr.CheckIdentity(id); err != nil {
			t.Fatal(err)
		}
	}
	root, err := keys.LoadRootKey(filepath.Join(dir, keys.RootKeyFileName), []byte(testPassLines[3]))
	if err != nil || !kr.Root.Equal(root.Public()) {
		t.Fatalf("root key with line 4: %v", err)
	}
	for _, line := range testPassLines {
		if strings.Contains(r.stdout+r.stderr, line) {
			t.Fatal("a passphrase appears in the output")
		}
	}

	v := runCmd("", "keys", "verify", filepath.Join(dir, keys.KeyringFileName))
	if v.code != 0 {
		t.Fatalf("verify exit %d: %s", v.code, v.stderr)
	}
	for _, want := range []string{kr.ID().String(), "threshold: 2\n", "auditors:  3\n", kr.RootFingerprint()} {
		if !strings.Contains(v.stdout, want) {
			t.Errorf("verify output lacks %q:\n%s", want, v.stdout)
		}
	}
	for _, a := range kr.Auditors {
		if !strings.Contains(v.stdout, a.ID) || !strings.Contains(v.stdout, fmt.Sprintf("%q", a.Name)) ||
			!strings.Contains(v.stdout, a.Fingerprint()) {
			t.Errorf("verify output lacks auditor %s:\n%s", a.ID, v.stdout)
		}
	}

	// A second ceremony into the same directory is refused and changes nothing.
	before, _ := os.ReadFile(filepath.Join(dir, keys.KeyringFileName))
	again := runCmd("", "keys", "init", "--auditors", "3", "--threshold", "2", "--out", dir, "--passphrase-file", pf)
	after, _ := os.ReadFile(filepath.Join(dir, keys.KeyringFileName))
	if again.code == 0 || !strings.Contains(again.stderr, "already exists") || !bytes.Equal(before, after) {
		t.Fatalf("second ceremony: exit %d, %s", again.code, again.stderr)
	}
}

func TestKeysVerifyRefusesChanges(t *testing.T) {
	cheapKDF(t)
	dir := t.TempDir()
	if r := runCmd("", "keys", "init", "--auditors", "2", "--threshold", "1", "--out", dir,
		"--passphrase-file", writePassFile(t, testPassLines[0], testPassLines[1], testPassLines[3])); r.code != 0 {
		t.Fatalf("init: %s", r.stderr)
	}
	orig, err := os.ReadFile(filepath.Join(dir, keys.KeyringFileName))
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "changed.txt")
	verify := func(data []byte) result {
		t.Helper()
		if err := os.WriteFile(bad, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return runCmd("", "keys", "verify", bad)
	}
	if r := verify(orig); r.code != 0 {
		t.Fatalf("unchanged copy refused: %s", r.stderr)
	}
	named := []struct {
		name   string
		data   []byte
		reason string
	}{
		{"renamed auditor", bytes.Replace(orig, []byte(`"Auditor 2"`), []byte(`"Auditor 3"`), 1), "bad keyring signature"},
		{"threshold raised", bytes.Replace(orig, []byte("threshold 1\n"), []byte("threshold 2\n"), 1), "bad keyring signature"},
		{"threshold 0", bytes.Replace(orig, []byte("threshold 1\n"), []byte("threshold 0\n"), 1), "threshold outside 1..n"},
		{"future version", bytes.Replace(orig, []byte("kotak-keyring v1"), []byte("kotak-keyring v2"), 1), "unknown keyring version"},
		{"truncated", orig[:len(orig)-10], "malformed keyring"},
		{"CRLF", bytes.ReplaceAll(orig, []byte("\n"), []byte("\r\n")), "malformed keyring"},
		{"line appended", append(bytes.Clone(orig), "auditor x\n"...), "malformed keyring"},
		{"empty", nil, "malformed keyring"},
	}
	for _, tt := range named {
		r := verify(tt.data)
		if r.code != 1 || !strings.Contains(r.stderr, tt.reason) {
			t.Errorf("%s: exit %d, stderr %q, want reason %q", tt.name, r.code, r.stderr, tt.reason)
		}
	}
	// A spread of byte positions, one change each: keys' tests change every
	// byte of a keyring; here the point is the exit status and a reason.
	for i := 0; i < len(orig); i += 1 + len(orig)/64 {
		data := bytes.Clone(orig)
		data[i] ^= 0x01
		if r := verify(data); r.code != 1 || !strings.Contains(r.stderr, "keys: ") {
			t.Fatalf("byte %d changed: exit %d, stderr %q", i, r.code, r.stderr)
		}
	}
	for _, args := range [][]string{{}, {"a", "b"}, {"--help"}} {
		if r := runCmd("", append([]string{"keys", "verify"}, args...)...); r.code != 2 {
			t.Errorf("verify %v: exit %d", args, r.code)
		}
	}
	if r := runCmd("", "keys", "verify", filepath.Join(dir, "missing.txt")); r.code != 1 || !strings.Contains(r.stderr, "no such file") {
		t.Errorf("missing file: exit %d, %s", r.code, r.stderr)
	}
}

func TestKeysInitPrompt(t *testing.T) {
	cheapKDF(t)
	twice := func(ps ...string) string {
		var b strings.Builder
		for _, p := range ps {
			b.WriteString(p + "\n" + p + "\n")
		}
		return b.String()
	}
	dir := filepath.Join(t.TempDir(), "out")
	r := runCmd(twice(testPassLines[0], testPassLines[1], testPassLines[3]),
		"keys", "init", "--auditors", "2", "--threshold", "2", "--out", dir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if strings.Count(r.stderr, "Passphrase for ") != 3 || strings.Count(r.stderr, "Repeat it: ") != 3 {
		t.Fatalf("prompts:\n%s", r.stderr)
	}
	if _, err := keys.LoadIdentity(filepath.Join(dir, "auditor-2.key"), []byte(testPassLines[1])); err != nil {
		t.Fatal(err)
	}
	if _, err := keys.LoadRootKey(filepath.Join(dir, keys.RootKeyFileName), []byte(testPassLines[3])); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, stdin, reason string
	}{
		{"entries differ", testPassLines[0] + "\n" + testPassLines[1] + "\n", "differ"},
		{"too short", "short pass\nshort pass\n", "shorter than 12 characters"},
		{"reused", twice(testPassLines[0], testPassLines[0]), "same as the one for auditor auditor-1"},
		{"input ends", twice(testPassLines[0]), "input ended"},
		{"no input", "", "input ended"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			r := runCmd(tt.stdin, "keys", "init", "--auditors", "2", "--threshold", "1", "--out", dir)
			if r.code != 1 || !strings.Contains(r.stderr, tt.reason) {
				t.Fatalf("exit %d, stderr %q, want %q", r.code, r.stderr, tt.reason)
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Fatal("a refused ceremony made its directory")
			}
		})
	}
}

func TestKeysInitRefusals(t *testing.T) {
	cheapKDF(t)
	good := writePassFile(t, testPassLines...)
	short := writePassFile(t, testPassLines[0], "only eleven", testPassLines[2], testPassLines[3])
	dup := writePassFile(t, testPassLines[0], testPassLines[1], testPassLines[0], testPassLines[3])
	few := writePassFile(t, testPassLines[:3]...)
	many := writePassFile(t, append(testPassLines, "one more passphrase line")...)
	crlf := filepath.Join(t.TempDir(), "crlf.txt")
	if err := os.WriteFile(crlf, []byte(strings.Join(testPassLines, "\r\n")+"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		reason string
	}{
		{"threshold above n", []string{"--auditors", "3", "--threshold", "4", "--passphrase-file", good}, 2, "--threshold"},
		{"threshold 0", []string{"--auditors", "3", "--threshold", "0", "--passphrase-file", good}, 2, "--threshold"},
		{"no auditors", []string{"--auditors", "0", "--threshold", "1", "--passphrase-file", good}, 2, "--auditors"},
		{"65 auditors", []string{"--auditors", "65", "--threshold", "1", "--passphrase-file", good}, 2, "--auditors"},
		{"no --out", []string{"--auditors", "3", "--threshold", "2", "--passphrase-file", good, "--out", ""}, 2, "--out"},
		{"stray argument", []string{"--auditors", "3", "--threshold", "2", "--passphrase-file", good, "extra"}, 2, "unexpected argument"},
		{"unknown flag", []string{"--auditors", "3", "--threshold", "2", "--bogus"}, 2, "bogus"},
		{"names count", []string{"--auditors", "3", "--threshold", "2", "--passphrase-file", good, "--names", "A,B"}, 1, "2 names for 3 auditors"},
		{"empty name", []string{"--auditors", "3", "--threshold", "2", "--passphrase-file", good, "--names", "A,,C"}, 1, "invalid auditor field"},
		{"short passphrase", []string{"--auditors", "3", "--threshold", "2", "--passphrase-file", short}, 1, "line 2"},
		{"duplicate passphrase", []string{"--auditors", "3", "--threshold", "2", "--passphrase-file", dup}, 1, "line 3"},
		{"too few lines", []string{"--auditors", "3", "--threshold", "2", "--passphrase-file", few}, 1, "3 lines, want 4"},
		{"too many lines", []string{"--auditors", "3", "--threshold", "2", "--passphrase-file", many}, 1, "5 lines, want 4"},
		{"missing file", []string{"--auditors", "3", "--threshold", "2", "--passphrase-file", good + ".none"}, 1, "no such file"},
		{"CRLF file works", []string{"--auditors", "3", "--threshold", "2", "--passphrase-file", crlf}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			args := append([]string{"keys", "init", "--out", dir}, tt.args...)
			r := runCmd("", args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.reason) {
				t.Fatalf("exit %d (want %d), stderr %q, want %q", r.code, tt.code, r.stderr, tt.reason)
			}
			if tt.code == 0 {
				if _, err := keys.LoadIdentity(filepath.Join(dir, "auditor-3.key"), []byte(testPassLines[2])); err != nil {
					t.Fatal(err)
				}
				return
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Fatal("a refused ceremony made its directory")
			}
		})
	}
	// A world-readable passphrase file works but draws a warning.
	open := writePassFile(t, testPassLines...)
	if err := os.Chmod(open, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCmd("", "keys", "init", "--auditors", "3", "--threshold", "2", "--out", filepath.Join(t.TempDir(), "o"), "--passphrase-file", open)
	if r.code != 0 || !strings.Contains(r.stderr, "readable by other users") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}
