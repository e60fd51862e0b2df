// SPDX-License-Identifier: MIT
/*
 * vm-accelctl-info - `accelctl -j device info NODE` against a live vaccel
 * node while this process is a client holding buffers and work (run in the
 * test VM; see tests/vm/vm-tests.txt).
 *
 * References, none of them accelctl's own code: the params this process
 * reads through libaccel from the same kernel; the buffer sizes it
 * allocated; its own pid, comm and drm-client-id (the latter read from its
 * own /proc/self/fdinfo line by sscanf, not by accelctl's parser).
 *
 * usage: vm-accelctl-info ACCELCTL NODE
 * Exit 0 pass, 1 fail, 77 when NODE does not exist.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../libaccel/conformance.h"
#include "minijson.h"

#define BUSY_N 256u

static const char *accelctl, *node;

/* Run accelctl with @args (NULL-terminated, argv[0] included); its stdout. */
static char *run_accelctl(char *const *args, int *status)
{
	size_t len = 0, cap = 1 << 16;
	char *out = malloc(cap);
	int pfd[2];
	pid_t pid;

	if (!out || pipe(pfd)) {
		perror("pipe");
		exit(1);
	}
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execv(accelctl, args);
		perror(accelctl);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		ssize_t n;

		if (len + 1 == cap) {
			cap *= 2;
			out = realloc(out, cap);
			if (!out)
				exit(1);
		}
		n = read(pfd[0], out + len, cap - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	out[len] = '\0';
	close(pfd[0]);
	waitpid(pid, status, 0);
	return out;
}

/* This process's drm-client-id on NODE, from its own fdinfo; 0 if not found. */
static uint64_t own_client_id(void)
{
	unsigned long long id = 0;
	struct dirent *de;
	DIR *dir = opendir("/proc/self/fd");

	while (dir && (de = readdir(dir))) {
		char link[300], target[PATH_MAX], line[256];
		ssize_t n;
		FILE *f;

		snprintf(link, sizeof(link), "/proc/self/fd/%s", de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, node))
			continue;
		snprintf(link, sizeof(link), "/proc/self/fdinfo/%s", de->d_name);
		f = fopen(link, "r");
		/* The whole file goes to the log too: a recorded sample of the
		 * driver's fdinfo for tests/accelctl/data. */
		while (f && fgets(line, sizeof(line), f)) {
			printf("# fdinfo| %s", line);
			sscanf(line, "drm-client-id: %llu", &id);
		}
		if (f)
			fclose(f);
		break;
	}
	if (dir)
		closedir(dir);
	return id;
}

static uint64_t num(const struct mj_value *obj, const char *key)
{
	const struct mj_value *v = mj_get(obj, key);

	CHECK(v && v->type == MJ_NUMBER && v->is_u64, "'%s' is not a non-negative integer", key);
	return v && v->is_u64 ? v->u64 : UINT64_MAX;
}

static bool caps_has(const struct mj_value *caps, const char *name)
{
	for (size_t i = 0; caps && caps->type == MJ_ARRAY && i < caps->count; i++) {
		if (caps->items[i].type == MJ_STRING && !strcmp(caps->items[i].str, name))
			return true;
	}
	return false;
}

static struct accel_device *dev;
static uint64_t bytes_total, bytes_touched;

static void check_device(const struct mj_value *j)
{
	static const char *const cap_names[] = { "fp32", "prime", "syncobj", "job_timeout" };
	uint64_t caps = tl_param(dev, DRM_VACCEL_PARAM_CAPS), isa;
	const struct mj_value *jc = mj_get(j, "caps");
	const char *ver = mj_str(j, "driver_version");
	char want[64];
	unsigned int a, b, c;
	char extra;

	CHECK(mj_str(j, "name") && !strcmp(mj_str(j, "name"), node), "name");
	CHECK(mj_str(j, "kind") && !strcmp(mj_str(j, "kind"), "drm"), "kind");
	CHECK(mj_str(j, "driver") && !strcmp(mj_str(j, "driver"), "vaccel"), "driver");
	CHECK(ver && sscanf(ver, "%u.%u.%u%c", &a, &b, &c, &extra) == 3, "driver_version '%s'",
	      ver ? ver : "(none)");
	snprintf(want, sizeof(want), "%llu.%llu",
		 (unsigned long long)tl_param(dev, DRM_VACCEL_PARAM_ABI_VERSION_MAJOR),
		 (unsigned long long)tl_param(dev, DRM_VACCEL_PARAM_ABI_VERSION_MINOR));
	CHECK(mj_str(j, "abi_version") && !strcmp(mj_str(j, "abi_version"), want),
	      "abi_version, want %s", want);
	isa = tl_param(dev, DRM_VACCEL_PARAM_ISA_VERSION);
	snprintf(want, sizeof(want), "%llu.%llu", (unsigned long long)(isa >> 16),
		 (unsigned long long)(isa & 0xffff));
	CHECK(mj_str(j, "isa_version") && !strcmp(mj_str(j, "isa_version"), want),
	      "isa_version, want %s", want);
	for (unsigned int bit = 0; bit < 4; bit++)
		CHECK(caps_has(jc, cap_names[bit]) == !!(caps & (1ull << bit)), "caps %s",
		      cap_names[bit]);
	CHECK(num(j, "num_engines") == tl_param(dev, DRM_VACCEL_PARAM_NUM_ENGINES), "num_engines");
	CHECK(num(j, "num_priorities") == tl_param(dev, DRM_VACCEL_PARAM_NUM_PRIORITIES),
	      "num_priorities");
	CHECK(num(j, "mem_limit") == tl_param(dev, DRM_VACCEL_PARAM_MEM_LIMIT), "mem_limit");
	/* MEM_USED is per client: accelctl's own fresh file holds nothing. */
	CHECK(num(j, "mem_used") == 0, "mem_used of accelctl's own client");
}

static void check_clients(const struct mj_value *j)
{
	const struct mj_value *clients = mj_get(j, "clients"), *me = NULL;
	uint64_t id = own_client_id();
	char comm[64] = "";
	FILE *f = fopen("/proc/self/comm", "r");

	if (f && fgets(comm, sizeof(comm), f))
		comm[strcspn(comm, "\n")] = '\0';
	if (f)
		fclose(f);
	CHECK(id != 0, "own drm-client-id not found in /proc/self/fdinfo");
	CHECK(clients && clients->type == MJ_ARRAY, "no clients array");
	for (size_t i = 0; clients && clients->type == MJ_ARRAY && i < clients->count; i++) {
		const struct mj_value *pid = mj_get(&clients->items[i], "pid");

		if (pid && pid->is_u64 && pid->u64 == (uint64_t)getpid())
			me = &clients->items[i];
	}
	CHECK(me != NULL, "pid %d not among the clients", (int)getpid());
	if (!me)
		return;
	CHECK(mj_str(me, "command") && !strcmp(mj_str(me, "command"), comm), "command, want '%s'",
	      comm);
	CHECK(num(me, "client_id") == id, "client_id, want %llu", (unsigned long long)id);
	CHECK(num(me, "engine_compute_ns") > 0, "engine time after a finished GEMM job");
	CHECK(num(me, "total_system_bytes") == bytes_total, "total_system_bytes, want %llu",
	      (unsigned long long)bytes_total);
	CHECK(num(me, "resident_system_bytes") >= bytes_touched &&
		      num(me, "resident_system_bytes") <= bytes_total,
	      "resident_system_bytes, want %llu .. %llu", (unsigned long long)bytes_touched,
	      (unsigned long long)bytes_total);
}

static void test_accelctl_info(void)
{
	char *json_args[] = { "accelctl", "-j", "device", "info", NULL, NULL };
	char *text_args[] = { "accelctl", "device", "info", NULL, NULL };
	struct accel_buffer *busy, *touched, *untouched;
	struct accel_fence *done = NULL, *running = NULL;
	struct accel_context *ctx;
	struct accel_cmdbuf cb;
	struct mj_value j;
	char err[128], pidstr[32], *out;
	int status, ret;
	void *p;

	/* Hold work: buffers (one never mapped), a finished job, a running one. */
	busy = tl_buffer(dev, 3ull * BUSY_N * BUSY_N * sizeof(float), &p);
	memset(p, 0, accel_buffer_size(busy));
	touched = tl_buffer(dev, 1 << 20, &p);
	memset(p, 1, 1 << 20);
	ret = accel_buffer_alloc(dev, 64 << 10, 0, &untouched);
	CHECK(ret == 0, "alloc: %d", ret);
	bytes_touched = accel_buffer_size(busy) + accel_buffer_size(touched);
	bytes_total = bytes_touched + (ret ? 0 : accel_buffer_size(untouched));
	ctx = tl_context(dev, 0, 1);
	accel_cmdbuf_init(&cb);
	tl_busy(&cb, 0, 64, 1);
	CHECK(tl_submit(accel_context_queue(ctx, 0), &cb, &busy, 1, NULL, 0, &done) == 0 &&
		      accel_fence_wait(done, -1) == 0,
	      "short job");
	accel_cmdbuf_reset(&cb);
	tl_busy(&cb, 0, BUSY_N, 4);
	CHECK(tl_submit(accel_context_queue(ctx, 0), &cb, &busy, 1, NULL, 0, &running) == 0,
	      "long job");

	json_args[4] = (char *)node;
	out = run_accelctl(json_args, &status);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "accelctl -j exit status 0x%x",
	      status);
	if (mj_parse(out, &j, err, sizeof(err))) {
		CHECK(0, "accelctl -j output is not JSON (%s):\n%s", err, out);
	} else {
		CHECK(j.type == MJ_OBJECT, "not an object");
		check_device(&j);
		check_clients(&j);
		mj_free(&j);
	}
	if (harness_failures)
		fprintf(stderr, "accelctl said:\n%s\n", out);
	free(out);

	/* The text form shows the same client on a row of its own. */
	text_args[3] = (char *)node;
	out = run_accelctl(text_args, &status);
	snprintf(pidstr, sizeof(pidstr), "\n      %d ", (int)getpid());
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "accelctl text exit 0x%x", status);
	CHECK(strstr(out, "    clients ") && strstr(out, pidstr), "text lists pid %d:\n%s",
	      (int)getpid(), out);
	/* For the log (the VM harness shows it with VMTEST_VERBOSE=1). */
	fputs(out, stdout);
	free(out);

	CHECK(running && accel_fence_wait(running, -1) == 0, "long job ends");
	accel_fence_put(done);
	accel_fence_put(running);
	accel_cmdbuf_fini(&cb);
}

int main(int argc, char **argv)
{
	int ret;

	if (argc != 3) {
		fprintf(stderr, "usage: vm-accelctl-info ACCELCTL NODE\n");
		return 2;
	}
	accelctl = argv[1];
	node = argv[2];
	if (access(node, F_OK)) {
		printf("# %s does not exist: skipped\n", node);
		return 77;
	}
	ret = accel_device_open(node, &dev);
	if (ret) {
		fprintf(stderr, "open %s: %s\n", node, strerror(-ret));
		return 1;
	}
	RUN_CASE(test_accelctl_info);
	accel_device_close(dev);
	HARNESS_EXIT();
}
