// SPDX-License-Identifier: GPL-2.0
/*
 * shdev units described by firmware: a "linux,shdev-unit" node of
 * Devicetree (see
 * Documentation/devicetree/bindings/shdev/linux,shdev-unit.yaml), or the
 * same properties in an ACPI _DSD or in a software node that platform code
 * gives a "shdev-unit" platform device.
 *
 * A unit node names the devices that change hands together, the peers
 * allowed to take them and, in Devicetree, the resources kept on while a
 * peer holds them.  This driver checks the node, takes the resources and
 * hands the unit to the core; members join it as their drivers register
 * with shdev.  Each member is a consumer of the unit in a device link, so
 * the unit outlives its members' bindings.
 */

#include <linux/clk.h>
#include <linux/device/bus.h>
#include <linux/gpio/consumer.h>
#include <linux/interconnect.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/platform_device.h>
#include <linux/pm_domain.h>
#include <linux/pm_runtime.h>
#include <linux/property.h>
#include <linux/regulator/consumer.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "shdev-internal.h"

struct shdev_unit_res {
	struct shdev_unit_desc desc;
	struct fwnode_handle *fwnode;	/* the unit's own node */
	struct clk_bulk_data *clks;
	int nr_clks;
	struct regulator_bulk_data *supplies;
	int nr_supplies;
	struct dev_pm_domain_list *pds;
	struct icc_bulk_data *paths;	/* voted only while held */
	int nr_paths;
	struct gpio_descs *gpios;	/* held, at their level, by the request */
};

/*
 * Keep the unit's resources on while a peer holds it: its power domains
 * (through runtime PM of the unit's device, linked to each of them), its
 * supplies, its clocks, then its interconnect paths.
 */
static int shdev_unit_hold(const struct shdev_unit_desc *desc)
{
	const struct shdev_unit_res *r =
		container_of(desc, struct shdev_unit_res, desc);
	int ret;

	ret = pm_runtime_resume_and_get(desc->dev);
	if (ret)
		return ret;
	ret = regulator_bulk_enable(r->nr_supplies, r->supplies);
	if (ret)
		goto put;
	ret = clk_bulk_prepare_enable(r->nr_clks, r->clks);
	if (ret)
		goto supplies;
	ret = icc_bulk_enable(r->nr_paths, r->paths);
	if (ret)
		goto clocks;
	return 0;

clocks:
	clk_bulk_disable_unprepare(r->nr_clks, r->clks);
supplies:
	regulator_bulk_disable(r->nr_supplies, r->supplies);
put:
	pm_runtime_put(desc->dev);
	return ret;
}

static void shdev_unit_unhold(const struct shdev_unit_desc *desc)
{
	const struct shdev_unit_res *r =
		container_of(desc, struct shdev_unit_res, desc);

	icc_bulk_disable(r->nr_paths, r->paths);
	clk_bulk_disable_unprepare(r->nr_clks, r->clks);
	regulator_bulk_disable(r->nr_supplies, r->supplies);
	pm_runtime_put(desc->dev);
}

static void shdev_unit_free_res(void *data)
{
	struct shdev_unit_res *r = data;
	unsigned int i;

	if (r->nr_supplies > 0)
		regulator_bulk_free(r->nr_supplies, r->supplies);
	for (i = 0; i < r->desc.nr; i++)
		fwnode_handle_put(r->desc.members[i]);
	fwnode_handle_put(r->fwnode);
}

static void shdev_unit_put_paths(void *data)
{
	struct shdev_unit_res *r = data;

	icc_bulk_put(r->nr_paths, r->paths);
}

/*
 * Interconnect paths, each a pair of entries of "interconnects", with the
 * bandwidth to vote on each while a peer holds the unit.  The votes are
 * made by the hold step only: until then the paths are disabled.
 */
static int shdev_unit_get_paths(struct device *dev, struct device_node *np,
				struct shdev_unit_res *r)
{
	u32 kbps[SHDEV_UNIT_PATHS];
	int n, i, ret;

	n = of_count_phandle_with_args(np, "interconnects",
				       "#interconnect-cells");
	if (n == -ENOENT)
		return 0;
	if (n < 2 || n % 2 || n / 2 > SHDEV_UNIT_PATHS)
		return dev_err_probe(dev, -EINVAL,
				     "interconnects: 1 to %d pairs of endpoints expected\n",
				     SHDEV_UNIT_PATHS);
	n /= 2;
	if (!IS_ENABLED(CONFIG_INTERCONNECT))
		return dev_err_probe(dev, -ENODEV,
				     "interconnects: kernel built without interconnect support\n");
	if (of_property_count_u32_elems(np, "interconnect-peak-kBps") != n)
		return dev_err_probe(dev, -EINVAL,
				     "interconnect-peak-kBps: one per path of interconnects expected\n");
	of_property_read_u32_array(np, "interconnect-peak-kBps", kbps, n);

	r->paths = devm_kcalloc(dev, n, sizeof(*r->paths), GFP_KERNEL);
	if (!r->paths)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct icc_path *path = of_icc_get_by_index(dev, i);

		if (IS_ERR(path)) {
			icc_bulk_put(i, r->paths);
			return dev_err_probe(dev, PTR_ERR(path),
					     "interconnects: path %d\n", i);
		}
		r->paths[i].path = path;
		r->paths[i].avg_bw = kbps[i];
		r->paths[i].peak_bw = kbps[i];
	}
	r->nr_paths = n;
	ret = devm_add_action_or_reset(dev, shdev_unit_put_paths, r);
	if (ret)
		return ret;
	icc_bulk_disable(n, r->paths);
	return icc_bulk_set_bw(n, r->paths);
}

/* Entry @i of "devices": the member's node, its reference taken. */
static int shdev_unit_member(struct device *dev, int i,
			     struct fwnode_reference_args *args)
{
	return fwnode_property_get_reference_args(dev_fwnode(dev), "devices",
						  NULL, 0, i, args);
}

/*
 * Whether "devices" has an entry from @from on: an empty entry, or a
 * reference to a software node not registered, reads as the end of the
 * list too, and must not cut the unit short.
 */
static bool shdev_unit_more_members(struct device *dev, int from)
{
	struct fwnode_reference_args args;
	int i, ret;

	for (i = from; i <= SHDEV_UNIT_MAX; i++) {
		ret = shdev_unit_member(dev, i, &args);
		if (!ret)
			fwnode_handle_put(args.fwnode);
		if (ret != -ENOENT)
			return true;
	}
	return false;
}

/* The devices of the unit, each a reference to its firmware node. */
static int shdev_unit_parse_members(struct device *dev,
				    struct shdev_unit_desc *desc)
{
	struct fwnode_reference_args args;
	int i, j, ret;

	for (i = 0; ; i++) {
		ret = shdev_unit_member(dev, i, &args);
		if (ret == -ENOENT && !shdev_unit_more_members(dev, i + 1))
			break;
		if (ret)
			return dev_err_probe(dev, -EINVAL,
					     "devices: entry %d is not a node\n", i);
		if (i == SHDEV_UNIT_MAX) {
			fwnode_handle_put(args.fwnode);
			return dev_err_probe(dev, -EINVAL,
					     "devices: more than %d entries\n",
					     SHDEV_UNIT_MAX);
		}
		desc->members[i] = args.fwnode;
		desc->nr = i + 1;
		for (j = 0; j < i; j++)
			if (desc->members[j] == desc->members[i])
				return dev_err_probe(dev, -EINVAL,
						     "devices: %pfw listed twice\n",
						     desc->members[i]);
	}
	if (!i)
		return dev_err_probe(dev, -EINVAL, "devices: no entries\n");
	return 0;
}

static int shdev_unit_parse_peers(struct device *dev,
				  struct shdev_unit_desc *desc)
{
	const char *owner;
	int n, i, ret;

	n = device_property_string_array_count(dev, "peer-names");
	if (n < 1 || n > SHDEV_UNIT_PEERS)
		return dev_err_probe(dev, -EINVAL,
				     "peer-names: %d entries, 1 to %d expected\n",
				     n, SHDEV_UNIT_PEERS);
	if (device_property_count_u32(dev, "peer-ids") != n)
		return dev_err_probe(dev, -EINVAL,
				     "peer-ids: one per entry of peer-names expected\n");
	desc->nr_peers = n;
	device_property_read_string_array(dev, "peer-names", desc->peer_names,
					  n);
	device_property_read_u32_array(dev, "peer-ids", desc->peer_ids, n);
	for (i = 0; i < n; i++)
		if (!shdev_peer_name_valid(desc->peer_names[i]))
			return dev_err_probe(dev, -EINVAL,
					     "peer-names: \"%s\" is not a valid peer name\n",
					     desc->peer_names[i]);

	ret = device_property_read_string(dev, "initial-owner", &owner);
	if (ret == -EINVAL || (!ret && !strcmp(owner, "local")))
		return 0;
	if (ret)
		return dev_err_probe(dev, ret, "initial-owner: not a string\n");
	i = device_property_match_string(dev, "peer-names", owner);
	if (i < 0)
		return dev_err_probe(dev, -EINVAL,
				     "initial-owner: \"%s\" is neither local nor in peer-names\n",
				     owner);
	desc->initial_peer = desc->peer_names[i];
	return 0;
}

/*
 * The resources a unit keeps on while away, from Devicetree: elsewhere,
 * platform code keeps on what the unit's devices need.
 */
static int shdev_unit_get_resources(struct device *dev, struct device_node *np,
				    struct shdev_unit_res *r)
{
	int ret;

	r->nr_clks = devm_clk_bulk_get_all(dev, &r->clks);
	if (r->nr_clks < 0)
		return dev_err_probe(dev, r->nr_clks, "clocks\n");
	r->nr_supplies = of_regulator_bulk_get_all(dev, np, &r->supplies);
	if (r->nr_supplies < 0)
		return dev_err_probe(dev, r->nr_supplies, "supplies\n");
	ret = shdev_unit_get_paths(dev, np, r);
	if (ret)
		return ret;
	/* One power domain is attached by the platform bus already. */
	if (!dev->pm_domain) {
		ret = devm_pm_domain_attach_list(dev, NULL, &r->pds);
		if (ret < 0)
			return dev_err_probe(dev, ret, "power-domains\n");
	}
	r->gpios = devm_gpiod_get_array_optional(dev, NULL, GPIOD_ASIS);
	if (IS_ERR(r->gpios))
		return dev_err_probe(dev, PTR_ERR(r->gpios), "gpios\n");
	return 0;
}

/*
 * Interrupt lines of devices that are not members, moved with the unit
 * (the touch controller's, on a GPIO controller acting as interrupt
 * controller): "interrupts-extended", each entry named in
 * "interrupt-names".  Mapped now, so that a bad entry rejects the unit
 * before anything is registered.
 */
static int shdev_unit_get_lines(struct device *dev, struct device_node *np,
				struct shdev_unit_desc *desc)
{
	struct of_phandle_args args;
	int n, i, irq;

	if (!of_property_present(np, "interrupts-extended") &&
	    !of_property_present(np, "interrupts")) {
		if (of_property_present(np, "interrupt-names"))
			return dev_err_probe(dev, -EINVAL,
					     "interrupt-names: without interrupts-extended\n");
		return 0;
	}
	n = of_property_count_strings(np, "interrupt-names");
	if (n < 1 || n > SHDEV_UNIT_LINES)
		return dev_err_probe(dev, -EINVAL,
				     "interrupt-names: 1 to %d names expected, one per entry of interrupts-extended\n",
				     SHDEV_UNIT_LINES);
	/* As many entries as names: one more is an error too. */
	if (!of_irq_parse_one(np, n, &args)) {
		of_node_put(args.np);
		return dev_err_probe(dev, -EINVAL,
				     "interrupts-extended: more entries than the %d of interrupt-names\n",
				     n);
	}
	for (i = 0; i < n; i++) {
		of_property_read_string_index(np, "interrupt-names", i,
					      &desc->line_names[i]);
		irq = of_irq_get(np, i);
		if (irq == -EPROBE_DEFER)
			return dev_err_probe(dev, irq,
					     "interrupts-extended: %s: controller not ready\n",
					     desc->line_names[i]);
		if (irq < 0)
			return dev_err_probe(dev, -EINVAL,
					     "interrupts-extended: %s: entry %d is not an interrupt of a controller (%d)\n",
					     desc->line_names[i], i, irq);
		if (!irq)
			return dev_err_probe(dev, -EINVAL,
					     "interrupts-extended: %s: entry %d cannot be mapped\n",
					     desc->line_names[i], i);
		desc->lines[i] = irq;
	}
	desc->nr_lines = n;
	return 0;
}

/* Unit nodes whose probe failed: their members do not wait for them. */
static DEFINE_MUTEX(shdev_unit_failed_lock);
static struct device_node *shdev_unit_failed[SHDEV_UNIT_MAX];

/**
 * shdev_unit_node_failed() - whether a unit's node was rejected
 * @np: a "linux,shdev-unit" node
 *
 * Return: true when the unit driver's probe of @np failed other than by
 * deferring, so that its members stop waiting for it.
 */
bool shdev_unit_node_failed(const struct device_node *np)
{
	bool failed = false;
	unsigned int i;

	mutex_lock(&shdev_unit_failed_lock);
	for (i = 0; i < ARRAY_SIZE(shdev_unit_failed); i++)
		failed |= shdev_unit_failed[i] == np;
	mutex_unlock(&shdev_unit_failed_lock);
	return failed;
}

static void shdev_unit_set_failed(struct device_node *np, bool failed)
{
	unsigned int i;

	mutex_lock(&shdev_unit_failed_lock);
	for (i = 0; i < ARRAY_SIZE(shdev_unit_failed); i++) {
		if (failed && !shdev_unit_failed[i]) {
			shdev_unit_failed[i] = of_node_get(np);
			break;
		}
		if (!failed && shdev_unit_failed[i] == np) {
			of_node_put(shdev_unit_failed[i]);
			shdev_unit_failed[i] = NULL;
		}
	}
	mutex_unlock(&shdev_unit_failed_lock);
}

struct shdev_unit_retry {
	struct work_struct work;
	struct device_node *np;
};

/*
 * Members that deferred while waiting for a unit that was then rejected
 * probe again, to fail with the reason instead of waiting forever.
 */
static void shdev_unit_retry_members(struct work_struct *work)
{
	struct shdev_unit_retry *r = container_of(work, struct shdev_unit_retry,
						  work);
	struct device_node *member;
	struct device *dev;
	int i;

	for (i = 0; (member = of_parse_phandle(r->np, "devices", i)); i++) {
		dev = bus_find_device_by_of_node(&platform_bus_type, member);
		of_node_put(member);
		if (!dev)
			continue;
		if (!dev->driver && device_attach(dev) < 0)
			dev_dbg(dev, "not bound again\n");
		put_device(dev);
	}
	of_node_put(r->np);
	kfree(r);
}

static void shdev_unit_retry(struct device_node *np)
{
	struct shdev_unit_retry *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return;
	INIT_WORK(&r->work, shdev_unit_retry_members);
	r->np = of_node_get(np);
	schedule_work(&r->work);
}

static int __shdev_unit_probe(struct platform_device *pdev);

static int shdev_unit_probe(struct platform_device *pdev)
{
	struct device_node *np = pdev->dev.of_node;
	int ret = __shdev_unit_probe(pdev);

	if (np && ret != -EPROBE_DEFER) {
		shdev_unit_set_failed(np, false);
		if (ret) {
			shdev_unit_set_failed(np, true);
			shdev_unit_retry(np);
		}
	}
	return ret;
}

static int __shdev_unit_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct shdev_unit_res *r;
	int ret;

	r = devm_kzalloc(dev, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->desc.dev = dev;
	r->desc.hold = shdev_unit_hold;
	r->desc.unhold = shdev_unit_unhold;

	/* The peers' names point into the node: keep it. */
	r->fwnode = fwnode_handle_get(dev_fwnode(dev));
	ret = devm_add_action_or_reset(dev, shdev_unit_free_res, r);
	if (ret)
		return ret;
	ret = shdev_unit_parse_members(dev, &r->desc);
	if (ret)
		return ret;
	ret = shdev_unit_parse_peers(dev, &r->desc);
	if (ret)
		return ret;
	/* Evidence comes with a peer's offers: only from the boot owner. */
	r->desc.require_attestation = device_property_read_bool(dev,
								"require-attestation");
	if (r->desc.require_attestation && !r->desc.initial_peer)
		return dev_err_probe(dev, -EINVAL,
				     "require-attestation: only for a unit a peer owns at boot (initial-owner)\n");

	if (IS_ENABLED(CONFIG_OF) && dev->of_node) {
		ret = shdev_unit_get_resources(dev, dev->of_node, r);
		if (ret)
			return ret;
		ret = shdev_unit_get_lines(dev, dev->of_node, &r->desc);
		if (ret)
			return ret;
	}
	ret = devm_pm_runtime_enable(dev);
	if (ret)
		return ret;

	ret = shdev_unit_add(&r->desc);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, r);
	return 0;
}

static void shdev_unit_remove(struct platform_device *pdev)
{
	struct shdev_unit_res *r = platform_get_drvdata(pdev);

	shdev_unit_del(&r->desc);
}

static const struct of_device_id shdev_unit_of_match[] = {
	{ .compatible = "linux,shdev-unit" },
	{ }
};
MODULE_DEVICE_TABLE(of, shdev_unit_of_match);

/*
 * Platform code without Devicetree names its unit device "shdev-unit",
 * which the platform bus matches to this driver by name.
 */
static struct platform_driver shdev_unit_driver = {
	.probe = shdev_unit_probe,
	.remove = shdev_unit_remove,
	.driver = {
		.name = "shdev-unit",
		.of_match_table = shdev_unit_of_match,
		.dev_groups = shdev_groups,
	},
};
builtin_platform_driver(shdev_unit_driver);
