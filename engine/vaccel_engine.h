/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * vaccel_engine.h - the command-buffer validator and executor.
 *
 * Freestanding C shared by the kernel module and libaccel: no libc, no
 * allocation, no global state. The validator checks a whole command buffer
 * before anything runs; the executor only ever sees validated buffers and
 * trusts them (it still checks what only run time can tell, such as GATHER
 * indices).
 */
#ifndef VACCEL_ENGINE_H
#define VACCEL_ENGINE_H

#include "vaccel_compat.h"
#include <drm/vaccel_isa.h>

/**
 * struct vaccel_engine_buffer - one entry of a submit's buffer list, as the
 * engine sees it.
 * @ptr: CPU address of byte 0 (NULL while validating only).
 * @size: size in bytes.
 */
struct vaccel_engine_buffer {
	void *ptr;
	__u64 size;
};

/** VACCEL_VERR_HEADER - vaccel_verror.packet value for the cmdbuf header. */
#define VACCEL_VERR_HEADER 0xffffffffu

/**
 * struct vaccel_verror - why a command buffer was refused.
 * @packet: index of the offending packet, or VACCEL_VERR_HEADER.
 * @offset: byte offset of that packet in the command buffer.
 * @opcode: its opcode (as read, may be unknown); 0 for the header.
 * @field: the offending field, spelled as in vaccel_isa.h ("a.dims[1]",
 *	"hdr.size", "alpha"); never NULL after a failure.
 * @reason: a short static sentence saying what is wrong.
 * @err: the negative errno vaccel_validate() returned.
 */
struct vaccel_verror {
	__u32 packet;
	__u32 offset;
	__u32 opcode;
	const char *field;
	const char *reason;
	int err;
};

/**
 * vaccel_validate() - check a whole command buffer.
 * @cmdbuf: the command buffer (already copied out of reach of the submitter).
 * @size: its size in bytes.
 * @bufs: the submit's buffer list (only .size is read).
 * @nbufs: number of entries in @bufs.
 * @err: filled on failure; may be NULL.
 *
 * Return: 0 if every packet is well formed and every operand lies inside its
 * buffer; -EINVAL for a malformed field; -EOPNOTSUPP for a well-formed
 * request this engine does not execute (a dtype not yet supported by an op);
 * -E2BIG when a size computation would overflow.
 */
int vaccel_validate(const void *cmdbuf, __u64 size,
		    const struct vaccel_engine_buffer *bufs, __u32 nbufs,
		    struct vaccel_verror *err);

/**
 * struct vaccel_exec_hooks - what the host environment lends the executor.
 * @priv: passed back to every hook.
 * @gemm: optional faster GEMM. Returns 0 when it computed the packet, or
 *	-EOPNOTSUPP to let the engine's own GEMM run. Any other negative
 *	errno ends the job.
 * @conv2d: optional faster CONV2D, same contract as @gemm: 0 when it
 *	computed the packet (bias and activation included), -EOPNOTSUPP,
 *	before writing anything, to let the engine's direct convolution run;
 *	any other negative errno ends the job. The kernel leaves it NULL.
 * @parallel_for: optional; run @fn(@arg, i) once for every i in 0 .. @n - 1,
 *	in any order, on any threads, and return once all have returned: 0,
 *	or the first non-zero value a call returned (the remaining calls may
 *	then be skipped, as they may when the host cancels the job, returning
 *	its own non-zero value). The executor hands it large UNARY, BINARY
 *	and FUSED_ELEMENTWISE packets, and SOFTMAX, LAYERNORM and RMSNORM
 *	packets with many rows, cut into @n disjoint slices of the output
 *	(element ranges, or whole rows); @fn touches nothing
 *	but its slice and calls no other hook. NULL (the kernel): the executor
 *	runs the slices itself, in order, with its usual checkpoints.
 * @checkpoint: optional; called between packets and between chunks of a
 *	long packet (about every 1 Mflop), outside of any partial write to
 *	memory another chunk reads. A non-zero return ends the job with it
 *	(cancellation). The kernel uses it to leave the FPU section, yield
 *	and re-enter.
 * @clock_ns: optional CLOCK_MONOTONIC source for TIMESTAMP (0 if NULL).
 */
struct vaccel_exec_hooks {
	void *priv;
	int (*gemm)(void *priv, const struct vaccel_pkt_gemm *pkt,
		    const struct vaccel_engine_buffer *bufs);
	int (*conv2d)(void *priv, const struct vaccel_pkt_conv2d *pkt,
		      const struct vaccel_engine_buffer *bufs);
	int (*parallel_for)(void *priv, __u32 n, int (*fn)(void *arg, __u32 i), void *arg);
	int (*checkpoint)(void *priv);
	__u64 (*clock_ns)(void *priv);
};

/**
 * vaccel_execute() - run a validated command buffer.
 * @cmdbuf: a buffer vaccel_validate() accepted with the same @bufs sizes.
 * @size: its size in bytes.
 * @bufs: the buffer list with CPU addresses.
 * @nbufs: number of entries.
 * @hooks: may be NULL.
 * @failed_packet: out, index of the packet that failed; may be NULL.
 *
 * Return: 0, or the negative errno that ended the job (-EDOM for a GATHER
 * index out of range, or what a hook returned).
 */
int vaccel_execute(const void *cmdbuf, __u64 size,
		   const struct vaccel_engine_buffer *bufs, __u32 nbufs,
		   const struct vaccel_exec_hooks *hooks, __u32 *failed_packet);

/**
 * vaccel_packet_isa_minor() - the oldest ISA minor (of this major) that has
 * the packet with header @hdr: its opcode and flags. Each minor adds its
 * features here; vaccel_validate() refuses a packet newer than its command
 * buffer states, and builders state the highest of their packets'.
 */
__u32 vaccel_packet_isa_minor(const struct vaccel_pkt_header *hdr);

/** vaccel_opcode_name() - "GEMM" etc., or "UNKNOWN". */
const char *vaccel_opcode_name(__u32 opcode);

/** vaccel_dtype_size() - bytes per element, 0 for an unknown dtype. */
__u32 vaccel_dtype_size(__u32 dtype);

#endif /* VACCEL_ENGINE_H */
