/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_streams.h - tcp.stream as epan numbers it, without epan: the direct
 * batch program's connection boundaries must be exactly the plugin's.
 *
 * epan (packet-tcp.c, dissect_tcp()) keeps a conversation per address and
 * port pair and numbers each one when its first TCP header is read. A
 * SYN without ACK whose sequence number differs from the base sequence
 * number of its direction starts a new conversation on the same pair (a
 * reused 4-tuple); a SYN-ACK that differs moves that direction's base. The
 * base is set by the first full segment of each direction (the SYN's
 * sequence number, else seq - 1) and, for the other direction, by the
 * first segment with ACK (ack - 1). Headers quoted in ICMP errors are
 * looked up (and can start a conversation) but set no base. Since 4.4 a
 * SYN or SYN-ACK after a RST or a FIN+ACK also starts a new conversation.
 */
#ifndef TCPLIFE_TL_STREAMS_H
#define TCPLIFE_TL_STREAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "tcplife/tl_core.h"

typedef struct tl_streams tl_streams_t;

/* The rules of this Wireshark version (tl_streams.c): call once. */
void tl_streams_set_rules(int ws_major, int ws_minor);

tl_streams_t *tl_streams_new(void);
void tl_streams_free(tl_streams_t *s);

/*
 * The tcp.stream of a TCP header from src:sport to dst:dport with these
 * flags, seq and ack. full: a whole segment outside an ICMP error (it sets
 * the bases). *is_new: this header started the stream.
 */
uint32_t tl_streams_segment(tl_streams_t *s, const tl_addr_t *src, const tl_addr_t *dst,
                            uint16_t sport, uint16_t dport, uint16_t flags, uint32_t seq,
                            uint32_t ack, bool full, bool *is_new);

/* Streams numbered so far. */
uint32_t tl_streams_count(const tl_streams_t *s);

#endif /* TCPLIFE_TL_STREAMS_H */
