// SPDX-License-Identifier: GPL-2.0
/*
 * Sample for shdev_convert.cocci: a probe with no step whose error path is
 * known, so no place for the registration.  The file is left as it is.
 */
#include <linux/module.h>
#include <linux/platform_device.h>

static int sample_none_probe(struct platform_device *pdev)
{
	dev_info(&pdev->dev, "nothing to set up\n");
	return 0;
}

static struct platform_driver sample_none_driver = {
	.probe = sample_none_probe,
	.driver = {
		.name = "sample-none",
	},
};
module_platform_driver(sample_none_driver);

MODULE_DESCRIPTION("shdev_convert.cocci sample: nothing to convert");
MODULE_LICENSE("GPL");
