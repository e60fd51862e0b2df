// SPDX-License-Identifier: MIT
/*
 * runner.c - run a compiled program on a libaccel device.
 *
 * accel_runner_create() does every allocation whose size is fixed: the
 * context and queue, the weights buffer (uploaded once), the patched copies
 * of the templates and the planner's scratch. A launch binds the symbols
 * from the input shapes; only when they differ from the previous launch
 * does it plan the arena, grow the arena and I/O buffers (never shrink: a
 * sweep over batch sizes settles on the largest) and re-patch the copies.
 * Then it submits the command buffers in order on one queue, each waiting
 * for the one before, and waits for the last. At unchanged shapes a launch
 * allocates nothing.
 *
 * Bool inputs and outputs live on the device as f32 0.0/1.0 (the ISA has
 * no bool type and computes in f32 only): accel_runner_run()
 * converts a bool input while copying it into the mapped input buffer,
 * which is the staging area, and a bool output back to bytes in place in
 * its mapped output buffer after the run. Neither allocates.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <accel/program.h>

struct accel_runner {
	const struct accel_program *p;
	struct accel_device *dev;
	struct accel_context *ctx;
	struct accel_queue *q;
	struct accel_buffer *weights;
	struct accel_buffer *arena;
	uint64_t arena_cap;
	/* Buffers of accel_runner_run(): one per input then output. */
	struct accel_buffer **own;
	uint64_t *own_cap;
	void **own_map;
	uint64_t *io_bytes;		/* per input then output, current symbols */
	struct accel_buffer **submit_bufs;
	uint8_t **cmd;			/* patched copies of the templates */
	int64_t *symvals, *cur_syms;
	bool planned;
	uint32_t *first, *last, *order;
	uint64_t *sizes, *offsets;
	struct accel_runner_stats stats;
	char err[256];
};

static int fail(struct accel_runner *r, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct accel_runner *r, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return ret;
}

const char *accel_runner_error(const struct accel_runner *r)
{
	return r->err;
}

void accel_runner_stats(const struct accel_runner *r, struct accel_runner_stats *out)
{
	*out = r->stats;
}

void accel_runner_destroy(struct accel_runner *r)
{
	uint32_t i, nio;

	if (!r)
		return;
	nio = r->p->ninputs + r->p->noutputs;
	/* The context first: it waits for jobs still using the buffers. */
	if (r->ctx)
		accel_context_destroy(r->ctx);
	for (i = 0; r->own && i < nio; i++)
		if (r->own[i])
			accel_buffer_free(r->own[i]);
	if (r->arena)
		accel_buffer_free(r->arena);
	if (r->weights)
		accel_buffer_free(r->weights);
	for (i = 0; r->cmd && i < r->p->ntemplates; i++)
		free(r->cmd[i]);
	free(r->cmd);
	free(r->own);
	free(r->own_cap);
	free(r->own_map);
	free(r->io_bytes);
	free(r->submit_bufs);
	free(r->symvals);
	free(r->cur_syms);
	free(r->first);
	free(r->last);
	free(r->order);
	free(r->sizes);
	free(r->offsets);
	free(r);
}

int accel_runner_create(const struct accel_program *p, struct accel_device *dev,
			struct accel_runner **out)
{
	struct accel_context_desc cd = { .priority = 0, .num_queues = 1 };
	struct accel_runner *r;
	uint32_t i, nio = p->ninputs + p->noutputs, ns = p->nslots + 1;
	void *map;
	int ret;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->p = p;
	r->dev = dev;
	ret = accel_program_check(p, r->err, sizeof(r->err));
	if (ret) {
		fprintf(stderr, "accel_runner_create: %s\n", r->err);
		free(r);
		return ret;
	}
	r->own = calloc(nio + 1, sizeof(*r->own));
	r->own_cap = calloc(nio + 1, sizeof(*r->own_cap));
	r->own_map = calloc(nio + 1, sizeof(*r->own_map));
	r->io_bytes = calloc(nio + 1, sizeof(*r->io_bytes));
	r->submit_bufs = calloc(nio + ACCEL_PROGRAM_BUF_IO, sizeof(*r->submit_bufs));
	r->cmd = calloc(p->ntemplates + 1, sizeof(*r->cmd));
	r->symvals = calloc(p->nsyms + 1, sizeof(*r->symvals));
	r->cur_syms = calloc(p->nsyms + 1, sizeof(*r->cur_syms));
	r->first = calloc(ns, sizeof(*r->first));
	r->last = calloc(ns, sizeof(*r->last));
	r->order = calloc(ns, sizeof(*r->order));
	r->sizes = calloc(ns, sizeof(*r->sizes));
	r->offsets = calloc(ns, sizeof(*r->offsets));
	ret = -ENOMEM;
	if (!r->own || !r->own_cap || !r->own_map || !r->io_bytes || !r->submit_bufs ||
	    !r->cmd || !r->symvals || !r->cur_syms || !r->first || !r->last || !r->order ||
	    !r->sizes || !r->offsets)
		goto err;
	for (i = 0; i < p->ntemplates; i++) {
		r->cmd[i] = malloc(p->templates[i].size);
		if (!r->cmd[i])
			goto err;
		memcpy(r->cmd[i], p->templates[i].data, p->templates[i].size);
	}
	for (i = 0; i < p->nslots; i++) {
		r->first[i] = p->slots[i].first;
		r->last[i] = p->slots[i].last;
	}
	ret = accel_context_create(dev, &cd, &r->ctx);
	if (ret)
		goto err;
	r->q = accel_context_queue(r->ctx, 0);
	/* A buffer cannot be empty: a program without weights gets a token. */
	ret = accel_buffer_alloc(dev, p->weights_size ? p->weights_size : ACCEL_ARENA_ALIGN, 0,
				 &r->weights);
	if (ret)
		goto err;
	if (p->weights_size) {
		ret = accel_buffer_map(r->weights, &map);
		if (ret)
			goto err;
		memcpy(map, p->weights, p->weights_size);
	}
	r->submit_bufs[ACCEL_PROGRAM_BUF_WEIGHTS] = r->weights;
	*out = r;
	return 0;
err:
	accel_runner_destroy(r);
	return ret;
}

/* Replace *buf by a buffer of at least @need bytes. */
static int grow(struct accel_runner *r, struct accel_buffer **buf, uint64_t *cap, uint64_t need,
		const char *what)
{
	struct accel_buffer *nb;
	int ret;

	if (need < ACCEL_ARENA_ALIGN)
		need = ACCEL_ARENA_ALIGN;
	if (*buf && *cap >= need)
		return 0;
	ret = accel_buffer_alloc(r->dev, need, 0, &nb);
	if (ret)
		return fail(r, ret, "cannot allocate %llu bytes for the %s: %s",
			    (unsigned long long)need, what, strerror(-ret));
	if (*buf)
		accel_buffer_free(*buf);
	*buf = nb;
	*cap = need;
	r->stats.buffer_allocs++;
	return 0;
}

static int io_size(struct accel_runner *r, const struct accel_program_io *io, uint64_t *bytes)
{
	uint64_t b = accel_dtype_size(accel_program_device_dtype(io->dtype));
	uint32_t k;
	int64_t v;
	int ret;

	for (k = 0; k < io->rank; k++) {
		ret = accel_program_eval(r->p, io->dims[k], r->symvals, NULL, &v);
		if (ret || v < 1 || __builtin_mul_overflow(b, (uint64_t)v, &b))
			return fail(r, ret ? ret : -EOVERFLOW, "%s: bad dim %u", io->name, k);
	}
	*bytes = b;
	return 0;
}

/* Bind symbols; on new values plan, size the arena and patch. */
static int prepare(struct accel_runner *r, const struct accel_tensor *in)
{
	const struct accel_program *p = r->p;
	uint64_t arena;
	uint32_t i;
	int64_t v;
	int ret;

	ret = accel_program_bind(p, in, p->ninputs, r->symvals, r->err, sizeof(r->err));
	if (ret)
		return ret;
	if (r->planned && !memcmp(r->symvals, r->cur_syms, p->nsyms * sizeof(*r->symvals)))
		return 0;
	r->planned = false;
	for (i = 0; i < p->nslots; i++) {
		ret = accel_program_eval(p, p->slots[i].size_expr, r->symvals, NULL, &v);
		if (ret || v < 0)
			return fail(r, ret ? ret : -EINVAL, "slot %u: size cannot be evaluated", i);
		r->sizes[i] = (uint64_t)v;
	}
	ret = accel_arena_plan(r->first, r->last, r->sizes, p->nslots, ACCEL_ARENA_ALIGN,
			       r->order, r->offsets, &arena);
	if (ret)
		return fail(r, ret, "arena plan overflows");
	ret = grow(r, &r->arena, &r->arena_cap, arena, "arena");
	if (ret)
		return ret;
	r->submit_bufs[ACCEL_PROGRAM_BUF_ARENA] = r->arena;
	r->stats.arena_bytes = r->arena_cap;
	for (i = 0; i < p->ninputs + p->noutputs; i++) {
		ret = io_size(r, i < p->ninputs ? &p->inputs[i] : &p->outputs[i - p->ninputs],
			      &r->io_bytes[i]);
		if (ret)
			return ret;
	}
	ret = accel_program_patch(p, r->cmd, r->symvals, r->offsets, r->err, sizeof(r->err));
	if (ret)
		return ret;
	memcpy(r->cur_syms, r->symvals, p->nsyms * sizeof(*r->symvals));
	r->planned = true;
	r->stats.repatches++;
	return 0;
}

static int submit_all(struct accel_runner *r)
{
	const struct accel_program *p = r->p;
	struct accel_fence *prev = NULL, *f = NULL;
	uint32_t i;
	int ret = 0;

	for (i = 0; i < p->ntemplates; i++) {
		struct accel_submit s = {
			.cmdbuf = r->cmd[i],
			.cmdbuf_size = p->templates[i].size,
			.num_buffers = ACCEL_PROGRAM_BUF_IO + p->ninputs + p->noutputs,
			.buffers = r->submit_bufs,
			.wait_fences = prev ? &prev : NULL,
			.num_wait_fences = prev ? 1 : 0,
		};

		ret = accel_queue_submit(r->q, &s, &f);
		if (prev)
			accel_fence_put(prev);
		prev = NULL;
		if (ret) {
			const struct accel_error_info *e = accel_last_error();

			return fail(r, ret, "submit of command buffer %u refused: %s", i,
				    e ? e->message : strerror(-ret));
		}
		prev = f;
	}
	if (prev) {
		ret = accel_fence_wait(prev, -1);
		accel_fence_put(prev);
		if (ret)
			return fail(r, ret, "the job failed: %s", strerror(-ret));
	}
	r->stats.runs++;
	return 0;
}

int accel_runner_launch(struct accel_runner *r, const struct accel_tensor *in,
			struct accel_buffer *const *in_bufs,
			struct accel_buffer *const *out_bufs)
{
	const struct accel_program *p = r->p;
	uint32_t i, nio = p->ninputs + p->noutputs;
	int ret;

	ret = prepare(r, in);
	if (ret)
		return ret;
	for (i = 0; i < nio; i++) {
		struct accel_buffer *b = i < p->ninputs ? in_bufs[i] : out_bufs[i - p->ninputs];

		if (!b || accel_buffer_size(b) < r->io_bytes[i])
			return fail(r, -ENOSPC, "buffer for %s holds %llu bytes, it needs %llu",
				    i < p->ninputs ? p->inputs[i].name :
				    p->outputs[i - p->ninputs].name,
				    b ? (unsigned long long)accel_buffer_size(b) : 0ull,
				    (unsigned long long)r->io_bytes[i]);
		r->submit_bufs[ACCEL_PROGRAM_BUF_IO + i] = b;
	}
	return submit_all(r);
}

int accel_runner_output_shape(struct accel_runner *r, const struct accel_tensor *in,
			      uint32_t idx, struct accel_tensor *shape)
{
	const struct accel_program_io *io;
	uint32_t k;
	int64_t v;
	int ret;

	if (idx >= r->p->noutputs)
		return fail(r, -EINVAL, "no output %u", idx);
	ret = accel_program_bind(r->p, in, r->p->ninputs, r->symvals, r->err, sizeof(r->err));
	if (ret)
		return ret;
	io = &r->p->outputs[idx];
	memset(shape, 0, sizeof(*shape));
	shape->dtype = (enum accel_dtype)io->dtype;
	shape->rank = (int)io->rank;
	for (k = 0; k < io->rank; k++) {
		ret = accel_program_eval(r->p, io->dims[k], r->symvals, NULL, &v);
		if (ret)
			return fail(r, ret, "%s: dim %u cannot be evaluated", io->name, k);
		shape->dims[k] = v;
	}
	return 0;
}

/* Host bools (0 false, anything else true) to the device's f32 0/1. */
static void bool_to_f32(float *dst, const uint8_t *src, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		dst[i] = src[i] ? 1.0f : 0.0f;
}

/*
 * The device's f32 0/1 (any non-zero, NaN included, is true as in a Cast
 * to bool) to bytes 0/1, in place: byte i is written after float i/4 <= i
 * was read, so nothing is overwritten before it is read.
 */
static void f32_to_bool_in_place(uint8_t *buf, uint64_t n)
{
	uint64_t i;
	float f;

	for (i = 0; i < n; i++) {
		memcpy(&f, buf + i * sizeof(f), sizeof(f));
		buf[i] = f != 0.0f;
	}
}

int accel_runner_run(struct accel_runner *r, const struct accel_tensor *in, uint32_t nin,
		     struct accel_tensor *out, uint32_t nout)
{
	const struct accel_program *p = r->p;
	uint32_t i, nio = p->ninputs + p->noutputs;
	int ret;

	if (nin != p->ninputs || nout != p->noutputs)
		return fail(r, -EINVAL, "%u inputs and %u outputs given, the program has %u and %u",
			    nin, nout, p->ninputs, p->noutputs);
	for (i = 0; i < nin; i++)
		if (!in[i].data)
			return fail(r, -EINVAL, "input %s has no data", p->inputs[i].name);
	ret = prepare(r, in);
	if (ret)
		return ret;
	for (i = 0; i < nio; i++) {
		if (!r->own[i] || r->own_cap[i] < r->io_bytes[i]) {
			ret = grow(r, &r->own[i], &r->own_cap[i], r->io_bytes[i], "inputs/outputs");
			if (ret)
				return ret;
			ret = accel_buffer_map(r->own[i], &r->own_map[i]);
			if (ret)
				return fail(r, ret, "cannot map an I/O buffer");
		}
		r->submit_bufs[ACCEL_PROGRAM_BUF_IO + i] = r->own[i];
		if (i >= nin)
			continue;
		if (p->inputs[i].dtype == ACCEL_DT_BOOL)
			bool_to_f32(r->own_map[i], in[i].data, r->io_bytes[i] / sizeof(float));
		else
			memcpy(r->own_map[i], in[i].data, r->io_bytes[i]);
	}
	ret = submit_all(r);
	if (ret)
		return ret;
	for (i = 0; i < nout; i++) {
		ret = accel_runner_output_shape(r, in, i, &out[i]);
		if (ret)
			return ret;
		out[i].data = r->own_map[nin + i];
		if (p->outputs[i].dtype == ACCEL_DT_BOOL)
			f32_to_bool_in_place(out[i].data, r->io_bytes[nin + i] / sizeof(float));
	}
	return 0;
}
