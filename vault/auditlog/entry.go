package auditlog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"kotak/vault"
)

// EntryVersion is the "v" of every entry this package writes and accepts.
const EntryVersion = 1

// Limits of entry fields. Ids and tokens are ASCII, so the lengths are bytes.
const (
	MaxTokenLen = 32  // role, action
	MaxIDLen    = 128 // actor and object ids
	// MaxEntrySize bounds the canonical encoding of one entry.
	MaxEntrySize = 1024
)

// TimeFormat is the entry time layout: RFC 3339 in UTC with exactly three
// fractional digits, so that times sort as strings.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// Actions for events that do not come from a complaint's lifecycle, to be
// used by the code that logs them. Complaint actions are vault.Action
// values (FromEvent).
const (
	ActionUnsealRequest  = "unseal_request"  // an officer filed a request: Request, Complaint
	ActionUnsealApprove  = "unseal_approve"  // one auditor's signed approval: Request, Actor
	ActionUnsealDeny     = "unseal_deny"     // one auditor's signed denial
	ActionUnsealApproved = "unseal_approved" // k approvals: the reporter is told from now on
	ActionUnsealDenied   = "unseal_denied"   // k can no longer be reached
	ActionUnsealExpired  = "unseal_expired"
	ActionUnsealDefer    = "unseal_defer"  // an approved deferral of telling the reporter
	ActionUnsealReveal   = "unseal_reveal" // the officer fetched the re-sealed shares
	ActionUserAdd        = "user_add"
	ActionUserChange     = "user_change"
	ActionUserRemove     = "user_remove"
	ActionAgencyPut      = "agency_put"
	ActionAgencyRemove   = "agency_remove"
	ActionKeyringChange  = "keyring_change"
)

// Entry is one audit log record. It holds no personal data and no free
// text: who acted (role and account id), what they did, on which objects
// (by id) and, in Details, the hex SHA-256 of a details document kept
// elsewhere (for complaint events, EventDetails), which commits to the
// details without revealing them.
//
// Its encoding (Marshal) is canonical JSON: the keys in the order below,
// "v" first, empty fields left out, no whitespace, only ASCII.
type Entry struct {
	Time      time.Time // encoded in UTC at millisecond precision (TimeFormat)
	Role      string    // actor role: [a-z][a-z0-9_]*, required
	Actor     string    // actor account id; empty for reporters, the public and the system
	Action    string    // [a-z][a-z0-9_]*, required
	Complaint string    // complaint id
	Request   string    // unseal request id
	User      string    // staff account the action is about
	Agency    string    // agency id
	Keyring   string    // keyring id (hex)
	Details   string    // hex SHA-256 of the details document, or empty
}

// Validate checks every field's character set and length. Ids are
// [A-Za-z0-9][A-Za-z0-9._:-]* of at most MaxIDLen bytes.
func (e *Entry) Validate() error {
	if e.Time.IsZero() {
		return fmt.Errorf("%w: time missing", ErrEntryFormat)
	}
	if y := e.Time.UTC().Year(); y < 1 || y > 9999 {
		return fmt.Errorf("%w: time out of range", ErrEntryFormat)
	}
	if !validToken(e.Role) {
		return fmt.Errorf("%w: role", ErrEntryFormat)
	}
	if !validToken(e.Action) {
		return fmt.Errorf("%w: action", ErrEntryFormat)
	}
	if e.Actor != "" && !ValidID(e.Actor) {
		return fmt.Errorf("%w: actor", ErrEntryFormat)
	}
	for _, f := range e.ids() {
		if f.val != "" && !ValidID(f.val) {
			return fmt.Errorf("%w: %s", ErrEntryFormat, f.key)
		}
	}
	if e.Details != "" && !validHexHash(e.Details) {
		return fmt.Errorf("%w: details is not a lowercase hex SHA-256", ErrEntryFormat)
	}
	return nil
}

type field struct{ key, val string }

// ids lists the optional id fields in their canonical order (after action).
func (e *Entry) ids() [5]field {
	return [5]field{
		{"complaint", e.Complaint}, {"request", e.Request}, {"user", e.User},
		{"agency", e.Agency}, {"keyring", e.Keyring},
	}
}

// Marshal returns the canonical encoding of e, the bytes that are hashed
// into the tree. It fails with ErrEntryFormat if e is invalid.
func (e *Entry) Marshal() ([]byte, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	// Every value is ASCII without quotes, backslashes or control
	// characters (Validate), so it needs no JSON escaping.
	b := make([]byte, 0, 256)
	b = append(b, `{"v":`...)
	b = strconv.AppendInt(b, EntryVersion, 10)
	b = appendField(b, "time", e.Time.UTC().Format(TimeFormat))
	b = appendField(b, "role", e.Role)
	if e.Actor != "" {
		b = appendField(b, "actor", e.Actor)
	}
	b = appendField(b, "action", e.Action)
	for _, f := range e.ids() {
		if f.val != "" {
			b = appendField(b, f.key, f.val)
		}
	}
	if e.Details != "" {
		b = appendField(b, "details", e.Details)
	}
	b = append(b, '}')
	return b, nil
}

func appendField(b []byte, key, val string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':', '"')
	b = append(b, val...)
	return append(b, '"')
}

// ParseEntry decodes an entry and accepts it only if it is canonical: its
// re-encoding must equal data byte for byte (so no unknown, duplicate,
// reordered or empty keys, no whitespace, no escapes, nothing after it).
// Any other input gives ErrEntryFormat (ErrEntryVersion for a well-formed
// "v" other than EntryVersion); it never panics.
//
// The parser reads only the canonical shape ({"v":N then ,"key":"value"
// pairs of ASCII without escapes, then }); the re-encoding check then
// settles order, emptiness and every field's syntax.
func ParseEntry(data []byte) (*Entry, error) {
	if len(data) > MaxEntrySize {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrEntryFormat, MaxEntrySize)
	}
	const head = `{"v":`
	if !bytes.HasPrefix(data, []byte(head)) {
		return nil, fmt.Errorf("%w: does not start with the version", ErrEntryFormat)
	}
	rest := data[len(head):]
	i := 0
	for i < len(rest) && i < 6 && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if i == 0 || i == len(rest) || (rest[i] != ',' && rest[i] != '}') {
		return nil, fmt.Errorf("%w: version", ErrEntryFormat)
	}
	if v, _ := strconv.Atoi(string(rest[:i])); v != EntryVersion {
		return nil, fmt.Errorf("%w: entry version %d", ErrEntryVersion, v)
	}
	rest = rest[i:]
	var e Entry
	var timeText string
	seen := 0 // bit per key
	for len(rest) > 0 && rest[0] == ',' {
		var key, val string
		var ok bool
		if key, rest, ok = readPlainString(rest[1:]); !ok || len(rest) == 0 || rest[0] != ':' {
			return nil, fmt.Errorf("%w: not a canonical entry", ErrEntryFormat)
		}
		if val, rest, ok = readPlainString(rest[1:]); !ok {
			return nil, fmt.Errorf("%w: not a canonical entry", ErrEntryFormat)
		}
		bit, dst := e.fieldFor(key, &timeText)
		if dst == nil || seen&bit != 0 {
			return nil, fmt.Errorf("%w: unknown or repeated key", ErrEntryFormat)
		}
		seen |= bit
		*dst = val
	}
	if len(rest) != 1 || rest[0] != '}' {
		return nil, fmt.Errorf("%w: not a canonical entry", ErrEntryFormat)
	}
	t, err := time.Parse(TimeFormat, timeText)
	if err != nil {
		return nil, fmt.Errorf("%w: time", ErrEntryFormat)
	}
	e.Time = t
	again, err := e.Marshal()
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(again, data) {
		return nil, fmt.Errorf("%w: not in canonical form", ErrEntryFormat)
	}
	return &e, nil
}

// fieldFor maps a key to its bit and destination (nil for an unknown key).
func (e *Entry) fieldFor(key string, timeText *string) (int, *string) {
	switch key {
	case "time":
		return 1 << 0, timeText
	case "role":
		return 1 << 1, &e.Role
	case "actor":
		return 1 << 2, &e.Actor
	case "action":
		return 1 << 3, &e.Action
	case "complaint":
		return 1 << 4, &e.Complaint
	case "request":
		return 1 << 5, &e.Request
	case "user":
		return 1 << 6, &e.User
	case "agency":
		return 1 << 7, &e.Agency
	case "keyring":
		return 1 << 8, &e.Keyring
	case "details":
		return 1 << 9, &e.Details
	}
	return 0, nil
}

// readPlainString reads a JSON string of printable ASCII without escapes
// at the start of b and returns its content and the rest.
func readPlainString(b []byte) (string, []byte, bool) {
	if len(b) == 0 || b[0] != '"' {
		return "", nil, false
	}
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return string(b[1:i]), b[i+1:], true
		case c < 0x20 || c > 0x7e || c == '\\':
			return "", nil, false
		}
	}
	return "", nil, false
}

// ValidID reports whether s can be an id in an entry: 1 to MaxIDLen bytes
// of [A-Za-z0-9._:-], starting with a letter or digit.
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > MaxIDLen || !alnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !alnum(c) && c != '.' && c != '_' && c != ':' && c != '-' {
			return false
		}
	}
	return true
}

func alnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func validToken(s string) bool {
	if len(s) == 0 || len(s) > MaxTokenLen || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func validHexHash(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// DetailsHash returns the lowercase hex SHA-256 of a details document,
// the value of Entry.Details. Anyone holding the document can check it
// with any SHA-256 tool.
func DetailsHash(doc []byte) string {
	sum := sha256.Sum256(doc)
	return hex.EncodeToString(sum[:])
}

// eventDetails is the details document of a complaint event: the whole
// event, note included. Field order is fixed by the struct.
type eventDetails struct {
	V           int    `json:"v"`
	Complaint   string `json:"complaint"`
	Time        string `json:"time"` // RFC 3339, UTC, full precision
	Role        string `json:"role"`
	Actor       string `json:"actor"`
	ActorAgency string `json:"actor_agency"`
	Action      string `json:"action"`
	From        string `json:"from"`
	To          string `json:"to"`
	Agency      string `json:"agency"`
	Reason      string `json:"reason"`
	Note        string `json:"note"`
}

// EventDetails returns the details document of a complaint event: JSON
// with fixed keys (v, complaint, time, role, actor, actor_agency, action,
// from, to, agency, reason, note) as encoding/json writes them. It holds
// the note and may hold personal data: it is never stored in the log,
// only its hash (FromEvent). Whoever holds the event (the vault, a court
// given the history) can recompute it and check it against the entry.
//
// The note's hash can be confirmed by guessing: a short, predictable note
// is no secret from someone who knows the rest of the event.
func EventDetails(e vault.Event) []byte {
	b, err := json.Marshal(eventDetails{
		V: EntryVersion, Complaint: e.Complaint, Time: e.Time.UTC().Format(time.RFC3339Nano),
		Role: string(e.Actor.Role), Actor: e.Actor.ID, ActorAgency: e.Actor.Agency,
		Action: string(e.Action), From: string(e.From), To: string(e.To),
		Agency: e.Agency, Reason: string(e.Reason), Note: e.Note,
	})
	if err != nil {
		// Unreachable: a struct of strings and an int always encodes.
		panic("auditlog: encoding event details")
	}
	return b
}

// FromEvent maps a vault event to its entry: time, actor role and id,
// action, complaint and agency ids, and the hash of EventDetails(e). The
// note is hashed, never copied. An id that is not a ValidID (which the
// vault's own ids always are) is replaced by "x-" and 32 hex digits of its
// SHA-256, so that an odd id never makes a vault action fail.
func FromEvent(e vault.Event) Entry {
	return Entry{
		Time:      e.Time,
		Role:      string(e.Actor.Role),
		Actor:     safeID(e.Actor.ID),
		Action:    string(e.Action),
		Complaint: safeID(e.Complaint),
		Agency:    safeID(e.Agency),
		Details:   DetailsHash(EventDetails(e)),
	}
}

func safeID(s string) string {
	if s == "" || ValidID(s) {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return "x-" + hex.EncodeToString(sum[:16])
}
