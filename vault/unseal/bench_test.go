package unseal

import (
	"crypto/rand"
	"slices"
	"testing"
	"time"

	"kotak/crypto/seal"
)

// BenchmarkUnsealOverhead times a whole unseal through the service — the
// officer's key and filing, two auditors each opening their share,
// re-sealing it, signing and posting, the logged fetch of the shares, and
// the officer's opening — against two baselines run in the same
// iterations (in rotating order, so all see the same machine load):
//
//   - bare: the share cryptography of the design, 2 OpenShare + 2 Reseal
//   - Open ("x-bare");
//   - crypto: every cryptographic step of the flow with no storage: bare
//     plus the recipient key pair, parsing the recipient key, 2 Ed25519
//     signatures and verifications and the officer's 2 OpenResealed
//     ("x-crypto").
//
// It reports the medians and their ratios. Every service step is a durable
// write transaction with its audit entries (4 commits: file, 2 decisions,
// reveal).
func BenchmarkUnsealOverhead(b *testing.B) {
	e := newEnv(b, 3, 2, func(o *Options) {
		p := DefaultPolicy()
		p.MaxOpenPerRequester = MaxOpenLimit
		o.Policy = p
		o.Rand = rand.Reader
	})
	sealed, err := e.v.SealedRecord(e.complaint)
	if err != nil {
		b.Fatal(err)
	}
	rec, err := seal.Parse(sealed)
	if err != nil {
		b.Fatal(err)
	}
	_, pub, err := seal.NewRecipientKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	bare := func() {
		var shares []seal.Share
		for _, id := range e.ring.ids[:2] {
			sh, err := seal.OpenShare(rec, e.complaint, e.ring.kr, id)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := seal.Reseal(rand.Reader, sh, pub, "UNS-0000000000000", e.complaint); err != nil {
				b.Fatal(err)
			}
			shares = append(shares, sh)
		}
		if _, err := seal.Open(rec, e.complaint, e.ring.kr, shares); err != nil {
			b.Fatal(err)
		}
	}
	st := testStatement()
	st.KeyringID, st.AuditorID = e.ring.kr.ID(), "auditor-1"
	aud, _, _ := e.ring.kr.Auditor("auditor-1")
	crypto := func() {
		seed, pub, err := seal.NewRecipientKey(rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		if err := CheckRecipientKey(pub); err != nil {
			b.Fatal(err)
		}
		var shares []seal.Share
		for _, id := range e.ring.ids[:2] {
			sh, err := seal.OpenShare(rec, e.complaint, e.ring.kr, id)
			if err != nil {
				b.Fatal(err)
			}
			rs, err := seal.Reseal(rand.Reader, sh, pub, "UNS-0000000000000", e.complaint)
			if err != nil {
				b.Fatal(err)
			}
			st.SealedShare, st.RecipientKey = rs, pub
			sig, err := st.Sign(e.ring.ids[0])
			if err != nil || st.Verify(aud.Ed25519, sig) != nil {
				b.Fatal("sign/verify")
			}
			back, err := seal.OpenResealed(seed, rs, "UNS-0000000000000", e.complaint)
			if err != nil {
				b.Fatal(err)
			}
			shares = append(shares, back)
		}
		if _, err := seal.Open(rec, e.complaint, e.ring.kr, shares); err != nil {
			b.Fatal(err)
		}
	}
	full := func() {
		seed, pub, err := seal.NewRecipientKey(rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		q, err := e.svc.File(officer, Filing{ComplaintID: e.complaint, LegalBasis: BasisCourtOrder,
			Justification: testJust, RecipientKey: pub})
		if err != nil {
			b.Fatal(err)
		}
		for i := 1; i <= 2; i++ {
			if _, err := e.decide(q, i, e.decisionTo(q, i, Approve, pub)); err != nil {
				b.Fatal(err)
			}
		}
		rv, err := e.svc.Reveal(officer, q.ID)
		if err != nil {
			b.Fatal(err)
		}
		if p := reveal(b, e.ring.kr, rv, recipient{seed, pub}); p.Reporter.NIK != testReporter.NIK {
			b.Fatal("wrong identity")
		}
	}
	runs := []func(){full, bare, crypto}
	times := make([][]time.Duration, len(runs))
	for i := 0; b.Loop(); i++ {
		for j := range runs {
			k := (i + j) % len(runs)
			times[k] = append(times[k], timed(runs[k]))
		}
	}
	mf, mb, mc := median(times[0]), median(times[1]), median(times[2])
	b.ReportMetric(float64(mf.Nanoseconds()), "unseal-ns")
	b.ReportMetric(float64(mb.Nanoseconds()), "bare-ns")
	b.ReportMetric(float64(mc.Nanoseconds()), "crypto-ns")
	b.ReportMetric(float64(mf)/float64(mb), "x-bare")
	b.ReportMetric(float64(mf)/float64(mc), "x-crypto")
}

func timed(fn func()) time.Duration {
	t0 := time.Now()
	fn()
	return time.Since(t0)
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
