package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"kotak/internal/testkit"
	"kotak/vault"
	"kotak/vault/auditlog"
)

// auditVault opens a vault in dir with the audit log's buckets.
func auditVault(t *testing.T, dir string) *vault.Vault {
	t.Helper()
	kr, _ := testkit.Keyring(t, 1, 1)
	v, err := vault.Open(dir, vault.Options{Keyring: kr, Buckets: auditlog.Buckets})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// auditAppend appends entries from..to-1 and signs a checkpoint, with the
// signer key kept in dir as a server does.
func auditAppend(t *testing.T, dir string, from, to int) {
	t.Helper()
	v := auditVault(t, dir)
	defer v.Close()
	err := v.Store().Update(func(tx vault.Tx) error {
		for i := from; i < to; i++ {
			_, err := auditlog.Append(tx, auditlog.Entry{
				Time: time.Date(2026, 3, 17, 3, 0, i, 0, time.UTC), Role: "admin", Actor: "admin-1",
				Action: "verify", Complaint: fmt.Sprintf("KTK-%013d", i), Agency: "dinas-pu",
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := auditlog.LoadOrCreateSigner(dir, "test.example", testkit.Rand(12))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auditlog.NewCheckpointer(v.Store(), s).SignNow(); err != nil {
		t.Fatal(err)
	}
}

// auditTamper flips one byte of entry i in the database file.
func auditTamper(t *testing.T, dir string, i int64) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, vault.DatabaseFile), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("audit_entries"))
		key := binary.BigEndian.AppendUint64(nil, uint64(i))
		v := bytes.Clone(b.Get(key))
		v[bytes.Index(v, []byte("admin-1"))] ^= 0x20 // "Admin-1": still a valid entry
		return b.Put(key, v)
	}); err != nil {
		t.Fatal(err)
	}
}

// auditServer serves the log in dir read-only through the handler-ready
// functions, as the API does.
func auditServer(t *testing.T, dir string) *httptest.Server {
	t.Helper()
	l, err := auditlog.OpenFile(filepath.Join(dir, vault.DatabaseFile), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	reply := func(w http.ResponseWriter, v any, err error) {
		var qe *auditlog.QueryError
		switch {
		case errors.As(err, &qe):
			http.Error(w, `{"error":{"code":"invalid_field"}}`, http.StatusBadRequest)
		case err != nil:
			http.Error(w, `{"error":{"code":"internal"}}`, http.StatusInternalServerError)
		default:
			_ = json.NewEncoder(w).Encode(v)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+auditlog.PathCheckpoint, func(w http.ResponseWriter, r *http.Request) {
		cp, err := l.Checkpoint()
		if err != nil {
			http.Error(w, "none", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", auditlog.CheckpointContentType)
		_, _ = w.Write(cp)
	})
	mux.HandleFunc("GET "+auditlog.PathEntries, func(w http.ResponseWriter, r *http.Request) {
		resp, err := l.EntriesQuery(r.URL.Query())
		reply(w, resp, err)
	})
	mux.HandleFunc("GET "+auditlog.PathProof, func(w http.ResponseWriter, r *http.Request) {
		resp, err := l.ProofQuery(r.URL.Query())
		reply(w, resp, err)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { srv.Close(); l.Close() })
	return srv
}

func auditRun(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(&cmdEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func TestAuditVerifyData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	auditAppend(t, dir, 0, 12)
	saved := filepath.Join(t.TempDir(), "checkpoint.txt")

	code, out, errs := auditRun("audit", "verify", "--data", dir, "--save", saved)
	if code != 0 || !strings.Contains(out, "ok: 12 entries verified against the checkpoint of kotak/test.example") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(errs, "verifier key in") {
		t.Fatalf("no note about the directory's own key: %q", errs)
	}
	// More entries later: the new checkpoint extends the saved one, and
	// the saved file is replaced.
	auditAppend(t, dir, 12, 20)
	key := filepath.Join(dir, auditlog.VerifierKeyFile)
	code, out, errs = auditRun("audit", "verify", "--data", dir, "--key", key, "--checkpoint", saved, "--save", saved)
	if code != 0 || !strings.Contains(out, "ok: 20 entries") || !strings.Contains(out, "extends the saved checkpoint of 12 entries") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if cp, _ := os.ReadFile(saved); !bytes.Contains(cp, []byte("\n20\n")) {
		t.Fatalf("saved checkpoint not updated: %q", cp)
	}

	// One byte changed in entry 7 of the database: named.
	auditTamper(t, dir, 7)
	code, out, errs = auditRun("audit", "verify", "--data", dir, "--key", key)
	if code != 1 || !strings.Contains(errs, "entry 7 is the first bad entry") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}

	// While a server holds the database, --data says so.
	old := auditLockTimeout
	auditLockTimeout = 50 * time.Millisecond
	defer func() { auditLockTimeout = old }()
	v := auditVault(t, dir)
	code, _, errs = auditRun("audit", "verify", "--data", dir, "--key", key)
	v.Close()
	if code != 1 || !strings.Contains(errs, "in use by a running server") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}

func TestAuditVerifyServer(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	auditAppend(t, dir, 0, 30)
	keyFile := filepath.Join(dir, auditlog.VerifierKeyFile)
	keyText, _ := os.ReadFile(keyFile)
	srv := auditServer(t, dir)

	// The key as a file or as text.
	for _, key := range []string{keyFile, strings.TrimSpace(string(keyText))} {
		code, out, errs := auditRun("audit", "verify", "--server", srv.URL, "--key", key)
		if code != 0 || !strings.Contains(out, "ok: 30 entries verified") {
			t.Fatalf("exit %d\n%s%s", code, out, errs)
		}
	}

	// Another log's key, and a saved checkpoint signed by it.
	otherSigner, otherKey, _ := note.GenerateKey(testkit.Rand(1), "kotak/test.example")
	s, _ := note.NewSigner(otherSigner)
	forged, _ := auditlog.SignCheckpoint(s, tlog.Tree{N: 30, Hash: tlog.RecordHash([]byte("x"))})
	forgedFile := filepath.Join(t.TempDir(), "forged.txt")
	if err := os.WriteFile(forgedFile, forged, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"wrong key", []string{"--server", srv.URL, "--key", otherKey}, 1, "bad checkpoint signature"},
		{"saved checkpoint with another key", []string{"--server", srv.URL, "--key", keyFile, "--checkpoint", forgedFile}, 1, "saved checkpoint: auditlog: bad checkpoint signature"},
		{"no key with --server", []string{"--server", srv.URL}, 2, "--key is required"},
		{"both sources", []string{"--server", srv.URL, "--data", dir}, 2, "usage"},
		{"no source", []string{"--key", keyFile}, 2, "usage"},
		{"garbage key", []string{"--server", srv.URL, "--key", "not a key"}, 1, "neither a verifier key"},
		{"bad URL", []string{"--server", "ftp://x", "--key", keyFile}, 1, "server URL"},
		{"unreachable server", []string{"--server", "http://127.0.0.1:1", "--key", keyFile}, 1, "FAILED"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := auditRun(append([]string{"audit", "verify"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errs, tc.want) {
				t.Fatalf("exit %d, want %d with %q\n%s%s", code, tc.code, tc.want, out, errs)
			}
		})
	}
}

func TestAuditVerifyServerTampered(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	auditAppend(t, dir, 0, 30)
	auditTamper(t, dir, 21)
	srv := auditServer(t, dir)
	code, out, errs := auditRun("audit", "verify", "--server", srv.URL, "--key", filepath.Join(dir, auditlog.VerifierKeyFile))
	if code != 1 || !strings.Contains(errs, "entry 21 is the first bad entry (entry does not match the signed tree)") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
}
