// SPDX-License-Identifier: MIT
/*
 * apkg_read.c - load an .apkg artifact (apkg_format.h) into a struct
 * accel_program, trusting none of its bytes.
 *
 * Order of checks: the header (size, magic, format major, its checksum,
 * file size, the other versions), the section table's bounds, every
 * section's bounds and checksum, the file's checksum; then each section is
 * parsed through a cursor that refuses to read past the section and checks
 * every count against the bytes left before allocating for it. Last,
 * accel_program_check() checks every cross-reference (expression, symbol,
 * template and slot indices). Each refusal names the section and field.
 *
 * Part of the runtime: nothing here links the compiler.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <drm/vaccel_drm.h>
#include <drm/vaccel_isa.h>

#include <accel/apkg.h>

#include "apkg_format.h"
#include "rt_msg.h"

struct accel_apkg {
	struct accel_program *p;
	char *report;
	struct accel_apkg_info info;
};

/* A bounds-checked reader over one section. */
struct cursor {
	const uint8_t *p;
	uint64_t len, pos;
	const char *section;
	char *msg;
	size_t msglen;
};

static int cur_short(struct cursor *c, const char *field, uint64_t need)
{
	return rt_say(c->msg, c->msglen, -EBADMSG, "section '%s': truncated reading %s (%llu bytes "
		   "needed at offset %llu, %llu left)", c->section, field,
		   (unsigned long long)need, (unsigned long long)c->pos,
		   (unsigned long long)(c->len - c->pos));
}

static int cur_u32(struct cursor *c, const char *field, uint32_t *v)
{
	if (c->len - c->pos < 4)
		return cur_short(c, field, 4);
	*v = apkg_get32(c->p + c->pos);
	c->pos += 4;
	return 0;
}

static int cur_u64(struct cursor *c, const char *field, uint64_t *v)
{
	if (c->len - c->pos < 8)
		return cur_short(c, field, 8);
	*v = apkg_get64(c->p + c->pos);
	c->pos += 8;
	return 0;
}

static int cur_zero32(struct cursor *c, const char *field)
{
	uint32_t v = 0;
	int ret = cur_u32(c, field, &v);

	if (!ret && v)
		return rt_say(c->msg, c->msglen, -EBADMSG, "section '%s': %s is %u, must be 0",
			   c->section, field, v);
	return ret;
}

/* @n records of @size bytes each must fit in what is left: then allocate. */
static int cur_count(struct cursor *c, const char *field, uint32_t n, uint64_t size)
{
	if ((uint64_t)n * size > c->len - c->pos)
		return rt_say(c->msg, c->msglen, -EBADMSG, "section '%s': %s %u needs %llu bytes, "
			   "%llu left", c->section, field, n, (unsigned long long)n * size,
			   (unsigned long long)(c->len - c->pos));
	return 0;
}

static int cur_align(struct cursor *c, const char *field, uint64_t a)
{
	uint64_t pad = (a - c->pos % a) % a;

	if (c->len - c->pos < pad)
		return cur_short(c, field, pad);
	for (; pad; pad--, c->pos++)
		if (c->p[c->pos])
			return rt_say(c->msg, c->msglen, -EBADMSG, "section '%s': padding after %s "
				   "not zero", c->section, field);
	return 0;
}

static void *zalloc(uint64_t n, size_t size)
{
	return calloc(n ? (size_t)n : 1, size);
}

/* A name: u32 length, the bytes (no NUL among them), padding to 4. */
static int cur_name(struct cursor *c, const char *field, char **out)
{
	uint32_t n;
	int ret = cur_u32(c, field, &n);

	if (ret)
		return ret;
	if (n == 0 || n > APKG_MAX_NAME)
		return rt_say(c->msg, c->msglen, -EBADMSG, "section '%s': %s has length %u (must be "
			   "1..%u)", c->section, field, n, APKG_MAX_NAME);
	if (c->len - c->pos < n)
		return cur_short(c, field, n);
	if (memchr(c->p + c->pos, 0, n))
		return rt_say(c->msg, c->msglen, -EBADMSG, "section '%s': %s holds a NUL byte",
			   c->section, field);
	*out = zalloc(n + 1, 1);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, c->p + c->pos, n);
	c->pos += n;
	return cur_align(c, field, 4);
}

static int cur_end(struct cursor *c)
{
	if (c->pos != c->len)
		return rt_say(c->msg, c->msglen, -EBADMSG, "section '%s': %llu bytes left over after "
			   "the last field", c->section, (unsigned long long)(c->len - c->pos));
	return 0;
}

static int parse_io(struct cursor *c, struct accel_program_io *io, bool input, uint32_t idx)
{
	char field[64];
	uint32_t k, v;
	int ret;

	snprintf(field, sizeof(field), "%s %u name", input ? "input" : "output", idx);
	ret = cur_name(c, field, &io->name);
	if (ret)
		return ret;
	snprintf(field, sizeof(field), "%s %u dtype", input ? "input" : "output", idx);
	ret = cur_u32(c, field, &io->dtype);
	if (ret)
		return ret;
	/* The runner sizes and converts I/O by dtype: an unknown one must
	 * not get that far. */
	if (io->dtype == ACCEL_DT_UNDEF || io->dtype >= ACCEL_DT_COUNT)
		return rt_say(c->msg, c->msglen, -EBADMSG, "section '%s': %s %u has dtype %u "
			   "(this runtime knows 1..%d)", c->section, input ? "input" : "output",
			   idx, io->dtype, ACCEL_DT_COUNT - 1);
	snprintf(field, sizeof(field), "%s %u rank", input ? "input" : "output", idx);
	ret = cur_u32(c, field, &io->rank);
	if (ret)
		return ret;
	if (io->rank > ACCEL_IR_MAX_RANK)
		return rt_say(c->msg, c->msglen, -EBADMSG, "section '%s': %s %u has rank %u (at most "
			   "%d)", c->section, input ? "input" : "output", idx, io->rank,
			   ACCEL_IR_MAX_RANK);
	for (k = 0; k < ACCEL_IR_MAX_RANK; k++)
		io->bind_sym[k] = -1;
	snprintf(field, sizeof(field), "%s %u dims", input ? "input" : "output", idx);
	for (k = 0; k < io->rank; k++) {
		ret = cur_u32(c, field, &io->dims[k]);
		if (ret)
			return ret;
	}
	snprintf(field, sizeof(field), "%s %u bound symbols", input ? "input" : "output", idx);
	for (k = 0; k < io->rank; k++) {
		ret = cur_u32(c, field, &v);
		if (ret)
			return ret;
		io->bind_sym[k] = (int32_t)v;
	}
	return 0;
}

static int parse_signature(struct cursor *c, struct accel_program *p)
{
	char field[64];
	uint32_t i;
	int ret;

	ret = cur_u32(c, "symbol count", &p->nsyms);
	/* Each name takes at least 8 bytes (length and padded bytes). */
	if (!ret)
		ret = cur_count(c, "symbol count", p->nsyms, 8);
	if (ret)
		return ret;
	p->sym_names = zalloc(p->nsyms, sizeof(*p->sym_names));
	if (!p->sym_names)
		return -ENOMEM;
	for (i = 0; i < p->nsyms; i++) {
		snprintf(field, sizeof(field), "symbol %u name", i);
		ret = cur_name(c, field, &p->sym_names[i]);
		if (ret)
			return ret;
	}
	ret = cur_u32(c, "input count", &p->ninputs);
	if (!ret)
		ret = cur_u32(c, "output count", &p->noutputs);
	/* An I/O record is at least 16 bytes: name, dtype, rank. */
	if (!ret)
		ret = cur_count(c, "input count", p->ninputs, 16);
	if (!ret)
		ret = cur_count(c, "output count", p->noutputs, 16);
	if (!ret && (uint64_t)p->ninputs + p->noutputs > (c->len - c->pos) / 16)
		ret = rt_say(c->msg, c->msglen, -EBADMSG, "section 'signature': %u inputs and %u "
			  "outputs do not fit", p->ninputs, p->noutputs);
	if (ret)
		return ret;
	p->inputs = zalloc(p->ninputs, sizeof(*p->inputs));
	p->outputs = zalloc(p->noutputs, sizeof(*p->outputs));
	if (!p->inputs || !p->outputs)
		return -ENOMEM;
	for (i = 0; i < p->ninputs; i++) {
		ret = parse_io(c, &p->inputs[i], true, i);
		if (ret)
			return ret;
	}
	for (i = 0; i < p->noutputs; i++) {
		ret = parse_io(c, &p->outputs[i], false, i);
		if (ret)
			return ret;
	}
	return cur_end(c);
}

static int parse_exprs(struct cursor *c, struct accel_program *p)
{
	uint64_t arg = 0;
	uint32_t i;
	int ret;

	ret = cur_u32(c, "instruction count", &p->ninsns);
	if (!ret)
		ret = cur_u32(c, "expression count", &p->nexprs);
	if (!ret)
		ret = cur_count(c, "instruction count", p->ninsns, 16);
	if (!ret)
		ret = cur_count(c, "expression count", p->nexprs, 8);
	if (!ret && (uint64_t)p->ninsns * 16 + (uint64_t)p->nexprs * 8 != c->len - c->pos)
		ret = rt_say(c->msg, c->msglen, -EBADMSG, "section 'exprs': %u instructions and %u "
			  "expressions need %llu bytes, the section has %llu", p->ninsns, p->nexprs,
			  (unsigned long long)p->ninsns * 16 + (unsigned long long)p->nexprs * 8,
			  (unsigned long long)(c->len - c->pos));
	if (ret)
		return ret;
	p->insns = zalloc(p->ninsns, sizeof(*p->insns));
	p->exprs = zalloc(p->nexprs, sizeof(*p->exprs));
	if (!p->insns || !p->exprs)
		return -ENOMEM;
	for (i = 0; i < p->ninsns; i++) {
		cur_u32(c, "instruction op", &p->insns[i].op);
		cur_u32(c, "instruction pad", &p->insns[i].pad);
		cur_u64(c, "instruction argument", &arg);
		p->insns[i].arg = (int64_t)arg;
	}
	for (i = 0; i < p->nexprs; i++) {
		cur_u32(c, "expression first", &p->exprs[i].first);
		cur_u32(c, "expression count", &p->exprs[i].count);
	}
	ret = cur_end(c);
	return ret ? ret : apkg_check_expr_layout(p, c->msg, c->msglen);
}

int apkg_check_expr_layout(const struct accel_program *p, char *msg, size_t msglen)
{
	uint32_t i, at = 0;

	for (i = 0; i < p->nexprs; i++) {
		const struct accel_pexpr *x = &p->exprs[i];

		if (x->first != at || !x->count || x->count > APKG_MAX_EXPR_INSNS ||
		    x->count > p->ninsns - at)
			return rt_say(msg, msglen, -EBADMSG, "section 'exprs': expression %u covers "
				   "instructions %u..+%u, expected to start at %u with 1..%u of "
				   "the %u left", i, x->first, x->count, at, APKG_MAX_EXPR_INSNS,
				   p->ninsns - at);
		at += x->count;
	}
	if (at != p->ninsns)
		return rt_say(msg, msglen, -EBADMSG, "section 'exprs': %u instructions belong to no "
			   "expression", p->ninsns - at);
	return 0;
}

static int parse_templates(struct cursor *c, struct accel_program *p)
{
	char field[64];
	uint32_t i;
	int ret;

	ret = cur_u32(c, "template count", &p->ntemplates);
	if (!ret)
		ret = cur_u32(c, "packet count", &p->npackets);
	if (!ret)
		ret = cur_count(c, "template count", p->ntemplates, 8);
	if (ret)
		return ret;
	p->templates = zalloc(p->ntemplates, sizeof(*p->templates));
	if (!p->templates)
		return -ENOMEM;
	for (i = 0; i < p->ntemplates; i++) {
		struct accel_program_template *t = &p->templates[i];

		snprintf(field, sizeof(field), "template %u size", i);
		ret = cur_u32(c, field, &t->size);
		if (!ret)
			ret = cur_zero32(c, "template pad");
		if (!ret && t->size > c->len - c->pos)
			ret = cur_short(c, field, t->size);
		if (ret)
			return ret;
		t->data = zalloc(t->size, 1);
		if (!t->data)
			return -ENOMEM;
		memcpy(t->data, c->p + c->pos, t->size);
		c->pos += t->size;
		snprintf(field, sizeof(field), "template %u", i);
		ret = cur_align(c, field, 8);
		if (ret)
			return ret;
	}
	return cur_end(c);
}

static int parse_patches(struct cursor *c, struct accel_program *p)
{
	uint32_t i;
	int ret;

	ret = cur_u32(c, "patch count", &p->npatches);
	if (!ret)
		ret = cur_zero32(c, "patch pad");
	if (!ret)
		ret = cur_count(c, "patch count", p->npatches, 16);
	if (ret)
		return ret;
	p->patches = zalloc(p->npatches, sizeof(*p->patches));
	if (!p->patches)
		return -ENOMEM;
	for (i = 0; i < p->npatches; i++) {
		cur_u32(c, "patch template", &p->patches[i].tmpl);
		cur_u32(c, "patch offset", &p->patches[i].offset);
		cur_u32(c, "patch width", &p->patches[i].width);
		cur_u32(c, "patch expression", &p->patches[i].expr);
	}
	return cur_end(c);
}

static int parse_memplan(struct cursor *c, struct accel_program *p)
{
	uint32_t i;
	int ret;

	ret = cur_u32(c, "step count", &p->nsteps);
	if (!ret)
		ret = cur_u32(c, "slot count", &p->nslots);
	if (!ret && p->nslots > APKG_MAX_SLOTS)
		ret = rt_say(c->msg, c->msglen, -EBADMSG, "section 'memplan': slot count %u above "
			  "the limit of %u", p->nslots, APKG_MAX_SLOTS);
	if (!ret)
		ret = cur_count(c, "slot count", p->nslots, 16);
	if (ret)
		return ret;
	p->slots = zalloc(p->nslots, sizeof(*p->slots));
	if (!p->slots)
		return -ENOMEM;
	for (i = 0; i < p->nslots; i++) {
		cur_u32(c, "slot first step", &p->slots[i].first);
		cur_u32(c, "slot last step", &p->slots[i].last);
		cur_u32(c, "slot size expression", &p->slots[i].size_expr);
		ret = cur_zero32(c, "slot pad");
		if (ret)
			return ret;
	}
	return cur_end(c);
}

static int parse_weights(struct cursor *c, struct accel_program *p)
{
	p->weights_size = c->len;
	if (!c->len)
		return 0;
	p->weights = malloc(c->len);
	if (!p->weights)
		return -ENOMEM;
	memcpy(p->weights, c->p, c->len);
	return 0;
}

static int parse_report(struct cursor *c, struct accel_apkg *a)
{
	if (memchr(c->p, 0, c->len))
		return rt_say(c->msg, c->msglen, -EBADMSG, "section 'report': holds a NUL byte");
	a->report = zalloc(c->len + 1, 1);
	if (!a->report)
		return -ENOMEM;
	memcpy(a->report, c->p, c->len);
	return 0;
}

/* The header: everything but the section table. */
static int check_header(const uint8_t *d, size_t len, struct accel_apkg_info *in, char *msg,
			size_t msglen)
{
	uint8_t h[APKG_HEADER_SIZE];
	uint32_t stored, crc;

	if (len < APKG_HEADER_SIZE)
		return rt_say(msg, msglen, -EBADMSG, "truncated: %zu bytes, the header alone takes %u",
			   len, APKG_HEADER_SIZE);
	if (memcmp(d + APKG_H_MAGIC, APKG_MAGIC, 8))
		return rt_say(msg, msglen, -EBADMSG, "header: bad magic, not an accel package");
	in->format_major = apkg_get16(d + APKG_H_FORMAT_MAJOR);
	in->format_minor = apkg_get16(d + APKG_H_FORMAT_MINOR);
	/* Magic and major stay where they are in every format version. */
	if (in->format_major != ACCEL_APKG_FORMAT_MAJOR)
		return rt_say(msg, msglen, -EPROTO, "header: format version %u.%u, this runtime reads "
			   "%u.x", in->format_major, in->format_minor, ACCEL_APKG_FORMAT_MAJOR);
	memcpy(h, d, sizeof(h));
	apkg_put32(h + APKG_H_HEADER_CRC, 0);
	stored = apkg_get32(d + APKG_H_HEADER_CRC);
	crc = apkg_crc32c(0, h, sizeof(h));
	if (crc != stored)
		return rt_say(msg, msglen, -EBADMSG, "header: checksum mismatch (stored %08x, "
			   "computed %08x)", stored, crc);
	if (apkg_get32(d + APKG_H_HEADER_SIZE) != APKG_HEADER_SIZE)
		return rt_say(msg, msglen, -EBADMSG, "header: header_size %u, expected %u",
			   apkg_get32(d + APKG_H_HEADER_SIZE), APKG_HEADER_SIZE);
	in->file_size = apkg_get64(d + APKG_H_FILE_SIZE);
	if (in->file_size > len)
		return rt_say(msg, msglen, -EBADMSG, "truncated: the header says %llu bytes, %zu "
			   "present", (unsigned long long)in->file_size, len);
	if (in->file_size < len)
		return rt_say(msg, msglen, -EBADMSG, "header: file_size %llu but %zu bytes present "
			   "(trailing data)", (unsigned long long)in->file_size, len);
	in->isa_major = apkg_get16(d + APKG_H_ISA_MAJOR);
	in->isa_minor = apkg_get16(d + APKG_H_ISA_MINOR);
	in->abi_major = apkg_get16(d + APKG_H_ABI_MAJOR);
	in->abi_minor = apkg_get16(d + APKG_H_ABI_MINOR);
	in->program_version = apkg_get32(d + APKG_H_PROGRAM_VERSION);
	if (in->isa_major != VACCEL_ISA_VERSION_MAJOR || in->isa_minor > VACCEL_ISA_VERSION_MINOR)
		return rt_say(msg, msglen, -EPROTO, "header: command buffers of ISA %u.%u, this "
			   "runtime runs ISA %u.0 .. %u.%u", in->isa_major, in->isa_minor,
			   VACCEL_ISA_VERSION_MAJOR, VACCEL_ISA_VERSION_MAJOR,
			   VACCEL_ISA_VERSION_MINOR);
	if (in->abi_major != VACCEL_ABI_VERSION_MAJOR)
		return rt_say(msg, msglen, -EPROTO, "header: built for vaccel ABI %u.%u, this runtime "
			   "speaks %u.%u", in->abi_major, in->abi_minor, VACCEL_ABI_VERSION_MAJOR,
			   VACCEL_ABI_VERSION_MINOR);
	if (in->program_version != ACCEL_PROGRAM_VERSION)
		return rt_say(msg, msglen, -EPROTO, "header: program version %u, this runtime reads %u",
			   in->program_version, ACCEL_PROGRAM_VERSION);
	if (apkg_get64(d + APKG_H_RESERVED))
		return rt_say(msg, msglen, -EBADMSG, "header: reserved bytes not zero");
	in->file_crc = apkg_get32(d + APKG_H_FILE_CRC);
	in->nsections = apkg_get32(d + APKG_H_NSECTIONS);
	if (!in->nsections || in->nsections > APKG_MAX_SECTIONS)
		return rt_say(msg, msglen, -EBADMSG, "header: section count %u (must be 1..%u)",
			   in->nsections, APKG_MAX_SECTIONS);
	return 0;
}

/* The table: bounds, no overlap, each known section once, checksums. */
static int check_table(const uint8_t *d, struct accel_apkg_info *in, char *msg, size_t msglen)
{
	uint64_t toff = apkg_get64(d + APKG_H_TABLE_OFFSET);
	uint64_t tend = toff + (uint64_t)in->nsections * APKG_SECTION_ENTRY_SIZE;
	uint32_t i, j, crc, seen = 0;

	if (toff < APKG_HEADER_SIZE || toff % 8 || toff > in->file_size ||
	    tend > in->file_size)
		return rt_say(msg, msglen, -EBADMSG, "header: section table at %llu (%u entries) lies "
			   "outside the file's %llu bytes", (unsigned long long)toff,
			   in->nsections, (unsigned long long)in->file_size);
	for (i = 0; i < in->nsections; i++) {
		const uint8_t *e = d + toff + (uint64_t)i * APKG_SECTION_ENTRY_SIZE;
		struct accel_apkg_section *s = &in->sections[i];

		s->type = apkg_get32(e + APKG_S_TYPE);
		s->name = apkg_section_name(s->type);
		s->offset = apkg_get64(e + APKG_S_OFFSET);
		s->size = apkg_get64(e + APKG_S_SIZE);
		s->crc = apkg_get32(e + APKG_S_CRC);
		if (apkg_get32(e + APKG_S_FLAGS) || apkg_get32(e + APKG_S_RESERVED))
			return rt_say(msg, msglen, -EBADMSG, "section table entry %u: flags or reserved "
				   "not zero", i);
		if (s->offset % APKG_ALIGN || s->offset < tend || s->offset > in->file_size ||
		    s->size > in->file_size - s->offset)
			return rt_say(msg, msglen, -EBADMSG, "section table entry %u ('%s'): offset %llu "
				   "size %llu lies outside the file's %llu bytes or before the table's "
				   "end", i, s->name, (unsigned long long)s->offset,
				   (unsigned long long)s->size, (unsigned long long)in->file_size);
		for (j = 0; j < i; j++) {
			const struct accel_apkg_section *o = &in->sections[j];

			if (s->offset < o->offset + o->size && o->offset < s->offset + s->size)
				return rt_say(msg, msglen, -EBADMSG, "section table entry %u ('%s') "
					   "overlaps entry %u ('%s')", i, s->name, j, o->name);
		}
		if (s->type && s->type < APKG_SEC_COUNT) {
			if (seen & (1u << s->type))
				return rt_say(msg, msglen, -EBADMSG, "section '%s' appears twice",
					   s->name);
			seen |= 1u << s->type;
		}
	}
	for (i = 1; i < APKG_SEC_COUNT; i++)
		if (!(seen & (1u << i)))
			return rt_say(msg, msglen, -EBADMSG, "section '%s' is missing",
				   apkg_section_name(i));
	for (i = 0; i < in->nsections; i++) {
		const struct accel_apkg_section *s = &in->sections[i];

		crc = apkg_crc32c(0, d + s->offset, s->size);
		if (crc != s->crc)
			return rt_say(msg, msglen, -EBADMSG, "section '%s': checksum mismatch (stored "
				   "%08x, computed %08x)", s->name, s->crc, crc);
	}
	crc = apkg_crc32c(0, d + APKG_HEADER_SIZE, in->file_size - APKG_HEADER_SIZE);
	if (crc != in->file_crc)
		return rt_say(msg, msglen, -EBADMSG, "file: checksum mismatch (stored %08x, computed "
			   "%08x): the section table or padding is corrupt", in->file_crc, crc);
	return 0;
}

static int parse_section(struct accel_apkg *a, const uint8_t *d,
			 const struct accel_apkg_section *s, char *msg, size_t msglen)
{
	struct cursor c = { d + s->offset, s->size, 0, s->name, msg, msglen };

	switch (s->type) {
	case APKG_SEC_SIGNATURE: return parse_signature(&c, a->p);
	case APKG_SEC_EXPRS: return parse_exprs(&c, a->p);
	case APKG_SEC_TEMPLATES: return parse_templates(&c, a->p);
	case APKG_SEC_PATCHES: return parse_patches(&c, a->p);
	case APKG_SEC_MEMPLAN: return parse_memplan(&c, a->p);
	case APKG_SEC_WEIGHTS: return parse_weights(&c, a->p);
	case APKG_SEC_REPORT: return parse_report(&c, a);
	}
	return 0;	/* a later minor version's optional section */
}

int accel_apkg_open(const void *data, size_t len, struct accel_apkg **out, char *msg,
		    size_t msglen)
{
	struct accel_apkg *a;
	char why[256];
	uint32_t i;
	int ret;

	*out = NULL;
	if (msg && msglen)
		msg[0] = 0;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->p = calloc(1, sizeof(*a->p));
	if (!a->p) {
		free(a);
		return -ENOMEM;
	}
	ret = check_header(data, len, &a->info, msg, msglen);
	if (!ret)
		ret = check_table(data, &a->info, msg, msglen);
	for (i = 0; !ret && i < a->info.nsections; i++)
		ret = parse_section(a, data, &a->info.sections[i], msg, msglen);
	if (!ret) {
		a->p->version = a->info.program_version;
		ret = accel_program_check(a->p, why, sizeof(why));
		if (ret)
			ret = rt_say(msg, msglen, -EBADMSG, "program: %s", why);
	}
	if (ret == -ENOMEM)
		rt_say(msg, msglen, ret, "out of memory");
	if (ret) {
		accel_apkg_close(a);
		return ret;
	}
	*out = a;
	return 0;
}

int accel_apkg_open_file(const char *path, struct accel_apkg **out, char *msg, size_t msglen)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t done = 0;
	ssize_t n;
	int fd, ret;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rt_say(msg, msglen, -errno, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		ret = rt_say(msg, msglen, -EINVAL, "not a regular file");
		goto out;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		ret = rt_say(msg, msglen, -ENOMEM, "out of memory");
		goto out;
	}
	while (done < (size_t)st.st_size) {
		n = read(fd, buf + done, (size_t)st.st_size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = rt_say(msg, msglen, n ? -errno : -EIO, "cannot read: %s",
				  n ? strerror(errno) : "file shrank while reading");
			goto out;
		}
		done += (size_t)n;
	}
	ret = accel_apkg_open(buf, done, out, msg, msglen);
out:
	free(buf);
	close(fd);
	return ret;
}

void accel_apkg_close(struct accel_apkg *a)
{
	if (!a)
		return;
	accel_program_destroy(a->p);
	free(a->report);
	free(a);
}

const struct accel_program *accel_apkg_program(const struct accel_apkg *a)
{
	return a->p;
}

const char *accel_apkg_report(const struct accel_apkg *a)
{
	return a->report ? a->report : "";
}

void accel_apkg_get_info(const struct accel_apkg *a, struct accel_apkg_info *info)
{
	*info = a->info;
}
