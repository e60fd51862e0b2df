/* SPDX-License-Identifier: MIT */
/*
 * emu_futex.h - futex wait/wake on a 32-bit atomic word, a CPU pause for
 * spin loops and the monotonic clock; shared by fences and workers.
 */
#ifndef LIBACCEL_EMU_FUTEX_H
#define LIBACCEL_EMU_FUTEX_H

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t emu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline void emu_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

/*
 * emu_futex_wait() - sleep while *word == expected, until woken or the
 * absolute CLOCK_MONOTONIC @deadline_ns (0: no deadline). FUTEX_WAIT_BITSET
 * takes an absolute time, so a retry after a spurious wakeup keeps the
 * original deadline. Returns 0 or -ETIMEDOUT (also -EAGAIN/-EINTR: recheck).
 */
static inline int emu_futex_wait(atomic_uint *word, uint32_t expected, uint64_t deadline_ns)
{
	struct timespec ts, *tsp = NULL;

	if (deadline_ns) {
		ts.tv_sec = (time_t)(deadline_ns / 1000000000ull);
		ts.tv_nsec = (long)(deadline_ns % 1000000000ull);
		tsp = &ts;
	}
	if (syscall(SYS_futex, word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected, tsp,
		    NULL, FUTEX_BITSET_MATCH_ANY) < 0)
		return -errno;
	return 0;
}

static inline void emu_futex_wake(atomic_uint *word, int count)
{
	syscall(SYS_futex, word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, count, NULL, NULL, 0);
}

#define EMU_FUTEX_WAKE_ALL INT_MAX

#endif /* LIBACCEL_EMU_FUTEX_H */
