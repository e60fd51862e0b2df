// SPDX-License-Identifier: MIT
/*
 * compile.c - `accelc compile MODEL.onnx -o MODEL.apkg [--shape NAME=DIMS]`:
 * import, fix the symbols the --shape options give, compile, write the
 * artifact with the compile report.
 *
 * A --shape option names a graph input and gives every dim: its constant
 * dims must be repeated as they are, its symbolic dims (bare symbols such
 * as "batch") get the value given, and that value then holds for that
 * symbol wherever it appears. Symbols no option fixes stay symbolic: the
 * artifact then runs at any value of them without recompiling.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <accel/apkg.h>
#include <accel/program.h>

#include "accelc.h"
#include "json_print.h"

#define MAX_FIXED (ACCELC_MAX_ARGS * ACCEL_IR_MAX_RANK)

struct fixed_sym {
	char name[128];
	int64_t value;
};

/* A dim's symbol name when it is a bare symbol; else false. */
static bool bare_symbol(const struct accel_graph *g, struct accel_dim d, char *buf, size_t len)
{
	size_t i;

	if (!d.expr || d.expr == ACCEL_DIM_UNKNOWN)
		return false;
	accel_dim_format(g, d, buf, len);
	if (!buf[0] || (buf[0] >= '0' && buf[0] <= '9'))
		return false;
	for (i = 0; buf[i]; i++)
		if (strchr(" +-*/()", buf[i]))
			return false;
	return true;
}

static int fixed_add(struct fixed_sym *f, int *n, const char *name, int64_t v, const char *input)
{
	int i;

	for (i = 0; i < *n; i++) {
		if (strcmp(f[i].name, name))
			continue;
		if (f[i].value != v) {
			accelc_err("--shape %s: symbol '%s' is %" PRId64 " here but %" PRId64
				   " in another --shape", input, name, v, f[i].value);
			return -EINVAL;
		}
		return 0;
	}
	if (*n == MAX_FIXED || strlen(name) >= sizeof(f->name))
		return -E2BIG;
	snprintf(f[*n].name, sizeof(f->name), "%s", name);
	f[(*n)++].value = v;
	return 0;
}

/* Check each --shape against its input and collect symbol values. */
static int collect_fixed(const struct accelc *ac, const struct accel_graph *g,
			 struct fixed_sym *f, int *nf)
{
	char text[128];
	int i, k, ret;

	for (i = 0; i < ac->nshapes; i++) {
		const struct accelc_shape *s = &ac->shapes[i];
		struct accel_value *v = accel_graph_find(g, s->name);

		if (!v || v->kind != ACCEL_VALUE_INPUT) {
			accelc_err("--shape %s: the model has no input named '%s'", s->name,
				   s->name);
			return -EINVAL;
		}
		if (v->shape.rank != s->rank) {
			accelc_err("--shape %s: %d dims given, the input has rank %d", s->name,
				   s->rank, v->shape.rank);
			return -EINVAL;
		}
		for (k = 0; k < s->rank; k++) {
			struct accel_dim d = v->shape.dims[k];

			if (!d.expr) {
				if (d.val != s->dims[k]) {
					accelc_err("--shape %s: dim %d is the constant %" PRId64
						   ", %" PRId64 " given", s->name, k, d.val,
						   s->dims[k]);
					return -EINVAL;
				}
				continue;
			}
			if (!bare_symbol(g, d, text, sizeof(text))) {
				accelc_err("--shape %s: dim %d is '%s', not a symbol of its own: fix "
					   "the symbols it is made of through another input",
					   s->name, k, text);
				return -EINVAL;
			}
			ret = fixed_add(f, nf, text, s->dims[k], s->name);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* Replace every bare-symbol input dim whose symbol is fixed by its value. */
static void apply_fixed(struct accel_graph *g, const struct fixed_sym *f, int nf)
{
	char text[128];
	uint32_t i;
	int k, j;

	for (i = 0; i < g->ninputs; i++) {
		struct accel_value *v = g->inputs[i];

		for (k = 0; k < v->shape.rank; k++) {
			if (!bare_symbol(g, v->shape.dims[k], text, sizeof(text)))
				continue;
			for (j = 0; j < nf; j++)
				if (!strcmp(text, f[j].name))
					v->shape.dims[k] = accel_dim_const(f[j].value);
		}
	}
}

static void print_summary(const char *path, uint64_t bytes, const struct accel_program *p)
{
	uint32_t i;

	print_string(PRINT_ANY, "artifact", "wrote %s", path);
	print_u64(PRINT_ANY, "file_size", ": %" PRIu64 " bytes", bytes);
	print_u64(PRINT_ANY, "weights_bytes", ", weights %" PRIu64, p->weights_size);
	print_uint(PRINT_ANY, "templates", ", %u command buffers", p->ntemplates);
	print_uint(PRINT_ANY, "packets", ", %u packets", p->npackets);
	print_string(PRINT_FP, NULL, "%s", ", symbols:");
	open_json_array(PRINT_JSON, "symbols", NULL);
	for (i = 0; i < p->nsyms; i++)
		print_string(PRINT_ANY, NULL, " %s", p->sym_names[i]);
	close_json_array(PRINT_JSON, NULL);
	if (!p->nsyms)
		print_string(PRINT_FP, NULL, "%s", " none (every shape fixed)");
	print_nl();
}

int cmd_compile(struct accelc *ac)
{
	struct accel_ir_error err = { "" };
	struct fixed_sym *fixed = NULL;
	struct accel_report *rep = NULL;
	struct accel_program *p = NULL;
	struct accel_graph *g = NULL;
	const char *model = accelc_arg(ac);
	char msg[512], *text = NULL;
	size_t bytes = 0;
	struct stat st;
	int nf = 0, ret;
	FILE *f;

	if (!model) {
		accelc_err("compile: which model? accelc compile MODEL.onnx -o MODEL.apkg");
		return -EINVAL;
	}
	ret = accelc_only(ac, "compile", "os");
	if (ret)
		return ret;
	if (!ac->output) {
		accelc_err("compile: -o MODEL.apkg is required");
		return -EINVAL;
	}
	ret = accel_onnx_import_file(model, &g, &err);
	if (ret) {
		accelc_err("%s: %s", model, err.msg);
		return ret;
	}
	fixed = calloc(MAX_FIXED, sizeof(*fixed));
	ret = fixed ? collect_fixed(ac, g, fixed, &nf) : -ENOMEM;
	if (ret)
		goto out;
	apply_fixed(g, fixed, nf);
	ret = accel_report_create(&rep);
	if (ret)
		goto out;
	ret = accel_program_compile(g, NULL, rep, &p, &err);
	if (ret) {
		accelc_err("%s: %s", model, err.msg);
		goto out;
	}
	/* The report section: where it came from, then what the passes did. */
	f = open_memstream(&text, &bytes);
	if (!f) {
		ret = -ENOMEM;
		goto out;
	}
	fprintf(f, "producer: accelc %s\nsource: %s\n", ACCELC_VERSION, model);
	for (int i = 0; i < nf; i++)
		fprintf(f, "fixed: %s=%" PRId64 "\n", fixed[i].name, fixed[i].value);
	fputs(accel_report_text(rep), f);
	if (fclose(f)) {
		ret = -ENOMEM;
		goto out;
	}
	ret = accel_apkg_write_file(p, text, ac->output, msg, sizeof(msg));
	if (ret) {
		accelc_err("%s: %s", ac->output, msg);
		goto out;
	}
	if (stat(ac->output, &st)) {
		ret = -errno;
		accelc_err("%s: %s", ac->output, strerror(errno));
		goto out;
	}
	open_json_object(NULL);
	print_summary(ac->output, (uint64_t)st.st_size, p);
	close_json_object();
out:
	free(text);
	free(fixed);
	accel_program_destroy(p);
	accel_report_destroy(rep);
	accel_graph_destroy(g);
	return ret;
}
