// SPDX-License-Identifier: GPL-2.0
/// Convert Qualcomm's GENI I2C controller to shdev: the controller can be
/// handed to another VM and taken back with its driver bound and its
/// adapter registered, the clients' drivers bound to their devices.
///
/// quiesce first stops the clients: under the adapter's root bus lock, so
/// that it waits for the transfer in flight, which completes through its
/// own interrupt (the gate is still open), it marks the controller away;
/// master_xfer, called with that lock held, then fails with -ESHUTDOWN
/// until resume.  i2c_mark_adapter_suspended() would do the same but
/// dev_WARN()s at the first transfer refused and never again, not even at
/// the next real system sleep: clients transferring while the controller
/// is away are expected here, not a bug.  Then the interrupt goes off and
/// the GPI DMA channels are terminated.  The clocks, the interconnect
/// votes and the pins stay on: the core holds a runtime PM reference while
/// the controller is away, so the runtime PM callbacks do not run.
///
/// resume re-initialises the serial engine as probe did (FIFO watermarks
/// and packing, or GPI DMA mode); the bus clock configuration is written
/// before every transfer.  validate checks that the serial engine still
/// runs the I2C protocol.
///
/// Every path to the hardware: the interrupt handler runs inside the gate;
/// master_xfer is refused while away; the runtime PM callbacks are held off
/// by the core's reference; the noirq sleep callbacks run only with the
/// controller back (system sleep waits for it); remove and shutdown do not
/// touch the registers.
//
// Target: drivers/i2c/busses/i2c-qcom-geni.c

@@
@@

 #include <linux/pm_runtime.h>
+#include <linux/shdev.h>

@@
@@

 struct geni_i2c_dev {
 	...
 	bool abort_done;
+	/*
+	 * Away with a peer: transfers fail.  Set by quiesce under the root
+	 * bus lock, which master_xfer is called with.
+	 */
+	bool away;
+	struct shdev *shdev;
 };

// The gate: transfers are refused while the controller is away.
@@
identifier gi2c, adap, ret;
@@

 static int geni_i2c_xfer(...)
 {
 	struct geni_i2c_dev *gi2c = i2c_get_adapdata(adap);
 	int ret;
+
+	if (gi2c->away)
+		return -ESHUTDOWN;
 	...
 }

@@
typedef irqreturn_t;
identifier pdev;
@@

+static irqreturn_t geni_i2c_irq_shdev(int irq, void *dev)
+{
+	struct geni_i2c_dev *gi2c = dev;
+	irqreturn_t ret;
+	int idx;
+
+	if (!shdev_enter(gi2c->shdev, &idx))
+		return IRQ_NONE;
+	ret = geni_i2c_irq(irq, dev);
+	shdev_exit(gi2c->shdev, idx);
+	return ret;
+}
+
 static int geni_i2c_probe(struct platform_device *pdev)
 {
 ...
 }

@@
identifier pdev;
@@

+static int geni_i2c_shdev_quiesce(struct shdev *sd)
+{
+	struct geni_i2c_dev *gi2c = shdev_get_drvdata(sd);
+
+	/*
+	 * Wait for the transfer in flight, whose interrupt still runs, and
+	 * refuse the next ones.
+	 */
+	i2c_lock_bus(&gi2c->adap, I2C_LOCK_ROOT_ADAPTER);
+	gi2c->away = true;
+	i2c_unlock_bus(&gi2c->adap, I2C_LOCK_ROOT_ADAPTER);
+
+	/* The core disables it too; both nest with runtime PM's. */
+	disable_irq(gi2c->irq);
+	if (gi2c->gpi_mode) {
+		dmaengine_terminate_sync(gi2c->tx_c);
+		dmaengine_terminate_sync(gi2c->rx_c);
+	}
+	return 0;
+}
+
 static int geni_i2c_probe(struct platform_device *pdev)
 {
 ...
 }

@@
identifier pdev;
@@

+/* The serial engine was kept powered while away: probe's set-up again. */
+static int geni_i2c_shdev_resume(struct shdev *sd)
+{
+	struct geni_i2c_dev *gi2c = shdev_get_drvdata(sd);
+	struct geni_se *se = &gi2c->se;
+
+	if (gi2c->gpi_mode)
+		geni_se_select_mode(se, GENI_GPI_DMA);
+	else
+		geni_i2c_shdev_fifo_init(gi2c);
+	enable_irq(gi2c->irq);
+
+	i2c_lock_bus(&gi2c->adap, I2C_LOCK_ROOT_ADAPTER);
+	gi2c->away = false;
+	i2c_unlock_bus(&gi2c->adap, I2C_LOCK_ROOT_ADAPTER);
+	return 0;
+}
+
 static int geni_i2c_probe(struct platform_device *pdev)
 {
 ...
 }

@@
identifier pdev;
@@

+/* A serial engine given back must still run the I2C protocol. */
+static int geni_i2c_shdev_validate(struct shdev *sd)
+{
+	struct geni_i2c_dev *gi2c = shdev_get_drvdata(sd);
+
+	if (geni_se_read_proto(&gi2c->se) != GENI_SE_I2C)
+		return -ENXIO;
+	return 0;
+}
+
+static const struct shdev_ops geni_i2c_shdev_ops = {
+	.quiesce = geni_i2c_shdev_quiesce,
+	.resume = geni_i2c_shdev_resume,
+	.validate = geni_i2c_shdev_validate,
+};
+
 static int geni_i2c_probe(struct platform_device *pdev)
 {
 ...
 }

// FIFO mode as probe sets it up: watermarks and packing.
@@
identifier sd;
@@

+static void geni_i2c_shdev_fifo_init(struct geni_i2c_dev *gi2c)
+{
+	struct geni_se *se = &gi2c->se;
+
+	geni_se_init(se, gi2c->tx_wm, gi2c->tx_wm + 1);
+	geni_se_config_packing(se, BITS_PER_BYTE, PACKING_BYTES_PW, true, true, true);
+}
+
 static int geni_i2c_shdev_resume(struct shdev *sd)
 { ... }

@@
identifier gi2c, dev, ret, pdev;
identifier h = geni_i2c_irq;
@@

 static int geni_i2c_probe(struct platform_device *pdev)
 {
 ...
 	ret = devm_request_irq(dev, gi2c->irq,
-		h
+		geni_i2c_irq_shdev
 		, ...);
 ...
 }

// Before the interrupt can be enabled (by runtime resume, once runtime PM
// is enabled) and before the adapter's clients exist.
@@
identifier gi2c, ret, pdev, err;
@@

 static int geni_i2c_probe(struct platform_device *pdev)
 {
 ...
 	ret = geni_icc_disable(&gi2c->se);
 	if (ret)
 		goto err;
+	gi2c->shdev = devm_shdev_register(pdev, &geni_i2c_shdev_ops, gi2c);
+	if (IS_ERR(gi2c->shdev)) {
+		ret = PTR_ERR(gi2c->shdev);
+		goto err;
+	}
 ...
 }

// Its exports are in the SHDEV namespace.
@@
declarer name MODULE_LICENSE, MODULE_IMPORT_NS;
expression E;
@@

 MODULE_LICENSE(E);
+MODULE_IMPORT_NS(SHDEV);
