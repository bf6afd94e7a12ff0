/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared platform devices: runtime ownership transfer between VMs.
 *
 * Driver-side API.  A platform driver registers its device with
 * devm_shdev_register() and keeps its binding while the device is handed
 * to another VM (a peer) and taken back.  Backends, which perform the
 * actual transfer, use <linux/shdev-backend.h>.
 */
#ifndef __LINUX_SHDEV_H
#define __LINUX_SHDEV_H

#include <linux/list.h>
#include <linux/types.h>

struct device;
struct drm_atomic_state;
struct drm_device;
struct platform_device;
struct shdev;
struct shdev_consumer;
struct shdev_peer;

/**
 * enum shdev_state - who owns a shared device
 * @SHDEV_LOCAL: Linux owns the device; the gate is open.
 * @SHDEV_RELEASING: a release to a peer is in flight.
 * @SHDEV_REMOTE: a peer owns the device; the gate is closed.
 * @SHDEV_RECLAIMING: a reclaim from the peer is in flight.
 * @SHDEV_LOST: a reclaim failed; the gate stays closed and the device is
 *	not used until a later reclaim succeeds.
 * @SHDEV_REFUSED: a peer offered the device (to a unit it owned at boot)
 *	with resources that do not match its description; the peer keeps it.
 */
enum shdev_state {
	SHDEV_LOCAL,
	SHDEV_RELEASING,
	SHDEV_REMOTE,
	SHDEV_RECLAIMING,
	SHDEV_LOST,
	SHDEV_REFUSED,
};

/**
 * struct shdev_ops - driver callbacks for a shared device
 * @quiesce: stop using the hardware: let a transfer in flight complete,
 *	start no new one, flush work, stop DMA.  Keep it powered and keep its
 *	software state.  Called with the gate still open and the interrupts
 *	enabled, so that what is in flight can complete through its own
 *	interrupt; the core then disables the device's interrupts (those of
 *	the platform device and those added with shdev_add_irq()) and closes
 *	the gate.  On error the device must be left working as before the
 *	call; the release is then undone.  Required.
 * @resume: take the hardware back after a reclaim, or after a failed
 *	release: re-program it from software state.  The peer may have
 *	changed any register.  Called with the gate open and the interrupts
 *	enabled again by the core; on error the core disables them and
 *	closes the gate again, and the device is %SHDEV_LOST.  Required.
 * @sanitize: optional.  Bring the hardware to a state that shows no data
 *	of the previous owner and that @resume can start from (typically a
 *	reset).  Runs after @quiesce when the peer is untrusted and before
 *	@resume when the peer died or is untrusted.
 * @validate: optional.  Check, after a reclaim and before @resume, that
 *	the hardware given back is the expected device in a usable state.  An
 *	error leaves the device %SHDEV_LOST.
 *
 * The callbacks run in process context, serialized with every other
 * transfer of the device and never after the driver's unbind has begun.
 * @sanitize and @validate run with the gate closed: they access the
 * hardware directly and must not call shdev_enter().  @quiesce and
 * @resume run with it open.
 */
struct shdev_ops {
	int (*quiesce)(struct shdev *sd);
	int (*resume)(struct shdev *sd);
	int (*sanitize)(struct shdev *sd);
	int (*validate)(struct shdev *sd);
};

/**
 * struct shdev_consumer_ops - a kind of device stacked on a shared device
 * @name: the kind, for messages ("input", "drm")
 * @freeze: stop the stacked device from reaching the shared one, keeping
 *	it registered and its files open.  Called top-down (the consumer
 *	added last first) before the driver's quiesce, with the device still
 *	local.  On error nothing may have changed; the consumers frozen so far
 *	are thawed.
 * @thaw: undo @freeze.  Called bottom-up after the driver's resume, with
 *	the device local again; cannot fail.
 * @detach: the consumer leaves, because its stacked device or the shared
 *	device goes away: free what the consumer allocated without reaching
 *	the device (a frozen stacked device may stay frozen).  Called whether
 *	frozen or not.
 *
 * All three are called with the shared device's transfer lock held.
 */
struct shdev_consumer_ops {
	const char *name;
	int (*freeze)(struct shdev_consumer *c);
	void (*thaw)(struct shdev_consumer *c);
	void (*detach)(struct shdev_consumer *c);
};

/**
 * struct shdev_consumer - a device stacked on a shared device
 * @ops: what to do with it
 * @dev: the stacked device, for messages and lookups
 * @node: private to the core
 * @all: private to the core
 * @sd: private to the core
 * @frozen: private to the core
 */
struct shdev_consumer {
	const struct shdev_consumer_ops *ops;
	struct device *dev;
	struct list_head node;
	struct list_head all;
	struct shdev *sd;
	bool frozen;
};

#define SHDEV_IRQS_MAX	8	/* interrupts a driver adds, at most */

#if IS_ENABLED(CONFIG_SHDEV)
struct shdev *devm_shdev_register(struct platform_device *pdev,
				  const struct shdev_ops *ops, void *priv);

void *shdev_get_drvdata(const struct shdev *sd);
enum shdev_state shdev_get_state(const struct shdev *sd);
bool shdev_is_local(const struct shdev *sd);

bool shdev_enter(struct shdev *sd, int *idx);
void shdev_exit(struct shdev *sd, int idx);
int shdev_add_irq(struct shdev *sd, unsigned int irq);
#else
/*
 * Without shdev a device never leaves: registration gives no shared device
 * (NULL, not an error) and the gate is always open.
 */
static inline struct shdev *
devm_shdev_register(struct platform_device *pdev, const struct shdev_ops *ops,
		    void *priv)
{
	return NULL;
}

static inline void *shdev_get_drvdata(const struct shdev *sd)
{
	return NULL;
}

static inline enum shdev_state shdev_get_state(const struct shdev *sd)
{
	return SHDEV_LOCAL;
}

static inline bool shdev_is_local(const struct shdev *sd)
{
	return true;
}

static inline bool shdev_enter(struct shdev *sd, int *idx)
{
	*idx = 0;
	return true;
}

static inline void shdev_exit(struct shdev *sd, int idx)
{
}

static inline int shdev_add_irq(struct shdev *sd, unsigned int irq)
{
	return 0;
}
#endif

struct device *shdev_dev(const struct shdev *sd);
const char *shdev_state_name(enum shdev_state state);

int shdev_consumer_add(struct shdev *sd, struct shdev_consumer *c);
int shdev_consumer_add_below(struct shdev_consumer *c);
void shdev_consumer_del(struct shdev *sd, struct shdev_consumer *c);
void shdev_consumer_remove(struct device *dev);

/* Atomic DRM drivers (drivers/shdev/drm.c). */
#if IS_ENABLED(CONFIG_SHDEV_DRM)
int devm_shdev_attach_drm(struct shdev *sd, struct drm_device *drm);
void shdev_drm_commit_tail(struct shdev *sd, struct drm_atomic_state *state,
			   void (*tail)(struct drm_atomic_state *state));
#else
/*
 * Without shdev's DRM support (shdev, DRM or its KMS helpers not built),
 * a DRM device cannot stay on a device that leaves: attaching it to a
 * shared device fails.  Without shdev there is no shared device and the
 * commit tail is the driver's own.
 */
static inline int devm_shdev_attach_drm(struct shdev *sd,
					struct drm_device *drm)
{
	return sd ? -EOPNOTSUPP : 0;
}

static inline void shdev_drm_commit_tail(struct shdev *sd,
					 struct drm_atomic_state *state,
					 void (*tail)(struct drm_atomic_state *state))
{
	tail(state);
}
#endif

struct shdev_peer *shdev_peer_find(const char *name);
int shdev_release(struct shdev *sd, struct shdev_peer *peer);
int shdev_reclaim(struct shdev *sd);

#endif /* __LINUX_SHDEV_H */
