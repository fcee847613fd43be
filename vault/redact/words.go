package redact

import "strings"

func wordSet(lists ...string) map[string]bool {
	m := make(map[string]bool)
	for _, l := range lists {
		for _, w := range strings.Fields(l) {
			m[w] = true
		}
	}
	return m
}

// plainWords are everyday Indonesian words (lower case) that are not names.
// A self-introduced name stops at them.
var plainWords = wordSet(
	// function words, pronouns, conjunctions, particles
	`yang dan di ke dari untuk pada dengan dalam oleh atau juga ini itu tidak tak bukan belum sudah
	telah akan sedang masih bisa dapat harus perlu mau ingin hendak boleh saya aku kami kita anda kamu
	dia ia mereka beliau nya para sang si se ada adalah ialah yaitu yakni karena sebab sehingga agar
	supaya jika kalau bila apabila ketika saat waktu sejak sampai hingga sebelum sesudah setelah
	selama namun tetapi tapi melainkan serta lalu kemudian pun lah kah sangat amat sekali terlalu
	lebih kurang paling cukup hanya cuma saja semua seluruh setiap tiap banyak sedikit beberapa
	berbagai lain lainnya sama bahwa seperti bagai sebagai bagi tentang terhadap menurut antara
	tanpa sekitar hal apa siapa mana kapan bagaimana mengapa kenapa berapa mohon tolong harap
	silakan terima kasih maaf permisi selamat pagi siang sore malam salam hormat yth kepada
	demikian atas bawah depan belakang samping dekat jauh sini situ sana begitu begini tersebut
	sendiri pula sedangkan padahal walaupun meskipun biarpun kecuali selain hampir sempat segera
	lagi pernah sering selalu jarang kadang tadi nanti kemarin besok sekarang kini dulu dahulu
	baru lama oh ya iya tidaklah bahkan justru malah hanyalah yakin mungkin pasti tentu memang
	sungguh benar betul salah tiba tiba-tiba akhirnya akhir awal tengah luar masuk keluar naik turun`,
	// time, numbers, calendar
	`hari minggu bulan tahun jam menit detik pukul tanggal tgl senin selasa rabu kamis jumat sabtu
	ahad januari februari maret april mei juni juli agustus september oktober november desember
	satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas seratus seribu ribu juta
	miliar triliun rupiah pertama kedua ketiga keempat kelima nol setengah separuh wib wita wit`,
	// people, roles, institutions, places
	`warga masyarakat rakyat orang anak ibu bapak pak bu kakak adik kak dik suami istri keluarga
	tetangga teman petugas pegawai pejabat kepala ketua wakil sekretaris bendahara staf lurah camat
	bupati walikota wali gubernur menteri presiden direktur manajer dinas kantor kelurahan
	kecamatan kabupaten provinsi desa dusun kampung kota jalan jl gang gg rumah sekolah guru murid
	siswa mahasiswa kampus universitas sakit puskesmas dokter perawat bidan pasien obat klinik
	apotek bpjs ktp kk sim stnk akta surat izin sertifikat tanah air listrik pln pdam lampu sampah
	banjir hujan sungai saluran got parit selokan pohon taman pasar toko warung uang biaya bayar
	pungli pungutan bantuan sosial bansos pelayanan layanan pengaduan laporan keluhan aduan masalah
	kasus polisi pos mobil motor kendaraan bus angkot ojek parkir macet lintas terminal stasiun
	bandara pelabuhan kapal kereta internet sinyal telepon nomor no nama alamat email pelapor
	terlapor korban pelaku saksi bukti foto video data informasi berita program proyek anggaran
	dana pajak retribusi tagihan denda gaji honor upah pensiun kerja pekerjaan perusahaan pabrik
	usaha pedagang petani nelayan buruh karyawan honorer pns asn tni polri pemerintah pemda pemkot
	pemkab negara daerah wilayah lingkungan rt rw kompleks perumahan blok gedung lantai ruang loket
	antrean antrian jadwal syarat berkas dokumen formulir aplikasi sistem online website situs akun
	kartu rekening bank atm kredit pinjaman utang hutang pelanggan penduduk umum publik swasta
	negeri kementerian badan lembaga komisi dewan dprd dpr mahkamah pengadilan kejaksaan kepolisian
	polsek polres polda koramil kodim rsud rs smp sma smk sd tk paud madrasah pesantren masjid
	gereja pura vihara klenteng kelas kantin halaman lapangan jembatan trotoar drainase irigasi
	sawah kebun hutan laut pantai gunung bukit danau kolam sumur pipa kabel tiang gardu menara
	pelapor pemohon pengadu tersangka terdakwa hakim jaksa advokat pengacara notaris camat kades
	kadus sekdes perangkat operator admin administrator sopir supir kurir satpam penjaga tukang
	pemilik penyewa pembeli penjual konsumen produsen distributor agen mitra pengurus anggota
	koperasi yayasan organisasi partai kelompok tim panitia ketua`,
	// complaint verbs and adjectives (root and common forms)
	`lapor melapor melaporkan adu mengadu mengadukan minta meminta mohon memohon sampai sampaikan
	menyampaikan tanya bertanya menanyakan jawab menjawab bantu membantu urus mengurus pengurusan
	ajukan mengajukan daftar mendaftar terima menerima tolak menolak tunggu menunggu datang
	mendatangi pergi pulang kirim mengirim bayar membayar dibayar pungut memungut rusak merusak
	perbaiki memperbaiki diperbaiki tindak ditindaklanjuti tindaklanjuti lanjut selesai
	menyelesaikan diselesaikan proses diproses layani melayani dilayani periksa memeriksa diperiksa
	cek lihat melihat dilihat dengar mendengar tahu mengetahui kenal mengenal rasa merasa
	kecewa marah sedih senang puas resah khawatir takut berani jujur curang korupsi suap
	sogok menyogok pungli lambat cepat lama mahal murah sulit mudah susah gampang penting
	mendesak darurat parah berat ringan besar kecil tinggi rendah panjang pendek lebar sempit
	baik buruk bagus jelek bersih kotor rapi ramai sepi penuh kosong terbuka tertutup hilang ada
	tiada mati hidup nyala padam putus bocor retak longsor roboh tumbang tergenang tersumbat
	bingung heran kesal jengkel capek lelah sehat kaget terkejut malu bangga berharap
	bertanya berterima menyesal keberatan setuju sepakat paham mengerti kuatir
	prihatin tertipu dirugikan rugi sudah pernah sempat terpaksa harus wajib dilarang
	resmi ilegal liar gratis lunas tunggakan telat terlambat tepat bangsa nusantara indonesia
	doa pekerti akal mas bang mbak nona nyonya tuan santun sopan ramah`,
)

// nameWords are everyday words that are also given names or name parts.
// Names that are rare as words (Budi, Ayu, Wijaya) are deliberately absent.
var nameWords = wordSet(
	`indah kasih sayang cinta putri putra bunga mawar melati anggrek kenanga cendana kamboja
	flamboyan cahaya bintang matahari langit bumi angin embun pelangi fajar senja sinar terang
	cerah cantik manis elok jaya mulia setia aman damai adil makmur sejahtera sentosa bahagia
	gembira ria riang suka untung agung raya utama prima sakti perkasa teguh tulus iman sabar
	ikhlas rezeki rejeki berkah rahmat hidayah sejati murni suci wangi harum intan permata mutiara
	emas perak mega citra merdeka pahlawan harapan mandiri karunia anugerah berlian delima
	samudra samudera`,
)

// isCommon reports whether the lower-cased word is an everyday word, name or not.
func isCommon(lw string) bool { return plainWords[lw] || nameWords[lw] }

// honorifics may stand between an introduction and a name.
var honorifics = wordSet(`bapak ibu pak bu bpk sdr sdri saudara saudari mas mbak kak bang dik tn ny nn
	dr drs dra ir prof hj h haji hajjah ustadz ustaz ustadzah kyai kiai`)

// abbreviations end with a full stop that does not end a sentence.
var abbreviations = wordSet(`jl jln gg no nmr bpk sdr sdri kel kec kab prov dr drs dra ir prof hj h st
	rt rw an a n tgl ybs dll dsb dst yth pt cv tbk kp ds dsn blk komp perum lt rp hp telp tlp wa
	s m k b c d e f g i j l o p q r t u v w x y z`)

// unitWords follow a number that is a quantity, never part of an identifier.
var unitWords = wordSet(`hari minggu bulan tahun jam menit detik kali orang jiwa km m meter cm mm kg
	gram gr ton liter l ha hektar hektare persen ribu rb juta jt miliar triliun rupiah unit buah
	lembar rumah kepala kilometer kwh watt sks halaman lembaga kk ekor batang titik lokasi tempat
	sekolah siswa murid pasien tahunan bulanan harian pekan thn bln mg`)

// moneyWords introduce an amount of money.
var moneyWords = wordSet(`rp idr usd rupiah sebesar senilai seharga`)

// introClass is what a word before a number says the number is.
type introClass uint8

const (
	introNone introClass = iota
	introNIK
	introKK
	introNPWP
	introPhone
	introAccount // rekening, norek, virtual account
	introBank    // a bank's name: an account number follows
	introPassport
	introPlate
)

var introWords = map[string]introClass{
	"nik": introNIK, "ktp": introNIK, "ektp": introNIK, "kependudukan": introNIK, "nomornik": introNIK,
	"kk": introKK, "nkk": introKK, "kartukeluarga": introKK,
	"npwp": introNPWP,
	"hp":   introPhone, "wa": introPhone, "whatsapp": introPhone, "whatapp": introPhone, "telp": introPhone,
	"telepon": introPhone, "telpon": introPhone, "tlp": introPhone, "tlpn": introPhone, "ponsel": introPhone,
	"handphone": introPhone, "nohp": introPhone, "nowa": introPhone, "sms": introPhone, "kontak": introPhone,
	"hubungi": introPhone, "dihubungi": introPhone, "telephone": introPhone, "phone": introPhone,
	"mobile": introPhone, "seluler": introPhone, "selular": introPhone, "fax": introPhone, "faks": introPhone,
	"rekening": introAccount, "rek": introAccount, "norek": introAccount, "norekening": introAccount,
	"account": introAccount, "acc": introAccount, "va": introAccount,
	"paspor": introPassport, "passport": introPassport, "pasport": introPassport, "pasp": introPassport,
	"plat": introPlate, "pelat": introPlate, "nopol": introPlate, "polisi": introPlate, "tnkb": introPlate,
	"pol": introPlate,
}

// bankNames introduce an account number. "bank X" also does for any X.
var bankNames = wordSet(`bri bni bca mandiri bsi btn cimb niaga danamon permata bjb dki jatim jateng
	bpd muamalat ocbc nisp panin maybank btpn jenius sinarmas bukopin kb nagari sumut riau kalbar
	kaltim kalsel sulselbar papua ntb ntt bpr bca-syariah mega uob hsbc citibank dbs seabank jago
	neo blu allo aladin`)

// introFillers may stand between an intro word and its number.
var introFillers = wordSet(`no nomor nmr nomer number num nr saya kami aku adalah yaitu yakni ialah
	berikut sbb di ke pada usaha pribadi milik asli lama baru aktif resmi anda sdr bapak ibu an
	atas nama terdaftar yang tercantum tertera bank rek rekening induk kartu keluarga virtual
	ponsel hp wa telp telepon tlp whatsapp kontak kependudukan e dinas kendaraan mobil motor
	istri suami anak ayah ibu adik kakak orang tua keluarga lengkap kantor rumah genggam kerja`)

// introPunct may stand between an intro word and its number.
const introPunct = ":.-/()#=,'\"*"

// provinces holds the two-digit province codes that open a NIK or KK.
var provinces = func() [100]bool {
	var p [100]bool
	for _, c := range []int{11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36,
		51, 52, 53, 61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96} {
		p[c] = true
	}
	return p
}()

// plateRegions holds the region prefixes of Indonesian vehicle plates.
var plateRegions = wordSet(`A B D E F G H K L M N P R S T W Z AA AB AD AE AG BA BB BD BE BG BH BK BL BM
	BN BP DA DB DC DD DE DG DH DK DL DM DN DR DS DT DW EA EB ED KB KH KT KU PA PB PG`)

// plateStops are capitalised words that follow a number without making it a
// plate ("KELAS 5 SD", "JAM 9 WIB").
var plateStops = wordSet(`DAN DI KE YANG ATAU RT RW WIB WITA WIT KM JAM NO SD SMP SMA SMK TK PT CV
	TBK UU PP M KG CM MM JAN FEB MAR APR MEI JUN JUL AGU AGT AGS SEP OKT NOV DES HA RP OK KK`)

// plateGuards are words after which "A 12 B" is a block, room or class, not a plate.
var plateGuards = wordSet(`blok blk no nomor lantai lt kamar ruang gedung kelas tipe type seri ukuran
	rt rw pasal ayat bab lajur jalur gerbong kursi loket tahap gelombang angkatan ruko kios los`)

// selfIntros are words after which a writer gives their own name.
var selfIntros = wordSet(`nama namanya bernama pelapor pengadu pemohon tertanda ttd wassalam salam hormat
	koordinator korlap perwakilan narahubung kontak`)

// nameStops end a self-introduced name although capitalised.
var nameStops = wordSet(`pt cv ud tbk persero koperasi yayasan
	jl jln jalan gg gang rt rw kel kec kab kota desa dusun kp blok no nik kk
	npwp hp wa telp email alamat warga dari di ke yang dan atau dengan untuk sebagai selaku
	beralamat tinggal domisili umur usia lahir`)

// genericMailboxes are e-mail local parts that name a role, not a person:
// they are not matched as words of the text.
var genericMailboxes = wordSet(`info admin administrator contact kontak mail email surel office
	kantor support halo hello hallo user test pengaduan humas sekretariat redaksi layanan
	noreply cs`)
