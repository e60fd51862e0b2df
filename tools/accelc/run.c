// SPDX-License-Identifier: MIT
/*
 * run.c - `accelc run (MODEL.onnx | MODEL.apkg) -i NAME=FILE.npy ... -o DIR
 * [--device NAME]`: run a model once and write DIR/<output name>.npy.
 *
 * An artifact (recognized by its magic, whatever its file name) runs
 * through the runtime alone: load, runner, run. An ONNX model runs through
 * the JIT (include/accel/jit.h), which compiles it for the inputs' shapes
 * on this first and only call. Every input must be given exactly once by
 * name; an output's file name is its name with '/' replaced by '_'.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <accel/accel.h>
#include <accel/apkg.h>
#include <accel/jit.h>
#include <accel/program.h>

#include "accelc.h"
#include "json_print.h"
#include "npy.h"

/* Load each -i in the order of @names; every name exactly once. */
static int load_inputs(const struct accelc *ac, const char *const *names, uint32_t n,
		       struct accel_tensor *in)
{
	char msg[256];
	uint32_t i;
	int k, found;

	for (k = 0; k < ac->ninputs; k++) {
		for (i = 0; i < n; i++)
			if (!strcmp(names[i], ac->inputs[k].name))
				break;
		if (i == n) {
			accelc_err("-i %s: the model has no input named '%s'", ac->inputs[k].name,
				   ac->inputs[k].name);
			return -EINVAL;
		}
	}
	for (i = 0; i < n; i++) {
		found = -1;
		for (k = 0; k < ac->ninputs; k++) {
			if (strcmp(names[i], ac->inputs[k].name))
				continue;
			if (found >= 0) {
				accelc_err("input '%s' given twice", names[i]);
				return -EINVAL;
			}
			found = k;
		}
		if (found < 0) {
			accelc_err("input '%s' missing: give it with -i %s=FILE.npy", names[i],
				   names[i]);
			return -EINVAL;
		}
		if (npy_read(ac->inputs[found].path, &in[i], msg, sizeof(msg))) {
			accelc_err("%s: %s", ac->inputs[found].path, msg);
			return -EINVAL;
		}
	}
	return 0;
}

static int write_outputs(const struct accelc *ac, const char *const *names, uint32_t n,
			 const struct accel_tensor *out)
{
	char path[4096], msg[256], dims[32], *s;
	uint32_t i;
	int k;

	open_json_array(PRINT_JSON, "outputs", NULL);
	for (i = 0; i < n; i++) {
		if (!strcmp(names[i], ".") || !strcmp(names[i], "..")) {
			accelc_err("output name '%s' cannot be a file name", names[i]);
			return -EINVAL;
		}
		if ((size_t)snprintf(path, sizeof(path), "%s/%s.npy", ac->output, names[i]) >=
		    sizeof(path)) {
			accelc_err("output path for '%s' too long", names[i]);
			return -ENAMETOOLONG;
		}
		for (s = path + strlen(ac->output) + 1; *s; s++)
			if (*s == '/')
				*s = '_';
		if (npy_write(path, &out[i], msg, sizeof(msg))) {
			accelc_err("%s: %s", path, msg);
			return -EIO;
		}
		open_json_object(NULL);
		print_string(PRINT_ANY, "name", "%s", names[i]);
		print_string(PRINT_ANY, "path", " -> %s", path);
		print_string(PRINT_ANY, "dtype", ": %s [", accel_dtype_name(out[i].dtype));
		open_json_array(PRINT_JSON, "dims", NULL);
		for (k = 0; k < out[i].rank; k++) {
			snprintf(dims, sizeof(dims), "%s%" PRId64, k ? ", " : "", out[i].dims[k]);
			print_string(PRINT_FP, NULL, "%s", dims);
			print_u64(PRINT_JSON, NULL, "%" PRIu64, (uint64_t)out[i].dims[k]);
		}
		close_json_array(PRINT_JSON, NULL);
		print_string(PRINT_FP, NULL, "%s\n", "]");
		close_json_object();
	}
	close_json_array(PRINT_JSON, NULL);
	return 0;
}

static bool is_artifact(const char *path)
{
	char magic[8];
	FILE *f = fopen(path, "rb");
	bool yes;

	if (!f)
		return false;
	yes = fread(magic, 1, 8, f) == 8 && !memcmp(magic, "ACCELPKG", 8);
	fclose(f);
	return yes;
}

static int run_artifact(const struct accelc *ac, const char *path, struct accel_device *dev)
{
	const struct accel_program *p;
	struct accel_tensor *in = NULL, *out = NULL;
	struct accel_runner *r = NULL;
	struct accel_apkg *a = NULL;
	const char **names = NULL;
	char msg[512];
	uint32_t i;
	int ret;

	ret = accel_apkg_open_file(path, &a, msg, sizeof(msg));
	if (ret) {
		accelc_err("%s: %s", path, msg);
		return ret;
	}
	p = accel_apkg_program(a);
	in = calloc(p->ninputs + 1, sizeof(*in));
	out = calloc(p->noutputs + 1, sizeof(*out));
	names = calloc(p->ninputs + p->noutputs + 1, sizeof(*names));
	ret = -ENOMEM;
	if (!in || !out || !names)
		goto out;
	for (i = 0; i < p->ninputs + p->noutputs; i++)
		names[i] = i < p->ninputs ? p->inputs[i].name : p->outputs[i - p->ninputs].name;
	ret = load_inputs(ac, names, p->ninputs, in);
	if (ret)
		goto out;
	ret = accel_runner_create(p, dev, &r);
	if (ret) {
		accelc_err("%s: cannot get ready on %s: %s", path, accel_device_name(dev),
			   strerror(-ret));
		goto out;
	}
	ret = accel_runner_run(r, in, p->ninputs, out, p->noutputs);
	if (ret) {
		accelc_err("%s: %s", path, accel_runner_error(r));
		goto out;
	}
	ret = write_outputs(ac, names + p->ninputs, p->noutputs, out);
out:
	for (i = 0; in && i < p->ninputs; i++)
		free(in[i].data);
	free(in);
	free(out);
	free(names);
	accel_runner_destroy(r);
	accel_apkg_close(a);
	return ret;
}

static int run_onnx(const struct accelc *ac, const char *path, struct accel_device *dev)
{
	struct accel_ir_error err = { "" };
	struct accel_tensor *in = NULL, *out = NULL;
	struct accel_jit_fn *fn = NULL;
	struct accel_jit_io io;
	const char **names = NULL;
	uint32_t i, nin, nout;
	int ret;

	ret = accel_jit_create_onnx(path, dev, NULL, &fn, &err);
	if (ret) {
		accelc_err("%s: %s", path, err.msg);
		return ret;
	}
	nin = accel_jit_num_inputs(fn);
	nout = accel_jit_num_outputs(fn);
	in = calloc(nin + 1, sizeof(*in));
	out = calloc(nout + 1, sizeof(*out));
	names = calloc(nin + nout + 1, sizeof(*names));
	ret = -ENOMEM;
	if (!in || !out || !names)
		goto out;
	for (i = 0; i < nin + nout; i++) {
		ret = i < nin ? accel_jit_input(fn, i, &io) : accel_jit_output(fn, i - nin, &io);
		if (ret)
			goto out;
		names[i] = io.name;
	}
	ret = load_inputs(ac, names, nin, in);
	if (ret)
		goto out;
	ret = accel_jit_call(fn, in, nin, out, nout);
	if (ret) {
		accelc_err("%s: %s", path, accel_jit_error(fn));
		goto out;
	}
	ret = write_outputs(ac, names + nin, nout, out);
out:
	for (i = 0; in && i < nin; i++)
		free(in[i].data);
	free(in);
	free(out);
	free(names);
	accel_jit_destroy(fn);
	return ret;
}

int cmd_run(struct accelc *ac)
{
	struct accel_device *dev = NULL;
	const char *model = accelc_arg(ac);
	struct stat st;
	int ret;

	if (!model) {
		accelc_err("run: which model? accelc run MODEL -i NAME=FILE.npy -o DIR");
		return -EINVAL;
	}
	ret = accelc_only(ac, "run", "oid");
	if (ret)
		return ret;
	if (!ac->output) {
		accelc_err("run: -o DIR is required");
		return -EINVAL;
	}
	if (mkdir(ac->output, 0755) && errno != EEXIST) {
		accelc_err("%s: cannot create: %s", ac->output, strerror(errno));
		return -errno;
	}
	if (stat(ac->output, &st) || !S_ISDIR(st.st_mode)) {
		accelc_err("%s: not a directory", ac->output);
		return -ENOTDIR;
	}
	ret = accel_device_open(ac->device, &dev);
	if (ret) {
		accelc_err("cannot open device '%s': %s", ac->device ? ac->device : "(default)",
			   strerror(-ret));
		return ret;
	}
	open_json_object(NULL);
	print_string(PRINT_JSON, "device", "%s", accel_device_name(dev));
	ret = is_artifact(model) ? run_artifact(ac, model, dev) : run_onnx(ac, model, dev);
	close_json_object();
	accel_device_close(dev);
	return ret;
}
