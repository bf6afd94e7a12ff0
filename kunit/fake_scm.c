// SPDX-License-Identifier: GPL-2.0
/*
 * The fake SCM of fake_scm.h, for the qcom-scm backend's KUnit tests.
 */

#include <kunit/resource.h>
#include <linux/align.h>
#include <linux/firmware/qcom/qcom_scm.h>
#include <linux/ioport.h>
#include <linux/mutex.h>
#include <linux/shdev.h>
#include <linux/shdev-backend.h>

#include "fake_scm.h"
#include "../shdev-qcom-scm.h"

#define KS_MAX_CALLS	128
#define KS_MAX_PAGES	256

/* A page that Linux alone does not own. */
struct ks_page {
	phys_addr_t addr;
	u64 owners;
};

static DEFINE_MUTEX(ks_lock);
static struct ks_call ks_calls[KS_MAX_CALLS];
static unsigned int ks_calls_nr;
static unsigned int ks_fail_base;	/* calls made when ks_fail() was */
static u64 ks_fail_calls;
static int ks_fail_ret;
static struct ks_page ks_pages[KS_MAX_PAGES];
static unsigned int ks_pages_nr;

static struct ks_page *ks_page(phys_addr_t addr)
{
	unsigned int i;

	for (i = 0; i < ks_pages_nr; i++)
		if (ks_pages[i].addr == addr)
			return &ks_pages[i];
	return NULL;
}

static u64 ks_page_owners(phys_addr_t addr)
{
	struct ks_page *p = ks_page(addr);

	return p ? p->owners : KS_LINUX;
}

static void ks_page_set(phys_addr_t addr, u64 owners)
{
	struct ks_page *p = ks_page(addr);

	if (!p) {
		p = &ks_pages[ks_pages_nr++];
		p->addr = addr;
	}
	p->owners = owners;
	if (owners == KS_LINUX)
		*p = ks_pages[--ks_pages_nr];
}

static bool ks_available(void)
{
	return true;
}

static int ks_assign_mem(phys_addr_t addr, size_t size, u64 *srcvm,
			 const struct qcom_scm_vmperm *newvm,
			 unsigned int dest_cnt)
{
	unsigned int i, n, fresh = 0;
	struct ks_call *c = NULL;
	u64 owners = 0;
	phys_addr_t a;
	int ret = 0;

	mutex_lock(&ks_lock);
	n = ks_calls_nr++;
	if (n < KS_MAX_CALLS) {
		c = &ks_calls[n];
		*c = (struct ks_call) {
			.addr = addr,
			.size = size,
			.src = *srcvm,
			.dest = dest_cnt ? newvm[0].vmid : -1,
			.perm = dest_cnt ? newvm[0].perm : 0,
			.nr_dest = dest_cnt,
		};
	}
	n -= ks_fail_base;
	if (n < 64 && (ks_fail_calls & BIT_ULL(n))) {
		ret = ks_fail_ret;
		goto out;
	}

	/* What firmware refuses. */
	if (!size || !IS_ALIGNED(addr, KS_PAGE) || !IS_ALIGNED(size, KS_PAGE) ||
	    !dest_cnt || size / KS_PAGE > KS_MAX_PAGES) {
		ret = KS_DENIED;
		goto out;
	}
	for (i = 0; i < dest_cnt; i++) {
		if (newvm[i].vmid < 0 || newvm[i].vmid >= 64) {
			ret = KS_DENIED;
			goto out;
		}
		owners |= BIT_ULL(newvm[i].vmid);
	}
	for (a = addr; a - addr < size; a += KS_PAGE) {
		if (ks_page_owners(a) != *srcvm) {
			ret = KS_DENIED;
			goto out;
		}
		fresh += !ks_page(a);
	}
	if (owners != KS_LINUX && ks_pages_nr + fresh > KS_MAX_PAGES) {
		ret = -ENOSPC;
		goto out;
	}

	for (a = addr; a - addr < size; a += KS_PAGE)
		ks_page_set(a, owners);
	/* As the fixed helper does, in 64 bits; left alone on a failure. */
	*srcvm = owners;
out:
	if (c)
		c->ret = ret;
	mutex_unlock(&ks_lock);
	return ret;
}

static const struct shdev_qcom_scm_ops ks_ops = {
	.available = ks_available,
	.assign_mem = ks_assign_mem,
};

static void ks_uninstall(void *unused)
{
	shdev_qcom_scm_set_ops(NULL);
}

/* A fresh fake, in place of the firmware until the test ends. */
void ks_install(struct kunit *test)
{
	mutex_lock(&ks_lock);
	ks_calls_nr = 0;
	ks_fail_base = 0;
	ks_fail_calls = 0;
	ks_pages_nr = 0;
	mutex_unlock(&ks_lock);
	shdev_qcom_scm_set_ops(&ks_ops);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ks_uninstall,
							NULL), 0);
}

/* The firmware gave [@addr, @addr + @size) to @owners before Linux ran. */
void ks_own(phys_addr_t addr, size_t size, u64 owners)
{
	phys_addr_t a;

	mutex_lock(&ks_lock);
	for (a = addr; a - addr < size && ks_pages_nr < KS_MAX_PAGES;
	     a += KS_PAGE)
		ks_page_set(a, owners);
	mutex_unlock(&ks_lock);
}

/* Fail call n + 1 from now for each bit n of @calls, returning @ret. */
void ks_fail(u64 calls, int ret)
{
	mutex_lock(&ks_lock);
	ks_fail_base = ks_calls_nr;
	ks_fail_calls = calls;
	ks_fail_ret = ret;
	mutex_unlock(&ks_lock);
}

unsigned int ks_nr_calls(void)
{
	unsigned int n;

	mutex_lock(&ks_lock);
	n = ks_calls_nr;
	mutex_unlock(&ks_lock);
	return n;
}

/* Call @n, counted from 0 since ks_install(). */
struct ks_call ks_call(unsigned int n)
{
	struct ks_call c = { .ret = -ENOENT };

	mutex_lock(&ks_lock);
	if (n < min(ks_calls_nr, KS_MAX_CALLS))
		c = ks_calls[n];
	mutex_unlock(&ks_lock);
	return c;
}

/* The owners of the page at @addr, as the fake firmware knows them. */
u64 ks_owners(phys_addr_t addr)
{
	u64 owners;

	mutex_lock(&ks_lock);
	owners = ks_page_owners(ALIGN_DOWN(addr, KS_PAGE));
	mutex_unlock(&ks_lock);
	return owners;
}

/*
 * How many MMIO ranges of @sd the firmware gives wholly to @peer alone, or
 * with a NULL @peer, how many are not wholly Linux's.
 */
unsigned int ks_held(const struct shdev_peer *peer, const struct shdev *sd)
{
	unsigned int i, n = 0;

	mutex_lock(&ks_lock);
	for (i = 0; i < shdev_num_resources(sd); i++) {
		const struct resource *res = shdev_get_resource(sd, i);
		bool peers = true, away = false;
		phys_addr_t a;

		if (resource_type(res) != IORESOURCE_MEM)
			continue;
		for (a = ALIGN_DOWN(res->start, KS_PAGE); a <= res->end;
		     a += KS_PAGE) {
			u64 owners = ks_page_owners(a);

			away |= owners != KS_LINUX;
			peers &= peer && owners == BIT_ULL(peer->id);
		}
		n += peer ? peers : away;
	}
	mutex_unlock(&ks_lock);
	return n;
}
