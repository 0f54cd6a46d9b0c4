#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/fuzz/capture-seeds.sh [--vm DIR]... - (re)make the seed corpora tests/fuzz/corpus/NAME.
#
# netlink: real replies. tests/fake/nlprobe prints every datagram of the "vdpa" family byte for
#   byte; it runs here under the fake kernel (tests/fake/libfakevdpa.so) on several scenarios,
#   with and without extended ACKs, with capped ACKs, with a small receive buffer (dumps over
#   several datagrams) and with the fake's netlink faults (malformed replies), and each
#   datagram it prints becomes one file. --vm DIR adds the outputs of the real-kernel VMs
#   (DIR is a real-vm results directory of tests/bats/real_vm.bash: DIR/names, DIR/6.1/N.stdout).
#   Plus the regression inputs of src/netlink.c (regress-*: an NLMSG_ERROR with error INT_MIN,
#   messages whose nlmsg_len is not a multiple of 4).
# sysfs: dev files and module parameters from `nlprobe sysfs` (fake, VMs) and edge cases.
# procdevices: /proc/devices as the fake shows it, and edge cases.
# config: every device's config space and features in tests/fake/scenarios, and edge cases.
# kernel, hostid, devarg: releases of the scenarios and edge cases; synthetic ids; DEV forms.
#
# Files are named after what they hold and deduplicated by content; the script replaces the
# generated files (it keeps nothing else in those directories). Needs cc, make, python3.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
VMS=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--vm) VMS+=("$2"); shift 2 ;;
	*) echo "usage: $0 [--vm REAL_VM_DIR]..." >&2; exit 2 ;;
	esac
done

OUT=tests/fuzz/corpus
WORK=build/fuzz/capture
rm -rf "$WORK"
mkdir -p "$WORK/nlprobe" "$WORK/sysfs"

cc -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -O2 -o build/fuzz/nlprobe tests/fake/nlprobe.c
make --no-print-directory -s tests/fake/libfakevdpa.so
FAKE_LIB=$ROOT/tests/fake/libfakevdpa.so

# nlprobe under the fake: NAME SCENARIO [FAULT] -- ARGS...
probe() {
	local name=$1 sc=$2 fault=$3
	shift 4
	env FAKE_VDPA_SCENARIO="tests/fake/scenarios/$sc.json" FAKE_VDPA_NL_FAULT="$fault" \
		LD_PRELOAD="$FAKE_LIB" build/fuzz/nlprobe "$@" >"$WORK/nlprobe/$name.txt" 2>/dev/null || true
}

for sc in realvm-6.1 realvm-6.12 mixed-6.12 sim-6.12 sim-6.1 vp-6.12 vduse-6.12 mlx5-6.12 \
	backport-6.6 old-5.15 nonl-5.10; do
	probe "$sc" "$sc" "" -- all
done
for sc in realvm-6.1 realvm-6.12; do
	probe "$sc-noack" "$sc" "" -- -A get-dev=nosuchdev get-config=nosuchdev get-mgmtdev=nosuchdev
	probe "$sc-cap" "$sc" "" -- -C get-dev=nosuchdev get-config=blk0 get-config=vpblk0
	probe "$sc-b1k" "$sc" "" -- -b 1024 dump-mgmtdev dump-dev dump-config
	env FAKE_VDPA_SCENARIO="tests/fake/scenarios/$sc.json" LD_PRELOAD="$FAKE_LIB" \
		build/fuzz/nlprobe sysfs >"$WORK/sysfs/$sc.txt" 2>/dev/null || true
done
for fault in short_attr wrong_len wrong_type no_name attr_overrun truncated garbage_len; do
	probe "fault-$fault-family" sim-6.12 "$fault:family" -- family
	probe "fault-$fault-dumps" sim-6.12 "$fault:mgmtdev@1;$fault:dev@1;$fault:config@1" -- \
		dump-mgmtdev dump-dev get-config=net0
done
env FAKE_VDPA_SCENARIO=tests/fake/scenarios/realvm-6.12.json LD_PRELOAD="$FAKE_LIB" \
	cat /proc/devices >"$WORK/proc-devices-fake" 2>/dev/null || true

for vm in ${VMS[@]+"${VMS[@]}"}; do
	if [[ ! -f $vm/names ]]; then
		echo "capture-seeds: $vm: no real-vm results (no names file), skipped" >&2
		continue
	fi
	for k in "$vm"/*/; do
		k=$(basename "$k")
		i=0
		while read -r name; do
			i=$((i + 1))
			f=$vm/$k/$i.stdout
			[[ -f $f ]] || continue
			case $name in
			*sysfs) cp "$f" "$WORK/sysfs/vm-$k-$name.txt" ;;
			nlprobe | nlprobe_* | big_nlprobe*) cp "$f" "$WORK/nlprobe/vm-$k-$name.txt" ;;
			esac
		done <"$vm/names"
	done
done

python3 - "$WORK" "$OUT" <<'PY'
import glob, hashlib, json, os, re, struct, sys

work, out = sys.argv[1], sys.argv[2]
SEQ, PORTID = 0x5eed, 4242  # nlprobe prints "req" and "me" for these
written = {}


def reset(name):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.unlink(os.path.join(d, f))
    written[name] = set()


def emit(harness, label, data):
    h = hashlib.sha1(data).hexdigest()
    if h in written[harness]:
        return
    written[harness].add(h)
    label = re.sub(r'[^A-Za-z0-9._-]+', '-', label).strip('-')[:80] or 'seed'
    if os.path.exists(os.path.join(out, harness, label)):
        label += '-' + h[:8]
    with open(os.path.join(out, harness, label), 'wb') as f:
        f.write(data)


def pad4(b):
    return b + b'\0' * (-len(b) % 4)


# ---- netlink: nlprobe's text back to bytes --------------------------------------------------
def num(s, alias):
    return alias if s in ('req', 'me') else int(s, 0)


def nlprobe_datagrams(path):
    """(label, bytes) of every datagram in one nlprobe output; mismatched lengths are dropped."""
    family = 0
    step = 'start'
    dgrams = []
    cur = None  # current datagram: dict(len, msgs=[...], label)
    msg = None  # current message: dict(len, type, flags, seq, pid, body bytearray)
    in_tlvs = False
    done_seen = False

    def close_msg():
        nonlocal msg
        if msg is not None:
            cur['msgs'].append(msg)
        msg = None

    def close_dgram():
        nonlocal cur
        close_msg()
        if cur is not None:
            dgrams.append(cur)
        cur = None

    types = {'ERROR': 2, 'DONE': 3, 'NOOP': 1, 'CTRL': 0x10}
    for line in open(path, errors='replace'):
        line = line.rstrip('\n')
        m = re.match(r'^== (.*)$', line)
        if m:
            close_dgram()
            step = m.group(1)
            continue
        m = re.match(r'^dgram (\d+) len (\d+)', line)
        if m:
            close_dgram()
            cur = dict(len=int(m.group(2)), msgs=[], label='%s-d%s' % (step, m.group(1)), extra=0)
            continue
        if cur is None:
            continue
        m = re.match(r'^ msg (\S+) len=(\d+) flags=(0x[0-9a-f]+) seq=(\S+) pid=(\S+)$', line)
        if m:
            close_msg()
            t = m.group(1)
            t = types.get(t, family if t == 'VDPA' else None)
            if t is None:
                t = int(m.group(1), 0)
            msg = dict(len=int(m.group(2)), type=t, flags=int(m.group(3), 16),
                       seq=num(m.group(4), SEQ), pid=num(m.group(5), PORTID), body=bytearray())
            in_tlvs = done_seen = False
            continue
        m = re.match(r'^ (\d+) bytes left over$', line)
        if m:
            cur['extra'] = int(m.group(1))
            continue
        if msg is None:
            continue
        m = re.match(r'^  genl cmd=(\d+) version=(\d+) reserved=(\d+)$', line)
        if m:
            msg['body'] += struct.pack('<BBH', *map(int, m.groups()))
            continue
        m = re.match(r'^  error=(-?\d+) req: type=(\S+) len=(\d+) flags=(0x[0-9a-f]+) seq=(\S+) pid=(\S+)$', line)
        if m:
            t = m.group(2)
            t = types.get(t, family if t == 'VDPA' else None)
            if t is None:
                t = int(m.group(2), 0)
            msg['body'] += struct.pack('<iIHHII', int(m.group(1)), int(m.group(3)), t,
                                       int(m.group(4), 16), num(m.group(5), SEQ),
                                       num(m.group(6), 0))
            continue
        m = re.match(r'^  echo ([0-9a-f]*)$', line)
        if m:
            msg['body'] += pad4(bytes.fromhex(m.group(1)))
            continue
        m = re.match(r'^  (done|short error payload:|short genl payload:) ?([0-9a-f]*)$', line)
        if m:
            msg['body'] += bytes.fromhex(m.group(2))
            done_seen = m.group(1) == 'done'
            continue
        if line == '  tlvs':
            in_tlvs = True
            continue
        if done_seen:
            continue  # the done payload's hex already holds its TLVs
        depth = 4 if in_tlvs else 2
        m = re.match(r'^( *)a(\d+)(N?) len=(\d+) ([0-9a-f]*)', line)
        if m:
            if len(m.group(1)) != depth:
                continue  # nested: inside its parent's payload already
            payload = bytes.fromhex(m.group(5))
            t = int(m.group(2)) | (0x8000 if m.group(3) else 0)
            msg['body'] += pad4(struct.pack('<HH', 4 + len(payload), t) + payload)
            if msg['type'] == 0x10 and int(m.group(2)) == 1 and len(payload) == 2:
                family = struct.unpack('<H', payload)[0]
            continue
        m = re.match(r'^( *)bad attribute len=\d+ \(left \d+\): ([0-9a-f]*)$', line)
        if m and len(m.group(1)) == depth:
            msg['body'] += bytes.fromhex(m.group(2))
            continue
        m = re.match(r'^( *)trailing (\d+) bytes$', line)
        if m and len(m.group(1)) == depth:
            msg['body'] += b'\0' * int(m.group(2))
    close_dgram()

    result = []
    for d in dgrams:
        buf = bytearray()
        ok = True
        for i, mm in enumerate(d['msgs']):
            body = bytes(mm['body'])
            want = mm['len'] - 16
            if want < 0:
                ok = False
                break
            if len(body) != want:
                ok = False  # nlprobe did not print every byte (e.g. "N bytes left over")
                break
            hdr = struct.pack('<IHHII', mm['len'], mm['type'], mm['flags'], mm['seq'], mm['pid'])
            buf += hdr + body
            if i + 1 < len(d['msgs']):
                buf += b'\0' * (-len(buf) % 4)
        buf += b'\0' * d['extra']
        if len(buf) < d['len']:
            buf += b'\0' * (d['len'] - len(buf))
        if not ok or len(buf) != d['len']:
            print('capture-seeds: %s %s: %d bytes rebuilt, %d received: dropped'
                  % (os.path.basename(path), d['label'], len(buf), d['len']), file=sys.stderr)
            continue
        # bytes nlprobe does not print (after the last message) are zeros here
        result.append((d['label'] + ('-zerofilled' if d['extra'] else ''), bytes(buf)))
    return result


reset('netlink')
# real kernels first, then the fake's measured twins, then the rest: a datagram that several
# sources share keeps the name of the first
def rank(path):
    b = os.path.basename(path)
    return (0 if b.startswith('vm-') else 1 if b.startswith('realvm-') else 2, b)


for path in sorted(glob.glob(os.path.join(work, 'nlprobe', '*.txt')), key=rank):
    src = os.path.basename(path)[:-4]
    for label, data in nlprobe_datagrams(path):
        emit('netlink', '%s-%s' % (src, label), data)


def nlmsg(t, flags, body, length=None, seq=1, pid=0):
    return struct.pack('<IHHII', 16 + len(body) if length is None else length, t, flags, seq, pid) + body


def nla(t, payload):
    return pad4(struct.pack('<HH', 4 + len(payload), t) + payload)


genl_ctrl = struct.pack('<BBH', 1, 2, 0)
req = struct.pack('<IHHII', 32, 0x10, 5, 1, 0)
# regression inputs for src/netlink.c (sanitizer reports before the fix)
emit('netlink', 'regress-error-intmin', nlmsg(2, 0x100, struct.pack('<i', -2**31) + req))
emit('netlink', 'regress-error-intmin-tlvs',
     nlmsg(2, 0x300, struct.pack('<i', -2**31) + req + nla(1, b'x\0')))
emit('netlink', 'regress-error-positive', nlmsg(2, 0x100, struct.pack('<i', 5) + req))
emit('netlink', 'regress-error-below-max-errno', nlmsg(2, 0x100, struct.pack('<i', -4096) + req))
# family reply whose nlmsg_len (29) is not a multiple of 4: libmnl's walk read bytes 29-31
fam = genl_ctrl + nla(1, struct.pack('<H', 0x13)) + b'\x06'
emit('netlink', 'regress-family-unaligned-len', nlmsg(0x10, 0, fam))
emit('netlink', 'regress-family-unaligned-len-short', nlmsg(0x10, 0, genl_ctrl + b'\x06'))
# NLMSG_ERROR with extended ACK TLVs and an unaligned nlmsg_len (37)
emit('netlink', 'regress-error-tlvs-unaligned-len',
     nlmsg(2, 0x300, struct.pack('<i', -2) + req + b'\x05'))
# an error echoing a request shorter than its header (the TLV offset used to wrap)
emit('netlink', 'regress-error-short-echo',
     nlmsg(2, 0x200, struct.pack('<i', -22) + struct.pack('<IHHII', 4, 0x10, 5, 1, 0)
           + nla(1, b'bad\0')))
# a device message with an unaligned nlmsg_len, then the parsers' exact end
dev = struct.pack('<BBH', 3, 1, 0) + nla(4, b'net0\0') + nla(2, b'vdpasim_net\0') + b'\x08'
emit('netlink', 'regress-dev-unaligned-len', nlmsg(0x13, 2, dev))

# ---- sysfs --------------------------------------------------------------------------------
reset('sysfs')
for path in sorted(glob.glob(os.path.join(work, 'sysfs', '*.txt'))):
    src = os.path.basename(path)[:-4]
    for line in open(path, errors='replace'):
        m = re.match(r'^F (\S+) \d+ = (.*)$', line.rstrip('\n'))
        if not m:
            continue
        p, text = m.group(1), m.group(2).replace('|', '\n')
        if re.search(r'/vhost-vdpa-\d+/dev$', p) or '/parameters/' in p:
            emit('sysfs', '%s-%s' % (src, p.split('/')[-1] if '/parameters/' in p else 'dev-' + text.strip()),
                 text.encode())
for i, t in enumerate(['Y', 'N', '1', '0', 'y', 'n', 'Y\n', '', '507:0', '507:0\n', '0:0',
                       '4095:1048575', '4096:0', '1:1048576', '1:2\nx', '1:', ':1', '+1:2',
                       '1:+2', '-1:2', '99999999999999999999:1', '1:99999999999999999999',
                       '00012:0003\n', ' 1:2', '1: 2', '1:2 ']):
    emit('sysfs', 'edge-%02d' % i, t.encode())

# ---- procdevices ----------------------------------------------------------------------------
reset('procdevices')
try:
    emit('procdevices', 'fake-realvm-6.12', open(os.path.join(work, 'proc-devices-fake'), 'rb').read())
except OSError:
    pass
base = 'Character devices:\n  1 mem\n  4 /dev/vc/0\n  5 /dev/tty\n 10 misc\n253 vhost-vdpa\n\nBlock devices:\n  8 sd\n'
for label, t in [
        ('minimal', base),
        ('absent', base.replace('253 vhost-vdpa\n', '')),
        ('no-header', base.replace('Character devices:\n', '')),
        ('block-only', 'Block devices:\n253 vhost-vdpa\n'),
        ('bad-line', base.replace(' 10 misc', ' 10misc')),
        ('nine-digits', base.replace('253 vhost', '123456789 vhost')),
        ('eight-digits', base.replace('253 vhost', '12345678 vhost')),
        ('no-newline', base.rstrip('\n').replace('\n\nBlock devices:\n  8 sd', '')),
        ('crlf', base.replace('\n', '\r\n')),
        ('empty-name', 'Character devices:\n 10 \n'),
        ('duplicate', 'Character devices:\n253 vhost-vdpa\n254 vhost-vdpa\n253 other\n'),
        ('long-name', 'Character devices:\n 99 ' + 'n' * 200 + '\n'),
        ('empty', '')]:
    emit('procdevices', label, t.encode())

# ---- config -----------------------------------------------------------------------------------
reset('config')
for path in sorted(glob.glob('tests/fake/scenarios/*.json')):
    try:
        sc = json.load(open(path))
    except ValueError:
        continue
    for d in sc.get('devices', []):
        if 'config' not in d:
            continue
        cls = {1: 1, 2: 2}.get(d.get('device_id'), 0)
        feat = int(str(d.get('device_features', '0')), 0)
        space = bytes.fromhex(re.sub(r'[\s:_-]', '', d['config']))
        emit('config', '%s-%s' % (os.path.basename(path)[:-5], d.get('name', 'dev')),
             bytes([cls]) + struct.pack('<Q', feat) + space)
emit('config', 'edge-net-all-features-short', bytes([1]) + b'\xff' * 8 + b'\x52\x54\x00')
emit('config', 'edge-block-all-features-full', bytes([2]) + b'\xff' * 8 + bytes(range(96)))
emit('config', 'edge-unknown-class', bytes([0]) + b'\xff' * 8 + bytes(8))
emit('config', 'edge-no-features', bytes([1]))

# ---- kernel -----------------------------------------------------------------------------------
reset('kernel')
releases = set()
for path in glob.glob('tests/fake/scenarios/*.json'):
    try:
        releases.add(json.load(open(path)).get('kernel', ''))
    except ValueError:
        pass
releases |= {'6.1.0-27-cloud-amd64', '6.12.117-amd64', '6.7.0-rc1', '6.6', '6', '6.', '.6',
             '4.19.0+', '1000.1000', '1001.0', '0.0', '6.7', '6.6.99', '10.0.0', ' 6.7',
             '6.-7', '6.+7', '6.0x7', '99999999999999999999.1', '6.99999999999999999999', ''}
for r in sorted(releases):
    emit('kernel', 'release-' + (r or 'empty'), r.encode())

# ---- hostid -----------------------------------------------------------------------------------
reset('hostid')
for label, t in [
        ('machine-id', '0123456789abcdef0123456789abcdef\n'),
        ('machine-id-no-newline', '0123456789abcdef0123456789abcdef'),
        ('machine-id-upper', '0123456789ABCDEF0123456789abcdef\n'),
        ('machine-id-uninitialized', 'uninitialized\n'),
        ('machine-id-two-newlines', '0123456789abcdef0123456789abcdef\n\n'),
        ('boot-id', '8f2b6d0e-3c4a-4f5e-9a1b-2c3d4e5f6a7b\n'),
        ('boot-id-no-newline', '8f2b6d0e-3c4a-4f5e-9a1b-2c3d4e5f6a7b'),
        ('boot-id-dash-moved', '8f2b6d0e3-c4a-4f5e-9a1b-2c3d4e5f6a7b\n'),
        ('empty', '')]:
    emit('hostid', label, t.encode())

# ---- devarg -----------------------------------------------------------------------------------
reset('devarg')
for t in ['/dev/vhost-vdpa-0', 'vhost-vdpa-0', 'vhost-vdpa-1048575', 'vhost-vdpa-1048576',
          'vhost-vdpa-', 'vhost-vdpa-+1', 'vhost-vdpa-007', 'vhost-vdpa-0x1', 'net0', 'blk0',
          'vp0', 'nosuch', '', './vhost-vdpa-0', 'vhost-vdpa-99999999999999999999999']:
    emit('devarg', 'arg-' + (t.replace('/', '_') or 'empty'), t.encode())

for h in sorted(written):
    print('%-12s %d seeds' % (h, len(written[h])))
PY
