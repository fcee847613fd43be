package auditlog

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// The log's buckets and key encodings, all in the vault's database:
//
//	audit_entries  uint64 BE index → canonical entry (Entry.Marshal)
//	audit_hashes   uint64 BE stored-hash index (tlog.StoredHashIndex) → 32-byte hash
//	audit_meta     "version"    → uint32 BE layout version (LayoutVersion)
//	               "size"       → uint64 BE number of entries
//	               "checkpoint" → the latest signed checkpoint (a signed note)
//
// Entry i and the stored hashes tlog.StoredHashes returns for it are
// written in the same transaction as "size" = i+1, which is the
// transaction of the action the entry records.
var (
	bucketEntries = []byte("audit_entries")
	bucketHashes  = []byte("audit_hashes")
	bucketMeta    = []byte("audit_meta")

	keyVersion    = []byte("version")
	keySize       = []byte("size")
	keyCheckpoint = []byte("checkpoint")
)

// Buckets are the buckets the log needs; pass them in vault.Options.Buckets
// so they are made when the vault opens.
var Buckets = [][]byte{bucketEntries, bucketHashes, bucketMeta}

// LayoutVersion is the storage layout this code reads and writes.
const LayoutVersion = 1

// getter is what reading the log needs from a transaction; vault.Tx and the
// read-only bbolt adapter of OpenFile have it.
type getter interface {
	Get(bucket, key []byte) []byte
}

// putter is what appending needs.
type putter interface {
	getter
	Put(bucket, key, value []byte) error
}

func indexKey(i int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(i)) }

// readSize returns the number of entries, checking the layout version.
func readSize(g getter) (int64, error) {
	v := g.Get(bucketMeta, keyVersion)
	switch {
	case v == nil:
		if g.Get(bucketMeta, keySize) != nil {
			return 0, fmt.Errorf("%w: size without version", ErrCorrupt)
		}
		return 0, nil
	case len(v) != 4:
		return 0, fmt.Errorf("%w: version record", ErrCorrupt)
	case binary.BigEndian.Uint32(v) != LayoutVersion:
		return 0, fmt.Errorf("%w: log layout %d", ErrEntryVersion, binary.BigEndian.Uint32(v))
	}
	s := g.Get(bucketMeta, keySize)
	if len(s) != 8 || binary.BigEndian.Uint64(s) > 1<<62 {
		return 0, fmt.Errorf("%w: size record", ErrCorrupt)
	}
	return int64(binary.BigEndian.Uint64(s)), nil
}

// hashReader reads stored hashes from a transaction.
type hashReader struct{ g getter }

func (r hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, idx := range indexes {
		v := r.g.Get(bucketHashes, indexKey(idx))
		if len(v) != tlog.HashSize {
			return nil, fmt.Errorf("%w: stored hash %d", ErrCorrupt, idx)
		}
		copy(out[i][:], v)
	}
	return out, nil
}
