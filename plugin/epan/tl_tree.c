/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_tree.c - a stored tl_result_t -> the "TCP Lifecycle" tree and its
 * expert items. Renders only: every decision was made by the core on the
 * first pass. Field names follow SPEC.md.
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/tap.h>
#include <wsutil/nstime.h>

#include "tl_glue.h"

static int proto_tl = -1;

static int hf_tcplife_stream = -1;
static int hf_tcplife_phase = -1;
static int hf_tcplife_sender = -1;
static int hf_tcplife_state_client = -1;
static int hf_tcplife_state_server = -1;
static int hf_tcplife_transition = -1;
static int hf_tcplife_api = -1;
static int hf_tcplife_handshake_step = -1;
static int hf_tcplife_handshake_ack_ok = -1;
static int hf_tcplife_handshake_retry = -1;
static int hf_tcplife_handshake_backoff = -1;
static int hf_tcplife_handshake_isn = -1;
static int hf_tcplife_handshake_peer_isn = -1;
static int hf_tcplife_handshake_syn_frame = -1;
static int hf_tcplife_prev_frame = -1;
static int hf_tcplife_teardown_step = -1;
static int hf_tcplife_teardown_kind = -1;
static int hf_tcplife_teardown_initiator = -1;
static int hf_tcplife_teardown_fin_frame = -1;
static int hf_tcplife_rst_answers = -1;
static int hf_tcplife_midstream = -1;
static int hf_tcplife_half_close = -1;
static int hf_tcplife_half_close_bytes = -1;
static int hf_tcplife_half_close_duration = -1;
static int hf_tcplife_half_close_fin_frame = -1;
static int hf_tcplife_rst_kind = -1;
static int hf_tcplife_rst_rule = -1;
static int hf_tcplife_rst_unread_data = -1;
static int hf_tcplife_rst_unread_bytes = -1;
static int hf_tcplife_rst_unacked_bytes = -1;
static int hf_tcplife_time_wait_holder = -1;
static int hf_tcplife_time_wait_start = -1;
static int hf_tcplife_time_wait_duration = -1;
static int hf_tcplife_time_wait_expires = -1;
static int hf_tcplife_time_wait_left = -1;
static int hf_tcplife_time_wait_reuse = -1;
static int hf_tcplife_time_wait_prev_stream = -1;
static int hf_tcplife_time_wait_gap = -1;
static int hf_tcplife_time_wait_isn_higher = -1;
static int hf_tcplife_time_wait_ts_newer = -1;
static int hf_tcplife_conn_outcome = -1;
static int hf_tcplife_conn_duration = -1;
static int hf_tcplife_conn_zeek_state = -1;
static int hf_tcplife_tcpdump = -1;
static int hf_tcplife_handshake_ack_not_taken = -1;
static int hf_tcplife_handshake_backoff_expected = -1;
static int hf_tcplife_handshake_backoff_verdict = -1;
#define TL_HF_TAB 256
static const header_field_info *hfi_tab[TL_HF_TAB];  /* our fields' registrations, by hf - hf_lo */
static int hf_lo = -1, hf_n;

static int hf_tcplife_opt_mss_client = -1;
static int hf_tcplife_opt_mss_server = -1;
static int hf_tcplife_opt_wscale = -1;
static int hf_tcplife_opt_wscale_client = -1;
static int hf_tcplife_opt_wscale_server = -1;
static int hf_tcplife_opt_sack = -1;
static int hf_tcplife_opt_ts = -1;
static int hf_tcplife_opt_ecn = -1;
static int hf_tcplife_opt_tfo = -1;
static int hf_tcplife_opt_auth = -1;
static int hf_tcplife_conn_history = -1;
static int hf_tcplife_conn_handshake = -1;
static int hf_tcplife_roles_inferred = -1;
static int hf_tcplife_rst_reason = -1;
static int hf_tcplife_keepalive = -1;
static int hf_tcplife_keepalive_probe = -1;
static int hf_tcplife_duplicate = -1;
static int hf_tcplife_rst_forged = -1;
static int hf_tcplife_conn_one_sided = -1;
static int hf_tcplife_handshake_backoff_stacks = -1;
static int hf_tcplife_time_wait_rearmed = -1;

static gint ett_tcplife = -1;
static gint ett_tcplife_handshake = -1;
static gint ett_tcplife_teardown = -1;
static gint ett_tcplife_half_close = -1;
static gint ett_tcplife_rst = -1;
static gint ett_tcplife_time_wait = -1;
static gint ett_tcplife_conn = -1;
static gint ett_tcplife_opt = -1;

static expert_field ei_tcplife[TL_ANOMALY_COUNT];
static expert_field ei_tcplife_untracked = EI_INIT;

static const char *const anomaly_abbrev[TL_ANOMALY_COUNT] = {
#define TL_X_(sym, sev, group, str) "tcplife.anomaly." #sym,
    TL_ANOMALY_MAP(TL_X_)
#undef TL_X_
};

static int
pi_severity(int sev)
{
    switch (sev) {
    case 3: return PI_ERROR;
    case 2: return PI_WARN;
    case 1: return PI_NOTE;
    default: return PI_CHAT;
    }
}

static int
pi_group(tl_anomaly_t a)
{
    return tl_anomaly_group(a) == TL_GROUP_SEQUENCE ? PI_SEQUENCE : PI_PROTOCOL;
}

void
tl_tree_register(int proto)
{
    static hf_register_info hf[] = {
        { &hf_tcplife_stream, { "Stream index", "tcplife.stream",
          FT_UINT32, BASE_DEC, NULL, 0x0, "tcp.stream of this TCP layer", HFILL } },
        { &hf_tcplife_phase, { "Phase", "tcplife.phase",
          FT_STRING, BASE_NONE, NULL, 0x0,
          "handshake, established, teardown, reset or closed, as of this segment", HFILL } },
        { &hf_tcplife_sender, { "Sender", "tcplife.sender",
          FT_STRING, BASE_NONE, NULL, 0x0, "client or server", HFILL } },
        { &hf_tcplife_state_client, { "Client state", "tcplife.state.client",
          FT_STRING, BASE_NONE, NULL, 0x0, "RFC 9293 state of the client after this segment", HFILL } },
        { &hf_tcplife_state_server, { "Server state", "tcplife.state.server",
          FT_STRING, BASE_NONE, NULL, 0x0, "RFC 9293 state of the server after this segment", HFILL } },
        { &hf_tcplife_transition, { "Transition", "tcplife.transition",
          FT_STRING, BASE_NONE, NULL, 0x0, "An endpoint's state change and why", HFILL } },
        { &hf_tcplife_api, { "Socket call", "tcplife.api",
          FT_STRING, BASE_NONE, NULL, 0x0, "The socket call this segment corresponds to", HFILL } },
        { &hf_tcplife_handshake_step, { "Handshake step", "tcplife.handshake.step",
          FT_UINT8, BASE_DEC, NULL, 0x0, "1 = SYN, 2 = SYN-ACK, 3 = ACK completing the handshake", HFILL } },
        { &hf_tcplife_handshake_ack_ok, { "Handshake ACK = peer ISN + 1", "tcplife.handshake.ack_ok",
          FT_BOOLEAN, BASE_NONE, NULL, 0x0, "On steps 2 and 3: the ack is exactly the peer's ISN+1", HFILL } },
        { &hf_tcplife_handshake_retry, { "Retransmission", "tcplife.handshake.retry",
          FT_UINT8, BASE_DEC, NULL, 0x0, "n-th retransmission of this SYN or SYN-ACK", HFILL } },
        { &hf_tcplife_handshake_backoff, { "Backoff", "tcplife.handshake.backoff",
          FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0, "Time since the previous transmission of the same step", HFILL } },
        { &hf_tcplife_handshake_isn, { "ISN", "tcplife.handshake.isn",
          FT_UINT32, BASE_DEC, NULL, 0x0, "Initial sequence number of this segment's sender", HFILL } },
        { &hf_tcplife_handshake_peer_isn, { "Peer ISN", "tcplife.handshake.peer_isn",
          FT_UINT32, BASE_DEC, NULL, 0x0, "Initial sequence number this segment acknowledges (+1)", HFILL } },
        { &hf_tcplife_handshake_syn_frame, { "Answers SYN in frame", "tcplife.handshake.syn_frame",
          FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
          "The SYN (step 2) or SYN-ACK (step 3) this segment acknowledges", HFILL } },
        { &hf_tcplife_prev_frame, { "Previous transmission in frame", "tcplife.prev_frame",
          FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RETRANS_PREV), 0x0,
          "Previous transmission of this SYN, SYN-ACK or FIN", HFILL } },
        { &hf_tcplife_teardown_step, { "Teardown step", "tcplife.teardown.step",
          FT_UINT8, BASE_DEC, NULL, 0x0, "Ordinal of this FIN or FIN-acknowledging segment", HFILL } },
        { &hf_tcplife_teardown_kind, { "Teardown kind", "tcplife.teardown.kind",
          FT_STRING, BASE_NONE, NULL, 0x0, "four-way, three-way or simultaneous", HFILL } },
        { &hf_tcplife_teardown_initiator, { "Teardown initiator", "tcplife.teardown.initiator",
          FT_STRING, BASE_NONE, NULL, 0x0, "Who sent the first FIN (active closer)", HFILL } },
        { &hf_tcplife_teardown_fin_frame, { "Acknowledges FIN in frame", "tcplife.teardown.fin_frame",
          FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_ACK), 0x0,
          "The FIN this segment acknowledges", HFILL } },
        { &hf_tcplife_rst_answers, { "RST answers frame", "tcplife.rst.answers",
          FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
          "The segment this RST answers", HFILL } },
        { &hf_tcplife_midstream, { "Capture started mid-connection", "tcplife.midstream",
          FT_BOOLEAN, BASE_NONE, NULL, 0x0, "The handshake of this connection was not captured", HFILL } },
        { &hf_tcplife_half_close, { "Half-close", "tcplife.half_close",
          FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "This segment carries payload from an endpoint whose peer has already sent FIN", HFILL } },
        { &hf_tcplife_half_close_bytes, { "Bytes since the peer's FIN", "tcplife.half_close.bytes",
          FT_UINT32, BASE_DEC, NULL, 0x0,
          "Payload bytes this endpoint has sent since the peer's FIN, this segment included", HFILL } },
        { &hf_tcplife_half_close_duration, { "Half-closed for", "tcplife.half_close.duration",
          FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "On the second FIN: time since the first FIN", HFILL } },
        { &hf_tcplife_half_close_fin_frame, { "Peer's FIN in frame", "tcplife.half_close.fin_frame",
          FT_FRAMENUM, BASE_NONE, NULL, 0x0, "The FIN that half-closed the connection", HFILL } },
        { &hf_tcplife_rst_kind, { "RST kind", "tcplife.rst.kind",
          FT_STRING, BASE_NONE, NULL, 0x0,
          "refused, unread_data, data_after_close, abort, timeout, injected or stray", HFILL } },
        { &hf_tcplife_rst_reason, { "Linux reason", "tcplife.rst.reason",
          FT_STRING, BASE_NONE, NULL, 0x0,
          "The include/net/rstreason.h name that most likely produced this RST (NOT_SPECIFIED: "
          "the evidence does not decide)", HFILL } },
        { &hf_tcplife_keepalive, { "Keepalive", "tcplife.keepalive",
          FT_STRING, BASE_NONE, NULL, 0x0,
          "probe (seq = SND.UNA - 1, 0 or 1 byte) or answer", HFILL } },
        { &hf_tcplife_keepalive_probe, { "Answers keepalive probe in frame", "tcplife.keepalive.probe_frame",
          FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
          "The keepalive probe this ACK answers", HFILL } },
        { &hf_tcplife_rst_forged, { "Proves forged the RST in frame", "tcplife.rst.forged_frame",
          FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          "This segment comes from the alleged sender of that RST, which therefore never reset "
          "the connection: the RST was most likely forged (its kind becomes injected)", HFILL } },
        { &hf_tcplife_duplicate, { "Duplicate of frame", "tcplife.duplicate",
          FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_DUP_ACK), 0x0,
          "This segment is a copy of that frame captured twice (same IP ID, seq, ack, flags, "
          "length, within a few ms): no state change, no retry", HFILL } },
        { &hf_tcplife_conn_one_sided, { "One direction captured", "tcplife.conn.one_sided",
          FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "Only one direction of this connection was captured (asymmetric routing, a one-fibre "
          "tap): the other side is inferred (two passes only)", HFILL } },
        { &hf_tcplife_handshake_backoff_stacks, { "Schedule fits", "tcplife.handshake.backoff_stacks",
          FT_STRING, BASE_NONE, NULL, 0x0,
          "The TCP stacks whose SYN / SYN-ACK retransmission schedule fits every retry so far", HFILL } },
        { &hf_tcplife_time_wait_rearmed, { "TIME_WAIT restarted", "tcplife.time_wait.restarted",
          FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
          "The latest re-ACK of a retransmitted FIN, which restarts TIME_WAIT", HFILL } },
        { &hf_tcplife_rst_rule, { "Rule", "tcplife.rst.rule",
          FT_STRING, BASE_NONE, NULL, 0x0, "The evidence the RST kind rests on", HFILL } },
        { &hf_tcplife_rst_unread_data, { "RST instead of FIN (unread data)", "tcplife.rst.unread_data",
          FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "The RST most likely replaced a FIN: the application closed with unread received data", HFILL } },
        { &hf_tcplife_rst_unread_bytes, { "Unread input", "tcplife.rst.unread_bytes",
          FT_UINT32, BASE_DEC, NULL, 0x0,
          "Payload bytes the RST sender received and acknowledged after its own last payload", HFILL } },
        { &hf_tcplife_rst_unacked_bytes, { "Unacknowledged data", "tcplife.rst.unacked_bytes",
          FT_UINT32, BASE_DEC, NULL, 0x0,
          "Payload bytes the RST receiver sent that the RST sender never acknowledged", HFILL } },
        { &hf_tcplife_time_wait_holder, { "TIME_WAIT holder", "tcplife.time_wait.holder",
          FT_STRING, BASE_NONE, NULL, 0x0, "client, server or both", HFILL } },
        { &hf_tcplife_time_wait_start, { "TIME_WAIT since", "tcplife.time_wait.start",
          FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
          "When the holder entered TIME_WAIT (the segment that ACKs the last FIN)", HFILL } },
        { &hf_tcplife_time_wait_duration, { "TIME_WAIT length", "tcplife.time_wait.duration",
          FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0, "2*MSL under the MSL profile preference", HFILL } },
        { &hf_tcplife_time_wait_expires, { "TIME_WAIT until", "tcplife.time_wait.expires",
          FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
          "start + duration, or the latest restart + duration", HFILL } },
        { &hf_tcplife_time_wait_left, { "TIME_WAIT left", "tcplife.time_wait.left",
          FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "Estimated TIME_WAIT left at this segment (negative: expired)", HFILL } },
        { &hf_tcplife_time_wait_reuse, { "4-tuple reused in TIME_WAIT", "tcplife.time_wait.reuse",
          FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "A SYN opening a new connection on a 4-tuple still inside the previous connection's estimated TIME_WAIT", HFILL } },
        { &hf_tcplife_time_wait_prev_stream, { "Previous connection", "tcplife.time_wait.prev_stream",
          FT_UINT32, BASE_DEC, NULL, 0x0, "tcp.stream of the connection whose TIME_WAIT is cut short", HFILL } },
        { &hf_tcplife_time_wait_gap, { "Since its TIME_WAIT began", "tcplife.time_wait.gap",
          FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0, "Time from the previous TIME_WAIT's start to this SYN", HFILL } },
        { &hf_tcplife_time_wait_isn_higher, { "ISN beyond the previous connection", "tcplife.time_wait.isn_higher",
          FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "The new ISN is after the sender's last sequence number in the previous connection (RFC 6191)", HFILL } },
        { &hf_tcplife_time_wait_ts_newer, { "Timestamp newer", "tcplife.time_wait.ts_newer",
          FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "The SYN's TSval is newer than the sender's last in the previous connection (RFC 6191)", HFILL } },
        { &hf_tcplife_conn_outcome, { "Connection outcome", "tcplife.conn.outcome",
          FT_STRING, BASE_NONE, NULL, 0x0,
          "closed, reset, refused, half_open, syn_only or open (two passes only)", HFILL } },
        { &hf_tcplife_conn_duration, { "Connection duration", "tcplife.conn.duration",
          FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "First to last segment of this connection (two passes only)", HFILL } },
        { &hf_tcplife_conn_zeek_state, { "Zeek conn_state", "tcplife.conn.zeek_state",
          FT_STRING, BASE_NONE, NULL, 0x0,
          "The connection's conn_state as Zeek's conn.log defines it (two passes only)", HFILL } },
        { &hf_tcplife_conn_handshake, { "Handshake outcome", "tcplife.conn.handshake",
          FT_STRING, BASE_NONE, NULL, 0x0,
          "complete, half_open, refused, syn_only or midstream (two passes only)", HFILL } },
        { &hf_tcplife_conn_history, { "Zeek history", "tcplife.conn.history",
          FT_STRING, BASE_NONE, NULL, 0x0,
          "Zeek-style history letters: uppercase originator, lowercase responder (two passes only)", HFILL } },
        { &hf_tcplife_handshake_ack_not_taken, { "Handshake ACK not taken", "tcplife.handshake.ack_not_taken",
          FT_FRAMENUM, BASE_NONE, NULL, 0x0,
          "The handshake ACK this SYN-ACK retransmission shows the server never took: lost after the "
          "capture point, or dropped because the accept queue was full (tcp_abort_on_overflow=0; =1 answers RST)", HFILL } },
        { &hf_tcplife_tcpdump, { "tcpdump", "tcplife.tcpdump",
          FT_STRING, BASE_NONE, NULL, 0x0,
          "The segment in tcpdump's notation, relative numbers as tcpdump prints them", HFILL } },
        { &hf_tcplife_handshake_backoff_expected, { "Linux would wait", "tcplife.handshake.backoff_expected",
          FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "Linux's exponential backoff for this retry: initial RTO 1 s, doubling", HFILL } },
        { &hf_tcplife_handshake_backoff_verdict, { "Backoff schedule", "tcplife.handshake.backoff_verdict",
          FT_STRING, BASE_NONE, NULL, 0x0,
          "How the observed interval compares with Linux's retransmission schedule", HFILL } },
        { &hf_tcplife_opt_mss_client, { "Client MSS", "tcplife.opt.mss_client",
          FT_UINT16, BASE_DEC, NULL, 0x0, "MSS the client announced (536 when absent)", HFILL } },
        { &hf_tcplife_opt_mss_server, { "Server MSS", "tcplife.opt.mss_server",
          FT_UINT16, BASE_DEC, NULL, 0x0, "MSS the server announced (536 when absent)", HFILL } },
        { &hf_tcplife_opt_wscale, { "Window scaling", "tcplife.opt.wscale",
          FT_BOOLEAN, BASE_NONE, NULL, 0x0, "Both SYNs carried the window scale option", HFILL } },
        { &hf_tcplife_opt_wscale_client, { "Client window shift", "tcplife.opt.wscale_client",
          FT_UINT8, BASE_DEC, NULL, 0x0, "The client's window scale shift count", HFILL } },
        { &hf_tcplife_opt_wscale_server, { "Server window shift", "tcplife.opt.wscale_server",
          FT_UINT8, BASE_DEC, NULL, 0x0, "The server's window scale shift count", HFILL } },
        { &hf_tcplife_opt_sack, { "SACK permitted", "tcplife.opt.sack",
          FT_BOOLEAN, BASE_NONE, NULL, 0x0, "Both SYNs carried SACK-permitted", HFILL } },
        { &hf_tcplife_opt_ts, { "Timestamps", "tcplife.opt.ts",
          FT_BOOLEAN, BASE_NONE, NULL, 0x0, "Both SYNs carried timestamps", HFILL } },
        { &hf_tcplife_opt_ecn, { "ECN", "tcplife.opt.ecn",
          FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "ECN negotiated (RFC 3168: SYN with ECE+CWR, SYN-ACK with ECE only)", HFILL } },
        { &hf_tcplife_opt_tfo, { "TCP Fast Open", "tcplife.opt.tfo",
          FT_STRING, BASE_NONE, NULL, 0x0,
          "none, cookie_request, data_accepted or data_not_accepted", HFILL } },
        { &hf_tcplife_opt_auth, { "Segment authentication", "tcplife.opt.auth",
          FT_STRING, BASE_NONE, NULL, 0x0, "none, md5, ao, or mismatch (only one side signs)", HFILL } },
        { &hf_tcplife_roles_inferred, { "Roles inferred", "tcplife.roles_inferred",
          FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "No SYN seen: server = SYN-ACK sender, else the well-known or lower port", HFILL } },
    };
    static gint *ett[] = { &ett_tcplife, &ett_tcplife_handshake, &ett_tcplife_teardown,
                           &ett_tcplife_half_close, &ett_tcplife_rst, &ett_tcplife_time_wait,
                           &ett_tcplife_conn, &ett_tcplife_opt };
    static ei_register_info ei[TL_ANOMALY_COUNT - 1];
    /* epan keeps the name pointers until exit and never frees them:
     * static storage, not g_ascii_strdown() (29 blocks definitely lost). */
    static char ei_names[TL_ANOMALY_COUNT][64];
    expert_module_t *expert;

    proto_tl = proto;
    proto_register_field_array(proto, hf, array_length(hf));
    /* named() reads ref_type for every candidate item: keep the
     * registrations at hand (epan numbers one array's fields in a row). */
    hf_lo = *hf[0].p_id;
    hf_n = (int)array_length(hf);
    for (int i = 0; i < hf_n; i++) {
        if (hf_n > TL_HF_TAB || *hf[i].p_id != hf_lo + i) {
            hf_lo = -1;
            hf_n = 0;
            break;
        }
        hfi_tab[i] = proto_registrar_get_nth((guint)*hf[i].p_id);
    }
    proto_register_subtree_array(ett, array_length(ett));

    /* One expert item per anomaly, expanded from TL_ANOMALY_MAP. */
    for (int a = 1; a < TL_ANOMALY_COUNT; a++) {
        ei_register_info *e = &ei[a - 1];
        e->ids = &ei_tcplife[a];
        g_strlcpy(ei_names[a], anomaly_abbrev[a], sizeof ei_names[a]);
        for (char *p = ei_names[a]; *p; p++)
            *p = g_ascii_tolower(*p);
        e->eiinfo.name = ei_names[a];
        e->eiinfo.group = pi_group((tl_anomaly_t)a);
        e->eiinfo.severity = pi_severity(tl_anomaly_severity((tl_anomaly_t)a));
        e->eiinfo.summary = tl_anomaly_text((tl_anomaly_t)a);
        ei_tcplife[a].ei = EI_INIT_EI;
        ei_tcplife[a].hf = EI_INIT_HF;
    }
    expert = expert_register_protocol(proto);
    expert_register_field_array(expert, ei, array_length(ei));
    {
        static ei_register_info ei_glue[] = {
            { &ei_tcplife_untracked, { "tcplife.untracked", PI_MALFORMED, PI_WARN,
              "TCP header truncated or malformed, or its IP header not found: segment not "
              "tracked, the connection's states may miss it", EXPFILL } },
        };
        expert_register_field_array(expert, ei_glue, array_length(ei_glue));
    }
}

static const char *
role(guint8 r)
{
    return tl_role_name((tl_role_t)r);
}

static const char *
state(guint8 s)
{
    return tl_state_name((tl_state_t)s);
}

static const char *
check(gboolean ok)
{
    return ok ? "\xe2\x9c\x93" : "\xe2\x9c\x97";   /* ✓ / ✗ */
}

/* The one-line summary: what this segment is, the proof, both states. */
static const char *
summary(wmem_allocator_t *pool, const tl_result_t *r)
{
    const char *what;
    const char *who = role(r->sender);
    guint8 td_total = r->td_kind == TL_TEARDOWN_THREE_WAY ? 3 : 4;

    switch ((tl_phase_t)r->phase) {
    case TL_PHASE_HANDSHAKE:
        if (r->hs_step == 1 && r->hs_retry)
            what = wmem_strdup_printf(pool, "Handshake 1/3: SYN retransmission %u, %.3f s after the previous",
                                      r->hs_retry, (double)r->hs_backoff_ns / 1e9);
        else if (r->hs_step == 1)
            what = wmem_strdup_printf(pool, "Handshake 1/3: SYN, ISN j=%u", r->isn);
        else if (r->hs_step == 2 && r->hs_retry)
            what = wmem_strdup_printf(pool, "Handshake 2/3: SYN-ACK retransmission %u, %.3f s after the previous",
                                      r->hs_retry, (double)r->hs_backoff_ns / 1e9);
        else if (r->hs_step == 2)
            what = wmem_strdup_printf(pool, "Handshake 2/3: SYN-ACK, ISN k=%u, ack = j+1 %s",
                                      r->isn, r->hs_ack_checked ? check(r->hs_ack_ok) : "(SYN not captured)");
        else if (r->hs_step == 3)
            what = wmem_strdup_printf(pool, "Handshake 3/3: ACK, ack = k+1 %s", check(r->hs_ack_ok));
        else
            what = wmem_strdup_printf(pool, "Handshake: %s segment before both sides are synchronized", who);
        break;
    case TL_PHASE_ESTABLISHED:
        if (r->dup_of)
            what = wmem_strdup_printf(pool, "Established: copy of frame %u (captured twice)", r->dup_of);
        else if (r->keepalive == TL_KA_PROBE)
            what = wmem_strdup_printf(pool, "Established: keepalive probe from %s", who);
        else if (r->keepalive == TL_KA_ANSWER)
            what = wmem_strdup_printf(pool, "Established: %s answers the keepalive probe in frame %u", who, r->rel_ka);
        else if (r->len)
            what = wmem_strdup_printf(pool, "Established: %s sends %u bytes", who, r->len);
        else
            what = wmem_strdup_printf(pool, "Established: ACK from %s", who);
        break;
    case TL_PHASE_TEARDOWN: {
        const char *step;
        const char *kind = r->td_kind ? tl_teardown_name((tl_teardown_t)r->td_kind) : NULL;
        gboolean fin = (r->flags & TL_F_FIN) && !r->fin_retrans;

        if (fin && r->rel_fin)
            step = wmem_strdup_printf(pool, "FIN from %s, acknowledging the peer's FIN", who);
        else if (fin)
            step = wmem_strdup_printf(pool, "FIN from %s", who);
        else if (r->rel_fin)
            step = wmem_strdup_printf(pool, "%s acknowledges the peer's FIN", who);
        else if (r->fin_retrans)
            step = wmem_strdup_printf(pool, "FIN from %s retransmitted", who);
        else if (r->len)
            step = wmem_strdup_printf(pool, "%s sends %u bytes", who, r->len);
        else
            step = wmem_strdup_printf(pool, "ACK from %s", who);
        if (r->td_step && kind)
            what = wmem_strdup_printf(pool, "Teardown %u/%u (%s, %s closed first): %s", r->td_step,
                                      td_total, kind, role(r->td_initiator), step);
        else if (r->td_step)
            what = wmem_strdup_printf(pool, "Teardown %u (%s closed first): %s", r->td_step,
                                      role(r->td_initiator), step);
        else
            what = wmem_strdup_printf(pool, "Teardown (%s closed first): %s", role(r->td_initiator), step);
        break;
    }
    case TL_PHASE_RESET:
        switch ((tl_rst_kind_t)r->rst_kind) {
        case TL_RST_REFUSED:
            what = wmem_strdup_printf(pool, "Reset: RST from %s answers the SYN in frame %u: connection refused",
                                      who, r->rel_rst);
            break;
        case TL_RST_UNREAD_DATA:
            what = wmem_strdup_printf(pool, "Reset: RST from %s instead of FIN: closed with %u unread bytes",
                                      who, r->rst_unread_bytes);
            break;
        case TL_RST_DATA_AFTER_CLOSE:
            what = wmem_strdup_printf(pool, "Reset: RST from %s answers data sent after its FIN (frame %u): data discarded",
                                      who, r->rel_rst);
            break;
        case TL_RST_ABORT:
            what = wmem_strdup_printf(pool, "Reset: RST from %s aborts the connection", who);
            break;
        case TL_RST_TIMEOUT:
            what = wmem_strdup_printf(pool, "Reset: RST from %s, %s", who,
                                      r->rst_rule == TL_RULE_KEEPALIVE ? "keepalive gave up"
                                                                       : "idle timeout");
            break;
        case TL_RST_INJECTED:
            what = wmem_strdup_printf(pool, "Reset: RST claiming to be from %s, most likely forged", who);
            break;
        default:
            what = wmem_strdup_printf(pool, "Reset: stray RST from %s, no live connection (%s)", who,
                                      tl_rst_reason_name((tl_rst_reason_t)r->rst_reason));
            break;
        }
        if (r->rst_unacked_bytes)
            what = wmem_strdup_printf(pool, "%s; %u bytes unacknowledged, lost", what, r->rst_unacked_bytes);
        break;
    case TL_PHASE_CLOSED:
        what = wmem_strdup_printf(pool, "Closed: %s segment after the connection ended", who);
        break;
    default:
        what = "?";
        break;
    }
    return wmem_strdup_printf(pool, "%s \xe2\x80\x94 client %s, server %s", what,
                              state(r->state[TL_ROLE_CLIENT]), state(r->state[TL_ROLE_SERVER]));
}

static nstime_t
ns_rel(gint64 ns)
{
    nstime_t t;
    t.secs = (time_t)(ns / 1000000000);
    t.nsecs = (int)(ns % 1000000000);
    return t;
}

static proto_item *
gen(proto_item *ti)
{
    proto_item_set_generated(ti);
    return ti;
}

/*
 * A tree nobody sees (a filter, -T fields or -z run) keeps only the items a
 * filter, column or -e names; epan fakes the rest, but only after the call
 * and its arguments were made. Leaves and groups nobody names are skipped
 * here instead. (Items with children are always added: a named child hangs
 * on its faked parent.)
 */
/* proto_field_is_referenced(), with the field's registration looked up
 * once instead of on every packet. */
static inline gboolean
referenced(proto_tree *tree, const header_field_info *hfi)
{
    return PTREE_DATA(tree)->visible
        || (hfi && (hfi->ref_type != HF_REF_TYPE_NONE
                    || (hfi->type == FT_PROTOCOL && !PTREE_DATA(tree)->fake_protocols)));
}

static const header_field_info *
hfi_of(int id)
{
    return id > 0 ? proto_registrar_get_nth((guint)id) : NULL;
}

/* A field of ours, by the registration table when it is in it. */
static gboolean
named(proto_tree *t, int hf)
{
    return referenced(t, hf >= hf_lo && hf < hf_lo + hf_n ? hfi_tab[hf - hf_lo] : hfi_of(hf));
}

static gboolean
group_named(proto_tree *t, const int *const *hfs)
{
    if (PTREE_DATA(t)->visible)
        return TRUE;
    for (; *hfs; hfs++)
        if (named(t, **hfs))
            return TRUE;
    return FALSE;
}

#define LEAF(t, hf, add) do { if (named((t), (hf))) gen(add); } while (0)

/* Groups rendered whole when any of their fields is named. */
static const int *const hs_group[] = {
    &hf_tcplife_handshake_step, &hf_tcplife_handshake_isn, &hf_tcplife_handshake_peer_isn,
    &hf_tcplife_handshake_ack_ok, &hf_tcplife_handshake_syn_frame,
    &hf_tcplife_handshake_ack_not_taken, &hf_tcplife_handshake_retry,
    &hf_tcplife_handshake_backoff, &hf_tcplife_handshake_backoff_expected,
    &hf_tcplife_handshake_backoff_verdict, &hf_tcplife_handshake_backoff_stacks, NULL
};
static const int *const td_group[] = {
    &hf_tcplife_teardown_step, &hf_tcplife_teardown_kind, &hf_tcplife_teardown_initiator,
    &hf_tcplife_teardown_fin_frame, NULL
};
static const int *const hc_group[] = {
    &hf_tcplife_half_close, &hf_tcplife_half_close_bytes, &hf_tcplife_half_close_fin_frame,
    &hf_tcplife_half_close_duration, NULL
};
static const int *const rst_group[] = {
    &hf_tcplife_rst_kind, &hf_tcplife_rst_rule, &hf_tcplife_rst_answers, &hf_tcplife_rst_reason,
    &hf_tcplife_rst_unread_data, &hf_tcplife_rst_unread_bytes, &hf_tcplife_rst_unacked_bytes, NULL
};
static const int *const tw_group[] = {
    &hf_tcplife_time_wait_holder, &hf_tcplife_time_wait_start, &hf_tcplife_time_wait_duration,
    &hf_tcplife_time_wait_expires, &hf_tcplife_time_wait_left, &hf_tcplife_time_wait_reuse,
    &hf_tcplife_time_wait_rearmed,
    &hf_tcplife_time_wait_prev_stream, &hf_tcplife_time_wait_gap,
    &hf_tcplife_time_wait_isn_higher, &hf_tcplife_time_wait_ts_newer, NULL
};

/* The stacks whose retransmission schedule fits, in words. */
static const char *
stacks_text(wmem_allocator_t *pool, guint8 mask)
{
    wmem_strbuf_t *b = wmem_strbuf_new(pool, "");

    for (int i = 0; i < TL_STACK_COUNT; i++) {
        if (!(mask & (1u << i)))
            continue;
        if (wmem_strbuf_get_len(b))
            wmem_strbuf_append(b, "; ");
        wmem_strbuf_append(b, tl_stack_name((tl_stack_t)i));
    }
    return wmem_strbuf_get_len(b) ? wmem_strbuf_get_str(b)
                                  : "no known stack (custom RTO, or losses before the capture point)";
}

static void
add_transition(proto_tree *tree, tvbuff_t *tvb, const tl_result_t *r, tl_role_t who, guint8 label)
{
    if (label == TL_LABEL_NONE)
        return;
    gen(proto_tree_add_string_format_value(tree, hf_tcplife_transition, tvb, 0, 0,
        tl_label_text((tl_label_t)label), "%s %s \xe2\x86\x92 %s (%s)", role(who),
        state(r->prev_state[who]), state(r->state[who]), tl_label_text((tl_label_t)label)));
}

/* What both SYNs negotiated (SPEC: on steps 2 and 3 and whenever both SYNs
 * are known). SYN options never change after the first transmission, so
 * the connection's record gives the same answer on every pass. */
static void
render_options(proto_tree *t, tvbuff_t *tvb, const tl_layer_result_t *lr)
{
    tl_negotiated_t n;
    proto_item *ti;
    proto_tree *st;

    static const int *const group[] = {
        &hf_tcplife_opt_mss_client, &hf_tcplife_opt_mss_server, &hf_tcplife_opt_wscale,
        &hf_tcplife_opt_wscale_client, &hf_tcplife_opt_wscale_server, &hf_tcplife_opt_sack,
        &hf_tcplife_opt_ts, &hf_tcplife_opt_ecn, &hf_tcplife_opt_tfo, &hf_tcplife_opt_auth, NULL
    };

    if (!lr->r.opts_known || !group_named(t, group))
        return;
    tl_conn_negotiated(&lr->rec->conn, &n);
    st = proto_tree_add_subtree_format(t, tvb, 0, 0, ett_tcplife_opt, &ti,
        "Negotiated options: MSS %u/%u, window scaling %s, SACK %s, timestamps %s, ECN %s",
        n.mss[TL_ROLE_CLIENT], n.mss[TL_ROLE_SERVER], n.wscale ? "on" : "off",
        n.sack ? "on" : "off", n.ts ? "on" : "off", n.ecn ? "on" : "off");
    gen(ti);
    gen(proto_tree_add_uint_format_value(st, hf_tcplife_opt_mss_client, tvb, 0, 0,
        n.mss[TL_ROLE_CLIENT], "%u%s", n.mss[TL_ROLE_CLIENT],
        n.mss_default[TL_ROLE_CLIENT] ? " (option absent: default)" : ""));
    gen(proto_tree_add_uint_format_value(st, hf_tcplife_opt_mss_server, tvb, 0, 0,
        n.mss[TL_ROLE_SERVER], "%u%s", n.mss[TL_ROLE_SERVER],
        n.mss_default[TL_ROLE_SERVER] ? " (option absent: default)" : ""));
    gen(proto_tree_add_boolean(st, hf_tcplife_opt_wscale, tvb, 0, 0, n.wscale));
    if (n.wscale) {
        gen(proto_tree_add_uint(st, hf_tcplife_opt_wscale_client, tvb, 0, 0, n.wscale_shift[TL_ROLE_CLIENT]));
        gen(proto_tree_add_uint(st, hf_tcplife_opt_wscale_server, tvb, 0, 0, n.wscale_shift[TL_ROLE_SERVER]));
    }
    gen(proto_tree_add_boolean(st, hf_tcplife_opt_sack, tvb, 0, 0, n.sack));
    gen(proto_tree_add_boolean(st, hf_tcplife_opt_ts, tvb, 0, 0, n.ts));
    gen(proto_tree_add_boolean(st, hf_tcplife_opt_ecn, tvb, 0, 0, n.ecn));
    gen(proto_tree_add_string(st, hf_tcplife_opt_tfo, tvb, 0, 0, tl_tfo_name(n.tfo)));
    gen(proto_tree_add_string(st, hf_tcplife_opt_auth, tvb, 0, 0, tl_auth_name(n.auth)));
}

static void
render_half_close(proto_tree *t, tvbuff_t *tvb, const tl_result_t *r)
{
    tl_role_t snd = (tl_role_t)r->sender, peer = tl_peer(snd);
    proto_item *ti;
    proto_tree *st;

    if (r->half_close) {
        ti = gen(proto_tree_add_boolean_format_value(t, hf_tcplife_half_close, tvb, 0, 0, TRUE,
            "True (%s closed its direction: shutdown(SHUT_WR) or close(); %s \xe2\x86\x92 %s still open)",
            role(peer), role(snd), role(peer)));
        st = proto_item_add_subtree(ti, ett_tcplife_half_close);
        gen(proto_tree_add_uint(st, hf_tcplife_half_close_bytes, tvb, 0, 0, r->hc_bytes));
        if (r->hc_fin_frame)
            gen(proto_tree_add_uint(st, hf_tcplife_half_close_fin_frame, tvb, 0, 0, r->hc_fin_frame));
    }
    if (r->hc_duration_valid) {
        nstime_t d = ns_rel(r->hc_duration_ns);
        gen(proto_tree_add_time(t, hf_tcplife_half_close_duration, tvb, 0, 0, &d));
    }
}

static void
render_rst(proto_tree *t, tvbuff_t *tvb, const tl_result_t *r)
{
    proto_item *ti;
    proto_tree *st;

    if (r->rst_kind == TL_RST_NONE)
        return;
    ti = gen(proto_tree_add_string(t, hf_tcplife_rst_kind, tvb, 0, 0,
                                   tl_rst_kind_name((tl_rst_kind_t)r->rst_kind)));
    st = proto_item_add_subtree(ti, ett_tcplife_rst);
    gen(proto_tree_add_string(st, hf_tcplife_rst_reason, tvb, 0, 0,
                              tl_rst_reason_name((tl_rst_reason_t)r->rst_reason)));
    gen(proto_tree_add_string(st, hf_tcplife_rst_rule, tvb, 0, 0,
                              tl_rst_rule_text((tl_rst_rule_t)r->rst_rule)));
    if (r->rel_rst)
        gen(proto_tree_add_uint(st, hf_tcplife_rst_answers, tvb, 0, 0, r->rel_rst));
    if (r->rst_kind == TL_RST_REFUSED)
        return;
    if (r->rst_kind == TL_RST_STRAY) {
        if (r->rst_unacked_bytes)
            gen(proto_tree_add_uint_format_value(st, hf_tcplife_rst_unacked_bytes, tvb, 0, 0,
                r->rst_unacked_bytes, "%u (lost with the connection)", r->rst_unacked_bytes));
        return;
    }
    /* Present only when true, so that -Y tcplife.rst.unread_data selects them. */
    if (tl_result_unread_data(r))
        gen(proto_tree_add_boolean(st, hf_tcplife_rst_unread_data, tvb, 0, 0, TRUE));
    gen(proto_tree_add_uint(st, hf_tcplife_rst_unread_bytes, tvb, 0, 0, r->rst_unread_bytes));
    gen(proto_tree_add_uint_format_value(st, hf_tcplife_rst_unacked_bytes, tvb, 0, 0,
        r->rst_unacked_bytes, "%u%s", r->rst_unacked_bytes,
        r->rst_unacked_bytes ? " (lost with the connection)" : ""));
}

static void
render_time_wait(proto_tree *t, tvbuff_t *tvb, const tl_layer_result_t *lr)
{
    const tl_result_t *r = &lr->r;
    proto_item *ti;
    proto_tree *st;
    nstime_t start, dur, expires, left, gap;

    if (r->tw_holder != TL_TW_NONE) {
        start = ns_rel(r->tw_start_ns);
        dur = ns_rel(r->tw_duration_ns);
        expires = ns_rel((r->tw_rearmed_ns ? r->tw_rearmed_ns : r->tw_start_ns) + r->tw_duration_ns);
        left = ns_rel(r->tw_left_ns);
        ti = gen(proto_tree_add_string(t, hf_tcplife_time_wait_holder, tvb, 0, 0,
                                       tl_tw_holder_name((tl_tw_holder_t)r->tw_holder)));
        st = proto_item_add_subtree(ti, ett_tcplife_time_wait);
        gen(proto_tree_add_time(st, hf_tcplife_time_wait_start, tvb, 0, 0, &start));
        gen(proto_tree_add_time(st, hf_tcplife_time_wait_duration, tvb, 0, 0, &dur));
        if (r->tw_rearmed_ns) {
            nstime_t re = ns_rel(r->tw_rearmed_ns);
            gen(proto_tree_add_time(st, hf_tcplife_time_wait_rearmed, tvb, 0, 0, &re));
        }
        gen(proto_tree_add_time(st, hf_tcplife_time_wait_expires, tvb, 0, 0, &expires));
        gen(proto_tree_add_time(st, hf_tcplife_time_wait_left, tvb, 0, 0, &left));
    }
    if (r->tw_reuse) {
        gap = ns_rel(r->tw_reuse_gap_ns);
        left = ns_rel(r->tw_reuse_left_ns);
        ti = gen(proto_tree_add_boolean_format_value(t, hf_tcplife_time_wait_reuse, tvb, 0, 0, TRUE,
            "True (stream %u's TIME_WAIT had %.3f s left)", lr->prev_stream,
            (double)r->tw_reuse_left_ns / 1e9));
        st = proto_item_add_subtree(ti, ett_tcplife_time_wait);
        gen(proto_tree_add_uint(st, hf_tcplife_time_wait_prev_stream, tvb, 0, 0, lr->prev_stream));
        gen(proto_tree_add_time(st, hf_tcplife_time_wait_gap, tvb, 0, 0, &gap));
        gen(proto_tree_add_boolean(st, hf_tcplife_time_wait_isn_higher, tvb, 0, 0, r->tw_reuse_isn_higher));
        if (r->tw_reuse_ts_known)
            gen(proto_tree_add_boolean(st, hf_tcplife_time_wait_ts_newer, tvb, 0, 0, r->tw_reuse_ts_newer));
    }
}

/* Whole-connection fields: the connection's final state, known on a later
 * pass only (the GUI, tshark -2). */
static void
render_conn(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo, const tl_conn_rec_t *rec,
            gboolean experts)
{
    const tl_conn_t *conn = &rec->conn;
    nstime_t d = ns_rel(conn->last_time_ns - conn->first_time_ns);
    proto_item *ti;
    proto_tree *st;

    ti = gen(proto_tree_add_string(t, hf_tcplife_conn_outcome, tvb, 0, 0,
                                   tl_outcome_name(tl_conn_outcome(conn))));
    st = proto_item_add_subtree(ti, ett_tcplife_conn);
    LEAF(st, hf_tcplife_conn_duration, proto_tree_add_time(st, hf_tcplife_conn_duration, tvb, 0, 0, &d));
    {
        tl_hs_outcome_t hs = tl_conn_handshake_outcome(conn);
        proto_item *hi = gen(proto_tree_add_string(st, hf_tcplife_conn_handshake, tvb, 0, 0,
                                                   tl_hs_outcome_name(hs)));
        /* Known only once every frame was seen: the expert item sits in this
         * two-pass subtree, on every segment of the connection. */
        tl_anomaly_t a = hs == TL_HS_HALF_OPEN ? TL_ANOMALY_HANDSHAKE_HALF_OPEN
                       : hs == TL_HS_SYN_ONLY ? TL_ANOMALY_HANDSHAKE_SYN_ONLY : TL_ANOMALY_COUNT;

        if (a != TL_ANOMALY_COUNT && (experts || named(t, ei_tcplife[a].hf)))
            expert_add_info(pinfo, hi, &ei_tcplife[a]);
    }
    if (tl_conn_one_sided(conn))
        LEAF(st, hf_tcplife_conn_one_sided, proto_tree_add_boolean_format_value(st,
            hf_tcplife_conn_one_sided, tvb, 0, 0, TRUE,
            "True (only one direction captured: the other side's states are inferred from what this one acknowledges)"));
    LEAF(st, hf_tcplife_conn_zeek_state, proto_tree_add_string(st, hf_tcplife_conn_zeek_state,
                                                                tvb, 0, 0, tl_zeek_conn_state(&rec->zeek)));
    LEAF(st, hf_tcplife_conn_history, proto_tree_add_string_format_value(st, hf_tcplife_conn_history,
        tvb, 0, 0, tl_zeek_history(&rec->zeek), "%s%s", tl_zeek_history(&rec->zeek),
        tl_zeek_history_truncated(&rec->zeek) ? " (truncated)" : ""));
}

void
tl_tree_render_untracked(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, guint n)
{
    proto_item *top = proto_tree_add_item(tree, proto_tl, tvb, 0, 0, ENC_NA);

    proto_item_set_text(top, "TCP Lifecycle: %u TCP layer%s not tracked (header cut short, segment "
                        "shorter than its header, or no IP header in front)", n, n == 1 ? "" : "s");
    gen(top);
    expert_add_info(pinfo, top, &ei_tcplife_untracked);
}

/*
 * Rendering costs more than tracking (about 20 generated items a packet),
 * and in a run that only filters on tcp or counts with -z tcplife nothing
 * reads them: epan builds an invisible tree and fakes unreferenced items,
 * but the protocol item at the root and our text are still made. Render
 * when a reader exists: a visible tree; a tcplife field (or the protocol)
 * in a filter, column or -e (epan marks the protocol referenced then); or
 * expert info consumers (-z expert, the GUI's Expert Information, a
 * filter on _ws.expert), since the expert items hang on our items.
 */
static int expert_tap = -2;
static const header_field_info *hfi_tl, *hfi_expert;

static void
wanted_init(void)
{
    if (expert_tap != -2)
        return;
    expert_tap = find_tap_id("expert");
    hfi_tl = hfi_of(proto_tl);
    hfi_expert = hfi_of(proto_get_id_by_filter_name("_ws.expert"));
}

/* Expert info has readers: -z expert or the GUI's Expert Information (the
 * expert tap), or a filter or column on _ws.expert. */
static gboolean
experts_wanted(proto_tree *tree)
{
    wanted_init();
    return (expert_tap > 0 && have_tap_listener(expert_tap))
        || (hfi_expert && referenced(tree, hfi_expert));
}

gboolean
tl_tree_wanted(proto_tree *tree)
{
    if (!tree)
        return FALSE;
    wanted_init();
    return referenced(tree, hfi_tl) || experts_wanted(tree);
}

gboolean
tl_tree_wants_tcpdump(proto_tree *tree)
{
    return tree && named(tree, hf_tcplife_tcpdump);
}

void
tl_tree_render(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
               const tl_layer_result_t *lr, gboolean final_known)
{
    const tl_result_t *r = &lr->r;
    tl_role_t snd = (tl_role_t)r->sender, rcv = tl_peer(snd);
    proto_item *top, *ti = NULL;
    proto_tree *t, *st;

    gboolean experts = PTREE_DATA(tree)->visible || experts_wanted(tree);

    top = proto_tree_add_item(tree, proto_tl, tvb, 0, 0, ENC_NA);
    /* The one-line summary is only ever read in a visible tree: a filter
     * or -T fields run builds a "fake" one and needs no text. */
    if (PTREE_DATA(tree)->visible)
        proto_item_set_text(top, "TCP Lifecycle: %s", summary(pinfo->pool, r));
    gen(top);
    t = proto_item_add_subtree(top, ett_tcplife);

    LEAF(t, hf_tcplife_stream, proto_tree_add_uint(t, hf_tcplife_stream, tvb, 0, 0, lr->stream));
    LEAF(t, hf_tcplife_phase, proto_tree_add_string(t, hf_tcplife_phase, tvb, 0, 0,
                                                    tl_phase_name((tl_phase_t)r->phase)));
    LEAF(t, hf_tcplife_sender, proto_tree_add_string(t, hf_tcplife_sender, tvb, 0, 0, role(r->sender)));
    LEAF(t, hf_tcplife_state_client, proto_tree_add_string(t, hf_tcplife_state_client, tvb, 0, 0,
                                                           state(r->state[TL_ROLE_CLIENT])));
    LEAF(t, hf_tcplife_state_server, proto_tree_add_string(t, hf_tcplife_state_server, tvb, 0, 0,
                                                           state(r->state[TL_ROLE_SERVER])));
    if (named(t, hf_tcplife_transition)) {
        add_transition(t, tvb, r, snd, r->label_send);
        add_transition(t, tvb, r, rcv, r->label_recv);
    }
    if (r->api != TL_API_NONE)
        LEAF(t, hf_tcplife_api, proto_tree_add_string(t, hf_tcplife_api, tvb, 0, 0,
                                                      tl_api_text((tl_api_t)r->api)));
    if (lr->tcpdump)
        LEAF(t, hf_tcplife_tcpdump, proto_tree_add_string(t, hf_tcplife_tcpdump, tvb, 0, 0, lr->tcpdump));

    if (r->hs_step && group_named(t, hs_group)) {
        ti = gen(proto_tree_add_uint(t, hf_tcplife_handshake_step, tvb, 0, 0, r->hs_step));
        st = proto_item_add_subtree(ti, ett_tcplife_handshake);
        if (r->hs_step <= 2)
            gen(proto_tree_add_uint(st, hf_tcplife_handshake_isn, tvb, 0, 0, r->isn));
        if (r->hs_step >= 2)
            gen(proto_tree_add_uint(st, hf_tcplife_handshake_peer_isn, tvb, 0, 0, r->peer_isn));
        if (r->hs_ack_checked)
            gen(proto_tree_add_boolean_format_value(st, hf_tcplife_handshake_ack_ok, tvb, 0, 0,
                r->hs_ack_ok, "%s (ack %s peer ISN %u + 1)", r->hs_ack_ok ? "True" : "False",
                r->hs_ack_ok ? "=" : "\xe2\x89\xa0", r->peer_isn));
        if (r->rel_syn)
            gen(proto_tree_add_uint(st, hf_tcplife_handshake_syn_frame, tvb, 0, 0, r->rel_syn));
        if (r->rel_ack_not_taken)
            gen(proto_tree_add_uint(st, hf_tcplife_handshake_ack_not_taken, tvb, 0, 0, r->rel_ack_not_taken));
        if (r->hs_retry) {
            nstime_t d = ns_rel(r->hs_backoff_ns), e;
            gint64 expected;
            tl_backoff_t b = tl_backoff_verdict(r->hs_step == 2, r->hs_retry, r->hs_backoff_ns, &expected);
            e = ns_rel(expected);
            gen(proto_tree_add_uint(st, hf_tcplife_handshake_retry, tvb, 0, 0, r->hs_retry));
            gen(proto_tree_add_time(st, hf_tcplife_handshake_backoff, tvb, 0, 0, &d));
            gen(proto_tree_add_time(st, hf_tcplife_handshake_backoff_expected, tvb, 0, 0, &e));
            gen(proto_tree_add_string(st, hf_tcplife_handshake_backoff_verdict, tvb, 0, 0, tl_backoff_text(b)));
            gen(proto_tree_add_string(st, hf_tcplife_handshake_backoff_stacks, tvb, 0, 0,
                                      stacks_text(pinfo->pool, r->backoff_stacks)));
        }
    }
    if (r->td_started && group_named(t, td_group)) {
        st = t;
        if (r->td_step) {
            ti = gen(proto_tree_add_uint(t, hf_tcplife_teardown_step, tvb, 0, 0, r->td_step));
            st = proto_item_add_subtree(ti, ett_tcplife_teardown);
        }
        if (r->td_kind)
            gen(proto_tree_add_string(st, hf_tcplife_teardown_kind, tvb, 0, 0,
                                      tl_teardown_name((tl_teardown_t)r->td_kind)));
        gen(proto_tree_add_string(st, hf_tcplife_teardown_initiator, tvb, 0, 0, role(r->td_initiator)));
        if (r->rel_fin)
            gen(proto_tree_add_uint(st, hf_tcplife_teardown_fin_frame, tvb, 0, 0, r->rel_fin));
    }
    if (r->rel_prev)
        LEAF(t, hf_tcplife_prev_frame, proto_tree_add_uint(t, hf_tcplife_prev_frame, tvb, 0, 0, r->rel_prev));
    render_options(t, tvb, lr);
    if ((r->half_close || r->hc_duration_valid) && group_named(t, hc_group))
        render_half_close(t, tvb, r);
    if (r->rst_kind != TL_RST_NONE && group_named(t, rst_group))
        render_rst(t, tvb, r);
    if ((r->tw_holder != TL_TW_NONE || r->tw_reuse) && group_named(t, tw_group))
        render_time_wait(t, tvb, lr);
    if (final_known)
        render_conn(t, tvb, pinfo, lr->rec, experts);
    if (r->keepalive != TL_KA_NONE)
        LEAF(t, hf_tcplife_keepalive, proto_tree_add_string(t, hf_tcplife_keepalive, tvb, 0, 0,
                                                            tl_keepalive_name((tl_keepalive_t)r->keepalive)));
    if (r->rel_ka)
        LEAF(t, hf_tcplife_keepalive_probe, proto_tree_add_uint(t, hf_tcplife_keepalive_probe, tvb, 0, 0, r->rel_ka));
    if (r->dup_of)
        LEAF(t, hf_tcplife_duplicate, proto_tree_add_uint(t, hf_tcplife_duplicate, tvb, 0, 0, r->dup_of));
    if (tl_result_forged_frame(r))
        LEAF(t, hf_tcplife_rst_forged, proto_tree_add_uint(t, hf_tcplife_rst_forged, tvb, 0, 0,
                                                           tl_result_forged_frame(r)));
    /* Flags, as Wireshark's own analysis flags: present only when true. */
    if (r->midstream)
        LEAF(t, hf_tcplife_midstream, proto_tree_add_boolean(t, hf_tcplife_midstream, tvb, 0, 0, TRUE));
    if (r->roles_inferred)
        LEAF(t, hf_tcplife_roles_inferred, proto_tree_add_boolean(t, hf_tcplife_roles_inferred,
                                                                  tvb, 0, 0, TRUE));

    /* Expert items: for the expert consumers, or a filter on the item. */
    for (guint i = 0; i < r->n_anomalies; i++)
        if (experts || named(t, ei_tcplife[r->anomalies[i]].hf))
            expert_add_info(pinfo, top, &ei_tcplife[r->anomalies[i]]);
}
