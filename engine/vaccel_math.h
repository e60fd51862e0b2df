/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * vaccel_math.h - the float functions the engine needs, without libm.
 *
 * The kernel has no libm and the engine must compute the same results in
 * the kernel and in userspace, so both use these. Each function evaluates in
 * double precision internally (range reduction plus a polynomial or series)
 * and rounds once to float at the end, which keeps results within about one
 * ulp of the correctly rounded value over the normal range. Special values
 * follow C99 Annex F (inf, NaN, signed zero, overflow to inf, underflow to 0).
 */
#ifndef VACCEL_MATH_H
#define VACCEL_MATH_H

/** vm_expf() - e^x. */
float vm_expf(float x);
/** vm_logf() - natural logarithm; NaN below 0, -inf at +-0. */
float vm_logf(float x);
/** vm_tanhf() - hyperbolic tangent. */
float vm_tanhf(float x);
/** vm_erff() - the error function. */
float vm_erff(float x);
/** vm_powf() - x raised to y, with C99 powf() special cases. */
float vm_powf(float x, float y);
/** vm_sigmoidf() - 1 / (1 + e^-x). */
float vm_sigmoidf(float x);
/** vm_geluf() - x * 0.5 * (1 + erf(x / sqrt(2))), accurate for large -x too. */
float vm_geluf(float x);
/** vm_siluf() - x * sigmoid(x). */
float vm_siluf(float x);
/** vm_rsqrtf() - 1 / sqrt(x), rounded once. */
float vm_rsqrtf(float x);

/*
 * The inline helpers below are written for loops the compiler vectorizes
 * (-O3 in userspace; plain SSE2 code in the kernel): no branches, only
 * selects, no calls, no integer conversions that lack a vector form.
 */

/*
 * vm_expf_inline() - e^x as vm_expf() promises (<= 1 ulp), branch-free.
 *
 * In double: t = k ln2 + r with k = round(t / ln2) taken by the 1.5 * 2^52
 * shifter (round-to-nearest in the FPU, no float-to-int conversion), so the
 * low bits of the shifted value are k itself; |r| <= ln2/2 and Taylor to
 * r^10 leaves r^11/11! < 3e-13 relative, far below float's half ulp.
 * Clamping t to [-110, 89] keeps k in [-159, 129], so 2^k is a normal
 * double and the one rounding to float yields inf above ~88.72 and 0 (or
 * the correctly rounded subnormal) below; NaN fails both compares and
 * propagates through the arithmetic.
 */
static inline float vm_expf_inline(float x)
{
	const double shifter = 6755399441055744.0;	/* 1.5 * 2^52 */
	double t, kd, r, p, scale;
	unsigned long long kb;

	/*
	 * The clamp bounds come from copysign of x, not plain constants: with
	 * constants GCC 12's PRE folds the whole evaluation to inf or 0 on the
	 * clamped paths and leaves control flow that it then cannot vectorize.
	 * On each path the sign is known, so the value is the same.
	 */
	x = x > 89.0f ? __builtin_copysignf(89.0f, x) : x;
	x = x < -110.0f ? __builtin_copysignf(110.0f, x) : x;
	t = x;
	kd = t * 1.44269504088896340736 + shifter;
	__builtin_memcpy(&kb, &kd, sizeof(kb));
	kd -= shifter;
	/* ln 2 split in two: k * hi is exact for |k| < 2^21. */
	r = (t - kd * 6.93147180369123816490e-01) - kd * 1.90821492927058770002e-10;
	p = 1.0 + r * (1.0 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 +
	    r * (1.0 / 120 + r * (1.0 / 720 + r * (1.0 / 5040 +
	    r * (1.0 / 40320 + r * (1.0 / 362880 + r * (1.0 / 3628800))))))))));
	/* The low 12 bits of kb hold k mod 2^12; shifting them into the
	 * exponent field drops the shifter's own bits. */
	kb = (kb + 1023) << 52;
	__builtin_memcpy(&scale, &kb, sizeof(scale));
	return (float)(p * scale);
}

/* Lanes for the reductions below: enough independent accumulators to hide
 * the add latency and fill a 512-bit register of doubles twice. */
#define VM_LANES 16

/*
 * vm_sum_d() - sum of x[0..n) in double. The lanes fix an order of
 * additions the compiler may vectorize without -ffast-math; double keeps
 * the result within ~n * 1e-16 relative whatever the order.
 */
static inline double vm_sum_d(const float *x, unsigned int n)
{
	double acc[VM_LANES] = { 0 }, s = 0.0;
	unsigned int i = 0, j;

	for (; i + VM_LANES <= n; i += VM_LANES)
		for (j = 0; j < VM_LANES; j++)
			acc[j] += x[i + j];
	for (; i < n; i++)
		s += x[i];
	for (j = 0; j < VM_LANES; j++)
		s += acc[j];
	return s;
}

/* vm_sqdev_d() - sum of (x[i] - mean)^2 over x[0..n), in double. */
static inline double vm_sqdev_d(const float *x, unsigned int n, double mean)
{
	double acc[VM_LANES] = { 0 }, s = 0.0, v;
	unsigned int i = 0, j;

	for (; i + VM_LANES <= n; i += VM_LANES)
		for (j = 0; j < VM_LANES; j++) {
			v = x[i + j] - mean;
			acc[j] += v * v;
		}
	for (; i < n; i++) {
		v = x[i] - mean;
		s += v * v;
	}
	for (j = 0; j < VM_LANES; j++)
		s += acc[j];
	return s;
}

/* max that propagates NaN: once m is NaN no comparison replaces it. */
static inline float vm_max_nan(float m, float v)
{
	/* | not ||: no short-circuit branch, so the loops stay vectorizable. */
	return ((v > m) | (v != v)) ? v : m;
}

/*
 * Float bits mapped to ints that order as the floats do: negative floats
 * have their magnitude bits flipped, so -0 < +0 and a larger magnitude is a
 * smaller int. The map is its own inverse.
 */
static inline int vm_f32_ordered(int b)
{
	return b ^ ((b >> 31) & 0x7fffffff);
}

/*
 * vm_maxf() - max of x[0..n), n >= 1, as one integer max reduction, which
 * the compiler vectorizes (a float select reduction it does not, without
 * -ffast-math). NaNs order beyond the infinities by sign: a positive NaN
 * is the result, a negative one is not. Callers that need NaN to win must
 * not use this; softmax does not need it, because exp(NaN - max) makes the
 * line's sum, and so every output, NaN anyway.
 */
static inline float vm_maxf(const float *x, unsigned int n)
{
	int m = -2147483647 - 1, b;
	unsigned int i;
	float r;

	for (i = 0; i < n; i++) {
		__builtin_memcpy(&b, &x[i], sizeof(b));
		b = vm_f32_ordered(b);
		m = b > m ? b : m;
	}
	m = vm_f32_ordered(m);
	__builtin_memcpy(&r, &m, sizeof(r));
	return r;
}

/**
 * vm_sqrtf() - square root. A builtin, so with -fno-math-errno it is one
 * instruction and never a call to libm's sqrtf.
 */
static inline float vm_sqrtf(float x)
{
	return __builtin_sqrtf(x);
}

#endif /* VACCEL_MATH_H */
