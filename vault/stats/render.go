package stats

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
)

// MarshalJSON writes a suppressed item as {"key","suppressed":true} and no
// figures; any other item with every figure, the median as null when no
// complaint of the group has a first response.
func (it Item) MarshalJSON() ([]byte, error) {
	if it.Suppressed {
		return json.Marshal(struct {
			Key        string `json:"key"`
			Suppressed bool   `json:"suppressed"`
		}{it.Key, true})
	}
	return json.Marshal(struct {
		Key            string   `json:"key"`
		Count          int      `json:"count"`
		FollowedUpRate float64  `json:"followed_up_rate"`
		Median         *float64 `json:"median_first_response_hours"`
		OverdueShare   float64  `json:"overdue_share"`
	}{it.Key, it.Count, it.FollowedUpRate, it.MedianFirstResponseHours, it.OverdueShare})
}

// CSVHeader is the first row WriteCSV writes.
var CSVHeader = []string{"key", "count", "followed_up_rate", "median_first_response_hours", "overdue_share", "suppressed"}

// WriteCSV writes r's items as CSV (RFC 4180 quoting, rows ending in "\n") with
// CSVHeader first. A suppressed row has empty figures and "true"; an
// absent median is empty. A key that a spreadsheet would read as a formula
// is prefixed with "'". Errors are w's.
func WriteCSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, it := range r.Items {
		key := it.Key
		if key != "" && (key[0] == '=' || key[0] == '+' || key[0] == '-' || key[0] == '@' || key[0] == '\t' || key[0] == '\r') {
			key = "'" + key
		}
		rec := []string{key, "", "", "", "", "true"}
		if !it.Suppressed {
			rec[1] = strconv.Itoa(it.Count)
			rec[2] = formatFloat(it.FollowedUpRate)
			if it.MedianFirstResponseHours != nil {
				rec[3] = formatFloat(*it.MedianFirstResponseHours)
			}
			rec[4] = formatFloat(it.OverdueShare)
			rec[5] = "false"
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
