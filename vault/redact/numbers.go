package redact

import "strings"

// Limits that keep the scan of digit runs linear.
const (
	maxSubGroups = 8  // a sub-run joins at most this many digit groups
	minIDDigits  = 6  // shorter digit strings are never identifiers
	maxIDDigits  = 20 // longer ones are not either
)

// group is one maximal string of digits inside a run.
type group struct {
	start, end int  // byte offsets of the digits
	sep        byte // separator before the group: 0 for the first, ' ', '.', '-' or ')'
	qty        bool // followed by a unit word or '%': a quantity
}

// numRun is a sequence of digit groups joined by single spaces, dots or
// dashes, optionally opened by "+" and with the first group in brackets, as
// in "+62 812-3456-7890" or "(021) 555-1234".
type numRun struct {
	groups      []group
	start       int  // byte offset of the run, '+' or '(' included
	first       int  // token index of the run's first token
	last        int  // token index of the run's last token
	plus        bool // opened by '+'
	paren       bool // the first group is in brackets
	moneyBefore bool // "Rp", "IDR", "sebesar" … just before
	codeBefore  bool // glued to a code by '-', '/' or '_' ("KTK-2026", "470/215")
	codeAfter   bool // glued to letters or to "/digits" after
}

// detectNumbers finds identifiers made of digits: NIK, KK, NPWP, phone,
// account and passport numbers, and the reporter's NIK and phone.
func (d *doc) detectNumbers() {
	for i := 0; i < len(d.toks); i++ {
		if d.toks[i].kind != tkNum {
			continue
		}
		r := d.buildRun(i)
		d.classifyRun(&r)
		i = r.last
	}
}

func (d *doc) buildRun(i int) numRun {
	t := d.toks[i]
	r := numRun{start: t.start, first: i, last: i}
	if d.isPunct(i-1, '+') && d.glued(i-1) {
		r.plus = true
		r.first = i - 1
		r.start = d.toks[i-1].start
	}
	r.groups = append(r.groups, group{start: t.start, end: t.end})
	k := i
	// "(021) 555-1234", "(+62) 812…"
	if d.isPunct(r.first-1, '(') && d.isPunct(i+1, ')') {
		r.paren = true
		r.first--
		r.start = d.toks[r.first].start
		k = i + 1 // the closing bracket
		next := k + 1
		if next < len(d.toks) && (d.isSingleSpace(next) || d.isPunct(next, '-')) {
			next++
		}
		if next < len(d.toks) && d.toks[next].kind == tkNum {
			r.groups = append(r.groups, group{start: d.toks[next].start, end: d.toks[next].end, sep: ')'})
			k = next
		}
	}
	for k+2 < len(d.toks) && d.toks[k+2].kind == tkNum {
		var sep byte
		switch {
		case d.isSingleSpace(k + 1):
			sep = ' '
		case d.isPunct(k+1, '.'):
			sep = '.'
		case d.isPunct(k+1, '-'):
			sep = '-'
		}
		if sep == 0 {
			break
		}
		k += 2
		r.groups = append(r.groups, group{start: d.toks[k].start, end: d.toks[k].end, sep: sep})
	}
	r.last = k
	// context
	if w := d.prevWord(r.first, "."); w >= 0 && moneyWords[d.lower[w]] {
		r.moneyBefore = true
	}
	if p, _ := d.prevSolid(r.first); p >= 0 && (d.isPunct(p, '$') || d.toks[p].kind == tkPlace) {
		// a placeholder blocks like the word it may have replaced
		r.moneyBefore = true
	}
	if p := r.first - 1; p >= 1 && d.glued(p-1) && (d.isPunct(p, '-') || d.isPunct(p, '/') || d.isPunct(p, '_')) {
		if pk := d.toks[p-1].kind; pk == tkWord || pk == tkNum || pk == tkPlace {
			r.codeBefore = true
		}
	}
	if n := k + 1; n < len(d.toks) {
		switch {
		case d.toks[n].kind == tkWord || d.toks[n].kind == tkPlace:
			r.codeAfter = true // "5km", "12A"
		case (d.isPunct(n, '/') || d.isPunct(n, '_')) && n+1 < len(d.toks) && d.toks[n+1].kind == tkNum:
			r.codeAfter = true // "470/215"
		}
	}
	for g := range r.groups {
		r.groups[g].qty = d.quantityAfter(r.groups[g].end)
	}
	return r
}

// isSingleSpace reports whether token i is exactly one ASCII space.
func (d *doc) isSingleSpace(i int) bool {
	t := d.toks[i]
	return t.kind == tkSpace && t.end-t.start == 1 && d.text[t.start] == ' '
}

// quantityAfter reports whether the text at byte offset off continues with a
// unit word or a percent sign ("3 hari", "50%", "200 meter"). A placeholder
// counts as a unit: it may stand for one ("3 Hari" when the reporter is
// called Hari), and a second pass must read the text as the first did.
func (d *doc) quantityAfter(off int) bool {
	i := d.tokenAt(off)
	if i < 0 {
		return false
	}
	if d.isPunct(i, '%') {
		return true
	}
	if d.isSingleSpace(i) {
		i++
	}
	if i >= len(d.toks) {
		return false
	}
	t := d.toks[i]
	return t.kind == tkPlace || t.kind == tkWord && unitWords[d.lower[i]]
}

// classifyRun picks, left to right, the longest sub-run that some rule
// accepts.
func (d *doc) classifyRun(r *numRun) {
	n := len(r.groups)
	var buf [maxIDDigits]byte
	for i := 0; i < n; {
		found := -1
		var kind Kind
		for j := min(n-1, i+maxSubGroups-1); j >= i; j-- {
			digits, ok := r.digits(d.text, i, j, buf[:0])
			if !ok {
				continue
			}
			if k, ok := d.classifySub(r, i, j, digits); ok {
				found, kind = j, k
				break
			}
		}
		if found < 0 {
			i++
			continue
		}
		start := r.groups[i].start
		if i == 0 {
			start = r.start
		}
		d.add(start, r.groups[found].end, kind)
		i = found + 1
	}
}

// digits concatenates the digits of groups i..j into buf; ok is false when
// they number fewer than minIDDigits or more than maxIDDigits.
func (r *numRun) digits(text string, i, j int, buf []byte) (string, bool) {
	n := 0
	for g := i; g <= j; g++ {
		n += r.groups[g].end - r.groups[g].start
	}
	if n < minIDDigits || n > maxIDDigits {
		return "", false
	}
	for g := i; g <= j; g++ {
		buf = append(buf, text[r.groups[g].start:r.groups[g].end]...)
	}
	return string(buf), true
}

func (d *doc) classifySub(r *numRun, i, j int, digits string) (Kind, bool) {
	if d.m != nil {
		if k, ok := d.m.digits(digits); ok {
			return k, true
		}
	}
	if r.groups[j].qty || j == len(r.groups)-1 && r.codeAfter {
		return "", false
	}
	if i == 0 && (r.moneyBefore || r.codeBefore) {
		return "", false
	}
	if r.moneyShape(i, j) {
		return "", false
	}
	intro := introNone
	if i == 0 {
		intro = d.introBefore(r.first)
	}
	nd := len(digits)
	switch intro {
	case introNIK, introKK:
		if nd == 16 {
			if intro == introKK {
				return KindKK, true
			}
			return KindNIK, true
		}
	case introNPWP:
		if nd == 15 || nd == 16 {
			return KindNPWP, true
		}
	case introPhone:
		if _, ok := phoneShape(r, i, j, digits, true); ok {
			return KindPhone, true
		}
	case introAccount, introBank:
		if nd >= 7 && (intro == introAccount || nd >= 8) {
			return KindAccount, true
		}
	case introNone:
		// ten digits or more in a sentence that speaks of an account or a
		// bank: "Rekening penerima: BRI Unit Tanah Abang, no. 0345-01-…"
		if i == 0 && nd >= 10 && d.sentenceMentions(r.first, introAccount, introBank) {
			if _, ok := phoneShape(r, i, j, digits, false); !ok {
				return KindAccount, true
			}
		}
	case introPassport:
		if nd <= 9 {
			return KindPassport, true
		}
	}
	if _, ok := phoneShape(r, i, j, digits, false); ok {
		return KindPhone, true
	}
	same, minG := r.shape(i, j)
	switch {
	case nd == 16 && same && minG >= 2:
		switch {
		case digits[0] == '0':
			return KindNPWP, true // the 16-digit NPWP of a non-individual
		case !provinces[int(digits[0]-'0')*10+int(digits[1]-'0')]:
		case validNIK(digits):
			return KindNIK, true
		default:
			return KindKK, true
		}
	case nd == 15 && (same && minG >= 2 || r.npwpShape(i, j)):
		return KindNPWP, true
	}
	return "", false
}

// shape reports whether groups i..j share one separator (or are one group)
// and the length of the shortest group.
func (r *numRun) shape(i, j int) (same bool, minG int) {
	same, minG = true, maxIDDigits+1
	for g := i; g <= j; g++ {
		minG = min(minG, r.groups[g].end-r.groups[g].start)
		if g > i+1 && r.groups[g].sep != r.groups[i+1].sep {
			same = false
		}
	}
	if j == i {
		minG = maxIDDigits // a single group has no short parts
	}
	return same, minG
}

// npwpShape matches the dotted NPWP "99.999.999.9-999.999".
func (r *numRun) npwpShape(i, j int) bool {
	if j-i != 5 {
		return false
	}
	lens := [6]int{2, 3, 3, 1, 3, 3}
	seps := [6]byte{0, '.', '.', '.', '-', '.'}
	for g := 0; g < 6; g++ {
		gr := r.groups[i+g]
		if gr.end-gr.start != lens[g] || g > 0 && gr.sep != seps[g] {
			return false
		}
	}
	return true
}

// moneyShape matches thousands grouping with dots: "1.500.000".
func (r *numRun) moneyShape(i, j int) bool {
	if j == i {
		return false
	}
	if l := r.groups[i].end - r.groups[i].start; l > 3 {
		return false
	}
	for g := i + 1; g <= j; g++ {
		if r.groups[g].sep != '.' || r.groups[g].end-r.groups[g].start != 3 {
			return false
		}
	}
	return true
}

// phoneShape normalises a candidate phone number (62/+62/0062 → 0) and
// checks it: a mobile number 08[1-9] and 10–13 digits, or a landline
// 0[2-79] and 9–12 digits, with a plausible grouping. relaxed (after "HP",
// "telp", …) accepts any grouping and 7–13 digits.
func phoneShape(r *numRun, i, j int, digits string, relaxed bool) (string, bool) {
	norm, cc := normalizePhone(digits)
	if i == 0 && r.plus && !cc {
		return "", false
	}
	if relaxed {
		return norm, len(norm) >= 7 && len(norm) <= 13
	}
	if len(norm) < 9 || len(norm) > 13 || norm[0] != '0' {
		return "", false
	}
	switch c := norm[1]; {
	case c == '8':
		if len(norm) < 10 || norm[2] == '0' {
			return "", false
		}
	case c >= '2' && c <= '7' || c == '9':
		if len(norm) > 12 {
			return "", false
		}
	default:
		return "", false
	}
	if j == i {
		return norm, true
	}
	// grouping: the first significant group (after a separate country code)
	// has at least three digits with its leading 0, two without; the others
	// at least three, so a trailing "14 hari" or a day of a date never joins.
	g := i
	l0 := r.groups[i].end - r.groups[i].start
	if cc && (l0 == 2 && digits[:2] == "62" || l0 == 4 && digits[:4] == "0062") {
		g = i + 1 // "+62 812 …", "0062 21 …"
		if g > j || r.groups[g].end-r.groups[g].start < 2 {
			return "", false
		}
	} else if l0 < 3 || cc && l0 < 4 || !cc && norm[1] != '8' && l0 > 5 {
		return "", false
	}
	// after an area code in brackets, "(0711) 35 12 34" is a number too
	minRest := 3
	if i == 0 && r.paren && digits[0] == '0' && (l0 == 3 || l0 == 4) {
		minRest = 2
	}
	g++
	for ; g <= j; g++ {
		if r.groups[g].end-r.groups[g].start < minRest {
			return "", false
		}
	}
	return norm, true
}

// normalizePhone turns the 62, +62 and 0062 prefixes into 0 and prefixes 0
// to a bare mobile number; cc reports a country code.
func normalizePhone(digits string) (norm string, cc bool) {
	switch {
	case strings.HasPrefix(digits, "0062"):
		return "0" + digits[4:], true
	case strings.HasPrefix(digits, "62"):
		return "0" + digits[2:], true
	case strings.HasPrefix(digits, "8"):
		return "0" + digits, false
	}
	return digits, false
}

var daysInMonth = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// validNIK checks a 16-digit string: province code, non-zero regency and
// district, a birth date DDMMYY (women's day +40) and a non-zero serial.
func validNIK(s string) bool {
	if len(s) != 16 {
		return false
	}
	two := func(i int) int { return int(s[i]-'0')*10 + int(s[i+1]-'0') }
	if !provinces[two(0)] || two(2) == 0 || two(4) == 0 || s[12:] == "0000" {
		return false
	}
	day, month := two(6), two(8)
	if day > 40 {
		day -= 40
	}
	return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth[month]
}

// introBefore walks back from token i over filler words and punctuation and
// returns the class of the nearest word that introduces a number ("NIK",
// "no. HP", "rekening BRI", …). Numbers and placeholders end the walk, so a
// redacted text reads the same as the original.
func (d *doc) introBefore(i int) introClass {
	steps := 0
	for j := i - 1; j >= 0 && steps < 8; j-- {
		t := d.toks[j]
		switch t.kind {
		case tkSpace:
			continue
		case tkPunct:
			if t.end-t.start == 1 && strings.IndexByte(introPunct, d.text[t.start]) >= 0 {
				steps++
				continue
			}
			return introNone
		case tkWord:
			steps++
			if c := d.introWord(j); c != introNone {
				return c
			}
			if introFillers[d.lower[j]] {
				continue
			}
			return introNone
		default:
			return introNone
		}
	}
	return introNone
}

// introWord classifies word token j as an intro word.
func (d *doc) introWord(j int) introClass {
	lw := d.lower[j]
	if c, ok := introWords[lw]; ok {
		return c
	}
	switch lw {
	case "keluarga":
		if p := d.prevWord(j, ""); p >= 0 && d.lower[p] == "kartu" {
			return introKK
		}
		return introNone
	case "induk", "nomor", "no", "kartu", "bank":
		return introNone
	}
	if bankNames[lw] {
		return introBank
	}
	// "Bank Nagari", "Bank Jateng Syariah"
	p := d.prevWord(j, "")
	if p >= 0 && d.lower[p] == "bank" {
		return introBank
	}
	if p >= 0 {
		if pp := d.prevWord(p, ""); pp >= 0 && d.lower[pp] == "bank" && d.toks[j].upper {
			return introBank
		}
	}
	return introNone
}
