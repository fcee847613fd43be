package redact

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

var latinFold = map[rune]rune{
	'à': 'a', 'á': 'a', 'â': 'a', 'ã': 'a', 'ä': 'a', 'å': 'a', 'ā': 'a',
	'ç': 'c', 'è': 'e', 'é': 'e', 'ê': 'e', 'ë': 'e', 'ē': 'e',
	'ì': 'i', 'í': 'i', 'î': 'i', 'ï': 'i', 'ī': 'i', 'ñ': 'n',
	'ò': 'o', 'ó': 'o', 'ô': 'o', 'õ': 'o', 'ö': 'o', 'ø': 'o', 'ō': 'o',
	'ù': 'u', 'ú': 'u', 'û': 'u', 'ü': 'u', 'ū': 'u', 'ý': 'y', 'ÿ': 'y',
}

// foldLetters lower-cases s, folds Latin diacritics to the base letter and
// keeps letters only, so "Ma'ruf" and "MARUF" agree.
func foldLetters(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 'a' || c > 'z' {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		if f, ok := latinFold[r]; ok {
			r = f
		}
		if unicode.IsLetter(r) && r != utf8.RuneError {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// letterCount counts the letters of s.
func letterCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// oldSpelling maps the pre-1972 spelling still used in names to today's
// ("Soeharto" = "Suharto", "Djoko" = "Joko", "Achmad" = "Akhmad").
var oldSpelling = strings.NewReplacer("oe", "u", "dj", "j", "tj", "c", "nj", "ny", "sj", "sy", "ch", "kh")

// hasOldSpelling reports whether oldSpelling would change s.
func hasOldSpelling(s string) bool {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case 'j':
			if c := s[i-1]; c == 'd' || c == 't' || c == 'n' || c == 's' {
				return true
			}
		case 'e':
			if s[i-1] == 'o' {
				return true
			}
		case 'h':
			if s[i-1] == 'c' {
				return true
			}
		}
	}
	return false
}

// nameNorm is the form in which name tokens are compared: folded letters,
// today's spelling, doubled letters collapsed and the spellings of
// Muhammad made one.
func nameNorm(s string) string {
	s = foldLetters(s)
	if hasOldSpelling(s) {
		s = oldSpelling.Replace(s)
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		if i > 0 && s[i] == s[i-1] && s[i] < utf8.RuneSelf {
			if b == nil {
				b = append(make([]byte, 0, len(s)), s[:i]...)
			}
			continue
		}
		if b != nil {
			b = append(b, s[i])
		}
	}
	if b != nil {
		s = string(b)
	}
	if isMuhammad(s) {
		return "muhamad"
	}
	return s
}

// isMuhammad matches the collapsed spellings and short forms of Muhammad.
func isMuhammad(s string) bool {
	switch s {
	case "moh", "muh", "mhd", "mohd", "muhd", "mokh", "mukh", "mukhd", "mokhd":
		return true
	}
	if len(s) < 6 || s[0] != 'm' || s[1] != 'o' && s[1] != 'u' {
		return false
	}
	rest := s[2:]
	switch {
	case strings.HasPrefix(rest, "kh"):
		rest = rest[2:]
	case strings.HasPrefix(rest, "h"):
		rest = rest[1:]
	}
	return rest == "amad" || rest == "amed"
}

// nameSuffixes are the enclitics a name may carry ("Budinya").
var nameSuffixes = [...]string{"nya", "lah", "kah", "pun", "ku", "mu"}

// addrCanon maps address markers to one spelling.
var addrCanon = map[string]string{
	"jl": "jl", "jln": "jl", "jalan": "jl", "gg": "gg", "gang": "gg",
	"no": "no", "nomor": "no", "nmr": "no", "nomer": "no", "nr": "no",
	"kel": "kel", "kelurahan": "kel", "ds": "desa", "desa": "desa", "kec": "kec", "kecamatan": "kec",
	"kab": "kab", "kabupaten": "kab", "kota": "kota", "kodya": "kota", "prov": "prov", "provinsi": "prov",
	"propinsi": "prov", "rt": "rt", "rw": "rw", "blok": "blok", "blk": "blok",
	"komp": "komp", "kompleks": "komp", "komplek": "komp", "perum": "komp", "perumahan": "komp",
	"dusun": "dusun", "dsn": "dusun", "dukuh": "dusun", "dk": "dusun", "kp": "kp", "kampung": "kp", "kmp": "kp",
	"banjar": "dusun", "jorong": "dusun", "nagari": "desa", "gampong": "desa",
	"lingk": "lingk", "lingkungan": "lingk", "lk": "lingk", "gedung": "gedung", "gd": "gedung",
	"apartemen": "apt", "apt": "apt", "lt": "lt", "lantai": "lt", "rumah": "rumah",
}

// streetMarkers open the street part of an address; areaMarkers the rest.
var (
	streetMarkers = wordSet("jl gg blok komp dusun kp lingk gedung apt")
	areaMarkers   = wordSet("rt rw kel desa kec kab kota prov")
)

// addrWordNorm is the form in which address words are compared. Roman
// numerals up to 39 become numbers: "Gang Kenari IX" = "Gang Kenari 9".
func addrWordNorm(lw string) string {
	f := foldLetters(lw)
	if c, ok := addrCanon[f]; ok {
		return c
	}
	if n := romanValue(f); n > 0 {
		return strconv.Itoa(n)
	}
	return f
}

// romanValue returns the value of a Roman numeral made of i, v and x
// (1–39) written in the standard form, or 0.
func romanValue(s string) int {
	if s == "" || len(s) > 6 || strings.Trim(s, "ivx") != "" {
		return 0
	}
	val := map[byte]int{'i': 1, 'v': 5, 'x': 10}
	n := 0
	for i := 0; i < len(s); i++ {
		v := val[s[i]]
		if i+1 < len(s) && val[s[i+1]] > v {
			n -= v
		} else {
			n += v
		}
	}
	if n < 1 || n > 39 || toRoman(n) != s {
		return 0
	}
	return n
}

func toRoman(n int) string {
	var b strings.Builder
	for _, p := range []struct {
		v int
		s string
	}{{10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}} {
		for n >= p.v {
			b.WriteString(p.s)
			n -= p.v
		}
	}
	return b.String()
}

// addrNumNorm drops leading zeros: "RT 03" = "RT 3".
func addrNumNorm(s string) string {
	t := strings.TrimLeft(s, "0")
	if t == "" {
		return "0"
	}
	return t
}

// isMarker reports whether a normalised address word is a marker.
func isMarker(w string) bool {
	_, ok := addrCanon[w]
	return ok && addrCanon[w] == w
}
