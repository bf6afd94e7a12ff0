// SPDX-License-Identifier: GPL-2.0
/*
 * Sample for shdev_convert.cocci: an SPI controller.  Its private
 * structure is the controller's, reached with spi_controller_get_devdata();
 * the controller's callbacks are set by probe; its system suspend does
 * nothing when the device may wake the system.  quiesce comes from system
 * sleep, with what that leaves to check named.
 */
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/shdev.h>
#include <linux/pm.h>
#include <linux/spi/spi.h>

#define SAMPLE_CTRL	0x00
#define SAMPLE_TX	0x04

struct sample_spi {
	void __iomem *regs;
	u32 ctrl;
	struct shdev *shdev;
};

static int sample_spi_transfer_one(struct spi_controller *host,
				   struct spi_device *spi,
				   struct spi_transfer *t)
{
	struct sample_spi *ss = spi_controller_get_devdata(host);

	if (t->tx_buf)
		writel(*(const u8 *)t->tx_buf, ss->regs + SAMPLE_TX);
	return 0;
}

static const struct shdev_ops sample_spi_shdev_ops;

static int sample_spi_probe(struct platform_device *pdev)
{
	struct spi_controller *host;
	struct sample_spi *ss;

	host = devm_spi_alloc_host(&pdev->dev, sizeof(*ss));
	if (!host)
		return -ENOMEM;
	ss = spi_controller_get_devdata(host);
	ss->regs = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(ss->regs))
		return PTR_ERR(ss->regs);
	ss->ctrl = 1;
	writel(ss->ctrl, ss->regs + SAMPLE_CTRL);
	host->transfer_one = sample_spi_transfer_one;
	platform_set_drvdata(pdev, host);
	ss->shdev = devm_shdev_register(pdev, &sample_spi_shdev_ops, ss);
	if (IS_ERR(ss->shdev))
		return PTR_ERR(ss->shdev);
	return devm_spi_register_controller(&pdev->dev, host);
}

static int sample_spi_suspend(struct device *dev)
{
	struct spi_controller *host = dev_get_drvdata(dev);
	struct sample_spi *ss = spi_controller_get_devdata(host);

	if (device_may_wakeup(dev))
		return 0;
	writel(0, ss->regs + SAMPLE_CTRL);
	return 0;
}

static int sample_spi_resume(struct device *dev)
{
	struct spi_controller *host = dev_get_drvdata(dev);
	struct sample_spi *ss = spi_controller_get_devdata(host);

	writel(ss->ctrl, ss->regs + SAMPLE_CTRL);
	return 0;
}

static DEFINE_SIMPLE_DEV_PM_OPS(sample_spi_pm, sample_spi_suspend,
				sample_spi_resume);

static int sample_spi_shdev_quiesce(struct shdev *sd)
{
	return sample_spi_suspend(shdev_dev(sd));
}

static int sample_spi_shdev_resume(struct shdev *sd)
{
	return sample_spi_resume(shdev_dev(sd));
}

static const struct shdev_ops sample_spi_shdev_ops = {
	.quiesce = sample_spi_shdev_quiesce,
	.resume = sample_spi_shdev_resume,
};

static struct platform_driver sample_spi_driver = {
	.probe = sample_spi_probe,
	.driver = {
		.name = "sample-spi",
		.pm = pm_sleep_ptr(&sample_spi_pm),
	},
};
module_platform_driver(sample_spi_driver);

MODULE_DESCRIPTION("shdev_convert.cocci sample: SPI controller");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SHDEV);
