/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shdev core internals: the objects, and what each file of the core gives
 * the others.  Private to drivers/shdev/ and its KUnit tests.
 *
 * Devices move in units: a unit is the set of devices that change hands
 * together (a display and its touch controller, say); a device described
 * in no unit is a unit of its own.  Files, one concept each:
 *
 *   core.c	registration, accessors, the registry, unbind
 *   gate.c	shdev_enter()/shdev_exit() and the device's interrupts
 *   transfer.c	the step table: release, reclaim, rollback, notification
 *   pm.c	power kept on while away, system sleep, reboot
 *   dma.c	Linux's DMA blocked while away, IOMMU groups
 *   consumer.c	devices stacked on shared ones
 *   sysfs.c	the ``ownership`` attribute
 *   debugfs.c	statistics and holdings
 *   peer.c	peers and backends, peer death
 *   receive.c	units owned by a peer since boot, offers, attestation
 *   unit.c	unit objects, units described by firmware, carried lines
 *   unit-fw.c	the driver of "linux,shdev-unit" nodes
 */
#ifndef __SHDEV_INTERNAL_H
#define __SHDEV_INTERNAL_H

#include <linux/ioport.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct attribute_group;
struct device;
struct device_node;
struct fwnode_handle;
struct iommu_domain;
struct platform_device;
struct shdev;
struct shdev_unit;

#define SHDEV_UNIT_PEERS	8	/* peers a unit may name, at most */
#define SHDEV_UNIT_PATHS	8	/* interconnect paths a unit holds, at most */
#define SHDEV_UNIT_LINES	8	/* interrupt lines a unit carries, at most */

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
 * @nr_lines: number of carried interrupt lines
 * @lines: Linux's numbers of the interrupt lines of devices that are not
 *	members (a touch controller's, on a GPIO), which move with the unit
 * @line_names: their names, for messages
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
	unsigned int nr_lines;
	unsigned int lines[SHDEV_UNIT_LINES];
	const char *line_names[SHDEV_UNIT_LINES];
	int (*hold)(const struct shdev_unit_desc *desc);
	void (*unhold)(const struct shdev_unit_desc *desc);
};

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
 * @refused: shdev_enter() calls that found a member's gate closed,
 *	counted in &shdev_unit.refused
 */
struct shdev_stats {
	u64 releases;
	u64 reclaims;
	u64 failures;
	u64 last_ns;
	u64 worst_ns;
	u64 grace_periods;
	u64 refused;
};

struct shdev {
	struct kref ref;		/* the registry's, and lookups' */
	struct platform_device *pdev;
	const struct shdev_ops *ops;
	void *priv;
	struct shdev_unit *unit;	/* referenced */
	unsigned int index;		/* in unit->members[] */

	/*
	 * The gate: readers in shdev_enter(), under shdev_srcu.  Written
	 * with release and read with acquire ordering, so that a reader
	 * that finds the gate open also sees what the reclaim wrote before
	 * opening it (the backend's and the DMA steps').
	 */
	bool away;

	/* Interrupts the core disables while the device is away. */
	unsigned int nr_irqs;		/* added with shdev_add_irq() */
	unsigned int irqs[SHDEV_IRQS_MAX];
	unsigned int nr_off;		/* disabled by the core, under the lock */
	unsigned int irqs_off[SHDEV_IRQS_MAX * 2];
	/* MMIO and port ranges added with shdev_add_resource(). */
	unsigned int nr_ranges;
	struct resource ranges[SHDEV_RANGES_MAX];

	/* Under the unit's lock. */
	bool left;			/* the peer has had the resources */
	bool tainted;			/* sanitize before the next resume */
	bool orphan;			/* driver unbinding or gone: no callback */
	bool kept;			/* on record after unbind, for its peer */
	bool granted;			/* its peer offered it (receiving) */
	bool refused;			/* ... without matching resources or evidence */
	bool dma_owned;			/* DMA blocked through ownership */
	struct iommu_domain *dma_blocked; /* or through an empty domain */
	struct list_head consumers;	/* stacked devices, bottom first */

	struct list_head node;		/* in shdev_devices */
};

struct shdev_unit {
	struct kref ref;		/* its description's, its members' */
	struct device *dev;		/* referenced; in messages and debugfs */
	const struct shdev_unit_desc *desc;	/* NULL: a device on its own */
	bool desc_gone;			/* firmware unit unregistered */

	/* What ownership_show() reports; written under both locks. */
	spinlock_t state_lock;
	enum shdev_state state;		/* also read with READ_ONCE() */
	char owner[SHDEV_NAME_MAX + 1];	/* the peer's name while away */

	/* Serializes transfers; protects every field below. */
	struct mutex lock;
	struct shdev_peer *peer;	/* holder, unless done == 0 */
	unsigned int done;		/* slots whose forward half holds */
	bool pinned;			/* the peer's backend module */
	bool receiving;			/* owned by a peer since boot */
	struct shdev_stats stats;
	atomic64_t refused;		/* shdev_enter() calls, gate closed */
	unsigned int nr;		/* members */
	struct shdev *members[SHDEV_UNIT_MAX];
	struct dentry *debugfs;

	/* Carried lines the "lines" step took from Linux, in order. */
	unsigned int nr_lines;
	unsigned int lines[SHDEV_UNIT_LINES];
	bool line_requested[SHDEV_UNIT_LINES];	/* by the core: had no action */

	struct list_head node;		/* described by firmware: in shdev_units */
};

/* core.c */
extern struct mutex shdev_devices_lock;
extern struct list_head shdev_devices;
#define SHDEV_NR_STATES	(SHDEV_REFUSED + 1)
const char *shdev_state_name(enum shdev_state state);
void shdev_get(struct shdev *sd);
void shdev_put(struct shdev *sd);
struct shdev *shdev_get_of(struct device *dev);
void shdev_leave(struct shdev *sd);
void shdev_reap(struct shdev_unit *u);
struct shdev **shdev_get_all(unsigned int *nr);
void shdev_put_all(struct shdev **all, unsigned int n);

/* gate.c */
void shdev_gate_set(struct shdev *sd, bool away);
void shdev_gate_sync(struct shdev_unit *u);
int shdev_gate_wait(struct shdev_unit *u, struct shdev *sd);
int shdev_quiesce(struct shdev_unit *u, struct shdev *sd);
int shdev_resume(struct shdev_unit *u, struct shdev *sd);

/* transfer.c */
unsigned int shdev_slots(const struct shdev_unit *u);
bool shdev_consumers_frozen(const struct shdev_unit *u,
			    const struct shdev *sd);
int shdev_backend_ret(struct shdev *sd, struct shdev_peer *peer,
		      const char *op, int ret);
void shdev_set_state(struct shdev_unit *u, enum shdev_state state);
void shdev_notify(struct shdev_unit *u);
int __shdev_release(struct shdev_unit *u, struct shdev_peer *peer);
int __shdev_reclaim(struct shdev_unit *u);

/* pm.c */
int shdev_sleep_block(struct shdev_unit *u, struct shdev *sd);
int shdev_sleep_unblock(struct shdev_unit *u, struct shdev *sd);
int shdev_hold(struct shdev_unit *u, struct shdev *sd);
int shdev_unhold(struct shdev_unit *u, struct shdev *sd);
int shdev_power_get(struct shdev_unit *u, struct shdev *sd);
int shdev_power_put(struct shdev_unit *u, struct shdev *sd);
int shdev_pm_init(void);

/* dma.c */
int shdev_dma_block(struct shdev_unit *u, struct shdev *sd);
int shdev_dma_unblock(struct shdev_unit *u, struct shdev *sd);
bool shdev_splits_iommu_group(struct device *dev, struct shdev_unit *u);

/* consumer.c */
int shdev_freeze(struct shdev_unit *u, struct shdev *sd);
int shdev_thaw(struct shdev_unit *u, struct shdev *sd);
void shdev_consumers_detach(struct shdev *sd);
int shdev_consumer_kinds_load(void);

/* sysfs.c */
extern const struct attribute_group *shdev_groups[];

/* debugfs.c */
void shdev_debugfs_init(void);
void shdev_debugfs_unit_add(struct shdev_unit *u);
void shdev_debugfs_unit_del(struct shdev_unit *u);

/* peer.c */
extern struct mutex shdev_peers_lock;
extern struct list_head shdev_peers;
bool shdev_peer_hold(struct shdev_peer *peer);
void shdev_peer_drop(struct shdev_peer *peer);
struct shdev_peer *shdev_peer_lookup(const char *name, size_t len);
bool shdev_peer_registered(struct shdev_peer *peer);
int shdev_pin(struct shdev_unit *u, struct shdev *sd);
int shdev_unpin(struct shdev_unit *u, struct shdev *sd);

/* receive.c */
void shdev_taint(struct shdev_unit *u);
int shdev_receiving_ready(struct shdev_unit *u);

/* unit.c */
extern struct list_head shdev_units;
struct shdev_unit *shdev_unit_alloc(struct device *dev);
void shdev_unit_put(struct shdev_unit *u);
struct shdev_unit *shdev_get_unit_of(struct device *dev, unsigned int *index);
struct shdev_unit *shdev_get_unit_by_dev(struct device *dev);
int shdev_in_dt_unit(struct device *dev, struct device_node *np);
int shdev_lines_take(struct shdev_unit *u, struct shdev *sd);
int shdev_lines_give(struct shdev_unit *u, struct shdev *sd);
bool shdev_is_node_of(const struct fwnode_handle *fwnode, struct device *dev);

#if IS_ENABLED(CONFIG_KUNIT)
int shdev_pm_notify(struct notifier_block *nb, unsigned long action,
		    void *data);
int shdev_reboot_notify(struct notifier_block *nb, unsigned long action,
			void *data);
void shdev_get_stats(struct shdev *sd, struct shdev_stats *stats);
unsigned int shdev_nr_devices(void);
struct shdev_peer *shdev_peer_find(const char *name);
int shdev_release(struct shdev *sd, struct shdev_peer *peer);
int shdev_reclaim(struct shdev *sd);
bool shdev_same_iommu_group(struct device *a, struct device *b);
#endif

#endif /* __SHDEV_INTERNAL_H */
