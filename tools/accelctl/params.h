/* SPDX-License-Identifier: MIT */
/*
 * params.h - the vaccel device parameters (DRM_VACCEL_PARAM_*), read from
 * libaccel's device or a vaccel DRM node and printed by name.
 */
#ifndef ACCELCTL_PARAMS_H
#define ACCELCTL_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include <drm/vaccel_drm.h>

/**
 * struct ac_params - every param of one device.
 * @present: the device speaks vaccel params at all (fields below valid).
 * @value: param values, indexed by enum drm_vaccel_param.
 * @error: 0 where @value is valid, else the negative errno reading it gave.
 */
struct ac_params {
	bool present;
	uint64_t value[DRM_VACCEL_PARAM_COUNT];
	int error[DRM_VACCEL_PARAM_COUNT];
};

/** ac_param_get_fn - read param @param of the device behind @ctx. */
typedef int (*ac_param_get_fn)(void *ctx, uint32_t param, uint64_t *value);

/** params_read() - read every param through @get; sets @p->present. */
void params_read(struct ac_params *p, ac_param_get_fn get, void *ctx);

/**
 * params_print() - print them inside the current JSON object, or as text
 * detail lines: abi_version and isa_version as "major.minor", caps as an
 * array of names, the others as integers under their snake_case names. A
 * param that could not be read prints as null.
 */
void params_print(const struct ac_params *p);

#endif /* ACCELCTL_PARAMS_H */
