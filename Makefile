# SPDX-License-Identifier: GPL-2.0-or-later
# vdpactl - build, test, install.
#
#   make                 build ./vdpactl (WERROR=0: warnings not fatal, for distribution builds)
#   make check           install missing Debian packages (as root), run every test layer
#   make check SAN=1     the same under AddressSanitizer + UBSan (also CC=clang)
#   make check-quick     unit, fake-kernel and CLI layers only: no root, no network, no QEMU
#   make check-real      the real-kernel layer only (QEMU; builds the kernels once)
#   make lint            clang-format, bash -n / zsh -n / fish -n, man --warnings
#   make install         PREFIX=/usr/local DESTDIR= (binary, man page, completions, schema,
#                        systemd units for the metrics timer, the Ansible facts example)
#   make uninstall       the same files, and the directories that held only them
#   make dist            vdpactl-$(VERSION).tar.gz from the files git tracks

# The one place the version is written: VERSION (the man page, the binary, NEWS, make dist and
# debian/changelog are checked against it by tests/bats/package.bats).
VERSION   := $(shell cat VERSION)
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/sbin
MANDIR    ?= $(PREFIX)/share/man
DATADIR   ?= $(PREFIX)/share
DESTDIR   ?=
EXAMPLEDIR ?= $(DATADIR)/doc/vdpactl/examples

CC        ?= cc
PKG_CONFIG ?= pkg-config
SAN       ?= 0
# WERROR=0 for distribution builds (debian/rules): a newer compiler's new warning must not break
# a package build. make check and CI keep warnings fatal.
WERROR    ?= 1

# Where each shell, man and systemd look by default (README "Install"):
# - PREFIX=/usr (a distribution package): the directories the packages' pkg-config files name.
# - any other PREFIX: the prefix's own directories: bash-completion searches
#   $$XDG_DATA_DIRS (default /usr/local/share:/usr/share) and ~/.local/share; zsh's default
#   $$fpath holds /usr/local/share/zsh/site-functions; fish (without XDG_DATA_DIRS) only its own
#   data directory, /etc/fish and ~/.local/share/fish: /usr/local installs into /etc/fish, a
#   home prefix into ~/.local/share/fish; systemd searches /usr/local/lib/systemd/system.
pc_var     = $(shell $(PKG_CONFIG) --variable=$(2) $(1) 2>/dev/null)
ifeq ($(PREFIX),/usr)
BASHCOMPDIR ?= $(or $(call pc_var,bash-completion,completionsdir),$(DATADIR)/bash-completion/completions)
ZSHCOMPDIR  ?= $(DATADIR)/zsh/vendor-completions
FISHCOMPDIR ?= $(or $(call pc_var,fish,completionsdir),$(DATADIR)/fish/vendor_completions.d)
UNITDIR     ?= $(or $(call pc_var,systemd,systemdsystemunitdir),/lib/systemd/system)
else
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/site-functions
FISHCOMPDIR ?= $(if $(filter /usr/local,$(PREFIX)),/etc/fish/completions,$(DATADIR)/fish/vendor_completions.d)
UNITDIR     ?= $(PREFIX)/lib/systemd/system
endif

WARN      := -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) -Wshadow -Wformat=2 \
	     -Wstrict-prototypes -Wmissing-prototypes
CFLAGS    ?= -O2 -g
# override: a CPPFLAGS from the command line or dpkg-buildflags adds to these, never drops them
override CPPFLAGS += -D_GNU_SOURCE -DVDPACTL_VERSION='"$(VERSION)"' -Isrc
PC_LIBS   := libmnl json-c smartcols
ALL_CFLAGS = -std=c11 -pthread $(WARN) $(CFLAGS) $(SAN_FLAGS) $(shell $(PKG_CONFIG) --cflags $(PC_LIBS) 2>/dev/null)
LDLIBS    += $(shell $(PKG_CONFIG) --libs $(PC_LIBS) 2>/dev/null) -pthread

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

.PHONY: all check check-quick deps install uninstall clean format lint dist deb readme-samples

# the man page, with this build's version and directories
MANPAGE := build/vdpactl.8

all: $(VDPACTL) $(MANPAGE)

MAN_DATE := $(shell git log -1 --format=%cs 2>/dev/null || date -u -r VERSION +%F)
MAN_SED = sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@DATE@|$(MAN_DATE)|g' \
	-e 's|@DATADIR@|$(DATADIR)|g' -e 's|@UNITDIR@|$(UNITDIR)|g' -e 's|@EXAMPLEDIR@|$(EXAMPLEDIR)|g' \
	-e 's|@BASHCOMPDIR@|$(BASHCOMPDIR)|g' -e 's|@ZSHCOMPDIR@|$(ZSHCOMPDIR)|g' \
	-e 's|@FISHCOMPDIR@|$(FISHCOMPDIR)|g'
# (the one make install writes is made anew for its PREFIX)
$(MANPAGE): man/vdpactl.8.in VERSION Makefile
	@mkdir -p $(dir $@)
	$(Q)$(MAN_SED) $< >$@

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
DEB_PKGS := gcc clang make pkg-config libmnl-dev libjson-c-dev libsmartcols-dev bats bats-assert bats-support \
	    prometheus prometheus-node-exporter ansible-core curl systemd \
	    jq python3-jsonschema iproute2 man-db groff-base bash-completion zsh fish util-linux strace parallel time \
	    qemu-system-x86 seabios busybox-static cpio valgrind libclang-rt-14-dev \
	    debhelper dpkg-dev lintian devscripts fakeroot binutils
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
TEST_ENV = SAN=$(SAN) OBJDIR=$(OBJDIR) VDPACTL=$(CURDIR)/$(VDPACTL) HOLDER=$(CURDIR)/tests/vm/holder \
	VDPACTL_HOOKS=$(CURDIR)/vdpactl-testhooks MANPAGE=$(CURDIR)/$(MANPAGE)
check-run: all unit vdpactl-testhooks tests/fake/libfakevdpa.so tests/fake/selftest tests/vm/holder vm-tools vm-kernels
	@$(TEST_ENV) tests/run-tests.sh

# For packagers (dh_auto_test) and the edit-compile-test loop: no apt-get, no root, no QEMU, no
# network; a test that needs a tool that is missing (promtool, ansible) is skipped and says so.
check-quick: all unit vdpactl-testhooks tests/fake/libfakevdpa.so tests/fake/selftest
	@$(TEST_ENV) LAYERS="unit fake cli" QUICK=1 tests/run-tests.sh

INSTALLED := $(BINDIR)/vdpactl $(MANDIR)/man8/vdpactl.8 $(BASHCOMPDIR)/vdpactl \
	$(ZSHCOMPDIR)/_vdpactl $(FISHCOMPDIR)/vdpactl.fish $(DATADIR)/vdpactl/vdpactl.schema.json \
	$(UNITDIR)/vdpactl-metrics.service $(UNITDIR)/vdpactl-metrics.timer $(EXAMPLEDIR)/vdpactl.fact

install: $(VDPACTL)
	install -D -m 0755 $(VDPACTL) $(DESTDIR)$(BINDIR)/vdpactl
	@mkdir -p $(DESTDIR)$(MANDIR)/man8
	$(MAN_SED) man/vdpactl.8.in >$(DESTDIR)$(MANDIR)/man8/vdpactl.8
	chmod 0644 $(DESTDIR)$(MANDIR)/man8/vdpactl.8
	install -D -m 0644 completions/vdpactl.bash $(DESTDIR)$(BASHCOMPDIR)/vdpactl
	install -D -m 0644 completions/_vdpactl $(DESTDIR)$(ZSHCOMPDIR)/_vdpactl
	install -D -m 0644 completions/vdpactl.fish $(DESTDIR)$(FISHCOMPDIR)/vdpactl.fish
	install -D -m 0644 src/vdpactl.schema.json $(DESTDIR)$(DATADIR)/vdpactl/vdpactl.schema.json
	@mkdir -p $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(BINDIR)|g' dist/systemd/vdpactl-metrics.service.in \
		>$(DESTDIR)$(UNITDIR)/vdpactl-metrics.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/vdpactl-metrics.service
	install -D -m 0644 dist/systemd/vdpactl-metrics.timer $(DESTDIR)$(UNITDIR)/vdpactl-metrics.timer
	install -D -m 0755 dist/ansible/vdpactl.fact $(DESTDIR)$(EXAMPLEDIR)/vdpactl.fact

# Remove the files, then every directory that held them and is now empty, up to the prefix
# (rmdir --ignore-fail-on-non-empty never removes what others still use).
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	@for f in $(INSTALLED); do \
		d=$$(dirname "$$f"); \
		while [ "$$d" != "$(PREFIX)" ] && [ "$$d" != / ] && [ "$$d" != /etc ] && \
		      [ -d "$(DESTDIR)$$d" ] && rmdir --ignore-fail-on-non-empty "$(DESTDIR)$$d" && \
		      [ ! -d "$(DESTDIR)$$d" ]; do d=$$(dirname "$$d"); done; \
	done

# The release tarball: what git tracks at HEAD (a tree with uncommitted changes is refused), or
# at DIST_REF (tests: a commit of the work tree from 'git stash create'), written to DIST_DIR.
DIST_REF ?=
DIST_DIR ?= .
dist:
	@[ -n "$(DIST_REF)" ] || git diff --quiet HEAD || \
		{ echo "make dist: uncommitted changes; commit first" >&2; exit 1; }
	git archive --format=tar.gz --prefix=vdpactl-$(VERSION)/ \
		-o $(DIST_DIR)/vdpactl-$(VERSION).tar.gz $(or $(DIST_REF),HEAD)
	@echo "$(DIST_DIR)/vdpactl-$(VERSION).tar.gz"

# The Debian package, built from the release tarball as a packager would (dpkg-buildpackage runs
# make check-quick): ./vdpactl_VERSION-1_ARCH.deb
deb:
	@rm -rf build/deb && mkdir -p build/deb
	@$(MAKE) --no-print-directory dist DIST_REF=$$(git stash create) DIST_DIR=build/deb >/dev/null
	tar -C build/deb -xzf build/deb/vdpactl-$(VERSION).tar.gz
	cd build/deb/vdpactl-$(VERSION) && dpkg-buildpackage -us -uc -b
	cp build/deb/vdpactl_$(VERSION)-1_*.deb .

# README's samples from the real kernels (tests/readme-samples.sh): boot both, rewrite them
readme-samples: $(VDPACTL) vm-kernels
	rm -rf build/real-vm
	VM_OUT=$(CURDIR)/build/real-vm VDPACTL=$(CURDIR)/$(VDPACTL) bats tests/bats/real_kernel.bats -f 'README' || true
	tests/readme-samples.sh update README.md build/real-vm

# Static checks that need no build: formatting, shell syntax of the completions, the man page.
lint: $(MANPAGE)
	clang-format --dry-run --Werror src/*.c src/*.h tests/unit/*.c tests/unit/*.h
	bash -n completions/vdpactl.bash
	zsh -n completions/_vdpactl
	fish -n completions/vdpactl.fish
	@out=$$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l $(MANPAGE) 2>&1 >/dev/null); \
		[ -z "$$out" ] || { echo "$$out"; exit 1; }

clean: $(if $(wildcard tests/fake/fake.mk),fake-clean) $(if $(wildcard tests/vm/vm.mk),vm-clean)
	rm -rf build $(VDPACTL) vdpactl-testhooks vdpactl-*.tar.gz vdpactl_*.deb

format:
	clang-format -i src/*.c src/*.h tests/unit/*.c tests/unit/*.h
