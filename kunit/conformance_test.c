// SPDX-License-Identifier: GPL-2.0
/*
 * Conformance of shdev backends.  Every case runs once per backend, through
 * the core, on the fake driver of fake.c, and checks what the contract of
 * struct shdev_backend_ops promises and what the core builds on it: a
 * device moves whole or not at all, a failure at any point of a backend
 * operation leaves Linux owning everything (or, for a reclaim, the device
 * lost until a retry), a retried reclaim finishes and a repeated one does
 * nothing, a dead peer's devices come back and nobody else's, and a
 * unit that requires attestation takes an offer only with valid evidence.
 * What a backend has moved is read from its own account or, better, from
 * its hypervisor's (the fake SCM's page owners for qcom-scm).
 *
 * Adding a backend is adding one entry to kc_backends[]: how to register
 * the two peers of a test on it, how to read what it has moved, and how to
 * make it fail, stall or reject evidence.
 */

#include <kunit/of.h>
#include <kunit/test-bug.h>
#include <kunit/test.h>
#include <linux/of.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>

#include "fake.h"
#include "../shdev-sim.h"
#if IS_ENABLED(CONFIG_SHDEV_QCOM_SCM)
#include "fake_scm.h"
#endif
#if IS_ENABLED(CONFIG_SHDEV_UAPI)
#include "fake_agent.h"
#endif

/* Each backend registers these two peers, with these ids, for a test. */
#define KC_A		"kc-a"
#define KC_A_ID		45	/* as VMIDs go, one of 31 or more */
#define KC_B		"kc-b"
#define KC_B_ID		8

/*
 * The conformance device: two register windows apart, the second smaller
 * than a page, and an interrupt.
 */
#define KC_MMIO_BASE	0x5e000000
#define KC_MMIO_STRIDE	0x10000
#define KC_MMIO_SLOTS	16

/**
 * struct kc_backend - a backend under test
 * @name: the name of the cases' parameter
 * @setup: register peers KC_A (id KC_A_ID) and KC_B (id KC_B_ID) on the
 *	backend for the current test, and undo that when it ends
 * @whole: how many pieces of @sd a release moves (resources, regions)
 * @held: how many of them @peer holds, or with a NULL @peer, how many are
 *	not Linux's
 * @steps: how many points of a release or reclaim of @sd can fail
 * @fail: make every release (@reclaim false) or every reclaim fail at
 *	point @at, counted from 1; 0 for no failure
 * @calls: backend operations (or hypervisor calls) so far
 * @stall: make the backend stop answering (@on) or answer again; NULL for
 *	a backend without timeouts
 * @stall_err: the error of an operation that timed out
 * @revokes: a reclaim completes once the kernel has revoked what the
 *	backend gave, without waiting for the hypervisor's side (the uapi
 *	backend's device files), so a reclaim that times out succeeds
 * @no_timeout: why @stall is NULL
 * @evidence: make the evidence the backend obtains valid or not; NULL for
 *	a backend without &shdev_backend_ops.attest
 * @no_attest: why @evidence is NULL
 */
struct kc_backend {
	const char *name;
	void (*setup)(struct kunit *test);
	unsigned int (*whole)(struct shdev *sd);
	unsigned int (*held)(const struct shdev_peer *peer,
			     const struct shdev *sd);
	unsigned int (*steps)(struct shdev *sd);
	void (*fail)(bool reclaim, unsigned int at);
	u64 (*calls)(void);
	void (*stall)(bool on);
	int stall_err;
	bool revokes;
	const char *no_timeout;
	void (*evidence)(bool valid);
	const char *no_attest;
};

/* The simulated backend, with peers of its own. */

static struct shdev_peer kc_sim_a = { .name = KC_A, .id = KC_A_ID };
static struct shdev_peer kc_sim_b = { .name = KC_B, .id = KC_B_ID };

static void kc_sim_unregister(void *data)
{
	shdev_peer_unregister(data);
}

static void kc_sim_setup(struct kunit *test)
{
	struct shdev_peer *peers[] = { &kc_sim_a, &kc_sim_b };
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(peers); i++) {
		peers[i]->backend = shdev_sim_backend();
		KUNIT_ASSERT_EQ(test, shdev_peer_register(peers[i]), 0);
		ret = kunit_add_action_or_reset(test, kc_sim_unregister,
						peers[i]);
		KUNIT_ASSERT_EQ(test, ret, 0);
	}
}

static unsigned int kc_sim_whole(struct shdev *sd)
{
	return shdev_num_resources(sd);
}

static unsigned int kc_sim_held(const struct shdev_peer *peer,
				const struct shdev *sd)
{
	return shdev_sim_held(peer, sd);
}

/* Faults of the test's own peers, which end with it. */
static void kc_sim_fail(bool reclaim, unsigned int at)
{
	struct kunit *test = kunit_get_current_test();

	kt_fail(test, &kc_sim_a, reclaim ? 0 : at, reclaim ? at : 0);
	kt_fail(test, &kc_sim_b, reclaim ? 0 : at, reclaim ? at : 0);
}

static void kc_sim_evidence(bool valid)
{
	struct shdev_sim_faults faults = { .bad_evidence = !valid };
	struct kunit *test = kunit_get_current_test();

	kt_faults(test, &kc_sim_a, valid ? NULL : &faults);
	kt_faults(test, &kc_sim_b, valid ? NULL : &faults);
}

/* The Qualcomm SCM backend, on the fake SCM, with peers from Devicetree. */

#if IS_ENABLED(CONFIG_SHDEV_QCOM_SCM)
static void kc_scm_setup(struct kunit *test)
{
	ks_install(test);
	KUNIT_ASSERT_EQ(test, of_overlay_apply_kunit(test, kc_scm), 0);
	KUNIT_ASSERT_NOT_NULL_MSG(test, shdev_peer_find(KC_A),
				  "the backend did not probe");
}

static unsigned int kc_scm_whole(struct shdev *sd)
{
	unsigned int i, n = 0;

	for (i = 0; i < shdev_num_resources(sd); i++)
		n += resource_type(shdev_get_resource(sd, i)) ==
			IORESOURCE_MEM;
	return n;
}

/* The conformance device's windows are apart: one SCM call each. */
static unsigned int kc_scm_steps(struct shdev *sd)
{
	return kc_scm_whole(sd);
}

static void kc_scm_fail(bool reclaim, unsigned int at)
{
	ks_fail(at ? BIT_ULL(at - 1) : 0, -EIO);
}

static u64 kc_scm_calls(void)
{
	return ks_nr_calls();
}
#endif

/*
 * The userspace agent backend, answered by the in-kernel agent of
 * fake_agent.c, which declares the peers and moves the resources one by
 * one.  Its requests time out quickly here.
 */

#if IS_ENABLED(CONFIG_SHDEV_UAPI)
#define KC_UAPI_TIMEOUT_MS	100

static void kc_uapi_setup(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, ka_start(test, KC_UAPI_TIMEOUT_MS), 0);
	KUNIT_ASSERT_EQ(test, ka_add_peer(ka_file(), KC_A, KC_A_ID, false), 0);
	KUNIT_ASSERT_EQ(test, ka_add_peer(ka_file(), KC_B, KC_B_ID, false), 0);
}

static unsigned int kc_uapi_whole(struct shdev *sd)
{
	return shdev_num_resources(sd);
}
#endif

static const struct kc_backend kc_backends[] = {
	{
		.name = "sim",
		.setup = kc_sim_setup,
		.whole = kc_sim_whole,
		.held = kc_sim_held,
		.steps = kc_sim_whole,
		.fail = kc_sim_fail,
		.calls = shdev_sim_calls,
		.no_timeout = "operations complete in the caller's context",
		.evidence = kc_sim_evidence,
	},
#if IS_ENABLED(CONFIG_SHDEV_QCOM_SCM)
	{
		.name = "qcom-scm",
		.setup = kc_scm_setup,
		.whole = kc_scm_whole,
		.held = ks_held,
		.steps = kc_scm_steps,
		.fail = kc_scm_fail,
		.calls = kc_scm_calls,
		.no_timeout = "SCM calls are synchronous firmware calls",
		.no_attest = "SCM gives no evidence about a device",
	},
#endif
#if IS_ENABLED(CONFIG_SHDEV_UAPI)
	{
		.name = "uapi",
		.setup = kc_uapi_setup,
		.whole = kc_uapi_whole,
		.held = ka_held,
		.steps = kc_uapi_whole,
		.fail = ka_fail,
		.calls = ka_calls,
		.stall = ka_stall,
		.stall_err = -ETIMEDOUT,
		.revokes = true,
		.no_attest = "the agent's protocol carries no evidence yet",
	},
#endif
};

KUNIT_ARRAY_PARAM_DESC(kc_backends, kc_backends, name);

struct kc_ctx {
	const struct kc_backend *b;
	struct shdev_peer *a;
	struct shdev_peer *other;
};

static atomic_t kc_seq = ATOMIC_INIT(0);

static void kc_layout(struct kt_dev *kt)
{
	resource_size_t base = KC_MMIO_BASE + KC_MMIO_STRIDE *
		(atomic_inc_return(&kc_seq) % KC_MMIO_SLOTS);

	kt->res[0] = DEFINE_RES_MEM(base, 0x1000);
	kt->res[1] = DEFINE_RES_MEM(base + 0x8000, 0x800);
	kt->res[2] = DEFINE_RES_IRQ(9);
	kt->nr_res = 3;
}

static struct kt_dev *kc_device(struct kunit *test)
{
	return kt_create(test, kc_layout);
}

static void kc_expect_local(struct kunit *test, struct kt_dev *kt)
{
	const struct kc_backend *b = ((struct kc_ctx *)test->priv)->b;

	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOCAL);
	KUNIT_EXPECT_EQ(test, b->held(NULL, kt->sd), 0);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), 0);
}

static void kc_expect_remote(struct kunit *test, struct kt_dev *kt,
			     struct shdev_peer *peer)
{
	const struct kc_backend *b = ((struct kc_ctx *)test->priv)->b;

	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_REMOTE);
	KUNIT_EXPECT_GT(test, b->whole(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, b->held(peer, kt->sd), b->whole(kt->sd));
	KUNIT_EXPECT_EQ(test, b->held(NULL, kt->sd), b->whole(kt->sd));
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
}

/* Released whole to one peer, then to the other. */
static void kc_test_release(struct kunit *test)
{
	struct kc_ctx *ctx = test->priv;
	struct kt_dev *kt = kc_device(test);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, ctx->a), 0);
	kc_expect_remote(test, kt, ctx->a);
	KUNIT_EXPECT_EQ(test, ctx->b->held(ctx->other, kt->sd), 0);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce");

	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, ctx->other), 0);
	kc_expect_remote(test, kt, ctx->other);
	KUNIT_EXPECT_EQ(test, ctx->b->held(ctx->a, kt->sd), 0);
}

/* Taken back whole; taking back what Linux owns does nothing. */
static void kc_test_reclaim(struct kunit *test)
{
	struct kc_ctx *ctx = test->priv;
	struct kt_dev *kt = kc_device(test);
	u64 calls;
	int ret;

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, ctx->a), 0);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	kc_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,validate,resume");

	calls = ctx->b->calls();
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, ctx->b->calls(), calls);
	/*
	 * The backend itself, asked for a device Linux owns, as the core
	 * asks after a failed release (nothing else transfers it now).
	 */
	ret = ctx->a->backend->ops->reclaim(ctx->a, kt->sd);
	KUNIT_EXPECT_EQ(test, ret, 0);
	kc_expect_local(test, kt);
}

/* A release failing at any point leaves no piece with the peer. */
static void kc_test_release_fails(struct kunit *test)
{
	struct kc_ctx *ctx = test->priv;
	struct kt_dev *kt = kc_device(test);
	unsigned int at, steps = ctx->b->steps(kt->sd);

	KUNIT_ASSERT_GT(test, steps, 1);
	for (at = 1; at <= steps; at++) {
		kt_log_clear(kt);
		ctx->b->fail(false, at);
		KUNIT_EXPECT_LT_MSG(test, shdev_release(kt->sd, ctx->a), 0,
				    "failing at %u", at);
		ctx->b->fail(false, 0);
		kc_expect_local(test, kt);
		KUNIT_EXPECT_STREQ_MSG(test, kt->log, "quiesce,resume",
				       "failing at %u", at);
	}
	KUNIT_EXPECT_EQ(test, kt_stats(kt).failures, steps);

	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, ctx->a), 0);
	kc_expect_remote(test, kt, ctx->a);
}

/* A reclaim failing at any point leaves the device lost, then retried. */
static void kc_test_reclaim_fails(struct kunit *test)
{
	struct kc_ctx *ctx = test->priv;
	struct kt_dev *kt = kc_device(test);
	unsigned int at, steps = ctx->b->steps(kt->sd);

	KUNIT_ASSERT_GT(test, steps, 1);
	for (at = 1; at <= steps; at++) {
		KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, ctx->a), 0);
		kt_log_clear(kt);
		ctx->b->fail(true, at);
		KUNIT_EXPECT_LT_MSG(test, shdev_reclaim(kt->sd), 0,
				    "failing at %u", at);
		ctx->b->fail(true, 0);
		KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);
		KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
		KUNIT_EXPECT_GT(test, ctx->b->held(NULL, kt->sd), 0);
		KUNIT_EXPECT_EQ(test, ctx->b->held(ctx->other, kt->sd), 0);
		KUNIT_EXPECT_STREQ(test, kt->log, "");

		KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
		kc_expect_local(test, kt);
		KUNIT_EXPECT_STREQ(test, kt->log, "validate,resume");
	}
}

/* A reclaim that keeps failing changes nothing; the retry finishes. */
static void kc_test_reclaim_retry(struct kunit *test)
{
	struct kc_ctx *ctx = test->priv;
	struct kt_dev *kt = kc_device(test);
	unsigned int held;
	u64 calls;

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, ctx->a), 0);
	ctx->b->fail(true, 1);
	KUNIT_EXPECT_LT(test, shdev_reclaim(kt->sd), 0);
	held = ctx->b->held(NULL, kt->sd);
	KUNIT_EXPECT_EQ(test, held, ctx->b->whole(kt->sd));
	ctx->b->fail(true, 1);
	KUNIT_EXPECT_LT(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, ctx->b->held(NULL, kt->sd), held);
	/* A lost device goes to no peer. */
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, ctx->other), -EBUSY);
	ctx->b->fail(true, 0);

	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	kc_expect_local(test, kt);
	calls = ctx->b->calls();
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, ctx->b->calls(), calls);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,validate,resume");
}

/* A dead peer's devices come back, lost ones too; nobody else's does. */
static void kc_test_peer_death(struct kunit *test)
{
	struct kc_ctx *ctx = test->priv;
	struct kt_dev *x = kc_device(test);
	struct kt_dev *y = kc_device(test);
	struct kt_dev *z = kc_device(test);

	KUNIT_ASSERT_EQ(test, shdev_release(x->sd, ctx->a), 0);
	KUNIT_ASSERT_EQ(test, shdev_release(y->sd, ctx->other), 0);
	KUNIT_ASSERT_EQ(test, shdev_release(z->sd, ctx->a), 0);
	ctx->b->fail(true, 1);
	KUNIT_EXPECT_LT(test, shdev_reclaim(z->sd), 0);
	ctx->b->fail(true, 0);
	KUNIT_ASSERT_EQ(test, shdev_get_state(z->sd), SHDEV_LOST);

	KUNIT_EXPECT_EQ(test, shdev_peer_died(ctx->a), 0);
	kc_expect_local(test, x);
	kc_expect_local(test, z);
	KUNIT_EXPECT_STREQ(test, x->log, "quiesce,validate,sanitize,resume");
	kc_expect_remote(test, y, ctx->other);
	KUNIT_EXPECT_STREQ(test, y->log, "quiesce");

	KUNIT_EXPECT_EQ(test, shdev_peer_died(ctx->other), 0);
	kc_expect_local(test, y);
}

/*
 * A backend that stops answering fails the transfer in time, whole; a
 * backend whose reclaim is the kernel's revocation completes it.
 */
static void kc_test_timeout(struct kunit *test)
{
	struct kc_ctx *ctx = test->priv;
	struct kt_dev *kt;

	if (!ctx->b->stall)
		kunit_skip(test, "%s has no timeout: %s", ctx->b->name,
			   ctx->b->no_timeout);

	kt = kc_device(test);
	ctx->b->stall(true);
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, ctx->a),
			ctx->b->stall_err);
	ctx->b->stall(false);
	kc_expect_local(test, kt);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, ctx->a), 0);
	ctx->b->stall(true);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd),
			ctx->b->revokes ? 0 : ctx->b->stall_err);
	ctx->b->stall(false);
	if (ctx->b->revokes) {
		/* The agent's own record is stale: the kernel took it all. */
		KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOCAL);
		KUNIT_EXPECT_EQ(test, kt_hw_access(kt), 0);
		return;
	}
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	kc_expect_local(test, kt);
}

/* An offer to a unit that requires attestation needs valid evidence. */
static void kc_test_attest(struct kunit *test)
{
	struct kc_ctx *ctx = test->priv;
	struct kt_dev *kt;

	if (!ctx->b->evidence)
		kunit_skip(test, "%s has no attestation: %s", ctx->b->name,
			   ctx->b->no_attest);

	KUNIT_ASSERT_EQ(test, of_overlay_apply_kunit(test, kc_unit), 0);
	wait_for_device_probe();
	kt = kt_find(test, "/shdev-kc-r0");
	KUNIT_ASSERT_NOT_NULL(test, kt);
	KUNIT_ASSERT_NOT_NULL(test, kt->sd);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_REMOTE);

	ctx->b->evidence(false);
	KUNIT_EXPECT_LT(test, shdev_grant(ctx->a, kt->sd, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_REFUSED);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
	KUNIT_EXPECT_STREQ(test, kt->log, "");

	ctx->b->evidence(true);
	KUNIT_EXPECT_EQ(test, shdev_grant(ctx->a, kt->sd, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOCAL);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), 0);
	KUNIT_EXPECT_STREQ(test, kt->log, "validate,resume");
}

static int kc_test_init(struct kunit *test)
{
	const struct kc_backend *b = test->param_value;
	struct kc_ctx *ctx;
	int ret;

	ret = kt_test_init(test);
	if (ret)
		return ret;
	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->b = b;
	test->priv = ctx;
	b->setup(test);
	ctx->a = shdev_peer_find(KC_A);
	ctx->other = shdev_peer_find(KC_B);
	KUNIT_ASSERT_NOT_NULL(test, ctx->a);
	KUNIT_ASSERT_NOT_NULL(test, ctx->other);
	KUNIT_ASSERT_EQ(test, ctx->a->id, KC_A_ID);
	KUNIT_ASSERT_EQ(test, ctx->other->id, KC_B_ID);
	return 0;
}

static void kc_test_exit(struct kunit *test)
{
	struct kc_ctx *ctx = test->priv;

	if (ctx) {
		ctx->b->fail(false, 0);
		ctx->b->fail(true, 0);
		if (ctx->b->stall)
			ctx->b->stall(false);
	}
}

static struct kunit_case kc_cases[] = {
	KUNIT_CASE_PARAM(kc_test_release, kc_backends_gen_params),
	KUNIT_CASE_PARAM(kc_test_reclaim, kc_backends_gen_params),
	KUNIT_CASE_PARAM(kc_test_release_fails, kc_backends_gen_params),
	KUNIT_CASE_PARAM(kc_test_reclaim_fails, kc_backends_gen_params),
	KUNIT_CASE_PARAM(kc_test_reclaim_retry, kc_backends_gen_params),
	KUNIT_CASE_PARAM(kc_test_peer_death, kc_backends_gen_params),
	KUNIT_CASE_PARAM(kc_test_timeout, kc_backends_gen_params),
	KUNIT_CASE_PARAM(kc_test_attest, kc_backends_gen_params),
	{}
};

static struct kunit_suite kc_suite = {
	.name = "shdev_conformance",
	.suite_init = kt_suite_init,
	.suite_exit = kt_suite_exit,
	.init = kc_test_init,
	.exit = kc_test_exit,
	.test_cases = kc_cases,
};

kunit_test_suite(kc_suite);
