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
    for (unsigned i = 0; i < r->n_anomalies && i < TCPLIFE_MAX_ANOMALIES; i++)
        if (r->anomalies[i] == a)
            return true;
    return false;
}

bool
tl_result_unread_data(const tl_result_t *r)
{
    return r->rst_unread_data && r->rst_kind != TCPLIFE_RST_NONE && r->rst_kind != TCPLIFE_RST_REFUSED
           && r->rst_kind != TCPLIFE_RST_STRAY;
}

uint32_t
tl_result_forged_frame(const tl_result_t *r)
{
    /* tl_sender_continues() points rel_rst at the RST it disproves. */
    return r->rst_kind == TCPLIFE_RST_NONE && tl_result_has_anomaly(r, TCPLIFE_ANOMALY_RESET_SENDER_CONTINUES)
           ? r->rel_rst : 0;
}

void
tl_result_add_anomaly(tl_result_t *r, tl_anomaly_t a)
{
    /* The count is clamped first so that the compiler (GCC -O3) sees every
     * index stay inside the array. */
    unsigned n = r->n_anomalies < TCPLIFE_MAX_ANOMALIES ? r->n_anomalies : TCPLIFE_MAX_ANOMALIES;

    if (tl_result_has_anomaly(r, a))
        return;
    if (n < TCPLIFE_MAX_ANOMALIES) {
        r->anomalies[n] = (uint8_t)a;
        r->n_anomalies = (uint8_t)(n + 1);
    }
}

#define add_anomaly tl_result_add_anomaly

void
tl_conn_init(tl_conn_t *conn)
{
    memset(conn, 0, sizeof *conn);
    conn->ep[TCPLIFE_ROLE_CLIENT].state = TCPLIFE_STATE_CLOSED;
    conn->ep[TCPLIFE_ROLE_SERVER].state = TCPLIFE_STATE_LISTEN;
}

/*
 * Roles from the first segment seen (SPEC "Roles"): the sender of a SYN
 * without ACK is the client, the sender of a SYN-ACK the server; otherwise
 * the well-known (below 1024) or else lower port is the server's.
 */
static tl_role_t
first_sender_role(const tl_segment_t *seg, bool *inferred)
{
    bool syn = seg->flags & TCPLIFE_F_SYN, ack = seg->flags & TCPLIFE_F_ACK;

    *inferred = !(syn && !ack);
    if (syn)
        return ack ? TCPLIFE_ROLE_SERVER : TCPLIFE_ROLE_CLIENT;
    /* A well-known port (below 1024) is always the lower one, and clients'
     * ephemeral ports (Linux: 32768-60999) sit above most service ports. */
    return seg->sport < seg->dport ? TCPLIFE_ROLE_SERVER : TCPLIFE_ROLE_CLIENT;
}

static void
start_conn(tl_conn_t *conn, const tl_segment_t *seg)
{
    bool inferred;
    tl_role_t s = first_sender_role(seg, &inferred);
    tl_role_t r = tl_peer(s);

    conn->started = true;
    conn->roles_inferred = inferred;
    conn->first_time_ns = seg->time_ns;
    conn->ep[s].addr = seg->src;
    conn->ep[s].port = seg->sport;
    conn->ep[r].addr = seg->dst;
    conn->ep[r].port = seg->dport;

    if (seg->flags & TCPLIFE_F_SYN) {
        if (seg->flags & TCPLIFE_F_ACK)      /* the client's SYN was not captured */
            conn->ep[TCPLIFE_ROLE_CLIENT].state = TCPLIFE_STATE_SYN_SENT;
        return;
    }
    conn->last_data_ns = seg->time_ns;
    if (seg->flags & TCPLIFE_F_RST) {
        /* Whatever it resets began before the capture: midstream, and its
         * RST is classified as the first segment seen (tl_rst.c). */
        conn->midstream = true;
        for (int i = 0; i < TCPLIFE_ROLE_COUNT; i++)
            conn->ep[i].state = TCPLIFE_STATE_ESTABLISHED;
        return;
    }
    /* Capture started after the handshake: assume both synchronized. */
    conn->midstream = true;
    conn->handshake_done = true;
    for (int i = 0; i < TCPLIFE_ROLE_COUNT; i++) {
        conn->ep[i].state = TCPLIFE_STATE_ESTABLISHED;
        conn->ep[i].syn_acked = true;
    }
}

static tl_role_t
sender_role(const tl_conn_t *conn, const tl_segment_t *seg)
{
    const tl_endpoint_t *c = &conn->ep[TCPLIFE_ROLE_CLIENT];

    if (c->port == seg->sport && addr_eq(&c->addr, &seg->src))
        return TCPLIFE_ROLE_CLIENT;
    if (c->port == seg->dport && addr_eq(&c->addr, &seg->dst))
        return TCPLIFE_ROLE_SERVER;
    /* Addresses the glue could not give: fall back on ports alone. */
    return c->port == seg->sport ? TCPLIFE_ROLE_CLIENT : TCPLIFE_ROLE_SERVER;
}

void
tl_send_event(tl_ctx_t *c, tl_event_t ev)
{
    tl_label_t label;
    c->snd->state = tl_on_send(c->snd->state, ev, &label);
    if (label != TCPLIFE_LABEL_NONE)
        c->res->label_send = (uint8_t)label;
}

void
tl_recv_event(tl_ctx_t *c, tl_event_t ev)
{
    tl_label_t label;
    c->rcv->state = tl_on_recv(c->rcv->state, ev, &label);
    if (label != TCPLIFE_LABEL_NONE)
        c->res->label_recv = (uint8_t)label;
}

/* Record the highest sequence number the sender has used. */
static void
note_sent(tl_endpoint_t *ep, const tl_segment_t *seg)
{
    uint32_t end = seg->seq + seg->len
                 + ((seg->flags & TCPLIFE_F_SYN) ? 1u : 0u)
                 + ((seg->flags & TCPLIFE_F_FIN) ? 1u : 0u);

    if (!ep->nxt_known || tl_seq_gt(end, ep->nxt)) {
        ep->nxt = end;
        ep->nxt_known = true;
    }
    if (seg->flags & TCPLIFE_F_ACK) {
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
    if (seg->has_ttl && !(seg->flags & TCPLIFE_F_RST)) {
        if (!ep->ttl_known) {
            ep->ttl = seg->ttl;
            ep->ttl_known = true;
        } else if (ep->ttl != seg->ttl) {
            ep->ttl_mixed = true;       /* path changes: no TTL evidence */
        }
    }
    if ((seg->flags & TCPLIFE_F_ACK) && !(seg->flags & TCPLIFE_F_RST))
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
    /* Consecutive IP IDs (Linux counts them per socket, Windows per host):
     * how many steps in a row went up by a little. */
    if (!(seg->flags & TCPLIFE_F_RST) && seg->has_ip_id && ep->dup_has_ip_id && ep->segs > 0) {
        if (tl_ip_id_follows(ep->dup_ip_id, seg->ip_id))
            ep->ipid_run = ep->ipid_run < UINT8_MAX ? (uint8_t)(ep->ipid_run + 1) : UINT8_MAX;
        else
            ep->ipid_run = 0;
    }
    ep->dup_has_ip_id = seg->has_ip_id;
    ep->dup_ip_id = seg->ip_id;
    if (ep->segs < UINT32_MAX)
        ep->segs++;
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
    uint32_t start = seg->seq + ((seg->flags & TCPLIFE_F_SYN) ? 1u : 0u);
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

/* What the ACK field of a non-SYN segment newly covers at the receiver. */
static void
on_ack(tl_ctx_t *c, bool *acked_fin)
{
    const tl_segment_t *seg = c->seg;
    tl_result_t *res = c->res;
    tl_endpoint_t *rcv = c->rcv;

    *acked_fin = false;
    if (!(seg->flags & TCPLIFE_F_ACK))
        return;

    if (rcv->isn_known && !rcv->syn_acked
        && !(c->conn->synack_after_ack && !c->conn->step3_pending)) {
        bool exact = seg->ack == rcv->isn + 1;
        if (rcv->state == TCPLIFE_STATE_SYN_RECEIVED) {
            c->conn->step3_pending = false;
            /* Step 3: the ACK completing the handshake. */
            res->hs_step = 3;
            res->hs_ack_checked = true;
            res->hs_ack_ok = exact;
            res->isn = c->snd->isn;
            res->peer_isn = rcv->isn;
            res->rel_syn = rcv->syn_last_frame;
            if (!exact) {
                add_anomaly(res, TCPLIFE_ANOMALY_HANDSHAKE_ACK_MISMATCH);
                return;
            }
            c->conn->hs_ack_frame = seg->frame;
            c->conn->hs_ack_time_ns = seg->time_ns;
            if (c->conn->synack_after_ack) {
                /* The server ignored an identical ACK before (it sent its
                 * SYN-ACK again): wait for its own evidence. */
                add_anomaly(res, TCPLIFE_ANOMALY_HANDSHAKE_ACK_UNCONFIRMED);
                return;
            }
            res->api = TCPLIFE_API_CONNECT_RETURNS;
        }
        if (exact || tl_seq_gt(seg->ack, rcv->isn)) {
            rcv->syn_acked = true;
            tl_recv_event(c, TCPLIFE_EV_ACK_SYN);
        }
    }

    if (rcv->fin_sent && !rcv->fin_acked && tl_seq_geq(seg->ack, rcv->fin_seq + 1)) {
        rcv->fin_acked = true;
        rcv->fin_ack_frame = seg->frame;
        res->rel_fin = rcv->fin_frame;
        *acked_fin = true;
        /* Acknowledged again after its ACK was lost: no new teardown step. */
        c->reack = rcv->fin_reacked;
        tl_recv_event(c, TCPLIFE_EV_ACK_FIN);
    }
}


static tl_phase_t
phase_of(const tl_ctx_t *c)
{
    const tl_conn_t *conn = c->conn;

    if (c->seg->flags & TCPLIFE_F_RST)
        return TCPLIFE_PHASE_RESET;
    if (c->was_ended)
        return TCPLIFE_PHASE_CLOSED;
    if (c->res->hs_step)
        return TCPLIFE_PHASE_HANDSHAKE;
    if (conn->teardown_started)
        return TCPLIFE_PHASE_TEARDOWN;
    if (!conn->handshake_done)
        return TCPLIFE_PHASE_HANDSHAKE;
    return TCPLIFE_PHASE_ESTABLISHED;
}

/* Fill the parts of a verdict every segment has, from the connection now. */
static void
finish_verdict(tl_ctx_t *c)
{
    tl_conn_t *conn = c->conn;
    tl_result_t *res = c->res;

    res->phase = (uint8_t)phase_of(c);
    for (int i = 0; i < TCPLIFE_ROLE_COUNT; i++)
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

/* Steps 4-5 for segments without SYN or RST: ACK, FIN, data. */
static void
data_step(tl_ctx_t *c, bool *acked_fin, bool *new_fin)
{
    tl_conn_t *conn = c->conn;
    const tl_segment_t *seg = c->seg;
    tl_result_t *res = c->res;
    tl_keepalive_t ka = tl_keepalive_of(c);

    if (conn->reset && conn->reset_sender == c->snd_role && !conn->injected)
        tl_sender_continues(c);
    if (c->snd->state == TCPLIFE_STATE_SYN_SENT || c->snd->state == TCPLIFE_STATE_SYN_RECEIVED)
        tl_infer_sync(c);
    if (c->snd->state == TCPLIFE_STATE_SYN_SENT)
        add_anomaly(res, TCPLIFE_ANOMALY_HANDSHAKE_DATA_BEFORE_SYNC);
    if (seg->has_mss || seg->has_wscale || seg->sack_perm)
        add_anomaly(res, TCPLIFE_ANOMALY_OPTION_SYN_ONLY_ELSEWHERE);
    if (ka != TCPLIFE_KA_NONE) {
        res->keepalive = (uint8_t)ka;
        if (ka == TCPLIFE_KA_PROBE) {
            c->keepalive = true;
            c->snd->ka_frame = seg->frame;
            if (c->snd->ka_probes < UINT8_MAX)
                c->snd->ka_probes++;
            res->api = TCPLIFE_API_KEEPALIVE;
            add_anomaly(res, TCPLIFE_ANOMALY_KEEPALIVE_PROBE);
        } else {
            res->rel_ka = c->rcv->ka_frame;
            c->rcv->ka_frame = 0;
            res->api = TCPLIFE_API_KEEPALIVE;
            add_anomaly(res, TCPLIFE_ANOMALY_KEEPALIVE_ANSWER);
        }
    }
    /* An endpoint in SYN_RECEIVED sending anything but a SYN-ACK after
     * its SYN was acknowledged shows it took that ACK. */
    if (c->snd->state == TCPLIFE_STATE_SYN_RECEIVED && c->snd->isn_known && !c->snd->syn_acked
        && c->rcv->ack_known && tl_seq_geq(c->rcv->ack_max, c->snd->isn + 1)) {
        c->snd->syn_acked = true;
        conn->synack_after_ack = false;
        tl_send_event(c, TCPLIFE_EV_ACK_SYN);
    }
    on_ack(c, acked_fin);
    if (seg->flags & TCPLIFE_F_FIN)
        *new_fin = tl_on_fin(c, *acked_fin);
    if (!*new_fin)
        tl_send_event(c, TCPLIFE_EV_ACK);
    if (c->was_ended)
        add_anomaly(res, TCPLIFE_ANOMALY_CLOSED_SEGMENT_AFTER_CLOSE);
    if (seg->len > 0 && c->snd->fin_sent && !*new_fin && !c->keepalive
        && tl_seq_gt(seg->seq + seg->len, c->snd->fin_seq))
        add_anomaly(res, TCPLIFE_ANOMALY_TEARDOWN_DATA_AFTER_FIN);
    /* Half-close is a teardown event: after the end it is just a segment
     * after close (and maybe data after FIN), not a half-close. */
    if (seg->len > 0 && c->rcv->fin_sent && !c->was_ended && !c->keepalive) {
        add_anomaly(res, TCPLIFE_ANOMALY_TEARDOWN_HALF_CLOSE);
        res->half_close = true;
        res->hc_fin_frame = c->rcv->fin_frame;
    }
    if ((*acked_fin && !c->reack) || *new_fin) {
        /* One teardown step per FIN or FIN-acknowledging segment. */
        if (conn->teardown_steps < UINT8_MAX)
            conn->teardown_steps++;
        res->td_step = conn->teardown_steps;
        if (!*new_fin && res->api == TCPLIFE_API_NONE)
            res->api = TCPLIFE_API_FIN_ACK;
        /* The FIN's ACK, captured before it, is the next step. */
        if (c->fin_acked_earlier && conn->teardown_steps < UINT8_MAX)
            conn->teardown_steps++;
    } else if (*acked_fin && res->api == TCPLIFE_API_NONE) {
        res->api = TCPLIFE_API_FIN_ACK;
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
        if (conn->tw_holder == TCPLIFE_TW_NONE) {
            conn->tw_holder = tl_timewait_holder(conn);
            conn->tw_start_ns = c->seg->time_ns;
        } else {
            /* Linux tcp_timewait_state_process(): the holder re-arms its
             * timer for a full TIME_WAIT on the retransmitted FIN. */
            conn->tw_rearmed_ns = c->seg->time_ns;
            add_anomaly(res, TCPLIFE_ANOMALY_TEARDOWN_TIME_WAIT_RESTART);
        }
    }
    if (conn->tw_holder != TCPLIFE_TW_NONE) {
        res->tw_holder = (uint8_t)conn->tw_holder;
        res->tw_start_ns = conn->tw_start_ns;
        res->tw_rearmed_ns = conn->tw_rearmed_ns;
        res->tw_duration_ns = c->cfg->time_wait_ns;
        res->tw_left_ns = tl_timewait_expires(conn, c->cfg) - c->seg->time_ns;
    }
}

/* Windows' connect() retries a refusal about 0.5 s later, twice (the
 * window tl_backoff_stacks() accepts for it). */
#define TCPLIFE_REFUSED_RETRY_NS (INT64_C(1500) * 1000000)

/* The new connection's first segment is the refused client's SYN again:
 * it starts where the refused connection left its client. */
static bool
carry_refused(tl_conn_t *conn, const tl_conn_t *prev, const tl_segment_t *seg)
{
    const tl_endpoint_t *old = &prev->ep[TCPLIFE_ROLE_CLIENT];
    tl_endpoint_t *cl = &conn->ep[TCPLIFE_ROLE_CLIENT];

    if ((seg->flags & (TCPLIFE_F_SYN | TCPLIFE_F_ACK | TCPLIFE_F_RST)) != TCPLIFE_F_SYN
        || !prev->reset || prev->reset_kind != TCPLIFE_RST_REFUSED || !old->refused
        || !old->isn_known || seg->seq != old->isn || prev->roles_inferred
        || old->port != seg->sport || !addr_eq(&old->addr, &seg->src)
        || seg->time_ns < prev->last_time_ns
        || seg->time_ns - prev->last_time_ns > TCPLIFE_REFUSED_RETRY_NS)
        return false;
    cl->isn = old->isn;
    cl->isn_known = true;
    cl->syn_count = old->syn_count;
    cl->syn_frame = old->syn_frame;
    cl->syn_last_frame = old->syn_last_frame;
    cl->syn_time_ns = old->syn_time_ns;
    cl->backoff_mask = old->backoff_mask;
    cl->syn_opts = old->syn_opts;
    cl->syn_opts_known = old->syn_opts_known;
    cl->refused = true;
    /* The refusing host has no socket for it: as the RST left it. */
    conn->ep[TCPLIFE_ROLE_SERVER].state = prev->ep[TCPLIFE_ROLE_SERVER].state;
    return true;
}

static void observe(tl_conn_t *conn, const tl_conn_t *prev, const tl_config_t *cfg,
                    const tl_segment_t *seg, tl_result_t *res);

void
tl_conn_observe(tl_conn_t *conn, const tl_config_t *cfg,
                const tl_segment_t *seg, tl_result_t *res)
{
    observe(conn, NULL, cfg, seg, res);
}

bool
tl_conn_observe_on_tuple(tl_conn_t *conn, const tl_conn_t *prev, const tl_config_t *cfg,
                         const tl_segment_t *seg, tl_result_t *res)
{
    bool first = conn->segments == 0;

    if (!first || prev == conn || (prev && !prev->started))
        prev = NULL;
    observe(conn, prev, cfg, seg, res);
    return prev && tl_timewait_reuse(prev, cfg, seg, res);
}

/*
 * One observed segment, in the order tcp_rcv_state_process() takes one:
 *   1. roles and a copy of the previous frame (nothing else happens to it);
 *   2. classify: RST, SYN, or ACK/FIN/data (keepalive, inference);
 *   3. transitions of both endpoints (tl_fsm.c) inside the step of 2;
 *   4. accounting: payload, sequence space, TTL;
 *   5. TIME_WAIT and the verdict's shared fields.
 */
static void
observe(tl_conn_t *conn, const tl_conn_t *prev, const tl_config_t *cfg,
        const tl_segment_t *seg, tl_result_t *res)
{
    tl_ctx_t c;
    bool acked_fin = false, new_fin = false;

    memset(res, 0, sizeof *res);
    if (!conn->started) {
        start_conn(conn, seg);
        if (prev)
            (void)carry_refused(conn, prev, seg);
    }

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
    for (int i = 0; i < TCPLIFE_ROLE_COUNT; i++)
        res->prev_state[i] = (uint8_t)conn->ep[i].state;

    /* 1. */
    if (tl_duplicate_step(&c)) {
        if (conn->tw_holder != TCPLIFE_TW_NONE)
            time_wait_step(&c);
        finish_verdict(&c);
        return;
    }
    /* 2-3. */
    if (seg->flags & TCPLIFE_F_RST) {
        tl_on_rst(&c);
        if (seg->len > 0)
            add_anomaly(res, TCPLIFE_ANOMALY_RESET_WITH_DATA);
    } else if (seg->flags & TCPLIFE_F_SYN) {
        tl_on_syn(&c);
    } else {
        data_step(&c, &acked_fin, &new_fin);
    }
    /* The unusual transitions raise their anomaly (the label map's second
     * column), except after the end or before the sender synchronized:
     * those anomalies already say why nothing can be taken. */
    if (!c.was_ended && !tl_result_has_anomaly(res, TCPLIFE_ANOMALY_HANDSHAKE_DATA_BEFORE_SYNC)) {
        tl_anomaly_t as = tl_label_anomaly((tl_label_t)res->label_send);
        tl_anomaly_t ar = tl_label_anomaly((tl_label_t)res->label_recv);
        if (as != TCPLIFE_ANOMALY_NONE)
            add_anomaly(res, as);
        if (ar != TCPLIFE_ANOMALY_NONE)
            add_anomaly(res, ar);
    }

    /* 4. */
    if (!(seg->flags & TCPLIFE_F_RST))
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
        add_anomaly(res, TCPLIFE_ANOMALY_ESTABLISHED_MIDSTREAM);
    finish_verdict(&c);
}

