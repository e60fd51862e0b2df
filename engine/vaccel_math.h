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

/**
 * vm_sqrtf() - square root. A builtin, so with -fno-math-errno it is one
 * instruction and never a call to libm's sqrtf.
 */
static inline float vm_sqrtf(float x)
{
	return __builtin_sqrtf(x);
}

#endif /* VACCEL_MATH_H */
