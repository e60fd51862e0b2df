// SPDX-License-Identifier: MIT
/*
 * test_reduce_norm.c - REDUCE, SOFTMAX, LAYERNORM and RMSNORM against
 * double-precision loops over explicit indices.
 *
 * Tolerances: REDUCE max exact; sum/mean 1e-6 relative to the sum of
 * magnitudes (the engine accumulates in double; the float result rounding is
 * the error); SOFTMAX 1e-6 relative plus the float rounding of x - max times
 * its condition number |x - max|; norms 2e-6 * (1 + |ref|).
 */
#include "engine_test.h"

static const __u32 sizes[] = { 1, 2, 3, 7, 17, 33, 65 };

static __u32 rand_shape(__u32 *dims)
{
	__u32 rank = (__u32)et_randint(1, 4), n;

	do {
		n = 1;
		for (__u32 d = 0; d < rank; d++) {
			dims[d] = sizes[et_randint(0, 6)];
			n *= dims[d];
		}
	} while (n > 8000);
	return rank;
}

static double get(struct et_env *e, const struct vaccel_tensor *t, const __u32 *idx)
{
	return et_f32(e, t)[et_at(t, idx)];
}

static void test_reduce(void)
{
	for (int it = 0; it < 90; it++) {
		__u32 op = (__u32)(it % VACCEL_REDUCE_COUNT), xd[4], yd[4], rank = rand_shape(xd);
		__u32 axes = (__u32)et_randint(1, (1 << rank) - 1), yidx[4] = { 0 };
		struct vaccel_pkt_reduce pkt;
		struct et_env e;
		struct et_err err;
		long i = 0;
		int ret;

		et_env_init(&e);
		memset(&pkt, 0, sizeof(pkt));
		pkt.op = op;
		pkt.axes = axes;
		for (__u32 d = 0; d < rank; d++)
			yd[d] = (axes >> d) & 1 ? 1 : xd[d];
		pkt.x = et_tensor(&e, VACCEL_DTYPE_F32, rank, xd, et_randint(0, 1));
		pkt.y = et_tensor(&e, VACCEL_DTYPE_F32, rank, yd, et_randint(0, 1));
		ret = ET_RUN1(&e, VACCEL_OP_REDUCE, pkt);
		CHECK(ret == 0, "reduce: %d", ret);
		{
			/* One pass over x, accumulating into y's row-major slot. */
			long ny = (long)et_numel(&pkt.y);
			double *sum = calloc(ny, sizeof(double)), *mag = calloc(ny, sizeof(double));
			double *max = malloc(ny * sizeof(double));
			__u32 xidx[4] = { 0 };

			for (long k = 0; k < ny; k++)
				max[k] = -INFINITY;
			do {
				long slot = 0;
				double v = get(&e, &pkt.x, xidx);

				for (__u32 d = 0; d < rank; d++)
					slot = slot * yd[d] + ((axes >> d) & 1 ? 0 : xidx[d]);
				sum[slot] += v;
				mag[slot] += fabs(v);
				max[slot] = v > max[slot] ? v : max[slot];
			} while (et_next(xidx, xd, rank));
			et_err_init(&err);
			do {
				double cnt = (double)et_numel(&pkt.x) / ny;

				if (op == VACCEL_REDUCE_MAX)
					et_err_add(&err, i, get(&e, &pkt.y, yidx), max[i], 0.0);
				else if (op == VACCEL_REDUCE_SUM)
					et_err_add(&err, i, get(&e, &pkt.y, yidx), sum[i],
						   1e-6 * mag[i] + 1e-30);
				else
					et_err_add(&err, i, get(&e, &pkt.y, yidx), sum[i] / cnt,
						   1e-6 * mag[i] / cnt + 1e-30);
				i++;
			} while (et_next(yidx, yd, rank));
			free(sum);
			free(mag);
			free(max);
		}
		ET_ERR_CHECK(err, "reduce");
		if (err.bad)
			fprintf(stderr, "  op %u rank %u axes %#x\n", op, rank, axes);
		et_env_fini(&e);
	}
}

static void test_softmax(void)
{
	for (int it = 0; it < 60; it++) {
		__u32 xd[4], rank = rand_shape(xd), axis = (__u32)et_randint(0, (int)rank - 1);
		bool inplace = it % 4 == 3;
		struct vaccel_pkt_softmax pkt;
		struct et_env e;
		struct et_err err;
		__u32 idx[4] = { 0 };
		double *xs;
		long i = 0, n;
		int ret;

		et_env_init(&e);
		memset(&pkt, 0, sizeof(pkt));
		pkt.axis = axis;
		pkt.x = et_tensor(&e, VACCEL_DTYPE_F32, rank, xd, et_randint(0, 1));
		{
			/* Large values: a softmax without the max shift overflows. */
			float *p = et_f32(&e, &pkt.x);

			for (size_t k = 0; k < e.bufs[pkt.x.buf].size / 4; k++)
				p[k] = p[k] * 30.0f + (it % 2 ? 100.0f : 0.0f);
		}
		pkt.y = inplace ? pkt.x : et_tensor(&e, VACCEL_DTYPE_F32, rank, xd, et_randint(0, 1));
		n = (long)et_numel(&pkt.x);
		xs = malloc(sizeof(double) * n);
		do
			xs[i++] = get(&e, &pkt.x, idx);
		while (et_next(idx, xd, rank));
		ret = ET_RUN1(&e, VACCEL_OP_SOFTMAX, pkt);
		CHECK(ret == 0, "softmax: %d", ret);
		et_err_init(&err);
		i = 0;
		do {
			/* Row-major position of idx with idx[axis] = j, from xs[]. */
			double max = -INFINITY, sum = 0, ref;
			long stride = 1, base;

			for (__u32 d = rank - 1; d > axis; d--)
				stride *= xd[d];
			base = i - (long)idx[axis] * stride;
			for (__u32 j = 0; j < xd[axis]; j++)
				max = fmax(max, xs[base + (long)j * stride]);
			for (__u32 j = 0; j < xd[axis]; j++)
				sum += exp(xs[base + (long)j * stride] - max);
			ref = exp(xs[i] - max) / sum;
			/* x - max is rounded to float before exp(): that rounding
			 * (half an ulp of |x - max|) is amplified by |x - max|. */
			et_err_add(&err, i, get(&e, &pkt.y, idx), ref,
				   (1e-6 + 6e-8 * fabs(xs[i] - max)) * ref + 1e-38);
			i++;
		} while (et_next(idx, xd, rank));
		ET_ERR_CHECK(err, inplace ? "softmax in place" : "softmax");
		if (err.bad)
			fprintf(stderr, "  rank %u axis %u\n", rank, axis);
		free(xs);
		et_env_fini(&e);
	}
}

static void test_norm(void)
{
	for (int it = 0; it < 80; it++) {
		bool rms = it % 2;
		__u32 xd[4], rank = rand_shape(xd), axis = (__u32)et_randint(0, (int)rank - 1);
		__u32 nd = rank - axis, flags = (__u32)et_randint(0, rms ? 1 : 3);
		bool inplace = it % 5 == 4;
		struct vaccel_pkt_norm pkt;
		struct et_env e;
		struct et_err err;
		__u32 idx[4] = { 0 };
		double *xs, eps = it % 3 ? 1e-5 : 0.25;
		long i = 0, group = 1;
		int ret;

		et_env_init(&e);
		memset(&pkt, 0, sizeof(pkt));
		pkt.hdr.flags = (__u16)flags;
		pkt.axis = axis;
		pkt.eps = et_bits((float)eps);
		pkt.x = et_tensor(&e, VACCEL_DTYPE_F32, rank, xd, et_randint(0, 1));
		{
			/* An offset large next to the spread: one-pass variance fails. */
			float *p = et_f32(&e, &pkt.x);

			for (size_t k = 0; k < e.bufs[pkt.x.buf].size / 4; k++)
				p[k] = p[k] * 3.0f + 50.0f;
		}
		if (flags & VACCEL_NORM_F_SCALE)
			pkt.scale = et_tensor(&e, VACCEL_DTYPE_F32, nd, xd + axis, et_randint(0, 1));
		if (flags & VACCEL_NORM_F_SHIFT)
			pkt.shift = et_tensor(&e, VACCEL_DTYPE_F32, nd, xd + axis, et_randint(0, 1));
		pkt.y = inplace ? pkt.x : et_tensor(&e, VACCEL_DTYPE_F32, rank, xd, et_randint(0, 1));
		xs = malloc(sizeof(double) * et_numel(&pkt.x));
		do
			xs[i++] = get(&e, &pkt.x, idx);
		while (et_next(idx, xd, rank));
		for (__u32 d = axis; d < rank; d++)
			group *= xd[d];
		ret = ET_RUN1(&e, rms ? VACCEL_OP_RMSNORM : VACCEL_OP_LAYERNORM, pkt);
		CHECK(ret == 0, "norm: %d", ret);
		et_err_init(&err);
		i = 0;
		do {
			long base = i - i % group;
			double mean = 0, var = 0, ref;

			if (!rms) {
				for (long j = 0; j < group; j++)
					mean += xs[base + j];
				mean /= group;
			}
			for (long j = 0; j < group; j++)
				var += (xs[base + j] - mean) * (xs[base + j] - mean);
			var /= group;
			ref = (xs[i] - mean) / sqrt(var + (float)eps);
			if (flags & VACCEL_NORM_F_SCALE)
				ref *= get(&e, &pkt.scale, idx + axis);
			if (flags & VACCEL_NORM_F_SHIFT)
				ref += get(&e, &pkt.shift, idx + axis);
			et_err_add(&err, i, get(&e, &pkt.y, idx), ref, 2e-6 * (1 + fabs(ref)));
			i++;
		} while (et_next(idx, xd, rank));
		ET_ERR_CHECK(err, rms ? "rmsnorm" : "layernorm");
		if (err.bad)
			fprintf(stderr, "  rank %u axis %u flags %u\n", rank, axis, flags);
		free(xs);
		et_env_fini(&e);
	}
}

/*
 * Long unit-stride lines, the layout of attention scores and of a
 * transformer's hidden rows: the engine's vectorized paths run their lane
 * loops and tails here (1003 = 62 * 16 + 11), in place and not, with a NaN
 * line and a line of -inf entries for the special cases.
 */
static void test_dense_lines(void)
{
	enum { ROWS = 4, LEN = 1003 };
	__u32 xd[2] = { ROWS, LEN };

	for (int it = 0; it < 4; it++) {
		bool inplace = it & 1, norm = it & 2;
		struct et_env e;
		struct et_err err;
		double *xs;
		float *px, *py;
		int ret;

		et_env_init(&e);
		xs = malloc(sizeof(double) * ROWS * LEN);
		if (!norm) {
			struct vaccel_pkt_softmax pkt;

			memset(&pkt, 0, sizeof(pkt));
			pkt.axis = 1;
			pkt.x = et_tensor(&e, VACCEL_DTYPE_F32, 2, xd, 0);
			px = et_f32(&e, &pkt.x);
			for (long k = 0; k < ROWS * LEN; k++)
				px[k] = px[k] * 40.0f + 20.0f;
			/* row 2: all NaN, from a NaN of either sign */
			px[2 * LEN + 500] = -NAN;
			px[2 * LEN + 7] = NAN;
			for (long k = 3 * LEN; k < 4 * LEN; k += 3)
				px[k] = -INFINITY;	/* row 3: exact zeros */
			for (long k = 0; k < ROWS * LEN; k++)
				xs[k] = px[k];
			pkt.y = inplace ? pkt.x : et_tensor(&e, VACCEL_DTYPE_F32, 2, xd, 0);
			ret = ET_RUN1(&e, VACCEL_OP_SOFTMAX, pkt);
			CHECK(ret == 0, "softmax: %d", ret);
			py = et_f32(&e, &pkt.y);
		} else {
			struct vaccel_pkt_norm pkt;

			memset(&pkt, 0, sizeof(pkt));
			pkt.hdr.flags = VACCEL_NORM_F_SCALE | VACCEL_NORM_F_SHIFT;
			pkt.axis = 1;
			pkt.eps = et_bits(1e-5f);
			pkt.x = et_tensor(&e, VACCEL_DTYPE_F32, 2, xd, 0);
			pkt.scale = et_tensor(&e, VACCEL_DTYPE_F32, 1, xd + 1, 0);
			pkt.shift = et_tensor(&e, VACCEL_DTYPE_F32, 1, xd + 1, 0);
			px = et_f32(&e, &pkt.x);
			for (long k = 0; k < ROWS * LEN; k++) {
				px[k] = px[k] * 3.0f + 50.0f;
				xs[k] = px[k];
			}
			pkt.y = inplace ? pkt.x : et_tensor(&e, VACCEL_DTYPE_F32, 2, xd, 0);
			ret = ET_RUN1(&e, VACCEL_OP_LAYERNORM, pkt);
			CHECK(ret == 0, "layernorm: %d", ret);
			py = et_f32(&e, &pkt.y);
			for (long r = 0; r < ROWS; r++) {
				const float *sc = et_f32(&e, &pkt.scale), *sh = et_f32(&e, &pkt.shift);
				double mean = 0, var = 0;

				for (long j = 0; j < LEN; j++)
					mean += xs[r * LEN + j];
				mean /= LEN;
				for (long j = 0; j < LEN; j++)
					var += (xs[r * LEN + j] - mean) * (xs[r * LEN + j] - mean);
				var /= LEN;
				/* Overwrite xs with the reference, row by row. */
				for (long j = 0; j < LEN; j++)
					xs[r * LEN + j] = (xs[r * LEN + j] - mean) /
							  sqrt(var + (double)1e-5f) * sc[j] + sh[j];
			}
		}
		et_err_init(&err);
		for (long r = 0; r < ROWS; r++) {
			double max = -INFINITY, sum = 0;

			if (!norm) {
				for (long j = 0; j < LEN; j++)
					max = fmax(max, xs[r * LEN + j]);
				for (long j = 0; j < LEN; j++)
					sum += exp(xs[r * LEN + j] - max);
			}
			for (long j = 0; j < LEN; j++) {
				long k = r * LEN + j;
				double ref;

				if (norm) {
					et_err_add(&err, k, py[k], xs[k], 2e-6 * (1 + fabs(xs[k])));
					continue;
				}
				if (r == 2) {
					CHECK(isnan(py[k]), "softmax: NaN line, [%ld] = %g", j, py[k]);
					continue;
				}
				ref = exp(xs[k] - max) / sum;
				if (isinf(xs[k]))
					CHECK(py[k] == 0.0f, "softmax: exp(-inf) gave %g", py[k]);
				else
					et_err_add(&err, k, py[k], ref,
						   (1e-6 + 6e-8 * fabs(xs[k] - max)) * ref + 1e-38);
			}
		}
		ET_ERR_CHECK(err, norm ? "dense layernorm" : "dense softmax");
		if (err.bad)
			fprintf(stderr, "  in place %d\n", inplace);
		free(xs);
		et_env_fini(&e);
	}
}

int main(void)
{
	et_seed_env(777);
	RUN_CASE(test_reduce);
	RUN_CASE(test_softmax);
	RUN_CASE(test_norm);
	RUN_CASE(test_dense_lines);
	HARNESS_EXIT();
}
