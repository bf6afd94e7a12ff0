// SPDX-License-Identifier: GPL-2.0
/*
 * The demonstration's second serial port as a shared device of its own.
 * On QEMU's PC, firmware (ACPI) describes COM2 to the PNP bus, not as a
 * platform device; this module plays the platform code of a board that
 * describes it with platform data, as an 8250 platform device, whose
 * driver the project converts (drivers-converted/8250-platform.cocci).
 * The 8250 core moves ttyS1, the line at the same port, to that device.
 */

#include <linux/err.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/serial_8250.h>

static const struct plat_serial8250_port demo_com2[] = {
	{
		.iobase = 0x2f8,
		.irq = 3,
		.uartclk = 1843200,
		.iotype = UPIO_PORT,
		.flags = UPF_BOOT_AUTOCONF | UPF_SKIP_TEST,
	},
	{ }
};

static struct platform_device *demo_com2_pdev;

static int __init demo_com2_init(void)
{
	demo_com2_pdev = platform_device_register_data(NULL, "serial8250",
						       PLAT8250_DEV_PLATFORM,
						       demo_com2,
						       sizeof(demo_com2));
	return PTR_ERR_OR_ZERO(demo_com2_pdev);
}
module_init(demo_com2_init);

static void __exit demo_com2_exit(void)
{
	platform_device_unregister(demo_com2_pdev);
}
module_exit(demo_com2_exit);

MODULE_DESCRIPTION("shdev demonstration: QEMU's COM2 as an 8250 platform device");
MODULE_LICENSE("GPL");
