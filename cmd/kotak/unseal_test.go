package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"kotak/vault"
	"kotak/vault/auditlog"

	"kotak/vault/unseal"
)

const (
	unsealTestBody = "Saya Budi Santoso (NIK 3404012303850001) diminta membayar Rp 200.000 untuk surat pindah."
	unsealTestJust = "Penetapan Pengadilan Negeri Sleman No. 12/Pid/2026: pelapor dipanggil sebagai saksi."
)

// demoUnseal is a running demo server with one anonymous complaint.
type demoUnseal struct {
	s         *server
	data      string
	creds     demoCredentials
	complaint string
	receipt   string
	dir       string // the test's files
}

func startDemoUnseal(t *testing.T) *demoUnseal {
	t.Helper()
	cheapKDF(t)
	cheapStaff(t)
	d := &demoUnseal{data: filepath.Join(t.TempDir(), "demo"), dir: t.TempDir()}
	d.s, _ = startServe(t, "--demo", "--data", d.data, "--submit-rate", "0", "--login-rate", "0")
	t.Cleanup(func() { d.s.stop(t) })
	raw, err := os.ReadFile(filepath.Join(d.data, demoCredentialsFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &d.creds); err != nil {
		t.Fatal(err)
	}
	body := `{"title":"Pungli di kantor desa","body":"` + unsealTestBody + `","category":"pungli","region":"kab-sleman",` +
		`"privacy":"anonymous","reporter":{"name":"Budi Santoso","nik":"3404012303850001","phone":"081234567890"}}`
	res, err := http.Post(d.s.base+"/api/v1/complaints", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ ID, Receipt string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("submit: %d %v", res.StatusCode, err)
	}
	d.complaint, d.receipt = out.ID, out.Receipt
	return d
}

// auditorArgs are the flags of `kotak auditor` for demo auditor i (1-based).
func (d *demoUnseal) auditorArgs(t *testing.T, i int, extra ...string) []string {
	t.Helper()
	a := d.creds.Auditors[i-1]
	pf := filepath.Join(d.dir, a.ID+".pass")
	if err := os.WriteFile(pf, []byte(a.Passphrase+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"--server", d.s.base, "--token", loginAs(t, d.s.base, d.creds, a.ID), "--key", a.KeyFile,
		"--passphrase-file", pf}
	return append(args, extra...)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// TestUnsealCommandsEndToEnd drives the whole flow with the commands
// against `kotak serve --demo` (2 of 3 auditors).
func TestUnsealCommandsEndToEnd(t *testing.T) {
	d := startDemoUnseal(t)
	officer := loginAs(t, d.s.base, d.creds, "officer")
	key := filepath.Join(d.dir, "recipient.key")

	// A request the server refuses leaves no key behind.
	r0 := runCmd("", "unseal", "request", "--server", d.s.base, "--token", officer, "--complaint", d.complaint,
		"--legal-basis", "curiosity", "--justification", unsealTestJust, "--key-out", key)
	if r0.code != 1 || !strings.Contains(r0.stderr, "legal_basis") {
		t.Fatalf("refused request: %d %s", r0.code, r0.stderr)
	}
	if _, err := os.Stat(key); !os.IsNotExist(err) {
		t.Fatalf("the key of a refused request was kept: %v", err)
	}

	r := runCmd("", "unseal", "request", "--server", d.s.base, "--token", officer, "--complaint", d.complaint,
		"--legal-basis", "court_order", "--justification", unsealTestJust, "--key-out", key)
	if r.code != 0 {
		t.Fatalf("unseal request: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	rid := lastLine(r.stdout)
	if !unseal.ValidRequestID(rid) {
		t.Fatalf("last line %q is not a request id:\n%s", rid, r.stdout)
	}
	fi, err := os.Stat(key)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("recipient key file: %v %v", fi, err)
	}
	fp := ""
	for _, l := range strings.Split(r.stdout, "\n") {
		if v, ok := strings.CutPrefix(l, "fingerprint:"); ok {
			fp = strings.TrimSpace(v)
		}
	}
	if len(fp) != 24 {
		t.Fatalf("no fingerprint in:\n%s", r.stdout)
	}
	// The same --key-out is never overwritten.
	if again := runCmd("", "unseal", "request", "--server", d.s.base, "--token", officer, "--complaint", d.complaint,
		"--legal-basis", "court_order", "--justification", unsealTestJust, "--key-out", key); again.code != 1 || !strings.Contains(again.stderr, "exists") {
		t.Fatalf("second request onto the same key file: %d %s", again.code, again.stderr)
	}
	reveal := func() result {
		return runCmd("", "unseal", "reveal", "--server", d.s.base, "--token", officer, "--key", key,
			"--keyring", d.creds.Keyring, rid)
	}

	// A wrong fingerprint: nothing is signed.
	r = runCmd("", append(append([]string{"auditor", "approve"}, d.auditorArgs(t, 1, "--yes", "--fingerprint", "0000:0000:0000:0000:0000")...), rid)...)
	if r.code != 1 || !strings.Contains(r.stderr, "nothing signed") {
		t.Fatalf("approve with a wrong fingerprint: %d %s", r.code, r.stderr)
	}
	// Declining at the prompt: nothing is signed.
	r = runCmd("no\n", append(append([]string{"auditor", "approve"}, d.auditorArgs(t, 1)...), rid)...)
	if r.code != 1 || !strings.Contains(r.stdout, "Nothing signed") {
		t.Fatalf("approve, answered no: %d %s %s", r.code, r.stdout, r.stderr)
	}

	// One approval, with the fingerprint the officer read out.
	r = runCmd("", append(append([]string{"auditor", "approve"}, d.auditorArgs(t, 1, "--yes", "--fingerprint", fp,
		"--keyring", d.creds.Keyring)...), rid)...)
	if r.code != 0 || !strings.Contains(r.stdout, "is pending (1 of 2 approvals") {
		t.Fatalf("first approval: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, unsealTestJust) || !strings.Contains(r.stdout, fp) || strings.Contains(r.stdout, "Budi") {
		t.Fatalf("what the auditor was shown:\n%s", r.stdout)
	}
	// Not enough: reveal exits non-zero and shows nothing.
	r = reveal()
	if r.code != 1 || !strings.Contains(r.stderr, "nothing revealed") || strings.Contains(r.stdout+r.stderr, "Budi") ||
		strings.Contains(r.stdout+r.stderr, "3404012303850001") {
		t.Fatalf("reveal after one approval: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A denial by auditor 3 leaves k reachable.
	r = runCmd("", append(append([]string{"auditor", "deny"}, d.auditorArgs(t, 3, "--yes")...), rid)...)
	if r.code != 0 || !strings.Contains(r.stdout, "is pending (1 of 2 approvals, 1 denials)") {
		t.Fatalf("denial: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Auditor 1 cannot decide twice.
	r = runCmd("", append(append([]string{"auditor", "approve"}, d.auditorArgs(t, 1, "--yes")...), rid)...)
	if r.code != 1 || !strings.Contains(r.stderr, "duplicate_decision") {
		t.Fatalf("second decision: %d %s", r.code, r.stderr)
	}
	// The second approval, answered yes at the prompt.
	r = runCmd("yes\n", append(append([]string{"auditor", "approve"}, d.auditorArgs(t, 2)...), rid)...)
	if r.code != 0 || !strings.Contains(r.stdout, "is approved (2 of 2 approvals") {
		t.Fatalf("second approval: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Now the reveal prints exactly the submitted identity and text.
	r = reveal()
	if r.code != 0 {
		t.Fatalf("reveal: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"name:    Budi Santoso\n", "NIK:     3404012303850001\n", "phone:   081234567890\n",
		"original title: Pungli di kantor desa\n", "  " + unsealTestBody + "\n", "approved by:  auditor-1, auditor-2\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("reveal output lacks %q:\n%s", want, r.stdout)
		}
	}
	// Another key file does not open it.
	other := filepath.Join(d.dir, "other.key")
	if o := runCmd("", "unseal", "request", "--server", d.s.base, "--token", officer, "--complaint", d.complaint,
		"--legal-basis", "threat_to_life", "--justification", unsealTestJust, "--key-out", other); o.code != 0 {
		t.Fatalf("second request: %s", o.stderr)
	}
	r = runCmd("", "unseal", "reveal", "--server", d.s.base, "--token", officer, "--key", other, rid)
	if r.code != 1 || !strings.Contains(r.stderr, "is not the recipient key") || strings.Contains(r.stdout, "Budi") {
		t.Fatalf("reveal with another key: %d %s", r.code, r.stderr)
	}

	// The reporter sees the disclosure, and the audit log verifies.
	req, _ := http.NewRequest("GET", d.s.base+"/api/v1/track", nil)
	req.Header.Set("Authorization", "Receipt "+d.receipt)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tv struct {
		Disclosures []struct {
			RequestID  string `json:"request_id"`
			LegalBasis string `json:"legal_basis"`
			Checkpoint string `json:"checkpoint"`
		}
	}
	_ = json.NewDecoder(res.Body).Decode(&tv)
	res.Body.Close()
	if len(tv.Disclosures) != 1 || tv.Disclosures[0].RequestID != rid || tv.Disclosures[0].Checkpoint == "" {
		t.Fatalf("disclosures: %+v", tv)
	}
	if v := runCmd("", "audit", "verify", "--server", d.s.base, "--key", filepath.Join(d.data, "audit.pub")); v.code != 0 {
		t.Fatalf("audit verify: %s %s", v.stdout, v.stderr)
	}

	// One byte changed in the stored entry of the approval: the verifier
	// names that entry.
	d.s.stop(t)
	idx := tamperEntry(t, d.data, auditlog.ActionUnsealApproved)
	v := runCmd("", "audit", "verify", "--data", d.data, "--key", filepath.Join(d.data, "audit.pub"))
	if want := fmt.Sprintf("entry %d is the first bad entry", idx); v.code != 1 || !strings.Contains(v.stderr, want) {
		t.Fatalf("audit verify after tampering entry %d: %d\n%s%s", idx, v.code, v.stdout, v.stderr)
	}
}

// tamperEntry changes one byte (a digit of the year) of the first stored
// audit entry with the given action and returns its index.
func tamperEntry(t *testing.T, dataDir, action string) int64 {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dataDir, vault.DatabaseFile), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	idx := int64(-1)
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("audit_entries"))
		return b.ForEach(func(k, v []byte) error {
			if idx >= 0 || !bytes.Contains(v, []byte(`"action":"`+action+`"`)) {
				return nil
			}
			idx = int64(binary.BigEndian.Uint64(k))
			w := bytes.Clone(v)
			at := bytes.Index(w, []byte(`"time":"20`)) + len(`"time":"20`)
			w[at+1] ^= 0x01 // 2026 → 2027: still a well-formed entry
			return b.Put(bytes.Clone(k), w)
		})
	})
	if err != nil || idx < 0 {
		t.Fatalf("tampering: %v (index %d)", err, idx)
	}
	return idx
}

func TestUnsealCommandUsage(t *testing.T) {
	for _, args := range [][]string{
		{"unseal", "request"},
		{"unseal", "request", "--server", "http://x", "--complaint", "KTK-1", "--legal-basis", "b", "--justification", "j"},
		{"unseal", "request", "--server", "http://x", "--complaint", "KTK-1", "--legal-basis", "b", "--justification", "j", "--key-out", "k", "--defer-notice", "91"},
		{"unseal", "reveal", "--server", "http://x", "--key", "k"},
		{"auditor", "approve", "--server", "http://x", "--key", "k"},
		{"auditor", "deny", "--key", "k", "UNS-1"},
		{"auditor", "deny", "--server", "http://x", "--key", "k", "UNS-1", "extra"},
	} {
		if r := runCmd("", args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
	}
	for _, args := range [][]string{{"unseal", "request", "-h"}, {"unseal", "reveal", "-h"}, {"auditor", "approve", "-h"}} {
		want := "usage: kotak " + args[0] + " "
		if r := runCmd("", args...); r.code != 0 || !strings.HasPrefix(r.stderr, want) {
			t.Errorf("%v: exit %d, %q; want 0 and the usage", args, r.code, r.stderr)
		}
	}
	t.Setenv("KOTAK_TOKEN", "")
	r := runCmd("", "unseal", "reveal", "--server", "http://127.0.0.1:1", "--key", "k", "UNS-0000000000000")
	if !strings.HasPrefix(r.stderr, "kotak unseal reveal: ") {
		t.Errorf("no token: the error does not name the command: %q", r.stderr)
	}
	if r.code != 1 || !strings.Contains(r.stderr, "--token") {
		t.Fatalf("no token: %d %s", r.code, r.stderr)
	}
	r = runCmd("", "unseal", "reveal", "--server", "ftp://x", "--token", "t", "--key", "k", "UNS-0000000000000")
	if r.code != 1 || !strings.Contains(r.stderr, "http") {
		t.Fatalf("bad server URL: %d %s", r.code, r.stderr)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.key")
	os.WriteFile(bad, []byte("kotak-recipient-key v1\nseed AAAA\n"), 0o600)
	r = runCmd("", "unseal", "reveal", "--server", "http://127.0.0.1:1", "--token", "t", "--key", bad, "UNS-0000000000000")
	if r.code != 1 || !strings.Contains(r.stderr, "malformed recipient key") {
		t.Fatalf("bad key file: %d %s", r.code, r.stderr)
	}
}

func TestPrintable(t *testing.T) {
	in := "ok\tline\nnext \x1b[31mred\x1b[0m \x07bell \u009b csi \xff"
	got := printable(in)
	if strings.ContainsAny(got, "\x1b\x07\u009b") || !strings.Contains(got, "ok\tline\nnext ") {
		t.Fatalf("printable(%q) = %q", in, got)
	}
}
