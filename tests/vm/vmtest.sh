#!/bin/sh
# Run the tests of tests/vm/vm-tests.txt inside a QEMU VM (TCG) that boots
# Debian's own kernel with the vaccel driver loaded, and print the results as
# KTAP: one "ok N name" / "not ok N name" line per test, then the unload /
# reload and kernel-log checks. Exit 0 only if every step passed.
#
# usage: vmtest.sh MESON_BUILD_DIR
# Environment:
#   KVER            kernel to boot (default: tests/vm/kver.sh)
#   VMTEST_MODULES  driver modules in load order
#                   (default: kmod/vaccel_engine.ko kmod/vaccel.ko)
#   VACCEL_PARAMS   module parameters of the last module, e.g. "job_timeout_ms=2000"
#   VMTEST_FILTER   space-separated test names to run (default: all)
#   VMTEST_TIMEOUT  seconds for the whole VM run (default: 900)
#   VMTEST_DIR      work directory (default: build/vmtest)
#   VMTEST_TALLY    if set, append "vm NAME OK|FAIL|SKIP" lines to this file
#   VMTEST_VERBOSE  if 1, print every test's own output, not only failed ones
#   VMTEST_MANIFEST another test list (default: tests/vm/vm-tests.txt)
# Missing qemu, kernel image or modules is a failure, never a skip: these
# tests are a required part of `make check`.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -eq 1 ] || { echo "usage: $0 MESON_BUILD_DIR" >&2; exit 2; }
build_dir=$(cd "$1" 2>/dev/null && pwd) || { echo "not ok 1 vmtest # no build dir $1 (run 'make build')"; exit 1; }
kver=${KVER:-$("$root/tests/vm/kver.sh")}
modules=${VMTEST_MODULES:-"$root/kmod/vaccel_engine.ko $root/kmod/vaccel.ko"}
work=${VMTEST_DIR:-$root/build/vmtest}
limit=${VMTEST_TIMEOUT:-900}
manifest=${VMTEST_MANIFEST:-$root/tests/vm/vm-tests.txt}

fail() {
	echo "not ok 1 vmtest # $*"
	[ -n "${VMTEST_TALLY:-}" ] && echo "vm harness FAIL" >>"$VMTEST_TALLY"
	exit 1
}

command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
[ -n "$kver" ] && [ -f "/boot/vmlinuz-$kver" ] ||
	fail "no /boot/vmlinuz-$kver (apt-get install linux-image-amd64)"
[ -d "/lib/modules/$kver/kernel" ] || fail "no /lib/modules/$kver/kernel"
for ko in $modules; do
	[ -f "$ko" ] || fail "$ko missing (run 'make kmod')"
	v=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
	[ "$v" = "$kver" ] || fail "$ko is built for '$v', the VM boots $kver (run 'make kmod KVER=$kver')"
done

mkdir -p "$work"
# One run at a time per work dir: a second one would overwrite the initramfs
# and the serial log under the first.
exec 9>"$work/lock"
if ! flock -n 9; then
	echo "# another vmtest run holds $work; waiting for it"
	flock 9
fi
initrd=$work/initramfs.cpio.gz
log=$work/serial.log
# shellcheck disable=SC2086
"$root/tests/vm/mkinitramfs.sh" "$kver" "$build_dir" "$manifest" "$work/root" "$initrd" \
	$modules || fail "cannot build the initramfs"

echo "# booting $kver under TCG: $(du -h "$initrd" | cut -f1) initramfs, log in $log"
start=$(date +%s)
# -cpu max: the test binaries are built for the host and may use AVX/AVX2,
# which TCG emulates only on its "max" CPU model.
timeout -k 10 "$limit" qemu-system-x86_64 -accel tcg -cpu max -m 1G -smp 2 \
	-kernel "/boot/vmlinuz-$kver" -initrd "$initrd" \
	-nographic -no-reboot -append "console=ttyS0 quiet panic=-1" \
	</dev/null >"$log" 2>&1
qemu_rc=$?
secs=$(($(date +%s) - start))

# The VM's own result lines, then whatever the console shows that means the
# kernel died (with "quiet" and printk level 2 only panics and oopses reach
# it, and those are failures whatever the VM managed to report).
tr -d '\r' <"$log" | awk '{ i = index($0, "VMTEST| "); if (i) print substr($0, i + 8) }' \
	>"$work/results.ktap"
# Top-level lines always; a test's own output (indented) only when it failed.
if [ "${VMTEST_VERBOSE:-0}" = 1 ]; then
	cat "$work/results.ktap"
else
	# A test's "# report: ..." lines (measurements) show even when it passed.
	awk '/^ +# report: / { sub(/^ +/, ""); print; next }
		/^ / { held = held $0 "\n"; next }
		/^not ok / { printf "%s", held }
		/^(not )?ok / { held = "" }
		{ print }' "$work/results.ktap"
fi
tr -d '\r' <"$log" | grep -E "Kernel panic|BUG:|Oops|general protection|RIP:" >"$work/console-errors.txt"

status=0
if ! grep -q "^verdict " "$work/results.ktap"; then
	echo "# the VM ended without a verdict (qemu exit $qemu_rc after ${secs}s; limit ${limit}s)"
	echo "# last console lines:"
	# Without the terminal escapes SeaBIOS and the console reset print.
	tr -d '\r' <"$log" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' | tail -n 40 |
		sed 's/^/#   /'
	status=1
fi
if [ -s "$work/console-errors.txt" ]; then
	echo "# kernel errors on the console:"
	sed 's/^/#   /' "$work/console-errors.txt"
	status=1
fi
grep -q "^verdict PASS" "$work/results.ktap" || status=1
grep -q "^not ok " "$work/results.ktap" && status=1

if [ -n "${VMTEST_TALLY:-}" ]; then
	awk '
		/^ok [0-9]+ .* # SKIP/ { print "vm " $3 " SKIP"; next }
		/^ok [0-9]+ / { print "vm " $3 " OK"; next }
		/^not ok [0-9]+ / { print "vm " $4 " FAIL" }' "$work/results.ktap" >>"$VMTEST_TALLY"
	[ $status -ne 0 ] && ! grep -q "^not ok " "$work/results.ktap" &&
		echo "vm vm-run FAIL" >>"$VMTEST_TALLY"
fi
echo "# vmtest: $([ $status -eq 0 ] && echo PASS || echo FAIL) in ${secs}s"
exit $status
