// SPDX-License-Identifier: MIT
/*
 * emu_exec.c - run one job's command buffer on the shared engine, with the
 * hooks the host lends it: oneDNN for GEMM and CONV2D, helper threads for
 * large elementwise packets, a cancellation checkpoint and the monotonic
 * clock.
 */
#include "emu.h"
#include "emu_futex.h"

/* Between packets and chunks: stop a running job when the device closes. */
static int emu_exec_checkpoint(void *priv)
{
	struct emu_device *dev = priv;

	return atomic_load_explicit(&dev->closing, memory_order_relaxed) ? -ECANCELED : 0;
}

static __u64 emu_exec_clock_ns(void *priv)
{
	(void)priv;
	return emu_now_ns();
}

int emu_job_run(struct emu_job *job)
{
	const struct vaccel_exec_hooks hooks = {
		.priv = job->dev,
		.gemm = emu_gemm,
		.conv2d = emu_conv2d,
		.parallel_for = emu_parallel_for,
		.checkpoint = emu_exec_checkpoint,
		.clock_ns = emu_exec_clock_ns,
	};
	__u32 failed = 0;

	return vaccel_execute(job->cmdbuf, job->cmdbuf_size, job->ebufs, job->nbufs, &hooks,
			      &failed);
}
