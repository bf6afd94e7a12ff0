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
#include <linux/shdev.h>
#include <linux/pm.h>

#define SAMPLE_COUNT	0x00
#define SAMPLE_EN	0x04

struct sample_timer {
	void __iomem *regs;
	unsigned int irq;
	u32 saved;
	struct shdev *shdev;
};

static irqreturn_t sample_timer_irq(int irq, void *data)
{
	struct sample_timer *st = data;

	writel(0, st->regs + SAMPLE_COUNT);
	return IRQ_HANDLED;
}

static irqreturn_t sample_timer_irq_shdev(int irq, void *data)
{
	struct sample_timer *st = data;
	irqreturn_t ret;
	int idx;

	if (!shdev_enter(st->shdev, &idx))
		return IRQ_NONE;
	ret = sample_timer_irq(irq, data);
	shdev_exit(st->shdev, idx);
	return ret;
}

static int sample_timer_shdev_quiesce(struct shdev *sd)
{
	struct sample_timer *st = shdev_get_drvdata(sd);
	const struct dev_pm_ops *pm = shdev_dev(sd)->driver->pm;
	int ret;

	/* Sleep callbacks exist only with CONFIG_PM_SLEEP. */
	if (!pm || !pm->suspend || !pm->resume)
		return -EOPNOTSUPP;
	ret = pm->suspend(shdev_dev(sd));
	if (ret)
		return ret;
	disable_irq(st->irq);
	return 0;
}

static int sample_timer_shdev_resume(struct shdev *sd)
{
	struct sample_timer *st = shdev_get_drvdata(sd);
	const struct dev_pm_ops *pm = shdev_dev(sd)->driver->pm;
	int ret;

	ret = pm->resume(shdev_dev(sd));
	if (ret)
		return ret;
	enable_irq(st->irq);
	return 0;
}

static const struct shdev_ops sample_timer_shdev_ops = {
	.quiesce = sample_timer_shdev_quiesce,
	.resume = sample_timer_shdev_resume,
};

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

	ret = devm_request_irq(&pdev->dev, st->irq, sample_timer_irq_shdev,
			       IRQF_NO_AUTOEN,
			       "sample-timer", st);
	if (ret)
		return ret;
	st->shdev = devm_shdev_register(pdev, &sample_timer_shdev_ops, st);
	if (IS_ERR(st->shdev))
		return PTR_ERR(st->shdev);
	enable_irq(st->irq);
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
MODULE_IMPORT_NS(SHDEV);
