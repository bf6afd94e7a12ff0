// SPDX-License-Identifier: GPL-2.0
/// Convert i2c-gpio to shdev: the bus can be handed to another VM and
/// taken back with its driver bound, its adapter registered and its
/// clients bound.  The core freezes the adapter, stacked on the device,
/// before quiesce (drivers/shdev/i2c.c): a transfer in flight completes
/// first and the I2C core refuses new ones with -ESHUTDOWN, so the bit
/// banging stops with nothing left for quiesce to do.  The other owner
/// may leave SDA or SCL driven low: resume releases both, the idle bus
/// state that probe sets up when it requests the lines.
///
/// Left as it is: the fault injector in debugfs
/// (CONFIG_I2C_GPIO_FAULT_INJECTOR, a test tool) takes the bus lock and
/// drives the lines itself, so it reaches them while the bus is away.
/// The lines are GPIOs of another device: what moves them to the other
/// VM is the unit the bus belongs to (see Documentation/driver-api/shdev/
/// units.rst), not this driver.
//
// Target: drivers/i2c/busses/i2c-gpio.c

@@
@@

 #include <linux/property.h>
+#include <linux/shdev.h>

@@
@@

 struct i2c_gpio_private_data {
 	...
 	struct i2c_gpio_platform_data pdata;
+	struct shdev *shdev;
 	...
 };

@@
identifier pdev;
@@

+/* The adapter, frozen by the core, has nothing in flight. */
+static int i2c_gpio_shdev_quiesce(struct shdev *sd)
+{
+	return 0;
+}
+
+/* Idle bus: both lines released, whatever the other owner left. */
+static int i2c_gpio_shdev_resume(struct shdev *sd)
+{
+	struct i2c_gpio_private_data *priv = shdev_get_drvdata(sd);
+
+	gpiod_set_value_cansleep(priv->sda, 1);
+	gpiod_set_value_cansleep(priv->scl, 1);
+	return 0;
+}
+
 static int i2c_gpio_probe(struct platform_device *pdev)
 {
 ...
 }

@@
identifier pdev;
@@

+static const struct shdev_ops i2c_gpio_shdev_ops = {
+	.quiesce = i2c_gpio_shdev_quiesce,
+	.resume = i2c_gpio_shdev_resume,
+};
+
 static int i2c_gpio_probe(struct platform_device *pdev)
 {
 ...
 }

@@
identifier pdev, priv, adap, ret;
@@

 static int i2c_gpio_probe(struct platform_device *pdev)
 {
 	struct i2c_gpio_private_data *priv;
 ...
+	/* Before the adapter, which the core stacks on it. */
+	priv->shdev = devm_shdev_register(pdev, &i2c_gpio_shdev_ops, priv);
+	if (IS_ERR(priv->shdev))
+		return PTR_ERR(priv->shdev);
 	adap->nr = pdev->id;
 	ret = i2c_bit_add_numbered_bus(adap);
 ...
 }

// Its exports are in the SHDEV namespace.
@@
declarer name MODULE_LICENSE, MODULE_IMPORT_NS;
expression E;
@@

 MODULE_LICENSE(E);
+MODULE_IMPORT_NS(SHDEV);
