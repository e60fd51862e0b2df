/* SPDX-License-Identifier: MIT */
/*
 * minijson.h - a small strict JSON (RFC 8259) reader for test programs that
 * run where there is no python (the test VM). It builds a tree of values
 * from a whole document; strings are kept raw (escapes validated, not
 * decoded, except that lookups compare the raw text), numbers as double
 * and, when integral and non-negative, as uint64_t too.
 */
#ifndef ACCEL_TESTS_MINIJSON_H
#define ACCEL_TESTS_MINIJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mj_type { MJ_NULL, MJ_BOOL, MJ_NUMBER, MJ_STRING, MJ_ARRAY, MJ_OBJECT };

/**
 * struct mj_value - one value.
 * @type: what it is.
 * @b: MJ_BOOL.
 * @num: MJ_NUMBER.
 * @u64: MJ_NUMBER when @is_u64.
 * @is_u64: the number is a non-negative integer without fraction/exponent.
 * @str: MJ_STRING (NUL-terminated, escapes as written).
 * @items: MJ_ARRAY elements / MJ_OBJECT member values.
 * @keys: MJ_OBJECT member keys (raw, NUL-terminated).
 * @count: entries in @items (and @keys).
 */
struct mj_value {
	enum mj_type type;
	bool b;
	double num;
	uint64_t u64;
	bool is_u64;
	char *str;
	struct mj_value *items;
	char **keys;
	size_t count;
};

/**
 * mj_parse() - parse the whole of @text. Returns 0, or -1 with a message
 * (position and reason) in @err (@err_size bytes).
 */
int mj_parse(const char *text, struct mj_value *out, char *err, size_t err_size);
void mj_free(struct mj_value *v);

/** mj_get() - member @key of object @obj, or NULL (also if @obj is not an object). */
const struct mj_value *mj_get(const struct mj_value *obj, const char *key);
/** mj_str() - the string member @key, or NULL if absent or not a string. */
const char *mj_str(const struct mj_value *obj, const char *key);

#endif
