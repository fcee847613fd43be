// Package stats aggregates the public statistics of DESIGN.md "HTTP API":
// complaints grouped by agency, category, region, month or status, with
// their count, follow-up rate, median first-response time and overdue share.
//
// It reads only vault.Fact values (plain fields, never text or identity) of
// live and shredded complaints. A group of fewer than MinCell complaints is
// reported as suppressed, with no figures, and further groups are suppressed
// so that no suppressed count can be recovered from the others (see
// Snapshot.Report). Nothing here touches the database: Collect scans a
// Source once into a compact, immutable Snapshot, and Cache keeps one for a
// short time so that a flood of requests does not scan each time.
package stats

import (
	"errors"
	"math"
	"slices"
	"strings"
	"time"

	"kotak/vault"
	"kotak/vault/workdays"
)

// MinCell is the smallest group whose figures are published.
const MinCell = 5

// Errors of ParseQuery, each wrapped in a *QueryError naming the parameter.
var (
	ErrDimension = errors.New("stats: by must be agency, category, region, month or status")
	ErrDate      = errors.New("stats: date must be YYYY-MM-DD")
	ErrRange     = errors.New("stats: from is after to")
)

// QueryError is a bad query parameter. Field is the parameter's name
// ("by", "from" or "to"); Err is one of the package's sentinels. It never
// holds the parameter's value.
type QueryError struct {
	Field string
	Err   error
}

func (e *QueryError) Error() string { return e.Err.Error() + " (" + e.Field + ")" }

// Unwrap returns the sentinel.
func (e *QueryError) Unwrap() error { return e.Err }

// Dimension is what complaints are grouped by.
type Dimension string

// The dimensions of the contract.
const (
	ByAgency   Dimension = "agency"   // the agency handling it now; NoValue before dispatch
	ByCategory Dimension = "category" // the category chosen at submission
	ByRegion   Dimension = "region"   // the region given at submission
	ByMonth    Dimension = "month"    // month of submission in WIB, "YYYY-MM"
	ByStatus   Dimension = "status"   // current status (a shredded complaint's last one)
)

// NoValue is the key of complaints without a value for the dimension (an
// agency before dispatch). It cannot be an agency, category or region id,
// which start with a letter or digit.
const NoValue = "(none)"

// Valid reports whether d is one of the dimensions.
func (d Dimension) Valid() bool {
	switch d {
	case ByAgency, ByCategory, ByRegion, ByMonth, ByStatus:
		return true
	}
	return false
}

// Query selects a report: the dimension and an inclusive range of
// submission dates in WIB. A zero From or To leaves that end open.
type Query struct {
	By       Dimension
	From, To workdays.Date
}

// ParseQuery checks the raw parameters of a request. by is required; from
// and to are optional dates YYYY-MM-DD (WIB), and from must not be after
// to. Errors are *QueryError wrapping ErrDimension, ErrDate or ErrRange; they
// never echo the input. It never panics.
func ParseQuery(by, from, to string) (Query, error) {
	q := Query{By: Dimension(by)}
	if !q.By.Valid() {
		return Query{}, &QueryError{Field: "by", Err: ErrDimension}
	}
	var err error
	if q.From, err = parseDate(from); err != nil {
		return Query{}, &QueryError{Field: "from", Err: err}
	}
	if q.To, err = parseDate(to); err != nil {
		return Query{}, &QueryError{Field: "to", Err: err}
	}
	if from != "" && to != "" && dayNumber(q.From) > dayNumber(q.To) {
		return Query{}, &QueryError{Field: "from", Err: ErrRange}
	}
	return q, nil
}

// parseDate reads YYYY-MM-DD; "" is the zero Date.
func parseDate(s string) (workdays.Date, error) {
	if s == "" {
		return workdays.Date{}, nil
	}
	if len(s) != len("2006-01-02") {
		return workdays.Date{}, ErrDate
	}
	t, err := time.ParseInLocation(time.DateOnly, s, workdays.WIB)
	if err != nil || t.Year() < 1 {
		return workdays.Date{}, ErrDate
	}
	return workdays.DateOf(t), nil
}

// Source is what Collect reads: *vault.Vault implements it.
type Source interface {
	Facts(fn func(vault.Fact) error) error
}

// row is one complaint, as much as statistics need.
type row struct {
	day      int32     // submission day number (WIB)
	keys     [5]uint32 // interned values, by dimIndex
	respMin  int32     // minutes from dispatch to first response; -1 if none
	followed bool
	overdue  bool
}

var dims = [...]Dimension{ByAgency, ByCategory, ByRegion, ByMonth, ByStatus}

func dimIndex(d Dimension) int {
	return slices.Index(dims[:], d)
}

// Snapshot is the facts of every complaint at one moment, reduced to what
// statistics need. It is immutable and safe for concurrent use.
type Snapshot struct {
	asOf time.Time
	rows []row
	strs []string // interned key values
}

// Collect scans src once and returns the snapshot of its facts as of asOf
// (the time reports say they describe). An error of src is returned as is.
func Collect(src Source, asOf time.Time) (*Snapshot, error) {
	s := &Snapshot{asOf: asOf}
	ids := map[string]uint32{}
	intern := func(v string) uint32 {
		if v == "" {
			v = NoValue
		}
		if i, ok := ids[v]; ok {
			return i
		}
		i := uint32(len(s.strs))
		s.strs = append(s.strs, strings.Clone(v))
		ids[s.strs[i]] = i
		return i
	}
	// Month keys repeat for every complaint of a day: memoize by day.
	months := map[int32]uint32{}
	err := src.Facts(func(f vault.Fact) error {
		day := wibDay(f.SubmittedAt)
		mi, ok := months[day]
		if !ok {
			mi = intern(f.SubmittedAt.In(workdays.WIB).Format("2006-01"))
			months[day] = mi
		}
		r := row{
			day:      day,
			respMin:  -1,
			followed: followedUp(f),
			overdue:  f.Overdue.Any(),
		}
		r.keys[0] = intern(f.Agency)
		r.keys[1] = intern(f.Category)
		r.keys[2] = intern(f.Region)
		r.keys[3] = mi
		r.keys[4] = intern(string(f.Status))
		if !f.DispatchedAt.IsZero() && !f.FirstResponseAt.IsZero() && !f.FirstResponseAt.Before(f.DispatchedAt) {
			r.respMin = int32(min(f.FirstResponseAt.Sub(f.DispatchedAt)/time.Minute, math.MaxInt32))
		}
		s.rows = append(s.rows, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// followedUp: the complaint got a first response from its current agency,
// or was resolved or closed (not archived).
func followedUp(f vault.Fact) bool {
	return !f.FirstResponseAt.IsZero() || !f.ResolvedAt.IsZero() ||
		f.Status == vault.StatusResolved || f.Status == vault.StatusClosed
}

// AsOf is the moment the snapshot describes.
func (s *Snapshot) AsOf() time.Time { return s.asOf }

// Len is the number of complaints in the snapshot.
func (s *Snapshot) Len() int { return len(s.rows) }

// Report is one statistics answer.
type Report struct {
	By    Dimension `json:"by"`
	From  *string   `json:"from"` // YYYY-MM-DD, or null when open
	To    *string   `json:"to"`
	AsOf  time.Time `json:"as_of"`
	Items []Item    `json:"items"` // sorted by key
}

// Item is one group. A suppressed item carries only its key: Count and the
// figures are zero and nil and are not published.
type Item struct {
	Key        string
	Suppressed bool
	Count      int
	// FollowedUpRate is the share of the group's complaints that got a
	// first response or were resolved or closed (archived ones count as
	// not followed up), rounded to 3 decimals.
	FollowedUpRate float64
	// MedianFirstResponseHours is the median of the clock hours (not
	// working hours) from first dispatch to the current agency's first
	// response, over the complaints that have one, rounded to 0.1; nil when
	// none has.
	MedianFirstResponseHours *float64
	// OverdueShare is the share of the group's complaints with any missed
	// deadline (verification, first response, completion), rounded to 3
	// decimals.
	OverdueShare float64
}

// group accumulates one key's figures.
type group struct {
	key      string
	count    int
	followed int
	overdue  int
	resp     []int32
}

// Report aggregates the complaints submitted within q's dates, grouped by
// q.By, sorted by key.
//
// Suppression: a group of fewer than MinCell complaints is suppressed.
// Because the same complaints are counted under every dimension, totals
// are public in effect (another dimension may publish them all), so a lone
// suppressed group could be recovered by subtraction. Report therefore
// also suppresses the smallest published groups until at least two are
// suppressed and the suppressed groups together hold at least MinCell
// complaints (or every group is suppressed). No total is published. Date
// ranges are still open to differencing (two queries a day apart); the
// public figures of a single complaint are its group keys and two flags.
func (s *Snapshot) Report(q Query) *Report {
	rep := &Report{By: q.By, AsOf: s.asOf, Items: []Item{}}
	if q.From != (workdays.Date{}) {
		v := q.From.String()
		rep.From = &v
	}
	if q.To != (workdays.Date{}) {
		v := q.To.String()
		rep.To = &v
	}
	di := dimIndex(q.By)
	if di < 0 {
		return rep
	}
	lo, hi := int32(math.MinInt32), int32(math.MaxInt32)
	if rep.From != nil {
		lo = int32(dayNumber(q.From))
	}
	if rep.To != nil {
		hi = int32(dayNumber(q.To))
	}
	byKey := map[uint32]*group{}
	for i := range s.rows {
		r := &s.rows[i]
		if r.day < lo || r.day > hi {
			continue
		}
		g := byKey[r.keys[di]]
		if g == nil {
			g = &group{key: s.strs[r.keys[di]]}
			byKey[r.keys[di]] = g
		}
		g.count++
		if r.followed {
			g.followed++
		}
		if r.overdue {
			g.overdue++
		}
		if r.respMin >= 0 {
			g.resp = append(g.resp, r.respMin)
		}
	}
	groups := make([]*group, 0, len(byKey))
	for _, g := range byKey {
		groups = append(groups, g)
	}
	slices.SortFunc(groups, func(a, b *group) int { return strings.Compare(a.key, b.key) })
	suppressed := suppress(groups)
	for i, g := range groups {
		if suppressed[i] {
			rep.Items = append(rep.Items, Item{Key: g.key, Suppressed: true})
			continue
		}
		it := Item{Key: g.key, Count: g.count,
			FollowedUpRate: round(float64(g.followed)/float64(g.count), 1000),
			OverdueShare:   round(float64(g.overdue)/float64(g.count), 1000)}
		if len(g.resp) > 0 {
			m := round(medianMinutes(g.resp)/60, 10)
			it.MedianFirstResponseHours = &m
		}
		rep.Items = append(rep.Items, it)
	}
	return rep
}

// suppress decides which groups (sorted by key) are suppressed: primary
// cells under MinCell, then complementary cells, smallest first (ties by
// key), until at least two are suppressed and they hold at least MinCell
// complaints together, or all are.
func suppress(groups []*group) []bool {
	out := make([]bool, len(groups))
	n, sum := 0, 0
	for i, g := range groups {
		if g.count < MinCell {
			out[i] = true
			n++
			sum += g.count
		}
	}
	if n == 0 {
		return out
	}
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	// Stable by count keeps key order among equal counts.
	slices.SortStableFunc(order, func(a, b int) int { return groups[a].count - groups[b].count })
	for _, i := range order {
		if n >= 2 && sum >= MinCell {
			break
		}
		if !out[i] {
			out[i] = true
			n++
			sum += groups[i].count
		}
	}
	return out
}

func medianMinutes(v []int32) float64 {
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return float64(v[n/2])
	}
	return (float64(v[n/2-1]) + float64(v[n/2])) / 2
}

func round(x, unit float64) float64 { return math.Round(x*unit) / unit }

// wibDay is the day number of t's date in WIB.
func wibDay(t time.Time) int32 {
	const wib = 7 * 3600
	secs := t.Unix() + wib
	d := secs / 86400
	if secs%86400 < 0 {
		d--
	}
	return int32(d)
}

// dayNumber counts days from 1970-01-01 to d.
func dayNumber(d workdays.Date) int64 {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / 86400
}
