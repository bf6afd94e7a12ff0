// SPDX-License-Identifier: GPL-2.0
/* Must not be flagged by shdev_consumers.cocci. */
#include <drm/drm_drv.h>
#include <linux/input.h>
#include <linux/platform_device.h>
#include <linux/shdev.h>

struct good {
	struct drm_device drm;
	struct input_dev *input;
};

static const struct drm_driver good_drm_driver;
extern const struct shdev_ops good_ops;

static int good_probe(struct platform_device *pdev)
{
	struct good *good;
	struct shdev *sd;
	int ret;

	sd = devm_shdev_register(pdev, &good_ops, NULL);
	if (IS_ERR(sd))
		return PTR_ERR(sd);
	good = devm_drm_dev_alloc(&pdev->dev, &good_drm_driver, struct good,
				  drm);
	if (IS_ERR(good))
		return PTR_ERR(good);
	ret = devm_shdev_attach_drm(sd, &good->drm);
	if (ret)
		return ret;
	good->input = input_allocate_device();
	if (!good->input)
		return -ENOMEM;
	good->input->dev.parent = &pdev->dev;
	return input_register_device(good->input);
}
