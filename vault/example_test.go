package vault_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"kotak/keys"
	"kotak/vault"
	"kotak/vault/redact"
)

// exampleKeyring makes a 2-of-3 ministry keyring; a real one comes from
// the key ceremony (kotak keys init).
func exampleKeyring() *keys.Keyring {
	var auditors []keys.Auditor
	for i := 1; i <= 3; i++ {
		id, err := keys.GenerateIdentity(rand.Reader, fmt.Sprintf("auditor-%d", i), fmt.Sprintf("Auditor %d", i))
		if err != nil {
			panic(err)
		}
		auditors = append(auditors, id.Public())
	}
	_, root, _ := ed25519.GenerateKey(rand.Reader)
	kr, err := keys.NewKeyring(root, 2, auditors)
	if err != nil {
		panic(err)
	}
	return kr
}

// A complaint from submission to closing.
func Example() {
	dir, _ := os.MkdirTemp("", "kotak-example")
	defer os.RemoveAll(dir)
	now := time.Date(2026, 3, 17, 10, 0, 0, 0, time.FixedZone("WIB", 7*3600))
	v, err := vault.Open(dir, vault.Options{Keyring: exampleKeyring(), Now: func() time.Time { return now }})
	if err != nil {
		panic(err)
	}
	defer v.Close()

	// The reporter submits anonymously and keeps the receipt.
	sub, err := v.Submit(vault.Submission{
		Title: "Lampu jalan mati", Body: "Lampu jalan di Jl. Kenanga mati sejak seminggu.",
		Category: "penerangan", Region: "kota-bandung", Privacy: vault.PrivacyAnonymous,
		Channel: vault.ChannelWeb,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(sub.Status, "verify by", sub.Deadlines.Verify.Format("2006-01-02"))

	admin := vault.Actor{Role: vault.RoleAdmin, ID: "admin-1"}
	handler := vault.Actor{Role: vault.RoleAgency, ID: "staff-1", Agency: "dishub"}
	c, _ := v.Verify(admin, sub.ID, "dishub", "")
	fmt.Println(c.Status, "first response by", c.Deadlines.FirstResponse.Format("2006-01-02"))
	c, _ = v.Respond(handler, sub.ID, "Lampu sudah diganti.", true)
	fmt.Println(c.Status)

	// The reporter follows up with the receipt alone.
	c, _ = v.Rate(sub.Receipt, 5, "Terima kasih")
	fmt.Println(c.Status, c.Rating.Score)
	// Output:
	// submitted verify by 2026-03-27
	// dispatched first response by 2026-03-31
	// resolved
	// closed 5
}

// An agency handler pages through its inbox, newest first.
func ExampleVault_List() {
	dir, _ := os.MkdirTemp("", "kotak-example")
	defer os.RemoveAll(dir)
	v, err := vault.Open(dir, vault.Options{Keyring: exampleKeyring()})
	if err != nil {
		panic(err)
	}
	defer v.Close()
	admin := vault.Actor{Role: vault.RoleAdmin, ID: "admin-1"}
	for i := range 5 {
		s, err := v.Submit(vault.Submission{Title: fmt.Sprintf("Aduan %d", i), Body: "Isi aduan.",
			Category: "umum", Region: "kota-bandung", Privacy: vault.PrivacyPublic, Channel: vault.ChannelAPI,
			Reporter: redact.Identity{Name: "Sari", Email: "sari@example.id"}})
		if err != nil {
			panic(err)
		}
		if _, err := v.Verify(admin, s.ID, "dinas-pu", ""); err != nil {
			panic(err)
		}
	}
	handler := vault.Actor{Role: vault.RoleAgency, ID: "staff-1", Agency: "dinas-pu"}
	f := vault.Filter{Status: vault.StatusDispatched, Limit: 2}
	for {
		page, err := v.List(handler, f)
		if err != nil {
			panic(err)
		}
		fmt.Println(len(page.Items), "items")
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	// Output:
	// 2 items
	// 2 items
	// 1 items
}

// A hot backup restores with the master key file, kept apart from it.
func ExampleVault_Backup() {
	dir, _ := os.MkdirTemp("", "kotak-example")
	defer os.RemoveAll(dir)
	kr := exampleKeyring()
	v, err := vault.Open(filepath.Join(dir, "live"), vault.Options{Keyring: kr})
	if err != nil {
		panic(err)
	}
	sub, _ := v.Submit(vault.Submission{Title: "Antrean", Body: "Antrean puskesmas terlalu panjang.",
		Category: "kesehatan", Region: "kab-garut", Privacy: vault.PrivacyAnonymous, Channel: vault.ChannelSMS})
	var backup bytes.Buffer
	if _, err := v.Backup(&backup); err != nil {
		panic(err)
	}
	v.Close()

	restored := filepath.Join(dir, "restored")
	_ = os.MkdirAll(restored, 0o700)
	_ = os.WriteFile(filepath.Join(restored, vault.DatabaseFile), backup.Bytes(), 0o600)
	key, _ := os.ReadFile(filepath.Join(dir, "live", vault.MasterKeyFile))
	_ = os.WriteFile(filepath.Join(restored, vault.MasterKeyFile), key, 0o600)
	r, err := vault.Open(restored, vault.Options{Keyring: kr})
	if err != nil {
		panic(err)
	}
	defer r.Close()
	c, err := r.Track(sub.Receipt)
	fmt.Println(c.ID == sub.ID, c.Status, err)
	// Output: true submitted <nil>
}
