#!/bin/sh
# Check that the VM harness can fail: boot it once with a manifest of scripts
# that pass, fail, skip, hang past their timeout and put a WARNING in the
# kernel log, and check each is reported as it must be; then check that a
# missing module fails the run before any boot.
# usage: harness-selftest.sh   (exit 0: the harness judged every case right)
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$root/build/vmtest-selftest
# Not under /tmp: the VM mounts a tmpfs there, hiding what the initramfs holds.
bin=$work/bin
rm -rf "$work"
mkdir -p "$bin"
script() { printf '#!/bin/sh\n%s\n' "$2" >"$bin/$1" && chmod +x "$bin/$1"; }
script pass.sh 'exit 0'
script fail.sh 'echo "this one fails"; exit 1'
script skip.sh 'exit 77'
script hang.sh 'sleep 600'
script envcheck.sh 'test "$FOO" = bar'
script kwarn.sh 'echo "<4>WARNING: CPU: 0 PID: 1 at fake.c:1 harness_selftest" >/dev/kmsg'
cat >"$work/manifest.txt" <<'LIST'
# harness self-test
pass @smoke -- pass.sh
fail -- fail.sh
skip -- skip.sh
hang @timeout=2 -- hang.sh
kwarn -- kwarn.sh
env-ok FOO=bar -- envcheck.sh
LIST

bad=0
expect() { # PATTERN (grep -E, anchored) in the results
	if grep -Eq "^$1" "$work/vm/results.ktap"; then
		echo "ok: $1"
	else
		echo "MISSING: $1"
		bad=1
	fi
}

VMTEST_MANIFEST=$work/manifest.txt VMTEST_DIR=$work/vm "$root/tests/vm/vmtest.sh" "$bin" \
	>"$work/out.txt" 2>&1
rc=$?
[ $rc -eq 1 ] && echo "ok: exit status 1" || { echo "WRONG: exit status $rc, not 1"; bad=1; }
expect "ok 1 load-modules$"
expect "ok 2 pass$"
expect "not ok 3 fail # exit status 1$"
expect "ok 4 skip # SKIP"
# timeout kills the script; its sleep is left over and must be killed too.
expect "not ok 5 hang # timed out after 2s; left 1 processes running$"
expect "not ok 6 kwarn # kernel log has errors$"
expect "ok 7 env-ok$"
expect "ok 8 unload$"
expect "ok 9 reload$"
expect "ok 10 pass-after-reload$"
expect "ok 11 final-unload$"
expect "not ok 12 kernel-log"
expect "verdict FAIL"
grep -q "this one fails" "$work/out.txt" && echo "ok: a failed test's output is shown" ||
	{ echo "MISSING: the failed test's output"; bad=1; }

VMTEST_MODULES=$work/no-such-module.ko VMTEST_MANIFEST=$work/manifest.txt \
	VMTEST_DIR=$work/vm "$root/tests/vm/vmtest.sh" "$bin" >"$work/out2.txt" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "^not ok 1 vmtest # .*no-such-module.ko missing" "$work/out2.txt"; then
	echo "ok: a missing module fails the run"
else
	echo "WRONG: a missing module gave exit $rc:"
	cat "$work/out2.txt"
	bad=1
fi
[ $bad -eq 0 ] || { echo "--- vmtest output:"; cat "$work/out.txt"; }
exit $bad
