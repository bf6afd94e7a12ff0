// SPDX-License-Identifier: GPL-2.0
/*
 * Sample for shdev_convert.cocci: a timer block whose sleep callbacks are
 * built only with CONFIG_PM_SLEEP.  quiesce and resume call them through
 * the driver's dev_pm_ops, and refuse a transfer when they are not built.
 */
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/pm.h>

#define SAMPLE_COUNT	0x00
#define SAMPLE_EN	0x04

struct sample_timer {
	void __iomem *regs;
	unsigned int irq;
	u32 saved;
};

static irqreturn_t sample_timer_irq(int irq, void *data)
{
	struct sample_timer *st = data;

	writel(0, st->regs + SAMPLE_COUNT);
	return IRQ_HANDLED;
}

static int sample_timer_probe(struct platform_device *pdev)
{
	struct sample_timer *st;
	int ret;

	st = devm_kzalloc(&pdev->dev, sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->regs = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(st->regs))
		return PTR_ERR(st->regs);
	ret = platform_get_irq(pdev, 0);
	if (ret < 0)
		return ret;
	st->irq = ret;
	platform_set_drvdata(pdev, st);

	ret = devm_request_irq(&pdev->dev, st->irq, sample_timer_irq, 0,
			       "sample-timer", st);
	if (ret)
		return ret;
	writel(1, st->regs + SAMPLE_EN);
	return 0;
}

#ifdef CONFIG_PM_SLEEP
static int sample_timer_suspend(struct device *dev)
{
	struct sample_timer *st = dev_get_drvdata(dev);

	st->saved = readl(st->regs + SAMPLE_COUNT);
	writel(0, st->regs + SAMPLE_EN);
	return 0;
}

static int sample_timer_resume(struct device *dev)
{
	struct sample_timer *st = dev_get_drvdata(dev);

	writel(st->saved, st->regs + SAMPLE_COUNT);
	writel(1, st->regs + SAMPLE_EN);
	return 0;
}
#endif

static const struct dev_pm_ops sample_timer_pm = {
	SET_SYSTEM_SLEEP_PM_OPS(sample_timer_suspend, sample_timer_resume)
};

static struct platform_driver sample_timer_driver = {
	.probe = sample_timer_probe,
	.driver = {
		.name = "sample-timer",
		.pm = &sample_timer_pm,
	},
};
module_platform_driver(sample_timer_driver);

MODULE_DESCRIPTION("shdev_convert.cocci sample: sleep callbacks under #ifdef");
MODULE_LICENSE("GPL");
