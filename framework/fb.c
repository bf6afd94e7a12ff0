// SPDX-License-Identifier: GPL-2.0
/*
 * shdev framebuffer consumers: the fbdev framebuffers below a shared device
 * (a display controller, or the DRM device on it with its fbdev emulation)
 * stay registered, with every file on /dev/fbN open, while the device is
 * away.
 *
 * The fbdev core does the work: while a framebuffer is frozen with
 * fb_freeze(), fbcon is suspended and draws nothing, and read(), write(),
 * a first open(), mmap() and the ioctls that reach the driver fail with
 * -EBUSY.  fb_thaw() resumes fbcon, which repaints the console.  A mapping
 * of the framebuffer by userspace cannot be stopped, so the freeze, and
 * with it the release, is refused with -EBUSY while one exists.
 *
 * Framebuffers are found through their devices in the "graphics" class,
 * which the fbdev core registers below the framebuffer's parent device; a
 * kernel without /dev/fbN (CONFIG_FB_DEVICE) has none, and this consumer
 * is not built.
 */

#include <linux/device.h>
#include <linux/fb.h>
#include <linux/init.h>
#include <linux/shdev.h>
#include <linux/shdev-consumer.h>
#include <linux/slab.h>

struct shdev_fb {
	struct shdev_consumer consumer;
	struct fb_info *info;
};

static int shdev_fb_freeze(struct shdev_consumer *c)
{
	struct shdev_fb *sf = container_of(c, struct shdev_fb, consumer);
	int ret;

	ret = fb_freeze(sf->info);
	if (ret == -EBUSY)
		dev_err(c->dev, "mapped by userspace: cannot stop it\n");
	return ret;
}

static void shdev_fb_thaw(struct shdev_consumer *c)
{
	struct shdev_fb *sf = container_of(c, struct shdev_fb, consumer);

	fb_thaw(sf->info);
}

/*
 * The framebuffer's device is going away, or the shared device is (and is
 * still away): a frozen framebuffer stays frozen, since thawing would
 * reach the hardware.
 */
static void shdev_fb_detach(struct shdev_consumer *c)
{
	struct shdev_fb *sf = container_of(c, struct shdev_fb, consumer);

	put_device(c->dev);
	kfree(sf);
}

static const struct shdev_consumer_ops shdev_fb_ops = {
	.name = "fb",
	.freeze = shdev_fb_freeze,
	.thaw = shdev_fb_thaw,
	.detach = shdev_fb_detach,
};

static int shdev_fb_add_dev(struct device *dev)
{
	struct fb_info *info = fb_info_of_device(dev);
	struct shdev_fb *sf;
	int ret;

	if (!info)
		return 0;

	sf = kzalloc(sizeof(*sf), GFP_KERNEL);
	if (!sf)
		return -ENOMEM;
	sf->info = info;
	sf->consumer.ops = &shdev_fb_ops;
	sf->consumer.dev = get_device(dev);

	ret = shdev_consumer_add_below(&sf->consumer);
	if (ret) {
		put_device(dev);
		kfree(sf);
		/* Not below a shared device: nothing to do. */
		if (ret != -ENODEV)
			dev_warn(dev, "not frozen with its shared device: %d\n",
				 ret);
		return ret == -ENODEV ? 0 : ret;
	}
	return 0;
}

static void shdev_fb_remove_dev(struct device *dev)
{
	shdev_consumer_remove(dev);
}

static struct class_interface shdev_fb_interface = {
	.add_dev = shdev_fb_add_dev,
	.remove_dev = shdev_fb_remove_dev,
};

static int __init shdev_fb_init(void)
{
	/* The fbdev core failed to create its class: no framebuffer. */
	if (!fb_class)
		return 0;
	shdev_fb_interface.class = fb_class;
	return class_interface_register(&shdev_fb_interface);
}

/* After the fbdev core (subsys), before the framebuffer drivers probe. */
subsys_initcall_sync(shdev_fb_init);
