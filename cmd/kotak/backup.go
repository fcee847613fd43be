package main

import (
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"kotak/vault"
)

func init() {
	register("backup", command{
		summary: "write a consistent, checked copy of the database (--data DIR | --server URL --token T) --out FILE",
		run:     runBackup,
	})
}

// runBackup copies DIR's database to FILE (never overwriting it) and
// checks the copy. The master key file is not copied: it must be backed up
// apart, and the copy is useless without it. When a running server holds
// the database, the copy comes from that server through the data
// directory's backup socket, from one read transaction (a hot backup).
func runBackup(env *cmdEnv, args []string) int {
	fs := flag.NewFlagSet("kotak backup", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	data := fs.String("data", "", "data directory of the vault (hot: a running server on it makes the copy)")
	server := fs.String("server", "", "base URL of a running server (hot backup; needs an admin --token)")
	token := fs.String("token", os.Getenv("KOTAK_TOKEN"), "admin bearer token for --server (KOTAK_TOKEN)")
	out := fs.String("out", "", "backup file to create (must not exist)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if (*data == "") == (*server == "") || *out == "" || fs.NArg() != 0 {
		fmt.Fprintln(env.stderr, "usage: kotak backup --data DIR --out FILE | --server URL --token TOKEN --out FILE")
		return 2
	}
	if *server != "" {
		return backupFromServer(env, *server, *token, *out)
	}
	n, err := vault.BackupDir(*data, *out)
	if errors.Is(err, vault.ErrLocked) {
		n, err = backupFromSocket(*data, *out)
		if errors.Is(err, errNoBackupSocket) {
			fmt.Fprintf(env.stderr, "kotak backup: %s is in use by a server that does not answer on %s; take the backup with --server URL --token TOKEN\n",
				*data, backupSocketFile)
			return 1
		}
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "kotak backup: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.stdout, "wrote %d bytes to %s (checked)\n", n, *out)
	fmt.Fprintf(env.stdout, "the master key %s is not in the backup: keep a copy of it apart, the backup cannot be read without it\n",
		filepath.Join(*data, vault.MasterKeyFile))
	return 0
}

// backupFromServer streams a hot backup from a running server's
// GET /api/v1/backup (one read transaction there) into out, checked.
func backupFromServer(env *cmdEnv, server, token, out string) int {
	req, err := http.NewRequest(http.MethodGet, strings.TrimSuffix(server, "/")+"/api/v1/backup", nil)
	if err != nil {
		fmt.Fprintf(env.stderr, "kotak backup: %v\n", err)
		return 2
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := (&http.Client{Timeout: 30 * time.Minute}).Do(req)
	if err != nil {
		fmt.Fprintf(env.stderr, "kotak backup: %v\n", err)
		return 1
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		fmt.Fprintf(env.stderr, "kotak backup: the server answered %s\n", res.Status)
		return 1
	}
	n, err := vault.BackupFromReader(res.Body, res.ContentLength, out)
	if err != nil {
		fmt.Fprintf(env.stderr, "kotak backup: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.stdout, "wrote %d bytes to %s (checked)\n", n, out)
	fmt.Fprintln(env.stdout, "the server's master key is not in the backup: keep a copy of it apart, the backup cannot be read without it")
	return 0
}
