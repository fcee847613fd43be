package auditlog

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"kotak/internal/testkit"
	"kotak/vault"
)

// Concurrent first starts agree on one signer key: the key file is created
// exclusively and the losers load the winner's.
func TestLoadOrCreateSignerConcurrentFirstStart(t *testing.T) {
	dir := t.TempDir()
	const n = 6
	vkeys := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, vkeys[i], errs[i] = LoadOrCreateSigner(dir, "lapor.example.id", testkit.Rand(uint64(20+i)))
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if vkeys[i] != vkeys[0] {
			t.Fatalf("caller %d got another key", i)
		}
	}
	if vkeys[1] == "" {
		t.Fatal("no key")
	}
	if pub, _ := os.ReadFile(filepath.Join(dir, VerifierKeyFile)); string(pub) != vkeys[0]+"\n" {
		t.Fatalf("public file %q", pub)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 2 {
		t.Fatalf("directory holds %d entries (%v), want the two key files", len(entries), err)
	}
}

func TestLoadOrCreateSigner(t *testing.T) {
	dir := t.TempDir()
	s, vkey, err := LoadOrCreateSigner(dir, "lapor.example.id", testkit.Rand(5))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name() != "kotak/lapor.example.id" || !strings.HasPrefix(vkey, "kotak/lapor.example.id+") {
		t.Fatalf("name %q, vkey %q", s.Name(), vkey)
	}
	for name, mode := range map[string]os.FileMode{SignerKeyFile: 0o600, VerifierKeyFile: 0o644} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil || st.Mode().Perm() != mode {
			t.Fatalf("%s: mode %v, %v", name, st.Mode(), err)
		}
	}
	priv, _ := os.ReadFile(filepath.Join(dir, SignerKeyFile))
	pub, _ := os.ReadFile(filepath.Join(dir, VerifierKeyFile))
	if !bytes.HasPrefix(priv, []byte("PRIVATE+KEY+kotak/lapor.example.id+")) || string(pub) != vkey+"\n" {
		t.Fatalf("files: %q / %q", priv[:20], pub)
	}
	// A checkpoint signed by s opens with the published key.
	v, err := NewVerifier(string(pub))
	if err != nil {
		t.Fatal(err)
	}
	cp, err := SignCheckpoint(s, tlog.Tree{N: 3, Hash: tlog.RecordHash([]byte("x"))})
	if err != nil {
		t.Fatal(err)
	}
	if tr, err := OpenCheckpoint(cp, v); err != nil || tr.N != 3 {
		t.Fatalf("OpenCheckpoint = %+v, %v", tr, err)
	}

	// The second start loads the same key (other randomness is not used)
	// and rewrites a damaged public file.
	if err := os.WriteFile(filepath.Join(dir, VerifierKeyFile), []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	s2, vkey2, err := LoadOrCreateSigner(dir, "lapor.example.id", testkit.Rand(6))
	if err != nil || vkey2 != vkey || s2.KeyHash() != s.KeyHash() {
		t.Fatalf("reload: %v, %q", err, vkey2)
	}
	if pub, _ := os.ReadFile(filepath.Join(dir, VerifierKeyFile)); string(pub) != vkey+"\n" {
		t.Fatalf("public file not restored: %q", pub)
	}

	tests := []struct {
		name     string
		instance string
		prepare  func(t *testing.T, dir string)
		want     error
	}{
		{"other instance", "other.example.id", nil, ErrKeyMismatch},
		{"bad instance", "Lapor Example", nil, ErrInstance},
		{"instance with plus", "a+b", nil, ErrInstance},
		{"key readable by others", "lapor.example.id", func(t *testing.T, dir string) {
			if err := os.Chmod(filepath.Join(dir, SignerKeyFile), 0o644); err != nil {
				t.Fatal(err)
			}
		}, ErrKeyFileMode},
		{"key garbled", "lapor.example.id", func(t *testing.T, dir string) {
			p := filepath.Join(dir, SignerKeyFile)
			b, _ := os.ReadFile(p)
			b[len(b)-5] ^= 1
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}, ErrKeyFormat},
		{"verifier key in the signer file", "lapor.example.id", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, SignerKeyFile), []byte(vkey+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, ErrKeyFormat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := t.TempDir()
			if _, _, err := LoadOrCreateSigner(d, "lapor.example.id", testkit.Rand(5)); err != nil {
				t.Fatal(err)
			}
			if tc.prepare != nil {
				tc.prepare(t, d)
			}
			if _, _, err := LoadOrCreateSigner(d, tc.instance, testkit.Rand(7)); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestOpenCheckpointTampered(t *testing.T) {
	s, v := testSigner(t, 1, "lapor.example.id")
	other, _ := testSigner(t, 2, "lapor.example.id")
	imposter, _ := testSigner(t, 3, "other.example.id")
	tree := tlog.Tree{N: 12, Hash: tlog.RecordHash([]byte("root"))}
	good, err := SignCheckpoint(s, tree)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := OpenCheckpoint(good, v); err != nil || got != tree {
		t.Fatalf("OpenCheckpoint = %+v, %v", got, err)
	}
	body := string(FormatCheckpointBody("kotak/lapor.example.id", tree))
	signBody := func(text string, signer note.Signer) []byte {
		msg, err := note.Sign(&note.Note{Text: text}, signer)
		if err != nil {
			t.Fatal(err)
		}
		return msg
	}
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 1
		return b
	}
	sigStart := bytes.Index(good, []byte("\n\n")) + 2
	tests := []struct {
		name string
		msg  []byte
		want error
	}{
		{"size changed", bytes.Replace(good, []byte("\n12\n"), []byte("\n13\n"), 1), ErrSignature},
		{"root bit flipped", flip(len("kotak/lapor.example.id\n12\n") + 3), ErrSignature},
		{"signature bit flipped", flip(len(good) - 10), ErrSignature},
		{"key hash changed", flip(sigStart + len("— kotak/lapor.example.id ") + 1), ErrSignature},
		{"signed by another key of the same name", signBody(body, other), ErrSignature},
		{"signed by another log's key", signBody(body, imposter), ErrSignature},
		{"origin differs from key", signBody(strings.Replace(body, "lapor.example.id", "lapor2.example.id", 1), s), ErrOrigin},
		{"extra line", signBody(body+"extra\n", s), ErrCheckpointFormat},
		{"size with leading zero", signBody(strings.Replace(body, "\n12\n", "\n012\n", 1), s), ErrCheckpointFormat},
		{"negative size", signBody(strings.Replace(body, "\n12\n", "\n-12\n", 1), s), ErrCheckpointFormat},
		{"short hash", signBody("kotak/lapor.example.id\n12\nAAAA\n", s), ErrCheckpointFormat},
		{"go.sum tree format", signBody(string(tlog.FormatTree(tree)), s), ErrCheckpointFormat},
		{"empty tree with a root", signBody(strings.Replace(body, "\n12\n", "\n0\n", 1), s), ErrCheckpointFormat},
		{"no signature", []byte(body), ErrCheckpointFormat},
		{"truncated", good[:len(good)-3], ErrCheckpointFormat},
		{"too long", append(bytes.Repeat([]byte("x"), MaxCheckpointSize), good...), ErrCheckpointFormat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := OpenCheckpoint(tc.msg, v)
			if !errors.Is(err, tc.want) || got != (tlog.Tree{}) {
				t.Fatalf("got %+v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

// countingSigner counts signatures.
type countingSigner struct {
	note.Signer
	n atomic.Int64
}

func (c *countingSigner) Sign(msg []byte) ([]byte, error) {
	c.n.Add(1)
	return c.Signer.Sign(msg)
}

func TestCheckpointer(t *testing.T) {
	st, _ := newStore(t)
	s, v := testSigner(t, 1, "test.example")
	cs := &countingSigner{Signer: s}
	c := NewCheckpointer(st, cs)
	l := New(st)
	if _, err := l.Checkpoint(); !errors.Is(err, ErrNoCheckpoint) {
		t.Fatalf("checkpoint before signing: %v", err)
	}
	// A manual clock drives Start.
	ticks := make(chan time.Time)
	stopped := false
	c.ticker = func(time.Duration) (<-chan time.Time, func()) { return ticks, func() { stopped = true } }
	var errs atomic.Int64
	stop, err := c.Start(time.Second, func(error) { errs.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	// The empty tree is signed at once.
	checkStored := func(wantN int64) {
		t.Helper()
		cp, err := l.Checkpoint()
		if err != nil {
			t.Fatal(err)
		}
		tree, err := OpenCheckpoint(cp, v)
		if err != nil {
			t.Fatal(err)
		}
		head, _ := l.TreeHead()
		if tree.N != wantN || head.N != wantN || tree.Hash != head.Hash {
			t.Fatalf("checkpoint %d, head %d, want %d (roots equal: %v)", tree.N, head.N, wantN, tree.Hash == head.Hash)
		}
	}
	checkStored(0)
	if cs.n.Load() != 1 {
		t.Fatalf("%d signatures", cs.n.Load())
	}
	// Ticks without new entries sign nothing. (An unbuffered send returns
	// once the goroutine took the tick; the second send waits for the first
	// SignNow to finish.)
	ticks <- time.Time{}
	ticks <- time.Time{}
	if cs.n.Load() != 1 {
		t.Fatalf("re-signed an unchanged tree: %d signatures", cs.n.Load())
	}
	appendN(t, st, 0, 5, 2)
	ticks <- time.Time{}
	ticks <- time.Time{}
	checkStored(5)
	if cs.n.Load() != 2 {
		t.Fatalf("%d signatures after one change", cs.n.Load())
	}
	stop()
	stop()
	if !stopped {
		t.Fatal("ticker not stopped")
	}
	if errs.Load() != 0 {
		t.Fatalf("%d errors", errs.Load())
	}
	// Entries appended after stop are signed by the next SignNow only.
	appendN(t, st, 5, 9, 4)
	checkStored2 := func() int64 {
		cp, _ := l.Checkpoint()
		tr, _ := OpenCheckpoint(cp, v)
		return tr.N
	}
	if checkStored2() != 5 {
		t.Fatal("signed after stop")
	}
	if signed, err := c.SignNow(); !signed || err != nil {
		t.Fatalf("SignNow = %v, %v", signed, err)
	}
	checkStored(9)
}

// TestCheckpointNeverShrinks: a signer that read an older tree never
// replaces a newer stored checkpoint.
func TestCheckpointNeverShrinks(t *testing.T) {
	st, _ := newStore(t)
	s, v := testSigner(t, 1, "test.example")
	appendN(t, st, 0, 4, 4)
	old, err := SignCheckpoint(s, mustHead(t, st))
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, st, 4, 8, 4)
	if _, err := NewCheckpointer(st, s).SignNow(); err != nil {
		t.Fatal(err)
	}
	// The slow signer's store step comes last.
	if err := st.Update(func(tx vault.Tx) error { return storeCheckpoint(tx, old, 4) }); err != nil {
		t.Fatal(err)
	}
	cp, _ := New(st).Checkpoint()
	if tr, err := OpenCheckpoint(cp, v); err != nil || tr.N != 8 {
		t.Fatalf("stored %+v, %v", tr, err)
	}
}

func mustHead(t testing.TB, st vault.Store) tlog.Tree {
	t.Helper()
	h, err := New(st).TreeHead()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestVerifierKeyOf: the verifier key derived from a signer key file is
// the one note.GenerateKey made with it, for many keys (whose base64
// often holds "+", the field separator).
func TestVerifierKeyOf(t *testing.T) {
	plus := 0
	for seed := range 64 {
		skey, vkey, err := note.GenerateKey(testkit.Rand(uint64(seed)), "kotak/test.example")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(skey, "+") > 4 {
			plus++
		}
		got, err := verifierKeyOf(skey)
		if err != nil || got != vkey {
			t.Fatalf("seed %d: %q, %v; want %q", seed, got, err, vkey)
		}
	}
	if plus == 0 {
		t.Fatal("no key with '+' in its base64 was tried")
	}
	for _, bad := range []string{"", "PRIVATE+KEY+x", "kotak/test.example+01020304+AAAA", "PRIVATE+KEY+n+00000000+AQID"} {
		if _, err := verifierKeyOf(bad); !errors.Is(err, ErrKeyFormat) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
