// SPDX-License-Identifier: MIT
/*
 * test_conv_eltwise - CONV2D in every shape class a device may hand to an
 * optimized library or keep on its own engine (groups, depthwise, dilation,
 * asymmetric and oversized padding, stride, 1x1, bias with every
 * activation, strided and permuted operands, a shape cached then run
 * again), and elementwise packets large enough that a device splits them
 * across threads (UNARY, BINARY with broadcasting, FUSED_ELEMENTWISE, over
 * strided operands whose rows the split cuts in the middle), SOFTMAX and
 * LAYERNORM / RMSNORM over many rows, plus conv and elementwise running on
 * two queues at once.
 *
 * Every result is checked against a naive double-precision reference
 * computed here from the ISA's definitions, reading the inputs before the
 * job ran.
 */
#include "conformance.h"

static struct accel_device *dev;
static struct accel_queue *q0, *q1;
static struct accel_context *ctx;

/*
 * A 4-D (or lower) f32 view at element offset @off: @order lists the
 * logical dims from the physically outermost to the innermost, and each
 * physical row of dim d is @pad[d] elements longer than needed, so
 * operands can be permuted and non-dense.
 */
static struct vaccel_tensor view(uint64_t off, uint32_t rank, const uint32_t *dims,
				 const uint32_t *order, const uint32_t *pad)
{
	struct vaccel_tensor t;
	uint64_t acc = 1;

	memset(&t, 0, sizeof(t));
	t.dtype = VACCEL_DTYPE_F32;
	t.offset = off * sizeof(float);
	t.rank = rank;
	for (uint32_t d = 0; d < rank; d++)
		t.dims[d] = dims[d];
	for (uint32_t i = rank; i-- > 0;) {
		uint32_t d = order ? order[i] : i;

		t.strides[d] = acc;
		acc *= dims[d] + (pad ? pad[d] : 0);
	}
	return t;
}

/* Elements from the start of the buffer to one past @t's last element. */
static uint64_t view_end(const struct vaccel_tensor *t)
{
	uint64_t end = t->offset / sizeof(float);

	for (uint32_t d = 0; d < t->rank; d++)
		end += (uint64_t)(t->dims[d] - 1) * t->strides[d];
	return end + 1;
}

static uint64_t at(const struct vaccel_tensor *t, const uint32_t *idx)
{
	uint64_t off = t->offset / sizeof(float);

	for (uint32_t d = 0; d < t->rank; d++)
		off += (uint64_t)idx[d] * t->strides[d];
	return off;
}

static double ref_act(uint32_t act, double x)
{
	switch (act) {
	case VACCEL_ACT_RELU: return x > 0 ? x : 0;
	case VACCEL_ACT_GELU: return 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
	case VACCEL_ACT_SILU: return x / (1.0 + exp(-x));
	case VACCEL_ACT_SIGMOID: return 1.0 / (1.0 + exp(-x));
	case VACCEL_ACT_TANH: return tanh(x);
	default: return x;
	}
}

/* A buffer of @n floats, random in [-1, 1). */
static struct accel_buffer *random_buffer(uint64_t n, uint32_t seed, float **mem)
{
	struct accel_buffer *buf;
	void *ptr;

	buf = tl_buffer(dev, n * sizeof(float), &ptr);
	*mem = ptr;
	for (uint64_t i = 0; i < n; i++)
		(*mem)[i] = tl_rand(&seed);
	return buf;
}

/**
 * struct conv_case - one CONV2D shape.
 * @strided: x padded and permuted (NHWC in memory), w in OHWI, y padded,
 *	bias every third float.
 */
struct conv_case {
	const char *what;
	uint32_t n, c, h, w, oc, kh, kw;
	uint32_t sh, sw, pt, pl, pb, pr, dh, dw, groups, act;
	bool bias, strided;
};

static uint32_t conv_out(uint32_t in, uint32_t p0, uint32_t p1, uint32_t k, uint32_t d,
			 uint32_t s)
{
	return (in + p0 + p1 - d * (k - 1) - 1) / s + 1;
}

/* Fill @p for @cc with operands laid out one after another from element 0. */
static uint64_t conv_packet(const struct conv_case *cc, struct vaccel_pkt_conv2d *p)
{
	const uint32_t oh = conv_out(cc->h, cc->pt, cc->pb, cc->kh, cc->dh, cc->sh);
	const uint32_t ow = conv_out(cc->w, cc->pl, cc->pr, cc->kw, cc->dw, cc->sw);
	const uint32_t xd[4] = { cc->n, cc->c, cc->h, cc->w };
	const uint32_t wd[4] = { cc->oc, cc->c / cc->groups, cc->kh, cc->kw };
	const uint32_t yd[4] = { cc->n, cc->oc, oh, ow };
	const uint32_t nhwc[4] = { 0, 2, 3, 1 }, xpad[4] = { 0, 1, 2, 3 };
	const uint32_t ypad[4] = { 0, 0, 1, 2 }, bpad[1] = { 2 };
	uint64_t off = 3;	/* nothing starts at element 0 */

	memset(p, 0, sizeof(*p));
	p->hdr.opcode = VACCEL_OP_CONV2D;
	p->stride_h = cc->sh;
	p->stride_w = cc->sw;
	p->pad_top = cc->pt;
	p->pad_left = cc->pl;
	p->pad_bottom = cc->pb;
	p->pad_right = cc->pr;
	p->dilation_h = cc->dh;
	p->dilation_w = cc->dw;
	p->groups = cc->groups;
	p->act = cc->act;
	p->x = view(off, 4, xd, cc->strided ? nhwc : NULL, cc->strided ? xpad : NULL);
	off = view_end(&p->x) + 5;
	p->w = view(off, 4, wd, cc->strided ? nhwc : NULL, NULL);
	off = view_end(&p->w) + 1;
	if (cc->bias) {
		p->hdr.flags |= VACCEL_CONV_F_BIAS;
		p->bias = view(off, 1, &cc->oc, NULL, cc->strided ? bpad : NULL);
		off = view_end(&p->bias) + 7;
	}
	p->y = view(off, 4, yd, NULL, cc->strided ? ypad : NULL);
	return view_end(&p->y) + 2;
}

/* y[n][o][i][j] straight from the ISA text, in double. */
static void conv_ref(const struct vaccel_pkt_conv2d *p, const float *mem, double *out)
{
	const uint32_t cg = p->x.dims[1] / p->groups, ocg = p->y.dims[1] / p->groups;
	uint64_t k = 0;

	for (uint32_t n = 0; n < p->y.dims[0]; n++)
		for (uint32_t o = 0; o < p->y.dims[1]; o++)
			for (uint32_t i = 0; i < p->y.dims[2]; i++)
				for (uint32_t j = 0; j < p->y.dims[3]; j++) {
					double acc = 0;

					if (p->hdr.flags & VACCEL_CONV_F_BIAS)
						acc = mem[at(&p->bias, &o)];
					for (uint32_t c = 0; c < cg; c++)
						for (uint32_t a = 0; a < p->w.dims[2]; a++)
							for (uint32_t b = 0; b < p->w.dims[3]; b++) {
								int64_t ih = (int64_t)i * p->stride_h - p->pad_top + (int64_t)a * p->dilation_h;
								int64_t iw = (int64_t)j * p->stride_w - p->pad_left + (int64_t)b * p->dilation_w;
								uint32_t xi[4] = { n, o / ocg * cg + c, (uint32_t)ih, (uint32_t)iw };
								uint32_t wi[4] = { o, c, a, b };

								if (ih < 0 || ih >= p->x.dims[2] || iw < 0 || iw >= p->x.dims[3])
									continue;
								acc += (double)mem[at(&p->x, xi)] * mem[at(&p->w, wi)];
							}
					out[k++] = ref_act(p->act, acc);
				}
}

static size_t conv_check(const char *what, const struct vaccel_pkt_conv2d *p, const float *mem,
			 const double *want)
{
	size_t bad = 0;
	uint64_t k = 0;

	for (uint32_t n = 0; n < p->y.dims[0]; n++)
		for (uint32_t o = 0; o < p->y.dims[1]; o++)
			for (uint32_t i = 0; i < p->y.dims[2]; i++)
				for (uint32_t j = 0; j < p->y.dims[3]; j++, k++) {
					uint32_t yi[4] = { n, o, i, j };
					double got = mem[at(&p->y, yi)];

					if (!tl_close(got, want[k], 1e-4) && bad++ < 3)
						fprintf(stderr, "%s: y[%u][%u][%u][%u] got %.7g want %.7g\n",
							what, n, o, i, j, got, want[k]);
				}
	return bad;
}

/* Run @cc once, or twice with new inputs when @twice (a cached shape). */
static void conv_run(const struct conv_case *cc, bool twice)
{
	struct vaccel_pkt_conv2d p;
	uint64_t floats = conv_packet(cc, &p), ny;
	struct accel_buffer *buf;
	struct accel_cmdbuf cb;
	double *want;
	float *mem;
	int ret;

	ny = (uint64_t)p.y.dims[0] * p.y.dims[1] * p.y.dims[2] * p.y.dims[3];
	want = malloc(ny * sizeof(double));
	buf = random_buffer(floats, 777 + cc->c * 31 + cc->oc, &mem);
	accel_cmdbuf_init(&cb);
	accel_cmdbuf_append(&cb, &p, sizeof(p));
	for (int round = 0; round < (twice ? 2 : 1); round++) {
		if (round) {
			uint32_t seed = 4242;

			for (uint64_t i = 0; i < floats; i++)
				mem[i] = tl_rand(&seed);
		}
		conv_ref(&p, mem, want);
		ret = tl_run(q0, &cb, &buf, 1);
		CHECK(ret == 0, "%s: job %d (%s)", cc->what, ret, accel_last_error()->message);
		if (!ret)
			CHECK(conv_check(cc->what, &p, mem, want) == 0, "%s: round %d wrong", cc->what,
			      round);
	}
	accel_cmdbuf_fini(&cb);
	accel_buffer_free(buf);
	free(want);
}

static const struct conv_case conv_cases[] = {
	{ "3x3 pad 1, bias, relu", 2, 16, 14, 13, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	  VACCEL_ACT_RELU, true, false },
	{ "5x3 stride 2, asymmetric pad", 1, 8, 17, 12, 12, 5, 3, 2, 2, 0, 1, 2, 0, 1, 1, 1,
	  VACCEL_ACT_NONE, false, false },
	{ "stride 3x2, pad bottom past the last window", 2, 4, 11, 9, 6, 3, 3, 3, 2, 1, 0, 3, 2,
	  1, 1, 1, VACCEL_ACT_NONE, true, false },
	{ "dilation 2x3, bias, gelu", 1, 8, 15, 16, 8, 3, 3, 1, 1, 2, 3, 2, 3, 2, 3, 1,
	  VACCEL_ACT_GELU, true, false },
	{ "groups 4, bias, silu", 2, 16, 10, 10, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4,
	  VACCEL_ACT_SILU, true, false },
	{ "depthwise x2, stride 2, sigmoid", 1, 8, 13, 13, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 8,
	  VACCEL_ACT_SIGMOID, true, false },
	{ "1x1, bias, tanh", 2, 24, 7, 9, 40, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1,
	  VACCEL_ACT_TANH, true, false },
	{ "pad wider than the kernel", 1, 3, 5, 6, 4, 1, 2, 1, 1, 3, 2, 1, 4, 1, 1, 1,
	  VACCEL_ACT_RELU, false, false },
	{ "strided NHWC x, OHWI w, padded y", 2, 12, 9, 11, 10, 3, 3, 1, 2, 1, 1, 1, 1, 1, 1, 1,
	  VACCEL_ACT_RELU, true, true },
	{ "strided, groups 2, dilation 2", 1, 8, 12, 12, 6, 3, 2, 1, 1, 2, 1, 2, 1, 2, 2, 2,
	  VACCEL_ACT_NONE, true, true },
};

static void test_conv_shapes(void)
{
	for (size_t i = 0; i < sizeof(conv_cases) / sizeof(conv_cases[0]); i++)
		conv_run(&conv_cases[i], false);
}

/* A ResNet-style layer, run twice: the second run reuses the first's shape. */
static void test_conv_resnet_cached(void)
{
	const struct conv_case cc = { "64ch 3x3 28x28 (cached)", 1, 64, 28, 28, 64, 3, 3,
				      1, 1, 1, 1, 1, 1, 1, 1, 1, VACCEL_ACT_RELU, true, false };

	conv_run(&cc, true);
}

/* Elementwise: the reference reads the operands through their views. */
enum elt_kind { ELT_UNARY, ELT_BINARY, ELT_FUSED };

static double ref_fused(double a, double b, double c)
{
	/* the program of fused_packet(): a != 0 ? tanh(a * b + c) : max(b, 0.5) */
	return a != 0 ? tanh(a * b + c) : (b > 0.5 ? b : 0.5);
}

/* Index @flat of @y's dims (row-major) into @idx. */
static void unflatten(const struct vaccel_tensor *y, uint64_t flat, uint32_t *idx)
{
	for (uint32_t d = y->rank; d-- > 0;) {
		idx[d] = flat % y->dims[d];
		flat /= y->dims[d];
	}
}

/* Element of input @t broadcast against @y's index @yi (numpy alignment). */
static double bcast(const float *mem, const struct vaccel_tensor *t,
		    const struct vaccel_tensor *y, const uint32_t *yi)
{
	uint32_t idx[4], lead = y->rank - t->rank;

	for (uint32_t d = 0; d < t->rank; d++)
		idx[d] = t->dims[d] == 1 ? 0 : yi[d + lead];
	return mem[at(t, idx)];
}

static struct vaccel_fused_inst inst(uint8_t opc, uint8_t dst, uint8_t s0, uint8_t s1,
				     uint32_t imm)
{
	return (struct vaccel_fused_inst){ .opc = opc, .dst = dst, .src0 = s0, .src1 = s1,
					   .imm = imm };
}

struct elt_case {
	const char *what;
	enum elt_kind kind;
	uint32_t op;		/* unary or binary op */
	uint32_t rank;
	uint32_t yd[4];
	const uint32_t *yorder, *ypad;
	uint32_t ad[4];		/* a (or x); rank of a = arank */
	uint32_t arank;
	const uint32_t *aorder, *apad;
	uint32_t bd[4];
	uint32_t brank;
	uint32_t cd[4];		/* fused only: third input */
	uint32_t crank;
};

static const uint32_t perm_t3[3] = { 0, 2, 1 };	/* last two dims swapped in memory */
static const uint32_t pad3[3] = { 0, 1, 3 };
static const uint32_t pad2[2] = { 0, 5 };

static const struct elt_case elt_cases[] = {
	{ "relu 1M dense", ELT_UNARY, VACCEL_UNARY_RELU, 1, { 1 << 20 }, NULL, NULL,
	  { 1 << 20 }, 1, NULL, NULL, { 0 }, 0, { 0 }, 0 },
	{ "gelu 3x700x301 padded y, transposed x", ELT_UNARY, VACCEL_UNARY_GELU, 3,
	  { 3, 700, 301 }, NULL, pad3, { 3, 700, 301 }, 3, perm_t3, NULL, { 0 }, 0, { 0 }, 0 },
	{ "add 4x257x1029 + column broadcast", ELT_BINARY, VACCEL_BINARY_ADD, 3,
	  { 4, 257, 1029 }, NULL, NULL, { 4, 257, 1029 }, 3, NULL, NULL, { 257, 1 }, 2,
	  { 0 }, 0 },
	{ "mul transposed a * row broadcast, padded y", ELT_BINARY, VACCEL_BINARY_MUL, 3,
	  { 5, 333, 777 }, NULL, pad3, { 5, 333, 777 }, 3, perm_t3, NULL, { 777 }, 1,
	  { 0 }, 0 },
	{ "sub 2-D padded a, scalar b", ELT_BINARY, VACCEL_BINARY_SUB, 2, { 1111, 999 }, NULL,
	  pad2, { 1111, 999 }, 2, NULL, pad2, { 1 }, 1, { 0 }, 0 },
	{ "fused select/tanh, 3 broadcast inputs", ELT_FUSED, 0, 3, { 3, 511, 613 }, NULL,
	  pad3, { 3, 511, 613 }, 3, perm_t3, NULL, { 613 }, 1, { 3, 1, 1 }, 3 },
};

/* The packet of @ec over buffer 0; returns the floats the buffer needs. */
static uint64_t elt_packet(const struct elt_case *ec, void *pkt, uint32_t *size)
{
	struct vaccel_tensor y, a, b = { 0 }, c = { 0 };
	uint64_t off = 1;

	a = view(off, ec->arank, ec->ad, ec->aorder, ec->apad);
	off = view_end(&a) + 3;
	if (ec->brank) {
		b = view(off, ec->brank, ec->bd, NULL, NULL);
		off = view_end(&b) + 1;
	}
	if (ec->crank) {
		c = view(off, ec->crank, ec->cd, NULL, NULL);
		off = view_end(&c) + 1;
	}
	y = view(off, ec->rank, ec->yd, ec->yorder, ec->ypad);
	off = view_end(&y) + 1;

	if (ec->kind == ELT_UNARY) {
		struct vaccel_pkt_unary *p = pkt;

		memset(p, 0, sizeof(*p));
		p->hdr.opcode = VACCEL_OP_UNARY;
		p->op = ec->op;
		p->x = a;
		p->y = y;
		*size = sizeof(*p);
	} else if (ec->kind == ELT_BINARY) {
		struct vaccel_pkt_binary *p = pkt;

		memset(p, 0, sizeof(*p));
		p->hdr.opcode = VACCEL_OP_BINARY;
		p->op = ec->op;
		p->a = a;
		p->b = b;
		p->y = y;
		*size = sizeof(*p);
	} else {
		struct vaccel_pkt_fused *p = pkt;
		uint32_t k = 0;

		memset(p, 0, sizeof(*p));
		p->hdr.opcode = VACCEL_OP_FUSED_ELEMENTWISE;
		p->num_inputs = 3;
		p->in[0] = a;
		p->in[1] = b;
		p->in[2] = c;
		p->y = y;
		p->insts[k++] = inst(VACCEL_FUSED_LOAD, 0, 0, 0, 0);
		p->insts[k++] = inst(VACCEL_FUSED_LOAD, 1, 1, 0, 0);
		p->insts[k++] = inst(VACCEL_FUSED_LOAD, 2, 2, 0, 0);
		p->insts[k++] = inst(VACCEL_FUSED_BINARY, 3, 0, 1, VACCEL_BINARY_MUL);
		p->insts[k++] = inst(VACCEL_FUSED_BINARY, 3, 3, 2, VACCEL_BINARY_ADD);
		p->insts[k++] = inst(VACCEL_FUSED_UNARY, 3, 3, 0, VACCEL_UNARY_TANH);
		p->insts[k++] = inst(VACCEL_FUSED_CONST, 4, 0, 0, tl_f32_bits(0.5f));
		p->insts[k++] = inst(VACCEL_FUSED_BINARY, 4, 1, 4, VACCEL_BINARY_MAX);
		p->insts[k++] = inst(VACCEL_FUSED_SELECT, 5, 3, 4, 0);
		p->num_insts = k;
		p->out_reg = 5;
		*size = sizeof(*p);
	}
	return off;
}

static double elt_ref(const struct elt_case *ec, const void *pkt, const float *mem,
		      const uint32_t *yi)
{
	if (ec->kind == ELT_UNARY) {
		const struct vaccel_pkt_unary *p = pkt;
		double x = mem[at(&p->x, yi)];

		return ec->op == VACCEL_UNARY_RELU ? (x > 0 ? x : 0) :
		       0.5 * x * (1.0 + erf(x / sqrt(2.0)));
	} else if (ec->kind == ELT_BINARY) {
		const struct vaccel_pkt_binary *p = pkt;
		double a = bcast(mem, &p->a, &p->y, yi), b = bcast(mem, &p->b, &p->y, yi);

		switch (ec->op) {
		case VACCEL_BINARY_ADD: return a + b;
		case VACCEL_BINARY_SUB: return a - b;
		default: return a * b;
		}
	} else {
		const struct vaccel_pkt_fused *p = pkt;

		return ref_fused(bcast(mem, &p->in[0], &p->y, yi), bcast(mem, &p->in[1], &p->y, yi),
				 bcast(mem, &p->in[2], &p->y, yi));
	}
}

static const struct vaccel_tensor *elt_y(const struct elt_case *ec, const void *pkt)
{
	if (ec->kind == ELT_UNARY)
		return &((const struct vaccel_pkt_unary *)pkt)->y;
	if (ec->kind == ELT_BINARY)
		return &((const struct vaccel_pkt_binary *)pkt)->y;
	return &((const struct vaccel_pkt_fused *)pkt)->y;
}

static void elt_run(const struct elt_case *ec)
{
	union {
		struct vaccel_pkt_unary u;
		struct vaccel_pkt_binary b;
		struct vaccel_pkt_fused f;
	} pkt;
	uint32_t size, seed = 99, yi[4];
	uint64_t floats = elt_packet(ec, &pkt, &size), n = 1;
	const struct vaccel_tensor *y = elt_y(ec, &pkt);
	struct accel_buffer *buf;
	struct accel_cmdbuf cb;
	size_t bad = 0;
	float *mem;
	double *want;
	int ret;

	for (uint32_t d = 0; d < y->rank; d++)
		n *= y->dims[d];
	want = malloc(n * sizeof(double));
	buf = random_buffer(floats, seed + (uint32_t)floats, &mem);
	if (ec->kind == ELT_FUSED) {
		/* zeros in a, so both arms of the select are taken */
		for (uint64_t i = 0; i < floats; i += 7)
			mem[i] = 0.0f;
	}
	/* Sentinels in the gaps of a padded y: they must survive. */
	for (uint64_t i = y->offset / sizeof(float); i < floats; i++)
		mem[i] = 1234.5f;
	for (uint64_t f = 0; f < n; f++) {
		unflatten(y, f, yi);
		want[f] = elt_ref(ec, &pkt, mem, yi);
	}
	accel_cmdbuf_init(&cb);
	accel_cmdbuf_append(&cb, &pkt, size);
	ret = tl_run(q0, &cb, &buf, 1);
	CHECK(ret == 0, "%s: job %d (%s)", ec->what, ret, accel_last_error()->message);
	for (uint64_t f = 0; !ret && f < n; f++) {
		double got;

		unflatten(y, f, yi);
		got = mem[at(y, yi)];
		if (!tl_close(got, want[f], 1e-5) && bad++ < 3)
			fprintf(stderr, "%s: element %llu got %.8g want %.8g\n", ec->what,
				(unsigned long long)f, got, want[f]);
	}
	CHECK(bad == 0, "%s: %zu wrong elements", ec->what, bad);
	/* Count the sentinels left: every gap element of y and the tail. */
	if (!ret) {
		uint64_t kept = 0, gaps = floats - y->offset / sizeof(float) - n;

		for (uint64_t i = y->offset / sizeof(float); i < floats; i++)
			kept += mem[i] == 1234.5f;
		CHECK(kept >= gaps, "%s: %llu of %llu gap elements overwritten", ec->what,
		      (unsigned long long)(gaps - kept), (unsigned long long)gaps);
	}
	accel_cmdbuf_fini(&cb);
	accel_buffer_free(buf);
	free(want);
}

static void test_eltwise_large(void)
{
	for (size_t i = 0; i < sizeof(elt_cases) / sizeof(elt_cases[0]); i++)
		elt_run(&elt_cases[i]);
}

/*
 * SOFTMAX and LAYERNORM / RMSNORM with many rows (a device may split them
 * by rows): along the innermost axis and along a middle one (strided rows),
 * and a LAYERNORM in place with scale and shift.
 */
struct row_case {
	const char *what;
	uint32_t opcode;	/* VACCEL_OP_SOFTMAX, _LAYERNORM or _RMSNORM */
	uint32_t rank, axis;
	uint32_t dims[4];
	bool in_place, scale, shift, padded;
};

static const struct row_case row_cases[] = {
	{ "softmax 777x1001, last axis", VACCEL_OP_SOFTMAX, 2, 1, { 777, 1001 }, false, false,
	  false, false },
	{ "softmax 64x1500x7, middle axis, padded y", VACCEL_OP_SOFTMAX, 3, 1, { 64, 1500, 7 },
	  false, false, false, true },
	{ "layernorm 300x40x50 over 40x50, in place, scale+shift", VACCEL_OP_LAYERNORM, 3, 1,
	  { 300, 40, 50 }, true, true, true, false },
	{ "rmsnorm 20x30x1000, padded y, scale", VACCEL_OP_RMSNORM, 3, 2, { 20, 30, 1000 },
	  false, true, false, true },
};

static void row_run(const struct row_case *rc)
{
	const uint32_t pad[4] = { 0, 1, 2, 3 };
	union {
		struct vaccel_pkt_softmax sm;
		struct vaccel_pkt_norm nm;
	} pkt;
	struct vaccel_tensor x, y, sc = { 0 }, sh = { 0 };
	uint64_t off = 2, n = 1, groups = 1, glen = 1, floats;
	struct accel_buffer *buf;
	struct accel_cmdbuf cb;
	uint32_t idx[4], size;
	size_t bad = 0;
	double *want;
	float *mem;
	int ret;

	for (uint32_t d = 0; d < rc->rank; d++) {
		n *= rc->dims[d];
		if (d >= rc->axis)
			glen *= rc->dims[d];
	}
	groups = n / glen;
	x = view(off, rc->rank, rc->dims, NULL, NULL);
	off = view_end(&x) + 1;
	if (rc->scale) {
		sc = view(off, rc->rank - rc->axis, rc->dims + rc->axis, NULL, NULL);
		off = view_end(&sc) + 1;
	}
	if (rc->shift) {
		sh = view(off, rc->rank - rc->axis, rc->dims + rc->axis, NULL, NULL);
		off = view_end(&sh) + 1;
	}
	if (rc->in_place) {
		y = x;
	} else {
		y = view(off, rc->rank, rc->dims, NULL, rc->padded ? pad : NULL);
		off = view_end(&y) + 1;
	}
	floats = off;
	memset(&pkt, 0, sizeof(pkt));
	if (rc->opcode == VACCEL_OP_SOFTMAX) {
		pkt.sm.hdr.opcode = VACCEL_OP_SOFTMAX;
		pkt.sm.axis = rc->axis;
		pkt.sm.x = x;
		pkt.sm.y = y;
		size = sizeof(pkt.sm);
	} else {
		pkt.nm.hdr.opcode = rc->opcode;
		pkt.nm.axis = rc->axis;
		pkt.nm.eps = tl_f32_bits(1e-5f);
		pkt.nm.x = x;
		pkt.nm.y = y;
		if (rc->scale) {
			pkt.nm.hdr.flags |= VACCEL_NORM_F_SCALE;
			pkt.nm.scale = sc;
		}
		if (rc->shift) {
			pkt.nm.hdr.flags |= VACCEL_NORM_F_SHIFT;
			pkt.nm.shift = sh;
		}
		size = sizeof(pkt.nm);
	}
	want = malloc(n * sizeof(double));
	buf = random_buffer(floats, 31337 + (uint32_t)n, &mem);
	/* Reference per group: groups are the index ranges sharing the dims
	 * before the axis; within a group, flat index k over the axis dims
	 * (softmax: the axis and the dims after it are one group per
	 * trailing index, handled by walking k with the inner stride). */
	for (uint64_t g = 0; g < groups; g++) {
		if (rc->opcode == VACCEL_OP_SOFTMAX) {
			/* group g = (outer, inner) with inner over the dims after the axis */
			uint64_t inner = glen / rc->dims[rc->axis];
			uint32_t len = rc->dims[rc->axis];

			for (uint64_t in = 0; in < inner; in++) {
				double mx = -INFINITY, sum = 0;
				uint64_t base = g * glen + in;

				for (uint32_t k = 0; k < len; k++) {
					unflatten(&x, base + (uint64_t)k * inner, idx);
					mx = fmax(mx, mem[at(&x, idx)]);
				}
				for (uint32_t k = 0; k < len; k++) {
					unflatten(&x, base + (uint64_t)k * inner, idx);
					sum += exp(mem[at(&x, idx)] - mx);
				}
				for (uint32_t k = 0; k < len; k++) {
					unflatten(&x, base + (uint64_t)k * inner, idx);
					want[base + (uint64_t)k * inner] =
						exp(mem[at(&x, idx)] - mx) / sum;
				}
			}
		} else {
			double mean = 0, var = 0;

			for (uint64_t k = 0; k < glen; k++) {
				unflatten(&x, g * glen + k, idx);
				mean += mem[at(&x, idx)];
			}
			mean = rc->opcode == VACCEL_OP_RMSNORM ? 0 : mean / (double)glen;
			for (uint64_t k = 0; k < glen; k++) {
				double v;

				unflatten(&x, g * glen + k, idx);
				v = mem[at(&x, idx)] - mean;
				var += v * v;
			}
			var /= (double)glen;
			for (uint64_t k = 0; k < glen; k++) {
				double v;

				unflatten(&x, g * glen + k, idx);
				v = (mem[at(&x, idx)] - mean) / sqrt(var + (double)1e-5f);
				if (rc->scale)
					v *= mem[at(&sc, idx + rc->axis)];
				if (rc->shift)
					v += mem[at(&sh, idx + rc->axis)];
				want[g * glen + k] = v;
			}
		}
	}
	accel_cmdbuf_init(&cb);
	accel_cmdbuf_append(&cb, &pkt, size);
	ret = tl_run(q0, &cb, &buf, 1);
	CHECK(ret == 0, "%s: job %d (%s)", rc->what, ret, accel_last_error()->message);
	for (uint64_t f = 0; !ret && f < n; f++) {
		double got;

		unflatten(&y, f, idx);
		got = mem[at(&y, idx)];
		if (!tl_close(got, want[f], 1e-5) && bad++ < 3)
			fprintf(stderr, "%s: element %llu got %.8g want %.8g\n", rc->what,
				(unsigned long long)f, got, want[f]);
	}
	CHECK(bad == 0, "%s: %zu wrong elements", rc->what, bad);
	accel_cmdbuf_fini(&cb);
	accel_buffer_free(buf);
	free(want);
}

static void test_rows_large(void)
{
	for (size_t i = 0; i < sizeof(row_cases) / sizeof(row_cases[0]); i++)
		row_run(&row_cases[i]);
}

/*
 * Two queues at once, each a job of a conv and a large add, several times:
 * whatever a device shares between engines (cached primitives, helper
 * threads) must give each job its own right answer.
 */
static void test_two_queues(void)
{
	const struct conv_case cc = { "concurrent conv", 1, 16, 20, 20, 16, 3, 3, 1, 1, 1, 1,
				      1, 1, 1, 1, 1, VACCEL_ACT_RELU, true, false };
	const struct elt_case *ec = &elt_cases[2];
	struct accel_queue *qs[2] = { q0, q1 };
	struct {
		struct vaccel_pkt_conv2d conv;
		struct vaccel_pkt_binary add;
		struct accel_buffer *buf;
		float *mem;
		double *want_conv, *want_add;
		struct accel_cmdbuf cb;
		struct accel_fence *f;
	} j[2];
	uint64_t nconv, nadd = (uint64_t)4 * 257 * 1029;
	uint32_t size;

	for (int k = 0; k < 2; k++) {
		struct vaccel_pkt_binary add;
		uint64_t fconv = conv_packet(&cc, &j[k].conv);
		uint64_t fadd = elt_packet(ec, &add, &size);
		uint32_t yi[4];

		/* the add's operands go after the conv's, in the same buffer */
		add.a.offset += fconv * sizeof(float);
		add.b.offset += fconv * sizeof(float);
		add.y.offset += fconv * sizeof(float);
		j[k].add = add;
		j[k].buf = random_buffer(fconv + fadd, 5 + k, &j[k].mem);
		nconv = (uint64_t)j[k].conv.y.dims[1] * j[k].conv.y.dims[2] * j[k].conv.y.dims[3];
		j[k].want_conv = malloc(nconv * sizeof(double));
		j[k].want_add = malloc(nadd * sizeof(double));
		conv_ref(&j[k].conv, j[k].mem, j[k].want_conv);
		for (uint64_t f = 0; f < nadd; f++) {
			unflatten(&add.y, f, yi);
			j[k].want_add[f] = elt_ref(ec, &add, j[k].mem, yi);
		}
		accel_cmdbuf_init(&j[k].cb);
		accel_cmdbuf_append(&j[k].cb, &j[k].conv, sizeof(j[k].conv));
		accel_cmdbuf_append(&j[k].cb, &add, sizeof(add));
	}
	for (int round = 0; round < 4; round++) {
		for (int k = 0; k < 2; k++) {
			int ret = tl_submit(qs[k], &j[k].cb, &j[k].buf, 1, NULL, 0, &j[k].f);

			CHECK(ret == 0, "submit %d: %d", k, ret);
			if (ret)
				j[k].f = NULL;
		}
		for (int k = 0; k < 2; k++) {
			int ret;
			size_t bad;
			uint32_t yi[4];

			if (!j[k].f)
				continue;
			ret = accel_fence_wait(j[k].f, -1);
			accel_fence_put(j[k].f);
			CHECK(ret == 0, "queue %d round %d: job %d", k, round, ret);
			if (ret)
				continue;
			bad = conv_check("concurrent conv", &j[k].conv, j[k].mem, j[k].want_conv);
			for (uint64_t f = 0; f < nadd; f++) {
				unflatten(&j[k].add.y, f, yi);
				if (!tl_close(j[k].mem[at(&j[k].add.y, yi)], j[k].want_add[f], 1e-5))
					bad++;
			}
			CHECK(bad == 0, "queue %d round %d: %zu wrong elements", k, round, bad);
		}
	}
	for (int k = 0; k < 2; k++) {
		accel_cmdbuf_fini(&j[k].cb);
		accel_buffer_free(j[k].buf);
		free(j[k].want_conv);
		free(j[k].want_add);
	}
}

int main(void)
{
	dev = tl_open();
	ctx = tl_context(dev, 0, 2);
	q0 = accel_context_queue(ctx, 0);
	q1 = accel_context_queue(ctx, 1);
	RUN_CASE(test_conv_shapes);
	RUN_CASE(test_conv_resnet_cached);
	RUN_CASE(test_eltwise_large);
	RUN_CASE(test_rows_large);
	RUN_CASE(test_two_queues);
	accel_context_destroy(ctx);
	accel_device_close(dev);
	HARNESS_EXIT();
}
