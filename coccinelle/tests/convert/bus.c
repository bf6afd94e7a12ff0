// SPDX-License-Identifier: GPL-2.0
/*
 * Sample for shdev_convert.cocci: an I2C bus controller.  Its private
 * structure ends with a flexible array and is allocated with
 * struct_size(); its completion interrupt is requested with
 * IRQF_NO_AUTOEN and turned on by runtime resume; its system sleep
 * callbacks are in the noirq phase only.  No quiesce is derived, and each
 * path left to the driver author is named: the interrupt handler, the I2C
 * transfer callbacks, remove.
 */
#include <linux/completion.h>
#include <linux/i2c.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/pm.h>

#define SAMPLE_CTRL	0x00
#define SAMPLE_DATA	0x04

struct sample_bus {
	struct i2c_adapter adap;
	void __iomem *regs;
	struct completion done;
	int irq;
	unsigned int nr_speeds;
	u32 speeds[];
};

static irqreturn_t sample_bus_irq(int irq, void *data)
{
	struct sample_bus *bus = data;

	writel(0, bus->regs + SAMPLE_CTRL);
	complete(&bus->done);
	return IRQ_HANDLED;
}

static int sample_bus_xfer(struct i2c_adapter *adap, struct i2c_msg *msgs,
			   int num)
{
	struct sample_bus *bus = i2c_get_adapdata(adap);

	reinit_completion(&bus->done);
	writel(msgs[0].addr, bus->regs + SAMPLE_DATA);
	if (!wait_for_completion_timeout(&bus->done, HZ))
		return -ETIMEDOUT;
	return num;
}

static u32 sample_bus_func(struct i2c_adapter *adap)
{
	return I2C_FUNC_I2C;
}

static const struct i2c_algorithm sample_bus_algo = {
	.master_xfer = sample_bus_xfer,
	.functionality = sample_bus_func,
};

static int sample_bus_probe(struct platform_device *pdev)
{
	struct sample_bus *bus;
	int ret;

	bus = devm_kzalloc(&pdev->dev, struct_size(bus, speeds, 2), GFP_KERNEL);
	if (!bus)
		return -ENOMEM;
	bus->nr_speeds = 2;
	init_completion(&bus->done);
	bus->regs = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(bus->regs))
		return PTR_ERR(bus->regs);
	bus->irq = platform_get_irq(pdev, 0);
	if (bus->irq < 0)
		return bus->irq;
	ret = devm_request_irq(&pdev->dev, bus->irq, sample_bus_irq,
			       IRQF_NO_AUTOEN, "sample-bus", bus);
	if (ret)
		return ret;
	bus->adap.owner = THIS_MODULE;
	bus->adap.algo = &sample_bus_algo;
	bus->adap.dev.parent = &pdev->dev;
	strscpy(bus->adap.name, "sample bus", sizeof(bus->adap.name));
	i2c_set_adapdata(&bus->adap, bus);
	platform_set_drvdata(pdev, bus);
	return i2c_add_adapter(&bus->adap);
}

static void sample_bus_remove(struct platform_device *pdev)
{
	struct sample_bus *bus = platform_get_drvdata(pdev);

	i2c_del_adapter(&bus->adap);
	writel(0, bus->regs + SAMPLE_CTRL);
}

static int sample_bus_suspend_noirq(struct device *dev)
{
	struct sample_bus *bus = dev_get_drvdata(dev);

	i2c_mark_adapter_suspended(&bus->adap);
	return 0;
}

static int sample_bus_resume_noirq(struct device *dev)
{
	struct sample_bus *bus = dev_get_drvdata(dev);

	i2c_mark_adapter_resumed(&bus->adap);
	return 0;
}

static int sample_bus_runtime_suspend(struct device *dev)
{
	struct sample_bus *bus = dev_get_drvdata(dev);

	disable_irq(bus->irq);
	return 0;
}

static int sample_bus_runtime_resume(struct device *dev)
{
	struct sample_bus *bus = dev_get_drvdata(dev);

	writel(1, bus->regs + SAMPLE_CTRL);
	enable_irq(bus->irq);
	return 0;
}

static const struct dev_pm_ops sample_bus_pm = {
	NOIRQ_SYSTEM_SLEEP_PM_OPS(sample_bus_suspend_noirq,
				  sample_bus_resume_noirq)
	RUNTIME_PM_OPS(sample_bus_runtime_suspend, sample_bus_runtime_resume,
		       NULL)
};

static struct platform_driver sample_bus_driver = {
	.probe = sample_bus_probe,
	.remove = sample_bus_remove,
	.driver = {
		.name = "sample-bus",
		.pm = pm_ptr(&sample_bus_pm),
	},
};
module_platform_driver(sample_bus_driver);

MODULE_DESCRIPTION("shdev_convert.cocci sample: I2C bus controller");
MODULE_LICENSE("GPL");
