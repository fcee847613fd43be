package redact

import "strings"

// Name-token states in detectIdentityWords.
const (
	nameNone    uint8 = iota
	namePending       // a common word that matches, not yet read as a name
	nameSure
)

// detectIdentityWords redacts the reporter's name tokens and e-mail handle
// wherever they occur.
//
// A token that is also a common word is redacted only where it reads as a
// name: capitalised inside a sentence (not at its start), in capitals among
// lower-case words, or next to another part of the name, a [NAMA]
// placeholder or a self-introduced name.
func (d *doc) detectIdentityWords() {
	n := len(d.toks)
	st := make([]uint8, n)
	roots := make([]string, n) // normalised matched form of name tokens
	found := false
	for i, t := range d.toks {
		if t.kind != tkWord {
			continue
		}
		root, ok := d.m.nameWord(d.lower[i])
		if !ok {
			continue
		}
		roots[i] = nameNorm(root)
		found = true
		if (isCommon(d.lower[i]) || isCommon(root)) && !d.nameSignal(i) {
			st[i] = namePending
		} else {
			st[i] = nameSure
		}
	}
	if found {
		// two neighbouring tokens that are two neighbouring parts of the
		// name ("indah kasih") read as the name in any case
		for i := 0; i < n; i++ {
			if st[i] == nameNone {
				continue
			}
			if j := d.neighbour(i, +1); j >= 0 && st[j] != nameNone && st[i]+st[j] < 2*nameSure {
				if d.m.has(clsName, roots[i]+roots[j]) {
					st[i], st[j] = nameSure, nameSure
				}
			}
		}
		for i := 0; i < n; i++ {
			if st[i] == namePending && d.nameNeighbour(i, -1, st) {
				st[i] = nameSure
			}
		}
		for i := n - 1; i >= 0; i-- {
			if st[i] == namePending && d.nameNeighbour(i, +1, st) {
				st[i] = nameSure
			}
		}
		// once the text uses a word as the name, its other capitalised
		// uses are the name too ("Indah tinggal di Bekasi")
		sure := map[string]bool{}
		for i, s := range st {
			if s == nameSure {
				sure[roots[i]] = true
			}
		}
		for i, s := range st {
			if s == namePending && d.toks[i].upper && !d.toks[i].allUpper && !d.phraseWord(i) && sure[roots[i]] {
				st[i] = nameSure
			}
		}
		for i, s := range st {
			if s == nameSure {
				d.add(d.toks[i].start, d.toks[i].end, KindName)
			}
		}
		// an initial between two parts of the name: "Bambang S. Wibisono"
		isName := func(j int) bool {
			return j >= 0 && (st[j] == nameSure || d.selfName[j] || d.toks[j].kind == tkPlace && d.toks[j].place == KindName)
		}
		for i, t := range d.toks {
			if t.kind == tkWord && t.upper && letterCount(d.lower[i]) == 1 && d.isPunct(i+1, '.') &&
				isName(d.neighbour(i, -1)) && isName(d.neighbour(i+1, +1)) {
				d.add(t.start, d.toks[i+1].end, KindName)
			}
			// "Suparmi binti Kasno": the father's name is part of hers
			if patronymWords[d.lower[i]] && isName(d.neighbour(i, -1)) {
				if last := d.patronym(i); last > i {
					d.add(t.start, d.toks[last].end, KindName)
				}
			}
		}
	}
	d.detectHandles()
}

// nameNeighbour reports whether the word next to token i in direction dir,
// across one blank without a line break, is a sure name token, a [NAMA]
// placeholder or part of a self-introduced name. A lower-case word counts
// only next to another lower-case name token ("budi kasih"), so "3 hari
// Hari" keeps its "hari".
func (d *doc) nameNeighbour(i, dir int, st []uint8) bool {
	j := d.neighbour(i, dir)
	if j < 0 {
		return false
	}
	t := d.toks[j]
	if !d.toks[i].upper && (t.kind != tkWord || t.upper) {
		return false
	}
	return st[j] == nameSure || d.selfName[j] || t.kind == tkPlace && t.place == KindName
}

// nameSignal reports whether word i is written as a name.
func (d *doc) nameSignal(i int) bool {
	t := d.toks[i]
	if !t.upper {
		return false
	}
	if t.allUpper {
		return letterCount(d.lower[i]) >= 2 && !d.capsNeighbour(i)
	}
	return !d.sentenceStart(i) && !d.phraseWord(i)
}

// phraseWord reports whether word i follows a capitalised everyday word
// that is not an honorific, as in "Terima Kasih", "Hari Raya", "Jalan
// Raya": capitals there mark a phrase, not a name.
func (d *doc) phraseWord(i int) bool {
	j := d.neighbour(i, -1)
	if j < 0 || d.toks[j].kind != tkWord || !d.toks[j].upper {
		return false
	}
	return plainWords[d.lower[j]] && !honorifics[d.lower[j]]
}

// capsNeighbour reports whether a word next to i is also in capitals (so
// capitals say nothing); placeholders count as capitals.
func (d *doc) capsNeighbour(i int) bool {
	for _, j := range [2]int{d.neighbour(i, -1), d.neighbour(i, +1)} {
		if j < 0 {
			continue
		}
		t := d.toks[j]
		if t.kind == tkPlace || t.kind == tkWord && t.allUpper && letterCount(d.lower[j]) >= 2 {
			return true
		}
	}
	return false
}

// neighbour returns the token after one blank (no line break) from i in
// direction dir, or -1.
func (d *doc) neighbour(i, dir int) int {
	s, j := i+dir, i+2*dir
	if j < 0 || j >= len(d.toks) || d.toks[s].kind != tkSpace || d.toks[s].nl {
		return -1
	}
	return j
}

// sentenceStart reports whether word i opens a sentence or a line.
func (d *doc) sentenceStart(i int) bool {
	j, nl := d.prevSolid(i)
	for j >= 0 && d.toks[j].kind == tkPunct && strings.Contains("\"'([“‘«", d.text[d.toks[j].start:d.toks[j].end]) {
		var nl2 bool
		j, nl2 = d.prevSolid(j)
		nl = nl || nl2
	}
	if j < 0 || nl {
		return true
	}
	t := d.toks[j]
	if t.kind != tkPunct {
		return false
	}
	switch d.text[t.start:t.end] {
	case ".":
		return !(j > 0 && d.toks[j-1].kind == tkWord && abbreviations[d.lower[j-1]])
	case "!", "?", "…":
		return true
	}
	return false
}

// detectHandles redacts the reporter's e-mail address or its local part
// written as a handle ("budi.santoso14", "@andi252"). Every glued sequence
// of words, numbers and . _ - + @ of two tokens or more is tried from every
// token, so a redaction inside it cannot expose a new match later.
func (d *doc) detectHandles() {
	const maxHandleTokens = 12
	for s := range d.toks {
		if k := d.toks[s].kind; k != tkWord && k != tkNum {
			continue
		}
		for e := s + 1; e < len(d.toks) && e-s < maxHandleTokens; e++ {
			t := d.toks[e]
			if t.kind == tkPunct {
				if t.end-t.start != 1 || !strings.ContainsRune("._-+@", rune(d.text[t.start])) {
					break
				}
				continue
			}
			if t.kind != tkWord && t.kind != tkNum {
				break
			}
			cand := strings.ToLower(d.text[d.toks[s].start:t.end])
			if d.m.has(clsHandle, cand) || d.m.has(clsEmail, cand) {
				d.add(d.toks[s].start, t.end, KindEmail)
			}
		}
	}
}

// detectSelfNames finds a writer's own name after a self-introduction:
// "nama saya …", "saya …", "bernama …", "pelapor: …", "a.n. …",
// "atas nama …", "hormat saya, …", "salam, …", "terima kasih, …", "ttd …".
// The name is one or more capitalised words (or capitals) that are not
// common words, initials included; an honorific before it is kept.
func (d *doc) detectSelfNames() {
	d.selfName = make([]bool, len(d.toks))
	for i, t := range d.toks {
		if t.kind != tkWord {
			continue
		}
		lw := d.lower[i]
		after := -1
		switch {
		case lw == "nama" || lw == "saya" || lw == "aku" || lw == "hormat" || selfIntros[lw]:
			after = i
			// "nama saya", "nama lengkap", "hormat saya", "salam hormat"
			for k := 0; k < 3; k++ {
				j, nl := d.nextSolid(after)
				if nl || j >= len(d.toks) || d.toks[j].kind != tkWord {
					break
				}
				switch d.lower[j] {
				case "saya", "aku", "kami", "lengkap", "pelapor", "pengadu", "hormat":
					after = j
					continue
				}
				break
			}
			if lw == "hormat" && after == i {
				after = -1
			}
		case lw == "kasih":
			if p := d.prevWord(i, ""); p >= 0 && d.lower[p] == "terima" {
				after = i
			}
		case lw == "n":
			// "a.n." and "a/n"
			if (d.isPunct(i-1, '.') || d.isPunct(i-1, '/')) && i >= 2 && d.lower[i-2] == "a" && d.isPunct(i+1, '.') {
				after = i + 1
			} else if d.isPunct(i-1, '/') && i >= 2 && d.lower[i-2] == "a" {
				after = i
			}
		case lw == "an":
			if d.isPunct(i+1, '.') {
				after = i + 1
			}
		}
		if after >= 0 {
			d.selfNameAfter(after)
		}
	}
}

// selfNameAfter reads a name that starts after token k.
func (d *doc) selfNameAfter(k int) {
	n := len(d.toks)
	j := k + 1
	for j < n && (d.toks[j].kind == tkSpace || d.isPunct(j, ':') || d.isPunct(j, ',') || d.isPunct(j, '-')) {
		j++
	}
	if j < n && d.toks[j].kind == tkWord && honorifics[d.lower[j]] && d.toks[j].upper {
		j++
		if d.isPunct(j, '.') {
			j++
		}
		if j < n && d.isSingleSpace(j) {
			j++
		}
	}
	var parts []int // word and initial tokens of the name
	real := 0
	for j < n {
		t := d.toks[j]
		switch {
		case t.kind == tkWord && d.nameLike(j):
			parts = append(parts, j)
			real++
		case t.kind == tkWord && t.upper && letterCount(d.lower[j]) == 1 && d.isPunct(j+1, '.') && len(parts) > 0:
			parts = append(parts, j, j+1) // an initial inside a name: "Budi S. Santoso"
			j++
		case patronymWords[d.lower[j]] && len(parts) > 0 && d.patronym(j) > j:
			last := d.patronym(j)
			for x := j; x <= last; x++ {
				parts = append(parts, x)
			}
			j = last
		default:
			j = n
			continue
		}
		j++
		if j+1 < n && d.toks[j].kind == tkSpace && !d.toks[j].nl {
			j++
			continue
		}
		break
	}
	if real == 0 {
		return
	}
	for _, x := range parts {
		d.selfName[x] = true
		d.add(d.toks[x].start, d.toks[x].end, KindName)
	}
}

// patronymWords join a name to the father's: "bin", "binti".
var patronymWords = wordSet("bin binti bt bte")

// patronym returns the last token of the capitalised name after the
// patronym word i ("binti Kasno", "bin Abdul Rahman"), or i if none follows.
func (d *doc) patronym(i int) int {
	last := i
	for j := d.neighbour(i, +1); j >= 0 && d.toks[j].kind == tkWord && d.nameLike(j); j = d.neighbour(j, +1) {
		last = j
	}
	return last
}

// nameLike reports whether word j can be part of a name: capitalised or in
// capitals, and not a common word, honorific or verb form.
func (d *doc) nameLike(j int) bool {
	t := d.toks[j]
	lw := d.lower[j]
	if !t.upper || letterCount(lw) < 2 {
		return false
	}
	if plainWords[lw] || nameStops[lw] || honorifics[lw] || unitWords[lw] || moneyWords[lw] || abbreviations[lw] ||
		selfIntros[lw] || patronymWords[lw] {
		return false
	}
	// verb forms: "melaporkan", "menyampaikan", "mengadu"
	if len(lw) >= 6 && (strings.HasSuffix(lw, "kan") || strings.HasPrefix(lw, "meng") ||
		strings.HasPrefix(lw, "meny") || strings.HasPrefix(lw, "memb") || strings.HasPrefix(lw, "memp")) {
		return false
	}
	return true
}
