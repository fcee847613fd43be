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
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	// Best effort: once linked (or abandoned), the temporary name is never
	// read again.
	defer os.Remove(tmpName)
	if err := writeSynced(tmp, data, perm); err != nil {
		return err
	}
	if err := os.Link(tmpName, path); err != nil {
		return err
	}
	if err := SyncDir(dir); err != nil {
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
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	if err := writeSynced(tmp, data, perm); err != nil {
		os.Remove(tmpName)
		return err
	}
	if err := os.Rename(tmpName, path); err != nil {
		os.Remove(tmpName)
		return err
	}
	if err := SyncDir(dir); err != nil {
		return fmt.Errorf("%w: %w", ErrDirSync, err)
	}
	return nil
}

// writeSynced sets f's mode, writes data, syncs and closes f. It closes f
// on every path.
func writeSynced(f *os.File, data []byte, perm fs.FileMode) error {
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
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
