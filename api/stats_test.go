package api

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"kotak/vault"
	"kotak/vault/workdays"
)

type statsItem struct {
	Key        string   `json:"key"`
	Suppressed bool     `json:"suppressed"`
	Count      *int     `json:"count"`
	Followed   *float64 `json:"followed_up_rate"`
	Median     *float64 `json:"median_first_response_hours"`
	Overdue    *float64 `json:"overdue_share"`
}

type statsBody struct {
	By    string      `json:"by"`
	From  *string     `json:"from"`
	To    *string     `json:"to"`
	AsOf  time.Time   `json:"as_of"`
	Items []statsItem `json:"items"`
}

func (h *harness) stats(query string) statsBody {
	h.t.Helper()
	res := h.do("GET", "/api/v1/stats?"+query, "", "")
	if res.Code != http.StatusOK {
		h.t.Fatalf("stats?%s: %d %s", query, res.Code, res.Body)
	}
	var out statsBody
	h.decode(res, &out)
	return out
}

func day(offset int) string {
	return time.Now().In(workdays.WIB).AddDate(0, 0, offset).Format(time.DateOnly)
}

func TestStats(t *testing.T) {
	h := newHarness(t)
	for range 5 {
		h.complaintIn("public", vault.StatusInProgress)
	}
	got := h.stats("by=agency")
	if got.By != "agency" || got.From != nil || got.To != nil || time.Since(got.AsOf) > time.Minute {
		t.Fatalf("header %+v", got)
	}
	if len(got.Items) != 1 {
		t.Fatalf("items %+v", got.Items)
	}
	it := got.Items[0]
	// Answered within the test: the median is 0.0 hours.
	if it.Key != "dinkes" || it.Suppressed || it.Count == nil || *it.Count != 5 || *it.Followed != 1 ||
		it.Median == nil || *it.Median != 0 || *it.Overdue != 0 {
		t.Fatalf("dinkes: %+v", it)
	}

	res := h.do("GET", "/api/v1/stats.csv?by=agency", "", "")
	if res.Code != http.StatusOK || !strings.HasPrefix(res.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", res.Code, res.Header().Get("Content-Type"))
	}
	if cd := res.Header().Get("Content-Disposition"); cd != `attachment; filename="kotak-stats-agency.csv"` {
		t.Fatalf("content disposition %q", cd)
	}
	rows, err := csv.NewReader(res.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"key", "count", "followed_up_rate", "median_first_response_hours", "overdue_share", "suppressed"},
		{"dinkes", "5", "1", "0", "0", "false"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("csv %q", rows)
	}

	// Dates are submission days in WIB.
	if got := h.stats("by=category&from=" + day(-1) + "&to=" + day(1)); len(got.Items) != 1 || *got.Items[0].Count != 5 ||
		*got.From != day(-1) || *got.To != day(1) {
		t.Fatalf("around today: %+v", got)
	}
	if got := h.stats("by=category&from=" + day(2)); len(got.Items) != 0 {
		t.Fatalf("after today: %+v", got.Items)
	}

	// The snapshot is cached: a complaint submitted now is not counted
	// until the cache expires (60 s), whatever the dimension asked.
	h.submit("anonymous")
	if got := h.stats("by=region"); len(got.Items) != 1 || *got.Items[0].Count != 5 {
		t.Fatalf("cached: %+v", got.Items)
	}
}

// TestStatsSuppression: a lone small cell takes the next smallest with it,
// and suppressed items carry no figures at all.
func TestStatsSuppression(t *testing.T) {
	h := newHarness(t)
	for range 6 {
		h.complaintIn("anonymous", vault.StatusDispatched)
	}
	h.complaintIn("anonymous", vault.StatusInProgress)
	res := h.do("GET", "/api/v1/stats?by=status", "", "")
	if res.Code != http.StatusOK {
		t.Fatalf("%d %s", res.Code, res.Body)
	}
	var raw struct {
		Items []map[string]any `json:"items"`
	}
	h.decode(res, &raw)
	want := []map[string]any{{"key": "dispatched", "suppressed": true}, {"key": "in_progress", "suppressed": true}}
	if !reflect.DeepEqual(raw.Items, want) {
		t.Fatalf("items %v", raw.Items)
	}
	// By category all seven are one group: published.
	if got := h.stats("by=category"); len(got.Items) != 1 || *got.Items[0].Count != 7 || *got.Items[0].Followed != 0.143 {
		t.Fatalf("by category: %+v", got.Items)
	}
	csvRes := h.do("GET", "/api/v1/stats.csv?by=status", "", "")
	if body := csvRes.Body.String(); !strings.Contains(body, "dispatched,,,,,true\n") || !strings.Contains(body, "in_progress,,,,,true\n") {
		t.Fatalf("csv %q", body)
	}
}

func TestStatsBadParameters(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		query, code, field string
	}{
		{"", "invalid_field", "by"},
		{"by=", "invalid_field", "by"},
		{"by=privacy", "invalid_field", "by"},
		{"by=AGENCY", "invalid_field", "by"},
		{"by=agency&from=2026-02-30", "invalid_field", "from"},
		{"by=agency&from=2026-2-3", "invalid_field", "from"},
		{"by=agency&to=tomorrow", "invalid_field", "to"},
		{"by=agency&from=2026-03-02&to=2026-03-01", "invalid_field", "from"},
		{"by=agency&by=region", "duplicate_field", "by"},
		{"by=agency&from=2026-01-01&from=2026-01-02", "duplicate_field", "from"},
		{"by=agency&limit=5", "unknown_field", "limit"},
		{"by=agency&%3Cscript%3E=1", "unknown_field", ""},
	}
	for _, tt := range tests {
		for _, path := range []string{"/api/v1/stats", "/api/v1/stats.csv"} {
			t.Run(path+"?"+tt.query, func(t *testing.T) {
				h.t = t
				res := h.do("GET", path+"?"+tt.query, "", "")
				if res.Code != http.StatusBadRequest {
					t.Fatalf("got %d %s", res.Code, res.Body)
				}
				var e struct{ Error Error }
				if err := json.Unmarshal(res.Body.Bytes(), &e); err != nil {
					t.Fatal(err)
				}
				if e.Error.Code != tt.code || e.Error.Field != tt.field {
					t.Fatalf("got %+v", e.Error)
				}
				for _, echoed := range []string{"2026-02-30", "tomorrow", "privacy", "script"} {
					if strings.Contains(res.Body.String(), echoed) {
						t.Fatalf("error echoes input: %s", res.Body)
					}
				}
			})
		}
	}
}
