/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Shared platform devices: the protocol of the uapi backend's agent.
 *
 * One privileged process, the agent (a VMM, or a hypervisor's resource
 * manager client), opens /dev/shdev-agent, declares the peers it speaks
 * for, then reads requests (struct shdev_agent_request) and writes one
 * answer (struct shdev_agent_answer) for each.  See
 * Documentation/driver-api/shdev/backends.rst.
 */
#ifndef _UAPI_LINUX_SHDEV_H
#define _UAPI_LINUX_SHDEV_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Length of the name fields, their terminating NUL included. */
#define SHDEV_AGENT_NAME_LEN		40
#define SHDEV_AGENT_DEVICE_LEN		64
/* Resources of one request, at most. */
#define SHDEV_AGENT_MAX_RESOURCES	16

/* struct shdev_agent_peer flags */
#define SHDEV_AGENT_PEER_UNTRUSTED	(1U << 0)

/**
 * struct shdev_agent_peer - a peer the agent speaks for
 * @id: the peer's identifier in the hypervisor (a VMID, a partition ID)
 * @flags: %SHDEV_AGENT_PEER_UNTRUSTED when devices given to the peer must
 *	be sanitized first; no other bit may be set
 * @reserved: must be zero
 * @name: the peer's name, NUL-terminated: what an administrator writes
 *	to a device's ``ownership`` attribute to give it the device
 *
 * Argument of %SHDEV_AGENT_IOC_ADD_PEER.
 */
struct shdev_agent_peer {
	__u64 id;
	__u32 flags;
	__u32 reserved;
	char name[SHDEV_AGENT_NAME_LEN];
};

/* struct shdev_agent_resource types */
#define SHDEV_AGENT_RES_MEM		1	/* an MMIO range */
#define SHDEV_AGENT_RES_IRQ		2	/* an interrupt */
#define SHDEV_AGENT_RES_IO		3	/* an I/O port range */

/**
 * struct shdev_agent_resource - one resource of a device
 * @start: first address of an MMIO or I/O port range, or the interrupt
 *	number (Linux's)
 * @size: length of the range in bytes; 1 for an interrupt
 * @type: %SHDEV_AGENT_RES_MEM, %SHDEV_AGENT_RES_IRQ or %SHDEV_AGENT_RES_IO
 * @reserved: zero
 */
struct shdev_agent_resource {
	__u64 start;
	__u64 size;
	__u32 type;
	__u32 reserved;
};

/* struct shdev_agent_request ops */
#define SHDEV_AGENT_RELEASE		1	/* give the device to the peer */
#define SHDEV_AGENT_RECLAIM		2	/* take it back from the peer */

/**
 * struct shdev_agent_request - a request to the agent, as read()
 * @seq: the request's sequence number, which its answer repeats; never 0
 *	and never reused
 * @peer_id: &shdev_agent_peer.id of the peer
 * @op: %SHDEV_AGENT_RELEASE or %SHDEV_AGENT_RECLAIM
 * @nr_resources: entries of @resources in use
 * @reserved: zero
 * @peer: the peer's name, NUL-terminated
 * @device: the device's name in Linux, NUL-terminated
 * @resources: the device's resources
 *
 * A release asks the agent to hand every resource to the peer, all or
 * nothing: on error it must have undone what it did.  A reclaim asks it to
 * take every resource back; it is also sent after a release that timed
 * out once the agent had read it, for the agent may have done part of it.
 */
struct shdev_agent_request {
	__u64 seq;
	__u64 peer_id;
	__u32 op;
	__u32 nr_resources;
	__u32 reserved[2];
	char peer[SHDEV_AGENT_NAME_LEN];
	char device[SHDEV_AGENT_DEVICE_LEN];
	struct shdev_agent_resource resources[SHDEV_AGENT_MAX_RESOURCES];
};

/**
 * struct shdev_agent_answer - the answer to a request, as write()
 * @seq: &shdev_agent_request.seq of the request answered
 * @error: 0 when done, or a negative errno value (-EIO, -ENOMEM...)
 * @reserved: must be zero
 */
struct shdev_agent_answer {
	__u64 seq;
	__s32 error;
	__u32 reserved;
};

#define SHDEV_AGENT_IOC_MAGIC		0xB9

/* Declare a peer (struct shdev_agent_peer). */
#define SHDEV_AGENT_IOC_ADD_PEER \
	_IOW(SHDEV_AGENT_IOC_MAGIC, 0x00, struct shdev_agent_peer)
/* How long a request waits for its answer: 1 to 600000 milliseconds. */
#define SHDEV_AGENT_IOC_SET_TIMEOUT \
	_IOW(SHDEV_AGENT_IOC_MAGIC, 0x01, __u32)

#endif /* _UAPI_LINUX_SHDEV_H */
