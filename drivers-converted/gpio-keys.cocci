// SPDX-License-Identifier: GPL-2.0
/// Convert gpio-keys to shdev: the device can be handed to another VM and
/// taken back with its driver bound and its input device registered (the
/// core stacks the input device on the shared device and freezes it).
/// quiesce stops every button's debounce and release timers, as
/// gpio_keys_quiesce_key() does at unbind; the core disables the buttons'
/// interrupts (named with shdev_add_irq() as they are requested) after
/// quiesce and enables them before resume, nesting with the user's
/// disabled_keys, so resume has nothing to do.
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
+	for (i = 0; i < ddata->pdata->nbuttons; i++)
+		gpio_keys_quiesce_key(&ddata->data[i]);
+	return 0;
+}
+
+/* The core enables the interrupts again; the timers start with them. */
+static int gpio_keys_shdev_resume(struct shdev *sd)
+{
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

@@
identifier dev, isr, irqflags, desc, error;
@@

 	error = devm_request_any_context_irq(dev, bdata->irq, isr, irqflags,
 					     desc, bdata);
 	if (error < 0) {
 		...
 	}
+	error = shdev_add_irq(ddata->shdev, bdata->irq);
+	if (error)
+		return error;

// Its exports are in the SHDEV namespace.
@@
declarer name MODULE_LICENSE, MODULE_IMPORT_NS;
expression E;
@@

 MODULE_LICENSE(E);
+MODULE_IMPORT_NS(SHDEV);
