package directory_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"

	"kotak/keys"
	"kotak/vault"
	"kotak/vault/directory"
)

func Example() {
	dir, err := os.MkdirTemp("", "kotak-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	id, err := keys.GenerateIdentity(rand.Reader, "auditor-1", "Auditor 1")
	if err != nil {
		panic(err)
	}
	_, root, _ := ed25519.GenerateKey(rand.Reader)
	kr, err := keys.NewKeyring(root, 1, []keys.Auditor{id.Public()})
	if err != nil {
		panic(err)
	}

	// The vault checks dispatch targets against the directory, which lives
	// in the vault's own store: wire the check through a variable.
	var d *directory.Service
	v, err := vault.Open(dir, vault.Options{
		Keyring:      kr,
		Buckets:      directory.Buckets,
		AgencyExists: func(id string) bool { return d.AgencyExists(id) },
	})
	if err != nil {
		panic(err)
	}
	defer v.Close()
	d = directory.New(v.Store())

	for _, a := range []directory.Agency{
		{ID: "dinkes", Name: "Dinas Kesehatan", Region: "kabupaten-bandung"},
		{ID: "disdukcapil", Name: "Dinas Kependudukan dan Pencatatan Sipil", Region: "kabupaten-bandung"},
	} {
		if err := d.PutAgency(a); err != nil {
			panic(err)
		}
	}
	agencies, err := d.Agencies()
	if err != nil {
		panic(err)
	}
	for _, a := range agencies {
		fmt.Println(a.ID, "-", a.Name)
	}
	fmt.Println(d.AgencyExists("dinkes"), d.AgencyExists("dinsos"))
	// Output:
	// dinkes - Dinas Kesehatan
	// disdukcapil - Dinas Kependudukan dan Pencatatan Sipil
	// true false
}

func ExampleService_PutCategory() {
	dir, err := os.MkdirTemp("", "kotak-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	id, _ := keys.GenerateIdentity(rand.Reader, "auditor-1", "Auditor 1")
	_, root, _ := ed25519.GenerateKey(rand.Reader)
	kr, _ := keys.NewKeyring(root, 1, []keys.Auditor{id.Public()})
	v, err := vault.Open(dir, vault.Options{Keyring: kr, Buckets: directory.Buckets})
	if err != nil {
		panic(err)
	}
	defer v.Close()
	d := directory.New(v.Store())

	err = d.PutCategory(directory.Category{ID: "Kesehatan", Name: "Kesehatan"})
	fmt.Println(err)
	if err := d.PutCategory(directory.Category{ID: "kesehatan", Name: "Kesehatan"}); err != nil {
		panic(err)
	}
	fmt.Println(d.CategoryExists("kesehatan"))
	// Output:
	// vault: bad input: id: must be 2-40 of a-z, 0-9 and '-', starting with a letter or digit
	// true
}
