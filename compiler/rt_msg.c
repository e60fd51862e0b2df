// SPDX-License-Identifier: MIT
/*
 * rt_msg.c - see rt_msg.h.
 */
#include <stdarg.h>
#include <stdio.h>

#include "rt_msg.h"

int rt_say(char *msg, size_t len, int ret, const char *fmt, ...)
{
	va_list ap;

	if (msg && len) {
		va_start(ap, fmt);
		vsnprintf(msg, len, fmt, ap);
		va_end(ap);
	}
	return ret;
}
