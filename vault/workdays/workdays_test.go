package workdays

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// wib returns h:m on the given date in WIB.
func wib(date string, h, m int) time.Time {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		panic(err)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, WIB)
}

// endOf is the last instant of the date in WIB.
func endOf(date string) time.Time {
	return wib(date, 23, 59).Add(59*time.Second + 999999999)
}

func TestIsWorkingDay(t *testing.T) {
	c := Default()
	tests := []struct {
		date string
		want bool
		why  string
	}{
		{"2026-01-01", false, "Tahun Baru (Thursday)"},
		{"2026-01-02", true, "Friday"},
		{"2026-01-03", false, "Saturday"},
		{"2026-01-04", false, "Sunday"},
		{"2026-01-05", true, "Monday"},
		{"2026-02-16", false, "cuti bersama Imlek"},
		{"2026-02-17", false, "Imlek"},
		{"2026-02-18", true, "Wednesday after Imlek"},
		{"2026-03-17", true, "Tuesday before Nyepi"},
		{"2026-03-18", false, "cuti bersama Nyepi"},
		{"2026-03-19", false, "Nyepi"},
		{"2026-03-20", false, "cuti bersama Idul Fitri"},
		{"2026-03-21", false, "Idul Fitri (Saturday)"},
		{"2026-03-22", false, "Idul Fitri (Sunday)"},
		{"2026-03-23", false, "cuti bersama Idul Fitri"},
		{"2026-03-24", false, "cuti bersama Idul Fitri"},
		{"2026-03-25", true, "first working day after Lebaran"},
		{"2026-04-03", false, "Wafat Yesus Kristus"},
		{"2026-06-01", false, "Hari Lahir Pancasila (Monday)"},
		{"2026-08-17", false, "Proklamasi"},
		{"2026-12-24", false, "cuti bersama Natal"},
		{"2026-12-25", false, "Natal"},
		{"2026-12-31", true, "Thursday"},
		{"2027-01-01", true, "no 2027 list: weekends only"},
		{"2027-01-02", false, "Saturday (2027, unlisted)"},
	}
	for _, tc := range tests {
		t.Run(tc.date+" "+tc.why, func(t *testing.T) {
			if got := c.IsWorkingDay(wib(tc.date, 10, 0)); got != tc.want {
				t.Fatalf("IsWorkingDay = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := Default()
	tests := []struct {
		name string
		from time.Time
		n    int
		want string
	}{
		{"ordinary week", wib("2026-01-06", 9, 0), 3, "2026-01-09"},
		{"over a weekend", wib("2026-01-08", 9, 0), 3, "2026-01-13"},
		{"submitted on Saturday", wib("2026-01-10", 9, 0), 1, "2026-01-12"},
		{"own day never counts, even at midnight", wib("2026-01-06", 0, 0), 1, "2026-01-07"},
		{"Friday before holiday Monday", wib("2026-05-29", 16, 0), 1, "2026-06-02"},
		{"Friday before Imlek block", wib("2026-02-13", 16, 0), 1, "2026-02-18"},
		{"Idul Fitri block", wib("2026-03-17", 8, 0), 1, "2026-03-25"},
		{"verify deadline over Lebaran", wib("2026-03-16", 8, 0), 3, "2026-03-26"},
		{"first response over Lebaran", wib("2026-03-17", 23, 0), 5, "2026-03-31"},
		{"inside the block", wib("2026-03-21", 12, 0), 1, "2026-03-25"},
		{"Christmas", wib("2026-12-23", 10, 0), 3, "2026-12-30"},
		{"turn of the year into unlisted 2027", wib("2026-12-30", 10, 0), 3, "2027-01-04"},
		{"auto-close 10 working days", wib("2026-12-21", 10, 0), 10, "2027-01-06"},
		{"n = 0 is the end of the same day", wib("2026-01-06", 9, 0), 0, "2026-01-06"},
		{"negative n is the end of the same day", wib("2026-01-06", 9, 0), -4, "2026-01-06"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := c.AddWorkingDays(tc.from, tc.n)
			want := endOf(tc.want)
			if !got.Equal(want) {
				t.Fatalf("AddWorkingDays(%v, %d) = %v, want %v", tc.from, tc.n, got, want)
			}
			if got.Location() != WIB {
				t.Fatalf("location %v", got.Location())
			}
			if tc.n > 0 {
				if !c.IsWorkingDay(got) {
					t.Fatal("deadline is not a working day")
				}
				if got.Add(1).Day() == got.Day() {
					t.Fatal("deadline is not the last instant of its day")
				}
			}
		})
	}
}

// TestMidnightUTCvsWIB checks that dates are taken in WIB whatever the
// location of the time given.
func TestMidnightUTCvsWIB(t *testing.T) {
	c := Default()
	// 16:59 UTC on Thursday 28 May is 23:59 WIB, still the cuti bersama day.
	thu := time.Date(2026, 5, 28, 16, 59, 0, 0, time.UTC)
	// 17:30 UTC the same day is 00:30 WIB on Friday 29 May, a working day.
	fri := time.Date(2026, 5, 28, 17, 30, 0, 0, time.UTC)
	if c.IsWorkingDay(thu) {
		t.Error("23:59 WIB on a cuti bersama day counted as working")
	}
	if !c.IsWorkingDay(fri) {
		t.Error("00:30 WIB on Friday (still Thursday in UTC) not counted as working")
	}
	if got, want := c.AddWorkingDays(thu, 1), endOf("2026-05-29"); !got.Equal(want) {
		t.Errorf("from Thursday 23:59 WIB: %v, want %v", got, want)
	}
	if got, want := c.AddWorkingDays(fri, 1), endOf("2026-06-02"); !got.Equal(want) {
		t.Errorf("from Friday 00:30 WIB: %v, want %v", got, want)
	}
	// The end of the WIB day is 16:59:59.999999999 UTC.
	if got := c.AddWorkingDays(thu, 1).UTC(); got.Hour() != 16 || got.Minute() != 59 || got.Nanosecond() != 999999999 {
		t.Errorf("deadline in UTC %v", got)
	}
	// A calendar in UTC sees the same instant as Thursday.
	u := New(time.UTC, Embedded())
	if u.IsWorkingDay(fri) {
		t.Error("UTC calendar: 17:30 UTC Thursday 28 May is cuti bersama")
	}
	if got := c.WorkingDaysBetween(thu, fri); got != 1 {
		t.Errorf("WorkingDaysBetween across WIB midnight = %d, want 1", got)
	}
	if got := u.WorkingDaysBetween(thu, fri); got != 0 {
		t.Errorf("UTC calendar, same UTC date: %d, want 0", got)
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := Default()
	tests := []struct {
		name     string
		from, to time.Time
		want     int
	}{
		{"all of 2026", wib("2025-12-31", 12, 0), wib("2026-12-31", 12, 0), 240},
		{"same day", wib("2026-01-06", 1, 0), wib("2026-01-06", 23, 0), 0},
		{"reversed", wib("2026-01-09", 1, 0), wib("2026-01-06", 1, 0), 0},
		{"next day", wib("2026-01-06", 23, 0), wib("2026-01-07", 0, 1), 1},
		{"Lebaran week", wib("2026-03-17", 9, 0), wib("2026-03-25", 9, 0), 1},
		{"weekend only", wib("2026-01-09", 9, 0), wib("2026-01-11", 9, 0), 0},
		{"into 2027", wib("2026-12-30", 9, 0), wib("2027-01-08", 9, 0), 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.WorkingDaysBetween(tc.from, tc.to); got != tc.want {
				t.Fatalf("got %d, want %d", got, tc.want)
			}
		})
	}
}

// TestBetweenMatchesCounting compares the arithmetic of WorkingDaysBetween
// with day-by-day counting, and checks it inverts AddWorkingDays.
func TestBetweenMatchesCounting(t *testing.T) {
	c := Default()
	r := rand.New(rand.NewPCG(1, 2))
	start := wib("2025-11-01", 0, 0)
	for range 400 {
		from := start.Add(time.Duration(r.IntN(500*24)) * time.Hour)
		to := from.Add(time.Duration(r.IntN(120*24)) * time.Hour)
		want := 0
		for d := from; DateOf(d) != DateOf(to); {
			d = d.AddDate(0, 0, 1)
			if c.IsWorkingDay(d) {
				want++
			}
		}
		if got := c.WorkingDaysBetween(from, to); got != want {
			t.Fatalf("WorkingDaysBetween(%v, %v) = %d, counted %d", from, to, got, want)
		}
		n := r.IntN(70)
		if got := c.WorkingDaysBetween(from, c.AddWorkingDays(from, n)); got != n {
			t.Fatalf("WorkingDaysBetween(t, AddWorkingDays(t, %d)) = %d from %v", n, got, from)
		}
	}
}

func TestMissingYears(t *testing.T) {
	c := Default()
	tests := []struct {
		now  time.Time
		want []int
	}{
		{wib("2026-06-01", 12, 0), []int{2027}},
		{wib("2025-06-01", 12, 0), []int{2025}},
		{wib("2027-01-01", 0, 0), []int{2027, 2028}},
		// 31 Dec 2025 18:00 UTC is already 2026 in WIB.
		{time.Date(2025, 12, 31, 18, 0, 0, 0, time.UTC), []int{2027}},
	}
	for _, tc := range tests {
		if got := c.MissingYears(tc.now); !slices.Equal(got, tc.want) {
			t.Errorf("MissingYears(%v) = %v, want %v", tc.now, got, tc.want)
		}
	}
	if got := c.Years(); !slices.Equal(got, []int{2026}) {
		t.Errorf("Years = %v", got)
	}
	extra := []Holiday{{Date{2027, 1, 1}, Libur, "Tahun Baru 2027 Masehi"}}
	c2 := New(WIB, Embedded(), extra)
	if got := c2.MissingYears(wib("2026-06-01", 12, 0)); got != nil {
		t.Errorf("with a 2027 list: MissingYears = %v", got)
	}
	if c2.IsWorkingDay(wib("2027-01-01", 12, 0)) {
		t.Error("listed 2027 holiday counted as working")
	}
}

func TestLaterListReplacesYear(t *testing.T) {
	// An operator's corrected 2026 file replaces the embedded one entirely.
	corrected := []Holiday{{Date{2026, 3, 30}, Libur, "Koreksi"}}
	c := New(WIB, Embedded(), corrected)
	if c.IsWorkingDay(wib("2026-03-30", 9, 0)) {
		t.Error("corrected holiday is a working day")
	}
	if !c.IsWorkingDay(wib("2026-03-23", 9, 0)) {
		t.Error("embedded 2026 entry survived a replacing list")
	}
	h, ok := c.Holiday(wib("2026-03-30", 9, 0))
	if !ok || h.Name != "Koreksi" || h.Kind != Libur {
		t.Errorf("Holiday = %+v, %v", h, ok)
	}
	if _, ok := c.Holiday(wib("2026-03-31", 9, 0)); ok {
		t.Error("Holiday on a working day")
	}
	if New(nil).Location() != WIB {
		t.Error("nil location is not WIB")
	}
}

func TestEmbeddedMatchesShared(t *testing.T) {
	hs := Embedded()
	if len(hs) != 25 {
		t.Fatalf("%d embedded holidays, want 25", len(hs))
	}
	counts := map[Kind]int{}
	for _, h := range hs {
		counts[h.Kind]++
	}
	if counts[Libur] != 17 || counts[CutiBersama] != 8 {
		t.Fatalf("kinds %v, want 17 libur and 8 cuti_bersama", counts)
	}
	// The development copy, when present, must equal the embedded one.
	shared := filepath.Join("..", "..", "..", "shared", "holidays", "id-2026.csv")
	want, err := os.ReadFile(shared)
	if err != nil {
		t.Logf("no shared copy to compare: %v", err)
		return
	}
	got, err := embedded.ReadFile("holidays/id-2026.csv")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatal("embedded id-2026.csv differs from the shared list")
	}
}

func BenchmarkAddWorkingDays5(b *testing.B) {
	c := Default()
	t0 := wib("2026-03-16", 10, 0)
	b.Run("baseline=AddDate", func(b *testing.B) {
		for b.Loop() {
			_ = t0.AddDate(0, 0, 7)
		}
	})
	b.Run("AddWorkingDays", func(b *testing.B) {
		for b.Loop() {
			_ = c.AddWorkingDays(t0, 5)
		}
	})
}

func ExampleCalendar_AddWorkingDays() {
	c := Default()
	// Submitted on the Tuesday before the Nyepi and Idul Fitri 2026 block.
	submitted := time.Date(2026, 3, 17, 14, 30, 0, 0, WIB)
	fmt.Println(c.AddWorkingDays(submitted, 3))
	// Output: 2026-03-27 23:59:59.999999999 +0700 WIB
}

func ExampleCalendar_MissingYears() {
	c := Default()
	fmt.Println(c.MissingYears(time.Date(2026, 11, 1, 9, 0, 0, 0, WIB)))
	// Output: [2027]
}
