// SPDX-License-Identifier: MIT
/*
 * test_conv_pool.c - CONV2D and POOL against naive NCHW loops in double.
 *
 * Random shapes cover groups (1, a divisor, depthwise), stride, dilation,
 * asymmetric padding, bias and every activation, strided/transposed views.
 * CONV2D tolerance as for GEMM with K = C/groups * KH * KW:
 * (2e-6 sqrt(K) + 2e-7) * sum of |terms|, plus half an ulp of the
 * activation's output (sigmoid of ~0 is ~0.5 whatever the sum's size). POOL: max exact, avg 1e-6 rel.
 */
#include "engine_test.h"

static double act_ref(__u32 act, double v)
{
	switch (act) {
	case VACCEL_ACT_RELU: return v > 0 ? v : 0;
	case VACCEL_ACT_GELU: return 0.5 * v * erfc(-v / sqrt(2.0));
	case VACCEL_ACT_SILU: return v / (1.0 + exp(-v));
	case VACCEL_ACT_SIGMOID: return 1.0 / (1.0 + exp(-v));
	case VACCEL_ACT_TANH: return tanh(v);
	default: return v;
	}
}

static double get4(struct et_env *e, const struct vaccel_tensor *t, __u32 a, __u32 b,
		   __u32 c, __u32 d)
{
	__u32 idx[4] = { a, b, c, d };

	return et_f32(e, t)[et_at(t, idx)];
}

/* Output extent as the ISA defines it, or 0 when it would be < 1. */
static __u32 out_extent(__u32 in, __u32 pa, __u32 pb, __u32 k, __u32 dil, __u32 s)
{
	long span = (long)in + pa + pb - (long)dil * (k - 1) - 1;

	return span < 0 ? 0 : (__u32)(span / s + 1);
}

static void test_conv(void)
{
	for (int it = 0; it < 150; it++) {
		struct vaccel_pkt_conv2d pkt;
		struct et_env e;
		struct et_err err;
		__u32 n = (__u32)et_randint(1, 2), g, cg, ocg, h, w, kh, kw, oh, ow;
		__u32 xd[4], wd[4], yd[4], oc;
		int ret;

		memset(&pkt, 0, sizeof(pkt));
		switch (it % 3) {
		case 0:
			g = 1;
			break;
		case 1:
			g = (__u32)et_randint(2, 3);
			break;
		default:
			g = (__u32)et_randint(2, 8);	/* depthwise below */
			break;
		}
		cg = it % 3 == 2 ? 1 : (__u32)et_randint(1, 5);
		ocg = it % 3 == 2 ? (__u32)et_randint(1, 2) : (__u32)et_randint(1, 5);
		h = (__u32)et_randint(1, 12);
		w = (__u32)et_randint(1, 70);
		kh = (__u32)et_randint(1, 4);
		kw = (__u32)et_randint(1, 4);
		pkt.stride_h = (__u32)et_randint(1, 3);
		pkt.stride_w = (__u32)et_randint(1, 3);
		pkt.dilation_h = (__u32)et_randint(1, 2);
		pkt.dilation_w = (__u32)et_randint(1, 2);
		pkt.pad_top = (__u32)et_randint(0, 2);
		pkt.pad_bottom = (__u32)et_randint(0, 2);
		pkt.pad_left = (__u32)et_randint(0, 3);
		pkt.pad_right = (__u32)et_randint(0, 1);
		oh = out_extent(h, pkt.pad_top, pkt.pad_bottom, kh, pkt.dilation_h, pkt.stride_h);
		ow = out_extent(w, pkt.pad_left, pkt.pad_right, kw, pkt.dilation_w, pkt.stride_w);
		if (!oh || !ow) {
			it--;	/* draw again: no valid output */
			continue;
		}
		pkt.groups = g;
		pkt.act = (__u32)et_randint(0, VACCEL_ACT_COUNT - 1);
		et_env_init(&e);
		xd[0] = n; xd[1] = g * cg; xd[2] = h; xd[3] = w;
		wd[0] = g * ocg; wd[1] = cg; wd[2] = kh; wd[3] = kw;
		yd[0] = n; yd[1] = g * ocg; yd[2] = oh; yd[3] = ow;
		pkt.x = et_tensor(&e, VACCEL_DTYPE_F32, 4, xd, et_randint(0, 1));
		pkt.w = et_tensor(&e, VACCEL_DTYPE_F32, 4, wd, et_randint(0, 1));
		pkt.y = et_tensor(&e, VACCEL_DTYPE_F32, 4, yd, et_randint(0, 1));
		if (et_randint(0, 1)) {
			pkt.hdr.flags = VACCEL_CONV_F_BIAS;
			pkt.bias = et_tensor(&e, VACCEL_DTYPE_F32, 1, &yd[1], et_randint(0, 1));
		}
		ret = ET_RUN1(&e, VACCEL_OP_CONV2D, pkt);
		CHECK(ret == 0, "conv: %d", ret);
		et_err_init(&err);
		for (__u32 b = 0; b < n; b++)
		for (oc = 0; oc < g * ocg; oc++)
		for (__u32 y = 0; y < oh; y++)
		for (__u32 x = 0; x < ow; x++) {
			double sum = 0, mag = 0;
			__u32 grp = oc / ocg;

			for (__u32 c = 0; c < cg; c++)
			for (__u32 i = 0; i < kh; i++)
			for (__u32 j = 0; j < kw; j++) {
				long ih = (long)y * pkt.stride_h - pkt.pad_top + (long)i * pkt.dilation_h;
				long iw = (long)x * pkt.stride_w - pkt.pad_left + (long)j * pkt.dilation_w;
				double t;

				if (ih < 0 || ih >= h || iw < 0 || iw >= w)
					continue;
				t = get4(&e, &pkt.x, b, grp * cg + c, (__u32)ih, (__u32)iw) *
				    get4(&e, &pkt.w, oc, c, i, j);
				sum += t;
				mag += fabs(t);
			}
			if (pkt.hdr.flags) {
				__u32 o = oc;
				double bv = et_f32(&e, &pkt.bias)[et_at(&pkt.bias, &o)];

				sum += bv;
				mag += fabs(bv);
			}
			sum = act_ref(pkt.act, sum);
			et_err_add(&err, (long)x, get4(&e, &pkt.y, b, oc, y, x), sum,
				   (2e-6 * sqrt(cg * kh * kw) + 2e-7) * mag + 1.2e-7 * fabs(sum) +
				   1e-30);
		}
		ET_ERR_CHECK(err, "conv2d");
		if (err.bad)
			fprintf(stderr, "  n %u g %u cg %u ocg %u h %u w %u k %ux%u s %u,%u d %u,%u "
				"pad t%u b%u l%u r%u act %u\n", n, g, cg, ocg, h, w, kh, kw,
				pkt.stride_h, pkt.stride_w, pkt.dilation_h, pkt.dilation_w,
				pkt.pad_top, pkt.pad_bottom, pkt.pad_left, pkt.pad_right, pkt.act);
		et_env_fini(&e);
	}
}

/* Does every window along one axis overlap the unpadded input? */
static bool windows_overlap(__u32 in, __u32 out, __u32 k, __u32 s, __u32 d, __u32 pad)
{
	for (__u32 o = 0; o < out; o++) {
		bool hit = false;

		for (__u32 i = 0; i < k; i++) {
			long p = (long)o * s - pad + (long)i * d;

			hit |= p >= 0 && p < in;
		}
		if (!hit)
			return false;
	}
	return true;
}

/*
 * Every output of a POOL packet that ran against a naive double reference;
 * a MAX window holding a NaN must give NaN (isa.rst).
 */
static void check_pool(struct et_env *e, const struct vaccel_pkt_pool *pkt, const char *what)
{
	__u32 n = pkt->y.dims[0], c = pkt->y.dims[1], oh = pkt->y.dims[2], ow = pkt->y.dims[3];
	__u32 h = pkt->x.dims[2], w = pkt->x.dims[3];
	long nan_bad = 0;
	struct et_err err;

	et_err_init(&err);
	for (__u32 b = 0; b < n; b++)
	for (__u32 ch = 0; ch < c; ch++)
	for (__u32 y = 0; y < oh; y++)
	for (__u32 x = 0; x < ow; x++) {
		double max = -INFINITY, sum = 0, ref;
		bool nan = false;
		int cnt = 0;

		for (__u32 i = 0; i < pkt->kernel_h; i++)
		for (__u32 j = 0; j < pkt->kernel_w; j++) {
			long ih = (long)y * pkt->stride_h - pkt->pad_top + (long)i * pkt->dilation_h;
			long iw = (long)x * pkt->stride_w - pkt->pad_left + (long)j * pkt->dilation_w;
			double v;

			if (ih < 0 || ih >= h || iw < 0 || iw >= w)
				continue;
			v = get4(e, &pkt->x, b, ch, (__u32)ih, (__u32)iw);
			nan |= isnan(v);
			max = fmax(max, v);
			sum += v;
			cnt++;
		}
		if (pkt->op == VACCEL_POOL_MAX && nan) {
			nan_bad += !isnan(get4(e, &pkt->y, b, ch, y, x));
			continue;
		}
		if (pkt->op == VACCEL_POOL_MAX)
			ref = max;
		else if (pkt->hdr.flags & VACCEL_POOL_F_COUNT_PAD)
			ref = sum / (pkt->kernel_h * pkt->kernel_w);
		else
			ref = sum / cnt;
		et_err_add(&err, (long)x, get4(e, &pkt->y, b, ch, y, x), ref,
			   pkt->op == VACCEL_POOL_MAX ? 0.0 : 1e-6 * fabs(ref) + 1e-30);
	}
	ET_ERR_CHECK(err, what);
	CHECK(nan_bad == 0, "%s: %ld windows holding a NaN did not give NaN", what, nan_bad);
	if (err.bad || nan_bad)
		fprintf(stderr, "  op %u flags %u k %ux%u s %u,%u d %u,%u pad t%u b%u l%u r%u\n",
			pkt->op, pkt->hdr.flags, pkt->kernel_h, pkt->kernel_w, pkt->stride_h,
			pkt->stride_w, pkt->dilation_h, pkt->dilation_w, pkt->pad_top,
			pkt->pad_bottom, pkt->pad_left, pkt->pad_right);
}

static void test_pool(void)
{
	for (int it = 0; it < 120; it++) {
		struct vaccel_pkt_pool pkt;
		struct et_env e;
		__u32 n = (__u32)et_randint(1, 2), c = (__u32)et_randint(1, 3);
		__u32 h = (__u32)et_randint(1, 12), w = (__u32)et_randint(1, 40), oh, ow;
		__u32 xd[4], yd[4];
		bool negative = it % 3 == 0;
		int ret;

		memset(&pkt, 0, sizeof(pkt));
		pkt.op = (__u32)(it % 2);
		pkt.hdr.flags = pkt.op == VACCEL_POOL_AVG && et_randint(0, 1) ? VACCEL_POOL_F_COUNT_PAD : 0;
		pkt.kernel_h = (__u32)et_randint(1, 4);
		pkt.kernel_w = (__u32)et_randint(1, 4);
		pkt.stride_h = (__u32)et_randint(1, 3);
		pkt.stride_w = (__u32)et_randint(1, 3);
		pkt.dilation_h = (__u32)et_randint(1, 2);
		pkt.dilation_w = (__u32)et_randint(1, 2);
		pkt.pad_top = (__u32)et_randint(0, 2);
		pkt.pad_bottom = (__u32)et_randint(0, 2);
		pkt.pad_left = (__u32)et_randint(0, 2);
		pkt.pad_right = (__u32)et_randint(0, 2);
		oh = out_extent(h, pkt.pad_top, pkt.pad_bottom, pkt.kernel_h, pkt.dilation_h,
				pkt.stride_h);
		ow = out_extent(w, pkt.pad_left, pkt.pad_right, pkt.kernel_w, pkt.dilation_w,
				pkt.stride_w);
		if (!oh || !ow ||
		    !windows_overlap(h, oh, pkt.kernel_h, pkt.stride_h, pkt.dilation_h, pkt.pad_top) ||
		    !windows_overlap(w, ow, pkt.kernel_w, pkt.stride_w, pkt.dilation_w, pkt.pad_left)) {
			it--;
			continue;
		}
		et_env_init(&e);
		xd[0] = n; xd[1] = c; xd[2] = h; xd[3] = w;
		yd[0] = n; yd[1] = c; yd[2] = oh; yd[3] = ow;
		pkt.x = et_tensor(&e, VACCEL_DTYPE_F32, 4, xd, et_randint(0, 1));
		if (negative) {
			/* All inputs < 0: a max that let padding in would return 0. */
			float *p = et_f32(&e, &pkt.x);

			for (size_t k = 0; k < e.bufs[pkt.x.buf].size / 4; k++)
				p[k] = p[k] - 3.0f;
		}
		pkt.y = et_tensor(&e, VACCEL_DTYPE_F32, 4, yd, et_randint(0, 1));
		ret = ET_RUN1(&e, VACCEL_OP_POOL, pkt);
		CHECK(ret == 0, "pool: %d", ret);
		check_pool(&e, &pkt, "pool");
		et_env_fini(&e);
	}
}

/*
 * A POOL large enough for the host's parallel_for hook (ResNet's stem max
 * pool, and an average pool of the same shape): its planes come in slices,
 * run here backwards, each exactly once; the result is the reference's.
 */
struct pool_par_state {
	__u32 calls, slices, dup;
	unsigned char seen[1024];
};

static int pool_par_hook(void *priv, __u32 n, int (*fn)(void *arg, __u32 i), void *arg)
{
	struct pool_par_state *s = priv;

	s->calls++;
	s->slices = n;
	for (__u32 i = n; i-- > 0;) {
		int ret;

		if (i < sizeof(s->seen) && s->seen[i]++)
			s->dup++;
		ret = fn(arg, i);
		if (ret)
			return ret;
	}
	return 0;
}

static void test_pool_parallel(void)
{
	for (__u32 op = 0; op < 2; op++) {
		struct pool_par_state st;
		struct vaccel_exec_hooks hooks = { .priv = &st, .parallel_for = pool_par_hook };
		__u32 xd[4] = { 2, 64, 112, 112 }, yd[4] = { 2, 64, 56, 56 };
		struct vaccel_pkt_pool pkt;
		struct et_cmdbuf cb;
		struct et_env e;
		float *x;
		int ret;

		memset(&st, 0, sizeof(st));
		memset(&pkt, 0, sizeof(pkt));
		et_env_init(&e);
		pkt.hdr.opcode = VACCEL_OP_POOL;
		pkt.hdr.size = sizeof(pkt);
		pkt.op = op;
		pkt.kernel_h = pkt.kernel_w = 3;
		pkt.stride_h = pkt.stride_w = 2;
		pkt.dilation_h = pkt.dilation_w = 1;
		pkt.pad_top = pkt.pad_bottom = pkt.pad_left = pkt.pad_right = 1;
		pkt.x = et_tensor(&e, VACCEL_DTYPE_F32, 4, xd, 0);
		pkt.y = et_tensor(&e, VACCEL_DTYPE_F32, 4, yd, 0);
		/* Negative inputs: a max that let padding in would return 0. A
		 * few NaNs, which a max must pass on. */
		x = et_f32(&e, &pkt.x);
		for (size_t k = 0; k < e.bufs[pkt.x.buf].size / 4; k++)
			x[k] = k % 99991 == 7 && op == VACCEL_POOL_MAX ? NAN : x[k] - 3.0f;
		et_cb_init(&cb);
		et_cb_add(&cb, &pkt, sizeof(pkt));
		ret = et_run(&e, &cb, &hooks, NULL);
		CHECK(ret == 0, "pool op %u: %d", op, ret);
		CHECK(st.calls == 1 && st.slices > 1 && st.slices <= sizeof(st.seen) && !st.dup,
		      "pool op %u: %u hook calls, %u slices, %u run twice", op, st.calls,
		      st.slices, st.dup);
		for (__u32 i = 0; i < st.slices && i < sizeof(st.seen); i++)
			CHECK(st.seen[i] == 1, "pool op %u: slice %u ran %u times", op, i, st.seen[i]);
		check_pool(&e, &pkt, op ? "parallel avg pool" : "parallel max pool");
		et_cb_fini(&cb);
		et_env_fini(&e);
	}
}

/* The conv2d hook's contract, as for gemm: 0 computed, -EOPNOTSUPP falls
 * back to the engine, any other error ends the job at that packet. */
struct conv_hook_state {
	int calls;
	int ret;
};

static int conv_hook(void *priv, const struct vaccel_pkt_conv2d *pkt,
		     const struct vaccel_engine_buffer *bufs)
{
	struct conv_hook_state *h = priv;
	float v = 777.0f;

	h->calls++;
	if (!h->ret)
		memcpy((char *)bufs[pkt->y.buf].ptr + pkt->y.offset, &v, sizeof(v));
	return h->ret;
}

static void test_conv_hook(void)
{
	struct conv_hook_state h = { 0, 0 };
	struct vaccel_exec_hooks hooks = { .priv = &h, .conv2d = conv_hook };
	struct vaccel_pkt_nop nop = { .hdr = { .opcode = VACCEL_OP_NOP, .size = sizeof(nop) } };
	__u32 xd[4] = { 1, 2, 3, 3 }, wd[4] = { 1, 2, 2, 2 }, yd[4] = { 1, 1, 2, 2 };
	struct vaccel_pkt_conv2d pkt;
	struct et_cmdbuf cb;
	struct et_env e;
	__u32 failed = 99;
	double ref = 0;
	float *y;
	int ret;

	et_env_init(&e);
	memset(&pkt, 0, sizeof(pkt));
	pkt.stride_h = pkt.stride_w = pkt.dilation_h = pkt.dilation_w = pkt.groups = 1;
	pkt.x = et_tensor(&e, VACCEL_DTYPE_F32, 4, xd, 0);
	pkt.w = et_tensor(&e, VACCEL_DTYPE_F32, 4, wd, 0);
	pkt.y = et_tensor(&e, VACCEL_DTYPE_F32, 4, yd, 0);
	y = et_f32(&e, &pkt.y);
	et_cb_init(&cb);
	ET_ADD(&cb, VACCEL_OP_CONV2D, pkt);
	ret = et_run(&e, &cb, &hooks, &failed);
	CHECK(ret == 0 && h.calls == 1 && y[0] == 777.0f, "hook path: ret %d calls %d y %g", ret,
	      h.calls, y[0]);

	h.ret = -EOPNOTSUPP;
	ret = et_run(&e, &cb, &hooks, &failed);
	for (__u32 c = 0; c < 2; c++)
		for (__u32 a = 0; a < 2; a++)
			for (__u32 b = 0; b < 2; b++)
				ref += get4(&e, &pkt.x, 0, c, a, b) * get4(&e, &pkt.w, 0, c, a, b);
	CHECK(ret == 0 && h.calls == 2, "fallback: ret %d calls %d", ret, h.calls);
	CHECK(fabs(y[0] - ref) < 1e-5, "fallback y %g want %g", y[0], ref);
	et_cb_fini(&cb);

	h.ret = -EIO;
	et_cb_init(&cb);
	et_cb_add(&cb, &nop, sizeof(nop));
	ET_ADD(&cb, VACCEL_OP_CONV2D, pkt);
	ret = et_run(&e, &cb, &hooks, &failed);
	CHECK(ret == -EIO && failed == 1, "hook error: ret %d failed %u", ret, failed);
	et_cb_fini(&cb);
	et_env_fini(&e);
}

int main(void)
{
	et_seed_env(31337);
	RUN_CASE(test_conv);
	RUN_CASE(test_pool);
	RUN_CASE(test_pool_parallel);
	RUN_CASE(test_conv_hook);
	HARNESS_EXIT();
}
