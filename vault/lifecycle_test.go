package vault

import (
	"errors"
	"sync"
	"testing"
	"time"
)

type lcStep struct {
	name   string
	do     func(v *Vault, id, rcpt string) (*Complaint, error)
	want   error  // nil for success
	status Status // expected status after the step (success or not)
	agency string // expected agency after the step, when set
}

func verify(a Actor, agency string) func(v *Vault, id, _ string) (*Complaint, error) {
	return func(v *Vault, id, _ string) (*Complaint, error) { return v.Verify(a, id, agency, "ok") }
}

func respond(a Actor, final bool) func(v *Vault, id, _ string) (*Complaint, error) {
	return func(v *Vault, id, _ string) (*Complaint, error) { return v.Respond(a, id, "tindak lanjut", final) }
}

func forward(a Actor, agency string) func(v *Vault, id, _ string) (*Complaint, error) {
	return func(v *Vault, id, _ string) (*Complaint, error) {
		return v.Forward(a, id, agency, "bukan wewenang kami")
	}
}

func hold(a Actor) func(v *Vault, id, _ string) (*Complaint, error) {
	return func(v *Vault, id, _ string) (*Complaint, error) { return v.Hold(a, id, "mohon lengkapi alamat") }
}

func archive(a Actor, r ArchiveReason) func(v *Vault, id, _ string) (*Complaint, error) {
	return func(v *Vault, id, _ string) (*Complaint, error) { return v.Archive(a, id, r, "") }
}

func closeCase(a Actor) func(v *Vault, id, _ string) (*Complaint, error) {
	return func(v *Vault, id, _ string) (*Complaint, error) { return v.CloseCase(a, id, "") }
}

func reply(v *Vault, _, rcpt string) (*Complaint, error) {
	return v.ReporterReply(rcpt, "info tambahan")
}

func rate(score int) func(v *Vault, _, rcpt string) (*Complaint, error) {
	return func(v *Vault, _, rcpt string) (*Complaint, error) { return v.Rate(rcpt, score, "cepat") }
}

var (
	auditor = Actor{Role: RoleAuditor, ID: "auditor-1"}
	officer = Actor{Role: RoleOfficer, ID: "officer-1"}
	public  = Actor{Role: RolePublic}
	system  = Actor{Role: RoleSystem}
	noAgent = Actor{Role: RoleAgency, ID: "staff-x"} // agency role without an agency
)

func TestLifecycle(t *testing.T) {
	tests := []struct {
		name  string
		steps []lcStep
	}{
		{"happy path", []lcStep{
			{"verify", verify(admin, "dinas-pu"), nil, StatusDispatched, "dinas-pu"},
			{"first response", respond(agencyA, false), nil, StatusInProgress, ""},
			{"second response", respond(agencyA, false), nil, StatusInProgress, ""},
			{"final response", respond(agencyA, true), nil, StatusResolved, ""},
			{"respond after resolution", respond(agencyA, false), ErrInvalidTransition, StatusResolved, ""},
			{"rate", rate(5), nil, StatusClosed, ""},
			{"rate twice", rate(4), ErrInvalidTransition, StatusClosed, ""},
			{"reply after close", reply, ErrInvalidTransition, StatusClosed, ""},
		}},
		{"final first response resolves at once", []lcStep{
			{"verify", verify(admin, "dinas-pu"), nil, StatusDispatched, ""},
			{"final response", respond(agencyA, true), nil, StatusResolved, ""},
			{"agency closes", closeCase(agencyA), nil, StatusClosed, ""},
			{"rating after staff close", rate(3), nil, StatusClosed, ""},
		}},
		{"hold and reply", []lcStep{
			{"agency cannot hold", hold(agencyA), ErrForbidden, StatusSubmitted, ""},
			{"hold", hold(admin), nil, StatusOnHold, ""},
			{"hold twice", hold(admin), ErrInvalidTransition, StatusOnHold, ""},
			{"verify while held", verify(admin, "dinas-pu"), ErrInvalidTransition, StatusOnHold, ""},
			{"reply returns it", reply, nil, StatusSubmitted, ""},
			{"verify", verify(admin, "dinas-pu"), nil, StatusDispatched, "dinas-pu"},
		}},
		{"archive", []lcStep{
			{"bad reason", archive(admin, "boring"), ErrBadInput, StatusSubmitted, ""},
			{"agency cannot archive", archive(agencyA, ReasonSpam), ErrForbidden, StatusSubmitted, ""},
			{"archive", archive(admin, ReasonSpam), nil, StatusArchived, ""},
			{"archive twice", archive(admin, ReasonDuplicate), ErrInvalidTransition, StatusArchived, ""},
			{"verify archived", verify(admin, "dinas-pu"), ErrInvalidTransition, StatusArchived, ""},
			{"reply to archived", reply, ErrInvalidTransition, StatusArchived, ""},
		}},
		{"archive a held complaint", []lcStep{
			{"hold", hold(admin), nil, StatusOnHold, ""},
			{"archive", archive(admin, ReasonIncomplete), nil, StatusArchived, ""},
		}},
		{"reopen", []lcStep{
			{"verify", verify(admin, "dinas-pu"), nil, StatusDispatched, ""},
			{"final response", respond(agencyA, true), nil, StatusResolved, ""},
			{"reply reopens", reply, nil, StatusInProgress, ""},
			{"close in progress", closeCase(admin), ErrInvalidTransition, StatusInProgress, ""},
			{"final again", respond(agencyA, true), nil, StatusResolved, ""},
			{"admin closes", closeCase(admin), nil, StatusClosed, ""},
		}},
		{"forward", []lcStep{
			{"verify", verify(admin, "dinas-pu"), nil, StatusDispatched, "dinas-pu"},
			{"other agency cannot forward", forward(agencyB, "dinas-pu"), ErrForbidden, StatusDispatched, "dinas-pu"},
			{"forward to itself", forward(agencyA, "dinas-pu"), ErrBadInput, StatusDispatched, "dinas-pu"},
			{"forward", forward(agencyA, "dinas-kesehatan"), nil, StatusDispatched, "dinas-kesehatan"},
			{"old agency cannot respond", respond(agencyA, false), ErrForbidden, StatusDispatched, "dinas-kesehatan"},
			{"new agency responds", respond(agencyB, false), nil, StatusInProgress, "dinas-kesehatan"},
			{"admin forwards back", forward(admin, "dinas-pu"), nil, StatusDispatched, "dinas-pu"},
			{"resolve", respond(agencyA, true), nil, StatusResolved, "dinas-pu"},
			{"no forward once resolved", forward(agencyA, "dinas-kesehatan"), ErrInvalidTransition, StatusResolved, "dinas-pu"},
		}},
		{"forward before dispatch", []lcStep{
			{"admin forward of a submitted complaint", forward(admin, "dinas-pu"), ErrInvalidTransition, StatusSubmitted, ""},
		}},
		{"roles", []lcStep{
			{"agency cannot verify", verify(agencyA, "dinas-pu"), ErrForbidden, StatusSubmitted, ""},
			{"auditor cannot verify", verify(auditor, "dinas-pu"), ErrForbidden, StatusSubmitted, ""},
			{"system cannot verify", verify(system, "dinas-pu"), ErrForbidden, StatusSubmitted, ""},
			{"agency cannot respond before dispatch", respond(agencyA, false), ErrForbidden, StatusSubmitted, ""},
			{"verify to a malformed agency", verify(admin, "Dinas PU"), ErrBadInput, StatusSubmitted, ""},
			{"verify", verify(admin, "dinas-pu"), nil, StatusDispatched, ""},
			{"admin cannot respond", respond(admin, false), ErrForbidden, StatusDispatched, ""},
			{"agency role without agency", respond(noAgent, false), ErrForbidden, StatusDispatched, ""},
			{"other agency cannot respond", respond(agencyB, false), ErrForbidden, StatusDispatched, ""},
			{"officer cannot close", closeCase(officer), ErrForbidden, StatusDispatched, ""},
			{"bad score", rate(6), ErrBadInput, StatusDispatched, ""},
			{"rate before resolution", rate(5), ErrInvalidTransition, StatusDispatched, ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			s := e.submit(t, PrivacyConfidential)
			events := 1
			for _, st := range tt.steps {
				e.clock.Add(time.Hour)
				c, stepErr := st.do(e.v, s.ID, s.Receipt)
				if !errors.Is(stepErr, st.want) || (st.want == nil && stepErr != nil) {
					t.Fatalf("%s: got %v, want %v", st.name, stepErr, st.want)
				}
				if stepErr == nil {
					events++
					if c.Status != st.status {
						t.Fatalf("%s: returned status %s, want %s", st.name, c.Status, st.status)
					}
				}
				got, err := e.v.Get(admin, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != st.status {
					t.Fatalf("%s: status %s, want %s", st.name, got.Status, st.status)
				}
				if st.agency != "" && got.Agency != st.agency {
					t.Fatalf("%s: agency %q, want %q", st.name, got.Agency, st.agency)
				}
				if len(got.Events) != events {
					t.Fatalf("%s: %d events, want %d", st.name, len(got.Events), events)
				}
				if last := got.Events[len(got.Events)-1]; stepErr == nil && (last.To != st.status || !last.Time.Equal(e.clock.Now())) {
					t.Fatalf("%s: last event %+v", st.name, last)
				}
			}
		})
	}
}

func TestTransitionErrorDetails(t *testing.T) {
	e := newEnv(t)
	s := e.submit(t, PrivacyPublic)
	_, err := e.v.CloseCase(admin, s.ID, "")
	var te *TransitionError
	if !errors.As(err, &te) || te.Action != ActionClose || te.From != StatusSubmitted {
		t.Fatalf("got %v", err)
	}
	if _, err := e.v.Verify(admin, "KTK-0000000000000", "dinas-pu", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := e.v.Verify(admin, "../../etc/passwd", "dinas-pu", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("malformed id: %v", err)
	}
}

func TestGetVisibility(t *testing.T) {
	e := newEnv(t)
	conf := e.submit(t, PrivacyConfidential)
	pub := e.submit(t, PrivacyPublic)
	tests := []struct {
		name  string
		actor Actor
		id    string
		want  error
	}{
		{"admin sees submitted", admin, conf.ID, nil},
		{"agency cannot see undispatched", agencyA, conf.ID, ErrForbidden},
		{"public cannot see undispatched public", public, pub.ID, ErrNotFound},
		{"auditor sees", auditor, conf.ID, nil},
		{"officer cannot", officer, conf.ID, ErrForbidden},
		{"reporter role cannot use Get", Actor{Role: RoleReporter}, conf.ID, ErrForbidden},
		{"unknown role", Actor{Role: "root"}, conf.ID, ErrForbidden},
	}
	check := func() {
		for _, tt := range tests {
			_, err := e.v.Get(tt.actor, tt.id)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
			}
		}
	}
	check()
	for _, id := range []string{conf.ID, pub.ID} {
		if _, err := e.v.Verify(admin, id, "dinas-pu", "catatan internal"); err != nil {
			t.Fatal(err)
		}
	}
	tests = []struct {
		name  string
		actor Actor
		id    string
		want  error
	}{
		{"own agency sees", agencyA, conf.ID, nil},
		{"other agency cannot", agencyB, conf.ID, ErrForbidden},
		{"public cannot see confidential", public, conf.ID, ErrNotFound},
		{"public sees dispatched public", public, pub.ID, nil},
	}
	check()
	c, err := e.v.Get(public, pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range c.Events {
		if ev.Actor.ID != "" || ev.Note != "" {
			t.Errorf("public view shows staff id or note: %+v", ev)
		}
	}
	tr, err := e.v.Track(pub.Receipt)
	if err != nil {
		t.Fatal(err)
	}
	if ev := tr.Events[1]; ev.Actor.ID != "" || ev.Note != "catatan internal" {
		t.Errorf("reporter view of the verify event: %+v", ev)
	}
}

// TestDeadlines checks working-day deadlines across weekends, the Nyepi
// and Idul Fitri block of March 2026, a holiday Monday, times given in UTC
// near midnight, and the turn of 2026 into 2027 (no 2027 list: weekends
// only).
func TestDeadlines(t *testing.T) {
	tests := []struct {
		name                  string
		submitted, dispatched time.Time
		verifyDue, firstDue   time.Time
	}{
		{"before the Idul Fitri block",
			time.Date(2026, 3, 17, 10, 0, 0, 0, wib), time.Date(2026, 3, 17, 15, 0, 0, 0, wib),
			endOfDay(2026, 3, 27), endOfDay(2026, 3, 31)},
		{"UTC evening is the next WIB day",
			time.Date(2026, 3, 16, 23, 30, 0, 0, time.UTC), time.Date(2026, 3, 16, 23, 45, 0, 0, time.UTC),
			endOfDay(2026, 3, 27), endOfDay(2026, 3, 31)},
		{"UTC afternoon is still the same WIB day",
			time.Date(2026, 3, 16, 16, 59, 0, 0, time.UTC), time.Date(2026, 3, 16, 16, 59, 0, 0, time.UTC),
			endOfDay(2026, 3, 26), endOfDay(2026, 3, 30)},
		{"Friday before the Pancasila Monday",
			time.Date(2026, 5, 29, 9, 0, 0, 0, wib), time.Date(2026, 5, 29, 9, 30, 0, 0, wib),
			endOfDay(2026, 6, 4), endOfDay(2026, 6, 8)},
		{"weekend submission",
			time.Date(2026, 7, 4, 9, 0, 0, 0, wib), time.Date(2026, 7, 6, 9, 0, 0, 0, wib),
			endOfDay(2026, 7, 8), endOfDay(2026, 7, 13)},
		{"Christmas and the turn of the year",
			time.Date(2026, 12, 23, 15, 0, 0, 0, wib), time.Date(2026, 12, 30, 8, 0, 0, 0, wib),
			endOfDay(2026, 12, 30), endOfDay(2027, 1, 6)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.clock.Set(tt.submitted)
			s := e.submit(t, PrivacyPublic)
			if !s.Deadlines.Verify.Equal(tt.verifyDue) {
				t.Errorf("verify due %v, want %v", s.Deadlines.Verify.In(wib), tt.verifyDue)
			}
			e.clock.Set(tt.dispatched)
			c, err := e.v.Verify(admin, s.ID, "dinas-pu", "")
			if err != nil {
				t.Fatal(err)
			}
			if !c.Deadlines.FirstResponse.Equal(tt.firstDue) {
				t.Errorf("first response due %v, want %v", c.Deadlines.FirstResponse.In(wib), tt.firstDue)
			}
			cal := e.v.cal
			if n := cal.WorkingDaysBetween(tt.dispatched, c.Deadlines.Completion); n != CompletionDays ||
				!cal.IsWorkingDay(c.Deadlines.Completion) {
				t.Errorf("completion due %v is %d working days after dispatch", c.Deadlines.Completion, n)
			}
			if c.Overdue.Any() {
				t.Errorf("fresh complaint overdue: %+v", c.Overdue)
			}
		})
	}
}

func TestOverdueFlags(t *testing.T) {
	e := newEnv(t)
	late := e.submit(t, PrivacyPublic)   // verified after its deadline
	onTime := e.submit(t, PrivacyPublic) // verified in time
	verifyDue := endOfDay(2026, 3, 27)

	e.clock.Set(verifyDue)
	if _, err := e.v.Verify(admin, onTime.ID, "dinas-pu", ""); err != nil {
		t.Fatal(err)
	}
	c, _ := e.v.Get(admin, late.ID)
	if c.Overdue.Verify {
		t.Fatal("overdue at the last instant of the deadline")
	}
	e.clock.Set(verifyDue.Add(time.Nanosecond))
	c, _ = e.v.Get(admin, late.ID)
	if !c.Overdue.Verify {
		t.Fatal("not overdue after the deadline")
	}
	page, err := e.v.List(admin, Filter{Status: StatusSubmitted})
	if err != nil || len(page.Items) != 1 || !page.Items[0].Overdue.Verify {
		t.Fatalf("list does not flag the overdue complaint: %+v, %v", page, err)
	}
	c, err = e.v.Verify(admin, late.ID, "dinas-pu", "")
	if err != nil {
		t.Fatal(err)
	}
	if !c.Overdue.Verify || c.Overdue.FirstResponse {
		t.Fatalf("late verification flags: %+v", c.Overdue)
	}
	// First response: due 5 working days after 28 March (Saturday):
	// 30 Mar, 31 Mar, 1, 2 Apr, then 3 Apr is Good Friday: 6 April.
	if want := endOfDay(2026, 4, 6); !c.Deadlines.FirstResponse.Equal(want) {
		t.Fatalf("first response due %v, want %v", c.Deadlines.FirstResponse, want)
	}
	e.clock.Set(endOfDay(2026, 4, 6).Add(time.Second))
	c, _ = e.v.Get(admin, late.ID)
	if !c.Overdue.FirstResponse {
		t.Fatal("first response not overdue")
	}
	o, _ := e.v.Get(admin, onTime.ID)
	if o.Overdue.Verify || !o.Overdue.FirstResponse {
		t.Fatalf("on-time complaint: %+v", o.Overdue)
	}
	if _, err := e.v.Respond(agencyA, onTime.ID, "kami tangani", false); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(o.Deadlines.Completion.Add(time.Second))
	o, _ = e.v.Get(admin, onTime.ID)
	if !o.Overdue.FirstResponse || !o.Overdue.Completion {
		t.Fatalf("late first response and completion not flagged: %+v", o.Overdue)
	}
}

func TestAutoClose(t *testing.T) {
	e := newEnv(t)
	quiet := e.submit(t, PrivacyPublic)
	talker := e.submit(t, PrivacyPublic)
	for _, s := range []*Submitted{quiet, talker} {
		if _, err := e.v.Verify(admin, s.ID, "dinas-pu", ""); err != nil {
			t.Fatal(err)
		}
	}
	// Resolved on Wednesday 1 April 2026: 10 working days skip Good Friday
	// (3 April): 2, 6, 7, 8, 9, 10, 13, 14, 15, 16 April.
	e.clock.Set(time.Date(2026, 4, 1, 11, 0, 0, 0, wib))
	for _, s := range []*Submitted{quiet, talker} {
		c, err := e.v.Respond(agencyA, s.ID, "sudah diperbaiki", true)
		if err != nil {
			t.Fatal(err)
		}
		if want := endOfDay(2026, 4, 16); !c.Deadlines.AutoClose.Equal(want) {
			t.Fatalf("auto-close at %v, want %v", c.Deadlines.AutoClose, want)
		}
	}
	e.clock.Set(time.Date(2026, 4, 10, 8, 0, 0, 0, wib))
	if _, err := e.v.ReporterReply(talker.Receipt, "Belum, masih berlubang"); err != nil {
		t.Fatal(err)
	}
	if n, err := e.v.AutoClose(endOfDay(2026, 4, 16)); err != nil || n != 0 {
		t.Fatalf("AutoClose at the deadline: %d, %v", n, err)
	}
	n, err := e.v.AutoClose(endOfDay(2026, 4, 16).Add(time.Nanosecond))
	if err != nil || n != 1 {
		t.Fatalf("AutoClose after the deadline: %d, %v", n, err)
	}
	c, _ := e.v.Get(admin, quiet.ID)
	last := c.Events[len(c.Events)-1]
	if c.Status != StatusClosed || last.Action != ActionAutoClose || last.Actor.Role != RoleSystem {
		t.Fatalf("quiet complaint: %s, last event %+v", c.Status, last)
	}
	c, _ = e.v.Get(admin, talker.ID)
	if c.Status != StatusInProgress {
		t.Fatalf("replied complaint auto-closed: %s", c.Status)
	}
	if n, err := e.v.AutoClose(endOfDay(2026, 12, 31)); err != nil || n != 0 {
		t.Fatalf("second AutoClose: %d, %v", n, err)
	}
}

// TestConcurrentActions runs many actions on one complaint at once: they
// share commits, and each sees the effects of those before it.
func TestConcurrentActions(t *testing.T) {
	e := newEnv(t)
	s := e.submit(t, PrivacyConfidential)
	// Exactly one of many concurrent verifications wins.
	const racers = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			agency := []string{"dinas-pu", "dinas-kesehatan"}[i%2]
			_, err := e.v.Verify(admin, s.ID, agency, "")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, ErrInvalidTransition):
				conflicts++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || conflicts != racers-1 {
		t.Fatalf("%d verifications won, %d conflicted", wins, conflicts)
	}
	c, err := e.v.Get(admin, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	handler := Actor{Role: RoleAgency, ID: "staff", Agency: c.Agency}
	// Replies and responses interleave; none is lost.
	const each = 10
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				var err error
				if w%2 == 0 {
					_, err = e.v.ReporterReply(s.Receipt, "pesan warga")
				} else {
					_, err = e.v.Respond(handler, s.ID, "pesan dinas", false)
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	c, err = e.v.Get(admin, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Messages) != 8*each || len(c.Events) != 2+8*each {
		t.Fatalf("%d messages and %d events, want %d and %d", len(c.Messages), len(c.Events), 8*each, 2+8*each)
	}
	if c.Status != StatusInProgress {
		t.Fatalf("status %s", c.Status)
	}
}
