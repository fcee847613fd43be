package vault

import (
	"io"

	"kotak/vault/store"
)

// Store is the storage engine the vault needs: read and write transactions
// over flat named buckets, and a consistent copy. The bbolt engine in
// vault/store implements it; a replicated engine can be added behind the
// same interface.
type Store interface {
	// View runs fn in a read transaction on a consistent snapshot.
	View(fn func(Tx) error) error
	// Update runs fn in a write transaction, possibly grouped with other
	// concurrent calls. It returns nil only once fn's writes are durable.
	// If fn fails, none of its writes are kept and its error is returned.
	// fn may run more than once: it must have no effects outside tx.
	Update(fn func(Tx) error) error
	// WriteTo writes a consistent copy of the whole database to w.
	WriteTo(w io.Writer) (int64, error)
	// Close waits for pending writes and releases the engine.
	Close() error
}

// Tx is one transaction. Slices it returns are valid only until the
// transaction ends; copy what you keep.
type Tx interface {
	Writable() bool
	// CreateBucket makes a bucket if it does not exist.
	CreateBucket(name []byte) error
	// Get returns nil for a missing key or bucket.
	Get(bucket, key []byte) []byte
	Put(bucket, key, value []byte) error
	// Delete of a missing key is not an error.
	Delete(bucket, key []byte) error
	// NextSequence returns the bucket's next counter value, from 1.
	NextSequence(bucket []byte) (uint64, error)
	// Sequence returns the bucket's current counter value.
	Sequence(bucket []byte) uint64
	// Cursor walks the bucket in bytewise key order.
	Cursor(bucket []byte) Cursor
}

// Cursor walks one bucket. Each method returns a nil key past either end.
type Cursor interface {
	First() (key, value []byte)
	Last() (key, value []byte)
	Next() (key, value []byte)
	Prev() (key, value []byte)
	// Seek moves to the smallest key >= seek.
	Seek(seek []byte) (key, value []byte)
}

// boltStore adapts *store.DB to Store.
type boltStore struct{ db *store.DB }

func (s boltStore) View(fn func(Tx) error) error {
	return s.db.View(func(tx *store.Tx) error { return fn(boltTx{tx}) })
}

func (s boltStore) Update(fn func(Tx) error) error {
	return s.db.Update(func(tx *store.Tx) error { return fn(boltTx{tx}) })
}

func (s boltStore) WriteTo(w io.Writer) (int64, error) { return s.db.WriteTo(w) }

func (s boltStore) Close() error { return s.db.Close() }

type boltTx struct{ *store.Tx }

func (t boltTx) Cursor(bucket []byte) Cursor { return t.Tx.Cursor(bucket) }
