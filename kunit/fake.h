/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The project's KUnit suites share one fake: a platform driver bound to a
 * fake platform device, registered with shdev.  The driver records its
 * callbacks in a log ("quiesce,resume,...") and can be told to fail any of
 * them.  Suites reach the ownership attribute through a private sysfs
 * mount, the way an administrator does.
 */
#ifndef __SHDEV_KUNIT_FAKE_H
#define __SHDEV_KUNIT_FAKE_H

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/sched.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>
#include <linux/shdev-consumer.h>

#include "../shdev-internal.h"
#include "../shdev-sim.h"

#define KT_MMIO_BASE	0x5d000000
#define KT_MMIO_SIZE	0x1000
#define KT_MMIO_SLOTS	16	/* devices alive at once, at most */
#define KT_NR_RES	3	/* resources of a fake device, by default */
#define KT_MAX_RES	8

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
	struct completion quiesced;	/* completed as quiesce begins */
	struct completion resumed;	/* completed as resume begins */
	bool runtime_pm;	/* the driver enables runtime PM */
	int fail_runtime_resume;
	unsigned int votes_seen; /* peers' power votes seen by callbacks */
	unsigned int irq;	/* a simulated line, if the test asked */
	int quiesce_access;	/* kt_hw_access() from within quiesce */
	enum shdev_state remove_state;	/* the state remove() found */
	bool minimal;		/* only quiesce and resume */
	bool map_mmio;		/* ioremap the fake MMIO region */
	void __iomem *regs;
	unsigned int nr_res;	/* set by a setup hook with its own res[] */
	struct device_node *np;	/* a setup hook's node, its reference given */
	const struct software_node *swnode; /* or a setup hook's software node */
	struct resource res[KT_MAX_RES];
	struct list_head dt_node;	/* devices from Devicetree */
};

/* A stacked device that logs into its shared device's fake log. */
struct kt_consumer {
	struct shdev_consumer c;
	struct kt_dev *kt;
	const char *name;
	int fail;		/* of its freeze */
	unsigned int frozen;	/* freezes not thawed yet */
};

extern struct shdev_peer kt_peer;	/* trusted */
extern struct shdev_peer kt_peer2;	/* trusted */
extern struct shdev_peer kt_untrusted;
extern struct vfsmount *kt_sysfs;
extern const struct shdev_ops kt_ops;

void kt_log(struct kt_dev *kt, const char *what);
void kt_log_clear(struct kt_dev *kt);
bool kt_log_has(struct kt_dev *kt, const char *what);
int kt_hw_access(struct kt_dev *kt);
int kt_quiesce(struct shdev *sd);
int kt_resume(struct shdev *sd);
struct kt_dev *kt_find(struct kunit *test, const char *path);
int kt_dt_register_result(const char *path);
int kt_dt_wait_result(const char *path, int ret);
struct kt_dev *kt_create_any(struct kunit *test,
			     void (*setup)(struct kt_dev *kt));
struct kt_dev *kt_create(struct kunit *test,
			 void (*setup)(struct kt_dev *kt));
void kt_minimal(struct kt_dev *kt);
int kt_device_add(struct kunit *test, struct platform_device *pdev,
		  const struct software_node *swnode);
struct file *kt_sysfs_open(struct device *dev, const char *attr, int flags);
ssize_t kt_sysfs_write(struct device *dev, const char *attr, const char *buf,
		       size_t len);
ssize_t kt_write_len(struct kt_dev *kt, const char *buf, size_t len);
ssize_t kt_write(struct kt_dev *kt, const char *buf);
void kt_expect_owner(struct kunit *test, struct kt_dev *kt,
		     const char *owner);
struct shdev_stats kt_stats(struct kt_dev *kt);
void kt_expect_local(struct kunit *test, struct kt_dev *kt);
void kt_expect_remote(struct kunit *test, struct kt_dev *kt,
		      struct shdev_peer *peer);
void kt_faults(struct kunit *test, struct shdev_peer *peer,
	       const struct shdev_sim_faults *faults);
void kt_fail(struct kunit *test, struct shdev_peer *peer, u32 release_at,
	     u32 reclaim_at);
struct kt_consumer *kt_consumer_add(struct kunit *test, struct kt_dev *kt,
				    const char *name);
void kt_wait(struct kunit *test, struct completion *done);

int kt_suite_init(struct kunit_suite *suite);
void kt_suite_exit(struct kunit_suite *suite);
int kt_test_init(struct kunit *test);

#endif /* __SHDEV_KUNIT_FAKE_H */
