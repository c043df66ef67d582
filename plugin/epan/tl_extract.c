/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_extract.c - what epan already decoded of each TCP layer -> tl_segment_t.
 *
 * tcplife does not dissect TCP: it takes the header epan delimited (the
 * `tcp` item's bytes, read by the core's tl_parse_tcp_header() with epan's
 * own option rules), and from epan's TCP dissector its connection index
 * (tcp.stream), the payload length it derived from the IP layer (tcp.len)
 * and the addresses of the IP layer that carried it.
 *
 * Those three come, in order of preference, from:
 *  1. the TCP dissector's tap record (struct tcpheader) of that layer,
 *     fetched while the frame is still being dissected (fetch_tapped_data(),
 *     as the SMB dissector does with NTLMSSP's). A permanent listener marked
 *     TL_IS_DISSECTOR_HELPER keeps epan queueing tap records without making
 *     tshark dissect anything more; the queueing costs about 250
 *     instructions a packet, the two primed fields cost 2,400;
 *  2. the primed fields tcp.stream and tcp.len, when the frame is dissected
 *     without taps (tshark -2's first pass): packet-tcplife.c asks for them
 *     only while no tap record is seen, because priming them costs epan two
 *     real items and two per-packet arrays in every packet
 *     (docs/benchmarks.md);
 *  3. when epan's TCP dissector stopped before queueing its record (an
 *     exception, e.g. options cut by the snaplen) and the fields are not
 *     primed: the same values it had already put in tcp.stream and tcp.len,
 *     from the TCP conversation it found and from the IP header in front of
 *     the TCP header (tl_ip_payload_before()), as epan derived them.
 *
 * A TCP header quoted inside an ICMP/ICMPv6 error lies above an icmp/icmpv6
 * layer and is skipped. A TCP layer that carries IP itself (a tunnel over
 * TCP) takes its addresses from its tap record, else from the IP item below
 * it when the tree has one, and is otherwise counted untracked (an expert
 * item says so) rather than given the inner packet's addresses.
 */
#include <string.h>

#include <epan/conversation.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/tap.h>
#include <epan/dissectors/packet-tcp.h>

#include "tl_compat.h"
#include "tl_glue.h"

/*
 * The `tcp` item delimits the header (a `tcp` filter primes it anyway). The
 * two others are wanted only when no tap record gives them (see above).
 * Every primed field costs epan a field_info and a per-packet array in
 * every packet, and a primed protocol makes all of its fields real items:
 * priming `ip` alone cost 3,800 instructions a packet. Where the layer sits
 * comes from pinfo->layers.
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
static int proto_tcp = -1, proto_ip = -1, proto_ipv6 = -1, proto_icmp = -1, proto_icmpv6 = -1;
static int tcp_tap = -1;

/* The listener is only there to keep epan queueing tap records: it has no
 * callback, and TL_IS_DISSECTOR_HELPER tells tshark it needs no dissection
 * of its own. Registered once per process, never removed. */
static void
register_tap_helper(void)
{
    static gboolean done;
    GString *err;

    if (done)
        return;
    done = TRUE;
    tcp_tap = find_tap_id("tcp");
    if (tcp_tap <= 0) {
        tcp_tap = -1;
        return;
    }
    err = register_tap_listener("tcp", &tcp_tap, NULL, TL_IS_DISSECTOR_HELPER,
                                NULL, NULL, NULL, NULL);
    if (err) {
        ws_warning("tcplife: no tcp tap records (%s); tcp.stream and tcp.len are primed instead",
                   err->str);
        g_string_free(err, TRUE);
        tcp_tap = -1;
    }
}

void
tl_extract_resolve(void)
{
    for (int i = 0; i < TL_W_COUNT; i++)
        wanted_hf[i] = proto_registrar_get_id_byname(wanted_names[i]);
    proto_tcp = proto_get_id_by_filter_name("tcp");
    proto_ip = proto_get_id_by_filter_name("ip");
    proto_ipv6 = proto_get_id_by_filter_name("ipv6");
    proto_icmp = proto_get_id_by_filter_name("icmp");
    proto_icmpv6 = proto_get_id_by_filter_name("icmpv6");
    register_tap_helper();
}

/* Whether tcp.stream and tcp.len are wanted now: from the start of every
 * first pass until a frame brings tap records, and again when one with TCP
 * brings none (a pass without taps). */
static dissector_handle_t wanted_for;
static gboolean primed, primed_set;

static void
want_fields(gboolean on)
{
    GArray *ids;

    if (!wanted_for || (primed_set && on == primed))
        return;
    primed = on;
    primed_set = TRUE;
    ids = g_array_new(FALSE, FALSE, (guint)sizeof(int));
    for (int i = 0; i < TL_W_COUNT; i++)
        if (wanted_hf[i] > 0 && (on || i == TL_W_TCP || tcp_tap < 0))
            g_array_append_val(ids, wanted_hf[i]);
    /* epan takes the array (and frees the previous one); it is read when
     * the next frame is primed, never during this one's dissection. */
    set_postdissector_wanted_hfids(wanted_for, ids);
}

void
tl_extract_set_handle(dissector_handle_t handle)
{
    wanted_for = handle;
    primed_set = FALSE;
    want_fields(TRUE);
}

void
tl_extract_reset(void)
{
    want_fields(TRUE);
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
 * layer set, are not this layer's). Each walks only the part it needs.
 */
static gboolean
quoted_in_icmp(packet_info *pinfo, int total)
{
    int pos = 0;

    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f && ++pos < total;
         f = wmem_list_frame_next(f)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(f));

        if (id == proto_icmp || id == proto_icmpv6)
            return TRUE;
    }
    return FALSE;
}

static gboolean
ip_follows(packet_info *pinfo, int total)
{
    int pos = 0;

    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f; f = wmem_list_frame_next(f)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(f));

        if (++pos > total && (id == proto_ip || id == proto_ipv6))
            return TRUE;
    }
    return FALSE;
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
addrs_from_address(tl_segment_t *seg, const address *s, const address *d)
{
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

/* The frame's tcp tap records, fetched as far as needed (each fetch walks
 * epan's queue). */
#define TL_TAP_MAX 16
typedef struct {
    const struct tcpheader *th[TL_TAP_MAX];
    guint n;            /* fetched */
    gboolean end;       /* no record after th[n - 1] */
} tl_taps_t;

static const struct tcpheader *
tap_at(tl_taps_t *t, guint j)
{
    while (t->n <= j && !t->end) {
        const void *d = t->n < TL_TAP_MAX && tcp_tap > 0 ? fetch_tapped_data(tcp_tap, (int)t->n) : NULL;

        if (d)
            t->th[t->n++] = (const struct tcpheader *)d;
        else
            t->end = TRUE;
    }
    return j < t->n ? t->th[j] : NULL;
}

/* The tap record of the TCP layer whose header was read into seg: the next
 * one, in dissection order, after those already taken, with the same
 * ports, raw numbers and header length. A layer whose dissection stopped
 * early queued none. */
static const struct tcpheader *
tap_record(tl_taps_t *t, guint *next, const tl_segment_t *seg, gsize hlen)
{
    const struct tcpheader *th;

    for (guint j = *next; (th = tap_at(t, j)) != NULL; j++) {
        if (th->th_sport == seg->sport && th->th_dport == seg->dport
            && th->th_rawseq == seg->seq && th->th_hlen == hlen
            && (!(seg->flags & TL_F_ACK) || th->th_rawack == seg->ack)) {
            *next = j + 1;
            return th;
        }
    }
    return NULL;
}

/* No tap record and no primed field: the values epan's TCP dissector put in
 * tcp.stream and tcp.len before it stopped. The stream index is that of
 * the TCP conversation it found for this frame (by the same addresses and
 * ports); the length is what it computes from its tvb, whose reported
 * length the IP layer set: the IP header right before the TCP header says
 * how long the datagram is, the frame how much of it was on the wire.
 * Anything else (a reassembled datagram, IPv6 extension headers): none. */
static gboolean
from_conversation(packet_info *pinfo, const field_info *tcp_fi, gsize hlen, tl_extracted_t *x)
{
    const tl_segment_t *seg = &x->seg;
    gint n = seg->src.family == 4 ? 4 : 16, before = MIN(tcp_fi->start, 60);
    guint wire;
    gint64 ip;
    address src, dst;
    conversation_t *conv;
    const struct tcp_analysis *tcpd;

    if (proto_tcp <= 0 || !tcp_fi->ds_tvb || before < 20)
        return FALSE;
    ip = tl_ip_payload_before(tvb_get_ptr(tcp_fi->ds_tvb, tcp_fi->start - before, before + TL_TCP_HDR_MIN)
                              + before, (size_t)before, &seg->src, &seg->dst);
    wire = tvb_reported_length_remaining(tcp_fi->ds_tvb, tcp_fi->start);
    if (ip < 0 || MIN((guint64)ip, wire) < hlen)
        return FALSE;
    set_address(&src, n == 4 ? AT_IPv4 : AT_IPv6, n, seg->src.bytes);
    set_address(&dst, n == 4 ? AT_IPv4 : AT_IPv6, n, seg->dst.bytes);
    conv = find_conversation(pinfo->num, &src, &dst, CONVERSATION_TCP, seg->sport, seg->dport, 0);
    tcpd = conv ? (const struct tcp_analysis *)conversation_get_proto_data(conv, proto_tcp) : NULL;
    if (!tcpd)
        return FALSE;
    x->stream = tcpd->stream;
    x->seg.len = (guint32)(MIN((guint64)ip, wire) - hlen);
    return TRUE;
}

static guint
extract(GPtrArray **a, tvbuff_t *frame_tvb, proto_tree *tree, packet_info *pinfo,
        tl_extracted_t *out, guint max, guint *untracked, gboolean *taps)
{
    GPtrArray *tcp = a[TL_W_TCP];
    tl_taps_t t;
    guint n = 0, next = 0;

    t.n = 0;
    t.end = FALSE;
    *taps = FALSE;
    if (!tcp)
        return 0;

    for (guint i = 0; i < tcp->len && n < max; i++) {
        const field_info *tcp_fi = (const field_info *)g_ptr_array_index(tcp, i);
        int layer = tcp_fi->proto_layer_num, total = tcp_fi->total_layer_num;
        const struct tcpheader *rec;
        tl_extracted_t *x = &out[n];
        gboolean have;
        gsize hlen = 0;
        gint cap;

        cap = tcp_fi->ds_tvb ? tvb_captured_length_remaining(tcp_fi->ds_tvb, tcp_fi->start) : -1;
        memset(x, 0, sizeof *x);
        /* A header too short to track (epan flags the malformation itself):
         * counted, and flagged in the tree. */
        if (cap < TL_TCP_HDR_MIN
            || (hlen = tl_parse_tcp_header(tvb_get_ptr(tcp_fi->ds_tvb, tcp_fi->start, MIN(cap, 60)),
                                           (size_t)MIN(cap, 60), &x->seg)) == 0) {
            if (!quoted_in_icmp(pinfo, total))
                (*untracked)++;
            continue;
        }
        x->hdr_off = frame_tvb && tcp_fi->ds_tvb == frame_tvb ? tcp_fi->start : -1;
        x->seg.frame = pinfo->num;
        x->seg.time_ns = tl_time_ns(&pinfo->abs_ts);

        rec = tap_record(&t, &next, &x->seg, hlen);
        *taps |= t.n > 0;
        /* A quoted header is skipped, not counted. epan gives one no
         * tcp.len, so a record with a length needs no look at the layers. */
        if ((!rec || !rec->th_have_seglen) && quoted_in_icmp(pinfo, total))
            continue;
        if (rec) {
            /* epan's own record of this layer: no tcp.len where epan has
             * none either (an IP fragment, a header longer than the
             * segment). */
            have = rec->th_have_seglen && addrs_from_address(&x->seg, &rec->ip_src, &rec->ip_dst);
            x->stream = rec->th_stream;
            x->seg.len = rec->th_seglen;
        } else {
            const field_info *stream = in_tcp_layer(a[TL_W_STREAM], layer);
            const field_info *len = in_tcp_layer(a[TL_W_LEN], layer);

            /* The IP header carrying this TCP layer is the last one that
             * set pinfo's addresses, unless IP follows inside this TCP's
             * payload. */
            have = ip_follows(pinfo, total) ? addrs_from_tree(&x->seg, tree, total)
                            : addrs_from_address(&x->seg, &pinfo->net_src, &pinfo->net_dst);
            if (!have) {
                ;
            } else if (!primed) {
                /* Whatever a filter primed: the same source in every run. */
                have = from_conversation(pinfo, tcp_fi, hlen, x);
            } else if (stream && len) {
                x->stream = tl_fi_uint(stream);
                x->seg.len = tl_fi_uint(len);
            } else {
                have = FALSE;   /* epan has no tcp.len for it either */
            }
        }
        if (!have) {
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
    gboolean taps = FALSE;
    guint n;

    *untracked = 0;
    if (!tree)
        return 0;
    /* Unprimed fields are not looked up: no hashing for nothing. */
    for (int i = 0; i < TL_W_COUNT; i++)
        a[i] = i == TL_W_TCP || primed ? finfos(tree, i) : NULL;
    n = extract(a, frame_tvb, tree, pinfo, out, max, untracked, &taps);
    if (n + *untracked > 0)
        want_fields(!taps);
    return n;
}
