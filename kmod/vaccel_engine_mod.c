// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * vaccel_engine_mod.c - the shared engine as a kernel library module.
 *
 * The engine (engine/) is freestanding C: the same validate and execute
 * functions libaccel's in-process device calls are exported here for the
 * vaccel DRM driver. Callers must hold a kernel_fpu_begin() section around
 * vaccel_execute(); vaccel_validate() does no floating-point arithmetic
 * beyond comparisons of IEEE bit patterns and needs none.
 */
#include <linux/module.h>

#include "vaccel_engine.h"

EXPORT_SYMBOL_GPL(vaccel_validate);
EXPORT_SYMBOL_GPL(vaccel_execute);
EXPORT_SYMBOL_GPL(vaccel_opcode_name);
EXPORT_SYMBOL_GPL(vaccel_packet_isa_minor);
EXPORT_SYMBOL_GPL(vaccel_dtype_size);

MODULE_DESCRIPTION("vaccel command-buffer validator and executor");
MODULE_LICENSE("Dual MIT/GPL");
