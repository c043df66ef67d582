/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_decode.h - the direct batch program's frame decoder: from a frame's
 * bytes to the one TCP segment it carries, the way epan would dissect it.
 *
 * It decodes only what the tracker needs (Ethernet, 802.1Q/QinQ, Linux
 * cooked v1/v2, raw IP, BSD loopback; IPv4 with options, IPv6 with
 * extension headers; TCP through the core's tl_parse_tcp_header(), and an
 * ICMP/ICMPv6 error's quoted TCP header, which epan files under its
 * connection). A frame it cannot decode exactly as epan would (a tunnel, a
 * fragment, an unknown link, a malformation epan handles in its own way)
 * is never guessed at: it is reported as skipped, with the reason, and the
 * caller falls back to tshark for that capture.
 *
 * Pure C, libc and the tracker core only: unit-tested and fuzzed alone.
 */
#ifndef TCPLIFE_TL_DECODE_H
#define TCPLIFE_TL_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "tcplife/tl_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Link types (the caller maps its capture library's ones). */
typedef enum {
    TCPLIFE_LINK_ETHERNET,
    TCPLIFE_LINK_SLL,        /* Linux cooked v1 */
    TCPLIFE_LINK_SLL2,       /* Linux cooked v2 */
    TCPLIFE_LINK_RAW,        /* raw IP, version from the first nibble */
    TCPLIFE_LINK_RAW4,
    TCPLIFE_LINK_RAW6,
    TCPLIFE_LINK_NULL,       /* BSD loopback, family in the writer's byte order */
    TCPLIFE_LINK_LOOP,       /* OpenBSD loopback, family in network byte order */
    TCPLIFE_LINK_OTHER       /* anything else: skipped */
} tl_link_t;

/* Why a frame was skipped: symbol, text. */
#define TCPLIFE_SKIP_MAP(X)                                                                             \
    X(NONE,          "not skipped")                                                                     \
    X(LINK,          "a link type or link header tcplife does not decode")                              \
    X(ETHERTYPE,     "an EtherType that can carry IP which tcplife does not decode (MPLS, PPPoE, ...)") \
    X(LLC,           "IP in 802.2 LLC/SNAP")                                                            \
    X(TUNNEL,        "a tunnel (IP in IP, GRE, L2TP, VXLAN, Geneve, GTP-U, Teredo, CAPWAP)")            \
    X(FRAGMENT,      "an IP fragment (epan reassembles fragments)")                                     \
    X(IP6_EXT,       "an IPv6 header tcplife does not walk (AH, mobility, jumbogram, ...)")             \
    X(TCP_TRUNCATED, "a TCP header cut below 20 bytes by the snapshot length")                          \
    X(TCP_BAD,       "a TCP header epan flags (data offset below 5, or longer than its datagram)")      \
    X(ICMP,          "an ICMP error quoting TCP in a form tcplife does not decode")                     \
    X(NO_IP_HEADER,  "a TCP header whose IP header the tracker's own reading does not find")

typedef enum {
#define TCPLIFE_X_(sym, text) TCPLIFE_SKIP_##sym,
    TCPLIFE_SKIP_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_SKIP_COUNT
} tl_skip_t;

const char *tl_skip_text(tl_skip_t s);
const char *tl_skip_name(tl_skip_t s);

typedef enum {
    TCPLIFE_DEC_NONE,        /* no TCP in it (ARP, UDP, a header epan rejects too) */
    TCPLIFE_DEC_TCP,         /* one TCP segment: track it */
    TCPLIFE_DEC_QUOTED,      /* a TCP header quoted in an ICMP error: epan files it
                         * under its connection (tcp.stream) without tracking */
    TCPLIFE_DEC_SKIP         /* cannot be decoded as epan would: `skip` says why */
} tl_dec_kind_t;

typedef struct {
    tl_dec_kind_t kind;
    tl_skip_t     skip;
    /* TCP: the segment for the tracker (all but frame and time_ns; its
     * options point into the frame's bytes). QUOTED: addresses, ports,
     * flags, seq and ack. */
    tl_segment_t  seg;
    /* The addresses epan's conversation lookup uses (the IP header parsed
     * from the front), for tcp.stream. */
    tl_addr_t     conv_src, conv_dst;
} tl_decoded_t;

/*
 * Decode one frame: caplen bytes captured at p of a frame wirelen bytes
 * long on the wire. Reads only within p[0 .. caplen).
 */
void tl_decode(tl_link_t link, const uint8_t *p, size_t caplen, size_t wirelen, tl_decoded_t *out);

#ifdef __cplusplus
}
#endif

#endif /* TCPLIFE_TL_DECODE_H */
