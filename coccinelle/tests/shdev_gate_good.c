// SPDX-License-Identifier: GPL-2.0
/* Must not be flagged by shdev_gate.cocci. */
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/platform_device.h>
#include <linux/shdev.h>

struct good {
	void __iomem *regs;
	struct shdev *sd;
};

extern const struct shdev_ops good_ops;

static irqreturn_t good_irq(int irq, void *data)
{
	struct good *good = data;
	irqreturn_t ret = IRQ_NONE;
	int idx;

	if (!shdev_enter(good->sd, &idx))
		return IRQ_NONE;
	if (readl(good->regs)) {
		writel(1, good->regs);
		ret = IRQ_HANDLED;
	}
	shdev_exit(good->sd, idx);
	return ret;
}

static int good_probe(struct platform_device *pdev)
{
	struct good *good = platform_get_drvdata(pdev);

	good->sd = devm_shdev_register(pdev, &good_ops, good);
	if (IS_ERR(good->sd))
		return PTR_ERR(good->sd);
	return devm_request_irq(&pdev->dev, platform_get_irq(pdev, 0),
				good_irq, 0, "good", good);
}
