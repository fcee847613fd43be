package workdays

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
	"unicode"
	"unicode/utf8"
)

const (
	maxCSVBytes = 64 << 10
	maxNameLen  = 200
	minYear     = 1970
	maxYear     = 2999
)

// Errors returned by ParseCSV and LoadDir. Match them with errors.Is; the
// messages carry the line number.
var (
	ErrFormat     = errors.New("workdays: malformed holiday list")
	ErrHeader     = errors.New(`workdays: holiday list header must be "date,kind,name"`)
	ErrDate       = errors.New("workdays: invalid date (want YYYY-MM-DD)")
	ErrKind       = errors.New(`workdays: kind must be "libur" or "cuti_bersama"`)
	ErrName       = errors.New("workdays: invalid holiday name")
	ErrDuplicate  = errors.New("workdays: date listed twice")
	ErrMixedYears = errors.New("workdays: a holiday list holds one year only")
	ErrEmpty      = errors.New("workdays: holiday list has no dates")
	ErrFileYear   = errors.New("workdays: file name year differs from its dates")
)

// ParseCSV reads one year's holiday list: the header "date,kind,name", then
// one row per day off with the date as YYYY-MM-DD, kind "libur" or
// "cuti_bersama" and a non-empty name. It is strict: a wrong header, an
// invalid or duplicate date, dates of more than one year, an unknown kind, a
// blank or over-long name, a wrong number of fields, no rows, or more than
// 64 KiB of input are errors. A leading UTF-8 byte order mark and CRLF line
// ends are accepted. Rows are returned sorted by date.
func ParseCSV(r io.Reader) ([]Holiday, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxCSVBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxCSVBytes {
		return nil, fmt.Errorf("%w: over %d bytes", ErrFormat, maxCSVBytes)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: not UTF-8", ErrFormat)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = 3
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, ErrEmpty
		}
		return nil, fmt.Errorf("%w: %w", ErrHeader, csvErr(err))
	}
	if header[0] != "date" || header[1] != "kind" || header[2] != "name" {
		return nil, ErrHeader
	}
	var out []Holiday
	seen := map[Date]bool{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvErr(err)
		}
		line, _ := cr.FieldPos(0)
		d, err := parseDate(rec[0])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		k := Kind(rec[1])
		if k != Libur && k != CutiBersama {
			return nil, fmt.Errorf("line %d: %w", line, ErrKind)
		}
		if err := checkName(rec[2]); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if seen[d] {
			return nil, fmt.Errorf("line %d: %w: %s", line, ErrDuplicate, d)
		}
		if len(out) > 0 && out[0].Date.Year != d.Year {
			return nil, fmt.Errorf("line %d: %w: %d and %d", line, ErrMixedYears, out[0].Date.Year, d.Year)
		}
		seen[d] = true
		out = append(out, Holiday{Date: d, Kind: k, Name: rec[2]})
	}
	if len(out) == 0 {
		return nil, ErrEmpty
	}
	sortHolidays(out)
	return out, nil
}

// LoadDir reads every file named id-YYYY.csv in dir (other names are
// ignored) with ParseCSV, checks that each holds dates of the year in its
// name, and returns all their holidays sorted by date. A directory without
// such files gives an empty list and no error; a directory that cannot be
// read gives its I/O error.
func LoadDir(dir string) ([]Holiday, error) {
	return loadFS(os.DirFS(dir), ".")
}

func parseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Format(time.DateOnly) != s {
		return Date{}, fmt.Errorf("%w: %q", ErrDate, truncate(s))
	}
	if t.Year() < minYear || t.Year() > maxYear {
		return Date{}, fmt.Errorf("%w: year %d out of range", ErrDate, t.Year())
	}
	return DateOf(t), nil
}

func checkName(s string) error {
	if s == "" || len(s) > maxNameLen {
		return fmt.Errorf("%w: length", ErrName)
	}
	for i, c := range s {
		if unicode.IsControl(c) || c == utf8.RuneError || (unicode.IsSpace(c) && c != ' ') {
			return fmt.Errorf("%w: control or odd space character", ErrName)
		}
		if c == ' ' && (i == 0 || i == len(s)-1) {
			return fmt.Errorf("%w: leading or trailing space", ErrName)
		}
	}
	return nil
}

func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%w: line %d: %w", ErrFormat, pe.Line, pe.Err)
	}
	return fmt.Errorf("%w: %w", ErrFormat, err)
}

func truncate(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}
