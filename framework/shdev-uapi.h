/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shdev uapi backend: what the backend (uapi.c), the agent's file
 * (uapi-agent.c) and the device file (uapi-dev.c) give each other, and
 * the seams through which KUnit plays the agent from inside the kernel.
 * A kernel thread reads and writes the agent's file with kernel_read()
 * and kernel_write() as a process would; only the ioctls, whose argument
 * is a user pointer, need a way in with a kernel pointer, and the file
 * needs a device number to be opened by.
 */
#ifndef __SHDEV_UAPI_H
#define __SHDEV_UAPI_H

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/shdev-backend.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <uapi/linux/shdev.h>

struct file;
struct resource;
struct uapi_dev;
struct uapi_agent;

struct uapi_peer {
	struct shdev_peer peer;
	char name[SHDEV_NAME_MAX + 1];
	struct uapi_agent *agent;	/* that declared it; under shdev_uapi_lock */
	struct list_head node;
};

/*
 * A request in flight: on the agent's queue until it is read, then on its
 * sent list until it is answered, times out or the agent goes away.
 */
struct uapi_req {
	struct shdev_agent_request msg;
	struct uapi_dev *vd;	/* a release's device file */
	struct completion done;
	struct list_head node;
	bool sent;		/* the agent read it */
	bool answered;		/* off the lists; @error or @gone says how */
	bool gone;		/* the agent went away first */
	int error;
};

/*
 * A device the peer may hold something of, from the start of its release
 * until its reclaim: @seq is the release request's, whose device file
 * @vd is.
 */
struct uapi_hold {
	const struct shdev *sd;
	struct uapi_peer *peer;
	u64 seq;
	struct uapi_dev *vd;
	struct list_head node;
};

/**
 * struct uapi_agent - the process that answers requests
 * @wq: where a reader waits for a request
 * @queue: requests not read yet
 * @sent: requests read, not answered yet
 * @timeout: how long a request waits, in jiffies
 * @dead: the file is being closed: no request is sent anymore
 * @peers_lock: serializes @peers
 * @peers: the peers the agent declared, struct uapi_peer
 */
struct uapi_agent {
	wait_queue_head_t wq;
	struct list_head queue;
	struct list_head sent;
	unsigned long timeout;
	bool dead;
	struct mutex peers_lock;	/* serializes @peers */
	struct list_head peers;
};

/*
 * Protects the agent pointer, the agent's request lists and @timeout, the
 * holds, the peers' agents and the sequence.  Never held while calling
 * into the core nor while waiting for an answer; the core's transfer lock
 * is taken before it.
 */
extern struct mutex shdev_uapi_lock;
extern struct uapi_agent *shdev_uapi_agent;	/* the one listening */
extern struct list_head shdev_uapi_holds;	/* struct uapi_hold */
extern struct shdev_backend shdev_uapi_backend;

/* uapi-agent.c */
int uapi_agent_register(void);
void uapi_agent_unregister(void);

/* uapi-dev.c */
void uapi_irq_hw(unsigned int irq, u64 *line, u32 *trigger);
struct uapi_dev *uapi_dev_new(const struct resource *res, unsigned int n);
struct file *uapi_dev_file(struct uapi_dev *vd);
void uapi_dev_revoke(struct uapi_dev *vd);
void uapi_dev_get(struct uapi_dev *vd);
void uapi_dev_put(struct uapi_dev *vd);

/**
 * struct shdev_uapi_pio - port accessors of the device file
 * @in: read @size (1, 2 or 4) bytes at @port
 * @out: write them
 */
struct shdev_uapi_pio {
	u32 (*in)(unsigned long port, unsigned int size);
	void (*out)(unsigned long port, unsigned int size, u32 val);
};

#if IS_ENABLED(CONFIG_KUNIT)
long shdev_uapi_kernel_ioctl(struct file *file, unsigned int cmd, void *arg);
dev_t shdev_uapi_devt(void);
struct file *shdev_uapi_device_file(struct file *agent, u64 seq);
void shdev_uapi_set_pio(const struct shdev_uapi_pio *pio);
long shdev_uapi_dev_kernel_ioctl(struct file *file, unsigned int cmd,
				 void *arg);
int shdev_uapi_dev_arm(struct file *file, unsigned int index);
u64 shdev_uapi_dev_fired(struct file *file, unsigned int index);
#endif

#endif /* __SHDEV_UAPI_H */
