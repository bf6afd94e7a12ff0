// SPDX-License-Identifier: GPL-2.0
/// shdev's transfers, registrations and consumer changes sleep: they must
/// not be called with a spinlock held or from a hard interrupt handler.
/// (shdev_enter() and shdev_exit() may.)
//
// Confidence: Medium
// Comments: spinlock sections and handlers within one file.

virtual report

@locked depends on report@
expression lock, flags;
position p;
@@

(
spin_lock(lock)
|
spin_lock_irq(lock)
|
spin_lock_bh(lock)
|
spin_lock_irqsave(lock, flags)
|
raw_spin_lock(lock)
|
raw_spin_lock_irqsave(lock, flags)
)
... when != spin_unlock(lock)
    when != spin_unlock_irq(lock)
    when != spin_unlock_bh(lock)
    when != spin_unlock_irqrestore(lock, flags)
    when != raw_spin_unlock(lock)
    when != raw_spin_unlock_irqrestore(lock, flags)
(
shdev_release@p(...)
|
shdev_reclaim@p(...)
|
shdev_grant@p(...)
|
shdev_peer_died@p(...)
|
shdev_consumer_add@p(...)
|
shdev_consumer_del@p(...)
|
shdev_consumer_remove@p(...)
|
devm_shdev_register@p(...)
|
devm_shdev_attach_drm@p(...)
)

@script:python depends on report@
p << locked.p;
@@

coccilib.report.print_report(p[0], "shdev: sleeping call with a spinlock held")

@irq depends on report@
identifier handler;
@@

(
request_irq(..., handler, ...)
|
devm_request_irq(..., handler, ...)
)

@inirq depends on report@
identifier irq.handler;
position p;
@@

handler(...)
{
<+...
(
shdev_release@p(...)
|
shdev_reclaim@p(...)
|
shdev_grant@p(...)
|
shdev_peer_died@p(...)
|
shdev_consumer_add@p(...)
|
shdev_consumer_del@p(...)
|
shdev_consumer_remove@p(...)
)
...+>
}

@script:python depends on report@
p << inirq.p;
h << irq.handler;
@@

coccilib.report.print_report(p[0], "shdev: sleeping call in interrupt handler %s" % h)
