// SPDX-License-Identifier: GPL-2.0
/*
 * Sample for shdev_convert.cocci: a polled keypad with a sysfs attribute.
 * The input consumer stops the poller with the input device it freezes;
 * the attribute writes a register and is named as left to do.
 */
#include <linux/device.h>
#include <linux/input.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/platform_device.h>

#define SAMPLE_KEYS	0x00
#define SAMPLE_LED	0x04

struct sample_poll {
	void __iomem *regs;
	struct input_dev *input;
};

static void sample_poll_poll(struct input_dev *input)
{
	struct sample_poll *sp = input_get_drvdata(input);

	input_report_key(input, KEY_ENTER, readl(sp->regs + SAMPLE_KEYS) & 1);
	input_sync(input);
}

static ssize_t led_store(struct device *dev, struct device_attribute *attr,
			 const char *buf, size_t count)
{
	struct sample_poll *sp = dev_get_drvdata(dev);

	writel(buf[0] == '1', sp->regs + SAMPLE_LED);
	return count;
}

static ssize_t led_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct sample_poll *sp = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", readl(sp->regs + SAMPLE_LED));
}
static DEVICE_ATTR_RW(led);

static struct attribute *sample_poll_attrs[] = {
	&dev_attr_led.attr,
	NULL
};
ATTRIBUTE_GROUPS(sample_poll);

static int sample_poll_probe(struct platform_device *pdev)
{
	struct sample_poll *sp;
	int ret;

	sp = devm_kzalloc(&pdev->dev, sizeof(*sp), GFP_KERNEL);
	if (!sp)
		return -ENOMEM;
	sp->regs = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(sp->regs))
		return PTR_ERR(sp->regs);
	platform_set_drvdata(pdev, sp);
	sp->input = devm_input_allocate_device(&pdev->dev);
	if (!sp->input)
		return -ENOMEM;
	sp->input->name = "sample polled keypad";
	input_set_capability(sp->input, EV_KEY, KEY_ENTER);
	input_set_drvdata(sp->input, sp);
	ret = input_setup_polling(sp->input, sample_poll_poll);
	if (ret)
		return ret;
	input_set_poll_interval(sp->input, 20);
	return input_register_device(sp->input);
}

static struct platform_driver sample_poll_driver = {
	.probe = sample_poll_probe,
	.driver = {
		.name = "sample-poll",
		.dev_groups = sample_poll_groups,
	},
};
module_platform_driver(sample_poll_driver);

MODULE_DESCRIPTION("shdev_convert.cocci sample: polled keypad");
MODULE_LICENSE("GPL");
