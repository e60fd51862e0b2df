/* SPDX-License-Identifier: MIT */
/*
 * accel/jit.h - the just-in-time compiler: a compiled-function object that
 * compiles a graph on its first call, guards every later call on the input
 * signature, caches the specializations it made and promotes a dimension
 * that varies to a symbol, so a sweep over batch sizes costs at most one
 * recompilation.
 *
 * Policy (Documentation/compiler.rst, "The JIT"):
 *
 * - The source graph fixes what can ever be accepted: the number of
 *   inputs, each input's dtype and rank, its constant dims, and which dims
 *   are symbols (ONNX dim_param names such as "batch"). Two dims naming the
 *   same symbol must be equal. A call that breaks any of this is refused
 *   with -EINVAL and a message, and compiles nothing.
 * - The first call specializes on the exact values of the symbols (every
 *   dim becomes a constant), unless ACCEL_JIT_DYNAMIC asks for the
 *   declared symbols to stay symbolic from the start.
 * - A call that no cached specialization's guards accept (a miss) compiles
 *   a new one in which every symbol whose value has ever differed from its
 *   first value is symbolic (promoted, for good) and every other symbol is
 *   the call's exact value.
 * - Specializations live in a cache of bounded size, least recently used
 *   evicted first; each holds a program and a runner (its own copy of the
 *   weights on the device).
 *
 * One function object must not be called from two threads at once.
 * Functions return 0 or a negative errno; accel_jit_error() then says why.
 */
#ifndef ACCEL_JIT_H
#define ACCEL_JIT_H

#include <stdint.h>

#include <accel/accel.h>
#include <accel/ir.h>
#include <accel/program.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * ACCEL_JIT_DYNAMIC - compile the first specialization with every declared
 * symbol symbolic (as an AOT compile does) instead of on exact values: no
 * recompilation at all when shapes vary, at the price of programs that
 * know no dim the graph left symbolic.
 */
#define ACCEL_JIT_DYNAMIC (1u << 0)

/** ACCEL_JIT_FLAGS_MASK - every flag accel_jit_create() knows. */
#define ACCEL_JIT_FLAGS_MASK ACCEL_JIT_DYNAMIC

/** ACCEL_JIT_DEFAULT_CACHE - specializations kept when the options say 0. */
#define ACCEL_JIT_DEFAULT_CACHE 8

/** ACCEL_JIT_MAX_DIM - the largest value a symbol may take (ISA fields are
 * 32-bit). */
#define ACCEL_JIT_MAX_DIM INT32_MAX

/**
 * struct accel_jit_options - how a function compiles and caches.
 * @cache_capacity: specializations kept at once; 0 means
 *	ACCEL_JIT_DEFAULT_CACHE.
 * @flags: ACCEL_JIT_* flags.
 * @compile: passed to accel_program_compile() for every specialization.
 * @reserved: zero.
 */
struct accel_jit_options {
	uint32_t cache_capacity;
	uint32_t flags;
	struct accel_compile_options compile;
	uint64_t reserved[4];
};

/**
 * struct accel_jit_stats - counters of a function, exact.
 * @calls: accel_jit_call() invocations.
 * @hits: calls served by a cached specialization without compiling.
 * @misses: calls whose signature was acceptable but that no cached
 *	specialization's guards accepted (each one compiles).
 * @rejects: calls refused without compiling (a signature the graph can
 *	never accept, or wrong arguments).
 * @compiles: compilations started, one per miss.
 * @compile_failures: compilations that failed (the call then fails).
 * @promotions: symbols promoted from exact values to symbolic dims.
 * @evictions: specializations dropped to make room.
 * @entries: specializations cached now.
 * @run_failures: calls that found their specialization but whose run
 *	failed on the device.
 * @compile_ns_total: wall time spent compiling, over all compilations
 *	(graph copy, passes, lowering, runner creation and weight upload).
 * @compile_ns_last: the same for the latest compilation.
 * @reserved: zero.
 *
 * calls == hits + misses + rejects always holds.
 */
struct accel_jit_stats {
	uint64_t calls;
	uint64_t hits;
	uint64_t misses;
	uint64_t rejects;
	uint64_t compiles;
	uint64_t compile_failures;
	uint64_t promotions;
	uint64_t evictions;
	uint64_t entries;
	uint64_t run_failures;
	uint64_t compile_ns_total;
	uint64_t compile_ns_last;
	uint64_t reserved[4];
};

/**
 * struct accel_jit_io - one input or output of the source graph.
 * @name: the graph value's name (owned by the function).
 * @dtype: enum accel_dtype.
 * @rank: number of dims.
 * @dims: each dim's constant value, or -1 when it is symbolic.
 * @sym: for a dim that is a bare symbol, its name (owned by the function);
 *	NULL for a constant or a derived dim (an expression such as
 *	"2*batch", checked when the program binds its symbols).
 */
struct accel_jit_io {
	const char *name;
	enum accel_dtype dtype;
	int rank;
	int64_t dims[ACCEL_IR_MAX_RANK];
	const char *sym[ACCEL_IR_MAX_RANK];
};

/**
 * struct accel_jit_fn - a compiled-function object. Opaque.
 */
struct accel_jit_fn;

/**
 * accel_jit_create() - make a function from a graph.
 * @g: the source graph, as built or imported (not yet optimized is best);
 *	it is copied, the caller keeps it.
 * @dev: the device every specialization runs on; it must outlive the
 *	function.
 * @opts: options, or NULL for the defaults.
 * @out: the function, freed with accel_jit_destroy().
 * @err: why it failed, or NULL.
 *
 * Compiles nothing. -EINVAL when an input has an unknown rank or dtype, or
 * the options carry unknown flags or nonzero reserved fields.
 */
int accel_jit_create(const struct accel_graph *g, struct accel_device *dev,
		     const struct accel_jit_options *opts, struct accel_jit_fn **out,
		     struct accel_ir_error *err);

/**
 * accel_jit_create_onnx() - make a function from an ONNX file.
 * @path: the model; read once, re-imported for every compilation.
 * @dev: as for accel_jit_create().
 * @opts: as for accel_jit_create().
 * @out: the function.
 * @err: why it failed (an import error names the node and op), or NULL.
 */
int accel_jit_create_onnx(const char *path, struct accel_device *dev,
			  const struct accel_jit_options *opts, struct accel_jit_fn **out,
			  struct accel_ir_error *err);

/**
 * accel_jit_destroy() - free the function, its specializations and their
 * device buffers. NULL is allowed.
 */
void accel_jit_destroy(struct accel_jit_fn *fn);

/**
 * accel_jit_call() - run the function on host tensors, compiling first when
 * no cached specialization accepts their signature.
 * @fn: the function.
 * @in: the inputs, in the order of the graph's inputs, dense row-major.
 * @nin: number of inputs; must be accel_jit_num_inputs().
 * @out: receives each output's dtype, rank, dims and data; the data
 *	belongs to the function and stays valid until the next call or
 *	accel_jit_destroy() (do not free it).
 * @nout: number of outputs; must be accel_jit_num_outputs().
 *
 * -EINVAL (a reject) for a signature the graph can never accept: another
 * number of inputs or outputs, a missing data pointer, another dtype or
 * rank, another value for a constant dim, two values for one symbol, a dim
 * outside 1 .. ACCEL_JIT_MAX_DIM. A compilation error is returned as it
 * came (e.g. -EOPNOTSUPP naming the node). On a hit the function itself
 * allocates nothing; see accel_runner_run() for the run.
 */
int accel_jit_call(struct accel_jit_fn *fn, const struct accel_tensor *in, uint32_t nin,
		   struct accel_tensor *out, uint32_t nout);

/**
 * accel_jit_error() - one line on the last failure of @fn ("" if none).
 */
const char *accel_jit_error(const struct accel_jit_fn *fn);

/**
 * accel_jit_stats() - copy the counters of @fn into @out.
 */
void accel_jit_stats(const struct accel_jit_fn *fn, struct accel_jit_stats *out);

/** accel_jit_num_inputs() - number of inputs of the source graph. */
uint32_t accel_jit_num_inputs(const struct accel_jit_fn *fn);

/** accel_jit_num_outputs() - number of outputs of the source graph. */
uint32_t accel_jit_num_outputs(const struct accel_jit_fn *fn);

/**
 * accel_jit_input() - the signature of input @idx as the source graph
 * declares it. -EINVAL when @idx is out of range.
 */
int accel_jit_input(const struct accel_jit_fn *fn, uint32_t idx, struct accel_jit_io *out);

/**
 * accel_jit_output() - name, dtype and rank of output @idx (its dims are
 * known per call: -1 in @out->dims). -EINVAL when @idx is out of range.
 */
int accel_jit_output(const struct accel_jit_fn *fn, uint32_t idx, struct accel_jit_io *out);

/**
 * accel_jit_report() - the compile report of the latest compilation
 * (one line per pass and change), or "" before the first.
 */
const char *accel_jit_report(const struct accel_jit_fn *fn);

/**
 * accel_jit_last_program() - the program of the specialization that served
 * the latest successful call, and the symbol values it ran with (for
 * accel_program_memory()); NULL before any. Valid until the next call.
 * @fn: the function.
 * @symvals: receives a pointer to the program's p->nsyms symbol values, or
 *	NULL.
 */
const struct accel_program *accel_jit_last_program(struct accel_jit_fn *fn,
						   const int64_t **symvals);

#ifdef __cplusplus
}
#endif

#endif /* ACCEL_JIT_H */
