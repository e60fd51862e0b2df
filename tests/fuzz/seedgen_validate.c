// SPDX-License-Identifier: MIT
/*
 * seedgen_validate.c - write the seed corpus of fuzz-validate: one valid command
 * buffer per opcode (the base packets of tests/validate/vpkt.h), four 1 KiB
 * buffers, in the layout of fuzz_input.h.
 *   usage: seedgen-validate DIR   (the committed seeds: tests/fuzz/corpus/fuzz-validate)
 */
#include <stdio.h>
#include <string.h>

#include "fuzz_input.h"

#define SEED_BUF_SIZE 1024

static uint64_t out[1024];

int main(int argc, char **argv)
{
	uint32_t op, i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (op = 0; op < VACCEL_OP_COUNT; op++) {
		union vaccel_pkt p;
		uint8_t prefix[1 + 2 * FUZZ_MAX_BUFS];
		uint64_t size;
		char path[4096];
		FILE *f;

		vpkt_base(&p, op);
		size = vpkt_cmdbuf(out, &p, 1);
		prefix[0] = FUZZ_MAX_BUFS - 1;
		for (i = 0; i < FUZZ_MAX_BUFS; i++) {
			prefix[1 + 2 * i] = SEED_BUF_SIZE & 0xff;
			prefix[2 + 2 * i] = SEED_BUF_SIZE >> 8;
		}
		snprintf(path, sizeof(path), "%s/op-%02u", argv[1], op);
		f = fopen(path, "wb");
		if (!f || fwrite(prefix, 1, sizeof(prefix), f) != sizeof(prefix) ||
		    fwrite(out, 1, size, f) != size || fclose(f)) {
			perror(path);
			return 1;
		}
	}
	return 0;
}
