// SPDX-License-Identifier: MIT
/*
 * test-fdinfo - accelctl's fdinfo parser on fdinfo text (data/), checked
 * against values written out by hand from those files, and the
 * /proc scan (clients.c) on a fake proc tree built here.
 *
 * usage: test-fdinfo DATA_DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clients.h"
#include "fdinfo.h"
#include "harness.h"

static const char *data_dir;

/* Read data/@name whole; exits on failure (the data is part of the test). */
static char *read_data(const char *name)
{
	static char buf[8192];
	char path[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", data_dir, name);
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(1);
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* data/fdinfo-vaccel.txt was recorded in the test VM from a client holding
 * three buffers after a GEMM job (tests/accelctl/vm-accelctl-info). */
static void test_vaccel(void)
{
	struct fdinfo_drm d;
	const struct fdinfo_region *r;
	const struct fdinfo_engine *e;

	CHECK(fdinfo_parse(read_data("fdinfo-vaccel.txt"), &d) == 0, "parse");
	CHECK(!strcmp(d.driver, "vaccel"), "driver '%s'", d.driver);
	CHECK(d.pdev[0] == '\0', "no pdev");
	CHECK(d.has_client_id && d.client_id == 1, "client id %llu",
	      (unsigned long long)d.client_id);
	/* drm-engine-capacity-compute is a count, not an engine. */
	CHECK(d.num_engines == 1, "%u engines", d.num_engines);
	e = fdinfo_engine_find(&d, "compute");
	CHECK(e && e->busy_ns == 201854550ull, "compute busy");
	r = fdinfo_region_find(&d, "system");
	CHECK(d.num_regions == 1 && r, "one region");
	if (r) {
		CHECK(r->bytes[FDINFO_MEM_TOTAL] == 1856ull * 1024, "total %llu",
		      (unsigned long long)r->bytes[FDINFO_MEM_TOTAL]);
		CHECK(r->bytes[FDINFO_MEM_RESIDENT] == 1792ull * 1024, "resident");
		CHECK(r->has == ((1u << FDINFO_MEM_TOTAL) | (1u << FDINFO_MEM_RESIDENT)),
		      "keys seen 0x%x", r->has);
	}
}

/* data/fdinfo-amdgpu.txt is written in the layout amdgpu prints on 6.1: a
 * drm-pdev with colons, the older drm-memory-<region> keys, driver-private
 * keys, engine capacity and cycle counts next to busy times. */
static void test_amdgpu(void)
{
	struct fdinfo_drm d;
	const struct fdinfo_region *r;
	const struct fdinfo_engine *e;

	CHECK(fdinfo_parse(read_data("fdinfo-amdgpu.txt"), &d) == 0, "parse");
	CHECK(!strcmp(d.driver, "amdgpu"), "driver");
	CHECK(!strcmp(d.pdev, "0000:03:00.0"), "pdev '%s' (value with colons)", d.pdev);
	CHECK(d.client_id == 42, "client id");
	/* gfx, compute, dma; capacity and cycles are not busy times. */
	CHECK(d.num_engines == 3, "%u engines", d.num_engines);
	e = fdinfo_engine_find(&d, "dma");
	CHECK(e && e->busy_ns == 31337, "dma busy");
	e = fdinfo_engine_find(&d, "compute");
	CHECK(e && e->busy_ns == 0, "compute busy 0");
	CHECK(!fdinfo_engine_find(&d, "capacity-dma"), "capacity is not an engine");
	/* drm-memory-<region> is the older name of the total. */
	CHECK(d.num_regions == 3, "%u regions", d.num_regions);
	r = fdinfo_region_find(&d, "vram");
	CHECK(r && r->bytes[FDINFO_MEM_TOTAL] == 16384ull * 1024, "vram total");
	r = fdinfo_region_find(&d, "gtt");
	CHECK(r && r->bytes[FDINFO_MEM_TOTAL] == 2048ull * 1024, "gtt total (blank before tab)");
	CHECK(!fdinfo_region_find(&d, "system"), "no system region");
}

static void test_not_drm(void)
{
	struct fdinfo_drm d;

	CHECK(fdinfo_parse(read_data("fdinfo-eventfd.txt"), &d) == -ENOENT, "eventfd");
	CHECK(fdinfo_parse("", &d) == -ENOENT, "empty text");
}

static void test_malformed(void)
{
	struct fdinfo_drm d;

	CHECK(fdinfo_parse(read_data("fdinfo-bad-unit.txt"), &d) == -EINVAL, "engine in ms");
	CHECK(fdinfo_parse("drm-driver:\tvaccel\ndrm-client-id:\t-1\n", &d) == -EINVAL,
	      "negative id");
	CHECK(fdinfo_parse("drm-driver:\tvaccel\ndrm-total-system:\t4 GiB\n", &d) == -EINVAL,
	      "unknown unit");
	CHECK(fdinfo_parse("drm-driver:\tvaccel\ndrm-total-system:\t"
			   "99999999999999999999 KiB\n", &d) == -EINVAL,
	      "overflow");
	CHECK(fdinfo_parse("drm-driver:\tvaccel\ndrm-total-:\t4\n", &d) == -EINVAL,
	      "empty region");
	CHECK(fdinfo_parse("drm-driver:\t\n", &d) == -EINVAL, "empty driver");
	CHECK(fdinfo_parse("drm-driver:\tvaccel\ndrm-shared-system:\t0\n", &d) == 0 &&
		      d.regions[0].bytes[FDINFO_MEM_SHARED] == 0 &&
		      d.regions[0].has == 1u << FDINFO_MEM_SHARED,
	      "a size without a unit is bytes");
	CHECK(fdinfo_parse("drm-driver:\tvaccel\ndrm-purgeable-system:\t3 MiB\n", &d) == 0 &&
		      d.regions[0].bytes[FDINFO_MEM_PURGEABLE] == 3ull << 20,
	      "MiB");
	/* Unknown DRM keys are skipped: a newer kernel must not break us. */
	CHECK(fdinfo_parse("drm-driver:\tvaccel\ndrm-future-key:\twhatever it is\n"
			   "drm-client-id:\t3", &d) == 0 && d.client_id == 3,
	      "unknown key, no final newline");
}

static void test_limits(void)
{
	char text[2048] = "drm-driver:\tx\n";
	struct fdinfo_drm d;

	for (int i = 0; i < FDINFO_MAX_ENGINES + 2; i++) {
		char line[64];

		snprintf(line, sizeof(line), "drm-engine-e%d:\t%d ns\n", i, i);
		strcat(text, line);
	}
	CHECK(fdinfo_parse(text, &d) == 0, "parse");
	CHECK(d.num_engines == FDINFO_MAX_ENGINES && d.dropped == 2, "%u engines, %u dropped",
	      d.num_engines, d.dropped);
	CHECK(d.engines[3].busy_ns == 3 && !strcmp(d.engines[3].name, "e3"), "order kept");
}

/* Write @text to @path, or exit. */
static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* One fake fd of process @pid in proc tree @root: fdinfo @text, fd -> @target. */
static void fake_fd(const char *root, int pid, int fd, const char *text, const char *target)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%d", root, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%d/fd", root, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%d/fdinfo", root, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%d/comm", root, pid);
	put_file(path, pid == 300 ? "trainer\n" : "worker\n");
	snprintf(path, sizeof(path), "%s/%d/fdinfo/%d", root, pid, fd);
	put_file(path, text);
	snprintf(path, sizeof(path), "%s/%d/fd/%d", root, pid, fd);
	if (symlink(target, path)) {
		perror(path);
		exit(1);
	}
}

/*
 * The scan on a fake proc tree whose "device" is /dev/null (a character
 * device every machine has): two processes share client 5 (an inherited
 * fd: listed once, under the lower pid), client 2 has no engine key, one
 * fd is another driver's, one is vaccel's but a different file.
 */
static void test_scan(void)
{
	char root[] = "/tmp/test-fdinfo-XXXXXX";
	struct ac_clients c;
	char cmd[4200];

	if (!mkdtemp(root)) {
		perror("mkdtemp");
		exit(1);
	}
	fake_fd(root, 400, 3, "drm-driver:\tvaccel\ndrm-client-id:\t5\n"
		"drm-engine-compute:\t100 ns\ndrm-total-system:\t8 KiB\n", "/dev/null");
	fake_fd(root, 300, 7, "drm-driver:\tvaccel\ndrm-client-id:\t5\n"
		"drm-engine-compute:\t100 ns\ndrm-total-system:\t8 KiB\n"
		"drm-resident-system:\t4 KiB\n", "/dev/null");
	fake_fd(root, 300, 8, "drm-driver:\tvaccel\ndrm-client-id:\t2\n", "/dev/null");
	fake_fd(root, 500, 3, "drm-driver:\tother\ndrm-client-id:\t9\n", "/dev/null");
	fake_fd(root, 600, 4, "drm-driver:\tvaccel\ndrm-client-id:\t11\n", "/dev/zero");
	snprintf(cmd, sizeof(cmd), "%s/self", root);
	mkdir(cmd, 0755); /* not a pid: skipped */

	CHECK(clients_collect(root, "/dev/null", "vaccel", &c) == 0, "collect");
	CHECK(c.count == 2, "%zu clients", c.count);
	if (c.count == 2) {
		CHECK(c.v[0].client_id == 2 && c.v[1].client_id == 5, "sorted by id");
		CHECK(c.v[0].pid == 300 && !c.v[0].has_engine && !c.v[0].has_total, "client 2");
		CHECK(c.v[1].pid == 300, "client 5 under the lower pid, got %d", c.v[1].pid);
		CHECK(!strcmp(c.v[1].command, "trainer"), "command '%s'", c.v[1].command);
		CHECK(c.v[1].has_engine && c.v[1].engine_compute_ns == 100, "engine");
		CHECK(c.v[1].total_system == 8192 && c.v[1].resident_system == 4096, "memory");
	}
	clients_free(&c);
	CHECK(clients_collect(root, "/nonexistent-node", "vaccel", &c) == -ENOENT, "no node");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK(system(cmd) == 0, "cleanup");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test-fdinfo DATA_DIR\n");
		return 2;
	}
	data_dir = argv[1];
	RUN_CASE(test_vaccel);
	RUN_CASE(test_amdgpu);
	RUN_CASE(test_not_drm);
	RUN_CASE(test_malformed);
	RUN_CASE(test_limits);
	RUN_CASE(test_scan);
	HARNESS_EXIT();
}
