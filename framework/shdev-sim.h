/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shdev simulated backend: knobs for tests.  Tests set faults on their own
 * peers (shdev_sim_peer_faults()); administrators set them for every other
 * peer in debugfs, under shdev/sim/, as shdev_sim_set_faults() does.
 */
#ifndef __SHDEV_SIM_H
#define __SHDEV_SIM_H

#include <linux/types.h>

struct shdev;
struct shdev_backend;
struct shdev_peer;

/**
 * struct shdev_sim_faults - faults the simulated backend injects
 * @fail_release_at: fail a release when moving the device's resource
 *	number @fail_release_at (counted from 1); 0 for never
 * @fail_reclaim_at: the same for a reclaim
 * @delay_us: sleep this long in every release and reclaim
 * @fail_dev: if set, the name of the only device the failures apply to;
 *	with fewer resources than the failing one, it fails after the last
 * @bad_evidence: attestation finds the evidence of every offered device
 *	invalid (-EKEYREJECTED)
 */
struct shdev_sim_faults {
	u32 fail_release_at;
	u32 fail_reclaim_at;
	u32 delay_us;
	const char *fail_dev;
	bool bad_evidence;
};

struct shdev_backend *shdev_sim_backend(void);
void shdev_sim_set_faults(const struct shdev_sim_faults *faults);
int shdev_sim_peer_faults(const struct shdev_peer *peer,
			  const struct shdev_sim_faults *faults);
unsigned int shdev_sim_held(const struct shdev_peer *peer,
			    const struct shdev *sd);
u64 shdev_sim_calls(void);
int shdev_sim_vote(struct shdev_peer *peer, struct shdev *sd);
unsigned int shdev_sim_votes(const struct shdev *sd);
u64 shdev_sim_attestations(void);

#endif /* __SHDEV_SIM_H */
