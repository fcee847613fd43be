package redact

// detectAddress finds the reporter's address: a street word of their address
// (three letters or more) followed, across spaces and . , : / - ( ), by
// further pieces of the address in order ("Jalan Merdeka nomor 96",
// "Jl. Merdeka No. 96, RT 03/RW 05"). The match counts when it holds a
// number of the address, or two of its words, or a street word that is not
// a common word right after a street marker ("Jl. Sudirman"). Pieces of the
// area alone (RT/RW, village, district, city) are not redacted: they say
// where a problem is, and many people live there.
func (d *doc) detectAddress() {
	if len(d.m.addr) == 0 {
		return
	}
	keys := make([]string, len(d.toks))
	key := func(i int) string {
		if keys[i] == "" {
			t := d.toks[i]
			if t.kind == tkNum {
				keys[i] = d.m.keyOf('a', addrNumNorm(d.text[t.start:t.end]))
			} else {
				keys[i] = d.m.keyOf('a', addrWordNorm(d.lower[i]))
			}
		}
		return keys[i]
	}
	for i, t := range d.toks {
		if t.kind != tkWord || letterCount(d.lower[i]) < 3 {
			continue
		}
		for _, q := range d.m.addrPositions(addrWordNorm(d.lower[i])) {
			if d.m.addr[q].cls != addrStreet {
				continue
			}
			end, words, num := d.extendAddr(i, q, key)
			start := t.start
			marker := false
			if j := d.prevWord(i, "."); j >= 0 && streetMarkers[addrWordNorm(d.lower[j])] {
				marker = true
				start = d.toks[j].start
			}
			if num || words >= 2 || marker && !isCommon(d.lower[i]) {
				d.add(start, end, KindAddress)
				break
			}
		}
	}
}

// addrSep reports whether token i may stand between two pieces of an address.
func (d *doc) addrSep(i int) bool {
	t := d.toks[i]
	switch t.kind {
	case tkSpace:
		return !t.nl
	case tkPunct:
		if t.end-t.start == 1 {
			switch d.text[t.start] {
			case '.', ',', ':', '/', '-', '(', ')':
				return true
			}
		}
	}
	return false
}

// extendAddr follows the text from token i, which matched address piece q,
// through later pieces in order. Address pieces may be left out; a marker
// in the text that the address lacks ("No" in "Jl. Merdeka No. 96" for an
// address written "Jl. Merdeka 96") is passed over.
func (d *doc) extendAddr(i, q int, key func(int) string) (end, words int, num bool) {
	last, j, k := i, q, i
	words = 1
	for steps := 0; steps < 4*maxAddrTokens; steps++ {
		nk := k + 1
		for nk < len(d.toks) && d.addrSep(nk) {
			nk++
		}
		if nk >= len(d.toks) {
			break
		}
		tt := d.toks[nk]
		if tt.kind != tkWord && tt.kind != tkNum {
			break
		}
		kk := key(nk)
		found := -1
		for jj := j + 1; jj < len(d.m.addr); jj++ {
			if d.m.addr[jj].key == kk {
				found = jj
				break
			}
		}
		if found < 0 {
			if tt.kind == tkWord && isMarker(addrWordNorm(d.lower[nk])) {
				k = nk
				continue
			}
			break
		}
		j, k, last = found, nk, nk
		switch d.m.addr[found].cls {
		case addrNum:
			num = true
		case addrStreet, addrArea:
			words++
		}
	}
	return d.toks[last].end, words, num
}
