// SPDX-License-Identifier: MIT
/*
 * emu_conv.c - the conv2d hook: run CONV2D packets through oneDNN's
 * convolution primitive, with the packet's bias and activation fused in
 * (a post-op eltwise), else decline (-EOPNOTSUPP) so the engine's direct
 * convolution runs.
 *
 * The packet's operands are strided NCHW / OIHW views. oneDNN takes them as
 * they are (memory descriptors built from the packet's strides); the
 * convolution itself is created with layout "any", so it picks its fast
 * blocked layouts, and reorders move the input and weights in and the
 * output back out through scratch memory.
 *
 * Creating a oneDNN primitive costs far more than running a small one
 * (hundreds of µs to ms: its implementation list is tried in turn), so
 * what a packet's shape fields determine is built once and kept in a cache
 * keyed by those fields (never by buffer or offset, so one entry serves
 * every launch of a layer). The cache is bounded (EMU_CONV_CACHE_MAX
 * entries, least recently used evicted) and safe for several engine
 * threads: an entry is checked out while it runs, and a thread that finds
 * its entry checked out builds a second one. Shapes oneDNN refuses are
 * cached as refused, so they fall back to the engine without a retry.
 *
 * Scratch memory (the blocked copies) is not per entry, whose count is
 * only bounded by the cache size, but per concurrent caller: a slot list
 * holding at most one slot per engine thread, each grown to the largest
 * convolution it ran. All of it is freed at device close.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <oneapi/dnnl/dnnl.h>

#include "emu.h"

/* Scratch sub-buffers start on a cache line (oneDNN's blocked layouts
 * load whole vectors). */
#define EMU_CONV_ALIGN 64u

/**
 * struct emu_conv_key - every packet field that shapes the computation.
 * Built with memset first, so memcmp() is a valid comparison.
 */
struct emu_conv_key {
	uint32_t flags, act, groups, pad0;
	uint32_t stride[2], pad[4], dilation[2];
	uint32_t xd[4], wd[4], yd[4];
	uint64_t xs[4], ws[4], ys[4], bs;
};

/**
 * struct emu_conv_prim - the oneDNN objects of one cached shape.
 * @key: the shape.
 * @supported: false when oneDNN refused the shape (no object below).
 * @busy: [cache lock] checked out by a running packet.
 * @last_use: [cache lock] LRU clock value of the last checkout.
 * @conv: the convolution.
 * @re_src, @re_wei, @re_dst: reorders user -> conv (src, weights) and
 *	conv -> user (dst); NULL when the layouts already agree.
 * @usr_src, @usr_wei, @usr_dst, @bias: memory objects over the packet's
 *	operands; their data handles are set on every run.
 * @src, @wei, @dst: the conv's own layouts, in scratch; the same objects
 *	as the user ones when no reorder is needed.
 * @pad: the primitives' own scratchpad, in scratch; NULL if they need none.
 * @off_wei, @off_dst, @off_pad: byte offsets of the weights and output
 *	copies and of the scratchpad in the scratch; @scratch_size: bytes of
 *	scratch needed in all.
 */
struct emu_conv_prim {
	struct emu_conv_key key;
	bool supported;
	bool busy;
	uint64_t last_use;
	dnnl_primitive_t conv, re_src, re_wei, re_dst;
	dnnl_memory_t usr_src, usr_wei, usr_dst, bias;
	dnnl_memory_t src, wei, dst, pad;
	size_t off_wei, off_dst, off_pad, scratch_size;
};

/**
 * struct emu_conv_slot - what one concurrent caller runs with.
 * @stream: its oneDNN stream (streams are not shared between threads).
 * @buf: scratch, @cap bytes, 64-byte aligned.
 * @next: [cache lock] free-list link.
 */
struct emu_conv_slot {
	dnnl_stream_t stream;
	void *buf;
	size_t cap;
	struct emu_conv_slot *next;
};

static void emu_conv_key_init(struct emu_conv_key *k, const struct vaccel_pkt_conv2d *pkt)
{
	memset(k, 0, sizeof(*k));
	k->flags = pkt->hdr.flags;
	k->act = pkt->act;
	k->groups = pkt->groups;
	k->stride[0] = pkt->stride_h;
	k->stride[1] = pkt->stride_w;
	k->pad[0] = pkt->pad_top;
	k->pad[1] = pkt->pad_left;
	k->pad[2] = pkt->pad_bottom;
	k->pad[3] = pkt->pad_right;
	k->dilation[0] = pkt->dilation_h;
	k->dilation[1] = pkt->dilation_w;
	for (int d = 0; d < 4; d++) {
		k->xd[d] = pkt->x.dims[d];
		k->wd[d] = pkt->w.dims[d];
		k->yd[d] = pkt->y.dims[d];
		k->xs[d] = pkt->x.strides[d];
		k->ws[d] = pkt->w.strides[d];
		k->ys[d] = pkt->y.strides[d];
	}
	if (pkt->hdr.flags & VACCEL_CONV_F_BIAS)
		k->bs = pkt->bias.strides[0];
}

/*
 * A user memory descriptor from a packet view. Extent-1 dimensions get the
 * stride a dense layout would give them (their stride addresses nothing,
 * and oneDNN recognises plain layouts by their strides). False for a zero
 * stride on a longer dimension (a broadcast operand): declined.
 */
static bool emu_conv_user_md(dnnl_memory_desc_t *md, int nd, const dnnl_dims_t dims,
			     const uint64_t *strides)
{
	dnnl_dims_t s;
	int64_t dense = 1;

	for (int d = nd - 1; d >= 0; d--) {
		if (dims[d] == 1) {
			s[d] = dense;
		} else {
			if (!strides[d] || strides[d] > INT64_MAX)
				return false;
			s[d] = (int64_t)strides[d];
		}
		dense = s[d] * dims[d];
	}
	return dnnl_memory_desc_init_by_strides(md, nd, dims, dnnl_f32, s) == dnnl_success;
}

static dnnl_alg_kind_t emu_conv_act_alg(uint32_t act, float *alpha)
{
	*alpha = 0.0f;
	switch (act) {
	case VACCEL_ACT_RELU:
		return dnnl_eltwise_relu;
	case VACCEL_ACT_GELU:
		return dnnl_eltwise_gelu_erf;	/* the ISA's GELU is the exact one */
	case VACCEL_ACT_SILU:
		*alpha = 1.0f;			/* swish: x * sigmoid(alpha * x) */
		return dnnl_eltwise_swish;
	case VACCEL_ACT_SIGMOID:
		return dnnl_eltwise_logistic;
	case VACCEL_ACT_TANH:
		return dnnl_eltwise_tanh;
	default:
		return dnnl_alg_kind_undef;
	}
}

static void emu_conv_prim_destroy(struct emu_conv_prim *e)
{
	dnnl_primitive_t prims[] = { e->conv, e->re_src, e->re_wei, e->re_dst };
	dnnl_memory_t mems[] = { e->usr_src, e->usr_wei, e->usr_dst, e->bias };
	dnnl_memory_t own[] = { e->src, e->wei, e->dst, e->pad };

	for (size_t i = 0; i < sizeof(prims) / sizeof(prims[0]); i++)
		if (prims[i])
			dnnl_primitive_destroy(prims[i]);
	/* src/wei/dst alias the user objects when no reorder was needed. */
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (own[i] && (i == 3 || own[i] != mems[i]))
			dnnl_memory_destroy(own[i]);
	for (size_t i = 0; i < sizeof(mems) / sizeof(mems[0]); i++)
		if (mems[i])
			dnnl_memory_destroy(mems[i]);
	free(e);
}

static bool emu_prim_create(dnnl_primitive_t *out, const_dnnl_primitive_desc_t pd)
{
	return dnnl_primitive_create(out, pd) == dnnl_success;
}

/*
 * The conv's own layout for one operand: when it differs from the user's,
 * a reorder (user -> conv if @to_conv, else conv -> user) and a memory
 * object in scratch at *@off, which then advances; else the user object.
 */
static bool emu_conv_side(dnnl_engine_t eng, const dnnl_memory_desc_t *usr_md,
			  const dnnl_memory_desc_t *conv_md, bool to_conv, dnnl_memory_t usr,
			  dnnl_memory_t *own, dnnl_primitive_t *re, size_t *off)
{
	dnnl_primitive_desc_t rpd;
	bool ok;

	if (dnnl_memory_desc_equal(usr_md, conv_md)) {
		*own = usr;
		return true;
	}
	if (to_conv)
		ok = dnnl_reorder_primitive_desc_create(&rpd, usr_md, eng, conv_md, eng,
							NULL) == dnnl_success;
	else
		ok = dnnl_reorder_primitive_desc_create(&rpd, conv_md, eng, usr_md, eng,
							NULL) == dnnl_success;
	if (!ok)
		return false;
	ok = emu_prim_create(re, rpd);
	dnnl_primitive_desc_destroy(rpd);
	if (!ok || dnnl_memory_create(own, conv_md, eng, DNNL_MEMORY_NONE) != dnnl_success)
		return false;
	*off += (dnnl_memory_desc_get_size(conv_md) + EMU_CONV_ALIGN - 1) & ~(size_t)(EMU_CONV_ALIGN - 1);
	return true;
}

/* Build the oneDNN objects of @e->key; false if oneDNN refuses the shape. */
static bool emu_conv_prim_build(struct emu_conv_prim *e, dnnl_engine_t eng)
{
	const struct emu_conv_key *k = &e->key;
	const int64_t g = k->groups;
	const bool has_bias = k->flags & VACCEL_CONV_F_BIAS;
	dnnl_memory_desc_t usr_src, usr_wei, usr_dst, bias_md, any_src, any_wei, any_dst;
	dnnl_dims_t xd, yd, wd, bd, strides, dil, pl, pr;
	uint64_t ws[5];
	dnnl_convolution_desc_t cd;
	dnnl_primitive_attr_t attr = NULL;
	dnnl_post_ops_t po = NULL;
	dnnl_primitive_desc_t pd = NULL;
	const dnnl_memory_desc_t *spad;
	bool ok = false;
	size_t off = 0;

	for (int d = 0; d < 4; d++) {
		xd[d] = k->xd[d];
		yd[d] = k->yd[d];
	}
	/* Weights as oneDNN's grouped goihw when groups > 1: the packet's
	 * OC axis split into (group, OC / group). */
	if (g > 1) {
		wd[0] = g;
		wd[1] = k->wd[0] / g;
		ws[0] = k->ws[0] * (uint64_t)wd[1];
		ws[1] = k->ws[0];
		for (int d = 1; d < 4; d++) {
			wd[d + 1] = k->wd[d];
			ws[d + 1] = k->ws[d];
		}
	} else {
		for (int d = 0; d < 4; d++) {
			wd[d] = k->wd[d];
			ws[d] = k->ws[d];
		}
	}
	if (!emu_conv_user_md(&usr_src, 4, xd, k->xs) ||
	    !emu_conv_user_md(&usr_wei, g > 1 ? 5 : 4, wd, ws) ||
	    !emu_conv_user_md(&usr_dst, 4, yd, k->ys))
		return false;
	bd[0] = k->wd[0];
	if (has_bias && !emu_conv_user_md(&bias_md, 1, bd, &k->bs))
		return false;
	if (dnnl_memory_desc_init_by_tag(&any_src, 4, xd, dnnl_f32, dnnl_format_tag_any) ||
	    dnnl_memory_desc_init_by_tag(&any_wei, g > 1 ? 5 : 4, wd, dnnl_f32,
					 dnnl_format_tag_any) ||
	    dnnl_memory_desc_init_by_tag(&any_dst, 4, yd, dnnl_f32, dnnl_format_tag_any))
		return false;
	strides[0] = k->stride[0];
	strides[1] = k->stride[1];
	dil[0] = k->dilation[0] - 1;	/* oneDNN counts the gaps: 0 is dense */
	dil[1] = k->dilation[1] - 1;
	pl[0] = k->pad[0];
	pl[1] = k->pad[1];
	pr[0] = k->pad[2];
	pr[1] = k->pad[3];
	/* Direct, never Winograd: Winograd trades accuracy the ISA's
	 * reference does not give away. */
	if (dnnl_dilated_convolution_forward_desc_init(&cd, dnnl_forward_inference,
						       dnnl_convolution_direct, &any_src,
						       &any_wei, has_bias ? &bias_md : NULL,
						       &any_dst, strides, dil, pl, pr))
		return false;
	/* The scratchpad is ours (in the slot's scratch), not oneDNN's
	 * per-thread one, which outlives the device and its engine threads. */
	if (dnnl_primitive_attr_create(&attr)) {
		attr = NULL;
		goto out;
	}
	if (dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user))
		goto out;
	if (k->act != VACCEL_ACT_NONE) {
		float alpha;
		dnnl_alg_kind_t alg = emu_conv_act_alg(k->act, &alpha);

		if (alg == dnnl_alg_kind_undef || dnnl_post_ops_create(&po) ||
		    dnnl_post_ops_append_eltwise(po, 1.0f, alg, alpha, 0.0f) ||
		    dnnl_primitive_attr_set_post_ops(attr, po))
			goto out;
	}
	if (dnnl_primitive_desc_create(&pd, &cd, attr, eng, NULL)) {
		pd = NULL;
		goto out;
	}
	if (!emu_prim_create(&e->conv, pd) ||
	    dnnl_memory_create(&e->usr_src, &usr_src, eng, DNNL_MEMORY_NONE) ||
	    dnnl_memory_create(&e->usr_wei, &usr_wei, eng, DNNL_MEMORY_NONE) ||
	    dnnl_memory_create(&e->usr_dst, &usr_dst, eng, DNNL_MEMORY_NONE) ||
	    (has_bias && dnnl_memory_create(&e->bias, &bias_md, eng, DNNL_MEMORY_NONE)))
		goto out;
	if (!emu_conv_side(eng, &usr_src, dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0),
			   true, e->usr_src, &e->src, &e->re_src, &off))
		goto out;
	e->off_wei = off;
	if (!emu_conv_side(eng, &usr_wei,
			   dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), true,
			   e->usr_wei, &e->wei, &e->re_wei, &off))
		goto out;
	e->off_dst = off;
	if (!emu_conv_side(eng, &usr_dst, dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0),
			   false, e->usr_dst, &e->dst, &e->re_dst, &off))
		goto out;
	e->off_pad = off;
	spad = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
	if (spad && dnnl_memory_desc_get_size(spad)) {
		if (dnnl_memory_create(&e->pad, spad, eng, DNNL_MEMORY_NONE))
			goto out;
		off += dnnl_memory_desc_get_size(spad);
	}
	e->scratch_size = off;
	ok = true;
out:
	if (pd)
		dnnl_primitive_desc_destroy(pd);
	if (po)
		dnnl_post_ops_destroy(po);
	if (attr)
		dnnl_primitive_attr_destroy(attr);
	return ok;
}

/* A new entry for @key: supported or (oneDNN refused it) refused; NULL on ENOMEM. */
static struct emu_conv_prim *emu_conv_prim_new(const struct emu_conv_key *key,
					       dnnl_engine_t eng)
{
	struct emu_conv_prim *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->key = *key;
	if (!emu_conv_prim_build(e, eng)) {
		/* Keep the key, drop whatever was half built. */
		struct emu_conv_prim *r = calloc(1, sizeof(*r));

		emu_conv_prim_destroy(e);
		if (!r)
			return NULL;
		r->key = *key;
		return r;
	}
	e->supported = true;
	return e;
}

/* Look up and check out an entry for @key; [c->lock] held. */
static struct emu_conv_prim *emu_conv_find_locked(struct emu_conv_cache *c,
						  const struct emu_conv_key *key)
{
	for (uint32_t i = 0; i < c->n; i++) {
		struct emu_conv_prim *e = c->ent[i];

		if (!e->busy && !memcmp(&e->key, key, sizeof(*key))) {
			e->busy = true;
			e->last_use = ++c->clock;
			return e;
		}
	}
	return NULL;
}

/*
 * Add the checked-out @e; [c->lock] held. When the cache is full the least
 * recently used idle entry makes room and is returned for the caller to
 * destroy after unlocking; if every entry is busy, @e is not kept (the
 * caller destroys it after use: *@keep is false).
 */
static struct emu_conv_prim *emu_conv_insert_locked(struct emu_conv_cache *c,
						    struct emu_conv_prim *e, bool *keep)
{
	struct emu_conv_prim *victim = NULL;
	uint32_t vi = 0;

	e->busy = true;
	e->last_use = ++c->clock;
	*keep = true;
	if (c->n < EMU_CONV_CACHE_MAX) {
		c->ent[c->n++] = e;
		return NULL;
	}
	for (uint32_t i = 0; i < c->n; i++) {
		if (!c->ent[i]->busy && (!victim || c->ent[i]->last_use < victim->last_use)) {
			victim = c->ent[i];
			vi = i;
		}
	}
	if (!victim) {
		*keep = false;
		return NULL;
	}
	c->ent[vi] = e;
	return victim;
}

static struct emu_conv_slot *emu_conv_slot_get(struct emu_conv_cache *c)
{
	struct emu_conv_slot *s;

	pthread_mutex_lock(&c->lock);
	s = c->free_slots;
	if (s)
		c->free_slots = s->next;
	pthread_mutex_unlock(&c->lock);
	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	if (dnnl_stream_create(&s->stream, c->engine, dnnl_stream_default_flags)) {
		free(s);
		return NULL;
	}
	return s;
}

static void emu_conv_slot_destroy(struct emu_conv_slot *s)
{
	dnnl_stream_destroy(s->stream);
	free(s->buf);
	free(s);
}

static bool emu_conv_slot_reserve(struct emu_conv_slot *s, size_t size)
{
	void *p;

	if (size <= s->cap)
		return true;
	size = (size + EMU_CONV_ALIGN - 1) & ~(size_t)(EMU_CONV_ALIGN - 1);
	p = aligned_alloc(EMU_CONV_ALIGN, size);
	if (!p)
		return false;
	free(s->buf);
	s->buf = p;
	s->cap = size;
	return true;
}

static void *emu_conv_ptr(const struct vaccel_tensor *t, const struct vaccel_engine_buffer *bufs)
{
	return (char *)bufs[t->buf].ptr + t->offset;
}

static bool emu_exec(dnnl_primitive_t p, dnnl_stream_t st, dnnl_memory_t from, dnnl_memory_t to)
{
	dnnl_exec_arg_t args[] = { { DNNL_ARG_FROM, from }, { DNNL_ARG_TO, to } };

	return dnnl_primitive_execute(p, st, 2, args) == dnnl_success;
}

/*
 * Run @e on the packet's operands. Returns 0, -EOPNOTSUPP when nothing was
 * written to y yet (the engine may still compute the packet), or -EIO.
 */
static int emu_conv_run(struct emu_conv_prim *e, struct emu_conv_slot *s,
			const struct vaccel_pkt_conv2d *pkt,
			const struct vaccel_engine_buffer *bufs)
{
	char *scratch = s->buf;
	dnnl_exec_arg_t args[5];
	int nargs = 0;

	/* oneDNN's handles are not const; it never writes SRC, WEIGHTS, BIAS. */
	if (dnnl_memory_set_data_handle(e->usr_src, emu_conv_ptr(&pkt->x, bufs)) ||
	    dnnl_memory_set_data_handle(e->usr_wei, emu_conv_ptr(&pkt->w, bufs)) ||
	    dnnl_memory_set_data_handle(e->usr_dst, emu_conv_ptr(&pkt->y, bufs)) ||
	    (e->bias && dnnl_memory_set_data_handle(e->bias, emu_conv_ptr(&pkt->bias, bufs))) ||
	    (e->re_src && dnnl_memory_set_data_handle(e->src, scratch)) ||
	    (e->re_wei && dnnl_memory_set_data_handle(e->wei, scratch + e->off_wei)) ||
	    (e->re_dst && dnnl_memory_set_data_handle(e->dst, scratch + e->off_dst)) ||
	    (e->pad && dnnl_memory_set_data_handle(e->pad, scratch + e->off_pad)))
		return -EOPNOTSUPP;
	if ((e->re_src && !emu_exec(e->re_src, s->stream, e->usr_src, e->src)) ||
	    (e->re_wei && !emu_exec(e->re_wei, s->stream, e->usr_wei, e->wei)))
		return -EOPNOTSUPP;
	args[nargs++] = (dnnl_exec_arg_t){ DNNL_ARG_SRC, e->src };
	args[nargs++] = (dnnl_exec_arg_t){ DNNL_ARG_WEIGHTS, e->wei };
	args[nargs++] = (dnnl_exec_arg_t){ DNNL_ARG_DST, e->dst };
	if (e->bias)
		args[nargs++] = (dnnl_exec_arg_t){ DNNL_ARG_BIAS, e->bias };
	if (e->pad)
		args[nargs++] = (dnnl_exec_arg_t){ DNNL_ARG_SCRATCHPAD, e->pad };
	if (dnnl_primitive_execute(e->conv, s->stream, nargs, args))
		return e->re_dst ? -EOPNOTSUPP : -EIO;
	if (e->re_dst && !emu_exec(e->re_dst, s->stream, e->dst, e->usr_dst))
		return -EIO;
	return dnnl_stream_wait(s->stream) ? -EIO : 0;
}

int emu_conv2d(void *priv, const struct vaccel_pkt_conv2d *pkt,
	       const struct vaccel_engine_buffer *bufs)
{
	struct emu_device *dev = priv;
	struct emu_conv_cache *c = &dev->conv;
	struct emu_conv_prim *e, *victim = NULL;
	struct emu_conv_slot *s;
	struct emu_conv_key key;
	bool keep = true;
	int ret;

	emu_conv_key_init(&key, pkt);
	pthread_mutex_lock(&c->lock);
	if (!c->engine && dnnl_engine_create(&c->engine, dnnl_cpu, 0)) {
		c->engine = NULL;
		pthread_mutex_unlock(&c->lock);
		return -EOPNOTSUPP;
	}
	e = emu_conv_find_locked(c, &key);
	pthread_mutex_unlock(&c->lock);
	if (!e) {
		/* Built outside the lock: it takes long, and the engine object
		 * is safe to share between threads. */
		e = emu_conv_prim_new(&key, c->engine);
		if (!e)
			return -EOPNOTSUPP;
		pthread_mutex_lock(&c->lock);
		victim = emu_conv_insert_locked(c, e, &keep);
		pthread_mutex_unlock(&c->lock);
		if (victim)
			emu_conv_prim_destroy(victim);
	}
	ret = -EOPNOTSUPP;
	if (e->supported) {
		s = emu_conv_slot_get(c);
		if (s) {
			if (emu_conv_slot_reserve(s, e->scratch_size))
				ret = emu_conv_run(e, s, pkt, bufs);
			pthread_mutex_lock(&c->lock);
			s->next = c->free_slots;
			c->free_slots = s;
			pthread_mutex_unlock(&c->lock);
		}
	}
	if (!keep) {
		emu_conv_prim_destroy(e);
		return ret;
	}
	pthread_mutex_lock(&c->lock);
	e->busy = false;
	pthread_mutex_unlock(&c->lock);
	return ret;
}

void emu_conv_cache_init(struct emu_conv_cache *c)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
}

/* At device close, after the engines stopped: nothing is checked out. */
void emu_conv_cache_fini(struct emu_conv_cache *c)
{
	for (uint32_t i = 0; i < c->n; i++)
		emu_conv_prim_destroy(c->ent[i]);
	while (c->free_slots) {
		struct emu_conv_slot *s = c->free_slots;

		c->free_slots = s->next;
		emu_conv_slot_destroy(s);
	}
	if (c->engine)
		dnnl_engine_destroy(c->engine);
	pthread_mutex_destroy(&c->lock);
}
