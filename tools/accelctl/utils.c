// SPDX-License-Identifier: MIT
/*
 * utils.c - command-table dispatch and the error printer.
 */
#include "accelctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *ac_argv(const struct accelctl *ac)
{
	return ac->argc > 0 ? ac->argv[0] : NULL;
}

void ac_arg_next(struct accelctl *ac)
{
	if (ac->argc > 0) {
		ac->argc--;
		ac->argv++;
	}
}

void ac_err(const char *fmt, ...)
{
	va_list ap;

	fputs("accelctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* iproute2's matches(): @word is a non-empty prefix of @name. */
static bool ac_word_matches(const char *word, const char *name)
{
	size_t len = strlen(word);

	return len && strncmp(word, name, len) == 0;
}

int ac_exec_cmd(struct accelctl *ac, const struct ac_cmd *cmds, const char *what)
{
	const char *word = ac_argv(ac);
	const struct ac_cmd *c;

	if (!word)
		return cmds[0].fn(ac);
	for (c = cmds; c->name; c++) {
		if (ac_word_matches(word, c->name)) {
			ac_arg_next(ac);
			return c->fn(ac);
		}
	}
	ac_err("unknown %s '%s'", what, word);
	for (c = cmds; c->name; c++) {
		if (strcmp(c->name, "help") == 0) {
			c->fn(ac);
			break;
		}
	}
	return -EINVAL;
}
