package seal

import (
	"bytes"
	"encoding/binary"
	"testing"

	"kotak/internal/testkit"
)

// FuzzParse: Parse never panics; whatever it accepts re-encodes to the same
// bytes; and only the genuine record opens with the genuine shares.
func FuzzParse(f *testing.F) {
	fx := newFixture(f, 3, 2, 60, 0)
	const cid = "c-fuzz"
	r, err := Seal(testkit.Rand(60), fx.kr, cid, []byte("fuzz"))
	if err != nil {
		f.Fatal(err)
	}
	orig, _ := r.MarshalBinary()
	shares := fx.openAll(f, r, cid)

	f.Add(orig)
	f.Add(orig[:len(orig)-1])
	f.Add(append(bytes.Clone(orig), 0))
	f.Add([]byte{})
	f.Add([]byte(recordMagic))
	v2 := bytes.Clone(orig)
	v2[4] = 2
	f.Add(v2)
	huge := bytes.Clone(orig[:45])
	huge = append(huge, 8, 'a', 'u', 'd', 'i', 't', 'o', 'r', '1')
	huge = append(huge, make([]byte, 32)...)
	huge = binary.BigEndian.AppendUint16(huge, 0xffff)
	f.Add(huge)

	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := Parse(data)
		if err != nil {
			if rec != nil {
				t.Fatal("record returned with an error")
			}
			return
		}
		b, err := rec.MarshalBinary()
		if err != nil || !bytes.Equal(b, data) {
			t.Fatalf("accepted input is not canonical: %v", err)
		}
		pt, err := Open(rec, cid, fx.kr, shares)
		if err == nil && (!bytes.Equal(data, orig) || string(pt) != "fuzz") {
			t.Fatalf("a changed record opened: %q", pt)
		}
		_ = rec.CheckShare(cid, Share{Index: 1, Value: data})
	})
}

// FuzzOpenResealed: OpenResealed never panics, and nothing but the genuine
// re-sealed share opens.
func FuzzOpenResealed(f *testing.F) {
	seed, pub, err := NewRecipientKey(testkit.Rand(61))
	if err != nil {
		f.Fatal(err)
	}
	share := Share{Index: 3, Value: bytes.Repeat([]byte{5}, ShareSize)}
	const req, cid = "req-fuzz", "c-fuzz"
	blob, err := Reseal(testkit.Rand(62), share, pub, req, cid)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(blob)
	f.Add(blob[:len(blob)-1])
	f.Add(append(bytes.Clone(blob), 1))
	f.Add([]byte(resealMagic))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := OpenResealed(seed, data, req, cid)
		if err != nil {
			if s.Value != nil {
				t.Fatal("share returned with an error")
			}
			return
		}
		if !bytes.Equal(data, blob) || s.Index != share.Index || !bytes.Equal(s.Value, share.Value) {
			t.Fatalf("a changed re-sealed share opened: index %d", s.Index)
		}
	})
}
