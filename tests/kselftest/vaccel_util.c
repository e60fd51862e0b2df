// SPDX-License-Identifier: MIT
/*
 * vaccel_util.c - see vaccel_util.h.
 */
#include "vaccel_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

int vt_open(void)
{
	DIR *dir = opendir("/dev/dri");
	struct dirent *de;
	int found = -ENODEV;

	if (!dir)
		return -ENODEV;
	while ((de = readdir(dir)) != NULL) {
		char path[300];
		drmVersionPtr v;
		int fd;

		if (strncmp(de->d_name, "renderD", 7) != 0)
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", de->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		if (v && strcmp(v->name, "vaccel") == 0) {
			drmFreeVersion(v);
			found = fd;
			break;
		}
		if (v)
			drmFreeVersion(v);
		close(fd);
	}
	closedir(dir);
	return found;
}

int vt_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret == -1 ? -errno : 0;
}

int vt_get_param(int fd, uint32_t param, uint64_t *value)
{
	struct drm_vaccel_get_param a = { .param = param };
	int ret = vt_ioctl(fd, DRM_IOCTL_VACCEL_GET_PARAM, &a);

	*value = a.value;
	return ret;
}

uint64_t vt_param(int fd, uint32_t param)
{
	uint64_t v;

	return vt_get_param(fd, param, &v) ? UINT64_MAX : v;
}

int vt_bo_create(int fd, uint64_t size, uint32_t *handle)
{
	struct drm_vaccel_bo_create a = { .size = size };
	int ret = vt_ioctl(fd, DRM_IOCTL_VACCEL_BO_CREATE, &a);

	*handle = a.handle;
	return ret;
}

int vt_bo_destroy(int fd, uint32_t handle)
{
	struct drm_vaccel_bo_destroy a = { .handle = handle };

	return vt_ioctl(fd, DRM_IOCTL_VACCEL_BO_DESTROY, &a);
}

int vt_bo_size(int fd, uint32_t handle, uint64_t *size)
{
	struct drm_vaccel_bo_info a = { .handle = handle };
	int ret = vt_ioctl(fd, DRM_IOCTL_VACCEL_BO_INFO, &a);

	*size = a.size;
	return ret;
}

void *vt_bo_map(int fd, uint32_t handle, size_t size)
{
	struct drm_vaccel_bo_mmap_offset a = { .handle = handle };
	void *p;
	int ret = vt_ioctl(fd, DRM_IOCTL_VACCEL_BO_MMAP_OFFSET, &a);

	if (ret) {
		errno = -ret;
		return NULL;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)a.offset);
	return p == MAP_FAILED ? NULL : p;
}

int vt_ctx_create(int fd, uint32_t priority, uint32_t num_queues, uint32_t *ctx_id)
{
	struct drm_vaccel_ctx_create a = { .priority = priority, .num_queues = num_queues };
	int ret = vt_ioctl(fd, DRM_IOCTL_VACCEL_CTX_CREATE, &a);

	*ctx_id = a.ctx_id;
	return ret;
}

int vt_ctx_destroy(int fd, uint32_t ctx_id)
{
	struct drm_vaccel_ctx_destroy a = { .ctx_id = ctx_id };

	return vt_ioctl(fd, DRM_IOCTL_VACCEL_CTX_DESTROY, &a);
}

int vt_ctx_state(int fd, uint32_t ctx_id, struct drm_vaccel_ctx_get_state *state)
{
	memset(state, 0, sizeof(*state));
	state->ctx_id = ctx_id;
	return vt_ioctl(fd, DRM_IOCTL_VACCEL_CTX_GET_STATE, state);
}

int vt_submit_sync(int fd, uint32_t ctx, uint32_t queue, const struct vt_cmdbuf *cb,
		   const uint32_t *bos, uint32_t nbos, const uint32_t *in_syncs,
		   uint32_t nin, uint32_t out_sync, uint64_t *seqno)
{
	struct drm_vaccel_submit a = {
		.cmdbuf_ptr = (uintptr_t)cb->data,
		.cmdbuf_size = cb->size,
		.ctx_id = ctx,
		.bo_handles_ptr = (uintptr_t)bos,
		.bo_count = nbos,
		.queue = queue,
		.in_syncs_ptr = (uintptr_t)in_syncs,
		.in_sync_count = nin,
		.out_sync = out_sync,
	};
	int ret = vt_ioctl(fd, DRM_IOCTL_VACCEL_SUBMIT, &a);

	if (seqno)
		*seqno = a.seqno;
	return ret;
}

int vt_submit(int fd, uint32_t ctx, uint32_t queue, const struct vt_cmdbuf *cb,
	      const uint32_t *bos, uint32_t nbos, uint64_t *seqno)
{
	return vt_submit_sync(fd, ctx, queue, cb, bos, nbos, NULL, 0, 0, seqno);
}

int64_t vt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t vt_deadline_ms(int64_t ms)
{
	return vt_now_ns() + ms * 1000000;
}

int vt_wait(int fd, uint32_t ctx, uint32_t queue, uint64_t seqno, int64_t deadline_ns,
	    uint32_t *job_error)
{
	struct drm_vaccel_wait a = {
		.ctx_id = ctx,
		.queue = queue,
		.seqno = seqno,
		.timeout_ns = deadline_ns,
	};
	int ret = vt_ioctl(fd, DRM_IOCTL_VACCEL_WAIT, &a);

	if (job_error)
		*job_error = a.job_error;
	return ret;
}

static void cb_reserve(struct vt_cmdbuf *cb, uint32_t more)
{
	if (cb->size + more <= cb->cap)
		return;
	while (cb->size + more > cb->cap)
		cb->cap = cb->cap ? cb->cap * 2 : 256;
	cb->data = realloc(cb->data, cb->cap);
	if (!cb->data) {
		perror("realloc");
		abort();
	}
}

void vt_cb_init(struct vt_cmdbuf *cb)
{
	struct vaccel_cmdbuf_header h = {
		.magic = VACCEL_CMDBUF_MAGIC,
		.version_major = VACCEL_ISA_VERSION_MAJOR,
		.version_minor = VACCEL_ISA_VERSION_MINOR,
	};

	memset(cb, 0, sizeof(*cb));
	cb_reserve(cb, sizeof(h));
	memcpy(cb->data, &h, sizeof(h));
	cb->size = sizeof(h);
}

void vt_cb_fini(struct vt_cmdbuf *cb)
{
	free(cb->data);
	memset(cb, 0, sizeof(*cb));
}

uint32_t vt_cb_packets(const struct vt_cmdbuf *cb)
{
	return ((const struct vaccel_cmdbuf_header *)cb->data)->num_packets;
}

void vt_cb_add(struct vt_cmdbuf *cb, void *pkt, uint32_t size)
{
	((struct vaccel_pkt_header *)pkt)->size = size;
	cb_reserve(cb, size);
	memcpy(cb->data + cb->size, pkt, size);
	cb->size += size;
	((struct vaccel_cmdbuf_header *)cb->data)->num_packets++;
}

uint32_t vt_f32_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

struct vaccel_tensor vt_tensor(uint32_t buf, uint64_t offset, uint32_t rank,
			       const uint32_t *dims)
{
	struct vaccel_tensor t = { .buf = buf, .dtype = VACCEL_DTYPE_F32, .offset = offset };
	uint64_t stride = 1;

	t.rank = rank;
	for (uint32_t i = rank; i-- > 0;) {
		t.dims[i] = dims[i];
		t.strides[i] = stride;
		stride *= dims[i];
	}
	return t;
}

struct vaccel_tensor vt_tensor1(uint32_t buf, uint64_t offset, uint32_t n)
{
	return vt_tensor(buf, offset, 1, &n);
}

struct vaccel_tensor vt_tensor2(uint32_t buf, uint64_t offset, uint32_t rows, uint32_t cols)
{
	const uint32_t dims[2] = { rows, cols };

	return vt_tensor(buf, offset, 2, dims);
}

void vt_nop(struct vt_cmdbuf *cb)
{
	struct vaccel_pkt_nop p = { .hdr.opcode = VACCEL_OP_NOP };

	vt_cb_add(cb, &p, sizeof(p));
}

void vt_fill(struct vt_cmdbuf *cb, uint32_t buf, uint64_t offset, uint32_t n, float value)
{
	struct vaccel_pkt_fill p = { .hdr.opcode = VACCEL_OP_FILL };

	p.value = vt_f32_bits(value);
	p.dst = vt_tensor1(buf, offset, n);
	vt_cb_add(cb, &p, sizeof(p));
}

void vt_fence(struct vt_cmdbuf *cb, uint32_t buf, uint64_t offset, uint64_t value)
{
	struct vaccel_pkt_fence p = { .hdr.opcode = VACCEL_OP_FENCE };

	p.buf = buf;
	p.offset = offset;
	p.value = value;
	vt_cb_add(cb, &p, sizeof(p));
}

void vt_gemm(struct vt_cmdbuf *cb, uint32_t buf, uint64_t a_off, uint64_t b_off,
	     uint64_t c_off, uint32_t m, uint32_t n, uint32_t k)
{
	struct vaccel_pkt_gemm p = { .hdr.opcode = VACCEL_OP_GEMM };

	p.alpha = vt_f32_bits(1.0f);
	p.beta = vt_f32_bits(0.0f);
	p.a = vt_tensor2(buf, a_off, m, k);
	p.b = vt_tensor2(buf, b_off, k, n);
	p.c = vt_tensor2(buf, c_off, m, n);
	vt_cb_add(cb, &p, sizeof(p));
}

void vt_binary(struct vt_cmdbuf *cb, uint32_t op, uint32_t ybuf, uint64_t y_off, uint32_t abuf,
	       uint64_t a_off, uint32_t bbuf, uint64_t b_off, uint32_t n)
{
	struct vaccel_pkt_binary p = { .hdr.opcode = VACCEL_OP_BINARY };

	p.op = op;
	p.a = vt_tensor1(abuf, a_off, n);
	p.b = vt_tensor1(bbuf, b_off, n);
	p.y = vt_tensor1(ybuf, y_off, n);
	vt_cb_add(cb, &p, sizeof(p));
}

uint32_t vt_rand(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

float vt_randf(uint32_t *state)
{
	return (float)((double)(vt_rand(state) >> 8) / (double)(1u << 23) - 1.0);
}

long long vt_module_param(const char *name)
{
	char path[256];
	long long v;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/vaccel/parameters/%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

void vt_busy(struct vt_cmdbuf *cb, uint32_t buf, uint32_t n, uint32_t reps)
{
	uint64_t nn = (uint64_t)n * n * sizeof(float);

	for (uint32_t i = 0; i < reps; i++)
		vt_gemm(cb, buf, 0, nn, 2 * nn, n, n, n);
}

double vt_time_gemm_ms(int fd, uint32_t ctx, uint32_t bo, uint32_t n)
{
	struct vt_cmdbuf cb;
	uint32_t job_error = 0;
	uint64_t seqno;
	int64_t t0;
	int ret;

	vt_cb_init(&cb);
	vt_busy(&cb, 0, n, 1);
	t0 = vt_now_ns();
	ret = vt_submit(fd, ctx, 0, &cb, &bo, 1, &seqno);
	if (!ret)
		ret = vt_wait(fd, ctx, 0, seqno, vt_deadline_ms(120000), &job_error);
	vt_cb_fini(&cb);
	if (ret)
		return ret;
	if (job_error)
		return -(double)job_error;
	return (double)(vt_now_ns() - t0) / 1e6;
}

uint32_t vt_busy_reps(double ms_each, double target_ms, uint64_t max_cmdbuf)
{
	uint64_t fit = (max_cmdbuf - sizeof(struct vaccel_cmdbuf_header)) /
		       sizeof(struct vaccel_pkt_gemm);
	double reps = ms_each > 0 ? target_ms / ms_each + 1 : (double)fit;

	if (reps > (double)fit)
		reps = (double)fit;
	return reps < 1 ? 1 : (uint32_t)reps;
}
