package strictjson

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestUniqueKeys(t *testing.T) {
	deep := func(n int, inner string) string {
		return strings.Repeat("[", n) + inner + strings.Repeat("]", n)
	}
	tests := []struct {
		name    string
		in      string
		o       Options
		dup     string // the path of a duplicate, if wantErr is nil
		wantErr error
	}{
		{"none", `{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}`, Options{}, "", nil},
		{"empty key", `{"":1,"":2}`, Options{}, "", errDup},
		{"empty key nested", `{"a":{"":1,"":2}}`, Options{}, "a.", errDup},
		{"top level", `{"a":1,"a":2}`, Options{}, "a", errDup},
		{"nested", `{"a":{"b":1,"b":2}}`, Options{}, "a.b", errDup},
		{"first of two", `{"a":{"b":1,"b":2},"a":3}`, Options{}, "a.b", errDup},
		{"in array", `{"a":[1,{"b":1,"b":2}]}`, Options{}, "a.b", errDup},
		{"in array, indexed", `{"a":[1,{"b":1,"b":2}]}`, Options{IndexArrays: true}, "a[1].b", errDup},
		{"top-level array, indexed", `[{},{"x":0,"x":0}]`, Options{IndexArrays: true}, "[1].x", errDup},
		{"escaped key equal", `{"a":1,"\u0061":2}`, Options{}, "a", errDup},
		{"scalar", `"a"`, Options{}, "", nil},
		{"trailing not read", `{"a":1} {"a":1,"a":2}`, Options{}, "", nil},
		{"trailing garbage not read", `{"a":1} x`, Options{}, "", nil},
		{"empty", ``, Options{}, "", ErrSyntax},
		{"truncated", `{"a":1`, Options{}, "", ErrSyntax},
		{"truncated key", `{"a`, Options{}, "", ErrSyntax},
		{"bad key", `{1:2}`, Options{}, "", ErrSyntax},
		{"bad close", `[1}`, Options{}, "", ErrSyntax},
		{"bare word", `nope`, Options{}, "", ErrSyntax},
		{"depth at the bound", deep(8, "1"), Options{MaxDepth: 8}, "", nil},
		{"depth past the bound", deep(9, "1"), Options{MaxDepth: 8}, "", ErrTooDeep},
		{"deep objects", strings.Repeat(`{"a":`, 9) + "1" + strings.Repeat("}", 9), Options{MaxDepth: 8}, "", ErrTooDeep},
		{"deep without bound", deep(500, "1"), Options{}, "", nil},
		{"duplicate before depth", `{"a":1,"a":` + deep(20, "1") + `}`, Options{MaxDepth: 8}, "a", errDup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := UniqueKeys([]byte(tt.in), tt.o)
			var d *DuplicateKeyError
			if tt.wantErr == errDup {
				if !errors.As(err, &d) || d.Path != tt.dup {
					t.Fatalf("UniqueKeys = %v, want duplicate %q", err, tt.dup)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) || errors.As(err, &d) {
				t.Fatalf("UniqueKeys = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

// errDup stands for a *DuplicateKeyError in the table of TestUniqueKeys.
var errDup = errors.New("duplicate")

type doc struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
	Inner *struct {
		X []int `json:"x"`
	} `json:"inner"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		o     Options
		check func(err error) bool
	}{
		{"ok", `{"name":"a","count":2,"inner":{"x":[1,2]}}`, Options{}, func(err error) bool { return err == nil }},
		{"ok with trailing space", "{\"name\":\"a\"}\n\t ", Options{}, func(err error) bool { return err == nil }},
		{"duplicate", `{"name":"a","name":"b"}`, Options{}, func(err error) bool {
			var d *DuplicateKeyError
			return errors.As(err, &d) && d.Path == "name"
		}},
		{"duplicate nested", `{"inner":{"x":[],"x":[1]}}`, Options{}, func(err error) bool {
			var d *DuplicateKeyError
			return errors.As(err, &d) && d.Path == "inner.x"
		}},
		{"unknown field", `{"name":"a","nik":"1"}`, Options{}, func(err error) bool {
			return err != nil && err.Error() == `json: unknown field "nik"`
		}},
		{"unknown nested field", `{"inner":{"y":1}}`, Options{}, func(err error) bool {
			return err != nil && err.Error() == `json: unknown field "y"`
		}},
		{"wrong type", `{"count":"2"}`, Options{}, func(err error) bool {
			var ute *json.UnmarshalTypeError
			return errors.As(err, &ute) && ute.Field == "count"
		}},
		{"trailing value", `{"name":"a"} {}`, Options{}, func(err error) bool { return errors.Is(err, ErrTrailingData) }},
		{"trailing garbage", `{"name":"a"} x`, Options{}, func(err error) bool { return errors.Is(err, ErrTrailingData) }},
		{"syntax", `{"name":`, Options{}, func(err error) bool { return errors.Is(err, ErrSyntax) }},
		{"empty", ``, Options{}, func(err error) bool { return errors.Is(err, ErrSyntax) }},
		{"too deep", `{"inner":{"x":[[[1]]]}}`, Options{MaxDepth: 3}, func(err error) bool { return errors.Is(err, ErrTooDeep) }},
		{"duplicate before unknown", `{"nik":1,"nik":2}`, Options{}, func(err error) bool {
			var d *DuplicateKeyError
			return errors.As(err, &d) && d.Path == "nik"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d doc
			if err := Decode([]byte(tt.in), &d, tt.o); !tt.check(err) {
				t.Fatalf("Decode: %v", err)
			}
		})
	}
	var d doc
	if err := Decode([]byte(`{"name":"a","count":2,"inner":{"x":[1,2]}}`), &d, Options{}); err != nil ||
		d.Name != "a" || d.Count != 2 || d.Inner == nil || !reflect.DeepEqual(d.Inner.X, []int{1, 2}) {
		t.Fatalf("decoded %+v, %v", d, err)
	}
}

// The error text never carries the input.
func TestErrorsCarryNoInput(t *testing.T) {
	err := Decode([]byte(`{"secret-key":1,"secret-key":2}`), &map[string]int{}, Options{})
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Fatalf("error %v", err)
	}
	err = UniqueKeys([]byte(`{"secret-key" 1}`), Options{})
	if !errors.Is(err, ErrSyntax) || strings.Contains(err.Error(), "secret") {
		t.Fatalf("error %v", err)
	}
}
