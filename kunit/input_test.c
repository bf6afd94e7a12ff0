// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of stacked consumers: a real input device below the fake
 * shared device, with a test input handler standing in for evdev, and the
 * consumer interface itself (order, rollback).
 */

#include <kunit/of.h>
#include <kunit/test.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/input.h>
#include <linux/input/mt.h>
#include <linux/irq.h>
#include <linux/irq_work.h>
#include <linux/kernel_stat.h>
#include <linux/kthread.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/driver.h>
#include <linux/mount.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/pinctrl/pinconf-generic.h>
#include <linux/serio.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "fake.h"

#define KI_MAX_EVENTS	64

/* One input device, its driver's callbacks and what its handler saw. */
struct ki_input {
	struct input_dev *input;
	struct input_handler handler;
	struct input_handle *handle;
	int opens;		/* driver open() calls */
	int closes;		/* driver close() calls */
	int leds;		/* driver event() calls for EV_LED */
	int last_led;		/* value of the last one */
	spinlock_t lock;	/* protects the events seen */
	wait_queue_head_t seen_wait;	/* woken by every event seen */
	struct input_value seen[KI_MAX_EVENTS];
	unsigned int nseen;
	int last_key_a;		/* the last KEY_A value, however many events */
	bool owned;		/* the test registered the input device */
};

static void ki_listen(struct kunit *test, struct ki_input *ki, bool owned);

static int ki_open(struct input_dev *dev)
{
	struct ki_input *ki = input_get_drvdata(dev);

	ki->opens++;
	return 0;
}

static void ki_close(struct input_dev *dev)
{
	struct ki_input *ki = input_get_drvdata(dev);

	ki->closes++;
}

static int ki_event(struct input_dev *dev, unsigned int type,
		    unsigned int code, int value)
{
	struct ki_input *ki = input_get_drvdata(dev);

	if (type == EV_LED) {
		ki->leds++;
		ki->last_led = value;
	}
	return 0;
}

static unsigned int ki_events(struct input_handle *handle,
			      struct input_value *vals, unsigned int count)
{
	struct ki_input *ki = handle->handler->private;
	unsigned int i;

	spin_lock(&ki->lock);
	for (i = 0; i < count; i++) {
		if (vals[i].type == EV_KEY && vals[i].code == KEY_A)
			ki->last_key_a = vals[i].value;
		if (ki->nseen < KI_MAX_EVENTS)
			ki->seen[ki->nseen++] = vals[i];
	}
	spin_unlock(&ki->lock);
	wake_up(&ki->seen_wait);
	return count;
}

static bool ki_match(struct input_handler *handler, struct input_dev *dev)
{
	struct ki_input *ki = handler->private;

	return dev == ki->input;
}

static int ki_connect(struct input_handler *handler, struct input_dev *dev,
		      const struct input_device_id *id)
{
	struct ki_input *ki = handler->private;
	struct input_handle *handle;
	int ret;

	handle = kzalloc(sizeof(*handle), GFP_KERNEL);
	if (!handle)
		return -ENOMEM;
	handle->dev = dev;
	handle->handler = handler;
	handle->name = "shdev-kt";
	ret = input_register_handle(handle);
	if (!ret)
		ret = input_open_device(handle);
	if (ret) {
		kfree(handle);
		return ret;
	}
	ki->handle = handle;
	return 0;
}

static void ki_disconnect(struct input_handle *handle)
{
	if (handle->open)
		input_close_device(handle);
	input_unregister_handle(handle);
	kfree(handle);
}

static const struct input_device_id ki_ids[] = {
	{ .driver_info = 1 },	/* every device; ki_match() picks ours */
	{ },
};

static unsigned int ki_count(struct ki_input *ki, unsigned int type,
			     unsigned int code, int value)
{
	unsigned int i, n = 0;

	spin_lock_irq(&ki->lock);
	for (i = 0; i < ki->nseen; i++)
		n += ki->seen[i].type == type && ki->seen[i].code == code &&
		     ki->seen[i].value == value;
	spin_unlock_irq(&ki->lock);
	return n;
}

static unsigned int ki_nseen(struct ki_input *ki)
{
	unsigned int n;

	spin_lock_irq(&ki->lock);
	n = ki->nseen;
	spin_unlock_irq(&ki->lock);
	return n;
}

static void ki_forget(struct ki_input *ki)
{
	spin_lock_irq(&ki->lock);
	ki->nseen = 0;
	spin_unlock_irq(&ki->lock);
}

static void ki_unregister(void *data)
{
	struct ki_input *ki = data;

	input_unregister_handler(&ki->handler);
	if (ki->owned)
		input_unregister_device(ki->input);
}

/*
 * A keyboard-and-touchscreen input device below @kt's device, opened by a
 * test handler as evdev would be.
 */
static struct ki_input *ki_create(struct kunit *test, struct kt_dev *kt)
{
	struct input_dev *input;
	struct ki_input *ki;

	ki = kunit_kzalloc(test, sizeof(*ki), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ki);
	spin_lock_init(&ki->lock);
	init_waitqueue_head(&ki->seen_wait);

	input = input_allocate_device();
	KUNIT_ASSERT_NOT_NULL(test, input);
	input->name = "shdev-kt input";
	input->dev.parent = &kt->pdev->dev;
	input->open = ki_open;
	input->close = ki_close;
	input->event = ki_event;
	input_set_drvdata(input, ki);
	input_set_capability(input, EV_KEY, KEY_A);
	input_set_capability(input, EV_KEY, BTN_TOUCH);
	input_set_capability(input, EV_LED, LED_CAPSL);
	input_set_abs_params(input, ABS_MT_POSITION_X, 0, 100, 0, 0);
	input_set_abs_params(input, ABS_PRESSURE, 0, 255, 0, 0);
	KUNIT_ASSERT_EQ(test, input_mt_init_slots(input, 2, INPUT_MT_DIRECT),
			0);
	KUNIT_ASSERT_EQ(test, input_register_device(input), 0);
	ki->input = input;
	ki_listen(test, ki, true);
	return ki;
}

/* Open @ki->input with a test handler, as evdev would. */
static void ki_listen(struct kunit *test, struct ki_input *ki, bool owned)
{
	ki->owned = owned;
	ki->handler.private = ki;
	ki->handler.events = ki_events;
	ki->handler.match = ki_match;
	ki->handler.connect = ki_connect;
	ki->handler.disconnect = ki_disconnect;
	ki->handler.name = "shdev-kt";
	ki->handler.id_table = ki_ids;
	KUNIT_ASSERT_EQ(test, input_register_handler(&ki->handler), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ki_unregister, ki),
			0);
	KUNIT_ASSERT_NOT_NULL(test, ki->handle);
}

/* Press KEY_A and touch slot 0 at @x, as an interrupt handler would. */
static void ki_press_at(struct ki_input *ki, int x)
{
	struct input_dev *input = ki->input;

	input_report_key(input, KEY_A, 1);
	input_mt_slot(input, 0);
	input_mt_report_slot_state(input, MT_TOOL_FINGER, true);
	input_report_abs(input, ABS_MT_POSITION_X, x);
	input_report_key(input, BTN_TOUCH, 1);
	input_report_abs(input, ABS_PRESSURE, 100);
	input_sync(input);
}

static void ki_press(struct ki_input *ki)
{
	ki_press_at(ki, 10);
}

static void shdev_input_test_release_lets_go(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct ki_input *ki = ki_create(test, kt);

	KUNIT_EXPECT_EQ(test, ki->opens, 1);
	ki_press(ki);
	KUNIT_EXPECT_EQ(test, ki_count(ki, EV_KEY, KEY_A, 1), 1);
	ki_forget(ki);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	/* Everything held was let go, then a sync. */
	KUNIT_EXPECT_EQ(test, ki_count(ki, EV_KEY, KEY_A, 0), 1);
	KUNIT_EXPECT_EQ(test, ki_count(ki, EV_KEY, BTN_TOUCH, 0), 1);
	KUNIT_EXPECT_EQ(test, ki_count(ki, EV_ABS, ABS_MT_TRACKING_ID, -1), 1);
	KUNIT_EXPECT_EQ(test, ki_count(ki, EV_ABS, ABS_PRESSURE, 0), 1);
	KUNIT_EXPECT_GE(test, ki_count(ki, EV_SYN, SYN_REPORT, 1), 1);
	KUNIT_EXPECT_FALSE(test, test_bit(KEY_A, ki->input->key));
	KUNIT_EXPECT_FALSE(test, test_bit(BTN_TOUCH, ki->input->key));

	/* Nothing more reaches the handler while away. */
	ki_forget(ki);
	ki_press(ki);
	KUNIT_EXPECT_EQ(test, ki_nseen(ki), 0);
	/* Registered, and its handle (the open evdev file) still open. */
	KUNIT_EXPECT_EQ(test, ki->handle->open, 1);
	KUNIT_EXPECT_EQ(test, ki->input->users, 1);
	KUNIT_EXPECT_TRUE(test, device_is_registered(&ki->input->dev));

	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	ki_forget(ki);
	ki_press_at(ki, 20);
	KUNIT_EXPECT_EQ(test, ki_count(ki, EV_KEY, KEY_A, 1), 1);
	KUNIT_EXPECT_EQ(test, ki_count(ki, EV_ABS, ABS_MT_POSITION_X, 20), 1);
	/* The driver was open throughout: neither closed nor reopened. */
	KUNIT_EXPECT_EQ(test, ki->opens, 1);
	KUNIT_EXPECT_EQ(test, ki->closes, 0);
	KUNIT_EXPECT_FALSE(test, ki->input->inhibited);
}

struct ki_presser {
	struct input_dev *input;
	bool stop;
	struct completion pressing;	/* the first key reported */
	struct completion done;
};

/* The driver reports presses and releases of KEY_A, as fast as it can. */
static int ki_presser_thread(void *data)
{
	struct ki_presser *p = data;
	int i;

	for (i = 0; !READ_ONCE(p->stop); i++) {
		input_report_key(p->input, KEY_A, i & 1);
		input_sync(p->input);
		if (!i)
			complete(&p->pressing);
		cond_resched();
	}
	complete(&p->done);
	return 0;
}

/*
 * A key pressed while the release freezes the device: once frozen, the
 * key is up for the input core and for the handler, whatever the driver
 * reported around the freeze.
 */
static void shdev_input_test_key_during_freeze(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct ki_input *ki = ki_create(test, kt);
	struct ki_presser p = { .input = ki->input };
	int round;

	for (round = 0; round < 20; round++) {
		init_completion(&p.pressing);
		init_completion(&p.done);
		p.stop = false;
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test,
					     kthread_run(ki_presser_thread, &p,
							 "shdev-ki-press"));
		/* The release starts while the driver is pressing. */
		kt_wait(test, &p.pressing);
		KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
		WRITE_ONCE(p.stop, true);
		kt_wait(test, &p.done);
		KUNIT_ASSERT_EQ(test, shdev_get_state(kt->sd), SHDEV_REMOTE);
		KUNIT_EXPECT_FALSE(test, test_bit(KEY_A, ki->input->key));
		KUNIT_EXPECT_EQ(test, READ_ONCE(ki->last_key_a), 0);
		KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	}
}

/* Write @buf to the input device's "inhibited" attribute through sysfs. */
static ssize_t ki_write_inhibited(struct ki_input *ki, const char *buf)
{
	return kt_sysfs_write(&ki->input->dev, "inhibited", buf, strlen(buf));
}

/*
 * Userspace cannot undo the freeze: inhibiting and uninhibiting while away
 * reach no driver callback, and the thaw brings the driver to the last
 * wish.
 */
static void shdev_input_test_uninhibit_while_away(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct ki_input *ki = ki_create(test, kt);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_TRUE(test, ki->input->frozen);
	KUNIT_EXPECT_EQ(test, ki_write_inhibited(ki, "1"), 1);
	KUNIT_EXPECT_EQ(test, ki_write_inhibited(ki, "0"), 1);
	KUNIT_EXPECT_TRUE(test, ki->input->frozen);
	KUNIT_EXPECT_EQ(test, ki->opens, 1);
	KUNIT_EXPECT_EQ(test, ki->closes, 0);
	ki_forget(ki);
	ki_press(ki);
	KUNIT_EXPECT_EQ(test, ki_nseen(ki), 0);

	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_FALSE(test, ki->input->frozen);
	KUNIT_EXPECT_FALSE(test, ki->input->inhibited);
	KUNIT_EXPECT_EQ(test, ki->opens, 1);
	KUNIT_EXPECT_EQ(test, ki->closes, 0);

	/* Inhibited while away: closed at the thaw, not before. */
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_EQ(test, ki_write_inhibited(ki, "1"), 1);
	KUNIT_EXPECT_EQ(test, ki->closes, 0);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, ki->closes, 1);
	KUNIT_EXPECT_EQ(test, ki_write_inhibited(ki, "0"), 1);
	KUNIT_EXPECT_EQ(test, ki->opens, 2);

	/* A user's own inhibit survives a transfer. */
	KUNIT_ASSERT_EQ(test, ki_write_inhibited(ki, "1"), 1);
	KUNIT_EXPECT_EQ(test, ki->closes, 2);
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_FALSE(test, ki->input->frozen);
	KUNIT_EXPECT_TRUE(test, ki->input->inhibited);
	KUNIT_EXPECT_EQ(test, ki->opens, 2);
	KUNIT_EXPECT_EQ(test, ki_write_inhibited(ki, "0"), 1);
	KUNIT_EXPECT_EQ(test, ki->opens, 3);
}

/* LEDs are not driven while away and are right again after the thaw. */
static void shdev_input_test_leds(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct ki_input *ki = ki_create(test, kt);
	int leds;

	input_inject_event(ki->handle, EV_LED, LED_CAPSL, 1);
	KUNIT_EXPECT_EQ(test, ki->last_led, 1);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	leds = ki->leds;
	input_inject_event(ki->handle, EV_LED, LED_CAPSL, 0);
	KUNIT_EXPECT_EQ(test, ki->leds, leds);

	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_GT(test, ki->leds, leds);
	KUNIT_EXPECT_EQ(test, ki->last_led, 1);
	KUNIT_EXPECT_TRUE(test, test_bit(LED_CAPSL, ki->input->led));
}

/* Users leaving and coming while away reach the driver once, at thaw. */
static void shdev_input_test_open_close_while_away(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct ki_input *ki = ki_create(test, kt);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	input_close_device(ki->handle);
	KUNIT_EXPECT_EQ(test, ki->closes, 0);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, ki->closes, 1);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_ASSERT_EQ(test, input_open_device(ki->handle), 0);
	KUNIT_EXPECT_EQ(test, ki->opens, 1);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, ki->opens, 2);
	ki_forget(ki);
	ki_press(ki);
	KUNIT_EXPECT_EQ(test, ki_count(ki, EV_KEY, KEY_A, 1), 1);
}

/* An input device registered while its device is away starts frozen. */
static void shdev_input_test_registered_while_away(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct ki_input *ki;

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	ki = ki_create(test, kt);
	KUNIT_EXPECT_TRUE(test, ki->input->frozen);
	/* Opened by its handler, but the driver is not reached. */
	KUNIT_EXPECT_EQ(test, ki->opens, 0);
	ki_forget(ki);
	ki_press(ki);
	KUNIT_EXPECT_EQ(test, ki_nseen(ki), 0);

	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_FALSE(test, ki->input->inhibited);
	KUNIT_EXPECT_EQ(test, ki->opens, 1);
	ki_press(ki);
	KUNIT_EXPECT_EQ(test, ki_count(ki, EV_KEY, KEY_A, 1), 1);
}

/*
 * A serio stack below the fake device: a port, as i8042's, and a child
 * driver, as atkbd, that registers an input device on it.
 */
#define KS_TYPE		SERIO_RS232
#define KS_PROTO	0xfe	/* no real serio driver binds to it */

struct ks_port {
	struct serio *serio;
	struct completion bound;	/* the child driver's connect ended */
	int writes;
	int opens;
	int closes;
};

static int ks_write(struct serio *serio, unsigned char data)
{
	struct ks_port *kp = serio->port_data;

	kp->writes++;
	return 0;
}

static int ks_open(struct serio *serio)
{
	struct ks_port *kp = serio->port_data;

	kp->opens++;
	return 0;
}

static void ks_close(struct serio *serio)
{
	struct ks_port *kp = serio->port_data;

	kp->closes++;
}

static irqreturn_t ks_interrupt(struct serio *serio, unsigned char data,
				unsigned int flags)
{
	return IRQ_HANDLED;
}

static int ks_connect(struct serio *serio, struct serio_driver *drv)
{
	struct input_dev *input;
	int ret;

	ret = serio_open(serio, drv);
	if (ret)
		return ret;
	input = input_allocate_device();
	if (!input) {
		serio_close(serio);
		return -ENOMEM;
	}
	input->name = "shdev-kt serio keyboard";
	input->dev.parent = &serio->dev;
	input_set_capability(input, EV_KEY, KEY_A);
	ret = input_register_device(input);
	if (ret) {
		input_free_device(input);
		serio_close(serio);
		return ret;
	}
	serio_set_drvdata(serio, input);
	complete(&((struct ks_port *)serio->port_data)->bound);
	return 0;
}

static void ks_disconnect(struct serio *serio)
{
	input_unregister_device(serio_get_drvdata(serio));
	serio_close(serio);
}

static const struct serio_device_id ks_ids[] = {
	{ .type = KS_TYPE, .proto = KS_PROTO, .id = SERIO_ANY,
	  .extra = SERIO_ANY },
	{ }
};

static struct serio_driver ks_driver = {
	.driver.name = "shdev-kt-serio",
	.id_table = ks_ids,
	.interrupt = ks_interrupt,
	.connect = ks_connect,
	.disconnect = ks_disconnect,
};

static void ks_unregister_driver(void *unused)
{
	serio_unregister_driver(&ks_driver);
}

static void ks_unregister_port(void *data)
{
	serio_unregister_port(data);
}

/*
 * serio registers ports from a worker: wait until the child driver's
 * connect has ended (it signals last), and serio's call of it with it.
 */
static bool ks_wait_bound(struct kunit *test, struct ks_port *kp)
{
	struct serio *serio = kp->serio;
	bool bound;

	kt_wait(test, &kp->bound);
	mutex_lock(&serio->drv_mutex);
	bound = serio->drv && serio_get_drvdata(serio);
	mutex_unlock(&serio->drv_mutex);
	return bound;
}

static struct ks_port *ks_create(struct kunit *test, struct kt_dev *kt)
{
	struct ks_port *kp;
	struct serio *serio;

	kp = kunit_kzalloc(test, sizeof(*kp), GFP_KERNEL);
	serio = kzalloc(sizeof(*serio), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kp);
	KUNIT_ASSERT_NOT_NULL(test, serio);
	serio->id.type = KS_TYPE;
	serio->id.proto = KS_PROTO;
	serio->write = ks_write;
	serio->open = ks_open;
	serio->close = ks_close;
	serio->port_data = kp;
	serio->dev.parent = &kt->pdev->dev;
	strscpy(serio->name, "shdev-kt port");
	kp->serio = serio;
	init_completion(&kp->bound);

	/* serio_unregister_driver() leaves it set, for the previous test. */
	ks_driver.manual_bind = false;
	KUNIT_ASSERT_EQ(test, serio_register_driver(&ks_driver), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							ks_unregister_driver,
							NULL), 0);
	serio_register_port(serio);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							ks_unregister_port,
							serio), 0);
	KUNIT_ASSERT_TRUE(test, ks_wait_bound(test, kp));
	KUNIT_ASSERT_EQ(test, kp->opens, 1);
	return kp;
}

/* The port and its child driver stay bound; the port is not reached. */
static void shdev_serio_test_stack_stays_bound(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct ks_port *kp = ks_create(test, kt);
	struct serio *serio = kp->serio;
	struct input_dev *input = serio_get_drvdata(serio);

	KUNIT_ASSERT_EQ(test, serio_write(serio, 0xed), 0);
	KUNIT_EXPECT_EQ(test, kp->writes, 1);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_TRUE(test, device_is_registered(&serio->dev));
	KUNIT_EXPECT_PTR_EQ(test, serio->drv, &ks_driver);
	KUNIT_EXPECT_PTR_EQ(test, serio_get_drvdata(serio), input);
	KUNIT_EXPECT_TRUE(test, input->frozen);
	/* A child driver writing to the port while away is refused. */
	KUNIT_EXPECT_EQ(test, serio_write(serio, 0xed), -EBUSY);
	KUNIT_EXPECT_EQ(test, kp->writes, 1);

	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_PTR_EQ(test, serio->drv, &ks_driver);
	KUNIT_EXPECT_FALSE(test, input->frozen);
	KUNIT_EXPECT_EQ(test, serio_write(serio, 0xf4), 0);
	KUNIT_EXPECT_EQ(test, kp->writes, 2);
	/* Bound throughout: the port was neither closed nor opened again. */
	KUNIT_EXPECT_EQ(test, kp->opens, 1);
	KUNIT_EXPECT_EQ(test, kp->closes, 0);
}

/*
 * What child drivers rely on while the port is frozen: a write fails and
 * never reaches the port, no driver can open the port, and a close is
 * passed on to the port at thaw, exactly once.  The port driver's
 * callbacks are not touched.
 */
static void shdev_serio_test_frozen_port(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct ks_port *kp = ks_create(test, kt);
	struct serio *serio = kp->serio;

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_TRUE(test, serio->frozen);
	KUNIT_EXPECT_PTR_EQ(test, serio->write, &ks_write);
	KUNIT_EXPECT_PTR_EQ(test, serio->open, &ks_open);
	KUNIT_EXPECT_PTR_EQ(test, serio->close, &ks_close);
	KUNIT_EXPECT_EQ(test, serio_write(serio, 0xed), -EBUSY);
	KUNIT_EXPECT_EQ(test, kp->writes, 0);

	/* The child driver leaves: the port's close is held back. */
	device_release_driver(&serio->dev);
	KUNIT_EXPECT_NULL(test, serio->drv);
	KUNIT_EXPECT_EQ(test, kp->closes, 0);
	/* Nor can a driver open the port while it is away. */
	KUNIT_EXPECT_NE(test, device_attach(&serio->dev), 1);
	KUNIT_EXPECT_NULL(test, serio->drv);
	KUNIT_EXPECT_EQ(test, kp->opens, 1);

	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_FALSE(test, serio->frozen);
	KUNIT_EXPECT_EQ(test, kp->closes, 1);
	KUNIT_EXPECT_PTR_EQ(test, serio->write, &ks_write);
	KUNIT_EXPECT_PTR_EQ(test, serio->open, &ks_open);
	KUNIT_EXPECT_PTR_EQ(test, serio->close, &ks_close);

	/* Closed once: the next transfer has no close to pass on. */
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, kp->closes, 1);

	KUNIT_EXPECT_EQ(test, device_attach(&serio->dev), 1);
	KUNIT_EXPECT_EQ(test, kp->opens, 2);
	KUNIT_EXPECT_EQ(test, serio_write(serio, 0xf4), 0);
	KUNIT_EXPECT_EQ(test, kp->writes, 1);
}

#if IS_ENABLED(CONFIG_KEYBOARD_GPIO) && IS_ENABLED(CONFIG_GPIO_SIM) && \
	IS_ENABLED(CONFIG_OF_OVERLAY)
static int ki_is_input(struct device *dev, void *unused)
{
	return dev->class == &input_class;
}

/* Set the simulated line, as a finger on the button would. */
static void kg_line(struct kunit *test, struct gpio_desc *line, bool high)
{
	KUNIT_ASSERT_EQ(test, gpiod_set_config(line, PIN_CONF_PACKED(high ?
				PIN_CONFIG_BIAS_PULL_UP :
				PIN_CONFIG_BIAS_PULL_DOWN, 0)), 0);
}

/*
 * Wait for the handler to see @value of KEY_A, after gpio-keys' debounce
 * work; the bound only turns a hang into a failure.
 */
static bool kg_seen(struct ki_input *ki, int value)
{
	return wait_event_timeout(ki->seen_wait,
				  ki_count(ki, EV_KEY, KEY_A, value), 120 * HZ);
}

/*
 * gpio-sim's interrupts fire from irq_work, which UML runs at its next
 * tick: run it now, so that an edge is handled, or found disabled, before
 * the test goes on.
 */
static void kg_fire(void)
{
	local_irq_disable();
	irq_work_run();
	local_irq_enable();
}

static void kg_put_gpio(void *gdev)
{
	gpio_device_put(gdev);
}

/*
 * The gpio-keys device of the overlay, bound, and in @line its button's
 * GPIO line; returns the line's interrupt.
 */
static int kg_setup(struct kunit *test, struct platform_device **ppdev,
		    struct gpio_desc **line)
{
	struct platform_device *pdev;
	struct gpio_device *gdev;
	struct device_node *np;
	int irq;

	KUNIT_ASSERT_EQ(test, of_overlay_apply_kunit(test, gpio_keys), 0);
	wait_for_device_probe();
	np = of_find_node_by_path("/shdev-kt-keys");
	KUNIT_ASSERT_NOT_NULL(test, np);
	pdev = of_find_device_by_node(np);
	of_node_put(np);
	KUNIT_ASSERT_NOT_NULL(test, pdev);
	put_device(&pdev->dev);
	KUNIT_ASSERT_NOT_NULL_MSG(test, pdev->dev.driver, "gpio-keys not bound");

	gdev = gpio_device_find_by_label("shdev-kt-bank");
	KUNIT_ASSERT_NOT_NULL(test, gdev);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kg_put_gpio,
							gdev), 0);
	*line = gpio_device_get_desc(gdev, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, *line);
	irq = gpiod_to_irq(*line);
	KUNIT_ASSERT_GT(test, irq, 0);
	*ppdev = pdev;
	return irq;
}

/*
 * gpio-keys as the project's semantic patch converts it: a held key is let
 * go at release, the line is not listened to while away, and the key works
 * again after reclaim, with the input device registered throughout.
 */
static void shdev_gpio_keys_test_transfer(struct kunit *test)
{
	struct platform_device *pdev;
	struct gpio_desc *line;
	struct device *child;
	struct ki_input *ki;
	unsigned int handled;
	int irq;

	irq = kg_setup(test, &pdev, &line);
	child = device_find_child(&pdev->dev, NULL, ki_is_input);
	KUNIT_ASSERT_NOT_NULL(test, child);
	put_device(child);
	ki = kunit_kzalloc(test, sizeof(*ki), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ki);
	spin_lock_init(&ki->lock);
	init_waitqueue_head(&ki->seen_wait);
	ki->input = to_input_dev(child);
	ki_listen(test, ki, false);

	KUNIT_EXPECT_FALSE(test, irqd_irq_disabled(irq_get_irq_data(irq)));

	kg_line(test, line, true);
	KUNIT_ASSERT_TRUE(test, kg_seen(ki, 1));

	KUNIT_ASSERT_EQ(test, kt_sysfs_write(&pdev->dev, "ownership", "kt-peer",
					     7), 7);
	KUNIT_EXPECT_TRUE(test, kg_seen(ki, 0));
	/* Named by the conversion, its interrupt is off while away. */
	KUNIT_EXPECT_TRUE(test, irqd_irq_disabled(irq_get_irq_data(irq)));
	ki_forget(ki);
	handled = kstat_irqs_usr(irq);
	kg_line(test, line, false);
	kg_line(test, line, true);
	kg_fire();
	/* The line's edges were not handled: gpio-keys queued nothing. */
	KUNIT_EXPECT_EQ(test, kstat_irqs_usr(irq), handled);
	KUNIT_EXPECT_EQ(test, ki_nseen(ki), 0);
	KUNIT_EXPECT_TRUE(test, device_is_registered(&ki->input->dev));

	KUNIT_ASSERT_EQ(test, kt_sysfs_write(&pdev->dev, "ownership", "local",
					     5), 5);
	KUNIT_EXPECT_FALSE(test, irqd_irq_disabled(irq_get_irq_data(irq)));
	kg_line(test, line, false);
	kg_line(test, line, true);
	KUNIT_EXPECT_TRUE(test, kg_seen(ki, 1));
}

static bool kg_irq_off(int irq)
{
	return irqd_irq_disabled(irq_get_irq_data(irq));
}

/*
 * The user's disabled_keys nests inside the core's disable: enabling a
 * key while away does not wake its line, and a key disabled while away
 * stays disabled after the reclaim.
 */
static void shdev_gpio_keys_test_disabled_keys(struct kunit *test)
{
	struct platform_device *pdev;
	struct gpio_desc *line;
	struct device *dev;
	int irq;

	irq = kg_setup(test, &pdev, &line);
	dev = &pdev->dev;
	KUNIT_ASSERT_EQ(test, kt_sysfs_write(dev, "ownership", "kt-peer", 7), 7);
	KUNIT_EXPECT_TRUE(test, kg_irq_off(irq));
	KUNIT_EXPECT_EQ(test, kt_sysfs_write(dev, "disabled_keys", "30", 2), 2);
	KUNIT_EXPECT_EQ(test, kt_sysfs_write(dev, "disabled_keys", "\n", 1), 1);
	KUNIT_EXPECT_TRUE(test, kg_irq_off(irq));
	KUNIT_EXPECT_EQ(test, kt_sysfs_write(dev, "disabled_keys", "30", 2), 2);
	KUNIT_ASSERT_EQ(test, kt_sysfs_write(dev, "ownership", "local", 5), 5);
	KUNIT_EXPECT_TRUE(test, kg_irq_off(irq));
	KUNIT_EXPECT_EQ(test, kt_sysfs_write(dev, "disabled_keys", "\n", 1), 1);
	KUNIT_EXPECT_FALSE(test, kg_irq_off(irq));

	/* Unbound while away, with its interrupts: no unbalanced enable. */
	KUNIT_ASSERT_EQ(test, kt_sysfs_write(dev, "ownership", "kt-peer", 7), 7);
	device_release_driver(dev);
	KUNIT_EXPECT_EQ(test, device_attach(dev), 1);
	KUNIT_EXPECT_FALSE(test, kg_irq_off(irq));
}
#endif

/* Frozen top-down before quiesce, thawed bottom-up after resume. */
static void shdev_consumer_test_order(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);

	kt_consumer_add(test, kt, "bottom");
	kt_consumer_add(test, kt, "middle");
	kt_consumer_add(test, kt, "top");
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_STREQ(test, kt->log,
			   "freeze:top,freeze:middle,freeze:bottom,quiesce");
	kt_log_clear(kt);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_STREQ(test, kt->log,
			   "resume,thaw:bottom,thaw:middle,thaw:top");
}

/*
 * A consumer that fails to freeze leaves every other consumer, and the
 * driver, as they were.
 */
static void shdev_consumer_test_rollback(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct ki_input *ki;
	struct kt_consumer *kc;

	kc = kt_consumer_add(test, kt, "bottom");
	ki = ki_create(test, kt);	/* stacked above: frozen first */
	kt_consumer_add(test, kt, "top");
	kc->fail = -EIO;
	ki_press(ki);
	ki_forget(ki);

	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), -EIO);
	KUNIT_EXPECT_STREQ(test, kt->log,
			   "freeze:top,freeze:bottom,thaw:top");
	kt_expect_local(test, kt);
	KUNIT_EXPECT_FALSE(test, ki->input->inhibited);
	KUNIT_EXPECT_EQ(test, ki->opens, 1);
	KUNIT_EXPECT_EQ(test, ki->closes, 0);
	/* The input device was let go of and thawed: it works. */
	ki_forget(ki);
	ki_press(ki);
	KUNIT_EXPECT_EQ(test, ki_count(ki, EV_KEY, KEY_A, 1), 1);

	kc->fail = 0;
	kt_log_clear(kt);
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_TRUE(test, ki->input->frozen);
	KUNIT_EXPECT_EQ(test, shdev_reclaim(kt->sd), 0);
}

/* A consumer added while away starts frozen; unbind detaches it. */
static void shdev_consumer_test_added_while_away(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	kt_log_clear(kt);
	kt_consumer_add(test, kt, "late");
	KUNIT_EXPECT_STREQ(test, kt->log, "freeze:late");
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_STREQ(test, kt->log, "freeze:late,resume,thaw:late");

	kt_log_clear(kt);
	device_release_driver(&kt->pdev->dev);
	/* Left by the driver's remove(), it is detached after it. */
	KUNIT_EXPECT_STREQ(test, kt->log, "remove,detach:late");
}

static void kc_remove(void *dev)
{
	shdev_consumer_remove(dev);
}

/* A generic consumer of @dev named @name, not attached yet. */
static struct kt_consumer *kc_alloc(struct kunit *test, struct kt_dev *kt,
				    const struct shdev_consumer_ops *ops,
				    struct device *dev, const char *name)
{
	struct kt_consumer *kc = kunit_kzalloc(test, sizeof(*kc), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, kc);
	kc->kt = kt;
	kc->name = name;
	kc->c.ops = ops;
	kc->c.dev = dev;
	/* Detached before it is freed. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kc_remove, dev),
			0);
	return kc;
}

/*
 * A kind that attaches on its own meets a stacked device once: a second
 * attach of the same device by the same kind (from a bus notifier, then
 * from a walk of the bus, as a module loading late does) is refused, and
 * the device freezes and thaws once per transfer.
 */
static void shdev_consumer_test_once_per_kind(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, kt_minimal);
	struct ki_input *ki = ki_create(test, kt);
	struct kt_consumer *own = kt_consumer_add(test, kt, "own");
	struct device *dev = &ki->input->dev;
	struct kt_consumer *first = kc_alloc(test, kt, own->c.ops, dev, "first");
	struct kt_consumer *twin = kc_alloc(test, kt, own->c.ops, dev, "twin");

	KUNIT_ASSERT_EQ(test, shdev_consumer_add_below(&first->c), 0);
	KUNIT_EXPECT_EQ(test, shdev_consumer_add_below(&twin->c), -EEXIST);
	KUNIT_EXPECT_NULL(test, twin->c.sd);

	kt_log_clear(kt);
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_STREQ(test, kt->log,
			   "freeze:first,freeze:own,quiesce,resume,thaw:own,thaw:first");
}

static struct kunit_case shdev_input_cases[] = {
	KUNIT_CASE(shdev_input_test_release_lets_go),
	KUNIT_CASE(shdev_input_test_uninhibit_while_away),
	KUNIT_CASE(shdev_input_test_key_during_freeze),
	KUNIT_CASE(shdev_input_test_leds),
	KUNIT_CASE(shdev_input_test_open_close_while_away),
	KUNIT_CASE(shdev_input_test_registered_while_away),
	KUNIT_CASE(shdev_serio_test_stack_stays_bound),
	KUNIT_CASE(shdev_serio_test_frozen_port),
#if IS_ENABLED(CONFIG_KEYBOARD_GPIO) && IS_ENABLED(CONFIG_GPIO_SIM) && \
	IS_ENABLED(CONFIG_OF_OVERLAY)
	KUNIT_CASE(shdev_gpio_keys_test_transfer),
	KUNIT_CASE(shdev_gpio_keys_test_disabled_keys),
#endif
	KUNIT_CASE(shdev_consumer_test_order),
	KUNIT_CASE(shdev_consumer_test_rollback),
	KUNIT_CASE(shdev_consumer_test_added_while_away),
	KUNIT_CASE(shdev_consumer_test_once_per_kind),
	{}
};

static struct kunit_suite shdev_input_suite = {
	.name = "shdev_consumers",
	.suite_init = kt_suite_init,
	.suite_exit = kt_suite_exit,
	.init = kt_test_init,
	.test_cases = shdev_input_cases,
};

kunit_test_suite(shdev_input_suite);
