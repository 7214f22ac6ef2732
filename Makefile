# lastmile build. `make run` and `make test` are the whole set-up on a fresh
# Debian machine: both depend on `deps`, which installs the Debian packages
# that pkg-config cannot find.

CC      ?= cc
PKGS    := gsl sqlite3 libcjson
# -std=c11 (not gnu11) and -ffp-contract=off keep floating point identical
# across machines: no fused multiply-add, no -ffast-math (STYLE.md, traps).
# CFLAGS is the user's (optimisation, sanitizers); LM_CFLAGS is always on,
# so `make CFLAGS=...` can never drop the standard or the include path.
# Link-time optimisation for the lastmile binary and the benchmarks, when
# CFLAGS is the default: GCC then inlines across files (the queue into the
# event loop, the ABR rule's helpers into the rule, the ladder lookups into
# the player): 5.7% fewer instructions on bench_e2e's first minute
# (analysis/PERFORMANCE.md). Objects are fat (LTO code and machine code),
# so the test binaries link them as usual, without a whole-program pass
# each. A CFLAGS of one's own (sanitizers, clang's fuzzers) turns it off;
# so does `make LTO=`.
ifeq ($(origin CFLAGS),undefined)
LTO     ?= -flto=auto
endif
CFLAGS  ?= -O2 -g
LTO_OBJ := $(if $(LTO),$(LTO) -ffat-lto-objects)
LM_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -ffp-contract=off -Wall -Wextra -I.
SAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS  += $(PKG_LIBS) -lm

BUILD   ?= build

# make MPI=1: sweeps spread over MPI ranks (OpenMPI from Debian: mpicc;
# sim/sweep_mpi.c). The default build needs no MPI. The stamp file makes a
# change of MPI rebuild sweep_mpi.o and relink.
MPI     ?= 0
ifeq ($(MPI),1)
ifeq ($(origin CC),default)
CC      := mpicc
endif
LM_CFLAGS += -DLASTMILE_MPI
endif
MPI_STAMP := $(BUILD)/.mpi-$(MPI)
SRC     := $(sort $(wildcard sim/*.c models/*.c))
OBJ     := $(SRC:%.c=$(BUILD)/%.o)
LIBOBJ  := $(filter-out $(BUILD)/sim/main.o,$(OBJ))
TESTS   := $(sort $(wildcard tests/test_*.c))
TESTBIN := $(TESTS:tests/%.c=$(BUILD)/tests/%)
# Fuzz harnesses: tests/fuzz/fuzz_NAME.c each. `make test` replays
# tests/fuzz/regress/NAME/ through each (build/tests/fuzz_replay_NAME).
FUZZERS := $(sort $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
TESTBIN += $(FUZZERS:%=$(BUILD)/tests/fuzz_replay_%)
BENCHES := $(sort $(wildcard tests/bench/bench_*.c))
BENCHBIN:= $(BENCHES:tests/bench/%.c=$(BUILD)/bench/%)

.PHONY: all run test test-sanitize test-mpi bench deps clean fuzz fuzz-build fuzz-deps valgrind

all: $(BUILD)/lastmile

$(BUILD)/%.o: %.c $(wildcard sim/*.h models/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(LM_CFLAGS) $(CFLAGS) $(LTO_OBJ) $(PKG_CFLAGS) -c $< -o $@

$(MPI_STAMP):
	@mkdir -p $(BUILD)
	@rm -f $(BUILD)/.mpi-*
	@touch $@

$(BUILD)/sim/sweep_mpi.o: $(MPI_STAMP)

$(BUILD)/lastmile: $(OBJ) $(MPI_STAMP)
	$(CC) $(LM_CFLAGS) $(CFLAGS) $(LTO) -o $@ $(filter %.o,$^) $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(LIBOBJ) tests/helpers.h tests/world_run.h
	@mkdir -p $(dir $@)
	$(CC) $(LM_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(LIBOBJ) $(LDLIBS) -lcriterion

$(BUILD)/tests/fuzz_replay_%: tests/fuzz/replay.c tests/fuzz/fuzz_%.c $(LIBOBJ) tests/helpers.h
	@mkdir -p $(dir $@)
	$(CC) $(LM_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) -DFUZZ_NAME='"$*"' -o $@ tests/fuzz/replay.c tests/fuzz/fuzz_$*.c $(LIBOBJ) $(LDLIBS) -lcriterion

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LM_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIBOBJ) $(LDLIBS)

$(BUILD)/bench/%: tests/bench/%.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LM_CFLAGS) $(CFLAGS) $(LTO) $(PKG_CFLAGS) -o $@ $< $(LIBOBJ) $(LDLIBS)

# Runs the quickstart scenario into results/quickstart.db and prints its report.
run: deps
	$(MAKE) all
	@mkdir -p results
	$(BUILD)/lastmile run scenarios/quickstart.json --db results/quickstart.db
	$(BUILD)/lastmile report results/quickstart.db

# Every Criterion test binary; tests find the binary and data through
# LASTMILE_ROOT so they can run from any directory.
test: deps
	$(MAKE) all $(TESTBIN)
	@set -e; for t in $(TESTBIN); do echo "== $$t"; LASTMILE_ROOT=$(CURDIR) LASTMILE_BIN=$(CURDIR)/$(BUILD)/lastmile $$t --jobs 2; done

test-sanitize: deps
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp $(MAKE) test BUILD=build-san CFLAGS="$(SAN_CFLAGS)"

# The MPI sweep test: an MPI build in build-mpi, then tests/test_sweep.c
# with LASTMILE_MPI_BIN set (without it, or without mpirun, the MPI test
# skips with a message). Installs OpenMPI when mpicc is missing.
test-mpi: deps
	@command -v mpicc >/dev/null && command -v mpirun >/dev/null || { \
	  SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  echo "installing Debian packages (libopenmpi-dev openmpi-bin)"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    libopenmpi-dev openmpi-bin >/dev/null; }
	$(MAKE) all MPI=1 BUILD=build-mpi
	$(MAKE) all $(BUILD)/tests/test_sweep
	LASTMILE_ROOT=$(CURDIR) LASTMILE_BIN=$(CURDIR)/$(BUILD)/lastmile \
	  LASTMILE_MPI_BIN=$(CURDIR)/build-mpi/lastmile $(BUILD)/tests/test_sweep --filter 'sweep/mpi*'

bench: deps
	$(MAKE) all $(BENCHBIN)
	@set -e; for b in $(BENCHBIN); do LASTMILE_ROOT=$(CURDIR) LASTMILE_BIN=$(CURDIR)/$(BUILD)/lastmile $$b; done

# libFuzzer with ASan and UBSan: each harness runs FUZZ_RUNS inputs or FUZZ_TIME s (one
# after another, niced), from its seeds (the FUZZ_SEEDS line of its source),
# its regression corpus and the corpus kept in build-fuzz/corpus/NAME.
# Crashing inputs land in build-fuzz/crashes/NAME/: fix the bug, then copy
# the input into tests/fuzz/regress/NAME/. `make fuzz FUZZERS=trace` runs one.
FUZZ_TIME ?= 300
# Larger seeds are left out: libFuzzer's input size limit follows the
# largest seed, and global.json (400 KB, generated) made the scenario
# harness 20x slower per input without reaching code the others miss.
FUZZ_SEED_MAX ?= 65536
FUZZ_RUNS ?= 10000000
FUZZ_CFLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
fuzz-build: fuzz-deps
	$(MAKE) BUILD=build-fuzz CC=clang CFLAGS="$(FUZZ_CFLAGS)" $(FUZZERS:%=build-fuzz/fuzz/fuzz_%)

fuzz: fuzz-build
	@set -e; for f in $(FUZZERS); do \
	  seeds=build-fuzz/seeds/$$f; rm -rf $$seeds; mkdir -p $$seeds build-fuzz/corpus/$$f build-fuzz/crashes/$$f; \
	  for s in $$(sed -n 's|^// FUZZ_SEEDS: ||p' tests/fuzz/fuzz_$$f.c); do \
	    if [ -f "$$s" ] && [ $$(stat -c %s "$$s") -le $(FUZZ_SEED_MAX) ]; then cp "$$s" $$seeds/; fi; done; \
	  echo "== fuzz_$$f for $(FUZZ_TIME) s"; \
	  nice -n 10 build-fuzz/fuzz/fuzz_$$f -max_total_time=$(FUZZ_TIME) -runs=$(FUZZ_RUNS) -timeout=30 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=build-fuzz/crashes/$$f/ \
	    build-fuzz/corpus/$$f $$seeds tests/fuzz/regress/$$f; \
	done

# Every scenario (quickstart first) under valgrind, each with the --set
# assignments of its line in tests/valgrind.txt (a small sample, for some
# a shorter duration: at most ~2-3 minutes each under valgrind), then the
# other commands on small inputs (a four-run sweep of tests/data/
# sweep_small.json, compared, merged, reported): any leak (definite,
# indirect, possible) or invalid access fails. Prints each step's wall
# seconds. `make valgrind VALGRIND_SCENARIOS=scenarios/quickstart.json`
# runs only the quickstart (and the commands).
VALGRIND_SCENARIOS ?= scenarios/quickstart.json $(filter-out scenarios/quickstart.json,$(sort $(wildcard scenarios/*.json)))
VALGRIND_RUN := valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1
valgrind: deps
	@command -v valgrind >/dev/null || { SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq valgrind >/dev/null; }
	$(MAKE) all
	@set -e; mkdir -p $(BUILD)/valgrind; for s in $(VALGRIND_SCENARIOS); do \
	  n=$$(basename $$s .json); db=$(BUILD)/valgrind/$$n.db; rm -f $$db; \
	  sets=$$(awk -v n=$$n '$$1 == n { for (i = 2; i <= NF && $$i !~ /^#/; i++) printf " --set %s", $$i; f = 1 } \
	    END { exit !f }' tests/valgrind.txt) || { echo "valgrind: no line for $$n in tests/valgrind.txt: add one" >&2; exit 2; }; \
	  echo "== valgrind: run $$s$$sets"; t0=$$(date +%s); \
	  $(VALGRIND_RUN) $(BUILD)/lastmile run $$s --db $$db --quiet $$sets; \
	  $(VALGRIND_RUN) $(BUILD)/lastmile report $$db >/dev/null; \
	  echo "   $$n: clean, $$(( $$(date +%s) - t0 )) s (run and report)"; \
	done
	@set -e; echo "== valgrind: validate, play, cache, ladder, a refused scenario, sweep, compare, merge, html"; \
	  t0=$$(date +%s); d=$(BUILD)/valgrind; rm -rf $$d/sweep.db $$d/sweep.db.sweep-* $$d/merged.db $$d/report; \
	  $(VALGRIND_RUN) $(BUILD)/lastmile validate scenarios/minimal.json >/dev/null; \
	  $(VALGRIND_RUN) $(BUILD)/lastmile play --trace tests/data/traces/dsl-evening.json >/dev/null; \
	  $(VALGRIND_RUN) $(BUILD)/lastmile cache --zipf 1000,0.8,20000 --policy lru,lfu,s3-fifo,perfect-lfu --size 10% >/dev/null; \
	  $(VALGRIND_RUN) $(BUILD)/lastmile cache --trace tests/data/trace_tiny.csv --policy lru --size 100 >/dev/null; \
	  $(VALGRIND_RUN) $(BUILD)/lastmile ladder --complexity 0.5 >/dev/null; \
	  rc=0; $(VALGRIND_RUN) $(BUILD)/lastmile validate tests/data/bad/duplicate_site_ids.json 2>/dev/null || rc=$$?; [ $$rc -eq 2 ]; \
	  $(VALGRIND_RUN) $(BUILD)/lastmile sweep tests/data/sweep_small.json --db $$d/sweep.db --jobs 1 --quiet >/dev/null; \
	  $(VALGRIND_RUN) $(BUILD)/lastmile compare $$d/sweep.db:player.abr=throughput $$d/sweep.db:player.abr=bola \
	    --metric offload.embedded:1000% >/dev/null; \
	  $(VALGRIND_RUN) $(BUILD)/lastmile merge $$d/merged.db $$d/sweep.db >/dev/null; \
	  $(VALGRIND_RUN) $(BUILD)/lastmile report $$d/merged.db --run all >/dev/null; \
	  $(VALGRIND_RUN) $(BUILD)/lastmile report $$d/merged.db --run 1 --format html --out $$d/report >/dev/null; \
	  echo "   commands: clean, $$(( $$(date +%s) - t0 )) s"
	@echo "valgrind: no leak, no invalid access"

fuzz-deps:
	@command -v clang >/dev/null || { SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq clang libclang-rt-dev >/dev/null; }

# Installs what the build and tests need, only when it is missing. gnuplot-nox
# has the pngcairo terminal `lastmile plot` uses; chromium is only for the
# test that loads the HTML report (tests/test_report_html.c).
deps:
	@if ! pkg-config --exists $(PKGS) criterion 2>/dev/null || ! command -v gnuplot >/dev/null || ! command -v sqlite3 >/dev/null \
	    || ! command -v chromium >/dev/null; then \
	  SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  echo "installing Debian packages (libgsl-dev libsqlite3-dev libcjson-dev libcriterion-dev gnuplot-nox sqlite3 chromium pkg-config)"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    build-essential pkg-config libgsl-dev libsqlite3-dev libcjson-dev libcriterion-dev gnuplot-nox sqlite3 chromium >/dev/null; \
	fi

clean:
	rm -rf build build-san build-mpi build-fuzz
