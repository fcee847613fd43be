package redact_test

import (
	"crypto/rand"
	"fmt"

	"kotak/vault/redact"
)

func ExampleRedact() {
	id := redact.Identity{
		Name:    "Budi Santoso",
		Phone:   "+62 812-3456-7890",
		Address: "Jl. Merdeka No. 96, RT 03/RW 05",
	}
	text := "Saya budi santoso (HP 0812 3456 7890), rumah di Jalan Merdeka nomor 96. " +
		"Petugas minta Rp 1.500.000 ke rekening BRI 1824-69-443184-79-9 pada 12 Januari 2026."
	out, findings := redact.Redact(text, id)
	fmt.Println(out)
	for _, f := range findings {
		fmt.Printf("%s %q\n", f.Kind, text[f.Start:f.End])
	}
	// Output:
	// Saya [NAMA] (HP [TELEPON]), rumah di [ALAMAT]. Petugas minta Rp 1.500.000 ke rekening BRI [REKENING] pada 12 Januari 2026.
	// NAMA "budi santoso"
	// TELEPON "0812 3456 7890"
	// ALAMAT "Jalan Merdeka nomor 96"
	// REKENING "1824-69-443184-79-9"
}

// The vault keeps a Profile, not the identity, to redact an anonymous
// reporter's later messages.
func ExampleRedactProfile() {
	key := make([]byte, redact.ProfileKeySize) // one random key per complaint
	if _, err := rand.Read(key); err != nil {
		panic(err)
	}
	stored, err := redact.NewProfile(key, redact.Identity{Name: "Siti Aminah", NIK: "3201014506900002"}).MarshalBinary()
	if err != nil {
		panic(err)
	}

	// later, with the key and the stored profile
	p, err := redact.ParseProfile(key, stored)
	if err != nil {
		panic(err)
	}
	out, _ := redact.RedactProfile("Ini Siti lagi. NIK saya 3201 0145 0690 0002, mohon dicek.", p)
	fmt.Println(out)
	// Output:
	// Ini [NAMA] lagi. NIK saya [NIK], mohon dicek.
}
