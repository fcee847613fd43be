package vault

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"
)

// The stored complaint record is a compact binary encoding, read on every
// list row:
//
//	"KR" ‖ version (1 byte)
//	9 strings: id, status, archive reason, privacy, channel, category,
//	           region, agency, suggested agency
//	11 times:  submitted, updated, verified, dispatched, first response,
//	           resolved, final, verify due, first-response due,
//	           completion due, auto-close
//	3 counts:  forwards, rating, attachments
//	2 byte strings: receipt hash, sealed title
//
// A string is a uvarint length and its bytes; a time is a varint of Unix
// nanoseconds, 0 for the zero time; a count is a uvarint. Nothing may
// follow the last field.
const (
	recordMagic    = "KR"
	maxRecordSize  = 1 << 16
	maxRecordField = 4096
	maxRecordCount = 1 << 20
)

func (r *record) times() []*time.Time {
	return []*time.Time{&r.SubmittedAt, &r.UpdatedAt, &r.VerifiedAt, &r.DispatchedAt,
		&r.FirstResponseAt, &r.ResolvedAt, &r.FinalAt, &r.VerifyDue, &r.FirstDue,
		&r.CompletionDue, &r.AutoCloseAt}
}

func (r *record) strings() []*string {
	return []*string{&r.ID, (*string)(&r.Status), (*string)(&r.ArchiveReason), (*string)(&r.Privacy),
		(*string)(&r.Channel), &r.Category, &r.Region, &r.Agency, &r.SuggestedAgency}
}

func (r *record) counts() []*int { return []*int{&r.Forwards, &r.Rating, &r.Attachments} }

func (r *record) encode() ([]byte, error) {
	b := make([]byte, 0, 256+len(r.Title))
	b = append(b, recordMagic...)
	b = append(b, recordVersion)
	for _, s := range r.strings() {
		b = binary.AppendUvarint(b, uint64(len(*s)))
		b = append(b, *s...)
	}
	for _, t := range r.times() {
		var n int64
		if !t.IsZero() {
			n = t.UnixNano()
		}
		b = binary.AppendVarint(b, n)
	}
	for _, c := range r.counts() {
		if *c < 0 {
			return nil, fmt.Errorf("vault: negative count in record")
		}
		b = binary.AppendUvarint(b, uint64(*c))
	}
	for _, f := range [][]byte{r.ReceiptHash, r.Title} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b, nil
}

// decodeRecord parses a stored record strictly: known version, bounded
// fields, valid id, status, privacy and channel, canonical varints, no
// trailing bytes. It
// copies everything out of data and never panics.
func decodeRecord(data []byte) (*record, error) {
	bad := func(what string) (*record, error) {
		return nil, fmt.Errorf("%w: record %s", ErrCorrupt, what)
	}
	if len(data) > maxRecordSize || len(data) < len(recordMagic)+1 || string(data[:2]) != recordMagic {
		return bad("header")
	}
	if data[2] != recordVersion {
		return bad("version")
	}
	d := data[3:]
	field := func() ([]byte, bool) {
		n, k := binary.Uvarint(d)
		if k <= 0 || n > maxRecordField || n > uint64(len(d)-k) {
			return nil, false
		}
		f := d[k : k+int(n)]
		d = d[k+int(n):]
		return f, true
	}
	r := &record{}
	for _, s := range r.strings() {
		f, ok := field()
		if !ok {
			return bad("string field")
		}
		*s = string(f)
	}
	for _, t := range r.times() {
		n, k := binary.Varint(d)
		if k <= 0 {
			return bad("time field")
		}
		d = d[k:]
		if n != 0 {
			*t = time.Unix(0, n).UTC()
		}
	}
	for _, c := range r.counts() {
		n, k := binary.Uvarint(d)
		if k <= 0 || n > maxRecordCount {
			return bad("count field")
		}
		d = d[k:]
		*c = int(n)
	}
	for _, f := range []*[]byte{&r.ReceiptHash, &r.Title} {
		v, ok := field()
		if !ok {
			return bad("bytes field")
		}
		*f = append([]byte(nil), v...)
	}
	if len(d) != 0 {
		return bad("trailing bytes")
	}
	if !ValidID(r.ID) || !r.Status.Valid() || !r.Privacy.Valid() || !r.Channel.Valid() {
		return bad("fields")
	}
	if r.ArchiveReason != "" && !r.ArchiveReason.Valid() {
		return bad("archive reason")
	}
	for _, s := range []string{r.Agency, r.SuggestedAgency} {
		if s != "" && validSlug(s) != nil {
			return bad("agency")
		}
	}
	// Exactly one encoding per record: refuse overlong varints.
	if enc, err := r.encode(); err != nil || !bytes.Equal(enc, data) {
		return bad("encoding")
	}
	return r, nil
}
