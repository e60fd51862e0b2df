/* SPDX-License-Identifier: MIT */
/*
 * bench_submit.c - the fixed cost of one job: submit a command buffer of a
 * single NOP, wait for its fence, drop the fence. Every iteration is timed
 * on its own so the tail (p99) shows, not only the median.
 *
 * Two yardsticks: the 2 us goal, and a mutex + condition-variable ping-pong
 * with a worker thread: the cost of handing work to another thread and
 * being told it is done, the floor for any device whose jobs run on a
 * thread of their own.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define SUBMIT_GOAL_US 2.0

struct pingpong {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* requests posted and requests served; protected by @lock */
	unsigned long posted, served;
	int stop;
};

static void *pingpong_worker(void *arg)
{
	struct pingpong *pp = arg;

	pthread_mutex_lock(&pp->lock);
	for (;;) {
		while (pp->served == pp->posted && !pp->stop)
			pthread_cond_wait(&pp->cond, &pp->lock);
		if (pp->stop)
			break;
		pp->served = pp->posted;
		pthread_cond_broadcast(&pp->cond);
	}
	pthread_mutex_unlock(&pp->lock);
	return NULL;
}

static int pingpong_round(void *arg)
{
	struct pingpong *pp = arg;

	pthread_mutex_lock(&pp->lock);
	pp->posted++;
	pthread_cond_broadcast(&pp->cond);
	while (pp->served != pp->posted)
		pthread_cond_wait(&pp->cond, &pp->lock);
	pthread_mutex_unlock(&pp->lock);
	return 0;
}

static int pingpong_measure(int iters, struct bench_stats *st)
{
	struct pingpong pp = { .posted = 0 };
	pthread_t th;
	int ret;

	pthread_mutex_init(&pp.lock, NULL);
	pthread_cond_init(&pp.cond, NULL);
	ret = pthread_create(&th, NULL, pingpong_worker, &pp);
	if (ret)
		return -ret;
	ret = bench_time(pingpong_round, &pp, iters / 10, iters, iters, 0.0, st);
	pthread_mutex_lock(&pp.lock);
	pp.stop = 1;
	pthread_cond_broadcast(&pp.cond);
	pthread_mutex_unlock(&pp.lock);
	pthread_join(th, NULL);
	pthread_cond_destroy(&pp.cond);
	pthread_mutex_destroy(&pp.lock);
	return ret;
}

int bench_submit(const struct bench_opts *o, struct bench_dev *d)
{
	int iters = o->quick ? 2000 : 100000;
	struct bench_job job = { .dev = d, .num_bufs = 0 };
	struct vaccel_pkt_nop nop = { .hdr = { .opcode = VACCEL_OP_NOP } };
	struct bench_stats s_ours, s_pp;
	char size[24];
	int ret;

	ret = accel_cmdbuf_init(&job.cb);
	if (!ret)
		ret = accel_cmdbuf_append(&job.cb, &nop, sizeof(nop));
	if (!ret)
		ret = bench_time(bench_job_run, &job, iters / 10, iters, iters, 0.0, &s_ours);
	accel_cmdbuf_fini(&job.cb);
	if (!ret)
		ret = pingpong_measure(iters, &s_pp);
	if (ret) {
		fprintf(stderr, "empty submit: %s\n", strerror(ret < 0 ? -ret : ret));
		return 1;
	}
	printf("empty submit+wait, %d iterations: ours median %.2f us, p99 %.2f us; "
	       "condvar ping-pong median %.2f us, p99 %.2f us\n",
	       iters, s_ours.median * 1e6, s_ours.p99 * 1e6, s_pp.median * 1e6, s_pp.p99 * 1e6);

	snprintf(size, sizeof(size), "%dk iters", iters / 1000);
	bench_row_add("empty submit+wait, median", size, "us", s_ours.median * 1e6, "goal",
		      SUBMIT_GOAL_US, BENCH_LOWER_BETTER);
	bench_row_add("empty submit+wait, median", size, "us", s_ours.median * 1e6,
		      "condvar ping-pong, 2 threads", s_pp.median * 1e6, BENCH_LOWER_BETTER);
	bench_row_add("empty submit+wait, p99", size, "us", s_ours.p99 * 1e6, "goal",
		      SUBMIT_GOAL_US, BENCH_LOWER_BETTER);
	bench_row_add("empty submit+wait, p99", size, "us", s_ours.p99 * 1e6,
		      "condvar ping-pong, 2 threads", s_pp.p99 * 1e6, BENCH_LOWER_BETTER);
	return 0;
}
