/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_teardown.c - FINs: the first, the second (four-way, three-way or
 * simultaneous, or after a FIN that was lost), retransmissions, and a FIN
 * sent again after its ACK was captured (the ACK was lost beyond the capture
 * point). Part of tl_conn_observe()'s steps (tl_conn.c). No epan includes.
 */
#include <string.h>

#include "tl_internal.h"
#include "tl_seq.h"

#define add_anomaly tl_result_add_anomaly

/* A FIN sent again after its ACK was captured: that ACK was lost beyond the
 * capture point and the sender never left LAST_ACK (or CLOSING). */
static void
final_ack_lost(tl_ctx_t *c)
{
    tl_endpoint_t *snd = c->snd;
    tl_state_t back = snd->state == TCPLIFE_STATE_CLOSED ? TCPLIFE_STATE_LAST_ACK
                    : snd->state == TCPLIFE_STATE_TIME_WAIT ? TCPLIFE_STATE_CLOSING
                    : snd->state == TCPLIFE_STATE_FIN_WAIT_2 ? TCPLIFE_STATE_FIN_WAIT_1 : snd->state;

    snd->fin_acked = false;
    snd->fin_reacked = true;
    if (back != snd->state) {
        snd->state = back;
        c->res->label_send = TCPLIFE_LABEL_FINAL_ACK_LOST;
    }
    if (c->conn->ended && !c->conn->reset) {
        c->conn->ended = false;
        c->was_ended = false;
    }
    add_anomaly(c->res, TCPLIFE_ANOMALY_TEARDOWN_FINAL_ACK_LOST);
}

/* A FIN from the sender: new, or a retransmission of one already seen. */
bool
tl_on_fin(tl_ctx_t *c, bool acked_fin)
{
    const tl_segment_t *seg = c->seg;
    tl_result_t *res = c->res;
    tl_conn_t *conn = c->conn;
    tl_endpoint_t *snd = c->snd, *rcv = c->rcv;
    uint32_t fin_seq = seg->seq + seg->len;
    tl_event_t ev;

    if (snd->fin_sent) {
        res->fin_retrans = true;
        res->rel_prev = snd->fin_frame;
        snd->fin_last_ns = seg->time_ns;
        add_anomaly(res, TCPLIFE_ANOMALY_TEARDOWN_FIN_RETRANS);
        if (snd->fin_acked && !conn->reset && seg->seq + seg->len == snd->fin_seq)
            final_ack_lost(c);
        return false;
    }
    snd->fin_sent = true;
    snd->fin_seq = fin_seq;
    snd->fin_frame = seg->frame;
    snd->fin_time_ns = snd->fin_last_ns = seg->time_ns;

    /* A FIN whose ACK does not cover a FIN already seen from the peer was
     * sent before that FIN arrived: the FINs crossed, if it came soon after
     * it. Long after, the peer's FIN was lost: this side never got it, it
     * was still ESTABLISHED and closes on its own. */
    ev = (rcv->fin_sent && !rcv->fin_acked) ? TCPLIFE_EV_FIN_CROSSING : TCPLIFE_EV_FIN;
    if (ev == TCPLIFE_EV_FIN_CROSSING && seg->time_ns - rcv->fin_time_ns > TCPLIFE_CROSSING_NS) {
        conn->fin_lost = true;
        if (snd->state == TCPLIFE_STATE_CLOSE_WAIT)
            snd->state = TCPLIFE_STATE_ESTABLISHED;
        add_anomaly(res, TCPLIFE_ANOMALY_TEARDOWN_FIN_LOST);
    }

    if (!conn->teardown_started) {
        conn->teardown_started = true;
        conn->teardown_initiator = c->snd_role;
        res->api = TCPLIFE_API_CLOSE;
    } else if (conn->teardown_kind == TCPLIFE_TEARDOWN_NONE) {
        conn->hc_duration_ns = seg->time_ns - rcv->fin_time_ns;
        res->hc_duration_valid = true;
        res->hc_duration_ns = conn->hc_duration_ns;
        if (ev == TCPLIFE_EV_FIN_CROSSING && conn->fin_lost) {
            /* Sequential, the first FIN lost on the way and sent again. */
            conn->teardown_kind = TCPLIFE_TEARDOWN_FOUR_WAY;
            res->api = TCPLIFE_API_CLOSE;
        } else if (ev == TCPLIFE_EV_FIN_CROSSING) {
            conn->teardown_kind = TCPLIFE_TEARDOWN_SIMULTANEOUS;
            add_anomaly(res, TCPLIFE_ANOMALY_TEARDOWN_SIMULTANEOUS);
            res->api = TCPLIFE_API_CLOSE;
        } else {
            conn->teardown_kind = acked_fin ? TCPLIFE_TEARDOWN_THREE_WAY : TCPLIFE_TEARDOWN_FOUR_WAY;
            res->api = TCPLIFE_API_CLOSE_AFTER_EOF;
        }
    }
    tl_send_event(c, ev);
    if (conn->fin_lost && ev == TCPLIFE_EV_FIN_CROSSING)
        res->label_send = TCPLIFE_LABEL_PEER_FIN_LOST;
    /* A FIN from a side not yet synchronized (a TFO client closing before
     * any answer), or without ACK, is not taken by its peer (RFC 9293
     * §3.10.7.4: a segment without ACK is dropped there). */
    if ((seg->flags & TCPLIFE_F_ACK) && res->prev_state[c->snd_role] != TCPLIFE_STATE_SYN_SENT) {
        tl_recv_event(c, ev);
        if (conn->fin_lost && ev == TCPLIFE_EV_FIN_CROSSING)
            res->label_recv = TCPLIFE_LABEL_CLOSING_LOST_FIN;
    }

    /* Reordered at the capture point: the peer's ACK of this FIN was
     * captured before the FIN. The sender's FIN counts as acknowledged. */
    if (rcv->ack_known && tl_seq_geq(rcv->ack_max, fin_seq + 1)) {
        tl_label_t label;
        snd->fin_acked = true;
        snd->fin_ack_frame = rcv->ack_max_frame;
        snd->state = tl_on_recv(snd->state, TCPLIFE_EV_ACK_FIN, &label);
        res->rel_fin = 0;
        c->fin_acked_earlier = true;
        add_anomaly(res, TCPLIFE_ANOMALY_TEARDOWN_ACK_BEFORE_FIN);
    }
    return true;
}

