/* SPDX-License-Identifier: MIT */
/*
 * apkg_format.h - the byte layout of an .apkg file, shared by the writer
 * (apkg_write.c, in the compiler) and the reader (apkg_read.c, in the
 * runtime). Documentation/compiler.rst ("AOT artifacts") describes it.
 *
 * Everything is little endian with fixed-width fields:
 *
 *	header		64 bytes at offset 0 (layout below)
 *	section table	nsections entries of 32 bytes at table_offset
 *	sections	each at a multiple of APKG_ALIGN, in any order
 *
 * Three checksums, all CRC32C: the header's (over its 64 bytes with the
 * header_crc field taken as zero), one per section (over its bytes), and
 * the file's (over every byte after the header: table, sections, padding).
 * A reader checks the header, then the table's bounds, then each section's
 * checksum, then the file's, and only then parses a section; so a flipped
 * bit is reported as the checksum of the section it hit.
 */
#ifndef ACCEL_APKG_FORMAT_H
#define ACCEL_APKG_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define APKG_MAGIC		"ACCELPKG"
#define APKG_HEADER_SIZE	64u
#define APKG_SECTION_ENTRY_SIZE	32u
/* Sections start at multiples of this, so weights can be mapped as they lie. */
#define APKG_ALIGN		64u

/* Header field offsets. */
#define APKG_H_MAGIC		0	/* 8 bytes */
#define APKG_H_FORMAT_MAJOR	8	/* u16 */
#define APKG_H_FORMAT_MINOR	10	/* u16 */
#define APKG_H_HEADER_SIZE	12	/* u32: APKG_HEADER_SIZE */
#define APKG_H_FILE_SIZE	16	/* u64: the whole file */
#define APKG_H_ISA_MAJOR	24	/* u16: VACCEL_ISA_VERSION_MAJOR of the templates */
#define APKG_H_ISA_MINOR	26	/* u16 */
#define APKG_H_ABI_MAJOR	28	/* u16: VACCEL_ABI_VERSION_MAJOR built against */
#define APKG_H_ABI_MINOR	30	/* u16 */
#define APKG_H_PROGRAM_VERSION	32	/* u32: ACCEL_PROGRAM_VERSION */
#define APKG_H_NSECTIONS	36	/* u32 */
#define APKG_H_TABLE_OFFSET	40	/* u64 */
#define APKG_H_FILE_CRC		48	/* u32: bytes [64, file_size) */
#define APKG_H_HEADER_CRC	52	/* u32: this header, this field as zero */
#define APKG_H_RESERVED		56	/* 8 bytes, zero */

/* Section table entry field offsets. */
#define APKG_S_TYPE		0	/* u32: enum apkg_section_type */
#define APKG_S_FLAGS		4	/* u32: zero */
#define APKG_S_OFFSET		8	/* u64 */
#define APKG_S_SIZE		16	/* u64 */
#define APKG_S_CRC		24	/* u32 */
#define APKG_S_RESERVED		28	/* u32: zero */

/* At most this many sections: a larger count is corruption. */
#define APKG_MAX_SECTIONS	16u

/*
 * Section types. Every section of this list must be present exactly once;
 * a reader skips types it does not know (a later minor version may add
 * optional ones).
 */
enum apkg_section_type {
	APKG_SEC_SIGNATURE = 1,	/* symbols, inputs, outputs */
	APKG_SEC_EXPRS = 2,	/* instructions and expressions */
	APKG_SEC_TEMPLATES = 3,	/* command buffers */
	APKG_SEC_PATCHES = 4,	/* patch records */
	APKG_SEC_MEMPLAN = 5,	/* steps and arena slots */
	APKG_SEC_WEIGHTS = 6,	/* buffer 0 */
	APKG_SEC_REPORT = 7,	/* producer and compile report, text */
	APKG_SEC_COUNT,
};

/*
 * Most arena slots a reader accepts: planning costs O(slots^2) at every new
 * shape, so a hostile count must not buy minutes of it. Real programs have
 * tens to hundreds (a 24-layer encoder stack: ~400).
 */
#define APKG_MAX_SLOTS		16384u

/*
 * Expressions tile the instruction array in order (each starts where the
 * previous ended), as the compiler emits them, and none is longer than
 * this: checking and evaluating them then costs O(instructions), never
 * O(expressions x instructions) however hostile the file. A symbolic dim
 * lowers to at most a few dozen instructions.
 */
#define APKG_MAX_EXPR_INSNS	1024u

/* Longest name (symbol, input, output) a reader accepts. */
#define APKG_MAX_NAME		4096u

/* crc32c() - CRC-32C (Castagnoli, reflected, as iSCSI and ext4 use it). */
uint32_t apkg_crc32c(uint32_t crc, const void *data, size_t len);
/* The same computed from the table only, whatever the CPU has (tests). */
uint32_t apkg_crc32c_sw(uint32_t crc, const void *data, size_t len);

/*
 * apkg_check_expr_layout() - 0 when @p's expressions tile its instructions
 * and respect APKG_MAX_EXPR_INSNS, else -EBADMSG with a message.
 */
struct accel_program;
int apkg_check_expr_layout(const struct accel_program *p, char *msg, size_t msglen);

/* The section's name as inspect and error messages print it. */
const char *apkg_section_name(uint32_t type);

static inline void apkg_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void apkg_put32(uint8_t *p, uint32_t v)
{
	apkg_put16(p, (uint16_t)v);
	apkg_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void apkg_put64(uint8_t *p, uint64_t v)
{
	apkg_put32(p, (uint32_t)v);
	apkg_put32(p + 4, (uint32_t)(v >> 32));
}

static inline uint16_t apkg_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t apkg_get32(const uint8_t *p)
{
	return (uint32_t)apkg_get16(p) | (uint32_t)apkg_get16(p + 2) << 16;
}

static inline uint64_t apkg_get64(const uint8_t *p)
{
	return (uint64_t)apkg_get32(p) | (uint64_t)apkg_get32(p + 4) << 32;
}

#endif /* ACCEL_APKG_FORMAT_H */
