package strictjson

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":{"c":[1,{"d":2}]}}`,
		`{"a":1,"a":2}`,
		`[{"a":1},{"a":1,"a":2}]`,
		`[[[[[[[[[[1]]]]]]]]]]`,
		`{"a":1} {}`,
		`{"a":`,
		`"x"`,
		``,
	} {
		f.Add([]byte(s), uint8(0), false)
		f.Add([]byte(s), uint8(4), true)
	}
	f.Fuzz(func(t *testing.T, raw []byte, depth uint8, index bool) {
		o := Options{MaxDepth: int(depth % 16), IndexArrays: index}
		kerr := UniqueKeys(raw, o)
		var v any
		err := Decode(raw, &v, o)
		switch {
		case kerr != nil:
			// Decode refuses first what UniqueKeys refuses, with the same
			// error.
			var kd, de *DuplicateKeyError
			if errors.As(kerr, &kd) {
				if !errors.As(err, &de) || de.Path != kd.Path {
					t.Fatalf("UniqueKeys: %v; Decode: %v", kerr, err)
				}
			} else if !errors.Is(kerr, ErrSyntax) && !errors.Is(kerr, ErrTooDeep) || !errors.Is(err, kerr) {
				t.Fatalf("UniqueKeys: %v; Decode: %v", kerr, err)
			}
		case err == nil:
			// Accepted: exactly one valid value, which encoding/json reads
			// the same way.
			if !json.Valid(raw) {
				t.Fatalf("accepted invalid JSON %q", raw)
			}
			var w any
			if uerr := json.Unmarshal(raw, &w); uerr != nil || !reflect.DeepEqual(v, w) {
				t.Fatalf("Unmarshal reads %v (%v), Decode read %v", w, uerr, v)
			}
		case errors.Is(err, ErrTrailingData):
			if json.Valid(raw) {
				t.Fatalf("trailing data in one valid value %q", raw)
			}
		default:
			// Refused with no duplicate and no trailing data: for
			// encoding/json too (a number out of range, say).
			var w any
			if json.Unmarshal(raw, &w) == nil {
				t.Fatalf("refused %q (%v), Unmarshal accepts it", raw, err)
			}
		}
	})
}
