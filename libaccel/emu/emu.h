/* SPDX-License-Identifier: MIT */
/*
 * emu.h - the in-process vaccel device ("emu"): objects and the functions
 * its files share.
 *
 * One emu_device is one client of the virtual accelerator, as one open file
 * of the kernel device is: its own buffers, contexts, memory accounting and
 * engine threads. It accepts what the kernel ABI (vaccel_drm.h) accepts and
 * refuses the rest with the same errnos.
 *
 * Locking: one mutex per device, emu_device.lock, protects the scheduler
 * state (ready lists, queue job lists, context state, dependency lists) and
 * the object lists. Fence state words, reference counts and memory counters
 * are atomics read without it. Buffers' and jobs' last references may be
 * dropped from any thread.
 */
#ifndef LIBACCEL_EMU_H
#define LIBACCEL_EMU_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <drm/vaccel_drm.h>
#include "vaccel_engine.h"

#include "../backend.h"
#include "../list.h"

/* Limits the emu device reports through DRM_VACCEL_PARAM_*. */
#define EMU_NUM_PRIORITIES 4u
#define EMU_MAX_QUEUES_PER_CTX 8u
#define EMU_MAX_BO_SIZE (16ull << 30)
#define EMU_MAX_CMDBUF_SIZE (1u << 20)
#define EMU_MAX_SUBMIT_BOS 256u
#define EMU_MAX_SUBMIT_SYNCS 64u
#define EMU_DEFAULT_ENGINES 2u
#define EMU_MAX_ENGINES 64u
/* Buffers are accounted, and sized, in pages, as GEM objects are. */
#define EMU_PAGE_SIZE 4096ull
/* Buffer memory alignment: a cache line, enough for any vector load. */
#define EMU_BUFFER_ALIGN 64u

/* Fence state word bits (the futex word). */
#define EMU_FENCE_SIGNALLED 1u
#define EMU_FENCE_WAITERS 2u

struct emu_job;
struct emu_device;
struct emu_conv_prim;
struct emu_conv_slot;

/* Threads one elementwise packet may use, the engine thread included. */
#define EMU_POOL_MAX_THREADS 64u

/**
 * struct emu_pool - helper threads for the parallel_for hook (emu_pool.c).
 * @dev: owner (its closing flag cancels between slices).
 * @nhelpers: helpers wanted (ACCEL_EMU_THREADS - 1); fixed at open.
 * @busy: taken by the one engine thread using the pool; others run alone.
 * @next: next slice of the current packet to take.
 * @err: first non-zero slice result of the current packet.
 * @lock: protects the fields below.
 * @work_cv: helpers wait here for a packet (@gen changes) or @stop.
 * @done_cv: the caller waits here for @active to drop to 0.
 * @started: [lock] helpers were started (on first use).
 * @nstarted: [lock] helpers running.
 * @stop: [lock] close: helpers leave.
 * @gen: bumped (under @lock) for every packet; a helper that just finished
 *	one spins on it without the lock before it sleeps.
 * @fn: [lock] the current packet's slice function, NULL once closed.
 * @arg: [lock] its argument.
 * @n: [lock] its slice count.
 * @active: helpers inside the current packet; changed under @lock, read
 *	without it by a caller that spins before sleeping on @done_cv.
 * @guests: fence waiters standing in for helpers (emu_pool_guest()), at
 *	most @nhelpers; while there are that many, helpers are not woken.
 * @threads: the helpers.
 */
struct emu_pool {
	struct emu_device *dev;
	uint32_t nhelpers;
	atomic_bool busy;
	atomic_uint next;
	atomic_int err;
	pthread_mutex_t lock;
	pthread_cond_t work_cv;
	pthread_cond_t done_cv;
	bool started;
	uint32_t nstarted;
	bool stop;
	_Atomic uint64_t gen;
	int (*fn)(void *arg, __u32 i);
	void *arg;
	__u32 n;
	atomic_uint active;
	atomic_uint guests;
	pthread_t threads[EMU_POOL_MAX_THREADS];
};

/* Cached oneDNN convolutions per device (emu_conv.c). */
#define EMU_CONV_CACHE_MAX 64u

/**
 * struct emu_conv_cache - the conv2d hook's primitives (emu_conv.c).
 * @lock: protects every field below and each entry's busy/last_use.
 * @engine: the oneDNN CPU engine, created on first use.
 * @ent: cached shapes, @n of them.
 * @clock: LRU clock.
 * @free_slots: idle scratch slots.
 */
struct emu_conv_cache {
	pthread_mutex_t lock;
	struct dnnl_engine *engine;	/* a dnnl_engine_t */
	struct emu_conv_prim *ent[EMU_CONV_CACHE_MAX];
	uint32_t n;
	uint64_t clock;
	struct emu_conv_slot *free_slots;
};

/**
 * struct emu_device - one open of the emu device.
 * @base: public base, first.
 * @refs: one for the open handle plus one per job object that exists
 *	(in flight, held as a fence, or on the free list); the last put frees.
 * @lock: see the DOC at the top of this file.
 * @drained: signalled when a context being destroyed has no job left.
 * @closing: close started: queued jobs are cancelled, a running one stops at
 *	its next checkpoint, workers leave once @inflight is 0. Written under
 *	@lock; atomic so the engine's checkpoint hook can read it without.
 * @inflight: [lock] jobs submitted and not completed, all contexts.
 * @num_engines: engine threads.
 * @mem_limit: bytes this client may hold, 0 for none.
 * @mem_used: bytes of buffers alive (freed when the last job lets go).
 * @buffers: [lock] live buffers, freed on close.
 * @contexts: [lock] live contexts, destroyed on close.
 * @free_jobs: [lock] recycled job objects (allocation-free submit).
 * @ready: [lock] per priority, queues whose head job can run now, FIFO.
 * @nready: [lock] queues on the @ready lists, all priorities.
 * @work_seq: futex word the idle workers sleep on; bumped by every kick.
 * @sleepers: workers asleep on @work_seq (a kick wakes only if non-zero).
 * @spinner: 1 while one idle worker spins; others sleep at once so a
 *	spinning engine never starves the submitting thread of a CPU.
 * @running: engines running a job now. Idle engines and pool helpers spin
 *	only while it says the CPUs are not already busy with a job (see
 *	emu_worker_idle() and emu_pool.c).
 * @wait_spin_ns: adaptive spin budget of fence waiters.
 * @workers: the engine threads.
 * @pool: helper threads that split large elementwise packets.
 * @conv: oneDNN convolutions of the conv2d hook.
 */
struct emu_device {
	struct accel_device base;
	atomic_uint refs;
	pthread_mutex_t lock;
	pthread_cond_t drained;
	atomic_bool closing;
	uint32_t inflight;
	uint32_t num_engines;
	uint64_t mem_limit;
	_Atomic uint64_t mem_used;
	struct accel_list buffers;
	struct accel_list contexts;
	struct emu_job *free_jobs;
	struct accel_list ready[EMU_NUM_PRIORITIES];
	uint32_t nready;
	atomic_uint work_seq;
	atomic_uint sleepers;
	atomic_uint spinner;
	atomic_uint running;
	atomic_uint wait_spin_ns;
	pthread_t workers[EMU_MAX_ENGINES];
	struct emu_pool pool;
	struct emu_conv_cache conv;
};

/**
 * struct emu_buffer - a buffer object.
 * @base: public base, first.
 * @dev: owner.
 * @refs: the user's reference plus one per job that lists it.
 * @ptr: the memory, 64-byte aligned, zeroed at allocation.
 * @link: [dev->lock] in dev->buffers.
 */
struct emu_buffer {
	struct accel_buffer base;
	struct emu_device *dev;
	atomic_uint refs;
	void *ptr;
	struct accel_list link;
};

struct emu_context;

/**
 * struct emu_queue - one queue of a context: jobs run one at a time, in
 * submission order.
 * @base: public base, first.
 * @ctx: owner.
 * @jobs: [lock] submitted jobs not yet completed, oldest (maybe running) first.
 * @running: [lock] the head job is on an engine.
 * @ready_link: [lock] in dev->ready[prio] while @queued.
 * @queued: [lock] on a ready list.
 * @seqno: [lock] last seqno handed out.
 */
struct emu_queue {
	struct accel_queue base;
	struct emu_context *ctx;
	struct accel_list jobs;
	bool running;
	bool queued;
	struct accel_list ready_link;
	uint64_t seqno;
};

/**
 * struct emu_context - a context: a priority, its queues and its health.
 * @base: public base, first.
 * @dev: owner.
 * @priority: 0 .. EMU_NUM_PRIORITIES - 1.
 * @state: [lock] DRM_VACCEL_CTX_STATE_*.
 * @fault_error: [lock] positive errno of the guilty job.
 * @fault_queue: [lock] its queue.
 * @fault_seqno: [lock] its seqno.
 * @inflight: [lock] jobs submitted and not completed.
 * @link: [lock] in dev->contexts.
 * @queues: the queues.
 */
struct emu_context {
	struct accel_context base;
	struct emu_device *dev;
	uint32_t priority;
	uint32_t state;
	uint32_t fault_error;
	uint32_t fault_queue;
	uint64_t fault_seqno;
	uint32_t inflight;
	struct accel_list link;
	struct emu_queue queues[];
};

/**
 * struct emu_dep - one wait of a job on another job's fence.
 * @waiter: the waiting job.
 * @next: next waiter on the same fence.
 */
struct emu_dep {
	struct emu_job *waiter;
	struct emu_dep *next;
};

/**
 * struct emu_job - a submitted command buffer and its fence, one object.
 * The fence is the public face: users hold references to it; the job part
 * is used only while the job is in flight. The object goes back to the
 * device's free list with its arrays, so a steady stream of submits does
 * not allocate.
 * @base: public fence base, first.
 * @dev: owner (holds a device reference).
 * @state: futex word, EMU_FENCE_*.
 * @error: the job's negative errno, written before @state is released.
 * @efd: eventfd for accel_fence_fd(), -1 until asked for.
 * @queue: [lock] the queue, while in flight.
 * @seqno: its seqno on the queue.
 * @link: [lock] in queue->jobs.
 * @pending: [lock] wait fences not yet signalled.
 * @waiters: [lock] jobs waiting on this fence.
 * @cmdbuf: the private copy of the command buffer.
 * @cmdbuf_size: its size.
 * @cmdbuf_cap: bytes allocated at @cmdbuf.
 * @bufs: buffer references, @nbufs of them.
 * @ebufs: the engine's view of @bufs.
 * @nbufs: buffers listed.
 * @bufs_cap: entries allocated in @bufs and @ebufs.
 * @deps: dependency nodes, one per unsignalled wait fence.
 * @deps_cap: entries allocated at @deps.
 * @next_free: [lock] free-list link.
 */
struct emu_job {
	struct accel_fence base;
	struct emu_device *dev;
	atomic_uint state;
	int error;
	atomic_int efd;
	struct emu_queue *queue;
	uint64_t seqno;
	struct accel_list link;
	uint32_t pending;
	struct emu_dep *waiters;
	void *cmdbuf;
	uint32_t cmdbuf_size;
	uint32_t cmdbuf_cap;
	struct emu_buffer **bufs;
	struct vaccel_engine_buffer *ebufs;
	uint32_t nbufs;
	uint32_t bufs_cap;
	struct emu_dep *deps;
	uint32_t deps_cap;
	struct emu_job *next_free;
};

static inline struct emu_device *emu_device_cast(struct accel_device *dev)
{
	return (struct emu_device *)dev;
}

static inline struct emu_buffer *emu_buffer_cast(struct accel_buffer *buf)
{
	return (struct emu_buffer *)buf;
}

static inline struct emu_context *emu_context_cast(struct accel_context *ctx)
{
	return (struct emu_context *)ctx;
}

static inline struct emu_queue *emu_queue_cast(struct accel_queue *q)
{
	return (struct emu_queue *)q;
}

static inline struct emu_job *emu_job_cast(struct accel_fence *f)
{
	return (struct emu_job *)f;
}

/* emu_device.c */
void emu_device_put(struct emu_device *dev);

/* emu_buffer.c */
int emu_buffer_alloc(struct accel_device *dev, uint64_t size, uint32_t flags,
		     struct accel_buffer **out);
void emu_buffer_free(struct accel_buffer *buf);
int emu_buffer_map(struct accel_buffer *buf, void **ptr);
void emu_buffer_unmap(struct accel_buffer *buf);
void emu_buffer_get(struct emu_buffer *buf);
void emu_buffer_put(struct emu_buffer *buf);
void emu_buffer_free_all(struct emu_device *dev);

/* emu_context.c */
int emu_context_create(struct accel_device *dev, const struct accel_context_desc *desc,
		       struct accel_context **out);
void emu_context_destroy(struct accel_context *ctx);
struct accel_queue *emu_context_queue(struct accel_context *ctx, uint32_t index);
int emu_context_state(struct accel_context *ctx, uint32_t *state, uint32_t *fault_error);
void emu_context_destroy_all(struct emu_device *dev);

/* emu_submit.c */
int emu_queue_submit(struct accel_queue *q, const struct accel_submit *submit,
		     struct accel_fence **fence);

/* emu_job.c */
struct emu_job *emu_job_alloc_locked(struct emu_device *dev);
void emu_job_release(struct accel_fence *f);
void emu_job_free_all_locked(struct emu_device *dev);

/* emu_fence.c */
void emu_fence_init(struct emu_job *job);
bool emu_fence_signalled(const struct emu_job *job);
unsigned int emu_fence_signal_locked(struct emu_job *job, int error);
void emu_fence_notify(struct emu_job *job, unsigned int old_state);
int emu_fence_wait(struct accel_fence *f, int64_t timeout_ns);
int emu_fence_status(struct accel_fence *f);
int emu_fence_fd(struct accel_fence *f);
void emu_fence_fini(struct emu_job *job);

/* emu_sched.c */
bool emu_queue_kick_locked(struct emu_queue *q);
void emu_sched_wake(struct emu_device *dev);
int emu_sched_start(struct emu_device *dev);
void emu_sched_stop(struct emu_device *dev);

/* emu_exec.c */
int emu_job_run(struct emu_job *job);

/* emu_gemm.c */
int emu_gemm(void *priv, const struct vaccel_pkt_gemm *pkt,
	     const struct vaccel_engine_buffer *bufs);

/* emu_conv.c */
int emu_conv2d(void *priv, const struct vaccel_pkt_conv2d *pkt,
	       const struct vaccel_engine_buffer *bufs);
void emu_conv_cache_init(struct emu_conv_cache *c);
void emu_conv_cache_fini(struct emu_conv_cache *c);

/* emu_pool.c */
int emu_parallel_for(void *priv, __u32 n, int (*fn)(void *arg, __u32 i), void *arg);
int emu_pool_init(struct emu_pool *p, struct emu_device *dev, uint32_t threads);
void emu_pool_fini(struct emu_pool *p);
uint32_t emu_pool_default_threads(void);
bool emu_pool_guest(struct emu_pool *p, const struct emu_job *job);

#endif /* LIBACCEL_EMU_H */
