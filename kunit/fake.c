// SPDX-License-Identifier: GPL-2.0
/*
 * The fake driver and device shared by the project's KUnit suites.
 */

#include <kunit/platform_device.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/mount.h>
#include <linux/of.h>
#include <linux/pm_runtime.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "fake.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_IMPORT_NS(SHDEV);

struct shdev_peer kt_peer = { .name = "kt-peer" };
struct shdev_peer kt_peer2 = { .name = "kt-peer2" };
struct shdev_peer kt_untrusted = {
	.name = "kt-untrusted",
	.untrusted = true,
};

struct vfsmount *kt_sysfs;
static atomic_t kt_seq = ATOMIC_INIT(0);

void kt_log(struct kt_dev *kt, const char *what)
{
	mutex_lock(&kt->log_lock);
	if (kt->log[0])
		strlcat(kt->log, ",", sizeof(kt->log));
	strlcat(kt->log, what, sizeof(kt->log));
	mutex_unlock(&kt->log_lock);
}

void kt_log_clear(struct kt_dev *kt)
{
	mutex_lock(&kt->log_lock);
	kt->log[0] = '\0';
	mutex_unlock(&kt->log_lock);
}

bool kt_log_has(struct kt_dev *kt, const char *what)
{
	bool found;

	mutex_lock(&kt->log_lock);
	found = strstr(kt->log, what);
	mutex_unlock(&kt->log_lock);
	return found;
}

/* A hardware access of the fake driver, inside the gate as required. */
int kt_hw_access(struct kt_dev *kt)
{
	int idx;

	if (!shdev_enter(kt->sd, &idx))
		return -ENODEV;
	if (kt->regs)
		readl(kt->regs);
	shdev_exit(kt->sd, idx);
	return 0;
}

int kt_quiesce(struct shdev *sd)
{
	struct kt_dev *kt = shdev_get_drvdata(sd);

	kt_log(kt, "quiesce");
	/* The gate is open: what is in flight may still complete. */
	kt->quiesce_access = kt_hw_access(kt);
	complete(&kt->quiesced);
	if (kt->hold_quiesce)
		wait_for_completion(kt->hold_quiesce);
	if (kt->regs)
		writel(0, kt->regs);
	return kt->fail_quiesce;
}

int kt_resume(struct shdev *sd)
{
	struct kt_dev *kt = shdev_get_drvdata(sd);

	kt_log(kt, "resume");
	kt->votes_seen += shdev_sim_votes(sd);
	complete(&kt->resumed);
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
	kt->votes_seen += shdev_sim_votes(sd);
	return kt->fail_sanitize;
}

static int kt_validate(struct shdev *sd)
{
	struct kt_dev *kt = shdev_get_drvdata(sd);

	kt_log(kt, "validate");
	return kt->fail_validate;
}

const struct shdev_ops kt_ops = {
	.quiesce = kt_quiesce,
	.resume = kt_resume,
	.sanitize = kt_sanitize,
	.validate = kt_validate,
};

static const struct shdev_ops kt_ops_minimal = {
	.quiesce = kt_quiesce,
	.resume = kt_resume,
};

/* Fake devices from Devicetree overlays, to be found by node. */
static DEFINE_MUTEX(kt_dt_lock);
static LIST_HEAD(kt_dt_devs);

/* The fake device of a node: bound (kt->sd set) or not yet. */
struct kt_dev *kt_find(struct kunit *test, const char *path)
{
	struct device_node *np = of_find_node_by_path(path);
	struct kt_dev *kt, *found = NULL;

	KUNIT_ASSERT_NOT_NULL_MSG(test, np, "no node %s", path);
	mutex_lock(&kt_dt_lock);
	list_for_each_entry(kt, &kt_dt_devs, dt_node)
		if (kt->pdev->dev.of_node == np)
			found = kt;
	mutex_unlock(&kt_dt_lock);
	of_node_put(np);
	return found;
}

static void kt_dt_forget(void *data)
{
	struct kt_dev *kt = data;

	mutex_lock(&kt_dt_lock);
	list_del(&kt->dt_node);
	mutex_unlock(&kt_dt_lock);
}

/* A device from Devicetree has no platform data: give it a context. */
static struct kt_dev *kt_dt_context(struct platform_device *pdev)
{
	struct kt_dev *kt;

	kt = devm_kzalloc(&pdev->dev, sizeof(*kt), GFP_KERNEL);
	if (!kt)
		return NULL;
	kt->pdev = pdev;
	mutex_init(&kt->log_lock);
	init_completion(&kt->quiesced);
	init_completion(&kt->resumed);
	mutex_lock(&kt_dt_lock);
	list_add_tail(&kt->dt_node, &kt_dt_devs);
	mutex_unlock(&kt_dt_lock);
	if (devm_add_action_or_reset(&pdev->dev, kt_dt_forget, kt))
		return NULL;
	return kt;
}

/* What registering gave the fake devices of Devicetree, by node. */
static DECLARE_WAIT_QUEUE_HEAD(kt_dt_wait);	/* woken by every result */
static atomic_t kt_dt_seq = ATOMIC_INIT(0);	/* results so far */
static struct {
	const struct device_node *np;
	int ret;
} kt_dt_results[16];

static void kt_dt_probe_result(struct platform_device *pdev, int ret)
{
	unsigned int i, slot = 0;

	mutex_lock(&kt_dt_lock);
	for (i = 0; i < ARRAY_SIZE(kt_dt_results); i++) {
		if (kt_dt_results[i].np == pdev->dev.of_node) {
			slot = i;
			break;
		}
		if (!kt_dt_results[i].np)
			slot = i;
	}
	kt_dt_results[slot].np = pdev->dev.of_node;
	kt_dt_results[slot].ret = ret;
	mutex_unlock(&kt_dt_lock);
	atomic_inc(&kt_dt_seq);
	wake_up_all(&kt_dt_wait);
}

/**
 * kt_dt_register_result() - what devm_shdev_register() last gave a node
 * @path: the node's path
 *
 * Return: 0 or its error; -ENOENT when the node never probed.
 */
int kt_dt_register_result(const char *path)
{
	struct device_node *np = of_find_node_by_path(path);
	int ret = -ENOENT;
	unsigned int i;

	mutex_lock(&kt_dt_lock);
	for (i = 0; np && i < ARRAY_SIZE(kt_dt_results); i++)
		if (kt_dt_results[i].np == np)
			ret = kt_dt_results[i].ret;
	mutex_unlock(&kt_dt_lock);
	of_node_put(np);
	return ret;
}

/**
 * kt_dt_wait_result() - wait for a node's probe to end with a result
 * @path: the node's path
 * @ret: the result waited for
 *
 * For probes from a worker (the deferred-probe one, a unit's retry of its
 * members): returns when one ended with @ret.  The bound only turns a
 * hang into a failure.
 *
 * Return: the node's last result.
 */
int kt_dt_wait_result(const char *path, int ret)
{
	int seq, last;

	for (;;) {
		seq = atomic_read(&kt_dt_seq);
		last = kt_dt_register_result(path);
		if (last == ret ||
		    !wait_event_timeout(kt_dt_wait,
					atomic_read(&kt_dt_seq) != seq,
					120 * HZ))
			return last;
	}
}

static int kt_probe(struct platform_device *pdev)
{
	struct kt_dev **pdata = dev_get_platdata(&pdev->dev);
	struct kt_dev *kt = pdata ? *pdata : kt_dt_context(pdev);
	struct shdev *sd;

	if (!kt)
		return -ENOMEM;

	if (kt->map_mmio) {
		kt->regs = devm_platform_ioremap_resource(pdev, 0);
		if (IS_ERR(kt->regs))
			return PTR_ERR(kt->regs);
	}
	if (kt->runtime_pm) {
		int ret = devm_pm_runtime_enable(&pdev->dev);

		if (ret)
			return ret;
	}
	sd = devm_shdev_register(pdev, kt->minimal ? &kt_ops_minimal : &kt_ops,
				 kt);
	if (!pdata)
		kt_dt_probe_result(pdev, PTR_ERR_OR_ZERO(sd));
	if (IS_ERR(sd))
		return PTR_ERR(sd);
	WRITE_ONCE(kt->sd, sd);
	return 0;
}

static void kt_remove(struct platform_device *pdev)
{
	struct kt_dev **pdata = dev_get_platdata(&pdev->dev);

	if (pdata) {
		/* Unplug first: the device is back, or lost, before this. */
		(*pdata)->remove_state = shdev_get_state((*pdata)->sd);
		kt_log(*pdata, "remove");
		WRITE_ONCE((*pdata)->sd, NULL);
		(*pdata)->regs = NULL;
	}
}

static int kt_runtime_suspend(struct device *dev)
{
	return 0;
}

static int kt_runtime_resume(struct device *dev)
{
	struct kt_dev **pdata = dev_get_platdata(dev);

	return pdata ? (*pdata)->fail_runtime_resume : 0;
}

static const struct dev_pm_ops kt_pm_ops = {
	RUNTIME_PM_OPS(kt_runtime_suspend, kt_runtime_resume, NULL)
};

static const struct of_device_id kt_of_match[] = {
	{ .compatible = "test,shdev-kt" },
	{ }
};

static struct platform_driver kt_driver = {
	.probe = kt_probe,
	.remove = kt_remove,
	.driver = {
		.name = "shdev-kt",
		.of_match_table = kt_of_match,
		.pm = pm_ptr(&kt_pm_ops),
	},
};

/* A bound fake device; @setup may set flags before the probe. */
struct kt_dev *kt_create_any(struct kunit *test,
			     void (*setup)(struct kt_dev *kt))
{
	struct platform_device *pdev;
	resource_size_t base;
	struct kt_dev *kt;

	kt = kunit_kzalloc(test, sizeof(*kt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kt);
	kt->test = test;
	mutex_init(&kt->log_lock);
	init_completion(&kt->quiesced);
	init_completion(&kt->resumed);
	if (setup)
		setup(kt);

	/* Two register pages of its own, and an interrupt. */
	if (!kt->nr_res) {
		base = KT_MMIO_BASE + 2 * KT_MMIO_SIZE *
			(atomic_inc_return(&kt_seq) % KT_MMIO_SLOTS);
		kt->res[0] = DEFINE_RES_MEM(base, KT_MMIO_SIZE);
		kt->res[1] = DEFINE_RES_MEM(base + KT_MMIO_SIZE, KT_MMIO_SIZE);
		kt->res[2] = DEFINE_RES_IRQ(7);
		kt->nr_res = KT_NR_RES;
	}
	KUNIT_ASSERT_LE(test, kt->nr_res, KT_MAX_RES);

	pdev = kunit_platform_device_alloc(test, "shdev-kt",
					   PLATFORM_DEVID_AUTO);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pdev);
	KUNIT_ASSERT_EQ(test, platform_device_add_resources(pdev, kt->res,
							    kt->nr_res), 0);
	KUNIT_ASSERT_EQ(test, platform_device_add_data(pdev, &kt, sizeof(kt)),
			0);
	/* The device then owns the reference. */
	if (kt->np)
		device_set_node(&pdev->dev, of_fwnode_handle(kt->np));
	KUNIT_ASSERT_EQ(test, kt_device_add(test, pdev, kt->swnode), 0);
	kt->pdev = pdev;
	return kt;
}

static void kt_swnode_remove(void *data)
{
	device_remove_software_node(data);
}

/**
 * kt_device_add() - add a platform device for the test's duration
 * @test: the test
 * @pdev: from kunit_platform_device_alloc()
 * @swnode: a software node to describe @pdev with, or NULL
 *
 * Return: 0 or the error of adding the device.
 */
int kt_device_add(struct kunit *test, struct platform_device *pdev,
		  const struct software_node *swnode)
{
	int ret;

	if (swnode) {
		ret = device_add_software_node(&pdev->dev, swnode);
		if (ret)
			return ret;
	}
	ret = kunit_platform_device_add(test, pdev);
	if (ret) {
		device_remove_software_node(&pdev->dev);
		return ret;
	}
	/* Runs first, before the device goes. */
	if (swnode)
		ret = kunit_add_action_or_reset(test, kt_swnode_remove,
						&pdev->dev);
	return ret;
}

/* A fake device bound to the fake driver. */
struct kt_dev *kt_create(struct kunit *test, void (*setup)(struct kt_dev *kt))
{
	struct kt_dev *kt = kt_create_any(test, setup);

	KUNIT_ASSERT_NOT_NULL_MSG(test, READ_ONCE(kt->sd), "probe failed");
	return kt;
}

/* Open attribute @attr of @dev through the private sysfs mount. */
struct file *kt_sysfs_open(struct device *dev, const char *attr, int flags)
{
	struct file *file;
	char *kpath, *path;

	kpath = kobject_get_path(&dev->kobj, GFP_KERNEL);
	if (!kpath)
		return ERR_PTR(-ENOMEM);
	/* Relative to the mount: without the leading '/'. */
	path = kasprintf(GFP_KERNEL, "%s/%s", kpath + 1, attr);
	kfree(kpath);
	if (!path)
		return ERR_PTR(-ENOMEM);
	file = file_open_root_mnt(kt_sysfs, path, flags, 0);
	kfree(path);
	return file;
}

/* Write @len bytes to attribute @attr of @dev, as a user's write(2). */
ssize_t kt_sysfs_write(struct device *dev, const char *attr, const char *buf,
		       size_t len)
{
	struct file *file = kt_sysfs_open(dev, attr, O_WRONLY);
	loff_t pos = 0;
	ssize_t ret;

	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = kernel_write(file, buf, len, &pos);
	fput(file);
	return ret;
}

/* Write to the device's ownership attribute through sysfs. */
ssize_t kt_write_len(struct kt_dev *kt, const char *buf, size_t len)
{
	return kt_sysfs_write(&kt->pdev->dev, "ownership", buf, len);
}

ssize_t kt_write(struct kt_dev *kt, const char *buf)
{
	return kt_write_len(kt, buf, strlen(buf));
}

void kt_expect_owner(struct kunit *test, struct kt_dev *kt, const char *owner)
{
	struct file *file = kt_sysfs_open(&kt->pdev->dev, "ownership",
					  O_RDONLY);
	char buf[64] = "";
	loff_t pos = 0;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	KUNIT_EXPECT_GT(test, kernel_read(file, buf, sizeof(buf) - 1, &pos),
			0);
	fput(file);
	KUNIT_EXPECT_STREQ(test, strim(buf), owner);
}

struct shdev_stats kt_stats(struct kt_dev *kt)
{
	struct shdev_stats stats;

	shdev_get_stats(kt->sd, &stats);
	return stats;
}

void kt_expect_local(struct kunit *test, struct kt_dev *kt)
{
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOCAL);
	KUNIT_EXPECT_EQ(test, shdev_sim_held(NULL, kt->sd), 0);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), 0);
}

void kt_expect_remote(struct kunit *test, struct kt_dev *kt,
		      struct shdev_peer *peer)
{
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_REMOTE);
	KUNIT_EXPECT_EQ(test, shdev_sim_held(peer, kt->sd),
			shdev_num_resources(kt->sd));
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
}

static void kt_faults_clear(void *peer)
{
	shdev_sim_peer_faults(peer, NULL);
}

/**
 * kt_faults() - the simulated backend injects @faults for @peer
 * @test: the test, at whose end the faults go
 * @peer: a peer of the simulated backend
 * @faults: what to inject; NULL for nothing
 *
 * The faults are @peer's only and end with the test, passed or failed:
 * nothing a test injects reaches the next.
 */
void kt_faults(struct kunit *test, struct shdev_peer *peer,
	       const struct shdev_sim_faults *faults)
{
	KUNIT_ASSERT_EQ(test, shdev_sim_peer_faults(peer, faults), 0);
	if (faults)
		KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
								kt_faults_clear,
								peer), 0);
}

/* The backend fails at resource @release_at of a release, or @reclaim_at. */
void kt_fail(struct kunit *test, struct shdev_peer *peer, u32 release_at,
	     u32 reclaim_at)
{
	struct shdev_sim_faults f = {
		.fail_release_at = release_at,
		.fail_reclaim_at = reclaim_at,
	};

	kt_faults(test, peer, release_at || reclaim_at ? &f : NULL);
}

/*
 * Wait for what the code under test signals.  The bound is no timing of
 * the test: it only turns a hang into a failure before the suite's own
 * timeout.
 */
void kt_wait(struct kunit *test, struct completion *done)
{
	KUNIT_ASSERT_TRUE_MSG(test, wait_for_completion_timeout(done, 120 * HZ),
			      "hung");
}

static int kt_consumer_freeze(struct shdev_consumer *c)
{
	struct kt_consumer *kc = container_of(c, struct kt_consumer, c);
	char what[32];

	snprintf(what, sizeof(what), "freeze:%s", kc->name);
	kt_log(kc->kt, what);
	if (!kc->fail)
		kc->frozen++;
	return kc->fail;
}

static void kt_consumer_thaw(struct shdev_consumer *c)
{
	struct kt_consumer *kc = container_of(c, struct kt_consumer, c);
	char what[32];

	snprintf(what, sizeof(what), "thaw:%s", kc->name);
	kt_log(kc->kt, what);
	kc->frozen--;
}

static void kt_consumer_detach(struct shdev_consumer *c)
{
	struct kt_consumer *kc = container_of(c, struct kt_consumer, c);
	char what[32];

	snprintf(what, sizeof(what), "detach:%s", kc->name);
	kt_log(kc->kt, what);
}

static const struct shdev_consumer_ops kt_consumer_ops = {
	.name = "test",
	.freeze = kt_consumer_freeze,
	.thaw = kt_consumer_thaw,
	.detach = kt_consumer_detach,
};

static void kt_consumer_remove(void *dev)
{
	shdev_consumer_remove(dev);
}

/**
 * kt_consumer_add() - stack a generic consumer on a fake device
 * @test: the test, at whose end it is removed
 * @kt: the fake device
 * @name: its name in @kt's log ("freeze:name", "thaw:name", "detach:name")
 *
 * Return: the consumer.
 */
struct kt_consumer *kt_consumer_add(struct kunit *test, struct kt_dev *kt,
				    const char *name)
{
	struct kt_consumer *kc = kunit_kzalloc(test, sizeof(*kc), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, kc);
	kc->kt = kt;
	kc->name = name;
	kc->c.ops = &kt_consumer_ops;
	kc->c.dev = &kt->pdev->dev;
	KUNIT_ASSERT_EQ(test, shdev_consumer_add(kt->sd, &kc->c), 0);
	/* Gone before kc is freed. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							kt_consumer_remove,
							&kt->pdev->dev), 0);
	return kc;
}

void kt_minimal(struct kt_dev *kt)
{
	kt->minimal = true;
}

int kt_suite_init(struct kunit_suite *suite)
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

void kt_suite_exit(struct kunit_suite *suite)
{
	if (!IS_ERR_OR_NULL(kt_sysfs))
		kern_unmount(kt_sysfs);
	shdev_peer_unregister(&kt_untrusted);
	shdev_peer_unregister(&kt_peer2);
	shdev_peer_unregister(&kt_peer);
}

int kt_test_init(struct kunit *test)
{
	return kunit_platform_driver_register(test, &kt_driver);
}
