/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_extract.c - the tcp.* fields epan already decoded -> tl_segment_t.
 *
 * tcplife never parses TCP itself: it asks epan for the fields below
 * (set_postdissector_wanted_hfids) and groups them per TCP layer by the
 * fields' layer numbers. A TCP header quoted inside an ICMP/ICMPv6 error
 * lies above an icmp/icmpv6 layer and is skipped.
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/proto.h>

#include "tl_compat.h"
#include "tl_glue.h"

/* Field order matters only for the enum below; names are epan's. */
#define TL_WANTED_MAP(X)                                    \
    X(TCP,      "tcp")                                      \
    X(STREAM,   "tcp.stream")                               \
    X(SPORT,    "tcp.srcport")                              \
    X(DPORT,    "tcp.dstport")                              \
    X(FLAGS,    "tcp.flags")                                \
    X(SEQ,      "tcp.seq_raw")                              \
    X(ACK,      "tcp.ack_raw")                              \
    X(LEN,      "tcp.len")                                  \
    X(WIN,      "tcp.window_size_value")                    \
    X(MSS,      "tcp.options.mss_val")                      \
    X(WSCALE,   "tcp.options.wscale.shift")                 \
    X(SACKPERM, "tcp.options.sack_perm")                    \
    X(TSVAL,    "tcp.options.timestamp.tsval")              \
    X(TSECR,    "tcp.options.timestamp.tsecr")              \
    X(TFO,      "tcp.options.tfo")                          \
    X(TFOCOOKIE,"tcp.options.tfo.cookie")                   \
    X(MD5,      "tcp.options.md5")                          \
    X(AO,       "tcp.options.ao")                           \
    X(URP,      "tcp.urgent_pointer")                       \
    X(OPTIONS,  "tcp.options")                              \
    X(IP4SRC,   "ip.src")                                   \
    X(IP4DST,   "ip.dst")                                   \
    X(IP6SRC,   "ipv6.src")                                 \
    X(IP6DST,   "ipv6.dst")                                 \
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

static void
addr_from(tl_addr_t *a, const field_info *fi, guint8 family)
{
    gint want = family == 4 ? 4 : 16;

    memset(a, 0, sizeof *a);
    if (!fi || !fi->ds_tvb || fi->length != want)
        return;
    if (tvb_bytes_exist(fi->ds_tvb, fi->start, want)) {
        tvb_memcpy(fi->ds_tvb, a->bytes, fi->start, want);
        a->family = family;
    }
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
        const field_info *proto_fi = (const field_info *)g_ptr_array_index(tcp, i);
        int layer = proto_fi->proto_layer_num, total = proto_fi->total_layer_num;
        const field_info *f[TL_W_COUNT];
        tl_extracted_t *x = &out[n];
        const field_info *ip4s, *ip6s;

        if (inside_icmp(a[TL_W_ICMP], total) || inside_icmp(a[TL_W_ICMP6], total))
            continue;
        for (int w = TL_W_STREAM; w <= TL_W_OPTIONS; w++)
            f[w] = in_tcp_layer(a[w], layer);
        /* A header too short to carry these cannot be tracked: counted, and
         * flagged in the tree (epan reports the malformation itself). */
        if (!f[TL_W_STREAM] || !f[TL_W_SPORT] || !f[TL_W_DPORT] || !f[TL_W_FLAGS]
            || !f[TL_W_SEQ] || !f[TL_W_LEN]) {
            (*untracked)++;
            continue;
        }

        memset(x, 0, sizeof *x);
        x->stream = tl_fi_uint(f[TL_W_STREAM]);
        x->seg.frame = pinfo->num;
        x->seg.time_ns = tl_time_ns(&pinfo->abs_ts);
        x->seg.sport = (guint16)tl_fi_uint(f[TL_W_SPORT]);
        x->seg.dport = (guint16)tl_fi_uint(f[TL_W_DPORT]);
        x->seg.flags = (guint16)tl_fi_uint(f[TL_W_FLAGS]);
        x->seg.seq = tl_fi_uint(f[TL_W_SEQ]);
        x->seg.ack = f[TL_W_ACK] ? tl_fi_uint(f[TL_W_ACK]) : 0;
        x->seg.len = tl_fi_uint(f[TL_W_LEN]);
        x->seg.win = f[TL_W_WIN] ? tl_fi_uint(f[TL_W_WIN]) : 0;
        if (f[TL_W_MSS]) {
            x->seg.has_mss = true;
            x->seg.mss = (guint16)tl_fi_uint(f[TL_W_MSS]);
        }
        if (f[TL_W_WSCALE]) {
            x->seg.has_wscale = true;
            x->seg.wscale = (guint8)tl_fi_uint(f[TL_W_WSCALE]);
        }
        x->seg.sack_perm = f[TL_W_SACKPERM] != NULL;
        if (f[TL_W_TSVAL] && f[TL_W_TSECR]) {
            x->seg.has_ts = true;
            x->seg.tsval = tl_fi_uint(f[TL_W_TSVAL]);
            x->seg.tsecr = tl_fi_uint(f[TL_W_TSECR]);
        }

        /* The IP header carrying this TCP layer is the nearest one below it. */
        ip4s = below(a[TL_W_IP4SRC], total);
        ip6s = below(a[TL_W_IP6SRC], total);
        if (ip6s && (!ip4s || ip6s->total_layer_num > ip4s->total_layer_num)) {
            addr_from(&x->seg.src, ip6s, 6);
            addr_from(&x->seg.dst, below(a[TL_W_IP6DST], total), 6);
        } else if (ip4s) {
            addr_from(&x->seg.src, ip4s, 4);
            addr_from(&x->seg.dst, below(a[TL_W_IP4DST], total), 4);
        }
        x->seg.tfo = f[TL_W_TFO] != NULL;
        x->seg.tfo_cookie_len = f[TL_W_TFOCOOKIE] ? (guint8)MIN(f[TL_W_TFOCOOKIE]->length, 255) : 0;
        x->seg.md5 = f[TL_W_MD5] != NULL;
        x->seg.ao = f[TL_W_AO] != NULL;
        x->seg.urp = f[TL_W_URP] ? (guint16)tl_fi_uint(f[TL_W_URP]) : 0;
        /* The raw option bytes epan delimited, for the tcpdump notation. */
        if (f[TL_W_OPTIONS] && f[TL_W_OPTIONS]->ds_tvb && f[TL_W_OPTIONS]->length > 0
            && f[TL_W_OPTIONS]->length <= 40
            && tvb_bytes_exist(f[TL_W_OPTIONS]->ds_tvb, f[TL_W_OPTIONS]->start, f[TL_W_OPTIONS]->length)) {
            x->seg.opt_len = (guint8)f[TL_W_OPTIONS]->length;
            x->seg.opt_bytes = tvb_get_ptr(f[TL_W_OPTIONS]->ds_tvb, f[TL_W_OPTIONS]->start,
                                           f[TL_W_OPTIONS]->length);
        }
        n++;
    }
    return n;
}
