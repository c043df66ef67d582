/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_streams.c - epan's tcp.stream numbering (tl_streams.h), on a GLib
 * hash table keyed by the address and port pair.
 */
#include <string.h>

#include <glib.h>

#include "tl_streams.h"

typedef struct {
    bool     base_set;
    uint32_t base;
} flow_t;

typedef struct {
    tl_tuple_t key;
    uint32_t   stream;
    flow_t     flow[2];     /* epan's flow1 / flow2 */
    bool       closed;      /* saw a RST or a FIN+ACK (epan's TCP_COMPLETENESS_RST/FIN) */
} conv_t;

/*
 * Since Wireshark 4.4 (packet-tcp.c after #18333 and MR 15278) a SYN or a
 * SYN-ACK also starts a new conversation when the old one saw a RST or a
 * FIN+ACK, whatever its sequence number (a refused connect() retried with
 * the same ISN: a stream per attempt), and a SYN-ACK with another sequence
 * number starts one instead of moving the base. 4.0 has neither.
 */
static bool reuse_after_close;

void
tl_streams_set_rules(int ws_major, int ws_minor)
{
    reuse_after_close = ws_major > 4 || (ws_major == 4 && ws_minor >= 4);
}

struct tl_streams {
    GHashTable *convs;      /* tl_tuple_t* -> conv_t* (the latest on the pair) */
    uint32_t    count;
};

/* tl_tuple_t keys for the GHashTable. */
static guint
tuple_ghash(gconstpointer k)
{
    return tl_tuple_hash((const tl_tuple_t *)k);
}

static gboolean
tuple_gequal(gconstpointer a, gconstpointer b)
{
    return tl_tuple_equal((const tl_tuple_t *)a, (const tl_tuple_t *)b);
}

tl_streams_t *
tl_streams_new(void)
{
    tl_streams_t *s = g_new0(tl_streams_t, 1);

    s->convs = g_hash_table_new_full(tuple_ghash, tuple_gequal, NULL, g_free);
    return s;
}

void
tl_streams_free(tl_streams_t *s)
{
    if (!s)
        return;
    g_hash_table_destroy(s->convs);
    g_free(s);
}

uint32_t
tl_streams_count(const tl_streams_t *s)
{
    return s->count;
}

static conv_t *
conv_new(tl_streams_t *s, const tl_tuple_t *key)
{
    conv_t *c = g_new0(conv_t, 1);

    c->key = *key;
    c->stream = s->count++;
    g_hash_table_replace(s->convs, &c->key, c);
    return c;
}

/* epan's cmp_address(): type, length, then the bytes; equal addresses
 * compare the ports. Which flow is "forward" for this header. */
static int
direction(const tl_addr_t *src, const tl_addr_t *dst, uint16_t sport, uint16_t dport)
{
    size_t n = src->family == 4 ? 4 : 16;
    int c;

    if (src->family != dst->family)
        return src->family == 4 ? -1 : 1;   /* AT_IPv4 < AT_IPv6; never within a pair */
    c = memcmp(src->bytes, dst->bytes, n);
    if (c == 0)
        c = sport > dport ? 1 : -1;
    return c;
}

uint32_t
tl_streams_segment(tl_streams_t *s, const tl_addr_t *src, const tl_addr_t *dst, uint16_t sport,
                   uint16_t dport, uint16_t flags, uint32_t seq, uint32_t ack, bool full, bool *is_new)
{
    tl_segment_t seg;
    tl_tuple_t key;
    conv_t *c;
    flow_t *fwd, *rev;
    int dir = direction(src, dst, sport, dport) >= 0 ? 0 : 1;

    memset(&seg, 0, sizeof seg);
    seg.src = *src;
    seg.dst = *dst;
    seg.sport = sport;
    seg.dport = dport;
    tl_tuple_of(&seg, &key);
    *is_new = false;
    c = (conv_t *)g_hash_table_lookup(s->convs, &key);
    if (!c) {
        c = conv_new(s, &key);
        *is_new = true;
    }
    fwd = &c->flow[dir];
    if ((flags & (TCPLIFE_F_SYN | TCPLIFE_F_ACK)) == TCPLIFE_F_SYN && fwd->base_set
        && (seq != fwd->base || (reuse_after_close && c->closed))) {
        c = conv_new(s, &key);
        *is_new = true;
        fwd = &c->flow[dir];
    }
    if ((flags & (TCPLIFE_F_SYN | TCPLIFE_F_ACK)) == (TCPLIFE_F_SYN | TCPLIFE_F_ACK) && fwd->base_set
        && (seq != fwd->base || (reuse_after_close && c->closed))) {
        if (reuse_after_close) {
            c = conv_new(s, &key);
            *is_new = true;
            fwd = &c->flow[dir];
        } else {
            fwd->base = seq;
        }
    }
    if (full && ((flags & TCPLIFE_F_RST)
                 || (flags & (TCPLIFE_F_FIN | TCPLIFE_F_ACK)) == (TCPLIFE_F_FIN | TCPLIFE_F_ACK)))
        c->closed = true;
    if (full) {
        rev = &c->flow[1 - dir];
        if (!fwd->base_set) {
            fwd->base = (flags & TCPLIFE_F_SYN) ? seq : seq - 1;
            fwd->base_set = true;
        }
        if (!rev->base_set && (flags & TCPLIFE_F_ACK)) {
            rev->base = ack - 1;
            rev->base_set = true;
        }
    }
    return c->stream;
}
