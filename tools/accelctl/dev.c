// SPDX-License-Identifier: MIT
/*
 * dev.c - the device list container and a string helper the sources share.
 */
#include "dev.h"

#include <stdlib.h>
#include <string.h>

struct ac_dev *ac_devlist_add(struct ac_devlist *list)
{
	struct ac_dev *dev;

	if (list->count == list->capacity) {
		size_t cap = list->capacity ? 2 * list->capacity : 8;
		struct ac_dev *grown = realloc(list->devs, cap * sizeof(*grown));

		if (!grown)
			return NULL;
		list->devs = grown;
		list->capacity = cap;
	}
	dev = &list->devs[list->count++];
	memset(dev, 0, sizeof(*dev));
	return dev;
}

void ac_devlist_free(struct ac_devlist *list)
{
	free(list->devs);
	list->devs = NULL;
	list->count = list->capacity = 0;
}

void ac_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strnlen(src, size - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}
