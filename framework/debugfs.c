// SPDX-License-Identifier: GPL-2.0
/*
 * shdev debugfs: per-unit transfer statistics and which peer holds what.
 */

#define pr_fmt(fmt) "shdev: " fmt

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/seq_file.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>
#include <linux/shdev-consumer.h>
#include <kunit/visibility.h>

#include "shdev-internal.h"

static struct dentry *shdev_debugfs_root;

/* The unit's counters, with the entries its gates refused. */
static void shdev_stats_read(struct shdev_unit *u, struct shdev_stats *stats)
{
	lockdep_assert_held(&u->lock);
	*stats = u->stats;
	stats->refused = atomic64_read(&u->refused);
}

static int shdev_stats_show(struct seq_file *s, void *unused)
{
	struct shdev_unit *u = s->private;
	struct shdev_stats stats;

	mutex_lock(&u->lock);
	shdev_stats_read(u, &stats);
	seq_printf(s, "state: %s\n", shdev_state_name(u->state));
	seq_printf(s, "owner: %s\n", u->state == SHDEV_LOCAL ? "local" : u->owner);
	seq_printf(s, "releases: %llu\n", stats.releases);
	seq_printf(s, "reclaims: %llu\n", stats.reclaims);
	seq_printf(s, "failures: %llu\n", stats.failures);
	seq_printf(s, "last_ns: %llu\n", stats.last_ns);
	seq_printf(s, "worst_ns: %llu\n", stats.worst_ns);
	seq_printf(s, "grace_periods: %llu\n", stats.grace_periods);
	seq_printf(s, "refused: %llu\n", stats.refused);
	mutex_unlock(&u->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(shdev_stats);

/* One line per stacked device: member, kind, device, frozen or not. */
static int shdev_consumers_show(struct seq_file *s, void *unused)
{
	struct shdev_unit *u = s->private;
	struct shdev_consumer *c;
	unsigned int m;

	mutex_lock(&u->lock);
	for (m = 0; m < u->nr; m++) {
		if (!u->members[m])
			continue;
		list_for_each_entry(c, &u->members[m]->consumers, node)
			seq_printf(s, "%s %s %s %s\n",
				   dev_name(&u->members[m]->pdev->dev),
				   c->ops->name, dev_name(c->dev),
				   c->frozen ? "frozen" : "thawed");
	}
	mutex_unlock(&u->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(shdev_consumers);

/**
 * shdev_debugfs_dir() - the shdev directory in debugfs
 *
 * Backends put their own files in a subdirectory named after them.
 *
 * Return: the directory's dentry (an error pointer without debugfs).
 */
struct dentry *shdev_debugfs_dir(void)
{
	return shdev_debugfs_root;
}
EXPORT_SYMBOL_NS_GPL(shdev_debugfs_dir, SHDEV);

/* debugfs "holdings": which peer holds which device, one per line. */
static int shdev_holdings_show(struct seq_file *s, void *unused)
{
	struct shdev_peer *peer;
	struct shdev *sd;

	mutex_lock(&shdev_devices_lock);
	mutex_lock(&shdev_peers_lock);
	list_for_each_entry(peer, &shdev_peers, node) {
		unsigned int n = 0;

		list_for_each_entry(sd, &shdev_devices, node) {
			struct shdev_unit *u = sd->unit;

			if (READ_ONCE(u->peer) != peer)
				continue;
			seq_printf(s, "%s %s %s %s\n", peer->name,
				   peer->backend->name, dev_name(&sd->pdev->dev),
				   shdev_state_name(READ_ONCE(u->state)));
			n++;
		}
		if (!n)
			seq_printf(s, "%s %s -\n", peer->name, peer->backend->name);
	}
	mutex_unlock(&shdev_peers_lock);
	mutex_unlock(&shdev_devices_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(shdev_holdings);

/* A directory per unit, named after its device, with its "stats". */
void shdev_debugfs_unit_add(struct shdev_unit *u)
{
	u->debugfs = debugfs_create_dir(dev_name(u->dev), shdev_debugfs_root);
	debugfs_create_file("stats", 0444, u->debugfs, u, &shdev_stats_fops);
	debugfs_create_file("consumers", 0444, u->debugfs, u,
			    &shdev_consumers_fops);
}

void shdev_debugfs_unit_del(struct shdev_unit *u)
{
	debugfs_remove_recursive(u->debugfs);
}

void __init shdev_debugfs_init(void)
{
	shdev_debugfs_root = debugfs_create_dir("shdev", NULL);
	debugfs_create_file("holdings", 0444, shdev_debugfs_root, NULL,
			    &shdev_holdings_fops);
}

#if IS_ENABLED(CONFIG_KUNIT)
void shdev_get_stats(struct shdev *sd, struct shdev_stats *stats)
{
	mutex_lock(&sd->unit->lock);
	shdev_stats_read(sd->unit, stats);
	mutex_unlock(&sd->unit->lock);
}
EXPORT_SYMBOL_IF_KUNIT(shdev_get_stats);
#endif
