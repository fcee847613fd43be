package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"
)

func FuzzDecodeRecord(f *testing.F) {
	e := newEnv(f)
	s := e.submit(f, PrivacyConfidential)
	if err := e.v.store.View(func(tx Tx) error {
		f.Add(append([]byte(nil), tx.Get(bucketComplaints, []byte(s.ID))...))
		return nil
	}); err != nil {
		f.Fatal(err)
	}
	r := &record{ID: "KTK-0000000000000", Status: StatusArchived, ArchiveReason: ReasonSpam, Privacy: PrivacyPublic,
		Channel: ChannelSMS, Category: "c", Region: "r", Agency: "a", SubmittedAt: start, Rating: 3}
	enc, err := r.encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc)
	f.Add(append(enc, 0))
	f.Add(enc[:len(enc)-1])
	f.Add([]byte("KR\x02"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := decodeRecord(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if !ValidID(r.ID) || !r.Status.Valid() || !r.Privacy.Valid() || !r.Channel.Valid() {
			t.Fatalf("accepted invalid record %+v", r)
		}
		enc, err := r.encode()
		if err != nil {
			t.Fatal(err)
		}
		r2, err := decodeRecord(enc)
		if err != nil {
			t.Fatalf("re-encoded record refused: %v", err)
		}
		if !reflect.DeepEqual(r, r2) {
			t.Fatalf("round trip changed the record:\n%+v\n%+v", r, r2)
		}
		if !bytes.Equal(enc, data) {
			t.Fatalf("accepted a non-canonical encoding")
		}
		_ = indexEntries(r) // must not panic on any accepted record
	})
}

func FuzzParseSealedPayload(f *testing.F) {
	good, _ := json.Marshal(SealedPayload{V: 1, Reporter: SealedReporter{Name: "A"}, Title: "t", Body: "b", Attachments: []string{}})
	f.Add(good)
	f.Add([]byte(`{"v":2}`))
	f.Add([]byte(`{"v":1,"extra":true}`))
	f.Add([]byte(`{"v":1}{"v":1}`))
	f.Add([]byte{0xff, 0xfe})
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseSealedPayload(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if p.V != sealedPayloadVersion {
			t.Fatalf("accepted version %d", p.V)
		}
		enc, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseSealedPayload(enc); err != nil {
			t.Fatalf("re-encoded payload refused: %v", err)
		}
	})
}

// FuzzListCursor: any cursor string gives a page or ErrBadInput, never a
// panic or another error.
func FuzzListCursor(f *testing.F) {
	e := newEnv(f)
	for range 3 {
		e.submit(f, PrivacyPublic)
	}
	p, err := e.v.List(admin, Filter{Limit: 1})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(p.NextCursor, uint8(1))
	f.Add("", uint8(0))
	f.Add("AQ", uint8(3))
	f.Add("AQAAAAAAAAAAS1RLLTAwMDAwMDAwMDAwMDA", uint8(2))
	f.Add("////", uint8(4))
	statuses := []Status{"", StatusSubmitted, StatusDispatched, StatusClosed, "bogus"}
	f.Fuzz(func(t *testing.T, cursor string, st uint8) {
		page, err := e.v.List(admin, Filter{Cursor: cursor, Limit: 2, Status: statuses[int(st)%len(statuses)]})
		if err != nil {
			if !errors.Is(err, ErrBadInput) {
				t.Fatalf("cursor %q: %v", cursor, err)
			}
			return
		}
		if len(page.Items) > 2 {
			t.Fatalf("page of %d", len(page.Items))
		}
	})
}

// FuzzTrack: any receipt string is ErrBadInput or ErrNotFound (or the one
// real receipt), never a panic.
func FuzzTrack(f *testing.F) {
	e := newEnv(f)
	s := e.submit(f, PrivacyPublic)
	f.Add(s.Receipt)
	f.Add("1234 5678 9012 3456 7890")
	f.Add("1234-5678-9012-3456-789")
	f.Add("١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩٠")
	f.Add("")
	f.Fuzz(func(t *testing.T, r string) {
		c, err := e.v.Track(r)
		switch {
		case err == nil:
			if c.ID != s.ID {
				t.Fatalf("receipt %q tracked %s", r, c.ID)
			}
		case errors.Is(err, ErrBadInput), errors.Is(err, ErrNotFound):
		default:
			t.Fatalf("receipt %q: %v", r, err)
		}
	})
}

func FuzzCleanText(f *testing.F) {
	f.Add("  Jalan rusak\r\ndi sini\t ", true)
	f.Add("a\x00b", false)
	f.Add("\xff", true)
	f.Add("", false)
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		out, err := cleanText("body", s, 1, 50, multiline)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != "body" {
				t.Fatalf("error %v", err)
			}
			return
		}
		if !utf8.ValidString(out) || out == "" || utf8.RuneCountInString(out) > 50 {
			t.Fatalf("accepted %q", out)
		}
		for _, r := range out {
			if r == '\r' || (r < 0x20 && !(multiline && (r == '\n' || r == '\t'))) {
				t.Fatalf("control character %U kept", r)
			}
		}
	})
}
