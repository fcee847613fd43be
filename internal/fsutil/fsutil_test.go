package fsutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// names lists the entries of dir, so that tests can see that no temporary
// file was left behind.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestWriteExclusive(t *testing.T) {
	tests := []struct {
		name string
		perm fs.FileMode
		data []byte
	}{
		{"secret", 0o600, []byte("secret\n")},
		{"public", 0o644, []byte("public\n")},
		{"empty", 0o600, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "f")
			if err := WriteExclusive(path, tt.data, tt.perm); err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(path)
			if err != nil || st.Mode().Perm() != tt.perm || !st.Mode().IsRegular() {
				t.Fatalf("stat: %v, %v", st, err)
			}
			if got, err := os.ReadFile(path); err != nil || string(got) != string(tt.data) {
				t.Fatalf("content %q, %v", got, err)
			}
			if got := names(t, dir); !slices.Equal(got, []string{"f"}) {
				t.Fatalf("directory holds %v", got)
			}
		})
	}
}

func TestWriteExclusiveNeverReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteExclusive(path, []byte("other"), 0o600)
	if !errors.Is(err, fs.ErrExist) || errors.Is(err, ErrDirSync) {
		t.Fatalf("existing file: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "keep" {
		t.Fatalf("existing file changed to %q", got)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Fatalf("existing file's mode changed to %v", st.Mode())
	}
	if got := names(t, dir); !slices.Equal(got, []string{"f"}) {
		t.Fatalf("directory holds %v", got)
	}
	// A dangling symbolic link is there too: it is not followed.
	link := filepath.Join(dir, "link")
	if err := os.Symlink(filepath.Join(dir, "target"), link); err != nil {
		t.Fatal(err)
	}
	if err := WriteExclusive(link, []byte("x"), 0o600); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("dangling link: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "target")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("link target created: %v", err)
	}
}

func TestWriteExclusiveFailures(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
	}{
		{"missing directory", filepath.Join(dir, "missing", "f")},
		{"parent is a file", filepath.Join(dir, "file", "f")},
	}
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := WriteExclusive(tt.path, []byte("x"), 0o600)
			if err == nil || errors.Is(err, fs.ErrExist) || errors.Is(err, ErrDirSync) {
				t.Fatalf("got %v", err)
			}
			var pe *fs.PathError
			if !errors.As(err, &pe) {
				t.Fatalf("not a path error: %v", err)
			}
		})
	}
	if got := names(t, dir); !slices.Equal(got, []string{"file"}) {
		t.Fatalf("directory holds %v", got)
	}
}

func TestWriteExclusiveConcurrent(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = WriteExclusive(path, fmt.Appendf(nil, "writer %d", i), 0o600)
		})
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("writers %d and %d both succeeded", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, fs.ErrExist):
			t.Fatalf("writer %d: %v", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no writer succeeded")
	}
	if got, _ := os.ReadFile(path); string(got) != fmt.Sprintf("writer %d", winner) {
		t.Fatalf("file holds %q, want writer %d's", got, winner)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"f"}) {
		t.Fatalf("directory holds %v", got)
	}
}

func TestWriteReplace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	steps := []struct {
		data []byte
		perm fs.FileMode
	}{
		{[]byte("first"), 0o644},
		{[]byte("second, longer"), 0o600},
		{[]byte("3"), 0o644},
	}
	for i, s := range steps {
		if err := WriteReplace(path, s.data, s.perm); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got, err := os.ReadFile(path); err != nil || string(got) != string(s.data) {
			t.Fatalf("step %d: content %q, %v", i, got, err)
		}
		if st, _ := os.Stat(path); st.Mode().Perm() != s.perm {
			t.Fatalf("step %d: mode %v", i, st.Mode())
		}
		if got := names(t, dir); !slices.Equal(got, []string{"f"}) {
			t.Fatalf("step %d: directory holds %v", i, got)
		}
	}
}

func TestWriteReplaceFailures(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "inside"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
	}{
		{"missing directory", filepath.Join(dir, "missing", "f")},
		{"path is a non-empty directory", sub},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := WriteReplace(tt.path, []byte("x"), 0o600)
			if err == nil || errors.Is(err, ErrDirSync) {
				t.Fatalf("got %v", err)
			}
		})
	}
	if got := names(t, dir); !slices.Equal(got, []string{"sub"}) {
		t.Fatalf("directory holds %v", got)
	}
	if got := names(t, sub); !slices.Equal(got, []string{"inside"}) {
		t.Fatalf("sub holds %v", got)
	}
}

func TestSyncDir(t *testing.T) {
	dir := t.TempDir()
	if err := SyncDir(dir); err != nil {
		t.Fatal(err)
	}
	if err := SyncDir(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing directory: %v", err)
	}
}
