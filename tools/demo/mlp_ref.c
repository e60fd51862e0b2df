/* SPDX-License-Identifier: MIT */
/*
 * mlp_ref.c - the same network computed naively in double precision, and
 * the comparison of the device's fp32 results against it.
 *
 * Independent of libaccel and the engine on purpose: it is the yardstick.
 */
#include <math.h>

#include "mlp.h"

/* c[m][n] = sum_k a[m][k] * b[k][n] + bias[n] */
static void mlp_ref_linear(const double *a, const double *b, const double *bias, double *c,
			   size_t rows, size_t inner, size_t cols)
{
	for (size_t m = 0; m < rows; m++) {
		for (size_t n = 0; n < cols; n++) {
			double acc = bias[n];

			for (size_t k = 0; k < inner; k++)
				acc += a[m * inner + k] * b[k * cols + n];
			c[m * cols + n] = acc;
		}
	}
}

void mlp_reference(struct mlp_host *m)
{
	double *h = m->t[MLP_BUF_H];
	double *logits = m->t[MLP_BUF_LOGITS];
	double *probs = m->t[MLP_BUF_PROBS];

	mlp_ref_linear(m->t[MLP_BUF_X], m->t[MLP_BUF_W1], m->t[MLP_BUF_B1], h, MLP_BATCH, MLP_IN,
		       MLP_HIDDEN);
	for (size_t i = 0; i < (size_t)MLP_BATCH * MLP_HIDDEN; i++)
		h[i] = h[i] > 0.0 ? h[i] : 0.0;
	mlp_ref_linear(h, m->t[MLP_BUF_W2], m->t[MLP_BUF_B2], logits, MLP_BATCH, MLP_HIDDEN,
		       MLP_OUT);

	for (size_t r = 0; r < MLP_BATCH; r++) {
		const double *l = logits + r * MLP_OUT;
		double *p = probs + r * MLP_OUT;
		double max = l[0], sum = 0.0;

		for (size_t j = 1; j < MLP_OUT; j++)
			max = l[j] > max ? l[j] : max;
		for (size_t j = 0; j < MLP_OUT; j++) {
			p[j] = exp(l[j] - max);
			sum += p[j];
		}
		for (size_t j = 0; j < MLP_OUT; j++)
			p[j] /= sum;
	}
}

struct mlp_err mlp_compare(const float *got, const double *ref, size_t n, double rtol,
			   double atol_rel)
{
	struct mlp_err e = { 0 };
	double scale = 0.0;

	for (size_t i = 0; i < n; i++)
		scale = fabs(ref[i]) > scale ? fabs(ref[i]) : scale;

	for (size_t i = 0; i < n; i++) {
		double diff = fabs((double)got[i] - ref[i]);

		/* A NaN fails every comparison below, so count it explicitly. */
		if (isnan(diff) || diff > atol_rel * scale + rtol * fabs(ref[i])) {
			if (!e.bad)
				e.first_bad = i;
			e.bad++;
		}
		if (isnan(diff))
			diff = INFINITY;
		if (diff > e.max_abs)
			e.max_abs = diff;
		if (ref[i] != 0.0 && diff / fabs(ref[i]) > e.max_rel)
			e.max_rel = diff / fabs(ref[i]);
	}
	return e;
}
