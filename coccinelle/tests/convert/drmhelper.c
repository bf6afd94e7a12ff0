// SPDX-License-Identifier: GPL-2.0
/*
 * Sample for shdev_convert.cocci: a display controller whose DRM device is
 * allocated and registered by a helper that probe calls.  The registration
 * of the shared device goes before the helper; attaching the DRM device is
 * left to do, and said.
 */
#include <drm/drm_drv.h>
#include <drm/drm_mode_config.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/platform_device.h>

struct sample_panel {
	struct drm_device drm;
	void __iomem *regs;
};

static const struct drm_driver sample_panel_drm_driver = {
	.driver_features = DRIVER_MODESET | DRIVER_ATOMIC,
	.name = "sample-panel",
	.desc = "shdev_convert.cocci sample",
	.major = 1,
};

static int sample_panel_drm_init(struct platform_device *pdev,
				 void __iomem *regs)
{
	struct sample_panel *spl;
	int ret;

	spl = devm_drm_dev_alloc(&pdev->dev, &sample_panel_drm_driver,
				 struct sample_panel, drm);
	if (IS_ERR(spl))
		return PTR_ERR(spl);
	spl->regs = regs;
	ret = drmm_mode_config_init(&spl->drm);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, spl);
	return drm_dev_register(&spl->drm, 0);
}

static int sample_panel_probe(struct platform_device *pdev)
{
	void __iomem *regs;
	int ret;

	regs = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(regs))
		return PTR_ERR(regs);
	ret = sample_panel_drm_init(pdev, regs);
	if (ret)
		return ret;
	return 0;
}

static void sample_panel_remove(struct platform_device *pdev)
{
	struct sample_panel *spl = platform_get_drvdata(pdev);

	drm_dev_unplug(&spl->drm);
}

static struct platform_driver sample_panel_driver = {
	.probe = sample_panel_probe,
	.remove = sample_panel_remove,
	.driver = {
		.name = "sample-panel",
	},
};
module_platform_driver(sample_panel_driver);

MODULE_DESCRIPTION("shdev_convert.cocci sample: DRM device from a helper");
MODULE_LICENSE("GPL");
