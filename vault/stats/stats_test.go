package stats_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"kotak/vault"
	"kotak/vault/stats"
	"kotak/vault/workdays"
)

// facts is a Source over a slice.
type facts []vault.Fact

func (fs facts) Facts(fn func(vault.Fact) error) error {
	for _, f := range fs {
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, workdays.WIB) // a Monday

// fc builds a fact: agency (may be empty), status, hours from dispatch to
// first response (<0: none), overdue.
func fc(agency string, st vault.Status, respHours float64, overdue bool) vault.Fact {
	f := vault.Fact{ID: fmt.Sprint(agency, st, respHours), Status: st, Privacy: vault.PrivacyAnonymous,
		Channel: vault.ChannelWeb, Category: "kesehatan", Region: "kab-sleman", Agency: agency,
		SubmittedAt: t0.Add(-24 * time.Hour)}
	if agency != "" {
		f.DispatchedAt = t0
	}
	if respHours >= 0 {
		f.FirstResponseAt = t0.Add(time.Duration(respHours * float64(time.Hour)))
	}
	if st == vault.StatusResolved || st == vault.StatusClosed {
		f.ResolvedAt = t0.Add(100 * time.Hour)
	}
	f.Overdue.FirstResponse = overdue
	return f
}

func report(t *testing.T, src facts, q stats.Query) *stats.Report {
	t.Helper()
	snap, err := stats.Collect(src, t0)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Len() != len(src) {
		t.Fatalf("snapshot holds %d facts, want %d", snap.Len(), len(src))
	}
	return snap.Report(q)
}

func ptr(x float64) *float64 { return &x }

func TestReportFigures(t *testing.T) {
	src := facts{
		fc("dinkes", vault.StatusInProgress, 2, false),
		fc("dinkes", vault.StatusResolved, 4, false),
		fc("dinkes", vault.StatusClosed, 10, false),
		fc("dinkes", vault.StatusInProgress, 30, true),
		fc("dinkes", vault.StatusDispatched, -1, true),
		fc("dinkes", vault.StatusDispatched, -1, false),
		// dpupr: one answered in 90 minutes, the rest waiting, one overdue.
		fc("dpupr", vault.StatusInProgress, 1.5, false),
		fc("dpupr", vault.StatusDispatched, -1, false),
		fc("dpupr", vault.StatusDispatched, -1, false),
		fc("dpupr", vault.StatusDispatched, -1, true),
		fc("dpupr", vault.StatusDispatched, -1, false),
		fc("dpupr", vault.StatusDispatched, -1, false),
		fc("dpupr", vault.StatusDispatched, -1, false),
		// Not dispatched yet: no agency.
		fc("", vault.StatusSubmitted, -1, false),
		fc("", vault.StatusSubmitted, -1, false),
		fc("", vault.StatusSubmitted, -1, false),
		fc("", vault.StatusArchived, -1, false),
		fc("", vault.StatusArchived, -1, false),
	}
	got := report(t, src, stats.Query{By: stats.ByAgency})
	want := []stats.Item{
		{Key: stats.NoValue, Count: 5, FollowedUpRate: 0, OverdueShare: 0},
		{Key: "dinkes", Count: 6, FollowedUpRate: 0.667, MedianFirstResponseHours: ptr(7), OverdueShare: 0.333},
		{Key: "dpupr", Count: 7, FollowedUpRate: 0.143, MedianFirstResponseHours: ptr(1.5), OverdueShare: 0.143},
	}
	if !reflect.DeepEqual(got.Items, want) {
		t.Fatalf("items:\n got %+v\nwant %+v", dump(got.Items), dump(want))
	}
	if got.By != stats.ByAgency || got.From != nil || got.To != nil || !got.AsOf.Equal(t0) {
		t.Fatalf("header: %+v", got)
	}

	byStatus := report(t, src, stats.Query{By: stats.ByStatus})
	keys := map[string]int{}
	for _, it := range byStatus.Items {
		keys[it.Key] = it.Count
	}
	// Only dispatched (8) is large enough; in_progress 3, submitted 3,
	// archived 2, resolved 1 and closed 1 must all be suppressed.
	for _, it := range byStatus.Items {
		if small := map[string]bool{"closed": true, "resolved": true, "in_progress": true, "submitted": true, "archived": true}[it.Key]; small != it.Suppressed {
			t.Errorf("status %s: suppressed=%v", it.Key, it.Suppressed)
		}
	}
	if keys["dispatched"] != 8 {
		t.Errorf("dispatched count %d, want 8", keys["dispatched"])
	}
}

func dump(items []stats.Item) string {
	b, _ := json.Marshal(items)
	return string(b)
}

// TestMedianOdd checks the odd-length median and the rounding to 0.1 h.
func TestMedianOdd(t *testing.T) {
	src := facts{
		fc("dinkes", vault.StatusInProgress, 1.0/60, false),
		fc("dinkes", vault.StatusInProgress, 100.0/60, false), // 1h40m → 1.7
		fc("dinkes", vault.StatusInProgress, 50, false),
		fc("dinkes", vault.StatusDispatched, -1, false),
		fc("dinkes", vault.StatusDispatched, -1, false),
	}
	it := report(t, src, stats.Query{By: stats.ByAgency}).Items[0]
	if it.MedianFirstResponseHours == nil || *it.MedianFirstResponseHours != 1.7 {
		t.Fatalf("median %v, want 1.7", it.MedianFirstResponseHours)
	}
	if it.FollowedUpRate != 0.6 {
		t.Fatalf("followed-up rate %v, want 0.6", it.FollowedUpRate)
	}
}

// TestFollowedUpAfterForward: a forwarded case whose new agency has not
// answered yet is not followed up, unless it was resolved.
func TestFollowedUpAfterForward(t *testing.T) {
	var src facts
	for range 5 {
		f := fc("dpupr", vault.StatusDispatched, -1, false)
		f.Forwards = 1
		src = append(src, f)
	}
	it := report(t, src, stats.Query{By: stats.ByAgency}).Items[0]
	if it.FollowedUpRate != 0 || it.MedianFirstResponseHours != nil {
		t.Fatalf("forwarded, unanswered: %+v", it)
	}
}

func group(key string, n int) facts {
	out := make(facts, n)
	for i := range out {
		out[i] = vault.Fact{Category: key, Status: vault.StatusSubmitted, SubmittedAt: t0}
	}
	return out
}

func TestSuppression(t *testing.T) {
	tests := []struct {
		name       string
		counts     map[string]int
		suppressed []string
	}{
		{"none small", map[string]int{"a": 5, "b": 7}, nil},
		{"one small takes the smallest other", map[string]int{"a": 2, "b": 6, "c": 7}, []string{"a", "b"}},
		{"two small that hold five", map[string]int{"a": 2, "b": 3, "c": 9}, []string{"a", "b"}},
		{"two small under five take one more", map[string]int{"a": 1, "b": 2, "c": 9, "d": 10}, []string{"a", "b", "c"}},
		{"ties broken by key", map[string]int{"a": 1, "b": 1, "c": 6, "d": 6}, []string{"a", "b", "c"}},
		{"lone group", map[string]int{"a": 3}, []string{"a"}},
		{"lone big group", map[string]int{"a": 30}, nil},
		{"everything", map[string]int{"a": 4, "b": 5}, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var src facts
			for k, n := range tt.counts {
				src = append(src, group(k, n)...)
			}
			rep := report(t, src, stats.Query{By: stats.ByCategory})
			var got []string
			for _, it := range rep.Items {
				if it.Suppressed {
					got = append(got, it.Key)
					if it.Count != 0 || it.FollowedUpRate != 0 || it.OverdueShare != 0 || it.MedianFirstResponseHours != nil {
						t.Errorf("suppressed %s carries figures: %+v", it.Key, it)
					}
				} else if it.Count != tt.counts[it.Key] {
					t.Errorf("%s: count %d, want %d", it.Key, it.Count, tt.counts[it.Key])
				}
			}
			if !slices.Equal(got, tt.suppressed) {
				t.Fatalf("suppressed %v, want %v", got, tt.suppressed)
			}
			if len(rep.Items) != len(tt.counts) {
				t.Fatalf("%d items, want %d", len(rep.Items), len(tt.counts))
			}
		})
	}
}

// TestSuppressionInvariants: for random group sizes, every small group is
// suppressed, and the suppressed groups are never one alone nor together
// under MinCell unless every group is suppressed.
func TestSuppressionInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		counts := map[string]int{}
		var src facts
		for g := range 1 + rng.IntN(8) {
			k := fmt.Sprintf("c%d", g)
			counts[k] = 1 + rng.IntN(12)
			src = append(src, group(k, counts[k])...)
		}
		rep := report(t, src, stats.Query{By: stats.ByCategory})
		n, sum := 0, 0
		for _, it := range rep.Items {
			if counts[it.Key] < stats.MinCell && !it.Suppressed {
				t.Fatalf("round %d: small group %s published", round, it.Key)
			}
			if it.Suppressed {
				n++
				sum += counts[it.Key]
			}
		}
		if n > 0 && n < len(rep.Items) && (n < 2 || sum < stats.MinCell) {
			t.Fatalf("round %d: %v: %d suppressed holding %d", round, counts, n, sum)
		}
	}
}

func TestDatesAndMonths(t *testing.T) {
	at := func(s string) vault.Fact {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return vault.Fact{Category: "x", Status: vault.StatusSubmitted, SubmittedAt: tm}
	}
	var src facts
	for range 5 {
		src = append(src,
			at("2026-03-31T16:59:59Z"), // 23:59:59 WIB, 31 March
			at("2026-03-31T17:00:00Z"), // 00:00 WIB, 1 April
			at("2026-04-30T16:00:00Z"), // 23:00 WIB, 30 April
			at("2026-05-01T01:00:00Z"), // 08:00 WIB, 1 May
		)
	}
	count := func(rep *stats.Report) map[string]int {
		out := map[string]int{}
		for _, it := range rep.Items {
			out[it.Key] = it.Count
		}
		return out
	}
	tests := []struct {
		from, to string
		want     map[string]int
	}{
		{"", "", map[string]int{"2026-03": 5, "2026-04": 10, "2026-05": 5}},
		{"2026-04-01", "", map[string]int{"2026-04": 10, "2026-05": 5}},
		{"", "2026-04-30", map[string]int{"2026-03": 5, "2026-04": 10}},
		{"2026-04-01", "2026-04-01", map[string]int{"2026-04": 5}},
		{"2026-03-31", "2026-03-31", map[string]int{"2026-03": 5}},
		{"2026-06-01", "2026-06-30", map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.from+".."+tt.to, func(t *testing.T) {
			q, err := stats.ParseQuery("month", tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			rep := report(t, src, q)
			if got := count(rep); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			if (rep.From == nil) != (tt.from == "") || (rep.From != nil && *rep.From != tt.from) {
				t.Fatalf("from echoed as %v", rep.From)
			}
			if (rep.To == nil) != (tt.to == "") || (rep.To != nil && *rep.To != tt.to) {
				t.Fatalf("to echoed as %v", rep.To)
			}
		})
	}
}

func TestParseQuery(t *testing.T) {
	tests := []struct {
		by, from, to string
		field        string
		err          error
	}{
		{"agency", "", "", "", nil},
		{"category", "2026-01-01", "2026-12-31", "", nil},
		{"region", "2026-02-28", "2026-02-28", "", nil},
		{"month", "2024-02-29", "", "", nil},
		{"status", "", "2026-01-01", "", nil},
		{"", "", "", "by", stats.ErrDimension},
		{"Agency", "", "", "by", stats.ErrDimension},
		{"agency ", "", "", "by", stats.ErrDimension},
		{"privacy", "", "", "by", stats.ErrDimension},
		{"agency", "2026-02-30", "", "from", stats.ErrDate},
		{"agency", "2025-02-29", "", "from", stats.ErrDate},
		{"agency", "2026-13-01", "", "from", stats.ErrDate},
		{"agency", "2026-1-01", "", "from", stats.ErrDate},
		{"agency", "2026-01-01T00:00:00Z", "", "from", stats.ErrDate},
		{"agency", " 2026-01-01", "", "from", stats.ErrDate},
		{"agency", "0000-01-01", "", "from", stats.ErrDate},
		{"agency", "", "31-12-2026", "to", stats.ErrDate},
		{"agency", "", "2026/12/31", "to", stats.ErrDate},
		{"agency", "2026-03-02", "2026-03-01", "from", stats.ErrRange},
		{"nope", "bad", "bad", "by", stats.ErrDimension},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q/%q/%q", tt.by, tt.from, tt.to), func(t *testing.T) {
			q, err := stats.ParseQuery(tt.by, tt.from, tt.to)
			if tt.err == nil {
				if err != nil {
					t.Fatal(err)
				}
				if string(q.By) != tt.by || (tt.from != "" && q.From.String() != tt.from) || (tt.to != "" && q.To.String() != tt.to) {
					t.Fatalf("parsed %+v", q)
				}
				return
			}
			var qe *stats.QueryError
			if !errors.As(err, &qe) || qe.Field != tt.field || !errors.Is(err, tt.err) {
				t.Fatalf("got %v, want %v on %s", err, tt.err, tt.field)
			}
		})
	}
}

func FuzzParseQuery(f *testing.F) {
	f.Add("agency", "2026-01-01", "2026-12-31")
	f.Add("month", "", "")
	f.Add("status", "2026-02-30", "")
	f.Add("region", "2026-03-02", "2026-03-01")
	f.Add("x", "9999-12-31", "0001-01-01")
	f.Fuzz(func(t *testing.T, by, from, to string) {
		q, err := stats.ParseQuery(by, from, to)
		if err != nil {
			var qe *stats.QueryError
			if !errors.As(err, &qe) || (qe.Field != "by" && qe.Field != "from" && qe.Field != "to") {
				t.Fatalf("untyped error %v", err)
			}
			if !errors.Is(err, stats.ErrDimension) && !errors.Is(err, stats.ErrDate) && !errors.Is(err, stats.ErrRange) {
				t.Fatalf("unknown sentinel %v", err)
			}
			return
		}
		if !q.By.Valid() || string(q.By) != by {
			t.Fatalf("accepted by %q", by)
		}
		if from != "" && q.From.String() != from {
			t.Fatalf("from %q read as %s", from, q.From)
		}
		if to != "" && q.To.String() != to {
			t.Fatalf("to %q read as %s", to, q.To)
		}
		// Any accepted query aggregates without trouble.
		snap, err := stats.Collect(facts{fc("dinkes", vault.StatusInProgress, 1, false)}, t0)
		if err != nil {
			t.Fatal(err)
		}
		_ = snap.Report(q)
	})
}

func TestJSON(t *testing.T) {
	var src facts
	src = append(src, group("a", 2)...)
	src = append(src, group("b", 6)...)
	src = append(src, group("c", 9)...)
	q, _ := stats.ParseQuery("category", "2026-03-01", "")
	raw, err := json.Marshal(report(t, src, q))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"by":"category","from":"2026-03-01","to":null,"as_of":"2026-03-02T09:00:00+07:00","items":[` +
		`{"key":"a","suppressed":true},{"key":"b","suppressed":true},` +
		`{"key":"c","count":9,"followed_up_rate":0,"median_first_response_hours":null,"overdue_share":0}]}`
	if string(raw) != want {
		t.Fatalf("got  %s\nwant %s", raw, want)
	}
}

func TestCSV(t *testing.T) {
	rep := &stats.Report{By: stats.ByAgency, Items: []stats.Item{
		{Key: "a", Suppressed: true},
		{Key: "dinkes", Count: 6, FollowedUpRate: 0.667, MedianFirstResponseHours: ptr(7.5), OverdueShare: 0.333},
		{Key: "dpupr", Count: 5, FollowedUpRate: 0, OverdueShare: 1},
		{Key: "=cmd()", Count: 5},
	}}
	var b bytes.Buffer
	if err := stats.WriteCSV(&b, rep); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		stats.CSVHeader,
		{"a", "", "", "", "", "true"},
		{"dinkes", "6", "0.667", "7.5", "0.333", "false"},
		{"dpupr", "5", "0", "", "1", "false"},
		{"'=cmd()", "5", "0", "", "0", "false"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("got %q\nwant %q", rows, want)
	}
}

type failing struct{ after int }

var errScan = errors.New("scan failed")

func (f failing) Facts(fn func(vault.Fact) error) error {
	for i := 0; i < f.after; i++ {
		if err := fn(vault.Fact{Category: "x", SubmittedAt: t0}); err != nil {
			return err
		}
	}
	return errScan
}

func TestCollectError(t *testing.T) {
	snap, err := stats.Collect(failing{after: 3}, t0)
	if !errors.Is(err, errScan) || snap != nil {
		t.Fatalf("got %v, %v", snap, err)
	}
}

func TestNoValueIsNoSlug(t *testing.T) {
	// Slugs start with a letter or digit; NoValue must not be one.
	c := stats.NoValue[0]
	if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.ContainsAny(stats.NoValue[:1], "=+-@") {
		t.Fatalf("NoValue %q could collide with an id or read as a formula", stats.NoValue)
	}
}
