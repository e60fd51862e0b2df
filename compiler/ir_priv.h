/* SPDX-License-Identifier: MIT */
/*
 * ir_priv.h - what the compiler's files share and the public header keeps
 * to itself: error formatting, the symbolic-dimension algebra, the op table
 * and graph surgery helpers.
 */
#ifndef ACCEL_COMPILER_IR_PRIV_H
#define ACCEL_COMPILER_IR_PRIV_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>

#include <accel/ir.h>

/* Bounds that keep hostile input from exhausting memory or time. */
#define IR_MAX_NAME 256		/* bytes in a value or symbol name */
#define IR_MAX_IO 1024		/* inputs or outputs of one node */
#define IR_MAX_KNOWN 64		/* elements tracked in accel_value.known */

/* Format into err (if any) and return -errnum. */
int ir_error(struct accel_ir_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * The same for node @n in pass @phase, worded as every pass words it:
 * "PHASE: Op -> %output: message" (a node is named by its first output).
 */
int ir_node_verror(struct accel_ir_error *err, int errnum, const char *phase,
		   const struct accel_node *n, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

/* ---- symbolic dims (dim.c) ---- */

int dim_symtab_create(struct accel_symtab **out);
void dim_symtab_destroy(struct accel_symtab *t);
int dim_symbol(struct accel_symtab *t, const char *name, struct accel_dim *out);

/* Arithmetic on dims; results are interned. -EOVERFLOW when an expression
 * grows past the bounds, -EDOM on division by zero. */
int dim_add(struct accel_symtab *t, struct accel_dim a, struct accel_dim b, struct accel_dim *out);
int dim_sub(struct accel_symtab *t, struct accel_dim a, struct accel_dim b, struct accel_dim *out);
int dim_mul(struct accel_symtab *t, struct accel_dim a, struct accel_dim b, struct accel_dim *out);
/* Floor quotient for non-negative operands (the only kind shapes have);
 * truncating for constants, like integer Div. */
int dim_div(struct accel_symtab *t, struct accel_dim a, struct accel_dim b, struct accel_dim *out);

static inline bool dim_is_const(struct accel_dim d)
{
	return d.expr == 0;
}

static inline bool dim_is_unknown(struct accel_dim d)
{
	return d.expr == ACCEL_DIM_UNKNOWN;
}

static inline bool dim_eq(struct accel_dim a, struct accel_dim b)
{
	return a.expr == b.expr && (a.expr != 0 || a.val == b.val);
}

static inline struct accel_dim dim_unknown(void)
{
	struct accel_dim d = { 0, ACCEL_DIM_UNKNOWN };

	return d;
}

/* Symbol values for evaluation: one slot per atom of the table. */
struct dim_env {
	uint32_t n;
	int64_t *val;
	uint8_t *bound;
};

int dim_env_init(const struct accel_symtab *t, struct dim_env *env);
void dim_env_fini(struct dim_env *env);
/* Bind @d to @v: when d is a plain symbol, bind it; otherwise evaluate it and
 * require v. -EINVAL with a message when it disagrees. */
int dim_env_bind(const struct accel_symtab *t, struct dim_env *env, struct accel_dim d,
		 int64_t v, const char *what, struct accel_ir_error *err);
int dim_eval(const struct accel_symtab *t, const struct dim_env *env, struct accel_dim d,
	     int64_t *out, struct accel_ir_error *err);
/* Writes at most len-1 bytes and always terminates. */
void dim_format(const struct accel_symtab *t, struct accel_dim d, char *buf, size_t len);

/*
 * A dim as a postfix program, for compiled programs that evaluate shapes
 * without the symbol table: constants, symbols (by atom id, named by
 * dim_atom_name()) and +, *, floor /. Each term is pushed as its
 * coefficient times its factors; terms are summed.
 */
enum dim_rpn_op { DIM_RPN_CONST, DIM_RPN_SYM, DIM_RPN_ADD, DIM_RPN_MUL, DIM_RPN_DIV };
typedef int (*dim_rpn_emit_fn)(void *ctx, enum dim_rpn_op op, int64_t arg);
int dim_to_rpn(const struct accel_symtab *t, struct accel_dim d, dim_rpn_emit_fn emit, void *ctx);
/* The name of symbol atom @id, or NULL when @id is not a symbol. */
const char *dim_atom_name(const struct accel_symtab *t, uint32_t id);

/* ---- op table (ops.c) ---- */

struct op_attr_spec {
	const char *name;
	enum accel_attr_kind kind;
	int64_t idef;
	double fdef;
};

struct op_info {
	const char *name;
	uint16_t min_in, max_in, min_out, max_out;
	const struct op_attr_spec *attrs;	/* ends with a NULL name */
};

const struct op_info *op_info(enum accel_op op);
const struct op_attr_spec *op_attr_spec(enum accel_op op, const char *name);

const struct accel_attr *ir_attr_find(const struct accel_node *n, const char *name);
int64_t ir_attr_int(const struct accel_node *n, const char *name);
double ir_attr_float(const struct accel_node *n, const char *name);

/* ---- graph surgery (ir.c) ---- */

/* Deep copy of one attribute (lists duplicated); -ENOMEM. */
int ir_attr_copy(struct accel_attr *dst, const struct accel_attr *src);
void ir_attr_free(struct accel_attr *a);
/* Point every use of @from (node inputs, graph outputs) at @to. */
void ir_replace_uses(struct accel_graph *g, struct accel_value *from, struct accel_value *to);
/* How many node inputs and graph outputs use @v. */
uint32_t ir_use_count(const struct accel_graph *g, const struct accel_value *v);
/* Free nodes and values marked dead and close the gaps. */
void ir_sweep(struct accel_graph *g);
/* Turn the node output @v into a constant owning @data (taken over). The
 * node gets a fresh placeholder output in its place. */
int ir_value_make_const(struct accel_graph *g, struct accel_value *v, void *data,
			size_t nbytes);
/* A new detached value with a fresh name, registered in the graph. */
struct accel_value *ir_value_new(struct accel_graph *g, const char *name);
int ir_set_known(struct accel_value *v, const struct accel_dim *dims, uint32_t n);
bool ir_shape_equal(const struct accel_shape *a, const struct accel_shape *b);

/* ---- 1-D Conv and pooling as 2-D with H = 1 (pass_conv1d.c) ---- */

/* Node @i rewritten before shape inference infers it (its inputs typed). */
int conv1d_as_2d(struct accel_graph *g, uint32_t i, struct accel_report *r,
		 struct accel_ir_error *err);
/* Back end: BatchNorm and elementwise readers into the 2-D form. */
int conv1d_sink(struct accel_graph *g, struct accel_report *r, struct accel_ir_error *err);

/* ---- ONNX files (onnx_import.c) ---- */

/* The whole of regular file @path (at most 2 GiB) into malloc'ed *@data. */
int onnx_read_file(const char *path, void **data, size_t *len, struct accel_ir_error *err);

/* ---- interpreter kernels (interp_ops.c), shared with constant folding ---- */

/* Run one node on concrete tensors; outputs are malloc'ed. The env gives
 * values to the symbols of DIMS attributes. */
int interp_node(const struct accel_graph *g, const struct accel_node *n,
		const struct dim_env *env, const struct accel_tensor *in,
		struct accel_tensor *out, struct accel_ir_error *err);
int64_t tensor_numel(const struct accel_tensor *t);

/* ---- report (report.c) ---- */

void report_add(struct accel_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
