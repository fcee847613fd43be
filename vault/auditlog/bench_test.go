package auditlog

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"kotak/internal/testkit"
	"kotak/vault"
	"kotak/vault/store"
)

// Benchmarks. Every figure has a baseline measured in the same run:
//
//	BenchmarkAppend/*/log vs */bare-put: the same entry bytes Put under the
//	same keys without the tree (one transaction per entry, and 1000 per
//	transaction; each commit is fsynced).
//	BenchmarkProof1M/*: proofs in a 1M-entry log vs reading one entry.
//	BenchmarkVerify1M/log vs /bare-sha256: the whole verification vs
//	fetching the same entries and hashing each with SHA-256.
//
// The 1M-entry log is built once per run (outside the timers) in a
// temporary directory removed by TestMain.

func TestMain(m *testing.M) {
	code := m.Run()
	if bigDir != "" {
		os.RemoveAll(bigDir)
	}
	os.Exit(code)
}

var (
	entryValues = sync.OnceValue(func() []Entry {
		out := make([]Entry, 1000)
		for i := range out {
			out[i] = testEntry(i)
		}
		return out
	})
	entryBytes = sync.OnceValue(func() [][]byte {
		out := make([][]byte, 1000)
		for i, e := range entryValues() {
			out[i], _ = e.Marshal()
		}
		return out
	})
)

func benchStore(b *testing.B) testStore {
	st, _ := newStore(b)
	return st
}

func BenchmarkAppend(b *testing.B) {
	entries, values := entryBytes(), entryValues()
	for _, batch := range []int{1, 1000} {
		b.Run(fmt.Sprintf("batch=%d/log", batch), func(b *testing.B) {
			st := benchStore(b)
			i := 0
			for b.Loop() {
				if err := st.Update(func(tx vault.Tx) error {
					for j := range batch {
						if _, err := Append(tx, values[(i+j)%len(values)]); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					b.Fatal(err)
				}
				i += batch
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "entries/s")
		})
		b.Run(fmt.Sprintf("batch=%d/bare-put", batch), func(b *testing.B) {
			st := benchStore(b)
			i := 0
			for b.Loop() {
				if err := st.Update(func(tx vault.Tx) error {
					for j := range batch {
						if err := tx.Put(bucketEntries, indexKey(int64(i+j)), entries[(i+j)%len(entries)]); err != nil {
							return err
						}
					}
					return nil
				}); err != nil {
					b.Fatal(err)
				}
				i += batch
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}

const bigN = 1 << 20 // 1,048,576 entries

var (
	bigOnce sync.Once
	bigDir  string
	bigPath string
	bigVer  note.Verifier
	bigErr  error
)

// bigLog returns a read-only Log over a signed log of bigN entries.
func bigLog(b *testing.B) *Log {
	b.Helper()
	bigOnce.Do(func() {
		bigDir, bigErr = os.MkdirTemp("", "auditlog-bench")
		if bigErr != nil {
			return
		}
		bigPath = filepath.Join(bigDir, "kotak.db")
		db, err := store.Open(bigPath, store.Options{})
		if err != nil {
			bigErr = err
			return
		}
		defer db.Close()
		st := testStore{db}
		if bigErr = st.Update(func(tx vault.Tx) error {
			for _, bk := range Buckets {
				if err := tx.CreateBucket(bk); err != nil {
					return err
				}
			}
			return nil
		}); bigErr != nil {
			return
		}
		const batch = 20_000
		for i := 0; i < bigN; i += batch {
			if bigErr = st.Update(func(tx vault.Tx) error {
				for j := i; j < min(i+batch, bigN); j++ {
					if _, err := Append(tx, testEntry(j)); err != nil {
						return err
					}
				}
				return nil
			}); bigErr != nil {
				return
			}
		}
		skey, vkey, _ := note.GenerateKey(testkit.Rand(1), "kotak/bench.example")
		s, _ := note.NewSigner(skey)
		bigVer, _ = NewVerifier(vkey)
		_, bigErr = NewCheckpointer(st, s).SignNow()
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	l, err := OpenFile(bigPath, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	return l
}

func BenchmarkProof1M(b *testing.B) {
	l := bigLog(b)
	rnd := rand.New(rand.NewPCG(1, 2))
	b.Run("baseline-read-entry", func(b *testing.B) {
		for b.Loop() {
			i := rnd.Int64N(bigN)
			if _, err := l.Entries(i, i+1); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("inclusion", func(b *testing.B) {
		var size int
		for b.Loop() {
			p, err := l.InclusionProof(rnd.Int64N(bigN), bigN)
			if err != nil {
				b.Fatal(err)
			}
			size = len(p) * 32
		}
		b.ReportMetric(float64(size), "proof-bytes")
	})
	b.Run("inclusion-check", func(b *testing.B) {
		head, _ := l.TreeHead()
		i := rnd.Int64N(bigN)
		p, _ := l.InclusionProof(i, bigN)
		e, _ := l.Entries(i, i+1)
		for b.Loop() {
			if err := CheckInclusion(head, i, e[0], p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("consistency", func(b *testing.B) {
		var size int
		for b.Loop() {
			p, err := l.ConsistencyProof(1+rnd.Int64N(bigN-1), bigN)
			if err != nil {
				b.Fatal(err)
			}
			size = len(p) * 32
		}
		b.ReportMetric(float64(size), "proof-bytes")
	})
}

func BenchmarkVerify1M(b *testing.B) {
	l := bigLog(b)
	b.Run("baseline-fetch-sha256", func(b *testing.B) {
		for b.Loop() {
			for i := int64(0); i < bigN; {
				page, err := l.Entries(i, bigN)
				if err != nil {
					b.Fatal(err)
				}
				for _, e := range page {
					_ = sha256.Sum256(e)
				}
				i += int64(len(page))
			}
		}
		b.ReportMetric(float64(b.N*bigN)/b.Elapsed().Seconds(), "entries/s")
	})
	b.Run("verify", func(b *testing.B) {
		for b.Loop() {
			rep, err := Verify(l, VerifyOptions{Verifier: bigVer})
			if err != nil || rep.Tree.N != bigN {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*bigN)/b.Elapsed().Seconds(), "entries/s")
	})
}
