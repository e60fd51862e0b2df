// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * vaccel_math.c - float transcendental functions without libm.
 *
 * Every function widens to double, reduces the argument, evaluates a short
 * Taylor or continued-fraction expansion whose truncation error is far below
 * float's half ulp, and rounds once. Working in double costs little next to
 * a table-driven float kernel and makes the error analysis a one-liner: the
 * double intermediate is good to ~1e-14 relative, so the float result is the
 * correctly rounded one except in rare double-rounding ties (<= 1 ulp).
 */
#include "vaccel_compat.h"
#include "vaccel_math.h"

#define VM_LN2_HI 6.93147180369123816490e-01	/* ln 2, top 32 bits */
#define VM_LN2_LO 1.90821492927058770002e-10	/* ln 2 - VM_LN2_HI */
#define VM_LN2 0.693147180559945309417232121458
#define VM_LOG2E 1.44269504088896340735992468100
#define VM_2_SQRTPI 1.12837916709551257389615890312	/* 2 / sqrt(pi) */
#define VM_1_SQRTPI 0.564189583547756286948079451561	/* 1 / sqrt(pi) */
#define VM_SQRT1_2 0.707106781186547524400844362105
#define VM_SQRT2 1.41421356237309504880168872421

static inline __u64 vm_dbits(double d)
{
	__u64 u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static inline double vm_dfrom(__u64 u)
{
	double d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

static inline float vm_inff(void)
{
	return __builtin_inff();
}

static inline float vm_nanf(void)
{
	return __builtin_nanf("");
}

static inline int vm_isnanf(float x)
{
	return x != x;
}

static inline float vm_copysignf(float mag, float sgn)
{
	return __builtin_copysignf(mag, sgn);
}

/* Round to nearest integer (ties away), for |t| well inside long long. */
static inline long long vm_nearest(double t)
{
	return t >= 0 ? (long long)(t + 0.5) : (long long)(t - 0.5);
}

/* 2^k as a double for -1022 <= k <= 1023. */
static inline double vm_pow2(long long k)
{
	return vm_dfrom((__u64)(k + 1023) << 52);
}

/*
 * e^t in double. t = k ln2 + r with |r| <= ln2/2 (Cody-Waite split so k ln2
 * adds no error), e^r by Taylor to degree 12: r^13/13! < 1e-16.
 */
static double vm_exp_d(double t)
{
	long long k;
	double r, p;

	if (t > 709.7)
		return (double)vm_inff();
	if (t < -745.2)
		return 0.0;
	k = vm_nearest(t * VM_LOG2E);
	r = (t - (double)k * VM_LN2_HI) - (double)k * VM_LN2_LO;
	p = 1.0 + r * (1.0 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 +
	    r * (1.0 / 120 + r * (1.0 / 720 + r * (1.0 / 5040 +
	    r * (1.0 / 40320 + r * (1.0 / 362880 + r * (1.0 / 3628800 +
	    r * (1.0 / 39916800 + r * (1.0 / 479001600))))))))))));
	if (k < -1000) {
		/* Result is (near) subnormal: scale in two steps. */
		p *= vm_pow2(-200);
		k += 200;
	}
	if (k > 1023) {
		p *= 2.0;
		k -= 1;
	}
	return p * vm_pow2(k);
}

/* e^t - 1 in double without cancellation for small |t|. */
static double vm_expm1_d(double t)
{
	if (t > -0.35 && t < 0.35)
		return t * (1.0 + t * (1.0 / 2 + t * (1.0 / 6 + t * (1.0 / 24 +
		       t * (1.0 / 120 + t * (1.0 / 720 + t * (1.0 / 5040 +
		       t * (1.0 / 40320 + t * (1.0 / 362880 + t * (1.0 / 3628800 +
		       t * (1.0 / 39916800 + t * (1.0 / 479001600))))))))))));
	return vm_exp_d(t) - 1.0;
}

/*
 * ln x in double for finite x > 0. x = 2^e m, m in [sqrt(1/2), sqrt(2)),
 * ln m = 2 atanh(s) with s = (m-1)/(m+1), |s| <= 0.1716, series to s^21.
 */
static double vm_log_d(double x)
{
	__u64 u = vm_dbits(x);
	long long e;
	double m, s, s2, p;

	if (((u >> 52) & 0x7ff) == 0) {
		/* Subnormal double: normalize first. */
		x *= vm_pow2(60);
		u = vm_dbits(x);
		e = (long long)((u >> 52) & 0x7ff) - 1023 - 60;
	} else {
		e = (long long)((u >> 52) & 0x7ff) - 1023;
	}
	m = vm_dfrom((u & 0x000fffffffffffffull) | 0x3ff0000000000000ull);
	if (m > VM_SQRT2) {
		m *= 0.5;
		e += 1;
	}
	s = (m - 1.0) / (m + 1.0);
	s2 = s * s;
	p = 1.0 + s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 * (1.0 / 9 +
	    s2 * (1.0 / 11 + s2 * (1.0 / 13 + s2 * (1.0 / 15 + s2 * (1.0 / 17 +
	    s2 * (1.0 / 19 + s2 * (1.0 / 21))))))))));
	return (double)e * VM_LN2_HI + ((double)e * VM_LN2_LO + 2.0 * s * p);
}

/*
 * erf(z) for |z| < 2.5 from the all-positive series
 * erf z = 2/sqrt(pi) e^{-z^2} sum_n (2z^2)^n z / (1*3*...*(2n+1)),
 * which has no cancellation; at most ~45 terms at |z| = 2.5.
 */
static double vm_erf_series_d(double z)
{
	double z2 = 2.0 * z * z, term = z, sum = z;
	int n;

	for (n = 1; n < 120; n++) {
		term *= z2 / (double)(2 * n + 1);
		sum += term;
		if ((term < 0 ? -term : term) <= (sum < 0 ? -sum : sum) * 1e-17)
			break;
	}
	return VM_2_SQRTPI * vm_exp_d(-z * z) * sum;
}

/*
 * erfc(z) for z >= 2.5 from Laplace's continued fraction
 * erfc z = e^{-z^2}/sqrt(pi) / (z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))),
 * evaluated bottom-up; 60 levels converge to ~1e-15 relative at z = 2.5.
 */
static double vm_erfc_cf_d(double z)
{
	double f = z;
	int n;

	if (z > 27.0)
		return 0.0;
	for (n = 60; n >= 1; n--)
		f = z + (0.5 * n) / f;
	return VM_1_SQRTPI * vm_exp_d(-z * z) / f;
}

/* erfc(z) in double for any finite z. */
static double vm_erfc_d(double z)
{
	if (z >= 2.5)
		return vm_erfc_cf_d(z);
	if (z <= -2.5)
		return 2.0 - vm_erfc_cf_d(-z);
	return 1.0 - vm_erf_series_d(z);
}

/* The same code that softmax inlines into its vector loops, so a scalar
 * EXP and a softmax row agree bit for bit. */
float vm_expf(float x)
{
	return vm_expf_inline(x);
}

float vm_logf(float x)
{
	if (vm_isnanf(x))
		return x + x;
	if (x < 0.0f)
		return vm_nanf();
	if (x == 0.0f)
		return -vm_inff();
	if (x == vm_inff())
		return x;
	return (float)vm_log_d(x);
}

float vm_tanhf(float x)
{
	double ax, e;

	if (vm_isnanf(x))
		return x + x;
	if (x == 0.0f)
		return x;	/* keeps the sign of zero */
	ax = x < 0 ? -(double)x : (double)x;
	if (ax > 9.5)
		return vm_copysignf(1.0f, x);
	/* tanh a = expm1(2a) / (expm1(2a) + 2): no cancellation near 0. */
	e = vm_expm1_d(2.0 * ax);
	return vm_copysignf((float)(e / (e + 2.0)), x);
}

float vm_erff(float x)
{
	double ax;

	if (vm_isnanf(x))
		return x + x;
	if (x == 0.0f)
		return x;
	ax = x < 0 ? -(double)x : (double)x;
	if (ax >= 4.0)
		return vm_copysignf(1.0f, x);	/* 1 - erf(4) < 2e-8 < ulp/2 */
	if (ax < 2.5)
		return vm_copysignf((float)vm_erf_series_d(ax), x);
	return vm_copysignf((float)(1.0 - vm_erfc_cf_d(ax)), x);
}

float vm_sigmoidf(float x)
{
	if (vm_isnanf(x))
		return x + x;
	return (float)(1.0 / (1.0 + vm_exp_d(-(double)x)));
}

float vm_siluf(float x)
{
	if (vm_isnanf(x))
		return x + x;
	if (x == -vm_inff())
		return -0.0f;	/* the limit, not inf * 0 */
	return (float)((double)x / (1.0 + vm_exp_d(-(double)x)));
}

float vm_geluf(float x)
{
	if (vm_isnanf(x))
		return x + x;
	if (x == vm_inff())
		return x;
	if (x == -vm_inff())
		return -0.0f;	/* the limit, not inf * 0 */
	/* 0.5 x erfc(-x/sqrt2): erfc keeps relative accuracy for large -x
	 * where 1 + erf() would cancel to nothing. */
	return (float)(0.5 * (double)x * vm_erfc_d(-(double)x * VM_SQRT1_2));
}

float vm_rsqrtf(float x)
{
	return (float)(1.0 / __builtin_sqrt((double)x));
}

/* 0: y is not an integer, 1: odd integer, 2: even integer (y finite). */
static int vm_int_kind(float y)
{
	float ay = y < 0 ? -y : y;
	long long i;

	if (ay >= 16777216.0f)
		return 2;	/* every float >= 2^24 is an even integer */
	i = (long long)ay;
	if ((float)i != ay)
		return 0;
	return (i & 1) ? 1 : 2;
}

/*
 * A power of two to an integer power is exact: compute it so, because the
 * exp(y log x) path lands a hair off exact ties such as 2^-150 and would
 * round them the wrong way. Returns -1 when not applicable.
 */
static double vm_pow2_exact(float ax, float y, int kind)
{
	__u32 u;
	long long n;

	memcpy(&u, &ax, sizeof(u));
	if (kind == 0 || (u & 0x7fffff) || (u >> 23) == 0 || y > 1e6f || y < -1e6f)
		return -1.0;
	n = ((long long)(u >> 23) - 127) * (long long)y;
	if (n > 1023)
		return (double)vm_inff();
	if (n < -1022)
		return 0.0;
	return vm_pow2(n);
}

float vm_powf(float x, float y)
{
	float ax;
	int kind;
	double r;

	if (y == 0.0f || x == 1.0f)
		return 1.0f;	/* even for NaN in the other operand (C99) */
	if (vm_isnanf(x) || vm_isnanf(y))
		return x + y;
	ax = x < 0 ? -x : x;
	if (y == vm_inff() || y == -vm_inff()) {
		if (ax == 1.0f)
			return 1.0f;
		return ((ax < 1.0f) == (y > 0)) ? 0.0f : vm_inff();
	}
	kind = vm_int_kind(y);
	if (x == 0.0f) {
		if (y < 0)
			return kind == 1 ? vm_copysignf(vm_inff(), x) : vm_inff();
		return kind == 1 ? x : 0.0f;
	}
	if (ax == vm_inff()) {
		if (x > 0)
			return y < 0 ? 0.0f : vm_inff();
		if (y < 0)
			return kind == 1 ? -0.0f : 0.0f;
		return kind == 1 ? -vm_inff() : vm_inff();
	}
	if (x < 0 && kind == 0)
		return vm_nanf();
	r = vm_pow2_exact(ax, y, kind);
	if (r < 0)
		r = vm_exp_d((double)y * vm_log_d(ax));
	return (x < 0 && kind == 1) ? (float)-r : (float)r;
}
