/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_core.h - the public API of the tcplife tracker core.
 *
 * The core turns a stream of observed TCP segments of one connection into
 * per-segment verdicts: both endpoints' RFC 9293 states, phase, handshake and
 * teardown steps, the socket call each segment corresponds to, and anomalies.
 *
 * It is plain C99: no Wireshark or GLib include, no allocation, no globals.
 * The caller owns every object (the epan glue keeps them in wmem file scope).
 * States are inferred at the capture point: a segment seen is taken as sent by
 * its source and received by its destination.
 */
#ifndef TCPLIFE_TL_CORE_H
#define TCPLIFE_TL_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The vocabularies (states, phases, roles, RST kinds and reasons, anomalies,
 * ...): tl_vocab.h, one X-macro list each. */
#include "tl_vocab.h"

/* ------------------------------------------------------------------------ */
/* Input: one observed segment                                               */
/* ------------------------------------------------------------------------ */

typedef struct {
    uint8_t family;            /* 4, 6, or 0 when unknown */
    uint8_t bytes[16];
} tl_addr_t;

typedef struct {
    uint32_t  frame;           /* frame number (for related-frame links) */
    int64_t   time_ns;         /* capture time, ns since the epoch */
    tl_addr_t src, dst;
    uint16_t  sport, dport;
    uint16_t  flags;           /* TCPLIFE_F_* */
    uint32_t  seq, ack;        /* raw, absolute */
    uint32_t  len;             /* payload bytes */
    uint32_t  win;             /* raw window field */
    /* options, as far as the glue could decode them */
    uint16_t  mss;   bool has_mss;
    uint8_t   wscale; bool has_wscale;
    bool      sack_perm;
    bool      has_ts; uint32_t tsval, tsecr;
    bool      tfo;              /* TCP Fast Open option present (RFC 7413) */
    uint8_t   tfo_cookie_len;   /* 0 with tfo: a cookie request */
    bool      md5;              /* TCP MD5 signature option (RFC 2385) */
    bool      ao;               /* TCP-AO option (RFC 5925) */
    uint16_t  urp;              /* urgent pointer */
    /* The IP header that carried it, as far as the glue found it: evidence
     * for duplicated frames and forged RSTs. */
    bool      has_ip_id;  uint16_t ip_id;   /* IPv4 identification */
    bool      has_ttl;    uint8_t  ttl;     /* IPv4 TTL or IPv6 hop limit */
    const uint8_t *opt_bytes;   /* raw options (epan's tcp.options), only for */
    uint8_t   opt_len;          /* tl_tcpdump_format(); may be NULL / 0 */
    uint8_t   opt_cut;          /* option bytes the header declares beyond
                                 * opt_len: cut by the snaplen (tcpdump
                                 * then prints " [|tcp]") */
} tl_segment_t;

/* tcpdump's relative-numbering state for one connection (print-tcp.c keeps
 * the same per 4-tuple): bases recorded on the first segment with ACK. */
typedef struct {
    bool     have;
    uint32_t seq_base, ack_base;   /* for the canonical direction */
} tl_tcpdump_t;

/* Options a SYN or SYN-ACK carried: what the handshake negotiates. */
typedef struct {
    bool     has_mss;  uint16_t mss;
    bool     has_wscale; uint8_t wscale;
    bool     sack_perm, ts, md5, ao;
    bool     ece, cwr;          /* ECN setup bits (RFC 3168 §6.1.1) */
    bool     tfo;  uint8_t tfo_cookie_len;
    uint32_t data_len;          /* payload carried by the SYN (TFO) */
} tl_syn_opts_t;

/* TFO outcome (tcplife.opt.tfo). */
#define TCPLIFE_TFO_MAP(X)                      \
    X(NONE,              "none")                \
    X(COOKIE_REQUEST,    "cookie_request")      \
    X(DATA_ACCEPTED,     "data_accepted")       \
    X(DATA_NOT_ACCEPTED, "data_not_accepted")

typedef enum {
#define TCPLIFE_X_(sym, str) TCPLIFE_TFO_##sym,
    TCPLIFE_TFO_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_TFO_COUNT
} tl_tfo_t;

/* Segment authentication (tcplife.opt.auth). */
#define TCPLIFE_AUTH_MAP(X)                     \
    X(NONE,     "none")                         \
    X(MD5,      "md5")                          \
    X(AO,       "ao")                           \
    X(MISMATCH, "mismatch")

typedef enum {
#define TCPLIFE_X_(sym, str) TCPLIFE_AUTH_##sym,
    TCPLIFE_AUTH_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_AUTH_COUNT
} tl_auth_t;

/* The negotiated view of both SYNs (tcplife.opt.*). */
typedef struct {
    uint16_t  mss[2];           /* by tl_role_t; 536 when absent */
    bool      mss_default[2];   /* the option was absent: RFC 9293 default */
    bool      wscale;           /* both SYNs carried it: scaling in use */
    uint8_t   wscale_shift[2];
    bool      wscale_offered[2];
    bool      sack, ts, ecn;
    tl_tfo_t  tfo;
    tl_auth_t auth;
} tl_negotiated_t;

/* ------------------------------------------------------------------------ */
/* Per-connection tracker                                                    */
/* ------------------------------------------------------------------------ */

typedef struct {
    /* Ordered by size so the record has no padding holes: one is kept per
     * endpoint of every connection in the file (docs/benchmarks.md). */
    int64_t    syn_time_ns;    /* time of the latest SYN / SYN-ACK transmission */
    int64_t    fin_time_ns;
    int64_t    fin_last_ns;    /* latest transmission of that FIN */
    int64_t    last_ns;        /* time of its latest segment */
    int64_t    dup_time_ns;    /* its latest segment, to spot a copy of it */
    uint32_t   dup_seq, dup_ack, dup_len, dup_frame;
    uint32_t   segs;           /* segments captured from it */
    uint32_t   in_from;        /* peer's seq where its unanswered input starts */
    uint32_t   ka_frame;       /* its latest keepalive probe, 0: none pending */
    uint16_t   dup_flags, dup_win, dup_ip_id;
    uint8_t    ka_probes;      /* keepalive probes since its last new payload */
    uint8_t    ttl;            /* IP TTL / hop limit of its segments (not RSTs) */
    uint8_t    ipid_run;       /* consecutive IP ID steps of 1..64 (not RSTs) */
    uint8_t    backoff_mask;   /* stacks whose SYN schedule fits all its retries */
    uint8_t    pre_rst_state;  /* tl_state_t before a RST reached it */
    uint8_t    last_rst_rule;  /* tl_rst_rule_t of its latest RST */
    bool       dup_has_ip_id;
    bool       in_from_known;
    bool       ttl_known, ttl_mixed;
    bool       refused;        /* its latest SYN was answered by a refusal */
    bool       fin_reacked;    /* its FIN was acknowledged, then sent again */
    bool       sent_ack;       /* sent a segment with ACK other than a RST */
    tl_state_t state;
    uint32_t   isn;
    uint32_t   syn_frame;      /* first SYN / SYN-ACK */
    uint32_t   syn_last_frame; /* latest transmission of it */
    uint32_t   nxt;            /* highest seq+len(+SYN/FIN) sent */
    uint32_t   ack_max;        /* highest ACK sent */
    uint32_t   ack_max_frame;  /* the segment that carried it */
    uint32_t   fin_seq;        /* sequence number of the FIN itself */
    uint32_t   fin_frame;
    uint32_t   fin_ack_frame;
    uint32_t   bytes_after_peer_fin;  /* payload sent after the peer's FIN */
    uint32_t   data_end;       /* highest seq+len of payload sent */
    uint32_t   last_frame;     /* latest segment sent */
    uint32_t   last_data_frame;/* latest segment carrying new payload */
    uint32_t   unanswered;     /* payload received since own last new payload */
    uint32_t   ts_last;        /* latest TSval sent */
    tl_syn_opts_t syn_opts;    /* options of its first SYN / SYN-ACK */
    tl_addr_t  addr;
    uint16_t   port;
    uint8_t    syn_count;      /* transmissions seen (1 = no retry) */
    bool       isn_known;      /* saw this side's SYN */
    bool       syn_opts_known;
    bool       syn_acked_data; /* peer's SYN-ACK covered this SYN's data (TFO) */
    bool       syn_acked;      /* peer acknowledged ISN+1 */
    bool       synack_sent;    /* sent a SYN-ACK (step 2; simultaneous open: after its SYN) */
    bool       nxt_known;
    bool       ack_known;
    bool       fin_sent;
    bool       fin_acked;      /* peer acknowledged fin_seq+1 */
    bool       data_known;
    bool       ts_known;
} tl_endpoint_t;

typedef struct {
    tl_endpoint_t ep[TCPLIFE_ROLE_COUNT];  /* indexed by tl_role_t */
    bool       started;
    bool       roles_inferred;
    bool       midstream;
    bool       handshake_done;        /* step 3 seen (or midstream) */
    bool       simultaneous_open;
    bool       synack_after_ack;      /* the server showed it ignored a handshake ACK */
    bool       step3_pending;         /* a SYN-ACK awaits its answer (step 3) */
    int64_t    first_time_ns;
    int64_t    last_time_ns;
    uint32_t   hs_ack_frame;          /* the ACK that completed step 3 */
    int64_t    hs_ack_time_ns;
    tl_teardown_t teardown_kind;
    bool       fin_lost;              /* the first FIN never reached the peer */
    bool       teardown_started;
    tl_role_t  teardown_initiator;
    uint8_t    teardown_steps;        /* teardown steps counted so far */
    bool       ended;                 /* both FINs acked, or RST seen */
    bool       reset;
    uint32_t   reset_frame;
    tl_role_t  reset_sender;
    tl_rst_kind_t reset_kind;
    tl_rst_rule_t reset_rule;
    bool       injected;              /* the RST's sender went on sending */
    bool       rst_ignored;           /* its receiver did not take it (RFC 5961) */
    uint32_t   segments;
    int64_t    last_data_ns;          /* latest new payload, either way */
    int64_t    tw_rearmed_ns;         /* latest re-ACK restarting TIME_WAIT, 0: none */
    tl_tcpdump_t tcpdump;             /* see tl_tcpdump_format() */
    tl_tw_holder_t tw_holder;         /* set when the last FIN is acknowledged */
    int64_t    tw_start_ns;
    int64_t    hc_duration_ns;        /* first FIN to second FIN */
} tl_conn_t;

/* Tracker configuration (from the glue's preferences). */
typedef struct {
    int64_t time_wait_ns;      /* 2*MSL for TIME_WAIT estimates */
} tl_config_t;

/* ------------------------------------------------------------------------ */
/* Output: one verdict per segment; small and flat, stored per frame.        */
/* ------------------------------------------------------------------------ */

#define TCPLIFE_MAX_ANOMALIES 6

typedef struct {
    uint16_t  flags;            /* the segment's TCPLIFE_F_* flags */
    bool      opts_known;       /* both SYNs seen: tl_conn_negotiated() applies
                                 * (here, in the first block with the fields
                                 * every segment sets: tl_pack.c) */
    uint32_t  len;              /* its payload bytes */
    uint8_t   phase;            /* tl_phase_t */
    uint8_t   sender;           /* tl_role_t */
    uint8_t   state[TCPLIFE_ROLE_COUNT];      /* tl_state_t after this segment */
    uint8_t   prev_state[TCPLIFE_ROLE_COUNT]; /* tl_state_t before it */
    uint8_t   label_send;       /* tl_label_t of the sender's transition */
    uint8_t   label_recv;       /* tl_label_t of the receiver's transition */
    uint8_t   api;              /* tl_api_t */
    uint8_t   hs_step;          /* 0, or 1..3 */
    bool      hs_ack_checked;   /* steps 2 and 3 with the peer's ISN known */
    bool      hs_ack_ok;        /* ... and the ack is exactly ISN+1 */
    uint8_t   hs_retry;         /* 0 on the first transmission */
    int64_t   hs_backoff_ns;    /* on retries: time since previous one */
    uint8_t   td_step;          /* 0, or ordinal in the teardown */
    uint8_t   td_kind;          /* tl_teardown_t, from the second FIN on */
    bool      td_started;       /* td_initiator is valid */
    uint8_t   td_initiator;     /* tl_role_t */
    bool      fin_retrans;      /* this FIN was seen before */
    bool      midstream;
    bool      roles_inferred;
    uint8_t   n_anomalies;
    uint8_t   anomalies[TCPLIFE_MAX_ANOMALIES];  /* tl_anomaly_t */
    /* related frames, 0 when none */
    uint32_t  rel_syn;          /* the SYN this SYN-ACK answers / the step-2 SYN-ACK step 3 acks */
    uint32_t  rel_fin;          /* the FIN this segment acknowledges */
    uint32_t  rel_prev;         /* previous transmission of this SYN / SYN-ACK / FIN */
    uint32_t  rel_rst;          /* the segment this RST answers */
    uint32_t  rel_ack_not_taken;/* handshake ACK a later SYN-ACK shows was not taken */
    /* the proof behind handshake labels */
    uint32_t  isn;              /* sender's ISN on steps 1-2 */
    uint32_t  peer_isn;         /* peer's ISN on steps 2-3 */
    /* half-close */
    bool      half_close;       /* payload from a side whose peer sent FIN */
    uint32_t  hc_bytes;         /* that side's payload since the peer's FIN */
    bool      hc_duration_valid;/* on the second FIN */
    int64_t   hc_duration_ns;
    uint32_t  hc_fin_frame;     /* the peer's FIN that half-closed it */
    /* RST */
    uint8_t   rst_kind;         /* tl_rst_kind_t */
    uint8_t   rst_rule;         /* tl_rst_rule_t: the evidence */
    uint8_t   rst_reason;       /* tl_rst_reason_t */
    uint8_t   keepalive;        /* tl_keepalive_t */
    uint8_t   backoff_stacks;   /* on handshake retries: TCPLIFE_STACK_* bits that fit */
    bool      one_sided;        /* only this side's segments captured so far */
    uint32_t  dup_of;           /* this frame is a copy of that one */
    uint32_t  rel_ka;           /* the keepalive probe this segment answers */
    bool      rst_unread_data;
    uint32_t  rst_unread_bytes;
    uint32_t  rst_unacked_bytes;
    /* TIME_WAIT, from the segment acknowledging the last FIN on */
    uint8_t   tw_holder;        /* tl_tw_holder_t */
    int64_t   tw_start_ns;
    int64_t   tw_duration_ns;
    int64_t   tw_left_ns;       /* expiry minus this segment's time */
    int64_t   tw_rearmed_ns;    /* TIME_WAIT restarted by a re-ACK then, 0: not */
    /* reuse of the 4-tuple by a new connection (tl_timewait_reuse) */
    bool      tw_reuse;
    bool      tw_reuse_isn_higher;
    bool      tw_reuse_ts_newer;
    bool      tw_reuse_ts_known;
    int64_t   tw_reuse_gap_ns;  /* since the previous TIME_WAIT started */
    int64_t   tw_reuse_left_ns; /* of the previous TIME_WAIT */
} tl_result_t;

/* ------------------------------------------------------------------------ */
/* Functions                                                                 */
/* ------------------------------------------------------------------------ */

/* Reset *conn to "nothing seen yet". */
void tl_conn_init(tl_conn_t *conn);

/*
 * Feed one observed segment to its connection and describe it in *result.
 * Never fails: a segment the tracker cannot place gets an anomaly in *result
 * and leaves *conn consistent. The first segment decides the roles.
 */
void tl_conn_observe(tl_conn_t *conn, const tl_config_t *cfg,
                     const tl_segment_t *seg, tl_result_t *result);

/*
 * tl_conn_observe() as the glue calls it, once per segment: prev is the
 * latest earlier connection on the same 4-tuple (NULL: none). On a
 * connection's first segment it
 *  - carries a refused connect over: a SYN with the refused SYN's ISN soon
 *    after the refusal is its retry (Windows retries twice about 0.5 s
 *    apart; epan 4.4+ makes each retry a new tcp.stream), counted and
 *    timed against the earlier SYNs;
 *  - checks prev's estimated TIME_WAIT for an early reuse
 *    (tl_timewait_reuse()).
 * Later segments ignore prev. Returns whether the TIME_WAIT was reused.
 */
bool tl_conn_observe_on_tuple(tl_conn_t *conn, const tl_conn_t *prev, const tl_config_t *cfg,
                              const tl_segment_t *seg, tl_result_t *result);

/* Whether the verdict carries anomaly a. */
bool tl_result_has_anomaly(const tl_result_t *r, tl_anomaly_t a);

/* Whether tcplife.rst.unread_data is shown (and matches -Y) for this
 * verdict: a RST that is not a refusal or stray, sent with input unread. */
bool tl_result_unread_data(const tl_result_t *r);

/* On a segment from a RST's alleged sender after that RST: the RST's frame,
 * which this segment proves forged (tcplife.rst.forged_frame); else 0. */
uint32_t tl_result_forged_frame(const tl_result_t *r);

/* Pure transitions of one endpoint (the "snd" and "rcv" edges of RFC 9293
 * figure 5). The return is the next state (the current one when nothing
 * changes); *label says why: TCPLIFE_LABEL_NONE when there is nothing to say,
 * TCPLIFE_LABEL_UNEXPECTED when the event makes no sense in that state. A label
 * can accompany an unchanged state (SYN_RECEIVED sending its SYN-ACK). */
tl_state_t tl_on_send(tl_state_t cur, tl_event_t ev, tl_label_t *label);
tl_state_t tl_on_recv(tl_state_t cur, tl_event_t ev, tl_label_t *label);

/*
 * TIME_WAIT reuse: called by the glue for the first segment of a new
 * connection when an earlier connection on the same 4-tuple exists. When
 * seg is a SYN inside prev's estimated TIME_WAIT, fills the tw_reuse* fields
 * of *result and adds the anomalies; returns whether it did.
 */
bool tl_timewait_reuse(const tl_conn_t *prev, const tl_config_t *cfg,
                       const tl_segment_t *seg, tl_result_t *result);

/* A connection's 4-tuple, the same whichever direction the segment went. */
typedef struct {
    tl_addr_t a, b;
    uint16_t  pa, pb;
} tl_tuple_t;

void     tl_tuple_of(const tl_segment_t *seg, tl_tuple_t *t);
uint32_t tl_tuple_hash(const tl_tuple_t *t);
bool     tl_tuple_equal(const tl_tuple_t *x, const tl_tuple_t *y);

/* What both SYNs negotiated; meaningful once both were seen (opts_known).
 * SYN options are fixed at the first transmission, so this is the same on
 * every pass. */
void tl_conn_negotiated(const tl_conn_t *conn, tl_negotiated_t *out);

/* How an observed SYN / SYN-ACK retransmission interval compares with
 * Linux: exponential backoff from a 1 s initial RTO (1, 2, 4, 8, 16 s) or,
 * for SYNs on Linux 6.7+, tcp_syn_linear_timeouts (the first 4 retries 1 s
 * apart). *expected_ns gets the exponential expectation. */
#define TCPLIFE_BACKOFF_MAP(X)                                                              \
    X(EXPONENTIAL, "matches Linux exponential backoff (initial RTO 1 s, doubling)")         \
    X(LINEAR,      "matches Linux tcp_syn_linear_timeouts (first 4 SYN retries 1 s apart)") \
    X(OTHER,       "does not match Linux's schedule: another stack, a custom RTO, or "      \
      "losses before the capture point")

typedef enum {
#define TCPLIFE_X_(sym, str) TCPLIFE_BACKOFF_##sym,
    TCPLIFE_BACKOFF_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_BACKOFF_COUNT
} tl_backoff_t;

tl_backoff_t tl_backoff_verdict(bool synack, uint8_t retry, int64_t interval_ns,
                                int64_t *expected_ns);

/* Stacks whose SYN / SYN-ACK retransmission schedule an interval fits
 * (docs/syn-backoff.md). Bits of tcplife.handshake.backoff_stacks. */
#define TCPLIFE_STACK_MAP(X)                                                              \
    X(LINUX,         "Linux before 6.5 or FreeBSD (initial RTO 1 s, doubling)")           \
    X(LINUX_LINEAR,  "Linux 6.5+ (tcp_syn_linear_timeouts: five SYN retries 1 s apart)")  \
    X(WINDOWS,       "Windows (initial RTO 3 s, doubling)")                               \
    X(XNU,           "macOS or iOS (XNU tcp_syn_backoff: 1 s five times, then doubling)") \
    X(WINDOWS_REFUSED, "Windows connect() retrying a refused connection (under 1.5 s)")

typedef enum {
#define TCPLIFE_X_(sym, str) TCPLIFE_STACK_##sym,
    TCPLIFE_STACK_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_STACK_COUNT
} tl_stack_t;

/* Bit mask of the stacks whose schedule has retry `retry` (1 = first
 * retransmission) `interval_ns` after the previous transmission. after_refusal:
 * the previous transmission was answered by a RST. */
uint8_t tl_backoff_stacks(bool synack, uint8_t retry, int64_t interval_ns, bool after_refusal);
const char *tl_stack_name(tl_stack_t s);

/* Storing verdicts per frame (tl_pack.c): tl_pack.h. */

/*
 * Fill a segment's header fields (ports, seq, ack, flags, window, urgent
 * pointer, options) from the TCP header bytes at p, of which cap bytes are
 * available (options beyond cap, cut by a snaplen, are left out). The
 * options pointer refers into p. Addresses, length, time and frame are the
 * caller's. Returns the header length the header claims, or 0 when fewer
 * than 20 bytes are available or the data offset is below 5 (untrackable).
 */
#define TCPLIFE_TCP_HDR_MIN 20
size_t tl_parse_tcp_header(const uint8_t *p, size_t cap, tl_segment_t *seg);

/*
 * The IP header that ends exactly where a TCP header starts, from src to
 * dst: tcp points at the TCP header and the `before` bytes preceding it are
 * readable. An IPv4 header (IHL 5 to 15, protocol 6, not a fragment) or a
 * 40-byte IPv6 header with next header 6. Returns the payload length the
 * header announces (the TCP segment, header included), or -1 when there is
 * no such header (a reassembled datagram, IPv6 extension headers, a
 * fragment, a jumbogram, a length shorter than the header).
 */
int64_t tl_ip_payload_before(const uint8_t *tcp, size_t before,
                             const tl_addr_t *src, const tl_addr_t *dst);

/*
 * The IP header (IPv4 with options, or IPv6 with extension headers) that
 * ends exactly at the TCP header tcp, found from the bytes alone, so the
 * same in every pass: fills seg->src, seg->dst, seg->has_ttl/ttl and, for
 * IPv4, seg->has_ip_id/ip_id; *first_fragment tells a first fragment (its
 * length is the fragment's). Returns the bytes the datagram carries from
 * the TCP header on, INT64_MAX when the header gives no length (TSO, a
 * jumbogram), or -1 when there is no such header (seg's IP fields false).
 */
int64_t tl_ip_header_before(const uint8_t *tcp, size_t before, tl_segment_t *seg,
                            bool *first_fragment);

/*
 * The segment as tcpdump prints it after the addresses ("Flags [P.], seq
 * 1:8, ack 1, win 4099, options [...], length 7"), with tcpdump's relative
 * numbers. Call it for every segment of the connection, in order, to keep
 * the numbering right. Writes at most cap bytes including the NUL and
 * returns the length it needed (snprintf style).
 */
size_t tl_tcpdump_format(tl_tcpdump_t *st, const tl_segment_t *seg, char *buf, size_t cap);
/* Only the numbering: what tl_tcpdump_format() does to *st, without the
 * text. Returns true when the segment (re)set the bases (tcpdump prints it
 * with absolute numbers). */
bool tl_tcpdump_advance(tl_tcpdump_t *st, const tl_segment_t *seg);

/* Whole-connection outcome, from everything observed so far. */
tl_outcome_t tl_conn_outcome(const tl_conn_t *conn);

/* Only one direction was captured, and what it sent proves the other side
 * exists (it acknowledges something): tcplife.conn.one_sided. */
bool tl_conn_one_sided(const tl_conn_t *conn);

/* When the TIME_WAIT holder's TIME_WAIT ends: from its entry, or from the
 * latest re-ACK of a retransmitted FIN (which restarts the timer). */
int64_t tl_timewait_expires(const tl_conn_t *conn, const tl_config_t *cfg);

/*
 * MSL profiles (preference tcplife.msl_profile): how long TIME_WAIT lasts
 * on each kind of stack, and where that number comes from. Columns:
 * symbol, preference value, display text, TIME_WAIT in seconds (0: the
 * custom MSL preference, doubled).
 *   linux    TCP_TIMEWAIT_LEN (60 * HZ) in include/net/tcp.h: fixed, not a sysctl
 *   rfc9293  MSL of 2 minutes, RFC 9293 §3.4.2
 *   bsd      FreeBSD net.inet.tcp.msl default 30000 ms (macOS: 15 s MSL)
 *   windows  TcpTimedWaitDelay default 0xF0 = 240 seconds
 */
#define TCPLIFE_MSL_MAP(X)                                                                   \
    X(LINUX,   "linux",   "Linux: TIME_WAIT 60 s (TCP_TIMEWAIT_LEN)",              60)       \
    X(RFC9293, "rfc9293", "RFC 9293: MSL 2 min, TIME_WAIT 4 min",                  240)      \
    X(BSD,     "bsd",     "FreeBSD: MSL 30 s (net.inet.tcp.msl), TIME_WAIT 60 s",   60)      \
    X(WINDOWS, "windows", "Windows: TIME_WAIT 240 s (TcpTimedWaitDelay)",          240)      \
    X(CUSTOM,  "custom",  "Custom MSL (TIME_WAIT = 2 x MSL)",                      0)

typedef enum {
#define TCPLIFE_X_(sym, name, text, secs) TCPLIFE_MSL_##sym,
    TCPLIFE_MSL_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_MSL_COUNT
} tl_msl_profile_t;

/* The preference value and display text of a profile. */
const char *tl_msl_name(tl_msl_profile_t p);
const char *tl_msl_text(tl_msl_profile_t p);

/*
 * TIME_WAIT of a profile, in ns; custom_msl_s is the custom MSL preference
 * (TIME_WAIT twice as long, capped at a day: no stack waits longer, and the
 * cap keeps start + TIME_WAIT within 64 bits for every time the core gets).
 * An unknown profile is linux.
 */
int64_t tl_msl_time_wait_ns(tl_msl_profile_t p, unsigned custom_msl_s);

/* How the handshake went, for summaries (batch "handshake" column). */
#define TCPLIFE_HS_OUTCOME_MAP(X)           \
    X(COMPLETE,  "complete")                \
    X(HALF_OPEN, "half_open")               \
    X(REFUSED,   "refused")                 \
    X(SYN_ONLY,  "syn_only")                \
    X(MIDSTREAM, "midstream")               \
    X(ONE_SIDED, "one_sided")

typedef enum {
#define TCPLIFE_X_(sym, str) TCPLIFE_HS_##sym,
    TCPLIFE_HS_OUTCOME_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_HS_COUNT
} tl_hs_outcome_t;

/* One connection's life in a few facts: the batch summaries' row. */
typedef struct {
    tl_outcome_t    outcome;
    tl_hs_outcome_t handshake;
    uint8_t         syn_retries, synack_retries;
    bool            teardown;           /* a FIN was seen */
    tl_role_t       initiator;
    tl_teardown_t   teardown_kind;      /* NONE: only one FIN */
    bool            half_close;         /* the passive side sent data after the FIN */
    tl_role_t       hc_sender;
    uint32_t        hc_bytes;
    bool            hc_duration_known;
    int64_t         hc_duration_ns;
    bool            reset;              /* a RST ended it */
    bool            injected;           /* a RST most likely forged (rst_* say which) */
    tl_role_t       rst_sender;
    tl_rst_kind_t   rst_kind;
    tl_rst_reason_t rst_reason;
    bool            one_sided;
    tl_tw_holder_t  tw_holder;
    int64_t         tw_start_ns, tw_expires_ns;
    tl_state_t      final_state[TCPLIFE_ROLE_COUNT];
    int64_t         start_ns, duration_ns;
    /* The server's SYN queue entry: from the SYN to the handshake ACK (or
     * the last segment when the handshake never completed). */
    bool            syn_queue;
    int64_t         syn_queue_start_ns, syn_queue_end_ns;
} tl_summary_t;

void tl_conn_summarize(const tl_conn_t *conn, const tl_config_t *cfg, tl_summary_t *out);
tl_hs_outcome_t tl_conn_handshake_outcome(const tl_conn_t *conn);
const char *tl_hs_outcome_name(tl_hs_outcome_t h);

/* Vocabulary strings; never NULL (an out-of-range value gives "?"). */
const char *tl_rst_kind_name(tl_rst_kind_t k);
const char *tl_rst_kind_rule(tl_rst_kind_t k);
const char *tl_rst_reason_name(tl_rst_reason_t r);
const char *tl_rst_rule_text(tl_rst_rule_t r);
tl_rst_kind_t tl_rst_rule_kind(tl_rst_rule_t r);
const char *tl_keepalive_name(tl_keepalive_t k);
const char *tl_tw_holder_name(tl_tw_holder_t h);
const char *tl_outcome_name(tl_outcome_t o);
const char *tl_tfo_name(tl_tfo_t t);
const char *tl_auth_name(tl_auth_t a);
const char *tl_backoff_text(tl_backoff_t b);
const char *tl_state_name(tl_state_t s);
const char *tl_phase_name(tl_phase_t p);
const char *tl_role_name(tl_role_t r);
const char *tl_teardown_name(tl_teardown_t k);
const char *tl_event_name(tl_event_t e);
const char *tl_label_text(tl_label_t l);
/* The anomaly a transition label raises (TCPLIFE_ANOMALY_NONE for most). */
tl_anomaly_t tl_label_anomaly(tl_label_t l);
const char *tl_api_text(tl_api_t a);
const char *tl_anomaly_text(tl_anomaly_t a);
int         tl_anomaly_severity(tl_anomaly_t a);  /* 0 chat .. 3 error */
tl_group_t  tl_anomaly_group(tl_anomaly_t a);     /* expert group */

#ifdef __cplusplus
}
#endif

#endif /* TCPLIFE_TL_CORE_H */
