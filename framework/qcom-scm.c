// SPDX-License-Identifier: GPL-2.0
/*
 * shdev backend for Qualcomm platforms: hands a shared device's MMIO
 * regions to another VM with the TrustZone "assign memory" call of the
 * Secure Channel Manager, and takes them back.
 *
 * The peers, each a name and a VMID, come from a "linux,shdev-qcom-scm"
 * node (Documentation/devicetree/bindings/shdev/linux,shdev-qcom-scm.yaml).
 * A release merges the device's MMIO ranges, widened to the firmware's
 * 4 KiB granule, into regions and assigns them one by one from Linux
 * (VMID HLOS) to the peer; a failure gives back, in reverse, the regions
 * already assigned.  A reclaim assigns them back in reverse.  Interrupts
 * are not moved: the hypervisor's configuration routes them.
 *
 * Each region's owners are a u64 bitmap, bit n for VMID n, which
 * qcom_scm_assign_mem() takes as the current owners and, on success,
 * rewrites with the new ones; the backend keeps that answer for the next
 * call.  This relies on "firmware: qcom: scm: Fix qcom_scm_assign_mem()
 * for VMIDs 31 and above", which the shdev series carries before this
 * backend: without it, the helper builds the answer in an int, wrong from
 * VMID 31 up (TVM is 45), and shifts past 31 bits on 32-bit kernels.
 * There is no fallback for a kernel without the fix: a backport of this
 * backend takes the fix along.  The helper may also return a positive
 * firmware code: any value but 0 is a failure.
 *
 * debugfs (shdev/qcom-scm/assigned) lists the regions away from Linux.
 */

#define pr_fmt(fmt) "shdev-qcom-scm: " fmt

#include <linux/bitops.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/firmware/qcom/qcom_scm.h>
#include <linux/ioport.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/overflow.h>
#include <linux/platform_device.h>
#include <linux/refcount.h>
#include <linux/seq_file.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "shdev-qcom-scm.h"

/* The firmware assigns memory in pages of 4 KiB, whatever Linux's size. */
#define QSCM_GRANULE	SZ_4K
/* VMIDs the owner bitmap holds, a u64 on every architecture. */
#define QSCM_VMIDS	64U
#define QSCM_PEERS	8
#define QSCM_LINUX	BIT_ULL(QCOM_SCM_VMID_HLOS)

/* One range the firmware moves in one call, and who owns it now. */
struct qscm_region {
	phys_addr_t start;
	size_t size;
	u64 owners;
};

struct qscm_peer {
	struct shdev_peer peer;
	char name[SHDEV_NAME_MAX + 1];
	u32 vmid;
};

/* What one device has away from Linux, in release order. */
struct qscm_xfer {
	const struct shdev *sd;
	struct qscm_peer *peer;
	struct list_head node;
	unsigned int nr;
	struct qscm_region regions[] __counted_by(nr);
};

struct qscm {
	refcount_t refs;		/* its peers', and its binding's */
	struct device *dev;		/* referenced */
	const struct shdev_qcom_scm_ops *ops;
	struct shdev_backend backend;
	struct mutex lock;		/* serializes SCM calls; protects xfers */
	struct list_head xfers;
	unsigned int nr_peers;
	struct qscm_peer *peers;
	struct dentry *debugfs;
};

static const struct shdev_qcom_scm_ops qscm_firmware = {
	.available = qcom_scm_is_available,
	.assign_mem = qcom_scm_assign_mem,
};

/* KUnit's fake SCM, used by instances probed while it is set. */
static const struct shdev_qcom_scm_ops *qscm_test_ops;

/**
 * shdev_qcom_scm_set_ops() - put a fake SCM in place of the firmware
 * @ops: the fake, or NULL for the firmware again
 *
 * For KUnit only: backends probed from then on make their SCM calls
 * through @ops.
 */
VISIBLE_IF_KUNIT void shdev_qcom_scm_set_ops(const struct shdev_qcom_scm_ops *ops)
{
	WRITE_ONCE(qscm_test_ops, ops);
}
EXPORT_SYMBOL_IF_KUNIT(shdev_qcom_scm_set_ops);

static struct qscm *to_qscm(const struct shdev_peer *peer)
{
	return container_of(peer->backend, struct qscm, backend);
}

static struct qscm_xfer *qscm_find(struct qscm *qs, const struct shdev *sd)
{
	struct qscm_xfer *x;

	lockdep_assert_held(&qs->lock);
	list_for_each_entry(x, &qs->xfers, node)
		if (x->sd == sd)
			return x;
	return NULL;
}

static int qscm_cmp(const void *a, const void *b)
{
	const struct qscm_region *ra = a, *rb = b;

	if (ra->start != rb->start)
		return ra->start < rb->start ? -1 : 1;
	return 0;
}

/*
 * The regions of @sd: its MMIO ranges widened to the granule, sorted, and
 * merged where they overlap or touch; each owned by @owners.
 */
static struct qscm_xfer *qscm_regions(const struct shdev *sd, u64 owners)
{
	struct device *dev = shdev_dev(sd);
	unsigned int i, n = 0, nr = shdev_num_resources(sd);
	struct qscm_xfer *x;

	for (i = 0; i < nr; i++)
		n += resource_type(shdev_get_resource(sd, i)) == IORESOURCE_MEM;
	if (!n) {
		dev_err(dev, "qcom-scm: no MMIO region to assign\n");
		return ERR_PTR(-EINVAL);
	}

	x = kzalloc(struct_size(x, regions, n), GFP_KERNEL);
	if (!x)
		return ERR_PTR(-ENOMEM);
	x->sd = sd;
	x->nr = n;

	for (i = 0, n = 0; i < nr; i++) {
		const struct resource *res = shdev_get_resource(sd, i);
		struct qscm_region *r = &x->regions[n];
		u64 start, end;

		if (resource_type(res) != IORESOURCE_MEM)
			continue;
		start = ALIGN_DOWN((u64)res->start, QSCM_GRANULE);
		/* One past the end, rounded up; 0 if that overflows. */
		end = ALIGN((u64)res->end + 1, QSCM_GRANULE);
		if (res->end < res->start || end <= start ||
		    end - start > SIZE_MAX) {
			dev_err(dev, "qcom-scm: cannot assign %pR\n", res);
			kfree(x);
			return ERR_PTR(-EINVAL);
		}
		r->start = start;
		r->size = end - start;
		r->owners = owners;
		n++;
	}

	sort(x->regions, n, sizeof(x->regions[0]), qscm_cmp, NULL);
	for (i = 1, n = 0; i < x->nr; i++) {
		struct qscm_region *last = &x->regions[n], *r = &x->regions[i];
		u64 last_end = (u64)last->start + last->size;

		if (r->start <= last_end) {
			last->size = max_t(u64, last_end,
					   (u64)r->start + r->size) - last->start;
			continue;
		}
		x->regions[++n] = *r;
	}
	x->nr = n + 1;
	return x;
}

/*
 * Assign region @r of @sd to @vmid alone, read and write.  The helper
 * sets the region's owners to BIT_ULL(@vmid) if it succeeds, and leaves
 * them alone if it fails.
 */
static int qscm_assign(struct qscm *qs, const struct shdev *sd,
		       struct qscm_region *r, u32 vmid)
{
	struct qcom_scm_vmperm perm = {
		.vmid = vmid,
		.perm = QCOM_SCM_PERM_RW,
	};
	int ret;

	lockdep_assert_held(&qs->lock);
	ret = qs->ops->assign_mem(r->start, r->size, &r->owners, &perm, 1);
	if (ret) {
		dev_err(shdev_dev(sd), "qcom-scm: assigning %pa+%#zx from owners %#llx to VMID %u failed: %s %d\n",
			&r->start, r->size, r->owners, vmid,
			ret > 0 ? "firmware code" : "error", ret);
		return ret > 0 ? -EIO : ret;
	}
	return 0;
}

static bool qscm_all_local(const struct qscm_xfer *x)
{
	unsigned int i;

	for (i = 0; i < x->nr; i++)
		if (x->regions[i].owners != QSCM_LINUX)
			return false;
	return true;
}

static int qscm_release(struct shdev_peer *peer, struct shdev *sd)
{
	struct qscm_peer *qp = container_of(peer, struct qscm_peer, peer);
	struct qscm *qs = to_qscm(peer);
	struct qscm_xfer *x;
	unsigned int i;
	int ret = 0;

	mutex_lock(&qs->lock);
	if (qscm_find(qs, sd)) {
		dev_err(shdev_dev(sd), "qcom-scm: regions still away from an earlier transfer\n");
		ret = -EBUSY;
		goto out;
	}
	x = qscm_regions(sd, QSCM_LINUX);
	if (IS_ERR(x)) {
		ret = PTR_ERR(x);
		goto out;
	}
	x->peer = qp;

	for (i = 0; i < x->nr; i++) {
		ret = qscm_assign(qs, sd, &x->regions[i], qp->vmid);
		if (ret)
			break;
	}
	/* All or nothing: give back, in reverse, what the peer got. */
	if (ret)
		while (i--)
			qscm_assign(qs, sd, &x->regions[i], QCOM_SCM_VMID_HLOS);

	if (ret && qscm_all_local(x))
		kfree(x);
	else
		list_add_tail(&x->node, &qs->xfers);	/* the reclaim's */
out:
	mutex_unlock(&qs->lock);
	return ret;
}

static int qscm_reclaim(struct shdev_peer *peer, struct shdev *sd)
{
	struct qscm_peer *qp = container_of(peer, struct qscm_peer, peer);
	struct qscm *qs = to_qscm(peer);
	struct qscm_xfer *x;
	unsigned int i;
	int ret = 0;

	mutex_lock(&qs->lock);
	x = qscm_find(qs, sd);
	if (!x && shdev_held_since_boot(sd)) {
		/* The firmware gave the peer the device as described. */
		x = qscm_regions(sd, BIT_ULL(qp->vmid));
		if (IS_ERR(x)) {
			ret = PTR_ERR(x);
			goto out;
		}
		x->peer = qp;
		list_add_tail(&x->node, &qs->xfers);
	}
	if (!x)
		goto out;		/* nothing away */
	if (&x->peer->peer != peer) {
		dev_err(shdev_dev(sd), "qcom-scm: reclaim from %s, but %s holds the device\n",
			peer->name, x->peer->peer.name);
		ret = -EINVAL;
		goto out;
	}
	for (i = x->nr; i--; ) {
		if (x->regions[i].owners == QSCM_LINUX)
			continue;
		ret = qscm_assign(qs, sd, &x->regions[i], QCOM_SCM_VMID_HLOS);
		if (ret)
			goto out;	/* lost; a retry goes on from here */
	}
	list_del(&x->node);
	kfree(x);
out:
	mutex_unlock(&qs->lock);
	return ret;
}

static const struct shdev_backend_ops qscm_ops = {
	.release = qscm_release,
	.reclaim = qscm_reclaim,
};

static int qscm_assigned_show(struct seq_file *s, void *unused)
{
	struct qscm *qs = s->private;
	struct qscm_xfer *x;
	unsigned int i;

	mutex_lock(&qs->lock);
	list_for_each_entry(x, &qs->xfers, node)
		for (i = 0; i < x->nr; i++)
			seq_printf(s, "%s %s %pa+%#zx owners %#llx\n",
				   dev_name(shdev_dev(x->sd)), x->peer->peer.name,
				   &x->regions[i].start, x->regions[i].size,
				   x->regions[i].owners);
	mutex_unlock(&qs->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(qscm_assigned);

/* Peers from the node: names and VMIDs, checked before any registers. */
static int qscm_parse_peers(struct qscm *qs, struct device_node *np)
{
	const char *names[QSCM_PEERS];
	u32 ids[QSCM_PEERS];
	int n, i, j;

	n = of_property_count_strings(np, "peer-names");
	if (n < 1 || n > QSCM_PEERS)
		return dev_err_probe(qs->dev, -EINVAL,
				     "peer-names: %d entries, 1 to %d expected\n",
				     n, QSCM_PEERS);
	if (of_property_count_u32_elems(np, "peer-ids") != n)
		return dev_err_probe(qs->dev, -EINVAL,
				     "peer-ids: one VMID per entry of peer-names expected\n");
	of_property_read_string_array(np, "peer-names", names, n);
	of_property_read_u32_array(np, "peer-ids", ids, n);

	for (i = 0; i < n; i++) {
		if (ids[i] >= QSCM_VMIDS)
			return dev_err_probe(qs->dev, -EINVAL,
					     "peer-ids: VMID %u of %s out of range: 0 to %u\n",
					     ids[i], names[i], QSCM_VMIDS - 1);
		if (ids[i] == QCOM_SCM_VMID_HLOS)
			return dev_err_probe(qs->dev, -EINVAL,
					     "peer-ids: VMID %u of %s is Linux's own\n",
					     ids[i], names[i]);
		for (j = 0; j < i; j++)
			if (ids[j] == ids[i])
				return dev_err_probe(qs->dev, -EINVAL,
						     "peer-ids: VMID %u given to %s and %s\n",
						     ids[i], names[j], names[i]);
	}

	qs->peers = kcalloc(n, sizeof(*qs->peers), GFP_KERNEL);
	if (!qs->peers)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct qscm_peer *qp = &qs->peers[i];

		/* The core checks the name when the peer registers. */
		if (strscpy(qp->name, names[i]) < 0)
			return dev_err_probe(qs->dev, -EINVAL,
					     "peer-names: %s is longer than %d characters\n",
					     names[i], SHDEV_NAME_MAX);
		qp->peer.name = qp->name;
		qp->peer.backend = &qs->backend;
		qp->peer.id = ids[i];
		qp->vmid = ids[i];
	}
	qs->nr_peers = n;
	return 0;
}

static void qscm_free(struct qscm *qs)
{
	mutex_destroy(&qs->lock);
	put_device(qs->dev);
	kfree(qs->peers);
	kfree(qs);
}

static void qscm_put(struct qscm *qs)
{
	if (refcount_dec_and_test(&qs->refs))
		qscm_free(qs);
}

/* A unit whose reclaim failed keeps its peer, and so the backend. */
static void qscm_peer_release(struct shdev_peer *peer)
{
	struct qscm *qs = container_of(peer->backend, struct qscm, backend);

	qscm_put(qs);
}

/* Unregister the peers, which takes back what they hold. */
static void qscm_remove_peers(struct qscm *qs, unsigned int nr)
{
	while (nr--)
		shdev_peer_unregister(&qs->peers[nr].peer);
}

static int qscm_probe(struct platform_device *pdev)
{
	const struct shdev_qcom_scm_ops *ops = READ_ONCE(qscm_test_ops);
	struct device *dev = &pdev->dev;
	struct qscm *qs;
	unsigned int i;
	int ret;

	if (!ops)
		ops = &qscm_firmware;
	if (!ops->available())
		return dev_err_probe(dev, -EPROBE_DEFER, "waiting for SCM\n");

	/* Not devm: a unit that holds one of its peers keeps it alive. */
	qs = kzalloc(sizeof(*qs), GFP_KERNEL);
	if (!qs)
		return -ENOMEM;
	refcount_set(&qs->refs, 1);
	qs->dev = get_device(dev);
	qs->ops = ops;
	mutex_init(&qs->lock);
	INIT_LIST_HEAD(&qs->xfers);
	qs->backend.name = "qcom-scm";
	qs->backend.ops = &qscm_ops;
	qs->backend.owner = THIS_MODULE;

	ret = qscm_parse_peers(qs, dev->of_node);
	if (ret)
		goto free;
	ret = shdev_backend_register(&qs->backend);
	if (ret) {
		dev_err_probe(dev, ret, "cannot register backend %s\n",
			      qs->backend.name);
		goto free;
	}
	for (i = 0; i < qs->nr_peers; i++) {
		qs->peers[i].peer.release = qscm_peer_release;
		refcount_inc(&qs->refs);
		ret = shdev_peer_register(&qs->peers[i].peer);
		if (ret) {
			refcount_dec(&qs->refs);
			dev_err_probe(dev, ret, "peer-names: cannot register %s\n",
				      qs->peers[i].peer.name);
			/* None of them holds a device yet. */
			qscm_remove_peers(qs, i);
			shdev_backend_unregister(&qs->backend);
			goto free;
		}
	}

	qs->debugfs = debugfs_create_dir(qs->backend.name, shdev_debugfs_dir());
	debugfs_create_file("assigned", 0400, qs->debugfs, qs,
			    &qscm_assigned_fops);
	platform_set_drvdata(pdev, qs);
	return 0;

free:
	qscm_put(qs);
	return ret;
}

static void qscm_remove(struct platform_device *pdev)
{
	struct qscm *qs = platform_get_drvdata(pdev);

	debugfs_remove_recursive(qs->debugfs);
	qscm_remove_peers(qs, qs->nr_peers);
	shdev_backend_unregister(&qs->backend);
	/* Freed when no unit holds one of its peers anymore. */
	qscm_put(qs);
}

static const struct of_device_id qscm_of_match[] = {
	{ .compatible = "linux,shdev-qcom-scm" },
	{ }
};
MODULE_DEVICE_TABLE(of, qscm_of_match);

static struct platform_driver qscm_driver = {
	.probe = qscm_probe,
	.remove = qscm_remove,
	.driver = {
		.name = "shdev-qcom-scm",
		.of_match_table = qscm_of_match,
		/* Unbinding would take every device back from the peers. */
		.suppress_bind_attrs = true,
	},
};
module_platform_driver(qscm_driver);

MODULE_DESCRIPTION("shdev backend for Qualcomm SCM memory assignment");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SHDEV);
