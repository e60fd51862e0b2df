/* SPDX-License-Identifier: MIT */
/*
 * engine_test.h - what the engine tests share: buffers, tensors laid out in
 * random strided ways, a command-buffer builder that writes the ISA structs
 * by hand, a seeded RNG and tolerance checks.
 *
 * The references the tests compare against live in each test program, in
 * double precision with libm, written as the plainest loops possible.
 */
#ifndef ACCEL_TESTS_ENGINE_TEST_H
#define ACCEL_TESTS_ENGINE_TEST_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "vaccel_engine.h"

#define ET_MAX_BUFS 16

/* ---- random numbers: xorshift64*, seed printed by each program ---- */

static uint64_t et_rng_state = 0x9e3779b97f4a7c15ull;

static inline void et_seed(uint64_t seed)
{
	et_rng_state = seed ? seed : 1;
	printf("# seed %llu\n", (unsigned long long)seed);
}

/* Seed from ENGINE_TEST_SEED or the given default. */
static inline void et_seed_env(uint64_t dflt)
{
	const char *s = getenv("ENGINE_TEST_SEED");

	et_seed(s ? strtoull(s, NULL, 0) : dflt);
}

static inline uint64_t et_rand(void)
{
	et_rng_state ^= et_rng_state >> 12;
	et_rng_state ^= et_rng_state << 25;
	et_rng_state ^= et_rng_state >> 27;
	return et_rng_state * 2685821657736338717ull;
}

/* Uniform integer in [lo, hi]. */
static inline int et_randint(int lo, int hi)
{
	return lo + (int)(et_rand() % (uint64_t)(hi - lo + 1));
}

/* Uniform float in [lo, hi). */
static inline float et_randf(float lo, float hi)
{
	return lo + (hi - lo) * (float)((et_rand() >> 40) * (1.0 / 16777216.0));
}

/* ---- buffers ---- */

struct et_env {
	struct vaccel_engine_buffer bufs[ET_MAX_BUFS];
	__u32 n;
};

static inline void et_env_init(struct et_env *e)
{
	memset(e, 0, sizeof(*e));
}

static inline void et_env_fini(struct et_env *e)
{
	for (__u32 i = 0; i < e->n; i++)
		free(e->bufs[i].ptr);
	memset(e, 0, sizeof(*e));
}

/* A new zeroed buffer of @bytes (rounded up to 8); returns its index. */
static inline __u32 et_buf(struct et_env *e, size_t bytes)
{
	size_t sz = (bytes + 7) & ~(size_t)7;

	if (sz == 0)
		sz = 8;
	e->bufs[e->n].ptr = aligned_alloc(64, (sz + 63) & ~(size_t)63);
	memset(e->bufs[e->n].ptr, 0, sz);
	e->bufs[e->n].size = sz;
	return e->n++;
}

/* ---- tensors ---- */

/*
 * et_tensor() - a tensor of @rank @dims in a new buffer of its own.
 * @layout: 0 contiguous; 1 random: dims stored in a random order (a
 *	transposed view), each padded by 0..2 elements, at a random offset.
 * The whole buffer is filled with uniform values in [-1, 1) (f32) so stray
 * reads see garbage rather than zeros.
 */
static inline struct vaccel_tensor et_tensor(struct et_env *e, __u32 dtype, __u32 rank,
					     const __u32 *dims, int layout)
{
	struct vaccel_tensor t;
	__u32 order[VACCEL_MAX_DIMS], esize = vaccel_dtype_size(dtype), d;
	__u64 stride = 1, span = 1, off = 0;

	memset(&t, 0, sizeof(t));
	t.dtype = dtype;
	t.rank = rank;
	for (d = 0; d < rank; d++) {
		t.dims[d] = dims[d];
		order[d] = rank - 1 - d;	/* innermost first */
	}
	if (layout == 1) {
		for (d = rank; d > 1; d--) {
			__u32 j = (__u32)et_randint(0, (int)d - 1), tmp = order[d - 1];

			order[d - 1] = order[j];
			order[j] = tmp;
		}
		off = (__u64)et_randint(0, 3);
	}
	for (d = 0; d < rank; d++) {
		__u32 dim = order[d];

		t.strides[dim] = stride;
		stride *= dims[dim] + (layout == 1 ? (__u32)et_randint(0, 2) : 0);
	}
	for (d = 0; d < rank; d++)
		span += (__u64)(dims[d] - 1) * t.strides[d];
	t.offset = off * esize;
	t.buf = et_buf(e, (off + span) * esize);
	if (dtype == VACCEL_DTYPE_F32) {
		float *p = e->bufs[t.buf].ptr;

		for (__u64 i = 0; i < off + span; i++)
			p[i] = et_randf(-1.0f, 1.0f);
	} else {
		unsigned char *p = e->bufs[t.buf].ptr;

		for (__u64 i = 0; i < (off + span) * esize; i++)
			p[i] = (unsigned char)et_rand();
	}
	return t;
}

/* Element index (not bytes) of @idx in @t's buffer. */
static inline size_t et_at(const struct vaccel_tensor *t, const __u32 *idx)
{
	size_t o = t->offset / vaccel_dtype_size(t->dtype);

	for (__u32 d = 0; d < t->rank; d++)
		o += (size_t)idx[d] * t->strides[d];
	return o;
}

static inline float *et_f32(struct et_env *e, const struct vaccel_tensor *t)
{
	return e->bufs[t->buf].ptr;
}

/* Advance multi-index @idx over @dims; returns 0 after the last one. */
static inline int et_next(__u32 *idx, const __u32 *dims, __u32 rank)
{
	for (int d = (int)rank - 1; d >= 0; d--) {
		if (++idx[d] < dims[d])
			return 1;
		idx[d] = 0;
	}
	return 0;
}

static inline __u64 et_numel(const struct vaccel_tensor *t)
{
	__u64 n = 1;

	for (__u32 d = 0; d < t->rank; d++)
		n *= t->dims[d];
	return n;
}

static inline __u32 et_bits(float f)
{
	__u32 u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

/* ---- command buffers ---- */

struct et_cmdbuf {
	unsigned char *mem;	/* allocation */
	unsigned char *p;	/* the command buffer: 8- but not 16-aligned */
	size_t size, cap;
	__u32 n;
};

static inline void et_cb_init(struct et_cmdbuf *cb)
{
	cb->cap = 1 << 16;
	cb->mem = aligned_alloc(64, cb->cap + 64);
	/* Only 8-byte aligned on purpose: the executor must copy packets into
	 * aligned locals rather than dereference them in place. */
	cb->p = cb->mem + 8;
	cb->size = sizeof(struct vaccel_cmdbuf_header);
	cb->n = 0;
}

static inline void et_cb_fini(struct et_cmdbuf *cb)
{
	free(cb->mem);
	cb->mem = cb->p = NULL;
}

static inline void et_cb_add(struct et_cmdbuf *cb, const void *pkt, size_t len)
{
	if (cb->size + len > cb->cap) {
		fprintf(stderr, "cmdbuf overflow\n");
		abort();
	}
	memcpy(cb->p + cb->size, pkt, len);
	cb->size += len;
	cb->n++;
}

/* Set the header fields and opcode/size of a packet struct then add it. */
#define ET_ADD(cb, op, pkt)                                                    \
	do {                                                                   \
		(pkt).hdr.opcode = (op);                                       \
		(pkt).hdr.size = sizeof(pkt);                                  \
		et_cb_add((cb), &(pkt), sizeof(pkt));                          \
	} while (0)

static inline void et_cb_header(struct et_cmdbuf *cb)
{
	struct vaccel_cmdbuf_header h = {
		.magic = VACCEL_CMDBUF_MAGIC,
		.version_major = VACCEL_ISA_VERSION_MAJOR,
		.version_minor = VACCEL_ISA_VERSION_MINOR,
		.num_packets = cb->n,
		.flags = 0,
	};

	memcpy(cb->p, &h, sizeof(h));
}

/*
 * et_run() - validate then execute. A validation failure is a test failure
 * (every command buffer the tests build is valid per vaccel_isa.h) and is
 * reported with the validator's field and reason.
 */
static inline int et_run(struct et_env *e, struct et_cmdbuf *cb,
			 const struct vaccel_exec_hooks *hooks, __u32 *failed)
{
	struct vaccel_verror ve;
	int ret;

	et_cb_header(cb);
	memset(&ve, 0, sizeof(ve));
	ret = vaccel_validate(cb->p, cb->size, e->bufs, e->n, &ve);
	CHECK(ret == 0, "validate: %d packet %u opcode %u field %s: %s", ret, ve.packet,
	      ve.opcode, ve.field ? ve.field : "?", ve.reason ? ve.reason : "?");
	if (ret)
		return ret;
	return vaccel_execute(cb->p, cb->size, e->bufs, e->n, hooks, failed);
}

/* One packet, run alone. */
static inline int et_run1(struct et_env *e, const void *pkt, size_t len)
{
	struct et_cmdbuf cb;
	int ret;

	et_cb_init(&cb);
	et_cb_add(&cb, pkt, len);
	ret = et_run(e, &cb, NULL, NULL);
	et_cb_fini(&cb);
	return ret;
}

#define ET_RUN1(e, op, pkt)                                                    \
	({                                                                     \
		(pkt).hdr.opcode = (op);                                       \
		(pkt).hdr.size = sizeof(pkt);                                  \
		et_run1((e), &(pkt), sizeof(pkt));                             \
	})

/* ---- comparisons ---- */

/*
 * struct et_err - worst error seen over a set of checks, so a mismatch is
 * reported once with its index rather than a million times.
 */
struct et_err {
	double worst;		/* largest |got - ref| / allowed */
	long bad;
	long first_bad;
	double first_got, first_ref;
};

static inline void et_err_init(struct et_err *s)
{
	memset(s, 0, sizeof(*s));
	s->first_bad = -1;
}

/* |got - ref| <= allowed, NaN matching NaN and infinities matching exactly. */
static inline void et_err_add(struct et_err *s, long i, double got, double ref, double allowed)
{
	double r;

	if (isnan(ref) || isnan(got)) {
		r = (isnan(ref) && isnan(got)) ? 0.0 : INFINITY;
	} else if (isinf(ref) || isinf(got)) {
		r = got == ref ? 0.0 : INFINITY;
	} else {
		r = fabs(got - ref) / (allowed > 0 ? allowed : 1e-300);
	}
	if (r > s->worst)
		s->worst = r;
	if (r > 1.0) {
		if (s->first_bad < 0) {
			s->first_bad = i;
			s->first_got = got;
			s->first_ref = ref;
		}
		s->bad++;
	}
}

#define ET_ERR_CHECK(s, what)                                                  \
	CHECK((s).bad == 0, "%s: %ld mismatches, first at %ld: got %.9g want %.9g " \
	      "(worst %.3g x tolerance)", (what), (s).bad, (s).first_bad,        \
	      (s).first_got, (s).first_ref, (s).worst)

#endif /* ACCEL_TESTS_ENGINE_TEST_H */
