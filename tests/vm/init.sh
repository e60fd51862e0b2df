#!/bin/sh
# /init of the vaccel test VM; tests/vm/mkinitramfs.sh installs it and writes
# /vmtest.conf (module lists, default module parameters, build dir, filter).
#
# Loads the modules, runs every test of /vm-tests.txt with its own timeout and
# reports each as a KTAP line, scans the kernel log after every step, unloads
# the driver and checks it is gone, reloads it, runs the @smoke tests again,
# unloads it again, and ends with a verdict line. Every line meant for the
# host starts with "VMTEST| " so tests/vm/vmtest.sh can tell it from kernel
# console output on the same serial line.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# No tmpfs over /tmp: the initramfs root is already writable memory, and
# the test binaries keep their host paths, which may lie under /tmp (a
# checkout in /tmp/...): a mount there would hide them.
chmod 1777 /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# Only emergency and alert messages (panics, oopses) on the console, so
# they cannot break up the result lines; everything else is read from the
# kernel log buffer after each step.
echo 2 >/proc/sys/kernel/printk

. /vmtest.conf
DEFAULT_TIMEOUT=60
# Kernel log lines that fail the step they appear in.
KLOG_BAD='(^|[^A-Za-z_])BUG|WARNING|Oops|general protection|refcount_t|list_add corruption|list_del corruption|RIP:|Call Trace|soft lockup|blocked for more than|rcu_.*stall|UBSAN|page allocation failure'
# Taint bits that mean the kernel went wrong: B (bad page), D (oops),
# W (warning), L (soft lockup).
TAINT_BAD=$((32 | 128 | 512 | 16384))

say() { echo "VMTEST| $*"; }
indent() { sed 's/^/VMTEST|     /'; }

n=0
failed=0
result() { # ok|fail|skip NAME [REASON]
	n=$((n + 1))
	case $1 in
	ok) say "ok $n $2" ;;
	skip) say "ok $n $2 # SKIP ${3:-}" ;;
	*) say "not ok $n $2${3:+ # $3}"; failed=$((failed + 1)) ;;
	esac
}

# Split one manifest line (already word-split into "$@") into NAME, TIMEOUT,
# PARAMS, SMOKE, ENVS, CMD; BAD says what is wrong with it.
parse() {
	NAME=$1
	shift
	TIMEOUT=$DEFAULT_TIMEOUT PARAMS= SMOKE= ENVS= CMD= BAD=
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		case $1 in
		@timeout=*) TIMEOUT=${1#@timeout=} ;;
		@params=*) PARAMS=$(echo "${1#@params=}" | tr , ' ') ;;
		@smoke) SMOKE=1 ;;
		@*) BAD="unknown option $1" ;;
		*=*) ENVS="$ENVS $1" ;;
		*) BAD="'$1' is not VAR=VALUE" ;;
		esac
		shift
	done
	[ "${1:-}" = "--" ] && [ $# -ge 2 ] || BAD="no '-- BINARY'"
	shift
	CMD="./$*" # BINARY is relative to the build dir, the cwd
	case $TIMEOUT in '' | *[!0-9]*) BAD="bad @timeout" ;; esac
}

selected() {
	[ -z "$FILTER" ] && return 0
	case " $FILTER " in *" $1 "*) return 0 ;; esac
	return 1
}

# Call FN for every selected manifest line, with the line's fields set.
for_each_test() {
	set -f
	while read -r line; do
		case $line in '' | '#'*) continue ;; esac
		# shellcheck disable=SC2086
		parse $line
		selected "$NAME" && "$@"
	done </vm-tests.txt
	set +f
}

# New kernel log lines since the last call: saved, scanned, and on a hit
# printed under the current step. Returns 1 on a hit.
klog_clean() {
	dmesg -c >/tmp/klog.step
	cat /tmp/klog.step >>/tmp/klog.all
	if grep -Eq "$KLOG_BAD" /tmp/klog.step; then
		say "# kernel log of this step:"
		tail -n 120 /tmp/klog.step | indent
		return 1
	fi
	return 0
}

last_driver() { for m in $DRIVER_MODULES; do :; done; echo "$m"; }

load_driver() { # PARAMS of the last module
	last=$(last_driver)
	for m in $DRIVER_MODULES; do
		p=
		[ "$m" = "$last" ] && p=$*
		# shellcheck disable=SC2086
		insmod "/modules/$m.ko" $p || { say "# insmod $m $p failed"; return 1; }
	done
	case " $DRIVER_MODULES " in
	*" vaccel "*)
		# devtmpfs creates the node when the device registers.
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			# No glob here: for_each_test runs with globbing off (set -f).
			ls /dev/dri 2>/dev/null | grep -q '^renderD' && return 0
			sleep 1
		done
		say "# vaccel loaded but no /dev/dri/renderD* appeared; /dev/dri: $(ls /dev/dri 2>&1)"
		dmesg | tail -n 20 | indent
		return 1
		;;
	esac
	return 0
}

unload_driver() {
	rev=
	for m in $DRIVER_MODULES; do rev="$m $rev"; done
	for m in $rev; do
		timeout -s KILL 30 rmmod "$m" || { say "# rmmod $m failed"; return 1; }
		if [ -d "/sys/module/$m" ] || grep -q "^$m " /proc/modules; then
			say "# $m is still loaded after rmmod"
			return 1
		fi
	done
	return 0
}

# Kill whatever a test left running (its children outliving it, or all of
# it after a timeout, since timeout kills only the process it started) so
# the next step starts clean and an unload is not held up by a stray open
# file. Sets $killed. Call it directly, never in $(...): that subshell would
# be a process of init's too.
kill_leftovers() {
	set +f
	killed=0
	for d in /proc/[0-9]*; do # no subshell runs here: none is ours
		pid=${d#/proc/}
		[ "$pid" = 1 ] && continue
		ppid=
		while read -r key val; do
			[ "$key" = PPid: ] && { ppid=$val; break; }
		done <"$d/status" 2>/dev/null
		# Kernel threads are kthreadd (2) and its children.
		[ -z "$ppid" ] || [ "$pid" = 2 ] || [ "$ppid" = 2 ] && continue
		read -r comm <"$d/comm" 2>/dev/null
		# busybox timeout's watcher lingers up to a second after the test
		# ended; it is ours, not the test's.
		if [ "$comm" = timeout ]; then
			kill -9 "$pid" 2>/dev/null
			continue
		fi
		kill -9 "$pid" 2>/dev/null && killed=$((killed + 1))
	done
	set -f
}

# Run the current test (parse() fields) and report it as LABEL.
run_test() { # LABEL
	label=$1
	if [ -n "$BAD" ]; then
		result fail "$label" "bad manifest line: $BAD"
		return
	fi
	klog_clean >/dev/null
	if [ -n "$PARAMS" ]; then
		if ! unload_driver || ! load_driver $PARAMS; then
			klog_clean
			result fail "$label" "cannot reload the driver with: $PARAMS"
			return
		fi
	fi
	start=$(date +%s)
	# shellcheck disable=SC2086
	(cd "$BUILD_DIR" && exec env $ENVS timeout -s KILL "$TIMEOUT" $CMD) \
		</dev/null >/tmp/test.out 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	indent </tmp/test.out
	say "# $label: exit $rc after ${secs}s"
	why=
	[ $rc -eq 137 ] && why="timed out after ${TIMEOUT}s"
	kill_leftovers
	[ $killed -gt 0 ] && why="${why:+$why; }left $killed processes running"
	[ -n "$PARAMS" ] && { unload_driver && load_driver $DRIVER_PARAMS ||
		why="${why:+$why; }driver reload after the test failed"; }
	klog_clean || why="${why:+$why; }kernel log has errors"
	if [ -n "$why" ]; then
		result fail "$label" "$why"
	elif [ $rc -eq 0 ]; then
		result ok "$label"
	elif [ $rc -eq 77 ] || [ $rc -eq 4 ]; then
		result skip "$label" "the test skipped"
	else
		result fail "$label" "exit status $rc"
	fi
}

count_test() { ntests=$((ntests + 1)); [ -n "$SMOKE" ] && nsmoke=$((nsmoke + 1)); }
run_main() { run_test "$NAME"; }
run_smoke() { [ -n "$SMOKE" ] && run_test "$NAME-after-reload"; }

ntests=0 nsmoke=0
for_each_test count_test
taint0=$(cat /proc/sys/kernel/tainted)
# Boot messages are kept apart and not judged: they predate our modules.
dmesg -c >/tmp/klog.boot
: >/tmp/klog.all

say "TAP version 13"
say "1..$((ntests + nsmoke + 6))"
say "# kernel $(uname -r), $(nproc) CPUs, driver: $DRIVER_MODULES ${DRIVER_PARAMS:+($DRIVER_PARAMS)}"
grep -Eq "$KLOG_BAD" /tmp/klog.boot && say "# note: the boot log (before any module) already has error lines"

ok=1
for m in $BASE_MODULES; do
	insmod "/modules/$m.ko" || { say "# insmod $m failed"; ok=; }
done
[ -n "$ok" ] && load_driver $DRIVER_PARAMS || ok=
klog_clean || ok=
[ -n "$ok" ] && result ok load-modules || result fail load-modules

for_each_test run_main

unload_driver && klog_clean && result ok unload || result fail unload
load_driver $DRIVER_PARAMS && klog_clean && result ok reload || result fail reload
for_each_test run_smoke
unload_driver && klog_clean && result ok final-unload || result fail final-unload

klog_clean >/dev/null
if grep -Eq "$KLOG_BAD" /tmp/klog.all; then
	result fail kernel-log "errors in the kernel log (shown under their step)"
else
	result ok kernel-log
fi
taint=$(cat /proc/sys/kernel/tainted)
if [ $(((taint & ~taint0) & TAINT_BAD)) -ne 0 ]; then
	result fail kernel-taint "tainted $taint0 -> $taint"
else
	result ok kernel-taint
fi

if [ $failed -eq 0 ]; then say "verdict PASS"; else say "verdict FAIL ($failed failed)"; fi
poweroff -f
