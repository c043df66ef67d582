/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_fsm.c - per-endpoint RFC 9293 transitions, as pure functions.
 *
 * tl_on_send() is the "snd" edge of RFC 9293 figure 5 for the endpoint that
 * sent a segment, tl_on_recv() the "rcv" edge for the endpoint it reached.
 * Guards (is this a retransmission? does the ACK cover the peer's FIN?) are
 * evaluated once by the caller and arrive here as one tl_event_t.
 * No epan includes, no state, no allocation.
 */
#include "tcplife/tl_core.h"

static tl_state_t
step(tl_label_t *label, tl_state_t next, tl_label_t why)
{
    *label = why;
    return next;
}

tl_state_t
tl_on_send(tl_state_t cur, tl_event_t ev, tl_label_t *label)
{
    switch (ev) {
    case TCPLIFE_EV_SYN:
        switch (cur) {
        case TCPLIFE_STATE_CLOSED:
        case TCPLIFE_STATE_LISTEN:
            return step(label, TCPLIFE_STATE_SYN_SENT, TCPLIFE_LABEL_ACTIVE_OPEN);
        case TCPLIFE_STATE_SYN_SENT:         /* retransmission of the same SYN */
            return step(label, cur, TCPLIFE_LABEL_NONE);
        default:
            /* RFC 9293 §3.5.1: a SYN from a host whose connection the peer
             * still holds (it crashed, restarted, or its end was not
             * captured). What it becomes is decided by the peer's answer. */
            return step(label, cur, TCPLIFE_LABEL_SYN_ON_OPEN);
        }
    case TCPLIFE_EV_SYNACK:
        switch (cur) {
        case TCPLIFE_STATE_LISTEN:           /* the SYN was not captured */
        case TCPLIFE_STATE_CLOSED:
        case TCPLIFE_STATE_SYN_SENT:         /* simultaneous open, SYN not captured */
        case TCPLIFE_STATE_SYN_RECEIVED:
            return step(label, TCPLIFE_STATE_SYN_RECEIVED, TCPLIFE_LABEL_SYNACK_SENT);
        case TCPLIFE_STATE_ESTABLISHED:
            /* Only an endpoint in SYN_RECEIVED sends a SYN-ACK: the handshake
             * ACK seen on the wire never reached this endpoint's socket. */
            return step(label, TCPLIFE_STATE_SYN_RECEIVED, TCPLIFE_LABEL_SYNACK_SENT);
        default:
            /* RFC 9293 §3.10.4: close() in SYN_RECEIVED sends a FIN, and a
             * FIN received there leads to CLOSE_WAIT; the SYN-ACK timer
             * still runs while the SYN is unacknowledged (Linux keeps
             * retransmitting a TFO child's SYN-ACK). */
            return step(label, cur, TCPLIFE_LABEL_SYNACK_AFTER_CLOSE);
        }
    case TCPLIFE_EV_ACK:
    case TCPLIFE_EV_ACK_SYN:
    case TCPLIFE_EV_ACK_FIN:
        /* A segment other than SYN-ACK from SYN_RECEIVED whose SYN the peer
         * had acknowledged: the endpoint took that ACK after all. */
        if (ev == TCPLIFE_EV_ACK_SYN && cur == TCPLIFE_STATE_SYN_RECEIVED)
            return step(label, TCPLIFE_STATE_ESTABLISHED, TCPLIFE_LABEL_SYNC_SHOWN);
        switch (cur) {
        case TCPLIFE_STATE_CLOSED:           /* nothing to acknowledge from here */
        case TCPLIFE_STATE_LISTEN:
            return step(label, cur, TCPLIFE_LABEL_NO_CONNECTION_SENT);
        case TCPLIFE_STATE_SYN_SENT:         /* not synchronized yet */
            return step(label, cur, TCPLIFE_LABEL_BEFORE_SYNC);
        default:
            return step(label, cur, TCPLIFE_LABEL_NONE);
        }
    case TCPLIFE_EV_FIN:
    case TCPLIFE_EV_FIN_CROSSING:
        switch (cur) {
        case TCPLIFE_STATE_SYN_SENT:         /* a FIN before any answer (TFO client) */
        case TCPLIFE_STATE_SYN_RECEIVED:     /* RFC 9293 §3.10.4: close in SYN-RECEIVED */
        case TCPLIFE_STATE_ESTABLISHED:
            return step(label, TCPLIFE_STATE_FIN_WAIT_1, TCPLIFE_LABEL_ACTIVE_CLOSE);
        case TCPLIFE_STATE_CLOSE_WAIT:
            if (ev == TCPLIFE_EV_FIN_CROSSING)   /* sent before the peer's FIN arrived */
                return step(label, TCPLIFE_STATE_CLOSING, TCPLIFE_LABEL_CROSSING_FIN_SENT);
            return step(label, TCPLIFE_STATE_LAST_ACK, TCPLIFE_LABEL_LAST_FIN_SENT);
        case TCPLIFE_STATE_CLOSED:
        case TCPLIFE_STATE_LISTEN:
            return step(label, cur, TCPLIFE_LABEL_NO_CONNECTION_SENT);
        default:
            /* Its FIN again (FIN_WAIT_1, CLOSING, LAST_ACK; from FIN_WAIT_2
             * or TIME_WAIT after the ACK of it was lost): tl_teardown.c
             * says which, the state is kept here. */
            return step(label, cur, TCPLIFE_LABEL_NONE);
        }
    case TCPLIFE_EV_RST:
        /* RFC 9293 §3.10.7.1-2: CLOSED and LISTEN answer segments with RST;
         * that is their normal reply and changes nothing. */
        if (cur == TCPLIFE_STATE_CLOSED || cur == TCPLIFE_STATE_LISTEN)
            return step(label, cur, TCPLIFE_LABEL_NONE);
        return step(label, TCPLIFE_STATE_CLOSED, TCPLIFE_LABEL_RESET_SENT);
    case TCPLIFE_EV_COUNT:
        break;
    }
    return step(label, cur, TCPLIFE_LABEL_UNEXPECTED);
}

tl_state_t
tl_on_recv(tl_state_t cur, tl_event_t ev, tl_label_t *label)
{
    switch (ev) {
    case TCPLIFE_EV_SYN:
        switch (cur) {
        case TCPLIFE_STATE_LISTEN:
            return step(label, TCPLIFE_STATE_SYN_RECEIVED, TCPLIFE_LABEL_PASSIVE_OPEN);
        case TCPLIFE_STATE_SYN_SENT:         /* RFC 9293 figure 7 */
            return step(label, TCPLIFE_STATE_SYN_RECEIVED, TCPLIFE_LABEL_SIMULTANEOUS_OPEN);
        case TCPLIFE_STATE_SYN_RECEIVED:     /* duplicate SYN, already queued */
            return step(label, cur, TCPLIFE_LABEL_NONE);
        case TCPLIFE_STATE_CLOSED:           /* §3.10.7.1: answered with RST */
            return step(label, cur, TCPLIFE_LABEL_NO_CONNECTION);
        case TCPLIFE_STATE_TIME_WAIT:        /* RFC 6191; Linux tcp_timewait_state_process() */
            return step(label, cur, TCPLIFE_LABEL_SYN_IN_TIME_WAIT);
        default:                        /* §3.10.7.4 fourth; RFC 5961 §4.2 */
            return step(label, cur, TCPLIFE_LABEL_CHALLENGE_ACK);
        }
    case TCPLIFE_EV_SYNACK:
        switch (cur) {
        case TCPLIFE_STATE_SYN_SENT:
        case TCPLIFE_STATE_SYN_RECEIVED:     /* simultaneous open */
            return step(label, TCPLIFE_STATE_ESTABLISHED, TCPLIFE_LABEL_OPEN_COMPLETE);
        case TCPLIFE_STATE_CLOSED:           /* §3.10.7.1-2: an ACK there gets RST */
        case TCPLIFE_STATE_LISTEN:
            return step(label, cur, TCPLIFE_LABEL_NO_CONNECTION);
        default:                        /* retransmitted SYN-ACK: re-ACKed */
            return step(label, cur, TCPLIFE_LABEL_NONE);
        }
    case TCPLIFE_EV_ACK:
    case TCPLIFE_EV_ACK_SYN:
        /* RFC 9293 §3.10.7.1-2: an ACK reaching CLOSED or LISTEN is answered
         * with RST; there is no connection for it to acknowledge. */
        if (cur == TCPLIFE_STATE_CLOSED || cur == TCPLIFE_STATE_LISTEN)
            return step(label, cur, TCPLIFE_LABEL_NO_CONNECTION);
        if (ev == TCPLIFE_EV_ACK_SYN && cur == TCPLIFE_STATE_SYN_RECEIVED)
            return step(label, TCPLIFE_STATE_ESTABLISHED, TCPLIFE_LABEL_OPEN_COMPLETE);
        return step(label, cur, TCPLIFE_LABEL_NONE);
    case TCPLIFE_EV_ACK_FIN:
        switch (cur) {
        case TCPLIFE_STATE_FIN_WAIT_1:
            return step(label, TCPLIFE_STATE_FIN_WAIT_2, TCPLIFE_LABEL_FIN_ACKED);
        case TCPLIFE_STATE_CLOSING:
            return step(label, TCPLIFE_STATE_TIME_WAIT, TCPLIFE_LABEL_ENTER_TIME_WAIT);
        case TCPLIFE_STATE_LAST_ACK:
            return step(label, TCPLIFE_STATE_CLOSED, TCPLIFE_LABEL_CLOSED_BY_ACK);
        case TCPLIFE_STATE_CLOSED:
        case TCPLIFE_STATE_LISTEN:
        case TCPLIFE_STATE_SYN_SENT:         /* §3.10.7.3: acceptable ACK, no SYN: dropped */
            return step(label, cur, TCPLIFE_LABEL_NO_CONNECTION);
        default:
            /* FIN_WAIT_2, TIME_WAIT: already acknowledged. SYN_RECEIVED,
             * ESTABLISHED, CLOSE_WAIT sent no FIN the tracker knows of:
             * an ACK, nothing more. */
            return step(label, cur, TCPLIFE_LABEL_NONE);
        }
    case TCPLIFE_EV_FIN:
    case TCPLIFE_EV_FIN_CROSSING:
        switch (cur) {
        case TCPLIFE_STATE_SYN_RECEIVED:     /* RFC 9293 §3.10.7.4, eighth step */
        case TCPLIFE_STATE_ESTABLISHED:
            return step(label, TCPLIFE_STATE_CLOSE_WAIT, TCPLIFE_LABEL_PASSIVE_CLOSE);
        case TCPLIFE_STATE_FIN_WAIT_1:       /* our FIN not acknowledged yet */
            return step(label, TCPLIFE_STATE_CLOSING, TCPLIFE_LABEL_SIMULTANEOUS_CLOSE);
        case TCPLIFE_STATE_FIN_WAIT_2:
            return step(label, TCPLIFE_STATE_TIME_WAIT, TCPLIFE_LABEL_ENTER_TIME_WAIT);
        case TCPLIFE_STATE_CLOSE_WAIT:       /* duplicate FIN: state kept */
        case TCPLIFE_STATE_CLOSING:
        case TCPLIFE_STATE_LAST_ACK:
        case TCPLIFE_STATE_TIME_WAIT:        /* RFC 9293: restarts the 2 MSL timer */
            return step(label, cur, TCPLIFE_LABEL_NONE);
        default:
            /* CLOSED, LISTEN; SYN_SENT: §3.10.7.3 fifth, a segment
             * without SYN or RST is dropped there. */
            return step(label, cur, TCPLIFE_LABEL_NO_CONNECTION);
        }
    case TCPLIFE_EV_RST:
        switch (cur) {
        case TCPLIFE_STATE_CLOSED:
        case TCPLIFE_STATE_LISTEN:           /* RFC 9293 §3.10.7.2: ignored */
            return step(label, cur, TCPLIFE_LABEL_NONE);
        default:
            /* TIME_WAIT too: Linux kills the timewait socket on RST unless
             * net.ipv4.tcp_rfc1337=1 (RFC 1337 "TIME-WAIT assassination"). */
            return step(label, TCPLIFE_STATE_CLOSED, TCPLIFE_LABEL_RESET_RECEIVED);
        }
    case TCPLIFE_EV_COUNT:
        break;
    }
    return step(label, cur, TCPLIFE_LABEL_UNEXPECTED);
}
