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
    tl_rst_kind_t kind;
    uint32_t      unread_bytes;   /* sender's input since its own last payload */
    uint32_t      unacked_bytes;  /* receiver's payload the sender never acked */
    uint32_t      answers_frame;  /* the segment the RST answers */
} tl_rst_verdict_t;

/* Classify a RST sent by snd to rcv, before it changes any state. Pure. */
tl_rst_verdict_t tl_rst_classify(const tl_conn_t *conn, const tl_endpoint_t *snd,
                                 const tl_endpoint_t *rcv, const tl_segment_t *seg,
                                 bool was_ended);

/* TIME_WAIT holder once the last FIN is acknowledged: who is in TIME_WAIT. */
tl_tw_holder_t tl_timewait_holder(const tl_conn_t *conn);

/* The options of a SYN or SYN-ACK, as the handshake negotiates them. */
void tl_syn_opts_of(const tl_segment_t *seg, tl_syn_opts_t *o);

#endif /* TCPLIFE_TL_INTERNAL_H */
