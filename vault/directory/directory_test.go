package directory

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"kotak/internal/testkit"
	"kotak/vault"
)

func openVault(t testing.TB, mod ...func(*vault.Options)) *vault.Vault {
	t.Helper()
	kr, _ := testkit.Keyring(t, 1, 1)
	opts := vault.Options{Keyring: kr, Buckets: Buckets}
	for _, m := range mod {
		m(&opts)
	}
	v, err := vault.Open(t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	return v
}

// countingStore counts read transactions and can be made to fail them.
type countingStore struct {
	vault.Store
	views atomic.Int64
	fail  atomic.Bool
}

var errStoreDown = errors.New("store down")

func (c *countingStore) View(fn func(vault.Tx) error) error {
	c.views.Add(1)
	if c.fail.Load() {
		return errStoreDown
	}
	return c.Store.View(fn)
}

func newService(t testing.TB) (*Service, *countingStore) {
	t.Helper()
	cs := &countingStore{Store: openVault(t).Store()}
	return New(cs), cs
}

func TestPutAgencyValidation(t *testing.T) {
	d, _ := newService(t)
	tests := []struct {
		name  string
		in    Agency
		field string // "" means accepted
		want  Agency
	}{
		{"plain", Agency{ID: "dinkes", Name: "Dinas Kesehatan"}, "", Agency{ID: "dinkes", Name: "Dinas Kesehatan"}},
		{"with region", Agency{ID: "dinas-pupr", Name: "Dinas PUPR", Region: "kabupaten-bandung"}, "", Agency{ID: "dinas-pupr", Name: "Dinas PUPR", Region: "kabupaten-bandung"}},
		{"name trimmed", Agency{ID: "satpol-pp", Name: "  Satpol PP \n"}, "", Agency{ID: "satpol-pp", Name: "Satpol PP"}},
		{"shortest id", Agency{ID: "a1", Name: "A"}, "", Agency{ID: "a1", Name: "A"}},
		{"longest id", Agency{ID: strings.Repeat("d", 40), Name: "D"}, "", Agency{ID: strings.Repeat("d", 40), Name: "D"}},
		{"non-ASCII name", Agency{ID: "disdukcapil", Name: "Dinas Kependudukan dan Pencatatan Sipil — Kab. Bandung"}, "", Agency{ID: "disdukcapil", Name: "Dinas Kependudukan dan Pencatatan Sipil — Kab. Bandung"}},
		{"200-rune name", Agency{ID: "long-name", Name: strings.Repeat("é", 200)}, "", Agency{ID: "long-name", Name: strings.Repeat("é", 200)}},

		{"id empty", Agency{Name: "X"}, "id", Agency{}},
		{"id one char", Agency{ID: "a", Name: "X"}, "id", Agency{}},
		{"id 41 chars", Agency{ID: strings.Repeat("d", 41), Name: "X"}, "id", Agency{}},
		{"id upper case", Agency{ID: "Dinkes", Name: "X"}, "id", Agency{}},
		{"id leading dash", Agency{ID: "-dinkes", Name: "X"}, "id", Agency{}},
		{"id underscore", Agency{ID: "din_kes", Name: "X"}, "id", Agency{}},
		{"id space", Agency{ID: "din kes", Name: "X"}, "id", Agency{}},
		{"id slash", Agency{ID: "din/kes", Name: "X"}, "id", Agency{}},
		{"name empty", Agency{ID: "x1"}, "name", Agency{}},
		{"name blank", Agency{ID: "x2", Name: " \t "}, "name", Agency{}},
		{"name 201 runes", Agency{ID: "x3", Name: strings.Repeat("é", 201)}, "name", Agency{}},
		{"name control", Agency{ID: "x4", Name: "Dinas\x00Kesehatan"}, "name", Agency{}},
		{"name newline inside", Agency{ID: "x5", Name: "Dinas\nKesehatan"}, "name", Agency{}},
		{"name invalid UTF-8", Agency{ID: "x6", Name: "Dinas \xff"}, "name", Agency{}},
		{"region upper case", Agency{ID: "x7", Name: "X", Region: "Bandung"}, "region", Agency{}},
		{"region space", Agency{ID: "x8", Name: "X", Region: "kab bandung"}, "region", Agency{}},
		{"region too long", Agency{ID: "x9", Name: "X", Region: strings.Repeat("r", 65)}, "region", Agency{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := d.PutAgency(tt.in)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				got, ok := d.Agency(tt.in.ID)
				if !ok || got != tt.want || !d.AgencyExists(tt.in.ID) {
					t.Fatalf("stored %+v (%v), want %+v", got, ok, tt.want)
				}
				return
			}
			var ie *vault.InputError
			if !errors.As(err, &ie) || ie.Field != tt.field || !errors.Is(err, ErrBadInput) {
				t.Fatalf("err %v, want an input error on %q", err, tt.field)
			}
			if tt.in.ID != "" && d.AgencyExists(tt.in.ID) {
				t.Fatal("a refused agency exists")
			}
		})
	}
}

func TestAgenciesSortedAndRenamed(t *testing.T) {
	d, _ := newService(t)
	for _, a := range []Agency{
		{ID: "satpol-pp", Name: "Satpol PP"},
		{ID: "dinkes", Name: "Dinkes"},
		{ID: "dpmptsp", Name: "DPMPTSP"},
		{ID: "dinas-pupr", Name: "Dinas PUPR"},
	} {
		if err := d.PutAgency(a); err != nil {
			t.Fatal(err)
		}
	}
	if !d.AgencyExists("dinkes") { // load the cache before the rename
		t.Fatal("dinkes missing")
	}
	if err := d.PutAgency(Agency{ID: "dinkes", Name: "Dinas Kesehatan", Region: "kabupaten-bandung"}); err != nil {
		t.Fatal(err)
	}
	list, err := d.Agencies()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range list {
		ids = append(ids, a.ID)
	}
	if got := strings.Join(ids, ","); got != "dinas-pupr,dinkes,dpmptsp,satpol-pp" {
		t.Fatalf("order %s", got)
	}
	want := Agency{ID: "dinkes", Name: "Dinas Kesehatan", Region: "kabupaten-bandung"}
	if list[1] != want {
		t.Fatalf("after rename: %+v", list[1])
	}
	if got, ok := d.Agency("dinkes"); !ok || got != want {
		t.Fatalf("cached copy after rename: %+v", got)
	}
	if _, ok := d.Agency("dinsos"); ok {
		t.Fatal("unknown agency found")
	}
}

func TestCategories(t *testing.T) {
	d, _ := newService(t)
	if d.CategoryExists("kesehatan") {
		t.Fatal("exists before Put")
	}
	for _, c := range []Category{{"kesehatan", "Kesehatan"}, {"infrastruktur", "Infrastruktur"}, {"administrasi-kependudukan", "Administrasi Kependudukan"}} {
		if err := d.PutCategory(c); err != nil {
			t.Fatal(err)
		}
	}
	if !d.CategoryExists("kesehatan") || d.CategoryExists("pendidikan") || d.AgencyExists("kesehatan") {
		t.Fatal("existence checks are wrong")
	}
	list, err := d.Categories()
	if err != nil || len(list) != 3 || list[0].ID != "administrasi-kependudukan" || list[2] != (Category{"kesehatan", "Kesehatan"}) {
		t.Fatalf("categories %+v %v", list, err)
	}
	var ie *vault.InputError
	if err := d.PutCategory(Category{ID: "Pendidikan", Name: "Pendidikan"}); !errors.As(err, &ie) || ie.Field != "id" {
		t.Fatalf("bad id: %v", err)
	}
	if err := d.PutCategory(Category{ID: "pendidikan"}); !errors.As(err, &ie) || ie.Field != "name" {
		t.Fatalf("no name: %v", err)
	}
	if c, ok := d.Category("infrastruktur"); !ok || c.Name != "Infrastruktur" {
		t.Fatalf("Category: %+v %v", c, ok)
	}
}

func TestEmptyLists(t *testing.T) {
	d, _ := newService(t)
	a, err := d.Agencies()
	if err != nil || len(a) != 0 {
		t.Fatalf("%v %v", a, err)
	}
	c, err := d.Categories()
	if err != nil || len(c) != 0 {
		t.Fatalf("%v %v", c, err)
	}
}

// TestCache checks that existence checks are served from memory, that a
// Put invalidates the copy, and that a store failure is not cached.
func TestCache(t *testing.T) {
	d, cs := newService(t)
	if err := d.PutAgency(Agency{ID: "dinkes", Name: "Dinkes"}); err != nil {
		t.Fatal(err)
	}
	base := cs.views.Load()
	for range 100 {
		if !d.AgencyExists("dinkes") || d.AgencyExists("dinsos") {
			t.Fatal("wrong answer")
		}
	}
	if n := cs.views.Load() - base; n != 1 {
		t.Fatalf("200 checks read the store %d times, want 1", n)
	}
	if err := d.PutAgency(Agency{ID: "dinsos", Name: "Dinsos"}); err != nil {
		t.Fatal(err)
	}
	if !d.AgencyExists("dinsos") {
		t.Fatal("a Put is not seen by the next check")
	}
	if n := cs.views.Load() - base; n != 2 {
		t.Fatalf("reads after a Put: %d, want 2", n)
	}
	// Categories have their own copy: a category Put leaves agencies cached.
	if err := d.PutCategory(Category{ID: "kesehatan", Name: "Kesehatan"}); err != nil {
		t.Fatal(err)
	}
	_ = d.AgencyExists("dinkes")
	if n := cs.views.Load() - base; n != 2 {
		t.Fatalf("a category Put reloaded agencies (%d reads)", n)
	}

	// A failing store answers false (fail closed) and is not cached.
	if err := d.PutAgency(Agency{ID: "disdik", Name: "Disdik"}); err != nil {
		t.Fatal(err)
	}
	cs.fail.Store(true)
	if d.AgencyExists("dinkes") {
		t.Fatal("a failed load answered true")
	}
	if _, err := d.Agencies(); !errors.Is(err, errStoreDown) {
		t.Fatalf("Agencies on a failing store: %v", err)
	}
	cs.fail.Store(false)
	if !d.AgencyExists("disdik") || !d.AgencyExists("dinkes") {
		t.Fatal("the failure was cached")
	}
}

func TestCorruptRecords(t *testing.T) {
	tests := []struct {
		name, key, value string
	}{
		{"not JSON", "dinkes", "{"},
		{"other version", "dinkes", `{"v":2,"id":"dinkes","name":"Dinkes"}`},
		{"id differs from key", "dinkes", `{"v":1,"id":"dinsos","name":"Dinkes"}`},
		{"array", "dinkes", `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, cs := newService(t)
			if err := d.PutAgency(Agency{ID: "disdik", Name: "Disdik"}); err != nil {
				t.Fatal(err)
			}
			for _, b := range Buckets {
				if err := cs.Update(func(tx vault.Tx) error { return tx.Put(b, []byte(tt.key), []byte(tt.value)) }); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := d.Agencies(); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Agencies: %v", err)
			}
			if _, err := d.Categories(); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Categories: %v", err)
			}
			if d.AgencyExists("disdik") || d.CategoryExists("dinkes") {
				t.Fatal("a corrupt bucket answered true")
			}
		})
	}
}

func TestConcurrentPutAndCheck(t *testing.T) {
	d, _ := newService(t)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range 10 {
				id := fmt.Sprintf("agency-%d-%d", w, i)
				if err := d.PutAgency(Agency{ID: id, Name: "Agency"}); err != nil {
					t.Error(err)
					return
				}
				// A Put is visible to the next check of any goroutine.
				if !d.AgencyExists(id) {
					t.Errorf("%s missing right after its Put", id)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range 50 {
				_ = d.AgencyExists("agency-0-0")
			}
		}()
	}
	wg.Wait()
	list, err := d.Agencies()
	if err != nil || len(list) != 40 {
		t.Fatalf("%d agencies, %v", len(list), err)
	}
}

// TestVaultChecksAgencies wires AgencyExists into the vault as the server
// does: the vault's store is only known after Open, so the check goes
// through a variable set right after.
func TestVaultChecksAgencies(t *testing.T) {
	var d *Service
	v := openVault(t, func(o *vault.Options) {
		o.AgencyExists = func(id string) bool { return d.AgencyExists(id) }
	})
	d = New(v.Store())
	sub := vault.Submission{
		Title: "Puskesmas tutup pada jam layanan", Body: "Puskesmas kecamatan tutup sejak pukul sepuluh pagi.",
		Category: "kesehatan", Region: "kabupaten-bandung", Agency: "dinkes",
		Privacy: vault.PrivacyAnonymous, Channel: vault.ChannelWeb,
	}
	var ie *vault.InputError
	if _, err := v.Submit(sub); !errors.As(err, &ie) || ie.Field != "agency" {
		t.Fatalf("unknown agency: %v", err)
	}
	if err := d.PutAgency(Agency{ID: "dinkes", Name: "Dinas Kesehatan"}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Submit(sub); err != nil {
		t.Fatalf("after PutAgency: %v", err)
	}
}

// FuzzCheck runs the field checks on arbitrary input: they never panic,
// and whatever they accept is stored and read back unchanged.
func FuzzCheck(f *testing.F) {
	f.Add("dinkes", "Dinas Kesehatan", "kabupaten-bandung")
	f.Add("-x", " \t", "")
	f.Add("a", "\xff", "Bandung")
	f.Add(strings.Repeat("a", 41), strings.Repeat("é", 201), strings.Repeat("r", 65))
	f.Fuzz(func(t *testing.T, id, name, region string) {
		a, err := Agency{ID: id, Name: name, Region: region}.clean()
		if err != nil {
			var ie *vault.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v", err)
			}
			// Reasons are fixed phrases: long enough input never shows up.
			for _, in := range []string{id, name, region} {
				if len(in) >= 8 && strings.Contains(err.Error(), in) {
					t.Fatalf("error %v echoes the input", err)
				}
			}
			return
		}
		if !ValidID(a.ID) || a.Name == "" || a.Name != strings.TrimSpace(a.Name) {
			t.Fatalf("accepted %+v", a)
		}
		raw, err := a.record()
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeAgency([]byte(a.ID), raw)
		if err != nil || back != a {
			t.Fatalf("round trip %+v → %+v, %v", a, back, err)
		}
	})
}

// FuzzDecode feeds arbitrary stored bytes to the record decoders.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("dinkes"), []byte(`{"v":1,"id":"dinkes","name":"Dinkes"}`))
	f.Add([]byte("dinkes"), []byte(`{"v":1,"id":"dinkes","name":"Dinkes","region":"x"}`))
	f.Add([]byte("x"), []byte(`{"v":1}`))
	f.Add([]byte(""), []byte(`null`))
	f.Fuzz(func(t *testing.T, key, raw []byte) {
		if a, err := decodeAgency(key, raw); err == nil && a.ID != string(key) {
			t.Fatalf("agency %+v under key %q", a, key)
		} else if err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("untyped error %v", err)
		}
		if c, err := decodeCategory(key, raw); err == nil && c.ID != string(key) {
			t.Fatalf("category %+v under key %q", c, key)
		} else if err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("untyped error %v", err)
		}
	})
}

func TestOnChangeRunsInTheTransaction(t *testing.T) {
	d := New(openVault(t).Store())
	var seen []string
	d.OnChange(func(tx vault.Tx, c Change) error {
		seen = append(seen, c.Kind+":"+c.ID+":"+string(c.By.Role)+":"+c.By.ID)
		if c.ID == "refused" {
			return errors.New("hook refused")
		}
		return nil
	})
	if err := d.PutAgency(Agency{ID: "dinkes", Name: "Dinas Kesehatan"}); err != nil {
		t.Fatal(err)
	}
	if err := d.As(vault.Actor{Role: vault.RoleAdmin, ID: "admin"}).PutAgency(Agency{ID: "dpupr", Name: "Dinas PUPR"}); err != nil {
		t.Fatal(err)
	}
	if err := d.PutCategory(Category{ID: "refused", Name: "X"}); err == nil {
		t.Fatal("a failing hook did not fail the Put")
	}
	if d.CategoryExists("refused") {
		t.Fatal("a Put whose hook failed was kept")
	}
	if len(seen) != 3 || seen[0] != "agency:dinkes:system:" || seen[1] != "agency:dpupr:admin:admin" {
		t.Fatalf("hook calls %v", seen)
	}
}
