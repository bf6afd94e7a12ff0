// SPDX-License-Identifier: GPL-2.0
/*
 * shdev uapi backend: the device file, through which the agent hands a
 * device to its peer, and its revocation.
 *
 * A VMM gets one file per device it is asked to release, as VFIO gives a
 * device fd: it maps the MMIO ranges, reads and writes the I/O ports and
 * gets an eventfd per interrupt (<uapi/linux/shdev.h> has the protocol).
 * What it gets is the kernel's to take back, without the agent:
 *
 * - MMIO is mapped by a fault handler (vmf_insert_pfn()), on an inode of
 *   the device's own: revocation zaps every mapping with
 *   unmap_mapping_range() and the next access faults with SIGBUS, as VFIO
 *   does for a PCI device whose memory is disabled.  KVM's MMU notifiers
 *   drop a guest's mappings of it with the VMM's.
 * - Port I/O goes through the file, which refuses it once revoked.
 * - Interrupts.  The driver keeps its interrupt requested all along, and
 *   the core disables the line after quiesce.  VFIO requests the line
 *   itself, which needs the driver unbound.  Here the line is diverted
 *   with irq_divert() (a small genirq addition of the series): the flow
 *   handler, the chip's masking and the line's enable depth are unchanged,
 *   but the line runs our handler instead of the driver's action, and the
 *   file enables it (one enable_irq() against the core's disable_irq())
 *   while the agent has an eventfd on it and has not masked it.  The
 *   handler signals the eventfd; a level-triggered line is disabled as it
 *   fires until the agent unmasks it, as VFIO platform automasks.
 *   Revocation disables the line again, back to the core's depth, and
 *   undiverts it (which waits for a handler in progress): the driver's
 *   action gets the line's next interrupt once the core enables it before
 *   resume.
 */

#define pr_fmt(fmt) "shdev-uapi: " fmt

#include <linux/anon_inodes.h>
#include <linux/eventfd.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/irq.h>
#include <linux/irqdivert.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <kunit/visibility.h>
#include <uapi/linux/shdev.h>

#include "shdev-uapi.h"

/* A region's file offset: its index in the high bits, as VFIO does. */
#define UAPI_DEV_SHIFT		40
#define UAPI_DEV_OFF_MASK	((1ULL << UAPI_DEV_SHIFT) - 1)

static_assert(sizeof(struct shdev_device_info) == 16);
static_assert(sizeof(struct shdev_region_info) == 40);
static_assert(sizeof(struct shdev_irq_info) == 16);
static_assert(sizeof(struct shdev_irq_set) == 16);

struct uapi_region {
	u32 type;
	u32 flags;
	u64 start;
	u64 size;
};

/**
 * struct uapi_irq - one interrupt of the device file
 * @irq: Linux's number
 * @line: the hardware line
 * @trigger: SHDEV_AGENT_IRQ_*, 0 when unknown
 * @level: level-triggered: automasked
 * @act: what irq_divert() runs in place of the driver's action
 * @diverted: irq_divert() done
 * @lock: @ctx, @armed, @masked and @on against the handler
 * @ctx: the agent's eventfd
 * @armed: there is something to signal (@ctx, or KUnit's counter)
 * @masked: by the agent, or automasked
 * @on: the file holds one enable_irq() of the line
 * @fired: interrupts the handler took
 */
struct uapi_irq {
	unsigned int irq;
	u32 line;
	u32 trigger;
	bool level;
	struct irqaction act;
	bool diverted;
	spinlock_t lock;	/* @ctx, @armed, @masked, @on, @fired */
	struct eventfd_ctx *ctx;
	bool armed;
	bool masked;
	bool on;
	u64 fired;
};

/**
 * struct uapi_dev - the device file's state, shared by its files
 * @ref: each file's, and the backend's
 * @lock: @revoked, @inode and the interrupts' setup; taken for reading by
 *	the fault handler, port I/O and the queries
 * @revoked: the kernel took everything back
 * @inode: the first file's, whose mapping every file of the device uses
 * @nr_regions: entries of @regions
 * @regions: the MMIO and port ranges
 * @nr_irqs: entries of @irqs
 * @irqs: the interrupts
 */
struct uapi_dev {
	struct kref ref;
	struct rw_semaphore lock;
	bool revoked;
	struct inode *inode;
	unsigned int nr_regions;
	struct uapi_region regions[SHDEV_AGENT_MAX_RESOURCES];
	unsigned int nr_irqs;
	struct uapi_irq irqs[SHDEV_AGENT_MAX_RESOURCES];
};

/* Port I/O, which KUnit replaces: UML has no ports. */
static u32 uapi_pio_hw_in(unsigned long port, unsigned int size)
{
#ifdef CONFIG_HAS_IOPORT
	switch (size) {
	case 1:
		return inb(port);
	case 2:
		return inw(port);
	default:
		return inl(port);
	}
#else
	return ~0U;
#endif
}

static void uapi_pio_hw_out(unsigned long port, unsigned int size, u32 val)
{
#ifdef CONFIG_HAS_IOPORT
	switch (size) {
	case 1:
		outb(val, port);
		break;
	case 2:
		outw(val, port);
		break;
	default:
		outl(val, port);
		break;
	}
#endif
}

static const struct shdev_uapi_pio uapi_pio_hw = {
	.in = uapi_pio_hw_in,
	.out = uapi_pio_hw_out,
};

static const struct shdev_uapi_pio *uapi_pio = &uapi_pio_hw;

/**
 * uapi_irq_hw() - an interrupt's hardware line and trigger
 * @irq: Linux's interrupt number
 * @line: the line in its interrupt controller's numbering (hwirq); Linux's
 *	number for an interrupt of no domain, whose numbering is the
 *	hardware's (legacy interrupts)
 * @trigger: SHDEV_AGENT_IRQ_*, the IRQ_TYPE_* of the line; 0 when unknown
 */
void uapi_irq_hw(unsigned int irq, u64 *line, u32 *trigger)
{
	struct irq_data *d = irq_get_irq_data(irq);

	*line = d && d->domain ? irqd_to_hwirq(d) : irq;
	*trigger = d ? irqd_get_trigger_type(d) & IRQ_TYPE_SENSE_MASK : 0;
}

static irqreturn_t uapi_dev_irq(int irq, void *data)
{
	struct uapi_irq *ui = data;

	spin_lock(&ui->lock);
	ui->fired++;
	if (ui->level && ui->on) {
		disable_irq_nosync(irq);
		ui->on = false;
		ui->masked = true;
	}
	if (ui->ctx)
		eventfd_signal(ui->ctx);
	spin_unlock(&ui->lock);
	return IRQ_HANDLED;
}

/*
 * Enable the line while it is armed and not masked, disable it otherwise:
 * the file holds at most one enable_irq() against the core's disable.
 */
static void uapi_irq_sync(struct uapi_irq *ui)
{
	bool want, off = false;

	spin_lock_irq(&ui->lock);
	want = ui->diverted && ui->armed && !ui->masked;
	if (want && !ui->on) {
		ui->on = true;
		enable_irq(ui->irq);
	} else if (!want && ui->on) {
		ui->on = false;
		disable_irq_nosync(ui->irq);
		off = true;
	}
	spin_unlock_irq(&ui->lock);
	if (off)
		synchronize_irq(ui->irq);
}

/**
 * uapi_dev_new() - the device file's state for a device being released
 * @res: the device's resources, from shdev_get_resources()
 * @n: their number, at most %SHDEV_AGENT_MAX_RESOURCES
 *
 * Return: the state, with one reference for the caller, or NULL.
 */
struct uapi_dev *uapi_dev_new(const struct resource *res, unsigned int n)
{
	struct uapi_dev *vd;
	unsigned int i;
	u64 line;

	vd = kzalloc(sizeof(*vd), GFP_KERNEL);
	if (!vd)
		return NULL;
	kref_init(&vd->ref);
	init_rwsem(&vd->lock);
	for (i = 0; i < n && i < SHDEV_AGENT_MAX_RESOURCES; i++) {
		const struct resource *r = &res[i];
		struct uapi_region *rg = &vd->regions[vd->nr_regions];
		struct uapi_irq *ui = &vd->irqs[vd->nr_irqs];

		switch (resource_type(r)) {
		case IORESOURCE_MEM:
			rg->type = SHDEV_AGENT_RES_MEM;
			if (PAGE_ALIGNED(r->start) &&
			    PAGE_ALIGNED(resource_size(r)))
				rg->flags = SHDEV_REGION_MMAP;
			break;
		case IORESOURCE_IO:
			rg->type = SHDEV_AGENT_RES_IO;
			if (IS_ENABLED(CONFIG_HAS_IOPORT))
				rg->flags = SHDEV_REGION_READ |
					SHDEV_REGION_WRITE;
			break;
		case IORESOURCE_IRQ:
			ui->irq = r->start;
			uapi_irq_hw(ui->irq, &line, &ui->trigger);
			ui->line = line;
			ui->level = ui->trigger & IRQ_TYPE_LEVEL_MASK;
			ui->act.handler = uapi_dev_irq;
			ui->act.dev_id = ui;
			ui->act.name = "shdev-uapi";
			spin_lock_init(&ui->lock);
			vd->nr_irqs++;
			continue;
		default:
			continue;
		}
		rg->start = r->start;
		rg->size = resource_size(r);
		vd->nr_regions++;
	}
	return vd;
}

static void uapi_dev_free(struct kref *ref)
{
	struct uapi_dev *vd = container_of(ref, struct uapi_dev, ref);

	/* Revoked before the backend let go of it, and files hold it. */
	WARN_ON(!vd->revoked);
	iput(vd->inode);
	kfree(vd);
}

/**
 * uapi_dev_get() - take another reference
 * @vd: the state
 */
void uapi_dev_get(struct uapi_dev *vd)
{
	kref_get(&vd->ref);
}

/**
 * uapi_dev_put() - drop a reference taken by uapi_dev_new() or uapi_dev_get()
 * @vd: the state, or NULL
 */
void uapi_dev_put(struct uapi_dev *vd)
{
	if (vd)
		kref_put(&vd->ref, uapi_dev_free);
}

/**
 * uapi_dev_revoke() - take back everything the device file gave
 * @vd: the state, or NULL
 *
 * Zaps every mapping, stops port I/O and gives the interrupts back to
 * Linux, disabled as the core left them.  Idempotent.  When it returns,
 * nothing the agent holds reaches the device.
 *
 * Context: process context; waits for the device's interrupt handlers.
 */
void uapi_dev_revoke(struct uapi_dev *vd)
{
	struct eventfd_ctx *ctx;
	unsigned int i;

	if (!vd)
		return;
	down_write(&vd->lock);
	if (vd->revoked)
		goto unlock;
	vd->revoked = true;
	if (vd->inode)
		unmap_mapping_range(vd->inode->i_mapping, 0, 0, true);
	for (i = 0; i < vd->nr_irqs; i++) {
		struct uapi_irq *ui = &vd->irqs[i];

		spin_lock_irq(&ui->lock);
		ctx = ui->ctx;
		ui->ctx = NULL;
		ui->armed = false;
		spin_unlock_irq(&ui->lock);
		uapi_irq_sync(ui);
		if (ui->diverted)
			irq_undivert(ui->irq, &ui->act);
		ui->diverted = false;
		if (ctx)
			eventfd_ctx_put(ctx);
	}
unlock:
	up_write(&vd->lock);
}

/* Port I/O of @size bytes at @pos, under the lock, or an error. */
static int uapi_dev_pio(struct uapi_dev *vd, loff_t pos, size_t size,
			u32 *val, bool write)
{
	const struct shdev_uapi_pio *pio = READ_ONCE(uapi_pio);
	u64 idx = (u64)pos >> UAPI_DEV_SHIFT, off = pos & UAPI_DEV_OFF_MASK;
	struct uapi_region *rg;
	int ret = 0;

	down_read(&vd->lock);
	if (vd->revoked) {
		ret = -ENODEV;
		goto unlock;
	}
	if (pos < 0 || idx >= vd->nr_regions ||
	    (size != 1 && size != 2 && size != 4)) {
		ret = -EINVAL;
		goto unlock;
	}
	rg = &vd->regions[idx];
	if (!(rg->flags & (write ? SHDEV_REGION_WRITE : SHDEV_REGION_READ)) ||
	    off >= rg->size || size > rg->size - off) {
		ret = -EINVAL;
		goto unlock;
	}
	if (write)
		pio->out(rg->start + off, size, *val);
	else
		*val = pio->in(rg->start + off, size);
unlock:
	up_read(&vd->lock);
	return ret;
}

union uapi_dev_word {
	u8 b;
	u16 w;
	u32 l;
};

/* pread(): one access of 1, 2 or 4 bytes, at the file offset. */
static ssize_t uapi_dev_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	size_t count = iov_iter_count(to);
	union uapi_dev_word v = {};
	u32 val = 0;
	int ret;

	ret = uapi_dev_pio(iocb->ki_filp->private_data, iocb->ki_pos, count,
			   &val, false);
	if (ret)
		return ret;
	if (count == 1)
		v.b = val;
	else if (count == 2)
		v.w = val;
	else
		v.l = val;
	if (copy_to_iter(&v, count, to) != count)
		return -EFAULT;
	iocb->ki_pos += count;
	return count;
}

/* pwrite(): the same. */
static ssize_t uapi_dev_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	size_t count = iov_iter_count(from);
	union uapi_dev_word v = {};
	u32 val;
	int ret;

	if (count == 1 || count == 2 || count == 4) {
		if (!copy_from_iter_full(&v, count, from))
			return -EFAULT;
	}
	val = count == 1 ? v.b : count == 2 ? v.w : v.l;
	ret = uapi_dev_pio(iocb->ki_filp->private_data, iocb->ki_pos, count,
			   &val, true);
	if (ret)
		return ret;
	iocb->ki_pos += count;
	return count;
}

static vm_fault_t uapi_dev_fault(struct vm_fault *vmf)
{
	struct uapi_dev *vd = vmf->vma->vm_file->private_data;
	u64 pos = (u64)vmf->pgoff << PAGE_SHIFT;
	u64 idx = pos >> UAPI_DEV_SHIFT, off = pos & UAPI_DEV_OFF_MASK;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	down_read(&vd->lock);
	/* The range was checked by mmap(); a revoked file maps nothing. */
	if (!vd->revoked && idx < vd->nr_regions &&
	    off < vd->regions[idx].size)
		ret = vmf_insert_pfn(vmf->vma, vmf->address,
				     PHYS_PFN(vd->regions[idx].start + off));
	up_read(&vd->lock);
	return ret;
}

static const struct vm_operations_struct uapi_dev_vm_ops = {
	.fault = uapi_dev_fault,
};

static int uapi_dev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct uapi_dev *vd = file->private_data;
	u64 pos = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 idx = pos >> UAPI_DEV_SHIFT, off = pos & UAPI_DEV_OFF_MASK;
	u64 len = vma->vm_end - vma->vm_start;
	struct uapi_region *rg;
	int ret = 0;

	down_read(&vd->lock);
	if (vd->revoked) {
		ret = -ENODEV;
		goto unlock;
	}
	if (idx >= vd->nr_regions || !(vma->vm_flags & VM_SHARED)) {
		ret = -EINVAL;
		goto unlock;
	}
	rg = &vd->regions[idx];
	if (!(rg->flags & SHDEV_REGION_MMAP) || off >= rg->size ||
	    len > rg->size - off) {
		ret = -EINVAL;
		goto unlock;
	}
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vma->vm_ops = &uapi_dev_vm_ops;
unlock:
	up_read(&vd->lock);
	return ret;
}

static int uapi_dev_set_irq(struct uapi_dev *vd, const struct shdev_irq_set *s)
{
	struct eventfd_ctx *ctx = NULL, *old;
	struct uapi_irq *ui;
	int ret = 0;

	if (s->reserved || s->action < SHDEV_IRQ_SET_EVENTFD ||
	    s->action > SHDEV_IRQ_SET_UNMASK ||
	    (s->action != SHDEV_IRQ_SET_EVENTFD && s->fd != -1) ||
	    s->fd < -1)
		return -EINVAL;
	if (s->action == SHDEV_IRQ_SET_EVENTFD && s->fd >= 0) {
		ctx = eventfd_ctx_fdget(s->fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	}

	down_write(&vd->lock);
	if (vd->revoked) {
		ret = -ENODEV;
		goto unlock;
	}
	if (s->index >= vd->nr_irqs) {
		ret = -EINVAL;
		goto unlock;
	}
	ui = &vd->irqs[s->index];
	if (s->action == SHDEV_IRQ_SET_EVENTFD) {
		if (ctx && !ui->diverted) {
			ret = irq_divert(ui->irq, &ui->act);
			if (ret)
				goto unlock;
			ui->diverted = true;
		}
		spin_lock_irq(&ui->lock);
		old = ui->ctx;
		ui->ctx = ctx;
		ui->armed = !!ctx;
		ui->masked = false;
		spin_unlock_irq(&ui->lock);
		ctx = old;
	} else {
		spin_lock_irq(&ui->lock);
		ui->masked = s->action == SHDEV_IRQ_SET_MASK;
		spin_unlock_irq(&ui->lock);
	}
	uapi_irq_sync(ui);
unlock:
	up_write(&vd->lock);
	if (ctx)
		eventfd_ctx_put(ctx);
	return ret;
}

static long uapi_dev_do_ioctl(struct uapi_dev *vd, unsigned int cmd,
			      void *arg)
{
	struct shdev_device_info *info = arg;
	struct shdev_region_info *ri = arg;
	struct shdev_irq_info *ii = arg;
	struct uapi_irq *ui;
	long ret = 0;

	if (cmd == SHDEV_DEVICE_SET_IRQ)
		return uapi_dev_set_irq(vd, arg);

	down_read(&vd->lock);
	if (vd->revoked) {
		ret = -ENODEV;
		goto unlock;
	}
	switch (cmd) {
	case SHDEV_DEVICE_GET_INFO:
		memset(info, 0, sizeof(*info));
		info->num_regions = vd->nr_regions;
		info->num_irqs = vd->nr_irqs;
		break;
	case SHDEV_DEVICE_GET_REGION_INFO:
		if (ri->index >= vd->nr_regions) {
			ret = -EINVAL;
			break;
		}
		ri->type = vd->regions[ri->index].type;
		ri->flags = vd->regions[ri->index].flags;
		ri->reserved = 0;
		ri->size = vd->regions[ri->index].size;
		ri->offset = (u64)ri->index << UAPI_DEV_SHIFT;
		ri->start = vd->regions[ri->index].start;
		break;
	case SHDEV_DEVICE_GET_IRQ_INFO:
		if (ii->index >= vd->nr_irqs) {
			ret = -EINVAL;
			break;
		}
		ui = &vd->irqs[ii->index];
		ii->flags = SHDEV_IRQ_INFO_EVENTFD | SHDEV_IRQ_INFO_MASKABLE |
			(ui->level ? SHDEV_IRQ_INFO_AUTOMASKED : 0);
		ii->line = ui->line;
		ii->trigger = ui->trigger;
		break;
	default:
		ret = -ENOTTY;
	}
unlock:
	up_read(&vd->lock);
	return ret;
}

static long uapi_dev_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	union {
		struct shdev_device_info info;
		struct shdev_region_info region;
		struct shdev_irq_info irq;
		struct shdev_irq_set set;
	} buf;
	void __user *uarg = (void __user *)arg;
	long ret;

	switch (cmd) {
	case SHDEV_DEVICE_GET_INFO:
		break;
	case SHDEV_DEVICE_GET_REGION_INFO:
	case SHDEV_DEVICE_GET_IRQ_INFO:
	case SHDEV_DEVICE_SET_IRQ:
		if (copy_from_user(&buf, uarg, _IOC_SIZE(cmd)))
			return -EFAULT;
		break;
	default:
		return -ENOTTY;
	}
	ret = uapi_dev_do_ioctl(file->private_data, cmd, &buf);
	if (!ret && (_IOC_DIR(cmd) & _IOC_READ) &&
	    copy_to_user(uarg, &buf, _IOC_SIZE(cmd)))
		return -EFAULT;
	return ret;
}

static int uapi_dev_release(struct inode *inode, struct file *file)
{
	uapi_dev_put(file->private_data);
	return 0;
}

static const struct file_operations uapi_dev_fops = {
	.owner = THIS_MODULE,
	.release = uapi_dev_release,
	.read_iter = uapi_dev_read_iter,
	.write_iter = uapi_dev_write_iter,
	.mmap = uapi_dev_mmap,
	.unlocked_ioctl = uapi_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/**
 * uapi_dev_file() - a new file of the device
 * @vd: the state
 *
 * Return: the file, open for reading and writing, or -ENODEV once
 * revoked, or the error of creating it.
 */
struct file *uapi_dev_file(struct uapi_dev *vd)
{
	struct file *file;

	down_write(&vd->lock);
	if (vd->revoked) {
		file = ERR_PTR(-ENODEV);
		goto unlock;
	}
	file = anon_inode_create_getfile("[shdev-device]", &uapi_dev_fops, vd,
					 O_RDWR, NULL);
	if (IS_ERR(file))
		goto unlock;
	file->f_mode |= FMODE_PREAD | FMODE_PWRITE;
	/* Every file maps through one inode, which revocation zaps. */
	if (!vd->inode) {
		vd->inode = file_inode(file);
		ihold(vd->inode);
	} else {
		file->f_mapping = vd->inode->i_mapping;
	}
	kref_get(&vd->ref);
unlock:
	up_write(&vd->lock);
	return file;
}

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * shdev_uapi_set_pio() - replace the port accessors
 * @pio: KUnit's, or NULL for the hardware's
 */
VISIBLE_IF_KUNIT void shdev_uapi_set_pio(const struct shdev_uapi_pio *pio)
{
	WRITE_ONCE(uapi_pio, pio ?: &uapi_pio_hw);
}
EXPORT_SYMBOL_IF_KUNIT(shdev_uapi_set_pio);

/**
 * shdev_uapi_dev_kernel_ioctl() - an ioctl of a device file, from the kernel
 * @file: a device file
 * @cmd: one of the SHDEV_DEVICE_* ioctls
 * @arg: its argument, in kernel memory
 *
 * Return: what the ioctl returns; -ENOTTY for another file.
 */
VISIBLE_IF_KUNIT long shdev_uapi_dev_kernel_ioctl(struct file *file,
						  unsigned int cmd, void *arg)
{
	if (file->f_op != &uapi_dev_fops)
		return -ENOTTY;
	return uapi_dev_do_ioctl(file->private_data, cmd, arg);
}
EXPORT_SYMBOL_IF_KUNIT(shdev_uapi_dev_kernel_ioctl);

/**
 * shdev_uapi_dev_arm() - let an interrupt fire without an eventfd
 * @file: a device file
 * @index: the interrupt
 *
 * KUnit cannot create an eventfd: it arms the line as
 * %SHDEV_IRQ_SET_EVENTFD does, and counts the interrupts with
 * shdev_uapi_dev_fired().
 *
 * Return: what %SHDEV_IRQ_SET_EVENTFD returns.
 */
VISIBLE_IF_KUNIT int shdev_uapi_dev_arm(struct file *file, unsigned int index)
{
	struct uapi_dev *vd = file->private_data;
	struct uapi_irq *ui;
	int ret = 0;

	if (file->f_op != &uapi_dev_fops)
		return -ENOTTY;
	down_write(&vd->lock);
	if (vd->revoked || index >= vd->nr_irqs) {
		ret = vd->revoked ? -ENODEV : -EINVAL;
		goto unlock;
	}
	ui = &vd->irqs[index];
	if (!ui->diverted) {
		ret = irq_divert(ui->irq, &ui->act);
		if (ret)
			goto unlock;
		ui->diverted = true;
	}
	spin_lock_irq(&ui->lock);
	ui->armed = true;
	ui->masked = false;
	spin_unlock_irq(&ui->lock);
	uapi_irq_sync(ui);
unlock:
	up_write(&vd->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(shdev_uapi_dev_arm);

/**
 * shdev_uapi_dev_fired() - interrupts a device file's handler took
 * @file: a device file
 * @index: the interrupt
 *
 * Return: the count, 0 for a bad @index.
 */
VISIBLE_IF_KUNIT u64 shdev_uapi_dev_fired(struct file *file,
					  unsigned int index)
{
	struct uapi_dev *vd = file->private_data;
	u64 n = 0;

	if (file->f_op == &uapi_dev_fops && index < vd->nr_irqs) {
		spin_lock_irq(&vd->irqs[index].lock);
		n = vd->irqs[index].fired;
		spin_unlock_irq(&vd->irqs[index].lock);
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(shdev_uapi_dev_fired);
#endif
