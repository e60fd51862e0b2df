// SPDX-License-Identifier: MIT
/*
 * vaccel_ioctl_fuzz - a bounded, seeded random-ioctl fuzzer for the vaccel
 * driver.
 *
 *	vaccel_ioctl_fuzz [--seed N] [--calls N]
 *
 * It mixes valid and corrupted arguments: random and stale handles and
 * context ids, odd sizes, non-zero pads and flags, command buffers built from
 * valid packets with one field or byte mutated, random syncobjs, destroys in
 * random order, mappings, fork (the child keeps using the file) and close /
 * reopen with jobs in flight. Every errno is checked against the set the uAPI
 * allows for that ioctl (include/uapi/drm/vaccel_drm.h, Documentation/uapi.rst;
 * for SUBMIT also the validator's -EOPNOTSUPP and -E2BIG of isa.rst), and
 * every success against what it promises (handles and ids never 0, a BO at
 * least as big as asked, seqnos counting up by one per queue).
 *
 * The kernel side is checked by whoever runs it: the VM harness scans the
 * kernel log and unloads the module afterwards. Exit 0: every call behaved;
 * 1: some did not (each is printed); 77: no vaccel node. The seed is printed
 * first, so any run can be replayed with --seed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "vaccel_util.h"

#define MAX_BOS 48
#define MAX_CTXS 16
#define MAX_SYNCS 16
#define MAX_MAPS 8
#define SMALL_BO_MAX (256u * 1024u) /* only buffers this small go into submits */

struct fz_bo {
	uint32_t handle;
	uint64_t size;
};

struct fz_ctx {
	uint32_t id;
	uint32_t num_queues;
	uint64_t last_seqno[8];
	/* Per queue: 0 after a fork (the child may have submitted too) until
	 * our next accepted submit tells the seqno again. */
	uint8_t seqno_known[8];
};

struct fz_map {
	void *p;
	size_t len;
};

static struct {
	uint64_t rng;
	int fd;
	struct fz_bo bos[MAX_BOS];
	uint32_t nbos;
	uint32_t stale[MAX_BOS]; /* destroyed handles, for use-after-destroy */
	uint32_t nstale;
	struct fz_ctx ctxs[MAX_CTXS];
	uint32_t nctxs;
	uint32_t syncs[MAX_SYNCS];
	uint32_t nsyncs;
	struct fz_map maps[MAX_MAPS];
	uint32_t nmaps;
	uint64_t max_bo, max_cmdbuf, max_bos, max_syncs, nprio, maxq;
	uint64_t calls, ok, refused, submits_ok, bad;
	uint64_t by_errno[160]; /* refusals per errno, for the summary */
	uint64_t job_errors[160]; /* job_error values WAIT reported */
	int in_child;
} fz;

static uint64_t rnd(void)
{
	/* xorshift64* */
	fz.rng ^= fz.rng >> 12;
	fz.rng ^= fz.rng << 25;
	fz.rng ^= fz.rng >> 27;
	return fz.rng * 0x2545f4914f6cdd1dull;
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static int chance(uint32_t one_in)
{
	return below(one_in) == 0;
}

static uint32_t interesting_u32(void)
{
	static const uint32_t v[] = { 0, 1, 2, 3, 7, 8, 16, 255, 4096, 0x7fff, 0xffff,
				      0x10000, 0x7fffffff, 0x80000000u, 0xfffffffeu, 0xffffffffu };

	return chance(3) ? (uint32_t)rnd() : v[below(sizeof(v) / sizeof(v[0]))];
}

/* Record one call's result; @allowed is a 0-terminated list of errnos. */
static void check(const char *what, int ret, const int *allowed)
{
	fz.calls++;
	if (ret == 0) {
		fz.ok++;
		return;
	}
	for (const int *a = allowed; *a; a++) {
		if (-ret == *a) {
			fz.refused++;
			if (-ret < 160)
				fz.by_errno[-ret]++;
			return;
		}
	}
	fz.bad++;
	printf("# call %" PRIu64 "%s: %s returned %d (%s), not an errno the uAPI allows\n",
	       fz.calls, fz.in_child ? " (forked child)" : "", what, ret, strerror(-ret));
}

/* A call succeeded but broke a promise of the uAPI. */
#define BROKEN(what, fmt, ...)                                                        \
	do {                                                                          \
		fz.bad++;                                                             \
		printf("# call %" PRIu64 ": %s: " fmt "\n", fz.calls, what, __VA_ARGS__); \
	} while (0)

static const int E_PARAM[] = { EINVAL, 0 };
static const int E_CREATE[] = { EINVAL, ENOSPC, ENOMEM, 0 };
static const int E_HANDLE[] = { ENOENT, EINVAL, 0 };
static const int E_INFO[] = { ENOENT, 0 };
static const int E_CTX_CREATE[] = { EINVAL, ENOMEM, 0 };
static const int E_SUBMIT[] = { ENOENT, EINVAL, E2BIG, EFAULT, ECANCELED, EOPNOTSUPP, ENOMEM, 0 };
static const int E_WAIT[] = { ENOENT, EINVAL, ETIME, 0 };
/* A forked child may have destroyed the context: ENOENT. */
static const int E_DRAIN[] = { ENOENT, 0 };
static const int E_SYNCOBJ[] = { EINVAL, ENOENT, 0 };
static const int E_UNKNOWN[] = { ENOTTY, 0 };

/* A buffer handle: mostly live, sometimes stale, sometimes made up. */
static uint32_t pick_handle(void)
{
	if (fz.nbos && !chance(8))
		return fz.bos[below(fz.nbos)].handle;
	if (fz.nstale && chance(2))
		return fz.stale[below(fz.nstale)];
	return interesting_u32();
}

static struct fz_ctx *pick_ctx(void)
{
	return fz.nctxs ? &fz.ctxs[below(fz.nctxs)] : NULL;
}

static uint32_t pick_ctx_id(void)
{
	struct fz_ctx *c = pick_ctx();

	return c && !chance(8) ? c->id : interesting_u32();
}

static void forget_bo(uint32_t i)
{
	if (fz.nstale < MAX_BOS)
		fz.stale[fz.nstale++] = fz.bos[i].handle;
	else
		fz.stale[below(MAX_BOS)] = fz.bos[i].handle;
	fz.bos[i] = fz.bos[--fz.nbos];
}

static void op_get_param(void)
{
	struct drm_vaccel_get_param a = { .param = below(DRM_VACCEL_PARAM_COUNT + 2) };

	if (chance(10))
		a.param = interesting_u32();
	if (chance(10))
		a.pad = interesting_u32();
	check("GET_PARAM", vt_ioctl(fz.fd, DRM_IOCTL_VACCEL_GET_PARAM, &a), E_PARAM);
}

static void op_bo_create(void)
{
	struct drm_vaccel_bo_create a = { 0 };
	struct drm_vaccel_bo_info info = { 0 };
	int ret;

	switch (below(8)) {
	case 0: a.size = 0; break;
	case 1: a.size = fz.max_bo + 1 + below(4096); break;
	case 2: a.size = UINT64_MAX - below(4096); break;
	case 3: a.size = fz.max_bo; break; /* lazily backed; destroyed at once */
	default: a.size = 1 + below(SMALL_BO_MAX); break;
	}
	if (chance(12))
		a.flags = interesting_u32();
	ret = vt_ioctl(fz.fd, DRM_IOCTL_VACCEL_BO_CREATE, &a);
	check("BO_CREATE", ret, E_CREATE);
	if (ret)
		return;
	if (a.handle == 0)
		BROKEN("BO_CREATE", "handle 0 for size %" PRIu64, (uint64_t)a.size);
	info.handle = a.handle;
	ret = vt_ioctl(fz.fd, DRM_IOCTL_VACCEL_BO_INFO, &info);
	check("BO_INFO", ret, E_INFO);
	if (!ret && info.size < a.size)
		BROKEN("BO_INFO", "size %" PRIu64 " < asked %" PRIu64, (uint64_t)info.size, (uint64_t)a.size);
	if (a.size > SMALL_BO_MAX || fz.nbos == MAX_BOS) {
		check("BO_DESTROY", vt_bo_destroy(fz.fd, a.handle), E_HANDLE);
		return;
	}
	fz.bos[fz.nbos++] = (struct fz_bo){ .handle = a.handle, .size = info.size };
}

static void op_bo_handle_ioctl(void)
{
	uint32_t h = pick_handle();

	switch (below(4)) {
	case 0: {
		struct drm_vaccel_bo_info a = { .handle = h };

		check("BO_INFO", vt_ioctl(fz.fd, DRM_IOCTL_VACCEL_BO_INFO, &a), E_INFO);
		break;
	}
	case 1: {
		struct drm_vaccel_bo_mmap_offset a = { .handle = h };

		if (chance(6))
			a.pad = interesting_u32();
		check("BO_MMAP_OFFSET", vt_ioctl(fz.fd, DRM_IOCTL_VACCEL_BO_MMAP_OFFSET, &a),
		      E_HANDLE);
		break;
	}
	default: {
		struct drm_vaccel_bo_destroy a = { .handle = h };
		int ret;

		if (chance(6))
			a.pad = interesting_u32();
		ret = vt_ioctl(fz.fd, DRM_IOCTL_VACCEL_BO_DESTROY, &a);
		check("BO_DESTROY", ret, E_HANDLE);
		for (uint32_t i = 0; !ret && i < fz.nbos; i++) {
			if (fz.bos[i].handle == h) {
				forget_bo(i);
				break;
			}
		}
		break;
	}
	}
}

static void op_map(void)
{
	struct fz_bo *bo;
	void *p;

	if (fz.nmaps == MAX_MAPS || chance(3)) {
		if (fz.nmaps) {
			uint32_t i = below(fz.nmaps);

			munmap(fz.maps[i].p, fz.maps[i].len);
			fz.maps[i] = fz.maps[--fz.nmaps];
		}
		return;
	}
	if (!fz.nbos)
		return;
	bo = &fz.bos[below(fz.nbos)];
	fz.calls++;
	p = vt_bo_map(fz.fd, bo->handle, bo->size);
	if (!p) {
		BROKEN("BO_MMAP_OFFSET+mmap", "mmap of a live %" PRIu64 "-byte buffer failed (errno %" PRIu64 ")", bo->size, (uint64_t)errno);
		return;
	}
	fz.ok++;
	/* Touch both ends: pages must be there whatever jobs do with them. */
	((volatile uint8_t *)p)[0] ^= 0;
	((volatile uint8_t *)p)[bo->size - 1] ^= 0;
	fz.maps[fz.nmaps++] = (struct fz_map){ .p = p, .len = bo->size };
}

static void op_ctx_create(void)
{
	struct drm_vaccel_ctx_create a = {
		.priority = below((uint32_t)fz.nprio),
		.num_queues = 1 + below((uint32_t)fz.maxq),
	};
	int ret;

	if (fz.nctxs == MAX_CTXS)
		return;
	switch (below(10)) {
	case 0: a.priority = (uint32_t)fz.nprio + below(3); break;
	case 1: a.num_queues = chance(2) ? 0 : (uint32_t)fz.maxq + 1 + below(100); break;
	case 2: a.flags = interesting_u32(); break;
	case 3: a.priority = interesting_u32(); break;
	default: break;
	}
	ret = vt_ioctl(fz.fd, DRM_IOCTL_VACCEL_CTX_CREATE, &a);
	check("CTX_CREATE", ret, E_CTX_CREATE);
	if (ret)
		return;
	if (a.ctx_id == 0)
		BROKEN("CTX_CREATE", "ctx_id 0 (priority %u, %u queues, flags %#x, child %d)", a.priority, a.num_queues, a.flags, fz.in_child);
	fz.ctxs[fz.nctxs] = (struct fz_ctx){ .id = a.ctx_id, .num_queues = a.num_queues };
	memset(fz.ctxs[fz.nctxs].seqno_known, 1, sizeof(fz.ctxs[fz.nctxs].seqno_known));
	fz.nctxs++;
}

static void op_ctx_ioctl(void)
{
	uint32_t id = pick_ctx_id();

	if (chance(3)) {
		struct drm_vaccel_ctx_destroy a = { .ctx_id = id };
		int ret;

		if (chance(6))
			a.pad = interesting_u32();
		ret = vt_ioctl(fz.fd, DRM_IOCTL_VACCEL_CTX_DESTROY, &a);
		check("CTX_DESTROY", ret, E_HANDLE);
		for (uint32_t i = 0; !ret && i < fz.nctxs; i++) {
			if (fz.ctxs[i].id == id) {
				fz.ctxs[i] = fz.ctxs[--fz.nctxs];
				break;
			}
		}
	} else {
		struct drm_vaccel_ctx_get_state st;
		int ret = vt_ctx_state(fz.fd, id, &st);

		check("CTX_GET_STATE", ret, E_INFO);
		if (!ret && st.state > DRM_VACCEL_CTX_STATE_INNOCENT)
			BROKEN("CTX_GET_STATE", "state %u of ctx %u", st.state, id);
	}
}

static void op_syncobj(void)
{
	if (fz.nsyncs < MAX_SYNCS && !chance(3)) {
		uint32_t h;
		/* libdrm's syncobj create/destroy return -1 and set errno. */
		int ret = drmSyncobjCreate(fz.fd, chance(2) ? DRM_SYNCOBJ_CREATE_SIGNALED : 0, &h)
				  ? -errno : 0;

		check("SYNCOBJ_CREATE", ret, E_SYNCOBJ);
		if (!ret)
			fz.syncs[fz.nsyncs++] = h;
	} else if (fz.nsyncs) {
		uint32_t i = below(fz.nsyncs);

		check("SYNCOBJ_DESTROY", drmSyncobjDestroy(fz.fd, fz.syncs[i]) ? -errno : 0,
		      E_SYNCOBJ);
		fz.syncs[i] = fz.syncs[--fz.nsyncs];
	}
}

/* A dense f32 operand of @n elements inside buffer index @b (size @size). */
static struct vaccel_tensor operand(uint32_t b, uint64_t size, uint32_t n)
{
	uint64_t room = size / 4 > n ? size / 4 - n : 0;

	return vt_tensor1(b, (uint64_t)below((uint32_t)room + 1) * 4, n);
}

/* Append 1..6 valid packets that use buffers 0 .. nb-1 of @list. */
static void valid_packets(struct vt_cmdbuf *cb, const struct fz_bo *list, uint32_t nb)
{
	uint32_t npk = 1 + below(6);

	for (uint32_t k = 0; k < npk; k++) {
		uint32_t b0 = below(nb), b1 = below(nb), b2 = below(nb);
		uint64_t smallest = list[b0].size;
		uint32_t n;

		if (list[b1].size < smallest)
			smallest = list[b1].size;
		if (list[b2].size < smallest)
			smallest = list[b2].size;
		n = 1 + below((uint32_t)(smallest / 4 < 256 ? smallest / 4 : 256));
		switch (nb ? below(7) : 0) {
		case 0:
			vt_nop(cb);
			break;
		case 1: {
			struct vaccel_pkt_fill p = { .hdr.opcode = VACCEL_OP_FILL };

			p.value = vt_f32_bits((float)below(100));
			p.dst = operand(b0, list[b0].size, n);
			vt_cb_add(cb, &p, sizeof(p));
			break;
		}
		case 2: {
			struct vaccel_pkt_copy p = { .hdr.opcode = VACCEL_OP_COPY };

			/* In one buffer: separate ranges if they fit, else the same range. */
			p.dst = vt_tensor1(b0, 0, n);
			p.src = vt_tensor1(b1, 0, n);
			if (b0 == b1 && smallest / 4 >= 2 * (uint64_t)n)
				p.src.offset = (uint64_t)n * 4;
			vt_cb_add(cb, &p, sizeof(p));
			break;
		}
		case 3: {
			uint32_t m = 1 + below(16), kk = 1 + below(16), nn = 1 + below(16);

			/* Now and then a GEMM that takes a while (~100 ms under TCG), so
			 * a short job_timeout_ms cancels and bans while the fuzzer runs. */
			if (chance(40) && list[b0].size >= 3 * 128 * 128 * 4)
				m = kk = nn = 128;

			if ((uint64_t)(m * kk + kk * nn + m * nn) * 4 > list[b0].size) {
				vt_nop(cb);
				break;
			}
			vt_gemm(cb, b0, 0, (uint64_t)m * kk * 4, (uint64_t)(m * kk + kk * nn) * 4,
				m, nn, kk);
			break;
		}
		case 4:
			vt_binary(cb, below(VACCEL_BINARY_COUNT), b0, 0, b1, 0, b2, 0, n);
			break;
		case 5: {
			struct vaccel_pkt_timestamp p = { .hdr.opcode = VACCEL_OP_TIMESTAMP };

			p.buf = b0;
			p.offset = (uint64_t)below((uint32_t)(list[b0].size / 8)) * 8;
			vt_cb_add(cb, &p, sizeof(p));
			break;
		}
		default:
			vt_fence(cb, b0, (uint64_t)below((uint32_t)(list[b0].size / 8)) * 8, rnd());
			break;
		}
	}
}

/* Corrupt one thing of a command buffer. */
static void mutate_cmdbuf(struct vt_cmdbuf *cb)
{
	uint32_t words = cb->size / 4;

	switch (below(3)) {
	case 0:
		cb->data[below(cb->size)] = (uint8_t)rnd();
		break;
	case 1:
		((uint32_t *)cb->data)[below(words)] = interesting_u32();
		break;
	default:
		/* A 64-bit field (offsets, strides, values) gets a wild value. */
		if (words >= 2)
			memcpy(cb->data + 8 * below(cb->size / 8), &(uint64_t){ rnd() >> below(64) },
			       8);
		break;
	}
}

static void op_submit(void)
{
	struct fz_ctx *ctx = pick_ctx();
	struct fz_bo list[8];
	uint32_t handles[8], in_syncs[4];
	uint32_t nb = fz.nbos ? below(fz.nbos < 8 ? fz.nbos + 1 : 9) : 0, nin = 0;
	struct vt_cmdbuf cb;
	struct drm_vaccel_submit a = { 0 };
	int ret, valid = !chance(3);

	for (uint32_t i = 0; i < nb; i++) {
		list[i] = fz.bos[below(fz.nbos)];
		handles[i] = list[i].handle;
	}
	if (fz.nsyncs && chance(3)) {
		nin = 1 + below(fz.nsyncs < 4 ? fz.nsyncs : 4);
		for (uint32_t i = 0; i < nin; i++)
			in_syncs[i] = fz.syncs[below(fz.nsyncs)];
	}
	vt_cb_init(&cb);
	valid_packets(&cb, list, nb);
	a.cmdbuf_ptr = (uintptr_t)cb.data;
	a.cmdbuf_size = cb.size;
	a.ctx_id = ctx ? ctx->id : interesting_u32();
	a.bo_handles_ptr = (uintptr_t)handles;
	a.bo_count = nb;
	a.queue = ctx ? below(ctx->num_queues) : 0;
	a.in_syncs_ptr = (uintptr_t)in_syncs;
	a.in_sync_count = nin;
	a.out_sync = fz.nsyncs && chance(3) ? fz.syncs[below(fz.nsyncs)] : 0;
	if (!valid) {
		switch (below(14)) {
		case 0: case 1: case 2: case 3: mutate_cmdbuf(&cb); break;
		case 4: a.cmdbuf_size = chance(2) ? interesting_u32() : a.cmdbuf_size - 8 * below(3); break;
		case 5: a.ctx_id = pick_ctx_id(); break;
		case 6: a.bo_count = chance(2) ? interesting_u32() : nb + below(3); break;
		case 7: if (nb) handles[below(nb)] = pick_handle(); break;
		case 8: a.queue = interesting_u32(); break;
		case 9: a.in_sync_count = chance(2) ? interesting_u32() : nin + 1; in_syncs[0] = interesting_u32(); break;
		case 10: a.out_sync = interesting_u32(); break;
		case 11: a.flags = interesting_u32(); break;
		case 12: a.pad = interesting_u32(); break;
		default: a.cmdbuf_ptr = chance(2) ? 0 : (uintptr_t)rnd(); break;
		}
	}
	ret = vt_ioctl(fz.fd, DRM_IOCTL_VACCEL_SUBMIT, &a);
	check("SUBMIT", ret, E_SUBMIT);
	if (!ret) {
		fz.submits_ok++;
		/* Only our contexts are ever accepted; seqnos count up per queue. */
		for (uint32_t i = 0; i < fz.nctxs; i++) {
			struct fz_ctx *c = &fz.ctxs[i];

			if (c->id != a.ctx_id || a.queue >= c->num_queues)
				continue;
			if (c->seqno_known[a.queue] && a.seqno != c->last_seqno[a.queue] + 1)
				BROKEN("SUBMIT", "seqno %" PRIu64 " after %" PRIu64, (uint64_t)a.seqno,
				       c->last_seqno[a.queue]);
			c->last_seqno[a.queue] = a.seqno;
			c->seqno_known[a.queue] = 1;
		}
	}
	vt_cb_fini(&cb);
}

/* A finished job ends with 0 or one of the errnos WAIT documents. */
static void check_job_error(int ret, uint32_t job_error)
{
	if (ret)
		return;
	if (job_error < 160)
		fz.job_errors[job_error]++;
	if (job_error != 0 && job_error != ETIMEDOUT && job_error != ECANCELED &&
	    job_error != EDOM)
		BROKEN("WAIT", "job_error %u is none of 0, ETIMEDOUT, ECANCELED, EDOM", job_error);
}

static void op_wait(int drain)
{
	struct fz_ctx *c = pick_ctx();
	struct drm_vaccel_wait a = { 0 };
	int ret;

	if (!c)
		return;
	a.ctx_id = c->id;
	a.queue = below(c->num_queues);
	a.seqno = c->last_seqno[a.queue];
	a.timeout_ns = drain ? vt_deadline_ms(30000) : vt_now_ns() + (int64_t)below(1000000);
	if (!drain) {
		switch (below(10)) {
		case 0: a.seqno = rnd(); break;
		case 1: a.seqno += 1 + below(3); break;
		case 2: a.ctx_id = pick_ctx_id(); break;
		case 3: a.queue = interesting_u32(); break;
		case 4: a.flags = interesting_u32(); break;
		case 5: a.timeout_ns = -(int64_t)below(1000); break;
		default: break;
		}
	}
	a.job_error = 0;
	ret = vt_ioctl(fz.fd, DRM_IOCTL_VACCEL_WAIT, &a);
	check("WAIT", ret, E_WAIT);
	check_job_error(ret, a.job_error);
}

static void op_unknown_ioctl(void)
{
	uint64_t arg[8] = { 0 };
	uint32_t nr = DRM_COMMAND_BASE + DRM_VACCEL_WAIT + 1 +
		      below(DRM_COMMAND_END - DRM_COMMAND_BASE - DRM_VACCEL_WAIT - 1);

	check("unknown driver ioctl", vt_ioctl(fz.fd, DRM_IOWR(nr, uint64_t[8]), arg), E_UNKNOWN);
}

/* Wait for every queue's last job, so the amount of queued work stays bounded. */
static void drain(void)
{
	for (uint32_t i = 0; i < fz.nctxs; i++) {
		struct fz_ctx *c = &fz.ctxs[i];

		for (uint32_t q = 0; q < c->num_queues; q++) {
			struct drm_vaccel_wait a = { .ctx_id = c->id, .queue = q,
						     .seqno = c->last_seqno[q],
						     .timeout_ns = vt_deadline_ms(60000) };

			if (a.seqno && c->seqno_known[q]) {
				int ret = vt_ioctl(fz.fd, DRM_IOCTL_VACCEL_WAIT, &a);

				check("WAIT (drain)", ret, E_DRAIN);
				check_job_error(ret, a.job_error);
			}
		}
	}
}

static int open_device(void)
{
	fz.fd = vt_open();
	fz.nbos = fz.nstale = fz.nctxs = fz.nsyncs = 0;
	return fz.fd;
}

static void one_op(void)
{
	switch (below(20)) {
	case 0: op_get_param(); break;
	case 1: case 2: op_bo_create(); break;
	case 3: case 4: op_bo_handle_ioctl(); break;
	case 5: op_map(); break;
	case 6: op_ctx_create(); break;
	case 7: op_ctx_ioctl(); break;
	case 8: op_syncobj(); break;
	case 9: op_unknown_ioctl(); break;
	case 10: case 11: op_wait(0); break;
	default: op_submit(); break;
	}
}

/*
 * After a forked child used our file: it may have destroyed our buffers and
 * contexts (and reused their numbers), and its submits moved the seqnos.
 * Drop what is gone, take sizes again, and forget the seqnos.
 */
static void resync(void)
{
	for (uint32_t i = 0; i < fz.nbos;) {
		if (vt_bo_size(fz.fd, fz.bos[i].handle, &fz.bos[i].size) ||
		    fz.bos[i].size > SMALL_BO_MAX)
			fz.bos[i] = fz.bos[--fz.nbos];
		else
			i++;
	}
	for (uint32_t i = 0; i < fz.nctxs;) {
		struct drm_vaccel_ctx_get_state st;

		if (vt_ctx_state(fz.fd, fz.ctxs[i].id, &st)) {
			fz.ctxs[i] = fz.ctxs[--fz.nctxs];
			continue;
		}
		/* The id may now name a context of the child's, with fewer queues. */
		fz.ctxs[i].num_queues = 1;
		memset(fz.ctxs[i].seqno_known, 0, sizeof(fz.ctxs[i].seqno_known));
		i++;
	}
}

/* A child that keeps using the parent's file for a while, then exits. */
static void op_fork(void)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		fz.in_child = 1;
		fz.bad = 0;
		fz.rng ^= 0x9e3779b97f4a7c15ull;
		for (int i = 0; i < 200; i++)
			one_op();
		fflush(stdout);
		_exit(fz.bad ? 1 : 0); /* jobs may still be in flight */
	}
	fz.calls += 200;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fz.bad++;
		printf("# call %" PRIu64 ": the forked child failed (wait status %d)\n", fz.calls, st);
	}
	resync();
}

int main(int argc, char **argv)
{
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	uint64_t calls = 100000;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--calls") == 0 && i + 1 < argc)
			calls = strtoull(argv[++i], NULL, 0);
		else {
			fprintf(stderr, "usage: %s [--seed N] [--calls N]\n", argv[0]);
			return 1;
		}
	}
	printf("# seed %" PRIu64 " (replay: --seed %" PRIu64 " --calls %" PRIu64 ")\n", seed, seed,
	       calls);
	fz.rng = seed ? seed : 1;
	if (open_device() < 0) {
		printf("# SKIP: no vaccel render node\n");
		return 77;
	}
	fz.max_bo = vt_param(fz.fd, DRM_VACCEL_PARAM_MAX_BO_SIZE);
	fz.max_cmdbuf = vt_param(fz.fd, DRM_VACCEL_PARAM_MAX_CMDBUF_SIZE);
	fz.max_bos = vt_param(fz.fd, DRM_VACCEL_PARAM_MAX_SUBMIT_BOS);
	fz.max_syncs = vt_param(fz.fd, DRM_VACCEL_PARAM_MAX_SUBMIT_SYNCS);
	fz.nprio = vt_param(fz.fd, DRM_VACCEL_PARAM_NUM_PRIORITIES);
	fz.maxq = vt_param(fz.fd, DRM_VACCEL_PARAM_MAX_QUEUES_PER_CTX);
	if (fz.nprio == 0 || fz.nprio > 64 || fz.maxq == 0 || fz.maxq > 8) {
		printf("# unexpected params: %" PRIu64 " priorities, %" PRIu64 " queues\n",
		       fz.nprio, fz.maxq);
		return 1;
	}

	while (fz.calls < calls) {
		if (chance(1000))
			drain();
		if (chance(4000)) {
			op_fork();
			continue;
		}
		if (chance(5000)) {
			/* Close with whatever is queued or mapped; start over. */
			close(fz.fd);
			fz.calls++;
			if (open_device() < 0) {
				printf("# reopening the device failed: %d\n", fz.fd);
				return 1;
			}
			continue;
		}
		one_op();
	}
	drain();
	for (uint32_t i = 0; i < fz.nmaps; i++)
		munmap(fz.maps[i].p, fz.maps[i].len);
	close(fz.fd);
	/* "# report:" lines are what the VM harness prints for a passing test. */
	printf("# report: ioctl fuzzer, %" PRIu64 " calls: %" PRIu64 " succeeded (%" PRIu64 " submits), %" PRIu64
	       " refused with an allowed errno, %" PRIu64 " misbehaved\n",
	       fz.calls, fz.ok, fz.submits_ok, fz.refused, fz.bad);
	printf("# refusals:");
	for (int e = 1; e < 160; e++)
		if (fz.by_errno[e])
			printf(" %s %" PRIu64, strerrorname_np(e), fz.by_errno[e]);
	printf("\n# job errors seen by WAIT:");
	for (int e = 0; e < 160; e++)
		if (fz.job_errors[e])
			printf(" %s %" PRIu64, e ? strerrorname_np(e) : "none", fz.job_errors[e]);
	printf("\n");
	return fz.bad ? 1 : 0;
}
