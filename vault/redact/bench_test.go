package redact

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// BenchmarkCorpus redacts every labelled complaint per iteration and reports
// throughput (MB/s) next to two baselines measured in the same run over the
// same bytes: strings.ToLower and one regexp scan for digit runs. The
// redactor's recall and keep-precision on the corpus are reported as metrics.
func BenchmarkCorpus(b *testing.B) {
	var recs []record
	for _, name := range corpusFiles {
		recs = append(recs, loadCorpus(b, name)...)
	}
	var total int64
	ids := make([]Identity, len(recs))
	profiles := make([]*Profile, len(recs))
	for i, r := range recs {
		total += int64(len(r.Text))
		ids[i] = r.identity()
		profiles[i] = NewProfile(fuzzKey, ids[i])
	}
	s := scoreRecords(recs, Redact)
	digits := regexp.MustCompile(`\d+`)
	var sink int
	run := func(name string, f func(i int, text string)) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(total)
			b.ReportAllocs()
			for n := 0; n < b.N; n++ {
				for i, r := range recs {
					f(i, r.Text)
				}
			}
			if name == "redact" {
				b.ReportMetric(s.recall(), "recall")
				b.ReportMetric(s.keepRate(), "keep")
			}
		})
	}
	run("baseline-tolower", func(_ int, text string) { sink += len(strings.ToLower(text)) })
	run("baseline-regexp-digits", func(_ int, text string) { sink += len(digits.FindAllStringIndex(text, -1)) })
	run("redact", func(i int, text string) {
		out, _ := Redact(text, ids[i])
		sink += len(out)
	})
	run("generic", func(_ int, text string) {
		out, _ := RedactProfile(text, nil)
		sink += len(out)
	})
	run("profile", func(i int, text string) {
		out, _ := RedactProfile(text, profiles[i])
		sink += len(out)
	})
	_ = sink
}

// BenchmarkLongText redacts the whole corpus as one document, to show that
// the cost stays linear in the length of the text.
func BenchmarkLongText(b *testing.B) {
	var parts []string
	for _, name := range corpusFiles {
		for _, r := range loadCorpus(b, name) {
			parts = append(parts, r.Text)
		}
	}
	text := strings.Join(parts, "\n")
	for _, mult := range []int{1, 8} {
		long := strings.Repeat(text+"\n", mult)
		b.Run(strings.Repeat("x", mult), func(b *testing.B) {
			b.SetBytes(int64(len(long)))
			for n := 0; n < b.N; n++ {
				Redact(long, budi)
			}
		})
	}
}

// BenchmarkAdversarial redacts inputs built to provoke super-linear work
// (long runs of brackets, intro words, separators, digit groups, name
// words) at two sizes. Linear time shows as about the same MB/s at both.
func BenchmarkAdversarial(b *testing.B) {
	id := Identity{Name: "Budi Tertanda Bin", NIK: "3201012304900001", Phone: "081234567890",
		Email: "budi.santoso@mail.id", Address: "Jl. Merdeka No. 96, RT 03/RW 05"}
	pieces := map[string]string{
		"brackets":   "[[[[(((( ",
		"intros":     "saya saya nama Tertanda Salam, BIN ",
		"separators": "Merdeka ....,,,,----//// ",
		"digits":     "0812 3456 7890 1234 5678 9012 3456 ",
		"handles":    "budi.santoso.budi.santoso_budi-santoso ",
		"names":      "Budi Budi budi BUDI Budinya ",
		"email":      "a.b.c.d.e.f@g.h.i.j.k@ ",
	}
	for name, piece := range pieces {
		for _, size := range []int{16 << 10, 128 << 10} {
			text := strings.Repeat(piece, size/len(piece))
			b.Run(fmt.Sprintf("%s/%dKiB", name, size>>10), func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				for n := 0; n < b.N; n++ {
					Redact(text, id)
				}
			})
		}
	}
}
