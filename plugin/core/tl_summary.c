/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_summary.c - a connection's life in a few facts: outcome, handshake
 * outcome, one-sided capture, and the batch summaries' row. Pure reads of a
 * tl_conn_t. No epan includes.
 */
#include <string.h>

#include "tl_internal.h"
#include "tl_seq.h"

#define add_anomaly tl_result_add_anomaly

bool
tl_conn_one_sided(const tl_conn_t *conn)
{
    const tl_endpoint_t *c = &conn->ep[TCPLIFE_ROLE_CLIENT], *s = &conn->ep[TCPLIFE_ROLE_SERVER];

    if (c->segs == 0)
        return s->sent_ack;
    if (s->segs == 0)
        return c->sent_ack;
    return false;
}

tl_outcome_t
tl_conn_outcome(const tl_conn_t *conn)
{
    const tl_endpoint_t *c = &conn->ep[TCPLIFE_ROLE_CLIENT], *s = &conn->ep[TCPLIFE_ROLE_SERVER];

    if (conn->reset)
        return conn->reset_kind == TCPLIFE_RST_REFUSED ? TCPLIFE_OUTCOME_REFUSED : TCPLIFE_OUTCOME_RESET;
    if (c->fin_sent && s->fin_sent)
        return TCPLIFE_OUTCOME_CLOSED;
    /* One direction captured: never half_open or syn_only. Closed when the
     * side seen closed and had its FIN acknowledged or acknowledged the other's. */
    if (tl_conn_one_sided(conn))
        return c->fin_sent || s->fin_sent ? TCPLIFE_OUTCOME_CLOSED : TCPLIFE_OUTCOME_OPEN;
    if (!conn->handshake_done) {
        if (s->isn_known)               /* SYN-ACK sent, handshake ACK never seen */
            return TCPLIFE_OUTCOME_HALF_OPEN;
        if (c->isn_known)
            return TCPLIFE_OUTCOME_SYN_ONLY;
    }
    return TCPLIFE_OUTCOME_OPEN;
}

tl_hs_outcome_t
tl_conn_handshake_outcome(const tl_conn_t *conn)
{
    if (conn->midstream)
        return TCPLIFE_HS_MIDSTREAM;
    if (conn->reset && conn->reset_kind == TCPLIFE_RST_REFUSED)
        return TCPLIFE_HS_REFUSED;
    if (conn->handshake_done)
        return TCPLIFE_HS_COMPLETE;
    if (tl_conn_one_sided(conn))
        return TCPLIFE_HS_ONE_SIDED;
    return conn->ep[TCPLIFE_ROLE_SERVER].isn_known ? TCPLIFE_HS_HALF_OPEN : TCPLIFE_HS_SYN_ONLY;
}

void
tl_conn_summarize(const tl_conn_t *conn, const tl_config_t *cfg, tl_summary_t *out)
{
    const tl_endpoint_t *c = &conn->ep[TCPLIFE_ROLE_CLIENT], *s = &conn->ep[TCPLIFE_ROLE_SERVER];

    memset(out, 0, sizeof *out);
    out->outcome = tl_conn_outcome(conn);
    out->handshake = tl_conn_handshake_outcome(conn);
    out->syn_retries = c->syn_count > 1 ? (uint8_t)(c->syn_count - 1) : 0;
    out->synack_retries = s->syn_count > 1 ? (uint8_t)(s->syn_count - 1) : 0;

    out->teardown = conn->teardown_started;
    out->initiator = conn->teardown_initiator;
    out->teardown_kind = conn->teardown_kind;
    if (conn->teardown_started) {
        const tl_endpoint_t *passive = &conn->ep[tl_peer(conn->teardown_initiator)];
        out->hc_sender = tl_peer(conn->teardown_initiator);
        out->hc_bytes = passive->bytes_after_peer_fin;
        out->half_close = out->hc_bytes > 0;
        out->hc_duration_known = conn->teardown_kind != TCPLIFE_TEARDOWN_NONE;
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
    for (int r = 0; r < TCPLIFE_ROLE_COUNT; r++)
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
