/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_rst.c - why was this connection reset? One rule of TCPLIFE_RST_RULE_MAP per
 * RST, chosen from what the capture point saw (docs/rst.md):
 *
 *  1. The reply form. A host with no connection answers a segment that
 *     carries ACK with a bare RST whose seq is that segment's ack (RFC 9293
 *     §3.10.7.1; Linux tcp_v4_send_reset()). Linux's own aborts, from a live
 *     socket, send RST+ACK (tcp_send_active_reset()).
 *  2. What the sender had: bytes are unread only if the sender acknowledged
 *     them (an earlier ACK of its own or the RST's ack); bytes it never
 *     acknowledged were in flight or lost (unacked), never unread.
 *  3. Timers: keepalive probes before the RST, or a long idle period.
 *  4. Forgery: a TTL / hop limit unlike its alleged sender's other segments
 *     (the sender going on afterwards is seen later, in tl_conn.c).
 *
 * Pure functions; no epan includes.
 */
#include "tl_internal.h"
#include "tl_seq.h"

#define add_anomaly tl_result_add_anomaly

#define TCPLIFE_RULE_REASON_(sym, kind, reason, an, api, text) TCPLIFE_REASON_##reason,
#define TCPLIFE_RULE_AN_(sym, kind, reason, an, api, text)     TCPLIFE_ANOMALY_##an,
#define TCPLIFE_RULE_API_(sym, kind, reason, an, api, text)    TCPLIFE_API_##api,
static const tl_rst_reason_t rule_reason[] = { TCPLIFE_RST_RULE_MAP(TCPLIFE_RULE_REASON_) };
static const tl_anomaly_t rule_anomaly[]   = { TCPLIFE_RST_RULE_MAP(TCPLIFE_RULE_AN_) };
static const tl_api_t rule_api[]           = { TCPLIFE_RST_RULE_MAP(TCPLIFE_RULE_API_) };

tl_rst_reason_t
tl_rst_rule_reason(tl_rst_rule_t r)
{
    return (unsigned)r < TCPLIFE_RULE_COUNT ? rule_reason[r] : TCPLIFE_REASON_NOT_SPECIFIED;
}

tl_anomaly_t
tl_rst_rule_anomaly(tl_rst_rule_t r)
{
    return (unsigned)r < TCPLIFE_RULE_COUNT ? rule_anomaly[r] : TCPLIFE_ANOMALY_NONE;
}

tl_api_t
tl_rst_rule_api(tl_rst_rule_t r)
{
    return (unsigned)r < TCPLIFE_RULE_COUNT ? rule_api[r] : TCPLIFE_API_NONE;
}

/* The highest of the receiver's sequence numbers the sender acknowledged:
 * its own latest ACK or the RST's ack, whichever is higher. */
static bool
acked_by(const tl_endpoint_t *snd, const tl_endpoint_t *rcv, const tl_segment_t *seg, uint32_t *acked)
{
    bool known = snd->ack_known;

    *acked = snd->ack_max;
    if ((seg->flags & TCPLIFE_F_ACK) && (!known || tl_seq_gt(seg->ack, *acked))) {
        *acked = seg->ack;
        known = true;
    }
    if (!known && rcv->isn_known) {
        *acked = rcv->isn + 1;       /* nothing acknowledged beyond the SYN */
        known = true;
    }
    return known;
}

/* Payload bytes rcv sent that snd never acknowledged: in flight or lost. */
static uint32_t
unacked(const tl_endpoint_t *snd, const tl_endpoint_t *rcv, const tl_segment_t *seg)
{
    uint32_t acked;

    if (!rcv->data_known || !acked_by(snd, rcv, seg, &acked))
        return 0;
    return tl_seq_gt(rcv->data_end, acked) ? rcv->data_end - acked : 0;
}

/* Input snd received and acknowledged after its own last payload: what an
 * application that closed left unread. */
static uint32_t
unread(const tl_endpoint_t *snd, const tl_endpoint_t *rcv, const tl_segment_t *seg)
{
    uint32_t acked, end, n;

    if (!snd->in_from_known || !rcv->data_known || snd->unanswered == 0
        || !acked_by(snd, rcv, seg, &acked))
        return 0;
    end = tl_seq_lt(acked, rcv->data_end) ? acked : rcv->data_end;
    if (!tl_seq_gt(end, snd->in_from))
        return 0;
    n = end - snd->in_from;
    return n < snd->unanswered ? n : snd->unanswered;
}

/* A bare RST whose seq is the ack of the receiver's latest segment: the
 * reply of a host with no connection, or of a Linux socket refusing a
 * segment (tcp_v4_send_reset()), not an abort of its own. */
static bool
reply_form(const tl_endpoint_t *rcv, const tl_segment_t *seg)
{
    return !(seg->flags & TCPLIFE_F_ACK) && rcv->ack_known && seg->seq == rcv->ack_max;
}

/* The sender's own payload went unacknowledged and it fell silent. */
static bool
own_data_unacked(const tl_endpoint_t *snd, const tl_endpoint_t *rcv)
{
    return snd->data_known && rcv->ack_known && tl_seq_gt(snd->data_end, rcv->ack_max);
}

static tl_rst_rule_t
stray_after_end(const tl_conn_t *conn, const tl_endpoint_t *snd, const tl_segment_t *seg,
                const tl_rst_ctx_t *ctx)
{
    if (conn->reset)
        return TCPLIFE_RULE_STRAY_RESET;
    if (snd->state == TCPLIFE_STATE_TIME_WAIT && seg->time_ns < ctx->tw_expires_ns)
        return TCPLIFE_RULE_STRAY_TIME_WAIT;
    return TCPLIFE_RULE_STRAY_CLOSED;
}

static tl_rst_rule_t
classify(const tl_conn_t *conn, const tl_endpoint_t *snd, const tl_endpoint_t *rcv,
         const tl_segment_t *seg, const tl_rst_ctx_t *ctx, uint32_t unread_bytes, uint32_t *answers)
{
    bool bare_reply = reply_form(rcv, seg);

    *answers = rcv->last_frame;
    if (ctx->first) {
        /* RST+ACK with seq 0 is how a host with no socket answers a segment
         * without ACK: a SYN the capture missed. */
        if ((seg->flags & TCPLIFE_F_ACK) && seg->seq == 0)
            return TCPLIFE_RULE_REFUSED_UNSEEN;
        return (seg->flags & TCPLIFE_F_ACK) ? TCPLIFE_RULE_MIDSTREAM_ABORT : TCPLIFE_RULE_STRAY_NEVER_SEEN;
    }
    if (ctx->ended && !ctx->crossing)
        return stray_after_end(conn, snd, seg, ctx);

    /* The handshake. */
    if (rcv->state == TCPLIFE_STATE_SYN_SENT && !conn->handshake_done) {
        /* The only thing the receiver has sent is its SYN. */
        *answers = rcv->syn_last_frame;
        return TCPLIFE_RULE_REFUSED;
    }
    if (snd->synack_sent && !snd->syn_acked && rcv->state != TCPLIFE_STATE_SYN_SENT) {
        /* The server never took the handshake ACK: a retransmitted SYN-ACK
         * showed that, or it never said otherwise. Answering that ACK at
         * once, soon after its SYN-ACK, it refused it (accept queue full);
         * long after, the request had expired. */
        if (bare_reply && conn->hs_ack_frame && rcv->last_frame == conn->hs_ack_frame
            && conn->hs_ack_time_ns - snd->syn_time_ns < TCPLIFE_CROSSING_NS)
            return TCPLIFE_RULE_STRAY_ACCEPT_OVERFLOW;
        return snd->syn_count > 1 || conn->synack_after_ack ? TCPLIFE_RULE_STRAY_SYNACK_GIVEUP
                                                            : TCPLIFE_RULE_STRAY_LISTENER;
    }
    if (bare_reply && snd->isn_known && !snd->syn_acked && rcv->ack_known
        && rcv->ack_max != snd->isn + 1)
        /* The SYN sender rejects an ACK for some other ISN. */
        return TCPLIFE_RULE_STRAY_INVALID_ACK;
    if (bare_reply && rcv->synack_sent && rcv->last_frame == rcv->syn_last_frame
        && !snd->synack_sent && snd->segs > 0 && snd->last_frame == snd->syn_last_frame)
        /* The client answers the SYN-ACK with a bare RST: it had closed
         * its socket in SYN_SENT. */
        return TCPLIFE_RULE_STRAY_SYN_SENT;

    /* Forged on the path: a TTL its sender never used. */
    if (seg->has_ttl && snd->ttl_known && !snd->ttl_mixed && seg->ttl != snd->ttl)
        return TCPLIFE_RULE_INJECTED_TTL;
    /* Or an IP ID its sender's counter was nowhere near, soon after its
     * last segment (a host-wide counter, as Windows has, moves with other
     * traffic: after a pause it proves nothing). ID 0 is what Linux's
     * socketless replies carry (tcp_v4_send_reset() sends from a control
     * socket): no evidence either way. */
    if (seg->has_ip_id && seg->ip_id != 0 && snd->ipid_run >= TCPLIFE_IPID_RUN
        && snd->dup_has_ip_id && seg->time_ns - snd->last_ns <= TCPLIFE_CROSSING_NS
        && !tl_ip_id_follows(snd->dup_ip_id, seg->ip_id))
        return TCPLIFE_RULE_INJECTED_IPID;

    if (bare_reply) {
        if (snd->fin_sent && rcv->bytes_after_peer_fin > 0) {
            *answers = rcv->last_data_frame;
            /* Linux: before its FIN was acknowledged the socket itself
             * resets (TCPAbortOnData); after, an orphaned FIN_WAIT_2 lives
             * on as a timewait socket that answers new data with RST. */
            return snd->fin_acked && snd->fin_ack_frame < rcv->last_data_frame
                   ? TCPLIFE_RULE_DATA_AFTER_CLOSE_FW2 : TCPLIFE_RULE_DATA_AFTER_CLOSE;
        }
        if (snd->fin_sent && snd->fin_acked)
            return TCPLIFE_RULE_STRAY_FIN_WAIT_2;
        if (snd->ka_frame)
            return TCPLIFE_RULE_STRAY_KEEPALIVE;
        if (own_data_unacked(snd, rcv))
            return TCPLIFE_RULE_STRAY_USER_TIMEOUT;
        return TCPLIFE_RULE_STRAY_GONE;
    }

    /* RST+ACK (or a bare RST not in reply form): the sender's own abort. */
    if (snd->fin_sent && rcv->bytes_after_peer_fin > 0) {
        *answers = rcv->last_data_frame;
        return TCPLIFE_RULE_DATA_AFTER_CLOSE;
    }
    /* Timers first: input left over from long before is not why it
     * reset now. */
    if (snd->ka_frame)
        return TCPLIFE_RULE_KEEPALIVE;
    if (!snd->fin_sent && unacked(snd, rcv, seg) == 0 && !own_data_unacked(snd, rcv)
        && seg->time_ns - conn->last_data_ns >= TCPLIFE_IDLE_TIMEOUT_NS
        && seg->time_ns - rcv->last_ns >= TCPLIFE_IDLE_TIMEOUT_NS)
        return TCPLIFE_RULE_IDLE;
    if (!snd->fin_sent && unread_bytes > 0) {
        *answers = rcv->last_data_frame;
        /* Input that answers the sender's own payload (a response to its
         * request) is where a client reads and then aborts with SO_LINGER
         * 0 as often as it closes unread: the wire cannot tell which. */
        return snd->data_known ? TCPLIFE_RULE_UNREAD_ANSWER : TCPLIFE_RULE_UNREAD_DATA;
    }
    return snd->fin_sent ? TCPLIFE_RULE_ABORT_AFTER_FIN : TCPLIFE_RULE_ABORT;
}

tl_rst_verdict_t
tl_rst_classify(const tl_conn_t *conn, const tl_endpoint_t *snd,
                const tl_endpoint_t *rcv, const tl_segment_t *seg, const tl_rst_ctx_t *ctx)
{
    tl_rst_verdict_t v = { TCPLIFE_RULE_NONE, 0, 0, 0 };
    tl_rst_kind_t kind;

    v.unread_bytes = unread(snd, rcv, seg);
    v.rule = classify(conn, snd, rcv, seg, ctx, v.unread_bytes, &v.answers_frame);
    kind = tl_rst_rule_kind(v.rule);
    /* The byte counts describe a live connection's end; a host without a
     * socket has read nothing, but what it never acknowledged is lost. */
    if (kind == TCPLIFE_RST_REFUSED || kind == TCPLIFE_RST_STRAY)
        v.unread_bytes = 0;
    if (kind != TCPLIFE_RST_REFUSED && !(ctx->ended && !ctx->crossing))
        v.unacked_bytes = unacked(snd, rcv, seg);
    return v;
}

/* A RST: classify it (above), then apply it to both endpoints. */
void
tl_on_rst(tl_ctx_t *c)
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
                   && !conn->injected && (seg->flags & TCPLIFE_F_ACK) && snd->nxt_known
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
    res->rst_unread_data = kind == TCPLIFE_RST_UNREAD_DATA;
    res->rel_rst = v.answers_frame;
    res->api = (uint8_t)tl_rst_rule_api(v.rule);
    an = tl_rst_rule_anomaly(v.rule);
    if (an != TCPLIFE_ANOMALY_NONE)
        add_anomaly(res, an);
    if (ctx.crossing)
        add_anomaly(res, TCPLIFE_ANOMALY_RESET_CROSSING);
    if (v.unacked_bytes)
        add_anomaly(res, TCPLIFE_ANOMALY_RESET_DATA_LOST);

    if (c->was_ended && !ctx.crossing) {
        /* Nothing to abort, but a TIME_WAIT socket dies of it: Linux kills
         * it unless net.ipv4.tcp_rfc1337=1 (RFC 1337 "TIME-WAIT assassination");
         * so does a side that never took a forged RST. */
        if (rcv->state != TCPLIFE_STATE_CLOSED && rcv->state != TCPLIFE_STATE_LISTEN)
            tl_recv_event(c, TCPLIFE_EV_RST);
        return;
    }
    if (kind == TCPLIFE_RST_REFUSED)
        rcv->refused = true;
    if (ctx.crossing)
        return;                 /* both are CLOSED already */
    snd->pre_rst_state = (uint8_t)snd->state;
    rcv->pre_rst_state = (uint8_t)rcv->state;
    conn->reset_sender = c->snd_role;
    conn->reset_kind = kind;
    conn->reset_rule = v.rule;
    tl_send_event(c, TCPLIFE_EV_RST);
    /* RFC 5961 §3.2: a synchronized receiver takes a RST only at exactly
     * RCV.NXT; any other in-window RST gets a challenge ACK and changes
     * nothing (Linux since 3.6, FreeBSD, Windows). */
    if (conn->handshake_done && snd->nxt_known && seg->seq != snd->nxt
        && !(rcv->ack_known && seg->seq == rcv->ack_max)) {
        conn->rst_ignored = true;
        add_anomaly(res, TCPLIFE_ANOMALY_RESET_NOT_AT_RCV_NXT);
    } else {
        tl_recv_event(c, TCPLIFE_EV_RST);
    }
    conn->reset = true;
    conn->reset_frame = seg->frame;
    conn->ended = true;
}

