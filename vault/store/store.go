// Package store is the bbolt storage engine behind the vault.
//
// It offers what the domain needs and nothing more: read transactions,
// write transactions over flat named buckets (get, put, delete, ordered
// cursors with seek, per-bucket sequences) and a consistent hot copy.
//
// Writes are grouped by a committer of its own: concurrent Update calls that
// arrive while a commit is running are applied together in the next bbolt
// transaction, and each call returns only after that transaction has been
// committed and fsynced. A lone caller is never delayed by a timer. The
// database is never opened with NoSync.
//
// Bytes returned by Get and by cursors are valid only inside the transaction
// that produced them; callers copy what they keep.
package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"kotak/internal/fsutil"
)

// Errors returned by this package. Match them with errors.Is.
var (
	ErrClosed        = errors.New("store: database closed")
	ErrNoBucket      = errors.New("store: no such bucket")
	ErrReadOnly      = errors.New("store: write in a read transaction")
	ErrPanicked      = errors.New("store: transaction function panicked")
	ErrCorruptedFile = errors.New("store: consistency check failed")
	ErrLocked        = errors.New("store: database file is locked by another process")
)

// Defaults for Options.
const (
	DefaultMaxBatch        = 256
	DefaultInitialMmapSize = 1 << 30
	DefaultLockTimeout     = 5 * time.Second
)

// Options tunes Open. The zero value gives the defaults.
type Options struct {
	// MaxBatch bounds how many Update calls share one commit.
	MaxBatch int
	// InitialMmapSize is the initial memory map size. While the database
	// fits in it, a long read transaction (a hot backup) never blocks
	// writers. Virtual address space only.
	InitialMmapSize int
	// LockTimeout bounds the wait for the file lock held by another
	// process; then Open fails with ErrLocked.
	LockTimeout time.Duration
	// ReadOnly opens the file with a shared lock; Update fails.
	ReadOnly bool
}

// DB is an open database. Its methods are safe for concurrent use.
type DB struct {
	bolt     *bolt.DB
	maxBatch int
	readOnly bool

	mu     sync.RWMutex // guards closed and sends on queue
	closed bool
	queue  chan *call
	done   chan struct{} // closed when the committer has exited
}

type call struct {
	fn  func(*Tx) error
	err chan error
}

// Open opens (creating if needed, mode 0600) the bbolt file at path with
// the hashmap freelist and full fsync on every commit.
func Open(path string, opts Options) (*DB, error) {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = DefaultMaxBatch
	}
	if opts.InitialMmapSize <= 0 {
		opts.InitialMmapSize = DefaultInitialMmapSize
	}
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = DefaultLockTimeout
	}
	_, statErr := os.Stat(path)
	created := errors.Is(statErr, os.ErrNotExist)
	b, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:         opts.LockTimeout,
		FreelistType:    bolt.FreelistMapType,
		InitialMmapSize: opts.InitialMmapSize,
		ReadOnly:        opts.ReadOnly,
		NoSync:          false,
		NoGrowSync:      false,
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, ErrLocked
	}
	if err != nil {
		return nil, fmt.Errorf("store: opening database: %w", err)
	}
	if created && !opts.ReadOnly {
		// The new file's directory entry must survive a crash too.
		if err := SyncDir(filepath.Dir(path)); err != nil {
			_ = b.Close()
			return nil, err
		}
	}
	d := &DB{
		bolt:     b,
		maxBatch: opts.MaxBatch,
		readOnly: opts.ReadOnly,
		queue:    make(chan *call, opts.MaxBatch),
		done:     make(chan struct{}),
	}
	go d.commitLoop()
	return d, nil
}

// Path returns the file the database lives in.
func (d *DB) Path() string { return d.bolt.Path() }

// Close waits for queued writes to commit, then closes the file. It waits
// for open read transactions to end.
func (d *DB) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return ErrClosed
	}
	d.closed = true
	close(d.queue)
	d.mu.Unlock()
	<-d.done
	if err := d.bolt.Close(); err != nil {
		return fmt.Errorf("store: closing database: %w", err)
	}
	return nil
}

// View runs fn in a read transaction on a consistent snapshot.
func (d *DB) View(fn func(*Tx) error) error {
	d.mu.RLock()
	closed := d.closed
	d.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	return d.bolt.View(func(btx *bolt.Tx) error {
		return safely(fn, &Tx{tx: btx})
	})
}

// Update runs fn in a write transaction shared with other concurrent
// Update calls. When Update returns nil, fn's writes are committed and
// fsynced to disk. When fn returns an error, none of its writes are kept
// and Update returns that error unchanged.
//
// fn may run more than once (a failing neighbour in the same group makes
// the others run again in a fresh transaction), so it must be idempotent:
// draw randomness and do expensive work before calling Update, and have no
// effects outside the transaction. fn must not call Update or View.
func (d *DB) Update(fn func(*Tx) error) error {
	if d.readOnly {
		return ErrReadOnly
	}
	c := &call{fn: fn, err: make(chan error, 1)}
	d.mu.RLock()
	if d.closed {
		d.mu.RUnlock()
		return ErrClosed
	}
	d.queue <- c
	d.mu.RUnlock()
	return <-c.err
}

// commitLoop takes whatever calls are queued and commits them together.
// A call that arrives during a commit waits only for that commit to end.
func (d *DB) commitLoop() {
	defer close(d.done)
	batch := make([]*call, 0, d.maxBatch)
	for c := range d.queue {
		batch = append(batch[:0], c)
	drain:
		for len(batch) < d.maxBatch {
			select {
			case c, ok := <-d.queue:
				if !ok {
					break drain
				}
				batch = append(batch, c)
			default:
				break drain
			}
		}
		d.runBatch(batch)
		clear(batch)
	}
}

// errAbort makes bbolt roll back a group after one call failed.
var errAbort = errors.New("store: group aborted")

// runBatch commits calls in one transaction. A call whose fn fails gets its
// own error and is removed; the others run again in a new transaction, so
// the failed call's partial writes never reach the disk.
func (d *DB) runBatch(calls []*call) {
	for len(calls) > 0 {
		failed := -1
		var failErr error
		err := d.bolt.Update(func(btx *bolt.Tx) error {
			tx := &Tx{tx: btx}
			for i, c := range calls {
				if err := safely(c.fn, tx); err != nil {
					failed, failErr = i, err
					return errAbort
				}
			}
			return nil
		})
		if failed >= 0 {
			calls[failed].err <- failErr
			calls = append(calls[:failed:failed], calls[failed+1:]...)
			continue
		}
		if err != nil {
			err = fmt.Errorf("store: commit: %w", err)
		}
		for _, c := range calls {
			c.err <- err
		}
		return
	}
}

func safely(fn func(*Tx) error, tx *Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = ErrPanicked
		}
	}()
	return fn(tx)
}

// SizeReceiver is implemented by writers that want to know the size of a
// copy before it is written.
type SizeReceiver interface {
	CopySize(n int64)
}

// WriteTo writes a consistent copy of the whole database, taken in one read
// transaction, to w. Writers are not blocked while it runs as long as the
// database fits in Options.InitialMmapSize. The copy is a valid bbolt file.
//
// If w implements SizeReceiver, it is told the copy's exact size before
// the first byte is written (an HTTP handler sets Content-Length from it).
func (d *DB) WriteTo(w io.Writer) (int64, error) {
	var n int64
	err := d.View(func(tx *Tx) error {
		if sr, ok := w.(SizeReceiver); ok {
			sr.CopySize(tx.tx.Size())
		}
		var err error
		n, err = tx.tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("store: writing copy: %w", err)
	}
	return n, nil
}

// Check verifies the file's page structure (every page reachable exactly
// once, keys ordered). It reads the whole file.
func (d *DB) Check() error {
	return d.View(func(tx *Tx) error {
		var errs []error
		for err := range tx.tx.Check() {
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			return fmt.Errorf("%w: %w", ErrCorruptedFile, errors.Join(errs...))
		}
		return nil
	})
}

// Tx is a read or write transaction. It is valid only inside the function
// passed to View or Update and must not be used from other goroutines.
type Tx struct {
	tx *bolt.Tx
}

// Writable reports whether the transaction may write.
func (t *Tx) Writable() bool { return t.tx.Writable() }

// CreateBucket makes a top-level bucket if it does not exist yet.
func (t *Tx) CreateBucket(name []byte) error {
	if !t.tx.Writable() {
		return ErrReadOnly
	}
	if _, err := t.tx.CreateBucketIfNotExists(name); err != nil {
		return fmt.Errorf("store: creating bucket: %w", err)
	}
	return nil
}

// Get returns the value under key, or nil when the key or the bucket is
// missing. The slice is valid only until the transaction ends.
func (t *Tx) Get(bucket, key []byte) []byte {
	b := t.tx.Bucket(bucket)
	if b == nil {
		return nil
	}
	return b.Get(key)
}

// Put stores value under key. Both slices must stay unchanged until the
// transaction ends.
func (t *Tx) Put(bucket, key, value []byte) error {
	b, err := t.writeBucket(bucket)
	if err != nil {
		return err
	}
	if err := b.Put(key, value); err != nil {
		return fmt.Errorf("store: put: %w", err)
	}
	return nil
}

// Delete removes key; deleting a missing key is not an error.
func (t *Tx) Delete(bucket, key []byte) error {
	b, err := t.writeBucket(bucket)
	if err != nil {
		return err
	}
	if err := b.Delete(key); err != nil {
		return fmt.Errorf("store: delete: %w", err)
	}
	return nil
}

// NextSequence returns the bucket's next value of a monotonically
// increasing counter, starting at 1. It is part of the transaction.
func (t *Tx) NextSequence(bucket []byte) (uint64, error) {
	b, err := t.writeBucket(bucket)
	if err != nil {
		return 0, err
	}
	n, err := b.NextSequence()
	if err != nil {
		return 0, fmt.Errorf("store: sequence: %w", err)
	}
	return n, nil
}

// Sequence returns the bucket's current counter value (0 when missing).
func (t *Tx) Sequence(bucket []byte) uint64 {
	b := t.tx.Bucket(bucket)
	if b == nil {
		return 0
	}
	return b.Sequence()
}

func (t *Tx) writeBucket(name []byte) (*bolt.Bucket, error) {
	if !t.tx.Writable() {
		return nil, ErrReadOnly
	}
	b := t.tx.Bucket(name)
	if b == nil {
		return nil, fmt.Errorf("%w: %q", ErrNoBucket, name)
	}
	return b, nil
}

// Cursor returns an ordered cursor over the bucket's keys (bytewise
// order). A missing bucket gives a cursor that finds nothing.
func (t *Tx) Cursor(bucket []byte) *Cursor {
	b := t.tx.Bucket(bucket)
	if b == nil {
		return &Cursor{}
	}
	return &Cursor{c: b.Cursor()}
}

// Cursor walks one bucket in key order. Every method returns a nil key when
// it moves past either end. Keys and values are valid only inside the
// transaction.
type Cursor struct {
	c *bolt.Cursor
}

// First moves to the smallest key.
func (c *Cursor) First() (key, value []byte) {
	if c.c == nil {
		return nil, nil
	}
	return c.c.First()
}

// Last moves to the largest key.
func (c *Cursor) Last() (key, value []byte) {
	if c.c == nil {
		return nil, nil
	}
	return c.c.Last()
}

// Next moves to the next larger key.
func (c *Cursor) Next() (key, value []byte) {
	if c.c == nil {
		return nil, nil
	}
	return c.c.Next()
}

// Prev moves to the next smaller key.
func (c *Cursor) Prev() (key, value []byte) {
	if c.c == nil {
		return nil, nil
	}
	return c.c.Prev()
}

// Seek moves to the smallest key greater than or equal to seek.
func (c *Cursor) Seek(seek []byte) (key, value []byte) {
	if c.c == nil {
		return nil, nil
	}
	return c.c.Seek(seek)
}

// SyncDir fsyncs a directory so that a file just created in it survives a
// crash (fsutil.SyncDir; errors are prefixed "store: sync dir: "). Open
// calls it after creating the database file.
func SyncDir(dir string) error {
	if err := fsutil.SyncDir(dir); err != nil {
		return fmt.Errorf("store: sync dir: %w", err)
	}
	return nil
}
