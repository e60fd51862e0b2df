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
 *  - idle helpers sleep on a condition variable: they never spin, so they
 *    take no CPU from oneDNN's OpenMP threads or from other engines.
 *  - the device's closing flag is checked before every slice: a cancelled
 *    job stops within one slice (about 128 K elements).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu.h"

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

static void *emu_pool_helper(void *data)
{
	struct emu_pool *p = data;
	uint64_t seen = 0;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		int (*fn)(void *, __u32);
		void *arg;
		__u32 n;

		/* A packet already closed (fn NULL) is not joined: its caller
		 * is gone and its arg with it. */
		while (!p->stop && (p->gen == seen || !p->fn))
			pthread_cond_wait(&p->work_cv, &p->lock);
		if (p->stop)
			break;
		seen = p->gen;
		fn = p->fn;
		arg = p->arg;
		n = p->n;
		p->active++;
		pthread_mutex_unlock(&p->lock);

		emu_pool_drain(p, fn, arg, n);

		pthread_mutex_lock(&p->lock);
		if (--p->active == 0)
			pthread_cond_signal(&p->done_cv);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
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
	p->gen++;
	pthread_cond_broadcast(&p->work_cv);
	pthread_mutex_unlock(&p->lock);

	emu_pool_drain(p, fn, arg, n);

	/* Every slice is taken; wait for the helpers that took some, then
	 * close the packet so a helper waking only now leaves it alone. */
	pthread_mutex_lock(&p->lock);
	while (p->active)
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
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work_cv, NULL);
	pthread_cond_init(&p->done_cv, NULL);
	return 0;
}

/* After the engines stopped: no packet is running, so the helpers sleep. */
void emu_pool_fini(struct emu_pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->work_cv);
	pthread_mutex_unlock(&p->lock);
	for (uint32_t i = 0; i < p->nstarted; i++)
		pthread_join(p->threads[i], NULL);
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
