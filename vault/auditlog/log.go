package auditlog

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"kotak/vault"
)

// MaxPage bounds the entries one Entries call returns.
const MaxPage = 1000

// Append adds e at the end of the log inside the caller's write
// transaction and returns its index. The entry and the tree's new stored
// hashes commit or roll back with everything else tx writes, so an action
// is never kept without its entry; if Append fails the caller must fail
// the transaction. Everything is read from tx (no state in memory), so a
// transaction that is rolled back and run again appends exactly once.
func Append(tx vault.Tx, e Entry) (int64, error) {
	return appendEntry(tx, e)
}

func appendEntry(tx putter, e Entry) (int64, error) {
	data, err := e.Marshal()
	if err != nil {
		return 0, err
	}
	n, err := readSize(tx)
	if err != nil {
		return 0, err
	}
	hashes, err := tlog.StoredHashes(n, data, hashReader{tx})
	if err != nil {
		return 0, err
	}
	if n == 0 {
		if err := tx.Put(bucketMeta, keyVersion, binary.BigEndian.AppendUint32(nil, LayoutVersion)); err != nil {
			return 0, fmt.Errorf("auditlog: %w", err)
		}
	}
	if err := tx.Put(bucketEntries, indexKey(n), data); err != nil {
		return 0, fmt.Errorf("auditlog: %w", err)
	}
	base := tlog.StoredHashIndex(0, n)
	for i, h := range hashes {
		if err := tx.Put(bucketHashes, indexKey(base+int64(i)), h[:]); err != nil {
			return 0, fmt.Errorf("auditlog: %w", err)
		}
	}
	if err := tx.Put(bucketMeta, keySize, binary.BigEndian.AppendUint64(nil, uint64(n+1))); err != nil {
		return 0, fmt.Errorf("auditlog: %w", err)
	}
	return n, nil
}

// OnEvent logs a vault event (FromEvent) in the event's transaction. Use it
// as vault.Options.OnEvent, with Buckets in vault.Options.Buckets: a vault
// action then fails whenever its entry cannot be written.
func OnEvent(tx vault.Tx, e vault.Event) error {
	_, err := Append(tx, FromEvent(e))
	return err
}

// Log reads the audit log: entries, proofs and the latest checkpoint. Its
// methods each run in one read transaction and are safe for concurrent use.
// It implements Source.
type Log struct {
	view  func(fn func(getter) error) error
	close func() error
}

// New returns a Log reading from the vault's store.
func New(st vault.Store) *Log {
	return &Log{
		view: func(fn func(getter) error) error {
			return st.View(func(tx vault.Tx) error { return fn(tx) })
		},
		close: func() error { return nil },
	}
}

// Close releases a Log made by OpenFile; for New it does nothing (the
// vault owns the store).
func (l *Log) Close() error { return l.close() }

// Size returns the number of entries.
func (l *Log) Size() (int64, error) {
	var n int64
	err := l.view(func(g getter) (err error) {
		n, err = readSize(g)
		return err
	})
	return n, err
}

// TreeHead returns the current (not necessarily signed) tree: its size and
// RFC 6962 root hash.
func (l *Log) TreeHead() (tlog.Tree, error) {
	var t tlog.Tree
	err := l.view(func(g getter) (err error) {
		t, err = treeHead(g)
		return err
	})
	return t, err
}

func treeHead(g getter) (tlog.Tree, error) {
	n, err := readSize(g)
	if err != nil {
		return tlog.Tree{}, err
	}
	h, err := tlog.TreeHash(n, hashReader{g})
	if err != nil {
		return tlog.Tree{}, err
	}
	return tlog.Tree{N: n, Hash: h}, nil
}

// Checkpoint returns the latest signed checkpoint as stored by a
// Checkpointer, or ErrNoCheckpoint.
func (l *Log) Checkpoint() ([]byte, error) {
	var out []byte
	err := l.view(func(g getter) error {
		v := g.Get(bucketMeta, keyCheckpoint)
		if v == nil {
			return ErrNoCheckpoint
		}
		out = append([]byte(nil), v...)
		return nil
	})
	return out, err
}

// Entries returns the canonical bytes of entries start, start+1, … up to
// end (exclusive), at most MaxPage of them and none past the log's size:
// callers page on from start+len(result). It needs 0 <= start < size and
// start < end (else a *QueryError naming the field, matching ErrRange).
// A gap in the stored entries ends the page early; a gap at start is a
// *BadEntryError with ErrEntryMissing.
func (l *Log) Entries(start, end int64) ([][]byte, error) {
	var out [][]byte
	err := l.view(func(g getter) (err error) {
		_, out, err = readEntries(g, start, end)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readEntries returns the log size and copies of entries [start, end).
func readEntries(g getter, start, end int64) (int64, [][]byte, error) {
	n, err := readSize(g)
	if err != nil {
		return 0, nil, err
	}
	switch {
	case start < 0 || start >= n:
		return n, nil, &QueryError{Field: "start", Err: ErrRange}
	case end <= start:
		return n, nil, &QueryError{Field: "end", Err: ErrRange}
	}
	end = min(end, n, start+MaxPage)
	out := make([][]byte, 0, end-start)
	for i := start; i < end; i++ {
		v := g.Get(bucketEntries, indexKey(i))
		if v == nil {
			if i == start {
				return n, nil, &BadEntryError{Index: i, Reason: ErrEntryMissing}
			}
			break
		}
		out = append(out, append([]byte(nil), v...))
	}
	return n, out, nil
}

// provableSize is the largest tree the stored hashes should cover: the
// log's size, or the latest checkpoint's if larger (a damaged log).
func provableSize(g getter) (int64, error) {
	n, err := readSize(g)
	if err != nil {
		return 0, err
	}
	if c, ok := storedSize(g); ok && c > n {
		return c, nil
	}
	return n, nil
}

// InclusionProof proves that entry index is in the tree of the given size
// (RFC 6962 audit path, checked with tlog.CheckRecord against
// tlog.RecordHash of the entry). It needs 0 <= index < size <= Size()
// (else a *QueryError naming the field, matching ErrRange).
func (l *Log) InclusionProof(index, size int64) (tlog.RecordProof, error) {
	var p tlog.RecordProof
	err := l.view(func(g getter) error {
		if err := checkInclusion(g, index, size); err != nil {
			return err
		}
		var err error
		p, err = tlog.ProveRecord(size, index, hashReader{g})
		return err
	})
	return p, err
}

// checkInclusion checks that an inclusion proof of entry index in the tree
// of size entries can be asked for: 1 <= size <= the log's size (else a
// *QueryError for "size") and 0 <= index < size (else one for "index"),
// both matching ErrRange. InclusionProof and Inclusion both use it.
func checkInclusion(g getter, index, size int64) error {
	n, err := readSize(g)
	if err != nil {
		return err
	}
	switch {
	case size < 1 || size > n:
		return &QueryError{Field: "size", Err: ErrRange}
	case index < 0 || index >= size:
		return &QueryError{Field: "index", Err: ErrRange}
	}
	return nil
}

// ConsistencyProof proves that the tree of oldSize entries is a prefix of
// the tree of size entries (RFC 6962 consistency proof, checked with
// tlog.CheckTree). It needs 1 <= oldSize <= size <= Size() (else a
// *QueryError naming the field, matching ErrRange); size may also be that
// of the latest checkpoint, so that a log that lost entries still proves
// the ones it has (Verify then names the first lost one).
func (l *Log) ConsistencyProof(oldSize, size int64) (tlog.TreeProof, error) {
	var p tlog.TreeProof
	err := l.view(func(g getter) error {
		n, err := provableSize(g)
		if err != nil {
			return err
		}
		switch {
		case size < 1 || size > n:
			return &QueryError{Field: "size", Err: ErrRange}
		case oldSize < 1 || oldSize > size:
			return &QueryError{Field: "old", Err: ErrRange}
		}
		p, err = tlog.ProveTree(size, oldSize, hashReader{g})
		return err
	})
	return p, err
}
