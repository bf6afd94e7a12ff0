/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark's overlay, bench_units.dtso, linked in by kbuild's
 * .dtbo.o rule between these two symbols.
 */
#ifndef __SHDEV_BENCH_UNITS_H
#define __SHDEV_BENCH_UNITS_H

#include <linux/types.h>

extern u8 __dtbo_bench_units_begin[];
extern u8 __dtbo_bench_units_end[];

#endif /* __SHDEV_BENCH_UNITS_H */
