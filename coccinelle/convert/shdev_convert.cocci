// SPDX-License-Identifier: GPL-2.0
/// Convert a platform driver to shdev: its device can then be handed to
/// another VM and taken back with the driver bound.
///
/// Registration: probe calls devm_shdev_register() at the latest place
/// with a known error path, after the private structure is set and before
/// the first stacked device (an input or DRM device) is registered: just
/// before a checked step (its error path serves), or just after a checked
/// devm_ step (its error path serves too, devres undoing the step).  The
/// shared device is kept in the private structure (what probe hands to
/// platform_set_drvdata() or allocates) when the file defines it, in a
/// local variable otherwise.
///
/// quiesce and resume are derived where the driver says how it stops:
///  - from its system sleep callbacks: quiesce does what system suspend
///    does to the device (the suspend callback, then the interrupts kept in
///    the private structure off), resume the reverse.  Callbacks built
///    under a condition, or defined elsewhere, are called through the
///    driver's dev_pm_ops, and quiesce fails when they are not there;
///  - without them, from the interrupts kept in the private structure and
///    the work items in it: interrupts off, works cancelled;
///  - otherwise a skeleton marked "shdev: TODO" whose quiesce fails with
///    -EOPNOTSUPP, so that a transfer is refused rather than wrong.
///
/// Interrupt handlers requested by probe with the private structure as
/// cookie run inside the gate, through a wrapper; one requested before the
/// registration is requested with IRQF_NO_AUTOEN and enabled once the
/// shared device exists.  An input device from input_allocate_device()
/// gets the platform device as parent, so that it stacks; a DRM device
/// from devm_drm_dev_alloc() is attached with devm_shdev_attach_drm().
///
/// Every other path to the hardware it finds (callbacks given to other
/// subsystems, callbacks stored by code, remove and shutdown, sysfs
/// attributes) is named as left to do, unless the framework covers it
/// (a stacked input device's open, close and poller; runtime PM, held while
/// the device is away).  A quiesce derived from system sleep is never
/// called complete: system sleep gives what a transfer does not (frozen
/// user space, children suspended first, the noirq phase).  Nor is one
/// derived from interrupts when the file writes registers that resume
/// does not write again.
///
/// Each file gets one line on standard output, "shdev_convert: FILE:",
/// then "converted:" with what was derived and what is left to do by hand,
/// or "not converted:" and why (an AMBA driver, a file without a
/// platform_driver that Coccinelle matches, too).
//
// Confidence: Medium
// Comments: acts only with -D convert (make coccicheck runs it in report
// mode, where it does nothing); one file at a time.  The generated code is
// kernel style and its lists (interrupts, works, handlers) are unrolled up
// to LIMIT items, so that no rule adds with "++".
// Options: --no-includes

virtual convert
virtual report

@initialize:python@
@@
import collections
import os
import re

# Everything known about the file being converted, by file name.
files = {}

def st(pos):
    """The record of the file that a position is in."""
    name = pos[0].file
    if name not in files:
        files[name] = {
            'drivers': [], 'probe': None, 'probe_line': 0, 'probe_end': 0,
            'pdev': None, 'fns': {}, 'drvdata': [], 'decls': {},
            'allocs': [], 'assign': {}, 'structs': set(), 'drm': None,
            'consumers': [], 'helpers': {},
            'irqs': [], 'legacy_pm': None, 'drv_line': 0, 'plan': None,
            'works': {}, 'cands': [], 'tails': [], 'inputs': [], 'ints': set(),
            'parents': set(), 'late_pm': [],
            'text': None,
        }
    return files[name]

def text(s, name):
    if s['text'] is None:
        with open(name, errors='replace') as f:
            s['text'] = f.read().split('\n')
    return s['text']

def line(pos):
    return int(pos[0].line)

def top_level(s, name, ln):
    """Whether source line ln is a statement of the function's own block."""
    t = text(s, name)[ln - 1]
    return t.startswith('\t') and not t.startswith('\t\t')

def func_end(s, name, ln):
    """The line of the closing brace of the function defined at line ln."""
    t = text(s, name)
    for i in range(ln - 1, len(t)):
        if t[i] == '}':
            return i + 1
    return len(t)

def in_probe(s, ln):
    return s['probe_line'] < ln <= s['probe_end']

def under_if(s, name, ln):
    """Whether line ln is inside an #if/#ifdef block."""
    depth = 0
    for t in text(s, name)[:ln - 1]:
        t = t.strip()
        if re.match(r'#\s*if', t):
            depth += 1
        elif re.match(r'#\s*endif', t) and depth:
            depth -= 1
    return depth > 0

def clean(e):
    """Coccinelle prints expressions with spaces around ->; C does not."""
    return re.sub(r'\s*->\s*', '->', str(e)).strip()

def block(t, ln):
    """The lines of the definition starting at line ln, up to its "};"."""
    out = []
    for x in t[ln - 1:]:
        out.append(x)
        if x.startswith('};'):
            break
    return '\n'.join(out)

def find_pm(s, name):
    """The system sleep callbacks of the dev_pm_ops the platform_driver
    names: (suspend, resume), 'dynamic' if they are to be called through
    the driver's dev_pm_ops, or None and why not."""
    t = text(s, name)
    src = '\n'.join(t)
    drv = block(t, s['drv_line'])
    m = re.search(r'\.pm\s*=\s*(?:pm_(?:sleep_)?ptr\s*\()?\s*&?\s*(\w+)', drv)
    if not m:
        return None, 'no system sleep callbacks'
    ops = m.group(1)
    m = re.search(r'^#\s*define\s+%s\b.*?&\s*(\w+)' % ops, src, re.M)
    if m:
        ops = m.group(1)
    pairs = set()
    for m in re.finditer(r'\b(?:DEFINE_)?SIMPLE_DEV_PM_OPS\s*\(\s*%s\s*,'
                         r'\s*(\w+)\s*,\s*(\w+)\s*\)' % ops, src):
        pairs.add((m.group(1), m.group(2)))
    for m in re.finditer(r'\bDEFINE_RUNTIME_DEV_PM_OPS\s*\(\s*%s\s*,' % ops,
                         src):
        return None, 'system sleep is runtime PM forced'
    # Callbacks of the late and noirq phases: the PM core runs them with
    # the device's interrupts off, after every other suspend callback;
    # called from quiesce they would run with both still live.
    late = []
    for m in re.finditer(r'\bDEFINE_NOIRQ_DEV_PM_OPS\s*\(\s*%s\s*,'
                         r'\s*(\w+)\s*,\s*(\w+)\s*\)' % ops, src):
        late += [m.group(1), m.group(2)]
    for m in re.finditer(r'struct dev_pm_ops\s+(?:__\w+\s+)*%s\s*=\s*\{'
                         % ops, src):
        body = block(t, src[:m.start()].count('\n') + 1)
        for m2 in re.finditer(r'\b(?:SET_)?SYSTEM_SLEEP_PM_OPS\s*\(\s*(\w+)'
                              r'\s*,\s*(\w+)\s*\)', body):
            pairs.add((m2.group(1), m2.group(2)))
        m2 = re.search(r'\.suspend\s*=\s*(\w+)', body)
        m3 = re.search(r'\.resume\s*=\s*(\w+)', body)
        if m2 and m3:
            pairs.add((m2.group(1), m3.group(1)))
        for m2 in re.finditer(r'\b(?:SET_)?(?:NOIRQ|LATE)_SYSTEM_SLEEP_PM_OPS'
                              r'\s*\(\s*(\w+)\s*,\s*(\w+)\s*\)', body):
            late += [m2.group(1), m2.group(2)]
        for m2 in re.finditer(r'\.(?:suspend|resume)_(?:noirq|late)\s*=\s*'
                              r'(?:pm_\w*ptr\s*\(\s*)?(\w+)', body):
            late.append(m2.group(1))
    late = [fn for fn in late if fn in s['fns']]
    s['late_pm'] = sorted(set(late))
    if not pairs:
        if late:
            return None, ('system sleep callbacks only in the late or noirq '
                          'phase')
        return None, 'no system sleep callbacks'
    if [1 for sus, res in pairs if 'force' in sus or 'force' in res]:
        return None, 'system sleep is runtime PM forced'
    if [1 for sus, res in pairs if 'NULL' in (sus, res)]:
        return None, 'system sleep callbacks incomplete'
    if len(pairs) == 1:
        sus, res = list(pairs)[0]
        if not [fn for fn in (sus, res) if fn not in s['fns'] or
                under_if(s, name, s['fns'][fn]) or
                s['fns'][fn] > s['drv_line']]:
            return (sus, res), None
    # Conditionally built, defined elsewhere or after the platform_driver,
    # or several: called through the dev_pm_ops of the driver, which has
    # them exactly when built.
    return 'dynamic', None

def cand(p0, p, fn, e, es, err):
    """A checked step: E = fn(es) at p0, E tested at p."""
    s = st(p)
    if not in_probe(s, line(p0)):
        return
    e = clean(e)
    s['cands'].append({'fn': fn, 'call': line(p0), 'if': line(p), 'err': err,
                       'key': '%s = %s(%s)' % (e, fn, clean(es)),
                       'form': 'assign' if e else 'cond',
                       'ivar': e if re.match(r'^\w+$', e) else None})

LOGS = re.compile(r'(?i)(^|_)(err|error|warn|warning|info|dbg|debug|notice|'
                  r'printk)(_probe|_once|_ratelimited)?$')

def is_log(fn):
    return bool(LOGS.search(fn))

def tail(p, fn, es):
    """return fn(...) as the last statement of probe."""
    s = st(p)
    ln = line(p)
    if not in_probe(s, ln) or LOGS.search(fn) or fn.startswith('PTR_ERR') \
            and fn != 'PTR_ERR_OR_ZERO' or fn == 'ERR_PTR':
        return
    t = text(s, p[0].file)
    i = ln - 1
    while i < len(t) and not t[i].rstrip().endswith(';'):
        i += 1
    if i + 1 < len(t) and t[i + 1] == '}':
        s['tails'].append({'fn': fn, 'call': ln, 'err': ('return',),
                           'key': 'return %s(%s)' % (fn, clean(es)),
                           'form': 'tail', 'ivar': None})

# <linux/shdev.h> goes after the first of these the file includes (the
# rules "inc" below, in the same order).
HEADERS = ['platform_device', 'module', 'of', 'of_device', 'of_platform',
           'device', 'kernel', 'init', 'io', 'interrupt', 'slab']

# Words that show asynchronous hardware use the interrupt-derived quiesce
# would not stop.
BLOCKERS = [
    (r'\b(INIT_DELAYED_WORK|INIT_DEFERRABLE_WORK|queue_delayed_work|'
     r'schedule_delayed_work|mod_delayed_work)\b', 'delayed work'),
    (r'\b(timer_setup|setup_timer|hrtimer_init|hrtimer_setup|mod_timer)\b',
     'timers'),
    (r'\b(dma_request_chan|dma_request_slave_channel|'
     r'devm_dma_request_chan|dmaengine_submit)\b', 'DMA'),
    (r'\b(dma_async_device_register|dmaenginem_async_device_register)\b',
     'a DMA controller'),
    (r'\b(kthread_run|kthread_create|tasklet_init|tasklet_setup)\b',
     'threads or tasklets'),
    (r'\b(input_setup_polling)\b', 'polled input'),
]

# Structures whose function members are not paths to the hardware while
# the device is away: the driver's own tables, and system sleep, which
# waits for every device to come back.
NOT_PATHS = {'platform_driver', 'of_device_id', 'acpi_device_id',
             'platform_device_id', 'dev_pm_ops', 'shdev_ops'}

# Calls that may write a device's registers: the MMIO and regmap
# accessors, and any function whose name says it writes or sets (an MFD's
# twl_i2c_write_u8(), pm860x_set_bits(), a GPIO's gpiod_set_value()).
# When in doubt, the file writes.
WRITES = re.compile(r'\b(?:write[bwlq](?:_relaxed)?|__raw_write[bwlq]|'
                    r'iowrite(?:8|16|32|64)(?:be)?|writes[bwl]|out[bwl]|'
                    r'\w*write\w*|\w*_(?:set|update|clear)_bits\w*|'
                    r'\w*set_value\w*)\s*\(')

def names(l):
    return ', '.join(sorted(set(l)))

def hw_paths(s, name, P):
    """Paths to the hardware besides interrupt handlers: the callbacks the
    file gives other subsystems, remove and shutdown, sysfs attributes,
    pollers.  Each one that the conversion does not gate, and that no
    consumer of the framework covers, is named in todo."""
    t = text(s, name)
    src = '\n'.join(t)
    handlers = set()
    for q in s['irqs']:
        handlers |= {q['h'], q['t']}
    skip = handlers | {P['prb']}
    covered = []
    by_struct = collections.OrderedDict()
    runtime = []
    gone = []
    for m in re.finditer(r'^(?:static\s+)?(?:const\s+)?struct\s+(\w+)\s+'
                         r'(?:__\w+\s+)*(\w+)\s*(?:\[\w*\])?\s*'
                         r'(?:__\w+(?:\([^)]*\))?\s+)*=\s*\{', src, re.M):
        T = m.group(1)
        body = block(t, src[:m.start()].count('\n') + 1)
        members = [(f, fn) for f, fn in
                   re.findall(r'\.(\w+)\s*=\s*&?\s*(\w+)\s*[,}\n]', body)
                   if fn in s['fns'] and fn not in skip]
        if T == 'platform_driver':
            gone += [fn for f, fn in members
                     if f in ('remove', 'remove_new', 'shutdown')]
        elif T == 'dev_pm_ops':
            runtime += [fn for f, fn in members if f.startswith('runtime_')]
        elif T in NOT_PATHS:
            continue
        elif T.startswith('drm_') and P.get('drm'):
            if members:
                covered.append('DRM callbacks held by the DRM consumer')
        elif members:
            by_struct.setdefault(T, []).extend(
                '.%s = %s' % (f, fn) for f, fn in members)
    for m in re.finditer(r'\b(?:SET_)?RUNTIME_PM_OPS\s*\(\s*(\w+)\s*,\s*'
                         r'(\w+)\s*,\s*(\w+)\s*\)|'
                         r'\b(?:DEFINE_RUNTIME_DEV_PM_OPS|'
                         r'UNIVERSAL_DEV_PM_OPS)\s*\(\s*\w+\s*,\s*(\w+)\s*,'
                         r'\s*(\w+)\s*,\s*(\w+)\s*\)', src):
        runtime += [fn for fn in m.groups() if fn and fn in s['fns']]
    if runtime:
        # The core resumes the device and holds a runtime PM reference
        # while it is away: these callbacks do not run meanwhile.
        covered.append('runtime PM held while away')
    # Callbacks stored by code: an input device's open and close are
    # covered by the input consumer when the device stacks (and is not
    # polled); any other is named.
    inputs = set(s['inputs'])
    for m in re.finditer(r'^\s*(\w+(?:(?:->|\.)\w+)*)\s*=\s*'
                         r'(?:devm_)?input_allocate_device\s*\(', src, re.M):
        inputs.add(m.group(1))
    polled = re.findall(r'\binput_setup_polling\s*\(\s*[^,]+,\s*(\w+)\s*\)',
                        src)
    # The input consumer freezes an input device that stacks on the shared
    # device (registered by probe or a helper it calls): open and close
    # are not called and a poller is stopped meanwhile.
    stacked = [c for c in s['consumers'] if c[0] == 'input_register_device']
    stacks = bool(stacked) and not [
        c for c in stacked
        if not in_probe(s, c[1]) and c[2] not in s['helpers']]
    assigned = []
    for m in re.finditer(r'^\s*(\w+(?:(?:->|\.)\w+)*)(?:->|\.)(\w+)\s*=\s*'
                         r'&?\s*(\w+)\s*;', src, re.M):
        obj, f, fn = m.groups()
        if fn not in s['fns'] or fn in skip:
            continue
        if obj in inputs and f in ('open', 'close') and stacks:
            covered.append('input open/close held by the input consumer')
            continue
        assigned.append('%s = %s' % (f, fn))
    if polled and stacks:
        covered.append('input poller stopped by the input consumer')
    elif polled:
        P['todo'].append('polled input device not stacked: stop the poller '
                         'in quiesce (%s)' % names(polled))
        P['poller'] = True
    for T, l in by_struct.items():
        P['todo'].append('callbacks not gated: struct %s (%s)' % (T, names(l)))
    if assigned:
        P['todo'].append('callbacks set by code not gated (%s)'
                         % names(assigned))
    attrs = re.findall(r'\b(?:DEVICE_ATTR(?:_RW|_RO|_WO|_ADMIN_RW|_ADMIN_RO)?|'
                       r'DRIVER_ATTR_\w+)\s*\(\s*(\w+)', src)
    if attrs:
        P['todo'].append('sysfs attributes not gated (%s)' % names(attrs))
    if gone:
        P['todo'].append('remove/shutdown not gated, run while the device '
                         'may be away (%s)' % names(gone))
    # DRM devices allocated outside probe: not attached.
    for i, x in enumerate(t):
        if re.search(r'\b(?:devm_drm_dev_alloc|drm_dev_alloc)\s*\(', x) and \
                not in_probe(s, i + 1):
            P['todo'].append('DRM device allocated outside probe: attach it '
                             'with devm_shdev_attach_drm()')
            break
    P['covered'] = covered
    # Calls into the driver that quiesce would have to stop first.
    P['callbacks'] = bool(by_struct or assigned or P.get('poller'))


def quiesce_todo(s, name, P):
    """What the derived quiesce and resume leave to check."""
    src = '\n'.join(text(s, name))
    if P['covered']:
        P['derived'].append(names(P['covered']))
    # Resume must take the device back from whatever the peer left.
    if P['quiesce'] == 'pm':
        P['todo'].append(
            'system sleep gives what a transfer does not: check quiesce and '
            'resume without it (frozen user space, children and clients '
            'suspended first, the noirq phase, and a resume that finds what '
            'suspend left, not what a peer did)')
        if re.search(r'\b(device_may_wakeup|enable_irq_wake|'
                     r'console_suspend_enabled|uart_suspend_port)\b', src):
            P['todo'].append('suspend does less with wakeup enabled or a '
                             'console kept on: quiesce must stop the device '
                             'anyway')
        if s['late_pm']:
            P['todo'].append('late or noirq sleep callbacks not called (%s)'
                             % names(s['late_pm']))
    elif P['quiesce'] == 'irq' and WRITES.search(src):
        P['todo'].append('resume only turns interrupts on: reprogram what '
                         'probe programmed, the peer may have changed any '
                         'register')
    if not P['field']:
        P['todo'].append('shared device kept in a local variable of probe: '
                         'keep it where the driver\'s paths can reach it, '
                         'no gate is possible otherwise')


def plan_file(s, name):
    """Decide the whole conversion; returns the plan or a reason not to."""
    P = {'todo': [], 'derived': []}
    if len(s['drivers']) != 1:
        return None, ('no platform driver' if not s['drivers']
                      else 'several platform drivers in one file')
    d, prb = s['drivers'][0]
    if s['probe'] != prb:
        return None, 'probe not defined in the file as int f(struct platform_device *)'
    P['prb'] = prb
    P['pdev'] = s['pdev']
    if not re.search(r'^#\s*include\s*<linux/(%s)\.h>' % '|'.join(HEADERS),
                     '\n'.join(text(s, name)), re.M):
        return None, 'no <linux/...> header to put <linux/shdev.h> after'
    base = prb[:-len('_probe')] if prb.endswith('_probe') else None
    if not base:
        base = re.sub(r'_(platform_)?(driver|pdrv|drv)$', '', d)
    P['base'] = base

    # The private structure: what probe hands to platform_set_drvdata(),
    # else what it allocates, preferring a structure defined here.
    cands = []
    for v in s['drvdata']:
        if v in s['decls']:
            cands.append((s['decls'][v] in s['structs'] and 0 or 2, v))
    for v in s['allocs']:
        if v in s['decls']:
            cands.append((s['decls'][v] in s['structs'] and 1 or 3, v))
    cands = sorted(set((r, v) for r, v in cands),
                   key=lambda c: (c[0], s['assign'].get(c[1], [0])[0]))
    p = cands[0][1] if cands else None
    I = s['decls'].get(p) if p else None
    P['p'] = p
    P['I'] = I
    P['field'] = bool(p) and I in s['structs']
    start = min(s['assign'].get(p, [s['probe_line']])) if p else s['probe_line']
    if P['field']:
        P['sd'] = '%s->shdev' % p
        P['store'] = 'field'
    elif p:
        P['sd'] = 'shdev'
        P['store'] = 'local: private structure not defined in the file'
    else:
        P['sd'] = 'shdev'
        P['store'] = 'local: no private structure found'

    # Stacked devices registered by probe, directly or through a helper of
    # the file it calls.
    cons = [c for c in s['consumers'] if in_probe(s, c[1])]
    outside = [c for c in s['consumers'] if not in_probe(s, c[1])]
    called = []
    for c in outside:
        owner = c[2]
        if owner in s['helpers']:
            called += [(c[0], l, owner) for l in s['helpers'][owner]
                       if in_probe(s, l)]
    cons += called
    if len(called) < len(outside):
        P['todo'].append('a stacked device is registered outside probe')
    first = min([c[1] for c in cons], default=1 << 30)

    # Where the registration goes: the latest place with a known error
    # path, after the private structure is set and before the first stacked
    # device.
    opts = []
    keys = collections.Counter(k for k, l in set(
        (c['key'], c['call']) for c in s['cands'] + s['tails']))
    for c in s['cands']:
        if not top_level(s, name, c['call']) or keys[c['key']] > 1:
            continue
        # The error variable of a goto must be an int of probe, not a
        # message.
        if c['err'][0] == 'goto' and c['err'][1] not in s['ints']:
            continue
        if c['fn'].startswith('devm_') and start <= c['call'] and \
                c['if'] < first:
            opts.append((c['if'] + 0.5, dict(c, kind='after', line=c['if'])))
        if start < c['call'] <= first:
            opts.append((c['call'] - 0.5, dict(c, kind='before',
                                               line=c['call'])))
    for c in s['tails']:
        if top_level(s, name, c['call']) and start < c['call'] <= first and \
                keys[c['key']] == 1:
            opts.append((c['call'] - 0.5, dict(c, kind='before',
                                               line=c['call'])))
    if not opts:
        return None, ('no place with a known error path for the registration'
                      if first == 1 << 30 else
                      'no place with a known error path before the first '
                      'stacked device')
    A = max(opts, key=lambda o: o[0])[1]
    P['anchor'] = '%s %s' % (A['kind'], A['fn'])
    P['A'] = A
    P['reg_line'] = A['line']
    err = A['err']
    sd = P['sd']
    if err[0] == 'return':
        chk = 'if (IS_ERR(%s))\n\treturn PTR_ERR(%s);' % (sd, sd)
    else:
        chk = 'if (IS_ERR(%s)) {\n\t%s = PTR_ERR(%s);\n\tgoto %s;\n}' % (
            sd, err[1], sd, err[2])
    P['reg'] = '%s = devm_shdev_register(%s, &%s_shdev_ops, %s);' % (
        sd, s['pdev'], base, p if p else 'NULL')
    P['chk'] = chk

    # DRM: attach right before drm_dev_register(), after the registration.
    P['drm'] = None
    if s['drm']:
        dp, dI, dM, dl = s['drm']
        regs = [c for c in cons if c[0] == 'drm_dev_register']
        if dp != p:
            P['todo'].append('DRM device not in the private structure')
        elif not regs or regs[0][1] < P['reg_line'] or not \
                [b for b in s['cands'] + s['tails'] if b['call'] == regs[0][1]]:
            P['todo'].append('DRM device not attached (not registered in probe)')
        else:
            b = [b for b in s['cands'] + s['tails'] if b['call'] == regs[0][1]][0]
            b = dict(b, line=b['call'])
            ev = b.get('ivar') or (b['err'][1] if b['err'][0] == 'goto' else None)
            if not ev:
                P['todo'].append('DRM device not attached (no error variable)')
            else:
                att = '%s = devm_shdev_attach_drm(%s, &%s->%s);' % (
                    ev, sd, p, dM)
                if b['err'][0] == 'return':
                    achk = 'if (%s)\n\treturn %s;' % (ev, ev)
                else:
                    achk = 'if (%s)\n\tgoto %s;' % (ev, b['err'][2])
                P['drm'] = (b, att, achk)
                P['derived'].append('DRM device attached')
                P['todo'].append('DRM commit tail: call shdev_drm_commit_tail()')
                # Open files keep the DRM device after the unbind frees
                # the shared device: remove must unplug it.
                if not [t for t in text(s, name) if 'drm_dev_unplug(' in t]:
                    P['todo'].append('remove: drm_dev_unplug(), not drm_dev_unregister()')

    # Input devices from input_allocate_device() need the platform device as
    # parent to be found below it.
    P['orphans'] = [i for i in s['inputs'] if i not in s['parents']]
    if P['orphans']:
        P['derived'].append('input device parent set')

    # Interrupts requested by probe.
    irqs = [q for q in s['irqs'] if in_probe(s, q['line'])]
    P['gate'] = []
    P['noautoen'] = []
    for q in irqs:
        q['top'] = top_level(s, name, q['line'])
        q['shared'] = 'IRQF_SHARED' in q['flags']
    ungated = []
    gated = set()
    for q in irqs:
        ok = P['field'] and q['id'] == p and q['handlers'] and \
            len(gated | set(q['handlers'])) <= LIMIT
        if ok and q['line'] < P['reg_line']:
            # Requested before the shared device exists: keep the line off
            # until it does.
            if 'IRQF_NO_AUTOEN' in q['flags'] or q['shared'] or \
                    not q['top'] or q['irq'] in [n['irq'] for n in
                                                 P['noautoen']]:
                ok = False
            elif not (q['irq'].startswith(p + '->') or
                      re.match(r'^\w+$', q['irq'])):
                ok = False
            elif re.match(r'^\w+$', q['irq']) and \
                    [l for l in s['assign'].get(q['irq'], [])
                     if q['line'] < l <= P['reg_line']]:
                ok = False
            elif len(P['noautoen']) >= LIMIT:
                ok = False
            else:
                P['noautoen'].append(q)
        if ok:
            P['gate'].append(q)
            gated |= set(q['handlers'])
        else:
            ungated += [h.lstrip('& ') + (' IRQF_NO_AUTOEN'
                                          if 'IRQF_NO_AUTOEN' in q['flags']
                                          else '')
                        for h in (q['h'], q['t']) if h != 'NULL']
    if ungated:
        P['todo'].append('interrupt handlers not gated (%s)' % names(ungated))
    elsewhere = [q for q in s['irqs'] if not in_probe(s, q['line'])]
    if elsewhere:
        P['todo'].append('interrupts requested outside probe, not gated (%s)'
                         % names(h.lstrip('& ') for q in elsewhere
                                 for h in (q['h'], q['t']) if h != 'NULL'))
    P['gated'] = sorted(gated)
    P['enables'] = [q['irq'] for q in P['noautoen']]

    # quiesce and resume.
    # Also those requested after the registration, which devres frees first
    # at unbind: a reclaim there enables a freed line (its next request
    # sets it up again), which is better than a line left on while away.
    mine = [q for q in irqs if q['top'] and not q['shared'] and p and
            q['irq'].startswith(p + '->')]
    P['qirqs'] = sorted(set(q['irq'] for q in mine))
    if len(P['qirqs']) > LIMIT:
        P['qirqs'] = []
        many = 'more than %d interrupts' % LIMIT
    else:
        many = None
    P['works'] = []
    hw_paths(s, name, P)
    pm, why = find_pm(s, name)
    if pm is None and s['legacy_pm'] and why == 'no system sleep callbacks':
        sus, res = s['legacy_pm']
        if sus in s['fns'] and res in s['fns'] and \
                not under_if(s, name, s['fns'][sus]):
            pm = s['legacy_pm']
            P['legacy'] = True
    if pm:
        P['quiesce'] = 'pm'
        P['pm'] = pm
        P['derived'].append('quiesce from system sleep' +
                            (' (through dev_pm_ops)' if pm == 'dynamic'
                             else ''))
        if not p:
            P['qirqs'] = []
        if P['qirqs']:
            P['derived'].append('interrupts off')
        elif many:
            P['todo'].append('interrupts left on: ' + many)
    else:
        src = '\n'.join(text(s, name))
        blocked = [w for r, w in BLOCKERS if re.search(r, src)]
        allworks = len(re.findall(r'\b(?:INIT_WORK|devm_work_autocancel)\s*\(',
                                  src))
        works = sorted(f for v, f in s['works'] if v == p)
        nworks = sum(len(l) for (v, f), l in s['works'].items() if v == p)
        if nworks < allworks:
            blocked.append('work items outside the private structure')
        # Interrupts off would strand a transfer in flight that waits for
        # one: callers must be stopped and drained first.
        if P['callbacks']:
            blocked.append('callbacks of other subsystems')
        if s['late_pm']:
            blocked.append('late or noirq sleep callbacks')
        if len(works) > LIMIT:
            blocked.append('more than %d work items' % LIMIT)
        if not P['qirqs']:
            P['quiesce'] = 'skeleton'
            if many:
                what = many
            elif not s['irqs']:
                what = 'no interrupt'
            elif [q for q in irqs if q['shared']] and \
                    not [q for q in irqs if not q['shared']]:
                what = 'only shared interrupts'
            else:
                what = 'interrupts not kept in the private structure'
            P['todo'].append('quiesce: %s, %s' % (why, what))
        elif blocked:
            P['quiesce'] = 'skeleton'
            P['todo'].append('quiesce: ' + why + ', and ' + ', '.join(blocked))
        else:
            P['quiesce'] = 'irq'
            P['works'] = works
            P['derived'].append('quiesce from interrupts' +
                                (' and works' if works else ''))
    if P['quiesce'] == 'skeleton':
        P['qirqs'] = []

    # Callbacks go before probe, unless the sleep callbacks come after it:
    # then before the platform_driver, with the ops declared before probe.
    P['late'] = bool(pm) and pm != 'dynamic' and \
        max(s['fns'][pm[0]], s['fns'][pm[1]]) > s['probe_line']
    quiesce_todo(s, name, P)
    return P, None

def plan(pos):
    s = st(pos)
    name = pos[0].file
    if s['plan'] is None:
        P, why = plan_file(s, name)
        s['plan'] = P if P else {'reject': why}
    return s['plan']

def planned(pos):
    P = plan(pos)
    return P if 'reject' not in P else None

def is_anchor(pos, kind, form):
    P = planned(pos)
    return bool(P) and P['A']['kind'] == kind and \
        P['A']['form'] == form and P['A']['line'] == line(pos)

def anchor_after(pos):
    return is_anchor(pos, 'after', 'assign')

def anchor_after_cond(pos):
    return is_anchor(pos, 'after', 'cond')

def anchor_before(pos):
    return is_anchor(pos, 'before', 'assign')

def anchor_before_cond(pos):
    return is_anchor(pos, 'before', 'cond')

def anchor_tail(pos):
    return is_anchor(pos, 'before', 'tail')

# The file being converted: set once its probe is found.
cur = None

def P_():
    return files[cur]['plan'] if cur and files[cur]['plan'] and \
        'reject' not in files[cur]['plan'] else None

def cond(what):
    """Conditions of the rules below, on the plan of the current file."""
    P = P_()
    if not P:
        return False
    return {
        'ok': True,
        'field': P['field'],
        'local': not P['field'],
        'late': P['late'],
        'early': not P['late'],
        'pm_only': P['quiesce'] == 'pm' and not P['qirqs'] and
        P['pm'] != 'dynamic',
        'pm_irq': P['quiesce'] == 'pm' and bool(P['qirqs']) and
        P['pm'] != 'dynamic',
        'dyn_only': P['quiesce'] == 'pm' and not P['qirqs'] and
        P['pm'] == 'dynamic',
        'dyn_irq': P['quiesce'] == 'pm' and bool(P['qirqs']) and
        P['pm'] == 'dynamic',
        'irq': P['quiesce'] == 'irq',
        'skel': P['quiesce'] == 'skeleton',
        'drm': bool(P['drm']),
        'late_irq': P['quiesce'] == 'irq' and P['late'],
    }[what]

def drm_register(pos):
    P = P_()
    return bool(P) and bool(P['drm']) and P['drm'][0]['line'] == line(pos)

def noautoen(pos):
    return req(pos, 'noautoen')

def gate(pos):
    return req(pos, 'gate')

# The lists the conversion unrolls into one rule per item, and the most
# items each may have.
LIMIT = 4
LISTS = {'qirq': 'qirqs', 'work': 'works', 'en': 'enables', 'wrap': 'gated'}

def has_item(kind, k):
    P = P_()
    if not P:
        return False
    if kind == 'work' and P['quiesce'] != 'irq':
        return False
    return len(P[LISTS[kind]]) > k

for _n in LISTS:
    for _k in range(LIMIT):
        globals()['is_%s%d' % (_n, _k)] = \
            (lambda n, k: lambda: has_item(n, k))(_n, _k)

# One function per condition, for the constraints below.
for _c in ('ok', 'field', 'local', 'late', 'early', 'pm_only', 'pm_irq',
           'dyn_only', 'dyn_irq', 'irq', 'skel', 'drm'):
    globals()['is_' + _c] = (lambda c: lambda: cond(c))(_c)

def req(pos, key):
    """Whether the interrupt request at pos is in the plan's list key."""
    P = P_()
    return bool(P) and line(pos) in [q['line'] for q in P[key]]

def orphan(pos, e):
    P = P_()
    return bool(P) and clean(e) in P['orphans']

def gated(h):
    P = P_()
    return bool(P) and h in P['gated']

// ---------------------------------------------------------------------
// What the file holds.

@drv depends on convert@
identifier d, prb;
position p;
@@

struct platform_driver d@p = { ..., .probe = prb, ... };

@script:python@
d << drv.d;
prb << drv.prb;
p << drv.p;
@@
s = st(p)
s['drivers'].append((d, prb))
s['drv_line'] = line(p)

@legacy depends on drv@
identifier drv.d, sus, res;
position p;
@@

struct platform_driver d@p = { ..., .suspend = sus, .resume = res, ... };

@script:python@
sus << legacy.sus;
res << legacy.res;
p << legacy.p;
@@
st(p)['legacy_pm'] = (sus, res)

@fns depends on drv@
identifier fn;
position p;
@@

fn@p(...) { ... }

@script:python@
fn << fns.fn;
p << fns.p;
@@
st(p)['fns'][fn] = line(p)

@probefn depends on drv@
identifier drv.prb, pdev;
position p;
@@

int prb@p(struct platform_device *pdev) { ... }

@script:python@
prb << drv.prb;
pdev << probefn.pdev;
p << probefn.p;
@@
s = st(p)
cur = p[0].file
s['probe'] = prb
s['pdev'] = pdev
s['probe_line'] = line(p)
s['probe_end'] = func_end(s, p[0].file, line(p))

@structs depends on probefn@
identifier I;
position p;
@@

struct I@p { ... };

@script:python@
I << structs.I;
p << structs.p;
@@
st(p)['structs'].add(I)

@decls depends on probefn@
identifier I, v;
position p;
expression E;
@@

(
struct I *v@p;
|
struct I *v@p = E;
)

@script:python@
I << decls.I;
v << decls.v;
p << decls.p;
@@
s = st(p)
if in_probe(s, line(p)):
    s['decls'][v] = I

@ints depends on probefn@
identifier v;
position p;
expression E;
@@

(
int v@p;
|
int v@p = E;
)

@script:python@
v << ints.v;
p << ints.p;
@@
s = st(p)
if in_probe(s, line(p)):
    s['ints'].add(v)

@drvdata depends on probefn@
identifier probefn.pdev, v;
expression edev;
position p;
@@

(
platform_set_drvdata@p(pdev, v)
|
dev_set_drvdata@p(edev, v)
)

@script:python@
v << drvdata.v;
p << drvdata.p;
@@
s = st(p)
if in_probe(s, line(p)):
    s['drvdata'].append(v)

@allocs depends on probefn@
identifier v, I;
identifier getter =~ "(_get_devdata|_priv|_get_drvdata)$";
expression list es;
position p;
@@

(
v@p = \(devm_kzalloc\|devm_kmalloc\|kzalloc\|kmalloc\)(es, \(sizeof(*v)\|sizeof(struct I)\), ...);
|
v@p = \(devm_kzalloc\|devm_kmalloc\|kzalloc\|kmalloc\)(es, struct_size(v, ...), ...);
|
v@p = getter(...);
)

@script:python@
v << allocs.v;
p << allocs.p;
@@
s = st(p)
if in_probe(s, line(p)):
    s['allocs'].append(v)

@assigns depends on probefn@
identifier v;
expression E;
position p;
@@

v@p = E

@script:python@
v << assigns.v;
p << assigns.p;
@@
s = st(p)
if in_probe(s, line(p)):
    s['assign'].setdefault(v, []).append(line(p))

@drm depends on probefn@
identifier v, I, M;
expression E1, E2;
position p;
@@

v = devm_drm_dev_alloc@p(E1, E2, struct I, M);

@script:python@
v << drm.v;
I << drm.I;
M << drm.M;
p << drm.p;
@@
s = st(p)
if in_probe(s, line(p)):
    s['drm'] = (v, I, M, line(p))

// Stacked devices: where they are registered, and which functions of the
// file register them.
@cons depends on probefn@
identifier fn = {input_register_device, drm_dev_register};
identifier owner;
position p;
@@

owner(...) {
<...
fn@p(...)
...>
}

@script:python@
fn << cons.fn;
owner << cons.owner;
p << cons.p;
@@
st(p)['consumers'].append((fn, line(p), owner))

@helpers depends on cons@
identifier cons.owner;
position p;
@@

owner@p(...)

@script:python@
owner << cons.owner;
p << helpers.p;
@@
s = st(p)
l = line(p)
if l != s['fns'].get(owner):
    s['helpers'].setdefault(owner, []).append(l)

// Places with a known error path: each checked step of probe.  Code put
// just before a step may fail the way the step fails; code put just after
// a devm_ step too, since devres releases the step itself.  Each error path
// is one of: return R; or goto L with the error in a variable.  Messages
// are not copied, they speak of the step.
@cand_ret depends on probefn@
identifier fn;
expression list es;
identifier log : script:python() { is_log(log) };
expression E, R;
position p0, p;
@@

E = fn@p0(es);
(
if@p (\(E\|!E\|IS_ERR(E)\|E < 0\|IS_ERR_OR_NULL(E)\|E == NULL\)) return R;
|
if@p (\(E\|!E\|IS_ERR(E)\|E < 0\|IS_ERR_OR_NULL(E)\|E == NULL\)) {
	log(...);
	return R;
}
)

@script:python@
fn << cand_ret.fn;
es << cand_ret.es;
E << cand_ret.E;
p0 << cand_ret.p0;
p << cand_ret.p;
@@
cand(p0, p, fn, E, es, ('return',))

@cand_goto depends on probefn@
identifier fn, L, ret;
expression list es;
identifier log : script:python() { is_log(log) };
expression E, R;
position p0, p;
@@

E = fn@p0(es);
(
if@p (\(E\|!E\|IS_ERR(E)\|E < 0\|IS_ERR_OR_NULL(E)\|E == NULL\)) {
	ret = R;
	goto L;
}
|
if@p (\(E\|!E\|IS_ERR(E)\|E < 0\|IS_ERR_OR_NULL(E)\|E == NULL\)) {
	log(...);
	ret = R;
	goto L;
}
|
if@p (\(E\|!E\|IS_ERR(E)\|E < 0\|IS_ERR_OR_NULL(E)\|E == NULL\)) {
	ret = R;
	log(...);
	goto L;
}
)

@script:python@
fn << cand_goto.fn;
es << cand_goto.es;
E << cand_goto.E;
ret << cand_goto.ret;
L << cand_goto.L;
p0 << cand_goto.p0;
p << cand_goto.p;
@@
cand(p0, p, fn, E, es, ('goto', ret, L))

@cand_goto_int depends on probefn@
identifier fn, L, ret;
expression list es;
identifier log : script:python() { is_log(log) };
position p0, p;
@@

ret = fn@p0(es);
(
if@p (\(ret\|ret < 0\)) goto L;
|
if@p (\(ret\|ret < 0\)) {
	log(...);
	goto L;
}
)

@script:python@
fn << cand_goto_int.fn;
es << cand_goto_int.es;
ret << cand_goto_int.ret;
L << cand_goto_int.L;
p0 << cand_goto_int.p0;
p << cand_goto_int.p;
@@
cand(p0, p, fn, ret, es, ('goto', ret, L))

@cand_cond depends on probefn@
identifier fn;
identifier log : script:python() { is_log(log) };
expression list es;
expression R;
position p0, p;
@@

(
if@p (\(fn@p0(es)\|!fn@p0(es)\|fn@p0(es) < 0\)) return R;
|
if@p (\(fn@p0(es)\|!fn@p0(es)\|fn@p0(es) < 0\)) {
	log(...);
	return R;
}
)

@script:python@
fn << cand_cond.fn;
es << cand_cond.es;
p0 << cand_cond.p0;
p << cand_cond.p;
@@
cand(p0, p, fn, '', es, ('return',))

// The step probe ends with, return f(...): its failure is returned as is.
@cand_tail depends on probefn@
identifier fn;
expression list es;
position p;
@@

return fn@p(es);

@script:python@
fn << cand_tail.fn;
es << cand_tail.es;
p << cand_tail.p;
@@
tail(p, fn, es)

// Interrupts: number, handlers, flags and cookie of each request.
@irqs depends on probefn@
expression edev, irq, h, t, flags, name, id;
position p;
@@

(
devm_request_irq@p(edev, irq, h, flags, name, id)
|
request_irq@p(irq, h, flags, name, id)
|
devm_request_threaded_irq@p(edev, irq, h, t, flags, name, id)
|
request_threaded_irq@p(irq, h, t, flags, name, id)
)

@script:python@
irq << irqs.irq;
h << irqs.h;
t << irqs.t = "NULL";
flags << irqs.flags;
id << irqs.id;
p << irqs.p;
@@
s = st(p)
hs = [x for x in (str(h), str(t)) if x in s['fns']]
bad = [x for x in (str(h), str(t)) if x != 'NULL' and x not in s['fns']]
s['irqs'].append({'line': line(p), 'irq': clean(irq), 'flags': clean(flags),
                  'id': clean(id), 'handlers': [] if bad else hs,
                  'h': str(h), 't': str(t)})


@works depends on probefn@
identifier v, F;
expression fn, edev;
position p;
@@

(
INIT_WORK@p(&v->F, fn)
|
devm_work_autocancel@p(edev, &v->F, fn)
)

@script:python@
v << works.v;
F << works.F;
p << works.p;
@@
st(p)['works'].setdefault((v, F), []).append(line(p))

@inalloc depends on probefn@
expression inp;
position p;
@@

inp = input_allocate_device@p();

@script:python@
inp << inalloc.inp;
p << inalloc.p;
@@
s = st(p)
if in_probe(s, line(p)):
    s['inputs'].append(clean(inp))

@inparent depends on probefn@
expression inp, E;
position p;
@@

inp@p->dev.parent = E

@script:python@
inp << inparent.inp;
p << inparent.p;
@@
st(p)['parents'].add(clean(inp))

// ---------------------------------------------------------------------
// The plan: names and statements the conversion adds.  (A script rule
// that dropped its match would drop it for every later rule too, so the
// conditions are rules that match probe under a condition.)

@script:python ok depends on probefn@
p << probefn.p;
OPS;
Q;
R;
PV;
SI;
SDE;
REG;
CHK;
SUS;
RES;
ATT;
ACHK;
QI0;
WK0;
EN0;
GH0;
GW0;
QI1;
WK1;
EN1;
GH1;
GW1;
QI2;
WK2;
EN2;
GH2;
GW2;
QI3;
WK3;
EN3;
GH3;
GW3;
@@
P = planned(p) or {}
base = P.get('base', 'shdev')
coccinelle.OPS = cocci.make_ident(base + '_shdev_ops')
coccinelle.Q = cocci.make_ident(base + '_shdev_quiesce')
coccinelle.R = cocci.make_ident(base + '_shdev_resume')
# The private structure, in the functions the conversion adds, by the name
# probe gives it unless that is a name those functions use.
pv = P.get('p') or 'priv'
if pv in ('sd', 'data', 'irq', 'ret', 'idx', 'pm'):
    pv = 'priv'
coccinelle.PV = cocci.make_ident(pv)
coccinelle.SI = cocci.make_ident(P.get('I') or 'shdev')
coccinelle.SDE = cocci.make_expr(P.get('sd', 'shdev'))
coccinelle.REG = cocci.make_stmt(P.get('reg', ';'))
coccinelle.CHK = cocci.make_stmt(P.get('chk', ';'))
sus, res = P.get('pm') if P.get('pm', 'dynamic') != 'dynamic' else \
    ('shdev', 'shdev')
if P.get('legacy'):
    coccinelle.SUS = cocci.make_expr(
        '%s(to_platform_device(shdev_dev(sd)), PMSG_SUSPEND)' % sus)
    coccinelle.RES = cocci.make_expr(
        '%s(to_platform_device(shdev_dev(sd)))' % res)
else:
    coccinelle.SUS = cocci.make_expr('%s(shdev_dev(sd))' % sus)
    coccinelle.RES = cocci.make_expr('%s(shdev_dev(sd))' % res)
drm = P.get('drm') or (None, ';', ';')
coccinelle.ATT = cocci.make_stmt(drm[1])
coccinelle.ACHK = cocci.make_stmt(drm[2])
for k in range(LIMIT):
    qi, wk, en, gh = [(P.get(key) or [])[k:k + 1] for key in
                      ('qirqs', 'works', 'enables', 'gated')]
    qi = [pv + q[len(P['p']):] for q in qi]
    setattr(coccinelle, 'QI%d' % k, cocci.make_expr((qi or ['0'])[0]))
    setattr(coccinelle, 'WK%d' % k, cocci.make_ident((wk or ['shdev'])[0]))
    setattr(coccinelle, 'EN%d' % k, cocci.make_expr((en or ['0'])[0]))
    setattr(coccinelle, 'GH%d' % k, cocci.make_ident((gh or ['shdev'])[0]))
    setattr(coccinelle, 'GW%d' % k,
            cocci.make_ident((gh or ['shdev'])[0] + '_shdev'))

@c_ok depends on ok@
identifier drv.prb : script:python() { is_ok() };
@@
int prb(...) { ... }

@c_field depends on ok@
identifier drv.prb : script:python() { is_field() };
@@
int prb(...) { ... }

@c_local depends on ok@
identifier drv.prb : script:python() { is_local() };
@@
int prb(...) { ... }

@c_late depends on ok@
identifier drv.prb : script:python() { is_late() };
@@
int prb(...) { ... }

@c_early depends on ok@
identifier drv.prb : script:python() { is_early() };
@@
int prb(...) { ... }

@c_pm_only depends on ok@
identifier drv.prb : script:python() { is_pm_only() };
@@
int prb(...) { ... }

@c_pm_irq depends on ok@
identifier drv.prb : script:python() { is_pm_irq() };
@@
int prb(...) { ... }

@c_dyn_only depends on ok@
identifier drv.prb : script:python() { is_dyn_only() };
@@
int prb(...) { ... }

@c_dyn_irq depends on ok@
identifier drv.prb : script:python() { is_dyn_irq() };
@@
int prb(...) { ... }

@c_irq depends on ok@
identifier drv.prb : script:python() { is_irq() };
@@
int prb(...) { ... }

@c_skel depends on ok@
identifier drv.prb : script:python() { is_skel() };
@@
int prb(...) { ... }

@c_drm depends on ok@
identifier drv.prb : script:python() { is_drm() };
@@
int prb(...) { ... }

@c_qirq0 depends on ok@
identifier drv.prb : script:python() { is_qirq0() };
@@
int prb(...) { ... }

@c_qirq1 depends on ok@
identifier drv.prb : script:python() { is_qirq1() };
@@
int prb(...) { ... }

@c_qirq2 depends on ok@
identifier drv.prb : script:python() { is_qirq2() };
@@
int prb(...) { ... }

@c_qirq3 depends on ok@
identifier drv.prb : script:python() { is_qirq3() };
@@
int prb(...) { ... }

@c_work0 depends on ok@
identifier drv.prb : script:python() { is_work0() };
@@
int prb(...) { ... }

@c_work1 depends on ok@
identifier drv.prb : script:python() { is_work1() };
@@
int prb(...) { ... }

@c_work2 depends on ok@
identifier drv.prb : script:python() { is_work2() };
@@
int prb(...) { ... }

@c_work3 depends on ok@
identifier drv.prb : script:python() { is_work3() };
@@
int prb(...) { ... }

@c_en0 depends on ok@
identifier drv.prb : script:python() { is_en0() };
@@
int prb(...) { ... }

@c_en1 depends on ok@
identifier drv.prb : script:python() { is_en1() };
@@
int prb(...) { ... }

@c_en2 depends on ok@
identifier drv.prb : script:python() { is_en2() };
@@
int prb(...) { ... }

@c_en3 depends on ok@
identifier drv.prb : script:python() { is_en3() };
@@
int prb(...) { ... }

@c_wrap0 depends on ok@
identifier drv.prb : script:python() { is_wrap0() };
@@
int prb(...) { ... }

@c_wrap1 depends on ok@
identifier drv.prb : script:python() { is_wrap1() };
@@
int prb(...) { ... }

@c_wrap2 depends on ok@
identifier drv.prb : script:python() { is_wrap2() };
@@
int prb(...) { ... }

@c_wrap3 depends on ok@
identifier drv.prb : script:python() { is_wrap3() };
@@
int prb(...) { ... }

// ---------------------------------------------------------------------
// What the conversion acts on, picked while the file is still as it was
// read: a rule that changes the file shifts the lines of what follows, and
// positions cannot be inherited over a change.

@sel_after depends on c_ok@
identifier fn;
expression E, C;
expression list es;
statement S;
position p : script:python() { anchor_after(p) };
@@

E = fn(es);
if@p (C) S

@sel_before depends on c_ok@
identifier fn;
expression E;
expression list es;
position p : script:python() { anchor_before(p) };
@@

E = fn@p(es);

@sel_tail depends on c_ok@
identifier fn;
expression list es;
position p : script:python() { anchor_tail(p) };
@@

return fn@p(es);

@sel_after_cond depends on c_ok@
expression C;
statement S;
position p : script:python() { anchor_after_cond(p) };
@@

if@p (C) S

@sel_before_cond depends on c_ok@
expression C;
statement S;
position p : script:python() { anchor_before_cond(p) };
@@

if (C@p) S

@sel_drm depends on c_drm@
expression E;
expression list es;
position p : script:python() { drm_register(p) };
@@

E = drm_dev_register@p(es);

// Input devices without a parent.
@sel_in depends on c_ok@
expression inp;
position p : script:python(inp) { orphan(p, inp) };
@@

inp = input_allocate_device@p();

// Requests made before the registration, to keep off until it is done.
@sel_na depends on c_ok@
expression edev, E, h, t, flags, name, id;
position p : script:python() { noautoen(p) };
@@

(
devm_request_irq@p(edev, E, h, flags, name, id)
|
request_irq@p(E, h, flags, name, id)
|
devm_request_threaded_irq@p(edev, E, h, t, flags, name, id)
|
request_threaded_irq@p(E, h, t, flags, name, id)
)

@script:python na depends on sel_na@
flags << sel_na.flags;
NF;
@@
f = clean(flags)
coccinelle.NF = cocci.make_expr('IRQF_NO_AUTOEN' if f == '0' else
                                '%s | IRQF_NO_AUTOEN' % f)

// Requests whose handlers run inside the gate.
@sel_gate depends on c_ok@
expression edev, E, t, flags, name, id;
identifier H : script:python() { gated(H) };
position p : script:python() { gate(p) };
@@

(
devm_request_irq@p(edev, E, H, flags, name, id)
|
request_irq@p(E, H, flags, name, id)
|
devm_request_threaded_irq@p(edev, E, H, t, flags, name, id)
|
request_threaded_irq@p(E, H, t, flags, name, id)
)

@sel_gate_thread depends on c_ok@
expression edev, E, h, flags, name, id;
identifier H : script:python() { gated(H) };
position p : script:python() { gate(p) };
@@

(
devm_request_threaded_irq@p(edev, E, h, H, flags, name, id)
|
request_threaded_irq@p(E, h, H, flags, name, id)
)

// ---------------------------------------------------------------------
// Registration in probe, first: its rules re-find their places by what
// the selection above bound.

@depends on sel_after@
identifier drv.prb, sel_after.fn;
expression sel_after.E, sel_after.C;
expression list sel_after.es;
statement sel_after.S;
statement ok.REG, ok.CHK;
@@

 int prb(...)
 {
 <...
 E = fn(es);
 if (C) S
+REG
+CHK
 ...>
 }

@depends on sel_before@
identifier drv.prb, sel_before.fn;
expression sel_before.E;
expression list sel_before.es;
statement ok.REG, ok.CHK;
@@

 int prb(...)
 {
 <...
+REG
+CHK
 E = fn(es);
 ...>
 }

@depends on sel_tail@
identifier drv.prb, sel_tail.fn;
expression list sel_tail.es;
statement ok.REG, ok.CHK;
@@

 int prb(...)
 {
 <...
+REG
+CHK
 return fn(es);
 ...>
 }

@depends on sel_after_cond@
identifier drv.prb;
expression sel_after_cond.C;
statement sel_after_cond.S;
statement ok.REG, ok.CHK;
@@

 int prb(...)
 {
 <...
 if (C) S
+REG
+CHK
 ...>
 }

@depends on sel_before_cond@
identifier drv.prb;
expression sel_before_cond.C;
statement sel_before_cond.S;
statement ok.REG, ok.CHK;
@@

 int prb(...)
 {
 <...
+REG
+CHK
 if (C) S
 ...>
 }

// Interrupts requested before it stay off until the gate exists.
@depends on na@
identifier drv.prb;
expression sel_na.edev, sel_na.E, sel_na.flags;
expression sel_na.name, sel_na.id, na.NF;
expression h, t;
@@

 int prb(...)
 {
 <...
(
 devm_request_irq(edev, E, h,
-	flags
+	NF
 , name, id)
|
 request_irq(E, h,
-	flags
+	NF
 , name, id)
|
 devm_request_threaded_irq(edev, E, h, t,
-	flags
+	NF
 , name, id)
|
 request_threaded_irq(E, h, t,
-	flags
+	NF
 , name, id)
)
 ...>
 }

// Each interrupt enabled once the shared device exists (the lists below
// are unrolled: a rule adding the same line twice at one place would
// need ++, which checkpatch takes for a file header in a patch).
@depends on c_en0@
identifier drv.prb;
expression ok.SDE, ok.EN0;
statement S;
@@

 int prb(...)
 {
 <...
 if (IS_ERR(SDE)) S
+enable_irq(EN0);
 ...>
 }

@depends on c_en1@
identifier drv.prb;
expression ok.SDE, ok.EN1;
statement S;
@@

 int prb(...)
 {
 <...
 if (IS_ERR(SDE)) S
+enable_irq(EN1);
 ...>
 }

@depends on c_en2@
identifier drv.prb;
expression ok.SDE, ok.EN2;
statement S;
@@

 int prb(...)
 {
 <...
 if (IS_ERR(SDE)) S
+enable_irq(EN2);
 ...>
 }

@depends on c_en3@
identifier drv.prb;
expression ok.SDE, ok.EN3;
statement S;
@@

 int prb(...)
 {
 <...
 if (IS_ERR(SDE)) S
+enable_irq(EN3);
 ...>
 }

// An input device allocated without a parent gets the platform device.
@depends on sel_in@
identifier drv.prb, probefn.pdev;
expression sel_in.inp, E;
@@

 int prb(...)
 {
 <...
(
+inp->dev.parent = &pdev->dev;
 E = input_register_device(inp);
|
+inp->dev.parent = &pdev->dev;
 return input_register_device(inp);
)
 ...>
 }

// A DRM device is attached before it is registered.
@depends on sel_drm@
identifier drv.prb;
expression sel_drm.E;
expression list sel_drm.es;
statement ok.ATT, ok.ACHK;
@@

 int prb(...)
 {
 <...
+ATT
+ACHK
 E = drm_dev_register(es);
 ...>
 }

// Handlers run inside the gate, through a wrapper.
@depends on sel_gate@
identifier drv.prb;
expression sel_gate.edev, sel_gate.E;
identifier sel_gate.H;
fresh identifier HW = script:python(H) { H + "_shdev" };
@@

 int prb(...)
 {
 <...
(
 devm_request_irq(edev, E,
-	H
+	HW
 , ...)
|
 request_irq(E,
-	H
+	HW
 , ...)
|
 devm_request_threaded_irq(edev, E,
-	H
+	HW
 , ...)
|
 request_threaded_irq(E,
-	H
+	HW
 , ...)
)
 ...>
 }

@depends on sel_gate_thread@
identifier drv.prb;
expression sel_gate_thread.edev, sel_gate_thread.E, h;
identifier sel_gate_thread.H;
fresh identifier HW = script:python(H) { H + "_shdev" };
@@

 int prb(...)
 {
 <...
(
 devm_request_threaded_irq(edev, E, h,
-	H
+	HW
 , ...)
|
 request_threaded_irq(E, h,
-	H
+	HW
 , ...)
)
 ...>
 }

// The wrappers, before probe.
@depends on c_wrap0@
identifier drv.prb, ok.PV, ok.SI, ok.GH0, ok.GW0;
typedef irqreturn_t;
@@

+static irqreturn_t GW0(int irq, void *data)
+{
+	struct SI *PV = data;
+	irqreturn_t ret;
+	int idx;
+
+	if (!shdev_enter(PV->shdev, &idx))
+		return IRQ_NONE;
+	ret = GH0(irq, data);
+	shdev_exit(PV->shdev, idx);
+	return ret;
+}
+
 int prb(...) { ... }

@depends on c_wrap1@
identifier drv.prb, ok.PV, ok.SI, ok.GH1, ok.GW1;
typedef irqreturn_t;
@@

+static irqreturn_t GW1(int irq, void *data)
+{
+	struct SI *PV = data;
+	irqreturn_t ret;
+	int idx;
+
+	if (!shdev_enter(PV->shdev, &idx))
+		return IRQ_NONE;
+	ret = GH1(irq, data);
+	shdev_exit(PV->shdev, idx);
+	return ret;
+}
+
 int prb(...) { ... }

@depends on c_wrap2@
identifier drv.prb, ok.PV, ok.SI, ok.GH2, ok.GW2;
typedef irqreturn_t;
@@

+static irqreturn_t GW2(int irq, void *data)
+{
+	struct SI *PV = data;
+	irqreturn_t ret;
+	int idx;
+
+	if (!shdev_enter(PV->shdev, &idx))
+		return IRQ_NONE;
+	ret = GH2(irq, data);
+	shdev_exit(PV->shdev, idx);
+	return ret;
+}
+
 int prb(...) { ... }

@depends on c_wrap3@
identifier drv.prb, ok.PV, ok.SI, ok.GH3, ok.GW3;
typedef irqreturn_t;
@@

+static irqreturn_t GW3(int irq, void *data)
+{
+	struct SI *PV = data;
+	irqreturn_t ret;
+	int idx;
+
+	if (!shdev_enter(PV->shdev, &idx))
+		return IRQ_NONE;
+	ret = GH3(irq, data);
+	shdev_exit(PV->shdev, idx);
+	return ret;
+}
+
 int prb(...) { ... }

// ---------------------------------------------------------------------
// quiesce, resume and the ops table: before probe, or after the sleep
// callbacks (before the platform_driver), the table then declared before
// probe.

@depends on c_early@
identifier drv.prb, ok.OPS, ok.Q, ok.R;
@@

+static const struct shdev_ops OPS = {
+	.quiesce = Q,
+	.resume = R,
+};
+
 int prb(...) { ... }

@depends on c_late@
identifier drv.d, ok.OPS, ok.Q, ok.R;
@@

+static const struct shdev_ops OPS = {
+	.quiesce = Q,
+	.resume = R,
+};
+
 struct platform_driver d = { ... };

@depends on c_late@
identifier drv.prb, ok.OPS;
@@

+static const struct shdev_ops OPS;
+
 int prb(...) { ... }

@depends on c_ok@
identifier ok.OPS, ok.R;
@@

+static int R(struct shdev *sd)
+{
+	return 0;
+}
+
 struct shdev_ops OPS = { ... };

@depends on c_ok@
identifier ok.Q, ok.R;
@@

+static int Q(struct shdev *sd)
+{
+	return 0;
+}
+
 int R(...) { ... }

// Their bodies.
@depends on c_pm_only@
identifier ok.Q;
expression ok.SUS;
@@

 int Q(...)
 {
-	return 0;
+	return SUS;
 }

@depends on c_pm_only@
identifier ok.R;
expression ok.RES;
@@

 int R(...)
 {
-	return 0;
+	return RES;
 }

@depends on c_pm_irq@
identifier ok.Q, ok.PV, ok.SI;
expression ok.SUS;
@@

 int Q(...)
 {
+	struct SI *PV = shdev_get_drvdata(sd);
+	int ret;
+
+	ret = SUS;
+	if (ret)
+		return ret;
	return 0;
 }

@depends on c_pm_irq@
identifier ok.R, ok.PV, ok.SI;
expression ok.RES;
@@

 int R(...)
 {
+	struct SI *PV = shdev_get_drvdata(sd);
+	int ret;
+
+	ret = RES;
+	if (ret)
+		return ret;
	return 0;
 }

@depends on c_dyn_only@
identifier ok.Q;
@@

 int Q(...)
 {
+	const struct dev_pm_ops *pm = shdev_dev(sd)->driver->pm;
+
+	/* Sleep callbacks exist only with CONFIG_PM_SLEEP. */
+	if (!pm || !pm->suspend || !pm->resume)
+		return -EOPNOTSUPP;
-	return 0;
+	return pm->suspend(shdev_dev(sd));
 }

@depends on c_dyn_only@
identifier ok.R;
@@

 int R(...)
 {
+	const struct dev_pm_ops *pm = shdev_dev(sd)->driver->pm;
+
-	return 0;
+	return pm->resume(shdev_dev(sd));
 }

@depends on c_dyn_irq@
identifier ok.Q, ok.PV, ok.SI;
@@

 int Q(...)
 {
+	struct SI *PV = shdev_get_drvdata(sd);
+	const struct dev_pm_ops *pm = shdev_dev(sd)->driver->pm;
+	int ret;
+
+	/* Sleep callbacks exist only with CONFIG_PM_SLEEP. */
+	if (!pm || !pm->suspend || !pm->resume)
+		return -EOPNOTSUPP;
+	ret = pm->suspend(shdev_dev(sd));
+	if (ret)
+		return ret;
	return 0;
 }

@depends on c_dyn_irq@
identifier ok.R, ok.PV, ok.SI;
@@

 int R(...)
 {
+	struct SI *PV = shdev_get_drvdata(sd);
+	const struct dev_pm_ops *pm = shdev_dev(sd)->driver->pm;
+	int ret;
+
+	ret = pm->resume(shdev_dev(sd));
+	if (ret)
+		return ret;
	return 0;
 }

@depends on c_irq@
identifier ok.Q, ok.PV, ok.SI;
@@

 int Q(...)
 {
+	struct SI *PV = shdev_get_drvdata(sd);
+
	return 0;
 }

@depends on c_irq@
identifier ok.R, ok.PV, ok.SI;
@@

 int R(...)
 {
+	struct SI *PV = shdev_get_drvdata(sd);
+
	return 0;
 }

@depends on c_skel@
identifier ok.Q;
@@

 int Q(...)
 {
+	/*
+	 * shdev: TODO stop using the hardware (interrupts off, work
+	 * flushed, DMA stopped) and keep it powered.  Until then a
+	 * transfer is refused.
+	 */
-	return 0;
+	return -EOPNOTSUPP;
 }

@depends on c_skel@
identifier ok.R;
@@

 int R(...)
 {
+	/* shdev: TODO take the hardware back; the peer may have changed it. */
	return 0;
 }

// Interrupts off in quiesce and on again in resume; works cancelled.
@depends on c_qirq0@
identifier ok.Q, ok.R;
expression ok.QI0;
@@

 int Q(...)
 {
 ... when exists
+	disable_irq(QI0);
	return 0;
 }

@depends on c_qirq0@
identifier ok.R;
expression ok.QI0;
@@

 int R(...)
 {
 ... when exists
+	enable_irq(QI0);
	return 0;
 }

@depends on c_qirq1@
identifier ok.Q, ok.R;
expression ok.QI1;
@@

 int Q(...)
 {
 ... when exists
+	disable_irq(QI1);
	return 0;
 }

@depends on c_qirq1@
identifier ok.R;
expression ok.QI1;
@@

 int R(...)
 {
 ... when exists
+	enable_irq(QI1);
	return 0;
 }

@depends on c_qirq2@
identifier ok.Q, ok.R;
expression ok.QI2;
@@

 int Q(...)
 {
 ... when exists
+	disable_irq(QI2);
	return 0;
 }

@depends on c_qirq2@
identifier ok.R;
expression ok.QI2;
@@

 int R(...)
 {
 ... when exists
+	enable_irq(QI2);
	return 0;
 }

@depends on c_qirq3@
identifier ok.Q, ok.R;
expression ok.QI3;
@@

 int Q(...)
 {
 ... when exists
+	disable_irq(QI3);
	return 0;
 }

@depends on c_qirq3@
identifier ok.R;
expression ok.QI3;
@@

 int R(...)
 {
 ... when exists
+	enable_irq(QI3);
	return 0;
 }

@depends on c_work0@
identifier ok.Q, ok.PV, ok.WK0;
@@

 int Q(...)
 {
 ... when exists
+	cancel_work_sync(&PV->WK0);
	return 0;
 }

@depends on c_work1@
identifier ok.Q, ok.PV, ok.WK1;
@@

 int Q(...)
 {
 ... when exists
+	cancel_work_sync(&PV->WK1);
	return 0;
 }

@depends on c_work2@
identifier ok.Q, ok.PV, ok.WK2;
@@

 int Q(...)
 {
 ... when exists
+	cancel_work_sync(&PV->WK2);
	return 0;
 }

@depends on c_work3@
identifier ok.Q, ok.PV, ok.WK3;
@@

 int Q(...)
 {
 ... when exists
+	cancel_work_sync(&PV->WK3);
	return 0;
 }

// ---------------------------------------------------------------------
// The header, and where the shared device is kept.

// The header: after <linux/platform_device.h>, or else after one of a few
// other headers most drivers include.
@inc0 depends on c_ok@
@@

 #include <linux/platform_device.h>
+#include <linux/shdev.h>

@inc_done0 depends on inc0@
identifier drv.prb;
@@

int prb(...) { ... }

@inc1 depends on c_ok && !inc_done0@
@@

 #include <linux/module.h>
+#include <linux/shdev.h>

@inc_done1 depends on inc_done0 || inc1@
identifier drv.prb;
@@

int prb(...) { ... }

@inc2 depends on c_ok && !inc_done1@
@@

 #include <linux/of.h>
+#include <linux/shdev.h>

@inc_done2 depends on inc_done1 || inc2@
identifier drv.prb;
@@

int prb(...) { ... }

@inc3 depends on c_ok && !inc_done2@
@@

 #include <linux/of_device.h>
+#include <linux/shdev.h>

@inc_done3 depends on inc_done2 || inc3@
identifier drv.prb;
@@

int prb(...) { ... }

@inc4 depends on c_ok && !inc_done3@
@@

 #include <linux/of_platform.h>
+#include <linux/shdev.h>

@inc_done4 depends on inc_done3 || inc4@
identifier drv.prb;
@@

int prb(...) { ... }

@inc5 depends on c_ok && !inc_done4@
@@

 #include <linux/device.h>
+#include <linux/shdev.h>

@inc_done5 depends on inc_done4 || inc5@
identifier drv.prb;
@@

int prb(...) { ... }

@inc6 depends on c_ok && !inc_done5@
@@

 #include <linux/kernel.h>
+#include <linux/shdev.h>

@inc_done6 depends on inc_done5 || inc6@
identifier drv.prb;
@@

int prb(...) { ... }

@inc7 depends on c_ok && !inc_done6@
@@

 #include <linux/init.h>
+#include <linux/shdev.h>

@inc_done7 depends on inc_done6 || inc7@
identifier drv.prb;
@@

int prb(...) { ... }

@inc8 depends on c_ok && !inc_done7@
@@

 #include <linux/io.h>
+#include <linux/shdev.h>

@inc_done8 depends on inc_done7 || inc8@
identifier drv.prb;
@@

int prb(...) { ... }

@inc9 depends on c_ok && !inc_done8@
@@

 #include <linux/interrupt.h>
+#include <linux/shdev.h>

@inc_done9 depends on inc_done8 || inc9@
identifier drv.prb;
@@

int prb(...) { ... }

@inc10 depends on c_ok && !inc_done9@
@@

 #include <linux/slab.h>
+#include <linux/shdev.h>

// The API is in the SHDEV symbol namespace.  A driver that cannot be a
// module has no MODULE_LICENSE() and needs no import.
@depends on c_ok@
declarer name MODULE_LICENSE, MODULE_IMPORT_NS;
expression E;
@@

 MODULE_LICENSE(E);
+MODULE_IMPORT_NS(SHDEV);

// The shared device in the private structure, before a flexible array
// member if the structure ends with one.
@fam depends on c_field@
identifier ok.SI, x;
type T;
@@

 struct SI {
	...
+	struct shdev *shdev;
	T x[];
 };

@depends on c_field && !fam@
identifier ok.SI;
@@

 struct SI {
	...
+	struct shdev *shdev;
 };

@depends on c_local@
identifier drv.prb;
@@

 int prb(...)
 {
+	struct shdev *shdev;
	...
 }

// ---------------------------------------------------------------------
// One line per file: what was done, and what is left to do by hand.

@script:python depends on probefn@
p << probefn.p;
@@
P = plan(p)
if 'reject' in P:
    print('shdev_convert: %s: not converted: %s' % (p[0].file, P['reject']))
else:
    gated = len(P['gated'])
    print('shdev_convert: %s: converted: quiesce=%s; store=%s; anchor=%s; '
          'gated=%d; derived=%s; todo=%s' %
          (p[0].file, P['quiesce'], P['store'],
           P['anchor'], gated, ', '.join(P['derived']) or '-',
           ' | '.join(P['todo']) or '-'))

@script:python depends on drv && !probefn@
prb << drv.prb;
p << drv.p;
@@
s = st(p)
if len(s['drivers']) == 1 or prb == s['drivers'][-1][1]:
    print('shdev_convert: %s: not converted: probe %s not defined in the '
          'file as int %s(struct platform_device *)' % (p[0].file, prb, prb))

// Every file gets its line: an AMBA driver is refused with the reason, a
// file without a platform_driver that Coccinelle matches says so.
@amba depends on convert && !drv@
identifier d;
position p;
@@

struct amba_driver d@p = { ... };

@script:python depends on amba@
d << amba.d;
p << amba.p;
@@
s = st(p)
if not s.get('said'):
    s['said'] = True
    print('shdev_convert: %s: not converted: AMBA driver (struct '
          'amba_driver %s): devm_shdev_register() takes a platform device'
          % (p[0].file, d))

@script:python depends on convert && !drv && !amba@
@@
for f in cocci.files():
    print('shdev_convert: %s: not converted: no struct platform_driver '
          'with .probe that Coccinelle matches' % f)
