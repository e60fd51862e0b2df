// SPDX-License-Identifier: MIT
/*
 * emu_sched.c - the engine threads and the job scheduling policy.
 *
 * Policy, as the ABI states it for the kernel device:
 *  - strict priority: a queue of a higher-priority context is always picked
 *    before one of a lower priority;
 *  - within a priority, runnable queues are served round-robin (FIFO of
 *    queues), so a busy queue cannot starve its peers;
 *  - a queue runs one job at a time, in submission order; queues (of one
 *    context or not) are independent;
 *  - a job is runnable once every fence it waits for has signalled. Nothing
 *    blocks on a dependency: the job that signals a fence makes its waiters'
 *    queues runnable.
 *
 * A queue sits on dev->ready[priority] exactly when it is idle and its head
 * job has no pending dependency (emu_queue_kick_locked() keeps that true).
 *
 * Idle engines: one spins briefly on dev->work_seq (a submit is typically
 * followed by another within microseconds), the others sleep on it as a
 * futex at once, so on a small machine spinning never takes the CPU the
 * submitting thread needs. And only while no engine runs a job: a running
 * job has the CPUs busy (its engine and the pool's helpers), and a second
 * job arriving then can afford a futex wake-up.
 */
#include <errno.h>
#include <string.h>

#include "emu.h"
#include "emu_futex.h"

#define EMU_WORKER_SPIN_NS 50000u
#define EMU_SPIN_CLOCK_EVERY 32u

static struct emu_job *emu_queue_head_locked(struct emu_queue *q)
{
	if (accel_list_empty(&q->jobs))
		return NULL;
	return accel_container_of(q->jobs.next, struct emu_job, link);
}

/*
 * emu_queue_kick_locked() - put @q on its ready list if it can run a job now.
 * Returns true when an engine should be woken (after unlock, with
 * emu_sched_wake()): not when this is the only runnable queue and an engine
 * is spinning, since that one will take it without a system call. (The
 * spinner cannot miss it: we bump work_seq before reading spinner, it clears
 * spinner before its futex_wait compares work_seq; seq_cst orders both.)
 */
bool emu_queue_kick_locked(struct emu_queue *q)
{
	struct emu_device *dev = q->ctx->dev;
	struct emu_job *head;

	if (q->running || q->queued)
		return false;
	head = emu_queue_head_locked(q);
	if (!head || head->pending)
		return false;
	accel_list_add_tail(&dev->ready[q->ctx->priority], &q->ready_link);
	q->queued = true;
	dev->nready++;
	atomic_fetch_add(&dev->work_seq, 1);
	return dev->nready > 1 || !atomic_load(&dev->spinner);
}

/* Wake one sleeping engine, if any sleeps (see the pairing in emu_worker_idle()). */
void emu_sched_wake(struct emu_device *dev)
{
	if (atomic_load(&dev->sleepers))
		emu_futex_wake(&dev->work_seq, 1);
}

static struct emu_queue *emu_sched_pick_locked(struct emu_device *dev)
{
	for (uint32_t p = EMU_NUM_PRIORITIES; p-- > 0;) {
		struct emu_queue *q;

		if (accel_list_empty(&dev->ready[p]))
			continue;
		q = accel_container_of(dev->ready[p].next, struct emu_queue, ready_link);
		accel_list_del(&q->ready_link);
		q->queued = false;
		dev->nready--;
		return q;
	}
	return NULL;
}

/*
 * Bookkeeping once @job has ended with @err: the queue moves on, waiters
 * may become runnable, a run-time fault bans the context. Returns the old
 * fence state for emu_fence_notify(); *@wake says whether to wake an engine.
 */
static unsigned int emu_job_complete_locked(struct emu_job *job, int err, bool fault,
					     bool *wake)
{
	struct emu_queue *q = job->queue;
	struct emu_context *ctx = q->ctx;
	struct emu_device *dev = ctx->dev;
	unsigned int old;

	accel_list_del(&job->link);
	q->running = false;
	if (fault && ctx->state == DRM_VACCEL_CTX_STATE_OK) {
		ctx->state = DRM_VACCEL_CTX_STATE_GUILTY;
		ctx->fault_error = (uint32_t)-err;
		ctx->fault_queue = q->base.index;
		ctx->fault_seqno = job->seqno;
	}
	if (--ctx->inflight == 0)
		pthread_cond_broadcast(&dev->drained);
	dev->inflight--;
	old = emu_fence_signal_locked(job, err);
	for (struct emu_dep *d = job->waiters; d; d = d->next) {
		if (--d->waiter->pending == 0)
			emu_queue_kick_locked(d->waiter->queue);
	}
	job->waiters = NULL;
	job->queue = NULL;
	emu_queue_kick_locked(q);
	/* This engine takes the next runnable queue itself: wake another only
	 * when there is more than that. */
	*wake = dev->nready > 1;
	return old;
}

/*
 * Drop the job's buffer references once it no longer touches them, before
 * its fence signals: a waiter that returns then sees freed buffers' memory
 * already released from MEM_USED.
 */
static void emu_job_release_buffers(struct emu_job *job)
{
	for (uint32_t i = 0; i < job->nbufs; i++)
		emu_buffer_put(job->bufs[i]);
	job->nbufs = 0;
}

/* Wait for dev->work_seq to move past @seq: spin if nobody else does, then sleep. */
static void emu_worker_idle(struct emu_device *dev, unsigned int seq)
{
	unsigned int zero = 0;

	if (!atomic_load(&dev->running) &&
	    atomic_compare_exchange_strong(&dev->spinner, &zero, 1)) {
		uint64_t end = emu_now_ns() + EMU_WORKER_SPIN_NS;
		bool moved = false;

		for (uint32_t i = 1;; i++) {
			if (atomic_load_explicit(&dev->work_seq, memory_order_relaxed) != seq) {
				moved = true;
				break;
			}
			emu_cpu_relax();
			if (i % EMU_SPIN_CLOCK_EVERY == 0 &&
			    (emu_now_ns() >= end ||
			     atomic_load_explicit(&dev->running, memory_order_relaxed)))
				break;
		}
		atomic_store(&dev->spinner, 0);
		if (moved)
			return;
	}
	/* seq_cst pairs with the kick: it bumps work_seq then reads sleepers,
	 * we bump sleepers then (in the kernel) compare work_seq: one of the
	 * two sees the other, so no wakeup is lost. */
	atomic_fetch_add(&dev->sleepers, 1);
	emu_futex_wait(&dev->work_seq, seq, 0);
	atomic_fetch_sub(&dev->sleepers, 1);
}

static void *emu_worker(void *arg)
{
	struct emu_device *dev = arg;

	pthread_mutex_lock(&dev->lock);
	for (;;) {
		struct emu_queue *q = emu_sched_pick_locked(dev);
		struct emu_job *job;
		unsigned int old;
		bool wake = false, ran, fault;
		int err;

		if (!q) {
			unsigned int seq;

			if (atomic_load(&dev->closing) && dev->inflight == 0)
				break;
			seq = atomic_load(&dev->work_seq);
			pthread_mutex_unlock(&dev->lock);
			emu_worker_idle(dev, seq);
			pthread_mutex_lock(&dev->lock);
			continue;
		}
		job = emu_queue_head_locked(q);
		q->running = true;
		/* A banned context's queued jobs, and everything at close, are
		 * cancelled without running. */
		ran = q->ctx->state == DRM_VACCEL_CTX_STATE_OK && !atomic_load(&dev->closing);
		pthread_mutex_unlock(&dev->lock);

		atomic_fetch_add(&dev->running, 1);
		err = ran ? emu_job_run(job) : -ECANCELED;
		atomic_fetch_sub(&dev->running, 1);
		emu_job_release_buffers(job);
		/* A cancellation at close is not the job's fault. */
		fault = ran && err && !(err == -ECANCELED && atomic_load(&dev->closing));

		pthread_mutex_lock(&dev->lock);
		old = emu_job_complete_locked(job, err, fault, &wake);
		if (atomic_load(&dev->closing) && dev->inflight == 0) {
			/* Last job at close: let every engine see it and leave. */
			atomic_fetch_add(&dev->work_seq, 1);
			pthread_mutex_unlock(&dev->lock);
			emu_futex_wake(&dev->work_seq, EMU_FUTEX_WAKE_ALL);
		} else {
			pthread_mutex_unlock(&dev->lock);
			if (wake)
				emu_sched_wake(dev);
		}
		emu_fence_notify(job, old);
		accel_fence_put(&job->base);
		pthread_mutex_lock(&dev->lock);
	}
	pthread_mutex_unlock(&dev->lock);
	return NULL;
}

static void emu_sched_join(struct emu_device *dev, uint32_t n)
{
	pthread_mutex_lock(&dev->lock);
	atomic_store(&dev->closing, true);
	atomic_fetch_add(&dev->work_seq, 1);
	pthread_mutex_unlock(&dev->lock);
	emu_futex_wake(&dev->work_seq, EMU_FUTEX_WAKE_ALL);
	for (uint32_t i = 0; i < n; i++)
		pthread_join(dev->workers[i], NULL);
}

int emu_sched_start(struct emu_device *dev)
{
	for (uint32_t i = 0; i < dev->num_engines; i++) {
		int ret = pthread_create(&dev->workers[i], NULL, emu_worker, dev);

		if (ret) {
			emu_sched_join(dev, i);
			return -ret;
		}
	}
	return 0;
}

/* Cancel what has not started, let running jobs stop, join the engines. */
void emu_sched_stop(struct emu_device *dev)
{
	emu_sched_join(dev, dev->num_engines);
}
