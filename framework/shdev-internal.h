/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shdev core internals visible to the project's KUnit tests.
 */
#ifndef __SHDEV_INTERNAL_H
#define __SHDEV_INTERNAL_H

#include <linux/notifier.h>
#include <linux/types.h>

struct shdev;

/**
 * struct shdev_stats - per-device transfer counters, shown in debugfs
 * @releases: completed releases
 * @reclaims: completed reclaims
 * @failures: releases and reclaims that failed
 * @last_ns: duration of the last completed transfer
 * @worst_ns: longest completed transfer
 */
struct shdev_stats {
	u64 releases;
	u64 reclaims;
	u64 failures;
	u64 last_ns;
	u64 worst_ns;
};

#if IS_ENABLED(CONFIG_KUNIT)
int shdev_pm_notify(struct notifier_block *nb, unsigned long action,
		    void *data);
void shdev_get_stats(struct shdev *sd, struct shdev_stats *stats);
unsigned int shdev_nr_devices(void);
#endif

#endif /* __SHDEV_INTERNAL_H */
