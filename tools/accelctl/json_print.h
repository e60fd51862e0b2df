/* SPDX-License-Identifier: MIT */
/*
 * json_print.h - one print call that serves both humans and JSON.
 *
 * In the spirit of iproute2's include/json_print.h: every field is printed
 * with a single call such as
 *
 *	print_string(PRINT_ANY, "driver", "%-12s ", dev->driver);
 *
 * In text mode the printf-style @fmt is applied to the value (when the type
 * includes PRINT_FP); in JSON mode the value is written under @key (when the
 * type includes PRINT_JSON) and @fmt is ignored. The format is checked by the
 * compiler against the value at every call site, which is why the print_*
 * names are macros: they pass the value twice, once typed for JSON and once
 * through the variadic part for printf. Arguments must therefore have no side
 * effects.
 *
 * The writer keeps a small stack of open objects and arrays; nesting deeper
 * than JSON_PRINT_MAX_DEPTH is a programming error and asserts. Strings are
 * escaped per RFC 8259; bytes that are not valid UTF-8 become U+FFFD so the
 * output always parses. Not thread-safe: one document at a time per process.
 */
#ifndef ACCELCTL_JSON_PRINT_H
#define ACCELCTL_JSON_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/** JSON_PRINT_MAX_DEPTH - deepest nesting of objects and arrays. */
#define JSON_PRINT_MAX_DEPTH 16

/**
 * enum output_type - where a print call's value goes.
 * @PRINT_FP: text mode only.
 * @PRINT_JSON: JSON mode only.
 * @PRINT_ANY: both.
 */
enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = 3,
};

/**
 * new_json_obj() - start a document on @out.
 * @json: true for JSON, false for text.
 * @pretty: indent JSON two spaces per level (ignored in text mode).
 */
void new_json_obj(FILE *out, bool json, bool pretty);
/** delete_json_obj() - end the document; JSON mode adds the final newline. */
void delete_json_obj(void);
/** is_json_context() - whether the current document is JSON. */
bool is_json_context(void);

/**
 * open_json_object() - open an object; @key names it inside an object and
 * must be NULL inside an array or at the top level. No-op in text mode.
 */
void open_json_object(const char *key);
void close_json_object(void);
/**
 * open_json_array() - open an array named @key (NULL as for objects). In text
 * mode, if @type includes PRINT_FP, prints @text (a literal, may be NULL).
 */
void open_json_array(enum output_type type, const char *key, const char *text);
/** close_json_array() - close it; in text mode prints @text as above. */
void close_json_array(enum output_type type, const char *text);

/* The implementations behind the macros below; call the macros instead. */
void json_print_string(enum output_type type, const char *key, const char *value,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void json_print_uint(enum output_type type, const char *key, unsigned int value,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void json_print_int(enum output_type type, const char *key, int value, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void json_print_u64(enum output_type type, const char *key, uint64_t value,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void json_print_bool(enum output_type type, const char *key, bool value, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void json_print_null(enum output_type type, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* json_text_str() - what text mode shows for a string: NULL shows as "-". */
static inline const char *json_text_str(const char *s)
{
	return s ? s : "-";
}

/** print_string() - a string value; NULL prints as JSON null (text: "-"). */
#define print_string(type, key, fmt, value) \
	json_print_string(type, key, value, fmt, json_text_str(value))
/** print_uint() - an unsigned int, @fmt takes it (e.g. "%u"). */
#define print_uint(type, key, fmt, value) json_print_uint(type, key, value, fmt, value)
/** print_int() - an int, @fmt takes it (e.g. "%d"). */
#define print_int(type, key, fmt, value) json_print_int(type, key, value, fmt, value)
/** print_u64() - a uint64_t, @fmt takes it ("%" PRIu64). */
#define print_u64(type, key, fmt, value) json_print_u64(type, key, value, fmt, value)
/** print_bool() - true/false in JSON; @fmt takes the string "yes" or "no". */
#define print_bool(type, key, fmt, value) \
	json_print_bool(type, key, value, fmt, (value) ? "yes" : "no")
/** print_null() - JSON null; in text mode @fmt takes @text. */
#define print_null(type, key, fmt, text) json_print_null(type, key, fmt, text)
/** print_nl() - a newline in text mode; nothing in JSON mode. */
void print_nl(void);

#endif /* ACCELCTL_JSON_PRINT_H */
