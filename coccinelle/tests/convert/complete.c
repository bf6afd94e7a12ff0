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

#define SAMPLE_STATUS	0x00

struct sample_button {
	void __iomem *regs;
	struct input_dev *input;
	int irq;
};

static irqreturn_t sample_button_irq(int irq, void *data)
{
	struct sample_button *sb = data;

	input_report_key(sb->input, KEY_POWER,
			 readl(sb->regs + SAMPLE_STATUS) & 1);
	input_sync(sb->input);
	return IRQ_HANDLED;
}

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
	ret = devm_request_irq(&pdev->dev, sb->irq, sample_button_irq, 0,
			       "sample-button", sb);
	if (ret)
		return ret;
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
