/* SPDX-License-Identifier: MIT */
/*
 * mlp.h - the demo's two-layer perceptron: shapes, buffer slots, and the
 * three steps the demo is made of (build the command buffer, compute the
 * reference, compare).
 */
#ifndef ACCEL_DEMO_MLP_H
#define ACCEL_DEMO_MLP_H

#include <stddef.h>
#include <stdint.h>

#include <accel/accel.h>

/* Sizes of the network: batch x in -> hidden -> out, then softmax. */
#define MLP_BATCH 64
#define MLP_IN 784
#define MLP_HIDDEN 512
#define MLP_OUT 10

/*
 * enum mlp_buf - index of each tensor in the submit's buffer list; packet
 * operands name buffers by these indices.
 */
enum mlp_buf {
	MLP_BUF_X,	/* input, BATCH x IN */
	MLP_BUF_W1,	/* IN x HIDDEN */
	MLP_BUF_B1,	/* HIDDEN */
	MLP_BUF_H,	/* hidden activations, BATCH x HIDDEN */
	MLP_BUF_W2,	/* HIDDEN x OUT */
	MLP_BUF_B2,	/* OUT */
	MLP_BUF_LOGITS, /* BATCH x OUT */
	MLP_BUF_PROBS,	/* BATCH x OUT, softmax of the logits */
	MLP_BUF_COUNT,
};

/** mlp_buf_elems() - number of fp32 elements of buffer @b. */
size_t mlp_buf_elems(enum mlp_buf b);

/** mlp_buf_name() - a short name for printing ("x", "W1", ...). */
const char *mlp_buf_name(enum mlp_buf b);

/**
 * mlp_cmdbuf_build() - append the network's packets to @cb, printing one
 * line per packet. Returns 0 or the builder's negative errno.
 */
int mlp_cmdbuf_build(struct accel_cmdbuf *cb);

/**
 * struct mlp_host - the network's tensors in host memory, in double for the
 * reference (inputs hold the same values as the fp32 device buffers).
 */
struct mlp_host {
	double *t[MLP_BUF_COUNT];
};

/** mlp_reference() - fill h, logits and probs of @m from its inputs. */
void mlp_reference(struct mlp_host *m);

/**
 * struct mlp_err - how far a device output is from the reference.
 * @max_abs: largest |got - ref|.
 * @max_rel: largest |got - ref| / |ref| over elements with |ref| > 0.
 * @bad: elements outside the tolerance.
 * @first_bad: index of the first such element (valid when @bad > 0).
 */
struct mlp_err {
	double max_abs;
	double max_rel;
	size_t bad;
	size_t first_bad;
};

/**
 * mlp_compare() - compare @n fp32 results with the double reference.
 * An element passes when |got - ref| <= atol + rtol * |ref|, with atol
 * scaled by the largest |ref| so the check does not depend on the scale.
 */
struct mlp_err mlp_compare(const float *got, const double *ref, size_t n, double rtol,
			   double atol_rel);

#endif
