package vault

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"kotak/crypto/box"
	"kotak/vault/attach"
	"kotak/vault/receipt"
	"kotak/vault/redact"
)

// Submission is a new complaint as the reporter sends it.
type Submission struct {
	Title    string
	Body     string
	Category string // category id
	Region   string // region id
	Agency   string // optional: the agency the reporter suggests
	Privacy  Privacy
	Channel  Channel
	// Reporter is the identity. Optional for anonymous complaints; for
	// confidential and public ones a name and a phone or e-mail are
	// required. Whatever is given is sealed.
	Reporter redact.Identity
	// Attachments are raw uploads (JPEG, PNG, PDF); each is sanitized and
	// stored without metadata, and its original's SHA-256 is sealed.
	Attachments [][]byte
}

// Submitted is what the reporter gets back. Receipt is shown once and never
// stored in the clear: it cannot be recovered.
type Submitted struct {
	ID      string  `json:"id"`
	Receipt string  `json:"receipt"`
	Status  Status  `json:"status"`
	Privacy Privacy `json:"privacy"`
	Title   string  `json:"redacted_title"`
	Body    string  `json:"redacted_body"`
	// TitleFindings and BodyFindings locate what was redacted in the
	// original title and body (byte offsets into them).
	TitleFindings []redact.Finding `json:"-"`
	BodyFindings  []redact.Finding `json:"-"`
	Deadlines     Deadlines        `json:"deadlines"`
}

// Preview is the redacted text a reporter confirms before submitting.
type Preview struct {
	Title         string           `json:"title"`
	Body          string           `json:"body"`
	TitleFindings []redact.Finding `json:"title_findings"`
	BodyFindings  []redact.Finding `json:"body_findings"`
}

// submission is a checked Submission.
type submission struct {
	Submission
	files []attachment
}

type attachment struct {
	clean []byte
	kind  attach.Kind
	hash  string // hex SHA-256 of the original upload
}

func (v *Vault) check(s Submission) (*submission, error) {
	var err error
	out := &submission{Submission: s}
	if out.Title, err = cleanText("title", s.Title, 1, MaxTitle, false); err != nil {
		return nil, err
	}
	if out.Body, err = cleanText("body", s.Body, 1, MaxBody, true); err != nil {
		return nil, err
	}
	if err := checkSlug("category", s.Category); err != nil {
		return nil, err
	}
	if v.catExists != nil && !v.catExists(s.Category) {
		return nil, badInput("category", "unknown category")
	}
	if err := checkSlug("region", s.Region); err != nil {
		return nil, err
	}
	if s.Agency != "" {
		if err := v.checkAgency("agency", s.Agency); err != nil {
			return nil, err
		}
	}
	if !s.Privacy.Valid() {
		return nil, badInput("privacy", "must be anonymous, confidential or public")
	}
	if !s.Channel.Valid() {
		return nil, badInput("channel", "must be web, api, sms, social or walk_in")
	}
	r := &out.Reporter
	for _, f := range []struct {
		name string
		p    *string
	}{
		{"reporter.name", &r.Name}, {"reporter.nik", &r.NIK}, {"reporter.phone", &r.Phone},
		{"reporter.email", &r.Email}, {"reporter.address", &r.Address},
	} {
		if *f.p, err = cleanText(f.name, *f.p, 0, maxField, false); err != nil {
			return nil, err
		}
	}
	if s.Privacy != PrivacyAnonymous {
		if r.Name == "" {
			return nil, badInput("reporter.name", "required unless anonymous")
		}
		if r.Phone == "" && r.Email == "" {
			return nil, badInput("reporter.phone", "a phone or an e-mail is required unless anonymous")
		}
	}
	if len(s.Attachments) > v.maxAttach {
		return nil, badInput("attachments", "too many files")
	}
	for i, data := range s.Attachments {
		f, err := v.sanitize(fmt.Sprintf("attachments[%d]", i), data)
		if err != nil {
			return nil, err
		}
		out.files = append(out.files, f)
	}
	return out, nil
}

func (v *Vault) sanitize(field string, data []byte) (attachment, error) {
	clean, kind, err := attach.Sanitize(data, v.attachLimits)
	if err != nil {
		reason := "not a readable JPEG, PNG or PDF file"
		switch {
		case errors.Is(err, attach.ErrTooLarge):
			reason = "file too large"
		case errors.Is(err, attach.ErrTooManyPixels):
			reason = "image too large"
		case errors.Is(err, attach.ErrUnsupported):
			reason = "unsupported file type"
		}
		return attachment{}, badInput(field, reason)
	}
	sum := sha256.Sum256(data)
	return attachment{clean: clean, kind: kind, hash: hex.EncodeToString(sum[:])}, nil
}

func (v *Vault) checkAgency(field, agency string) error {
	if err := checkSlug(field, agency); err != nil {
		return err
	}
	if v.agencyExists != nil && !v.agencyExists(agency) {
		return badInput(field, "unknown agency")
	}
	return nil
}

// newProfile makes the keyed-hash profile of the reporter's identity that
// redacts later messages. The profile key is fresh per complaint.
func newProfile(rnd io.Reader, id redact.Identity) (key []byte, p *redact.Profile, err error) {
	key = make([]byte, 32)
	if _, err := io.ReadFull(rnd, key); err != nil {
		return nil, nil, fmt.Errorf("vault: reading randomness: %w", err)
	}
	return key, redact.NewProfile(key, id), nil
}

// Preview redacts a submission as Submit would and stores nothing.
func (v *Vault) Preview(s Submission) (*Preview, error) {
	s.Attachments = nil
	c, err := v.check(s)
	if err != nil {
		return nil, err
	}
	_, p, err := newProfile(v.rand, c.Reporter)
	if err != nil {
		return nil, err
	}
	out := &Preview{}
	out.Title, out.TitleFindings = v.redactor.Redact(c.Title, p)
	out.Body, out.BodyFindings = v.redactor.Redact(c.Body, p)
	return out, nil
}

// errRetry asks Submit to draw a fresh id or receipt after a collision.
var (
	errIDTaken      = errors.New("vault: id taken")
	errReceiptTaken = errors.New("vault: receipt taken")
)

const maxSubmitAttempts = 4

// Submit stores a new complaint and returns its id and receipt.
//
// Before the write transaction it checks the input, sanitizes attachments,
// redacts the title and body through the Redactor, seals the identity and
// the original text to the ministry keyring, and draws the id, the receipt
// and the DEK. The transaction then stores it all at once; when Submit
// returns nil the complaint is durable. For anonymous reporters only a
// keyed-hash profile of the identity is kept (for redacting later
// messages); for confidential and public ones the contact details are kept
// too, encrypted. The receipt is stored only as its HMAC.
func (v *Vault) Submit(s Submission) (*Submitted, error) {
	c, err := v.check(s)
	if err != nil {
		return nil, err
	}
	now := v.now()
	profileKey, profile, err := newProfile(v.rand, c.Reporter)
	if err != nil {
		return nil, err
	}
	profileBytes, err := profile.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("vault: encoding profile: %w", err)
	}
	title, titleFindings := v.redactor.Redact(c.Title, profile)
	body, bodyFindings := v.redactor.Redact(c.Body, profile)
	payload := SealedPayload{
		V: sealedPayloadVersion,
		Reporter: SealedReporter{Name: c.Reporter.Name, NIK: c.Reporter.NIK, Phone: c.Reporter.Phone,
			Email: c.Reporter.Email, Address: c.Reporter.Address},
		Title:       c.Title,
		Body:        c.Body,
		Attachments: []string{},
	}
	for _, f := range c.files {
		payload.Attachments = append(payload.Attachments, f.hash)
	}
	plain, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	defer clear(plain)

	d := &detail{
		V:          recordVersion,
		Body:       body,
		Events:     []Event{},
		Messages:   []Message{},
		ProfileKey: profileKey,
		Profile:    profileBytes,
	}
	if c.Privacy != PrivacyAnonymous {
		d.Contact = contactOf(c.Reporter)
	}
	for _, f := range c.files {
		d.Files = append(d.Files, attachmentRef{Kind: string(f.kind), Size: len(f.clean), Time: now, Source: RoleReporter})
	}
	rec := &record{
		Status:          StatusSubmitted,
		Privacy:         c.Privacy,
		Channel:         c.Channel,
		Category:        c.Category,
		Region:          c.Region,
		SuggestedAgency: c.Agency,
		SubmittedAt:     now,
		UpdatedAt:       now,
		VerifyDue:       v.cal.AddWorkingDays(now, VerifyDays),
		Attachments:     len(c.files),
	}

	var id, rcpt string
	var sealed []byte
	newID := true
	newReceipt := true
	for attempt := 0; ; attempt++ {
		if attempt == maxSubmitAttempts {
			return nil, fmt.Errorf("vault: could not draw a free id and receipt")
		}
		if newID {
			if id, err = drawID(v.rand); err != nil {
				return nil, err
			}
			if sealed, err = v.sealer.Seal(id, plain); err != nil {
				return nil, fmt.Errorf("vault: sealing: %w", err)
			}
		}
		if newReceipt {
			if rcpt, err = receipt.New(v.rand); err != nil {
				return nil, err
			}
			sum, err := v.receipts.Sum(rcpt)
			if err != nil {
				return nil, err
			}
			rec.ReceiptHash = sum[:]
		}
		dek, err := box.NewDEK(v.rand)
		if err != nil {
			return nil, err
		}
		wrapped, err := box.Wrap(v.rand, v.kek, dek, aadDEK(id))
		if err != nil {
			return nil, err
		}
		files := make([][]byte, len(c.files))
		for i, f := range c.files {
			if files[i], err = box.Seal(v.rand, dek, f.clean, aadAttachment(id, i)); err != nil {
				return nil, err
			}
		}
		rec.ID = id
		ev := Event{Time: now, Actor: Actor{Role: RoleReporter}, Action: ActionSubmit, Complaint: id, To: StatusSubmitted}
		d.Events = []Event{ev}
		o := &opened{rec: rec, dek: dek, title: title, d: d}
		err = v.store.Update(func(tx Tx) error {
			if tx.Get(bucketComplaints, []byte(id)) != nil || tx.Get(bucketTombstones, []byte(id)) != nil {
				return errIDTaken
			}
			if tx.Get(bucketReceipts, rec.ReceiptHash) != nil {
				return errReceiptTaken
			}
			if err := tx.Put(bucketDEKs, []byte(id), wrapped); err != nil {
				return err
			}
			if err := tx.Put(bucketSealed, []byte(id), sealed); err != nil {
				return err
			}
			if err := tx.Put(bucketReceipts, rec.ReceiptHash, []byte(id)); err != nil {
				return err
			}
			for i, f := range files {
				if err := tx.Put(bucketAttachments, attachmentKey(id, i), f); err != nil {
					return err
				}
			}
			if err := v.write(tx, o, nil); err != nil {
				return err
			}
			return v.emit(tx, []Event{ev})
		})
		clear(dek)
		newID, newReceipt = errors.Is(err, errIDTaken), errors.Is(err, errReceiptTaken)
		if newID || newReceipt {
			continue
		}
		if err != nil {
			return nil, err
		}
		break
	}
	return &Submitted{
		ID:            id,
		Receipt:       rcpt,
		Status:        StatusSubmitted,
		Privacy:       c.Privacy,
		Title:         title,
		Body:          body,
		TitleFindings: titleFindings,
		BodyFindings:  bodyFindings,
		Deadlines:     Deadlines{Verify: rec.VerifyDue},
	}, nil
}

// emit calls the OnEvent hook for each event, inside the transaction.
func (v *Vault) emit(tx Tx, evs []Event) error {
	if v.onEvent == nil {
		return nil
	}
	for _, e := range evs {
		if err := v.onEvent(tx, e); err != nil {
			return fmt.Errorf("vault: event hook: %w", err)
		}
	}
	return nil
}

// Working-day limits (DESIGN.md "Lifecycle").
const (
	VerifyDays        = 3
	FirstResponseDays = 5
	CompletionDays    = 60
	AutoCloseDays     = 10
)
