package attach_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"log"

	"kotak/vault/attach"
)

func ExampleSanitize() {
	// A tiny PNG; a real upload would carry EXIF, XMP or text chunks.
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		log.Fatal(err)
	}
	clean, kind, err := attach.Sanitize(buf.Bytes(), attach.DefaultLimits)
	if err != nil {
		log.Fatal(err)
	}
	cfg, _ := png.DecodeConfig(bytes.NewReader(clean))
	fmt.Println(kind, cfg.Width, cfg.Height)

	// PDFs are recognised by content and refused.
	_, kind, err = attach.Sanitize([]byte("%PDF-1.7\n..."), attach.DefaultLimits)
	fmt.Println(kind, errors.Is(err, attach.ErrPDFUnsupported), errors.Is(err, attach.ErrUnsupported))
	// Output:
	// image/png 4 3
	// application/pdf true true
}
