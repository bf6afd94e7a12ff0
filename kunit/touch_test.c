// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit test of the seeds' touch screen, bus side: an I2C client driver
 * behaving as a touch controller (it reads a register and registers an
 * input device) on i2c-gpio, converted by the project, on simulated GPIO
 * lines.  The bus controller is handed to a peer and back as an
 * administrator does it, through its ownership attribute.  Its unit
 * carries the touch controller's interrupt, on a third simulated line,
 * which a pull of that line fires.
 */

#include <kunit/of.h>
#include <kunit/test.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/driver.h>
#include <linux/i2c.h>
#include <linux/input.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/kthread.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/slab.h>

#include "fake.h"

#define KH_REG_STATUS	0x00
/*
 * How long a test waits for an interrupt that must not come, after a
 * pull that fires the line within a tick when it is Linux's.
 */
#define KH_QUIET_MS	100

/*
 * The touch controller's driver: a register to read, an input device, an
 * interrupt on a GPIO whose threaded handler reads the register over the
 * bus and reports a tap.
 */
struct kh_touch {
	struct i2c_client *client;
	struct input_dev *input;
	struct gpio_desc *gpio;
	int irq;
	atomic_t irqs;			/* the handler's runs */
	int status;			/* what its last read returned */
	struct completion fired;	/* at each run */
	struct completion entered;	/* as a run begins */
	struct completion *hold;	/* a run waits for it */
};

static void kh_touch(struct input_dev *input, bool down);

static irqreturn_t kh_touch_irq(int irq, void *data)
{
	struct kh_touch *ts = data;

	complete(&ts->entered);
	if (ts->hold)
		wait_for_completion(ts->hold);
	ts->status = i2c_smbus_read_byte_data(ts->client, KH_REG_STATUS);
	if (ts->status >= 0) {
		kh_touch(ts->input, true);
		kh_touch(ts->input, false);
	}
	atomic_inc(&ts->irqs);
	complete(&ts->fired);
	return IRQ_HANDLED;
}

static int kh_touch_probe(struct i2c_client *client)
{
	struct device *dev = &client->dev;
	struct input_dev *input;
	struct kh_touch *ts;
	int ret;

	/* The controller answers before its input device is registered. */
	ret = i2c_smbus_read_byte_data(client, KH_REG_STATUS);
	if (ret < 0)
		return ret;

	ts = devm_kzalloc(dev, sizeof(*ts), GFP_KERNEL);
	input = devm_input_allocate_device(dev);
	if (!ts || !input)
		return -ENOMEM;
	ts->client = client;
	ts->input = input;
	init_completion(&ts->fired);
	init_completion(&ts->entered);
	input->name = "shdev-kt-touch";
	input->id.bustype = BUS_I2C;
	input_set_capability(input, EV_KEY, BTN_TOUCH);
	input_set_abs_params(input, ABS_X, 0, 1023, 0, 0);
	input_set_abs_params(input, ABS_Y, 0, 1023, 0, 0);
	i2c_set_clientdata(client, ts);
	ret = input_register_device(input);
	if (ret)
		return ret;

	ts->gpio = devm_gpiod_get(dev, "irq", GPIOD_IN);
	if (IS_ERR(ts->gpio))
		return PTR_ERR(ts->gpio);
	ts->irq = gpiod_to_irq(ts->gpio);
	if (ts->irq < 0)
		return ts->irq;
	return devm_request_threaded_irq(dev, ts->irq, NULL, kh_touch_irq,
					 IRQF_ONESHOT | IRQF_TRIGGER_FALLING,
					 "shdev-kt-touch", ts);
}

static const struct of_device_id kh_touch_of_match[] = {
	{ .compatible = "test,shdev-kt-touch" },
	{ }
};

static struct i2c_driver kh_touch_driver = {
	.driver = {
		.name = "shdev-kt-touch",
		.of_match_table = kh_touch_of_match,
	},
	.probe = kh_touch_probe,
};

/* What a user of the input device (evdev, say) sees of the touches. */
struct kh_user {
	struct input_handler handler;
	struct input_handle handle;
	struct input_dev *input;
	spinlock_t lock;	/* serializes the fields below */
	unsigned int touches;	/* BTN_TOUCH presses seen */
	unsigned int lifts;	/* BTN_TOUCH releases seen */
	struct completion lifted;	/* at the first release */
};

static void kh_event(struct input_handle *handle, unsigned int type,
		     unsigned int code, int value)
{
	struct kh_user *ku = handle->private;

	if (type != EV_KEY || code != BTN_TOUCH)
		return;
	spin_lock(&ku->lock);
	if (value) {
		ku->touches++;
	} else {
		ku->lifts++;
		complete(&ku->lifted);
	}
	spin_unlock(&ku->lock);
}

static bool kh_match(struct input_handler *handler, struct input_dev *dev)
{
	struct kh_user *ku = container_of(handler, struct kh_user, handler);

	return dev == ku->input;
}

static int kh_connect(struct input_handler *handler, struct input_dev *dev,
		      const struct input_device_id *id)
{
	struct kh_user *ku = container_of(handler, struct kh_user, handler);
	int ret;

	ku->handle.dev = dev;
	ku->handle.handler = handler;
	ku->handle.name = "shdev-kt-touch-user";
	ku->handle.private = ku;
	ret = input_register_handle(&ku->handle);
	if (ret)
		return ret;
	ret = input_open_device(&ku->handle);
	if (ret)
		input_unregister_handle(&ku->handle);
	return ret;
}

static void kh_disconnect(struct input_handle *handle)
{
	input_close_device(handle);
	input_unregister_handle(handle);
}

static const struct input_device_id kh_ids[] = {
	{ .driver_info = 1 },
	{ }
};

static void kh_user_del(void *data)
{
	struct kh_user *ku = data;

	input_unregister_handler(&ku->handler);
}

static void kh_touch_del(void *data)
{
	i2c_del_driver(data);
}

static unsigned int kh_count(struct kh_user *ku, unsigned int *what)
{
	unsigned int n;

	spin_lock_irq(&ku->lock);
	n = *what;
	spin_unlock_irq(&ku->lock);
	return n;
}

/* A touch, as the controller's interrupt handler reports it. */
static void kh_touch(struct input_dev *input, bool down)
{
	input_report_abs(input, ABS_X, 100);
	input_report_abs(input, ABS_Y, 200);
	input_report_key(input, BTN_TOUCH, down);
	input_sync(input);
}

/* A client's sequence under the bus lock: two transfers, a pause between. */
struct kh_seq {
	struct i2c_client *client;
	struct completion first;	/* the first transfer is done */
	struct completion go;		/* the test lets the second one go */
	struct completion done;
	int ret[2];
};

static int kh_seq_read(struct i2c_client *client)
{
	u8 reg = KH_REG_STATUS, val = 0xff;
	struct i2c_msg msgs[] = {
		{ .addr = client->addr, .len = 1, .buf = &reg },
		{ .addr = client->addr, .flags = I2C_M_RD, .len = 1,
		  .buf = &val },
	};
	int ret;

	ret = __i2c_transfer(client->adapter, msgs, ARRAY_SIZE(msgs));
	return ret < 0 ? ret : val;
}

static int kh_seq_thread(void *data)
{
	struct kh_seq *seq = data;
	struct i2c_adapter *adap = seq->client->adapter;

	i2c_lock_bus(adap, I2C_LOCK_SEGMENT);
	seq->ret[0] = kh_seq_read(seq->client);
	complete(&seq->first);
	wait_for_completion(&seq->go);
	seq->ret[1] = kh_seq_read(seq->client);
	i2c_unlock_bus(adap, I2C_LOCK_SEGMENT);
	complete(&seq->done);
	return 0;
}

static void kh_expect_owner(struct kunit *test, struct device *dev,
			    const char *owner)
{
	struct file *file = kt_sysfs_open(dev, "ownership", O_RDONLY);
	char buf[64] = "";
	loff_t pos = 0;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	KUNIT_EXPECT_GT(test, kernel_read(file, buf, sizeof(buf) - 1, &pos),
			0);
	fput(file);
	KUNIT_EXPECT_STREQ(test, strim(buf), owner);
}

struct kh_release {
	struct device *dev;
	ssize_t ret;
	struct completion done;
};

static int kh_release_thread(void *data)
{
	struct kh_release *rel = data;

	rel->ret = kt_sysfs_write(rel->dev, "ownership", "kt-peer", 7);
	complete(&rel->done);
	return 0;
}

/* The touch screen of touch.dtso, its drivers bound, and a user. */
struct kh_screen {
	struct platform_device *pdev;	/* the I2C controller */
	struct i2c_client *client;
	struct kh_touch *ts;
	struct input_dev *input;
	struct kh_user *ku;
};

static void kh_setup(struct kunit *test, struct kh_screen *sc)
{
	struct device_node *np;
	struct kh_user *ku;

	KUNIT_ASSERT_EQ(test, i2c_add_driver(&kh_touch_driver), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kh_touch_del,
							&kh_touch_driver), 0);
	KUNIT_ASSERT_EQ(test, of_overlay_apply_kunit(test, touch), 0);
	wait_for_device_probe();

	np = of_find_node_by_path("/i2c");
	KUNIT_ASSERT_NOT_NULL(test, np);
	sc->pdev = of_find_device_by_node(np);
	of_node_put(np);
	KUNIT_ASSERT_NOT_NULL(test, sc->pdev);
	put_device(&sc->pdev->dev);
	KUNIT_ASSERT_NOT_NULL_MSG(test, sc->pdev->dev.driver,
				  "i2c-gpio not bound");

	np = of_find_node_by_path("/i2c/touchscreen@10");
	KUNIT_ASSERT_NOT_NULL(test, np);
	sc->client = of_find_i2c_device_by_node(np);
	of_node_put(np);
	KUNIT_ASSERT_NOT_NULL(test, sc->client);
	put_device(&sc->client->dev);
	KUNIT_ASSERT_NOT_NULL_MSG(test, sc->client->dev.driver,
				  "touch controller not bound");
	sc->ts = i2c_get_clientdata(sc->client);
	KUNIT_ASSERT_NOT_NULL(test, sc->ts);
	sc->input = sc->ts->input;

	ku = kunit_kzalloc(test, sizeof(*ku), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ku);
	spin_lock_init(&ku->lock);
	init_completion(&ku->lifted);
	ku->input = sc->input;
	ku->handler.name = "shdev-kt-touch-user";
	ku->handler.event = kh_event;
	ku->handler.match = kh_match;
	ku->handler.connect = kh_connect;
	ku->handler.disconnect = kh_disconnect;
	ku->handler.id_table = kh_ids;
	KUNIT_ASSERT_EQ(test, input_register_handler(&ku->handler), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kh_user_del, ku),
			0);
	sc->ku = ku;
}

/*
 * The touch controller's transfers in a sequence under the bus lock when
 * the release starts complete: the release freezes the input device
 * (the touch held is lifted), then waits for the bus.  While away its
 * transfers fail with -ESHUTDOWN, its input device is frozen and
 * registered, with its user's file open; after the reclaim both work.
 */
static void shdev_touch_test_transfer(struct kunit *test)
{
	struct kh_seq seq = { };
	struct kh_release rel = { };
	struct platform_device *pdev;
	struct i2c_client *client;
	struct input_dev *input;
	struct kh_screen sc;
	struct kh_user *ku;

	kh_setup(test, &sc);
	pdev = sc.pdev;
	client = sc.client;
	input = sc.input;
	ku = sc.ku;

	/* Local: the register reads, a touch goes down and stays. */
	KUNIT_EXPECT_EQ(test, i2c_smbus_read_byte_data(client, KH_REG_STATUS),
			0);
	kh_touch(input, true);
	KUNIT_EXPECT_EQ(test, kh_count(ku, &ku->touches), 1);

	/* A sequence in flight as the release starts. */
	seq.client = client;
	init_completion(&seq.first);
	init_completion(&seq.go);
	init_completion(&seq.done);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kthread_run(kh_seq_thread, &seq,
						       "shdev-kt-touch"));
	kt_wait(test, &seq.first);
	rel.dev = &pdev->dev;
	init_completion(&rel.done);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kthread_run(kh_release_thread, &rel,
						       "shdev-kt-release"));
	/* The input device, stacked last, froze first: the touch lifted. */
	kt_wait(test, &ku->lifted);
	complete(&seq.go);
	kt_wait(test, &seq.done);
	kt_wait(test, &rel.done);
	KUNIT_EXPECT_EQ(test, seq.ret[0], 0);
	KUNIT_EXPECT_EQ(test, seq.ret[1], 0);
	KUNIT_EXPECT_EQ(test, rel.ret, 7);
	kh_expect_owner(test, &pdev->dev, "kt-peer");

	/* Away: transfers fail cleanly, touches are not seen. */
	KUNIT_EXPECT_EQ(test, i2c_smbus_read_byte_data(client, KH_REG_STATUS),
			-ESHUTDOWN);
	i2c_lock_bus(client->adapter, I2C_LOCK_SEGMENT);
	KUNIT_EXPECT_EQ(test, kh_seq_read(client), -ESHUTDOWN);
	i2c_unlock_bus(client->adapter, I2C_LOCK_SEGMENT);
	kh_touch(input, true);
	kh_touch(input, false);
	KUNIT_EXPECT_EQ(test, kh_count(ku, &ku->touches), 1);
	KUNIT_EXPECT_EQ(test, kh_count(ku, &ku->lifts), 1);
	KUNIT_EXPECT_TRUE(test, device_is_registered(&input->dev));
	KUNIT_EXPECT_TRUE(test, device_is_registered(&client->dev));

	/* Back: both work again. */
	KUNIT_ASSERT_EQ(test, kt_sysfs_write(&pdev->dev, "ownership", "local",
					     5), 5);
	kh_expect_owner(test, &pdev->dev, "local");
	KUNIT_EXPECT_EQ(test, i2c_smbus_read_byte_data(client, KH_REG_STATUS),
			0);
	kh_touch(input, true);
	KUNIT_EXPECT_EQ(test, kh_count(ku, &ku->touches), 2);
	kh_touch(input, false);
	KUNIT_EXPECT_EQ(test, kh_count(ku, &ku->lifts), 2);
}

/* Pull the touch controller's line: @up, then the other way. */
static void kh_pull(struct kunit *test, struct kh_screen *sc, bool up)
{
	struct gpio_device *gdev = gpiod_to_gpio_device(sc->ts->gpio);
	const char *pull = up ? "pull-up" : "pull-down";
	ssize_t len = strlen(pull);

	KUNIT_ASSERT_EQ(test, kt_sysfs_write(gpio_device_to_device(gdev),
					     "sim_gpio2/pull", pull, len), len);
}

/* A tap: the line goes high and falls, which fires the interrupt. */
static void kh_tap(struct kunit *test, struct kh_screen *sc)
{
	kh_pull(test, sc, true);
	kh_pull(test, sc, false);
}

static bool kh_line_off(struct kh_screen *sc)
{
	return irqd_irq_disabled(irq_get_irq_data(sc->ts->irq));
}

/*
 * The touch controller is no member of the unit, its bus controller is;
 * the unit carries its interrupt.  Local, a tap fires its handler, which
 * reads the controller over the bus and reports the tap.  Away, the line
 * is disabled in Linux: a tap fires nothing.  After the reclaim, a tap
 * fires the handler again, and the tap while away is not seen then
 * either.
 */
static void shdev_touch_test_irq(struct kunit *test)
{
	struct kh_screen sc;
	struct kh_touch *ts;

	kh_setup(test, &sc);
	ts = sc.ts;
	KUNIT_EXPECT_FALSE(test, kh_line_off(&sc));
	kh_tap(test, &sc);
	kt_wait(test, &ts->fired);
	KUNIT_EXPECT_EQ(test, atomic_read(&ts->irqs), 1);
	KUNIT_EXPECT_EQ(test, ts->status, 0);
	KUNIT_EXPECT_EQ(test, kh_count(sc.ku, &sc.ku->touches), 1);

	KUNIT_ASSERT_EQ(test, kt_sysfs_write(&sc.pdev->dev, "ownership",
					     "kt-peer", 7), 7);
	kh_expect_owner(test, &sc.pdev->dev, "kt-peer");
	KUNIT_EXPECT_TRUE(test, kh_line_off(&sc));
	kh_tap(test, &sc);
	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&ts->fired,
							  msecs_to_jiffies(KH_QUIET_MS)),
			0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ts->irqs), 1);

	KUNIT_ASSERT_EQ(test, kt_sysfs_write(&sc.pdev->dev, "ownership",
					     "local", 5), 5);
	kh_expect_owner(test, &sc.pdev->dev, "local");
	KUNIT_EXPECT_FALSE(test, kh_line_off(&sc));
	kh_tap(test, &sc);
	kt_wait(test, &ts->fired);
	KUNIT_EXPECT_EQ(test, atomic_read(&ts->irqs), 2);
	KUNIT_EXPECT_EQ(test, ts->status, 0);
	KUNIT_EXPECT_EQ(test, kh_count(sc.ku, &sc.ku->touches), 2);
	KUNIT_EXPECT_EQ(test, kh_count(sc.ku, &sc.ku->lifts), 2);
}

/*
 * A release that starts while the touch controller's threaded handler
 * runs waits for it, before the bus freezes: the handler's transfer
 * completes; after the reclaim the line fires the handler again.
 */
static void shdev_touch_test_irq_in_flight(struct kunit *test)
{
	struct kh_release rel = { };
	struct completion hold;
	struct kh_screen sc;
	struct kh_touch *ts;

	kh_setup(test, &sc);
	ts = sc.ts;
	init_completion(&hold);
	ts->hold = &hold;
	kh_tap(test, &sc);
	kt_wait(test, &ts->entered);

	rel.dev = &sc.pdev->dev;
	init_completion(&rel.done);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kthread_run(kh_release_thread, &rel,
						       "shdev-kt-release"));
	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&rel.done,
							  msecs_to_jiffies(KH_QUIET_MS)),
			0);
	complete(&hold);
	kt_wait(test, &ts->fired);
	kt_wait(test, &rel.done);
	ts->hold = NULL;
	KUNIT_EXPECT_EQ(test, ts->status, 0);
	KUNIT_EXPECT_EQ(test, rel.ret, 7);
	KUNIT_EXPECT_TRUE(test, kh_line_off(&sc));

	KUNIT_ASSERT_EQ(test, kt_sysfs_write(&sc.pdev->dev, "ownership",
					     "local", 5), 5);
	KUNIT_EXPECT_FALSE(test, kh_line_off(&sc));
	kh_tap(test, &sc);
	kt_wait(test, &ts->fired);
	KUNIT_EXPECT_EQ(test, atomic_read(&ts->irqs), 2);
}

static struct kunit_case shdev_touch_cases[] = {
	KUNIT_CASE(shdev_touch_test_transfer),
	KUNIT_CASE(shdev_touch_test_irq),
	KUNIT_CASE(shdev_touch_test_irq_in_flight),
	{ }
};

static struct kunit_suite shdev_touch_suite = {
	.name = "shdev_touch",
	.suite_init = kt_suite_init,
	.suite_exit = kt_suite_exit,
	.init = kt_test_init,
	.test_cases = shdev_touch_cases,
};

kunit_test_suite(shdev_touch_suite);
