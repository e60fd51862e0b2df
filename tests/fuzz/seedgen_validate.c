// SPDX-License-Identifier: MIT
/*
 * seedgen_validate.c - write the seed corpus of fuzz-validate: one valid command
 * buffer per opcode (the base packets of tests/validate/vpkt.h) and one
 * converting COPY (ISA 1.1: I32 -> F32 and F32 -> I64), four 1 KiB buffers,
 * in the layout of fuzz_input.h.
 *   usage: seedgen-validate DIR   (the committed seeds: tests/fuzz/corpus/fuzz-validate)
 */
#include <stdio.h>
#include <string.h>

#include "fuzz_input.h"

#define SEED_BUF_SIZE 1024

static uint64_t out[1024];

/* One seed file: the buffer sizes, then the command buffer of @n packets. */
static int write_seed(const char *dir, const char *name, const union vaccel_pkt *p, uint32_t n)
{
	uint8_t prefix[1 + 2 * FUZZ_MAX_BUFS];
	uint64_t size = vpkt_cmdbuf(out, p, n);
	char path[4096];
	uint32_t i;
	FILE *f;

	prefix[0] = FUZZ_MAX_BUFS - 1;
	for (i = 0; i < FUZZ_MAX_BUFS; i++) {
		prefix[1 + 2 * i] = SEED_BUF_SIZE & 0xff;
		prefix[2 + 2 * i] = SEED_BUF_SIZE >> 8;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(prefix, 1, sizeof(prefix), f) != sizeof(prefix) ||
	    fwrite(out, 1, size, f) != size || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	union vaccel_pkt p, cv[2];
	char name[32];
	uint32_t op;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (op = 0; op < VACCEL_OP_COUNT; op++) {
		vpkt_base(&p, op);
		snprintf(name, sizeof(name), "op-%02u", op);
		if (write_seed(argv[1], name, &p, 1))
			return 1;
	}
	vpkt_base(&cv[0], VACCEL_OP_COPY);
	cv[0].hdr.flags = VACCEL_COPY_F_CONVERT;
	cv[0].copy.src.dtype = VACCEL_DTYPE_I32;
	vpkt_base(&cv[1], VACCEL_OP_COPY);
	cv[1].hdr.flags = VACCEL_COPY_F_CONVERT;
	cv[1].copy.dst.dtype = VACCEL_DTYPE_I64;
	return write_seed(argv[1], "copy-convert", cv, 2);
}
