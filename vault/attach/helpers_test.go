package attach

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// pattern is a deterministic test picture with smooth gradients and edges.
func pattern(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / max(w-1, 1)), uint8(y * 255 / max(h-1, 1)), uint8((x + y) % 256), 255 - uint8(x%7)})
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// segment builds a JPEG marker segment.
func segment(marker byte, payload []byte) []byte {
	s := []byte{0xff, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...)
}

// insertAfterSOI puts segments right after a JPEG's SOI marker.
func insertAfterSOI(jpg []byte, segs ...[]byte) []byte {
	out := append([]byte(nil), jpg[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, jpg[2:]...)
}

// order is a byte order that can also append.
type order interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// tiffEntry is one IFD entry; data longer than 4 bytes goes after the IFD.
type tiffEntry struct {
	tag, typ uint16
	count    uint32
	data     []byte // already in the file's byte order
}

// buildTIFF writes a TIFF structure with IFD0 and, if gps is not nil, a GPS
// IFD that IFD0 points to with tag 0x8825.
func buildTIFF(bo order, ifd0, gps []tiffEntry) []byte {
	var b []byte
	if bo == binary.LittleEndian {
		b = append(b, 'I', 'I')
	} else {
		b = append(b, 'M', 'M')
	}
	b = bo.AppendUint16(b, 42)
	b = bo.AppendUint32(b, 8)
	if gps != nil {
		ifd0 = append(ifd0, tiffEntry{0x8825, 4, 1, nil}) // offset filled below
	}
	ifdSize := func(es []tiffEntry) int {
		n := 2 + 12*len(es) + 4
		for _, e := range es {
			if len(e.data) > 4 {
				n += len(e.data)
			}
		}
		return n
	}
	gpsOff := 8 + ifdSize(ifd0)
	writeIFD := func(b []byte, start int, es []tiffEntry) []byte {
		b = bo.AppendUint16(b, uint16(len(es)))
		extra := start + 2 + 12*len(es) + 4
		var tail []byte
		for _, e := range es {
			b = bo.AppendUint16(b, e.tag)
			b = bo.AppendUint16(b, e.typ)
			b = bo.AppendUint32(b, e.count)
			switch {
			case e.tag == 0x8825:
				b = bo.AppendUint32(b, uint32(gpsOff))
			case len(e.data) <= 4:
				v := make([]byte, 4)
				copy(v, e.data)
				b = append(b, v...)
			default:
				b = bo.AppendUint32(b, uint32(extra+len(tail)))
				tail = append(tail, e.data...)
			}
		}
		b = bo.AppendUint32(b, 0) // no next IFD
		return append(b, tail...)
	}
	b = writeIFD(b, 8, ifd0)
	if gps != nil {
		b = writeIFD(b, gpsOff, gps)
	}
	return b
}

func short(bo order, v uint16) []byte { return bo.AppendUint16(nil, v) }

func rationals(bo order, vs ...uint32) []byte {
	var b []byte
	for _, v := range vs {
		b = bo.AppendUint32(b, v)
	}
	return b
}

// Secrets planted in test files; none may survive Sanitize.
var gpsLatitude = []uint32{6, 1, 12, 1, 3456, 100}

func exifTIFF(bo order, orientation uint16) []byte {
	return buildTIFF(bo,
		[]tiffEntry{
			{0x010f, 2, 16, []byte("KotakCam-SECRET\x00")},
			{0x0112, 3, 1, short(bo, orientation)},
			{0x9003, 2, 20, []byte("2026:03:17 10:11:12\x00")},
		},
		[]tiffEntry{
			{0x0001, 2, 2, []byte("S\x00")},
			{0x0002, 5, 3, rationals(bo, gpsLatitude...)},
			{0x0003, 2, 2, []byte("E\x00")},
			{0x0004, 5, 3, rationals(bo, 106, 1, 49, 1, 2712, 100)},
		})
}

func exifAPP1(bo order, orientation uint16) []byte {
	return segment(0xe1, append([]byte("Exif\x00\x00"), exifTIFF(bo, orientation)...))
}

const xmpPacket = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>` +
	`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
	`<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:exif="http://ns.adobe.com/exif/1.0/" ` +
	`dc:creator="SECRET-XMP-Budi Santoso" exif:GPSLatitude="6,12.3456S"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`

// jpegWithMetadata returns a JPEG of img carrying EXIF with GPS, XMP, an ICC
// profile, IPTC, a comment and trailing data.
func jpegWithMetadata(t testing.TB, img image.Image) []byte {
	base := encodeJPEG(t, img)
	out := insertAfterSOI(base,
		exifAPP1(binary.BigEndian, 1),
		segment(0xe1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), xmpPacket...)),
		segment(0xe2, append([]byte("ICC_PROFILE\x00\x01\x01"), "SECRET-ICC-profile-bytes"...)),
		segment(0xed, append([]byte("Photoshop 3.0\x008BIM"), "SECRET-IPTC-byline"...)),
		segment(0xfe, []byte("SECRET-COMMENT Jl. Merdeka 12")),
	)
	return append(out, "SECRET-TRAILER"...)
}

// chunk builds a PNG chunk.
func chunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

func zlibBytes(s string) []byte {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// pngWithMetadata returns a PNG of img carrying tEXt, zTXt, iTXt (XMP),
// eXIf (GPS), iCCP, tIME and pHYs chunks, a text chunk after IDAT, and
// trailing data.
func pngWithMetadata(t testing.TB, img image.Image) []byte {
	base := encodePNG(t, img)
	const ihdrEnd = 8 + 25
	var out []byte
	out = append(out, base[:ihdrEnd]...)
	out = append(out, chunk("tEXt", []byte("Author\x00SECRET-Budi Santoso"))...)
	out = append(out, chunk("zTXt", append([]byte("Comment\x00\x00"), zlibBytes("SECRET-ZTXT alamat rumah")...))...)
	out = append(out, chunk("iTXt", append([]byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"), xmpPacket...))...)
	out = append(out, chunk("eXIf", exifTIFF(binary.LittleEndian, 1))...)
	out = append(out, chunk("iCCP", append([]byte("SECRET-icc\x00\x00"), zlibBytes("profile")...))...)
	out = append(out, chunk("tIME", []byte{0x07, 0xea, 3, 17, 10, 11, 12})...)
	out = append(out, chunk("pHYs", []byte{0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1})...)
	iend := len(base) - 12
	out = append(out, base[ihdrEnd:iend]...)
	out = append(out, chunk("tEXt", []byte("Comment\x00SECRET-LATE"))...)
	out = append(out, base[iend:]...)
	return append(out, "SECRET-TRAILER"...)
}

// jpegMarkers lists the markers of a JPEG up to and including the first SOS,
// failing the test on a malformed structure.
func jpegMarkers(t testing.TB, b []byte) []byte {
	t.Helper()
	if len(b) < 2 || b[0] != 0xff || b[1] != 0xd8 {
		t.Fatal("no SOI")
	}
	ms := []byte{0xd8}
	for i := 2; i < len(b); {
		if b[i] != 0xff || i+4 > len(b) {
			t.Fatalf("bad marker at %d", i)
		}
		m := b[i+1]
		ms = append(ms, m)
		if m == 0xda {
			return ms
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
	t.Fatal("no SOS")
	return nil
}

// pngChunks lists the chunk types of a PNG, failing the test on a malformed
// structure or data after IEND.
func pngChunks(t testing.TB, b []byte) []string {
	t.Helper()
	if !bytes.HasPrefix(b, pngMagic) {
		t.Fatal("no PNG signature")
	}
	var types []string
	for i := 8; i < len(b); {
		if i+12 > len(b) {
			t.Fatalf("truncated chunk at %d", i)
		}
		n := int(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		types = append(types, typ)
		i += 12 + n
		if typ == "IEND" {
			if i != len(b) {
				t.Fatalf("%d bytes after IEND", len(b)-i)
			}
			break
		}
	}
	return types
}

// meanAbsDiff compares two images of the same size channel by channel
// (8-bit scale).
func meanAbsDiff(a, b image.Image) float64 {
	r := a.Bounds()
	var sum, n float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, _ := a.At(x, y).RGBA()
			br, bg, bb, _ := b.At(x-r.Min.X+b.Bounds().Min.X, y-r.Min.Y+b.Bounds().Min.Y).RGBA()
			for _, d := range [][2]uint32{{ar, br}, {ag, bg}, {ab, bb}} {
				sum += abs(float64(d[0]>>8) - float64(d[1]>>8))
				n++
			}
		}
	}
	return sum / n
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
