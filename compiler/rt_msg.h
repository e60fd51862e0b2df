/* SPDX-License-Identifier: MIT */
/*
 * rt_msg.h - the one-line error messages of the program runtime and the
 * artifact reader/writer (the msg/msglen pairs of program.h and apkg.h).
 */
#ifndef ACCEL_COMPILER_RT_MSG_H
#define ACCEL_COMPILER_RT_MSG_H

#include <stddef.h>

/*
 * rt_say() - format a message into @msg (when @msg is non-NULL and @len
 * non-zero) and return @ret, so a failure path reads
 * `return rt_say(msg, len, -EINVAL, "...", ...);`.
 */
int rt_say(char *msg, size_t len, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
