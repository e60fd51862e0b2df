// SPDX-License-Identifier: MIT
/*
 * test_eltwise.c - UNARY, BINARY (numpy broadcasting) and FUSED_ELEMENTWISE
 * against per-element references in double with libm.
 *
 * Tolerances: +, -, *, /, max, min must be exact (the double result rounded
 * to float is the correctly rounded float op); transcendental functions and
 * pow within 1.2e-7 relative (one half-ulp plus slack); fused programs,
 * whose reference rounds to float after every instruction as the engine
 * does, within 1e-6 * (1 + |ref|).
 */
#include "engine_test.h"

static const __u32 sizes[] = { 1, 2, 3, 7, 17, 33, 65 };

static __u32 pick(void)
{
	return sizes[et_randint(0, sizeof(sizes) / sizeof(sizes[0]) - 1)];
}

/* Random y shape with at most ~6000 elements. */
static __u32 rand_shape(__u32 *dims)
{
	__u32 rank = (__u32)et_randint(1, 4), n;

	do {
		n = 1;
		for (__u32 d = 0; d < rank; d++) {
			dims[d] = pick();
			n *= dims[d];
		}
	} while (n > 6000);
	return rank;
}

/* An input shape that broadcasts to y: fewer leading dims and/or 1s. */
static __u32 bcast_shape(const __u32 *ydims, __u32 yrank, __u32 *dims, bool allow)
{
	__u32 rank = allow ? (__u32)et_randint(1, (int)yrank) : yrank;

	for (__u32 d = 0; d < rank; d++) {
		dims[d] = ydims[yrank - rank + d];
		if (allow && et_randint(0, 2) == 0)
			dims[d] = 1;
	}
	return rank;
}

/* Value of broadcast input @t at output index @yidx. */
static double bval(struct et_env *e, const struct vaccel_tensor *t, const __u32 *yidx,
		   __u32 yrank)
{
	__u32 idx[4];

	for (__u32 d = 0; d < t->rank; d++)
		idx[d] = t->dims[d] == 1 ? 0 : yidx[yrank - t->rank + d];
	return et_f32(e, t)[et_at(t, idx)];
}

static double unary_ref(__u32 op, double x)
{
	switch (op) {
	case VACCEL_UNARY_RELU: return x > 0 ? x : 0;
	case VACCEL_UNARY_GELU: return 0.5 * x * erfc(-x / sqrt(2.0));
	case VACCEL_UNARY_SILU: return x / (1 + exp(-x));
	case VACCEL_UNARY_SIGMOID: return 1 / (1 + exp(-x));
	case VACCEL_UNARY_TANH: return tanh(x);
	case VACCEL_UNARY_EXP: return exp(x);
	case VACCEL_UNARY_LOG: return x == 0 ? -INFINITY : log(x);
	case VACCEL_UNARY_SQRT: return sqrt(x);
	case VACCEL_UNARY_RSQRT: return 1 / sqrt(x);
	case VACCEL_UNARY_NEG: return -x;
	case VACCEL_UNARY_ABS: return fabs(x);
	case VACCEL_UNARY_ERF: return erf(x);
	}
	return NAN;
}

static double binary_ref(__u32 op, double a, double b)
{
	switch (op) {
	case VACCEL_BINARY_ADD: return a + b;
	case VACCEL_BINARY_SUB: return a - b;
	case VACCEL_BINARY_MUL: return a * b;
	case VACCEL_BINARY_DIV: return a / b;
	case VACCEL_BINARY_MAX: return isnan(a) || isnan(b) ? NAN : a > b ? a : b;
	case VACCEL_BINARY_MIN: return isnan(a) || isnan(b) ? NAN : a < b ? a : b;
	case VACCEL_BINARY_POW: return pow(a, b);
	}
	return NAN;
}

/* Scale every float of a buffer: spread inputs over a wider range. */
static void scale_buf(struct et_env *e, const struct vaccel_tensor *t, float s, float add)
{
	float *p = et_f32(e, t);

	for (size_t i = 0; i < e->bufs[t->buf].size / 4; i++)
		p[i] = p[i] * s + add;
}

static void test_unary(void)
{
	for (int it = 0; it < 60; it++) {
		__u32 op = (__u32)(it % VACCEL_UNARY_COUNT), dims[4], rank = rand_shape(dims);
		bool inplace = it % 5 == 4;
		struct vaccel_pkt_unary pkt;
		struct et_env e;
		struct et_err err;
		__u32 idx[4] = { 0 };
		double *xs;
		long i = 0;
		int ret;

		et_env_init(&e);
		memset(&pkt, 0, sizeof(pkt));
		pkt.op = op;
		pkt.x = et_tensor(&e, VACCEL_DTYPE_F32, rank, dims, et_randint(0, 1));
		scale_buf(&e, &pkt.x, 6.0f, 0.0f);	/* [-6, 6): negatives reach log/sqrt */
		pkt.y = inplace ? pkt.x : et_tensor(&e, VACCEL_DTYPE_F32, rank, dims,
						    et_randint(0, 1));
		xs = malloc(sizeof(double) * et_numel(&pkt.y));
		do
			xs[i++] = et_f32(&e, &pkt.x)[et_at(&pkt.x, idx)];
		while (et_next(idx, dims, rank));
		ret = ET_RUN1(&e, VACCEL_OP_UNARY, pkt);
		CHECK(ret == 0, "unary op %u: %d", op, ret);
		et_err_init(&err);
		i = 0;
		do {
			double ref = unary_ref(op, xs[i]);

			et_err_add(&err, i, et_f32(&e, &pkt.y)[et_at(&pkt.y, idx)], (float)ref,
				   1.2e-7 * fabs(ref) + 1e-44);
			i++;
		} while (et_next(idx, dims, rank));
		ET_ERR_CHECK(err, inplace ? "unary in place" : "unary");
		if (err.bad)
			fprintf(stderr, "  op %u rank %u\n", op, rank);
		free(xs);
		et_env_fini(&e);
	}
}

static void test_binary(void)
{
	for (int it = 0; it < 140; it++) {
		__u32 op = (__u32)(it % VACCEL_BINARY_COUNT), ydims[4], ad[4], bd[4];
		__u32 yrank = rand_shape(ydims), ar, br;
		int alias = it % 7 == 6 ? et_randint(1, 2) : 0;	/* y aliases a or b */
		struct vaccel_pkt_binary pkt;
		struct et_env e;
		struct et_err err;
		__u32 idx[4] = { 0 };
		double *ref;
		long i = 0;
		int ret;

		et_env_init(&e);
		memset(&pkt, 0, sizeof(pkt));
		pkt.op = op;
		ar = bcast_shape(ydims, yrank, ad, alias != 1);
		br = bcast_shape(ydims, yrank, bd, alias != 2);
		pkt.a = et_tensor(&e, VACCEL_DTYPE_F32, ar, ad, et_randint(0, 1));
		pkt.b = et_tensor(&e, VACCEL_DTYPE_F32, br, bd, et_randint(0, 1));
		if (op == VACCEL_BINARY_POW) {
			scale_buf(&e, &pkt.a, 2.0f, 2.5f);	/* base (0.5, 4.5) */
			scale_buf(&e, &pkt.b, 8.0f, 0.0f);
		}
		if (op == VACCEL_BINARY_MAX && it % 2)
			et_f32(&e, &pkt.a)[pkt.a.offset / 4] = NAN;	/* NaN propagates */
		pkt.y = alias == 1 ? pkt.a : alias == 2 ? pkt.b :
			et_tensor(&e, VACCEL_DTYPE_F32, yrank, ydims, et_randint(0, 1));
		ref = malloc(sizeof(double) * et_numel(&pkt.y));
		do
			ref[i++] = binary_ref(op, bval(&e, &pkt.a, idx, yrank),
					      bval(&e, &pkt.b, idx, yrank));
		while (et_next(idx, ydims, yrank));
		ret = ET_RUN1(&e, VACCEL_OP_BINARY, pkt);
		CHECK(ret == 0, "binary op %u: %d", op, ret);
		et_err_init(&err);
		i = 0;
		do {
			double r = (float)ref[i];

			et_err_add(&err, i, et_f32(&e, &pkt.y)[et_at(&pkt.y, idx)], r,
				   op == VACCEL_BINARY_POW ? 1.2e-7 * fabs(r) + 1e-44 : 0.0);
			i++;
		} while (et_next(idx, ydims, yrank));
		ET_ERR_CHECK(err, "binary");
		if (err.bad)
			fprintf(stderr, "  op %u y rank %u a rank %u b rank %u alias %d\n", op,
				yrank, ar, br, alias);
		free(ref);
		et_env_fini(&e);
	}
}

/* ---- fused ---- */

static const __u32 fused_unary_ops[] = {
	VACCEL_UNARY_RELU, VACCEL_UNARY_TANH, VACCEL_UNARY_SIGMOID, VACCEL_UNARY_NEG,
	VACCEL_UNARY_ABS, VACCEL_UNARY_GELU, VACCEL_UNARY_EXP, VACCEL_UNARY_ERF,
};
static const __u32 fused_binary_ops[] = {
	VACCEL_BINARY_ADD, VACCEL_BINARY_SUB, VACCEL_BINARY_MUL, VACCEL_BINARY_MAX,
	VACCEL_BINARY_MIN,
};

/* A random valid program: loads first, then ops on written registers. */
static void rand_program(struct vaccel_pkt_fused *pkt)
{
	__u32 written[VACCEL_FUSED_NUM_REGS], nw = 0, n = 0, k;

	for (k = 0; k < pkt->num_inputs; k++) {
		struct vaccel_fused_inst *in = &pkt->insts[n++];

		in->opc = VACCEL_FUSED_LOAD;
		in->dst = (__u8)k;
		in->src0 = (__u8)k;
		written[nw++] = k;
	}
	while (n < (__u32)et_randint((int)pkt->num_inputs + 1, 20)) {
		struct vaccel_fused_inst *in = &pkt->insts[n++];
		__u32 dst = (__u32)et_randint(0, VACCEL_FUSED_NUM_REGS - 1);
		int kind = et_randint(0, 9);

		in->src0 = (__u8)written[et_randint(0, (int)nw - 1)];
		if (kind == 0) {
			in->opc = VACCEL_FUSED_CONST;
			in->src0 = 0;
			in->imm = et_bits(et_randf(-2.0f, 2.0f));
		} else if (kind <= 3) {
			in->opc = VACCEL_FUSED_UNARY;
			in->imm = fused_unary_ops[et_randint(0, 7)];
		} else if (kind <= 8) {
			in->opc = VACCEL_FUSED_BINARY;
			in->src1 = (__u8)written[et_randint(0, (int)nw - 1)];
			in->imm = fused_binary_ops[et_randint(0, 4)];
		} else {
			in->opc = VACCEL_FUSED_SELECT;
			in->src1 = (__u8)written[et_randint(0, (int)nw - 1)];
			in->imm = written[et_randint(0, (int)nw - 1)];
		}
		in->dst = (__u8)dst;
		for (k = 0; k < nw && written[k] != dst; k++)
			;
		if (k == nw)
			written[nw++] = dst;
	}
	pkt->num_insts = n;
	pkt->out_reg = pkt->insts[n - 1].dst;
}

/* The program on one element, each result rounded to float like the engine. */
static double fused_ref(const struct vaccel_pkt_fused *pkt, const double *inputs)
{
	double r[VACCEL_FUSED_NUM_REGS] = { 0 };

	for (__u32 k = 0; k < pkt->num_insts; k++) {
		const struct vaccel_fused_inst *in = &pkt->insts[k];
		double v;
		float c;

		switch (in->opc) {
		case VACCEL_FUSED_LOAD:
			v = inputs[in->src0];
			break;
		case VACCEL_FUSED_CONST:
			memcpy(&c, &in->imm, 4);
			v = c;
			break;
		case VACCEL_FUSED_UNARY:
			v = unary_ref(in->imm, r[in->src0]);
			break;
		case VACCEL_FUSED_BINARY:
			v = binary_ref(in->imm, r[in->src0], r[in->src1]);
			break;
		default:
			v = r[in->imm] != 0 ? r[in->src0] : r[in->src1];
			break;
		}
		r[in->dst] = (float)v;
	}
	return r[pkt->out_reg];
}

static void test_fused(void)
{
	for (int it = 0; it < 60; it++) {
		struct vaccel_pkt_fused pkt;
		struct et_env e;
		struct et_err err;
		__u32 ydims[4], yrank = rand_shape(ydims), idx[4] = { 0 };
		double *ref, in[VACCEL_FUSED_MAX_INPUTS];
		long i = 0;
		int ret;

		et_env_init(&e);
		memset(&pkt, 0, sizeof(pkt));
		pkt.num_inputs = (__u32)et_randint(1, VACCEL_FUSED_MAX_INPUTS);
		for (__u32 k = 0; k < pkt.num_inputs; k++) {
			__u32 d[4], r = bcast_shape(ydims, yrank, d, true);

			pkt.in[k] = et_tensor(&e, VACCEL_DTYPE_F32, r, d, et_randint(0, 1));
		}
		pkt.y = et_tensor(&e, VACCEL_DTYPE_F32, yrank, ydims, et_randint(0, 1));
		rand_program(&pkt);
		ref = malloc(sizeof(double) * et_numel(&pkt.y));
		do {
			for (__u32 k = 0; k < pkt.num_inputs; k++)
				in[k] = bval(&e, &pkt.in[k], idx, yrank);
			ref[i++] = fused_ref(&pkt, in);
		} while (et_next(idx, ydims, yrank));
		ret = ET_RUN1(&e, VACCEL_OP_FUSED_ELEMENTWISE, pkt);
		CHECK(ret == 0, "fused: %d", ret);
		et_err_init(&err);
		i = 0;
		do {
			et_err_add(&err, i, et_f32(&e, &pkt.y)[et_at(&pkt.y, idx)], ref[i],
				   1e-6 * (1 + fabs(ref[i])));
			i++;
		} while (et_next(idx, ydims, yrank));
		ET_ERR_CHECK(err, "fused");
		if (err.bad)
			fprintf(stderr, "  program of %u insts, %u inputs\n", pkt.num_insts,
				pkt.num_inputs);
		free(ref);
		et_env_fini(&e);
	}
}

/* A long contiguous span: the fast path and its chunking for checkpoints. */
static int cp_count;

static int count_checkpoint(void *priv)
{
	(void)priv;
	cp_count++;
	return 0;
}

static void test_binary_large(void)
{
	__u32 n = 3 * 1000 * 1000 + 7;
	struct vaccel_exec_hooks hooks = { .checkpoint = count_checkpoint };
	struct vaccel_pkt_binary pkt;
	struct et_cmdbuf cb;
	struct et_env e;
	float *a, *b, *y;
	long bad = 0;
	int ret;

	et_env_init(&e);
	memset(&pkt, 0, sizeof(pkt));
	pkt.op = VACCEL_BINARY_MUL;
	pkt.a = et_tensor(&e, VACCEL_DTYPE_F32, 1, &n, 0);
	pkt.b = et_tensor(&e, VACCEL_DTYPE_F32, 1, &n, 0);
	pkt.y = et_tensor(&e, VACCEL_DTYPE_F32, 1, &n, 0);
	et_cb_init(&cb);
	ET_ADD(&cb, VACCEL_OP_BINARY, pkt);
	ret = et_run(&e, &cb, &hooks, NULL);
	a = et_f32(&e, &pkt.a);
	b = et_f32(&e, &pkt.b);
	y = et_f32(&e, &pkt.y);
	for (__u32 i = 0; i < n; i++)
		bad += y[i] != (float)((double)a[i] * b[i]);
	CHECK(ret == 0 && bad == 0, "large mul: ret %d, %ld wrong", ret, bad);
	CHECK(cp_count >= 2, "3M-element span ran with %d checkpoints", cp_count);
	et_cb_fini(&cb);
	et_env_fini(&e);
}

/*
 * parallel_for: a host that runs the slices backwards (any order is
 * allowed) and checks each is asked for exactly once; the result must still
 * be the reference, whatever the shape, broadcast and strides.
 */
struct par_state {
	__u32 calls, slices, max_slices, small_calls;
	unsigned char seen[4096];
	int ret;
};

static int par_hook(void *priv, __u32 n, int (*fn)(void *arg, __u32 i), void *arg)
{
	struct par_state *s = priv;

	s->calls++;
	s->slices = n;
	if (s->ret)
		return s->ret;
	for (__u32 i = n; i-- > 0;) {
		int ret;

		if (i < sizeof(s->seen))
			s->seen[i]++;
		ret = fn(arg, i);
		if (ret)
			return ret;
	}
	return 0;
}

static void test_parallel_for_hook(void)
{
	__u32 yd[3] = { 3, 1001, 777 }, bd[1] = { 777 }, small[1] = { 1000 };
	struct par_state st;
	struct vaccel_exec_hooks hooks = { .priv = &st, .parallel_for = par_hook };
	struct vaccel_pkt_binary pkt, tiny;
	struct et_cmdbuf cb;
	struct et_env e;
	struct et_err err;
	__u32 idx[3] = { 0, 0, 0 }, once = 0;
	int ret;

	memset(&st, 0, sizeof(st));
	et_env_init(&e);
	memset(&pkt, 0, sizeof(pkt));
	pkt.op = VACCEL_BINARY_SUB;
	pkt.a = et_tensor(&e, VACCEL_DTYPE_F32, 3, yd, 1);	/* permuted, padded */
	pkt.b = et_tensor(&e, VACCEL_DTYPE_F32, 1, bd, 0);	/* row broadcast */
	pkt.y = et_tensor(&e, VACCEL_DTYPE_F32, 3, yd, 1);
	et_cb_init(&cb);
	ET_ADD(&cb, VACCEL_OP_BINARY, pkt);
	ret = et_run(&e, &cb, &hooks, NULL);
	CHECK(ret == 0 && st.calls == 1 && st.slices > 1, "ret %d, %u calls, %u slices", ret,
	      st.calls, st.slices);
	for (__u32 i = 0; i < st.slices && i < sizeof(st.seen); i++)
		once += st.seen[i] == 1;
	CHECK(once == st.slices, "%u of %u slices asked for exactly once", once, st.slices);
	et_err_init(&err);
	do {
		double want = (double)et_f32(&e, &pkt.a)[et_at(&pkt.a, idx)] -
			      et_f32(&e, &pkt.b)[et_at(&pkt.b, &idx[2])];

		et_err_add(&err, (long)et_at(&pkt.y, idx), et_f32(&e, &pkt.y)[et_at(&pkt.y, idx)],
			   want, 1e-6 * (1.0 + fabs(want)));
	} while (et_next(idx, yd, 3));
	ET_ERR_CHECK(err, "sliced sub");
	et_cb_fini(&cb);

	/* A small packet never reaches the hook. */
	memset(&tiny, 0, sizeof(tiny));
	tiny.op = VACCEL_BINARY_ADD;
	tiny.a = et_tensor(&e, VACCEL_DTYPE_F32, 1, small, 0);
	tiny.b = et_tensor(&e, VACCEL_DTYPE_F32, 1, small, 0);
	tiny.y = et_tensor(&e, VACCEL_DTYPE_F32, 1, small, 0);
	et_cb_init(&cb);
	ET_ADD(&cb, VACCEL_OP_BINARY, tiny);
	st.calls = 0;
	ret = et_run(&e, &cb, &hooks, NULL);
	CHECK(ret == 0 && st.calls == 0, "small packet: ret %d, %u hook calls", ret, st.calls);
	et_cb_fini(&cb);

	/* The hook's error (a cancelled job) ends the job at that packet. */
	et_cb_init(&cb);
	ET_ADD(&cb, VACCEL_OP_BINARY, tiny);
	ET_ADD(&cb, VACCEL_OP_BINARY, pkt);
	st.ret = -ECANCELED;
	{
		__u32 failed = 99;

		ret = et_run(&e, &cb, &hooks, &failed);
		CHECK(ret == -ECANCELED && failed == 1, "hook error: ret %d failed %u", ret, failed);
	}
	et_cb_fini(&cb);
	et_env_fini(&e);
}

int main(void)
{
	et_seed_env(424242);
	RUN_CASE(test_unary);
	RUN_CASE(test_binary);
	RUN_CASE(test_fused);
	RUN_CASE(test_binary_large);
	RUN_CASE(test_parallel_for_hook);
	HARNESS_EXIT();
}
