/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of shdev transfers: one pair per transfer and one event per
 * step, each with its duration, so that ftrace and perf show where the
 * time of a release or a reclaim goes.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM shdev

#if !defined(_TRACE_SHDEV_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_SHDEV_H

#include <linux/device.h>
#include <linux/tracepoint.h>

TRACE_EVENT(shdev_transfer_start,
	    TP_PROTO(struct device *dev, const char *op, const char *peer),
	    TP_ARGS(dev, op, peer),
	    TP_STRUCT__entry(__string(dev, dev_name(dev))
			     __string(op, op)
			     __string(peer, peer)),
	    TP_fast_assign(__assign_str(dev);
			   __assign_str(op);
			   __assign_str(peer);),
	    TP_printk("dev=%s op=%s peer=%s", __get_str(dev), __get_str(op),
		      __get_str(peer))
);

TRACE_EVENT(shdev_step,
	    TP_PROTO(struct device *dev, const char *step, const char *half,
		     int ret, u64 ns),
	    TP_ARGS(dev, step, half, ret, ns),
	    TP_STRUCT__entry(__string(dev, dev_name(dev))
			     __string(step, step)
			     __string(half, half)
			     __field(int, ret)
			     __field(u64, ns)),
	    TP_fast_assign(__assign_str(dev);
			   __assign_str(step);
			   __assign_str(half);
			   __entry->ret = ret;
			   __entry->ns = ns;),
	    TP_printk("dev=%s step=%s half=%s ret=%d ns=%llu", __get_str(dev),
		      __get_str(step), __get_str(half), __entry->ret,
		      __entry->ns)
);

TRACE_EVENT(shdev_transfer_end,
	    TP_PROTO(struct device *dev, const char *op, int ret,
		     const char *state, u64 ns),
	    TP_ARGS(dev, op, ret, state, ns),
	    TP_STRUCT__entry(__string(dev, dev_name(dev))
			     __string(op, op)
			     __field(int, ret)
			     __string(state, state)
			     __field(u64, ns)),
	    TP_fast_assign(__assign_str(dev);
			   __assign_str(op);
			   __entry->ret = ret;
			   __assign_str(state);
			   __entry->ns = ns;),
	    TP_printk("dev=%s op=%s ret=%d state=%s ns=%llu", __get_str(dev),
		      __get_str(op), __entry->ret, __get_str(state),
		      __entry->ns)
);

#endif /* _TRACE_SHDEV_H */

#include <trace/define_trace.h>
