package staff_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strings"

	"kotak/keys"
	"kotak/vault"
	"kotak/vault/staff"
)

// openVault opens a throwaway vault whose store holds the staff buckets.
func openVault() (v *vault.Vault, cleanup func()) {
	dir, err := os.MkdirTemp("", "kotak-example")
	if err != nil {
		panic(err)
	}
	id, err := keys.GenerateIdentity(rand.Reader, "auditor-1", "Auditor 1")
	if err != nil {
		panic(err)
	}
	_, root, _ := ed25519.GenerateKey(rand.Reader)
	kr, err := keys.NewKeyring(root, 1, []keys.Auditor{id.Public()})
	if err != nil {
		panic(err)
	}
	v, err = vault.Open(dir, vault.Options{Keyring: kr, Buckets: staff.Buckets})
	if err != nil {
		panic(err)
	}
	return v, func() { v.Close(); os.RemoveAll(dir) }
}

func Example() {
	v, cleanup := openVault()
	defer cleanup()
	s := staff.New(v.Store(), staff.Options{})

	if _, err := s.AddUser("siti", "kata sandi yang panjang", vault.RoleAgency, "dinkes", ""); err != nil {
		panic(err)
	}
	token, u, _, err := s.Login("siti", "kata sandi yang panjang")
	if err != nil {
		panic(err)
	}
	fmt.Println(u.Username, u.Role, strings.HasPrefix(token, "kts_"))

	// Each request presents the token.
	_, actor, err := s.Authenticate(token)
	if err != nil {
		panic(err)
	}
	fmt.Println(actor.Role, actor.ID, actor.Agency)

	if err := s.Logout(token); err != nil {
		panic(err)
	}
	_, _, err = s.Authenticate(token)
	fmt.Println(errors.Is(err, staff.ErrBadCredentials))
	// Output:
	// siti agency true
	// agency siti dinkes
	// true
}

func ExampleService_Login_badCredentials() {
	v, cleanup := openVault()
	defer cleanup()
	s := staff.New(v.Store(), staff.Options{})
	if _, err := s.AddUser("budi", "kata sandi yang panjang", vault.RoleAdmin, "", ""); err != nil {
		panic(err)
	}
	// A wrong password and an unknown user give the same error.
	_, _, _, err1 := s.Login("budi", "kata sandi yang salah")
	_, _, _, err2 := s.Login("tidak-ada", "kata sandi yang panjang")
	fmt.Println(errors.Is(err1, staff.ErrBadCredentials), errors.Is(err2, staff.ErrBadCredentials))
	// Output: true true
}

func ExampleService_AddUser_invalid() {
	v, cleanup := openVault()
	defer cleanup()
	s := staff.New(v.Store(), staff.Options{})
	_, err := s.AddUser("siti", "kata sandi yang panjang", vault.RoleAgency, "", "")
	var ie *vault.InputError
	if errors.As(err, &ie) {
		fmt.Println(ie.Field, "-", ie.Reason)
	}
	// Output: agency - required for agency accounts
}

func ExampleService_Disable() {
	v, cleanup := openVault()
	defer cleanup()
	s := staff.New(v.Store(), staff.Options{})
	if _, err := s.AddUser("budi", "kata sandi yang panjang", vault.RoleOfficer, "", ""); err != nil {
		panic(err)
	}
	token, _, _, err := s.Login("budi", "kata sandi yang panjang")
	if err != nil {
		panic(err)
	}
	if err := s.Disable("budi"); err != nil {
		panic(err)
	}
	_, _, err = s.Authenticate(token)
	fmt.Println(errors.Is(err, staff.ErrBadCredentials))
	// Output: true
}
