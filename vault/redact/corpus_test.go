package redact

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// record is one labelled complaint (testdata/README.md gives the format).
type record struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Reporter struct {
		Name    string `json:"name"`
		NIK     string `json:"nik"`
		Phone   string `json:"phone"`
		Email   string `json:"email"`
		Address string `json:"address"`
	} `json:"reporter"`
	PII []struct {
		Kind  string `json:"kind"`
		Value string `json:"value"`
		Start int    `json:"start"`
		End   int    `json:"end"`
	} `json:"pii"`
	Keep []string `json:"keep"`
}

func (r record) identity() Identity {
	return Identity{Name: r.Reporter.Name, NIK: r.Reporter.NIK, Phone: r.Reporter.Phone,
		Email: r.Reporter.Email, Address: r.Reporter.Address}
}

var corpusFiles = []string{"complaints.jsonl", "hard.jsonl"}

func loadCorpus(tb testing.TB, name string) []record {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var r record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			tb.Fatalf("%s:%d: %v", name, n, err)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(out) == 0 {
		tb.Fatalf("%s: no records", name)
	}
	return out
}

// score holds the corpus figures of README.md: recall of personal data and
// precision on the strings that must be kept.
type score struct {
	pii, caught  int
	substrCaught int // caught under the bare-substring reading
	spanCaught   int // every letter and digit of the labelled span covered by a finding
	keep, kept   int
	kinds, agree int // pii items whose finding has the labelled kind
	perKind      map[string][2]int
	misses       []string
}

func (s score) recall() float64     { return float64(s.caught) / float64(max(s.pii, 1)) }
func (s score) spanRecall() float64 { return float64(s.spanCaught) / float64(max(s.pii, 1)) }
func (s score) keepRate() float64   { return float64(s.kept) / float64(max(s.keep, 1)) }
func (s score) kindRate() float64   { return float64(s.agree) / float64(max(s.kinds, 1)) }
func (s score) String() string {
	return fmt.Sprintf("recall %.4f (%d/%d), span recall %.4f, keep %.4f (%d/%d), kind agreement %.4f (%d/%d)",
		s.recall(), s.caught, s.pii, s.spanRecall(), s.keepRate(), s.kept, s.keep, s.kindRate(), s.agree, s.kinds)
}

var labelKinds = map[string]Kind{"name": KindName, "nik": KindNIK, "kk": KindKK, "npwp": KindNPWP,
	"phone": KindPhone, "email": KindEmail, "account": KindAccount, "plate": KindPlate,
	"passport": KindPassport, "address": KindAddress}

var nameTokenRe = regexp.MustCompile(`\pL+`)

// stillThere applies the README rule: a value is caught when it no longer
// appears in the redacted text; for names, when none of its tokens of three
// letters or more appears, case-insensitively, as a word. (Read as a bare
// substring the rule would find "Eko" in "sekolah" whatever the redactor
// does; TestCorpus logs that reading too.)
func stillThere(kind, value, redacted string) bool {
	if kind != "name" {
		return strings.Contains(redacted, value)
	}
	words := map[string]bool{}
	for _, w := range nameTokenRe.FindAllString(strings.ToLower(redacted), -1) {
		words[w] = true
	}
	for _, tok := range nameTokenRe.FindAllString(strings.ToLower(value), -1) {
		if utf8.RuneCountInString(tok) >= 3 && words[tok] {
			return true
		}
	}
	return false
}

// substringThere is the bare-substring reading of the README rule.
func substringThere(kind, value, redacted string) bool {
	if kind != "name" {
		return strings.Contains(redacted, value)
	}
	low := strings.ToLower(redacted)
	for _, tok := range nameTokenRe.FindAllString(strings.ToLower(value), -1) {
		if utf8.RuneCountInString(tok) >= 3 && strings.Contains(low, tok) {
			return true
		}
	}
	return false
}

func scoreRecords(recs []record, redact func(text string, id Identity) (string, []Finding)) score {
	s := score{perKind: map[string][2]int{}}
	for _, r := range recs {
		out, findings := redact(r.Text, r.identity())
		for _, p := range r.PII {
			s.pii++
			pk := s.perKind[p.Kind]
			pk[0]++
			if !substringThere(p.Kind, p.Value, out) {
				s.substrCaught++
			}
			if stillThere(p.Kind, p.Value, out) {
				s.misses = append(s.misses, fmt.Sprintf("%s: %s %q missed in %q", r.ID, p.Kind, p.Value, out))
			} else {
				s.caught++
				pk[1]++
			}
			s.perKind[p.Kind] = pk
			if spanCovered(r.Text, p.Kind, p.Start, p.End, findings) {
				s.spanCaught++
			} else {
				s.misses = append(s.misses, fmt.Sprintf("%s: %s %q not covered in %q", r.ID, p.Kind, p.Value, out))
			}
			// kind of the first finding that overlaps the item
			s.kinds++
			for _, f := range findings {
				if f.RuneStart < p.End && p.Start < f.RuneEnd {
					if f.Kind == labelKinds[p.Kind] {
						s.agree++
					} else {
						s.misses = append(s.misses, fmt.Sprintf("%s: %s %q found as %s", r.ID, p.Kind, p.Value, f.Kind))
					}
					break
				}
			}
		}
		for _, k := range r.Keep {
			s.keep++
			if strings.Contains(out, k) {
				s.kept++
			} else {
				s.misses = append(s.misses, fmt.Sprintf("%s: keep %q lost in %q", r.ID, k, out))
			}
		}
	}
	return s
}

// spanCovered reports whether every letter and digit of the rune span
// start..end of text lies inside a finding; for names, of its words of three
// letters or more, as README.md counts them.
func spanCovered(text, kind string, start, end int, fs []Finding) bool {
	runes := []rune(text)[start:end]
	for i, r := range runes {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		if kind == "name" {
			a, b := i, i
			for a > 0 && unicode.IsLetter(runes[a-1]) {
				a--
			}
			for b < len(runes) && unicode.IsLetter(runes[b]) {
				b++
			}
			if b-a < 3 {
				continue
			}
		}
		pos, in := start+i, false
		for _, f := range fs {
			if f.RuneStart <= pos && pos < f.RuneEnd {
				in = true
				break
			}
		}
		if !in {
			return false
		}
	}
	return true
}

// TestCorpusLabels checks the labelled files themselves: offsets point at
// the values and keep strings occur in the text.
func TestCorpusLabels(t *testing.T) {
	for _, name := range corpusFiles {
		for _, r := range loadCorpus(t, name) {
			runes := []rune(r.Text)
			for _, p := range r.PII {
				if p.Start < 0 || p.End > len(runes) || p.Start >= p.End || string(runes[p.Start:p.End]) != p.Value {
					t.Errorf("%s %s: pii %q offsets %d..%d do not match the text", name, r.ID, p.Value, p.Start, p.End)
				}
				if _, ok := labelKinds[p.Kind]; !ok {
					t.Errorf("%s %s: unknown kind %q", name, r.ID, p.Kind)
				}
			}
			for _, k := range r.Keep {
				if !strings.Contains(r.Text, k) {
					t.Errorf("%s %s: keep %q not in text", name, r.ID, k)
				}
			}
		}
	}
}

// goals per file: the README's recall, span recall, keep-precision and kind
// agreement floors. The README rule counts a name as missed while any of its
// tokens is left anywhere as a word; hard.jsonl holds reporters called
// "Indah" or "Kasih" whose texts also use "indah" and "terima kasih" as
// words, which must stay. There the README figure is held to 0.95 and the
// span figure — every labelled occurrence covered — to the 0.99 goal.
var goals = map[string]struct{ recall, span, keep, kind float64 }{
	"complaints.jsonl": {0.99, 0.99, 0.97, 0.95},
	"hard.jsonl":       {0.95, 0.99, 0.97, 0.95},
}

// TestCorpus scores Redact on the sample complaints and on the harder cases
// written for this package, logs the figures and asserts the goals
// (recall ≥ 0.99, keep-precision ≥ 0.97).
func TestCorpus(t *testing.T) {
	for _, name := range corpusFiles {
		t.Run(name, func(t *testing.T) {
			s := scoreRecords(loadCorpus(t, name), Redact)
			t.Logf("%s: %v; substring reading: recall %.4f", name, s, float64(s.substrCaught)/float64(max(s.pii, 1)))
			for k, v := range s.perKind {
				t.Logf("  %-8s %d/%d", k, v[1], v[0])
			}
			for _, m := range s.misses {
				t.Log("  ", m)
			}
			g := goals[name]
			if s.recall() < g.recall {
				t.Errorf("recall %.4f below %.2f", s.recall(), g.recall)
			}
			if s.spanRecall() < g.span {
				t.Errorf("span recall %.4f below %.2f", s.spanRecall(), g.span)
			}
			if s.keepRate() < g.keep {
				t.Errorf("keep-precision %.4f below %.2f", s.keepRate(), g.keep)
			}
			if s.kindRate() < g.kind {
				t.Errorf("kind agreement %.4f below %.2f", s.kindRate(), g.kind)
			}
		})
	}
}
