package vault

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"kotak/vault/store"
)

// ErrLocked reports that another process (a running server) holds the
// database; back it up through that process (Vault.BackupFile) instead.
var ErrLocked = errors.New("vault: database is in use by another process")

// BackupFile writes a consistent copy of the database, taken in one read
// transaction while writers go on, to a new file at path (mode 0600). The
// copy is written to a temporary file, fsynced, checked page by page,
// linked into place (an existing file is never overwritten) and the
// directory fsynced: when it returns nil, the backup is complete and
// durable. The master key file is not part of the copy: keep it apart.
func (v *Vault) BackupFile(path string) (int64, error) {
	return writeBackup(v.store.WriteTo, path)
}

// BackupDir is BackupFile for a vault that no process has open, such as
// the data directory of a stopped server: it opens dir's database
// read-only. If a server holds it, it fails with ErrLocked after a short
// wait.
func BackupDir(dir, path string) (int64, error) {
	db, err := store.Open(filepath.Join(dir, DatabaseFile), store.Options{
		ReadOnly: true, LockTimeout: 2 * time.Second, InitialMmapSize: 1 << 20})
	if errors.Is(err, store.ErrLocked) {
		return 0, ErrLocked
	}
	if err != nil {
		return 0, err
	}
	defer db.Close()
	return writeBackup(db.WriteTo, path)
}

func writeBackup(copyTo func(io.Writer) (int64, error), path string) (int64, error) {
	if _, err := os.Lstat(path); err == nil {
		return 0, fmt.Errorf("vault: backup file %s: %w", path, os.ErrExist)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".kotak-backup-*")
	if err != nil {
		return 0, fmt.Errorf("vault: creating backup: %w", err)
	}
	name := tmp.Name()
	defer os.Remove(name) // the linked copy at path stays
	n, err := func() (int64, error) {
		defer tmp.Close()
		if err := tmp.Chmod(0o600); err != nil {
			return 0, err
		}
		n, err := copyTo(tmp)
		if err != nil {
			return n, err
		}
		if err := tmp.Sync(); err != nil {
			return n, err
		}
		return n, tmp.Close()
	}()
	if err != nil {
		return n, fmt.Errorf("vault: writing backup: %w", err)
	}
	if err := checkBackup(name); err != nil {
		return n, err
	}
	if err := os.Link(name, path); err != nil {
		return n, fmt.Errorf("vault: placing backup: %w", err)
	}
	if err := store.SyncDir(dir); err != nil {
		return n, err
	}
	return n, nil
}

// checkBackup opens a copy read-only, checks its page structure and its
// schema version.
func checkBackup(path string) error {
	db, err := store.Open(path, store.Options{ReadOnly: true, InitialMmapSize: 1 << 20})
	if err != nil {
		return fmt.Errorf("vault: checking backup: %w", err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		return fmt.Errorf("vault: checking backup: %w", err)
	}
	return db.View(func(tx *store.Tx) error {
		v := tx.Get(bucketMeta, keySchema)
		if len(v) != 4 || binary.BigEndian.Uint32(v) != SchemaVersion {
			return fmt.Errorf("%w: backup has no or another schema version", ErrSchemaVersion)
		}
		return nil
	})
}

// BackupFromReader writes a backup of size bytes streamed by a running
// server (its Backup) to path with the same guarantees as BackupFile: never
// over an existing file, synced, and checked — length, page structure and
// schema version — before it is put in place. A stream of another length
// is refused before the copy is opened, and leaves nothing at path.
func BackupFromReader(r io.Reader, size int64, path string) (int64, error) {
	if size <= 0 {
		return 0, fmt.Errorf("%w: backup size unknown", ErrCorrupt)
	}
	return writeBackup(func(w io.Writer) (int64, error) {
		n, err := io.Copy(w, io.LimitReader(r, size+1))
		if err == nil && n != size {
			err = fmt.Errorf("%w: backup stream of %d bytes, want %d", ErrCorrupt, n, size)
		}
		return n, err
	}, path)
}
