package attach

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// secrets are strings planted in test files; none may survive.
var secrets = []string{
	"SECRET", "Exif", "KotakCam", "2026:03:17", "http://ns.adobe.com", "xmpmeta", "xpacket",
	"ICC_PROFILE", "Photoshop", "8BIM", "Budi", "Merdeka", "Author", "XML:com.adobe.xmp",
}

func assertNoSecrets(t *testing.T, out []byte) {
	t.Helper()
	for _, s := range secrets {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("output still contains %q", s)
		}
	}
	for _, bo := range []order{binary.BigEndian, binary.LittleEndian} {
		if bytes.Contains(out, rationals(bo, gpsLatitude...)) {
			t.Errorf("output still contains the GPS latitude (%v)", bo)
		}
	}
}

// assertJPEGMarkers checks that a sanitized JPEG holds only SOI, DQT, SOF0,
// DHT and SOS before its scan data, and ends at EOI.
func assertJPEGMarkers(t *testing.T, out []byte) {
	t.Helper()
	for _, m := range jpegMarkers(t, out) {
		if !slices.Contains([]byte{0xd8, 0xdb, 0xc0, 0xc4, 0xda}, m) {
			t.Fatalf("output has marker %#x", m)
		}
	}
	if !bytes.HasSuffix(out, []byte{0xff, 0xd9}) {
		t.Fatal("output does not end at EOI")
	}
}

func TestJPEGMetadataRemoved(t *testing.T) {
	src := pattern(96, 64)
	in := jpegWithMetadata(t, src)
	// The planted metadata is really there, and the file is a valid JPEG.
	for _, s := range []string{"Exif", "SECRET-XMP", "SECRET-COMMENT", "KotakCam", "ICC_PROFILE"} {
		if !bytes.Contains(in, []byte(s)) {
			t.Fatalf("test file lacks %q", s)
		}
	}
	if !bytes.Contains(in, rationals(binary.BigEndian, gpsLatitude...)) {
		t.Fatal("test file lacks the GPS latitude")
	}
	inImg, err := jpeg.Decode(bytes.NewReader(in))
	if err != nil {
		t.Fatalf("test file does not decode: %v", err)
	}
	if tiffOrientation(exifTIFF(binary.BigEndian, 1)) != 1 || exifOrientation(in) != 1 {
		t.Fatal("test EXIF not parsed as orientation 1")
	}

	out, kind, err := Sanitize(in, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if kind != JPEG {
		t.Fatalf("kind %q", kind)
	}
	assertNoSecrets(t, out)
	assertJPEGMarkers(t, out)
	outImg, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("output does not decode: %v", err)
	}
	if outImg.Bounds().Size() != src.Bounds().Size() {
		t.Fatalf("size %v, want %v", outImg.Bounds().Size(), src.Bounds().Size())
	}
	if d := meanAbsDiff(inImg, outImg); d > 3 {
		t.Fatalf("pixels changed too much: mean abs diff %.2f", d)
	}
}

func TestPNGMetadataRemoved(t *testing.T) {
	tests := []struct {
		name string
		img  image.Image
	}{
		{"nrgba", pattern(40, 30)},
		{"gray16", func() image.Image {
			g := image.NewGray16(image.Rect(0, 0, 17, 9))
			for i := range g.Pix {
				g.Pix[i] = byte(i * 7)
			}
			return g
		}()},
		{"paletted", func() image.Image {
			p := image.NewPaletted(image.Rect(0, 0, 20, 20), color.Palette{color.White, color.Black, color.NRGBA{255, 0, 0, 128}})
			for i := range p.Pix {
				p.Pix[i] = uint8(i % 3)
			}
			return p
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := pngWithMetadata(t, tc.img)
			inImg, err := png.Decode(bytes.NewReader(in))
			if err != nil {
				t.Fatalf("test file does not decode: %v", err)
			}
			inChunks := pngChunks(t, bytes.TrimSuffix(in, []byte("SECRET-TRAILER")))
			for _, c := range []string{"tEXt", "zTXt", "iTXt", "eXIf", "iCCP", "tIME"} {
				if !slices.Contains(inChunks, c) {
					t.Fatalf("test file lacks %s", c)
				}
			}

			out, kind, err := Sanitize(in, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if kind != PNG {
				t.Fatalf("kind %q", kind)
			}
			assertNoSecrets(t, out)
			for _, c := range pngChunks(t, out) {
				if !slices.Contains([]string{"IHDR", "PLTE", "tRNS", "IDAT", "IEND"}, c) {
					t.Errorf("output keeps chunk %s", c)
				}
			}
			outImg, err := png.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("output does not decode: %v", err)
			}
			if outImg.Bounds() != inImg.Bounds() {
				t.Fatalf("bounds %v, want %v", outImg.Bounds(), inImg.Bounds())
			}
			b := inImg.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					r1, g1, b1, a1 := inImg.At(x, y).RGBA()
					r2, g2, b2, a2 := outImg.At(x, y).RGBA()
					if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
						t.Fatalf("pixel (%d,%d) changed", x, y)
					}
				}
			}
		})
	}
}

// quadrants is a 64×32 picture: red top left, green top right, blue bottom
// left, white bottom right.
func quadrants() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 64, 32))
	for y := range 32 {
		for x := range 64 {
			c := color.RGBA{255, 0, 0, 255}
			switch {
			case x >= 32 && y < 16:
				c = color.RGBA{0, 255, 0, 255}
			case x < 32 && y >= 16:
				c = color.RGBA{0, 0, 255, 255}
			case x >= 32 && y >= 16:
				c = color.RGBA{255, 255, 255, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func TestJPEGOrientationApplied(t *testing.T) {
	red, green := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 255, 0, 255}
	// Where the stored top-left (red) and top-right (green) quadrants must
	// appear once the orientation is applied, from the EXIF definitions.
	tests := []struct {
		o          uint16
		redAt      string
		greenAt    string
		dimsSwaped bool
	}{
		{1, "TL", "TR", false},
		{2, "TR", "TL", false},
		{3, "BR", "BL", false},
		{4, "BL", "BR", false},
		{5, "TL", "BL", true},
		{6, "TR", "BR", true},
		{7, "BR", "TR", true},
		{8, "BL", "TL", true},
	}
	for _, tc := range tests {
		for _, bo := range []order{binary.BigEndian, binary.LittleEndian} {
			t.Run(string('0'+rune(tc.o))+bo.String(), func(t *testing.T) {
				in := insertAfterSOI(encodeJPEG(t, quadrants()), exifAPP1(bo, tc.o))
				if got := exifOrientation(in); got != int(tc.o) {
					t.Fatalf("exifOrientation = %d, want %d", got, tc.o)
				}
				out, _, err := Sanitize(in, Limits{})
				if err != nil {
					t.Fatal(err)
				}
				if exifOrientation(out) != 1 || bytes.Contains(out, []byte("Exif")) {
					t.Fatal("orientation tag survived")
				}
				img, err := jpeg.Decode(bytes.NewReader(out))
				if err != nil {
					t.Fatal(err)
				}
				w, h := img.Bounds().Dx(), img.Bounds().Dy()
				if wantW := map[bool]int{false: 64, true: 32}[tc.dimsSwaped]; w != wantW || w*h != 64*32 {
					t.Fatalf("size %dx%d", w, h)
				}
				at := func(pos string) color.Color {
					x, y := w/4, h/4
					if pos[1] == 'R' {
						x = 3 * w / 4
					}
					if pos[0] == 'B' {
						y = 3 * h / 4
					}
					return img.At(x, y)
				}
				if !near(at(tc.redAt), red) {
					t.Errorf("red not at %s: %v", tc.redAt, at(tc.redAt))
				}
				if !near(at(tc.greenAt), green) {
					t.Errorf("green not at %s: %v", tc.greenAt, at(tc.greenAt))
				}
			})
		}
	}
}

func near(a, b color.Color) bool {
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	d := func(x, y uint32) bool { return abs(float64(x>>8)-float64(y>>8)) < 40 }
	return d(r1, r2) && d(g1, g2) && d(b1, b2)
}

func TestExifOrientationMalformed(t *testing.T) {
	good := exifTIFF(binary.LittleEndian, 6)
	app1 := func(tiff []byte) []byte {
		return insertAfterSOI([]byte{0xff, 0xd8, 0xff, 0xd9}, segment(0xe1, append([]byte("Exif\x00\x00"), tiff...)))
	}
	if exifOrientation(app1(good)) != 6 {
		t.Fatal("well-formed EXIF not read")
	}
	mutate := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"not jpeg", []byte("hello")},
		{"soi only", []byte{0xff, 0xd8}},
		{"truncated length", []byte{0xff, 0xd8, 0xff, 0xe1, 0x00}},
		{"length past end", []byte{0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 'E'}},
		{"length below 2", []byte{0xff, 0xd8, 0xff, 0xe1, 0x00, 0x01}},
		{"exif after SOS", []byte{0xff, 0xd8, 0xff, 0xda, 0x00, 0x02}},
		{"short tiff", app1(good[:6])},
		{"bad byte order", app1(mutate(func(b []byte) []byte { b[0] = 'X'; return b }))},
		{"bad magic", app1(mutate(func(b []byte) []byte { b[2] = 43; return b }))},
		{"ifd offset past end", app1(mutate(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[4:], 0xfffffff0); return b }))},
		{"entry count past end", app1(mutate(func(b []byte) []byte { binary.LittleEndian.PutUint16(b[8:], 0xffff); return b }))},
		{"orientation 9", app1(exifTIFF(binary.LittleEndian, 9))},
		{"orientation 0", app1(exifTIFF(binary.LittleEndian, 0))},
		{"orientation as LONG", app1(buildTIFF(binary.LittleEndian, []tiffEntry{{0x0112, 4, 1, []byte{6, 0, 0, 0}}}, nil))},
		{"orientation count 2", app1(buildTIFF(binary.LittleEndian, []tiffEntry{{0x0112, 3, 2, []byte{6, 0, 6, 0}}}, nil))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := exifOrientation(tc.data); got != 1 {
				t.Fatalf("got %d, want 1", got)
			}
		})
	}
}

// allocatedBy returns the bytes allocated while f runs.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestDecompressionBombsRefusedBeforeDecoding(t *testing.T) {
	// A PNG whose header claims 100000×100000 pixels, with a tiny IDAT.
	bigPNG := encodePNG(t, pattern(4, 4))
	binary.BigEndian.PutUint32(bigPNG[16:], 100000)
	binary.BigEndian.PutUint32(bigPNG[20:], 100000)
	binary.BigEndian.PutUint32(bigPNG[29:], crc32IEEE(bigPNG[12:29]))

	// A JPEG whose SOF claims 60000×60000 pixels.
	bigJPEG := encodeJPEG(t, pattern(16, 16))
	sof := bytes.Index(bigJPEG, []byte{0xff, 0xc0})
	binary.BigEndian.PutUint16(bigJPEG[sof+5:], 60000)
	binary.BigEndian.PutUint16(bigJPEG[sof+7:], 60000)

	for _, tc := range []struct {
		name string
		data []byte
		kind Kind
	}{{"png", bigPNG, PNG}, {"jpeg", bigJPEG, JPEG}} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			var kind Kind
			alloc := allocatedBy(func() { _, kind, err = Sanitize(tc.data, Limits{}) })
			if !errors.Is(err, ErrTooManyPixels) {
				t.Fatalf("err = %v, want ErrTooManyPixels", err)
			}
			if kind != tc.kind {
				t.Fatalf("kind %q", kind)
			}
			if alloc > 1<<20 {
				t.Fatalf("allocated %d bytes before refusing", alloc)
			}
		})
	}
}

func crc32IEEE(b []byte) uint32 {
	c := chunk("", b)
	return binary.BigEndian.Uint32(c[len(c)-4:])
}

func TestLimits(t *testing.T) {
	img := encodePNG(t, pattern(100, 100))
	tests := []struct {
		name string
		lim  Limits
		want error
	}{
		{"defaults", Limits{}, nil},
		{"exact pixel limit", Limits{MaxPixels: 10000}, nil},
		{"one pixel over", Limits{MaxPixels: 9999}, ErrTooManyPixels},
		{"exact byte limit", Limits{MaxBytes: int64(len(img))}, nil},
		{"one byte over", Limits{MaxBytes: int64(len(img)) - 1}, ErrTooLarge},
		{"negative means default", Limits{MaxBytes: -1, MaxPixels: -1}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Sanitize(img, tc.lim)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	big := make([]byte, DefaultLimits.MaxBytes+1)
	copy(big, img)
	if _, _, err := Sanitize(big, Limits{}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("11 MiB file: %v", err)
	}
}

func TestRefused(t *testing.T) {
	jpg := encodeJPEG(t, pattern(32, 32))
	pngb := encodePNG(t, pattern(32, 32))
	badCRC := bytes.Clone(pngb)
	badCRC[len(badCRC)-20] ^= 0xff // inside the IDAT data
	arith := bytes.Clone(jpg)
	arith[bytes.Index(arith, []byte{0xff, 0xc0})+1] = 0xc9
	zeroWidth := bytes.Clone(pngb)
	binary.BigEndian.PutUint32(zeroWidth[16:], 0)
	binary.BigEndian.PutUint32(zeroWidth[29:], crc32IEEE(zeroWidth[12:29]))

	tests := []struct {
		name string
		data []byte
		want error
		kind Kind
	}{
		{"empty", nil, ErrUnsupported, ""},
		{"text", []byte("Jalan rusak di depan kantor kelurahan"), ErrUnsupported, ""},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), ErrUnsupported, ""},
		{"webp", []byte("RIFF\x1a\x00\x00\x00WEBPVP8 "), ErrUnsupported, ""},
		{"html named .jpg", []byte("<html><script>alert(1)</script></html>"), ErrUnsupported, ""},
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Author (Budi)>>\nendobj\n"), ErrPDFUnsupported, PDF},
		{"pdf after junk", append(bytes.Repeat([]byte(" "), 500), "%PDF-1.4\n"...), ErrPDFUnsupported, PDF},
		{"jpeg magic then garbage", append([]byte{0xff, 0xd8, 0xff}, bytes.Repeat([]byte{0x42}, 100)...), ErrCorrupt, JPEG},
		{"truncated jpeg", jpg[:len(jpg)/2], ErrCorrupt, JPEG},
		{"jpeg header only", jpg[:200], ErrCorrupt, JPEG},
		{"arithmetic-coded jpeg", arith, ErrUnsupported, JPEG},
		{"png signature only", pngMagic, ErrCorrupt, PNG},
		{"truncated png", pngb[:len(pngb)/2], ErrCorrupt, PNG},
		{"png bad crc", badCRC, ErrCorrupt, PNG},
		{"png zero width", zeroWidth, ErrCorrupt, PNG},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, kind, err := Sanitize(tc.data, Limits{})
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if out != nil {
				t.Fatal("output returned with an error")
			}
			if kind != tc.kind {
				t.Fatalf("kind %q, want %q", kind, tc.kind)
			}
			if strings.Contains(err.Error(), "Budi") {
				t.Fatal("error repeats file content")
			}
		})
	}
	if !errors.Is(ErrPDFUnsupported, ErrUnsupported) {
		t.Fatal("ErrPDFUnsupported does not match ErrUnsupported")
	}
}

// TestSanitizeIdempotent: a sanitized file sanitizes again to the same size
// and kind.
func TestSanitizeIdempotent(t *testing.T) {
	for _, in := range [][]byte{jpegWithMetadata(t, pattern(50, 40)), pngWithMetadata(t, pattern(50, 40))} {
		a, k1, err := Sanitize(in, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		b, k2, err := Sanitize(a, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if k1 != k2 {
			t.Fatalf("kind changed %q → %q", k1, k2)
		}
		if k1 == PNG && !bytes.Equal(a, b) {
			t.Fatal("PNG re-sanitized to different bytes")
		}
	}
}

func FuzzSanitize(f *testing.F) {
	f.Add(jpegWithMetadata(f, pattern(12, 8)))
	f.Add(pngWithMetadata(f, pattern(12, 8)))
	f.Add(insertAfterSOI(encodeJPEG(f, pattern(8, 12)), exifAPP1(binary.LittleEndian, 6)))
	f.Add(encodePNG(f, image.NewPaletted(image.Rect(0, 0, 3, 3), color.Palette{color.Black, color.White})))
	f.Add([]byte("%PDF-1.7\n"))
	f.Add([]byte("GIF89a"))
	f.Add([]byte{})
	lim := Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		orig := bytes.Clone(data)
		out, kind, err := Sanitize(data, lim)
		if !bytes.Equal(orig, data) {
			t.Fatal("Sanitize modified its input")
		}
		if err != nil {
			if out != nil {
				t.Fatal("output returned with an error")
			}
			for _, e := range []error{ErrTooLarge, ErrTooManyPixels, ErrUnsupported, ErrCorrupt} {
				if errors.Is(err, e) {
					return
				}
			}
			t.Fatalf("untyped error %v", err)
		}
		var cfg image.Config
		switch kind {
		case JPEG:
			cfg, err = jpeg.DecodeConfig(bytes.NewReader(out))
			assertJPEGMarkers(t, out)
		case PNG:
			cfg, err = png.DecodeConfig(bytes.NewReader(out))
			for _, c := range pngChunks(t, out) {
				if !slices.Contains([]string{"IHDR", "PLTE", "tRNS", "IDAT", "IEND"}, c) {
					t.Fatalf("chunk %s in output", c)
				}
			}
		default:
			t.Fatalf("success with kind %q", kind)
		}
		if err != nil {
			t.Fatalf("output does not decode: %v", err)
		}
		if cfg.Width*cfg.Height > lim.MaxPixels {
			t.Fatalf("output %dx%d over the pixel limit", cfg.Width, cfg.Height)
		}
	})
}

func FuzzExifOrientation(f *testing.F) {
	f.Add(insertAfterSOI([]byte{0xff, 0xd8, 0xff, 0xd9}, exifAPP1(binary.LittleEndian, 6)))
	f.Add(insertAfterSOI([]byte{0xff, 0xd8, 0xff, 0xd9}, exifAPP1(binary.BigEndian, 8)))
	f.Add([]byte{0xff, 0xd8})
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := exifOrientation(data); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}

func BenchmarkSanitizeJPEG1Mpx(b *testing.B) {
	in := jpegWithMetadata(b, pattern(1280, 800))
	b.Run("baseline=decode+encode", func(b *testing.B) {
		defer reportMpx(b, 1280*800)
		for b.Loop() {
			img, err := jpeg.Decode(bytes.NewReader(in))
			if err != nil {
				b.Fatal(err)
			}
			if err := jpeg.Encode(new(bytes.Buffer), img, &jpeg.Options{Quality: JPEGQuality}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Sanitize", func(b *testing.B) {
		defer reportMpx(b, 1280*800)
		for b.Loop() {
			if _, _, err := Sanitize(in, Limits{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	rotated := insertAfterSOI(encodeJPEG(b, pattern(1280, 800)), exifAPP1(binary.BigEndian, 6))
	b.Run("Sanitize+rotate", func(b *testing.B) {
		defer reportMpx(b, 1280*800)
		for b.Loop() {
			if _, _, err := Sanitize(rotated, Limits{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSanitizePNG1Mpx(b *testing.B) {
	in := pngWithMetadata(b, pattern(1280, 800))
	b.Run("baseline=decode+encode", func(b *testing.B) {
		defer reportMpx(b, 1280*800)
		for b.Loop() {
			img, err := png.Decode(bytes.NewReader(in))
			if err != nil {
				b.Fatal(err)
			}
			if err := png.Encode(new(bytes.Buffer), img); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Sanitize", func(b *testing.B) {
		defer reportMpx(b, 1280*800)
		for b.Loop() {
			if _, _, err := Sanitize(in, Limits{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// reportMpx reports throughput in megapixels per second.
func reportMpx(b *testing.B, pixels int) {
	b.ReportMetric(float64(pixels)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mpx/s")
}
