#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Generate fake-kernel scenario files for large hosts (tests/fake/README.md, "Generated hosts").

  gen-scenario.py host N [--kernel 6.12.117] [-o FILE]
      A synthetic host with N vDPA devices, every kind the fake models, in a fixed mix:
      simulator net/block devices, vp_vdpa devices each on its own PCI function (and
      management device), devices bound to virtio_vdpa (no vhost-vdpa node), unbound
      devices and devices without a management device (eni/snet style: sysfs only).
      Device names are d00000, d00001, ... (registration order); vhost-vdpa minors are
      handed out in that order to the devices bound to vhost_vdpa. Deterministic.

  gen-scenario.py extend BASE [--vduse] [--sims N] [--vduse-blk NAME:PID ...] [-o FILE]
      BASE (a scenario file) plus, in this order, a VDUSE block device "vduse0", N
      simulator net devices s1..sN and one VDUSE block device NAME per --vduse-blk, served
      by the qemu-storage-daemon process PID: what `vdpa dev add mgmtdev vduse name vduse0`,
      `vdpa dev add mgmtdev vdpasim_net name sI` and qemu-storage-daemon's
      `--export type=vduse-blk` of an 8 MiB image whose sector 0 starts
      VDPACTL-VDUSE-SECTOR-0, added with `vdpa dev add name NAME mgmtdev vduse`, give on the
      test VM (tests/bats/real_kernel.bats: conformance of large dumps and of VDUSE).

Output goes to FILE or stdout.
"""
import argparse
import copy
import json
import sys

SIM_NET = {
    "mgmtdev": "vdpasim_net", "parent_driver": "vdpa_sim_net", "device_id": 1,
    "config": "00:00:00:00:00:00 0100 0000 dc05 00000000 00 00 0000 00000000",
    "config_size": 24, "vq_num_max": 256, "nvqs": 3, "ngroups": 2, "nas": 2,
    "vq_groups": [0, 0, 1],
    "iova_range": {"first": "0x0", "last": "0xffffffffffffffff"},
    "dma": "set_map", "va_mode": True,
    "ops": ["suspend", "resume", "reset_map", "compat_reset", "get_vq_group", "set_group_asid",
            "set_config", "bind_mm", "get_vendor_vq_stats"],
    "parent_backend_features": "0x40", "reset_drops_maps": True, "reset_identity_fallback": True,
}
SIM_BLK = dict(SIM_NET, mgmtdev="vdpasim_blk", parent_driver="vdpa_sim_blk", device_id=2,
               config="0000040000000000 00100000 20000000 00000000 00020000 00 00 0100 01000000"
                      " 00 00 0100 ffffffff 01000000 00020000 ffffffff 01000000 00 000000",
               config_size=96, nvqs=1, ngroups=1, nas=1, vq_groups=[0],
               device_features="0x308007646")
VP_NET = {
    "parent_driver": "vp-vdpa", "vendor_id": 6900, "device_id": 1,
    "device_features": "0x10330bf8024", "config": "52:54:00:12:34:56 0100", "config_size": 4096,
    "config_pad": "0xff", "vq_num_max": 256, "nvqs": 3, "ngroups": 1, "nas": 1,
    "vq_sizes": [256, 256, 64], "iova_range": {"first": "0x0", "last": "0x7fffffffff"},
    "dma": "platform", "va_mode": False, "ops": ["get_vq_size", "set_config", "get_vq_notification"],
    "reset_drops_maps": False,
}


# qemu-storage-daemon 7.2's vduse-blk export of an 8 MiB image, as vdpactl show read it on the
# test VMs (6.1 and 6.12 alike): capacity 16384, seg_max 254, blk_size 512, discard and write
# zeroes limits; one vq of at most 256
QSD_BLK = {
    "device_id": 2, "device_features": "0x331006644",
    "config": "0040000000000000 00000000 fe000000 00000000 00020000 00 00 0100 01000000"
              " 00 00 0100 00800000 01000000 01000000 00800000 01000000 00 000000",
    "config_size": 60, "nvqs": 1, "mgmtdev": "vduse", "parent_driver": "vduse",
    "vq_num_max": 256, "ngroups": 1, "nas": 1,
    "iova_range": {"first": "0x0", "last": "0xffffffffffffffff"},
    "dma": "set_map", "va_mode": True, "ops": [], "features_required": "0x0",
    "reset_drops_maps": False, "disk_sector0": "VDPACTL-VDUSE-SECTOR-0",
}


def qsd_process(name, pid):
    """qemu-storage-daemon serving NAME: its descriptor on /dev/vduse/NAME makes it the daemon."""
    return {"pid": pid, "uid": 0, "comm": "qemu-storage-da",
            "cmdline": ["qemu-storage-daemon", "--blockdev",
                        "driver=file,node-name=f0,filename=/tmp/%s.img" % name, "--export",
                        "type=vduse-blk,id=e0,node-name=f0,name=%s,writable=on" % name],
            "fds": [{"fd": 0, "path": "/dev/null"}, {"fd": 9, "vduse": name}]}


def kver(release):
    parts = [int(x) for x in release.split(".")[:3]]
    return tuple(parts + [0] * (3 - len(parts)))


def sim_net_features(release):
    # 6.1's vdpasim_net lacks STATUS (bit 16); measured on the test VMs
    return "0x308820028" if kver(release) < (6, 2, 0) else "0x308830028"


def host(n, release):
    newer = kver(release) >= (6, 7, 0)
    net = dict(SIM_NET, device_features=sim_net_features(release))
    blk = dict(SIM_BLK)
    if not newer:  # before 6.7: no .reset_map/.compat_reset, PA-mode simulators before 6.4
        for d in (net, blk):
            d["ops"] = [o for o in d["ops"] if o not in ("reset_map", "compat_reset")]
            d["reset_identity_fallback"] = False
            d["va_mode"] = kver(release) >= (6, 4, 0)
            if kver(release) < (6, 6, 0):
                d.pop("parent_backend_features")
    sc = {
        "description": "generated by tests/fake/gen-scenario.py host %d --kernel %s" % (n, release),
        "kernel": release,
        "machine": "x86_64",
        "vhost_vdpa_major": 236,
        "mgmtdevs": [
            {"name": "vdpasim_net", "classes": ["net"], "max_vqs": 3,
             "supported_features": net["device_features"]},
            {"name": "vdpasim_blk", "classes": ["block"], "max_vqs": 0, "supported_features": "0x0"},
        ],
        "devices": [],
    }
    minor = 0
    pci = 0
    for i in range(n):
        kind = i % 16
        name = "d%05d" % i
        if kind in (0, 2, 4, 6, 8, 10, 12):
            d = dict(net)
        elif kind in (1, 5, 9, 13):
            d = dict(blk)
        elif kind in (3, 11):
            bdf = "0000:%02x:%02x.%x" % (1 + pci // 256, (pci // 8) % 32, pci % 8)
            pci += 1
            d = dict(VP_NET, mgmtdev="pci/" + bdf)
            sc["mgmtdevs"].append({"name": "pci/" + bdf, "classes": ["net"], "max_vqs": 3,
                                   "supported_features": VP_NET["device_features"]})
        elif kind == 7:
            d = dict(net, bound_driver="virtio_vdpa")
        elif kind == 14:
            d = dict(net, bound_driver=None)
        else:  # 15: registered without a management device (eni/snet style)
            bdf = "0000:%02x:%02x.%x" % (0x80 + pci // 256, (pci // 8) % 32, pci % 8)
            pci += 1
            d = dict(VP_NET, mgmtdev=None, parent_driver="alibaba-eni-vdpa",
                     parent={"bus": "pci", "bus_id": bdf, "driver": "alibaba-eni-vdpa"})
        d = copy.deepcopy(d)
        d["name"] = name
        if d.get("bound_driver", "vhost_vdpa") == "vhost_vdpa":
            d["index"] = minor
            minor += 1
        sc["devices"].append(d)
    return sc


def extend(base, vduse, sims, vduse_blk=()):
    sc = copy.deepcopy(base)
    release = sc["kernel"]
    minor = 1 + max([d["index"] for d in sc["devices"] if "index" in d] + [-1])
    added = []
    if vduse:
        # a VDUSE block device (block is the class every VDUSE kernel allows): capacity 2048,
        # seg_max 126, blk_size 512, one vq - as tests/fake/vduse-mk creates it on the VM
        d = {"device_id": 2, "device_features": "0x300000044",
             "config": "0008000000000000 00000000 7e000000 00000000 00020000",
             "config_size": 24, "nvqs": 1}
        d.update({"name": "vduse0", "index": minor, "mgmtdev": "vduse", "parent_driver": "vduse",
                  "vq_num_max": 256, "ngroups": 1, "nas": 1,
                  "iova_range": {"first": "0x0", "last": "0xffffffffffffffff"},
                  "dma": "set_map", "va_mode": True, "ops": [], "features_required": "0x0",
                  "reset_drops_maps": False})
        minor += 1
        added.append("vduse0")
        sc["devices"].append(d)
    for i in range(1, sims + 1):
        d = copy.deepcopy(dict(SIM_NET, device_features=sim_net_features(release)))
        if kver(release) < (6, 7, 0):
            d["ops"] = [o for o in d["ops"] if o not in ("reset_map", "compat_reset")]
            d["reset_identity_fallback"] = False
            d["va_mode"] = kver(release) >= (6, 4, 0)
            if kver(release) < (6, 6, 0):
                d.pop("parent_backend_features")
        d["name"] = "s%d" % i
        d["index"] = minor
        minor += 1
        sc["devices"].append(d)
    if sims:
        added.append("s1..s%d" % sims)
    for name, pid in vduse_blk:
        d = copy.deepcopy(QSD_BLK)
        d.update({"name": name, "index": minor})
        minor += 1
        sc["devices"].append(d)
        sc.setdefault("processes", []).append(qsd_process(name, pid))
        added.append("%s (qemu-storage-daemon, pid %d)" % (name, pid))
    sc["description"] = "%s; extended by tests/fake/gen-scenario.py with %s" % (
        base.get("description", "a scenario"), ", ".join(added) or "nothing")
    return sc


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    h = sub.add_parser("host", help="a synthetic host with N devices")
    h.add_argument("n", type=int)
    h.add_argument("--kernel", default="6.12.117")
    h.add_argument("-o", "--output")
    e = sub.add_parser("extend", help="a scenario plus a VDUSE device and N simulator devices")
    e.add_argument("base")
    e.add_argument("--vduse", action="store_true")
    e.add_argument("--sims", type=int, default=0)
    e.add_argument("--vduse-blk", action="append", default=[], metavar="NAME:PID")
    e.add_argument("-o", "--output")
    a = ap.parse_args()
    if a.mode == "host":
        if a.n < 0 or a.n > 1 << 20:
            ap.error("N must be 0..1048576")
        sc = host(a.n, a.kernel)
    else:
        blk = []
        for spec in a.vduse_blk:
            name, _, pid = spec.partition(":")
            if not name or not pid.isdigit() or int(pid) < 1:
                ap.error("--vduse-blk wants NAME:PID, not '%s'" % spec)
            blk.append((name, int(pid)))
        with open(a.base) as f:
            sc = extend(json.load(f), a.vduse, a.sims, blk)
    text = json.dumps(sc, indent=1) + "\n"
    if a.output:
        with open(a.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
