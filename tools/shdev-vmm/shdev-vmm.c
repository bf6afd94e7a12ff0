// SPDX-License-Identifier: GPL-2.0
/*
 * shdev-vmm: a small VMM on the plain KVM API that is the shdev uapi
 * agent of the VM it runs.
 *
 * It creates a VM with its own RAM, an in-kernel irqchip and one vCPU,
 * loads a flat program (shdev-vmm-guest.h says what the program finds),
 * declares its peer on /dev/shdev-agent and reads the requests.  On a
 * release it maps the device's MMIO ranges as memory slots at their
 * physical addresses, forwards the VM's port I/O to the device's ports
 * and wires the device's interrupts to the irqchip with KVM_IRQFD, then
 * answers; once it holds a framebuffer and an interrupt, the vCPU runs.
 * On a reclaim it removes the slots, stops forwarding and unwires the
 * interrupts, then answers.  The VM runs on: every access it makes to a
 * device taken back exits to the VMM, which counts it and lets nothing
 * through.
 *
 * Until the backend hands out a file per device, the VMM reaches the
 * devices as the demonstration's stand-in does: MMIO through /dev/mem,
 * ports with iopl(), and an i8042's interrupt by polling its status
 * port every 2 ms, which stands in for the interrupt's eventfd.  A
 * request that lists no resources gets those given with -r.
 *
 * With -n the VMM errs: it neither answers a reclaim request nor undoes
 * anything, and the kernel's revocation of the device files alone takes
 * the devices back; the VM's accesses then fault in the kernel (KVM_RUN
 * fails with EFAULT, a port read or write with ENODEV), and are counted
 * the same.
 *
 * Commands on standard input: "faults" prints the accesses that faulted
 * after a reclaim; "quit", or the end of the input, ends the VMM.
 *
 *   shdev-vmm -p NAME:ID -b PROGRAM -g WIDTHxHEIGHT [-n]
 *             [-r DEVICE:io|irq|mem:START:SIZE]...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/shdev.h>

#include "shdev-vmm-guest.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_DEVICES	8
#define MAX_EXTRA	16
#define PACE_US		10000
#define POLL_US		2000
/* The i8042's status port, relative to its data port, and "data ready". */
#define I8042_STATUS	4
#define I8042_OBF	0x01

static const char *progname = "shdev-vmm";

struct region {
	uint32_t type;			/* SHDEV_AGENT_RES_* */
	uint64_t start, size;
	void *map;			/* MEM: the mapping given to KVM */
	size_t map_len;
	int slot;			/* MEM: the memory slot */
	int efd;			/* IRQ: the eventfd wired with KVM_IRQFD */
	int rfd;			/* IRQ: KVM's resample eventfd, or -1 */
	bool level;			/* IRQ: automasked by the kernel */
	uint64_t offset;		/* MEM, IO: in the device file */
	unsigned int index;		/* IRQ: in the device file */
};

struct device {
	char name[SHDEV_AGENT_DEVICE_LEN];
	struct region r[SHDEV_AGENT_MAX_RESOURCES];
	unsigned int nr;
	int fd;				/* the device file, or -1 */
	bool live;			/* granted now */
	bool reclaimed;			/* granted once and taken back */
};

static struct {
	int kvm, vm, vcpu, devmem, agent;
	struct kvm_run *run;
	uint8_t *ram;
	unsigned int width, height;
	bool have_fb, have_irq, running, deaf;
	pthread_t vcpu_thread, poll_thread;
	pthread_t resample_thread;
	bool polling, have_level, resampling;
	/* Under lock: the devices, and what the vCPU reaches through them. */
	pthread_mutex_t lock;
	struct device dev[MAX_DEVICES];
	unsigned int nr_dev;
	int next_slot;
	unsigned long faults_mem, faults_port, stray;
	struct shdev_agent_resource extra[MAX_EXTRA];
	char extra_dev[MAX_EXTRA][SHDEV_AGENT_DEVICE_LEN];
	unsigned int nr_extra;
} vmm = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.next_slot = 1,
	.devmem = -1,
};

static void say(const char *fmt, ...)
{
	va_list ap;

	flockfile(stdout);
	printf("%s: ", progname);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	funlockfile(stdout);
}

static void die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", progname, what, strerror(errno));
	exit(1);
}

static void help(void)
{
	fprintf(stderr,
		"usage: %s -p NAME:ID -b PROGRAM -g WIDTHxHEIGHT [-n] [-r DEVICE:io|irq|mem:START:SIZE]...\n",
		progname);
	exit(2);
}

/* The VM: RAM, irqchip, one vCPU in 32-bit protected mode at the program. */

static void vm_create(const char *program)
{
	struct kvm_userspace_memory_region mem = { 0 };
	struct kvm_segment seg = {
		.base = 0, .limit = 0xffffffff, .present = 1, .s = 1, .db = 1,
		.g = 1,
	};
	struct kvm_sregs sregs;
	struct kvm_regs regs = { 0 };
	ssize_t len;
	int fd, run_size;

	vmm.kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vmm.kvm < 0)
		die("/dev/kvm");
	if (ioctl(vmm.kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		errno = EINVAL;
		die("KVM API version");
	}
	vmm.vm = ioctl(vmm.kvm, KVM_CREATE_VM, 0);
	if (vmm.vm < 0)
		die("KVM_CREATE_VM");
	vmm.ram = mmap(NULL, SHDEV_VMM_RAM, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vmm.ram == MAP_FAILED)
		die("RAM");
	mem.memory_size = SHDEV_VMM_RAM;
	mem.userspace_addr = (uintptr_t)vmm.ram;
	if (ioctl(vmm.vm, KVM_SET_USER_MEMORY_REGION, &mem))
		die("RAM slot");
	/* PIC, IOAPIC and local APIC in the kernel: KVM_IRQFD needs them. */
	if (ioctl(vmm.vm, KVM_CREATE_IRQCHIP, 0))
		die("KVM_CREATE_IRQCHIP");

	fd = open(program, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(program);
	len = read(fd, vmm.ram + SHDEV_VMM_LOAD,
		   SHDEV_VMM_RAM - SHDEV_VMM_LOAD);
	if (len <= 0)
		die(program);
	close(fd);

	vmm.vcpu = ioctl(vmm.vm, KVM_CREATE_VCPU, 0);
	if (vmm.vcpu < 0)
		die("KVM_CREATE_VCPU");
	run_size = ioctl(vmm.kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (int)sizeof(*vmm.run))
		die("KVM_GET_VCPU_MMAP_SIZE");
	vmm.run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vmm.vcpu, 0);
	if (vmm.run == MAP_FAILED)
		die("kvm_run");

	if (ioctl(vmm.vcpu, KVM_GET_SREGS, &sregs))
		die("KVM_GET_SREGS");
	seg.selector = 0x08;
	seg.type = 0x0b;		/* code: execute, read, accessed */
	sregs.cs = seg;
	seg.selector = 0x10;
	seg.type = 0x03;		/* data: read, write, accessed */
	sregs.ds = seg;
	sregs.es = seg;
	sregs.fs = seg;
	sregs.gs = seg;
	sregs.ss = seg;
	/* Protected mode, caches on, no paging. */
	sregs.cr0 = (sregs.cr0 | 0x1) & ~0x60000000ULL;
	if (ioctl(vmm.vcpu, KVM_SET_SREGS, &sregs))
		die("KVM_SET_SREGS");
	regs.rip = SHDEV_VMM_LOAD;
	regs.rflags = 0x2;
	if (ioctl(vmm.vcpu, KVM_SET_REGS, &regs))
		die("KVM_SET_REGS");
	say("VM ready: %u KiB of RAM, in-kernel irqchip, one vCPU, program %s (%zd bytes)",
	    SHDEV_VMM_RAM / 1024, program, len);
}

/* The VM's accesses. */

static char log_line[128];
static size_t log_len;

static void vmm_port(uint16_t port, bool out, uint8_t *data)
{
	unsigned int i, j;

	if (port == SHDEV_VMM_PORT_LOG && out) {
		if (*data == '\n' || log_len == sizeof(log_line) - 1) {
			log_line[log_len] = '\0';
			say("peer: %s", log_line);
			log_len = 0;
		} else {
			log_line[log_len++] = *data;
		}
		return;
	}
	if (port == SHDEV_VMM_PORT_PACE && !out) {
		usleep(PACE_US);
		*data = 0;
		return;
	}

	pthread_mutex_lock(&vmm.lock);
	for (i = 0; i < vmm.nr_dev; i++) {
		struct device *d = &vmm.dev[i];

		for (j = 0; j < d->nr; j++) {
			const struct region *r = &d->r[j];

			if (r->type != SHDEV_AGENT_RES_IO || port < r->start ||
			    port >= r->start + r->size)
				continue;
			if (d->live && d->fd >= 0) {
				off_t off = r->offset + port - r->start;
				ssize_t n = out ? pwrite(d->fd, data, 1, off) :
						  pread(d->fd, data, 1, off);

				/* Revoked by the kernel: the access faults. */
				if (n != 1) {
					vmm.faults_port++;
					if (!out)
						*data = 0xff;
				}
			} else if (d->live) {
				if (out)
					outb(*data, port);
				else
					*data = inb(port);
			} else {
				vmm.faults_port++;
				if (!out)
					*data = 0xff;
			}
			pthread_mutex_unlock(&vmm.lock);
			return;
		}
	}
	vmm.stray++;
	pthread_mutex_unlock(&vmm.lock);
	if (!out)
		*data = 0xff;
}

/* An access to guest-physical memory outside every slot. */
static void vmm_mmio(uint64_t addr, bool write, uint8_t *data, unsigned int len)
{
	unsigned int i, j;
	bool theirs = false;

	pthread_mutex_lock(&vmm.lock);
	for (i = 0; i < vmm.nr_dev; i++)
		for (j = 0; j < vmm.dev[i].nr; j++) {
			const struct region *r = &vmm.dev[i].r[j];

			if (r->type == SHDEV_AGENT_RES_MEM && addr >= r->start &&
			    addr < r->start + r->size && vmm.dev[i].reclaimed)
				theirs = true;
		}
	if (theirs)
		vmm.faults_mem++;
	else
		vmm.stray++;
	pthread_mutex_unlock(&vmm.lock);
	if (!write)
		memset(data, 0xff, len);
}

static void *vcpu_main(void *unused)
{
	struct kvm_run *run = vmm.run;

	(void)unused;
	for (;;) {
		if (ioctl(vmm.vcpu, KVM_RUN, 0)) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			/* A mapping taken away under KVM's feet. */
			if (errno == EFAULT) {
				pthread_mutex_lock(&vmm.lock);
				vmm.faults_mem++;
				pthread_mutex_unlock(&vmm.lock);
				usleep(PACE_US);
				continue;
			}
			say("KVM_RUN: %s; the vCPU stops", strerror(errno));
			return NULL;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO: {
			uint8_t *data = (uint8_t *)run + run->io.data_offset;
			unsigned int i;

			for (i = 0; i < run->io.count; i++, data += run->io.size) {
				if (run->io.size != 1) {
					memset(data, 0xff, run->io.size);
					continue;
				}
				vmm_port(run->io.port,
					 run->io.direction == KVM_EXIT_IO_OUT,
					 data);
			}
			break;
		}
		case KVM_EXIT_MMIO:
			vmm_mmio(run->mmio.phys_addr, run->mmio.is_write,
				 run->mmio.data, run->mmio.len);
			break;
		case KVM_EXIT_INTR:
			break;
		default:
			say("the vCPU stops: exit reason %u", run->exit_reason);
			return NULL;
		}
	}
}

/*
 * Without a device file, a stand-in for the interrupt's eventfd: the
 * i8042's status, polled.
 */
static void *poll_main(void *unused)
{
	(void)unused;
	for (;;) {
		unsigned int i, j;

		usleep(POLL_US);
		pthread_mutex_lock(&vmm.lock);
		for (i = 0; i < vmm.nr_dev; i++) {
			struct device *d = &vmm.dev[i];
			uint16_t status = 0;
			int efd = -1;

			if (!d->live || d->fd >= 0)
				continue;
			for (j = 0; j < d->nr; j++) {
				if (d->r[j].type == SHDEV_AGENT_RES_IO &&
				    d->r[j].size == 1 && !status)
					status = d->r[j].start + I8042_STATUS;
				if (d->r[j].type == SHDEV_AGENT_RES_IRQ &&
				    efd < 0)
					efd = d->r[j].efd;
			}
			if (status && efd >= 0 && (inb(status) & I8042_OBF) &&
			    eventfd_write(efd, 1))
				say("eventfd: %s", strerror(errno));
		}
		pthread_mutex_unlock(&vmm.lock);
	}
	return NULL;
}

/* Unmask each level-triggered line the VM has handled, every 1 ms. */
static void *resampler_main(void *unused)
{
	(void)unused;
	for (;;) {
		unsigned int i, j;
		eventfd_t n;

		usleep(1000);
		pthread_mutex_lock(&vmm.lock);
		for (i = 0; i < vmm.nr_dev; i++) {
			struct device *d = &vmm.dev[i];

			for (j = 0; j < d->nr && d->live && d->fd >= 0; j++) {
				struct region *r = &d->r[j];
				struct shdev_irq_set set = {
					.index = r->index,
					.action = SHDEV_IRQ_SET_UNMASK,
					.fd = -1,
				};

				if (r->type != SHDEV_AGENT_RES_IRQ ||
				    r->rfd < 0 || eventfd_read(r->rfd, &n))
					continue;
				if (ioctl(d->fd, SHDEV_DEVICE_SET_IRQ, &set))
					say("unmask: %s", strerror(errno));
			}
		}
		pthread_mutex_unlock(&vmm.lock);
	}
	return NULL;
}

/* Requests. */

static int map_mem(struct device *d, struct region *r, bool first_fb)
{
	struct kvm_userspace_memory_region mem = { 0 };
	struct shdev_vmm_info *info;
	long page = sysconf(_SC_PAGESIZE);

	if (r->start % page || r->start + r->size > 0x100000000ULL ||
	    r->start < SHDEV_VMM_RAM)
		return -EINVAL;
	r->map_len = (r->size + page - 1) / page * page;
	if (d->fd >= 0) {
		r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE,
			      MAP_SHARED, d->fd, r->offset);
	} else {
		if (vmm.devmem < 0)
			vmm.devmem = open("/dev/mem",
					  O_RDWR | O_SYNC | O_CLOEXEC);
		if (vmm.devmem < 0)
			return -errno;
		r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE,
			      MAP_SHARED, vmm.devmem, r->start);
	}
	if (r->map == MAP_FAILED)
		return -errno;
	r->slot = vmm.next_slot++;
	mem.slot = r->slot;
	mem.guest_phys_addr = r->start;
	mem.memory_size = r->map_len;
	mem.userspace_addr = (uintptr_t)r->map;
	if (ioctl(vmm.vm, KVM_SET_USER_MEMORY_REGION, &mem)) {
		int err = -errno;

		munmap(r->map, r->map_len);
		r->map = NULL;
		return err;
	}
	if (first_fb) {
		info = (struct shdev_vmm_info *)(vmm.ram + SHDEV_VMM_INFO);
		info->fb = r->start;
		info->width = vmm.width;
		info->height = vmm.height;
		info->pitch = r->size / vmm.height;
		info->bpp = info->pitch / vmm.width;
		info->magic = SHDEV_VMM_MAGIC;
		vmm.have_fb = true;
	}
	return 0;
}

static void unmap_mem(struct region *r)
{
	struct kvm_userspace_memory_region mem = { .slot = r->slot };

	if (!r->map)
		return;
	/* memory_size 0 deletes the slot: the VM's next access exits. */
	if (ioctl(vmm.vm, KVM_SET_USER_MEMORY_REGION, &mem))
		say("removing slot %d: %s", r->slot, strerror(errno));
	munmap(r->map, r->map_len);
	r->map = NULL;
}

static int wire_irq(struct device *d, struct region *r)
{
	struct kvm_irqfd irqfd = { 0 };
	struct shdev_irq_set set = {
		.index = r->index, .action = SHDEV_IRQ_SET_EVENTFD,
	};
	int err;

	r->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->efd < 0)
		return -errno;
	irqfd.fd = r->efd;
	irqfd.gsi = r->start;
	/*
	 * A level-triggered line stays masked once it fired until the VM
	 * has handled it: KVM signals the resample eventfd at its EOI, and
	 * the VMM unmasks the line then (resampler_main()).
	 */
	if (r->level) {
		r->rfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (r->rfd < 0) {
			err = -errno;
			close(r->efd);
			r->efd = -1;
			return err;
		}
		irqfd.flags = KVM_IRQFD_FLAG_RESAMPLE;
		irqfd.resamplefd = r->rfd;
		vmm.have_level = true;
	}
	if (ioctl(vmm.vm, KVM_IRQFD, &irqfd)) {
		err = -errno;
		close(r->efd);
		r->efd = -1;
		if (r->rfd >= 0)
			close(r->rfd);
		r->rfd = -1;
		return err;
	}
	/* The kernel signals it when the line fires. */
	set.fd = r->efd;
	if (d->fd >= 0 && ioctl(d->fd, SHDEV_DEVICE_SET_IRQ, &set)) {
		err = -errno;
		irqfd.flags = KVM_IRQFD_FLAG_DEASSIGN;
		irqfd.resamplefd = 0;
		ioctl(vmm.vm, KVM_IRQFD, &irqfd);
		close(r->efd);
		r->efd = -1;
		if (r->rfd >= 0)
			close(r->rfd);
		r->rfd = -1;
		return err;
	}
	vmm.have_irq = true;
	return 0;
}

static void unwire_irq(struct region *r)
{
	struct kvm_irqfd irqfd = {
		.fd = r->efd, .gsi = r->start, .flags = KVM_IRQFD_FLAG_DEASSIGN,
	};

	if (r->efd < 0)
		return;
	if (ioctl(vmm.vm, KVM_IRQFD, &irqfd))
		say("KVM_IRQFD deassign: %s", strerror(errno));
	close(r->efd);
	r->efd = -1;
	if (r->rfd >= 0)
		close(r->rfd);
	r->rfd = -1;
}

static void describe(char *buf, size_t len, const struct device *d)
{
	size_t at = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < d->nr && at < len; i++) {
		const struct region *r = &d->r[i];

		if (r->type == SHDEV_AGENT_RES_IRQ)
			at += snprintf(buf + at, len - at, " irq %llu -> KVM_IRQFD gsi %llu",
				       (unsigned long long)r->start,
				       (unsigned long long)r->start);
		else if (r->type == SHDEV_AGENT_RES_MEM)
			at += snprintf(buf + at, len - at,
				       " mem %#llx+%#llx -> slot %d",
				       (unsigned long long)r->start,
				       (unsigned long long)r->size, r->slot);
		else
			at += snprintf(buf + at, len - at, " io %#llx+%#llx",
				       (unsigned long long)r->start,
				       (unsigned long long)r->size);
	}
}

static void reclaim(struct device *d)
{
	unsigned int i;

	pthread_mutex_lock(&vmm.lock);
	d->live = false;
	d->reclaimed = true;
	for (i = 0; i < d->nr; i++) {
		if (d->r[i].type == SHDEV_AGENT_RES_MEM)
			unmap_mem(&d->r[i]);
		else if (d->r[i].type == SHDEV_AGENT_RES_IRQ)
			unwire_irq(&d->r[i]);
	}
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	pthread_mutex_unlock(&vmm.lock);
}

/*
 * The device's regions and interrupts from its file: each region, then
 * each interrupt, in the device file's order.
 */
static int from_device_file(struct device *d, uint64_t seq)
{
	struct shdev_device_info info = { 0 };
	unsigned int i;

	d->fd = ioctl(vmm.agent, SHDEV_AGENT_IOC_DEVICE_FD, &seq);
	if (d->fd < 0)
		return -errno;
	if (ioctl(d->fd, SHDEV_DEVICE_GET_INFO, &info))
		return -errno;
	if (info.num_regions + info.num_irqs > SHDEV_AGENT_MAX_RESOURCES)
		return -E2BIG;
	for (i = 0; i < info.num_regions; i++) {
		struct shdev_region_info ri = { .index = i };

		if (ioctl(d->fd, SHDEV_DEVICE_GET_REGION_INFO, &ri))
			return -errno;
		if (ri.type == SHDEV_AGENT_RES_MEM &&
		    !(ri.flags & SHDEV_REGION_MMAP))
			return -EOPNOTSUPP;
		d->r[d->nr++] = (struct region){
			.type = ri.type, .start = ri.start, .size = ri.size,
			.offset = ri.offset, .efd = -1, .rfd = -1,
		};
	}
	for (i = 0; i < info.num_irqs; i++) {
		struct shdev_irq_info ii = { .index = i };

		if (ioctl(d->fd, SHDEV_DEVICE_GET_IRQ_INFO, &ii))
			return -errno;
		if (!(ii.flags & SHDEV_IRQ_INFO_EVENTFD))
			return -EOPNOTSUPP;
		d->r[d->nr++] = (struct region){
			.type = SHDEV_AGENT_RES_IRQ, .start = ii.line, .size = 1,
			.index = i, .efd = -1, .rfd = -1,
			.level = ii.flags & SHDEV_IRQ_INFO_AUTOMASKED,
		};
	}
	return 0;
}

/*
 * Without a device file (a kernel whose backend does not hand them out),
 * the request's resources, or those given with -r for a request that
 * lists none.
 */
static void from_request(struct device *d, const struct shdev_agent_request *req)
{
	const struct shdev_agent_resource *res = req->resources;
	unsigned int i, nr = req->nr_resources;

	if (!nr) {
		res = vmm.extra;
		for (i = 0; i < vmm.nr_extra; i++)
			if (!strcmp(vmm.extra_dev[i], req->device))
				d->r[d->nr++] = (struct region){
					.type = res[i].type,
					.start = res[i].start,
					.size = res[i].size,
					.efd = -1,
					.rfd = -1,
				};
		return;
	}
	for (i = 0; i < nr && i < SHDEV_AGENT_MAX_RESOURCES; i++)
		d->r[d->nr++] = (struct region){
			.type = res[i].type,
			.start = res[i].start,
			.size = res[i].size,
			.efd = -1,
			.rfd = -1,
		};
}

static int grant(struct device *d, const struct shdev_agent_request *req)
{
	char what[512];
	unsigned int i;
	int err;

	d->nr = 0;
	err = from_device_file(d, req->seq);
	if (err == -ENOTTY || err == -EINVAL) {
		if (d->fd >= 0)
			close(d->fd);
		d->fd = -1;
		d->nr = 0;
		from_request(d, req);
		err = 0;
	}
	pthread_mutex_lock(&vmm.lock);
	for (i = 0; i < d->nr && !err; i++) {
		struct region *r = &d->r[i];

		if (r->type == SHDEV_AGENT_RES_MEM)
			err = map_mem(d, r, !vmm.have_fb);
		else if (r->type == SHDEV_AGENT_RES_IRQ)
			err = wire_irq(d, r);
	}
	if (err) {
		/* All or nothing. */
		d->nr = i ? i - 1 : 0;
		pthread_mutex_unlock(&vmm.lock);
		reclaim(d);
		d->reclaimed = false;
		say("release %s failed: %s", d->name, strerror(-err));
		return err;
	}
	d->live = true;
	d->reclaimed = false;
	pthread_mutex_unlock(&vmm.lock);
	describe(what, sizeof(what), d);
	say("release %s (%s):%s", d->name,
	    d->fd >= 0 ? "device file" : "no device file: /dev/mem, iopl",
	    what);
	return 0;
}

static struct device *device_of(const char *name)
{
	unsigned int i;

	for (i = 0; i < vmm.nr_dev; i++)
		if (!strcmp(vmm.dev[i].name, name))
			return &vmm.dev[i];
	if (vmm.nr_dev == MAX_DEVICES)
		return NULL;
	snprintf(vmm.dev[vmm.nr_dev].name, sizeof(vmm.dev[0].name), "%s",
		 name);
	vmm.dev[vmm.nr_dev].fd = -1;
	return &vmm.dev[vmm.nr_dev++];
}

static void handle(int fd, const struct shdev_agent_request *req)
{
	struct shdev_agent_answer ans = { .seq = req->seq };
	struct device *d = device_of(req->device);

	if (!d) {
		ans.error = -ENOSPC;
	} else if (req->op == SHDEV_AGENT_RELEASE) {
		if (d->live)
			reclaim(d);
		ans.error = grant(d, req);
	} else if (req->op == SHDEV_AGENT_RECLAIM && vmm.deaf) {
		say("reclaim %s: not answered, nothing undone", d->name);
		return;
	} else if (req->op == SHDEV_AGENT_RECLAIM) {
		if (d->live) {
			reclaim(d);
			say("reclaim %s: slots removed, ports and interrupts unwired",
			    d->name);
		}
	} else {
		ans.error = -EINVAL;
	}
	if (write(fd, &ans, sizeof(ans)) != sizeof(ans))
		say("answer %llu refused: %s", (unsigned long long)req->seq,
		    strerror(errno));
	else
		say("answered %llu: %d", (unsigned long long)req->seq,
		    ans.error);

	if (vmm.have_fb && vmm.have_irq && !vmm.running) {
		if (pthread_create(&vmm.vcpu_thread, NULL, vcpu_main, NULL))
			die("vCPU thread");
		vmm.running = true;
		say("the vCPU runs the program");
	}
	if (vmm.have_level && !vmm.resampling) {
		if (pthread_create(&vmm.resample_thread, NULL, resampler_main,
				   NULL))
			die("resampler");
		vmm.resampling = true;
	}
	if (vmm.have_irq && !vmm.polling) {
		if (pthread_create(&vmm.poll_thread, NULL, poll_main, NULL))
			die("interrupt poller");
		vmm.polling = true;
	}
}

static void add_extra(char *arg)
{
	static const struct { const char *name; uint32_t type; } types[] = {
		{ "mem", SHDEV_AGENT_RES_MEM },
		{ "irq", SHDEV_AGENT_RES_IRQ },
		{ "io", SHDEV_AGENT_RES_IO },
	};
	char *dev = strtok(arg, ":"), *type = strtok(NULL, ":");
	char *start = strtok(NULL, ":"), *size = strtok(NULL, ":");
	struct shdev_agent_resource *r = &vmm.extra[vmm.nr_extra];
	unsigned int i;

	if (!dev || !type || !start || !size || vmm.nr_extra == MAX_EXTRA ||
	    strlen(dev) >= SHDEV_AGENT_DEVICE_LEN)
		help();
	for (i = 0; i < ARRAY_SIZE(types); i++)
		if (!strcmp(type, types[i].name))
			r->type = types[i].type;
	if (!r->type)
		help();
	r->start = strtoull(start, NULL, 0);
	r->size = strtoull(size, NULL, 0);
	snprintf(vmm.extra_dev[vmm.nr_extra++], SHDEV_AGENT_DEVICE_LEN, "%s",
		 dev);
}

static int declare(const char *path, char *arg)
{
	struct shdev_agent_peer p = { 0 };
	char *id = strchr(arg, ':'), *end;
	int fd;

	if (!id)
		help();
	*id++ = '\0';
	p.id = strtoull(id, &end, 0);
	if (*end || !*id || strlen(arg) >= sizeof(p.name))
		help();
	memcpy(p.name, arg, strlen(arg));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die(path);
	if (ioctl(fd, SHDEV_AGENT_IOC_ADD_PEER, &p))
		die("declaring the peer");
	say("peer %s (id %llu) declared", p.name, (unsigned long long)p.id);
	return fd;
}

int main(int argc, char **argv)
{
	char *peer = NULL, *program = NULL, cmd[64];
	struct shdev_agent_request req;
	int fd, opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "p:b:g:r:n")) != -1) {
		switch (opt) {
		case 'p':
			peer = optarg;
			break;
		case 'b':
			program = optarg;
			break;
		case 'g':
			if (sscanf(optarg, "%ux%u", &vmm.width, &vmm.height) != 2 ||
			    !vmm.width || !vmm.height)
				help();
			break;
		case 'r':
			add_extra(optarg);
			break;
		case 'n':
			vmm.deaf = true;
			break;
		default:
			help();
		}
	}
	if (!peer || !program || !vmm.width || optind != argc)
		help();

	/*
	 * The ports, for every thread to come: which of them the VM
	 * reaches is the VMM's to enforce until the backend hands out port
	 * files.
	 */
	if (iopl(3))
		die("iopl");
	vm_create(program);
	fd = declare("/dev/shdev-agent", peer);
	vmm.agent = fd;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = fd, .events = POLLIN },
			{ .fd = STDIN_FILENO, .events = POLLIN },
		};
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (p[1].revents) {
			if (!fgets(cmd, sizeof(cmd), stdin) ||
			    !strncmp(cmd, "quit", 4))
				break;
			if (!strncmp(cmd, "faults", 6)) {
				pthread_mutex_lock(&vmm.lock);
				say("faults after the reclaim: %lu (%lu memory, %lu port)",
				    vmm.faults_mem + vmm.faults_port,
				    vmm.faults_mem, vmm.faults_port);
				pthread_mutex_unlock(&vmm.lock);
			}
		}
		if (!p[0].revents)
			continue;
		n = read(fd, &req, sizeof(req));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n != sizeof(req))
			die("read");
		handle(fd, &req);
	}
	say("exits");
	return 0;
}
