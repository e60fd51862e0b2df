// SPDX-License-Identifier: MIT
/*
 * fdinfo.c - the DRM usage-stats keys of one fdinfo file (see fdinfo.h).
 *
 * Value formats, per drm-usage-stats.rst:
 *   drm-driver: <str>          drm-pdev: <aaaa:bb:cc.d>
 *   drm-client-id: <uint>      drm-engine-<name>: <uint> ns
 *   drm-{memory,total,shared,resident,purgeable,active}-<region>:
 *                              <uint> [KiB|MiB] (no unit: bytes)
 * drm-engine-capacity-, drm-cycles- and drm-maxfreq- are other keys with
 * the drm-engine- style name; only busy time is read here.
 */
#include "fdinfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The memory keys and the slot each fills; drm-memory- is the 6.1 name of total. */
static const struct {
	const char *prefix;
	unsigned int slot;
} fdinfo_mem_keys[] = {
	{ "drm-memory-", FDINFO_MEM_TOTAL },
	{ "drm-total-", FDINFO_MEM_TOTAL },
	{ "drm-shared-", FDINFO_MEM_SHARED },
	{ "drm-resident-", FDINFO_MEM_RESIDENT },
	{ "drm-purgeable-", FDINFO_MEM_PURGEABLE },
	{ "drm-active-", FDINFO_MEM_ACTIVE },
};

/* Copy [s, s + len) into @dst (FDINFO_NAME_MAX); -EINVAL if empty or too long. */
static int fdinfo_copy_name(char *dst, const char *s, size_t len)
{
	if (len == 0 || len >= FDINFO_NAME_MAX)
		return -EINVAL;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

/*
 * Parse "<uint>[ <unit>]" from @v (trailing blanks already cut). @units
 * lists the accepted unit words and their multipliers; NULL unit word
 * entry is the unit-less form.
 */
struct fdinfo_unit {
	const char *word;
	uint64_t mult;
};

static int fdinfo_number(const char *v, const struct fdinfo_unit *units, size_t nunits,
			 uint64_t *out)
{
	unsigned long long n;
	char *end;

	if (*v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno)
		return -EINVAL;
	while (*end == ' ' || *end == '\t')
		end++;
	for (size_t i = 0; i < nunits; i++) {
		const char *w = units[i].word ? units[i].word : "";

		if (strcmp(end, w) == 0) {
			if (units[i].mult && n > UINT64_MAX / units[i].mult)
				return -EINVAL;
			*out = (uint64_t)n * units[i].mult;
			return 0;
		}
	}
	return -EINVAL;
}

static struct fdinfo_region *fdinfo_region_get(struct fdinfo_drm *d, const char *name)
{
	struct fdinfo_region *r;

	for (unsigned int i = 0; i < d->num_regions; i++) {
		if (!strcmp(d->regions[i].name, name))
			return &d->regions[i];
	}
	if (d->num_regions == FDINFO_MAX_REGIONS) {
		d->dropped++;
		return NULL;
	}
	r = &d->regions[d->num_regions++];
	memset(r, 0, sizeof(*r));
	strcpy(r->name, name);
	return r;
}

static int fdinfo_memory_key(struct fdinfo_drm *d, const char *key, const char *v)
{
	static const struct fdinfo_unit units[] = {
		{ NULL, 1 }, { "B", 1 }, { "KiB", 1024 }, { "MiB", 1024 * 1024 },
	};

	for (size_t i = 0; i < sizeof(fdinfo_mem_keys) / sizeof(fdinfo_mem_keys[0]); i++) {
		size_t plen = strlen(fdinfo_mem_keys[i].prefix);
		char name[FDINFO_NAME_MAX];
		struct fdinfo_region *r;
		uint64_t bytes;

		if (strncmp(key, fdinfo_mem_keys[i].prefix, plen))
			continue;
		if (fdinfo_copy_name(name, key + plen, strlen(key + plen)) ||
		    fdinfo_number(v, units, sizeof(units) / sizeof(units[0]), &bytes))
			return -EINVAL;
		r = fdinfo_region_get(d, name);
		if (r) {
			r->bytes[fdinfo_mem_keys[i].slot] = bytes;
			r->has |= 1u << fdinfo_mem_keys[i].slot;
		}
		return 0;
	}
	return 1; /* not a memory key */
}

static int fdinfo_engine_key(struct fdinfo_drm *d, const char *name, const char *v)
{
	static const struct fdinfo_unit units[] = { { "ns", 1 } };
	struct fdinfo_engine *e;
	uint64_t ns;

	/* drm-engine-capacity-<name> is a count, not a busy time. */
	if (!strncmp(name, "capacity-", 9))
		return 0;
	if (fdinfo_number(v, units, 1, &ns))
		return -EINVAL;
	if (d->num_engines == FDINFO_MAX_ENGINES) {
		d->dropped++;
		return 0;
	}
	e = &d->engines[d->num_engines];
	if (fdinfo_copy_name(e->name, name, strlen(name)))
		return -EINVAL;
	e->busy_ns = ns;
	d->num_engines++;
	return 0;
}

/* One "key: value" line, both already trimmed. */
static int fdinfo_line(struct fdinfo_drm *d, const char *key, const char *v, bool *is_drm)
{
	static const struct fdinfo_unit plain[] = { { NULL, 1 } };
	int ret;

	if (strncmp(key, "drm-", 4))
		return 0;
	if (!strcmp(key, "drm-driver")) {
		*is_drm = true;
		return fdinfo_copy_name(d->driver, v, strlen(v));
	}
	if (!strcmp(key, "drm-pdev"))
		return fdinfo_copy_name(d->pdev, v, strlen(v));
	if (!strcmp(key, "drm-client-id")) {
		d->has_client_id = true;
		return fdinfo_number(v, plain, 1, &d->client_id);
	}
	if (!strncmp(key, "drm-engine-", 11))
		return fdinfo_engine_key(d, key + 11, v);
	ret = fdinfo_memory_key(d, key, v);
	return ret < 0 ? ret : 0;
}

int fdinfo_parse(const char *text, struct fdinfo_drm *out)
{
	bool is_drm = false;
	const char *line = text;

	memset(out, 0, sizeof(*out));
	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		const char *colon = memchr(line, ':', len);
		char key[64], value[128];
		size_t klen, vstart, vlen;

		if (colon) {
			klen = (size_t)(colon - line);
			vstart = klen + 1;
			while (vstart < len && (line[vstart] == ' ' || line[vstart] == '\t'))
				vstart++;
			vlen = len - vstart;
			while (vlen && (line[vstart + vlen - 1] == ' ' ||
					line[vstart + vlen - 1] == '\t' ||
					line[vstart + vlen - 1] == '\r'))
				vlen--;
			/* Keys longer than any DRM key, or long values of
			 * other keys, are not ours: skip them. */
			if (klen < sizeof(key) && vlen < sizeof(value)) {
				memcpy(key, line, klen);
				key[klen] = '\0';
				memcpy(value, line + vstart, vlen);
				value[vlen] = '\0';
				if (fdinfo_line(out, key, value, &is_drm))
					return -EINVAL;
			} else if (!strncmp(line, "drm-", 4)) {
				return -EINVAL;
			}
		}
		line += len + (eol ? 1 : 0);
	}
	return is_drm ? 0 : -ENOENT;
}

const struct fdinfo_engine *fdinfo_engine_find(const struct fdinfo_drm *d, const char *name)
{
	for (unsigned int i = 0; i < d->num_engines; i++) {
		if (!strcmp(d->engines[i].name, name))
			return &d->engines[i];
	}
	return NULL;
}

const struct fdinfo_region *fdinfo_region_find(const struct fdinfo_drm *d, const char *name)
{
	for (unsigned int i = 0; i < d->num_regions; i++) {
		if (!strcmp(d->regions[i].name, name))
			return &d->regions[i];
	}
	return NULL;
}
