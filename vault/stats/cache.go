package stats

import (
	"sync"
	"time"
)

// maxCachedReports bounds the reports a Cache keeps per snapshot; beyond
// it reports are computed from the snapshot without being kept.
const maxCachedReports = 256

// Cache answers reports from a snapshot at most ttl old. It scans its
// source at most once per ttl however many requests arrive: concurrent
// callers that find the snapshot stale wait for one scan. Reports of the
// current snapshot are kept too (up to a bound), so a repeated query costs
// a map lookup. Figures may be up to ttl behind the database. It is safe
// for concurrent use.
type Cache struct {
	src Source
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex // held during a scan
	snap    *Snapshot
	reports map[Query]*Report
	scans   int
}

// NewCache returns a cache over src; now is the clock (nil means
// time.Now).
func NewCache(src Source, ttl time.Duration, now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	return &Cache{src: src, ttl: ttl, now: now}
}

// Report returns the report for q, from a snapshot taken at most ttl ago.
// A failed scan is returned and nothing is cached; the next call tries
// again. The returned report is shared: callers must not modify it.
func (c *Cache) Report(q Query) (*Report, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.snap == nil || !now.Before(c.snap.asOf.Add(c.ttl)) || now.Before(c.snap.asOf) {
		snap, err := Collect(c.src, now)
		if err != nil {
			return nil, err
		}
		c.snap, c.reports = snap, map[Query]*Report{}
		c.scans++
	}
	if r, ok := c.reports[q]; ok {
		return r, nil
	}
	r := c.snap.Report(q)
	if len(c.reports) < maxCachedReports {
		c.reports[q] = r
	}
	return r, nil
}

// Scans reports how many times the cache has scanned its source.
func (c *Cache) Scans() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.scans
}
