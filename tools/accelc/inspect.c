// SPDX-License-Identifier: MIT
/*
 * inspect.c - `accelc inspect MODEL.apkg [--shape NAME=DIMS]`: what an
 * artifact holds and the device memory it needs.
 *
 * Memory is exact for given symbol values: the weights (buffer 0), the
 * arena as the runtime will plan it (buffer 1) and every input and output
 * buffer. Symbols take the values --shape gives through the inputs they
 * appear in, 1 otherwise; the signature shows each dim as its expression
 * over the symbols, so the sizes at other values can be read off.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <accel/apkg.h>
#include <accel/program.h>

#include "accelc.h"
#include "json_print.h"

#define EXPR_TEXT 256

/* Precedence of a formatted operand: 3 atom, 2 product, 1 sum. */
struct fmt_item {
	char text[EXPR_TEXT];
	int prec;
};

static void fmt_operand(char *dst, size_t len, const struct fmt_item *it, int need)
{
	snprintf(dst, len, it->prec < need ? "(%s)" : "%s", it->text);
}

/*
 * The lowering writes "1*batch" and "x + 0" where a factor or term is
 * trivial: drop the identity, keeping the other operand in @a.
 */
static bool fmt_identity(uint32_t op, struct fmt_item *a, const struct fmt_item *b)
{
	bool mul = op == ACCEL_PX_MUL, add = op == ACCEL_PX_ADD || op == ACCEL_PX_SUB;
	const char *unit = mul ? "1" : "0";

	if (!mul && !add)
		return op == ACCEL_PX_DIV && !strcmp(b->text, "1");
	if (!strcmp(b->text, unit))
		return true;
	if (op != ACCEL_PX_SUB && !strcmp(a->text, unit)) {
		*a = *b;
		return true;
	}
	return false;
}

/* Expression @e of @p as infix text over the symbol names. */
static void expr_format(const struct accel_program *p, uint32_t e, char *buf, size_t len)
{
	static const char *const opname[] = { [ACCEL_PX_ADD] = " + ", [ACCEL_PX_SUB] = " - ",
					      [ACCEL_PX_MUL] = "*", [ACCEL_PX_DIV] = "/" };
	struct fmt_item st[ACCEL_PEXPR_MAX_STACK];
	char a[EXPR_TEXT + 2], b[EXPR_TEXT + 2];
	uint32_t k, sp = 0;

	snprintf(buf, len, "?");
	for (k = 0; k < p->exprs[e].count; k++) {
		const struct accel_pexpr_insn *in = &p->insns[p->exprs[e].first + k];
		int prec;

		switch (in->op) {
		case ACCEL_PX_CONST:
			snprintf(st[sp].text, EXPR_TEXT, "%" PRId64, in->arg);
			st[sp++].prec = in->arg < 0 ? 1 : 3;
			break;
		case ACCEL_PX_SYM:
			snprintf(st[sp].text, EXPR_TEXT, "%s", p->sym_names[in->arg]);
			st[sp++].prec = 3;
			break;
		case ACCEL_PX_SLOT:
			snprintf(st[sp].text, EXPR_TEXT, "slot%" PRId64, in->arg);
			st[sp++].prec = 3;
			break;
		default:
			/* accel_program_check() vouched for the stack discipline. */
			if (fmt_identity(in->op, &st[sp - 2], &st[sp - 1])) {
				sp--;
				break;
			}
			prec = in->op == ACCEL_PX_ADD || in->op == ACCEL_PX_SUB ? 1 : 2;
			fmt_operand(a, sizeof(a), &st[sp - 2], prec);
			fmt_operand(b, sizeof(b), &st[sp - 1],
				    in->op == ACCEL_PX_ADD || in->op == ACCEL_PX_MUL ? prec : prec + 1);
			snprintf(st[sp - 2].text, EXPR_TEXT, "%.*s%s%.*s", EXPR_TEXT / 2 - 2, a,
				 opname[in->op], EXPR_TEXT / 2 - 2, b);
			st[sp - 2].prec = prec;
			sp--;
		}
	}
	if (sp == 1)
		snprintf(buf, len, "%s", st[0].text);
}

/* Symbol values from --shape options, 1 for the rest. */
static int bind_shapes(const struct accelc *ac, const struct accel_program *p, int64_t *sym)
{
	uint32_t i, k;
	int64_t v;
	int s;

	for (i = 0; i < p->nsyms; i++)
		sym[i] = 1;
	for (s = 0; s < ac->nshapes; s++) {
		const struct accelc_shape *sh = &ac->shapes[s];
		const struct accel_program_io *io = NULL;

		for (i = 0; i < p->ninputs; i++)
			if (!strcmp(p->inputs[i].name, sh->name))
				io = &p->inputs[i];
		if (!io) {
			accelc_err("--shape %s: the artifact has no input named '%s'", sh->name,
				   sh->name);
			return -EINVAL;
		}
		if ((uint32_t)sh->rank != io->rank) {
			accelc_err("--shape %s: %d dims given, the input has rank %u", sh->name,
				   sh->rank, io->rank);
			return -EINVAL;
		}
		for (k = 0; k < io->rank; k++)
			if (io->bind_sym[k] >= 0)
				sym[io->bind_sym[k]] = sh->dims[k];
	}
	/* Every given dim must now agree with its expression. */
	for (s = 0; s < ac->nshapes; s++) {
		const struct accelc_shape *sh = &ac->shapes[s];

		for (i = 0; i < p->ninputs; i++) {
			if (strcmp(p->inputs[i].name, sh->name))
				continue;
			for (k = 0; k < p->inputs[i].rank; k++) {
				if (accel_program_eval(p, p->inputs[i].dims[k], sym, NULL, &v) ||
				    v != sh->dims[k]) {
					accelc_err("--shape %s: dim %u must be %" PRId64 " under the "
						   "other dims", sh->name, k, v);
					return -EINVAL;
				}
			}
		}
	}
	return 0;
}

static uint64_t io_bytes(const struct accel_program *p, const struct accel_program_io *io,
			 const int64_t *sym)
{
	uint64_t n = accel_dtype_size(accel_program_device_dtype(io->dtype));
	uint32_t k;
	int64_t v;

	for (k = 0; k < io->rank; k++)
		if (!accel_program_eval(p, io->dims[k], sym, NULL, &v) && v > 0)
			n *= (uint64_t)v;
	return n;
}

static void print_io(const char *key, const struct accel_program *p,
		     const struct accel_program_io *io, uint32_t n, const int64_t *sym)
{
	char text[EXPR_TEXT];
	uint32_t i, k;

	print_string(PRINT_FP, NULL, "%s:\n", key);
	open_json_array(PRINT_JSON, key, NULL);
	for (i = 0; i < n; i++) {
		open_json_object(NULL);
		print_string(PRINT_ANY, "name", "  %-16s", io[i].name);
		print_string(PRINT_ANY, "dtype", " %s [", accel_dtype_name(io[i].dtype));
		open_json_array(PRINT_JSON, "dims", NULL);
		for (k = 0; k < io[i].rank; k++) {
			expr_format(p, io[i].dims[k], text, sizeof(text));
			print_string(PRINT_ANY, NULL, k ? ", %s" : "%s", text);
		}
		close_json_array(PRINT_JSON, NULL);
		print_u64(PRINT_ANY, "bytes", "]  %" PRIu64 " bytes", io_bytes(p, &io[i], sym));
		/* A bool is held as f32 0/1 on the device: the bytes above. */
		if (io[i].dtype == ACCEL_DT_BOOL)
			print_string(PRINT_FP, NULL, "%s", " (f32 0/1 on the device)");
		print_string(PRINT_FP, NULL, "%s", "\n");
		close_json_object();
	}
	close_json_array(PRINT_JSON, NULL);
}

/* The compiler's unplanned-arena formula, from the stored report. */
static char *unplanned_formula(const char *report)
{
	static const char key[] = "memplan: unplanned intermediates = ";
	const char *s = strstr(report, key), *e;

	if (!s)
		return NULL;
	s += strlen(key);
	e = strstr(s, " bytes");
	return e ? strndup(s, (size_t)(e - s)) : NULL;
}

static void print_memory(const struct accel_program *p, const int64_t *sym,
			 const struct accel_program_memory *m, const char *report)
{
	uint64_t in = 0, out = 0, total;
	char *formula = unplanned_formula(report);
	uint32_t i;

	for (i = 0; i < p->ninputs; i++)
		in += io_bytes(p, &p->inputs[i], sym);
	for (i = 0; i < p->noutputs; i++)
		out += io_bytes(p, &p->outputs[i], sym);
	total = m->weights_bytes + m->arena_bytes + in + out;
	print_string(PRINT_FP, NULL, "%s", "device memory (bytes) at");
	open_json_object("memory");
	open_json_object("symbols");
	for (i = 0; i < p->nsyms; i++)
		print_u64(PRINT_JSON, p->sym_names[i], "%" PRIu64, (uint64_t)sym[i]);
	close_json_object();
	for (i = 0; i < p->nsyms; i++) {
		print_string(PRINT_FP, NULL, i ? ", %s=" : " %s=", p->sym_names[i]);
		print_u64(PRINT_FP, NULL, "%" PRIu64, (uint64_t)sym[i]);
	}
	if (!p->nsyms)
		print_string(PRINT_FP, NULL, "%s", " fixed shapes");
	print_nl();
	print_u64(PRINT_ANY, "weights_bytes", "  weights           %12" PRIu64 "\n",
		  m->weights_bytes);
	print_u64(PRINT_ANY, "arena_bytes", "  arena (planned)   %12" PRIu64 "\n", m->arena_bytes);
	print_u64(PRINT_ANY, "input_bytes", "  inputs            %12" PRIu64 "\n", in);
	print_u64(PRINT_ANY, "output_bytes", "  outputs           %12" PRIu64 "\n", out);
	print_u64(PRINT_ANY, "total_bytes", "  total             %12" PRIu64 "\n", total);
	print_u64(PRINT_ANY, "arena_lower_bound_bytes", "  arena lower bound %12" PRIu64
		  " (largest live set: no plan needs less)\n", m->lower_bound_bytes);
	print_u64(PRINT_ANY, "arena_unplanned_bytes", "  arena unplanned   %12" PRIu64
		  " (every intermediate apart)\n", m->unplanned_bytes);
	print_string(PRINT_ANY, "arena_unplanned_formula", "  unplanned formula %s bytes\n",
		     formula);
	close_json_object();
	free(formula);
}

static void print_header(const char *path, const struct accel_apkg_info *in,
			 const struct accel_program *p)
{
	char v[32];
	uint32_t i;

	print_string(PRINT_ANY, "artifact", "artifact %s", path);
	print_u64(PRINT_ANY, "file_size", ": %" PRIu64 " bytes", in->file_size);
	snprintf(v, sizeof(v), "%u.%u", in->format_major, in->format_minor);
	print_string(PRINT_ANY, "format_version", ", format %s", v);
	snprintf(v, sizeof(v), "%u.%u", in->isa_major, in->isa_minor);
	print_string(PRINT_ANY, "isa_version", ", ISA %s", v);
	snprintf(v, sizeof(v), "%u.%u", in->abi_major, in->abi_minor);
	print_string(PRINT_ANY, "abi_version", ", vaccel ABI %s", v);
	print_uint(PRINT_ANY, "program_version", ", program %u\n", in->program_version);
	print_string(PRINT_FP, NULL, "%s", "symbols:");
	open_json_array(PRINT_JSON, "symbols", NULL);
	for (i = 0; i < p->nsyms; i++)
		print_string(PRINT_ANY, NULL, " %s", p->sym_names[i]);
	close_json_array(PRINT_JSON, NULL);
	print_string(PRINT_FP, NULL, "%s\n", p->nsyms ? "" : " none (every shape fixed)");
}

static void print_program(const struct accel_program *p)
{
	print_uint(PRINT_ANY, "templates", "program: %u command buffers", p->ntemplates);
	print_uint(PRINT_ANY, "packets", ", %u packets", p->npackets);
	print_uint(PRINT_ANY, "patches", ", %u patches", p->npatches);
	print_uint(PRINT_ANY, "expressions", ", %u expressions", p->nexprs);
	print_uint(PRINT_ANY, "arena_slots", ", %u arena slots", p->nslots);
	print_uint(PRINT_ANY, "steps", " over %u steps\n", p->nsteps);
}

static void print_sections(const struct accel_apkg_info *in)
{
	char crc[16];
	uint32_t i;

	print_string(PRINT_FP, NULL, "%s\n", "sections:");
	open_json_array(PRINT_JSON, "sections", NULL);
	for (i = 0; i < in->nsections; i++) {
		const struct accel_apkg_section *s = &in->sections[i];

		open_json_object(NULL);
		print_string(PRINT_ANY, "name", "  %-10s", s->name);
		print_uint(PRINT_JSON, "type", "%u", s->type);
		print_u64(PRINT_ANY, "offset", " offset %8" PRIu64, s->offset);
		print_u64(PRINT_ANY, "size", " size %9" PRIu64, s->size);
		snprintf(crc, sizeof(crc), "%08x", s->crc);
		print_string(PRINT_ANY, "crc32c", " crc32c %s\n", crc);
		close_json_object();
	}
	close_json_array(PRINT_JSON, NULL);
}

int cmd_inspect(struct accelc *ac)
{
	const char *path = accelc_arg(ac);
	const struct accel_program *p;
	struct accel_program_memory m;
	struct accel_apkg_info info;
	struct accel_apkg *a = NULL;
	int64_t *sym = NULL;
	char msg[512];
	int ret;

	if (!path) {
		accelc_err("inspect: which artifact? accelc inspect MODEL.apkg");
		return -EINVAL;
	}
	ret = accelc_only(ac, "inspect", "s");
	if (ret)
		return ret;
	ret = accel_apkg_open_file(path, &a, msg, sizeof(msg));
	if (ret) {
		accelc_err("%s: %s", path, msg);
		return ret;
	}
	p = accel_apkg_program(a);
	accel_apkg_get_info(a, &info);
	sym = calloc(p->nsyms + 1, sizeof(*sym));
	ret = sym ? bind_shapes(ac, p, sym) : -ENOMEM;
	if (!ret) {
		ret = accel_program_memory(p, sym, &m);
		if (ret)
			accelc_err("%s: the arena cannot be planned at these symbol values: %s",
				   path, strerror(-ret));
	}
	if (ret)
		goto out;
	open_json_object(NULL);
	print_header(path, &info, p);
	print_io("inputs", p, p->inputs, p->ninputs, sym);
	print_io("outputs", p, p->outputs, p->noutputs, sym);
	print_program(p);
	print_memory(p, sym, &m, accel_apkg_report(a));
	print_sections(&info);
	if (ac->details)
		print_string(PRINT_ANY, "report", "compile report:\n%s", accel_apkg_report(a));
	close_json_object();
out:
	free(sym);
	accel_apkg_close(a);
	return ret;
}
