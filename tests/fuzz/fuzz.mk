# tests/fuzz/fuzz.mk - libFuzzer harnesses for vdpactl's parsers of untrusted input.
#
# Included by the top Makefile. Harness NAME is tests/fuzz/fuzz_NAME.c, its seeds are
# tests/fuzz/corpus/NAME/ (tests/fuzz/capture-seeds.sh makes them). Targets:
#   fuzz-build    build every harness into build/fuzz/fuzz_NAME: the sources of src/ but main.c,
#                 compiled apart in build/fuzz/obj with clang, libFuzzer, ASan and UBSan
#   fuzz-replay   run each harness once on every file of its corpus, no fuzzing (seconds);
#                 one TAP line per harness, non-zero exit if any input crashes
#   fuzz          fuzz each harness in turn for FUZZ_SECONDS (default 60) or FUZZ_RUNS
#                 executions; new inputs go to build/fuzz/scratch/NAME (never into the tree),
#                 crashes to build/fuzz/artifacts/NAME/; prints the executions per harness
#   fuzz-clean    remove build/fuzz
# `make check` runs fuzz-replay as its "fuzz" layer (tests/run-tests.sh): the corpora hold the
# regression inputs of src/netlink.c and of the renderers.
# Variables: CC_FUZZ (clang), FUZZ_SECONDS, FUZZ_RUNS, FUZZ_HARNESSES (a subset: "netlink
# config"), FUZZ_FLAGS (more libFuzzer flags, e.g. -use_value_profile=1; not -jobs: see run.sh),
# FUZZ_CFLAGS (-O1 -g).

CC_FUZZ        ?= clang
FUZZ_SECONDS   ?= 60
FUZZ_RUNS      ?=
FUZZ_FLAGS     ?=
FUZZ_CFLAGS    ?= -O1 -g
FUZZ_DIR       := tests/fuzz
FUZZ_OUT       := build/fuzz
FUZZ_OBJDIR    := $(FUZZ_OUT)/obj
FUZZ_ALL       := $(sort $(patsubst $(FUZZ_DIR)/fuzz_%.c,%,$(wildcard $(FUZZ_DIR)/fuzz_*.c)))
FUZZ_HARNESSES ?= $(FUZZ_ALL)

# UBSan without its alignment check: fuzz_netlink places datagrams against a guard page to
# catch reads past the end inside libmnl (not instrumented), at addresses that are then not
# 4-aligned; vdpactl itself only parses malloc'ed, aligned buffers.
FUZZ_SAN       := -fsanitize=address,undefined -fno-sanitize=alignment -fno-sanitize-recover=all \
                  -fno-omit-frame-pointer
FUZZ_WARN      := -std=c11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
                  -Wmissing-prototypes
FUZZ_CPPFLAGS  := -D_GNU_SOURCE -DVDPACTL_VERSION='"$(VERSION)"' -Isrc \
                  $(shell pkg-config --cflags $(PC_LIBS) 2>/dev/null)
FUZZ_LIBS      := $(shell pkg-config --libs $(PC_LIBS) 2>/dev/null)
FUZZ_LIB_SRCS  := $(filter-out src/main.c,$(wildcard src/*.c))
FUZZ_LIB_OBJS  := $(FUZZ_LIB_SRCS:src/%.c=$(FUZZ_OBJDIR)/%.o)
FUZZ_BINS      := $(FUZZ_ALL:%=$(FUZZ_OUT)/fuzz_%)

.PHONY: fuzz-build fuzz-replay fuzz fuzz-clean fuzz-deps

# clang's libFuzzer and sanitizer runtimes are only "recommended" by clang, and install-deps.sh
# installs without recommends
fuzz-deps:
	@tests/install-deps.sh clang libclang-rt-dev


# the objects named here are not intermediate files: make keeps them
fuzz-build: $(FUZZ_LIB_OBJS) $(FUZZ_BINS)

$(FUZZ_OBJDIR)/%.o: src/%.c $(wildcard src/*.h) $(FUZZ_DIR)/fuzz.mk | fuzz-deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (fuzz)")
	$(Q)$(CC_FUZZ) $(FUZZ_CPPFLAGS) $(FUZZ_WARN) $(FUZZ_CFLAGS) $(FUZZ_SAN) \
		-fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_OUT)/fuzz_%: $(FUZZ_DIR)/fuzz_%.c $(FUZZ_DIR)/fuzz.h $(FUZZ_LIB_OBJS) | fuzz-deps
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC_FUZZ) $(FUZZ_CPPFLAGS) $(FUZZ_WARN) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer \
		-o $@ $< $(FUZZ_LIB_OBJS) $(FUZZ_LIBS)

fuzz-replay: $(FUZZ_LIB_OBJS) $(FUZZ_HARNESSES:%=$(FUZZ_OUT)/fuzz_%)
	@FUZZ_OUT=$(FUZZ_OUT) FUZZ_CORPUS=$(FUZZ_DIR)/corpus $(FUZZ_DIR)/run.sh replay $(FUZZ_HARNESSES)

fuzz: $(FUZZ_LIB_OBJS) $(FUZZ_HARNESSES:%=$(FUZZ_OUT)/fuzz_%)
	@FUZZ_OUT=$(FUZZ_OUT) FUZZ_CORPUS=$(FUZZ_DIR)/corpus FUZZ_SECONDS=$(FUZZ_SECONDS) \
		FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_FLAGS='$(FUZZ_FLAGS)' \
		$(FUZZ_DIR)/run.sh fuzz $(FUZZ_HARNESSES)

fuzz-clean:
	rm -rf $(FUZZ_OUT)
