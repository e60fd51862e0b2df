// SPDX-License-Identifier: MIT
/*
 * submit.c - accel_queue_submit(): the checks every backend shares, and the
 * per-thread record of why the last submit was refused.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <drm/vaccel_drm.h>
#include "vaccel_engine.h"

#include "backend.h"

static _Thread_local struct accel_error_info submit_last_error = {
	.message = "",
	.packet = UINT32_MAX,
	.field = "",
};

void accel_error_set(uint32_t packet, const char *field, const char *fmt, ...)
{
	va_list ap;

	submit_last_error.packet = packet;
	snprintf(submit_last_error.field, sizeof(submit_last_error.field), "%s",
		 field ? field : "");
	va_start(ap, fmt);
	vsnprintf(submit_last_error.message, sizeof(submit_last_error.message), fmt, ap);
	va_end(ap);
}

void accel_error_set_verror(const struct vaccel_verror *ve)
{
	const char *field = ve->field ? ve->field : "";
	const char *reason = ve->reason ? ve->reason : "invalid";

	if (ve->packet == VACCEL_VERR_HEADER)
		accel_error_set(UINT32_MAX, field, "header field %s: %s", field, reason);
	else
		accel_error_set(ve->packet, field, "packet %u (%s) field %s: %s", ve->packet,
				vaccel_opcode_name(ve->opcode), field, reason);
}

const struct accel_error_info *accel_last_error(void)
{
	return &submit_last_error;
}

/*
 * The checks that do not depend on the device: every pointer the submit
 * carries, the zero fields. Limits (cmdbuf size, counts) are the backend's.
 */
static int submit_check(const struct accel_submit *s)
{
	if (s->flags & ~DRM_VACCEL_SUBMIT_FLAGS) {
		accel_error_set(UINT32_MAX, "flags", "submit flags 0x%x has unknown bits",
				s->flags);
		return -EINVAL;
	}
	for (size_t i = 0; i < sizeof(s->reserved) / sizeof(s->reserved[0]); i++) {
		if (s->reserved[i]) {
			accel_error_set(UINT32_MAX, "reserved", "submit reserved[%zu] is not zero",
					i);
			return -EINVAL;
		}
	}
	if (!s->cmdbuf && s->cmdbuf_size) {
		accel_error_set(UINT32_MAX, "cmdbuf", "cmdbuf is NULL");
		return -EFAULT;
	}
	if (s->num_buffers && !s->buffers) {
		accel_error_set(UINT32_MAX, "buffers", "buffers is NULL with num_buffers %u",
				s->num_buffers);
		return -EINVAL;
	}
	if (s->num_wait_fences && !s->wait_fences) {
		accel_error_set(UINT32_MAX, "wait_fences",
				"wait_fences is NULL with num_wait_fences %u", s->num_wait_fences);
		return -EINVAL;
	}
	/* Entries are checked by the backend once it knows the counts are in
	 * range, so an over-long array is -E2BIG before anything reads it. */
	return 0;
}

int accel_queue_submit(struct accel_queue *q, const struct accel_submit *submit,
		       struct accel_fence **fence)
{
	int ret;

	if (fence)
		*fence = NULL;
	if (!q || !submit) {
		accel_error_set(UINT32_MAX, "", "queue or submit is NULL");
		return -EINVAL;
	}
	ret = submit_check(submit);
	if (ret)
		return ret;
	return q->ctx->dev->ops->queue_submit(q, submit, fence);
}
