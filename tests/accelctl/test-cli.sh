#!/bin/sh
# SPDX-License-Identifier: MIT
# test-cli.sh - accelctl end to end: JSON and text output of `device list`
# and `device info` against recorded PCI dumps (data/) and libaccel's emu
# device, and the error cases (exit 1, a message on stderr, nothing on
# stdout). JSON checks live in check_json.py next to this file.
#
# usage: test-cli.sh ACCELCTL DATA_DIR EMU_PARAMS VACCEL_DRM_H
# Prints one ok/not ok line per case; exits 0 if all passed, 1 otherwise.
set -u
ac=$1 data=$2 emu_params=$3 drm_h=$4
here=$(cd "$(dirname "$0")" && pwd)
h100=$data/h100-gaudi2.lspci
none=$data/no-accel.lspci
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0 rc=0

# run ARGS...: accelctl's stdout, stderr and exit status.
run() {
	last="$*"
	"$ac" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# result STATUS NAME [REASON_FILE]
result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
		return
	fi
	failed=$((failed + 1))
	echo "not ok $n $2"
	echo "# accelctl $last -> exit $rc"
	[ $# -ge 3 ] && sed 's/^/# /' "$3"
	sed 's/^/# stderr: /' "$tmp/err"
}

# jcheck NAME CHECK [ARGS...]: the last run succeeded and check_CHECK holds.
jcheck() {
	name=$1
	shift
	: >"$tmp/why"
	[ "$rc" -eq 0 ] && python3 "$here/check_json.py" "$tmp/out" "$@" >"$tmp/why" 2>&1
	result $? "$name" "$tmp/why"
}

# expect_fail NAME STDERR_REGEX ARGS...: exit 1, a matching message, no stdout.
expect_fail() {
	name=$1 pattern=$2
	shift 2
	run "$@"
	[ "$rc" -eq 1 ] && grep -Eq "$pattern" "$tmp/err" && [ ! -s "$tmp/out" ]
	result $? "$name"
}

# --- device list -------------------------------------------------------------
run -j device list
jcheck list_json_has_emu list_has_emu
cp "$tmp/out" "$tmp/list.json"

run device list
cp "$tmp/out" "$tmp/list.txt"
run -j device list
jcheck list_text_table_matches_json text_table "$tmp/list.txt"

run -j -p device list
jcheck list_pretty_same_document same "$tmp/list.json"
grep -q '^  {' "$tmp/out"
result $? list_pretty_is_indented

run -j dev l
jcheck list_abbreviated_words same "$tmp/list.json"

run -j -d device list
jcheck list_details_has_params list_details_emu

run -j --pci-dump "$h100" device list
jcheck list_pci_dump_two_accelerators pci_dump_list "$h100"

# Options may also follow the words.
run device list -d --pci-dump "$h100" --json
jcheck list_pci_dump_details pci_dump_list "$h100" 1

run --pci-dump "$h100" device list
cp "$tmp/out" "$tmp/h100.txt"
run -j --pci-dump "$h100" device list
jcheck list_pci_dump_text_table text_table "$tmp/h100.txt"

run -j --pci-dump "$none" device list
jcheck list_pci_dump_no_accelerators pci_none

# --- device info -------------------------------------------------------------
"$emu_params" >"$tmp/emu-params" 2>"$tmp/emu-params.err"
if [ $? -ne 0 ]; then
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n emu_params_reference"
	sed 's/^/# /' "$tmp/emu-params.err"
fi
run device info emu -j
jcheck info_emu_params emu_info "$drm_h" "$tmp/emu-params"

run device info emu
[ "$rc" -eq 0 ] && head -n1 "$tmp/out" | grep -q '^NAME ' &&
	sed -n 2p "$tmp/out" | grep -q '^emu ' &&
	grep -Eq '^    abi_version +[0-9]+\.[0-9]+$' "$tmp/out" &&
	grep -Eq '^    mem_used +[0-9]+$' "$tmp/out"
result $? info_emu_text

run -j --pci-dump "$h100" device info 18:00.0
jcheck info_pci_short_slot pci_info "$h100" 0000:18:00.0
run -j --pci-dump "$h100" device info 0001:9a:00.0
jcheck info_pci_domain_slot pci_info "$h100" 0001:9a:00.0
run -j --pci-dump "$h100" device info 0001:9A:00.0
jcheck info_pci_uppercase_slot pci_info "$h100" 0001:9a:00.0

# --- errors: exit 1, a clear message, nothing on stdout -----------------------
expect_fail err_no_command 'Usage: accelctl'
expect_fail err_unknown_command "unknown command 'bogus'" bogus
expect_fail err_unknown_device_command "unknown device command 'frob'" device frob
expect_fail err_help 'Usage: accelctl' help
expect_fail err_device_help 'Usage: accelctl .*device' device help
expect_fail err_option_help 'Usage: accelctl' -h
expect_fail err_unknown_option "unknown option '-z'" -z device list
expect_fail err_missing_argument 'needs a device name' device info
expect_fail err_missing_option_argument "needs an argument" device list --pci-dump
expect_fail err_extra_argument "takes one device" device info emu emu
expect_fail err_list_argument "takes no argument" device list emu
expect_fail err_unknown_device "device 'nosuchdev' not found" -j device info nosuchdev
expect_fail err_unknown_drm_node "not found" device info /dev/dri/renderD4095
expect_fail err_unknown_drm_name "not found" device info drm:/dev/dri/renderD4095
expect_fail err_not_drm "not a DRM device" device info /dev/null
expect_fail err_unknown_slot "not found" --pci-dump "$h100" device info 0000:19:00.0
expect_fail err_bad_function "device '0000:18:00.8' not found" --pci-dump "$h100" device info 0000:18:00.8
expect_fail err_bad_slot_sign "device '18:-0.0' not found" --pci-dump "$h100" device info 18:-0.0
expect_fail err_slot_not_accelerator "0000:17:00.0 is not an accelerator \(class 0604, PCI bridge\)" \
	--pci-dump "$h100" device info 17:00.0
expect_fail err_nic_not_accelerator "not an accelerator" \
	--pci-dump "$h100" device info 0000:41:00.1
expect_fail err_vga_not_accelerator "not an accelerator" --pci-dump "$none" device info 00:02.0
expect_fail err_missing_dump "cannot read PCI dump .*/missing.lspci" \
	-j --pci-dump "$tmp/missing.lspci" device list

run -V
[ "$rc" -eq 0 ] && grep -q '^accelctl [0-9]' "$tmp/out"
result $? version

echo "# $n cases, $failed failed"
[ "$failed" -eq 0 ]
