// SPDX-License-Identifier: MIT
/*
 * test_gemm.c - GEMM against a naive double-precision triple loop, plus the
 * gemm hook (called first, -EOPNOTSUPP falls back, other errors end the
 * job) and checkpoint cancellation of a long GEMM.
 *
 * Tolerance: |got - ref| <= (2e-6 sqrt(K) + 2e-7) * mag, where mag is
 * |alpha| sum_k |a||b| + |beta c| + |bias|: float accumulation error grows
 * like sqrt(K) eps relative to the sum of magnitudes (not to |C|, which may
 * cancel), plus half an ulp of the activation's output. A single wrong or
 * missing product term is ~mag/K, far above it.
 */
#include "engine_test.h"

static double act_ref(__u32 act, double v)
{
	switch (act) {
	case VACCEL_ACT_RELU:
		return v > 0 ? v : 0;
	case VACCEL_ACT_GELU:
		return 0.5 * v * erfc(-v / sqrt(2.0));
	case VACCEL_ACT_SILU:
		return v / (1.0 + exp(-v));
	case VACCEL_ACT_SIGMOID:
		return 1.0 / (1.0 + exp(-v));
	case VACCEL_ACT_TANH:
		return tanh(v);
	default:
		return v;
	}
}

struct gemm_case {
	__u32 batch, m, n, k;
	int a_batch, b_batch;	/* 0: rank 2, 1: rank 3 dims[0]=1, 2: full batch */
	bool ta, tb, bias, c_batched;
	float alpha, beta;
	__u32 act;
	int layout;		/* et_tensor layout for a, b, c */
	bool nan_c;		/* fill C with NaN (only with beta == 0) */
};

static struct vaccel_tensor mk(struct et_env *e, int batch_mode, __u32 batch, __u32 r,
			       __u32 c, int layout)
{
	__u32 dims[3];

	if (batch_mode == 0) {
		dims[0] = r;
		dims[1] = c;
		return et_tensor(e, VACCEL_DTYPE_F32, 2, dims, layout);
	}
	dims[0] = batch_mode == 1 ? 1 : batch;
	dims[1] = r;
	dims[2] = c;
	return et_tensor(e, VACCEL_DTYPE_F32, 3, dims, layout);
}

/* Element (bi, i, j) of a rank-2 or rank-3 operand; batch 1 broadcasts. */
static double at3(struct et_env *e, const struct vaccel_tensor *t, __u32 bi, __u32 i, __u32 j)
{
	__u32 idx[3];

	if (t->rank == 2) {
		idx[0] = i;
		idx[1] = j;
	} else {
		idx[0] = t->dims[0] == 1 ? 0 : bi;
		idx[1] = i;
		idx[2] = j;
	}
	return et_f32(e, t)[et_at(t, idx)];
}

static void gemm_check(const struct gemm_case *gc, const char *what)
{
	struct et_env e;
	struct vaccel_pkt_gemm pkt;
	struct et_err err;
	double *cold;
	__u32 bi, i, j, k;
	__u32 batch = gc->c_batched ? gc->batch : 1;
	int ret;

	et_env_init(&e);
	memset(&pkt, 0, sizeof(pkt));
	pkt.a = gc->ta ? mk(&e, gc->a_batch, batch, gc->k, gc->m, gc->layout)
		       : mk(&e, gc->a_batch, batch, gc->m, gc->k, gc->layout);
	pkt.b = gc->tb ? mk(&e, gc->b_batch, batch, gc->n, gc->k, gc->layout)
		       : mk(&e, gc->b_batch, batch, gc->k, gc->n, gc->layout);
	pkt.c = mk(&e, gc->c_batched ? 2 : 0, batch, gc->m, gc->n, gc->layout);
	if (gc->nan_c) {
		float *c = et_f32(&e, &pkt.c);

		for (size_t x = 0; x < e.bufs[pkt.c.buf].size / 4; x++)
			c[x] = NAN;
	}
	if (gc->bias) {
		__u32 nd = gc->n;

		pkt.bias = et_tensor(&e, VACCEL_DTYPE_F32, 1, &nd, gc->layout);
		pkt.hdr.flags |= VACCEL_GEMM_F_BIAS;
	}
	pkt.hdr.flags |= (gc->ta ? VACCEL_GEMM_F_TRANS_A : 0) | (gc->tb ? VACCEL_GEMM_F_TRANS_B : 0);
	pkt.alpha = et_bits(gc->alpha);
	pkt.beta = et_bits(gc->beta);
	pkt.act = gc->act;

	cold = malloc(sizeof(double) * batch * gc->m * gc->n);
	for (bi = 0; bi < batch; bi++)
		for (i = 0; i < gc->m; i++)
			for (j = 0; j < gc->n; j++)
				cold[((size_t)bi * gc->m + i) * gc->n + j] = at3(&e, &pkt.c, bi, i, j);

	ret = ET_RUN1(&e, VACCEL_OP_GEMM, pkt);
	CHECK(ret == 0, "%s: execute returned %d", what, ret);

	et_err_init(&err);
	for (bi = 0; bi < batch; bi++)
		for (i = 0; i < gc->m; i++)
			for (j = 0; j < gc->n; j++) {
				double sum = 0, mag = 0, v, a, b, c0;

				for (k = 0; k < gc->k; k++) {
					a = gc->ta ? at3(&e, &pkt.a, bi, k, i) : at3(&e, &pkt.a, bi, i, k);
					b = gc->tb ? at3(&e, &pkt.b, bi, j, k) : at3(&e, &pkt.b, bi, k, j);
					sum += a * b;
					mag += fabs(a * b);
				}
				v = gc->alpha * sum;
				mag *= fabs(gc->alpha);
				if (gc->beta != 0.0f) {
					c0 = cold[((size_t)bi * gc->m + i) * gc->n + j];
					v += gc->beta * c0;
					mag += fabs(gc->beta * c0);
				}
				if (gc->bias) {
					__u32 jj = j;
					double bv = et_f32(&e, &pkt.bias)[et_at(&pkt.bias, &jj)];

					v += bv;
					mag += fabs(bv);
				}
				v = act_ref(gc->act, v);
				et_err_add(&err, (long)((bi * gc->m + i) * gc->n + j),
					   at3(&e, &pkt.c, bi, i, j), v,
					   (2e-6 * sqrt(gc->k) + 2e-7) * mag + 1.2e-7 * fabs(v) +
					   1e-30);
			}
	ET_ERR_CHECK(err, what);
	if (err.bad)
		fprintf(stderr, "  case: batch %u m %u n %u k %u a_batch %d b_batch %d ta %d tb %d "
			"bias %d alpha %g beta %g act %u layout %d\n", batch, gc->m, gc->n, gc->k,
			gc->a_batch, gc->b_batch, gc->ta, gc->tb, gc->bias, gc->alpha, gc->beta,
			gc->act, gc->layout);
	free(cold);
	et_env_fini(&e);
}

static const __u32 odd_sizes[] = { 1, 2, 3, 5, 7, 16, 17, 33, 65, 97 };

static __u32 pick_size(void)
{
	if (et_randint(0, 2) == 0)
		return (__u32)et_randint(1, 120);
	return odd_sizes[et_randint(0, sizeof(odd_sizes) / sizeof(odd_sizes[0]) - 1)];
}

static void test_gemm_random(void)
{
	for (int it = 0; it < 120; it++) {
		struct gemm_case gc = {
			.batch = (__u32)et_randint(1, 3),
			.m = pick_size(), .n = pick_size(), .k = pick_size(),
			.ta = et_randint(0, 1), .tb = et_randint(0, 1),
			.bias = et_randint(0, 1),
			.alpha = et_randint(0, 1) ? 1.0f : et_randf(-2.0f, 2.0f),
			.act = (__u32)et_randint(0, VACCEL_ACT_COUNT - 1),
			.layout = et_randint(0, 1),
		};
		char what[64];

		switch (et_randint(0, 2)) {
		case 0:
			gc.beta = 0.0f;
			break;
		case 1:
			gc.beta = 1.0f;
			break;
		default:
			gc.beta = et_randf(-1.5f, 1.5f);
			break;
		}
		gc.c_batched = gc.batch > 1 || et_randint(0, 1);
		gc.a_batch = gc.c_batched ? et_randint(0, 2) : 0;
		gc.b_batch = gc.c_batched ? et_randint(0, 2) : 0;
		snprintf(what, sizeof(what), "random gemm #%d", it);
		gemm_check(&gc, what);
	}
}

/* Sizes that cross every blocking boundary: K past one 256-deep slice, M
 * past a 96-row tile, N past the 16-wide panel, none a multiple. */
static void test_gemm_blocking(void)
{
	static const __u32 shapes[][3] = {
		{ 97, 33, 257 }, { 193, 17, 513 }, { 6, 16, 256 }, { 7, 17, 1 },
		{ 1, 1, 600 }, { 100, 130, 300 },
	};

	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		for (int t = 0; t < 4; t++) {
			struct gemm_case gc = {
				.batch = 1, .m = shapes[s][0], .n = shapes[s][1], .k = shapes[s][2],
				.ta = t & 1, .tb = t >> 1, .alpha = 0.75f, .beta = -0.5f,
				.bias = true, .act = VACCEL_ACT_NONE, .layout = t == 3,
			};

			gemm_check(&gc, "blocking");
		}
	}
}

/* Batch broadcast both ways, beta == 0 ignoring NaN in C, each activation. */
static void test_gemm_edges(void)
{
	struct gemm_case gc = {
		.batch = 3, .m = 9, .n = 19, .k = 23, .a_batch = 1, .b_batch = 2,
		.c_batched = true, .alpha = 1.0f, .beta = 0.0f, .nan_c = true,
	};

	gemm_check(&gc, "beta 0 with NaN in C, A batch-broadcast");
	gc.a_batch = 2;
	gc.b_batch = 0;
	gemm_check(&gc, "beta 0 with NaN in C, B rank 2");
	gc.nan_c = false;
	gc.beta = 1.0f;
	gc.bias = true;
	for (__u32 act = 0; act < VACCEL_ACT_COUNT; act++) {
		gc.act = act;
		gc.alpha = 3.0f;	/* push pre-activations beyond [-1, 1] */
		gemm_check(&gc, "activation");
	}
}

/* ---- hooks ---- */

struct hook_state {
	int gemm_calls, gemm_ret;
	int checkpoints, cancel_at, cancel_ret;
};

static int hook_gemm(void *priv, const struct vaccel_pkt_gemm *pkt,
		     const struct vaccel_engine_buffer *bufs)
{
	struct hook_state *h = priv;

	h->gemm_calls++;
	if (h->gemm_ret == 0) {
		/* "Compute" the packet: mark C so the test sees who ran. */
		float *c = (float *)((char *)bufs[pkt->c.buf].ptr + pkt->c.offset);

		c[0] = 12345.0f;
	}
	return h->gemm_ret;
}

static int hook_checkpoint(void *priv)
{
	struct hook_state *h = priv;

	h->checkpoints++;
	return h->checkpoints == h->cancel_at ? h->cancel_ret : 0;
}

/* A 2-D M x N x K GEMM packet in fresh contiguous buffers. */
static void gemm_simple(struct et_env *e, struct vaccel_pkt_gemm *pkt, __u32 m, __u32 n, __u32 k)
{
	__u32 ad[2] = { m, k }, bd[2] = { k, n }, cd[2] = { m, n };

	memset(pkt, 0, sizeof(*pkt));
	pkt->a = et_tensor(e, VACCEL_DTYPE_F32, 2, ad, 0);
	pkt->b = et_tensor(e, VACCEL_DTYPE_F32, 2, bd, 0);
	pkt->c = et_tensor(e, VACCEL_DTYPE_F32, 2, cd, 0);
	pkt->alpha = et_bits(1.0f);
	pkt->hdr.opcode = VACCEL_OP_GEMM;
	pkt->hdr.size = sizeof(*pkt);
}

static void test_gemm_hook(void)
{
	struct hook_state h = { 0 };
	struct vaccel_exec_hooks hooks = { .priv = &h, .gemm = hook_gemm };
	struct vaccel_pkt_gemm pkt;
	struct vaccel_pkt_nop nop = { .hdr = { .opcode = VACCEL_OP_NOP, .size = sizeof(nop) } };
	struct et_cmdbuf cb;
	struct et_env e;
	__u32 failed = 99;
	float *c;
	double ref;
	int ret;

	et_env_init(&e);
	gemm_simple(&e, &pkt, 4, 5, 6);
	c = et_f32(&e, &pkt.c);

	/* The hook computes it: the engine must not run after it. */
	et_cb_init(&cb);
	et_cb_add(&cb, &pkt, sizeof(pkt));
	ret = et_run(&e, &cb, &hooks, &failed);
	CHECK(ret == 0 && h.gemm_calls == 1, "hook path: ret %d calls %d", ret, h.gemm_calls);
	CHECK(c[0] == 12345.0f, "hook result overwritten: %g", c[0]);

	/* -EOPNOTSUPP: the engine's GEMM runs instead. */
	h.gemm_ret = -EOPNOTSUPP;
	ret = et_run(&e, &cb, &hooks, &failed);
	ref = 0;
	for (int k = 0; k < 6; k++)
		ref += (double)et_f32(&e, &pkt.a)[k] * et_f32(&e, &pkt.b)[k * 5];
	CHECK(ret == 0 && h.gemm_calls == 2, "fallback: ret %d calls %d", ret, h.gemm_calls);
	CHECK(fabs(c[0] - ref) < 1e-5, "fallback result %g want %g", c[0], ref);
	et_cb_fini(&cb);

	/* Any other error ends the job, naming the packet. */
	h.gemm_ret = -EIO;
	et_cb_init(&cb);
	et_cb_add(&cb, &nop, sizeof(nop));
	et_cb_add(&cb, &pkt, sizeof(pkt));
	et_cb_add(&cb, &nop, sizeof(nop));
	ret = et_run(&e, &cb, &hooks, &failed);
	CHECK(ret == -EIO && failed == 1, "hook error: ret %d failed_packet %u", ret, failed);
	et_cb_fini(&cb);
	et_env_fini(&e);
}

static void test_gemm_checkpoint(void)
{
	struct hook_state h = { 0 };
	struct vaccel_exec_hooks hooks = { .priv = &h, .checkpoint = hook_checkpoint };
	struct vaccel_pkt_gemm pkt;
	struct et_cmdbuf cb;
	struct et_env e;
	__u32 failed = 99;
	int ret;

	et_env_init(&e);
	gemm_simple(&e, &pkt, 256, 256, 256);	/* 33.5 Mflop */
	et_cb_init(&cb);
	et_cb_add(&cb, &pkt, sizeof(pkt));

	/* Never cancelled: about one checkpoint per Mflop. */
	ret = et_run(&e, &cb, &hooks, &failed);
	printf("# 256^3 GEMM: %d checkpoints\n", h.checkpoints);
	CHECK(ret == 0, "ret %d", ret);
	CHECK(h.checkpoints >= 16 && h.checkpoints <= 64, "%d checkpoints for 33.5 Mflop",
	      h.checkpoints);

	/* Cancelled at the third: the hook's value comes back. */
	h.checkpoints = 0;
	h.cancel_at = 3;
	h.cancel_ret = -ECANCELED;
	ret = et_run(&e, &cb, &hooks, &failed);
	CHECK(ret == -ECANCELED && failed == 0 && h.checkpoints == 3,
	      "cancel: ret %d failed %u checkpoints %d", ret, failed, h.checkpoints);
	et_cb_fini(&cb);
	et_env_fini(&e);
}

int main(void)
{
	et_seed_env(5150);
	RUN_CASE(test_gemm_random);
	RUN_CASE(test_gemm_blocking);
	RUN_CASE(test_gemm_edges);
	RUN_CASE(test_gemm_hook);
	RUN_CASE(test_gemm_checkpoint);
	HARNESS_EXIT();
}
