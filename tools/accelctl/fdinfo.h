/* SPDX-License-Identifier: MIT */
/*
 * fdinfo.h - parse the DRM client usage keys of one /proc/PID/fdinfo/FD
 * file (the kernel's Documentation/gpu/drm-usage-stats.rst).
 *
 * The text is "key:<whitespace>value" lines. Non-DRM keys (pos, flags,
 * mnt_id, ino, ...) and DRM keys not listed below are skipped, so a newer
 * kernel's additions never break the parse; a DRM key this parser knows
 * with a value it cannot read is an error, never a silent 0.
 */
#ifndef ACCELCTL_FDINFO_H
#define ACCELCTL_FDINFO_H

#include <stdbool.h>
#include <stdint.h>

/** FDINFO_MAX_ENGINES, FDINFO_MAX_REGIONS - more are ignored (counted). */
#define FDINFO_MAX_ENGINES 8
#define FDINFO_MAX_REGIONS 8
#define FDINFO_NAME_MAX 32

/**
 * struct fdinfo_engine - drm-engine-<name>: <uint> ns.
 * @name: the engine name after "drm-engine-".
 * @busy_ns: time the client's jobs spent on it.
 */
struct fdinfo_engine {
	char name[FDINFO_NAME_MAX];
	uint64_t busy_ns;
};

/**
 * struct fdinfo_region - drm-{total,shared,resident,purgeable,active}-<name>
 * (and the older drm-memory-<name>, read as total), in bytes.
 * @name: the region name ("system", "vram", ...).
 * @has: bit FDINFO_MEM_* set for each key seen.
 * @bytes: indexed by FDINFO_MEM_*.
 */
struct fdinfo_region {
	char name[FDINFO_NAME_MAX];
	unsigned int has;
	uint64_t bytes[5];
};

enum {
	FDINFO_MEM_TOTAL,
	FDINFO_MEM_SHARED,
	FDINFO_MEM_RESIDENT,
	FDINFO_MEM_PURGEABLE,
	FDINFO_MEM_ACTIVE,
};

/**
 * struct fdinfo_drm - the DRM keys of one fdinfo file.
 * @driver: drm-driver.
 * @pdev: drm-pdev, "" if absent.
 * @has_client_id: drm-client-id was present.
 * @client_id: its value.
 * @engines: drm-engine-* entries in the order seen.
 * @num_engines: entries used.
 * @regions: memory regions in the order first seen.
 * @num_regions: entries used.
 * @dropped: engines or regions beyond the arrays.
 */
struct fdinfo_drm {
	char driver[FDINFO_NAME_MAX];
	char pdev[FDINFO_NAME_MAX];
	bool has_client_id;
	uint64_t client_id;
	struct fdinfo_engine engines[FDINFO_MAX_ENGINES];
	unsigned int num_engines;
	struct fdinfo_region regions[FDINFO_MAX_REGIONS];
	unsigned int num_regions;
	unsigned int dropped;
};

/**
 * fdinfo_parse() - parse @text (NUL-terminated) into @out.
 * Returns 0 for a DRM client (drm-driver present), -ENOENT for an fdinfo
 * of anything else, -EINVAL when a known DRM key has a malformed value
 * (@out then holds what was read before it).
 */
int fdinfo_parse(const char *text, struct fdinfo_drm *out);

/** fdinfo_engine_find() - the engine called @name, or NULL. */
const struct fdinfo_engine *fdinfo_engine_find(const struct fdinfo_drm *d, const char *name);
/** fdinfo_region_find() - the region called @name, or NULL. */
const struct fdinfo_region *fdinfo_region_find(const struct fdinfo_drm *d, const char *name);

#endif /* ACCELCTL_FDINFO_H */
