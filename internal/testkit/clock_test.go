package testkit

import (
	"sync"
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	t0 := time.Date(2026, 3, 17, 10, 0, 0, 0, time.FixedZone("WIB", 7*3600))
	tests := []struct {
		name string
		move func(*Clock)
		want time.Time
	}{
		{"unmoved", func(*Clock) {}, t0},
		{"add", func(c *Clock) { c.Add(90 * time.Minute) }, t0.Add(90 * time.Minute)},
		{"add back", func(c *Clock) { c.Add(-time.Hour) }, t0.Add(-time.Hour)},
		{"set", func(c *Clock) { c.Set(t0.AddDate(0, 1, 0)) }, t0.AddDate(0, 1, 0)},
		{"set then add", func(c *Clock) { c.Set(t0.AddDate(1, 0, 0)); c.Add(time.Second) }, t0.AddDate(1, 0, 0).Add(time.Second)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewClock(t0)
			tc.move(c)
			if got := c.Now(); !got.Equal(tc.want) || got.Location() != tc.want.Location() {
				t.Fatalf("Now() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestClockConcurrent(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewClock(t0)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				c.Add(time.Second)
				_ = c.Now()
			}
		})
	}
	wg.Wait()
	if got, want := c.Now(), t0.Add(800*time.Second); !got.Equal(want) {
		t.Fatalf("Now() = %v after 800 one-second moves, want %v", got, want)
	}
}
