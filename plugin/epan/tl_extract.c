/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_extract.c - what epan already decoded of each TCP layer -> tl_segment_t.
 *
 * tcplife does not dissect TCP: it takes the header epan delimited (the
 * `tcp` item's bytes, read by the core's tl_parse_tcp_header() with epan's
 * own option rules) and epan's connection index (tcp.stream). Whatever goes
 * beyond epan's public API to get them is tl_epan_seam.c's; this file uses
 * the seam and public calls only.
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
 *    source (tl_seam_ip_before()): the addresses, TTL / hop limit and IP
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
 *    length (below), else that of the reassembled payload;
 *  - the stream index, which only epan knows (below).
 *
 * Where tcp.stream and tcp.len come from is decided once per file, at its
 * first frame with a TCP layer, and never depends on an earlier frame:
 *
 *  - primed: both are wanted fields (public API) for the whole file. Taken
 *    when that first pass runs without taps (tshark -2, the GUI with a read
 *    filter, sharkd) or the seam's internal path is off
 *    (TCPLIFE_EPAN_FALLBACK=1, a Wireshark without a reviewed layout, a
 *    failed check). A layer without tcp.stream is not tracked.
 *  - tap: from TCP's tap record, which costs about 250 instructions a
 *    packet where the two primed fields cost 2,700. A layer whose TCP
 *    dissection stopped before it queued its record (options cut by the
 *    snaplen) takes the stream of the TCP conversation epan keeps for its
 *    addresses and ports: the same number. Taken when the pass runs with
 *    taps and the internal path is on.
 *
 * Every file starts primed (epan primes a frame before dissecting it, with
 * what the previous frame asked for), so its first TCP frame is always
 * read from the primed fields; in a pass with taps it also checks the tap
 * record and the conversation against them (a mismatch turns the internal
 * path off: tl_seam_distrust()). A pass has taps or has none from start to
 * end (tshark and the GUI never mix them in one file's first pass; if a
 * program did, a layer without its record would still get the
 * conversation's stream). TCPLIFE_EPAN_REPORT=1 prints the choice.
 *
 * A TCP header quoted inside an ICMP/ICMPv6 error lies above an icmp/icmpv6
 * layer and is skipped.
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/proto.h>

#include "tl_compat.h"
#include "tl_epan_seam.h"
#include "tl_glue.h"

/*
 * The `tcp` item delimits the header (a `tcp` filter primes it anyway). The
 * two others are wanted only in primed mode (see above). Every primed field
 * costs epan a field_info and a per-packet array in every packet, and a
 * primed protocol makes all of its fields real items: priming `ip` alone
 * cost 3,800 instructions a packet. Where the layer sits comes from
 * pinfo->layers.
 */
#define TCPLIFE_WANTED_MAP(X)                               \
    X(TCP,      "tcp")                                      \
    X(STREAM,   "tcp.stream")                               \
    X(LEN,      "tcp.len")

enum {
#define TCPLIFE_X_(sym, name) TCPLIFE_W_##sym,
    TCPLIFE_WANTED_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_W_COUNT
};

static const char *const wanted_names[TCPLIFE_W_COUNT] = {
#define TCPLIFE_X_(sym, name) name,
    TCPLIFE_WANTED_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
};

static int wanted_hf[TCPLIFE_W_COUNT];
static int proto_ip = -1, proto_ipv6 = -1, proto_icmp = -1, proto_icmpv6 = -1;

void
tl_extract_resolve(void)
{
    for (int i = 0; i < TCPLIFE_W_COUNT; i++)
        wanted_hf[i] = proto_registrar_get_id_byname(wanted_names[i]);
    proto_ip = proto_get_id_by_filter_name("ip");
    proto_ipv6 = proto_get_id_by_filter_name("ipv6");
    proto_icmp = proto_get_id_by_filter_name("icmp");
    proto_icmpv6 = proto_get_id_by_filter_name("icmpv6");
    tl_seam_handoff();
}

/* This file's mode (see the top): FIRST until its first TCP frame. */
typedef enum { TCPLIFE_MODE_FIRST, TCPLIFE_MODE_PRIMED, TCPLIFE_MODE_TAP } tl_mode_t;
static tl_mode_t mode;
static dissector_handle_t wanted_for;

/* tcp, and tcp.stream and tcp.len when `primed`. epan takes the array (and
 * frees the previous one); it is read when the next frame is primed, never
 * during this one's dissection. */
static void
want_fields(gboolean primed)
{
    GArray *ids;

    if (!wanted_for)
        return;
    ids = g_array_new(FALSE, FALSE, (guint)sizeof(int));
    for (int i = 0; i < TCPLIFE_W_COUNT; i++)
        if (wanted_hf[i] > 0 && (primed || i == TCPLIFE_W_TCP))
            g_array_append_val(ids, wanted_hf[i]);
    set_postdissector_wanted_hfids(wanted_for, ids);
}

void
tl_extract_set_handle(dissector_handle_t handle)
{
    wanted_for = handle;
    want_fields(TRUE);
}

void
tl_extract_reset(void)
{
    mode = TCPLIFE_MODE_FIRST;
    want_fields(TRUE);
}

/*
 * Where the TCP layer at position `total` of pinfo->layers (an item's
 * tl_tcp_item_t.total counts the same list) sits: quoted inside an ICMP or
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

/* One layer's tcp.stream and tcp.len, as far as epan gave them. */
typedef struct {
    gboolean have_stream, have_len;
    guint32  stream, len;
} tl_epan_vals_t;

/*
 * The addresses, IP metadata and length of one TCP layer whose header was
 * read into x->seg (see the top of the file). FALSE: not tracked.
 */
static gboolean
carrier(packet_info *pinfo, tvbuff_t *frame_tvb, const tl_tcp_item_t *it, gsize hlen,
        const tl_epan_vals_t *v, tl_extracted_t *x)
{
    guint64 wire = (guint64)tvb_reported_length_remaining(it->ds, it->start);
    bool first_fragment;
    gint64 ip = tl_seam_ip_before(it, &x->seg, &first_fragment);

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
    if (ip_follows(pinfo, it->total)
        || !addrs_from_address(&x->seg, &pinfo->net_src, &pinfo->net_dst))
        return FALSE;
    if (v->have_len)
        x->seg.len = v->len;
    else if (it->start == 0 && it->ds != frame_tvb && wire >= hlen)
        x->seg.len = (guint32)MIN(wire - hlen, G_MAXUINT32);   /* the reassembled payload */
    else
        return FALSE;
    return TRUE;
}

/* The first TCP frame of a pass with taps: the tap record (already taken
 * as in tap mode) and the conversation must say what the primed fields
 * say. */
static void
check_internal(packet_info *pinfo, const tl_segment_t *seg, const tl_tcp_record_t *rec,
               const tl_epan_vals_t *v)
{
    guint32 conv;

    if (rec && ((v->have_stream && rec->stream != v->stream)
                || (v->have_len && rec->have_len && rec->len != v->len)))
        tl_seam_distrust("TCP's tap record");
    else if (v->have_stream && tl_seam_conv_stream(pinfo, seg, &conv) && conv != v->stream)
        tl_seam_distrust("TCP's conversation data");
}

static guint
extract(proto_tree *tree, const tl_seam_items_t *items, guint count, tvbuff_t *frame_tvb,
        packet_info *pinfo, tl_extracted_t *out, guint max, guint *untracked, gboolean check)
{
    guint n = 0;
    tl_seam_taps_t t;

    tl_seam_taps_start(&t);
    for (guint i = 0; i < count && n < max; i++) {
        tl_tcp_item_t it;
        tl_tcp_record_t rec;
        tl_epan_vals_t v = { FALSE, FALSE, 0, 0 };
        tl_extracted_t *x = &out[n];
        gboolean have_rec = FALSE;
        gsize hlen = 0;

        tl_seam_item(items, i, &it);
        memset(x, 0, sizeof *x);
        /* A header too short to track (epan flags the malformation itself):
         * counted, and flagged in the tree. */
        if (!it.hdr || (hlen = tl_parse_tcp_header(it.hdr, (size_t)it.cap, &x->seg)) == 0) {
            if (!quoted_in_icmp(pinfo, it.total))
                (*untracked)++;
            continue;
        }
        x->hdr_off = frame_tvb && it.ds == frame_tvb ? it.start : -1;
        x->seg.frame = pinfo->num;
        x->seg.time_ns = tl_time_ns(&pinfo->abs_ts);

        if (mode == TCPLIFE_MODE_TAP || check)
            have_rec = tl_seam_tap_record(&t, &x->seg, hlen, &rec);
        if (mode == TCPLIFE_MODE_TAP) {
            if (have_rec) {
                v.have_stream = TRUE;
                v.stream = rec.stream;
                v.have_len = rec.have_len;
                v.len = rec.len;
            }
        } else {
            v.have_stream = tl_seam_field_uint(tree, wanted_hf[TCPLIFE_W_STREAM], it.layer,
                                               &v.stream);
            v.have_len = tl_seam_field_uint(tree, wanted_hf[TCPLIFE_W_LEN], it.layer, &v.len);
        }
        /* A quoted header is skipped, not counted. epan gives one no
         * length, so a layer with a length needs no look at the layers. */
        if (!v.have_len && quoted_in_icmp(pinfo, it.total))
            continue;
        if (!carrier(pinfo, frame_tvb, &it, hlen, &v, x)) {
            (*untracked)++;
            continue;
        }
        if (check)
            check_internal(pinfo, &x->seg, have_rec ? &rec : NULL, &v);
        if (v.have_stream)
            x->stream = v.stream;
        else if (mode != TCPLIFE_MODE_TAP || !tl_seam_conv_stream(pinfo, &x->seg, &x->stream)) {
            (*untracked)++;
            continue;
        }
        n++;
    }
    return n;
}

/* TCPLIFE_EPAN_REPORT=1: which mode this file got, and why (tests). */
static void
report(guint32 frame)
{
    if (!g_getenv("TCPLIFE_EPAN_REPORT"))
        return;
    if (mode == TCPLIFE_MODE_TAP)
        fprintf(stderr, "tcplife epan: frame %u: tap\n", frame);
    else
        fprintf(stderr, "tcplife epan: frame %u: primed (%s)\n", frame,
                tl_seam_internal() ? "no taps in this pass" : tl_seam_why_off());
}

guint
tl_extract(tvbuff_t *frame_tvb, proto_tree *tree, packet_info *pinfo, tl_extracted_t *out,
           guint max, guint *untracked)
{
    const tl_seam_items_t *items;
    gboolean check = FALSE;
    guint count, n;

    *untracked = 0;
    items = tl_seam_items(tree, wanted_hf[TCPLIFE_W_TCP], &count);
    if (count == 0)
        return 0;
    /* The file's first TCP frame: read primed; with taps, check the
     * internal path against it, then choose. */
    if (mode == TCPLIFE_MODE_FIRST)
        check = tl_seam_internal() && tl_seam_tapping(pinfo);
    n = extract(tree, items, count, frame_tvb, pinfo, out, max, untracked, check);
    if (mode == TCPLIFE_MODE_FIRST) {
        mode = check && tl_seam_internal() ? TCPLIFE_MODE_TAP : TCPLIFE_MODE_PRIMED;
        if (mode == TCPLIFE_MODE_TAP)
            want_fields(FALSE);
        report(pinfo->num);
    }
    return n;
}
