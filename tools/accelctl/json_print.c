// SPDX-License-Identifier: MIT
/*
 * json_print.c - the writer behind json_print.h.
 *
 * The state is one document at a time: the output stream, the mode, and a
 * stack saying for each open container whether it is an array and whether
 * it already holds a member (so the next one needs a comma).
 */
#include "json_print.h"

#include <assert.h>
#include <stdarg.h>

struct json_level {
	bool is_array;
	bool has_members;
};

static struct {
	FILE *out;
	bool json;
	bool pretty;
	bool written; /* any JSON value yet: delete_json_obj() ends the line */
	int depth; /* open containers */
	struct json_level level[JSON_PRINT_MAX_DEPTH];
} jw;

void new_json_obj(FILE *out, bool json, bool pretty)
{
	jw.out = out;
	jw.json = json;
	jw.pretty = pretty;
	jw.written = false;
	jw.depth = 0;
}

void delete_json_obj(void)
{
	assert(jw.depth == 0);
	if (jw.json && jw.written)
		fputc('\n', jw.out);
	fflush(jw.out);
}

bool is_json_context(void)
{
	return jw.json;
}

static void json_indent(int depth)
{
	fputc('\n', jw.out);
	for (int i = 0; i < depth; i++)
		fputs("  ", jw.out);
}

/*
 * The UTF-8 sequence at @s: its length (1..4) if well-formed (Unicode table
 * 3-7: no overlong forms, no surrogates, nothing past U+10FFFF), else minus
 * the length of its maximal invalid subpart, which becomes one U+FFFD (the
 * Unicode "best practice" that Python's decoder follows too).
 */
static int utf8_scan(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the next byte */
	int len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0)
			lo = 0xa0; /* overlong below */
		else if (s[0] == 0xed)
			hi = 0x9f; /* surrogates above */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0)
			lo = 0x90; /* overlong below */
		else if (s[0] == 0xf4)
			hi = 0x8f; /* past U+10FFFF above */
	} else {
		return -1;
	}
	for (int i = 1; i < len; i++) {
		if (s[i] < lo || s[i] > hi) /* the terminator stops it too */
			return -i;
		lo = 0x80;
		hi = 0xbf;
	}
	return len;
}

static void json_write_string(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', jw.out);
	while (*s) {
		int len;

		switch (*s) {
		case '"':  fputs("\\\"", jw.out); s++; continue;
		case '\\': fputs("\\\\", jw.out); s++; continue;
		case '\b': fputs("\\b", jw.out); s++; continue;
		case '\f': fputs("\\f", jw.out); s++; continue;
		case '\n': fputs("\\n", jw.out); s++; continue;
		case '\r': fputs("\\r", jw.out); s++; continue;
		case '\t': fputs("\\t", jw.out); s++; continue;
		default: break;
		}
		/* DEL is legal JSON but escaped too, to keep terminals sane. */
		if (*s < 0x20 || *s == 0x7f) {
			fprintf(jw.out, "\\u%04x", *s);
			s++;
			continue;
		}
		len = utf8_scan(s);
		if (len < 0) {
			fputs("\\ufffd", jw.out); /* not UTF-8: the replacement character */
			s += -len;
			continue;
		}
		fwrite(s, 1, (size_t)len, jw.out);
		s += len;
	}
	fputc('"', jw.out);
}

/* Everything a new member needs before its value: comma, indent, key. */
static void json_begin_member(const char *key)
{
	struct json_level *lvl = jw.depth ? &jw.level[jw.depth - 1] : NULL;

	jw.written = true;
	if (lvl) {
		/* Keys belong to object members and only to them. */
		assert(lvl->is_array ? key == NULL : key != NULL);
		if (lvl->has_members)
			fputc(',', jw.out);
		lvl->has_members = true;
		if (jw.pretty)
			json_indent(jw.depth);
	} else {
		assert(key == NULL);
	}
	if (key) {
		json_write_string(key);
		fputs(jw.pretty ? ": " : ":", jw.out);
	}
}

static void json_open(const char *key, bool is_array)
{
	assert(jw.depth < JSON_PRINT_MAX_DEPTH);
	json_begin_member(key);
	fputc(is_array ? '[' : '{', jw.out);
	jw.level[jw.depth].is_array = is_array;
	jw.level[jw.depth].has_members = false;
	jw.depth++;
}

static void json_close(bool is_array)
{
	struct json_level *lvl;

	assert(jw.depth > 0);
	lvl = &jw.level[jw.depth - 1];
	assert(lvl->is_array == is_array);
	jw.depth--;
	if (jw.pretty && lvl->has_members)
		json_indent(jw.depth);
	fputc(is_array ? ']' : '}', jw.out);
}

void open_json_object(const char *key)
{
	if (jw.json)
		json_open(key, false);
}

void close_json_object(void)
{
	if (jw.json)
		json_close(false);
}

void open_json_array(enum output_type type, const char *key, const char *text)
{
	if (jw.json)
		json_open(key, true);
	else if ((type & PRINT_FP) && text)
		fputs(text, jw.out);
}

void close_json_array(enum output_type type, const char *text)
{
	if (jw.json)
		json_close(true);
	else if ((type & PRINT_FP) && text)
		fputs(text, jw.out);
}

void print_nl(void)
{
	if (!jw.json)
		fputc('\n', jw.out);
}

/*
 * JSON mode: if this call writes JSON, write everything before the value and
 * return true. (Text mode is TEXT_VPRINTF's job: it applies the caller's
 * format to the variadic copy of the value.)
 */
static bool json_want(enum output_type type, const char *key)
{
	if (!jw.json)
		return false;
	if (!(type & PRINT_JSON))
		return false;
	json_begin_member(key);
	return true;
}

#define TEXT_VPRINTF(type, fmt)                        \
	do {                                            \
		if (!jw.json && ((type) & PRINT_FP) && (fmt)) { \
			va_list ap;                     \
			va_start(ap, fmt);              \
			vfprintf(jw.out, fmt, ap);      \
			va_end(ap);                     \
		}                                       \
	} while (0)

void json_print_string(enum output_type type, const char *key, const char *value,
		       const char *fmt, ...)
{
	TEXT_VPRINTF(type, fmt);
	if (!json_want(type, key))
		return;
	if (value)
		json_write_string(value);
	else
		fputs("null", jw.out);
}

void json_print_uint(enum output_type type, const char *key, unsigned int value,
		     const char *fmt, ...)
{
	TEXT_VPRINTF(type, fmt);
	if (json_want(type, key))
		fprintf(jw.out, "%u", value);
}

void json_print_int(enum output_type type, const char *key, int value, const char *fmt, ...)
{
	TEXT_VPRINTF(type, fmt);
	if (json_want(type, key))
		fprintf(jw.out, "%d", value);
}

void json_print_u64(enum output_type type, const char *key, uint64_t value,
		    const char *fmt, ...)
{
	TEXT_VPRINTF(type, fmt);
	if (json_want(type, key))
		fprintf(jw.out, "%llu", (unsigned long long)value);
}

void json_print_bool(enum output_type type, const char *key, bool value, const char *fmt, ...)
{
	TEXT_VPRINTF(type, fmt);
	if (json_want(type, key))
		fputs(value ? "true" : "false", jw.out);
}

void json_print_null(enum output_type type, const char *key, const char *fmt, ...)
{
	TEXT_VPRINTF(type, fmt);
	if (json_want(type, key))
		fputs("null", jw.out);
}
