// SPDX-License-Identifier: MIT
/*
 * validate_test.c - vaccel_validate() against the rules of vaccel_isa.h.
 *
 * Positive cases: one valid packet of every opcode (vpkt.h), accepted with
 * roomy buffers and at the exact byte boundary the bounds rule gives, and
 * refused one byte below. Negative cases: each hits exactly one field of a
 * valid packet and asserts the exact errno, the exact field name, and the
 * packet index and offset. The expectations come from the header's rules,
 * written here independently of the validator; generic operand mutations
 * are applied to every operand of every opcode from the test's own table of
 * which operands each packet has.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "vaccel_engine.h"
#include "../validate/vpkt.h"

#define MIB (1ull << 20)

static int total_cases;

/* ---- running one command buffer --------------------------------------- */

static uint64_t cmdbuf_mem[4096];	/* 32 KiB, 8-byte aligned */

struct want {
	int err;
	const char *field;	/* NULL when err == 0 */
	uint32_t packet;
	uint32_t offset;
	uint32_t opcode;
};

static void check_result(const char *what, int ret, const struct vaccel_verror *ve,
			 const struct want *w)
{
	total_cases++;
	CHECK(ret == w->err, "%s: returned %d, want %d (field %s: %s)", what, ret,
	      w->err, ve->field ? ve->field : "-", ve->reason ? ve->reason : "-");
	if (ret != w->err || !w->err)
		return;
	CHECK(ve->err == ret, "%s: verror.err %d != %d", what, ve->err, ret);
	CHECK(ve->field && !strcmp(ve->field, w->field), "%s: field '%s', want '%s'",
	      what, ve->field ? ve->field : "(null)", w->field);
	CHECK(ve->reason && ve->reason[0], "%s: no reason", what);
	CHECK(ve->packet == w->packet, "%s: packet %u, want %u", what, ve->packet,
	      w->packet);
	CHECK(ve->offset == w->offset, "%s: offset %u, want %u", what, ve->offset,
	      w->offset);
	CHECK(ve->opcode == w->opcode, "%s: opcode %u, want %u", what, ve->opcode,
	      w->opcode);
}

static void set_sizes(struct vaccel_engine_buffer *b, uint64_t size)
{
	int i;

	for (i = 0; i < VPKT_NBUFS; i++) {
		b[i].ptr = NULL;
		b[i].size = size;
	}
}

/*
 * Validate [NOP, @p, NOP] with every buffer @bufsize bytes; a refusal must
 * name packet 1 at offset 16 + 8.
 */
static void expect_pkt(const char *what, const union vaccel_pkt *p, uint64_t bufsize,
		       int err, const char *field)
{
	union vaccel_pkt pk[3];
	struct vaccel_engine_buffer b[VPKT_NBUFS];
	struct vaccel_verror ve;
	struct want w = { err, field, 1, 16 + 8, p->hdr.opcode };
	uint64_t size;
	int ret;

	vpkt_base(&pk[0], VACCEL_OP_NOP);
	pk[1] = *p;
	vpkt_base(&pk[2], VACCEL_OP_NOP);
	size = vpkt_cmdbuf(cmdbuf_mem, pk, 3);
	set_sizes(b, bufsize);
	memset(&ve, 0xa5, sizeof(ve));
	ret = vaccel_validate(cmdbuf_mem, size, b, VPKT_NBUFS, &ve);
	check_result(what, ret, &ve, &w);
}

/* ---- the test's own description of each packet's operands -------------- */

enum tclass { C_F32, C_ANY, C_IDX };

struct tdesc {
	const char *name;
	size_t off;		/* offsetof the tensor in its packet */
	bool out;
	enum tclass cls;
};

struct odesc {
	uint32_t op;
	struct tdesc t[4];
	int nt;
};

#define TD(s, m, o, c) { #m, offsetof(struct s, m), o, c }
#define TDN(s, m, n, o, c) { n, offsetof(struct s, m), o, c }

static const struct odesc ops[] = {
	{ VACCEL_OP_NOP, { { 0 } }, 0 },
	{ VACCEL_OP_TIMESTAMP, { { 0 } }, 0 },
	{ VACCEL_OP_FENCE, { { 0 } }, 0 },
	{ VACCEL_OP_COPY, { TD(vaccel_pkt_copy, dst, true, C_ANY),
			    TD(vaccel_pkt_copy, src, false, C_ANY) }, 2 },
	{ VACCEL_OP_FILL, { TD(vaccel_pkt_fill, dst, true, C_ANY) }, 1 },
	{ VACCEL_OP_GEMM, { TD(vaccel_pkt_gemm, a, false, C_F32),
			    TD(vaccel_pkt_gemm, b, false, C_F32),
			    TD(vaccel_pkt_gemm, c, true, C_F32),
			    TD(vaccel_pkt_gemm, bias, false, C_F32) }, 4 },
	{ VACCEL_OP_CONV2D, { TD(vaccel_pkt_conv2d, x, false, C_F32),
			      TD(vaccel_pkt_conv2d, w, false, C_F32),
			      TD(vaccel_pkt_conv2d, bias, false, C_F32),
			      TD(vaccel_pkt_conv2d, y, true, C_F32) }, 4 },
	{ VACCEL_OP_UNARY, { TD(vaccel_pkt_unary, x, false, C_F32),
			     TD(vaccel_pkt_unary, y, true, C_F32) }, 2 },
	{ VACCEL_OP_BINARY, { TD(vaccel_pkt_binary, a, false, C_F32),
			      TD(vaccel_pkt_binary, b, false, C_F32),
			      TD(vaccel_pkt_binary, y, true, C_F32) }, 3 },
	{ VACCEL_OP_FUSED_ELEMENTWISE, { TD(vaccel_pkt_fused, y, true, C_F32),
					 TDN(vaccel_pkt_fused, in[0], "in[0]", false, C_F32),
					 TDN(vaccel_pkt_fused, in[1], "in[1]", false, C_F32) }, 3 },
	{ VACCEL_OP_REDUCE, { TD(vaccel_pkt_reduce, x, false, C_F32),
			      TD(vaccel_pkt_reduce, y, true, C_F32) }, 2 },
	{ VACCEL_OP_SOFTMAX, { TD(vaccel_pkt_softmax, x, false, C_F32),
			       TD(vaccel_pkt_softmax, y, true, C_F32) }, 2 },
	{ VACCEL_OP_LAYERNORM, { TD(vaccel_pkt_norm, x, false, C_F32),
				 TD(vaccel_pkt_norm, scale, false, C_F32),
				 TD(vaccel_pkt_norm, shift, false, C_F32),
				 TD(vaccel_pkt_norm, y, true, C_F32) }, 4 },
	{ VACCEL_OP_RMSNORM, { TD(vaccel_pkt_norm, x, false, C_F32),
			       TD(vaccel_pkt_norm, scale, false, C_F32),
			       TD(vaccel_pkt_norm, y, true, C_F32) }, 3 },
	{ VACCEL_OP_TRANSPOSE, { TD(vaccel_pkt_transpose, x, false, C_F32),
				 TD(vaccel_pkt_transpose, y, true, C_F32) }, 2 },
	{ VACCEL_OP_GATHER, { TD(vaccel_pkt_gather, x, false, C_F32),
			      TD(vaccel_pkt_gather, indices, false, C_IDX),
			      TD(vaccel_pkt_gather, y, true, C_F32) }, 3 },
	{ VACCEL_OP_POOL, { TD(vaccel_pkt_pool, x, false, C_F32),
			    TD(vaccel_pkt_pool, y, true, C_F32) }, 2 },
};

#define NOPS ((int)(sizeof(ops) / sizeof(ops[0])))

static struct vaccel_tensor *tensor_at(union vaccel_pkt *p, const struct tdesc *t)
{
	return (struct vaccel_tensor *)((char *)p + t->off);
}

static const char *fld(const struct tdesc *t, const char *suffix, int idx)
{
	static char buf[8][64];
	static int next;
	char *s = buf[next++ % 8];

	if (idx >= 0)
		snprintf(s, 64, "%s.%s[%d]", t->name, suffix, idx);
	else if (suffix)
		snprintf(s, 64, "%s.%s", t->name, suffix);
	else
		snprintf(s, 64, "%s", t->name);
	return s;
}

/* ---- positive cases ----------------------------------------------------- */

static void test_every_opcode_valid(void)
{
	union vaccel_pkt p;
	int i;

	for (i = 0; i < NOPS; i++) {
		CHECK(ops[i].op == (uint32_t)i, "ops[] out of order");
		vpkt_base(&p, ops[i].op);
		expect_pkt(vaccel_opcode_name(ops[i].op), &p, MIB, 0, NULL);
	}
}

/* Bytes each buffer must hold for the base packet of @op (vpkt.h bounds). */
static void needed_sizes(const union vaccel_pkt *p, const struct odesc *o,
			 uint64_t *need, const char **who)
{
	int i;

	memset(need, 0, sizeof(uint64_t) * VPKT_NBUFS);
	if (o->op == VACCEL_OP_TIMESTAMP) {
		need[p->timestamp.buf] = p->timestamp.offset + 8;
		who[p->timestamp.buf] = "offset";
	}
	if (o->op == VACCEL_OP_FENCE) {
		need[p->fence.buf] = p->fence.offset + 8;
		who[p->fence.buf] = "offset";
	}
	for (i = 0; i < o->nt; i++) {
		const struct vaccel_tensor *t =
			tensor_at((union vaccel_pkt *)p, &o->t[i]);

		need[t->buf] = (uint64_t)vpkt_tensor_need(t);
		who[t->buf] = o->t[i].name;
	}
}

static void test_exact_buffer_boundary(void)
{
	union vaccel_pkt pk[1];
	struct vaccel_engine_buffer b[VPKT_NBUFS];
	struct vaccel_verror ve;
	uint64_t need[VPKT_NBUFS], size;
	const char *who[VPKT_NBUFS];
	int i, k, ret;

	for (i = 0; i < NOPS; i++) {
		vpkt_base(&pk[0], ops[i].op);
		size = vpkt_cmdbuf(cmdbuf_mem, pk, 1);
		needed_sizes(&pk[0], &ops[i], need, who);
		for (k = 0; k < VPKT_NBUFS; k++)
			b[k] = (struct vaccel_engine_buffer){ NULL, need[k] };
		ret = vaccel_validate(cmdbuf_mem, size, b, VPKT_NBUFS, &ve);
		total_cases++;
		CHECK(ret == 0, "%s at exact sizes: %d (%s: %s)",
		      vaccel_opcode_name(ops[i].op), ret, ve.field, ve.reason);
		for (k = 0; k < VPKT_NBUFS; k++) {
			struct want w = { -EINVAL, who[k], 0, 16, ops[i].op };

			if (!need[k])
				continue;
			b[k].size = need[k] - 1;
			ret = vaccel_validate(cmdbuf_mem, size, b, VPKT_NBUFS, &ve);
			check_result(vaccel_opcode_name(ops[i].op), ret, &ve, &w);
			b[k].size = need[k];
		}
	}
}

/* Every opcode in one command buffer; then an error in packet 10 is found. */
static void test_stream_of_all_opcodes(void)
{
	static union vaccel_pkt pk[VACCEL_OP_COUNT];
	struct vaccel_engine_buffer b[VPKT_NBUFS];
	struct vaccel_verror ve;
	uint64_t size, off = 16;
	int i, ret;

	for (i = 0; i < VACCEL_OP_COUNT; i++)
		vpkt_base(&pk[i], (uint32_t)i);
	set_sizes(b, MIB);
	size = vpkt_cmdbuf(cmdbuf_mem, pk, VACCEL_OP_COUNT);
	ret = vaccel_validate(cmdbuf_mem, size, b, VPKT_NBUFS, NULL);
	total_cases++;
	CHECK(ret == 0, "all opcodes in one buffer: %d", ret);

	for (i = 0; i < 10; i++)
		off += pk[i].hdr.size;
	pk[10].reduce.axes = 0;
	size = vpkt_cmdbuf(cmdbuf_mem, pk, VACCEL_OP_COUNT);
	ret = vaccel_validate(cmdbuf_mem, size, b, VPKT_NBUFS, &ve);
	check_result("error in packet 10", ret, &ve,
		     &(struct want){ -EINVAL, "axes", 10, (uint32_t)off, VACCEL_OP_REDUCE });
	/* NULL err still refuses. */
	total_cases++;
	CHECK(vaccel_validate(cmdbuf_mem, size, b, VPKT_NBUFS, NULL) == -EINVAL,
	      "NULL verror");
}

/* ---- generic operand mutations, applied to every operand --------------- */

/*
 * Where the bounds computation of @t first leaves 64 bits, accumulating
 * (dims[i]-1) * strides[i] from dim 0 on, then * esize + esize ("t"), then
 * + offset ("t.offset"); computed here in 128 bits.
 */
static const char *overflow_field(const struct tdesc *td, const struct vaccel_tensor *t)
{
	const unsigned __int128 lim = (unsigned __int128)UINT64_MAX;
	unsigned __int128 span = 0;
	uint32_t i;

	for (i = 0; i < t->rank; i++) {
		span += (unsigned __int128)(t->dims[i] - 1) * t->strides[i];
		if (span > lim)
			return fld(td, "strides", (int)i);
	}
	span = span * vpkt_esize(t->dtype) + vpkt_esize(t->dtype);
	if (span > lim)
		return fld(td, NULL, -1);
	return fld(td, "offset", -1);
}

static void test_operand_mutations(void)
{
	union vaccel_pkt base, p;
	int i, k, d;

	for (i = 0; i < NOPS; i++) {
		const struct odesc *o = &ops[i];

		vpkt_base(&base, o->op);
		for (k = 0; k < o->nt; k++) {
			const struct tdesc *td = &o->t[k];
			const char *nm = vaccel_opcode_name(o->op);
			struct vaccel_tensor *t;
			uint32_t rank;

			p = base;
			t = tensor_at(&p, td);
			rank = t->rank;

			t->buf = VPKT_NBUFS;
			expect_pkt(nm, &p, MIB, -EINVAL, fld(td, "buf", -1));
			p = base;
			t->buf = 0xffffffffu;
			expect_pkt(nm, &p, MIB, -EINVAL, fld(td, "buf", -1));

			p = base;
			t->dtype = 0;
			expect_pkt(nm, &p, MIB, -EINVAL, fld(td, "dtype", -1));
			p = base;
			t->dtype = VACCEL_DTYPE_COUNT;
			expect_pkt(nm, &p, MIB, -EINVAL, fld(td, "dtype", -1));

			/* A known dtype the op does not take. */
			p = base;
			t->dtype = VACCEL_DTYPE_BF16;
			if (td->cls == C_F32)
				expect_pkt(nm, &p, MIB, -EOPNOTSUPP, fld(td, "dtype", -1));
			else if (td->cls == C_IDX)
				expect_pkt(nm, &p, MIB, -EINVAL, fld(td, "dtype", -1));
			else if (o->op == VACCEL_OP_COPY)
				expect_pkt(nm, &p, MIB, -EINVAL, "src.dtype");
			else	/* FILL: 1.5f has bits above 16 */
				expect_pkt(nm, &p, MIB, -EINVAL, "value");
			if (td->cls == C_F32) {
				p = base;
				t->dtype = VACCEL_DTYPE_I32;
				expect_pkt(nm, &p, MIB, -EOPNOTSUPP, fld(td, "dtype", -1));
			}

			p = base;
			t->pad = 1;
			expect_pkt(nm, &p, MIB, -EINVAL, fld(td, "pad", -1));

			p = base;
			t->rank = 0;
			expect_pkt(nm, &p, MIB, -EINVAL, fld(td, "rank", -1));
			p = base;
			t->rank = VACCEL_MAX_DIMS + 1;
			expect_pkt(nm, &p, MIB, -EINVAL, fld(td, "rank", -1));

			for (d = 0; d < (int)rank; d++) {
				p = base;
				t->dims[d] = 0;
				expect_pkt(nm, &p, MIB, -EINVAL, fld(td, "dims", d));
			}
			for (d = (int)rank; d < VACCEL_MAX_DIMS; d++) {
				p = base;
				t->dims[d] = 1;
				expect_pkt(nm, &p, MIB, -EINVAL, fld(td, "dims", d));
				p = base;
				t->strides[d] = 1;
				expect_pkt(nm, &p, MIB, -EINVAL, fld(td, "strides", d));
			}

			if (vpkt_esize(t->dtype) > 1) {
				p = base;
				t->offset += 1;
				expect_pkt(nm, &p, MIB, -EINVAL, fld(td, "offset", -1));
			}
			p = base;
			t->offset = MIB;
			expect_pkt(nm, &p, MIB, -EINVAL, fld(td, NULL, -1));
			p = base;
			t->offset = MIB - vpkt_esize(t->dtype);
			expect_pkt(nm, &p, MIB, t->rank == 1 && t->dims[0] == 1 ? 0 : -EINVAL,
				   fld(td, NULL, -1));

			for (d = 0; d < (int)rank; d++) {
				if (t->dims[d] < 2)
					continue;
				/* The extent overflows 64 bits. */
				p = base;
				t->strides[d] = UINT64_MAX;
				expect_pkt(nm, &p, MIB, -E2BIG, overflow_field(td, t));
				/* One element past the end along this dim only. */
				p = base;
				t->strides[d] = MIB;
				expect_pkt(nm, &p, MIB, -EINVAL, fld(td, NULL, -1));
				p = base;
				t->strides[d] = 0;
				if (td->out)
					expect_pkt(nm, &p, MIB, -EINVAL, fld(td, "strides", d));
				else
					expect_pkt(nm, &p, MIB, 0, NULL);
			}
		}
	}
}

/* ---- packet header mutations, for every opcode ------------------------ */

static const uint16_t valid_flags[VACCEL_OP_COUNT] = {
	[VACCEL_OP_COPY] = VACCEL_COPY_FLAGS,
	[VACCEL_OP_GEMM] = VACCEL_GEMM_FLAGS,
	[VACCEL_OP_CONV2D] = VACCEL_CONV_FLAGS,
	[VACCEL_OP_LAYERNORM] = VACCEL_NORM_FLAGS,
	[VACCEL_OP_RMSNORM] = VACCEL_NORM_FLAGS,
	[VACCEL_OP_POOL] = VACCEL_POOL_FLAGS,
};

static void test_packet_header_mutations(void)
{
	union vaccel_pkt base, p;
	int i, bit;

	for (i = 0; i < NOPS; i++) {
		const char *nm = vaccel_opcode_name(ops[i].op);

		vpkt_base(&base, ops[i].op);
		for (bit = 0; bit < 16; bit++) {
			if (valid_flags[i] & (1u << bit))
				continue;
			p = base;
			p.hdr.flags |= (uint16_t)(1u << bit);
			expect_pkt(nm, &p, MIB, -EINVAL, "hdr.flags");
		}
		/* A size off by 8 either way (the packet still fits the buffer:
		 * only the value is wrong). */
		p = base;
		p.hdr.size -= 8;
		{
			union vaccel_pkt pk[3];
			struct vaccel_engine_buffer b[VPKT_NBUFS];
			struct vaccel_verror ve;
			uint64_t size;
			int ret;

			vpkt_base(&pk[0], VACCEL_OP_NOP);
			pk[1] = base;
			vpkt_base(&pk[2], VACCEL_OP_NOP);
			size = vpkt_cmdbuf(cmdbuf_mem, pk, 3);
			set_sizes(b, MIB);
			/* Patch the size field of packet 1 in place. */
			((struct vaccel_pkt_header *)((char *)cmdbuf_mem + 24))->size += 8;
			ret = vaccel_validate(cmdbuf_mem, size, b, VPKT_NBUFS, &ve);
			check_result(nm, ret, &ve,
				     &(struct want){ -EINVAL, "hdr.size", 1, 24, ops[i].op });
			((struct vaccel_pkt_header *)((char *)cmdbuf_mem + 24))->size -= 16;
			ret = vaccel_validate(cmdbuf_mem, size, b, VPKT_NBUFS, &ve);
			check_result(nm, ret, &ve,
				     &(struct want){ -EINVAL, "hdr.size", 1, 24, ops[i].op });
			((struct vaccel_pkt_header *)((char *)cmdbuf_mem + 24))->size = 0;
			ret = vaccel_validate(cmdbuf_mem, size, b, VPKT_NBUFS, &ve);
			check_result(nm, ret, &ve,
				     &(struct want){ -EINVAL, "hdr.size", 1, 24, ops[i].op });
		}
	}
	p = base;
	p.hdr.opcode = VACCEL_OP_COUNT;
	expect_pkt("opcode COUNT", &p, MIB, -EINVAL, "hdr.opcode");
	p.hdr.opcode = 0xffff;
	expect_pkt("opcode 0xffff", &p, MIB, -EINVAL, "hdr.opcode");
}

/* ---- command-buffer header ---------------------------------------------- */

static void run_raw(const char *what, const void *cb, uint64_t size, int err,
		    const char *field, uint32_t packet, uint32_t offset, uint32_t opcode)
{
	struct vaccel_engine_buffer b[VPKT_NBUFS];
	struct vaccel_verror ve;
	int ret;

	set_sizes(b, MIB);
	ret = vaccel_validate(cb, size, b, VPKT_NBUFS, &ve);
	check_result(what, ret, &ve, &(struct want){ err, field, packet, offset, opcode });
}

#define HDR VACCEL_VERR_HEADER

static void test_cmdbuf_header(void)
{
	union vaccel_pkt pk[3];
	struct vaccel_cmdbuf_header *h = (void *)cmdbuf_mem;
	struct vaccel_engine_buffer b[VPKT_NBUFS];
	struct vaccel_verror ve;
	uint64_t full;

	vpkt_base(&pk[0], VACCEL_OP_NOP);
	vpkt_base(&pk[1], VACCEL_OP_FENCE);
	vpkt_base(&pk[2], VACCEL_OP_UNARY);
	full = vpkt_cmdbuf(cmdbuf_mem, pk, 3);
	run_raw("valid", cmdbuf_mem, full, 0, NULL, 0, 0, 0);

	h->magic ^= 1;
	run_raw("magic", cmdbuf_mem, full, -EINVAL, "magic", HDR, 0, 0);
	h->magic ^= 1;
	h->version_major = VACCEL_ISA_VERSION_MAJOR + 1;
	run_raw("major+1", cmdbuf_mem, full, -EINVAL, "version_major", HDR, 0, 0);
	h->version_major = VACCEL_ISA_VERSION_MAJOR - 1;
	run_raw("major-1", cmdbuf_mem, full, -EINVAL, "version_major", HDR, 0, 0);
	h->version_major = VACCEL_ISA_VERSION_MAJOR;
	h->version_minor = VACCEL_ISA_VERSION_MINOR + 1;
	run_raw("minor+1", cmdbuf_mem, full, -EINVAL, "version_minor", HDR, 0, 0);
	h->version_minor = VACCEL_ISA_VERSION_MINOR;
	h->flags = 1u << 31;
	run_raw("flags", cmdbuf_mem, full, -EINVAL, "flags", HDR, 0, 0);
	h->flags = 0;

	h->num_packets = 4;
	run_raw("num_packets+1", cmdbuf_mem, full, -EINVAL, "num_packets", HDR, 0, 0);
	h->num_packets = 0xffffffffu;
	run_raw("num_packets huge", cmdbuf_mem, full, -EINVAL, "num_packets", HDR, 0, 0);
	h->num_packets = 2;
	run_raw("num_packets-1", cmdbuf_mem, full, -EINVAL, "num_packets", HDR, 0, 0);
	h->num_packets = 0;
	run_raw("num_packets 0", cmdbuf_mem, full, -EINVAL, "num_packets", HDR, 0, 0);
	run_raw("empty buffer", cmdbuf_mem, 16, 0, NULL, 0, 0, 0);
	h->num_packets = 3;

	/* Trailing zero bytes after the last packet. */
	memset((char *)cmdbuf_mem + full, 0, 8);
	run_raw("trailing 8", cmdbuf_mem, full + 8, -EINVAL, "num_packets", HDR, 0, 0);
	/* The last packet cut short by 8 bytes. */
	run_raw("truncated", cmdbuf_mem, full - 8, -EINVAL, "hdr.size", 2,
		16 + 8 + 32, VACCEL_OP_UNARY);
	run_raw("size % 8", cmdbuf_mem, full - 4, -EINVAL, "size", HDR, 0, 0);
	run_raw("size 8", cmdbuf_mem, 8, -EINVAL, "size", HDR, 0, 0);
	run_raw("size 0", cmdbuf_mem, 0, -EINVAL, "size", HDR, 0, 0);
	run_raw("NULL cmdbuf", NULL, full, -EINVAL, "cmdbuf", HDR, 0, 0);

	set_sizes(b, MIB);
	total_cases++;
	CHECK(vaccel_validate(cmdbuf_mem, full, NULL, 2, &ve) == -EINVAL &&
	      !strcmp(ve.field, "bufs"), "NULL bufs with nbufs 2");
	/* Fewer buffers than the operands name. */
	total_cases++;
	CHECK(vaccel_validate(cmdbuf_mem, full, b, 1, &ve) == -EINVAL &&
	      !strcmp(ve.field, "buf") && ve.packet == 1, "nbufs 1: %s", ve.field);

	/* Only 8-byte alignment is promised: validate a copy at +8. */
	memmove((char *)cmdbuf_mem + 8, cmdbuf_mem, full);
	run_raw("8-aligned", (char *)cmdbuf_mem + 8, full, 0, NULL, 0, 0, 0);
}

/*
 * VACCEL_COPY_F_CONVERT is ISA 1.1: a command buffer that says it was built
 * for 1.0 may not use it (an engine of 1.0 would refuse the flag, so such a
 * buffer would not mean the same everywhere). A plain COPY still validates
 * in a 1.0 buffer; every packet of 1.0 stays valid.
 */
static void test_copy_convert_version(void)
{
	union vaccel_pkt pk[3];
	struct vaccel_cmdbuf_header *h = (void *)cmdbuf_mem;
	uint64_t full;

	vpkt_base(&pk[0], VACCEL_OP_NOP);
	vpkt_base(&pk[1], VACCEL_OP_COPY);
	pk[1].hdr.flags = VACCEL_COPY_F_CONVERT;
	pk[1].copy.src.dtype = VACCEL_DTYPE_I32;
	vpkt_base(&pk[2], VACCEL_OP_FENCE);
	full = vpkt_cmdbuf(cmdbuf_mem, pk, 3);
	CHECK(VACCEL_ISA_VERSION_MAJOR == 1 && VACCEL_ISA_VERSION_MINOR >= 1, "ISA 1.1 or later");
	run_raw("convert in 1.1", cmdbuf_mem, full, 0, NULL, 0, 0, 0);
	h->version_minor = 0;
	run_raw("convert in 1.0", cmdbuf_mem, full, -EINVAL, "hdr.flags", 1, 16 + 8,
		VACCEL_OP_COPY);
	/* Checked before the operands: a 1.0 buffer is told about the flag. */
	pk[1].copy.src.dtype = VACCEL_DTYPE_BF16;
	full = vpkt_cmdbuf(cmdbuf_mem, pk, 3);
	h->version_minor = 0;
	run_raw("convert bf16 in 1.0", cmdbuf_mem, full, -EINVAL, "hdr.flags", 1, 16 + 8,
		VACCEL_OP_COPY);
	/* Every opcode of 1.0 without the new flag is still valid in 1.0. */
	for (uint32_t op = 0; op < VACCEL_OP_COUNT; op++) {
		vpkt_base(&pk[1], op);
		full = vpkt_cmdbuf(cmdbuf_mem, pk, 3);
		h->version_minor = 0;
		run_raw(vaccel_opcode_name(op), cmdbuf_mem, full, 0, NULL, 0, 0, 0);
	}
}

/* ---- overflow --------------------------------------------------------- */

static void test_overflow(void)
{
	union vaccel_pkt base, p;

	vpkt_base(&base, VACCEL_OP_UNARY);
	/* (2-1) * 2^62 elements * 4 bytes = 2^64: wraps to 0 if unchecked. */
	p = base;
	p.unary.x = VT(0, 0, 2);
	p.unary.x.strides[0] = 1ull << 62;
	p.unary.y = VT(1, 0, 2);
	expect_pkt("span*esize wraps", &p, MIB, -E2BIG, "x");
	/* offset + bytes wraps. */
	p = base;
	p.unary.x.offset = UINT64_MAX - 3;
	expect_pkt("offset wraps", &p, MIB, -E2BIG, "x.offset");
	/* (3-1) * 2^63 wraps. */
	p = base;
	p.unary.x = VT(0, 0, 3);
	p.unary.x.strides[0] = 1ull << 63;
	p.unary.y = VT(1, 0, 3);
	expect_pkt("term wraps", &p, MIB, -E2BIG, "x.strides[0]");
	/* 2^63 + 2^63 wraps in the sum. */
	p = base;
	p.unary.x = VT(0, 0, 2, 2);
	p.unary.x.strides[0] = 1ull << 63;
	p.unary.x.strides[1] = 1ull << 63;
	p.unary.y = VT(1, 0, 2, 2);
	expect_pkt("sum wraps", &p, MIB, -E2BIG, "x.strides[1]");
	/* Element count of a broadcast input wraps: (2^32-1)^3 > 2^64. */
	p = base;
	p.unary.x = VT(0, 0, 1, 1, 1, 1);
	p.unary.x.dims[0] = p.unary.x.dims[1] = p.unary.x.dims[2] = 0xffffffffu;
	p.unary.x.dims[3] = 0xffffffffu;
	memset(p.unary.x.strides, 0, sizeof(p.unary.x.strides));
	expect_pkt("count wraps", &p, MIB, -E2BIG, "x.dims[2]");
	/* Huge dims with a real stride: no wrap, simply out of bounds. */
	p = base;
	p.unary.x = VT(0, 0, 0xffffffffu);
	p.unary.y = VT(1, 0, 0xffffffffu);
	expect_pkt("huge dims", &p, MIB, -EINVAL, "x");
	/* The largest accepted extent ends exactly at the buffer's end. */
	p = base;
	p.unary.x = VT(0, 0, 0xffffffffu);
	p.unary.y = VT(1, 0, 0xffffffffu);
	expect_pkt("4 GiB x 4", &p, 0xffffffffull * 4, 0, NULL);

	/* GEMM: every operand fits (broadcast inputs, overlapping c), yet
	 * batch * M * N * K = 2^84. */
	vpkt_base(&p, VACCEL_OP_GEMM);
	p.gemm.a = VT(0, 0, 1u << 21, 1u << 21, 1u << 21);
	memset(p.gemm.a.strides, 0, sizeof(p.gemm.a.strides));
	p.gemm.b = VT(1, 0, 1u << 21, 1u << 21);
	memset(p.gemm.b.strides, 0, sizeof(p.gemm.b.strides));
	p.gemm.c = VT(2, 0, 1u << 21, 1u << 21, 1u << 21);
	p.gemm.c.strides[0] = p.gemm.c.strides[1] = p.gemm.c.strides[2] = 1;
	p.gemm.bias = VT(3, 0, 1u << 21);
	expect_pkt("gemm work wraps", &p, 1ull << 40, -E2BIG, "c");
}

/* ---- per-opcode fields and shape rules ---------------------------------- */

/*
 * CASES(X): X(name, opcode, mutation on union vaccel_pkt *p, errno, field).
 * Each starts from vpkt_base(opcode) and changes one thing.
 */
#define F32(f) vpkt_f32_bits(f)
#define INST(o, d, s0, s1, im) ((struct vaccel_fused_inst){ o, d, s0, s1, im })

#define CASES(X)                                                              \
	/* TIMESTAMP and FENCE */                                             \
	X(ts_buf, TIMESTAMP, p->timestamp.buf = 4, -EINVAL, "buf")            \
	X(ts_pad, TIMESTAMP, p->timestamp.pad = 1, -EINVAL, "pad")            \
	X(ts_misaligned, TIMESTAMP, p->timestamp.offset = 12, -EINVAL, "offset") \
	X(ts_past_end, TIMESTAMP, p->timestamp.offset = MIB, -EINVAL, "offset") \
	X(ts_last_slot, TIMESTAMP, p->timestamp.offset = MIB - 8, 0, NULL)    \
	X(ts_wrap, TIMESTAMP, p->timestamp.offset = UINT64_MAX - 7, -EINVAL, "offset") \
	X(fence_buf, FENCE, p->fence.buf = 0xffffffffu, -EINVAL, "buf")       \
	X(fence_pad, FENCE, p->fence.pad = 2, -EINVAL, "pad")                 \
	X(fence_misaligned, FENCE, p->fence.offset = 4, -EINVAL, "offset")    \
	X(fence_past_end, FENCE, p->fence.offset = MIB - 4, -EINVAL, "offset") \
	X(fence_last_slot, FENCE, p->fence.offset = MIB - 8, 0, NULL)         \
	X(fence_any_value, FENCE, p->fence.value = UINT64_MAX, 0, NULL)       \
	/* COPY */                                                            \
	X(copy_dtype_mismatch, COPY, p->copy.src.dtype = VACCEL_DTYPE_I32, -EINVAL, "src.dtype") \
	X(copy_i8, COPY, (p->copy.src.dtype = p->copy.dst.dtype = VACCEL_DTYPE_I8), 0, NULL) \
	X(copy_bf16, COPY, (p->copy.src.dtype = p->copy.dst.dtype = VACCEL_DTYPE_BF16), 0, NULL) \
	X(copy_f16, COPY, (p->copy.src.dtype = p->copy.dst.dtype = VACCEL_DTYPE_F16), 0, NULL) \
	X(copy_i64, COPY, (p->copy.src.dtype = p->copy.dst.dtype = VACCEL_DTYPE_I64, p->copy.src.offset = 8), 0, NULL) \
	X(copy_i64_misaligned, COPY, (p->copy.src.dtype = p->copy.dst.dtype = VACCEL_DTYPE_I64), -EINVAL, "src.offset") \
	X(copy_rank, COPY, p->copy.src = VT(1, 0, 12), -EINVAL, "src.rank")  \
	X(copy_dims0, COPY, p->copy.src = VT(1, 0, 4, 4), -EINVAL, "src.dims[0]") \
	X(copy_dims1, COPY, p->copy.src = VT(1, 0, 3, 5), -EINVAL, "src.dims[1]") \
	X(copy_overlap_allowed, COPY, p->copy.src = p->copy.dst, 0, NULL)     \
	/* COPY with CONVERT (ISA 1.1): F32, I32, I64 in any pairing */      \
	X(copy_cv_same_f32, COPY, p->hdr.flags = VACCEL_COPY_F_CONVERT, 0, NULL) \
	X(copy_cv_i32_f32, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.src.dtype = VACCEL_DTYPE_I32), 0, NULL) \
	X(copy_cv_f32_i32, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.dst.dtype = VACCEL_DTYPE_I32), 0, NULL) \
	X(copy_cv_i64_f32, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.src.dtype = VACCEL_DTYPE_I64, p->copy.src.offset = 8), 0, NULL) \
	X(copy_cv_f32_i64, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.dst.dtype = VACCEL_DTYPE_I64), 0, NULL) \
	X(copy_cv_i32_i64, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.src.dtype = VACCEL_DTYPE_I32, p->copy.dst.dtype = VACCEL_DTYPE_I64), 0, NULL) \
	X(copy_cv_i64_i32, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.src.dtype = VACCEL_DTYPE_I64, p->copy.src.offset = 8, p->copy.dst.dtype = VACCEL_DTYPE_I32), 0, NULL) \
	X(copy_cv_same_i64, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.src.dtype = p->copy.dst.dtype = VACCEL_DTYPE_I64, p->copy.src.offset = 8), 0, NULL) \
	X(copy_cv_dst_bf16, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.dst.dtype = VACCEL_DTYPE_BF16), -EOPNOTSUPP, "dst.dtype") \
	X(copy_cv_dst_f16, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.dst.dtype = VACCEL_DTYPE_F16), -EOPNOTSUPP, "dst.dtype") \
	X(copy_cv_dst_i8, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.dst.dtype = VACCEL_DTYPE_I8), -EOPNOTSUPP, "dst.dtype") \
	X(copy_cv_src_bf16, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.src.dtype = VACCEL_DTYPE_BF16), -EOPNOTSUPP, "src.dtype") \
	X(copy_cv_src_f16, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.src.dtype = VACCEL_DTYPE_F16), -EOPNOTSUPP, "src.dtype") \
	X(copy_cv_src_i8, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.src.dtype = VACCEL_DTYPE_I8), -EOPNOTSUPP, "src.dtype") \
	X(copy_cv_both_i8, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.src.dtype = p->copy.dst.dtype = VACCEL_DTYPE_I8), -EOPNOTSUPP, "dst.dtype") \
	X(copy_cv_dst_unknown, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.dst.dtype = VACCEL_DTYPE_COUNT), -EINVAL, "dst.dtype") \
	X(copy_cv_src_zero, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.src.dtype = 0), -EINVAL, "src.dtype") \
	X(copy_cv_i64_misaligned, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.src.dtype = VACCEL_DTYPE_I64), -EINVAL, "src.offset") \
	X(copy_cv_dims, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.src = VT(1, 0, 3, 5), p->copy.src.dtype = VACCEL_DTYPE_I32), -EINVAL, "src.dims[1]") \
	X(copy_cv_rank, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.src = VT(1, 0, 12), p->copy.src.dtype = VACCEL_DTYPE_I64), -EINVAL, "src.rank") \
	X(copy_cv_src_end, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.src = VT(1, MIB - 96, 3, 4), p->copy.src.dtype = VACCEL_DTYPE_I64), 0, NULL) \
	X(copy_cv_src_past_end, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.src = VT(1, MIB - 88, 3, 4), p->copy.src.dtype = VACCEL_DTYPE_I64), -EINVAL, "src") \
	X(copy_cv_dst_end, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.dst = VT(0, MIB - 48, 3, 4), p->copy.src.dtype = VACCEL_DTYPE_I64, p->copy.src.offset = 8), 0, NULL) \
	X(copy_cv_dst_i64_past_end, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.dst = VT(0, MIB - 48, 3, 4), p->copy.dst.dtype = VACCEL_DTYPE_I64), -EINVAL, "dst") \
	X(copy_cv_dst_zero_stride, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.dst.dtype = VACCEL_DTYPE_I32, p->copy.dst.strides[0] = 0), -EINVAL, "dst.strides[0]") \
	X(copy_cv_src_broadcast, COPY, (p->hdr.flags = VACCEL_COPY_F_CONVERT, p->copy.src.dtype = VACCEL_DTYPE_I32, p->copy.src.strides[1] = 0), 0, NULL) \
	X(copy_cv_flag_bit1, COPY, p->hdr.flags = VACCEL_COPY_F_CONVERT | 2, -EINVAL, "hdr.flags") \
	/* FILL */                                                            \
	X(fill_i8_high, FILL, (p->fill.dst.dtype = VACCEL_DTYPE_I8, p->fill.value = 0x1ff), -EINVAL, "value") \
	X(fill_i8_ok, FILL, (p->fill.dst.dtype = VACCEL_DTYPE_I8, p->fill.value = 0xff), 0, NULL) \
	X(fill_f16_high, FILL, (p->fill.dst.dtype = VACCEL_DTYPE_F16, p->fill.value = 0x10000), -EINVAL, "value") \
	X(fill_bf16_ok, FILL, (p->fill.dst.dtype = VACCEL_DTYPE_BF16, p->fill.value = 0xffff), 0, NULL) \
	X(fill_f32_high, FILL, p->fill.value = 1ull << 32, -EINVAL, "value")  \
	X(fill_i32_high, FILL, (p->fill.dst.dtype = VACCEL_DTYPE_I32, p->fill.value = 1ull << 63), -EINVAL, "value") \
	X(fill_i64_all, FILL, (p->fill.dst.dtype = VACCEL_DTYPE_I64, p->fill.value = UINT64_MAX), 0, NULL) \
	X(fill_f32_nan, FILL, p->fill.value = 0x7fc00000, 0, NULL)            \
	/* GEMM */                                                            \
	X(gemm_alpha_inf, GEMM, p->gemm.alpha = 0x7f800000, -EINVAL, "alpha") \
	X(gemm_alpha_nan, GEMM, p->gemm.alpha = 0xffc00001, -EINVAL, "alpha") \
	X(gemm_alpha_max, GEMM, p->gemm.alpha = 0x7f7fffff, 0, NULL)          \
	X(gemm_beta_ninf, GEMM, p->gemm.beta = 0xff800000, -EINVAL, "beta")   \
	X(gemm_beta_zero, GEMM, p->gemm.beta = 0, 0, NULL)                    \
	X(gemm_act, GEMM, p->gemm.act = VACCEL_ACT_COUNT, -EINVAL, "act")     \
	X(gemm_act_tanh, GEMM, p->gemm.act = VACCEL_ACT_TANH, 0, NULL)        \
	X(gemm_pad, GEMM, p->gemm.pad = 1, -EINVAL, "pad")                    \
	X(gemm_a_rank1, GEMM, p->gemm.a = VT(0, 0, 15), -EINVAL, "a.rank")   \
	X(gemm_a_rank4, GEMM, p->gemm.a = VT(0, 0, 1, 2, 3, 5), -EINVAL, "a.rank") \
	X(gemm_b_rank4, GEMM, p->gemm.b = VT(1, 0, 1, 1, 4, 5), -EINVAL, "b.rank") \
	X(gemm_c_rank1, GEMM, p->gemm.c = VT(2, 0, 24), -EINVAL, "c.rank")   \
	X(gemm_a_batch, GEMM, p->gemm.a = VT(0, 0, 3, 3, 5), -EINVAL, "a.dims[0]") \
	X(gemm_a_batch1, GEMM, p->gemm.a = VT(0, 0, 1, 3, 5), 0, NULL)        \
	X(gemm_a_rank2, GEMM, p->gemm.a = VT(0, 0, 3, 5), 0, NULL)            \
	X(gemm_b_batch, GEMM, p->gemm.b = VT(1, 0, 2, 4, 5), 0, NULL)         \
	X(gemm_b_batch_bad, GEMM, p->gemm.b = VT(1, 0, 3, 4, 5), -EINVAL, "b.dims[0]") \
	X(gemm_c_rank2_a_batch, GEMM, p->gemm.c = VT(2, 0, 3, 4), -EINVAL, "a.dims[0]") \
	X(gemm_k, GEMM, p->gemm.b = VT(1, 0, 4, 6), -EINVAL, "b.dims[1]")    \
	X(gemm_no_trans_b, GEMM, p->hdr.flags &= ~VACCEL_GEMM_F_TRANS_B, -EINVAL, "b.dims[0]") \
	X(gemm_no_trans_b_ok, GEMM, (p->hdr.flags &= ~VACCEL_GEMM_F_TRANS_B, p->gemm.b = VT(1, 0, 5, 4)), 0, NULL) \
	X(gemm_trans_a, GEMM, p->hdr.flags |= VACCEL_GEMM_F_TRANS_A, -EINVAL, "b.dims[1]") \
	X(gemm_trans_a_ok, GEMM, (p->hdr.flags |= VACCEL_GEMM_F_TRANS_A, p->gemm.a = VT(0, 0, 2, 5, 3)), 0, NULL) \
	X(gemm_m, GEMM, p->gemm.c = VT(2, 0, 2, 4, 4), -EINVAL, "c.dims[1]") \
	X(gemm_n, GEMM, p->gemm.c = VT(2, 0, 2, 3, 5), -EINVAL, "c.dims[2]") \
	X(gemm_batch_c, GEMM, p->gemm.c = VT(2, 0, 3, 3, 4), -EINVAL, "a.dims[0]") \
	X(gemm_bias_n, GEMM, p->gemm.bias = VT(3, 0, 5), -EINVAL, "bias.dims[0]") \
	X(gemm_bias_rank, GEMM, p->gemm.bias = VT(3, 0, 1, 4), -EINVAL, "bias.rank") \
	X(gemm_bias_unflagged, GEMM, p->hdr.flags &= ~VACCEL_GEMM_F_BIAS, -EINVAL, "bias.buf") \
	X(gemm_bias_unflagged_dtype, GEMM, (p->hdr.flags &= ~VACCEL_GEMM_F_BIAS, p->gemm.bias.buf = 0), -EINVAL, "bias.dtype") \
	X(gemm_bias_unflagged_stride, GEMM, (p->hdr.flags &= ~VACCEL_GEMM_F_BIAS, memset(&p->gemm.bias, 0, sizeof(p->gemm.bias)), p->gemm.bias.strides[3] = 1), -EINVAL, "bias.strides[3]") \
	X(gemm_no_bias_ok, GEMM, (p->hdr.flags &= ~VACCEL_GEMM_F_BIAS, memset(&p->gemm.bias, 0, sizeof(p->gemm.bias))), 0, NULL) \
	/* CONV2D */                                                          \
	X(conv_stride_h, CONV2D, p->conv.stride_h = 0, -EINVAL, "stride_h")   \
	X(conv_stride_w, CONV2D, p->conv.stride_w = 0, -EINVAL, "stride_w")   \
	X(conv_dilation_h, CONV2D, p->conv.dilation_h = 0, -EINVAL, "dilation_h") \
	X(conv_dilation_w, CONV2D, p->conv.dilation_w = 0, -EINVAL, "dilation_w") \
	X(conv_groups0, CONV2D, p->conv.groups = 0, -EINVAL, "groups")        \
	X(conv_groups_c, CONV2D, p->conv.groups = 3, -EINVAL, "groups")       \
	X(conv_groups_oc, CONV2D, (p->conv.groups = 4, p->conv.w.dims[1] = 1), -EINVAL, "groups") \
	X(conv_groups1, CONV2D, (p->conv.groups = 1, p->conv.w = VT(1, 0, 6, 4, 3, 3)), 0, NULL) \
	X(conv_act, CONV2D, p->conv.act = VACCEL_ACT_COUNT, -EINVAL, "act")   \
	X(conv_x_rank, CONV2D, p->conv.x = VT(0, 0, 4, 5, 5), -EINVAL, "x.rank") \
	X(conv_w_rank, CONV2D, p->conv.w = VT(1, 0, 6, 2, 9), -EINVAL, "w.rank") \
	X(conv_y_rank, CONV2D, p->conv.y = VT(3, 0, 6, 5, 3), -EINVAL, "y.rank") \
	X(conv_w_c, CONV2D, p->conv.w = VT(1, 0, 6, 4, 3, 3), -EINVAL, "w.dims[1]") \
	X(conv_y_n, CONV2D, p->conv.y = VT(3, 0, 2, 6, 5, 3), -EINVAL, "y.dims[0]") \
	X(conv_y_oc, CONV2D, p->conv.y = VT(3, 0, 1, 5, 5, 3), -EINVAL, "y.dims[1]") \
	X(conv_y_oh, CONV2D, p->conv.y = VT(3, 0, 1, 6, 4, 3), -EINVAL, "y.dims[2]") \
	X(conv_y_ow, CONV2D, p->conv.y = VT(3, 0, 1, 6, 5, 4), -EINVAL, "y.dims[3]") \
	X(conv_pad_top, CONV2D, p->conv.pad_top = 2, -EINVAL, "y.dims[2]")    \
	X(conv_pad_right, CONV2D, p->conv.pad_right = 3, -EINVAL, "y.dims[3]") \
	X(conv_pad_right_floor, CONV2D, p->conv.pad_right = 2, 0, NULL)       \
	X(conv_stride_w1, CONV2D, p->conv.stride_w = 1, -EINVAL, "y.dims[3]") \
	X(conv_dilation, CONV2D, p->conv.dilation_h = 2, -EINVAL, "y.dims[2]") \
	X(conv_dilation_ok, CONV2D, (p->conv.dilation_h = 2, p->conv.y = VT(3, 0, 1, 6, 3, 3)), 0, NULL) \
	X(conv_kh_big, CONV2D, p->conv.w = VT(1, 0, 6, 2, 8, 3), -EINVAL, "w.dims[2]") \
	X(conv_kw_big, CONV2D, p->conv.w = VT(1, 0, 6, 2, 3, 8), -EINVAL, "w.dims[3]") \
	X(conv_kh_dilated_fits, CONV2D, (p->conv.dilation_h = 3, p->conv.y = VT(3, 0, 1, 6, 1, 3)), 0, NULL) \
	X(conv_kh_dilated_big, CONV2D, p->conv.dilation_h = 4, -EINVAL, "w.dims[2]") \
	X(conv_all_padding_ok, CONV2D, (p->conv.pad_top = 4, p->conv.y = VT(3, 0, 1, 6, 8, 3)), 0, NULL) \
	X(conv_bias_oc, CONV2D, p->conv.bias = VT(2, 0, 5), -EINVAL, "bias.dims[0]") \
	X(conv_bias_rank, CONV2D, p->conv.bias = VT(2, 0, 6, 1), -EINVAL, "bias.rank") \
	X(conv_bias_unflagged, CONV2D, p->hdr.flags = 0, -EINVAL, "bias.buf") \
	X(conv_no_bias_ok, CONV2D, (p->hdr.flags = 0, memset(&p->conv.bias, 0, sizeof(p->conv.bias))), 0, NULL) \
	/* UNARY */                                                           \
	X(unary_op, UNARY, p->unary.op = VACCEL_UNARY_COUNT, -EINVAL, "op")   \
	X(unary_op_erf, UNARY, p->unary.op = VACCEL_UNARY_ERF, 0, NULL)       \
	X(unary_pad, UNARY, p->unary.pad = 1, -EINVAL, "pad")                 \
	X(unary_y_rank, UNARY, p->unary.y = VT(1, 0, 6), -EINVAL, "y.rank")   \
	X(unary_y_dims, UNARY, p->unary.y = VT(1, 0, 2, 4), -EINVAL, "y.dims[1]") \
	X(unary_y_dims0, UNARY, p->unary.y = VT(1, 0, 3, 3), -EINVAL, "y.dims[0]") \
	X(unary_in_place, UNARY, p->unary.y = p->unary.x, 0, NULL)            \
	/* BINARY */                                                          \
	X(binary_op, BINARY, p->binary.op = VACCEL_BINARY_COUNT, -EINVAL, "op") \
	X(binary_op_pow, BINARY, p->binary.op = VACCEL_BINARY_POW, 0, NULL)   \
	X(binary_pad, BINARY, p->binary.pad = 1, -EINVAL, "pad")              \
	X(binary_a_dims, BINARY, p->binary.a = VT(0, 0, 3, 2), -EINVAL, "a.dims[1]") \
	X(binary_a_dims0, BINARY, p->binary.a = VT(0, 0, 2, 1), -EINVAL, "a.dims[0]") \
	X(binary_a_rank, BINARY, p->binary.a = VT(0, 0, 1, 2, 3, 4), -EINVAL, "a.rank") \
	X(binary_b_dims, BINARY, p->binary.b = VT(1, 0, 5), -EINVAL, "b.dims[0]") \
	X(binary_a_full, BINARY, p->binary.a = VT(0, 0, 2, 3, 4), 0, NULL)    \
	X(binary_a_ones, BINARY, p->binary.a = VT(0, 0, 1, 1, 1), 0, NULL)    \
	X(binary_y_alias_a, BINARY, (p->binary.a = VT(2, 0, 2, 3, 4), p->binary.y = p->binary.a), 0, NULL) \
	/* FUSED_ELEMENTWISE */                                               \
	X(fused_inputs0, FUSED_ELEMENTWISE, p->fused.num_inputs = 0, -EINVAL, "num_inputs") \
	X(fused_inputs7, FUSED_ELEMENTWISE, p->fused.num_inputs = 7, -EINVAL, "num_inputs") \
	X(fused_insts0, FUSED_ELEMENTWISE, p->fused.num_insts = 0, -EINVAL, "num_insts") \
	X(fused_insts33, FUSED_ELEMENTWISE, p->fused.num_insts = 33, -EINVAL, "num_insts") \
	X(fused_out_reg16, FUSED_ELEMENTWISE, p->fused.out_reg = 16, -EINVAL, "out_reg") \
	X(fused_out_reg_unwritten, FUSED_ELEMENTWISE, p->fused.out_reg = 7, -EINVAL, "out_reg") \
	X(fused_out_reg_other, FUSED_ELEMENTWISE, p->fused.out_reg = 5, 0, NULL) \
	X(fused_pad, FUSED_ELEMENTWISE, p->fused.pad = 1, -EINVAL, "pad")     \
	X(fused_in1_bcast, FUSED_ELEMENTWISE, p->fused.in[1] = VT(2, 0, 4), -EINVAL, "in[1].dims[0]") \
	X(fused_in1_rank, FUSED_ELEMENTWISE, p->fused.in[1] = VT(2, 0, 1, 2, 3), -EINVAL, "in[1].rank") \
	X(fused_in2_unused, FUSED_ELEMENTWISE, p->fused.in[2] = VT(0, 0, 2, 3), -EINVAL, "in[2].dtype") \
	X(fused_in2_buf, FUSED_ELEMENTWISE, p->fused.in[2].buf = 1, -EINVAL, "in[2].buf") \
	X(fused_in4_offset, FUSED_ELEMENTWISE, p->fused.in[4].offset = 8, -EINVAL, "in[4].offset") \
	X(fused_in5_stride, FUSED_ELEMENTWISE, p->fused.in[5].strides[3] = 1, -EINVAL, "in[5].strides[3]") \
	X(fused_in3_rank, FUSED_ELEMENTWISE, p->fused.in[3].rank = 1, -EINVAL, "in[3].rank") \
	X(fused_in3_pad, FUSED_ELEMENTWISE, p->fused.in[3].pad = 1, -EINVAL, "in[3].pad") \
	X(fused_in3_dims, FUSED_ELEMENTWISE, p->fused.in[3].dims[2] = 1, -EINVAL, "in[3].dims[2]") \
	X(fused_three_inputs, FUSED_ELEMENTWISE, (p->fused.num_inputs = 3, p->fused.in[2] = VT(3, 0, 2, 1)), 0, NULL) \
	X(fused_unused_opc, FUSED_ELEMENTWISE, p->fused.insts[6].opc = 1, -EINVAL, "insts[6].opc") \
	X(fused_unused_dst, FUSED_ELEMENTWISE, p->fused.insts[6].dst = 1, -EINVAL, "insts[6].dst") \
	X(fused_unused_src0, FUSED_ELEMENTWISE, p->fused.insts[7].src0 = 1, -EINVAL, "insts[7].src0") \
	X(fused_unused_src1, FUSED_ELEMENTWISE, p->fused.insts[20].src1 = 1, -EINVAL, "insts[20].src1") \
	X(fused_unused_imm, FUSED_ELEMENTWISE, p->fused.insts[31].imm = 1, -EINVAL, "insts[31].imm") \
	X(fused_opc, FUSED_ELEMENTWISE, p->fused.insts[0].opc = VACCEL_FUSED_COUNT, -EINVAL, "insts[0].opc") \
	X(fused_dst, FUSED_ELEMENTWISE, p->fused.insts[0].dst = 16, -EINVAL, "insts[0].dst") \
	X(fused_load_input, FUSED_ELEMENTWISE, p->fused.insts[1].src0 = 2, -EINVAL, "insts[1].src0") \
	X(fused_load_src1, FUSED_ELEMENTWISE, p->fused.insts[0].src1 = 1, -EINVAL, "insts[0].src1") \
	X(fused_load_imm, FUSED_ELEMENTWISE, p->fused.insts[0].imm = 1, -EINVAL, "insts[0].imm") \
	X(fused_const_src0, FUSED_ELEMENTWISE, p->fused.insts[3].src0 = 1, -EINVAL, "insts[3].src0") \
	X(fused_const_src1, FUSED_ELEMENTWISE, p->fused.insts[3].src1 = 1, -EINVAL, "insts[3].src1") \
	X(fused_const_nan_ok, FUSED_ELEMENTWISE, p->fused.insts[3].imm = 0xffffffff, 0, NULL) \
	X(fused_binary_unwritten, FUSED_ELEMENTWISE, p->fused.insts[2].src0 = 7, -EINVAL, "insts[2].src0") \
	X(fused_binary_src1_range, FUSED_ELEMENTWISE, p->fused.insts[2].src1 = 16, -EINVAL, "insts[2].src1") \
	X(fused_binary_self_read, FUSED_ELEMENTWISE, p->fused.insts[2].src1 = 2, -EINVAL, "insts[2].src1") \
	X(fused_binary_imm, FUSED_ELEMENTWISE, p->fused.insts[2].imm = VACCEL_BINARY_COUNT, -EINVAL, "insts[2].imm") \
	X(fused_unary_imm, FUSED_ELEMENTWISE, p->fused.insts[4].imm = VACCEL_UNARY_COUNT, -EINVAL, "insts[4].imm") \
	X(fused_unary_src1, FUSED_ELEMENTWISE, p->fused.insts[4].src1 = 1, -EINVAL, "insts[4].src1") \
	X(fused_unary_src0, FUSED_ELEMENTWISE, p->fused.insts[4].src0 = 9, -EINVAL, "insts[4].src0") \
	X(fused_unary_src0_range, FUSED_ELEMENTWISE, p->fused.insts[4].src0 = 200, -EINVAL, "insts[4].src0") \
	X(fused_select_cond, FUSED_ELEMENTWISE, p->fused.insts[5].imm = 6, -EINVAL, "insts[5].imm") \
	X(fused_select_cond_range, FUSED_ELEMENTWISE, p->fused.insts[5].imm = 16, -EINVAL, "insts[5].imm") \
	X(fused_select_src0, FUSED_ELEMENTWISE, p->fused.insts[5].src0 = 3, -EINVAL, "insts[5].src0") \
	X(fused_select_src1, FUSED_ELEMENTWISE, p->fused.insts[5].src1 = 15, -EINVAL, "insts[5].src1") \
	X(fused_out_reg_overwritten, FUSED_ELEMENTWISE, p->fused.insts[5] = INST(VACCEL_FUSED_SELECT, 0, 5, 1, 4), -EINVAL, "out_reg") \
	X(fused_one_inst, FUSED_ELEMENTWISE, (p->fused.num_insts = 1, p->fused.out_reg = 0, memset(&p->fused.insts[1], 0, sizeof(p->fused.insts[1]) * 5)), 0, NULL) \
	X(fused_all_insts, FUSED_ELEMENTWISE, (p->fused.num_insts = 32, fill_insts(p)), 0, NULL) \
	/* REDUCE */                                                          \
	X(reduce_op, REDUCE, p->reduce.op = VACCEL_REDUCE_COUNT, -EINVAL, "op") \
	X(reduce_axes0, REDUCE, p->reduce.axes = 0, -EINVAL, "axes")          \
	X(reduce_axes_rank, REDUCE, p->reduce.axes = 8 | 1, -EINVAL, "axes")  \
	X(reduce_axes_high, REDUCE, p->reduce.axes = 1u << 31, -EINVAL, "axes") \
	X(reduce_y_rank, REDUCE, p->reduce.y = VT(1, 0, 3), -EINVAL, "y.rank") \
	X(reduce_y_dims0, REDUCE, p->reduce.y = VT(1, 0, 2, 3, 1), -EINVAL, "y.dims[0]") \
	X(reduce_y_dims1, REDUCE, p->reduce.y = VT(1, 0, 1, 1, 1), -EINVAL, "y.dims[1]") \
	X(reduce_y_dims2, REDUCE, p->reduce.y = VT(1, 0, 1, 3, 4), -EINVAL, "y.dims[2]") \
	X(reduce_all, REDUCE, (p->reduce.axes = 7, p->reduce.y = VT(1, 0, 1, 1, 1)), 0, NULL) \
	/* SOFTMAX */                                                         \
	X(softmax_axis, SOFTMAX, p->softmax.axis = 2, -EINVAL, "axis")        \
	X(softmax_axis0, SOFTMAX, p->softmax.axis = 0, 0, NULL)               \
	X(softmax_pad, SOFTMAX, p->softmax.pad = 1, -EINVAL, "pad")           \
	X(softmax_y_dims, SOFTMAX, p->softmax.y = VT(1, 0, 2, 4), -EINVAL, "y.dims[1]") \
	X(softmax_y_rank, SOFTMAX, p->softmax.y = VT(1, 0, 10), -EINVAL, "y.rank") \
	X(softmax_in_place, SOFTMAX, p->softmax.y = p->softmax.x, 0, NULL)    \
	/* LAYERNORM */                                                       \
	X(ln_eps_nan, LAYERNORM, p->norm.eps = 0x7fc00000, -EINVAL, "eps")    \
	X(ln_eps_neg, LAYERNORM, p->norm.eps = F32(-1e-5f), -EINVAL, "eps")   \
	X(ln_eps_neg_inf, LAYERNORM, p->norm.eps = 0xff800000, -EINVAL, "eps") \
	X(ln_eps_zero, LAYERNORM, p->norm.eps = 0, 0, NULL)                   \
	X(ln_eps_neg_zero, LAYERNORM, p->norm.eps = 0x80000000, 0, NULL)      \
	X(ln_axis, LAYERNORM, p->norm.axis = 3, -EINVAL, "axis")              \
	X(ln_axis0, LAYERNORM, (p->norm.axis = 0, p->norm.scale = VT(1, 0, 2, 3, 4), p->norm.shift = VT(2, 0, 2, 3, 4)), 0, NULL) \
	X(ln_scale_rank, LAYERNORM, p->norm.scale = VT(1, 0, 2, 3, 4), -EINVAL, "scale.rank") \
	X(ln_scale_dims, LAYERNORM, p->norm.scale = VT(1, 0, 3, 5), -EINVAL, "scale.dims[1]") \
	X(ln_shift_dims, LAYERNORM, p->norm.shift = VT(2, 0, 4, 4), -EINVAL, "shift.dims[0]") \
	X(ln_shift_rank, LAYERNORM, p->norm.shift = VT(2, 0, 4), -EINVAL, "shift.rank") \
	X(ln_shift_unflagged, LAYERNORM, p->hdr.flags = VACCEL_NORM_F_SCALE, -EINVAL, "shift.buf") \
	X(ln_scale_unflagged, LAYERNORM, p->hdr.flags = VACCEL_NORM_F_SHIFT, -EINVAL, "scale.buf") \
	X(ln_no_params, LAYERNORM, (p->hdr.flags = 0, memset(&p->norm.scale, 0, 2 * sizeof(p->norm.scale))), 0, NULL) \
	X(ln_y_dims, LAYERNORM, p->norm.y = VT(3, 0, 2, 3, 5), -EINVAL, "y.dims[2]") \
	X(ln_y_rank, LAYERNORM, p->norm.y = VT(3, 0, 6, 4), -EINVAL, "y.rank") \
	X(ln_in_place, LAYERNORM, p->norm.y = p->norm.x, 0, NULL)             \
	/* RMSNORM */                                                         \
	X(rms_shift_flag, RMSNORM, p->hdr.flags |= VACCEL_NORM_F_SHIFT, -EINVAL, "hdr.flags") \
	X(rms_scale_rank, RMSNORM, p->norm.scale = VT(1, 0, 3, 4), -EINVAL, "scale.rank") \
	X(rms_scale_dims, RMSNORM, p->norm.scale = VT(1, 0, 3), -EINVAL, "scale.dims[0]") \
	X(rms_shift_set, RMSNORM, p->norm.shift = VT(2, 0, 4), -EINVAL, "shift.buf") \
	X(rms_axis, RMSNORM, p->norm.axis = 3, -EINVAL, "axis")               \
	X(rms_eps_nan, RMSNORM, p->norm.eps = 0xff800001, -EINVAL, "eps")     \
	X(rms_eps_inf_ok, RMSNORM, p->norm.eps = 0x7f800000, 0, NULL)         \
	/* TRANSPOSE */                                                       \
	X(tr_perm_repeat, TRANSPOSE, p->transpose.perm[2] = 0, -EINVAL, "perm[2]") \
	X(tr_perm_range, TRANSPOSE, p->transpose.perm[0] = 3, -EINVAL, "perm[0]") \
	X(tr_perm_past_rank, TRANSPOSE, p->transpose.perm[3] = 1, -EINVAL, "perm[3]") \
	X(tr_perm_past_rank0, TRANSPOSE, p->transpose.perm[3] = 0, 0, NULL)   \
	X(tr_y_dims, TRANSPOSE, p->transpose.y = VT(1, 0, 4, 3, 2), -EINVAL, "y.dims[1]") \
	X(tr_y_dims0, TRANSPOSE, p->transpose.y = VT(1, 0, 2, 3, 4), -EINVAL, "y.dims[0]") \
	X(tr_y_rank, TRANSPOSE, p->transpose.y = VT(1, 0, 4, 6), -EINVAL, "y.rank") \
	X(tr_overlap, TRANSPOSE, p->transpose.y.buf = 0, -EINVAL, "y")        \
	X(tr_overlap_tail, TRANSPOSE, (p->transpose.y.buf = 0, p->transpose.y.offset = 92), -EINVAL, "y") \
	X(tr_adjacent_ok, TRANSPOSE, (p->transpose.y.buf = 0, p->transpose.y.offset = 96), 0, NULL) \
	X(tr_identity, TRANSPOSE, (p->transpose.perm[0] = 0, p->transpose.perm[1] = 1, p->transpose.perm[2] = 2, p->transpose.y = VT(1, 0, 2, 3, 4)), 0, NULL) \
	/* GATHER */                                                          \
	X(gather_axis, GATHER, p->gather.axis = 3, -EINVAL, "axis")           \
	X(gather_pad, GATHER, p->gather.pad = 1, -EINVAL, "pad")              \
	X(gather_i32, GATHER, p->gather.indices.dtype = VACCEL_DTYPE_I32, 0, NULL) \
	X(gather_f32_indices, GATHER, p->gather.indices.dtype = VACCEL_DTYPE_F32, -EINVAL, "indices.dtype") \
	X(gather_i8_indices, GATHER, p->gather.indices.dtype = VACCEL_DTYPE_I8, -EINVAL, "indices.dtype") \
	X(gather_idx_rank, GATHER, (p->gather.indices = VT(1, 0, 2, 2, 2), p->gather.indices.dtype = VACCEL_DTYPE_I64), -EINVAL, "indices.rank") \
	X(gather_y_rank, GATHER, p->gather.y = VT(2, 0, 3, 4, 2), -EINVAL, "y.rank") \
	X(gather_y_dims0, GATHER, p->gather.y = VT(2, 0, 2, 2, 2, 2), -EINVAL, "y.dims[0]") \
	X(gather_y_dims1, GATHER, p->gather.y = VT(2, 0, 3, 3, 2, 2), -EINVAL, "y.dims[1]") \
	X(gather_y_dims2, GATHER, p->gather.y = VT(2, 0, 3, 2, 5, 2), -EINVAL, "y.dims[2]") \
	X(gather_y_dims3, GATHER, p->gather.y = VT(2, 0, 3, 2, 2, 5), -EINVAL, "y.dims[3]") \
	X(gather_axis0, GATHER, (p->gather.axis = 0, p->gather.y = VT(2, 0, 2, 2, 5, 2)), 0, NULL) \
	X(gather_axis2, GATHER, (p->gather.axis = 2, p->gather.y = VT(2, 0, 3, 5, 2, 2)), 0, NULL) \
	/* POOL */                                                            \
	X(pool_op, POOL, p->pool.op = VACCEL_POOL_COUNT, -EINVAL, "op")       \
	X(pool_max, POOL, (p->pool.op = VACCEL_POOL_MAX, p->hdr.flags = 0), 0, NULL) \
	X(pool_kernel_h, POOL, p->pool.kernel_h = 0, -EINVAL, "kernel_h")     \
	X(pool_kernel_w, POOL, p->pool.kernel_w = 0, -EINVAL, "kernel_w")     \
	X(pool_stride_h, POOL, p->pool.stride_h = 0, -EINVAL, "stride_h")     \
	X(pool_stride_w, POOL, p->pool.stride_w = 0, -EINVAL, "stride_w")     \
	X(pool_dilation_h, POOL, p->pool.dilation_h = 0, -EINVAL, "dilation_h") \
	X(pool_dilation_w, POOL, p->pool.dilation_w = 0, -EINVAL, "dilation_w") \
	X(pool_pad, POOL, p->pool.pad = 1, -EINVAL, "pad")                    \
	X(pool_x_rank, POOL, p->pool.x = VT(0, 0, 2, 6, 6), -EINVAL, "x.rank") \
	X(pool_y_rank, POOL, p->pool.y = VT(1, 0, 2, 3, 3), -EINVAL, "y.rank") \
	X(pool_y_n, POOL, p->pool.y = VT(1, 0, 2, 2, 3, 3), -EINVAL, "y.dims[0]") \
	X(pool_y_c, POOL, p->pool.y = VT(1, 0, 1, 3, 3, 3), -EINVAL, "y.dims[1]") \
	X(pool_y_oh, POOL, p->pool.y = VT(1, 0, 1, 2, 4, 3), -EINVAL, "y.dims[2]") \
	X(pool_y_ow, POOL, p->pool.y = VT(1, 0, 1, 2, 3, 2), -EINVAL, "y.dims[3]") \
	X(pool_kh_big, POOL, p->pool.kernel_h = 9, -EINVAL, "kernel_h")       \
	X(pool_kw_big, POOL, p->pool.kernel_w = 9, -EINVAL, "kernel_w")       \
	X(pool_kh_full, POOL, (p->pool.kernel_h = 8, p->pool.y = VT(1, 0, 1, 2, 1, 3)), 0, NULL) \
	X(pool_top_all_pad, POOL, (p->pool.pad_top = 3, p->pool.y = VT(1, 0, 1, 2, 4, 3)), -EINVAL, "pad_top") \
	X(pool_top_edge_ok, POOL, (p->pool.pad_top = 2, p->pool.y = VT(1, 0, 1, 2, 4, 3)), 0, NULL) \
	X(pool_bottom_all_pad, POOL, (p->pool.pad_bottom = 5, p->pool.y = VT(1, 0, 1, 2, 5, 3)), -EINVAL, "pad_bottom") \
	X(pool_left_all_pad, POOL, (p->pool.pad_left = 3, p->pool.y = VT(1, 0, 1, 2, 3, 4)), -EINVAL, "pad_left") \
	X(pool_right_all_pad, POOL, (p->pool.pad_right = 5, p->pool.y = VT(1, 0, 1, 2, 3, 5)), -EINVAL, "pad_right") \
	X(pool_taps_miss, POOL, pool_dilated(p, 1), -EINVAL, "dilation_h")    \
	X(pool_taps_hit, POOL, pool_dilated(p, 2), 0, NULL)                   \
	X(pool_taps_miss_w, POOL, pool_dilated_w(p), -EINVAL, "dilation_w")

/* 32 instructions: two loads, then 30 alternating adds into r2. */
static void fill_insts(union vaccel_pkt *p)
{
	int i;

	for (i = 6; i < VACCEL_FUSED_MAX_INSTS; i++)
		p->fused.insts[i] = INST(VACCEL_FUSED_BINARY, (uint8_t)(i % 2 ? 3 : 2),
					 2, 3, VACCEL_BINARY_ADD);
}

/*
 * H = @h, window 2 taps 2 apart, padding 1 each side, stride 1: the only
 * window starts at -1 and samples rows -1 and 1, which hit the input only
 * when H = 2.
 */
static void pool_dilated(union vaccel_pkt *p, uint32_t h)
{
	p->pool.x = VT(0, 0, 1, 2, h, 6);
	p->pool.kernel_h = 2;
	p->pool.dilation_h = 2;
	p->pool.stride_h = 1;
	p->pool.pad_top = p->pool.pad_bottom = 1;
	p->pool.y = VT(1, 0, 1, 2, h, 3);	/* OH = (h + 2 - 3) + 1 = h */
}

/* Width 2, 3 taps 3 apart, pads 4/2, stride 3: windows start at -4 (taps
 * -4, -1, 2: miss). */
static void pool_dilated_w(union vaccel_pkt *p)
{
	p->pool.x = VT(0, 0, 1, 2, 6, 2);
	p->pool.kernel_w = 3;
	p->pool.dilation_w = 3;
	p->pool.stride_w = 3;
	p->pool.pad_left = 4;
	p->pool.pad_right = 2;
	/* OW = (2 + 6 - 7) / 3 + 1 = 1 */
	p->pool.y = VT(1, 0, 1, 2, 3, 1);
}

#define X_FN(name, op, stmt, e, f) \
	static void mut_##name(union vaccel_pkt *p) { stmt; }
CASES(X_FN)

struct field_case {
	const char *name;
	uint32_t op;
	void (*mut)(union vaccel_pkt *p);
	int err;
	const char *field;
};

#define X_ROW(name, op, stmt, e, f) { #name, VACCEL_OP_##op, mut_##name, e, f },
static const struct field_case field_cases[] = { CASES(X_ROW) };

static void test_field_cases(void)
{
	size_t i;

	for (i = 0; i < sizeof(field_cases) / sizeof(field_cases[0]); i++) {
		const struct field_case *c = &field_cases[i];
		union vaccel_pkt p;

		vpkt_base(&p, c->op);
		c->mut(&p);
		expect_pkt(c->name, &p, MIB, c->err, c->field);
	}
}

/* Too many padded windows to check one by one: refused, not slow. */
static void test_pool_many_padded_windows(void)
{
	union vaccel_pkt p;

	vpkt_base(&p, VACCEL_OP_POOL);
	p.pool.x = VT(0, 0, 1, 2, 1, 6);
	p.pool.kernel_h = 2;
	p.pool.stride_h = 1;
	p.pool.dilation_h = 200000;
	p.pool.pad_top = 200000;
	p.pool.pad_bottom = 199999;
	/* OH = (1 + 399999 - 200001) + 1 = 200000 */
	p.pool.y = VT(1, 0, 1, 2, 200000, 3);
	expect_pkt("pool many windows", &p, 1ull << 30, -E2BIG, "pad_top");
}

static void test_names(void)
{
	total_cases++;
	CHECK(!strcmp(vaccel_opcode_name(VACCEL_OP_GEMM), "GEMM"), "GEMM");
	CHECK(!strcmp(vaccel_opcode_name(VACCEL_OP_FUSED_ELEMENTWISE),
		      "FUSED_ELEMENTWISE"), "FUSED");
	CHECK(!strcmp(vaccel_opcode_name(VACCEL_OP_POOL), "POOL"), "POOL");
	CHECK(!strcmp(vaccel_opcode_name(VACCEL_OP_COUNT), "UNKNOWN"), "COUNT");
	CHECK(!strcmp(vaccel_opcode_name(0xffffffffu), "UNKNOWN"), "huge");
	for (uint32_t d = 0; d < 10; d++)
		CHECK(vaccel_dtype_size(d) == vpkt_esize(d), "dtype %u", d);
}

int main(void)
{
	RUN_CASE(test_names);
	RUN_CASE(test_every_opcode_valid);
	RUN_CASE(test_exact_buffer_boundary);
	RUN_CASE(test_stream_of_all_opcodes);
	RUN_CASE(test_operand_mutations);
	RUN_CASE(test_packet_header_mutations);
	RUN_CASE(test_cmdbuf_header);
	RUN_CASE(test_copy_convert_version);
	RUN_CASE(test_overflow);
	RUN_CASE(test_field_cases);
	RUN_CASE(test_pool_many_padded_windows);
	printf("# %d validator cases\n", total_cases);
	HARNESS_EXIT();
}
