package unseal

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"kotak/crypto/seal"
	"kotak/internal/testkit"
	"kotak/keys"
)

func testStatement() Statement {
	var kid keys.ID
	for i := range kid {
		kid[i] = byte(i)
	}
	return Statement{
		RequestID: "UNS-ABCDEFGHJKMNP", ComplaintID: "KTK-0123456789ABC", KeyringID: kid, AuditorID: "auditor-2",
		Verdict: Approve, LegalBasis: BasisCourtOrder, Justification: "Penetapan pengadilan nomor 1",
		RecipientKey: bytes.Repeat([]byte{0xAA}, keys.XWingPublicKeySize), DeferralDays: 30,
		SealedRecord: []byte("sealed record bytes"), SealedShare: []byte("re-sealed share bytes"),
	}
}

// TestMessageLayout rebuilds the documented layout independently.
func TestMessageLayout(t *testing.T) {
	s := testStatement()
	got, err := s.Message()
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	lp := func(x string) {
		want.Write([]byte{byte(len(x) >> 8), byte(len(x))})
		want.WriteString(x)
	}
	h := func(b []byte) { sum := sha256.Sum256(b); want.Write(sum[:]) }
	lp("kotak/v1 unseal decision")
	lp(s.RequestID)
	lp(s.ComplaintID)
	want.Write(s.KeyringID[:])
	lp(s.AuditorID)
	want.WriteByte(1)
	lp(s.LegalBasis)
	h([]byte(s.Justification))
	h(s.RecipientKey)
	want.Write([]byte{0, 30})
	h(s.SealedRecord)
	h(s.SealedShare)
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("message\n%x\nwant\n%x", got, want.Bytes())
	}
	// A denial has no share and ends in 32 zero bytes.
	s.Verdict, s.SealedShare = Deny, nil
	deny, err := s.Message()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(deny[len(deny)-32:], make([]byte, 32)) || deny[len(deny)-32-32-2-32-32-len(s.LegalBasis)-2-1] != 2 {
		t.Fatalf("denial message %x", deny)
	}
}

// TestMessageCoversEveryField: changing any field changes the message.
func TestMessageCoversEveryField(t *testing.T) {
	base := testStatement()
	m0, err := base.Message()
	if err != nil {
		t.Fatal(err)
	}
	muts := map[string]func(*Statement){
		"request":       func(s *Statement) { s.RequestID = "UNS-ABCDEFGHJKMNQ" },
		"complaint":     func(s *Statement) { s.ComplaintID = "KTK-0123456789ABD" },
		"keyring":       func(s *Statement) { s.KeyringID[31] ^= 1 },
		"auditor":       func(s *Statement) { s.AuditorID = "auditor-3" },
		"legal basis":   func(s *Statement) { s.LegalBasis = BasisThreatToLife },
		"justification": func(s *Statement) { s.Justification += "." },
		"recipient key": func(s *Statement) { s.RecipientKey = bytes.Repeat([]byte{0xAB}, keys.XWingPublicKeySize) },
		"deferral":      func(s *Statement) { s.DeferralDays = 0 },
		"sealed record": func(s *Statement) { s.SealedRecord = []byte("sealed record bytez") },
		"share":         func(s *Statement) { s.SealedShare = []byte("re-sealed share bytez") },
		// Shifting bytes between adjacent ids must not give the same message.
		"id boundary": func(s *Statement) { s.RequestID, s.ComplaintID = s.RequestID+"K", s.ComplaintID[1:] },
	}
	for name, mut := range muts {
		s := testStatement()
		mut(&s)
		m, err := s.Message()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if bytes.Equal(m, m0) {
			t.Errorf("changing the %s does not change the message", name)
		}
	}
}

func TestMessageRefuses(t *testing.T) {
	tests := map[string]struct {
		mut  func(*Statement)
		want error
	}{
		"approval without share": {func(s *Statement) { s.SealedShare = nil }, ErrShare},
		"denial with share":      {func(s *Statement) { s.Verdict = Deny }, ErrShare},
		"bad verdict":            {func(s *Statement) { s.Verdict = "yes" }, ErrDecision},
		"deferral 91":            {func(s *Statement) { s.DeferralDays = 91 }, ErrDeferral},
		"deferral -1":            {func(s *Statement) { s.DeferralDays = -1 }, ErrDeferral},
	}
	for name, tc := range tests {
		s := testStatement()
		tc.mut(&s)
		if _, err := s.Message(); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
	for _, f := range []func(*Statement){
		func(s *Statement) { s.RequestID = "" },
		func(s *Statement) { s.ComplaintID = strings.Repeat("K", 257) },
		func(s *Statement) { s.AuditorID = "" },
		func(s *Statement) { s.LegalBasis = "" },
	} {
		s := testStatement()
		f(&s)
		if _, err := s.Message(); err == nil {
			t.Errorf("empty or long field accepted: %+v", s)
		}
	}
}

func TestSignVerify(t *testing.T) {
	r := testKeyring(t, 3, 2)
	s := testStatement()
	s.AuditorID = "auditor-2"
	sig, err := s.Sign(r.ids[1])
	if err != nil {
		t.Fatal(err)
	}
	a, _, _ := r.kr.Auditor("auditor-2")
	if err := s.Verify(a.Ed25519, sig); err != nil {
		t.Fatal(err)
	}
	other, _, _ := r.kr.Auditor("auditor-1")
	if err := s.Verify(other.Ed25519, sig); !errors.Is(err, ErrSignature) {
		t.Fatalf("verify with another key: %v", err)
	}
	if _, err := s.Sign(r.ids[0]); !errors.Is(err, ErrForbidden) {
		t.Fatalf("signing as another auditor: %v", err)
	}
	for i := range sig {
		bad := bytes.Clone(sig)
		bad[i] ^= 0x01
		if s.Verify(a.Ed25519, bad) == nil {
			t.Fatalf("signature with byte %d flipped verifies", i)
		}
	}
	if s.Verify(a.Ed25519, sig[:63]) == nil || s.Verify(a.Ed25519[:31], sig) == nil {
		t.Fatal("short signature or key accepted")
	}
}

func TestCheckResealedShare(t *testing.T) {
	rc := newRecipient(t, 3)
	sh := seal.Share{Index: 2, Value: bytes.Repeat([]byte{7}, seal.ShareSize)}
	b, err := seal.Reseal(testkit.Rand(4), sh, rc.pub, "UNS-ABCDEFGHJKMNP", "KTK-0123456789ABC")
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != ResealedShareSize {
		t.Fatalf("Reseal gives %d bytes, ResealedShareSize is %d", len(b), ResealedShareSize)
	}
	if err := CheckResealedShare(b, 2); err != nil {
		t.Fatal(err)
	}
	if CheckResealedShare(b, 1) == nil || CheckResealedShare(b, 0) == nil || CheckResealedShare(b, 65) == nil {
		t.Fatal("wrong index accepted")
	}
	for i := 0; i < 12; i++ { // every header byte
		bad := bytes.Clone(b)
		bad[i] ^= 0x40
		if CheckResealedShare(bad, 2) == nil {
			t.Errorf("header byte %d changed: accepted", i)
		}
	}
	if CheckResealedShare(b[:len(b)-1], 2) == nil || CheckResealedShare(append(bytes.Clone(b), 0), 2) == nil || CheckResealedShare(nil, 2) == nil {
		t.Fatal("wrong size accepted")
	}
	if binary.BigEndian.Uint16(b[5:]) != uint16(seal.KEM) {
		t.Fatal("layout: suite not at offset 5")
	}
}

func TestRecipientKeyFile(t *testing.T) {
	rc := newRecipient(t, 5)
	f, err := EncodeRecipientKey(rc.seed)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(f), "kotak-recipient-key v1\nseed ") || !strings.HasSuffix(string(f), "\n") {
		t.Fatalf("key file %q", f)
	}
	seed, err := ParseRecipientKey(f)
	if err != nil || !bytes.Equal(seed, rc.seed) {
		t.Fatalf("round trip: %v", err)
	}
	pub, err := RecipientPublicKey(seed)
	if err != nil || !bytes.Equal(pub, rc.pub) {
		t.Fatalf("public key: %v", err)
	}
	bad := []string{
		"", "kotak-recipient-key v1\n", "kotak-recipient-key v2\nseed " + string(f[len("kotak-recipient-key v1\nseed "):]),
		strings.TrimSuffix(string(f), "\n"), string(f) + "\n", strings.Replace(string(f), "seed ", "seed  ", 1),
		strings.Replace(string(f), "\n", "\r\n", 1), "kotak-recipient-key v1\nseed AAAA\n",
		"kotak-recipient-key v1\nseed " + strings.Repeat("A", 44) + "\n", // 33 bytes
	}
	for i, in := range bad {
		if _, err := ParseRecipientKey([]byte(in)); !errors.Is(err, ErrKeyFile) {
			t.Errorf("bad key file %d accepted: %v", i, err)
		}
	}
	if _, err := EncodeRecipientKey(rc.seed[:31]); !errors.Is(err, ErrKeyFile) {
		t.Fatal("short seed encoded")
	}
}

func TestRecipientFingerprint(t *testing.T) {
	a, b := newRecipient(t, 1), newRecipient(t, 2)
	fa := RecipientFingerprint(a.pub)
	if len(fa) != 24 || strings.Count(fa, ":") != 4 || fa != strings.ToUpper(fa) {
		t.Fatalf("fingerprint %q", fa)
	}
	if _, err := hex.DecodeString(strings.ReplaceAll(fa, ":", "")); err != nil {
		t.Fatalf("fingerprint %q is not hex groups", fa)
	}
	if fa == RecipientFingerprint(b.pub) || fa != RecipientFingerprint(bytes.Clone(a.pub)) {
		t.Fatal("fingerprints do not tell keys apart")
	}
	if CheckRecipientKey(a.pub) != nil || CheckRecipientKey(a.pub[1:]) == nil {
		t.Fatal("CheckRecipientKey")
	}
}
