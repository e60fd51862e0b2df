/* SPDX-License-Identifier: MIT */
/*
 * bench_conv.c - a ResNet-style convolution (3x3, stride 1, pad 1, 64 -> 64
 * channels, 56x56, batch 2, bias and ReLU fused): one CONV2D packet per
 * submit on the device against oneDNN's convolution primitive called
 * directly, as a framework holding NCHW tensors would call it: the
 * primitive built once with the layouts it prefers, weights reordered into
 * its layout once ahead (a weight cache), the input reordered in and the
 * output reordered back to NCHW on every call. Ours gets no such weight
 * cache: a command buffer's weights may change between submits.
 *
 * GFLOP/s counts 2 flops per multiply-add of the convolution.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <oneapi/dnnl/dnnl.h>

#include "bench.h"

/* fp32 sums of 576 products in different orders: agree to this fraction. */
#define CONV_TOL 1e-4

struct conv_shape {
	int n, c, h, w, oc, k;
};

struct conv_dnnl {
	dnnl_engine_t eng;
	dnnl_stream_t st;
	dnnl_primitive_t conv, re_src, re_dst;
	dnnl_memory_t usr_src, usr_dst, src, wei, dst, bias;
};

static void conv_dnnl_destroy(struct conv_dnnl *c)
{
	dnnl_primitive_t p[] = { c->conv, c->re_src, c->re_dst };
	dnnl_memory_t m[] = { c->usr_src, c->usr_dst, c->src, c->wei, c->dst, c->bias };

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		if (p[i])
			dnnl_primitive_destroy(p[i]);
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (m[i] && (i < 2 || (m[i] != c->usr_src && m[i] != c->usr_dst)))
			dnnl_memory_destroy(m[i]);
	if (c->st)
		dnnl_stream_destroy(c->st);
	if (c->eng)
		dnnl_engine_destroy(c->eng);
}

static int conv_exec2(struct conv_dnnl *c, dnnl_primitive_t p, dnnl_memory_t from,
		      dnnl_memory_t to)
{
	dnnl_exec_arg_t a[] = { { DNNL_ARG_FROM, from }, { DNNL_ARG_TO, to } };

	return dnnl_primitive_execute(p, c->st, 2, a) == dnnl_success ? 0 : -EIO;
}

/* Memory in @md's layout: the user object itself when they agree. */
static int conv_own(struct conv_dnnl *c, const dnnl_memory_desc_t *md, dnnl_memory_t usr,
		    dnnl_memory_t *own, dnnl_primitive_t *re, bool to_own)
{
	const dnnl_memory_desc_t *umd;
	dnnl_primitive_desc_t rpd;
	dnnl_status_t s;

	dnnl_memory_get_memory_desc(usr, &umd);
	if (dnnl_memory_desc_equal(umd, md)) {
		*own = usr;
		return 0;
	}
	if (dnnl_memory_create(own, md, c->eng, DNNL_MEMORY_ALLOCATE) != dnnl_success)
		return -EIO;
	if (!re)
		return 0;
	s = to_own ? dnnl_reorder_primitive_desc_create(&rpd, umd, c->eng, md, c->eng, NULL) :
		     dnnl_reorder_primitive_desc_create(&rpd, md, c->eng, umd, c->eng, NULL);
	if (s != dnnl_success)
		return -EIO;
	s = dnnl_primitive_create(re, rpd);
	dnnl_primitive_desc_destroy(rpd);
	return s == dnnl_success ? 0 : -EIO;
}

static int conv_dnnl_create(struct conv_dnnl *c, const struct conv_shape *s, float *x,
			    float *w, float *b, float *y)
{
	dnnl_dims_t xd = { s->n, s->c, s->h, s->w }, wd = { s->oc, s->c, s->k, s->k };
	dnnl_dims_t yd = { s->n, s->oc, s->h, s->w }, bd = { s->oc };
	dnnl_dims_t one = { 1, 1 }, pad = { s->k / 2, s->k / 2 };
	dnnl_memory_desc_t ux, uw, uy, ub, ax, aw, ay;
	dnnl_convolution_desc_t cd;
	dnnl_primitive_attr_t attr = NULL;
	dnnl_post_ops_t po = NULL;
	dnnl_primitive_desc_t pd = NULL;
	dnnl_memory_t usr_wei = NULL;
	dnnl_primitive_t re_wei = NULL;
	int ret = -EIO;

	memset(c, 0, sizeof(*c));
	if (dnnl_engine_create(&c->eng, dnnl_cpu, 0) ||
	    dnnl_stream_create(&c->st, c->eng, dnnl_stream_default_flags) ||
	    dnnl_memory_desc_init_by_tag(&ux, 4, xd, dnnl_f32, dnnl_nchw) ||
	    dnnl_memory_desc_init_by_tag(&uw, 4, wd, dnnl_f32, dnnl_oihw) ||
	    dnnl_memory_desc_init_by_tag(&uy, 4, yd, dnnl_f32, dnnl_nchw) ||
	    dnnl_memory_desc_init_by_tag(&ub, 1, bd, dnnl_f32, dnnl_x) ||
	    dnnl_memory_desc_init_by_tag(&ax, 4, xd, dnnl_f32, dnnl_format_tag_any) ||
	    dnnl_memory_desc_init_by_tag(&aw, 4, wd, dnnl_f32, dnnl_format_tag_any) ||
	    dnnl_memory_desc_init_by_tag(&ay, 4, yd, dnnl_f32, dnnl_format_tag_any) ||
	    dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference,
					       dnnl_convolution_direct, &ax, &aw, &ub, &ay, one,
					       pad, pad) ||
	    dnnl_primitive_attr_create(&attr) || dnnl_post_ops_create(&po) ||
	    dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f) ||
	    dnnl_primitive_attr_set_post_ops(attr, po) ||
	    dnnl_primitive_desc_create(&pd, &cd, attr, c->eng, NULL) ||
	    dnnl_primitive_create(&c->conv, pd) ||
	    dnnl_memory_create(&c->usr_src, &ux, c->eng, x) ||
	    dnnl_memory_create(&c->usr_dst, &uy, c->eng, y) ||
	    dnnl_memory_create(&usr_wei, &uw, c->eng, w) ||
	    dnnl_memory_create(&c->bias, &ub, c->eng, b))
		goto out;
	if (conv_own(c, dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0), c->usr_src,
		     &c->src, &c->re_src, true) ||
	    conv_own(c, dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), c->usr_dst,
		     &c->dst, &c->re_dst, false) ||
	    conv_own(c, dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), usr_wei,
		     &c->wei, &re_wei, true))
		goto out;
	/* The weight cache: reordered once, outside the timed calls. */
	if (re_wei && (conv_exec2(c, re_wei, usr_wei, c->wei) || dnnl_stream_wait(c->st)))
		goto out;
	if (c->wei == usr_wei)
		usr_wei = NULL;	/* owned as c->wei now */
	ret = 0;
out:
	if (re_wei)
		dnnl_primitive_destroy(re_wei);
	if (usr_wei)
		dnnl_memory_destroy(usr_wei);
	if (pd)
		dnnl_primitive_desc_destroy(pd);
	if (po)
		dnnl_post_ops_destroy(po);
	if (attr)
		dnnl_primitive_attr_destroy(attr);
	return ret;
}

static int conv_dnnl_run(void *arg)
{
	struct conv_dnnl *c = arg;
	dnnl_exec_arg_t a[] = { { DNNL_ARG_SRC, c->src }, { DNNL_ARG_WEIGHTS, c->wei },
				{ DNNL_ARG_BIAS, c->bias }, { DNNL_ARG_DST, c->dst } };

	if (c->re_src && conv_exec2(c, c->re_src, c->usr_src, c->src))
		return -EIO;
	if (dnnl_primitive_execute(c->conv, c->st, 4, a) != dnnl_success)
		return -EIO;
	if (c->re_dst && conv_exec2(c, c->re_dst, c->dst, c->usr_dst))
		return -EIO;
	return dnnl_stream_wait(c->st) == dnnl_success ? 0 : -EIO;
}

static int conv_job_init(struct bench_job *job, const struct conv_shape *s)
{
	struct vaccel_pkt_conv2d p;
	const uint32_t xd[4] = { s->n, s->c, s->h, s->w }, wd[4] = { s->oc, s->c, s->k, s->k };
	const uint32_t yd[4] = { s->n, s->oc, s->h, s->w }, bd[1] = { s->oc };
	int ret;

	memset(&p, 0, sizeof(p));
	p.hdr.opcode = VACCEL_OP_CONV2D;
	p.hdr.flags = VACCEL_CONV_F_BIAS;
	p.stride_h = p.stride_w = 1;
	p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = s->k / 2;
	p.dilation_h = p.dilation_w = 1;
	p.groups = 1;
	p.act = VACCEL_ACT_RELU;
	ret = accel_tensor_init(&p.x, 0, VACCEL_DTYPE_F32, 0, 4, xd);
	if (!ret)
		ret = accel_tensor_init(&p.w, 1, VACCEL_DTYPE_F32, 0, 4, wd);
	if (!ret)
		ret = accel_tensor_init(&p.bias, 3, VACCEL_DTYPE_F32, 0, 1, bd);
	if (!ret)
		ret = accel_tensor_init(&p.y, 2, VACCEL_DTYPE_F32, 0, 4, yd);
	if (!ret)
		ret = accel_cmdbuf_init(&job->cb);
	if (!ret)
		ret = accel_cmdbuf_append(&job->cb, &p, sizeof(p));
	return ret;
}

int bench_conv(const struct bench_opts *o, struct bench_dev *d)
{
	const struct conv_shape s = o->quick ? (struct conv_shape){ 1, 16, 14, 14, 16, 3 } :
					       (struct conv_shape){ 2, 64, 56, 56, 64, 3 };
	const size_t nx = (size_t)s.n * s.c * s.h * s.w, nw = (size_t)s.oc * s.c * s.k * s.k;
	const size_t ny = (size_t)s.n * s.oc * s.h * s.w;
	const double flops = 2.0 * (double)ny * s.c * s.k * s.k;
	struct bench_job job = { .dev = d, .num_bufs = 4 };
	struct accel_buffer *bufs[4] = { 0 };
	float *map[4] = { 0 }, *y_dnnl = NULL;
	struct bench_stats s_ours, s_dnnl;
	struct conv_dnnl c;
	int warm = o->quick ? 1 : 3, min_reps = o->quick ? 2 : 10;
	const size_t sizes[4] = { nx, nw, ny, (size_t)s.oc };
	char size[48], peer[64];
	double diff;
	int ret = 0;

	memset(&c, 0, sizeof(c));
	for (int i = 0; i < 4 && !ret; i++) {
		void *p;

		ret = bench_dev_buffer(d, sizes[i] * sizeof(float), &bufs[i], &p);
		map[i] = p;
	}
	y_dnnl = aligned_alloc(64, ny * sizeof(float));
	if (!ret && !y_dnnl)
		ret = -ENOMEM;
	if (!ret) {
		bench_fill_uniform(map[0], nx, 5000);
		bench_fill_uniform(map[1], nw, 5001);
		bench_fill_uniform(map[3], (size_t)s.oc, 5002);
		memset(y_dnnl, 0, ny * sizeof(float));
		ret = conv_dnnl_create(&c, &s, map[0], map[1], map[3], y_dnnl);
	}
	memcpy(job.bufs, bufs, sizeof(bufs));
	if (!ret)
		ret = conv_job_init(&job, &s);
	if (!ret)
		ret = bench_time(bench_job_run, &job, warm, min_reps, 1000, o->min_secs, &s_ours);
	if (!ret && !o->quick)
		usleep(200 * 1000);	/* let OpenMP's spinning workers sleep first */
	if (!ret)
		ret = bench_time(conv_dnnl_run, &c, warm, min_reps, 1000, o->min_secs, &s_dnnl);
	if (ret) {
		fprintf(stderr, "conv: %s\n", strerror(ret < 0 ? -ret : ret));
		ret = 1;
		goto out;
	}
	diff = bench_max_rel_diff(map[2], y_dnnl, ny);
	printf("conv %dx%dx%dx%d, %d->%d %dx%d pad %d, bias+relu: ours %7.3f ms (%d reps), "
	       "oneDNN %7.3f ms (%d); max rel diff %.2g %s\n",
	       s.n, s.c, s.h, s.w, s.c, s.oc, s.k, s.k, s.k / 2, s_ours.median * 1e3, s_ours.reps,
	       s_dnnl.median * 1e3, s_dnnl.reps, diff, diff <= CONV_TOL ? "ok" : "MISMATCH");
	snprintf(size, sizeof(size), "%dx%dx%dx%d", s.n, s.c, s.h, s.w);
	snprintf(peer, sizeof(peer), "oneDNN conv NCHW, %d thr", o->omp_threads);
	bench_row_add("conv2d 3x3+bias+relu", size, "GFLOP/s", flops / s_ours.median * 1e-9, peer,
		      flops / s_dnnl.median * 1e-9, BENCH_HIGHER_BETTER);
	ret = diff <= CONV_TOL ? 0 : 1;
out:
	accel_cmdbuf_fini(&job.cb);
	conv_dnnl_destroy(&c);
	free(y_dnnl);
	for (int i = 0; i < 4; i++)
		if (bufs[i])
			accel_buffer_free(bufs[i]);
	return ret;
}
