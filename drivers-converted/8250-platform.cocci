// SPDX-License-Identifier: GPL-2.0
/// Convert the 8250 platform driver to shdev, for the ports a platform
/// device describes with platform data (plat_serial8250_port): such a
/// device can be handed to another VM and taken back with its ports
/// registered and their ttys open.
///
/// The generic conversion (coccinelle/convert/) registers the device in
/// probe and takes quiesce and resume from the driver's system-sleep
/// callbacks; it names what is left by hand: those callbacks count on
/// frozen user space, do nothing for a console kept on, remove is not
/// gated, and the handle is thrown away.  This conversion does that hand
/// work.
///
/// The serial core keeps the ttys away from the ports: the core stacks
/// each port's tty on the shared device and freezes it (CONFIG_SHDEV_TTY,
/// uart_port_freeze()), so that no write, open, termios, modem-control or
/// console path reaches the port's operations while it is away.  What is
/// left is the driver's own: each port's interrupt, named with
/// shdev_add_irq() before the port is registered, which the core disables
/// after quiesce; and the port's timer (polling for a port without an
/// interrupt, the backup timer of a UART with the THRE bug), which
/// quiesce stops and resume starts again.  resume drops what the peer
/// left in the FIFOs and the interrupt registers of each open port; the
/// serial core's thaw then programs the line settings and modem-control
/// lines again.  remove runs once the core took the device back.
///
/// Not converted: ports described by ACPI (the probe's other path) and the
/// legacy ISA device, which register no shared device.  Not derived: the
/// RS485 (em485) timers and DMA of a port that uses them are not stopped,
/// and a line shared with another device's port (share_irqs) is disabled
/// for both.
//
// Target: drivers/tty/serial/8250/8250_platform.c

@@
@@

 #include <linux/platform_device.h>
+#include <linux/shdev.h>

@@
identifier probe = serial8250_probe_platform;
@@

+/* The shared device's ports whose timer quiesce stopped, by line. */
+struct serial8250_shdev {
+	unsigned long timers[BITS_TO_LONGS(UART_NR)];
+};
+
+static int serial8250_shdev_quiesce(struct shdev *sd)
+{
+	struct serial8250_shdev *ss = shdev_get_drvdata(sd);
+	int i;
+
+	for (i = 0; i < UART_NR; i++) {
+		struct uart_8250_port *up = serial8250_get_port(i);
+		struct uart_port *port = &up->port;
+
+		if (port->type == PORT_UNKNOWN || port->dev != shdev_dev(sd))
+			continue;
+		if (timer_delete_sync(&up->timer))
+			set_bit(i, ss->timers);
+	}
+	return 0;
+}
+
 probe(...) { ... }

@@
identifier probe = serial8250_probe_platform;
@@

+static int serial8250_shdev_resume(struct shdev *sd)
+{
+	struct serial8250_shdev *ss = shdev_get_drvdata(sd);
+	int i;
+
+	for (i = 0; i < UART_NR; i++) {
+		struct uart_8250_port *up = serial8250_get_port(i);
+		struct uart_port *port = &up->port;
+
+		if (port->type == PORT_UNKNOWN || port->dev != shdev_dev(sd))
+			continue;
+		/* As startup() does: what the peer left is not ours. */
+		if (tty_port_initialized(&port->state->port)) {
+			serial8250_clear_and_reinit_fifos(up);
+			serial_port_in(port, UART_LSR);
+			serial_port_in(port, UART_RX);
+			serial_port_in(port, UART_IIR);
+			serial_port_in(port, UART_MSR);
+		}
+		if (test_and_clear_bit(i, ss->timers))
+			mod_timer(&up->timer, jiffies + 1);
+	}
+	return 0;
+}
+
 probe(...) { ... }

@@
identifier probe = serial8250_probe_platform;
@@

+static const struct shdev_ops serial8250_shdev_ops = {
+	.quiesce = serial8250_shdev_quiesce,
+	.resume = serial8250_shdev_resume,
+};
+
 probe(...) { ... }

@@
identifier probe = serial8250_probe_platform;
identifier dev, p;
@@

 probe(struct platform_device *dev, struct plat_serial8250_port *p)
 {
 	struct uart_8250_port uart;
+	struct plat_serial8250_port *q;
+	struct serial8250_shdev *ss;
+	struct shdev *sd;
 	...
 	memset(&uart, 0, sizeof(uart));
+
+	ss = devm_kzalloc(&dev->dev, sizeof(*ss), GFP_KERNEL);
+	if (!ss)
+		return -ENOMEM;
+	sd = devm_shdev_register(dev, &serial8250_shdev_ops, ss);
+	if (IS_ERR(sd))
+		return PTR_ERR(sd);
+	/* Before any port: a port's line is requested at its first open. */
+	for (q = p; q && q->flags != 0; q++) {
+		if (q->irq) {
+			ret = shdev_add_irq(sd, q->irq);
+			if (ret)
+				return ret;
+		}
+	}
 	...
 }

@@
@@

 MODULE_LICENSE("GPL");
+MODULE_IMPORT_NS(SHDEV);
