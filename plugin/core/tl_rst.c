/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_rst.c - why was this connection reset? Heuristics on what the capture
 * point saw, with the evidence each verdict rests on (docs/rst.md). The
 * vocabulary is Linux's (include/net/rstreason.h); RFC 2525 §2.17 describes
 * the RST a stack sends instead of FIN when unread data is discarded.
 * Pure functions; no epan includes.
 */
#include "tl_internal.h"
#include "tl_seq.h"

/* Payload bytes rcv sent that snd never acknowledged (its last ACK, or the
 * RST's own ACK field, whichever is higher). */
static uint32_t
unacked(const tl_endpoint_t *snd, const tl_endpoint_t *rcv, const tl_segment_t *seg)
{
    uint32_t acked;
    bool known = snd->ack_known;

    if (!rcv->data_known)
        return 0;
    acked = snd->ack_max;
    if ((seg->flags & TL_F_ACK) && (!known || tl_seq_gt(seg->ack, acked))) {
        acked = seg->ack;
        known = true;
    }
    if (!known) {
        if (!rcv->isn_known)
            return 0;
        acked = rcv->isn + 1;       /* nothing acknowledged beyond the SYN */
    }
    return tl_seq_gt(rcv->data_end, acked) ? rcv->data_end - acked : 0;
}

tl_rst_verdict_t
tl_rst_classify(const tl_conn_t *conn, const tl_endpoint_t *snd,
                const tl_endpoint_t *rcv, const tl_segment_t *seg, bool was_ended)
{
    tl_rst_verdict_t v = { TL_RST_NONE, 0, 0, 0 };

    if (was_ended) {
        v.kind = TL_RST_STRAY;
        v.answers_frame = rcv->last_frame;
        return v;
    }
    if (rcv->state == TL_STATE_SYN_SENT && !conn->handshake_done) {
        /* The only thing the receiver has sent is its SYN. */
        v.kind = TL_RST_REFUSED;
        v.answers_frame = rcv->syn_last_frame;
        return v;
    }
    if (snd->synack_sent && !snd->syn_acked && rcv->state != TL_STATE_SYN_SENT) {
        /* The sender never took the handshake ACK (it retransmitted its
         * SYN-ACK after it): no connection of its own to reset. Linux
         * answers for a request that expired or overflowed: NO_SOCKET. */
        v.kind = TL_RST_STRAY;
        v.answers_frame = rcv->last_frame;
        return v;
    }
    v.unread_bytes = snd->unanswered;
    v.unacked_bytes = unacked(snd, rcv, seg);
    if (snd->fin_sent && rcv->bytes_after_peer_fin > 0) {
        v.kind = TL_RST_DATA_AFTER_CLOSE;
        v.answers_frame = rcv->last_data_frame;
    } else if (!snd->fin_sent && snd->unanswered > 0) {
        v.kind = TL_RST_UNREAD_DATA;
        v.answers_frame = rcv->last_data_frame;
    } else {
        v.kind = TL_RST_ABORT;
        v.answers_frame = rcv->last_frame;
    }
    return v;
}
