// SPDX-License-Identifier: GPL-2.0
/*
 * shdev benchmark, run by `make bench` in its own UML kernel without the
 * debugging options of the tests.  Prints figures; decides nothing.
 *
 *  - the hardware gate, shdev_enter() + shdev_exit(), next to
 *    drm_dev_enter() + drm_dev_exit() and an uncontended spinlock;
 *  - release + reclaim round trips of a device with trivial callbacks on
 *    the simulated backend: median and 99th percentile;
 *  - the same for units of 1, 8 and 64 such devices from Devicetree, to
 *    show the cost grows linearly with the members.
 */

#define pr_fmt(fmt) "shdev-bench: " fmt

#include <drm/drm_drv.h>
#include <linux/init.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>

#include "../shdev-internal.h"
#include "../shdev-sim.h"
#include "bench_units.h"

static unsigned int gate_loops = 1000000;
module_param(gate_loops, uint, 0444);
MODULE_PARM_DESC(gate_loops, "enter/exit pairs timed per gate");

static unsigned int round_trips = 2000;
module_param(round_trips, uint, 0444);
MODULE_PARM_DESC(round_trips, "release + reclaim round trips timed");

static struct shdev_peer bench_peer = { .name = "bench-peer" };

static int bench_quiesce(struct shdev *sd)
{
	return 0;
}

static int bench_resume(struct shdev *sd)
{
	return 0;
}

static const struct shdev_ops bench_ops = {
	.quiesce = bench_quiesce,
	.resume = bench_resume,
};

static int bench_probe(struct platform_device *pdev)
{
	struct shdev *sd = devm_shdev_register(pdev, &bench_ops, NULL);

	if (IS_ERR(sd))
		return PTR_ERR(sd);
	platform_set_drvdata(pdev, sd);
	return 0;
}

static const struct of_device_id bench_of_match[] = {
	{ .compatible = "test,shdev-kt" },
	{ }
};

static struct platform_driver bench_driver = {
	.probe = bench_probe,
	.driver = {
		.name = "shdev-bench",
		.of_match_table = bench_of_match,
	},
};

static const struct drm_driver bench_drm_driver = {
	.name = "shdev-bench",
	.desc = "shdev benchmark",
};

/* Tenths of a nanosecond per operation since @start. */
static u64 bench_dns_per_op(ktime_t start, unsigned int loops)
{
	return div_u64(ktime_to_ns(ktime_sub(ktime_get(), start)) * 10, loops);
}

static void bench_print(const char *what, u64 dns)
{
	pr_info("gate %s: %llu.%llu ns\n", what, dns / 10, dns % 10);
}

static u64 bench_shdev_gate(struct shdev *sd)
{
	ktime_t start = ktime_get();
	unsigned int i;
	int idx;

	for (i = 0; i < gate_loops; i++) {
		if (shdev_enter(sd, &idx))
			shdev_exit(sd, idx);
	}
	return bench_dns_per_op(start, gate_loops);
}

static u64 bench_drm_gate(struct drm_device *drm)
{
	ktime_t start = ktime_get();
	unsigned int i;
	int idx;

	for (i = 0; i < gate_loops; i++) {
		if (drm_dev_enter(drm, &idx))
			drm_dev_exit(idx);
	}
	return bench_dns_per_op(start, gate_loops);
}

static u64 bench_spinlock(void)
{
	DEFINE_SPINLOCK(lock);
	ktime_t start = ktime_get();
	unsigned int i;

	for (i = 0; i < gate_loops; i++) {
		spin_lock(&lock);
		spin_unlock(&lock);
	}
	return bench_dns_per_op(start, gate_loops);
}

/* Interleaved rounds; the best of each, the least disturbed. */
static void bench_gates(struct shdev *sd, struct drm_device *drm)
{
	u64 shdev = U64_MAX, dev = U64_MAX, lock = U64_MAX;
	int round;

	for (round = 0; round < 5; round++) {
		shdev = min(shdev, bench_shdev_gate(sd));
		dev = min(dev, bench_drm_gate(drm));
		lock = min(lock, bench_spinlock());
	}
	bench_print("shdev_enter+shdev_exit", shdev);
	bench_print("drm_dev_enter+drm_dev_exit", dev);
	bench_print("spin_lock+spin_unlock", lock);
}

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Time @n round trips; the median in @median, the 99th percentile in @p99. */
static int bench_time(struct shdev *sd, unsigned int n, u64 *median, u64 *p99)
{
	unsigned int i;
	int ret = 0;
	u64 *ns;

	ns = kcalloc(n, sizeof(*ns), GFP_KERNEL);
	if (!ns)
		return -ENOMEM;

	for (i = 0; i < n; i++) {
		ktime_t start = ktime_get();

		ret = shdev_release(sd, &bench_peer);
		if (!ret)
			ret = shdev_reclaim(sd);
		if (ret) {
			pr_err("round trip %u failed: %d\n", i, ret);
			goto out;
		}
		ns[i] = ktime_to_ns(ktime_sub(ktime_get(), start));
	}
	sort(ns, n, sizeof(*ns), bench_cmp_u64, NULL);
	*median = ns[n / 2];
	*p99 = ns[n * 99 / 100];
out:
	kfree(ns);
	return ret;
}

static void bench_round_trips(struct shdev *sd)
{
	unsigned int n = max(round_trips, 100U);
	u64 median, p99;

	if (!bench_time(sd, n, &median, &p99))
		pr_info("round trip release+reclaim (sim, %u trips): median %llu ns, p99 %llu ns\n",
			n, median, p99);
}

/* The shared device of the first member of the unit of @size. */
static struct shdev *bench_unit_member(unsigned int size)
{
	struct platform_device *pdev;
	struct device_node *np;
	char path[32];
	struct shdev *sd;

	snprintf(path, sizeof(path), "/shdev-bench-%u-0", size);
	np = of_find_node_by_path(path);
	if (!np)
		return NULL;
	pdev = of_find_device_by_node(np);
	of_node_put(np);
	if (!pdev)
		return NULL;
	sd = platform_get_drvdata(pdev);
	put_device(&pdev->dev);
	return sd;
}

static void bench_units(void)
{
	static const unsigned int sizes[] = { 1, 8, 64 };
	u64 median[ARRAY_SIZE(sizes)], p99;
	int ovcs = 0, ret;
	unsigned int i;

	ret = of_overlay_fdt_apply(__dtbo_bench_units_begin,
				   __dtbo_bench_units_end -
				   __dtbo_bench_units_begin, &ovcs, NULL);
	if (ret) {
		pr_err("units: overlay: %d\n", ret);
		return;
	}
	/* Members defer until their unit probed. */
	wait_for_device_probe();

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct shdev *sd = bench_unit_member(sizes[i]);

		if (!sd || bench_time(sd, 200, &median[i], &p99)) {
			pr_err("units: unit of %u not ready\n", sizes[i]);
			goto out;
		}
		pr_info("round trip of a unit of %u: median %llu ns, p99 %llu ns, %llu ns per device\n",
			sizes[i], median[i], p99, div_u64(median[i], sizes[i]));
	}
	pr_info("unit of 64 costs %llu.%02llu times a unit of 1 (linear: 64, target: at most 70.4)\n",
		div_u64(median[2], median[0]),
		div_u64(median[2] * 100, median[0]) % 100);
out:
	of_overlay_remove(&ovcs);
}

static int __init bench_init(void)
{
	struct platform_device *pdev;
	struct drm_device *drm;
	struct shdev *sd;
	int ret;

	bench_peer.backend = shdev_sim_backend();
	ret = shdev_peer_register(&bench_peer);
	if (ret)
		return ret;
	ret = platform_driver_register(&bench_driver);
	if (ret)
		goto out_peer;
	pdev = platform_device_register_simple("shdev-bench", -1, NULL, 0);
	if (IS_ERR(pdev)) {
		ret = PTR_ERR(pdev);
		goto out_driver;
	}
	sd = platform_get_drvdata(pdev);
	if (!sd) {
		ret = -ENODEV;
		goto out_device;
	}
	drm = drm_dev_alloc(&bench_drm_driver, &pdev->dev);
	if (IS_ERR(drm)) {
		ret = PTR_ERR(drm);
		goto out_device;
	}

	bench_gates(sd, drm);
	bench_round_trips(sd);
	if (IS_ENABLED(CONFIG_OF_OVERLAY))
		bench_units();
	pr_info("done\n");

	drm_dev_put(drm);
out_device:
	platform_device_unregister(pdev);
out_driver:
	platform_driver_unregister(&bench_driver);
out_peer:
	shdev_peer_unregister(&bench_peer);
	return ret;
}

/* After deferred probing is enabled: unit members defer at first. */
late_initcall_sync(bench_init);

MODULE_DESCRIPTION("shdev benchmark");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SHDEV);
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
