// Package auditlog is kotak's public, tamper-evident audit log: an
// append-only Merkle tree with RFC 6962 hashing (golang.org/x/mod/sumdb/tlog)
// kept in the vault's bbolt database, and signed checkpoints (signed notes,
// golang.org/x/mod/sumdb/note, Ed25519).
//
// Writing: Append adds an Entry inside the caller's write transaction, so
// an action and its entry commit together; OnEvent does so for every vault
// event (pass it and Buckets in vault.Options). A Checkpointer signs the
// tree head at least every second while entries arrive.
//
// Reading: a Log (New over the vault's store, or OpenFile read-only over a
// database file) serves the checkpoint, entry pages and proofs; the *Query
// methods and response types are the public HTTP contract
// (docs/audit-log.md).
//
// Checking: Verify recomputes the whole tree from a Source (a Log or an
// HTTPSource), checks the checkpoint's signature and its consistency with
// an earlier saved checkpoint, and names the first bad entry.
//
// tlog rather than github.com/transparency-dev/merkle: tlog's stored-hash
// layout (StoredHashes, StoredHashIndex) maps directly onto a key-value
// bucket, every proof reads O(log n) stored hashes with no recomputation,
// and its tree format pairs with sumdb/note for the checkpoints. The
// transparency-dev package would need a node store and compact ranges
// written here.
package auditlog
