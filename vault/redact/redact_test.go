package redact

import (
	"strings"
	"testing"
)

type redactCase struct {
	name string
	text string
	id   Identity
	want string
}

var budi = Identity{
	Name:    "Budi Santoso",
	NIK:     "3201012304900001",
	Phone:   "+62 812-3456-7890",
	Email:   "budi.santoso14@gmail.com",
	Address: "Jl. Merdeka No. 96, RT 03/RW 05, Kel. Sukamaju, Kota Bandung",
}

var indah = Identity{Name: "Indah Kasih Putri", Phone: "0857 1111 2222"}

// redactCases are positives and near misses for every kind. want is the
// whole expected output, so a case fails on a miss and on an over-redaction.
var redactCases = []redactCase{
	// NIK
	{"nik plain", "NIK 3201012304900001 hilang", Identity{}, "NIK [NIK] hilang"},
	{"nik woman day+40", "punya 3171046512850003 ini", Identity{}, "punya [NIK] ini"},
	{"nik groups of four", "no 3201 0123 0490 0001.", Identity{}, "no [NIK]."},
	{"nik dashes", "3201-0123-0490-0001", Identity{}, "[NIK]"},
	{"nik glued intro", "NIK:3201012304900001", Identity{}, "NIK:[NIK]"},
	{"nik new papua province", "9601012304900001", Identity{}, "[NIK]"},
	{"nik bad province, no intro", "kode 4001012304900001 saja", Identity{}, "kode 4001012304900001 saja"},
	{"nik bad province, intro", "NIK saya 4001012304900001", Identity{}, "NIK saya [NIK]"},
	{"16 digits bad date is KK", "nomor 3201019913900001", Identity{}, "nomor [KK]"},
	{"nik 17 digits", "32010123049000012", Identity{}, "32010123049000012"},
	{"nik mixed separators", "3201 0123-0490.0001", Identity{}, "3201 0123-0490.0001"},
	{"reporter nik any shape", "nik 3201.0123.0490.0001 dan 320 101 230 490 0001", budi, "nik [NIK] dan [NIK]"},
	// KK
	{"kk intro", "Nomor KK 3201012304900002.", Identity{}, "Nomor KK [KK]."},
	{"kk kartu keluarga", "kartu keluarga (KK) no. 3273012345670001", Identity{}, "kartu keluarga (KK) no. [KK]"},
	{"kk invalid date intro", "KK: 3102187960036907", Identity{}, "KK: [KK]"},
	{"kk as unit is not an intro", "ada 30 KK terdampak", Identity{}, "ada 30 KK terdampak"},
	// NPWP
	{"npwp dotted", "NPWP 09.254.294.3-407.000", Identity{}, "NPWP [NPWP]"},
	{"npwp dotted no intro", "punya 12.345.678.9-012.345 ya", Identity{}, "punya [NPWP] ya"},
	{"npwp 15 plain", "npwp usaha 092542943407000", Identity{}, "npwp usaha [NPWP]"},
	{"npwp 16 leading zero", "0092542943407000", Identity{}, "[NPWP]"},
	{"npwp 16 after intro", "NPWP baru: 3201012304900001", Identity{}, "NPWP baru: [NPWP]"},
	// phones
	{"mobile 08", "hp 081234567890", Identity{}, "hp [TELEPON]"},
	{"mobile +62 spaces", "WA +62 812 3456 7890.", Identity{}, "WA [TELEPON]."},
	{"mobile 62 dashes", "62812-3456-7890", Identity{}, "[TELEPON]"},
	{"mobile dots", "0812.3456.7890", Identity{}, "[TELEPON]"},
	{"mobile brackets", "(+62) 812 3456 7890", Identity{}, "[TELEPON]"},
	{"mobile 0062", "0062 812 3456 7890", Identity{}, "[TELEPON]"},
	{"landline brackets", "kantor (021) 555-1234", Identity{}, "kantor [TELEPON]"},
	{"landline area code", "telp 0274 512345", Identity{}, "telp [TELEPON]"},
	{"landline no intro", "di 022-7654321 saja", Identity{}, "di [TELEPON] saja"},
	{"landline +62", "+62 21 5551234", Identity{}, "[TELEPON]"},
	{"local number after intro", "Telp. 5551234", Identity{}, "Telp. [TELEPON]"},
	{"mobile without 0 after intro", "hp 812 3456 7890", Identity{}, "hp [TELEPON]"},
	{"two phones", "0812-1111-2222 / 0813 3333 4444", Identity{}, "[TELEPON] / [TELEPON]"},
	{"phone then quantity", "hubungi 0812 3456 789 200 meter dari sini", Identity{}, "hubungi [TELEPON] 200 meter dari sini"},
	{"date and time are not phones", "12.05.2024 08.30 dan 02-03-2026", Identity{}, "12.05.2024 08.30 dan 02-03-2026"},
	{"short 08 number", "antre nomor 0812 saja", Identity{}, "antre nomor 0812 saja"},
	{"reporter phone other writing", "nomor saya 0812 3456 7890, juga 6281234567890", budi, "nomor saya [TELEPON], juga [TELEPON]"},
	// e-mail
	{"email", "email: Budi.S+lapor@mail.co.id.", Identity{}, "email: [EMAIL]."},
	{"email obfuscated", "tulis ke andi [at] gmail [dot] com ya", Identity{}, "tulis ke [EMAIL] ya"},
	{"email handle", "ig @budi.santoso14, twitter budi.santoso14", budi, "ig @[EMAIL], twitter [EMAIL]"},
	{"not email", "harga @ Rp 5.000", Identity{}, "harga @ Rp 5.000"},
	// accounts
	{"account bank", "transfer ke rekening BRI 1824-69-443184-79-9 atas nama petugas", Identity{}, "transfer ke rekening BRI [REKENING] atas nama petugas"},
	{"account bank unknown name", "ke Bank Nagari 12345678901", Identity{}, "ke Bank Nagari [REKENING]"},
	{"account norek", "norek: 8730123456", Identity{}, "norek: [REKENING]"},
	{"account no. rek", "no. rek BCA 873 012 3456", Identity{}, "no. rek BCA [REKENING]"},
	{"account virtual", "virtual account 8808123456789012", Identity{}, "virtual account [REKENING]"},
	{"account in a bank sentence", "Rekening penerima: BRI Unit Tanah Abang, no. 0345-01-012345-50-2.", Identity{}, "Rekening penerima: BRI Unit Tanah Abang, no. [REKENING]."},
	{"short number in a bank sentence", "Bank DKI cabang 12 buka jam 08.00, antre 123456 orang", Identity{}, "Bank DKI cabang 12 buka jam 08.00, antre 123456 orang"},
	{"bank money kept", "rekening BRI sebesar Rp 1.500.000", Identity{}, "rekening BRI sebesar Rp 1.500.000"},
	{"bank then money", "BCA Rp 25.000.000", Identity{}, "BCA Rp 25.000.000"},
	{"bank name without number", "di kantor BRI 3 hari", Identity{}, "di kantor BRI 3 hari"},
	// plates
	{"plate", "nopol B 1234 XYZ", Identity{}, "nopol [PLAT]"},
	{"plate no spaces", "mobil DK6892EUE lewat", Identity{}, "mobil [PLAT] lewat"},
	{"plate lower case after intro", "plat nomor b 1234 xyz", Identity{}, "plat nomor [PLAT]"},
	{"plate without suffix after intro", "nomor polisi D 5422", Identity{}, "nomor polisi [PLAT]"},
	{"plate unknown region", "kode XX 1234 ABC", Identity{}, "kode XX 1234 ABC"},
	{"block not plate", "Blok A 12 B", Identity{}, "Blok A 12 B"},
	{"all caps sentence", "KELAS 5 SD DAN S 2 DI KOTA", Identity{}, "KELAS 5 SD DAN S 2 DI KOTA"},
	// passports
	{"passport", "paspor saya C 1234567", Identity{}, "paspor saya [PASPOR]"},
	{"passport glued", "Passport No: X1234567.", Identity{}, "Passport No: [PASPOR]."},
	{"passport two letters", "paspor AB1234567", Identity{}, "paspor [PASPOR]"},
	{"passport shape without intro", "kode A1234567", Identity{}, "kode A1234567"},
	// reporter's name
	{"name any case", "saya budi santoso, kata BUDI", budi, "saya [NAMA], kata [NAMA]"},
	{"name enclitic", "Budinya sudah pergi", budi, "[NAMA] sudah pergi"},
	{"name inside word kept", "Budiman dan Santosa datang", budi, "Budiman dan Santosa datang"},
	{"name old spelling", "Soedi Santoso dan Boedi", Identity{Name: "Sudi"}, "[NAMA] Santoso dan Boedi"},
	{"name doubled letters", "Muhammad dan Mochamad", Identity{Name: "Muhamad Rizki"}, "[NAMA] dan [NAMA]"},
	{"name written together", "akun budisantoso", budi, "akun [NAMA]"},
	{"common-word name, capitalised", "kata Indah kemarin", indah, "kata [NAMA] kemarin"},
	{"common-word name, lower case", "jalan itu indah, terima kasih", indah, "jalan itu indah, terima kasih"},
	{"common-word name, sentence start", "Indah sekali. Kasih sayang.", indah, "Indah sekali. Kasih sayang."},
	{"common-word name, next to name", "Salam hangat dari indah kasih putri", indah, "Salam hangat dari [NAMA]"},
	{"common-word name, capitals in lower text", "laporan dari INDAH tadi", indah, "laporan dari [NAMA] tadi"},
	{"common-word name, capitals in capitals", "TERIMA KASIH", indah, "TERIMA KASIH"},
	{"common word before name kept", "sudah 3 hari Hari menunggu", Identity{Name: "Hari Susanto"}, "sudah 3 hari [NAMA] menunggu"},
	{"generic mailbox is not a name", "info lebih lanjut di info@desa.id", Identity{Email: "info@desa.id"}, "info lebih lanjut di [EMAIL]"},
	{"mailbox written alone", "akun bsantoso diblokir", Identity{Email: "bsantoso@mail.id"}, "akun [NAMA] diblokir"},
	{"two-letter token ignored", "Ng dan Oei", Identity{Name: "Ng Oei"}, "Ng dan [NAMA]"},
	// self-introduction
	{"self nama saya", "Nama saya Siti Nurhaliza, warga Desa Sukamaju.", Identity{}, "Nama saya [NAMA], warga Desa Sukamaju."},
	{"self saya", "Saya Joko dari RT 03/RW 05.", Identity{}, "Saya [NAMA] dari RT 03/RW 05."},
	{"self pelapor caps", "Pelapor: AHMAD FAUZI, No HP 081234567890", Identity{}, "Pelapor: [NAMA], No HP [TELEPON]"},
	{"self an", "a.n. BUDI LESTARI.", Identity{}, "a.n. [NAMA]."},
	{"self honorific", "Salam, Pak Agus S. Wibowo", Identity{}, "Salam, Pak [NAMA]"},
	{"self signature line", "Hormat saya,\nDewi Lestari", Identity{}, "Hormat saya,\n[NAMA]"},
	{"self name that is a word", "saya Rahmat Hidayat ingin melapor", Identity{}, "saya [NAMA] ingin melapor"},
	{"self not a name", "Saya Warga RT 05. Saya Mohon bantuan. Terima kasih, Bapak Kepala Dinas.", Identity{}, "Saya Warga RT 05. Saya Mohon bantuan. Terima kasih, Bapak Kepala Dinas."},
	{"self company", "atas nama PT Maju Jaya", Identity{}, "atas nama PT Maju Jaya"},
	{"self lower case", "atas nama petugas", Identity{}, "atas nama petugas"},
	// reporter's address
	{"address as given", "Alamat: Jl. Merdeka No. 96, RT 03/RW 05.", budi, "Alamat: [ALAMAT]."},
	{"address other writing", "rumah saya di jalan merdeka nomor 96 rt 3 rw 5", budi, "rumah saya di [ALAMAT]"},
	{"address without marker", "di Merdeka 96 Bandung", budi, "di [ALAMAT]"},
	{"address area alone kept", "Kantor Kelurahan Sukamaju dan RT 03/RW 05 banjir", budi, "Kantor Kelurahan Sukamaju dan RT 03/RW 05 banjir"},
	{"address common street alone kept", "Hari Merdeka di Jl. Merdeka", budi, "Hari Merdeka di Jl. Merdeka"},
	{"address roman numeral", "di Gang Kenari 9 no. 7", Identity{Address: "Gg. Kenari IX No. 7"}, "di [ALAMAT]"},
	{"address rare street after marker", "macet di Jl. Cihampelas", Identity{Address: "Jl. Cihampelas 5"}, "macet di [ALAMAT]"},
	// kept
	{"keep money", "Rp 1.500.000, Rp 250 ribu, Rp750.000, IDR 2.000.000, Rp 125.000.000.000", Identity{}, "Rp 1.500.000, Rp 250 ribu, Rp750.000, IDR 2.000.000, Rp 125.000.000.000"},
	{"keep law", "UU No. 25 Tahun 2009, Perpres 76/2013, PP No. 96 Tahun 2012, Pasal 5 ayat (1)", Identity{}, "UU No. 25 Tahun 2009, Perpres 76/2013, PP No. 96 Tahun 2012, Pasal 5 ayat (1)"},
	{"keep letter numbers", "Nomor surat 470/215/2026 dan 800/1234/Disdik/2025", Identity{}, "Nomor surat 470/215/2026 dan 800/1234/Disdik/2025"},
	{"keep dates and times", "12 Januari 2026, 05/07/2023, 2024-03-15 10:30, pukul 08.30 WIB, jam 14:00", Identity{}, "12 Januari 2026, 05/07/2023, 2024-03-15 10:30, pukul 08.30 WIB, jam 14:00"},
	{"keep quantities", "3 km, 200 meter, 50%, 14 hari kerja, 1.250 orang, 12000000 rupiah", Identity{}, "3 km, 200 meter, 50%, 14 hari kerja, 1.250 orang, 12000000 rupiah"},
	{"keep complaint ids", "KTK-2026-000123 dan KTK-20260315-0042", Identity{}, "KTK-2026-000123 dan KTK-20260315-0042"},
	{"keep RT RW house", "RT 03/RW 05 No. 12", Identity{}, "RT 03/RW 05 No. 12"},
	{"keep hours and counts", "pukul 08.00-12.00 WITA, 47 KK, call center 1500-123, tahun 2019-2024", Identity{}, "pukul 08.00-12.00 WITA, 47 KK, call center 1500-123, tahun 2019-2024"},
	{"reporter nik as npwp", "NPWP saya 3201012304900001", budi, "NPWP saya [NIK]"},
	{"name initial between parts", "Yang melapor Budi S. Santoso.", budi, "Yang melapor [NAMA]."},
	{"name patronym", "SANTOSO BIN KARTO dan Santoso bin Karto", budi, "[NAMA] dan [NAMA]"},
	{"keep placeholders", "[NAMA] [NIK] [TELEPON] [ALAMAT]", budi, "[NAMA] [NIK] [TELEPON] [ALAMAT]"},
}

func TestRedactCases(t *testing.T) {
	for _, c := range redactCases {
		t.Run(c.name, func(t *testing.T) {
			got, fs := Redact(c.text, c.id)
			if got != c.want {
				t.Errorf("Redact(%q)\n got %q\nwant %q", c.text, got, c.want)
			}
			checkFindings(t, c.text, got, fs)
			if again, _ := Redact(got, c.id); again != got {
				t.Errorf("second pass changed %q to %q", got, again)
			}
		})
	}
}

func TestFindingOffsets(t *testing.T) {
	text := "Saya Dédé, NIK 3201012304900001 — email dede@mail.id"
	got, fs := Redact(text, Identity{Name: "Dédé"})
	if want := "Saya [NAMA], NIK [NIK] — email [EMAIL]"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	want := []Finding{
		{Kind: KindName, Start: 5, End: 11, RuneStart: 5, RuneEnd: 9},
		{Kind: KindNIK, Start: 17, End: 33, RuneStart: 15, RuneEnd: 31},
		{Kind: KindEmail, Start: 44, End: 56, RuneStart: 40, RuneEnd: 52},
	}
	if len(fs) != len(want) {
		t.Fatalf("findings %+v, want %+v", fs, want)
	}
	for i := range want {
		if fs[i] != want[i] {
			t.Errorf("finding %d = %+v, want %+v", i, fs[i], want[i])
		}
		if text[fs[i].Start:fs[i].End] == "" {
			t.Errorf("finding %d is empty", i)
		}
	}
	if text[fs[0].Start:fs[0].End] != "Dédé" || text[fs[2].Start:fs[2].End] != "dede@mail.id" {
		t.Errorf("spans cover %q and %q", text[fs[0].Start:fs[0].End], text[fs[2].Start:fs[2].End])
	}
}

func TestValidNIK(t *testing.T) {
	for _, c := range []struct {
		nik  string
		want bool
	}{
		{"3201012304900001", true},
		{"3201016304900001", true},  // woman, day 23
		{"3201013102900001", false}, // 31 February
		{"3201012902900001", true},  // 29 February
		{"3201017304900001", false}, // day 33 after -40
		{"3201012313900001", false}, // month 13
		{"3201012304900000", false}, // serial 0000
		{"3200012304900001", false}, // regency 00
		{"2001012304900001", false}, // province 20
		{"9601012304900001", true},  // Papua Barat Daya
		{"320101230490001", false},  // 15 digits
	} {
		if got := validNIK(c.nik); got != c.want {
			t.Errorf("validNIK(%s) = %v, want %v", c.nik, got, c.want)
		}
	}
}

func TestRomanValue(t *testing.T) {
	for s, want := range map[string]int{"i": 1, "iv": 4, "ix": 9, "xiv": 14, "xxxix": 39, "iiii": 0, "vx": 0, "di": 0, "": 0, "xl": 0} {
		if got := romanValue(s); got != want {
			t.Errorf("romanValue(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestNameNorm(t *testing.T) {
	for _, c := range [][2]string{
		{"Soeharto", "suharto"}, {"Djoko", "joko"}, {"Tjipto", "cipto"}, {"Achmad", "akhmad"},
		{"Muhammad", "muhamad"}, {"Mohammad", "muhamad"}, {"Moch", "muhamad"}, {"Muh", "muhamad"},
		{"Anna", "ana"}, {"Ma'ruf", "maruf"}, {"DÉDÉ", "dede"},
	} {
		if got := nameNorm(strings.ToLower(c[0])); got != c[1] {
			t.Errorf("nameNorm(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}

func TestNoPlaceholderInsideFindings(t *testing.T) {
	// a text that already holds placeholders keeps them as they are; a
	// pattern touching one is not trusted (the placeholder may stand for
	// what kept it from matching), but the reporter's own pieces still go
	for _, c := range [][2]string{
		{"[NAMA] budi@mail.id [NIK]3201012304900001 [TELEPON]", "[NAMA] [EMAIL] [NIK][NIK] [TELEPON]"},
		{"[NAMA]budi@mail.id", "[NAMA][NAMA]@mail.id"},
		{"[NAMA]B 1234 XYZ [NAMA] 3171046512850003", "[NAMA]B 1234 XYZ [NAMA] 3171046512850003"},
	} {
		got, fs := Redact(c[0], budi)
		if got != c[1] {
			t.Errorf("Redact(%q) = %q, want %q", c[0], got, c[1])
		}
		for _, f := range fs {
			if strings.Contains(c[0][f.Start:f.End], "[") {
				t.Errorf("finding %+v covers a placeholder", f)
			}
		}
	}
}
