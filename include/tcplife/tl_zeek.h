/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_zeek.h - Zeek-compatible conn_state and history for one TCP connection.
 *
 * A small model of what Zeek's TCP analysis does with the headers of a
 * connection's packets, enough to give the two conn.log columns users
 * compare with tcplife: `conn_state` (tcplife.conn.zeek_state) and
 * `history` (tcplife.conn.history). It follows Zeek's published
 * definitions (Conn::Info in scripts/base/protocols/conn/main.zeek) and the
 * per-packet rules of its TCP analyzer; docs/zeek.md lists the sources, the
 * rules in our own words, and what cannot be reproduced from headers alone.
 *
 * Plain C99: no Wireshark or GLib include, no allocation, no globals. The
 * caller owns the fixed-size tl_zeek_t (one per tcp.stream) and feeds it the
 * same tl_segment_t stream the tracker gets, in capture order.
 */
#ifndef TCPLIFE_TL_ZEEK_H
#define TCPLIFE_TL_ZEEK_H

#include <stdbool.h>
#include <stdint.h>

#include "tcplife/tl_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Zeek's per-endpoint TCP states (the script-level TCP_* constants). */
#define TCPLIFE_ZEEK_EP_STATE_MAP(X)                \
    X(INACTIVE,     "TCP_INACTIVE")                 \
    X(SYN_SENT,     "TCP_SYN_SENT")                 \
    X(SYN_ACK_SENT, "TCP_SYN_ACK_SENT")             \
    X(PARTIAL,      "TCP_PARTIAL")                  \
    X(ESTABLISHED,  "TCP_ESTABLISHED")              \
    X(CLOSED,       "TCP_CLOSED")                   \
    X(RESET,        "TCP_RESET")

typedef enum {
#define TCPLIFE_X_(sym, str) TCPLIFE_ZEEK_EP_##sym,
    TCPLIFE_ZEEK_EP_STATE_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_ZEEK_EP_COUNT
} tl_zeek_ep_state_t;

/* conn.log conn_state values, as Zeek's Conn::conn_state() spells them. */
#define TCPLIFE_ZEEK_CONN_STATE_MAP(X)                                              \
    X(S0,     "S0")      /* attempt seen, no reply */                               \
    X(S1,     "S1")      /* established, not terminated */                          \
    X(SF,     "SF")      /* normal establishment and termination */                 \
    X(REJ,    "REJ")     /* attempt rejected */                                     \
    X(S2,     "S2")      /* established, originator closed, no reply */             \
    X(S3,     "S3")      /* established, responder closed, no reply */              \
    X(RSTO,   "RSTO")    /* established, originator aborted */                      \
    X(RSTR,   "RSTR")    /* responder sent a RST */                                 \
    X(RSTOS0, "RSTOS0")  /* originator SYN then RST, no SYN-ACK seen */             \
    X(RSTRH,  "RSTRH")   /* responder SYN-ACK then RST, no SYN seen */              \
    X(SH,     "SH")      /* originator SYN then FIN, no SYN-ACK seen */             \
    X(SHR,    "SHR")     /* responder SYN-ACK then FIN, no SYN seen */              \
    X(OTH,    "OTH")     /* no SYN seen, or anything else */

typedef enum {
#define TCPLIFE_X_(sym, str) TCPLIFE_ZEEK_##sym,
    TCPLIFE_ZEEK_CONN_STATE_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_ZEEK_CONN_STATE_COUNT
} tl_zeek_conn_state_t;

/*
 * History letters kept. Zeek's string is unbounded; ours keeps the first
 * TCPLIFE_ZEEK_HISTORY_MAX letters and drops the rest (tl_zeek_history_truncated()
 * then says so). conn_state never depends on the dropped part: the one rule
 * that reads the history (RSTOS0) is evaluated on every letter as it is added.
 * A normal connection needs 8 letters ("ShADadFf"); only pathological ones
 * (dozens of FINs or RSTs at new sequence numbers) come near the limit.
 */
#define TCPLIFE_ZEEK_HISTORY_MAX 48

/* Out-of-order payload ranges remembered per direction for the content-gap
 * ('g') rule; see docs/zeek.md for what happens beyond this. */
#define TCPLIFE_ZEEK_MAX_BLOCKS 8

/* One direction of the model: Zeek's TCP_Endpoint, reduced to what the two
 * columns need. Sequence values "rel" are relative to start_seq. */
typedef struct {
    tl_addr_t  addr;
    uint16_t   port;
    bool       is_orig;            /* this endpoint is currently the originator */
    uint8_t    state, prev_state;  /* tl_zeek_ep_state_t */
    uint32_t   start_seq;          /* absolute: ISN, or first seq - 1 without SYN */
    uint32_t   last_seq;           /* absolute: highest sequence end sent */
    uint32_t   ack_seq;            /* absolute: highest ack the peer sent for it */
    uint32_t   hist_last_syn, hist_last_fin, hist_last_rst;  /* rel */
    uint32_t   fin_cnt, rst_cnt;
    uint32_t   fin_seq;            /* rel: one past the latest FIN */
    uint32_t   rxmt_cnt, rxmt_thresh;   /* logarithmic 't' */
    uint32_t   win0_cnt, win0_thresh;   /* logarithmic 'w' */
    uint32_t   gap_cnt, gap_thresh;     /* logarithmic 'g' */
    /* Reassembly model for 'g': payload delivered in order up to reassem_seq,
     * acknowledged (trimmed) up to trim_seq, ranges above a hole in blocks. */
    uint32_t   reassem_seq, trim_seq;
    uint8_t    n_blocks;
    struct { uint32_t seq, upper; } blocks[TCPLIFE_ZEEK_MAX_BLOCKS];
} tl_zeek_endpoint_t;

typedef struct {
    bool       started;
    tl_zeek_endpoint_t ep[2];      /* ep[0] sent the first segment seen */
    uint32_t   hist_seen;          /* once-per-direction letters already given */
    bool       is_partial;         /* Zeek's partial-connection flag */
    uint8_t    first_packet_seen;  /* bit 0 originator, bit 1 responder */
    uint8_t    rstos0;             /* matcher state of the RSTOS0 history rule */
    uint32_t   flips;              /* '^' letters added */
    uint16_t   hist_len;           /* letters kept in history[] */
    bool       hist_truncated;
    char       history[TCPLIFE_ZEEK_HISTORY_MAX + 1];
} tl_zeek_t;

/* Reset *z to "no packet seen": conn_state "OTH", empty history. */
void tl_zeek_init(tl_zeek_t *z);

/*
 * Feed one observed segment, in capture order. The first segment creates the
 * connection and decides the originator as Zeek does (its sender, unless the
 * first segment is not a plain SYN and its source port is a likely server
 * port: then roles flip and the history starts with '^'). Later segments are
 * placed by address and port. Never fails: a segment matching neither
 * endpoint is ignored.
 */
void tl_zeek_observe(tl_zeek_t *z, const tl_segment_t *seg);

/* conn_state as Zeek would log it if the connection ended now. Never NULL. */
tl_zeek_conn_state_t tl_zeek_conn_state_id(const tl_zeek_t *z);
const char *tl_zeek_conn_state(const tl_zeek_t *z);

/* The history string (NUL-terminated, owned by *z). Never NULL. */
const char *tl_zeek_history(const tl_zeek_t *z);

/* True when letters were dropped because the history reached
 * TCPLIFE_ZEEK_HISTORY_MAX letters. */
bool tl_zeek_history_truncated(const tl_zeek_t *z);

/* True when addr/port is the current originator (Zeek's id.orig_h/orig_p).
 * An address of family 0 matches on the port alone. False before any segment. */
bool tl_zeek_orig_is(const tl_zeek_t *z, const tl_addr_t *addr, uint16_t port);

/* The current Zeek endpoint state of the originator (orig = true) or the
 * responder; TCPLIFE_ZEEK_EP_INACTIVE before any segment. */
tl_zeek_ep_state_t tl_zeek_ep_state(const tl_zeek_t *z, bool orig);

/* Vocabulary strings; never NULL (an out-of-range value gives "?"). */
const char *tl_zeek_ep_state_name(tl_zeek_ep_state_t s);
const char *tl_zeek_conn_state_name(tl_zeek_conn_state_t s);

/* Zeek's likely_server_ports test for a TCP port (the base scripts' set;
 * docs/zeek.md lists it). Exposed for tests and documentation. */
bool tl_zeek_likely_server_port(uint16_t port);

#ifdef __cplusplus
}
#endif

#endif /* TCPLIFE_TL_ZEEK_H */
