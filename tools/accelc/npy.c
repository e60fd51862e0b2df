// SPDX-License-Identifier: MIT
/*
 * npy.c - the .npy reader of npy.h. The header is a Python dict literal;
 * only the three keys numpy always writes are read, in any order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"

static int fail(const char *path, const char *why)
{
	fprintf(stderr, "%s: %s\n", path, why);
	return -1;
}

int npy_load(const char *path, struct accel_tensor *t)
{
	unsigned char pre[12];
	char *hdr = NULL, *p;
	size_t hlen, n = 1;
	FILE *f = fopen(path, "rb");
	int ret = -1;

	t->data = NULL;
	if (!f)
		return fail(path, "cannot open");
	if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6))
		goto out;
	/* Version 1 has a 2-byte header length, later versions 4 bytes. */
	if (pre[6] == 1) {
		hlen = pre[8] | (size_t)pre[9] << 8;
	} else {
		if (fread(pre + 10, 1, 2, f) != 2)
			goto out;
		hlen = pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
	}
	if (hlen > 65536)
		goto out;
	hdr = calloc(1, hlen + 1);
	if (!hdr || fread(hdr, 1, hlen, f) != hlen)
		goto out;
	if (!strstr(hdr, "'descr': '<f4'") || !strstr(hdr, "'fortran_order': False")) {
		ret = fail(path, "only little-endian float32 in C order is supported");
		goto out_quiet;
	}
	p = strstr(hdr, "'shape': (");
	if (!p)
		goto out;
	p += strlen("'shape': (");
	t->dtype = ACCEL_DT_F32;
	t->rank = 0;
	while (*p != ')') {
		char *end;
		long long d = strtoll(p, &end, 10);

		if (end == p || d < 0 || t->rank == ACCEL_IR_MAX_RANK)
			goto out;
		t->dims[t->rank++] = d;
		n *= (size_t)d;
		p = end;
		while (*p == ',' || *p == ' ')
			p++;
	}
	t->data = malloc(n ? n * 4 : 1);
	if (!t->data || fread(t->data, 4, n, f) != n)
		goto out;
	ret = 0;
	goto out_quiet;
out:
	ret = fail(path, "not a .npy file this reader understands");
out_quiet:
	if (ret) {
		free(t->data);
		t->data = NULL;
	}
	free(hdr);
	fclose(f);
	return ret;
}
