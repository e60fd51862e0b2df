/* SPDX-License-Identifier: MIT */
/*
 * interp_priv.h - what the reference interpreter's kernel files share: the
 * kernel context, element access by dtype, broadcasting and index helpers,
 * and one entry point per kernel (interp_node() in interp_ops.c dispatches).
 */
#ifndef ACCEL_COMPILER_INTERP_PRIV_H
#define ACCEL_COMPILER_INTERP_PRIV_H

#include "ir_priv.h"

/* The largest tensor a kernel will allocate: 2^28 elements (1 GiB of f32). */
#define MAX_ELEMS (1ll << 28)
/* Kernel sizes, strides, dilations and pads beyond this are refused, which
 * keeps every index computation far from overflow. */
#define WINDOW_MAX (1 << 20)

struct kctx {
	const struct accel_graph *g;
	const struct accel_node *n;
	const struct dim_env *env;
	const struct accel_tensor *in;
	struct accel_tensor *out;
	struct accel_ir_error *err;
};

int ik_err(struct kctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline bool ik_has(const struct kctx *c, uint32_t i)
{
	return i < c->n->ninputs && c->n->inputs[i];
}

static inline bool ik_is_int(enum accel_dtype dt)
{
	return dt == ACCEL_DT_I64 || dt == ACCEL_DT_I32 || dt == ACCEL_DT_BOOL;
}

static inline const float *ik_f32(const struct accel_tensor *t)
{
	return t->data;
}

/* Allocate output @i with @rank dims (zero-filled). */
int ik_alloc(struct kctx *c, uint32_t i, enum accel_dtype dt, int rank, const int64_t *dims);
/* Element @i of any numeric dtype, as double or as integer (saturating
 * from f32), and the matching stores. */
double ik_get(const struct accel_tensor *t, int64_t i);
int64_t ik_geti(const struct accel_tensor *t, int64_t i);
void ik_put(struct accel_tensor *t, int64_t i, double v);
void ik_puti(struct accel_tensor *t, int64_t i, int64_t v);
/* numpy broadcasting: strides (0 along broadcast dims) and the result shape. */
void ik_bcast_strides(const struct accel_tensor *t, int r, int64_t *st);
int ik_bcast_shape(struct kctx *c, const struct accel_tensor *a, const struct accel_tensor *b,
		   int *r, int64_t *dims);
/* Advance a multi-index over dims; false when it wraps to the start. */
bool ik_next_index(int64_t *idx, const int64_t *dims, int r);
int64_t ik_offset(const int64_t *idx, const int64_t *st, int r);
int ik_need_f32(struct kctx *c, uint32_t n);
/* An INTS attribute of exactly @cnt entries, else @def everywhere. */
void ik_ints_attr(const struct accel_node *n, const char *name, int cnt, int64_t def,
		  int64_t *out);
bool ik_window_ok(const int64_t *v, int n, int64_t lo);
int ik_axis_of(struct kctx *c, int64_t axis, int rank, int *out);
/* Split dims at @axis into outer x len x inner. */
void ik_around(const struct accel_tensor *t, int axis, int64_t *outer, int64_t *inner);
/* ONNX Slice bounds and lengths (see interp_ops.c). */
int64_t ik_clamp_bound(int64_t v, int64_t dim, int64_t step);
int64_t ik_slice_len(int64_t b, int64_t e, int64_t step);
/* The target dims of Reshape/Expand/ConstantOfShape. */
int ik_target(struct kctx *c, uint32_t idx, int64_t *dims, int *rank);

/* Kernels, by file. */
int ik_elementwise(struct kctx *c);	/* interp_eltwise.c */
int ik_unary(struct kctx *c);
int ik_matmul(struct kctx *c);		/* interp_linalg.c */
int ik_gemm(struct kctx *c);
int ik_conv(struct kctx *c);
int ik_pool(struct kctx *c);		/* interp_nn.c */
int ik_norm(struct kctx *c);
int ik_reduce(struct kctx *c);
int ik_reshape(struct kctx *c);		/* interp_layout.c */
int ik_flatten(struct kctx *c);
int ik_squeeze(struct kctx *c);
int ik_transpose(struct kctx *c);
int ik_concat(struct kctx *c);
int ik_split(struct kctx *c);
int ik_slice(struct kctx *c);
int ik_gather(struct kctx *c);
int ik_expand(struct kctx *c);
int ik_pad(struct kctx *c);
int ik_trilu(struct kctx *c);
int ik_shape(struct kctx *c);		/* interp_shape.c */
int ik_constantofshape(struct kctx *c);
int ik_range(struct kctx *c);

#endif
