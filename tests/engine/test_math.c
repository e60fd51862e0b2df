// SPDX-License-Identifier: MIT
/*
 * test_math.c - engine/vaccel_math.c against libm in double precision.
 *
 * Sweeps float bit patterns across each function's whole domain (every
 * 257th pattern of the finite floats), measures the error in float ulps of
 * the double reference and asserts a bound; then checks special values bit
 * for bit (signed zeros, infinities, NaN) as C99 Annex F specifies them.
 */
#include "engine_test.h"
#include "vaccel_math.h"

/* Bound on the error, in ulps of the correctly rounded float result. */
#define MATH_ULP_BOUND 1.0

static double ulp_of(double ref)
{
	int e;
	double a = fabs(ref);

	if (a < 0x1p-126)
		return 0x1p-149;	/* subnormal range: fixed spacing */
	frexp(a, &e);		/* a = f * 2^e, f in [0.5, 1) */
	return ldexp(1.0, e - 24);
}

/* Error of @got against @ref in ulps; inf/NaN must match exactly. */
static double ulp_err(float got, double ref)
{
	double rf = ref;

	if (isnan(rf))
		return isnan(got) ? 0 : INFINITY;
	/* A reference beyond float's range must round to inf, as must ours. */
	if (fabs(rf) >= 0x1.ffffffp127)
		return isinf(got) && (got > 0) == (rf > 0) ? 0 : INFINITY;
	if (isinf(got))
		return INFINITY;
	return fabs((double)got - rf) / ulp_of(rf);
}

static float bits_to_f(uint32_t u)
{
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

static double ref_sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }
static double ref_silu(double x) { return x / (1.0 + exp(-x)); }
static double ref_gelu(double x) { return 0.5 * x * erfc(-x / sqrt(2.0)); }
static double ref_rsqrt(double x) { return 1.0 / sqrt(x); }
static double ref_sqrt(double x) { return sqrt(x); }
static float our_sqrt(float x) { return vm_sqrtf(x); }

struct unary_case {
	const char *name;
	float (*ours)(float);
	double (*ref)(double);
	float lo, hi;	/* swept domain (finite floats in [lo, hi]) */
};

/* Sweep every 257th float bit pattern whose value lies in [lo, hi]. */
static void sweep_unary(const struct unary_case *c)
{
	double worst = 0;
	float worst_x = 0;
	long n = 0;

	for (uint64_t u = 0; u < 0x100000000ull; u += 257) {
		float x = bits_to_f((uint32_t)u);
		double e;

		if (!isfinite(x) || x < c->lo || x > c->hi)
			continue;
		e = ulp_err(c->ours(x), c->ref(x));
		n++;
		if (e > worst) {
			worst = e;
			worst_x = x;
		}
	}
	printf("# %-8s max error %.3f ulp over %ld values (worst at x = %.9g)\n", c->name,
	       worst, n, worst_x);
	CHECK(worst <= MATH_ULP_BOUND, "%s: %.3f ulp at x = %.9g (ours %.9g, libm %.17g)",
	      c->name, worst, worst_x, c->ours(worst_x), c->ref(worst_x));
}

static void test_sweeps(void)
{
	static const struct unary_case cases[] = {
		{ "expf", vm_expf, exp, -110.0f, 100.0f },
		{ "logf", vm_logf, log, 0.0f, 3.4e38f },
		{ "tanhf", vm_tanhf, tanh, -20.0f, 20.0f },
		{ "erff", vm_erff, erf, -10.0f, 10.0f },
		{ "sigmoidf", vm_sigmoidf, ref_sigmoid, -120.0f, 120.0f },
		{ "siluf", vm_siluf, ref_silu, -120.0f, 120.0f },
		{ "geluf", vm_geluf, ref_gelu, -20.0f, 1e30f },
		{ "rsqrtf", vm_rsqrtf, ref_rsqrt, 0.0f, 3.4e38f },
		{ "sqrtf", our_sqrt, ref_sqrt, 0.0f, 3.4e38f },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		sweep_unary(&cases[i]);
}

/* powf over random (x, y) pairs in several regimes, against pow(). */
static void test_pow_sweep(void)
{
	double worst = 0;
	float wx = 0, wy = 0;

	for (int i = 0; i < 400000; i++) {
		float x, y;
		double e;

		switch (i % 4) {
		case 0:	/* moderate positive base, any real exponent */
			x = et_randf(0.0f, 10.0f);
			y = et_randf(-30.0f, 30.0f);
			break;
		case 1:	/* huge/tiny bases: overflow and underflow */
			x = ldexpf(et_randf(0.5f, 1.0f), et_randint(-149, 127));
			y = et_randf(-3.0f, 3.0f);
			break;
		case 2:	/* negative base, integer exponent: sign by parity */
			x = -et_randf(0.0f, 8.0f);
			y = (float)et_randint(-40, 40);
			break;
		default: /* near 1: where a float-only log would lose it all */
			x = 1.0f + et_randf(-1e-3f, 1e-3f);
			y = et_randf(-5e4f, 5e4f);
			break;
		}
		e = ulp_err(vm_powf(x, y), pow(x, y));
		if (e > worst) {
			worst = e;
			wx = x;
			wy = y;
		}
	}
	printf("# powf     max error %.3f ulp over 400000 pairs (worst at %.9g ^ %.9g)\n",
	       worst, wx, wy);
	CHECK(worst <= MATH_ULP_BOUND, "powf: %.3f ulp at %.9g ^ %.9g", worst, wx, wy);
}

/* Same bits, treating every NaN as equal. */
static int same(float a, float b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return memcmp(&a, &b, sizeof(a)) == 0;
}

#define SPECIAL(expr, want)                                                    \
	do {                                                                   \
		float got_ = (expr), want_ = (want);                           \
		CHECK(same(got_, want_), "%s = %.9g (bits %08x), want %.9g", #expr, \
		      got_, et_bits(got_), want_);                             \
	} while (0)

static void test_specials(void)
{
	const float inf = INFINITY, nan = NAN;

	SPECIAL(vm_expf(0.0f), 1.0f);
	SPECIAL(vm_expf(-0.0f), 1.0f);
	SPECIAL(vm_expf(inf), inf);
	SPECIAL(vm_expf(-inf), 0.0f);
	SPECIAL(vm_expf(nan), nan);
	SPECIAL(vm_expf(89.0f), inf);
	SPECIAL(vm_expf(88.8f), inf);
	SPECIAL(vm_expf(-104.0f), 0.0f);
	SPECIAL(vm_expf(-103.0f), expf(-103.0f));	/* subnormal, not flushed */

	SPECIAL(vm_logf(1.0f), 0.0f);
	SPECIAL(vm_logf(0.0f), -inf);
	SPECIAL(vm_logf(-0.0f), -inf);
	SPECIAL(vm_logf(-1.0f), nan);
	SPECIAL(vm_logf(-inf), nan);
	SPECIAL(vm_logf(inf), inf);
	SPECIAL(vm_logf(nan), nan);
	SPECIAL(vm_logf(0x1p-149f), logf(0x1p-149f));

	SPECIAL(vm_tanhf(0.0f), 0.0f);
	SPECIAL(vm_tanhf(-0.0f), -0.0f);
	SPECIAL(vm_tanhf(inf), 1.0f);
	SPECIAL(vm_tanhf(-inf), -1.0f);
	SPECIAL(vm_tanhf(nan), nan);
	SPECIAL(vm_tanhf(1e-30f), 1e-30f);

	SPECIAL(vm_erff(0.0f), 0.0f);
	SPECIAL(vm_erff(-0.0f), -0.0f);
	SPECIAL(vm_erff(inf), 1.0f);
	SPECIAL(vm_erff(-inf), -1.0f);
	SPECIAL(vm_erff(nan), nan);

	SPECIAL(vm_sigmoidf(inf), 1.0f);
	SPECIAL(vm_sigmoidf(-inf), 0.0f);
	SPECIAL(vm_sigmoidf(0.0f), 0.5f);
	SPECIAL(vm_sigmoidf(nan), nan);
	SPECIAL(vm_siluf(inf), inf);
	SPECIAL(vm_siluf(-inf), -0.0f);
	SPECIAL(vm_siluf(0.0f), 0.0f);
	SPECIAL(vm_siluf(nan), nan);
	SPECIAL(vm_geluf(inf), inf);
	SPECIAL(vm_geluf(-inf), -0.0f);
	SPECIAL(vm_geluf(-0.0f), -0.0f);
	SPECIAL(vm_geluf(nan), nan);

	SPECIAL(vm_sqrtf(-1.0f), nan);
	SPECIAL(vm_sqrtf(-0.0f), -0.0f);
	SPECIAL(vm_sqrtf(inf), inf);
	SPECIAL(vm_rsqrtf(0.0f), inf);
	SPECIAL(vm_rsqrtf(-0.0f), -inf);
	SPECIAL(vm_rsqrtf(inf), 0.0f);
	SPECIAL(vm_rsqrtf(-1.0f), nan);
	SPECIAL(vm_rsqrtf(4.0f), 0.5f);

	/* powf: C99 F.9.4.4, each line one rule. */
	SPECIAL(vm_powf(nan, 0.0f), 1.0f);
	SPECIAL(vm_powf(nan, -0.0f), 1.0f);
	SPECIAL(vm_powf(1.0f, nan), 1.0f);
	SPECIAL(vm_powf(1.0f, inf), 1.0f);
	SPECIAL(vm_powf(-1.0f, inf), 1.0f);
	SPECIAL(vm_powf(-1.0f, -inf), 1.0f);
	SPECIAL(vm_powf(nan, 1.0f), nan);
	SPECIAL(vm_powf(2.0f, nan), nan);
	SPECIAL(vm_powf(0.0f, -3.0f), inf);
	SPECIAL(vm_powf(-0.0f, -3.0f), -inf);
	SPECIAL(vm_powf(-0.0f, -2.0f), inf);
	SPECIAL(vm_powf(-0.0f, -0.5f), inf);
	SPECIAL(vm_powf(-0.0f, -inf), inf);
	SPECIAL(vm_powf(0.0f, 3.0f), 0.0f);
	SPECIAL(vm_powf(-0.0f, 3.0f), -0.0f);
	SPECIAL(vm_powf(-0.0f, 2.0f), 0.0f);
	SPECIAL(vm_powf(-0.0f, 0.5f), 0.0f);
	SPECIAL(vm_powf(0.5f, -inf), inf);
	SPECIAL(vm_powf(2.0f, -inf), 0.0f);
	SPECIAL(vm_powf(0.5f, inf), 0.0f);
	SPECIAL(vm_powf(-2.0f, inf), inf);
	SPECIAL(vm_powf(-inf, -3.0f), -0.0f);
	SPECIAL(vm_powf(-inf, -2.0f), 0.0f);
	SPECIAL(vm_powf(-inf, 3.0f), -inf);
	SPECIAL(vm_powf(-inf, 2.5f), inf);
	SPECIAL(vm_powf(inf, -1.0f), 0.0f);
	SPECIAL(vm_powf(inf, 0.5f), inf);
	SPECIAL(vm_powf(-2.0f, 0.5f), nan);
	SPECIAL(vm_powf(-2.0f, 3.0f), -8.0f);
	SPECIAL(vm_powf(-2.0f, 2.0f), 4.0f);
	SPECIAL(vm_powf(-2.0f, 1e10f), inf);	/* huge even integer */
	SPECIAL(vm_powf(-0.5f, 1e10f), 0.0f);
	SPECIAL(vm_powf(2.0f, 128.0f), inf);
	SPECIAL(vm_powf(2.0f, -150.0f), 0.0f);
	SPECIAL(vm_powf(2.0f, -149.0f), 0x1p-149f);
	SPECIAL(vm_powf(10.0f, 2.0f), 100.0f);
}

int main(void)
{
	et_seed_env(20261125);
	RUN_CASE(test_specials);
	RUN_CASE(test_sweeps);
	RUN_CASE(test_pow_sweep);
	HARNESS_EXIT();
}
