// SPDX-License-Identifier: GPL-2.0
/*
 * shdev backend for a userspace agent.
 *
 * The hypervisor's part of a transfer is done by a process: a VMM such as
 * crosvm or QEMU, which maps the device's MMIO ranges into its guest and
 * routes its interrupts there, or the client of a hypervisor's resource
 * manager.  That process, the agent, opens /dev/shdev-agent (one at a
 * time, with CAP_SYS_ADMIN), declares the peers it speaks for, then reads
 * a request for every release and reclaim and writes an answer; the
 * protocol is in <uapi/linux/shdev.h>.
 *
 * A request the agent does not answer in time fails with -ETIMEDOUT.  If
 * the agent had not read it yet, it did nothing and the request is
 * withdrawn; if it had, it may have done part of it, so the backend keeps
 * the device as away and the reclaim that follows a failed release asks
 * the agent to take it back.
 *
 * For each device it is asked to release, the agent gets a file of the
 * device (uapi-dev.c) through which it maps the MMIO, reads and writes
 * the ports and gets the interrupts.  Revoking that file is the kernel's
 * part of every reclaim, done first, before the agent is asked and before
 * any driver resumes: so a reclaim of a device released through this
 * backend completes when the kernel has revoked it, even if the agent
 * does not answer in time; only an error the agent answers (something it
 * could not take back outside the kernel) fails it.  A failed release
 * revokes the file too.
 *
 * The agent closing its file, or dying, is the death of every peer it
 * declared: a VMM's guests end with it.  Requests in flight fail, the core
 * reclaims the peers' devices, which revokes their files (a reclaim
 * without an agent then succeeds: the kernel took back what it gave, and
 * a peer without its VMM holds nothing else) and the peers are
 * unregistered.
 */

#define pr_fmt(fmt) "shdev-uapi: " fmt

#include <linux/capability.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ioport.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/shdev.h>
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

/* The wire structures have no holes: their sizes add up. */
static_assert(sizeof(struct shdev_agent_peer) == 16 + SHDEV_AGENT_NAME_LEN);
static_assert(sizeof(struct shdev_agent_resource) == 24);
static_assert(sizeof(struct shdev_agent_request) ==
	      32 + SHDEV_AGENT_NAME_LEN + SHDEV_AGENT_DEVICE_LEN +
	      24 * SHDEV_AGENT_MAX_RESOURCES);
static_assert(sizeof(struct shdev_agent_answer) == 16);
static_assert(SHDEV_AGENT_NAME_LEN > SHDEV_NAME_MAX);

struct uapi_agent;

struct uapi_peer {
	struct shdev_peer peer;
	char name[SHDEV_NAME_MAX + 1];
	struct uapi_agent *agent;	/* that declared it; under uapi_lock */
	struct list_head node;
};

/*
 * A request in flight: on the agent's queue until it is read, then on its
 * sent list until it is answered, times out or the agent goes away.
 */
struct uapi_req {
	struct shdev_agent_request msg;
	struct uapi_dev *vd;	/* a release's device file */
	struct completion done;
	struct list_head node;
	bool sent;		/* the agent read it */
	bool answered;		/* off the lists; @error or @gone says how */
	bool gone;		/* the agent went away first */
	int error;
};

/*
 * A device the peer may hold something of, from the start of its release
 * until its reclaim: @seq is the release request's, whose device file
 * @vd is.
 */
struct uapi_hold {
	const struct shdev *sd;
	struct uapi_peer *peer;
	u64 seq;
	struct uapi_dev *vd;
	struct list_head node;
};

/**
 * struct uapi_agent - the process that answers requests
 * @wq: where a reader waits for a request
 * @queue: requests not read yet
 * @sent: requests read, not answered yet
 * @timeout: how long a request waits, in jiffies
 * @dead: the file is being closed: no request is sent anymore
 * @peers_lock: serializes @peers
 * @peers: the peers the agent declared, struct uapi_peer
 */
struct uapi_agent {
	wait_queue_head_t wq;
	struct list_head queue;
	struct list_head sent;
	unsigned long timeout;
	bool dead;
	struct mutex peers_lock;	/* serializes @peers */
	struct list_head peers;
};

/*
 * Protects the agent pointer, the agent's request lists and @timeout, the
 * holds, the peers' agents and the sequence.  Never held while calling into the
 * core nor while waiting for an answer; the core's transfer lock is taken
 * before it.
 */
static DEFINE_MUTEX(uapi_lock);
static struct uapi_agent *uapi_agent;
static LIST_HEAD(uapi_holds);
static u64 uapi_seq;

static struct shdev_backend uapi_backend;

static struct uapi_hold *uapi_hold_find(const struct shdev *sd)
{
	struct uapi_hold *h;

	lockdep_assert_held(&uapi_lock);
	list_for_each_entry(h, &uapi_holds, node)
		if (h->sd == sd)
			return h;
	return NULL;
}

/* Called with uapi_lock held; the device file is revoked already. */
static void uapi_hold_drop(const struct shdev *sd)
{
	struct uapi_hold *h = uapi_hold_find(sd);

	if (h) {
		list_del(&h->node);
		uapi_dev_put(h->vd);
		kfree(h);
	}
}

static u32 uapi_res_type(const struct resource *res)
{
	switch (resource_type(res)) {
	case IORESOURCE_MEM:
		return SHDEV_AGENT_RES_MEM;
	case IORESOURCE_IRQ:
		return SHDEV_AGENT_RES_IRQ;
	case IORESOURCE_IO:
		return SHDEV_AGENT_RES_IO;
	default:
		return 0;
	}
}

static void uapi_req_free(struct uapi_req *req)
{
	if (req->vd) {
		/* Never handed over: nothing to revoke but the state. */
		uapi_dev_revoke(req->vd);
		uapi_dev_put(req->vd);
	}
	kfree(req);
}

/*
 * A request for @sd with every resource a VMM needs, interrupts as their
 * hardware line and trigger; a release's comes with its device file.
 */
static struct uapi_req *uapi_req_new(u32 op, struct shdev_peer *peer,
				     struct shdev *sd)
{
	struct resource *res __free(kfree) = NULL;
	struct uapi_req *req;
	int i, n;

	res = kcalloc(SHDEV_AGENT_MAX_RESOURCES, sizeof(*res), GFP_KERNEL);
	if (!res)
		return ERR_PTR(-ENOMEM);
	n = shdev_get_resources(sd, res, SHDEV_AGENT_MAX_RESOURCES);
	if (n < 0)
		return ERR_PTR(n);
	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return ERR_PTR(-ENOMEM);
	init_completion(&req->done);
	INIT_LIST_HEAD(&req->node);
	req->msg.op = op;
	req->msg.peer_id = peer->id;
	req->msg.nr_resources = n;
	strscpy(req->msg.peer, peer->name);
	strscpy(req->msg.device, dev_name(shdev_dev(sd)));
	for (i = 0; i < n; i++) {
		struct shdev_agent_resource *r = &req->msg.resources[i];

		r->type = uapi_res_type(&res[i]);
		if (!r->type) {
			kfree(req);
			return ERR_PTR(-EOPNOTSUPP);
		}
		r->start = res[i].start;
		r->size = resource_size(&res[i]);
		if (r->type == SHDEV_AGENT_RES_IRQ)
			uapi_irq_hw(res[i].start, &r->start, &r->flags);
	}
	if (op == SHDEV_AGENT_RELEASE) {
		req->vd = uapi_dev_new(res, n);
		if (!req->vd) {
			kfree(req);
			return ERR_PTR(-ENOMEM);
		}
	}
	mutex_lock(&uapi_lock);
	req->msg.seq = ++uapi_seq;
	mutex_unlock(&uapi_lock);
	return req;
}

/*
 * Hand @req to the agent and wait for the answer.  Returns 0 when answered
 * (@req->error is the answer), -ENOTCONN without an agent or when it went
 * away meanwhile, -ETIMEDOUT when the wait ended first (the request is
 * withdrawn; @req->sent says whether the agent had read it).
 */
static int uapi_call(struct uapi_req *req)
{
	struct uapi_agent *a;
	unsigned long timeout;
	int ret;

	mutex_lock(&uapi_lock);
	a = uapi_agent;
	if (!a || a->dead) {
		mutex_unlock(&uapi_lock);
		return -ENOTCONN;
	}
	timeout = a->timeout;
	list_add_tail(&req->node, &a->queue);
	wake_up_interruptible(&a->wq);
	mutex_unlock(&uapi_lock);

	/* Killable, so that neither a writer nor the hung-task check waits. */
	ret = wait_for_completion_killable_timeout(&req->done, timeout);

	mutex_lock(&uapi_lock);
	if (req->answered) {
		ret = req->gone ? -ENOTCONN : 0;
	} else {
		list_del_init(&req->node);
		ret = ret < 0 ? -EINTR : -ETIMEDOUT;
	}
	mutex_unlock(&uapi_lock);
	return ret;
}

/*
 * Whether @peer's agent is the one listening: a peer speaks through the
 * agent that declared it, never through the next one to open the device.
 */
static bool uapi_peer_live(struct shdev_peer *peer)
{
	struct uapi_peer *up = container_of(peer, struct uapi_peer, peer);

	lockdep_assert_held(&uapi_lock);
	return up->agent && up->agent == uapi_agent && !uapi_agent->dead;
}

static int uapi_release(struct shdev_peer *peer, struct shdev *sd)
{
	struct uapi_hold *hold;
	struct uapi_req *req;
	bool busy, live;
	int ret;

	mutex_lock(&uapi_lock);
	busy = uapi_hold_find(sd);
	live = uapi_peer_live(peer);
	mutex_unlock(&uapi_lock);
	if (busy)
		return -EBUSY;
	if (!live)
		return -ENOTCONN;

	req = uapi_req_new(SHDEV_AGENT_RELEASE, peer, sd);
	if (IS_ERR(req))
		return PTR_ERR(req);
	hold = kzalloc(sizeof(*hold), GFP_KERNEL);
	if (!hold) {
		uapi_req_free(req);
		return -ENOMEM;
	}
	hold->sd = sd;
	hold->peer = container_of(peer, struct uapi_peer, peer);
	hold->seq = req->msg.seq;
	hold->vd = req->vd;
	req->vd = NULL;
	/* On record from now: the agent may ask for the device file. */
	mutex_lock(&uapi_lock);
	list_add_tail(&hold->node, &uapi_holds);
	mutex_unlock(&uapi_lock);

	ret = uapi_call(req);
	if (!ret)
		ret = req->error;
	/* A failed release leaves nothing of the device in the agent's hands. */
	if (ret)
		uapi_dev_revoke(hold->vd);
	/*
	 * Done, or read and not answered in time: the agent may have moved
	 * something, and the reclaim the core runs next asks it back.  An
	 * error answered means the agent undid what it did.
	 */
	if (ret && !((ret == -ETIMEDOUT || ret == -EINTR) && req->sent)) {
		mutex_lock(&uapi_lock);
		uapi_hold_drop(sd);
		mutex_unlock(&uapi_lock);
	}
	if (ret)
		dev_dbg(shdev_dev(sd), "release to %s: %d\n", peer->name, ret);
	uapi_req_free(req);
	return ret;
}

static int uapi_reclaim(struct shdev_peer *peer, struct shdev *sd)
{
	bool boot = shdev_held_since_boot(sd);
	struct uapi_dev *vd = NULL;
	struct uapi_hold *hold;
	struct uapi_req *req;
	bool away, agent;
	int ret;

	mutex_lock(&uapi_lock);
	hold = uapi_hold_find(sd);
	if (hold)
		vd = hold->vd;
	away = boot || hold;
	agent = uapi_peer_live(peer);
	mutex_unlock(&uapi_lock);

	/*
	 * The kernel's part first, whatever the agent does: no mapping, port
	 * or interrupt it was given reaches the device anymore.  The hold,
	 * and so @vd, only goes under the unit's transfer lock, held here.
	 */
	uapi_dev_revoke(vd);

	/* No agent: the peer's VMM is gone, the peer holds nothing more. */
	if (away && !agent) {
		mutex_lock(&uapi_lock);
		uapi_hold_drop(sd);
		mutex_unlock(&uapi_lock);
	}
	if (!away || !agent)
		return 0;

	req = uapi_req_new(SHDEV_AGENT_RECLAIM, peer, sd);
	if (IS_ERR(req))
		return PTR_ERR(req);
	ret = uapi_call(req);
	/*
	 * Told, killably and within the agent's timeout, so that a VMM can
	 * drop its slots.  Gone, late or killed: what the kernel gave is
	 * revoked, which is the reclaim of a device the agent got through
	 * its file; only one held since boot, which the kernel never gave,
	 * needs the agent's answer.
	 */
	if (ret == -ENOTCONN || (vd && (ret == -ETIMEDOUT || ret == -EINTR)))
		ret = 0;
	else if (!ret)
		ret = req->error;
	if (!ret) {
		mutex_lock(&uapi_lock);
		uapi_hold_drop(sd);
		mutex_unlock(&uapi_lock);
	} else {
		dev_dbg(shdev_dev(sd), "reclaim from %s: %d\n", peer->name, ret);
	}
	uapi_req_free(req);
	return ret;
}

static const struct shdev_backend_ops uapi_ops = {
	.release = uapi_release,
	.reclaim = uapi_reclaim,
};

static struct shdev_backend uapi_backend = {
	.name = "uapi",
	.ops = &uapi_ops,
	.owner = THIS_MODULE,
};

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

	mutex_lock(&uapi_lock);
	if (uapi_agent)
		ret = -EBUSY;
	else
		uapi_agent = a;
	mutex_unlock(&uapi_lock);
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

	mutex_lock(&uapi_lock);
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
	mutex_unlock(&uapi_lock);

	/*
	 * Without uapi_lock: the core takes each unit's transfer lock, which
	 * the operations woken above hold until they return.
	 */
	mutex_lock(&a->peers_lock);
	list_for_each_entry_safe(up, tmp, &a->peers, node) {
		pr_info("agent gone: peer %s died\n", up->name);
		list_del(&up->node);
		shdev_peer_unregister(&up->peer);
	}
	mutex_unlock(&a->peers_lock);

	mutex_lock(&uapi_lock);
	uapi_agent = NULL;
	mutex_unlock(&uapi_lock);
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

	mutex_lock(&uapi_lock);
	while (list_empty(&a->queue)) {
		mutex_unlock(&uapi_lock);
		kfree(msg);
		if (nowait)
			return -EAGAIN;
		if (wait_event_interruptible(a->wq,
					     !list_empty_careful(&a->queue)))
			return -ERESTARTSYS;
		msg = kmalloc(sizeof(*msg), GFP_KERNEL);
		if (!msg)
			return -ENOMEM;
		mutex_lock(&uapi_lock);
	}
	/*
	 * Copied out under the lock, to user memory without it: a faulting
	 * buffer must not hold up the transfers, which take the lock.
	 */
	req = list_first_entry(&a->queue, struct uapi_req, node);
	memcpy(msg, &req->msg, sizeof(*msg));
	list_move_tail(&req->node, &a->sent);
	req->sent = true;
	mutex_unlock(&uapi_lock);

	n = copy_to_iter(msg, sizeof(*msg), to);
	if (n == sizeof(*msg)) {
		kfree(msg);
		return n;
	}
	/* Not read after all: back first in line, if still waited for. */
	mutex_lock(&uapi_lock);
	list_for_each_entry(req, &a->sent, node) {
		if (req->msg.seq == msg->seq) {
			list_move(&req->node, &a->queue);
			req->sent = false;
			break;
		}
	}
	mutex_unlock(&uapi_lock);
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

	mutex_lock(&uapi_lock);
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
	mutex_unlock(&uapi_lock);
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
	up->peer.backend = &uapi_backend;
	up->peer.id = p->id;
	up->peer.untrusted = p->flags & SHDEV_AGENT_PEER_UNTRUSTED;
	up->peer.release = uapi_peer_release;

	mutex_lock(&uapi_lock);
	up->agent = a;
	mutex_unlock(&uapi_lock);

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

	mutex_lock(&uapi_lock);
	list_for_each_entry(h, &uapi_holds, node) {
		if (h->seq == seq && h->peer->agent == a && !a->dead) {
			vd = h->vd;
			uapi_dev_get(vd);
			break;
		}
	}
	mutex_unlock(&uapi_lock);
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
		mutex_lock(&uapi_lock);
		a->timeout = msecs_to_jiffies(ms);
		mutex_unlock(&uapi_lock);
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

static int __init uapi_init(void)
{
	int ret;

	ret = shdev_backend_register(&uapi_backend);
	if (ret)
		return ret;
	ret = misc_register(&uapi_misc);
	if (ret)
		shdev_backend_unregister(&uapi_backend);
	return ret;
}
module_init(uapi_init);

static void __exit uapi_exit(void)
{
	/* No agent and no unit holding a peer: each pins the module. */
	misc_deregister(&uapi_misc);
	shdev_backend_unregister(&uapi_backend);
}
module_exit(uapi_exit);

MODULE_DESCRIPTION("shdev backend for a userspace agent");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SHDEV);
