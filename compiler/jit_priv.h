/* SPDX-License-Identifier: MIT */
/*
 * jit_priv.h - what the JIT's files share: the source graph's signature
 * (what a call may ever pass) and the check of a call against it.
 */
#ifndef ACCEL_COMPILER_JIT_PRIV_H
#define ACCEL_COMPILER_JIT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <accel/jit.h>

/*
 * One dim of a source input: a constant the call must match, or the JIT
 * symbol @sym (an index into struct jit_sig's symbols) that the call binds.
 */
struct jit_dim {
	bool is_sym;
	uint32_t sym;
	int64_t val;
};

struct jit_io {
	char *name;
	enum accel_dtype dtype;
	int rank;
	struct jit_dim d[ACCEL_IR_MAX_RANK];
};

/*
 * The signature of a source graph. Its symbols are the bare-symbol input
 * dims, by name, in first-use order; a symbol is pinned (never specialized
 * to a value) when something other than an input dim names it, e.g. a
 * Reshape target carried as a DIMS attribute, which a specialization could
 * not rewrite.
 */
struct jit_sig {
	uint32_t nin, nout;
	struct jit_io *in, *out;
	uint32_t nsyms;
	char **sym_names;
	bool *sym_pinned;
};

/*
 * Read the signature of @g; @g is typed by shape inference first, so it is
 * modified (pass a copy). -EINVAL for an input of unknown rank or dtype,
 * -EOPNOTSUPP for an input dim that is an expression ("2*batch") rather
 * than a constant or a bare symbol.
 */
int jit_sig_build(struct accel_graph *g, struct jit_sig *s, struct accel_ir_error *err);
void jit_sig_fini(struct jit_sig *s);

/*
 * Check a call against @s and bind the symbols: @vals receives s->nsyms
 * values. -EINVAL with one line in @msg when the graph can never accept
 * the call. Allocates nothing.
 */
int jit_sig_check(const struct jit_sig *s, const struct accel_tensor *in, uint32_t nin,
		  int64_t *vals, char *msg, size_t msglen);

#endif
