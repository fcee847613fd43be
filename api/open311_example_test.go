package api_test

import (
	"errors"
	"fmt"

	"kotak/api"
)

// Open311 submissions that name no attribute[region] go to the server's
// default region; without one, attribute[region] is required.
func ExampleServer_SetOpen311Region() {
	srv := api.New(api.Config{})
	fmt.Println(srv.SetOpen311Region("kab-sleman"))
	fmt.Println(errors.Is(srv.SetOpen311Region("Kabupaten Sleman"), api.ErrOpen311Region))
	// Output:
	// <nil>
	// true
}
