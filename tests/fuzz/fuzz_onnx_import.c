// SPDX-License-Identifier: MIT
/*
 * fuzz_onnx_import.c - libFuzzer target for the ONNX importer and, on what it
 * accepts, the pass pipeline and the text form.
 *
 * The input is the bytes of an ONNX file. Whatever the importer accepts
 * goes through shape inference, constant folding (which runs interpreter
 * kernels on the model's constants), DCE and CSE; any of them may refuse
 * the model, but a refusal must say why. A graph that survives must dump,
 * parse back and dump to the same text: the text form is exact.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <accel/ir.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static void roundtrip(const struct accel_graph *g)
{
	struct accel_ir_error err = { "" };
	struct accel_graph *h = NULL;
	char *a = accel_graph_dump(g), *b;

	if (!a)
		return;		/* out of memory: not a bug */
	if (accel_graph_parse(a, &h, &err))
		abort();	/* the dump of a valid graph must parse */
	b = accel_graph_dump(h);
	if (b && strcmp(a, b))
		abort();	/* ... and dump to the same text */
	free(a);
	free(b);
	accel_graph_destroy(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct accel_ir_error err = { "" };
	struct accel_graph *g = NULL;
	int ret;

	ret = accel_onnx_import(data, len, &g, &err);
	if (ret) {
		if (g || !err.msg[0])
			abort();	/* a refusal returns no graph and says why */
		return 0;
	}
	roundtrip(g);
	err.msg[0] = 0;
	ret = accel_graph_optimize(g, NULL, &err);
	if (ret && !err.msg[0])
		abort();
	if (!ret)
		roundtrip(g);
	accel_graph_destroy(g);
	return 0;
}
