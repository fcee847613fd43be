package keys

import (
	"crypto/ed25519"
	"fmt"
	"testing"

	"github.com/cloudflare/circl/kem/xwing"
	"golang.org/x/crypto/argon2"
)

// BenchmarkKeyFile opens an auditor key file with the production argon2id
// parameters; the baseline is the bare argon2id call with the same
// parameters, so the ratio is the format's overhead.
func BenchmarkKeyFile(b *testing.B) {
	p := DefaultKDFParams()
	id := mustIdentity(b, 1, "auditor-1", "Auditor Satu")
	data, err := EncryptIdentity(testRand(2), id, testPass, p)
	if err != nil {
		b.Fatal(err)
	}
	salt := make([]byte, keyFileSaltSize)
	b.Run("baseline=argon2id", func(b *testing.B) {
		for b.Loop() {
			argon2.IDKey(testPass, salt, p.Time, p.MemoryKiB, p.Threads, 32)
		}
	})
	b.Run("DecryptIdentity", func(b *testing.B) {
		for b.Loop() {
			if _, err := DecryptIdentity(data, testPass); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("EncryptIdentity", func(b *testing.B) {
		for b.Loop() {
			if _, err := EncryptIdentity(testRand(3), id, testPass, p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("tampered", func(b *testing.B) {
		bad := append([]byte(nil), data...)
		bad[len(bad)/2] ^= 1
		for b.Loop() {
			if _, err := DecryptIdentity(bad, testPass); err == nil {
				b.Fatal("tampered file opened")
			}
		}
	})
}

// BenchmarkParseKeyring parses and verifies keyrings of n auditors; the
// baseline is the unavoidable work: one Ed25519 verification and n X-Wing
// public key decodings.
func BenchmarkParseKeyring(b *testing.B) {
	for _, n := range []int{3, 5, 7} {
		k, _, _ := mustKeyring(b, uint64(n), n, (n+1)/2)
		data := k.Marshal()
		b.Run(fmt.Sprintf("n=%d/baseline=verify+decode", n), func(b *testing.B) {
			msg := signedMessage(k.body)
			for b.Loop() {
				if !ed25519.Verify(k.Root, msg, k.Signature) {
					b.Fatal("verify")
				}
				for _, a := range k.Auditors {
					if _, err := xwing.Scheme().UnmarshalBinaryPublicKey(a.XWing); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/ParseKeyring", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := ParseKeyring(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
