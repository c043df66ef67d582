/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_handshake.c - what the handshake negotiated, and how retransmission
 * intervals compare with Linux's. Pure functions; no epan includes.
 *
 * Sources: RFC 9293 §3.7.1 (MSS default 536 for IPv4), RFC 7323 §2.2 and
 * §3.2 (window scale and timestamps count only when both SYNs carry them),
 * RFC 2018 (SACK-permitted), RFC 3168 §6.1.1 (ECN setup: SYN with ECE and
 * CWR, SYN-ACK with ECE only), RFC 7413 (TFO), RFC 2385 / RFC 5925 (MD5,
 * TCP-AO). Linux: initial RTO 1 s (TCP_TIMEOUT_INIT), doubling per retry;
 * since 6.7 tcp_syn_linear_timeouts (default 4) keeps the first SYN
 * retries 1 s apart.
 */
#include "tl_internal.h"
#include "tl_seq.h"

#define add_anomaly tl_result_add_anomaly

void
tl_syn_opts_of(const tl_segment_t *seg, tl_syn_opts_t *o)
{
    o->has_mss = seg->has_mss;
    o->mss = seg->mss;
    o->has_wscale = seg->has_wscale;
    o->wscale = seg->wscale;
    o->sack_perm = seg->sack_perm;
    o->ts = seg->has_ts;
    o->md5 = seg->md5;
    o->ao = seg->ao;
    o->ece = (seg->flags & TCPLIFE_F_ECE) != 0;
    o->cwr = (seg->flags & TCPLIFE_F_CWR) != 0;
    o->tfo = seg->tfo;
    o->tfo_cookie_len = seg->tfo_cookie_len;
    o->data_len = seg->len;
}

static tl_auth_t
auth_of(const tl_syn_opts_t *o)
{
    return o->ao ? TCPLIFE_AUTH_AO : o->md5 ? TCPLIFE_AUTH_MD5 : TCPLIFE_AUTH_NONE;
}

void
tl_conn_negotiated(const tl_conn_t *conn, tl_negotiated_t *out)
{
    const tl_endpoint_t *c = &conn->ep[TCPLIFE_ROLE_CLIENT], *s = &conn->ep[TCPLIFE_ROLE_SERVER];
    const tl_syn_opts_t *co = &c->syn_opts, *so = &s->syn_opts;
    tl_auth_t ca = auth_of(co), sa = auth_of(so);

    for (int r = 0; r < TCPLIFE_ROLE_COUNT; r++) {
        const tl_syn_opts_t *o = &conn->ep[r].syn_opts;
        out->mss_default[r] = !o->has_mss;
        out->mss[r] = o->has_mss ? o->mss : 536;
        out->wscale_offered[r] = o->has_wscale;
        out->wscale_shift[r] = o->wscale;
    }
    out->wscale = co->has_wscale && so->has_wscale;
    out->sack = co->sack_perm && so->sack_perm;
    out->ts = co->ts && so->ts;
    /* RFC 3168 §6.1.1: an ECN-setup SYN has ECE and CWR, an ECN-setup
     * SYN-ACK has ECE and not CWR. */
    out->ecn = co->ece && co->cwr && so->ece && !so->cwr;

    out->tfo = TCPLIFE_TFO_NONE;
    if (co->tfo && co->data_len > 0 && co->tfo_cookie_len > 0) {
        /* The SYN-ACK acknowledges the SYN's data, or only the SYN. */
        out->tfo = c->syn_acked_data ? TCPLIFE_TFO_DATA_ACCEPTED : TCPLIFE_TFO_DATA_NOT_ACCEPTED;
    } else if (co->tfo && co->tfo_cookie_len == 0) {
        out->tfo = TCPLIFE_TFO_COOKIE_REQUEST;
    }

    out->auth = ca == sa ? ca : TCPLIFE_AUTH_MISMATCH;
}

tl_backoff_t
tl_backoff_verdict(bool synack, uint8_t retry, int64_t interval_ns, int64_t *expected_ns)
{
    const int64_t s = INT64_C(1000000000);
    int64_t expo, tolerance;

    if (retry == 0)
        retry = 1;
    expo = retry > 6 ? 64 * s : (s << (retry - 1));
    *expected_ns = expo;
    /* Timers fire late by a few jiffies and RTT samples can stretch the
     * RTO a little: accept 25 % or 250 ms, whichever is larger. */
    tolerance = expo / 4 > s / 4 ? expo / 4 : s / 4;
    if (interval_ns >= expo - tolerance && interval_ns <= expo + tolerance)
        return TCPLIFE_BACKOFF_EXPONENTIAL;
    if (!synack && retry <= 4 && interval_ns >= s - s / 4 && interval_ns <= s + s / 4)
        return TCPLIFE_BACKOFF_LINEAR;
    /* After the linear phase Linux doubles from 1 s again: retry 5 waits 2 s. */
    if (!synack && retry > 4) {
        int64_t lin = retry - 4 > 6 ? 64 * s : (s << (retry - 4));
        int64_t tol = lin / 4 > s / 4 ? lin / 4 : s / 4;
        if (interval_ns >= lin - tol && interval_ns <= lin + tol)
            return TCPLIFE_BACKOFF_LINEAR;
    }
    return TCPLIFE_BACKOFF_OTHER;
}

/*
 * Retransmission schedules of other stacks (docs/syn-backoff.md): the
 * interval before retry n (1-based), in ms; 0 ends a table.
 *  - Linux before 6.5 (and FreeBSD 14+): initial RTO 1 s, doubling
 *    (TCP_TIMEOUT_INIT; SYN-ACKs alike, tcp_synack_retries).
 *  - Linux 6.5+: tcp_syn_linear_timeouts=4 keeps the RTO at 1 s for the
 *    first retries, then doubles (SYNs only).
 *  - Windows: InitialRto 3 s, TcpMaxConnectRetransmissions 2.
 *  - macOS / iOS: XNU's tcp_syn_backoff[] table times an initial RTO of 1 s.
 */
static const uint32_t sched_linux[]  = { 1000, 2000, 4000, 8000, 16000, 32000, 64000, 0 };
static const uint32_t sched_linear[] = { 1000, 1000, 1000, 1000, 1000, 2000, 4000, 8000, 16000, 32000, 0 };
static const uint32_t sched_win[]    = { 3000, 6000, 12000, 0 };
static const uint32_t sched_xnu[]    = { 1000, 1000, 1000, 1000, 1000, 2000, 4000, 8000, 16000, 32000,
                                         64000, 64000, 0 };

static bool
fits(const uint32_t *sched, uint8_t retry, int64_t interval_ns)
{
    const int64_t ms = 1000000;
    int64_t want, tol;

    for (uint8_t i = 1; i < retry; i++)
        if (sched[i - 1] == 0)
            return false;
    if (retry == 0 || sched[retry - 1] == 0)
        return false;
    want = (int64_t)sched[retry - 1] * ms;
    /* As tl_backoff_verdict(): 25 % or 250 ms, whichever is larger. */
    tol = want / 4 > 250 * ms ? want / 4 : 250 * ms;
    return interval_ns >= want - tol && interval_ns <= want + tol;
}

uint8_t
tl_backoff_stacks(bool synack, uint8_t retry, int64_t interval_ns, bool after_refusal)
{
    const int64_t ms = 1000000;
    uint8_t m = 0;

    if (after_refusal)
        /* Windows' connect() sends the SYN again soon after a RST (about
         * 2 s for its retries in all); nobody else retries a refusal. */
        return interval_ns >= 250 * ms && interval_ns <= 1500 * ms
               ? (uint8_t)(1u << TCPLIFE_STACK_WINDOWS_REFUSED) : 0;
    if (fits(sched_linux, retry, interval_ns))
        m |= 1u << TCPLIFE_STACK_LINUX;
    if (!synack && fits(sched_linear, retry, interval_ns))
        m |= 1u << TCPLIFE_STACK_LINUX_LINEAR;
    if (fits(sched_win, retry, interval_ns))
        m |= 1u << TCPLIFE_STACK_WINDOWS;
    if (!synack && fits(sched_xnu, retry, interval_ns))
        m |= 1u << TCPLIFE_STACK_XNU;
    return m;
}

/* SYN or SYN-ACK: handshake steps 1 and 2, and their retransmissions. */
void
tl_on_syn(tl_ctx_t *c)
{
    const tl_segment_t *seg = c->seg;
    tl_result_t *res = c->res;
    tl_endpoint_t *snd = c->snd, *rcv = c->rcv;
    bool synack = seg->flags & TCPLIFE_F_ACK;
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
        res->api = TCPLIFE_API_CONNECT;
        add_anomaly(res, TCPLIFE_ANOMALY_HANDSHAKE_SYN_REORDERED);
        return;
    }
    if (snd->isn_known && !simopen_synack) {
        bool after_refusal = !synack && snd->refused;

        if (seg->seq != snd->isn) {
            add_anomaly(res, TCPLIFE_ANOMALY_HANDSHAKE_NEW_ISN);
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
            conn->reset_kind = TCPLIFE_RST_NONE;
            conn->reset_rule = TCPLIFE_RULE_NONE;
            c->was_ended = false;
            add_anomaly(res, TCPLIFE_ANOMALY_HANDSHAKE_RETRY_AFTER_REFUSED);
            tl_send_event(c, TCPLIFE_EV_SYN);
        }
        res->rel_prev = snd->syn_last_frame;
        snd->syn_last_frame = seg->frame;
        snd->syn_time_ns = seg->time_ns;
        res->api = synack ? TCPLIFE_API_SYN_QUEUE_RETRY : TCPLIFE_API_CONNECT_RETRY;
        add_anomaly(res, synack ? TCPLIFE_ANOMALY_HANDSHAKE_SYNACK_RETRANS
                                : TCPLIFE_ANOMALY_HANDSHAKE_SYN_RETRANS);
        if (synack) {
            c->conn->step3_pending = true;
            res->peer_isn = rcv->isn;
            res->rel_syn = rcv->syn_frame;
            res->hs_ack_checked = rcv->isn_known;
            res->hs_ack_ok = rcv->isn_known && seg->ack == rcv->isn + 1;
            if (snd->state == TCPLIFE_STATE_ESTABLISHED) {
                /* RFC 9293: only SYN_RECEIVED sends a SYN-ACK, so the
                 * handshake ACK never reached this socket. */
                add_anomaly(res, TCPLIFE_ANOMALY_HANDSHAKE_SYNACK_AFTER_ACK);
                res->rel_ack_not_taken = c->conn->hs_ack_frame;
                c->conn->synack_after_ack = true;
                snd->syn_acked = false;
                tl_send_event(c, TCPLIFE_EV_SYNACK);
            }
            tl_recv_event(c, TCPLIFE_EV_SYNACK);
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
            add_anomaly(res, TCPLIFE_ANOMALY_HANDSHAKE_TFO_DATA);
    }

    if (!synack) {
        if (rcv->state == TCPLIFE_STATE_SYN_SENT) {
            c->conn->simultaneous_open = true;
            add_anomaly(res, TCPLIFE_ANOMALY_HANDSHAKE_SIMULTANEOUS_OPEN);
            res->api = TCPLIFE_API_SIMOPEN;
        } else {
            res->api = TCPLIFE_API_CONNECT;
        }
        /* Its own SYN crossed the peer's, already taken as received: it
         * went SYN_SENT and on to SYN_RECEIVED (RFC 9293 figure 7). */
        if (!(c->conn->simultaneous_open && snd->state == TCPLIFE_STATE_SYN_RECEIVED))
            tl_send_event(c, TCPLIFE_EV_SYN);
        tl_recv_event(c, TCPLIFE_EV_SYN);
        return;
    }

    res->api = c->conn->simultaneous_open ? TCPLIFE_API_SIMOPEN : TCPLIFE_API_SYN_QUEUE;
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
            add_anomaly(res, TCPLIFE_ANOMALY_HANDSHAKE_ECN_NEGOTIATED);
        if (n.auth == TCPLIFE_AUTH_MISMATCH)
            add_anomaly(res, TCPLIFE_ANOMALY_HANDSHAKE_AUTH_MISMATCH);
    }
    /* In a simultaneous open whose SYN-ACKs crossed, the peer's SYN-ACK has
     * already established this endpoint: this one was sent before it. */
    if (!(simopen_synack && snd->state == TCPLIFE_STATE_ESTABLISHED))
        tl_send_event(c, TCPLIFE_EV_SYNACK);
    if (res->hs_ack_checked && !res->hs_ack_ok) {
        /* The peer will not take it (Linux answers with RST). */
        add_anomaly(res, TCPLIFE_ANOMALY_HANDSHAKE_ACK_MISMATCH);
        return;
    }
    rcv->syn_acked = true;
    tl_recv_event(c, TCPLIFE_EV_SYNACK);
}

