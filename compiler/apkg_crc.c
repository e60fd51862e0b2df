// SPDX-License-Identifier: MIT
/*
 * apkg_crc.c - CRC-32C for .apkg checksums, and section names.
 *
 * Written here rather than taken from zlib: the runtime library then needs
 * nothing beyond libc and libaccel, and CRC-32C (Castagnoli) has a better
 * minimum Hamming distance than zlib's CRC-32 at these lengths and is what
 * x86's SSE4.2 crc32 instruction computes: about 0.5 GB/s from the table,
 * several GB/s with the instruction, picked at first use. Weights are
 * covered twice (their section and the whole file), so that speed is what
 * load time is made of (Documentation/compiler.rst has the figures).
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "apkg_format.h"

#define CRC32C_POLY_REFLECTED 0x82f63b78u

static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;
static uint32_t (*crc_update)(uint32_t crc, const uint8_t *p, size_t len);

static uint32_t crc_update_table(uint32_t crc, const uint8_t *p, size_t len)
{
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

#if defined(__x86_64__)
/* The crc32 instruction: CRC-32C, reflected, without the inversions. */
__attribute__((target("sse4.2")))
static uint32_t crc_update_sse42(uint32_t crc, const uint8_t *p, size_t len)
{
	uint64_t c = crc, v;

	for (; len && ((uintptr_t)p & 7); len--)
		c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&v, p, 8);
		c = __builtin_ia32_crc32di(c, v);
	}
	for (; len; len--)
		c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
	return (uint32_t)c;
}
#endif

static void crc_table_init(void)
{
	uint32_t i, k, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ CRC32C_POLY_REFLECTED : c >> 1;
		crc_table[i] = c;
	}
	crc_update = crc_update_table;
#if defined(__x86_64__)
	if (__builtin_cpu_supports("sse4.2"))
		crc_update = crc_update_sse42;
#endif
}

uint32_t apkg_crc32c(uint32_t crc, const void *data, size_t len)
{
	pthread_once(&crc_once, crc_table_init);
	return ~crc_update(~crc, data, len);
}

/* The table path alone, whatever the CPU: for tests. */
uint32_t apkg_crc32c_sw(uint32_t crc, const void *data, size_t len)
{
	pthread_once(&crc_once, crc_table_init);
	return ~crc_update_table(~crc, data, len);
}

const char *apkg_section_name(uint32_t type)
{
	static const char *const names[APKG_SEC_COUNT] = {
		[APKG_SEC_SIGNATURE] = "signature",
		[APKG_SEC_EXPRS] = "exprs",
		[APKG_SEC_TEMPLATES] = "templates",
		[APKG_SEC_PATCHES] = "patches",
		[APKG_SEC_MEMPLAN] = "memplan",
		[APKG_SEC_WEIGHTS] = "weights",
		[APKG_SEC_REPORT] = "report",
	};

	return type && type < APKG_SEC_COUNT ? names[type] : "unknown";
}
