package auditlog

import (
	"testing"
	"time"

	"kotak/internal/testkit"
	"kotak/vault"
	"kotak/vault/directory"
	"kotak/vault/staff"
)

func TestHooksRecordStaffDirectoryAndKeyring(t *testing.T) {
	v := openHookVault(t)
	st := v.Store()
	now := func() time.Time { return time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC) }
	d := directory.New(st)
	d.OnChange(DirectoryHook(now))
	if err := d.PutAgency(directory.Agency{ID: "dinkes", Name: "Dinas Kesehatan"}); err != nil {
		t.Fatal(err)
	}
	admin := vault.Actor{Role: vault.RoleAdmin, ID: "admin"}
	if err := d.As(admin).PutCategory(directory.Category{ID: "kesehatan", Name: "Kesehatan"}); err != nil {
		t.Fatal(err)
	}
	s := staff.New(st, staff.Options{Params: staff.Params{Time: 1, MemoryKiB: 64, Threads: 1}, OnEvent: StaffHook, AgencyExists: d.AgencyExists})
	if _, err := s.As(admin).AddUser("budi", "a long enough password", vault.RoleAgency, "dinkes", ""); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.Login("budi", "a long enough password"); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, false} {
		got, err := RecordKeyring(st, "ab12", now())
		if err != nil || got != want {
			t.Fatalf("RecordKeyring call %d: %v %v", i, got, err)
		}
	}
	if got, err := RecordKeyring(st, "cd34", now()); err != nil || !got {
		t.Fatalf("a new keyring was not recorded: %v %v", got, err)
	}
	l := New(st)
	raw, err := l.Entries(0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, r := range raw {
		e, err := ParseEntry(r)
		if err != nil {
			t.Fatal(err)
		}
		actions = append(actions, e.Action+" by "+e.Role+":"+e.Actor)
	}
	want := []string{ActionAgencyPut + " by system:", ActionCategoryPut + " by admin:admin", "user_add by admin:admin",
		"login by agency:budi", ActionKeyringChange + " by system:", ActionKeyringChange + " by system:"}
	if len(actions) != len(want) {
		t.Fatalf("actions %v, want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Fatalf("actions %v, want %v", actions, want)
		}
	}
}

func openHookVault(t *testing.T) *vault.Vault {
	t.Helper()
	rnd := testkit.Rand(43)
	kr, _ := testkit.Keyring(t, 1, 1)
	buckets := append(append(append([][]byte(nil), Buckets...), staff.Buckets...), directory.Buckets...)
	v, err := vault.Open(t.TempDir(), vault.Options{Keyring: kr, Rand: rnd, Buckets: buckets, OnEvent: OnEvent})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}
