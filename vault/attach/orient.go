package attach

import (
	"encoding/binary"
	"image"
	"image/draw"
)

// JPEG markers used when looking for the EXIF orientation.
const (
	markerSOI  = 0xd8
	markerEOI  = 0xd9
	markerSOS  = 0xda
	markerAPP1 = 0xe1
	markerTEM  = 0x01
	markerRST0 = 0xd0
	markerRST7 = 0xd7

	tagOrientation = 0x0112
	typeShort      = 3
)

var exifHeader = []byte("Exif\x00\x00")

// exifOrientation returns the EXIF orientation (1..8) of a JPEG, or 1 when
// it has none or anything about it is malformed. It reads only the segments
// before the first scan and never reads out of bounds.
func exifOrientation(data []byte) int {
	if len(data) < 2 || data[0] != 0xff || data[1] != markerSOI {
		return 1
	}
	i := 2
	for i < len(data) {
		if data[i] != 0xff {
			return 1
		}
		for i < len(data) && data[i] == 0xff { // fill bytes
			i++
		}
		if i >= len(data) {
			return 1
		}
		m := data[i]
		i++
		switch {
		case m == markerSOS || m == markerEOI:
			return 1
		case m == markerTEM || m >= markerRST0 && m <= markerRST7:
			continue
		}
		if i+2 > len(data) {
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[i:]))
		if n < 2 || i+n > len(data) {
			return 1
		}
		seg := data[i+2 : i+n]
		i += n
		if m == markerAPP1 && len(seg) >= len(exifHeader) && string(seg[:len(exifHeader)]) == string(exifHeader) {
			return tiffOrientation(seg[len(exifHeader):])
		}
	}
	return 1
}

// tiffOrientation reads the Orientation tag of IFD0 of a TIFF structure.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:]) != 42 {
		return 1
	}
	off := uint64(bo.Uint32(t[4:]))
	if off+2 > uint64(len(t)) {
		return 1
	}
	count := uint64(bo.Uint16(t[off:]))
	entries := off + 2
	if entries+count*12 > uint64(len(t)) {
		return 1
	}
	for k := range count {
		e := t[entries+k*12 : entries+k*12+12]
		if bo.Uint16(e) != tagOrientation {
			continue
		}
		if bo.Uint16(e[2:]) != typeShort || bo.Uint32(e[4:]) != 1 {
			return 1
		}
		if v := int(bo.Uint16(e[8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}

// orient returns img turned as EXIF orientation o asks, so that it displays
// correctly without the tag. Orientation 1 (or an unknown value) returns img
// itself.
func orient(img image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return img
	}
	b := img.Bounds()
	src := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for dy := range dh {
		row := dst.Pix[dy*dst.Stride : dy*dst.Stride+4*dw]
		for dx := range dw {
			var sx, sy int
			switch o {
			case 2: // mirrored horizontally
				sx, sy = w-1-dx, dy
			case 3: // turned 180°
				sx, sy = w-1-dx, h-1-dy
			case 4: // mirrored vertically
				sx, sy = dx, h-1-dy
			case 5: // transposed
				sx, sy = dy, dx
			case 6: // needs a 90° clockwise turn
				sx, sy = dy, h-1-dx
			case 7: // transversed
				sx, sy = w-1-dy, h-1-dx
			case 8: // needs a 90° anticlockwise turn
				sx, sy = w-1-dy, dx
			}
			si := sy*src.Stride + 4*sx
			copy(row[4*dx:4*dx+4], src.Pix[si:si+4])
		}
	}
	return dst
}
