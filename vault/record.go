package vault

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"kotak/crypto/box"
	"kotak/vault/redact"
)

// recordVersion is the version of the stored complaint record and detail.
const recordVersion = 1

// record is a complaint as stored in the complaints bucket (binary, see
// encode). The plain fields are what indexes and statistics need; Title is
// box-sealed under the complaint's DEK. The rest (detail) lives sealed in
// the details bucket, so that a list row never reads a long thread.
type record struct {
	ID              string
	Status          Status
	ArchiveReason   ArchiveReason
	Privacy         Privacy
	Channel         Channel
	Category        string
	Region          string
	Agency          string
	SuggestedAgency string
	SubmittedAt     time.Time
	UpdatedAt       time.Time
	VerifiedAt      time.Time // verified or archived
	DispatchedAt    time.Time // first dispatch
	FirstResponseAt time.Time // first response of the current agency
	ResolvedAt      time.Time
	FinalAt         time.Time // closed or archived
	VerifyDue       time.Time
	FirstDue        time.Time
	CompletionDue   time.Time
	AutoCloseAt     time.Time
	Forwards        int
	Rating          int
	Attachments     int
	ReceiptHash     []byte // HMAC-SHA256 of the receipt, 32 bytes
	Title           []byte // box.Seal(DEK, title, aadTitle(id))
}

// detail is the encrypted part of a complaint.
type detail struct {
	V          int             `json:"v"`
	Body       string          `json:"body"`
	Events     []Event         `json:"events"`
	Messages   []Message       `json:"messages"`
	Contact    *contact        `json:"contact,omitempty"` // confidential and public only
	ProfileKey []byte          `json:"profile_key"`
	Profile    []byte          `json:"profile"` // redact.Profile.MarshalBinary
	Rating     *Rating         `json:"rating,omitempty"`
	Files      []attachmentRef `json:"files,omitempty"`
}

// contact is a non-anonymous reporter's contact details.
type contact struct {
	Name    string `json:"name,omitempty"`
	NIK     string `json:"nik,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Email   string `json:"email,omitempty"`
	Address string `json:"address,omitempty"`
}

func contactOf(id redact.Identity) *contact {
	return &contact{Name: id.Name, NIK: id.NIK, Phone: id.Phone, Email: id.Email, Address: id.Address}
}

func (c *contact) identity() redact.Identity {
	return redact.Identity{Name: c.Name, NIK: c.NIK, Phone: c.Phone, Email: c.Email, Address: c.Address}
}

// attachmentRef describes one stored attachment.
type attachmentRef struct {
	Kind   string    `json:"kind"`
	Size   int       `json:"size"`
	Time   time.Time `json:"time"`
	Source Role      `json:"source"`
}

// Associated data binds each sealed blob to its complaint and purpose.
func aadTitle(id string) []byte  { return []byte("kotak/v1 title\x00" + id) }
func aadDetail(id string) []byte { return []byte("kotak/v1 detail\x00" + id) }
func aadDEK(id string) []byte    { return []byte(id) }
func aadAttachment(id string, n int) []byte {
	return fmt.Appendf(nil, "kotak/v1 attachment\x00%s\x00%d", id, n)
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("trailing data")
	}
	return nil
}

// opened is a record with its DEK and decrypted parts, inside a transaction.
type opened struct {
	rec   *record
	dek   []byte
	title string
	d     *detail
}

// open loads and decrypts complaint id. It returns ErrNotFound for an
// unknown id and ErrShredded for a shredded one.
func (v *Vault) open(tx Tx, id string) (*opened, error) {
	if !ValidID(id) {
		return nil, ErrNotFound
	}
	raw := tx.Get(bucketComplaints, []byte(id))
	if raw == nil {
		if tx.Get(bucketTombstones, []byte(id)) != nil {
			return nil, ErrShredded
		}
		return nil, ErrNotFound
	}
	rec, err := decodeRecord(raw)
	if err != nil {
		return nil, err
	}
	if rec.ID != id {
		return nil, fmt.Errorf("%w: record under another id", ErrCorrupt)
	}
	dek, err := v.unwrapDEK(tx, id)
	if err != nil {
		return nil, err
	}
	title, err := box.Open(dek, rec.Title, aadTitle(id))
	if err != nil {
		return nil, fmt.Errorf("%w: title does not open", ErrCorrupt)
	}
	plain, err := box.Open(dek, tx.Get(bucketDetails, []byte(id)), aadDetail(id))
	if err != nil {
		return nil, fmt.Errorf("%w: detail does not open", ErrCorrupt)
	}
	var d detail
	if err := strictUnmarshal(plain, &d); err != nil || d.V != recordVersion {
		return nil, fmt.Errorf("%w: detail encoding", ErrCorrupt)
	}
	return &opened{rec: rec, dek: dek, title: string(title), d: &d}, nil
}

func (v *Vault) unwrapDEK(tx Tx, id string) ([]byte, error) {
	wrapped := tx.Get(bucketDEKs, []byte(id))
	if wrapped == nil {
		return nil, ErrShredded
	}
	dek, err := box.Unwrap(v.kek, wrapped, aadDEK(id))
	if err != nil {
		return nil, fmt.Errorf("%w: DEK does not unwrap", ErrCorrupt)
	}
	return dek, nil
}

// openTitle decrypts only what a list row needs.
func (v *Vault) openSummary(tx Tx, id []byte) (*record, string, error) {
	raw := tx.Get(bucketComplaints, id)
	if raw == nil {
		return nil, "", fmt.Errorf("%w: index points at a missing complaint", ErrCorrupt)
	}
	rec, err := decodeRecord(raw)
	if err != nil {
		return nil, "", err
	}
	dek, err := v.unwrapDEK(tx, rec.ID)
	if err != nil {
		return nil, "", err
	}
	title, err := box.Open(dek, rec.Title, aadTitle(rec.ID))
	if err != nil {
		return nil, "", fmt.Errorf("%w: title does not open", ErrCorrupt)
	}
	return rec, string(title), nil
}

// write seals the record's title and detail with fresh nonces and stores
// both, updating the indexes from old (nil for a new complaint).
func (v *Vault) write(tx Tx, o *opened, old *record) error {
	var err error
	if o.rec.Title, err = box.Seal(v.rand, o.dek, []byte(o.title), aadTitle(o.rec.ID)); err != nil {
		return err
	}
	plain, err := json.Marshal(o.d)
	if err != nil {
		return err
	}
	defer clear(plain)
	sealedDetail, err := box.Seal(v.rand, o.dek, plain, aadDetail(o.rec.ID))
	if err != nil {
		return err
	}
	if err := tx.Put(bucketDetails, []byte(o.rec.ID), sealedDetail); err != nil {
		return err
	}
	raw, err := o.rec.encode()
	if err != nil {
		return err
	}
	if err := tx.Put(bucketComplaints, []byte(o.rec.ID), raw); err != nil {
		return err
	}
	return updateIndexes(tx, old, o.rec)
}

// SealedPayload is the private part of a complaint, sealed to the ministry
// keyring: the reporter's identity and the original, unredacted text. Only
// an officer holding k auditor shares can read it (kotak unseal reveal).
type SealedPayload struct {
	V           int            `json:"v"`
	Reporter    SealedReporter `json:"reporter"`
	Title       string         `json:"title"`
	Body        string         `json:"body"`
	Attachments []string       `json:"attachments"` // hex SHA-256 of each original upload
}

// SealedReporter is the identity as the reporter gave it.
type SealedReporter struct {
	Name    string `json:"name"`
	NIK     string `json:"nik"`
	Phone   string `json:"phone"`
	Email   string `json:"email"`
	Address string `json:"address"`
}

// sealedPayloadVersion is SealedPayload.V.
const sealedPayloadVersion = 1

// maxSealedPayload bounds ParseSealedPayload's input.
const maxSealedPayload = 1 << 20

// ParseSealedPayload decodes the plaintext of an opened sealed record. It
// is strict (known fields only, one JSON object, known version) and never
// panics.
func ParseSealedPayload(data []byte) (*SealedPayload, error) {
	if len(data) > maxSealedPayload {
		return nil, fmt.Errorf("%w: sealed payload too large", ErrCorrupt)
	}
	var p SealedPayload
	if err := strictUnmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%w: sealed payload encoding", ErrCorrupt)
	}
	if p.V != sealedPayloadVersion {
		return nil, fmt.Errorf("%w: sealed payload version", ErrCorrupt)
	}
	return &p, nil
}
