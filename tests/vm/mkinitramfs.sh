#!/bin/sh
# Build the test VM's initramfs (newc cpio, gzip) for tests/vm/vmtest.sh.
#
# It holds busybox-static, /init (tests/vm/init.sh), the kernel modules the
# driver needs from /lib/modules/$KVER (dependencies resolved recursively with
# modinfo, listed in load order), the driver's own .ko files, the manifest
# (tests/vm/vm-tests.txt), every test binary it names and every shared
# library those binaries load (ldd). Binaries and libraries keep their host
# paths, so $ORIGIN-relative rpaths resolve inside the VM exactly as on the
# host.
#
# usage: mkinitramfs.sh KVER BUILD_DIR MANIFEST STAGING OUTPUT KO...
#   KVER       kernel version whose modules go in
#   BUILD_DIR  absolute meson build dir the manifest's binaries are relative to
#   MANIFEST   the test list (format: see tests/vm/vm-tests.txt)
#   STAGING    scratch directory, emptied first
#   OUTPUT     the .cpio.gz to write
#   KO...      the driver's modules, in load order (vaccel_engine.ko vaccel.ko)
# Environment: VACCEL_PARAMS (default module parameters of the last KO),
# VMTEST_FILTER (space-separated test names to run; empty: all).
set -eu
[ $# -ge 6 ] || { echo "usage: $0 KVER BUILD_DIR MANIFEST STAGING OUTPUT KO..." >&2; exit 2; }
kver=$1 build_dir=$2 manifest=$3 staging=$4 output=$5
shift 5
here=$(cd "$(dirname "$0")" && pwd)
moddir=/lib/modules/$kver

die() { echo "mkinitramfs: $*" >&2; exit 1; }

rm -rf "$staging"
mkdir -p "$staging/bin" "$staging/proc" "$staging/sys" "$staging/dev" "$staging/tmp" \
	"$staging/modules"

# busybox-static and a link per applet.
busybox=$(command -v busybox) || die "busybox not found (apt-get install busybox-static)"
ldd "$busybox" >/dev/null 2>&1 && die "$busybox is dynamic; install busybox-static"
cp "$busybox" "$staging/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$staging/bin/$applet"
done
ln -s bin "$staging/sbin"

# Copy a file to the same absolute path under the staging root, following
# symlinks (alternatives, soname links) to the real contents.
copy_abs() {
	mkdir -p "$staging$(dirname "$1")"
	[ -e "$staging$1" ] || cp -L "$1" "$staging$1"
}

# The shared libraries a binary loads, the dynamic loader included.
copy_libs() {
	ldd "$1" 2>/dev/null | awk '
		$2 == "=>" && $3 ~ /^\// { print $3 }
		$1 ~ /^\// { print $1 }' | while read -r lib; do
		copy_abs "$lib"
	done
	if ldd "$1" 2>/dev/null | grep -q "not found"; then
		ldd "$1" >&2
		die "$1 needs a library that is not installed"
	fi
}

# Kernel modules from $moddir the driver depends on, dependencies first.
# A module already listed is not listed twice; the driver's own modules
# (given as KO arguments) are not looked up in $moddir.
local_names=
for ko in "$@"; do
	[ -f "$ko" ] || die "$ko is missing (run 'make kmod')"
	local_names="$local_names $(basename "$ko" .ko | tr - _)"
done
order=
resolve() {
	local name path out dep
	name=$(echo "$1" | tr - _)
	case " $local_names $order " in *" $name "*) return 0 ;; esac
	path=$(modinfo -k "$kver" -n "$name" 2>/dev/null) || die "module $name not in $moddir"
	case $path in
	/*) ;;
	*) return 0 ;; # "(builtin)": nothing to load
	esac
	for dep in $(modinfo -k "$kver" -F depends "$name" | tr ',' ' '); do
		resolve "$dep"
	done
	case " $order " in *" $name "*) return 0 ;; esac
	out="$staging/modules/$name.ko"
	case $path in
	*.ko) cp "$path" "$out" ;;
	*.ko.xz) xz -dc "$path" >"$out" ;;
	*.ko.zst) zstd -qdc "$path" >"$out" ;;
	*.ko.gz) gzip -dc "$path" >"$out" ;;
	*) die "unknown module format: $path" ;;
	esac
	order="$order $name"
}
for ko in "$@"; do
	for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
		resolve "$dep"
	done
done
driver=
for ko in "$@"; do
	name=$(basename "$ko" .ko | tr - _)
	cp "$ko" "$staging/modules/$name.ko"
	driver="$driver $name"
done

# The manifest, its binaries and their libraries.
cp "$manifest" "$staging/vm-tests.txt"
set -f
while read -r line; do
	case $line in '' | '#'*) continue ;; esac
	# shellcheck disable=SC2086
	set -- $line
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do shift; done
	[ $# -ge 2 ] || die "manifest line has no '-- BINARY': $line"
	bin="$build_dir/$2"
	[ -x "$bin" ] || die "$bin is missing (run 'make build')"
	copy_abs "$bin"
	copy_libs "$bin"
done <"$manifest"
set +f

cp "$here/init.sh" "$staging/init"
chmod +x "$staging/init"
cat >"$staging/vmtest.conf" <<CONF
BASE_MODULES="$order"
DRIVER_MODULES="$driver"
DRIVER_PARAMS="${VACCEL_PARAMS:-}"
BUILD_DIR="$build_dir"
FILTER="${VMTEST_FILTER:-}"
CONF

(cd "$staging" && find . | cpio -o -H newc --quiet) | gzip -1 >"$output"
