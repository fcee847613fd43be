GO        ?= go
DATA      ?= ./data/demo
ADDR      ?= 127.0.0.1:8080
PKGS      := ./...

.PHONY: run build test test-short bench bench-http lint crash fuzz clean

build:
	$(GO) build -o bin/kotak ./cmd/kotak

# GODEBUG=cpu.avx2=off: circl's ML-KEM AVX2 assembly leaves the upper YMM
# state dirty, and every SSE instruction after it (HPKE's HMACs) pays the
# AVX-to-SSE transition penalty; without AVX2 a submission is ~35% cheaper
# here (docs/operations.md, "Performance").
run: build
	GODEBUG=cpu.avx2=off ./bin/kotak serve --demo --data $(DATA) --addr $(ADDR)

# The full suite, with the race detector, as CI runs it.
test:
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

test-short:
	$(GO) test -short -count=1 $(PKGS)

# Benchmarks: every figure is paired with a baseline measured in the same run.
# The vault and audit log benchmarks build 1M-record databases inside the
# benchmark; expect a few minutes in all.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s ./crypto/... ./keys/... ./vault/redact ./vault/staff
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s -timeout 60m ./vault ./vault/auditlog

# Anonymous submissions over loopback at 1, 16 and 64 clients against the
# whole server and, in the same run, bare Echo handlers doing one durable
# bbolt put (Update and Batch). HTTP_REQUESTS requests per cell.
HTTP_REQUESTS ?= 3000
bench-http:
	$(GO) test -run '^$$' -bench '^BenchmarkHTTPSubmit$$' -benchtime $(HTTP_REQUESTS)x -timeout 30m ./api
	GODEBUG=cpu.avx2=off $(GO) test -run '^$$' -bench '^BenchmarkHTTPSubmit$$' -benchtime $(HTTP_REQUESTS)x -timeout 30m ./api

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

# Short runs of every fuzz target (FUZZTIME per target).
FUZZTIME ?= 20s
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# Crash safety: SIGKILL the vault under concurrent submissions many times
# and check every acknowledged complaint after each restart.
CRASH_CYCLES ?= 300
crash:
	KOTAK_CRASH_CYCLES=$(CRASH_CYCLES) $(GO) test -count=1 -run '^TestCrashSafety$$' -timeout 60m -v ./vault

clean:
	rm -rf bin
