#!/usr/bin/env bash
# Boot a test kernel under QEMU with four vDPA devices, run commands in the guest, bring back
# each command's stdout, stderr and exit code.
#
# Usage: tests/vm/run-vm.sh --kernel 6.1|6.12 --binary PATH --commands FILE --out DIR
#                           [--add PATH]... [--timeout SEC] [--qemu]
#
#   --kernel V     kernel to boot; built (and cached) by build-kernel.sh if needed
#   --binary PATH  the vdpactl binary; it is /usr/bin/vdpactl in the guest
#   --add PATH     another program for the guest, as /usr/local/bin/<its name> (repeatable)
#   --commands F   one shell command per line, each run by busybox sh in the guest, in order,
#                  from /tmp, stdin /dev/null; line N gives DIR/N.stdout, N.stderr, N.rc
#   --out DIR      results: N.stdout N.stderr N.rc, devices ("name /dev/vhost-vdpa-N" lines),
#                  setup.log (guest device setup), dmesg, console.log, qemu.log, timing
#   --timeout SEC  hard limit for the whole boot (default 120)
#   --qemu         also pack the host's qemu-system-x86_64 (a vhost-vdpa client for the guest):
#                  the binary, its libraries, the TCG accelerator module, the PC BIOS and
#                  kvmvapic.bin, as an uncompressed second archive (the guest unpacks it faster)
# ASAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS, when set, are passed on to the guest's commands.
#
# The guest creates: net0 (vdpasim_net), blk0 (vdpasim_blk), vpnet0 and vpblk0 (vp_vdpa on
# QEMU's virtio-net-pci and virtio-blk-pci behind an emulated Intel IOMMU). Results travel on a
# second serial port (console fallback) as framed base64 with sha256 sums: the setup's log and
# device list first, then one gzipped tar of every command's results; the host checks that every
# frame arrived intact and that the archive holds exactly the expected files.
# Exit status: 0 all results retrieved (whatever the commands' own exit codes), 1 failure
# (panic, timeout, missing or corrupt results), 2 usage error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog="run-vm"

say() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 1; }
usage_error() {
	printf '%s: %s\n' "$prog" "$*" >&2
	printf 'Usage: %s --kernel 6.1|6.12 --binary PATH --commands FILE --out DIR [--add PATH]... [--timeout SEC] [--qemu]\n' "$0" >&2
	exit 2
}

kernel_version="" binary="" commands="" out="" timeout_s=120 with_qemu=0
extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel | --binary | --commands | --out | --timeout | --add)
		[ $# -ge 2 ] || usage_error "$1 needs a value"
		case "$1" in
		--kernel) kernel_version=$2 ;;
		--binary) binary=$2 ;;
		--commands) commands=$2 ;;
		--out) out=$2 ;;
		--timeout) timeout_s=$2 ;;
		--add) extra+=("$2") ;;
		esac
		shift 2
		;;
	--qemu)
		with_qemu=1
		shift
		;;
	-h | --help)
		sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
		exit 0
		;;
	*) usage_error "unknown argument '$1'" ;;
	esac
done
case "$kernel_version" in
6.1 | 6.12) ;;
"") usage_error "--kernel is required" ;;
*) usage_error "--kernel must be 6.1 or 6.12, not '$kernel_version'" ;;
esac
[ -n "$binary" ] || usage_error "--binary is required"
[ -n "$commands" ] || usage_error "--commands is required"
[ -n "$out" ] || usage_error "--out is required"
[[ "$timeout_s" =~ ^[1-9][0-9]*$ ]] || usage_error "--timeout must be a positive number of seconds"
[[ -f "$binary" && -x "$binary" ]] || die "--binary $binary: not an executable file"
[[ -f "$commands" && -r "$commands" ]] || die "--commands $commands: not a readable file"
for f in "${extra[@]}"; do
	[[ -f "$f" && -x "$f" ]] || die "--add $f: not an executable file"
done

# --- host tools -------------------------------------------------------------------------------
need_pkgs=()
command -v qemu-system-x86_64 >/dev/null || need_pkgs+=(qemu-system-x86)
[ -x /usr/sbin/vdpa ] || need_pkgs+=(iproute2)
command -v cpio >/dev/null || need_pkgs+=(cpio)
if ! [ -x /bin/busybox ] || ldd /bin/busybox >/dev/null 2>&1; then
	need_pkgs+=(busybox-static) # the dynamic `busybox` package would need its libraries
fi
if [ "${#need_pkgs[@]}" -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || die "missing packages: ${need_pkgs[*]} (run as root or install them)"
	say "installing: ${need_pkgs[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need_pkgs[@]}" >&2 ||
		{ apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y \
			--no-install-recommends "${need_pkgs[@]}" >&2; } ||
		die "could not install ${need_pkgs[*]}"
fi

kernel=$("$here/build-kernel.sh" "$kernel_version" | tail -n 1)
[ -s "$kernel" ] || die "build-kernel.sh $kernel_version gave no bzImage"

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out"/*.stdout "$out"/*.stderr "$out"/*.rc "$out"/devices "$out"/setup.log \
	"$out"/dmesg "$out"/console.log "$out"/qemu.log "$out"/timing "$out"/results.serial \
	"$out"/results.tgz
work=$(mktemp -d "${TMPDIR:-/tmp}/vdpactl-vm.XXXXXX")
qemu_pid=""
cleanup() {
	if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
		kill "$qemu_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- initramfs --------------------------------------------------------------------------------
# Two archives, concatenated: the base (busybox, vdpa, vdpactl, the --add programs, their
# libraries, with --qemu QEMU), cached, and this run's own (/init, the commands, the sanitizer
# settings, the run id). The base is built with as few processes as possible (each costs about
# 5 ms here): one ldd and one cp for all libraries, busybox's applets as symlink entries written
# by printf.
root="$work/root"
run="$work/run"
mkdir -p "$run"

# libs_of FILE...: the shared libraries and the dynamic loader the files need, one path a line
# (nothing for a static program)
libs_of() {
	{ ldd "$@" 2>/dev/null || true; } |
		sed -n -e 's/.*=> \(\/[^ ]*\) .*/\1/p' -e 's/^[[:space:]]*\(\/[^ ]*\) .*/\1/p' | LC_ALL=C sort -u
}
# put_files DIR FILE...: copy the files to the same absolute paths under DIR (symlinks
# dereferenced)
put_files() {
	local dir=$1
	shift
	[ $# -eq 0 ] || cp -L --parents -t "$dir" -- "$@"
}
# install_programs DIR SRC GUEST_PATH [SRC GUEST_PATH]...: the programs at their guest paths,
# and the libraries they need
install_programs() {
	local dir=$1 i
	shift
	local -a args=("$@") srcs=()
	for ((i = 0; i < ${#args[@]}; i += 2)); do
		mkdir -p "$dir$(dirname "${args[i + 1]}")"
		cp -L "${args[i]}" "$dir${args[i + 1]}"
		chmod 0755 "$dir${args[i + 1]}"
		srcs+=("${args[i]}")
	done
	local -a libs
	mapfile -t libs < <(libs_of "${srcs[@]}")
	put_files "$dir" "${libs[@]}"
}

progs=(/usr/sbin/vdpa /usr/sbin/vdpa "$binary" /usr/bin/vdpactl)
for f in "${extra[@]}"; do
	progs+=("$f" "/usr/local/bin/$(basename "$f")")
done
qmod=/usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so
qfiles=(/usr/share/seabios/bios-256k.bin /usr/share/qemu/kvmvapic.bin)
qprogs=()
[ "$with_qemu" = 0 ] || qprogs=("$(command -v qemu-system-x86_64)" /usr/bin/qemu-system-x86_64 "$qmod" "$qmod")

tr -d '\r' <"$commands" >"$run/commands"
# Sanitizer settings of the host run reach the guest's commands too (make check SAN=1).
: >"$run/env"
for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
	if [ -n "${!v:-}" ]; then
		printf "export %s='%s'\n" "$v" "${!v//\'/\'\\\'\'}" >>"$run/env"
	fi
done
run_id="r$$x$RANDOM$RANDOM"
printf '%s\n' "$run_id" >"$run/run-id"
# Number of commands = number of lines, counting a last line without a newline.
ncmd=$(awk 'END { print NR }' "$run/commands")

cat >"$run/init" <<'INIT'
#!/bin/sh
# Guest side of tests/vm/run-vm.sh.
export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
# Keep the console quiet: kernel messages are collected from dmesg instead.
echo 1 >/proc/sys/kernel/printk
RUN=$(cat /run-id)
read -r t0 _ </proc/uptime
echo "vm: init started at ${t0}s"

# Results channel: the second serial port carries no kernel messages; the console is a fallback.
CHAN=/dev/console
if [ -c /dev/ttyS1 ] && stty -F /dev/ttyS1 raw -echo 2>/dev/null; then
	CHAN=/dev/ttyS1
fi
echo "vm: results on $CHAN"

# emit NAME FILE: one frame of base64 lines with size and sha256.
emit() {
	sum=$(sha256sum <"$2" | cut -d' ' -f1)
	size=$(wc -c <"$2" | tr -d ' ')
	{
		echo "@@VM $RUN BEGIN $1 $size $sum"
		base64 "$2" | awk -v p="@@VM $RUN D $1" -v e="@@VM $RUN END $1" \
			'{ print p, NR, $0 } END { print e, NR }'
	} >"$CHAN"
}

S=/tmp/setup.log
step() {
	echo "+ $*" >>$S
	"$@" >>$S 2>&1 || echo "! failed (rc=$?): $*" >>$S
}
step vdpa mgmtdev show
step vdpa dev add mgmtdev vdpasim_net name net0
step vdpa dev add mgmtdev vdpasim_blk name blk0
# vp_vdpa: take QEMU's modern virtio-net (1af4:1041) and virtio-blk (1af4:1042) functions
# away from virtio-pci.
for d in /sys/bus/pci/devices/*; do
	bdf=${d##*/}
	[ "$(cat "$d/vendor")" = 0x1af4 ] || continue
	case "$(cat "$d/device")" in
	0x1041) name=vpnet0 ;;
	0x1042) name=vpblk0 ;;
	*) continue ;;
	esac
	if [ -e "$d/driver" ]; then
		echo "+ unbind $bdf from $(basename "$(readlink "$d/driver")")" >>$S
		echo "$bdf" >"$d/driver/unbind" 2>>$S || echo "! unbind $bdf failed" >>$S
	fi
	echo "+ driver_override=vp-vdpa, probe $bdf" >>$S
	echo vp-vdpa >"$d/driver_override" 2>>$S || echo "! driver_override $bdf failed" >>$S
	echo "$bdf" >/sys/bus/pci/drivers_probe 2>>$S || echo "! drivers_probe $bdf failed" >>$S
	step vdpa dev add mgmtdev "pci/$bdf" name "$name"
done
step vdpa dev show
: >/tmp/devices
for name in net0 blk0 vpnet0 vpblk0; do
	for v in /sys/bus/vdpa/devices/$name/vhost-vdpa-*; do
		[ -e "$v" ] && echo "$name /dev/${v##*/}" >>/tmp/devices
	done
done
cat /tmp/devices >>$S
step ls -l /dev/vhost-vdpa-0 /dev/vhost-vdpa-1 /dev/vhost-vdpa-2 /dev/vhost-vdpa-3
emit setup.log $S
emit devices /tmp/devices
read -r t1 _ </proc/uptime
echo "vm: setup done at ${t1}s"

. /env
# The commands' results stay in /run/res until the end and travel as one gzipped tar: a frame
# per file cost three frames' process starts per command under TCG (about 0.15 s each). A
# command that never ends still shows on the console ("vm: [N] start").
R=/run/res
mkdir -p $R
n=0
while IFS= read -r line || [ -n "$line" ]; do
	n=$((n + 1))
	echo "vm: [$n] start: $line"
	read -r c0 _ </proc/uptime
	(cd /tmp && exec sh -c "$line") </dev/null >$R/$n.stdout 2>$R/$n.stderr
	rc=$?
	read -r c1 _ </proc/uptime
	echo "command_$n=$c0-$c1" >>/run/cmdtimes
	echo "$rc" >$R/$n.rc
	echo "vm: [$n] rc=$rc"
done </commands
read -r t2 _ </proc/uptime
printf 'guest_init_start=%s\nguest_setup_done=%s\nguest_commands_done=%s\n' "$t0" "$t1" "$t2" >$R/timing
cat /run/cmdtimes >>$R/timing 2>/dev/null
dmesg >$R/dmesg
tar -czf /run/results.tgz -C $R .
emit results.tgz /run/results.tgz
echo "@@VM $RUN DONE $n" >"$CHAN"
echo "vm: done, rebooting"
sync
reboot -f
INIT
chmod 0755 "$run/init"

# cpio_entry NAME MODE RDEV_MAJOR RDEV_MINOR INO [SYMLINK_TARGET]: a newc entry with no data
# (a device node) or a symlink's target as data, so the image needs no root and no process per
# entry (printf and case are builtins)
cpio_pad() {
	case $1 in
	1) printf '\0' ;;
	2) printf '\0\0' ;;
	3) printf '\0\0\0' ;;
	esac
}
cpio_entry() {
	local LC_ALL=C name=$1 data=${6:-}
	local namesize=$((${#name} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
		"$5" "$2" 0 0 1 0 "${#data}" 0 0 "$3" "$4" "$namesize" 0 "$name"
	cpio_pad $(((4 - (110 + namesize) % 4) % 4))
	printf '%s' "$data"
	cpio_pad $(((4 - ${#data} % 4) % 4))
}
# busybox's applets (bin/sh, sbin/reboot, ...) that no program put there: symlinks to it
applets() {
	local a ino=910000
	while read -r a; do
		[ -e "$root/$a" ] || [ -L "$root/$a" ] || cpio_entry "$a" $((0xA000 | 0777)) 0 0 $((ino++)) /bin/busybox
	done < <("$root/bin/busybox" --list-full)
}
# build_base FILE: the base archive. Uncompressed: under TCG the guest inflates about 10 MB/s, a
# plain copy costs nothing, and the host saves gzip's time. The kernel unpacks concatenated
# archives, skipping the NULs between them (Documentation/driver-api/early-userspace/
# buffer-format.rst; unpack_to_rootfs(), init/initramfs.c); every entry here is 4-byte aligned.
# QEMU for the guest (--qemu): what `strace -e openat qemu-system-x86_64 -machine pc -S ...`
# shows it opens, no more: the binary and its ldd libraries, the TCG module (accel-tcg-x86_64.so,
# Debian builds the accelerators as modules), the PC BIOS and kvmvapic.bin. Option ROMs are
# avoided with romfile= on the command line. Its own archive, without the libraries the first
# one has.
build_base() {
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,proc,sys,dev,tmp,run,etc}
	cp /bin/busybox "$root/bin/busybox"
	install_programs "$root" "${progs[@]}"
	{
		(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0)
		applets
		cpio_entry dev/console $((0x2000 | 0600)) 5 1 900001
		cpio_entry dev/null $((0x2000 | 0666)) 1 3 900002
		cpio_entry TRAILER!!! 0 0 0 0
	} >"$1"
	[ "${#qprogs[@]}" -gt 0 ] || return 0
	local qroot="$work/qemu-root"
	mkdir -p "$qroot"
	install_programs "$qroot" "${qprogs[@]}"
	put_files "$qroot" "${qfiles[@]}"
	(cd "$root" && find . -type f) | (cd "$qroot" && xargs -r -d "\n" rm -f --)
	(cd "$qroot" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >>"$1"
}

# base_key: what the base archive is made of: every program (busybox, QEMU's files, this script)
# with its guest path, size and modification time, and for their libraries the state of the
# package database and of the loader's cache (dpkg and ldconfig rewrite them when a library
# changes): one stat, no ldd (a process per library) on a warm run
base_key() {
	local i
	local -a srcs=(/bin/busybox "${BASH_SOURCE[0]}" /var/lib/dpkg/status /etc/ld.so.cache)
	for ((i = 0; i < ${#progs[@]}; i += 2)); do
		echo "${progs[i + 1]} <- ${progs[i]}"
		srcs+=("${progs[i]}")
	done
	for ((i = 0; i < ${#qprogs[@]}; i += 2)); do
		echo "qemu ${qprogs[i + 1]} <- ${qprogs[i]}"
		srcs+=("${qprogs[i]}")
	done
	[ "${#qprogs[@]}" -eq 0 ] || srcs+=("${qfiles[@]}")
	stat -L -c '%n %s %Y' -- "${srcs[@]}"
}

# The cache: ${XDG_CACHE_HOME:-~/.cache}/vdpactl/initramfs/<sha256 of base_key, 16 hex>.cpio,
# the 3 most recently used kept (about 60 MB each). A lock makes a second run of the same base
# (the other kernel, booted at once) wait for the first and take its archive.
cache="${XDG_CACHE_HOME:-$HOME/.cache}/vdpactl/initramfs"
mkdir -p "$cache"
key=$(base_key | sha256sum | cut -c1-16)
base="$cache/$key.cpio"
exec {cache_lock}>"$cache/.lock"
flock "$cache_lock"
if [ -s "$base" ]; then
	touch "$base"
	base_state=cached
else
	build_base "$work/base.cpio"
	mv "$work/base.cpio" "$base"
	base_state=built
	ls -t "$cache"/*.cpio | tail -n +4 | xargs -r -d '\n' rm -f --
fi
initrd="$work/initramfs.cpio"
cp "$base" "$initrd"
exec {cache_lock}>&-
(cd "$run" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >>"$initrd"

# --- boot -------------------------------------------------------------------------------------
disk="$work/scratch.img"
truncate -s 1M "$disk"
# A UDP port of our own (from the PID) so that parallel runs do not talk to each other.
port=$((20000 + $$ % 40000))
for _ in 1 2 3 4 5 6 7 8 9 10; do
	ss -Hlun "sport = :$port" 2>/dev/null | grep -q . || break
	port=$((port + 1))
done
console="$out/console.log"
results="$out/results.serial"
qemu=(qemu-system-x86_64 -nodefaults -no-reboot -machine q35 -accel tcg -m 512 -smp 1
	-display none -vga none -nic none -monitor none
	-device "intel-iommu,intremap=off"
	-netdev "socket,id=n0,udp=127.0.0.1:$port,localaddr=127.0.0.1:$port"
	-device "virtio-net-pci,netdev=n0,disable-legacy=on,iommu_platform=on,romfile="
	-drive "file=$disk,if=none,format=raw,id=d0"
	-device "virtio-blk-pci,drive=d0,disable-legacy=on,iommu_platform=on"
	-serial "file:$console" -serial "file:$results"
	-kernel "$kernel" -initrd "$initrd"
	-append "console=ttyS0 panic=-1 quiet intel_iommu=on")
say "booting $kernel_version ($kernel), $ncmd command(s), initramfs $(stat -c %s "$initrd") bytes (base $base_state), timeout ${timeout_s}s, udp port $port"
t_start=$(date +%s.%N)
qemu_rc=0
timeout -k 5 "$timeout_s" "${qemu[@]}" </dev/null >"$out/qemu.log" 2>&1 &
qemu_pid=$!
wait "$qemu_pid" || qemu_rc=$?
qemu_pid=""
t_end=$(date +%s.%N)
host_s=$(awk -v a="$t_start" -v b="$t_end" 'BEGIN { printf "%.2f", b - a }')

# --- results ----------------------------------------------------------------------------------
frames="$work/frames"
mkdir -p "$frames"
# Collect frames from the results port first, then the console; strip CRs and anything a
# kernel message put in front of a marker. Data lines must come in order 1..N, then END N.
awk -v id="$run_id" -v dir="$frames" '
	{ sub(/\r+$/, ""); i = index($0, "@@VM " id " "); if (!i) next; $0 = substr($0, i); }
	$3 == "BEGIN" && !(($4) in seen) {
		seen[$4] = 1; cur[$4] = 0; bad[$4] = 0; meta[$4] = $5 " " $6
		printf "" > (dir "/" $4 ".b64"); next
	}
	$3 == "D" && ($4 in cur) && !done[$4] {
		if ($5 != cur[$4] + 1 || NF != 6) bad[$4] = 1
		cur[$4] = $5; print $6 > (dir "/" $4 ".b64"); next
	}
	$3 == "END" && ($4 in cur) && !done[$4] {
		done[$4] = 1; if ($5 != cur[$4]) bad[$4] = 1
		close(dir "/" $4 ".b64")
		print $4, meta[$4], (bad[$4] ? "bad" : "ok") > (dir "/index"); next
	}
	$3 == "DONE" { print $4 > (dir "/done") }
' "$results" "$console" 2>/dev/null || true
touch "$frames/index"

problems=()
# restore NAME: decode one frame into $out/NAME after checking size and checksum.
restore() {
	local name=$1 size="" sum="" state=""
	read -r size sum state < <(awk -v n="$name" '$1 == n { print $2, $3, $4; exit }' "$frames/index") || true
	if [ -z "$state" ]; then
		problems+=("missing result frame '$name'")
		return
	fi
	if [ "$state" != ok ] || ! base64 -d <"$frames/$name.b64" >"$out/$name" 2>/dev/null ||
		[ "$(stat -c %s "$out/$name")" != "$size" ] ||
		[ "$(sha256sum <"$out/$name" | cut -d' ' -f1)" != "$sum" ]; then
		problems+=("corrupt result frame '$name' (line order, size or sha256 mismatch)")
	fi
}
restore setup.log
restore devices
restore results.tgz
# the archive holds N.stdout, N.stderr and N.rc for every command, timing and dmesg: no more,
# no less
expect_files() {
	local i
	for ((i = 1; i <= ncmd; i++)); do
		printf '%s\n' "$i.stdout" "$i.stderr" "$i.rc"
	done
	printf '%s\n' timing dmesg
}
if [ -e "$out/results.tgz" ]; then
	mkdir "$work/res"
	if ! tar -xzf "$out/results.tgz" -C "$work/res" 2>"$work/tar.err"; then
		problems+=("the results archive does not unpack ($(stat -c %s "$out/results.tgz") bytes): $(tr -s "\n" " " <"$work/tar.err")")
	else
		while read -r f; do
			problems+=("missing result file '$f'")
		done < <(comm -23 <(expect_files | LC_ALL=C sort) <(cd "$work/res" && find . -type f | sed 's|^\./||' | LC_ALL=C sort))
		while read -r f; do
			problems+=("unexpected result file '$f'")
		done < <(comm -13 <(expect_files | LC_ALL=C sort) <(cd "$work/res" && find . -type f | sed 's|^\./||' | LC_ALL=C sort))
		find "$work/res" -mindepth 1 -maxdepth 1 -type f -exec mv -t "$out" -- {} +
	fi
	rm -f "$out/results.tgz"
fi
[ -s "$frames/done" ] || problems+=("the guest never reported completion")
printf 'host_seconds=%s\nqemu_exit=%s\n' "$host_s" "$qemu_rc" >>"$out/timing"

if [ "$qemu_rc" -ne 0 ] || [ "${#problems[@]}" -gt 0 ]; then
	last=$(grep -a 'vm: \[[0-9]*\] start' "$console" 2>/dev/null | tail -n 1 | tr -d '\r') || true
	last=${last:+; last command started: ${last#vm: }}
	if grep -q 'Kernel panic' "$console" 2>/dev/null; then
		say "KERNEL PANIC: $(grep -a -m1 'Kernel panic' "$console" | tr -d '\r')$last"
	elif [ "$qemu_rc" -eq 124 ] || [ "$qemu_rc" -eq 137 ]; then
		say "TIMEOUT: the guest did not finish within ${timeout_s}s$last"
	elif [ "$qemu_rc" -ne 0 ]; then
		say "QEMU exited with status $qemu_rc; its output ($out/qemu.log):"
		tail -n 20 "$out/qemu.log" >&2 || true
	elif ! [ -s "$frames/done" ]; then
		say "the guest stopped before finishing its commands$last"
	fi
	for p in "${problems[@]}"; do
		say "$p"
	done
	say "console log: $console"
	exit 1
fi
rm -f "$results"
say "$kernel_version: $ncmd command(s) done in ${host_s}s; results in $out"
