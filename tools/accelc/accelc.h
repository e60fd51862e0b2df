/* SPDX-License-Identifier: MIT */
/*
 * accelc.h - state and helpers shared by accelc's command files.
 *
 * Commands are a table of {name, fn} as in accelctl (and iproute2's rdma
 * tool): the first entry runs when no word is given, a word selects the
 * first entry it is a prefix of. Options may come anywhere on the line;
 * each command refuses the ones that do not apply to it. Command functions
 * return 0 or a negative errno after saying what went wrong on stderr;
 * main() turns that into exit status 0 or 1.
 */
#ifndef ACCELC_H
#define ACCELC_H

#include <stdbool.h>
#include <stdint.h>

#include <accel/ir.h>

/** ACCELC_MAX_ARGS - most -i or --shape options one invocation takes. */
#define ACCELC_MAX_ARGS 64

/**
 * struct accelc_shape - one --shape NAME=D0xD1x... option.
 * @name: the input's name.
 * @rank: number of dims given.
 * @dims: their values (each >= 1).
 */
struct accelc_shape {
	const char *name;
	int rank;
	int64_t dims[ACCEL_IR_MAX_RANK];
};

/**
 * struct accelc_input - one -i NAME=FILE.npy option.
 * @name: the input's name.
 * @path: the .npy file.
 */
struct accelc_input {
	const char *name;
	const char *path;
};

/**
 * struct accelc - one invocation.
 * @argc: words left to parse.
 * @argv: the next word first.
 * @json: -j, JSON output.
 * @pretty: -p, indented JSON.
 * @details: -d, more fields (inspect: the compile report).
 * @output: -o FILE (compile) or DIR (run).
 * @device: --device NAME (run), NULL for the default device.
 * @nshapes: --shape options given.
 * @shapes: them.
 * @ninputs: -i options given.
 * @inputs: them.
 */
struct accelc {
	int argc;
	char **argv;
	bool json;
	bool pretty;
	bool details;
	const char *output;
	const char *device;
	int nshapes;
	struct accelc_shape shapes[ACCELC_MAX_ARGS];
	int ninputs;
	struct accelc_input inputs[ACCELC_MAX_ARGS];
};

/** struct accelc_cmd - one entry of a command table; a NULL @name ends it. */
struct accelc_cmd {
	const char *name;
	int (*fn)(struct accelc *ac);
};

/** accelc_exec_cmd() - run the entry of @cmds the next word selects. */
int accelc_exec_cmd(struct accelc *ac, const struct accelc_cmd *cmds, const char *what);

/** accelc_arg() - take the next word, or NULL when none is left. */
const char *accelc_arg(struct accelc *ac);

/** accelc_err() - "accelc: <message>" and a newline on stderr. */
void accelc_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * accelc_only() - refuse the options @cmd does not take: @allowed is a
 * string of the option letters it does (o: -o, s: --shape, i: -i,
 * d: --device). Also refuses words left over after the command's own.
 */
int accelc_only(const struct accelc *ac, const char *cmd, const char *allowed);

/** accelc_parse_shape() - "NAME=D0xD1x..." into @out; -EINVAL with a message. */
int accelc_parse_shape(const char *arg, struct accelc_shape *out);

/** accelc_parse_input() - "NAME=FILE" into @out; -EINVAL with a message. */
int accelc_parse_input(const char *arg, struct accelc_input *out);

int cmd_compile(struct accelc *ac);
int cmd_inspect(struct accelc *ac);
int cmd_run(struct accelc *ac);

#endif /* ACCELC_H */
