// Package workdays counts working days in Indonesia: Monday to Friday, minus
// national holidays (libur) and collective leave days (cuti bersama), in a
// given time zone (WIB by default).
//
// Holiday lists are CSV files, one per year, named id-YYYY.csv, with the
// header "date,kind,name". The lists for the years known when the program was
// built are embedded; operators add later years with LoadDir. A year with no
// list counts only weekends as days off, and MissingYears reports it so the
// server can warn until an operator adds the decree's list. Dates are never
// guessed.
package workdays

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"sync"
	"time"
)

// WIB is Western Indonesian Time (UTC+7, no daylight saving), where the
// national government's working days are counted. A fixed zone needs no
// tzdata.
var WIB = time.FixedZone("WIB", 7*3600)

// Kind says why a day is off.
type Kind string

// The kinds a holiday list may hold.
const (
	// Libur is a national public holiday.
	Libur Kind = "libur"
	// CutiBersama is a collective leave day set by decree; government
	// offices are closed.
	CutiBersama Kind = "cuti_bersama"
)

// Date is a calendar date without a time or zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Holiday is one day off in a holiday list.
type Holiday struct {
	Date Date
	Kind Kind
	Name string
}

// Calendar answers working-day questions in one location. It is immutable
// and safe for concurrent use.
type Calendar struct {
	loc   *time.Location
	days  map[int64]Holiday // by day number
	off   []int64           // sorted day numbers of holidays on Monday..Friday
	years map[int]bool      // years that have a list
}

// New returns a calendar for loc (nil means WIB) with the given holiday lists.
// A year counts as listed when some list holds a date in it. When several
// lists hold dates of the same year, the last of them supplies that year
// entirely; so New(loc, Embedded(), loaded) lets an operator's file for a
// year replace the embedded one.
func New(loc *time.Location, lists ...[]Holiday) *Calendar {
	if loc == nil {
		loc = WIB
	}
	byYear := map[int][]Holiday{}
	for _, list := range lists {
		fresh := map[int]bool{}
		for _, h := range list {
			y := h.Date.Year
			if !fresh[y] {
				fresh[y] = true
				byYear[y] = nil
			}
			byYear[y] = append(byYear[y], h)
		}
	}
	c := &Calendar{loc: loc, days: map[int64]Holiday{}, years: map[int]bool{}}
	for y, hs := range byYear {
		c.years[y] = true
		for _, h := range hs {
			n := dayNumber(h.Date)
			if _, dup := c.days[n]; dup {
				continue
			}
			c.days[n] = h
			if !isWeekend(n) {
				c.off = append(c.off, n)
			}
		}
	}
	slices.Sort(c.off)
	return c
}

//go:embed holidays/id-*.csv
var embedded embed.FS

var embeddedLists = sync.OnceValues(func() ([]Holiday, error) {
	return loadFS(embedded, "holidays")
})

// Embedded returns the holiday lists compiled into the program, sorted by
// date. The caller may modify the returned slice.
func Embedded() []Holiday {
	hs, err := embeddedLists()
	if err != nil {
		// The embedded files are checked by this package's tests.
		panic("workdays: embedded holiday list: " + err.Error())
	}
	return slices.Clone(hs)
}

// Default returns a calendar in WIB with the embedded holiday lists.
func Default() *Calendar {
	return New(WIB, Embedded())
}

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// Years returns, in ascending order, the years that have a holiday list.
func (c *Calendar) Years() []int {
	ys := make([]int, 0, len(c.years))
	for y := range c.years {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return ys
}

// MissingYears returns which of now's year and the next (in the calendar's
// location) have no holiday list, in ascending order; nil when both have one.
// For those years only weekends are days off, so deadlines may fall on a
// holiday: the server should warn until an operator adds the list.
func (c *Calendar) MissingYears(now time.Time) []int {
	y := now.In(c.loc).Year()
	var missing []int
	for _, yy := range []int{y, y + 1} {
		if !c.years[yy] {
			missing = append(missing, yy)
		}
	}
	return missing
}

// Holiday returns the holiday on t's date in the calendar's location, if any.
func (c *Calendar) Holiday(t time.Time) (Holiday, bool) {
	h, ok := c.days[c.day(t)]
	return h, ok
}

// IsWorkingDay reports whether t's date, in the calendar's location, is a
// Monday to Friday that is neither a holiday nor a collective leave day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	return c.working(c.day(t))
}

// AddWorkingDays returns the deadline "within n working days of t": the last
// instant (23:59:59.999999999 in the calendar's location) of the n-th working
// day after t's local date. t's own date never counts, whatever its time of
// day. For n ≤ 0 it returns the end of t's own local date. The cost grows
// linearly with n.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	d := c.day(t)
	for n > 0 {
		d++
		if c.working(d) {
			n--
		}
	}
	y, m, dd := dayTime(d).Date()
	return time.Date(y, m, dd, 23, 59, 59, 999999999, c.loc)
}

// WorkingDaysBetween returns the number of working days whose date lies in
// (from's date, to's date], both dates taken in the calendar's location; 0
// when to's date is not after from's. WorkingDaysBetween(t,
// AddWorkingDays(t, n)) == n for n ≥ 0.
func (c *Calendar) WorkingDaysBetween(from, to time.Time) int {
	a, b := c.day(from), c.day(to)
	if b <= a {
		return 0
	}
	span := b - a
	n := span / 7 * 5
	for d := a + span/7*7 + 1; d <= b; d++ {
		if !isWeekend(d) {
			n++
		}
	}
	// Subtract holidays on weekdays within (a, b].
	lo := sort.Search(len(c.off), func(i int) bool { return c.off[i] > a })
	hi := sort.Search(len(c.off), func(i int) bool { return c.off[i] > b })
	return int(n) - (hi - lo)
}

func (c *Calendar) day(t time.Time) int64 {
	return dayNumber(DateOf(t.In(c.loc)))
}

func (c *Calendar) working(d int64) bool {
	if isWeekend(d) {
		return false
	}
	_, off := c.days[d]
	return !off
}

// dayNumber counts days since 1970-01-01.
func dayNumber(d Date) int64 {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func dayTime(n int64) time.Time {
	return time.Unix(n*86400, 0).UTC()
}

// isWeekend reports whether day number n is a Saturday or Sunday
// (1970-01-01 was a Thursday).
func isWeekend(n int64) bool {
	wd := time.Weekday(((n+4)%7 + 7) % 7)
	return wd == time.Saturday || wd == time.Sunday
}

// loadFS reads every id-YYYY.csv in dir of fsys.
func loadFS(fsys fs.FS, dir string) ([]Holiday, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var all []Holiday
	for _, e := range entries {
		year, ok := fileYear(e.Name())
		if !ok || e.IsDir() {
			continue
		}
		f, err := fsys.Open(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		hs, err := ParseCSV(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name(), err)
		}
		if hs[0].Date.Year != year {
			return nil, fmt.Errorf("%w: %s holds dates of %d", ErrFileYear, e.Name(), hs[0].Date.Year)
		}
		all = append(all, hs...)
	}
	sortHolidays(all)
	return all, nil
}

// fileYear parses "id-YYYY.csv".
func fileYear(name string) (int, bool) {
	if len(name) != len("id-2026.csv") || name[:3] != "id-" || name[7:] != ".csv" {
		return 0, false
	}
	y := 0
	for _, c := range name[3:7] {
		if c < '0' || c > '9' {
			return 0, false
		}
		y = y*10 + int(c-'0')
	}
	return y, true
}

func sortHolidays(hs []Holiday) {
	slices.SortStableFunc(hs, func(a, b Holiday) int {
		return int(dayNumber(a.Date) - dayNumber(b.Date))
	})
}
