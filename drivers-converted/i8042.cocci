// SPDX-License-Identifier: GPL-2.0
/// Convert i8042 to shdev: the controller can be handed to another VM and
/// taken back with the driver bound, its serio ports registered and atkbd
/// and psmouse bound to them (the core stacks the serio ports on the
/// shared device and refuses their writes while it is away).
///
/// quiesce shuts out i8042_command() and the keyboard port's writes: other
/// drivers (LED and platform drivers) and a write that raced with the
/// serio port's freeze get -EBUSY while the peer owns the controller, and
/// the flush
/// that remove(), shutdown and system sleep start with reads nothing, so
/// that the peer's keystrokes stay the peer's.  The panic blink leaves the
/// controller alone too.  The core disables the controller's interrupts
/// (1 and 12, named with shdev_add_irq()) after quiesce and enables them
/// before resume.  On x86 its ports (0x60 and 0x64, or where firmware
/// put them) are named with shdev_add_resource(), so that a backend hands
/// them to the peer.  resume drops the bytes the peer left unread and writes
/// the driver's command byte (i8042_ctr) again, since the peer may have
/// changed it.
///
/// Not derived: a peer that changes the active multiplexing mode of an
/// AUX multiplexer, or the Dritek extension, is not undone; system resume
/// (i8042_controller_resume()) redoes both, but only with CONFIG_PM.
//
// Target: drivers/input/serio/i8042.c

@@
@@

 #include <linux/i8042.h>
+#include <linux/shdev.h>

@@
@@

 static bool i8042_aux_irq_registered;
+/* The controller is another VM's: i8042_command() is refused. */
+static bool i8042_away;

@@
identifier param, command, flags, retval;
@@

 int i8042_command(unsigned char *param, int command)
 {
 	...
 	spin_lock_irqsave(&i8042_lock, flags);
-	retval = __i8042_command(param, command);
+	if (i8042_away)
+		retval = -EBUSY;
+	else
+		retval = __i8042_command(param, command);
 	spin_unlock_irqrestore(&i8042_lock, flags);
 	...
 }

@@
identifier port, c, retval;
@@

 static int i8042_kbd_write(struct serio *port, unsigned char c)
 {
 	...
-	if (!(retval = i8042_wait_write())) {
+	retval = i8042_away ? -EBUSY : i8042_wait_write();
+	if (!retval) {
 		dbg(...);
 		i8042_write_data(c);
 	}
 	...
 }

@@
@@

 static int i8042_flush(void)
 {
 	...
-	while ((str = i8042_read_status()) & I8042_STR_OBF) {
+	while (!i8042_away && ((str = i8042_read_status()) & I8042_STR_OBF)) {
 	...
 	}
 	...
 }

@@
identifier state;
@@

 static long i8042_panic_blink(int state)
 {
 	...
 	char led;
+
+	if (READ_ONCE(i8042_away))
+		return 0;
 	...
 }

@@
identifier dev;
@@

+static int i8042_shdev_quiesce(struct shdev *sd)
+{
+	unsigned long flags;
+
+	spin_lock_irqsave(&i8042_lock, flags);
+	i8042_away = true;
+	spin_unlock_irqrestore(&i8042_lock, flags);
+	return 0;
+}
+
 static int i8042_probe(struct platform_device *dev)
 {
 ...
 }

@@
identifier dev;
@@

+static int i8042_shdev_resume(struct shdev *sd)
+{
+	unsigned long flags;
+	int error;
+
+	spin_lock_irqsave(&i8042_lock, flags);
+	i8042_away = false;
+	spin_unlock_irqrestore(&i8042_lock, flags);
+
+	/* What the peer left unread is not ours. */
+	i8042_flush();
+	spin_lock_irqsave(&i8042_lock, flags);
+	error = __i8042_command(&i8042_ctr, I8042_CMD_CTL_WCTR);
+	spin_unlock_irqrestore(&i8042_lock, flags);
+	return error ? -EIO : 0;
+}
+
 static int i8042_probe(struct platform_device *dev)
 {
 ...
 }

@@
identifier dev;
@@

+/*
+ * Its ports, for a backend to hand to the peer: on x86, where they are
+ * I/O ports (elsewhere the registers may be MMIO addresses).
+ */
+static int i8042_shdev_add_ports(struct shdev *sd)
+{
+	struct resource port[2];
+	int error;
+
+	if (!IS_ENABLED(CONFIG_X86))
+		return 0;
+	port[0] = DEFINE_RES_IO((unsigned long)I8042_DATA_REG, 1);
+	port[1] = DEFINE_RES_IO((unsigned long)I8042_COMMAND_REG, 1);
+	error = shdev_add_resource(sd, &port[0]);
+	return error ?: shdev_add_resource(sd, &port[1]);
+}
+
+static const struct shdev_ops i8042_shdev_ops = {
+	.quiesce = i8042_shdev_quiesce,
+	.resume = i8042_shdev_resume,
+};
+
 static int i8042_probe(struct platform_device *dev)
 {
 ...
 }

@@
identifier dev;
@@

 static int i8042_probe(struct platform_device *dev)
 {
 	int error;
+	struct shdev *sd;
 	...
 }

@@
identifier dev;
statement S;
@@

 static int i8042_probe(struct platform_device *dev)
 {
 	...
+	/* Before the serio ports, so that they are stacked on it. */
+	sd = devm_shdev_register(dev, &i8042_shdev_ops, NULL);
+	if (IS_ERR(sd))
+		return PTR_ERR(sd);
+	/*
+	 * Its interrupts are not its platform device's resources, nor are
+	 * its ports: name them, for the core and for the peer.
+	 */
+	error = shdev_add_irq(sd, I8042_KBD_IRQ);
+	if (!error)
+		error = shdev_add_irq(sd, I8042_AUX_IRQ);
+	if (!error)
+		error = i8042_shdev_add_ports(sd);
+	if (error)
+		return error;
 	if (i8042_reset == I8042_RESET_ALWAYS) S
 	...
 }

// Its exports are in the SHDEV namespace.
@@
declarer name MODULE_LICENSE, MODULE_IMPORT_NS;
expression E;
@@

 MODULE_LICENSE(E);
+MODULE_IMPORT_NS(SHDEV);
