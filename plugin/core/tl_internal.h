/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_internal.h - what the core's files share and the API does not expose.
 * No epan includes.
 */
#ifndef TCPLIFE_TL_INTERNAL_H
#define TCPLIFE_TL_INTERNAL_H

#include "tcplife/tl_core.h"

/* Add an anomaly to a verdict once; extra ones beyond TL_MAX_ANOMALIES are
 * dropped (the most important are added first). */
void tl_result_add_anomaly(tl_result_t *r, tl_anomaly_t a);

/* What a RST verdict rests on. */
typedef struct {
    tl_rst_rule_t rule;           /* kind, reason, anomaly and api follow from it */
    uint32_t      unread_bytes;   /* input the sender acknowledged and never answered */
    uint32_t      unacked_bytes;  /* receiver's payload the sender never acked */
    uint32_t      answers_frame;  /* the segment the RST answers */
} tl_rst_verdict_t;

/* How the RST's sender stood when it sent it: the caller's view. */
typedef struct {
    bool    ended;                /* the connection had ended before it */
    bool    crossing;             /* it crossed the peer's RST: classify as live */
    bool    first;                /* nothing earlier of this connection captured */
    int64_t tw_expires_ns;        /* the TIME_WAIT estimate, when there is one */
} tl_rst_ctx_t;

/* Classify a RST sent by snd to rcv, before it changes any state. Pure. */
tl_rst_verdict_t tl_rst_classify(const tl_conn_t *conn, const tl_endpoint_t *snd,
                                 const tl_endpoint_t *rcv, const tl_segment_t *seg,
                                 const tl_rst_ctx_t *ctx);

/* A rule's reason, anomaly and socket call (TL_RST_RULE_MAP). */
tl_rst_reason_t tl_rst_rule_reason(tl_rst_rule_t r);
tl_anomaly_t    tl_rst_rule_anomaly(tl_rst_rule_t r);
tl_api_t        tl_rst_rule_api(tl_rst_rule_t r);

/* Idle time after which a RST that follows no other evidence is an idle
 * timeout (TL_RULE_IDLE). */
#define TL_IDLE_TIMEOUT_NS (INT64_C(30) * 1000000000)

/* About one trip on the slowest paths (satellite links) with room to spare:
 * what is sent within it may not have seen the peer's last segment. */
#define TL_CROSSING_NS INT64_C(1000000000)

/* The other endpoint's role. */
static inline tl_role_t
tl_peer(tl_role_t r)
{
    return r == TL_ROLE_CLIENT ? TL_ROLE_SERVER : TL_ROLE_CLIENT;
}

/* TIME_WAIT holder once the last FIN is acknowledged: who is in TIME_WAIT. */
tl_tw_holder_t tl_timewait_holder(const tl_conn_t *conn);

/* The options of a SYN or SYN-ACK, as the handshake negotiates them. */
void tl_syn_opts_of(const tl_segment_t *seg, tl_syn_opts_t *o);

#endif /* TCPLIFE_TL_INTERNAL_H */
