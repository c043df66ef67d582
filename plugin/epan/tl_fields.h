/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_fields.h - tcplife's display-filter fields, declared once. TCPLIFE_FIELD_MAP
 * has one row per field, in registration order: its id, then as registered
 * the filter name, display name, type, display base and strings, then its
 * render group (when tl_tree.c makes its item), then its blurb. Names,
 * types and blurbs are fixed by SPEC.md and the golden files (tshark -G
 * fields). tl_fields.c expands the map into the ids, the hf_register_info
 * table and the group lists, and registers the subtrees and expert items;
 * tl_tree.c renders by id. Epan glue, shared by those two files only.
 */
#ifndef TCPLIFE_TL_FIELDS_H
#define TCPLIFE_TL_FIELDS_H

#include <epan/packet.h>
#include <epan/expert.h>

#include "tcplife/tl_core.h"

/*
 * Render groups: when tl_tree.c makes a field's item. A visible tree gets
 * every item; a tree nobody sees (a filter, -T fields or -z run) keeps only
 * the items a filter, column or -e names, and epan fakes the others after
 * the call and its arguments were made, so tl_tree.c skips them instead:
 *   ALWAYS      made whenever its data is there: it parents fields decided
 *               one by one, or carries expert items;
 *   OWN         made when the field itself is named;
 *   HANDSHAKE .. OPTIONS: a subtree made whole when any field of its group
 *               is named (the fields hang on each other).
 * A field in the wrong group shows under -V but never matches -Y:
 * tests/e2e/filter-agree.py compares the two for every registered field.
 */
#define TCPLIFE_RENDER_GROUP_MAP(X) \
    X(ALWAYS) X(OWN) X(HANDSHAKE) X(TEARDOWN) X(HALF_CLOSE) X(RST) X(TIME_WAIT) X(OPTIONS)

typedef enum {
#define TCPLIFE_X_(g) TCPLIFE_RG_##g,
    TCPLIFE_RENDER_GROUP_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_RG_COUNT
} tl_render_group_t;

/* X(id, filter name, display name, type, display base, strings, render group, blurb) */
#define TCPLIFE_FIELD_MAP(X)                                                                            \
    X(STREAM, "tcplife.stream", "Stream index",                                                         \
      FT_UINT32, BASE_DEC, NULL, OWN, "tcp.stream of this TCP layer")                                   \
    X(PHASE, "tcplife.phase", "Phase",                                                                  \
      FT_STRING, BASE_NONE, NULL, OWN,                                                                  \
      "handshake, established, teardown, reset or closed, as of this segment")                          \
    X(SENDER, "tcplife.sender", "Sender",                                                               \
      FT_STRING, BASE_NONE, NULL, OWN, "client or server")                                              \
    X(STATE_CLIENT, "tcplife.state.client", "Client state",                                             \
      FT_STRING, BASE_NONE, NULL, OWN, "RFC 9293 state of the client after this segment")               \
    X(STATE_SERVER, "tcplife.state.server", "Server state",                                             \
      FT_STRING, BASE_NONE, NULL, OWN, "RFC 9293 state of the server after this segment")               \
    X(TRANSITION, "tcplife.transition", "Transition",                                                   \
      FT_STRING, BASE_NONE, NULL, OWN, "An endpoint's state change and why")                            \
    X(API, "tcplife.api", "Socket call",                                                                \
      FT_STRING, BASE_NONE, NULL, OWN, "The socket call this segment corresponds to")                   \
    X(HANDSHAKE_STEP, "tcplife.handshake.step", "Handshake step",                                       \
      FT_UINT8, BASE_DEC, NULL, HANDSHAKE, "1 = SYN, 2 = SYN-ACK, 3 = ACK completing the handshake")    \
    X(HANDSHAKE_ACK_OK, "tcplife.handshake.ack_ok", "Handshake ACK = peer ISN + 1",                     \
      FT_BOOLEAN, BASE_NONE, NULL, HANDSHAKE, "On steps 2 and 3: the ack is exactly the peer's ISN+1")  \
    X(HANDSHAKE_RETRY, "tcplife.handshake.retry", "Retransmission",                                     \
      FT_UINT8, BASE_DEC, NULL, HANDSHAKE, "n-th retransmission of this SYN or SYN-ACK")                \
    X(HANDSHAKE_BACKOFF, "tcplife.handshake.backoff", "Backoff",                                        \
      FT_RELATIVE_TIME, BASE_NONE, NULL, HANDSHAKE,                                                     \
      "Time since the previous transmission of the same step")                                          \
    X(HANDSHAKE_ISN, "tcplife.handshake.isn", "ISN",                                                    \
      FT_UINT32, BASE_DEC, NULL, HANDSHAKE, "Initial sequence number of this segment's sender")         \
    X(HANDSHAKE_PEER_ISN, "tcplife.handshake.peer_isn", "Peer ISN",                                     \
      FT_UINT32, BASE_DEC, NULL, HANDSHAKE, "Initial sequence number this segment acknowledges (+1)")   \
    X(HANDSHAKE_SYN_FRAME, "tcplife.handshake.syn_frame", "Answers SYN in frame",                       \
      FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), HANDSHAKE,                            \
      "The SYN (step 2) or SYN-ACK (step 3) this segment acknowledges")                                 \
    X(PREV_FRAME, "tcplife.prev_frame", "Previous transmission in frame",                               \
      FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RETRANS_PREV), OWN,                             \
      "Previous transmission of this SYN, SYN-ACK or FIN")                                              \
    X(TEARDOWN_STEP, "tcplife.teardown.step", "Teardown step",                                          \
      FT_UINT8, BASE_DEC, NULL, TEARDOWN, "Ordinal of this FIN or FIN-acknowledging segment")           \
    X(TEARDOWN_KIND, "tcplife.teardown.kind", "Teardown kind",                                          \
      FT_STRING, BASE_NONE, NULL, TEARDOWN, "four-way, three-way or simultaneous")                      \
    X(TEARDOWN_INITIATOR, "tcplife.teardown.initiator", "Teardown initiator",                           \
      FT_STRING, BASE_NONE, NULL, TEARDOWN, "Who sent the first FIN (active closer)")                   \
    X(TEARDOWN_FIN_FRAME, "tcplife.teardown.fin_frame", "Acknowledges FIN in frame",                    \
      FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_ACK), TEARDOWN,                                 \
      "The FIN this segment acknowledges")                                                              \
    X(RST_ANSWERS, "tcplife.rst.answers", "RST answers frame",                                          \
      FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), RST, "The segment this RST answers") \
    X(MIDSTREAM, "tcplife.midstream", "Capture started mid-connection",                                 \
      FT_BOOLEAN, BASE_NONE, NULL, OWN, "The handshake of this connection was not captured")            \
    X(HALF_CLOSE, "tcplife.half_close", "Half-close",                                                   \
      FT_BOOLEAN, BASE_NONE, NULL, HALF_CLOSE,                                                          \
      "This segment carries payload from an endpoint whose peer has already sent FIN")                  \
    X(HALF_CLOSE_BYTES, "tcplife.half_close.bytes", "Bytes since the peer's FIN",                       \
      FT_UINT32, BASE_DEC, NULL, HALF_CLOSE,                                                            \
      "Payload bytes this endpoint has sent since the peer's FIN, this segment included")               \
    X(HALF_CLOSE_DURATION, "tcplife.half_close.duration", "Half-closed for",                            \
      FT_RELATIVE_TIME, BASE_NONE, NULL, HALF_CLOSE, "On the second FIN: time since the first FIN")     \
    X(HALF_CLOSE_FIN_FRAME, "tcplife.half_close.fin_frame", "Peer's FIN in frame",                      \
      FT_FRAMENUM, BASE_NONE, NULL, HALF_CLOSE, "The FIN that half-closed the connection")              \
    X(RST_KIND, "tcplife.rst.kind", "RST kind",                                                         \
      FT_STRING, BASE_NONE, NULL, RST,                                                                  \
      "refused, unread_data, data_after_close, abort, timeout, injected or stray")                      \
    X(RST_REASON, "tcplife.rst.reason", "Linux reason",                                                 \
      FT_STRING, BASE_NONE, NULL, RST,                                                                  \
      "The include/net/rstreason.h name that most likely produced this RST (NOT_SPECIFIED: the "        \
      "evidence does not decide)")                                                                      \
    X(KEEPALIVE, "tcplife.keepalive", "Keepalive",                                                      \
      FT_STRING, BASE_NONE, NULL, OWN, "probe (seq = SND.UNA - 1, 0 or 1 byte) or answer")              \
    X(KEEPALIVE_PROBE_FRAME, "tcplife.keepalive.probe_frame", "Answers keepalive probe in frame",       \
      FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), OWN,                                 \
      "The keepalive probe this ACK answers")                                                           \
    X(RST_FORGED_FRAME, "tcplife.rst.forged_frame", "Proves forged the RST in frame",                   \
      FT_FRAMENUM, BASE_NONE, NULL, OWN,                                                                \
      "This segment comes from the alleged sender of that RST, which therefore never reset the "        \
      "connection: the RST was most likely forged (its kind becomes injected)")                         \
    X(DUPLICATE, "tcplife.duplicate", "Duplicate of frame",                                             \
      FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_DUP_ACK), OWN,                                  \
      "This segment is a copy of that frame captured twice (same IP ID, seq, ack, flags, length, "      \
      "within a few ms): no state change, no retry")                                                    \
    X(CONN_ONE_SIDED, "tcplife.conn.one_sided", "One direction captured",                               \
      FT_BOOLEAN, BASE_NONE, NULL, OWN,                                                                 \
      "Only one direction of this connection was captured (asymmetric routing, a one-fibre tap): "      \
      "the other side is inferred (two passes only)")                                                   \
    X(HANDSHAKE_BACKOFF_STACKS, "tcplife.handshake.backoff_stacks", "Schedule fits",                    \
      FT_STRING, BASE_NONE, NULL, HANDSHAKE,                                                            \
      "The TCP stacks whose SYN / SYN-ACK retransmission schedule fits every retry so far")             \
    X(TIME_WAIT_RESTARTED, "tcplife.time_wait.restarted", "TIME_WAIT restarted",                        \
      FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, TIME_WAIT,                                             \
      "The latest re-ACK of a retransmitted FIN, which restarts TIME_WAIT")                             \
    X(RST_RULE, "tcplife.rst.rule", "Rule",                                                             \
      FT_STRING, BASE_NONE, NULL, RST, "The evidence the RST kind rests on")                            \
    X(RST_UNREAD_DATA, "tcplife.rst.unread_data", "RST instead of FIN (unread data)",                   \
      FT_BOOLEAN, BASE_NONE, NULL, RST,                                                                 \
      "The RST most likely replaced a FIN: the application closed with unread received data")           \
    X(RST_UNREAD_BYTES, "tcplife.rst.unread_bytes", "Unread input",                                     \
      FT_UINT32, BASE_DEC, NULL, RST,                                                                   \
      "Payload bytes the RST sender received and acknowledged after its own last payload")              \
    X(RST_UNACKED_BYTES, "tcplife.rst.unacked_bytes", "Unacknowledged data",                            \
      FT_UINT32, BASE_DEC, NULL, RST,                                                                   \
      "Payload bytes the RST receiver sent that the RST sender never acknowledged")                     \
    X(TIME_WAIT_HOLDER, "tcplife.time_wait.holder", "TIME_WAIT holder",                                 \
      FT_STRING, BASE_NONE, NULL, TIME_WAIT, "client, server or both")                                  \
    X(TIME_WAIT_START, "tcplife.time_wait.start", "TIME_WAIT since",                                    \
      FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, TIME_WAIT,                                             \
      "When the holder entered TIME_WAIT (the segment that ACKs the last FIN)")                         \
    X(TIME_WAIT_DURATION, "tcplife.time_wait.duration", "TIME_WAIT length",                             \
      FT_RELATIVE_TIME, BASE_NONE, NULL, TIME_WAIT, "2*MSL under the MSL profile preference")           \
    X(TIME_WAIT_EXPIRES, "tcplife.time_wait.expires", "TIME_WAIT until",                                \
      FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, TIME_WAIT,                                             \
      "start + duration, or the latest restart + duration")                                             \
    X(TIME_WAIT_LEFT, "tcplife.time_wait.left", "TIME_WAIT left",                                       \
      FT_RELATIVE_TIME, BASE_NONE, NULL, TIME_WAIT,                                                     \
      "Estimated TIME_WAIT left at this segment (negative: expired)")                                   \
    X(TIME_WAIT_REUSE, "tcplife.time_wait.reuse", "4-tuple reused in TIME_WAIT",                        \
      FT_BOOLEAN, BASE_NONE, NULL, TIME_WAIT,                                                           \
      "A SYN opening a new connection on a 4-tuple still inside the previous connection's estimated"    \
      " TIME_WAIT")                                                                                     \
    X(TIME_WAIT_PREV_STREAM, "tcplife.time_wait.prev_stream", "Previous connection",                    \
      FT_UINT32, BASE_DEC, NULL, TIME_WAIT,                                                             \
      "tcp.stream of the connection whose TIME_WAIT is cut short")                                      \
    X(TIME_WAIT_GAP, "tcplife.time_wait.gap", "Since its TIME_WAIT began",                              \
      FT_RELATIVE_TIME, BASE_NONE, NULL, TIME_WAIT,                                                     \
      "Time from the previous TIME_WAIT's start to this SYN")                                           \
    X(TIME_WAIT_ISN_HIGHER, "tcplife.time_wait.isn_higher", "ISN beyond the previous connection",       \
      FT_BOOLEAN, BASE_NONE, NULL, TIME_WAIT,                                                           \
      "The new ISN is after the sender's last sequence number in the previous connection (RFC 6191)")   \
    X(TIME_WAIT_TS_NEWER, "tcplife.time_wait.ts_newer", "Timestamp newer",                              \
      FT_BOOLEAN, BASE_NONE, NULL, TIME_WAIT,                                                           \
      "The SYN's TSval is newer than the sender's last in the previous connection (RFC 6191)")          \
    X(CONN_OUTCOME, "tcplife.conn.outcome", "Connection outcome",                                       \
      FT_STRING, BASE_NONE, NULL, ALWAYS,                                                               \
      "closed, reset, refused, half_open, syn_only or open (two passes only)")                          \
    X(CONN_DURATION, "tcplife.conn.duration", "Connection duration",                                    \
      FT_RELATIVE_TIME, BASE_NONE, NULL, OWN,                                                           \
      "First to last segment of this connection (two passes only)")                                     \
    X(CONN_ZEEK_STATE, "tcplife.conn.zeek_state", "Zeek conn_state",                                    \
      FT_STRING, BASE_NONE, NULL, OWN,                                                                  \
      "The connection's conn_state as Zeek's conn.log defines it (two passes only)")                    \
    X(CONN_HANDSHAKE, "tcplife.conn.handshake", "Handshake outcome",                                    \
      FT_STRING, BASE_NONE, NULL, ALWAYS,                                                               \
      "complete, half_open, refused, syn_only or midstream (two passes only)")                          \
    X(CONN_HISTORY, "tcplife.conn.history", "Zeek history",                                             \
      FT_STRING, BASE_NONE, NULL, OWN,                                                                  \
      "Zeek-style history letters: uppercase originator, lowercase responder (two passes only)")        \
    X(HANDSHAKE_ACK_NOT_TAKEN, "tcplife.handshake.ack_not_taken", "Handshake ACK not taken",            \
      FT_FRAMENUM, BASE_NONE, NULL, HANDSHAKE,                                                          \
      "The handshake ACK this SYN-ACK retransmission shows the server never took: lost after the "      \
      "capture point, or dropped because the accept queue was full (tcp_abort_on_overflow=0; =1 "       \
      "answers RST)")                                                                                   \
    X(TCPDUMP, "tcplife.tcpdump", "tcpdump",                                                            \
      FT_STRING, BASE_NONE, NULL, OWN,                                                                  \
      "The segment in tcpdump's notation, relative numbers as tcpdump prints them")                     \
    X(HANDSHAKE_BACKOFF_EXPECTED, "tcplife.handshake.backoff_expected", "Linux would wait",             \
      FT_RELATIVE_TIME, BASE_NONE, NULL, HANDSHAKE,                                                     \
      "Linux's exponential backoff for this retry: initial RTO 1 s, doubling")                          \
    X(HANDSHAKE_BACKOFF_VERDICT, "tcplife.handshake.backoff_verdict", "Backoff schedule",               \
      FT_STRING, BASE_NONE, NULL, HANDSHAKE,                                                            \
      "How the observed interval compares with Linux's retransmission schedule")                        \
    X(OPT_MSS_CLIENT, "tcplife.opt.mss_client", "Client MSS",                                           \
      FT_UINT16, BASE_DEC, NULL, OPTIONS, "MSS the client announced (536 when absent)")                 \
    X(OPT_MSS_SERVER, "tcplife.opt.mss_server", "Server MSS",                                           \
      FT_UINT16, BASE_DEC, NULL, OPTIONS, "MSS the server announced (536 when absent)")                 \
    X(OPT_WSCALE, "tcplife.opt.wscale", "Window scaling",                                               \
      FT_BOOLEAN, BASE_NONE, NULL, OPTIONS, "Both SYNs carried the window scale option")                \
    X(OPT_WSCALE_CLIENT, "tcplife.opt.wscale_client", "Client window shift",                            \
      FT_UINT8, BASE_DEC, NULL, OPTIONS, "The client's window scale shift count")                       \
    X(OPT_WSCALE_SERVER, "tcplife.opt.wscale_server", "Server window shift",                            \
      FT_UINT8, BASE_DEC, NULL, OPTIONS, "The server's window scale shift count")                       \
    X(OPT_SACK, "tcplife.opt.sack", "SACK permitted",                                                   \
      FT_BOOLEAN, BASE_NONE, NULL, OPTIONS, "Both SYNs carried SACK-permitted")                         \
    X(OPT_TS, "tcplife.opt.ts", "Timestamps",                                                           \
      FT_BOOLEAN, BASE_NONE, NULL, OPTIONS, "Both SYNs carried timestamps")                             \
    X(OPT_ECN, "tcplife.opt.ecn", "ECN",                                                                \
      FT_BOOLEAN, BASE_NONE, NULL, OPTIONS,                                                             \
      "ECN negotiated (RFC 3168: SYN with ECE+CWR, SYN-ACK with ECE only)")                             \
    X(OPT_TFO, "tcplife.opt.tfo", "TCP Fast Open",                                                      \
      FT_STRING, BASE_NONE, NULL, OPTIONS, "none, cookie_request, data_accepted or data_not_accepted")  \
    X(OPT_AUTH, "tcplife.opt.auth", "Segment authentication",                                           \
      FT_STRING, BASE_NONE, NULL, OPTIONS, "none, md5, ao, or mismatch (only one side signs)")          \
    X(ROLES_INFERRED, "tcplife.roles_inferred", "Roles inferred",                                       \
      FT_BOOLEAN, BASE_NONE, NULL, OWN,                                                                 \
      "No SYN seen: server = SYN-ACK sender, else the well-known or lower port")

typedef enum {
#define TCPLIFE_X_(id, abbrev, name, type, base, strings, group, blurb) TCPLIFE_HF_##id,
    TCPLIFE_FIELD_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_HF_COUNT
} tl_hf_t;

/* The subtrees, in registration order: the tree itself, then one per
 * subtree item. */
#define TCPLIFE_SUBTREE_MAP(X) \
    X(ROOT) X(HANDSHAKE) X(TEARDOWN) X(HALF_CLOSE) X(RST) X(TIME_WAIT) X(CONN) X(OPTIONS)

typedef enum {
#define TCPLIFE_X_(s) TCPLIFE_ETT_##s,
    TCPLIFE_SUBTREE_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    TCPLIFE_ETT_COUNT
} tl_ett_t;

/* The registered ids, -1 / EI_INIT until tl_fields_register(); read-only
 * everywhere else. One expert item per anomaly (TCPLIFE_ANOMALY_MAP; none for
 * TCPLIFE_ANOMALY_NONE), and one for layers too truncated to track. */
extern int          hf_tcplife[TCPLIFE_HF_COUNT];
extern gint         ett_tcplife[TCPLIFE_ETT_COUNT];
extern expert_field ei_tcplife[TCPLIFE_ANOMALY_COUNT];
extern expert_field ei_tcplife_untracked;
extern expert_field ei_tcplife_frames_lost;

/* Register the fields, subtrees and expert items of protocol proto, once,
 * from proto_register_tcplife() (through tl_tree_register()). */
void     tl_fields_register(int proto);

/* Whether the items of render group g will be read: the tree is visible,
 * or a filter, column or -e names a field of the group. tl_tree.c asks it
 * for the subtree groups, HANDSHAKE .. OPTIONS. */
gboolean tl_fields_group_named(proto_tree *tree, tl_render_group_t g);

#endif /* TCPLIFE_TL_FIELDS_H */
