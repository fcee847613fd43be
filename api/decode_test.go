package api

import (
	"errors"
	"net/http"
	"testing"
)

type testBody struct {
	Title    string `json:"title"`
	Privacy  string `json:"privacy"`
	Reporter *struct {
		Name string `json:"name"`
	} `json:"reporter"`
}

func (b *testBody) validate() *Error {
	if b.Title == "" {
		return fieldError("title", "required")
	}
	if !oneOf(b.Privacy, "anonymous", "confidential", "public") {
		return fieldError("privacy", "must be anonymous, confidential or public")
	}
	return nil
}

func TestDecodeStrict(t *testing.T) {
	cases := []struct {
		name, body string
		code       string
		field      string
	}{
		{"ok", `{"title":"x","privacy":"public"}`, "", ""},
		{"ok nested", `{"title":"x","privacy":"public","reporter":{"name":"a"}}`, "", ""},
		{"unknown field", `{"title":"x","privacy":"public","nik":"1"}`, "unknown_field", "nik"},
		{"unknown nested", `{"title":"x","privacy":"public","reporter":{"nama":"a"}}`, "unknown_field", "nama"},
		{"duplicate", `{"title":"x","title":"y","privacy":"public"}`, "duplicate_field", "title"},
		{"duplicate nested", `{"title":"x","privacy":"public","reporter":{"name":"a","name":"b"}}`, "duplicate_field", "reporter.name"},
		{"duplicate in array", `{"title":"x","privacy":"public","tags":[{},{"a":1,"a":2}]}`, "duplicate_field", "tags[1].a"},
		{"duplicate empty key", `{"":1,"":2,"title":"x","privacy":"public"}`, "duplicate_field", ""},
		{"missing", `{"privacy":"public"}`, "invalid_field", "title"},
		{"bad enum", `{"title":"x","privacy":"secret"}`, "invalid_field", "privacy"},
		{"wrong type", `{"title":5,"privacy":"public"}`, "invalid_field", "title"},
		{"invalid utf8", "{\"title\":\"\xff\",\"privacy\":\"public\"}", "invalid_json", ""},
		{"trailing", `{"title":"x","privacy":"public"} {}`, "invalid_json", ""},
		{"truncated", `{"title":"x"`, "invalid_json", ""},
		{"empty", ``, "invalid_json", ""},
		{"array", `[]`, "invalid_field", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b testBody
			err := decodeStrict([]byte(tc.body), &b)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var ae *Error
			if !errors.As(err, &ae) {
				t.Fatalf("got %v, want API error %s", err, tc.code)
			}
			if ae.Code != tc.code || ae.Field != tc.field || ae.Status != http.StatusBadRequest {
				t.Fatalf("got %+v, want code %s field %q", ae, tc.code, tc.field)
			}
		})
	}
}

func FuzzDecodeStrict(f *testing.F) {
	f.Add([]byte(`{"title":"x","privacy":"public","reporter":{"name":"a"}}`))
	f.Add([]byte(`{"title":"x","title":"y"}`))
	f.Add([]byte(`[[[[{"a":1}]]]]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var b testBody
		err := decodeStrict(raw, &b)
		if err == nil && (b.Title == "" || !oneOf(b.Privacy, "anonymous", "confidential", "public")) {
			t.Fatalf("accepted an invalid body")
		}
		var ae *Error
		if err != nil && !errors.As(err, &ae) {
			t.Fatalf("non-API error %v", err)
		}
	})
}
