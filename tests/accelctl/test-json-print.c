// SPDX-License-Identifier: MIT
/*
 * test-json-print.c - writes documents with accelctl's JSON writer for
 * test-json-print.py to parse back with Python's json module.
 *
 * Every string goes out twice: as a JSON string through the writer under
 * test, and as plain hex of its bytes (which needs no escaping), so the
 * checker can compare the parsed string with the original bytes decoded by
 * Python itself.
 *
 * usage: test-json-print { compact | pretty | text }
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_print.h"

/* Hand-picked cases: every escape, every control byte, UTF-8 good and bad. */
static const char *const fixed_cases[] = {
	"",
	"plain",
	"quote \" backslash \\ slash /",
	"\\\"\\\\\"",
	"tab\there\nnewline\rcr\bbs\fff",
	("\x01\x02\x03\x04\x05\x06\x07\x0b\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17"
	 "\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f"),
	"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe4\xb8\xad",   /* é € 😀 中 */
	"\xef\xbf\xbf\xf4\x8f\xbf\xbf",                              /* U+FFFF U+10FFFF */
	"lone \xff byte",
	"lone \x80 continuation",
	"overlong \xc0\xaf slash",
	"overlong \xe0\x80\xaf three",
	"surrogate \xed\xa0\x80 half",
	"truncated \xe2\x82 euro",
	"truncated at end \xf0\x9f\x98",
	"past max \xf4\x90\x80\x80",
	"\xf5\x80\x80\x80 beyond f4",
	"</script><!-- \xe2\x80\xa8 \xe2\x80\xa9",
};

#define RANDOM_CASES 400

static void hex_of(const char *s, char *hex)
{
	for (; *s; s++, hex += 2)
		sprintf(hex, "%02x", (unsigned char)*s);
	*hex = '\0';
}

static void print_case(const char *s)
{
	char hex[2 * 64 + 1];

	if (strlen(s) >= 64) {
		fprintf(stderr, "case too long for the hex buffer\n");
		exit(2);
	}
	open_json_object(NULL);
	hex_of(s, hex);
	print_string(PRINT_JSON, "hex", "%s", hex);
	print_string(PRINT_JSON, "value", "%s", s);
	close_json_object();
}

/* Deterministic bytes 1..255, biased towards the interesting ranges. */
static uint32_t rng = 12345;

static unsigned char random_byte(void)
{
	static const unsigned char pool[] = { 0x01, 0x08, 0x0a, 0x1f, 0x22, 0x5c, 0x41, 0x7f,
					      0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef,
					      0xf0, 0xf4, 0xf5, 0xff, 0x9f, 0xa0, 0x8f, 0x90 };

	rng = rng * 1103515245u + 12345u;
	if ((rng >> 16) & 1)
		return pool[(rng >> 17) % sizeof(pool)];
	return (unsigned char)(1 + (rng >> 20) % 255);
}

static void document(void)
{
	char buf[40];

	open_json_object(NULL);
	open_json_array(PRINT_JSON, "cases", NULL);
	for (size_t i = 0; i < sizeof(fixed_cases) / sizeof(fixed_cases[0]); i++)
		print_case(fixed_cases[i]);
	for (int i = 0; i < RANDOM_CASES; i++) {
		int len = (int)(random_byte() % 24);

		for (int j = 0; j < len; j++)
			buf[j] = (char)random_byte();
		buf[len] = '\0';
		print_case(buf);
	}
	close_json_array(PRINT_JSON, NULL);
	/* Keys are escaped like values. */
	print_string(PRINT_JSON, "key \"with\" \\ and\n", "%s", "k");
	print_u64(PRINT_JSON, "u64_max", "%llu", (unsigned long long)UINT64_MAX);
	print_uint(PRINT_JSON, "uint", "%u", 4000000000u);
	print_int(PRINT_JSON, "int_min", "%d", -2147483647 - 1);
	print_bool(PRINT_JSON, "yes", "%s", true);
	print_bool(PRINT_JSON, "no", "%s", false);
	print_null(PRINT_JSON, "nothing", "%s", "-");
	print_string(PRINT_JSON, "null_string", "%s", (const char *)NULL);
	open_json_array(PRINT_JSON, "empty_array", NULL);
	close_json_array(PRINT_JSON, NULL);
	open_json_object("empty_object");
	close_json_object();
	open_json_array(PRINT_JSON, "nested", NULL);
	open_json_array(PRINT_JSON, NULL, NULL);
	open_json_object(NULL);
	print_uint(PRINT_JSON, "deep", "%u", 3);
	close_json_object();
	close_json_array(PRINT_JSON, NULL);
	close_json_array(PRINT_JSON, NULL);
	/* Text-only output must not leak into JSON. */
	print_string(PRINT_FP, NULL, "%s", "TEXT ONLY");
	print_nl();
	close_json_object();
}

/* The same calls in text mode: only PRINT_FP/PRINT_ANY, through their formats. */
static void text_document(void)
{
	print_string(PRINT_ANY, "a", "<%s>", "x");
	print_string(PRINT_JSON, "b", "%s", "JSON ONLY");
	print_string(PRINT_FP, NULL, "[%s]", "z");
	print_uint(PRINT_ANY, "n", " %u", 7u);
	print_u64(PRINT_ANY, "big", " %llu", (unsigned long long)UINT64_MAX);
	print_int(PRINT_ANY, "neg", " %d", -5);
	print_bool(PRINT_ANY, "flag", " %s", true);
	print_null(PRINT_ANY, "none", " %s", "n/a");
	print_string(PRINT_ANY, "unset", " %s", (const char *)NULL);
	open_json_array(PRINT_ANY, "list", " {");
	print_string(PRINT_ANY, NULL, "%s", "e");
	close_json_array(PRINT_ANY, "}");
	open_json_object("o");
	close_json_object();
	print_nl();
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "text") == 0) {
		new_json_obj(stdout, false, false);
		text_document();
	} else if (strcmp(mode, "compact") == 0 || strcmp(mode, "pretty") == 0) {
		new_json_obj(stdout, true, strcmp(mode, "pretty") == 0);
		document();
	} else {
		fprintf(stderr, "usage: %s { compact | pretty | text }\n", argv[0]);
		return 2;
	}
	delete_json_obj();
	return ferror(stdout) ? 1 : 0;
}
