// SPDX-License-Identifier: GPL-2.0
/*
 * shdev DRM consumers: an atomic DRM device stays registered, and every
 * file on it open, while its device is away.
 *
 * Commits go on being accepted into software state.  The driver's commit
 * tail, shdev_drm_commit_tail(), programs the hardware inside the gate
 * only; while the device is away it keeps the helpers' bookkeeping (legacy
 * modeset state, timestamping constants, event and commit completion) and
 * skips the hardware, so that no compositor stalls on a flip.  A release
 * commits nothing, so Linux never disables a CRTC or a plane (it does not
 * switch the panel off).
 *
 * The freeze runs with the device still local.  It waits for the commits
 * in flight to leave the commit tail, so that none reaches the hardware
 * or the vblank state once the device is going; commits from then on
 * complete in software.  Then it turns the vblank off on every active
 * CRTC with drm_crtc_vblank_off(), as a driver does for a suspend: the
 * driver's disable_vblank hook runs while the hardware is Linux's, pending
 * vblank events are sent and waiters return, and drm_crtc_vblank_get()
 * fails until the thaw, so that nothing enables a vblank interrupt of
 * hardware that is not Linux's and nothing waits for a vblank that cannot
 * come.  drm_panic must not draw while the device is not local: the freeze
 * waits out a panic drawing under drm_panic_lock(), and the driver's
 * get_scanout_buffer() refuses when shdev_is_local() is false.
 *
 * The thaw turns the vblank on again, with drm_crtc_vblank_on(), on the
 * CRTCs it turned off that are still active, and commits the current
 * state again, with full damage, so that the screen shows Linux's content.
 * A CRTC that had a modeset while away (disabled and enabled again, or its
 * mode changed) gets a full modeset in that commit, so that the driver's
 * disable and enable hooks, and their vblank off and on, run in pairs.
 * The commit is nonblocking: the repaint of a whole framebuffer is the
 * slowest part of a reclaim, and neither the transfer nor the device lock
 * needs to be held for it.  A commit from userspace after the reclaim
 * waits for it, as for any nonblocking commit before it.
 */

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_modeset_lock.h>
#include <drm/drm_panic.h>
#include <drm/drm_print.h>
#include <drm/drm_vblank.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/shdev.h>
#include <linux/shdev-consumer.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

struct shdev_drm {
	struct shdev_consumer consumer;
	struct shdev *sd;
	struct drm_device *drm;
	struct list_head node;		/* in shdev_drms */
	/* Under shdev_drms_lock. */
	bool away;			/* commits complete in software */
	u32 modeset;			/* CRTCs with a modeset while away */
	/* Under the transfer lock. */
	u32 active;			/* CRTCs active when the device left */
};

/* The attached DRM devices, for their commit tails. */
static DEFINE_SPINLOCK(shdev_drms_lock);
static LIST_HEAD(shdev_drms);

/*
 * Whether @state's commit must keep off the hardware; if so, note its
 * modesets for the thaw.  The freeze sets away, with every modeset lock
 * held, once the commits before have left the commit tail.
 */
static bool shdev_drm_commit_away(struct drm_atomic_state *state)
{
	struct drm_crtc_state *crtc_state;
	struct shdev_drm *sdrm;
	struct drm_crtc *crtc;
	bool away = false;
	int i;

	spin_lock(&shdev_drms_lock);
	list_for_each_entry(sdrm, &shdev_drms, node) {
		if (sdrm->drm != state->dev)
			continue;
		away = sdrm->away;
		if (!away)
			break;
		for_each_new_crtc_in_state(state, crtc, crtc_state, i)
			if (drm_atomic_crtc_needs_modeset(crtc_state))
				sdrm->modeset |= drm_crtc_mask(crtc);
		break;
	}
	spin_unlock(&shdev_drms_lock);
	return away;
}

/*
 * What the helpers' commit tail does besides programming the hardware:
 * the legacy modeset state and the timestamping constants follow the
 * commit, its events are sent now, as for a CRTC without vblank
 * (&drm_crtc_state.no_vblank), the commit is done and the planes' old
 * buffers are cleaned up.  Nothing waits for a vblank: the vblank is off
 * while away (drm_crtc_vblank_get() fails).
 */
static void shdev_drm_complete(struct drm_atomic_state *state)
{
	struct drm_crtc_state *crtc_state;
	struct drm_crtc *crtc;
	u32 had_vblank = 0;
	int i;

	drm_atomic_helper_update_legacy_modeset_state(state->dev, state);
	drm_atomic_helper_calc_timestamping_constants(state);

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

/**
 * shdev_drm_commit_tail() - commit tail of an atomic driver on a shared device
 * @sd: the shared device the DRM device drives
 * @state: the commit, as given to &drm_mode_config_helper_funcs.atomic_commit_tail
 * @tail: the driver's usual commit tail: drm_atomic_helper_commit_tail()
 *	for a driver without one of its own
 *
 * Call it from the driver's &drm_mode_config_helper_funcs.atomic_commit_tail.
 * While the device is local it runs @tail inside the gate, so that a release
 * waits for a commit reaching the hardware.  From the freeze of a release
 * to the thaw of the reclaim the commit completes in software: the legacy
 * modeset state and the vblank timestamping constants are updated, the
 * events are sent at once, flip and hardware completion are signalled, and
 * the planes' old buffers are cleaned up; no hardware hook runs and nothing
 * waits for a vblank.  A CRTC enabled, disabled or given another mode
 * meanwhile gets its modeset with the reclaim's repaint.  Once the driver
 * has unplugged @state's device (drm_dev_unplug()), @sd may be gone: @tail
 * runs, as without shdev, and the driver's hooks keep off the hardware as
 * they do after an unplug.
 *
 * The driver's vblank support needs nothing more: the vblank of each active
 * CRTC is off (drm_crtc_vblank_off()) while the device is away, and on again
 * after the reclaim.  Its hooks must send or arm a commit's event only when
 * drm_crtc_vblank_get() succeeds, sending it at once otherwise, as for a
 * CRTC that is off.
 */
void shdev_drm_commit_tail(struct shdev *sd, struct drm_atomic_state *state,
			   void (*tail)(struct drm_atomic_state *state))
{
	int idx, drm_idx;

	/*
	 * Unplugged, the driver has unbound and @sd is gone with it; a file
	 * still open may commit, when it closes, as the driver expects.
	 */
	if (!drm_dev_enter(state->dev, &drm_idx)) {
		tail(state);
		return;
	}
	if (!shdev_drm_commit_away(state) && shdev_enter(sd, &idx)) {
		tail(state);
		shdev_exit(sd, idx);
		drm_dev_exit(drm_idx);
		return;
	}
	drm_dev_exit(drm_idx);

	shdev_drm_complete(state);
}
EXPORT_SYMBOL_GPL(shdev_drm_commit_tail);

/*
 * Wait for every commit on @drm to leave its commit tail; with all the
 * modeset locks held, no commit can start meanwhile.  A commit with the
 * hardware waits at most for a vblank, or the fences of its framebuffers.
 */
static int shdev_drm_wait_commits(struct drm_device *drm)
{
	struct drm_crtc_commit *commit;
	struct drm_crtc *crtc;
	long ret;

	drm_for_each_crtc(crtc, drm) {
		for (;;) {
			spin_lock(&crtc->commit_lock);
			commit = list_first_entry_or_null(&crtc->commit_list,
							  struct drm_crtc_commit,
							  commit_entry);
			if (commit)
				drm_crtc_commit_get(commit);
			spin_unlock(&crtc->commit_lock);
			if (!commit)
				break;
			ret = wait_for_completion_killable_timeout(&commit->cleanup_done,
								   10 * HZ);
			drm_crtc_commit_put(commit);
			if (ret < 0)
				return ret;
			if (!ret) {
				drm_err(drm, "[CRTC:%d:%s] commit timed out\n",
					crtc->base.id, crtc->name);
				return -ETIMEDOUT;
			}
		}
	}
	return 0;
}

static void shdev_drm_set_away(struct shdev_drm *sdrm, bool away)
{
	spin_lock(&shdev_drms_lock);
	sdrm->away = away;
	spin_unlock(&shdev_drms_lock);
}

static int shdev_drm_freeze(struct shdev_consumer *c)
{
	struct shdev_drm *sdrm = container_of(c, struct shdev_drm, consumer);
	struct drm_device *drm = sdrm->drm;
	struct drm_modeset_acquire_ctx ctx;
	unsigned long flags = 0;	/* read by the stubs without DRM_PANIC */
	struct drm_crtc *crtc;
	int ret;

	DRM_MODESET_LOCK_ALL_BEGIN(drm, ctx, 0, ret);
	ret = shdev_drm_wait_commits(drm);
	if (ret)
		goto out;
	shdev_drm_set_away(sdrm, true);

	/*
	 * The device is no longer local: a panic from now on is refused by
	 * the driver's get_scanout_buffer().  Wait out one drawing already.
	 */
	drm_panic_lock(drm, flags);
	drm_panic_unlock(drm, flags);

	/*
	 * The vblank interrupts off, in the hardware too, before the core
	 * disables the device's interrupts; pending events sent and waiters
	 * woken.
	 */
	sdrm->active = 0;
	drm_for_each_crtc(crtc, drm) {
		if (!crtc->state || !crtc->state->active)
			continue;
		sdrm->active |= drm_crtc_mask(crtc);
		if (drm_dev_has_vblank(drm))
			drm_crtc_vblank_off(crtc);
	}
out:
	DRM_MODESET_LOCK_ALL_END(drm, ctx, ret);
	return ret;
}

/*
 * Commit the current state again; duplicated planes carry no damage.  The
 * CRTCs in @modeset get a full modeset.
 */
static int shdev_drm_recommit(struct drm_device *drm,
			      struct drm_modeset_acquire_ctx *ctx, u32 modeset,
			      bool nonblock)
{
	struct drm_crtc_state *crtc_state;
	struct drm_atomic_state *state;
	struct drm_crtc *crtc;
	int i, ret;

	state = drm_atomic_helper_duplicate_state(drm, ctx);
	if (IS_ERR(state))
		return PTR_ERR(state);
	for_each_new_crtc_in_state(state, crtc, crtc_state, i)
		if (modeset & drm_crtc_mask(crtc))
			crtc_state->mode_changed = true;
	if (nonblock)
		ret = drm_atomic_nonblocking_commit(state);
	else
		ret = drm_atomic_commit(state);
	drm_atomic_state_put(state);
	return ret;
}

/*
 * The CRTCs active when the device left and active now; their vblank on
 * again, which the freeze turned off.  A CRTC disabled while away keeps it
 * off, as its driver's disable hook left it, until its enable hook turns
 * it on; one enabled while away from off too, as its hardware is.  The
 * timestamping constants drm_crtc_vblank_off() cleared come back first,
 * as the helpers' modeset sets them, and the driver's vblank
 * configuration (drm_crtc_vblank_on_config()) is kept.
 */
static u32 shdev_drm_vblank_on(struct shdev_drm *sdrm)
{
	struct drm_vblank_crtc_config config;
	struct drm_device *drm = sdrm->drm;
	struct drm_crtc *crtc;
	u32 on = 0;

	drm_for_each_crtc(crtc, drm) {
		if (!(sdrm->active & drm_crtc_mask(crtc)) ||
		    !crtc->state->active)
			continue;
		on |= drm_crtc_mask(crtc);
		if (!drm_dev_has_vblank(drm))
			continue;
		/* drm_crtc_vblank_on() would drop the driver's configuration. */
		config = drm_crtc_vblank_crtc(crtc)->config;
		drm_calc_timestamping_constants(crtc,
						&crtc->state->adjusted_mode);
		drm_crtc_vblank_on_config(crtc, &config);
	}
	sdrm->active = 0;
	return on;
}

/*
 * Show Linux's current content again: commit the state with full damage,
 * without waiting for the repaint, unless a commit of userspace's is still
 * in flight, which a nonblocking commit may not overtake.  A state that
 * failed a commit is not committed again: it already holds the commit
 * objects of the failed attempt.
 *
 * A CRTC that was active when the device left, is active now and had a
 * modeset while away gets one now.  One enabled while away from off, or
 * disabled while away, stays as the hardware has it until its next
 * modeset: the helpers can disable only what the software state says is
 * on.
 */
static void shdev_drm_thaw(struct shdev_consumer *c)
{
	struct shdev_drm *sdrm = container_of(c, struct shdev_drm, consumer);
	struct drm_device *drm = sdrm->drm;
	struct drm_modeset_acquire_ctx ctx;
	u32 modeset, active;
	int ret;

	DRM_MODESET_LOCK_ALL_BEGIN(drm, ctx, 0, ret);
	spin_lock(&shdev_drms_lock);
	sdrm->away = false;
	modeset = sdrm->modeset;
	sdrm->modeset = 0;
	spin_unlock(&shdev_drms_lock);

	active = shdev_drm_vblank_on(sdrm);
	ret = shdev_drm_recommit(drm, &ctx, modeset & active, true);
	if (ret == -EBUSY)
		ret = shdev_drm_recommit(drm, &ctx, modeset & active, false);
	DRM_MODESET_LOCK_ALL_END(drm, ctx, ret);
	if (ret)
		drm_warn(drm, "repaint after reclaim failed: %d\n", ret);
}

static void shdev_drm_detach(struct shdev_consumer *c)
{
	struct shdev_drm *sdrm = container_of(c, struct shdev_drm, consumer);

	spin_lock(&shdev_drms_lock);
	list_del(&sdrm->node);
	spin_unlock(&shdev_drms_lock);
	kfree(sdrm);
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
	spin_lock(&shdev_drms_lock);
	list_add_tail(&sdrm->node, &shdev_drms);
	spin_unlock(&shdev_drms_lock);

	ret = shdev_consumer_add(sd, &sdrm->consumer);
	if (ret) {
		shdev_drm_detach(&sdrm->consumer);
		return ret;
	}
	return devm_add_action_or_reset(drm->dev, shdev_drm_remove, sdrm);
}
EXPORT_SYMBOL_GPL(devm_shdev_attach_drm);

MODULE_DESCRIPTION("shdev: atomic DRM devices stacked on shared devices");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SHDEV);
