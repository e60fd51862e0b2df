#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Write the seed corpus of fuzz-onnx-import: small valid ONNX models that
reach the importer's op table, initializers in raw and typed form, symbolic
dims and a shape-arithmetic chain.

    /usr/bin/python3 tests/fuzz/seedgen_onnx_import.py tests/fuzz/corpus/fuzz-onnx-import
"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper


def model(name, nodes, inputs, outputs, inits=(), opset=14):
    g = helper.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])


def f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(1)
    seeds = {}

    w = numpy_helper.from_array(rng.standard_normal((4, 3)).astype(np.float32), "w")
    b = helper.make_tensor("b", TensorProto.FLOAT, [3], [0.5, -1.0, 2.0])  # typed field
    seeds["gemm-relu"] = model("g", [
        helper.make_node("Gemm", ["x", "w", "b"], ["h"], name="gemm", transB=0),
        helper.make_node("Relu", ["h"], ["y"], name="relu"),
    ], [f32("x", ["batch", 4])], [f32("y", None)], [w, b])

    k = numpy_helper.from_array(rng.standard_normal((2, 1, 3, 3)).astype(np.float32), "k")
    ch = [numpy_helper.from_array(v.astype(np.float32), n) for n, v in
          (("s", np.ones(2)), ("o", np.zeros(2)), ("m", np.zeros(2)), ("v", np.ones(2)))]
    seeds["conv-bn-pool"] = model("g", [
        helper.make_node("Conv", ["x", "k"], ["c"], name="conv", pads=[1, 1, 1, 1],
                         strides=[1, 1], kernel_shape=[3, 3]),
        helper.make_node("BatchNormalization", ["c", "s", "o", "m", "v"], ["n"], name="bn"),
        helper.make_node("MaxPool", ["n"], ["p"], name="pool", kernel_shape=[2, 2],
                         strides=[2, 2]),
        helper.make_node("GlobalAveragePool", ["p"], ["y"], name="gap"),
    ], [f32("x", ["N", 1, "H", "W"])], [f32("y", None)], [k] + ch)

    i64 = lambda n, v: numpy_helper.from_array(np.array(v, dtype=np.int64), n)
    seeds["shape-chain"] = model("g", [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Gather", ["s", "i0"], ["d0"], name="g0", axis=0),
        helper.make_node("Gather", ["s", "i1"], ["d1"], name="g1", axis=0),
        helper.make_node("Mul", ["d0", "d1"], ["p"], name="mul"),
        helper.make_node("Unsqueeze", ["p", "ax"], ["pu"], name="unsq"),
        helper.make_node("Concat", ["pu", "m1"], ["t"], name="cat", axis=0),
        helper.make_node("Reshape", ["x", "t"], ["r"], name="reshape"),
        helper.make_node("Softmax", ["r"], ["y"], name="softmax", axis=-1),
    ], [f32("x", ["batch", "seq", 8])], [f32("y", None)],
        [i64("i0", 0), i64("i1", 1), i64("ax", [0]), i64("m1", [-1])])

    seeds["layernorm-gelu"] = model("g", [
        helper.make_node("LayerNormalization", ["x", "s", "o"], ["l"], name="ln", axis=-1,
                         epsilon=1e-5),
        helper.make_node("Split", ["l", "sp"], ["a", "c"], name="split", axis=-1),
        helper.make_node("Transpose", ["a"], ["at"], name="tr", perm=[1, 0]),
        helper.make_node("MatMul", ["c", "at"], ["y"], name="mm"),
    ], [f32("x", ["n", 4])], [f32("y", None)],
        [numpy_helper.from_array(np.ones(4, np.float32), "s"),
         numpy_helper.from_array(np.zeros(4, np.float32), "o"), i64("sp", [2, 2])], opset=17)

    seeds["slice-where"] = model("g", [
        helper.make_node("Slice", ["x", "st", "en", "ax"], ["sl"], name="slice"),
        helper.make_node("Equal", ["sl", "sl"], ["eq"], name="eq"),
        helper.make_node("Where", ["eq", "sl", "sl"], ["wh"], name="where"),
        helper.make_node("ReduceMean", ["wh"], ["rm"], name="rm", axes=[1], keepdims=1),
        helper.make_node("Sqrt", ["rm"], ["y"], name="sqrt"),
    ], [f32("x", [3, 6])], [f32("y", None)],
        [i64("st", [1]), i64("en", [5]), i64("ax", [1])])

    for name, m in seeds.items():
        with open(os.path.join(out, name + ".onnx"), "wb") as f:
            f.write(m.SerializeToString())
        print(name)


if __name__ == "__main__":
    main()
