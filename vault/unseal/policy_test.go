package unseal

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"kotak/vault"
)

const defaultPolicyFile = `{
  "version": 1,
  "legal_bases": [
    "court_order",
    "police_investigation",
    "reporter_consent",
    "threat_to_life"
  ],
  "requester_roles": [
    "officer"
  ],
  "request_expiry_days": 14,
  "max_open_requests_per_requester": 3,
  "notify_reporter_at_approval": true,
  "max_notice_deferral_days": 90
}
`

func TestDefaultPolicy(t *testing.T) {
	p := DefaultPolicy()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.Expiry() != 14*Day || p.MaxOpenPerRequester != 3 || !p.NotifyAtApproval || p.MaxNoticeDeferralDays != 90 {
		t.Fatalf("defaults %+v", p)
	}
	for _, b := range []string{"court_order", "police_investigation", "reporter_consent", "threat_to_life"} {
		if !p.AllowsBasis(b) {
			t.Errorf("default policy refuses %s", b)
		}
	}
	if p.AllowsBasis("curiosity") || !p.AllowsRole(vault.RoleOfficer) || p.AllowsRole(vault.RoleAuditor) || p.AllowsRole(vault.RoleAdmin) {
		t.Fatal("default policy allows too much")
	}
	got, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != defaultPolicyFile {
		t.Fatalf("default policy file:\n%s", got)
	}
	back, err := ParsePolicy(got)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, p) {
		t.Fatalf("round trip: %+v != %+v", back, p)
	}
}

func TestParsePolicyCustom(t *testing.T) {
	in := `{"version":1,"legal_bases":["court_order","kpk_investigation"],"requester_roles":["officer","admin"],
	"request_expiry_days":30,"max_open_requests_per_requester":1,"notify_reporter_at_approval":true,"max_notice_deferral_days":0}`
	p, err := ParsePolicy([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if !p.AllowsBasis("kpk_investigation") || p.AllowsBasis("threat_to_life") || !p.AllowsRole(vault.RoleAdmin) ||
		p.Expiry() != 30*Day || p.MaxOpenPerRequester != 1 || p.MaxNoticeDeferralDays != 0 {
		t.Fatalf("parsed %+v", p)
	}
	path := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(path, []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	q, err := LoadPolicy(path)
	if err != nil || !reflect.DeepEqual(p, q) {
		t.Fatalf("LoadPolicy: %+v, %v", q, err)
	}
	if _, err := LoadPolicy(filepath.Join(t.TempDir(), "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestParsePolicyRefuses(t *testing.T) {
	tests := []struct {
		name, in string
		want     error
		field    string
	}{
		{"empty", ``, ErrPolicyFile, ""},
		{"not an object", `[1]`, ErrPolicyFile, ""},
		{"trailing data", defaultPolicyFile + `{}`, ErrPolicyFile, "trailing"},
		{"unknown field", strings.Replace(defaultPolicyFile, `"version": 1,`, `"version": 1, "override": true,`, 1), ErrPolicyFile, ""},
		{"duplicate field", strings.Replace(defaultPolicyFile, `"version": 1,`, `"version": 1, "version": 1,`, 1), ErrPolicyFile, "version"},
		{"duplicate in array", `{"legal_bases":[{"a":1,"a":2}]}`, ErrPolicyFile, `"legal_bases.a": given more than once`},
		{"long duplicate", `{"` + strings.Repeat("k", 100) + `":1,"` + strings.Repeat("k", 100) + `":2}`, ErrPolicyFile, `"` + strings.Repeat("k", 64) + `": given`},
		{"nested at the bound", `{"legal_bases":` + strings.Repeat("[", 7) + "1" + strings.Repeat("]", 7) + `}`, ErrPolicyFile, "legal_bases: wrong type"},
		{"nested too deep", `{"legal_bases":` + strings.Repeat("[", 9) + "1" + strings.Repeat("]", 9) + `}`, ErrPolicyFile, "not JSON"},
		{"missing version", strings.Replace(defaultPolicyFile, `"version": 1,`, ``, 1), ErrPolicyFile, "version"},
		{"version 2", strings.Replace(defaultPolicyFile, `"version": 1`, `"version": 2`, 1), ErrPolicyVersion, ""},
		{"version as string", strings.Replace(defaultPolicyFile, `"version": 1`, `"version": "1"`, 1), ErrPolicyFile, "version"},
		{"missing bases", strings.Replace(defaultPolicyFile, `"legal_bases": [`, `"x": [`, 1), ErrPolicyFile, ""},
		{"no bases", `{"version":1,"legal_bases":[],"requester_roles":["officer"],"request_expiry_days":14,"max_open_requests_per_requester":3,"notify_reporter_at_approval":true,"max_notice_deferral_days":90}`, ErrPolicyFile, "legal_bases"},
		{"null bases", `{"version":1,"legal_bases":null,"requester_roles":["officer"],"request_expiry_days":14,"max_open_requests_per_requester":3,"notify_reporter_at_approval":true,"max_notice_deferral_days":90}`, ErrPolicyFile, "legal_bases"},
		{"bad basis", strings.Replace(defaultPolicyFile, `"court_order"`, `"Court Order"`, 1), ErrPolicyFile, "legal_bases"},
		{"repeated basis", strings.Replace(defaultPolicyFile, `"police_investigation"`, `"court_order"`, 1), ErrPolicyFile, "legal_bases"},
		{"auditor may request", strings.Replace(defaultPolicyFile, `"officer"`, `"auditor"`, 1), ErrPolicyFile, "requester_roles"},
		{"agency may request", strings.Replace(defaultPolicyFile, `"officer"`, `"agency"`, 1), ErrPolicyFile, "requester_roles"},
		{"missing roles", strings.Replace(defaultPolicyFile, `"requester_roles"`, `"roles"`, 1), ErrPolicyFile, ""},
		{"expiry 0", strings.Replace(defaultPolicyFile, `"request_expiry_days": 14`, `"request_expiry_days": 0`, 1), ErrPolicyFile, "request_expiry_days"},
		{"expiry 91", strings.Replace(defaultPolicyFile, `"request_expiry_days": 14`, `"request_expiry_days": 91`, 1), ErrPolicyFile, "request_expiry_days"},
		{"expiry fraction", strings.Replace(defaultPolicyFile, `"request_expiry_days": 14`, `"request_expiry_days": 1.5`, 1), ErrPolicyFile, "request_expiry_days"},
		{"open 0", strings.Replace(defaultPolicyFile, `"max_open_requests_per_requester": 3`, `"max_open_requests_per_requester": 0`, 1), ErrPolicyFile, "max_open"},
		{"reporter not told", strings.Replace(defaultPolicyFile, `"notify_reporter_at_approval": true`, `"notify_reporter_at_approval": false`, 1), ErrPolicyFile, "notify_reporter_at_approval"},
		{"missing notify", strings.Replace(defaultPolicyFile, `"notify_reporter_at_approval": true,`, ``, 1), ErrPolicyFile, "notify_reporter_at_approval"},
		{"deferral 91", strings.Replace(defaultPolicyFile, `"max_notice_deferral_days": 90`, `"max_notice_deferral_days": 91`, 1), ErrPolicyFile, "max_notice_deferral_days"},
		{"deferral negative", strings.Replace(defaultPolicyFile, `"max_notice_deferral_days": 90`, `"max_notice_deferral_days": -1`, 1), ErrPolicyFile, "max_notice_deferral_days"},
		{"too large", `{"version":1,"legal_bases":["` + strings.Repeat("a", 70<<10) + `"]}`, ErrPolicyFile, "larger"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePolicy([]byte(tc.in))
			if !errors.Is(err, tc.want) {
				t.Fatalf("ParsePolicy: %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("error %q does not name %q", err, tc.field)
			}
		})
	}
}

func TestPolicyMarshalRefusesInvalid(t *testing.T) {
	p := DefaultPolicy()
	p.RequesterRoles = []vault.Role{vault.RoleAuditor}
	if _, err := p.Marshal(); !errors.Is(err, ErrPolicyFile) {
		t.Fatalf("Marshal of an invalid policy: %v", err)
	}
}
