# SPDX-License-Identifier: GPL-2.0-or-later
# vdpactl - build, test, install.
#
#   make                 build ./vdpactl
#   make check           install missing Debian packages (as root), run every test layer
#   make check SAN=1     the same under AddressSanitizer + UBSan (also CC=clang)
#   make install         PREFIX=/usr/local DESTDIR= (binary, man page, completions, schema,
#                        systemd units for the metrics timer, the Ansible facts example)

VERSION   := 0.2.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/sbin
MANDIR    ?= $(PREFIX)/share/man
DATADIR   ?= $(PREFIX)/share
DESTDIR   ?=
# systemd searches /usr/local/lib/systemd/system as well as /usr/lib/systemd/system
UNITDIR   ?= $(PREFIX)/lib/systemd/system
EXAMPLEDIR ?= $(DATADIR)/doc/vdpactl/examples

CC        ?= cc
PKG_CONFIG ?= pkg-config
SAN       ?= 0

WARN      := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes
CFLAGS    ?= -O2 -g
CPPFLAGS  += -D_GNU_SOURCE -DVDPACTL_VERSION='"$(VERSION)"' -Isrc
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) $(SAN_FLAGS) $(shell $(PKG_CONFIG) --cflags libmnl json-c 2>/dev/null)
LDLIBS    += $(shell $(PKG_CONFIG) --libs libmnl json-c 2>/dev/null)

ifeq ($(SAN),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

# Objects are kept per build flavour so SAN=1 and CC=clang never mix with a plain build.
FLAVOUR   := $(notdir $(firstword $(CC)))-san$(SAN)
OBJDIR    := build/$(FLAVOUR)

SRCS      := $(wildcard src/*.c)
LIB_SRCS  := $(filter-out src/main.c,$(SRCS))
OBJS      := $(SRCS:src/%.c=$(OBJDIR)/%.o)
LIB_OBJS  := $(LIB_SRCS:src/%.c=$(OBJDIR)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(OBJDIR)/unit/%)

VDPACTL   := vdpactl

# ./vdpactl is relinked whenever the flavour changes (SAN=1 after a plain build, CC=clang, ...)
$(shell mkdir -p build; [ "$$(cat build/flavour 2>/dev/null)" = "$(FLAVOUR)" ] || echo "$(FLAVOUR)" >build/flavour)

# V=1 shows full command lines
ifneq ($(V),1)
Q := @
endif

.PHONY: all check check-unit check-bats deps install uninstall clean format lint

all: $(VDPACTL)

$(OBJDIR)/%.o: src/%.c $(wildcard src/*.h) Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(VDPACTL): $(OBJS) build/flavour
	@$(if $(Q),echo "  LINK    $@ ($(FLAVOUR))")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

# A test build: the same sources with VDPACTL_TEST_HOOKS, for tests that need to defeat a safety
# guard on purpose (the identity-IOVA trap). Never installed; ./vdpactl has no such hook.
HOOKS_OBJDIR := $(OBJDIR)-hooks
HOOKS_OBJS   := $(SRCS:src/%.c=$(HOOKS_OBJDIR)/%.o)

$(HOOKS_OBJDIR)/%.o: src/%.c $(wildcard src/*.h) Makefile
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (test hooks)")
	$(Q)$(CC) $(CPPFLAGS) -DVDPACTL_TEST_HOOKS $(ALL_CFLAGS) -c -o $@ $<

vdpactl-testhooks: $(HOOKS_OBJS) build/flavour
	@$(if $(Q),echo "  LINK    $@ ($(FLAVOUR), test hooks)")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(HOOKS_OBJS) $(LDLIBS)

$(OBJDIR)/unit/%: tests/unit/%.c tests/unit/tap.h $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)

-include tests/fake/fake.mk
-include tests/fuzz/fuzz.mk
-include tests/vm/vm.mk

# Debian packages the build and the tests need; installed when missing and running as root.
DEB_PKGS := gcc clang make pkg-config libmnl-dev libjson-c-dev bats bats-assert bats-support \
	    prometheus prometheus-node-exporter ansible-core curl systemd \
	    jq python3-jsonschema iproute2 man-db groff-base bash-completion zsh fish util-linux strace parallel \
	    qemu-system-x86 seabios busybox-static cpio valgrind libclang-rt-14-dev
deps:
	@tests/install-deps.sh $(DEB_PKGS)

unit: $(UNIT_BINS)

check: deps
	@$(MAKE) --no-print-directory check-run

# The main job on the embedded default: vdpactl against real 6.1 and 6.12 kernels under QEMU.
.PHONY: demo
demo: deps
	@tests/install-deps.sh qemu-system-x86 busybox-static cpio
	@$(MAKE) --no-print-directory all
	@tests/vm/demo.sh $(CURDIR)/$(VDPACTL)

.PHONY: check-run unit
check-run: all unit vdpactl-testhooks tests/fake/libfakevdpa.so tests/fake/selftest tests/vm/holder vm-kernels
	@SAN=$(SAN) OBJDIR=$(OBJDIR) VDPACTL=$(CURDIR)/$(VDPACTL) HOLDER=$(CURDIR)/tests/vm/holder \
		VDPACTL_HOOKS=$(CURDIR)/vdpactl-testhooks \
		tests/run-tests.sh

install: $(VDPACTL)
	install -D -m 0755 $(VDPACTL) $(DESTDIR)$(BINDIR)/vdpactl
	install -D -m 0644 man/vdpactl.8 $(DESTDIR)$(MANDIR)/man8/vdpactl.8
	install -D -m 0644 completions/vdpactl.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/vdpactl
	install -D -m 0644 completions/_vdpactl $(DESTDIR)$(DATADIR)/zsh/vendor-completions/_vdpactl
	install -D -m 0644 completions/vdpactl.fish $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/vdpactl.fish
	install -D -m 0644 src/vdpactl.schema.json $(DESTDIR)$(DATADIR)/vdpactl/vdpactl.schema.json
	@mkdir -p $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(BINDIR)|g' dist/systemd/vdpactl-metrics.service.in \
		>$(DESTDIR)$(UNITDIR)/vdpactl-metrics.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/vdpactl-metrics.service
	install -D -m 0644 dist/systemd/vdpactl-metrics.timer $(DESTDIR)$(UNITDIR)/vdpactl-metrics.timer
	install -D -m 0755 dist/ansible/vdpactl.fact $(DESTDIR)$(EXAMPLEDIR)/vdpactl.fact

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/vdpactl $(DESTDIR)$(MANDIR)/man8/vdpactl.8 \
	      $(DESTDIR)$(DATADIR)/bash-completion/completions/vdpactl \
	      $(DESTDIR)$(DATADIR)/zsh/vendor-completions/_vdpactl \
	      $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/vdpactl.fish \
	      $(DESTDIR)$(DATADIR)/vdpactl/vdpactl.schema.json \
	      $(DESTDIR)$(UNITDIR)/vdpactl-metrics.service $(DESTDIR)$(UNITDIR)/vdpactl-metrics.timer \
	      $(DESTDIR)$(EXAMPLEDIR)/vdpactl.fact
	-rmdir $(DESTDIR)$(DATADIR)/vdpactl $(DESTDIR)$(EXAMPLEDIR) $(DESTDIR)$(DATADIR)/doc/vdpactl 2>/dev/null

clean: $(if $(wildcard tests/fake/fake.mk),fake-clean) $(if $(wildcard tests/vm/vm.mk),vm-clean)
	rm -rf build $(VDPACTL) vdpactl-testhooks

format:
	clang-format -i src/*.c src/*.h tests/unit/*.c tests/unit/*.h
