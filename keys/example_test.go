package keys_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"kotak/keys"
)

// exampleKDF keeps the examples fast. Production key files use
// keys.DefaultKDFParams().
var exampleKDF = keys.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

func ExampleCeremony() {
	auditors := []keys.AuditorSpec{
		{ID: "auditor-1", Name: "Inspektorat Jenderal"},
		{ID: "auditor-2", Name: "Biro Hukum"},
		{ID: "auditor-3", Name: "Ombudsman Liaison"},
	}
	c, err := keys.Ceremony(rand.Reader, auditors, 2)
	if err != nil {
		panic(err)
	}
	defer c.Wipe()
	fmt.Printf("%d of %d auditors\n", c.Keyring.Threshold, c.Keyring.N())

	// Write the key files and the keyring; in a real ceremony every
	// passphrase comes from its auditor.
	dir, _ := os.MkdirTemp("", "ceremony")
	defer os.RemoveAll(dir)
	pass := [][]byte{[]byte("passphrase one!"), []byte("passphrase two!"), []byte("passphrase three!")}
	files, err := keys.WriteCeremony(rand.Reader, filepath.Join(dir, "out"), c, []byte("ministry root passphrase"), pass, exampleKDF)
	if err != nil {
		panic(err)
	}
	for _, f := range files.Auditors {
		fmt.Println(filepath.Base(f))
	}
	fmt.Println(filepath.Base(files.RootKey), filepath.Base(files.Keyring))

	// An auditor later opens their file and checks it against the keyring.
	kr, err := keys.LoadKeyring(files.Keyring)
	if err != nil {
		panic(err)
	}
	id, err := keys.LoadIdentity(files.Auditors[1], pass[1])
	if err != nil {
		panic(err)
	}
	defer id.Wipe()
	fmt.Println(id.AuditorID, kr.CheckIdentity(id) == nil)
	// Output:
	// 2 of 3 auditors
	// auditor-1.key
	// auditor-2.key
	// auditor-3.key
	// ministry_root.key keyring.txt
	// auditor-2 true
}

func ExampleParseKeyring() {
	c, err := keys.Ceremony(rand.Reader, []keys.AuditorSpec{
		{ID: "auditor-1", Name: "Auditor Satu"},
		{ID: "auditor-2", Name: "Auditor Dua"},
	}, 2)
	if err != nil {
		panic(err)
	}
	defer c.Wipe()
	data := c.Keyring.Marshal()

	kr, err := keys.ParseKeyring(data)
	if err != nil {
		panic(err)
	}
	fmt.Println(kr.ID() == c.Keyring.ID(), kr.Threshold, kr.N())
	a, share, _ := kr.Auditor("auditor-2")
	fmt.Println(a.Name, "holds share", share)

	// Any change is refused; a renamed auditor breaks the root's signature.
	forged := bytes.Replace(data, []byte(`"Auditor Dua"`), []byte(`"Auditor Tiga"`), 1)
	_, err = keys.ParseKeyring(forged)
	fmt.Println(errors.Is(err, keys.ErrKeyringSignature))
	// Output:
	// true 2 2
	// Auditor Dua holds share 2
	// true
}

func ExampleEncryptIdentity() {
	id, err := keys.GenerateIdentity(rand.Reader, "auditor-1", "Auditor Satu")
	if err != nil {
		panic(err)
	}
	defer id.Wipe()
	pass := []byte("tujuh belas agustus")
	data, err := keys.EncryptIdentity(rand.Reader, id, pass, exampleKDF)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(data[:bytes.IndexByte(data, '\n')]))

	back, err := keys.DecryptIdentity(data, pass)
	if err != nil {
		panic(err)
	}
	defer back.Wipe()
	fmt.Println(back.AuditorID, back.Name, back.Public().Fingerprint() == id.Public().Fingerprint())

	_, err = keys.DecryptIdentity(data, []byte("delapan belas agustus"))
	fmt.Println(errors.Is(err, keys.ErrWrongPassphrase))

	data[len(data)/2] ^= 1
	_, err = keys.DecryptIdentity(data, pass)
	fmt.Println(errors.Is(err, keys.ErrKeyFileTampered) || errors.Is(err, keys.ErrKeyFileFormat))
	// Output:
	// -----BEGIN KOTAK AUDITOR KEY-----
	// auditor-1 Auditor Satu true
	// true
	// true
}

func ExampleKeyring_CheckIdentity() {
	c, err := keys.Ceremony(rand.Reader, []keys.AuditorSpec{{ID: "auditor-1", Name: "A"}}, 1)
	if err != nil {
		panic(err)
	}
	defer c.Wipe()
	other, err := keys.GenerateIdentity(rand.Reader, "auditor-1", "A")
	if err != nil {
		panic(err)
	}
	defer other.Wipe()
	fmt.Println(c.Keyring.CheckIdentity(c.Identities[0]))
	fmt.Println(errors.Is(c.Keyring.CheckIdentity(other), keys.ErrIdentityMismatch))
	// Output:
	// <nil>
	// true
}
