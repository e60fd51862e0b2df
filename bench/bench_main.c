/* SPDX-License-Identifier: MIT */
/*
 * bench_main.c - accel-bench: the machine and environment, then each
 * section, then the table of ratios.
 *
 * usage: accel-bench [--quick] [--kernel-vs-emu [NODE]]
 *
 * --kernel-vs-emu runs only the empty-submit round trip, on the kernel node
 * (NODE, $ACCEL_DEVICE or the first one found) against the emu device, and
 * exits 77 when there is no kernel device.
 *
 * Exit status 0 when every result ours produced matched the peer's, 1
 * otherwise. Times are reported, never judged.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>
#include <drm/vaccel_drm.h>
#include <oneapi/dnnl/dnnl.h>

#include "bench.h"

extern char **environ;

static void bench_print_cpu(void)
{
	char line[256], model[256] = "unknown";
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && colon) {
			snprintf(model, sizeof(model), "%s", colon + 2);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	}
	if (f)
		fclose(f);
	printf("machine: %ld online CPUs, %s\n", sysconf(_SC_NPROCESSORS_ONLN), model);
}

/* The variables that change what is measured, and every ACCEL_* one. */
static void bench_print_env(void)
{
	static const char *const names[] = {
		"OMP_NUM_THREADS", "OMP_WAIT_POLICY", "OMP_PROC_BIND", "OPENBLAS_NUM_THREADS",
		"GOTO_NUM_THREADS", "DNNL_MAX_CPU_ISA", "GLIBC_TUNABLES",
	};

	printf("environment:");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = getenv(names[i]);

		printf(" %s=%s", names[i], v ? v : "(unset)");
	}
	for (char **e = environ; *e; e++)
		if (!strncmp(*e, "ACCEL_", 6))
			printf(" %s", *e);
	printf("\n");
}

/*
 * oneDNN here runs on OpenMP (libgomp); ask the OpenMP runtime it loaded
 * rather than linking OpenMP ourselves, so clang builds need no libomp.
 */
static int bench_omp_threads(void)
{
	int (*get)(void);

	*(void **)&get = dlsym(RTLD_DEFAULT, "omp_get_max_threads");
	return get ? get() : -1;
}

static void bench_usage(FILE *f)
{
	fprintf(f, "usage: accel-bench [--quick] [--kernel-vs-emu [NODE]]\n"
		   "  --quick          small sizes and few repetitions (a smoke test, not a measurement)\n"
		   "  --kernel-vs-emu  only the empty-submit round trip: kernel node NODE\n"
		   "                   (default $ACCEL_DEVICE, else the first found) / emu device\n");
}

int main(int argc, char **argv)
{
	struct bench_opts o = { .min_secs = 1.0 };
	const dnnl_version_t *dv = dnnl_version();
	struct bench_dev d;
	uint64_t engines = 0, isa = 0;
	const char *kernel_node = NULL;
	int bad = 0, kernel_vs_emu = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			o.quick = 1;
			o.min_secs = 0.0;
		} else if (!strcmp(argv[i], "--kernel-vs-emu")) {
			kernel_vs_emu = 1;
			if (i + 1 < argc && argv[i + 1][0] != '-')
				kernel_node = argv[++i];
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			bench_usage(stdout);
			return 0;
		} else {
			bench_usage(stderr);
			return 2;
		}
	}

	/* OpenBLAS: as many threads as CPUs unless the environment says otherwise */
	if (!getenv("OPENBLAS_NUM_THREADS") && !getenv("GOTO_NUM_THREADS"))
		openblas_set_num_threads((int)sysconf(_SC_NPROCESSORS_ONLN));
	o.blas_threads = openblas_get_num_threads();
	o.omp_threads = bench_omp_threads();

	printf("accel-bench%s\n", o.quick ? " --quick (smoke test: sizes too small to mean much)" :
					    "");
	bench_print_cpu();
	bench_print_env();
	if (kernel_vs_emu) {
		int ret = bench_kernel_vs_emu(&o, kernel_node);

		if (ret == 0)
			bench_table_print();
		return ret;
	}
	printf("peers: %s, %d threads; oneDNN %d.%d.%d, OpenMP runtime, %d threads\n",
	       openblas_get_config(), o.blas_threads, dv->major, dv->minor, dv->patch,
	       o.omp_threads);

	if (bench_dev_open(&d)) {
		bench_dev_close(&d);
		return 1;
	}
	accel_device_get_param(d.dev, DRM_VACCEL_PARAM_NUM_ENGINES, &engines);
	accel_device_get_param(d.dev, DRM_VACCEL_PARAM_ISA_VERSION, &isa);
	printf("ours: device %s, ISA %u.%u, %llu engine threads\n\n", accel_device_name(d.dev),
	       (unsigned)(isa >> 16), (unsigned)(isa & 0xffff), (unsigned long long)engines);

	bad |= bench_gemm(&o, &d);
	bad |= bench_eltwise(&o, &d);
	bad |= bench_conv(&o, &d);
	bad |= bench_submit(&o, &d);
	bench_dev_close(&d);

	bench_table_print();
	printf("\n%s\n", bad ? "FAIL: a result of ours did not match the peer's (see above)" :
			       "all results of ours matched the peers'");
	return bad ? 1 : 0;
}
