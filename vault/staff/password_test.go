package staff

import (
	"errors"
	"strings"
	"testing"

	"kotak/internal/testkit"
)

// goodHash is a canonical hash of "kata sandi yang panjang" with tinyParams.
func goodHash(t testing.TB) string {
	t.Helper()
	h, err := newHash(testkit.Rand(5), pw, tinyParams)
	if err != nil {
		t.Fatal(err)
	}
	return h.String()
}

func TestParseHash(t *testing.T) {
	good := goodHash(t)
	salt := strings.Split(good, "$")[4]
	key := strings.Split(good, "$")[5]
	tests := []struct {
		name string
		in   string
		want error // nil: accepted
	}{
		{"good", good, nil},
		{"production parameters", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key, nil},
		{"upper bounds", "$argon2id$v=19$m=262144,t=4,p=16$" + salt + "$" + key, nil},

		{"argon2i", strings.Replace(good, "argon2id", "argon2i", 1), ErrHashFormat},
		{"argon2d", strings.Replace(good, "argon2id", "argon2d", 1), ErrHashFormat},
		{"version 16", strings.Replace(good, "v=19", "v=16", 1), ErrHashFormat},
		{"no version", strings.Replace(good, "$v=19", "", 1), ErrHashFormat},
		{"parameters reordered", strings.Replace(good, "m=64,t=1", "t=1,m=64", 1), ErrHashFormat},
		{"parameter missing", strings.Replace(good, ",p=1", "", 1), ErrHashFormat},
		{"extra parameter", strings.Replace(good, "p=1", "p=1,k=2", 1), ErrHashFormat},
		{"leading zero", strings.Replace(good, "m=64", "m=064", 1), ErrHashFormat},
		{"plus sign", strings.Replace(good, "t=1", "t=+1", 1), ErrHashFormat},
		{"negative", strings.Replace(good, "t=1", "t=-1", 1), ErrHashFormat},
		{"space", strings.Replace(good, "t=1", "t= 1", 1), ErrHashFormat},
		{"huge number", strings.Replace(good, "m=64", "m=99999999999999999999", 1), ErrHashFormat},
		{"above uint32", strings.Replace(good, "m=64", "m=4294967360", 1), ErrParams},
		{"t=0", strings.Replace(good, "t=1", "t=0", 1), ErrParams},
		{"p=0", strings.Replace(good, "p=1", "p=0", 1), ErrParams},
		{"m below 8 per lane", strings.Replace(good, "m=64,t=1,p=1", "m=64,t=1,p=9", 1), ErrParams},
		{"t=17", strings.Replace(good, "t=1", "t=17", 1), ErrParams},
		{"p=17", strings.Replace(good, "m=64,t=1,p=1", "m=1024,t=1,p=17", 1), ErrParams},
		{"m=1 GiB", strings.Replace(good, "m=64", "m=1048576", 1), ErrParams},
		{"t×m too much work", strings.Replace(good, "m=64,t=1", "m=262144,t=5", 1), ErrParams},
		{"salt too short", strings.Replace(good, salt, salt[:8], 1), ErrHashFormat},
		{"salt missing", strings.Replace(good, salt, "", 1), ErrHashFormat},
		{"key too short", strings.Replace(good, key, key[:20], 1), ErrHashFormat},
		{"salt padded", strings.Replace(good, salt, salt+"==", 1), ErrHashFormat},
		{"salt non-zero trailing bits", strings.Replace(good, salt, salt[:len(salt)-1]+"B", 1), ErrHashFormat},
		{"url-safe alphabet", strings.Replace(good, key, "-"+key[1:], 1), ErrHashFormat},
		{"newline in key", strings.Replace(good, key, key[:10]+"\n"+key[10:], 1), ErrHashFormat},
		{"CR in salt", strings.Replace(good, salt, salt[:4]+"\r"+salt[4:], 1), ErrHashFormat},
		{"trailing dollar", good + "$", ErrHashFormat},
		{"trailing newline", good + "\n", ErrHashFormat},
		{"leading space", " " + good, ErrHashFormat},
		{"too long", good[:len(good)-len(key)] + strings.Repeat("A", 300), ErrHashFormat},
		{"empty", "", ErrHashFormat},
		{"bcrypt", "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", ErrHashFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := parseHash(tt.in)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if h.String() != tt.in {
					t.Fatalf("round trip: %q", h.String())
				}
				return
			}
			if !errors.Is(err, tt.want) || h != nil {
				t.Fatalf("got %v (%v), want %v", h, err, tt.want)
			}
		})
	}
}

func TestHashVerify(t *testing.T) {
	h, err := parseHash(goodHash(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		password string
		want     bool
	}{
		{"right", pw, true},
		{"wrong", "kata sandi yang salah", false},
		{"case changed", strings.ToUpper(pw), false},
		{"trailing space", pw + " ", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		if got := h.verify(tt.password); got != tt.want {
			t.Errorf("%s: verify = %v", tt.name, got)
		}
	}
	// Each stored part matters.
	for name, bad := range map[string]*passwordHash{
		"key":    {h.params, h.salt, flip(h.key)},
		"salt":   {h.params, flip(h.salt), h.key},
		"time":   {Params{2, h.params.MemoryKiB, h.params.Threads}, h.salt, h.key},
		"memory": {Params{h.params.Time, 72, h.params.Threads}, h.salt, h.key},
		"lanes":  {Params{h.params.Time, h.params.MemoryKiB, 2}, h.salt, h.key},
	} {
		if bad.verify(pw) {
			t.Errorf("a changed %s still verifies", name)
		}
	}
	// Two hashes of one password differ (fresh salt), and both verify.
	h2, _ := newHash(testkit.Rand(6), pw, tinyParams)
	if h2.String() == h.String() || !h2.verify(pw) {
		t.Fatal("salt is not fresh per hash")
	}
}

func TestParamsValidate(t *testing.T) {
	if err := DefaultParams().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if p := DefaultParams(); p.Time != 2 || p.MemoryKiB != 19456 || p.Threads != 1 {
		t.Fatalf("defaults are %+v", p)
	}
	for _, p := range []Params{{}, {1, 7, 1}, {1, 64, 0}, {17, 64, 1}, {1, MaxMemoryKiB + 1, 1}, {1, 64, MaxThreads + 1}, {5, MaxMemoryKiB, 1}} {
		if err := p.Validate(); !errors.Is(err, ErrParams) {
			t.Errorf("%+v: %v", p, err)
		}
	}
}

// FuzzParseHash checks that the stored-hash parser never panics, accepts
// only canonical strings and only parameters within bounds.
func FuzzParseHash(f *testing.F) {
	good := goodHash(f)
	f.Add(good)
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")
	f.Add("$argon2id$v=19$m=4294967295,t=4294967295,p=255$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add(strings.Replace(good, "v=19", "v=16", 1))
	f.Add(good + "\n")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$$")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parseHash(s)
		if err != nil {
			if h != nil {
				t.Fatal("a hash returned with an error")
			}
			if !errors.Is(err, ErrHashFormat) && !errors.Is(err, ErrParams) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if h.String() != s {
			t.Fatalf("accepted a non-canonical form %q", s)
		}
		if err := h.params.Validate(); err != nil {
			t.Fatalf("accepted out-of-bounds parameters: %v", err)
		}
		if len(h.salt) < minSaltLen || len(h.salt) > maxSaltLen || len(h.key) < minKeyLen || len(h.key) > maxKeyLen {
			t.Fatalf("accepted salt %d / key %d bytes", len(h.salt), len(h.key))
		}
	})
}

// FuzzCheckToken checks that the token parser never panics and accepts
// exactly the form Login issues.
func FuzzCheckToken(f *testing.F) {
	f.Add("kts_" + strings.Repeat("A", 43))
	f.Add("kts_" + strings.Repeat("A", 42) + "B") // non-zero trailing bits
	f.Add("kts_" + strings.Repeat("-", 43))
	f.Add("kts_")
	f.Add("")
	f.Add("Bearer kts_" + strings.Repeat("_", 43))
	f.Fuzz(func(t *testing.T, s string) {
		if !checkToken(s) {
			return
		}
		if !tokenRE.MatchString(s) {
			t.Fatalf("accepted %q", s)
		}
	})
}
