// SPDX-License-Identifier: MIT
/*
 * accelc.c - the compiler CLI: global options and the command table.
 *
 *	accelc compile MODEL.onnx -o MODEL.apkg [--shape NAME=D0xD1x...]
 *	accelc inspect MODEL.apkg [-j] [--shape NAME=D0xD1x...]
 *	accelc run (MODEL.onnx | MODEL.apkg) -i NAME=FILE.npy ... -o DIR [--device NAME]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <drm/vaccel_drm.h>
#include <drm/vaccel_isa.h>

#include <accel/apkg.h>

#include "accelc.h"
#include "json_print.h"

#ifndef ACCELC_VERSION
#error "the build defines ACCELC_VERSION"
#endif

static void usage(void)
{
	fputs("Usage: accelc [OPTIONS] COMMAND ...\n"
	      "  accelc compile MODEL.onnx -o MODEL.apkg [--shape NAME=D0xD1x...]...\n"
	      "  accelc inspect MODEL.apkg [--shape NAME=D0xD1x...]...\n"
	      "  accelc run (MODEL.onnx | MODEL.apkg) -i NAME=FILE.npy... -o DIR "
	      "[--device NAME]\n"
	      "  OPTIONS := { -j[son] | -p[retty] | -d[etails] | -V[ersion] | -h[elp] }\n",
	      stderr);
}

static int cmd_help(struct accelc *ac)
{
	usage();
	return -EINVAL; /* asking for usage is not a result: exit 1, as accelctl does */
}

static int accelc_main(struct accelc *ac)
{
	static const struct accelc_cmd cmds[] = {
		{ "help", cmd_help },
		{ "compile", cmd_compile },
		{ "inspect", cmd_inspect },
		{ "run", cmd_run },
		{ NULL, NULL },
	};

	return accelc_exec_cmd(ac, cmds, "command");
}

static void accelc_free(struct accelc *ac)
{
	int i;

	for (i = 0; i < ac->nshapes; i++)
		free((char *)ac->shapes[i].name);
	for (i = 0; i < ac->ninputs; i++)
		free((char *)ac->inputs[i].name);
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "details", no_argument, NULL, 'd' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "input", required_argument, NULL, 'i' },
		{ "shape", required_argument, NULL, 's' },
		{ "device", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	struct accelc ac = { 0 };
	int opt, ret = 0;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":jpdVho:i:", long_opts, NULL)) != -1) {
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
			printf("accelc %s (artifact format %d.%d, ISA %d.%d, vaccel ABI %d.%d)\n",
			       ACCELC_VERSION, ACCEL_APKG_FORMAT_MAJOR, ACCEL_APKG_FORMAT_MINOR,
			       VACCEL_ISA_VERSION_MAJOR, VACCEL_ISA_VERSION_MINOR,
			       VACCEL_ABI_VERSION_MAJOR, VACCEL_ABI_VERSION_MINOR);
			goto out;
		case 'h':
			usage();
			ret = -EINVAL;
			goto out;
		case 'o':
			if (ac.output) {
				accelc_err("-o given twice");
				ret = -EINVAL;
				goto out;
			}
			ac.output = optarg;
			break;
		case 'D':
			ac.device = optarg;
			break;
		case 'i':
		case 's':
			if ((opt == 'i' ? ac.ninputs : ac.nshapes) == ACCELC_MAX_ARGS) {
				accelc_err("more than %d %s options", ACCELC_MAX_ARGS,
					   opt == 'i' ? "-i" : "--shape");
				ret = -E2BIG;
				goto out;
			}
			ret = opt == 'i' ? accelc_parse_input(optarg, &ac.inputs[ac.ninputs++]) :
					   accelc_parse_shape(optarg, &ac.shapes[ac.nshapes++]);
			if (ret)
				goto out;
			break;
		case ':':
			accelc_err("option '%s' needs an argument", argv[optind - 1]);
			usage();
			ret = -EINVAL;
			goto out;
		case '?':
			if (optopt)
				accelc_err("unknown option '-%c'", optopt);
			else
				accelc_err("unknown option '%s'", argv[optind - 1]);
			usage();
			ret = -EINVAL;
			goto out;
		}
	}
	ac.argc = argc - optind;
	ac.argv = argv + optind;
	new_json_obj(stdout, ac.json, ac.pretty);
	ret = accelc_main(&ac);
	delete_json_obj();
	/* A full disk or a closed pipe is a failure too, not a silent success. */
	if (fflush(stdout) || ferror(stdout)) {
		accelc_err("cannot write output: %s", strerror(errno));
		ret = -EIO;
	}
out:
	accelc_free(&ac);
	return ret ? EXIT_FAILURE : EXIT_SUCCESS;
}
