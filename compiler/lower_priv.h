/* SPDX-License-Identifier: MIT */
/*
 * lower_priv.h - what the back end's files share: the kernel schedule made
 * by fusion, where each tensor lives, and the program builder the lowering
 * writes packets and patch records through.
 */
#ifndef ACCEL_COMPILER_LOWER_PRIV_H
#define ACCEL_COMPILER_LOWER_PRIV_H

#include <accel/program.h>

#include "ir_priv.h"

/* ---- pattern passes ---- */

/* Decomposed LayerNorm (ReduceMean/Sub/Pow/.../Div) -> LayerNormalization
 * (pass_layernorm.c); runs DCE when it found one. */
int pass_match_layernorm(struct accel_graph *g, struct accel_report *r, struct accel_ir_error *err);

/* Gemm(x, W, transB=1) with W a constant only it reads: W stored
 * transposed, transB cleared (pass_gemm_weights.c). */
int pass_pack_gemm_weights(struct accel_graph *g, struct accel_report *r,
			   struct accel_ir_error *err);

/* ---- fusion: the kernel schedule (fuse.c) ---- */

enum kernel_kind {
	KERNEL_OP = 1,	/* one node, maybe with a GEMM/CONV epilogue */
	KERNEL_FUSED,	/* elementwise nodes as one FUSED_ELEMENTWISE */
	KERNEL_VIEW,	/* Reshape & co: no packet, storage shared */
};

/* One kernel: what one packet (or a few, for data movement) computes. */
struct kernel {
	enum kernel_kind kind;
	struct accel_node *node;	/* OP/VIEW: the node; FUSED: the root */
	/* OP epilogue (Gemm, MatMul, Conv): bias constant and activation. */
	struct accel_value *bias;	/* f32 constant, N or OC elements, or NULL */
	uint32_t act;			/* enum vaccel_act */
	/* Range: a constant 0, 1, 2, ... table the output is copied from. */
	struct accel_value *table;
	struct accel_node **absorbed;	/* epilogue nodes, in order */
	uint32_t nabsorbed;
	/* FUSED: the members in topological order (root last). */
	struct accel_node **members;
	uint32_t nmembers;
	struct vaccel_fused_inst insts[VACCEL_FUSED_MAX_INSTS];
	uint32_t ninsts, out_reg;
	struct accel_value *fin[VACCEL_FUSED_MAX_INPUTS];	/* LOAD sources */
	uint32_t nfin;
	/* The values this kernel writes (node outputs for OP). */
	struct accel_value *const *outs;
	uint32_t nouts;
	uint32_t pos;			/* index of the node writing outs */
};

struct schedule {
	struct kernel *k;
	uint32_t n;
	uint32_t fused_nodes, epilogues;
};

int schedule_build(struct accel_graph *g, struct schedule *s, struct accel_report *r,
		   struct accel_ir_error *err);
void schedule_fini(struct schedule *s);
/* The FUSED register program for @members (root last), loading @fin.
 * -E2BIG past the ISA's limits, -EOPNOTSUPP for an op it cannot express. */
int fused_program(const struct accel_graph *g, struct kernel *k);
bool op_is_elementwise(const struct accel_node *n);

/* Elements in the index table of a Range whose length is symbolic: the
 * longest such range a program can produce. */
#define RANGE_TABLE_MAX 4096

/* ---- storage (memplan.c) ---- */

/*
 * A strided view of a tensor in one of the submit's buffers. Dims, strides
 * (in elements) and the element offset may be symbolic; an arena tensor's
 * byte offset is its slot's planned offset plus @off elements.
 */
struct operand {
	uint32_t buf;
	int32_t slot;		/* arena slot, or -1 */
	uint64_t base;		/* constant byte offset (weights), else 0 */
	struct accel_dim off;	/* elements past base / the slot's start */
	enum accel_dtype dtype;	/* as stored: BOOL is kept as F32 0/1 */
	int rank;
	struct accel_dim dims[ACCEL_IR_MAX_RANK];
	struct accel_dim strides[ACCEL_IR_MAX_RANK];
};

struct slot_info {
	uint32_t first, last;
	struct accel_dim bytes;
};

struct memplan {
	struct operand *where;		/* by value id; rank -1: not stored */
	uint32_t nids;
	struct slot_info *slots;
	uint32_t nslots;
	uint64_t weights_size;
	uint8_t *weights;		/* constants the packets read */
	uint32_t inplace, views;
	uint8_t *elided;		/* by kernel: a Transpose made a view */
	uint32_t transposes_elided;
};

int memplan_build(struct accel_graph *g, const struct schedule *s, struct memplan *m,
		  struct accel_report *r, struct accel_ir_error *err);
void memplan_fini(struct memplan *m);
enum accel_dtype stored_dtype(enum accel_dtype dt);

/* ---- program builder (progbuild.c) ---- */

struct progbuild {
	struct accel_graph *g;
	struct accel_program *p;
	uint32_t cap_insns, cap_exprs, cap_patches, cap_syms;
	int32_t *sym_of_atom;		/* atom id -> program symbol, -1 */
	uint32_t nsym_of_atom;
	void *cache;			/* dim expr -> program expr */
	struct accel_cmdbuf cb;		/* template being filled */
	uint32_t max_cmdbuf;
	/* Patches of the packet being built, packet-relative. */
	struct { uint32_t off, width, expr; } pend[64];
	uint32_t npend;
	int error;
};

int pb_init(struct progbuild *b, struct accel_graph *g, uint32_t max_cmdbuf);
int pb_finish(struct progbuild *b, struct accel_program **out);
void pb_fini(struct progbuild *b);
/* The expression index of a dim (cached), or of slot offset + base +
 * off * esize; -errno on failure (also sticky in b->error). */
int pb_expr_dim(struct progbuild *b, struct accel_dim d);
int pb_expr_offset(struct progbuild *b, int32_t slot, uint64_t base, struct accel_dim off,
		   uint64_t esize);
/* Fill @t, a member of packet @pkt, from @op (rank <= 4 already),
 * recording a patch for every field that is not a constant. */
void pb_tensor(struct progbuild *b, void *pkt, struct vaccel_tensor *t, const struct operand *op);
/* A __u32/__u64 field of packet @pkt that may be symbolic. */
void pb_field_u32(struct progbuild *b, void *pkt, uint32_t *field, struct accel_dim v);
void pb_field_u64(struct progbuild *b, void *pkt, void *field, struct accel_dim v);
/* Append the packet with its pending patches. */
int pb_append(struct progbuild *b, void *pkt, uint32_t size);

/* ---- lowering (lower.c, lower_ops.c, lower_layout.c) ---- */

struct lower {
	struct accel_graph *g;
	struct accel_symtab *t;
	const struct schedule *s;
	const struct memplan *m;
	struct progbuild *b;
	struct accel_ir_error *err;
};

int lower_kernel(struct lower *l, const struct kernel *k);
/* Data movement ops (lower.c): 1 when @n is not one. */
int lower_data_op(struct lower *l, const struct accel_node *n);
/* Compute ops with their epilogues (lower_ops.c). */
int lower_compute_op(struct lower *l, const struct kernel *k);
/* The stored operand of value @v. */
struct operand operand_of(const struct lower *l, const struct accel_value *v);
/* Dense strides for the operand's dims (row-major). */
int operand_dense(struct accel_symtab *t, struct operand *o);
/* Broadcast @in to @out's rank and dims (stride 0 where broadcast). */
int operand_broadcast(struct accel_symtab *t, struct operand *in, const struct operand *out);
/* Drop unit dims and merge dims contiguous in every one of @ops (all of
 * the same rank and dims), down to at most @maxrank; -E2BIG otherwise. */
int operands_coalesce(struct accel_symtab *t, struct operand *ops, int nops, int maxrank);
/* Merge dims [a, b) of one operand (must be contiguous): -EINVAL if not. */
int operand_merge(struct accel_symtab *t, struct operand *o, int a, int b);
uint32_t vaccel_dtype_of(enum accel_dtype dt);
/* Format "lower: node %out (Op): ..." into the error; returns -errnum. */
int lower_err(struct lower *l, const struct accel_node *n, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
