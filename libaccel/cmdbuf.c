// SPDX-License-Identifier: MIT
/*
 * cmdbuf.c - the command-buffer builder and the tensor helper.
 *
 * The builder only lays packets end to end and keeps the header's count
 * right; whether a packet makes sense is the validator's call at submit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <accel/accel.h>

#include "vaccel_engine.h"

/* Packets are laid end to end; every ISA packet is a multiple of 8 bytes. */
#define CMDBUF_ALIGN 8u
#define CMDBUF_MIN_CAPACITY 256u

int accel_tensor_init(struct vaccel_tensor *t, uint32_t buf, uint32_t dtype, uint64_t offset,
		      uint32_t rank, const uint32_t *dims)
{
	uint64_t stride = 1;

	if (!t)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	if (rank < 1 || rank > VACCEL_MAX_DIMS || !dims)
		return -EINVAL;
	for (uint32_t i = 0; i < rank; i++) {
		if (dims[i] == 0)
			return -EINVAL;
	}
	t->buf = buf;
	t->dtype = dtype;
	t->offset = offset;
	t->rank = rank;
	/* Dense row-major: the innermost dimension is contiguous. */
	for (uint32_t i = rank; i-- > 0;) {
		t->dims[i] = dims[i];
		t->strides[i] = stride;
		stride *= dims[i];
	}
	return 0;
}

static struct vaccel_cmdbuf_header *cmdbuf_header(struct accel_cmdbuf *cb)
{
	return (struct vaccel_cmdbuf_header *)cb->data;
}

static int cmdbuf_fail(struct accel_cmdbuf *cb, int err)
{
	if (!cb->error)
		cb->error = err;
	return err;
}

static int cmdbuf_reserve(struct accel_cmdbuf *cb, uint32_t more)
{
	uint64_t need = (uint64_t)cb->size + more;
	uint64_t cap = cb->capacity ? cb->capacity : CMDBUF_MIN_CAPACITY;
	uint8_t *data;

	if (need <= cb->capacity)
		return 0;
	if (need > UINT32_MAX)
		return -E2BIG;
	while (cap < need)
		cap *= 2;
	if (cap > UINT32_MAX)
		cap = UINT32_MAX;
	data = realloc(cb->data, cap);
	if (!data)
		return -ENOMEM;
	cb->data = data;
	cb->capacity = (uint32_t)cap;
	return 0;
}

int accel_cmdbuf_init(struct accel_cmdbuf *cb)
{
	int ret;

	if (!cb)
		return -EINVAL;
	memset(cb, 0, sizeof(*cb));
	ret = cmdbuf_reserve(cb, CMDBUF_MIN_CAPACITY);
	if (ret)
		return ret;
	accel_cmdbuf_reset(cb);
	return 0;
}

int accel_cmdbuf_append(struct accel_cmdbuf *cb, const void *packet, uint32_t size)
{
	struct vaccel_pkt_header hdr;
	int ret;

	if (!cb)
		return -EINVAL;
	if (cb->error)
		return cb->error;
	if (!cb->data)
		return cmdbuf_fail(cb, -EINVAL);
	if (!packet || size < sizeof(hdr) || size % CMDBUF_ALIGN)
		return cmdbuf_fail(cb, -EINVAL);
	ret = cmdbuf_reserve(cb, size);
	if (ret)
		return cmdbuf_fail(cb, ret);
	memcpy(cb->data + cb->size, packet, size);
	memcpy(&hdr, cb->data + cb->size, sizeof(hdr));
	hdr.size = size;
	memcpy(cb->data + cb->size, &hdr, sizeof(hdr));
	cb->size += size;
	cb->num_packets++;
	cmdbuf_header(cb)->num_packets = cb->num_packets;
	/* The oldest minor that has every packet: see vaccel_packet_isa_minor(). */
	if (vaccel_packet_isa_minor(&hdr) > cmdbuf_header(cb)->version_minor)
		cmdbuf_header(cb)->version_minor = (__u16)vaccel_packet_isa_minor(&hdr);
	return 0;
}

void accel_cmdbuf_reset(struct accel_cmdbuf *cb)
{
	struct vaccel_cmdbuf_header *h;

	if (!cb || !cb->data)
		return;
	h = cmdbuf_header(cb);
	memset(h, 0, sizeof(*h));
	h->magic = VACCEL_CMDBUF_MAGIC;
	h->version_major = VACCEL_ISA_VERSION_MAJOR;
	h->version_minor = 0;	/* raised by the packets that need more */
	cb->size = sizeof(*h);
	cb->num_packets = 0;
	cb->error = 0;
}

void accel_cmdbuf_fini(struct accel_cmdbuf *cb)
{
	if (!cb)
		return;
	free(cb->data);
	memset(cb, 0, sizeof(*cb));
}
