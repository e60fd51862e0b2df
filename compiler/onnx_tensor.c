// SPDX-License-Identifier: MIT
/*
 * onnx_tensor.c - TensorProto to dense data. A tensor's payload may sit in
 * raw_data (little-endian bytes, what torch writes) or in one of the typed
 * repeated fields; both are accepted, and every length is checked against
 * the dims before a byte is copied, since the file may be hostile.
 */
#include <stdlib.h>
#include <string.h>

#include "onnx_priv.h"

enum accel_dtype onnx_dtype(int32_t t)
{
	switch (t) {
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
		return ACCEL_DT_F32;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
		return ACCEL_DT_I64;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
		return ACCEL_DT_I32;
	case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL:
		return ACCEL_DT_BOOL;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
		return ACCEL_DT_I8;
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16:
		return ACCEL_DT_F16;
	case ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16:
		return ACCEL_DT_BF16;
	default:
		return ACCEL_DT_UNDEF;
	}
}

/* How many elements the typed repeated field for @dt holds. */
static size_t typed_count(const Onnx__TensorProto *t, enum accel_dtype dt)
{
	switch (dt) {
	case ACCEL_DT_F32:
		return t->n_float_data;
	case ACCEL_DT_I64:
		return t->n_int64_data;
	default:
		return t->n_int32_data;
	}
}

/* Copy the typed repeated field that holds @dt's data, narrowing int32_data
 * for the small types as the proto's comments prescribe. */
static int typed_data(const Onnx__TensorProto *t, enum accel_dtype dt, size_t n, void *dst)
{
	size_t i;

	switch (dt) {
	case ACCEL_DT_F32:
		if (t->n_float_data != n)
			return -1;
		if (n)
			memcpy(dst, t->float_data, n * 4);
		return 0;
	case ACCEL_DT_I64:
		if (t->n_int64_data != n)
			return -1;
		if (n)
			memcpy(dst, t->int64_data, n * 8);
		return 0;
	case ACCEL_DT_I32:
		if (t->n_int32_data != n)
			return -1;
		if (n)
			memcpy(dst, t->int32_data, n * 4);
		return 0;
	case ACCEL_DT_BOOL:
	case ACCEL_DT_I8:
		if (t->n_int32_data != n)
			return -1;
		for (i = 0; i < n; i++)
			((uint8_t *)dst)[i] = dt == ACCEL_DT_BOOL ? t->int32_data[i] != 0 :
					      (uint8_t)(int8_t)t->int32_data[i];
		return 0;
	case ACCEL_DT_F16:
	case ACCEL_DT_BF16:
		if (t->n_int32_data != n)
			return -1;
		for (i = 0; i < n; i++)
			((uint16_t *)dst)[i] = (uint16_t)t->int32_data[i];
		return 0;
	default:
		return -1;
	}
}

int onnx_tensor_decode(const Onnx__TensorProto *t, const char *what, enum accel_dtype *dt,
		       struct accel_shape *shape, void **data, size_t *nbytes,
		       struct accel_ir_error *err)
{
	int64_t n = 1;
	size_t esize, i;
	void *buf;

	*data = NULL;
	if (!t->has_data_type || onnx_dtype(t->data_type) == ACCEL_DT_UNDEF)
		return ir_error(err, EOPNOTSUPP, "tensor '%s': unsupported data type %d", what,
				t->has_data_type ? t->data_type : 0);
	if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
		return ir_error(err, EOPNOTSUPP, "tensor '%s': external data is not supported",
				what);
	if (t->segment)
		return ir_error(err, EOPNOTSUPP, "tensor '%s': segmented tensors are not supported",
				what);
	if (t->n_dims > ACCEL_IR_MAX_RANK)
		return ir_error(err, EINVAL, "tensor '%s': rank %zu exceeds %d", what, t->n_dims,
				ACCEL_IR_MAX_RANK);
	*dt = onnx_dtype(t->data_type);
	esize = accel_dtype_size(*dt);
	shape->rank = (int)t->n_dims;
	for (i = 0; i < t->n_dims; i++) {
		if (t->dims[i] < 0 || t->dims[i] > ONNX_MAX_ELEMS ||
		    __builtin_mul_overflow(n, t->dims[i], &n) || n > ONNX_MAX_ELEMS)
			return ir_error(err, EINVAL, "tensor '%s': dimension %zu (%lld) invalid or "
					"too large", what, i, (long long)t->dims[i]);
		shape->dims[i] = accel_dim_const(t->dims[i]);
	}
	*nbytes = (size_t)n * esize;
	/* Both checks come before the allocation, which they bound by the
	 * size of the file: dims alone may promise gigabytes. */
	if (t->has_raw_data && t->raw_data.len != *nbytes)
		return ir_error(err, EINVAL, "tensor '%s': raw_data holds %zu bytes, dims need %zu",
				what, t->raw_data.len, *nbytes);
	if (!t->has_raw_data && typed_count(t, *dt) != (size_t)n)
		return ir_error(err, EINVAL, "tensor '%s': data holds the wrong number of "
				"elements for %lld", what, (long long)n);
	buf = malloc(*nbytes ? *nbytes : 1);
	if (!buf)
		return ir_error(err, ENOMEM, "tensor '%s': out of memory", what);
	if (t->has_raw_data) {
		if (*nbytes)
			memcpy(buf, t->raw_data.data, *nbytes);
	} else if (typed_data(t, *dt, (size_t)n, buf)) {
		free(buf);
		return ir_error(err, EINVAL, "tensor '%s': data holds the wrong number of "
				"elements for %lld", what, (long long)n);
	}
	if (*dt == ACCEL_DT_BOOL)
		for (i = 0; i < *nbytes; i++)
			((uint8_t *)buf)[i] = ((uint8_t *)buf)[i] != 0;
	*data = buf;
	return 0;
}
