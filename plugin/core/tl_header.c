/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_header.c - the TCP header bytes epan delimited -> tl_segment_t.
 *
 * The glue asks epan for the `tcp` protocol item (which spans exactly the
 * header epan dissected), `tcp.stream` and `tcp.len`, and hands the header
 * bytes here. Priming one epan field per header value costs more than all
 * of tcplife's tracking (docs/benchmarks.md), and these are fixed offsets.
 *
 * Options follow epan's own rules (packet-tcp.c, tcp_dissect_options() and
 * the per-option dissectors), so a segment yields the same values the
 * tcp.options.* fields would: an option counts only with its exact length
 * (MSS 4, window scale 3, SACK-permitted 2, timestamps 10), MD5, AO and
 * TFO count at any length (a TFO cookie above 2; option 34, or the RFC 6994
 * experimental option 254 with ExID 0xF989 that Linux used first), and the walk stops at EOL
 * or at the first option whose length byte is missing, below 2 or past the
 * end of the header, keeping what came before.
 */
#include <string.h>

#include "tl_internal.h"

static uint16_t
be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
parse_options(const uint8_t *p, size_t n, tl_segment_t *seg)
{
    size_t i = 0;

    while (i < n) {
        uint8_t kind = p[i];
        size_t len;

        if (kind == 0)                  /* EOL: the rest is padding */
            return;
        if (kind == 1) {                /* NOP */
            i++;
            continue;
        }
        if (i + 1 >= n)                 /* no length byte */
            return;
        len = p[i + 1];
        if (len < 2 || len > n - i)     /* too short, or past the header */
            return;
        switch (kind) {
        case 2:
            if (len == 4) {
                seg->has_mss = true;
                seg->mss = be16(p + i + 2);
            }
            break;
        case 3:
            if (len == 3) {
                seg->has_wscale = true;
                seg->wscale = p[i + 2];
            }
            break;
        case 4:
            if (len == 2)
                seg->sack_perm = true;
            break;
        case 8:
            if (len == 10) {
                seg->has_ts = true;
                seg->tsval = be32(p + i + 2);
                seg->tsecr = be32(p + i + 6);
            }
            break;
        case 19:                        /* epan marks it at any length */
            seg->md5 = true;
            break;
        case 29:
            seg->ao = true;
            break;
        case 34:
            seg->tfo = true;
            seg->tfo_cookie_len = (uint8_t)(len - 2);
            break;
        case 254:                       /* RFC 6994 experimental TFO (ExID 0xF989) */
            if (len >= 4 && be16(p + i + 2) == 0xF989) {
                seg->tfo = true;
                seg->tfo_cookie_len = (uint8_t)(len - 4);
            }
            break;
        default:
            break;
        }
        i += len;
    }
}

size_t
tl_parse_tcp_header(const uint8_t *p, size_t cap, tl_segment_t *seg)
{
    size_t hlen;

    if (!p || cap < TL_TCP_HDR_MIN)
        return 0;
    hlen = (size_t)(p[12] >> 4) * 4;
    if (hlen < TL_TCP_HDR_MIN)
        return 0;
    seg->sport = be16(p);
    seg->dport = be16(p + 2);
    seg->seq = be32(p + 4);
    seg->flags = (uint16_t)(be16(p + 12) & 0x0fff)   /* as tcp.flags: reserved bits too */;
    /* epan shows tcp.ack_raw only with the ACK flag */
    seg->ack = (seg->flags & TL_F_ACK) ? be32(p + 8) : 0;
    seg->win = be16(p + 14);
    seg->urp = be16(p + 18);
    seg->has_mss = seg->has_wscale = seg->sack_perm = seg->has_ts = false;
    seg->tfo = seg->md5 = seg->ao = false;
    seg->tfo_cookie_len = 0;
    seg->opt_bytes = NULL;
    seg->opt_len = 0;
    if (hlen > TL_TCP_HDR_MIN && cap > TL_TCP_HDR_MIN) {
        /* Options as far as they were captured (a snaplen can cut them). */
        size_t n = (hlen < cap ? hlen : cap) - TL_TCP_HDR_MIN;

        seg->opt_bytes = p + TL_TCP_HDR_MIN;
        seg->opt_len = (uint8_t)n;
        parse_options(seg->opt_bytes, n, seg);
    }
    return hlen;
}

int64_t
tl_ip_payload_before(const uint8_t *tcp, size_t before, const tl_addr_t *src, const tl_addr_t *dst)
{
    if (!tcp || !src || !dst || src->family != dst->family)
        return -1;
    if (src->family == 4) {
        for (size_t ihl = 5; ihl <= 15 && ihl * 4 <= before; ihl++) {
            const uint8_t *h = tcp - ihl * 4;
            uint16_t total = be16(h + 2), frag = be16(h + 6);

            if (h[0] != (0x40 | ihl) || h[9] != 6 || memcmp(h + 12, src->bytes, 4) != 0
                || memcmp(h + 16, dst->bytes, 4) != 0)
                continue;
            if ((frag & 0x3fff) != 0 || total < ihl * 4)  /* MF or an offset: a fragment */
                return -1;
            return (int64_t)total - (int64_t)(ihl * 4);
        }
        return -1;
    }
    if (src->family == 6 && before >= 40) {
        const uint8_t *h = tcp - 40;
        uint16_t plen = be16(h + 4);

        if (h[0] >> 4 != 6 || h[6] != 6 || plen == 0 || memcmp(h + 8, src->bytes, 16) != 0
            || memcmp(h + 24, dst->bytes, 16) != 0)
            return -1;
        return plen;
    }
    return -1;
}
