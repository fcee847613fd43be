package vault

import (
	"bytes"
	"fmt"
)

// SealedRecord returns a copy of complaint id's sealed record (crypto/seal):
// the reporter's identity and original text, sealed to the ministry
// keyring. It holds no secret in the clear; only k auditors together can
// open it. Errors: ErrNotFound for a malformed or unknown id, ErrShredded
// for a shredded complaint, ErrCorrupt for a complaint stored without one.
func (v *Vault) SealedRecord(id string) ([]byte, error) {
	var out []byte
	err := v.store.View(func(tx Tx) error {
		var err error
		out, err = SealedRecordTx(tx, id)
		return err
	})
	return out, err
}

// SealedRecordTx is SealedRecord inside a transaction of the vault's store,
// for services that keep their own buckets in it (vault/unseal), so that a
// check of the complaint and the write it allows commit together. The
// result is a copy, valid after tx ends.
func SealedRecordTx(tx Tx, id string) ([]byte, error) {
	if !ValidID(id) {
		return nil, ErrNotFound
	}
	key := []byte(id)
	if tx.Get(bucketComplaints, key) == nil {
		if tx.Get(bucketTombstones, key) != nil {
			return nil, ErrShredded
		}
		return nil, ErrNotFound
	}
	sealed := tx.Get(bucketSealed, key)
	if sealed == nil {
		return nil, fmt.Errorf("%w: complaint without a sealed record", ErrCorrupt)
	}
	return bytes.Clone(sealed), nil
}
