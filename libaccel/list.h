/* SPDX-License-Identifier: MIT */
/*
 * list.h - a circular doubly-linked intrusive list, as the kernel's, shared
 * by the backends.
 */
#ifndef LIBACCEL_LIST_H
#define LIBACCEL_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct accel_list {
	struct accel_list *next, *prev;
};

#define accel_container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

static inline void accel_list_init(struct accel_list *l)
{
	l->next = l->prev = l;
}

static inline bool accel_list_empty(const struct accel_list *l)
{
	return l->next == l;
}

static inline void accel_list_add_tail(struct accel_list *l, struct accel_list *n)
{
	n->prev = l->prev;
	n->next = l;
	l->prev->next = n;
	l->prev = n;
}

static inline void accel_list_del(struct accel_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

#endif /* LIBACCEL_LIST_H */
