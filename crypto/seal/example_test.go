package seal_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"

	"kotak/crypto/seal"
	"kotak/keys"
)

// demoKeyring makes a 2-of-3 keyring and its auditors' identities. In
// production the identities come from key files made by the ceremony.
func demoKeyring() (*keys.Keyring, []*keys.Identity) {
	var ids []*keys.Identity
	var pubs []keys.Auditor
	for i := 1; i <= 3; i++ {
		id, err := keys.GenerateIdentity(rand.Reader, fmt.Sprintf("auditor-%d", i), fmt.Sprintf("Auditor %d", i))
		if err != nil {
			panic(err)
		}
		ids = append(ids, id)
		pubs = append(pubs, id.Public())
	}
	_, root, _ := ed25519.GenerateKey(rand.Reader)
	kr, err := keys.NewKeyring(root, 2, pubs)
	if err != nil {
		panic(err)
	}
	return kr, ids
}

// Seal a complaint's private part, then open it with two auditors' shares.
func ExampleSeal() {
	kr, auditors := demoKeyring()
	rec, err := seal.Seal(rand.Reader, kr, "LAP-0001", []byte("reporter: Budi, 0812..."))
	if err != nil {
		panic(err)
	}
	stored, _ := rec.MarshalBinary() // what the vault keeps

	rec, err = seal.Parse(stored)
	if err != nil {
		panic(err)
	}
	var shares []seal.Share
	for _, a := range []*keys.Identity{auditors[0], auditors[2]} {
		s, err := seal.OpenShare(rec, "LAP-0001", kr, a)
		if err != nil {
			panic(err)
		}
		shares = append(shares, s)
	}
	_, err = seal.Open(rec, "LAP-0001", kr, shares[:1])
	fmt.Println("one share:", errors.Is(err, seal.ErrNotEnoughShares))
	p, err := seal.Open(rec, "LAP-0001", kr, shares)
	fmt.Printf("two shares: %s %v\n", p, err)
	// Output:
	// one share: true
	// two shares: reporter: Budi, 0812... <nil>
}

// The unseal flow: the officer makes a recipient key for the request; each
// approving auditor opens their share and re-seals it to that key; the
// officer opens the re-sealed shares and the record.
func ExampleReseal() {
	kr, auditors := demoKeyring()
	rec, _ := seal.Seal(rand.Reader, kr, "LAP-0002", []byte("identity"))

	seed, pub, _ := seal.NewRecipientKey(rand.Reader) // officer's machine

	var approvals [][]byte // posted with each signed approval
	for _, a := range auditors[1:] {
		s, err := seal.OpenShare(rec, "LAP-0002", kr, a) // auditor's machine
		if err != nil {
			panic(err)
		}
		blob, err := seal.Reseal(rand.Reader, s, pub, "req-9", "LAP-0002")
		s.Wipe()
		if err != nil {
			panic(err)
		}
		approvals = append(approvals, blob)
	}

	var shares []seal.Share // officer's machine again
	for _, blob := range approvals {
		s, err := seal.OpenResealed(seed, blob, "req-9", "LAP-0002")
		if err != nil {
			panic(err)
		}
		shares = append(shares, s)
	}
	p, err := seal.Open(rec, "LAP-0002", kr, shares)
	fmt.Printf("%s %v\n", p, err)
	// Output: identity <nil>
}

// A wrong share is caught and blamed on its auditor.
func ExampleRecord_CheckShare() {
	kr, auditors := demoKeyring()
	rec, _ := seal.Seal(rand.Reader, kr, "LAP-0003", []byte("identity"))
	s, _ := seal.OpenShare(rec, "LAP-0003", kr, auditors[1])
	fmt.Println(rec.CheckShare("LAP-0003", s))

	s.Value[0] ^= 1
	var se *seal.ShareError
	if errors.As(rec.CheckShare("LAP-0003", s), &se) {
		fmt.Println("wrong share from", se.AuditorID)
	}
	// Output:
	// <nil>
	// wrong share from auditor-2
}

// The vault seals through a Sealer and stores the bytes.
func ExampleSealer() {
	kr, _ := demoKeyring()
	s := seal.Sealer{Keyring: kr, Rand: rand.Reader}
	b, err := s.Seal("LAP-0004", []byte("identity"))
	if err != nil {
		panic(err)
	}
	rec, err := seal.Parse(b)
	fmt.Println(rec.Threshold, rec.N(), rec.KeyringID == kr.ID(), err)
	// Output: 2 3 true <nil>
}

// Parse refuses records of a future format version with a typed error.
func ExampleParse() {
	kr, _ := demoKeyring()
	rec, _ := seal.Seal(rand.Reader, kr, "LAP-0005", []byte("identity"))
	b, _ := rec.MarshalBinary()
	b[4] = 9 // the version byte
	_, err := seal.Parse(b)
	fmt.Println(errors.Is(err, seal.ErrVersion))
	// Output: true
}
