package receipt_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"log"

	"kotak/vault/receipt"
)

func Example() {
	// At submission: show the receipt once, store only its sum.
	key := bytes.Repeat([]byte{7}, 32) // in the server: master.Subkey("kotak/v1 receipt")
	h := receipt.NewHasher(key)
	r, err := receipt.New(rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	stored, err := h.Sum(r)
	if err != nil {
		log.Fatal(err)
	}

	// Later the citizen types it back, perhaps with dashes.
	typed := bytes.ReplaceAll([]byte(r), []byte(" "), []byte("-"))
	sum, err := h.Sum(string(typed))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(receipt.Equal(stored, sum))
	// Output: true
}

func ExampleNormalize() {
	d, err := receipt.Normalize(" 1234-5678 9012\t3456 7890 ")
	fmt.Println(d, err)
	_, err = receipt.Normalize("1234 5678")
	fmt.Println(err)
	// Output:
	// 12345678901234567890 <nil>
	// receipt: a receipt is 20 digits
}
