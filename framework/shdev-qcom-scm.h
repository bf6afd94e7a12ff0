/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shdev Qualcomm SCM backend: the seam between the backend and the
 * firmware, so that KUnit can put a fake SCM in its place.
 */
#ifndef __SHDEV_QCOM_SCM_H
#define __SHDEV_QCOM_SCM_H

#include <linux/types.h>

struct qcom_scm_vmperm;

/**
 * struct shdev_qcom_scm_ops - the firmware calls the backend makes
 * @available: whether the SCM interface is up; the backend's probe waits
 *	for it
 * @assign_mem: reassign one physically contiguous range, as
 *	qcom_scm_assign_mem() does: @srcvm points to the bitmap of the
 *	range's current owners (bit n for VMID n), @newvm to @dest_cnt new
 *	owners with their permissions.  Returns 0 on success, with *@srcvm
 *	set to the bitmap of the new owners; a negative error code or a
 *	positive firmware code on failure, with *@srcvm left alone.
 */
struct shdev_qcom_scm_ops {
	bool (*available)(void);
	int (*assign_mem)(phys_addr_t addr, size_t size, u64 *srcvm,
			  const struct qcom_scm_vmperm *newvm,
			  unsigned int dest_cnt);
};

#if IS_ENABLED(CONFIG_KUNIT)
void shdev_qcom_scm_set_ops(const struct shdev_qcom_scm_ops *ops);
#endif

#endif /* __SHDEV_QCOM_SCM_H */
