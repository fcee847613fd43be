package testkit_test

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"kotak/internal/testkit"
)

func ExampleRand() {
	a, b := make([]byte, 16), make([]byte, 16)
	_, _ = io.ReadFull(testkit.Rand(7), a)
	_, _ = io.ReadFull(testkit.Rand(7), b)
	fmt.Println(bytes.Equal(a, b))
	// Output: true
}

func ExampleKeyring() {
	// A nil testing.TB is allowed; a real test passes its t.
	kr, ids := testkit.Keyring(nil, 3, 2)
	fmt.Println(kr.Threshold, kr.N(), ids[0].AuditorID, kr.CheckIdentity(ids[2]) == nil)
	// Output: 2 3 auditor-1 true
}

func ExampleClock() {
	c := testkit.NewClock(time.Date(2026, 3, 17, 10, 0, 0, 0, time.UTC))
	now := c.Now // what a constructor's clock option takes
	c.Add(48 * time.Hour)
	fmt.Println(now().Format(time.DateOnly))
	// Output: 2026-03-19
}
