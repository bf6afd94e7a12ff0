// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the DRM consumer: an atomic DRM device on the fake shared
 * device, with one plane and one CRTC whose hooks count what reaches the
 * "hardware".  A second kind of that device has vblank interrupts, as a
 * display controller has: the test fires them with drm_crtc_handle_vblank(),
 * and flips complete on a vblank.
 */

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_atomic_state_helper.h>
#include <drm/drm_atomic_uapi.h>
#include <drm/drm_crtc.h>
#include <drm/drm_drv.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_kunit_helpers.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_panic.h>
#include <drm/drm_plane.h>
#include <drm/drm_vblank.h>
#include <kunit/test.h>
#include <linux/completion.h>

#include "fake.h"

struct kd_dev {
	struct drm_device drm;
	struct shdev *sd;
	struct drm_plane *plane;
	struct drm_crtc *crtc;
	struct drm_framebuffer fb[2];
	/* Hooks that reach the hardware. */
	int plane_updates;
	int plane_disables;
	int crtc_enables;
	int crtc_disables;
	int crtc_flushes;
	int vblank_enables;
	int vblank_disables;
	/* What the last plane update was asked to draw. */
	struct drm_framebuffer *drawn_fb;
	unsigned int drawn_clips;
	/* When set, plane updates wait for it, as a slow repaint would. */
	struct completion *slow;
};

static struct kd_dev *to_kd(struct drm_device *drm)
{
	return container_of(drm, struct kd_dev, drm);
}

static const struct drm_display_mode kd_mode = {
	DRM_MODE("64x48", DRM_MODE_TYPE_DRIVER, 1000, 64, 65, 66, 67, 0,
		 48, 49, 50, 51, 0, 0)
};

static const u32 kd_formats[] = { DRM_FORMAT_XRGB8888 };

static void kd_plane_update(struct drm_plane *plane,
			    struct drm_atomic_state *state)
{
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state,
								     plane);
	struct kd_dev *kd = to_kd(plane->dev);

	if (kd->slow)
		wait_for_completion_timeout(kd->slow, 10 * HZ);
	kd->plane_updates++;
	kd->drawn_fb = new->fb;
	kd->drawn_clips = drm_plane_get_damage_clips_count(new);
}

static void kd_plane_disable(struct drm_plane *plane,
			     struct drm_atomic_state *state)
{
	to_kd(plane->dev)->plane_disables++;
}

/* As a driver writes it: no panic drawing while the device is away. */
static int kd_get_scanout_buffer(struct drm_plane *plane,
				 struct drm_scanout_buffer *sb)
{
	struct kd_dev *kd = to_kd(plane->dev);

	if (!shdev_is_local(kd->sd))
		return -EBUSY;
	sb->format = drm_format_info(DRM_FORMAT_XRGB8888);
	sb->width = kd_mode.hdisplay;
	sb->height = kd_mode.vdisplay;
	return 0;
}

static const struct drm_plane_helper_funcs kd_plane_helpers = {
	.atomic_update = kd_plane_update,
	.atomic_disable = kd_plane_disable,
	.get_scanout_buffer = kd_get_scanout_buffer,
};

static void kd_crtc_disable(struct drm_crtc *crtc,
			    struct drm_atomic_state *state)
{
	to_kd(crtc->dev)->crtc_disables++;
}

/* The "hardware" has latched the update: send the event, as drivers do. */
static void kd_crtc_flush(struct drm_crtc *crtc, struct drm_atomic_state *state)
{
	struct drm_crtc_state *crtc_state = crtc->state;

	to_kd(crtc->dev)->crtc_flushes++;
	spin_lock_irq(&crtc->dev->event_lock);
	if (crtc_state->event)
		drm_crtc_send_vblank_event(crtc, crtc_state->event);
	crtc_state->event = NULL;
	spin_unlock_irq(&crtc->dev->event_lock);
}

static const struct drm_crtc_helper_funcs kd_crtc_helpers = {
	.atomic_disable = kd_crtc_disable,
	.atomic_flush = kd_crtc_flush,
};

static void kd_commit_tail(struct drm_atomic_state *state)
{
	shdev_drm_commit_tail(to_kd(state->dev)->sd, state,
			      drm_atomic_helper_commit_tail);
}

static const struct drm_mode_config_helper_funcs kd_mode_config_helpers = {
	.atomic_commit_tail = kd_commit_tail,
};

static const struct drm_mode_config_funcs kd_mode_config_funcs = {
	.atomic_commit = drm_atomic_helper_commit,
};

static void kd_fb_destroy(struct drm_framebuffer *fb)
{
	drm_framebuffer_cleanup(fb);
}

static const struct drm_framebuffer_funcs kd_fb_funcs = {
	.destroy = kd_fb_destroy,
};

/*
 * Commit @fb on the plane of an active CRTC (or nothing, with a NULL @fb,
 * and the CRTC off), with a flip event; a nonblocking commit with
 * @nonblock.  Returns the commit's error, and in @flipped, if not NULL,
 * whether its event completed when the commit returned.
 */
static int kd_commit_flags(struct kd_dev *kd, struct drm_framebuffer *fb,
			   bool *flipped, bool nonblock)
{
	struct drm_pending_vblank_event *event;
	struct drm_modeset_acquire_ctx ctx;
	struct drm_crtc_commit *commit = NULL;
	struct drm_atomic_state *state;
	struct drm_crtc_state *crtc_state;
	struct drm_plane_state *plane_state;
	int ret;

	drm_modeset_acquire_init(&ctx, 0);
	state = drm_atomic_state_alloc(&kd->drm);
	if (!state) {
		ret = -ENOMEM;
		goto fini;
	}
	state->acquire_ctx = &ctx;

retry:
	crtc_state = drm_atomic_get_crtc_state(state, kd->crtc);
	if (IS_ERR(crtc_state)) {
		ret = PTR_ERR(crtc_state);
		goto put;
	}
	plane_state = drm_atomic_get_plane_state(state, kd->plane);
	if (IS_ERR(plane_state)) {
		ret = PTR_ERR(plane_state);
		goto put;
	}
	ret = drm_atomic_set_mode_for_crtc(crtc_state, fb ? &kd_mode : NULL);
	if (ret)
		goto put;
	crtc_state->active = !!fb;
	ret = drm_atomic_set_crtc_for_plane(plane_state, fb ? kd->crtc : NULL);
	if (ret)
		goto put;
	drm_atomic_set_fb_for_plane(plane_state, fb);
	plane_state->crtc_w = fb ? kd_mode.hdisplay : 0;
	plane_state->crtc_h = fb ? kd_mode.vdisplay : 0;
	plane_state->src_w = plane_state->crtc_w << 16;
	plane_state->src_h = plane_state->crtc_h << 16;

	if (fb) {
		event = kzalloc(sizeof(*event), GFP_KERNEL);
		if (!event) {
			ret = -ENOMEM;
			goto put;
		}
		event->event.base.type = DRM_EVENT_FLIP_COMPLETE;
		event->event.base.length = sizeof(event->event);
		crtc_state->event = event;
	}

	if (nonblock)
		ret = drm_atomic_nonblocking_commit(state);
	else
		ret = drm_atomic_commit(state);
	if (ret == -EDEADLK) {
		kfree(crtc_state->event);
		crtc_state->event = NULL;
	}
	if (!ret && fb && flipped) {
		commit = drm_crtc_commit_get(crtc_state->commit);
		*flipped = completion_done(&commit->flip_done);
		drm_crtc_commit_put(commit);
	}
put:
	/* Lock debugging makes ww mutexes report contention at random. */
	if (ret == -EDEADLK) {
		drm_atomic_state_clear(state);
		drm_modeset_backoff(&ctx);
		goto retry;
	}
	drm_atomic_state_put(state);
fini:
	drm_modeset_drop_locks(&ctx);
	drm_modeset_acquire_fini(&ctx);
	return ret;
}

static int kd_commit(struct kd_dev *kd, struct drm_framebuffer *fb,
		     bool *flipped)
{
	return kd_commit_flags(kd, fb, flipped, false);
}

/* Wait for the latest commit on the CRTC to be done; false on timeout. */
static bool kd_wait_commits(struct kd_dev *kd)
{
	struct drm_crtc_commit *commit;
	bool done = true;

	spin_lock(&kd->crtc->commit_lock);
	commit = list_first_entry_or_null(&kd->crtc->commit_list,
					  struct drm_crtc_commit, commit_entry);
	if (commit)
		drm_crtc_commit_get(commit);
	spin_unlock(&kd->crtc->commit_lock);
	if (commit) {
		done = wait_for_completion_timeout(&commit->cleanup_done,
						   10 * HZ);
		drm_crtc_commit_put(commit);
	}
	return done;
}

/*
 * Turn everything off, drop the framebuffers and unplug, as the driver's
 * remove does, before the device goes.
 */
static void kd_teardown(void *data)
{
	struct kd_dev *kd = data;
	int i;

	/* A repaint the thaw queued may still run. */
	kd_wait_commits(kd);
	kd_commit(kd, NULL, NULL);
	for (i = 0; i < ARRAY_SIZE(kd->fb); i++)
		drm_framebuffer_put(&kd->fb[i]);
	if (!drm_dev_is_unplugged(&kd->drm))
		drm_dev_unplug(&kd->drm);
}

/* Not the helper's, freed with the device's driver: the DRM device may stay. */
static const struct drm_driver kd_driver = {
	.driver_features = DRIVER_MODESET | DRIVER_ATOMIC,
};

/* The device, its plane and its CRTC, not attached yet. */
static struct kd_dev *kd_alloc(struct kunit *test, struct kt_dev *kt,
			       const struct drm_crtc_funcs *crtc_funcs,
			       const struct drm_crtc_helper_funcs *crtc_helpers)
{
	struct kd_dev *kd;

	kd = drm_kunit_helper_alloc_drm_device_with_driver(test,
							   &kt->pdev->dev,
							   struct kd_dev, drm,
							   &kd_driver);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kd);
	kd->sd = kt->sd;
	kd->drm.mode_config.funcs = &kd_mode_config_funcs;
	kd->drm.mode_config.helper_private = &kd_mode_config_helpers;
	kd->drm.mode_config.max_width = kd_mode.hdisplay;
	kd->drm.mode_config.max_height = kd_mode.vdisplay;

	kd->plane = drm_kunit_helper_create_primary_plane(test, &kd->drm, NULL,
							  &kd_plane_helpers,
							  kd_formats,
							  ARRAY_SIZE(kd_formats),
							  NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kd->plane);
	kd->crtc = drm_kunit_helper_create_crtc(test, &kd->drm, kd->plane, NULL,
						crtc_funcs, crtc_helpers);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kd->crtc);
	return kd;
}

/* Its framebuffers, and the attach, as the driver's probe ends. */
static void kd_attach(struct kunit *test, struct kt_dev *kt, struct kd_dev *kd)
{
	int i;

	drm_mode_config_reset(&kd->drm);

	for (i = 0; i < ARRAY_SIZE(kd->fb); i++) {
		struct drm_framebuffer *fb = &kd->fb[i];

		fb->dev = &kd->drm;
		fb->format = drm_format_info(DRM_FORMAT_XRGB8888);
		fb->width = kd_mode.hdisplay;
		fb->height = kd_mode.vdisplay;
		fb->pitches[0] = fb->width * 4;
		KUNIT_ASSERT_EQ(test, drm_framebuffer_init(&kd->drm, fb,
							   &kd_fb_funcs), 0);
	}
	KUNIT_ASSERT_EQ(test, devm_shdev_attach_drm(kt->sd, &kd->drm), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kd_teardown, kd),
			0);
}

static struct kd_dev *kd_create(struct kunit *test, struct kt_dev *kt)
{
	struct kd_dev *kd = kd_alloc(test, kt, NULL, &kd_crtc_helpers);

	kd_attach(test, kt, kd);
	return kd;
}

/*
 * The device with vblank interrupts.  Its CRTC turns the vblank on and off
 * with the CRTC, keeping the interrupt on while the CRTC is (no off
 * delay), and arms a flip's event for the next vblank, as display
 * controllers' drivers do.  Its commit tail, in the order of
 * drm_atomic_helper_commit_tail_rpm(), updates the planes of active CRTCs
 * only, and waits for the flip to be done.
 */
static int kd_enable_vblank(struct drm_crtc *crtc)
{
	to_kd(crtc->dev)->vblank_enables++;
	return 0;
}

static void kd_disable_vblank(struct drm_crtc *crtc)
{
	to_kd(crtc->dev)->vblank_disables++;
}

static void kd_vblank_crtc_reset(struct drm_crtc *crtc)
{
	drm_atomic_helper_crtc_reset(crtc);
	drm_crtc_vblank_reset(crtc);
}

static const struct drm_crtc_funcs kd_vblank_crtc_funcs = {
	.reset = kd_vblank_crtc_reset,
	.atomic_duplicate_state = drm_atomic_helper_crtc_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_crtc_destroy_state,
	.enable_vblank = kd_enable_vblank,
	.disable_vblank = kd_disable_vblank,
};

static void kd_vblank_crtc_enable(struct drm_crtc *crtc,
				  struct drm_atomic_state *state)
{
	static const struct drm_vblank_crtc_config always_on = {};

	to_kd(crtc->dev)->crtc_enables++;
	drm_crtc_vblank_on_config(crtc, &always_on);
}

static void kd_vblank_crtc_disable(struct drm_crtc *crtc,
				   struct drm_atomic_state *state)
{
	to_kd(crtc->dev)->crtc_disables++;
	drm_crtc_vblank_off(crtc);

	/* Off for good: the plane hooks do not run, the event goes now. */
	spin_lock_irq(&crtc->dev->event_lock);
	if (crtc->state->event && !crtc->state->active) {
		drm_crtc_send_vblank_event(crtc, crtc->state->event);
		crtc->state->event = NULL;
	}
	spin_unlock_irq(&crtc->dev->event_lock);
}

/* The event goes with the next vblank, or now if the vblank is off. */
static void kd_vblank_crtc_flush(struct drm_crtc *crtc,
				 struct drm_atomic_state *state)
{
	struct drm_crtc_state *crtc_state = crtc->state;

	to_kd(crtc->dev)->crtc_flushes++;
	spin_lock_irq(&crtc->dev->event_lock);
	if (crtc_state->event) {
		if (drm_crtc_vblank_get(crtc) == 0)
			drm_crtc_arm_vblank_event(crtc, crtc_state->event);
		else
			drm_crtc_send_vblank_event(crtc, crtc_state->event);
	}
	crtc_state->event = NULL;
	spin_unlock_irq(&crtc->dev->event_lock);
}

static const struct drm_crtc_helper_funcs kd_vblank_crtc_helpers = {
	.atomic_enable = kd_vblank_crtc_enable,
	.atomic_disable = kd_vblank_crtc_disable,
	.atomic_flush = kd_vblank_crtc_flush,
};

/* What drm_atomic_helper_check_modeset() would say, without connectors. */
static int kd_vblank_check(struct drm_device *drm,
			   struct drm_atomic_state *state)
{
	struct drm_crtc_state *old, *new;
	struct drm_crtc *crtc;
	int i;

	for_each_oldnew_crtc_in_state(state, crtc, old, new, i) {
		if (old->enable != new->enable ||
		    !drm_mode_equal(&old->mode, &new->mode))
			new->mode_changed = true;
		if (old->active != new->active)
			new->active_changed = true;
		drm_mode_copy(&new->adjusted_mode, &new->mode);
		drm_mode_set_crtcinfo(&new->adjusted_mode, 0);
	}
	return 0;
}

static void kd_vblank_tail(struct drm_atomic_state *state)
{
	struct drm_device *drm = state->dev;

	drm_atomic_helper_commit_modeset_disables(drm, state);
	drm_atomic_helper_commit_modeset_enables(drm, state);
	drm_atomic_helper_commit_planes(drm, state,
					DRM_PLANE_COMMIT_ACTIVE_ONLY);
	drm_atomic_helper_fake_vblank(state);
	drm_atomic_helper_commit_hw_done(state);
	drm_atomic_helper_wait_for_flip_done(drm, state);
	drm_atomic_helper_cleanup_planes(drm, state);
}

static void kd_vblank_commit_tail(struct drm_atomic_state *state)
{
	shdev_drm_commit_tail(to_kd(state->dev)->sd, state, kd_vblank_tail);
}

static const struct drm_mode_config_helper_funcs kd_vblank_mc_helpers = {
	.atomic_commit_tail = kd_vblank_commit_tail,
};

static const struct drm_mode_config_funcs kd_vblank_mode_config_funcs = {
	.atomic_check = kd_vblank_check,
	.atomic_commit = drm_atomic_helper_commit,
};

static struct kd_dev *kd_create_vblank(struct kunit *test, struct kt_dev *kt)
{
	struct kd_dev *kd;

	kd = kd_alloc(test, kt, &kd_vblank_crtc_funcs, &kd_vblank_crtc_helpers);
	kd->drm.mode_config.funcs = &kd_vblank_mode_config_funcs;
	kd->drm.mode_config.helper_private = &kd_vblank_mc_helpers;
	KUNIT_ASSERT_EQ(test, drm_vblank_init(&kd->drm, 1), 0);
	kd_attach(test, kt, kd);
	return kd;
}

static struct drm_vblank_crtc *kd_vblank(struct kd_dev *kd)
{
	return drm_crtc_vblank_crtc(kd->crtc);
}

/* The "hardware" raises a vblank interrupt. */
static void kd_fire_vblank(struct kd_dev *kd)
{
	drm_crtc_handle_vblank(kd->crtc);
}

/*
 * Let the latest commit run to its end on the "hardware": once it is done
 * with the hardware, a vblank comes.  Returns whether its flip was done by
 * that vblank; false also when the flip was done before it.
 */
static bool kd_settle(struct kunit *test, struct kd_dev *kd)
{
	struct drm_crtc_commit *commit;
	bool early, done;

	spin_lock(&kd->crtc->commit_lock);
	commit = list_first_entry_or_null(&kd->crtc->commit_list,
					  struct drm_crtc_commit, commit_entry);
	if (commit)
		drm_crtc_commit_get(commit);
	spin_unlock(&kd->crtc->commit_lock);
	KUNIT_ASSERT_NOT_NULL(test, commit);

	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&commit->hw_done,
							    10 * HZ));
	early = completion_done(&commit->flip_done);
	kd_fire_vblank(kd);
	done = wait_for_completion_timeout(&commit->cleanup_done, 10 * HZ);
	drm_crtc_commit_put(commit);
	return !early && done;
}

/* A flip on the "hardware": it completes with the vblank that follows. */
static bool kd_vblank_flip(struct kunit *test, struct kd_dev *kd,
			   struct drm_framebuffer *fb)
{
	KUNIT_ASSERT_EQ(test, kd_commit_flags(kd, fb, NULL, true), 0);
	return kd_settle(test, kd);
}

static void kd_event_release(struct completion *done)
{
}

/*
 * An event of userspace's for the next vblank (DRM_IOCTL_WAIT_VBLANK with
 * _DRM_VBLANK_EVENT), which completes @done when sent.
 */
static void kd_queue_vblank_event(struct kunit *test, struct kd_dev *kd,
				  struct completion *done)
{
	struct drm_pending_vblank_event *e;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e);
	e->event.base.type = DRM_EVENT_VBLANK;
	e->event.base.length = sizeof(e->event.vbl);
	e->base.event = &e->event.base;
	e->base.completion = done;
	e->base.completion_release = kd_event_release;
	KUNIT_ASSERT_EQ(test, drm_crtc_vblank_get(kd->crtc), 0);
	spin_lock_irq(&kd->drm.event_lock);
	drm_crtc_arm_vblank_event(kd->crtc, e);
	spin_unlock_irq(&kd->drm.event_lock);
}

static void shdev_drm_test_commit_while_away(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct kd_dev *kd = kd_create(test, kt);
	bool flipped = false;

	KUNIT_ASSERT_EQ(test, kd_commit(kd, &kd->fb[0], &flipped), 0);
	KUNIT_EXPECT_TRUE(test, flipped);
	KUNIT_EXPECT_EQ(test, kd->plane_updates, 1);
	KUNIT_EXPECT_EQ(test, kd->crtc_flushes, 1);

	/* The release turns nothing off. */
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_EQ(test, kd->crtc_disables, 0);
	KUNIT_EXPECT_EQ(test, kd->plane_disables, 0);
	KUNIT_EXPECT_EQ(test, kd->plane_updates, 1);

	/* A flip while away: accepted, its event completes, no hook runs. */
	flipped = false;
	KUNIT_EXPECT_EQ(test, kd_commit(kd, &kd->fb[1], &flipped), 0);
	KUNIT_EXPECT_TRUE(test, flipped);
	KUNIT_EXPECT_PTR_EQ(test, kd->plane->state->fb, &kd->fb[1]);
	KUNIT_EXPECT_EQ(test, kd->plane_updates, 1);
	KUNIT_EXPECT_EQ(test, kd->crtc_flushes, 1);
	KUNIT_EXPECT_EQ(test, kd->crtc_disables, 0);
	KUNIT_EXPECT_FALSE(test, kd->crtc->state->no_vblank);

	/* The thaw shows the latest state, in full. */
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_ASSERT_TRUE(test, kd_wait_commits(kd));
	KUNIT_EXPECT_EQ(test, kd->plane_updates, 2);
	KUNIT_EXPECT_PTR_EQ(test, kd->drawn_fb, &kd->fb[1]);
	KUNIT_EXPECT_EQ(test, kd->drawn_clips, 0);
	KUNIT_EXPECT_EQ(test, kd->crtc_disables, 0);
	KUNIT_EXPECT_EQ(test, kd->plane_disables, 0);

	/* And the hardware path is back. */
	flipped = false;
	KUNIT_EXPECT_EQ(test, kd_commit(kd, &kd->fb[0], &flipped), 0);
	KUNIT_EXPECT_TRUE(test, flipped);
	KUNIT_EXPECT_EQ(test, kd->plane_updates, 3);
	KUNIT_EXPECT_PTR_EQ(test, kd->drawn_fb, &kd->fb[0]);
}

/*
 * The reclaim does not wait for the repaint, which for a whole framebuffer
 * is slow; the device is Linux's again meanwhile, and the repaint comes.
 */
static void shdev_drm_test_repaint_after_reclaim(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct kd_dev *kd = kd_create(test, kt);
	DECLARE_COMPLETION_ONSTACK(slow);
	bool flipped = false;

	KUNIT_ASSERT_EQ(test, kd_commit(kd, &kd->fb[0], &flipped), 0);
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_ASSERT_EQ(test, kd_commit(kd, &kd->fb[1], &flipped), 0);
	KUNIT_ASSERT_EQ(test, kd->plane_updates, 1);

	kd->slow = &slow;
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_TRUE(test, shdev_is_local(kt->sd));
	KUNIT_EXPECT_EQ(test, kd->plane_updates, 1);
	complete_all(&slow);
	KUNIT_ASSERT_TRUE(test, kd_wait_commits(kd));
	kd->slow = NULL;
	KUNIT_EXPECT_EQ(test, kd->plane_updates, 2);
	KUNIT_EXPECT_PTR_EQ(test, kd->drawn_fb, &kd->fb[1]);
	KUNIT_EXPECT_EQ(test, kd->drawn_clips, 0);
}

static void shdev_drm_test_panic_refused(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct kd_dev *kd = kd_create(test, kt);
	struct drm_scanout_buffer sb = {};

	KUNIT_EXPECT_EQ(test, kd_get_scanout_buffer(kd->plane, &sb), 0);
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_EQ(test, kd_get_scanout_buffer(kd->plane, &sb), -EBUSY);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, kd_get_scanout_buffer(kd->plane, &sb), 0);
}

static void shdev_drm_test_attach_other_device(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct kt_dev *other = kt_create(test, kt_minimal);
	struct kd_dev *kd = kd_create(test, kt);

	KUNIT_EXPECT_EQ(test, devm_shdev_attach_drm(other->sd, &kd->drm),
			-EINVAL);
}

/*
 * A file open on the DRM device keeps it after the driver unbinds, and
 * may commit when it closes (removing its framebuffers): the commit runs
 * as the driver expects after an unplug, and never reaches the shared
 * device, gone with the driver.
 */
static void shdev_drm_test_commit_after_unbind(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct kd_dev *kd = kd_create(test, kt);
	bool flipped = false;

	KUNIT_ASSERT_EQ(test, kd_commit(kd, &kd->fb[0], &flipped), 0);
	drm_dev_get(&kd->drm);			/* the open file's */
	drm_dev_unplug(&kd->drm);		/* the driver's remove */
	device_release_driver(&kt->pdev->dev);
	KUNIT_ASSERT_NULL(test, READ_ONCE(kt->sd));
	kd->sd = NULL;				/* freed: never to be reached */

	KUNIT_EXPECT_EQ(test, kd_commit(kd, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, kd->plane_disables, 1);
	kunit_release_action(test, kd_teardown, kd);
	drm_dev_put(&kd->drm);			/* the file closes */
}

/*
 * A DRM device attached but never registered, as when the driver's probe
 * fails after the attach, leaves with the binding without a warning.
 */
static void shdev_drm_test_unbind_unregistered(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct kd_dev *kd = kd_create(test, kt);

	KUNIT_ASSERT_FALSE(test, kd->drm.registered);
	drm_dev_get(&kd->drm);			/* past the binding's devres */
	device_release_driver(&kt->pdev->dev);
	KUNIT_ASSERT_NULL(test, READ_ONCE(kt->sd));
	kd->sd = NULL;
	drm_dev_unplug(&kd->drm);		/* before the teardown's commit */
	kunit_release_action(test, kd_teardown, kd);
	drm_dev_put(&kd->drm);
}

/*
 * A display controller with vblank interrupts: the freeze turns its
 * vblank off while the device is still Linux's, which sends the events
 * pending; while away a flip completes at once, without a vblank and
 * without enabling a vblank interrupt of hardware that is not Linux's;
 * the reclaim turns the vblank on again, and flips complete on vblanks.
 */
static void shdev_drm_test_vblank_flip_while_away(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct kd_dev *kd = kd_create_vblank(test, kt);
	struct drm_vblank_crtc *vblank = kd_vblank(kd);
	DECLARE_COMPLETION_ONSTACK(waited);
	bool flipped = false;

	/* Local: the flip's event waits for the vblank. */
	KUNIT_ASSERT_TRUE(test, kd_vblank_flip(test, kd, &kd->fb[0]));
	KUNIT_EXPECT_EQ(test, kd->crtc_enables, 1);
	KUNIT_EXPECT_EQ(test, kd->vblank_enables, 1);
	KUNIT_EXPECT_TRUE(test, vblank->enabled);

	/* Userspace waits for a vblank that will not come while away. */
	kd_queue_vblank_event(test, kd, &waited);
	KUNIT_ASSERT_FALSE(test, completion_done(&waited));

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_TRUE(test, completion_done(&waited));
	KUNIT_EXPECT_EQ(test, kd->vblank_disables, 1);
	KUNIT_EXPECT_FALSE(test, vblank->enabled);
	KUNIT_EXPECT_EQ(test, kd->crtc_disables, 0);
	KUNIT_EXPECT_EQ(test, drm_crtc_vblank_get(kd->crtc), -EINVAL);

	/* A flip while away: its event is sent when the commit returns. */
	KUNIT_EXPECT_EQ(test, kd_commit(kd, &kd->fb[1], &flipped), 0);
	KUNIT_EXPECT_TRUE(test, flipped);
	KUNIT_EXPECT_EQ(test, kd->crtc_flushes, 1);
	KUNIT_EXPECT_EQ(test, kd->vblank_enables, 1);
	KUNIT_EXPECT_FALSE(test, kd->crtc->state->no_vblank);

	/* The reclaim: vblank on, and the repaint flips on a vblank. */
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, kd->vblank_enables, 2);
	KUNIT_EXPECT_TRUE(test, kd_settle(test, kd));
	KUNIT_EXPECT_PTR_EQ(test, kd->drawn_fb, &kd->fb[1]);
	KUNIT_EXPECT_EQ(test, kd->crtc_enables, 1);
	KUNIT_EXPECT_EQ(test, kd->crtc_disables, 0);

	/* The vblank state is whole: references are counted again. */
	KUNIT_EXPECT_EQ(test, vblank->inmodeset, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&vblank->refcount), 0);
	KUNIT_ASSERT_EQ(test, drm_crtc_vblank_get(kd->crtc), 0);
	drm_crtc_vblank_put(kd->crtc);
	KUNIT_EXPECT_TRUE(test, kd_vblank_flip(test, kd, &kd->fb[0]));
	KUNIT_EXPECT_PTR_EQ(test, kd->drawn_fb, &kd->fb[0]);
	KUNIT_EXPECT_EQ(test, atomic_read(&vblank->refcount), 0);
}

/*
 * A compositor turns the CRTC off and on again while away (a DPMS cycle):
 * no hook runs then, and the reclaim gives the CRTC the modeset it had,
 * its disable and enable in a pair, each turning the vblank off and on.
 * No vblank_off is left unbalanced: the vblank counts references again.
 */
static void shdev_drm_test_vblank_crtc_cycled_while_away(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct kd_dev *kd = kd_create_vblank(test, kt);
	struct drm_vblank_crtc *vblank = kd_vblank(kd);
	bool flipped = false;

	KUNIT_ASSERT_TRUE(test, kd_vblank_flip(test, kd, &kd->fb[0]));
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);

	KUNIT_EXPECT_EQ(test, kd_commit(kd, NULL, NULL), 0);
	KUNIT_EXPECT_FALSE(test, kd->crtc->state->active);
	KUNIT_EXPECT_EQ(test, kd_commit(kd, &kd->fb[1], &flipped), 0);
	KUNIT_EXPECT_TRUE(test, flipped);
	KUNIT_EXPECT_EQ(test, kd->crtc_disables, 0);
	KUNIT_EXPECT_EQ(test, kd->crtc_enables, 1);
	KUNIT_EXPECT_EQ(test, kd->vblank_enables, 1);

	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_TRUE(test, kd_settle(test, kd));
	KUNIT_EXPECT_EQ(test, kd->crtc_disables, 1);
	KUNIT_EXPECT_EQ(test, kd->crtc_enables, 2);
	KUNIT_EXPECT_PTR_EQ(test, kd->drawn_fb, &kd->fb[1]);
	KUNIT_EXPECT_EQ(test, vblank->inmodeset, 0);
	KUNIT_EXPECT_TRUE(test, vblank->enabled);
	KUNIT_EXPECT_EQ(test, atomic_read(&vblank->refcount), 0);
	KUNIT_ASSERT_EQ(test, drm_crtc_vblank_get(kd->crtc), 0);
	drm_crtc_vblank_put(kd->crtc);
	KUNIT_EXPECT_TRUE(test, kd_vblank_flip(test, kd, &kd->fb[0]));

	/* Off on the hardware: the vblank off with it, once. */
	KUNIT_EXPECT_EQ(test, kd_commit(kd, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, kd->crtc_disables, 2);
	KUNIT_EXPECT_EQ(test, vblank->inmodeset, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&vblank->refcount), 1);
	KUNIT_EXPECT_EQ(test, drm_crtc_vblank_get(kd->crtc), -EINVAL);
}

/*
 * A CRTC turned off while away stays off after the reclaim, its vblank
 * with it, as after its driver's disable hook; the next enable turns both
 * on.
 */
static void shdev_drm_test_vblank_crtc_off_while_away(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct kd_dev *kd = kd_create_vblank(test, kt);
	struct drm_vblank_crtc *vblank = kd_vblank(kd);

	KUNIT_ASSERT_TRUE(test, kd_vblank_flip(test, kd, &kd->fb[0]));
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_EQ(test, kd_commit(kd, NULL, NULL), 0);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_ASSERT_TRUE(test, kd_wait_commits(kd));

	KUNIT_EXPECT_EQ(test, kd->vblank_enables, 1);
	KUNIT_EXPECT_EQ(test, vblank->inmodeset, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&vblank->refcount), 1);
	KUNIT_EXPECT_EQ(test, drm_crtc_vblank_get(kd->crtc), -EINVAL);

	KUNIT_EXPECT_TRUE(test, kd_vblank_flip(test, kd, &kd->fb[1]));
	KUNIT_EXPECT_EQ(test, kd->crtc_enables, 2);
	KUNIT_EXPECT_EQ(test, vblank->inmodeset, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&vblank->refcount), 0);
}

static struct kunit_case shdev_drm_cases[] = {
	KUNIT_CASE(shdev_drm_test_commit_while_away),
	KUNIT_CASE(shdev_drm_test_repaint_after_reclaim),
	KUNIT_CASE(shdev_drm_test_panic_refused),
	KUNIT_CASE(shdev_drm_test_attach_other_device),
	KUNIT_CASE(shdev_drm_test_commit_after_unbind),
	KUNIT_CASE(shdev_drm_test_unbind_unregistered),
	KUNIT_CASE(shdev_drm_test_vblank_flip_while_away),
	KUNIT_CASE(shdev_drm_test_vblank_crtc_cycled_while_away),
	KUNIT_CASE(shdev_drm_test_vblank_crtc_off_while_away),
	{}
};

static struct kunit_suite shdev_drm_suite = {
	.name = "shdev_drm",
	.suite_init = kt_suite_init,
	.suite_exit = kt_suite_exit,
	.init = kt_test_init,
	.test_cases = shdev_drm_cases,
};

kunit_test_suite(shdev_drm_suite);
