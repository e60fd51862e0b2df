#!/bin/sh
# The AOT runtime links no compiler: libaccel-rt.a defines no compiler or
# ONNX symbol and needs none, and a program built on the runtime alone
# (test-apkg-models) holds none of them and does not load protobuf-c.
# usage: rt-symbols.sh LIBACCEL_RT_A RUNTIME_ONLY_BINARY
set -u
lib=$1 bin=$2
# Entry points of the IR, import, passes, interpreter, lowering and JIT,
# and protobuf-c's: the runtime must neither define nor reference them.
compiler='accel_graph_|accel_onnx_|accel_pass_|accel_interp_|accel_program_compile|accel_jit_|accel_report_|accel_apkg_write|protobuf_c_|onnx__'
fail=0

for f in "$lib" "$bin"; do
	[ -r "$f" ] || { echo "not ok: $f missing"; exit 1; }
done
bad=$(nm "$lib" 2>/dev/null | grep -E " [A-Za-z] ($compiler)") && {
	echo "not ok: libaccel-rt.a defines or needs compiler symbols:"
	echo "$bad"
	fail=1
}
bad=$(nm "$bin" 2>/dev/null | grep -E " [A-Za-z] ($compiler)") && {
	echo "not ok: $(basename "$bin") holds compiler symbols:"
	echo "$bad"
	fail=1
}
if readelf -d "$bin" | grep -q 'NEEDED.*protobuf'; then
	echo "not ok: $(basename "$bin") needs libprotobuf-c"
	fail=1
fi
# The runtime must still be what the binary runs: it holds the loader.
nm "$bin" | grep -q ' T accel_apkg_open$' || {
	echo "not ok: $(basename "$bin") does not hold accel_apkg_open (wrong binary?)"
	fail=1
}
[ $fail = 0 ] && echo "ok: libaccel-rt and a runtime-only program link no compiler symbol"
exit $fail
