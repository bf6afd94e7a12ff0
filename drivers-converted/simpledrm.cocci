// SPDX-License-Identifier: GPL-2.0
/// Convert simpledrm to shdev: the firmware framebuffer can be handed to
/// another VM and taken back with the driver bound, its DRM device
/// registered and every file on it open, fbdev emulation included.
///
/// The DRM device is stacked on the shared device.  Commits go through
/// shdev_drm_commit_tail(): while the framebuffer is away they complete in
/// software, so nothing Linux draws reaches it, and the reclaim commits the
/// current state again, which repaints Linux's content.  drm_panic does not
/// draw into a framebuffer another VM owns.  The framebuffer is memory the
/// firmware set up, with no interrupt and no DMA to stop: quiesce and
/// resume have nothing to do.
//
// Target: drivers/gpu/drm/tiny/simpledrm.c

@@
@@

 #include <linux/regulator/consumer.h>
+#include <linux/shdev.h>

@@
@@

 struct simpledrm_device {
 	...
 	struct drm_connector connector;
+
+	/* ownership of the framebuffer, shared with other VMs */
+	struct shdev *shdev;
 };

@@
symbol sb, sdev;
@@

 	sb->pitch[0] = sdev->pitch;
 	sb->map[0] = sdev->screen_base;
 
-	return 0;
+	/* Not while another VM owns the framebuffer. */
+	return shdev_is_local(sdev->shdev) ? 0 : -EBUSY;

@@
symbol simpledrm_mode_config_funcs;
@@

 static const struct drm_mode_config_funcs simpledrm_mode_config_funcs = {
 	...
 };
+
+static void simpledrm_atomic_commit_tail(struct drm_atomic_state *state)
+{
+	struct simpledrm_device *sdev = simpledrm_device_of_dev(state->dev);
+
+	shdev_drm_commit_tail(sdev->shdev, state, drm_atomic_helper_commit_tail);
+}

@@
symbol state;
@@

 static void simpledrm_atomic_commit_tail(struct drm_atomic_state *state)
 {
 	...
 }
+
+static const struct drm_mode_config_helper_funcs simpledrm_mode_config_helper_funcs = {
+	.atomic_commit_tail = simpledrm_atomic_commit_tail,
+};

@@
identifier dev;
symbol simpledrm_mode_config_funcs;
@@

 	dev->mode_config.funcs = &simpledrm_mode_config_funcs;
+	dev->mode_config.helper_private = &simpledrm_mode_config_helper_funcs;

@@
identifier pdev;
@@

+/*
+ * Nothing to stop or restart: the framebuffer is plain memory.  The core
+ * freezes the DRM device before quiesce and repaints it after resume.
+ */
+static int simpledrm_shdev_quiesce(struct shdev *sd)
+{
+	return 0;
+}
+
 static int simpledrm_probe(struct platform_device *pdev)
 {
 ...
 }

@@
identifier pdev;
@@

+static int simpledrm_shdev_resume(struct shdev *sd)
+{
+	return 0;
+}
+
 static int simpledrm_probe(struct platform_device *pdev)
 {
 ...
 }

@@
identifier pdev;
@@

+static const struct shdev_ops simpledrm_shdev_ops = {
+	.quiesce = simpledrm_shdev_quiesce,
+	.resume = simpledrm_shdev_resume,
+};
+
 static int simpledrm_probe(struct platform_device *pdev)
 {
 ...
 }

@@
identifier pdev, dev, ret;
symbol sdev;
@@

 static int simpledrm_probe(struct platform_device *pdev)
 {
 	...
+	/* Before the DRM device is registered, stacked on it. */
+	sdev->shdev = devm_shdev_register(pdev, &simpledrm_shdev_ops, sdev);
+	if (IS_ERR(sdev->shdev))
+		return PTR_ERR(sdev->shdev);
+	ret = devm_shdev_attach_drm(sdev->shdev, dev);
+	if (ret)
+		return ret;
 	ret = drm_dev_register(dev, 0);
 	...
 }

// Its exports are in the SHDEV namespace.
@@
declarer name MODULE_LICENSE, MODULE_IMPORT_NS;
expression E;
@@

 MODULE_LICENSE(E);
+MODULE_IMPORT_NS(SHDEV);
