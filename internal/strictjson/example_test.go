package strictjson_test

import (
	"errors"
	"fmt"

	"kotak/internal/strictjson"
)

func ExampleDecode() {
	var v struct {
		Title string `json:"title"`
	}
	fmt.Println(strictjson.Decode([]byte(`{"title":"jalan rusak"}`), &v, strictjson.Options{}), v.Title)

	err := strictjson.Decode([]byte(`{"title":"a","title":"b"}`), &v, strictjson.Options{})
	var dup *strictjson.DuplicateKeyError
	fmt.Println(errors.As(err, &dup), dup.Path)

	err = strictjson.Decode([]byte(`{"title":"a"} {}`), &v, strictjson.Options{})
	fmt.Println(errors.Is(err, strictjson.ErrTrailingData))
	// Output:
	// <nil> jalan rusak
	// true title
	// true
}

func ExampleUniqueKeys() {
	raw := []byte(`{"items":[{"id":1},{"id":2,"id":3}]}`)
	for _, o := range []strictjson.Options{{IndexArrays: true}, {}} {
		var dup *strictjson.DuplicateKeyError
		if errors.As(strictjson.UniqueKeys(raw, o), &dup) {
			fmt.Println(dup.Path)
		}
	}
	// Output:
	// items[1].id
	// items.id
}
