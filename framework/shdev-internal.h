/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shdev core internals visible to the project's KUnit tests.
 */
#ifndef __SHDEV_INTERNAL_H
#define __SHDEV_INTERNAL_H

#include <linux/notifier.h>
#include <linux/shdev-backend.h>
#include <linux/types.h>

struct device;
struct fwnode_handle;
struct shdev;

#define SHDEV_UNIT_PEERS	8	/* peers a unit may name, at most */
#define SHDEV_UNIT_PATHS	8	/* interconnect paths a unit holds, at most */

/**
 * struct shdev_unit_desc - a unit described by firmware
 * @dev: the unit's own device, which gets the ``ownership`` attribute
 * @nr: number of members
 * @members: the members' firmware nodes (Devicetree, ACPI or software
 *	nodes), in transfer order
 * @nr_peers: number of peers allowed to take the unit
 * @peer_names: their names
 * @peer_ids: their identifiers in their hypervisor
 * @initial_peer: the peer owning the unit at boot, or NULL for Linux
 * @require_attestation: the peer's offers need valid evidence
 * @hold: keep the unit's resources on, from release to reclaim
 * @unhold: undo @hold
 */
struct shdev_unit_desc {
	struct device *dev;
	unsigned int nr;
	struct fwnode_handle *members[SHDEV_UNIT_MAX];
	unsigned int nr_peers;
	const char *peer_names[SHDEV_UNIT_PEERS];
	u32 peer_ids[SHDEV_UNIT_PEERS];
	const char *initial_peer;
	bool require_attestation;
	int (*hold)(const struct shdev_unit_desc *desc);
	void (*unhold)(const struct shdev_unit_desc *desc);
};

struct device_node;

int shdev_unit_add(struct shdev_unit_desc *desc);
bool shdev_unit_node_failed(const struct device_node *np);
void shdev_unit_del(struct shdev_unit_desc *desc);
bool shdev_peer_name_valid(const char *name);

/**
 * struct shdev_stats - per-device transfer counters, shown in debugfs
 * @releases: completed releases
 * @reclaims: completed reclaims
 * @failures: releases and reclaims that failed
 * @last_ns: duration of the last completed transfer
 * @worst_ns: longest completed transfer
 * @grace_periods: waits for the gates' readers, one per release of the
 *	unit and one per failed resume
 */
struct shdev_stats {
	u64 releases;
	u64 reclaims;
	u64 failures;
	u64 last_ns;
	u64 worst_ns;
	u64 grace_periods;
};

#if IS_ENABLED(CONFIG_KUNIT)
int shdev_pm_notify(struct notifier_block *nb, unsigned long action,
		    void *data);
int shdev_reboot_notify(struct notifier_block *nb, unsigned long action,
			void *data);
void shdev_get_stats(struct shdev *sd, struct shdev_stats *stats);
unsigned int shdev_nr_devices(void);
bool shdev_same_iommu_group(struct device *a, struct device *b);
#endif

#endif /* __SHDEV_INTERNAL_H */
