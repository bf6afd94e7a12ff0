// SPDX-License-Identifier: GPL-2.0
/*
 * shdev DRM consumers: an atomic DRM device stays registered, and every
 * file on it open, while its device is away.
 *
 * Commits go on being accepted into software state.  The driver's commit
 * tail, shdev_drm_commit_tail(), programs the hardware inside the gate
 * only; while the device is away it completes the commit without the
 * hardware and fakes its vblank events, so that no compositor stalls on a
 * flip.  A release commits nothing, so Linux never disables a CRTC or a
 * plane (it does not switch the panel off).  drm_panic must not draw
 * while the device is not local: the freeze waits out a panic drawing
 * under drm_panic_lock(), and the driver's get_scanout_buffer() refuses
 * when shdev_is_local() is false.  The thaw commits the current state
 * again, with full damage, so that the screen shows Linux's content.  That
 * commit is nonblocking: the repaint of a whole framebuffer is the slowest
 * part of a reclaim, and neither the transfer nor the device lock needs to
 * be held for it.  A commit from userspace after the reclaim waits for it,
 * as for any nonblocking commit before it.
 */

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_modeset_lock.h>
#include <drm/drm_panic.h>
#include <drm/drm_print.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/shdev.h>
#include <linux/shdev-consumer.h>
#include <linux/slab.h>

struct shdev_drm {
	struct shdev_consumer consumer;
	struct shdev *sd;
	struct drm_device *drm;
};

/**
 * shdev_drm_commit_tail() - commit tail of an atomic driver on a shared device
 * @sd: the shared device the DRM device drives
 * @state: the commit, as given to &drm_mode_config_helper_funcs.atomic_commit_tail
 * @tail: the driver's usual commit tail: drm_atomic_helper_commit_tail()
 *	for a driver without one of its own
 *
 * Call it from the driver's &drm_mode_config_helper_funcs.atomic_commit_tail.
 * While the device is local it runs @tail inside the gate, so that a release
 * waits for a commit reaching the hardware.  While away the commit completes
 * in software: vblank events are sent at once and the planes' old buffers
 * are cleaned up; no hardware hook runs.  Once the driver has unplugged
 * @state's device (drm_dev_unplug()), @sd may be gone: @tail runs, as
 * without shdev, and the driver's hooks keep off the hardware as they do
 * after an unplug.
 */
void shdev_drm_commit_tail(struct shdev *sd, struct drm_atomic_state *state,
			   void (*tail)(struct drm_atomic_state *state))
{
	struct drm_crtc_state *crtc_state;
	struct drm_crtc *crtc;
	u32 had_vblank = 0;
	int i, idx, drm_idx;

	/*
	 * Unplugged, the driver has unbound and @sd is gone with it; a file
	 * still open may commit, when it closes, as the driver expects.
	 */
	if (!drm_dev_enter(state->dev, &drm_idx)) {
		tail(state);
		return;
	}
	if (shdev_enter(sd, &idx)) {
		tail(state);
		shdev_exit(sd, idx);
		drm_dev_exit(drm_idx);
		return;
	}
	drm_dev_exit(drm_idx);

	/* Complete the events now, as for hardware without vblank. */
	for_each_new_crtc_in_state(state, crtc, crtc_state, i) {
		if (!crtc_state->no_vblank)
			had_vblank |= drm_crtc_mask(crtc);
		crtc_state->no_vblank = true;
	}
	drm_atomic_helper_fake_vblank(state);
	for_each_new_crtc_in_state(state, crtc, crtc_state, i)
		crtc_state->no_vblank = !(had_vblank & drm_crtc_mask(crtc));

	drm_atomic_helper_commit_hw_done(state);
	drm_atomic_helper_cleanup_planes(state->dev, state);
}
EXPORT_SYMBOL_GPL(shdev_drm_commit_tail);

static int shdev_drm_freeze(struct shdev_consumer *c)
{
	struct shdev_drm *sdrm = container_of(c, struct shdev_drm, consumer);
	unsigned long flags = 0;	/* read by the stubs without DRM_PANIC */

	/*
	 * The device is no longer local: a panic from now on is refused by
	 * the driver's get_scanout_buffer().  Wait out one drawing already.
	 */
	drm_panic_lock(sdrm->drm, flags);
	drm_panic_unlock(sdrm->drm, flags);
	return 0;
}

/* Commit the current state again; duplicated planes carry no damage. */
static int shdev_drm_recommit(struct drm_device *drm,
			      struct drm_modeset_acquire_ctx *ctx, bool nonblock)
{
	struct drm_atomic_state *state;
	int ret;

	state = drm_atomic_helper_duplicate_state(drm, ctx);
	if (IS_ERR(state))
		return PTR_ERR(state);
	if (nonblock)
		ret = drm_atomic_nonblocking_commit(state);
	else
		ret = drm_atomic_commit(state);
	drm_atomic_state_put(state);
	return ret;
}

/*
 * Show Linux's current content again: commit the state with full damage,
 * without waiting for the repaint, unless a commit of userspace's is still
 * in flight, which a nonblocking commit may not overtake.  A state that
 * failed a commit is not committed again: it already holds the commit
 * objects of the failed attempt.
 */
static void shdev_drm_thaw(struct shdev_consumer *c)
{
	struct shdev_drm *sdrm = container_of(c, struct shdev_drm, consumer);
	struct drm_device *drm = sdrm->drm;
	struct drm_modeset_acquire_ctx ctx;
	int ret;

	DRM_MODESET_LOCK_ALL_BEGIN(drm, ctx, 0, ret);
	ret = shdev_drm_recommit(drm, &ctx, true);
	if (ret == -EBUSY)
		ret = shdev_drm_recommit(drm, &ctx, false);
	DRM_MODESET_LOCK_ALL_END(drm, ctx, ret);
	if (ret)
		drm_warn(drm, "repaint after reclaim failed: %d\n", ret);
}

static void shdev_drm_detach(struct shdev_consumer *c)
{
	kfree(container_of(c, struct shdev_drm, consumer));
}

static const struct shdev_consumer_ops shdev_drm_ops = {
	.name = "drm",
	.freeze = shdev_drm_freeze,
	.thaw = shdev_drm_thaw,
	.detach = shdev_drm_detach,
};

static void shdev_drm_remove(void *data)
{
	struct shdev_drm *sdrm = data;

	/*
	 * Commits to come must not reach the shared device, going next: a
	 * DRM device still registered was not unplugged.  One never
	 * registered (the probe failed after the attach) has no files.
	 */
	WARN_ON(sdrm->drm->registered && !drm_dev_is_unplugged(sdrm->drm));

	shdev_consumer_del(sdrm->sd, &sdrm->consumer);
}

/**
 * devm_shdev_attach_drm() - stack an atomic DRM device on a shared device
 * @sd: the shared device
 * @drm: the DRM device its driver created, its mode config initialized
 *
 * From now on @drm freezes and thaws with @sd's transfers; see
 * shdev_drm_commit_tail() for what the driver's commit tail must do.  The
 * consumer is removed when the device unbinds.  @drm may outlive the
 * binding, kept by open files, and @sd does not: the driver's remove must
 * unplug @drm with drm_dev_unplug(), as a driver of a device that can go
 * away does; a warning says when it did not.
 *
 * Context: process context, from the driver's probe.
 * Return: 0, -EINVAL when @drm is not a DRM device of @sd's device, or
 * another negative error.
 */
int devm_shdev_attach_drm(struct shdev *sd, struct drm_device *drm)
{
	struct shdev_drm *sdrm;
	int ret;

	/* Our devres action must run before @sd's, on the same device. */
	if (drm->dev != shdev_dev(sd))
		return -EINVAL;

	sdrm = kzalloc(sizeof(*sdrm), GFP_KERNEL);
	if (!sdrm)
		return -ENOMEM;
	sdrm->sd = sd;
	sdrm->drm = drm;
	sdrm->consumer.ops = &shdev_drm_ops;
	sdrm->consumer.dev = drm->dev;

	ret = shdev_consumer_add(sd, &sdrm->consumer);
	if (ret) {
		kfree(sdrm);
		return ret;
	}
	return devm_add_action_or_reset(drm->dev, shdev_drm_remove, sdrm);
}
EXPORT_SYMBOL_GPL(devm_shdev_attach_drm);

MODULE_DESCRIPTION("shdev: atomic DRM devices stacked on shared devices");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SHDEV);
