// SPDX-License-Identifier: MIT
/*
 * emu_pool.c - the parallel_for hook: helper threads that share the slices
 * of one large elementwise packet with the engine thread running it.
 *
 * Policy:
 *  - one pool per device, ACCEL_EMU_THREADS threads per packet in all (the
 *    engine thread plus helpers; default one per online CPU, 1 disables
 *    the pool). Helpers start on the first packet that wants them.
 *  - one packet at a time: an engine thread that finds the pool taken by
 *    another runs its slices alone. Engines x threads would oversubscribe a
 *    small machine, and a memory-bound loop gains nothing from more threads
 *    than cores.
 *  - slices are taken from a shared counter, so a helper that the scheduler
 *    wakes late (its CPU busy with another engine) takes fewer slices; the
 *    caller waits only for helpers that actually joined the packet, never
 *    for one still asleep.
 *  - a helper that finished a packet spins for EMU_POOL_SPIN_NS on the
 *    packet counter before it sleeps on a condition variable, while a job
 *    runs: a model's packets come microseconds apart, and a futex wake per
 *    packet costs more than a small GEMM slice. The caller likewise spins
 *    briefly for helpers still in their last slice. Spinning is bounded
 *    and stops when no job runs, so an idle device takes no CPU and the
 *    submitting thread has the CPUs between jobs.
 *  - the device's closing flag is checked before every slice: a cancelled
 *    job stops within one slice (about 128 K elements).
 *  - a thread waiting (with no deadline) for a fence of this device may
 *    stand in for a helper: it takes slices itself instead of sleeping
 *    while a helper is woken to do them (emu_pool_guest()). The caller is
 *    then on a CPU when its job ends, instead of a futex wake-up away, and
 *    the helper it stands in for stays asleep, so the CPUs are not
 *    oversubscribed.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu.h"
#include "emu_futex.h"

/* How long a helper waits for the next packet before sleeping. */
#define EMU_POOL_SPIN_NS 200000u
/* How long a guest waits for a packet before it goes back to sleeping on its fence. */
#define EMU_POOL_GUEST_IDLE_NS 200000u
/* How long the caller waits for helpers in their last slice before sleeping. */
#define EMU_POOL_DONE_SPIN_NS 50000u
#define EMU_POOL_CLOCK_EVERY 32u

static bool emu_pool_cancelled(struct emu_device *dev)
{
	return atomic_load_explicit(&dev->closing, memory_order_relaxed);
}

/* Take and run slices of the current packet until none is left or one failed. */
static void emu_pool_drain(struct emu_pool *p, int (*fn)(void *, __u32), void *arg, __u32 n)
{
	for (;;) {
		unsigned int i = atomic_fetch_add_explicit(&p->next, 1, memory_order_relaxed);
		int ret;

		if (i >= n)
			return;
		if (atomic_load_explicit(&p->err, memory_order_relaxed))
			continue;	/* skip: take the rest so the counter runs out */
		ret = emu_pool_cancelled(p->dev) ? -ECANCELED : fn(arg, i);
		if (ret) {
			int zero = 0;

			atomic_compare_exchange_strong(&p->err, &zero, ret);
		}
	}
}

/*
 * A helper that finished a packet: wait for the next one spinning, for at
 * most EMU_POOL_SPIN_NS and only while a job runs (packets come from
 * running jobs; between jobs the submitting thread wants the CPU) and
 * while no guest stands in for it.
 */
static void emu_pool_spin_next(struct emu_pool *p, uint64_t seen)
{
	uint64_t end = emu_now_ns() + EMU_POOL_SPIN_NS;

	for (uint32_t i = 1;; i++) {
		if (atomic_load_explicit(&p->gen, memory_order_acquire) != seen)
			return;
		emu_cpu_relax();
		if (i % EMU_POOL_CLOCK_EVERY == 0 &&
		    (emu_now_ns() >= end ||
		     !atomic_load_explicit(&p->dev->running, memory_order_relaxed) ||
		     atomic_load_explicit(&p->guests, memory_order_relaxed) >= p->nhelpers))
			return;
	}
}

/* The caller: wait (spinning, at most EMU_POOL_DONE_SPIN_NS) for helpers in their last slice. */
static void emu_pool_spin_done(struct emu_pool *p)
{
	uint64_t end = emu_now_ns() + EMU_POOL_DONE_SPIN_NS;

	for (uint32_t i = 1;; i++) {
		if (!atomic_load_explicit(&p->active, memory_order_acquire))
			return;
		emu_cpu_relax();
		if (i % EMU_POOL_CLOCK_EVERY == 0 && emu_now_ns() >= end)
			return;
	}
}

/*
 * Take slices of the current packet (open: p->fn set) as one more helper;
 * [p->lock] held on entry and on return, dropped while slices run.
 */
static void emu_pool_join_locked(struct emu_pool *p)
{
	int (*fn)(void *, __u32) = p->fn;
	void *arg = p->arg;
	__u32 n = p->n;

	atomic_fetch_add(&p->active, 1);
	pthread_mutex_unlock(&p->lock);

	emu_pool_drain(p, fn, arg, n);

	pthread_mutex_lock(&p->lock);
	if (atomic_fetch_sub(&p->active, 1) == 1)
		pthread_cond_signal(&p->done_cv);
}

static void *emu_pool_helper(void *data)
{
	struct emu_pool *p = data;
	uint64_t seen = 0;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		/* A packet already closed (fn NULL) is not joined: its caller
		 * is gone and its arg with it. */
		while (!p->stop && (atomic_load(&p->gen) == seen || !p->fn))
			pthread_cond_wait(&p->work_cv, &p->lock);
		if (p->stop)
			break;
		seen = atomic_load(&p->gen);
		emu_pool_join_locked(p);
		pthread_mutex_unlock(&p->lock);
		/* The next packet usually follows within microseconds. */
		emu_pool_spin_next(p, seen);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/**
 * emu_pool_guest() - help the pool while waiting for @job's fence.
 * @p: the pool of the device @job runs on.
 * @job: the job waited for.
 *
 * The calling thread stands in for a sleeping helper: it takes slices of
 * every packet the pool runs until @job's fence signals. It gives up (and
 * the caller sleeps on the fence instead) when all helpers already have a
 * stand-in, or when no packet came for EMU_POOL_GUEST_IDLE_NS: a job of
 * small packets, or one queued behind others, does not keep it spinning.
 * A slice is not interrupted, so only waits without a deadline come here.
 *
 * Return: true once the fence signalled, false if the caller must wait.
 */
bool emu_pool_guest(struct emu_pool *p, const struct emu_job *job)
{
	unsigned int g = atomic_load(&p->guests);
	uint64_t seen = UINT64_MAX, idle_end;
	bool signalled = false;

	do {
		if (g >= p->nhelpers)
			return false;
	} while (!atomic_compare_exchange_weak(&p->guests, &g, g + 1));
	idle_end = emu_now_ns() + EMU_POOL_GUEST_IDLE_NS;
	for (uint32_t i = 1;; i++) {
		uint64_t gen;

		if (emu_fence_signalled(job)) {
			signalled = true;
			break;
		}
		gen = atomic_load_explicit(&p->gen, memory_order_acquire);
		if (gen != seen) {
			/* A new packet, or the first look (one may be open). */
			seen = gen;
			pthread_mutex_lock(&p->lock);
			if (!p->stop && p->fn && atomic_load(&p->gen) == gen)
				emu_pool_join_locked(p);
			pthread_mutex_unlock(&p->lock);
			idle_end = emu_now_ns() + EMU_POOL_GUEST_IDLE_NS;
			continue;
		}
		emu_cpu_relax();
		if (i % EMU_POOL_CLOCK_EVERY == 0 && emu_now_ns() >= idle_end)
			break;
	}
	atomic_fetch_sub(&p->guests, 1);
	return signalled;
}

/* Start the helpers; [p->lock] held. False (run alone) if none started. */
static bool emu_pool_start_locked(struct emu_pool *p)
{
	while (p->nstarted < p->nhelpers) {
		if (pthread_create(&p->threads[p->nstarted], NULL, emu_pool_helper, p))
			break;
		p->nstarted++;
	}
	/* Whatever failed to start is not retried on every packet. */
	p->started = true;
	return p->nstarted > 0;
}

static int emu_pool_run_alone(struct emu_device *dev, __u32 n,
			      int (*fn)(void *arg, __u32 i), void *arg)
{
	for (__u32 i = 0; i < n; i++) {
		int ret;

		if (emu_pool_cancelled(dev))
			return -ECANCELED;
		ret = fn(arg, i);
		if (ret)
			return ret;
	}
	return 0;
}

int emu_parallel_for(void *priv, __u32 n, int (*fn)(void *arg, __u32 i), void *arg)
{
	struct emu_device *dev = priv;
	struct emu_pool *p = &dev->pool;
	bool expected = false;
	int ret;

	if (n < 2 || !p->nhelpers ||
	    !atomic_compare_exchange_strong(&p->busy, &expected, true))
		return emu_pool_run_alone(dev, n, fn, arg);

	pthread_mutex_lock(&p->lock);
	if (!p->started)
		emu_pool_start_locked(p);
	if (!p->nstarted) {
		pthread_mutex_unlock(&p->lock);
		atomic_store(&p->busy, false);
		return emu_pool_run_alone(dev, n, fn, arg);
	}
	atomic_store_explicit(&p->next, 0, memory_order_relaxed);
	atomic_store_explicit(&p->err, 0, memory_order_relaxed);
	p->fn = fn;
	p->arg = arg;
	p->n = n;
	atomic_fetch_add(&p->gen, 1);
	/* Guests see the new packet by themselves; wake helpers only when
	 * guests do not stand in for all of them. */
	if (atomic_load(&p->guests) < p->nhelpers)
		pthread_cond_broadcast(&p->work_cv);
	pthread_mutex_unlock(&p->lock);

	emu_pool_drain(p, fn, arg, n);

	/* Every slice is taken; wait for the helpers that took some, then
	 * close the packet so a helper waking only now leaves it alone. */
	emu_pool_spin_done(p);
	pthread_mutex_lock(&p->lock);
	while (atomic_load(&p->active))
		pthread_cond_wait(&p->done_cv, &p->lock);
	p->fn = NULL;
	p->arg = NULL;
	pthread_mutex_unlock(&p->lock);
	ret = atomic_load(&p->err);
	atomic_store(&p->busy, false);
	return ret;
}

int emu_pool_init(struct emu_pool *p, struct emu_device *dev, uint32_t threads)
{
	memset(p, 0, sizeof(*p));
	p->dev = dev;
	p->nhelpers = threads > EMU_POOL_MAX_THREADS ? EMU_POOL_MAX_THREADS - 1 : threads - 1;
	atomic_init(&p->busy, false);
	atomic_init(&p->next, 0);
	atomic_init(&p->err, 0);
	atomic_init(&p->gen, 0);
	atomic_init(&p->active, 0);
	atomic_init(&p->guests, 0);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work_cv, NULL);
	pthread_cond_init(&p->done_cv, NULL);
	return 0;
}

/*
 * After the engines stopped: no packet is running, so the helpers sleep,
 * and every job's fence has signalled. Guests (other threads' fence waits)
 * may still be in emu_pool_guest(), about to see their fence and leave:
 * wait for them before the lock goes. (A wait that starts later sees its
 * fence signalled before it would take the lock.)
 */
void emu_pool_fini(struct emu_pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->work_cv);
	pthread_mutex_unlock(&p->lock);
	for (uint32_t i = 0; i < p->nstarted; i++)
		pthread_join(p->threads[i], NULL);
	while (atomic_load(&p->guests))
		sched_yield();
	pthread_cond_destroy(&p->done_cv);
	pthread_cond_destroy(&p->work_cv);
	pthread_mutex_destroy(&p->lock);
}

/* Default threads per packet: one per online CPU. */
uint32_t emu_pool_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > EMU_POOL_MAX_THREADS ? EMU_POOL_MAX_THREADS : (uint32_t)n;
}
