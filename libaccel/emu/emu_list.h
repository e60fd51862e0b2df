/* SPDX-License-Identifier: MIT */
/*
 * emu_list.h - a circular doubly-linked intrusive list, as the kernel's.
 */
#ifndef LIBACCEL_EMU_LIST_H
#define LIBACCEL_EMU_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct emu_list {
	struct emu_list *next, *prev;
};

#define emu_container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

static inline void emu_list_init(struct emu_list *l)
{
	l->next = l->prev = l;
}

static inline bool emu_list_empty(const struct emu_list *l)
{
	return l->next == l;
}

static inline void emu_list_add_tail(struct emu_list *l, struct emu_list *n)
{
	n->prev = l->prev;
	n->next = l;
	l->prev->next = n;
	l->prev = n;
}

static inline void emu_list_del(struct emu_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

#endif /* LIBACCEL_EMU_LIST_H */
