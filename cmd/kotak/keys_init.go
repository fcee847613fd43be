package main

import (
	"bytes"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"kotak/keys"
)

func init() {
	register("keys init", command{
		summary: "offline key ceremony: root key, auditor key files, signed keyring",
		run:     runKeysInit,
	})
}

// keysInitKDF is the argon2id cost of the key files written by keys init
// and by the demo.
// Only tests lower it.
var keysInitKDF = keys.DefaultKDFParams()

func runKeysInit(env *cmdEnv, args []string) int {
	fl := flag.NewFlagSet("kotak keys init", flag.ContinueOnError)
	fl.SetOutput(env.stderr)
	n := fl.Int("auditors", 0, "number of auditors `N` (1..64)")
	k := fl.Int("threshold", 0, "number `K` of auditors whose approval opens an identity (1..N)")
	out := fl.String("out", "", "output `DIR`, made 0700 if missing; existing files are never overwritten")
	passFile := fl.String("passphrase-file", "", "read passphrases from `FILE`: line i for auditor i, line N+1 for the root key\n(default: prompt, without echo, twice each)")
	names := fl.String("names", "", "comma-separated display `NAMES` of the auditors, in order (default \"Auditor 1\", ...)")
	fl.Usage = func() {
		fmt.Fprintln(env.stderr, "usage: kotak keys init --auditors N --threshold K --out DIR [--passphrase-file FILE] [--names \"A,B,C\"]")
		fmt.Fprintln(env.stderr, "\nRuns the key ceremony on this (offline) machine: writes the ministry root key,")
		fmt.Fprintln(env.stderr, "one passphrase-protected key file per auditor and the signed public keyring into DIR.")
		fmt.Fprintln(env.stderr)
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(env.stderr, "kotak keys init: "+format+"\n", a...)
		fl.Usage()
		return 2
	}
	switch {
	case fl.NArg() != 0:
		return usageErr("unexpected argument %q", fl.Arg(0))
	case *n < 1 || *n > keys.MaxAuditors:
		return usageErr("--auditors must be between 1 and %d", keys.MaxAuditors)
	case *k < 1 || *k > *n:
		return usageErr("--threshold must be between 1 and --auditors (%d)", *n)
	case *out == "":
		return usageErr("--out is required")
	}
	fail := func(err error) int {
		fmt.Fprintf(env.stderr, "kotak keys init: %v\n", err)
		return 1
	}

	specs, err := auditorSpecs(*n, *names)
	if err != nil {
		return fail(err)
	}
	// Refuse an occupied directory before anyone types a passphrase.
	targets := []string{keys.RootKeyFileName, keys.KeyringFileName}
	for _, s := range specs {
		targets = append(targets, keys.AuditorKeyFileName(s.ID))
	}
	for _, name := range targets {
		p := filepath.Join(*out, name)
		if _, err := os.Lstat(p); err == nil {
			return fail(fmt.Errorf("%s already exists; choose an empty directory", p))
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fail(err)
		}
	}

	labels := make([]string, 0, *n+1)
	for _, s := range specs {
		labels = append(labels, fmt.Sprintf("auditor %s (%q)", s.ID, s.Name))
	}
	labels = append(labels, "the ministry root key")
	var pass [][]byte
	if *passFile != "" {
		pass, err = readPassphraseFile(env, *passFile, labels)
	} else {
		pass, err = promptPassphrases(env, labels)
	}
	defer func() {
		for _, p := range pass {
			clear(p)
		}
	}()
	if err != nil {
		return fail(err)
	}

	c, err := keys.Ceremony(rand.Reader, specs, *k)
	if err != nil {
		return fail(err)
	}
	defer c.Wipe()
	files, err := keys.WriteCeremony(rand.Reader, *out, c, pass[*n], pass[:*n], keysInitKDF)
	if err != nil {
		return fail(err)
	}

	kr := c.Keyring
	w := env.stdout
	fmt.Fprintf(w, "keyring id: %s\n", kr.ID())
	fmt.Fprintf(w, "threshold:  %d of %d auditors\n", kr.Threshold, kr.N())
	fmt.Fprintf(w, "root key:   %s (0600; keep offline, it signs future keyrings; root fingerprint %s)\n", files.RootKey, kr.RootFingerprint())
	for i, a := range kr.Auditors {
		fmt.Fprintf(w, "auditor %d:  %s (0600; give to %s %q, fingerprint %s)\n", i+1, files.Auditors[i], a.ID, a.Name, a.Fingerprint())
	}
	fmt.Fprintf(w, "keyring:    %s (0644, public; check it with: kotak keys verify %s)\n", files.Keyring, files.Keyring)
	return 0
}

// auditorSpecs names auditors auditor-1..auditor-n, with the given
// comma-separated display names or "Auditor i".
func auditorSpecs(n int, names string) ([]keys.AuditorSpec, error) {
	specs := make([]keys.AuditorSpec, n)
	var list []string
	if names != "" {
		list = strings.Split(names, ",")
		if len(list) != n {
			return nil, fmt.Errorf("--names lists %d names for %d auditors", len(list), n)
		}
	}
	for i := range specs {
		specs[i] = keys.AuditorSpec{ID: fmt.Sprintf("auditor-%d", i+1), Name: fmt.Sprintf("Auditor %d", i+1)}
		if list != nil {
			specs[i].Name = strings.TrimSpace(list[i])
		}
	}
	return specs, nil
}

// checkPassphrase enforces the length rule and distinctness from the
// passphrases already chosen. Messages name positions, never contents.
func checkPassphrase(p []byte, earlier [][]byte, labels []string) error {
	if utf8.RuneCount(p) < keys.MinPassphraseLen {
		return fmt.Errorf("passphrase shorter than %d characters", keys.MinPassphraseLen)
	}
	for i, q := range earlier {
		if bytes.Equal(p, q) {
			return fmt.Errorf("passphrase is the same as the one for %s; every key file needs its own", labels[i])
		}
	}
	return nil
}

// readPassphraseFile reads one passphrase per line (a final newline and
// CRLF line ends are allowed); there must be exactly one line per label.
func readPassphraseFile(env *cmdEnv, path string, labels []string) ([][]byte, error) {
	data, err := readSecretFile(env, path, "kotak keys init: ")
	if err != nil {
		return nil, err
	}
	defer clear(data)
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	if len(data) == 0 {
		lines = nil
	}
	if len(lines) != len(labels) {
		return nil, fmt.Errorf("%s: %d lines, want %d (one per auditor, then one for the root key)", path, len(lines), len(labels))
	}
	out := make([][]byte, 0, len(lines))
	for i, l := range lines {
		p := bytes.Clone(bytes.TrimSuffix(l, []byte("\r")))
		if err := checkPassphrase(p, out, labels); err != nil {
			clear(p)
			for _, q := range out {
				clear(q)
			}
			return nil, fmt.Errorf("%s line %d (%s): %w", path, i+1, labels[i], err)
		}
		out = append(out, p)
	}
	return out, nil
}

// promptPassphrases asks for each passphrase twice. On a terminal input is
// not echoed and a mistake may be retried; other input (a pipe) is read
// line by line and any mistake is fatal.
func promptPassphrases(env *cmdEnv, labels []string) (out [][]byte, err error) {
	r := newPassReader(env)
	attempts := 1
	if r.tty {
		attempts = 3
		fmt.Fprintf(env.stderr, "Each passphrase must have at least %d characters and differ from the others.\n", keys.MinPassphraseLen)
	}
	defer func() {
		if err != nil {
			for _, q := range out {
				clear(q)
			}
			out = nil
		}
	}()
	for i, label := range labels {
		var p []byte
		for try := 1; ; try++ {
			p, err = r.askTwice(fmt.Sprintf("Passphrase for %s: ", label), func(p []byte) error { return checkPassphrase(p, out, labels) })
			if err == nil {
				break
			}
			if try == attempts || errors.Is(err, io.EOF) {
				return out, fmt.Errorf("passphrase %d (%s): %w", i+1, label, err)
			}
			fmt.Fprintf(env.stderr, "%v; try again.\n", err)
		}
		out = append(out, p)
	}
	return out, nil
}
