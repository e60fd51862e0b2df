// SPDX-License-Identifier: MIT
/*
 * accelctl.c - the admin tool of the accel stack: global options and the
 * top-level command table.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <drm/vaccel_drm.h>

#include "accelctl.h"
#include "json_print.h"

#ifndef ACCELCTL_VERSION
#error "the build defines ACCELCTL_VERSION"
#endif

static void usage(void)
{
	fputs("Usage: accelctl [OPTIONS] OBJECT { COMMAND | help }\n"
	      "where  OBJECT := { device | help }\n"
	      "       OPTIONS := { -j[son] | -p[retty] | -d[etails] | -V[ersion] | -h[elp] |\n"
	      "                    --pci-dump FILE }\n",
	      stderr);
}

static int cmd_help(struct accelctl *ac)
{
	usage();
	return -EINVAL; /* asking for usage is not a result: exit 1, as iproute2 does */
}

static int accelctl_run(struct accelctl *ac)
{
	static const struct ac_cmd cmds[] = {
		{ "help", cmd_help }, /* no object given: usage */
		{ "device", cmd_device },
		{ NULL, NULL },
	};
	/* "accelctl device" alone lists, but "accelctl" alone explains itself. */
	return ac_exec_cmd(ac, cmds, "command");
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "details", no_argument, NULL, 'd' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "pci-dump", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	struct accelctl ac = { 0 };
	int opt, ret;

	/* Options may come anywhere: getopt moves the words to the end. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":jpdVh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			ac.json = true;
			break;
		case 'p':
			ac.pretty = true;
			break;
		case 'd':
			ac.details = true;
			break;
		case 'V':
			printf("accelctl %s (vaccel ABI %d.%d)\n", ACCELCTL_VERSION,
			       VACCEL_ABI_VERSION_MAJOR, VACCEL_ABI_VERSION_MINOR);
			return EXIT_SUCCESS;
		case 'h':
			usage();
			return EXIT_FAILURE;
		case 'P':
			ac.pci_dump = optarg;
			break;
		case ':':
			ac_err("option '%s' needs an argument", argv[optind - 1]);
			usage();
			return EXIT_FAILURE;
		case '?':
			if (optopt)
				ac_err("unknown option '-%c'", optopt);
			else
				ac_err("unknown option '%s'", argv[optind - 1]);
			usage();
			return EXIT_FAILURE;
		}
	}
	ac.argc = argc - optind;
	ac.argv = argv + optind;
	new_json_obj(stdout, ac.json, ac.pretty);
	ret = accelctl_run(&ac);
	delete_json_obj();
	/* A full disk or a closed pipe is a failure too, not a silent success. */
	if (fflush(stdout) || ferror(stdout)) {
		ac_err("cannot write output: %s", strerror(errno));
		ret = -EIO;
	}
	return ret ? EXIT_FAILURE : EXIT_SUCCESS;
}
