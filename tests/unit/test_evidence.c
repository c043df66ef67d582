/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_evidence.c - the verdicts that rest on evidence beyond the state
 * machine (SPEC "RST kinds", docs/rst.md): the RST's reply form, keepalive,
 * timers, forged RSTs, lost final segments, imperfect captures (one
 * direction, duplicates, reordering) and other stacks' retries. Packet
 * scripts as in test_conn.c (tl_script.h).
 */
#include "tl_blocks.h"

#define KA_RTT 1

/* ------------------------------------------------------------------------ */
/* RST causes                                                                */
/* ------------------------------------------------------------------------ */

static void
test_rst_after_unanswered_keepalive_probes_is_timeout(void **state)
{
    static const tl_script_t script[] = {
        HANDSHAKE, DATA,
        /* Linux: seq = SND.UNA - 1, no payload, everything acknowledged */
        /* 8 */ { C2S, "A", 100, 51, 0, .dt_ms = 7200000, .x = { "established", "ESTABLISHED",
                  "ESTABLISHED", .api = API(KEEPALIVE), .an = { AN(KEEPALIVE_PROBE) }, .ka = "probe" } },
        /* 9 */ { S2C, "A", 51, 101, 0, .dt_ms = KA_RTT, .x = { "established", "ESTABLISHED",
                  "ESTABLISHED", .api = API(KEEPALIVE), .an = { AN(KEEPALIVE_ANSWER) }, .ka = "answer" } },
        /* 10 */ { C2S, "A", 100, 51, 0, .dt_ms = 75000, .x = { "established", "ESTABLISHED",
                   "ESTABLISHED", .api = API(KEEPALIVE), .an = { AN(KEEPALIVE_PROBE) }, .ka = "probe" } },
        /* 11 */ { C2S, "A", 100, 51, 0, .dt_ms = 75000, .x = { "established", "ESTABLISHED",
                   "ESTABLISHED", .api = API(KEEPALIVE), .an = { AN(KEEPALIVE_PROBE) }, .ka = "probe" } },
        /* the probes went unanswered: the keepalive timer gives up */
        /* 12 */ { C2S, "RA", 101, 51, 0, .dt_ms = 75000, .x = { "reset", "CLOSED", "CLOSED",
                   .api = API(KEEPALIVE_GAVE_UP), .an = { AN(RESET_TIMEOUT) }, .rel_rst = 9,
                   .rst = "timeout", .reason = "TCP_KEEPALIVE_TIMEOUT", .unread = 50 } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.res[9].rel_ka, 8);
    assert_int_equal(r.res[12].rst_rule, TCPLIFE_RULE_KEEPALIVE);
}

static void
test_rst_long_after_everything_was_acknowledged_is_idle_timeout(void **state)
{
    static const tl_script_t script[] = {
        HANDSHAKE, DATA,
        /* 8 */ { S2C, "RA", 51, 101, 0, .dt_ms = 300000, .x = { "reset", "CLOSED", "CLOSED",
                  .api = API(IDLE_TIMEOUT), .an = { AN(RESET_TIMEOUT) }, .rel_rst = 7,
                  .rst = "timeout", .reason = "NOT_SPECIFIED" } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.res[8].rst_rule, TCPLIFE_RULE_IDLE);
}

static void
test_bare_rst_after_own_fin_acknowledged_is_fin_wait_2_timeout(void **state)
{
    static const tl_script_t script[] = {
        HANDSHAKE, DATA,
        /* 8 */ { C2S, "FA", 101, 51, 0, .x = { "teardown", "FIN_WAIT_1", "CLOSE_WAIT",
                  .td = 1, .init = "client", .api = API(CLOSE) } },
        /* 9 */ { S2C, "A", 51, 102, 0, .x = { "teardown", "FIN_WAIT_2", "CLOSE_WAIT",
                  .td = 2, .init = "client", .api = API(FIN_ACK), .rel_fin = 8 } },
        /* 10 */ { S2C, "FA", 51, 102, 0, .dt_ms = 90000, .x = { "teardown", "TIME_WAIT", "LAST_ACK",
                   .td = 3, .kind = "four-way", .init = "client", .api = API(CLOSE_AFTER_EOF) } },
        /* the client's FIN_WAIT_2 timed out long ago: its host answers the FIN */
        /* 11 */ { C2S, "R", 102, 0, 0, .x = { "reset", "CLOSED", "CLOSED", .kind = "four-way",
                   .init = "client", .api = API(NO_SOCKET), .an = { AN(RESET_NO_SOCKET) },
                   .rel_rst = 10, .rst = "stray", .reason = "NO_SOCKET" } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.res[11].rst_rule, TCPLIFE_RULE_STRAY_FIN_WAIT_2);
}

static void
test_bare_rst_after_own_data_went_unacknowledged_is_user_timeout(void **state)
{
    static const tl_script_t script[] = {
        HANDSHAKE, DATA,
        /* 8 */ EST_ROW(C2S, "PA", 101, 51, 13),
        /* 9 */ { C2S, "PA", 101, 51, 13, .dt_ms = 200,
                  .x = { "established", "ESTABLISHED", "ESTABLISHED" } },
        /* the client's socket gave up silently; the server's next data finds none */
        /* 10 */ { S2C, "PA", 51, 101, 23, .dt_ms = 3000,
                   .x = { "established", "ESTABLISHED", "ESTABLISHED" } },
        /* 11 */ { C2S, "R", 101, 0, 0, .x = { "reset", "CLOSED", "CLOSED", .api = API(NO_SOCKET),
                   .an = { AN(RESET_NO_SOCKET), AN(RESET_DATA_LOST) }, .rel_rst = 10,
                   .rst = "stray", .reason = "NO_SOCKET", .unacked = 23 } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.res[11].rst_rule, TCPLIFE_RULE_STRAY_USER_TIMEOUT);
}

TCPLIFE_SCRIPT_TEST(test_accept_queue_overflow_rst_answers_the_handshake_ack,
        HANDSHAKE,
        /* 4 */ { S2C, "SA", 0, 1, 0, .dt_ms = 1000, .x = { "handshake", "ESTABLISHED",
                  "SYN_RECEIVED", .hs = 2, .ack = ACK_OK, .retry = 1, .backoff_ms = 1000,
                  .api = API(SYN_QUEUE_RETRY), .rel_syn = 1, .rel_prev = 2,
                  .an = { AN(HANDSHAKE_SYNACK_RETRANS), AN(HANDSHAKE_SYNACK_AFTER_ACK) },
                  .rel_ack_not_taken = 3 } },
        /* 5 */ { C2S, "A", 1, 1, 0, .x = { "handshake", "ESTABLISHED", "SYN_RECEIVED",
                  .hs = 3, .ack = ACK_OK, .rel_syn = 4, .an = { AN(HANDSHAKE_ACK_UNCONFIRMED) } } },
        /* tcp_abort_on_overflow=1: the ACK is answered at once */
        /* 6 */ { S2C, "R", 1, 0, 0, .x = { "reset", "CLOSED", "CLOSED", .api = API(NO_SOCKET),
                  .an = { AN(RESET_NO_SOCKET) }, .rel_rst = 5, .rst = "stray", .reason = "INVALID_SYN" } },
)

static void
test_rst_with_another_ttl_is_injected_and_sender_going_on_confirms(void **state)
{
    static const tl_script_t script[] = {
        { C2S, "S", 0, 0, 0, .ttl = 64, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED",
          .hs = 1, .api = API(CONNECT) } },
        { S2C, "SA", 0, 1, 0, .ttl = 55, .x = { "handshake", "ESTABLISHED", "SYN_RECEIVED",
          .hs = 2, .ack = ACK_OK, .api = API(SYN_QUEUE), .rel_syn = 1 } },
        { C2S, "A", 1, 1, 0, .ttl = 64, .x = { "handshake", "ESTABLISHED", "ESTABLISHED",
          .hs = 3, .ack = ACK_OK, .api = API(CONNECT_RETURNS), .rel_syn = 2 } },
        /* 4 */ { C2S, "PA", 1, 1, 100, .ttl = 64, .x = { "established", "ESTABLISHED", "ESTABLISHED" } },
        /* 5 */ { S2C, "A", 1, 101, 0, .ttl = 55, .x = { "established", "ESTABLISHED", "ESTABLISHED" } },
        /* a middlebox closer to the client forges the server's RST */
        /* 6 */ { S2C, "RA", 1, 101, 0, .ttl = 61, .x = { "reset", "CLOSED", "CLOSED",
                  .an = { AN(RESET_INJECTED) }, .rel_rst = 4, .rst = "injected", .unread = 100 } },
        /* the server itself goes on: it never reset anything */
        /* 7 */ { S2C, "PA", 1, 101, 50, .ttl = 55, .x = { "closed", "CLOSED", "ESTABLISHED",
                  .rel_rst = 6, .an = { AN(RESET_SENDER_CONTINUES), AN(CLOSED_SEGMENT_AFTER_CLOSE) } } },
    };
    tl_run_t r;
    tl_summary_t sum;
    (void)state;
    tl_run_init(&r);
    TCPLIFE_RUN(&r, script);
    assert_int_equal(r.res[6].rst_rule, TCPLIFE_RULE_INJECTED_TTL);
    assert_int_equal(r.res[7].label_send, TCPLIFE_LABEL_NOT_RESET);
    /* tcplife.rst.forged_frame: on the segment that disproves it, not on the RST */
    assert_int_equal(tl_result_forged_frame(&r.res[7]), 6);
    assert_int_equal(tl_result_forged_frame(&r.res[6]), 0);
    assert_int_equal(tl_result_forged_frame(&r.res[5]), 0);
    tl_conn_summarize(&r.conn, &r.cfg, &sum);
    assert_int_equal(sum.rst_kind, TCPLIFE_RST_INJECTED);
}

/* The server's segments carry consecutive IP IDs (Linux counts per socket). */
#define IPID_RUN                                                                       \
    HANDSHAKE,                                                                         \
    /* 4 */ EST_ROW(C2S, "PA", 1, 1, 100),                                             \
    /* 5 */ { S2C, "A", 1, 101, 0, .ip_id = 2001,                                      \
              .x = { "established", "ESTABLISHED", "ESTABLISHED" } },                  \
    /* 6 */ { S2C, "PA", 1, 101, 50, .ip_id = 2002,                                    \
              .x = { "established", "ESTABLISHED", "ESTABLISHED" } },                  \
    /* 7 */ EST_ROW(C2S, "A", 101, 51, 0),                                             \
    /* 8 */ { S2C, "PA", 51, 101, 50, .ip_id = 2003,                                   \
              .x = { "established", "ESTABLISHED", "ESTABLISHED" } },                  \
    /* 9 */ { S2C, "PA", 101, 101, 50, .ip_id = 2005,                                  \
              .x = { "established", "ESTABLISHED", "ESTABLISHED" } },                  \
    /* 10 */ EST_ROW(C2S, "A", 101, 151, 0)

static void
test_rst_off_its_senders_ip_id_run_is_injected(void **state)
{
    static const tl_script_t script[] = {
        IPID_RUN,
        /* same TTL, but an IP ID the server's counter was nowhere near */
        /* 11 */ { S2C, "RA", 151, 101, 0, .ip_id = 0x7a3c, .dt_ms = 5,
                   .x = { "reset", "CLOSED", "CLOSED", .an = { AN(RESET_INJECTED) },
                          .rel_rst = 10, .rst = "injected", .reason = "NOT_SPECIFIED" } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.res[11].rst_rule, TCPLIFE_RULE_INJECTED_IPID);
}

static void
test_rst_continuing_its_senders_ip_ids_is_its_own(void **state)
{
    static const tl_script_t next_id[] = {
        IPID_RUN,
        /* 11 */ { S2C, "RA", 151, 101, 0, .ip_id = 2006, .dt_ms = 5,
                   .x = { "reset", "CLOSED", "CLOSED", .an = { AN(RESET_SEEN) },
                          .rel_rst = 10, .rst = "abort", .api = API(ABORT) } },
    };
    static const tl_script_t zero_id[] = {
        IPID_RUN,
        /* ID 0: Linux's socketless replies; no evidence */
        /* 11 */ { S2C, "RA", 151, 101, 0, .dt_ms = 5,
                   .x = { "reset", "CLOSED", "CLOSED", .an = { AN(RESET_SEEN) },
                          .rel_rst = 10, .rst = "abort", .api = API(ABORT) } },
    };
    static const tl_script_t after_pause[] = {
        IPID_RUN,
        /* a host-wide counter moves with other traffic during a pause */
        /* 11 */ { S2C, "RA", 151, 101, 0, .ip_id = 0x7a3c, .dt_ms = 2000,
                   .x = { "reset", "CLOSED", "CLOSED", .an = { AN(RESET_SEEN) },
                          .rel_rst = 10, .rst = "abort", .api = API(ABORT) } },
    };
    tl_run_t r;
    (void)state;
    tl_run_init(&r);
    TCPLIFE_RUN(&r, next_id);
    tl_run_init(&r);
    TCPLIFE_RUN(&r, zero_id);
    tl_run_init(&r);
    TCPLIFE_RUN(&r, after_pause);
}

static void
test_rst_not_at_rcv_nxt_is_ignored_and_connection_goes_on_when_sender_continues(void **state)
{
    static const tl_script_t script[] = {
        HANDSHAKE, DATA,
        /* in window, 1448 beyond the server's next byte: an RFC 5961 client
         * answers with a challenge ACK and keeps the connection */
        /* 8 */ { S2C, "RA", 1499, 101, 0, .x = { "reset", "ESTABLISHED", "CLOSED",
                  .api = API(ABORT), .an = { AN(RESET_SEEN), AN(RESET_NOT_AT_RCV_NXT) }, .rel_rst = 7,
                  .rst = "abort" } },
        /* 9 */ { S2C, "PA", 51, 101, 10, .x = { "established", "ESTABLISHED", "ESTABLISHED",
                  .rel_rst = 8, .an = { AN(RESET_SENDER_CONTINUES) } } },
        /* 10 */ EST_ROW(C2S, "A", 101, 61, 0),
    };
    tl_run_t r;
    tl_summary_t sum;
    (void)state;
    tl_run_init(&r);
    TCPLIFE_RUN(&r, script);
    tl_conn_summarize(&r.conn, &r.cfg, &sum);
    assert_false(sum.reset);
    assert_true(sum.injected);
    assert_int_equal(tl_conn_outcome(&r.conn), TCPLIFE_OUTCOME_OPEN);
}

static void
test_crossing_linger0_rsts_are_both_aborts(void **state)
{
    static const tl_script_t script[] = {
        HANDSHAKE,
        /* 4 */ { C2S, "RA", 1, 1, 0, .x = { "reset", "CLOSED", "CLOSED", .api = API(ABORT),
                  .an = { AN(RESET_SEEN) }, .rel_rst = 2, .rst = "abort", .reason = "TCP_STATE" } },
        /* the server's own abort, sent before the client's RST reached it */
        /* 5 */ { S2C, "RA", 1, 1, 0, .dt_ms = 1, .x = { "reset", "CLOSED", "CLOSED", .api = API(ABORT),
                  .an = { AN(RESET_SEEN), AN(RESET_CROSSING) }, .rel_rst = 4, .rst = "abort",
                  .reason = "TCP_STATE" } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.conn.reset_sender, TCPLIFE_ROLE_CLIENT);
}

static void
test_lone_rst_ack_with_seq_0_refuses_an_unseen_syn(void **state)
{
    static const tl_script_t script[] = {
        /* 1 */ { S2C, "RA", 0, 1, 0, .x = { "reset", "CLOSED", "CLOSED", .api = API(NO_LISTENER),
                  .an = { AN(HANDSHAKE_REFUSED), AN(ESTABLISHED_MIDSTREAM) }, .midstream = true,
                  .roles_inferred = true, .rst = "refused", .reason = "NO_SOCKET" } },
    };
    tl_run_t r;
    (void)state;
    tl_run_init(&r);
    r.sisn = 0;
    TCPLIFE_RUN(&r, script);
    assert_int_equal(tl_conn_handshake_outcome(&r.conn), TCPLIFE_HS_MIDSTREAM);
}

/* ------------------------------------------------------------------------ */
/* Lost final segments                                                       */
/* ------------------------------------------------------------------------ */

static void
test_fin_long_after_a_lost_fin_is_not_a_simultaneous_close(void **state)
{
    static const tl_script_t script[] = {
        HANDSHAKE, DATA,
        /* 8 */ { C2S, "FA", 101, 51, 0, .x = { "teardown", "FIN_WAIT_1", "CLOSE_WAIT",
                  .td = 1, .init = "client", .api = API(CLOSE) } },
        /* 235 s later the server closes, not acknowledging the client's
         * FIN: it never got it, it was ESTABLISHED */
        /* 9 */ { S2C, "FA", 51, 101, 0, .dt_ms = 235000, .x = { "teardown", "CLOSING", "FIN_WAIT_1",
                  .td = 2, .kind = "four-way", .init = "client", .api = API(CLOSE),
                  .an = { AN(TEARDOWN_FIN_LOST) } } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.res[9].label_send, TCPLIFE_LABEL_PEER_FIN_LOST);
    assert_int_equal(r.res[9].label_recv, TCPLIFE_LABEL_CLOSING_LOST_FIN);
}

static void
test_fin_from_syn_sent_does_not_close_a_silent_server(void **state)
{
    static const tl_script_t script[] = {
        /* 1 */ { C2S, "S", 0, 0, 13, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED",
                  .hs = 1, .api = API(CONNECT) } },
        /* a FIN without ACK before any answer: the server cannot take it */
        /* 2 */ { C2S, "F", 14, 0, 0, .dt_ms = 1, .x = { "teardown", "FIN_WAIT_1", "SYN_RECEIVED",
                  .td = 1, .init = "client", .api = API(CLOSE),
                  .an = { AN(HANDSHAKE_DATA_BEFORE_SYNC) } } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(tl_conn_outcome(&r.conn), TCPLIFE_OUTCOME_SYN_ONLY);
}

/* ------------------------------------------------------------------------ */
/* Imperfect captures                                                        */
/* ------------------------------------------------------------------------ */

static void
test_frame_captured_twice_is_a_duplicate_not_a_retry(void **state)
{
    static const tl_script_t script[] = {
        { C2S, "S", 0, 0, 0, .ip_id = 0x1234, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED",
          .hs = 1, .api = API(CONNECT) } },
        /* the same frame again 1 us later (a SPAN port) */
        { C2S, "S", 0, 0, 0, .ip_id = 0x1234, .dt_us = 1, .x = { "handshake", "SYN_SENT",
          "SYN_RECEIVED", .dup = 1, .an = { AN(DUPLICATE) } } },
        { S2C, "SA", 0, 1, 0, .ip_id = 0x9, .x = { "handshake", "ESTABLISHED", "SYN_RECEIVED",
          .hs = 2, .ack = ACK_OK, .api = API(SYN_QUEUE), .rel_syn = 1 } },
        /* another IP ID: a real retransmission */
        { C2S, "S", 0, 0, 0, .ip_id = 0x1235, .dt_ms = 999, .dt_us = 999, .x = { "handshake", "ESTABLISHED",
          "SYN_RECEIVED", .hs = 1, .retry = 1, .backoff_ms = 1000, .api = API(CONNECT_RETRY), .rel_prev = 1,
          .an = { AN(HANDSHAKE_SYN_RETRANS) } } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.conn.ep[TCPLIFE_ROLE_CLIENT].syn_count, 2);
}

static void
test_syn_captured_after_its_synack_is_the_original(void **state)
{
    static const tl_script_t script[] = {
        /* 1 */ { S2C, "SA", 0, 1, 0, .x = { "handshake", "ESTABLISHED", "SYN_RECEIVED",
                  .hs = 2, .api = API(SYN_QUEUE), .roles_inferred = true } },
        /* 2 */ { C2S, "S", 0, 0, 0, .x = { "handshake", "ESTABLISHED", "SYN_RECEIVED",
                  .hs = 1, .api = API(CONNECT), .an = { AN(HANDSHAKE_SYN_REORDERED) } } },
        /* 3 */ { C2S, "A", 1, 1, 0, .x = { "handshake", "ESTABLISHED", "ESTABLISHED",
                  .hs = 3, .ack = ACK_OK, .api = API(CONNECT_RETURNS), .rel_syn = 1 } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_false(r.conn.roles_inferred);
    assert_int_equal(r.conn.ep[TCPLIFE_ROLE_CLIENT].syn_frame, 2);
}

static void
test_client_side_only_capture_infers_the_synack_and_is_one_sided(void **state)
{
    static const tl_script_t script[] = {
        /* 1 */ { C2S, "S", 0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED",
                  .hs = 1, .api = API(CONNECT) } },
        /* acknowledging the server's ISN + 1: the client got the SYN-ACK */
        /* 2 */ { C2S, "A", 1, 1, 0, .x = { "handshake", "ESTABLISHED", "ESTABLISHED",
                  .hs = 3, .ack = ACK_OK, .api = API(CONNECT_RETURNS),
                  .an = { AN(HANDSHAKE_SYNACK_UNSEEN) } } },
        /* 3 */ EST_ROW(C2S, "PA", 1, 1, 13),
        /* 4 */ EST_ROW(C2S, "A", 14, 501, 0),
    };
    tl_run_t r;
    tl_summary_t sum;
    (void)state;
    tl_run_init(&r);
    TCPLIFE_RUN(&r, script);
    assert_true(r.res[4].one_sided);
    tl_conn_summarize(&r.conn, &r.cfg, &sum);
    assert_true(sum.one_sided);
    assert_int_equal(sum.handshake, TCPLIFE_HS_COMPLETE);
    assert_int_equal(sum.outcome, TCPLIFE_OUTCOME_OPEN);
}

static void
test_server_side_only_capture_is_never_half_open(void **state)
{
    static const tl_script_t script[] = {
        /* 1 */ { S2C, "SA", 0, 1, 0, .x = { "handshake", "ESTABLISHED", "SYN_RECEIVED",
                  .hs = 2, .api = API(SYN_QUEUE), .roles_inferred = true } },
        /* the server sends from after its SYN: it took the handshake ACK */
        /* 2 */ { S2C, "A", 1, 14, 0, .x = { "established", "ESTABLISHED", "ESTABLISHED",
                  .roles_inferred = true, .an = { AN(ONE_SIDED) } } },
        /* 3 */ { S2C, "PA", 1, 14, 100, .x = { "established", "ESTABLISHED", "ESTABLISHED",
                  .roles_inferred = true } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_true(tl_conn_one_sided(&r.conn));
    assert_int_equal(tl_conn_outcome(&r.conn), TCPLIFE_OUTCOME_OPEN);
    assert_int_equal(tl_conn_handshake_outcome(&r.conn), TCPLIFE_HS_COMPLETE);
}

static void
test_lone_syn_is_not_one_sided(void **state)
{
    static const tl_script_t script[] = {
        { C2S, "S", 0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED", .hs = 1, .api = API(CONNECT) } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_false(tl_conn_one_sided(&r.conn));
    assert_int_equal(tl_conn_outcome(&r.conn), TCPLIFE_OUTCOME_SYN_ONLY);
}

/* ------------------------------------------------------------------------ */
/* Other stacks                                                              */
/* ------------------------------------------------------------------------ */

static void
test_windows_retrying_a_refused_connect_is_refused_each_time(void **state)
{
#define REFUSAL(n) { S2C, "RA", 0, 1, 0, .x = { "reset", "CLOSED", "CLOSED",                    \
                     .api = API(NO_LISTENER), .an = { AN(HANDSHAKE_REFUSED) }, .rel_rst = n,    \
                     .rst = "refused", .reason = "NO_SOCKET" } }
#define RETRY(n, prev) { C2S, "S", 0, 0, 0, .dt_ms = 500, .x = { "handshake", "SYN_SENT", "CLOSED", \
                         .hs = 1, .retry = n, .backoff_ms = 500, .api = API(CONNECT_RETRY),         \
                         .rel_prev = prev, .an = { AN(HANDSHAKE_SYN_RETRANS),                       \
                         AN(HANDSHAKE_RETRY_AFTER_REFUSED) } } }
    static const tl_script_t script[] = {
        /* 1 */ { C2S, "S", 0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED",
                  .hs = 1, .api = API(CONNECT) } },
        /* 2 */ REFUSAL(1),
        /* 3 */ RETRY(1, 1),
        /* 4 */ REFUSAL(3),
        /* 5 */ RETRY(2, 3),
        /* 6 */ REFUSAL(5),
    };
    tl_run_t r;
    tl_summary_t sum;
    (void)state;
    tl_run_init(&r);
    r.sisn = 0;
    TCPLIFE_RUN(&r, script);
    assert_int_equal(r.res[3].backoff_stacks, 1u << TCPLIFE_STACK_WINDOWS_REFUSED);
    tl_conn_summarize(&r.conn, &r.cfg, &sum);
    assert_int_equal(sum.outcome, TCPLIFE_OUTCOME_REFUSED);
    assert_int_equal(sum.syn_retries, 2);
#undef REFUSAL
#undef RETRY
}

/* Wireshark 4.4+ starts a new tcp.stream at each retried SYN after a RST:
 * the verdicts are the same as in one stream. */
static void
test_windows_refused_retry_in_new_streams_is_still_a_retry(void **state)
{
#define REFUSAL(n) { S2C, "RA", 0, 1, 0, .x = { "reset", "CLOSED", "CLOSED",                    \
                     .api = API(NO_LISTENER), .an = { AN(HANDSHAKE_REFUSED) }, .rel_rst = n,    \
                     .rst = "refused", .reason = "NO_SOCKET" } }
#define RETRY(n, prev) { C2S, "S", 0, 0, 0, .dt_ms = 500, .new_stream = true,                     \
                         .x = { "handshake", "SYN_SENT", "CLOSED",                                \
                         .hs = 1, .retry = n, .backoff_ms = 500, .api = API(CONNECT_RETRY),       \
                         .rel_prev = prev, .an = { AN(HANDSHAKE_SYN_RETRANS),                     \
                         AN(HANDSHAKE_RETRY_AFTER_REFUSED) } } }
    static const tl_script_t script[] = {
        /* 1 */ { C2S, "S", 0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED",
                  .hs = 1, .api = API(CONNECT) } },
        /* 2 */ REFUSAL(1),
        /* 3 */ RETRY(1, 1),
        /* 4 */ REFUSAL(3),
        /* 5 */ RETRY(2, 3),
        /* 6 */ REFUSAL(5),
    };
    /* Not a retry: another ISN (a new connect()), or long after the RST. */
    static const tl_script_t other_isn[] = {
        /* 1 */ { C2S, "S", 0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED",
                  .hs = 1, .api = API(CONNECT) } },
        /* 2 */ REFUSAL(1),
        /* 3 */ { C2S, "S", 7777, 0, 0, .dt_ms = 500, .new_stream = true,
                  .x = { "handshake", "SYN_SENT", "SYN_RECEIVED", .hs = 1, .api = API(CONNECT) } },
    };
    static const tl_script_t much_later[] = {
        /* 1 */ { C2S, "S", 0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED",
                  .hs = 1, .api = API(CONNECT) } },
        /* 2 */ REFUSAL(1),
        /* 3 */ { C2S, "S", 0, 0, 0, .dt_ms = 5000, .new_stream = true,
                  .x = { "handshake", "SYN_SENT", "SYN_RECEIVED", .hs = 1, .api = API(CONNECT) } },
    };
    tl_run_t r;
    tl_summary_t sum;
    (void)state;
    tl_run_init(&r);
    r.sisn = 0;
    TCPLIFE_RUN(&r, script);
    assert_int_equal(r.res[3].backoff_stacks, 1u << TCPLIFE_STACK_WINDOWS_REFUSED);
    assert_int_equal(r.res[5].backoff_stacks, 1u << TCPLIFE_STACK_WINDOWS_REFUSED);
    /* The last stream: refused, its SYN the second retry. */
    tl_conn_summarize(&r.conn, &r.cfg, &sum);
    assert_int_equal(sum.outcome, TCPLIFE_OUTCOME_REFUSED);
    assert_int_equal(sum.syn_retries, 2);
    tl_run_init(&r);
    r.sisn = 0;
    TCPLIFE_RUN(&r, other_isn);
    tl_run_init(&r);
    r.sisn = 0;
    TCPLIFE_RUN(&r, much_later);
#undef REFUSAL
#undef RETRY
}

static void
test_backoff_names_the_stacks_whose_schedule_fits(void **state)
{
    const int64_t s = INT64_C(1000000000);
    (void)state;
    /* Windows: 3 s, then 6 s */
    assert_int_equal(tl_backoff_stacks(false, 1, 3 * s, false), 1u << TCPLIFE_STACK_WINDOWS);
    assert_int_equal(tl_backoff_stacks(false, 2, 6 * s, false), 1u << TCPLIFE_STACK_WINDOWS);
    /* 1 s first: Linux (both), macOS */
    assert_int_equal(tl_backoff_stacks(false, 1, s, false),
                     (1u << TCPLIFE_STACK_LINUX) | (1u << TCPLIFE_STACK_LINUX_LINEAR)
                     | (1u << TCPLIFE_STACK_XNU));
    /* the second retry tells doubling (2 s) from the 1 s series */
    assert_int_equal(tl_backoff_stacks(false, 2, 2 * s, false), 1u << TCPLIFE_STACK_LINUX);
    assert_int_equal(tl_backoff_stacks(false, 5, s, false),
                     (1u << TCPLIFE_STACK_LINUX_LINEAR) | (1u << TCPLIFE_STACK_XNU));
    /* SYN-ACKs: no linear timeouts, no XNU table */
    assert_int_equal(tl_backoff_stacks(true, 2, s, false), 0);
    /* nobody waits 10 s first */
    assert_int_equal(tl_backoff_stacks(false, 1, 10 * s, false), 0);
    assert_string_equal(tl_stack_name(TCPLIFE_STACK_WINDOWS), "Windows (initial RTO 3 s, doubling)");
}

/* A RST after the answer to its sender's own request: unread answer and
 * SO_LINGER 0 after reading it are the same bytes; the reason stays open. */
static void
test_rst_after_the_answer_to_its_own_request_leaves_the_reason_open(void **state)
{
    static const tl_script_t script[] = {
        HANDSHAKE, DATA,
        /* 8 */ { C2S, "RA", 101, 51, 0, .dt_ms = 200,
                  .x = { "reset", "CLOSED", "CLOSED", .an = { AN(RESET_UNREAD_DATA) },
                         .rel_rst = 6, .rst = "unread_data", .unread = 50,
                         .reason = "NOT_SPECIFIED", .api = API(CLOSE_UNREAD) } },
    };
    static const tl_script_t unsolicited[] = {
        HANDSHAKE,
        /* the server never sent anything: its input is unread, not answered */
        /* 4 */ EST_ROW(C2S, "PA", 1, 1, 100),
        /* 5 */ EST_ROW(S2C, "A", 1, 101, 0),
        /* 6 */ { S2C, "RA", 1, 101, 0, .dt_ms = 200,
                  .x = { "reset", "CLOSED", "CLOSED", .an = { AN(RESET_UNREAD_DATA) },
                         .rel_rst = 4, .rst = "unread_data", .unread = 100,
                         .reason = "TCP_ABORT_ON_CLOSE", .api = API(CLOSE_UNREAD) } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.res[8].rst_rule, TCPLIFE_RULE_UNREAD_ANSWER);
    tl_run_init(&r);
    TCPLIFE_RUN(&r, unsolicited);
    assert_int_equal(r.res[6].rst_rule, TCPLIFE_RULE_UNREAD_DATA);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_rst_after_the_answer_to_its_own_request_leaves_the_reason_open),
    cmocka_unit_test(test_rst_after_unanswered_keepalive_probes_is_timeout),
    cmocka_unit_test(test_rst_long_after_everything_was_acknowledged_is_idle_timeout),
    cmocka_unit_test(test_bare_rst_after_own_fin_acknowledged_is_fin_wait_2_timeout),
    cmocka_unit_test(test_bare_rst_after_own_data_went_unacknowledged_is_user_timeout),
    cmocka_unit_test(test_accept_queue_overflow_rst_answers_the_handshake_ack),
    cmocka_unit_test(test_rst_with_another_ttl_is_injected_and_sender_going_on_confirms),
    cmocka_unit_test(test_rst_off_its_senders_ip_id_run_is_injected),
    cmocka_unit_test(test_rst_continuing_its_senders_ip_ids_is_its_own),
    cmocka_unit_test(test_rst_not_at_rcv_nxt_is_ignored_and_connection_goes_on_when_sender_continues),
    cmocka_unit_test(test_crossing_linger0_rsts_are_both_aborts),
    cmocka_unit_test(test_lone_rst_ack_with_seq_0_refuses_an_unseen_syn),
    cmocka_unit_test(test_fin_long_after_a_lost_fin_is_not_a_simultaneous_close),
    cmocka_unit_test(test_fin_from_syn_sent_does_not_close_a_silent_server),
    cmocka_unit_test(test_frame_captured_twice_is_a_duplicate_not_a_retry),
    cmocka_unit_test(test_syn_captured_after_its_synack_is_the_original),
    cmocka_unit_test(test_client_side_only_capture_infers_the_synack_and_is_one_sided),
    cmocka_unit_test(test_server_side_only_capture_is_never_half_open),
    cmocka_unit_test(test_lone_syn_is_not_one_sided),
    cmocka_unit_test(test_windows_retrying_a_refused_connect_is_refused_each_time),
    cmocka_unit_test(test_windows_refused_retry_in_new_streams_is_still_a_retry),
    cmocka_unit_test(test_backoff_names_the_stacks_whose_schedule_fits),
};

TCPLIFE_TEST_MAIN(tests)
