// SPDX-License-Identifier: MIT
/*
 * fuzz_apkg_load.c - libFuzzer target for the .apkg loader
 * (accel_apkg_open()) and, on what it accepts, the runtime's use of the
 * program: binding symbols, planning the arena and patching templates.
 *
 * Input layout: byte 0 is a mode, the rest the artifact. Mode bit 0 set:
 * the checksums are recomputed first, so mutations get past them to the
 * section parsers and accel_program_check() (with them intact, nearly
 * every mutation stops at a checksum). The loader must refuse cleanly or
 * return a program on which every later step stays in bounds; ASan and
 * UBSan report anything else.
 *
 * Seeds: tests/fuzz/corpus/fuzz-apkg-load/, made by tests/fuzz/seedgen-apkg.sh.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <accel/apkg.h>
#include <accel/program.h>

#include "apkg_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void reseal(uint8_t *a, size_t len)
{
	uint64_t toff, i, n;

	if (len < APKG_HEADER_SIZE)
		return;
	toff = apkg_get64(a + APKG_H_TABLE_OFFSET);
	n = apkg_get32(a + APKG_H_NSECTIONS);
	for (i = 0; i < n && toff <= len && (i + 1) * APKG_SECTION_ENTRY_SIZE <= len - toff;
	     i++) {
		uint8_t *e = a + toff + i * APKG_SECTION_ENTRY_SIZE;
		uint64_t off = apkg_get64(e + APKG_S_OFFSET), sz = apkg_get64(e + APKG_S_SIZE);

		if (off <= len && sz <= len - off)
			apkg_put32(e + APKG_S_CRC, apkg_crc32c(0, a + off, sz));
	}
	apkg_put32(a + APKG_H_FILE_CRC, apkg_crc32c(0, a + APKG_HEADER_SIZE,
						    len - APKG_HEADER_SIZE));
	apkg_put32(a + APKG_H_HEADER_CRC, 0);
	apkg_put32(a + APKG_H_HEADER_CRC, apkg_crc32c(0, a, APKG_HEADER_SIZE));
}

/* Bind every input dim to 1..3, plan and patch as a launch would. */
static void exercise(const struct accel_program *p)
{
	struct accel_tensor *in = calloc(p->ninputs + 1, sizeof(*in));
	int64_t *sym = calloc(p->nsyms + 1, sizeof(*sym));
	uint8_t **cmd = calloc(p->ntemplates + 1, sizeof(*cmd));
	uint64_t *offs = calloc(p->nslots + 1, sizeof(*offs));
	uint32_t *first = calloc(p->nslots + 1, sizeof(*first));
	uint32_t *last = calloc(p->nslots + 1, sizeof(*last));
	uint32_t *order = calloc(p->nslots + 1, sizeof(*order));
	uint64_t *sizes = calloc(p->nslots + 1, sizeof(*sizes));
	struct accel_program_memory m;
	uint64_t arena;
	uint32_t i, k;
	int64_t v;

	if (!in || !sym || !cmd || !offs || !first || !last || !order || !sizes)
		goto out;
	for (i = 0; i < p->ninputs; i++) {
		in[i].dtype = (enum accel_dtype)p->inputs[i].dtype;
		in[i].rank = (int)p->inputs[i].rank;
		for (k = 0; k < p->inputs[i].rank; k++)
			in[i].dims[k] = 1 + (i + k) % 3;
	}
	if (accel_program_bind(p, in, p->ninputs, sym, NULL, 0)) {
		for (i = 0; i < p->nsyms; i++)
			sym[i] = 2;
	}
	accel_program_memory(p, sym, &m);
	for (i = 0; i < p->nslots; i++) {
		first[i] = p->slots[i].first;
		last[i] = p->slots[i].last;
		sizes[i] = !accel_program_eval(p, p->slots[i].size_expr, sym, NULL, &v) &&
			   v > 0 && v < (1 << 20) ? (uint64_t)v : 0;
	}
	if (accel_arena_plan(first, last, sizes, p->nslots, ACCEL_ARENA_ALIGN, order, offs,
			     &arena))
		goto out;
	for (i = 0; i < p->ntemplates; i++) {
		cmd[i] = malloc(p->templates[i].size ? p->templates[i].size : 1);
		if (!cmd[i])
			goto out;
		memcpy(cmd[i], p->templates[i].data, p->templates[i].size);
	}
	accel_program_patch(p, cmd, sym, offs, NULL, 0);
out:
	for (i = 0; cmd && i < p->ntemplates; i++)
		free(cmd[i]);
	free(cmd);
	free(in);
	free(sym);
	free(offs);
	free(first);
	free(last);
	free(order);
	free(sizes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct accel_apkg *a = NULL;
	char msg[256];
	uint8_t *copy;

	if (size < 1)
		return 0;
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	if (data[0] & 1)
		reseal(copy, size - 1);
	if (!accel_apkg_open(copy, size - 1, &a, msg, sizeof(msg))) {
		exercise(accel_apkg_program(a));
		accel_apkg_close(a);
	}
	free(copy);
	return 0;
}
