package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kotak/internal/testkit"
	"kotak/keys"
	"kotak/vault"
	"kotak/vault/directory"
	"kotak/vault/staff"
)

// cheapUserParams makes user add fast in tests; production uses staff.DefaultParams.
func cheapUserParams(t *testing.T) {
	t.Helper()
	old := userAddParams
	userAddParams = staff.Params{Time: 1, MemoryKiB: 64, Threads: 1}
	t.Cleanup(func() { userAddParams = old })
}

// userDataDir makes a data folder holding a 1-of-2 keyring with auditors
// "auditor-1" and "auditor-2".
func userDataDir(t *testing.T) (string, *keys.Keyring) {
	t.Helper()
	kr, _ := testkit.Keyring(t, 2, 1)
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := keys.WriteKeyring(filepath.Join(dir, keys.KeyringFileName), kr); err != nil {
		t.Fatal(err)
	}
	return dir, kr
}

// withVault opens the vault in dir, runs fn on its store and closes it.
func withVault(t *testing.T, dir string, kr *keys.Keyring, fn func(st vault.Store)) {
	t.Helper()
	v, err := vault.Open(dir, vault.Options{Keyring: kr, Buckets: append(append([][]byte(nil), staff.Buckets...), directory.Buckets...)})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	fn(v.Store())
}

const userPass = "kata sandi yang panjang sekali"

func TestUserAdd(t *testing.T) {
	cheapUserParams(t)
	dir, kr := userDataDir(t)
	withVault(t, dir, kr, func(st vault.Store) {
		if err := directory.New(st).PutAgency(directory.Agency{ID: "dinkes", Name: "Dinas Kesehatan"}); err != nil {
			t.Fatal(err)
		}
	})
	pf := writePassFile(t, userPass, "ignored second line")
	tests := []struct {
		name   string
		args   []string
		stdin  string
		stdout string
		login  string // the password that must log in afterwards
	}{
		{"admin from file", []string{"--username", "admin.pusat", "--role", "admin", "--password-file", pf},
			"", `added admin account "admin.pusat"`, userPass},
		{"agency from file", []string{"--username", "siti", "--role", "agency", "--agency", "dinkes", "--password-file", pf},
			"", `added agency account "siti" for agency dinkes`, userPass},
		{"auditor prompted", []string{"--username", "maya", "--role", "auditor", "--auditor-id", "auditor-2"},
			"password typed twice\npassword typed twice\n", `added auditor account "maya" for keyring auditor auditor-2`, "password typed twice"},
		{"officer prompted, CRLF", []string{"--username", "officer-1", "--role", "officer"},
			"windows line ending\r\nwindows line ending\r\n", `added officer account "officer-1"`, "windows line ending"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(tt.stdin, append([]string{"user", "add", "--data", dir}, tt.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if strings.TrimSpace(r.stdout) != tt.stdout {
				t.Fatalf("stdout %q", r.stdout)
			}
			if strings.Contains(r.stdout+r.stderr, tt.login) {
				t.Fatal("the password was printed")
			}
			username := tt.args[1]
			withVault(t, dir, kr, func(st vault.Store) {
				s := staff.New(st, staff.Options{Params: userAddParams})
				if _, _, _, err := s.Login(username, tt.login); err != nil {
					t.Fatalf("login: %v", err)
				}
				if _, _, _, err := s.Login(username, tt.login+" "); !errors.Is(err, staff.ErrBadCredentials) {
					t.Fatalf("login with another password: %v", err)
				}
			})
		})
	}
}

func TestUserAddRefusals(t *testing.T) {
	cheapUserParams(t)
	dir, kr := userDataDir(t)
	pf := writePassFile(t, userPass)
	short := writePassFile(t, "pendek")
	empty := writePassFile(t, "")
	if r := runCmd("", "user", "add", "--data", dir, "--username", "budi", "--role", "admin", "--password-file", pf); r.code != 0 {
		t.Fatalf("setup: %s", r.stderr)
	}
	tests := []struct {
		name  string
		args  []string
		stdin string
		code  int
		msg   string
	}{
		{"no data", []string{"--username", "x1y", "--role", "admin"}, "", 2, "--data is required"},
		{"no username", []string{"--data", dir, "--role", "admin"}, "", 2, "--username is required"},
		{"bad username", []string{"--data", dir, "--username", "Budi", "--role", "admin"}, "", 2, "--username must be"},
		{"bad role", []string{"--data", dir, "--username", "ani", "--role", "reporter"}, "", 2, "--role must be"},
		{"agency without id", []string{"--data", dir, "--username", "ani", "--role", "agency"}, "", 2, "--agency is required"},
		{"agency on officer", []string{"--data", dir, "--username", "ani", "--role", "officer", "--agency", "dinkes"}, "", 2, "--agency is only"},
		{"auditor without id", []string{"--data", dir, "--username", "ani", "--role", "auditor"}, "", 2, "--auditor-id is required"},
		{"extra argument", []string{"--data", dir, "--username", "ani", "--role", "admin", "extra"}, "", 2, "unexpected argument"},
		{"unknown flag", []string{"--data", dir, "--user", "ani"}, "", 2, "flag provided but not defined"},
		{"no keyring", []string{"--data", t.TempDir(), "--username", "ani", "--role", "admin", "--password-file", pf}, "", 1, "reading the keyring"},
		{"auditor not in keyring", []string{"--data", dir, "--username", "ani", "--role", "auditor", "--auditor-id", "auditor-9", "--password-file", pf}, "", 1, "--auditor-id: no such auditor"},
		{"unknown agency", []string{"--data", dir, "--username", "ani", "--role", "agency", "--agency", "dinsos", "--password-file", pf}, "", 1, "--agency: unknown agency"},
		{"duplicate", []string{"--data", dir, "--username", "budi", "--role", "officer", "--password-file", pf}, "", 1, `an account "budi" already exists`},
		{"short password", []string{"--data", dir, "--username", "ani", "--role", "admin", "--password-file", short}, "", 1, "password: must be at least 12 characters"},
		{"empty password file", []string{"--data", dir, "--username", "ani", "--role", "admin", "--password-file", empty}, "", 1, "first line is empty"},
		{"missing password file", []string{"--data", dir, "--username", "ani", "--role", "admin", "--password-file", filepath.Join(dir, "nope")}, "", 1, "reading the password file"},
		{"entries differ", []string{"--data", dir, "--username", "ani", "--role", "admin"}, "kata sandi pertama\nkata sandi kedua!!\n", 1, "the two entries differ"},
		{"input ends", []string{"--data", dir, "--username", "ani", "--role", "admin"}, "kata sandi pertama\n", 1, "input ended"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(tt.stdin, append([]string{"user", "add"}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.msg) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.code, tt.msg)
			}
			if strings.Contains(r.stderr, userPass) || strings.Contains(r.stderr, "pendek") || strings.Contains(r.stderr, "kata sandi") {
				t.Fatal("a password was printed")
			}
		})
	}
	// Only the setup account exists, with its own role.
	withVault(t, dir, kr, func(st vault.Store) {
		users, err := staff.New(st, staff.Options{}).Users()
		if err != nil || len(users) != 1 || users[0].Username != "budi" || users[0].Role != vault.RoleAdmin {
			t.Fatalf("users %+v %v", users, err)
		}
	})
}
