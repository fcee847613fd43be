package box_test

import (
	"crypto/rand"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"kotak/crypto/box"
)

func Example() {
	dir, err := os.MkdirTemp("", "kotak-box-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// First start: the key file is created with mode 0600.
	master, err := box.LoadOrCreateMasterKey(filepath.Join(dir, "master.key"), rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	kek := master.Subkey("kotak/v1 kek")

	// One DEK per complaint, stored only wrapped under the KEK.
	id := []byte("KTK-7Q2MX4")
	dek, err := box.NewDEK(rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	wrapped, err := box.Wrap(rand.Reader, kek, dek, id)
	if err != nil {
		log.Fatal(err)
	}
	sealed, err := box.Seal(rand.Reader, dek, []byte("Jalan berlubang di depan sekolah"), id)
	if err != nil {
		log.Fatal(err)
	}

	// Reading it back.
	dek2, err := box.Unwrap(kek, wrapped, id)
	if err != nil {
		log.Fatal(err)
	}
	text, err := box.Open(dek2, sealed, id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(text))

	// The same ciphertext under another complaint id does not open.
	_, err = box.Open(dek2, sealed, []byte("KTK-OTHER"))
	fmt.Println(err)
	fmt.Println(master)
	// Output:
	// Jalan berlubang di depan sekolah
	// box: cannot open sealed data
	// box.MasterKey(redacted)
}
