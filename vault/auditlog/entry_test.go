package auditlog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"kotak/vault"
)

func TestEntryMarshalCanonical(t *testing.T) {
	tests := []struct {
		name string
		e    Entry
		want string
	}{
		{
			"minimal",
			Entry{Time: time.Date(2026, 3, 17, 10, 0, 0, 0, time.FixedZone("WIB", 7*3600)), Role: "system", Action: "auto_close"},
			`{"v":1,"time":"2026-03-17T03:00:00.000Z","role":"system","action":"auto_close"}`,
		},
		{
			"every field, sub-millisecond time truncated",
			Entry{
				Time: time.Date(2026, 3, 17, 3, 4, 5, 678_912_345, time.UTC), Role: "officer", Actor: "officer.1",
				Action: "unseal_request", Complaint: "KTK-0123456789ABC", Request: "req:7", User: "budi_s",
				Agency: "dinas-pu", Keyring: strings.Repeat("ab", 32), Details: strings.Repeat("0f", 32),
			},
			`{"v":1,"time":"2026-03-17T03:04:05.678Z","role":"officer","actor":"officer.1","action":"unseal_request",` +
				`"complaint":"KTK-0123456789ABC","request":"req:7","user":"budi_s","agency":"dinas-pu",` +
				`"keyring":"` + strings.Repeat("ab", 32) + `","details":"` + strings.Repeat("0f", 32) + `"}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.e.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
			back, err := ParseEntry(got)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := back.Marshal()
			if !bytes.Equal(again, got) {
				t.Fatal("re-marshal differs")
			}
			if !back.Time.Equal(tc.e.Time.Truncate(time.Millisecond)) {
				t.Fatalf("time %v", back.Time)
			}
		})
	}
}

func TestEntryValidate(t *testing.T) {
	ok := testEntry(1)
	tests := []struct {
		name string
		mod  func(*Entry)
	}{
		{"zero time", func(e *Entry) { e.Time = time.Time{} }},
		{"year 10000", func(e *Entry) { e.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }},
		{"no role", func(e *Entry) { e.Role = "" }},
		{"role upper case", func(e *Entry) { e.Role = "Admin" }},
		{"role too long", func(e *Entry) { e.Role = strings.Repeat("a", MaxTokenLen+1) }},
		{"no action", func(e *Entry) { e.Action = "" }},
		{"action with space", func(e *Entry) { e.Action = "view contact" }},
		{"actor e-mail", func(e *Entry) { e.Actor = "budi@example.id" }},
		{"actor with quote", func(e *Entry) { e.Actor = `a"b` }},
		{"complaint with space", func(e *Entry) { e.Complaint = "KTK 1" }},
		{"request non-ASCII", func(e *Entry) { e.Request = "permintaan-é" }},
		{"user leading dot", func(e *Entry) { e.User = ".budi" }},
		{"agency too long", func(e *Entry) { e.Agency = strings.Repeat("a", MaxIDLen+1) }},
		{"keyring with slash", func(e *Entry) { e.Keyring = "a/b" }},
		{"details upper-case hex", func(e *Entry) { e.Details = strings.Repeat("AB", 32) }},
		{"details short", func(e *Entry) { e.Details = "abcd" }},
		{"details free text", func(e *Entry) { e.Details = "Budi Santoso, 0812..." }},
	}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid entry refused: %v", err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := ok
			tc.mod(&e)
			if err := e.Validate(); !errors.Is(err, ErrEntryFormat) {
				t.Fatalf("Validate = %v, want ErrEntryFormat", err)
			}
			if _, err := e.Marshal(); !errors.Is(err, ErrEntryFormat) {
				t.Fatalf("Marshal = %v, want ErrEntryFormat", err)
			}
		})
	}
}

func TestParseEntryRejects(t *testing.T) {
	good, err := (&Entry{Time: t0, Role: "admin", Actor: "a1", Action: "verify", Complaint: "KTK-1"}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	g := string(good)
	if _, err := ParseEntry(good); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in string
		want     error
	}{
		{"empty", ``, ErrEntryFormat},
		{"not an object", `[1]`, ErrEntryFormat},
		{"space after colon", strings.Replace(g, `"role":"admin"`, `"role": "admin"`, 1), ErrEntryFormat},
		{"trailing newline", g + "\n", ErrEntryFormat},
		{"leading space", " " + g, ErrEntryFormat},
		{"trailing garbage", g + `{}`, ErrEntryFormat},
		{"keys reordered", strings.Replace(g, `"role":"admin","actor":"a1"`, `"actor":"a1","role":"admin"`, 1), ErrEntryFormat},
		{"unknown key", strings.Replace(g, `}`, `,"note":"Budi"}`, 1), ErrEntryFormat},
		{"duplicate key", strings.Replace(g, `"actor":"a1"`, `"actor":"zz","actor":"a1"`, 1), ErrEntryFormat},
		{"key in upper case", strings.Replace(g, `"role"`, `"ROLE"`, 1), ErrEntryFormat},
		{"empty field present", strings.Replace(g, `}`, `,"agency":""}`, 1), ErrEntryFormat},
		{"escaped letter", strings.Replace(g, `"admin"`, `"\u0061dmin"`, 1), ErrEntryFormat},
		{"version 2", strings.Replace(g, `"v":1`, `"v":2`, 1), ErrEntryVersion},
		{"version as string", strings.Replace(g, `"v":1`, `"v":"1"`, 1), ErrEntryFormat},
		{"version missing", strings.Replace(g, `"v":1,`, ``, 1), ErrEntryFormat},
		{"time without millis", strings.Replace(g, `.000Z`, `Z`, 1), ErrEntryFormat},
		{"time with offset", strings.Replace(g, `03:00:00.000Z`, `10:00:00.000+07:00`, 1), ErrEntryFormat},
		{"time with micros", strings.Replace(g, `.000Z`, `.000000Z`, 1), ErrEntryFormat},
		{"too long", `{"v":1,"actor":"` + strings.Repeat("a", MaxEntrySize) + `"}`, ErrEntryFormat},
		{"invalid UTF-8", strings.Replace(g, `a1`, "a\xff", 1), ErrEntryFormat},
		{"only the version", `{"v":1}`, ErrEntryFormat},
		{"unclosed", strings.TrimSuffix(g, `}`), ErrEntryFormat},
		{"trailing comma", strings.Replace(g, `}`, `,}`, 1), ErrEntryFormat},
		{"number value", strings.Replace(g, `"role":"admin"`, `"role":1`, 1), ErrEntryFormat},
		{"object value", strings.Replace(g, `"role":"admin"`, `"role":{}`, 1), ErrEntryFormat},
		{"missing colon", strings.Replace(g, `"role":"admin"`, `"role""admin"`, 1), ErrEntryFormat},
		{"version with leading zero", strings.Replace(g, `"v":1`, `"v":01`, 1), ErrEntryFormat},
		{"version fraction", strings.Replace(g, `"v":1`, `"v":1.0`, 1), ErrEntryFormat},
		{"version huge", strings.Replace(g, `"v":1`, `"v":99999999999999999999`, 1), ErrEntryFormat},
		{"tab in a value", strings.Replace(g, `a1`, "a\t1", 1), ErrEntryFormat},
		{"raw tab in a value", strings.Replace(g, `a1`, "a	1", 1), ErrEntryFormat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := ParseEntry([]byte(tc.in))
			if !errors.Is(err, tc.want) || e != nil {
				t.Fatalf("ParseEntry = %v, %v; want %v", e, err, tc.want)
			}
		})
	}
}

func TestFromEvent(t *testing.T) {
	ev := vault.Event{
		Time:      time.Date(2026, 3, 17, 10, 0, 0, 123456789, time.FixedZone("WIB", 7*3600)),
		Actor:     vault.Actor{Role: vault.RoleAgency, ID: "petugas-3", Agency: "dinas-pu"},
		Action:    vault.ActionForward,
		Complaint: "KTK-0123456789ABC",
		From:      vault.StatusInProgress,
		To:        vault.StatusDispatched,
		Agency:    "dinas-kesehatan",
		Note:      "Pelapor Budi Santoso (0812-3456-7890) minta dipindah",
	}
	e := FromEvent(ev)
	data, err := e.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"v":1,"time":"2026-03-17T03:00:00.123Z","role":"agency","actor":"petugas-3","action":"forward",` +
		`"complaint":"KTK-0123456789ABC","agency":"dinas-kesehatan","details":"` + e.Details + `"}`
	if string(data) != want {
		t.Fatalf("got  %s\nwant %s", data, want)
	}
	for _, secret := range []string{"Budi", "0812", "minta"} {
		if bytes.Contains(data, []byte(secret)) {
			t.Fatalf("entry holds note text %q", secret)
		}
	}
	sum := sha256.Sum256(EventDetails(ev))
	if e.Details != hex.EncodeToString(sum[:]) {
		t.Fatal("details is not the SHA-256 of EventDetails")
	}
	// The details document commits to every field of the event.
	mods := map[string]func(*vault.Event){
		"note":         func(e *vault.Event) { e.Note += "." },
		"time (nanos)": func(e *vault.Event) { e.Time = e.Time.Add(time.Nanosecond) },
		"from":         func(e *vault.Event) { e.From = vault.StatusResolved },
		"to":           func(e *vault.Event) { e.To = vault.StatusClosed },
		"reason":       func(e *vault.Event) { e.Reason = vault.ReasonSpam },
		"actor agency": func(e *vault.Event) { e.Actor.Agency = "dinas-lain" },
	}
	for name, mod := range mods {
		ev2 := ev
		mod(&ev2)
		if FromEvent(ev2).Details == e.Details {
			t.Errorf("changing the %s leaves the details hash unchanged", name)
		}
	}
	// An id outside the entry alphabet is replaced by its hash, so the
	// action is still logged.
	odd := ev
	odd.Actor.ID = "budi@example.id"
	oe := FromEvent(odd)
	if err := oe.Validate(); err != nil {
		t.Fatalf("odd id not made valid: %v", err)
	}
	if strings.Contains(oe.Actor, "budi") || !strings.HasPrefix(oe.Actor, "x-") || len(oe.Actor) != 34 {
		t.Fatalf("odd id mapped to %q", oe.Actor)
	}
}
