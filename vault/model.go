package vault

import (
	"time"
)

// Status is where a complaint stands in its lifecycle.
type Status string

// The statuses of DESIGN.md "Lifecycle".
const (
	StatusSubmitted  Status = "submitted"
	StatusDispatched Status = "dispatched"
	StatusInProgress Status = "in_progress"
	StatusResolved   Status = "resolved"
	StatusClosed     Status = "closed"
	StatusOnHold     Status = "on_hold"
	StatusArchived   Status = "archived"
)

// Valid reports whether s is one of the defined statuses.
func (s Status) Valid() bool { _, ok := statusCodes[s]; return ok }

// Privacy is the reporter's choice of how far the complaint and their
// identity travel.
type Privacy string

// Privacy modes (DESIGN.md "Privacy modes").
const (
	// PrivacyAnonymous: the agency never learns who the reporter is; the
	// server keeps only a keyed-hash profile for redaction.
	PrivacyAnonymous Privacy = "anonymous"
	// PrivacyConfidential: never published; the handling agency may view
	// the contact details (each view is an event).
	PrivacyConfidential Privacy = "confidential"
	// PrivacyPublic: the redacted complaint is listed publicly once dispatched.
	PrivacyPublic Privacy = "public"
)

// Valid reports whether p is a defined privacy mode.
func (p Privacy) Valid() bool {
	return p == PrivacyAnonymous || p == PrivacyConfidential || p == PrivacyPublic
}

// Channel is how a complaint reached the vault.
type Channel string

// Channels.
const (
	ChannelWeb    Channel = "web"
	ChannelAPI    Channel = "api"
	ChannelSMS    Channel = "sms"
	ChannelSocial Channel = "social"
	ChannelWalkIn Channel = "walk_in"
)

// Valid reports whether c is a defined channel.
func (c Channel) Valid() bool {
	switch c {
	case ChannelWeb, ChannelAPI, ChannelSMS, ChannelSocial, ChannelWalkIn:
		return true
	}
	return false
}

// ArchiveReason says why a complaint was archived without handling.
type ArchiveReason string

// Archive reasons.
const (
	ReasonOutOfScope ArchiveReason = "out_of_scope" // "bukan wewenang"
	ReasonSpam       ArchiveReason = "spam"
	ReasonIncomplete ArchiveReason = "incomplete"
	ReasonDuplicate  ArchiveReason = "duplicate"
)

// Valid reports whether r is a defined reason.
func (r ArchiveReason) Valid() bool {
	switch r {
	case ReasonOutOfScope, ReasonSpam, ReasonIncomplete, ReasonDuplicate:
		return true
	}
	return false
}

// Role is what an actor is allowed to do.
type Role string

// Roles. RoleSystem is for in-process jobs (auto-close, retention); the
// HTTP layer must never grant it to a request.
const (
	RoleReporter Role = "reporter"
	RoleAdmin    Role = "admin"
	RoleAgency   Role = "agency"
	RoleOfficer  Role = "officer"
	RoleAuditor  Role = "auditor"
	RolePublic   Role = "public"
	RoleSystem   Role = "system"
)

// Actor is who performs an action. ID is a staff account id (empty for
// reporters and the public); Agency is the agency an agency handler works for.
type Actor struct {
	Role   Role   `json:"role"`
	ID     string `json:"id,omitempty"`
	Agency string `json:"agency,omitempty"`
}

// Action names one kind of event.
type Action string

// Actions recorded as events.
const (
	ActionSubmit      Action = "submit"
	ActionVerify      Action = "verify"
	ActionHold        Action = "hold"
	ActionArchive     Action = "archive"
	ActionForward     Action = "forward"
	ActionRespond     Action = "respond"
	ActionResolve     Action = "resolve"
	ActionReply       Action = "reply"
	ActionReopen      Action = "reopen"
	ActionRate        Action = "rate"
	ActionClose       Action = "close"
	ActionAutoClose   Action = "auto_close"
	ActionViewContact Action = "view_contact"
	ActionAttach      Action = "attach"
	ActionShred       Action = "shred"
)

// Event is one step in a complaint's history. Note is free text that may
// hold personal data: it is encrypted at rest, and an OnEvent hook must not
// record it in the clear.
type Event struct {
	Time      time.Time     `json:"time"`
	Actor     Actor         `json:"actor"`
	Action    Action        `json:"action"`
	Complaint string        `json:"complaint"`
	From      Status        `json:"from,omitempty"`
	To        Status        `json:"to,omitempty"`
	Agency    string        `json:"agency,omitempty"`
	Reason    ArchiveReason `json:"reason,omitempty"`
	Note      string        `json:"note,omitempty"`
}

// Message is one message in a complaint's thread, either way.
type Message struct {
	Time   time.Time `json:"time"`
	From   Role      `json:"from"`             // reporter or agency
	Actor  string    `json:"actor,omitempty"`  // staff account id; empty for the reporter
	Agency string    `json:"agency,omitempty"` // the agency that answered
	Body   string    `json:"body"`             // reporter messages are redacted
	Final  bool      `json:"final,omitempty"`  // the agency's final response
}

// Deadlines are the ends (last instant, WIB) of the working-day limits.
// A zero time means the deadline does not apply (yet).
type Deadlines struct {
	Verify        time.Time `json:"verify,omitzero"`         // 3 working days after submission (or a reply on hold)
	FirstResponse time.Time `json:"first_response,omitzero"` // 5 working days after dispatch or forward
	Completion    time.Time `json:"completion,omitzero"`     // 60 working days after the first dispatch
	AutoClose     time.Time `json:"auto_close,omitzero"`     // 10 working days after resolution
}

// Overdue flags a deadline that passed before its milestone was reached
// (or that has passed and the milestone is still missing).
type Overdue struct {
	Verify        bool `json:"verify"`
	FirstResponse bool `json:"first_response"`
	Completion    bool `json:"completion"`
}

// Any reports whether any deadline was missed.
func (o Overdue) Any() bool { return o.Verify || o.FirstResponse || o.Completion }

// Rating is the reporter's verdict on a resolved complaint.
type Rating struct {
	Score   int       `json:"score"`             // 1..5
	Comment string    `json:"comment,omitempty"` // redacted
	Time    time.Time `json:"time"`
}

// Complaint is the full, redacted view of one complaint. It never holds
// the reporter's identity or the original text.
type Complaint struct {
	ID              string        `json:"id"`
	Status          Status        `json:"status"`
	ArchiveReason   ArchiveReason `json:"archive_reason,omitempty"`
	Privacy         Privacy       `json:"privacy"`
	Channel         Channel       `json:"channel"`
	Category        string        `json:"category"`
	Region          string        `json:"region"`
	Agency          string        `json:"agency,omitempty"`
	SuggestedAgency string        `json:"suggested_agency,omitempty"`
	Title           string        `json:"title"`
	Body            string        `json:"body"`
	SubmittedAt     time.Time     `json:"submitted_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
	DispatchedAt    time.Time     `json:"dispatched_at,omitzero"`
	FirstResponseAt time.Time     `json:"first_response_at,omitzero"`
	ResolvedAt      time.Time     `json:"resolved_at,omitzero"`
	ClosedAt        time.Time     `json:"closed_at,omitzero"` // closed or archived
	Forwards        int           `json:"forwards"`
	Deadlines       Deadlines     `json:"deadlines"`
	Overdue         Overdue       `json:"overdue"`
	Rating          *Rating       `json:"rating,omitempty"`
	Attachments     int           `json:"attachments"`
	Events          []Event       `json:"events"`
	Messages        []Message     `json:"messages"`
}

// Summary is one row of a complaint list.
type Summary struct {
	ID          string    `json:"id"`
	Status      Status    `json:"status"`
	Privacy     Privacy   `json:"privacy"`
	Channel     Channel   `json:"channel"`
	Category    string    `json:"category"`
	Region      string    `json:"region"`
	Agency      string    `json:"agency,omitempty"`
	Title       string    `json:"title"`
	SubmittedAt time.Time `json:"submitted_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Deadlines   Deadlines `json:"deadlines"`
	Overdue     Overdue   `json:"overdue"`
}

// Filter selects a page of complaints, newest first.
type Filter struct {
	Status Status // optional
	Agency string // optional for admins; agency handlers always see their own
	Cursor string // NextCursor of the previous page; empty for the first
	Limit  int    // 1..MaxPageSize; 0 means DefaultPageSize
}

// Page sizes.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// Page is one page of a list. NextCursor is empty on the last page.
type Page struct {
	Items      []Summary `json:"items"`
	NextCursor string    `json:"next_cursor"`
}

// Fact is what statistics may know of a complaint: its plain fields, never
// its text. A shredded complaint's tombstone is its last Fact, with
// ShreddedAt set.
type Fact struct {
	ID              string        `json:"id"`
	Status          Status        `json:"status"`
	ArchiveReason   ArchiveReason `json:"archive_reason,omitempty"`
	Privacy         Privacy       `json:"privacy"`
	Channel         Channel       `json:"channel"`
	Category        string        `json:"category"`
	Region          string        `json:"region"`
	Agency          string        `json:"agency,omitempty"`
	SubmittedAt     time.Time     `json:"submitted_at"`
	DispatchedAt    time.Time     `json:"dispatched_at,omitzero"`
	FirstResponseAt time.Time     `json:"first_response_at,omitzero"`
	ResolvedAt      time.Time     `json:"resolved_at,omitzero"`
	ClosedAt        time.Time     `json:"closed_at,omitzero"`
	Deadlines       Deadlines     `json:"deadlines"`
	Overdue         Overdue       `json:"overdue"`
	Rating          int           `json:"rating,omitempty"`
	Forwards        int           `json:"forwards,omitempty"`
	ShreddedAt      time.Time     `json:"shredded_at,omitzero"`
}

// Tombstone is what remains of a shredded complaint: enough for statistics,
// nothing personal.
type Tombstone = Fact
