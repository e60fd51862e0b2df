// SPDX-License-Identifier: MIT
/*
 * test_submit_errors - every way a submit is refused, each hitting exactly
 * one invalid field, with the exact errno; nothing refused is queued.
 */
#include "conformance.h"

static struct accel_device *dev;
static struct accel_context *ctx;
static struct accel_queue *q;
static struct accel_buffer *buf;
static float *mem;

#define BUF_FLOATS 1024u

static void test_valid_baseline(void)
{
	struct accel_cmdbuf cb;

	accel_cmdbuf_init(&cb);
	tl_fill(&cb, 0, 0, BUF_FLOATS, 2.5f);
	CHECK(tl_run(q, &cb, &buf, 1) == 0, "valid submit");
	CHECK(mem[0] == 2.5f && mem[BUF_FLOATS - 1] == 2.5f, "fill ran");
	accel_cmdbuf_fini(&cb);
}

static void test_operand_past_buffer(void)
{
	struct accel_cmdbuf cb;
	struct accel_fence *f = (struct accel_fence *)1;
	const struct accel_error_info *e;
	/* buffer 0 holds accel_buffer_size()/4 floats; A needs 64 x 64 past 1024. */
	uint64_t floats = accel_buffer_size(buf) / sizeof(float);
	int ret;

	accel_cmdbuf_init(&cb);
	tl_nop(&cb);
	tl_gemm(&cb, 0, floats - 16, 0, 0, 64, 8, 64);
	ret = tl_submit(q, &cb, &buf, 1, NULL, 0, &f);
	CHECK(ret == -EINVAL, "operand past its buffer: %d", ret);
	CHECK(f == NULL, "no fence for a refused submit");
	e = accel_last_error();
	CHECK(e->packet == 1, "packet %u", e->packet);
	/* The operand, or one of its fields ("a", "a.offset", "a.dims[0]"). */
	CHECK(e->field[0] == 'a' && (e->field[1] == '\0' || e->field[1] == '.'), "field '%s'",
	      e->field);
	CHECK(strstr(e->message, "packet 1 (GEMM)") != NULL, "message '%s'", e->message);
	CHECK(strstr(e->message, e->field) != NULL, "message names the field: '%s'", e->message);
	accel_cmdbuf_fini(&cb);
}

static void test_bad_header(void)
{
	struct accel_cmdbuf cb;
	struct vaccel_cmdbuf_header *h;

	accel_cmdbuf_init(&cb);
	tl_nop(&cb);
	h = (void *)cb.data;
	h->magic ^= 1;
	CHECK(tl_submit(q, &cb, &buf, 1, NULL, 0, NULL) == -EINVAL, "bad magic");
	CHECK(accel_last_error()->packet == UINT32_MAX, "header error packet %u",
	      accel_last_error()->packet);
	h->magic ^= 1;
	h->num_packets = 2;
	CHECK(tl_submit(q, &cb, &buf, 1, NULL, 0, NULL) == -EINVAL, "count beyond the packets");
	h->num_packets = 1;
	h->flags = 1;
	CHECK(tl_submit(q, &cb, &buf, 1, NULL, 0, NULL) == -EINVAL, "header flags");
	h->flags = 0;
	{
		struct accel_submit s = { .cmdbuf = cb.data, .cmdbuf_size = cb.size - 4,
					  .buffers = &buf, .num_buffers = 1 };

		CHECK(accel_queue_submit(q, &s, NULL) == -EINVAL, "size not a multiple of 8");
		s.cmdbuf_size = 0;
		CHECK(accel_queue_submit(q, &s, NULL) == -EINVAL, "empty cmdbuf");
	}
	accel_cmdbuf_fini(&cb);
}

static void test_unknown_opcode(void)
{
	struct accel_cmdbuf cb;
	struct vaccel_pkt_nop p = { .hdr = { .opcode = VACCEL_OP_COUNT } };

	accel_cmdbuf_init(&cb);
	tl_nop(&cb);
	tl_nop(&cb);
	accel_cmdbuf_append(&cb, &p, sizeof(p));
	CHECK(tl_submit(q, &cb, &buf, 1, NULL, 0, NULL) == -EINVAL, "unknown opcode");
	CHECK(accel_last_error()->packet == 2, "packet %u", accel_last_error()->packet);
	accel_cmdbuf_fini(&cb);
}

static void test_buffer_index(void)
{
	struct accel_cmdbuf cb;

	accel_cmdbuf_init(&cb);
	tl_fill(&cb, 1, 0, 4, 1.0f);
	CHECK(tl_submit(q, &cb, &buf, 1, NULL, 0, NULL) == -EINVAL, "buffer index 1 of 1");
	CHECK(accel_last_error()->packet == 0, "packet %u", accel_last_error()->packet);
	accel_cmdbuf_fini(&cb);
}

static void test_oversized(void)
{
	uint64_t max = tl_param(dev, DRM_VACCEL_PARAM_MAX_CMDBUF_SIZE);
	uint32_t size = (uint32_t)max + 8;
	void *big = calloc(1, size);
	struct accel_submit s = { .cmdbuf = big, .cmdbuf_size = size };

	CHECK(accel_queue_submit(q, &s, NULL) == -E2BIG, "cmdbuf past MAX_CMDBUF_SIZE");
	free(big);
}

static void test_too_many(void)
{
	uint32_t maxb = (uint32_t)tl_param(dev, DRM_VACCEL_PARAM_MAX_SUBMIT_BOS);
	uint32_t maxs = (uint32_t)tl_param(dev, DRM_VACCEL_PARAM_MAX_SUBMIT_SYNCS);
	struct accel_buffer **bufs = calloc(maxb + 1, sizeof(*bufs));
	struct accel_fence **fences = calloc(maxs + 1, sizeof(*fences));
	struct accel_fence *done = NULL;
	struct accel_cmdbuf cb;

	accel_cmdbuf_init(&cb);
	tl_nop(&cb);
	for (uint32_t i = 0; i <= maxb; i++)
		bufs[i] = buf;
	CHECK(tl_submit(q, &cb, bufs, maxb, NULL, 0, NULL) == 0, "MAX_SUBMIT_BOS buffers");
	CHECK(tl_submit(q, &cb, bufs, maxb + 1, NULL, 0, NULL) == -E2BIG,
	      "MAX_SUBMIT_BOS + 1 buffers");
	CHECK(tl_submit(q, &cb, NULL, 0, NULL, 0, &done) == 0, "a fence to wait on");
	for (uint32_t i = 0; i <= maxs; i++)
		fences[i] = done;
	CHECK(tl_submit(q, &cb, NULL, 0, fences, maxs, NULL) == 0, "MAX_SUBMIT_SYNCS fences");
	CHECK(tl_submit(q, &cb, NULL, 0, fences, maxs + 1, NULL) == -E2BIG,
	      "MAX_SUBMIT_SYNCS + 1 fences");
	CHECK(accel_fence_wait(done, -1) == 0, "wait");
	accel_fence_put(done);
	accel_cmdbuf_fini(&cb);
	free(bufs);
	free(fences);
}

static void test_null_lists(void)
{
	struct accel_buffer *list[2] = { buf, NULL };
	struct accel_fence *flist[1] = { NULL };
	struct accel_cmdbuf cb;

	accel_cmdbuf_init(&cb);
	tl_nop(&cb);
	CHECK(tl_submit(q, &cb, NULL, 1, NULL, 0, NULL) == -EINVAL, "NULL buffer array");
	CHECK(tl_submit(q, &cb, list, 2, NULL, 0, NULL) == -EINVAL, "NULL buffer entry");
	CHECK(tl_submit(q, &cb, NULL, 0, NULL, 1, NULL) == -EINVAL, "NULL fence array");
	CHECK(tl_submit(q, &cb, NULL, 0, flist, 1, NULL) == -EINVAL, "NULL fence entry");
	CHECK(accel_queue_submit(q, NULL, NULL) == -EINVAL, "NULL submit");
	CHECK(accel_queue_submit(NULL, NULL, NULL) == -EINVAL, "NULL queue");
	accel_cmdbuf_fini(&cb);
}

static void test_foreign_buffer(void)
{
	struct accel_device *other = tl_open();
	struct accel_buffer *ob = NULL;
	struct accel_cmdbuf cb;

	CHECK(accel_buffer_alloc(other, 4096, 0, &ob) == 0, "alloc on a second device");
	accel_cmdbuf_init(&cb);
	tl_fill(&cb, 0, 0, 4, 1.0f);
	CHECK(tl_submit(q, &cb, &ob, 1, NULL, 0, NULL) == -EINVAL, "buffer of another device");
	accel_cmdbuf_fini(&cb);
	accel_buffer_free(ob);
	accel_device_close(other);
}

static void test_flags_reserved(void)
{
	struct accel_cmdbuf cb;
	struct accel_submit s;

	accel_cmdbuf_init(&cb);
	tl_nop(&cb);
	s = (struct accel_submit){ .cmdbuf = cb.data, .cmdbuf_size = cb.size, .flags = 1 };
	CHECK(accel_queue_submit(q, &s, NULL) == -EINVAL, "flags");
	s.flags = 0;
	s.reserved[3] = 1;
	CHECK(accel_queue_submit(q, &s, NULL) == -EINVAL, "reserved");
	s.reserved[3] = 0;
	CHECK(accel_queue_submit(q, &s, NULL) == 0, "then valid");
	accel_cmdbuf_fini(&cb);
}

static void test_nothing_queued(void)
{
	/* A refused FILL must not have run: the buffer keeps its old value. */
	struct accel_cmdbuf cb;
	struct vaccel_cmdbuf_header *h;
	struct accel_fence *f = NULL;

	accel_cmdbuf_init(&cb);
	tl_fill(&cb, 0, 0, 4, 9.0f);
	tl_fill(&cb, 0, 1u << 30, 4, 9.0f);
	CHECK(tl_submit(q, &cb, &buf, 1, NULL, 0, NULL) == -EINVAL, "second packet bad");
	accel_cmdbuf_reset(&cb);
	tl_nop(&cb);
	h = (void *)cb.data;
	CHECK(h->num_packets == 1, "reset");
	CHECK(tl_submit(q, &cb, &buf, 1, NULL, 0, &f) == 0 && accel_fence_wait(f, -1) == 0,
	      "drain the queue");
	accel_fence_put(f);
	CHECK(mem[0] == 2.5f, "refused packet 0 ran: %g", mem[0]);
	accel_cmdbuf_fini(&cb);
}

int main(void)
{
	void *p;

	dev = tl_open();
	ctx = tl_context(dev, 0, 1);
	q = accel_context_queue(ctx, 0);
	buf = tl_buffer(dev, BUF_FLOATS * sizeof(float), &p);
	mem = p;
	RUN_CASE(test_valid_baseline);
	RUN_CASE(test_operand_past_buffer);
	RUN_CASE(test_bad_header);
	RUN_CASE(test_unknown_opcode);
	RUN_CASE(test_buffer_index);
	RUN_CASE(test_oversized);
	RUN_CASE(test_too_many);
	RUN_CASE(test_null_lists);
	RUN_CASE(test_foreign_buffer);
	RUN_CASE(test_flags_reserved);
	RUN_CASE(test_nothing_queued);
	accel_buffer_free(buf);
	accel_context_destroy(ctx);
	accel_device_close(dev);
	HARNESS_EXIT();
}
