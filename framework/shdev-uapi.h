/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shdev uapi backend: what the agent's file (uapi.c) and the device file
 * (uapi-dev.c) give each other, and the seams through which KUnit plays
 * the agent from inside the kernel.  A kernel thread reads and writes the
 * agent's file with kernel_read() and kernel_write() as a process would;
 * only the ioctls, whose argument is a user pointer, need a way in with a
 * kernel pointer, and the file needs a device number to be opened by.
 */
#ifndef __SHDEV_UAPI_H
#define __SHDEV_UAPI_H

#include <linux/types.h>

struct file;
struct resource;
struct uapi_dev;

void uapi_irq_hw(unsigned int irq, u64 *line, u32 *trigger);
struct uapi_dev *uapi_dev_new(const struct resource *res, unsigned int n);
struct file *uapi_dev_file(struct uapi_dev *vd);
void uapi_dev_revoke(struct uapi_dev *vd);
void uapi_dev_get(struct uapi_dev *vd);
void uapi_dev_put(struct uapi_dev *vd);

/**
 * struct shdev_uapi_pio - port accessors of the device file
 * @in: read @size (1, 2 or 4) bytes at @port
 * @out: write them
 */
struct shdev_uapi_pio {
	u32 (*in)(unsigned long port, unsigned int size);
	void (*out)(unsigned long port, unsigned int size, u32 val);
};

#if IS_ENABLED(CONFIG_KUNIT)
long shdev_uapi_kernel_ioctl(struct file *file, unsigned int cmd, void *arg);
dev_t shdev_uapi_devt(void);
struct file *shdev_uapi_device_file(struct file *agent, u64 seq);
void shdev_uapi_set_pio(const struct shdev_uapi_pio *pio);
long shdev_uapi_dev_kernel_ioctl(struct file *file, unsigned int cmd,
				 void *arg);
int shdev_uapi_dev_arm(struct file *file, unsigned int index);
u64 shdev_uapi_dev_fired(struct file *file, unsigned int index);
#endif

#endif /* __SHDEV_UAPI_H */
