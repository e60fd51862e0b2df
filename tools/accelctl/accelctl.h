/* SPDX-License-Identifier: MIT */
/*
 * accelctl.h - state and helpers shared by the command files.
 *
 * Commands are nested tables of {name, fn} as in iproute2's rdma tool: the
 * first entry is what runs when no word is given, a word selects the first
 * entry it is a prefix of ("accelctl dev l" is "accelctl device list").
 * Command functions return 0 or a negative errno after saying what went
 * wrong on stderr; main() turns that into exit status 0 or 1.
 */
#ifndef ACCELCTL_H
#define ACCELCTL_H

#include <stdbool.h>

/**
 * struct accelctl - one invocation.
 * @argc: words left to parse.
 * @argv: the next word first.
 * @json: -j, JSON output.
 * @pretty: -p, indented JSON.
 * @details: -d, every field there is.
 * @pci_dump: --pci-dump FILE, read PCI devices from a recorded `lspci -x`
 *	dump instead of the live bus (NULL: live).
 */
struct accelctl {
	int argc;
	char **argv;
	bool json;
	bool pretty;
	bool details;
	const char *pci_dump;
};

/** struct ac_cmd - one entry of a command table; a NULL @name ends it. */
struct ac_cmd {
	const char *name;
	int (*fn)(struct accelctl *ac);
};

/**
 * ac_exec_cmd() - run the entry of @cmds the next word selects (the first
 * entry if there is none) after consuming the word. An unknown word prints
 * an error naming @what, runs the table's "help" entry and returns -EINVAL.
 */
int ac_exec_cmd(struct accelctl *ac, const struct ac_cmd *cmds, const char *what);

/** ac_argv() - the next word, or NULL when none is left. */
const char *ac_argv(const struct accelctl *ac);
/** ac_arg_next() - consume the next word. */
void ac_arg_next(struct accelctl *ac);

/** ac_err() - "accelctl: <message>" and a newline on stderr. */
void ac_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cmd_device(struct accelctl *ac);
void device_help(void);

#endif /* ACCELCTL_H */
