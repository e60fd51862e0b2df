// SPDX-License-Identifier: MIT
/*
 * emu_fence.c - fences: a futex word, an error and an optional eventfd.
 *
 * The state word holds EMU_FENCE_SIGNALLED and EMU_FENCE_WAITERS. A waiter
 * spins on it for a short, adaptive time (most emu jobs take microseconds,
 * and a futex sleep/wake pair costs more than that), then sets WAITERS and
 * sleeps; the signaller only calls FUTEX_WAKE when WAITERS is set, so a
 * signal nobody sleeps on costs one atomic. A waiter without a deadline
 * first helps the device's pool with the job's large packets while they
 * come (emu_pool_guest()), which watches the fence as a spin would.
 *
 * The eventfd is created on the first accel_fence_fd() call. Signal and fd
 * creation are race-free without a lock: the signaller sets SIGNALLED then
 * reads efd, the creator publishes efd then reads SIGNALLED, both seq_cst,
 * so at least one of them sees the other and writes the eventfd (writing
 * twice only raises its counter).
 */
#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "emu.h"
#include "emu_futex.h"

#define EMU_SPIN_MIN_NS 2000u
#define EMU_SPIN_MAX_NS 50000u
/* Read the clock once every this many pause instructions. */
#define EMU_SPIN_CLOCK_EVERY 32u

void emu_fence_init(struct emu_job *job)
{
	atomic_store_explicit(&job->state, 0, memory_order_relaxed);
	job->error = 0;
	job->waiters = NULL;
	job->pending = 0;
}

void emu_fence_fini(struct emu_job *job)
{
	int efd = atomic_exchange(&job->efd, -1);

	if (efd >= 0)
		close(efd);
}

bool emu_fence_signalled(const struct emu_job *job)
{
	return atomic_load_explicit(&job->state, memory_order_acquire) & EMU_FENCE_SIGNALLED;
}

static void emu_fence_efd_notify(int efd)
{
	uint64_t one = 1;

	/* Cannot fail short of a counter overflow, which two writes never reach. */
	if (write(efd, &one, sizeof(one)) < 0)
		return;
}

/*
 * emu_fence_signal_locked() - mark the fence signalled with @error. Under
 * dev->lock, so that a submit that finds it unsignalled (under the same
 * lock) is sure to be on its waiter list when it signals. Returns the old
 * state for emu_fence_notify(), which makes the system calls after unlock.
 */
unsigned int emu_fence_signal_locked(struct emu_job *job, int error)
{
	job->error = error;
	/* seq_cst: pairs with emu_fence_fd() (see the DOC above); its release
	 * half publishes @error and the job's memory writes to waiters. */
	return atomic_fetch_or(&job->state, EMU_FENCE_SIGNALLED);
}

/* Wake sleepers and the eventfd; the caller still holds a job reference. */
void emu_fence_notify(struct emu_job *job, unsigned int old_state)
{
	int efd;

	if (old_state & EMU_FENCE_WAITERS)
		emu_futex_wake(&job->state, EMU_FUTEX_WAKE_ALL);
	efd = atomic_load(&job->efd);
	if (efd >= 0)
		emu_fence_efd_notify(efd);
}

/* Spin until signalled or @budget_ns passes; true if signalled. */
static bool emu_fence_spin(struct emu_job *job, uint64_t budget_ns)
{
	uint64_t end = emu_now_ns() + budget_ns;

	for (uint32_t i = 1;; i++) {
		if (emu_fence_signalled(job))
			return true;
		emu_cpu_relax();
		if (i % EMU_SPIN_CLOCK_EVERY == 0 && emu_now_ns() >= end)
			return false;
	}
}

/*
 * Adapt the spin budget: double it while spinning pays off, halve it when
 * the waiter ends up sleeping anyway (long jobs should not burn a CPU).
 */
static void emu_fence_spin_adapt(struct emu_device *dev, bool hit)
{
	unsigned int cur = atomic_load_explicit(&dev->wait_spin_ns, memory_order_relaxed);
	unsigned int next = hit ? cur * 2 : cur / 2;

	if (next < EMU_SPIN_MIN_NS)
		next = EMU_SPIN_MIN_NS;
	if (next > EMU_SPIN_MAX_NS)
		next = EMU_SPIN_MAX_NS;
	if (next != cur)
		atomic_store_explicit(&dev->wait_spin_ns, next, memory_order_relaxed);
}

int emu_fence_wait(struct accel_fence *f, int64_t timeout_ns)
{
	struct emu_job *job = emu_job_cast(f);
	uint64_t deadline = 0, budget;

	if (emu_fence_signalled(job))
		return job->error;
	if (timeout_ns == 0)
		return -ETIME;
	/* No deadline: rather than spin idle and then sleep, help the pool
	 * with the job's large packets while they come (emu_pool.c). */
	if (timeout_ns < 0 && emu_pool_guest(&job->dev->pool, job))
		return job->error;
	budget = atomic_load_explicit(&job->dev->wait_spin_ns, memory_order_relaxed);
	if (timeout_ns > 0) {
		deadline = emu_now_ns() + (uint64_t)timeout_ns;
		if ((uint64_t)timeout_ns < budget)
			budget = (uint64_t)timeout_ns;
	}
	if (emu_fence_spin(job, budget)) {
		emu_fence_spin_adapt(job->dev, true);
		return job->error;
	}
	emu_fence_spin_adapt(job->dev, false);
	for (;;) {
		unsigned int s = atomic_fetch_or(&job->state, EMU_FENCE_WAITERS) | EMU_FENCE_WAITERS;
		int ret;

		if (s & EMU_FENCE_SIGNALLED)
			break;
		ret = emu_futex_wait(&job->state, s, deadline);
		if (ret == -ETIMEDOUT) {
			if (emu_fence_signalled(job))
				break;
			return -ETIME;
		}
	}
	atomic_thread_fence(memory_order_acquire);
	return job->error;
}

int emu_fence_status(struct accel_fence *f)
{
	struct emu_job *job = emu_job_cast(f);

	return emu_fence_signalled(job) ? job->error : -EBUSY;
}

int emu_fence_fd(struct accel_fence *f)
{
	struct emu_job *job = emu_job_cast(f);
	int efd = atomic_load(&job->efd);
	int expected = -1;

	if (efd >= 0)
		return efd;
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0)
		return -errno;
	if (!atomic_compare_exchange_strong(&job->efd, &expected, efd)) {
		/* Another thread published one first: use it. */
		close(efd);
		return expected;
	}
	if (emu_fence_signalled(job))
		emu_fence_efd_notify(efd);
	return efd;
}
