/* SPDX-License-Identifier: MIT */
/*
 * bench.h - accel-bench: ours (the default libaccel device) against the
 * libraries a user would call instead, in the same process and run.
 *
 * Every section times its candidates with bench_time(), checks that ours
 * computed the same numbers as the peer (a benchmark of a wrong result is
 * worthless), and adds rows to one table printed at the end. Nothing here
 * asserts on time.
 */
#ifndef ACCEL_BENCH_H
#define ACCEL_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include <accel/accel.h>

/**
 * struct bench_opts - what the command line asked for.
 * @quick: small sizes and few repetitions (the meson test uses it).
 * @min_secs: keep repeating a measurement until this much time was spent.
 * @blas_threads: threads OpenBLAS was told to use.
 * @omp_threads: OpenMP threads oneDNN will use.
 */
struct bench_opts {
	int quick;
	double min_secs;
	int blas_threads;
	int omp_threads;
};

/** struct bench_dev - the default device with one context and queue. */
struct bench_dev {
	struct accel_device *dev;
	struct accel_context *ctx;
	struct accel_queue *q;
};

/** bench_dev_open() - accel_device_open(NULL) plus a context and queue. */
int bench_dev_open(struct bench_dev *d);
/** bench_dev_open_named() - the same for device @name (NULL: the default). */
int bench_dev_open_named(struct bench_dev *d, const char *name);
void bench_dev_close(struct bench_dev *d);

/**
 * bench_dev_buffer() - allocate and map @size bytes; *@map gets the CPU
 * address. Returns 0 or a negative errno.
 */
int bench_dev_buffer(struct bench_dev *d, uint64_t size, struct accel_buffer **buf,
		     void **map);

/**
 * struct bench_job - one prepared submission: command buffer and buffer
 * list built once, submitted again and again.
 */
struct bench_job {
	struct bench_dev *dev;
	struct accel_cmdbuf cb;
	struct accel_buffer *bufs[4];
	uint32_t num_bufs;
};

/** bench_job_run() - submit the job and wait for its fence; 0 or -errno. */
int bench_job_run(void *job);

/** bench_now() - CLOCK_MONOTONIC in seconds. */
double bench_now(void);

/** bench_f32_bits() - the binary32 bit pattern of @f, for packet fields. */
uint32_t bench_f32_bits(float f);

/** bench_fill_uniform() - @n values uniform in [-1, 1) from @seed. */
void bench_fill_uniform(float *p, size_t n, uint64_t seed);

/**
 * struct bench_stats - distribution of per-iteration times, in seconds.
 * @median: the median.
 * @p99: the 99th percentile (nearest rank).
 * @reps: timed repetitions.
 */
struct bench_stats {
	double median;
	double p99;
	int reps;
};

/**
 * bench_time() - call @fn(@arg) @warmup times untimed, then at least
 * @min_reps times and until @min_secs have passed (at most @max_reps),
 * timing each call. Returns 0, or the first non-zero return of @fn.
 */
int bench_time(int (*fn)(void *), void *arg, int warmup, int min_reps, int max_reps,
	       double min_secs, struct bench_stats *st);

/** bench_stats_from() - sort @t[0..@n) in place and fill @st from it. */
void bench_stats_from(double *t, int n, struct bench_stats *st);

/** enum bench_better - which way a row's ratio is good. */
enum bench_better {
	BENCH_HIGHER_BETTER, /* a throughput: ours / peer > 1 means ours is faster */
	BENCH_LOWER_BETTER,  /* a time: ours / peer < 1 means ours is faster */
};

/**
 * bench_row_add() - one table row: @what at @size, ours and the peer in
 * @unit; the ratio printed is ours / peer.
 */
void bench_row_add(const char *what, const char *size, const char *unit, double ours,
		   const char *peer, double peer_val, enum bench_better better);

/** bench_table_print() - the rows collected so far, with the header. */
void bench_table_print(void);

/** bench_max_rel_diff() - max |a - b| over @n, divided by max |b|. */
double bench_max_rel_diff(const float *a, const float *b, size_t n);

/* The sections; each returns 0, or 1 when a result did not match. */
int bench_gemm(const struct bench_opts *o, struct bench_dev *d);
int bench_eltwise(const struct bench_opts *o, struct bench_dev *d);
int bench_conv(const struct bench_opts *o, struct bench_dev *d);
int bench_submit(const struct bench_opts *o, struct bench_dev *d);
/*
 * --kernel-vs-emu: the empty-submit round trip on the kernel node @node
 * (NULL: $ACCEL_DEVICE or the first drm device) against the emu device.
 * Returns 0, 1 on an error, 77 when there is no kernel device.
 */
int bench_kernel_vs_emu(const struct bench_opts *o, const char *node);

/*
 * The oneDNN side of the elementwise section (bench_dnnl.c): y = relu(x)
 * and y = a + b through eltwise and binary primitives on a CPU engine.
 */
struct bench_dnnl;
int bench_dnnl_create(struct bench_dnnl **out, size_t n);
void bench_dnnl_destroy(struct bench_dnnl *b);
int bench_dnnl_relu(struct bench_dnnl *b, const float *x, float *y);
int bench_dnnl_add(struct bench_dnnl *b, const float *a, const float *c, float *y);

#endif
