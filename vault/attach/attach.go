// Package attach checks and cleans the files citizens attach to complaints.
//
// Sanitize recognises a file by its content (magic bytes and a full decode),
// never by its name or a declared type, and returns a clean copy:
//
//   - JPEG and PNG images are decoded and re-encoded from their pixels alone
//     (JPEG at quality 90, PNG lossless). Nothing but pixel data survives:
//     no EXIF (GPS position, camera serial, time), XMP, IPTC, ICC profile,
//     comments, text chunks, thumbnails or trailing data. A JPEG's EXIF
//     orientation is applied to the pixels first, so the picture still shows
//     the right way up.
//   - PDF files are refused with ErrPDFUnsupported: removing every trace of
//     metadata from a PDF (Info dictionaries of every revision, XMP streams,
//     possibly compressed inside object streams, embedded files) cannot be
//     done reliably without a full PDF implementation. See
//     docs/attachments.md.
//
// Image dimensions are read from the header and checked against
// Limits.MaxPixels before any pixel memory is allocated, so a small file
// declaring a huge image (a decompression bomb) is refused cheaply.
package attach

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
)

// Kind is the media type of an accepted attachment.
type Kind string

// The kinds Sanitize recognises.
const (
	JPEG Kind = "image/jpeg"
	PNG  Kind = "image/png"
	PDF  Kind = "application/pdf" // recognised, then refused with ErrPDFUnsupported
)

// Limits bounds what Sanitize accepts. A zero or negative field takes its
// value from DefaultLimits.
type Limits struct {
	MaxBytes  int64 // size of the uploaded file
	MaxPixels int   // width × height of an image, checked before decoding
}

// DefaultLimits are 10 MiB and 40 megapixels. Decoding and re-encoding an
// image at the pixel limit takes up to about 10 bytes per pixel (400 MB), so
// callers should bound how many Sanitize calls run at once.
var DefaultLimits = Limits{MaxBytes: 10 << 20, MaxPixels: 40_000_000}

// JPEGQuality is the quality at which JPEG images are re-encoded.
const JPEGQuality = 90

// pdfSearch is how far into a file a PDF header is looked for; PDF readers
// accept a header within the first 1024 bytes.
const pdfSearch = 1024

// Errors returned by Sanitize. Match them with errors.Is. Their messages
// describe the file's structure only, never its content.
var (
	ErrTooLarge       = errors.New("attach: file is larger than the limit")
	ErrTooManyPixels  = errors.New("attach: image has more pixels than the limit")
	ErrUnsupported    = errors.New("attach: file type not accepted (JPEG and PNG images only)")
	ErrCorrupt        = errors.New("attach: file is damaged or not what it claims to be")
	ErrPDFUnsupported = fmt.Errorf("%w: PDF files are not accepted because their hidden metadata cannot be removed reliably; send photos or screenshots of the pages instead", ErrUnsupported)
)

var (
	jpegMagic = []byte{0xff, 0xd8, 0xff}
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
	pdfMagic  = []byte("%PDF-")
)

// Sanitize checks data and returns a copy without metadata and its kind.
//
// On success clean is a freshly encoded JPEG or PNG holding only the image's
// pixels (see the package comment); data is not modified. On error clean is
// nil and kind is the recognised kind if any (PDF for ErrPDFUnsupported),
// else "". Errors: ErrTooLarge (len(data) over MaxBytes), ErrTooManyPixels
// (checked from the header, before decoding), ErrPDFUnsupported (which also
// matches ErrUnsupported), ErrUnsupported (any other content, including
// image encodings Go cannot decode, such as arithmetic-coded JPEG), and
// ErrCorrupt (the content does not decode fully). Sanitize never panics on
// any input.
func Sanitize(data []byte, lim Limits) (clean []byte, kind Kind, err error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return nil, "", fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), lim.MaxBytes)
	}
	switch {
	case bytes.HasPrefix(data, jpegMagic):
		clean, err = sanitizeJPEG(data, lim)
		kind = JPEG
	case bytes.HasPrefix(data, pngMagic):
		clean, err = sanitizePNG(data, lim)
		kind = PNG
	case bytes.Contains(data[:min(len(data), pdfSearch)], pdfMagic):
		return nil, PDF, ErrPDFUnsupported
	default:
		return nil, "", ErrUnsupported
	}
	if err != nil {
		return nil, kind, err
	}
	return clean, kind, nil
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultLimits.MaxPixels
	}
	return l
}

// checkConfig refuses empty images and images over the pixel limit.
func checkConfig(cfg image.Config, lim Limits) error {
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return fmt.Errorf("%w: image has no pixels", ErrCorrupt)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > int64(lim.MaxPixels) {
		return fmt.Errorf("%w: %d×%d, limit %d pixels", ErrTooManyPixels, cfg.Width, cfg.Height, lim.MaxPixels)
	}
	return nil
}

func sanitizeJPEG(data []byte, lim Limits) ([]byte, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, decodeErr(err)
	}
	if err := checkConfig(cfg, lim); err != nil {
		return nil, err
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, decodeErr(err)
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, fmt.Errorf("%w: header and image sizes differ", ErrCorrupt)
	}
	img = orient(img, exifOrientation(data))
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: JPEGQuality}); err != nil {
		return nil, fmt.Errorf("%w: re-encoding: %v", ErrCorrupt, err)
	}
	return out.Bytes(), nil
}

func sanitizePNG(data []byte, lim Limits) ([]byte, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, decodeErr(err)
	}
	if err := checkConfig(cfg, lim); err != nil {
		return nil, err
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, decodeErr(err)
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, fmt.Errorf("%w: header and image sizes differ", ErrCorrupt)
	}
	var out bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if err := enc.Encode(&out, img); err != nil {
		return nil, fmt.Errorf("%w: re-encoding: %v", ErrCorrupt, err)
	}
	return out.Bytes(), nil
}

// decodeErr maps a decoder error to ErrUnsupported (a valid file in an
// encoding the decoder lacks) or ErrCorrupt (anything else). The decoder's
// message names a structural problem only.
func decodeErr(err error) error {
	var ju jpeg.UnsupportedError
	var pu png.UnsupportedError
	if errors.As(err, &ju) || errors.As(err, &pu) {
		return fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	return fmt.Errorf("%w: %v", ErrCorrupt, err)
}
