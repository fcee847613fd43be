// Package fsutil writes files that must survive a crash: complete or absent
// (never partly written), synced to disk together with their directory
// entry, and either created exclusively (WriteExclusive: never replacing
// what is there) or replaced atomically (WriteReplace).
package fsutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrDirSync reports that a file was put in place but its directory could
// not be synced: the file is complete, yet its name may not survive a crash.
var ErrDirSync = errors.New("fsutil: directory not synced")

// WriteExclusive creates path holding data with mode exactly perm (the
// umask does not narrow it) and never replaces an existing file.
//
// The data is written to a temporary file in the same directory, synced,
// then hard-linked to path, and the directory is synced; the temporary name
// is removed in every case. So path is either absent or complete, even
// after a crash, and of several concurrent callers exactly one succeeds: the
// others see an error matching fs.ErrExist and can read the winner's file,
// which is complete by then.
//
// Errors: fs.ErrExist (errors.Is) if path already exists, in which case
// nothing was written to it; ErrDirSync (errors.Is) if only the final
// directory sync failed, in which case the file stays in place (another
// caller may already have read it); otherwise the *fs.PathError or
// *os.LinkError of the failed step, with nothing left at path. Errors name
// paths, never data. The caller keeps ownership of data (it is not kept).
func WriteExclusive(path string, data []byte, perm fs.FileMode) error {
	tmpName, err := writeTemp(path, data, perm)
	if err != nil {
		return err
	}
	// Best effort: once linked (or abandoned), the temporary name is never
	// read again.
	defer os.Remove(tmpName)
	if err := os.Link(tmpName, path); err != nil {
		return err
	}
	if err := SyncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("%w: %w", ErrDirSync, err)
	}
	return nil
}

// WriteReplace puts data at path with mode exactly perm, replacing any
// file there atomically: the data is written to a temporary file in the
// same directory, synced, renamed over path, and the directory is synced.
// Readers see the old content or the new, never a mix, even after a crash.
// The temporary name is removed on failure.
//
// Errors: ErrDirSync (errors.Is) if only the final directory sync failed,
// in which case the new file is in place; otherwise the *fs.PathError or
// *os.LinkError of the failed step, with path unchanged. Errors name paths,
// never data.
func WriteReplace(path string, data []byte, perm fs.FileMode) error {
	tmpName, err := writeTemp(path, data, perm)
	if err != nil {
		return err
	}
	if err := os.Rename(tmpName, path); err != nil {
		os.Remove(tmpName)
		return err
	}
	if err := SyncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("%w: %w", ErrDirSync, err)
	}
	return nil
}

// writeTemp writes data with mode exactly perm to a new temporary file in
// path's directory, syncs and closes it, and returns its name. On failure it
// leaves nothing behind.
func writeTemp(path string, data []byte, perm fs.FileMode) (name string, err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(perm); err != nil {
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// SyncDir fsyncs the directory dir, so that names just created, linked or
// renamed in it survive a crash. Errors are the *fs.PathError of the open
// or the sync.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
