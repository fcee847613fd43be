package main

import (
	"errors"
	"flag"
	"fmt"
	"path/filepath"

	"kotak/vault"
)

func init() {
	register("backup", command{
		summary: "write a consistent, checked copy of the database (--data DIR --out FILE)",
		run:     runBackup,
	})
}

// runBackup copies DIR's database to FILE (never overwriting it) and
// checks the copy. The master key file is not copied: it must be backed up
// apart, and the copy is useless without it. A running server holds the
// database: then the copy must come from the server itself
// (vault.Vault.BackupFile), and the command says so.
func runBackup(env *cmdEnv, args []string) int {
	fs := flag.NewFlagSet("kotak backup", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	data := fs.String("data", "", "data directory of the vault")
	out := fs.String("out", "", "backup file to create (must not exist)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *data == "" || *out == "" || fs.NArg() != 0 {
		fmt.Fprintln(env.stderr, "usage: kotak backup --data DIR --out FILE")
		return 2
	}
	n, err := vault.BackupDir(*data, *out)
	if errors.Is(err, vault.ErrLocked) {
		fmt.Fprintf(env.stderr, "kotak backup: %s is in use by a running server; stop it, or take the backup from the server\n", *data)
		return 1
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
