/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shdev uapi backend: the seams through which KUnit plays the agent from
 * inside the kernel.  A kernel thread reads and writes the agent's file
 * with kernel_read() and kernel_write() as a process would; only the
 * ioctls, whose argument is a user pointer, need a way in with a kernel
 * pointer, and the file needs a device number to be opened by.
 */
#ifndef __SHDEV_UAPI_H
#define __SHDEV_UAPI_H

#include <linux/types.h>

struct file;

#if IS_ENABLED(CONFIG_KUNIT)
long shdev_uapi_kernel_ioctl(struct file *file, unsigned int cmd, void *arg);
dev_t shdev_uapi_devt(void);
#endif

#endif /* __SHDEV_UAPI_H */
