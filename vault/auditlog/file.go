package auditlog

import (
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// OpenFile opens a vault database file (or a backup of one) read-only, for
// `kotak audit verify --data`, and reads the log's buckets directly. The
// file is opened with a shared lock: while a server holds the database
// open, OpenFile waits up to lockTimeout and then fails, so verify a
// stopped server's file or a copy made by `kotak backup` (ErrLocked when
// the wait runs out). A missing file is an error matching fs.ErrNotExist,
// never created. Close the Log when done.
func OpenFile(path string, lockTimeout time.Duration) (*Log, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("auditlog: %w", err)
	}
	db, err := bolt.Open(path, 0o400, &bolt.Options{ReadOnly: true, Timeout: lockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, ErrLocked
	}
	if err != nil {
		return nil, fmt.Errorf("auditlog: opening database read-only: %w", err)
	}
	return &Log{
		view: func(fn func(getter) error) error {
			return db.View(func(tx *bolt.Tx) error { return fn(boltGetter{tx}) })
		},
		close: db.Close,
	}, nil
}

type boltGetter struct{ tx *bolt.Tx }

func (g boltGetter) Get(bucket, key []byte) []byte {
	b := g.tx.Bucket(bucket)
	if b == nil {
		return nil
	}
	return b.Get(key)
}
