// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of units described in Devicetree, applied as overlays: the
 * binding's parsing and rejections, units of 1, 3 and 64 fake devices,
 * rollback of the whole unit from a failure at each member and step, and
 * the resources a unit keeps on while away; and of a unit described by
 * software nodes, as platform code without Devicetree does.
 */

#include <kunit/of.h>
#include <kunit/platform_device.h>
#include <kunit/test.h>
#include <linux/clk.h>
#include <linux/clk-provider.h>
#include <linux/delay.h>
#include <linux/device/driver.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/interconnect-provider.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/mount.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/slab.h>

#include "fake.h"
#include "../shdev-sim.h"

/*
 * Apply an overlay and let its devices probe: members defer until their
 * unit has probed, and are retried from the deferred-probe worker.
 */
#define ku_apply(test, overlay) ({					\
	int __ret = of_overlay_apply_kunit(test, overlay);		\
									\
	wait_for_device_probe();					\
	__ret;								\
})

/* The unit's own platform device, from its node. */
static struct device *ku_unit_dev(struct kunit *test, const char *path)
{
	struct device_node *np = of_find_node_by_path(path);
	struct platform_device *pdev;

	KUNIT_ASSERT_NOT_NULL(test, np);
	pdev = of_find_device_by_node(np);
	of_node_put(np);
	KUNIT_ASSERT_NOT_NULL(test, pdev);
	/* The device lives as long as the overlay; drop the reference. */
	put_device(&pdev->dev);
	return &pdev->dev;
}

/* Write @buf to @dev's ownership attribute through sysfs. */
static ssize_t ku_write(struct device *dev, const char *buf)
{
	return kt_sysfs_write(dev, "ownership", buf, strlen(buf));
}

/* Find the @n bound fake devices named by @paths. */
static void ku_members(struct kunit *test, const char * const *paths,
		       struct kt_dev **kt, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		kt[i] = kt_find(test, paths[i]);
		KUNIT_ASSERT_NOT_NULL_MSG(test, kt[i], "%s not probed",
					  paths[i]);
		KUNIT_ASSERT_NOT_NULL_MSG(test, kt[i]->sd, "%s not bound",
					  paths[i]);
	}
}

static const char * const ku_trio[] = {
	"/shdev-kt-a", "/shdev-kt-b", "/shdev-kt-c",
};

static void ku_clear(struct kt_dev **kt, int n)
{
	int i;

	for (i = 0; i < n; i++)
		kt_log_clear(kt[i]);
}

/*
 * A test interconnect ("test,shdev-kt-noc"): one path, from its node 0 to
 * its node 1, whose aggregated votes the tests read on node 1.
 */
#define KU_NOC_ID	0x5d0c0		/* node ids are global */

static struct icc_node *ku_noc_dst;
static int ku_noc_fail;		/* what the provider answers a vote with */

static int ku_noc_set(struct icc_node *src, struct icc_node *dst)
{
	return READ_ONCE(ku_noc_fail);
}

static void ku_noc_heal(void *unused)
{
	WRITE_ONCE(ku_noc_fail, 0);
}

/* The interconnect refuses votes with @err until the test ends. */
static void ku_noc_refuse(struct kunit *test, int err)
{
	WRITE_ONCE(ku_noc_fail, err);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ku_noc_heal,
							NULL), 0);
}

/* Nothing is voted at first: no boot-time floor until sync_state. */
static int ku_noc_get_bw(struct icc_node *node, u32 *avg, u32 *peak)
{
	*avg = 0;
	*peak = 0;
	return 0;
}

static int ku_noc_probe(struct platform_device *pdev)
{
	struct icc_onecell_data *data;
	struct icc_provider *p;
	int i, ret;

	p = devm_kzalloc(&pdev->dev, sizeof(*p), GFP_KERNEL);
	data = devm_kzalloc(&pdev->dev, struct_size(data, nodes, 2),
			    GFP_KERNEL);
	if (!p || !data)
		return -ENOMEM;
	data->num_nodes = 2;
	p->dev = &pdev->dev;
	p->set = ku_noc_set;
	p->get_bw = ku_noc_get_bw;
	p->aggregate = icc_std_aggregate;
	p->xlate = of_icc_xlate_onecell;
	p->data = data;
	icc_provider_init(p);
	for (i = 0; i < 2; i++) {
		data->nodes[i] = icc_node_create(KU_NOC_ID + i);
		if (IS_ERR(data->nodes[i])) {
			ret = PTR_ERR(data->nodes[i]);
			goto err;
		}
		data->nodes[i]->name = i ? "shdev-kt-dst" : "shdev-kt-src";
		icc_node_add(data->nodes[i], p);
	}
	ret = icc_link_create(data->nodes[0], KU_NOC_ID + 1);
	if (ret)
		goto err;
	ret = icc_provider_register(p);
	if (ret)
		goto err;
	platform_set_drvdata(pdev, p);
	ku_noc_dst = data->nodes[1];
	return 0;

err:
	icc_nodes_remove(p);
	return ret;
}

static void ku_noc_remove(struct platform_device *pdev)
{
	struct icc_provider *p = platform_get_drvdata(pdev);

	ku_noc_dst = NULL;
	icc_provider_deregister(p);
	icc_nodes_remove(p);
}

static const struct of_device_id ku_noc_match[] = {
	{ .compatible = "test,shdev-kt-noc" },
	{ }
};

static struct platform_driver ku_noc_driver = {
	.probe = ku_noc_probe,
	.remove = ku_noc_remove,
	.driver = {
		.name = "shdev-kt-noc",
		.of_match_table = ku_noc_match,
	},
};

static int ku_suite_init(struct kunit_suite *suite)
{
	int ret = kt_suite_init(suite);

	if (ret)
		return ret;
	ret = platform_driver_register(&ku_noc_driver);
	if (ret)
		kt_suite_exit(suite);
	return ret;
}

static void ku_suite_exit(struct kunit_suite *suite)
{
	platform_driver_unregister(&ku_noc_driver);
	kt_suite_exit(suite);
}

/* The peak bandwidth voted on the test interconnect's path. */
static u32 ku_noc_peak(struct kunit *test)
{
	KUNIT_ASSERT_NOT_NULL(test, ku_noc_dst);
	return ku_noc_dst->peak_bw;
}

static struct clk *ku_clock(struct kunit *test)
{
	struct device_node *np = of_find_node_by_path("/shdev-kt-trio");
	struct clk *clk;

	KUNIT_ASSERT_NOT_NULL(test, np);
	clk = of_clk_get(np, 0);
	of_node_put(np);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, clk);
	return clk;
}

static void shdev_unit_test_trio(struct kunit *test)
{
	struct kt_dev *kt[3];
	struct device *unit;
	struct clk *clk;
	int i;

	KUNIT_ASSERT_EQ(test, ku_apply(test, units), 0);
	ku_members(test, ku_trio, kt, 3);
	unit = ku_unit_dev(test, "/shdev-kt-trio");
	clk = ku_clock(test);
	KUNIT_EXPECT_FALSE(test, __clk_is_enabled(clk));
	KUNIT_EXPECT_EQ(test, ku_noc_peak(test), 0);

	/* The unit's attribute moves every member. */
	KUNIT_ASSERT_EQ(test, ku_write(unit, "kt-peer"), 7);
	for (i = 0; i < 3; i++) {
		kt_expect_remote(test, kt[i], &kt_peer);
		kt_expect_owner(test, kt[i], "kt-peer");
		KUNIT_EXPECT_STREQ(test, kt[i]->log, "quiesce");
	}
	KUNIT_EXPECT_TRUE(test, __clk_is_enabled(clk));
	KUNIT_EXPECT_EQ(test, ku_noc_peak(test), 150000);

	/* So does a member's. */
	KUNIT_ASSERT_EQ(test, kt_write(kt[1], "local"), 5);
	for (i = 0; i < 3; i++) {
		kt_expect_local(test, kt[i]);
		KUNIT_EXPECT_STREQ(test, kt[i]->log, "quiesce,validate,resume");
	}
	KUNIT_EXPECT_FALSE(test, __clk_is_enabled(clk));
	KUNIT_EXPECT_EQ(test, ku_noc_peak(test), 0);
	clk_put(clk);
}

static void shdev_unit_test_sizes(struct kunit *test)
{
	static const char * const solo[] = { "/shdev-kt-solo" };
	struct kt_dev *one[1], **many;
	char path[32];
	u64 gp;
	int i;

	KUNIT_ASSERT_EQ(test, ku_apply(test, units), 0);
	ku_members(test, solo, one, 1);
	KUNIT_ASSERT_EQ(test, shdev_release(one[0]->sd, &kt_peer), 0);
	kt_expect_remote(test, one[0], &kt_peer);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(one[0]->sd), 0);
	kt_expect_local(test, one[0]);

	KUNIT_ASSERT_EQ(test, ku_apply(test, unit64), 0);
	many = kunit_kcalloc(test, SHDEV_UNIT_MAX, sizeof(*many), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, many);
	for (i = 0; i < SHDEV_UNIT_MAX; i++) {
		snprintf(path, sizeof(path), "/shdev-kt-m%d", i);
		many[i] = kt_find(test, path);
		KUNIT_ASSERT_NOT_NULL(test, many[i]);
		KUNIT_ASSERT_NOT_NULL(test, many[i]->sd);
	}
	gp = kt_stats(many[0]).grace_periods;
	KUNIT_ASSERT_EQ(test, shdev_release(many[17]->sd, &kt_peer), 0);
	for (i = 0; i < SHDEV_UNIT_MAX; i++)
		kt_expect_remote(test, many[i], &kt_peer);
	/* Every gate closed, then one wait for all their readers. */
	KUNIT_EXPECT_EQ(test, kt_stats(many[0]).grace_periods, gp + 1);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(many[63]->sd), 0);
	for (i = 0; i < SHDEV_UNIT_MAX; i++) {
		kt_expect_local(test, many[i]);
		KUNIT_EXPECT_STREQ(test, many[i]->log,
				   "quiesce,validate,resume");
	}
}

/*
 * The unit's "hold" step fails (its interconnect refuses the vote): what
 * it turned on is off again, and no member was touched.
 */
static void shdev_unit_test_hold_rollback(struct kunit *test)
{
	struct kt_dev *kt[3];
	struct device *unit;
	struct clk *clk;
	u64 calls;
	int i;

	KUNIT_ASSERT_EQ(test, ku_apply(test, units), 0);
	ku_members(test, ku_trio, kt, 3);
	unit = ku_unit_dev(test, "/shdev-kt-trio");
	clk = ku_clock(test);
	ku_noc_refuse(test, -EIO);
	calls = shdev_sim_calls();
	KUNIT_EXPECT_EQ(test, ku_write(unit, "kt-peer"), -EIO);
	for (i = 0; i < 3; i++) {
		kt_expect_local(test, kt[i]);
		KUNIT_EXPECT_STREQ(test, kt[i]->log, "");
	}
	KUNIT_EXPECT_FALSE(test, __clk_is_enabled(clk));
	KUNIT_EXPECT_EQ(test, shdev_sim_calls(), calls);

	/* Nothing is left half-done: without the fault it moves. */
	kunit_release_action(test, ku_noc_heal, NULL);
	KUNIT_EXPECT_EQ(test, ku_write(unit, "kt-peer"), 7);
	KUNIT_EXPECT_TRUE(test, __clk_is_enabled(clk));
	KUNIT_EXPECT_EQ(test, ku_write(unit, "local"), 5);
	KUNIT_EXPECT_FALSE(test, __clk_is_enabled(clk));
	clk_put(clk);
}

/* A quiesce failing at each member in turn rolls the whole unit back. */
static void shdev_unit_test_quiesce_rollback(struct kunit *test)
{
	struct kt_dev *kt[3];
	int k, i;

	KUNIT_ASSERT_EQ(test, ku_apply(test, units), 0);
	ku_members(test, ku_trio, kt, 3);
	for (k = 0; k < 3; k++) {
		ku_clear(kt, 3);
		kt[k]->fail_quiesce = -EIO;
		KUNIT_EXPECT_EQ(test, shdev_release(kt[0]->sd, &kt_peer), -EIO);
		kt[k]->fail_quiesce = 0;
		for (i = 0; i < 3; i++) {
			kt_expect_local(test, kt[i]);
			KUNIT_EXPECT_STREQ_MSG(test, kt[i]->log,
					       i < k ? "quiesce,resume" :
					       i == k ? "quiesce" : "",
					       "failing member %d", k);
		}
	}
}

/* The backend failing at each member: the others are taken back. */
static void shdev_unit_test_backend_rollback(struct kunit *test)
{
	struct shdev_sim_faults faults = { .fail_release_at = 1 };
	struct kt_dev *kt[3];
	int k, i;

	KUNIT_ASSERT_EQ(test, ku_apply(test, units), 0);
	ku_members(test, ku_trio, kt, 3);
	for (k = 0; k < 3; k++) {
		ku_clear(kt, 3);
		faults.fail_dev = dev_name(&kt[k]->pdev->dev);
		kt_faults(test, &kt_peer, &faults);
		KUNIT_EXPECT_EQ(test, shdev_release(kt[0]->sd, &kt_peer), -EIO);
		kt_faults(test, &kt_peer, NULL);
		/* Members that had left are validated on their way back. */
		for (i = 0; i < 3; i++) {
			kt_expect_local(test, kt[i]);
			KUNIT_EXPECT_STREQ_MSG(test, kt[i]->log,
					       i < k ? "quiesce,validate,resume" :
					       "quiesce,resume",
					       "failing member %d", k);
		}
	}
}

/* A consumer of one member failing to freeze: nobody was quiesced. */
static int ku_freeze_fails(struct shdev_consumer *c)
{
	return -EIO;
}

static void ku_nothing(struct shdev_consumer *c)
{
}

static const struct shdev_consumer_ops ku_failing_ops = {
	.name = "test",
	.freeze = ku_freeze_fails,
	.thaw = ku_nothing,
	.detach = ku_nothing,
};

static void shdev_unit_test_consumer_rollback(struct kunit *test)
{
	struct shdev_consumer c = { .ops = &ku_failing_ops };
	struct kt_dev *kt[3];
	int k, i;

	KUNIT_ASSERT_EQ(test, ku_apply(test, units), 0);
	ku_members(test, ku_trio, kt, 3);
	for (k = 0; k < 3; k++) {
		ku_clear(kt, 3);
		c.dev = &kt[k]->pdev->dev;
		KUNIT_ASSERT_EQ(test, shdev_consumer_add(kt[k]->sd, &c), 0);
		KUNIT_EXPECT_EQ(test, shdev_release(kt[0]->sd, &kt_peer), -EIO);
		shdev_consumer_del(kt[k]->sd, &c);
		for (i = 0; i < 3; i++) {
			kt_expect_local(test, kt[i]);
			KUNIT_EXPECT_STREQ(test, kt[i]->log, "");
		}
	}
}

/* A sanitize failing at each member: every member resumes again. */
static void shdev_unit_test_sanitize_rollback(struct kunit *test)
{
	struct kt_dev *kt[3];
	int k, i;

	KUNIT_ASSERT_EQ(test, ku_apply(test, units), 0);
	ku_members(test, ku_trio, kt, 3);
	for (k = 0; k < 3; k++) {
		ku_clear(kt, 3);
		kt[k]->fail_sanitize = -EIO;
		KUNIT_EXPECT_EQ(test, shdev_release(kt[2]->sd, &kt_untrusted),
				-EIO);
		kt[k]->fail_sanitize = 0;
		for (i = 0; i < 3; i++) {
			kt_expect_local(test, kt[i]);
			KUNIT_EXPECT_STREQ_MSG(test, kt[i]->log,
					       i <= k ? "quiesce,sanitize,resume" :
					       "quiesce,resume",
					       "failing member %d", k);
		}
	}
}

/* A validate failing at each member leaves the unit lost until a retry. */
static void shdev_unit_test_validate_lost(struct kunit *test)
{
	struct kt_dev *kt[3];
	int k, i;

	KUNIT_ASSERT_EQ(test, ku_apply(test, units), 0);
	ku_members(test, ku_trio, kt, 3);
	for (k = 0; k < 3; k++) {
		KUNIT_ASSERT_EQ(test, shdev_release(kt[0]->sd, &kt_peer), 0);
		ku_clear(kt, 3);
		kt[k]->fail_validate = -EIO;
		KUNIT_EXPECT_EQ(test, shdev_reclaim(kt[0]->sd), -EIO);
		for (i = 0; i < 3; i++) {
			KUNIT_EXPECT_EQ(test, shdev_get_state(kt[i]->sd),
					SHDEV_LOST);
			KUNIT_EXPECT_EQ(test, kt_hw_access(kt[i]), -ENODEV);
		}
		kt[k]->fail_validate = 0;
		KUNIT_EXPECT_EQ(test, shdev_reclaim(kt[1]->sd), 0);
		for (i = 0; i < 3; i++)
			kt_expect_local(test, kt[i]);
		/* Validated from the last member down; retried where it failed. */
		KUNIT_EXPECT_STREQ(test, kt[k]->log, "validate,validate,resume");
	}
}

/* Only the peers the unit names, under their ids, may take it. */
static void shdev_unit_test_peers(struct kunit *test)
{
	static const char * const solo[] = { "/shdev-kt-solo" };
	struct kt_dev *kt[3], *one[1];
	struct device *unit;
	int i;

	KUNIT_ASSERT_EQ(test, ku_apply(test, units), 0);
	ku_members(test, ku_trio, kt, 3);
	ku_members(test, solo, one, 1);
	unit = ku_unit_dev(test, "/shdev-kt-trio");

	/* Named, but kt-peer2's id is 0, not 7. */
	KUNIT_EXPECT_EQ(test, ku_write(unit, "kt-peer2"), -EPERM);
	/* Registered, but not named by the unit. */
	KUNIT_EXPECT_EQ(test, shdev_release(one[0]->sd, &kt_untrusted), -EPERM);
	/* Not registered at all. */
	KUNIT_EXPECT_EQ(test, ku_write(unit, "kt-nobody"), -EINVAL);
	for (i = 0; i < 3; i++) {
		kt_expect_local(test, kt[i]);
		KUNIT_EXPECT_STREQ(test, kt[i]->log, "");
	}
	kt_expect_local(test, one[0]);
	KUNIT_EXPECT_STREQ(test, one[0]->log, "");
}

/* A member's unbind while away takes the whole unit back first. */
static void shdev_unit_test_member_unbind(struct kunit *test)
{
	struct kt_dev *kt[3];
	struct device *b;
	int i;

	KUNIT_ASSERT_EQ(test, ku_apply(test, units), 0);
	ku_members(test, ku_trio, kt, 3);
	b = &kt[1]->pdev->dev;
	KUNIT_ASSERT_EQ(test, shdev_release(kt[0]->sd, &kt_peer), 0);
	device_release_driver(b);
	KUNIT_EXPECT_NULL(test, kt_find(test, "/shdev-kt-b"));
	for (i = 0; i < 3; i += 2) {
		kt_expect_local(test, kt[i]);
		KUNIT_EXPECT_STREQ(test, kt[i]->log, "quiesce,validate,resume");
	}
	/* Incomplete, the unit goes nowhere. */
	KUNIT_EXPECT_EQ(test, shdev_release(kt[0]->sd, &kt_peer), -ENODEV);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt[0]->sd), SHDEV_LOCAL);

	KUNIT_ASSERT_EQ(test, device_attach(b), 1);
	ku_members(test, ku_trio, kt, 3);
	KUNIT_EXPECT_EQ(test, shdev_release(kt[0]->sd, &kt_peer), 0);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt[2]->sd), 0);
}

/* The members are consumers of the unit: they unbind before it. */
static void shdev_unit_test_unit_unbind(struct kunit *test)
{
	struct kt_dev *kt[3];
	struct device *unit;
	int i;

	KUNIT_ASSERT_EQ(test, ku_apply(test, units), 0);
	ku_members(test, ku_trio, kt, 3);
	unit = ku_unit_dev(test, "/shdev-kt-trio");
	KUNIT_ASSERT_EQ(test, shdev_release(kt[0]->sd, &kt_peer), 0);
	device_release_driver(unit);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_NULL(test, kt_find(test, ku_trio[i]));
	KUNIT_EXPECT_EQ(test, shdev_sim_held(&kt_peer, NULL), 0);
}

/*
 * The unit unbinds while its peer keeps every member (their reclaims
 * failed at unbind): its description goes with its driver, the unit stays
 * on record without it, and the peer's death ends it.  KASAN watches the
 * description's memory.
 */
static void shdev_unit_test_unbind_orphans(struct kunit *test)
{
	struct shdev_sim_faults faults = { .fail_reclaim_at = 1 };
	unsigned int devices;
	struct kt_dev *kt[3];
	struct device *unit;
	int i;

	KUNIT_ASSERT_EQ(test, ku_apply(test, units), 0);
	ku_members(test, ku_trio, kt, 3);
	unit = ku_unit_dev(test, "/shdev-kt-trio");
	devices = shdev_nr_devices();
	KUNIT_ASSERT_EQ(test, shdev_release(kt[0]->sd, &kt_peer), 0);
	faults.fail_dev = "shdev-kt-a";
	kt_faults(test, &kt_peer, &faults);
	device_release_driver(unit);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_NULL(test, kt_find(test, ku_trio[i]));
	KUNIT_EXPECT_EQ(test, shdev_nr_devices(), devices);

	/* The peer still holds a: its death brings the unit back. */
	KUNIT_EXPECT_EQ(test, shdev_peer_died(&kt_peer), 3);
	kt_faults(test, &kt_peer, NULL);
	KUNIT_EXPECT_EQ(test, shdev_peer_died(&kt_peer), 0);
	KUNIT_EXPECT_EQ(test, shdev_nr_devices(), devices - 3);

	/* The unit and its members bind again, a unit as before. */
	KUNIT_ASSERT_EQ(test, device_attach(unit), 1);
	for (i = 0; i < 3; i++) {
		struct device_node *np = of_find_node_by_path(ku_trio[i]);
		struct platform_device *pdev = of_find_device_by_node(np);

		of_node_put(np);
		KUNIT_ASSERT_NOT_NULL(test, pdev);
		KUNIT_EXPECT_EQ(test, device_attach(&pdev->dev), 1);
		put_device(&pdev->dev);
	}
	ku_members(test, ku_trio, kt, 3);
	KUNIT_EXPECT_EQ(test, shdev_release(kt[1]->sd, &kt_peer), 0);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt[2]->sd), 0);
}

static void shdev_unit_test_peer_death(struct kunit *test)
{
	struct kt_dev *kt[3];
	int i;

	KUNIT_ASSERT_EQ(test, ku_apply(test, units), 0);
	ku_members(test, ku_trio, kt, 3);
	KUNIT_ASSERT_EQ(test, shdev_release(kt[0]->sd, &kt_peer), 0);
	ku_clear(kt, 3);
	shdev_peer_died(&kt_peer);
	for (i = 0; i < 3; i++) {
		kt_expect_local(test, kt[i]);
		KUNIT_EXPECT_STREQ(test, kt[i]->log,
				   "validate,sanitize,resume");
	}
}

static const char * const ku_received[] = {
	"/shdev-kt-r0", "/shdev-kt-r1",
};

/*
 * The receiving side: a unit its peer owns at boot probes without the
 * hardware and is taken when the peer offers every member with the right
 * resources.
 */
static void shdev_unit_test_receiving(struct kunit *test)
{
	struct resource wrong = DEFINE_RES_MEM(0x5e000000, 0x1000);
	struct kt_dev *kt[2];
	struct device *unit;
	int i;

	KUNIT_ASSERT_EQ(test, ku_apply(test, unit_remote), 0);
	ku_members(test, ku_received, kt, 2);
	unit = ku_unit_dev(test, "/shdev-kt-received");
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, shdev_get_state(kt[i]->sd), SHDEV_REMOTE);
		KUNIT_EXPECT_EQ(test, kt_hw_access(kt[i]), -ENODEV);
		kt_expect_owner(test, kt[i], "kt-peer");
		KUNIT_EXPECT_STREQ(test, kt[i]->log, "");
	}
	/* Nothing else may take it meanwhile. */
	KUNIT_EXPECT_EQ(test, ku_write(unit, "kt-untrusted"), -EBUSY);

	/* An offer from another peer, or of other resources, is refused. */
	KUNIT_EXPECT_EQ(test, shdev_grant(&kt_untrusted, kt[0]->sd, NULL, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt[0]->sd), SHDEV_REMOTE);
	KUNIT_EXPECT_EQ(test, shdev_grant(&kt_peer, kt[0]->sd, &wrong, 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt[1]->sd), SHDEV_REFUSED);
	kt_expect_owner(test, kt[1], "refused");
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt[0]), -ENODEV);
	KUNIT_EXPECT_STREQ(test, kt[0]->log, "");

	/* The right offers: once both members are offered, the unit is ours. */
	KUNIT_EXPECT_EQ(test, shdev_grant(&kt_peer, kt[0]->sd, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt[0]->sd), SHDEV_REMOTE);
	KUNIT_EXPECT_STREQ(test, kt[0]->log, "");
	KUNIT_EXPECT_EQ(test, shdev_grant(&kt_peer, kt[1]->sd, NULL, 0), 0);
	for (i = 0; i < 2; i++) {
		kt_expect_local(test, kt[i]);
		KUNIT_EXPECT_STREQ(test, kt[i]->log, "validate,resume");
	}

	/* From then on it moves like any unit. */
	KUNIT_EXPECT_EQ(test, ku_write(unit, "kt-untrusted"), 12);
	KUNIT_EXPECT_EQ(test, ku_write(unit, "local"), 5);
	kt_expect_local(test, kt[0]);
}

#if IS_ENABLED(CONFIG_GPIO_SIM)
/*
 * The receiving side checks an offer against the member's description in
 * Devicetree: both register ranges, then both interrupts, in that order.
 */
static void shdev_unit_test_receiving_resources(struct kunit *test)
{
	struct resource res[4];
	struct kt_dev *kt;
	int irq[2], i;

	KUNIT_ASSERT_EQ(test, ku_apply(test, unit_granted), 0);
	kt = kt_find(test, "/shdev-kt-bus/device@5e100000");
	KUNIT_ASSERT_NOT_NULL(test, kt);
	KUNIT_ASSERT_NOT_NULL(test, kt->sd);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_REMOTE);
	for (i = 0; i < 2; i++) {
		irq[i] = platform_get_irq(kt->pdev, i);
		KUNIT_ASSERT_GT(test, irq[i], 0);
	}

	/* A range that ends short is refused; nothing reaches the driver. */
	res[0] = DEFINE_RES_MEM(0x5e100000, 0x1000);
	res[1] = DEFINE_RES_MEM(0x5e102000, 0x800);
	res[2] = DEFINE_RES_IRQ(irq[0]);
	res[3] = DEFINE_RES_IRQ(irq[1]);
	KUNIT_EXPECT_EQ(test, shdev_grant(&kt_peer, kt->sd, res, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_REFUSED);
	kt_expect_owner(test, kt, "refused");

	/* So are another interrupt, one interrupt too few, and another order. */
	res[1] = DEFINE_RES_MEM(0x5e102000, 0x1000);
	res[3] = DEFINE_RES_IRQ(irq[1] + 1);
	KUNIT_EXPECT_EQ(test, shdev_grant(&kt_peer, kt->sd, res, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, shdev_grant(&kt_peer, kt->sd, res, 3), -EINVAL);
	res[3] = res[0];
	res[0] = DEFINE_RES_IRQ(irq[1]);
	KUNIT_EXPECT_EQ(test, shdev_grant(&kt_peer, kt->sd, res, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_REFUSED);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
	KUNIT_EXPECT_STREQ(test, kt->log, "");

	/* The description itself is accepted, and the device is ours. */
	res[0] = res[3];
	res[3] = DEFINE_RES_IRQ(irq[1]);
	KUNIT_EXPECT_EQ(test, shdev_grant(&kt_peer, kt->sd, res, 4), 0);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log, "validate,resume");
}
#endif

/* A member leaving before the peer offers it leaves the unit the peer's. */
static void shdev_unit_test_receiving_unbind(struct kunit *test)
{
	struct kt_dev *kt[2];
	struct device *r1;

	KUNIT_ASSERT_EQ(test, ku_apply(test, unit_remote), 0);
	ku_members(test, ku_received, kt, 2);
	r1 = &kt[1]->pdev->dev;
	device_release_driver(r1);
	KUNIT_EXPECT_NULL(test, kt_find(test, "/shdev-kt-r1"));
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt[0]->sd), SHDEV_REMOTE);
	KUNIT_EXPECT_STREQ(test, kt[0]->log, "");

	/* Back again, still away, then offered whole. */
	KUNIT_ASSERT_EQ(test, device_attach(r1), 1);
	ku_members(test, ku_received, kt, 2);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt[1]), -ENODEV);
	KUNIT_EXPECT_EQ(test, shdev_grant(&kt_peer, kt[0]->sd, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, shdev_grant(&kt_peer, kt[1]->sd, NULL, 0), 0);
	kt_expect_local(test, kt[0]);
	kt_expect_local(test, kt[1]);
}

/*
 * A reclaim of a unit its peer owned at boot fails half way: a member's
 * unbind then takes the unit back, as for any unit, instead of leaving it
 * the peer's; a member that cannot come back is kept, and refused a new
 * binding, until the unit is taken back.
 */
static void shdev_unit_test_receiving_half_reclaim(struct kunit *test)
{
	struct kt_dev *kt[2];
	struct device *unit, *r1;

	KUNIT_ASSERT_EQ(test, ku_apply(test, unit_remote), 0);
	ku_members(test, ku_received, kt, 2);
	unit = ku_unit_dev(test, "/shdev-kt-received");
	r1 = &kt[1]->pdev->dev;

	/* Reclaims run backwards: r1 resumes, r0 fails to. */
	kt[0]->fail_resume = -EIO;
	KUNIT_EXPECT_EQ(test, ku_write(unit, "local"), -EIO);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt[0]->sd), SHDEV_LOST);
	KUNIT_EXPECT_STREQ(test, kt[1]->log, "validate,resume");

	device_release_driver(r1);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt[0]->sd), SHDEV_LOST);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt[0]), -ENODEV);
	KUNIT_EXPECT_EQ(test, device_attach(r1), 0);

	kt[0]->fail_resume = 0;
	KUNIT_EXPECT_EQ(test, ku_write(unit, "local"), 5);
	kt_expect_local(test, kt[0]);
	KUNIT_EXPECT_EQ(test, device_attach(r1), 1);
	ku_members(test, ku_received, kt, 2);
	kt_expect_local(test, kt[1]);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt[1]), 0);
}

/* An administrator may take a unit its peer owns at boot, via the backend. */
static void shdev_unit_test_receiving_reclaim(struct kunit *test)
{
	struct kt_dev *kt[2];
	int i;

	KUNIT_ASSERT_EQ(test, ku_apply(test, unit_remote), 0);
	ku_members(test, ku_received, kt, 2);
	KUNIT_EXPECT_EQ(test, ku_write(ku_unit_dev(test, "/shdev-kt-received"),
				       "local"), 5);
	for (i = 0; i < 2; i++) {
		kt_expect_local(test, kt[i]);
		KUNIT_EXPECT_STREQ(test, kt[i]->log, "validate,resume");
	}
}

/* A backend without attestation, for a peer of its own. */
static int ku_plain_op(struct shdev_peer *peer, struct shdev *sd)
{
	return 0;
}

static const struct shdev_backend_ops ku_plain_ops = {
	.release = ku_plain_op,
	.reclaim = ku_plain_op,
};

static struct shdev_backend ku_plain = {
	.name = "kt-plain",
	.ops = &ku_plain_ops,
};

static struct shdev_peer ku_plain_peer = { .name = "kt-plain" };

static void ku_plain_backend_remove(void *unused)
{
	shdev_backend_unregister(&ku_plain);
}

static void ku_plain_peer_remove(void *unused)
{
	shdev_peer_unregister(&ku_plain_peer);
}

static void ku_set_evidence(struct kunit *test, bool valid)
{
	struct shdev_sim_faults faults = { .bad_evidence = true };

	kt_faults(test, &kt_peer, valid ? NULL : &faults);
}

static const char * const ku_attested[] = {
	"/shdev-kt-t0", "/shdev-kt-t1",
};

/*
 * A unit that requires attestation is taken only from offers that come
 * with valid evidence, member by member.
 */
static void shdev_unit_test_attestation(struct kunit *test)
{
	struct resource wrong = DEFINE_RES_MEM(0x5e000000, 0x1000);
	struct device *unit;
	struct kt_dev *kt[2];
	u64 asked;
	int i;

	KUNIT_ASSERT_EQ(test, ku_apply(test, unit_attest), 0);
	ku_members(test, ku_attested, kt, 2);
	unit = ku_unit_dev(test, "/shdev-kt-attested");
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt[0]->sd), SHDEV_REMOTE);

	/* Not without the offers. */
	KUNIT_EXPECT_EQ(test, ku_write(unit, "local"), -EPERM);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt[0]->sd), SHDEV_REMOTE);

	/* Resources that do not match are refused before any evidence. */
	asked = shdev_sim_attestations();
	KUNIT_EXPECT_EQ(test, shdev_grant(&kt_peer, kt[0]->sd, &wrong, 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, shdev_sim_attestations(), asked);

	ku_set_evidence(test, false);
	KUNIT_EXPECT_EQ(test, shdev_grant(&kt_peer, kt[0]->sd, NULL, 0),
			-EKEYREJECTED);
	KUNIT_EXPECT_EQ(test, shdev_sim_attestations(), asked + 1);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt[1]->sd), SHDEV_REFUSED);
	kt_expect_owner(test, kt[0], "refused");
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt[0]), -ENODEV);

	ku_set_evidence(test, true);
	KUNIT_EXPECT_EQ(test, shdev_grant(&kt_peer, kt[0]->sd, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt[0]->sd), SHDEV_REMOTE);
	/* One member attested is not the unit. */
	KUNIT_EXPECT_EQ(test, ku_write(unit, "local"), -EPERM);
	KUNIT_EXPECT_EQ(test, shdev_grant(&kt_peer, kt[1]->sd, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, shdev_sim_attestations(), asked + 3);
	for (i = 0; i < 2; i++) {
		kt_expect_local(test, kt[i]);
		KUNIT_EXPECT_STREQ(test, kt[i]->log, "validate,resume");
	}

	/* Once taken, it moves like any unit. */
	KUNIT_EXPECT_EQ(test, ku_write(unit, "kt-peer"), 7);
	KUNIT_EXPECT_EQ(test, ku_write(unit, "local"), 5);
	kt_expect_local(test, kt[0]);
	KUNIT_EXPECT_EQ(test, shdev_sim_attestations(), asked + 3);
}

/* A backend without attestation cannot hand over such a unit. */
static void shdev_unit_test_attestation_unsupported(struct kunit *test)
{
	static const char * const path[] = { "/shdev-kt-t2" };
	struct kt_dev *kt;
	int ret;

	KUNIT_ASSERT_EQ(test, shdev_backend_register(&ku_plain), 0);
	ret = kunit_add_action_or_reset(test, ku_plain_backend_remove, NULL);
	KUNIT_ASSERT_EQ(test, ret, 0);
	ku_plain_peer.backend = &ku_plain;
	KUNIT_ASSERT_EQ(test, shdev_peer_register(&ku_plain_peer), 0);
	ret = kunit_add_action_or_reset(test, ku_plain_peer_remove, NULL);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test, ku_apply(test, unit_attest), 0);
	ku_members(test, path, &kt, 1);

	KUNIT_EXPECT_EQ(test, shdev_grant(&ku_plain_peer, kt->sd, NULL, 0),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_REFUSED);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
	KUNIT_EXPECT_STREQ(test, kt->log, "");
}

/* A unit node the binding forbids is rejected; its member waits. */
static void ku_expect_rejected(struct kunit *test)
{
	struct device *unit = ku_unit_dev(test, "/shdev-kt-bad-unit");
	struct kt_dev *kt = kt_find(test, "/shdev-kt-bad");

	KUNIT_EXPECT_NULL(test, unit->driver);
	KUNIT_EXPECT_TRUE(test, !kt || !kt->sd);
}

static void shdev_unit_test_reject_name(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, ku_apply(test, unit_bad_name), 0);
	ku_expect_rejected(test);
	/* Its member stops waiting for it, and says why. */
	KUNIT_EXPECT_EQ(test, kt_dt_wait_result("/shdev-kt-bad", -ENODEV),
			-ENODEV);
}

/* A disabled unit is none: its member is a device on its own. */
static void shdev_unit_test_disabled(struct kunit *test)
{
	struct kt_dev *kt;

	KUNIT_ASSERT_EQ(test, ku_apply(test, unit_disabled), 0);
	kt = kt_find(test, "/shdev-kt-free");
	KUNIT_ASSERT_NOT_NULL(test, kt);
	KUNIT_ASSERT_NOT_NULL(test, kt->sd);
	/* Not limited to the disabled unit's peers. */
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
}

static void shdev_unit_test_reject_ids(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, ku_apply(test, unit_bad_ids), 0);
	ku_expect_rejected(test);
}

static void shdev_unit_test_reject_owner(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, ku_apply(test, unit_bad_owner), 0);
	ku_expect_rejected(test);
}

static void shdev_unit_test_reject_clock(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, ku_apply(test, unit_bad_clock), 0);
	ku_expect_rejected(test);
}

static void shdev_unit_test_reject_attestation(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, ku_apply(test, unit_bad_attest), 0);
	ku_expect_rejected(test);
}

#if IS_ENABLED(CONFIG_GPIO_SIM)
/*
 * A unit carrying an interrupt line of a device that is not a member:
 * the test plays that device's driver, on a simulated GPIO's line.
 */
struct ku_line {
	unsigned int irq;
	atomic_t handled;	/* the driver's handler ran */
};

static irqreturn_t ku_line_irq(int irq, void *data)
{
	struct ku_line *l = data;

	atomic_inc(&l->handled);
	return IRQ_HANDLED;
}

static void ku_line_free(void *data)
{
	struct ku_line *l = data;

	free_irq(l->irq, l);
}

static struct ku_line *ku_lines_apply(struct kunit *test, struct kt_dev **kt,
				      struct device **unit)
{
	struct ku_line *l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);
	struct device_node *np;
	int irq;

	KUNIT_ASSERT_NOT_NULL(test, l);
	KUNIT_ASSERT_EQ(test, ku_apply(test, unit_lines), 0);
	*kt = kt_find(test, "/shdev-kt-lines-member");
	KUNIT_ASSERT_NOT_NULL(test, *kt);
	KUNIT_ASSERT_NOT_NULL_MSG(test, (*kt)->sd, "member not bound");
	*unit = ku_unit_dev(test, "/shdev-kt-lines");
	KUNIT_ASSERT_NOT_NULL_MSG(test, (*unit)->driver, "unit not bound");
	np = of_find_node_by_path("/shdev-kt-lines");
	KUNIT_ASSERT_NOT_NULL(test, np);
	irq = of_irq_get(np, 0);
	of_node_put(np);
	KUNIT_ASSERT_GT(test, irq, 0);
	l->irq = irq;
	return l;
}

/* Fire the line now, as its controller would. */
static void ku_line_fire(struct kunit *test, struct ku_line *l)
{
	KUNIT_EXPECT_EQ(test, generic_handle_irq_safe(l->irq), 0);
}

/*
 * The line of a device that is not a member, requested by its driver,
 * leaves with the unit: disabled in Linux while away, so its handler
 * does not run, and enabled again by the reclaim, or by the rollback of
 * a release that failed; the driver's own disable nests inside.
 */
static void shdev_unit_test_lines(struct kunit *test)
{
	struct device *unit;
	struct kt_dev *kt;
	struct ku_line *l = ku_lines_apply(test, &kt, &unit);

	KUNIT_ASSERT_EQ(test, request_irq(l->irq, ku_line_irq, 0,
					  "shdev-ku-touch", l), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ku_line_free, l),
			0);
	ku_line_fire(test, l);
	KUNIT_EXPECT_EQ(test, atomic_read(&l->handled), 1);

	KUNIT_ASSERT_EQ(test, ku_write(unit, "kt-peer"), 7);
	kt_expect_remote(test, kt, &kt_peer);
	KUNIT_EXPECT_TRUE(test, irqd_irq_disabled(irq_get_irq_data(l->irq)));
	ku_line_fire(test, l);
	KUNIT_EXPECT_EQ(test, atomic_read(&l->handled), 1);
	/* The driver disables its line meanwhile, and enables it again. */
	disable_irq(l->irq);
	enable_irq(l->irq);
	KUNIT_EXPECT_TRUE(test, irqd_irq_disabled(irq_get_irq_data(l->irq)));

	KUNIT_ASSERT_EQ(test, ku_write(unit, "local"), 5);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_FALSE(test, irqd_irq_disabled(irq_get_irq_data(l->irq)));
	KUNIT_EXPECT_EQ(test, atomic_read(&l->handled), 1);
	ku_line_fire(test, l);
	KUNIT_EXPECT_EQ(test, atomic_read(&l->handled), 2);

	/* A release that fails after the line left gives it back. */
	kt->fail_quiesce = -EIO;
	KUNIT_EXPECT_EQ(test, ku_write(unit, "kt-peer"), -EIO);
	kt->fail_quiesce = 0;
	kt_expect_local(test, kt);
	KUNIT_EXPECT_FALSE(test, irqd_irq_disabled(irq_get_irq_data(l->irq)));
	ku_line_fire(test, l);
	KUNIT_EXPECT_EQ(test, atomic_read(&l->handled), 3);
}

/*
 * A carried line that no driver requested is the core's while away, so
 * that no driver can request it and get the peer's interrupts; after the
 * reclaim, or a failed release, a driver can request it again.
 */
static void shdev_unit_test_lines_unrequested(struct kunit *test)
{
	struct device *unit;
	struct kt_dev *kt;
	struct ku_line *l = ku_lines_apply(test, &kt, &unit);

	KUNIT_EXPECT_FALSE(test, irq_has_action(l->irq));
	KUNIT_ASSERT_EQ(test, ku_write(unit, "kt-peer"), 7);
	KUNIT_EXPECT_TRUE(test, irq_has_action(l->irq));
	KUNIT_EXPECT_TRUE(test, irqd_irq_disabled(irq_get_irq_data(l->irq)));
	KUNIT_EXPECT_EQ(test, request_irq(l->irq, ku_line_irq, 0,
					  "shdev-ku-touch", l), -EBUSY);
	KUNIT_EXPECT_EQ(test, request_irq(l->irq, ku_line_irq, IRQF_SHARED,
					  "shdev-ku-touch", l), -EBUSY);
	KUNIT_ASSERT_EQ(test, ku_write(unit, "local"), 5);
	KUNIT_EXPECT_FALSE(test, irq_has_action(l->irq));

	kt->fail_quiesce = -EIO;
	KUNIT_EXPECT_EQ(test, ku_write(unit, "kt-peer"), -EIO);
	kt->fail_quiesce = 0;
	KUNIT_EXPECT_FALSE(test, irq_has_action(l->irq));
	KUNIT_ASSERT_EQ(test, request_irq(l->irq, ku_line_irq, 0,
					  "shdev-ku-touch", l), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ku_line_free, l),
			0);
	ku_line_fire(test, l);
	KUNIT_EXPECT_EQ(test, atomic_read(&l->handled), 1);
}

/* A carried line's count of names and entries differ: rejected. */
static void shdev_unit_test_reject_line_names(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, ku_apply(test, unit_bad_line_names), 0);
	ku_expect_rejected(test);
}
#endif

/* A carried line that is not an interrupt of a controller: rejected. */
static void shdev_unit_test_reject_line(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, ku_apply(test, unit_bad_line), 0);
	ku_expect_rejected(test);
}

/*
 * A unit of software nodes, as platform code without Devicetree describes
 * one: a "shdev-unit" device whose node names its members' nodes.
 */
static const struct software_node ku_sw_a = { .name = "shdev-kt-sw-a" };
static const struct software_node ku_sw_b = { .name = "shdev-kt-sw-b" };

static const struct software_node_ref_args ku_sw_refs[] = {
	SOFTWARE_NODE_REFERENCE(&ku_sw_a),
	SOFTWARE_NODE_REFERENCE(&ku_sw_b),
};

static const char * const ku_sw_peer_names[] = { "kt-peer" };
static const u32 ku_sw_peer_ids[] = { 0 };

static const struct property_entry ku_sw_props[] = {
	PROPERTY_ENTRY_REF_ARRAY("devices", ku_sw_refs),
	PROPERTY_ENTRY_STRING_ARRAY("peer-names", ku_sw_peer_names),
	PROPERTY_ENTRY_U32_ARRAY("peer-ids", ku_sw_peer_ids),
	{ }
};

static const struct software_node ku_sw_unit = {
	.name = "shdev-kt-sw-unit",
	.properties = ku_sw_props,
};

/* The same unit, its peer's since boot. */
static const struct property_entry ku_sw_boot_props[] = {
	PROPERTY_ENTRY_REF_ARRAY("devices", ku_sw_refs),
	PROPERTY_ENTRY_STRING_ARRAY("peer-names", ku_sw_peer_names),
	PROPERTY_ENTRY_U32_ARRAY("peer-ids", ku_sw_peer_ids),
	PROPERTY_ENTRY_STRING("initial-owner", "kt-peer"),
	{ }
};

static const struct software_node ku_sw_unit_boot = {
	.name = "shdev-kt-sw-unit-boot",
	.properties = ku_sw_boot_props,
};

static const struct software_node *ku_sw_nodes[] = {
	&ku_sw_a, &ku_sw_b, &ku_sw_unit, &ku_sw_unit_boot, NULL
};

static void ku_sw_unregister(void *data)
{
	software_node_unregister_node_group(data);
}

/* Register a NULL-terminated group of software nodes for the test. */
static void ku_sw_register(struct kunit *test,
			   const struct software_node **group)
{
	KUNIT_ASSERT_EQ(test, software_node_register_node_group(group), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ku_sw_unregister,
							group), 0);
}

/* Add a "shdev-unit" platform device with @node; false if rejected. */
static bool ku_sw_unit_add(struct kunit *test, struct platform_device **unit,
			   const struct software_node *node)
{
	*unit = kunit_platform_device_alloc(test, "shdev-unit",
					    PLATFORM_DEVID_AUTO);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, *unit);
	KUNIT_ASSERT_EQ(test, kt_device_add(test, *unit, node), 0);
	return device_is_bound(&(*unit)->dev);
}

static void ku_sw_a_setup(struct kt_dev *kt)
{
	kt->swnode = &ku_sw_a;
}

static void ku_sw_b_setup(struct kt_dev *kt)
{
	kt->swnode = &ku_sw_b;
}

static void shdev_unit_test_software_nodes(struct kunit *test)
{
	struct platform_device *unit;
	struct kt_dev *a, *b;

	ku_sw_register(test, ku_sw_nodes);

	/* Registered before its unit: a unit of its own. */
	a = kt_create(test, ku_sw_a_setup);
	KUNIT_ASSERT_TRUE(test, ku_sw_unit_add(test, &unit, &ku_sw_unit));
	b = kt_create(test, ku_sw_b_setup);

	KUNIT_EXPECT_EQ(test, ku_write(&unit->dev, "kt-peer"), -ENODEV);
	kt_expect_local(test, b);
	KUNIT_ASSERT_EQ(test, kt_write(a, "kt-peer"), 7);
	kt_expect_remote(test, a, &kt_peer);
	kt_expect_local(test, b);
	KUNIT_ASSERT_EQ(test, kt_write(a, "local"), 5);

	/* Bound again, it joins. */
	device_release_driver(&a->pdev->dev);
	KUNIT_ASSERT_EQ(test, device_attach(&a->pdev->dev), 1);
	KUNIT_ASSERT_NOT_NULL(test, READ_ONCE(a->sd));
	kt_log_clear(a);
	kt_log_clear(b);

	/* The node's peers, under their ids, and no other. */
	KUNIT_EXPECT_EQ(test, ku_write(&unit->dev, "kt-peer2"), -EPERM);
	KUNIT_ASSERT_EQ(test, kt_write(b, "kt-peer"), 7);
	kt_expect_remote(test, a, &kt_peer);
	kt_expect_remote(test, b, &kt_peer);
	KUNIT_ASSERT_EQ(test, ku_write(&unit->dev, "local"), 5);
	kt_expect_local(test, a);
	kt_expect_local(test, b);
	KUNIT_EXPECT_STREQ(test, a->log, "quiesce,validate,resume");
	KUNIT_EXPECT_STREQ(test, b->log, "quiesce,validate,resume");
}

/*
 * A unit its peer owns since boot cannot have a member that Linux drives
 * already: it is rejected, and the member stays Linux's.
 */
static void shdev_unit_test_software_nodes_boot(struct kunit *test)
{
	struct platform_device *unit;
	struct kt_dev *a;

	ku_sw_register(test, ku_sw_nodes);
	a = kt_create(test, ku_sw_a_setup);
	KUNIT_EXPECT_FALSE(test, ku_sw_unit_add(test, &unit, &ku_sw_unit_boot));
	kt_expect_local(test, a);
	KUNIT_EXPECT_EQ(test, kt_write(a, "kt-peer"), 7);
	KUNIT_EXPECT_EQ(test, kt_write(a, "local"), 5);
}

#define KU_NAME_LEN	24

/*
 * One member more than a unit may have, or an entry that names a node
 * not registered: the unit is rejected.  64 members make a unit.
 */
static void shdev_unit_test_reject_members(struct kunit *test)
{
	static const struct software_node unregistered = {
		.name = "shdev-kt-unregistered",
	};
	const unsigned int n = SHDEV_UNIT_MAX + 1;
	struct software_node_ref_args *refs, gap[2];
	const struct software_node **group;
	struct software_node *nodes;
	struct property_entry *props;
	struct platform_device *unit;
	unsigned int i, u;
	char *names;

	/* n members, then three units: of n, of n - 1, and with a gap. */
	nodes = kunit_kcalloc(test, n + 3, sizeof(*nodes), GFP_KERNEL);
	refs = kunit_kcalloc(test, n, sizeof(*refs), GFP_KERNEL);
	group = kunit_kcalloc(test, n + 4, sizeof(*group), GFP_KERNEL);
	props = kunit_kcalloc(test, 3 * 4, sizeof(*props), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, nodes && refs && group && props);
	names = kunit_kcalloc(test, n, KU_NAME_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, names);
	for (i = 0; i < n; i++) {
		snprintf(names + i * KU_NAME_LEN, KU_NAME_LEN,
			 "shdev-kt-many-%u", i);
		nodes[i].name = names + i * KU_NAME_LEN;
		refs[i] = SOFTWARE_NODE_REFERENCE(&nodes[i]);
		group[i] = &nodes[i];
	}
	gap[0] = SOFTWARE_NODE_REFERENCE(&unregistered);
	gap[1] = SOFTWARE_NODE_REFERENCE(&nodes[0]);
	props[0] = PROPERTY_ENTRY_REF_ARRAY_LEN("devices", refs, n);
	props[4] = PROPERTY_ENTRY_REF_ARRAY_LEN("devices", refs, n - 1);
	props[8] = PROPERTY_ENTRY_REF_ARRAY("devices", gap);
	for (u = 0; u < 3; u++) {
		props[4 * u + 1] = PROPERTY_ENTRY_STRING_ARRAY("peer-names",
							       ku_sw_peer_names);
		props[4 * u + 2] = PROPERTY_ENTRY_U32_ARRAY("peer-ids",
							    ku_sw_peer_ids);
		nodes[n + u].name = u == 0 ? "shdev-kt-many-unit" :
				    u == 1 ? "shdev-kt-64-unit" :
					     "shdev-kt-gap-unit";
		nodes[n + u].properties = &props[4 * u];
		group[n + u] = &nodes[n + u];
	}
	ku_sw_register(test, group);

	KUNIT_EXPECT_FALSE(test, ku_sw_unit_add(test, &unit, &nodes[n]));
	KUNIT_EXPECT_TRUE(test, ku_sw_unit_add(test, &unit, &nodes[n + 1]));
	KUNIT_EXPECT_FALSE(test, ku_sw_unit_add(test, &unit, &nodes[n + 2]));
}

static struct kunit_case shdev_unit_cases[] = {
	KUNIT_CASE(shdev_unit_test_trio),
	KUNIT_CASE(shdev_unit_test_software_nodes),
	KUNIT_CASE(shdev_unit_test_software_nodes_boot),
	KUNIT_CASE(shdev_unit_test_sizes),
	KUNIT_CASE(shdev_unit_test_hold_rollback),
	KUNIT_CASE(shdev_unit_test_quiesce_rollback),
	KUNIT_CASE(shdev_unit_test_backend_rollback),
	KUNIT_CASE(shdev_unit_test_consumer_rollback),
	KUNIT_CASE(shdev_unit_test_sanitize_rollback),
	KUNIT_CASE(shdev_unit_test_validate_lost),
	KUNIT_CASE(shdev_unit_test_peers),
	KUNIT_CASE(shdev_unit_test_member_unbind),
	KUNIT_CASE(shdev_unit_test_unit_unbind),
	KUNIT_CASE(shdev_unit_test_unbind_orphans),
	KUNIT_CASE(shdev_unit_test_peer_death),
	KUNIT_CASE(shdev_unit_test_receiving),
	KUNIT_CASE(shdev_unit_test_receiving_reclaim),
#if IS_ENABLED(CONFIG_GPIO_SIM)
	KUNIT_CASE(shdev_unit_test_receiving_resources),
#endif
	KUNIT_CASE(shdev_unit_test_receiving_unbind),
	KUNIT_CASE(shdev_unit_test_receiving_half_reclaim),
	KUNIT_CASE(shdev_unit_test_attestation),
	KUNIT_CASE(shdev_unit_test_attestation_unsupported),
	KUNIT_CASE(shdev_unit_test_reject_name),
	KUNIT_CASE(shdev_unit_test_disabled),
	KUNIT_CASE(shdev_unit_test_reject_ids),
	KUNIT_CASE(shdev_unit_test_reject_owner),
	KUNIT_CASE(shdev_unit_test_reject_clock),
	KUNIT_CASE(shdev_unit_test_reject_attestation),
#if IS_ENABLED(CONFIG_GPIO_SIM)
	KUNIT_CASE(shdev_unit_test_lines),
	KUNIT_CASE(shdev_unit_test_lines_unrequested),
	KUNIT_CASE(shdev_unit_test_reject_line_names),
#endif
	KUNIT_CASE(shdev_unit_test_reject_line),
	KUNIT_CASE(shdev_unit_test_reject_members),
	{}
};

static struct kunit_suite shdev_unit_suite = {
	.name = "shdev_units",
	.suite_init = ku_suite_init,
	.suite_exit = ku_suite_exit,
	.init = kt_test_init,
	.test_cases = shdev_unit_cases,
};

kunit_test_suite(shdev_unit_suite);
