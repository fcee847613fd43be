package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kotak/internal/testkit"
	"kotak/vault"
)

func runBackupCmd(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(&cmdEnv{stdin: strings.NewReader(""), stdout: &o, stderr: &e}, args)
	return code, o.String(), e.String()
}

func TestBackupCommand(t *testing.T) {
	kr, _ := testkit.Keyring(t, 2, 2)
	data := filepath.Join(t.TempDir(), "data")
	v, err := vault.Open(data, vault.Options{Keyring: kr})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := v.Submit(vault.Submission{Title: "Sampah menumpuk", Body: "Sampah tidak diangkut dua minggu.",
		Category: "kebersihan", Region: "kota-medan", Privacy: vault.PrivacyAnonymous, Channel: vault.ChannelWeb})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "kotak.backup")

	// While the vault is open in a process that serves no backup socket,
	// the command refuses and says why.
	code, _, stderr := runBackupCmd("backup", "--data", data, "--out", out)
	if code != 1 || !strings.Contains(stderr, "in use by a server that does not answer") {
		t.Fatalf("backup of an open vault: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("a failed backup left a file: %v", err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := runBackupCmd("backup", "--data", data, "--out", out)
	if code != 0 || !strings.Contains(stdout, "wrote") || !strings.Contains(stdout, "master key") {
		t.Fatalf("backup: exit %d, %q, %q", code, stdout, stderr)
	}
	fi, err := os.Stat(out)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, mode %v", err, fi.Mode())
	}
	if code, _, _ := runBackupCmd("backup", "--data", data, "--out", out); code != 1 {
		t.Fatalf("backup over an existing file: exit %d", code)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".kotak-backup-*"))
	if len(leftovers) != 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}

	// Restore: the backup and the master key make a working vault.
	restored := t.TempDir()
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(filepath.Join(data, vault.MasterKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(restored, vault.DatabaseFile), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(restored, vault.MasterKeyFile), key, 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := vault.Open(restored, vault.Options{Keyring: kr})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	c, err := r.Track(sub.Receipt)
	if err != nil || c.ID != sub.ID || c.Title != sub.Title {
		t.Fatalf("restored Track: %+v, %v", c, err)
	}
}

func TestBackupCommandUsage(t *testing.T) {
	tests := [][]string{
		{"backup"},
		{"backup", "--data", "x"},
		{"backup", "--out", "y"},
		{"backup", "--data", "x", "--out", "y", "extra"},
		{"backup", "--bogus"},
	}
	for _, args := range tests {
		if code, _, _ := runBackupCmd(args...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	code, _, stderr := runBackupCmd("backup", "--data", t.TempDir(), "--out", filepath.Join(t.TempDir(), "b"))
	if code != 1 || stderr == "" {
		t.Errorf("backup of an empty directory: exit %d, %q", code, stderr)
	}
}
