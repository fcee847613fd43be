package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kotak/keys"
	"kotak/vault"
	"kotak/vault/staff"
)

// cheapStaff makes staff password hashing fast in tests.
func cheapStaff(t *testing.T) {
	t.Helper()
	old := staffParams
	staffParams = staff.Params{Time: 1, MemoryKiB: 64, Threads: 1}
	t.Cleanup(func() { staffParams = old })
}

// server is one in-process `kotak serve`.
type server struct {
	base   string
	out    *bufio.Reader
	cancel context.CancelFunc
	done   chan int
	stderr *strings.Builder
	mu     *sync.Mutex
	once   sync.Once
}

type lockedBuilder struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (l lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func startServe(t *testing.T, args ...string) (*server, []string) {
	t.Helper()
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{out: bufio.NewReader(pr), cancel: cancel, done: make(chan int, 1), stderr: &strings.Builder{}, mu: &sync.Mutex{}}
	env := &cmdEnv{stdin: strings.NewReader(""), stdout: pw, stderr: lockedBuilder{s.mu, s.stderr}, ctx: ctx}
	go func() {
		code := run(env, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...))
		pw.Close()
		s.done <- code
	}()
	var lines []string
	for {
		line, err := s.out.ReadString('\n')
		if err != nil {
			s.mu.Lock()
			defer s.mu.Unlock()
			t.Fatalf("serve stopped before listening: %v\n%s\n%s", err, strings.Join(lines, ""), s.stderr)
		}
		lines = append(lines, line)
		if addr, ok := strings.CutPrefix(strings.TrimSpace(line), "kotak: serving on "); ok {
			s.base = addr
			break
		}
	}
	go io.Copy(io.Discard, s.out)
	return s, lines
}

// stop ends the server and checks its exit code; later calls do nothing.
func (s *server) stop(t *testing.T) {
	t.Helper()
	s.once.Do(func() {
		s.cancel()
		select {
		case code := <-s.done:
			if code != 0 {
				t.Errorf("serve exited %d", code)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	})
}

// TestServeDemoShutdownAndRestart runs the demo server, submits while it
// shuts down, and checks on a second start that it reuses the demo and that
// every acknowledged complaint is there.
func TestServeDemoShutdownAndRestart(t *testing.T) {
	cheapKDF(t)
	cheapStaff(t)
	data := filepath.Join(t.TempDir(), "demo")
	s, lines := startServe(t, "--demo", "--data", data, "--submit-rate", "0")
	if !strings.Contains(strings.Join(lines, ""), "made a keyring of 3 auditors (threshold 2)") {
		t.Fatalf("first start output:\n%s", strings.Join(lines, ""))
	}
	var creds demoCredentials
	raw, err := os.ReadFile(filepath.Join(data, demoCredentialsFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &creds); err != nil {
		t.Fatal(err)
	}
	roles := map[vault.Role]int{}
	agencies := map[string]bool{}
	for _, a := range creds.Accounts {
		roles[a.Role]++
		if a.Agency != "" {
			agencies[a.Agency] = true
		}
	}
	if roles[vault.RoleAdmin] < 1 || roles[vault.RoleOfficer] < 1 || roles[vault.RoleAuditor] != 3 || len(agencies) < 2 {
		t.Fatalf("demo accounts: %v, agencies %v", roles, agencies)
	}
	if len(creds.Auditors) != 3 {
		t.Fatalf("demo auditors: %+v", creds.Auditors)
	}
	for _, a := range creds.Auditors {
		if fi, err := os.Stat(a.KeyFile); err != nil || fi.Mode().Perm() != 0o600 || a.Passphrase == "" {
			t.Fatalf("auditor key file %s: %v %v", a.KeyFile, fi, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(data, demoCredentialsFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("credentials.json mode: %v %v", fi, err)
	}

	// Submit from 8 clients; cancel the server part-way through.
	body := `{"title":"Lampu jalan mati","body":"Lampu jalan di RT 03 mati sejak seminggu.","category":"infrastruktur","region":"kab-sleman","privacy":"anonymous"}`
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 40 {
				res, err := client.Post(s.base+"/api/v1/complaints", "application/json", strings.NewReader(body))
				if err != nil {
					return // the server has stopped listening
				}
				var out struct{ ID string }
				_ = json.NewDecoder(res.Body).Decode(&out)
				res.Body.Close()
				if res.StatusCode == http.StatusCreated {
					mu.Lock()
					acked = append(acked, out.ID)
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(150 * time.Millisecond)
	s.stop(t)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no submission was acknowledged before shutdown")
	}

	s2, lines2 := startServe(t, "--demo", "--data", data)
	defer s2.stop(t)
	if !strings.Contains(strings.Join(lines2, ""), "reusing") {
		t.Fatalf("second start did not reuse the demo:\n%s", strings.Join(lines2, ""))
	}
	token := loginAs(t, s2.base, creds, "admin")
	for _, id := range acked {
		req, _ := http.NewRequest("GET", s2.base+"/api/v1/complaints/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("acknowledged complaint %s: %d after restart", id, res.StatusCode)
		}
	}
	t.Logf("%d submissions acknowledged across shutdown, all present after restart", len(acked))
}

func loginAs(t *testing.T, base string, creds demoCredentials, username string) string {
	t.Helper()
	for _, a := range creds.Accounts {
		if a.Username != username {
			continue
		}
		body := fmt.Sprintf(`{"username":%q,"password":%q}`, a.Username, a.Password)
		res, err := http.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out struct{ Token string }
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Token == "" {
			t.Fatalf("login %s: %d %v", username, res.StatusCode, err)
		}
		return out.Token
	}
	t.Fatalf("no demo account %s", username)
	return ""
}

// TestServeRetention: a server started with --retention shreds archived
// complaints older than the period, keeping the rest.
func TestServeRetention(t *testing.T) {
	cheapKDF(t)
	cheapStaff(t)
	data := filepath.Join(t.TempDir(), "demo")
	s, _ := startServe(t, "--demo", "--data", data, "--submit-rate", "0")
	raw, _ := os.ReadFile(filepath.Join(data, demoCredentialsFile))
	var creds demoCredentials
	if err := json.Unmarshal(raw, &creds); err != nil {
		t.Fatal(err)
	}
	submit := func() string {
		body := `{"title":"Iklan","body":"Promo pinjaman online.","category":"lainnya","region":"kab-sleman","privacy":"anonymous"}`
		res, err := http.Post(s.base+"/api/v1/complaints", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out struct{ ID string }
		json.NewDecoder(res.Body).Decode(&out)
		return out.ID
	}
	spam, kept := submit(), submit()
	admin := loginAs(t, s.base, creds, "admin")
	req, _ := http.NewRequest("POST", s.base+"/api/v1/complaints/"+spam+"/archive", strings.NewReader(`{"reason":"spam"}`))
	req.Header.Set("Authorization", "Bearer "+admin)
	req.Header.Set("Content-Type", "application/json")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("archive: %v %v", res, err)
	}
	s.stop(t)

	s2, _ := startServe(t, "--demo", "--data", data, "--retention", "1ns")
	defer s2.stop(t)
	admin = loginAs(t, s2.base, creds, "admin")
	status := func(id string) int {
		req, _ := http.NewRequest("GET", s2.base+"/api/v1/complaints/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+admin)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	deadline := time.Now().Add(10 * time.Second)
	for status(spam) != http.StatusGone {
		if time.Now().After(deadline) {
			t.Fatalf("archived complaint not shredded: %d", status(spam))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := status(kept); got != http.StatusOK {
		t.Fatalf("open complaint after the purge: %d", got)
	}
}

// TestServeKeyringPin: a server pinned to another keyring id refuses to
// start; pinned to its own, it starts and is ready.
func TestServeKeyringPin(t *testing.T) {
	cheapKDF(t)
	cheapStaff(t)
	data := filepath.Join(t.TempDir(), "demo")
	s, _ := startServe(t, "--demo", "--data", data)
	res, err := http.Get(s.base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	var ready struct {
		Ready   bool
		Details map[string]string
	}
	json.NewDecoder(res.Body).Decode(&ready)
	res.Body.Close()
	if res.StatusCode != 200 || !ready.Ready || ready.Details["database"] != "ok" || ready.Details["holidays"] == "" {
		t.Fatalf("readyz: %d %+v", res.StatusCode, ready)
	}
	s.stop(t)
	raw, _ := os.ReadFile(filepath.Join(data, demoCredentialsFile))
	var creds demoCredentials
	if err := json.Unmarshal(raw, &creds); err != nil {
		t.Fatal(err)
	}
	kr, err := keys.LoadKeyring(creds.Keyring)
	if err != nil {
		t.Fatal(err)
	}
	wrong := strings.Repeat("ab", 32)
	r := runCmd("", "serve", "--data", data, "--keyring", creds.Keyring, "--keyring-id", wrong, "--addr", "127.0.0.1:0")
	if r.code != 1 || !strings.Contains(r.stderr, "not the pinned "+wrong) {
		t.Fatalf("wrong pin: %d %s", r.code, r.stderr)
	}
	s2, _ := startServe(t, "--data", data, "--keyring", creds.Keyring, "--keyring-id", strings.ToUpper(kr.ID().String()))
	s2.stop(t)
}

// TestHotBackupThroughDataDir: `kotak backup --data DIR` while a server runs
// on DIR gets a consistent copy from that server; the copy, with the master
// key, opens and holds the complaints acknowledged before it.
func TestHotBackupThroughDataDir(t *testing.T) {
	cheapKDF(t)
	cheapStaff(t)
	data := filepath.Join(t.TempDir(), "demo")
	s, _ := startServe(t, "--demo", "--data", data, "--submit-rate", "0")
	var ids []string
	for range 3 {
		body := `{"title":"Air PDAM keruh","body":"Air keruh sejak Senin.","category":"infrastruktur","region":"kab-sleman","privacy":"anonymous"}`
		res, err := http.Post(s.base+"/api/v1/complaints", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var out struct{ ID string }
		json.NewDecoder(res.Body).Decode(&out)
		res.Body.Close()
		ids = append(ids, out.ID)
	}
	out := filepath.Join(t.TempDir(), "hot.db")
	r := runCmd("", "backup", "--data", data, "--out", out)
	if r.code != 0 || !strings.Contains(r.stdout, "(checked)") {
		t.Fatalf("hot backup: %d %s %s", r.code, r.stdout, r.stderr)
	}
	s.stop(t)
	if _, err := os.Stat(filepath.Join(data, backupSocketFile)); !os.IsNotExist(err) {
		t.Fatalf("the backup socket outlived the server: %v", err)
	}

	restored := t.TempDir()
	copyFile(t, out, filepath.Join(restored, vault.DatabaseFile))
	copyFile(t, filepath.Join(data, vault.MasterKeyFile), filepath.Join(restored, vault.MasterKeyFile))
	raw, _ := os.ReadFile(filepath.Join(data, demoCredentialsFile))
	var creds demoCredentials
	if err := json.Unmarshal(raw, &creds); err != nil {
		t.Fatal(err)
	}
	kr, err := keys.LoadKeyring(creds.Keyring)
	if err != nil {
		t.Fatal(err)
	}
	v, err := vault.Open(restored, vault.Options{Keyring: kr})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	for _, id := range ids {
		if _, err := v.Get(vault.Actor{Role: vault.RoleAdmin, ID: "admin"}, id); err != nil {
			t.Fatalf("complaint %s in the hot backup: %v", id, err)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
