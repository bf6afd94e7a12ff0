// SPDX-License-Identifier: GPL-2.0
/*
 * The demonstration's unit: QEMU's PC has no Devicetree, so this module
 * plays the platform code that describes its display and keyboard as one
 * unit of shdev, with software nodes.  The unit's node carries the
 * properties of the "linux,shdev-unit" binding; each member's node is given
 * to its platform device, the firmware framebuffer and the i8042
 * controller, before their drivers bind.  Load it before simpledrm and
 * i8042.
 */

#include <linux/device.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/platform_device.h>
#include <linux/property.h>

static const struct software_node demo_display = { .name = "demo-display" };
static const struct software_node demo_keyboard = { .name = "demo-keyboard" };

/* Member order: the display first, its content frozen before the keys. */
static const struct software_node_ref_args demo_members[] = {
	SOFTWARE_NODE_REFERENCE(&demo_display),
	SOFTWARE_NODE_REFERENCE(&demo_keyboard),
};

/* The simulated backend's vm1 and the uapi agent's vm3. */
static const char * const demo_peer_names[] = { "vm1", "vm3" };
static const u32 demo_peer_ids[] = { 0, 45 };

static const struct property_entry demo_unit_props[] = {
	PROPERTY_ENTRY_REF_ARRAY("devices", demo_members),
	PROPERTY_ENTRY_STRING_ARRAY("peer-names", demo_peer_names),
	PROPERTY_ENTRY_U32_ARRAY("peer-ids", demo_peer_ids),
	{ }
};

static const struct software_node demo_unit = {
	.name = "demo-unit",
	.properties = demo_unit_props,
};

static const struct software_node *demo_nodes[] = {
	&demo_display, &demo_keyboard, &demo_unit, NULL
};

static const struct {
	const char *dev_name;
	const struct software_node *node;
} demo_devices[] = {
	{ "simple-framebuffer.0", &demo_display },
	{ "i8042", &demo_keyboard },
};

static struct platform_device *demo_unit_pdev;

static const struct software_node *demo_node_of(struct device *dev)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(demo_devices); i++)
		if (!strcmp(dev_name(dev), demo_devices[i].dev_name))
			return demo_devices[i].node;
	return NULL;
}

static bool demo_has_node(struct device *dev,
			  const struct software_node *node)
{
	const struct fwnode_handle *fwnode = software_node_fwnode(node);
	const struct fwnode_handle *own = dev_fwnode(dev);

	return fwnode && own && (own == fwnode || own->secondary == fwnode);
}

/* Under the device lock, so that no driver binds meanwhile. */
static int demo_describe(struct device *dev)
{
	const struct software_node *node = demo_node_of(dev);
	int ret = 0;

	if (!node)
		return 0;
	device_lock(dev);
	if (dev->driver) {
		dev_err(dev, "bound already: load shdev-demo-unit before its driver\n");
		ret = -EBUSY;
	} else if (!demo_has_node(dev, node)) {
		ret = device_add_software_node(dev, node);
		if (ret)
			dev_err(dev, "cannot describe it as a member of the unit: %d\n",
				ret);
	}
	device_unlock(dev);
	return ret;
}

static int demo_forget(struct device *dev)
{
	const struct software_node *node = demo_node_of(dev);

	if (node && demo_has_node(dev, node))
		device_remove_software_node(dev);
	return 0;
}

/* i8042 creates its device when it loads: describe it as it comes. */
static int demo_notify(struct notifier_block *nb, unsigned long action,
		       void *data)
{
	if (action == BUS_NOTIFY_ADD_DEVICE)
		demo_describe(data);
	else if (action == BUS_NOTIFY_DEL_DEVICE)
		demo_forget(data);
	return NOTIFY_DONE;
}

static struct notifier_block demo_nb = {
	.notifier_call = demo_notify,
};

/*
 * Call @fn for each member that exists already, as the framebuffer does
 * from boot; stop at its first error.
 */
static int demo_each_member(int (*fn)(struct device *dev))
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(demo_devices) && !ret; i++) {
		struct device *dev;

		dev = bus_find_device_by_name(&platform_bus_type, NULL,
					      demo_devices[i].dev_name);
		if (!dev)
			continue;
		ret = fn(dev);
		put_device(dev);
	}
	return ret;
}

/* Unbound with the unit's device: bind the member again, on its own. */
static int demo_rebind(struct device *dev)
{
	if (device_attach(dev) < 0)
		dev_warn(dev, "not bound again\n");
	return 0;
}

static int __init demo_unit_init(void)
{
	struct platform_device *pdev;
	int ret;

	ret = software_node_register_node_group(demo_nodes);
	if (ret)
		return ret;
	ret = bus_register_notifier(&platform_bus_type, &demo_nb);
	if (ret)
		goto unregister_nodes;
	ret = demo_each_member(demo_describe);
	if (ret)
		goto forget;

	pdev = platform_device_alloc("shdev-unit", PLATFORM_DEVID_NONE);
	if (!pdev) {
		ret = -ENOMEM;
		goto forget;
	}
	ret = device_add_software_node(&pdev->dev, &demo_unit);
	if (ret)
		goto put;
	ret = platform_device_add(pdev);
	if (ret)
		goto remove_node;
	demo_unit_pdev = pdev;
	return 0;

remove_node:
	device_remove_software_node(&pdev->dev);
put:
	platform_device_put(pdev);
forget:
	bus_unregister_notifier(&platform_bus_type, &demo_nb);
	demo_each_member(demo_forget);
unregister_nodes:
	software_node_unregister_node_group(demo_nodes);
	return ret;
}
module_init(demo_unit_init);

/*
 * The unit's device goes first: its members' drivers unbind with it, and
 * bind again once their nodes are gone.
 */
static void __exit demo_unit_exit(void)
{
	platform_device_del(demo_unit_pdev);
	device_remove_software_node(&demo_unit_pdev->dev);
	platform_device_put(demo_unit_pdev);
	bus_unregister_notifier(&platform_bus_type, &demo_nb);
	demo_each_member(demo_forget);
	software_node_unregister_node_group(demo_nodes);
	demo_each_member(demo_rebind);
}
module_exit(demo_unit_exit);

MODULE_DESCRIPTION("shdev demonstration: QEMU's display and keyboard as one unit");
MODULE_LICENSE("GPL");
