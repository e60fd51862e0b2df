#!/bin/sh
# Print the kernel version to build the module against and to boot in the test
# VM: the newest one with both a bootable image (/boot/vmlinuz-V) and a build
# tree (/lib/modules/V/build). Without any such pair, the newest build tree
# alone (enough for `make kmod`; tests/vm/vmtest.sh then says what is missing).
# Never a hard-coded version: Debian's linux-image-amd64 moves on.
set -u
both= build_only=
for dir in /lib/modules/*/build; do
	[ -e "$dir/Makefile" ] || continue
	v=${dir#/lib/modules/}
	v=${v%/build}
	build_only="$build_only$v
"
	[ -f "/boot/vmlinuz-$v" ] && both="$both$v
"
done
pick=$(printf '%s' "$both" | sort -V | tail -n 1)
[ -n "$pick" ] || pick=$(printf '%s' "$build_only" | sort -V | tail -n 1)
[ -n "$pick" ] || exit 1
echo "$pick"
