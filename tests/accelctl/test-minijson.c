// SPDX-License-Identifier: MIT
/*
 * test-minijson - the strict JSON reader the VM checkers use, on documents
 * whose verdict RFC 8259 fixes (valid ones read back value by value,
 * invalid ones refused).
 */
#include <string.h>

#include "harness.h"
#include "minijson.h"

static void test_valid(void)
{
	const char *doc = " {\"name\":\"/dev/dri/renderD128\",\"n\":18446744073709551615,"
			  "\"neg\":-2,\"f\":1.5e3,\"t\":true,\"z\":null,\"e\":[],\"o\":{},"
			  "\"a\":[1,{\"k\":\"v\\\"\\u00e9\"}]}\n";
	const struct mj_value *a;
	struct mj_value v;
	char err[128];

	CHECK(mj_parse(doc, &v, err, sizeof(err)) == 0, "parse: %s", err);
	CHECK(v.type == MJ_OBJECT && v.count == 9, "object of 9, got %zu", v.count);
	CHECK(mj_str(&v, "name") && !strcmp(mj_str(&v, "name"), "/dev/dri/renderD128"), "name");
	CHECK(mj_get(&v, "n") && mj_get(&v, "n")->is_u64 &&
		      mj_get(&v, "n")->u64 == 18446744073709551615ull,
	      "u64 max");
	CHECK(mj_get(&v, "neg") && !mj_get(&v, "neg")->is_u64 && mj_get(&v, "neg")->num == -2,
	      "negative");
	CHECK(mj_get(&v, "f") && !mj_get(&v, "f")->is_u64 && mj_get(&v, "f")->num == 1500,
	      "exponent");
	CHECK(mj_get(&v, "t") && mj_get(&v, "t")->type == MJ_BOOL && mj_get(&v, "t")->b, "true");
	CHECK(mj_get(&v, "z") && mj_get(&v, "z")->type == MJ_NULL, "null");
	CHECK(mj_get(&v, "e")->type == MJ_ARRAY && mj_get(&v, "e")->count == 0, "empty array");
	a = mj_get(&v, "a");
	CHECK(a && a->count == 2 && a->items[1].type == MJ_OBJECT, "nested");
	if (a && a->count == 2)
		CHECK(mj_str(&a->items[1], "k") && !strcmp(mj_str(&a->items[1], "k"),
							   "v\\\"\\u00e9"),
		      "raw escapes kept");
	CHECK(!mj_get(&v, "missing") && !mj_str(&v, "n"), "absent key, wrong type");
	mj_free(&v);
}

static void test_invalid(void)
{
	static const char *const bad[] = {
		"", "{", "{\"a\":1,}", "[1,]", "[01]", "[1.]", "[.5]", "[1e]", "[-]",
		"{\"a\" 1}", "{a:1}", "[\"unterminated]", "[\"bad \\x escape\"]",
		"[\"\\u12g4\"]", "[\"tab\there\"]", "[tru]", "[nul]", "{} {}", "[1] x",
		"[+1]",
	};
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mj_value v;

		CHECK(mj_parse(bad[i], &v, err, sizeof(err)) == -1, "accepted '%s'", bad[i]);
	}
}

/* @levels nested arrays, balanced. */
static int parse_nested(int levels)
{
	char doc[300], err[128];
	struct mj_value v;
	int ret;

	memset(doc, '[', (size_t)levels);
	memset(doc + levels, ']', (size_t)levels);
	doc[2 * levels] = '\0';
	ret = mj_parse(doc, &v, err, sizeof(err));
	if (!ret)
		mj_free(&v);
	return ret;
}

static void test_depth(void)
{
	CHECK(parse_nested(60) == 0, "60 levels");
	CHECK(parse_nested(100) == -1, "100 levels: past the depth limit");
}

int main(void)
{
	RUN_CASE(test_valid);
	RUN_CASE(test_invalid);
	RUN_CASE(test_depth);
	HARNESS_EXIT();
}
