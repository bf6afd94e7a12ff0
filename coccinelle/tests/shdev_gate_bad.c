// SPDX-License-Identifier: GPL-2.0
/* Must be flagged by shdev_gate.cocci: the handler reads while away. */
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/platform_device.h>
#include <linux/shdev.h>

struct bad {
	void __iomem *regs;
	struct shdev *sd;
};

extern const struct shdev_ops bad_ops;

static irqreturn_t bad_irq(int irq, void *data)
{
	struct bad *bad = data;

	if (!readl(bad->regs))
		return IRQ_NONE;
	writel(1, bad->regs);
	return IRQ_HANDLED;
}

static int bad_probe(struct platform_device *pdev)
{
	struct bad *bad = platform_get_drvdata(pdev);

	bad->sd = devm_shdev_register(pdev, &bad_ops, bad);
	if (IS_ERR(bad->sd))
		return PTR_ERR(bad->sd);
	return devm_request_irq(&pdev->dev, platform_get_irq(pdev, 0), bad_irq,
				0, "bad", bad);
}
