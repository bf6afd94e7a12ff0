// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the framebuffer consumer: a framebuffer of the test's own
 * fbdev driver below the fake shared device, its /dev/fbN opened through a
 * device node and used as a process uses it, from a user address space.
 * The driver's fb_ops record what reaches "the hardware".
 */

#include <kunit/test.h>
#include <linux/console.h>
#include <linux/fb.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/major.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/namei.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "fake.h"

#define KF_XRES		16
#define KF_YRES		16
#define KF_IOCTL	_IO('F', 0xf0)	/* a driver's own ioctl */
#define KF_SIZE		(2 * PAGE_SIZE)

/* What reached the test's framebuffer driver. */
struct kf_hw {
	unsigned int opens;
	unsigned int reads;
	unsigned int writes;
	unsigned int set_par;
	unsigned int pans;
	unsigned int blanks;
	unsigned int colregs;
	unsigned int ioctls;
	bool own_vm_ops;	/* fb_mmap() sets operations of its own */
};

static struct kf_hw *kf_hw(struct fb_info *info)
{
	return info->par;
}

static int kf_open(struct fb_info *info, int user)
{
	kf_hw(info)->opens++;
	return 0;
}

static ssize_t kf_read(struct fb_info *info, char __user *buf, size_t count,
		       loff_t *ppos)
{
	kf_hw(info)->reads++;
	return count;
}

static ssize_t kf_write(struct fb_info *info, const char __user *buf,
			size_t count, loff_t *ppos)
{
	kf_hw(info)->writes++;
	return count;
}

static int kf_check_var(struct fb_var_screeninfo *var, struct fb_info *info)
{
	return 0;
}

static int kf_set_par(struct fb_info *info)
{
	kf_hw(info)->set_par++;
	return 0;
}

static int kf_pan_display(struct fb_var_screeninfo *var, struct fb_info *info)
{
	kf_hw(info)->pans++;
	return 0;
}

static int kf_blank(int blank, struct fb_info *info)
{
	kf_hw(info)->blanks++;
	return 0;
}

static int kf_setcolreg(unsigned int regno, unsigned int red,
			unsigned int green, unsigned int blue,
			unsigned int transp, struct fb_info *info)
{
	kf_hw(info)->colregs++;
	return 0;
}

static int kf_ioctl(struct fb_info *info, unsigned int cmd, unsigned long arg)
{
	kf_hw(info)->ioctls++;
	return cmd == KF_IOCTL ? 0 : -ENOTTY;
}

static const struct vm_operations_struct kf_vm_ops = {
};

static int kf_mmap(struct fb_info *info, struct vm_area_struct *vma)
{
	int ret = remap_vmalloc_range(vma, info->screen_buffer, vma->vm_pgoff);

	if (!ret && kf_hw(info)->own_vm_ops)
		vma->vm_ops = &kf_vm_ops;
	return ret;
}

/* After the last file and mapping are gone, as a hot-unpluggable driver. */
static void kf_destroy(struct fb_info *info)
{
	vfree(info->screen_buffer);
	framebuffer_release(info);
}

static const struct fb_ops kf_ops = {
	.owner = THIS_MODULE,
	.fb_open = kf_open,
	.fb_read = kf_read,
	.fb_write = kf_write,
	.fb_check_var = kf_check_var,
	.fb_set_par = kf_set_par,
	.fb_pan_display = kf_pan_display,
	.fb_blank = kf_blank,
	.fb_setcolreg = kf_setcolreg,
	.fb_ioctl = kf_ioctl,
	.fb_mmap = kf_mmap,
	.fb_destroy = kf_destroy,
};

static void kf_unregister(void *data)
{
	unregister_framebuffer(data);
}

/* A framebuffer on @kt's device, as an fbdev driver's probe registers it. */
static struct fb_info *kf_try_add(struct kunit *test, struct kt_dev *kt,
				  int *ret)
{
	struct fb_info *info;

	info = framebuffer_alloc(sizeof(struct kf_hw), &kt->pdev->dev);
	KUNIT_ASSERT_NOT_NULL(test, info);
	info->screen_buffer = vmalloc_user(KF_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, info->screen_buffer);
	info->fbops = &kf_ops;
	info->flags = FBINFO_VIRTFB;
	strscpy(info->fix.id, "shdev-kt", sizeof(info->fix.id));
	info->fix.type = FB_TYPE_PACKED_PIXELS;
	info->fix.visual = FB_VISUAL_TRUECOLOR;
	info->fix.line_length = KF_XRES * 4;
	info->fix.smem_len = KF_SIZE;
	info->fix.ypanstep = 1;
	info->var.xres = KF_XRES;
	info->var.yres = KF_YRES;
	info->var.xres_virtual = KF_XRES;
	info->var.yres_virtual = 2 * KF_YRES;
	info->var.bits_per_pixel = 32;

	*ret = register_framebuffer(info);
	if (*ret) {
		kf_destroy(info);
		return NULL;
	}
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kf_unregister,
							info), 0);
	return info;
}

static struct fb_info *kf_add(struct kunit *test, struct kt_dev *kt)
{
	struct fb_info *info;
	int ret;

	info = kf_try_add(test, kt, &ret);
	KUNIT_ASSERT_EQ(test, ret, 0);
	return info;
}

static void kf_close(void *data)
{
	__fput_sync(data);
}

/* /dev/fbN of @info opened as a process opens it, or an error. */
static struct file *kf_try_open(struct kunit *test, struct fb_info *info)
{
	struct dentry *dentry;
	struct path path;
	struct file *f;
	char node[32];
	int ret;

	snprintf(node, sizeof(node), "/shdev-kt-fb%d", info->node);
	dentry = kern_path_create(AT_FDCWD, node, &path, 0);
	if (!IS_ERR(dentry)) {
		ret = vfs_mknod(mnt_idmap(path.mnt), d_inode(path.dentry),
				dentry, S_IFCHR | 0600,
				MKDEV(FB_MAJOR, info->node));
		done_path_create(&path, dentry);
		KUNIT_ASSERT_EQ(test, ret, 0);
	} else {
		KUNIT_ASSERT_EQ(test, PTR_ERR(dentry), -EEXIST);
	}
	f = filp_open(node, O_RDWR, 0);
	if (!IS_ERR(f))
		KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kf_close,
								f), 0);
	return f;
}

static struct file *kf_open_file(struct kunit *test, struct fb_info *info)
{
	struct file *f = kf_try_open(test, info);

	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	return f;
}

/* Memory of the test's user address space, for the file's arguments. */
struct kf_user {
	struct fb_var_screeninfo var;
	struct fb_cmap_user cmap;
	u16 rgb[3];
	char data[16];
};

static struct kf_user __user *kf_user(struct kunit *test)
{
	unsigned long addr;

	addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	return (struct kf_user __user *)addr;
}

static long kf_ioctl_arg(struct file *f, unsigned int cmd, void __user *arg)
{
	return f->f_op->unlocked_ioctl(f, cmd, (unsigned long)arg);
}

static ssize_t kf_do_write(struct file *f, struct kf_user __user *u)
{
	loff_t pos = 0;

	return f->f_op->write(f, u->data, sizeof(u->data), &pos);
}

static ssize_t kf_do_read(struct file *f, struct kf_user __user *u)
{
	loff_t pos = 0;

	return f->f_op->read(f, u->data, sizeof(u->data), &pos);
}

/*
 * Each path of the file that reaches the driver, with its result: a mode
 * set, a pan, a blank, a palette, a driver's ioctl, a read and a write.
 */
static void kf_use(struct kunit *test, struct fb_info *info, struct file *f,
		   struct kf_user __user *u, long expect)
{
	struct fb_var_screeninfo var = info->var;
	struct fb_cmap_user cmap = {
		.start = 0,
		.len = 1,
		.red = &u->rgb[0],
		.green = &u->rgb[1],
		.blue = &u->rgb[2],
	};

	var.activate = FB_ACTIVATE_NOW | FB_ACTIVATE_FORCE;
	KUNIT_ASSERT_EQ(test, copy_to_user(&u->var, &var, sizeof(var)), 0);
	KUNIT_EXPECT_EQ(test, kf_ioctl_arg(f, FBIOPUT_VSCREENINFO, &u->var),
			expect);
	var = info->var;
	var.yoffset = var.yoffset ? 0 : 1;
	KUNIT_ASSERT_EQ(test, copy_to_user(&u->var, &var, sizeof(var)), 0);
	KUNIT_EXPECT_EQ(test, kf_ioctl_arg(f, FBIOPAN_DISPLAY, &u->var),
			expect);
	KUNIT_EXPECT_EQ(test, f->f_op->unlocked_ioctl(f, FBIOBLANK,
						      FB_BLANK_UNBLANK),
			expect);
	KUNIT_ASSERT_EQ(test, copy_to_user(&u->cmap, &cmap, sizeof(cmap)), 0);
	KUNIT_EXPECT_EQ(test, kf_ioctl_arg(f, FBIOPUTCMAP, &u->cmap), expect);
	KUNIT_EXPECT_EQ(test, f->f_op->unlocked_ioctl(f, KF_IOCTL, 0), expect);
	KUNIT_EXPECT_EQ(test, kf_do_read(f, u),
			expect ? expect : (long)sizeof(u->data));
	KUNIT_EXPECT_EQ(test, kf_do_write(f, u),
			expect ? expect : (long)sizeof(u->data));
}

/* What kf_use() made reach the driver since @before. */
static void kf_expect_reached(struct kunit *test, struct fb_info *info,
			      const struct kf_hw *before, unsigned int n)
{
	const struct kf_hw *now = kf_hw(info);

	KUNIT_EXPECT_EQ(test, now->set_par - before->set_par, n);
	/* The mode set pans too, and so does FBIOPAN_DISPLAY. */
	KUNIT_EXPECT_EQ(test, now->pans - before->pans, 2 * n);
	KUNIT_EXPECT_EQ(test, now->blanks - before->blanks, n);
	KUNIT_EXPECT_GE(test, now->colregs - before->colregs, n);
	KUNIT_EXPECT_EQ(test, now->ioctls - before->ioctls, n);
	KUNIT_EXPECT_EQ(test, now->reads - before->reads, n);
	KUNIT_EXPECT_EQ(test, now->writes - before->writes, n);
}

static unsigned long kf_mmap_file(struct kunit *test, struct file *f)
{
	return kunit_vm_mmap(test, f, 0, KF_SIZE, PROT_READ | PROT_WRITE,
			     MAP_SHARED, 0);
}

/*
 * While away, nothing the file does reaches the driver and fbcon is
 * suspended; the file stays open and works again after the reclaim.
 */
static void shdev_fb_test_ops_while_away(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct fb_info *info = kf_add(test, kt);
	struct file *f = kf_open_file(test, info);
	struct kf_user __user *u = kf_user(test);
	struct fb_var_screeninfo var;
	struct kf_hw before;

	before = *kf_hw(info);
	kf_use(test, info, f, u, 0);
	kf_expect_reached(test, info, &before, 1);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	kt_expect_remote(test, kt, &kt_peer);
	KUNIT_EXPECT_EQ(test, info->state, FBINFO_STATE_SUSPENDED);
	before = *kf_hw(info);
	kf_use(test, info, f, u, -EBUSY);
	kf_expect_reached(test, info, &before, 0);
	/* A second open and a mapping would reach the hardware too. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(kf_try_open(test, info)), -EBUSY);
	KUNIT_EXPECT_EQ(test, kf_hw(info)->opens, before.opens);
	KUNIT_EXPECT_EQ(test, (long)kf_mmap_file(test, f), -EBUSY);
	/* What reads the software state still works. */
	KUNIT_EXPECT_EQ(test, kf_ioctl_arg(f, FBIOGET_VSCREENINFO, &u->var),
			0);
	KUNIT_ASSERT_EQ(test, copy_from_user(&var, &u->var, sizeof(var)), 0);
	KUNIT_EXPECT_EQ(test, var.xres, KF_XRES);

	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_EQ(test, info->state, FBINFO_STATE_RUNNING);
	before = *kf_hw(info);
	kf_use(test, info, f, u, 0);
	kf_expect_reached(test, info, &before, 1);
	KUNIT_EXPECT_FALSE(test, IS_ERR(kf_try_open(test, info)));
	KUNIT_EXPECT_EQ(test, kf_hw(info)->opens, before.opens + 1);
}

/*
 * A mapping would reach the hardware while away: the release is refused,
 * with nothing changed, until it is unmapped.
 */
static void shdev_fb_test_mapped(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct fb_info *info = kf_add(test, kt);
	struct file *f = kf_open_file(test, info);
	struct kf_user __user *u = kf_user(test);
	unsigned long addr;
	struct kf_hw before;
	u32 val = 0x5a5a5a5a;

	addr = kf_mmap_file(test, f);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)addr, &val,
					   sizeof(val)), 0);
	KUNIT_EXPECT_EQ(test, *(u32 *)info->screen_buffer, val);

	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), -EBUSY);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_FALSE(test, kt_log_has(kt, "quiesce"));
	KUNIT_EXPECT_EQ(test, info->state, FBINFO_STATE_RUNNING);
	before = *kf_hw(info);
	kf_use(test, info, f, u, 0);
	kf_expect_reached(test, info, &before, 1);

	/* A mapping split in two counts twice, each half once unmapped. */
	KUNIT_ASSERT_EQ(test, vm_munmap(addr, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), -EBUSY);
	kt_expect_local(test, kt);
	KUNIT_ASSERT_EQ(test, vm_munmap(addr + PAGE_SIZE, PAGE_SIZE), 0);
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	kt_expect_local(test, kt);
}

/*
 * A mapping with the driver's own operations cannot be counted: once one
 * was made, the framebuffer cannot go, even after the unmap.
 */
static void shdev_fb_test_mapped_untracked(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct fb_info *info = kf_add(test, kt);
	struct file *f = kf_open_file(test, info);
	unsigned long addr;

	kf_hw(info)->own_vm_ops = true;
	addr = kf_mmap_file(test, f);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_ASSERT_EQ(test, vm_munmap(addr, KF_SIZE), 0);
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), -EBUSY);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_EQ(test, info->state, FBINFO_STATE_RUNNING);
}

/*
 * A consumer below the framebuffer fails its freeze: the framebuffer,
 * frozen first, is thawed and works as before.
 */
static void shdev_fb_test_failed_freeze(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct kt_consumer *below = kt_consumer_add(test, kt, "below");
	struct fb_info *info = kf_add(test, kt);
	struct file *f = kf_open_file(test, info);
	struct kf_user __user *u = kf_user(test);
	struct kf_hw before;

	below->fail = -EIO;
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), -EIO);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_FALSE(test, info->frozen);
	KUNIT_EXPECT_EQ(test, info->state, FBINFO_STATE_RUNNING);
	before = *kf_hw(info);
	kf_use(test, info, f, u, 0);
	kf_expect_reached(test, info, &before, 1);

	/* And it goes, and comes back, once nothing fails. */
	below->fail = 0;
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_TRUE(test, info->frozen);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_FALSE(test, info->frozen);
}

/* A framebuffer registered while its device is away starts frozen. */
static void shdev_fb_test_added_while_away(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct fb_info *info;
	struct kf_user __user *u;
	struct kf_hw before;
	struct file *f;

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	info = kf_add(test, kt);
	KUNIT_EXPECT_TRUE(test, info->frozen);
	KUNIT_EXPECT_EQ(test, info->state, FBINFO_STATE_SUSPENDED);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kf_try_open(test, info)), -EBUSY);
	KUNIT_EXPECT_EQ(test, kf_hw(info)->opens, 0);

	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	f = kf_open_file(test, info);
	u = kf_user(test);
	before = *kf_hw(info);
	kf_use(test, info, f, u, 0);
	kf_expect_reached(test, info, &before, 1);
}

/*
 * The driver's system-sleep resume while frozen does not wake fbcon up on
 * hardware Linux does not own; the reclaim does.  A suspend of the
 * driver's while frozen is the driver's to undo.
 */
static void shdev_fb_test_driver_suspend(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct fb_info *info = kf_add(test, kt);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	console_lock();
	fb_set_suspend(info, FBINFO_STATE_RUNNING);
	console_unlock();
	KUNIT_EXPECT_EQ(test, info->state, FBINFO_STATE_SUSPENDED);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, info->state, FBINFO_STATE_RUNNING);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	console_lock();
	fb_set_suspend(info, FBINFO_STATE_SUSPENDED);
	console_unlock();
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, info->state, FBINFO_STATE_SUSPENDED);
	console_lock();
	fb_set_suspend(info, FBINFO_STATE_RUNNING);
	console_unlock();
	KUNIT_EXPECT_EQ(test, info->state, FBINFO_STATE_RUNNING);
}

static struct kunit_case shdev_fb_cases[] = {
	KUNIT_CASE(shdev_fb_test_ops_while_away),
	KUNIT_CASE(shdev_fb_test_mapped),
	KUNIT_CASE(shdev_fb_test_mapped_untracked),
	KUNIT_CASE(shdev_fb_test_failed_freeze),
	KUNIT_CASE(shdev_fb_test_added_while_away),
	KUNIT_CASE(shdev_fb_test_driver_suspend),
	{}
};

static struct kunit_suite shdev_fb_suite = {
	.name = "shdev-fb",
	.suite_init = kt_suite_init,
	.suite_exit = kt_suite_exit,
	.init = kt_test_init,
	.test_cases = shdev_fb_cases,
};

kunit_test_suite(shdev_fb_suite);
