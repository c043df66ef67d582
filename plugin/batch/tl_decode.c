/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_decode.c - a frame's bytes to its TCP segment, as epan would decode
 * them (tl_decode.h). Every rule here mirrors one of epan's dissectors
 * (packet-eth.c, packet-vlan.c, packet-sll.c, packet-null.c, packet-ip.c,
 * packet-ipv6.c, packet-icmp.c, packet-icmpv6.c, packet-tcp.c) far enough
 * to know where the TCP header is and whether epan gives it a tcp.stream;
 * whatever they would do differently from a plain reading (reassembly,
 * tunnels, heuristics) makes the frame skipped instead.
 */
#include <string.h>

#include "tl_decode.h"

static const char *const skip_text[TCPLIFE_SKIP_COUNT] = {
#define TCPLIFE_X_(sym, text) text,
    TCPLIFE_SKIP_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
};
static const char *const skip_name[TCPLIFE_SKIP_COUNT] = {
#define TCPLIFE_X_(sym, text) #sym,
    TCPLIFE_SKIP_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
};

const char *
tl_skip_text(tl_skip_t s)
{
    return (unsigned)s < TCPLIFE_SKIP_COUNT ? skip_text[s] : "?";
}

const char *
tl_skip_name(tl_skip_t s)
{
    return (unsigned)s < TCPLIFE_SKIP_COUNT ? skip_name[s] : "?";
}

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

/* The whole frame and the offset reached. */
typedef struct {
    const uint8_t *p;
    size_t         cap, wire;
    tl_decoded_t  *out;
} frame_t;

static void
skip(frame_t *f, tl_skip_t why)
{
    f->out->kind = TCPLIFE_DEC_SKIP;
    f->out->skip = why;
}

static void ip_any(frame_t *f, size_t off, int version);

/* IP protocols and UDP ports that carry another IP datagram (or frame)
 * epan would dissect: the frame is skipped. */
static int
tunnel_proto(unsigned proto)
{
    return proto == 4 || proto == 41 || proto == 47 || proto == 97 || proto == 115 || proto == 137;
}

static int
tunnel_udp_port(unsigned port)
{
    static const uint16_t ports[] = {
        1701,           /* L2TP */
        2152,           /* GTP-U */
        3544,           /* Teredo */
        4789, 4790,     /* VXLAN, VXLAN-GPE */
        5246, 5247,     /* CAPWAP */
        6081,           /* Geneve */
        12222, 12223,   /* LWAPP */
        37008,          /* TZSP */
    };
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++)
        if (port == ports[i])
            return 1;
    return 0;
}

static void
udp(frame_t *f, size_t off)
{
    if (f->cap < off + 4)
        return;
    if (tunnel_udp_port(be16(f->p + off)) || tunnel_udp_port(be16(f->p + off + 2)))
        skip(f, TCPLIFE_SKIP_TUNNEL);
}

/*
 * A TCP header at off, carried by a datagram from src to dst (the IP
 * header's addresses, as epan's conversation lookup takes them).
 * quoted: inside an ICMP error (epan reads the header, files it under its
 * connection, tracks nothing).
 */
static void
tcp(frame_t *f, size_t off, const tl_addr_t *src, const tl_addr_t *dst, int quoted)
{
    tl_decoded_t *o = f->out;
    size_t cap = f->cap > off ? f->cap - off : 0;
    size_t wire = f->wire > off ? f->wire - off : 0;
    size_t hlen;
    bool first_fragment;
    int64_t ip;

    o->conv_src = *src;
    o->conv_dst = *dst;
    /* epan reads the ports, numbers, flags and window (16 bytes) before it
     * looks the connection up: with fewer it stops before (no tcp.stream). */
    if (cap < 16)
        return;
    if (quoted) {
        o->kind = TCPLIFE_DEC_QUOTED;
        o->seg.src = *src;
        o->seg.dst = *dst;
        o->seg.sport = be16(f->p + off);
        o->seg.dport = be16(f->p + off + 2);
        o->seg.seq = be32(f->p + off + 4);
        o->seg.ack = be32(f->p + off + 8);
        o->seg.flags = be16(f->p + off + 12) & 0x1ff;
        return;
    }
    if (cap < TCPLIFE_TCP_HDR_MIN) {
        skip(f, TCPLIFE_SKIP_TCP_TRUNCATED);
        return;
    }
    hlen = tl_parse_tcp_header(f->p + off, cap < 60 ? cap : 60, &o->seg);
    if (hlen == 0) {
        skip(f, TCPLIFE_SKIP_TCP_BAD);
        return;
    }
    /* The IP fields the tracker takes come from the core's own reading of
     * the header in front, as in the plugin (tl_extract.c). */
    ip = tl_ip_header_before(f->p + off, off < 40 + 256 ? off : 40 + 256, &o->seg, &first_fragment);
    if (ip < 0) {
        skip(f, TCPLIFE_SKIP_NO_IP_HEADER);
        return;
    }
    if (first_fragment) {
        skip(f, TCPLIFE_SKIP_FRAGMENT);
        return;
    }
    if ((uint64_t)ip > wire)
        ip = (int64_t)wire;
    if ((size_t)ip < hlen) {
        skip(f, TCPLIFE_SKIP_TCP_BAD);     /* epan's "Short segment" */
        return;
    }
    o->seg.len = (uint64_t)ip - hlen > UINT32_MAX ? UINT32_MAX : (uint32_t)((uint64_t)ip - hlen);
    o->kind = TCPLIFE_DEC_TCP;
}

/* An ICMP / ICMPv6 error: the quoted datagram at off. */
static void
quoted_ip(frame_t *f, size_t off, int version);

static void
ipv4(frame_t *f, size_t off, int quoted)
{
    const uint8_t *h = f->p + off;
    size_t hlen, total, end;
    uint16_t frag;
    tl_addr_t src = { 4, { 0 } }, dst = { 4, { 0 } };

    if (f->cap < off + 20)
        return;                         /* epan stops: an exception */
    if (h[0] >> 4 != 4) {
        if (h[0] >> 4 == 6 && !quoted)  /* epan hands IPv6 in an IPv4 frame on */
            ip_any(f, off, 6);
        return;
    }
    hlen = (size_t)(h[0] & 0x0f) * 4;
    if (hlen < 20 || f->cap < off + hlen)
        return;
    total = be16(h + 2);
    end = f->wire > off ? f->wire - off : 0;
    if (total == 0 && !quoted)
        total = end;                    /* TSO: epan takes the frame's length */
    else if (total < hlen)
        return;
    memcpy(src.bytes, h + 12, 4);
    memcpy(dst.bytes, h + 16, 4);
    frag = be16(h + 6);
    if (frag & 0x1fff) {
        /* A later fragment: epan dissects nothing in it (or, reassembling,
         * the whole datagram in the last one). */
        if (h[9] == 6 || h[9] == 17 || h[9] == 1 || tunnel_proto(h[9]))
            skip(f, TCPLIFE_SKIP_FRAGMENT);
        return;
    }
    if ((frag & 0x2000) && !quoted) {
        if (h[9] == 6 || h[9] == 17 || h[9] == 1 || tunnel_proto(h[9]))
            skip(f, TCPLIFE_SKIP_FRAGMENT);
        return;
    }
    if (tunnel_proto(h[9])) {
        skip(f, quoted ? TCPLIFE_SKIP_ICMP : TCPLIFE_SKIP_TUNNEL);
        return;
    }
    switch (h[9]) {
    case 6:
        tcp(f, off + hlen, &src, &dst, quoted);
        break;
    case 1:
        if (quoted || f->cap < off + hlen + 8)
            return;
        switch (h[hlen]) {
        case 3: case 4: case 5: case 11: case 12:
            quoted_ip(f, off + hlen + 8, 4);
            break;
        }
        break;
    case 17:
        if (!quoted)
            udp(f, off + hlen);
        break;
    case 51:                            /* AH */
        skip(f, TCPLIFE_SKIP_IP6_EXT);
        break;
    }
}

static void
ipv6(frame_t *f, size_t off, int quoted)
{
    const uint8_t *h = f->p + off;
    tl_addr_t src = { 6, { 0 } }, dst = { 6, { 0 } };
    size_t at = off + 40;
    unsigned nxt;

    if (f->cap < off + 40)
        return;
    if (h[0] >> 4 != 6)
        return;
    if (be16(h + 4) == 0 && !quoted) {
        skip(f, TCPLIFE_SKIP_IP6_EXT);       /* a jumbogram, or a TSO capture */
        return;
    }
    memcpy(src.bytes, h + 8, 16);
    memcpy(dst.bytes, h + 24, 16);
    nxt = h[6];
    for (int n = 0; n < 16; n++) {
        switch (nxt) {
        case 0: case 43: case 60:       /* hop-by-hop, routing, destination options */
            if (f->cap < at + 8)
                return;
            nxt = f->p[at];
            at += ((size_t)f->p[at + 1] + 1) * 8;
            continue;
        case 44:
            skip(f, quoted ? TCPLIFE_SKIP_ICMP : TCPLIFE_SKIP_FRAGMENT);
            return;
        case 6:
            tcp(f, at, &src, &dst, quoted);
            return;
        case 58:
            if (quoted || f->cap < at + 8)
                return;
            if (f->p[at] >= 1 && f->p[at] <= 4)
                quoted_ip(f, at + 8, 6);
            return;
        case 17:
            if (!quoted)
                udp(f, at);
            return;
        case 59:
            return;
        default:
            if (tunnel_proto(nxt))
                skip(f, quoted ? TCPLIFE_SKIP_ICMP : TCPLIFE_SKIP_TUNNEL);
            else if (nxt == 51 || nxt == 135 || nxt == 139 || nxt == 140 || nxt == 253 || nxt == 254)
                skip(f, quoted ? TCPLIFE_SKIP_ICMP : TCPLIFE_SKIP_IP6_EXT);
            return;
        }
    }
    skip(f, TCPLIFE_SKIP_IP6_EXT);
}

static void
quoted_ip(frame_t *f, size_t off, int version)
{
    if (f->cap < off + 1)
        return;
    /* epan's ICMP hands the quoted datagram to the IP dissector its version
     * names; ICMPv6 to IPv6. */
    if (version == 4 && f->p[off] >> 4 == 4)
        ipv4(f, off, 1);
    else if (version == 6 && f->p[off] >> 4 == 6)
        ipv6(f, off, 1);
    else if (f->cap >= off + 20 + 16)
        skip(f, TCPLIFE_SKIP_ICMP);
}

/* version: 4, 6, or 0 from the first nibble. */
static void
ip_any(frame_t *f, size_t off, int version)
{
    if (f->cap < off + 1)
        return;
    if (version == 0)
        version = f->p[off] >> 4;
    if (version == 4)
        ipv4(f, off, 0);
    else if (version == 6)
        ipv6(f, off, 0);
}

/* EtherTypes that carry no IP: the frame has no TCP. */
static int
ethertype_without_ip(unsigned t)
{
    static const uint16_t none[] = {
        0x0806, 0x8035,         /* ARP, RARP */
        0x88cc,                 /* LLDP */
        0x888e,                 /* EAPOL */
        0x8809,                 /* slow protocols (LACP) */
        0x88f7,                 /* PTP */
        0x9000,                 /* Ethernet loopback */
        0x8137, 0x8138,         /* IPX */
        0x809b, 0x80f3,         /* AppleTalk, AARP */
        0x8902,                 /* CFM */
        0x0842,                 /* Wake-on-LAN */
        0x6002, 0x6003, 0x6004, /* DEC MOP, DECnet, LAT */
        0x88e5,                 /* MACsec */
        0x893a,                 /* IEEE 1905 */
        0x88e1,                 /* HomePlug AV */
        0x8899,                 /* Realtek */
    };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        if (t == none[i])
            return 1;
    return 0;
}

static void
ethertype(frame_t *f, size_t off, unsigned type, int depth)
{
    switch (type) {
    case 0x0800:
        ip_any(f, off, 4);
        return;
    case 0x86dd:
        ip_any(f, off, 6);
        return;
    case 0x8100: case 0x88a8: case 0x9100:
        /* 802.1Q / 802.1ad: TCI, then the inner type (or an 802.3 length) */
        if (depth > 8 || f->cap < off + 4)
            return;
        type = be16(f->p + off + 2);
        if (type <= 1500) {
            if (f->cap >= off + 4 + 8 && f->p[off + 4] == 0xaa && f->p[off + 5] == 0xaa)
                skip(f, TCPLIFE_SKIP_LLC);
            return;
        }
        ethertype(f, off + 4, type, depth + 1);
        return;
    default:
        if (!ethertype_without_ip(type))
            skip(f, TCPLIFE_SKIP_ETHERTYPE);
        return;
    }
}

static void
ethernet(frame_t *f)
{
    unsigned type;

    if (f->cap < 14)
        return;
    /* Cisco ISL frames (epan decodes the encapsulated frame). */
    if ((f->p[0] == 0x01 || f->p[0] == 0x0c) && f->p[1] == 0x00 && f->p[2] == 0x0c && f->p[3] == 0x00
        && f->p[4] == 0x00) {
        skip(f, TCPLIFE_SKIP_LINK);
        return;
    }
    type = be16(f->p + 12);
    if (type <= 1500) {
        /* 802.3 with a length: LLC; SNAP can carry IP. */
        if (f->cap >= 22 && f->p[14] == 0xaa && f->p[15] == 0xaa)
            skip(f, TCPLIFE_SKIP_LLC);
        return;
    }
    if (type < 0x0600)
        return;
    ethertype(f, 14, type, 0);
}

/* Linux cooked captures: the ARPHRD types epan hands to another dissector. */
static int
sll_special_hatype(unsigned hatype)
{
    return hatype == 778 /* IPGRE */ || hatype == 824 /* NETLINK */ || hatype == 801 /* 802.11 */
        || hatype == 802 /* Prism */ || hatype == 803 /* radiotap */ || hatype == 519 /* FRAD */;
}

static void
sll(frame_t *f, size_t hdr, unsigned hatype, unsigned proto)
{
    if (sll_special_hatype(hatype)) {
        skip(f, TCPLIFE_SKIP_LINK);
        return;
    }
    if (proto <= 1536) {
        if (proto == 0x0004)            /* 802.2 LLC */
            skip(f, TCPLIFE_SKIP_LLC);
        return;
    }
    ethertype(f, hdr, proto, 0);
}

static void
null_loop(frame_t *f, int network_order)
{
    uint32_t fam;

    if (f->cap < 4)
        return;
    if (!network_order && be16(f->p) == 0xff03) {
        skip(f, TCPLIFE_SKIP_LINK);          /* PPP in HDLC-like framing */
        return;
    }
    fam = network_order ? be32(f->p)
                        : ((uint32_t)f->p[3] << 24 | (uint32_t)f->p[2] << 16 | (uint32_t)f->p[1] << 8
                           | f->p[0]);
    if (!network_order && (fam & 0xffff0000u))
        fam = (fam >> 24) | ((fam >> 8) & 0xff00) | ((fam << 8) & 0xff0000) | (fam << 24);
    if (fam == 2)
        ip_any(f, 4, 4);
    else if (fam == 24 || fam == 28 || fam == 30)
        ip_any(f, 4, 6);
    else
        skip(f, TCPLIFE_SKIP_LINK);
}

void
tl_decode(tl_link_t link, const uint8_t *p, size_t caplen, size_t wirelen, tl_decoded_t *out)
{
    frame_t f = { p, caplen, wirelen < caplen ? caplen : wirelen, out };

    memset(out, 0, sizeof *out);
    out->kind = TCPLIFE_DEC_NONE;
    switch (link) {
    case TCPLIFE_LINK_ETHERNET:
        ethernet(&f);
        break;
    case TCPLIFE_LINK_SLL:
        if (caplen >= 16)
            sll(&f, 16, be16(p + 2), be16(p + 14));
        break;
    case TCPLIFE_LINK_SLL2:
        if (caplen >= 20)
            sll(&f, 20, be16(p + 8), be16(p));
        break;
    case TCPLIFE_LINK_RAW:
        ip_any(&f, 0, 0);
        break;
    case TCPLIFE_LINK_RAW4:
        ipv4(&f, 0, 0);
        break;
    case TCPLIFE_LINK_RAW6:
        ipv6(&f, 0, 0);
        break;
    case TCPLIFE_LINK_NULL:
        null_loop(&f, 0);
        break;
    case TCPLIFE_LINK_LOOP:
        null_loop(&f, 1);
        break;
    default:
        skip(&f, TCPLIFE_SKIP_LINK);
        break;
    }
}
