/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_extract.c - the tcp.* fields epan already decoded -> tl_segment_t.
 *
 * tcplife does not dissect TCP: it takes the header epan delimited (the
 * `tcp` item's bytes), epan's tcp.stream and tcp.len, grouped per TCP layer
 * by the items' layer numbers, and the addresses the IP layer carrying it
 * left in pinfo. The header's fixed fields and options are read by the core
 * (tl_parse_tcp_header(), by epan's own option rules). A TCP header quoted
 * inside an ICMP/ICMPv6 error lies above an icmp/icmpv6 layer and is
 * skipped. A TCP layer that carries IP itself (a tunnel over TCP) takes its
 * addresses from the IP item below it when the tree has one, and is
 * otherwise counted untracked (an expert item says so) rather than given
 * the inner packet's addresses.
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/proto.h>

#include "tl_compat.h"
#include "tl_glue.h"

/*
 * Only what the header bytes cannot give: the `tcp` item delimits the
 * header (a `tcp` filter primes it anyway), tcp.stream is epan's
 * connection index, and tcp.len is the payload length epan derived from
 * the IP layer (TSO, padding, jumbograms). Every further primed field
 * costs epan a field_info and a per-packet array in every packet, and a
 * primed protocol makes all of its fields real items: priming `ip` alone
 * cost 3,800 instructions a packet (docs/benchmarks.md). The IP addresses
 * come from pinfo, and where the layer sits from pinfo->layers.
 */
#define TL_WANTED_MAP(X)                                    \
    X(TCP,      "tcp")                                      \
    X(STREAM,   "tcp.stream")                               \
    X(LEN,      "tcp.len")

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
static int proto_ip = -1, proto_ipv6 = -1, proto_icmp = -1, proto_icmpv6 = -1;

void
tl_extract_resolve(void)
{
    for (int i = 0; i < TL_W_COUNT; i++)
        wanted_hf[i] = proto_registrar_get_id_byname(wanted_names[i]);
    proto_ip = proto_get_id_by_filter_name("ip");
    proto_ipv6 = proto_get_id_by_filter_name("ipv6");
    proto_icmp = proto_get_id_by_filter_name("icmp");
    proto_icmpv6 = proto_get_id_by_filter_name("icmpv6");
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

/*
 * Where the TCP layer at position `total` of pinfo->layers (an item's
 * total_layer_num counts the same list) sits: quoted inside an ICMP or
 * ICMPv6 error (an icmp layer before it: skipped), and whether an IP layer
 * follows it (IP carried in TCP: then pinfo's addresses, which the last IP
 * layer set, are not this layer's).
 */
static void
layer_context(packet_info *pinfo, int total, gboolean *in_icmp, gboolean *ip_after)
{
    int pos = 0;

    *in_icmp = *ip_after = FALSE;
    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f; f = wmem_list_frame_next(f)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(f));

        if (++pos < total) {
            if (id == proto_icmp || id == proto_icmpv6)
                *in_icmp = TRUE;
        } else if (pos > total && (id == proto_ip || id == proto_ipv6)) {
            *ip_after = TRUE;
        }
    }
}

/* The nearest instance of an item below absolute layer `total`. */
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

/* Source and destination of the IPv4 / IPv6 header epan delimited with
 * item fi (fixed offsets: 12/16 and 8/24). */
static gboolean
addrs_from(tl_segment_t *seg, const field_info *fi, guint8 family)
{
    gint off = family == 4 ? 12 : 8, n = family == 4 ? 4 : 16;
    const guint8 *h;

    if (!fi || !fi->ds_tvb || fi->length < (family == 4 ? 20 : 40)
        || !tvb_bytes_exist(fi->ds_tvb, fi->start, off + 2 * n))
        return FALSE;
    h = tvb_get_ptr(fi->ds_tvb, fi->start, off + 2 * n);
    if (h[0] >> 4 != family)
        return FALSE;
    memcpy(seg->src.bytes, h + off, n);
    memcpy(seg->dst.bytes, h + off + n, n);
    seg->src.family = seg->dst.family = family;
    return TRUE;
}

static gboolean
addrs_from_pinfo(tl_segment_t *seg, const packet_info *pinfo)
{
    const address *s = &pinfo->net_src, *d = &pinfo->net_dst;
    guint8 family = s->type == AT_IPv4 ? 4 : s->type == AT_IPv6 ? 6 : 0;
    gint n = family == 4 ? 4 : 16;

    if (!family || d->type != s->type || s->len != n || d->len != n)
        return FALSE;
    memcpy(seg->src.bytes, s->data, n);
    memcpy(seg->dst.bytes, d->data, n);
    seg->src.family = seg->dst.family = family;
    return TRUE;
}

/* IP carried in TCP: the IP header below the TCP layer, when its item is
 * in the tree (a visible tree, or a filter on ip). */
static gboolean
addrs_from_tree(tl_segment_t *seg, proto_tree *tree, int total)
{
    GPtrArray *ip4 = proto_ip > 0 ? proto_find_finfo(tree, proto_ip) : NULL;
    GPtrArray *ip6 = proto_ipv6 > 0 ? proto_find_finfo(tree, proto_ipv6) : NULL;
    const field_info *a = below(ip4, total), *b = below(ip6, total);
    gboolean ok = FALSE;

    if (b && (!a || b->total_layer_num > a->total_layer_num))
        ok = addrs_from(seg, b, 6);
    else if (a)
        ok = addrs_from(seg, a, 4);
    if (ip4)
        g_ptr_array_free(ip4, TRUE);
    if (ip6)
        g_ptr_array_free(ip6, TRUE);
    return ok;
}

static guint
extract(GPtrArray **a, tvbuff_t *frame_tvb, proto_tree *tree, packet_info *pinfo,
        tl_extracted_t *out, guint max, guint *untracked)
{
    GPtrArray *tcp = a[TL_W_TCP];
    guint n = 0;

    if (!tcp)
        return 0;

    for (guint i = 0; i < tcp->len && n < max; i++) {
        const field_info *tcp_fi = (const field_info *)g_ptr_array_index(tcp, i);
        int layer = tcp_fi->proto_layer_num, total = tcp_fi->total_layer_num;
        const field_info *stream, *len;
        tl_extracted_t *x = &out[n];
        gboolean in_icmp, ip_after;
        gint cap;

        layer_context(pinfo, total, &in_icmp, &ip_after);
        if (in_icmp)
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
        x->hdr_off = frame_tvb && tcp_fi->ds_tvb == frame_tvb ? tcp_fi->start : -1;
        x->seg.frame = pinfo->num;
        x->seg.time_ns = tl_time_ns(&pinfo->abs_ts);
        x->seg.len = tl_fi_uint(len);

        /* The IP header carrying this TCP layer is the last one that set
         * pinfo's addresses, unless IP follows inside this TCP's payload. */
        if (ip_after ? !addrs_from_tree(&x->seg, tree, total) : !addrs_from_pinfo(&x->seg, pinfo)) {
            (*untracked)++;
            continue;
        }
        n++;
    }
    return n;
}

guint
tl_extract(tvbuff_t *frame_tvb, proto_tree *tree, packet_info *pinfo, tl_extracted_t *out,
           guint max, guint *untracked)
{
    GPtrArray *a[TL_W_COUNT];

    *untracked = 0;
    if (!tree)
        return 0;
    for (int i = 0; i < TL_W_COUNT; i++)
        a[i] = finfos(tree, i);
    return extract(a, frame_tvb, tree, pinfo, out, max, untracked);
}
