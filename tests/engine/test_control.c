// SPDX-License-Identifier: MIT
/*
 * test_control.c - NOP, TIMESTAMP, FENCE, packet ordering, the checkpoint
 * hook between packets and *failed_packet.
 */
#include "engine_test.h"

struct ctl_state {
	__u64 clock;
	int checkpoints, cancel_at;
};

static __u64 ctl_clock(void *priv)
{
	struct ctl_state *s = priv;

	return s->clock += 1000;
}

static int ctl_checkpoint(void *priv)
{
	struct ctl_state *s = priv;

	s->checkpoints++;
	return s->checkpoints == s->cancel_at ? -EINTR : 0;
}

static void add_fill(struct et_cmdbuf *cb, const struct vaccel_tensor *t, float v)
{
	struct vaccel_pkt_fill f;

	memset(&f, 0, sizeof(f));
	f.dst = *t;
	f.value = et_bits(v);
	ET_ADD(cb, VACCEL_OP_FILL, f);
}

/*
 * NOP, TIMESTAMP before and after a FILL, FENCE last; the packets run in
 * order and see each other's writes (a COPY of what the FILL wrote).
 */
static void test_sequence(void)
{
	struct ctl_state s = { .clock = 5000 };
	struct vaccel_exec_hooks hooks = { .priv = &s, .clock_ns = ctl_clock,
					   .checkpoint = ctl_checkpoint };
	struct vaccel_pkt_nop nop;
	struct vaccel_pkt_timestamp ts;
	struct vaccel_pkt_fence fence;
	struct vaccel_pkt_copy copy;
	struct et_cmdbuf cb;
	struct et_env e;
	__u32 n = 100, sync, failed = 77;
	struct vaccel_tensor a, b;
	__u64 *words;
	int ret, bad = 0;

	et_env_init(&e);
	a = et_tensor(&e, VACCEL_DTYPE_F32, 1, &n, 0);
	b = et_tensor(&e, VACCEL_DTYPE_F32, 1, &n, 0);
	sync = et_buf(&e, 32);
	et_cb_init(&cb);
	memset(&nop, 0, sizeof(nop));
	ET_ADD(&cb, VACCEL_OP_NOP, nop);
	memset(&ts, 0, sizeof(ts));
	ts.buf = sync;
	ts.offset = 0;
	ET_ADD(&cb, VACCEL_OP_TIMESTAMP, ts);
	add_fill(&cb, &a, 2.5f);
	memset(&copy, 0, sizeof(copy));
	copy.dst = b;
	copy.src = a;
	ET_ADD(&cb, VACCEL_OP_COPY, copy);
	ts.offset = 8;
	ET_ADD(&cb, VACCEL_OP_TIMESTAMP, ts);
	memset(&fence, 0, sizeof(fence));
	fence.buf = sync;
	fence.offset = 16;
	fence.value = 0xfeedfacecafebeefull;
	ET_ADD(&cb, VACCEL_OP_FENCE, fence);
	ret = et_run(&e, &cb, &hooks, &failed);
	CHECK(ret == 0, "sequence: %d", ret);
	CHECK(failed == 77, "failed_packet written on success: %u", failed);
	words = e.bufs[sync].ptr;
	CHECK(words[0] == 6000 && words[1] == 7000, "timestamps %llu %llu",
	      (unsigned long long)words[0], (unsigned long long)words[1]);
	CHECK(__atomic_load_n(&words[2], __ATOMIC_ACQUIRE) == 0xfeedfacecafebeefull,
	      "fence value %llx", (unsigned long long)words[2]);
	CHECK(words[3] == 0, "fence wrote past its 8 bytes");
	for (__u32 i = 0; i < n; i++)
		bad += et_f32(&e, &b)[i] != 2.5f;
	CHECK(bad == 0, "COPY did not see the FILL before it: %d wrong", bad);
	/* Six packets: a checkpoint between each pair, five in all. */
	CHECK(s.checkpoints == 5, "%d checkpoints between 6 packets", s.checkpoints);

	/* No clock hook: TIMESTAMP writes 0. */
	hooks.clock_ns = NULL;
	ret = et_run(&e, &cb, &hooks, NULL);
	CHECK(ret == 0 && words[0] == 0 && words[1] == 0, "no clock: ret %d ts %llu", ret,
	      (unsigned long long)words[0]);
	et_cb_fini(&cb);
	et_env_fini(&e);
}

/* A checkpoint returning non-zero stops before the next packet runs. */
static void test_cancel_between_packets(void)
{
	struct ctl_state s = { .cancel_at = 2 };
	struct vaccel_exec_hooks hooks = { .priv = &s, .checkpoint = ctl_checkpoint };
	struct et_cmdbuf cb;
	struct et_env e;
	__u32 n = 4, failed = 0;
	struct vaccel_tensor t[4];
	int ret;

	et_env_init(&e);
	et_cb_init(&cb);
	for (int i = 0; i < 4; i++) {
		t[i] = et_tensor(&e, VACCEL_DTYPE_F32, 1, &n, 0);
		add_fill(&cb, &t[i], 1.0f + i);
	}
	ret = et_run(&e, &cb, &hooks, &failed);
	CHECK(ret == -EINTR, "cancel: ret %d", ret);
	CHECK(failed == 2, "failed_packet %u, want 2 (the one not run)", failed);
	CHECK(et_f32(&e, &t[0])[0] == 1.0f && et_f32(&e, &t[1])[0] == 2.0f,
	      "packets before the cancel did not run");
	CHECK(et_f32(&e, &t[2])[0] != 3.0f && et_f32(&e, &t[3])[0] != 4.0f,
	      "packets after the cancel ran");
	et_cb_fini(&cb);
	et_env_fini(&e);
}

/* An empty command buffer runs and does nothing. */
static void test_empty(void)
{
	struct et_cmdbuf cb;
	struct et_env e;
	int ret;

	et_env_init(&e);
	et_cb_init(&cb);
	ret = et_run(&e, &cb, NULL, NULL);
	CHECK(ret == 0, "empty: %d", ret);
	et_cb_fini(&cb);
	et_env_fini(&e);
}

int main(void)
{
	et_seed_env(1);
	RUN_CASE(test_sequence);
	RUN_CASE(test_cancel_between_packets);
	RUN_CASE(test_empty);
	HARNESS_EXIT();
}
