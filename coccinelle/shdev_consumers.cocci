// SPDX-License-Identifier: GPL-2.0
/// A driver that registers with shdev must let its stacked devices freeze:
/// a DRM device needs devm_shdev_attach_drm(); an input device must have
/// the shared device (or a device below it) as parent, or the core cannot
/// find it.
//
// Confidence: Medium
// Comments: looks at one file at a time.

virtual report

@shared depends on report@
@@

devm_shdev_register(...)

@attached depends on report@
@@

devm_shdev_attach_drm(...)

@drm depends on report && shared && !attached@
position p;
@@

(
devm_drm_dev_alloc@p(...)
|
drm_dev_alloc@p(...)
)

@script:python depends on report@
p << drm.p;
@@

coccilib.report.print_report(p[0], "shdev: DRM device not attached with devm_shdev_attach_drm()")

@input depends on report && shared@
expression in;
position p;
@@

in = input_allocate_device@p();
... when != in->dev.parent = ...

@script:python depends on report@
p << input.p;
@@

coccilib.report.print_report(p[0], "shdev: input device without a parent below the shared device: it will not freeze")
