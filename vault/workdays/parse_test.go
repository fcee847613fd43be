package workdays

import (
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseCSV(t *testing.T) {
	const head = "date,kind,name\n"
	tests := []struct {
		name string
		in   string
		want error
		n    int
	}{
		{"good", head + "2027-01-01,libur,Tahun Baru\n2027-08-17,libur,Proklamasi\n", nil, 2},
		{"unsorted rows are sorted", head + "2027-08-17,libur,Proklamasi\n2027-01-01,libur,Tahun Baru\n", nil, 2},
		{"crlf", "date,kind,name\r\n2027-01-01,libur,Tahun Baru\r\n", nil, 1},
		{"bom", "\ufeff" + head + "2027-01-01,libur,Tahun Baru\n", nil, 1},
		{"quoted name with comma", head + "2027-01-01,libur,\"Tahun Baru, Masehi\"\n", nil, 1},
		{"no final newline", head + "2027-01-01,cuti_bersama,Cuti", nil, 1},
		{"empty input", "", ErrEmpty, 0},
		{"header only", head, ErrEmpty, 0},
		{"wrong header", "tanggal,jenis,nama\n2027-01-01,libur,X\n", ErrHeader, 0},
		{"header order", "kind,date,name\n", ErrHeader, 0},
		{"header short", "date,kind\n", ErrHeader, 0},
		{"missing field", head + "2027-01-01,libur\n", ErrFormat, 0},
		{"extra field", head + "2027-01-01,libur,X,Y\n", ErrFormat, 0},
		{"bare quote", head + "2027-01-01,libur,Ta\"hun\n", ErrFormat, 0},
		{"date d/m/y", head + "01/01/2027,libur,X\n", ErrDate, 0},
		{"date short month", head + "2027-1-01,libur,X\n", ErrDate, 0},
		{"date 30 Feb", head + "2027-02-30,libur,X\n", ErrDate, 0},
		{"date with time", head + "2027-01-01T00:00:00,libur,X\n", ErrDate, 0},
		{"date space", head + " 2027-01-01,libur,X\n", ErrDate, 0},
		{"year out of range", head + "1900-01-01,libur,X\n", ErrDate, 0},
		{"kind unknown", head + "2027-01-01,cuti,X\n", ErrKind, 0},
		{"kind case", head + "2027-01-01,Libur,X\n", ErrKind, 0},
		{"name empty", head + "2027-01-01,libur,\n", ErrName, 0},
		{"name padded", head + "2027-01-01,libur, X\n", ErrName, 0},
		{"name control", head + "2027-01-01,libur,\"X\x01\"\n", ErrName, 0},
		{"name newline", head + "2027-01-01,libur,\"X\nY\"\n", ErrName, 0},
		{"name too long", head + "2027-01-01,libur," + strings.Repeat("x", 201) + "\n", ErrName, 0},
		{"duplicate", head + "2027-01-01,libur,X\n2027-01-01,cuti_bersama,Y\n", ErrDuplicate, 0},
		{"mixed years", head + "2027-01-01,libur,X\n2028-01-01,libur,Y\n", ErrMixedYears, 0},
		{"not utf-8", head + "2027-01-01,libur,\xff\n", ErrFormat, 0},
		{"too large", head + strings.Repeat("#", 70<<10), ErrFormat, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs, err := ParseCSV(strings.NewReader(tc.in))
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("err = %v, want %v", err, tc.want)
				}
				if hs != nil {
					t.Fatal("holidays returned with an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(hs) != tc.n {
				t.Fatalf("%d rows, want %d", len(hs), tc.n)
			}
			if !slices.IsSortedFunc(hs, func(a, b Holiday) int { return int(dayNumber(a.Date) - dayNumber(b.Date)) }) {
				t.Fatal("rows not sorted")
			}
		})
	}
}

func TestParseCSVFields(t *testing.T) {
	hs, err := ParseCSV(strings.NewReader("date,kind,name\n2027-03-10,cuti_bersama,\"Cuti bersama, Idul Fitri\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Holiday{Date{2027, 3, 10}, CutiBersama, "Cuti bersama, Idul Fitri"}
	if hs[0] != want {
		t.Fatalf("got %+v, want %+v", hs[0], want)
	}
	if hs[0].Date.String() != "2027-03-10" {
		t.Fatalf("Date.String = %q", hs[0].Date)
	}
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("id-2027.csv", "date,kind,name\n2027-01-01,libur,Tahun Baru 2027\n")
	write("id-2028.csv", "date,kind,name\n2028-01-01,libur,Tahun Baru 2028\n")
	write("README.md", "not a list")
	write("id-2029.csv.bak", "garbage")
	if err := os.Mkdir(filepath.Join(dir, "id-2030.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	hs, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 2 || hs[0].Date.Year != 2027 || hs[1].Date.Year != 2028 {
		t.Fatalf("got %+v", hs)
	}
	c := New(WIB, Embedded(), hs)
	if got := c.Years(); !slices.Equal(got, []int{2026, 2027, 2028}) {
		t.Fatalf("Years = %v", got)
	}
	if got := c.MissingYears(wib("2027-05-01", 9, 0)); got != nil {
		t.Fatalf("MissingYears = %v", got)
	}

	t.Run("year mismatch", func(t *testing.T) {
		write("id-2031.csv", "date,kind,name\n2032-01-01,libur,X\n")
		defer os.Remove(filepath.Join(dir, "id-2031.csv"))
		if _, err := LoadDir(dir); !errors.Is(err, ErrFileYear) {
			t.Fatalf("err = %v, want ErrFileYear", err)
		}
	})
	t.Run("bad file names the file", func(t *testing.T) {
		write("id-2033.csv", "date,kind,name\n2033-01-01,hari,X\n")
		defer os.Remove(filepath.Join(dir, "id-2033.csv"))
		_, err := LoadDir(dir)
		if !errors.Is(err, ErrKind) || !strings.Contains(err.Error(), "id-2033.csv") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("empty dir", func(t *testing.T) {
		hs, err := LoadDir(t.TempDir())
		if err != nil || len(hs) != 0 {
			t.Fatalf("%v %v", hs, err)
		}
	})
	t.Run("missing dir", func(t *testing.T) {
		if _, err := LoadDir(filepath.Join(dir, "nope")); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("err = %v", err)
		}
	})
}

func FuzzParseCSV(f *testing.F) {
	shared, err := embedded.ReadFile("holidays/id-2026.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(shared)
	f.Add([]byte("date,kind,name\n2027-01-01,libur,X\n"))
	f.Add([]byte("date,kind,name\r\n\"2027-01-01\",\"cuti_bersama\",\"a,b\"\r\n"))
	f.Add([]byte("\ufeffdate,kind,name\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		hs, err := ParseCSV(strings.NewReader(string(data)))
		if err != nil {
			if hs != nil {
				t.Fatal("holidays returned with an error")
			}
			return
		}
		if len(hs) == 0 {
			t.Fatal("empty list accepted")
		}
		seen := map[Date]bool{}
		for _, h := range hs {
			if h.Date.Year != hs[0].Date.Year || seen[h.Date] || (h.Kind != Libur && h.Kind != CutiBersama) || h.Name == "" {
				t.Fatalf("accepted an invalid row %+v", h)
			}
			seen[h.Date] = true
		}
		// Accepted lists survive a round trip through the canonical form.
		var b strings.Builder
		w := csv.NewWriter(&b)
		w.Write([]string{"date", "kind", "name"})
		for _, h := range hs {
			w.Write([]string{h.Date.String(), string(h.Kind), h.Name})
		}
		w.Flush()
		again, err := ParseCSV(strings.NewReader(b.String()))
		if err != nil || !slices.Equal(again, hs) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
