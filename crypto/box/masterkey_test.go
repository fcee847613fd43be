package box

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"kotak/internal/testkit"
)

func TestLoadOrCreateMasterKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "master.key")
	m1, err := LoadOrCreateMasterKey(path, testkit.Rand(1))
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("new key file mode %v, want 0600", st.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "kotak-master-key v1\n") || !strings.HasSuffix(string(data), "\n") {
		t.Fatalf("unexpected file layout %q", data[:20])
	}
	// A second start, with a different randomness source, loads the same key.
	m2, err := LoadOrCreateMasterKey(path, testkit.Rand(2))
	if err != nil {
		t.Fatal(err)
	}
	if m1.key != m2.key {
		t.Fatal("second start returned another key")
	}
	if m1.key == ([KeySize]byte{}) {
		t.Fatal("all-zero key")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries, want only the key file", len(entries))
	}
}

func TestLoadOrCreateConcurrentFirstStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	const n = 8
	keys := make([]*MasterKey, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			keys[i], errs[i] = LoadOrCreateMasterKey(path, testkit.Rand(uint64(10+i)))
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if keys[i].key != keys[0].key {
			t.Fatalf("caller %d got another key", i)
		}
	}
}

func TestLoadOrCreateRandomFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	if _, err := LoadOrCreateMasterKey(path, bytes.NewReader(nil)); !errors.Is(err, ErrRandom) {
		t.Fatalf("err = %v, want ErrRandom", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a key file was left behind: %v", err)
	}
}

func TestMasterKeyFileModes(t *testing.T) {
	good := encodeKeyFile(bytes.Repeat([]byte{7}, KeySize))
	tests := []struct {
		mode fs.FileMode
		ok   bool
	}{
		{0o600, true},
		{0o400, true},
		{0o640, false},
		{0o604, false},
		{0o644, false},
		{0o660, false},
		{0o700, true},
		{0o610, false},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%04o", tc.mode), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "master.key")
			if err := os.WriteFile(path, good, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			m, err := LoadOrCreateMasterKey(path, testkit.Rand(1))
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				if m.key != [KeySize]byte(bytes.Repeat([]byte{7}, KeySize)) {
					t.Fatal("loaded another key")
				}
				return
			}
			if !errors.Is(err, ErrKeyFileMode) {
				t.Fatalf("err = %v, want ErrKeyFileMode", err)
			}
			if m != nil {
				t.Fatal("key returned with an error")
			}
		})
	}
	t.Run("directory", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "master.key")
		if err := os.Mkdir(path, 0o700); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadOrCreateMasterKey(path, testkit.Rand(1)); !errors.Is(err, ErrKeyFileMode) {
			t.Fatalf("err = %v, want ErrKeyFileMode", err)
		}
	})
}

func TestMasterKeyFileParse(t *testing.T) {
	key := bytes.Repeat([]byte{0x5a}, KeySize)
	b64 := keyFileB64.EncodeToString(key)
	tests := []struct {
		name string
		data string
		want error
	}{
		{"good", "kotak-master-key v1\n" + b64 + "\n", nil},
		{"empty", "", ErrKeyFileFormat},
		{"no final newline", "kotak-master-key v1\n" + b64, ErrKeyFileFormat},
		{"crlf", "kotak-master-key v1\r\n" + b64 + "\r\n", ErrKeyFileFormat},
		{"extra line", "kotak-master-key v1\n" + b64 + "\n\n", ErrKeyFileFormat},
		{"trailing space", "kotak-master-key v1\n" + b64 + " \n", ErrKeyFileFormat},
		{"other magic", "age-master-key v1\n" + b64 + "\n", ErrKeyFileFormat},
		{"version 2", "kotak-master-key v2\n" + b64 + "\n", ErrKeyFileVersion},
		{"version 10", "kotak-master-key v10\n" + b64 + "\n", ErrKeyFileVersion},
		{"bad version", "kotak-master-key one\n" + b64 + "\n", ErrKeyFileFormat},
		{"short key", "kotak-master-key v1\n" + keyFileB64.EncodeToString(key[:31]) + "\n", ErrKeyFileFormat},
		{"long key", "kotak-master-key v1\n" + keyFileB64.EncodeToString(append(key, 1)) + "\n", ErrKeyFileFormat},
		{"raw base64", "kotak-master-key v1\n" + strings.TrimRight(b64, "=") + "\n", ErrKeyFileFormat},
		{"not base64", "kotak-master-key v1\n" + strings.Repeat("!", len(b64)) + "\n", ErrKeyFileFormat},
		{"non-canonical padding bits", "kotak-master-key v1\n" + b64[:len(b64)-2] + "B=\n", ErrKeyFileFormat},
		{"huge", "kotak-master-key v1\n" + strings.Repeat("A", 5000) + "\n", ErrKeyFileFormat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseKeyFile([]byte(tc.data))
			if tc.want == nil {
				if err != nil || !bytes.Equal(got, key) {
					t.Fatalf("got %x, %v", got, err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), b64[:8]) {
				t.Fatal("error message contains key material")
			}
			// The same through the file loader.
			path := filepath.Join(t.TempDir(), "k")
			if err := os.WriteFile(path, []byte(tc.data), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadOrCreateMasterKey(path, testkit.Rand(1)); !errors.Is(err, tc.want) {
				t.Fatalf("load: err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestSubkey(t *testing.T) {
	m := &MasterKey{}
	copy(m.key[:], bytes.Repeat([]byte{1}, KeySize))
	kek := m.Subkey("kotak/v1 kek")
	rec := m.Subkey("kotak/v1 receipt")
	if len(kek) != KeySize || len(rec) != KeySize {
		t.Fatal("subkey length")
	}
	if bytes.Equal(kek, rec) {
		t.Fatal("distinct labels gave the same key")
	}
	if !bytes.Equal(kek, m.Subkey("kotak/v1 kek")) {
		t.Fatal("subkey not deterministic")
	}
	if bytes.Equal(kek, m.key[:]) {
		t.Fatal("subkey equals the master key")
	}
	m2 := &MasterKey{}
	copy(m2.key[:], bytes.Repeat([]byte{2}, KeySize))
	if bytes.Equal(kek, m2.Subkey("kotak/v1 kek")) {
		t.Fatal("distinct master keys gave the same subkey")
	}
}

func TestMasterKeyNeverPrinted(t *testing.T) {
	m := &MasterKey{}
	copy(m.key[:], bytes.Repeat([]byte{0xab}, KeySize))
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%d", "%q"} {
		for _, arg := range []any{m, *m, []any{m}, struct{ K *MasterKey }{m}} {
			s := fmt.Sprintf(verb, arg)
			if !strings.Contains(s, masterKeyPlaceholder) || strings.Contains(s, "171") ||
				strings.Contains(strings.ToLower(s), "abab") {
				t.Fatalf("%s of %T printed %q", verb, arg, s)
			}
		}
	}
}

func FuzzParseKeyFile(f *testing.F) {
	f.Add(encodeKeyFile(bytes.Repeat([]byte{3}, KeySize)))
	f.Add([]byte("kotak-master-key v2\nAAAA\n"))
	f.Add([]byte("kotak-master-key v1\n"))
	f.Add([]byte(""))
	f.Add([]byte("\n\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		key, err := parseKeyFile(data)
		if err != nil {
			if key != nil {
				t.Fatal("key returned with an error")
			}
			if !errors.Is(err, ErrKeyFileFormat) && !errors.Is(err, ErrKeyFileVersion) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if len(key) != KeySize {
			t.Fatalf("key length %d", len(key))
		}
		// Accepted files are canonical: re-encoding gives the same bytes.
		if !bytes.Equal(encodeKeyFile(key), data) {
			t.Fatalf("accepted a non-canonical file %q", data)
		}
	})
}
