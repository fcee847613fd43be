package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// validator is implemented by request bodies: it reports the first missing
// or invalid field.
type validator interface {
	validate() *Error
}

// decodeJSON reads the request body strictly into dst: the content type must
// be JSON, the body valid UTF-8 holding exactly one JSON object with no
// unknown or duplicate fields and values of the right types; then dst's own
// validation runs. Errors name the offending field and never echo input.
func decodeJSON(c echo.Context, dst validator) error {
	req := c.Request()
	if ct := req.Header.Get(echo.HeaderContentType); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != echo.MIMEApplicationJSON {
			return errUnsupportedCT
		}
	}
	raw, err := io.ReadAll(req.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		var he *echo.HTTPError
		if errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
			return errTooLarge
		}
		return apiError(http.StatusBadRequest, "bad_request", "could not read request body")
	}
	return decodeStrict(raw, dst)
}

func decodeStrict(raw []byte, dst validator) error {
	if !utf8.Valid(raw) {
		return apiError(http.StatusBadRequest, "invalid_json", "request body is not valid UTF-8")
	}
	if f, err := duplicateKey(raw); err != nil {
		return apiError(http.StatusBadRequest, "invalid_json", "request body is not valid JSON")
	} else if f != "" {
		return &Error{Status: http.StatusBadRequest, Code: "duplicate_field", Message: "field given more than once", Field: f}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return apiError(http.StatusBadRequest, "invalid_json", "trailing data after the JSON object")
	}
	if e := dst.validate(); e != nil {
		return e
	}
	return nil
}

func jsonError(err error) *Error {
	var ute *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &ute):
		return &Error{Status: http.StatusBadRequest, Code: "invalid_field", Message: "wrong type for field", Field: ute.Field}
	case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return apiError(http.StatusBadRequest, "invalid_json", "request body is not valid JSON")
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &Error{Status: http.StatusBadRequest, Code: "unknown_field", Message: "unknown field", Field: strings.Trim(f, `"`)}
	}
	return apiError(http.StatusBadRequest, "invalid_json", "request body is not valid JSON")
}

// duplicateKey walks raw and returns the dotted path of the first object key
// that appears twice in the same object, or "" if none.
func duplicateKey(raw []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var walk func(path string) (string, error)
	walk = func(path string) (string, error) {
		tok, err := dec.Token()
		if err != nil {
			return "", err
		}
		d, ok := tok.(json.Delim)
		if !ok {
			return "", nil
		}
		switch d {
		case '{':
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return "", err
				}
				k, _ := kt.(string)
				p := k
				if path != "" {
					p = path + "." + k
				}
				if seen[k] {
					return p, nil
				}
				seen[k] = true
				if f, err := walk(p); err != nil || f != "" {
					return f, err
				}
			}
		case '[':
			for i := 0; dec.More(); i++ {
				if f, err := walk(fmt.Sprintf("%s[%d]", path, i)); err != nil || f != "" {
					return f, err
				}
			}
		}
		_, err = dec.Token() // closing delimiter
		return "", err
	}
	return walk("")
}

// oneOf reports whether v is one of the allowed values.
func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}
