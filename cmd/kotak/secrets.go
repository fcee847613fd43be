package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// Reading passphrases and passwords: from files named on the command line
// (keys init, user add, auditor approve|deny, unseal reveal's key file) and
// from the terminal or piped input.

// maxSecretFile bounds --passphrase-file and --password-file.
const maxSecretFile = 64 << 10

var (
	// errTooLarge is readAtMost's answer to input over its limit.
	errTooLarge = errors.New("larger than the limit")
	// errEntriesDiffer is askTwice's answer when the repetition differs.
	errEntriesDiffer = errors.New("the two entries differ")
)

// openSecretFile opens path, a file holding secrets, and warns on
// env.stderr (after prefix) when users other than its owner may read it.
// The warning names the path and the mode, never the content.
func openSecretFile(env *cmdEnv, path, prefix string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(env.stderr, "%swarning: %s is readable by other users (mode %v)\n", prefix, path, st.Mode().Perm())
	}
	return f, nil
}

// readSecretFile reads a --passphrase-file: openSecretFile (with prefix),
// then at most maxSecretFile bytes; a larger file is an error naming the
// path and the bound. The caller clears the result.
func readSecretFile(env *cmdEnv, path, prefix string) ([]byte, error) {
	f, err := openSecretFile(env, path, prefix)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := readAtMost(f, maxSecretFile)
	if errors.Is(err, errTooLarge) {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxSecretFile)
	}
	return data, err
}

// readAtMost reads r to its end if it holds at most limit bytes; more is
// errTooLarge. On any error what was read is cleared and nil returned, so
// a secret is never left behind; on success the caller clears the result.
func readAtMost(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = errTooLarge
	}
	if err != nil {
		clear(data)
		return nil, err
	}
	return data, nil
}

// firstLine returns a copy of data's first line without its line end
// ("\n" or "\r\n"); it is empty when that line is.
func firstLine(data []byte) []byte {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	return bytes.Clone(bytes.TrimSuffix(line, []byte("\r")))
}

// passReader reads secrets typed at a terminal (without echo) or piped in
// (line by line). Prompts go to env.stderr.
type passReader struct {
	env *cmdEnv
	tty bool
	fd  int
	br  *bufio.Reader
}

func newPassReader(env *cmdEnv) *passReader {
	r := &passReader{env: env}
	if f, ok := env.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		r.tty, r.fd = true, int(f.Fd())
	} else {
		r.br = bufio.NewReader(env.stdin)
	}
	return r
}

// read prompts and returns one entry without its line end; input that ends
// before one is an error wrapping io.EOF. The caller clears the result.
func (r *passReader) read(prompt string) ([]byte, error) {
	fmt.Fprint(r.env.stderr, prompt)
	if r.tty {
		p, err := term.ReadPassword(r.fd)
		fmt.Fprintln(r.env.stderr)
		return p, err
	}
	line, err := r.br.ReadBytes('\n')
	if err != nil && (err != io.EOF || len(line) == 0) {
		clear(line)
		if err == io.EOF {
			return nil, fmt.Errorf("input ended: %w", io.EOF)
		}
		return nil, err
	}
	p := bytes.Clone(bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r")))
	clear(line)
	return p, nil
}

// askTwice prompts for an entry, checks it with check (when not nil) before
// asking for the repetition, and returns it if the repetition is the same;
// otherwise errEntriesDiffer. Every entry it does not return is cleared.
func (r *passReader) askTwice(prompt string, check func([]byte) error) ([]byte, error) {
	p, err := r.read(prompt)
	if err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(p); err != nil {
			clear(p)
			return nil, err
		}
	}
	again, err := r.read("Repeat it: ")
	if err != nil {
		clear(p)
		return nil, err
	}
	defer clear(again)
	if !bytes.Equal(p, again) {
		clear(p)
		return nil, errEntriesDiffer
	}
	return p, nil
}
