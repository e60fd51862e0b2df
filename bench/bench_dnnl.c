/* SPDX-License-Identifier: MIT */
/*
 * bench_dnnl.c - oneDNN (v2.x C API) eltwise ReLU and binary add over one
 * dense fp32 vector, the way a framework would call them: primitives built
 * once, executed per iteration on user memory.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <oneapi/dnnl/dnnl.h>

#include "bench.h"

struct bench_dnnl {
	dnnl_engine_t engine;
	dnnl_stream_t stream;
	dnnl_memory_desc_t md;
	dnnl_primitive_t relu;
	dnnl_primitive_t add;
	/* memory objects whose data handle is swapped in per call */
	dnnl_memory_t src0, src1, dst;
};

static int bench_dnnl_prim(struct bench_dnnl *b, const_dnnl_op_desc_t op, dnnl_primitive_t *out)
{
	dnnl_primitive_desc_t pd;
	dnnl_status_t st;

	st = dnnl_primitive_desc_create(&pd, op, NULL, b->engine, NULL);
	if (st != dnnl_success)
		return -EIO;
	st = dnnl_primitive_create(out, pd);
	dnnl_primitive_desc_destroy(pd);
	return st == dnnl_success ? 0 : -EIO;
}

int bench_dnnl_create(struct bench_dnnl **out, size_t n)
{
	struct bench_dnnl *b = calloc(1, sizeof(*b));
	dnnl_dims_t dims = { (dnnl_dim_t)n };
	dnnl_eltwise_desc_t relu;
	dnnl_binary_desc_t add;
	int ret = -EIO;

	*out = NULL;
	if (!b)
		return -ENOMEM;
	if (dnnl_engine_create(&b->engine, dnnl_cpu, 0) != dnnl_success ||
	    dnnl_stream_create(&b->stream, b->engine, dnnl_stream_default_flags) != dnnl_success ||
	    dnnl_memory_desc_init_by_tag(&b->md, 1, dims, dnnl_f32, dnnl_a) != dnnl_success)
		goto err;
	if (dnnl_eltwise_forward_desc_init(&relu, dnnl_forward_inference, dnnl_eltwise_relu,
					   &b->md, 0.0f, 0.0f) != dnnl_success ||
	    dnnl_binary_desc_init(&add, dnnl_binary_add, &b->md, &b->md, &b->md) != dnnl_success)
		goto err;
	ret = bench_dnnl_prim(b, &relu, &b->relu);
	if (!ret)
		ret = bench_dnnl_prim(b, &add, &b->add);
	if (ret)
		goto err;
	if (dnnl_memory_create(&b->src0, &b->md, b->engine, DNNL_MEMORY_NONE) != dnnl_success ||
	    dnnl_memory_create(&b->src1, &b->md, b->engine, DNNL_MEMORY_NONE) != dnnl_success ||
	    dnnl_memory_create(&b->dst, &b->md, b->engine, DNNL_MEMORY_NONE) != dnnl_success) {
		ret = -EIO;
		goto err;
	}
	*out = b;
	return 0;
err:
	bench_dnnl_destroy(b);
	return ret;
}

void bench_dnnl_destroy(struct bench_dnnl *b)
{
	if (!b)
		return;
	if (b->src0)
		dnnl_memory_destroy(b->src0);
	if (b->src1)
		dnnl_memory_destroy(b->src1);
	if (b->dst)
		dnnl_memory_destroy(b->dst);
	if (b->relu)
		dnnl_primitive_destroy(b->relu);
	if (b->add)
		dnnl_primitive_destroy(b->add);
	if (b->stream)
		dnnl_stream_destroy(b->stream);
	if (b->engine)
		dnnl_engine_destroy(b->engine);
	free(b);
}

/* Run @prim on the stream and wait, as a synchronous caller would. */
static int bench_dnnl_exec(struct bench_dnnl *b, dnnl_primitive_t prim, int nargs,
			   const dnnl_exec_arg_t *args)
{
	if (dnnl_primitive_execute(prim, b->stream, nargs, args) != dnnl_success)
		return -EIO;
	return dnnl_stream_wait(b->stream) == dnnl_success ? 0 : -EIO;
}

int bench_dnnl_relu(struct bench_dnnl *b, const float *x, float *y)
{
	dnnl_exec_arg_t args[] = { { DNNL_ARG_SRC, b->src0 }, { DNNL_ARG_DST, b->dst } };

	/* oneDNN's handle is not const; eltwise forward never writes SRC */
	if (dnnl_memory_set_data_handle(b->src0, (void *)(uintptr_t)x) != dnnl_success ||
	    dnnl_memory_set_data_handle(b->dst, y) != dnnl_success)
		return -EIO;
	return bench_dnnl_exec(b, b->relu, 2, args);
}

int bench_dnnl_add(struct bench_dnnl *b, const float *a, const float *c, float *y)
{
	dnnl_exec_arg_t args[] = {
		{ DNNL_ARG_SRC_0, b->src0 },
		{ DNNL_ARG_SRC_1, b->src1 },
		{ DNNL_ARG_DST, b->dst },
	};

	if (dnnl_memory_set_data_handle(b->src0, (void *)(uintptr_t)a) != dnnl_success ||
	    dnnl_memory_set_data_handle(b->src1, (void *)(uintptr_t)c) != dnnl_success ||
	    dnnl_memory_set_data_handle(b->dst, y) != dnnl_success)
		return -EIO;
	return bench_dnnl_exec(b, b->add, 3, args);
}
