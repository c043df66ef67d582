/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_extract.c - what epan already decoded of each TCP layer -> tl_segment_t.
 *
 * tcplife does not dissect TCP: it takes the header epan delimited (the
 * `tcp` item's bytes, read by the core's tl_parse_tcp_header() with epan's
 * own option rules) and epan's connection index (tcp.stream).
 *
 * One rule: one pass, tshark -2 and the GUI give every layer the same
 * values. Their passes differ in what epan hands over: tap records exist
 * only where taps run (tshark's single pass, the GUI's first pass, not
 * tshark -2's first pass), primed fields only while tcplife asks for them,
 * tree items only in a visible tree; and a TCP dissection epan stops
 * partway (an exception) queues no tap record but may have added its
 * fields. So whatever can be read from the frame's bytes is read from
 * them, in every pass:
 *
 *  - the IP header right in front of the TCP header, in the same data
 *    source (tl_ip_header_before()): the addresses, TTL / hop limit and IP
 *    ID of the datagram that carried this layer (never pinfo's addresses,
 *    which the frame's last IP layer set: an outer or another inner
 *    header when a frame has several IP layers: a tunnel, an 802.11
 *    A-MSDU), and the segment length, as epan derives tcp.len: what the
 *    datagram carries (or the frame holds, when less) after the TCP
 *    header. A header that does not fit in its datagram is not tracked
 *    (epan: "Short segment"); a first IP fragment holding a whole header
 *    is, with the bytes it carries (as tcpdump prints it);
 *  - only when no IP header precedes the TCP header in its data source (a
 *    reassembled datagram: its own data source holds the payload only):
 *    the addresses of pinfo's last IP layer, unless an IP layer follows
 *    this TCP layer (then untracked: an expert item says so), and epan's
 *    length: the tap record's, else tcp.len when primed, else that of the
 *    reassembled payload;
 *  - the stream index, which only epan knows, from the tap record, else the
 *    primed tcp.stream, else the TCP conversation epan keeps for these
 *    addresses and ports: the same number in all three.
 *
 * Tap records: a permanent listener marked TL_IS_DISSECTOR_HELPER keeps
 * epan queueing them without making tshark dissect anything more; the
 * queueing costs about 250 instructions a packet, the two primed fields
 * cost 2,400, so tcp.stream and tcp.len are primed only while no tap
 * record is seen (tshark -2's first pass).
 *
 * A TCP header quoted inside an ICMP/ICMPv6 error lies above an icmp/icmpv6
 * layer and is skipped.
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

/* The stream index epan gave the TCP conversation of these addresses and
 * ports at this frame (tcp.stream), when neither a tap record nor a primed
 * field says it. */
static gboolean
stream_from_conversation(packet_info *pinfo, tl_extracted_t *x)
{
    const tl_segment_t *seg = &x->seg;
    gint n = seg->src.family == 4 ? 4 : 16;
    address src, dst;
    conversation_t *conv;
    const struct tcp_analysis *tcpd;

    if (proto_tcp <= 0)
        return FALSE;
    set_address(&src, n == 4 ? AT_IPv4 : AT_IPv6, n, seg->src.bytes);
    set_address(&dst, n == 4 ? AT_IPv4 : AT_IPv6, n, seg->dst.bytes);
    conv = find_conversation(pinfo->num, &src, &dst, CONVERSATION_TCP, seg->sport, seg->dport, 0);
    tcpd = conv ? (const struct tcp_analysis *)conversation_get_proto_data(conv, proto_tcp) : NULL;
    if (!tcpd)
        return FALSE;
    x->stream = tcpd->stream;
    return TRUE;
}

/* Bytes looked at in front of a TCP header for its IP header: IPv4 with
 * options, IPv6 with extension headers. */
#define TL_IP_BEFORE_MAX (40 + 256)

/*
 * The addresses, IP metadata and length of one TCP layer whose header was
 * read into x->seg (see the top of the file). FALSE: not tracked.
 */
static gboolean
carrier(packet_info *pinfo, tvbuff_t *frame_tvb, const field_info *tcp_fi, gsize hlen,
        const struct tcpheader *rec, const field_info *len_fi, tl_extracted_t *x)
{
    tvbuff_t *ds = tcp_fi->ds_tvb;
    gint before = MIN(tcp_fi->start, TL_IP_BEFORE_MAX);
    guint64 wire = (guint64)tvb_reported_length_remaining(ds, tcp_fi->start);
    bool first_fragment;
    gint64 ip = -1;

    if (before >= 20)
        ip = tl_ip_header_before(tvb_get_ptr(ds, tcp_fi->start - before, before + TL_TCP_HDR_MIN) + before,
                                 (size_t)before, &x->seg, &first_fragment);
    else
        x->seg.has_ip_id = x->seg.has_ttl = false;
    if (ip >= 0) {
        /* What the datagram (or this first fragment) carries, as far as
         * the frame goes: a header longer than that is epan's "Short
         * segment", dropped by any receiver. */
        guint64 avail = MIN((guint64)ip, wire);

        if (avail < hlen)
            return FALSE;
        x->seg.len = (guint32)MIN(avail - hlen, G_MAXUINT32);
        return TRUE;
    }
    /* No IP header in front (a reassembled datagram). pinfo's addresses
     * are those of the last IP layer: this layer's unless IP follows. */
    if (ip_follows(pinfo, tcp_fi->total_layer_num)
        || !addrs_from_address(&x->seg, &pinfo->net_src, &pinfo->net_dst))
        return FALSE;
    if (rec && rec->th_have_seglen)
        x->seg.len = rec->th_seglen;
    else if (len_fi)
        x->seg.len = tl_fi_uint(len_fi);
    else if (tcp_fi->start == 0 && ds != frame_tvb && wire >= hlen)
        x->seg.len = (guint32)MIN(wire - hlen, G_MAXUINT32);   /* the reassembled payload */
    else
        return FALSE;
    return TRUE;
}

static guint
extract(GPtrArray **a, tvbuff_t *frame_tvb, packet_info *pinfo,
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
        const field_info *stream_fi = NULL, *len_fi = NULL;
        tl_extracted_t *x = &out[n];
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
        if (!rec && primed) {
            stream_fi = in_tcp_layer(a[TL_W_STREAM], layer);
            len_fi = in_tcp_layer(a[TL_W_LEN], layer);
        }
        /* A quoted header is skipped, not counted. epan gives one no
         * length, so a layer with a length needs no look at the layers. */
        if (!((rec && rec->th_have_seglen) || len_fi) && quoted_in_icmp(pinfo, total))
            continue;
        if (!carrier(pinfo, frame_tvb, tcp_fi, hlen, rec, len_fi, x)) {
            (*untracked)++;
            continue;
        }
        if (rec)
            x->stream = rec->th_stream;
        else if (stream_fi)
            x->stream = tl_fi_uint(stream_fi);
        else if (!stream_from_conversation(pinfo, x)) {
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
    n = extract(a, frame_tvb, pinfo, out, max, untracked, &taps);
    if (n + *untracked > 0)
        want_fields(!taps);
    return n;
}
