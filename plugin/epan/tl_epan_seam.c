/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_epan_seam.c - every access of the plugin beyond epan's public API, in
 * one file (tl_epan_seam.h says what and why): field_info members, the
 * bytes in front of a TCP header, TCP's tap record and TCP's conversation
 * data. No other file includes epan/dissectors/packet-tcp.h or reads a
 * field_info member.
 *
 * The private layouts are read only where tl_compat.h has a reviewed
 * TCPLIFE_SEAM_LAYOUT for the Wireshark built against: on any other
 * version the internal path is not even compiled, and the plugin uses the
 * primed fields.
 * It keeps no per-file state: tl_extract.c decides per file which path to
 * take.
 */
#include <stddef.h>
#include <string.h>

#include <epan/conversation.h>
#include <epan/epan.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/tap.h>

#include "tl_compat.h"
#include "tl_epan_seam.h"

#ifdef TCPLIFE_SEAM_LAYOUT
#include <epan/dissectors/packet-tcp.h>
#endif

static int proto_tcp = -1, tcp_tap = -1, probe_tap = -1;
/* Why the internal path is off; NULL while it is on. */
static const char *off_why = "not registered";

/* ---------------------------------------------------------------------
 * Which path: decided at handoff, revoked by a failed check.
 * --------------------------------------------------------------------- */

/* The layouts the internal path reads are those reviewed for this version
 * (tl_compat.h), as the headers built against have them. */
static gboolean
layout_reviewed(void)
{
#ifdef TCPLIFE_SEAM_LAYOUT
#define TCPLIFE_X_(type, member, off, size) \
    && offsetof(type, member) == (off) && sizeof(((type *)0)->member) == (size)
    return TRUE TCPLIFE_SEAM_LAYOUT(TCPLIFE_X_);
#undef TCPLIFE_X_
#else
    return FALSE;
#endif
}

/* The listener keeps epan queueing TCP's records: it has no callback, and
 * TL_IS_DISSECTOR_HELPER tells tshark it needs no dissection of its own.
 * Registered once per process, never removed. */
static const char *
register_tap_helper(void)
{
    GString *err;

    tcp_tap = find_tap_id("tcp");
    if (tcp_tap <= 0) {
        tcp_tap = -1;
        return "no tcp tap";
    }
    err = register_tap_listener("tcp", &tcp_tap, NULL, TL_IS_DISSECTOR_HELPER,
                                NULL, NULL, NULL, NULL);
    if (err) {
        ws_warning("tcplife: no tcp tap records (%s); tcp.stream and tcp.len are primed instead",
                   err->str);
        g_string_free(err, TRUE);
        tcp_tap = -1;
        return "the tcp tap listener was refused";
    }
    return NULL;
}

void
tl_seam_handoff(void)
{
    static gboolean done;
    const char *env = g_getenv("TCPLIFE_EPAN_FALLBACK");
    int major, minor, micro;

    if (done)
        return;
    done = TRUE;
    proto_tcp = proto_get_id_by_filter_name("tcp");
    probe_tap = register_tap("tcplife.probe");
    epan_get_version_number(&major, &minor, &micro);
    if (env && *env && strcmp(env, "0") != 0) {
        off_why = "TCPLIFE_EPAN_FALLBACK is set";     /* asked for: no warning */
        return;
    }
    if (!layout_reviewed()) {
        off_why = "no reviewed layout of packet-tcp.h for this Wireshark";
        ws_warning("tcplife: no reviewed layout of packet-tcp.h for Wireshark %d.%d.%d "
                   "(TCPLIFE_SEAM_LAYOUT in tl_compat.h); tcp.stream and tcp.len are primed "
                   "instead (slower)", WIRESHARK_VERSION_MAJOR, WIRESHARK_VERSION_MINOR,
                   WIRESHARK_VERSION_MICRO);
        return;
    }
    if (major != WIRESHARK_VERSION_MAJOR || minor != WIRESHARK_VERSION_MINOR
        || micro != WIRESHARK_VERSION_MICRO) {
        off_why = "libwireshark is not the version the plugin was built against";
        ws_warning("tcplife: built against Wireshark %d.%d.%d, running %d.%d.%d: its private "
                   "layouts are not used; tcp.stream and tcp.len are primed instead (slower)",
                   WIRESHARK_VERSION_MAJOR, WIRESHARK_VERSION_MINOR, WIRESHARK_VERSION_MICRO,
                   major, minor, micro);
        return;
    }
    off_why = register_tap_helper();
}

gboolean
tl_seam_internal(void)
{
    return off_why == NULL;
}

const char *
tl_seam_why_off(void)
{
    return off_why ? off_why : "";
}

void
tl_seam_distrust(const char *what)
{
    if (!off_why)
        ws_warning("tcplife: %s disagrees with the primed field; tcp.stream and tcp.len "
                   "are primed from now on (slower)", what);
    off_why = what;
}

/* Queued entries are only kept, and fetch_tapped_data() only answers,
 * while epan dissects with taps: a private tap without listeners tells. */
gboolean
tl_seam_tapping(packet_info *pinfo)
{
    if (probe_tap <= 0)
        return FALSE;
    tap_queue_packet(probe_tap, pinfo, &probe_tap);
    return fetch_tapped_data(probe_tap, 0) == &probe_tap;
}

/* ---------------------------------------------------------------------
 * The packet provider: which frames the program keeps.
 * --------------------------------------------------------------------- */

#ifdef TCPLIFE_SEAM_LAYOUT
/* epan's struct epan_session (epan/epan-int.h, not installed), as 4.0, 4.4
 * and 4.6 define it: the provider's data, then the provider's functions
 * (struct packet_provider_funcs, epan.h). */
struct tl_session_mirror {
    struct packet_provider_data *prov;
    struct packet_provider_funcs funcs;
};
#endif

int
tl_seam_frames_kept(packet_info *pinfo, guint32 prev_num, const nstime_t *prev_ts)
{
#ifdef TCPLIFE_SEAM_LAYOUT
    const struct tl_session_mirror *s = (const struct tl_session_mirror *)pinfo->epan;
    const nstime_t *ts;

    if (off_why || !s || !s->funcs.get_frame_ts)
        return -2;
    if (pinfo->num < 5 || prev_num + 1 != pinfo->num)
        return -1;
    /* Every provider knows the frame read just before this one: the
     * answer must be its time, or this is not the provider reviewed. */
    ts = s->funcs.get_frame_ts(s->prov, prev_num);
    if (!ts || nstime_cmp(ts, prev_ts) != 0)
        return -2;
    return s->funcs.get_frame_ts(s->prov, 2) && s->funcs.get_frame_ts(s->prov, 3);
#else
    (void)pinfo;
    (void)prev_num;
    (void)prev_ts;
    return -2;
#endif
}

/* ---------------------------------------------------------------------
 * field_info: where an item lies, a primed field's value.
 * --------------------------------------------------------------------- */

/* Bytes looked at in front of a TCP header for its IP header: IPv4 with
 * options, IPv6 with extension headers. They are the capture's bytes, read
 * with tvb calls from the data source epan gave the `tcp` item; a change in
 * how epan lays out its data sources can only make the IP header not be
 * found there (tl_ip_header_before() checks version, lengths, protocol and
 * checksum), never make this read epan's memory. */
#define TCPLIFE_IP_BEFORE_MAX (40 + 256)

const tl_seam_items_t *
tl_seam_items(proto_tree *tree, int hf, guint *count)
{
    const GPtrArray *arr = hf > 0 && tree ? proto_get_finfo_ptr_array(tree, hf) : NULL;

    *count = arr ? arr->len : 0;
    return (const tl_seam_items_t *)arr;
}

void
tl_seam_item(const tl_seam_items_t *items, guint i, tl_tcp_item_t *out)
{
    const field_info *fi = (const field_info *)g_ptr_array_index((const GPtrArray *)items, i);

    out->ds = fi->ds_tvb;
    out->start = fi->start;
    out->layer = fi->proto_layer_num;
    out->total = fi->total_layer_num;
    out->cap = out->ds ? tvb_captured_length_remaining(out->ds, out->start) : -1;
    if (out->cap < TCPLIFE_TCP_HDR_MIN) {
        out->hdr = NULL;
        out->before = 0;
        return;
    }
    out->cap = MIN(out->cap, 60);
    /* The bytes in front for tl_seam_ip_before() come in the same read. */
    out->before = MIN(out->start, TCPLIFE_IP_BEFORE_MAX);
    out->hdr = tvb_get_ptr(out->ds, out->start - out->before, out->before + out->cap) + out->before;
}

gboolean
tl_seam_field_uint(proto_tree *tree, int hf, int layer, guint32 *value)
{
    const GPtrArray *arr = hf > 0 ? proto_get_finfo_ptr_array(tree, hf) : NULL;

    for (guint i = 0; arr && i < arr->len; i++) {
        field_info *fi = (field_info *)g_ptr_array_index(arr, i);

        if (fi->proto_layer_num == layer) {
#if TCPLIFE_FI_VALUE_IS_POINTER
            *value = fvalue_get_uinteger(fi->value);
#else
            *value = fvalue_get_uinteger(&fi->value);
#endif
            return TRUE;
        }
    }
    return FALSE;
}

/* ---------------------------------------------------------------------
 * The bytes in front of a TCP header.
 * --------------------------------------------------------------------- */


gint64
tl_seam_ip_before(const tl_tcp_item_t *it, tl_segment_t *seg, bool *first_fragment)
{
    if (!it->hdr || it->before < 20) {
        seg->has_ip_id = seg->has_ttl = false;
        *first_fragment = false;
        return -1;
    }
    return tl_ip_header_before(it->hdr, (size_t)it->before, seg, first_fragment);
}

/* ---------------------------------------------------------------------
 * TCP's private structures (epan/dissectors/packet-tcp.h): the internal
 * path, compiled only for a reviewed layout.
 * --------------------------------------------------------------------- */

#ifdef TCPLIFE_SEAM_LAYOUT
static const struct tcpheader *
tap_at(tl_seam_taps_t *t, guint j)
{
    while (t->n <= j && !t->end) {
        const void *d = t->n < TCPLIFE_SEAM_TAP_MAX ? fetch_tapped_data(tcp_tap, (int)t->n) : NULL;

        if (d)
            t->rec[t->n++] = d;
        else
            t->end = TRUE;
    }
    return j < t->n ? (const struct tcpheader *)t->rec[j] : NULL;
}

gboolean
tl_seam_tap_record(tl_seam_taps_t *t, const tl_segment_t *seg, gsize hlen, tl_tcp_record_t *out)
{
    const struct tcpheader *th;

    if (off_why)
        return FALSE;
    for (guint j = t->next; (th = tap_at(t, j)) != NULL; j++) {
        if (th->th_sport == seg->sport && th->th_dport == seg->dport
            && th->th_rawseq == seg->seq && th->th_hlen == hlen
            && (!(seg->flags & TCPLIFE_F_ACK) || th->th_rawack == seg->ack)) {
            t->next = j + 1;
            out->stream = th->th_stream;
            out->have_len = th->th_have_seglen;
            out->len = th->th_seglen;
            return TRUE;
        }
    }
    return FALSE;
}

gboolean
tl_seam_conv_stream(packet_info *pinfo, const tl_segment_t *seg, guint32 *stream)
{
    gint n = seg->src.family == 4 ? 4 : 16;
    address src, dst;
    conversation_t *conv;
    const struct tcp_analysis *tcpd;

    if (!tl_seam_internal() || proto_tcp <= 0)
        return FALSE;
    set_address(&src, n == 4 ? AT_IPv4 : AT_IPv6, n, seg->src.bytes);
    set_address(&dst, n == 4 ? AT_IPv4 : AT_IPv6, n, seg->dst.bytes);
    conv = find_conversation(pinfo->num, &src, &dst, CONVERSATION_TCP, seg->sport, seg->dport, 0);
    tcpd = conv ? (const struct tcp_analysis *)conversation_get_proto_data(conv, proto_tcp) : NULL;
    if (!tcpd)
        return FALSE;
    *stream = tcpd->stream;
    return TRUE;
}
#else
gboolean
tl_seam_tap_record(tl_seam_taps_t *t _U_, const tl_segment_t *seg _U_, gsize hlen _U_,
                   tl_tcp_record_t *out _U_)
{
    return FALSE;
}

gboolean
tl_seam_conv_stream(packet_info *pinfo _U_, const tl_segment_t *seg _U_, guint32 *stream _U_)
{
    return FALSE;
}
#endif

gboolean
tl_seam_tree_visible(proto_tree *tree)
{
    /* proto.h has no getter for the flag; proto_field_is_referenced()
     * reads it the same way. */
    return tree && PTREE_DATA(tree)->visible;
}

gboolean
tl_seam_protos_referenced(proto_tree *tree, const header_field_info *a, const header_field_info *b)
{
    const tree_data_t *td;

    /* As proto_field_is_referenced() decides for one (epan/proto.c, the
     * same from 1.12 to 4.6): a visible tree; a referenced field; a
     * protocol, in a tree that makes real protocol items. */
    if (!tree)
        return FALSE;
    td = PTREE_DATA(tree);
    if (td->visible)
        return TRUE;
    for (int i = 0; i < 2; i++) {
        const header_field_info *h = i ? b : a;

        if (h && (h->ref_type != HF_REF_TYPE_NONE || (h->type == FT_PROTOCOL && !td->fake_protocols)))
            return TRUE;
    }
    return FALSE;
}
