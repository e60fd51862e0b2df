// SPDX-License-Identifier: MIT
/*
 * bench_models.c - accel-bench-models: the benchmark models through our JIT
 * on the default device against PyTorch eager and ONNX Runtime, whose
 * figures bench/models.sh measured just before in the same run (same
 * models, same inputs, same thread count), plus the JIT's own costs and
 * the memory plan.
 *
 * usage: accel-bench-models MODELDIR [--quick] [--time]
 *
 * MODELDIR holds what bench/export_models.py wrote (MODEL.onnx,
 * MODEL.in.npy, MODEL.out.npy, torch.txt) and, when ONNX Runtime ran,
 * ort.txt. Each of torch.txt, ort.txt and ours.txt holds one line
 * "MODEL MEDIAN_US ..." per timing round; bench/models.sh runs the rounds
 * of the three frameworks interleaved, so a burst of load elsewhere on the
 * machine hits one round of each rather than one framework, and the table
 * takes each framework's best round.
 *
 * --time only times ours and appends a round to ours.txt; without it the
 * program reports: the latency table (timing a round itself when ours.txt
 * has none), the memory plan, sweeps and dispatch overhead.
 *
 * Exit status 1 when an output of ours differs from PyTorch's beyond rtol
 * 1e-4, atol 1e-5 or something fails; times are reported, never judged.
 */
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <accel/accel.h>
#include <accel/jit.h>
#include <accel/program.h>
#include <drm/vaccel_drm.h>

#include "bench.h"
#include "npy.h"

#define RTOL 1e-4
#define ATOL 1e-5

static const char *model_dir;
static double min_secs = 2.0;
static bool time_only;

/* The best (lowest) median of a model over the rounds in @file. */
static int best_median(const char *file, const char *model, double *us, int *rounds)
{
	char path[512], name[64];
	double med;
	FILE *f;

	*rounds = 0;
	snprintf(path, sizeof(path), "%s/%s", model_dir, file);
	f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	while (fscanf(f, "%63s %lf%*[^\n]", name, &med) == 2)
		if (!strcmp(name, model) && (!*rounds || med < *us)) {
			*us = med;
			++*rounds;
		} else if (!strcmp(name, model)) {
			++*rounds;
		}
	fclose(f);
	return *rounds ? 0 : -ENOENT;
}

static void append_round(const char *model, const struct bench_stats *t)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/ours.txt", model_dir);
	f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, "%s %.2f %.2f %d\n", model, t->median * 1e6, t->p99 * 1e6, t->reps);
	fclose(f);
}

static void latency_row(const char *model, const char *what, const char *size, double ours,
			const char *file, const char *peer)
{
	double us;
	int rounds;

	if (best_median(file, model, &us, &rounds)) {
		printf("%s: no %s figure (see above)\n", model, peer);
		return;
	}
	bench_row_add(what, size, "us", ours, peer, us, BENCH_LOWER_BETTER);
}

struct call_ctx {
	struct accel_jit_fn *fn;
	struct accel_runner *r;
	struct accel_tensor *x, out;
};

static int jit_call(void *arg)
{
	struct call_ctx *c = arg;

	return accel_jit_call(c->fn, c->x, 1, &c->out, 1);
}

static int runner_call(void *arg)
{
	struct call_ctx *c = arg;

	return accel_runner_run(c->r, c->x, 1, &c->out, 1);
}

static int64_t numel(const struct accel_tensor *t)
{
	int64_t n = 1;

	for (int i = 0; i < t->rank; i++)
		n *= t->dims[i];
	return n;
}

static int check_output(const char *model, const struct accel_tensor *got,
			const struct accel_tensor *want)
{
	int64_t i, n = numel(want), bad = 0;
	double worst = 0;

	if (got->rank != want->rank || numel(got) != n) {
		printf("%s: output shape differs from PyTorch's\n", model);
		return 1;
	}
	for (i = 0; i < n; i++) {
		double a = ((const float *)got->data)[i], w = ((const float *)want->data)[i];
		double e = fabs(a - w);

		bad += !(e <= ATOL + RTOL * fabs(w));
		worst = e > worst ? e : worst;
	}
	printf("%s: output vs PyTorch: max abs error %.3g, %lld of %lld elements outside "
	       "rtol %g atol %g\n", model, worst, (long long)bad, (long long)n, RTOL, ATOL);
	return bad != 0;
}

static struct accel_jit_fn *open_model(struct accel_device *dev, const char *model)
{
	struct accel_ir_error err = { "" };
	struct accel_jit_fn *fn = NULL;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.onnx", model_dir, model);
	if (accel_jit_create_onnx(path, dev, NULL, &fn, &err)) {
		printf("%s: %s\n", model, err.msg);
		return NULL;
	}
	return fn;
}

static void memory_rows(const char *model, const char *size, struct accel_jit_fn *fn)
{
	const struct accel_program *p;
	struct accel_program_memory m;
	const int64_t *symvals;

	p = accel_jit_last_program(fn, &symvals);
	if (!p || accel_program_memory(p, symvals, &m)) {
		printf("%s: no memory figures\n", model);
		return;
	}
	printf("%s at %s: arena %llu bytes, unplanned sum %llu, lower bound %llu, weights %llu\n",
	       model, size, (unsigned long long)m.arena_bytes,
	       (unsigned long long)m.unplanned_bytes, (unsigned long long)m.lower_bound_bytes,
	       (unsigned long long)m.weights_bytes);
	bench_row_add("arena (planned)", size, "KiB", (double)m.arena_bytes / 1024,
		      "lower bound (largest live set)", (double)m.lower_bound_bytes / 1024,
		      BENCH_LOWER_BETTER);
	bench_row_add("arena (planned)", size, "KiB", (double)m.arena_bytes / 1024,
		      "unplanned sum of intermediates", (double)m.unplanned_bytes / 1024,
		      BENCH_LOWER_BETTER);
}

/* Latency through the JIT against both peers, and the memory plan. */
static int bench_model(struct accel_device *dev, const char *model, const char *what,
		       const char *size)
{
	struct accel_tensor x = { 0 }, want = { 0 };
	struct call_ctx c = { 0 };
	struct accel_jit_stats st;
	struct bench_stats t;
	double ours;
	char path[512];
	int bad = 1, rounds;

	snprintf(path, sizeof(path), "%s/%s.in.npy", model_dir, model);
	if (npy_load(path, &x))
		goto out;
	snprintf(path, sizeof(path), "%s/%s.out.npy", model_dir, model);
	if (npy_load(path, &want))
		goto out;
	c.fn = open_model(dev, model);
	c.x = &x;
	if (!c.fn)
		goto out;
	if (jit_call(&c)) {
		printf("%s: %s\n", model, accel_jit_error(c.fn));
		goto out;
	}
	accel_jit_stats(c.fn, &st);
	bad = check_output(model, &c.out, &want);
	if (time_only || best_median("ours.txt", model, &ours, &rounds)) {
		if (bench_time(jit_call, &c, 5, 10, 100000, min_secs, &t)) {
			printf("%s: %s\n", model, accel_jit_error(c.fn));
			bad = 1;
			goto out;
		}
		printf("ours %s: median %.1f us, p99 %.1f us over %d calls\n", model,
		       t.median * 1e6, t.p99 * 1e6, t.reps);
		ours = t.median * 1e6;
		if (time_only) {
			append_round(model, &t);
			goto out;
		}
	} else {
		printf("%s: ours best of %d round(s): median %.1f us\n", model, rounds, ours);
	}
	printf("%s: first call compiled in %.2f ms (exact shapes)\n", model,
	       (double)st.compile_ns_last / 1e6);
	latency_row(model, what, size, ours, "torch.txt", "PyTorch eager");
	latency_row(model, what, size, ours, "ort.txt", "ONNX Runtime (node, CPU EP)");
	memory_rows(model, size, c.fn);
out:
	accel_jit_destroy(c.fn);
	free(x.data);
	free(want.data);
	return bad;
}

/*
 * A sweep over one dim through a fresh function: how many compilations it
 * takes and what they cost.
 */
static int bench_sweep(struct accel_device *dev, const char *model, int dim, int from, int to,
		       int step)
{
	struct accel_tensor x = { 0 };
	struct call_ctx c = { 0 };
	struct accel_jit_stats st;
	char path[512];
	int64_t full;
	int v, calls = 0, ret = 1;

	snprintf(path, sizeof(path), "%s/%s.in.npy", model_dir, model);
	if (npy_load(path, &x))
		return 1;
	/* The sweep reads a prefix of a tensor as large as the largest call. */
	full = numel(&x) / x.dims[dim] * to;
	x.data = realloc(x.data, (size_t)full * sizeof(float));
	c.fn = open_model(dev, model);
	c.x = &x;
	if (!x.data || !c.fn)
		goto out;
	bench_fill_uniform(x.data, (size_t)full, 3);
	for (v = from; v <= to; v += step, calls++) {
		x.dims[dim] = v;
		if (jit_call(&c)) {
			printf("%s at dim %d = %d: %s\n", model, dim, v, accel_jit_error(c.fn));
			goto out;
		}
	}
	accel_jit_stats(c.fn, &st);
	printf("%s: dim %d swept %d..%d step %d (%d calls): %llu compilations (%llu "
	       "recompilation), %llu promotion, %llu cache hits; compile time %.2f ms in all, "
	       "the recompilation %.2f ms\n", model, dim, from, to, step, calls,
	       (unsigned long long)st.compiles, (unsigned long long)(st.compiles - 1),
	       (unsigned long long)st.promotions, (unsigned long long)st.hits,
	       (double)st.compile_ns_total / 1e6, (double)st.compile_ns_last / 1e6);
	ret = 0;
out:
	accel_jit_destroy(c.fn);
	free(x.data);
	return ret;
}

/* relu(x) over [n, 16]: a launch this small shows the dispatch cost. */
static struct accel_graph *tiny_graph(void)
{
	struct accel_ir_error err = { "" };
	struct accel_graph *g = NULL;
	struct accel_value *x, *y;
	struct accel_dim d[2];
	struct accel_shape s;
	int ret;

	ret = accel_graph_create("tiny", &g);
	if (!ret)
		ret = accel_dim_symbol(g, "n", &d[0]);
	d[1] = accel_dim_const(16);
	s = accel_shape_make(2, d);
	if (!ret)
		ret = accel_graph_add_input(g, "x", ACCEL_DT_F32, &s, &x, &err);
	if (!ret)
		ret = accel_graph_add_node(g, ACCEL_OP_RELU, &x, 1, NULL, 0, 1, NULL, &y, &err);
	if (!ret)
		ret = accel_graph_mark_output(g, y, &err);
	if (ret) {
		printf("tiny graph: %s\n", err.msg);
		accel_graph_destroy(g);
		return NULL;
	}
	return g;
}

/*
 * A cache hit against a direct runner launch of an identical program, at
 * the same shape: the difference is what the JIT adds (signature check,
 * guard, LRU).
 */
static int bench_hit_overhead(struct accel_device *dev)
{
	struct accel_graph *g = tiny_graph();
	struct accel_ir_error err = { "" };
	struct accel_program *p = NULL;
	struct call_ctx c = { 0 };
	struct bench_stats tj, tr;
	float data[16 * 16];
	struct accel_tensor x = { ACCEL_DT_F32, 2, { 16, 16 }, data };
	int ret = 1;

	if (!g)
		return 1;
	bench_fill_uniform(data, 16 * 16, 9);
	c.x = &x;
	if (accel_jit_create(g, dev, NULL, &c.fn, &err) ||
	    accel_program_compile(g, NULL, NULL, &p, &err) || accel_runner_create(p, dev, &c.r)) {
		printf("tiny graph: %s\n", err.msg);
		goto out;
	}
	/* Interleaved twice, so drift in the machine's load hits both. */
	for (int round = 0; round < 2; round++)
		if (bench_time(jit_call, &c, 100, 1000, 1000000, min_secs / 2, &tj) ||
		    bench_time(runner_call, &c, 100, 1000, 1000000, min_secs / 2, &tr))
			goto out;
	printf("dispatch: relu [16, 16]: cache-hit call %.2f us, direct runner launch %.2f us "
	       "(medians): the JIT adds %.2f us\n", tj.median * 1e6, tr.median * 1e6,
	       (tj.median - tr.median) * 1e6);
	bench_row_add("JIT call, cache hit", "relu 16x16", "us", tj.median * 1e6,
		      "runner launch, same program", tr.median * 1e6, BENCH_LOWER_BETTER);
	ret = 0;
out:
	accel_runner_destroy(c.r);
	accel_program_destroy(p);
	accel_jit_destroy(c.fn);
	accel_graph_destroy(g);
	return ret;
}

/* Other work on the machine skews every figure: say how much there was. */
static void print_load(const char *what)
{
	char load[128] = "?";
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (!fgets(load, sizeof(load), f))
			snprintf(load, sizeof(load), "?");
		fclose(f);
		load[strcspn(load, "\n")] = '\0';
	}
	printf("%s: %s\n", what, load);
}

static void print_machine(struct accel_device *dev)
{
	int (*omp_threads)(void);
	uint64_t engines = 0;

	*(void **)&omp_threads = dlsym(RTLD_DEFAULT, "omp_get_max_threads");
	accel_device_get_param(dev, DRM_VACCEL_PARAM_NUM_ENGINES, &engines);
	printf("ours: JIT on device %s, %llu engine threads (one runs a program's command "
	       "buffers in order), GEMM tiles through single-threaded oneDNN calls on "
	       "ACCEL_EMU_THREADS=%s threads, CONV2D through oneDNN on %d OpenMP threads\n",
	       accel_device_name(dev), (unsigned long long)engines,
	       getenv("ACCEL_EMU_THREADS") ? getenv("ACCEL_EMU_THREADS") : "(one per CPU)",
	       omp_threads ? omp_threads() : -1);
	print_load("load average");
	printf("\n");
}

int main(int argc, char **argv)
{
	struct accel_device *dev = NULL;
	int bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: accel-bench-models MODELDIR [--quick] [--time]\n");
		return 2;
	}
	model_dir = argv[1];
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			min_secs = 0.2;
		} else if (!strcmp(argv[i], "--time")) {
			time_only = true;
		} else {
			fprintf(stderr, "usage: accel-bench-models MODELDIR [--quick] [--time]\n");
			return 2;
		}
	}
	if (accel_device_open(NULL, &dev)) {
		fprintf(stderr, "accel-bench-models: cannot open the default device\n");
		return 1;
	}
	if (!time_only)
		print_machine(dev);
	bad |= bench_model(dev, "mlp", "MLP 784-512-512-10", "batch 64");
	bad |= bench_model(dev, "encoder", "encoder layer d256 h4", "8x128x256");
	bad |= bench_model(dev, "resnet18", "ResNet-18", "2x3x224x224");
	if (time_only) {
		accel_device_close(dev);
		return bad;
	}
	printf("\n");
	bad |= bench_sweep(dev, "mlp", 0, 1, 256, 1);
	bad |= bench_sweep(dev, "encoder", 1, 8, 128, 8);
	bad |= bench_hit_overhead(dev);
	accel_device_close(dev);
	bench_table_print();
	print_load("\nload average at the end");
	printf("%s\n", bad ? "FAIL: see above" : "all outputs of ours matched PyTorch's");
	return bad;
}
