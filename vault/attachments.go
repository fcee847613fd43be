package vault

import (
	"time"

	"kotak/crypto/box"
	"kotak/vault/attach"
)

// AttachmentInfo describes one stored attachment.
type AttachmentInfo struct {
	Kind attach.Kind `json:"kind"`
	Size int         `json:"size"`
	Time time.Time   `json:"time"`
}

// AddAttachment stores a file the reporter adds later. It is sanitized
// (metadata stripped, images re-encoded) before anything is stored, and
// encrypted under the complaint's DEK. Closed and archived complaints take
// no files.
func (v *Vault) AddAttachment(rcpt string, data []byte) (*Complaint, error) {
	f, err := v.sanitize("file", data)
	if err != nil {
		return nil, err
	}
	return v.mutateByReceipt(rcpt, func(tx Tx, o *opened, now time.Time) ([]Event, error) {
		r := o.rec
		if r.Status == StatusClosed || r.Status == StatusArchived {
			return nil, &TransitionError{ActionAttach, r.Status}
		}
		n := r.Attachments
		if n >= v.maxAttach {
			return nil, badInput("file", "too many files")
		}
		sealed, err := box.Seal(v.rand, o.dek, f.clean, aadAttachment(r.ID, n))
		if err != nil {
			return nil, err
		}
		if err := tx.Put(bucketAttachments, attachmentKey(r.ID, n), sealed); err != nil {
			return nil, err
		}
		r.Attachments++
		o.d.Files = append(o.d.Files, attachmentRef{Kind: string(f.kind), Size: len(f.clean), Time: now, Source: RoleReporter})
		return []Event{event(o, now, Actor{Role: RoleReporter}, ActionAttach, r.Status)}, nil
	})
}

// Attachment returns the n-th (from 0) sanitized attachment of complaint id
// to an actor who may Get the complaint.
func (v *Vault) Attachment(a Actor, id string, n int) ([]byte, AttachmentInfo, error) {
	if _, err := v.Get(a, id); err != nil {
		return nil, AttachmentInfo{}, err
	}
	var data []byte
	var info AttachmentInfo
	err := v.store.View(func(tx Tx) error {
		o, err := v.open(tx, id)
		if err != nil {
			return err
		}
		if n < 0 || n >= o.rec.Attachments || n >= len(o.d.Files) {
			return ErrNotFound
		}
		sealed := tx.Get(bucketAttachments, attachmentKey(id, n))
		if sealed == nil {
			return ErrNotFound
		}
		if data, err = box.Open(o.dek, sealed, aadAttachment(id, n)); err != nil {
			return ErrCorrupt
		}
		ref := o.d.Files[n]
		info = AttachmentInfo{Kind: attach.Kind(ref.Kind), Size: ref.Size, Time: ref.Time}
		return nil
	})
	if err != nil {
		return nil, AttachmentInfo{}, err
	}
	return data, info, nil
}
