// SPDX-License-Identifier: GPL-2.0
/*
 * shdev uapi backend: the agent's file, /dev/shdev-agent.
 *
 * The agent opens it, declares its peers with an ioctl, reads a request
 * for each release and reclaim that uapi.c queues, writes the answers,
 * and takes each released device's file with another ioctl.  Closing it
 * is the death of every peer the agent declared.
 */

#define pr_fmt(fmt) "shdev-uapi: " fmt

#include <linux/capability.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/shdev-backend.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include <kunit/visibility.h>
#include <uapi/linux/shdev.h>

#include "shdev-uapi.h"

#define UAPI_TIMEOUT_MAX_MS	(10 * 60 * 1000)

static unsigned int timeout_ms = 5000;
module_param(timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms,
		 "how long a request waits for the agent's answer, in ms, unless the agent sets its own");

/* Unregistered, and no unit holds it anymore. */
static void uapi_peer_release(struct shdev_peer *peer)
{
	kfree(container_of(peer, struct uapi_peer, peer));
}

static int uapi_open(struct inode *inode, struct file *file)
{
	struct uapi_agent *a;
	int ret = 0;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	init_waitqueue_head(&a->wq);
	INIT_LIST_HEAD(&a->queue);
	INIT_LIST_HEAD(&a->sent);
	INIT_LIST_HEAD(&a->peers);
	mutex_init(&a->peers_lock);
	a->timeout = msecs_to_jiffies(clamp(READ_ONCE(timeout_ms), 1U,
					    UAPI_TIMEOUT_MAX_MS));

	mutex_lock(&shdev_uapi_lock);
	if (shdev_uapi_agent)
		ret = -EBUSY;
	else
		shdev_uapi_agent = a;
	mutex_unlock(&shdev_uapi_lock);
	if (ret) {
		mutex_destroy(&a->peers_lock);
		kfree(a);
		return ret;
	}
	file->private_data = a;
	return stream_open(inode, file);
}

/* The agent is gone: so are its peers, and what they held comes back. */
static int uapi_close(struct inode *inode, struct file *file)
{
	struct uapi_agent *a = file->private_data;
	struct uapi_peer *up, *tmp;
	struct uapi_req *req, *rtmp;

	mutex_lock(&shdev_uapi_lock);
	a->dead = true;
	/* Its peers speak through no other agent, ever. */
	list_for_each_entry(up, &a->peers, node)
		up->agent = NULL;
	list_splice_init(&a->queue, &a->sent);
	list_for_each_entry_safe(req, rtmp, &a->sent, node) {
		list_del_init(&req->node);
		req->answered = true;
		req->gone = true;
		complete(&req->done);
	}
	mutex_unlock(&shdev_uapi_lock);

	/*
	 * Without shdev_uapi_lock: the core takes each unit's transfer lock, which
	 * the operations woken above hold until they return.
	 */
	mutex_lock(&a->peers_lock);
	list_for_each_entry_safe(up, tmp, &a->peers, node) {
		pr_info("agent gone: peer %s died\n", up->name);
		list_del(&up->node);
		shdev_peer_unregister(&up->peer);
	}
	mutex_unlock(&a->peers_lock);

	mutex_lock(&shdev_uapi_lock);
	shdev_uapi_agent = NULL;
	mutex_unlock(&shdev_uapi_lock);
	mutex_destroy(&a->peers_lock);
	kfree(a);
	return 0;
}

static ssize_t uapi_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct uapi_agent *a = file->private_data;
	bool nowait = (file->f_flags & O_NONBLOCK) ||
		(iocb->ki_flags & IOCB_NOWAIT);
	struct shdev_agent_request *msg;
	struct uapi_req *req;
	size_t n;

	if (iov_iter_count(to) < sizeof(*msg))
		return -EINVAL;
	msg = kmalloc(sizeof(*msg), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&shdev_uapi_lock);
	while (list_empty(&a->queue)) {
		mutex_unlock(&shdev_uapi_lock);
		kfree(msg);
		if (nowait)
			return -EAGAIN;
		if (wait_event_interruptible(a->wq,
					     !list_empty_careful(&a->queue)))
			return -ERESTARTSYS;
		msg = kmalloc(sizeof(*msg), GFP_KERNEL);
		if (!msg)
			return -ENOMEM;
		mutex_lock(&shdev_uapi_lock);
	}
	/*
	 * Copied out under the lock, to user memory without it: a faulting
	 * buffer must not hold up the transfers, which take the lock.
	 */
	req = list_first_entry(&a->queue, struct uapi_req, node);
	memcpy(msg, &req->msg, sizeof(*msg));
	list_move_tail(&req->node, &a->sent);
	req->sent = true;
	mutex_unlock(&shdev_uapi_lock);

	n = copy_to_iter(msg, sizeof(*msg), to);
	if (n == sizeof(*msg)) {
		kfree(msg);
		return n;
	}
	/* Not read after all: back first in line, if still waited for. */
	mutex_lock(&shdev_uapi_lock);
	list_for_each_entry(req, &a->sent, node) {
		if (req->msg.seq == msg->seq) {
			list_move(&req->node, &a->queue);
			req->sent = false;
			break;
		}
	}
	mutex_unlock(&shdev_uapi_lock);
	kfree(msg);
	return -EFAULT;
}

/*
 * 0, or an error code a process may see: not one of the kernel's own
 * (-ERESTARTSYS and the others from 512 up), which would leak to whoever
 * asked for the transfer.
 */
static bool uapi_error_valid(s32 error)
{
	return !error ||
		(error >= -MAX_ERRNO && error < 0 &&
		 !(error <= -ERESTARTSYS && error >= -ENOGRACE));
}

static ssize_t uapi_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct uapi_agent *a = iocb->ki_filp->private_data;
	struct shdev_agent_answer ans;
	struct uapi_req *req;
	ssize_t ret = -EINVAL;

	if (iov_iter_count(from) != sizeof(ans))
		return -EINVAL;
	if (!copy_from_iter_full(&ans, sizeof(ans), from))
		return -EFAULT;
	if (ans.reserved || !uapi_error_valid(ans.error))
		return -EINVAL;

	mutex_lock(&shdev_uapi_lock);
	list_for_each_entry(req, &a->sent, node) {
		if (req->msg.seq != ans.seq)
			continue;
		list_del_init(&req->node);
		req->error = ans.error;
		req->answered = true;
		complete(&req->done);
		ret = sizeof(ans);
		break;
	}
	mutex_unlock(&shdev_uapi_lock);
	return ret;
}

static __poll_t uapi_poll(struct file *file, poll_table *wait)
{
	struct uapi_agent *a = file->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &a->wq, wait);
	if (!list_empty_careful(&a->queue))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static int uapi_add_peer(struct uapi_agent *a,
			 const struct shdev_agent_peer *p)
{
	struct uapi_peer *up;
	size_t len;
	int ret;

	if (p->reserved || p->flags & ~SHDEV_AGENT_PEER_UNTRUSTED)
		return -EINVAL;
	len = strnlen(p->name, sizeof(p->name));
	if (!len || len > SHDEV_NAME_MAX)
		return -EINVAL;

	up = kzalloc(sizeof(*up), GFP_KERNEL);
	if (!up)
		return -ENOMEM;
	memcpy(up->name, p->name, len);
	up->peer.name = up->name;
	up->peer.backend = &shdev_uapi_backend;
	up->peer.id = p->id;
	up->peer.untrusted = p->flags & SHDEV_AGENT_PEER_UNTRUSTED;
	up->peer.release = uapi_peer_release;

	mutex_lock(&shdev_uapi_lock);
	up->agent = a;
	mutex_unlock(&shdev_uapi_lock);

	mutex_lock(&a->peers_lock);
	ret = shdev_peer_register(&up->peer);
	if (!ret)
		list_add_tail(&up->node, &a->peers);
	mutex_unlock(&a->peers_lock);
	if (ret)
		kfree(up);
	return ret;
}

/*
 * A new file of the device of release request @seq, which this agent's
 * peer holds (or is being given), until the kernel revokes it.
 */
static struct file *uapi_device_file(struct uapi_agent *a, u64 seq)
{
	struct uapi_dev *vd = NULL;
	struct uapi_hold *h;
	struct file *file;

	mutex_lock(&shdev_uapi_lock);
	list_for_each_entry(h, &shdev_uapi_holds, node) {
		if (h->seq == seq && h->peer->agent == a && !a->dead) {
			vd = h->vd;
			uapi_dev_get(vd);
			break;
		}
	}
	mutex_unlock(&shdev_uapi_lock);
	if (!vd)
		return ERR_PTR(-ENOENT);
	file = uapi_dev_file(vd);
	uapi_dev_put(vd);
	return file == ERR_PTR(-ENODEV) ? ERR_PTR(-ENOENT) : file;
}

static long uapi_do_ioctl(struct uapi_agent *a, unsigned int cmd, void *arg)
{
	u32 ms;

	switch (cmd) {
	case SHDEV_AGENT_IOC_ADD_PEER:
		return uapi_add_peer(a, arg);
	case SHDEV_AGENT_IOC_SET_TIMEOUT:
		ms = *(u32 *)arg;
		if (!ms || ms > UAPI_TIMEOUT_MAX_MS)
			return -EINVAL;
		mutex_lock(&shdev_uapi_lock);
		a->timeout = msecs_to_jiffies(ms);
		mutex_unlock(&shdev_uapi_lock);
		return 0;
	default:
		return -ENOTTY;
	}
}

static long uapi_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	union {
		struct shdev_agent_peer peer;
		u32 ms;
		u64 seq;
	} buf;
	struct file *dev;
	int fd;

	if (cmd == SHDEV_AGENT_IOC_DEVICE_FD) {
		if (copy_from_user(&buf.seq, (void __user *)arg,
				   sizeof(buf.seq)))
			return -EFAULT;
		fd = get_unused_fd_flags(O_CLOEXEC);
		if (fd < 0)
			return fd;
		dev = uapi_device_file(file->private_data, buf.seq);
		if (IS_ERR(dev)) {
			put_unused_fd(fd);
			return PTR_ERR(dev);
		}
		fd_install(fd, dev);
		return fd;
	}
	if (cmd != SHDEV_AGENT_IOC_ADD_PEER && cmd != SHDEV_AGENT_IOC_SET_TIMEOUT)
		return -ENOTTY;
	if (copy_from_user(&buf, (void __user *)arg, _IOC_SIZE(cmd)))
		return -EFAULT;
	return uapi_do_ioctl(file->private_data, cmd, &buf);
}

static const struct file_operations uapi_fops = {
	.owner = THIS_MODULE,
	.open = uapi_open,
	.release = uapi_close,
	.read_iter = uapi_read_iter,
	.write_iter = uapi_write_iter,
	.poll = uapi_poll,
	.unlocked_ioctl = uapi_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice uapi_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "shdev-agent",
	.fops = &uapi_fops,
	.mode = 0600,
};

/**
 * shdev_uapi_kernel_ioctl() - an ioctl of the agent's file, from the kernel
 * @file: the agent's file
 * @cmd: %SHDEV_AGENT_IOC_ADD_PEER or %SHDEV_AGENT_IOC_SET_TIMEOUT
 * @arg: the argument, in kernel memory
 *
 * For KUnit's in-kernel agent, which cannot pass a user pointer.
 *
 * Return: what the ioctl returns; -ENOTTY for another file.
 */
#if IS_ENABLED(CONFIG_KUNIT)
VISIBLE_IF_KUNIT long shdev_uapi_kernel_ioctl(struct file *file,
					      unsigned int cmd, void *arg)
{
	if (file->f_op != &uapi_fops)
		return -ENOTTY;
	return uapi_do_ioctl(file->private_data, cmd, arg);
}
EXPORT_SYMBOL_IF_KUNIT(shdev_uapi_kernel_ioctl);

/**
 * shdev_uapi_devt() - the device number of /dev/shdev-agent
 *
 * Return: the misc device's number, for KUnit to make a node to open.
 */
VISIBLE_IF_KUNIT dev_t shdev_uapi_devt(void)
{
	return MKDEV(MISC_MAJOR, uapi_misc.minor);
}
EXPORT_SYMBOL_IF_KUNIT(shdev_uapi_devt);

/**
 * shdev_uapi_device_file() - %SHDEV_AGENT_IOC_DEVICE_FD, from the kernel
 * @agent: the agent's file
 * @seq: the release request's sequence number
 *
 * Return: the device file, or what the ioctl fails with.
 */
VISIBLE_IF_KUNIT struct file *shdev_uapi_device_file(struct file *agent,
						     u64 seq)
{
	if (agent->f_op != &uapi_fops)
		return ERR_PTR(-ENOTTY);
	return uapi_device_file(agent->private_data, seq);
}
EXPORT_SYMBOL_IF_KUNIT(shdev_uapi_device_file);
#endif

int uapi_agent_register(void)
{
	return misc_register(&uapi_misc);
}

void uapi_agent_unregister(void)
{
	misc_deregister(&uapi_misc);
}
