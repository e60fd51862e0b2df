#!/bin/sh
# Build the modules as the kernel builds them (kmod/Kbuild: vaccel_engine.ko,
# the engine/ files, and vaccel.ko, the DRM driver) against Debian's
# linux-headers, in a scratch copy of the tree, and fail if the compiler
# warned, if modpost found an undefined symbol, or if a module needs a symbol
# that neither the kernel nor the modules it may depend on export (checked
# against the headers' Module.symvers: vmlinux, drm, drm_shmem_helper,
# gpu-sched; vaccel.ko may also use vaccel_engine.ko). Exit 77 (skip)
# without headers.
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
find "$work" \( -name '*.o' -o -name '*.cmd' -o -name '*.ko' -o -name '*.mod' \
	-o -name '*.mod.c' -o -name '*.symvers' -o -name '*.order' \) -delete
log="$work/build.log"
if ! make -C "$kdir" M="$work" modules >"$log" 2>&1; then
	cat "$log"
	echo "FAIL: the modules do not build"
	exit 1
fi
cat "$log"
if grep -E "undefined!|warning:" "$log" >/dev/null; then
	echo "FAIL: undefined symbols or compiler warnings in the kernel build (above)"
	exit 1
fi
for ko in vaccel_engine vaccel; do
	[ -f "$work/kmod/$ko.ko" ] || { echo "FAIL: no $ko.ko"; exit 1; }
done

# Every export the modules may use, as "symbol provider": the kernel's and
# its modules' (the headers' Module.symvers) and vaccel_engine.ko's.
ksyms="$kdir/Module.symvers"
[ -f "$ksyms" ] || { echo "FAIL: no $ksyms"; exit 1; }
cat "$ksyms" "$work/Module.symvers" | awk '{print $2, $3}' | sed "s| $work/| |" >"$work/exports"
status=0
check_module() { # check_module KO ALLOWED-PROVIDER-REGEX
	ko=$1
	allowed=$2
	nm -u "$work/kmod/$ko.ko" | awk '{print $2}' >"$work/$ko.needs"
	missing=$(awk -v allowed="$allowed" '
		FILENAME == ARGV[1] { if ($2 ~ allowed) have[$1] = $2; next }
		!($1 in have) { print "  " $1 }
		' "$work/exports" "$work/$ko.needs")
	if [ -n "$missing" ]; then
		echo "FAIL: $ko.ko needs symbols no allowed module exports:"
		echo "$missing"
		status=1
		return
	fi
	echo "PASS: $ko.ko built; the kernel symbols it needs, by provider:"
	awk '
		FILENAME == ARGV[1] { from[$1] = $2; next }
		{ n[from[$1]]++ }
		END { for (m in n) printf "  %-40s %d\n", m, n[m] }
		' "$work/exports" "$work/$ko.needs" | sort
}
check_module vaccel_engine '^vmlinux$'
check_module vaccel '^(vmlinux|drivers/gpu/drm/drm|drivers/gpu/drm/drm_shmem_helper|drivers/gpu/drm/scheduler/gpu-sched|kmod/vaccel_engine)$'
deps=$(modinfo -F depends "$work/kmod/vaccel.ko")
echo "vaccel.ko depends on: $deps"
exit $status
