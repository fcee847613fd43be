package keys

import (
	"bytes"
	"errors"
	"testing"
)

func FuzzParseKeyring(f *testing.F) {
	for _, nk := range [][2]int{{1, 1}, {2, 2}, {3, 2}} {
		k, _, _ := mustKeyring(f, uint64(nk[0]), nk[0], nk[1])
		data := k.Marshal()
		f.Add(data)
		f.Add(data[:len(data)/2])
		f.Add(bytes.Replace(data, []byte("threshold "), []byte("threshold 1"), 1))
	}
	f.Add([]byte("kotak-keyring v1\nthreshold 1\nroot x\nauditor a b c \"d\"\nsignature s\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParseKeyring(data)
		if err != nil {
			if k != nil {
				t.Fatal("keyring returned with an error")
			}
			return
		}
		// Whatever parses is canonical, signed and consistent.
		if !bytes.Equal(k.Marshal(), data) {
			t.Fatal("accepted a non-canonical keyring")
		}
		if k.Threshold < 1 || k.Threshold > k.N() {
			t.Fatal("accepted a threshold outside 1..n")
		}
		again, err := ParseKeyring(k.Marshal())
		if err != nil || again.ID() != k.ID() {
			t.Fatalf("re-parse: %v", err)
		}
	})
}

// FuzzDecryptKeyFile runs the key file parser, checksum, KDF bounds,
// verifier and AEAD on arbitrary input, with argon2id bounded tightly so
// the fuzzer cannot make it slow (the production bounds are tested in
// TestKeyFileEditedWithChecksum).
func FuzzDecryptKeyFile(f *testing.F) {
	id := mustIdentity(f, 1, "auditor-1", "Auditor Satu")
	aud, err := EncryptIdentity(testRand(2), id, testPass, testKDF)
	if err != nil {
		f.Fatal(err)
	}
	root, err := EncryptRootKey(testRand(3), mustRoot(f, 4), testPass, testKDF)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(aud, testPass)
	f.Add(root, testPass)
	f.Add(aud, []byte("wrong passphrase"))
	f.Add(aud[:len(aud)/2], testPass)
	f.Add(bytes.Replace(aud, []byte("Version: 1"), []byte("Version: 2"), 1), testPass)
	f.Fuzz(func(t *testing.T, data, pass []byte) {
		ident, err := decryptIdentity(data, pass, fuzzLimits)
		if err == nil {
			if checkAuditorID(ident.AuditorID) != nil || checkName(ident.Name) != nil {
				t.Fatal("decrypted an identity with invalid fields")
			}
			if len(ident.XWingSeed()) != 32 {
				t.Fatal("decrypted an identity with a short seed")
			}
			_ = ident.Public()
		} else if !isAny(err, ErrKeyFileFormat, ErrKeyFileVersion, ErrKeyFileTampered, ErrWrongPassphrase) {
			t.Fatalf("untyped error: %v", err)
		}
		rk, err := decryptRootKey(data, pass, fuzzLimits)
		if err == nil && len(rk) != 64 {
			t.Fatal("root key of the wrong size")
		}
		if err != nil && !isAny(err, ErrKeyFileFormat, ErrKeyFileVersion, ErrKeyFileTampered, ErrWrongPassphrase) {
			t.Fatalf("untyped error: %v", err)
		}
		if errors.Is(err, ErrKDFParams) && !errors.Is(err, ErrKeyFileFormat) {
			t.Fatal("KDF bounds not reported as a format error")
		}
	})
}
