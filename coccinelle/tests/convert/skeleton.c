// SPDX-License-Identifier: GPL-2.0
/*
 * Sample for shdev_convert.cocci: a GPIO controller whose private data is a
 * structure of another subsystem, with no interrupt and no sleep callbacks.
 * Nothing says how it stops: quiesce is a skeleton that refuses transfers,
 * the shared device is kept in a local variable, and the registration goes
 * before the step probe ends with.
 */
#include <linux/gpio/driver.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/platform_device.h>

static int sample_gpio_probe(struct platform_device *pdev)
{
	struct gpio_chip *gc;
	void __iomem *regs;
	int ret;

	gc = devm_kzalloc(&pdev->dev, sizeof(*gc), GFP_KERNEL);
	if (!gc)
		return -ENOMEM;
	regs = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(regs))
		return PTR_ERR(regs);

	ret = bgpio_init(gc, &pdev->dev, 4, regs, regs + 4, NULL, regs + 8,
			 NULL, 0);
	if (ret)
		return ret;
	gc->label = dev_name(&pdev->dev);
	platform_set_drvdata(pdev, gc);
	return devm_gpiochip_add_data(&pdev->dev, gc, NULL);
}

static struct platform_driver sample_gpio_driver = {
	.probe = sample_gpio_probe,
	.driver = {
		.name = "sample-gpio",
	},
};
module_platform_driver(sample_gpio_driver);

MODULE_DESCRIPTION("shdev_convert.cocci sample: GPIO controller, skeleton");
MODULE_LICENSE("GPL");
