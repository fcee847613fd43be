package api

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	bolt "go.etcd.io/bbolt"
)

// BenchmarkHTTPSubmit measures anonymous submissions over loopback TCP at
// 1, 16 and 64 concurrent clients: the whole kotak server (strict JSON,
// redaction, sealing to a 2-of-3 keyring, encryption at rest, durable
// commit) against, in the same run, bare Echo handlers that do nothing but
// one durable bbolt put of the body — with Update (one fsync per request)
// and with Batch (grouped commits). Run with -benchtime Nx for a fixed
// request count; it reports req/s, p50 and p99 latency.
func BenchmarkHTTPSubmit(b *testing.B) {
	body := []byte(`{"title":"Jalan rusak di depan sekolah","body":"Jalan berlubang besar di depan SD Negeri 3 sejak dua bulan. Sudah ada dua pengendara jatuh. Mohon diperbaiki sebelum musim hujan.","category":"kesehatan","region":"kab-sleman","privacy":"anonymous"}`)
	targets := []struct {
		name string
		make func(b *testing.B) http.Handler
	}{
		{"kotak", func(b *testing.B) http.Handler {
			h := newHarness(b, func(c *Config) { c.SubmitRate = 0 })
			return h.srv.Handler()
		}},
		{"bare-update", func(b *testing.B) http.Handler { return bareHandler(b, false) }},
		{"bare-batch", func(b *testing.B) http.Handler { return bareHandler(b, true) }},
	}
	for _, clients := range []int{1, 16, 64} {
		for _, tg := range targets {
			b.Run(fmt.Sprintf("c=%d/%s", clients, tg.name), func(b *testing.B) {
				srv := httptest.NewServer(tg.make(b))
				defer srv.Close()
				runLoad(b, srv.URL+"/api/v1/complaints", body, clients)
			})
		}
	}
}

// bareHandler is an Echo server whose one route stores the request body
// with one durable bbolt put.
func bareHandler(b *testing.B, batch bool) http.Handler {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "bare.db"), 0o600, &bolt.Options{FreelistType: bolt.FreelistMapType})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	bucket := []byte("b")
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucketIfNotExists(bucket); return err }); err != nil {
		b.Fatal(err)
	}
	e := echo.New()
	var seq atomic.Uint64
	e.POST("/api/v1/complaints", func(c echo.Context) error {
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(c.Request().Body); err != nil {
			return err
		}
		key := fmt.Appendf(nil, "%016x", seq.Add(1))
		put := func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put(key, buf.Bytes()) }
		var err error
		if batch {
			err = db.Batch(put)
		} else {
			err = db.Update(put)
		}
		if err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, map[string]string{"status": "ok"})
	})
	return e
}

// runLoad sends b.N POSTs from clients goroutines over keep-alive
// connections and reports the rate and latency percentiles.
func runLoad(b *testing.B, url string, body []byte, clients int) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var next atomic.Int64
	lat := make([]time.Duration, b.N)
	var failed atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				res, err := client.Post(url, "application/json", bytes.NewReader(body))
				if err != nil {
					failed.Add(1)
					continue
				}
				// Drained so that the connection is reused.
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusCreated {
					failed.Add(1)
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d requests failed", n, b.N)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
}
