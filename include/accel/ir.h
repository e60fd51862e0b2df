/* SPDX-License-Identifier: MIT */
/*
 * accel/ir.h - the compiler's graph IR: typed tensors with symbolic shapes,
 * ops over them, a builder, the text form, ONNX import, the passes and the
 * reference interpreter.
 *
 * A graph owns everything reachable from it: values, nodes, constant data,
 * symbols and the symbolic expressions of its dimensions. Nodes are kept in
 * topological order (a node's inputs are graph inputs, constants or outputs
 * of earlier nodes); the builder refuses anything else.
 *
 * Every function that can fail returns 0 or a negative errno and, when it is
 * given a struct accel_ir_error, writes one line saying what was wrong.
 * Documentation/compiler.rst describes the IR, the text grammar and the ops.
 */
#ifndef ACCEL_IR_H
#define ACCEL_IR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ACCEL_IR_MAX_RANK 8

/* Element types. The first six share their numbers with enum vaccel_dtype. */
enum accel_dtype {
	ACCEL_DT_UNDEF = 0,
	ACCEL_DT_F32 = 1,
	ACCEL_DT_BF16 = 2,	/* enumerated for later: no op takes it yet */
	ACCEL_DT_F16 = 3,	/* enumerated for later */
	ACCEL_DT_I8 = 4,	/* enumerated for later */
	ACCEL_DT_I32 = 5,
	ACCEL_DT_I64 = 6,
	ACCEL_DT_BOOL = 7,
	ACCEL_DT_COUNT = 8,
};

/*
 * A dimension: the constant @val when @expr is 0, else the graph's interned
 * symbolic expression number @expr (a polynomial over symbols such as
 * "batch", with floor quotients where a division is not exact). Interning
 * makes two equal expressions the same number, so dims compare with ==.
 * ACCEL_DIM_UNKNOWN marks a dim shape inference could not determine.
 */
struct accel_dim {
	int64_t val;
	uint32_t expr;
};

#define ACCEL_DIM_UNKNOWN 0xffffffffu

/* rank -1: rank unknown (dims unused). */
struct accel_shape {
	int rank;
	struct accel_dim dims[ACCEL_IR_MAX_RANK];
};

enum accel_op {
	ACCEL_OP_INVALID = 0,
	/* elementwise, numpy broadcasting */
	ACCEL_OP_ADD, ACCEL_OP_SUB, ACCEL_OP_MUL, ACCEL_OP_DIV, ACCEL_OP_POW,
	ACCEL_OP_EQUAL, ACCEL_OP_WHERE, ACCEL_OP_AND, ACCEL_OP_OR,
	ACCEL_OP_RELU, ACCEL_OP_GELU, ACCEL_OP_ERF, ACCEL_OP_TANH,
	ACCEL_OP_SIGMOID, ACCEL_OP_SQRT, ACCEL_OP_CAST, ACCEL_OP_NOT,
	/* linear algebra and normalization */
	ACCEL_OP_MATMUL, ACCEL_OP_GEMM, ACCEL_OP_CONV, ACCEL_OP_BATCHNORM,
	ACCEL_OP_LAYERNORM, ACCEL_OP_SOFTMAX,
	/* pooling and reductions */
	ACCEL_OP_MAXPOOL, ACCEL_OP_AVGPOOL, ACCEL_OP_GLOBALAVGPOOL,
	ACCEL_OP_REDUCEMEAN,
	/* layout */
	ACCEL_OP_FLATTEN, ACCEL_OP_RESHAPE, ACCEL_OP_TRANSPOSE, ACCEL_OP_CONCAT,
	ACCEL_OP_SPLIT, ACCEL_OP_SLICE, ACCEL_OP_GATHER, ACCEL_OP_SQUEEZE,
	ACCEL_OP_UNSQUEEZE, ACCEL_OP_EXPAND, ACCEL_OP_PAD, ACCEL_OP_TRILU,
	/* shape arithmetic */
	ACCEL_OP_SHAPE, ACCEL_OP_CONSTANTOFSHAPE, ACCEL_OP_RANGE,
	ACCEL_OP_COUNT,
};

enum accel_attr_kind {
	ACCEL_ATTR_INT = 1,
	ACCEL_ATTR_FLOAT,	/* held as double, printed exactly */
	ACCEL_ATTR_INTS,
	ACCEL_ATTR_DIMS,	/* a list of (possibly symbolic) dims */
};

struct accel_attr {
	const char *name;	/* a name from the op's table, static storage */
	enum accel_attr_kind kind;
	int64_t i;
	double f;
	uint32_t n;		/* INTS / DIMS length */
	int64_t *ints;
	struct accel_dim *dims;
};

enum accel_value_kind {
	ACCEL_VALUE_INPUT = 1,
	ACCEL_VALUE_CONST,
	ACCEL_VALUE_NODE,	/* an output of a node */
};

struct accel_node;

struct accel_value {
	char *name;		/* unique in its graph */
	enum accel_value_kind kind;
	enum accel_dtype dtype;	/* ACCEL_DT_UNDEF until inferred */
	struct accel_shape shape;
	struct accel_node *producer;	/* ACCEL_VALUE_NODE only */
	void *data;		/* ACCEL_VALUE_CONST: dense, row-major */
	size_t nbytes;
	/*
	 * Shape inference's knowledge of the contents of a small i64 tensor
	 * (rank <= 1): element k is known[k]. Set for constants and for shape
	 * arithmetic (Shape, Gather of a shape, Concat...); NULL otherwise.
	 */
	struct accel_dim *known;
	uint32_t nknown;
	uint32_t id;		/* creation order, for stable output */
	uint8_t is_output;
	uint8_t dead;		/* private to the passes: swept away next */
};

struct accel_node {
	enum accel_op op;
	uint32_t ninputs, noutputs, nattrs;
	struct accel_value **inputs;	/* an entry may be NULL: absent optional */
	struct accel_value **outputs;
	struct accel_attr *attrs;
	uint8_t dead;		/* private to the passes: swept away next */
};

struct accel_ir_error {
	char msg[512];
};

struct accel_symtab;

struct accel_graph {
	char *name;
	struct accel_value **values;	/* every live value, creation order */
	uint32_t nvalues, values_cap;
	struct accel_node **nodes;	/* topological order */
	uint32_t nnodes, nodes_cap;
	struct accel_value **inputs;
	uint32_t ninputs, inputs_cap;
	struct accel_value **outputs;
	uint32_t noutputs, outputs_cap;
	struct accel_symtab *syms;
	uint32_t next_id;
	void *names;		/* name -> value index, private */
};

/* ---- graph and builder (compiler/ir.c) ---- */

int accel_graph_create(const char *name, struct accel_graph **out);
void accel_graph_destroy(struct accel_graph *g);

/* A dim that is the symbol @name (created on first use). */
int accel_dim_symbol(struct accel_graph *g, const char *name, struct accel_dim *out);
static inline struct accel_dim accel_dim_const(int64_t v)
{
	struct accel_dim d = { v, 0 };

	return d;
}

/* Build a shape from dims; rank <= ACCEL_IR_MAX_RANK. */
struct accel_shape accel_shape_make(int rank, const struct accel_dim *dims);

int accel_graph_add_input(struct accel_graph *g, const char *name, enum accel_dtype dt,
			  const struct accel_shape *shape, struct accel_value **out,
			  struct accel_ir_error *err);
/* @data is copied; its size must be the shape's element count times the
 * dtype's size. The shape must be constant. */
int accel_graph_add_const(struct accel_graph *g, const char *name, enum accel_dtype dt,
			  const struct accel_shape *shape, const void *data,
			  struct accel_value **out, struct accel_ir_error *err);
/*
 * Append a node. @inputs may hold NULL for an absent optional input. The
 * @attrs are copied and checked against the op's table (names and kinds);
 * missing optional attributes take their defaults when read. Outputs get
 * @out_names (or fresh names when NULL or an entry is NULL) and unknown
 * types until shape inference runs.
 */
int accel_graph_add_node(struct accel_graph *g, enum accel_op op,
			 struct accel_value *const *inputs, uint32_t ninputs,
			 const struct accel_attr *attrs, uint32_t nattrs,
			 uint32_t noutputs, const char *const *out_names,
			 struct accel_value **outs, struct accel_ir_error *err);
int accel_graph_mark_output(struct accel_graph *g, struct accel_value *v,
			    struct accel_ir_error *err);
struct accel_value *accel_graph_find(const struct accel_graph *g, const char *name);

/* Attribute helpers for builders. */
struct accel_attr accel_attr_int(const char *name, int64_t v);
struct accel_attr accel_attr_float(const char *name, double v);
struct accel_attr accel_attr_ints(const char *name, const int64_t *v, uint32_t n);

const char *accel_op_name(enum accel_op op);
enum accel_op accel_op_from_name(const char *name);
const char *accel_dtype_name(enum accel_dtype dt);
size_t accel_dtype_size(enum accel_dtype dt);
/* The element count of a constant shape, or -1 when a dim is symbolic,
 * unknown or the count overflows. */
int64_t accel_shape_numel(const struct accel_shape *s);

/* ---- text form (compiler/text_dump.c, compiler/text_parse.c) ---- */

/* The graph as text; the caller frees the string. NULL on ENOMEM. */
char *accel_graph_dump(const struct accel_graph *g);
int accel_graph_dump_file(const struct accel_graph *g, FILE *f);
int accel_graph_parse(const char *text, struct accel_graph **out, struct accel_ir_error *err);
/* A dim as text ("batch*4"), into @buf of @len bytes. */
void accel_dim_format(const struct accel_graph *g, struct accel_dim d, char *buf, size_t len);

/* ---- ONNX import (compiler/onnx_import.c) ---- */

int accel_onnx_import(const void *bytes, size_t len, struct accel_graph **out,
		      struct accel_ir_error *err);
int accel_onnx_import_file(const char *path, struct accel_graph **out,
			   struct accel_ir_error *err);

/* ---- passes (compiler/pass_*.c) ---- */

/* What the passes did, one line per change, in order. */
struct accel_report;
int accel_report_create(struct accel_report **out);
void accel_report_destroy(struct accel_report *r);
const char *accel_report_text(const struct accel_report *r);

int accel_pass_infer_shapes(struct accel_graph *g, struct accel_report *r,
			    struct accel_ir_error *err);
int accel_pass_fold_constants(struct accel_graph *g, struct accel_report *r,
			      struct accel_ir_error *err);
int accel_pass_dce(struct accel_graph *g, struct accel_report *r, struct accel_ir_error *err);
int accel_pass_cse(struct accel_graph *g, struct accel_report *r, struct accel_ir_error *err);
/*
 * BatchNormalization folded into the Conv before it (weights and bias
 * rescaled) where that Conv has no other reader; any other becomes a
 * per-channel Mul and Add of constants (compiler/pass_bnfold.c).
 */
int accel_pass_fold_batchnorm(struct accel_graph *g, struct accel_report *r,
			      struct accel_ir_error *err);
/* The standard pipeline: shapes, fold, DCE, CSE, DCE, shapes again. */
int accel_graph_optimize(struct accel_graph *g, struct accel_report *r,
			 struct accel_ir_error *err);

/* ---- reference interpreter (compiler/interp*.c) ---- */

/* A dense row-major tensor the interpreter reads or writes. */
struct accel_tensor {
	enum accel_dtype dtype;
	int rank;
	int64_t dims[ACCEL_IR_MAX_RANK];
	void *data;
};

/*
 * Run @g on @inputs (in the order of g->inputs). Symbols are bound from the
 * inputs' shapes; every other dim must then agree. Each output's data is
 * malloc'ed: free it with accel_tensor_release(). Every node's result is
 * checked against the shape inference gave it, when it gave one.
 */
int accel_interp_run(const struct accel_graph *g, const struct accel_tensor *inputs,
		     uint32_t ninputs, struct accel_tensor *outputs, uint32_t noutputs,
		     struct accel_ir_error *err);
void accel_tensor_release(struct accel_tensor *t);

#ifdef __cplusplus
}
#endif

#endif
