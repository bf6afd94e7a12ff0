// SPDX-License-Identifier: GPL-2.0
/*
 * Sample for shdev_convert.cocci: a button that probe does not program.
 * Its interrupt handler reads a status register and reports the button;
 * the input device stacks on the shared device.  quiesce turns the
 * interrupt off, resume turns it on, and with nothing written to the
 * device and no other path to it, nothing is left to do by hand.
 */
#include <linux/input.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/shdev.h>

#define SAMPLE_STATUS	0x00

struct sample_button {
	void __iomem *regs;
	struct input_dev *input;
	int irq;
	struct shdev *shdev;
};

static irqreturn_t sample_button_irq(int irq, void *data)
{
	struct sample_button *sb = data;

	input_report_key(sb->input, KEY_POWER,
			 readl(sb->regs + SAMPLE_STATUS) & 1);
	input_sync(sb->input);
	return IRQ_HANDLED;
}

static irqreturn_t sample_button_irq_shdev(int irq, void *data)
{
	struct sample_button *sb = data;
	irqreturn_t ret;
	int idx;

	if (!shdev_enter(sb->shdev, &idx))
		return IRQ_NONE;
	ret = sample_button_irq(irq, data);
	shdev_exit(sb->shdev, idx);
	return ret;
}

static int sample_button_shdev_quiesce(struct shdev *sd)
{
	struct sample_button *sb = shdev_get_drvdata(sd);

	disable_irq(sb->irq);
	return 0;
}

static int sample_button_shdev_resume(struct shdev *sd)
{
	struct sample_button *sb = shdev_get_drvdata(sd);

	enable_irq(sb->irq);
	return 0;
}

static const struct shdev_ops sample_button_shdev_ops = {
	.quiesce = sample_button_shdev_quiesce,
	.resume = sample_button_shdev_resume,
};

static int sample_button_probe(struct platform_device *pdev)
{
	struct sample_button *sb;
	int ret;

	sb = devm_kzalloc(&pdev->dev, sizeof(*sb), GFP_KERNEL);
	if (!sb)
		return -ENOMEM;
	sb->regs = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(sb->regs))
		return PTR_ERR(sb->regs);
	sb->irq = platform_get_irq(pdev, 0);
	if (sb->irq < 0)
		return sb->irq;
	sb->input = devm_input_allocate_device(&pdev->dev);
	if (!sb->input)
		return -ENOMEM;
	sb->input->name = "sample button";
	input_set_capability(sb->input, EV_KEY, KEY_POWER);
	ret = devm_request_irq(&pdev->dev, sb->irq, sample_button_irq_shdev,
			       IRQF_NO_AUTOEN,
			       "sample-button", sb);
	if (ret)
		return ret;
	sb->shdev = devm_shdev_register(pdev, &sample_button_shdev_ops, sb);
	if (IS_ERR(sb->shdev))
		return PTR_ERR(sb->shdev);
	enable_irq(sb->irq);
	return input_register_device(sb->input);
}

static struct platform_driver sample_button_driver = {
	.probe = sample_button_probe,
	.driver = {
		.name = "sample-button",
	},
};
module_platform_driver(sample_button_driver);

MODULE_DESCRIPTION("shdev_convert.cocci sample: button, nothing left to do");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SHDEV);
