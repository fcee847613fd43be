package redact

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// genPieces are fragments that meet the rules' edges: intros, fillers,
// numbers of every shape, names, common words, markers and placeholders.
var genPieces = []string{
	"NIK", "KK", "NPWP", "hp", "WA", "telp", "rekening", "BRI", "Bank", "Nagari", "no.", "No", ":", "paspor",
	"plat", "nopol", "saya", "Saya", "nama", "Nama", "a.n.", "Salam,", "Pelapor:", "Pak", "Ibu", "terima", "kasih",
	"Kasih", "KASIH", "Indah", "indah", "Budi", "budi", "BUDI", "Santoso", "Budinya", "Hari", "hari", "Jl.", "jalan",
	"Merdeka", "merdeka", "No.", "96", "RT", "03", "RW", "05", "Sukamaju", "Rp", "1.500.000", "250", "ribu",
	"0812", "3456", "7890", "+62", "62", "812", "021", "(021)", "555-1234", "3201012304900001", "3201", "0123",
	"0490", "0001", "09.254.294.3-407.000", "B", "1234", "XYZ", "DK6892EUE", "C", "1234567", "X1234567",
	"budi.santoso14", "@", "gmail.com", "budi@mail.id", "[NAMA]", "[NIK]", "[TELEPON]", "[ALAMAT]", "[REKENING]",
	"[PLAT]", "[EMAIL]", "-", "/", ".", ",", "(", ")", "\n", "dan", "di", "ke", "yang", "sudah", "3", "km", "%",
	"KTK-2026-000123", "470/215/2026", "12.05.2024", "08.30", "Putri", "putri", "Sutrisno", "A", "S.", "dari",
	"0857", "1111", "2222", "8808123456789012", "12345678", "Mawar", "Gg.", "12", "Desa", "Cibiru", "budisantoso",
}

func genText(r *rand.Rand) string {
	var b strings.Builder
	n := 1 + r.IntN(14)
	for i := 0; i < n; i++ {
		b.WriteString(genPieces[r.IntN(len(genPieces))])
		switch r.IntN(6) {
		case 0:
		case 1:
			b.WriteString("  ")
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

var genIdentities = []Identity{
	{},
	budi,
	indah,
	{Name: "Hari Budi Kasih", NIK: "3201 0123 0490 0001", Phone: "021 555 1234", Address: "Gg. Mawar No. 12 RT 02 RW 07, Desa Cibiru"},
	{Name: "Sutrisno", Email: "budi@mail.id", Address: "Jalan Merdeka 96"},
}

// TestIdempotentGenerated redacts generated texts twice, and through a
// profile, and checks the output contract: a structured complement to
// FuzzRedact, whose random bytes rarely form the pieces that meet.
func TestIdempotentGenerated(t *testing.T) {
	iters := 8000
	if testing.Short() {
		iters = 1000
	}
	r := rand.New(rand.NewPCG(1, 2))
	profiles := make([]*Profile, len(genIdentities))
	for i, id := range genIdentities {
		profiles[i] = NewProfile(fuzzKey, id)
	}
	for i := 0; i < iters; i++ {
		text := genText(r)
		k := r.IntN(len(genIdentities))
		id := genIdentities[k]
		out, fs := Redact(text, id)
		checkFindings(t, text, out, fs)
		if again, _ := Redact(out, id); again != out {
			t.Fatalf("identity %d not idempotent:\n input %q\n once  %q\n twice %q", k, text, out, again)
		}
		if pout, _ := RedactProfile(text, profiles[k]); pout != out {
			t.Fatalf("identity %d: profile differs:\n input    %q\n identity %q\n profile  %q", k, text, out, pout)
		}
	}
}
