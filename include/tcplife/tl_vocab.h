/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_vocab.h - the tracker core's vocabularies, included by tl_core.h: each
 * is one X-macro list from which the enum, the filter string and the
 * display text are expanded, so none can drift. Plain C99.
 */
#ifndef TCPLIFE_TL_VOCAB_H
#define TCPLIFE_TL_VOCAB_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Vocabularies. Each is one X-macro list: the enum, the filter string and   */
/* the display text are expanded from it, so none can drift.                 */
/* ------------------------------------------------------------------------ */

/* RFC 9293 §3.3.2 states; the string is the value of tcplife.state.*. */
#define TCPLIFE_STATE_MAP(X)                \
    X(CLOSED,       "CLOSED")               \
    X(LISTEN,       "LISTEN")               \
    X(SYN_SENT,     "SYN_SENT")             \
    X(SYN_RECEIVED, "SYN_RECEIVED")         \
    X(ESTABLISHED,  "ESTABLISHED")          \
    X(FIN_WAIT_1,   "FIN_WAIT_1")           \
    X(FIN_WAIT_2,   "FIN_WAIT_2")           \
    X(CLOSE_WAIT,   "CLOSE_WAIT")           \
    X(CLOSING,      "CLOSING")              \
    X(LAST_ACK,     "LAST_ACK")             \
    X(TIME_WAIT,    "TIME_WAIT")

typedef enum {
#define TCPLIFE_X_(sym, str) TCPLIFE_STATE_##sym,
    TCPLIFE_STATE_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_STATE_COUNT
} tl_state_t;

/* Phases of tcplife.phase (SPEC "Phases"). */
#define TCPLIFE_PHASE_MAP(X)                \
    X(NONE,        "")                      \
    X(HANDSHAKE,   "handshake")             \
    X(ESTABLISHED, "established")           \
    X(TEARDOWN,    "teardown")              \
    X(RESET,       "reset")                 \
    X(CLOSED,      "closed")

typedef enum {
#define TCPLIFE_X_(sym, str) TCPLIFE_PHASE_##sym,
    TCPLIFE_PHASE_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_PHASE_COUNT
} tl_phase_t;

/* Roles: who sent the first SYN without ACK. */
#define TCPLIFE_ROLE_MAP(X)                 \
    X(CLIENT, "client")                     \
    X(SERVER, "server")

typedef enum {
#define TCPLIFE_X_(sym, str) TCPLIFE_ROLE_##sym,
    TCPLIFE_ROLE_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_ROLE_COUNT
} tl_role_t;

/* The other endpoint's role: the one spelling of it, core and glue. */
static inline tl_role_t
tl_peer(tl_role_t r)
{
    return r == TCPLIFE_ROLE_CLIENT ? TCPLIFE_ROLE_SERVER : TCPLIFE_ROLE_CLIENT;
}

/* Teardown shapes of tcplife.teardown.kind. */
#define TCPLIFE_TEARDOWN_MAP(X)             \
    X(NONE,         "")                     \
    X(FOUR_WAY,     "four-way")             \
    X(THREE_WAY,    "three-way")            \
    X(SIMULTANEOUS, "simultaneous")

typedef enum {
#define TCPLIFE_X_(sym, str) TCPLIFE_TEARDOWN_##sym,
    TCPLIFE_TEARDOWN_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_TEARDOWN_COUNT
} tl_teardown_t;

/* RST kinds of tcplife.rst.kind (SPEC "RST kinds"). Second string: what
 * the kind means, for the tree; the evidence behind one RST is its rule
 * (TCPLIFE_RST_RULE_MAP). */
#define TCPLIFE_RST_MAP(X)                                                                                 \
    X(NONE,             "",                 "")                                                            \
    X(REFUSED,          "refused",          "answers a SYN: no handshake completed")                       \
    X(UNREAD_DATA,      "unread_data",      "closed with unread data: RST instead of FIN (RFC 2525 2.17)") \
    X(DATA_AFTER_CLOSE, "data_after_close", "payload arrived after the sender's FIN and was discarded")    \
    X(ABORT,            "abort",            "the sender aborted a live connection")                        \
    X(TIMEOUT,          "timeout",          "the sender gave up on an idle or unresponsive connection")    \
    X(INJECTED,         "injected",         "most likely not sent by the endpoint it claims "              \
      "(firewall, middlebox)")                                                                             \
    X(STRAY,            "stray",            "no live connection to reset")

typedef enum {
#define TCPLIFE_X_(sym, str, rule) TCPLIFE_RST_##sym,
    TCPLIFE_RST_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_RST_COUNT
} tl_rst_kind_t;

/* The names of Linux's include/net/rstreason.h (enum sk_rst_reason, Linux
 * 6.10+) a capture can point to: tcplife.rst.reason. docs/rst.md says
 * which kernel path sends each. */
#define TCPLIFE_RST_REASON_MAP(X)           \
    X(NOT_SPECIFIED)                        \
    X(NO_SOCKET)                            \
    X(TCP_INVALID_ACK_SEQUENCE)             \
    X(TCP_FLAGS)                            \
    X(INVALID_SYN)                          \
    X(TCP_ABORT_ON_DATA)                    \
    X(TCP_TIMEWAIT_SOCKET)                  \
    X(TCP_ABORT_ON_CLOSE)                   \
    X(TCP_ABORT_ON_LINGER)                  \
    X(TCP_STATE)                            \
    X(TCP_KEEPALIVE_TIMEOUT)                \
    X(TCP_DISCONNECT_WITH_DATA)

typedef enum {
#define TCPLIFE_X_(sym) TCPLIFE_REASON_##sym,
    TCPLIFE_RST_REASON_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_REASON_COUNT
} tl_rst_reason_t;

/*
 * One rule per way a RST comes about, as tcp_reset() maps a state to an
 * error: the kind it makes, the likely Linux reason, the expert item, the
 * socket call, and the evidence in words. tl_rst.c picks one rule per RST.
 * Columns: symbol, kind, reason, anomaly, api, text.
 */
#define TCPLIFE_RST_RULE_MAP(X)                                                                              \
    X(NONE, NONE, NOT_SPECIFIED, NONE, NONE, "")                                                             \
    X(REFUSED, REFUSED, NO_SOCKET, HANDSHAKE_REFUSED, NO_LISTENER,                                           \
      "answers the SYN before any handshake completed: no listening socket "                                 \
      "(tcp_v4_send_reset() for no socket)")                                                                 \
    X(REFUSED_UNSEEN, REFUSED, NO_SOCKET, HANDSHAKE_REFUSED, NO_LISTENER,                                    \
      "first segment seen, RST+ACK with seq 0: how a host with no socket answers a segment "                 \
      "without ACK, i.e. a SYN the capture missed (RFC 9293 3.10.7.1)")                                      \
    X(UNREAD_DATA, UNREAD_DATA, TCP_ABORT_ON_CLOSE, RESET_UNREAD_DATA, CLOSE_UNREAD,                         \
      "RST+ACK, no FIN sent, acknowledged input never answered: most likely close() with it unread, RST "    \
      "instead of FIN (tcp_close(), RFC 2525 2.17); SO_LINGER 0 after reading it looks the same")            \
    X(UNREAD_ANSWER, UNREAD_DATA, NOT_SPECIFIED, RESET_UNREAD_DATA, CLOSE_UNREAD,                            \
      "RST+ACK, no FIN sent, after the peer answered its own payload: that answer unread at "                \
      "close() (TCP_ABORT_ON_CLOSE), or read, then SO_LINGER 0: the same bytes, reason left open")           \
    X(DATA_AFTER_CLOSE, DATA_AFTER_CLOSE, TCP_ABORT_ON_DATA, RESET_DATA_AFTER_CLOSE, RST_ON_DATA,            \
      "the sender had sent its FIN (close()) and payload arrived before its FIN was acknowledged: "          \
      "discarded and answered with RST (tcp_rcv_state_process(), FIN_WAIT_1)")                               \
    X(DATA_AFTER_CLOSE_FW2, DATA_AFTER_CLOSE, TCP_TIMEWAIT_SOCKET, RESET_DATA_AFTER_CLOSE, RST_ON_DATA,      \
      "the sender had closed and its FIN was acknowledged; new payload reached its orphaned "                \
      "FIN_WAIT_2 (a timewait socket in Linux) and was answered with RST (tcp_timewait_state_process())")    \
    X(ABORT, ABORT, TCP_STATE, RESET_SEEN, ABORT,                                                            \
      "RST+ACK from a live socket that had answered all its input: close() with SO_LINGER 0, "               \
      "or connect(AF_UNSPEC) (tcp_disconnect())")                                                            \
    X(ABORT_AFTER_FIN, ABORT, TCP_STATE, RESET_SEEN, ABORT,                                                  \
      "RST+ACK after its own FIN: the socket was aborted while closing (SO_LINGER 0, tcp_disconnect())")     \
    X(KEEPALIVE, TIMEOUT, TCP_KEEPALIVE_TIMEOUT, RESET_TIMEOUT, KEEPALIVE_GAVE_UP,                           \
      "after keepalive probes the peer did not answer: the keepalive timer gave up (tcp_keepalive_timer())") \
    X(IDLE, TIMEOUT, NOT_SPECIFIED, RESET_TIMEOUT, IDLE_TIMEOUT,                                             \
      "long after all data was acknowledged both ways: an idle timer (application or middlebox)")            \
    X(INJECTED_TTL, INJECTED, NOT_SPECIFIED, RESET_INJECTED, NONE,                                           \
      "its IP TTL / hop limit differs from every other segment of its alleged sender: most likely "          \
      "forged on the path (firewall, middlebox)")                                                            \
    X(INJECTED_IPID, INJECTED, NOT_SPECIFIED, RESET_INJECTED, NONE,                                          \
      "its IPv4 ID does not continue the consecutive IDs of its alleged sender's other segments "            \
      "(Linux counts them per socket): most likely forged on the path (firewall, middlebox)")                \
    X(STRAY_CLOSED, STRAY, NO_SOCKET, CLOSED_STRAY_RST, NO_SOCKET,                                           \
      "after the connection ended: the sender had no socket for it any more")                                \
    X(STRAY_RESET, STRAY, NO_SOCKET, CLOSED_STRAY_RST, NO_SOCKET,                                            \
      "after the connection was reset: the sender had no socket for it any more")                            \
    X(STRAY_TIME_WAIT, STRAY, NOT_SPECIFIED, CLOSED_STRAY_RST, NO_SOCKET,                                    \
      "from the TIME_WAIT holder after the close (Linux's TIME_WAIT answers with ACK, not RST: "             \
      "another stack, or TIME_WAIT ended early)")                                                            \
    X(STRAY_FIN_WAIT_2, STRAY, NO_SOCKET, RESET_NO_SOCKET, NO_SOCKET,                                        \
      "bare RST after the sender's FIN was acknowledged: its FIN_WAIT_2 timed out "                          \
      "(tcp_fin_timeout, TCP_LINGER2) and the socket was gone when this segment arrived")                    \
    X(STRAY_SYNACK_GIVEUP, STRAY, TCP_FLAGS, RESET_NO_SOCKET, NO_SOCKET,                                     \
      "the sender never took the handshake ACK: its SYN-ACK retries gave up (tcp_synack_retries) "           \
      "or the request was dropped; the listener answers what follows with RST (tcp_v4_do_rcv())")            \
    X(STRAY_ACCEPT_OVERFLOW, STRAY, INVALID_SYN, RESET_NO_SOCKET, NO_SOCKET,                                 \
      "bare RST answering the handshake ACK at once: the server would not take the connection, "             \
      "its accept queue was full with net.ipv4.tcp_abort_on_overflow=1 (tcp_check_req())")                   \
    X(STRAY_LISTENER, STRAY, NO_SOCKET, RESET_NO_SOCKET, NO_SOCKET,                                          \
      "the server had answered the SYN but has no socket for the handshake ACK: the listener was "           \
      "closed or the request dropped")                                                                       \
    X(STRAY_INVALID_ACK, STRAY, TCP_INVALID_ACK_SEQUENCE, RESET_NO_SOCKET, NO_SOCKET,                        \
      "bare RST from the SYN sender answering an ACK that does not acknowledge its SYN (often its "          \
      "SYN met the peer's TIME_WAIT): rejected in SYN_SENT (tcp_rcv_synsent_state_process())")               \
    X(STRAY_SYN_SENT, STRAY, NO_SOCKET, RESET_NO_SOCKET, NO_SOCKET,                                          \
      "bare RST answering the SYN-ACK: the client's socket was closed while in SYN_SENT "                    \
      "(connect() given up), so the SYN-ACK found none")                                                     \
    X(STRAY_USER_TIMEOUT, STRAY, NO_SOCKET, RESET_NO_SOCKET, NO_SOCKET,                                      \
      "bare RST after the sender's own data went unacknowledged: its retransmissions or "                    \
      "TCP_USER_TIMEOUT gave up (tcp_write_timeout() sends no RST) and the socket was gone")                 \
    X(STRAY_KEEPALIVE, STRAY, NO_SOCKET, RESET_NO_SOCKET, NO_SOCKET,                                         \
      "bare RST after the sender's keepalive probes: its keepalive timer gave up and the socket was gone")   \
    X(STRAY_GONE, STRAY, NO_SOCKET, RESET_NO_SOCKET, NO_SOCKET,                                              \
      "bare RST whose seq is the answered segment's ack: the reply of a host with no connection "            \
      "(RFC 9293 3.10.7.1; aborts send RST+ACK): its socket was gone (state lost, an unseen timeout)")       \
    X(STRAY_NEVER_SEEN, STRAY, NO_SOCKET, RESET_NO_SOCKET, NO_SOCKET,                                        \
      "bare RST and nothing earlier of this connection captured: the reply of a host with no connection")    \
    X(MIDSTREAM_ABORT, ABORT, NOT_SPECIFIED, RESET_SEEN, ABORT,                                              \
      "RST+ACK and nothing earlier of this connection captured: an abort whose cause the "                   \
      "capture does not show")

typedef enum {
#define TCPLIFE_X_(sym, kind, reason, an, api, text) TCPLIFE_RULE_##sym,
    TCPLIFE_RST_RULE_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_RULE_COUNT
} tl_rst_rule_t;

/* Keepalive labels (tcplife.keepalive). */
#define TCPLIFE_KEEPALIVE_MAP(X)            \
    X(NONE,   "")                           \
    X(PROBE,  "probe")                      \
    X(ANSWER, "answer")

typedef enum {
#define TCPLIFE_X_(sym, str) TCPLIFE_KA_##sym,
    TCPLIFE_KEEPALIVE_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_KA_COUNT
} tl_keepalive_t;

/* Who holds TIME_WAIT (tcplife.time_wait.holder). */
#define TCPLIFE_TW_MAP(X)                   \
    X(NONE,   "")                           \
    X(CLIENT, "client")                     \
    X(SERVER, "server")                     \
    X(BOTH,   "both")

typedef enum {
#define TCPLIFE_X_(sym, str) TCPLIFE_TW_##sym,
    TCPLIFE_TW_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_TW_COUNT
} tl_tw_holder_t;

/* Whole-connection outcome (tcplife.conn.outcome). */
#define TCPLIFE_OUTCOME_MAP(X)              \
    X(OPEN,      "open")                    \
    X(CLOSED,    "closed")                  \
    X(RESET,     "reset")                   \
    X(REFUSED,   "refused")                 \
    X(HALF_OPEN, "half_open")               \
    X(SYN_ONLY,  "syn_only")

typedef enum {
#define TCPLIFE_X_(sym, str) TCPLIFE_OUTCOME_##sym,
    TCPLIFE_OUTCOME_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_OUTCOME_COUNT
} tl_outcome_t;

/*
 * Events: one segment classified from the point of view of one endpoint.
 * The sender goes through tl_on_send() with one event; the receiver through
 * tl_on_recv() with up to two (what the ACK field covers, then the control
 * flag), which is how RFC 9293 §3.10.7 processes a segment too.
 */
#define TCPLIFE_EVENT_MAP(X)                                                 \
    X(SYN,          "SYN")              /* SYN without ACK */                \
    X(SYNACK,       "SYN-ACK")          /* SYN with ACK */                   \
    X(ACK,          "ACK")              /* ACK or data, nothing new acked */ \
    X(ACK_SYN,      "ACK of SYN")       /* first ACK covering peer's SYN;    \
                                           to the sender: its own SYN was    \
                                           acked before (it synchronized) */ \
    X(ACK_FIN,      "ACK of FIN")       /* first ACK covering peer's FIN */  \
    X(FIN,          "FIN")              /* a new FIN */                      \
    X(FIN_CROSSING, "crossing FIN")     /* new FIN not acking a FIN seen */  \
    X(RST,          "RST")

typedef enum {
#define TCPLIFE_X_(sym, str) TCPLIFE_EV_##sym,
    TCPLIFE_EVENT_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_EV_COUNT
} tl_event_t;

/*
 * Transition labels: why an endpoint changed state (or did not). Second
 * column: the anomaly the label raises on its segment (tl_conn_observe(),
 * unless the connection had already ended or the sender was not yet
 * synchronized, which their own anomalies say); third: the display text.
 */
#define TCPLIFE_LABEL_MAP(X)                                                                                \
    X(NONE,               NONE, "")                                                                         \
    X(ACTIVE_OPEN,        NONE, "active open: connect() sent SYN")                                          \
    X(PASSIVE_OPEN,       NONE, "SYN received: queued in the SYN queue")                                    \
    X(SIMULTANEOUS_OPEN,  NONE, "SYN received while SYN_SENT: simultaneous open")                           \
    X(SYNACK_SENT,        NONE, "SYN-ACK sent")                                                             \
    X(OPEN_COMPLETE,      NONE, "own SYN acknowledged: connection established")                             \
    X(SYNC_SHOWN,         NONE, "sends a segment other than SYN-ACK: it took the handshake ACK")            \
    X(ACTIVE_CLOSE,       NONE, "FIN sent: active close")                                                   \
    X(PASSIVE_CLOSE,      NONE, "FIN received: peer closed its direction")                                  \
    X(LAST_FIN_SENT,      NONE, "FIN sent after the peer's FIN: passive close")                             \
    X(SIMULTANEOUS_CLOSE, NONE, "FINs crossed: simultaneous close")                                         \
    X(CROSSING_FIN_SENT,  NONE, "own FIN sent before the peer's arrived (FIN_WAIT_1), then the peer's "     \
      "FIN: simultaneous close")                                                                            \
    X(FIN_ACKED,          NONE, "own FIN acknowledged")                                                     \
    X(ENTER_TIME_WAIT,    NONE, "peer's FIN received after own FIN: TIME_WAIT")                             \
    X(CLOSED_BY_ACK,      NONE, "last FIN acknowledged: connection closed")                                 \
    X(RESET_SENT,         NONE, "RST sent: connection aborted")                                             \
    X(RESET_RECEIVED,     NONE, "RST received: connection aborted")                                         \
    X(FINAL_ACK_LOST,     NONE, "FIN sent again after its ACK was captured: that ACK was lost "             \
      "beyond the capture point")                                                                           \
    X(PEER_FIN_LOST,      NONE, "FIN sent without acknowledging the peer's earlier FIN: "                   \
      "that FIN never arrived")                                                                             \
    X(CLOSING_LOST_FIN,   NONE, "FIN received while its own FIN was never acknowledged (lost): CLOSING")    \
    X(SYNC_INFERRED,      NONE, "acknowledges a segment the capture missed: synchronized")                  \
    X(NOT_RESET,          NONE, "sends again after its alleged RST: it never reset the connection")         \
    X(SYN_ON_OPEN,        HANDSHAKE_SYN_ON_OPEN, "SYN from an endpoint already past SYN_SENT: a new "       \
      "attempt on this 4-tuple, its earlier connection lost (RFC 9293 §3.5.1); state kept")                 \
    X(CHALLENGE_ACK,      HANDSHAKE_SYN_ON_OPEN, "SYN in a synchronized state: answered with a challenge "  \
      "ACK, state kept (RFC 5961 §4.2)")                                                                    \
    X(SYN_IN_TIME_WAIT,   HANDSHAKE_SYN_ON_OPEN, "SYN in TIME_WAIT: taken as a new connection if its ISN "  \
      "or timestamp is higher (RFC 6191), else answered with an ACK")                                       \
    X(SYNACK_AFTER_CLOSE, NONE, "SYN-ACK sent again after close() or the peer's FIN: its SYN was still "    \
      "unacknowledged (RFC 9293 §3.10.4); state kept")                                                      \
    X(BEFORE_SYNC,        NONE, "segment sent before its own handshake completed: the peer cannot take it") \
    X(NO_CONNECTION_SENT, CLOSED_NO_CONNECTION, "segment from an endpoint with no connection (CLOSED "      \
      "or LISTEN): state kept")                                                                             \
    X(NO_CONNECTION,      CLOSED_NO_CONNECTION, "no synchronized connection here: dropped, or answered "    \
      "with RST (RFC 9293 §3.10.7.1-3)")                                                                    \
    X(UNEXPECTED,         UNEXPECTED, "segment unexpected in this state")

typedef enum {
#define TCPLIFE_X_(sym, anom, str) TCPLIFE_LABEL_##sym,
    TCPLIFE_LABEL_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_LABEL_COUNT
} tl_label_t;

/* The socket call a segment corresponds to (tcplife.api). */
#define TCPLIFE_API_MAP(X)                                                                             \
    X(NONE,            "")                                                                             \
    X(CONNECT,         "connect() sends SYN and blocks")                                               \
    X(CONNECT_RETRY,   "connect() still blocked: SYN retransmitted")                                   \
    X(SYN_QUEUE,       "kernel answers without accept(): connection in the SYN queue")                 \
    X(SYN_QUEUE_RETRY, "SYN-ACK retransmitted: handshake ACK not taken by the server")                 \
    X(CONNECT_RETURNS, "connect() returns; server moves it to the accept queue")                       \
    X(SIMOPEN,         "connect() on both sides: simultaneous open")                                   \
    X(CLOSE,           "close() or shutdown(SHUT_WR); read() returns 0 at peer")                       \
    X(CLOSE_AFTER_EOF, "close() after read() returned 0; read() returns 0 at peer")                    \
    X(FIN_ACK,         "kernel acknowledges the FIN (no call)")                                        \
    X(NO_LISTENER,     "no listening socket: connect() fails with ECONNREFUSED")                       \
    X(ABORT,           "close() with SO_LINGER 0, or the application aborts: peer gets ECONNRESET")    \
    X(CLOSE_UNREAD,    "close() with unread data: RST instead of FIN, peer gets ECONNRESET")           \
    X(RST_ON_DATA,     "kernel discards data for a closed socket: RST, peer gets ECONNRESET or EPIPE") \
    X(NO_SOCKET,       "kernel answers a segment for no socket")                                       \
    X(KEEPALIVE,       "kernel keepalive timer (SO_KEEPALIVE), no call")                               \
    X(KEEPALIVE_GAVE_UP, "keepalive gave up: the next call fails with ETIMEDOUT")                      \
    X(IDLE_TIMEOUT,    "an idle timer closed it: the peer gets ECONNRESET")

typedef enum {
#define TCPLIFE_X_(sym, str) TCPLIFE_API_##sym,
    TCPLIFE_API_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_API_COUNT
} tl_api_t;

/* Expert groups of the anomalies (the glue maps them to epan's PI_*). */
typedef enum { TCPLIFE_GROUP_PROTOCOL, TCPLIFE_GROUP_SEQUENCE } tl_group_t;

/*
 * Anomalies and notable events: each maps to one expert item in the glue.
 * Columns: symbol, severity (0 chat, 1 note, 2 warn, 3 error), text.
 */
#define TCPLIFE_ANOMALY_MAP(X)                                                                              \
    X(NONE,                    0, PROTOCOL, "")                                                             \
    X(HANDSHAKE_ACK_MISMATCH,  2, PROTOCOL, "handshake ACK does not acknowledge the peer's ISN+1")          \
    X(HANDSHAKE_SYN_RETRANS,   1, SEQUENCE, "SYN retransmitted")                                            \
    X(HANDSHAKE_SYNACK_RETRANS,1, SEQUENCE, "SYN-ACK retransmitted")                                        \
    X(HANDSHAKE_SYNACK_AFTER_ACK, 2, PROTOCOL, "SYN-ACK retransmitted after the handshake ACK was seen: "   \
      "the server did not take that ACK (lost after the capture point, or accept queue full)")              \
    X(HANDSHAKE_SIMULTANEOUS_OPEN, 1, SEQUENCE, "simultaneous open: SYNs crossed")                          \
    X(HANDSHAKE_NEW_ISN,       2, PROTOCOL, "SYN with a different ISN on a connection already opened")      \
    X(HANDSHAKE_DATA_BEFORE_SYNC, 2, PROTOCOL, "segment before the handshake synchronized this side")       \
    X(HANDSHAKE_REFUSED,       1, SEQUENCE, "connection refused: RST answers the SYN")                      \
    X(ESTABLISHED_MIDSTREAM,   0, SEQUENCE, "capture starts after this connection's handshake")             \
    X(TEARDOWN_FIN_RETRANS,    1, SEQUENCE, "FIN retransmitted")                                            \
    X(TEARDOWN_SIMULTANEOUS,   1, SEQUENCE, "simultaneous close: FINs crossed")                             \
    X(TEARDOWN_DATA_AFTER_FIN, 2, PROTOCOL, "payload beyond the sender's own FIN")                          \
    X(TEARDOWN_HALF_CLOSE,     0, SEQUENCE, "half-close: data sent after the peer's FIN")                   \
    X(TEARDOWN_ACK_BEFORE_FIN, 1, PROTOCOL, "the ACK of this FIN was captured before the FIN: "             \
      "reordered at the capture point")                                                                     \
    X(RESET_WITH_DATA,         1, PROTOCOL, "RST carrying data: the sender's diagnostic "                   \
      "text (RFC 1122 4.2.2.12)")                                                                           \
    X(RESET_SEEN,              1, SEQUENCE, "connection reset")                                             \
    X(CLOSED_SEGMENT_AFTER_CLOSE, 1, PROTOCOL, "segment after the connection closed")                       \
    X(CLOSED_STRAY_RST,        1, PROTOCOL, "RST with no live connection to reset")                         \
    X(OPTION_SYN_ONLY_ELSEWHERE, 1, PROTOCOL, "an option that only counts on SYN (MSS, window scale, "      \
      "SACK-permitted) on a non-SYN segment: ignored")                                                      \
    X(HANDSHAKE_ECN_NEGOTIATED, 0, PROTOCOL, "ECN negotiated (RFC 3168: SYN with "                          \
      "ECE+CWR, SYN-ACK with ECE)")                                                                         \
    X(HANDSHAKE_TFO_DATA,      1, PROTOCOL, "TCP Fast Open: data in the SYN")                               \
    X(HANDSHAKE_AUTH_MISMATCH, 2, PROTOCOL, "only one side signs its segments (MD5 or TCP-AO): "            \
      "the other will drop them")                                                                           \
    X(HANDSHAKE_ACK_UNCONFIRMED, 1, PROTOCOL, "handshake ACK again after the server ignored one: the "      \
      "server counts as SYN_RECEIVED until it sends something other than a SYN-ACK")                        \
    X(HANDSHAKE_HALF_OPEN,     2, PROTOCOL, "handshake never completed: SYN-ACK sent, its ACK never taken " \
      "(half-open, SYN queue)")                                                                             \
    X(HANDSHAKE_SYN_ONLY,      2, PROTOCOL, "handshake never completed: the SYN was never answered")        \
    X(RESET_UNREAD_DATA,       2, PROTOCOL, "RST instead of FIN: the application closed with unread data")  \
    X(RESET_DATA_AFTER_CLOSE,  2, PROTOCOL, "RST answers data that arrived after the "                      \
      "sender's FIN: data discarded")                                                                       \
    X(RESET_DATA_LOST,         2, PROTOCOL, "RST with data in flight the RST sender never "                 \
      "acknowledged: data possibly lost")                                                                   \
    X(TIME_WAIT_REUSE,         2, PROTOCOL, "new connection on a 4-tuple still in its estimated TIME_WAIT") \
    X(RESET_TIMEOUT,           2, PROTOCOL, "RST after an idle or unanswered period: a timer gave up")      \
    X(RESET_INJECTED,          3, PROTOCOL, "RST most likely forged: it does not fit its alleged sender")   \
    X(RESET_SENDER_CONTINUES,  3, PROTOCOL, "the RST's alleged sender keeps sending after it: that RST "    \
      "was most likely forged (firewall, middlebox)")                                                       \
    X(RESET_NO_SOCKET,         2, PROTOCOL, "RST from a host with no socket for this connection")           \
    X(RESET_NOT_AT_RCV_NXT,    2, PROTOCOL, "RST not at the receiver's next expected sequence number: an "  \
      "RFC 5961 receiver answers with a challenge ACK and keeps the connection")                            \
    X(RESET_CROSSING,          1, SEQUENCE, "RSTs crossed: both sides aborted before "                      \
      "the other's RST arrived")                                                                            \
    X(KEEPALIVE_PROBE,         0, SEQUENCE, "keepalive probe (seq = SND.UNA - 1)")                          \
    X(KEEPALIVE_ANSWER,        0, SEQUENCE, "keepalive answered")                                           \
    X(DUPLICATE,               0, SEQUENCE, "the same frame captured twice (same IP ID, seq, ack, "         \
      "flags and length): ignored")                                                                         \
    X(HANDSHAKE_SYN_REORDERED, 1, SEQUENCE, "SYN captured after its SYN-ACK: "                              \
      "reordered at the capture point")                                                                     \
    X(HANDSHAKE_SYNACK_UNSEEN, 1, PROTOCOL, "the SYN-ACK was not captured: this ACK of the server's ISN+1 " \
      "proves the client got it")                                                                           \
    X(HANDSHAKE_RETRY_AFTER_REFUSED, 1, PROTOCOL, "SYN sent again after a refusal: the client retries a "   \
      "refused connect (Windows does twice, about 0.5 s apart)")                                            \
    X(TEARDOWN_FINAL_ACK_LOST, 2, SEQUENCE, "FIN retransmitted after its ACK was captured: that ACK was "   \
      "lost beyond the capture point, the sender is back in LAST_ACK or CLOSING")                           \
    X(TEARDOWN_TIME_WAIT_RESTART, 1, SEQUENCE, "ACK of a retransmitted FIN from TIME_WAIT: the TIME_WAIT "  \
      "timer restarts (Linux tcp_timewait_state_process())")                                                \
    X(TEARDOWN_FIN_LOST,       2, SEQUENCE, "this FIN does not acknowledge the peer's FIN sent long "       \
      "before: that FIN was lost, not a simultaneous close")                                                \
    X(ONE_SIDED,               1, PROTOCOL, "only one direction of this connection is captured so far "     \
      "(asymmetric routing or a one-fibre tap): the other side is inferred")                                \
    X(HANDSHAKE_SYN_ON_OPEN,   2, PROTOCOL, "SYN on a connection already synchronized: its sender lost "    \
      "the old connection (crash, restart, an end not captured) or opens a new one on the same 4-tuple; "   \
      "the peer answers with a challenge ACK (RFC 5961 §4.2) or, from TIME_WAIT, may take it (RFC 6191)")   \
    X(CLOSED_NO_CONNECTION,    1, PROTOCOL, "segment between endpoints that have no synchronized "          \
      "connection: dropped, or answered with RST (RFC 9293 §3.10.7.1-3)")                                   \
    X(UNEXPECTED,              2, PROTOCOL, "segment unexpected in this state: no rule of "                 \
      "the tracker covers it")                                                                              \
    X(TIME_WAIT_REUSE_REJECTABLE, 3, PROTOCOL, "4-tuple reused in TIME_WAIT with neither a higher ISN nor " \
      "a newer timestamp (RFC 6191): the TIME_WAIT holder may reject it")

typedef enum {
#define TCPLIFE_X_(sym, sev, group, str) TCPLIFE_ANOMALY_##sym,
    TCPLIFE_ANOMALY_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_ANOMALY_COUNT
} tl_anomaly_t;

/*
 * A capture time in ns for the core, from seconds and nanoseconds. The
 * core's time arithmetic (differences, start + TIME_WAIT) stays within 64
 * bits for times in [0, 2^62] ns, 1970 to 2116: all a pcap can hold (32-bit
 * seconds). A pcapng can say anything (64-bit timestamps in any unit), so
 * both front ends (the plugin, the batch program) clamp through this.
 */
#define TCPLIFE_TIME_NS_MAX (INT64_C(1) << 62)
static inline int64_t
tl_time_ns_clamped(int64_t secs, int32_t nsecs)
{
    if (secs < 0)
        return 0;
    if (secs >= TCPLIFE_TIME_NS_MAX / 1000000000)
        return TCPLIFE_TIME_NS_MAX;
    return secs * 1000000000 + nsecs;
}

/* TCP header flag bits as on the wire (tcp.flags). */
enum {
    TCPLIFE_F_FIN = 0x001, TCPLIFE_F_SYN = 0x002, TCPLIFE_F_RST = 0x004, TCPLIFE_F_PSH = 0x008,
    TCPLIFE_F_ACK = 0x010, TCPLIFE_F_URG = 0x020, TCPLIFE_F_ECE = 0x040, TCPLIFE_F_CWR = 0x080,
    TCPLIFE_F_AE  = 0x100
};

#ifdef __cplusplus
}
#endif

#endif /* TCPLIFE_TL_VOCAB_H */
