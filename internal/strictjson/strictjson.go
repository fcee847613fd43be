// Package strictjson decodes JSON that must be exactly one value of known
// fields, with no object key given twice (encoding/json silently keeps the
// last of duplicate keys, so a reviewer and the program could read two
// different documents) and nothing after it.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Errors of this package. Match them with errors.Is; a duplicate key is a
// *DuplicateKeyError (errors.As).
var (
	// ErrSyntax: the input does not start with one well-formed JSON value.
	ErrSyntax = errors.New("strictjson: not well-formed JSON")
	// ErrTooDeep: a value is nested deeper than Options.MaxDepth.
	ErrTooDeep = errors.New("strictjson: nested too deep")
	// ErrTrailingData: something other than white space follows the value.
	ErrTrailingData = errors.New("strictjson: trailing data after the JSON value")
)

// DuplicateKeyError reports an object key given twice in one object. Its
// Error text does not contain the key (it comes from the input); callers
// that show Path should bound it.
type DuplicateKeyError struct {
	// Path is the dotted path of the second occurrence: "a", "a.b", and
	// with Options.IndexArrays "a[2].b". It is "" for the empty key of the
	// top-level object.
	Path string
}

func (e *DuplicateKeyError) Error() string { return "strictjson: object key given more than once" }

// Options tune the walk. The zero value has no depth bound and names array
// elements by their array's path.
type Options struct {
	// MaxDepth, if positive, refuses (ErrTooDeep) a value inside more than
	// MaxDepth arrays or objects. Zero means no bound.
	MaxDepth int
	// IndexArrays names an array element path[i] in a duplicate key's path;
	// otherwise an element has the path of its array.
	IndexArrays bool
}

// UniqueKeys walks the first JSON value of raw and returns nil if no object
// in it gives a key twice. Otherwise it returns a *DuplicateKeyError for the
// first such key (the empty key too), ErrSyntax if raw does not start with
// a well-formed value, or ErrTooDeep past o.MaxDepth. It reads nothing
// after that value and never panics, whatever raw holds.
func UniqueKeys(raw []byte, o Options) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var walk func(path string, depth int) error
	walk = func(path string, depth int) error {
		if o.MaxDepth > 0 && depth > o.MaxDepth {
			return ErrTooDeep
		}
		tok, err := dec.Token()
		if err != nil {
			return ErrSyntax
		}
		d, ok := tok.(json.Delim)
		if !ok {
			return nil
		}
		switch d {
		case '{':
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return ErrSyntax
				}
				k, _ := kt.(string)
				p := k
				if path != "" {
					p = path + "." + k
				}
				if seen[k] {
					return &DuplicateKeyError{Path: p}
				}
				seen[k] = true
				if err := walk(p, depth+1); err != nil {
					return err
				}
			}
		case '[':
			for i := 0; dec.More(); i++ {
				p := path
				if o.IndexArrays {
					p = fmt.Sprintf("%s[%d]", path, i)
				}
				if err := walk(p, depth+1); err != nil {
					return err
				}
			}
		}
		if _, err := dec.Token(); err != nil { // closing delimiter
			return ErrSyntax
		}
		return nil
	}
	return walk("", 0)
}

// Decode stores in v the one JSON value that raw holds. It refuses, in this
// order: a value that is not well-formed (ErrSyntax) or too deep
// (ErrTooDeep), a duplicate key (*DuplicateKeyError), what encoding/json
// refuses with unknown fields disallowed (its error as it is: a
// *json.UnmarshalTypeError names the field; an unknown field gives the
// error `json: unknown field "name"`), and anything after the value
// (ErrTrailingData). On error v may be partly filled. It never panics,
// whatever raw holds.
func Decode(raw []byte, v any, o Options) error {
	if err := UniqueKeys(raw, o); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return ErrTrailingData
	}
	return nil
}
