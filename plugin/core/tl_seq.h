/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_seq.h - wrap-safe TCP sequence number comparison (RFC 9293 §3.4: all
 * arithmetic is modulo 2^32). Core-private; no epan includes.
 */
#ifndef TCPLIFE_TL_SEQ_H
#define TCPLIFE_TL_SEQ_H

#include <stdbool.h>
#include <stdint.h>

static inline bool tl_seq_lt(uint32_t a, uint32_t b)  { return (int32_t)(a - b) < 0; }
static inline bool tl_seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool tl_seq_gt(uint32_t a, uint32_t b)  { return (int32_t)(a - b) > 0; }
static inline bool tl_seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

#endif /* TCPLIFE_TL_SEQ_H */
