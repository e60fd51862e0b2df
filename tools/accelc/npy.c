// SPDX-License-Identifier: MIT
/*
 * npy.c - the .npy reader and writer of npy.h.
 *
 * The header is a Python dict literal; numpy always writes the keys
 * 'descr', 'fortran_order' and 'shape', which are all this reader looks at
 * (in any order). The data length must be exactly what the shape says:
 * a short or long file is refused rather than half read.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAX_HEADER (1u << 20)

static const struct {
	enum accel_dtype dtype;
	const char *descr;
} npy_types[] = {
	{ ACCEL_DT_F32, "<f4" },
	{ ACCEL_DT_I64, "<i8" },
	{ ACCEL_DT_I32, "<i4" },
	{ ACCEL_DT_BOOL, "|b1" },
};

static int fail(char *msg, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (msg && len) {
		va_start(ap, fmt);
		vsnprintf(msg, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The value text after 'key': in @hdr, or NULL. */
static const char *npy_key(const char *hdr, const char *key)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), "'%s':", key);
	p = strstr(hdr, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	return p;
}

static int npy_parse_header(const char *hdr, struct accel_tensor *t, size_t *nbytes, char *msg,
			    size_t len)
{
	const char *descr = npy_key(hdr, "descr"), *order = npy_key(hdr, "fortran_order");
	const char *p = npy_key(hdr, "shape");
	uint64_t n = 1;
	size_t i, es = 0;

	if (!descr || !order || !p || *p != '(')
		return fail(msg, len, "header lacks 'descr', 'fortran_order' or 'shape'");
	for (i = 0; i < sizeof(npy_types) / sizeof(npy_types[0]); i++) {
		size_t dl = strlen(npy_types[i].descr);

		if (descr[0] == '\'' && !strncmp(descr + 1, npy_types[i].descr, dl) &&
		    descr[dl + 1] == '\'') {
			t->dtype = npy_types[i].dtype;
			es = accel_dtype_size(t->dtype);
		}
	}
	if (!es)
		return fail(msg, len, "dtype %.8s is not one of <f4 <i8 <i4 |b1", descr);
	if (strncmp(order, "False", 5))
		return fail(msg, len, "Fortran order is not supported");
	t->rank = 0;
	for (p++; *p != ')';) {
		char *end;
		long long d;

		while (*p == ' ')
			p++;
		if (*p == ')')
			break;
		d = strtoll(p, &end, 10);
		if (end == p || d < 0)
			return fail(msg, len, "malformed shape");
		if (t->rank == ACCEL_IR_MAX_RANK)
			return fail(msg, len, "rank above %d", ACCEL_IR_MAX_RANK);
		if (__builtin_mul_overflow(n, (uint64_t)d, &n))
			return fail(msg, len, "shape too large");
		t->dims[t->rank++] = d;
		p = end;
		while (*p == ' ')
			p++;
		if (*p == ',')
			p++;
		else if (*p != ')')
			return fail(msg, len, "malformed shape");
	}
	if (__builtin_mul_overflow(n, (uint64_t)es, &n) || n > SIZE_MAX)
		return fail(msg, len, "shape too large");
	*nbytes = (size_t)n;
	return 0;
}

int npy_read(const char *path, struct accel_tensor *t, char *msg, size_t len)
{
	unsigned char pre[12];
	char *hdr = NULL;
	size_t hlen, nbytes = 0;
	FILE *f;
	int ret = -1;

	memset(t, 0, sizeof(*t));
	f = fopen(path, "rb");
	if (!f)
		return fail(msg, len, "cannot open: %s", strerror(errno));
	if (fread(pre, 1, 10, f) != 10 || memcmp(pre, NPY_MAGIC, 6)) {
		fail(msg, len, "not a .npy file (bad magic)");
		goto out;
	}
	/* Version 1 has a 2-byte header length, versions 2 and 3 four bytes. */
	if (pre[6] == 1) {
		hlen = pre[8] | (size_t)pre[9] << 8;
	} else if (pre[6] == 2 || pre[6] == 3) {
		if (fread(pre + 10, 1, 2, f) != 2) {
			fail(msg, len, "truncated header");
			goto out;
		}
		hlen = pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
	} else {
		fail(msg, len, ".npy format version %u is not supported", pre[6]);
		goto out;
	}
	if (hlen > NPY_MAX_HEADER) {
		fail(msg, len, "header of %zu bytes is too long", hlen);
		goto out;
	}
	hdr = calloc(1, hlen + 1);
	if (!hdr || fread(hdr, 1, hlen, f) != hlen) {
		fail(msg, len, hdr ? "truncated header" : "out of memory");
		goto out;
	}
	if (npy_parse_header(hdr, t, &nbytes, msg, len))
		goto out;
	t->data = malloc(nbytes ? nbytes : 1);
	if (!t->data) {
		fail(msg, len, "out of memory for %zu bytes", nbytes);
		goto out;
	}
	if (fread(t->data, 1, nbytes, f) != nbytes) {
		fail(msg, len, "data truncated: the shape needs %zu bytes", nbytes);
		goto out;
	}
	if (fgetc(f) != EOF) {
		fail(msg, len, "bytes after the data the shape describes");
		goto out;
	}
	ret = 0;
out:
	if (ret) {
		free(t->data);
		t->data = NULL;
	}
	free(hdr);
	fclose(f);
	return ret;
}

int npy_load(const char *path, struct accel_tensor *t)
{
	char msg[256];

	if (npy_read(path, t, msg, sizeof(msg))) {
		fprintf(stderr, "%s: %s\n", path, msg);
		return -1;
	}
	return 0;
}

int npy_write(const char *path, const struct accel_tensor *t, char *msg, size_t len)
{
	const char *descr = NULL;
	char dict[1024], shape[512];
	size_t i, n = accel_dtype_size(t->dtype), dl, total, pos;
	unsigned char pre[12];
	FILE *f;
	int k, ret = 0;

	for (i = 0; i < sizeof(npy_types) / sizeof(npy_types[0]); i++)
		if (npy_types[i].dtype == t->dtype)
			descr = npy_types[i].descr;
	if (!descr)
		return fail(msg, len, "dtype %s has no .npy form here", accel_dtype_name(t->dtype));
	if (t->rank < 0 || t->rank > ACCEL_IR_MAX_RANK)
		return fail(msg, len, "bad rank %d", t->rank);
	pos = 0;
	for (k = 0; k < t->rank; k++) {
		pos += (size_t)snprintf(shape + pos, sizeof(shape) - pos, "%lld,%s",
					(long long)t->dims[k], k + 1 < t->rank ? " " : "");
		n *= (size_t)t->dims[k];
	}
	/* numpy writes (n,) for rank 1 and (a, b) for more: drop the last comma. */
	if (t->rank > 1)
		shape[pos - 1] = 0;
	shape[pos] = 0;
	dl = (size_t)snprintf(dict, sizeof(dict),
			      "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr,
			      shape);
	/* Pad with spaces so the data starts at a multiple of 64; end with \n. */
	total = 10 + dl + 1;
	total = (total + 63) / 64 * 64;
	memcpy(pre, NPY_MAGIC, 6);
	pre[6] = 1;
	pre[7] = 0;
	pre[8] = (unsigned char)((total - 10) & 0xff);
	pre[9] = (unsigned char)((total - 10) >> 8);
	f = fopen(path, "wb");
	if (!f)
		return fail(msg, len, "cannot create: %s", strerror(errno));
	fwrite(pre, 1, 10, f);
	fwrite(dict, 1, dl, f);
	for (i = 10 + dl; i + 1 < total; i++)
		fputc(' ', f);
	fputc('\n', f);
	if (n && fwrite(t->data, 1, n, f) != n)
		ret = -1;
	if (fclose(f) || ret)
		return fail(msg, len, "cannot write: %s", strerror(errno));
	return 0;
}
