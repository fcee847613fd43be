package unseal

import (
	"testing"
	"time"
)

func TestRecordOverdue(t *testing.T) {
	exp := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		status Status
		now    time.Time
		want   bool
	}{
		{"pending before expiry", StatusPending, exp.Add(-time.Nanosecond), false},
		{"pending at expiry", StatusPending, exp, true},
		{"pending after expiry", StatusPending, exp.Add(time.Hour), true},
		{"pending at expiry in another zone", StatusPending, exp.In(time.FixedZone("WIB", 7*3600)), true},
		{"approved after expiry", StatusApproved, exp.Add(time.Hour), false},
		{"denied after expiry", StatusDenied, exp.Add(time.Hour), false},
		{"expired after expiry", StatusExpired, exp.Add(time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &record{Status: tt.status, Expires: exp}
			if got := r.overdue(tt.now); got != tt.want {
				t.Fatalf("overdue = %v, want %v", got, tt.want)
			}
		})
	}
}
