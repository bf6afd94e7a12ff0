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
#include <linux/shdev.h>

static int sample_gpio_shdev_quiesce(struct shdev *sd)
{
	/*
	 * shdev: TODO stop using the hardware (interrupts off, work
	 * flushed, DMA stopped) and keep it powered.  Until then a
	 * transfer is refused.
	 */
	return -EOPNOTSUPP;
}

static int sample_gpio_shdev_resume(struct shdev *sd)
{
	/* shdev: TODO take the hardware back; the peer may have changed it. */
	return 0;
}

static const struct shdev_ops sample_gpio_shdev_ops = {
	.quiesce = sample_gpio_shdev_quiesce,
	.resume = sample_gpio_shdev_resume,
};

static int sample_gpio_probe(struct platform_device *pdev)
{
	struct shdev *shdev;
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
	shdev = devm_shdev_register(pdev, &sample_gpio_shdev_ops, gc);
	if (IS_ERR(shdev))
		return PTR_ERR(shdev);
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
MODULE_IMPORT_NS(SHDEV);
