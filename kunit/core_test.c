// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the shdev core on the simulated backend.
 *
 * Each test binds a fake platform driver to a fake platform device; the
 * driver records its callbacks in a log ("quiesce,resume,...") and can be
 * told to fail any of them.  The ownership attribute is exercised through
 * a private sysfs mount, the way an administrator reaches it.
 */

#include <kunit/platform_device.h>
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/logic_iomem.h>
#include <linux/mount.h>
#include <linux/platform_device.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>
#include <linux/suspend.h>

#include "../shdev-internal.h"
#include "../shdev-sim.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define KT_MMIO_BASE	0x5d000000
#define KT_MMIO_SIZE	0x1000
#define KT_MMIO_SLOTS	16	/* devices alive at once, at most */
#define KT_NR_RES	3

struct kt_dev {
	struct kunit *test;
	struct platform_device *pdev;
	struct shdev *sd;
	struct mutex log_lock;	/* serializes log */
	char log[512];
	int fail_quiesce;
	int fail_resume;
	int fail_sanitize;
	int fail_validate;
	struct completion *hold_quiesce; /* quiesce waits for it */
	struct completion *hold_resume;	/* resume waits for it */
	bool minimal;		/* only quiesce and resume */
	bool map_mmio;		/* ioremap the fake MMIO region */
	void __iomem *regs;
	struct resource res[KT_NR_RES];
};

static struct shdev_peer kt_peer = { .name = "kt-peer" };
static struct shdev_peer kt_peer2 = { .name = "kt-peer2" };
static struct shdev_peer kt_untrusted = {
	.name = "kt-untrusted",
	.untrusted = true,
};

static struct vfsmount *kt_sysfs;
static atomic_t kt_seq = ATOMIC_INIT(0);

static void kt_log(struct kt_dev *kt, const char *what)
{
	mutex_lock(&kt->log_lock);
	if (kt->log[0])
		strlcat(kt->log, ",", sizeof(kt->log));
	strlcat(kt->log, what, sizeof(kt->log));
	mutex_unlock(&kt->log_lock);
}

static void kt_log_clear(struct kt_dev *kt)
{
	mutex_lock(&kt->log_lock);
	kt->log[0] = '\0';
	mutex_unlock(&kt->log_lock);
}

static bool kt_log_has(struct kt_dev *kt, const char *what)
{
	bool found;

	mutex_lock(&kt->log_lock);
	found = strstr(kt->log, what);
	mutex_unlock(&kt->log_lock);
	return found;
}

/* A hardware access of the fake driver, inside the gate as required. */
static int kt_hw_access(struct kt_dev *kt)
{
	int idx;

	if (!shdev_enter(kt->sd, &idx))
		return -ENODEV;
	if (kt->regs)
		readl(kt->regs);
	shdev_exit(kt->sd, idx);
	return 0;
}

static int kt_quiesce(struct shdev *sd)
{
	struct kt_dev *kt = shdev_get_drvdata(sd);

	kt_log(kt, "quiesce");
	if (kt->hold_quiesce)
		wait_for_completion(kt->hold_quiesce);
	if (kt->regs)
		writel(0, kt->regs);
	return kt->fail_quiesce;
}

static int kt_resume(struct shdev *sd)
{
	struct kt_dev *kt = shdev_get_drvdata(sd);

	kt_log(kt, "resume");
	if (kt->hold_resume)
		wait_for_completion(kt->hold_resume);
	if (kt->regs)
		writel(1, kt->regs);
	return kt->fail_resume;
}

static int kt_sanitize(struct shdev *sd)
{
	struct kt_dev *kt = shdev_get_drvdata(sd);

	kt_log(kt, "sanitize");
	return kt->fail_sanitize;
}

static int kt_validate(struct shdev *sd)
{
	struct kt_dev *kt = shdev_get_drvdata(sd);

	kt_log(kt, "validate");
	return kt->fail_validate;
}

static const struct shdev_ops kt_ops = {
	.quiesce = kt_quiesce,
	.resume = kt_resume,
	.sanitize = kt_sanitize,
	.validate = kt_validate,
};

static const struct shdev_ops kt_ops_minimal = {
	.quiesce = kt_quiesce,
	.resume = kt_resume,
};

static int kt_probe(struct platform_device *pdev)
{
	struct kt_dev *kt = *(struct kt_dev **)dev_get_platdata(&pdev->dev);
	struct shdev *sd;

	if (kt->map_mmio) {
		kt->regs = devm_platform_ioremap_resource(pdev, 0);
		if (IS_ERR(kt->regs))
			return PTR_ERR(kt->regs);
	}
	sd = devm_shdev_register(pdev, kt->minimal ? &kt_ops_minimal : &kt_ops,
				 kt);
	if (IS_ERR(sd))
		return PTR_ERR(sd);
	WRITE_ONCE(kt->sd, sd);
	return 0;
}

static void kt_remove(struct platform_device *pdev)
{
	struct kt_dev *kt = *(struct kt_dev **)dev_get_platdata(&pdev->dev);

	WRITE_ONCE(kt->sd, NULL);
	kt->regs = NULL;
}

static struct platform_driver kt_driver = {
	.probe = kt_probe,
	.remove = kt_remove,
	.driver = { .name = "shdev-kt" },
};

/* A bound fake device; @setup may set flags before the probe. */
static struct kt_dev *kt_create(struct kunit *test,
				void (*setup)(struct kt_dev *kt))
{
	struct platform_device *pdev;
	resource_size_t base;
	struct kt_dev *kt;

	kt = kunit_kzalloc(test, sizeof(*kt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kt);
	kt->test = test;
	mutex_init(&kt->log_lock);
	if (setup)
		setup(kt);

	/* Two register pages of its own, and an interrupt. */
	base = KT_MMIO_BASE + 2 * KT_MMIO_SIZE *
		(atomic_inc_return(&kt_seq) % KT_MMIO_SLOTS);
	kt->res[0] = DEFINE_RES_MEM(base, KT_MMIO_SIZE);
	kt->res[1] = DEFINE_RES_MEM(base + KT_MMIO_SIZE, KT_MMIO_SIZE);
	kt->res[2] = DEFINE_RES_IRQ(7);

	pdev = kunit_platform_device_alloc(test, "shdev-kt",
					   PLATFORM_DEVID_AUTO);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pdev);
	KUNIT_ASSERT_EQ(test, platform_device_add_resources(pdev, kt->res,
							    KT_NR_RES), 0);
	KUNIT_ASSERT_EQ(test, platform_device_add_data(pdev, &kt, sizeof(kt)),
			0);
	KUNIT_ASSERT_EQ(test, kunit_platform_device_add(test, pdev), 0);
	kt->pdev = pdev;
	KUNIT_ASSERT_NOT_NULL_MSG(test, READ_ONCE(kt->sd), "probe failed");
	return kt;
}

/* Write to the device's ownership attribute through sysfs. */
static ssize_t kt_write_len(struct kt_dev *kt, const char *buf, size_t len)
{
	struct file *file;
	loff_t pos = 0;
	ssize_t ret;
	char *path;

	path = kasprintf(GFP_KERNEL, "devices/platform/%s/ownership",
			 dev_name(&kt->pdev->dev));
	if (!path)
		return -ENOMEM;
	file = file_open_root_mnt(kt_sysfs, path, O_WRONLY, 0);
	kfree(path);
	if (IS_ERR(file))
		return PTR_ERR(file);
	do {
		ret = kernel_write(file, buf, len, &pos);
		/* restart_syscall() marks the thread; it has no signals. */
		if (ret == -ERESTARTNOINTR)
			flush_signals(current);
	} while (ret == -ERESTARTNOINTR);
	fput(file);
	return ret;
}

static ssize_t kt_write(struct kt_dev *kt, const char *buf)
{
	return kt_write_len(kt, buf, strlen(buf));
}

static void kt_expect_owner(struct kunit *test, struct kt_dev *kt,
			    const char *owner)
{
	char buf[64] = "";
	struct file *file;
	loff_t pos = 0;
	char *path;

	path = kasprintf(GFP_KERNEL, "devices/platform/%s/ownership",
			 dev_name(&kt->pdev->dev));
	KUNIT_ASSERT_NOT_NULL(test, path);
	file = file_open_root_mnt(kt_sysfs, path, O_RDONLY, 0);
	kfree(path);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	KUNIT_EXPECT_GT(test, kernel_read(file, buf, sizeof(buf) - 1, &pos),
			0);
	fput(file);
	KUNIT_EXPECT_STREQ(test, strim(buf), owner);
}

static struct shdev_stats kt_stats(struct kt_dev *kt)
{
	struct shdev_stats stats;

	shdev_get_stats(kt->sd, &stats);
	return stats;
}

static void kt_expect_local(struct kunit *test, struct kt_dev *kt)
{
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOCAL);
	KUNIT_EXPECT_EQ(test, shdev_sim_held(NULL, kt->sd), 0);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), 0);
}

static void kt_expect_remote(struct kunit *test, struct kt_dev *kt,
			     struct shdev_peer *peer)
{
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_REMOTE);
	KUNIT_EXPECT_EQ(test, shdev_sim_held(peer, kt->sd), KT_NR_RES);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
}

static void kt_set_faults(u32 release_at, u32 reclaim_at)
{
	struct shdev_sim_faults f = {
		.fail_release_at = release_at,
		.fail_reclaim_at = reclaim_at,
	};

	shdev_sim_set_faults(&f);
}

static void kt_minimal(struct kt_dev *kt)
{
	kt->minimal = true;
}

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

static void shdev_test_quiesce_fails(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	u64 calls = shdev_sim_calls();

	kt->fail_quiesce = -EIO;
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), -EIO);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce");
	KUNIT_EXPECT_EQ(test, shdev_sim_calls(), calls);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).failures, 1);
	KUNIT_EXPECT_EQ(test, kt_stats(kt).releases, 0);

	/* Nothing is left half-done: the next release works. */
	kt->fail_quiesce = 0;
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
}

/* The backend fails at each of the device's resources in turn. */
static void shdev_test_backend_release_fails(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	u32 at;

	for (at = 1; at <= KT_NR_RES; at++) {
		kt_log_clear(kt);
		kt_set_faults(at, 0);
		KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), -EIO);
		kt_set_faults(0, 0);
		kt_expect_local(test, kt);
		KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,resume");
	}
	KUNIT_EXPECT_EQ(test, kt_stats(kt).failures, KT_NR_RES);
}

static void shdev_test_reclaim_fails_lost(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	u32 at;

	for (at = 1; at <= KT_NR_RES; at++) {
		KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
		kt_log_clear(kt);
		kt_set_faults(0, at);
		KUNIT_EXPECT_EQ(test, kt_write(kt, "local"), -EIO);
		KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);
		kt_expect_owner(test, kt, "lost");
		KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
		KUNIT_EXPECT_EQ(test, shdev_sim_held(&kt_peer, kt->sd),
				KT_NR_RES);
		KUNIT_EXPECT_STREQ(test, kt->log, "");
		/* A lost device goes to no peer. */
		KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer2), -EBUSY);

		kt_set_faults(0, 0);
		KUNIT_EXPECT_EQ(test, kt_write(kt, "local"), 5);
		kt_expect_local(test, kt);
		KUNIT_EXPECT_STREQ(test, kt->log, "validate,resume");
	}
}

static void shdev_test_validate_fails_lost(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	u64 calls;

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	kt->fail_validate = -EIO;
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), -EIO);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
	/* The backend gave the resources back; the retry does not ask again. */
	KUNIT_EXPECT_EQ(test, shdev_sim_held(NULL, kt->sd), 0);
	calls = shdev_sim_calls();

	kt->fail_validate = 0;
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_EQ(test, shdev_sim_calls(), calls);
	KUNIT_EXPECT_STREQ(test, kt->log,
			   "quiesce,validate,validate,resume");
	KUNIT_EXPECT_EQ(test, kt_stats(kt).failures, 1);
}

static void shdev_test_resume_fails_lost(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	kt->fail_resume = -ETIMEDOUT;
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);

	kt->fail_resume = 0;
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,resume,resume");
}

/* The backend fails, and so does the resume that undoes the quiesce. */
static void shdev_test_rollback_fails_lost(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);

	kt_set_faults(1, 0);
	kt->fail_resume = -EIO;
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), -EIO);
	kt_set_faults(0, 0);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
	KUNIT_EXPECT_EQ(test, shdev_sim_held(NULL, kt->sd), 0);

	kt->fail_resume = 0;
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,resume,resume");
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

static void shdev_test_untrusted_sanitize_fails(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	u64 calls = shdev_sim_calls();

	kt->fail_sanitize = -EIO;
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_untrusted), -EIO);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,sanitize,resume");
	KUNIT_EXPECT_EQ(test, shdev_sim_calls(), calls);
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

static void shdev_test_peer_death_while_lost(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	kt_set_faults(0, 1);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), -EIO);
	kt_set_faults(0, 0);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);
	shdev_peer_died(&kt_peer);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log,
			   "quiesce,validate,sanitize,resume");
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
	KUNIT_EXPECT_EQ(test, shdev_pm_notify(NULL, PM_SUSPEND_PREPARE, NULL),
			notifier_from_errno(0));
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), -EBUSY);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,resume");
	shdev_pm_notify(NULL, PM_POST_SUSPEND, NULL);
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
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,validate,resume");
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
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,validate,resume");
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
	kt_set_faults(0, 1);
	device_release_driver(&kt->pdev->dev);
	kt_set_faults(0, 0);
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

/* Wait, boundedly, for the fake driver to log @what. */
static bool kt_wait_log(struct kt_dev *kt, const char *what)
{
	int i;

	for (i = 0; i < 10000 && !kt_log_has(kt, what); i++)
		usleep_range(100, 200);
	return kt_log_has(kt, what);
}

/*
 * While a transfer is in flight, ownership reads as the transient state
 * and every other request, through sysfs or not, gets -EBUSY.
 */
static void shdev_test_in_flight(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct kt_release_ctx ctx = { .kt = kt };
	struct completion hold;

	init_completion(&hold);
	init_completion(&ctx.done);
	kt->hold_quiesce = &hold;
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kthread_run(kt_release_thread, &ctx,
						       "shdev-kt-release"));
	KUNIT_ASSERT_TRUE(test, kt_wait_log(kt, "quiesce"));
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_RELEASING);
	kt_expect_owner(test, kt, "releasing");
	KUNIT_EXPECT_EQ(test, kt_write(kt, "local"), -EBUSY);
	KUNIT_EXPECT_EQ(test, kt_write(kt, "kt-peer"), -EBUSY);
	KUNIT_EXPECT_EQ(test, kt_write(kt, "kt-peer2"), -EBUSY);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), -EBUSY);
	complete(&hold);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&ctx.done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, ctx.ret, 0);
	kt_expect_remote(test, kt, &kt_peer);

	reinit_completion(&hold);
	reinit_completion(&ctx.done);
	kt->hold_resume = &hold;
	ctx.reclaim = true;
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kthread_run(kt_release_thread, &ctx,
						       "shdev-kt-reclaim"));
	KUNIT_ASSERT_TRUE(test, kt_wait_log(kt, "resume"));
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_RECLAIMING);
	kt_expect_owner(test, kt, "reclaiming");
	KUNIT_EXPECT_EQ(test, kt_write(kt, "kt-peer2"), -EBUSY);
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), -EBUSY);
	complete(&hold);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&ctx.done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, ctx.ret, 0);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,resume");
}

/* A peer that still holds a device cannot be unregistered. */
static void shdev_test_peer_unregister_busy(struct kunit *test)
{
	struct shdev_peer temp = {
		.name = "kt-temp",
		.backend = shdev_sim_backend(),
	};
	struct kt_dev *kt = kt_create(test, NULL);

	KUNIT_ASSERT_EQ(test, shdev_peer_register(&temp), 0);
	KUNIT_EXPECT_EQ(test, shdev_peer_register(&temp), -EEXIST);
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &temp), 0);
	kt_set_faults(0, 1);
	KUNIT_EXPECT_EQ(test, shdev_peer_unregister(&temp), -EBUSY);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);
	KUNIT_EXPECT_PTR_EQ(test, shdev_peer_find("kt-temp"), &temp);

	kt_set_faults(0, 0);
	KUNIT_EXPECT_EQ(test, shdev_peer_unregister(&temp), 0);
	KUNIT_EXPECT_NULL(test, shdev_peer_find("kt-temp"));
	kt_expect_local(test, kt);
	/* The peer went away with the device: it is sanitized. */
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,validate,sanitize,resume");
	/* An unregistered peer takes nothing. */
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &temp), -EINVAL);
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

static void shdev_test_gate_waits(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct kt_release_ctx ctx = { .kt = kt };
	struct task_struct *task;
	int idx, i;

	init_completion(&ctx.done);
	KUNIT_ASSERT_TRUE(test, shdev_enter(kt->sd, &idx));

	task = kthread_run(kt_release_thread, &ctx, "shdev-kt-release");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, task);
	for (i = 0; i < 5000 && shdev_get_state(kt->sd) == SHDEV_LOCAL; i++)
		usleep_range(100, 200);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_RELEASING);

	/* Gate closed: no new section; ours holds off the quiesce. */
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
	msleep(20);
	KUNIT_EXPECT_FALSE(test, kt_log_has(kt, "quiesce"));
	KUNIT_EXPECT_FALSE(test, completion_done(&ctx.done));
	/* A concurrent request is refused, not queued. */
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), -EBUSY);

	shdev_exit(kt->sd, idx);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&ctx.done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, ctx.ret, 0);
	kt_expect_remote(test, kt, &kt_peer);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
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
	char buf[32];
	struct file *file;
	loff_t pos = 0;
	char *path;

	path = kasprintf(GFP_KERNEL, "devices/platform/%s/ownership",
			 dev_name(&kt->pdev->dev));
	KUNIT_ASSERT_NOT_NULL(test, path);
	file = file_open_root_mnt(kt_sysfs, path, O_RDONLY, 0);
	kfree(path);
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
		KUNIT_ASSERT_TRUE(test,
				  wait_for_completion_timeout(&r[i].done,
							      120 * HZ));

	if (!READ_ONCE(kt->sd))
		KUNIT_ASSERT_EQ(test, device_attach(&kt->pdev->dev), 1);
	KUNIT_EXPECT_EQ(test, kt_write(kt, "local"), 5);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_EQ(test, shdev_sim_held(NULL, NULL), 0);
}

static int shdev_test_suite_init(struct kunit_suite *suite)
{
	struct file_system_type *type;
	int ret;

	kt_peer.backend = shdev_sim_backend();
	kt_peer2.backend = shdev_sim_backend();
	kt_untrusted.backend = shdev_sim_backend();
	ret = shdev_peer_register(&kt_peer);
	if (!ret)
		ret = shdev_peer_register(&kt_peer2);
	if (!ret)
		ret = shdev_peer_register(&kt_untrusted);
	if (ret)
		return ret;

	type = get_fs_type("sysfs");
	if (!type)
		return -ENODEV;
	kt_sysfs = kern_mount(type);
	put_filesystem(type);
	return PTR_ERR_OR_ZERO(kt_sysfs);
}

static void shdev_test_suite_exit(struct kunit_suite *suite)
{
	if (!IS_ERR_OR_NULL(kt_sysfs))
		kern_unmount(kt_sysfs);
	shdev_peer_unregister(&kt_untrusted);
	shdev_peer_unregister(&kt_peer2);
	shdev_peer_unregister(&kt_peer);
}

static int shdev_test_init(struct kunit *test)
{
	return kunit_platform_driver_register(test, &kt_driver);
}

static void shdev_test_exit(struct kunit *test)
{
	kt_set_faults(0, 0);
}

static struct kunit_case shdev_core_cases[] = {
	KUNIT_CASE(shdev_test_register_local),
	KUNIT_CASE(shdev_test_register_needs_callbacks),
	KUNIT_CASE(shdev_test_release_reclaim),
	KUNIT_CASE(shdev_test_same_state_is_noop),
	KUNIT_CASE(shdev_test_quiesce_fails),
	KUNIT_CASE(shdev_test_backend_release_fails),
	KUNIT_CASE(shdev_test_reclaim_fails_lost),
	KUNIT_CASE(shdev_test_validate_fails_lost),
	KUNIT_CASE(shdev_test_resume_fails_lost),
	KUNIT_CASE(shdev_test_rollback_fails_lost),
	KUNIT_CASE(shdev_test_untrusted_needs_sanitize),
	KUNIT_CASE(shdev_test_untrusted_sanitizes),
	KUNIT_CASE(shdev_test_untrusted_sanitize_fails),
	KUNIT_CASE(shdev_test_peer_death),
	KUNIT_CASE(shdev_test_peer_death_while_lost),
	KUNIT_CASE(shdev_test_system_sleep),
	KUNIT_CASE(shdev_test_power_held),
	KUNIT_CASE(shdev_test_unbind_reclaims),
	KUNIT_CASE(shdev_test_unbind_resume_fails),
	KUNIT_CASE(shdev_test_unbind_reclaim_fails),
	KUNIT_CASE(shdev_test_in_flight),
	KUNIT_CASE(shdev_test_peer_unregister_busy),
	KUNIT_CASE(shdev_test_peer_names),
	KUNIT_CASE(shdev_test_gate_waits),
	KUNIT_CASE(shdev_test_gate_nests),
	KUNIT_CASE(shdev_test_poll_wakes),
	KUNIT_CASE(shdev_test_bad_input),
	KUNIT_CASE(shdev_test_no_mmio_while_away),
	KUNIT_CASE(shdev_test_no_leaks),
	KUNIT_CASE_SLOW(shdev_test_race),
	{}
};

static struct kunit_suite shdev_core_suite = {
	.name = "shdev_core",
	.suite_init = shdev_test_suite_init,
	.suite_exit = shdev_test_suite_exit,
	.init = shdev_test_init,
	.exit = shdev_test_exit,
	.test_cases = shdev_core_cases,
};

kunit_test_suite(shdev_core_suite);

MODULE_DESCRIPTION("KUnit tests of the shdev core");
MODULE_LICENSE("GPL");
