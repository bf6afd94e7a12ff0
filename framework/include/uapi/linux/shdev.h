/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Shared platform devices: the protocol of the uapi backend's agent.
 *
 * One privileged process, the agent (a VMM, or a hypervisor's resource
 * manager client), opens /dev/shdev-agent, declares the peers it speaks
 * for, then reads requests (struct shdev_agent_request) and writes one
 * answer (struct shdev_agent_answer) for each.  See
 * Documentation/driver-api/shdev/backends.rst.
 *
 * The device file.  For each device it is asked to release, the agent gets
 * a file of the device, as VFIO gives a device fd, through which a VMM
 * hands the device to its guest:
 *
 *  1. read() a %SHDEV_AGENT_RELEASE request, seq N;
 *  2. %SHDEV_AGENT_IOC_DEVICE_FD with N returns a new file descriptor
 *     (close-on-exec) of the device; each call returns another one;
 *  3. %SHDEV_DEVICE_GET_INFO, then %SHDEV_DEVICE_GET_REGION_INFO for each
 *     region and %SHDEV_DEVICE_GET_IRQ_INFO for each interrupt.  Regions
 *     are the request's %SHDEV_AGENT_RES_MEM and %SHDEV_AGENT_RES_IO
 *     resources, and interrupts its %SHDEV_AGENT_RES_IRQ ones, each
 *     numbered from 0 in the request's order;
 *  4. mmap() each MMIO region at its &shdev_region_info.offset (a KVM
 *     memory slot at guest address &shdev_region_info.start); pread() and
 *     pwrite() each I/O port region at its offset plus the port's offset
 *     in the region, 1, 2 or 4 bytes at a time (for KVM_EXIT_IO); give
 *     each interrupt an eventfd with %SHDEV_DEVICE_SET_IRQ (for
 *     KVM_IRQFD).  The kernel signals the eventfd each time the line fires
 *     while the peer owns the device; a level-triggered line is masked
 *     when it fires (%SHDEV_IRQ_INFO_AUTOMASKED) until the agent unmasks
 *     it, once the guest has handled it;
 *  5. write() the answer to request N.
 *
 * The file is valid from the read of the release request until the
 * kernel revokes it, which it does itself, before Linux's driver touches
 * the device again: when the device is reclaimed (before the reclaim
 * request is sent; the reclaim completes when the kernel has revoked,
 * whether or not the agent answers in time), when the release fails
 * (answered with an error, timed out or interrupted) and when the agent's
 * file is closed.  Revoking zaps every mapping of the device file (an
 * access then gets SIGBUS, and KVM's MMU notifiers drop the guest's
 * mappings with it), gives the interrupts back to Linux and stops
 * signalling their eventfds; from then on every call on the file,
 * pread(), pwrite(), mmap() and the ioctls, fails with -ENODEV.  Close it.
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

/*
 * Trigger of an interrupt, in &shdev_agent_resource.flags and
 * &shdev_irq_info.trigger: the values of Devicetree's interrupt specifiers
 * (IRQ_TYPE_*).  0 when unknown.
 */
#define SHDEV_AGENT_IRQ_EDGE_RISING	0x1
#define SHDEV_AGENT_IRQ_EDGE_FALLING	0x2
#define SHDEV_AGENT_IRQ_LEVEL_HIGH	0x4
#define SHDEV_AGENT_IRQ_LEVEL_LOW	0x8

/**
 * struct shdev_agent_resource - one resource of a device
 * @start: first address of an MMIO or I/O port range, or the interrupt's
 *	hardware line: its number in its interrupt controller (hwirq: the GSI
 *	of an x86 IO-APIC line, as KVM_IRQFD takes it; the interrupt
 *	specifier's number in Devicetree), never Linux's interrupt number
 * @size: length of the range in bytes; 1 for an interrupt
 * @type: %SHDEV_AGENT_RES_MEM, %SHDEV_AGENT_RES_IRQ or %SHDEV_AGENT_RES_IO
 * @flags: for an interrupt, its trigger (%SHDEV_AGENT_IRQ_EDGE_RISING...);
 *	zero otherwise
 */
struct shdev_agent_resource {
	__u64 start;
	__u64 size;
	__u32 type;
	__u32 flags;
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
/*
 * A file of the device of release request seq (__u64): returns a new file
 * descriptor, close-on-exec.  -ENOENT for a seq that is not a release
 * request read by this agent whose device is still away and not revoked.
 */
#define SHDEV_AGENT_IOC_DEVICE_FD \
	_IOW(SHDEV_AGENT_IOC_MAGIC, 0x02, __u64)

/**
 * struct shdev_device_info - what the device file gives
 * @num_regions: regions, indexes 0 to @num_regions - 1
 * @num_irqs: interrupts, indexes 0 to @num_irqs - 1
 * @reserved: zero
 *
 * Result of %SHDEV_DEVICE_GET_INFO.
 */
struct shdev_device_info {
	__u32 num_regions;
	__u32 num_irqs;
	__u32 reserved[2];
};

/* struct shdev_region_info flags */
#define SHDEV_REGION_READ		(1U << 0)	/* pread() */
#define SHDEV_REGION_WRITE		(1U << 1)	/* pwrite() */
#define SHDEV_REGION_MMAP		(1U << 2)	/* mmap() */

/**
 * struct shdev_region_info - one region of the device file
 * @index: the region, set by the caller
 * @type: %SHDEV_AGENT_RES_MEM or %SHDEV_AGENT_RES_IO
 * @flags: %SHDEV_REGION_READ, %SHDEV_REGION_WRITE, %SHDEV_REGION_MMAP:
 *	an MMIO range is mapped (when its start and size are multiples of
 *	the page size), an I/O port range is read and written
 * @reserved: zero
 * @size: length of the region in bytes
 * @offset: the file offset of the region's first byte, for mmap(),
 *	pread() and pwrite()
 * @start: the region's physical address, or its first I/O port: where
 *	the device's driver finds it, so where a VMM puts it in its guest
 *
 * Argument and result of %SHDEV_DEVICE_GET_REGION_INFO.  MMIO is mapped
 * uncached.  An I/O port region is read and written 1, 2 or 4 bytes at a
 * time, each access within the region.
 */
struct shdev_region_info {
	__u32 index;
	__u32 type;
	__u32 flags;
	__u32 reserved;
	__u64 size;
	__u64 offset;
	__u64 start;
};

/* struct shdev_irq_info flags */
#define SHDEV_IRQ_INFO_EVENTFD		(1U << 0)	/* signals an eventfd */
#define SHDEV_IRQ_INFO_MASKABLE		(1U << 1)	/* MASK and UNMASK */
#define SHDEV_IRQ_INFO_AUTOMASKED	(1U << 2)	/* masked as it fires */

/**
 * struct shdev_irq_info - one interrupt of the device file
 * @index: the interrupt, set by the caller
 * @flags: %SHDEV_IRQ_INFO_EVENTFD, %SHDEV_IRQ_INFO_MASKABLE and, for a
 *	level-triggered line, %SHDEV_IRQ_INFO_AUTOMASKED
 * @line: the hardware line, as &shdev_agent_resource.start gives it
 * @trigger: %SHDEV_AGENT_IRQ_EDGE_RISING...; 0 when unknown
 *
 * Argument and result of %SHDEV_DEVICE_GET_IRQ_INFO.
 */
struct shdev_irq_info {
	__u32 index;
	__u32 flags;
	__u32 line;
	__u32 trigger;
};

/* struct shdev_irq_set actions */
#define SHDEV_IRQ_SET_EVENTFD		1	/* signal @fd; -1: stop */
#define SHDEV_IRQ_SET_MASK		2	/* hold the line off */
#define SHDEV_IRQ_SET_UNMASK		3	/* let it fire again */

/**
 * struct shdev_irq_set - what to do with one interrupt
 * @index: the interrupt
 * @action: %SHDEV_IRQ_SET_EVENTFD, %SHDEV_IRQ_SET_MASK or
 *	%SHDEV_IRQ_SET_UNMASK
 * @fd: for %SHDEV_IRQ_SET_EVENTFD, the eventfd to signal when the line
 *	fires, or -1 to stop signalling (the line is then held off); -1
 *	for the other actions
 * @reserved: zero
 *
 * Argument of %SHDEV_DEVICE_SET_IRQ.  A line without an eventfd, or
 * masked, is held off: it fires neither an eventfd nor Linux's driver.
 * A line is unmasked when it gets its eventfd.
 */
struct shdev_irq_set {
	__u32 index;
	__u32 action;
	__s32 fd;
	__u32 reserved;
};

/* The device file's ioctls. */
#define SHDEV_DEVICE_GET_INFO \
	_IOR(SHDEV_AGENT_IOC_MAGIC, 0x10, struct shdev_device_info)
#define SHDEV_DEVICE_GET_REGION_INFO \
	_IOWR(SHDEV_AGENT_IOC_MAGIC, 0x11, struct shdev_region_info)
#define SHDEV_DEVICE_GET_IRQ_INFO \
	_IOWR(SHDEV_AGENT_IOC_MAGIC, 0x12, struct shdev_irq_info)
#define SHDEV_DEVICE_SET_IRQ \
	_IOW(SHDEV_AGENT_IOC_MAGIC, 0x13, struct shdev_irq_set)

#endif /* _UAPI_LINUX_SHDEV_H */
