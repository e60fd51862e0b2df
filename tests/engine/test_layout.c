// SPDX-License-Identifier: MIT
/*
 * test_layout.c - COPY and FILL for every dtype, TRANSPOSE and GATHER of F32
 * (the only data type ISA 1.0 gives them; GATHER with negative I32 and I64
 * indices, and an out-of-range index ending the job with -EDOM and no
 * write), all checked element by element, bit-exact, against
 * index arithmetic done independently here.
 */
#include "engine_test.h"

static const __u32 all_dtypes[] = {
	VACCEL_DTYPE_F32, VACCEL_DTYPE_BF16, VACCEL_DTYPE_F16,
	VACCEL_DTYPE_I8, VACCEL_DTYPE_I32, VACCEL_DTYPE_I64,
};

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
	} while (n > 10000);
	return rank;
}

static const unsigned char *elem(struct et_env *e, const struct vaccel_tensor *t,
				 const __u32 *idx)
{
	return (const unsigned char *)e->bufs[t->buf].ptr + et_at(t, idx) * vaccel_dtype_size(t->dtype);
}

static void test_copy(void)
{
	for (int it = 0; it < 60; it++) {
		__u32 dtype = all_dtypes[it % 6], dims[4], rank = rand_shape(dims), idx[4] = { 0 };
		__u32 es = vaccel_dtype_size(dtype);
		struct vaccel_pkt_copy pkt;
		struct et_env e;
		long bad = 0;
		unsigned char *before;
		size_t dsize;
		int ret;

		et_env_init(&e);
		memset(&pkt, 0, sizeof(pkt));
		pkt.src = et_tensor(&e, dtype, rank, dims, et_randint(0, 1));
		pkt.dst = et_tensor(&e, dtype, rank, dims, et_randint(0, 1));
		dsize = e.bufs[pkt.dst.buf].size;
		before = malloc(dsize);
		memcpy(before, e.bufs[pkt.dst.buf].ptr, dsize);
		ret = ET_RUN1(&e, VACCEL_OP_COPY, pkt);
		CHECK(ret == 0, "copy: %d", ret);
		do {
			bad += memcmp(elem(&e, &pkt.dst, idx), elem(&e, &pkt.src, idx), es) != 0;
			/* Mark visited so the untouched-bytes check below can skip it. */
			memcpy(before + (elem(&e, &pkt.dst, idx) - (unsigned char *)e.bufs[pkt.dst.buf].ptr),
			       elem(&e, &pkt.dst, idx), es);
		} while (et_next(idx, dims, rank));
		CHECK(bad == 0, "copy dtype %u rank %u: %ld wrong elements", dtype, rank, bad);
		/* Padding between rows must not be written. */
		CHECK(memcmp(before, e.bufs[pkt.dst.buf].ptr, dsize) == 0,
		      "copy dtype %u wrote outside the destination view", dtype);
		free(before);
		et_env_fini(&e);
	}
}

static void test_fill(void)
{
	for (int it = 0; it < 36; it++) {
		__u32 dtype = all_dtypes[it % 6], dims[4], rank = rand_shape(dims), idx[4] = { 0 };
		__u32 es = vaccel_dtype_size(dtype);
		struct vaccel_pkt_fill pkt;
		struct et_env e;
		long bad = 0;
		int ret;

		et_env_init(&e);
		memset(&pkt, 0, sizeof(pkt));
		pkt.value = et_rand();
		if (es < 8)
			pkt.value &= (1ull << (8 * es)) - 1;	/* high bytes must be zero */
		pkt.dst = et_tensor(&e, dtype, rank, dims, et_randint(0, 1));
		ret = ET_RUN1(&e, VACCEL_OP_FILL, pkt);
		CHECK(ret == 0, "fill: %d", ret);
		do {
			/* Little endian: the element is the value's low es bytes. */
			bad += memcmp(elem(&e, &pkt.dst, idx), &pkt.value, es) != 0;
		} while (et_next(idx, dims, rank));
		CHECK(bad == 0, "fill dtype %u: %ld wrong elements", dtype, bad);
		et_env_fini(&e);
	}
}

static void test_transpose(void)
{
	for (int it = 0; it < 60; it++) {
		__u32 dtype = VACCEL_DTYPE_F32, xd[4], yd[4], rank = rand_shape(xd);
		__u32 perm[4] = { 0, 1, 2, 3 }, yidx[4] = { 0 }, xidx[4];
		__u32 es = vaccel_dtype_size(dtype);
		struct vaccel_pkt_transpose pkt;
		struct et_env e;
		long bad = 0;
		int ret;

		for (__u32 d = rank; d > 1; d--) {
			__u32 j = (__u32)et_randint(0, (int)d - 1), t = perm[d - 1];

			perm[d - 1] = perm[j];
			perm[j] = t;
		}
		et_env_init(&e);
		memset(&pkt, 0, sizeof(pkt));
		memcpy(pkt.perm, perm, sizeof(perm));
		for (__u32 d = rank; d < 4; d++)
			pkt.perm[d] = 0;
		for (__u32 k = 0; k < rank; k++)
			yd[k] = xd[perm[k]];
		pkt.x = et_tensor(&e, dtype, rank, xd, et_randint(0, 1));
		pkt.y = et_tensor(&e, dtype, rank, yd, et_randint(0, 1));
		ret = ET_RUN1(&e, VACCEL_OP_TRANSPOSE, pkt);
		CHECK(ret == 0, "transpose: %d", ret);
		do {
			for (__u32 k = 0; k < rank; k++)
				xidx[perm[k]] = yidx[k];
			bad += memcmp(elem(&e, &pkt.y, yidx), elem(&e, &pkt.x, xidx), es) != 0;
		} while (et_next(yidx, yd, rank));
		CHECK(bad == 0, "transpose rank %u perm %u%u%u%u: %ld wrong", rank, perm[0], perm[1],
		      perm[2], perm[3], bad);
		et_env_fini(&e);
	}
}

/* Write index value @v at @idx of an I32 or I64 tensor. */
static void put_index(struct et_env *e, const struct vaccel_tensor *t, const __u32 *idx, long v)
{
	unsigned char *p = (unsigned char *)e->bufs[t->buf].ptr + et_at(t, idx) *
			   vaccel_dtype_size(t->dtype);

	if (t->dtype == VACCEL_DTYPE_I32) {
		int32_t x = (int32_t)v;

		memcpy(p, &x, 4);
	} else {
		int64_t x = v;

		memcpy(p, &x, 8);
	}
}

static void test_gather(void)
{
	for (int it = 0; it < 80; it++) {
		__u32 xd[4], xr, axis, idims[4], ir, yd[4], yr, iidx[4] = { 0 }, yidx[4] = { 0 };
		__u32 dtype = VACCEL_DTYPE_F32;	/* ISA 1.0: compute ops take F32 only */
		__u32 es = vaccel_dtype_size(dtype);
		bool oob = it % 8 == 7;
		struct vaccel_pkt_gather pkt;
		struct et_env e;
		long bad = 0, *vals;
		unsigned char *before;
		size_t ysize;
		int ret;

		do {
			xr = rand_shape(xd);
			ir = (__u32)et_randint(1, 4);
		} while (xr - 1 + ir > 4);
		axis = (__u32)et_randint(0, (int)xr - 1);
		for (__u32 d = 0; d < ir; d++)
			idims[d] = (__u32)et_randint(1, 5);
		yr = xr - 1 + ir;
		for (__u32 d = 0; d < yr; d++)
			yd[d] = d < axis ? xd[d] : d < axis + ir ? idims[d - axis] : xd[d - ir + 1];
		et_env_init(&e);
		memset(&pkt, 0, sizeof(pkt));
		pkt.axis = axis;
		pkt.x = et_tensor(&e, dtype, xr, xd, et_randint(0, 1));
		pkt.indices = et_tensor(&e, it % 2 ? VACCEL_DTYPE_I64 : VACCEL_DTYPE_I32, ir, idims,
					et_randint(0, 1));
		pkt.y = et_tensor(&e, dtype, yr, yd, et_randint(0, 1));
		vals = malloc(sizeof(long) * et_numel(&pkt.indices));
		{
			long k = 0, n = (long)xd[axis];

			do {
				vals[k] = et_randint(-(int)n, (int)n - 1);	/* negatives too */
				put_index(&e, &pkt.indices, iidx, vals[k]);
				k++;
			} while (et_next(iidx, idims, ir));
			if (oob) {
				long last = k - 1;

				vals[last] = et_randint(0, 1) ? n : -n - 1;
				memset(iidx, 0, sizeof(iidx));
				for (long j = 0; j < last; j++)
					et_next(iidx, idims, ir);
				put_index(&e, &pkt.indices, iidx, vals[last]);
			}
		}
		ysize = e.bufs[pkt.y.buf].size;
		before = malloc(ysize);
		memcpy(before, e.bufs[pkt.y.buf].ptr, ysize);
		ret = ET_RUN1(&e, VACCEL_OP_GATHER, pkt);
		if (oob) {
			CHECK(ret == -EDOM, "out-of-range index: ret %d, want -EDOM", ret);
			CHECK(memcmp(before, e.bufs[pkt.y.buf].ptr, ysize) == 0,
			      "out-of-range gather wrote its output");
		} else {
			CHECK(ret == 0, "gather: %d", ret);
			do {
				__u32 xidx[4];
				long flat = 0, v;

				/* Row-major position of the index part of yidx. */
				for (__u32 d = 0; d < ir; d++)
					flat = flat * idims[d] + yidx[axis + d];
				v = vals[flat];
				for (__u32 d = 0; d < xr; d++)
					xidx[d] = d < axis ? yidx[d] : d == axis ?
						  (__u32)(v < 0 ? v + (long)xd[axis] : v) :
						  yidx[d + ir - 1];
				bad += memcmp(elem(&e, &pkt.y, yidx), elem(&e, &pkt.x, xidx), es) != 0;
			} while (et_next(yidx, yd, yr));
			CHECK(bad == 0, "gather x rank %u axis %u idx rank %u: %ld wrong", xr, axis,
			      ir, bad);
		}
		free(before);
		free(vals);
		et_env_fini(&e);
	}
}

int main(void)
{
	et_seed_env(8086);
	RUN_CASE(test_copy);
	RUN_CASE(test_fill);
	RUN_CASE(test_transpose);
	RUN_CASE(test_gather);
	HARNESS_EXIT();
}
