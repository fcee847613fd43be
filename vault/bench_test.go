package vault

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"kotak/crypto/box"
	"kotak/crypto/seal"
	"kotak/internal/testkit"
)

// runCallers runs b.N calls of fn spread over callers goroutines and
// reports the throughput.
func runCallers(b *testing.B, callers int, fn func(i int) error) {
	b.Helper()
	var wg sync.WaitGroup
	b.ResetTimer()
	for c := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; i < b.N; i += callers {
				if err := fn(i); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// submissionBytes is how many bytes one submission stores, summed over
// every bucket it writes.
func submissionBytes(b *testing.B) int {
	e := newEnv(b)
	s := e.submit(b, PrivacyConfidential)
	n := 0
	if err := e.v.store.View(func(tx Tx) error {
		for _, bk := range allBuckets {
			c := tx.Cursor(bk)
			for k, v := c.First(); k != nil; k, v = c.Next() {
				if bk[0] == 'm' { // meta
					continue
				}
				n += len(k) + len(v)
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	_ = s
	return n
}

// BenchmarkSubmit measures durable sealed submissions (input checks,
// redaction, sealing to a 2-of-3 keyring, encryption, one fsynced commit)
// for 1 and 64 concurrent callers, next to a bare bbolt put of the same
// number of bytes in the same run (Update for 1 caller, Batch for 64).
func BenchmarkSubmit(b *testing.B) {
	size := submissionBytes(b)
	b.Logf("one submission stores %d bytes", size)
	// The sealing alone (n HPKE X-Wing seals), the CPU floor of a submission.
	b.Run("seal-only", func(b *testing.B) {
		ring := testKeyring(b)
		sealer := seal.Sealer{Keyring: ring.kr}
		payload, _ := json.Marshal(SealedPayload{V: sealedPayloadVersion, Title: sampleSubmission("").Title,
			Body: sampleSubmission("").Body, Attachments: []string{}})
		runCallers(b, 1, func(int) error { _, err := sealer.Seal("KTK-0000000000000", payload); return err })
	})
	for _, callers := range []int{1, 64} {
		b.Run(fmt.Sprintf("vault/callers=%d", callers), func(b *testing.B) {
			e := newEnv(b, func(o *Options) { o.Rand = nil; o.Now = nil })
			sub := sampleSubmission(PrivacyConfidential)
			runCallers(b, callers, func(int) error { _, err := e.v.Submit(sub); return err })
		})
		b.Run(fmt.Sprintf("bbolt/callers=%d", callers), func(b *testing.B) {
			db, err := bolt.Open(filepath.Join(b.TempDir(), "bare.db"), 0o600,
				&bolt.Options{FreelistType: bolt.FreelistMapType})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			bucket := []byte("b")
			if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(bucket); return err }); err != nil {
				b.Fatal(err)
			}
			val := make([]byte, size)
			write := db.Update
			if callers > 1 {
				write = db.Batch
			}
			runCallers(b, callers, func(i int) error {
				key := fmt.Appendf(nil, "%016x", rand.Uint64())
				return write(func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put(key, val) })
			})
		})
	}
}

// Inbox benchmark databases, built once per process.
var (
	benchMu  sync.Mutex
	benchDBs = map[int]*env{}
	benchDir string
)

const benchAgency = "dinas-pu"

// benchVault returns a vault holding n complaints written directly as
// records in big transactions (not sealed one by one): a fifth of those
// dispatched belong to benchAgency, the rest to 49 other agencies.
func benchVault(b *testing.B, n int) *env {
	benchMu.Lock()
	defer benchMu.Unlock()
	if e, ok := benchDBs[n]; ok {
		return e
	}
	if benchDir == "" {
		d, err := os.MkdirTemp("", "kotak-bench")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = d
	}
	dir := filepath.Join(benchDir, fmt.Sprint(n))
	e := &env{dir: dir, clock: testkit.NewClock(start), ring: testKeyring(b)}
	e.opts = Options{Keyring: e.ring.kr, Now: e.clock.Now}
	v, err := Open(dir, e.opts)
	if err != nil {
		b.Fatal(err)
	}
	e.v = v
	t0 := time.Now()
	if err := benchFill(v, n); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %d complaints in %v", n, time.Since(t0).Round(time.Millisecond))
	benchDBs[n] = e
	return e
}

// benchFill writes n complaints. Ids are drawn first and sorted, and times
// increase with them, so every bucket is filled in key order.
func benchFill(v *Vault, n int) error {
	rng := rand.New(rand.NewPCG(1, 2))
	rnd := rand.NewChaCha8([32]byte{3})
	ids := make([]string, n)
	for i := range ids {
		id, err := drawID(rnd)
		if err != nil {
			return err
		}
		ids[i] = id
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	statuses := []Status{StatusSubmitted, StatusDispatched, StatusDispatched, StatusInProgress,
		StatusInProgress, StatusResolved, StatusClosed, StatusArchived, StatusOnHold}
	const perTx = 20_000
	for lo := 0; lo < len(ids); lo += perTx {
		hi := min(lo+perTx, len(ids))
		type kv struct{ bucket, key, val []byte }
		var writes []kv
		for i := lo; i < hi; i++ {
			id := ids[i]
			at := start.Add(time.Duration(i) * time.Second)
			st := statuses[rng.IntN(len(statuses))]
			r := &record{ID: id, Status: st, Privacy: PrivacyConfidential, Channel: ChannelWeb,
				Category: "infrastruktur", Region: "kota-bandung", SubmittedAt: at, UpdatedAt: at,
				VerifyDue: at.Add(72 * time.Hour), ReceiptHash: make([]byte, 32)}
			if st != StatusSubmitted && st != StatusOnHold && st != StatusArchived {
				r.Agency = benchAgency
				if rng.IntN(5) != 0 {
					r.Agency = fmt.Sprintf("dinas-%02d", rng.IntN(49))
				}
				r.DispatchedAt, r.VerifiedAt = at, at
				r.FirstDue, r.CompletionDue = at.Add(120*time.Hour), at.Add(60*24*time.Hour)
			}
			dek, _ := box.NewDEK(rnd)
			wrapped, err := box.Wrap(rnd, v.kek, dek, aadDEK(id))
			if err != nil {
				return err
			}
			d := &detail{V: recordVersion, Body: "Jalan berlubang di depan pasar sejak bulan lalu.",
				Events:   []Event{{Time: at, Actor: Actor{Role: RoleReporter}, Action: ActionSubmit, Complaint: id, To: StatusSubmitted}},
				Messages: []Message{}, ProfileKey: make([]byte, 32), Profile: []byte{}}
			plain, _ := json.Marshal(d)
			if r.Title, err = box.Seal(rnd, dek, fmt.Appendf(nil, "Aduan nomor %d", i), aadTitle(id)); err != nil {
				return err
			}
			sealedDetail, err := box.Seal(rnd, dek, plain, aadDetail(id))
			if err != nil {
				return err
			}
			raw, err := r.encode()
			if err != nil {
				return err
			}
			writes = append(writes, kv{bucketComplaints, []byte(id), raw}, kv{bucketDEKs, []byte(id), wrapped},
				kv{bucketDetails, []byte(id), sealedDetail})
			for _, ie := range indexEntries(r) {
				writes = append(writes, kv{ie.bucket, ie.key, []byte{}})
			}
		}
		if err := v.store.Update(func(tx Tx) error {
			for _, w := range writes {
				if err := tx.Put(w.bucket, w.key, w.val); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

var benchSizes = []struct {
	name string
	n    int
}{{"1k", 1_000}, {"1M", 1_000_000}}

// BenchmarkInboxPage lists the newest 20 dispatched complaints of one
// agency, and the page after them, at 1,000 and 1,000,000 complaints.
func BenchmarkInboxPage(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			if size.n > 1000 && testing.Short() {
				b.Skip("large database skipped in -short mode")
			}
			e := benchVault(b, size.n)
			handler := Actor{Role: RoleAgency, ID: "staff", Agency: benchAgency}
			first, err := e.v.List(handler, Filter{Status: StatusDispatched, Limit: 20})
			if err != nil || len(first.Items) != 20 || first.NextCursor == "" {
				b.Fatalf("first page: %d items, %v", len(first.Items), err)
			}
			for i := 0; b.Loop(); i++ {
				f := Filter{Status: StatusDispatched, Limit: 20}
				if i%2 == 1 {
					f.Cursor = first.NextCursor
				}
				p, err := e.v.List(handler, f)
				if err != nil || len(p.Items) == 0 {
					b.Fatalf("page: %d items, %v", len(p.Items), err)
				}
			}
		})
	}
}

// BenchmarkAllPage lists the newest 20 complaints of all, as an admin.
func BenchmarkAllPage(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			if size.n > 1000 && testing.Short() {
				b.Skip("large database skipped in -short mode")
			}
			e := benchVault(b, size.n)
			for b.Loop() {
				p, err := e.v.List(admin, Filter{Limit: 20})
				if err != nil || len(p.Items) != 20 {
					b.Fatalf("page: %d items, %v", len(p.Items), err)
				}
			}
		})
	}
}

// closeBenchVaults removes the benchmark databases; TestMain calls it.
func closeBenchVaults() {
	benchMu.Lock()
	defer benchMu.Unlock()
	for _, e := range benchDBs {
		_ = e.v.Close()
	}
	if benchDir != "" {
		_ = os.RemoveAll(benchDir)
	}
}
