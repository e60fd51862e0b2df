// SPDX-License-Identifier: MIT
/*
 * test_context - context creation limits, queues and state.
 */
#include "conformance.h"

static struct accel_device *dev;

static int try_create(uint32_t prio, uint32_t nq, uint32_t flags, uint32_t reserved0)
{
	struct accel_context_desc d = { .priority = prio, .num_queues = nq, .flags = flags };
	struct accel_context *ctx = (struct accel_context *)1;
	int ret;

	d.reserved[0] = reserved0;
	ret = accel_context_create(dev, &d, &ctx);
	if (ret == 0)
		accel_context_destroy(ctx);
	else
		CHECK(ctx == NULL, "out not cleared on failure");
	return ret;
}

static void test_limits(void)
{
	uint32_t nprio = (uint32_t)tl_param(dev, DRM_VACCEL_PARAM_NUM_PRIORITIES);
	uint32_t maxq = (uint32_t)tl_param(dev, DRM_VACCEL_PARAM_MAX_QUEUES_PER_CTX);

	for (uint32_t p = 0; p < nprio; p++)
		CHECK(try_create(p, 1, 0, 0) == 0, "priority %u", p);
	CHECK(try_create(nprio, 1, 0, 0) == -EINVAL, "priority %u", nprio);
	CHECK(try_create(UINT32_MAX, 1, 0, 0) == -EINVAL, "priority ~0");
	CHECK(try_create(0, maxq, 0, 0) == 0, "%u queues", maxq);
	CHECK(try_create(0, 0, 0, 0) == -EINVAL, "0 queues");
	CHECK(try_create(0, maxq + 1, 0, 0) == -EINVAL, "%u queues", maxq + 1);
	CHECK(try_create(0, 1, 1, 0) == -EINVAL, "flags");
	CHECK(try_create(0, 1, 0, 1) == -EINVAL, "reserved");
	CHECK(accel_context_create(dev, NULL, NULL) == -EINVAL, "NULL args");
}

static void test_queues_and_state(void)
{
	uint32_t maxq = (uint32_t)tl_param(dev, DRM_VACCEL_PARAM_MAX_QUEUES_PER_CTX);
	struct accel_context *ctx = tl_context(dev, 0, maxq);
	uint32_t state = 99, fault = 99;

	for (uint32_t i = 0; i < maxq; i++) {
		struct accel_queue *q = accel_context_queue(ctx, i);

		CHECK(q != NULL, "queue %u", i);
		for (uint32_t j = 0; j < i; j++)
			CHECK(q != accel_context_queue(ctx, j), "queues %u and %u alias", i, j);
	}
	CHECK(accel_context_queue(ctx, maxq) == NULL, "queue past the end");
	CHECK(accel_context_queue(NULL, 0) == NULL, "NULL context");
	CHECK(accel_context_state(ctx, &state, &fault) == 0, "state");
	CHECK(state == DRM_VACCEL_CTX_STATE_OK && fault == 0, "state %u fault %u", state, fault);
	CHECK(accel_context_state(ctx, &state, NULL) == 0, "state without fault");
	CHECK(accel_context_state(ctx, NULL, NULL) == -EINVAL, "NULL state");
	accel_context_destroy(ctx);
	accel_context_destroy(NULL);
}

static void test_many_contexts(void)
{
	struct accel_context *ctx[64];

	for (int i = 0; i < 64; i++)
		ctx[i] = tl_context(dev, (uint32_t)i % 2, 1 + (uint32_t)i % 2);
	for (int i = 63; i >= 0; i--)
		accel_context_destroy(ctx[i]);
}

int main(void)
{
	dev = tl_open();
	RUN_CASE(test_limits);
	RUN_CASE(test_queues_and_state);
	RUN_CASE(test_many_contexts);
	accel_device_close(dev);
	HARNESS_EXIT();
}
