// SPDX-License-Identifier: GPL-2.0
/// devm_shdev_register() needs an ops table with both quiesce and resume:
/// without them it fails at runtime with -EINVAL.
//
// Confidence: High
// Comments: checks ops tables defined in the same file.

virtual report

@r depends on report@
identifier ops;
expression pdev, priv;
position p;
@@

devm_shdev_register@p(pdev, &ops, priv)

@has_quiesce depends on report@
identifier r.ops, fn;
@@

struct shdev_ops ops = { ..., .quiesce = fn, ... };

@has_resume depends on report@
identifier r.ops, fn;
@@

struct shdev_ops ops = { ..., .resume = fn, ... };

@script:python depends on report && r && !has_quiesce@
p << r.p;
ops << r.ops;
@@

coccilib.report.print_report(p[0], "shdev: ops table %s has no quiesce callback" % ops)

@script:python depends on report && r && !has_resume@
p << r.p;
ops << r.ops;
@@

coccilib.report.print_report(p[0], "shdev: ops table %s has no resume callback" % ops)

@n depends on report@
expression pdev, priv;
position p;
@@

devm_shdev_register@p(pdev, NULL, priv)

@script:python depends on report@
p << n.p;
@@

coccilib.report.print_report(p[0], "shdev: devm_shdev_register() without callbacks")
