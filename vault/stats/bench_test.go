package stats_test

import (
	"fmt"
	"testing"
	"time"

	"kotak/vault"
	"kotak/vault/stats"
)

// benchFacts are n facts over 40 agencies, 12 categories, 30 regions and
// two years of submissions.
func benchFacts(n int) facts {
	statuses := []vault.Status{vault.StatusSubmitted, vault.StatusDispatched, vault.StatusInProgress,
		vault.StatusResolved, vault.StatusClosed, vault.StatusArchived}
	out := make(facts, n)
	for i := range out {
		sub := t0.Add(-time.Duration(i%730) * 24 * time.Hour)
		f := vault.Fact{ID: fmt.Sprintf("KTK-%013d", i), Status: statuses[i%len(statuses)],
			Privacy: vault.PrivacyPublic, Channel: vault.ChannelWeb,
			Agency: fmt.Sprintf("agency-%d", i%40), Category: fmt.Sprintf("cat-%d", i%12),
			Region: fmt.Sprintf("region-%d", i%30), SubmittedAt: sub, DispatchedAt: sub.Add(time.Hour)}
		if i%3 != 0 {
			f.FirstResponseAt = f.DispatchedAt.Add(time.Duration(i%200) * time.Hour)
		}
		f.Overdue.FirstResponse = i%7 == 0
		out[i] = f
	}
	return out
}

// BenchmarkStats compares, over the same 100k facts in the same run: a
// bare iteration (the floor any aggregation pays), Collect (building the
// snapshot the cache keeps), Report on a snapshot (what a cached request
// costs), and both together (a request after the cache expired).
func BenchmarkStats(b *testing.B) {
	src := benchFacts(100_000)
	q := stats.Query{By: stats.ByAgency}
	b.Run("bare", func(b *testing.B) {
		for b.Loop() {
			n := 0
			_ = src.Facts(func(f vault.Fact) error {
				if !f.SubmittedAt.IsZero() {
					n++
				}
				return nil
			})
			if n != len(src) {
				b.Fatal(n)
			}
		}
	})
	b.Run("collect", func(b *testing.B) {
		for b.Loop() {
			if _, err := stats.Collect(src, t0); err != nil {
				b.Fatal(err)
			}
		}
	})
	snap, err := stats.Collect(src, t0)
	if err != nil {
		b.Fatal(err)
	}
	for _, by := range []stats.Dimension{stats.ByAgency, stats.ByMonth} {
		b.Run("report-"+string(by), func(b *testing.B) {
			for b.Loop() {
				if r := snap.Report(stats.Query{By: by}); len(r.Items) == 0 {
					b.Fatal("empty")
				}
			}
		})
	}
	b.Run("collect+report", func(b *testing.B) {
		for b.Loop() {
			s, err := stats.Collect(src, t0)
			if err != nil {
				b.Fatal(err)
			}
			_ = s.Report(q)
		}
	})
}
