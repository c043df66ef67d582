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
    o->ece = (seg->flags & TL_F_ECE) != 0;
    o->cwr = (seg->flags & TL_F_CWR) != 0;
    o->tfo = seg->tfo;
    o->tfo_cookie_len = seg->tfo_cookie_len;
    o->data_len = seg->len;
}

static tl_auth_t
auth_of(const tl_syn_opts_t *o)
{
    return o->ao ? TL_AUTH_AO : o->md5 ? TL_AUTH_MD5 : TL_AUTH_NONE;
}

void
tl_conn_negotiated(const tl_conn_t *conn, tl_negotiated_t *out)
{
    const tl_endpoint_t *c = &conn->ep[TL_ROLE_CLIENT], *s = &conn->ep[TL_ROLE_SERVER];
    const tl_syn_opts_t *co = &c->syn_opts, *so = &s->syn_opts;
    tl_auth_t ca = auth_of(co), sa = auth_of(so);

    for (int r = 0; r < TL_ROLE_COUNT; r++) {
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

    out->tfo = TL_TFO_NONE;
    if (co->tfo && co->data_len > 0 && co->tfo_cookie_len > 0) {
        /* The SYN-ACK acknowledges the SYN's data, or only the SYN. */
        out->tfo = c->syn_acked_data ? TL_TFO_DATA_ACCEPTED : TL_TFO_DATA_NOT_ACCEPTED;
    } else if (co->tfo && co->tfo_cookie_len == 0) {
        out->tfo = TL_TFO_COOKIE_REQUEST;
    }

    out->auth = ca == sa ? ca : TL_AUTH_MISMATCH;
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
        return TL_BACKOFF_EXPONENTIAL;
    if (!synack && retry <= 4 && interval_ns >= s - s / 4 && interval_ns <= s + s / 4)
        return TL_BACKOFF_LINEAR;
    /* After the linear phase Linux doubles from 1 s again: retry 5 waits 2 s. */
    if (!synack && retry > 4) {
        int64_t lin = retry - 4 > 6 ? 64 * s : (s << (retry - 4));
        int64_t tol = lin / 4 > s / 4 ? lin / 4 : s / 4;
        if (interval_ns >= lin - tol && interval_ns <= lin + tol)
            return TL_BACKOFF_LINEAR;
    }
    return TL_BACKOFF_OTHER;
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
               ? (uint8_t)(1u << TL_STACK_WINDOWS_REFUSED) : 0;
    if (fits(sched_linux, retry, interval_ns))
        m |= 1u << TL_STACK_LINUX;
    if (!synack && fits(sched_linear, retry, interval_ns))
        m |= 1u << TL_STACK_LINUX_LINEAR;
    if (fits(sched_win, retry, interval_ns))
        m |= 1u << TL_STACK_WINDOWS;
    if (!synack && fits(sched_xnu, retry, interval_ns))
        m |= 1u << TL_STACK_XNU;
    return m;
}
