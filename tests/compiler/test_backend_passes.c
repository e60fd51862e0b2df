// SPDX-License-Identifier: MIT
/*
 * test_backend_passes.c - the back end's passes on small hand-built graphs,
 * each against expectations written by hand or an independent check:
 *
 * - BatchNorm folding: the folded weights of a 1x1 conv worked out on
 *   paper, and a random conv + BN graph run through the interpreter before
 *   and after folding;
 * - fusion: which nodes end up in which kernel, the GEMM epilogue, and the
 *   ISA limits (32 instructions, 6 inputs) splitting long chains;
 * - arena planning: random lifetimes checked by a brute-force overlap
 *   checker, a three-tensor case placed by hand, and the compiled encoder's
 *   real slots;
 * - in-place reuse happening exactly where the input dies.
 *
 * usage: test-compiler-backend-passes FIXTURE_DIR
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lower_priv.h"

#include "harness.h"

#define GRAPH_TEXT_SEED 7u
#include "graph_text.h"

static const char *dir;

static struct accel_graph *parse_typed(void)
{
	struct accel_ir_error err = { "" };
	struct accel_graph *g = NULL;
	int ret = accel_graph_parse(text, &g, &err);

	if (!ret)
		ret = accel_pass_infer_shapes(g, NULL, &err);
	CHECK(ret == 0, "parse: %s\n%s", err.msg, text);
	if (ret) {
		accel_graph_destroy(g);
		return NULL;
	}
	return g;
}

static int count_op(const struct accel_graph *g, enum accel_op op)
{
	uint32_t i;
	int n = 0;

	for (i = 0; i < g->nnodes; i++)
		n += g->nodes[i]->op == op;
	return n;
}

/* ---- BatchNorm folding ---- */

static void test_bnfold_by_hand(void)
{
	struct accel_ir_error err = { "" };
	struct accel_graph *g;
	const struct accel_node *conv;

	/* s = 3 / sqrt(3 + 1) = 1.5, t = 0.5 - 1 * 1.5 = -1:
	 * W' = 2 * 1.5 = 3, b' = 1 * 1.5 - 1 = 0.5. */
	text[0] = 0;
	put("graph g {\n  input %%x: f32[n, 1, 2, 2]\n"
	    "  const %%w: f32[1, 1, 1, 1] = [2.0]\n  const %%b: f32[1] = [1.0]\n"
	    "  const %%ga: f32[1] = [3.0]\n  const %%be: f32[1] = [0.5]\n"
	    "  const %%mu: f32[1] = [1.0]\n  const %%var: f32[1] = [3.0]\n"
	    "  %%c = Conv(%%x, %%w, %%b)\n"
	    "  %%y = BatchNormalization(%%c, %%ga, %%be, %%mu, %%var) {epsilon=1.0}\n"
	    "  output %%y\n}\n");
	g = parse_typed();
	if (!g)
		return;
	CHECK(accel_pass_fold_batchnorm(g, NULL, &err) == 0, "fold: %s", err.msg);
	CHECK(g->nnodes == 1 && g->nodes[0]->op == ACCEL_OP_CONV, "one Conv left");
	conv = g->nodes[0];
	CHECK(conv->outputs[0] == g->outputs[0] && !strcmp(conv->outputs[0]->name, "y"),
	      "the Conv writes the graph output %%y");
	CHECK(((const float *)conv->inputs[1]->data)[0] == 3.0f, "W' = %g, want 3",
	      ((const float *)conv->inputs[1]->data)[0]);
	CHECK(((const float *)conv->inputs[2]->data)[0] == 0.5f, "b' = %g, want 0.5",
	      ((const float *)conv->inputs[2]->data)[0]);
	accel_graph_destroy(g);
}

static void test_bnfold_numerics(void)
{
	struct accel_ir_error err = { "" };
	struct accel_report *rep = NULL;
	struct accel_graph *g, *ref;
	struct accel_tensor x = { .dtype = ACCEL_DT_F32, .rank = 4, .dims = { 3, 3, 6, 6 } };
	struct accel_tensor a[2] = { { 0 } }, b[2] = { { 0 } };
	int64_t i, n = 3 * 3 * 6 * 6, bad = 0;
	int k;

	text[0] = 0;
	put("graph g {\n  input %%x: f32[n, 3, 6, 6]\n");
	konst("w", "4, 3, 3, 3", 108, -0.5f, 0.5f);
	konst("g0", "4", 4, 0.5f, 1.5f);
	konst("b0", "4", 4, -0.5f, 0.5f);
	konst("m0", "4", 4, -0.5f, 0.5f);
	konst("v0", "4", 4, 0.2f, 2.0f);
	konst("w2", "4, 3, 1, 1", 12, -0.5f, 0.5f);
	put("  %%c = Conv(%%x, %%w) {pads=[1, 1, 1, 1]}\n"
	    "  %%bn = BatchNormalization(%%c, %%g0, %%b0, %%m0, %%v0)\n  %%r = Relu(%%bn)\n"
	    "  %%c2 = Conv(%%x, %%w2)\n  %%s = Add(%%r, %%c2)\n"
	    "  %%y = BatchNormalization(%%s, %%g0, %%b0, %%m0, %%v0) {epsilon=0.01}\n"
	    "  output %%y\n  output %%c2\n}\n");
	g = parse_typed();
	ref = parse_typed();
	if (!g || !ref)
		goto out;
	accel_report_create(&rep);
	CHECK(accel_pass_fold_batchnorm(g, rep, &err) == 0, "fold: %s", err.msg);
	CHECK(count_op(g, ACCEL_OP_BATCHNORM) == 0, "BatchNormalization left");
	CHECK(count_op(g, ACCEL_OP_CONV) == 2 && count_op(g, ACCEL_OP_MUL) == 1 &&
	      count_op(g, ACCEL_OP_ADD) == 2, "2 Conv, the affine Mul, 2 Add");
	CHECK(strstr(accel_report_text(rep), "bnfold: 1 folded into Conv, 1 turned affine, 0 kept"),
	      "report: %s", accel_report_text(rep));
	CHECK(accel_pass_dce(g, NULL, &err) == 0 && accel_pass_infer_shapes(g, NULL, &err) == 0,
	      "dce/shapes: %s", err.msg);
	x.data = malloc((size_t)n * sizeof(float));
	for (i = 0; x.data && i < n; i++)
		((float *)x.data)[i] = frand(-2, 2);
	CHECK(accel_interp_run(g, &x, 1, a, 2, &err) == 0, "folded: %s", err.msg);
	CHECK(accel_interp_run(ref, &x, 1, b, 2, &err) == 0, "unfolded: %s", err.msg);
	for (k = 0; k < 2 && a[k].data && b[k].data; k++) {
		int64_t m = a[k].dims[0] * a[k].dims[1] * a[k].dims[2] * a[k].dims[3];

		for (i = 0; i < m; i++) {
			float u = ((float *)a[k].data)[i], v = ((float *)b[k].data)[i];

			bad += !(fabsf(u - v) <= 1e-5f + 1e-5f * fabsf(v));
		}
	}
	CHECK(bad == 0, "%lld elements differ between folded and unfolded", (long long)bad);
	for (k = 0; k < 2; k++) {
		accel_tensor_release(&a[k]);
		accel_tensor_release(&b[k]);
	}
	free(x.data);
out:
	accel_report_destroy(rep);
	accel_graph_destroy(g);
	accel_graph_destroy(ref);
}

/* ---- decomposed LayerNorm ---- */

/* Run the matcher on text + @body; want @lns LayerNormalization nodes and
 * the interpreter's results unchanged. */
static void layernorm_case(const char *body, int lns, int nodes_left)
{
	struct accel_ir_error err = { "" };
	struct accel_graph *g, *ref;
	struct accel_tensor x = { .dtype = ACCEL_DT_F32, .rank = 3, .dims = { 2, 3, 8 } };
	struct accel_tensor a = { 0 }, b = { 0 };
	int64_t i, n = 2 * 3 * 8, bad = 0;

	text[0] = 0;
	put("graph g {\n  input %%x: f32[n, 3, 8]\n  const %%two: f32[] = [0x1p+1]\n"
	    "  const %%eps: f32[] = [0x1.4f8b58p-17]\n");
	konst("gamma", "8", 8, 0.5f, 1.5f);
	konst("beta", "8", 8, -0.5f, 0.5f);
	put("  %%m = ReduceMean(%%x) {axes=[-1]}\n  %%d = Sub(%%x, %%m)\n"
	    "  %%p = Pow(%%d, %%two)\n  %%v = ReduceMean(%%p) {axes=[-1]}\n"
	    "  %%e = Add(%%v, %%eps)\n  %%s = Sqrt(%%e)\n  %%q = Div(%%d, %%s)\n%s}\n", body);
	g = parse_typed();
	ref = parse_typed();
	if (!g || !ref)
		goto out;
	CHECK(pass_match_layernorm(g, NULL, &err) == 0, "match: %s", err.msg);
	CHECK(count_op(g, ACCEL_OP_LAYERNORM) == lns, "%d LayerNormalization, want %d",
	      count_op(g, ACCEL_OP_LAYERNORM), lns);
	CHECK((int)g->nnodes == nodes_left, "%u nodes left, want %d", g->nnodes, nodes_left);
	CHECK(accel_pass_infer_shapes(g, NULL, &err) == 0, "shapes: %s", err.msg);
	x.data = malloc((size_t)n * sizeof(float));
	for (i = 0; x.data && i < n; i++)
		((float *)x.data)[i] = frand(-2, 2);
	CHECK(accel_interp_run(g, &x, 1, &a, 1, &err) == 0, "matched: %s", err.msg);
	CHECK(accel_interp_run(ref, &x, 1, &b, 1, &err) == 0, "original: %s", err.msg);
	for (i = 0; a.data && b.data && i < n; i++) {
		float u = ((float *)a.data)[i], w = ((float *)b.data)[i];

		bad += !(fabsf(u - w) <= 1e-5f + 1e-4f * fabsf(w));
	}
	CHECK(bad == 0, "%lld elements differ", (long long)bad);
	accel_tensor_release(&a);
	accel_tensor_release(&b);
	free(x.data);
out:
	accel_graph_destroy(g);
	accel_graph_destroy(ref);
}

static void test_layernorm_pattern(void)
{
	/* scale and shift (beta first: operand order does not matter) */
	layernorm_case("  %g = Mul(%q, %gamma)\n  %y = Add(%beta, %g)\n  output %y\n", 1, 1);
	/* neither: the scale becomes ones */
	layernorm_case("  output %q\n", 1, 1);
	/* the centred value is read elsewhere too: left alone */
	layernorm_case("  %y = Add(%q, %d)\n  output %y\n", 0, 8);
}

/* ---- fusion ---- */

static struct schedule schedule_of(struct accel_graph *g)
{
	struct accel_ir_error err = { "" };
	struct schedule s = { 0 };

	CHECK(schedule_build(g, &s, NULL, &err) == 0, "schedule: %s", err.msg);
	return s;
}

static void test_fusion_groups(void)
{
	struct accel_graph *g;
	struct schedule s;

	text[0] = 0;
	put("graph g {\n  input %%x: f32[n, 8]\n");
	konst("w", "8, 8", 64, -1, 1);
	konst("bias", "8", 8, -1, 1);
	konst("c", "8", 8, -1, 1);
	put("  %%m = MatMul(%%x, %%w)\n  %%a = Add(%%bias, %%m)\n  %%t = Relu(%%a)\n"
	    "  %%u = Mul(%%t, %%c)\n  %%v = Add(%%u, %%x)\n  %%w2 = Sigmoid(%%v)\n"
	    "  %%y = Sub(%%w2, %%t)\n  output %%y\n}\n");
	g = parse_typed();
	if (!g)
		return;
	s = schedule_of(g);
	CHECK(s.n == 2, "%u kernels, want GEMM+epilogue and one FUSED", s.n);
	if (s.n == 2) {
		const struct kernel *k0 = &s.k[0], *k1 = &s.k[1];

		CHECK(k0->kind == KERNEL_OP && k0->node->op == ACCEL_OP_MATMUL, "kernel 0 is the MatMul");
		CHECK(k0->act == VACCEL_ACT_RELU && k0->bias && !strcmp(k0->bias->name, "bias") &&
		      k0->nabsorbed == 2, "epilogue: bias %%bias and Relu");
		CHECK(k0->outs[0] == accel_graph_find(g, "t"), "the GEMM writes %%t");
		CHECK(k1->kind == KERNEL_FUSED && k1->nmembers == 4, "FUSED of u, v, w2, y (%u)",
		      k1->nmembers);
		CHECK(k1->nfin == 3, "inputs t, c, x (%u)", k1->nfin);
		CHECK(k1->outs[0] == g->outputs[0], "the FUSED writes %%y");
	}
	schedule_fini(&s);
	accel_graph_destroy(g);
}

static void test_fusion_limits(void)
{
	struct accel_graph *g;
	struct schedule s;
	uint32_t i;

	/* 40 adds of one scalar constant: a group loads x once, materializes
	 * the constant once and spends one BINARY per member, so 30 members
	 * fill the 32 instructions; from the root backwards: 30, then 10. */
	text[0] = 0;
	put("graph g {\n  input %%x: f32[n, 4]\n  const %%k: f32[] = [0x1p-3]\n");
	put("  %%a0 = Add(%%x, %%k)\n");
	for (i = 1; i < 40; i++)
		put("  %%a%u = Add(%%a%u, %%k)\n", i, i - 1);
	put("  output %%a39\n}\n");
	g = parse_typed();
	if (!g)
		return;
	s = schedule_of(g);
	CHECK(s.n == 2, "%u kernels, want 2", s.n);
	if (s.n == 2)
		CHECK(s.k[0].nmembers == 10 && s.k[1].nmembers == 30 && s.k[1].ninsts == 32,
		      "members %u %u (%u instructions), want 10 30 (32)", s.k[0].nmembers,
		      s.k[1].nmembers, s.k[1].ninsts);
	for (i = 0; i < s.n; i++)
		CHECK(s.k[i].ninsts <= VACCEL_FUSED_MAX_INSTS, "kernel %u: %u instructions", i,
		      s.k[i].ninsts);
	schedule_fini(&s);
	accel_graph_destroy(g);

	/* Eight distinct inputs summed: a FUSED takes six. */
	text[0] = 0;
	put("graph g {\n");
	for (i = 0; i < 8; i++)
		put("  input %%i%u: f32[n, 4]\n", i);
	put("  %%s1 = Add(%%i0, %%i1)\n");
	for (i = 2; i < 8; i++)
		put("  %%s%u = Add(%%s%u, %%i%u)\n", i, i - 1, i);
	put("  output %%s7\n}\n");
	g = parse_typed();
	if (!g)
		return;
	s = schedule_of(g);
	CHECK(s.n == 2, "%u kernels for 8 inputs, want 2", s.n);
	for (i = 0; i < s.n; i++)
		CHECK(s.k[i].nfin <= VACCEL_FUSED_MAX_INPUTS, "kernel %u: %u inputs", i, s.k[i].nfin);
	if (s.n == 2)
		CHECK(s.k[1].nfin == 6 && s.k[1].nmembers == 5, "the root group: %u inputs, %u "
		      "members (want 6, 5)", s.k[1].nfin, s.k[1].nmembers);
	schedule_fini(&s);
	accel_graph_destroy(g);
}

/* ---- arena planning ---- */

/* Independent check: every pair alive together is disjoint in memory. */
static int brute_force_check(const uint32_t *first, const uint32_t *last, const uint64_t *size,
			     const uint64_t *off, uint32_t n, uint64_t arena)
{
	uint32_t i, j;

	for (i = 0; i < n; i++) {
		if (off[i] % ACCEL_ARENA_ALIGN || (size[i] && off[i] + size[i] > arena))
			return -1;
		for (j = i + 1; j < n; j++) {
			bool live = first[i] <= last[j] && first[j] <= last[i];
			bool mem = off[i] < off[j] + size[j] && off[j] < off[i] + size[i];

			if (live && mem && size[i] && size[j])
				return -1;
		}
	}
	return 0;
}

static uint64_t lower_bound(const uint32_t *first, const uint32_t *last, const uint64_t *size,
			    uint32_t n, uint32_t steps)
{
	uint64_t best = 0, sum;
	uint32_t s, i;

	for (s = 0; s < steps; s++) {
		for (sum = 0, i = 0; i < n; i++)
			if (first[i] <= s && s <= last[i])
				sum += (size[i] + ACCEL_ARENA_ALIGN - 1) & ~(uint64_t)(ACCEL_ARENA_ALIGN - 1);
		best = sum > best ? sum : best;
	}
	return best;
}

static void test_plan_by_hand(void)
{
	/* A [0,1] and C [2,3] never meet: C reuses A's place. */
	uint32_t first[3] = { 0, 1, 2 }, last[3] = { 1, 2, 3 }, order[3];
	uint64_t size[3] = { 100, 100, 100 }, off[3], arena;

	CHECK(accel_arena_plan(first, last, size, 3, ACCEL_ARENA_ALIGN, order, off, &arena) == 0,
	      "plan");
	CHECK(arena == 256, "arena %llu, want 256", (unsigned long long)arena);
	CHECK(off[0] == off[2] && off[0] != off[1], "offsets %llu %llu %llu",
	      (unsigned long long)off[0], (unsigned long long)off[1], (unsigned long long)off[2]);
}

static void test_plan_random(void)
{
	enum { N = 60, STEPS = 40, TRIALS = 300 };
	uint32_t first[N], last[N], order[N], t, i;
	uint64_t size[N], off[N], arena, lb;
	double worst = 1.0, total = 0;

	for (t = 0; t < TRIALS; t++) {
		for (i = 0; i < N; i++) {
			first[i] = (uint32_t)frand(0, STEPS - 1);
			last[i] = first[i] + (uint32_t)frand(0, 6);
			if (last[i] >= STEPS)
				last[i] = STEPS - 1;
			size[i] = (uint64_t)frand(0, 1) < 1 ? (uint64_t)frand(1, 20000) : 0;
		}
		CHECK(accel_arena_plan(first, last, size, N, ACCEL_ARENA_ALIGN, order, off,
				       &arena) == 0, "plan");
		CHECK(brute_force_check(first, last, size, off, N, arena) == 0,
		      "trial %u: overlapping tensors alive together", t);
		lb = lower_bound(first, last, size, N, STEPS);
		CHECK(arena >= lb, "arena %llu below the lower bound %llu", (unsigned long long)arena,
		      (unsigned long long)lb);
		worst = (double)arena / (double)lb > worst ? (double)arena / (double)lb : worst;
		total += (double)arena / (double)lb;
	}
	printf("# random plans: arena / lower bound mean %.3f, worst %.3f\n", total / TRIALS,
	       worst);
}

/* A thousand slots: still exact, and quick enough to run per launch. */
static void test_plan_large(void)
{
	enum { N = 1000, STEPS = 700 };
	uint32_t *first = calloc(N, sizeof(*first)), *last = calloc(N, sizeof(*last));
	uint32_t *order = calloc(N, sizeof(*order)), i;
	uint64_t *size = calloc(N, sizeof(*size)), *off = calloc(N, sizeof(*off)), arena = 0, lb;
	struct timespec t0, t1;

	if (!first || !last || !order || !size || !off)
		goto out;
	for (i = 0; i < N; i++) {
		first[i] = (uint32_t)frand(0, STEPS - 1);
		last[i] = first[i] + (uint32_t)frand(0, 4);
		size[i] = (uint64_t)frand(64, 1 << 20);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(accel_arena_plan(first, last, size, N, ACCEL_ARENA_ALIGN, order, off, &arena) == 0,
	      "plan");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(brute_force_check(first, last, size, off, N, arena) == 0, "overlap");
	lb = lower_bound(first, last, size, N, STEPS + 5);
	printf("# 1000 slots planned in %.2f ms, arena / lower bound %.3f\n",
	       (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
	       (double)arena / (double)lb);
out:
	free(first);
	free(last);
	free(order);
	free(size);
	free(off);
}

static void test_plan_encoder(void)
{
	struct accel_ir_error err = { "" };
	struct accel_graph *g = NULL;
	struct accel_program *p = NULL;
	uint32_t *first, *last, *order, i;
	uint64_t *size, *off, arena;
	int64_t syms[2], v;
	char path[512];

	snprintf(path, sizeof(path), "%s/encoder14.onnx", dir);
	CHECK(accel_onnx_import_file(path, &g, &err) == 0, "import: %s", err.msg);
	if (!g)
		return;
	CHECK(accel_program_compile(g, NULL, NULL, &p, &err) == 0, "compile: %s", err.msg);
	if (!p || p->nsyms != 2) {
		CHECK(0, "want a program with 2 symbols");
		goto out;
	}
	syms[0] = 33;
	syms[1] = 7;
	first = calloc(p->nslots, sizeof(*first));
	last = calloc(p->nslots, sizeof(*last));
	order = calloc(p->nslots, sizeof(*order));
	size = calloc(p->nslots, sizeof(*size));
	off = calloc(p->nslots, sizeof(*off));
	for (i = 0; i < p->nslots; i++) {
		first[i] = p->slots[i].first;
		last[i] = p->slots[i].last;
		accel_program_eval(p, p->slots[i].size_expr, syms, NULL, &v);
		size[i] = (uint64_t)v;
	}
	CHECK(accel_arena_plan(first, last, size, p->nslots, ACCEL_ARENA_ALIGN, order, off,
			       &arena) == 0, "plan");
	CHECK(brute_force_check(first, last, size, off, p->nslots, arena) == 0,
	      "encoder slots overlap");
	printf("# encoder14 at %s=33 %s=7: %u slots, arena %llu, lower bound %llu\n",
	       p->sym_names[0], p->sym_names[1], p->nslots, (unsigned long long)arena,
	       (unsigned long long)lower_bound(first, last, size, p->nslots, p->nsteps));
	free(first);
	free(last);
	free(order);
	free(size);
	free(off);
out:
	accel_program_destroy(p);
	accel_graph_destroy(g);
}

/* ---- in place ---- */

static void inplace_case(const char *body, const char *a, const char *b, bool shared)
{
	struct accel_ir_error err = { "" };
	struct accel_graph *g;
	struct schedule s;
	struct memplan m = { 0 };
	const struct accel_value *va, *vb;

	text[0] = 0;
	put("graph g {\n  input %%x: f32[n, 16]\n");
	konst("w", "16, 16", 256, -1, 1);
	put("%s}\n", body);
	g = parse_typed();
	if (!g)
		return;
	s = schedule_of(g);
	CHECK(memplan_build(g, &s, &m, NULL, &err) == 0, "memplan: %s", err.msg);
	va = accel_graph_find(g, a);
	vb = accel_graph_find(g, b);
	if (m.where && va && vb) {
		CHECK(m.where[va->id].slot >= 0 && m.where[vb->id].slot >= 0, "both in the arena");
		CHECK((m.where[va->id].slot == m.where[vb->id].slot) == shared,
		      "%%%s and %%%s %s share a slot", a, b, shared ? "must" : "must not");
		CHECK(m.inplace == (shared ? 1u : 0u), "%u in place", m.inplace);
	}
	memplan_fini(&m);
	schedule_fini(&s);
	accel_graph_destroy(g);
}

static void test_inplace(void)
{
	/* Softmax over a tensor that dies there: in place. */
	inplace_case("  %a = MatMul(%x, %w)\n  %b = Softmax(%a)\n  %y = MatMul(%b, %w)\n"
		     "  output %y\n", "a", "b", true);
	/* The same, but %a is read again later: a fresh slot. */
	inplace_case("  %a = MatMul(%x, %w)\n  %b = Softmax(%a)\n  %c = MatMul(%b, %w)\n"
		     "  %y = Add(%c, %a)\n  output %y\n", "a", "b", false);
	/* A fused elementwise group over a dying tensor: in place. */
	inplace_case("  %a = MatMul(%x, %w)\n  %s = Sigmoid(%a)\n  %b = Mul(%s, %a)\n"
		     "  %y = MatMul(%b, %w)\n  output %y\n", "a", "b", true);
	/* Also read through a transposed view of the same slot: no. */
	inplace_case("  %a = MatMul(%x, %w)\n  %sq = Reshape(%a) {shape=[n, 4, 4]}\n"
		     "  %t = Transpose(%sq) {perm=[0, 2, 1]}\n  %b = Add(%sq, %t)\n"
		     "  %c = Reshape(%b) {shape=[n, 16]}\n  %y = MatMul(%c, %w)\n  output %y\n",
		     "a", "b", false);
	/* Broadcast into a bigger result: no. */
	inplace_case("  %a = MatMul(%x, %w)\n  %r = ReduceMean(%a) {axes=[1]}\n"
		     "  %b = Sub(%a, %r)\n  %c = Sub(%r, %a)\n  %y = Add(%b, %c)\n  output %y\n",
		     "r", "b", false);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	RUN_CASE(test_bnfold_by_hand);
	RUN_CASE(test_bnfold_numerics);
	RUN_CASE(test_layernorm_pattern);
	RUN_CASE(test_fusion_groups);
	RUN_CASE(test_fusion_limits);
	RUN_CASE(test_plan_by_hand);
	RUN_CASE(test_plan_random);
	RUN_CASE(test_plan_large);
	RUN_CASE(test_plan_encoder);
	RUN_CASE(test_inplace);
	HARNESS_EXIT();
}
