// SPDX-License-Identifier: GPL-2.0
/*
 * Sample for shdev_convert.cocci: a keypad with system sleep callbacks, its
 * interrupt in the private structure, a work item and an input device.
 * quiesce and resume come from the sleep callbacks; the registration goes
 * before the input device; the interrupt, requested after it, is gated.
 */
#include <linux/input.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/shdev.h>
#include <linux/pm.h>
#include <linux/workqueue.h>

#define SAMPLE_STATUS	0x00
#define SAMPLE_CTRL	0x04
#define SAMPLE_CTRL_ON	BIT(0)

struct sample_keypad {
	void __iomem *regs;
	struct input_dev *input;
	struct work_struct scan;
	int irq;
	struct shdev *shdev;
};

static void sample_keypad_scan(struct work_struct *work)
{
	struct sample_keypad *kp = container_of(work, struct sample_keypad,
						scan);
	u32 status = readl(kp->regs + SAMPLE_STATUS);

	input_report_key(kp->input, KEY_ENTER, status & 1);
	input_sync(kp->input);
}

static irqreturn_t sample_keypad_irq(int irq, void *data)
{
	struct sample_keypad *kp = data;

	if (!readl(kp->regs + SAMPLE_STATUS))
		return IRQ_NONE;
	schedule_work(&kp->scan);
	return IRQ_HANDLED;
}

static irqreturn_t sample_keypad_irq_shdev(int irq, void *data)
{
	struct sample_keypad *kp = data;
	irqreturn_t ret;
	int idx;

	if (!shdev_enter(kp->shdev, &idx))
		return IRQ_NONE;
	ret = sample_keypad_irq(irq, data);
	shdev_exit(kp->shdev, idx);
	return ret;
}

static const struct shdev_ops sample_keypad_shdev_ops;

static int sample_keypad_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct sample_keypad *kp;
	int ret;

	kp = devm_kzalloc(dev, sizeof(*kp), GFP_KERNEL);
	if (!kp)
		return -ENOMEM;
	INIT_WORK(&kp->scan, sample_keypad_scan);

	kp->regs = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(kp->regs))
		return PTR_ERR(kp->regs);

	kp->input = devm_input_allocate_device(dev);
	if (!kp->input)
		return -ENOMEM;
	kp->input->name = "sample keypad";
	input_set_capability(kp->input, EV_KEY, KEY_ENTER);
	kp->shdev = devm_shdev_register(pdev, &sample_keypad_shdev_ops, kp);
	if (IS_ERR(kp->shdev))
		return PTR_ERR(kp->shdev);
	ret = input_register_device(kp->input);
	if (ret)
		return ret;

	kp->irq = platform_get_irq(pdev, 0);
	if (kp->irq < 0)
		return kp->irq;
	ret = devm_request_irq(dev, kp->irq, sample_keypad_irq_shdev, 0,
			       dev_name(dev), kp);
	if (ret)
		return dev_err_probe(dev, ret, "cannot request interrupt\n");

	writel(SAMPLE_CTRL_ON, kp->regs + SAMPLE_CTRL);
	platform_set_drvdata(pdev, kp);
	return 0;
}

static int sample_keypad_suspend(struct device *dev)
{
	struct sample_keypad *kp = dev_get_drvdata(dev);

	writel(0, kp->regs + SAMPLE_CTRL);
	cancel_work_sync(&kp->scan);
	return 0;
}

static int sample_keypad_resume(struct device *dev)
{
	struct sample_keypad *kp = dev_get_drvdata(dev);

	writel(SAMPLE_CTRL_ON, kp->regs + SAMPLE_CTRL);
	return 0;
}

static DEFINE_SIMPLE_DEV_PM_OPS(sample_keypad_pm, sample_keypad_suspend,
				sample_keypad_resume);

static int sample_keypad_shdev_quiesce(struct shdev *sd)
{
	struct sample_keypad *kp = shdev_get_drvdata(sd);
	int ret;

	ret = sample_keypad_suspend(shdev_dev(sd));
	if (ret)
		return ret;
	disable_irq(kp->irq);
	return 0;
}

static int sample_keypad_shdev_resume(struct shdev *sd)
{
	struct sample_keypad *kp = shdev_get_drvdata(sd);
	int ret;

	ret = sample_keypad_resume(shdev_dev(sd));
	if (ret)
		return ret;
	enable_irq(kp->irq);
	return 0;
}

static const struct shdev_ops sample_keypad_shdev_ops = {
	.quiesce = sample_keypad_shdev_quiesce,
	.resume = sample_keypad_shdev_resume,
};

static struct platform_driver sample_keypad_driver = {
	.probe = sample_keypad_probe,
	.driver = {
		.name = "sample-keypad",
		.pm = pm_sleep_ptr(&sample_keypad_pm),
	},
};
module_platform_driver(sample_keypad_driver);

MODULE_DESCRIPTION("shdev_convert.cocci sample: keypad with sleep callbacks");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SHDEV);
