package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadAtMost(t *testing.T) {
	boom := errors.New("boom")
	rows := []struct {
		name string
		in   io.Reader
		want string
		err  error
	}{
		{"empty", strings.NewReader(""), "", nil},
		{"below the limit", strings.NewReader("abc"), "abc", nil},
		{"at the limit", strings.NewReader("abcd"), "abcd", nil},
		{"one over", strings.NewReader("abcde"), "", errTooLarge},
		{"far over", strings.NewReader(strings.Repeat("x", 1000)), "", errTooLarge},
		{"read error", iotest.ErrReader(boom), "", boom},
		{"error after data", io.MultiReader(strings.NewReader("ab"), iotest.ErrReader(boom)), "", boom},
	}
	for _, r := range rows {
		got, err := readAtMost(r.in, 4)
		if !errors.Is(err, r.err) || string(got) != r.want {
			t.Errorf("%s: %q, %v; want %q, %v", r.name, got, err, r.want, r.err)
		}
		if err != nil && got != nil {
			t.Errorf("%s: returned data with an error", r.name)
		}
	}
}

func TestFirstLine(t *testing.T) {
	rows := []struct{ in, want string }{
		{"", ""},
		{"\n", ""},
		{"\r\n", ""},
		{"secret", "secret"},
		{"secret\n", "secret"},
		{"secret\r\nsecond\n", "secret"},
		{"sec\rret\n", "sec\rret"},
		{"secret\r", "secret"},
		{"\nsecond", ""},
	}
	for _, r := range rows {
		data := []byte(r.in)
		got := firstLine(data)
		if string(got) != r.want {
			t.Errorf("firstLine(%q) = %q, want %q", r.in, got, r.want)
		}
		clear(data)
		if string(got) != r.want {
			t.Errorf("firstLine(%q) shares memory with its input", r.in)
		}
	}
}

func TestAskTwice(t *testing.T) {
	tooShort := errors.New("too short")
	check := func(p []byte) error {
		if len(p) < 4 {
			return tooShort
		}
		return nil
	}
	rows := []struct {
		name, stdin string
		check       func([]byte) error
		want        string
		err         error
		repeatAsked bool
	}{
		{"same twice", "rahasia\nrahasia\n", check, "rahasia", nil, true},
		{"CRLF", "rahasia\r\nrahasia\r\n", check, "rahasia", nil, true},
		{"no final newline", "rahasia\nrahasia", check, "rahasia", nil, true},
		{"differ", "rahasia\nrahasiA\n", check, "", errEntriesDiffer, true},
		{"check refuses before the repetition", "abc\nabc\n", check, "", tooShort, false},
		{"no check", "abc\nabc\n", nil, "abc", nil, true},
		{"input ends after one", "rahasia\n", check, "", io.EOF, true},
		{"no input", "", check, "", io.EOF, false},
	}
	for _, r := range rows {
		var stderr bytes.Buffer
		env := &cmdEnv{stdin: strings.NewReader(r.stdin), stdout: io.Discard, stderr: &stderr}
		got, err := newPassReader(env).askTwice("Passphrase: ", r.check)
		if !errors.Is(err, r.err) || string(got) != r.want {
			t.Errorf("%s: %q, %v; want %q, %v", r.name, got, err, r.want, r.err)
		}
		if asked := strings.Contains(stderr.String(), "Repeat it: "); asked != r.repeatAsked {
			t.Errorf("%s: repetition asked %v, want %v", r.name, asked, r.repeatAsked)
		}
		if strings.Contains(stderr.String(), "rahasia") || strings.Contains(stderr.String(), "abc") {
			t.Errorf("%s: the entry is echoed: %q", r.name, stderr.String())
		}
	}
}

func TestOpenSecretFile(t *testing.T) {
	dir := t.TempDir()
	rows := []struct {
		name    string
		mode    os.FileMode
		warning bool
	}{
		{"owner only", 0o600, false},
		{"group readable", 0o640, true},
		{"world readable", 0o604, true},
	}
	for _, r := range rows {
		p := filepath.Join(dir, r.name)
		if err := os.WriteFile(p, []byte("rahasia\n"), r.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, r.mode); err != nil { // past the umask
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		f, err := openSecretFile(&cmdEnv{stderr: &stderr}, p, "kotak test: ")
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil || string(data) != "rahasia\n" {
			t.Errorf("%s: read %q, %v", r.name, data, err)
		}
		warned := strings.HasPrefix(stderr.String(), "kotak test: warning: "+p+" is readable by other users")
		if warned != r.warning {
			t.Errorf("%s: warning %q, want one: %v", r.name, stderr.String(), r.warning)
		}
		if strings.Contains(stderr.String(), "rahasia") {
			t.Errorf("%s: the warning shows the content", r.name)
		}
	}
	if _, err := openSecretFile(&cmdEnv{stderr: io.Discard}, filepath.Join(dir, "missing"), ""); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestReadSecretFile(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok")
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(ok, []byte("rahasia\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(big, bytes.Repeat([]byte("x"), maxSecretFile+1), 0o600); err != nil {
		t.Fatal(err)
	}
	env := &cmdEnv{stderr: io.Discard}
	if data, err := readSecretFile(env, ok, ""); err != nil || string(data) != "rahasia\n" {
		t.Errorf("ok: %q, %v", data, err)
	}
	data, err := readSecretFile(env, big, "")
	if err == nil || data != nil || err.Error() != big+": larger than 65536 bytes" {
		t.Errorf("big: %d bytes, %v", len(data), err)
	}
}
