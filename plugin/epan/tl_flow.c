/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_flow.c - the "TCP Lifecycle" sequence analysis: Statistics > Flow Graph
 * in Wireshark, and tshark -z flow,tcplife,network (or ,standard).
 *
 * One arrow per TCP segment tcplife tracked (a listener of the "tcplife"
 * tap, whose data is each layer's stored verdict), from the segment's sender
 * to its receiver. The label is the ladder's (-z tcplife,ladder): flags, the
 * handshake or teardown step, the payload length when it fits. The comment
 * gives both endpoints' states after the segment, the phase and what is
 * notable (retries, who closes first, teardown shape, half-close, RST kind,
 * TIME_WAIT, 4-tuple reuse).
 *
 * Built only when epan/sequence_analysis.h is available: Debian's
 * libwireshark-dev does not install it, scripts/ws-headers.sh fetches it
 * from Debian's source package of the same version (docs/compat.md).
 * Items are freed by epan (sequence_analysis_list_free): every string in
 * them is g_malloc()ed and the addresses are allocated with the NULL
 * (g_malloc) wmem scope, as free_address() expects.
 */
#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/address.h>
#include <epan/sequence_analysis.h>

#include "tl_compat.h"
#include "tl_glue.h"
#include "tcplife/tl_headline.h"

/* tshark's text Flow Graph gives the label of an arrow between two adjacent
 * nodes 20 characters (NODE_CHARS_WIDTH) and cuts the rest; the Qt graph
 * has room for about as much. */
#define TCPLIFE_FLOW_LABEL_MAX 20

/* An endpoint's address as tracked for this TCP layer (not pinfo's, which
 * is the innermost layer's in a tunnel); the family is 4 or 6. */
static void
set_ep_address(address *a, const tl_endpoint_t *ep)
{
    if (ep->addr.family == 4)
        alloc_address_wmem(NULL, a, AT_IPv4, 4, ep->addr.bytes);
    else
        alloc_address_wmem(NULL, a, AT_IPv6, 16, ep->addr.bytes);
}

static gboolean
ep_address_known(const tl_endpoint_t *ep)
{
    return ep->addr.family == 4 || ep->addr.family == 6;
}

static const char *
role(guint8 r)
{
    return tl_role_name((tl_role_t)r);
}

/* "client STATE, server STATE | phase: notes". */
static char *
flow_comment(const tl_result_t *r, const tl_layer_result_t *lr, const char *label, gint64 time_ns)
{
    GString *c = g_string_new(NULL);
    const char *who = role(r->sender), *peer = role(tl_peer((tl_role_t)r->sender));
    guint notes = 0;
#define NOTE(...) do { g_string_append(c, notes++ ? "; " : ": "); \
                       g_string_append_printf(c, __VA_ARGS__); } while (0)

    g_string_append_printf(c, "client %s, server %s | %s",
                           tl_state_name((tl_state_t)r->state[TCPLIFE_ROLE_CLIENT]),
                           tl_state_name((tl_state_t)r->state[TCPLIFE_ROLE_SERVER]),
                           tl_phase_name((tl_phase_t)r->phase));

    if (r->len && !strstr(label, " len="))
        NOTE("%u bytes", r->len);
    if (tl_result_has_anomaly(r, TCPLIFE_ANOMALY_ESTABLISHED_MIDSTREAM))
        NOTE("capture starts mid-connection%s", r->roles_inferred ? ", roles inferred" : "");
    if (tl_result_has_anomaly(r, TCPLIFE_ANOMALY_HANDSHAKE_SIMULTANEOUS_OPEN))
        NOTE("simultaneous open");
    if (r->hs_retry)
        NOTE("%s retry %u, %.3f s after the previous", r->hs_step == 2 ? "SYN-ACK" : "SYN",
             r->hs_retry, (double)r->hs_backoff_ns / 1e9);
    if (r->hs_ack_checked && !r->hs_ack_ok)
        NOTE("ack is not the peer's ISN+1");
    if (tl_result_has_anomaly(r, TCPLIFE_ANOMALY_HANDSHAKE_SYNACK_AFTER_ACK))
        NOTE("server did not take the handshake ACK");
    if (r->tw_reuse)
        NOTE("reuses the 4-tuple of stream %u, still in TIME_WAIT", lr->prev_stream);

    if ((r->flags & TCPLIFE_F_FIN) && r->fin_retrans)
        NOTE("FIN retransmitted");
    else if (r->td_step == 1 && r->td_started)
        NOTE("%s closes first", role(r->td_initiator));
    else if ((r->flags & TCPLIFE_F_FIN) && r->td_kind)
        NOTE("%s close", tl_teardown_name((tl_teardown_t)r->td_kind));
    if (r->half_close)
        NOTE("half-close: %s sent %u bytes after the %s's FIN", who, r->hc_bytes, peer);
    /* Only a four-way close has a half-closed interval worth a note: a
     * three-way one has none, a simultaneous one FINs that crossed. */
    if (r->hc_duration_valid && r->td_kind == TCPLIFE_TEARDOWN_FOUR_WAY)
        NOTE("half-closed for %.3f s", (double)r->hc_duration_ns / 1e9);

    if (r->rst_kind) {
        const char *kind = tl_rst_kind_name((tl_rst_kind_t)r->rst_kind);
        switch ((tl_rst_kind_t)r->rst_kind) {
        case TCPLIFE_RST_REFUSED:          NOTE("RST %s: no listener, ECONNREFUSED", kind); break;
        case TCPLIFE_RST_UNREAD_DATA:      NOTE("RST %s: closed with %u unread bytes", kind,
                                           r->rst_unread_bytes); break;
        case TCPLIFE_RST_DATA_AFTER_CLOSE: NOTE("RST %s: data after its FIN discarded", kind); break;
        case TCPLIFE_RST_ABORT:            NOTE("RST %s", kind); break;
        case TCPLIFE_RST_TIMEOUT:          NOTE("RST %s: %s", kind, r->rst_rule == TCPLIFE_RULE_KEEPALIVE
                                           ? "keepalive gave up" : "idle timer"); break;
        case TCPLIFE_RST_INJECTED:         NOTE("RST %s: most likely forged", kind); break;
        default:                           NOTE("RST %s: no live connection (%s)", kind,
                                           tl_rst_reason_name((tl_rst_reason_t)r->rst_reason)); break;
        }
        if (r->rst_unacked_bytes)
            NOTE("%u bytes unacknowledged, lost", r->rst_unacked_bytes);
    }

    if (r->keepalive)
        NOTE("keepalive %s", tl_keepalive_name((tl_keepalive_t)r->keepalive));
    if (r->dup_of) {
        /* The tracker's ordinal, named as the headline names it. */
        char ref[48];

        (void)tl_frame_ref(tl_glue_frames(), r->dup_of, ref, sizeof ref);
        NOTE("copy of %s", ref);
    }

    /* TIME_WAIT: on the segment that acknowledges the last FIN, which
     * starts it (tcplife.time_wait.start is its time). */
    if (r->tw_holder && r->tw_start_ns == time_ns)
        NOTE("%s in TIME_WAIT for %.0f s", tl_tw_holder_name((tl_tw_holder_t)r->tw_holder),
             (double)r->tw_duration_ns / 1e9);
    if (r->phase == TCPLIFE_PHASE_CLOSED && !r->rst_kind)
        NOTE("after the connection closed");
#undef NOTE
    return g_string_free(c, FALSE);
}

static tap_packet_status
flow_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
            tap_flags_t flags _U_)
{
    seq_analysis_info_t *sainfo = (seq_analysis_info_t *)tapdata;
    const tl_layer_result_t *lr = (const tl_layer_result_t *)data;
    const tl_result_t *r = &lr->r;
    const tl_endpoint_t *src = &lr->rec->conn.ep[(tl_role_t)r->sender];
    const tl_endpoint_t *dst = &lr->rec->conn.ep[tl_peer((tl_role_t)r->sender)];
    seq_analysis_item_t *sai;

    /* Allocated by epan (its own struct size, time_str in the user's time
     * format), addresses from pinfo; replaced below by this layer's. */
    sai = sequence_analysis_create_sai_with_addresses(pinfo, sainfo);
    if (!sai)
        return TAP_PACKET_DONT_REDRAW;
    if (ep_address_known(src) && ep_address_known(dst)) {
        free_address(&sai->src_addr);
        free_address(&sai->dst_addr);
        set_ep_address(&sai->src_addr, src);
        set_ep_address(&sai->dst_addr, dst);
    }
    sai->frame_number = pinfo->num;
    sai->port_src = src->port;
    sai->port_dst = dst->port;
    sai->frame_label = tl_arrow_label(r, TRUE, TCPLIFE_FLOW_LABEL_MAX);
    sai->comment = flow_comment(r, lr, sai->frame_label, tl_time_ns(&pinfo->abs_ts));
    sai->conv_num = (guint16)lr->stream;
    sai->line_style = 1;
    sai->display = TRUE;
    g_queue_push_tail(sainfo->items, sai);
    return TAP_PACKET_REDRAW;
}

void
tl_flow_register(int proto)
{
    register_seq_analysis("tcplife", "TCP Lifecycle", proto, "tcplife", TL_REQUIRES_NOTHING, flow_packet);
}
