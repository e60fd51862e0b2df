/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * vaccel_compat.h - the little the engine needs from its host, in the kernel
 * and in userspace alike: fixed-width types, errno values, bool, memcpy,
 * memmove and memset. Nothing else may be used by engine/ files: no libc, no libm (see
 * vaccel_math.h), no allocation.
 */
#ifndef VACCEL_COMPAT_H
#define VACCEL_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/kernel.h>
#else
#include <linux/types.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
/* Compiler builtins, not libc calls at -O1 and above for small sizes; the
 * userspace build links libc anyway, the kernel provides its own. */
#define memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define memset(d, c, n) __builtin_memset((d), (c), (n))
#endif

#endif /* VACCEL_COMPAT_H */
