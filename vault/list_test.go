package vault

import (
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

type listed struct {
	id     string
	at     time.Time
	status Status
	agency string
	public bool
}

// fillList submits 30 complaints (some at the same instant), dispatches
// them to two agencies and moves some along; it returns the model.
func fillList(t *testing.T, e *env) []listed {
	t.Helper()
	var all []listed
	for i := range 30 {
		if i%5 != 4 { // every fifth shares the previous one's time
			e.clock.Add(time.Minute)
		}
		p := PrivacyConfidential
		if i%3 == 0 {
			p = PrivacyPublic
		}
		s := e.submit(t, p)
		l := listed{id: s.ID, at: e.clock.Now(), status: StatusSubmitted, public: p == PrivacyPublic}
		switch i % 4 {
		case 1:
			l.agency, l.status = "dinas-pu", StatusDispatched
		case 2:
			l.agency, l.status = "dinas-kesehatan", StatusDispatched
		case 3:
			l.agency, l.status = "dinas-pu", StatusInProgress
		}
		if l.agency != "" {
			if _, err := e.v.Verify(admin, s.ID, l.agency, ""); err != nil {
				t.Fatal(err)
			}
		}
		if l.status == StatusInProgress {
			if _, err := e.v.Respond(agencyA, s.ID, "ok", false); err != nil {
				t.Fatal(err)
			}
		}
		all = append(all, l)
	}
	// Newest first; equal times by id, descending.
	slices.SortFunc(all, func(a, b listed) int {
		if c := b.at.Compare(a.at); c != 0 {
			return c
		}
		return strings.Compare(b.id, a.id)
	})
	return all
}

// pages walks every page and returns the ids in order.
func pages(t *testing.T, v *Vault, a Actor, f Filter) []string {
	t.Helper()
	var ids []string
	for n := 0; ; n++ {
		if n > 100 {
			t.Fatal("pagination does not end")
		}
		p, err := v.List(a, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) > f.Limit && f.Limit > 0 {
			t.Fatalf("page of %d items, limit %d", len(p.Items), f.Limit)
		}
		for _, it := range p.Items {
			ids = append(ids, it.ID)
			if it.Title == "" {
				t.Fatalf("item %s without title", it.ID)
			}
		}
		if p.NextCursor == "" {
			return ids
		}
		f.Cursor = p.NextCursor
	}
}

func TestListPagination(t *testing.T) {
	e := newEnv(t)
	all := fillList(t, e)
	want := func(keep func(l listed) bool) []string {
		out := []string{}
		for _, l := range all {
			if keep(l) {
				out = append(out, l.id)
			}
		}
		return out
	}
	tests := []struct {
		name   string
		actor  Actor
		filter Filter
		keep   func(l listed) bool
	}{
		{"admin all", admin, Filter{Limit: 7}, func(listed) bool { return true }},
		{"admin all, one page", admin, Filter{Limit: 100}, func(listed) bool { return true }},
		{"admin all, pages of one", admin, Filter{Limit: 1}, func(listed) bool { return true }},
		{"admin by status", admin, Filter{Status: StatusDispatched, Limit: 4},
			func(l listed) bool { return l.status == StatusDispatched }},
		{"admin by agency", admin, Filter{Agency: "dinas-pu", Limit: 3},
			func(l listed) bool { return l.agency == "dinas-pu" }},
		{"admin by agency and status", admin, Filter{Agency: "dinas-pu", Status: StatusInProgress, Limit: 2},
			func(l listed) bool { return l.agency == "dinas-pu" && l.status == StatusInProgress }},
		{"agency inbox", agencyA, Filter{Limit: 5}, func(l listed) bool { return l.agency == "dinas-pu" }},
		{"agency inbox by status", agencyB, Filter{Status: StatusDispatched, Limit: 2},
			func(l listed) bool { return l.agency == "dinas-kesehatan" && l.status == StatusDispatched }},
		{"agency naming itself", agencyB, Filter{Agency: "dinas-kesehatan"},
			func(l listed) bool { return l.agency == "dinas-kesehatan" }},
		{"public", public, Filter{Limit: 3}, func(l listed) bool { return l.public && l.agency != "" }},
		{"public by status", public, Filter{Status: StatusInProgress, Limit: 2},
			func(l listed) bool { return l.public && l.status == StatusInProgress }},
		{"empty result", admin, Filter{Status: StatusClosed}, func(l listed) bool { return false }},
		{"unknown agency", admin, Filter{Agency: "dinas-x"}, func(l listed) bool { return false }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pages(t, e.v, tt.actor, tt.filter)
			if w := want(tt.keep); !slices.Equal(got, w) {
				t.Fatalf("got %d ids %v\nwant %d ids %v", len(got), got, len(w), w)
			}
		})
	}
}

// TestListPaginationIsStableUnderWrites: a complaint submitted while a
// client pages appears on no later page (it is newer), and nothing is
// skipped or repeated.
func TestListPaginationIsStableUnderWrites(t *testing.T) {
	e := newEnv(t)
	all := fillList(t, e)
	p, err := e.v.List(admin, Filter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Hour)
	e.submit(t, PrivacyPublic)
	ids := []string{}
	for _, it := range p.Items {
		ids = append(ids, it.ID)
	}
	ids = append(ids, pages(t, e.v, admin, Filter{Limit: 10, Cursor: p.NextCursor})...)
	if len(ids) != len(all) {
		t.Fatalf("%d ids, want %d", len(ids), len(all))
	}
	for i, l := range all {
		if ids[i] != l.id {
			t.Fatalf("position %d: %s, want %s", i, ids[i], l.id)
		}
	}
}

func TestListErrors(t *testing.T) {
	e := newEnv(t)
	e.submit(t, PrivacyPublic)
	good := encodeCursor(append(appendTS(nil, start), "KTK-0000000000000"...))
	tests := []struct {
		name  string
		actor Actor
		f     Filter
		want  error
		field string
	}{
		{"other agency", agencyA, Filter{Agency: "dinas-kesehatan"}, ErrForbidden, ""},
		{"agency role without agency", noAgent, Filter{}, ErrForbidden, ""},
		{"reporter", Actor{Role: RoleReporter}, Filter{}, ErrForbidden, ""},
		{"officer", officer, Filter{}, ErrForbidden, ""},
		{"bad status", admin, Filter{Status: "open"}, ErrBadInput, "status"},
		{"limit too large", admin, Filter{Limit: MaxPageSize + 1}, ErrBadInput, "limit"},
		{"negative limit", admin, Filter{Limit: -1}, ErrBadInput, "limit"},
		{"bad agency", admin, Filter{Agency: "A B"}, ErrBadInput, "agency"},
		{"public by agency", public, Filter{Agency: "dinas-pu"}, ErrBadInput, "agency"},
		{"cursor not base64", admin, Filter{Cursor: "!!!"}, ErrBadInput, "cursor"},
		{"cursor too short", admin, Filter{Cursor: base64.RawURLEncoding.EncodeToString([]byte{1, 2, 3})}, ErrBadInput, "cursor"},
		{"cursor wrong version", admin, Filter{Cursor: "B" + good[1:]}, ErrBadInput, "cursor"},
		{"cursor bad id", admin, Filter{Cursor: encodeCursor(append(appendTS(nil, start), "KTK-000000000000I"...))}, ErrBadInput, "cursor"},
		{"good cursor", admin, Filter{Cursor: good}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.v.List(tt.actor, tt.f)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			var ie *InputError
			if tt.field != "" && (!errors.As(err, &ie) || ie.Field != tt.field) {
				t.Fatalf("got %v, want field %q", err, tt.field)
			}
		})
	}
}
