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
 * This file is the backend; the agent's file is in uapi-agent.c.  For
 * each device it is asked to release, the agent gets a file of the
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

/* The wire structures have no holes: their sizes add up. */
static_assert(sizeof(struct shdev_agent_peer) == 16 + SHDEV_AGENT_NAME_LEN);
static_assert(sizeof(struct shdev_agent_resource) == 24);
static_assert(sizeof(struct shdev_agent_request) ==
	      32 + SHDEV_AGENT_NAME_LEN + SHDEV_AGENT_DEVICE_LEN +
	      24 * SHDEV_AGENT_MAX_RESOURCES);
static_assert(sizeof(struct shdev_agent_answer) == 16);
static_assert(SHDEV_AGENT_NAME_LEN > SHDEV_NAME_MAX);

/* Request numbers, under shdev_uapi_lock. */
static u64 uapi_seq;

/* See shdev-uapi.h. */
DEFINE_MUTEX(shdev_uapi_lock);
struct uapi_agent *shdev_uapi_agent;
LIST_HEAD(shdev_uapi_holds);

static struct uapi_hold *uapi_hold_find(const struct shdev *sd)
{
	struct uapi_hold *h;

	lockdep_assert_held(&shdev_uapi_lock);
	list_for_each_entry(h, &shdev_uapi_holds, node)
		if (h->sd == sd)
			return h;
	return NULL;
}

/* Called with shdev_uapi_lock held; the device file is revoked already. */
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
	mutex_lock(&shdev_uapi_lock);
	req->msg.seq = ++uapi_seq;
	mutex_unlock(&shdev_uapi_lock);
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

	mutex_lock(&shdev_uapi_lock);
	a = shdev_uapi_agent;
	if (!a || a->dead) {
		mutex_unlock(&shdev_uapi_lock);
		return -ENOTCONN;
	}
	timeout = a->timeout;
	list_add_tail(&req->node, &a->queue);
	wake_up_interruptible(&a->wq);
	mutex_unlock(&shdev_uapi_lock);

	/* Killable, so that neither a writer nor the hung-task check waits. */
	ret = wait_for_completion_killable_timeout(&req->done, timeout);

	mutex_lock(&shdev_uapi_lock);
	if (req->answered) {
		ret = req->gone ? -ENOTCONN : 0;
	} else {
		list_del_init(&req->node);
		ret = ret < 0 ? -EINTR : -ETIMEDOUT;
	}
	mutex_unlock(&shdev_uapi_lock);
	return ret;
}

/*
 * Whether @peer's agent is the one listening: a peer speaks through the
 * agent that declared it, never through the next one to open the device.
 */
static bool uapi_peer_live(struct shdev_peer *peer)
{
	struct uapi_peer *up = container_of(peer, struct uapi_peer, peer);

	lockdep_assert_held(&shdev_uapi_lock);
	return up->agent && up->agent == shdev_uapi_agent && !shdev_uapi_agent->dead;
}

static int uapi_release(struct shdev_peer *peer, struct shdev *sd)
{
	struct uapi_hold *hold;
	struct uapi_req *req;
	bool busy, live;
	int ret;

	mutex_lock(&shdev_uapi_lock);
	busy = uapi_hold_find(sd);
	live = uapi_peer_live(peer);
	mutex_unlock(&shdev_uapi_lock);
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
	mutex_lock(&shdev_uapi_lock);
	list_add_tail(&hold->node, &shdev_uapi_holds);
	mutex_unlock(&shdev_uapi_lock);

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
		mutex_lock(&shdev_uapi_lock);
		uapi_hold_drop(sd);
		mutex_unlock(&shdev_uapi_lock);
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

	mutex_lock(&shdev_uapi_lock);
	hold = uapi_hold_find(sd);
	if (hold)
		vd = hold->vd;
	away = boot || hold;
	agent = uapi_peer_live(peer);
	mutex_unlock(&shdev_uapi_lock);

	/*
	 * The kernel's part first, whatever the agent does: no mapping, port
	 * or interrupt it was given reaches the device anymore.  The hold,
	 * and so @vd, only goes under the unit's transfer lock, held here.
	 */
	uapi_dev_revoke(vd);

	/* No agent: the peer's VMM is gone, the peer holds nothing more. */
	if (away && !agent) {
		mutex_lock(&shdev_uapi_lock);
		uapi_hold_drop(sd);
		mutex_unlock(&shdev_uapi_lock);
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
		mutex_lock(&shdev_uapi_lock);
		uapi_hold_drop(sd);
		mutex_unlock(&shdev_uapi_lock);
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

struct shdev_backend shdev_uapi_backend = {
	.name = "uapi",
	.ops = &uapi_ops,
	.owner = THIS_MODULE,
};

static int __init uapi_init(void)
{
	int ret;

	ret = shdev_backend_register(&shdev_uapi_backend);
	if (ret)
		return ret;
	ret = uapi_agent_register();
	if (ret)
		shdev_backend_unregister(&shdev_uapi_backend);
	return ret;
}
module_init(uapi_init);

static void __exit uapi_exit(void)
{
	/* No agent and no unit holding a peer: each pins the module. */
	uapi_agent_unregister();
	shdev_backend_unregister(&shdev_uapi_backend);
}
module_exit(uapi_exit);

MODULE_DESCRIPTION("shdev backend for a userspace agent");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SHDEV);
