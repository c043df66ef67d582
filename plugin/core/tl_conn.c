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
    conn->last_data_ns = seg->time_ns;
    if (seg->flags & TL_F_RST) {
        /* Whatever it resets began before the capture: midstream, and its
         * RST is classified as the first segment seen (tl_rst.c). */
        conn->midstream = true;
        for (int i = 0; i < TL_ROLE_COUNT; i++)
            conn->ep[i].state = TL_STATE_ESTABLISHED;
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
    const tl_config_t  *cfg;
    const tl_segment_t *seg;
    tl_result_t        *res;
    tl_endpoint_t      *snd, *rcv;
    tl_role_t           snd_role;
    bool                was_ended;
    bool                fin_acked_earlier;  /* the FIN's ACK came first */
    bool                reack;              /* re-ACK of a FIN whose ACK was lost */
    bool                keepalive;          /* a keepalive probe: no payload */
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
    if (seg->has_ttl && !(seg->flags & TL_F_RST)) {
        if (!ep->ttl_known) {
            ep->ttl = seg->ttl;
            ep->ttl_known = true;
        } else if (ep->ttl != seg->ttl) {
            ep->ttl_mixed = true;       /* path changes: no TTL evidence */
        }
    }
    if ((seg->flags & TL_F_ACK) && !(seg->flags & TL_F_RST))
        ep->sent_ack = true;
    ep->last_frame = seg->frame;
    ep->last_ns = seg->time_ns;
    ep->dup_frame = seg->frame;
    ep->dup_time_ns = seg->time_ns;
    ep->dup_seq = seg->seq;
    ep->dup_ack = seg->ack;
    ep->dup_len = seg->len;
    ep->dup_flags = seg->flags;
    ep->dup_win = (uint16_t)seg->win;
    ep->dup_has_ip_id = seg->has_ip_id;
    ep->dup_ip_id = seg->ip_id;
    if (ep->segs < UINT32_MAX)
        ep->segs++;
}

/*
 * The same frame captured twice (a SPAN port, two capture interfaces): the
 * sender's previous segment again within a few ms, every header field and
 * the IP ID equal. Without an IP ID (IPv6, or 0 as RFC 6864 allows for
 * atomic datagrams) only within 1 ms: no stack retransmits that fast.
 */
#define TL_DUP_WINDOW_NS   INT64_C(5000000)
#define TL_DUP_NO_ID_NS    INT64_C(1000000)

static bool
is_duplicate(const tl_endpoint_t *ep, const tl_segment_t *seg)
{
    int64_t dt = seg->time_ns - ep->dup_time_ns;

    if (ep->segs == 0 || dt < 0 || dt > TL_DUP_WINDOW_NS || seg->frame == ep->dup_frame
        || seg->seq != ep->dup_seq || seg->ack != ep->dup_ack || seg->len != ep->dup_len
        || seg->flags != ep->dup_flags || (uint16_t)seg->win != ep->dup_win
        || seg->has_ip_id != ep->dup_has_ip_id)
        return false;
    if (seg->has_ip_id && seg->ip_id != 0)
        return seg->ip_id == ep->dup_ip_id;
    /* Without an IP ID two equal pure ACKs may be real duplicate ACKs (a
     * receiver answering out-of-order data): only a copy of a segment with
     * payload or SYN, FIN or RST could pass for a retransmission. */
    return dt <= TL_DUP_NO_ID_NS
           && (seg->len > 0 || (seg->flags & (TL_F_SYN | TL_F_FIN | TL_F_RST)));
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

    if (seg->len == 0 || c->keepalive)
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
    c->conn->last_data_ns = seg->time_ns;
    snd->last_data_frame = seg->frame;
    snd->ka_probes = 0;
    snd->ka_frame = 0;
    /* Its input from here on is unanswered: it starts at the peer's next
     * byte (unread bytes are counted from there, tl_rst.c). */
    snd->unanswered = 0;
    snd->in_from_known = rcv->data_known || rcv->isn_known;
    snd->in_from = rcv->data_known ? rcv->data_end : rcv->isn + 1;
    if (!rcv->in_from_known) {
        rcv->in_from = tl_seq_gt(start, end - fresh) ? start : end - fresh;
        rcv->in_from_known = true;
    }
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

    if (snd->isn_known && !simopen_synack && !synack && snd->syn_count == 0
        && seg->seq == snd->isn) {
        /* Its ISN was known only from the SYN-ACK that acknowledged it:
         * this SYN was captured after its answer (reordered at the capture
         * point). It is the original, not a retransmission. */
        snd->syn_count = 1;
        snd->syn_frame = seg->frame;
        snd->syn_last_frame = seg->frame;
        snd->syn_time_ns = seg->time_ns;
        snd->backoff_mask = 0xff;
        if (!snd->syn_opts_known) {
            tl_syn_opts_of(seg, &snd->syn_opts);
            snd->syn_opts_known = true;
        }
        c->conn->roles_inferred = false;
        res->api = TL_API_CONNECT;
        add_anomaly(res, TL_ANOMALY_HANDSHAKE_SYN_REORDERED);
        return;
    }
    if (snd->isn_known && !simopen_synack) {
        bool after_refusal = !synack && snd->refused;

        if (seg->seq != snd->isn) {
            add_anomaly(res, TL_ANOMALY_HANDSHAKE_NEW_ISN);
            return;
        }
        /* Same ISN again: a retransmission, not a second open. */
        if (snd->syn_count < UINT8_MAX)
            snd->syn_count++;
        res->hs_retry = (uint8_t)(snd->syn_count - 1);
        res->hs_backoff_ns = seg->time_ns - snd->syn_time_ns;
        snd->backoff_mask &= tl_backoff_stacks(synack, res->hs_retry, res->hs_backoff_ns, after_refusal);
        res->backoff_stacks = snd->backoff_mask;
        if (after_refusal) {
            /* The client tries again after a RST refused it (Windows'
             * connect() does): the connection is open again. */
            tl_conn_t *conn = c->conn;
            snd->refused = false;
            conn->ended = conn->reset = false;
            conn->reset_kind = TL_RST_NONE;
            conn->reset_rule = TL_RULE_NONE;
            c->was_ended = false;
            add_anomaly(res, TL_ANOMALY_HANDSHAKE_RETRY_AFTER_REFUSED);
            send_event(c, TL_EV_SYN);
        }
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
    snd->backoff_mask = 0xff;
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
        /* Its own SYN crossed the peer's, already taken as received: it
         * went SYN_SENT and on to SYN_RECEIVED (RFC 9293 figure 7). */
        if (!(c->conn->simultaneous_open && snd->state == TL_STATE_SYN_RECEIVED))
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
        /* Acknowledged again after its ACK was lost: no new teardown step. */
        c->reack = rcv->fin_reacked;
        recv_event(c, TL_EV_ACK_FIN);
    }
}


/* A FIN sent again after its ACK was captured: that ACK was lost beyond the
 * capture point and the sender never left LAST_ACK (or CLOSING). */
static void
final_ack_lost(tl_ctx_t *c)
{
    tl_endpoint_t *snd = c->snd;
    tl_state_t back = snd->state == TL_STATE_CLOSED ? TL_STATE_LAST_ACK
                    : snd->state == TL_STATE_TIME_WAIT ? TL_STATE_CLOSING
                    : snd->state == TL_STATE_FIN_WAIT_2 ? TL_STATE_FIN_WAIT_1 : snd->state;

    snd->fin_acked = false;
    snd->fin_reacked = true;
    if (back != snd->state) {
        snd->state = back;
        c->res->label_send = TL_LABEL_FINAL_ACK_LOST;
    }
    if (c->conn->ended && !c->conn->reset) {
        c->conn->ended = false;
        c->was_ended = false;
    }
    add_anomaly(c->res, TL_ANOMALY_TEARDOWN_FINAL_ACK_LOST);
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
        snd->fin_last_ns = seg->time_ns;
        add_anomaly(res, TL_ANOMALY_TEARDOWN_FIN_RETRANS);
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
    ev = (rcv->fin_sent && !rcv->fin_acked) ? TL_EV_FIN_CROSSING : TL_EV_FIN;
    if (ev == TL_EV_FIN_CROSSING && seg->time_ns - rcv->fin_time_ns > TL_CROSSING_NS) {
        conn->fin_lost = true;
        if (snd->state == TL_STATE_CLOSE_WAIT)
            snd->state = TL_STATE_ESTABLISHED;
        add_anomaly(res, TL_ANOMALY_TEARDOWN_FIN_LOST);
    }

    if (!conn->teardown_started) {
        conn->teardown_started = true;
        conn->teardown_initiator = c->snd_role;
        res->api = TL_API_CLOSE;
    } else if (conn->teardown_kind == TL_TEARDOWN_NONE) {
        conn->hc_duration_ns = seg->time_ns - rcv->fin_time_ns;
        res->hc_duration_valid = true;
        res->hc_duration_ns = conn->hc_duration_ns;
        if (ev == TL_EV_FIN_CROSSING && conn->fin_lost) {
            /* Sequential, the first FIN lost on the way and sent again. */
            conn->teardown_kind = TL_TEARDOWN_FOUR_WAY;
            res->api = TL_API_CLOSE;
        } else if (ev == TL_EV_FIN_CROSSING) {
            conn->teardown_kind = TL_TEARDOWN_SIMULTANEOUS;
            add_anomaly(res, TL_ANOMALY_TEARDOWN_SIMULTANEOUS);
            res->api = TL_API_CLOSE;
        } else {
            conn->teardown_kind = acked_fin ? TL_TEARDOWN_THREE_WAY : TL_TEARDOWN_FOUR_WAY;
            res->api = TL_API_CLOSE_AFTER_EOF;
        }
    }
    send_event(c, ev);
    if (conn->fin_lost && ev == TL_EV_FIN_CROSSING)
        res->label_send = TL_LABEL_PEER_FIN_LOST;
    /* A FIN from a side not yet synchronized (a TFO client closing before
     * any answer), or without ACK, is not taken by its peer (RFC 9293
     * §3.10.7.4: a segment without ACK is dropped there). */
    if ((seg->flags & TL_F_ACK) && res->prev_state[c->snd_role] != TL_STATE_SYN_SENT) {
        recv_event(c, ev);
        if (conn->fin_lost && ev == TL_EV_FIN_CROSSING)
            res->label_recv = TL_LABEL_CLOSING_LOST_FIN;
    }

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
    tl_endpoint_t *snd = c->snd, *rcv = c->rcv;
    const tl_segment_t *seg = c->seg;
    tl_rst_ctx_t ctx;
    tl_rst_verdict_t v;
    tl_rst_kind_t kind;
    tl_anomaly_t an;
    tl_state_t snd_state = snd->state;

    ctx.first = conn->segments == 0;
    /* RSTs cross when the second is an abort of its own (RST+ACK at its
     * sequence number), sent before the first reached its sender. */
    ctx.crossing = c->was_ended && conn->reset && conn->reset_sender != c->snd_role
                   && !conn->injected && (seg->flags & TL_F_ACK) && snd->nxt_known
                   && seg->seq == snd->nxt;
    ctx.ended = c->was_ended;
    ctx.tw_expires_ns = tl_timewait_expires(conn, c->cfg);
    if (ctx.crossing)
        snd->state = (tl_state_t)snd->pre_rst_state;    /* as it was when it sent it */
    v = tl_rst_classify(conn, snd, rcv, seg, &ctx);
    snd->state = snd_state;
    kind = tl_rst_rule_kind(v.rule);

    res->rst_kind = (uint8_t)kind;
    res->rst_rule = (uint8_t)v.rule;
    snd->last_rst_rule = (uint8_t)v.rule;
    res->rst_reason = (uint8_t)tl_rst_rule_reason(v.rule);
    res->rst_unread_bytes = v.unread_bytes;
    res->rst_unacked_bytes = v.unacked_bytes;
    res->rst_unread_data = kind == TL_RST_UNREAD_DATA;
    res->rel_rst = v.answers_frame;
    res->api = (uint8_t)tl_rst_rule_api(v.rule);
    an = tl_rst_rule_anomaly(v.rule);
    if (an != TL_ANOMALY_NONE)
        add_anomaly(res, an);
    if (ctx.crossing)
        add_anomaly(res, TL_ANOMALY_RESET_CROSSING);
    if (v.unacked_bytes)
        add_anomaly(res, TL_ANOMALY_RESET_DATA_LOST);

    if (c->was_ended && !ctx.crossing) {
        /* Nothing to abort, but a TIME_WAIT socket dies of it: Linux kills
         * it unless net.ipv4.tcp_rfc1337=1 (RFC 1337 "TIME-WAIT assassination");
         * so does a side that never took a forged RST. */
        if (rcv->state != TL_STATE_CLOSED && rcv->state != TL_STATE_LISTEN)
            recv_event(c, TL_EV_RST);
        return;
    }
    if (kind == TL_RST_REFUSED)
        rcv->refused = true;
    if (ctx.crossing)
        return;                 /* both are CLOSED already */
    snd->pre_rst_state = (uint8_t)snd->state;
    rcv->pre_rst_state = (uint8_t)rcv->state;
    conn->reset_sender = c->snd_role;
    conn->reset_kind = kind;
    conn->reset_rule = v.rule;
    send_event(c, TL_EV_RST);
    /* RFC 5961 §3.2: a synchronized receiver takes a RST only at exactly
     * RCV.NXT; any other in-window RST gets a challenge ACK and changes
     * nothing (Linux since 3.6, FreeBSD, Windows). */
    if (conn->handshake_done && snd->nxt_known && seg->seq != snd->nxt
        && !(rcv->ack_known && seg->seq == rcv->ack_max)) {
        conn->rst_ignored = true;
        add_anomaly(res, TL_ANOMALY_RESET_NOT_AT_RCV_NXT);
    } else {
        recv_event(c, TL_EV_RST);
    }
    conn->reset = true;
    conn->reset_frame = seg->frame;
    conn->ended = true;
}

/* A segment from the sender of the connection's RST, after it: the RST was
 * not its own (tl_rst.c cannot know at the RST). It never left its state. */
static void
sender_continues(tl_ctx_t *c)
{
    tl_conn_t *conn = c->conn;

    conn->injected = true;
    conn->reset_kind = TL_RST_INJECTED;
    c->snd->state = (tl_state_t)c->snd->pre_rst_state;
    if (conn->rst_ignored) {
        /* Neither side took it: the connection goes on. */
        conn->reset = conn->ended = false;
        c->was_ended = false;
    }
    c->res->label_send = TL_LABEL_NOT_RESET;
    c->res->rel_rst = conn->reset_frame;
    add_anomaly(c->res, TL_ANOMALY_RESET_SENDER_CONTINUES);
}

/*
 * Keepalive (RFC 1122 §4.2.3.6): a segment at SND.UNA - 1 with no new data
 * (Linux sends 0 bytes, Windows 1), everything the prober sent acknowledged;
 * the peer answers with an ACK of SND.UNA. A zero-window probe looks the
 * same, so not when the peer's window was 0.
 */
static tl_keepalive_t
keepalive_of(tl_ctx_t *c)
{
    const tl_segment_t *seg = c->seg;
    tl_endpoint_t *snd = c->snd, *rcv = c->rcv;

    if ((seg->flags & (TL_F_SYN | TL_F_FIN | TL_F_RST | TL_F_ACK)) != TL_F_ACK)
        return TL_KA_NONE;
    if (rcv->ka_frame && seg->len == 0 && snd->segs > 0 && rcv->nxt_known && seg->ack == rcv->nxt)
        return TL_KA_ANSWER;
    if (seg->len <= 1 && c->conn->handshake_done && rcv->ack_known && rcv->dup_win != 0
        && snd->nxt_known && snd->nxt == rcv->ack_max && seg->seq == rcv->ack_max - 1)
        return TL_KA_PROBE;
    return TL_KA_NONE;
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

/* Fill the parts of a verdict every segment has, from the connection now. */
static void
finish_verdict(tl_ctx_t *c)
{
    tl_conn_t *conn = c->conn;
    tl_result_t *res = c->res;

    res->phase = (uint8_t)phase_of(c);
    for (int i = 0; i < TL_ROLE_COUNT; i++)
        res->state[i] = (uint8_t)conn->ep[i].state;
    res->td_started = conn->teardown_started;
    res->td_initiator = (uint8_t)conn->teardown_initiator;
    res->td_kind = (uint8_t)conn->teardown_kind;
    res->midstream = conn->midstream;
    res->opts_known = conn->ep[0].syn_opts_known && conn->ep[1].syn_opts_known;
    res->roles_inferred = conn->roles_inferred;
    res->one_sided = tl_conn_one_sided(conn);
    conn->segments++;
    conn->last_time_ns = c->seg->time_ns;
}

/*
 * The handshake as far as one side proves it when the capture missed the
 * other's segments: a client acknowledging the server's ISN after its own
 * SYN got the SYN-ACK; a server sending from SYN_RECEIVED after its SYN took
 * the handshake ACK.
 */
static void
infer_sync(tl_ctx_t *c)
{
    const tl_segment_t *seg = c->seg;
    tl_endpoint_t *snd = c->snd, *rcv = c->rcv;

    if (!(seg->flags & TL_F_ACK))
        return;
    if (snd->state == TL_STATE_SYN_SENT && snd->isn_known && !rcv->isn_known
        && tl_seq_geq(seg->seq, snd->isn + 1)) {
        /* The SYN-ACK was not captured: its ISN is what this ACK acks - 1. */
        tl_label_t label;
        rcv->isn_known = true;
        rcv->isn = seg->ack - 1;
        rcv->synack_sent = true;
        rcv->state = tl_on_send(rcv->state, TL_EV_SYNACK, &label);
        snd->syn_acked = true;
        snd->state = TL_STATE_ESTABLISHED;
        c->res->label_send = TL_LABEL_SYNC_INFERRED;
        add_anomaly(c->res, TL_ANOMALY_HANDSHAKE_SYNACK_UNSEEN);
        return;
    }
    if (snd->state == TL_STATE_SYN_RECEIVED && snd->isn_known && !snd->syn_acked
        && !rcv->ack_known && rcv->segs == 0 && tl_seq_geq(seg->seq, snd->isn + 1)) {
        /* Nothing of the client since the SYN was captured. */
        snd->syn_acked = true;
        send_event(c, TL_EV_ACK_SYN);
        c->res->label_send = TL_LABEL_SYNC_INFERRED;
        add_anomaly(c->res, TL_ANOMALY_ONE_SIDED);
    }
}

/* Step 1: a copy of the sender's previous frame changes nothing. */
static bool
duplicate_step(tl_ctx_t *c)
{
    if (!is_duplicate(c->snd, c->seg))
        return false;
    c->res->dup_of = c->snd->dup_frame;
    add_anomaly(c->res, TL_ANOMALY_DUPLICATE);
    if (c->seg->flags & TL_F_RST) {
        /* The copy of a RST says what the RST said. */
        tl_rst_rule_t rule = (tl_rst_rule_t)c->snd->last_rst_rule;
        c->res->rst_rule = (uint8_t)rule;
        c->res->rst_kind = (uint8_t)tl_rst_rule_kind(rule);
        c->res->rst_reason = (uint8_t)tl_rst_rule_reason(rule);
    }
    return true;
}

/* Steps 4-5 for segments without SYN or RST: ACK, FIN, data. */
static void
data_step(tl_ctx_t *c, bool *acked_fin, bool *new_fin)
{
    tl_conn_t *conn = c->conn;
    const tl_segment_t *seg = c->seg;
    tl_result_t *res = c->res;
    tl_keepalive_t ka = keepalive_of(c);

    if (conn->reset && conn->reset_sender == c->snd_role && !conn->injected)
        sender_continues(c);
    if (c->snd->state == TL_STATE_SYN_SENT || c->snd->state == TL_STATE_SYN_RECEIVED)
        infer_sync(c);
    if (c->snd->state == TL_STATE_SYN_SENT)
        add_anomaly(res, TL_ANOMALY_HANDSHAKE_DATA_BEFORE_SYNC);
    if (seg->has_mss || seg->has_wscale || seg->sack_perm)
        add_anomaly(res, TL_ANOMALY_OPTION_SYN_ONLY_ELSEWHERE);
    if (ka != TL_KA_NONE) {
        res->keepalive = (uint8_t)ka;
        if (ka == TL_KA_PROBE) {
            c->keepalive = true;
            c->snd->ka_frame = seg->frame;
            if (c->snd->ka_probes < UINT8_MAX)
                c->snd->ka_probes++;
            res->api = TL_API_KEEPALIVE;
            add_anomaly(res, TL_ANOMALY_KEEPALIVE_PROBE);
        } else {
            res->rel_ka = c->rcv->ka_frame;
            c->rcv->ka_frame = 0;
            res->api = TL_API_KEEPALIVE;
            add_anomaly(res, TL_ANOMALY_KEEPALIVE_ANSWER);
        }
    }
    /* An endpoint in SYN_RECEIVED sending anything but a SYN-ACK after
     * its SYN was acknowledged shows it took that ACK. */
    if (c->snd->state == TL_STATE_SYN_RECEIVED && c->snd->isn_known && !c->snd->syn_acked
        && c->rcv->ack_known && tl_seq_geq(c->rcv->ack_max, c->snd->isn + 1)) {
        c->snd->syn_acked = true;
        conn->synack_after_ack = false;
        send_event(c, TL_EV_ACK_SYN);
    }
    on_ack(c, acked_fin);
    if (seg->flags & TL_F_FIN)
        *new_fin = on_fin(c, *acked_fin);
    if (!*new_fin)
        send_event(c, TL_EV_ACK);
    if (c->was_ended)
        add_anomaly(res, TL_ANOMALY_CLOSED_SEGMENT_AFTER_CLOSE);
    if (seg->len > 0 && c->snd->fin_sent && !*new_fin && !c->keepalive
        && tl_seq_gt(seg->seq + seg->len, c->snd->fin_seq))
        add_anomaly(res, TL_ANOMALY_TEARDOWN_DATA_AFTER_FIN);
    /* Half-close is a teardown event: after the end it is just a segment
     * after close (and maybe data after FIN), not a half-close. */
    if (seg->len > 0 && c->rcv->fin_sent && !c->was_ended && !c->keepalive) {
        add_anomaly(res, TL_ANOMALY_TEARDOWN_HALF_CLOSE);
        res->half_close = true;
        res->hc_fin_frame = c->rcv->fin_frame;
    }
    if ((*acked_fin && !c->reack) || *new_fin) {
        /* One teardown step per FIN or FIN-acknowledging segment. */
        if (conn->teardown_steps < UINT8_MAX)
            conn->teardown_steps++;
        res->td_step = conn->teardown_steps;
        if (!*new_fin && res->api == TL_API_NONE)
            res->api = TL_API_FIN_ACK;
        /* The FIN's ACK, captured before it, is the next step. */
        if (c->fin_acked_earlier && conn->teardown_steps < UINT8_MAX)
            conn->teardown_steps++;
    } else if (*acked_fin && res->api == TL_API_NONE) {
        res->api = TL_API_FIN_ACK;
    }
}

/* Step 6: TIME_WAIT, from the segment that acknowledges the last FIN; a
 * re-ACK of a retransmitted FIN restarts it. */
static void
time_wait_step(tl_ctx_t *c)
{
    tl_conn_t *conn = c->conn;
    tl_result_t *res = c->res;

    if (conn->ep[0].fin_acked && conn->ep[1].fin_acked && !conn->ended) {
        conn->ended = true;
        if (conn->tw_holder == TL_TW_NONE) {
            conn->tw_holder = tl_timewait_holder(conn);
            conn->tw_start_ns = c->seg->time_ns;
        } else {
            /* Linux tcp_timewait_state_process(): the holder re-arms its
             * timer for a full TIME_WAIT on the retransmitted FIN. */
            conn->tw_rearmed_ns = c->seg->time_ns;
            add_anomaly(res, TL_ANOMALY_TEARDOWN_TIME_WAIT_RESTART);
        }
    }
    if (conn->tw_holder != TL_TW_NONE) {
        res->tw_holder = (uint8_t)conn->tw_holder;
        res->tw_start_ns = conn->tw_start_ns;
        res->tw_rearmed_ns = conn->tw_rearmed_ns;
        res->tw_duration_ns = c->cfg->time_wait_ns;
        res->tw_left_ns = tl_timewait_expires(conn, c->cfg) - c->seg->time_ns;
    }
}

/*
 * One observed segment, in the order tcp_rcv_state_process() takes one:
 *   1. roles and a copy of the previous frame (nothing else happens to it);
 *   2. classify: RST, SYN, or ACK/FIN/data (keepalive, inference);
 *   3. transitions of both endpoints (tl_fsm.c) inside the step of 2;
 *   4. accounting: payload, sequence space, TTL;
 *   5. TIME_WAIT and the verdict's shared fields.
 */
void
tl_conn_observe(tl_conn_t *conn, const tl_config_t *cfg,
                const tl_segment_t *seg, tl_result_t *res)
{
    tl_ctx_t c;
    bool acked_fin = false, new_fin = false;

    memset(res, 0, sizeof *res);
    if (!conn->started)
        start_conn(conn, seg);

    memset(&c, 0, sizeof c);
    c.conn = conn;
    c.cfg = cfg;
    c.seg = seg;
    c.res = res;
    c.snd_role = sender_role(conn, seg);
    c.snd = &conn->ep[c.snd_role];
    c.rcv = &conn->ep[tl_peer(c.snd_role)];
    c.was_ended = conn->ended;

    res->sender = (uint8_t)c.snd_role;
    res->flags = seg->flags;
    res->len = seg->len;
    for (int i = 0; i < TL_ROLE_COUNT; i++)
        res->prev_state[i] = (uint8_t)conn->ep[i].state;

    /* 1. */
    if (duplicate_step(&c)) {
        if (conn->tw_holder != TL_TW_NONE)
            time_wait_step(&c);
        finish_verdict(&c);
        return;
    }
    /* 2-3. */
    if (seg->flags & TL_F_RST) {
        on_rst(&c);
        if (seg->len > 0)
            add_anomaly(res, TL_ANOMALY_RESET_WITH_DATA);
    } else if (seg->flags & TL_F_SYN) {
        on_syn(&c);
    } else {
        data_step(&c, &acked_fin, &new_fin);
    }
    if ((res->label_send == TL_LABEL_UNEXPECTED || res->label_recv == TL_LABEL_UNEXPECTED)
        && !c.was_ended && !tl_result_has_anomaly(res, TL_ANOMALY_HANDSHAKE_DATA_BEFORE_SYNC))
        add_anomaly(res, TL_ANOMALY_UNEXPECTED);

    /* 4. */
    if (!(seg->flags & TL_F_RST))
        note_payload(&c);
    if (res->half_close)
        res->hc_bytes = c.snd->bytes_after_peer_fin;
    /* Not sticky: a SYN-ACK retransmitted after the handshake ACK shows the
     * server back in SYN_RECEIVED, and the handshake open again. */
    if (!conn->midstream)
        conn->handshake_done = conn->ep[0].syn_acked && conn->ep[1].syn_acked;

    /* 5. */
    time_wait_step(&c);
    note_sent(c.snd, seg);
    if (conn->midstream && conn->segments == 0)
        add_anomaly(res, TL_ANOMALY_ESTABLISHED_MIDSTREAM);
    finish_verdict(&c);
}

bool
tl_conn_one_sided(const tl_conn_t *conn)
{
    const tl_endpoint_t *c = &conn->ep[TL_ROLE_CLIENT], *s = &conn->ep[TL_ROLE_SERVER];

    if (c->segs == 0)
        return s->sent_ack;
    if (s->segs == 0)
        return c->sent_ack;
    return false;
}

tl_outcome_t
tl_conn_outcome(const tl_conn_t *conn)
{
    const tl_endpoint_t *c = &conn->ep[TL_ROLE_CLIENT], *s = &conn->ep[TL_ROLE_SERVER];

    if (conn->reset)
        return conn->reset_kind == TL_RST_REFUSED ? TL_OUTCOME_REFUSED : TL_OUTCOME_RESET;
    if (c->fin_sent && s->fin_sent)
        return TL_OUTCOME_CLOSED;
    /* One direction captured: never half_open or syn_only. Closed when the
     * side seen closed and had its FIN acknowledged or acknowledged the other's. */
    if (tl_conn_one_sided(conn))
        return c->fin_sent || s->fin_sent ? TL_OUTCOME_CLOSED : TL_OUTCOME_OPEN;
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
    if (tl_conn_one_sided(conn))
        return TL_HS_ONE_SIDED;
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
    out->injected = conn->injected;
    out->rst_sender = conn->reset_sender;
    out->rst_kind = conn->reset_kind;
    out->rst_reason = tl_rst_rule_reason(conn->reset_rule);
    out->one_sided = tl_conn_one_sided(conn);
    out->tw_holder = conn->tw_holder;
    out->tw_start_ns = conn->tw_start_ns;
    out->tw_expires_ns = tl_timewait_expires(conn, cfg);
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
