// SPDX-License-Identifier: MIT
/*
 * apkg_write.c - serialize a struct accel_program into an .apkg artifact
 * (layout: apkg_format.h).
 *
 * The file is built in memory: header placeholder, section table
 * placeholder, then each section at a multiple of APKG_ALIGN; the table,
 * the checksums and the header are filled in last. A program is checked
 * with accel_program_check() first, so the writer never produces a file
 * the reader would refuse.
 */
#include <errno.h>
#include <fcntl.h>
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

struct wbuf {
	uint8_t *data;
	size_t len, cap;
	int error;
};

/* Room for @n more bytes, zeroed; NULL (and w->error) when out of memory. */
static uint8_t *w_reserve(struct wbuf *w, size_t n)
{
	uint8_t *p;

	if (w->error)
		return NULL;
	if (n > w->cap - w->len) {
		size_t cap = w->cap ? w->cap : 4096;

		while (cap - w->len < n) {
			if (cap > SIZE_MAX / 2) {
				w->error = -ENOMEM;
				return NULL;
			}
			cap *= 2;
		}
		p = realloc(w->data, cap);
		if (!p) {
			w->error = -ENOMEM;
			return NULL;
		}
		w->data = p;
		w->cap = cap;
	}
	p = w->data + w->len;
	memset(p, 0, n);
	w->len += n;
	return p;
}

static void w_u32(struct wbuf *w, uint32_t v)
{
	uint8_t *p = w_reserve(w, 4);

	if (p)
		apkg_put32(p, v);
}

static void w_u64(struct wbuf *w, uint64_t v)
{
	uint8_t *p = w_reserve(w, 8);

	if (p)
		apkg_put64(p, v);
}

static void w_bytes(struct wbuf *w, const void *src, size_t n)
{
	uint8_t *p = w_reserve(w, n);

	if (p && n)
		memcpy(p, src, n);
}

static void w_align(struct wbuf *w, size_t a)
{
	w_reserve(w, (a - w->len % a) % a);
}

static void w_name(struct wbuf *w, const char *s)
{
	size_t n = strlen(s);

	w_u32(w, (uint32_t)n);
	w_bytes(w, s, n);
	w_align(w, 4);
}

static void w_io(struct wbuf *w, const struct accel_program_io *io)
{
	uint32_t k;

	w_name(w, io->name);
	w_u32(w, io->dtype);
	w_u32(w, io->rank);
	for (k = 0; k < io->rank; k++)
		w_u32(w, io->dims[k]);
	for (k = 0; k < io->rank; k++)
		w_u32(w, (uint32_t)io->bind_sym[k]);
}

static void w_section(struct wbuf *w, const struct accel_program *p, const char *report,
		      uint32_t type)
{
	uint32_t i;

	switch (type) {
	case APKG_SEC_SIGNATURE:
		w_u32(w, p->nsyms);
		for (i = 0; i < p->nsyms; i++)
			w_name(w, p->sym_names[i]);
		w_u32(w, p->ninputs);
		w_u32(w, p->noutputs);
		for (i = 0; i < p->ninputs; i++)
			w_io(w, &p->inputs[i]);
		for (i = 0; i < p->noutputs; i++)
			w_io(w, &p->outputs[i]);
		break;
	case APKG_SEC_EXPRS:
		w_u32(w, p->ninsns);
		w_u32(w, p->nexprs);
		for (i = 0; i < p->ninsns; i++) {
			w_u32(w, p->insns[i].op);
			w_u32(w, p->insns[i].pad);
			w_u64(w, (uint64_t)p->insns[i].arg);
		}
		for (i = 0; i < p->nexprs; i++) {
			w_u32(w, p->exprs[i].first);
			w_u32(w, p->exprs[i].count);
		}
		break;
	case APKG_SEC_TEMPLATES:
		w_u32(w, p->ntemplates);
		w_u32(w, p->npackets);
		for (i = 0; i < p->ntemplates; i++) {
			w_u32(w, p->templates[i].size);
			w_u32(w, 0);
			w_bytes(w, p->templates[i].data, p->templates[i].size);
			w_align(w, 8);
		}
		break;
	case APKG_SEC_PATCHES:
		w_u32(w, p->npatches);
		w_u32(w, 0);
		for (i = 0; i < p->npatches; i++) {
			w_u32(w, p->patches[i].tmpl);
			w_u32(w, p->patches[i].offset);
			w_u32(w, p->patches[i].width);
			w_u32(w, p->patches[i].expr);
		}
		break;
	case APKG_SEC_MEMPLAN:
		w_u32(w, p->nsteps);
		w_u32(w, p->nslots);
		for (i = 0; i < p->nslots; i++) {
			w_u32(w, p->slots[i].first);
			w_u32(w, p->slots[i].last);
			w_u32(w, p->slots[i].size_expr);
			w_u32(w, 0);
		}
		break;
	case APKG_SEC_WEIGHTS:
		w_bytes(w, p->weights, p->weights_size);
		break;
	case APKG_SEC_REPORT:
		w_bytes(w, report, strlen(report));
		break;
	}
}

/* Names the reader would refuse: empty, too long (NULs cannot occur). */
static int check_names(const struct accel_program *p, char *msg, size_t msglen)
{
	uint32_t i;

	for (i = 0; i < p->nsyms; i++)
		if (!p->sym_names[i][0] || strlen(p->sym_names[i]) > APKG_MAX_NAME)
			return rt_say(msg, msglen, -EINVAL, "symbol %u: name empty or longer than %u",
				   i, APKG_MAX_NAME);
	for (i = 0; i < p->ninputs + p->noutputs; i++) {
		const struct accel_program_io *io = i < p->ninputs ? &p->inputs[i] :
						    &p->outputs[i - p->ninputs];

		if (!io->name[0] || strlen(io->name) > APKG_MAX_NAME)
			return rt_say(msg, msglen, -EINVAL, "%s: name empty or longer than %u",
				   io->name, APKG_MAX_NAME);
	}
	return 0;
}

/*
 * The ISA minor the artifact needs: the highest its command buffers state
 * (each states the oldest that has all its packets), so that a model using
 * nothing new still loads where only an older minor runs.
 */
static uint16_t isa_minor_needed(const struct accel_program *p)
{
	uint16_t minor = 0;

	for (uint32_t i = 0; i < p->ntemplates; i++) {
		struct vaccel_cmdbuf_header h;

		/* accel_program_check() saw a whole header in each. */
		memcpy(&h, p->templates[i].data, sizeof(h));
		if (h.version_minor > minor)
			minor = h.version_minor;
	}
	return minor;
}

int accel_apkg_write(const struct accel_program *p, const char *report, void **out,
		     size_t *len, char *msg, size_t msglen)
{
	const uint32_t nsec = APKG_SEC_COUNT - 1;
	struct wbuf w = { 0 };
	uint8_t *h, *e;
	size_t start;
	uint32_t t;
	int ret;

	*out = NULL;
	*len = 0;
	ret = accel_program_check(p, msg, msglen);
	if (!ret)
		ret = check_names(p, msg, msglen);
	if (!ret)
		ret = apkg_check_expr_layout(p, msg, msglen);
	if (!ret && p->nslots > APKG_MAX_SLOTS)
		ret = rt_say(msg, msglen, -E2BIG, "%u arena slots, readers accept at most %u",
			  p->nslots, APKG_MAX_SLOTS);
	if (ret)
		return ret;
	if (!report)
		report = "";
	w_reserve(&w, APKG_HEADER_SIZE + nsec * APKG_SECTION_ENTRY_SIZE);
	for (t = 1; t < APKG_SEC_COUNT; t++) {
		w_align(&w, APKG_ALIGN);
		start = w.len;
		w_section(&w, p, report, t);
		if (w.error)
			break;
		e = w.data + APKG_HEADER_SIZE + (t - 1) * APKG_SECTION_ENTRY_SIZE;
		apkg_put32(e + APKG_S_TYPE, t);
		apkg_put64(e + APKG_S_OFFSET, start);
		apkg_put64(e + APKG_S_SIZE, w.len - start);
		apkg_put32(e + APKG_S_CRC, apkg_crc32c(0, w.data + start, w.len - start));
	}
	if (w.error) {
		free(w.data);
		return rt_say(msg, msglen, w.error, "out of memory");
	}
	h = w.data;
	memcpy(h + APKG_H_MAGIC, APKG_MAGIC, 8);
	apkg_put16(h + APKG_H_FORMAT_MAJOR, ACCEL_APKG_FORMAT_MAJOR);
	apkg_put16(h + APKG_H_FORMAT_MINOR, ACCEL_APKG_FORMAT_MINOR);
	apkg_put32(h + APKG_H_HEADER_SIZE, APKG_HEADER_SIZE);
	apkg_put64(h + APKG_H_FILE_SIZE, w.len);
	apkg_put16(h + APKG_H_ISA_MAJOR, VACCEL_ISA_VERSION_MAJOR);
	apkg_put16(h + APKG_H_ISA_MINOR, isa_minor_needed(p));
	apkg_put16(h + APKG_H_ABI_MAJOR, VACCEL_ABI_VERSION_MAJOR);
	apkg_put16(h + APKG_H_ABI_MINOR, VACCEL_ABI_VERSION_MINOR);
	apkg_put32(h + APKG_H_PROGRAM_VERSION, p->version);
	apkg_put32(h + APKG_H_NSECTIONS, nsec);
	apkg_put64(h + APKG_H_TABLE_OFFSET, APKG_HEADER_SIZE);
	apkg_put32(h + APKG_H_FILE_CRC,
		   apkg_crc32c(0, w.data + APKG_HEADER_SIZE, w.len - APKG_HEADER_SIZE));
	apkg_put32(h + APKG_H_HEADER_CRC, apkg_crc32c(0, h, APKG_HEADER_SIZE));
	*out = w.data;
	*len = w.len;
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t k;

	while (n) {
		k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int accel_apkg_write_file(const struct accel_program *p, const char *report, const char *path,
			  char *msg, size_t msglen)
{
	char *tmp;
	void *data;
	size_t len;
	int fd, ret;

	ret = accel_apkg_write(p, report, &data, &len, msg, msglen);
	if (ret)
		return ret;
	tmp = malloc(strlen(path) + sizeof(".XXXXXX"));
	if (!tmp) {
		free(data);
		return rt_say(msg, msglen, -ENOMEM, "out of memory");
	}
	sprintf(tmp, "%s.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = rt_say(msg, msglen, -errno, "cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	ret = write_all(fd, data, len);
	if (!ret && fchmod(fd, 0644))
		ret = -errno;
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		rt_say(msg, msglen, ret, "cannot write %s: %s", path, strerror(-ret));
		unlink(tmp);
	}
out:
	free(tmp);
	free(data);
	return ret;
}
