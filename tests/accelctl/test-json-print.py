#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Parse test-json-print's documents back with Python's json module and check
every string against its original bytes, decoded by Python (invalid UTF-8
becomes U+FFFD per maximal subpart, as the writer promises).

usage: test-json-print.py PROGRAM
Prints one ok/not ok line per case; exits 0 when all passed, 1 otherwise.
"""
import json
import subprocess
import sys

prog = sys.argv[1]
failures = 0
cases = 0


def case(name, ok, detail=""):
    global failures, cases
    cases += 1
    if not ok:
        failures += 1
        print(f"# {name}: {detail}", file=sys.stderr)
    print(f"{'ok' if ok else 'not ok'} {cases} {name}")


def run(mode):
    out = subprocess.run([prog, mode], stdout=subprocess.PIPE, check=True).stdout
    return out


docs = {}
for mode in ("compact", "pretty"):
    raw = run(mode)
    try:
        text = raw.decode("utf-8")  # strict: the writer must emit valid UTF-8
        docs[mode] = json.loads(text)
        case(f"{mode}_parses", True)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        case(f"{mode}_parses", False, str(e))
        continue
    case(f"{mode}_one_line_per_document",
         text.endswith("\n") and (mode == "pretty" or text.count("\n") == 1),
         repr(text[-40:]))
    case(f"{mode}_empty_containers_compact",
         '"empty_array":[]' in text.replace(" ", "")
         and '"empty_object":{}' in text.replace(" ", ""),
         "an empty array or object spans lines")
    case(f"{mode}_ascii_controls_escaped",
         all(ord(c) >= 0x20 and c != "\x7f" for c in text.replace("\n", "")),
         "raw control character in output")

for mode, doc in docs.items():
    bad = []
    for c in doc["cases"]:
        want = bytes.fromhex(c["hex"]).decode("utf-8", errors="replace")
        if c["value"] != want:
            bad.append((c["hex"], c["value"], want))
    case(f"{mode}_strings_roundtrip ({len(doc['cases'])} strings)", not bad,
         f"{len(bad)} differ, first: {bad[:1]}")
    case(f"{mode}_key_escaped", doc.get('key "with" \\ and\n') == "k", repr(list(doc)[:3]))
    case(f"{mode}_numbers",
         doc["u64_max"] == 2**64 - 1 and doc["uint"] == 4000000000 and doc["int_min"] == -2**31,
         repr((doc["u64_max"], doc["uint"], doc["int_min"])))
    case(f"{mode}_bool_null",
         doc["yes"] is True and doc["no"] is False and doc["nothing"] is None
         and doc["null_string"] is None)
    case(f"{mode}_empty_and_nested",
         doc["empty_array"] == [] and doc["empty_object"] == {}
         and doc["nested"] == [[{"deep": 3}]])

if len(docs) == 2:
    case("pretty_equals_compact", docs["pretty"] == docs["compact"])

text = run("text").decode("utf-8")
want = f"<x>[z] 7 {2**64 - 1} -5 yes n/a - {{e}}\n"
case("text_mode_uses_formats_only", text == want, f"{text!r} != {want!r}")

print(f"# {cases} cases, {failures} failed")
sys.exit(1 if failures else 0)
