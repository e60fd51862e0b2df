/* SPDX-License-Identifier: MIT */
/*
 * accel/apkg.h - AOT artifacts: one .apkg file holding a compiled program
 * (command-buffer templates, patch records, expressions, the arena plan),
 * its weights, its I/O signature and the compile report.
 *
 * Writing (accel_apkg_write*) lives in the compiler library. Reading lives
 * in the runtime library (libaccel-rt: the loader, the program evaluator
 * and the runner), which links neither the compiler nor protobuf-c: an
 * application that only runs artifacts carries the runtime alone.
 *
 * The loader trusts nothing: every count, offset and size is checked
 * against the bytes that hold it before anything is allocated for it, the
 * checksums (CRC32C of the header, of every section and of the whole file)
 * must match, and the format, ISA, ABI and program versions must be ones
 * this runtime reads. A refusal returns a negative errno and one line
 * naming the section and field and saying why:
 *
 *	-EBADMSG	corrupt: bad magic, checksum mismatch, a count or offset
 *			out of range, an inconsistent program
 *	-EPROTO		a format, ISA, ABI or program version this runtime
 *			does not read
 *	-ENOMEM		out of memory
 *	-errno		the file could not be read (accel_apkg_open_file())
 *
 * A truncated file is corrupt (-EBADMSG, "truncated").
 *
 * Memory rule: the loader allocates the program once; accel_runner_create()
 * allocates everything of fixed size and the first launch at a new shape
 * the arena and I/O buffers. A launch at an already seen shape allocates
 * nothing (tests/compiler/test_apkg_models.c asserts it with a counting
 * malloc).
 */
#ifndef ACCEL_APKG_H
#define ACCEL_APKG_H

#include <stddef.h>
#include <stdint.h>

#include <accel/program.h>

#ifdef __cplusplus
extern "C" {
#endif

/** ACCEL_APKG_FORMAT_MAJOR - readers refuse any other major. */
#define ACCEL_APKG_FORMAT_MAJOR 1
/** ACCEL_APKG_FORMAT_MINOR - a later minor only adds optional sections. */
#define ACCEL_APKG_FORMAT_MINOR 0

/** ACCEL_APKG_MAX_SECTIONS - most sections an artifact may have. */
#define ACCEL_APKG_MAX_SECTIONS 16

/**
 * struct accel_apkg_section - one entry of the section table.
 * @type: section type (1 signature, 2 exprs, 3 templates, 4 patches,
 *	5 memplan, 6 weights, 7 report; others are skipped).
 * @name: "signature", ... or "unknown".
 * @offset: byte offset in the file.
 * @size: bytes.
 * @crc: its CRC32C.
 */
struct accel_apkg_section {
	uint32_t type;
	const char *name;
	uint64_t offset;
	uint64_t size;
	uint32_t crc;
};

/**
 * struct accel_apkg_info - what the header and table say.
 * @format_major: ACCEL_APKG_FORMAT_MAJOR.
 * @format_minor: the writer's minor.
 * @isa_major: ISA version the templates are encoded in
 * @isa_minor: (<drm/vaccel_isa.h>).
 * @abi_major: vaccel ABI version the writer was built against
 * @abi_minor: (<drm/vaccel_drm.h>).
 * @program_version: ACCEL_PROGRAM_VERSION.
 * @file_size: bytes.
 * @file_crc: CRC32C of everything after the header.
 * @nsections: entries in @sections.
 * @sections: the table.
 * @reserved: zero.
 */
struct accel_apkg_info {
	uint32_t format_major, format_minor;
	uint32_t isa_major, isa_minor;
	uint32_t abi_major, abi_minor;
	uint32_t program_version;
	uint64_t file_size;
	uint32_t file_crc;
	uint32_t nsections;
	struct accel_apkg_section sections[ACCEL_APKG_MAX_SECTIONS];
	uint64_t reserved[4];
};

/** struct accel_apkg - a loaded artifact. Opaque. */
struct accel_apkg;

/**
 * accel_apkg_open() - check and load an artifact from memory.
 * @data: the file's bytes; not referenced after return.
 * @len: their number.
 * @out: the artifact, freed with accel_apkg_close().
 * @msg: receives one line on failure (may be NULL).
 * @msglen: size of @msg.
 */
int accel_apkg_open(const void *data, size_t len, struct accel_apkg **out, char *msg,
		    size_t msglen);

/** accel_apkg_open_file() - accel_apkg_open() on the contents of @path. */
int accel_apkg_open_file(const char *path, struct accel_apkg **out, char *msg, size_t msglen);

/** accel_apkg_close() - free the artifact and its program. */
void accel_apkg_close(struct accel_apkg *a);

/** accel_apkg_program() - the program; valid until accel_apkg_close(). */
const struct accel_program *accel_apkg_program(const struct accel_apkg *a);

/** accel_apkg_report() - producer line and compile report, as written. */
const char *accel_apkg_report(const struct accel_apkg *a);

/** accel_apkg_get_info() - versions, size and section table. */
void accel_apkg_get_info(const struct accel_apkg *a, struct accel_apkg_info *info);

/* ---- writing (compiler library) ---------------------------------------- */

/**
 * accel_apkg_write() - serialize @p into a new buffer.
 * @p: a program that passes accel_program_check().
 * @report: text stored in the report section (producer, compile report),
 *	or NULL.
 * @out: receives the bytes (free()).
 * @len: receives their number.
 * @msg: receives one line on failure (may be NULL).
 * @msglen: size of @msg.
 */
int accel_apkg_write(const struct accel_program *p, const char *report, void **out,
		     size_t *len, char *msg, size_t msglen);

/**
 * accel_apkg_write_file() - accel_apkg_write() to @path, through a
 * temporary file renamed over it, so a reader never sees half an artifact.
 */
int accel_apkg_write_file(const struct accel_program *p, const char *report, const char *path,
			  char *msg, size_t msglen);

#ifdef __cplusplus
}
#endif

#endif /* ACCEL_APKG_H */
