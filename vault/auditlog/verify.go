package auditlog

import (
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Source is where a verifier reads a log: a *Log (a data directory or the
// server's own store) or an *HTTPSource (a server's public endpoints).
// Nothing it returns is trusted: Verify checks all of it against the
// signed checkpoint.
type Source interface {
	// Checkpoint returns the latest signed checkpoint.
	Checkpoint() ([]byte, error)
	// Entries returns entries start, start+1, … (at most end-start, at
	// least one); see Log.Entries.
	Entries(start, end int64) ([][]byte, error)
	// ConsistencyProof proves the tree of oldSize is a prefix of the tree
	// of size.
	ConsistencyProof(oldSize, size int64) (tlog.TreeProof, error)
}

// VerifyOptions configures Verify.
type VerifyOptions struct {
	// Verifier checks checkpoint signatures; required (NewVerifier).
	Verifier note.Verifier
	// Saved is an earlier checkpoint of the same log (optional). The
	// latest checkpoint must extend it.
	Saved []byte
	// Progress, when set, is called after each page of entries.
	Progress func(done, total int64)
}

// Report is what a successful Verify checked.
type Report struct {
	// Checkpoint is the verified checkpoint; save it for the next run.
	Checkpoint []byte
	// Tree is its tree: entries 0 … Tree.N-1 were fetched, parsed and
	// hashed, and they give exactly Tree.Hash.
	Tree tlog.Tree
	// SavedSize is the size of the saved checkpoint the tree was proven to
	// extend, or -1 without one.
	SavedSize int64
}

// Verify checks a whole log: it verifies the latest checkpoint's signature
// and origin, fetches every entry below its size, checks each is a
// canonical entry, recomputes the RFC 6962 tree from them and compares the
// root with the signed one; with opts.Saved it also checks that the
// recomputed tree at the saved size has the saved root (the latest tree
// extends the saved one).
//
// A changed, dropped, inserted or reordered entry gives a *BadEntryError
// (matching ErrBadEntry) naming the first bad index: the verifier finds the
// longest prefix of the entries it fetched that a consistency proof from
// the source ties to the signed root (or, failing that, the saved
// checkpoint), so every entry before the named one is proven good; the
// named one is the first the source cannot prove. Signature problems give ErrSignature / ErrOrigin /
// ErrCheckpointFormat; a checkpoint that does not extend the saved one an
// *InconsistentError. Memory: 64 bytes per entry (the tree's hashes).
func Verify(src Source, opts VerifyOptions) (*Report, error) {
	if opts.Verifier == nil {
		return nil, fmt.Errorf("%w: Verify needs a verifier key", ErrKeyFormat)
	}
	cp, err := src.Checkpoint()
	if err != nil {
		return nil, fmt.Errorf("auditlog: fetching the checkpoint: %w", err)
	}
	tree, err := OpenCheckpoint(cp, opts.Verifier)
	if err != nil {
		return nil, err
	}
	rep := &Report{Checkpoint: cp, Tree: tree, SavedSize: -1}

	var saved tlog.Tree
	if opts.Saved != nil {
		if saved, err = OpenCheckpoint(opts.Saved, opts.Verifier); err != nil {
			return nil, fmt.Errorf("saved checkpoint: %w", err)
		}
		if err := checkNotBehind(saved, tree); err != nil {
			return nil, err
		}
	}

	// Fetch and hash every entry; keep the tree's stored hashes in memory.
	// Room for the whole tree up front (bounded: the size is the
	// checkpoint's claim, not yet backed by entries).
	hashes := make([]tlog.Hash, 0, tlog.StoredHashCount(min(tree.N, 1<<22)))
	mem := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			if x < 0 || x >= int64(len(hashes)) {
				return nil, fmt.Errorf("%w: hash %d not computed", ErrCorrupt, x)
			}
			out[i] = hashes[x]
		}
		return out, nil
	})
	var (
		n            int64 // entries hashed
		missing      bool  // the source has no entry n
		malformedAt  int64 = -1
		malformedErr error
	)
	for n < tree.N && !missing {
		page, err := src.Entries(n, tree.N)
		var be *BadEntryError
		switch {
		case errors.As(err, &be) && be.Index == n, errors.Is(err, ErrRange):
			// The source does not have entry n although it signed a
			// tree holding it.
			missing = true
			continue
		case err != nil:
			return nil, fmt.Errorf("auditlog: fetching entries from %d: %w", n, err)
		case len(page) == 0:
			missing = true
			continue
		case int64(len(page)) > tree.N-n:
			return nil, fmt.Errorf("%w: more entries than asked for", ErrSource)
		}
		for _, data := range page {
			if malformedAt < 0 {
				if _, err := ParseEntry(data); err != nil {
					malformedAt, malformedErr = n, err
				}
			}
			hs, err := tlog.StoredHashes(n, data, mem)
			if err != nil {
				return nil, err
			}
			hashes = append(hashes, hs...)
			n++
		}
		if opts.Progress != nil {
			opts.Progress(n, tree.N)
		}
	}

	var anchor *tlog.Tree
	if opts.Saved != nil {
		anchor = &saved
	}
	bad, err := locateBad(src, tree, anchor, n, missing, mem)
	if err != nil {
		return nil, err
	}
	if malformedAt >= 0 && (bad == nil || malformedAt < bad.Index) {
		bad = &BadEntryError{Index: malformedAt, Reason: malformedErr}
	}
	if bad != nil {
		return nil, bad
	}

	if opts.Saved != nil {
		// The entries themselves must also give the saved root.
		if h, err := tlog.TreeHash(saved.N, mem); err != nil || h != saved.Hash {
			return nil, &InconsistentError{OldSize: saved.N, NewSize: tree.N}
		}
		rep.SavedSize = saved.N
	}
	return rep, nil
}

// checkNotBehind refuses a latest tree that is smaller than the saved one,
// or of the same size with another root. Whether a larger tree extends
// the saved one is checked on the recomputed tree, after the entries.
func checkNotBehind(saved, tree tlog.Tree) error {
	if saved.N > tree.N || saved.N == tree.N && saved.Hash != tree.Hash {
		return &InconsistentError{OldSize: saved.N, NewSize: tree.N}
	}
	return nil
}

// locateBad returns the first entry that is not proven part of the signed
// tree (nil when all tree.N entries are), given the hashes of the first n
// fetched entries (n < tree.N when the source had no entry n). Prefixes are
// proven by the source's consistency proofs, or by the saved checkpoint
// (anchor, may be nil), which does not depend on the source's hashes.
func locateBad(src Source, tree tlog.Tree, anchor *tlog.Tree, n int64, missing bool, mem tlog.HashReader) (*BadEntryError, error) {
	// proven reports whether the first m fetched entries form a prefix of
	// the signed tree.
	proven := func(m int64) (bool, error) {
		h, err := tlog.TreeHash(m, mem)
		if err != nil {
			return false, err
		}
		switch m {
		case tree.N:
			return h == tree.Hash, nil
		case 0:
			return true, nil
		}
		p, err := src.ConsistencyProof(m, tree.N)
		switch {
		case errors.Is(err, ErrRange), errors.Is(err, ErrCorrupt), errors.Is(err, ErrSource):
			return false, nil // the source cannot prove it
		case err != nil:
			return false, fmt.Errorf("auditlog: locating the bad entry: %w", err)
		}
		return tlog.CheckTree(p, tree.N, tree.Hash, m, h) == nil, nil
	}
	ok, err := proven(n)
	if err != nil {
		return nil, err
	}
	if ok {
		if missing {
			return &BadEntryError{Index: n, Reason: ErrEntryMissing}, nil
		}
		return nil, nil
	}
	// Invariant: proven(lo), !proven(hi).
	lo, hi := int64(0), n
	if anchor != nil && anchor.N < n {
		if h, err := tlog.TreeHash(anchor.N, mem); err == nil && h == anchor.Hash {
			lo = anchor.N
		}
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := proven(mid)
		if err != nil {
			return nil, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return &BadEntryError{Index: lo, Reason: ErrEntryMismatch}, nil
}

// CheckInclusion checks that entry is at index in the tree of a verified
// checkpoint (OpenCheckpoint), given an audit path from InclusionProof.
// It fails with ErrRange or ErrProof.
func CheckInclusion(t tlog.Tree, index int64, entry []byte, proof tlog.RecordProof) error {
	if index < 0 || index >= t.N {
		return ErrRange
	}
	if tlog.CheckRecord(proof, t.N, t.Hash, index, tlog.RecordHash(entry)) != nil {
		return ErrProof
	}
	return nil
}
