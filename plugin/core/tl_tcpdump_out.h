/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_tcpdump_out.h - what tl_tcpdump.c and tl_tcpdump_mptcp.c share: the
 * output buffer and its small formatter. Not part of the core's API.
 */
#ifndef TCPLIFE_TL_TCPDUMP_OUT_H
#define TCPLIFE_TL_TCPDUMP_OUT_H

#include "tl_internal.h"

typedef struct {
    char  *buf;
    size_t cap, len;
} tl_out_t;

static inline void
tl_put_c(tl_out_t *o, char c)
{
    if (o->len + 1 < o->cap)
        o->buf[o->len] = c;
    o->len++;
}


/* %u, %x, %c, %s and %02x only (see tl_tcpdump.c). */
void tl_put(tl_out_t *o, const char *fmt, ...);
void tl_put_hex(tl_out_t *o, const uint8_t *p, unsigned n);
void tl_put_u64(tl_out_t *o, uint64_t v, unsigned base);

/* One MPTCP option (tl_tcpdump_mptcp.c). */
bool tl_tcpdump_mptcp(tl_out_t *o, const uint8_t *p, unsigned len, unsigned flags);

#endif /* TCPLIFE_TL_TCPDUMP_OUT_H */
