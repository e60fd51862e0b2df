# SPDX-License-Identifier: MIT
"""Helpers for test-cli.sh: run one check on accelctl's JSON output.

usage: python3 check_json.py OUTPUT_FILE CHECK_NAME [ARGS...]
Loads OUTPUT_FILE as JSON (it must parse), runs the named check and exits 0
if it holds, 1 with the reason on stdout if not. The expected values come
from the recorded PCI dumps' own bytes (parsed here, independently of
libpci), from the uAPI header and from a program reading libaccel directly,
never from accelctl.
"""
import json
import re
import os
import sys

# What tests/accelctl/data/h100-gaudi2.lspci holds and accelctl must list:
# the NVIDIA H100 SXM5 (3D controller) and the Habana Gaudi2 (processing
# accelerator). Everything else in that file (root complex, bridges, NVMe,
# two I350 NIC ports, the BMC's ASPEED VGA) must not be listed.
H100_GAUDI2 = {
    "0000:18:00.0": {"vendor_id": "10de", "device_id": "2330", "class_id": "0302"},
    "0001:9a:00.0": {"vendor_id": "1da3", "device_id": "1020", "class_id": "1200"},
}

COMMON_KEYS = ("name", "kind", "driver", "description")
PCI_KEYS = ("slot", "vendor_id", "device_id", "vendor", "device", "class_id",
            "numa_node", "kernel_driver")
PARAM_INT_KEYS = ("num_engines", "num_priorities", "max_queues_per_ctx", "max_bo_size",
                  "max_cmdbuf_size", "max_submit_bos", "max_submit_syncs", "mem_limit",
                  "mem_used")


def parse_dump(path):
    """slot -> config bytes, from an `lspci -x` dump, by hand."""
    devs, cur = {}, None
    for line in open(path):
        line = line.rstrip("\n")
        m = re.match(r"^(?:([0-9a-f]{4}):)?([0-9a-f]{2}):([0-9a-f]{2})\.([0-7]) ", line)
        if m:
            cur = f"{m.group(1) or '0000'}:{m.group(2)}:{m.group(3)}.{m.group(4)}"
            devs[cur] = bytearray()
            continue
        m = re.match(r"^([0-9a-f]{2,3}): ((?:[0-9a-f]{2} ?)+)$", line)
        if m and cur:
            off, data = int(m.group(1), 16), bytes.fromhex(m.group(2))
            buf = devs[cur]
            if len(buf) < off + len(data):
                buf.extend(b"\xff" * (off + len(data) - len(buf)))
            buf[off:off + len(data)] = data
        elif not line:
            cur = None
    return devs


def config_fields(b):
    """The fields accelctl reports, decoded from config space."""
    le16 = lambda off: b[off] | b[off + 1] << 8
    return {
        "vendor_id": f"{le16(0):04x}",
        "device_id": f"{le16(2):04x}",
        "class_id": f"{b[0x0b]:02x}{b[0x0a]:02x}",
        "prog_if": f"{b[0x09]:02x}",
        "revision": f"{b[0x08]:02x}",
        "subsystem_vendor_id": f"{le16(0x2c):04x}",
        "subsystem_device_id": f"{le16(0x2e):04x}",
    }


PCI_IDS_PATHS = ("/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids", "/usr/share/pci.ids")


def pci_ids_names(vendor_id, device_id, class_id):
    """(vendor, device, class) names read from pci.ids by hand; None where
    the database is missing or lacks the id (accelctl then says null)."""
    path = next((p for p in PCI_IDS_PATHS if os.path.exists(p)), None)
    vendor = device = klass = None
    if not path:
        return vendor, device, klass
    in_vendor = in_class = False
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        if line.startswith("C "):  # class section: "C 03  Display controller"
            in_vendor, in_class = False, line[2:4] == class_id[:2]
            continue
        if not line.startswith("\t"):  # vendor line: "10de  NVIDIA Corporation"
            in_class = False
            in_vendor = line[:4] == vendor_id
            if in_vendor:
                vendor = line[4:].strip()
            continue
        if line.startswith("\t\t"):  # subsystem or prog-if lines
            continue
        if in_vendor and line[1:5] == device_id:
            device = line[5:].strip()
        if in_class and line[1:3] == class_id[2:]:
            klass = line[3:].strip()
    return vendor, device, klass


def fail(msg):
    print(msg)
    sys.exit(1)


def expect(cond, msg):
    if not cond:
        fail(msg)


def check_list_shape(doc):
    expect(isinstance(doc, list), f"not an array: {type(doc).__name__}")
    for d in doc:
        expect(isinstance(d, dict), f"member not an object: {d!r}")
        for k in COMMON_KEYS:
            expect(k in d, f"{d.get('name')}: missing key {k}")
        expect(d["kind"] in ("emu", "drm", "pci"), f"bad kind {d['kind']!r}")
        if d["kind"] == "pci":
            for k in PCI_KEYS:
                expect(k in d, f"{d['name']}: missing pci key {k}")
    names = [d["name"] for d in doc]
    expect(len(names) == len(set(names)), f"duplicate names: {names}")


def check_list_has_emu(doc):
    check_list_shape(doc)
    emu = [d for d in doc if d["name"] == "emu"]
    expect(len(emu) == 1, f"no single 'emu' device in {[d['name'] for d in doc]}")
    expect(emu[0]["kind"] == "emu", f"emu has kind {emu[0]['kind']!r}")
    expect(doc[0]["name"] == "emu", "libaccel's in-process device is not listed first")


def check_pci_dump_list(doc, dump, details="0"):
    check_list_shape(doc)
    config = parse_dump(dump)
    pci = [d for d in doc if d["kind"] == "pci"]
    slots = [d["slot"] for d in pci]
    expect(slots == sorted(H100_GAUDI2), f"listed PCI slots {slots}, want {sorted(H100_GAUDI2)}")
    # The dump really holds the devices that must be left out.
    expect(len(set(config) - set(H100_GAUDI2)) == 7, f"dump has {sorted(config)}")
    for d in pci:
        slot = d["slot"]
        want = H100_GAUDI2[slot]
        fields = config_fields(config[slot])
        for k, v in want.items():
            expect(fields[k] == v, f"{slot}: dump says {k}={fields[k]}, test expects {v}")
            expect(d[k] == v, f"{slot}: {k}={d[k]!r}, want {v!r}")
        expect(d["name"] == slot, f"{slot}: name {d['name']!r}")
        # A recorded machine has no NUMA node or bound driver to report.
        expect(d["numa_node"] is None and d["kernel_driver"] is None,
               f"{slot}: numa_node/kernel_driver from a dump: "
               f"{d['numa_node']!r} {d['kernel_driver']!r}")
        if details == "1":
            for k in ("prog_if", "revision", "subsystem_vendor_id", "subsystem_device_id"):
                expect(d[k] == fields[k], f"{slot}: {k}={d[k]!r}, dump says {fields[k]}")
        vendor, device, klass = pci_ids_names(want["vendor_id"], want["device_id"],
                                              want["class_id"])
        expect((d["vendor"], d["device"]) == (vendor, device),
               f"{slot}: names {(d['vendor'], d['device'])} != pci.ids's {(vendor, device)}")
        if vendor and device:
            expect(d["description"] == f"{vendor} {device}", f"{slot}: {d['description']!r}")
        if details == "1":
            expect(d["class"] == klass, f"{slot}: class {d['class']!r}, pci.ids says {klass!r}")


def check_pci_none(doc):
    check_list_shape(doc)
    pci = [d["name"] for d in doc if d["kind"] == "pci"]
    expect(not pci, f"no-accelerator dump listed {pci}")


def check_pci_info(doc, dump, slot):
    expect(isinstance(doc, dict), "info is not one object")
    fields = config_fields(parse_dump(dump)[slot])
    expect(doc["name"] == slot and doc["kind"] == "pci", f"{doc['name']} {doc['kind']}")
    for k in ("vendor_id", "device_id", "class_id", "revision", "prog_if",
              "subsystem_vendor_id", "subsystem_device_id"):
        expect(doc[k] == fields[k], f"{k}={doc[k]!r}, dump says {fields[k]}")
        if k in H100_GAUDI2[slot]:
            expect(doc[k] == H100_GAUDI2[slot][k], f"{k}={doc[k]!r}")


def check_emu_info(doc, header, ref_file):
    expect(isinstance(doc, dict), "info is not one object")
    for k in COMMON_KEYS + ("backend", "abi_version", "isa_version", "caps") + PARAM_INT_KEYS:
        expect(k in doc, f"missing key {k}")
    expect(doc["name"] == "emu" and doc["kind"] == "emu", f"{doc['name']} {doc['kind']}")
    hdr = open(header).read()
    major = re.search(r"#define VACCEL_ABI_VERSION_MAJOR (\d+)", hdr).group(1)
    minor = re.search(r"#define VACCEL_ABI_VERSION_MINOR (\d+)", hdr).group(1)
    expect(doc["abi_version"] == f"{major}.{minor}",
           f"abi_version {doc['abi_version']!r}, header says {major}.{minor}")
    ref = dict(line.strip().split("=", 1) for line in open(ref_file) if "=" in line)
    isa = int(ref["isa_raw"])
    expect(doc["isa_version"] == f"{isa >> 16}.{isa & 0xffff}",
           f"isa_version {doc['isa_version']!r}, libaccel says {isa:#x}")
    cap_bits = {int(b): n.lower() for n, b in
                re.findall(r"#define DRM_VACCEL_CAP_(\w+) \(1ull << (\d+)\)", hdr)}
    caps = int(ref["caps_raw"])
    want = [cap_bits.get(b, f"bit{b}") for b in range(64) if caps >> b & 1]
    expect(doc["caps"] == want, f"caps {doc['caps']}, want {want}")
    for k in PARAM_INT_KEYS:
        expect(doc[k] == int(ref[k]), f"{k}={doc[k]!r}, libaccel says {ref[k]}")


def check_list_details_emu(doc):
    check_list_has_emu(doc)
    expect("abi_version" in doc[0] and "caps" in doc[0], f"-d added no params: {sorted(doc[0])}")


def check_text_table(doc, text_file):
    """The text table of `device list` against its JSON twin."""
    lines = open(text_file).read().splitlines()
    expect(lines and lines[0].split() == ["NAME", "KIND", "DRIVER", "DESCRIPTION"],
           f"header {lines[:1]}")
    rows = lines[1:]
    expect(len(rows) == len(doc), f"{len(rows)} rows for {len(doc)} devices")
    for row, d in zip(rows, doc):
        cols = row.split()
        expect(cols[:2] == [d["name"], d["kind"]], f"row {row!r} for {d['name']}")
        expect(row.rstrip().endswith(d["description"]), f"row {row!r} lacks its description")


def check_same(doc, other_file):
    other = json.load(open(other_file))
    expect(doc == other, "documents differ")


def main():
    try:
        doc = json.load(open(sys.argv[1]))
    except json.JSONDecodeError as e:
        fail(f"output is not JSON: {e}")
    globals()["check_" + sys.argv[2]](doc, *sys.argv[3:])


main()
