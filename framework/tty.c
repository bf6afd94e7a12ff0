// SPDX-License-Identifier: GPL-2.0
/*
 * shdev serial consumers: the serial core ports below a shared device (a
 * UART, say) keep their tty, with every file open, while the device is
 * away.
 *
 * The serial core does the work: while a port is frozen with
 * uart_port_freeze(), no tty path reaches the port's operations.  Writes
 * fill the transmit buffer and then wait, a first open fails with -EBUSY,
 * termios and modem-control lines are kept for the thaw, the modem status,
 * break and the port's ioctls fail with -EBUSY, and a close is left to
 * uart_port_thaw().  A console on the port is stopped and prints what it
 * missed after the thaw.  The port's interrupts are its driver's business:
 * the driver names them with shdev_add_irq() or gates its handler.
 *
 * Ports are found through their tty devices, which the serial core
 * registers below the port's device; a port used through serdev has none
 * and is not frozen.
 */

#include <linux/device.h>
#include <linux/init.h>
#include <linux/serial_core.h>
#include <linux/shdev.h>
#include <linux/shdev-consumer.h>
#include <linux/slab.h>
#include <linux/tty.h>

struct shdev_tty {
	struct shdev_consumer consumer;
	struct uart_port *uport;
};

static int shdev_tty_freeze(struct shdev_consumer *c)
{
	struct shdev_tty *st = container_of(c, struct shdev_tty, consumer);

	uart_port_freeze(st->uport);
	return 0;
}

static void shdev_tty_thaw(struct shdev_consumer *c)
{
	struct shdev_tty *st = container_of(c, struct shdev_tty, consumer);

	uart_port_thaw(st->uport);
}

/*
 * The tty device is going away, or the shared device is (and is still
 * away): a frozen port stays frozen, since thawing would reach the
 * hardware.
 */
static void shdev_tty_detach(struct shdev_consumer *c)
{
	struct shdev_tty *st = container_of(c, struct shdev_tty, consumer);

	put_device(c->dev);
	kfree(st);
}

static const struct shdev_consumer_ops shdev_tty_ops = {
	.name = "tty",
	.freeze = shdev_tty_freeze,
	.thaw = shdev_tty_thaw,
	.detach = shdev_tty_detach,
};

static int shdev_tty_add_dev(struct device *dev)
{
	struct uart_port *uport = uart_port_of_tty_device(dev);
	struct shdev_tty *st;
	int ret;

	if (!uport)
		return 0;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->uport = uport;
	st->consumer.ops = &shdev_tty_ops;
	st->consumer.dev = get_device(dev);

	ret = shdev_consumer_add_below(&st->consumer);
	if (ret) {
		put_device(dev);
		kfree(st);
		/* Not below a shared device: nothing to do. */
		if (ret != -ENODEV)
			dev_warn(dev, "not frozen with its shared device: %d\n",
				 ret);
		return ret == -ENODEV ? 0 : ret;
	}
	return 0;
}

static void shdev_tty_remove_dev(struct device *dev)
{
	shdev_consumer_remove(dev);
}

static struct class_interface shdev_tty_interface = {
	.class = &tty_class,
	.add_dev = shdev_tty_add_dev,
	.remove_dev = shdev_tty_remove_dev,
};

static int __init shdev_tty_init(void)
{
	return class_interface_register(&shdev_tty_interface);
}

/* After the tty class exists, before the serial drivers probe. */
subsys_initcall_sync(shdev_tty_init);
