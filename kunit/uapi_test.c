// SPDX-License-Identifier: GPL-2.0
/*
 * The uapi backend's own rules, with the test playing the agent through
 * the agent's file (fake_agent.c): only a privileged process may be the
 * agent, and only one at a time; a request carries the device's
 * resources; a malformed or misdirected answer is refused and changes
 * nothing; requests time out, a release that the agent had read is taken
 * back by asking it; the agent going away is its peers' death.
 */

#include <kunit/test.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/poll.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>

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

	/* A reclaim not answered leaves the device lost, until one is. */
	KUNIT_ASSERT_EQ(test, ka_set_timeout(file, KU_SHORT_MS), 0);
	x = ku_start(test, kt->sd, peer);
	KUNIT_ASSERT_EQ(test, ka_wait_request(file, &req, KU_WAIT_MS), 0);
	KUNIT_EXPECT_EQ(test, ka_answer(file, req.seq, 0), sizeof(u64) * 2);
	KUNIT_ASSERT_EQ(test, ku_finish(test, x), 0);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
	KUNIT_EXPECT_EQ(test, ka_read(file, &req), -EAGAIN);

	KUNIT_ASSERT_EQ(test, ka_set_timeout(file, KU_WAIT_MS), 0);
	x = ku_start(test, kt->sd, NULL);
	KUNIT_ASSERT_EQ(test, ka_wait_request(file, &req, KU_WAIT_MS), 0);
	KUNIT_EXPECT_EQ(test, req.op, SHDEV_AGENT_RECLAIM);
	KUNIT_EXPECT_EQ(test, ka_answer(file, req.seq, 0), sizeof(u64) * 2);
	KUNIT_EXPECT_EQ(test, ku_finish(test, x), 0);
	ku_expect_local(test, kt);
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
 * -EINTR, and the device the agent may have moved is lost, not Linux's,
 * until a reclaim the agent answers.
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
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_LOST);
	KUNIT_EXPECT_EQ(test, kt_hw_access(kt), -ENODEV);
	/* Nothing stays queued for the killed writer. */
	KUNIT_EXPECT_EQ(test, ka_read(file, &req), -EAGAIN);

	x = ku_start(test, kt->sd, NULL);
	KUNIT_ASSERT_EQ(test, ka_wait_request(file, &req, KU_WAIT_MS), 0);
	KUNIT_EXPECT_EQ(test, req.op, SHDEV_AGENT_RECLAIM);
	KUNIT_EXPECT_EQ(test, ka_answer(file, req.seq, 0), sizeof(u64) * 2);
	KUNIT_EXPECT_EQ(test, ku_finish(test, x), 0);
	ku_expect_local(test, kt);
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

static struct kunit_case ku_cases[] = {
	KUNIT_CASE(ku_test_privilege),
	KUNIT_CASE(ku_test_one_agent),
	KUNIT_CASE(ku_test_peers),
	KUNIT_CASE(ku_test_answers),
	KUNIT_CASE(ku_test_timeout),
	KUNIT_CASE(ku_test_agent_death),
	KUNIT_CASE(ku_test_killed),
	KUNIT_CASE(ku_test_dead_agents_peer),
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
