/* SPDX-License-Identifier: MIT */
/*
 * bench_util.c - clock, statistics, random data and the result table.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

uint32_t bench_f32_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

/* splitmix64, so every run (and every machine) times the same data. */
void bench_fill_uniform(float *p, size_t n, uint64_t seed)
{
	uint64_t s = seed;

	for (size_t i = 0; i < n; i++) {
		uint64_t z = (s += 0x9e3779b97f4a7c15ull);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		z ^= z >> 31;
		p[i] = (float)((double)(z >> 40) / (double)(1u << 23) - 1.0);
	}
}

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void bench_stats_from(double *t, int n, struct bench_stats *st)
{
	int rank;

	qsort(t, (size_t)n, sizeof(*t), bench_cmp_double);
	st->reps = n;
	st->median = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
	/* nearest rank: the smallest value with at least 99% at or below it */
	rank = (int)ceil(0.99 * n);
	st->p99 = t[rank > 0 ? rank - 1 : 0];
}

int bench_time(int (*fn)(void *), void *arg, int warmup, int min_reps, int max_reps,
	       double min_secs, struct bench_stats *st)
{
	double *t = malloc(sizeof(*t) * (size_t)max_reps);
	double start;
	int n = 0, ret = 0;

	if (!t)
		return -1;
	for (int i = 0; i < warmup && !ret; i++)
		ret = fn(arg);
	start = bench_now();
	while (!ret && n < max_reps && (n < min_reps || bench_now() - start < min_secs)) {
		double t0 = bench_now();

		ret = fn(arg);
		t[n++] = bench_now() - t0;
	}
	if (!ret)
		bench_stats_from(t, n, st);
	free(t);
	return ret;
}

double bench_max_rel_diff(const float *a, const float *b, size_t n)
{
	double max_diff = 0.0, max_ref = 0.0;

	for (size_t i = 0; i < n; i++) {
		double d = fabs((double)a[i] - (double)b[i]);

		if (isnan(d))
			return INFINITY;
		max_diff = d > max_diff ? d : max_diff;
		max_ref = fabs((double)b[i]) > max_ref ? fabs((double)b[i]) : max_ref;
	}
	return max_ref > 0.0 ? max_diff / max_ref : max_diff;
}

#define BENCH_MAX_ROWS 32

struct bench_row {
	char what[40];
	char size[24];
	char unit[12];
	double ours;
	char peer[48];
	double peer_val;
	enum bench_better better;
};

static struct bench_row bench_rows[BENCH_MAX_ROWS];
static int bench_nrows;

void bench_row_add(const char *what, const char *size, const char *unit, double ours,
		   const char *peer, double peer_val, enum bench_better better)
{
	struct bench_row *r;

	if (bench_nrows == BENCH_MAX_ROWS)
		return;
	r = &bench_rows[bench_nrows++];
	snprintf(r->what, sizeof(r->what), "%s", what);
	snprintf(r->size, sizeof(r->size), "%s", size);
	snprintf(r->unit, sizeof(r->unit), "%s", unit);
	snprintf(r->peer, sizeof(r->peer), "%s", peer);
	r->ours = ours;
	r->peer_val = peer_val;
	r->better = better;
}

void bench_table_print(void)
{
	printf("\nratio = ours / peer.  Throughput rows (GFLOP/s, GB/s): ratio > 1 means ours is "
	       "faster.\n"
	       "                      Latency rows (us):                ratio < 1 means ours is "
	       "faster.\n\n");
	printf("%-26s %-12s %-8s %10s  %-34s %10s  %7s\n", "benchmark", "size", "unit", "ours",
	       "peer", "peer value", "ours/peer");
	printf("%.*s\n", 128,
	       "----------------------------------------------------------------"
	       "----------------------------------------------------------------");
	for (int i = 0; i < bench_nrows; i++) {
		const struct bench_row *r = &bench_rows[i];

		printf("%-26s %-12s %-8s %10.2f  %-34s %10.2f  %7.3f %s\n", r->what, r->size,
		       r->unit, r->ours, r->peer, r->peer_val,
		       r->peer_val > 0 ? r->ours / r->peer_val : 0.0,
		       r->better == BENCH_HIGHER_BETTER ? "(>1 good)" : "(<1 good)");
	}
}
