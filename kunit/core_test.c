// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the shdev core on the simulated backend, with the fake
 * driver of fake.c.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/irq.h>
#include <linux/irq_sim.h>
#include <linux/kthread.h>
#include <linux/logic_iomem.h>
#include <linux/mount.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/poll.h>
#include <linux/pm_runtime.h>
#include <linux/reboot.h>
#include <linux/sched/task.h>
#include <linux/suspend.h>
#include <net/net_namespace.h>

#include "fake.h"
#include "../shdev-sim.h"

static void shdev_test_register_local(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);

	kt_expect_local(test, kt);
	kt_expect_owner(test, kt, "local");
	KUNIT_EXPECT_TRUE(test, shdev_is_local(kt->sd));
	KUNIT_EXPECT_PTR_EQ(test, shdev_dev(kt->sd), &kt->pdev->dev);
	KUNIT_EXPECT_STREQ(test, kt->log, "");
}

static void shdev_test_register_needs_callbacks(struct kunit *test)
{
	static const struct shdev_ops no_resume = { .quiesce = kt_quiesce };
	static const struct shdev_ops no_quiesce = { .resume = kt_resume };
	struct kt_dev *kt = kt_create(test, NULL);

	KUNIT_EXPECT_EQ(test, PTR_ERR(devm_shdev_register(kt->pdev, NULL, kt)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			PTR_ERR(devm_shdev_register(kt->pdev, &no_resume, kt)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			PTR_ERR(devm_shdev_register(kt->pdev, &no_quiesce, kt)),
			-EINVAL);
	/* A second registration of the same device. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(devm_shdev_register(kt->pdev, &kt_ops, kt)),
			-EBUSY);
}

static void shdev_test_release_reclaim(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct shdev_stats stats;

	KUNIT_ASSERT_EQ(test, kt_write(kt, "kt-peer\n"), 8);
	kt_expect_remote(test, kt, &kt_peer);
	kt_expect_owner(test, kt, "kt-peer");
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce");
	/* The access kt_expect_remote() tried; quiesce's was let through. */
	KUNIT_EXPECT_EQ(test, kt_stats(kt).refused, 1);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).refused, 2);

	KUNIT_ASSERT_EQ(test, kt_write(kt, "local\n"), 6);
	kt_expect_local(test, kt);
	kt_expect_owner(test, kt, "local");
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,validate,resume");

	stats = kt_stats(kt);
	KUNIT_EXPECT_EQ(test, stats.releases, 1);
	KUNIT_EXPECT_EQ(test, stats.reclaims, 1);
	KUNIT_EXPECT_EQ(test, stats.failures, 0);
	KUNIT_EXPECT_GT(test, stats.worst_ns, 0);
	KUNIT_EXPECT_GE(test, stats.worst_ns, stats.last_ns);
	/* Entries while the device is local are not counted. */
	KUNIT_EXPECT_EQ(test, stats.refused, 2);
}

static void shdev_test_same_state_is_noop(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	u64 calls = shdev_sim_calls();

	KUNIT_EXPECT_EQ(test, kt_write(kt, "local"), 5);
	KUNIT_EXPECT_EQ(test, shdev_sim_calls(), calls);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	calls = shdev_sim_calls();
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_EQ(test, shdev_sim_calls(), calls);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce");

	/* Another peer must wait for a reclaim. */
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer2), -EBUSY);
	kt_expect_remote(test, kt, &kt_peer);

	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,resume");
	KUNIT_EXPECT_EQ(test, kt_stats(kt).releases, 1);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).reclaims, 1);
}

/* The backend fails, and so does the resume that undoes the quiesce. */
static void shdev_test_rollback_fails_lost(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);

	kt_fail(test, &kt_peer, 1, 0);
	kt->fail_resume = -EIO;
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), -EIO);
	kt_fail(test, &kt_peer, 0, 0);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
	KUNIT_EXPECT_EQ(test, shdev_sim_held(NULL, kt->sd), 0);

	kt->fail_resume = 0;
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,resume,resume");
}

/*
 * The backend fails and cannot undo: its reclaim, which the core asks for
 * before anything else, fails too.  No resume on a device partly away.
 */
static void shdev_test_backend_undo_fails(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	u64 calls = shdev_sim_calls();

	kt_fail(test, &kt_peer, 2, 1);
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), -EIO);
	KUNIT_EXPECT_EQ(test, shdev_sim_calls(), calls + 2);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce");

	kt_fail(test, &kt_peer, 0, 0);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,resume");
}

/* A backend answering a positive value: a failure, never a success. */
static int kt_bogus_ret;

static int kt_bogus_op(struct shdev_peer *peer, struct shdev *sd)
{
	return READ_ONCE(kt_bogus_ret);
}

static const struct shdev_backend_ops kt_bogus_ops = {
	.release = kt_bogus_op,
	.reclaim = kt_bogus_op,
};

static struct shdev_backend kt_bogus = {
	.name = "kt-bogus",
	.ops = &kt_bogus_ops,
};

static struct shdev_peer kt_bogus_peer = { .name = "kt-bogus" };

static void kt_bogus_remove(void *unused)
{
	shdev_peer_unregister(&kt_bogus_peer);
	shdev_backend_unregister(&kt_bogus);
}

static void shdev_test_backend_positive(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);

	KUNIT_ASSERT_EQ(test, shdev_backend_register(&kt_bogus), 0);
	kt_bogus_peer.backend = &kt_bogus;
	KUNIT_ASSERT_EQ(test, shdev_peer_register(&kt_bogus_peer), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kt_bogus_remove,
							NULL), 0);

	/* Its release fails, and so does the reclaim that undoes it. */
	WRITE_ONCE(kt_bogus_ret, 1);
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_bogus_peer), -EPROTO);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), -EPROTO);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce");

	WRITE_ONCE(kt_bogus_ret, 0);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOCAL);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,resume");
}

static void shdev_test_untrusted_needs_sanitize(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	u64 calls = shdev_sim_calls();

	KUNIT_EXPECT_EQ(test, kt_write(kt, "kt-untrusted"), -EPERM);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log, "");
	KUNIT_EXPECT_EQ(test, shdev_sim_calls(), calls);
}

static void shdev_test_untrusted_sanitizes(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_untrusted), 0);
	kt_expect_remote(test, kt, &kt_untrusted);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,sanitize");
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log,
			   "quiesce,sanitize,validate,sanitize,resume");
}

static void shdev_test_peer_death(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct kt_dev *other = kt_create(test, NULL);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_ASSERT_EQ(test, shdev_release(other->sd, &kt_peer2), 0);
	shdev_peer_died(&kt_peer);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log,
			   "quiesce,validate,sanitize,resume");
	/* Only what the dead peer held comes back. */
	kt_expect_remote(test, other, &kt_peer2);
	KUNIT_EXPECT_STREQ(test, other->log, "quiesce");

	/* The next reclaim from a live peer does not sanitize. */
	KUNIT_EXPECT_EQ(test, shdev_reclaim(other->sd), 0);
	KUNIT_EXPECT_STREQ(test, other->log, "quiesce,validate,resume");

	/* A restarted peer can take devices again. */
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
}

/*
 * Power votes a dead peer left on its devices are gone before the driver
 * sanitizes and resumes them; a peer cannot vote for what it does not hold.
 */
static void shdev_test_peer_death_votes(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct kt_dev *other = kt_create(test, NULL);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_ASSERT_EQ(test, shdev_release(other->sd, &kt_peer2), 0);
	KUNIT_EXPECT_EQ(test, shdev_sim_vote(&kt_peer, kt->sd), 0);
	KUNIT_EXPECT_EQ(test, shdev_sim_vote(&kt_peer, kt->sd), 0);
	KUNIT_EXPECT_EQ(test, shdev_sim_vote(&kt_peer2, other->sd), 0);
	KUNIT_EXPECT_EQ(test, shdev_sim_vote(&kt_peer2, kt->sd), -EINVAL);
	KUNIT_EXPECT_EQ(test, shdev_sim_votes(kt->sd), 2);

	shdev_peer_died(&kt_peer);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,validate,sanitize,resume");
	KUNIT_EXPECT_EQ(test, kt->votes_seen, 0);
	KUNIT_EXPECT_EQ(test, shdev_sim_votes(kt->sd), 0);
	/* The live peer's vote stays with the device it holds. */
	KUNIT_EXPECT_EQ(test, shdev_sim_votes(other->sd), 1);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(other->sd), 0);
	KUNIT_EXPECT_EQ(test, other->votes_seen, 0);
}

static void shdev_test_peer_death_while_lost(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	kt_fail(test, &kt_peer, 0, 1);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), -EIO);
	kt_fail(test, &kt_peer, 0, 0);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);
	shdev_peer_died(&kt_peer);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log,
			   "quiesce,validate,sanitize,resume");
}

static int kt_count_held(struct shdev *sd, void *data)
{
	(*(int *)data)++;
	return 0;
}

static int kt_held_by(struct shdev_peer *peer)
{
	int n = 0;

	KUNIT_EXPECT_EQ(current->kunit_test,
			shdev_peer_walk(peer, kt_count_held, &n), 0);
	return n;
}

/* The registry knows exactly which devices each peer holds. */
static void shdev_test_registry(struct kunit *test)
{
	struct kt_dev *a = kt_create(test, kt_minimal);
	struct kt_dev *b = kt_create(test, kt_minimal);
	struct kt_dev *c = kt_create(test, kt_minimal);

	KUNIT_EXPECT_EQ(test, kt_held_by(&kt_peer), 0);
	KUNIT_ASSERT_EQ(test, shdev_release(a->sd, &kt_peer), 0);
	KUNIT_ASSERT_EQ(test, shdev_release(b->sd, &kt_peer), 0);
	KUNIT_ASSERT_EQ(test, shdev_release(c->sd, &kt_peer2), 0);
	KUNIT_EXPECT_EQ(test, kt_held_by(&kt_peer), 2);
	KUNIT_EXPECT_EQ(test, kt_held_by(&kt_peer2), 1);

	shdev_peer_died(&kt_peer);
	KUNIT_EXPECT_EQ(test, kt_held_by(&kt_peer), 0);
	KUNIT_EXPECT_EQ(test, kt_held_by(&kt_peer2), 1);
	kt_expect_remote(test, c, &kt_peer2);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(c->sd), 0);
	KUNIT_EXPECT_EQ(test, kt_held_by(&kt_peer2), 0);
}

/* For the test: every fake device sits in one IOMMU group. */
static bool kt_one_group(struct device *a, struct device *b)
{
	return !strcmp(dev_driver_string(a), "shdev-kt") &&
	       !strcmp(dev_driver_string(b), "shdev-kt");
}

/* Devices of one IOMMU group in two units: the second is refused. */
static void shdev_test_split_iommu_group(struct kunit *test)
{
	struct kt_dev *a, *b;
	unsigned int devices;

	kunit_activate_static_stub(test, shdev_same_iommu_group, kt_one_group);
	a = kt_create(test, kt_minimal);
	devices = shdev_nr_devices();
	b = kt_create_any(test, kt_minimal);
	KUNIT_EXPECT_NULL(test, READ_ONCE(b->sd));
	KUNIT_EXPECT_NULL(test, b->pdev->dev.driver);
	KUNIT_EXPECT_EQ(test, shdev_nr_devices(), devices);
	/* The first is untouched. */
	KUNIT_EXPECT_EQ(test, shdev_release(a->sd, &kt_peer), 0);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(a->sd), 0);

	/* Without the shared group both register. */
	kunit_deactivate_static_stub(test, shdev_same_iommu_group);
	KUNIT_EXPECT_EQ(test, device_attach(&b->pdev->dev), 1);
	KUNIT_EXPECT_NOT_NULL(test, READ_ONCE(b->sd));
}

/* System sleep ends, whatever the test found. */
static void kt_sleep_end(void *unused)
{
	shdev_pm_notify(NULL, PM_POST_SUSPEND, NULL);
}

static void shdev_test_system_sleep(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_EQ(test, shdev_pm_notify(NULL, PM_SUSPEND_PREPARE, NULL),
			notifier_from_errno(-EBUSY));
	KUNIT_EXPECT_EQ(test,
			shdev_pm_notify(NULL, PM_HIBERNATION_PREPARE, NULL),
			notifier_from_errno(-EBUSY));
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);

	/* Once sleep has begun, releases wait for it to end. */
	KUNIT_ASSERT_EQ(test, shdev_pm_notify(NULL, PM_SUSPEND_PREPARE, NULL),
			notifier_from_errno(0));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kt_sleep_end,
							NULL), 0);
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), -EBUSY);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,resume");
	kunit_release_action(test, kt_sleep_end, NULL);
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
}

static void shdev_test_power_held(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct device *dev = &kt->pdev->dev;
	int usage = atomic_read(&dev->power.usage_count);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&dev->power.usage_count), usage + 1);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&dev->power.usage_count), usage);
}

static void shdev_test_unbind_reclaims(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct shdev *sd = kt->sd;

	KUNIT_ASSERT_EQ(test, shdev_release(sd, &kt_peer), 0);
	device_release_driver(&kt->pdev->dev);
	KUNIT_EXPECT_NULL(test, READ_ONCE(kt->sd));
	/* Unplug first: back and resumed before the driver's remove(). */
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,validate,resume,remove");
	KUNIT_EXPECT_EQ(test, kt->remove_state, SHDEV_LOCAL);
	KUNIT_EXPECT_EQ(test, shdev_sim_held(&kt_peer, NULL), 0);

	/* And the device can be bound again. */
	KUNIT_EXPECT_EQ(test, device_attach(&kt->pdev->dev), 1);
	KUNIT_ASSERT_NOT_NULL(test, READ_ONCE(kt->sd));
	kt_expect_local(test, kt);
}

/* The peer gave the device back but the driver failed to resume it. */
static void shdev_test_unbind_resume_fails(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	unsigned int devices = shdev_nr_devices();

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	kt->fail_resume = -EIO;
	device_release_driver(&kt->pdev->dev);
	kt->fail_resume = 0;
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,validate,resume,remove");
	KUNIT_EXPECT_EQ(test, kt->remove_state, SHDEV_LOCAL);
	KUNIT_EXPECT_EQ(test, shdev_sim_held(&kt_peer, NULL), 0);
	KUNIT_EXPECT_EQ(test, shdev_nr_devices(), devices - 1);
	KUNIT_EXPECT_EQ(test, device_attach(&kt->pdev->dev), 1);
	kt_expect_local(test, kt);
}

/*
 * Unbind while the peer refuses to give the device back: Linux must not
 * believe it owns the device, nor bind a driver to it, until the peer is
 * gone.
 */
static void shdev_test_unbind_reclaim_fails(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	unsigned int devices = shdev_nr_devices();

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	kt_fail(test, &kt_peer, 0, 1);
	device_release_driver(&kt->pdev->dev);
	kt_fail(test, &kt_peer, 0, 0);
	/* remove() found it lost, and its driver was not called for it. */
	KUNIT_EXPECT_EQ(test, kt->remove_state, SHDEV_LOST);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,remove");
	KUNIT_EXPECT_EQ(test, shdev_sim_held(&kt_peer, NULL), KT_NR_RES);
	KUNIT_EXPECT_EQ(test, shdev_nr_devices(), devices);

	/* Binding again is refused while the peer holds the device. */
	KUNIT_EXPECT_EQ(test, device_attach(&kt->pdev->dev), 0);
	KUNIT_EXPECT_NULL(test, READ_ONCE(kt->sd));

	/* The peer's death returns it; the driver's callbacks are not used. */
	kt_log_clear(kt);
	shdev_peer_died(&kt_peer);
	KUNIT_EXPECT_EQ(test, shdev_sim_held(&kt_peer, NULL), 0);
	KUNIT_EXPECT_EQ(test, shdev_nr_devices(), devices - 1);
	KUNIT_EXPECT_STREQ(test, kt->log, "");
	KUNIT_EXPECT_EQ(test, device_attach(&kt->pdev->dev), 1);
	KUNIT_ASSERT_NOT_NULL(test, READ_ONCE(kt->sd));
	kt_expect_local(test, kt);
}

struct kt_release_ctx {
	struct kt_dev *kt;
	bool reclaim;
	int ret;
	struct completion done;
};

static int kt_release_thread(void *data)
{
	struct kt_release_ctx *ctx = data;

	if (ctx->reclaim)
		ctx->ret = shdev_reclaim(ctx->kt->sd);
	else
		ctx->ret = shdev_release(ctx->kt->sd, &kt_peer);
	complete(&ctx->done);
	return 0;
}

/*
 * While a transfer is in flight, ownership reads as the transient state;
 * another request, through sysfs or not, waits for it and then runs.
 */
static void shdev_test_in_flight(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct kt_release_ctx ctx = { .kt = kt };
	struct kt_release_ctx back = { .kt = kt, .reclaim = true };
	struct completion hold;

	init_completion(&hold);
	init_completion(&ctx.done);
	init_completion(&back.done);
	kt->hold_quiesce = &hold;
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kthread_run(kt_release_thread, &ctx,
						       "shdev-kt-release"));
	kt_wait(test, &kt->quiesced);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_RELEASING);
	kt_expect_owner(test, kt, "releasing");

	/* The reclaim waits for the release, not refused with -EBUSY. */
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kthread_run(kt_release_thread, &back,
						       "shdev-kt-reclaim"));
	KUNIT_EXPECT_FALSE(test, wait_for_completion_timeout(&back.done,
							     HZ / 10));
	complete(&hold);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&ctx.done, 10 * HZ));
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&back.done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, ctx.ret, 0);
	KUNIT_EXPECT_EQ(test, back.ret, 0);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,resume");
}

static int kt_killable_thread(void *data)
{
	allow_signal(SIGKILL);
	return kt_release_thread(data);
}

/* A request waiting for a transfer in flight can be killed. */
static void shdev_test_wait_killable(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct kt_release_ctx ctx = { .kt = kt };
	struct kt_release_ctx back = { .kt = kt, .reclaim = true };
	struct task_struct *task;
	struct completion hold;

	init_completion(&hold);
	init_completion(&ctx.done);
	init_completion(&back.done);
	kt->hold_quiesce = &hold;
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kthread_run(kt_release_thread, &ctx,
						       "shdev-kt-release"));
	kt_wait(test, &kt->quiesced);
	task = kthread_run(kt_killable_thread, &back, "shdev-kt-killed");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, task);
	KUNIT_EXPECT_FALSE(test, wait_for_completion_timeout(&back.done,
							     HZ / 10));
	send_sig(SIGKILL, task, 1);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&back.done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, back.ret, -EINTR);
	/* The transfer in flight is not disturbed. */
	complete(&hold);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&ctx.done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, ctx.ret, 0);
	kt_expect_remote(test, kt, &kt_peer);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
}

struct kt_remove_ctx {
	struct device *dev;
	struct completion done;
};

static int kt_consumer_remove_thread(void *data)
{
	struct kt_remove_ctx *ctx = data;

	shdev_consumer_remove(ctx->dev);
	complete(&ctx->done);
	return 0;
}

/*
 * Removing a device stacked on no shared device (any input device going
 * away) never waits for a transfer in flight.
 */
static void shdev_test_remove_unrelated_no_wait(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct kt_dev *other = kt_create(test, kt_minimal);
	struct kt_release_ctx ctx = { .kt = kt };
	struct kt_remove_ctx rm = { .dev = &other->pdev->dev };
	struct completion hold;

	init_completion(&hold);
	init_completion(&ctx.done);
	init_completion(&rm.done);
	kt->hold_quiesce = &hold;
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kthread_run(kt_release_thread, &ctx,
						       "shdev-kt-release"));
	kt_wait(test, &kt->quiesced);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test,
				     kthread_run(kt_consumer_remove_thread, &rm,
						 "shdev-kt-remove"));
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&rm.done, 10 * HZ));
	/* Nor does a write to another unit's attribute. */
	KUNIT_EXPECT_EQ(test, kt_write(other, "kt-peer2"), 8);
	KUNIT_EXPECT_EQ(test, kt_write(other, "local"), 5);
	KUNIT_EXPECT_FALSE(test, completion_done(&ctx.done));
	complete(&hold);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&ctx.done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
}

static unsigned int kt_temp_released;

static void kt_temp_release(struct shdev_peer *peer)
{
	kt_temp_released++;
}

/*
 * A peer unregistered while a unit it holds cannot come back: it is gone
 * for everything new, the unit keeps it until a reclaim succeeds, and its
 * release runs only then.
 */
static void shdev_test_peer_unregister_lost(struct kunit *test)
{
	struct shdev_peer temp = {
		.name = "kt-temp",
		.backend = shdev_sim_backend(),
		.release = kt_temp_release,
	};
	struct kt_dev *kt = kt_create(test, NULL);
	struct kt_dev *other = kt_create(test, NULL);

	kt_temp_released = 0;
	KUNIT_ASSERT_EQ(test, shdev_peer_register(&temp), 0);
	KUNIT_EXPECT_EQ(test, shdev_peer_register(&temp), -EEXIST);
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &temp), 0);
	kt_fail(test, &temp, 0, 1);
	shdev_peer_unregister(&temp);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);
	KUNIT_EXPECT_NULL(test, shdev_peer_find("kt-temp"));
	KUNIT_EXPECT_EQ(test, kt_temp_released, 0);
	/* An unregistered peer takes nothing. */
	KUNIT_EXPECT_EQ(test, shdev_release(other->sd, &temp), -EINVAL);
	KUNIT_EXPECT_EQ(test, kt_write(other, "kt-temp"), -EINVAL);

	kt_fail(test, &temp, 0, 0);
	KUNIT_EXPECT_EQ(test, kt_write(kt, "local"), 5);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_EQ(test, kt_temp_released, 1);
	/* The peer went away with the device: it is sanitized. */
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,validate,sanitize,resume");
}

/* Peer and backend names follow the attribute's rules. */
static void shdev_test_peer_names(struct kunit *test)
{
	static const char * const bad[] = {
		"", "local", "lost", "remote", "Upper", "with space",
		"abcdefghijklmnopqrstuvwxyz0123456", "a/b", "a.b",
	};
	struct shdev_peer p = { .backend = shdev_sim_backend() };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		p.name = bad[i];
		KUNIT_EXPECT_EQ_MSG(test, shdev_peer_register(&p), -EINVAL,
				    "name \"%s\"", bad[i]);
	}
	p.name = "kt-orphan-backend";
	p.backend = NULL;
	KUNIT_EXPECT_EQ(test, shdev_peer_register(&p), -EINVAL);
}

/*
 * Quiesce runs with the gate open, so that what is in flight completes;
 * then the gate closes and the release waits for the sections entered
 * before, ours included.
 */
static void shdev_test_gate_waits(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct kt_release_ctx ctx = { .kt = kt };
	struct task_struct *task;
	int idx;

	init_completion(&ctx.done);
	KUNIT_ASSERT_TRUE(test, shdev_enter(kt->sd, &idx));

	task = kthread_run(kt_release_thread, &ctx, "shdev-kt-release");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, task);
	kt_wait(test, &kt->quiesced);
	KUNIT_EXPECT_EQ(test, kt->quiesce_access, 0);

	/*
	 * The gate closes once quiesce returns; the release then waits for
	 * our section: it cannot reach the backend or end before we leave.
	 */
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_RELEASING);
	KUNIT_EXPECT_FALSE(test, completion_done(&ctx.done));
	KUNIT_EXPECT_EQ(test, shdev_sim_held(&kt_peer, NULL), 0);

	shdev_exit(kt->sd, idx);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&ctx.done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, ctx.ret, 0);
	kt_expect_remote(test, kt, &kt_peer);
	/* Closed while away: no new section. */
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
}

struct kt_unbind_ctx {
	struct device *dev;
	struct completion done;
};

static int kt_unbind_thread(void *data)
{
	struct kt_unbind_ctx *ctx = data;

	device_release_driver(ctx->dev);
	complete(&ctx->done);
	return 0;
}

struct kt_write_ctx {
	struct kt_dev *kt;
	const char *buf;
	ssize_t ret;
	struct completion done;
};

static int kt_write_thread(void *data)
{
	struct kt_write_ctx *ctx = data;

	ctx->ret = kt_write(ctx->kt, ctx->buf);
	complete(&ctx->done);
	return 0;
}

static int kt_peer_died_thread(void *data)
{
	struct kt_release_ctx *ctx = data;

	ctx->ret = shdev_peer_died(&kt_peer);
	complete(&ctx->done);
	return 0;
}

/*
 * The peer dies while an unbind takes the device back: the two never run
 * a callback of the driver at once, and none runs after its remove().
 */
static void shdev_test_peer_death_races_unbind(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct kt_unbind_ctx unbind = { .dev = &kt->pdev->dev };
	struct kt_release_ctx death = { .kt = kt };
	struct completion hold;

	init_completion(&hold);
	init_completion(&unbind.done);
	init_completion(&death.done);
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	kt_log_clear(kt);
	kt->hold_resume = &hold;
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kthread_run(kt_unbind_thread,
						       &unbind,
						       "shdev-kt-unbind"));
	kt_wait(test, &kt->resumed);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kthread_run(kt_peer_died_thread,
						       &death,
						       "shdev-kt-death"));
	/* The death waits for the unbind's reclaim, in the driver's resume. */
	KUNIT_EXPECT_FALSE(test, wait_for_completion_timeout(&death.done,
							     HZ / 10));
	complete(&hold);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&unbind.done,
							    10 * HZ));
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&death.done,
							    10 * HZ));
	kt->hold_resume = NULL;
	KUNIT_EXPECT_EQ(test, death.ret, 0);
	KUNIT_EXPECT_STREQ(test, kt->log, "validate,resume,remove");
	KUNIT_EXPECT_EQ(test, kt->remove_state, SHDEV_LOCAL);
	KUNIT_EXPECT_EQ(test, shdev_sim_held(&kt_peer, NULL), 0);
	KUNIT_EXPECT_EQ(test, device_attach(&kt->pdev->dev), 1);
}

/* Reboot and kexec find every device back, or lost with its gate closed. */
static void shdev_test_reboot(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct kt_dev *stuck = kt_create(test, kt_minimal);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	shdev_reboot_notify(NULL, SYS_RESTART, NULL);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), 0);

	KUNIT_ASSERT_EQ(test, shdev_release(stuck->sd, &kt_peer), 0);
	kt_fail(test, &kt_peer, 0, 1);
	shdev_reboot_notify(NULL, SYS_RESTART, NULL);
	kt_fail(test, &kt_peer, 0, 0);
	KUNIT_EXPECT_EQ(test, shdev_get_state(stuck->sd), SHDEV_LOST);
	KUNIT_EXPECT_EQ(test, kt_hw_access(stuck), -ENODEV);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(stuck->sd), 0);
}

static irqreturn_t kt_irq_handler(int irq, void *data)
{
	return IRQ_HANDLED;
}

/* Before the domain goes, unless the driver's unbind freed it. */
static void kt_irq_free(void *data)
{
	struct kt_dev *kt = data;

	if (READ_ONCE(kt->sd) && irq_has_action(kt->irq))
		devm_free_irq(&kt->pdev->dev, kt->irq, kt);
}

static void kt_irq_domain_remove(void *domain)
{
	irq_domain_remove_sim(domain);
}

/* A simulated interrupt line, requested by @kt's driver after probe. */
static unsigned int kt_irq(struct kunit *test, struct kt_dev *kt)
{
	struct irq_domain *domain;
	unsigned int irq;

	domain = irq_domain_create_sim(NULL, 1);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, domain);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							kt_irq_domain_remove,
							domain), 0);
	irq = irq_create_mapping(domain, 0);
	KUNIT_ASSERT_GT(test, irq, 0);
	KUNIT_ASSERT_EQ(test, devm_request_irq(&kt->pdev->dev, irq,
					       kt_irq_handler, 0, "shdev-kt",
					       kt), 0);
	kt->irq = irq;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kt_irq_free, kt),
			0);
	KUNIT_ASSERT_EQ(test, shdev_add_irq(kt->sd, irq), 0);
	return irq;
}

static bool kt_irq_off(unsigned int irq)
{
	return irqd_irq_disabled(irq_get_irq_data(irq));
}

/*
 * The core disables the device's interrupts after quiesce and enables
 * them before resume, exactly once each way: across a failed resume and
 * its retry, and whatever else disables the line meanwhile.
 */
static void shdev_test_irqs_once(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	unsigned int irq = kt_irq(test, kt);

	KUNIT_EXPECT_FALSE(test, kt_irq_off(irq));
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_TRUE(test, kt_irq_off(irq));

	kt->fail_resume = -EIO;
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), -EIO);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);
	KUNIT_EXPECT_TRUE(test, kt_irq_off(irq));
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), -EIO);
	kt->fail_resume = 0;
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_FALSE(test, kt_irq_off(irq));

	/* Userspace, say, disables the line while away: it stays so. */
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	disable_irq(irq);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_TRUE(test, kt_irq_off(irq));
	enable_irq(irq);
	KUNIT_EXPECT_FALSE(test, kt_irq_off(irq));
}

/*
 * Unbinding while away: the device comes back while the driver's
 * interrupt is still requested, before devres frees it.  Enabling a freed
 * interrupt would WARN, which fails the run.
 */
static void shdev_test_unbind_irqs(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	unsigned int irq = kt_irq(test, kt);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	device_release_driver(&kt->pdev->dev);
	KUNIT_EXPECT_EQ(test, kt->remove_state, SHDEV_LOCAL);
	KUNIT_EXPECT_FALSE(test, irq_has_action(irq));
	KUNIT_EXPECT_EQ(test, shdev_sim_held(&kt_peer, NULL), 0);
	KUNIT_EXPECT_EQ(test, device_attach(&kt->pdev->dev), 1);
}

/* Two nested sections, as a driver's locked helper calling another. */
static int kt_hw_access_nested(struct kt_dev *kt)
{
	int outer, ret;

	if (!shdev_enter(kt->sd, &outer))
		return -ENODEV;
	ret = kt_hw_access(kt);
	shdev_exit(kt->sd, outer);
	return ret;
}

static void shdev_test_gate_nests(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);

	KUNIT_EXPECT_EQ(test, kt_hw_access_nested(kt), 0);
	/* Balanced sections: the release does not wait forever. */
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_EQ(test, kt_hw_access_nested(kt), -ENODEV);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, kt_hw_access_nested(kt), 0);
}

static void shdev_test_poll_wakes(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct file *file;
	char buf[32];
	loff_t pos = 0;

	file = kt_sysfs_open(&kt->pdev->dev, "ownership", O_RDONLY);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);

	KUNIT_EXPECT_GT(test, kernel_read(file, buf, sizeof(buf), &pos), 0);
	KUNIT_EXPECT_FALSE(test, vfs_poll(file, NULL) & EPOLLPRI);
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_TRUE(test, vfs_poll(file, NULL) & EPOLLPRI);

	pos = 0;
	KUNIT_EXPECT_GT(test, kernel_read(file, buf, sizeof(buf), &pos), 0);
	KUNIT_EXPECT_FALSE(test, vfs_poll(file, NULL) & EPOLLPRI);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_TRUE(test, vfs_poll(file, NULL) & EPOLLPRI);
	fput(file);
}

/* A listener of kernel uevents, as udev is. */
static struct socket *kt_uevent_listen(struct kunit *test)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,
	};
	struct socket *sock;

	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, AF_NETLINK, SOCK_DGRAM,
					       NETLINK_KOBJECT_UEVENT, &sock),
			0);
	KUNIT_ASSERT_EQ(test, kernel_bind(sock, (struct sockaddr *)&addr,
					  sizeof(addr)), 0);
	return sock;
}

/*
 * Drain the queued uevents; return how many were a "change" of @kt's
 * device carrying the variable @var (e.g. "SHDEV_OWNER=kt-peer").
 */
static int kt_uevents(struct kunit *test, struct socket *sock,
		      struct kt_dev *kt, const char *var)
{
	size_t size = 8192;
	char head[64];
	int found = 0;
	char *buf;

	buf = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	snprintf(head, sizeof(head), "change@/devices/platform/%s",
		 dev_name(&kt->pdev->dev));
	for (;;) {
		struct kvec vec = { .iov_base = buf, .iov_len = size - 1 };
		struct msghdr msg = {};
		int len, off;

		len = kernel_recvmsg(sock, &msg, &vec, 1, size - 1,
				     MSG_DONTWAIT);
		if (len <= 0)
			break;
		buf[len] = '\0';
		if (strcmp(buf, head))
			continue;
		for (off = strlen(buf) + 1; off < len; off += strlen(buf + off) + 1)
			found += !strcmp(buf + off, var);
	}
	return found;
}

static void shdev_test_uevents(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct socket *sock = kt_uevent_listen(test);

	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_EQ(test, kt_uevents(test, sock, kt, "SHDEV_OWNER=kt-peer"),
			1);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, kt_uevents(test, sock, kt, "SHDEV_OWNER=local"),
			1);

	/* A refused request and a no-op announce nothing. */
	KUNIT_EXPECT_EQ(test, kt_write(kt, "no-such-peer"), -EINVAL);
	KUNIT_EXPECT_EQ(test, kt_write(kt, "local"), 5);
	KUNIT_EXPECT_EQ(test, kt_uevents(test, sock, kt, "SHDEV_OWNER=local"),
			0);

	/* A failed reclaim announces the lost state. */
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	kt_fail(test, &kt_peer, 0, 1);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), -EIO);
	kt_fail(test, &kt_peer, 0, 0);
	KUNIT_EXPECT_EQ(test, kt_uevents(test, sock, kt, "SHDEV_STATE=lost"), 1);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	sock_release(sock);
}

struct kt_bad_input {
	const char *what;
	const char *buf;
	size_t len;
};

#define KT_BAD(s)	{ #s, s, sizeof(s) - 1 }

static const struct kt_bad_input kt_bad_inputs[] = {
	KT_BAD("\n"),
	KT_BAD("\n\n"),
	KT_BAD(" "),
	KT_BAD("loc"),
	KT_BAD("locall"),
	KT_BAD("local\n\n"),
	KT_BAD("LOCAL"),
	KT_BAD(" local"),
	KT_BAD("local "),
	KT_BAD("local\t"),
	KT_BAD("local\r\n"),
	KT_BAD("local\0"),
	KT_BAD("kt-peer "),
	KT_BAD(" kt-peer"),
	KT_BAD("kt-peer\n\n"),
	KT_BAD("KT-PEER"),
	KT_BAD("kt-peer\0"),
	KT_BAD("kt-peer\0junk"),
	KT_BAD("kt-pee"),
	KT_BAD("kt-peerx"),
	KT_BAD("kt_peer"),
	KT_BAD("kt-peer,kt-peer2"),
	KT_BAD("kt-peer;local"),
	KT_BAD("../kt-peer"),
	KT_BAD("kt peer"),
	KT_BAD("no-such-peer"),
	KT_BAD("releasing"),
	KT_BAD("reclaiming"),
	KT_BAD("remote"),
	KT_BAD("lost"),
	KT_BAD("-1"),
	KT_BAD("0"),
	KT_BAD("\xff\xfe\xfd"),
	KT_BAD("\x01\x02"),
	KT_BAD("kt-p\xc3\xa9\x65r"),
	KT_BAD("abcdefghijklmnopqrstuvwxyz0123456"),
};

static void shdev_test_bad_input(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	u64 calls = shdev_sim_calls();
	char *huge;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kt_bad_inputs); i++) {
		const struct kt_bad_input *in = &kt_bad_inputs[i];

		KUNIT_EXPECT_EQ_MSG(test, kt_write_len(kt, in->buf, in->len),
				    -EINVAL, "input %s", in->what);
	}

	/* A page of junk, and a name just one character too long. */
	huge = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, huge);
	memset(huge, 'a', PAGE_SIZE - 1);
	KUNIT_EXPECT_EQ(test, kt_write_len(kt, huge, PAGE_SIZE - 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, kt_write_len(kt, huge, SHDEV_NAME_MAX + 1),
			-EINVAL);

	kt_expect_local(test, kt);
	kt_expect_owner(test, kt, "local");
	KUNIT_EXPECT_STREQ(test, kt->log, "");
	KUNIT_EXPECT_EQ(test, shdev_sim_calls(), calls);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).failures, 0);

	/* The same junk while the device is away changes nothing either. */
	KUNIT_ASSERT_EQ(test, kt_write(kt, "kt-peer"), 7);
	calls = shdev_sim_calls();
	for (i = 0; i < ARRAY_SIZE(kt_bad_inputs); i++) {
		const struct kt_bad_input *in = &kt_bad_inputs[i];

		KUNIT_EXPECT_EQ_MSG(test, kt_write_len(kt, in->buf, in->len),
				    -EINVAL, "input %s", in->what);
	}
	kt_expect_remote(test, kt, &kt_peer);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce");
	KUNIT_EXPECT_EQ(test, shdev_sim_calls(), calls);
	KUNIT_EXPECT_EQ(test, kt_write(kt, "local"), 5);
}

#if IS_ENABLED(CONFIG_INDIRECT_IOMEM)
static atomic_t kt_mmio_accesses = ATOMIC_INIT(0);
static struct resource kt_mmio_region =
	DEFINE_RES_MEM(KT_MMIO_BASE, 2 * KT_MMIO_SIZE * KT_MMIO_SLOTS);

static unsigned long kt_mmio_read(void *priv, unsigned int offset, int size)
{
	atomic_inc(&kt_mmio_accesses);
	return 0;
}

static void kt_mmio_write(void *priv, unsigned int offset, int size,
			  unsigned long val)
{
	atomic_inc(&kt_mmio_accesses);
}

static const struct logic_iomem_ops kt_mmio_ops = {
	.read = kt_mmio_read,
	.write = kt_mmio_write,
};

static long kt_mmio_map(unsigned long offset, size_t size,
			const struct logic_iomem_ops **ops, void **priv)
{
	*ops = &kt_mmio_ops;
	return 0;
}

static const struct logic_iomem_region_ops kt_mmio_region_ops = {
	.map = kt_mmio_map,
};

static void kt_map_mmio(struct kt_dev *kt)
{
	kt->map_mmio = true;
}

/*
 * Count the fake driver's accesses to its (fake) registers: none may
 * happen between the quiesce and the resume, however hard the driver's
 * hardware paths are driven.
 */
static void shdev_test_no_mmio_while_away(struct kunit *test)
{
	static bool registered;
	struct kt_dev *kt;
	int before, i;

	if (!registered) {
		KUNIT_ASSERT_EQ(test, logic_iomem_add_region(&kt_mmio_region,
							     &kt_mmio_region_ops),
				0);
		registered = true;
	}
	kt = kt_create(test, kt_map_mmio);
	KUNIT_ASSERT_NOT_NULL(test, (void __force *)kt->regs);

	before = atomic_read(&kt_mmio_accesses);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&kt_mmio_accesses), before + 1);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	/* The quiesce wrote once, before the device left. */
	before = atomic_read(&kt_mmio_accesses);
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
	KUNIT_EXPECT_EQ(test, atomic_read(&kt_mmio_accesses), before);

	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	/* The resume wrote once; the gate is open again. */
	KUNIT_EXPECT_EQ(test, atomic_read(&kt_mmio_accesses), before + 1);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&kt_mmio_accesses), before + 2);
}
#else
static void shdev_test_no_mmio_while_away(struct kunit *test)
{
	kunit_skip(test, "needs logic_iomem (UML)");
}
#endif

static void shdev_test_no_leaks(struct kunit *test)
{
	unsigned int devices = shdev_nr_devices();
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct device *dev = &kt->pdev->dev;
	struct dentry *d;
	int i;

	KUNIT_EXPECT_EQ(test, shdev_nr_devices(), devices + 1);
	for (i = 0; i < 50; i++) {
		KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
		device_release_driver(dev);
		KUNIT_ASSERT_EQ(test, shdev_nr_devices(), devices);
		KUNIT_ASSERT_EQ(test, device_attach(dev), 1);
		KUNIT_ASSERT_EQ(test, shdev_nr_devices(), devices + 1);
	}
	device_release_driver(dev);
	KUNIT_EXPECT_EQ(test, shdev_nr_devices(), devices);
	KUNIT_EXPECT_EQ(test, shdev_sim_held(NULL, NULL), 0);
	d = debugfs_lookup(dev_name(dev), shdev_debugfs_dir());
	KUNIT_EXPECT_NULL(test, d);
	dput(d);
}

struct kt_racer {
	struct kt_dev *kt;
	const char *write;	/* NULL: unbind and bind */
	struct completion done;
};

static int kt_race_thread(void *data)
{
	struct kt_racer *r = data;
	struct device *dev = &r->kt->pdev->dev;
	int i;

	for (i = 0; i < 100; i++) {
		if (r->write) {
			kt_write(r->kt, r->write);
		} else {
			device_release_driver(dev);
			if (device_attach(dev) < 0)
				break;
		}
		cond_resched();
	}
	complete(&r->done);
	return 0;
}

/*
 * Releases, reclaims and unbinds race; every request either completes or
 * is refused, and the device ends consistent: bound, and local after one
 * reclaim, with the peer holding nothing.
 */
static void shdev_test_race(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	static const char * const writes[] = {
		"kt-peer", "local", "kt-peer2", NULL
	};
	struct kt_racer r[ARRAY_SIZE(writes)];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(r); i++) {
		r[i].kt = kt;
		r[i].write = writes[i];
		init_completion(&r[i].done);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test,
					     kthread_run(kt_race_thread, &r[i],
							 "shdev-kt-race%zu", i));
	}
	for (i = 0; i < ARRAY_SIZE(r); i++)
		kt_wait(test, &r[i].done);

	if (!READ_ONCE(kt->sd))
		KUNIT_ASSERT_EQ(test, device_attach(&kt->pdev->dev), 1);
	KUNIT_EXPECT_EQ(test, kt_write(kt, "local"), 5);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_EQ(test, shdev_sim_held(NULL, NULL), 0);
}

/*
 * The failing step, as a parameter: a release or a reclaim fails at each
 * step of the transfer (shdev_steps[] in the core) that can fail, on a
 * device with everything a step acts on: two stacked consumers, an
 * interrupt, runtime PM.  A release that fails leaves the device as it
 * was; a reclaim that fails leaves it lost, and its retry goes on from the
 * step that failed.
 */
struct kt_fixture {
	struct kt_dev *kt;
	struct kt_consumer *bottom, *top;
	struct shdev_peer *peer;
	unsigned int irq;
	int usage;
};

struct kt_step_fault {
	const char *step;	/* the step of shdev_steps[] that fails */
	const char *how;	/* the fault */
	bool untrusted;		/* to kt_untrusted, which sanitizes */
	u32 at;			/* the backend's resource that fails */
	void (*fault)(struct kunit *test, struct kt_fixture *f,
		      const struct kt_step_fault *p, bool on);
	int err;
	bool backend;		/* the backend is asked: (again) on a retry */
	const char *log;	/* the driver's and consumers' log of it */
	const char *retry;	/* the log of the reclaim's retry */
};

static void kt_fixture_setup(struct kt_dev *kt)
{
	kt->runtime_pm = true;
}

static void kt_fixture(struct kunit *test, struct kt_fixture *f,
		       const struct kt_step_fault *p)
{
	struct device *dev;

	f->kt = kt_create(test, kt_fixture_setup);
	dev = &f->kt->pdev->dev;
	f->bottom = kt_consumer_add(test, f->kt, "bottom");
	f->top = kt_consumer_add(test, f->kt, "top");
	f->irq = kt_irq(test, f->kt);
	f->peer = p->untrusted ? &kt_untrusted : &kt_peer;
	f->usage = atomic_read(&dev->power.usage_count);
}

/* System sleep has begun: the "sleep" step refuses. */
static void kt_fault_sleep(struct kunit *test, struct kt_fixture *f,
			   const struct kt_step_fault *p, bool on)
{
	if (!on) {
		kunit_release_action(test, kt_sleep_end, NULL);
		return;
	}
	KUNIT_ASSERT_EQ(test, shdev_pm_notify(NULL, PM_SUSPEND_PREPARE, NULL),
			notifier_from_errno(0));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kt_sleep_end,
							NULL), 0);
}

/* The bottom consumer fails to freeze, after the top one froze. */
static void kt_fault_freeze(struct kunit *test, struct kt_fixture *f,
			    const struct kt_step_fault *p, bool on)
{
	f->bottom->fail = on ? -EIO : 0;
}

/* The device fails to resume from runtime suspend. */
static void kt_fault_power(struct kunit *test, struct kt_fixture *f,
			   const struct kt_step_fault *p, bool on)
{
	f->kt->fail_runtime_resume = on ? -EIO : 0;
	/* Runtime PM keeps the error until the status is set again. */
	if (!on)
		KUNIT_ASSERT_EQ(test, pm_runtime_set_suspended(&f->kt->pdev->dev),
				0);
}

static void kt_fault_quiesce(struct kunit *test, struct kt_fixture *f,
			     const struct kt_step_fault *p, bool on)
{
	f->kt->fail_quiesce = on ? -EIO : 0;
}

static void kt_fault_resume(struct kunit *test, struct kt_fixture *f,
			    const struct kt_step_fault *p, bool on)
{
	f->kt->fail_resume = on ? -ETIMEDOUT : 0;
}

static void kt_fault_sanitize(struct kunit *test, struct kt_fixture *f,
			      const struct kt_step_fault *p, bool on)
{
	f->kt->fail_sanitize = on ? -EIO : 0;
}

static void kt_fault_validate(struct kunit *test, struct kt_fixture *f,
			      const struct kt_step_fault *p, bool on)
{
	f->kt->fail_validate = on ? -EIO : 0;
}

static void kt_fault_backend_release(struct kunit *test, struct kt_fixture *f,
				     const struct kt_step_fault *p, bool on)
{
	kt_fail(test, f->peer, on ? p->at : 0, 0);
}

static void kt_fault_backend_reclaim(struct kunit *test, struct kt_fixture *f,
				     const struct kt_step_fault *p, bool on)
{
	kt_fail(test, f->peer, 0, on ? p->at : 0);
}

/* The peer's backend module is going: the peer cannot be pinned. */
static int kt_pin_fails(struct shdev_unit *u, struct shdev *sd)
{
	return -ENODEV;
}

static void kt_fault_pin(struct kunit *test, struct kt_fixture *f,
			 const struct kt_step_fault *p, bool on)
{
	if (on)
		kunit_activate_static_stub(test, shdev_pin, kt_pin_fails);
	else
		kunit_deactivate_static_stub(test, shdev_pin);
}

/* The IOMMU cannot attach the blocking domain. */
static int kt_dma_block_fails(struct shdev_unit *u, struct shdev *sd)
{
	return -ENOMEM;
}

static void kt_fault_dma(struct kunit *test, struct kt_fixture *f,
			 const struct kt_step_fault *p, bool on)
{
	if (on)
		kunit_activate_static_stub(test, shdev_dma_block,
					   kt_dma_block_fails);
	else
		kunit_deactivate_static_stub(test, shdev_dma_block);
}

#define KT_FROZEN	"freeze:top,freeze:bottom"
#define KT_THAWED	"thaw:bottom,thaw:top"

/*
 * Not here: "hold" acts on units described by firmware only (the units'
 * suite has their interconnect refuse it), and "gate" cannot fail.  "pin"
 * fails only while the backend's module goes, and "dma" needs an IOMMU,
 * which UML has not: their failures are stubbed.
 */
static const struct kt_step_fault kt_release_faults[] = {
	{ "sleep", "system sleep under way", .fault = kt_fault_sleep,
	  .err = -EBUSY, .log = "" },
	{ "pin", "the peer's backend module is going", .fault = kt_fault_pin,
	  .err = -ENODEV, .log = "" },
	{ "consumers", "a consumer's freeze fails", .fault = kt_fault_freeze,
	  .err = -EIO, .log = KT_FROZEN ",thaw:top" },
	{ "power", "runtime resume fails", .fault = kt_fault_power,
	  .err = -EIO, .log = KT_FROZEN "," KT_THAWED },
	{ "quiesce", "the driver's quiesce fails", .fault = kt_fault_quiesce,
	  .err = -EIO, .log = KT_FROZEN ",quiesce," KT_THAWED },
	{ "dma", "the IOMMU refuses the blocking domain", .fault = kt_fault_dma,
	  .err = -ENOMEM, .log = KT_FROZEN ",quiesce,resume," KT_THAWED },
	{ "sanitize", "the driver's sanitize fails", .untrusted = true,
	  .fault = kt_fault_sanitize, .err = -EIO,
	  .log = KT_FROZEN ",quiesce,sanitize,resume," KT_THAWED },
	{ "backend", "resource 1 fails", .at = 1,
	  .fault = kt_fault_backend_release, .err = -EIO, .backend = true,
	  .log = KT_FROZEN ",quiesce,resume," KT_THAWED },
	{ "backend", "resource 2 fails", .at = 2,
	  .fault = kt_fault_backend_release, .err = -EIO, .backend = true,
	  .log = KT_FROZEN ",quiesce,resume," KT_THAWED },
	{ "backend", "resource 3 fails", .at = KT_NR_RES,
	  .fault = kt_fault_backend_release, .err = -EIO, .backend = true,
	  .log = KT_FROZEN ",quiesce,resume," KT_THAWED },
	{ "backend", "resource 1 fails, to an untrusted peer", .at = 1,
	  .untrusted = true, .fault = kt_fault_backend_release, .err = -EIO,
	  .backend = true,
	  .log = KT_FROZEN ",quiesce,sanitize,resume," KT_THAWED },
};

/*
 * A reclaim runs the steps backwards: "backend", "validate", "sanitize"
 * and "quiesce" (the driver's resume) can fail; "dma", "power",
 * "consumers", "hold", "pin" and "sleep" cannot.
 */
static const struct kt_step_fault kt_reclaim_faults[] = {
	{ "backend", "resource 1 fails", .at = 1,
	  .fault = kt_fault_backend_reclaim, .err = -EIO, .backend = true,
	  .log = "", .retry = "validate,resume," KT_THAWED },
	{ "backend", "resource 2 fails", .at = 2,
	  .fault = kt_fault_backend_reclaim, .err = -EIO, .backend = true,
	  .log = "", .retry = "validate,resume," KT_THAWED },
	{ "backend", "resource 3 fails", .at = KT_NR_RES,
	  .fault = kt_fault_backend_reclaim, .err = -EIO, .backend = true,
	  .log = "", .retry = "validate,resume," KT_THAWED },
	{ "validate", "the driver's validate fails",
	  .fault = kt_fault_validate, .err = -EIO,
	  .log = "validate", .retry = "validate,resume," KT_THAWED },
	{ "sanitize", "the driver's sanitize fails", .untrusted = true,
	  .fault = kt_fault_sanitize, .err = -EIO,
	  .log = "validate,sanitize", .retry = "sanitize,resume," KT_THAWED },
	{ "quiesce", "the driver's resume fails", .fault = kt_fault_resume,
	  .err = -ETIMEDOUT,
	  .log = "validate,resume", .retry = "resume," KT_THAWED },
};

static void kt_step_fault_desc(const struct kt_step_fault *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s: %s", p->step, p->how);
}

KUNIT_ARRAY_PARAM(kt_release_faults, kt_release_faults, kt_step_fault_desc);
KUNIT_ARRAY_PARAM(kt_reclaim_faults, kt_reclaim_faults, kt_step_fault_desc);

static unsigned int kt_count(const char *log, const char *what)
{
	unsigned int n = 0;

	for (; (log = strstr(log, what)); log += strlen(what))
		n++;
	return n;
}

/*
 * The release fails at the step: every step done before is undone, in
 * reverse, and the device is as before, ready for the next release.
 */
static void shdev_test_release_step_fails(struct kunit *test)
{
	const struct kt_step_fault *p = test->param_value;
	struct kt_fixture f;
	struct device *dev;
	u64 calls;

	kt_fixture(test, &f, p);
	dev = &f.kt->pdev->dev;
	calls = shdev_sim_calls();
	p->fault(test, &f, p, true);
	KUNIT_EXPECT_EQ(test, shdev_release(f.kt->sd, f.peer), p->err);

	/* Local, gate open, nothing held by the backend. */
	kt_expect_local(test, f.kt);
	kt_expect_owner(test, f.kt, "local");
	KUNIT_EXPECT_EQ(test, shdev_sim_calls() != calls, p->backend);
	/*
	 * Resumed exactly once if quiesced (a quiesce that failed is the
	 * driver's to undo), and the consumers thawed.
	 */
	KUNIT_EXPECT_STREQ(test, f.kt->log, p->log);
	KUNIT_EXPECT_EQ(test, kt_count(f.kt->log, "resume"),
			kt_count(f.kt->log, "quiesce") -
			!strcmp(p->step, "quiesce"));
	KUNIT_EXPECT_EQ(test, f.top->frozen, 0);
	KUNIT_EXPECT_EQ(test, f.bottom->frozen, 0);
	/* Interrupts on, no power reference, system sleep allowed. */
	KUNIT_EXPECT_FALSE(test, kt_irq_off(f.irq));
	KUNIT_EXPECT_EQ(test, atomic_read(&dev->power.usage_count), f.usage);
	KUNIT_EXPECT_EQ(test, kt_stats(f.kt).failures, 1);
	KUNIT_EXPECT_EQ(test, kt_stats(f.kt).releases, 0);

	/* Nothing is left half-done: without the fault it moves. */
	p->fault(test, &f, p, false);
	KUNIT_EXPECT_EQ(test, shdev_pm_notify(NULL, PM_SUSPEND_PREPARE, NULL),
			notifier_from_errno(0));
	shdev_pm_notify(NULL, PM_POST_SUSPEND, NULL);
	KUNIT_ASSERT_EQ(test, shdev_release(f.kt->sd, f.peer), 0);
	kt_expect_remote(test, f.kt, f.peer);
	KUNIT_EXPECT_TRUE(test, kt_irq_off(f.irq));
	KUNIT_EXPECT_EQ(test, f.top->frozen, 1);
	KUNIT_EXPECT_EQ(test, f.bottom->frozen, 1);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(f.kt->sd), 0);
	kt_expect_local(test, f.kt);
	KUNIT_EXPECT_EQ(test, atomic_read(&dev->power.usage_count), f.usage);
}

/*
 * The reclaim fails at the step: the device is lost, gate closed and
 * interrupts off, its consumers frozen, and goes to no peer; the retry
 * goes on from the failing step, and runs no step done before again.
 */
static void shdev_test_reclaim_step_fails(struct kunit *test)
{
	const struct kt_step_fault *p = test->param_value;
	struct kt_fixture f;
	struct device *dev;
	u64 calls;

	kt_fixture(test, &f, p);
	dev = &f.kt->pdev->dev;
	KUNIT_ASSERT_EQ(test, shdev_release(f.kt->sd, f.peer), 0);
	kt_log_clear(f.kt);
	p->fault(test, &f, p, true);
	KUNIT_EXPECT_EQ(test, kt_write(f.kt, "local"), p->err);

	KUNIT_EXPECT_EQ(test, shdev_get_state(f.kt->sd), SHDEV_LOST);
	kt_expect_owner(test, f.kt, "lost");
	KUNIT_EXPECT_EQ(test, kt_hw_access(f.kt), -ENODEV);
	KUNIT_EXPECT_TRUE(test, kt_irq_off(f.irq));
	KUNIT_EXPECT_STREQ(test, f.kt->log, p->log);
	KUNIT_EXPECT_EQ(test, f.top->frozen, 1);
	KUNIT_EXPECT_EQ(test, f.bottom->frozen, 1);
	/* The backend's resources are the peer's until its reclaim works. */
	KUNIT_EXPECT_EQ(test, shdev_sim_held(f.peer, f.kt->sd),
			!strcmp(p->step, "backend") ? KT_NR_RES : 0);
	KUNIT_EXPECT_EQ(test, kt_stats(f.kt).failures, 1);
	/* A lost device goes to no peer, and blocks system sleep. */
	KUNIT_EXPECT_EQ(test, shdev_release(f.kt->sd, &kt_peer2), -EBUSY);
	KUNIT_EXPECT_EQ(test, shdev_pm_notify(NULL, PM_SUSPEND_PREPARE, NULL),
			notifier_from_errno(-EBUSY));

	/* The retry goes on from the step that failed. */
	p->fault(test, &f, p, false);
	kt_log_clear(f.kt);
	calls = shdev_sim_calls();
	KUNIT_EXPECT_EQ(test, kt_write(f.kt, "local"), 5);
	kt_expect_local(test, f.kt);
	KUNIT_EXPECT_STREQ(test, f.kt->log, p->retry);
	KUNIT_EXPECT_EQ(test, shdev_sim_calls() != calls, p->backend);
	KUNIT_EXPECT_FALSE(test, kt_irq_off(f.irq));
	KUNIT_EXPECT_EQ(test, f.top->frozen, 0);
	KUNIT_EXPECT_EQ(test, f.bottom->frozen, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&dev->power.usage_count), f.usage);
	KUNIT_EXPECT_EQ(test, kt_stats(f.kt).failures, 1);
	KUNIT_EXPECT_EQ(test, kt_stats(f.kt).reclaims, 1);
}

/*
 * A write waits, killably, for an unbind of its device in flight, which
 * removes the attribute written to: neither waits for the other, and the
 * write then fails with -ENODEV, never -EBUSY, having changed nothing.
 */
static void shdev_test_write_waits_for_unbind(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct kt_unbind_ctx unbind = { .dev = &kt->pdev->dev };
	struct kt_write_ctx w = { .kt = kt, .buf = "local" };
	struct completion hold;

	init_completion(&hold);
	init_completion(&unbind.done);
	init_completion(&w.done);
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	kt_log_clear(kt);
	kt->hold_resume = &hold;
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kthread_run(kt_unbind_thread,
						       &unbind,
						       "shdev-kt-unbind"));
	/* The unbind holds the device, taking it back, in resume. */
	kt_wait(test, &kt->resumed);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kthread_run(kt_write_thread, &w,
						       "shdev-kt-write"));
	KUNIT_EXPECT_FALSE(test, wait_for_completion_timeout(&w.done,
							     HZ / 10));
	complete(&hold);
	kt_wait(test, &unbind.done);
	kt_wait(test, &w.done);
	kt->hold_resume = NULL;
	KUNIT_EXPECT_EQ(test, w.ret, -ENODEV);
	KUNIT_EXPECT_STREQ(test, kt->log, "resume,remove");
	KUNIT_EXPECT_EQ(test, device_attach(&kt->pdev->dev), 1);
	kt_expect_local(test, kt);
}

/*
 * A write waits for a probe or any other holder of a member's device lock
 * and then runs: it never fails because the device was busy.
 */
static void shdev_test_write_waits_for_device(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct kt_write_ctx w = { .kt = kt, .buf = "kt-peer" };

	init_completion(&w.done);
	device_lock(&kt->pdev->dev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kthread_run(kt_write_thread, &w,
						       "shdev-kt-write"));
	KUNIT_EXPECT_FALSE(test, wait_for_completion_timeout(&w.done,
							     HZ / 10));
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOCAL);
	device_unlock(&kt->pdev->dev);
	kt_wait(test, &w.done);
	KUNIT_EXPECT_EQ(test, w.ret, 7);
	kt_expect_remote(test, kt, &kt_peer);
	KUNIT_EXPECT_EQ(test, kt_write(kt, "local"), 5);
}

static struct kunit_case shdev_core_cases[] = {
	KUNIT_CASE(shdev_test_register_local),
	KUNIT_CASE(shdev_test_register_needs_callbacks),
	KUNIT_CASE(shdev_test_release_reclaim),
	KUNIT_CASE(shdev_test_same_state_is_noop),
	KUNIT_CASE_PARAM(shdev_test_release_step_fails,
			 kt_release_faults_gen_params),
	KUNIT_CASE_PARAM(shdev_test_reclaim_step_fails,
			 kt_reclaim_faults_gen_params),
	KUNIT_CASE(shdev_test_rollback_fails_lost),
	KUNIT_CASE(shdev_test_backend_undo_fails),
	KUNIT_CASE(shdev_test_backend_positive),
	KUNIT_CASE(shdev_test_untrusted_needs_sanitize),
	KUNIT_CASE(shdev_test_untrusted_sanitizes),
	KUNIT_CASE(shdev_test_peer_death),
	KUNIT_CASE(shdev_test_peer_death_votes),
	KUNIT_CASE(shdev_test_peer_death_while_lost),
	KUNIT_CASE(shdev_test_registry),
	KUNIT_CASE(shdev_test_split_iommu_group),
	KUNIT_CASE(shdev_test_system_sleep),
	KUNIT_CASE(shdev_test_power_held),
	KUNIT_CASE(shdev_test_unbind_reclaims),
	KUNIT_CASE(shdev_test_unbind_resume_fails),
	KUNIT_CASE(shdev_test_unbind_reclaim_fails),
	KUNIT_CASE(shdev_test_in_flight),
	KUNIT_CASE(shdev_test_peer_unregister_lost),
	KUNIT_CASE(shdev_test_peer_names),
	KUNIT_CASE(shdev_test_gate_waits),
	KUNIT_CASE(shdev_test_wait_killable),
	KUNIT_CASE(shdev_test_remove_unrelated_no_wait),
	KUNIT_CASE(shdev_test_peer_death_races_unbind),
	KUNIT_CASE(shdev_test_write_waits_for_unbind),
	KUNIT_CASE(shdev_test_write_waits_for_device),
	KUNIT_CASE(shdev_test_reboot),
	KUNIT_CASE(shdev_test_irqs_once),
	KUNIT_CASE(shdev_test_unbind_irqs),
	KUNIT_CASE(shdev_test_gate_nests),
	KUNIT_CASE(shdev_test_poll_wakes),
	KUNIT_CASE(shdev_test_uevents),
	KUNIT_CASE(shdev_test_bad_input),
	KUNIT_CASE(shdev_test_no_mmio_while_away),
	KUNIT_CASE(shdev_test_no_leaks),
	KUNIT_CASE_SLOW(shdev_test_race),
	{}
};

static struct kunit_suite shdev_core_suite = {
	.name = "shdev_core",
	.suite_init = kt_suite_init,
	.suite_exit = kt_suite_exit,
	.init = kt_test_init,
	.test_cases = shdev_core_cases,
};

kunit_test_suite(shdev_core_suite);

MODULE_DESCRIPTION("KUnit tests of the shdev core");
MODULE_LICENSE("GPL");
