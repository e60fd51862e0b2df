// SPDX-License-Identifier: MIT
/*
 * test_apkg_corrupt.c - the artifact loader refuses every damaged artifact
 * with the error that names what is wrong, and loads every intact one.
 *
 * Artifacts are made in memory from two fixtures (ops: small, cnn: with
 * real weights). Then:
 * - round trip: load(write(p)) written again is byte-identical;
 * - a flipped byte in each section fails that section's checksum; in
 *   padding, the file's; in the header, the header's (magic and format
 *   major have their own messages);
 * - every truncation (each length from 0 to size - 1) is "truncated";
 * - format, ISA, ABI and program versions this runtime does not read are
 *   -EPROTO, naming the version;
 * - damage that keeps the checksums right (the test re-seals them with its
 *   own bitwise CRC-32C) reaches the parsers: huge counts, lengths and
 *   ranks, out-of-range offsets, overlapping or missing sections, bad
 *   cross-references, each with its expected message.
 *
 * usage: test-apkg-corrupt FIXTURE_DIR
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <accel/apkg.h>
#include <accel/program.h>

#include "apkg_format.h"
#include "harness.h"

static const char *dir;

/* Bitwise CRC-32C, independent of the library's table-driven one. */
static uint32_t ref_crc32c(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	int k;

	while (n--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82f63b78u & (0u - (c & 1)));
	}
	return ~c;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void set32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void set64(uint8_t *p, uint64_t v)
{
	set32(p, (uint32_t)v);
	set32(p + 4, (uint32_t)(v >> 32));
}

/* Recompute every checksum (sections, file, header) after a mutation. */
static void reseal(uint8_t *a, size_t len)
{
	uint64_t toff = le64(a + 40);
	uint32_t i, n = le32(a + 36);

	for (i = 0; i < n && toff + (i + 1) * 32ull <= len; i++) {
		uint8_t *e = a + toff + i * 32ull;
		uint64_t off = le64(e + 8), size = le64(e + 16);

		if (off <= len && size <= len - off)
			set32(e + 24, ref_crc32c(a + off, size));
	}
	set32(a + 48, ref_crc32c(a + 64, len - 64));
	set32(a + 52, 0);
	set32(a + 52, ref_crc32c(a, 64));
}

/* The table entry of section @type, or NULL. */
static uint8_t *entry(uint8_t *a, uint32_t type)
{
	uint32_t i, n = le32(a + 36);

	for (i = 0; i < n; i++)
		if (le32(a + le64(a + 40) + i * 32ull) == type)
			return a + le64(a + 40) + i * 32ull;
	return NULL;
}

static uint8_t *section(uint8_t *a, uint32_t type, uint64_t *size)
{
	uint8_t *e = entry(a, type);

	*size = le64(e + 16);
	return a + le64(e + 8);
}

/* Load @a and expect @want (0 or -errno) with @needle in the message. */
static void expect(const char *what, const uint8_t *a, size_t len, int want, const char *needle)
{
	struct accel_apkg *pkg = NULL;
	char msg[512] = "";
	int ret = accel_apkg_open(a, len, &pkg, msg, sizeof(msg));

	CHECK(ret == want, "%s: returned %d (%s), want %d", what, ret, msg, want);
	if (needle)
		CHECK(strstr(msg, needle) != NULL, "%s: message '%s' lacks '%s'", what, msg,
		      needle);
	CHECK(!ret == !!pkg, "%s: returned %d with artifact %p", what, ret, (void *)pkg);
	accel_apkg_close(pkg);
}

static struct accel_program *compile(const char *model)
{
	struct accel_ir_error err = { "" };
	struct accel_program *p = NULL;
	struct accel_graph *g = NULL;
	char path[512];
	int ret;

	snprintf(path, sizeof(path), "%s/%s.onnx", dir, model);
	ret = accel_onnx_import_file(path, &g, &err);
	if (!ret)
		ret = accel_program_compile(g, NULL, NULL, &p, &err);
	CHECK(ret == 0, "%s: %s", model, err.msg);
	accel_graph_destroy(g);
	return p;
}

static uint8_t *write_pkg(const char *model, size_t *len)
{
	struct accel_program *p = compile(model);
	char msg[256] = "";
	void *data = NULL;
	int ret;

	if (!p)
		return NULL;
	ret = accel_apkg_write(p, "producer: test\n", &data, len, msg, sizeof(msg));
	CHECK(ret == 0, "%s: write: %s", model, msg);
	accel_program_destroy(p);
	return data;
}

static void test_crc_vector(void)
{
	/* The check value of CRC-32C (RFC 3720, B.4 lists more). */
	CHECK(ref_crc32c((const uint8_t *)"123456789", 9) == 0xe3069283u, "reference crc");
	CHECK(apkg_crc32c(0, "123456789", 9) == 0xe3069283u, "library crc %08x",
	      apkg_crc32c(0, "123456789", 9));
	CHECK(apkg_crc32c_sw(0, "123456789", 9) == 0xe3069283u, "table crc %08x",
	      apkg_crc32c_sw(0, "123456789", 9));
}

/* Both library paths agree with the reference at every length and
 * alignment (the instruction path has byte, word and tail loops). */
static void test_crc_paths(void)
{
	uint8_t buf[300];
	size_t off, n;
	int bad = 0;

	for (n = 0; n < sizeof(buf); n++)
		buf[n] = (uint8_t)(n * 131 + 7);
	for (off = 0; off < 8; off++)
		for (n = 0; n + off <= sizeof(buf); n += 7) {
			uint32_t want = ref_crc32c(buf + off, n);

			bad += apkg_crc32c(0, buf + off, n) != want;
			bad += apkg_crc32c_sw(0, buf + off, n) != want;
			/* Chained: a CRC continued over two pieces. */
			bad += apkg_crc32c(apkg_crc32c(0, buf + off, n / 2), buf + off + n / 2,
					   n - n / 2) != want;
		}
	CHECK(bad == 0, "%d CRC-32C mismatches against the bitwise reference", bad);
}

static void round_trip(const char *model)
{
	struct accel_apkg *pkg = NULL;
	size_t len = 0, len2 = 0;
	uint8_t *a = write_pkg(model, &len), *c;
	void *b = NULL;
	char msg[256] = "";
	int ret;

	if (!a)
		return;
	ret = accel_apkg_open(a, len, &pkg, msg, sizeof(msg));
	CHECK(ret == 0, "%s: load: %s", model, msg);
	/* The masked encoder's signature keeps its bool input. */
	if (!ret && !strcmp(model, "encoder_mask")) {
		const struct accel_program *p = accel_apkg_program(pkg);

		CHECK(p->ninputs == 2 && p->inputs[1].dtype == ACCEL_DT_BOOL &&
		      !strcmp(p->inputs[1].name, "mask"), "%s: the bool mask input", model);
	}
	if (!ret) {
		ret = accel_apkg_write(accel_apkg_program(pkg), accel_apkg_report(pkg), &b, &len2,
				       msg, sizeof(msg));
		CHECK(ret == 0 && len2 == len && !memcmp(a, b, len),
		      "%s: written again, %zu bytes differ from the %zu first written", model,
		      len2, len);
		CHECK(!strcmp(accel_apkg_report(pkg), "producer: test\n"), "%s: report '%s'",
		      model, accel_apkg_report(pkg));
	}
	/* The checksums are those an independent CRC-32C computes. */
	c = malloc(len);
	if (c) {
		memcpy(c, a, len);
		reseal(c, len);
		CHECK(!memcmp(a, c, len), "%s: re-sealed with a bitwise CRC-32C, the artifact "
		      "differs: its checksums are not CRC-32C as documented", model);
	}
	free(c);
	free(b);
	free(a);
	accel_apkg_close(pkg);
}

static void test_round_trip(void)
{
	round_trip("ops");
	round_trip("cnn");
	round_trip("encoder_mask");
}

static void test_section_checksums(void)
{
	size_t len = 0;
	uint8_t *a = write_pkg("cnn", &len);
	uint32_t t;
	char what[64], needle[64];

	if (!a)
		return;
	for (t = 1; t < APKG_SEC_COUNT; t++) {
		uint64_t size;
		uint8_t *s = section(a, t, &size);

		CHECK(size > 0, "section %u empty", t);
		if (!size)
			continue;
		s[size / 2] ^= 0x10;
		snprintf(what, sizeof(what), "flip in '%s'", apkg_section_name(t));
		snprintf(needle, sizeof(needle), "section '%s': checksum mismatch",
			 apkg_section_name(t));
		expect(what, a, len, -EBADMSG, needle);
		s[size / 2] ^= 0x10;
		/* A flipped stored checksum reads the same. */
		entry(a, t)[APKG_S_CRC] ^= 1;
		expect(what, a, len, -EBADMSG, needle);
		entry(a, t)[APKG_S_CRC] ^= 1;
	}
	expect("restored", a, len, 0, NULL);
	/* Padding between the table and the first section: the file's checksum. */
	a[64 + le32(a + 36) * 32 + 1] ^= 1;
	expect("flip in padding", a, len, -EBADMSG, "file: checksum mismatch");
	free(a);
}

static void test_header_fields(void)
{
	static const struct {
		uint32_t off;
		const char *needle;
		int ret;
	} f[] = {
		{ APKG_H_MAGIC, "bad magic", -EBADMSG },
		{ APKG_H_MAGIC + 7, "bad magic", -EBADMSG },
		{ APKG_H_FORMAT_MAJOR, "format version", -EPROTO },
		{ APKG_H_FORMAT_MINOR, "header: checksum mismatch", -EBADMSG },
		{ APKG_H_HEADER_SIZE, "header: checksum mismatch", -EBADMSG },
		{ APKG_H_FILE_SIZE, "header: checksum mismatch", -EBADMSG },
		{ APKG_H_ISA_MAJOR, "header: checksum mismatch", -EBADMSG },
		{ APKG_H_ABI_MAJOR, "header: checksum mismatch", -EBADMSG },
		{ APKG_H_PROGRAM_VERSION, "header: checksum mismatch", -EBADMSG },
		{ APKG_H_NSECTIONS, "header: checksum mismatch", -EBADMSG },
		{ APKG_H_TABLE_OFFSET, "header: checksum mismatch", -EBADMSG },
		{ APKG_H_FILE_CRC, "header: checksum mismatch", -EBADMSG },
		{ APKG_H_HEADER_CRC, "header: checksum mismatch", -EBADMSG },
		{ APKG_H_RESERVED, "header: checksum mismatch", -EBADMSG },
	};
	size_t i, len = 0;
	uint8_t *a = write_pkg("ops", &len);
	char what[64];

	if (!a)
		return;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		a[f[i].off] ^= 0x04;
		snprintf(what, sizeof(what), "flip header byte %u", f[i].off);
		expect(what, a, len, f[i].ret, f[i].needle);
		a[f[i].off] ^= 0x04;
	}
	expect("restored", a, len, 0, NULL);
	free(a);
}

static void test_truncated(void)
{
	size_t n, len = 0;
	uint8_t *a = write_pkg("ops", &len);
	char what[64];

	if (!a)
		return;
	for (n = 0; n < len; n++) {
		snprintf(what, sizeof(what), "truncated to %zu of %zu", n, len);
		expect(what, a, n, -EBADMSG, "truncated");
	}
	expect("whole", a, len, 0, NULL);
	free(a);
}

static void test_versions(void)
{
	static const struct {
		uint32_t off, width;
		uint64_t value;
		const char *needle;
	} v[] = {
		{ APKG_H_FORMAT_MAJOR, 2, 2, "format version 2.0, this runtime reads 1.x" },
		{ APKG_H_FORMAT_MAJOR, 2, 0, "format version 0.0" },
		{ APKG_H_ISA_MAJOR, 2, 2, "command buffers of ISA 2." },
		{ APKG_H_ISA_MINOR, 2, 7, "command buffers of ISA 1.7" },
		{ APKG_H_ABI_MAJOR, 2, 2, "built for vaccel ABI 2.0" },
		{ APKG_H_PROGRAM_VERSION, 4, 2, "program version 2, this runtime reads 1" },
	};
	size_t i, len = 0;
	uint8_t *a = write_pkg("ops", &len), *b;

	if (!a)
		return;
	b = malloc(len);
	for (i = 0; b && i < sizeof(v) / sizeof(v[0]); i++) {
		memcpy(b, a, len);
		if (v[i].width == 2) {
			b[v[i].off] = (uint8_t)v[i].value;
			b[v[i].off + 1] = 0;
		} else {
			set32(b + v[i].off, (uint32_t)v[i].value);
		}
		reseal(b, len);
		expect(v[i].needle, b, len, -EPROTO, v[i].needle);
	}
	/* A later minor format version only adds optional sections: read. */
	memcpy(b, a, len);
	b[APKG_H_FORMAT_MINOR] = 3;
	reseal(b, len);
	expect("format 1.3", b, len, 0, NULL);
	free(b);
	free(a);
}

typedef void (*mutate_fn)(uint8_t *a, size_t len);

static void m_nsections(uint8_t *a, size_t len) { set32(a + APKG_H_NSECTIONS, 17); }
static void m_table_off(uint8_t *a, size_t len) { set64(a + APKG_H_TABLE_OFFSET, len - 8); }
static void m_sec_off(uint8_t *a, size_t len)
{
	set64(entry(a, APKG_SEC_WEIGHTS) + APKG_S_OFFSET, len & ~63ull);
}
static void m_sec_size(uint8_t *a, size_t len)
{
	set64(entry(a, APKG_SEC_REPORT) + APKG_S_SIZE, UINT64_MAX - 8);
}
static void m_overlap(uint8_t *a, size_t len)
{
	set64(entry(a, APKG_SEC_PATCHES) + APKG_S_OFFSET,
	      le64(entry(a, APKG_SEC_TEMPLATES) + APKG_S_OFFSET));
}
static void m_dup(uint8_t *a, size_t len) { set32(entry(a, APKG_SEC_REPORT), APKG_SEC_MEMPLAN); }
static void m_unknown(uint8_t *a, size_t len) { set32(entry(a, APKG_SEC_REPORT), 99); }
static void m_flags(uint8_t *a, size_t len) { set32(entry(a, APKG_SEC_EXPRS) + APKG_S_FLAGS, 1); }
static void m_nsyms(uint8_t *a, size_t len)
{
	uint64_t n;

	set32(section(a, APKG_SEC_SIGNATURE, &n), 0x7fffffff);
}
static void m_name_len(uint8_t *a, size_t len)
{
	uint64_t n;

	/* The first symbol's name length. */
	set32(section(a, APKG_SEC_SIGNATURE, &n) + 4, 0);
}
static void m_io_dtype(uint8_t *a, size_t len)
{
	uint64_t n;
	uint8_t *s = section(a, APKG_SEC_SIGNATURE, &n);
	uint32_t pos = 4;

	/* Past the symbol names and the two I/O counts: input 0's name, then
	 * its dtype. */
	for (uint32_t i = 0, nsyms = le32(s); i < nsyms; i++)
		pos += 4 + ((le32(s + pos) + 3) & ~3u);
	pos += 8;
	pos += 4 + ((le32(s + pos) + 3) & ~3u);
	set32(s + pos, 99);
}
static void m_ninsns(uint8_t *a, size_t len)
{
	uint64_t n;

	set32(section(a, APKG_SEC_EXPRS, &n), 0xffffffffu);
}
static void m_nexprs(uint8_t *a, size_t len)
{
	uint64_t n;
	uint8_t *s = section(a, APKG_SEC_EXPRS, &n);

	set32(s + 4, le32(s + 4) + 1);
}
static void m_insn_op(uint8_t *a, size_t len)
{
	uint64_t n;

	set32(section(a, APKG_SEC_EXPRS, &n) + 8, 99);
}
static void m_expr_range(uint8_t *a, size_t len)
{
	uint64_t n;
	uint8_t *s = section(a, APKG_SEC_EXPRS, &n);

	/* The first expression's first instruction: past the end. */
	set32(s + 8 + le32(s) * 16ull, le32(s));
}
static void m_expr_overlap(uint8_t *a, size_t len)
{
	uint64_t n;
	uint8_t *s = section(a, APKG_SEC_EXPRS, &n);

	/* The second expression re-reads the first one's instructions. */
	set32(s + 8 + le32(s) * 16ull + 8, 0);
}
static void m_expr_long(uint8_t *a, size_t len)
{
	uint64_t n;
	uint8_t *s = section(a, APKG_SEC_EXPRS, &n);

	set32(s + 8 + le32(s) * 16ull + 4, 2000);
}
static void m_ntemplates(uint8_t *a, size_t len)
{
	uint64_t n;

	set32(section(a, APKG_SEC_TEMPLATES, &n), 0x10000000);
}
static void m_tmpl_size(uint8_t *a, size_t len)
{
	uint64_t n;

	set32(section(a, APKG_SEC_TEMPLATES, &n) + 8, 0xfffffff0u);
}
static void m_npatches(uint8_t *a, size_t len)
{
	uint64_t n;

	set32(section(a, APKG_SEC_PATCHES, &n), 0x40000000);
}
static void m_patch_tmpl(uint8_t *a, size_t len)
{
	uint64_t n;

	set32(section(a, APKG_SEC_PATCHES, &n) + 8, 5);
}
static void m_patch_off(uint8_t *a, size_t len)
{
	uint64_t n;

	set32(section(a, APKG_SEC_PATCHES, &n) + 12, 0xfffffffeu);
}
static void m_nslots(uint8_t *a, size_t len)
{
	uint64_t n;

	set32(section(a, APKG_SEC_MEMPLAN, &n) + 4, 0x20000000);
}
static void m_nslots_fit(uint8_t *a, size_t len)
{
	uint64_t n;

	set32(section(a, APKG_SEC_MEMPLAN, &n) + 4, 16384);
}
static void m_slot_last(uint8_t *a, size_t len)
{
	uint64_t n;
	uint8_t *s = section(a, APKG_SEC_MEMPLAN, &n);

	set32(s + 12, le32(s));		/* slot 0 last = nsteps */
}
static void m_trailing(uint8_t *a, size_t len)
{
	set64(a + APKG_H_FILE_SIZE, len - 64);
}

static void test_resealed(void)
{
	static const struct {
		const char *what;
		mutate_fn fn;
		const char *needle;
	} m[] = {
		{ "section count", m_nsections, "header: section count 17 (must be 1..16)" },
		{ "table offset", m_table_off, "section table at" },
		{ "section offset", m_sec_off, "section table entry 5 ('weights'): offset" },
		{ "section size", m_sec_size, "('report'): offset" },
		{ "overlap", m_overlap, "('patches') overlaps entry 2 ('templates')" },
		{ "duplicate", m_dup, "section 'memplan' appears twice" },
		{ "missing", m_unknown, "section 'report' is missing" },
		{ "entry flags", m_flags, "section table entry 1: flags or reserved not zero" },
		{ "symbol count", m_nsyms, "section 'signature': symbol count 2147483647 needs" },
		{ "name length", m_name_len, "symbol 0 name has length 0" },
		{ "I/O dtype", m_io_dtype, "section 'signature': input 0 has dtype 99" },
		{ "instruction count", m_ninsns,
		  "section 'exprs': instruction count 4294967295 needs" },
		{ "expression count", m_nexprs, "section 'exprs': " },
		{ "instruction op", m_insn_op, "program: expression 0: unknown op 99" },
		{ "expression range", m_expr_range,
		  "section 'exprs': expression 0 covers instructions" },
		{ "expression overlap", m_expr_overlap,
		  "section 'exprs': expression 1 covers instructions 0..+" },
		{ "expression length", m_expr_long,
		  "section 'exprs': expression 0 covers instructions 0..+2000" },
		{ "template count", m_ntemplates, "section 'templates': template count 268435456" },
		{ "template size", m_tmpl_size, "truncated reading template 0 size" },
		{ "patch count", m_npatches, "section 'patches': patch count 1073741824 needs" },
		{ "patch template", m_patch_tmpl, "program: patch 0 is out of range" },
		{ "patch offset", m_patch_off, "program: patch 0 is out of range" },
		{ "slot count", m_nslots, "section 'memplan': slot count 536870912 above the "
		  "limit of 16384" },
		{ "slot count", m_nslots_fit, "section 'memplan': slot count 16384 needs" },
		{ "slot step", m_slot_last, "program: slot 0 is out of range" },
		{ "file size", m_trailing, "trailing data" },
	};
	size_t i, len = 0;
	uint8_t *a = write_pkg("ops", &len), *b;
	uint64_t n;

	if (!a)
		return;
	/* The mutations assume what ops compiles to: a symbol, patches, slots. */
	CHECK(le32(section(a, APKG_SEC_SIGNATURE, &n)) >= 1 &&
	      le32(section(a, APKG_SEC_PATCHES, &n)) >= 1 &&
	      le32(section(a, APKG_SEC_MEMPLAN, &n) + 4) >= 1, "ops: no symbol, patch or slot");
	b = malloc(len);
	for (i = 0; b && i < sizeof(m) / sizeof(m[0]); i++) {
		memcpy(b, a, len);
		m[i].fn(b, len);
		reseal(b, len);
		expect(m[i].what, b, len, -EBADMSG, m[i].needle);
	}
	free(b);
	free(a);
}

/*
 * A step count of 2^32 - 1 is legal (every slot lies inside it) and must
 * cost nothing: accel_program_memory() once walked every step.
 */
static void test_huge_step_count(void)
{
	struct accel_program_memory m0, m1;
	struct accel_apkg *p0 = NULL, *p1 = NULL;
	int64_t sym[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	size_t len = 0;
	uint8_t *a = write_pkg("cnn", &len), *b;
	char msg[256] = "";
	clock_t t;
	uint64_t n;

	b = a ? malloc(len) : NULL;
	if (!b)
		goto out;
	memcpy(b, a, len);
	set32(section(b, APKG_SEC_MEMPLAN, &n), UINT32_MAX);
	reseal(b, len);
	CHECK(accel_apkg_open(a, len, &p0, msg, sizeof(msg)) == 0, "intact: %s", msg);
	CHECK(accel_apkg_open(b, len, &p1, msg, sizeof(msg)) == 0, "2^32-1 steps: %s", msg);
	if (!p0 || !p1 || accel_apkg_program(p0)->nsyms > 8)
		goto out;
	t = clock();
	CHECK(accel_program_memory(accel_apkg_program(p0), sym, &m0) == 0, "memory");
	CHECK(accel_program_memory(accel_apkg_program(p1), sym, &m1) == 0, "memory");
	CHECK(clock() - t < CLOCKS_PER_SEC, "accel_program_memory() took %.1f s",
	      (double)(clock() - t) / CLOCKS_PER_SEC);
	CHECK(m0.lower_bound_bytes == m1.lower_bound_bytes && m0.arena_bytes == m1.arena_bytes,
	      "the step count changed the plan");
out:
	accel_apkg_close(p0);
	accel_apkg_close(p1);
	free(b);
	free(a);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	RUN_CASE(test_crc_vector);
	RUN_CASE(test_crc_paths);
	RUN_CASE(test_round_trip);
	RUN_CASE(test_section_checksums);
	RUN_CASE(test_header_fields);
	RUN_CASE(test_truncated);
	RUN_CASE(test_versions);
	RUN_CASE(test_resealed);
	RUN_CASE(test_huge_step_count);
	HARNESS_EXIT();
}
