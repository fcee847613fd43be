package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"kotak/internal/strictjson"
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
	if err := strictjson.Decode(raw, dst, strictjson.Options{IndexArrays: true}); err != nil {
		return jsonError(err)
	}
	if e := dst.validate(); e != nil {
		return e
	}
	return nil
}

// jsonError maps an error of strictjson.Decode to the API's error.
func jsonError(err error) *Error {
	var dup *strictjson.DuplicateKeyError
	var ute *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &dup):
		return &Error{Status: http.StatusBadRequest, Code: "duplicate_field", Message: "field given more than once", Field: dup.Path}
	case errors.Is(err, strictjson.ErrTrailingData):
		return apiError(http.StatusBadRequest, "invalid_json", "trailing data after the JSON object")
	case errors.As(err, &ute):
		return &Error{Status: http.StatusBadRequest, Code: "invalid_field", Message: "wrong type for field", Field: ute.Field}
	case errors.Is(err, strictjson.ErrSyntax), errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return apiError(http.StatusBadRequest, "invalid_json", "request body is not valid JSON")
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &Error{Status: http.StatusBadRequest, Code: "unknown_field", Message: "unknown field", Field: strings.Trim(f, `"`)}
	}
	return apiError(http.StatusBadRequest, "invalid_json", "request body is not valid JSON")
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
