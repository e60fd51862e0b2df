#!/bin/sh
# accelc end to end on fixture models: compile, inspect (text and JSON),
# run the artifact and the ONNX model (JIT), compare each output .npy with
# PyTorch's (npy-compare), and check that bad invocations and damaged
# artifacts fail with exit status 1 and a message naming the problem.
# usage: accelc-cli.sh ACCELC NPY_COMPARE FIXTURE_DIR
set -u
accelc=$1 cmp=$2 fx=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
n=0

ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $1"; }
# expect_fail NAME NEEDLE CMD...: exit status 1 and NEEDLE on stderr.
# (POSIX sh has no locals: the helpers' variables start with an underscore.)
expect_fail() {
	_what=$1 _needle=$2
	shift 2
	"$@" >"$work/out" 2>"$work/err"
	_rc=$?
	if [ $_rc -eq 1 ] && grep -qF -- "$_needle" "$work/err"; then
		ok "$_what"
	else
		not_ok "$_what (exit $_rc, stderr: $(cat "$work/err"))"
	fi
}
check() { if "$@" >"$work/log" 2>&1; then ok "$*"; else cat "$work/log"; not_ok "$*"; fi; }

for m in mlp encoder17 cnn1d; do
	check "$accelc" compile "$fx/$m.onnx" -o "$work/$m.apkg"
	# The input's name, from the signature, as a user would find it.
	name=$("$accelc" -j inspect "$work/$m.apkg" |
		sed -n 's/.*"inputs":\[{"name":"\([^"]*\)".*/\1/p')
	[ -n "$name" ] && ok "$m: input name '$name' from inspect -j" || not_ok "$m: inspect -j"
	out=$("$accelc" -j inspect "$work/$m.apkg")
	# Nothing in these models needs more than ISA 1.0 (bert_mask below does).
	for key in '"file_size":' '"format_version":"1.0"' '"isa_version":"1.0"' \
		'"symbols":[' '"weights_bytes":' '"arena_bytes":' '"total_bytes":' \
		'"packets":' '"sections":[' '"crc32c":'; do
		case $out in
		*"$key"*) ;;
		*) not_ok "$m: inspect -j lacks $key"; continue 2 ;;
		esac
	done
	ok "$m: inspect -j has the documented keys"
	for b in 2 5; do
		check "$accelc" run "$work/$m.apkg" -i "$name=$fx/$m.in.$b.npy" -o "$work/apkg.$m.$b"
		out_name=$(ls "$work/apkg.$m.$b")
		check "$cmp" "$work/apkg.$m.$b/$out_name" "$fx/$m.out.$b.npy"
		check "$accelc" run "$fx/$m.onnx" -i "$name=$fx/$m.in.$b.npy" -o "$work/jit.$m.$b"
		check "$cmp" "$work/jit.$m.$b/$out_name" "$fx/$m.out.$b.npy"
	done
done

# A model whose int64 mask is cast to float at run time needs a converting
# COPY, ISA 1.1: its artifact says so (and one that needs nothing new says
# 1.0, above), so an older runtime or device refuses only what it cannot run.
check "$accelc" compile "$fx/bert_mask.onnx" -o "$work/bert_mask.apkg"
case $("$accelc" -j inspect "$work/bert_mask.apkg") in
*'"isa_version":"1.1"'*) ok "bert_mask: artifact states ISA 1.1" ;;
*) not_ok "bert_mask: artifact does not state ISA 1.1" ;;
esac

# Bool inputs: the encoder with a key-padding mask given as a numpy bool
# ('|b1') .npy, and the one with an attention mask too. The signature keeps
# the bool dtype; the artifact and the JIT both match PyTorch.
m=encoder_mask
check "$accelc" compile "$fx/$m.onnx" -o "$work/$m.apkg"
case $("$accelc" -j inspect "$work/$m.apkg") in
*'{"name":"mask","dtype":"bool","dims":["batch","seq"],"bytes":4}'*)
	ok "$m: inspect -j shows the bool mask [batch, seq] (f32 0/1 on the device)" ;;
*) not_ok "$m: inspect -j lacks the bool mask" ;;
esac
case $("$accelc" inspect "$work/$m.apkg") in
*"mask             bool [batch, seq]  4 bytes (f32 0/1 on the device)"*)
	ok "$m: inspect shows the bool mask" ;;
*) not_ok "$m: inspect lacks the bool mask" ;;
esac
for b in 2 5; do
	check "$accelc" run "$work/$m.apkg" -i "x=$fx/$m.in.$b.npy" -i "mask=$fx/$m.in1.$b.npy" \
		-o "$work/apkg.$m.$b"
	check "$cmp" "$work/apkg.$m.$b/y.npy" "$fx/$m.out.$b.npy"
	check "$accelc" run "$fx/$m.onnx" -i "x=$fx/$m.in.$b.npy" -i "mask=$fx/$m.in1.$b.npy" \
		-o "$work/jit.$m.$b"
	check "$cmp" "$work/jit.$m.$b/y.npy" "$fx/$m.out.$b.npy"
done
m=encoder_causal_bool
check "$accelc" compile "$fx/$m.onnx" -o "$work/$m.apkg"
for b in 2 5; do
	check "$accelc" run "$work/$m.apkg" -i "x=$fx/$m.in.$b.npy" -i "attn_mask=$fx/$m.in1.$b.npy" \
		-i "mask=$fx/$m.in2.$b.npy" -o "$work/apkg.$m.$b"
	check "$cmp" "$work/apkg.$m.$b/y.npy" "$fx/$m.out.$b.npy"
done
# A bool output (and a bool input): written as a numpy bool .npy, equal to
# numpy's, through the artifact and the JIT.
m=bool_io
check "$accelc" compile "$fx/$m.onnx" -o "$work/$m.apkg"
for b in 2 5; do
	for src in "$work/$m.apkg" "$fx/$m.onnx"; do
		rm -rf "$work/$m.out"
		check "$accelc" run "$src" -i "x=$fx/$m.in.$b.npy" -i "m=$fx/$m.in1.$b.npy" \
			-o "$work/$m.out"
		check "$cmp" "$work/$m.out/y.npy" "$fx/$m.out.$b.npy"
		check "$cmp" "$work/$m.out/z.npy" "$fx/$m.out1.$b.npy"
	done
done
expect_fail "a float mask for a bool input" "input mask: f32 rank 2 given, bool rank 2 expected" \
	"$accelc" run "$work/encoder_mask.apkg" -i "x=$fx/encoder_mask.in.2.npy" \
	-i "mask=$fx/mlp.in.2.npy" -o "$work/x"

# The MLP's weights alone are 784*512*4 + ... bytes: inspect says so exactly.
w=$("$accelc" -j inspect "$work/mlp.apkg" | sed -n 's/.*"weights_bytes":\([0-9]*\).*/\1/p')
[ "$w" -ge $((784 * 64 * 4)) ] 2>/dev/null && ok "mlp: weights_bytes $w" ||
	not_ok "mlp: weights_bytes '$w'"

# --shape fixes the batch: the artifact has no symbol left, runs batch 2,
# and refuses batch 5 naming the input.
name=$("$accelc" -j inspect "$work/mlp.apkg" | sed -n 's/.*"inputs":\[{"name":"\([^"]*\)".*/\1/p')
check "$accelc" compile "$fx/mlp.onnx" -o "$work/mlp2.apkg" --shape "$name=2x784"
case $("$accelc" -j inspect "$work/mlp2.apkg") in
*'"symbols":[]'*) ok "mlp --shape: no symbol left" ;;
*) not_ok "mlp --shape: symbols left" ;;
esac
check "$accelc" run "$work/mlp2.apkg" -i "$name=$fx/mlp.in.2.npy" -o "$work/fixed" --device emu
check "$cmp" "$work/fixed/$(ls "$work/fixed")" "$fx/mlp.out.2.npy"
expect_fail "fixed batch refuses another" "input $name: dim 0 is 5" \
	"$accelc" run "$work/mlp2.apkg" -i "$name=$fx/mlp.in.5.npy" -o "$work/x"
expect_fail "--shape with a wrong constant dim" "dim 1 is the constant 784" \
	"$accelc" compile "$fx/mlp.onnx" -o "$work/bad.apkg" --shape "$name=2x785"
expect_fail "--shape of an unknown input" "no input named 'nope'" \
	"$accelc" compile "$fx/mlp.onnx" -o "$work/bad.apkg" --shape "nope=2x784"
expect_fail "--shape malformed" "dims must be" \
	"$accelc" compile "$fx/mlp.onnx" -o "$work/bad.apkg" --shape "$name=2xx784"

# Bad invocations and damaged inputs.
expect_fail "no command" "Usage:" "$accelc"
expect_fail "unknown command" "unknown command 'frobnicate'" "$accelc" frobnicate
expect_fail "compile without -o" "-o MODEL.apkg is required" "$accelc" compile "$fx/mlp.onnx"
expect_fail "inspect takes no -i" "inspect does not take -i" \
	"$accelc" inspect "$work/mlp.apkg" -i "x=y.npy"
expect_fail "missing input" "input '$name' missing" \
	"$accelc" run "$work/mlp.apkg" -o "$work/x"
expect_fail "unknown input" "no input named 'zz'" \
	"$accelc" run "$work/mlp.apkg" -i "zz=$fx/mlp.in.2.npy" -i "$name=$fx/mlp.in.2.npy" \
	-o "$work/x"
expect_fail "input of the wrong shape" "input $name:" \
	"$accelc" run "$work/mlp.apkg" -i "$name=$fx/cnn.in.2.npy" -o "$work/x"
expect_fail "not an npy" "not a .npy file" \
	"$accelc" run "$work/mlp.apkg" -i "$name=$fx/mlp.onnx" -o "$work/x"
expect_fail "unknown device" "cannot open device 'nonesuch'" \
	"$accelc" run "$work/mlp.apkg" -i "$name=$fx/mlp.in.2.npy" -o "$work/x" \
	--device nonesuch
head -c 1000 "$work/mlp.apkg" >"$work/trunc.apkg"
expect_fail "truncated artifact" "truncated: the header says" \
	"$accelc" inspect "$work/trunc.apkg"
# One byte in the weights flipped (at 3000: past the header and table).
cp "$work/mlp.apkg" "$work/flip.apkg"
printf '\377' | dd of="$work/flip.apkg" bs=1 seek=3000 conv=notrunc 2>/dev/null
expect_fail "corrupt artifact" "section 'weights': checksum mismatch" \
	"$accelc" run "$work/flip.apkg" -i "$name=$fx/mlp.in.2.npy" -o "$work/x"
expect_fail "onnx is not an artifact" "bad magic" "$accelc" inspect "$fx/mlp.onnx"
expect_fail "missing file" "cannot open" "$accelc" inspect "$work/nonexistent.apkg"

echo "# $n checks, $fails failed"
[ $fails -eq 0 ]
