package auditlog

import (
	"errors"
	"fmt"
)

// Errors returned by this package. Match them with errors.Is; typed errors
// (BadEntryError, InconsistentError, QueryError) with errors.As. Error
// texts name indexes, sizes and field names, never entry contents.
var (
	// ErrEntryFormat: an entry is not canonical JSON of the v1 shape, or a
	// field is outside its character set or length.
	ErrEntryFormat = errors.New("auditlog: malformed entry")
	// ErrEntryVersion: an entry or the stored log has an unknown version.
	ErrEntryVersion = errors.New("auditlog: unknown version")

	// ErrCorrupt: the stored log is inconsistent (a missing entry or hash,
	// a size record of the wrong length).
	ErrCorrupt = errors.New("auditlog: stored log is damaged")

	// ErrRange: an index, size or range outside the log.
	ErrRange = errors.New("auditlog: index or size out of range")
	// ErrQuery is the cause inside a *QueryError for a parameter that is
	// missing, repeated, unknown or not a decimal number.
	ErrQuery = errors.New("auditlog: bad query parameter")
	// ErrNoCheckpoint: no checkpoint has been signed yet.
	ErrNoCheckpoint = errors.New("auditlog: no checkpoint yet")

	// ErrCheckpointFormat: a checkpoint is not a signed note with the
	// three-line body "origin\nsize\nbase64(root)\n".
	ErrCheckpointFormat = errors.New("auditlog: malformed checkpoint")
	// ErrSignature: a checkpoint is not signed by the expected key, or the
	// signature does not verify.
	ErrSignature = errors.New("auditlog: bad checkpoint signature")
	// ErrOrigin: a checkpoint names another log than its key's.
	ErrOrigin = errors.New("auditlog: checkpoint origin does not match the key")

	// ErrKeyFormat: a signer or verifier key file is malformed.
	ErrKeyFormat = errors.New("auditlog: malformed key")
	// ErrKeyMismatch: the signer key on disk belongs to another origin.
	ErrKeyMismatch = errors.New("auditlog: signer key is for another origin")
	// ErrKeyFileMode: the signer key file is readable by group or others,
	// or not a regular file.
	ErrKeyFileMode = errors.New("auditlog: signer key file is not private (mode must be 0600)")
	// ErrInstance: an instance name that cannot be part of an origin.
	ErrInstance = errors.New("auditlog: invalid instance name")

	// ErrLocked: OpenFile could not share the database with the process
	// holding it (a running server).
	ErrLocked = errors.New("auditlog: database is in use by a running server")

	// ErrBadEntry matches every *BadEntryError.
	ErrBadEntry = errors.New("auditlog: bad entry")
	// ErrEntryMismatch: the entry's bytes are not the ones the signed tree
	// holds at its index (changed, reordered, inserted or dropped entries).
	ErrEntryMismatch = errors.New("auditlog: entry does not match the signed tree")
	// ErrEntryMissing: the source has no entry at an index below the
	// checkpoint's size.
	ErrEntryMissing = errors.New("auditlog: entry missing")

	// ErrInconsistent matches every *InconsistentError.
	ErrInconsistent = errors.New("auditlog: checkpoints are inconsistent")
	// ErrProof: a proof does not check against the trees it links.
	ErrProof = errors.New("auditlog: proof does not verify")
	// ErrSource: the source (server or data directory) answered with
	// something unusable (an HTTP error status, a malformed response).
	ErrSource = errors.New("auditlog: bad answer from the log source")
)

// BadEntryError names the first entry that fails verification. Entries
// before Index are proven to be the ones in the signed tree.
type BadEntryError struct {
	Index  int64
	Reason error // ErrEntryMismatch, ErrEntryMissing or ErrEntryFormat
}

func (e *BadEntryError) Error() string {
	return fmt.Sprintf("auditlog: entry %d is bad: %v", e.Index, e.Reason)
}

// Is makes errors.Is(err, ErrBadEntry) true.
func (e *BadEntryError) Is(target error) bool { return target == ErrBadEntry }

// Unwrap returns the reason.
func (e *BadEntryError) Unwrap() error { return e.Reason }

// InconsistentError reports two signed checkpoints of the same log that
// cannot both be true: the newer tree does not extend the older one (a
// rewritten history or a fork), or the log shrank.
type InconsistentError struct {
	OldSize, NewSize int64
}

func (e *InconsistentError) Error() string {
	if e.OldSize > e.NewSize {
		return fmt.Sprintf("auditlog: log shrank from %d to %d entries", e.OldSize, e.NewSize)
	}
	return fmt.Sprintf("auditlog: tree of size %d does not extend the saved tree of size %d", e.NewSize, e.OldSize)
}

// Is makes errors.Is(err, ErrInconsistent) true.
func (e *InconsistentError) Is(target error) bool { return target == ErrInconsistent }

// QueryError is a bad HTTP query parameter: the HTTP layer answers 400
// with Field. Err is ErrRange or a parse failure.
type QueryError struct {
	Field string
	Err   error
}

func (e *QueryError) Error() string {
	return "auditlog: query parameter " + e.Field + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *QueryError) Unwrap() error { return e.Err }
