#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Release and Debian package: make dist, the version written once (VERSION), the .deb built from
# the tarball as a packager builds it (dpkg-buildpackage runs make check-quick), lintian,
# hardening, and the installed files where bash, zsh, fish, man and systemd find them.
load helpers

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
SHELLS=$TOP/tests/shell

setup_file() {
	[[ ${SAN:-0} != 1 ]] || return 0
	# one tarball and one package build for every test of this file
	# world-readable, as a build directory is (the tests run some commands as nobody)
	export PKG_DIR
	PKG_DIR=$(mktemp -d /tmp/vdpactl-pkg.XXXXXX)
	chmod 0755 "$PKG_DIR"
	local ref
	ref=$(git -C "$TOP" stash create) # the work tree as a commit (HEAD when it is clean)
	make -s -C "$TOP" dist DIST_REF="${ref:-HEAD}" DIST_DIR="$PKG_DIR" >/dev/null
	export VERSION=$(cat "$TOP/VERSION")
	tar -C "$PKG_DIR" -xzf "$PKG_DIR/vdpactl-$VERSION.tar.gz"
	# a packager's clean environment: none of this bats run's variables reach the inner bats, nor
	# its libexec directory in PATH (there 'bats' is not the wrapper that sets bats up)
	local path
	path=$(tr ':' '\n' <<<"$PATH" | grep -v bats-core | paste -sd:)
	(cd "$PKG_DIR/vdpactl-$VERSION" && env -i PATH="$path" HOME="$HOME" LANG=C.UTF-8 \
		TMPDIR="${TMPDIR:-/tmp}" dpkg-buildpackage -us -uc -b) >"$PKG_DIR/build.log" 2>&1 ||
		echo "dpkg-buildpackage failed" >"$PKG_DIR/failed"
	export DEB=$PKG_DIR/vdpactl_$VERSION-1_$(dpkg --print-architecture).deb
}

teardown_file() {
	# a package this file installed never outlives it
	[[ -e $BATS_FILE_TMPDIR/installed ]] && dpkg -P vdpactl >/dev/null 2>&1
	[[ -z ${PKG_DIR:-} ]] || rm -rf "$PKG_DIR"
	return 0
}

setup() {
	[[ ${SAN:-0} != 1 ]] || skip "the package builds its own binary (plain make check runs this)"
	need_tool dpkg-buildpackage dpkg-dev
	need_tool lintian lintian
	need_tool hardening-check devscripts
}

@test "the version is written once: VERSION gives the binary, the man page, NEWS, debian/changelog" {
	run -0 "$VDPACTL" --version
	assert_output "vdpactl $VERSION"
	run -0 grep -m1 '^\.TH' "$TOP/build/vdpactl.8"
	[[ $output == *"\"vdpactl $VERSION\""* ]] || fail "man page: $output"
	run -0 grep -m1 '^vdpactl [0-9]' "$TOP/NEWS"
	[[ $output == "vdpactl $VERSION ("* ]] || fail "NEWS: $output"
	run -0 dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version
	assert_output "$VERSION-1"
	# nothing else spells it
	run grep -rlF --exclude-dir=.git --exclude=VERSION --exclude=NEWS --exclude=changelog "$VERSION" "$TOP/src" "$TOP/man" "$TOP/Makefile"
	assert_output ''
}

@test "make dist: the tracked tree as vdpactl-VERSION/, which builds and passes make check-quick" {
	run -0 tar -tzf "$PKG_DIR/vdpactl-$VERSION.tar.gz"
	assert_line "vdpactl-$VERSION/VERSION"
	assert_line "vdpactl-$VERSION/NEWS"
	assert_line "vdpactl-$VERSION/debian/rules"
	assert_line "vdpactl-$VERSION/src/table.c"
	refute_line --regexp '(^|/)(build/?|vdpactl-testhooks|vdpactl)$'
	# the package build below ran make check-quick in the unpacked tarball (dh_auto_test)
	[[ ! -e $PKG_DIR/failed ]] || fail "$(tail -30 "$PKG_DIR/build.log")"
	run -0 grep -E '^[0-9]+ passed, 0 failed' "$PKG_DIR/build.log"
	run -0 grep -c 'make check-quick' "$PKG_DIR/build.log"
}

@test "the .deb: lintian clean, hardened, dependencies from shlibdeps, every file in its Debian place" {
	[[ ! -e $PKG_DIR/failed ]] || fail "$(tail -30 "$PKG_DIR/build.log")"
	run -0 lintian --fail-on error,warning "$DEB"
	refute_output --regexp '^[EW]: '
	local x=$BATS_TEST_TMPDIR/x
	dpkg-deb -x "$DEB" "$x"
	# bookworm's glibc start files (Scrt1.o, crti.o) carry no IBT/SHSTK property, so the linker
	# drops it from every program (hardening-check fails /usr/bin/ls too): the code is built with
	# -fcf-protection (endbr64 below), the ELF note cannot say so
	run -0 hardening-check --nocfprotection "$x/usr/sbin/vdpactl"
	run -0 bash -c "objdump -d '$x/usr/sbin/vdpactl' | grep -c endbr64"
	((output > 50)) || fail "few endbr64: $output"
	run -0 dpkg-deb -f "$DEB" Depends
	[[ $output == *libmnl0* && $output == *libjson-c5* && $output == *libsmartcols1* ]] || fail "Depends: $output"
	run -0 bash -c "dpkg-deb -c '$DEB' | awk '!/\\/\$/ {print \$1, \$6}' | sort -k2"
	assert_output "-rw-r--r-- ./lib/systemd/system/vdpactl-metrics.service
-rw-r--r-- ./lib/systemd/system/vdpactl-metrics.timer
-rwxr-xr-x ./usr/sbin/vdpactl
-rw-r--r-- ./usr/share/bash-completion/completions/vdpactl
-rw-r--r-- ./usr/share/doc/vdpactl/NEWS.gz
-rw-r--r-- ./usr/share/doc/vdpactl/README.md.gz
-rw-r--r-- ./usr/share/doc/vdpactl/changelog.Debian.gz
-rw-r--r-- ./usr/share/doc/vdpactl/copyright
-rwxr-xr-x ./usr/share/doc/vdpactl/examples/vdpactl.fact
-rw-r--r-- ./usr/share/fish/vendor_completions.d/vdpactl.fish
-rw-r--r-- ./usr/share/lintian/overrides/vdpactl
-rw-r--r-- ./usr/share/man/man8/vdpactl.8.gz
-rw-r--r-- ./usr/share/vdpactl/vdpactl.schema.json
-rw-r--r-- ./usr/share/zsh/vendor-completions/_vdpactl"
	# the man page names the packaged paths
	run -0 bash -c "zcat '$x/usr/share/man/man8/vdpactl.8.gz' | grep -cE '^\\.IR? /(usr/share/vdpactl/vdpactl.schema.json|lib/systemd/system/vdpactl-metrics.service|usr/share/doc/vdpactl/examples/vdpactl.fact)'"
	assert_output 3
	# the unit runs the packaged binary
	run -0 grep '^ExecStart=' "$x/lib/systemd/system/vdpactl-metrics.service"
	[[ $output == ExecStart=/usr/sbin/vdpactl\ metrics* ]] || fail "$output"
}

@test "dpkg -i: found by bash, zsh, fish, man and systemd with their defaults; the timer disabled; dpkg -r removes all" {
	[[ ! -e $PKG_DIR/failed ]] || fail "$(tail -30 "$PKG_DIR/build.log")"
	[[ $(id -u) == 0 && ${QUICK:-0} != 1 ]] || skip "dpkg -i needs root (the .deb's contents are checked above with dpkg-deb -x)"
	[[ $(dpkg-query -W -f='${Status}' vdpactl 2>/dev/null) != "install ok installed" ]] ||
		skip "a vdpactl package is already installed here: not replaced"
	run -0 dpkg -i "$DEB"
	touch "$BATS_FILE_TMPDIR/installed"
	run -0 /usr/sbin/vdpactl --version
	assert_output "vdpactl $VERSION"
	run -0 --separate-stderr env FAKE_VDPA_SCENARIO="$SCENARIOS/mixed-6.12.json" LD_PRELOAD="$FAKE_LIB" /usr/sbin/vdpactl list -o name -n
	assert_line --index 0 eni0
	run -0 env -u XDG_DATA_DIRS bash "$SHELLS/bash-complete.bash" 'vdpactl li'
	assert_output list
	run -0 zsh -f "$SHELLS/zsh-complete.zsh" '' 'vdpactl li'
	assert_output list
	run -0 env -u XDG_DATA_DIRS fish -c "complete -C 'vdpactl li' | string replace -r '\t.*' ''"
	assert_output list
	run -0 man -w vdpactl
	assert_output /usr/share/man/man8/vdpactl.8.gz
	run -0 systemd-analyze verify --man=no /lib/systemd/system/vdpactl-metrics.service /lib/systemd/system/vdpactl-metrics.timer
	run -1 systemctl --root=/ is-enabled vdpactl-metrics.timer
	assert_output disabled
	run -0 dpkg -r vdpactl
	run -0 dpkg -P vdpactl # and the systemd helper's state of the units
	rm -f "$BATS_FILE_TMPDIR/installed"
	run -0 bash -c 'ls /usr/sbin/vdpactl /usr/share/man/man8/vdpactl.8.gz /usr/share/bash-completion/completions/vdpactl /usr/share/zsh/vendor-completions/_vdpactl /usr/share/fish/vendor_completions.d/vdpactl.fish /lib/systemd/system/vdpactl-metrics.timer /usr/share/vdpactl 2>/dev/null | wc -l'
	assert_output 0
}
