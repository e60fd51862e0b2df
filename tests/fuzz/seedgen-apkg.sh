#!/bin/sh
# Rewrite the seeds of fuzz-apkg-load: small fixture models compiled by
# accelc, each prefixed with the mode byte (1: re-seal checksums).
# usage: tests/fuzz/seedgen-apkg.sh BUILD_DIR   (e.g. build/meson)
set -eu
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/tests/fuzz/corpus/fuzz-apkg-load
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
for m in ops cnn resnet; do
	"$build/tools/accelc/accelc" compile "$root/tests/compiler/fixtures/$m.onnx" \
		-o "$tmp/$m.apkg" >/dev/null
	{ printf '\001'; cat "$tmp/$m.apkg"; } >"$out/$m-resealed"
done
# Intact copies of the two smallest: the checksum paths (keep < 200 KB).
for m in ops cnn; do
	{ printf '\000'; cat "$tmp/$m.apkg"; } >"$out/$m-intact"
done
du -cb "$out"/* | tail -n 1
