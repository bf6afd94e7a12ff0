/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake Qualcomm SCM for the qcom-scm backend's KUnit tests, in place of
 * the firmware behind the backend's seam.  It records every "assign
 * memory" call, fails the calls it is told to, and keeps what firmware
 * keeps: the owners of every 4 KiB page.  Like firmware, it refuses a
 * call whose source owners are not the page's current owners; like
 * qcom_scm_assign_mem() with "firmware: qcom: scm: Fix
 * qcom_scm_assign_mem() for VMIDs 31 and above", it rewrites the caller's
 * owner bitmap with the new owners, in 64 bits, when the call succeeds,
 * and leaves it alone when it fails.  The backend keeps that answer, so a
 * wrong one would show as a refused call.
 */
#ifndef __SHDEV_KUNIT_FAKE_SCM_H
#define __SHDEV_KUNIT_FAKE_SCM_H

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/types.h>

struct shdev;
struct shdev_peer;

#define KS_VMID_LINUX	3		/* QCOM_SCM_VMID_HLOS */
#define KS_LINUX	BIT_ULL(KS_VMID_LINUX)
#define KS_PAGE		0x1000
#define KS_DENIED	0x5		/* the fake firmware's refusal code */

/**
 * struct ks_call - one "assign memory" call, as the fake saw it
 * @addr: start of the range
 * @size: its size
 * @src: the owner bitmap passed in
 * @dest: the first new owner's VMID
 * @perm: its permissions
 * @nr_dest: number of new owners
 * @ret: what the fake answered
 */
struct ks_call {
	phys_addr_t addr;
	size_t size;
	u64 src;
	int dest;
	int perm;
	unsigned int nr_dest;
	int ret;
};

void ks_install(struct kunit *test);
void ks_fail(u64 calls, int ret);
void ks_own(phys_addr_t addr, size_t size, u64 owners);
unsigned int ks_nr_calls(void);
struct ks_call ks_call(unsigned int n);
u64 ks_owners(phys_addr_t addr);
unsigned int ks_held(const struct shdev_peer *peer, const struct shdev *sd);

#endif /* __SHDEV_KUNIT_FAKE_SCM_H */
