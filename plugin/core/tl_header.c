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
                seg->mss = tl_be16(p + i + 2);
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
                seg->tsval = tl_be32(p + i + 2);
                seg->tsecr = tl_be32(p + i + 6);
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
            if (len >= 4 && tl_be16(p + i + 2) == 0xF989) {
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

    if (!p || cap < TCPLIFE_TCP_HDR_MIN)
        return 0;
    hlen = (size_t)(p[12] >> 4) * 4;
    if (hlen < TCPLIFE_TCP_HDR_MIN)
        return 0;
    seg->sport = tl_be16(p);
    seg->dport = tl_be16(p + 2);
    seg->seq = tl_be32(p + 4);
    seg->flags = (uint16_t)(tl_be16(p + 12) & 0x0fff)   /* as tcp.flags: reserved bits too */;
    /* epan shows tcp.ack_raw only with the ACK flag */
    seg->ack = (seg->flags & TCPLIFE_F_ACK) ? tl_be32(p + 8) : 0;
    seg->win = tl_be16(p + 14);
    seg->urp = tl_be16(p + 18);
    seg->has_mss = seg->has_wscale = seg->sack_perm = seg->has_ts = false;
    seg->tfo = seg->md5 = seg->ao = false;
    seg->tfo_cookie_len = 0;
    seg->opt_bytes = NULL;
    seg->opt_len = 0;
    seg->opt_cut = hlen > cap ? (uint8_t)(hlen - cap) : 0;     /* cap >= 20 here */
    if (hlen > TCPLIFE_TCP_HDR_MIN && cap > TCPLIFE_TCP_HDR_MIN) {
        /* Options as far as they were captured (a snaplen can cut them:
         * opt_cut bytes more were declared). */
        size_t n = (hlen < cap ? hlen : cap) - TCPLIFE_TCP_HDR_MIN;

        seg->opt_bytes = p + TCPLIFE_TCP_HDR_MIN;
        seg->opt_len = (uint8_t)n;
        /* NOP, NOP, timestamps: nearly every segment of a Linux or BSD
         * connection after its handshake; the walk below would read them
         * the same. */
        if (n == 12 && tl_be32(seg->opt_bytes) == 0x0101080au) {
            seg->has_ts = true;
            seg->tsval = tl_be32(seg->opt_bytes + 4);
            seg->tsecr = tl_be32(seg->opt_bytes + 8);
        } else {
            parse_options(seg->opt_bytes, n, seg);
        }
    }
    return hlen;
}

/*
 * tl_ip_header_before(): the IP header in front of a TCP header, found from
 * the bytes alone (the same in every pass, whatever epan queued or primed):
 * the addresses, TTL / hop limit, IP ID and length of the datagram carrying
 * that TCP layer, never those of an outer or a later IP layer of the frame.
 *
 * tcp points at the TCP header; the `before` bytes preceding it are
 * readable. Looks for an IPv4 header (IHL 5 to 15, protocol 6) or an IPv6
 * header (next header 6, or extension headers ending at tcp with next
 * header 6) ending exactly at tcp. On success fills seg->src, seg->dst,
 * seg->has_ttl/ttl and, for IPv4, seg->has_ip_id/ip_id; *first_fragment
 * tells a first fragment (MF / M set, offset 0: the length is that of this
 * fragment only). Returns the bytes the datagram (or fragment) carries from
 * the TCP header on, INT64_MAX when its header gives no length (IPv4 total
 * length 0 as TSO captures show, IPv6 payload length 0 without a jumbo
 * option: the frame decides), or -1 when there is no such header (a
 * reassembled datagram, a later fragment, ...), seg's IP fields then false.
 */
#define TCPLIFE_IP6_EXT_MAX 256      /* extension header bytes looked through */

/* The ones' complement sum of the header (RFC 1071) holds as 0xffff. It is
 * summed in 32-bit words in host order: the sum of 16-bit words is the same
 * folded, and 0xffff is 0xffff in either byte order (n is a multiple of 4). */
static bool
ip4_checksum_ok(const uint8_t *h, size_t n)
{
    uint64_t s = 0;

    for (size_t i = 0; i < n; i += 4) {
        uint32_t w;

        memcpy(&w, h + i, 4);
        s += w;
    }
    s = (s & 0xffffffffu) + (s >> 32);
    s = (s & 0xffffffffu) + (s >> 32);
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    return s == 0xffff;
}

/* A plausible IPv4 header of ihl words ending at tcp: version and IHL,
 * protocol 6, a total length that covers the header (or 0: a TSO capture,
 * epan then takes the length from the frame), not a later fragment. */
static bool
ip4_plausible(const uint8_t *h, size_t ihl)
{
    uint16_t total = tl_be16(h + 2), frag = tl_be16(h + 6);

    return h[0] == (0x40 | ihl) && h[9] == 6 && (total == 0 || total >= ihl * 4)
        && (frag & 0x1fff) == 0;
}

static int64_t
ip4_found(const uint8_t *h, size_t ihl, tl_segment_t *seg, bool *first_fragment)
{
    uint16_t total = tl_be16(h + 2);

    seg->src.family = seg->dst.family = 4;
    memcpy(seg->src.bytes, h + 12, 4);
    memcpy(seg->dst.bytes, h + 16, 4);
    seg->has_ip_id = true;
    seg->ip_id = tl_be16(h + 4);
    seg->has_ttl = true;
    seg->ttl = h[8];
    *first_fragment = (tl_be16(h + 6) & 0x2000) != 0;
    return total == 0 ? INT64_MAX : (int64_t)total - (int64_t)(ihl * 4);
}

/*
 * IPv6 extension headers from h + 40 to exactly tcp, the last one's next
 * header TCP: hop-by-hop (its jumbo payload option read), routing,
 * destination options, fragment (offset 0 only) and AH. Returns the
 * payload length from tcp on, INT64_MAX when the header gives none, or -1.
 */
static int64_t
ip6_chain(const uint8_t *h, const uint8_t *tcp, bool *first_fragment)
{
    const uint8_t *p = h + 40;
    uint8_t nxt = h[6];
    uint64_t plen = tl_be16(h + 4);
    bool frag = false;

    while (p < tcp) {
        size_t len;

        if ((size_t)(tcp - p) < 8)
            return -1;
        switch (nxt) {
        case 0:                         /* hop-by-hop options */
            len = ((size_t)p[1] + 1) * 8;
            if (len > (size_t)(tcp - p))
                return -1;
            for (size_t i = 2; i < len;) {
                if (p[i] == 0) {        /* Pad1 */
                    i++;
                    continue;
                }
                if (i + 1 >= len || i + 2 + p[i + 1] > len)
                    break;
                if (p[i] == 0xc2 && p[i + 1] == 4 && plen == 0)
                    plen = tl_be32(p + i + 2);     /* jumbo payload (RFC 2675) */
                i += 2 + (size_t)p[i + 1];
            }
            break;
        case 43:                        /* routing */
        case 60:                        /* destination options */
            len = ((size_t)p[1] + 1) * 8;
            break;
        case 44:                        /* fragment: only the first holds TCP */
            len = 8;
            if ((tl_be16(p + 2) & 0xfff8) != 0)
                return -1;
            frag = (p[3] & 1) != 0;
            break;
        case 51:                        /* authentication header */
            len = ((size_t)p[1] + 2) * 4;
            break;
        default:
            return -1;
        }
        nxt = p[0];
        p += len;
    }
    if (p != tcp || nxt != 6)
        return -1;
    *first_fragment = frag;
    if (plen == 0)
        return INT64_MAX;
    return (int64_t)plen - (int64_t)(tcp - (h + 40));
}

static int64_t
ip6_found(const uint8_t *h, int64_t len, tl_segment_t *seg)
{
    seg->src.family = seg->dst.family = 6;
    memcpy(seg->src.bytes, h + 8, 16);
    memcpy(seg->dst.bytes, h + 24, 16);
    seg->has_ttl = true;
    seg->ttl = h[7];
    return len;
}

int64_t
tl_ip_header_before(const uint8_t *tcp, size_t before, tl_segment_t *seg, bool *first_fragment)
{
    const uint8_t *first4 = NULL;
    size_t first4_ihl = 0;
    bool frag = false;
    int64_t len;

    seg->has_ip_id = seg->has_ttl = false;
    seg->ip_id = 0;
    seg->ttl = 0;
    *first_fragment = false;
    if (!tcp)
        return -1;
    /* IPv4: the nearest plausible header whose checksum holds; failing
     * that (a checksum never filled in), an IPv6 header; failing that the
     * nearest plausible IPv4 header. */
    for (size_t ihl = 5; ihl <= 15 && ihl * 4 <= before; ihl++) {
        const uint8_t *h = tcp - ihl * 4;

        if (!ip4_plausible(h, ihl))
            continue;
        if (ip4_checksum_ok(h, ihl * 4))
            return ip4_found(h, ihl, seg, first_fragment);
        if (!first4) {
            first4 = h;
            first4_ihl = ihl;
        }
    }
    if (before >= 40 && tcp[-40] >> 4 == 6 && tcp[-34] == 6) {
        uint16_t plen = tl_be16(tcp - 36);

        return ip6_found(tcp - 40, plen == 0 ? INT64_MAX : plen, seg);
    }
    /* IPv6 with extension headers (multiples of 8 bytes, AH of 4). */
    for (size_t ext = 8; ext <= TCPLIFE_IP6_EXT_MAX && 40 + ext <= before; ext += 4) {
        const uint8_t *h = tcp - 40 - ext;

        if (h[0] >> 4 == 6 && (len = ip6_chain(h, tcp, &frag)) >= 0) {
            *first_fragment = frag;
            return ip6_found(h, len, seg);
        }
    }
    if (first4)
        return ip4_found(first4, first4_ihl, seg, first_fragment);
    return -1;
}

int64_t
tl_ip_payload_before(const uint8_t *tcp, size_t before, const tl_addr_t *src, const tl_addr_t *dst)
{
    tl_segment_t seg;
    bool frag;
    int64_t len;

    if (!tcp || !src || !dst || src->family != dst->family)
        return -1;
    len = tl_ip_header_before(tcp, before, &seg, &frag);
    if (len < 0 || len == INT64_MAX || frag || seg.src.family != src->family
        || memcmp(seg.src.bytes, src->bytes, src->family == 4 ? 4 : 16) != 0
        || memcmp(seg.dst.bytes, dst->bytes, src->family == 4 ? 4 : 16) != 0)
        return -1;
    return len;
}
