/* SPDX-License-Identifier: MIT */
/*
 * accel/program.h - a compiled program: command-buffer templates with
 * symbolic patch records, the arena plan and the I/O signature, plus the
 * compiler entry point that makes one from a graph and the runner that
 * executes one on a libaccel device.
 *
 * A program is plain data: a handful of flat arrays with no pointers into
 * each other (references are indices), so it can be written to a file and
 * read back as it is (the AOT artifact) and run by code that does not link
 * the compiler. Three parts:
 *
 * - Symbols and expressions. Symbolic dims ("batch", "seq") become program
 *   symbols, bound at launch from the input shapes. Every shape-dependent
 *   number (a dim, a stride, a byte offset, a buffer size) is an expression:
 *   a short stack program over integer constants, symbol values and the
 *   arena offsets the planner picked (struct accel_pexpr_insn).
 *
 * - Templates and patches. The command buffers are built once with every
 *   constant field filled in; each field that depends on symbols or on the
 *   arena plan has a patch record (template, byte offset, width, expression).
 *   A launch evaluates the expressions and writes them into a copy of the
 *   templates, so a new batch size or sequence length runs without
 *   recompiling.
 *
 * - Memory. Submit buffer 0 holds the weights (constant data, uploaded
 *   once), buffer 1 the arena (every intermediate tensor), buffers 2 ..
 *   2+ninputs-1 the inputs and the next noutputs buffers the outputs, each
 *   dense row-major at offset 0. Intermediates are grouped into arena slots
 *   (one slot per tensor, or per chain of tensors computed in place); a slot
 *   lives over an inclusive interval of steps and its size is an expression.
 *   Offsets are planned when the symbol values are known, at launch (and
 *   again only when they change): greedy by size with best fit among the
 *   slots whose intervals overlap (accel_arena_plan()). The arena size is
 *   therefore a function of the symbols: accel_program_memory() computes it,
 *   with the unplanned sum of the slots (an upper bound, printed as a
 *   formula in the compile report) and the lower bound (the largest set of
 *   slots live at one step).
 *
 * Functions return 0 or a negative errno. Documentation/compiler.rst
 * ("Program format and launch") describes the whole.
 */
#ifndef ACCEL_PROGRAM_H
#define ACCEL_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

#include <accel/accel.h>
#include <accel/ir.h>

#ifdef __cplusplus
extern "C" {
#endif

/** ACCEL_PROGRAM_VERSION - bumped whenever the meaning of a field changes. */
#define ACCEL_PROGRAM_VERSION 1

/** ACCEL_PROGRAM_BUF_WEIGHTS - submit buffer index of the weights. */
#define ACCEL_PROGRAM_BUF_WEIGHTS 0
/** ACCEL_PROGRAM_BUF_ARENA - submit buffer index of the arena. */
#define ACCEL_PROGRAM_BUF_ARENA 1
/** ACCEL_PROGRAM_BUF_IO - submit buffer index of the first input. */
#define ACCEL_PROGRAM_BUF_IO 2

/** ACCEL_ARENA_ALIGN - every arena slot starts at a multiple of this. */
#define ACCEL_ARENA_ALIGN 64

/**
 * enum accel_pexpr_op - instructions of an expression's stack program.
 * @ACCEL_PX_CONST: push @arg.
 * @ACCEL_PX_SYM: push the value of program symbol @arg.
 * @ACCEL_PX_SLOT: push the planned byte offset of arena slot @arg.
 * @ACCEL_PX_ADD: pop b, pop a, push a + b.
 * @ACCEL_PX_SUB: pop b, pop a, push a - b.
 * @ACCEL_PX_MUL: pop b, pop a, push a * b.
 * @ACCEL_PX_DIV: pop b, pop a, push floor(a / b); b must not be 0.
 *
 * Evaluation fails with -EOVERFLOW when a step overflows 64 bits, -EDOM on
 * a division by zero, -EINVAL when the program is malformed (stack
 * underflow, more than ACCEL_PEXPR_MAX_STACK deep, not exactly one value
 * left, an unknown op or index).
 */
enum accel_pexpr_op {
	ACCEL_PX_CONST = 1,
	ACCEL_PX_SYM = 2,
	ACCEL_PX_SLOT = 3,
	ACCEL_PX_ADD = 4,
	ACCEL_PX_SUB = 5,
	ACCEL_PX_MUL = 6,
	ACCEL_PX_DIV = 7,
};

/** ACCEL_PEXPR_MAX_STACK - deepest stack an expression may use. */
#define ACCEL_PEXPR_MAX_STACK 32

/**
 * struct accel_pexpr_insn - one instruction, 16 bytes.
 * @op: one of enum accel_pexpr_op.
 * @pad: zero.
 * @arg: constant, symbol index or slot index, per @op; zero otherwise.
 */
struct accel_pexpr_insn {
	uint32_t op;
	uint32_t pad;
	int64_t arg;
};

/**
 * struct accel_pexpr - one expression: @count instructions of the program's
 * @insns array starting at @first.
 * @first: index of the first instruction.
 * @count: number of instructions, >= 1.
 */
struct accel_pexpr {
	uint32_t first;
	uint32_t count;
};

/**
 * struct accel_program_patch - one shape-dependent field of a template.
 * @tmpl: index of the template.
 * @offset: byte offset of the field in the template (little endian).
 * @width: 4 (__u32 field: the value must fit 0 .. UINT32_MAX) or 8 (__u64:
 *	the value must not be negative).
 * @expr: index of the expression whose value is written there.
 */
struct accel_program_patch {
	uint32_t tmpl;
	uint32_t offset;
	uint32_t width;
	uint32_t expr;
};

/**
 * struct accel_program_template - one command buffer (<drm/vaccel_isa.h>)
 * with placeholder values where its patches go.
 * @size: bytes in @data.
 * @pad: zero.
 * @data: the command buffer, header first.
 */
struct accel_program_template {
	uint32_t size;
	uint32_t pad;
	uint8_t *data;
};

/**
 * struct accel_program_slot - storage for intermediates in the arena.
 * @first: first step (template packet group) that writes it.
 * @last: last step that reads it (inclusive); two slots whose [first, last]
 *	intervals intersect must not overlap in memory.
 * @size_expr: expression giving its size in bytes (rounded up to
 *	ACCEL_ARENA_ALIGN by the planner).
 * @pad: zero.
 */
struct accel_program_slot {
	uint32_t first;
	uint32_t last;
	uint32_t size_expr;
	uint32_t pad;
};

/**
 * struct accel_program_io - an input or output of the program.
 * @name: the graph value's name (NUL-terminated, owned by the program).
 * @dtype: enum accel_dtype of its elements, as the caller gives or gets
 *	them on the host. ACCEL_DT_BOOL (one byte per element, 0 false, any
 *	other value true) is held on the device as f32 0.0/1.0, the form
 *	every packet reads: see accel_program_device_dtype().
 * @rank: 0 .. ACCEL_IR_MAX_RANK.
 * @dims: expression index of each dim (the first @rank entries).
 * @bind_sym: for inputs, the symbol dim k binds when it is a bare symbol
 *	("batch"), or -1; unused (-1) for outputs.
 */
struct accel_program_io {
	char *name;
	uint32_t dtype;
	uint32_t rank;
	uint32_t dims[ACCEL_IR_MAX_RANK];
	int32_t bind_sym[ACCEL_IR_MAX_RANK];
};

/**
 * struct accel_program - a compiled program (see the top of this file).
 * @version: ACCEL_PROGRAM_VERSION.
 * @nsyms: number of symbols.
 * @sym_names: their names, in index order.
 * @ninputs: number of inputs; submit buffers ACCEL_PROGRAM_BUF_IO + i.
 * @inputs: their signature.
 * @noutputs: number of outputs; submit buffers after the inputs.
 * @outputs: their signature.
 * @ninsns: entries in @insns.
 * @insns: the instructions of every expression.
 * @nexprs: entries in @exprs.
 * @exprs: the expressions.
 * @ntemplates: number of command buffers, submitted in order.
 * @templates: the command buffers.
 * @npatches: entries in @patches.
 * @patches: the shape-dependent fields, applied in order.
 * @nslots: number of arena slots.
 * @slots: the arena slots.
 * @nsteps: number of steps (slot intervals lie in 0 .. nsteps-1).
 * @weights_size: bytes of @weights (buffer 0).
 * @weights: the constant data the command buffers read.
 * @npackets: packets over all templates, for reports.
 * @reserved: zero.
 */
struct accel_program {
	uint32_t version;
	uint32_t nsyms;
	char **sym_names;
	uint32_t ninputs;
	uint32_t noutputs;
	struct accel_program_io *inputs;
	struct accel_program_io *outputs;
	uint32_t ninsns;
	uint32_t nexprs;
	struct accel_pexpr_insn *insns;
	struct accel_pexpr *exprs;
	uint32_t ntemplates;
	uint32_t npatches;
	struct accel_program_template *templates;
	struct accel_program_patch *patches;
	uint32_t nslots;
	uint32_t nsteps;
	struct accel_program_slot *slots;
	uint64_t weights_size;
	void *weights;
	uint32_t npackets;
	uint32_t reserved32;
	uint64_t reserved[4];
};

/**
 * accel_program_device_dtype() - the dtype an input or output of dtype @dt
 * has in its device buffer. The ISA has no bool type and computes in f32
 * only, so a bool input or output lives on the
 * device as f32 0.0/1.0: accel_runner_run() converts bool host data into
 * the mapped input buffer on upload and the output buffer back to bytes
 * 0/1 after the run, in place, allocating nothing. With
 * accel_runner_launch() the caller's buffers hold the device form.
 */
static inline enum accel_dtype accel_program_device_dtype(uint32_t dt)
{
	return dt == ACCEL_DT_BOOL ? ACCEL_DT_F32 : (enum accel_dtype)dt;
}

/* ---- compiling (compiler/compile.c; links the compiler) ---------------- */

/**
 * struct accel_compile_options - how to compile.
 * @max_cmdbuf_bytes: split the program into several command buffers no
 *	larger than this; 0 means 256 KiB (below every device's limit).
 * @flags: zero.
 * @reserved: zero.
 */
struct accel_compile_options {
	uint32_t max_cmdbuf_bytes;
	uint32_t flags;
	uint64_t reserved[4];
};

/**
 * accel_program_compile() - optimize @g in place (the standard pipeline,
 * BatchNorm folding, fusion) and lower it to a program.
 * @g: the graph; it is modified (passes run on it) but stays valid.
 * @opts: options, or NULL for the defaults.
 * @r: a report to append to (one line per pass and change), or NULL.
 * @out: the program, freed with accel_program_destroy().
 * @err: why it failed, naming the node and op, or NULL.
 *
 * Every op of include/accel/ir.h lowers; -EOPNOTSUPP names the node when a
 * particular use has no ISA 1.1 encoding (e.g. integer arithmetic at run
 * time; Casts between f32, i32, i64 and bool do lower).
 */
int accel_program_compile(struct accel_graph *g, const struct accel_compile_options *opts,
			  struct accel_report *r, struct accel_program **out,
			  struct accel_ir_error *err);

/* ---- running programs (compiler/program_*.c, runner.c; no compiler) ---- */

/** accel_program_destroy() - free a program and every array it owns. */
void accel_program_destroy(struct accel_program *p);

/**
 * accel_program_check() - check that @p is internally consistent: every
 * index in range, every expression well formed, every patch inside its
 * template. A loader calls it on untrusted data before anything else.
 * @msg: receives one line saying what is wrong (may be NULL).
 * @msglen: size of @msg.
 */
int accel_program_check(const struct accel_program *p, char *msg, size_t msglen);

/**
 * accel_program_bind() - symbol values from input shapes.
 * @p: the program.
 * @in: the inputs, in the order of p->inputs; only dtype, rank and dims are
 *	read.
 * @nin: must be p->ninputs.
 * @symvals: receives p->nsyms values.
 * @msg: receives one line saying which input and dim disagree (may be NULL).
 * @msglen: size of @msg.
 *
 * Bare-symbol dims bind their symbol; every dim is then evaluated and must
 * equal the given one; every dim must be >= 1. -EINVAL otherwise.
 */
int accel_program_bind(const struct accel_program *p, const struct accel_tensor *in,
		       uint32_t nin, int64_t *symvals, char *msg, size_t msglen);

/**
 * accel_program_eval() - evaluate expression @expr.
 * @slot_offsets: planned slot offsets (p->nslots), or NULL when the
 *	expression reads none (an ACCEL_PX_SLOT then fails with -EINVAL).
 */
int accel_program_eval(const struct accel_program *p, uint32_t expr, const int64_t *symvals,
		       const uint64_t *slot_offsets, int64_t *out);

/**
 * accel_arena_plan() - place @n intervals in one arena.
 * @first: first step of each interval.
 * @last: last step of each interval (inclusive).
 * @size: bytes of each (0 is allowed and takes no room).
 * @n: number of intervals.
 * @align: alignment of every offset, a power of two.
 * @order: scratch, @n entries.
 * @offsets: receives the offset of each.
 * @arena: receives the arena size (0 when every size is 0).
 *
 * Greedy by size: largest first (ties: earlier first), each placed in the
 * smallest gap between already placed intervals whose lifetimes intersect
 * its own, or after the last of them. Allocates nothing. -EOVERFLOW when a
 * size or offset does not fit 64 bits.
 */
int accel_arena_plan(const uint32_t *first, const uint32_t *last, const uint64_t *size,
		     uint32_t n, uint64_t align, uint32_t *order, uint64_t *offsets,
		     uint64_t *arena);

/**
 * struct accel_program_memory - memory a program needs for given symbols.
 * @arena_bytes: the planned arena (buffer 1).
 * @unplanned_bytes: the sum of every slot (no reuse at all).
 * @lower_bound_bytes: the largest sum of slots live at one step: no plan
 *	can use less.
 * @weights_bytes: buffer 0.
 * @io_bytes: the inputs and outputs together, in their device form (a bool
 *	as f32: accel_program_device_dtype()).
 * @reserved: zero.
 */
struct accel_program_memory {
	uint64_t arena_bytes;
	uint64_t unplanned_bytes;
	uint64_t lower_bound_bytes;
	uint64_t weights_bytes;
	uint64_t io_bytes;
	uint64_t reserved[3];
};

/**
 * accel_program_memory() - plan the arena for @symvals (p->nsyms values) and
 * say what the program needs. Allocates scratch memory (not for hot paths).
 */
int accel_program_memory(const struct accel_program *p, const int64_t *symvals,
			 struct accel_program_memory *out);

/**
 * accel_program_patch() - write every patch of @p into @dst.
 * @dst: p->ntemplates buffers, each a copy of its template (same size).
 * @symvals: the symbol values.
 * @slot_offsets: the planned slot offsets.
 * @msg: receives the failing patch and reason (may be NULL).
 * @msglen: size of @msg.
 *
 * -ERANGE when a value does not fit its field. Allocates nothing.
 */
int accel_program_patch(const struct accel_program *p, uint8_t *const *dst,
			const int64_t *symvals, const uint64_t *slot_offsets, char *msg,
			size_t msglen);

/**
 * struct accel_runner - a program made ready on one device: weights
 * uploaded, a context and queue created, patched command buffers, the arena
 * and I/O buffers sized for the last symbol values. Opaque. A runner serves
 * one launch at a time: threads that share one must serialize their calls
 * (or each create their own; the program can be shared read-only).
 */
struct accel_runner;

/**
 * accel_runner_create() - upload the weights of @p to @dev and get ready.
 * @p: the program; it must outlive the runner.
 * @dev: an open device (accel_device_open(NULL, ...) gives the default).
 * @out: the runner.
 *
 * Every allocation whose size does not depend on symbols happens here.
 */
int accel_runner_create(const struct accel_program *p, struct accel_device *dev,
			struct accel_runner **out);
/** accel_runner_destroy() - free the runner (not the program or device). */
void accel_runner_destroy(struct accel_runner *r);

/**
 * accel_runner_run() - run once on host tensors and wait for the result.
 * @r: the runner.
 * @in: inputs in the order of p->inputs, dense row-major host data (a bool
 *	input one byte per element; it is converted to f32 0/1 while being
 *	copied into the device buffer).
 * @nin: p->ninputs.
 * @out: receives each output's dtype, rank, dims and data; data points into
 *	the runner's mapped output buffer and stays valid until the next run
 *	or accel_runner_destroy() (do not free it). A bool output is given
 *	as bytes 0/1, converted in place in that buffer.
 * @nout: p->noutputs.
 *
 * Binds the symbols; when they differ from the previous run, plans the
 * arena, grows the arena and I/O buffers if needed and patches the
 * templates. Then copies the inputs in, submits every command buffer and
 * waits. With unchanged symbols nothing is allocated.
 */
int accel_runner_run(struct accel_runner *r, const struct accel_tensor *in, uint32_t nin,
		     struct accel_tensor *out, uint32_t nout);

/**
 * accel_runner_launch() - submit with caller-owned device buffers and wait.
 * @r: the runner.
 * @in: input shapes (only dtype, rank and dims are read), as for
 *	accel_program_bind().
 * @in_bufs: one device buffer per input, holding it dense at offset 0 in
 *	its device dtype (accel_program_device_dtype(): a bool input as f32
 *	0.0/1.0).
 * @out_bufs: one device buffer per output, large enough for it
 *	(accel_runner_output_shape() says its shape; a bool output is
 *	written as f32 0.0/1.0); -ENOSPC otherwise.
 *
 * The zero-copy form of accel_runner_run(); same symbol handling.
 */
int accel_runner_launch(struct accel_runner *r, const struct accel_tensor *in,
			struct accel_buffer *const *in_bufs,
			struct accel_buffer *const *out_bufs);

/**
 * accel_runner_output_shape() - shape of output @idx under the symbols of
 * @in (dtype, rank and dims filled, data set to NULL).
 */
int accel_runner_output_shape(struct accel_runner *r, const struct accel_tensor *in,
			      uint32_t idx, struct accel_tensor *shape);

/** accel_runner_error() - one line on the last failure of this runner. */
const char *accel_runner_error(const struct accel_runner *r);

/**
 * struct accel_runner_stats - counters of a runner.
 * @runs: launches that completed.
 * @repatches: launches that found new symbol values (plan + patch).
 * @buffer_allocs: device buffers allocated after accel_runner_create().
 * @arena_bytes: current arena buffer size.
 * @reserved: zero.
 */
struct accel_runner_stats {
	uint64_t runs;
	uint64_t repatches;
	uint64_t buffer_allocs;
	uint64_t arena_bytes;
	uint64_t reserved[4];
};

void accel_runner_stats(const struct accel_runner *r, struct accel_runner_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* ACCEL_PROGRAM_H */
