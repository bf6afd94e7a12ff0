// SPDX-License-Identifier: GPL-2.0
/// Convert gpio-keys to shdev: the device can be handed to another VM and
/// taken back with its driver bound and its input device registered (the
/// core stacks the input device on the shared device and freezes it).
/// quiesce disables every button's interrupt and stops its debounce and
/// release timers, as gpio_keys_disable_button() does but without marking
/// the button disabled by the user; resume enables them again.
///
/// Not derived yet: reporting the lines' state after the transfer, as system
/// resume does with gpio_keys_report_state().  In resume the input device
/// is still frozen and would drop the report, so a switch (EV_SW) that
/// changed while away is only seen at its next change.
//
// Target: drivers/input/keyboard/gpio_keys.c

@@
@@

 #include <linux/spinlock.h>
+#include <linux/shdev.h>

@@
@@

 struct gpio_keys_drvdata {
 	...
 	struct mutex disable_lock;
+	struct shdev *shdev;
 	...
 };

@@
identifier pdev;
@@

+static int gpio_keys_shdev_quiesce(struct shdev *sd)
+{
+	struct gpio_keys_drvdata *ddata = shdev_get_drvdata(sd);
+	int i;
+
+	mutex_lock(&ddata->disable_lock);
+	for (i = 0; i < ddata->pdata->nbuttons; i++) {
+		struct gpio_button_data *bdata = &ddata->data[i];
+
+		/* A button the user disabled is quiet already. */
+		if (!bdata->disabled) {
+			disable_irq(bdata->irq);
+			gpio_keys_quiesce_key(bdata);
+		}
+	}
+	mutex_unlock(&ddata->disable_lock);
+	return 0;
+}
+
 static int gpio_keys_probe(struct platform_device *pdev)
 {
 ...
 }

@@
identifier pdev;
@@

+static int gpio_keys_shdev_resume(struct shdev *sd)
+{
+	struct gpio_keys_drvdata *ddata = shdev_get_drvdata(sd);
+	int i;
+
+	mutex_lock(&ddata->disable_lock);
+	for (i = 0; i < ddata->pdata->nbuttons; i++)
+		if (!ddata->data[i].disabled)
+			enable_irq(ddata->data[i].irq);
+	mutex_unlock(&ddata->disable_lock);
+	return 0;
+}
+
 static int gpio_keys_probe(struct platform_device *pdev)
 {
 ...
 }

@@
identifier pdev;
@@

+static const struct shdev_ops gpio_keys_shdev_ops = {
+	.quiesce = gpio_keys_shdev_quiesce,
+	.resume = gpio_keys_shdev_resume,
+};
+
 static int gpio_keys_probe(struct platform_device *pdev)
 {
 ...
 }

@@
identifier pdev, ddata, input;
@@

 static int gpio_keys_probe(struct platform_device *pdev)
 {
 ...
 	input_set_drvdata(input, ddata);
+	/* Before the interrupts and the input device, stacked on it. */
+	ddata->shdev = devm_shdev_register(pdev, &gpio_keys_shdev_ops, ddata);
+	if (IS_ERR(ddata->shdev))
+		return PTR_ERR(ddata->shdev);
 ...
 }
