/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared platform devices: backend API.
 *
 * A backend moves a device's resources (MMIO ranges, interrupts) between
 * Linux and a peer, the VM that takes the device.  It is the only part of
 * shdev that knows a hypervisor.  Drivers use <linux/shdev.h> instead.
 */
#ifndef __LINUX_SHDEV_BACKEND_H
#define __LINUX_SHDEV_BACKEND_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/types.h>

struct dentry;
struct module;
struct resource;
struct shdev;
struct shdev_peer;

/**
 * struct shdev_backend_ops - what a backend does for the core
 * @release: give every resource of @sd to @peer.  All or nothing: on
 *	error the backend has undone what it did and Linux still owns every
 *	resource.  If undoing failed too, the backend keeps its record of what
 *	is still away and returns the error: the core calls @reclaim for @sd
 *	after every failed @release, before anything touches the device.
 * @reclaim: take every resource of @sd back from @peer.  Idempotent:
 *	resources Linux owns already are left alone, so a call after a failed
 *	@release, or a second call, succeeds without doing anything.  On
 *	error the device stays lost; a later call takes back what is still
 *	away.  Also called after the peer died, when it must not need the
 *	peer's cooperation; a backend that knows nothing of the peer is left
 *	(the process that ran it and spoke for it is gone, as for the uapi
 *	backend without its agent) returns 0 without asking anybody.  Drops
 *	whatever the peer added to the device's power (votes for its clocks,
 *	supplies or power domains that the hypervisor took for the peer), so
 *	that Linux's own votes are the only ones when the driver gets the
 *	device back.
 * @attest: optional.  Obtain evidence about @sd, which @peer offers with
 *	shdev_grant() from a unit it owned at boot, and check it: that the
 *	device is the one described, in the state the evidence claims (for
 *	a TDISP-style device interface: locked, with the expected
 *	measurements).  Called only for a unit that requires attestation,
 *	after the offered resources matched the description and before the
 *	offer is accepted.  Return 0 only for valid evidence; -EKEYREJECTED
 *	for evidence that does not verify, -ENODATA when the peer gave none,
 *	or the error of obtaining it (-ETIMEDOUT, -EIO).  Any error refuses
 *	the offer.
 *
 * The operations run in process context and may sleep, with the transfer
 * lock of @sd's unit held: they are never called twice at once for one
 * device (but may be for devices of different units), and must not start
 * a transfer, nor call shdev_grant(), shdev_peer_died() or
 * shdev_peer_walk(), which take that lock.  @release and @reclaim are
 * called once per member of a unit, in member order (reclaims in
 * reverse).  They return 0 or a negative error code, which the core
 * returns to whoever asked for the transfer; a positive value is a backend
 * bug, reported and turned into -EPROTO.
 */
struct shdev_backend_ops {
	int (*release)(struct shdev_peer *peer, struct shdev *sd);
	int (*reclaim)(struct shdev_peer *peer, struct shdev *sd);
	int (*attest)(struct shdev_peer *peer, struct shdev *sd);
};

/**
 * struct shdev_backend - a registered backend
 * @name: unique name, e.g. "sim"
 * @ops: the backend's operations
 * @owner: module that provides @ops; pinned while one of its peers holds
 *	a device
 * @node: private to the core
 */
struct shdev_backend {
	const char *name;
	const struct shdev_backend_ops *ops;
	struct module *owner;
	struct list_head node;
};

/**
 * struct shdev_peer - a VM that can take devices
 * @name: unique name, written to a device's ``ownership`` attribute to
 *	give it the device; lower case letters, digits, '-' and '_', at most
 *	%SHDEV_NAME_MAX characters, and none of the state names
 * @backend: backend that reaches this peer
 * @id: backend-specific identifier (a VMID, a partition ID)
 * @untrusted: the peer must not see data Linux left in a device:
 *	devices given to it are sanitized, and devices without a
 *	&shdev_ops.sanitize callback cannot be given to it
 * @release: optional; frees the peer once it is unregistered and no unit
 *	holds it anymore, which may be after shdev_peer_unregister() returns
 *	(a unit whose reclaim failed keeps its peer, and the backend's
 *	module, until a reclaim succeeds).  A static peer leaves it NULL.
 * @ref: private to the core
 * @registered: private to the core
 * @node: private to the core
 *
 * A unit holds its peer, and the module of the peer's backend, from its
 * release until its reclaim completes, so that neither goes while the
 * unit may still call the backend.
 */
struct shdev_peer {
	const char *name;
	struct shdev_backend *backend;
	u64 id;
	bool untrusted;
	void (*release)(struct shdev_peer *peer);
	struct kref ref;
	bool registered;
	struct list_head node;
};

#define SHDEV_NAME_MAX	32
#define SHDEV_UNIT_MAX	64	/* members of a unit, at most */

int shdev_backend_register(struct shdev_backend *backend);
void shdev_backend_unregister(struct shdev_backend *backend);

int shdev_peer_register(struct shdev_peer *peer);
void shdev_peer_unregister(struct shdev_peer *peer);
unsigned int shdev_peer_died(struct shdev_peer *peer);
int shdev_grant(struct shdev_peer *peer, struct shdev *sd,
		const struct resource *res, unsigned int nr);
/**
 * typedef shdev_device_fn - called for each device of a walk
 * @sd: the device
 * @data: the walker's data
 *
 * Return: 0 to go on, anything else to stop the walk with that value.
 */
typedef int (*shdev_device_fn)(struct shdev *sd, void *data);

int shdev_peer_walk(struct shdev_peer *peer, shdev_device_fn fn, void *data);

struct dentry *shdev_debugfs_dir(void);

bool shdev_held_since_boot(const struct shdev *sd);
unsigned int shdev_num_resources(const struct shdev *sd);
const struct resource *shdev_get_resource(const struct shdev *sd,
					  unsigned int index);
int shdev_get_resources(const struct shdev *sd, struct resource *res,
			unsigned int max);

#endif /* __LINUX_SHDEV_BACKEND_H */
