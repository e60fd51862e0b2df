/* SPDX-License-Identifier: MIT */
/*
 * mlp_build.c - the network as a command buffer, written packet by packet
 * with the libaccel builder.
 *
 * Layer 1 deliberately stays unfused (GEMM, then BINARY add of the bias,
 * then UNARY relu) so the demo exercises both the GEMM unit and the
 * elementwise packets; layer 2 uses the GEMM bias epilogue; a SOFTMAX ends
 * the program.
 */
#include <stdio.h>
#include <string.h>

#include "mlp.h"

static const uint32_t mlp_shape[MLP_BUF_COUNT][2] = {
	[MLP_BUF_X] = { MLP_BATCH, MLP_IN },
	[MLP_BUF_W1] = { MLP_IN, MLP_HIDDEN },
	[MLP_BUF_B1] = { MLP_HIDDEN, 0 },
	[MLP_BUF_H] = { MLP_BATCH, MLP_HIDDEN },
	[MLP_BUF_W2] = { MLP_HIDDEN, MLP_OUT },
	[MLP_BUF_B2] = { MLP_OUT, 0 },
	[MLP_BUF_LOGITS] = { MLP_BATCH, MLP_OUT },
	[MLP_BUF_PROBS] = { MLP_BATCH, MLP_OUT },
};

static const char *const mlp_names[MLP_BUF_COUNT] = {
	[MLP_BUF_X] = "x",	     [MLP_BUF_W1] = "W1", [MLP_BUF_B1] = "b1",
	[MLP_BUF_H] = "h",	     [MLP_BUF_W2] = "W2", [MLP_BUF_B2] = "b2",
	[MLP_BUF_LOGITS] = "logits", [MLP_BUF_PROBS] = "probs",
};

size_t mlp_buf_elems(enum mlp_buf b)
{
	size_t n = mlp_shape[b][0];

	if (mlp_shape[b][1])
		n *= mlp_shape[b][1];
	return n;
}

const char *mlp_buf_name(enum mlp_buf b)
{
	return mlp_names[b];
}

static uint32_t mlp_f32_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

/* The whole buffer @b as a dense fp32 tensor of its natural shape. */
static int mlp_tensor(struct vaccel_tensor *t, enum mlp_buf b)
{
	uint32_t rank = mlp_shape[b][1] ? 2 : 1;

	return accel_tensor_init(t, b, VACCEL_DTYPE_F32, 0, rank, mlp_shape[b]);
}

static void mlp_print_shape(enum mlp_buf b)
{
	if (mlp_shape[b][1])
		printf("%s[%ux%u]", mlp_names[b], mlp_shape[b][0], mlp_shape[b][1]);
	else
		printf("%s[%u]", mlp_names[b], mlp_shape[b][0]);
}

static int mlp_gemm(struct accel_cmdbuf *cb, enum mlp_buf a, enum mlp_buf b, enum mlp_buf c,
		    int bias)
{
	struct vaccel_pkt_gemm p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.hdr.opcode = VACCEL_OP_GEMM;
	p.hdr.flags = bias >= 0 ? VACCEL_GEMM_F_BIAS : 0;
	p.alpha = mlp_f32_bits(1.0f);
	p.beta = mlp_f32_bits(0.0f);
	p.act = VACCEL_ACT_NONE;
	ret = mlp_tensor(&p.a, a);
	if (!ret)
		ret = mlp_tensor(&p.b, b);
	if (!ret)
		ret = mlp_tensor(&p.c, c);
	if (!ret && bias >= 0)
		ret = mlp_tensor(&p.bias, (enum mlp_buf)bias);
	if (ret)
		return ret;

	printf("  packet %u: GEMM     ", cb->num_packets);
	mlp_print_shape(c);
	printf(" = ");
	mlp_print_shape(a);
	printf(" . ");
	mlp_print_shape(b);
	if (bias >= 0) {
		printf(" + ");
		mlp_print_shape((enum mlp_buf)bias);
		printf("   (bias epilogue)");
	}
	printf("\n");
	return accel_cmdbuf_append(cb, &p, sizeof(p));
}

/* y = a + b where b (rank 1) broadcasts over the rows of a; y may be a. */
static int mlp_add_bias(struct accel_cmdbuf *cb, enum mlp_buf a, enum mlp_buf b, enum mlp_buf y)
{
	struct vaccel_pkt_binary p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.hdr.opcode = VACCEL_OP_BINARY;
	p.op = VACCEL_BINARY_ADD;
	ret = mlp_tensor(&p.a, a);
	if (!ret)
		ret = mlp_tensor(&p.b, b);
	if (!ret)
		ret = mlp_tensor(&p.y, y);
	if (ret)
		return ret;

	printf("  packet %u: BINARY   ", cb->num_packets);
	mlp_print_shape(y);
	printf(" = ");
	mlp_print_shape(a);
	printf(" + ");
	mlp_print_shape(b);
	printf("   (add, bias broadcast over rows)\n");
	return accel_cmdbuf_append(cb, &p, sizeof(p));
}

static int mlp_relu(struct accel_cmdbuf *cb, enum mlp_buf x)
{
	struct vaccel_pkt_unary p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.hdr.opcode = VACCEL_OP_UNARY;
	p.op = VACCEL_UNARY_RELU;
	ret = mlp_tensor(&p.x, x);
	if (!ret)
		ret = mlp_tensor(&p.y, x);
	if (ret)
		return ret;

	printf("  packet %u: UNARY    ", cb->num_packets);
	mlp_print_shape(x);
	printf(" = relu(%s)   (in place)\n", mlp_names[x]);
	return accel_cmdbuf_append(cb, &p, sizeof(p));
}

static int mlp_softmax(struct accel_cmdbuf *cb, enum mlp_buf x, enum mlp_buf y)
{
	struct vaccel_pkt_softmax p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.hdr.opcode = VACCEL_OP_SOFTMAX;
	p.axis = 1;
	ret = mlp_tensor(&p.x, x);
	if (!ret)
		ret = mlp_tensor(&p.y, y);
	if (ret)
		return ret;

	printf("  packet %u: SOFTMAX  ", cb->num_packets);
	mlp_print_shape(y);
	printf(" = softmax(%s, axis 1)\n", mlp_names[x]);
	return accel_cmdbuf_append(cb, &p, sizeof(p));
}

int mlp_cmdbuf_build(struct accel_cmdbuf *cb)
{
	int ret;

	ret = mlp_gemm(cb, MLP_BUF_X, MLP_BUF_W1, MLP_BUF_H, -1);
	if (!ret)
		ret = mlp_add_bias(cb, MLP_BUF_H, MLP_BUF_B1, MLP_BUF_H);
	if (!ret)
		ret = mlp_relu(cb, MLP_BUF_H);
	if (!ret)
		ret = mlp_gemm(cb, MLP_BUF_H, MLP_BUF_W2, MLP_BUF_LOGITS, MLP_BUF_B2);
	if (!ret)
		ret = mlp_softmax(cb, MLP_BUF_LOGITS, MLP_BUF_PROBS);
	if (!ret)
		ret = cb->error;
	return ret;
}
