/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_park.h - a connection's records (tracker and Zeek model) packed while
 * nothing of it arrives, and unpacked exactly when something does.
 *
 * A capture holds many connections, few of them open at a time, and the
 * front ends keep every connection's records for the whole file (later
 * passes, -z tables, TIME_WAIT reuse). Parked, a connection takes a small
 * fraction of its 932 bytes. Pure C, no allocation: the caller owns the
 * buffers.
 */
#ifndef TCPLIFE_TL_PARK_H
#define TCPLIFE_TL_PARK_H

#include <stddef.h>
#include <stdint.h>

#include "tl_core.h"
#include "tl_zeek.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most bytes tl_park() writes. */
#define TCPLIFE_PARK_BLOCKS_ ((sizeof(tl_conn_t) + sizeof(tl_zeek_t) + 15) / 8)
#define TCPLIFE_PARK_MAX (1 + 5 + (TCPLIFE_PARK_BLOCKS_ + 7) / 8 + TCPLIFE_PARK_BLOCKS_ * 9)

/* Bytes of a template: both records with padding. */
#define TCPLIFE_PARK_IMAGE (sizeof(tl_conn_t) + sizeof(tl_zeek_t) + 8)

/* Connections of one capture look alike (addresses, options, flags, the
 * Zeek history): each is packed as its difference from the first one
 * parked, kept here. One per capture, zeroed before the first tl_park(),
 * and the same one for every tl_unpark() of what was packed with it. */
typedef struct {
    bool    have;
    uint8_t image[TCPLIFE_PARK_IMAGE];
} tl_park_tmpl_t;

/*
 * Pack *conn and *zeek into out (at least TCPLIFE_PARK_MAX bytes); returns the
 * bytes written. The round trip is exact for every byte of both structures,
 * padding included: when its compact form would not give the same bytes
 * back, tl_park() stores them as they are.
 */
size_t tl_park(tl_park_tmpl_t *t, const tl_conn_t *conn, const tl_zeek_t *zeek, uint8_t *out);

/* Unpack what tl_park() wrote (len bytes). Returns false on bytes it did
 * not write (then *conn and *zeek are unspecified). */
bool tl_unpark(const tl_park_tmpl_t *t, const uint8_t *in, size_t len, tl_conn_t *conn, tl_zeek_t *zeek);

#ifdef __cplusplus
}
#endif

#endif /* TCPLIFE_TL_PARK_H */
