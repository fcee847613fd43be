package stats_test

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"kotak/vault"
	"kotak/vault/stats"
	"kotak/vault/workdays"
)

// A report by agency over a few complaints; *vault.Vault is a Source too.
func ExampleSnapshot_Report() {
	dispatched := time.Date(2026, 3, 2, 9, 0, 0, 0, workdays.WIB)
	var src facts
	for i := range 6 {
		f := vault.Fact{Agency: "dinkes", Category: "kesehatan", Region: "kab-sleman",
			Status: vault.StatusDispatched, SubmittedAt: dispatched, DispatchedAt: dispatched}
		if i < 3 {
			f.Status, f.FirstResponseAt = vault.StatusInProgress, dispatched.Add(time.Duration(i+1)*time.Hour)
		}
		src = append(src, f)
	}
	for range 2 {
		src = append(src, vault.Fact{Category: "kesehatan", Status: vault.StatusSubmitted, SubmittedAt: dispatched})
	}
	snap, err := stats.Collect(src, dispatched.Add(24*time.Hour))
	if err != nil {
		panic(err)
	}
	q, err := stats.ParseQuery("agency", "2026-03-01", "2026-03-31")
	if err != nil {
		panic(err)
	}
	for _, it := range snap.Report(q).Items {
		if it.Suppressed {
			fmt.Println(it.Key, "suppressed")
			continue
		}
		fmt.Println(it.Key, it.Count, it.FollowedUpRate, *it.MedianFirstResponseHours, it.OverdueShare)
	}
	// Output:
	// (none) suppressed
	// dinkes suppressed
}

// The JSON and CSV forms of a report.
func ExampleWriteCSV() {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, workdays.WIB)
	var src facts
	for i := range 7 {
		src = append(src, vault.Fact{Agency: "dinkes", Status: vault.StatusInProgress, SubmittedAt: at,
			DispatchedAt: at, FirstResponseAt: at.Add(time.Duration(i) * 30 * time.Minute)})
	}
	snap, _ := stats.Collect(src, at)
	rep := snap.Report(stats.Query{By: stats.ByAgency})
	b, _ := json.Marshal(rep.Items)
	fmt.Println(string(b))
	if err := stats.WriteCSV(os.Stdout, rep); err != nil {
		panic(err)
	}
	// Output:
	// [{"key":"dinkes","count":7,"followed_up_rate":1,"median_first_response_hours":1.5,"overdue_share":0}]
	// key,count,followed_up_rate,median_first_response_hours,overdue_share,suppressed
	// dinkes,7,1,1.5,0,false
}
