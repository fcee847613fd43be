package redact

import (
	"regexp"
	"strings"
)

// obfuscatedEmailRe matches addresses written "nama [at] domain [dot] com".
// It runs on Go's RE2 engine (linear time) and only when the text holds an
// "at" in brackets; plain addresses are found by scanning around '@'.
var obfuscatedEmailRe = regexp.MustCompile(`(?i)[a-z0-9][a-z0-9._%+\-]*` +
	`\s?[\[\(\{]\s?(?:at|et)\s?[\]\)\}]\s?` +
	`[a-z0-9][a-z0-9\-]*` +
	`(?:(?:\.|\s?[\[\(\{]\s?dot\s?[\]\)\}]\s?)[a-z0-9\-]+)*` +
	`(?:\.|\s?[\[\(\{]\s?dot\s?[\]\)\}]\s?)[a-z]{2,24}`)

func isLocalByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isLetterByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func (d *doc) detectEmails() {
	text := d.text
	for off := 0; ; {
		i := strings.IndexByte(text[off:], '@')
		if i < 0 {
			break
		}
		at := off + i
		off = at + 1
		// local part: back over local characters, then forward to an alphanumeric
		s := at
		for s > 0 && isLocalByte(text[s-1]) {
			s--
		}
		for s < at && !isAlnum(text[s]) {
			s++
		}
		if s == at {
			continue
		}
		// domain: labels of letters, digits and '-', joined by single dots,
		// ending in a label of 2–24 letters
		e, lastDot := at+1, -1
		for e < len(text) && (isAlnum(text[e]) || text[e] == '-' || text[e] == '.' && e+1 < len(text) && isAlnum(text[e+1]) && text[e-1] != '.') {
			if text[e] == '.' {
				lastDot = e
			}
			e++
		}
		if lastDot < 0 || !isAlnum(text[at+1]) {
			continue
		}
		tld := text[lastDot+1 : e]
		ok := len(tld) >= 2 && len(tld) <= 24
		for j := 0; ok && j < len(tld); j++ {
			ok = isLetterByte(tld[j])
		}
		if !ok || d.touchesPlace(s, e) {
			continue
		}
		d.add(s, e, KindEmail)
		off = e
	}
	if hasBracketAt(text) {
		for _, m := range obfuscatedEmailRe.FindAllStringIndex(text, -1) {
			if !d.touchesPlace(m[0], m[1]) {
				d.add(m[0], m[1], KindEmail)
			}
		}
	}
}

// hasBracketAt reports whether s holds "at" or "et" closed by a bracket.
func hasBracketAt(s string) bool {
	for i := 2; i < len(s); i++ {
		if c := s[i]; (c == ']' || c == ')' || c == '}') && (s[i-1]|0x20) == 't' && ((s[i-2]|0x20) == 'a' || (s[i-2]|0x20) == 'e') {
			return true
		}
		if c := s[i]; (c == ']' || c == ')' || c == '}') && s[i-1] == ' ' && i >= 3 && (s[i-2]|0x20) == 't' && ((s[i-3]|0x20) == 'a' || (s[i-3]|0x20) == 'e') {
			return true
		}
	}
	return false
}

// detectPlates finds vehicle plates: a region code, 1–4 digits and a
// suffix of 1–3 letters ("B 1234 XYZ", "DK6892EUE", "AB-405-WY"), in
// capitals; after "plat", "nopol", "nomor polisi" or "TNKB" also in lower
// case and without the suffix.
func (d *doc) detectPlates() {
	for i, t := range d.toks {
		if t.kind != tkWord || t.end-t.start > 2 || d.glued(i-1) && d.toks[i-1].kind != tkPunct {
			continue
		}
		region := d.text[t.start:t.end]
		upper := t.allUpper
		if !plateRegions[strings.ToUpper(region)] {
			continue
		}
		n := d.plateSep(i)
		if n >= len(d.toks) || d.toks[n].kind != tkNum || d.text[d.toks[n].start] == '0' || d.toks[n].end-d.toks[n].start > 4 {
			continue
		}
		end, suffix := d.toks[n].end, -1
		if x := d.plateSep(n); x < len(d.toks) && d.toks[x].kind == tkWord && d.toks[x].end-d.toks[x].start <= 3 &&
			letterCount(d.lower[x]) == d.toks[x].end-d.toks[x].start && !(x+1 < len(d.toks) && d.glued(x) && d.toks[x+1].kind != tkPunct) {
			suffix = x
		}
		if suffix < 0 && n+1 < len(d.toks) && d.glued(n) && d.toks[n+1].kind != tkPunct {
			continue // digits glued to more than a suffix
		}
		strict := upper && suffix >= 0 && d.toks[suffix].allUpper && !plateStops[d.text[d.toks[suffix].start:d.toks[suffix].end]]
		if suffix >= 0 && !strict && !d.toks[suffix].allUpper && upper {
			suffix = -1 // "B 12 di": the word is not a suffix
		}
		if suffix >= 0 {
			end = d.toks[suffix].end
		}
		if strict && !d.plateGuarded(t.start) {
			if !d.touchesPlace(t.start, end) {
				d.add(t.start, end, KindPlate)
			}
			continue
		}
		if d.introBefore(i) == introPlate && !d.touchesPlace(t.start, end) {
			d.add(t.start, end, KindPlate)
		}
	}
}

// plateSep returns the token after i, past one space or dash, or i+1 when
// the next token is glued.
func (d *doc) plateSep(i int) int {
	n := i + 1
	if n < len(d.toks) && (d.isSingleSpace(n) || d.isPunct(n, '-')) {
		n++
	}
	return n
}

// plateGuarded reports whether the candidate at byte offset off follows a
// word such as "blok", "kelas" or "no." that makes it something else.
func (d *doc) plateGuarded(off int) bool {
	i := d.tokenAt(off)
	if i < 0 {
		return true
	}
	if p, _ := d.prevSolid(i); p >= 0 && d.toks[p].kind == tkPlace {
		return true // the guard word may have been redacted
	}
	w := d.prevWord(i, ".:")
	return w >= 0 && plateGuards[d.lower[w]]
}

// detectPassports finds one or two letters and 6–8 digits ("A1234567",
// "X 1234567", "AB123456") after "paspor"/"passport", and digits alone in
// detectNumbers.
func (d *doc) detectPassports() {
	for i, t := range d.toks {
		if t.kind != tkWord || t.end-t.start > 2 || d.glued(i-1) && d.toks[i-1].kind != tkPunct {
			continue
		}
		n := i + 1
		if n < len(d.toks) && (d.isSingleSpace(n) || d.isPunct(n, '-')) {
			n++
		}
		if n >= len(d.toks) || d.toks[n].kind != tkNum {
			continue
		}
		if l := d.toks[n].end - d.toks[n].start; l < 6 || l > 8 {
			continue
		}
		if n+1 < len(d.toks) && d.glued(n) && d.toks[n+1].kind != tkPunct {
			continue
		}
		if d.touchesPlace(t.start, d.toks[n].end) {
			continue
		}
		// right after "paspor", or the standard shape (capital letters and
		// seven digits) in a sentence that speaks of a passport
		standard := t.allUpper && d.toks[n].end-d.toks[n].start == 7
		if d.introBefore(i) == introPassport || standard && d.sentenceMentions(i, introPassport) {
			d.add(t.start, d.toks[n].end, KindPassport)
		}
	}
}

// sentenceMentions reports whether the sentence before token i, up to 40
// tokens back, holds an intro word of class c. A placeholder ends the
// search: it may hide the end of a sentence.
func (d *doc) sentenceMentions(i int, classes ...introClass) bool {
	for j, n := i-1, 0; j >= 0 && n < 40; j, n = j-1, n+1 {
		t := d.toks[j]
		switch {
		case t.kind == tkPlace, t.kind == tkSpace && t.nl:
			return false
		case t.kind == tkPunct && t.end-t.start == 1 && strings.IndexByte(".!?;", d.text[t.start]) >= 0:
			if j+1 < len(d.toks) && d.toks[j+1].kind != tkSpace {
				continue // "mail.id", "3.5"
			}
			if d.text[t.start] != '.' || j == 0 || d.toks[j-1].kind != tkWord || !abbreviations[d.lower[j-1]] {
				return false
			}
		case t.kind == tkWord:
			if c := d.introWord(j); c != introNone {
				for _, want := range classes {
					if c == want {
						return true
					}
				}
			}
		}
	}
	return false
}
