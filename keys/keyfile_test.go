package keys

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

func TestIdentityRoundTrip(t *testing.T) {
	tests := []struct {
		name, id, display string
	}{
		{"ascii", "auditor-1", "Siti Rahmawati"},
		{"unicode name", "a", "Ngurah Rai — Inspektorat, Bali ✓"},
		{"longest id", strings.Repeat("x", maxIDLen), "X"},
		{"longest name", "auditor-2", strings.Repeat("é", maxNameLen/2)},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := mustIdentity(t, uint64(i), tt.id, tt.display)
			data, err := EncryptIdentity(testRand(100+uint64(i)), id, testPass, testKDF)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecryptIdentity(data, testPass)
			if err != nil {
				t.Fatal(err)
			}
			if !sameIdentity(got, id) {
				t.Fatalf("decrypted identity differs from the original")
			}
			if pa, pb := got.Public(), id.Public(); !bytes.Equal(pa.XWing, pb.XWing) || !bytes.Equal(pa.Ed25519, pb.Ed25519) {
				t.Fatal("public keys differ after the round trip")
			}
			if bytes.Contains(data, id.xwingSeed) || bytes.Contains(data, id.edSeed) ||
				(len(tt.display) >= 8 && bytes.Contains(data, []byte(tt.display))) {
				t.Fatal("key file holds a seed or the name in the clear")
			}
			checkArmour(t, data, kindAuditor)
		})
	}
}

// checkArmour checks the layout promised in docs/keys.md.
func checkArmour(t *testing.T, data []byte, kind string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if lines[0] != "-----BEGIN "+kind+"-----" || lines[len(lines)-1] != "-----END "+kind+"-----" {
		t.Fatalf("BEGIN/END lines: %q … %q", lines[0], lines[len(lines)-1])
	}
	if lines[1] != "Version: 1" {
		t.Fatalf("second line %q, want the version", lines[1])
	}
	blank := -1
	for i, l := range lines {
		if l == "" {
			blank = i
			break
		}
	}
	if blank < 0 || !strings.HasPrefix(lines[blank-1], "Checksum: ") {
		t.Fatal("no blank line after the Checksum header")
	}
	body := lines[blank+1 : len(lines)-1]
	for i, l := range body {
		if len(l) > keyFileBodyWidth || (i < len(body)-1 && len(l) != keyFileBodyWidth) {
			t.Fatalf("body line %d has %d columns", i, len(l))
		}
	}
	if !strings.Contains(string(data), "\nKDF: argon2id t=") {
		t.Fatal("no KDF line")
	}
}

func TestRootKeyRoundTrip(t *testing.T) {
	root := mustRoot(t, 7)
	data, err := EncryptRootKey(testRand(8), root, testPass, testKDF)
	if err != nil {
		t.Fatal(err)
	}
	checkArmour(t, data, kindRoot)
	if strings.Contains(string(data), "Auditor:") {
		t.Fatal("root key file has an Auditor line")
	}
	got, err := DecryptRootKey(data, testPass)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(root) {
		t.Fatal("root key differs after the round trip")
	}
	if _, err := DecryptRootKey(data, []byte("not the passphrase")); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if _, err := EncryptRootKey(testRand(8), root[:10], testPass, testKDF); err == nil {
		t.Fatal("short root key accepted")
	}
}

func TestKindMismatch(t *testing.T) {
	id := mustIdentity(t, 1, "auditor-1", "A")
	aud, err := EncryptIdentity(testRand(2), id, testPass, testKDF)
	if err != nil {
		t.Fatal(err)
	}
	root, err := EncryptRootKey(testRand(3), mustRoot(t, 4), testPass, testKDF)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecryptRootKey(aud, testPass); !errors.Is(err, ErrKeyFileFormat) {
		t.Fatalf("auditor file opened as a root key: %v", err)
	}
	if _, err := DecryptIdentity(root, testPass); !errors.Is(err, ErrKeyFileFormat) {
		t.Fatalf("root file opened as an auditor key: %v", err)
	}
}

func TestWrongPassphrase(t *testing.T) {
	id := mustIdentity(t, 1, "auditor-1", "A")
	data, err := EncryptIdentity(testRand(2), id, testPass, testKDF)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"", "correct horse battery stapl", "correct horse battery staple ",
		"Correct horse battery staple", "correct horse battery stable"} {
		_, err := DecryptIdentity(data, []byte(p))
		if !errors.Is(err, ErrWrongPassphrase) || errors.Is(err, ErrKeyFileTampered) {
			t.Errorf("passphrase %q: got %v, want only ErrWrongPassphrase", p, err)
		}
	}
}

func TestWeakPassphrase(t *testing.T) {
	id := mustIdentity(t, 1, "auditor-1", "A")
	tests := []struct {
		pass string
		ok   bool
	}{
		{"", false},
		{"elevenchars", false},
		{"twelve chars", true},
		{strings.Repeat("ą", 11), false}, // 22 bytes, 11 characters
		{strings.Repeat("ą", 12), true},
	}
	for _, tt := range tests {
		_, err := EncryptIdentity(testRand(2), id, []byte(tt.pass), testKDF)
		if tt.ok != (err == nil) || (!tt.ok && !errors.Is(err, ErrWeakPassphrase)) {
			t.Errorf("passphrase of %d characters: err %v", len([]rune(tt.pass)), err)
		}
		_, err = EncryptRootKey(testRand(2), mustRoot(t, 3), []byte(tt.pass), testKDF)
		if tt.ok != (err == nil) {
			t.Errorf("root key, passphrase of %d characters: err %v", len([]rune(tt.pass)), err)
		}
	}
}

func TestEncryptIdentityInputs(t *testing.T) {
	id := mustIdentity(t, 1, "auditor-1", "A")
	a, err := EncryptIdentity(testRand(2), id, testPass, testKDF)
	if err != nil {
		t.Fatal(err)
	}
	b, err := EncryptIdentity(testRand(3), id, testPass, testKDF)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, b) {
		t.Fatal("two encryptions with different randomness are equal")
	}
	if _, err := EncryptIdentity(iotest.ErrReader(errors.New("no entropy")), id, testPass, testKDF); err == nil {
		t.Fatal("failing randomness accepted")
	}
	if _, err := EncryptIdentity(testRand(2), &Identity{AuditorID: "x", Name: "X"}, testPass, testKDF); err == nil {
		t.Fatal("identity without seeds accepted")
	}
	if _, err := EncryptIdentity(testRand(2), nil, testPass, testKDF); err == nil {
		t.Fatal("nil identity accepted")
	}
	if _, err := EncryptIdentity(testRand(2), id, testPass, KDFParams{}); !errors.Is(err, ErrKDFParams) {
		t.Fatalf("zero KDF params: %v", err)
	}
}

func TestKDFParamsValidate(t *testing.T) {
	tests := []struct {
		name string
		p    KDFParams
		ok   bool
	}{
		{"default", DefaultKDFParams(), true},
		{"tiny", testKDF, true},
		{"1 GiB, 4 passes", KDFParams{Time: 4, MemoryKiB: 1 << 20, Threads: 4}, true},
		{"zero time", KDFParams{Time: 0, MemoryKiB: 64, Threads: 1}, false},
		{"zero threads", KDFParams{Time: 1, MemoryKiB: 64, Threads: 0}, false},
		{"memory below 8 KiB per lane", KDFParams{Time: 1, MemoryKiB: 31, Threads: 4}, false},
		{"2 GiB", KDFParams{Time: 1, MemoryKiB: 2 << 20, Threads: 4}, false},
		{"17 passes", KDFParams{Time: 17, MemoryKiB: 64, Threads: 1}, false},
		{"17 lanes", KDFParams{Time: 1, MemoryKiB: 1024, Threads: 17}, false},
		{"5 passes over 1 GiB", KDFParams{Time: 5, MemoryKiB: 1 << 20, Threads: 4}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if tt.ok != (err == nil) || (!tt.ok && !errors.Is(err, ErrKDFParams)) {
				t.Fatalf("Validate(%v) = %v", tt.p, err)
			}
		})
	}
}

// reseal re-encodes a parsed key file with a correct checksum, as someone
// who edits a field and knows the format would.
func reseal(t *testing.T, data []byte, edit func(f *keyFile)) []byte {
	t.Helper()
	f, err := parseKeyFile(data)
	if err != nil {
		t.Fatal(err)
	}
	edit(f)
	return f.marshal()
}

// TestKeyFileEditedWithChecksum: an editor who recomputes the checksum gets
// past the first check; the verifier and the AEAD must still refuse.
func TestKeyFileEditedWithChecksum(t *testing.T) {
	id := mustIdentity(t, 1, "auditor-1", "A")
	data, err := EncryptIdentity(testRand(2), id, testPass, testKDF)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(f *keyFile)
		want error
	}{
		{"ciphertext bit", func(f *keyFile) { f.body[3] ^= 1 }, ErrKeyFileTampered},
		{"tag bit", func(f *keyFile) { f.body[len(f.body)-1] ^= 0x80 }, ErrKeyFileTampered},
		{"ciphertext truncated", func(f *keyFile) { f.body = f.body[:len(f.body)-1] }, ErrKeyFileTampered},
		{"nonce", func(f *keyFile) { f.nonce[0] ^= 1 }, ErrKeyFileTampered},
		{"auditor header", func(f *keyFile) { f.auditor = "auditor-2" }, ErrKeyFileTampered},
		{"salt", func(f *keyFile) { f.salt[5] ^= 1 }, ErrWrongPassphrase},
		{"verifier", func(f *keyFile) { f.verifier[0] ^= 1 }, ErrWrongPassphrase},
		{"KDF time", func(f *keyFile) { f.params.Time = 2 }, ErrWrongPassphrase},
		{"KDF memory", func(f *keyFile) { f.params.MemoryKiB = 72 }, ErrWrongPassphrase},
		{"relabelled as root key", func(f *keyFile) { f.kind = kindRoot }, ErrKeyFileFormat},
		{"KDF memory 4 GiB", func(f *keyFile) { f.params.MemoryKiB = 4 << 20 }, ErrKDFParams},
		{"KDF 1000 passes", func(f *keyFile) { f.params.Time = 1000 }, ErrKDFParams},
		{"KDF 0 lanes", func(f *keyFile) { f.params.Threads = 0 }, ErrKDFParams},
		{"KDF 255 lanes", func(f *keyFile) { f.params.Threads = 255; f.params.MemoryKiB = 8 * 255 }, ErrKDFParams},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := reseal(t, data, tt.edit)
			_, err := DecryptIdentity(bad, testPass)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if errors.Is(tt.want, ErrKDFParams) && !errors.Is(err, ErrKeyFileFormat) {
				t.Fatalf("out-of-bounds parameters not reported as a format error: %v", err)
			}
		})
	}
}

func TestKeyFileAuditorPayloadMismatch(t *testing.T) {
	// A file whose authenticated header names another auditor than its
	// authenticated payload (only a faulty writer makes one) is refused.
	id := mustIdentity(t, 1, "auditor-1", "A")
	data, err := sealKeyFile(testRand(2), kindAuditor, "auditor-2", marshalIdentity(id), testPass, testKDF)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecryptIdentity(data, testPass); !errors.Is(err, ErrKeyFileFormat) {
		t.Fatalf("got %v", err)
	}
	for _, pt := range [][]byte{nil, make([]byte, 64), append(make([]byte, 64), 3, 'a', 'b')} {
		data, err := sealKeyFile(testRand(2), kindAuditor, "auditor-1", pt, testPass, testKDF)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := DecryptIdentity(data, testPass); !errors.Is(err, ErrKeyFileFormat) {
			t.Fatalf("payload of %d bytes: got %v", len(pt), err)
		}
	}
}

func TestKeyFileVersion(t *testing.T) {
	id := mustIdentity(t, 1, "auditor-1", "A")
	data, err := EncryptIdentity(testRand(2), id, testPass, testKDF)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"2", "0", "10", "1.1", ""} {
		bad := bytes.Replace(data, []byte("Version: 1\n"), []byte("Version: "+v+"\n"), 1)
		if _, err := DecryptIdentity(bad, testPass); !errors.Is(err, ErrKeyFileVersion) {
			t.Errorf("version %q: got %v", v, err)
		}
	}
}

// TestKeyFileEveryByteChange changes every byte of a key file in several
// ways, truncates it at every length and extends it: each must be refused,
// and never as a wrong passphrase.
func TestKeyFileEveryByteChange(t *testing.T) {
	files := map[string]func([]byte, []byte) error{}
	id := mustIdentity(t, 1, "auditor-1", "Auditor Satu")
	aud, err := EncryptIdentity(testRand(2), id, testPass, testKDF)
	if err != nil {
		t.Fatal(err)
	}
	root, err := EncryptRootKey(testRand(3), mustRoot(t, 4), testPass, testKDF)
	if err != nil {
		t.Fatal(err)
	}
	files["auditor"] = func(d, p []byte) error { _, err := DecryptIdentity(d, p); return err }
	files["root"] = func(d, p []byte) error { _, err := DecryptRootKey(d, p); return err }
	orig := map[string][]byte{"auditor": aud, "root": root}
	for name, open := range files {
		t.Run(name, func(t *testing.T) {
			data := orig[name]
			if err := open(data, testPass); err != nil {
				t.Fatalf("original refused: %v", err)
			}
			check := func(what string, bad []byte) {
				err := open(bad, testPass)
				if err == nil {
					t.Fatalf("%s accepted", what)
				}
				if !isAny(err, ErrKeyFileFormat, ErrKeyFileVersion, ErrKeyFileTampered) || errors.Is(err, ErrWrongPassphrase) {
					t.Fatalf("%s: unexpected error %v", what, err)
				}
			}
			bad := bytes.Clone(data)
			for i := range data {
				for _, x := range []byte{0x01, 0x20, 0x80, 0xff} {
					bad[i] = data[i] ^ x
					check("byte change", bad)
				}
				bad[i] = data[i]
			}
			for n := range len(data) {
				check("truncation", data[:n])
			}
			check("extension", append(bytes.Clone(data), '\n'))
			check("extension", append(bytes.Clone(data), data...))
		})
	}
}

func TestIdentityPublicAndSign(t *testing.T) {
	id := mustIdentity(t, 1, "auditor-1", "A")
	pub := id.Public()
	msg := []byte("approve request 1")
	if !ed25519.Verify(pub.Ed25519, msg, id.Sign(msg)) {
		t.Fatal("signature does not verify with the public key")
	}
	if len(pub.XWing) != XWingPublicKeySize || len(id.XWingSeed()) != 32 {
		t.Fatal("X-Wing key sizes")
	}
	id.Wipe()
	if !bytes.Equal(id.XWingSeed(), make([]byte, 32)) || !bytes.Equal(id.edSeed, make([]byte, 32)) {
		t.Fatal("Wipe left key material")
	}
}
