// SPDX-License-Identifier: MIT
/*
 * params.c - read and print the vaccel device parameters.
 *
 * The JSON keys are the snake_case of the DRM_VACCEL_PARAM_* names, except
 * that the two ABI halves print together as abi_version "major.minor".
 */
#include "params.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "json_print.h"

/* The params that print as plain integers, in the order they print. */
static const struct {
	uint32_t param;
	const char *key;
} params_u64[] = {
	{ DRM_VACCEL_PARAM_NUM_ENGINES, "num_engines" },
	{ DRM_VACCEL_PARAM_NUM_PRIORITIES, "num_priorities" },
	{ DRM_VACCEL_PARAM_MAX_QUEUES_PER_CTX, "max_queues_per_ctx" },
	{ DRM_VACCEL_PARAM_MAX_BO_SIZE, "max_bo_size" },
	{ DRM_VACCEL_PARAM_MAX_CMDBUF_SIZE, "max_cmdbuf_size" },
	{ DRM_VACCEL_PARAM_MAX_SUBMIT_BOS, "max_submit_bos" },
	{ DRM_VACCEL_PARAM_MAX_SUBMIT_SYNCS, "max_submit_syncs" },
	{ DRM_VACCEL_PARAM_MEM_LIMIT, "mem_limit" },
	{ DRM_VACCEL_PARAM_MEM_USED, "mem_used" },
};

/* DRM_VACCEL_CAP_* bit names; bits not listed print as "bit<N>". */
static const char *const cap_names[64] = {
	[0] = "fp32",
	[1] = "prime",
	[2] = "syncobj",
	[3] = "job_timeout",
};

void params_read(struct ac_params *p, ac_param_get_fn get, void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->present = true;
	for (uint32_t i = 0; i < DRM_VACCEL_PARAM_COUNT; i++)
		p->error[i] = get(ctx, i, &p->value[i]);
}

/* The text label every detail line starts with. */
static void params_label(const char *key)
{
	print_string(PRINT_FP, NULL, "    %-20s ", key);
}

static void params_print_unavailable(const char *key, int error)
{
	char text[96];

	snprintf(text, sizeof(text), "unavailable (%s)", strerror(-error));
	params_label(key);
	print_null(PRINT_ANY, key, "%s\n", text);
}

/* "major.minor" from two values. */
static void params_print_version(const char *key, int error, uint64_t major, uint64_t minor)
{
	char text[48];

	if (error) {
		params_print_unavailable(key, error);
		return;
	}
	snprintf(text, sizeof(text), "%" PRIu64 ".%" PRIu64, major, minor);
	params_label(key);
	print_string(PRINT_ANY, key, "%s\n", text);
}

static void params_print_caps(const struct ac_params *p)
{
	uint64_t caps = p->value[DRM_VACCEL_PARAM_CAPS];

	if (p->error[DRM_VACCEL_PARAM_CAPS]) {
		params_print_unavailable("caps", p->error[DRM_VACCEL_PARAM_CAPS]);
		return;
	}
	params_label("caps");
	open_json_array(PRINT_JSON, "caps", NULL);
	for (unsigned int bit = 0, first = 1; bit < 64; bit++) {
		char unknown[8];
		const char *name = cap_names[bit];

		if (!(caps & (1ull << bit)))
			continue;
		if (!name) {
			snprintf(unknown, sizeof(unknown), "bit%u", bit);
			name = unknown;
		}
		if (!first)
			print_string(PRINT_FP, NULL, "%s", " ");
		print_string(PRINT_ANY, NULL, "%s", name);
		first = 0;
	}
	close_json_array(PRINT_JSON, NULL);
	if (!caps)
		print_string(PRINT_FP, NULL, "%s", "-");
	print_nl();
}

void params_print(const struct ac_params *p)
{
	int abi_err = p->error[DRM_VACCEL_PARAM_ABI_VERSION_MAJOR];
	uint64_t isa = p->value[DRM_VACCEL_PARAM_ISA_VERSION];

	if (!p->present)
		return;
	if (!abi_err)
		abi_err = p->error[DRM_VACCEL_PARAM_ABI_VERSION_MINOR];
	params_print_version("abi_version", abi_err, p->value[DRM_VACCEL_PARAM_ABI_VERSION_MAJOR],
			     p->value[DRM_VACCEL_PARAM_ABI_VERSION_MINOR]);
	/* The ISA version packs (major << 16) | minor into one value. */
	params_print_version("isa_version", p->error[DRM_VACCEL_PARAM_ISA_VERSION], isa >> 16,
			     isa & 0xffff);
	params_print_caps(p);
	for (size_t i = 0; i < sizeof(params_u64) / sizeof(params_u64[0]); i++) {
		uint32_t param = params_u64[i].param;
		const char *key = params_u64[i].key;

		if (p->error[param]) {
			params_print_unavailable(key, p->error[param]);
			continue;
		}
		params_label(key);
		print_u64(PRINT_ANY, key, "%" PRIu64 "\n", p->value[param]);
	}
}
