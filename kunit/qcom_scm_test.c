// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the qcom-scm backend on the fake SCM of fake_scm.c: what
 * it asks the firmware, call by call.  VMIDs of 31 and more keep their
 * owner bitmap right through the helper's answer, a positive firmware
 * code is a failure, ranges are widened to pages and merged, a failed
 * release gives back in reverse what it assigned, and bad Devicetree
 * nodes register nothing.  The cases every backend shares are in
 * conformance_test.c.
 */

#include <kunit/of.h>
#include <kunit/test.h>
#include <linux/device.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>

#include "fake.h"
#include "fake_scm.h"

#define KS_BASE		0x5f000000
#define KS_RW		0x6	/* QCOM_SCM_PERM_RW */

static void ks_setup(struct kunit *test)
{
	ks_install(test);
	KUNIT_ASSERT_EQ(test, of_overlay_apply_kunit(test, kc_scm), 0);
	KUNIT_ASSERT_NOT_NULL_MSG(test, shdev_peer_find("kc-a"),
				  "the backend did not probe");
}

static struct shdev_peer *ks_peer(struct kunit *test, const char *name)
{
	struct shdev_peer *peer = shdev_peer_find(name);

	KUNIT_ASSERT_NOT_NULL_MSG(test, peer, "no peer %s", name);
	return peer;
}

/* Call @n assigned [@addr, @addr + @size) from @src to @dest alone. */
static void ks_expect_call(struct kunit *test, unsigned int n,
			   phys_addr_t addr, size_t size, u64 src, int dest)
{
	struct ks_call c = ks_call(n);

	KUNIT_EXPECT_EQ_MSG(test, c.addr, addr, "call %u", n);
	KUNIT_EXPECT_EQ_MSG(test, c.size, size, "call %u", n);
	KUNIT_EXPECT_EQ_MSG(test, c.src, src, "call %u", n);
	KUNIT_EXPECT_EQ_MSG(test, c.dest, dest, "call %u", n);
	KUNIT_EXPECT_EQ_MSG(test, c.nr_dest, 1, "call %u", n);
	KUNIT_EXPECT_EQ_MSG(test, c.perm, KS_RW, "call %u", n);
}

/*
 * The owner bitmap is 64 bits wide: the bitmap that the helper answers
 * after a release, which the backend passes back as the source of the
 * reclaim, names the peer alone, from VMID 31 (the sign bit of a 32-bit
 * int) to 63 as below.  A wrong one would make the fake firmware refuse
 * the reclaim.
 */
static void ks_test_vmids(struct kunit *test)
{
	static const char * const names[] = { "kc-31", "kc-a", "kc-63", "kc-b" };
	unsigned int round, i, n = 0;
	struct kt_dev *kt;
	phys_addr_t base;

	ks_setup(test);
	kt = kt_create(test, NULL);
	base = kt->res[0].start;

	for (round = 0; round < 2; round++) {
		for (i = 0; i < ARRAY_SIZE(names); i++) {
			struct shdev_peer *peer = ks_peer(test, names[i]);

			KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, peer), 0);
			/* Two adjacent pages: one call. */
			ks_expect_call(test, n++, base, 2 * KS_PAGE, KS_LINUX,
				       peer->id);
			KUNIT_EXPECT_EQ(test, ks_owners(base), BIT_ULL(peer->id));
			KUNIT_EXPECT_EQ(test, ks_held(peer, kt->sd), 2);

			KUNIT_ASSERT_EQ_MSG(test, shdev_reclaim(kt->sd), 0,
					    "VMID %llu", peer->id);
			ks_expect_call(test, n++, base, 2 * KS_PAGE,
				       BIT_ULL(peer->id), KS_VMID_LINUX);
			KUNIT_EXPECT_EQ(test, ks_held(NULL, kt->sd), 0);
			KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd),
					SHDEV_LOCAL);
		}
	}
	KUNIT_EXPECT_EQ(test, ks_nr_calls(), n);
}

/* A positive answer is the firmware's refusal, not a success. */
static void ks_test_firmware_code(struct kunit *test)
{
	struct shdev_peer *peer;
	struct kt_dev *kt;

	ks_setup(test);
	peer = ks_peer(test, "kc-a");
	kt = kt_create(test, NULL);

	ks_fail(BIT_ULL(0), KS_DENIED);
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, peer), -EIO);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOCAL);
	KUNIT_EXPECT_EQ(test, ks_held(NULL, kt->sd), 0);
	KUNIT_EXPECT_EQ(test, ks_nr_calls(), 1);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,resume");

	ks_fail(0, 0);
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, peer), 0);
	ks_fail(BIT_ULL(0), 1);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), -EIO);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);
	KUNIT_EXPECT_EQ(test, ks_held(peer, kt->sd), 2);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);

	ks_fail(0, 0);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, ks_held(NULL, kt->sd), 0);
}

static void ks_layout_merge(struct kt_dev *kt)
{
	/* Out of order, sharing pages, touching after widening, nested. */
	kt->res[0] = DEFINE_RES_MEM(KS_BASE + 0x10000, 0x1000);
	kt->res[1] = DEFINE_RES_MEM(KS_BASE + 0x100, 0x100);
	kt->res[2] = DEFINE_RES_MEM(KS_BASE + 0x800, 0x1000);
	kt->res[3] = DEFINE_RES_MEM(KS_BASE + 0x2000, 0x1000);
	kt->res[4] = DEFINE_RES_MEM(KS_BASE + 0x2800, 0x100);
	kt->res[5] = DEFINE_RES_MEM(KS_BASE + 0x5000, 0x100);
	kt->res[6] = DEFINE_RES_MEM(KS_BASE + 0x6f00, 0x100);
	kt->res[7] = DEFINE_RES_IRQ(9);
	kt->nr_res = 8;
}

static void ks_test_align_merge(struct kunit *test)
{
	struct shdev_peer *peer;
	struct kt_dev *kt;
	u64 vm;

	ks_setup(test);
	peer = ks_peer(test, "kc-b");
	kt = kt_create(test, ks_layout_merge);
	vm = BIT_ULL(peer->id);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, peer), 0);
	KUNIT_ASSERT_EQ(test, ks_nr_calls(), 3);
	ks_expect_call(test, 0, KS_BASE, 0x3000, KS_LINUX, peer->id);
	ks_expect_call(test, 1, KS_BASE + 0x5000, 0x2000, KS_LINUX, peer->id);
	ks_expect_call(test, 2, KS_BASE + 0x10000, 0x1000, KS_LINUX, peer->id);
	KUNIT_EXPECT_EQ(test, ks_held(peer, kt->sd), 7);
	KUNIT_EXPECT_EQ(test, ks_owners(KS_BASE + 0x4000), KS_LINUX);

	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_ASSERT_EQ(test, ks_nr_calls(), 6);
	ks_expect_call(test, 3, KS_BASE + 0x10000, 0x1000, vm, KS_VMID_LINUX);
	ks_expect_call(test, 4, KS_BASE + 0x5000, 0x2000, vm, KS_VMID_LINUX);
	ks_expect_call(test, 5, KS_BASE, 0x3000, vm, KS_VMID_LINUX);
	KUNIT_EXPECT_EQ(test, ks_held(NULL, kt->sd), 0);
}

static void ks_layout_three(struct kt_dev *kt)
{
	kt->res[0] = DEFINE_RES_MEM(KS_BASE + 0x20000, 0x1000);
	kt->res[1] = DEFINE_RES_MEM(KS_BASE + 0x24000, 0x1000);
	kt->res[2] = DEFINE_RES_MEM(KS_BASE + 0x28000, 0x1000);
	kt->nr_res = 3;
}

/* Failing at the third region, a release gives back the second, then the first. */
static void ks_test_partial_rollback(struct kunit *test)
{
	struct shdev_peer *peer;
	struct kt_dev *kt;
	u64 vm;

	ks_setup(test);
	peer = ks_peer(test, "kc-a");
	kt = kt_create(test, ks_layout_three);
	vm = BIT_ULL(peer->id);

	ks_fail(BIT_ULL(2), -EIO);
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, peer), -EIO);
	/* The core's reclaim that follows finds nothing away: no call. */
	KUNIT_ASSERT_EQ(test, ks_nr_calls(), 5);
	ks_expect_call(test, 0, KS_BASE + 0x20000, KS_PAGE, KS_LINUX, peer->id);
	ks_expect_call(test, 1, KS_BASE + 0x24000, KS_PAGE, KS_LINUX, peer->id);
	KUNIT_EXPECT_EQ(test, ks_call(2).ret, -EIO);
	ks_expect_call(test, 3, KS_BASE + 0x24000, KS_PAGE, vm, KS_VMID_LINUX);
	ks_expect_call(test, 4, KS_BASE + 0x20000, KS_PAGE, vm, KS_VMID_LINUX);
	KUNIT_EXPECT_EQ(test, ks_held(NULL, kt->sd), 0);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOCAL);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,resume");
}

/*
 * Giving back fails too: the driver must not resume on a device partly
 * the peer's.  It stays lost until a reclaim gets the region back.
 */
static void ks_test_rollback_fails(struct kunit *test)
{
	struct shdev_peer *peer;
	struct kt_dev *kt;
	u64 vm;

	ks_setup(test);
	peer = ks_peer(test, "kc-a");
	kt = kt_create(test, ks_layout_three);
	vm = BIT_ULL(peer->id);

	/* The third region, the second's give-back, the core's reclaim. */
	ks_fail(BIT_ULL(2) | BIT_ULL(3) | BIT_ULL(5), -EIO);
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, peer), -EIO);
	KUNIT_ASSERT_EQ(test, ks_nr_calls(), 6);
	ks_expect_call(test, 4, KS_BASE + 0x20000, KS_PAGE, vm, KS_VMID_LINUX);
	ks_expect_call(test, 5, KS_BASE + 0x24000, KS_PAGE, vm, KS_VMID_LINUX);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);
	KUNIT_EXPECT_EQ(test, ks_held(NULL, kt->sd), 1);
	KUNIT_EXPECT_EQ(test, ks_owners(KS_BASE + 0x24000), vm);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce");

	ks_fail(0, 0);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, ks_nr_calls(), 7);
	ks_expect_call(test, 6, KS_BASE + 0x24000, KS_PAGE, vm, KS_VMID_LINUX);
	KUNIT_EXPECT_EQ(test, ks_held(NULL, kt->sd), 0);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOCAL);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,resume");
}

static void ks_layout_boot(struct kt_dev *kt)
{
	kt->np = of_find_node_by_path("/shdev-kt-scm-boot-member");
	kt->res[0] = DEFINE_RES_MEM(KS_BASE + 0x30000, 0x1000);
	kt->res[1] = DEFINE_RES_MEM(KS_BASE + 0x31000, 0x1000);
	kt->nr_res = 2;
}

/*
 * A unit its peer owns at boot: the backend has no record of a release,
 * and takes the device back from the peer as the unit describes it.
 */
static void ks_test_boot_owned(struct kunit *test)
{
	struct shdev_peer *peer;
	struct kt_dev *kt;
	u64 vm;

	ks_setup(test);
	peer = ks_peer(test, "kc-a");
	vm = BIT_ULL(peer->id);
	ks_own(KS_BASE + 0x30000, 0x2000, vm);
	KUNIT_ASSERT_EQ(test, of_overlay_apply_kunit(test, kc_scm_boot), 0);
	wait_for_device_probe();
	kt = kt_create(test, ks_layout_boot);
	KUNIT_ASSERT_NOT_NULL(test, kt->np);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_REMOTE);
	KUNIT_EXPECT_EQ(test, ks_held(peer, kt->sd), 2);

	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_ASSERT_EQ(test, ks_nr_calls(), 1);
	ks_expect_call(test, 0, KS_BASE + 0x30000, 0x2000, vm, KS_VMID_LINUX);
	KUNIT_EXPECT_EQ(test, ks_held(NULL, kt->sd), 0);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOCAL);
	KUNIT_EXPECT_STREQ(test, kt->log, "validate,resume");

	/* From then on, records as any device. */
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, peer), 0);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, ks_nr_calls(), 3);
	KUNIT_EXPECT_EQ(test, ks_held(NULL, kt->sd), 0);
}

static void ks_layout_irq_only(struct kt_dev *kt)
{
	kt->res[0] = DEFINE_RES_IRQ(9);
	kt->nr_res = 1;
}

/* Nothing the firmware can move: refused, and nothing asked. */
static void ks_test_no_mmio(struct kunit *test)
{
	struct kt_dev *kt;

	ks_setup(test);
	kt = kt_create(test, ks_layout_irq_only);

	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, ks_peer(test, "kc-a")),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOCAL);
	KUNIT_EXPECT_EQ(test, ks_nr_calls(), 0);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,resume");
}

/* Bad nodes: the backend binds to none and registers no peer. */
static void ks_test_bad_nodes(struct kunit *test)
{
	static const char * const paths[] = {
		"/shdev-kt-scm-vmid64", "/shdev-kt-scm-linux",
		"/shdev-kt-scm-twice", "/shdev-kt-scm-count",
		"/shdev-kt-scm-name",
	};
	int i;

	/* Not ks_setup(): only the bad nodes. */
	ks_install(test);
	KUNIT_ASSERT_EQ(test, of_overlay_apply_kunit(test, kc_scm_bad), 0);
	wait_for_device_probe();
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		struct device_node *np = of_find_node_by_path(paths[i]);
		struct platform_device *pdev;

		KUNIT_ASSERT_NOT_NULL(test, np);
		pdev = of_find_device_by_node(np);
		of_node_put(np);
		KUNIT_ASSERT_NOT_NULL(test, pdev);
		KUNIT_EXPECT_NULL_MSG(test, pdev->dev.driver, "%s bound",
				      paths[i]);
		put_device(&pdev->dev);
	}
	KUNIT_EXPECT_NULL(test, shdev_peer_find("kc-fine"));
	KUNIT_EXPECT_NULL(test, shdev_peer_find("kc-bad"));
	KUNIT_EXPECT_EQ(test, ks_nr_calls(), 0);
}

static struct kunit_case ks_cases[] = {
	KUNIT_CASE(ks_test_vmids),
	KUNIT_CASE(ks_test_firmware_code),
	KUNIT_CASE(ks_test_align_merge),
	KUNIT_CASE(ks_test_partial_rollback),
	KUNIT_CASE(ks_test_rollback_fails),
	KUNIT_CASE(ks_test_no_mmio),
	KUNIT_CASE(ks_test_boot_owned),
	KUNIT_CASE(ks_test_bad_nodes),
	{}
};

static struct kunit_suite ks_suite = {
	.name = "shdev_qcom_scm",
	.suite_init = kt_suite_init,
	.suite_exit = kt_suite_exit,
	.init = kt_test_init,
	.test_cases = ks_cases,
};

kunit_test_suite(ks_suite);
