package stats_test

import (
	"testing"
	"time"

	"kotak/internal/testkit"
	"kotak/vault"
	"kotak/vault/stats"
	"kotak/vault/workdays"
)

// TestVaultFacts runs the statistics over a real vault with a fake clock:
// response times come from the vault's own timestamps, overdue flags from
// its deadlines, and shredded complaints still count.
func TestVaultFacts(t *testing.T) {
	kr, _ := testkit.Keyring(t, 3, 2)
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, workdays.WIB) // Monday
	clock := testkit.NewClock(start)
	v, err := vault.Open(t.TempDir(), vault.Options{Keyring: kr, Now: clock.Now, Rand: testkit.Rand(7),
		Calendar: workdays.New(workdays.WIB)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	admin := vault.Actor{Role: vault.RoleAdmin, ID: "admin"}
	dinkes := vault.Actor{Role: vault.RoleAgency, ID: "h1", Agency: "dinkes"}
	submit := func(region string) string {
		t.Helper()
		s, err := v.Submit(vault.Submission{Title: "Antrean panjang", Body: "Antrean di puskesmas lima jam.",
			Category: "kesehatan", Region: region, Privacy: vault.PrivacyAnonymous, Channel: vault.ChannelWeb})
		if err != nil {
			t.Fatal(err)
		}
		return s.ID
	}
	must := func(_ *vault.Complaint, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// Six complaints from kab-sleman, dispatched Monday 08:00 to dinkes.
	var ids []string
	for range 6 {
		id := submit("kab-sleman")
		must(v.Verify(admin, id, "dinkes", ""))
		ids = append(ids, id)
	}
	// Answers after 1 h, 3 h and 6 h; the third is then resolved.
	for i, h := range []time.Duration{1, 3, 6} {
		clock.Set(start.Add(h * time.Hour))
		must(v.Respond(dinkes, ids[i], "Kami tindak lanjuti.", i == 2))
	}
	// One more region with a single complaint on Wednesday, never verified.
	clock.Set(start.Add(48 * time.Hour))
	submit("kota-yogyakarta")
	// Two weeks later: the three unanswered ones are past their 5-day
	// first-response deadline, and the lone one past its verification one.
	clock.Set(start.Add(14 * 24 * time.Hour))
	if err := v.Shred(ids[0]); err != nil {
		t.Fatal(err)
	}

	snap, err := stats.Collect(v, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if snap.Len() != 7 {
		t.Fatalf("%d facts, want 7 (shredded included)", snap.Len())
	}
	rep := snap.Report(stats.Query{By: stats.ByAgency})
	if len(rep.Items) != 2 || rep.Items[0].Key != stats.NoValue || !rep.Items[0].Suppressed {
		t.Fatalf("items %+v", rep.Items)
	}
	// The lone (none) cell forces dinkes (6) into suppression too: with a
	// total from another dimension, dinkes would give the lone one away.
	if !rep.Items[1].Suppressed {
		t.Fatalf("dinkes published next to a lone suppressed cell: %+v", rep.Items[1])
	}

	// Without the lone complaint's day, kab-sleman stands alone and is
	// published.
	q, err := stats.ParseQuery("region", "2026-03-02", "2026-03-02")
	if err != nil {
		t.Fatal(err)
	}
	rep = snap.Report(q)
	if len(rep.Items) != 1 {
		t.Fatalf("items %+v", rep.Items)
	}
	var sleman *stats.Item
	for i := range rep.Items {
		if rep.Items[i].Key == "kab-sleman" {
			sleman = &rep.Items[i]
		}
	}
	if sleman == nil || sleman.Suppressed {
		t.Fatalf("kab-sleman: %+v", rep.Items)
	}
	want := stats.Item{Key: "kab-sleman", Count: 6, FollowedUpRate: 0.5, OverdueShare: 0.5}
	h := 3.0
	want.MedianFirstResponseHours = &h
	if sleman.Key != want.Key || sleman.Count != want.Count || sleman.FollowedUpRate != want.FollowedUpRate ||
		sleman.OverdueShare != want.OverdueShare || sleman.MedianFirstResponseHours == nil || *sleman.MedianFirstResponseHours != h {
		t.Fatalf("kab-sleman: got %+v (median %v), want %+v", *sleman, sleman.MedianFirstResponseHours, want)
	}
}
