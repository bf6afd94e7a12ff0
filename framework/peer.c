// SPDX-License-Identifier: GPL-2.0
/*
 * shdev peers and backends: registration, lookup by name, the references
 * that keep a peer and its backend's module while a unit may call them,
 * and the death of a peer.
 */

#define pr_fmt(fmt) "shdev: " fmt

#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "shdev-internal.h"

/* Registered peers and backends; a leaf, after any unit's lock. */
DEFINE_MUTEX(shdev_peers_lock);
LIST_HEAD(shdev_peers);
static LIST_HEAD(shdev_backends);

/* Peer names: [a-z0-9_-]{1,SHDEV_NAME_MAX}, never a state name. */
static bool shdev_name_valid(const char *name, size_t len)
{
	size_t i;

	if (!len || len > SHDEV_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!(islower(c) || isdigit(c) || c == '-' || c == '_'))
			return false;
	}
	for (i = 0; i < SHDEV_NR_STATES; i++)
		if (strlen(shdev_state_name(i)) == len &&
		    !memcmp(shdev_state_name(i), name, len))
			return false;
	return true;
}

/**
 * shdev_peer_name_valid() - whether a string may name a peer
 * @name: the string
 *
 * Return: true for 1 to %SHDEV_NAME_MAX lower case letters, digits, '-'
 * and '_', other than a state name.
 */
bool shdev_peer_name_valid(const char *name)
{
	return shdev_name_valid(name, strlen(name));
}

static void shdev_peer_release_ref(struct kref *ref)
{
	struct shdev_peer *peer = container_of(ref, struct shdev_peer, ref);

	if (peer->release)
		peer->release(peer);
}

/*
 * Hold @peer, and the module of its backend, which the peer's release and
 * the backend's operations are code of.  Fails while the module goes.
 */
bool shdev_peer_hold(struct shdev_peer *peer)
{
	if (!try_module_get(peer->backend->owner))
		return false;
	kref_get(&peer->ref);
	return true;
}

void shdev_peer_drop(struct shdev_peer *peer)
{
	struct module *owner = peer->backend->owner;

	kref_put(&peer->ref, shdev_peer_release_ref);
	module_put(owner);
}

/* The registered peer of that name, held (shdev_peer_drop()), or NULL. */
struct shdev_peer *shdev_peer_lookup(const char *name, size_t len)
{
	struct shdev_peer *peer, *found = NULL;

	if (!shdev_name_valid(name, len))
		return NULL;

	mutex_lock(&shdev_peers_lock);
	list_for_each_entry(peer, &shdev_peers, node) {
		if (strlen(peer->name) == len && !memcmp(peer->name, name, len)) {
			if (shdev_peer_hold(peer))
				found = peer;
			break;
		}
	}
	mutex_unlock(&shdev_peers_lock);
	return found;
}

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * For tests, which keep the peer registered meanwhile: the pointer
 * carries no reference.  Transfers take their own.
 */
struct shdev_peer *shdev_peer_find(const char *name)
{
	struct shdev_peer *peer = shdev_peer_lookup(name, strlen(name));

	if (peer)
		shdev_peer_drop(peer);
	return peer;
}
EXPORT_SYMBOL_IF_KUNIT(shdev_peer_find);
#endif

/* The unit holds its peer, and the peer's backend, until it is back. */
int shdev_pin(struct shdev_unit *u, struct shdev *sd)
{
	KUNIT_STATIC_STUB_REDIRECT(shdev_pin, u, sd);
	if (!shdev_peer_hold(u->peer))
		return -ENODEV;
	u->pinned = true;
	return 0;
}

/*
 * The last step of a reclaim that needs the peer: what follows only
 * clears u->peer.  A unit owned by a peer since boot holds it once its
 * name resolves.
 */
int shdev_unpin(struct shdev_unit *u, struct shdev *sd)
{
	if (u->pinned)
		shdev_peer_drop(u->peer);
	u->pinned = false;
	return 0;
}

bool shdev_peer_registered(struct shdev_peer *peer)
{
	bool registered;

	mutex_lock(&shdev_peers_lock);
	registered = peer->registered;
	mutex_unlock(&shdev_peers_lock);
	return registered;
}

/**
 * shdev_backend_register() - make a backend available
 * @backend: the backend, with @name and @ops set
 *
 * Return: 0, -EINVAL for an invalid name or missing ops, -EEXIST when the
 * name is taken.
 */
int shdev_backend_register(struct shdev_backend *backend)
{
	struct shdev_backend *b;
	int ret = 0;

	if (!backend->name || !backend->ops || !backend->ops->release ||
	    !backend->ops->reclaim ||
	    !shdev_name_valid(backend->name, strlen(backend->name)))
		return -EINVAL;

	mutex_lock(&shdev_peers_lock);
	list_for_each_entry(b, &shdev_backends, node)
		if (!strcmp(b->name, backend->name))
			ret = -EEXIST;
	if (!ret)
		list_add_tail(&backend->node, &shdev_backends);
	mutex_unlock(&shdev_peers_lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(shdev_backend_register, SHDEV);

/**
 * shdev_backend_unregister() - remove a backend
 * @backend: a backend whose peers are all unregistered
 */
void shdev_backend_unregister(struct shdev_backend *backend)
{
	struct shdev_peer *peer;

	mutex_lock(&shdev_peers_lock);
	list_for_each_entry(peer, &shdev_peers, node)
		WARN(peer->backend == backend, "shdev: peer %s still registered\n",
		     peer->name);
	list_del(&backend->node);
	mutex_unlock(&shdev_peers_lock);
}
EXPORT_SYMBOL_NS_GPL(shdev_backend_unregister, SHDEV);

/**
 * shdev_peer_register() - make a peer available to take devices
 * @peer: the peer, with @name and @backend set; @backend registered
 *
 * Return: 0, -EINVAL for an invalid name or backend, -EEXIST when the
 * name is taken.
 */
int shdev_peer_register(struct shdev_peer *peer)
{
	struct shdev_backend *b;
	struct shdev_peer *p;
	bool known = false;
	int ret = 0;

	if (!peer->name || !shdev_name_valid(peer->name, strlen(peer->name)))
		return -EINVAL;

	mutex_lock(&shdev_peers_lock);
	list_for_each_entry(b, &shdev_backends, node)
		known |= b == peer->backend;
	list_for_each_entry(p, &shdev_peers, node)
		if (!strcmp(p->name, peer->name) || p == peer)
			ret = -EEXIST;
	if (!known)
		ret = -EINVAL;
	if (!ret) {
		kref_init(&peer->ref);
		peer->registered = true;
		list_add_tail(&peer->node, &shdev_peers);
	}
	mutex_unlock(&shdev_peers_lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(shdev_peer_register, SHDEV);

/**
 * shdev_peer_walk() - walk the devices a peer holds
 * @peer: the peer
 * @fn: called for each device @peer holds (its unit releasing, remote,
 *	reclaiming or lost), with the unit locked: it must not start a
 *	transfer
 * @data: passed to @fn
 *
 * Lets a backend know exactly what a peer has, for instance before it
 * tears the peer down.
 *
 * Context: process context.
 * Return: 0, or the first non-zero value @fn returned, which stops the walk.
 */
int shdev_peer_walk(struct shdev_peer *peer, shdev_device_fn fn, void *data)
{
	struct shdev **all;
	unsigned int i, n;
	int ret = 0;

	all = shdev_get_all(&n);
	if (IS_ERR(all))
		return PTR_ERR(all);
	for (i = 0; i < n; i++) {
		struct shdev_unit *u = all[i]->unit;

		mutex_lock(&u->lock);
		if (!ret && u->peer == peer && !list_empty(&all[i]->node))
			ret = fn(all[i], data);
		mutex_unlock(&u->lock);
	}
	shdev_put_all(all, n);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(shdev_peer_walk, SHDEV);

/**
 * shdev_peer_died() - a peer is gone; take back what it held
 * @peer: the peer
 *
 * Reclaims every unit @peer holds, each member sanitized before its driver
 * resumes.  Units whose reclaim fails stay %SHDEV_LOST.  The peer stays
 * registered and may take devices again (a restarted VM).
 *
 * Context: process context; returns when every reclaim has run.
 * Return: the number of devices @peer still holds (whose reclaim failed).
 */
unsigned int shdev_peer_died(struct shdev_peer *peer)
{
	struct shdev **all;
	unsigned int i, n, held = 0;

	all = shdev_get_all(&n);
	if (IS_ERR(all))
		return UINT_MAX;
	for (i = 0; i < n; i++) {
		struct shdev *sd = all[i];
		struct shdev_unit *u = sd->unit;

		mutex_lock(&u->lock);
		if (u->state != SHDEV_LOCAL && u->peer == peer) {
			dev_warn(&sd->pdev->dev, "peer %s died; reclaiming\n",
				 peer->name);
			/* Sanitize only if the peer had the devices. */
			if (u->done == shdev_slots(u))
				shdev_taint(u);
			__shdev_reclaim(u);
		}
		held += u->state != SHDEV_LOCAL && u->peer == peer;
		mutex_unlock(&u->lock);
	}
	shdev_put_all(all, n);
	return held;
}
EXPORT_SYMBOL_NS_GPL(shdev_peer_died, SHDEV);

/**
 * shdev_peer_unregister() - remove a peer
 * @peer: the peer
 *
 * The peer can no longer be found nor given a device, and what it holds
 * is reclaimed as after its death.  A unit whose reclaim fails stays
 * %SHDEV_LOST and keeps the peer, and its backend's module, until a later
 * reclaim succeeds; &shdev_peer.release frees the peer after that.
 *
 * Context: process context.
 */
void shdev_peer_unregister(struct shdev_peer *peer)
{
	unsigned int held;

	mutex_lock(&shdev_peers_lock);
	list_del(&peer->node);
	peer->registered = false;
	mutex_unlock(&shdev_peers_lock);

	held = shdev_peer_died(peer);
	if (held)
		pr_warn("peer %s unregistered while it holds %u device(s): lost until reclaimed\n",
			peer->name, held);
	kref_put(&peer->ref, shdev_peer_release_ref);
}
EXPORT_SYMBOL_NS_GPL(shdev_peer_unregister, SHDEV);
