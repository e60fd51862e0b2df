// SPDX-License-Identifier: MIT
/*
 * fuzz_validate.c - libFuzzer target for vaccel_validate(), and for
 * vaccel_execute() on whatever the validator accepts.
 *
 * Input layout (fuzz_input.h): byte 0 picks nbufs = 1 + (b0 & 3); then one
 * little-endian __u16 per buffer gives its size in bytes; the rest is the
 * command buffer. An accepted buffer runs against buffers malloc'ed to
 * exactly their sizes, so ASan reports any access outside them: the
 * validator's promise is that nothing accepted can touch memory it was not
 * given. Execution is skipped when a cheap work estimate says the job would
 * take too long for a fuzzer iteration.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vaccel_engine.h"
#include "fuzz_input.h"

/* Element-operations a fuzz iteration may execute (~milliseconds). */
#define WORK_LIMIT (1ull << 20)

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

static uint64_t count(const struct vaccel_tensor *t)
{
	uint64_t n = 1;
	uint32_t i;

	for (i = 0; i < t->rank && i < VACCEL_MAX_DIMS; i++)
		n = sat_mul(n, t->dims[i]);
	return n;
}

/* Rough element-operation count of one accepted packet. */
static uint64_t packet_work(const union vaccel_pkt *p)
{
	uint64_t w;

	switch (p->hdr.opcode) {
	case VACCEL_OP_COPY:
		return count(&p->copy.dst);
	case VACCEL_OP_FILL:
		return count(&p->fill.dst);
	case VACCEL_OP_GEMM: {
		const struct vaccel_tensor *a = &p->gemm.a;
		uint64_t k = p->hdr.flags & VACCEL_GEMM_F_TRANS_A ?
			a->dims[a->rank - 2] : a->dims[a->rank - 1];

		return sat_add(sat_mul(count(&p->gemm.c), k), count(a) + count(&p->gemm.b));
	}
	case VACCEL_OP_CONV2D: {
		const struct vaccel_tensor *wt = &p->conv.w;

		return sat_add(sat_mul(count(&p->conv.y),
				       sat_mul(wt->dims[1], sat_mul(wt->dims[2], wt->dims[3]))),
			       count(&p->conv.x));
	}
	case VACCEL_OP_UNARY:
		return count(&p->unary.y);
	case VACCEL_OP_BINARY:
		return count(&p->binary.y);
	case VACCEL_OP_FUSED_ELEMENTWISE:
		return sat_mul(count(&p->fused.y), p->fused.num_insts + 1);
	case VACCEL_OP_REDUCE:
		return sat_add(count(&p->reduce.x), count(&p->reduce.y));
	case VACCEL_OP_SOFTMAX:
		return sat_mul(count(&p->softmax.x), 3);
	case VACCEL_OP_LAYERNORM:
	case VACCEL_OP_RMSNORM:
		return sat_mul(count(&p->norm.x), 3);
	case VACCEL_OP_TRANSPOSE:
		return count(&p->transpose.y);
	case VACCEL_OP_GATHER:
		return sat_add(count(&p->gather.y), count(&p->gather.indices));
	case VACCEL_OP_POOL:
		w = sat_mul(count(&p->pool.y),
			    sat_mul(p->pool.kernel_h, p->pool.kernel_w));
		return sat_add(w, count(&p->pool.x));
	}
	return 1;	/* NOP, TIMESTAMP, FENCE */
}

static uint64_t cmdbuf_work(const uint8_t *cb, uint64_t size)
{
	struct vaccel_cmdbuf_header h;
	union vaccel_pkt p;
	uint64_t off = sizeof(h), w = 0;
	uint32_t i;

	memcpy(&h, cb, sizeof(h));
	for (i = 0; i < h.num_packets && off < size; i++) {
		uint32_t psize;

		memcpy(&p.hdr, cb + off, sizeof(p.hdr));
		psize = p.hdr.size;
		if (psize > sizeof(p) || psize > size - off)
			abort();	/* the validator accepted a bad size */
		memcpy(&p, cb + off, psize);
		w = sat_add(w, packet_work(&p));
		off += psize;
	}
	return w;
}

static void check_same(const struct vaccel_verror *a, const struct vaccel_verror *b,
		       int ra, int rb)
{
	if (ra != rb || a->packet != b->packet || a->offset != b->offset ||
	    a->opcode != b->opcode || a->field != b->field || a->reason != b->reason ||
	    a->err != b->err)
		abort();	/* validation is not deterministic */
	if (ra && (!a->field || !a->reason || a->err != ra))
		abort();	/* a refusal must say why */
	if (ra && ra != -EINVAL && ra != -E2BIG && ra != -EOPNOTSUPP)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct vaccel_engine_buffer bufs[FUZZ_MAX_BUFS];
	struct vaccel_verror e1, e2;
	uint64_t *cb;
	size_t cb_len;
	uint32_t nbufs, i;
	int r1, r2;

	if (len < 1)
		return 0;
	nbufs = fuzz_nbufs(data[0]);
	if (len < fuzz_prefix(nbufs))
		return 0;
	for (i = 0; i < nbufs; i++) {
		bufs[i].ptr = NULL;
		bufs[i].size = fuzz_bufsize(data, i);
	}
	cb_len = len - fuzz_prefix(nbufs);
	/* 8-byte aligned copy, as the kernel and libaccel hand it over. */
	cb = malloc(cb_len ? (cb_len + 7) & ~(size_t)7 : 8);
	if (!cb)
		return 0;
	memcpy(cb, data + fuzz_prefix(nbufs), cb_len);

	r1 = vaccel_validate(cb, cb_len, bufs, nbufs, &e1);
	r2 = vaccel_validate(cb, cb_len, bufs, nbufs, &e2);
	check_same(&e1, &e2, r1, r2);

	if (!r1 && cmdbuf_work((const uint8_t *)cb, cb_len) <= WORK_LIMIT) {
		uint32_t failed = 0;
		int ret;

		for (i = 0; i < nbufs; i++) {
			uint8_t *m = malloc(bufs[i].size ? bufs[i].size : 1);
			uint64_t j;

			if (!m)
				abort();
			/* Deterministic contents from the input, so GATHER
			 * indices and float specials vary with it. */
			for (j = 0; j < bufs[i].size; j++)
				m[j] = data[(j * 31 + i) % len];
			bufs[i].ptr = m;
		}
		ret = vaccel_execute(cb, cb_len, bufs, nbufs, NULL, &failed);
		if (ret > 0)
			abort();
		for (i = 0; i < nbufs; i++)
			free(bufs[i].ptr);
	}
	free(cb);
	return 0;
}
