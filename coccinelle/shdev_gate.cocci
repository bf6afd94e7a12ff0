// SPDX-License-Identifier: GPL-2.0
/// In a driver that registers with shdev, an interrupt handler reaches its
/// registers while the device may be away unless it is inside the gate:
/// if (!shdev_enter(sd, &idx)) return IRQ_NONE; ... shdev_exit(sd, idx);
//
// Confidence: Medium
// Comments: handlers registered in the same file, MMIO accessors; a
// handler that enters the gate anywhere is trusted to do it first.

virtual report

@shared depends on report@
@@

devm_shdev_register(...)

@irq depends on report && shared@
identifier handler;
@@

(
request_irq(..., handler, ...)
|
devm_request_irq(..., handler, ...)
|
request_threaded_irq(..., handler, ...)
|
devm_request_threaded_irq(..., handler, ...)
)

@initialize:python@
@@

gated = set()

@enter depends on report@
identifier fn;
@@

fn(...)
{
<+... shdev_enter(...) ...+>
}

@script:python depends on report@
fn << enter.fn;
@@

gated.add(fn)

@access depends on report@
identifier irq.handler;
expression addr, val;
position p;
@@

handler(...)
{
<+...
(
readl@p(addr)
|
readw@p(addr)
|
readb@p(addr)
|
writel@p(val, addr)
|
writew@p(val, addr)
|
writeb@p(val, addr)
|
ioread32@p(addr)
|
iowrite32@p(val, addr)
|
readl_relaxed@p(addr)
|
writel_relaxed@p(val, addr)
)
...+>
}

@script:python depends on report@
p << access.p;
h << irq.handler;
@@

if h not in gated:
    coccilib.report.print_report(p[0], "shdev: %s reaches the hardware without shdev_enter()" % h)
