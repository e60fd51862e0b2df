/* SPDX-License-Identifier: MIT */
/*
 * vpkt.h - one valid packet of every opcode, built by hand from the rules in
 * vaccel_isa.h, plus a command-buffer writer and the bounds rule computed
 * naively. Shared by the validator test and the fuzz seed generator.
 *
 * Every base packet uses buffers 0..3 only (the fuzzer's limit) and puts each
 * operand in its own buffer, so shrinking one buffer hits one operand.
 */
#ifndef ACCEL_TESTS_VPKT_H
#define ACCEL_TESTS_VPKT_H

#include <stdint.h>
#include <string.h>
#include <drm/vaccel_isa.h>

#define VPKT_NBUFS 4

/* Element sizes from the dtype comments of vaccel_isa.h (test's own copy). */
static inline uint64_t vpkt_esize(uint32_t dtype)
{
	switch (dtype) {
	case VACCEL_DTYPE_F32: return 4;
	case VACCEL_DTYPE_BF16: return 2;
	case VACCEL_DTYPE_F16: return 2;
	case VACCEL_DTYPE_I8: return 1;
	case VACCEL_DTYPE_I32: return 4;
	case VACCEL_DTYPE_I64: return 8;
	}
	return 0;
}

/* A dense row-major tensor of @rank dims at @offset in buffer @buf. */
static inline struct vaccel_tensor vpkt_tensor(uint32_t buf, uint32_t dtype,
					       uint64_t offset, uint32_t rank,
					       const uint32_t *dims)
{
	struct vaccel_tensor t;
	uint64_t stride = 1;
	int i;

	memset(&t, 0, sizeof(t));
	t.buf = buf;
	t.dtype = dtype;
	t.offset = offset;
	t.rank = rank;
	for (i = (int)rank - 1; i >= 0; i--) {
		t.dims[i] = dims[i];
		t.strides[i] = stride;
		stride *= dims[i];
	}
	return t;
}

#define VT(buf, off, ...)                                                     \
	vpkt_tensor((buf), VACCEL_DTYPE_F32, (off),                           \
		    sizeof((uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t),   \
		    (uint32_t[]){ __VA_ARGS__ })

/*
 * Bytes of its buffer a tensor needs, the bounds rule of vaccel_isa.h done
 * in 128-bit arithmetic: offset + (sum (dims-1)*strides + 1) * esize.
 */
static inline unsigned __int128 vpkt_tensor_need(const struct vaccel_tensor *t)
{
	unsigned __int128 last = 0;
	uint32_t i;

	for (i = 0; i < t->rank; i++)
		last += (unsigned __int128)(t->dims[i] - 1) * t->strides[i];
	return t->offset + (last + 1) * vpkt_esize(t->dtype);
}

static inline uint32_t vpkt_f32_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

/* Fill @p with the base (valid) packet of @op; returns its size. */
static inline uint32_t vpkt_base(union vaccel_pkt *p, uint32_t op)
{
	memset(p, 0, sizeof(*p));
	p->hdr.opcode = (uint16_t)op;
	switch (op) {
	case VACCEL_OP_NOP:
		p->hdr.size = sizeof(p->nop);
		break;
	case VACCEL_OP_TIMESTAMP:
		p->hdr.size = sizeof(p->timestamp);
		p->timestamp.buf = 2;
		p->timestamp.offset = 8;
		break;
	case VACCEL_OP_FENCE:
		p->hdr.size = sizeof(p->fence);
		p->fence.buf = 1;
		p->fence.offset = 16;
		p->fence.value = 7;
		break;
	case VACCEL_OP_COPY:
		p->hdr.size = sizeof(p->copy);
		p->copy.dst = VT(0, 8, 3, 4);
		/* Read transposed: column-major source. */
		p->copy.src = VT(1, 4, 3, 4);
		p->copy.src.strides[0] = 1;
		p->copy.src.strides[1] = 3;
		break;
	case VACCEL_OP_FILL:
		p->hdr.size = sizeof(p->fill);
		p->fill.value = vpkt_f32_bits(1.5f);
		p->fill.dst = VT(3, 16, 3, 4);
		break;
	case VACCEL_OP_GEMM:
		p->hdr.size = sizeof(p->gemm);
		p->hdr.flags = VACCEL_GEMM_F_TRANS_B | VACCEL_GEMM_F_BIAS;
		p->gemm.alpha = vpkt_f32_bits(1.0f);
		p->gemm.beta = vpkt_f32_bits(0.5f);
		p->gemm.act = VACCEL_ACT_RELU;
		p->gemm.a = VT(0, 0, 2, 3, 5);		/* batch 2, M 3, K 5 */
		p->gemm.b = VT(1, 0, 4, 5);		/* N 4 x K 5 (TRANS_B) */
		p->gemm.c = VT(2, 0, 2, 3, 4);
		p->gemm.bias = VT(3, 0, 4);
		break;
	case VACCEL_OP_CONV2D:
		p->hdr.size = sizeof(p->conv);
		p->hdr.flags = VACCEL_CONV_F_BIAS;
		p->conv.stride_h = 1;
		p->conv.stride_w = 2;
		p->conv.pad_top = 1;
		p->conv.pad_left = 1;
		p->conv.pad_bottom = 1;
		p->conv.pad_right = 1;
		p->conv.dilation_h = 1;
		p->conv.dilation_w = 1;
		p->conv.groups = 2;
		p->conv.act = VACCEL_ACT_SILU;
		p->conv.x = VT(0, 0, 1, 4, 5, 5);
		p->conv.w = VT(1, 0, 6, 2, 3, 3);
		p->conv.bias = VT(2, 0, 6);
		/* OH = (5+2-3)/1+1 = 5, OW = (5+2-3)/2+1 = 3 */
		p->conv.y = VT(3, 0, 1, 6, 5, 3);
		break;
	case VACCEL_OP_UNARY:
		p->hdr.size = sizeof(p->unary);
		p->unary.op = VACCEL_UNARY_GELU;
		p->unary.x = VT(0, 0, 2, 3);
		p->unary.y = VT(1, 0, 2, 3);
		break;
	case VACCEL_OP_BINARY:
		p->hdr.size = sizeof(p->binary);
		p->binary.op = VACCEL_BINARY_ADD;
		p->binary.a = VT(0, 0, 3, 1);
		p->binary.b = VT(1, 0, 4);
		p->binary.y = VT(2, 0, 2, 3, 4);
		break;
	case VACCEL_OP_FUSED_ELEMENTWISE: {
		struct vaccel_fused_inst *in = p->fused.insts;

		p->hdr.size = sizeof(p->fused);
		p->fused.num_inputs = 2;
		p->fused.num_insts = 6;
		p->fused.out_reg = 3;
		p->fused.y = VT(0, 0, 2, 3);
		p->fused.in[0] = VT(1, 0, 2, 3);
		p->fused.in[1] = VT(2, 0, 3);
		in[0] = (struct vaccel_fused_inst){ VACCEL_FUSED_LOAD, 0, 0, 0, 0 };
		in[1] = (struct vaccel_fused_inst){ VACCEL_FUSED_LOAD, 1, 1, 0, 0 };
		in[2] = (struct vaccel_fused_inst){ VACCEL_FUSED_BINARY, 2, 0, 1,
						    VACCEL_BINARY_MUL };
		in[3] = (struct vaccel_fused_inst){ VACCEL_FUSED_CONST, 4, 0, 0,
						    vpkt_f32_bits(2.0f) };
		in[4] = (struct vaccel_fused_inst){ VACCEL_FUSED_UNARY, 5, 2, 0,
						    VACCEL_UNARY_TANH };
		in[5] = (struct vaccel_fused_inst){ VACCEL_FUSED_SELECT, 3, 5, 1, 4 };
		break;
	}
	case VACCEL_OP_REDUCE:
		p->hdr.size = sizeof(p->reduce);
		p->reduce.op = VACCEL_REDUCE_MEAN;
		p->reduce.axes = 5;		/* dims 0 and 2 */
		p->reduce.x = VT(0, 0, 2, 3, 4);
		p->reduce.y = VT(1, 0, 1, 3, 1);
		break;
	case VACCEL_OP_SOFTMAX:
		p->hdr.size = sizeof(p->softmax);
		p->softmax.axis = 1;
		p->softmax.x = VT(0, 0, 2, 5);
		p->softmax.y = VT(1, 0, 2, 5);
		break;
	case VACCEL_OP_LAYERNORM:
		p->hdr.size = sizeof(p->norm);
		p->hdr.flags = VACCEL_NORM_F_SCALE | VACCEL_NORM_F_SHIFT;
		p->norm.axis = 1;
		p->norm.eps = vpkt_f32_bits(1e-5f);
		p->norm.x = VT(0, 0, 2, 3, 4);
		p->norm.scale = VT(1, 0, 3, 4);
		p->norm.shift = VT(2, 0, 3, 4);
		p->norm.y = VT(3, 0, 2, 3, 4);
		break;
	case VACCEL_OP_RMSNORM:
		p->hdr.size = sizeof(p->norm);
		p->hdr.flags = VACCEL_NORM_F_SCALE;
		p->norm.axis = 2;
		p->norm.eps = vpkt_f32_bits(1e-6f);
		p->norm.x = VT(0, 0, 2, 3, 4);
		p->norm.scale = VT(1, 0, 4);
		p->norm.y = VT(3, 0, 2, 3, 4);
		break;
	case VACCEL_OP_TRANSPOSE:
		p->hdr.size = sizeof(p->transpose);
		p->transpose.perm[0] = 2;
		p->transpose.perm[1] = 0;
		p->transpose.perm[2] = 1;
		p->transpose.x = VT(0, 0, 2, 3, 4);
		p->transpose.y = VT(1, 0, 4, 2, 3);
		break;
	case VACCEL_OP_GATHER:
		p->hdr.size = sizeof(p->gather);
		p->gather.axis = 1;
		p->gather.x = VT(0, 0, 3, 5, 2);
		p->gather.indices = VT(1, 0, 2, 2);
		p->gather.indices.dtype = VACCEL_DTYPE_I64;
		p->gather.y = VT(2, 0, 3, 2, 2, 2);
		break;
	case VACCEL_OP_POOL:
		p->hdr.size = sizeof(p->pool);
		p->hdr.flags = VACCEL_POOL_F_COUNT_PAD;
		p->pool.op = VACCEL_POOL_AVG;
		p->pool.kernel_h = 3;
		p->pool.kernel_w = 3;
		p->pool.stride_h = 2;
		p->pool.stride_w = 2;
		p->pool.pad_top = 1;
		p->pool.pad_left = 1;
		p->pool.pad_bottom = 1;
		p->pool.pad_right = 1;
		p->pool.dilation_h = 1;
		p->pool.dilation_w = 1;
		p->pool.x = VT(0, 0, 1, 2, 6, 6);
		/* OH = OW = (6+2-3)/2+1 = 3 */
		p->pool.y = VT(1, 0, 1, 2, 3, 3);
		break;
	}
	return p->hdr.size;
}

/*
 * Append a command buffer (header, then @n packets) to @out, which must be
 * 8-byte aligned and large enough; returns its size in bytes.
 */
static inline uint64_t vpkt_cmdbuf(void *out, const union vaccel_pkt *pkts,
				   uint32_t n)
{
	struct vaccel_cmdbuf_header h = {
		.magic = VACCEL_CMDBUF_MAGIC,
		.version_major = VACCEL_ISA_VERSION_MAJOR,
		.version_minor = VACCEL_ISA_VERSION_MINOR,
		.num_packets = n,
	};
	uint8_t *o = out;
	uint64_t off = sizeof(h);
	uint32_t i;

	memcpy(o, &h, sizeof(h));
	for (i = 0; i < n; i++) {
		memcpy(o + off, &pkts[i], pkts[i].hdr.size);
		off += pkts[i].hdr.size;
	}
	return off;
}

#endif
