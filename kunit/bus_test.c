// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the bus consumers: a real I2C adapter and a real SPI
 * controller, registered by the test below the fake shared device as a
 * bus controller's driver registers them, with hardware callbacks inside
 * the gate and a completion interrupt on a simulated line.
 */

#include <kunit/test.h>
#include <linux/i2c.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irq_work.h>
#include <linux/irq_sim.h>
#include <linux/irqdomain.h>
#include <linux/kthread.h>
#include <linux/rtmutex.h>
#include <linux/spi/spi.h>

#include "fake.h"

/* What a transfer waits for: its completion interrupt. */
struct kb_irq {
	struct kt_dev *kt;
	unsigned int irq;
	bool local;		/* the handler ran inside the gate */
	struct completion done;
};

static irqreturn_t kb_irq_handler(int irq, void *data)
{
	struct kb_irq *ki = data;
	int idx;

	if (!shdev_enter(ki->kt->sd, &idx))
		return IRQ_NONE;
	WRITE_ONCE(ki->local, true);
	complete(&ki->done);
	shdev_exit(ki->kt->sd, idx);
	return IRQ_RETVAL(ki->local);
}

static void kb_irq_free(void *data)
{
	struct kb_irq *ki = data;

	free_irq(ki->irq, ki);
}

static void kb_irq_domain_remove(void *domain)
{
	irq_domain_remove_sim(domain);
}

/* The controller's interrupt, named to the core as a driver does. */
static void kb_irq_init(struct kunit *test, struct kb_irq *ki,
			struct kt_dev *kt)
{
	struct irq_domain *domain;

	ki->kt = kt;
	init_completion(&ki->done);
	domain = irq_domain_create_sim(NULL, 1);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, domain);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							kb_irq_domain_remove,
							domain), 0);
	ki->irq = irq_create_mapping(domain, 0);
	KUNIT_ASSERT_GT(test, ki->irq, 0);
	KUNIT_ASSERT_EQ(test, request_irq(ki->irq, kb_irq_handler, 0,
					  "shdev-kt-bus", ki), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kb_irq_free, ki),
			0);
	KUNIT_ASSERT_EQ(test, shdev_add_irq(kt->sd, ki->irq), 0);
}

/*
 * The controller raises its interrupt.  The simulated line fires from
 * irq_work, which UML runs at its next tick: run it now.
 */
static void kb_irq_fire(struct kunit *test, struct kb_irq *ki)
{
	KUNIT_ASSERT_EQ(test, irq_set_irqchip_state(ki->irq,
						    IRQCHIP_STATE_PENDING,
						    true), 0);
	local_irq_disable();
	irq_work_run();
	local_irq_enable();
}

/* A release or reclaim, or a client's transfer, in a thread. */
struct kb_thread {
	int (*fn)(struct kb_thread *t);
	struct kt_dev *kt;
	void *client;
	int ret;
	struct completion done;
};

static int kb_thread_fn(void *data)
{
	struct kb_thread *t = data;

	t->ret = t->fn(t);
	complete(&t->done);
	return 0;
}

static void kb_run(struct kunit *test, struct kb_thread *t,
		   int (*fn)(struct kb_thread *t))
{
	t->fn = fn;
	init_completion(&t->done);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kthread_run(kb_thread_fn, t,
						       "shdev-kt-bus"));
}

static int kb_release(struct kb_thread *t)
{
	return shdev_release(t->kt->sd, &kt_peer);
}

/* ---- I2C ---- */

struct kb_i2c {
	struct i2c_adapter adap;
	struct kt_dev *kt;
	struct kb_irq irq;
	unsigned int xfers;	/* transfers that reached the hardware */
	unsigned int outside;	/* transfers that found the gate closed */
	bool hold;		/* the next transfer waits for its interrupt */
	bool in_flight;		/* a held transfer is waiting */
	struct completion started;	/* a held transfer began */
	struct completion root_wanted;	/* the root lock asked for meanwhile */
	struct i2c_client *client;
};

static int kb_i2c_xfer(struct i2c_adapter *adap, struct i2c_msg *msgs,
		       int num)
{
	struct kb_i2c *kb = container_of(adap, struct kb_i2c, adap);
	int i, idx;

	if (!shdev_enter(kb->kt->sd, &idx)) {
		kb->outside++;
		return -EIO;
	}
	kb->xfers++;
	shdev_exit(kb->kt->sd, idx);

	if (kb->hold) {
		kb->hold = false;
		WRITE_ONCE(kb->in_flight, true);
		complete(&kb->started);
		if (!wait_for_completion_timeout(&kb->irq.done, 120 * HZ))
			return -ETIMEDOUT;
		WRITE_ONCE(kb->in_flight, false);
		kt_log(kb->kt, "i2c-done");
	}
	for (i = 0; i < num; i++)
		if (msgs[i].flags & I2C_M_RD)
			memset(msgs[i].buf, 0x5a, msgs[i].len);
	return num;
}

static u32 kb_i2c_func(struct i2c_adapter *adap)
{
	return I2C_FUNC_I2C | I2C_FUNC_SMBUS_EMUL;
}

static const struct i2c_algorithm kb_i2c_algo = {
	.xfer = kb_i2c_xfer,
	.functionality = kb_i2c_func,
};

/*
 * The adapter's own bus lock, as the core's, except that it tells the
 * test when the root adapter's lock is asked for during a held transfer:
 * what a freeze that drains does.  Client transfers lock the segment.
 */
static void kb_i2c_lock_bus(struct i2c_adapter *adap, unsigned int flags)
{
	struct kb_i2c *kb = container_of(adap, struct kb_i2c, adap);

	if ((flags & I2C_LOCK_ROOT_ADAPTER) && READ_ONCE(kb->in_flight))
		complete(&kb->root_wanted);
	rt_mutex_lock(&adap->bus_lock);
}

static int kb_i2c_trylock_bus(struct i2c_adapter *adap, unsigned int flags)
{
	return rt_mutex_trylock(&adap->bus_lock);
}

static void kb_i2c_unlock_bus(struct i2c_adapter *adap, unsigned int flags)
{
	rt_mutex_unlock(&adap->bus_lock);
}

static const struct i2c_lock_operations kb_i2c_lock_ops = {
	.lock_bus = kb_i2c_lock_bus,
	.trylock_bus = kb_i2c_trylock_bus,
	.unlock_bus = kb_i2c_unlock_bus,
};

static void kb_i2c_del(void *data)
{
	struct kb_i2c *kb = data;

	i2c_unregister_device(kb->client);
	i2c_del_adapter(&kb->adap);
}

/* An adapter below @kt, as its driver's probe adds it, with a client. */
static struct kb_i2c *kb_i2c_add(struct kunit *test, struct kt_dev *kt)
{
	struct kb_i2c *kb;

	kb = kunit_kzalloc(test, sizeof(*kb), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, kb);
	kb->kt = kt;
	init_completion(&kb->started);
	init_completion(&kb->root_wanted);
	kb_irq_init(test, &kb->irq, kt);

	kb->adap.owner = THIS_MODULE;
	kb->adap.algo = &kb_i2c_algo;
	kb->adap.lock_ops = &kb_i2c_lock_ops;
	kb->adap.dev.parent = &kt->pdev->dev;
	kb->adap.nr = -1;
	strscpy(kb->adap.name, "shdev-kt-i2c", sizeof(kb->adap.name));
	KUNIT_ASSERT_EQ(test, i2c_add_adapter(&kb->adap), 0);
	kb->client = i2c_new_dummy_device(&kb->adap, 0x50);
	if (IS_ERR(kb->client)) {
		i2c_del_adapter(&kb->adap);
		KUNIT_FAIL_AND_ABORT(test, "no client: %ld",
				     PTR_ERR(kb->client));
	}
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kb_i2c_del, kb),
			0);
	return kb;
}

/* Both ways a client reaches the adapter: I2C messages and SMBus. */
static void kb_i2c_expect(struct kunit *test, struct kb_i2c *kb, int ret)
{
	u8 buf[2] = { 1, 2 };

	KUNIT_EXPECT_EQ(test, i2c_master_send(kb->client, buf, 2),
			ret ? ret : 2);
	KUNIT_EXPECT_EQ(test, i2c_smbus_read_byte_data(kb->client, 3),
			ret ? ret : 0x5a);
}

/*
 * While away, the client's transfers, plain and SMBus, fail with
 * -ESHUTDOWN without reaching the driver; after the reclaim they work.
 * No one-time warning of a transfer while suspended is used up, and the
 * adapter and its client stay registered.
 */
static void shdev_test_i2c_away(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct kb_i2c *kb = kb_i2c_add(test, kt);

	kb_i2c_expect(test, kb, 0);
	KUNIT_EXPECT_EQ(test, kb->xfers, 2);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	kb_i2c_expect(test, kb, -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, kb->xfers, 2);
	KUNIT_EXPECT_EQ(test, kb->outside, 0);
	KUNIT_EXPECT_TRUE(test, device_is_registered(&kb->client->dev));

	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	kb_i2c_expect(test, kb, 0);
	KUNIT_EXPECT_EQ(test, kb->xfers, 4);
	KUNIT_EXPECT_EQ(test, kb->outside, 0);
	KUNIT_EXPECT_FALSE(test, test_bit(I2C_ALF_SUSPEND_REPORTED,
					  &kb->adap.locked_flags));
	KUNIT_EXPECT_FALSE(test, test_bit(I2C_ALF_IS_SUSPENDED,
					  &kb->adap.locked_flags));

	/* Twice: nothing of the first hand-over is left behind. */
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	kb_i2c_expect(test, kb, -ESHUTDOWN);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	kb_i2c_expect(test, kb, 0);
	KUNIT_EXPECT_EQ(test, kb->xfers, 6);
}

static int kb_i2c_send(struct kb_thread *t)
{
	struct i2c_client *client = t->client;
	u8 buf = 0;

	return i2c_master_send(client, &buf, 1);
}

/*
 * A transfer in flight when the release starts completes, through the
 * controller's interrupt still running inside the gate, before the
 * driver's quiesce: the release asks for the bus while the transfer
 * holds it, and waits for it.
 */
static void shdev_test_i2c_drain(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct kb_i2c *kb = kb_i2c_add(test, kt);
	struct kb_thread xfer = { .client = kb->client };
	struct kb_thread rel = { .kt = kt };

	kb->hold = true;
	kb_run(test, &xfer, kb_i2c_send);
	kt_wait(test, &kb->started);
	kb_run(test, &rel, kb_release);
	kt_wait(test, &kb->root_wanted);

	/* The release waits for the bus: the driver is not quiesced yet. */
	KUNIT_EXPECT_EQ(test, shdev_get_state(kt->sd), SHDEV_RELEASING);
	KUNIT_EXPECT_FALSE(test, kt_log_has(kt, "quiesce"));
	kb_irq_fire(test, &kb->irq);
	kt_wait(test, &xfer.done);
	kt_wait(test, &rel.done);

	KUNIT_EXPECT_EQ(test, xfer.ret, 1);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(kb->irq.local));
	KUNIT_EXPECT_EQ(test, rel.ret, 0);
	KUNIT_EXPECT_STREQ(test, kt->log, "i2c-done,quiesce");
	kb_i2c_expect(test, kb, -ESHUTDOWN);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	kb_i2c_expect(test, kb, 0);
}

/*
 * A release that fails after the adapter froze (a consumer below it
 * refuses to freeze) thaws it: the client's transfers work.
 */
static void shdev_test_i2c_rollback(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct kt_consumer *below = kt_consumer_add(test, kt, "below");
	struct kb_i2c *kb = kb_i2c_add(test, kt);

	below->fail = -EBUSY;
	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), -EBUSY);
	kt_expect_local(test, kt);
	kb_i2c_expect(test, kb, 0);

	below->fail = 0;
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	kb_i2c_expect(test, kb, -ESHUTDOWN);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	kb_i2c_expect(test, kb, 0);
}

/* ---- SPI ---- */

struct kb_spi {
	struct spi_controller *ctlr;
	struct spi_device *spi;
	struct kt_dev *kt;
	struct kb_irq irq;
	unsigned int setups;	/* setup() calls that reached the hardware */
	unsigned int cs;	/* set_cs() calls that did */
	unsigned int xfers;	/* transfer_one() calls that did */
	unsigned int outside;	/* calls that found the gate closed */
	u32 mode;		/* the mode setup() programmed last */
	bool hold;		/* the next transfer waits for its interrupt */
	struct completion started;	/* a held transfer began */
};

static struct kb_spi *kb_spi_of(struct spi_controller *ctlr)
{
	return *(struct kb_spi **)spi_controller_get_devdata(ctlr);
}

/* A hardware access of the controller's driver; false if refused. */
static bool kb_spi_hw(struct kb_spi *ks, unsigned int *count)
{
	int idx;

	if (!shdev_enter(ks->kt->sd, &idx)) {
		ks->outside++;
		return false;
	}
	(*count)++;
	shdev_exit(ks->kt->sd, idx);
	return true;
}

static int kb_spi_setup(struct spi_device *spi)
{
	struct kb_spi *ks = kb_spi_of(spi->controller);

	if (!kb_spi_hw(ks, &ks->setups))
		return -EIO;
	ks->mode = spi->mode;
	return 0;
}

static void kb_spi_set_cs(struct spi_device *spi, bool enable)
{
	struct kb_spi *ks = kb_spi_of(spi->controller);

	kb_spi_hw(ks, &ks->cs);
}

static int kb_spi_transfer_one(struct spi_controller *ctlr,
			       struct spi_device *spi,
			       struct spi_transfer *xfer)
{
	struct kb_spi *ks = kb_spi_of(ctlr);

	if (!kb_spi_hw(ks, &ks->xfers))
		return -EIO;
	if (ks->hold) {
		ks->hold = false;
		complete(&ks->started);
		if (!wait_for_completion_timeout(&ks->irq.done, 120 * HZ))
			return -ETIMEDOUT;
		kt_log(ks->kt, "spi-done");
	}
	if (xfer->rx_buf)
		memset(xfer->rx_buf, 0xa5, xfer->len);
	return 0;
}

static void kb_spi_del(void *data)
{
	struct kb_spi *ks = data;

	spi_unregister_device(ks->spi);
	spi_unregister_controller(ks->ctlr);
}

/* A controller below @kt, as its driver's probe adds it, with a device. */
static struct kb_spi *kb_spi_add(struct kunit *test, struct kt_dev *kt)
{
	struct spi_board_info info = {
		.modalias = "shdev-kt-spi",
		.max_speed_hz = 1000000,
		.mode = SPI_MODE_3,
	};
	struct spi_controller *ctlr;
	struct kb_spi *ks;
	int ret;

	ks = kunit_kzalloc(test, sizeof(*ks), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ks);
	ks->kt = kt;
	init_completion(&ks->started);
	kb_irq_init(test, &ks->irq, kt);

	ctlr = spi_alloc_host(&kt->pdev->dev, sizeof(ks));
	KUNIT_ASSERT_NOT_NULL(test, ctlr);
	*(struct kb_spi **)spi_controller_get_devdata(ctlr) = ks;
	ctlr->bus_num = -1;
	ctlr->num_chipselect = 1;
	ctlr->mode_bits = SPI_CPOL | SPI_CPHA;
	ctlr->setup = kb_spi_setup;
	ctlr->set_cs = kb_spi_set_cs;
	ctlr->transfer_one = kb_spi_transfer_one;
	ret = spi_register_controller(ctlr);
	if (ret) {
		spi_controller_put(ctlr);
		KUNIT_FAIL_AND_ABORT(test, "not registered: %d", ret);
	}
	ks->ctlr = ctlr;
	ks->spi = spi_new_device(ctlr, &info);
	if (!ks->spi) {
		spi_unregister_controller(ctlr);
		KUNIT_FAIL_AND_ABORT(test, "no device");
	}
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kb_spi_del, ks),
			0);
	return ks;
}

static int kb_spi_write(struct spi_device *spi)
{
	u8 buf[2] = { 1, 2 };

	return spi_write(spi, buf, sizeof(buf));
}

static void kb_spi_complete(void *context)
{
	complete(context);
}

/*
 * While away, spi_sync(), spi_async() and spi_setup() fail with
 * -ESHUTDOWN without reaching the driver.  The reclaim sets the device
 * up again and deselects it, whatever the peer left; then transfers work.
 */
static void shdev_test_spi_away(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct kb_spi *ks = kb_spi_add(test, kt);
	struct spi_transfer xfer = { .tx_buf = "ab", .len = 2 };
	struct spi_message msg;
	struct completion done;
	unsigned int setups, cs;
	int ret;

	KUNIT_EXPECT_EQ(test, ks->setups, 1);
	KUNIT_EXPECT_EQ(test, ks->mode, SPI_MODE_3);
	KUNIT_EXPECT_EQ(test, kb_spi_write(ks->spi), 0);
	KUNIT_EXPECT_EQ(test, ks->xfers, 1);

	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	setups = ks->setups;
	cs = ks->cs;
	KUNIT_EXPECT_EQ(test, kb_spi_write(ks->spi), -ESHUTDOWN);
	init_completion(&done);
	spi_message_init_with_transfers(&msg, &xfer, 1);
	msg.complete = kb_spi_complete;
	msg.context = &done;
	ret = spi_async(ks->spi, &msg);
	KUNIT_EXPECT_EQ(test, ret, -ESHUTDOWN);
	if (!ret)
		kt_wait(test, &done);
	ks->spi->mode = SPI_MODE_0;
	KUNIT_EXPECT_EQ(test, spi_setup(ks->spi), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, ks->setups, setups);
	KUNIT_EXPECT_EQ(test, ks->cs, cs);
	KUNIT_EXPECT_EQ(test, ks->xfers, 1);
	KUNIT_EXPECT_EQ(test, ks->outside, 0);
	KUNIT_EXPECT_TRUE(test, device_is_registered(&ks->spi->dev));

	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	/* Set up again, in the mode asked while away, and deselected. */
	KUNIT_EXPECT_EQ(test, ks->setups, setups + 1);
	KUNIT_EXPECT_EQ(test, ks->mode, SPI_MODE_0);
	KUNIT_EXPECT_EQ(test, ks->cs, cs + 1);
	KUNIT_EXPECT_EQ(test, kb_spi_write(ks->spi), 0);
	KUNIT_EXPECT_EQ(test, ks->xfers, 2);
	KUNIT_EXPECT_EQ(test, spi_setup(ks->spi), 0);
	KUNIT_EXPECT_EQ(test, ks->outside, 0);
	KUNIT_EXPECT_FALSE(test, ks->ctlr->flags & SPI_CONTROLLER_SUSPENDED);
}

static int kb_spi_send(struct kb_thread *t)
{
	return kb_spi_write(t->client);
}

/*
 * A message in flight when the release starts completes through the
 * controller's interrupt before the driver's quiesce.
 */
static void shdev_test_spi_drain(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct kb_spi *ks = kb_spi_add(test, kt);
	struct kb_thread xfer = { .client = ks->spi };
	struct kb_thread rel = { .kt = kt };

	ks->hold = true;
	kb_run(test, &xfer, kb_spi_send);
	kt_wait(test, &ks->started);
	kb_run(test, &rel, kb_release);
	kb_irq_fire(test, &ks->irq);
	kt_wait(test, &xfer.done);
	kt_wait(test, &rel.done);

	KUNIT_EXPECT_EQ(test, xfer.ret, 0);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(ks->irq.local));
	KUNIT_EXPECT_EQ(test, rel.ret, 0);
	KUNIT_EXPECT_STREQ(test, kt->log, "spi-done,quiesce");
	KUNIT_EXPECT_EQ(test, ks->outside, 0);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
	KUNIT_EXPECT_EQ(test, kb_spi_write(ks->spi), 0);
}

/*
 * A queue that does not drain fails the freeze, which changes nothing:
 * the release is rolled back and the controller keeps working, its
 * stuck message included.  The SPI core gives the queue 5 seconds.
 */
static void shdev_test_spi_failed_freeze(struct kunit *test)
{
	struct kt_dev *kt = kt_create(test, NULL);
	struct kb_spi *ks = kb_spi_add(test, kt);
	struct spi_transfer xfer = { .tx_buf = "ab", .len = 2 };
	struct spi_message msg;
	struct completion done;

	init_completion(&done);
	spi_message_init_with_transfers(&msg, &xfer, 1);
	msg.complete = kb_spi_complete;
	msg.context = &done;
	ks->hold = true;
	KUNIT_ASSERT_EQ(test, spi_async(ks->spi, &msg), 0);
	kt_wait(test, &ks->started);

	KUNIT_EXPECT_EQ(test, shdev_release(kt->sd, &kt_peer), -EBUSY);
	kt_expect_local(test, kt);
	KUNIT_EXPECT_FALSE(test, kt_log_has(kt, "quiesce"));

	kb_irq_fire(test, &ks->irq);
	kt_wait(test, &done);
	KUNIT_EXPECT_EQ(test, msg.status, 0);
	KUNIT_EXPECT_EQ(test, kb_spi_write(ks->spi), 0);
	KUNIT_EXPECT_EQ(test, spi_setup(ks->spi), 0);
	KUNIT_EXPECT_EQ(test, ks->outside, 0);
	KUNIT_ASSERT_EQ(test, shdev_release(kt->sd, &kt_peer), 0);
	KUNIT_EXPECT_EQ(test, kb_spi_write(ks->spi), -ESHUTDOWN);
	KUNIT_ASSERT_EQ(test, shdev_reclaim(kt->sd), 0);
}

static struct kunit_case shdev_bus_cases[] = {
	KUNIT_CASE(shdev_test_i2c_away),
	KUNIT_CASE(shdev_test_i2c_drain),
	KUNIT_CASE(shdev_test_i2c_rollback),
	KUNIT_CASE(shdev_test_spi_away),
	KUNIT_CASE(shdev_test_spi_drain),
	KUNIT_CASE_SLOW(shdev_test_spi_failed_freeze),
	{ }
};

static struct kunit_suite shdev_bus_suite = {
	.name = "shdev_buses",
	.suite_init = kt_suite_init,
	.suite_exit = kt_suite_exit,
	.init = kt_test_init,
	.test_cases = shdev_bus_cases,
};

kunit_test_suite(shdev_bus_suite);
