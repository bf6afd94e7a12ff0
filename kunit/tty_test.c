// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the serial consumer: a serial core port of the test's
 * own UART driver below the fake shared device, its tty opened through a
 * device node and written as a process writes it.  The port's operations
 * record what reaches "the hardware".
 */

#include <kunit/test.h>
#include <linux/console.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kfifo.h>
#include <linux/namei.h>
#include <linux/serial.h>
#include <linux/serial_core.h>
#include <linux/spinlock.h>
#include <linux/tty.h>
#include <linux/tty_flip.h>

#include "fake.h"

#define KU_NODE		"/shdev-kt-tty"
#define KU_SENT_MAX	256

/* A UART of the test's: what reached it. */
struct ku_port {
	struct uart_port port;
	char sent[KU_SENT_MAX];	/* the first bytes transmitted */
	unsigned int nsent;	/* bytes transmitted, under the port lock */
	unsigned int start_tx;	/* start_tx() calls */
	unsigned int startups;
	unsigned int shutdowns;
	unsigned int termios;	/* set_termios() calls */
	unsigned int last_baud;
	unsigned int set_mctrl;	/* set_mctrl() calls */
	unsigned int last_mctrl;
	unsigned int hw_reads;	/* get_mctrl() and break_ctl() calls */
	unsigned int busy;	/* tx_empty() says "not empty" this many times */
	unsigned int tx_empty;	/* tx_empty() calls */
	bool registered;
};

static struct ku_port *to_ku(struct uart_port *port)
{
	return container_of(port, struct ku_port, port);
}

static unsigned int ku_tx_empty(struct uart_port *port)
{
	struct ku_port *kp = to_ku(port);

	kp->tx_empty++;
	if (kp->busy) {
		kp->busy--;
		return 0;
	}
	return TIOCSER_TEMT;
}

static void ku_set_mctrl(struct uart_port *port, unsigned int mctrl)
{
	struct ku_port *kp = to_ku(port);

	kp->set_mctrl++;
	kp->last_mctrl = mctrl;
}

static unsigned int ku_get_mctrl(struct uart_port *port)
{
	to_ku(port)->hw_reads++;
	return TIOCM_CAR | TIOCM_CTS | TIOCM_DSR;
}

static void ku_stop_tx(struct uart_port *port)
{
}

/* Transmits at once what the transmit buffer holds. */
static void ku_start_tx(struct uart_port *port)
{
	struct ku_port *kp = to_ku(port);
	struct tty_port *tport = &port->state->port;
	u8 ch;

	kp->start_tx++;
	while (!uart_tx_stopped(port) && kfifo_get(&tport->xmit_fifo, &ch)) {
		if (kp->nsent < KU_SENT_MAX)
			kp->sent[kp->nsent] = ch;
		kp->nsent++;
		port->icount.tx++;
	}
	if (kfifo_len(&tport->xmit_fifo) < WAKEUP_CHARS)
		uart_write_wakeup(port);
}

static void ku_stop_rx(struct uart_port *port)
{
}

static void ku_break_ctl(struct uart_port *port, int break_state)
{
	to_ku(port)->hw_reads++;
}

static int ku_startup(struct uart_port *port)
{
	to_ku(port)->startups++;
	return 0;
}

static void ku_shutdown(struct uart_port *port)
{
	to_ku(port)->shutdowns++;
}

static void ku_set_termios(struct uart_port *port, struct ktermios *termios,
			   const struct ktermios *old)
{
	struct ku_port *kp = to_ku(port);
	unsigned long flags;

	kp->termios++;
	kp->last_baud = tty_termios_baud_rate(termios);
	uart_port_lock_irqsave(port, &flags);
	uart_update_timeout(port, termios->c_cflag, kp->last_baud);
	uart_port_unlock_irqrestore(port, flags);
}

static const char *ku_type(struct uart_port *port)
{
	return "shdev-kt";
}

static void ku_release_port(struct uart_port *port)
{
}

static int ku_request_port(struct uart_port *port)
{
	return 0;
}

static void ku_config_port(struct uart_port *port, int flags)
{
}

static const struct uart_ops ku_ops = {
	.tx_empty = ku_tx_empty,
	.set_mctrl = ku_set_mctrl,
	.get_mctrl = ku_get_mctrl,
	.stop_tx = ku_stop_tx,
	.start_tx = ku_start_tx,
	.stop_rx = ku_stop_rx,
	.break_ctl = ku_break_ctl,
	.startup = ku_startup,
	.shutdown = ku_shutdown,
	.set_termios = ku_set_termios,
	.type = ku_type,
	.release_port = ku_release_port,
	.request_port = ku_request_port,
	.config_port = ku_config_port,
};

static struct uart_driver ku_driver = {
	.owner = THIS_MODULE,
	.driver_name = "shdev-kt-uart",
	.dev_name = "ttyKT",
	.nr = 1,
};

/* A second driver, whose port is a console: what the console printed. */
static DEFINE_SPINLOCK(kc_lock);
static struct ku_port *kc_port;	/* under kc_lock */
static const char *kc_wanted;	/* under kc_lock */
static bool kc_seen;		/* @kc_wanted printed, under kc_lock */
static unsigned int kc_away;	/* writes while frozen, under kc_lock */

static void kc_write(struct console *co, const char *s, unsigned int n)
{
	unsigned long flags;

	spin_lock_irqsave(&kc_lock, flags);
	if (kc_port && kc_port->port.frozen)
		kc_away++;
	if (kc_wanted && strnstr(s, kc_wanted, n))
		kc_seen = true;
	spin_unlock_irqrestore(&kc_lock, flags);
}

static struct uart_driver kc_driver;

static struct console kc_console = {
	.name = "ttyKC",
	.write = kc_write,
	.device = uart_console_device,
	/* Enabled without a console= argument, as netconsole is. */
	.flags = CON_ENABLED,
	.index = 0,
	.data = &kc_driver,
};

static struct uart_driver kc_driver = {
	.owner = THIS_MODULE,
	.driver_name = "shdev-kt-console",
	.dev_name = "ttyKC",
	.nr = 1,
	.cons = &kc_console,
};

struct ku_remove_ctx {
	struct uart_driver *drv;
	struct ku_port *kp;
};

static void ku_remove(void *data)
{
	struct ku_remove_ctx *ctx = data;

	uart_remove_one_port(ctx->drv, &ctx->kp->port);
}

/* A port of @drv on @kt's device, as a UART driver's probe adds it. */
static struct ku_port *ku_add_to(struct kunit *test, struct kt_dev *kt,
				 struct uart_driver *drv)
{
	struct ku_remove_ctx *ctx;
	struct ku_port *kp;

	kp = kunit_kzalloc(test, sizeof(*kp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kp);
	kp->port.dev = &kt->pdev->dev;
	kp->port.ops = &ku_ops;
	kp->port.type = PORT_16550A;
	kp->port.iotype = UPIO_MEM;
	kp->port.fifosize = 16;
	kp->port.uartclk = 1843200;
	kp->port.line = 0;
	/* An address, never mapped, for the serial core to configure it. */
	kp->port.mapbase = KT_MMIO_BASE;
	spin_lock_init(&kp->port.lock);
	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->drv = drv;
	ctx->kp = kp;
	KUNIT_ASSERT_EQ(test, uart_add_one_port(drv, &kp->port), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ku_remove, ctx),
			0);
	return kp;
}

static struct ku_port *ku_add(struct kunit *test, struct kt_dev *kt)
{
	return ku_add_to(test, kt, &ku_driver);
}

static void ku_close(void *data)
{
	__fput_sync(data);
}

/* The port's tty opened as a process opens /dev/ttyKT0, or an error. */
static struct file *ku_try_open(struct kunit *test, struct ku_port *kp)
{
	dev_t devt = MKDEV(ku_driver.tty_driver->major,
			   ku_driver.tty_driver->minor_start + kp->port.line);
	struct dentry *dentry;
	struct path path;
	struct file *f;
	int ret;

	dentry = kern_path_create(AT_FDCWD, KU_NODE, &path, 0);
	if (!IS_ERR(dentry)) {
		ret = vfs_mknod(mnt_idmap(path.mnt), d_inode(path.dentry),
				dentry, S_IFCHR | 0600, devt);
		done_path_create(&path, dentry);
		KUNIT_ASSERT_EQ(test, ret, 0);
	} else {
		KUNIT_ASSERT_EQ(test, PTR_ERR(dentry), -EEXIST);
	}
	f = filp_open(KU_NODE, O_RDWR | O_NOCTTY | O_NONBLOCK, 0);
	if (!IS_ERR(f))
		KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ku_close,
								f), 0);
	return f;
}

static struct tty_struct *ku_tty(struct file *f)
{
	return ((struct tty_file_private *)f->private_data)->tty;
}

/* Opened, in raw mode, with the counts of the opening cleared. */
static struct file *ku_open(struct kunit *test, struct ku_port *kp)
{
	struct file *f = ku_try_open(test, kp);
	struct ktermios t;

	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	t = ku_tty(f)->termios;
	t.c_oflag &= ~OPOST;
	t.c_cflag |= CLOCAL;
	tty_set_termios(ku_tty(f), &t);
	kp->termios = 0;
	kp->set_mctrl = 0;
	return f;
}

static ssize_t ku_write(struct file *f, const char *s)
{
	loff_t pos = 0;

	return kernel_write(f, s, strlen(s), &pos);
}

static unsigned int ku_nsent(struct ku_port *kp)
{
	unsigned long flags;
	unsigned int n;

	uart_port_lock_irqsave(&kp->port, &flags);
	n = kp->nsent;
	uart_port_unlock_irqrestore(&kp->port, flags);
	return n;
}

static void ku_expect_sent(struct kunit *test, struct ku_port *kp,
			   const char *s)
{
	KUNIT_ASSERT_LE(test, strlen(s), KU_SENT_MAX);
	KUNIT_ASSERT_EQ(test, ku_nsent(kp), strlen(s));
	KUNIT_EXPECT_MEMEQ(test, kp->sent, s, strlen(s));
}

/*
 * Writes while away stay in the transmit buffer and go out after the
 * reclaim; the file stays open throughout, and the release waits for
 * what the hardware holds.
 */
static void shdev_tty_test_write_while_away(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct ku_port *kp = ku_add(test, kt);
	struct file *f = ku_open(test, kp);
	unsigned int starts;

	KUNIT_EXPECT_EQ(test, ku_write(f, "local "), 6);
	ku_expect_sent(test, kp, "local ");

	kp->busy = 1;
	kp->tx_empty = 0;
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	/* The release asked until the transmitter was empty. */
	KUNIT_EXPECT_EQ(test, kp->busy, 0);
	KUNIT_EXPECT_EQ(test, kp->tx_empty, 2);

	starts = kp->start_tx;
	KUNIT_EXPECT_EQ(test, ku_write(f, "away "), 5);
	KUNIT_EXPECT_EQ(test, ku_write(f, "still"), 5);
	ku_expect_sent(test, kp, "local ");
	KUNIT_EXPECT_EQ(test, kp->start_tx, starts);
	KUNIT_EXPECT_EQ(test, tty_chars_in_buffer(ku_tty(f)), 10);
	/* A tty open already opens again, without reaching the port. */
	KUNIT_EXPECT_FALSE(test, IS_ERR(ku_try_open(test, kp)));
	KUNIT_EXPECT_EQ(test, kp->startups, 1);
	/* Nothing asks a transmitter Linux does not have. */
	ku_tty(f)->ops->wait_until_sent(ku_tty(f), 0);
	KUNIT_EXPECT_EQ(test, kp->tx_empty, 2);
	KUNIT_EXPECT_FALSE(test, tty_hung_up_p(f));

	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	ku_expect_sent(test, kp, "local away still");
	KUNIT_EXPECT_EQ(test, ku_write(f, "!"), 1);
	ku_expect_sent(test, kp, "local away still!");
	KUNIT_EXPECT_FALSE(test, tty_hung_up_p(f));
	KUNIT_EXPECT_EQ(test, kp->shutdowns, 0);
}

/* A full transmit buffer makes a non-blocking writer wait, not fail. */
static void shdev_tty_test_buffer_full(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct ku_port *kp = ku_add(test, kt);
	struct file *f = ku_open(test, kp);
	static char buf[PAGE_SIZE + 1];
	loff_t pos = 0;
	ssize_t n;

	memset(buf, 'x', sizeof(buf));
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	n = kernel_write(f, buf, sizeof(buf), &pos);
	KUNIT_EXPECT_GT(test, n, 0);
	KUNIT_EXPECT_LT(test, n, (ssize_t)sizeof(buf));
	KUNIT_EXPECT_EQ(test, kernel_write(f, buf, 1, &pos), -EAGAIN);
	KUNIT_EXPECT_EQ(test, ku_nsent(kp), 0);

	/* All of it goes out after the reclaim. */
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, ku_nsent(kp), (unsigned int)n);
}

/*
 * Termios and modem-control lines set while away are programmed after
 * the reclaim; what reads the hardware fails with -EBUSY.
 */
static void shdev_tty_test_settings_while_away(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct ku_port *kp = ku_add(test, kt);
	struct file *f = ku_open(test, kp);
	struct tty_struct *tty = ku_tty(f);
	struct serial_struct ss = {};
	struct ktermios t;
	unsigned int reads;

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	kp->set_mctrl = 0;
	reads = kp->hw_reads;

	t = tty->termios;
	tty_termios_encode_baud_rate(&t, 9600, 9600);
	tty_set_termios(tty, &t);
	KUNIT_EXPECT_EQ(test, kp->termios, 0);
	KUNIT_EXPECT_EQ(test, tty->ops->tiocmset(tty, TIOCM_RTS | TIOCM_DTR,
						 0), 0);
	KUNIT_EXPECT_EQ(test, kp->set_mctrl, 0);
	KUNIT_EXPECT_EQ(test, tty->ops->tiocmget(tty), -EBUSY);
	KUNIT_EXPECT_EQ(test, tty->ops->break_ctl(tty, -1), -EBUSY);
	KUNIT_EXPECT_EQ(test, tty->ops->ioctl(tty, TIOCSERGETLSR, 0), -EBUSY);
	KUNIT_EXPECT_EQ(test, tty->ops->set_serial(tty, &ss), -EBUSY);
	KUNIT_EXPECT_EQ(test, kp->hw_reads, reads);

	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, kp->termios, 1);
	KUNIT_EXPECT_EQ(test, kp->last_baud, 9600);
	KUNIT_EXPECT_EQ(test, kp->set_mctrl, 1);
	KUNIT_EXPECT_EQ(test, kp->last_mctrl & (TIOCM_RTS | TIOCM_DTR),
			TIOCM_RTS | TIOCM_DTR);
	KUNIT_EXPECT_EQ(test, tty->ops->tiocmget(tty) & TIOCM_CAR, TIOCM_CAR);
}

/*
 * A first open while away fails cleanly without starting the port; a
 * close while away shuts the port down after the reclaim.
 */
static void shdev_tty_test_open_close_while_away(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct ku_port *kp = ku_add(test, kt);
	struct file *f;

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	f = ku_try_open(test, kp);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(f), -EBUSY);
	KUNIT_EXPECT_EQ(test, kp->startups, 0);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);

	f = ku_open(test, kp);
	KUNIT_EXPECT_EQ(test, kp->startups, 1);
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	kunit_release_action(test, ku_close, f);
	KUNIT_EXPECT_EQ(test, kp->shutdowns, 0);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, kp->shutdowns, 1);

	f = ku_open(test, kp);
	KUNIT_EXPECT_EQ(test, kp->startups, 2);
	KUNIT_EXPECT_EQ(test, ku_write(f, "back"), 4);
	ku_expect_sent(test, kp, "back");
}

/*
 * A port registered while its device is away is frozen from the start:
 * the serial core holds the port mutex while it registers the tty.
 */
static void shdev_tty_test_added_while_away(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct ku_port *kp;
	struct file *f;

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	kp = ku_add(test, kt);
	KUNIT_EXPECT_TRUE(test, kp->port.frozen);
	f = ku_try_open(test, kp);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(f), -EBUSY);
	KUNIT_EXPECT_EQ(test, kp->startups, 0);

	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_FALSE(test, kp->port.frozen);
	f = ku_open(test, kp);
	KUNIT_EXPECT_EQ(test, kp->startups, 1);
	KUNIT_EXPECT_EQ(test, ku_write(f, "ok"), 2);
	ku_expect_sent(test, kp, "ok");
}

/* A port on a device that is not shared is left alone. */
static void shdev_tty_test_not_shared(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct ku_port *kp = ku_add(test, kt);
	struct kt_dev *other = kt_create(test, NULL);
	struct file *f = ku_open(test, kp);

	KUNIT_ASSERT_EQ(test, shdev_release(other->sd, &kt_peer), 0);
	KUNIT_EXPECT_FALSE(test, kp->port.frozen);
	KUNIT_EXPECT_EQ(test, ku_write(f, "here"), 4);
	ku_expect_sent(test, kp, "here");
	KUNIT_ASSERT_EQ(test, shdev_reclaim(other->sd), 0);
}

static void kc_forget(void *unused)
{
	spin_lock_irq(&kc_lock);
	kc_port = NULL;
	kc_wanted = NULL;
	spin_unlock_irq(&kc_lock);
}

static bool kc_printed(void)
{
	bool seen;

	spin_lock_irq(&kc_lock);
	seen = kc_seen;
	spin_unlock_irq(&kc_lock);
	return seen;
}

/*
 * A console on the port prints nothing while away, and what it missed
 * after the reclaim.
 */
static void shdev_tty_test_console(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct ku_port *kp = ku_add_to(test, kt, &kc_driver);
	unsigned int away;

	KUNIT_ASSERT_TRUE(test, console_is_registered(&kc_console));
	spin_lock_irq(&kc_lock);
	kc_port = kp;
	kc_wanted = "shdev-kt: printed while away";
	kc_seen = false;
	kc_away = 0;
	spin_unlock_irq(&kc_lock);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kc_forget, NULL),
			0);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_TRUE(test, kp->port.frozen_console);
	KUNIT_EXPECT_FALSE(test, kc_console.flags & CON_ENABLED);
	pr_info("shdev-kt: printed while away\n");
	KUNIT_EXPECT_FALSE(test, kc_printed());

	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_TRUE(test, kc_printed());
	spin_lock_irq(&kc_lock);
	away = kc_away;
	spin_unlock_irq(&kc_lock);
	KUNIT_EXPECT_EQ(test, away, 0);
}

static int shdev_tty_suite_init(struct kunit_suite *suite)
{
	int ret = kt_suite_init(suite);

	if (ret)
		return ret;
	ret = uart_register_driver(&ku_driver);
	if (ret)
		goto exit;
	ret = uart_register_driver(&kc_driver);
	if (!ret)
		return 0;
	uart_unregister_driver(&ku_driver);
exit:
	kt_suite_exit(suite);
	return ret;
}

static void shdev_tty_suite_exit(struct kunit_suite *suite)
{
	uart_unregister_driver(&kc_driver);
	uart_unregister_driver(&ku_driver);
	kt_suite_exit(suite);
}

static struct kunit_case shdev_tty_cases[] = {
	KUNIT_CASE(shdev_tty_test_write_while_away),
	KUNIT_CASE(shdev_tty_test_buffer_full),
	KUNIT_CASE(shdev_tty_test_settings_while_away),
	KUNIT_CASE(shdev_tty_test_open_close_while_away),
	KUNIT_CASE(shdev_tty_test_added_while_away),
	KUNIT_CASE(shdev_tty_test_not_shared),
	KUNIT_CASE(shdev_tty_test_console),
	{}
};

static struct kunit_suite shdev_tty_suite = {
	.name = "shdev-tty",
	.suite_init = shdev_tty_suite_init,
	.suite_exit = shdev_tty_suite_exit,
	.init = kt_test_init,
	.test_cases = shdev_tty_cases,
};

kunit_test_suite(shdev_tty_suite);
