/* SPDX-License-Identifier: MIT */
/*
 * bench_gemm.c - SGEMM C = A B (row-major, square): one GEMM packet per
 * submit on the device against cblas_sgemm (OpenBLAS) and dnnl_sgemm
 * (oneDNN) called directly on the same A and B.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>

#include "bench.h"

/* Results must agree to this fraction of max|C| (fp32, K up to 2048). */
#define GEMM_TOL 1e-4

struct gemm_case {
	int n;
	const float *a, *b;
	float *c;
};

static int gemm_openblas(void *arg)
{
	struct gemm_case *g = arg;

	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g->n, g->n, g->n, 1.0f, g->a,
		    g->n, g->b, g->n, 0.0f, g->c, g->n);
	return 0;
}

static int gemm_onednn(void *arg)
{
	struct gemm_case *g = arg;

	/* dnnl_sgemm takes row-major matrices, as cblas does with CblasRowMajor */
	return dnnl_sgemm('N', 'N', g->n, g->n, g->n, 1.0f, g->a, g->n, g->b, g->n, 0.0f, g->c,
			  g->n) == dnnl_success ?
		       0 :
		       -EIO;
}

/*
 * Both peers keep worker threads spinning for a while after a call; let them
 * go to sleep before the next candidate runs so no one times against them.
 */
static void gemm_settle(const struct bench_opts *o)
{
	if (!o->quick)
		usleep(200 * 1000);
}

static int gemm_job_init(struct bench_job *job, int n)
{
	struct vaccel_pkt_gemm p;
	uint32_t dims[2] = { (uint32_t)n, (uint32_t)n };
	int ret;

	memset(&p, 0, sizeof(p));
	p.hdr.opcode = VACCEL_OP_GEMM;
	p.alpha = bench_f32_bits(1.0f);
	p.beta = bench_f32_bits(0.0f);
	p.act = VACCEL_ACT_NONE;
	ret = accel_tensor_init(&p.a, 0, VACCEL_DTYPE_F32, 0, 2, dims);
	if (!ret)
		ret = accel_tensor_init(&p.b, 1, VACCEL_DTYPE_F32, 0, 2, dims);
	if (!ret)
		ret = accel_tensor_init(&p.c, 2, VACCEL_DTYPE_F32, 0, 2, dims);
	if (!ret)
		ret = accel_cmdbuf_init(&job->cb);
	if (!ret)
		ret = accel_cmdbuf_append(&job->cb, &p, sizeof(p));
	return ret;
}

static int gemm_one(const struct bench_opts *o, struct bench_dev *d, int n)
{
	size_t elems = (size_t)n * n, bytes = elems * sizeof(float);
	struct bench_job job = { .dev = d, .num_bufs = 3 };
	struct gemm_case blas = { .n = n }, dnnl = { .n = n };
	struct bench_stats s_ours, s_blas, s_dnnl;
	int warm = o->quick ? 1 : 2, min_reps = o->quick ? 2 : 5;
	double flop = 2.0 * n * n * n, err_ours, err_dnnl;
	void *map[3] = { 0 };
	char size[24], peer[48];
	int ret = -ENOMEM, bad = 0;

	for (int i = 0; i < 3; i++) {
		ret = bench_dev_buffer(d, bytes, &job.bufs[i], &map[i]);
		if (ret)
			goto out;
	}
	bench_fill_uniform(map[0], elems, 1000 + n);
	bench_fill_uniform(map[1], elems, 2000 + n);
	blas.a = dnnl.a = map[0];
	blas.b = dnnl.b = map[1];
	blas.c = aligned_alloc(64, bytes);
	dnnl.c = aligned_alloc(64, bytes);
	ret = -ENOMEM;
	if (!blas.c || !dnnl.c)
		goto out;
	ret = gemm_job_init(&job, n);
	if (ret)
		goto out;

	ret = bench_time(bench_job_run, &job, warm, min_reps, 1000, o->min_secs, &s_ours);
	gemm_settle(o);
	if (!ret)
		ret = bench_time(gemm_openblas, &blas, warm, min_reps, 1000, o->min_secs, &s_blas);
	gemm_settle(o);
	if (!ret)
		ret = bench_time(gemm_onednn, &dnnl, warm, min_reps, 1000, o->min_secs, &s_dnnl);
	gemm_settle(o);
	if (ret)
		goto out;

	err_ours = bench_max_rel_diff(map[2], blas.c, elems);
	err_dnnl = bench_max_rel_diff(dnnl.c, blas.c, elems);
	bad = !(err_ours <= GEMM_TOL) || !(err_dnnl <= GEMM_TOL);
	printf("sgemm %4d: ours %8.2f ms (%d reps), OpenBLAS %8.2f ms (%d), oneDNN %8.2f ms "
	       "(%d); max|diff|/max|C| vs OpenBLAS: ours %.2g, oneDNN %.2g %s\n",
	       n, s_ours.median * 1e3, s_ours.reps, s_blas.median * 1e3, s_blas.reps,
	       s_dnnl.median * 1e3, s_dnnl.reps, err_ours, err_dnnl, bad ? "MISMATCH" : "ok");

	snprintf(size, sizeof(size), "%d^3", n);
	snprintf(peer, sizeof(peer), "OpenBLAS cblas_sgemm, %d thr", o->blas_threads);
	bench_row_add("sgemm", size, "GFLOP/s", flop / s_ours.median * 1e-9, peer,
		      flop / s_blas.median * 1e-9, BENCH_HIGHER_BETTER);
	snprintf(peer, sizeof(peer), "oneDNN dnnl_sgemm, %d thr", o->omp_threads);
	bench_row_add("sgemm", size, "GFLOP/s", flop / s_ours.median * 1e-9, peer,
		      flop / s_dnnl.median * 1e-9, BENCH_HIGHER_BETTER);
out:
	accel_cmdbuf_fini(&job.cb);
	for (int i = 0; i < 3; i++)
		if (job.bufs[i])
			accel_buffer_free(job.bufs[i]);
	free(blas.c);
	free(dnnl.c);
	if (ret)
		fprintf(stderr, "sgemm %d: %s\n", n, strerror(ret < 0 ? -ret : ret));
	return ret || bad ? 1 : 0;
}

int bench_gemm(const struct bench_opts *o, struct bench_dev *d)
{
	static const int full[] = { 512, 1024, 2048 };
	static const int quick[] = { 64, 128 };
	const int *sizes = o->quick ? quick : full;
	int count = o->quick ? 2 : 3, bad = 0;

	for (int i = 0; i < count; i++)
		bad |= gemm_one(o, d, sizes[i]);
	return bad;
}
