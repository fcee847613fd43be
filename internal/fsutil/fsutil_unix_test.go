//go:build unix

package fsutil

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// The umask does not narrow the mode asked for. (The umask is per process:
// this test must not run in parallel with others of the package.)
func TestModeIgnoresUmask(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	dir := t.TempDir()
	for name, write := range map[string]func(string, []byte, os.FileMode) error{
		"exclusive": WriteExclusive,
		"replace":   WriteReplace,
	} {
		path := filepath.Join(dir, name)
		if err := write(path, []byte("public"), 0o644); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o644 {
			t.Fatalf("%s: mode %v, %v", name, st.Mode(), err)
		}
	}
}
