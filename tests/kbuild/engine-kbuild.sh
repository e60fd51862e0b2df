#!/bin/sh
# Build engine/ as the kernel builds it (kmod/Kbuild: vaccel_engine.ko) against
# Debian's linux-headers, in a scratch copy of the tree, and fail if the module
# needs any symbol the kernel does not export (a libc or libm call crept into
# the engine) or if the compiler warned. Exit 77 (skip) without headers.
# usage: engine-kbuild.sh KDIR
set -u
kdir=${1:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "$kdir" ] || [ ! -e "$kdir/Makefile" ]; then
	echo "SKIP: no kernel headers at '$kdir' (install linux-headers-amd64)"
	exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/Kbuild" "$root/kmod" "$root/engine" "$root/include" "$work/"
find "$work" \( -name '*.o' -o -name '*.cmd' -o -name '*.ko' \) -delete
log="$work/build.log"
if ! make -C "$kdir" M="$work" modules >"$log" 2>&1; then
	cat "$log"
	echo "FAIL: the engine does not build as a kernel module"
	exit 1
fi
cat "$log"
if grep -E "undefined!|warning:" "$log" >/dev/null; then
	echo "FAIL: undefined symbols or compiler warnings in the kernel build (above)"
	exit 1
fi
[ -f "$work/kmod/vaccel_engine.ko" ] || { echo "FAIL: no vaccel_engine.ko"; exit 1; }
echo "PASS: vaccel_engine.ko built; it needs only these kernel symbols:"
nm -u "$work/kmod/vaccel_engine.ko" | awk '{print "  " $2}'
exit 0
