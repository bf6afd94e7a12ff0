// SPDX-License-Identifier: GPL-2.0
/*
 * Sample for shdev_convert.cocci: a sensor without sleep callbacks, its
 * threaded interrupt in the private structure and a work item; errors
 * after the clock is on unwind through a label.  quiesce turns the
 * interrupt off and cancels the work; the interrupt, requested before the
 * registration, stays off until the shared device exists.
 */
#include <linux/clk.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/shdev.h>
#include <linux/workqueue.h>

#define SAMPLE_DATA	0x00
#define SAMPLE_ACK	0x08

struct sample_sensor {
	void __iomem *regs;
	struct clk *clk;
	struct work_struct report;
	int irq;
	u32 last;
	struct shdev *shdev;
};

static void sample_sensor_report(struct work_struct *work)
{
	struct sample_sensor *ss = container_of(work, struct sample_sensor,
						report);

	pr_debug("sample sensor: %u\n", ss->last);
}

static irqreturn_t sample_sensor_thread(int irq, void *data)
{
	struct sample_sensor *ss = data;

	ss->last = readl(ss->regs + SAMPLE_DATA);
	writel(1, ss->regs + SAMPLE_ACK);
	schedule_work(&ss->report);
	return IRQ_HANDLED;
}

static irqreturn_t sample_sensor_thread_shdev(int irq, void *data)
{
	struct sample_sensor *ss = data;
	irqreturn_t ret;
	int idx;

	if (!shdev_enter(ss->shdev, &idx))
		return IRQ_NONE;
	ret = sample_sensor_thread(irq, data);
	shdev_exit(ss->shdev, idx);
	return ret;
}

static int sample_sensor_shdev_quiesce(struct shdev *sd)
{
	struct sample_sensor *ss = shdev_get_drvdata(sd);

	disable_irq(ss->irq);
	cancel_work_sync(&ss->report);
	return 0;
}

static int sample_sensor_shdev_resume(struct shdev *sd)
{
	struct sample_sensor *ss = shdev_get_drvdata(sd);

	enable_irq(ss->irq);
	return 0;
}

static const struct shdev_ops sample_sensor_shdev_ops = {
	.quiesce = sample_sensor_shdev_quiesce,
	.resume = sample_sensor_shdev_resume,
};

static int sample_sensor_probe(struct platform_device *pdev)
{
	struct sample_sensor *ss;
	int ret;

	ss = devm_kzalloc(&pdev->dev, sizeof(*ss), GFP_KERNEL);
	if (!ss)
		return -ENOMEM;
	INIT_WORK(&ss->report, sample_sensor_report);

	ss->regs = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(ss->regs))
		return PTR_ERR(ss->regs);
	ss->clk = devm_clk_get(&pdev->dev, NULL);
	if (IS_ERR(ss->clk))
		return PTR_ERR(ss->clk);
	ss->irq = platform_get_irq(pdev, 0);
	if (ss->irq < 0)
		return ss->irq;

	ret = clk_prepare_enable(ss->clk);
	if (ret)
		return ret;
	ret = devm_request_threaded_irq(&pdev->dev, ss->irq, NULL,
					sample_sensor_thread_shdev,
					IRQF_ONESHOT | IRQF_NO_AUTOEN,
					"sample-sensor", ss);
	if (ret) {
		dev_err(&pdev->dev, "cannot request interrupt: %d\n", ret);
		goto err_clk;
	}
	ss->shdev = devm_shdev_register(pdev, &sample_sensor_shdev_ops, ss);
	if (IS_ERR(ss->shdev)) {
		ret = PTR_ERR(ss->shdev);
		goto err_clk;
	}
	enable_irq(ss->irq);
	platform_set_drvdata(pdev, ss);
	return 0;

err_clk:
	clk_disable_unprepare(ss->clk);
	return ret;
}

static void sample_sensor_remove(struct platform_device *pdev)
{
	struct sample_sensor *ss = platform_get_drvdata(pdev);

	clk_disable_unprepare(ss->clk);
}

static struct platform_driver sample_sensor_driver = {
	.probe = sample_sensor_probe,
	.remove = sample_sensor_remove,
	.driver = {
		.name = "sample-sensor",
	},
};
module_platform_driver(sample_sensor_driver);

MODULE_DESCRIPTION("shdev_convert.cocci sample: sensor with an interrupt");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SHDEV);
