// SPDX-License-Identifier: GPL-2.0
/* Must be flagged by shdev_consumers.cocci: neither consumer attached. */
#include <drm/drm_drv.h>
#include <linux/input.h>
#include <linux/platform_device.h>
#include <linux/shdev.h>

struct bad {
	struct drm_device drm;
	struct input_dev *input;
};

static const struct drm_driver bad_drm_driver;
extern const struct shdev_ops bad_ops;

static int bad_probe(struct platform_device *pdev)
{
	struct bad *bad;
	struct shdev *sd;

	sd = devm_shdev_register(pdev, &bad_ops, NULL);
	if (IS_ERR(sd))
		return PTR_ERR(sd);
	bad = devm_drm_dev_alloc(&pdev->dev, &bad_drm_driver, struct bad, drm);
	if (IS_ERR(bad))
		return PTR_ERR(bad);
	bad->input = input_allocate_device();
	if (!bad->input)
		return -ENOMEM;
	return input_register_device(bad->input);
}
