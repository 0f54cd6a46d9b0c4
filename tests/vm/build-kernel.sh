#!/usr/bin/env bash
# Build (or find in the cache) a small x86_64 test kernel with vdpa_sim, vp_vdpa and vhost-vdpa.
#
# Usage: tests/vm/build-kernel.sh 6.1|6.12|all
#
# The source is Debian's linux-source-VERSION tarball under /usr/src. The config is tinyconfig
# plus every option of tests/vm/kernel.config, each checked to be =y in the final .config.
# The result is cached outside the work tree:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/vdpactl/kernels/<package-version>-<fragment sha256:12>/
#     bzImage  config  build.log
# Progress goes to stderr; stdout gets one line per kernel: the path of its bzImage.
# Environment: KEEP_BUILD_TREE=1 keeps the extracted source and object tree after a build;
# KERNEL_PARALLEL=0 builds `all` one kernel after the other (default: both at once).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fragment="$here/kernel.config"
cache_root="${XDG_CACHE_HOME:-${HOME:?set HOME or XDG_CACHE_HOME}/.cache}/vdpactl/kernels"
prog="build-kernel"

say() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 1; }

usage() {
	cat >&2 <<EOF
Usage: $0 6.1|6.12|all
Builds tinyconfig + tests/vm/kernel.config from Debian's linux-source-VERSION, cached in
$cache_root. Prints the bzImage path(s) on stdout.
EOF
	exit 2
}

# Install the given Debian packages if any is missing; `apt-get update` only if that fails.
ensure_packages() {
	local missing=() p
	local -A ok=()
	# one dpkg-query for all (a warm run's cost is mostly process starts)
	while read -r p; do
		ok[$p]=1
	done < <(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null |
		sed -n 's/^\([^ ]*\) install ok installed$/\1/p')
	for p in "$@"; do
		[ -n "${ok[$p]:-}" ] || missing+=("$p")
	done
	[ "${#missing[@]}" -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]} (run as root or install them)"
	say "installing: ${missing[*]}"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		"${missing[@]}" >&2; then
		say "install failed; running apt-get update once and retrying"
		apt-get update >&2 || die "apt-get update failed"
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			"${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"
	fi
}

# Options (without the CONFIG_ prefix) that the fragment wants =y.
fragment_options() {
	sed -n 's/^CONFIG_\([A-Za-z0-9_]*\)=y[[:space:]]*$/\1/p' "$fragment"
}

# Options that the fragment wants off ("# CONFIG_FOO is not set").
fragment_disabled() {
	sed -n 's/^# CONFIG_\([A-Za-z0-9_]*\) is not set[[:space:]]*$/\1/p' "$fragment"
}

# Prints the cache directory for VERSION (needs linux-source-VERSION installed).
cache_dir_for() {
	local version=$1 pkgver sum
	pkgver=$(dpkg-query -W -f='${Version}' "linux-source-$version")
	sum=$(sha256sum "$fragment" | cut -c1-12)
	printf '%s/%s-%s\n' "$cache_root" "$pkgver" "$sum"
}

# make_with_progress LOG START VERSION COMMAND...: runs the command (make) in the foreground into
# the log, so that Ctrl-C stops it too, while a background ticker prints a line every 30 s. The
# command does not inherit the cache lock: a make that outlived us must not hold it.
make_with_progress() {
	local log=$1 start=$2 version=$3 ticker rc=0
	shift 3
	(
		while sleep 30; do
			say "  $version ... $((SECONDS - start)) s: $(tail -n 1 "$log" | cut -c1-100)"
		done
	) &
	ticker=$!
	"$@" >>"$log" 2>&1 {lockfd}>&- || rc=$?
	kill "$ticker" 2>/dev/null
	wait "$ticker" 2>/dev/null || true
	return "$rc"
}

fail_build() {
	local log=$1 what=$2
	say "$what failed; full log: $log"
	say "last 40 lines:"
	tail -n 40 "$log" >&2 || true
	exit 1
}

build_one() {
	local version=$1 tarball dir log build src obj opt missing start pass
	tarball="/usr/src/linux-source-$version.tar.xz"
	[ -f "$tarball" ] || die "$tarball not found (is linux-source-$version installed?)"
	dir=$(cache_dir_for "$version")
	mkdir -p "$dir"

	# One builder per kernel at a time; a second caller waits, then finds the cache warm.
	exec {lockfd}>"$dir/.lock"
	if ! flock -n "$lockfd"; then
		say "$version: another build of $dir is running; waiting for it"
		flock "$lockfd"
	fi

	if [ -s "$dir/bzImage" ] && [ -s "$dir/config" ]; then
		say "$version: cached: $dir/bzImage"
		printf '%s\n' "$dir/bzImage"
		exec {lockfd}>&-
		return 0
	fi

	log="$dir/build.log"
	build="$dir/build"
	obj="$build/obj"
	: >"$log"
	start=$SECONDS
	say "$version: building $(basename "$dir") in $build (log: $log)"
	rm -rf "$build"
	mkdir -p "$build" "$obj"

	say "$version: extracting $tarball"
	tar -xf "$tarball" -C "$build" >>"$log" 2>&1 || fail_build "$log" "extracting $tarball"
	src="$build/linux-source-$version"
	[ -f "$src/Makefile" ] || fail_build "$log" "finding the source tree $src"

	say "$version: configuring (tinyconfig + $(fragment_options | wc -l) options on, $(fragment_disabled | wc -l) off) after $((SECONDS - start)) s"
	make -C "$src" O="$obj" tinyconfig >>"$log" 2>&1 || fail_build "$log" "make tinyconfig"
	# Twice: an option can only stick once the menu or dependency enabled in pass 1 is visible.
	for pass in 1 2; do
		local args=()
		while read -r opt; do
			args+=(--enable "$opt")
		done < <(fragment_options)
		while read -r opt; do
			args+=(--disable "$opt")
		done < <(fragment_disabled)
		"$src/scripts/config" --file "$obj/.config" "${args[@]}" >>"$log" 2>&1 ||
			fail_build "$log" "scripts/config (pass $pass)"
		make -C "$src" O="$obj" olddefconfig >>"$log" 2>&1 ||
			fail_build "$log" "make olddefconfig (pass $pass)"
	done
	missing=()
	while read -r opt; do
		grep -qx "CONFIG_$opt=y" "$obj/.config" || missing+=("CONFIG_$opt")
	done < <(fragment_options)
	while read -r opt; do
		! grep -qx "CONFIG_$opt=y" "$obj/.config" || missing+=("CONFIG_$opt")
	done < <(fragment_disabled)
	if [ "${#missing[@]}" -gt 0 ]; then
		say "$version: these options of $fragment do not have the value it asks for in the final .config"
		say "(=y lines must be =y; 'is not set' lines must not be =y: something selects them):"
		for opt in "${missing[@]}"; do
			say "  $opt: $(grep -E "^(# )?${opt}[= ]" "$obj/.config" || echo 'absent (renamed or unreachable?)')"
		done
		die "$version: kernel config check failed (config kept in $obj/.config)"
	fi

	say "$version: make -j$(nproc) bzImage after $((SECONDS - start)) s"
	make_with_progress "$log" "$start" "$version" make -C "$src" O="$obj" -j"$(nproc)" bzImage ||
		fail_build "$log" "make bzImage"

	cp "$obj/arch/x86/boot/bzImage" "$dir/bzImage.tmp"
	cp "$obj/.config" "$dir/config"
	mv "$dir/bzImage.tmp" "$dir/bzImage"
	if [ "${KEEP_BUILD_TREE:-0}" != 1 ]; then
		rm -rf "$build"
	fi
	say "$version: built in $((SECONDS - start)) s: $dir/bzImage ($(stat -c %s "$dir/bzImage") bytes)"
	printf '%s\n' "$dir/bzImage"
	exec {lockfd}>&-
}

[ $# -eq 1 ] || usage
case "$1" in
6.1 | 6.12) versions=("$1") ;;
all) versions=(6.1 6.12) ;;
-h | --help) usage ;;
*) usage ;;
esac
[ -f "$fragment" ] || die "$fragment not found"

pkgs=(flex bison bc libelf-dev libssl-dev cpio make gcc libc6-dev xz-utils)
for v in "${versions[@]}"; do
	pkgs+=("linux-source-$v")
done
ensure_packages "${pkgs[@]}"

if [ "${#versions[@]}" -eq 1 ] || [ "${KERNEL_PARALLEL:-1}" = 0 ]; then
	for v in "${versions[@]}"; do
		build_one "$v"
	done
	exit 0
fi
# Both kernels at once, each with make -j$(nproc): on 2 cores one build's serial stretches
# (extracting the tarball, configuring, linking, compressing) run while the other compiles.
# The bzImage paths still come out in version order.
outs=$(mktemp -d)
trap 'rm -rf "$outs"' EXIT
pids=() failed=()
# Each build runs in its own process group (set -m), so an interrupted `all` stops both builds
# and their makes, not only the shells around them.
stop_builds() {
	local p
	for p in "${pids[@]}"; do
		kill -TERM -- "-$p" 2>/dev/null
	done
}
trap 'stop_builds; exit 130' INT
trap 'stop_builds; exit 143' TERM
set -m
for v in "${versions[@]}"; do
	build_one "$v" >"$outs/$v" &
	pids+=("$!")
done
set +m
rc=0
for i in "${!pids[@]}"; do
	if ! wait "${pids[$i]}"; then
		rc=1
		failed+=("${versions[$i]}")
	fi
done
for v in "${versions[@]}"; do
	cat "$outs/$v"
done
[ "$rc" -eq 0 ] || say "FAILED: ${failed[*]} (the reason is above; each build keeps its full build.log)"
exit "$rc"
