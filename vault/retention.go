package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Shred crypto-shreds complaint id: its wrapped DEK, sealed record,
// attachments, receipt lookup and encrypted parts are deleted in one
// durable transaction, and a tombstone (id, status, agency, category,
// region, dates, deadlines, rating) is kept so that statistics stay right.
// Without the DEK, no copy of the encrypted data — backups taken later
// included — can be opened; backups taken earlier still hold it until they
// are rotated out. A second Shred is ErrShredded.
func (v *Vault) Shred(id string) error {
	now := v.now()
	return v.store.Update(func(tx Tx) error {
		_, err := v.shred(tx, id, now)
		return err
	})
}

// Purge shreds every closed or archived complaint that ended at or before
// now minus olderThan, each in its own transaction, and returns how many
// it shredded. Call it periodically with the retention period.
func (v *Vault) Purge(now time.Time, olderThan time.Duration) (int, error) {
	if olderThan < 0 {
		return 0, badInput("older_than", "must not be negative")
	}
	ids, err := v.due(idxFinal, now.Add(-olderThan))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := v.store.Update(func(tx Tx) error {
			ok, err := v.shred(tx, id, now)
			if err == nil && ok {
				n++
			}
			return err
		})
		if errors.Is(err, ErrShredded) {
			continue
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// shred does Shred's work inside tx. It reports whether it shredded.
func (v *Vault) shred(tx Tx, id string, now time.Time) (bool, error) {
	if !ValidID(id) {
		return false, ErrNotFound
	}
	raw := tx.Get(bucketComplaints, []byte(id))
	if raw == nil {
		if tx.Get(bucketTombstones, []byte(id)) != nil {
			return false, ErrShredded
		}
		return false, ErrNotFound
	}
	r, err := decodeRecord(raw)
	if err != nil {
		return false, err
	}
	ts := factOf(r, now)
	ts.ShreddedAt = now
	tsRaw, err := json.Marshal(ts)
	if err != nil {
		return false, err
	}
	key := []byte(id)
	for _, b := range [][]byte{bucketDEKs, bucketSealed, bucketComplaints, bucketDetails} {
		if err := tx.Delete(b, key); err != nil {
			return false, err
		}
	}
	if len(r.ReceiptHash) > 0 {
		if err := tx.Delete(bucketReceipts, r.ReceiptHash); err != nil {
			return false, err
		}
	}
	var files [][]byte
	c := tx.Cursor(bucketAttachments)
	for k, _ := c.Seek(key); k != nil && len(k) == len(key)+1 && bytes.HasPrefix(k, key); k, _ = c.Next() {
		files = append(files, bytes.Clone(k))
	}
	for _, k := range files {
		if err := tx.Delete(bucketAttachments, k); err != nil {
			return false, err
		}
	}
	if err := updateIndexes(tx, r, nil); err != nil {
		return false, err
	}
	if err := tx.Put(bucketTombstones, key, tsRaw); err != nil {
		return false, err
	}
	ev := Event{Time: now, Actor: Actor{Role: RoleSystem}, Action: ActionShred, Complaint: id,
		From: r.Status, To: r.Status, Agency: r.Agency}
	return true, v.emit(tx, []Event{ev})
}

func factOf(r *record, now time.Time) Fact {
	return Fact{
		ID: r.ID, Status: r.Status, ArchiveReason: r.ArchiveReason, Privacy: r.Privacy,
		Channel: r.Channel, Category: r.Category, Region: r.Region, Agency: r.Agency,
		SubmittedAt: r.SubmittedAt, DispatchedAt: r.DispatchedAt, FirstResponseAt: r.FirstResponseAt,
		ResolvedAt: r.ResolvedAt, ClosedAt: r.FinalAt, Deadlines: deadlines(r),
		Overdue: overdue(r, now), Rating: r.Rating, Forwards: r.Forwards,
	}
}

// Facts calls fn with the plain facts of every complaint — live ones (in id
// order, overdue flags as of the vault's clock) and then the tombstones of
// shredded ones — inside one read transaction. Nothing is decrypted. It is
// what statistics read; it costs a full scan.
func (v *Vault) Facts(fn func(Fact) error) error {
	now := v.now()
	return v.store.View(func(tx Tx) error {
		c := tx.Cursor(bucketComplaints)
		for k, val := c.First(); k != nil; k, val = c.Next() {
			r, err := decodeRecord(val)
			if err != nil {
				return err
			}
			if err := fn(factOf(r, now)); err != nil {
				return err
			}
		}
		return eachTombstone(tx, fn)
	})
}

// Tombstones calls fn for every shredded complaint's tombstone, in id
// order, inside one read transaction.
func (v *Vault) Tombstones(fn func(Tombstone) error) error {
	return v.store.View(func(tx Tx) error { return eachTombstone(tx, fn) })
}

func eachTombstone(tx Tx, fn func(Tombstone) error) error {
	c := tx.Cursor(bucketTombstones)
	for k, val := c.First(); k != nil; k, val = c.Next() {
		var t Tombstone
		if err := strictUnmarshal(val, &t); err != nil {
			return fmt.Errorf("%w: tombstone", ErrCorrupt)
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	return nil
}
