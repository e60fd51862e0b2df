// SPDX-License-Identifier: MIT
/*
 * utils.c - command dispatch, option checks and argument parsing shared by
 * accelc's commands.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accelc.h"

const char *accelc_arg(struct accelc *ac)
{
	if (ac->argc <= 0)
		return NULL;
	ac->argc--;
	return *ac->argv++;
}

void accelc_err(const char *fmt, ...)
{
	va_list ap;

	fputs("accelc: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* iproute2's matches(): @word is a non-empty prefix of @name. */
static bool word_matches(const char *word, const char *name)
{
	size_t len = strlen(word);

	return len && strncmp(word, name, len) == 0;
}

int accelc_exec_cmd(struct accelc *ac, const struct accelc_cmd *cmds, const char *what)
{
	const char *word = ac->argc > 0 ? ac->argv[0] : NULL;
	const struct accelc_cmd *c;

	if (!word)
		return cmds[0].fn(ac);
	for (c = cmds; c->name; c++) {
		if (word_matches(word, c->name)) {
			accelc_arg(ac);
			return c->fn(ac);
		}
	}
	accelc_err("unknown %s '%s'", what, word);
	cmds[0].fn(ac);
	return -EINVAL;
}

int accelc_only(const struct accelc *ac, const char *cmd, const char *allowed)
{
	static const struct {
		char letter;
		const char *option;
	} opts[] = { { 'o', "-o" }, { 's', "--shape" }, { 'i', "-i" }, { 'd', "--device" } };
	bool given[4] = { ac->output != NULL, ac->nshapes > 0, ac->ninputs > 0,
			  ac->device != NULL };
	size_t k;

	for (k = 0; k < 4; k++)
		if (given[k] && !strchr(allowed, opts[k].letter)) {
			accelc_err("%s does not take %s", cmd, opts[k].option);
			return -EINVAL;
		}
	if (ac->argc > 0) {
		accelc_err("%s: unexpected argument '%s'", cmd, ac->argv[0]);
		return -EINVAL;
	}
	return 0;
}

static int split_name(const char *arg, const char *what, const char **name, const char **rest)
{
	/* Paths may hold '=', shape names too: split where the other part cannot. */
	const char *eq = strcmp(what, "--shape") ? strchr(arg, '=') : strrchr(arg, '=');

	if (!eq || eq == arg || !eq[1]) {
		accelc_err("%s '%s': expected NAME=%s", what, arg,
			   strcmp(what, "--shape") ? "FILE" : "D0xD1x...");
		return -EINVAL;
	}
	*name = strndup(arg, (size_t)(eq - arg));
	*rest = eq + 1;
	return *name ? 0 : -ENOMEM;
}

int accelc_parse_shape(const char *arg, struct accelc_shape *out)
{
	const char *p;
	char *end;
	long long d;
	int ret = split_name(arg, "--shape", &out->name, &p);

	if (ret)
		return ret;
	out->rank = 0;
	for (;;) {
		if (*p < '0' || *p > '9')
			goto bad;
		errno = 0;
		d = strtoll(p, &end, 10);
		if (errno || d < 1 || d > INT32_MAX || out->rank == ACCEL_IR_MAX_RANK)
			goto bad;
		out->dims[out->rank++] = d;
		if (!*end)
			return 0;
		if (*end != 'x')
			goto bad;
		p = end + 1;
	}
bad:
	accelc_err("--shape '%s': dims must be 1 .. %d joined by 'x' (at most %d of them), "
		   "e.g. input=8x784", arg, INT32_MAX, ACCEL_IR_MAX_RANK);
	return -EINVAL;
}

int accelc_parse_input(const char *arg, struct accelc_input *out)
{
	return split_name(arg, "-i", &out->name, &out->path);
}
