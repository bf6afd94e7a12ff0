/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared platform devices: runtime ownership transfer between VMs.
 *
 * Driver-side API.  A platform driver registers its device with
 * devm_shdev_register() and keeps its binding while the device is handed
 * to another VM (a peer) and taken back.  Backends, which perform the
 * actual transfer, use <linux/shdev-backend.h>; the glue of subsystems
 * whose devices stack on shared devices, <linux/shdev-consumer.h>.
 *
 * Exports are in the SHDEV symbol namespace: MODULE_IMPORT_NS(SHDEV).
 */
#ifndef __LINUX_SHDEV_H
#define __LINUX_SHDEV_H

#include <linux/compiler_types.h>
#include <linux/types.h>

struct device;
struct drm_atomic_state;
struct drm_device;
struct platform_device;
struct resource;
struct shdev;
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

#define SHDEV_IRQS_MAX	8	/* interrupts a driver adds, at most */
#define SHDEV_RANGES_MAX	4	/* MMIO and port ranges a driver adds */

#if IS_ENABLED(CONFIG_SHDEV)
struct shdev *devm_shdev_register(struct platform_device *pdev,
				  const struct shdev_ops *ops, void *priv);

void *shdev_get_drvdata(const struct shdev *sd);
struct device *shdev_dev(const struct shdev *sd);
enum shdev_state shdev_get_state(const struct shdev *sd);
bool shdev_is_local(const struct shdev *sd);

bool __shdev_enter(struct shdev *sd, int *idx) __cond_acquires(shdev_gate);
void shdev_exit(struct shdev *sd, int idx) __releases(shdev_gate);
int shdev_add_irq(struct shdev *sd, unsigned int irq);
int shdev_add_resource(struct shdev *sd, const struct resource *res);
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

static inline struct device *shdev_dev(const struct shdev *sd)
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

static inline bool __shdev_enter(struct shdev *sd, int *idx)
{
	*idx = 0;
	return true;
}

static inline void shdev_exit(struct shdev *sd, int idx)
	__releases(shdev_gate)
{
	__release(shdev_gate);
}

static inline int shdev_add_irq(struct shdev *sd, unsigned int irq)
{
	return 0;
}

static inline int shdev_add_resource(struct shdev *sd,
				     const struct resource *res)
{
	return 0;
}
#endif

/**
 * shdev_enter() - enter a section that may touch the hardware
 * @sd: the shared device
 * @idx: cookie to hand to shdev_exit()
 *
 * Opens a section during which the device cannot leave Linux: a release
 * waits, after closing the gate, for every section in flight.  Sections are
 * short, may be taken from any context but NMI, and nest.  Every successful
 * call must be paired with shdev_exit(); a failed one must not.  Sparse
 * checks the pairing in the caller (the section is the context
 * "shdev_gate"), lockdep at run time.
 *
 * Return: true if the device is local and the section entered, false if
 * the device is away (or leaving) and the hardware must not be touched.
 */
#define shdev_enter(sd, idx) __cond_lock(shdev_gate, __shdev_enter(sd, idx))

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

#endif /* __LINUX_SHDEV_H */
