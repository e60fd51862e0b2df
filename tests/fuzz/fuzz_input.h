/* SPDX-License-Identifier: MIT */
/*
 * fuzz_input.h - the fuzz-validate input layout, shared by the target and
 * the seed generator:
 *
 *   byte 0             nbufs = 1 + (byte & 3)
 *   bytes 1 .. 2*nbufs one little-endian __u16 per buffer: its size in bytes
 *   the rest           the command buffer
 */
#ifndef ACCEL_TESTS_FUZZ_INPUT_H
#define ACCEL_TESTS_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "../validate/vpkt.h"

#define FUZZ_MAX_BUFS 4

static inline uint32_t fuzz_nbufs(uint8_t b0)
{
	return 1 + (b0 & 3u);
}

static inline size_t fuzz_prefix(uint32_t nbufs)
{
	return 1 + 2 * (size_t)nbufs;
}

static inline uint64_t fuzz_bufsize(const uint8_t *data, uint32_t i)
{
	return data[1 + 2 * i] | (uint64_t)data[2 + 2 * i] << 8;
}

#endif
