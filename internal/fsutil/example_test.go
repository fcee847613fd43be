package fsutil_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"kotak/internal/fsutil"
)

func ExampleWriteExclusive() {
	dir, err := os.MkdirTemp("", "fsutil-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "secret.key")

	fmt.Println(fsutil.WriteExclusive(path, []byte("first\n"), 0o600))
	// A second write never replaces the first.
	err = fsutil.WriteExclusive(path, []byte("second\n"), 0o600)
	fmt.Println(errors.Is(err, fs.ErrExist))
	data, _ := os.ReadFile(path)
	fmt.Printf("%q\n", data)
	// Output:
	// <nil>
	// true
	// "first\n"
}

func ExampleWriteReplace() {
	dir, err := os.MkdirTemp("", "fsutil-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "audit.pub")

	_ = fsutil.WriteReplace(path, []byte("old\n"), 0o644)
	fmt.Println(fsutil.WriteReplace(path, []byte("new\n"), 0o644))
	data, _ := os.ReadFile(path)
	fmt.Printf("%q\n", data)
	// Output:
	// <nil>
	// "new\n"
}
