package redact

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"
)

var fuzzKey = bytes.Repeat([]byte{7}, ProfileKeySize)

// checkFindings asserts the contract of Redact's result for input text.
func checkFindings(t *testing.T, text, out string, fs []Finding) {
	t.Helper()
	last := 0
	var rebuilt []byte
	for i, f := range fs {
		if !f.Kind.Valid() {
			t.Fatalf("finding %d: invalid kind %q", i, f.Kind)
		}
		if f.Start < last || f.End <= f.Start || f.End > len(text) {
			t.Fatalf("finding %d: span %d..%d out of order or bounds (previous end %d, len %d)", i, f.Start, f.End, last, len(text))
		}
		if rs := utf8.RuneCountInString(text[:f.Start]); rs != f.RuneStart {
			t.Fatalf("finding %d: RuneStart %d, want %d", i, f.RuneStart, rs)
		}
		if re := utf8.RuneCountInString(text[:f.End]); re != f.RuneEnd {
			t.Fatalf("finding %d: RuneEnd %d, want %d", i, f.RuneEnd, re)
		}
		rebuilt = append(rebuilt, text[last:f.Start]...)
		rebuilt = append(rebuilt, f.Kind.Placeholder()...)
		last = f.End
	}
	rebuilt = append(rebuilt, text[last:]...)
	if string(rebuilt) != out {
		t.Fatalf("findings do not rebuild the output:\n got %q\nwant %q", rebuilt, out)
	}
}

// FuzzRedact: no panics; findings within bounds, ordered, consistent with
// the output; redacting twice gives the same text as once; and the keyed
// profile redacts exactly as the identity does.
func FuzzRedact(f *testing.F) {
	for _, name := range corpusFiles {
		for _, r := range loadCorpus(f, name) {
			id := r.identity()
			f.Add(r.Text, id.Name, id.NIK, id.Phone, id.Email, id.Address)
		}
	}
	for _, c := range redactCases {
		f.Add(c.text, c.id.Name, c.id.NIK, c.id.Phone, c.id.Email, c.id.Address)
	}
	f.Add("[NAMA] Kasih [NIK] 0812 [TELEPON]\xff\xfe", "Kasih", "1", "0812", "a@b.c", "Jl. X")
	f.Fuzz(func(t *testing.T, text, name, nik, phone, email, address string) {
		id := Identity{Name: name, NIK: nik, Phone: phone, Email: email, Address: address}
		out, fs := Redact(text, id)
		checkFindings(t, text, out, fs)
		again, fs2 := Redact(out, id)
		if again != out {
			t.Fatalf("not idempotent:\n input %q\n once  %q\n twice %q (%v)", text, out, again, fs2)
		}
		pout, pfs := RedactProfile(text, NewProfile(fuzzKey, id))
		if pout != out || len(pfs) != len(fs) {
			t.Fatalf("profile differs from identity:\n identity %q\n profile  %q", out, pout)
		}
		gout, gfs := RedactProfile(text, nil)
		checkFindings(t, text, gout, gfs)
		if g2, _ := RedactProfile(gout, nil); g2 != gout {
			t.Fatalf("generic rules not idempotent:\n once  %q\n twice %q", gout, g2)
		}
	})
}

// FuzzParseProfile: no panics; whatever parses re-encodes to the same bytes.
func FuzzParseProfile(f *testing.F) {
	for _, r := range loadCorpus(f, "complaints.jsonl")[:8] {
		b, err := NewProfile(fuzzKey, r.identity()).MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)-1])
		f.Add(append(bytes.Clone(b), 0))
	}
	f.Add([]byte("KTRP"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProfile(fuzzKey, data)
		if err != nil {
			if !errors.Is(err, ErrProfileFormat) && !errors.Is(err, ErrProfileVersion) && !errors.Is(err, ErrProfileAuth) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		b, err := p.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, data) {
			t.Fatalf("parsed profile re-encodes differently")
		}
	})
}
