/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_conn.c - the per-connection tracker: roles, both endpoints' states,
 * handshake and teardown steps, phase and socket-call labels.
 *
 * One call of tl_conn_observe() per observed segment. Guards are evaluated
 * once here (retransmission? what does the ACK newly cover?), the endpoints
 * move through the pure transitions of tl_fsm.c, and the verdict is written
 * to a flat tl_result_t. No epan includes, no allocation, no globals.
 */
#include <string.h>

#include "tl_internal.h"
#include "tl_seq.h"

static bool
addr_eq(const tl_addr_t *a, const tl_addr_t *b)
{
    return a->family == b->family && memcmp(a->bytes, b->bytes, sizeof a->bytes) == 0;
}

bool
tl_result_has_anomaly(const tl_result_t *r, tl_anomaly_t a)
{
    for (unsigned i = 0; i < r->n_anomalies && i < TL_MAX_ANOMALIES; i++)
        if (r->anomalies[i] == a)
            return true;
    return false;
}

void
tl_result_add_anomaly(tl_result_t *r, tl_anomaly_t a)
{
    /* The count is clamped first so that the compiler (GCC -O3) sees every
     * index stay inside the array. */
    unsigned n = r->n_anomalies < TL_MAX_ANOMALIES ? r->n_anomalies : TL_MAX_ANOMALIES;

    if (tl_result_has_anomaly(r, a))
        return;
    if (n < TL_MAX_ANOMALIES) {
        r->anomalies[n] = (uint8_t)a;
        r->n_anomalies = (uint8_t)(n + 1);
    }
}

#define add_anomaly tl_result_add_anomaly

void
tl_conn_init(tl_conn_t *conn)
{
    memset(conn, 0, sizeof *conn);
    conn->ep[TL_ROLE_CLIENT].state = TL_STATE_CLOSED;
    conn->ep[TL_ROLE_SERVER].state = TL_STATE_LISTEN;
}

/*
 * Roles from the first segment seen (SPEC "Roles"): the sender of a SYN
 * without ACK is the client, the sender of a SYN-ACK the server; otherwise
 * the well-known (below 1024) or else lower port is the server's.
 */
static tl_role_t
first_sender_role(const tl_segment_t *seg, bool *inferred)
{
    bool syn = seg->flags & TL_F_SYN, ack = seg->flags & TL_F_ACK;

    *inferred = !(syn && !ack);
    if (syn)
        return ack ? TL_ROLE_SERVER : TL_ROLE_CLIENT;
    /* A well-known port (below 1024) is always the lower one, and clients'
     * ephemeral ports (Linux: 32768-60999) sit above most service ports. */
    return seg->sport < seg->dport ? TL_ROLE_SERVER : TL_ROLE_CLIENT;
}

static void
start_conn(tl_conn_t *conn, const tl_segment_t *seg)
{
    bool inferred;
    tl_role_t s = first_sender_role(seg, &inferred);
    tl_role_t r = (tl_role_t)(TL_ROLE_COUNT - 1 - s);

    conn->started = true;
    conn->roles_inferred = inferred;
    conn->first_time_ns = seg->time_ns;
    conn->ep[s].addr = seg->src;
    conn->ep[s].port = seg->sport;
    conn->ep[r].addr = seg->dst;
    conn->ep[r].port = seg->dport;

    if (seg->flags & TL_F_SYN) {
        if (seg->flags & TL_F_ACK)      /* the client's SYN was not captured */
            conn->ep[TL_ROLE_CLIENT].state = TL_STATE_SYN_SENT;
        return;
    }
    if (seg->flags & TL_F_RST) {        /* nothing alive to reset */
        conn->ep[TL_ROLE_CLIENT].state = TL_STATE_CLOSED;
        conn->ep[TL_ROLE_SERVER].state = TL_STATE_CLOSED;
        conn->ended = true;
        return;
    }
    /* Capture started after the handshake: assume both synchronized. */
    conn->midstream = true;
    conn->handshake_done = true;
    for (int i = 0; i < TL_ROLE_COUNT; i++) {
        conn->ep[i].state = TL_STATE_ESTABLISHED;
        conn->ep[i].syn_acked = true;
    }
}

static tl_role_t
sender_role(const tl_conn_t *conn, const tl_segment_t *seg)
{
    const tl_endpoint_t *c = &conn->ep[TL_ROLE_CLIENT];

    if (c->port == seg->sport && addr_eq(&c->addr, &seg->src))
        return TL_ROLE_CLIENT;
    if (c->port == seg->dport && addr_eq(&c->addr, &seg->dst))
        return TL_ROLE_SERVER;
    /* Addresses the glue could not give: fall back on ports alone. */
    return c->port == seg->sport ? TL_ROLE_CLIENT : TL_ROLE_SERVER;
}

/* Everything one segment needs while it is processed. */
typedef struct {
    tl_conn_t          *conn;
    const tl_segment_t *seg;
    tl_result_t        *res;
    tl_endpoint_t      *snd, *rcv;
    tl_role_t           snd_role;
    bool                was_ended;
    bool                fin_acked_earlier;  /* the FIN's ACK came first */
} tl_ctx_t;

static void
send_event(tl_ctx_t *c, tl_event_t ev)
{
    tl_label_t label;
    c->snd->state = tl_on_send(c->snd->state, ev, &label);
    if (label != TL_LABEL_NONE)
        c->res->label_send = (uint8_t)label;
}

static void
recv_event(tl_ctx_t *c, tl_event_t ev)
{
    tl_label_t label;
    c->rcv->state = tl_on_recv(c->rcv->state, ev, &label);
    if (label != TL_LABEL_NONE)
        c->res->label_recv = (uint8_t)label;
}

/* Record the highest sequence number the sender has used. */
static void
note_sent(tl_endpoint_t *ep, const tl_segment_t *seg)
{
    uint32_t end = seg->seq + seg->len
                 + ((seg->flags & TL_F_SYN) ? 1u : 0u)
                 + ((seg->flags & TL_F_FIN) ? 1u : 0u);

    if (!ep->nxt_known || tl_seq_gt(end, ep->nxt)) {
        ep->nxt = end;
        ep->nxt_known = true;
    }
    if (seg->flags & TL_F_ACK) {
        if (!ep->ack_known || tl_seq_gt(seg->ack, ep->ack_max)) {
            ep->ack_max = seg->ack;
            ep->ack_max_frame = seg->frame;
            ep->ack_known = true;
        }
    }
    if (seg->has_ts && (!ep->ts_known || tl_seq_gt(seg->tsval, ep->ts_last))) {
        ep->ts_last = seg->tsval;
        ep->ts_known = true;
    }
    ep->last_frame = seg->frame;
}

/*
 * Payload accounting: new bytes only (a retransmission adds nothing). What
 * the receiver got since its own last payload is its "unanswered" input,
 * the evidence behind an unread-data RST; what the sender sends after the
 * peer's FIN is half-close data.
 */
static void
note_payload(tl_ctx_t *c)
{
    const tl_segment_t *seg = c->seg;
    tl_endpoint_t *snd = c->snd, *rcv = c->rcv;
    uint32_t start = seg->seq + ((seg->flags & TL_F_SYN) ? 1u : 0u);
    uint32_t end = start + seg->len, fresh;

    if (seg->len == 0)
        return;
    if (!snd->data_known)
        fresh = seg->len;
    else if (tl_seq_gt(end, snd->data_end))
        fresh = tl_seq_gt(start, snd->data_end) ? seg->len : end - snd->data_end;
    else
        fresh = 0;
    if (!snd->data_known || tl_seq_gt(end, snd->data_end)) {
        snd->data_end = end;
        snd->data_known = true;
    }
    if (fresh == 0)
        return;
    snd->last_data_frame = seg->frame;
    snd->unanswered = 0;
    /* Counters saturate: a wrapped count would be a wrong verdict. */
    rcv->unanswered = rcv->unanswered > UINT32_MAX - fresh ? UINT32_MAX : rcv->unanswered + fresh;
    if (rcv->fin_sent && !c->was_ended)
        snd->bytes_after_peer_fin = snd->bytes_after_peer_fin > UINT32_MAX - fresh
                                    ? UINT32_MAX : snd->bytes_after_peer_fin + fresh;
}

/* SYN or SYN-ACK: handshake steps 1 and 2, and their retransmissions. */
static void
on_syn(tl_ctx_t *c)
{
    const tl_segment_t *seg = c->seg;
    tl_result_t *res = c->res;
    tl_endpoint_t *snd = c->snd, *rcv = c->rcv;
    bool synack = seg->flags & TL_F_ACK;
    /* Simultaneous open (RFC 9293 figure 7): an endpoint whose own SYN was
     * its step 1 answers the peer's SYN with a SYN-ACK of the same ISN.
     * That SYN-ACK is its step 2, not a retransmission of the SYN. */
    bool simopen_synack = synack && c->conn->simultaneous_open && snd->isn_known
                          && !snd->synack_sent && seg->seq == snd->isn;

    res->hs_step = synack ? 2 : 1;
    res->isn = seg->seq;

    if (snd->isn_known && !simopen_synack) {
        if (seg->seq != snd->isn) {
            add_anomaly(res, TL_ANOMALY_HANDSHAKE_NEW_ISN);
            return;
        }
        /* Same ISN again: a retransmission, not a second open. */
        if (snd->syn_count < UINT8_MAX)
            snd->syn_count++;
        res->hs_retry = (uint8_t)(snd->syn_count - 1);
        res->hs_backoff_ns = seg->time_ns - snd->syn_time_ns;
        res->rel_prev = snd->syn_last_frame;
        snd->syn_last_frame = seg->frame;
        snd->syn_time_ns = seg->time_ns;
        res->api = synack ? TL_API_SYN_QUEUE_RETRY : TL_API_CONNECT_RETRY;
        add_anomaly(res, synack ? TL_ANOMALY_HANDSHAKE_SYNACK_RETRANS
                                : TL_ANOMALY_HANDSHAKE_SYN_RETRANS);
        if (synack) {
            c->conn->step3_pending = true;
            res->peer_isn = rcv->isn;
            res->rel_syn = rcv->syn_frame;
            res->hs_ack_checked = rcv->isn_known;
            res->hs_ack_ok = rcv->isn_known && seg->ack == rcv->isn + 1;
            if (snd->state == TL_STATE_ESTABLISHED) {
                /* RFC 9293: only SYN_RECEIVED sends a SYN-ACK, so the
                 * handshake ACK never reached this socket. */
                add_anomaly(res, TL_ANOMALY_HANDSHAKE_SYNACK_AFTER_ACK);
                res->rel_ack_not_taken = c->conn->hs_ack_frame;
                c->conn->synack_after_ack = true;
                snd->syn_acked = false;
                send_event(c, TL_EV_SYNACK);
            }
            recv_event(c, TL_EV_SYNACK);
        }
        return;
    }

    if (!simopen_synack) {              /* syn_frame stays the SYN itself */
        snd->isn_known = true;
        snd->isn = seg->seq;
        snd->syn_frame = seg->frame;
    }
    snd->syn_count = 1;                 /* retries are counted per step */
    snd->syn_last_frame = seg->frame;
    snd->syn_time_ns = seg->time_ns;
    if (synack) {
        snd->synack_sent = true;
        c->conn->step3_pending = true;
    }
    if (!snd->syn_opts_known) {         /* what this side offers, once */
        tl_syn_opts_of(seg, &snd->syn_opts);
        snd->syn_opts_known = true;
        if (!synack && seg->len > 0 && seg->tfo)
            add_anomaly(res, TL_ANOMALY_HANDSHAKE_TFO_DATA);
    }

    if (!synack) {
        if (rcv->state == TL_STATE_SYN_SENT) {
            c->conn->simultaneous_open = true;
            add_anomaly(res, TL_ANOMALY_HANDSHAKE_SIMULTANEOUS_OPEN);
            res->api = TL_API_SIMOPEN;
        } else {
            res->api = TL_API_CONNECT;
        }
        send_event(c, TL_EV_SYN);
        recv_event(c, TL_EV_SYN);
        return;
    }

    res->api = c->conn->simultaneous_open ? TL_API_SIMOPEN : TL_API_SYN_QUEUE;
    res->rel_syn = rcv->syn_frame;
    if (!rcv->isn_known) {
        /* The SYN was not captured: its ISN is what this SYN-ACK acks. */
        rcv->isn_known = true;
        rcv->isn = seg->ack - 1;
    } else {
        uint32_t syn_data = rcv->syn_opts_known ? rcv->syn_opts.data_len : 0;
        res->hs_ack_checked = true;
        res->hs_ack_ok = seg->ack == rcv->isn + 1;
        /* TFO (RFC 7413 §4.2.2): a server that takes the SYN's data
         * acknowledges it too. */
        if (!res->hs_ack_ok && syn_data && seg->ack == rcv->isn + 1 + syn_data) {
            res->hs_ack_ok = true;
            rcv->syn_acked_data = true;
        }
    }
    res->peer_isn = rcv->isn;
    if (rcv->syn_opts_known) {
        tl_negotiated_t n;
        tl_conn_negotiated(c->conn, &n);
        if (n.ecn)
            add_anomaly(res, TL_ANOMALY_HANDSHAKE_ECN_NEGOTIATED);
        if (n.auth == TL_AUTH_MISMATCH)
            add_anomaly(res, TL_ANOMALY_HANDSHAKE_AUTH_MISMATCH);
    }
    /* In a simultaneous open whose SYN-ACKs crossed, the peer's SYN-ACK has
     * already established this endpoint: this one was sent before it. */
    if (!(simopen_synack && snd->state == TL_STATE_ESTABLISHED))
        send_event(c, TL_EV_SYNACK);
    if (res->hs_ack_checked && !res->hs_ack_ok) {
        /* The peer will not take it (Linux answers with RST). */
        add_anomaly(res, TL_ANOMALY_HANDSHAKE_ACK_MISMATCH);
        return;
    }
    rcv->syn_acked = true;
    recv_event(c, TL_EV_SYNACK);
}

/* What the ACK field of a non-SYN segment newly covers at the receiver. */
static void
on_ack(tl_ctx_t *c, bool *acked_fin)
{
    const tl_segment_t *seg = c->seg;
    tl_result_t *res = c->res;
    tl_endpoint_t *rcv = c->rcv;

    *acked_fin = false;
    if (!(seg->flags & TL_F_ACK))
        return;

    if (rcv->isn_known && !rcv->syn_acked
        && !(c->conn->synack_after_ack && !c->conn->step3_pending)) {
        bool exact = seg->ack == rcv->isn + 1;
        if (rcv->state == TL_STATE_SYN_RECEIVED) {
            c->conn->step3_pending = false;
            /* Step 3: the ACK completing the handshake. */
            res->hs_step = 3;
            res->hs_ack_checked = true;
            res->hs_ack_ok = exact;
            res->isn = c->snd->isn;
            res->peer_isn = rcv->isn;
            res->rel_syn = rcv->syn_last_frame;
            if (!exact) {
                add_anomaly(res, TL_ANOMALY_HANDSHAKE_ACK_MISMATCH);
                return;
            }
            c->conn->hs_ack_frame = seg->frame;
            c->conn->hs_ack_time_ns = seg->time_ns;
            if (c->conn->synack_after_ack) {
                /* The server ignored an identical ACK before (it sent its
                 * SYN-ACK again): wait for its own evidence. */
                add_anomaly(res, TL_ANOMALY_HANDSHAKE_ACK_UNCONFIRMED);
                return;
            }
            res->api = TL_API_CONNECT_RETURNS;
        }
        if (exact || tl_seq_gt(seg->ack, rcv->isn)) {
            rcv->syn_acked = true;
            recv_event(c, TL_EV_ACK_SYN);
        }
    }

    if (rcv->fin_sent && !rcv->fin_acked && tl_seq_geq(seg->ack, rcv->fin_seq + 1)) {
        rcv->fin_acked = true;
        rcv->fin_ack_frame = seg->frame;
        res->rel_fin = rcv->fin_frame;
        *acked_fin = true;
        recv_event(c, TL_EV_ACK_FIN);
    }
}

/* A FIN from the sender: new, or a retransmission of one already seen. */
static bool
on_fin(tl_ctx_t *c, bool acked_fin)
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
        add_anomaly(res, TL_ANOMALY_TEARDOWN_FIN_RETRANS);
        return false;
    }
    snd->fin_sent = true;
    snd->fin_seq = fin_seq;
    snd->fin_frame = seg->frame;
    snd->fin_time_ns = seg->time_ns;

    /* A FIN whose ACK does not cover a FIN already seen from the peer was
     * sent before that FIN arrived: the FINs crossed. */
    ev = (rcv->fin_sent && !rcv->fin_acked) ? TL_EV_FIN_CROSSING : TL_EV_FIN;

    if (!conn->teardown_started) {
        conn->teardown_started = true;
        conn->teardown_initiator = c->snd_role;
        res->api = TL_API_CLOSE;
    } else if (conn->teardown_kind == TL_TEARDOWN_NONE) {
        conn->hc_duration_ns = seg->time_ns - rcv->fin_time_ns;
        res->hc_duration_valid = true;
        res->hc_duration_ns = conn->hc_duration_ns;
        if (ev == TL_EV_FIN_CROSSING) {
            conn->teardown_kind = TL_TEARDOWN_SIMULTANEOUS;
            add_anomaly(res, TL_ANOMALY_TEARDOWN_SIMULTANEOUS);
            res->api = TL_API_CLOSE;
        } else {
            conn->teardown_kind = acked_fin ? TL_TEARDOWN_THREE_WAY : TL_TEARDOWN_FOUR_WAY;
            res->api = TL_API_CLOSE_AFTER_EOF;
        }
    }
    send_event(c, ev);
    recv_event(c, ev);

    /* Reordered at the capture point: the peer's ACK of this FIN was
     * captured before the FIN. The sender's FIN counts as acknowledged. */
    if (rcv->ack_known && tl_seq_geq(rcv->ack_max, fin_seq + 1)) {
        tl_label_t label;
        snd->fin_acked = true;
        snd->fin_ack_frame = rcv->ack_max_frame;
        snd->state = tl_on_recv(snd->state, TL_EV_ACK_FIN, &label);
        res->rel_fin = 0;
        c->fin_acked_earlier = true;
        add_anomaly(res, TL_ANOMALY_TEARDOWN_ACK_BEFORE_FIN);
    }
    return true;
}

static void
on_rst(tl_ctx_t *c)
{
    tl_conn_t *conn = c->conn;
    tl_result_t *res = c->res;
    tl_rst_verdict_t v = tl_rst_classify(conn, c->snd, c->rcv, c->seg, c->was_ended);

    res->rst_kind = (uint8_t)v.kind;
    res->rst_unread_bytes = v.unread_bytes;
    res->rst_unacked_bytes = v.unacked_bytes;
    res->rst_unread_data = v.kind == TL_RST_UNREAD_DATA;
    res->rel_rst = v.answers_frame;

    if (c->was_ended) {
        add_anomaly(res, TL_ANOMALY_CLOSED_STRAY_RST);
        res->api = TL_API_NO_SOCKET;
        /* Nothing to abort, but a TIME_WAIT socket dies of it: Linux kills
         * it unless net.ipv4.tcp_rfc1337=1 (RFC 1337 "TIME-WAIT assassination"). */
        if (c->rcv->state == TL_STATE_TIME_WAIT)
            recv_event(c, TL_EV_RST);
        return;
    }
    if (v.kind == TL_RST_REFUSED) {
        add_anomaly(res, TL_ANOMALY_HANDSHAKE_REFUSED);
        res->api = TL_API_NO_LISTENER;
    } else {
        add_anomaly(res, v.kind == TL_RST_UNREAD_DATA ? TL_ANOMALY_RESET_UNREAD_DATA
                         : v.kind == TL_RST_DATA_AFTER_CLOSE ? TL_ANOMALY_RESET_DATA_AFTER_CLOSE
                         : TL_ANOMALY_RESET_SEEN);
        if (v.unacked_bytes)
            add_anomaly(res, TL_ANOMALY_RESET_DATA_LOST);
        res->api = v.kind == TL_RST_UNREAD_DATA ? TL_API_CLOSE_UNREAD
                 : v.kind == TL_RST_DATA_AFTER_CLOSE ? TL_API_RST_ON_DATA : TL_API_ABORT;
    }
    conn->reset_sender = c->snd_role;
    conn->reset_kind = v.kind;
    send_event(c, TL_EV_RST);
    recv_event(c, TL_EV_RST);
    conn->reset = true;
    conn->reset_frame = c->seg->frame;
    conn->ended = true;
}

static tl_phase_t
phase_of(const tl_ctx_t *c)
{
    const tl_conn_t *conn = c->conn;

    if (c->seg->flags & TL_F_RST)
        return TL_PHASE_RESET;
    if (c->was_ended)
        return TL_PHASE_CLOSED;
    if (c->res->hs_step)
        return TL_PHASE_HANDSHAKE;
    if (conn->teardown_started)
        return TL_PHASE_TEARDOWN;
    if (!conn->handshake_done)
        return TL_PHASE_HANDSHAKE;
    return TL_PHASE_ESTABLISHED;
}

void
tl_conn_observe(tl_conn_t *conn, const tl_config_t *cfg,
                const tl_segment_t *seg, tl_result_t *res)
{
    tl_ctx_t c;
    bool acked_fin = false, new_fin = false;

    memset(res, 0, sizeof *res);
    if (!conn->started)
        start_conn(conn, seg);

    c.conn = conn;
    c.seg = seg;
    c.res = res;
    c.snd_role = sender_role(conn, seg);
    c.snd = &conn->ep[c.snd_role];
    c.rcv = &conn->ep[TL_ROLE_COUNT - 1 - c.snd_role];
    c.was_ended = conn->ended;
    c.fin_acked_earlier = false;

    res->sender = (uint8_t)c.snd_role;
    res->flags = seg->flags;
    res->len = seg->len;
    for (int i = 0; i < TL_ROLE_COUNT; i++)
        res->prev_state[i] = (uint8_t)conn->ep[i].state;

    if (seg->flags & TL_F_RST) {
        on_rst(&c);
        if (seg->len > 0)
            add_anomaly(res, TL_ANOMALY_RESET_WITH_DATA);
    } else if (seg->flags & TL_F_SYN) {
        on_syn(&c);
    } else {
        if (c.snd->state == TL_STATE_SYN_SENT)
            add_anomaly(res, TL_ANOMALY_HANDSHAKE_DATA_BEFORE_SYNC);
        if (seg->has_mss || seg->has_wscale || seg->sack_perm)
            add_anomaly(res, TL_ANOMALY_OPTION_SYN_ONLY_ELSEWHERE);
        /* An endpoint in SYN_RECEIVED sending anything but a SYN-ACK after
         * its SYN was acknowledged shows it took that ACK. */
        if (c.snd->state == TL_STATE_SYN_RECEIVED && c.snd->isn_known && !c.snd->syn_acked
            && c.rcv->ack_known && tl_seq_geq(c.rcv->ack_max, c.snd->isn + 1)) {
            c.snd->syn_acked = true;
            conn->synack_after_ack = false;
            send_event(&c, TL_EV_ACK_SYN);
        }
        on_ack(&c, &acked_fin);
        if (seg->flags & TL_F_FIN)
            new_fin = on_fin(&c, acked_fin);
        if (!new_fin)
            send_event(&c, TL_EV_ACK);
        if (c.was_ended)
            add_anomaly(res, TL_ANOMALY_CLOSED_SEGMENT_AFTER_CLOSE);
        if (seg->len > 0 && c.snd->fin_sent && !new_fin
            && tl_seq_gt(seg->seq + seg->len, c.snd->fin_seq))
            add_anomaly(res, TL_ANOMALY_TEARDOWN_DATA_AFTER_FIN);
        /* Half-close is a teardown event: after the end it is just a
         * segment after close (and maybe data after FIN), not a half-close. */
        if (seg->len > 0 && c.rcv->fin_sent && !c.was_ended) {
            add_anomaly(res, TL_ANOMALY_TEARDOWN_HALF_CLOSE);
            res->half_close = true;
            res->hc_fin_frame = c.rcv->fin_frame;
        }
        if (acked_fin || new_fin) {
            /* One teardown step per FIN or FIN-acknowledging segment. */
            if (conn->teardown_steps < UINT8_MAX)
                conn->teardown_steps++;
            res->td_step = conn->teardown_steps;
            if (!new_fin && res->api == TL_API_NONE)
                res->api = TL_API_FIN_ACK;
            /* The FIN's ACK, captured before it, is the next step. */
            if (c.fin_acked_earlier && conn->teardown_steps < UINT8_MAX)
                conn->teardown_steps++;
        }
    }

    if (!(seg->flags & TL_F_RST))
        note_payload(&c);
    if (res->half_close)
        res->hc_bytes = c.snd->bytes_after_peer_fin;

    /* Not sticky: a SYN-ACK retransmitted after the handshake ACK shows the
     * server back in SYN_RECEIVED, and the handshake open again. */
    if (!conn->midstream)
        conn->handshake_done = conn->ep[0].syn_acked && conn->ep[1].syn_acked;
    if (conn->ep[0].fin_acked && conn->ep[1].fin_acked && !conn->ended) {
        /* This segment acknowledges the last FIN: TIME_WAIT starts now. */
        conn->ended = true;
        conn->tw_holder = tl_timewait_holder(conn);
        conn->tw_start_ns = seg->time_ns;
    }
    if (conn->tw_holder != TL_TW_NONE) {
        res->tw_holder = (uint8_t)conn->tw_holder;
        res->tw_start_ns = conn->tw_start_ns;
        res->tw_duration_ns = cfg->time_wait_ns;
        res->tw_left_ns = conn->tw_start_ns + cfg->time_wait_ns - seg->time_ns;
    }

    note_sent(c.snd, seg);
    if (conn->midstream && conn->segments == 0)
        add_anomaly(res, TL_ANOMALY_ESTABLISHED_MIDSTREAM);

    res->phase = (uint8_t)phase_of(&c);
    for (int i = 0; i < TL_ROLE_COUNT; i++)
        res->state[i] = (uint8_t)conn->ep[i].state;
    res->td_started = conn->teardown_started;
    res->td_initiator = (uint8_t)conn->teardown_initiator;
    res->td_kind = (uint8_t)conn->teardown_kind;
    res->midstream = conn->midstream;
    res->opts_known = conn->ep[0].syn_opts_known && conn->ep[1].syn_opts_known;
    res->roles_inferred = conn->roles_inferred;

    conn->segments++;
    conn->last_time_ns = seg->time_ns;
}

tl_outcome_t
tl_conn_outcome(const tl_conn_t *conn)
{
    const tl_endpoint_t *c = &conn->ep[TL_ROLE_CLIENT], *s = &conn->ep[TL_ROLE_SERVER];

    if (conn->reset)
        return conn->reset_kind == TL_RST_REFUSED ? TL_OUTCOME_REFUSED : TL_OUTCOME_RESET;
    if (c->fin_sent && s->fin_sent)
        return TL_OUTCOME_CLOSED;
    if (!conn->handshake_done) {
        if (s->isn_known)               /* SYN-ACK sent, handshake ACK never seen */
            return TL_OUTCOME_HALF_OPEN;
        if (c->isn_known)
            return TL_OUTCOME_SYN_ONLY;
    }
    return TL_OUTCOME_OPEN;
}

tl_hs_outcome_t
tl_conn_handshake_outcome(const tl_conn_t *conn)
{
    if (conn->midstream)
        return TL_HS_MIDSTREAM;
    if (conn->reset && conn->reset_kind == TL_RST_REFUSED)
        return TL_HS_REFUSED;
    if (conn->handshake_done)
        return TL_HS_COMPLETE;
    return conn->ep[TL_ROLE_SERVER].isn_known ? TL_HS_HALF_OPEN : TL_HS_SYN_ONLY;
}

void
tl_conn_summarize(const tl_conn_t *conn, const tl_config_t *cfg, tl_summary_t *out)
{
    const tl_endpoint_t *c = &conn->ep[TL_ROLE_CLIENT], *s = &conn->ep[TL_ROLE_SERVER];

    memset(out, 0, sizeof *out);
    out->outcome = tl_conn_outcome(conn);
    out->handshake = tl_conn_handshake_outcome(conn);
    out->syn_retries = c->syn_count > 1 ? (uint8_t)(c->syn_count - 1) : 0;
    out->synack_retries = s->syn_count > 1 ? (uint8_t)(s->syn_count - 1) : 0;

    out->teardown = conn->teardown_started;
    out->initiator = conn->teardown_initiator;
    out->teardown_kind = conn->teardown_kind;
    if (conn->teardown_started) {
        const tl_endpoint_t *passive = &conn->ep[TL_ROLE_COUNT - 1 - conn->teardown_initiator];
        out->hc_sender = (tl_role_t)(TL_ROLE_COUNT - 1 - conn->teardown_initiator);
        out->hc_bytes = passive->bytes_after_peer_fin;
        out->half_close = out->hc_bytes > 0;
        out->hc_duration_known = conn->teardown_kind != TL_TEARDOWN_NONE;
        out->hc_duration_ns = conn->hc_duration_ns;
    }
    out->reset = conn->reset;
    out->rst_sender = conn->reset_sender;
    out->rst_kind = conn->reset_kind;
    out->tw_holder = conn->tw_holder;
    out->tw_start_ns = conn->tw_start_ns;
    out->tw_expires_ns = conn->tw_start_ns + cfg->time_wait_ns;
    for (int r = 0; r < TL_ROLE_COUNT; r++)
        out->final_state[r] = conn->ep[r].state;
    out->start_ns = conn->first_time_ns;
    out->duration_ns = conn->last_time_ns - conn->first_time_ns;

    /* Only a server that answered with a SYN-ACK held a SYN queue entry. */
    if (c->isn_known && s->isn_known && !conn->simultaneous_open) {
        out->syn_queue = true;
        out->syn_queue_start_ns = conn->first_time_ns;
        out->syn_queue_end_ns = conn->hs_ack_frame ? conn->hs_ack_time_ns : conn->last_time_ns;
    }
}
