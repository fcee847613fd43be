package unseal

import (
	"bytes"
	"reflect"
	"testing"
)

func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte(defaultPolicyFile))
	f.Add([]byte(`{"version":1,"legal_bases":["a"],"requester_roles":["admin"],"request_expiry_days":1,"max_open_requests_per_requester":100,"notify_reporter_at_approval":true,"max_notice_deferral_days":0}`))
	f.Add([]byte(`{"version":1,"version":1}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`[[[[[[[[[[[[]]]]]]]]]]]]`))
	f.Add([]byte(`{"legal_bases":["court_order","court_order"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePolicy(data)
		if err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted an invalid policy: %v", err)
		}
		out, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		q, err := ParsePolicy(out)
		if err != nil || !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip: %+v, %v", q, err)
		}
	})
}

func FuzzParseRecipientKey(f *testing.F) {
	good, _ := EncodeRecipientKey(bytes.Repeat([]byte{3}, 32))
	f.Add(good)
	f.Add(append(bytes.Clone(good), '\n'))
	f.Add([]byte("kotak-recipient-key v1\nseed \n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		seed, err := ParseRecipientKey(data)
		if err != nil {
			return
		}
		back, err := EncodeRecipientKey(seed)
		if err != nil || !bytes.Equal(back, data) {
			t.Fatalf("accepted a non-canonical key file %q", data)
		}
	})
}

// FuzzDecisionInput: whatever share, signature and verdict an auditor
// posts, only the genuine decision verifies, and nothing panics.
func FuzzDecisionInput(f *testing.F) {
	r := testKeyring(f, 3, 2)
	rc := newRecipient(f, 1)
	st := testStatement()
	st.KeyringID = r.kr.ID()
	st.AuditorID = "auditor-1"
	st.RecipientKey = rc.pub
	share, err := sealTestShare(rc.pub, st.RequestID, st.ComplaintID)
	if err != nil {
		f.Fatal(err)
	}
	st.SealedShare = share
	sig, err := st.Sign(r.ids[0])
	if err != nil {
		f.Fatal(err)
	}
	a, _, _ := r.kr.Auditor("auditor-1")
	f.Add(share, sig, "approve")
	f.Add([]byte{}, sig, "deny")
	f.Add(share[:12], sig[:10], "approve")
	f.Fuzz(func(t *testing.T, sh, sg []byte, verdict string) {
		_ = CheckResealedShare(sh, 1)
		s := st
		s.SealedShare, s.Verdict = sh, Verdict(verdict)
		err := s.Verify(a.Ed25519, sg)
		genuine := bytes.Equal(sh, share) && bytes.Equal(sg, sig) && verdict == "approve"
		if (err == nil) != genuine {
			t.Fatalf("verify %v for genuine=%v", err, genuine)
		}
	})
}
