package vault

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Complaint ids: "KTK-" and 13 symbols of Crockford's base32 (65 random
// bits). They reveal neither order nor volume.
const (
	idPrefix   = "KTK-"
	idSymbols  = 13
	idAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
)

// drawID draws a complaint id from rnd.
func drawID(rnd io.Reader) (string, error) {
	var b [idSymbols]byte
	if _, err := io.ReadFull(rnd, b[:]); err != nil {
		return "", fmt.Errorf("vault: reading randomness: %w", err)
	}
	out := make([]byte, 0, len(idPrefix)+idSymbols)
	out = append(out, idPrefix...)
	for _, c := range b {
		out = append(out, idAlphabet[c&31]) // 256 is a multiple of 32: uniform
	}
	return string(out), nil
}

// ValidID reports whether s has the form of a complaint id.
func ValidID(s string) bool {
	if len(s) != len(idPrefix)+idSymbols || !strings.HasPrefix(s, idPrefix) {
		return false
	}
	for i := len(idPrefix); i < len(s); i++ {
		if strings.IndexByte(idAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// Text limits, in runes.
const (
	MaxTitle   = 200
	MaxBody    = 20_000
	MaxNote    = 2_000
	MaxMessage = 10_000
	MaxComment = 2_000
	maxField   = 200 // each reporter identity field
	maxSlug    = 64  // agency, category, region ids
)

// MaxMessages bounds a complaint's thread.
const MaxMessages = 500

// cleanText trims text and checks its length and characters: valid UTF-8,
// no control characters except (when multiline) newline and tab.
func cleanText(field, s string, min, max int, multiline bool) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return "", badInput(field, "not valid UTF-8")
	}
	n := utf8.RuneCountInString(s)
	if n < min {
		if n == 0 {
			return "", badInput(field, "required")
		}
		return "", badInput(field, "too short")
	}
	if n > max {
		return "", badInput(field, "too long")
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\t') {
			continue
		}
		if r == '\r' && multiline {
			continue
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			return "", badInput(field, "control characters")
		}
	}
	if multiline {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return s, nil
}

// ValidSlug reports whether s is a well-formed agency, category or region
// id: 1..64 of [a-z0-9._-], starting with a letter or digit.
func ValidSlug(s string) bool { return validSlug(s) == nil }

// validSlug checks an agency, category or region id: 1..64 of [a-z0-9._-],
// starting with a letter or digit.
func validSlug(s string) error {
	if s == "" || len(s) > maxSlug {
		return fmt.Errorf("length")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case (c == '-' || c == '_' || c == '.') && i > 0:
		default:
			return fmt.Errorf("characters")
		}
	}
	return nil
}

func checkSlug(field, s string) error {
	if s == "" {
		return badInput(field, "required")
	}
	if validSlug(s) != nil {
		return badInput(field, "must be 1-64 of a-z, 0-9, '.', '_', '-'")
	}
	return nil
}
