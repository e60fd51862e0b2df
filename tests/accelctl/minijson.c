// SPDX-License-Identifier: MIT
/*
 * minijson.c - see minijson.h. Recursive descent over the RFC 8259 grammar,
 * depth-limited; anything outside the grammar is an error.
 */
#include "minijson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MJ_MAX_DEPTH 64

struct mj_parser {
	const char *s;
	size_t pos;
	char *err;
	size_t err_size;
	int failed;
};

static void mj_fail(struct mj_parser *p, const char *why)
{
	if (!p->failed)
		snprintf(p->err, p->err_size, "at byte %zu: %s", p->pos, why);
	p->failed = 1;
}

static void mj_ws(struct mj_parser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
	       p->s[p->pos] == '\r')
		p->pos++;
}

static int mj_literal(struct mj_parser *p, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(p->s + p->pos, word, n)) {
		mj_fail(p, "unknown literal");
		return -1;
	}
	p->pos += n;
	return 0;
}

/* A string's raw contents (between the quotes), escapes checked. */
static char *mj_string(struct mj_parser *p)
{
	size_t start = ++p->pos; /* past the opening quote */
	char *out;

	for (;;) {
		unsigned char c = (unsigned char)p->s[p->pos];

		if (c == '"')
			break;
		if (c < 0x20) {
			mj_fail(p, c ? "control character in string" : "unterminated string");
			return NULL;
		}
		if (c == '\\') {
			char e = p->s[p->pos + 1];

			if (e == 'u') {
				for (int i = 2; i < 6; i++) {
					if (!strchr("0123456789abcdefABCDEF", p->s[p->pos + i]) ||
					    !p->s[p->pos + i]) {
						mj_fail(p, "bad \\u escape");
						return NULL;
					}
				}
				p->pos += 6;
				continue;
			}
			if (!e || !strchr("\"\\/bfnrt", e)) {
				mj_fail(p, "bad escape");
				return NULL;
			}
			p->pos += 2;
			continue;
		}
		p->pos++;
	}
	out = strndup(p->s + start, p->pos - start);
	p->pos++; /* closing quote */
	if (!out)
		mj_fail(p, "out of memory");
	return out;
}

static int mj_number(struct mj_parser *p, struct mj_value *v)
{
	size_t start = p->pos;
	bool integral = true, negative = false;
	char *end;

	if (p->s[p->pos] == '-') {
		negative = true;
		p->pos++;
	}
	if (p->s[p->pos] == '0') {
		p->pos++;
	} else if (p->s[p->pos] >= '1' && p->s[p->pos] <= '9') {
		while (p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
			p->pos++;
	} else {
		mj_fail(p, "bad number");
		return -1;
	}
	if (p->s[p->pos] == '.') {
		integral = false;
		p->pos++;
		if (p->s[p->pos] < '0' || p->s[p->pos] > '9') {
			mj_fail(p, "bad fraction");
			return -1;
		}
		while (p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
			p->pos++;
	}
	if (p->s[p->pos] == 'e' || p->s[p->pos] == 'E') {
		integral = false;
		p->pos++;
		if (p->s[p->pos] == '+' || p->s[p->pos] == '-')
			p->pos++;
		if (p->s[p->pos] < '0' || p->s[p->pos] > '9') {
			mj_fail(p, "bad exponent");
			return -1;
		}
		while (p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
			p->pos++;
	}
	v->type = MJ_NUMBER;
	v->num = strtod(p->s + start, NULL);
	if (integral && !negative) {
		v->u64 = strtoull(p->s + start, &end, 10);
		v->is_u64 = end == p->s + p->pos;
	}
	return 0;
}

static int mj_value_parse(struct mj_parser *p, struct mj_value *v, int depth);

/* Grow @v's arrays by one entry; returns the new item or NULL. */
static struct mj_value *mj_push(struct mj_parser *p, struct mj_value *v, char *key)
{
	struct mj_value *items = realloc(v->items, (v->count + 1) * sizeof(*items));

	if (!items) {
		mj_fail(p, "out of memory");
		return NULL;
	}
	v->items = items;
	if (v->type == MJ_OBJECT) {
		char **keys = realloc(v->keys, (v->count + 1) * sizeof(*keys));

		if (!keys) {
			mj_fail(p, "out of memory");
			return NULL;
		}
		v->keys = keys;
		v->keys[v->count] = key;
	}
	memset(&v->items[v->count], 0, sizeof(v->items[0]));
	return &v->items[v->count++];
}

static int mj_container(struct mj_parser *p, struct mj_value *v, int depth, bool object)
{
	char close = object ? '}' : ']';

	v->type = object ? MJ_OBJECT : MJ_ARRAY;
	p->pos++;
	mj_ws(p);
	if (p->s[p->pos] == close) {
		p->pos++;
		return 0;
	}
	for (;;) {
		struct mj_value *item;
		char *key = NULL;

		mj_ws(p);
		if (object) {
			if (p->s[p->pos] != '"') {
				mj_fail(p, "expected a key");
				return -1;
			}
			key = mj_string(p);
			if (!key)
				return -1;
			mj_ws(p);
			if (p->s[p->pos] != ':') {
				free(key);
				mj_fail(p, "expected ':'");
				return -1;
			}
			p->pos++;
		}
		item = mj_push(p, v, key);
		if (!item) {
			free(key);
			return -1;
		}
		if (mj_value_parse(p, item, depth + 1))
			return -1;
		mj_ws(p);
		if (p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->s[p->pos] == close) {
			p->pos++;
			return 0;
		}
		mj_fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
		return -1;
	}
}

static int mj_value_parse(struct mj_parser *p, struct mj_value *v, int depth)
{
	if (depth > MJ_MAX_DEPTH) {
		mj_fail(p, "nested too deeply");
		return -1;
	}
	mj_ws(p);
	switch (p->s[p->pos]) {
	case '{':
		return mj_container(p, v, depth, true);
	case '[':
		return mj_container(p, v, depth, false);
	case '"':
		v->type = MJ_STRING;
		v->str = mj_string(p);
		return v->str ? 0 : -1;
	case 't':
		v->type = MJ_BOOL;
		v->b = true;
		return mj_literal(p, "true");
	case 'f':
		v->type = MJ_BOOL;
		return mj_literal(p, "false");
	case 'n':
		v->type = MJ_NULL;
		return mj_literal(p, "null");
	default:
		return mj_number(p, v);
	}
}

int mj_parse(const char *text, struct mj_value *out, char *err, size_t err_size)
{
	struct mj_parser p = { .s = text, .err = err, .err_size = err_size };

	memset(out, 0, sizeof(*out));
	if (mj_value_parse(&p, out, 0) == 0) {
		mj_ws(&p);
		if (p.s[p.pos])
			mj_fail(&p, "text after the document");
	}
	if (p.failed) {
		mj_free(out);
		return -1;
	}
	return 0;
}

void mj_free(struct mj_value *v)
{
	for (size_t i = 0; i < v->count; i++) {
		mj_free(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

const struct mj_value *mj_get(const struct mj_value *obj, const char *key)
{
	if (!obj || obj->type != MJ_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->count; i++) {
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	}
	return NULL;
}

const char *mj_str(const struct mj_value *obj, const char *key)
{
	const struct mj_value *v = mj_get(obj, key);

	return v && v->type == MJ_STRING ? v->str : NULL;
}
