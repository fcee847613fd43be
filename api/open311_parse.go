package api

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kotak/internal/strictjson"
	"kotak/vault"
)

// The fields of an Open311 submission (GeoReport v2 "POST Service Request").
const (
	o311ServiceCode = "service_code"
	o311Description = "description"
	o311Region      = "attribute[region]"
)

// o311Ignored are GeoReport fields accepted and ignored: kotak serves one
// jurisdiction and needs no key for an anonymous submission.
var o311Ignored = []string{"jurisdiction_id", "api_key"}

// o311IdentityFields are the GeoReport fields that identify or locate the
// submitter. An Open311 submission is anonymous: any of them is refused,
// never stored and never sealed.
var o311IdentityFields = []string{
	"email", "device_id", "account_id", "first_name", "last_name", "phone",
	"address_string", "address_id", "lat", "long", "media_url", "media",
}

// o311TitleRunes bounds the title derived from a description.
const o311TitleRunes = 80

// o311Submission is a checked Open311 submission.
type o311Submission struct {
	ServiceCode string
	Description string
	Region      string // "" when the submitter named none
}

// title is the first non-empty line of the description, cut to
// o311TitleRunes runes.
func (s o311Submission) title() string {
	for line := range strings.SplitSeq(s.Description, "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" {
			continue
		}
		if utf8.RuneCountInString(line) > o311TitleRunes {
			line = strings.TrimRightFunc(string([]rune(line)[:o311TitleRunes]), unicode.IsSpace)
		}
		return line
	}
	return ""
}

// parseO311Submission reads an Open311 submission body of media type mt:
// application/x-www-form-urlencoded (the GeoReport v2 encoding) or
// application/json (one object of string values under the same keys). It
// refuses, in this order: a body that is not valid UTF-8 or not well-formed
// in its encoding, an identity field (naming it), a field given twice, an
// unknown field, a value of the wrong type, and a missing service_code or
// description. Errors name the field and never echo input; it never
// panics, whatever raw holds.
func parseO311Submission(mt string, raw []byte) (o311Submission, *Error) {
	var fields map[string][]string
	var e *Error
	switch mt {
	case echoMIMEForm:
		fields, e = parseO311Form(raw)
	case echoMIMEJSON:
		fields, e = parseO311JSON(raw)
	default:
		return o311Submission{}, errO311MediaType
	}
	if e != nil {
		return o311Submission{}, e
	}
	var out o311Submission
	for _, k := range o311IdentityFields {
		if _, ok := fields[k]; ok {
			return out, o311IdentityError(k)
		}
	}
	keys := slices.Sorted(maps.Keys(fields))
	for _, k := range keys {
		if len(fields[k]) > 1 {
			return out, &Error{Status: http.StatusBadRequest, Code: "duplicate_field",
				Message: "field given more than once", Field: boundField(k)}
		}
	}
	for _, k := range keys {
		v := fields[k][0]
		switch {
		case k == o311ServiceCode:
			out.ServiceCode = v
		case k == o311Description:
			out.Description = v
		case k == o311Region:
			out.Region = v
		case oneOf(k, o311Ignored...):
		default:
			return o311Submission{}, &Error{Status: http.StatusBadRequest, Code: "unknown_field",
				Message: "unknown field", Field: boundField(k)}
		}
	}
	switch {
	case out.ServiceCode == "":
		return out, fieldError(o311ServiceCode, "required")
	case strings.TrimSpace(out.Description) == "":
		return out, fieldError(o311Description, "required")
	case out.title() == "":
		return out, fieldError(o311Description, "needs a line of text")
	}
	return out, nil
}

const (
	echoMIMEForm = "application/x-www-form-urlencoded"
	echoMIMEJSON = "application/json"
)

var errO311MediaType = apiError(http.StatusUnsupportedMediaType, "unsupported_media_type",
	"send application/x-www-form-urlencoded or application/json")

func o311IdentityError(field string) *Error {
	return fieldError(field, "identity fields are refused: Open311 submissions are anonymous")
}

// parseO311Form decodes a form body: every key and value valid UTF-8 after
// unescaping, and no malformed escape or separator.
func parseO311Form(raw []byte) (map[string][]string, *Error) {
	if !utf8.Valid(raw) {
		return nil, apiError(http.StatusBadRequest, "invalid_form", "request body is not valid UTF-8")
	}
	vals, err := url.ParseQuery(string(raw))
	if err != nil {
		return nil, apiError(http.StatusBadRequest, "invalid_form", "request body is not valid form encoding")
	}
	for k, vs := range vals {
		if !utf8.ValidString(k) {
			return nil, apiError(http.StatusBadRequest, "invalid_form", "request body is not valid UTF-8")
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return nil, &Error{Status: http.StatusBadRequest, Code: "invalid_field",
					Message: "not valid UTF-8", Field: boundField(k)}
			}
		}
	}
	return vals, nil
}

// parseO311JSON decodes one JSON object with unique keys and string values
// into the same shape as a form.
func parseO311JSON(raw []byte) (map[string][]string, *Error) {
	if !utf8.Valid(raw) {
		return nil, apiError(http.StatusBadRequest, "invalid_json", "request body is not valid UTF-8")
	}
	var obj map[string]json.RawMessage
	if err := strictjson.Decode(raw, &obj, strictjson.Options{MaxDepth: 8}); err != nil {
		var dup *strictjson.DuplicateKeyError
		if errors.As(err, &dup) {
			// A duplicate identity field is an identity field first.
			if oneOf(dup.Path, o311IdentityFields...) {
				return nil, o311IdentityError(dup.Path)
			}
			return nil, &Error{Status: http.StatusBadRequest, Code: "duplicate_field",
				Message: "field given more than once", Field: boundField(dup.Path)}
		}
		if errors.Is(err, strictjson.ErrTrailingData) {
			return nil, apiError(http.StatusBadRequest, "invalid_json", "trailing data after the JSON object")
		}
		return nil, apiError(http.StatusBadRequest, "invalid_json", "request body is not a JSON object")
	}
	if obj == nil {
		return nil, apiError(http.StatusBadRequest, "invalid_json", "request body is not a JSON object")
	}
	out := make(map[string][]string, len(obj))
	// Identity fields are refused whatever their type.
	for _, k := range o311IdentityFields {
		if _, ok := obj[k]; ok {
			return nil, o311IdentityError(k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		v := obj[k]
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, &Error{Status: http.StatusBadRequest, Code: "invalid_field",
				Message: "must be a string", Field: boundField(k)}
		}
		out[k] = []string{s}
	}
	return out, nil
}

// boundField keeps a field name taken from input short and printable
// before it goes into an error.
func boundField(k string) string {
	const max = 40
	if k == "" {
		return "(empty)"
	}
	var b strings.Builder
	for i, r := range k {
		if i >= max {
			b.WriteString("…")
			break
		}
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// o311Query is a checked GET requests.json query.
type o311Query struct {
	IDs          []string        // service_request_id: when set, the other filters are ignored
	ServiceCodes map[string]bool // nil: any
	Statuses     map[string]bool // "open", "closed"; nil: any
	Start, End   time.Time       // zero: unbounded
	Cursor       string          // the vault's cursor, passed through
	Limit        int             // 1..vault.MaxPageSize
}

// o311MaxList bounds comma-separated lists in a query.
const o311MaxList = 20

var o311QueryKeys = []string{"service_request_id", "service_code", "status", "start_date", "end_date",
	"jurisdiction_id", "cursor", "limit"}

// parseO311Query checks a GET requests.json query: only the keys above,
// each at most once; status a comma list of open and closed; service_code
// a comma list of category ids; dates RFC 3339 with start before end;
// limit 1..100 (default 20); service_request_id a comma list of at most 20
// complaint ids. Errors name the parameter and never echo input.
func parseO311Query(q url.Values) (o311Query, *Error) {
	out := o311Query{Limit: vault.DefaultPageSize}
	for _, k := range slices.Sorted(maps.Keys(q)) {
		vs := q[k]
		if len(vs) == 0 {
			continue
		}
		if !oneOf(k, o311QueryKeys...) {
			return o311Query{}, &Error{Status: http.StatusBadRequest, Code: "unknown_field",
				Message: "unsupported query parameter", Field: boundField(k)}
		}
		if len(vs) > 1 {
			return o311Query{}, &Error{Status: http.StatusBadRequest, Code: "duplicate_field",
				Message: "parameter given more than once", Field: k}
		}
		if !utf8.ValidString(vs[0]) {
			return o311Query{}, fieldError(k, "not valid UTF-8")
		}
	}
	list := func(k string) ([]string, *Error) {
		v := q.Get(k)
		if v == "" {
			return nil, nil
		}
		parts := strings.Split(v, ",")
		if len(parts) > o311MaxList {
			return nil, fieldError(k, "too many values")
		}
		for i, p := range parts {
			parts[i] = strings.TrimSpace(p)
			if parts[i] == "" {
				return nil, fieldError(k, "empty value in list")
			}
		}
		return parts, nil
	}
	ids, e := list("service_request_id")
	if e != nil {
		return o311Query{}, e
	}
	for _, id := range ids {
		if !vault.ValidID(id) {
			return o311Query{}, fieldError("service_request_id", "malformed id")
		}
	}
	out.IDs = ids
	codes, e := list("service_code")
	if e != nil {
		return o311Query{}, e
	}
	if codes != nil {
		out.ServiceCodes = map[string]bool{}
		for _, c := range codes {
			if !vault.ValidSlug(c) {
				return o311Query{}, fieldError("service_code", "malformed service code")
			}
			out.ServiceCodes[c] = true
		}
	}
	sts, e := list("status")
	if e != nil {
		return o311Query{}, e
	}
	if sts != nil {
		out.Statuses = map[string]bool{}
		for _, s := range sts {
			if s != "open" && s != "closed" {
				return o311Query{}, fieldError("status", "must be open or closed")
			}
			out.Statuses[s] = true
		}
	}
	for _, d := range []struct {
		key string
		dst *time.Time
	}{{"start_date", &out.Start}, {"end_date", &out.End}} {
		if v := q.Get(d.key); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return o311Query{}, fieldError(d.key, "must be an RFC 3339 date and time")
			}
			*d.dst = t
		}
	}
	if !out.Start.IsZero() && !out.End.IsZero() && out.End.Before(out.Start) {
		return o311Query{}, fieldError("end_date", "must not be before start_date")
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > vault.MaxPageSize {
			return o311Query{}, fieldError("limit", "must be 1 to 100")
		}
		out.Limit = n
	}
	out.Cursor = q.Get("cursor")
	if len(out.Cursor) > 256 {
		return o311Query{}, fieldError("cursor", "malformed")
	}
	return out, nil
}

// o311Status is the GeoReport status of a vault status: a complaint the
// agency resolved, or that is closed or archived, is "closed".
func o311Status(s vault.Status) string {
	switch s {
	case vault.StatusResolved, vault.StatusClosed, vault.StatusArchived:
		return "closed"
	}
	return "open"
}

// matches reports whether a complaint with these plain fields passes the
// query's filters.
func (q o311Query) matches(category string, st vault.Status, submitted time.Time) bool {
	if q.ServiceCodes != nil && !q.ServiceCodes[category] {
		return false
	}
	if q.Statuses != nil && !q.Statuses[o311Status(st)] {
		return false
	}
	if !q.Start.IsZero() && submitted.Before(q.Start) {
		return false
	}
	if !q.End.IsZero() && submitted.After(q.End) {
		return false
	}
	return true
}
