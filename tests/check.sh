#!/bin/sh
# Run every test suite and end with the tally line CI counts:
#   N passed, N failed[, N skipped]
# usage: tests/check.sh MESON_DIR ASAN_DIR FUZZ_DIR FUZZ_SECONDS
set -u
meson_dir=$1 asan_dir=$2 fuzz_dir=$3 fuzz_secs=$4
root=$(cd "$(dirname "$0")/.." && pwd)
tally=$(mktemp)
trap 'rm -f "$tally"' EXIT

# One line per test result: "<suite> <name> OK|FAIL|SKIP".
run_meson() {
	label=$1 dir=$2
	shift 2
	echo "=== $label: meson test ($dir)"
	env "$@" meson test -C "$dir" --num-processes 2 --print-errorlogs || true
	python3 - "$dir/meson-logs/testlog.json" "$label" >>"$tally" <<'PY'
import json, sys
path, label = sys.argv[1], sys.argv[2]
try:
    lines = open(path).read().splitlines()
except OSError:
    print(f"{label} testlog-missing FAIL")
    sys.exit(0)
for line in lines:
    r = json.loads(line)
    res = r["result"]
    verdict = "OK" if res in ("OK", "EXPECTEDFAIL") else "SKIP" if res == "SKIP" else "FAIL"
    print(f"{label} {r['name'].replace(' ', '_')} {verdict}")
PY
}

run_meson default "$meson_dir"
run_meson asan+ubsan "$asan_dir" \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# The engine built as the kernel builds it (kmod/Kbuild).
echo "=== kbuild: engine as a kernel module"
"$root/tests/kbuild/engine-kbuild.sh" "${KDIR:-}"
case $? in
0) echo "kbuild engine-kbuild OK" >>"$tally" ;;
77) echo "kbuild engine-kbuild SKIP" >>"$tally" ;;
*) echo "kbuild engine-kbuild FAIL" >>"$tally" ;;
esac

# libFuzzer targets, each for a bounded time, seeded from tests/fuzz/corpus/.
for fuzzer in "$fuzz_dir"/tests/fuzz/fuzz-*; do
	# Only the fuzzer binaries: meson also leaves fuzz-*.p object folders here.
	[ -f "$fuzzer" ] && [ -x "$fuzzer" ] || continue
	name=$(basename "$fuzzer")
	corpus=$(mktemp -d)
	seeds="$root/tests/fuzz/corpus/$name"
	[ -d "$seeds" ] || seeds=
	echo "=== fuzz: $name for ${fuzz_secs}s"
	if "$fuzzer" -max_total_time="$fuzz_secs" -print_final_stats=1 \
		-artifact_prefix="$fuzz_dir/$name-" "$corpus" $seeds \
		>"$fuzz_dir/$name.log" 2>&1; then
		echo "fuzz $name OK" >>"$tally"
		grep -E "stat::number_of_executed_units|stat::peak_rss" "$fuzz_dir/$name.log"
	else
		tail -n 60 "$fuzz_dir/$name.log"
		echo "fuzz $name FAIL" >>"$tally"
	fi
	rm -rf "$corpus"
done

# The kernel driver in a QEMU VM (tests/vm/): its kselftests, the ioctl
# fuzzer and unload/reload. Required: a missing module or qemu is a FAIL.
echo "=== vm: kernel driver tests under QEMU"
# $VM_BUILD_DIR: a build without AVX-512 (TCG has none); the Makefile sets it.
VMTEST_TALLY="$tally" "$root/tests/vm/vmtest.sh" "${VM_BUILD_DIR:-$meson_dir}"
# And that the harness itself can fail: failing, hanging and kernel-warning
# scripts must be reported as such (one short boot).
echo "=== vm: harness self-test"
if "$root/tests/vm/harness-selftest.sh"; then
	echo "vm harness-selftest OK" >>"$tally"
else
	echo "vm harness-selftest FAIL" >>"$tally"
fi

echo "=== results"
grep -E " (FAIL)$" "$tally" | sed 's/^/FAILED: /'
passed=$(grep -c " OK$" "$tally")
failed=$(grep -c " FAIL$" "$tally")
skipped=$(grep -c " SKIP$" "$tally")
echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
