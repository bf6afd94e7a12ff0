// SPDX-License-Identifier: GPL-2.0
/*
 * shdev simulated backend.
 *
 * Moves nothing: it records, resource by resource, which peer holds what,
 * so that tests can check that a device was handed over whole and taken
 * back whole.  Tests inject faults for one peer at a time, with
 * shdev_sim_peer_faults(), so that what one test sets ends with its peer.
 * Administrators inject them for every peer without faults of its own,
 * through debugfs (shdev/sim/):
 *
 *   fail_release_at, fail_reclaim_at  fail when moving resource N (from 1)
 *   delay_us                          sleep in every release and reclaim
 *   bad_evidence                      attestation rejects every device
 *   kill                              write a peer's name: the peer dies
 *   grants                            read: who holds which resource,
 *                                     and the power votes peers hold
 *
 * Peers come from the "peers" parameter: comma-separated names, each
 * optionally suffixed ":untrusted".
 */

#define pr_fmt(fmt) "shdev-sim: " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/ioport.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "shdev-sim.h"

static char *peers = "vm1,vm2:untrusted";
module_param(peers, charp, 0444);
MODULE_PARM_DESC(peers, "peers to register: name[:untrusted],...");

struct sim_grant {
	const struct shdev_peer *peer;
	const struct shdev *sd;
	unsigned int index;
	struct list_head node;
};

/*
 * A power vote a peer holds on a device it was given, as a hypervisor keeps
 * a clock or a power domain on for the VM that asked.  A reclaim drops
 * them: afterwards only Linux's own votes count.
 */
struct sim_vote {
	const struct shdev_peer *peer;
	const struct shdev *sd;
	struct list_head node;
};

struct sim_peer {
	struct shdev_peer peer;
	char name[SHDEV_NAME_MAX + 1];
	struct list_head node;
};

/* The faults of one peer, which override the debugfs knobs for it. */
struct sim_peer_faults {
	const struct shdev_peer *peer;
	struct shdev_sim_faults faults;
	char fail_dev[64];
	struct list_head node;
};

static DEFINE_MUTEX(sim_lock);
static LIST_HEAD(sim_grants);
static LIST_HEAD(sim_peers);
static LIST_HEAD(sim_votes);
static LIST_HEAD(sim_peer_faults);
static struct shdev_sim_faults sim_faults;
static u64 sim_calls;
static u64 sim_attestations;
static struct dentry *sim_debugfs;

static void sim_take(const struct shdev *sd, unsigned int from,
		     unsigned int to)
{
	struct sim_grant *g, *tmp;

	list_for_each_entry_safe(g, tmp, &sim_grants, node) {
		if (g->sd != sd || g->index < from || g->index >= to)
			continue;
		list_del(&g->node);
		kfree(g);
	}
}

static int sim_give(const struct shdev_peer *peer, const struct shdev *sd,
		    unsigned int from, unsigned int to)
{
	unsigned int i;

	for (i = from; i < to; i++) {
		struct sim_grant *g = kzalloc(sizeof(*g), GFP_KERNEL);

		if (!g) {
			sim_take(sd, from, i);
			return -ENOMEM;
		}
		g->peer = peer;
		g->sd = sd;
		g->index = i;
		list_add_tail(&g->node, &sim_grants);
	}
	return 0;
}

static unsigned int sim_count(const struct shdev_peer *peer,
			      const struct shdev *sd)
{
	struct sim_grant *g;
	unsigned int n = 0;

	list_for_each_entry(g, &sim_grants, node)
		n += (!peer || g->peer == peer) && (!sd || g->sd == sd);
	return n;
}

static unsigned int sim_drop_votes(const struct shdev *sd)
{
	struct sim_vote *v, *tmp;
	unsigned int n = 0;

	list_for_each_entry_safe(v, tmp, &sim_votes, node) {
		if (v->sd != sd)
			continue;
		list_del(&v->node);
		kfree(v);
		n++;
	}
	return n;
}

/* The faults injected for @peer: its own, or the debugfs knobs'. */
static const struct shdev_sim_faults *
sim_faults_of(const struct shdev_peer *peer)
{
	struct sim_peer_faults *pf;

	lockdep_assert_held(&sim_lock);
	list_for_each_entry(pf, &sim_peer_faults, node)
		if (pf->peer == peer)
			return &pf->faults;
	return &sim_faults;
}

static void sim_enter(const struct shdev_peer *peer)
{
	u32 delay;

	mutex_lock(&sim_lock);
	sim_calls++;
	delay = sim_faults_of(peer)->delay_us;
	mutex_unlock(&sim_lock);
	if (delay)
		fsleep(delay);
}

/*
 * Whether to fail when moving resource @at (from 1) of @sd's @n: a fault
 * set for one device fails that device at resource @at or, with fewer
 * resources, after all of them.
 */
static bool sim_fails(const struct shdev_sim_faults *faults,
		      const struct shdev *sd, u32 at, unsigned int n)
{
	if (!at)
		return false;
	if (faults->fail_dev)
		return !strcmp(faults->fail_dev, dev_name(shdev_dev(sd)));
	return at <= n;
}

static int sim_release(struct shdev_peer *peer, struct shdev *sd)
{
	unsigned int n = shdev_num_resources(sd);
	unsigned int fail;
	int ret;

	sim_enter(peer);
	mutex_lock(&sim_lock);
	if (sim_count(NULL, sd)) {
		ret = -EBUSY;
		goto out;
	}
	fail = sim_faults_of(peer)->fail_release_at;
	if (sim_fails(sim_faults_of(peer), sd, fail, n)) {
		/* Move the resources before the failing one, then undo. */
		fail = min(fail - 1, n);
		ret = sim_give(peer, sd, 0, fail);
		if (!ret)
			sim_take(sd, 0, fail);
		ret = -EIO;
		goto out;
	}
	ret = sim_give(peer, sd, 0, n);
out:
	mutex_unlock(&sim_lock);
	return ret;
}

static int sim_reclaim(struct shdev_peer *peer, struct shdev *sd)
{
	unsigned int n = shdev_num_resources(sd);
	unsigned int fail;
	int ret = 0;

	sim_enter(peer);
	mutex_lock(&sim_lock);
	if (sim_count(NULL, sd) != sim_count(peer, sd)) {
		ret = -EINVAL;
		goto out;
	}
	fail = sim_faults_of(peer)->fail_reclaim_at;
	if (sim_fails(sim_faults_of(peer), sd, fail, n)) {
		ret = -EIO;
		goto out;
	}
	sim_take(sd, 0, n);
	if (sim_drop_votes(sd))
		dev_dbg(shdev_dev(sd), "dropped %s's power votes\n", peer->name);
out:
	mutex_unlock(&sim_lock);
	return ret;
}

/*
 * The simulated peer hands over evidence that the device is the one
 * described; the verdict is the knob's.
 */
static int sim_attest(struct shdev_peer *peer, struct shdev *sd)
{
	int ret;

	mutex_lock(&sim_lock);
	sim_attestations++;
	ret = sim_faults_of(peer)->bad_evidence ? -EKEYREJECTED : 0;
	mutex_unlock(&sim_lock);
	return ret;
}

static const struct shdev_backend_ops sim_ops = {
	.release = sim_release,
	.reclaim = sim_reclaim,
	.attest = sim_attest,
};

static struct shdev_backend sim_backend = {
	.name = "sim",
	.ops = &sim_ops,
	.owner = THIS_MODULE,
};

/**
 * shdev_sim_backend() - the simulated backend, for tests' own peers
 *
 * Return: the registered backend.
 */
struct shdev_backend *shdev_sim_backend(void)
{
	return &sim_backend;
}
EXPORT_SYMBOL_GPL(shdev_sim_backend);

/**
 * shdev_sim_set_faults() - set the faults to inject
 * @faults: the new settings; all zero for none
 */
void shdev_sim_set_faults(const struct shdev_sim_faults *faults)
{
	mutex_lock(&sim_lock);
	sim_faults = *faults;
	mutex_unlock(&sim_lock);
}
EXPORT_SYMBOL_GPL(shdev_sim_set_faults);

/**
 * shdev_sim_peer_faults() - set the faults to inject for one peer
 * @peer: a peer of the simulated backend
 * @faults: the new settings, NULL for none; a @faults->fail_dev is copied
 *
 * Faults of a peer apply to its transfers only and override the debugfs
 * knobs for it: a test sets them on its own peers and clears them when it
 * ends (with NULL), whatever the other tests do.  Clear them before @peer
 * is freed.
 *
 * Return: 0, or -ENOMEM; -EINVAL for a @faults->fail_dev too long.
 */
int shdev_sim_peer_faults(const struct shdev_peer *peer,
			  const struct shdev_sim_faults *faults)
{
	struct sim_peer_faults *pf, *found = NULL, *new = NULL;

	if (faults) {
		new = kzalloc(sizeof(*new), GFP_KERNEL);
		if (!new)
			return -ENOMEM;
		new->peer = peer;
		new->faults = *faults;
		if (faults->fail_dev) {
			if (strscpy(new->fail_dev, faults->fail_dev) < 0) {
				kfree(new);
				return -EINVAL;
			}
			new->faults.fail_dev = new->fail_dev;
		}
	}

	mutex_lock(&sim_lock);
	list_for_each_entry(pf, &sim_peer_faults, node) {
		if (pf->peer == peer) {
			found = pf;
			break;
		}
	}
	if (found)
		list_del(&found->node);
	if (new)
		list_add_tail(&new->node, &sim_peer_faults);
	mutex_unlock(&sim_lock);
	kfree(found);
	return 0;
}
EXPORT_SYMBOL_GPL(shdev_sim_peer_faults);

/**
 * shdev_sim_held() - how many of a device's resources a peer holds
 * @peer: the peer, or NULL for any peer
 * @sd: the device, or NULL for any device
 *
 * Return: the number of resources of @sd granted to @peer.
 */
unsigned int shdev_sim_held(const struct shdev_peer *peer,
			    const struct shdev *sd)
{
	unsigned int n;

	mutex_lock(&sim_lock);
	n = sim_count(peer, sd);
	mutex_unlock(&sim_lock);
	return n;
}
EXPORT_SYMBOL_GPL(shdev_sim_held);

/**
 * shdev_sim_calls() - number of release and reclaim calls so far
 *
 * Return: the count, for tests that check the backend was (not) called.
 */
u64 shdev_sim_calls(void)
{
	u64 n;

	mutex_lock(&sim_lock);
	n = sim_calls;
	mutex_unlock(&sim_lock);
	return n;
}
EXPORT_SYMBOL_GPL(shdev_sim_calls);

static int sim_is(struct shdev *sd, void *data)
{
	return sd == data;
}

/**
 * shdev_sim_vote() - a peer votes for a device's power, as it may while it
 *	holds the device
 * @peer: the peer
 * @sd: a device @peer holds
 *
 * Return: 0, or -EINVAL when @peer does not hold @sd.
 */
int shdev_sim_vote(struct shdev_peer *peer, struct shdev *sd)
{
	struct sim_vote *v;

	if (shdev_peer_walk(peer, sim_is, sd) != 1)
		return -EINVAL;
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	v->peer = peer;
	v->sd = sd;
	mutex_lock(&sim_lock);
	list_add_tail(&v->node, &sim_votes);
	mutex_unlock(&sim_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(shdev_sim_vote);

/**
 * shdev_sim_votes() - how many power votes peers hold on a device
 * @sd: the device
 *
 * Return: the number of votes on @sd not dropped by a reclaim yet.
 */
unsigned int shdev_sim_votes(const struct shdev *sd)
{
	struct sim_vote *v;
	unsigned int n = 0;

	mutex_lock(&sim_lock);
	list_for_each_entry(v, &sim_votes, node)
		n += v->sd == sd;
	mutex_unlock(&sim_lock);
	return n;
}
EXPORT_SYMBOL_GPL(shdev_sim_votes);

/**
 * shdev_sim_attestations() - number of attestations so far
 *
 * Return: the count, for tests that check evidence was (not) asked for.
 */
u64 shdev_sim_attestations(void)
{
	u64 n;

	mutex_lock(&sim_lock);
	n = sim_attestations;
	mutex_unlock(&sim_lock);
	return n;
}
EXPORT_SYMBOL_GPL(shdev_sim_attestations);

static ssize_t sim_kill_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	char name[SHDEV_NAME_MAX + 2];
	struct shdev_peer *peer = NULL;
	struct sim_peer *sp;

	if (!count || count >= sizeof(name))
		return -EINVAL;
	if (copy_from_user(name, ubuf, count))
		return -EFAULT;
	name[count] = '\0';
	strim(name);

	/* Its own peers live as long as the module. */
	mutex_lock(&sim_lock);
	list_for_each_entry(sp, &sim_peers, node) {
		if (!strcmp(sp->name, name)) {
			peer = &sp->peer;
			break;
		}
	}
	mutex_unlock(&sim_lock);
	if (!peer)
		return -EINVAL;

	pr_info("peer %s dies\n", peer->name);
	shdev_peer_died(peer);
	return count;
}

static const struct file_operations sim_kill_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = sim_kill_write,
};

static int sim_grants_show(struct seq_file *s, void *unused)
{
	struct sim_grant *g;
	struct sim_vote *v;

	mutex_lock(&sim_lock);
	list_for_each_entry(g, &sim_grants, node)
		seq_printf(s, "%s %s %pR\n", g->peer->name,
			   dev_name(shdev_dev(g->sd)),
			   shdev_get_resource(g->sd, g->index));
	list_for_each_entry(v, &sim_votes, node)
		seq_printf(s, "%s %s power vote\n", v->peer->name,
			   dev_name(shdev_dev(v->sd)));
	mutex_unlock(&sim_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_grants);

static void sim_peer_release(struct shdev_peer *peer)
{
	kfree(container_of(peer, struct sim_peer, peer));
}

static void sim_remove_peers(void)
{
	struct sim_peer *sp, *tmp;

	/* The module is pinned while a peer holds a device: none does. */
	list_for_each_entry_safe(sp, tmp, &sim_peers, node) {
		list_del(&sp->node);
		shdev_peer_unregister(&sp->peer);
	}
}

static int sim_add_peers(void)
{
	char *list, *cur, *tok;
	int ret = 0;

	list = kstrdup(peers, GFP_KERNEL);
	if (!list)
		return -ENOMEM;

	cur = list;
	while ((tok = strsep(&cur, ",")) && !ret) {
		char *flag = strchr(tok, ':');
		struct sim_peer *sp;

		if (!*tok)
			continue;
		if (flag)
			*flag++ = '\0';
		if (flag && strcmp(flag, "untrusted")) {
			pr_err("peer %s: unknown flag %s\n", tok, flag);
			ret = -EINVAL;
			break;
		}
		sp = kzalloc(sizeof(*sp), GFP_KERNEL);
		if (!sp) {
			ret = -ENOMEM;
			break;
		}
		if (strscpy(sp->name, tok) < 0) {
			pr_err("peer %s: name too long\n", tok);
			kfree(sp);
			ret = -EINVAL;
			break;
		}
		sp->peer.name = sp->name;
		sp->peer.backend = &sim_backend;
		sp->peer.release = sim_peer_release;
		sp->peer.untrusted = !!flag;
		ret = shdev_peer_register(&sp->peer);
		if (ret) {
			pr_err("peer %s: %d\n", tok, ret);
			kfree(sp);
			break;
		}
		list_add_tail(&sp->node, &sim_peers);
	}
	kfree(list);
	return ret;
}

static int __init sim_init(void)
{
	int ret;

	ret = shdev_backend_register(&sim_backend);
	if (ret)
		return ret;
	ret = sim_add_peers();
	if (ret) {
		sim_remove_peers();
		shdev_backend_unregister(&sim_backend);
		return ret;
	}

	sim_debugfs = debugfs_create_dir("sim", shdev_debugfs_dir());
	debugfs_create_u32("fail_release_at", 0600, sim_debugfs,
			   &sim_faults.fail_release_at);
	debugfs_create_u32("fail_reclaim_at", 0600, sim_debugfs,
			   &sim_faults.fail_reclaim_at);
	debugfs_create_u32("delay_us", 0600, sim_debugfs, &sim_faults.delay_us);
	debugfs_create_bool("bad_evidence", 0600, sim_debugfs,
			    &sim_faults.bad_evidence);
	debugfs_create_file("kill", 0200, sim_debugfs, NULL, &sim_kill_fops);
	debugfs_create_file("grants", 0400, sim_debugfs, NULL,
			    &sim_grants_fops);
	return 0;
}
module_init(sim_init);

static void __exit sim_exit(void)
{
	struct sim_peer_faults *pf, *tmp;

	debugfs_remove_recursive(sim_debugfs);
	list_for_each_entry_safe(pf, tmp, &sim_peer_faults, node) {
		list_del(&pf->node);
		kfree(pf);
	}
	sim_remove_peers();
	shdev_backend_unregister(&sim_backend);
}
module_exit(sim_exit);

MODULE_DESCRIPTION("shdev simulated backend");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SHDEV);
