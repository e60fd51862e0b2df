// SPDX-License-Identifier: MIT
/*
 * arena_plan.c - offsets for every arena slot, given concrete sizes.
 *
 * The heuristic is TFLite's "greedy by size" arena planner: take slots from
 * the largest down, and put each in the smallest gap left between the
 * already placed slots whose lifetimes intersect its own (best fit), or
 * after the highest of them. Large tensors get placed while the arena is
 * still empty, and small ones fill the holes around them; on the inference
 * graphs it is meant for it lands within a few percent of the lower bound
 * (the largest set of tensors live at one step), which no placement can
 * beat.
 *
 * Planning happens at launch, once per new set of symbol values, so it must
 * not allocate: the caller lends the scratch. O(n^2) in the slot count,
 * which is the number of materialized intermediates (tens to hundreds; a
 * thousand plan in a few milliseconds).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include <accel/program.h>

static bool overlaps(const uint32_t *first, const uint32_t *last, uint32_t a, uint32_t b)
{
	return first[a] <= last[b] && first[b] <= last[a];
}

static int round_up(uint64_t v, uint64_t align, uint64_t *out)
{
	if (__builtin_add_overflow(v, align - 1, out))
		return -EOVERFLOW;
	*out &= ~(align - 1);
	return 0;
}

int accel_arena_plan(const uint32_t *first, const uint32_t *last, const uint64_t *size,
		     uint32_t n, uint64_t align, uint32_t *order, uint64_t *offsets,
		     uint64_t *arena)
{
	uint32_t i, j;
	uint64_t top = 0;

	*arena = 0;
	if (!align || (align & (align - 1)))
		return -EINVAL;
	/* Insertion sort by size descending, then by first step: stable and
	 * allocation-free. */
	for (i = 0; i < n; i++) {
		uint32_t s = i;

		for (j = i; j > 0; j--) {
			uint32_t o = order[j - 1];

			if (size[o] > size[s] || (size[o] == size[s] && first[o] <= first[s]))
				break;
			order[j] = o;
		}
		order[j] = s;
	}
	/*
	 * Place order[i] for i = 0, 1, ...; the placed ones are kept in
	 * order[0 .. i) sorted by offset, so one walk over them finds every
	 * free gap among those alive at the same time: O(n^2) in all.
	 */
	for (i = 0; i < n; i++) {
		uint32_t s = order[i];
		uint64_t need, best = UINT64_MAX, best_gap = UINT64_MAX, end = 0, at;

		if (round_up(size[s], align, &need))
			return -EOVERFLOW;
		if (!need) {
			offsets[s] = 0;
		} else {
			for (j = 0; j < i; j++) {
				uint32_t o = order[j];

				if (!size[o] || !overlaps(first, last, s, o))
					continue;
				if (round_up(end, align, &at))
					return -EOVERFLOW;
				if (offsets[o] >= at && offsets[o] - at >= need &&
				    offsets[o] - at < best_gap) {
					best_gap = offsets[o] - at;
					best = at;
				}
				if (offsets[o] + size[o] > end)
					end = offsets[o] + size[o];
			}
			if (best == UINT64_MAX && round_up(end, align, &best))
				return -EOVERFLOW;
			offsets[s] = best;
			if (__builtin_add_overflow(best, size[s], &at))
				return -EOVERFLOW;
			if (at > top)
				top = at;
		}
		/* Insert s among the placed, by offset. */
		for (j = i; j > 0 && offsets[order[j - 1]] > offsets[s]; j--)
			order[j] = order[j - 1];
		order[j] = s;
	}
	return round_up(top, align, arena);
}

int accel_program_memory(const struct accel_program *p, const int64_t *symvals,
			 struct accel_program_memory *out)
{
	uint32_t *first = NULL, *last = NULL, *order = NULL, i, j, s;
	uint64_t *size = NULL, *off = NULL, a;
	int64_t v;
	int ret = -ENOMEM;

	*out = (struct accel_program_memory){ 0 };
	out->weights_bytes = p->weights_size;
	for (i = 0; i < p->ninputs + p->noutputs; i++) {
		const struct accel_program_io *io = i < p->ninputs ? &p->inputs[i] :
						    &p->outputs[i - p->ninputs];
		uint64_t bytes = accel_dtype_size(accel_program_device_dtype(io->dtype));
		uint32_t k;

		for (k = 0; k < io->rank; k++) {
			ret = accel_program_eval(p, io->dims[k], symvals, NULL, &v);
			if (ret)
				return ret;
			if (v < 0 || __builtin_mul_overflow(bytes, (uint64_t)v, &bytes))
				return -EOVERFLOW;
		}
		out->io_bytes += bytes;
	}
	first = calloc(p->nslots + 1, sizeof(*first));
	last = calloc(p->nslots + 1, sizeof(*last));
	order = calloc(p->nslots + 1, sizeof(*order));
	size = calloc(p->nslots + 1, sizeof(*size));
	off = calloc(p->nslots + 1, sizeof(*off));
	if (!first || !last || !order || !size || !off)
		goto out;
	for (i = 0; i < p->nslots; i++) {
		first[i] = p->slots[i].first;
		last[i] = p->slots[i].last;
		ret = accel_program_eval(p, p->slots[i].size_expr, symvals, NULL, &v);
		if (ret)
			goto out;
		if (v < 0) {
			ret = -EINVAL;
			goto out;
		}
		ret = round_up((uint64_t)v, ACCEL_ARENA_ALIGN, &size[i]);
		if (ret)
			goto out;
		out->unplanned_bytes += size[i];
	}
	/*
	 * The lower bound: the heaviest step. The live set only grows where a
	 * slot starts, so only those steps are visited: O(slots^2) whatever
	 * nsteps says (a loaded artifact's nsteps may be anything up to 2^32).
	 */
	for (j = 0; j < p->nslots; j++) {
		s = first[j];
		a = 0;
		for (i = 0; i < p->nslots; i++)
			if (first[i] <= s && s <= last[i])
				a += size[i];
		if (a > out->lower_bound_bytes)
			out->lower_bound_bytes = a;
	}
	ret = accel_arena_plan(first, last, size, p->nslots, ACCEL_ARENA_ALIGN, order, off,
			       &out->arena_bytes);
out:
	free(first);
	free(last);
	free(order);
	free(size);
	free(off);
	return ret;
}
