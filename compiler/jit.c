// SPDX-License-Identifier: MIT
/*
 * jit.c - the compiled-function object: guards, the specialization cache,
 * promotion of varying dims to symbols, counters.
 *
 * DOC: JIT policy
 *
 * The source graph is kept as it came (the ONNX bytes, or the text form of
 * a built graph) and copied afresh for every compilation, because the
 * passes rewrite the graph they are given. A call is first checked against
 * the source's signature (jit_sig.c): anything the graph can never accept
 * is refused there, compiling nothing. The check binds every symbol to a
 * value; a cached specialization accepts the call when each symbol it
 * fixed has that value (the dtype, rank, constant-dim and equal-symbol
 * guards are common to all and already held). Specializations are looked
 * at most recently used first; a hit moves to the front.
 *
 * On a miss the symbols whose value differs from the one they had on the
 * first call are promoted for good, and a specialization is compiled with
 * the promoted symbols (and pinned ones, and all with ACCEL_JIT_DYNAMIC)
 * left symbolic and every other symbol replaced by the call's value in the
 * graph's input dims. Because the lowering patches symbolic dims at launch,
 * a promoted symbol never causes another compilation: a sweep over batch
 * sizes compiles twice (exact, then symbolic batch), i.e. one
 * recompilation. When the cache is full the least recently used
 * specialization is destroyed after the new one compiled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ir_priv.h"
#include "jit_priv.h"

struct jit_entry {
	struct jit_entry *prev, *next;	/* LRU list, most recent first */
	bool *exact;			/* per JIT symbol: fixed to val[] */
	int64_t *val;
	struct accel_program *p;
	struct accel_runner *r;
	int64_t *symvals;		/* p->nsyms, for accel_jit_last_program() */
};

struct accel_jit_fn {
	struct accel_device *dev;
	struct accel_jit_options opts;
	/* The source: ONNX bytes, or the graph's text form. */
	void *onnx;
	size_t onnx_len;
	char *text;
	struct jit_sig sig;
	/* Promotion state, per JIT symbol. */
	bool seen;
	int64_t *first_val;
	bool *dynamic;
	int64_t *vals;			/* the current call's symbol values */
	/* The cache. */
	struct jit_entry *head, *tail;
	uint32_t nentries;
	struct jit_entry *last;
	struct accel_tensor *last_in;	/* shapes of the latest call */
	char *report;
	struct accel_jit_stats stats;
	char err[512];
};

static int fail(struct accel_jit_fn *fn, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct accel_jit_fn *fn, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fn->err, sizeof(fn->err), fmt, ap);
	va_end(ap);
	return ret;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void entry_destroy(struct jit_entry *e)
{
	if (!e)
		return;
	accel_runner_destroy(e->r);
	accel_program_destroy(e->p);
	free(e->exact);
	free(e->val);
	free(e->symvals);
	free(e);
}

static void lru_unlink(struct accel_jit_fn *fn, struct jit_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		fn->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		fn->tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push_front(struct accel_jit_fn *fn, struct jit_entry *e)
{
	e->prev = NULL;
	e->next = fn->head;
	if (fn->head)
		fn->head->prev = e;
	fn->head = e;
	if (!fn->tail)
		fn->tail = e;
}

static bool entry_accepts(const struct accel_jit_fn *fn, const struct jit_entry *e)
{
	uint32_t j;

	for (j = 0; j < fn->sig.nsyms; j++)
		if (e->exact[j] && e->val[j] != fn->vals[j])
			return false;
	return true;
}

static int check_options(const struct accel_jit_options *o, struct accel_ir_error *err)
{
	uint32_t i;

	if (!o)
		return 0;
	if (o->flags & ~ACCEL_JIT_FLAGS_MASK)
		return ir_error(err, EINVAL, "jit: unknown flags 0x%x",
				o->flags & ~ACCEL_JIT_FLAGS_MASK);
	for (i = 0; i < 4; i++)
		if (o->reserved[i])
			return ir_error(err, EINVAL, "jit: reserved options must be zero");
	return 0;
}

/* A fresh copy of the source graph, for a compilation or the signature. */
static int source_copy(const struct accel_jit_fn *fn, struct accel_graph **g,
		       struct accel_ir_error *err)
{
	if (fn->onnx)
		return accel_onnx_import(fn->onnx, fn->onnx_len, g, err);
	return accel_graph_parse(fn->text, g, err);
}

static int jit_finish_create(struct accel_jit_fn *fn, struct accel_ir_error *err)
{
	struct accel_graph *g;
	uint32_t j, n;
	int ret;

	ret = source_copy(fn, &g, err);
	if (ret)
		return ret;
	ret = jit_sig_build(g, &fn->sig, err);
	accel_graph_destroy(g);
	if (ret)
		return ret;
	n = fn->sig.nsyms + 1;
	fn->first_val = calloc(n, sizeof(*fn->first_val));
	fn->dynamic = calloc(n, sizeof(*fn->dynamic));
	fn->vals = calloc(n, sizeof(*fn->vals));
	fn->last_in = calloc(fn->sig.nin + 1, sizeof(*fn->last_in));
	if (!fn->first_val || !fn->dynamic || !fn->vals || !fn->last_in)
		return ir_error(err, ENOMEM, "jit: out of memory");
	for (j = 0; j < fn->sig.nsyms; j++)
		fn->dynamic[j] = fn->sig.sym_pinned[j] || (fn->opts.flags & ACCEL_JIT_DYNAMIC);
	return 0;
}

static int jit_alloc(struct accel_device *dev, const struct accel_jit_options *opts,
		     struct accel_jit_fn **out, struct accel_ir_error *err)
{
	struct accel_jit_fn *fn;
	int ret;

	*out = NULL;
	ret = check_options(opts, err);
	if (ret)
		return ret;
	if (!dev)
		return ir_error(err, EINVAL, "jit: no device");
	fn = calloc(1, sizeof(*fn));
	if (!fn)
		return ir_error(err, ENOMEM, "jit: out of memory");
	fn->dev = dev;
	if (opts)
		fn->opts = *opts;
	if (!fn->opts.cache_capacity)
		fn->opts.cache_capacity = ACCEL_JIT_DEFAULT_CACHE;
	*out = fn;
	return 0;
}

int accel_jit_create(const struct accel_graph *g, struct accel_device *dev,
		     const struct accel_jit_options *opts, struct accel_jit_fn **out,
		     struct accel_ir_error *err)
{
	struct accel_jit_fn *fn;
	int ret;

	ret = jit_alloc(dev, opts, &fn, err);
	if (ret)
		return ret;
	/* The text form is exact (hex floats), so parsing it is a true copy. */
	fn->text = accel_graph_dump(g);
	if (!fn->text)
		ret = ir_error(err, ENOMEM, "jit: out of memory");
	if (!ret)
		ret = jit_finish_create(fn, err);
	if (ret) {
		accel_jit_destroy(fn);
		return ret;
	}
	*out = fn;
	return 0;
}

int accel_jit_create_onnx(const char *path, struct accel_device *dev,
			  const struct accel_jit_options *opts, struct accel_jit_fn **out,
			  struct accel_ir_error *err)
{
	struct accel_jit_fn *fn;
	int ret;

	ret = jit_alloc(dev, opts, &fn, err);
	if (ret)
		return ret;
	ret = onnx_read_file(path, &fn->onnx, &fn->onnx_len, err);
	if (!ret)
		ret = jit_finish_create(fn, err);
	if (ret) {
		accel_jit_destroy(fn);
		return ret;
	}
	*out = fn;
	return 0;
}

void accel_jit_destroy(struct accel_jit_fn *fn)
{
	struct jit_entry *e, *next;

	if (!fn)
		return;
	for (e = fn->head; e; e = next) {
		next = e->next;
		entry_destroy(e);
	}
	jit_sig_fini(&fn->sig);
	free(fn->onnx);
	free(fn->text);
	free(fn->first_val);
	free(fn->dynamic);
	free(fn->vals);
	free(fn->last_in);
	free(fn->report);
	free(fn);
}

/* Promote every symbol whose value moved since the first call. */
static void promote(struct accel_jit_fn *fn)
{
	uint32_t j;

	if (!fn->seen) {
		memcpy(fn->first_val, fn->vals, fn->sig.nsyms * sizeof(*fn->vals));
		fn->seen = true;
		return;
	}
	for (j = 0; j < fn->sig.nsyms; j++)
		if (!fn->dynamic[j] && fn->vals[j] != fn->first_val[j]) {
			fn->dynamic[j] = true;
			fn->stats.promotions++;
		}
}

/* The specialization for the current symbol values and promotion state. */
static int compile_entry(struct accel_jit_fn *fn, struct jit_entry **out)
{
	struct accel_ir_error ierr = { "" };
	struct accel_report *rep = NULL;
	struct accel_graph *g = NULL;
	struct jit_entry *e;
	uint32_t i, j, n = fn->sig.nsyms + 1;
	int k, ret;

	*out = NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return fail(fn, -ENOMEM, "jit: out of memory");
	e->exact = calloc(n, sizeof(*e->exact));
	e->val = calloc(n, sizeof(*e->val));
	if (!e->exact || !e->val) {
		ret = fail(fn, -ENOMEM, "jit: out of memory");
		goto err;
	}
	for (j = 0; j < fn->sig.nsyms; j++) {
		e->exact[j] = !fn->dynamic[j];
		e->val[j] = fn->vals[j];
	}
	ret = source_copy(fn, &g, &ierr);
	if (ret) {
		ret = fail(fn, ret, "jit: %s", ierr.msg);
		goto err;
	}
	/* Specialize: a fixed symbol's input dims become its value. */
	for (i = 0; i < fn->sig.nin; i++)
		for (k = 0; k < fn->sig.in[i].rank; k++) {
			const struct jit_dim *d = &fn->sig.in[i].d[k];

			if (d->is_sym && e->exact[d->sym])
				g->inputs[i]->shape.dims[k] = accel_dim_const(e->val[d->sym]);
		}
	ret = accel_report_create(&rep);
	if (ret) {
		ret = fail(fn, ret, "jit: out of memory");
		goto err;
	}
	ret = accel_program_compile(g, &fn->opts.compile, rep, &e->p, &ierr);
	free(fn->report);
	fn->report = strdup(accel_report_text(rep));
	if (ret) {
		ret = fail(fn, ret, "jit: %s", ierr.msg);
		goto err;
	}
	ret = accel_runner_create(e->p, fn->dev, &e->r);
	if (ret) {
		ret = fail(fn, ret, "jit: cannot set the program up on %s: %s",
			   accel_device_name(fn->dev), strerror(-ret));
		goto err;
	}
	e->symvals = calloc(e->p->nsyms + 1, sizeof(*e->symvals));
	if (!e->symvals) {
		ret = fail(fn, -ENOMEM, "jit: out of memory");
		goto err;
	}
	accel_report_destroy(rep);
	accel_graph_destroy(g);
	*out = e;
	return 0;
err:
	accel_report_destroy(rep);
	accel_graph_destroy(g);
	entry_destroy(e);
	return ret;
}

static int miss(struct accel_jit_fn *fn, struct jit_entry **out)
{
	struct jit_entry *e;
	uint64_t t0, dt;
	int ret;

	fn->stats.misses++;
	promote(fn);
	fn->stats.compiles++;
	t0 = now_ns();
	ret = compile_entry(fn, &e);
	dt = now_ns() - t0;
	fn->stats.compile_ns_last = dt;
	fn->stats.compile_ns_total += dt;
	if (ret) {
		fn->stats.compile_failures++;
		return ret;
	}
	if (fn->nentries >= fn->opts.cache_capacity) {
		struct jit_entry *victim = fn->tail;

		lru_unlink(fn, victim);
		if (fn->last == victim)
			fn->last = NULL;
		entry_destroy(victim);
		fn->nentries--;
		fn->stats.evictions++;
	}
	lru_push_front(fn, e);
	fn->nentries++;
	*out = e;
	return 0;
}

int accel_jit_call(struct accel_jit_fn *fn, const struct accel_tensor *in, uint32_t nin,
		   struct accel_tensor *out, uint32_t nout)
{
	struct jit_entry *e;
	int ret;

	fn->stats.calls++;
	fn->err[0] = '\0';
	if (nout != fn->sig.nout) {
		fn->stats.rejects++;
		return fail(fn, -EINVAL, "%u outputs asked for, the graph has %u", nout,
			    fn->sig.nout);
	}
	ret = jit_sig_check(&fn->sig, in, nin, fn->vals, fn->err, sizeof(fn->err));
	if (ret) {
		fn->stats.rejects++;
		return ret;
	}
	for (e = fn->head; e; e = e->next)
		if (entry_accepts(fn, e))
			break;
	if (e) {
		fn->stats.hits++;
		if (e != fn->head) {
			lru_unlink(fn, e);
			lru_push_front(fn, e);
		}
	} else {
		ret = miss(fn, &e);
		if (ret)
			return ret;
	}
	ret = accel_runner_run(e->r, in, nin, out, nout);
	if (ret) {
		fn->stats.run_failures++;
		return fail(fn, ret, "jit: %s", accel_runner_error(e->r));
	}
	fn->last = e;
	memcpy(fn->last_in, in, nin * sizeof(*in));
	return 0;
}

const char *accel_jit_error(const struct accel_jit_fn *fn)
{
	return fn->err;
}

void accel_jit_stats(const struct accel_jit_fn *fn, struct accel_jit_stats *out)
{
	*out = fn->stats;
	out->entries = fn->nentries;
}

uint32_t accel_jit_num_inputs(const struct accel_jit_fn *fn)
{
	return fn->sig.nin;
}

uint32_t accel_jit_num_outputs(const struct accel_jit_fn *fn)
{
	return fn->sig.nout;
}

static void io_public(const struct jit_sig *s, const struct jit_io *io, struct accel_jit_io *out)
{
	int k;

	memset(out, 0, sizeof(*out));
	out->name = io->name;
	out->dtype = io->dtype;
	out->rank = io->rank;
	for (k = 0; k < io->rank; k++) {
		out->dims[k] = io->d[k].is_sym ? -1 : io->d[k].val;
		out->sym[k] = io->d[k].is_sym ? s->sym_names[io->d[k].sym] : NULL;
	}
}

int accel_jit_input(const struct accel_jit_fn *fn, uint32_t idx, struct accel_jit_io *out)
{
	if (idx >= fn->sig.nin)
		return -EINVAL;
	io_public(&fn->sig, &fn->sig.in[idx], out);
	return 0;
}

int accel_jit_output(const struct accel_jit_fn *fn, uint32_t idx, struct accel_jit_io *out)
{
	int k;

	if (idx >= fn->sig.nout)
		return -EINVAL;
	io_public(&fn->sig, &fn->sig.out[idx], out);
	for (k = 0; k < out->rank; k++)
		out->dims[k] = -1;
	return 0;
}

const char *accel_jit_report(const struct accel_jit_fn *fn)
{
	return fn->report ? fn->report : "";
}

const struct accel_program *accel_jit_last_program(struct accel_jit_fn *fn,
						   const int64_t **symvals)
{
	struct jit_entry *e = fn->last;

	if (symvals)
		*symvals = NULL;
	if (!e)
		return NULL;
	if (symvals && !accel_program_bind(e->p, fn->last_in, e->p->ninputs, e->symvals, NULL, 0))
		*symvals = e->symvals;
	return e->p;
}
