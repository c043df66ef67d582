/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_internal.h - what the core's files share and the API does not expose.
 * No epan includes.
 */
#ifndef TCPLIFE_TL_INTERNAL_H
#define TCPLIFE_TL_INTERNAL_H

#include "tcplife/tl_core.h"

/* Big-endian reads of wire fields. */
static inline uint16_t
tl_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
tl_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t
tl_be64(const uint8_t *p)
{
    return (uint64_t)tl_be32(p) << 32 | tl_be32(p + 4);
}

/* Add an anomaly to a verdict once; extra ones beyond TCPLIFE_MAX_ANOMALIES are
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

/* A rule's reason, anomaly and socket call (TCPLIFE_RST_RULE_MAP). */
tl_rst_reason_t tl_rst_rule_reason(tl_rst_rule_t r);
tl_anomaly_t    tl_rst_rule_anomaly(tl_rst_rule_t r);
tl_api_t        tl_rst_rule_api(tl_rst_rule_t r);

/* Idle time after which a RST that follows no other evidence is an idle
 * timeout (TCPLIFE_RULE_IDLE). */
#define TCPLIFE_IDLE_TIMEOUT_NS (INT64_C(30) * 1000000000)

/* About one trip on the slowest paths (satellite links) with room to spare:
 * what is sent within it may not have seen the peer's last segment. */
#define TCPLIFE_CROSSING_NS INT64_C(1000000000)

/* IP ID evidence (tl_rst.c): a sender whose last TCPLIFE_IPID_RUN IP IDs each
 * went up by 1..TCPLIFE_IPID_GAP counts them; a RST of its that does not follow
 * the last one was most likely made by someone else. The gap allows for
 * segments not captured and for TSO (Linux adds the segment count). */
#define TCPLIFE_IPID_RUN 3
#define TCPLIFE_IPID_GAP 64

static inline bool
tl_ip_id_follows(uint16_t prev, uint16_t id)
{
    uint16_t d = (uint16_t)(id - prev);
    return d >= 1 && d <= TCPLIFE_IPID_GAP;
}


/*
 * tl_conn_observe()'s working state for one segment, shared by the files
 * of its steps (tl_conn.c, tl_teardown.c, tl_evidence.c).
 */
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


/* One endpoint's transition for the segment (tl_fsm.c), its label kept. */
void tl_send_event(tl_ctx_t *c, tl_event_t ev);
void tl_recv_event(tl_ctx_t *c, tl_event_t ev);

/* tl_handshake.c: a SYN or SYN-ACK (steps 1 and 2, retransmissions). */
void tl_on_syn(tl_ctx_t *c);
/* tl_rst.c: a RST, classified and applied. */
void tl_on_rst(tl_ctx_t *c);
/* tl_teardown.c: a FIN from the sender; returns whether it is a new one. */
bool tl_on_fin(tl_ctx_t *c, bool acked_fin);

/* tl_evidence.c */
bool tl_duplicate_step(tl_ctx_t *c);        /* a copy: verdict filled, true */
void tl_infer_sync(tl_ctx_t *c);            /* handshake the capture missed */
tl_keepalive_t tl_keepalive_of(tl_ctx_t *c);
void tl_sender_continues(tl_ctx_t *c);      /* the RST was not its own */

/* TIME_WAIT holder once the last FIN is acknowledged: who is in TIME_WAIT. */
tl_tw_holder_t tl_timewait_holder(const tl_conn_t *conn);

/* The options of a SYN or SYN-ACK, as the handshake negotiates them. */
void tl_syn_opts_of(const tl_segment_t *seg, tl_syn_opts_t *o);

#endif /* TCPLIFE_TL_INTERNAL_H */
