package auditlog

import (
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"kotak/vault"
)

// DefaultInterval is how often a Checkpointer looks for new entries.
const DefaultInterval = time.Second

// Checkpointer signs the log's tree head and stores it as the latest
// checkpoint, which Log.Checkpoint serves.
type Checkpointer struct {
	st     vault.Store
	signer note.Signer

	mu sync.Mutex // serialises SignNow

	// ticker makes the clock of Start; tests replace it.
	ticker func(d time.Duration) (<-chan time.Time, func())
}

// NewCheckpointer signs checkpoints of the log in st with s (from
// LoadOrCreateSigner); the checkpoints' origin is s.Name().
func NewCheckpointer(st vault.Store, s note.Signer) *Checkpointer {
	return &Checkpointer{st: st, signer: s, ticker: func(d time.Duration) (<-chan time.Time, func()) {
		t := time.NewTicker(d)
		return t.C, t.Stop
	}}
}

// SignNow signs the current tree head and stores it, unless the stored
// checkpoint already has that size (signed reports whether it signed).
// The first call on an empty log signs the empty tree, so that a
// checkpoint exists from the start. A stored checkpoint is only ever
// replaced by a larger one; when SignNow returns, the new one is durable.
func (c *Checkpointer) SignNow() (signed bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var t tlog.Tree
	changed := false
	err = c.st.View(func(tx vault.Tx) error {
		n, err := readSize(tx)
		if err != nil {
			return err
		}
		if stored, ok := storedSize(tx); ok && stored >= n {
			return nil
		}
		changed = true
		t, err = treeHead(tx)
		return err
	})
	if err != nil || !changed {
		return false, err
	}
	msg, err := SignCheckpoint(c.signer, t)
	if err != nil {
		return false, err
	}
	err = c.st.Update(func(tx vault.Tx) error { return storeCheckpoint(tx, msg, t.N) })
	if err != nil {
		return false, err
	}
	return true, nil
}

// storeCheckpoint stores msg, a checkpoint of size n, unless the stored
// one is at least as large (another signer got there first).
func storeCheckpoint(tx putter, msg []byte, n int64) error {
	if stored, ok := storedSize(tx); ok && stored >= n {
		return nil
	}
	return tx.Put(bucketMeta, keyCheckpoint, msg)
}

// storedSize returns the size of the stored checkpoint, if there is a
// readable one.
func storedSize(g getter) (int64, bool) {
	v := g.Get(bucketMeta, keyCheckpoint)
	if v == nil {
		return 0, false
	}
	t, err := parseUnverified(v)
	if err != nil {
		return 0, false
	}
	return t.N, true
}

// Start signs once (returning that error, with no goroutine started),
// then signs in a goroutine every interval (DefaultInterval if <= 0)
// whenever entries were added, until stop is called. Errors of later
// signings go to onError (which may be nil); they never hold entry data.
// stop waits for the goroutine to end and may be called more than once;
// call it before closing the store.
func (c *Checkpointer) Start(interval time.Duration, onError func(error)) (stop func(), err error) {
	if interval <= 0 {
		interval = DefaultInterval
	}
	if _, err := c.SignNow(); err != nil {
		return nil, err
	}
	tick, stopTicker := c.ticker(interval)
	done := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		for {
			select {
			case <-done:
				return
			case <-tick:
				if _, err := c.SignNow(); err != nil && onError != nil {
					onError(err)
				}
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			<-exited
			stopTicker()
		})
	}, nil
}
