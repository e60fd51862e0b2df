/* SPDX-License-Identifier: MIT */
/*
 * graph_text.h - build a graph in the IR's text form for a test: put()
 * appends to one static buffer, konst() a random f32 constant from a
 * seeded generator (GRAPH_TEXT_SEED, defined before the include, fixes
 * each test's sequence). The text is then parsed with accel_graph_parse().
 */
#ifndef ACCEL_TESTS_GRAPH_TEXT_H
#define ACCEL_TESTS_GRAPH_TEXT_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifndef GRAPH_TEXT_SEED
#define GRAPH_TEXT_SEED 1u
#endif

static char text[1 << 16];
static unsigned rng = GRAPH_TEXT_SEED;

/* Uniform in [lo, hi], 16 bits of resolution: exact in every dtype. */
static inline float frand(float lo, float hi)
{
	rng = rng * 1103515245u + 12345u;
	return lo + (hi - lo) * (float)((rng >> 8) & 0xffff) / 65535.0f;
}

static inline void put(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline void put(const char *fmt, ...)
{
	size_t used = strlen(text);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text + used, sizeof(text) - used, fmt, ap);
	va_end(ap);
}

/* A random f32 constant of @count elements in [lo, hi], kept in @keep when non-NULL. */
static inline void konst_keep(const char *name, const char *dims, int count, float lo,
			      float hi, float *keep)
{
	int i;

	put("  const %%%s: f32[%s] = [", name, dims);
	for (i = 0; i < count; i++) {
		float v = frand(lo, hi);

		if (keep)
			keep[i] = v;
		put("%s%a", i ? ", " : "", (double)v);
	}
	put("]\n");
}

static inline void konst(const char *name, const char *dims, int count, float lo, float hi)
{
	konst_keep(name, dims, count, lo, hi, NULL);
}

#endif /* ACCEL_TESTS_GRAPH_TEXT_H */
