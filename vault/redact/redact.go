// Package redact removes Indonesian personal data from complaint text before
// any agency sees it.
//
// Redact finds identifiers by their shape and context — NIK, KK, NPWP, phone
// numbers, e-mail addresses, bank account numbers, vehicle plates, passport
// numbers, a writer's self-introduction — and every piece of the reporter's
// own identity fields (name tokens, NIK, phone, e-mail, address), and
// replaces each with a placeholder that names its kind, such as "[NIK]" or
// "[NAMA]". Money amounts, dates, times, law references, RT/RW, house
// numbers, distances, percentages, durations and complaint ids are kept.
//
// For messages that arrive after submission the server must not keep an
// anonymous reporter's identity, so NewProfile turns it into a Profile of
// keyed hashes and RedactProfile applies the same rules with it. Both paths
// run the same matcher; only the comparison of identity pieces differs.
//
// Every function here is linear in the length of its input (Go's RE2 regular
// expressions and hand-written scanners; sub-runs of digits and identity
// pieces are bounded), never panics on any input bytes, and is idempotent:
// redacting a redacted text changes nothing. Nothing here logs, and errors
// never carry input text.
package redact

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Kind names the sort of personal data a finding holds. Its value is the
// word inside the placeholder.
type Kind string

// The kinds of personal data the redactor finds.
const (
	KindNIK      Kind = "NIK"      // Nomor Induk Kependudukan (16 digits)
	KindKK       Kind = "KK"       // Kartu Keluarga number (16 digits)
	KindNPWP     Kind = "NPWP"     // tax number, 15-digit dotted or 16-digit form
	KindPhone    Kind = "TELEPON"  // mobile or landline number
	KindEmail    Kind = "EMAIL"    // e-mail address
	KindAccount  Kind = "REKENING" // bank account number
	KindPlate    Kind = "PLAT"     // vehicle registration plate
	KindPassport Kind = "PASPOR"   // passport number
	KindName     Kind = "NAMA"     // a person's name
	KindAddress  Kind = "ALAMAT"   // the reporter's address
)

var allKinds = [...]Kind{KindNIK, KindKK, KindNPWP, KindPhone, KindEmail,
	KindAccount, KindPlate, KindPassport, KindName, KindAddress}

// Placeholder returns the text that replaces a finding of kind k: "[" + k + "]".
func (k Kind) Placeholder() string { return "[" + string(k) + "]" }

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool {
	for _, v := range allKinds {
		if k == v {
			return true
		}
	}
	return false
}

// Identity holds the reporter's own fields. Any field may be empty. Phone and
// Email may hold several values separated by commas, semicolons or slashes.
type Identity struct{ Name, NIK, Phone, Email, Address string }

// Finding is one redacted span of the input. Start and End are byte offsets
// into the input text, RuneStart and RuneEnd the same span in code points.
type Finding struct {
	Kind               Kind
	Start, End         int
	RuneStart, RuneEnd int
}

// Redact returns text with every personal datum it finds replaced by its
// kind's placeholder, and the findings, sorted by offset and non-overlapping,
// with offsets into text.
//
// Redact applies the generic rules (see the package documentation and
// docs/redaction.md) and matches every piece of id wherever it occurs:
// name tokens of three or more letters as whole words in any case (also with
// the suffixes -nya, -lah, -kah, -pun, -ku, -mu, old spellings and doubled
// letters folded), the NIK and phone across spaces, dots, dashes, brackets and
// 62/+62/0 prefixes, the e-mail and its local part, and the address's street
// with its name, number and the parts written next to it. A name token that
// is also a common Indonesian word ("Indah", "Kasih") is redacted only where
// it reads as a name: capitalised inside a sentence, or next to another part
// of the name.
//
// Redact is safe for concurrent use, keeps no reference to its arguments and
// is idempotent: Redact(r, id) returns r unchanged when r came from Redact.
// It does not guarantee that text written to evade it is caught; the reporter
// reviews the redacted preview before submitting.
func Redact(text string, id Identity) (redacted string, findings []Finding) {
	return run(text, buildMatcher(id, &plainKeyer{}))
}

// RedactProfile is Redact for a reporter whose identity is known only by its
// keyed Profile: it returns exactly what Redact returns for the identity the
// profile was made from. A nil profile applies the generic rules alone. It
// is safe for concurrent use, also with one Profile.
func RedactProfile(text string, p *Profile) (string, []Finding) {
	if p == nil {
		return run(text, nil)
	}
	return run(text, p.matcher())
}

// run is the engine shared by Redact and RedactProfile.
func run(text string, m *matcher) (string, []Finding) {
	d := newDoc(text, m)
	spans := d.detect()
	if len(spans) == 0 {
		return text, nil
	}
	spans = mergeSpans(text, spans)
	var b strings.Builder
	b.Grow(len(text))
	findings := make([]Finding, 0, len(spans))
	last, runes := 0, 0
	for _, s := range spans {
		runes += utf8.RuneCountInString(text[last:s.start])
		rs := runes
		runes += utf8.RuneCountInString(text[s.start:s.end])
		findings = append(findings, Finding{Kind: s.kind, Start: s.start, End: s.end, RuneStart: rs, RuneEnd: runes})
		b.WriteString(text[last:s.start])
		b.WriteString(s.kind.Placeholder())
		last = s.end
	}
	b.WriteString(text[last:])
	return b.String(), findings
}

// span is a candidate finding in byte offsets.
type span struct {
	start, end int
	kind       Kind
}

// kindRank orders kinds when overlapping candidates of equal length merge:
// lower wins.
func kindRank(k Kind) int {
	for i, v := range allKinds {
		if k == v {
			return i
		}
	}
	return len(allKinds)
}

// mergeSpans unions overlapping candidates (the union takes the kind of its
// longest member), then joins neighbours of the same kind separated only by
// spaces or tabs, so "Budi Santoso" becomes one [NAMA].
func mergeSpans(text string, in []span) []span {
	sort.Slice(in, func(i, j int) bool {
		if in[i].start != in[j].start {
			return in[i].start < in[j].start
		}
		return in[i].end > in[j].end
	})
	out := make([]span, 0, len(in))
	var best span // longest member of the current union
	for _, s := range in {
		if s.end <= s.start {
			continue
		}
		if n := len(out); n > 0 && s.start < out[n-1].end {
			cur := &out[n-1]
			if s.end > cur.end {
				cur.end = s.end
			}
			bl, sl := best.end-best.start, s.end-s.start
			if sl > bl || sl == bl && kindRank(s.kind) < kindRank(best.kind) {
				best = s
			}
			cur.kind = best.kind
			continue
		}
		out = append(out, s)
		best = s
	}
	joined := out[:0]
	for _, s := range out {
		if n := len(joined); n > 0 && joined[n-1].kind == s.kind && onlyBlanks(text[joined[n-1].end:s.start]) {
			joined[n-1].end = s.end
			continue
		}
		joined = append(joined, s)
	}
	return joined
}

func onlyBlanks(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' {
			return false
		}
	}
	return true
}
