package stats_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kotak/internal/testkit"
	"kotak/vault"
	"kotak/vault/stats"
)

// counting is a Source that counts its scans and can be made to fail.
type counting struct {
	mu    sync.Mutex
	facts facts
	scans atomic.Int64
	fail  error
}

func (c *counting) Facts(fn func(vault.Fact) error) error {
	c.scans.Add(1)
	c.mu.Lock()
	fs, fail := c.facts, c.fail
	c.mu.Unlock()
	if fail != nil {
		return fail
	}
	return fs.Facts(fn)
}

func (c *counting) set(fs facts, fail error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.facts, c.fail = fs, fail
}

func TestCache(t *testing.T) {
	clock := testkit.NewClock(t0)
	src := &counting{facts: group("a", 5)}
	c := stats.NewCache(src, time.Minute, clock.Now)
	q := stats.Query{By: stats.ByCategory}
	count := func() int {
		t.Helper()
		r, err := c.Report(q)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Items) != 1 || r.Items[0].Suppressed {
			t.Fatalf("items %+v", r.Items)
		}
		return r.Items[0].Count
	}
	if n := count(); n != 5 {
		t.Fatalf("count %d", n)
	}
	src.set(group("a", 7), nil)
	clock.Add(time.Minute - time.Nanosecond)
	if n := count(); n != 5 || src.scans.Load() != 1 {
		t.Fatalf("within the ttl: count %d after %d scans", n, src.scans.Load())
	}
	// Another query on the same snapshot does not scan either.
	if _, err := c.Report(stats.Query{By: stats.ByStatus}); err != nil || src.scans.Load() != 1 {
		t.Fatalf("second query: %v, %d scans", err, src.scans.Load())
	}
	clock.Add(time.Nanosecond)
	if n := count(); n != 7 || src.scans.Load() != 2 || c.Scans() != 2 {
		t.Fatalf("after the ttl: count %d after %d scans", n, src.scans.Load())
	}
	r, _ := c.Report(q)
	if !r.AsOf.Equal(t0.Add(time.Minute)) {
		t.Fatalf("as_of %v", r.AsOf)
	}
	// A clock set back also rescans.
	clock.Add(-time.Hour)
	count()
	if src.scans.Load() != 3 {
		t.Fatalf("clock moved back: %d scans", src.scans.Load())
	}
}

func TestCacheError(t *testing.T) {
	clock := testkit.NewClock(t0)
	boom := errors.New("database gone")
	src := &counting{fail: boom}
	c := stats.NewCache(src, time.Minute, clock.Now)
	q := stats.Query{By: stats.ByCategory}
	if _, err := c.Report(q); !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	// The failure is not cached: the next call scans again and succeeds.
	src.set(group("a", 6), nil)
	r, err := c.Report(q)
	if err != nil || src.scans.Load() != 2 || r.Items[0].Count != 6 {
		t.Fatalf("retry: %v after %d scans", err, src.scans.Load())
	}
}

// TestCacheConcurrent: a burst of requests scans once.
func TestCacheConcurrent(t *testing.T) {
	src := &counting{facts: group("a", 9)}
	c := stats.NewCache(src, time.Minute, testkit.NewClock(t0).Now)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			by := []stats.Dimension{stats.ByAgency, stats.ByCategory, stats.ByStatus}[i%3]
			if _, err := c.Report(stats.Query{By: by}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := src.scans.Load(); n != 1 {
		t.Fatalf("%d scans for one burst", n)
	}
}
