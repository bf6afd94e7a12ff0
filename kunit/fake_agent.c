// SPDX-License-Identifier: GPL-2.0
/*
 * An agent of the uapi backend inside the kernel.
 *
 * ka_open() opens the backend's misc device through a device node of its
 * own (at KUnit time no devtmpfs is mounted), so the open goes through the
 * misc core and the backend's privilege and exclusivity checks as a VMM's
 * does.  Requests and answers go through kernel_read() and kernel_write();
 * only the ioctls take the backend's KUnit seam, their argument being a
 * user pointer.
 *
 * ka_start() runs an answering agent in a kernel thread: the "hypervisor"
 * it stands for records, resource by resource, which peer holds what of
 * which device, so that tests read what was moved from the agent's side.
 * It can be told to fail a release or a reclaim at the N-th resource (a
 * failing release undoes what it did first), to stall (read nothing), and
 * it counts the requests it handles.
 */

#include <linux/cred.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/poll.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fake_agent.h"
#include "../shdev-uapi.h"

#define KA_NODE		"/shdev-agent-kunit"

/**
 * ka_open() - open the agent's device, as a process opens /dev/shdev-agent
 * @flags: O_NONBLOCK or 0; the file is opened read-write
 *
 * Return: the file, or an error pointer (-EPERM, -EBUSY...).
 */
struct file *ka_open(int flags)
{
	struct dentry *dentry;
	struct path path;
	int ret;

	dentry = kern_path_create(AT_FDCWD, KA_NODE, &path, 0);
	if (!IS_ERR(dentry)) {
		ret = vfs_mknod(mnt_idmap(path.mnt), d_inode(path.dentry),
				dentry, S_IFCHR | 0600, shdev_uapi_devt());
		done_path_create(&path, dentry);
		if (ret)
			return ERR_PTR(ret);
	} else if (PTR_ERR(dentry) != -EEXIST) {
		return ERR_CAST(dentry);
	}
	return filp_open(KA_NODE, O_RDWR | flags, 0);
}

/**
 * ka_close() - close the agent's file, synchronously: the backend has
 *	handled the agent's death when this returns
 * @file: from ka_open()
 */
void ka_close(struct file *file)
{
	__fput_sync(file);
}

static void ka_close_action(void *file)
{
	ka_close(file);
}

/**
 * ka_open_kunit() - ka_open() with O_NONBLOCK, closed when the test ends
 * @test: the test
 *
 * Return: the file; the test fails if it cannot be opened.
 */
struct file *ka_open_kunit(struct kunit *test)
{
	struct file *file = ka_open(O_NONBLOCK);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ka_close_action,
							file), 0);
	return file;
}

/**
 * ka_add_peer() - declare a peer, as %SHDEV_AGENT_IOC_ADD_PEER
 * @file: the agent's file
 * @name: the peer's name
 * @id: its identifier
 * @untrusted: whether it is
 *
 * Return: what the ioctl returns.
 */
int ka_add_peer(struct file *file, const char *name, u64 id, bool untrusted)
{
	struct shdev_agent_peer p = {
		.id = id,
		.flags = untrusted ? SHDEV_AGENT_PEER_UNTRUSTED : 0,
	};

	strscpy(p.name, name);
	return shdev_uapi_kernel_ioctl(file, SHDEV_AGENT_IOC_ADD_PEER, &p);
}

/**
 * ka_set_timeout() - %SHDEV_AGENT_IOC_SET_TIMEOUT
 * @file: the agent's file
 * @ms: the timeout of the agent's requests
 *
 * Return: what the ioctl returns.
 */
int ka_set_timeout(struct file *file, u32 ms)
{
	return shdev_uapi_kernel_ioctl(file, SHDEV_AGENT_IOC_SET_TIMEOUT, &ms);
}

/**
 * ka_read() - read one request
 * @file: the agent's file
 * @req: where to put it
 *
 * Return: what read() returns: the size of @req, -EAGAIN...
 */
ssize_t ka_read(struct file *file, struct shdev_agent_request *req)
{
	loff_t pos = 0;

	return kernel_read(file, req, sizeof(*req), &pos);
}

static struct task_struct *ka_thread;

/* The answering agent's thread is to end. */
static bool ka_should_stop(void)
{
	return current == READ_ONCE(ka_thread) && kthread_should_stop();
}

struct ka_poll {
	poll_table pt;
	wait_queue_entry_t wait;
	wait_queue_head_t *head;
	bool woken;
};

static int ka_poll_wake(wait_queue_entry_t *wait, unsigned int mode,
			int sync, void *key)
{
	struct ka_poll *p = container_of(wait, struct ka_poll, wait);

	WRITE_ONCE(p->woken, true);
	return default_wake_function(wait, mode, sync, key);
}

static void ka_poll_queue(struct file *file, wait_queue_head_t *head,
			  poll_table *pt)
{
	struct ka_poll *p = container_of(pt, struct ka_poll, pt);

	if (p->head)
		return;
	p->head = head;
	init_waitqueue_func_entry(&p->wait, ka_poll_wake);
	p->wait.private = current;
	add_wait_queue(head, &p->wait);
}

/**
 * ka_wait_readable() - sleep until the agent's file has a request, as poll()
 * @file: the agent's file
 * @ms: how long at most; the tests' bound turns a hang into a failure
 *
 * Woken by the backend when it queues a request, not by polling; a
 * kernel thread returns early when asked to stop.
 *
 * Return: true when a request can be read.
 */
bool ka_wait_readable(struct file *file, unsigned int ms)
{
	long left = msecs_to_jiffies(ms);
	struct ka_poll p = {};
	bool in;

	init_poll_funcptr(&p.pt, ka_poll_queue);
	for (;;) {
		WRITE_ONCE(p.woken, false);
		in = vfs_poll(file, &p.pt) & EPOLLIN;
		if (in || !left || ka_should_stop())
			break;
		set_current_state(TASK_INTERRUPTIBLE);
		if (!READ_ONCE(p.woken) && !ka_should_stop())
			left = schedule_timeout(left);
		__set_current_state(TASK_RUNNING);
	}
	if (p.head)
		remove_wait_queue(p.head, &p.wait);
	return in;
}

/**
 * ka_wait_request() - wait for a request, as poll() then read()
 * @file: the agent's file, opened with O_NONBLOCK
 * @req: where to put it
 * @ms: how long to wait at most
 *
 * Return: 0, or -ETIMEDOUT when no request came, or the error of read().
 */
int ka_wait_request(struct file *file, struct shdev_agent_request *req,
		    unsigned int ms)
{
	ssize_t n;

	if (!ka_wait_readable(file, ms))
		return -ETIMEDOUT;
	n = ka_read(file, req);
	if (n < 0)
		return n;
	return n == sizeof(*req) ? 0 : -EIO;
}

/**
 * ka_answer() - answer a request
 * @file: the agent's file
 * @seq: the request's sequence number
 * @error: 0 or an error code
 *
 * Return: what write() returns.
 */
ssize_t ka_answer(struct file *file, u64 seq, s32 error)
{
	struct shdev_agent_answer ans = { .seq = seq, .error = error };
	loff_t pos = 0;

	return kernel_write(file, &ans, sizeof(ans), &pos);
}

/* The answering agent and the hypervisor it stands for. */

struct ka_grant {
	u64 peer_id;
	char device[SHDEV_AGENT_DEVICE_LEN];
	unsigned int index;
	struct list_head node;
};

static DEFINE_MUTEX(ka_lock);	/* everything below; held while handling */
static struct file *ka_agent_file;
static LIST_HEAD(ka_grants);
static unsigned int ka_fail_release_at, ka_fail_reclaim_at;
static bool ka_stalled;
static DECLARE_WAIT_QUEUE_HEAD(ka_unstalled);
static u64 ka_nr_calls;

static bool ka_grant_has(const char *device, unsigned int index)
{
	struct ka_grant *g;

	list_for_each_entry(g, &ka_grants, node)
		if (!strcmp(g->device, device) && g->index == index)
			return true;
	return false;
}

static void ka_take(const char *device, unsigned int index)
{
	struct ka_grant *g, *tmp;

	list_for_each_entry_safe(g, tmp, &ka_grants, node) {
		if (strcmp(g->device, device) || g->index != index)
			continue;
		list_del(&g->node);
		kfree(g);
	}
}

static int ka_give(const struct shdev_agent_request *req, unsigned int index)
{
	struct ka_grant *g = kzalloc(sizeof(*g), GFP_KERNEL);

	if (!g)
		return -ENOMEM;
	g->peer_id = req->peer_id;
	strscpy(g->device, req->device);
	g->index = index;
	list_add_tail(&g->node, &ka_grants);
	return 0;
}

/* Move the resources one by one, as a VMM maps them into its guest. */
static int ka_handle(const struct shdev_agent_request *req)
{
	unsigned int i, n = req->nr_resources, at;
	int ret = 0;

	if (n > SHDEV_AGENT_MAX_RESOURCES)
		return -EINVAL;
	if (req->op == SHDEV_AGENT_RECLAIM) {
		at = ka_fail_reclaim_at;
		for (i = 0; i < n; i++) {
			if (at && i == at - 1)
				return -EIO;
			ka_take(req->device, i);
		}
		return 0;
	}
	if (req->op != SHDEV_AGENT_RELEASE)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (ka_grant_has(req->device, i))
			return -EBUSY;
	at = ka_fail_release_at;
	for (i = 0; i < n && !ret; i++) {
		if (at && i == at - 1)
			ret = -EIO;
		else
			ret = ka_give(req, i);
	}
	if (ret)
		while (i--)
			ka_take(req->device, i);
	return ret;
}

static int ka_thread_fn(void *data)
{
	struct shdev_agent_request *req;
	struct file *file = data;

	req = kmalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	while (!kthread_should_stop()) {
		ssize_t n = -EAGAIN;

		/* Sleep until a request comes, or the agent is to go on. */
		wait_event_interruptible(ka_unstalled, !READ_ONCE(ka_stalled) ||
					 kthread_should_stop());
		if (!ka_wait_readable(file, UINT_MAX))
			continue;
		mutex_lock(&ka_lock);
		if (!ka_stalled)
			n = ka_read(file, req);
		if (n == sizeof(*req)) {
			ka_nr_calls++;
			WARN_ON(ka_answer(file, req->seq, ka_handle(req)) !=
				sizeof(struct shdev_agent_answer));
		}
		mutex_unlock(&ka_lock);
	}
	kfree(req);
	return 0;
}

/**
 * ka_kill() - the answering agent dies: its thread ends, its file closes
 */
void ka_kill(void)
{
	struct ka_grant *g, *tmp;
	struct file *file;

	mutex_lock(&ka_lock);
	file = ka_agent_file;
	ka_agent_file = NULL;
	mutex_unlock(&ka_lock);
	if (!file)
		return;
	kthread_stop(ka_thread);
	ka_close(file);
	/* Its VMs are gone, and with them what they held. */
	mutex_lock(&ka_lock);
	list_for_each_entry_safe(g, tmp, &ka_grants, node) {
		list_del(&g->node);
		kfree(g);
	}
	ka_fail_release_at = 0;
	ka_fail_reclaim_at = 0;
	ka_stalled = false;
	mutex_unlock(&ka_lock);
}

static void ka_kill_action(void *unused)
{
	ka_kill();
}

/**
 * ka_start() - start the answering agent for the current test
 * @test: the test; the agent dies when it ends
 * @timeout_ms: the timeout of the agent's requests
 *
 * The caller declares the peers with ka_add_peer() on ka_file().
 *
 * Return: 0, or the error of opening the device.
 */
int ka_start(struct kunit *test, u32 timeout_ms)
{
	struct task_struct *t;
	struct file *file;
	int ret;

	file = ka_open(O_NONBLOCK);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = ka_set_timeout(file, timeout_ms);
	if (ret) {
		ka_close(file);
		return ret;
	}
	t = kthread_run(ka_thread_fn, file, "shdev-fake-agent");
	if (IS_ERR(t)) {
		ka_close(file);
		return PTR_ERR(t);
	}
	mutex_lock(&ka_lock);
	ka_thread = t;
	ka_agent_file = file;
	ka_nr_calls = 0;
	mutex_unlock(&ka_lock);
	return kunit_add_action_or_reset(test, ka_kill_action, NULL);
}

/**
 * ka_file() - the answering agent's file
 *
 * Return: the file, NULL when no agent runs.
 */
struct file *ka_file(void)
{
	struct file *file;

	mutex_lock(&ka_lock);
	file = ka_agent_file;
	mutex_unlock(&ka_lock);
	return file;
}

/**
 * ka_fail() - make every release or reclaim fail at a resource
 * @reclaim: the reclaims, or the releases
 * @at: the resource, counted from 1; 0 for no failure
 */
void ka_fail(bool reclaim, unsigned int at)
{
	mutex_lock(&ka_lock);
	if (reclaim)
		ka_fail_reclaim_at = at;
	else
		ka_fail_release_at = at;
	mutex_unlock(&ka_lock);
}

/**
 * ka_stall() - make the agent stop reading requests, or read them again
 * @on: stop
 *
 * Once this returns, the agent reads no request until called with false.
 */
void ka_stall(bool on)
{
	mutex_lock(&ka_lock);
	WRITE_ONCE(ka_stalled, on);
	mutex_unlock(&ka_lock);
	wake_up_all(&ka_unstalled);
}

/**
 * ka_calls() - requests the agent handled since it started
 *
 * Return: the count.
 */
u64 ka_calls(void)
{
	u64 n;

	mutex_lock(&ka_lock);
	n = ka_nr_calls;
	mutex_unlock(&ka_lock);
	return n;
}

/**
 * ka_held() - resources of a device the agent's hypervisor gave a peer
 * @peer: the peer, or NULL for any
 * @sd: the device, or NULL for any
 *
 * Return: the number of resources.
 */
unsigned int ka_held(const struct shdev_peer *peer, const struct shdev *sd)
{
	struct ka_grant *g;
	unsigned int n = 0;

	mutex_lock(&ka_lock);
	list_for_each_entry(g, &ka_grants, node)
		n += (!peer || g->peer_id == peer->id) &&
			(!sd || !strcmp(g->device, dev_name(shdev_dev(sd))));
	mutex_unlock(&ka_lock);
	return n;
}
