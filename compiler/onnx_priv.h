/* SPDX-License-Identifier: MIT */
/*
 * onnx_priv.h - what the ONNX importer's files share. onnx.pb-c.h is
 * generated at build time by protoc-c from /usr/include/onnx/onnx.proto.
 */
#ifndef ACCEL_COMPILER_ONNX_PRIV_H
#define ACCEL_COMPILER_ONNX_PRIV_H

#include "ir_priv.h"
#include "onnx.pb-c.h"

/* Elements in one tensor, and bytes of model, the importer accepts. */
#define ONNX_MAX_ELEMS (1ll << 30)
#define ONNX_MAX_NODES 100000

/* The IR dtype of an ONNX TensorProto.DataType, or ACCEL_DT_UNDEF. */
enum accel_dtype onnx_dtype(int32_t onnx_type);

/*
 * Decode a TensorProto into a dtype, a constant shape and a malloc'ed dense
 * buffer, checking rank, dims, element count and data length. @what names
 * the tensor in errors.
 */
int onnx_tensor_decode(const Onnx__TensorProto *t, const char *what, enum accel_dtype *dt,
		       struct accel_shape *shape, void **data, size_t *nbytes,
		       struct accel_ir_error *err);

#endif
