// SPDX-License-Identifier: MIT
/*
 * compile.c - graph to program: the standard pipeline, BatchNorm folding,
 * fusion, memory planning and lowering, in that order, each adding its
 * lines to the compile report; then the I/O signature and the arena slots
 * are written into the program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lower_priv.h"

static int check_typed(const struct accel_graph *g, struct accel_ir_error *err)
{
	uint32_t i, j;
	int k;

	for (i = 0; i < g->nnodes; i++)
		for (j = 0; j < g->nodes[i]->noutputs; j++) {
			const struct accel_value *v = g->nodes[i]->outputs[j];

			if (v->dtype == ACCEL_DT_UNDEF || v->shape.rank < 0)
				return ir_error(err, EINVAL, "compile: %%%s (%s) has no known type "
						"or rank", v->name, accel_op_name(g->nodes[i]->op));
			for (k = 0; k < v->shape.rank; k++)
				if (dim_is_unknown(v->shape.dims[k]))
					return ir_error(err, EINVAL, "compile: %%%s (%s): dim %d is only "
							"known at run time (data-dependent shapes "
							"are not supported)", v->name,
							accel_op_name(g->nodes[i]->op), k);
		}
	return 0;
}

static int io_sig(struct progbuild *b, const struct accel_value *v, bool input,
		  struct accel_program_io *io)
{
	const struct accel_program *p = b->p;
	int k, e;

	memset(io, 0, sizeof(*io));
	io->name = strdup(v->name);
	if (!io->name)
		return -ENOMEM;
	io->dtype = v->dtype;
	io->rank = (uint32_t)v->shape.rank;
	/* A bool keeps its dtype in the signature; its device buffer holds f32
	 * 0/1 (accel_program_device_dtype()), converted by the runner. */
	if (v->dtype != ACCEL_DT_BOOL && !vaccel_dtype_of(v->dtype))
		return -EOPNOTSUPP;
	for (k = 0; k < v->shape.rank; k++) {
		e = pb_expr_dim(b, v->shape.dims[k]);
		if (e < 0)
			return e;
		io->dims[k] = (uint32_t)e;
		io->bind_sym[k] = -1;
		/* A bare symbol is 1 * sym: it binds the symbol. */
		if (input && p->exprs[e].count == 3) {
			const struct accel_pexpr_insn *in = &p->insns[p->exprs[e].first];

			if (in[0].op == ACCEL_PX_CONST && in[0].arg == 1 && in[1].op == ACCEL_PX_SYM &&
			    in[2].op == ACCEL_PX_MUL)
				io->bind_sym[k] = (int32_t)in[1].arg;
		}
	}
	for (; k < ACCEL_IR_MAX_RANK; k++)
		io->bind_sym[k] = -1;
	return 0;
}

/* The report's memory lines: the formula, and figures at every symbol = 1. */
static void report_memory(struct accel_graph *g, const struct memplan *m,
			  const struct accel_program *p, struct accel_report *r)
{
	struct accel_dim sum = accel_dim_const(0);
	struct accel_program_memory mem;
	int64_t *ones = calloc(p->nsyms + 1, sizeof(*ones));
	char buf[512];
	uint32_t i;

	for (i = 0; i < m->nslots; i++)
		if (dim_add(g->syms, sum, m->slots[i].bytes, &sum))
			break;
	dim_format(g->syms, sum, buf, sizeof(buf));
	report_add(r, "memplan: unplanned intermediates = %s bytes; the arena is planned at "
		   "launch for the actual symbol values", buf);
	if (!ones)
		return;
	for (i = 0; i < p->nsyms; i++)
		ones[i] = 1;
	if (!accel_program_memory(p, ones, &mem))
		report_add(r, "memplan: %s: arena %llu bytes, unplanned %llu, lower bound %llu "
			   "(arena / lower bound = %.3f), weights %llu",
			   p->nsyms ? "with every symbol = 1" : "static shapes",
			   (unsigned long long)mem.arena_bytes,
			   (unsigned long long)mem.unplanned_bytes,
			   (unsigned long long)mem.lower_bound_bytes,
			   mem.lower_bound_bytes ? (double)mem.arena_bytes /
						   (double)mem.lower_bound_bytes : 1.0,
			   (unsigned long long)mem.weights_bytes);
	free(ones);
}

/*
 * A Range read only by Casts to f32 (torch.arange(n).float()) is computed
 * in f32 directly, which is exact below 2^24, and the Casts become no-ops
 * instead of converting COPYs.
 */
static void float_ranges(struct accel_graph *g, struct accel_report *r)
{
	uint32_t i, j, k, casts, uses;

	for (i = 0; i < g->nnodes; i++) {
		struct accel_value *y = g->nodes[i]->outputs[0];

		if (g->nodes[i]->op != ACCEL_OP_RANGE || y->dtype == ACCEL_DT_F32 || y->is_output)
			continue;
		casts = uses = 0;
		for (j = i + 1; j < g->nnodes; j++)
			for (k = 0; k < g->nodes[j]->ninputs; k++)
				if (g->nodes[j]->inputs[k] == y) {
					uses++;
					casts += g->nodes[j]->op == ACCEL_OP_CAST &&
						 g->nodes[j]->outputs[0]->dtype == ACCEL_DT_F32;
				}
		if (!uses || casts != uses)
			continue;
		y->dtype = ACCEL_DT_F32;
		report_add(r, "lower: Range -> %%%s computed in f32 for its Casts", y->name);
	}
}

/* The node appended last, moved to index *@pos (which then moves past it). */
static void move_last_to(struct accel_graph *g, uint32_t *pos)
{
	struct accel_node *n = g->nodes[g->nnodes - 1];

	memmove(&g->nodes[*pos + 1], &g->nodes[*pos],
		(g->nnodes - 1 - *pos) * sizeof(*g->nodes));
	g->nodes[(*pos)++] = n;
}

static int add_before(struct accel_graph *g, uint32_t *pos, enum accel_op op,
		      struct accel_value *const *in, uint32_t nin, const struct accel_attr *attrs,
		      uint32_t nattrs, struct accel_value **out, struct accel_ir_error *err)
{
	int ret = accel_graph_add_node(g, op, in, nin, attrs, nattrs, 1, NULL, out, err);

	if (!ret)
		move_last_to(g, pos);
	return ret;
}

static int add_scalar(struct accel_graph *g, const char *base, const char *what,
		      enum accel_dtype dt, const void *data, struct accel_value **out,
		      struct accel_ir_error *err)
{
	struct accel_shape s = { .rank = 0 };
	char name[320];
	int k;

	for (k = 0; k < 1000; k++) {
		snprintf(name, sizeof(name), k ? "%s.%s%d" : "%s.%s", base, what, k);
		if (!accel_graph_find(g, name))
			return accel_graph_add_const(g, name, dt, &s, data, out, err);
	}
	return ir_error(err, EEXIST, "compile: no free name for %s.%s", base, what);
}

/*
 * A run-time Cast from i32/i64 to bool (x != 0) becomes Cast to f32, a
 * converting COPY (ISA 1.1), then Cast f32 -> bool, which fuses like any
 * f32 comparison: no non-zero integer rounds to 0.0f, so x != 0 survives.
 * Runs before shape inference, which types the new f32 value.
 */
static int split_int_bool_casts(struct accel_graph *g, struct accel_report *r,
				struct accel_ir_error *err)
{
	uint32_t i;
	int ret;

	for (i = 0; i < g->nnodes; i++) {
		struct accel_node *n = g->nodes[i];
		struct accel_value *x, *f;
		struct accel_attr a;

		if (n->op != ACCEL_OP_CAST || ir_attr_int(n, "to") != ACCEL_DT_BOOL)
			continue;
		x = n->inputs[0];
		if (x->kind == ACCEL_VALUE_CONST ||
		    (x->dtype != ACCEL_DT_I32 && x->dtype != ACCEL_DT_I64))
			continue;
		a = accel_attr_int("to", ACCEL_DT_F32);
		ret = add_before(g, &i, ACCEL_OP_CAST, &x, 1, &a, 1, &f, err);
		if (ret)
			return ret;
		n->inputs[0] = f;
		report_add(r, "lower: Cast %s -> bool of %%%s through f32",
			   accel_dtype_name(x->dtype), x->name);
	}
	return 0;
}

/*
 * Trilu on a run-time f32 tensor (a causal mask that
 * nn.Transformer.generate_square_subsequent_mask() builds over a symbolic
 * length) has no packet of its own. With i and j the row and column
 * indices of the last two dims, it keeps x where j - i >= k (upper) or
 * j - i <= k (lower): d = j - i comes from two Ranges (index tables in the
 * weights, computed in f32: exact below 2^24), and
 *   upper: Where(Cast(Relu(d - (k - 1)), bool), x, 0)
 *   lower: Where(Cast(Relu((k + 1) - d), bool), x, 0)
 * since d and k are integers. The Trilu node becomes that Where, so its
 * output keeps its name; fusion makes the arithmetic one FUSED_ELEMENTWISE.
 */
static int rewrite_trilu(struct accel_graph *g, uint32_t *pos, struct accel_report *r,
			 struct accel_ir_error *err)
{
	struct accel_node *n = g->nodes[*pos];
	struct accel_value *x = n->inputs[0], *y = n->outputs[0];
	struct accel_value *sh, *idx[2], *lim[2], *zero, *one, *rg[2], *f[2], *ur, *d, *kc, *t;
	struct accel_value *rl, *m, *zf, **ins;
	int64_t k = ir_attr_int(n, "k"), rank = x->shape.rank, v;
	bool upper = ir_attr_int(n, "upper") != 0;
	struct accel_attr a;
	float fk, f0 = 0.0f;
	int ret, j;

	v = 0;
	ret = add_scalar(g, y->name, "zero", ACCEL_DT_I64, &v, &zero, err);
	v = 1;
	if (!ret)
		ret = add_scalar(g, y->name, "one", ACCEL_DT_I64, &v, &one, err);
	if (!ret)
		ret = add_before(g, pos, ACCEL_OP_SHAPE, &x, 1, NULL, 0, &sh, err);
	for (j = 0; j < 2 && !ret; j++) {
		struct accel_value *gin[2], *rin[3];

		/* A square [.., S, S] (a causal mask) needs one index table. */
		if (j && x->shape.dims[rank - 1].val == x->shape.dims[rank - 2].val &&
		    x->shape.dims[rank - 1].expr == x->shape.dims[rank - 2].expr) {
			f[1] = f[0];
			break;
		}
		v = rank - 2 + j;
		ret = add_scalar(g, y->name, j ? "col" : "row", ACCEL_DT_I64, &v, &idx[j], err);
		gin[0] = sh;
		gin[1] = idx[j];
		a = accel_attr_int("axis", 0);
		if (!ret)
			ret = add_before(g, pos, ACCEL_OP_GATHER, gin, 2, &a, 1, &lim[j], err);
		rin[0] = zero;
		rin[1] = lim[j];
		rin[2] = one;
		if (!ret)
			ret = add_before(g, pos, ACCEL_OP_RANGE, rin, 3, NULL, 0, &rg[j], err);
		a = accel_attr_int("to", ACCEL_DT_F32);
		if (!ret)
			ret = add_before(g, pos, ACCEL_OP_CAST, &rg[j], 1, &a, 1, &f[j], err);
	}
	a = accel_attr_ints("axes", (int64_t[]){ 1 }, 1);
	if (!ret)
		ret = add_before(g, pos, ACCEL_OP_UNSQUEEZE, &f[0], 1, &a, 1, &ur, err);
	if (!ret)
		ret = add_before(g, pos, ACCEL_OP_SUB, (struct accel_value *[]){ f[1], ur }, 2, NULL,
				 0, &d, err);
	fk = (float)(upper ? k - 1 : k + 1);
	if (!ret)
		ret = add_scalar(g, y->name, "k", ACCEL_DT_F32, &fk, &kc, err);
	if (!ret)
		ret = add_before(g, pos, ACCEL_OP_SUB, upper ? (struct accel_value *[]){ d, kc } :
				 (struct accel_value *[]){ kc, d }, 2, NULL, 0, &t, err);
	if (!ret)
		ret = add_before(g, pos, ACCEL_OP_RELU, &t, 1, NULL, 0, &rl, err);
	a = accel_attr_int("to", ACCEL_DT_BOOL);
	if (!ret)
		ret = add_before(g, pos, ACCEL_OP_CAST, &rl, 1, &a, 1, &m, err);
	if (!ret)
		ret = add_scalar(g, y->name, "zerof", ACCEL_DT_F32, &f0, &zf, err);
	if (ret)
		return ret;
	ins = calloc(3, sizeof(*ins));
	if (!ins)
		return ir_error(err, ENOMEM, "compile: out of memory");
	ins[0] = m;
	ins[1] = x;
	ins[2] = zf;
	free(n->inputs);
	n->inputs = ins;
	n->ninputs = 3;
	for (j = 0; j < (int)n->nattrs; j++)
		ir_attr_free(&n->attrs[j]);
	n->nattrs = 0;
	n->op = ACCEL_OP_WHERE;
	report_add(r, "lower: Trilu -> %%%s as a Where over row and column indices (k = %lld, %s)",
		   y->name, (long long)k, upper ? "upper" : "lower");
	return 0;
}

static int rewrite_trilus(struct accel_graph *g, struct accel_report *r, bool *changed,
			  struct accel_ir_error *err)
{
	uint32_t i;
	int ret;

	*changed = false;
	for (i = 0; i < g->nnodes; i++) {
		struct accel_node *n = g->nodes[i];
		const struct accel_value *x = n->inputs[0];

		/* Constant Trilus were folded; others need f32 and a known rank. */
		if (n->op != ACCEL_OP_TRILU || x->dtype != ACCEL_DT_F32 || x->shape.rank < 2)
			continue;
		ret = rewrite_trilu(g, &i, r, err);
		if (ret)
			return ret;
		*changed = true;
	}
	return 0;
}

int accel_program_compile(struct accel_graph *g, const struct accel_compile_options *opts,
			  struct accel_report *r, struct accel_program **out,
			  struct accel_ir_error *err)
{
	struct schedule s = { 0 };
	struct memplan m = { 0 };
	struct progbuild b;
	struct lower l;
	struct accel_program *p;
	uint32_t i;
	int ret;

	*out = NULL;
	if (opts && (opts->flags || opts->reserved[0] || opts->reserved[1] ||
		     opts->reserved[2] || opts->reserved[3]))
		return ir_error(err, EINVAL, "compile: unknown options");
	ret = accel_graph_optimize(g, r, err);
	if (!ret) {
		bool trilu = false;

		ret = rewrite_trilus(g, r, &trilu, err);
		if (!ret && trilu)
			ret = accel_graph_optimize(g, r, err);
	}
	if (!ret)
		ret = conv1d_sink(g, r, err);
	if (!ret)
		ret = accel_pass_fold_batchnorm(g, r, err);
	if (!ret)
		ret = pass_match_layernorm(g, r, err);
	if (!ret)
		ret = pass_pack_gemm_weights(g, r, err);
	if (!ret)
		ret = split_int_bool_casts(g, r, err);
	if (!ret)
		ret = accel_pass_dce(g, r, err);
	if (!ret)
		ret = accel_pass_infer_shapes(g, r, err);
	if (!ret)
		ret = check_typed(g, err);
	if (!ret) {
		float_ranges(g, r);
		ret = schedule_build(g, &s, r, err);
	}
	if (!ret)
		ret = memplan_build(g, &s, &m, r, err);
	if (ret) {
		schedule_fini(&s);
		return ret;
	}
	ret = pb_init(&b, g, opts ? opts->max_cmdbuf_bytes : 0);
	if (ret) {
		ret = ir_error(err, -ret, "compile: out of memory");
		goto out;
	}
	l = (struct lower){ .g = g, .t = g->syms, .s = &s, .m = &m, .b = &b, .err = err };
	for (i = 0; i < s.n && !ret; i++) {
		ret = lower_kernel(&l, &s.k[i]);
		if (!ret && b.error)
			ret = lower_err(&l, s.k[i].node, -b.error, "a field does not fit its packet "
					"(%d)", b.error);
	}
	if (ret)
		goto out_pb;
	p = b.p;
	p->ninputs = g->ninputs;
	p->noutputs = g->noutputs;
	p->inputs = calloc(g->ninputs + 1, sizeof(*p->inputs));
	p->outputs = calloc(g->noutputs + 1, sizeof(*p->outputs));
	p->slots = calloc(m.nslots + 1, sizeof(*p->slots));
	if (!p->inputs || !p->outputs || !p->slots) {
		ret = ir_error(err, ENOMEM, "compile: out of memory");
		goto out_pb;
	}
	for (i = 0; i < g->ninputs + g->noutputs && !ret; i++) {
		bool in = i < g->ninputs;
		const struct accel_value *v = in ? g->inputs[i] : g->outputs[i - g->ninputs];

		ret = io_sig(&b, v, in, in ? &p->inputs[i] : &p->outputs[i - g->ninputs]);
		if (ret)
			ret = ir_error(err, -ret, "compile: %s %%%s (%s) cannot cross the program "
				       "boundary", in ? "input" : "output", v->name,
				       accel_dtype_name(v->dtype));
	}
	for (i = 0; i < m.nslots && !ret; i++) {
		int e = pb_expr_dim(&b, m.slots[i].bytes);

		if (e < 0)
			ret = ir_error(err, -e, "compile: slot size too complex");
		else
			p->slots[i] = (struct accel_program_slot){ m.slots[i].first, m.slots[i].last,
								   (uint32_t)e, 0 };
	}
	if (ret)
		goto out_pb;
	p->nslots = m.nslots;
	p->nsteps = s.n ? s.n : 1;
	p->weights = m.weights;
	p->weights_size = m.weights_size;
	m.weights = NULL;
	ret = pb_finish(&b, &p);
	if (ret) {
		ret = ir_error(err, -ret, "compile: cannot assemble the program");
		goto out_pb;
	}
	{
		char msg[256];

		ret = accel_program_check(p, msg, sizeof(msg));
		if (ret) {
			accel_program_destroy(p);
			ret = ir_error(err, -ret, "compile: internal error: %s", msg);
			goto out_pb;
		}
	}
	report_add(r, "lower: %u kernels -> %u packets in %u command buffers, %u patch records, "
		   "%u symbols", s.n, p->npackets, p->ntemplates, p->npatches, p->nsyms);
	report_memory(g, &m, p, r);
	*out = p;
out_pb:
	pb_fini(&b);
out:
	memplan_fini(&m);
	schedule_fini(&s);
	return ret;
}
