/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_tree.c - a stored tl_result_t -> the "TCP Lifecycle" tree and its
 * expert items. Renders only: every decision was made by the core on the
 * first pass. Field names follow SPEC.md.
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include <wsutil/nstime.h>

#include "tl_glue.h"

static int proto_tl = -1;

static int hf_tcplife_stream = -1;
static int hf_tcplife_phase = -1;
static int hf_tcplife_sender = -1;
static int hf_tcplife_state_client = -1;
static int hf_tcplife_state_server = -1;
static int hf_tcplife_transition = -1;
static int hf_tcplife_api = -1;
static int hf_tcplife_handshake_step = -1;
static int hf_tcplife_handshake_ack_ok = -1;
static int hf_tcplife_handshake_retry = -1;
static int hf_tcplife_handshake_backoff = -1;
static int hf_tcplife_handshake_isn = -1;
static int hf_tcplife_handshake_peer_isn = -1;
static int hf_tcplife_handshake_syn_frame = -1;
static int hf_tcplife_prev_frame = -1;
static int hf_tcplife_teardown_step = -1;
static int hf_tcplife_teardown_kind = -1;
static int hf_tcplife_teardown_initiator = -1;
static int hf_tcplife_teardown_fin_frame = -1;
static int hf_tcplife_rst_answers = -1;
static int hf_tcplife_midstream = -1;
static int hf_tcplife_roles_inferred = -1;

static gint ett_tcplife = -1;
static gint ett_tcplife_handshake = -1;
static gint ett_tcplife_teardown = -1;

static expert_field ei_tcplife[TL_ANOMALY_COUNT];

static const char *const anomaly_abbrev[TL_ANOMALY_COUNT] = {
#define TL_X_(sym, sev, str) "tcplife.anomaly." #sym,
    TL_ANOMALY_MAP(TL_X_)
#undef TL_X_
};

static int
pi_severity(int sev)
{
    switch (sev) {
    case 3: return PI_ERROR;
    case 2: return PI_WARN;
    case 1: return PI_NOTE;
    default: return PI_CHAT;
    }
}

static int
pi_group(tl_anomaly_t a)
{
    switch (a) {
    case TL_ANOMALY_HANDSHAKE_SYN_RETRANS:
    case TL_ANOMALY_HANDSHAKE_SYNACK_RETRANS:
    case TL_ANOMALY_TEARDOWN_FIN_RETRANS:
        return PI_SEQUENCE;
    case TL_ANOMALY_HANDSHAKE_REFUSED:
    case TL_ANOMALY_RESET_SEEN:
    case TL_ANOMALY_HANDSHAKE_SIMULTANEOUS_OPEN:
    case TL_ANOMALY_TEARDOWN_SIMULTANEOUS:
    case TL_ANOMALY_TEARDOWN_HALF_CLOSE:
    case TL_ANOMALY_ESTABLISHED_MIDSTREAM:
        return PI_SEQUENCE;
    default:
        return PI_PROTOCOL;
    }
}

void
tl_tree_register(int proto)
{
    static hf_register_info hf[] = {
        { &hf_tcplife_stream, { "Stream index", "tcplife.stream",
          FT_UINT32, BASE_DEC, NULL, 0x0, "tcp.stream of this TCP layer", HFILL } },
        { &hf_tcplife_phase, { "Phase", "tcplife.phase",
          FT_STRING, BASE_NONE, NULL, 0x0,
          "handshake, established, teardown, reset or closed, as of this segment", HFILL } },
        { &hf_tcplife_sender, { "Sender", "tcplife.sender",
          FT_STRING, BASE_NONE, NULL, 0x0, "client or server", HFILL } },
        { &hf_tcplife_state_client, { "Client state", "tcplife.state.client",
          FT_STRING, BASE_NONE, NULL, 0x0, "RFC 9293 state of the client after this segment", HFILL } },
        { &hf_tcplife_state_server, { "Server state", "tcplife.state.server",
          FT_STRING, BASE_NONE, NULL, 0x0, "RFC 9293 state of the server after this segment", HFILL } },
        { &hf_tcplife_transition, { "Transition", "tcplife.transition",
          FT_STRING, BASE_NONE, NULL, 0x0, "An endpoint's state change and why", HFILL } },
        { &hf_tcplife_api, { "Socket call", "tcplife.api",
          FT_STRING, BASE_NONE, NULL, 0x0, "The socket call this segment corresponds to", HFILL } },
        { &hf_tcplife_handshake_step, { "Handshake step", "tcplife.handshake.step",
          FT_UINT8, BASE_DEC, NULL, 0x0, "1 = SYN, 2 = SYN-ACK, 3 = ACK completing the handshake", HFILL } },
        { &hf_tcplife_handshake_ack_ok, { "Handshake ACK = peer ISN + 1", "tcplife.handshake.ack_ok",
          FT_BOOLEAN, BASE_NONE, NULL, 0x0, "On steps 2 and 3: the ack is exactly the peer's ISN+1", HFILL } },
        { &hf_tcplife_handshake_retry, { "Retransmission", "tcplife.handshake.retry",
          FT_UINT8, BASE_DEC, NULL, 0x0, "n-th retransmission of this SYN or SYN-ACK", HFILL } },
        { &hf_tcplife_handshake_backoff, { "Backoff", "tcplife.handshake.backoff",
          FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0, "Time since the previous transmission of the same step", HFILL } },
        { &hf_tcplife_handshake_isn, { "ISN", "tcplife.handshake.isn",
          FT_UINT32, BASE_DEC, NULL, 0x0, "Initial sequence number of this segment's sender", HFILL } },
        { &hf_tcplife_handshake_peer_isn, { "Peer ISN", "tcplife.handshake.peer_isn",
          FT_UINT32, BASE_DEC, NULL, 0x0, "Initial sequence number this segment acknowledges (+1)", HFILL } },
        { &hf_tcplife_handshake_syn_frame, { "Answers SYN in frame", "tcplife.handshake.syn_frame",
          FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
          "The SYN (step 2) or SYN-ACK (step 3) this segment acknowledges", HFILL } },
        { &hf_tcplife_prev_frame, { "Previous transmission in frame", "tcplife.prev_frame",
          FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RETRANS_PREV), 0x0,
          "Previous transmission of this SYN, SYN-ACK or FIN", HFILL } },
        { &hf_tcplife_teardown_step, { "Teardown step", "tcplife.teardown.step",
          FT_UINT8, BASE_DEC, NULL, 0x0, "Ordinal of this FIN or FIN-acknowledging segment", HFILL } },
        { &hf_tcplife_teardown_kind, { "Teardown kind", "tcplife.teardown.kind",
          FT_STRING, BASE_NONE, NULL, 0x0, "four-way, three-way or simultaneous", HFILL } },
        { &hf_tcplife_teardown_initiator, { "Teardown initiator", "tcplife.teardown.initiator",
          FT_STRING, BASE_NONE, NULL, 0x0, "Who sent the first FIN (active closer)", HFILL } },
        { &hf_tcplife_teardown_fin_frame, { "Acknowledges FIN in frame", "tcplife.teardown.fin_frame",
          FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_ACK), 0x0,
          "The FIN this segment acknowledges", HFILL } },
        { &hf_tcplife_rst_answers, { "RST answers frame", "tcplife.rst.answers",
          FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
          "The segment this RST answers", HFILL } },
        { &hf_tcplife_midstream, { "Capture started mid-connection", "tcplife.midstream",
          FT_BOOLEAN, BASE_NONE, NULL, 0x0, "The handshake of this connection was not captured", HFILL } },
        { &hf_tcplife_roles_inferred, { "Roles inferred", "tcplife.roles_inferred",
          FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "No SYN seen: server = SYN-ACK sender, else the well-known or lower port", HFILL } },
    };
    static gint *ett[] = { &ett_tcplife, &ett_tcplife_handshake, &ett_tcplife_teardown };
    static ei_register_info ei[TL_ANOMALY_COUNT - 1];
    expert_module_t *expert;

    proto_tl = proto;
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));

    /* One expert item per anomaly, expanded from TL_ANOMALY_MAP. */
    for (int a = 1; a < TL_ANOMALY_COUNT; a++) {
        ei_register_info *e = &ei[a - 1];
        e->ids = &ei_tcplife[a];
        e->eiinfo.name = g_ascii_strdown(anomaly_abbrev[a], -1);
        e->eiinfo.group = pi_group((tl_anomaly_t)a);
        e->eiinfo.severity = pi_severity(tl_anomaly_severity((tl_anomaly_t)a));
        e->eiinfo.summary = tl_anomaly_text((tl_anomaly_t)a);
        ei_tcplife[a].ei = EI_INIT_EI;
        ei_tcplife[a].hf = EI_INIT_HF;
    }
    expert = expert_register_protocol(proto);
    expert_register_field_array(expert, ei, array_length(ei));
}

static const char *
role(guint8 r)
{
    return tl_role_name((tl_role_t)r);
}

static const char *
state(guint8 s)
{
    return tl_state_name((tl_state_t)s);
}

static const char *
check(gboolean ok)
{
    return ok ? "\xe2\x9c\x93" : "\xe2\x9c\x97";   /* ✓ / ✗ */
}

/* The one-line summary: what this segment is, the proof, both states. */
static const char *
summary(wmem_allocator_t *pool, const tl_result_t *r)
{
    const char *what;
    const char *who = role(r->sender);
    guint8 td_total = r->td_kind == TL_TEARDOWN_THREE_WAY ? 3 : 4;

    switch ((tl_phase_t)r->phase) {
    case TL_PHASE_HANDSHAKE:
        if (r->hs_step == 1 && r->hs_retry)
            what = wmem_strdup_printf(pool, "Handshake 1/3: SYN retransmission %u, %.3f s after the previous",
                                      r->hs_retry, (double)r->hs_backoff_ns / 1e9);
        else if (r->hs_step == 1)
            what = wmem_strdup_printf(pool, "Handshake 1/3: SYN, ISN j=%u", r->isn);
        else if (r->hs_step == 2 && r->hs_retry)
            what = wmem_strdup_printf(pool, "Handshake 2/3: SYN-ACK retransmission %u, %.3f s after the previous",
                                      r->hs_retry, (double)r->hs_backoff_ns / 1e9);
        else if (r->hs_step == 2)
            what = wmem_strdup_printf(pool, "Handshake 2/3: SYN-ACK, ISN k=%u, ack = j+1 %s",
                                      r->isn, r->hs_ack_checked ? check(r->hs_ack_ok) : "(SYN not captured)");
        else if (r->hs_step == 3)
            what = wmem_strdup_printf(pool, "Handshake 3/3: ACK, ack = k+1 %s", check(r->hs_ack_ok));
        else
            what = wmem_strdup_printf(pool, "Handshake: %s segment before both sides are synchronized", who);
        break;
    case TL_PHASE_ESTABLISHED:
        if (r->len)
            what = wmem_strdup_printf(pool, "Established: %s sends %u bytes", who, r->len);
        else
            what = wmem_strdup_printf(pool, "Established: ACK from %s", who);
        break;
    case TL_PHASE_TEARDOWN: {
        const char *step;
        const char *kind = r->td_kind ? tl_teardown_name((tl_teardown_t)r->td_kind) : NULL;
        gboolean fin = (r->flags & TL_F_FIN) && !r->fin_retrans;

        if (fin && r->rel_fin)
            step = wmem_strdup_printf(pool, "FIN from %s, acknowledging the peer's FIN", who);
        else if (fin)
            step = wmem_strdup_printf(pool, "FIN from %s", who);
        else if (r->rel_fin)
            step = wmem_strdup_printf(pool, "%s acknowledges the peer's FIN", who);
        else if (r->fin_retrans)
            step = wmem_strdup_printf(pool, "FIN from %s retransmitted", who);
        else if (r->len)
            step = wmem_strdup_printf(pool, "%s sends %u bytes", who, r->len);
        else
            step = wmem_strdup_printf(pool, "ACK from %s", who);
        if (r->td_step && kind)
            what = wmem_strdup_printf(pool, "Teardown %u/%u (%s, %s closed first): %s", r->td_step,
                                      td_total, kind, role(r->td_initiator), step);
        else if (r->td_step)
            what = wmem_strdup_printf(pool, "Teardown %u (%s closed first): %s", r->td_step,
                                      role(r->td_initiator), step);
        else
            what = wmem_strdup_printf(pool, "Teardown (%s closed first): %s", role(r->td_initiator), step);
        break;
    }
    case TL_PHASE_RESET:
        if (r->rel_rst)
            what = wmem_strdup_printf(pool, "Reset: RST from %s answers the SYN: connection refused", who);
        else
            what = wmem_strdup_printf(pool, "Reset: RST from %s", who);
        break;
    case TL_PHASE_CLOSED:
        what = wmem_strdup_printf(pool, "Closed: %s segment after the connection ended", who);
        break;
    default:
        what = "?";
        break;
    }
    return wmem_strdup_printf(pool, "%s \xe2\x80\x94 client %s, server %s", what,
                              state(r->state[TL_ROLE_CLIENT]), state(r->state[TL_ROLE_SERVER]));
}

static proto_item *
gen(proto_item *ti)
{
    proto_item_set_generated(ti);
    return ti;
}

static void
add_transition(proto_tree *tree, tvbuff_t *tvb, const tl_result_t *r, tl_role_t who, guint8 label)
{
    if (label == TL_LABEL_NONE)
        return;
    gen(proto_tree_add_string_format_value(tree, hf_tcplife_transition, tvb, 0, 0,
        tl_label_text((tl_label_t)label), "%s %s \xe2\x86\x92 %s (%s)", role(who),
        state(r->prev_state[who]), state(r->state[who]), tl_label_text((tl_label_t)label)));
}

void
tl_tree_render(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
               const tl_layer_result_t *lr, gboolean final_known _U_)
{
    const tl_result_t *r = &lr->r;
    tl_role_t snd = (tl_role_t)r->sender, rcv = (tl_role_t)(TL_ROLE_COUNT - 1 - snd);
    proto_item *top, *ti = NULL;
    proto_tree *t, *st;

    top = proto_tree_add_item(tree, proto_tl, tvb, 0, 0, ENC_NA);
    proto_item_set_text(top, "TCP Lifecycle: %s", summary(pinfo->pool, r));
    gen(top);
    t = proto_item_add_subtree(top, ett_tcplife);

    gen(proto_tree_add_uint(t, hf_tcplife_stream, tvb, 0, 0, lr->stream));
    gen(proto_tree_add_string(t, hf_tcplife_phase, tvb, 0, 0, tl_phase_name((tl_phase_t)r->phase)));
    gen(proto_tree_add_string(t, hf_tcplife_sender, tvb, 0, 0, role(r->sender)));
    gen(proto_tree_add_string(t, hf_tcplife_state_client, tvb, 0, 0, state(r->state[TL_ROLE_CLIENT])));
    gen(proto_tree_add_string(t, hf_tcplife_state_server, tvb, 0, 0, state(r->state[TL_ROLE_SERVER])));
    add_transition(t, tvb, r, snd, r->label_send);
    add_transition(t, tvb, r, rcv, r->label_recv);
    if (r->api != TL_API_NONE)
        gen(proto_tree_add_string(t, hf_tcplife_api, tvb, 0, 0, tl_api_text((tl_api_t)r->api)));

    if (r->hs_step) {
        ti = gen(proto_tree_add_uint(t, hf_tcplife_handshake_step, tvb, 0, 0, r->hs_step));
        st = proto_item_add_subtree(ti, ett_tcplife_handshake);
        if (r->hs_step <= 2)
            gen(proto_tree_add_uint(st, hf_tcplife_handshake_isn, tvb, 0, 0, r->isn));
        if (r->hs_step >= 2)
            gen(proto_tree_add_uint(st, hf_tcplife_handshake_peer_isn, tvb, 0, 0, r->peer_isn));
        if (r->hs_ack_checked)
            gen(proto_tree_add_boolean_format_value(st, hf_tcplife_handshake_ack_ok, tvb, 0, 0,
                r->hs_ack_ok, "%s (ack %s peer ISN %u + 1)", r->hs_ack_ok ? "True" : "False",
                r->hs_ack_ok ? "=" : "\xe2\x89\xa0", r->peer_isn));
        if (r->rel_syn)
            gen(proto_tree_add_uint(st, hf_tcplife_handshake_syn_frame, tvb, 0, 0, r->rel_syn));
        if (r->hs_retry) {
            nstime_t d;
            d.secs = (time_t)(r->hs_backoff_ns / 1000000000);
            d.nsecs = (int)(r->hs_backoff_ns % 1000000000);
            gen(proto_tree_add_uint(st, hf_tcplife_handshake_retry, tvb, 0, 0, r->hs_retry));
            gen(proto_tree_add_time(st, hf_tcplife_handshake_backoff, tvb, 0, 0, &d));
        }
    }
    if (r->td_started) {
        st = t;
        if (r->td_step) {
            ti = gen(proto_tree_add_uint(t, hf_tcplife_teardown_step, tvb, 0, 0, r->td_step));
            st = proto_item_add_subtree(ti, ett_tcplife_teardown);
        }
        if (r->td_kind)
            gen(proto_tree_add_string(st, hf_tcplife_teardown_kind, tvb, 0, 0,
                                      tl_teardown_name((tl_teardown_t)r->td_kind)));
        gen(proto_tree_add_string(st, hf_tcplife_teardown_initiator, tvb, 0, 0, role(r->td_initiator)));
        if (r->rel_fin)
            gen(proto_tree_add_uint(st, hf_tcplife_teardown_fin_frame, tvb, 0, 0, r->rel_fin));
    }
    if (r->rel_prev)
        gen(proto_tree_add_uint(t, hf_tcplife_prev_frame, tvb, 0, 0, r->rel_prev));
    if (r->rel_rst)
        gen(proto_tree_add_uint(t, hf_tcplife_rst_answers, tvb, 0, 0, r->rel_rst));
    gen(proto_tree_add_boolean(t, hf_tcplife_midstream, tvb, 0, 0, r->midstream));
    gen(proto_tree_add_boolean(t, hf_tcplife_roles_inferred, tvb, 0, 0, r->roles_inferred));

    for (guint i = 0; i < r->n_anomalies; i++)
        expert_add_info(pinfo, top, &ei_tcplife[r->anomalies[i]]);
}
