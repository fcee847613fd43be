package seal

import (
	"bytes"
	stdhpke "crypto/hpke"
	"testing"

	"kotak/internal/testkit"
)

// Interoperability with an independent HPKE implementation: Go's standard
// crypto/hpke, whose MLKEM768X25519 is the same X-Wing KEM (0x647a).

var (
	stdKEM  = stdhpke.MLKEM768X25519()
	stdKDF  = stdhpke.HKDFSHA256()
	stdAEAD = stdhpke.ChaCha20Poly1305()
)

func TestStdlibSuiteIDs(t *testing.T) {
	if stdKEM.ID() != uint16(KEM) || stdKDF.ID() != uint16(KDF) || stdAEAD.ID() != uint16(AEAD) {
		t.Fatalf("suite ids differ: std %#x/%#x/%#x, kotak %#x/%#x/%#x",
			stdKEM.ID(), stdKDF.ID(), stdAEAD.ID(), uint16(KEM), uint16(KDF), uint16(AEAD))
	}
}

func TestStdlibInteropAuditorShares(t *testing.T) {
	f := newFixture(t, 3, 2, 40, 0)
	const cid = "c-interop"
	r, err := Seal(testkit.Rand(40), f.kr, cid, []byte(testPlain))
	if err != nil {
		t.Fatal(err)
	}
	shares := f.openAll(t, r, cid)
	for i, id := range f.ids {
		idx := i + 1
		priv, err := stdKEM.NewPrivateKey(id.XWingSeed())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(priv.PublicKey().Bytes(), f.kr.Auditors[i].XWing) {
			t.Fatal("crypto/hpke derives another public key from the auditor's seed")
		}
		info := shareInfo(r.KeyringID, cid, idx)

		// kotak → crypto/hpke
		got, err := stdhpke.Open(priv, stdKDF, stdAEAD, info, r.shares[i].sealed)
		if err != nil {
			t.Fatalf("crypto/hpke cannot open kotak's share %d: %v", idx, err)
		}
		if !bytes.Equal(got, shares[i].Value) {
			t.Fatalf("share %d differs", idx)
		}
		if _, err := stdhpke.Open(priv, stdKDF, stdAEAD, shareInfo(r.KeyringID, cid, idx%3+1), r.shares[i].sealed); err == nil {
			t.Fatal("crypto/hpke opened a share under another index")
		}

		// crypto/hpke → kotak
		pub, err := stdKEM.NewPublicKey(f.kr.Auditors[i].XWing)
		if err != nil {
			t.Fatal(err)
		}
		ct, err := stdhpke.Seal(pub, stdKDF, stdAEAD, info, shares[i].Value)
		if err != nil {
			t.Fatal(err)
		}
		if len(ct) != sealedShareSize {
			t.Fatalf("crypto/hpke output %d bytes, want %d", len(ct), sealedShareSize)
		}
		r2, err := Parse(mustMarshal(t, r))
		if err != nil {
			t.Fatal(err)
		}
		r2.shares[i].sealed = ct
		s, err := OpenShare(r2, cid, f.kr, id)
		if err != nil {
			t.Fatalf("kotak cannot open crypto/hpke's share %d: %v", idx, err)
		}
		if s.Index != idx || !bytes.Equal(s.Value, shares[i].Value) {
			t.Fatalf("share %d differs", idx)
		}
	}
}

func TestStdlibInteropReseal(t *testing.T) {
	seed, pub, err := NewRecipientKey(testkit.Rand(41))
	if err != nil {
		t.Fatal(err)
	}
	priv, err := stdKEM.NewPrivateKey(seed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(priv.PublicKey().Bytes(), pub) {
		t.Fatal("recipient public keys differ between kotak and crypto/hpke")
	}
	share := Share{Index: 2, Value: bytes.Repeat([]byte{7}, ShareSize)}
	const req, cid = "req-7", "c-7"

	// kotak → crypto/hpke
	blob, err := Reseal(testkit.Rand(42), share, pub, req, cid)
	if err != nil {
		t.Fatal(err)
	}
	hdr := len(resealMagic) + 1 + 6 + 1
	got, err := stdhpke.Open(priv, stdKDF, stdAEAD, resealInfo(req, cid, 2), blob[hdr:])
	if err != nil || !bytes.Equal(got, share.Value) {
		t.Fatalf("crypto/hpke cannot open a kotak re-sealed share: %v", err)
	}

	// crypto/hpke → kotak
	stdPub, err := stdKEM.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := stdhpke.Seal(stdPub, stdKDF, stdAEAD, resealInfo(req, cid, 2), share.Value)
	if err != nil {
		t.Fatal(err)
	}
	blob2 := append(bytes.Clone(blob[:hdr]), ct...)
	s, err := OpenResealed(seed, blob2, req, cid)
	if err != nil || s.Index != 2 || !bytes.Equal(s.Value, share.Value) {
		t.Fatalf("kotak cannot open a crypto/hpke re-sealed share: %v", err)
	}
}
