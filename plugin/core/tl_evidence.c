/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_evidence.c - what the capture point adds to a segment: a copy of the
 * previous frame (captured twice), keepalive probes and answers, a handshake
 * one side proves when the capture missed the other, and a RST whose
 * alleged sender goes on sending. Part of tl_conn_observe()'s steps
 * (tl_conn.c). No epan includes.
 */
#include <string.h>

#include "tl_internal.h"
#include "tl_seq.h"

#define add_anomaly tl_result_add_anomaly

/*
 * The same frame captured twice (a SPAN port, two capture interfaces): the
 * sender's previous segment again within a few ms, every header field and
 * the IP ID equal. Without an IP ID (IPv6, or 0 as RFC 6864 allows for
 * atomic datagrams) only within 1 ms: no stack retransmits that fast.
 */
#define TCPLIFE_DUP_WINDOW_NS   INT64_C(5000000)
#define TCPLIFE_DUP_NO_ID_NS    INT64_C(1000000)

static bool
is_duplicate(const tl_endpoint_t *ep, const tl_segment_t *seg)
{
    int64_t dt = seg->time_ns - ep->dup_time_ns;

    if (ep->segs == 0 || dt < 0 || dt > TCPLIFE_DUP_WINDOW_NS || seg->frame == ep->dup_frame
        || seg->seq != ep->dup_seq || seg->ack != ep->dup_ack || seg->len != ep->dup_len
        || seg->flags != ep->dup_flags || (uint16_t)seg->win != ep->dup_win
        || seg->has_ip_id != ep->dup_has_ip_id)
        return false;
    if (seg->has_ip_id && seg->ip_id != 0)
        return seg->ip_id == ep->dup_ip_id;
    /* Without an IP ID two equal pure ACKs may be real duplicate ACKs (a
     * receiver answering out-of-order data): only a copy of a segment with
     * payload or SYN, FIN or RST could pass for a retransmission. */
    return dt <= TCPLIFE_DUP_NO_ID_NS
           && (seg->len > 0 || (seg->flags & (TCPLIFE_F_SYN | TCPLIFE_F_FIN | TCPLIFE_F_RST)));
}

/*
 * The handshake as far as one side proves it when the capture missed the
 * other's segments: a client acknowledging the server's ISN after its own
 * SYN got the SYN-ACK; a server sending from SYN_RECEIVED after its SYN took
 * the handshake ACK.
 */
void
tl_infer_sync(tl_ctx_t *c)
{
    const tl_segment_t *seg = c->seg;
    tl_endpoint_t *snd = c->snd, *rcv = c->rcv;

    if (!(seg->flags & TCPLIFE_F_ACK))
        return;
    if (snd->state == TCPLIFE_STATE_SYN_SENT && snd->isn_known && !rcv->isn_known
        && tl_seq_geq(seg->seq, snd->isn + 1)) {
        /* The SYN-ACK was not captured: its ISN is what this ACK acks - 1. */
        tl_label_t label;
        rcv->isn_known = true;
        rcv->isn = seg->ack - 1;
        rcv->synack_sent = true;
        rcv->state = tl_on_send(rcv->state, TCPLIFE_EV_SYNACK, &label);
        snd->syn_acked = true;
        snd->state = TCPLIFE_STATE_ESTABLISHED;
        c->res->label_send = TCPLIFE_LABEL_SYNC_INFERRED;
        add_anomaly(c->res, TCPLIFE_ANOMALY_HANDSHAKE_SYNACK_UNSEEN);
        return;
    }
    if (snd->state == TCPLIFE_STATE_SYN_RECEIVED && snd->isn_known && !snd->syn_acked
        && !rcv->ack_known && rcv->segs == 0 && tl_seq_geq(seg->seq, snd->isn + 1)) {
        /* Nothing of the client since the SYN was captured. */
        snd->syn_acked = true;
        tl_send_event(c, TCPLIFE_EV_ACK_SYN);
        c->res->label_send = TCPLIFE_LABEL_SYNC_INFERRED;
        add_anomaly(c->res, TCPLIFE_ANOMALY_ONE_SIDED);
    }
}

/* Step 1: a copy of the sender's previous frame changes nothing. */
bool
tl_duplicate_step(tl_ctx_t *c)
{
    if (!is_duplicate(c->snd, c->seg))
        return false;
    c->res->dup_of = c->snd->dup_frame;
    add_anomaly(c->res, TCPLIFE_ANOMALY_DUPLICATE);
    if (c->seg->flags & TCPLIFE_F_RST) {
        /* The copy of a RST says what the RST said. */
        tl_rst_rule_t rule = (tl_rst_rule_t)c->snd->last_rst_rule;
        c->res->rst_rule = (uint8_t)rule;
        c->res->rst_kind = (uint8_t)tl_rst_rule_kind(rule);
        c->res->rst_reason = (uint8_t)tl_rst_rule_reason(rule);
    }
    return true;
}

/* A segment from the sender of the connection's RST, after it: the RST was
 * not its own (tl_rst.c cannot know at the RST). It never left its state. */
void
tl_sender_continues(tl_ctx_t *c)
{
    tl_conn_t *conn = c->conn;

    conn->injected = true;
    conn->reset_kind = TCPLIFE_RST_INJECTED;
    c->snd->state = (tl_state_t)c->snd->pre_rst_state;
    if (conn->rst_ignored) {
        /* Neither side took it: the connection goes on. */
        conn->reset = conn->ended = false;
        c->was_ended = false;
    }
    c->res->label_send = TCPLIFE_LABEL_NOT_RESET;
    c->res->rel_rst = conn->reset_frame;
    add_anomaly(c->res, TCPLIFE_ANOMALY_RESET_SENDER_CONTINUES);
}

/*
 * Keepalive (RFC 1122 §4.2.3.6): a segment at SND.UNA - 1 with no new data
 * (Linux sends 0 bytes, Windows 1), everything the prober sent acknowledged;
 * the peer answers with an ACK of SND.UNA. A zero-window probe looks the
 * same, so not when the peer's window was 0.
 */
tl_keepalive_t
tl_keepalive_of(tl_ctx_t *c)
{
    const tl_segment_t *seg = c->seg;
    tl_endpoint_t *snd = c->snd, *rcv = c->rcv;

    if ((seg->flags & (TCPLIFE_F_SYN | TCPLIFE_F_FIN | TCPLIFE_F_RST | TCPLIFE_F_ACK)) != TCPLIFE_F_ACK)
        return TCPLIFE_KA_NONE;
    if (rcv->ka_frame && seg->len == 0 && snd->segs > 0 && rcv->nxt_known && seg->ack == rcv->nxt)
        return TCPLIFE_KA_ANSWER;
    if (seg->len <= 1 && c->conn->handshake_done && rcv->ack_known && rcv->dup_win != 0
        && snd->nxt_known && snd->nxt == rcv->ack_max && seg->seq == rcv->ack_max - 1)
        return TCPLIFE_KA_PROBE;
    return TCPLIFE_KA_NONE;
}

