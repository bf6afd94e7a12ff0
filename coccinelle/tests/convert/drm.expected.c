// SPDX-License-Identifier: GPL-2.0
/*
 * Sample for shdev_convert.cocci: a display controller with an atomic DRM
 * device.  The registration and the attachment of the DRM device go before
 * the DRM device is registered; its commit tail is left to do by hand.
 */
#include <drm/drm_drv.h>
#include <drm/drm_mode_config.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/shdev.h>

struct sample_display {
	struct drm_device drm;
	void __iomem *regs;
	struct shdev *shdev;
};

static const struct drm_driver sample_display_drm_driver = {
	.driver_features = DRIVER_MODESET | DRIVER_ATOMIC,
	.name = "sample-display",
	.desc = "shdev_convert.cocci sample",
	.major = 1,
};

static int sample_display_shdev_quiesce(struct shdev *sd)
{
	/*
	 * shdev: TODO stop using the hardware (interrupts off, work
	 * flushed, DMA stopped) and keep it powered.  Until then a
	 * transfer is refused.
	 */
	return -EOPNOTSUPP;
}

static int sample_display_shdev_resume(struct shdev *sd)
{
	/* shdev: TODO take the hardware back; the peer may have changed it. */
	return 0;
}

static const struct shdev_ops sample_display_shdev_ops = {
	.quiesce = sample_display_shdev_quiesce,
	.resume = sample_display_shdev_resume,
};

static int sample_display_probe(struct platform_device *pdev)
{
	struct sample_display *sdp;
	int ret;

	sdp = devm_drm_dev_alloc(&pdev->dev, &sample_display_drm_driver,
				 struct sample_display, drm);
	if (IS_ERR(sdp))
		return PTR_ERR(sdp);
	sdp->regs = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(sdp->regs))
		return PTR_ERR(sdp->regs);
	ret = drmm_mode_config_init(&sdp->drm);
	if (ret)
		return ret;

	platform_set_drvdata(pdev, sdp);
	sdp->shdev = devm_shdev_register(pdev, &sample_display_shdev_ops, sdp);
	if (IS_ERR(sdp->shdev))
		return PTR_ERR(sdp->shdev);
	ret = devm_shdev_attach_drm(sdp->shdev, &sdp->drm);
	if (ret)
		return ret;
	ret = drm_dev_register(&sdp->drm, 0);
	if (ret)
		return ret;
	return 0;
}

static void sample_display_remove(struct platform_device *pdev)
{
	struct sample_display *sdp = platform_get_drvdata(pdev);

	drm_dev_unregister(&sdp->drm);
}

static struct platform_driver sample_display_driver = {
	.probe = sample_display_probe,
	.remove = sample_display_remove,
	.driver = {
		.name = "sample-display",
	},
};
module_platform_driver(sample_display_driver);

MODULE_DESCRIPTION("shdev_convert.cocci sample: display with a DRM device");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SHDEV);
