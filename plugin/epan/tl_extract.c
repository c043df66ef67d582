/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_extract.c - the tcp.* fields epan already decoded -> tl_segment_t.
 *
 * tcplife does not dissect TCP: it takes the header epan delimited (the
 * `tcp` item's bytes), epan's tcp.stream and tcp.len, and the addresses of
 * the IP header epan delimited below it, grouped per TCP layer by the
 * items' layer numbers. The header's fixed fields and options are read by
 * the core (tl_parse_tcp_header()). A TCP header quoted inside an
 * ICMP/ICMPv6 error lies above an icmp/icmpv6 layer and is skipped.
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/proto.h>

#include "tl_compat.h"
#include "tl_glue.h"

/*
 * Only what the header bytes cannot give: the protocol items delimit the
 * headers (epan creates them in every tree anyway, so priming them is
 * nearly free), tcp.stream is epan's connection index, and tcp.len is the
 * payload length epan derived from the IP layer (TSO, padding, jumbograms).
 * Every further primed field costs epan a field_info and a per-packet
 * array in every packet (docs/benchmarks.md).
 */
#define TL_WANTED_MAP(X)                                    \
    X(TCP,      "tcp")                                      \
    X(STREAM,   "tcp.stream")                               \
    X(LEN,      "tcp.len")                                  \
    X(IP,       "ip")                                       \
    X(IPV6,     "ipv6")                                     \
    X(ICMP,     "icmp")                                     \
    X(ICMP6,    "icmpv6")

enum {
#define TL_X_(sym, name) TL_W_##sym,
    TL_WANTED_MAP(TL_X_)
#undef TL_X_
    TL_W_COUNT
};

static const char *const wanted_names[TL_W_COUNT] = {
#define TL_X_(sym, name) name,
    TL_WANTED_MAP(TL_X_)
#undef TL_X_
};

static int wanted_hf[TL_W_COUNT];

void
tl_extract_resolve(void)
{
    for (int i = 0; i < TL_W_COUNT; i++)
        wanted_hf[i] = proto_registrar_get_id_byname(wanted_names[i]);
}

GArray *
tl_extract_wanted_hfids(void)
{
    GArray *ids = g_array_new(FALSE, FALSE, (guint)sizeof(int));

    for (int i = 0; i < TL_W_COUNT; i++)
        if (wanted_hf[i] > 0)
            g_array_append_val(ids, wanted_hf[i]);
    return ids;
}

static GPtrArray *
finfos(proto_tree *tree, int w)
{
    return wanted_hf[w] > 0 ? proto_get_finfo_ptr_array(tree, wanted_hf[w]) : NULL;
}

/* The instance of field w inside TCP layer `layer` (proto_layer_num). */
static const field_info *
in_tcp_layer(GPtrArray *arr, int layer)
{
    if (!arr)
        return NULL;
    for (guint i = 0; i < arr->len; i++) {
        const field_info *fi = (const field_info *)g_ptr_array_index(arr, i);
        if (fi->proto_layer_num == layer)
            return fi;
    }
    return NULL;
}

/* The nearest instance of field w below absolute layer `total` (the IP
 * header carrying this TCP layer). */
static const field_info *
below(GPtrArray *arr, int total)
{
    const field_info *best = NULL;

    if (!arr)
        return NULL;
    for (guint i = 0; i < arr->len; i++) {
        const field_info *fi = (const field_info *)g_ptr_array_index(arr, i);
        if (fi->total_layer_num < total && (!best || fi->total_layer_num > best->total_layer_num))
            best = fi;
    }
    return best;
}

static gboolean
inside_icmp(GPtrArray *icmp, int total)
{
    return below(icmp, total) != NULL;
}

/* Source and destination of the IPv4 / IPv6 header epan delimited with
 * item fi (fixed offsets: 12/16 and 8/24). */
static gboolean
addrs_from(tl_segment_t *seg, const field_info *fi, guint8 family)
{
    gint off = family == 4 ? 12 : 8, n = family == 4 ? 4 : 16;

    if (!fi || !fi->ds_tvb || fi->length < (family == 4 ? 20 : 40)
        || !tvb_bytes_exist(fi->ds_tvb, fi->start, off + 2 * n)
        || tvb_get_guint8(fi->ds_tvb, fi->start) >> 4 != family)
        return FALSE;
    tvb_memcpy(fi->ds_tvb, seg->src.bytes, fi->start + off, n);
    tvb_memcpy(fi->ds_tvb, seg->dst.bytes, fi->start + off + n, n);
    seg->src.family = seg->dst.family = family;
    return TRUE;
}

guint
tl_extract(proto_tree *tree, packet_info *pinfo, tl_extracted_t *out, guint max,
           guint *untracked)
{
    GPtrArray *a[TL_W_COUNT];
    GPtrArray *tcp;
    guint n = 0;

    *untracked = 0;
    if (!tree)
        return 0;
    for (int i = 0; i < TL_W_COUNT; i++)
        a[i] = finfos(tree, i);
    tcp = a[TL_W_TCP];
    if (!tcp)
        return 0;

    for (guint i = 0; i < tcp->len && n < max; i++) {
        const field_info *tcp_fi = (const field_info *)g_ptr_array_index(tcp, i);
        int layer = tcp_fi->proto_layer_num, total = tcp_fi->total_layer_num;
        const field_info *stream, *len, *ip4, *ip6;
        tl_extracted_t *x = &out[n];
        gint cap;

        if (inside_icmp(a[TL_W_ICMP], total) || inside_icmp(a[TL_W_ICMP6], total))
            continue;
        stream = in_tcp_layer(a[TL_W_STREAM], layer);
        len = in_tcp_layer(a[TL_W_LEN], layer);
        cap = tcp_fi->ds_tvb ? tvb_captured_length_remaining(tcp_fi->ds_tvb, tcp_fi->start) : -1;
        memset(x, 0, sizeof *x);
        /* A header too short to track (epan flags the malformation itself;
         * tcp.len is missing when the segment does not hold a whole
         * header): counted, and flagged in the tree. */
        if (!stream || !len || cap < TL_TCP_HDR_MIN
            || tl_parse_tcp_header(tvb_get_ptr(tcp_fi->ds_tvb, tcp_fi->start, MIN(cap, 60)),
                                   (size_t)MIN(cap, 60), &x->seg) == 0) {
            (*untracked)++;
            continue;
        }
        x->stream = tl_fi_uint(stream);
        x->seg.frame = pinfo->num;
        x->seg.time_ns = tl_time_ns(&pinfo->abs_ts);
        x->seg.len = tl_fi_uint(len);

        /* The IP header carrying this TCP layer is the nearest one below it. */
        ip4 = below(a[TL_W_IP], total);
        ip6 = below(a[TL_W_IPV6], total);
        if (ip6 && (!ip4 || ip6->total_layer_num > ip4->total_layer_num))
            addrs_from(&x->seg, ip6, 6);
        else if (ip4)
            addrs_from(&x->seg, ip4, 4);
        n++;
    }
    return n;
}
