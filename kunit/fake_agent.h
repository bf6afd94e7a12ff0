/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An agent of the uapi backend inside the kernel, for KUnit: it opens the
 * agent's misc device through a device node, as a VMM opens
 * /dev/shdev-agent, and reads and writes it with kernel_read() and
 * kernel_write().
 */
#ifndef __SHDEV_KUNIT_FAKE_AGENT_H
#define __SHDEV_KUNIT_FAKE_AGENT_H

#include <kunit/test.h>
#include <linux/types.h>
#include <uapi/linux/shdev.h>

struct file;
struct shdev;
struct shdev_peer;

struct file *ka_open(int flags);
void ka_close(struct file *file);
struct file *ka_open_kunit(struct kunit *test);
int ka_add_peer(struct file *file, const char *name, u64 id, bool untrusted);
int ka_set_timeout(struct file *file, u32 ms);
ssize_t ka_read(struct file *file, struct shdev_agent_request *req);
bool ka_wait_readable(struct file *file, unsigned int ms);
int ka_wait_request(struct file *file, struct shdev_agent_request *req,
		    unsigned int ms);
ssize_t ka_answer(struct file *file, u64 seq, s32 error);

int ka_start(struct kunit *test, u32 timeout_ms);
void ka_kill(void);
struct file *ka_file(void);
void ka_fail(bool reclaim, unsigned int at);
void ka_stall(bool on);
u64 ka_calls(void);
unsigned int ka_held(const struct shdev_peer *peer, const struct shdev *sd);

#endif /* __SHDEV_KUNIT_FAKE_AGENT_H */
