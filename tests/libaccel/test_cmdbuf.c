// SPDX-License-Identifier: MIT
/*
 * test_cmdbuf - the command-buffer builder and accel_tensor_init(), checked
 * against the byte layout vaccel_isa.h specifies.
 */
#include "conformance.h"

static void test_tensor_init(void)
{
	const uint32_t dims[4] = { 2, 3, 4, 5 };
	struct vaccel_tensor t;

	CHECK(accel_tensor_init(&t, 3, VACCEL_DTYPE_F32, 64, 4, dims) == 0, "rank 4");
	CHECK(t.buf == 3 && t.dtype == VACCEL_DTYPE_F32 && t.offset == 64 && t.rank == 4,
	      "fields");
	CHECK(t.strides[3] == 1 && t.strides[2] == 5 && t.strides[1] == 20 && t.strides[0] == 60,
	      "row-major strides %llu %llu %llu %llu", (unsigned long long)t.strides[0],
	      (unsigned long long)t.strides[1], (unsigned long long)t.strides[2],
	      (unsigned long long)t.strides[3]);
	CHECK(accel_tensor_init(&t, 0, VACCEL_DTYPE_F32, 0, 2, dims) == 0, "rank 2");
	CHECK(t.dims[2] == 0 && t.dims[3] == 0 && t.strides[2] == 0 && t.strides[3] == 0 &&
		      t.pad == 0,
	      "unused dims zero");
	CHECK(t.strides[0] == 3 && t.strides[1] == 1, "rank 2 strides");
	CHECK(accel_tensor_init(&t, 0, VACCEL_DTYPE_F32, 0, 0, dims) == -EINVAL, "rank 0");
	CHECK(accel_tensor_init(&t, 0, VACCEL_DTYPE_F32, 0, 5, dims) == -EINVAL, "rank 5");
	{
		const uint32_t zero[2] = { 4, 0 };

		CHECK(accel_tensor_init(&t, 0, VACCEL_DTYPE_F32, 0, 2, zero) == -EINVAL,
		      "zero dim");
	}
}

static void test_append(void)
{
	struct accel_cmdbuf cb;
	const struct vaccel_cmdbuf_header *h;
	struct vaccel_pkt_fence f = { .hdr = { .opcode = VACCEL_OP_FENCE, .size = 12345 } };
	struct vaccel_pkt_header ph;

	CHECK(accel_cmdbuf_init(&cb) == 0, "init");
	h = (const void *)cb.data;
	CHECK(cb.size == sizeof(*h) && cb.num_packets == 0 && cb.error == 0, "empty");
	CHECK(h->magic == VACCEL_CMDBUF_MAGIC && h->version_major == VACCEL_ISA_VERSION_MAJOR &&
		      h->version_minor == 0 && h->num_packets == 0 &&
		      h->flags == 0,
	      "header");
	f.value = 77;
	CHECK(accel_cmdbuf_append(&cb, &f, sizeof(f)) == 0, "append fence");
	for (int i = 0; i < 1000; i++)
		CHECK(tl_nop(&cb) == 0, "nop %d", i);
	h = (const void *)cb.data;
	CHECK(h->num_packets == 1001 && cb.num_packets == 1001, "count %u", h->num_packets);
	CHECK(cb.size == sizeof(*h) + sizeof(f) + 1000 * sizeof(struct vaccel_pkt_nop),
	      "size %u", cb.size);
	memcpy(&ph, cb.data + sizeof(*h), sizeof(ph));
	CHECK(ph.size == sizeof(f) && ph.opcode == VACCEL_OP_FENCE, "hdr.size set to %u",
	      ph.size);
	CHECK(!memcmp(cb.data + sizeof(*h) + sizeof(ph), (const char *)&f + sizeof(ph),
		      sizeof(f) - sizeof(ph)),
	      "body copied");

	/* A bad size is refused and sticks. */
	CHECK(accel_cmdbuf_append(&cb, &f, 12) == -EINVAL, "size not a multiple of 8");
	CHECK(cb.error == -EINVAL, "sticky error");
	CHECK(tl_nop(&cb) == -EINVAL, "later appends fail");
	accel_cmdbuf_reset(&cb);
	CHECK(cb.error == 0 && cb.num_packets == 0 && cb.size == sizeof(*h), "reset");
	CHECK(tl_nop(&cb) == 0, "append after reset");
	CHECK(accel_cmdbuf_append(&cb, NULL, 8) == -EINVAL, "NULL packet");
	accel_cmdbuf_fini(&cb);
	CHECK(cb.data == NULL, "fini");
}

/*
 * The header states the oldest ISA minor that has every packet: 0 for
 * packets of 1.0 (plain COPY among them), 1 once a converting COPY
 * (ISA 1.1) is appended, and 0 again after a reset.
 */
static void test_isa_minor(void)
{
	struct vaccel_pkt_copy c = { .hdr = { .opcode = VACCEL_OP_COPY } };
	const struct vaccel_cmdbuf_header *h;
	struct accel_cmdbuf cb;

	CHECK(accel_cmdbuf_init(&cb) == 0, "init");
	h = (const void *)cb.data;
	CHECK(accel_cmdbuf_append(&cb, &c, sizeof(c)) == 0 && tl_nop(&cb) == 0, "append");
	h = (const void *)cb.data;
	CHECK(h->version_major == VACCEL_ISA_VERSION_MAJOR && h->version_minor == 0,
	      "plain COPY and NOP: ISA %u.%u", h->version_major, h->version_minor);
	c.hdr.flags = VACCEL_COPY_F_CONVERT;
	CHECK(accel_cmdbuf_append(&cb, &c, sizeof(c)) == 0, "append converting COPY");
	c.hdr.flags = 0;
	CHECK(accel_cmdbuf_append(&cb, &c, sizeof(c)) == 0, "append plain COPY");
	h = (const void *)cb.data;
	CHECK(h->version_minor == 1, "converting COPY: minor %u", h->version_minor);
	accel_cmdbuf_reset(&cb);
	h = (const void *)cb.data;
	CHECK(h->version_minor == 0, "reset: minor %u", h->version_minor);
	accel_cmdbuf_fini(&cb);
}

int main(void)
{
	RUN_CASE(test_tensor_init);
	RUN_CASE(test_append);
	RUN_CASE(test_isa_minor);
	HARNESS_EXIT();
}
