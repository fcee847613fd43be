package redact

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind classifies a token of the input.
type tokKind uint8

const (
	tkWord  tokKind = iota + 1 // letters, with apostrophes between letters
	tkNum                      // ASCII digits
	tkSpace                    // a run of white space
	tkPunct                    // any other single rune (or one invalid byte)
	tkPlace                    // an existing placeholder such as "[NIK]"
)

// token is one piece of the input; start and end are byte offsets.
type token struct {
	start, end int
	kind       tokKind
	nl         bool // tkSpace: the run holds a line break
	upper      bool // tkWord: the first letter is upper case
	allUpper   bool // tkWord: every letter is upper case
	place      Kind // tkPlace: the placeholder's kind
}

var placeKinds = func() map[string]Kind {
	m := make(map[string]Kind, len(allKinds))
	for _, k := range allKinds {
		m[string(k)] = k
	}
	return m
}()

// tokenize splits s into tokens. Every byte belongs to exactly one token.
func tokenize(s string) []token {
	toks := make([]token, 0, len(s)/3+1)
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			toks = append(toks, token{start: i, end: j, kind: tkNum})
			i = j
			continue
		case c == '[':
			if k, n := placeholderAt(s[i:]); n > 0 {
				toks = append(toks, token{start: i, end: i + n, kind: tkPlace, place: k})
				i += n
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			toks = append(toks, token{start: i, end: i + 1, kind: tkPunct})
			i++
		case isLetter(r):
			t := token{start: i, kind: tkWord, upper: unicode.IsUpper(r), allUpper: true}
			j := i
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if isLetter(r2) || unicode.Is(unicode.Mn, r2) && j > i {
					if unicode.IsLower(r2) {
						t.allUpper = false
					}
					j += n2
					continue
				}
				if isApostrophe(r2) && j > i {
					if r3, _ := utf8.DecodeRuneInString(s[j+n2:]); isLetter(r3) {
						j += n2
						continue
					}
				}
				break
			}
			t.end = j
			toks = append(toks, t)
			i = j
		case unicode.IsSpace(r):
			t := token{start: i, kind: tkSpace}
			j := i
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsSpace(r2) {
					break
				}
				if r2 == '\n' || r2 == '\r' || r2 == '\u2028' || r2 == '\u2029' || r2 == '\v' || r2 == '\f' {
					t.nl = true
				}
				j += n2
			}
			t.end = j
			toks = append(toks, t)
			i = j
		default:
			toks = append(toks, token{start: i, end: i + size, kind: tkPunct})
			i += size
		}
	}
	return toks
}

func isLetter(r rune) bool { return unicode.IsLetter(r) }

func isApostrophe(r rune) bool { return r == '\'' || r == '\u2019' || r == '`' }

// placeholderAt reports whether s starts with a placeholder and its length.
func placeholderAt(s string) (Kind, int) {
	end := strings.IndexByte(s[:min(len(s), 11)], ']')
	if end < 3 || end > 9 {
		return "", 0
	}
	k, ok := placeKinds[s[1:end]]
	if !ok {
		return "", 0
	}
	return k, end + 1
}

// doc is one input being redacted.
type doc struct {
	text  string
	toks  []token
	lower []string // lower-cased text of word tokens, "" for other tokens
	m     *matcher // nil: generic rules only
	spans []span

	hasPlace bool   // the text already holds placeholders
	selfName []bool // tokens of a self-introduced name
}

func newDoc(text string, m *matcher) *doc {
	d := &doc{text: text, toks: tokenize(text), m: m}
	d.lower = make([]string, len(d.toks))
	for i, t := range d.toks {
		switch t.kind {
		case tkWord:
			d.lower[i] = strings.ToLower(text[t.start:t.end])
		case tkPlace:
			d.hasPlace = true
		}
	}
	return d
}

func (d *doc) str(i int) string { return d.text[d.toks[i].start:d.toks[i].end] }

// add records a candidate. A candidate that would swallow part of an
// existing placeholder is dropped: placeholders are inert, which keeps
// redaction idempotent.
func (d *doc) add(start, end int, k Kind) {
	if end <= start {
		return
	}
	if d.hasPlace {
		i := sort.Search(len(d.toks), func(i int) bool { return d.toks[i].end > start })
		for ; i < len(d.toks) && d.toks[i].start < end; i++ {
			if d.toks[i].kind == tkPlace {
				return
			}
		}
	}
	d.spans = append(d.spans, span{start: start, end: end, kind: k})
}

// touchesPlace reports whether bytes start..end sit right against an
// existing placeholder. Regular-expression rules skip such candidates: the
// placeholder stands for text that kept them from matching the first time.
func (d *doc) touchesPlace(start, end int) bool {
	if !d.hasPlace {
		return false
	}
	if i := d.tokenAt(end); i >= 0 && d.toks[i].kind == tkPlace {
		return true
	}
	if i := d.tokenAt(start); i > 0 && d.toks[i-1].kind == tkPlace {
		return true
	}
	return false
}

// isPunct reports whether token i is the single punctuation character c.
func (d *doc) isPunct(i int, c byte) bool {
	if i < 0 || i >= len(d.toks) {
		return false
	}
	t := d.toks[i]
	return t.kind == tkPunct && t.end-t.start == 1 && d.text[t.start] == c
}

// prevSolid returns the index of the nearest token before i that is not
// white space, or -1. nl reports whether a line break was skipped.
func (d *doc) prevSolid(i int) (j int, nl bool) {
	for j = i - 1; j >= 0; j-- {
		if d.toks[j].kind != tkSpace {
			return j, nl
		}
		nl = nl || d.toks[j].nl
	}
	return -1, nl
}

// nextSolid returns the index of the nearest token after i that is not
// white space, or len(toks).
func (d *doc) nextSolid(i int) (j int, nl bool) {
	for j = i + 1; j < len(d.toks); j++ {
		if d.toks[j].kind != tkSpace {
			return j, nl
		}
		nl = nl || d.toks[j].nl
	}
	return len(d.toks), nl
}

// prevWord returns the index of the nearest word token before i, skipping
// white space and the punctuation in skip (at most eight tokens), or -1.
func (d *doc) prevWord(i int, skip string) int {
	for j := i - 1; j >= 0 && j >= i-8; j-- {
		t := d.toks[j]
		switch {
		case t.kind == tkSpace:
		case t.kind == tkPunct && t.end-t.start == 1 && strings.IndexByte(skip, d.text[t.start]) >= 0:
		case t.kind == tkWord:
			return j
		default:
			return -1
		}
	}
	return -1
}

// tokenAt returns the index of the token that starts at byte offset off, or -1.
func (d *doc) tokenAt(off int) int {
	i := sort.Search(len(d.toks), func(i int) bool { return d.toks[i].start >= off })
	if i < len(d.toks) && d.toks[i].start == off {
		return i
	}
	return -1
}

// glued reports whether tokens i and i+1 touch with no space between them.
func (d *doc) glued(i int) bool {
	return i >= 0 && i+1 < len(d.toks) && d.toks[i].kind != tkSpace && d.toks[i+1].kind != tkSpace
}

// detect runs every rule and returns the raw candidate spans.
func (d *doc) detect() []span {
	d.detectEmails()
	d.detectNumbers()
	d.detectPlates()
	d.detectPassports()
	d.detectSelfNames()
	if d.m != nil {
		d.detectIdentityWords()
		d.detectAddress()
	}
	return d.spans
}
