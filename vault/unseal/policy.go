package unseal

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"kotak/internal/strictjson"
	"kotak/vault"
)

// PolicyVersion is the only policy file version this package reads and
// writes.
const PolicyVersion = 1

// Legal bases of the default policy.
const (
	BasisCourtOrder          = "court_order"
	BasisPoliceInvestigation = "police_investigation"
	BasisReporterConsent     = "reporter_consent"
	BasisThreatToLife        = "threat_to_life"
)

// Bounds of policy values.
const (
	MaxLegalBases       = 32
	MaxLegalBasisLen    = 64
	MaxExpiryDays       = 90
	MaxOpenLimit        = 100
	MaxDeferralDays     = 90 // the longest notice deferral any policy may allow
	maxPolicyFileSize   = 64 << 10
	defaultExpiryDays   = 14
	defaultOpenLimit    = 3
	defaultDeferralDays = 90
)

// Day is the unit of the policy's durations.
const Day = 24 * time.Hour

// Policy is what the server checks before it files an unseal request, and
// what bounds a request's life. Values from DefaultPolicy and ParsePolicy
// have passed Validate.
type Policy struct {
	// LegalBases are the legal bases a request may name.
	LegalBases []string
	// RequesterRoles may file requests: vault.RoleOfficer and, if a
	// ministry wants it, vault.RoleAdmin. Auditors never may (they decide).
	RequesterRoles []vault.Role
	// ExpiryDays is how long a request waits for its k approvals.
	ExpiryDays int
	// MaxOpenPerRequester bounds one requester's pending requests.
	MaxOpenPerRequester int
	// NotifyAtApproval: the reporter's tracking page shows the disclosure
	// from the moment of approval, unless the request carried a deferral
	// that the k approvals signed. Version 1 knows only true: the field is
	// there so that a policy says so explicitly.
	NotifyAtApproval bool
	// MaxNoticeDeferralDays bounds the deferral of the reporter's notice a
	// request may ask for (0: none may be asked). At most MaxDeferralDays.
	MaxNoticeDeferralDays int
}

// DefaultPolicy returns the policy of DESIGN.md: the four legal bases,
// officers only, 14 days to expiry, 3 open requests per officer, the
// reporter told at approval, deferrals of at most 90 days.
func DefaultPolicy() *Policy {
	return &Policy{
		LegalBases:            []string{BasisCourtOrder, BasisPoliceInvestigation, BasisReporterConsent, BasisThreatToLife},
		RequesterRoles:        []vault.Role{vault.RoleOfficer},
		ExpiryDays:            defaultExpiryDays,
		MaxOpenPerRequester:   defaultOpenLimit,
		NotifyAtApproval:      true,
		MaxNoticeDeferralDays: defaultDeferralDays,
	}
}

// Expiry returns how long a request stays open.
func (p *Policy) Expiry() time.Duration { return time.Duration(p.ExpiryDays) * Day }

// AllowsBasis reports whether the policy lists basis.
func (p *Policy) AllowsBasis(basis string) bool { return slices.Contains(p.LegalBases, basis) }

// AllowsRole reports whether role may file requests.
func (p *Policy) AllowsRole(role vault.Role) bool { return slices.Contains(p.RequesterRoles, role) }

// Validate checks every value against its bounds and returns ErrPolicyFile
// naming the first bad field.
func (p *Policy) Validate() error {
	bad := func(field, why string) error { return fmt.Errorf("%w: %s: %s", ErrPolicyFile, field, why) }
	if len(p.LegalBases) == 0 || len(p.LegalBases) > MaxLegalBases {
		return bad("legal_bases", fmt.Sprintf("must list 1 to %d bases", MaxLegalBases))
	}
	for i, b := range p.LegalBases {
		if !validBasis(b) {
			return bad("legal_bases", fmt.Sprintf("entry %d is not [a-z][a-z0-9_]* of at most %d bytes", i+1, MaxLegalBasisLen))
		}
		if slices.Contains(p.LegalBases[:i], b) {
			return bad("legal_bases", fmt.Sprintf("entry %d repeats an earlier one", i+1))
		}
	}
	if len(p.RequesterRoles) == 0 {
		return bad("requester_roles", "must list at least one role")
	}
	for i, r := range p.RequesterRoles {
		if r != vault.RoleOfficer && r != vault.RoleAdmin {
			return bad("requester_roles", fmt.Sprintf("entry %d: only officer and admin may request", i+1))
		}
		if slices.Contains(p.RequesterRoles[:i], r) {
			return bad("requester_roles", fmt.Sprintf("entry %d repeats an earlier one", i+1))
		}
	}
	if p.ExpiryDays < 1 || p.ExpiryDays > MaxExpiryDays {
		return bad("request_expiry_days", fmt.Sprintf("must be 1 to %d", MaxExpiryDays))
	}
	if p.MaxOpenPerRequester < 1 || p.MaxOpenPerRequester > MaxOpenLimit {
		return bad("max_open_requests_per_requester", fmt.Sprintf("must be 1 to %d", MaxOpenLimit))
	}
	if !p.NotifyAtApproval {
		return bad("notify_reporter_at_approval", "must be true: the reporter is told at approval, and only a deferral approved by k auditors delays it")
	}
	if p.MaxNoticeDeferralDays < 0 || p.MaxNoticeDeferralDays > MaxDeferralDays {
		return bad("max_notice_deferral_days", fmt.Sprintf("must be 0 to %d", MaxDeferralDays))
	}
	return nil
}

func validBasis(s string) bool {
	if s == "" || len(s) > MaxLegalBasisLen || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// policyFile is the JSON form. Every field is required; pointers tell a
// missing field from a zero one.
type policyFile struct {
	Version               *int     `json:"version"`
	LegalBases            []string `json:"legal_bases"`
	RequesterRoles        []string `json:"requester_roles"`
	RequestExpiryDays     *int     `json:"request_expiry_days"`
	MaxOpenPerRequester   *int     `json:"max_open_requests_per_requester"`
	NotifyAtApproval      *bool    `json:"notify_reporter_at_approval"`
	MaxNoticeDeferralDays *int     `json:"max_notice_deferral_days"`
}

// Marshal returns the policy as a policy file: indented JSON with every
// field, which ParsePolicy reads back to an equal policy.
func (p *Policy) Marshal() ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	v := PolicyVersion
	roles := make([]string, len(p.RequesterRoles))
	for i, r := range p.RequesterRoles {
		roles[i] = string(r)
	}
	b, err := json.MarshalIndent(policyFile{
		Version: &v, LegalBases: p.LegalBases, RequesterRoles: roles,
		RequestExpiryDays: &p.ExpiryDays, MaxOpenPerRequester: &p.MaxOpenPerRequester,
		NotifyAtApproval: &p.NotifyAtApproval, MaxNoticeDeferralDays: &p.MaxNoticeDeferralDays,
	}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ParsePolicy reads a policy file strictly: one JSON object of at most
// 64 KiB, every field present exactly once, no unknown field, version 1
// (else ErrPolicyVersion), and every value within bounds (Validate). Errors
// wrap ErrPolicyFile and name the field; ParsePolicy never panics.
func ParsePolicy(data []byte) (*Policy, error) {
	if len(data) > maxPolicyFileSize {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrPolicyFile, maxPolicyFileSize)
	}
	var f policyFile
	if err := strictjson.Decode(data, &f, strictjson.Options{MaxDepth: 8}); err != nil {
		var dup *strictjson.DuplicateKeyError
		var ute *json.UnmarshalTypeError
		switch {
		case errors.Is(err, strictjson.ErrSyntax), errors.Is(err, strictjson.ErrTooDeep):
			return nil, fmt.Errorf("%w: not JSON", ErrPolicyFile)
		case errors.As(err, &dup):
			p := dup.Path
			if len(p) > 64 {
				p = p[:64]
			}
			return nil, fmt.Errorf("%w: %q: given more than once", ErrPolicyFile, p)
		case errors.Is(err, strictjson.ErrTrailingData):
			return nil, fmt.Errorf("%w: trailing data", ErrPolicyFile)
		case errors.As(err, &ute) && ute.Field != "":
			return nil, fmt.Errorf("%w: %s: wrong type", ErrPolicyFile, ute.Field)
		}
		return nil, fmt.Errorf("%w: not one JSON object of known fields", ErrPolicyFile)
	}
	switch {
	case f.Version == nil:
		return nil, fmt.Errorf("%w: version: required", ErrPolicyFile)
	case *f.Version != PolicyVersion:
		return nil, fmt.Errorf("%w: %d", ErrPolicyVersion, *f.Version)
	case f.LegalBases == nil:
		return nil, fmt.Errorf("%w: legal_bases: required", ErrPolicyFile)
	case f.RequesterRoles == nil:
		return nil, fmt.Errorf("%w: requester_roles: required", ErrPolicyFile)
	case f.RequestExpiryDays == nil:
		return nil, fmt.Errorf("%w: request_expiry_days: required", ErrPolicyFile)
	case f.MaxOpenPerRequester == nil:
		return nil, fmt.Errorf("%w: max_open_requests_per_requester: required", ErrPolicyFile)
	case f.NotifyAtApproval == nil:
		return nil, fmt.Errorf("%w: notify_reporter_at_approval: required", ErrPolicyFile)
	case f.MaxNoticeDeferralDays == nil:
		return nil, fmt.Errorf("%w: max_notice_deferral_days: required", ErrPolicyFile)
	}
	p := &Policy{
		LegalBases:            f.LegalBases,
		ExpiryDays:            *f.RequestExpiryDays,
		MaxOpenPerRequester:   *f.MaxOpenPerRequester,
		NotifyAtApproval:      *f.NotifyAtApproval,
		MaxNoticeDeferralDays: *f.MaxNoticeDeferralDays,
	}
	for _, r := range f.RequesterRoles {
		p.RequesterRoles = append(p.RequesterRoles, vault.Role(r))
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// LoadPolicy reads and parses a policy file (ParsePolicy; I/O errors are
// wrapped as they are).
func LoadPolicy(path string) (*Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPolicyFileSize+1))
	if err != nil {
		return nil, err
	}
	return ParsePolicy(data)
}
