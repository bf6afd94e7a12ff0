// SPDX-License-Identifier: GPL-2.0
/*
 * The uapi backend's own rules, with the test playing the agent through
 * the agent's file (fake_agent.c): only a privileged process may be the
 * agent, and only one at a time; a request carries the device's
 * resources; a malformed or misdirected answer is refused and changes
 * nothing; requests time out, a release that the agent had read is taken
 * back by asking it; the agent going away is its peers' death.
 */

#include <kunit/of.h>
#include <kunit/test.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irq_sim.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/poll.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>
#include <linux/uaccess.h>

#include "fake.h"
#include "fake_agent.h"
#include "../shdev-uapi.h"

#define KU_PEER		"ku-vm"
#define KU_PEER_ID	7
/*
 * Waits are for what the code signals; KU_WAIT_MS only bounds them, to
 * turn a hang into a failure.  KU_SHORT_MS is the one timing the suite
 * has, because it is the behaviour tested: the backend's request timeout,
 * which the agent sets and the tests let expire.  Short, so as to cost
 * little; nothing else waits for it.
 */
#define KU_WAIT_MS	5000	/* for what must happen */
#define KU_SHORT_MS	150	/* a request timeout the test lets expire */

/* A transfer run by a thread, while the test answers for the agent. */
struct ku_xfer {
	struct shdev *sd;
	struct shdev_peer *peer;	/* NULL for a reclaim */
	int ret;
	struct completion done;
};

static int ku_xfer_fn(void *data)
{
	struct ku_xfer *x = data;

	x->ret = x->peer ? shdev_release(x->sd, x->peer) :
		shdev_reclaim(x->sd);
	complete(&x->done);
	return 0;
}

static struct ku_xfer *ku_start(struct kunit *test, struct shdev *sd,
				struct shdev_peer *peer)
{
	struct ku_xfer *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	struct task_struct *t;

	KUNIT_ASSERT_NOT_NULL(test, x);
	x->sd = sd;
	x->peer = peer;
	init_completion(&x->done);
	t = kthread_run(ku_xfer_fn, x, "shdev-ku-xfer");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	return x;
}

static int ku_finish(struct kunit *test, struct ku_xfer *x)
{
	unsigned long left;

	left = wait_for_completion_timeout(&x->done,
					   msecs_to_jiffies(KU_WAIT_MS));
	KUNIT_ASSERT_TRUE_MSG(test, left, "the transfer did not end");
	return x->ret;
}

static void ku_expect_local(struct kunit *test, struct kt_dev *kt)
{
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOCAL);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), 0);
}

static void ku_expect_remote(struct kunit *test, struct kt_dev *kt)
{
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_REMOTE);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
}

/* An agent of the test's own with its peer, answering nothing by itself. */
static struct file *ku_agent(struct kunit *test, u32 timeout_ms,
			     struct shdev_peer **peer)
{
	struct file *file = ka_open_kunit(test);

	KUNIT_ASSERT_EQ(test, ka_set_timeout(file, timeout_ms), 0);
	KUNIT_ASSERT_EQ(test, ka_add_peer(file, KU_PEER, KU_PEER_ID, false), 0);
	*peer = shdev_peer_find(KU_PEER);
	KUNIT_ASSERT_NOT_NULL(test, *peer);
	return file;
}

static struct file *ku_open_without(int cap)
{
	const struct cred *old;
	struct cred *cred;
	struct file *file;

	cred = prepare_creds();
	if (!cred)
		return ERR_PTR(-ENOMEM);
	cap_lower(cred->cap_effective, cap);
	old = override_creds(cred);
	file = ka_open(O_NONBLOCK);
	revert_creds(old);
	put_cred(cred);
	return file;
}

/* Only a process with CAP_SYS_ADMIN may be the agent. */
static void ku_test_privilege(struct kunit *test)
{
	struct file *file;

	file = ku_open_without(CAP_SYS_ADMIN);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(file), -EPERM);
	if (!IS_ERR(file))
		ka_close(file);

	/* The same open with the capability: it was the capability. */
	file = ka_open(O_NONBLOCK);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	ka_close(file);
}

/* One agent at a time; the next one once it closed. */
static void ku_test_one_agent(struct kunit *test)
{
	struct file *first, *second;

	first = ka_open(O_NONBLOCK);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, first);
	second = ka_open(O_NONBLOCK);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(second), -EBUSY);
	if (!IS_ERR(second))
		ka_close(second);
	ka_close(first);

	second = ka_open(O_NONBLOCK);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, second);
	ka_close(second);
}

static long ku_add_raw(struct file *file, struct shdev_agent_peer *p)
{
	return shdev_uapi_kernel_ioctl(file, SHDEV_AGENT_IOC_ADD_PEER, p);
}

/* Peers are declared valid or not at all; they go with the agent. */
static void ku_test_peers(struct kunit *test)
{
	struct shdev_agent_peer p = { .id = 1, .name = "ku-bad" };
	struct file *file = ka_open(O_NONBLOCK);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	p.reserved = 1;
	KUNIT_EXPECT_EQ(test, ku_add_raw(file, &p), -EINVAL);
	p.reserved = 0;
	p.flags = 2;
	KUNIT_EXPECT_EQ(test, ku_add_raw(file, &p), -EINVAL);
	p.flags = 0;
	memset(p.name, 'a', sizeof(p.name));
	KUNIT_EXPECT_EQ(test, ku_add_raw(file, &p), -EINVAL);
	KUNIT_EXPECT_EQ(test, ka_add_peer(file, "Not A Name", 1, false),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ka_set_timeout(file, 0), -EINVAL);
	KUNIT_EXPECT_NULL(test, shdev_peer_find("ku-bad"));

	KUNIT_EXPECT_EQ(test, ka_add_peer(file, KU_PEER, KU_PEER_ID, true), 0);
	KUNIT_EXPECT_EQ(test, ka_add_peer(file, KU_PEER, KU_PEER_ID, true),
			-EEXIST);
	KUNIT_ASSERT_NOT_NULL(test, shdev_peer_find(KU_PEER));
	KUNIT_EXPECT_EQ(test, shdev_peer_find(KU_PEER)->id, KU_PEER_ID);
	KUNIT_EXPECT_TRUE(test, shdev_peer_find(KU_PEER)->untrusted);
	ka_close(file);
	KUNIT_EXPECT_NULL(test, shdev_peer_find(KU_PEER));
}

static void ku_expect_request(struct kunit *test,
			      const struct shdev_agent_request *req, u32 op,
			      struct kt_dev *kt)
{
	unsigned int i;

	KUNIT_EXPECT_EQ(test, req->op, op);
	KUNIT_EXPECT_NE(test, req->seq, 0);
	KUNIT_EXPECT_EQ(test, req->peer_id, KU_PEER_ID);
	KUNIT_EXPECT_STREQ(test, req->peer, KU_PEER);
	KUNIT_EXPECT_STREQ(test, req->device, dev_name(&kt->pdev->dev));
	KUNIT_EXPECT_EQ(test, req->reserved[0], 0);
	KUNIT_EXPECT_EQ(test, req->reserved[1], 0);
	KUNIT_ASSERT_EQ(test, req->nr_resources, kt->nr_res);
	for (i = 0; i < kt->nr_res; i++) {
		const struct shdev_agent_resource *r = &req->resources[i];
		u32 type = resource_type(&kt->res[i]) == IORESOURCE_MEM ?
			SHDEV_AGENT_RES_MEM : SHDEV_AGENT_RES_IRQ;

		KUNIT_EXPECT_EQ(test, r->type, type);
		KUNIT_EXPECT_EQ(test, r->start, kt->res[i].start);
		KUNIT_EXPECT_EQ(test, r->size, resource_size(&kt->res[i]));
	}
}

static ssize_t ku_write(struct file *file, const void *buf, size_t len)
{
	loff_t pos = 0;

	return kernel_write(file, buf, len, &pos);
}

/*
 * A request carries the device; a malformed answer, or one for no
 * request read, is refused and the request waits on.
 */
static void ku_test_answers(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct shdev_agent_request req, other;
	struct shdev_agent_answer ans[2] = {};
	struct shdev_peer *peer;
	struct ku_xfer *x;
	struct file *file;
	u64 seq;

	file = ku_agent(test, KU_WAIT_MS, &peer);
	KUNIT_EXPECT_FALSE(test, vfs_poll(file, NULL) & EPOLLIN);
	KUNIT_EXPECT_EQ(test, ka_read(file, &req), -EAGAIN);

	x = ku_start(test, kt->sd, peer);
	KUNIT_ASSERT_EQ(test, ka_wait_request(file, &req, KU_WAIT_MS), 0);
	ku_expect_request(test, &req, SHDEV_AGENT_RELEASE, kt);
	seq = req.seq;

	ans[0].seq = seq;
	KUNIT_EXPECT_EQ(test, ku_write(file, ans, sizeof(ans[0]) - 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, ku_write(file, ans, sizeof(ans[0]) + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, ku_write(file, ans, sizeof(ans)), -EINVAL);
	KUNIT_EXPECT_EQ(test, ka_answer(file, seq + 1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, ka_answer(file, 0, 0), -EINVAL);
	ans[0].reserved = 1;
	KUNIT_EXPECT_EQ(test, ku_write(file, ans, sizeof(ans[0])), -EINVAL);
	KUNIT_EXPECT_EQ(test, ka_answer(file, seq, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, ka_answer(file, seq, -MAX_ERRNO - 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, ka_answer(file, seq, -ERESTARTSYS), -EINVAL);
	KUNIT_EXPECT_EQ(test, ka_answer(file, seq, S32_MIN), -EINVAL);

	/* Nothing changed: the release waits for its answer. */
	KUNIT_EXPECT_FALSE(test, completion_done(&x->done));
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_RELEASING);
	KUNIT_EXPECT_EQ(test, ka_read(file, &other), -EAGAIN);

	KUNIT_EXPECT_EQ(test, ka_answer(file, seq, 0), sizeof(ans[0]));
	KUNIT_EXPECT_EQ(test, ku_finish(test, x), 0);
	ku_expect_remote(test, kt);
	/* Answered once: a second answer is for no request. */
	KUNIT_EXPECT_EQ(test, ka_answer(file, seq, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_REMOTE);

	/* The reclaim: a new number, refused answers change nothing. */
	x = ku_start(test, kt->sd, NULL);
	KUNIT_ASSERT_EQ(test, ka_wait_request(file, &req, KU_WAIT_MS), 0);
	ku_expect_request(test, &req, SHDEV_AGENT_RECLAIM, kt);
	KUNIT_EXPECT_GT(test, req.seq, seq);
	KUNIT_EXPECT_EQ(test, ka_answer(file, seq, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, ka_answer(file, req.seq, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_RECLAIMING);
	KUNIT_EXPECT_EQ(test, ka_answer(file, req.seq, -EIO), sizeof(ans[0]));
	KUNIT_EXPECT_EQ(test, ku_finish(test, x), -EIO);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);

	x = ku_start(test, kt->sd, NULL);
	KUNIT_ASSERT_EQ(test, ka_wait_request(file, &req, KU_WAIT_MS), 0);
	ku_expect_request(test, &req, SHDEV_AGENT_RECLAIM, kt);
	KUNIT_EXPECT_EQ(test, ka_answer(file, req.seq, 0), sizeof(ans[0]));
	KUNIT_EXPECT_EQ(test, ku_finish(test, x), 0);
	ku_expect_local(test, kt);

	/* An error answered to a release: undone, nothing to take back. */
	x = ku_start(test, kt->sd, peer);
	KUNIT_ASSERT_EQ(test, ka_wait_request(file, &req, KU_WAIT_MS), 0);
	KUNIT_EXPECT_EQ(test, ka_answer(file, req.seq, -ENOSPC),
			sizeof(ans[0]));
	KUNIT_EXPECT_EQ(test, ku_finish(test, x), -ENOSPC);
	ku_expect_local(test, kt);
	KUNIT_EXPECT_EQ(test, ka_read(file, &req), -EAGAIN);
}

/*
 * Requests time out.  One the agent never read is withdrawn; a release it
 * read may be partly done, and the agent is asked to take it back.
 */
static void ku_test_timeout(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct shdev_agent_request req, rec;
	struct shdev_peer *peer;
	struct ku_xfer *x;
	struct file *file;

	file = ku_agent(test, KU_SHORT_MS, &peer);

	/* Not read: withdrawn, and nothing to take back. */
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, peer), -ETIMEDOUT);
	ku_expect_local(test, kt);
	KUNIT_EXPECT_FALSE(test, vfs_poll(file, NULL) & EPOLLIN);

	/* Read, not answered: a reclaim follows; the late answer is stale. */
	KUNIT_ASSERT_EQ(test, ka_set_timeout(file, 1000), 0);
	kt_log_clear(kt);
	x = ku_start(test, kt->sd, peer);
	KUNIT_ASSERT_EQ(test, ka_wait_request(file, &req, KU_WAIT_MS), 0);
	KUNIT_ASSERT_EQ(test, req.op, SHDEV_AGENT_RELEASE);
	KUNIT_ASSERT_EQ(test, ka_wait_request(file, &rec, KU_WAIT_MS), 0);
	ku_expect_request(test, &rec, SHDEV_AGENT_RECLAIM, kt);
	KUNIT_EXPECT_EQ(test, ka_answer(file, req.seq, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_RELEASING);
	KUNIT_EXPECT_EQ(test, ka_answer(file, rec.seq, 0), sizeof(u64) * 2);
	KUNIT_EXPECT_EQ(test, ku_finish(test, x), -ETIMEDOUT);
	ku_expect_local(test, kt);
	KUNIT_EXPECT_STREQ(test, kt->log, "quiesce,resume");

	/*
	 * A reclaim not answered completes in time: the kernel revoked what
	 * it gave the agent, whose answer it does not need.
	 */
	KUNIT_ASSERT_EQ(test, ka_set_timeout(file, KU_SHORT_MS), 0);
	x = ku_start(test, kt->sd, peer);
	KUNIT_ASSERT_EQ(test, ka_wait_request(file, &req, KU_WAIT_MS), 0);
	KUNIT_EXPECT_EQ(test, ka_answer(file, req.seq, 0), sizeof(u64) * 2);
	KUNIT_ASSERT_EQ(test, ku_finish(test, x), 0);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
	ku_expect_local(test, kt);
	KUNIT_EXPECT_EQ(test, ka_read(file, &req), -EAGAIN);
}

static bool ku_wait_poll(struct file *file)
{
	return ka_wait_readable(file, KU_WAIT_MS);
}

/*
 * The agent going away is its peers' death: a request in flight fails,
 * the devices come back to Linux, lost ones too (a reclaim without an
 * agent succeeds), sanitized and resumed, and the peers are gone.  A new
 * agent may declare them again.
 */
static void ku_test_agent_death(struct kunit *test)
{
	struct kt_dev *x = kt_create(test, NULL);
	struct kt_dev *y = kt_create(test, NULL);
	struct kt_dev *z = kt_create(test, NULL);
	struct shdev_peer *peer;
	struct ku_xfer *xfer;
	struct file *file;

	KUNIT_ASSERT_EQ(test, ka_start(test, KU_WAIT_MS), 0);
	KUNIT_ASSERT_EQ(test, ka_add_peer(ka_file(), KU_PEER, KU_PEER_ID,
					  false), 0);
	peer = shdev_peer_find(KU_PEER);
	KUNIT_ASSERT_NOT_NULL(test, peer);

	KUNIT_ASSERT_EQ(test, shdev_release(x->sd, peer), 0);
	KUNIT_ASSERT_EQ(test, shdev_release(y->sd, peer), 0);
	ku_expect_remote(test, x);
	KUNIT_EXPECT_EQ(test, ka_held(peer, x->sd), x->nr_res);
	KUNIT_EXPECT_EQ(test, ka_held(peer, y->sd), y->nr_res);

	/* A device whose reclaim failed: lost, still the peer's. */
	ka_fail(true, 1);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(y->sd), -EIO);
	ka_fail(true, 0);
	KUNIT_ASSERT_EQ(test, shdev_get_state(y->sd), SHDEV_LOST);

	/* A release the agent has not read when it dies. */
	ka_stall(true);
	xfer = ku_start(test, z->sd, peer);
	KUNIT_ASSERT_TRUE(test, ku_wait_poll(ka_file()));

	ka_kill();
	KUNIT_EXPECT_EQ(test, ku_finish(test, xfer), -ENOTCONN);
	ku_expect_local(test, x);
	ku_expect_local(test, y);
	ku_expect_local(test, z);
	KUNIT_EXPECT_STREQ(test, x->log, "quiesce,validate,sanitize,resume");
	KUNIT_EXPECT_TRUE(test, kt_log_has(y, "sanitize"));
	KUNIT_EXPECT_TRUE(test, kt_log_has(y, "resume"));
	KUNIT_EXPECT_STREQ(test, z->log, "quiesce,resume");
	KUNIT_EXPECT_NULL(test, shdev_peer_find(KU_PEER));

	/* Without an agent, nothing goes anywhere; a new one may declare. */
	file = ka_open_kunit(test);
	KUNIT_ASSERT_EQ(test, ka_add_peer(file, KU_PEER, KU_PEER_ID, false), 0);
	KUNIT_EXPECT_NOT_NULL(test, shdev_peer_find(KU_PEER));
}

static int ku_killable_fn(void *data)
{
	allow_signal(SIGKILL);
	return ku_xfer_fn(data);
}

/*
 * A writer waiting for the agent can be killed: its release fails with
 * -EINTR, and the device comes back to Linux: the kernel revoked what the
 * agent may have been given, so the reclaim that undoes the release,
 * whose wait the same signal cuts short, needs no answer.
 */
static void ku_test_killed(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct shdev_agent_request req;
	struct shdev_peer *peer;
	struct task_struct *t;
	struct ku_xfer *x;
	struct file *file;

	file = ku_agent(test, KU_WAIT_MS * 4, &peer);
	x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, x);
	x->sd = kt->sd;
	x->peer = peer;
	init_completion(&x->done);
	t = kthread_run(ku_killable_fn, x, "shdev-ku-killed");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	KUNIT_ASSERT_EQ(test, ka_wait_request(file, &req, KU_WAIT_MS), 0);
	KUNIT_EXPECT_EQ(test, req.op, SHDEV_AGENT_RELEASE);
	send_sig(SIGKILL, t, 1);
	KUNIT_EXPECT_EQ(test, ku_finish(test, x), -EINTR);
	ku_expect_local(test, kt);
	KUNIT_EXPECT_EQ(test, PTR_ERR(shdev_uapi_device_file(file, req.seq)),
			-ENOENT);
	/* Nothing stays queued for the killed writer. */
	KUNIT_EXPECT_EQ(test, ka_read(file, &req), -EAGAIN);
}

/*
 * A peer of a dead agent that still holds a device (its driver failed to
 * resume) is gone for everything new and speaks through no other agent:
 * the next agent gets none of its requests.
 */
static void ku_test_dead_agents_peer(struct kunit *test)
{
	struct kt_dev *x = kt_create(test, NULL);
	struct kt_dev *y = kt_create(test, NULL);
	struct shdev_agent_request req;
	struct shdev_peer *peer;
	struct file *file;

	KUNIT_ASSERT_EQ(test, ka_start(test, KU_WAIT_MS), 0);
	KUNIT_ASSERT_EQ(test, ka_add_peer(ka_file(), KU_PEER, KU_PEER_ID,
					  false), 0);
	peer = shdev_peer_find(KU_PEER);
	KUNIT_ASSERT_NOT_NULL(test, peer);
	KUNIT_ASSERT_EQ(test, shdev_release(x->sd, peer), 0);
	x->fail_resume = -EIO;
	ka_kill();
	KUNIT_EXPECT_EQ(test, shdev_get_state(x->sd), SHDEV_LOST);
	KUNIT_EXPECT_NULL(test, shdev_peer_find(KU_PEER));

	/* The next agent, with a peer of the same name: its own. */
	file = ka_open_kunit(test);
	KUNIT_ASSERT_EQ(test, ka_add_peer(file, KU_PEER, KU_PEER_ID, false), 0);
	KUNIT_EXPECT_EQ(test, shdev_release(y->sd, peer), -EINVAL);
	ku_expect_local(test, y);
	KUNIT_EXPECT_EQ(test, ka_read(file, &req), -EAGAIN);

	/* Back once the driver resumes, without asking the new agent. */
	x->fail_resume = 0;
	KUNIT_EXPECT_EQ(test, shdev_reclaim(x->sd), 0);
	ku_expect_local(test, x);
	KUNIT_EXPECT_EQ(test, ka_read(file, &req), -EAGAIN);
}

/*
 * The device file.  A fake device with, besides its own resources (two
 * MMIO windows and interrupt 7), what its driver adds: an MMIO window
 * backed by a page, which can be mapped and read; a port range, whose
 * accesses go to the test's port accessors (UML has no ports); and two
 * simulated interrupt lines the driver requests, one level-triggered.
 */
#define KU_PORT		0x60
#define KU_PORTS	5
#define KU_MARK		0x5eed5eedU

/* Resources in the request: the device's 3, then the added 4. */
#define KU_RES		7
/* Regions: the two windows, the page, the ports; interrupts: 7, both lines. */
#define KU_REG_PAGE	2
#define KU_REG_PORTS	3
#define KU_IRQ_LEVEL	1
#define KU_IRQ_EDGE	2

struct ku_dev {
	struct kt_dev *kt;
	struct page *page;
	unsigned int irq[2];	/* level, edge */
	atomic_t driver_irqs;	/* the driver's handler ran */
};

/* The test's ports: the last access, and what a read returns. */
static struct {
	unsigned long port;
	unsigned int size;
	u32 val;
	unsigned int n;
} ku_pio;

static u32 ku_pio_in(unsigned long port, unsigned int size)
{
	ku_pio.port = port;
	ku_pio.size = size;
	ku_pio.n++;
	return KU_MARK;
}

static void ku_pio_out(unsigned long port, unsigned int size, u32 val)
{
	ku_pio.port = port;
	ku_pio.size = size;
	ku_pio.val = val;
	ku_pio.n++;
}

static const struct shdev_uapi_pio ku_pio_ops = {
	.in = ku_pio_in,
	.out = ku_pio_out,
};

static void ku_pio_restore(void *unused)
{
	shdev_uapi_set_pio(NULL);
}

/* Another device's handler on a shared line: never its interrupt. */
static irqreturn_t ku_other_irq(int irq, void *cookie)
{
	return IRQ_NONE;
}

static irqreturn_t ku_driver_irq(int irq, void *data)
{
	struct ku_dev *d = data;

	atomic_inc(&d->driver_irqs);
	return IRQ_HANDLED;
}

static void ku_free_page(void *page)
{
	__free_page(page);
}

static void ku_domain_remove(void *domain)
{
	irq_domain_remove_sim(domain);
}

/* Before the domain goes, unless the driver's unbind freed it. */
static void ku_irqs_free(void *data)
{
	struct ku_dev *d = data;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(d->irq); i++)
		if (irq_has_action(d->irq[i]))
			devm_free_irq(&d->kt->pdev->dev, d->irq[i], d);
}

static void ku_fput(void *file)
{
	fput(file);
}

static struct ku_dev *ku_dev_create(struct kunit *test)
{
	struct ku_dev *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	struct irq_domain *domain;
	struct resource res;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, d);
	d->kt = kt_create(test, NULL);
	d->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, d->page);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ku_free_page,
							d->page), 0);
	*(u32 *)page_address(d->page) = KU_MARK;
	res = DEFINE_RES_MEM(page_to_phys(d->page), PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, shdev_add_resource(d->kt->sd, &res), 0);
	res = DEFINE_RES_IO(KU_PORT, KU_PORTS);
	KUNIT_ASSERT_EQ(test, shdev_add_resource(d->kt->sd, &res), 0);
	/* Twice is once. */
	KUNIT_ASSERT_EQ(test, shdev_add_resource(d->kt->sd, &res), 0);
	res = DEFINE_RES_DMA(1);
	KUNIT_EXPECT_EQ(test, shdev_add_resource(d->kt->sd, &res), -EINVAL);

	domain = irq_domain_create_sim(NULL, ARRAY_SIZE(d->irq));
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, domain);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ku_domain_remove,
							domain), 0);
	for (i = 0; i < ARRAY_SIZE(d->irq); i++) {
		d->irq[i] = irq_create_mapping(domain, i);
		KUNIT_ASSERT_GT(test, d->irq[i], 0);
	}
	KUNIT_ASSERT_EQ(test, irq_set_irq_type(d->irq[1],
					       IRQ_TYPE_EDGE_RISING), 0);
	/* The edge line shareable, as legacy drivers (i8042) ask theirs. */
	for (i = 0; i < ARRAY_SIZE(d->irq); i++) {
		KUNIT_ASSERT_EQ(test, devm_request_irq(&d->kt->pdev->dev,
						       d->irq[i], ku_driver_irq,
						       i == 1 ? IRQF_SHARED : 0,
						       "shdev-ku", d), 0);
		res = DEFINE_RES_IRQ(d->irq[i]);
		KUNIT_ASSERT_EQ(test, shdev_add_resource(d->kt->sd, &res), 0);
	}
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ku_irqs_free, d),
			0);
	/*
	 * The simulator has edges only: say, once requested (a request
	 * programs the line's recorded type), that the first is a level.
	 */
	irqd_set_trigger_type(irq_get_irq_data(d->irq[0]),
			      IRQ_TYPE_LEVEL_HIGH);

	memset(&ku_pio, 0, sizeof(ku_pio));
	shdev_uapi_set_pio(&ku_pio_ops);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ku_pio_restore,
							NULL), 0);
	return d;
}

/* The device file of release request @seq, closed when the test ends. */
static struct file *ku_dev_file(struct kunit *test, struct file *agent,
				u64 seq)
{
	struct file *file = shdev_uapi_device_file(agent, seq);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ku_fput, file),
			0);
	return file;
}

static long ku_region(struct file *file, u32 index,
		      struct shdev_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->index = index;
	return shdev_uapi_dev_kernel_ioctl(file, SHDEV_DEVICE_GET_REGION_INFO,
					   ri);
}

static long ku_info(struct file *file, struct shdev_device_info *info)
{
	return shdev_uapi_dev_kernel_ioctl(file, SHDEV_DEVICE_GET_INFO, info);
}

static long ku_irq_info(struct file *file, u32 index,
			struct shdev_irq_info *ii)
{
	memset(ii, 0, sizeof(*ii));
	ii->index = index;
	return shdev_uapi_dev_kernel_ioctl(file, SHDEV_DEVICE_GET_IRQ_INFO, ii);
}

static long ku_set_irq(struct file *file, u32 index, u32 action, s32 fd)
{
	struct shdev_irq_set set = {
		.index = index, .action = action, .fd = fd,
	};

	return shdev_uapi_dev_kernel_ioctl(file, SHDEV_DEVICE_SET_IRQ, &set);
}

static bool ku_irq_off(unsigned int irq)
{
	return irqd_irq_disabled(irq_get_irq_data(irq));
}

/* Fire a line now, as its controller would. */
static void ku_fire(struct kunit *test, unsigned int irq)
{
	KUNIT_EXPECT_EQ(test, generic_handle_irq_safe(irq), 0);
}

/* Release @d to the test's agent, which answers, and open its file. */
static struct file *ku_dev_release(struct kunit *test, struct ku_dev *d,
				   struct file *agent, struct shdev_peer *peer,
				   struct shdev_agent_request *req)
{
	struct ku_xfer *x = ku_start(test, d->kt->sd, peer);
	struct file *file;

	KUNIT_ASSERT_EQ(test, ka_wait_request(agent, req, KU_WAIT_MS), 0);
	KUNIT_ASSERT_EQ(test, req->op, SHDEV_AGENT_RELEASE);
	/* Usable before the answer: the VMM sets its guest up first. */
	file = ku_dev_file(test, agent, req->seq);
	KUNIT_EXPECT_EQ(test, ka_answer(agent, req->seq, 0), sizeof(u64) * 2);
	KUNIT_ASSERT_EQ(test, ku_finish(test, x), 0);
	return file;
}

/* The reclaim, which the test's agent answers. */
static void ku_dev_reclaim(struct kunit *test, struct ku_dev *d,
			   struct file *agent)
{
	struct ku_xfer *x = ku_start(test, d->kt->sd, NULL);
	struct shdev_agent_request req;

	KUNIT_ASSERT_EQ(test, ka_wait_request(agent, &req, KU_WAIT_MS), 0);
	KUNIT_EXPECT_EQ(test, req.op, SHDEV_AGENT_RECLAIM);
	KUNIT_EXPECT_EQ(test, ka_answer(agent, req.seq, 0), sizeof(u64) * 2);
	KUNIT_EXPECT_EQ(test, ku_finish(test, x), 0);
	ku_expect_local(test, d->kt);
}

/*
 * A request lists every resource a VMM needs, the driver's additions
 * included, with interrupts as their hardware line and trigger; the
 * device file describes its regions and interrupts until it is revoked.
 */
static void ku_test_device_info(struct kunit *test)
{
	struct ku_dev *d = ku_dev_create(test);
	struct shdev_agent_request req;
	struct shdev_device_info info;
	struct shdev_region_info ri;
	struct shdev_irq_info ii;
	struct shdev_peer *peer;
	struct file *agent, *file;
	const struct shdev_agent_resource *r = req.resources;

	agent = ku_agent(test, KU_WAIT_MS, &peer);
	file = ku_dev_release(test, d, agent, peer, &req);

	KUNIT_ASSERT_EQ(test, req.nr_resources, KU_RES);
	KUNIT_EXPECT_EQ(test, r[2].type, SHDEV_AGENT_RES_IRQ);
	KUNIT_EXPECT_EQ(test, r[3].type, SHDEV_AGENT_RES_MEM);
	KUNIT_EXPECT_EQ(test, r[3].start, page_to_phys(d->page));
	KUNIT_EXPECT_EQ(test, r[3].size, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, r[4].type, SHDEV_AGENT_RES_IO);
	KUNIT_EXPECT_EQ(test, r[4].start, KU_PORT);
	KUNIT_EXPECT_EQ(test, r[4].size, KU_PORTS);
	KUNIT_EXPECT_EQ(test, r[4].flags, 0);
	/* The simulator's lines 0 and 1, not Linux's numbers. */
	KUNIT_EXPECT_EQ(test, r[5].type, SHDEV_AGENT_RES_IRQ);
	KUNIT_EXPECT_EQ(test, r[5].start, 0);
	KUNIT_EXPECT_EQ(test, r[5].flags, SHDEV_AGENT_IRQ_LEVEL_HIGH);
	KUNIT_EXPECT_EQ(test, r[6].start, 1);
	KUNIT_EXPECT_EQ(test, r[6].flags, SHDEV_AGENT_IRQ_EDGE_RISING);

	KUNIT_ASSERT_EQ(test, ku_info(file, &info), 0);
	KUNIT_EXPECT_EQ(test, info.num_regions, 4);
	KUNIT_EXPECT_EQ(test, info.num_irqs, 3);

	KUNIT_ASSERT_EQ(test, ku_region(file, KU_REG_PAGE, &ri), 0);
	KUNIT_EXPECT_EQ(test, ri.type, SHDEV_AGENT_RES_MEM);
	KUNIT_EXPECT_EQ(test, ri.flags, SHDEV_REGION_MMAP);
	KUNIT_EXPECT_EQ(test, ri.start, page_to_phys(d->page));
	KUNIT_EXPECT_EQ(test, ri.size, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ri.offset % PAGE_SIZE, 0);
	KUNIT_ASSERT_EQ(test, ku_region(file, KU_REG_PORTS, &ri), 0);
	KUNIT_EXPECT_EQ(test, ri.type, SHDEV_AGENT_RES_IO);
	KUNIT_EXPECT_EQ(test, ri.flags, SHDEV_REGION_READ | SHDEV_REGION_WRITE);
	KUNIT_EXPECT_EQ(test, ri.start, KU_PORT);
	KUNIT_EXPECT_EQ(test, ri.size, KU_PORTS);
	KUNIT_EXPECT_EQ(test, ku_region(file, 4, &ri), -EINVAL);

	KUNIT_ASSERT_EQ(test, ku_irq_info(file, KU_IRQ_LEVEL, &ii), 0);
	KUNIT_EXPECT_EQ(test, ii.line, 0);
	KUNIT_EXPECT_EQ(test, ii.trigger, SHDEV_AGENT_IRQ_LEVEL_HIGH);
	KUNIT_EXPECT_EQ(test, ii.flags, SHDEV_IRQ_INFO_EVENTFD |
			SHDEV_IRQ_INFO_MASKABLE | SHDEV_IRQ_INFO_AUTOMASKED);
	KUNIT_ASSERT_EQ(test, ku_irq_info(file, KU_IRQ_EDGE, &ii), 0);
	KUNIT_EXPECT_EQ(test, ii.line, 1);
	KUNIT_EXPECT_EQ(test, ii.flags, SHDEV_IRQ_INFO_EVENTFD |
			SHDEV_IRQ_INFO_MASKABLE);
	KUNIT_EXPECT_EQ(test, ku_irq_info(file, 3, &ii), -EINVAL);

	/* Another file of the same device; none for another request. */
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, ku_dev_file(test, agent, req.seq));
	KUNIT_EXPECT_EQ(test, PTR_ERR(shdev_uapi_device_file(agent,
							     req.seq + 1)),
			-ENOENT);

	ku_dev_reclaim(test, d, agent);
	KUNIT_EXPECT_EQ(test, ku_info(file, &info), -ENODEV);
	KUNIT_EXPECT_EQ(test, ku_region(file, KU_REG_PAGE, &ri), -ENODEV);
	KUNIT_EXPECT_EQ(test, PTR_ERR(shdev_uapi_device_file(agent, req.seq)),
			-ENOENT);
}

/*
 * An MMIO region is mapped and reaches the device's memory; a reclaim the
 * agent never answers still completes in time, and the mapping is gone:
 * the next access faults.
 */
static void ku_test_device_mmap(struct kunit *test)
{
	struct ku_dev *d = ku_dev_create(test);
	struct shdev_agent_request req;
	struct shdev_region_info ri;
	struct shdev_peer *peer;
	struct file *agent, *file;
	unsigned long addr;
	u32 val = 0;

	agent = ku_agent(test, KU_WAIT_MS, &peer);
	file = ku_dev_release(test, d, agent, peer, &req);
	KUNIT_ASSERT_EQ(test, ku_region(file, KU_REG_PAGE, &ri), 0);

	/* Private, or past the region, or a region that is not mapped. */
	addr = kunit_vm_mmap(test, file, 0, PAGE_SIZE, PROT_READ,
			     MAP_PRIVATE, ri.offset);
	KUNIT_EXPECT_EQ(test, (long)addr, -EINVAL);
	addr = kunit_vm_mmap(test, file, 0, 2 * PAGE_SIZE, PROT_READ,
			     MAP_SHARED, ri.offset);
	KUNIT_EXPECT_EQ(test, (long)addr, -EINVAL);
	KUNIT_ASSERT_EQ(test, ku_region(file, KU_REG_PORTS, &ri), 0);
	addr = kunit_vm_mmap(test, file, 0, PAGE_SIZE, PROT_READ,
			     MAP_SHARED, ri.offset);
	KUNIT_EXPECT_EQ(test, (long)addr, -EINVAL);

	KUNIT_ASSERT_EQ(test, ku_region(file, KU_REG_PAGE, &ri), 0);
	addr = kunit_vm_mmap(test, file, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_SHARED, ri.offset);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_ASSERT_EQ(test, copy_from_user(&val, (void __user *)addr,
					     sizeof(val)), 0);
	KUNIT_EXPECT_EQ(test, val, KU_MARK);
	val = ~KU_MARK;
	KUNIT_ASSERT_EQ(test, copy_to_user((u32 __user *)addr + 1, &val,
					   sizeof(val)), 0);
	KUNIT_EXPECT_EQ(test, ((u32 *)page_address(d->page))[1], ~KU_MARK);

	/* The agent never answers: revoked, and back, within its timeout. */
	KUNIT_ASSERT_EQ(test, ka_set_timeout(agent, KU_SHORT_MS), 0);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(d->kt->sd), 0);
	ku_expect_local(test, d->kt);
	KUNIT_EXPECT_NE(test, copy_from_user(&val, (void __user *)addr,
					     sizeof(val)), 0);
	KUNIT_EXPECT_NE(test, copy_to_user((void __user *)addr, &val,
					   sizeof(val)), 0);
	KUNIT_EXPECT_EQ(test, *(u32 *)page_address(d->page), KU_MARK);
	addr = kunit_vm_mmap(test, file, 0, PAGE_SIZE, PROT_READ,
			     MAP_SHARED, ri.offset);
	KUNIT_EXPECT_EQ(test, (long)addr, -ENODEV);
}

static ssize_t ku_pread(struct file *file, void *buf, size_t n, u64 off)
{
	loff_t pos = off;

	return kernel_read(file, buf, n, &pos);
}

static ssize_t ku_pwrite(struct file *file, const void *buf, size_t n,
			 u64 off)
{
	loff_t pos = off;

	return kernel_write(file, buf, n, &pos);
}

/*
 * Ports are read and written 1, 2 or 4 bytes at a time within their
 * region, and not at all once revoked.
 */
static void ku_test_device_ports(struct kunit *test)
{
	struct ku_dev *d = ku_dev_create(test);
	struct shdev_agent_request req;
	struct shdev_region_info ri, mem;
	struct shdev_peer *peer;
	struct file *agent, *file;
	u32 l = 0;
	u16 w = 0;
	u8 b = 0;

	agent = ku_agent(test, KU_WAIT_MS, &peer);
	file = ku_dev_release(test, d, agent, peer, &req);
	KUNIT_ASSERT_EQ(test, ku_region(file, KU_REG_PORTS, &ri), 0);
	KUNIT_ASSERT_EQ(test, ku_region(file, KU_REG_PAGE, &mem), 0);

	KUNIT_EXPECT_EQ(test, ku_pread(file, &b, 1, ri.offset + 4), 1);
	KUNIT_EXPECT_EQ(test, b, KU_MARK & 0xff);
	KUNIT_EXPECT_EQ(test, ku_pio.port, KU_PORT + 4);
	KUNIT_EXPECT_EQ(test, ku_pio.size, 1);
	KUNIT_EXPECT_EQ(test, ku_pread(file, &w, 2, ri.offset), 2);
	KUNIT_EXPECT_EQ(test, w, KU_MARK & 0xffff);
	KUNIT_EXPECT_EQ(test, ku_pread(file, &l, 4, ri.offset + 1), 4);
	KUNIT_EXPECT_EQ(test, l, KU_MARK);
	KUNIT_EXPECT_EQ(test, ku_pio.port, KU_PORT + 1);
	KUNIT_EXPECT_EQ(test, ku_pio.size, 4);
	b = 0xae;
	KUNIT_EXPECT_EQ(test, ku_pwrite(file, &b, 1, ri.offset + 4), 1);
	KUNIT_EXPECT_EQ(test, ku_pio.port, KU_PORT + 4);
	KUNIT_EXPECT_EQ(test, ku_pio.val, 0xae);

	/* Bad sizes, past the region, a region without ports: nothing. */
	ku_pio.n = 0;
	KUNIT_EXPECT_EQ(test, ku_pread(file, &l, 3, ri.offset), -EINVAL);
	KUNIT_EXPECT_EQ(test, ku_pread(file, &w, 2, ri.offset + 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, ku_pread(file, &b, 1, ri.offset + KU_PORTS),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ku_pwrite(file, &b, 1, mem.offset), -EINVAL);
	KUNIT_EXPECT_EQ(test, ku_pread(file, &b, 1, 9ULL << 40), -EINVAL);
	KUNIT_EXPECT_EQ(test, ku_pio.n, 0);

	ku_dev_reclaim(test, d, agent);
	KUNIT_EXPECT_EQ(test, ku_pread(file, &b, 1, ri.offset), -ENODEV);
	KUNIT_EXPECT_EQ(test, ku_pwrite(file, &b, 1, ri.offset), -ENODEV);
	KUNIT_EXPECT_EQ(test, ku_pio.n, 0);
}

/*
 * While the peer owns the device, its lines fire the device file and
 * never the driver; a level line is masked as it fires until the agent
 * unmasks it.  After the reclaim the driver gets them again.
 */
static void ku_test_device_irqs(struct kunit *test)
{
	struct ku_dev *d = ku_dev_create(test);
	struct shdev_agent_request req;
	struct shdev_peer *peer;
	struct file *agent, *file;

	agent = ku_agent(test, KU_WAIT_MS, &peer);
	file = ku_dev_release(test, d, agent, peer, &req);
	KUNIT_EXPECT_TRUE(test, ku_irq_off(d->irq[0]));
	KUNIT_EXPECT_TRUE(test, ku_irq_off(d->irq[1]));

	/* Malformed: refused, nothing armed. */
	KUNIT_EXPECT_EQ(test, ku_set_irq(file, 3, SHDEV_IRQ_SET_UNMASK, -1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ku_set_irq(file, KU_IRQ_EDGE, 0, -1), -EINVAL);
	KUNIT_EXPECT_EQ(test, ku_set_irq(file, KU_IRQ_EDGE,
					 SHDEV_IRQ_SET_MASK, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, ku_set_irq(file, KU_IRQ_EDGE,
					 SHDEV_IRQ_SET_EVENTFD, -2), -EINVAL);
	/* Unmasked without an eventfd: still held off. */
	KUNIT_EXPECT_EQ(test, ku_set_irq(file, KU_IRQ_EDGE,
					 SHDEV_IRQ_SET_UNMASK, -1), 0);
	KUNIT_EXPECT_TRUE(test, ku_irq_off(d->irq[1]));

	KUNIT_ASSERT_EQ(test, shdev_uapi_dev_arm(file, KU_IRQ_LEVEL), 0);
	KUNIT_ASSERT_EQ(test, shdev_uapi_dev_arm(file, KU_IRQ_EDGE), 0);
	KUNIT_EXPECT_FALSE(test, ku_irq_off(d->irq[0]));
	KUNIT_EXPECT_FALSE(test, ku_irq_off(d->irq[1]));

	ku_fire(test, d->irq[0]);
	KUNIT_EXPECT_EQ(test, shdev_uapi_dev_fired(file, KU_IRQ_LEVEL), 1);
	KUNIT_EXPECT_TRUE(test, ku_irq_off(d->irq[0]));
	ku_fire(test, d->irq[1]);
	ku_fire(test, d->irq[1]);
	KUNIT_EXPECT_EQ(test, shdev_uapi_dev_fired(file, KU_IRQ_EDGE), 2);
	KUNIT_EXPECT_FALSE(test, ku_irq_off(d->irq[1]));
	KUNIT_EXPECT_EQ(test, atomic_read(&d->driver_irqs), 0);
	/* No other device joins a diverted line, lest its interrupts go astray. */
	KUNIT_EXPECT_EQ(test, request_irq(d->irq[1], ku_other_irq, IRQF_SHARED,
					  "shdev-ku-other", &d->irq[1]), -EBUSY);

	KUNIT_EXPECT_EQ(test, ku_set_irq(file, KU_IRQ_LEVEL,
					 SHDEV_IRQ_SET_UNMASK, -1), 0);
	KUNIT_EXPECT_FALSE(test, ku_irq_off(d->irq[0]));
	ku_fire(test, d->irq[0]);
	KUNIT_EXPECT_EQ(test, shdev_uapi_dev_fired(file, KU_IRQ_LEVEL), 2);
	KUNIT_EXPECT_EQ(test, ku_set_irq(file, KU_IRQ_EDGE,
					 SHDEV_IRQ_SET_MASK, -1), 0);
	KUNIT_EXPECT_TRUE(test, ku_irq_off(d->irq[1]));

	ku_dev_reclaim(test, d, agent);
	KUNIT_EXPECT_FALSE(test, ku_irq_off(d->irq[0]));
	KUNIT_EXPECT_FALSE(test, ku_irq_off(d->irq[1]));
	ku_fire(test, d->irq[0]);
	ku_fire(test, d->irq[1]);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->driver_irqs), 2);
	KUNIT_EXPECT_EQ(test, shdev_uapi_dev_fired(file, KU_IRQ_LEVEL), 2);
	KUNIT_EXPECT_EQ(test, shdev_uapi_dev_fired(file, KU_IRQ_EDGE), 2);
	KUNIT_EXPECT_EQ(test, shdev_uapi_dev_arm(file, KU_IRQ_EDGE), -ENODEV);
	KUNIT_EXPECT_EQ(test, ku_set_irq(file, KU_IRQ_EDGE,
					 SHDEV_IRQ_SET_UNMASK, -1), -ENODEV);
	/* Given back, the line can be shared again. */
	KUNIT_EXPECT_EQ(test, request_irq(d->irq[1], ku_other_irq, IRQF_SHARED,
					  "shdev-ku-other", &d->irq[1]), 0);
	free_irq(d->irq[1], &d->irq[1]);
}

static void ku_agent_close(void *file)
{
	ka_close(file);
}

/*
 * An agent that dies in the middle of a release, its device file mapped
 * and a line armed: the release fails, and nothing it had reaches the
 * device anymore.
 */
static void ku_test_device_agent_dies(struct kunit *test)
{
	struct ku_dev *d = ku_dev_create(test);
	struct shdev_agent_request req;
	struct shdev_region_info ri;
	struct shdev_peer *peer;
	struct file *agent, *file;
	struct ku_xfer *x;
	unsigned long addr;
	u32 val = 0;

	agent = ka_open(O_NONBLOCK);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, agent);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ku_agent_close,
							agent), 0);
	KUNIT_ASSERT_EQ(test, ka_set_timeout(agent, KU_WAIT_MS * 4), 0);
	KUNIT_ASSERT_EQ(test, ka_add_peer(agent, KU_PEER, KU_PEER_ID, false),
			0);
	peer = shdev_peer_find(KU_PEER);
	KUNIT_ASSERT_NOT_NULL(test, peer);

	x = ku_start(test, d->kt->sd, peer);
	KUNIT_ASSERT_EQ(test, ka_wait_request(agent, &req, KU_WAIT_MS), 0);
	file = ku_dev_file(test, agent, req.seq);
	KUNIT_ASSERT_EQ(test, ku_region(file, KU_REG_PAGE, &ri), 0);
	addr = kunit_vm_mmap(test, file, 0, PAGE_SIZE, PROT_READ,
			     MAP_SHARED, ri.offset);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_ASSERT_EQ(test, copy_from_user(&val, (void __user *)addr,
					     sizeof(val)), 0);
	KUNIT_EXPECT_EQ(test, val, KU_MARK);
	KUNIT_ASSERT_EQ(test, shdev_uapi_dev_arm(file, KU_IRQ_EDGE), 0);

	kunit_release_action(test, ku_agent_close, agent);
	KUNIT_EXPECT_EQ(test, ku_finish(test, x), -ENOTCONN);
	ku_expect_local(test, d->kt);
	KUNIT_EXPECT_NE(test, copy_from_user(&val, (void __user *)addr,
					     sizeof(val)), 0);
	KUNIT_EXPECT_EQ(test, ku_pread(file, &val, 1, 3ULL << 40), -ENODEV);
	ku_fire(test, d->irq[1]);
	KUNIT_EXPECT_EQ(test, atomic_read(&d->driver_irqs), 1);
	KUNIT_EXPECT_EQ(test, shdev_uapi_dev_fired(file, KU_IRQ_EDGE), 0);
}

#if IS_ENABLED(CONFIG_OF_OVERLAY) && IS_ENABLED(CONFIG_GPIO_SIM)
static irqreturn_t ku_line_other(int irq, void *data)
{
	return IRQ_NONE;
}

/*
 * A unit that carries an interrupt line of a device that is not its
 * member (unit_lines.dtso): the release request of its first member lists
 * the line with the member's resources, as its hardware line and trigger,
 * and the device file gives the line to the agent, whose eventfd it
 * fires; Linux gets it back with the reclaim.
 */
static void ku_test_unit_lines(struct kunit *test)
{
	struct shdev_agent_request req;
	struct shdev_irq_info ii;
	struct shdev_peer *peer;
	struct file *agent, *file;
	struct device_node *np;
	struct ku_xfer *x;
	struct kt_dev *kt;
	int irq;

	KUNIT_ASSERT_EQ(test, of_overlay_apply_kunit(test, unit_lines), 0);
	wait_for_device_probe();
	kt = kt_find(test, "/shdev-kt-lines-member");
	KUNIT_ASSERT_NOT_NULL(test, kt);
	KUNIT_ASSERT_NOT_NULL_MSG(test, kt->sd, "member not bound");
	np = of_find_node_by_path("/shdev-kt-lines");
	KUNIT_ASSERT_NOT_NULL(test, np);
	irq = of_irq_get(np, 0);
	of_node_put(np);
	KUNIT_ASSERT_GT(test, irq, 0);
	/* The trigger, as the line's driver or a specifier would set it. */
	KUNIT_ASSERT_EQ(test, irq_set_irq_type(irq, IRQ_TYPE_EDGE_RISING), 0);

	agent = ku_agent(test, KU_WAIT_MS, &peer);
	x = ku_start(test, kt->sd, peer);
	KUNIT_ASSERT_EQ(test, ka_wait_request(agent, &req, KU_WAIT_MS), 0);
	KUNIT_ASSERT_EQ(test, req.op, SHDEV_AGENT_RELEASE);
	/* The member has no resource of its own: the line is the one. */
	KUNIT_ASSERT_EQ(test, req.nr_resources, 1);
	KUNIT_EXPECT_EQ(test, req.resources[0].type, SHDEV_AGENT_RES_IRQ);
	KUNIT_EXPECT_EQ(test, req.resources[0].start, 3);
	KUNIT_EXPECT_EQ(test, req.resources[0].flags,
			SHDEV_AGENT_IRQ_EDGE_RISING);
	file = ku_dev_file(test, agent, req.seq);
	KUNIT_EXPECT_EQ(test, ka_answer(agent, req.seq, 0), sizeof(u64) * 2);
	KUNIT_ASSERT_EQ(test, ku_finish(test, x), 0);
	ku_expect_remote(test, kt);

	KUNIT_ASSERT_EQ(test, ku_irq_info(file, 0, &ii), 0);
	KUNIT_EXPECT_EQ(test, ii.line, 3);
	KUNIT_EXPECT_EQ(test, ii.trigger, SHDEV_AGENT_IRQ_EDGE_RISING);
	KUNIT_EXPECT_TRUE(test, ku_irq_off(irq));
	KUNIT_ASSERT_EQ(test, shdev_uapi_dev_arm(file, 0), 0);
	KUNIT_EXPECT_FALSE(test, ku_irq_off(irq));
	ku_fire(test, irq);
	KUNIT_EXPECT_EQ(test, shdev_uapi_dev_fired(file, 0), 1);
	/* No driver of Linux's gets the line while the peer has it. */
	KUNIT_EXPECT_EQ(test, request_irq(irq, ku_line_other, IRQF_SHARED,
					  "shdev-ku-other", &irq), -EBUSY);

	x = ku_start(test, kt->sd, NULL);
	KUNIT_ASSERT_EQ(test, ka_wait_request(agent, &req, KU_WAIT_MS), 0);
	KUNIT_EXPECT_EQ(test, req.op, SHDEV_AGENT_RECLAIM);
	KUNIT_EXPECT_EQ(test, req.nr_resources, 1);
	KUNIT_EXPECT_EQ(test, ka_answer(agent, req.seq, 0), sizeof(u64) * 2);
	KUNIT_EXPECT_EQ(test, ku_finish(test, x), 0);
	ku_expect_local(test, kt);
	ku_fire(test, irq);
	KUNIT_EXPECT_EQ(test, shdev_uapi_dev_fired(file, 0), 1);
	KUNIT_EXPECT_EQ(test, request_irq(irq, ku_line_other, IRQF_SHARED,
					  "shdev-ku-other", &irq), 0);
	free_irq(irq, &irq);
}
#endif

static struct kunit_case ku_cases[] = {
	KUNIT_CASE(ku_test_privilege),
	KUNIT_CASE(ku_test_one_agent),
	KUNIT_CASE(ku_test_peers),
	KUNIT_CASE(ku_test_answers),
	KUNIT_CASE(ku_test_timeout),
	KUNIT_CASE(ku_test_agent_death),
	KUNIT_CASE(ku_test_killed),
	KUNIT_CASE(ku_test_dead_agents_peer),
	KUNIT_CASE(ku_test_device_info),
	KUNIT_CASE(ku_test_device_mmap),
	KUNIT_CASE(ku_test_device_ports),
	KUNIT_CASE(ku_test_device_irqs),
	KUNIT_CASE(ku_test_device_agent_dies),
#if IS_ENABLED(CONFIG_OF_OVERLAY) && IS_ENABLED(CONFIG_GPIO_SIM)
	KUNIT_CASE(ku_test_unit_lines),
#endif
	{}
};

static struct kunit_suite ku_suite = {
	.name = "shdev_uapi",
	.suite_init = kt_suite_init,
	.suite_exit = kt_suite_exit,
	.init = kt_test_init,
	.test_cases = ku_cases,
};

kunit_test_suite(ku_suite);
