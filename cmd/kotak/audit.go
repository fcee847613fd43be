package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"kotak/vault"
	"kotak/vault/auditlog"
)

func init() {
	register("audit verify", command{
		summary: "verify the public audit log (--server URL | --data DIR) [--checkpoint FILE] [--key KEY]",
		run:     runAuditVerify,
	})
}

const auditVerifyUsage = `usage: kotak audit verify (--server URL | --data DIR) [--key KEY] [--checkpoint FILE] [--save FILE]

Fetches every entry of the audit log, recomputes its Merkle tree, checks the
signed checkpoint against the verifier key and, with --checkpoint, that the
log still extends a checkpoint saved earlier. Exits 1 naming the first bad
entry, or the checkpoint problem; 0 when everything checks.

  --server URL       a running server's public endpoints
  --data DIR         a stopped server's data directory (or one restored
                     from a backup), opened read-only
  --key KEY          the verifier key, or a file holding it; required with
                     --server, default DIR/` + auditlog.VerifierKeyFile + ` with --data
  --checkpoint FILE  a checkpoint saved by an earlier run (--save)
  --save FILE        write the verified checkpoint here on success
  --timeout D        give up after D (default 10m)
`

// auditLockTimeout bounds the wait for a database held by a server.
var auditLockTimeout = 2 * time.Second

// runAuditVerify runs auditlog.Verify against a server or a data directory.
func runAuditVerify(env *cmdEnv, args []string) int {
	fs := flag.NewFlagSet("kotak audit verify", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() { fmt.Fprint(env.stderr, auditVerifyUsage) }
	server := fs.String("server", "", "")
	data := fs.String("data", "", "")
	keyArg := fs.String("key", "", "")
	savedPath := fs.String("checkpoint", "", "")
	savePath := fs.String("save", "", "")
	timeout := fs.Duration("timeout", 10*time.Minute, "")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 || (*server == "") == (*data == "") || *timeout <= 0 {
		fmt.Fprint(env.stderr, auditVerifyUsage)
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(env.stderr, "kotak audit verify: "+format+"\n", a...)
		return 1
	}

	if *keyArg == "" {
		if *server != "" {
			fmt.Fprintln(env.stderr, "kotak audit verify: --key is required with --server: take the verifier key from a channel you trust, not from the server")
			return 2
		}
		*keyArg = filepath.Join(*data, auditlog.VerifierKeyFile)
		fmt.Fprintf(env.stderr, "note: using the verifier key in %s, which only proves the log matches that directory's own key\n", *keyArg)
	}
	verifier, err := auditLoadVerifier(*keyArg)
	if err != nil {
		return fail("%v", err)
	}
	var saved []byte
	if *savedPath != "" {
		if saved, err = auditReadFile(*savedPath, auditlog.MaxCheckpointSize); err != nil {
			return fail("reading the saved checkpoint: %v", err)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	var src auditlog.Source
	var local *auditlog.Log
	if *server != "" {
		s, err := auditlog.NewHTTPSource(ctx, *server, &http.Client{Timeout: time.Minute})
		if err != nil {
			return fail("%v", err)
		}
		src = s
	} else {
		l, err := auditlog.OpenFile(filepath.Join(*data, vault.DatabaseFile), auditLockTimeout)
		if errors.Is(err, auditlog.ErrLocked) {
			return fail("%s is in use by a running server: verify it with --server, or verify a backup", *data)
		}
		if err != nil {
			return fail("%v", err)
		}
		defer l.Close()
		src, local = l, l
	}

	rep, err := auditlog.Verify(src, auditlog.VerifyOptions{Verifier: verifier, Saved: saved})
	var bad *auditlog.BadEntryError
	var inconsistent *auditlog.InconsistentError
	switch {
	case errors.As(err, &bad):
		return fail("FAILED: entry %d is the first bad entry (%v); entries before it are proven",
			bad.Index, strings.TrimPrefix(bad.Reason.Error(), "auditlog: "))
	case errors.As(err, &inconsistent):
		return fail("FAILED: %v", strings.TrimPrefix(inconsistent.Error(), "auditlog: "))
	case err != nil:
		return fail("FAILED: %v", err)
	}

	fmt.Fprintf(env.stdout, "ok: %d entries verified against the checkpoint of %s\n", rep.Tree.N, verifier.Name())
	fmt.Fprintf(env.stdout, "root: %s\n", rep.Tree.Hash)
	if rep.SavedSize >= 0 {
		fmt.Fprintf(env.stdout, "the log extends the saved checkpoint of %d entries\n", rep.SavedSize)
	}
	if local != nil {
		if n, err := local.Size(); err == nil && n > rep.Tree.N {
			fmt.Fprintf(env.stdout, "%d later entries are not in a signed checkpoint yet\n", n-rep.Tree.N)
		}
	}
	if *savePath != "" {
		if err := auditWriteFile(*savePath, rep.Checkpoint, 0o644); err != nil {
			return fail("saving the checkpoint: %v", err)
		}
		fmt.Fprintf(env.stdout, "saved the checkpoint to %s\n", *savePath)
	}
	return 0
}

// auditLoadVerifier reads a verifier key given as the key itself or as a file
// holding it.
func auditLoadVerifier(arg string) (note.Verifier, error) {
	if v, err := auditlog.NewVerifier(arg); err == nil {
		return v, nil
	}
	b, err := auditReadFile(arg, 1024)
	if err != nil {
		return nil, fmt.Errorf("--key is neither a verifier key nor a readable key file: %w", err)
	}
	return auditlog.NewVerifier(string(b))
}

func auditReadFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := readAtMost(f, limit)
	if errors.Is(err, errTooLarge) {
		return nil, fmt.Errorf("%s is longer than %d bytes", path, limit)
	}
	return b, err
}

// auditWriteFile replaces path with data through a synced temporary file.
func auditWriteFile(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".kotak-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
