// SPDX-License-Identifier: GPL-2.0
/*
 * The shdev demonstration, in a QEMU guest: an application keeps the
 * keyboard's evdev node and the DRM device open while the display and the
 * keyboard are handed to a peer and taken back.
 *
 * The peer is a stand-in: a process of this program that drives the
 * hardware directly, the framebuffer through /dev/mem and the i8042 ports
 * through port I/O, while Linux's drivers stay bound but keep off.  On a
 * real system the peer is another VM and the backend a hypervisor.
 *
 * QEMU's PC has no Devicetree: a module of the demonstration
 * (demo/unit/shdev-demo-unit.c) plays the platform code that describes
 * display and keyboard as one unit, with software nodes, before their
 * drivers load.
 *
 * It talks to the host's driver (scripts/demo-host) on the console, with
 * lines that start with "@@": "@@ step ..." to show, "@@ check pass|fail
 * NAME" for the tally, "@@ shot NAME" and "@@ keys KEY..." to have the host
 * take a screenshot or type, after which the host writes a line back.
 *
 *   shdev-demo bench ROUNDS        the benchmark of each device on its own,
 *                                  before the unit is described
 *   shdev-demo scenario [ROUNDS]   the scenario; with ROUNDS, round trips of
 *                                  the unit
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include <drm/drm.h>
#include <drm/drm_mode.h>
#include <linux/input.h>

#include "draw.h"

#define PEER		"vm1"
#define UNIT_DEV	"shdev-unit"
#define FB_DEV		"simple-framebuffer.0"
#define FB_DRV		"simple-framebuffer"
#define KBD_DEV		"i8042"
#define KBD_DRV		"i8042"
#define KBD_NAME	"AT Translated Set 2 keyboard"
#define GRANTS		"/sys/kernel/debug/shdev/sim/grants"
/* The uapi backend's peer, which the agent of tools/shdev/ declares. */
#define AGENT		"/shdev-agent"
#define AGENT_PEER	"vm3"
#define AGENT_PEER_ID	"45"
/* The medians of unbind+bind, from the benchmark to the scenario. */
#define REBIND_FILE	"/tmp/rebind"

/* Set-1 scancodes, as the i8042 translates them, of what the host types. */
#define SC_ENTER	0x1c
#define SC_RELEASE	0x80

static int failures;

static void vsay(const char *fmt, va_list ap)
{
	printf("@@ ");
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

/* Ask the host for something and wait until it is done. */
static void host(const char *fmt, ...)
{
	char line[128];
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	if (!fgets(line, sizeof(line), stdin))
		exit(1);
}

static void check(bool ok, const char *fmt, ...)
{
	char name[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	say("check %s %s", ok ? "pass" : "fail", name);
	if (!ok && !failures++) {
		/* What the kernel said about the first failure. */
		fflush(stdout);
		if (system("dmesg | tail -n 12 | sed 's/^/@@ log /'"))
			say("log (no kernel log)");
	}
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/*
 * Time the benchmark with the TSC, read without a system call, calibrated
 * here against the clock over half a second.
 */
static double tsc_per_us;

static void tsc_calibrate(void)
{
	double t0 = now_us(), t1;
	uint64_t c0 = __rdtsc();

	while ((t1 = now_us()) - t0 < 500000)
		;
	tsc_per_us = (__rdtsc() - c0) / (t1 - t0);
}

static double tsc_us(void)
{
	return __rdtsc() / tsc_per_us;
}

/* sysfs */

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The ownership attribute of platform device @dev. */
static const char *ownership(char *path, size_t len, const char *dev)
{
	snprintf(path, len, "/sys/bus/platform/devices/%s/ownership", dev);
	return path;
}

static int set_owner(const char *dev, const char *owner)
{
	char path[128];

	return write_file(ownership(path, sizeof(path), dev), owner);
}

static bool owner_is(const char *dev, const char *owner)
{
	char path[128], buf[64];

	return !read_file(ownership(path, sizeof(path), dev), buf, sizeof(buf)) &&
	       !strcmp(buf, owner);
}

/*
 * The stacked devices of @unit, from its debugfs file "consumers": how
 * many there are, how many are @state, and their kinds in @kinds ("serio
 * input").
 */
static int consumers_in(const char *unit, const char *state, int *total,
			char *kinds, size_t len)
{
	char member[64], kind[16], dev[64], st[16], path[96];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/shdev/%s/consumers",
		 unit);
	f = fopen(path, "r");
	*total = 0;
	kinds[0] = '\0';
	if (!f)
		return 0;
	while (fscanf(f, "%63s %15s %63s %15s", member, kind, dev, st) == 4) {
		/* For the console log. */
		printf("consumers: %s %s %s %s\n", member, kind, dev, st);
		++*total;
		n += !strcmp(st, state);
		if (!strstr(kinds, kind) && strlen(kinds) + strlen(kind) + 2 < len)
			strcat(strcat(kinds, kinds[0] ? " " : ""), kind);
	}
	fclose(f);
	return n;
}

/* Whether module @name is loaded (not built in). */
static bool module_loaded(const char *name)
{
	char path[96], buf[16];

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	return !read_file(path, buf, sizeof(buf)) && !strcmp(buf, "live");
}

/* The application's screen. */
static void draw_local(const struct canvas *c)
{
	canvas_fill(c, 0, 0, c->w, c->h, 0x0b3d91);
	canvas_fill(c, 40, 40, c->w - 80, 12, 0xf2c12e);
	canvas_text(c, 60, 100, 12, 0xffffff, "LINUX");
	canvas_text(c, 60, 220, 6, 0xf2c12e, "LOCAL APP");
	canvas_text(c, 60, 320, 4, 0xffffff, "EVDEV AND DRM FILES OPEN");
	canvas_fill(c, 40, c->h - 52, c->w - 80, 12, 0xf2c12e);
}

/* The peer's screen: a PIN pad, with one star per digit typed. */
static void draw_pinpad(const struct canvas *c, int typed)
{
	static const char keys[] = "123456789*0#";
	unsigned int i, x0 = c->w / 2 - 180, y0 = 230;
	char digit[2] = "";
	char stars[8] = "";

	canvas_fill(c, 0, 0, c->w, c->h, 0x101010);
	canvas_text(c, x0 - 60, 40, 6, 0x3ddc84, "PEER VM: ENTER PIN");
	for (i = 0; i < 4 && i < (unsigned int)typed; i++)
		stars[i] = '*';
	canvas_fill(c, x0, 120, 360, 80, 0x303030);
	canvas_text(c, x0 + 60, 135, 8, 0xffffff, stars);
	for (i = 0; i < 12; i++) {
		unsigned int x = x0 + (i % 3) * 125, y = y0 + (i / 3) * 125;

		canvas_fill(c, x, y, 110, 110, 0x3ddc84);
		digit[0] = keys[i] == '#' ? 'K' : keys[i];
		canvas_text(c, x + 40, y + 34, 6, 0x101010, digit);
	}
}

/* The application's DRM file: one dumb buffer on the only CRTC. */

struct app_drm {
	int fd;
	uint32_t fb, crtc, conn;
	struct drm_mode_modeinfo mode;
	struct canvas c;
};

static int drm_setup(struct app_drm *d)
{
	struct drm_mode_card_res res = { 0 };
	struct drm_mode_get_connector conn = { 0 };
	struct drm_mode_create_dumb dumb = { 0 };
	struct drm_mode_map_dumb map = { 0 };
	struct drm_mode_fb_cmd fb = { 0 };
	struct drm_mode_crtc crtc = { 0 };
	uint32_t crtcs[4], conns[4];
	struct drm_mode_modeinfo modes[16];

	d->fd = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
	if (d->fd < 0)
		return -errno;
	if (ioctl(d->fd, DRM_IOCTL_MODE_GETRESOURCES, &res))
		return -errno;
	if (!res.count_crtcs || !res.count_connectors ||
	    res.count_crtcs > 4 || res.count_connectors > 4)
		return -ENODEV;
	res.count_fbs = res.count_encoders = 0;
	res.crtc_id_ptr = (uintptr_t)crtcs;
	res.connector_id_ptr = (uintptr_t)conns;
	if (ioctl(d->fd, DRM_IOCTL_MODE_GETRESOURCES, &res))
		return -errno;

	conn.connector_id = conns[0];
	if (ioctl(d->fd, DRM_IOCTL_MODE_GETCONNECTOR, &conn))
		return -errno;
	if (!conn.count_modes || conn.count_modes > 16)
		return -ENODEV;
	conn.count_props = conn.count_encoders = 0;
	conn.modes_ptr = (uintptr_t)modes;
	if (ioctl(d->fd, DRM_IOCTL_MODE_GETCONNECTOR, &conn))
		return -errno;
	d->mode = modes[0];
	d->conn = conns[0];
	d->crtc = crtcs[0];

	dumb.width = d->mode.hdisplay;
	dumb.height = d->mode.vdisplay;
	dumb.bpp = 32;
	if (ioctl(d->fd, DRM_IOCTL_MODE_CREATE_DUMB, &dumb))
		return -errno;
	map.handle = dumb.handle;
	if (ioctl(d->fd, DRM_IOCTL_MODE_MAP_DUMB, &map))
		return -errno;
	d->c.px = mmap(NULL, dumb.size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       d->fd, map.offset);
	if (d->c.px == MAP_FAILED)
		return -errno;
	d->c.w = dumb.width;
	d->c.h = dumb.height;
	d->c.pitch = dumb.pitch;
	d->c.bpp = 4;

	fb.width = dumb.width;
	fb.height = dumb.height;
	fb.pitch = dumb.pitch;
	fb.bpp = 32;
	fb.depth = 24;
	fb.handle = dumb.handle;
	if (ioctl(d->fd, DRM_IOCTL_MODE_ADDFB, &fb))
		return -errno;
	d->fb = fb.fb_id;

	draw_local(&d->c);
	crtc.crtc_id = d->crtc;
	crtc.fb_id = d->fb;
	crtc.set_connectors_ptr = (uintptr_t)&d->conn;
	crtc.count_connectors = 1;
	crtc.mode = d->mode;
	crtc.mode_valid = 1;
	if (ioctl(d->fd, DRM_IOCTL_MODE_SETCRTC, &crtc))
		return -errno;
	return 0;
}

/* Tell the DRM device the whole buffer changed: a commit. */
static int drm_dirty(struct app_drm *d)
{
	struct drm_clip_rect clip = { 0, 0, d->c.w, d->c.h };
	struct drm_mode_fb_dirty_cmd dirty = {
		.fb_id = d->fb,
		.num_clips = 1,
		.clips_ptr = (uintptr_t)&clip,
	};

	return ioctl(d->fd, DRM_IOCTL_MODE_DIRTYFB, &dirty) ? -errno : 0;
}

/*
 * Wait for the commits before this one, such as the repaint a reclaim
 * queues, to reach the screen: a commit of one pixel waits for them.
 */
static int drm_sync(struct app_drm *d)
{
	struct drm_clip_rect clip = { 0, 0, 1, 1 };
	struct drm_mode_fb_dirty_cmd dirty = {
		.fb_id = d->fb,
		.num_clips = 1,
		.clips_ptr = (uintptr_t)&clip,
	};

	return ioctl(d->fd, DRM_IOCTL_MODE_DIRTYFB, &dirty) ? -errno : 0;
}

/* The application's evdev file. */

static int open_keyboard(void)
{
	char path[32], name[64];
	int i, fd;

	for (i = 0; i < 256; i++) {
		snprintf(path, sizeof(path), "/dev/input/event%d", i);
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (ioctl(fd, EVIOCGNAME(sizeof(name)), name) > 0 &&
		    !strcmp(name, KBD_NAME))
			return fd;
		close(fd);
	}
	return -ENODEV;
}

/*
 * Read key events for up to @ms milliseconds, or until @code was pressed
 * and released.  Returns the number of key events seen, -errno if the
 * file failed; *@done tells whether @code went down and up.
 */
static int read_keys(int fd, int code, int ms, bool *done)
{
	double end = now_us() + ms * 1000.0;
	struct input_event ev[16];
	bool down = false;
	int n = 0;

	*done = false;
	while (!*done && now_us() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t len;
		size_t i;

		if (poll(&p, 1, (end - now_us()) / 1000 + 1) < 0)
			return -errno;
		len = read(fd, ev, sizeof(ev));
		if (len < 0 && errno == EAGAIN)
			continue;
		if (len < 0)
			return -errno;
		for (i = 0; i < len / sizeof(ev[0]); i++) {
			if (ev[i].type != EV_KEY)
				continue;
			n++;
			if (ev[i].code == code && ev[i].value == 1)
				down = true;
			if (ev[i].code == code && ev[i].value == 0 && down)
				*done = true;
		}
	}
	return n;
}

static bool no_key_down(int fd)
{
	uint8_t keys[KEY_MAX / 8 + 1] = { 0 };
	size_t i;

	if (ioctl(fd, EVIOCGKEY(sizeof(keys)), keys) < 0)
		return false;
	for (i = 0; i < sizeof(keys); i++)
		if (keys[i])
			return false;
	return true;
}

/* The peer stand-in: it drives the hardware it was given directly. */

/* The framebuffer's range, as the backend granted it to the peer. */
static int granted_fb(unsigned long *start, unsigned long *end)
{
	char line[256];
	FILE *f = fopen(GRANTS, "r");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, PEER " " FB_DEV " [mem %lx-%lx", start, end) == 2)
			ret = 0;
	fclose(f);
	return ret;
}

static int peer_main(int report, unsigned int width, unsigned int height)
{
	unsigned long start, end;
	struct canvas c;
	double deadline;
	char pin[8] = "";
	int fd, typed = 0;

	if (granted_fb(&start, &end) || iopl(3))
		return 1;
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0)
		return 1;
	c.px = mmap(NULL, end - start + 1, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, start);
	if (c.px == MAP_FAILED)
		return 1;
	c.w = width;
	c.h = height;
	c.pitch = (end - start + 1) / height;
	c.bpp = c.pitch / width;
	draw_pinpad(&c, 0);
	if (write(report, "drawn\n", 6) != 6)
		return 1;

	/* Poll the controller; bytes from the mouse are not ours. */
	deadline = now_us() + 20e6;
	while (now_us() < deadline) {
		uint8_t status = inb(0x64), sc;

		if (!(status & 0x01)) {
			usleep(1000);
			continue;
		}
		sc = inb(0x60);
		if ((status & 0x20) || (sc & SC_RELEASE))
			continue;
		if (sc == SC_ENTER)
			break;
		if (sc >= 0x02 && sc <= 0x0b && typed < 4) {
			pin[typed++] = sc == 0x0b ? '0' : '0' + sc - 1;
			draw_pinpad(&c, typed);
		}
	}
	dprintf(report, "pin %s\n", pin);
	return 0;
}

/* The benchmark: transfers against unbind+bind of the same device. */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void stats(double *t, int n, double *median, double *p99)
{
	qsort(t, n, sizeof(*t), cmp_double);
	*median = t[n / 2];
	*p99 = t[(n * 99 + 99) / 100 - 1];
}

/* Wait until @path exists again, for a bound driver's device to show. */
static bool wait_for(const char *path, int ms)
{
	double end = now_us() + ms * 1000.0;

	while (access(path, F_OK)) {
		if (now_us() > end)
			return false;
		usleep(200);
	}
	return true;
}

/* The keyboard's evdev node, once its driver has bound: -ENODEV if late. */
static int keyboard_wait(int ms)
{
	double end = now_us() + ms * 1000.0;
	int fd;

	while ((fd = open_keyboard()) < 0) {
		if (now_us() > end)
			return fd;
		usleep(500);
	}
	return fd;
}

/* Is the keyboard's evdev node back after a bind? */
static bool keyboard_back(int ms)
{
	int fd = keyboard_wait(ms);

	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

/*
 * Round trips from each vCPU in turn: a release waits for the gate's SRCU
 * grace period, which SRCU completes from the boot CPU, and waking the
 * other vCPU costs QEMU's emulation about a hundred microseconds, which a
 * real machine does not pay.  The benchmark shows both.
 */
#define BENCH_CPUS	2

/* Medians and 99th percentiles of round trips from one CPU, in us. */
struct bench_stats {
	double rt_med, rt_p99, rel_med, back_med, back_p99;
};

/*
 * A device under benchmark.  For the display (@drm set), each round trip
 * also times how long until the application's content is on the screen
 * again: the reclaim queues that repaint and returns.
 */
struct bench_dev {
	const char *label, *dev, *drv;
	struct app_drm *drm;
	struct bench_stats on[BENCH_CPUS];
	double ub_med, ub_p99;
	char files[64];
};

static int pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	if (cpu >= 0)
		CPU_SET(cpu, &set);
	else
		for (cpu = 0; cpu < BENCH_CPUS; cpu++)
			CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static bool bench_transfers_on(struct bench_dev *b, int rounds, int cpu)
{
	double *t = calloc(rounds, sizeof(*t));
	double *rel = calloc(rounds, sizeof(*rel));
	double *back = calloc(rounds, sizeof(*back));
	struct bench_stats *st = &b->on[cpu];
	char path[128];
	double p99;
	int i, fd;

	/*
	 * Through one open file, as a daemon that polls the attribute writes
	 * it: opening a sysfs file is a path walk, not part of a transfer.
	 */
	fd = open(ownership(path, sizeof(path), b->dev), O_WRONLY | O_CLOEXEC);
	if (pin_to(cpu))
		rounds = -1;
	for (i = 0; fd >= 0 && i < rounds; i++) {
		double t0 = tsc_us(), t1;

		if (pwrite(fd, PEER, strlen(PEER), 0) < 0)
			break;
		t1 = tsc_us();
		if (pwrite(fd, "local", 5, 0) < 0)
			break;
		t[i] = tsc_us() - t0;
		rel[i] = t1 - t0;
		if (b->drm && drm_sync(b->drm))
			break;
		back[i] = tsc_us() - t0;
	}
	pin_to(-1);
	if (fd >= 0)
		close(fd);
	stats(t, i ? i : 1, &st->rt_med, &st->rt_p99);
	stats(rel, i ? i : 1, &st->rel_med, &p99);
	stats(back, i ? i : 1, &st->back_med, &st->back_p99);
	free(back);
	free(rel);
	free(t);
	return i == rounds;
}

static void bench_transfers(struct bench_dev *b, int rounds)
{
	bool ok = true;
	int cpu;

	for (cpu = 0; cpu < BENCH_CPUS; cpu++)
		ok &= bench_transfers_on(b, rounds, cpu);
	check(ok, "bench: %d round trips of %s from each of %d CPUs", rounds,
	      b->dev, BENCH_CPUS);
}

/* "median us (p99 us)" of the round trips from @cpu. */
static const char *rt_str(char *buf, size_t len, const struct bench_dev *b,
			  int cpu)
{
	snprintf(buf, len, "%.0f us (p99 %.0f)", b->on[cpu].rt_med,
		 b->on[cpu].rt_p99);
	return buf;
}

/* Release, reclaim and, for the display, the content's return. */
static void bench_details(const struct bench_dev *b)
{
	int cpu;

	for (cpu = 0; cpu < BENCH_CPUS; cpu++) {
		const struct bench_stats *st = &b->on[cpu];
		char back[96] = "";

		if (b->drm)
			snprintf(back, sizeof(back),
				 "; content on the screen again %.1f ms (p99 %.1f ms) after the release began",
				 st->back_med / 1000, st->back_p99 / 1000);
		say("bench %s, from CPU %d: release %.0f us, reclaim %.0f us (medians)%s",
		    b->label, cpu, st->rel_med, st->rt_med - st->rel_med, back);
	}
}

static void bench_rebind(struct bench_dev *b, int rounds, bool keyboard)
{
	double *t = calloc(rounds, sizeof(*t));
	char unbind[96], bind[96], back[96];
	int i;

	snprintf(unbind, sizeof(unbind), "/sys/bus/platform/drivers/%s/unbind",
		 b->drv);
	snprintf(bind, sizeof(bind), "/sys/bus/platform/drivers/%s/bind",
		 b->drv);
	snprintf(back, sizeof(back), "/sys/bus/platform/devices/%s/drm",
		 b->dev);
	for (i = 0; i < rounds; i++) {
		double t0 = tsc_us();

		if (write_file(unbind, b->dev) || write_file(bind, b->dev))
			break;
		/* Usable again: its stacked device is back. */
		if (keyboard ? !keyboard_back(10000) : !wait_for(back, 10000))
			break;
		t[i] = tsc_us() - t0;
	}
	check(i == rounds, "bench: %d unbind+bind cycles of %s", rounds, b->dev);
	stats(t, i ? i : 1, &b->ub_med, &b->ub_p99);
	free(t);
}

static void file_state(char *buf, size_t len, int err)
{
	if (err)
		snprintf(buf, len, "lost (%s)", strerror(-err));
	else
		snprintf(buf, len, "intact");
}

static int evdev_state(int fd)
{
	struct input_event ev;

	return read(fd, &ev, sizeof(ev)) < 0 && errno != EAGAIN ? -errno : 0;
}

static int drm_state(struct app_drm *d)
{
	struct drm_mode_card_res res = { 0 };

	return ioctl(d->fd, DRM_IOCTL_MODE_GETRESOURCES, &res) ? -errno : 0;
}

/*
 * Each device on its own, before the unit is described: its round trips,
 * then unbind+bind of its driver, with the files of an application.
 */
static int bench_main(int rounds)
{
	struct app_drm d = { 0 };
	struct bench_dev devs[] = {
		{ .label = "keyboard (i8042)", .dev = KBD_DEV, .drv = KBD_DRV },
		{ .label = "display (simpledrm)", .dev = FB_DEV, .drv = FB_DRV,
		  .drm = &d },
	};
	int rebinds = rounds < 20 ? rounds : 20;
	char after[64];
	FILE *f;
	int i, kbd;

	say("step benchmark: %d release+reclaim round trips, then %d unbind+bind cycles, of each device on its own",
	    rounds, rebinds);
	kbd = keyboard_wait(10000);
	check(kbd >= 0 && !drm_setup(&d),
	      "bench: the application opens the keyboard and draws on the DRM device");
	if (kbd < 0 || d.fd <= 0)
		return 1;
	tsc_calibrate();
	for (i = 0; i < 2; i++)
		bench_transfers(&devs[i], rounds);
	file_state(after, sizeof(after), evdev_state(kbd));
	check(!evdev_state(kbd) && !drm_state(&d),
	      "bench: the application's files work after the round trips");

	bench_rebind(&devs[0], rebinds, true);
	file_state(devs[0].files, sizeof(devs[0].files), evdev_state(kbd));
	bench_rebind(&devs[1], rebinds, false);
	file_state(devs[1].files, sizeof(devs[1].files), drm_state(&d));

	say("bench %-21s %-20s %-20s %-24s %-11s %s", "device",
	    "round trip, CPU 0", "round trip, CPU 1", "unbind+bind", "ratio",
	    "application's file after");
	for (i = 0; i < 2; i++) {
		struct bench_dev *b = &devs[i];
		char rt0[40], rt1[40], ub[40], ratio[24];

		snprintf(ub, sizeof(ub), "%.1f ms (p99 %.1f)",
			 b->ub_med / 1000, b->ub_p99 / 1000);
		snprintf(ratio, sizeof(ratio), "%.0fx / %.0fx",
			 b->ub_med / b->on[0].rt_med,
			 b->ub_med / b->on[1].rt_med);
		say("bench %-21s %-20s %-20s %-24s %-11s %s / %s", b->label,
		    rt_str(rt0, sizeof(rt0), b, 0),
		    rt_str(rt1, sizeof(rt1), b, 1), ub, ratio, after, b->files);
	}
	for (i = 0; i < 2; i++)
		bench_details(&devs[i]);
	say("bench after unbind+bind the application's content never comes back: its DRM file is lost");

	f = fopen(REBIND_FILE, "w");
	if (f) {
		fprintf(f, "%f %f\n", devs[0].ub_med, devs[1].ub_med);
		fclose(f);
	}
	return failures != 0;
}

/*
 * The unit's round trips, display and keyboard together, against
 * unbind+bind of both drivers as the benchmark measured them.
 */
static void bench_unit(int rounds, int kbd, struct app_drm *d)
{
	struct bench_dev unit = { .label = "display+keyboard unit",
				  .dev = UNIT_DEV, .drm = d };
	double ub[2] = { 0, 0 };
	char after[64], rt0[40], rt1[40], ub_both[40];
	FILE *f;
	int err;

	say("step benchmark: %d release+reclaim round trips of the unit",
	    rounds);
	tsc_calibrate();
	bench_transfers(&unit, rounds);
	err = evdev_state(kbd);
	if (!err)
		err = drm_state(d);
	file_state(after, sizeof(after), err);
	check(!err, "bench: the application's files work after the unit's round trips");
	f = fopen(REBIND_FILE, "r");
	if (!f || fscanf(f, "%lf %lf", &ub[0], &ub[1]) != 2)
		ub[0] = ub[1] = 0;
	if (f)
		fclose(f);
	snprintf(ub_both, sizeof(ub_both), "%.1f ms (both drivers)",
		 (ub[0] + ub[1]) / 1000);
	say("bench %-21s %-20s %-20s %-24s %.0fx / %.0fx  %s / -",
	    "display+keyboard", rt_str(rt0, sizeof(rt0), &unit, 0),
	    rt_str(rt1, sizeof(rt1), &unit, 1), ub_both,
	    (ub[0] + ub[1]) / unit.on[0].rt_med,
	    (ub[0] + ub[1]) / unit.on[1].rt_med, after);
	bench_details(&unit);
}

/*
 * The uapi backend: a userspace agent (tools/shdev/shdev-agent.c, standing
 * for a VMM) declares peer AGENT_PEER, answers the release request of the
 * display, and dies; its death brings the display back.
 */

struct agent {
	pid_t pid;
	int in;			/* its standard input */
	int out;		/* its standard output */
	char buf[4096];
	size_t len;
};

/* Run @argv with pipes to its standard input and from its output. */
static int child_start(struct agent *a, char *const argv[])
{
	int p[2], q[2];

	if (pipe(p))
		return -errno;
	if (pipe(q)) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	a->len = 0;
	a->buf[0] = '\0';
	a->pid = fork();
	if (a->pid < 0)
		return -errno;
	if (!a->pid) {
		dup2(p[1], 1);
		dup2(q[0], 0);
		close(p[0]);
		close(q[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	close(q[0]);
	a->out = p[0];
	a->in = q[1];
	return 0;
}

static int agent_start(struct agent *a)
{
	char *const argv[] = { AGENT, "-p", AGENT_PEER ":" AGENT_PEER_ID, NULL };

	return child_start(a, argv);
}

static void child_end(struct agent *a, int sig)
{
	if (sig)
		kill(a->pid, sig);
	close(a->in);
	waitpid(a->pid, NULL, 0);
	close(a->out);
}

/* Wait until the agent has printed @want; the line is in @line. */
static bool agent_said(struct agent *a, const char *want, char *line,
		       size_t len, int ms)
{
	double end = now_us() + ms * 1e3;

	for (;;) {
		struct pollfd p = { .fd = a->out, .events = POLLIN };
		char *at = strstr(a->buf, want), *start, *stop;
		ssize_t n;

		if (at) {
			for (start = at; start > a->buf && start[-1] != '\n'; start--)
				;
			stop = strchr(at, '\n');
			snprintf(line, len, "%.*s",
				 (int)(stop ? stop - start : (ptrdiff_t)strlen(start)),
				 start);
			/* Forget what was read up to there. */
			n = stop ? stop + 1 - a->buf : (ptrdiff_t)a->len;
			memmove(a->buf, a->buf + n, a->len - n + 1);
			a->len -= n;
			return true;
		}
		if (now_us() >= end || a->len >= sizeof(a->buf) - 1)
			return false;
		if (poll(&p, 1, (end - now_us()) / 1000 + 1) <= 0)
			continue;
		n = read(a->out, a->buf + a->len, sizeof(a->buf) - 1 - a->len);
		if (n <= 0)
			return false;
		a->len += n;
		a->buf[a->len] = '\0';
	}
}

static void agent_step(struct app_drm *d)
{
	char line[256] = "";
	struct agent a;
	bool ok;
	int err;

	say("step 7: a userspace agent, standing for a VMM, takes the unit for its peer %s and dies",
	    AGENT_PEER);
	ok = !agent_start(&a) &&
		agent_said(&a, "peer " AGENT_PEER, line, sizeof(line), 3000);
	check(ok, "the agent opens /dev/shdev-agent and declares peer %s",
	      AGENT_PEER);
	if (!ok)
		return;

	err = set_owner(UNIT_DEV, AGENT_PEER);
	ok = agent_said(&a, "release " FB_DEV, line, sizeof(line), 3000);
	if (ok)
		say("log %s", line);
	check(ok && strstr(line, "mem 0x"),
	      "the agent reads the display's release request, with its MMIO range");
	ok = agent_said(&a, "release " KBD_DEV, line, sizeof(line), 3000);
	if (ok)
		say("log %s", line);
	check(ok, "the agent reads the keyboard's release request");
	ok = agent_said(&a, "answered", line, sizeof(line), 3000);
	check(ok && !err && owner_is(FB_DEV, AGENT_PEER) &&
	      owner_is(KBD_DEV, AGENT_PEER),
	      "the agent's answers give the unit to %s (%s)", AGENT_PEER,
	      strerror(-err));

	child_end(&a, SIGKILL);
	check(owner_is(FB_DEV, "local") && owner_is(KBD_DEV, "local"),
	      "killing the agent brings display and keyboard back local");
	err = set_owner(UNIT_DEV, AGENT_PEER);
	check(err == -EINVAL && !drm_dirty(d),
	      "its peer is gone with it and the application's same DRM file works");
	/*
	 * Nothing waits for the host after this step: let the console send
	 * what it holds before the scenario ends and the VM reboots.
	 */
	tcdrain(STDOUT_FILENO);
}

/*
 * QEMU's second serial port, an 8250 platform device of its own whose
 * driver the project converts, goes to peer PEER and back while a process
 * keeps /dev/ttyS1 open and writes: QEMU's end of COM2 (a file on the
 * host) shows what reached the port.
 */
#define COM2_DEV	"serial8250.0"
#define COM2_TTY	"/dev/ttyS1"

static bool com2_write(int fd, const char *text)
{
	size_t len = strlen(text);

	return write(fd, text, len) == (ssize_t)len;
}

static void com2_step(void)
{
	int fd, err, n, total;
	char kinds[64];
	struct termios t;
	bool ok;

	say("step 8: QEMU's COM2, an 8250 platform device converted by the project, goes to peer %s and back while a process writes to %s",
	    PEER, COM2_TTY);
	fd = open(COM2_TTY, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	ok = fd >= 0 && !tcgetattr(fd, &t);
	if (ok) {
		cfmakeraw(&t);
		cfsetspeed(&t, B115200);
		ok = !tcsetattr(fd, TCSANOW, &t);
	}
	ok = ok && com2_write(fd, "com2: before\n") && !tcdrain(fd);
	check(ok && owner_is(COM2_DEV, "local"),
	      "the process opens %s, a port of %s, and writes", COM2_TTY,
	      COM2_DEV);
	if (!ok) {
		if (fd >= 0)
			close(fd);
		return;
	}
	host("com2 has com2: before");
	err = set_owner(COM2_DEV, PEER);
	check(!err && owner_is(COM2_DEV, PEER),
	      "writing %s to %s's ownership attribute succeeds (%s)", PEER,
	      COM2_DEV, strerror(-err));
	n = consumers_in(COM2_DEV, "frozen", &total, kinds, sizeof(kinds));
	check(n == 1 && total == 1 && !strcmp(kinds, "tty"),
	      "its port's tty is frozen (%d of %d stacked devices: %s)", n,
	      total, kinds);
	ok = com2_write(fd, "com2: away\n");
	check(ok, "the process's write while away is taken into the tty's buffer");
	/* What would reach the port has had a hundred times its time. */
	usleep(100000);
	host("com2 lacks com2: away");
	err = set_owner(COM2_DEV, "local");
	check(!err && owner_is(COM2_DEV, "local"),
	      "writing local to %s's ownership attribute succeeds (%s)",
	      COM2_DEV, strerror(-err));
	ok = !tcdrain(fd);
	check(ok, "what was written while away drains after the reclaim");
	host("com2 has com2: away");
	ok = com2_write(fd, "com2: after\n") && !tcdrain(fd);
	check(ok, "the process's same file writes after the reclaim");
	host("com2 has com2: after");
	close(fd);
}

/* Whether the kernel log, from boot, reports a warning or a bug. */
static bool kernel_log_clean(char *first, size_t len)
{
	static const char * const bad[] = {
		"WARNING:", "BUG:", "Unbalanced enable", "Oops", "still held",
	};
	char rec[1024], *msg;
	bool clean = true;
	ssize_t n;
	size_t i;
	int fd;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return false;
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || errno == EPIPE) {
		if (n <= 0)
			continue;
		rec[n] = '\0';
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			if (!strstr(rec, bad[i]) || !clean)
				continue;
			clean = false;
			msg = strchr(rec, ';') ? strchr(rec, ';') + 1 : rec;
			msg[strcspn(msg, "\n")] = '\0';
			snprintf(first, len, "%.200s", msg);
		}
	}
	close(fd);
	return clean;
}

/*
 * Each driver is unbound while the unit is away: the unit comes back
 * before the driver's remove() runs, and the driver binds again.  Then a
 * round trip, and a kernel log without a warning.
 */
static void unbind_step(void)
{
	static const struct {
		const char *label, *dev, *drv, *other;
		bool display;
	} d[] = {
		{ "the display", FB_DEV, FB_DRV, KBD_DEV, true },
		{ "the keyboard", KBD_DEV, KBD_DRV, FB_DEV, false },
	};
	char path[96], back[96], first[256] = "";
	size_t i;
	bool ok;
	int err;

	say("step 9: each driver unbinds while the unit is away, and binds again");
	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		err = set_owner(UNIT_DEV, PEER);
		check(!err && owner_is(d[i].dev, PEER),
		      "the unit goes to %s again (%s)", PEER, strerror(-err));
		snprintf(path, sizeof(path),
			 "/sys/bus/platform/drivers/%s/unbind", d[i].drv);
		ok = !write_file(path, d[i].dev);
		check(ok && owner_is(UNIT_DEV, "local") &&
		      owner_is(d[i].other, "local"),
		      "unbinding %s's driver while away takes the unit back first",
		      d[i].label);
		snprintf(path, sizeof(path),
			 "/sys/bus/platform/drivers/%s/bind", d[i].drv);
		snprintf(back, sizeof(back),
			 "/sys/bus/platform/devices/%s/drm", d[i].dev);
		ok = !write_file(path, d[i].dev) &&
			(d[i].display ? wait_for(back, 10000) :
					keyboard_back(10000)) &&
			owner_is(d[i].dev, "local");
		check(ok, "%s's driver binds again, a member of the unit",
		      d[i].label);
	}
	err = set_owner(UNIT_DEV, PEER);
	if (!err)
		err = set_owner(UNIT_DEV, "local");
	check(!err && owner_is(FB_DEV, "local") && owner_is(KBD_DEV, "local"),
	      "the unit goes to %s and comes back (%s)", PEER, strerror(-err));
	check(kernel_log_clean(first, sizeof(first)),
	      "the kernel log has no warning%s%s", first[0] ? ": " : "", first);
}

/*
 * Step 3 with a real VM: tools/shdev-vmm is the uapi agent of peer
 * AGENT_PEER; it runs demo/peer in a nested VM under KVM and prints what
 * the program reports.
 */
#define VMM		"/shdev-vmm"
#define VMM_PROGRAM	"/peer.bin"

#define UAPI_TIMEOUT	"/sys/module/shdev_uapi/parameters/timeout_ms"
#define UNIT_STATS	"/sys/kernel/debug/shdev/" UNIT_DEV "/stats"

/* Start the VMM; with @deaf, one that never answers a reclaim. */
static int vmm_start(struct agent *vmm, const struct app_drm *d, bool deaf)
{
	char geometry[32];
	char *const argv[] = {
		VMM, "-p", AGENT_PEER ":" AGENT_PEER_ID, "-b", VMM_PROGRAM,
		"-g", geometry, deaf ? "-n" : NULL, NULL
	};
	char line[256];

	snprintf(geometry, sizeof(geometry), "%ux%u", d->c.w, d->c.h);
	if (child_start(vmm, argv))
		return -1;
	if (!agent_said(vmm, "declared", line, sizeof(line), 10000)) {
		child_end(vmm, SIGKILL);
		return -1;
	}
	return 0;
}

/* A counter of the unit's debugfs stats, or -1. */
static long long unit_stat(const char *name)
{
	FILE *f = fopen(UNIT_STATS, "r");
	size_t len = strlen(name);
	long long val = -1;
	char line[128];

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ':')
			val = strtoll(line + len + 1, NULL, 10);
	if (f)
		fclose(f);
	return val;
}

/* The mappings of uapi device files in every process, or -1. */
static int device_mappings(void)
{
	char path[300], line[512];
	struct dirent *e;
	int n = 0;
	DIR *proc;
	FILE *f;

	proc = opendir("/proc");
	if (!proc)
		return -1;
	while ((e = readdir(proc))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/maps", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			n += !!strstr(line, "[shdev-device]");
		fclose(f);
	}
	closedir(proc);
	return n;
}

/* Ask the VMM for its count of faulting accesses; -1 if it says none. */
static long vmm_faults(struct agent *vmm)
{
	char line[256], *at;

	if (write(vmm->in, "faults\n", 7) != 7)
		return -1;
	if (!agent_said(vmm, "faults after the reclaim", line, sizeof(line),
			5000))
		return -1;
	say("log %s", line);
	at = strstr(line, "reclaim: ");
	return at ? strtol(at + 9, NULL, 10) : -1;
}

/* The VMM's line with @want, as a log line; false if it never came. */
static bool vmm_said(struct agent *vmm, const char *want, char *line,
		     size_t len, int ms)
{
	if (!agent_said(vmm, want, line, len, ms))
		return false;
	say("log %s", line);
	return true;
}

static void nested_peer(struct agent *vmm, int kbd)
{
	char line[256];
	bool ok, done;
	int n;

	say("step 3: the nested VM draws a PIN pad and reads the keyboard through its interrupt");
	ok = vmm_said(vmm, "release simple-framebuffer.0", line, sizeof(line), 5000);
	check(ok && strstr(line, "(device file)") && strstr(line, "slot"),
	      "the VMM maps the framebuffer's device file as a memory slot of its VM");
	ok = vmm_said(vmm, "release i8042", line, sizeof(line), 5000);
	check(ok && strstr(line, "(device file)") && strstr(line, "io 0x60") &&
	      strstr(line, "irq 1 -> KVM_IRQFD"),
	      "the VMM forwards the keyboard's ports to its device file and wires IRQ 1's eventfd with KVM_IRQFD");
	ok = vmm_said(vmm, "peer: drawn", line, sizeof(line), 30000);
	check(ok, "the nested VM draws into the framebuffer granted");
	host("shot 2-peer");
	host("keys 1 2 3 4");
	host("shot 3-peer-typed");
	host("keys ret");
	ok = vmm_said(vmm, "peer: pin", line, sizeof(line), 10000);
	check(ok && strstr(line, "peer: pin 1234"),
	      "the VMM reads the PIN typed into the nested VM (%s)",
	      ok ? strstr(line, "pin") : "nothing");
	n = read_keys(kbd, KEY_1, 300, &done);
	check(n == 0, "the application sees no key while away (%d events)", n);
}

/*
 * While the peer owns the unit, the application's commits and the
 * console's output stop above the drivers, in the frozen DRM, input and
 * serio devices: no path of Linux's drivers even reaches the hardware
 * gate, which would turn it away and count it in the unit's "refused".
 */
static void away_untouched(long long refused_before)
{
	long long refused = unit_stat("refused");

	check(refused >= 0 && refused_before >= 0 &&
	      refused == refused_before && owner_is(UNIT_DEV, AGENT_PEER),
	      "Linux's drivers touched nothing of the unit while away: no path of theirs reached the hardware gate (%lld refused)",
	      refused - refused_before);
}

/* The stand-in, where the demonstration's VM has no SVM for KVM. */
static void standin_peer(struct app_drm *d, int kbd)
{
	int peer[2], n, status;
	char line[64] = "";
	bool done;
	pid_t pid;
	FILE *f;

	say("step 3: FALLBACK, no KVM here: the peer stand-in, a process of this VM, draws a PIN pad and reads the keyboard through the i8042 ports");
	if (pipe(peer))
		return;
	pid = fork();
	if (!pid) {
		close(peer[0]);
		_exit(peer_main(peer[1], d->c.w, d->c.h));
	}
	close(peer[1]);
	f = fdopen(peer[0], "r");
	check(f && fgets(line, sizeof(line), f) && !strcmp(line, "drawn\n"),
	      "the peer maps the framebuffer it was granted and draws");
	host("shot 2-peer");
	host("keys 1 2 3 4");
	host("shot 3-peer-typed");
	host("keys ret");
	line[0] = '\0';
	if (f && !fgets(line, sizeof(line), f))
		line[0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	check(!strcmp(line, "pin 1234"), "the peer reads the PIN typed (%s)",
	      line[0] ? line : "nothing");
	if (f)
		fclose(f);
	waitpid(pid, &status, 0);
	n = read_keys(kbd, KEY_1, 300, &done);
	check(n == 0, "the application sees no key while away (%d events)", n);
}

/* Release the unit to a new VMM's VM and wait for its first frame. */
static bool vmm_takes_unit(struct agent *vmm, const struct app_drm *d,
			   bool deaf)
{
	char line[256];
	int err;

	if (vmm_start(vmm, d, deaf))
		return false;
	err = set_owner(UNIT_DEV, AGENT_PEER);
	if (!err && owner_is(UNIT_DEV, AGENT_PEER) &&
	    vmm_said(vmm, "peer: drawn", line, sizeof(line), 30000))
		return true;
	say("the unit does not reach the VM: %s", strerror(-err));
	child_end(vmm, SIGKILL);
	set_owner(UNIT_DEV, "local");
	return false;
}

/*
 * The VMM dies while its VM owns the unit: the kernel revokes what the
 * device files handed out, and the unit comes back.
 */
static void vmm_killed(struct app_drm *d, int kbd)
{
	struct agent vmm;
	int maps, n;
	bool ok, done;

	say("step 5: the VMM is killed while its VM owns the unit");
	ok = vmm_takes_unit(&vmm, d, false);
	maps = device_mappings();
	check(ok && maps > 0,
	      "a new VMM's VM owns the unit and draws; the VMM has %d mappings of device files",
	      maps);
	if (!ok)
		return;
	child_end(&vmm, SIGKILL);
	check(owner_is(UNIT_DEV, "local") && owner_is(FB_DEV, "local") &&
	      owner_is(KBD_DEV, "local"),
	      "killing the VMM brings the unit back local");
	maps = device_mappings();
	check(maps == 0, "no process maps a device file any more (%d mappings)",
	      maps);
	host("keys c");
	n = read_keys(kbd, KEY_C, 3000, &done);
	check(done && !drm_dirty(d),
	      "the application's same evdev file reads a key (%d key events) and its DRM file commits",
	      n);
}

/*
 * A VMM that never answers a reclaim: the kernel revokes at the agent's
 * timeout and the reclaim completes; the VM's accesses fault after it.
 */
static void vmm_deaf(struct app_drm *d)
{
	char timeout[16] = "5000", line[256];
	struct agent vmm;
	double start, ms;
	long faults;
	bool ok;
	int err;

	say("step 6: a VMM that never answers a reclaim and keeps its VM running");
	/* The agent's timeout, taken when it opens: one second, for this step. */
	read_file(UAPI_TIMEOUT, timeout, sizeof(timeout));
	timeout[strcspn(timeout, "\n")] = '\0';
	write_file(UAPI_TIMEOUT, "1000");
	ok = vmm_takes_unit(&vmm, d, true);
	write_file(UAPI_TIMEOUT, timeout);
	check(ok, "a VMM started with -n takes the unit for its VM, which draws");
	if (!ok)
		return;
	/* Past the PIN, the program goes on touching both devices. */
	host("keys 5 6 7 8 ret");
	ok = vmm_said(&vmm, "peer: pin", line, sizeof(line), 10000);
	check(ok && strstr(line, "pin 5678"),
	      "its VM reads a PIN (%s) and goes on writing the framebuffer and reading the keyboard",
	      ok ? strstr(line, "pin") : "nothing");
	start = now_us();
	err = set_owner(UNIT_DEV, "local");
	ms = (now_us() - start) / 1e3;
	check(!err && owner_is(FB_DEV, "local") && owner_is(KBD_DEV, "local"),
	      "the reclaim completes unanswered, once the kernel revoked the device files (%.0f ms, for two devices; the agent's timeout is 1000 ms) (%s)",
	      ms, strerror(-err));
	faults = vmm_faults(&vmm);
	check(faults > 0,
	      "the VM's accesses after the reclaim fault: %ld faulted", faults);
	check(!drm_sync(d), "the application's DRM file repaints after the reclaim");
	host("shot 5-deaf-reclaimed");
	if (write(vmm.in, "quit\n", 5) != 5)
		kill(vmm.pid, SIGKILL);
	child_end(&vmm, 0);
}

/*
 * Round trips of the unit with the real VM: a new VMM each round (its
 * start is not timed), then the release until the ownership write returns
 * and until the VM reports its first frame, and the reclaim until the
 * write returns and until the application's content is on the screen
 * again.  Ownership latency and the frames apart: a release does not
 * wait for the VM to draw, nor a reclaim for Linux's repaint.
 */
#define BENCH_VM_ROUNDS	5

/*
 * The framebuffer console gives no sign of its repaint: the screen itself
 * is read, through /dev/mem, while Linux owns the display.  Every fourth
 * row of the firmware framebuffer (the range simpledrm requested) is kept
 * before the release, and compared after the reclaim until it is on the
 * screen again.  The console's cursor does not blink meanwhile.
 */
#define FBCON_BLINK	"/sys/class/graphics/fbcon/cursor_blink"
#define FB_REGION	"simpledrm"	/* the DRM driver's name */
#define SHOWN_STEP	4

struct screen {
	unsigned long start, size;
	unsigned int rows, pitch;
	unsigned int late;
	uint8_t *kept;
};

/* The framebuffer's range, from the region its driver requested. */
static int screen_find(struct screen *s, unsigned int height)
{
	unsigned long start, end;
	char line[256], name[64];
	FILE *f = fopen("/proc/iomem", "r");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (ret && fgets(line, sizeof(line), f))
		if (sscanf(line, " %lx-%lx : %63[^\n]", &start, &end, name) == 3 &&
		    !strcmp(name, FB_REGION))
			ret = 0;
	fclose(f);
	if (ret || !start || !height)
		return -ENOENT;
	s->start = start;
	s->size = end - start + 1;
	s->rows = height;
	s->pitch = s->size / height;
	s->kept = malloc(s->size);
	return s->kept ? 0 : -ENOMEM;
}

/* Map the framebuffer for one look; the caller unmaps it. */
static uint8_t *screen_map(const struct screen *s)
{
	int fd = open("/dev/mem", O_RDONLY | O_SYNC);
	void *p;

	if (fd < 0)
		return NULL;
	p = mmap(NULL, s->size, PROT_READ, MAP_SHARED, fd, s->start);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

static int screen_keep(struct screen *s)
{
	uint8_t *px = screen_map(s);
	unsigned int y;

	if (!px)
		return -errno;
	for (y = 0; y < s->rows; y += SHOWN_STEP)
		memcpy(s->kept + y * s->pitch, px + y * s->pitch, s->pitch);
	munmap(px, s->size);
	return 0;
}

/*
 * Wait until what was kept is on the screen again; false at @ms.  Counts
 * in @s->late whether the first look still found something else there,
 * so that a repaint timed is one that was seen to happen.
 */
static bool screen_back(struct screen *s, int ms)
{
	double deadline = tsc_us() + ms * 1e3;
	uint8_t *px = screen_map(s);
	unsigned int y, looks;
	bool same = false;

	if (!px)
		return false;
	for (looks = 0; !same && tsc_us() < deadline; looks++) {
		same = true;
		for (y = 0; same && y < s->rows; y += SHOWN_STEP)
			same = !memcmp(s->kept + y * s->pitch,
				       px + y * s->pitch, s->pitch);
	}
	s->late += looks > 1;
	munmap(px, s->size);
	return same;
}

/*
 * One round with a new VMM; @t gets release, frame, reclaim, shown.  With
 * @scr, the framebuffer console's content tells when Linux's is back.
 */
static bool bench_vm_round(struct app_drm *d, struct screen *scr,
			   double t[4])
{
	char line[256];
	struct agent vmm;
	double t0, t1;
	bool ok;

	if (vmm_start(&vmm, d, false))
		return false;
	ok = !scr || !screen_keep(scr);
	t0 = tsc_us();
	ok = !set_owner(UNIT_DEV, AGENT_PEER) && ok;
	t[0] = tsc_us() - t0;
	ok = ok && agent_said(&vmm, "peer: drawn", line, sizeof(line), 30000);
	t1 = tsc_us();
	t[1] = t1 - t0;
	ok = !set_owner(UNIT_DEV, "local") && ok;
	t[2] = tsc_us() - t1;
	ok = (scr ? screen_back(scr, 3000) : !drm_sync(d)) && ok;
	t[3] = tsc_us() - t1;
	if (write(vmm.in, "quit\n", 5) != 5)
		kill(vmm.pid, SIGKILL);
	child_end(&vmm, 0);
	return ok;
}

/*
 * With @app, the application holds the DRM device and its commit after
 * the reclaim says when its content is back; else the framebuffer console
 * is the display's client, and its content read off the screen says it.
 */
static void bench_vm(struct app_drm *d, bool app)
{
	static const char * const what[] = {
		"release", "the VM's first frame after the release began",
		"reclaim", "Linux's content on the screen after the reclaim began",
	};
	const char *client = app ? "an application holding the DRM device" :
		"the framebuffer console";
	double t[4][BENCH_VM_ROUNDS], round[4], med, p99;
	struct screen scr = { 0 };
	char blink[8] = "1";
	int i, k;

	say("step benchmark: %d round trips of the unit with the nested VM, the display's client %s",
	    BENCH_VM_ROUNDS, client);
	if (!app) {
		k = screen_find(&scr, d->mode.vdisplay);
		check(!k, "bench: the framebuffer's range is in /proc/iomem (%s: %s)",
		      FB_REGION, strerror(-k));
		if (k)
			return;
		read_file(FBCON_BLINK, blink, sizeof(blink));
		blink[strcspn(blink, "\n")] = '\0';
		write_file(FBCON_BLINK, "0");
	}
	for (i = 0; i < BENCH_VM_ROUNDS &&
	     bench_vm_round(d, app ? NULL : &scr, round); i++)
		for (k = 0; k < 4; k++)
			t[k][i] = round[k];
	if (!app) {
		write_file(FBCON_BLINK, blink);
		free(scr.kept);
	}
	check(i == BENCH_VM_ROUNDS,
	      "bench: %d round trips of the unit with the nested VM, the display's client %s, and Linux's content back on the screen each time",
	      BENCH_VM_ROUNDS, client);
	for (k = 0; i && k < 4; k++) {
		stats(t[k], i, &med, &p99);
		say("bench display+keyboard with the nested VM, %s: %s %.1f ms (median of %d, max %.1f ms)",
		    client, what[k], med / 1000, i, p99 / 1000);
	}
	if (!app)
		say("bench display+keyboard with the nested VM, %s: Linux's content was not yet back at the first look after the reclaim returned in %u of %d rounds (in the others, the time is that look's: an upper bound)",
		    client, scr.late, i);
}

static int scenario(int rounds)
{
	struct app_drm d = { 0 };
	struct agent vmm;
	bool nested = !access("/dev/kvm", F_OK), done;
	const char *peer = nested ? AGENT_PEER : PEER;
	char kinds[64];
	int kbd, n, total, err;
	long long refused;

	say("step 1: the application opens the keyboard's evdev node and the DRM device and draws its screen");
	check(!access("/sys/class/devlink/platform:" UNIT_DEV "--platform:" FB_DEV, F_OK) &&
	      !access("/sys/class/devlink/platform:" UNIT_DEV "--platform:" KBD_DEV, F_OK),
	      "display and keyboard are members of the unit %s", UNIT_DEV);
	kbd = keyboard_wait(10000);
	check(kbd >= 0, "the application opens the keyboard (%s)", KBD_NAME);
	check(!drm_setup(&d), "the application draws on the DRM device");
	if (kbd < 0 || d.fd <= 0)
		return 1;
	host("shot 1-local");
	host("keys a");
	n = read_keys(kbd, KEY_A, 3000, &done);
	check(done, "a key typed reaches the application (%d key events)", n);

	if (nested) {
		say("step 2: display and keyboard, one unit, are released to peer %s, a VM that tools/shdev-vmm runs under KVM",
		    peer);
		err = vmm_start(&vmm, &d, false);
		check(!err, "the VMM creates its VM and declares peer %s on /dev/shdev-agent",
		      peer);
		if (err)
			return 1;
	} else {
		say("step 2: display and keyboard, one unit, are released to peer %s (FALLBACK: the simulated backend, no KVM here)",
		    peer);
	}
	refused = unit_stat("refused");
	err = set_owner(UNIT_DEV, peer);
	check(!err, "writing %s to the unit's ownership attribute succeeds (%s)",
	      peer, strerror(-err));
	check(owner_is(UNIT_DEV, peer) && owner_is(FB_DEV, peer) &&
	      owner_is(KBD_DEV, peer),
	      "the unit's, the display's and the keyboard's ownership attributes read %s",
	      peer);
	check(!drm_dirty(&d), "the application's DRM commits complete while away");
	n = consumers_in(UNIT_DEV, "frozen", &total, kinds, sizeof(kinds));
	check(module_loaded("shdev_serio") && total >= 2 && n == total,
	      "the core loaded shdev-serio for the release; the unit's %d stacked devices (%s) are frozen (%d)",
	      total, kinds, n);

	if (nested) {
		nested_peer(&vmm, kbd);
		away_untouched(refused);
	} else
		standin_peer(&d, kbd);

	say("step 4: the unit is reclaimed%s",
	    nested ? "; the nested VM goes on writing the framebuffer and reading the keyboard" : "");
	err = set_owner(UNIT_DEV, "local");
	check(!err, "writing local to the unit's ownership attribute succeeds (%s)",
	      strerror(-err));
	check(owner_is(UNIT_DEV, "local") && owner_is(FB_DEV, "local") &&
	      owner_is(KBD_DEV, "local"),
	      "the unit's, the display's and the keyboard's ownership attributes read local");
	n = consumers_in(UNIT_DEV, "thawed", &total, kinds, sizeof(kinds));
	check(total >= 2 && n == total,
	      "the unit's %d stacked devices (%s) are thawed (%d)", total,
	      kinds, n);
	/* The reclaim queued the repaint; a one-pixel commit waits for it. */
	check(!drm_sync(&d), "the application's DRM file commits after the reclaim");
	host("shot 4-reclaimed");
	host("keys b");
	n = read_keys(kbd, KEY_B, 3000, &done);
	check(done, "a key typed reaches the application's same evdev file (%d key events)",
	      n);
	check(no_key_down(kbd), "no key is stuck down");
	check(!drm_dirty(&d), "the application's same DRM file works");
	if (nested) {
		long faults = vmm_faults(&vmm);

		check(faults > 0,
		      "every access of the erring VM after the reclaim faults into the VMM: %ld faulted",
		      faults);
		if (write(vmm.in, "quit\n", 5) != 5)
			kill(vmm.pid, SIGKILL);
		child_end(&vmm, 0);
		vmm_killed(&d, kbd);
		vmm_deaf(&d);
	}

	agent_step(&d);
	if (rounds)
		bench_unit(rounds, kbd, &d);
	if (rounds && nested)
		bench_vm(&d, true);
	com2_step();
	/* Last: the application's files do not survive an unbind. */
	unbind_step();
	/* The display's driver bound again: the console is its client now. */
	if (rounds && nested)
		bench_vm(&d, false);
	tcdrain(STDOUT_FILENO);
	say("done %d failed", failures);
	return failures != 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "scenario"))
		return scenario(argc > 2 ? atoi(argv[2]) : 0);
	if (argc == 3 && !strcmp(argv[1], "bench") && atoi(argv[2]) > 0)
		return bench_main(atoi(argv[2]));
	fprintf(stderr, "usage: %s scenario [ROUNDS] | bench ROUNDS\n",
		argv[0]);
	return 2;
}
