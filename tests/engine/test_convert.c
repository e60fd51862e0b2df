// SPDX-License-Identifier: MIT
/*
 * test_convert.c - COPY with VACCEL_COPY_F_CONVERT (ISA 1.1): F32, I32 and
 * I64 converted in every pairing, checked bit-exact element by element.
 *
 * The references are written here without the engine's code paths:
 *   - integer -> F32 rounds to nearest, ties to even, done in integer
 *     arithmetic on the magnitude (no float conversion at all), and also
 *     compared with hand-written expectations (2^24 + 1 -> 2^24, ...);
 *   - F32 -> integer follows the documented edge rules (NaN -> 0, at or
 *     above the maximum -> maximum, below the minimum -> minimum, otherwise
 *     truncation toward zero), decided in double precision, plus a table of
 *     hand-written expectations for -0.5, 0.5, -1.5, 2^31, inf, NaN, ...;
 *   - I64 -> I32 keeps the low 32 bits, I32 -> I64 sign-extends.
 * Random tensors use random strided layouts, broadcast (zero-stride)
 * sources, and check that nothing outside the destination view is written.
 */
#include <float.h>
#include <inttypes.h>

#include "engine_test.h"

#define CV VACCEL_COPY_F_CONVERT

/* ---- the references ---- */

/* Round-to-nearest-even of an integer to binary32, by integer arithmetic. */
static float ref_int_to_f32(int64_t v)
{
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	int shift = 0;
	uint64_t rem, half;
	float f;

	while ((mag >> shift) >= (1ull << 24))
		shift++;
	if (shift) {
		rem = mag & ((1ull << shift) - 1);
		half = 1ull << (shift - 1);
		mag >>= shift;
		if (rem > half || (rem == half && (mag & 1)))
			mag++;	/* may reach 2^24: still exact in binary32 */
	}
	f = ldexpf((float)mag, shift);	/* mag <= 2^24: exact */
	return v < 0 ? -f : f;
}

static int64_t ref_f32_to_int(float x, int bits)
{
	double d = x, lim = ldexp(1.0, bits - 1);
	int64_t max = bits == 32 ? INT32_MAX : INT64_MAX;
	int64_t min = bits == 32 ? INT32_MIN : INT64_MIN;

	if (isnan(d))
		return 0;
	if (d >= lim)
		return max;
	if (d < -lim)
		return min;
	return (int64_t)trunc(d);
}

/* ---- reading and writing one element of any of the three dtypes ---- */

static void put(void *p, __u32 dtype, int64_t iv, float fv)
{
	if (dtype == VACCEL_DTYPE_F32) {
		memcpy(p, &fv, 4);
	} else if (dtype == VACCEL_DTYPE_I32) {
		uint32_t u = (uint32_t)(uint64_t)iv;

		memcpy(p, &u, 4);
	} else {
		memcpy(p, &iv, 8);
	}
}

/* The expected destination bits for source element @s. */
static void expect(const void *s, __u32 sd, __u32 dd, void *out)
{
	int64_t iv = 0;
	float fv = 0;

	if (sd == VACCEL_DTYPE_F32) {
		memcpy(&fv, s, 4);
	} else if (sd == VACCEL_DTYPE_I32) {
		int32_t v;

		memcpy(&v, s, 4);
		iv = v;
	} else {
		memcpy(&iv, s, 8);
	}
	if (sd == dd) {
		memcpy(out, s, vaccel_dtype_size(sd));
		return;
	}
	if (dd == VACCEL_DTYPE_F32) {
		fv = ref_int_to_f32(iv);
	} else if (sd == VACCEL_DTYPE_F32) {
		iv = ref_f32_to_int(fv, dd == VACCEL_DTYPE_I32 ? 32 : 64);
	}
	/* Integer to integer: put() keeps the low 32 bits for I32. */
	put(out, dd, iv, fv);
}

/* ---- one COPY of a rank-1 vector, checked against hand-written values ---- */

static void run_vec(__u32 sd, __u32 dd, const void *src, void *dst, __u32 n)
{
	struct vaccel_pkt_copy pkt;
	struct et_env e;
	__u32 ss = vaccel_dtype_size(sd), ds = vaccel_dtype_size(dd);
	int ret;

	et_env_init(&e);
	memset(&pkt, 0, sizeof(pkt));
	pkt.hdr.flags = CV;
	pkt.src = et_tensor(&e, sd, 1, &n, 0);
	pkt.dst = et_tensor(&e, dd, 1, &n, 0);
	memcpy(e.bufs[pkt.src.buf].ptr, src, (size_t)n * ss);
	ret = ET_RUN1(&e, VACCEL_OP_COPY, pkt);
	CHECK(ret == 0, "convert %u -> %u: %d", sd, dd, ret);
	memcpy(dst, e.bufs[pkt.dst.buf].ptr, (size_t)n * ds);
	et_env_fini(&e);
}

static const float edge_f32[] = {
	0.0f, -0.0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 0.99999994f, -0.99999994f,
	1e-45f, -1e-45f, 16777217.0f, 123456.78f, -123456.78f,
	2147483520.0f,			/* largest binary32 below 2^31 */
	2147483648.0f,			/* 2^31 */
	-2147483648.0f,			/* -2^31: INT32_MIN exactly */
	-2147483904.0f,			/* next binary32 below -2^31 */
	1e10f, -1e10f,
	9223371487098961920.0f,		/* largest binary32 below 2^63 */
	9223372036854775808.0f,		/* 2^63 */
	-9223372036854775808.0f,	/* -2^63: INT64_MIN exactly */
	-9223373136366403584.0f,	/* next binary32 below -2^63 */
	1e30f, -1e30f, FLT_MAX, -FLT_MAX, INFINITY, -INFINITY, NAN, -NAN,
};
#define N_EDGE (sizeof(edge_f32) / sizeof(edge_f32[0]))

/* Hand-written: f32 -> i32 and f32 -> i64 of edge_f32[]. */
static const int32_t edge_i32[N_EDGE] = {
	0, 0, 0, 0, 1, -1, 2, -2, 0, 0,
	0, 0, 16777216, 123456, -123456,
	2147483520, INT32_MAX, INT32_MIN, INT32_MIN,
	INT32_MAX, INT32_MIN,
	INT32_MAX, INT32_MAX, INT32_MIN, INT32_MIN,
	INT32_MAX, INT32_MIN, INT32_MAX, INT32_MIN, INT32_MAX, INT32_MIN, 0, 0,
};
static const int64_t edge_i64[N_EDGE] = {
	0, 0, 0, 0, 1, -1, 2, -2, 0, 0,
	0, 0, 16777216, 123456, -123456,
	2147483520, 2147483648ll, -2147483648ll, -2147483904ll,
	10000000000ll, -10000000000ll,
	9223371487098961920ll, INT64_MAX, INT64_MIN, INT64_MIN,
	INT64_MAX, INT64_MIN, INT64_MAX, INT64_MIN, INT64_MAX, INT64_MIN, 0, 0,
};

static void test_f32_to_int_edges(void)
{
	int32_t got32[N_EDGE];
	int64_t got64[N_EDGE];

	CHECK(isnan(edge_f32[N_EDGE - 1]) && isnan(edge_f32[N_EDGE - 2]), "NaN inputs");
	run_vec(VACCEL_DTYPE_F32, VACCEL_DTYPE_I32, edge_f32, got32, N_EDGE);
	run_vec(VACCEL_DTYPE_F32, VACCEL_DTYPE_I64, edge_f32, got64, N_EDGE);
	for (size_t i = 0; i < N_EDGE; i++) {
		CHECK(got32[i] == edge_i32[i], "f32 %.9g -> i32: got %" PRId32 ", want %" PRId32,
		      edge_f32[i], got32[i], edge_i32[i]);
		CHECK(got64[i] == edge_i64[i], "f32 %.9g -> i64: got %" PRId64 ", want %" PRId64,
		      edge_f32[i], got64[i], edge_i64[i]);
		/* The hand-written table and the rule-based reference agree. */
		CHECK(ref_f32_to_int(edge_f32[i], 32) == edge_i32[i] &&
		      ref_f32_to_int(edge_f32[i], 64) == edge_i64[i], "reference at %zu", i);
	}
}

static const int64_t edge_int[] = {
	0, 1, -1, 7, -7, 16777215, 16777216,
	16777217,		/* tie: -> 2^24 (even) */
	16777218,
	16777219,		/* tie: -> 2^24 + 4 (even) */
	-16777217, -16777219,
	33554435,		/* 2^25 + 3: above the tie -> 2^25 + 4 */
	INT32_MAX, INT32_MIN, INT32_MIN + 1,
	(1ll << 53) + 1,
	(1ll << 62) + (1ll << 38),	/* exact tie at 2^62: -> 2^62 (even) */
	(1ll << 62) + (1ll << 38) + 1,	/* just above the tie: rounds up */
	(1ll << 62) + (3ll << 38),	/* tie, odd below: -> 2^62 + 2^40 */
	INT64_MAX, INT64_MIN, INT64_MIN + 1,
};
#define N_INT (sizeof(edge_int) / sizeof(edge_int[0]))

static const float edge_int_f32[N_INT] = {
	0.0f, 1.0f, -1.0f, 7.0f, -7.0f, 16777215.0f, 16777216.0f,
	16777216.0f,
	16777218.0f,
	16777220.0f,
	-16777216.0f, -16777220.0f,
	33554436.0f,
	2147483648.0f, -2147483648.0f, -2147483648.0f,
	9007199254740992.0f,
	4611686018427387904.0f,
	4611686568183201792.0f,		/* 2^62 + 2^39 */
	4611687117939015680.0f,		/* 2^62 + 2^40 */
	9223372036854775808.0f, -9223372036854775808.0f, -9223372036854775808.0f,
};

static void test_int_to_f32_edges(void)
{
	float got[N_INT];
	int32_t in32[N_INT];
	size_t n32 = 0;

	run_vec(VACCEL_DTYPE_I64, VACCEL_DTYPE_F32, edge_int, got, N_INT);
	for (size_t i = 0; i < N_INT; i++) {
		CHECK(et_bits(got[i]) == et_bits(edge_int_f32[i]),
		      "i64 %" PRId64 " -> f32: got %.9g, want %.9g", edge_int[i], got[i],
		      edge_int_f32[i]);
		CHECK(et_bits(ref_int_to_f32(edge_int[i])) == et_bits(edge_int_f32[i]),
		      "reference at %zu", i);
	}
	/* The values that fit 32 bits, through I32. */
	for (size_t i = 0; i < N_INT; i++)
		if (edge_int[i] >= INT32_MIN && edge_int[i] <= INT32_MAX)
			in32[n32++] = (int32_t)edge_int[i];
	run_vec(VACCEL_DTYPE_I32, VACCEL_DTYPE_F32, in32, got, (__u32)n32);
	for (size_t i = 0; i < n32; i++)
		CHECK(et_bits(got[i]) == et_bits(ref_int_to_f32(in32[i])),
		      "i32 %" PRId32 " -> f32: got %.9g", in32[i], got[i]);
}

static void test_int_to_int_edges(void)
{
	static const int64_t in64[] = {
		0, 5, -1, INT32_MAX, INT32_MIN, (1ll << 32) + 5, 1ll << 31, -(1ll << 31) - 1,
		INT64_MAX, INT64_MIN, 0x123456789abcdef0ll,
	};
	static const int32_t want32[] = {
		0, 5, -1, INT32_MAX, INT32_MIN, 5, INT32_MIN, INT32_MAX,
		-1, 0, (int32_t)0x9abcdef0u,
	};
	static const int32_t in32[] = { 0, 1, -1, INT32_MAX, INT32_MIN, -123456 };
	int32_t got32[11];
	int64_t got64[6];

	run_vec(VACCEL_DTYPE_I64, VACCEL_DTYPE_I32, in64, got32, 11);
	for (size_t i = 0; i < 11; i++)
		CHECK(got32[i] == want32[i], "i64 %" PRId64 " -> i32: got %" PRId32 ", want %" PRId32,
		      in64[i], got32[i], want32[i]);
	run_vec(VACCEL_DTYPE_I32, VACCEL_DTYPE_I64, in32, got64, 6);
	for (size_t i = 0; i < 6; i++)
		CHECK(got64[i] == in32[i], "i32 %" PRId32 " -> i64: got %" PRId64, in32[i],
		      got64[i]);
}

/* ---- random strided tensors, every pairing ---- */

static const __u32 cv_dtypes[] = { VACCEL_DTYPE_F32, VACCEL_DTYPE_I32, VACCEL_DTYPE_I64 };
static const __u32 sizes[] = { 1, 2, 3, 7, 17, 33, 65 };

/* A random value of @dtype: mostly in-range, some edges and huge values. */
static void rand_elem(void *p, __u32 dtype)
{
	int kind = et_randint(0, 9);

	if (dtype == VACCEL_DTYPE_F32) {
		float f;

		if (kind == 0)
			f = edge_f32[et_randint(0, (int)N_EDGE - 1)];
		else if (kind < 4)
			f = et_randf(-3.0f, 3.0f);
		else	/* |f| up to 2^70 */
			f = ldexpf(et_randf(-1.0f, 1.0f), et_randint(0, 70));
		memcpy(p, &f, 4);
	} else {
		int64_t v;

		if (kind == 0)
			v = edge_int[et_randint(0, (int)N_INT - 1)];
		else if (kind < 4)
			v = et_randint(-100, 100);
		else if (kind < 7)
			v = (int64_t)(et_rand() >> et_randint(1, 63)) * (kind % 2 ? 1 : -1);
		else
			v = (int64_t)et_rand();
		put(p, dtype, v, 0);
	}
}

static void test_random(void)
{
	for (int it = 0; it < 180; it++) {
		__u32 sd = cv_dtypes[it % 3], dd = cv_dtypes[(it / 3) % 3], dims[4], rank, n;
		__u32 ss = vaccel_dtype_size(sd), ds = vaccel_dtype_size(dd), idx[4] = { 0 };
		struct vaccel_pkt_copy pkt;
		struct et_env e;
		unsigned char *before, *sb;
		size_t dsize;
		long bad = 0;
		int ret;

		rank = (__u32)et_randint(1, 4);
		do {
			n = 1;
			for (__u32 d = 0; d < rank; d++) {
				dims[d] = sizes[et_randint(0, 6)];
				n *= dims[d];
			}
		} while (n > 10000);
		et_env_init(&e);
		memset(&pkt, 0, sizeof(pkt));
		pkt.hdr.flags = CV;
		pkt.src = et_tensor(&e, sd, rank, dims, et_randint(0, 1));
		pkt.dst = et_tensor(&e, dd, rank, dims, et_randint(0, 1));
		/* Some sources broadcast along one dimension. */
		if (it % 5 == 4)
			pkt.src.strides[et_randint(0, (int)rank - 1)] = 0;
		sb = e.bufs[pkt.src.buf].ptr;
		for (size_t off = 0; off + ss <= e.bufs[pkt.src.buf].size; off += ss)
			rand_elem(sb + off, sd);
		dsize = e.bufs[pkt.dst.buf].size;
		before = malloc(dsize);
		memcpy(before, e.bufs[pkt.dst.buf].ptr, dsize);
		ret = ET_RUN1(&e, VACCEL_OP_COPY, pkt);
		CHECK(ret == 0, "convert: %d", ret);
		do {
			unsigned char want[8];
			size_t doff = et_at(&pkt.dst, idx) * ds;
			const unsigned char *got = (unsigned char *)e.bufs[pkt.dst.buf].ptr + doff;

			expect(sb + et_at(&pkt.src, idx) * ss, sd, dd, want);
			if (memcmp(got, want, ds)) {
				if (!bad)
					fprintf(stderr, "# first mismatch at element %zu\n",
						et_at(&pkt.dst, idx));
				bad++;
			}
			memcpy(before + doff, got, ds);
		} while (et_next(idx, dims, rank));
		CHECK(bad == 0, "convert %u -> %u rank %u: %ld wrong elements", sd, dd, rank, bad);
		CHECK(memcmp(before, e.bufs[pkt.dst.buf].ptr, dsize) == 0,
		      "convert %u -> %u wrote outside the destination view", sd, dd);
		free(before);
		et_env_fini(&e);
	}
}

/* A long contiguous conversion crosses the copy chunk and the checkpoint. */
static int checkpoints;

static int count_checkpoint(void *priv)
{
	(void)priv;
	checkpoints++;
	return 0;
}

static void test_long(void)
{
	__u32 n = (1u << 21) + 3;
	struct vaccel_exec_hooks hooks = { .checkpoint = count_checkpoint };
	struct vaccel_pkt_copy pkt;
	struct et_cmdbuf cb;
	struct et_env e;
	int64_t *s;
	float *d;
	long bad = 0;
	int ret;

	et_env_init(&e);
	memset(&pkt, 0, sizeof(pkt));
	pkt.hdr.flags = CV;
	pkt.src = et_tensor(&e, VACCEL_DTYPE_I64, 1, &n, 0);
	pkt.dst = et_tensor(&e, VACCEL_DTYPE_F32, 1, &n, 0);
	s = e.bufs[pkt.src.buf].ptr;
	for (__u32 i = 0; i < n; i++)
		s[i] = (int64_t)i * 4097 - 3000000000ll;
	et_cb_init(&cb);
	ET_ADD(&cb, VACCEL_OP_COPY, pkt);
	ret = et_run(&e, &cb, &hooks, NULL);
	CHECK(ret == 0, "long convert: %d", ret);
	d = e.bufs[pkt.dst.buf].ptr;
	for (__u32 i = 0; i < n; i++)
		bad += et_bits(d[i]) != et_bits(ref_int_to_f32(s[i]));
	CHECK(bad == 0, "long convert: %ld wrong", bad);
	CHECK(checkpoints >= 2, "long convert: %d checkpoints", checkpoints);
	et_cb_fini(&cb);
	et_env_fini(&e);
}

int main(void)
{
	et_seed_env(1101);
	RUN_CASE(test_f32_to_int_edges);
	RUN_CASE(test_int_to_f32_edges);
	RUN_CASE(test_int_to_int_edges);
	RUN_CASE(test_random);
	RUN_CASE(test_long);
	HARNESS_EXIT();
}
