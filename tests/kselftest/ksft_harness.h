/* SPDX-License-Identifier: MIT */
/*
 * ksft_harness.h - a small kselftest-style test harness (our own; the
 * kernel's kselftest_harness.h ships in no Debian -dev package).
 *
 *	FIXTURE(dev) { int fd; };
 *	FIXTURE_SETUP(dev) { self->fd = open(...); if (self->fd < 0) SKIP(return, "no dev"); }
 *	FIXTURE_TEARDOWN(dev) { close(self->fd); }
 *	TEST_F(dev, reads) { ASSERT_EQ(0, read_something(self->fd)); }
 *	TEST(standalone) { EXPECT_NE(0, getpid()); }
 *	TEST_HARNESS_MAIN
 *
 * Every test runs in its own child process, so a crash, a failed ASSERT or
 * an exit in one test never affects another, and a test may leave the device
 * in any state by just ending. A failed ASSERT_* ends the test (teardown
 * still runs); a failed EXPECT_* marks it failed and goes on. Each test has
 * an alarm (KSFT_TIMEOUT seconds, or TEST_F_TIMEOUT's).
 *
 * Output is KTAP: "TAP version 13", "1..N", then "ok N fixture.test",
 * "not ok N fixture.test" or "ok N fixture.test # SKIP reason". Exit status:
 * 0 all passed (skips allowed), 1 a test failed, 77 every test skipped.
 * Options: -t NAME runs only the named tests (repeatable), -l lists them.
 */
#ifndef ACCEL_KSFT_HARNESS_H
#define ACCEL_KSFT_HARNESS_H

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define KSFT_PASS 0
#define KSFT_FAIL 1
#define KSFT_SKIP 77
#define KSFT_TIMEOUT 60

/* State a test's child shares with the runner (a MAP_SHARED page). */
struct ksft_shared {
	int status; /* KSFT_PASS, KSFT_FAIL or KSFT_SKIP */
	char reason[200];
};

struct __test_metadata {
	const char *name;
	void (*fn)(struct __test_metadata *);
	unsigned int timeout;
	struct __test_metadata *next;
};

static struct __test_metadata *ksft_first, *ksft_last;
static struct ksft_shared *ksft_sh;
static sigjmp_buf ksft_jmp;

static inline void ksft_register(struct __test_metadata *t)
{
	t->next = NULL;
	if (ksft_last)
		ksft_last->next = t;
	else
		ksft_first = t;
	ksft_last = t;
}

/* An ASSERT failed: end the test body (or teardown) at once. */
static inline void __attribute__((noreturn)) ksft_abort(void)
{
	ksft_sh->status = KSFT_FAIL;
	siglongjmp(ksft_jmp, 1);
}

static inline const char *ksft_errname(long long e)
{
	const char *name = e < 0 ? strerrorname_np((int)-e) : NULL;

	return name ? name : "";
}

static inline void ksft_report_cmp(const char *file, int line, const char *exp_s,
				   const char *op, const char *seen_s, long long exp,
				   long long seen)
{
	ksft_sh->status = KSFT_FAIL;
	printf("# %s:%d: expected %s (%lld%s%s) %s %s (%lld%s%s)\n", file, line, exp_s, exp,
	       exp < 0 && *ksft_errname(exp) ? " -" : "", ksft_errname(exp), op, seen_s, seen,
	       seen < 0 && *ksft_errname(seen) ? " -" : "", ksft_errname(seen));
	fflush(stdout);
}

/*
 * Compare as long long: exact for == and != of any integer or pointer, and
 * ordered for values below 2^63. Negative values that are errnos are printed
 * with their names (-ENOENT).
 */
#define __KSFT_CMP(exp, op, seen, is_assert)                                              \
	do {                                                                              \
		long long __e = (long long)(exp);                                         \
		long long __s = (long long)(seen);                                        \
		if (!(__e op __s)) {                                                      \
			ksft_report_cmp(__FILE__, __LINE__, #exp, #op, #seen, __e, __s); \
			if (is_assert)                                                    \
				ksft_abort();                                             \
		}                                                                         \
	} while (0)

#define ASSERT_EQ(exp, seen) __KSFT_CMP(exp, ==, seen, 1)
#define ASSERT_NE(exp, seen) __KSFT_CMP(exp, !=, seen, 1)
#define ASSERT_LT(exp, seen) __KSFT_CMP(exp, <, seen, 1)
#define ASSERT_LE(exp, seen) __KSFT_CMP(exp, <=, seen, 1)
#define ASSERT_GT(exp, seen) __KSFT_CMP(exp, >, seen, 1)
#define ASSERT_GE(exp, seen) __KSFT_CMP(exp, >=, seen, 1)
#define ASSERT_TRUE(c) __KSFT_CMP(0, !=, !!(c), 1)
#define ASSERT_FALSE(c) __KSFT_CMP(0, ==, !!(c), 1)
#define EXPECT_EQ(exp, seen) __KSFT_CMP(exp, ==, seen, 0)
#define EXPECT_NE(exp, seen) __KSFT_CMP(exp, !=, seen, 0)
#define EXPECT_LT(exp, seen) __KSFT_CMP(exp, <, seen, 0)
#define EXPECT_LE(exp, seen) __KSFT_CMP(exp, <=, seen, 0)
#define EXPECT_GT(exp, seen) __KSFT_CMP(exp, >, seen, 0)
#define EXPECT_GE(exp, seen) __KSFT_CMP(exp, >=, seen, 0)
#define EXPECT_TRUE(c) __KSFT_CMP(0, !=, !!(c), 0)
#define EXPECT_FALSE(c) __KSFT_CMP(0, ==, !!(c), 0)

/* TH_LOG: a diagnostic line in the test's output. */
#define TH_LOG(fmt, ...)                                                 \
	do {                                                             \
		printf("# %s:%d: " fmt "\n", __FILE__, __LINE__, ##__VA_ARGS__); \
		fflush(stdout);                                          \
	} while (0)

/* SKIP: mark the test skipped with a reason, then run @statement (return). */
#define SKIP(statement, fmt, ...)                                                     \
	do {                                                                          \
		ksft_sh->status = KSFT_SKIP;                                          \
		snprintf(ksft_sh->reason, sizeof(ksft_sh->reason), fmt, ##__VA_ARGS__); \
		statement;                                                            \
	} while (0)

#define FIXTURE_DATA(fx) struct _ksft_fixture_##fx
#define FIXTURE(fx) FIXTURE_DATA(fx)
#define FIXTURE_SETUP(fx)                                                            \
	static void _ksft_setup_##fx(struct __test_metadata *_metadata __attribute__((unused)), \
				     FIXTURE_DATA(fx) *self __attribute__((unused)))
#define FIXTURE_TEARDOWN(fx)                                                            \
	static void _ksft_teardown_##fx(struct __test_metadata *_metadata __attribute__((unused)), \
					FIXTURE_DATA(fx) *self __attribute__((unused)))

#define __KSFT_REGISTER(id, label, secs)                                     \
	static struct __test_metadata _ksft_meta_##id = {                    \
		.name = label, .fn = _ksft_wrap_##id, .timeout = secs,       \
	};                                                                   \
	static void __attribute__((constructor)) _ksft_reg_##id(void)        \
	{                                                                    \
		ksft_register(&_ksft_meta_##id);                             \
	}

#define TEST_TIMEOUT(name, secs)                                                    \
	static void _ksft_body_##name(struct __test_metadata *_metadata);           \
	static void _ksft_wrap_##name(struct __test_metadata *_metadata)            \
	{                                                                           \
		if (sigsetjmp(ksft_jmp, 1) == 0)                                    \
			_ksft_body_##name(_metadata);                               \
	}                                                                           \
	__KSFT_REGISTER(name, #name, secs)                                          \
	static void _ksft_body_##name(struct __test_metadata *_metadata __attribute__((unused)))
#define TEST(name) TEST_TIMEOUT(name, KSFT_TIMEOUT)

/*
 * The body runs only if setup neither failed nor skipped; teardown runs
 * whenever setup was entered, with its own jump target so an ASSERT in it
 * cannot loop back into the body.
 */
#define TEST_F_TIMEOUT(fx, name, secs)                                                \
	static void _ksft_body_##fx##_##name(struct __test_metadata *_metadata,       \
					     FIXTURE_DATA(fx) *self);                 \
	static void _ksft_wrap_##fx##_##name(struct __test_metadata *_metadata)       \
	{                                                                             \
		static FIXTURE_DATA(fx) self;                                         \
		if (sigsetjmp(ksft_jmp, 1) == 0) {                                    \
			_ksft_setup_##fx(_metadata, &self);                           \
			if (ksft_sh->status == KSFT_PASS)                             \
				_ksft_body_##fx##_##name(_metadata, &self);           \
		}                                                                     \
		if (sigsetjmp(ksft_jmp, 1) == 0)                                      \
			_ksft_teardown_##fx(_metadata, &self);                        \
	}                                                                             \
	__KSFT_REGISTER(fx##_##name, #fx "." #name, secs)                             \
	static void _ksft_body_##fx##_##name(                                         \
		struct __test_metadata *_metadata __attribute__((unused)),            \
		FIXTURE_DATA(fx) *self __attribute__((unused)))
#define TEST_F(fx, name) TEST_F_TIMEOUT(fx, name, KSFT_TIMEOUT)

/* Run one test in a child; returns its KSFT_* status and fills @reason. */
static inline int ksft_run_one(struct __test_metadata *t, char *reason, size_t len)
{
	int wstatus;
	pid_t pid;

	memset(ksft_sh, 0, sizeof(*ksft_sh));
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		snprintf(reason, len, "fork: %s", strerror(errno));
		return KSFT_FAIL;
	}
	if (pid == 0) {
		alarm(t->timeout);
		t->fn(t);
		fflush(stdout);
		_exit(ksft_sh->status);
	}
	while (waitpid(pid, &wstatus, 0) < 0) {
		if (errno != EINTR) {
			snprintf(reason, len, "waitpid: %s", strerror(errno));
			return KSFT_FAIL;
		}
	}
	snprintf(reason, len, "%s", ksft_sh->reason);
	if (WIFSIGNALED(wstatus)) {
		if (WTERMSIG(wstatus) == SIGALRM)
			snprintf(reason, len, "timed out after %u s", t->timeout);
		else
			snprintf(reason, len, "killed by signal %d", WTERMSIG(wstatus));
		return KSFT_FAIL;
	}
	if (!WIFEXITED(wstatus))
		return KSFT_FAIL;
	switch (WEXITSTATUS(wstatus)) {
	case KSFT_PASS:
		return ksft_sh->status == KSFT_PASS ? KSFT_PASS : KSFT_FAIL;
	case KSFT_SKIP:
		return KSFT_SKIP;
	default:
		return KSFT_FAIL;
	}
}

static inline bool ksft_selected(const char *name, int argc, char **argv)
{
	bool any = false;

	for (int i = 1; i + 1 < argc; i++) {
		if (strcmp(argv[i], "-t") == 0) {
			any = true;
			if (strcmp(argv[i + 1], name) == 0)
				return true;
		}
	}
	return !any;
}

static inline int ksft_main(int argc, char **argv)
{
	int total = 0, pass = 0, fail = 0, skip = 0, n = 0;
	struct __test_metadata *t;
	char reason[sizeof(ksft_sh->reason) + 64];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-l") == 0) {
			for (t = ksft_first; t; t = t->next)
				printf("%s\n", t->name);
			return 0;
		}
		if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
			i++;
			continue;
		}
		fprintf(stderr, "usage: %s [-l] [-t TEST]...\n", argv[0]);
		return KSFT_FAIL;
	}
	ksft_sh = mmap(NULL, sizeof(*ksft_sh), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ksft_sh == MAP_FAILED) {
		perror("mmap");
		return KSFT_FAIL;
	}
	for (t = ksft_first; t; t = t->next)
		total += ksft_selected(t->name, argc, argv);
	printf("TAP version 13\n1..%d\n", total);
	for (t = ksft_first; t; t = t->next) {
		if (!ksft_selected(t->name, argc, argv))
			continue;
		n++;
		printf("# RUN %s\n", t->name);
		switch (ksft_run_one(t, reason, sizeof(reason))) {
		case KSFT_PASS:
			pass++;
			printf("ok %d %s\n", n, t->name);
			break;
		case KSFT_SKIP:
			skip++;
			printf("ok %d %s # SKIP %s\n", n, t->name, reason);
			break;
		default:
			fail++;
			printf("not ok %d %s%s%s\n", n, t->name, *reason ? " # " : "", reason);
			break;
		}
		fflush(stdout);
	}
	printf("# Totals: pass:%d fail:%d skip:%d\n", pass, fail, skip);
	if (fail)
		return KSFT_FAIL;
	return total > 0 && skip == total ? KSFT_SKIP : KSFT_PASS;
}

#define TEST_HARNESS_MAIN                        \
	int main(int argc, char **argv)          \
	{                                        \
		return ksft_main(argc, argv);    \
	}

#endif
