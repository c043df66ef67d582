/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_conn.c - unit tests of tl_conn.c, written as packet scripts (see
 * tl_script.h): every row is one segment and the complete verdict the
 * tracker must give it, in the vocabulary of SPEC.md.
 *
 * Unless a test says otherwise: IPv4, client 192.0.2.1:51000, server
 * 198.51.100.2:80, client ISN 1000, server ISN 5000, numbers relative.
 */
#include "tl_script.h"

#include "tl_blocks.h"

static const tl_script_t normal_life[] = { HANDSHAKE, DATA, CLIENT_FIRST_FOUR_WAY };

/* ------------------------------------------------------------------------ */
/* Handshake and normal close                                                */
/* ------------------------------------------------------------------------ */

static void
test_conn_handshake_data_and_client_first_four_way_close(void **state)
{
    tl_run_t r;
    (void)state;
    tl_run_init(&r);
    TCPLIFE_RUN(&r, normal_life);
    /* Label spot checks: the transitions that make the ladder. */
    assert_int_equal(r.res[1].label_send, TCPLIFE_LABEL_ACTIVE_OPEN);
    assert_int_equal(r.res[1].label_recv, TCPLIFE_LABEL_PASSIVE_OPEN);
    assert_int_equal(r.res[2].label_recv, TCPLIFE_LABEL_OPEN_COMPLETE);
    assert_int_equal(r.res[3].label_recv, TCPLIFE_LABEL_OPEN_COMPLETE);
    assert_int_equal(r.res[8].label_send, TCPLIFE_LABEL_ACTIVE_CLOSE);
    assert_int_equal(r.res[8].label_recv, TCPLIFE_LABEL_PASSIVE_CLOSE);
    assert_int_equal(r.res[9].label_recv, TCPLIFE_LABEL_FIN_ACKED);
    assert_int_equal(r.res[10].label_send, TCPLIFE_LABEL_LAST_FIN_SENT);
    assert_int_equal(r.res[10].label_recv, TCPLIFE_LABEL_ENTER_TIME_WAIT);
    assert_int_equal(r.res[11].label_recv, TCPLIFE_LABEL_CLOSED_BY_ACK);
    assert_int_equal(r.res[2].isn, r.sisn);
    assert_int_equal(r.res[2].peer_isn, r.cisn);
    assert_true(r.conn.handshake_done);
    assert_true(r.conn.ended);
    assert_false(r.conn.reset);
}

TCPLIFE_SCRIPT_TEST(test_conn_server_first_four_way_close,
        HANDSHAKE, DATA,
        /* 8 */ { S2C, "FA", 51, 101, 0, .x = { "teardown", "CLOSE_WAIT", "FIN_WAIT_1",
                  .td = 1, .init = "server", .api = API(CLOSE) } },
        /* 9 */ { C2S, "A", 101, 52, 0, .x = { "teardown", "CLOSE_WAIT", "FIN_WAIT_2",
                  .td = 2, .init = "server", .api = API(FIN_ACK), .rel_fin = 8 } },
        /* 10 */ { C2S, "FA", 101, 52, 0, .x = { "teardown", "LAST_ACK", "TIME_WAIT",
                   .td = 3, .kind = "four-way", .init = "server", .api = API(CLOSE_AFTER_EOF) } },
        /* 11 */ { S2C, "A", 52, 102, 0, .x = { "teardown", "CLOSED", "TIME_WAIT",
                   .td = 4, .kind = "four-way", .init = "server", .api = API(FIN_ACK),
                   .rel_fin = 10, .tw = "server" } },
)

static void
test_conn_three_way_close_fin_finack_ack(void **state)
{
    static const tl_script_t script[] = {
        HANDSHAKE, DATA,
        /* 8 */ { C2S, "FA", 101, 51, 0, .x = { "teardown", "FIN_WAIT_1", "CLOSE_WAIT",
                  .td = 1, .init = "client", .api = API(CLOSE) } },
        /* the server's FIN acknowledges the client's: step 2 of three */
        /* 9 */ { S2C, "FA", 51, 102, 0, .x = { "teardown", "TIME_WAIT", "LAST_ACK",
                  .td = 2, .kind = "three-way", .init = "client",
                  .api = API(CLOSE_AFTER_EOF), .rel_fin = 8 } },
        /* 10 */ { C2S, "A", 102, 52, 0, .x = { "teardown", "TIME_WAIT", "CLOSED",
                   .td = 3, .kind = "three-way", .init = "client", .api = API(FIN_ACK),
                   .rel_fin = 9, .tw = "client" } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    /* FIN_WAIT_1 -> FIN_WAIT_2 (ACK part) -> TIME_WAIT (FIN part). */
    assert_int_equal(r.res[9].label_recv, TCPLIFE_LABEL_ENTER_TIME_WAIT);
}

static void
test_conn_simultaneous_close_crossing_fins_both_time_wait(void **state)
{
    static const tl_script_t script[] = {
        HANDSHAKE, DATA,
        /* 8 */ { C2S, "FA", 101, 51, 0, .x = { "teardown", "FIN_WAIT_1", "CLOSE_WAIT",
                  .td = 1, .init = "client", .api = API(CLOSE) } },
        /* acks 101, not the client's FIN at 101: sent before it arrived */
        /* 9 */ { S2C, "FA", 51, 101, 0, .x = { "teardown", "CLOSING", "CLOSING",
                  .td = 2, .kind = "simultaneous", .init = "client", .api = API(CLOSE),
                  .an = { AN(TEARDOWN_SIMULTANEOUS) } } },
        /* 10 */ { C2S, "A", 102, 52, 0, .x = { "teardown", "CLOSING", "TIME_WAIT",
                   .td = 3, .kind = "simultaneous", .init = "client", .api = API(FIN_ACK),
                   .rel_fin = 9 } },
        /* 11 */ { S2C, "A", 52, 102, 0, .x = { "teardown", "TIME_WAIT", "TIME_WAIT",
                   .td = 4, .kind = "simultaneous", .init = "client", .api = API(FIN_ACK),
                   .rel_fin = 8, .tw = "both" } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.res[9].label_send, TCPLIFE_LABEL_CROSSING_FIN_SENT);
    assert_int_equal(r.res[9].label_recv, TCPLIFE_LABEL_SIMULTANEOUS_CLOSE);
    assert_true(r.conn.ended);
}

TCPLIFE_SCRIPT_TEST(test_conn_half_close_server_sends_after_client_fin,
        HANDSHAKE,
        /* 4 */ EST_ROW(C2S, "PA", 1, 1, 100),
        /* 5 */ EST_ROW(S2C, "A", 1, 101, 0),
        /* 6 */ { C2S, "FA", 101, 1, 0, .x = { "teardown", "FIN_WAIT_1", "CLOSE_WAIT",
                  .td = 1, .init = "client", .api = API(CLOSE) } },
        /* 7 */ { S2C, "A", 1, 102, 0, .x = { "teardown", "FIN_WAIT_2", "CLOSE_WAIT",
                  .td = 2, .init = "client", .api = API(FIN_ACK), .rel_fin = 6 } },
        /* the server keeps writing into the half-closed connection */
        /* 8 */ { S2C, "PA", 1, 102, 300, .x = { "teardown", "FIN_WAIT_2", "CLOSE_WAIT",
                  .init = "client", .an = { AN(TEARDOWN_HALF_CLOSE) }, .hc = 300 } },
        /* 9 */ { C2S, "A", 102, 301, 0, .x = { "teardown", "FIN_WAIT_2", "CLOSE_WAIT",
                  .init = "client" } },
        /* 10 */ { S2C, "PA", 301, 102, 200, .x = { "teardown", "FIN_WAIT_2", "CLOSE_WAIT",
                   .init = "client", .an = { AN(TEARDOWN_HALF_CLOSE) }, .hc = 500 } },
        /* 11 */ { C2S, "A", 102, 501, 0, .x = { "teardown", "FIN_WAIT_2", "CLOSE_WAIT",
                   .init = "client" } },
        /* 12 */ { S2C, "FA", 501, 102, 0, .x = { "teardown", "TIME_WAIT", "LAST_ACK",
                   .td = 3, .kind = "four-way", .init = "client", .api = API(CLOSE_AFTER_EOF) } },
        /* 13 */ { C2S, "A", 102, 502, 0, .x = { "teardown", "TIME_WAIT", "CLOSED",
                   .td = 4, .kind = "four-way", .init = "client", .api = API(FIN_ACK),
                   .rel_fin = 12, .tw = "client" } },
)

/* ------------------------------------------------------------------------ */
/* Resets and segments after the end                                         */
/* ------------------------------------------------------------------------ */

static void
test_conn_refused_rst_answers_syn(void **state)
{
    static const tl_script_t script[] = {
        /* 1 */ { C2S, "S", 0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED",
                  .hs = 1, .api = API(CONNECT) } },
        /* 2 */ { S2C, "RA", 0, 1, 0, .x = { "reset", "CLOSED", "CLOSED",
                  .api = API(NO_LISTENER), .an = { AN(HANDSHAKE_REFUSED) }, .rel_rst = 1,
                  .rst = "refused" } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.res[2].label_recv, TCPLIFE_LABEL_RESET_RECEIVED);
    assert_true(r.conn.reset);
    assert_int_equal(r.conn.reset_frame, 2);
    assert_false(r.conn.handshake_done);
}

TCPLIFE_SCRIPT_TEST(test_conn_refused_after_syn_retransmission_links_latest_syn,
        /* 1 */ { C2S, "S", 0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED",
                  .hs = 1, .api = API(CONNECT) } },
        /* 2 */ { C2S, "S", 0, 0, 0, .dt_ms = 1000, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED",
                  .hs = 1, .retry = 1, .backoff_ms = 1000, .api = API(CONNECT_RETRY),
                  .an = { AN(HANDSHAKE_SYN_RETRANS) }, .rel_prev = 1 } },
        /* 3 */ { S2C, "RA", 0, 1, 0, .x = { "reset", "CLOSED", "CLOSED",
                  .api = API(NO_LISTENER), .an = { AN(HANDSHAKE_REFUSED) }, .rel_rst = 2,
                  .rst = "refused" } },
)

static void
test_conn_rst_with_unanswered_input_is_unread_data(void **state)
{
    static const tl_script_t script[] = {
        HANDSHAKE,
        /* 4 */ EST_ROW(C2S, "PA", 1, 1, 100),
        /* the server acknowledges the 100 bytes in its RST+ACK and never
         * answered them: its application closed with them unread, Linux
         * sent RST, not FIN (tcp_close(), TCP_ABORT_ON_CLOSE) */
        /* 5 */ { S2C, "RA", 1, 101, 0, .x = { "reset", "CLOSED", "CLOSED",
                  .api = API(CLOSE_UNREAD), .an = { AN(RESET_UNREAD_DATA) },
                  .rel_rst = 4, .rst = "unread_data", .unread = 100 } },
        /* data still in flight from the client: the connection is gone */
        /* 6 */ { C2S, "PA", 101, 1, 50, .x = { "closed", "CLOSED", "CLOSED",
                  .an = { AN(CLOSED_SEGMENT_AFTER_CLOSE) } } },
        /* a second RST has nothing left to reset */
        /* 7 */ { S2C, "R", 1, 0, 0, .x = { "reset", "CLOSED", "CLOSED",
                  .an = { AN(CLOSED_STRAY_RST) }, .rel_rst = 6, .rst = "stray",
                  .api = API(NO_SOCKET) } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.res[5].label_send, TCPLIFE_LABEL_RESET_SENT);
    assert_int_equal(r.res[5].label_recv, TCPLIFE_LABEL_RESET_RECEIVED);
    assert_int_equal(r.res[5].rst_reason, TCPLIFE_REASON_TCP_ABORT_ON_CLOSE);
    assert_int_equal(r.res[7].rst_rule, TCPLIFE_RULE_STRAY_RESET);
    assert_int_equal(r.conn.reset_frame, 5);
}

/* Bytes the RST sender never acknowledged were in flight or lost: never
 * unread, whatever else the RST says (SPEC, RST kinds). */
static void
test_conn_rst_not_covering_input_is_not_unread(void **state)
{
    static const tl_script_t rst_ack[] = {
        HANDSHAKE,
        /* 4 */ EST_ROW(C2S, "PA", 1, 1, 74),
        /* 5 */ { C2S, "PA", 1, 1, 74, .dt_ms = 300, .x = { "established", "ESTABLISHED", "ESTABLISHED" } },
        /* its ack does not cover the 74 bytes resent above: they never got there */
        /* 6 */ { S2C, "RA", 1, 1, 0, .x = { "reset", "CLOSED", "CLOSED",
                  .api = API(ABORT), .an = { AN(RESET_SEEN), AN(RESET_DATA_LOST) },
                  .rel_rst = 5, .rst = "abort", .unacked = 74 } },
    };
    static const tl_script_t bare[] = {
        HANDSHAKE,
        /* 4 */ EST_ROW(C2S, "PA", 1, 1, 74),
        /* a bare RST whose seq is the data's ack: the reply of a host with
         * no socket for it (RFC 9293 3.10.7.1), not an abort */
        /* 5 */ { S2C, "R", 1, 0, 0, .x = { "reset", "CLOSED", "CLOSED",
                  .api = API(NO_SOCKET), .an = { AN(RESET_NO_SOCKET), AN(RESET_DATA_LOST) },
                  .rel_rst = 4, .rst = "stray", .unacked = 74 } },
    };
    tl_run_t r;
    (void)state;
    tl_run_init(&r);
    TCPLIFE_RUN(&r, rst_ack);
    assert_int_equal(r.res[6].rst_rule, TCPLIFE_RULE_ABORT);
    assert_int_equal(r.res[6].rst_reason, TCPLIFE_REASON_TCP_STATE);
    tl_run_init(&r);
    TCPLIFE_RUN(&r, bare);
    assert_int_equal(r.res[5].rst_rule, TCPLIFE_RULE_STRAY_GONE);
    assert_int_equal(r.res[5].rst_reason, TCPLIFE_REASON_NO_SOCKET);
}

static void
test_conn_rst_after_answering_all_input_is_abort(void **state)
{
    static const tl_script_t script[] = {
        HANDSHAKE, DATA,
        /* the server answered the request and its answer was acknowledged:
         * nothing unread, nothing lost: SO_LINGER 0 or an application abort */
        /* 8 */ { S2C, "RA", 51, 101, 0, .x = { "reset", "CLOSED", "CLOSED",
                  .api = API(ABORT), .an = { AN(RESET_SEEN) }, .rel_rst = 7,
                  .rst = "abort" } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.conn.reset_kind, TCPLIFE_RST_ABORT);
    assert_int_equal(r.conn.reset_sender, TCPLIFE_ROLE_SERVER);
    assert_int_equal(tl_conn_outcome(&r.conn), TCPLIFE_OUTCOME_RESET);
}

TCPLIFE_SCRIPT_TEST(test_conn_rst_counts_unacknowledged_bytes_as_lost,
        HANDSHAKE, DATA,
        /* 8 */ EST_ROW(C2S, "PA", 101, 51, 300),
        /* the server has answered frame 4 but acknowledges only up to 101
         * when it aborts: the client's 300 bytes of frame 8 never reached
         * it (not unread: lost with the connection) */
        /* 9 */ { S2C, "RA", 51, 101, 0, .x = { "reset", "CLOSED", "CLOSED",
                  .api = API(ABORT), .an = { AN(RESET_SEEN), AN(RESET_DATA_LOST) },
                  .rel_rst = 8, .rst = "abort", .unacked = 300 } },
)

TCPLIFE_SCRIPT_TEST(test_conn_rst_answering_data_after_own_fin_is_data_after_close,
        HANDSHAKE, DATA,
        /* 8 */ { C2S, "FA", 101, 51, 0, .x = { "teardown", "FIN_WAIT_1", "CLOSE_WAIT",
                  .td = 1, .init = "client", .api = API(CLOSE) } },
        /* 9 */ { S2C, "A", 51, 102, 0, .x = { "teardown", "FIN_WAIT_2", "CLOSE_WAIT",
                  .td = 2, .init = "client", .api = API(FIN_ACK), .rel_fin = 8 } },
        /* 10 */ { S2C, "PA", 51, 102, 23, .x = { "teardown", "FIN_WAIT_2", "CLOSE_WAIT",
                   .init = "client", .an = { AN(TEARDOWN_HALF_CLOSE) }, .hc = 23 } },
        /* the client had close()d: Linux answers the data with RST
         * (TCP_ABORT_ON_DATA), without ACK; the 23 bytes are discarded */
        /* 11 */ { C2S, "R", 102, 0, 0, .x = { "reset", "CLOSED", "CLOSED",
                   .init = "client", .api = API(RST_ON_DATA),
                   .an = { AN(RESET_DATA_AFTER_CLOSE), AN(RESET_DATA_LOST) },
                   /* unread: the 50 bytes it acknowledged since its own last
                    * payload (frame 4); the 23 it never acknowledged are
                    * unacked, lost */
                   .rel_rst = 10, .rst = "data_after_close", .unread = 50, .unacked = 23 } },
)

static void
test_conn_rst_after_close_is_stray(void **state)
{
    static const tl_script_t after[] = {
        /* 12: nothing left to abort, but the RST kills the client's
         * TIME_WAIT (Linux default tcp_rfc1337=0, RFC 1337). */
        { S2C, "R", 52, 0, 0, .x = { "reset", "CLOSED", "CLOSED",
          .kind = "four-way", .init = "client", .an = { AN(CLOSED_STRAY_RST) },
          .rst = "stray", .rel_rst = 11, .tw = "client", .api = API(NO_SOCKET) } },
    };
    tl_run_t r;
    (void)state;
    tl_run_init(&r);
    TCPLIFE_RUN(&r, normal_life);
    TCPLIFE_RUN(&r, after);
    /* A stray RST does not turn a clean close into a reset. */
    assert_false(r.conn.reset);
}

static void
test_conn_segments_after_close_are_phase_closed(void **state)
{
    static const tl_script_t after[] = {
        /* 12: the final ACK again, a while later */
        { C2S, "A", 102, 52, 0, .dt_ms = 200, .x = { "closed", "TIME_WAIT", "CLOSED",
          .kind = "four-way", .init = "client", .an = { AN(CLOSED_SEGMENT_AFTER_CLOSE) },
          .tw = "client" } },
        /* 13: stray data from the closed server, beyond its own FIN; not a
         * half-close: the connection is over */
        { S2C, "PA", 52, 102, 10, .x = { "closed", "TIME_WAIT", "CLOSED",
          .kind = "four-way", .init = "client", .tw = "client",
          .an = { AN(CLOSED_SEGMENT_AFTER_CLOSE), AN(TEARDOWN_DATA_AFTER_FIN) } } },
    };
    tl_run_t r;
    (void)state;
    tl_run_init(&r);
    TCPLIFE_RUN(&r, normal_life);
    TCPLIFE_RUN(&r, after);
}

TCPLIFE_SCRIPT_TEST(test_conn_rst_as_first_segment_is_stray,
        /* 1 */ { C2S, "R", 1, 0, 0, .x = { "reset", "CLOSED", "CLOSED",
                  .roles_inferred = true, .midstream = true,
                  .an = { AN(RESET_NO_SOCKET), AN(ESTABLISHED_MIDSTREAM) }, .rst = "stray",
                  .api = API(NO_SOCKET) } },
)

/* ------------------------------------------------------------------------ */
/* Handshake retransmissions and mismatches                                  */
/* ------------------------------------------------------------------------ */

static void
test_conn_syn_retransmissions_back_off_1_2_4_s(void **state)
{
#define SYN_RETRY(n, ms, prev)                                                        \
    { C2S, "S", 0, 0, 0, .dt_ms = ms, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED", \
      .hs = 1, .retry = n, .backoff_ms = ms, .api = API(CONNECT_RETRY),               \
      .an = { AN(HANDSHAKE_SYN_RETRANS) }, .rel_prev = prev } }
    static const tl_script_t script[] = {
        /* 1 */ { C2S, "S", 0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED",
                  .hs = 1, .api = API(CONNECT) } },
        /* 2 */ SYN_RETRY(1, 1000, 1),
        /* 3 */ SYN_RETRY(2, 2000, 2),
        /* 4 */ SYN_RETRY(3, 4000, 3),
        /* 5 */ { S2C, "SA", 0, 1, 0, .x = { "handshake", "ESTABLISHED", "SYN_RECEIVED",
                  .hs = 2, .ack = ACK_OK, .api = API(SYN_QUEUE), .rel_syn = 1 } },
        /* 6 */ { C2S, "A", 1, 1, 0, .x = { "handshake", "ESTABLISHED", "ESTABLISHED",
                  .hs = 3, .ack = ACK_OK, .api = API(CONNECT_RETURNS), .rel_syn = 5 } },
    };
#undef SYN_RETRY
    TCPLIFE_RUN_SCRIPT(r, script);
    /* A retransmission moves nobody: no transition labels at all. */
    for (uint32_t f = 2; f <= 4; f++) {
        assert_int_equal(r.res[f].label_send, TCPLIFE_LABEL_NONE);
        assert_int_equal(r.res[f].label_recv, TCPLIFE_LABEL_NONE);
        assert_int_equal(r.res[f].prev_state[TCPLIFE_ROLE_SERVER], TCPLIFE_STATE_SYN_RECEIVED);
    }
    assert_int_equal(r.conn.ep[TCPLIFE_ROLE_CLIENT].syn_count, 4);
}

/* Frames 1-2 of HANDSHAKE. */
#define SYN_AND_SYNACK                                                               \
    /* 1 */ { C2S, "S",  0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED",    \
              .hs = 1, .api = API(CONNECT) } },                                      \
    /* 2 */ { S2C, "SA", 0, 1, 0, .x = { "handshake", "ESTABLISHED", "SYN_RECEIVED", \
              .hs = 2, .ack = ACK_OK, .api = API(SYN_QUEUE), .rel_syn = 1 } }

static void
test_conn_synack_retransmissions_before_client_ack(void **state)
{
    static const tl_script_t script[] = {
        SYN_AND_SYNACK,
        /* 3 */ { S2C, "SA", 0, 1, 0, .dt_ms = 1000, .x = { "handshake", "ESTABLISHED",
                  "SYN_RECEIVED", .hs = 2, .ack = ACK_OK, .retry = 1, .backoff_ms = 1000,
                  .api = API(SYN_QUEUE_RETRY), .an = { AN(HANDSHAKE_SYNACK_RETRANS) },
                  .rel_syn = 1, .rel_prev = 2 } },
        /* 4 */ { S2C, "SA", 0, 1, 0, .dt_ms = 2000, .x = { "handshake", "ESTABLISHED",
                  "SYN_RECEIVED", .hs = 2, .ack = ACK_OK, .retry = 2, .backoff_ms = 2000,
                  .api = API(SYN_QUEUE_RETRY), .an = { AN(HANDSHAKE_SYNACK_RETRANS) },
                  .rel_syn = 1, .rel_prev = 3 } },
        /* 5: step 3 answers the latest SYN-ACK */
        /* 5 */ { C2S, "A", 1, 1, 0, .x = { "handshake", "ESTABLISHED", "ESTABLISHED",
                  .hs = 3, .ack = ACK_OK, .api = API(CONNECT_RETURNS), .rel_syn = 4 } },
        /* 6 */ EST_ROW(C2S, "PA", 1, 1, 10),
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.conn.hs_ack_frame, 5);
}

static void
test_conn_synack_after_step3_ack_reopens_step3(void **state)
{
    static const tl_script_t script[] = {
        HANDSHAKE,
        /* the server never took frame 3: it is back in SYN_RECEIVED */
        /* 4 */ { S2C, "SA", 0, 1, 0, .dt_ms = 1000, .x = { "handshake", "ESTABLISHED",
                  "SYN_RECEIVED", .hs = 2, .ack = ACK_OK, .retry = 1, .backoff_ms = 1000,
                  .api = API(SYN_QUEUE_RETRY), .rel_syn = 1, .rel_prev = 2,
                  .an = { AN(HANDSHAKE_SYNACK_RETRANS), AN(HANDSHAKE_SYNACK_AFTER_ACK) },
                  .rel_ack_not_taken = 3 } },
        /* the client's re-ACK is step 3 again, but the server ignored one
         * like it: no proof yet that it takes this one */
        /* 5 */ { C2S, "A", 1, 1, 0, .x = { "handshake", "ESTABLISHED", "SYN_RECEIVED",
                  .hs = 3, .ack = ACK_OK, .rel_syn = 4,
                  .an = { AN(HANDSHAKE_ACK_UNCONFIRMED) } } },
        /* 6 */ { C2S, "PA", 1, 1, 10, .x = { "handshake", "ESTABLISHED", "SYN_RECEIVED" } },
        /* the server acknowledges the data: it is synchronized */
        /* 7 */ EST_ROW(S2C, "A", 1, 11, 0),
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.res[4].label_send, TCPLIFE_LABEL_SYNACK_SENT);
    assert_int_equal(r.res[7].label_send, TCPLIFE_LABEL_SYNC_SHOWN);
    assert_int_equal(r.conn.hs_ack_frame, 5);
    assert_true(r.conn.handshake_done);
}

static void
test_conn_rst_from_server_that_never_took_the_ack_is_stray(void **state)
{
    /* Linux gave up on the handshake (its SYN-ACK retries ran out or the
     * accept queue overflowed) and answers the client's data with RST. */
    static const tl_script_t script[] = {
        HANDSHAKE,
        /* 4 */ { S2C, "SA", 0, 1, 0, .dt_ms = 1000, .x = { "handshake", "ESTABLISHED",
                  "SYN_RECEIVED", .hs = 2, .ack = ACK_OK, .retry = 1, .backoff_ms = 1000,
                  .api = API(SYN_QUEUE_RETRY), .rel_syn = 1, .rel_prev = 2,
                  .an = { AN(HANDSHAKE_SYNACK_RETRANS), AN(HANDSHAKE_SYNACK_AFTER_ACK) },
                  .rel_ack_not_taken = 3 } },
        /* the first answer to the SYN-ACK is step 3, unconfirmed */
        /* 5 */ { C2S, "PA", 1, 1, 13, .dt_ms = 5000, .x = { "handshake", "ESTABLISHED", "SYN_RECEIVED",
                  .hs = 3, .ack = ACK_OK, .rel_syn = 4, .an = { AN(HANDSHAKE_ACK_UNCONFIRMED) } } },
        /* the listener answers the data for a request that is gone */
        /* 6 */ { S2C, "R", 1, 0, 0, .x = { "reset", "CLOSED", "CLOSED", .api = API(NO_SOCKET),
                  .an = { AN(RESET_NO_SOCKET), AN(RESET_DATA_LOST) }, .rst = "stray",
                  .rel_rst = 5, .unacked = 13 } },
    };
    tl_run_t r;
    tl_summary_t sum;
    (void)state;
    tl_run_init(&r);
    TCPLIFE_RUN(&r, script);
    assert_int_equal(r.res[6].rst_rule, TCPLIFE_RULE_STRAY_SYNACK_GIVEUP);
    assert_int_equal(r.res[6].rst_reason, TCPLIFE_REASON_TCP_FLAGS);
    tl_conn_summarize(&r.conn, &r.cfg, &sum);
    assert_int_equal(sum.handshake, TCPLIFE_HS_HALF_OPEN);
}

static void
test_conn_synack_acking_wrong_number_is_mismatch(void **state)
{
    static const tl_script_t script[] = {
        /* 1 */ { C2S, "S", 0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED",
                  .hs = 1, .api = API(CONNECT) } },
        /* acks ISN+5, not ISN+1: the client does not take it */
        /* 2 */ { S2C, "SA", 0, 5, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED",
                  .hs = 2, .ack = ACK_BAD, .api = API(SYN_QUEUE), .rel_syn = 1,
                  .an = { AN(HANDSHAKE_ACK_MISMATCH) } } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.res[2].isn, r.sisn);
    assert_int_equal(r.res[2].peer_isn, r.cisn);
    assert_false(r.conn.ep[TCPLIFE_ROLE_CLIENT].syn_acked);
}

TCPLIFE_SCRIPT_TEST(test_conn_step3_ack_acking_wrong_number_is_mismatch,
        SYN_AND_SYNACK,
        /* 3 */ { C2S, "A", 1, 7, 0, .x = { "handshake", "ESTABLISHED", "SYN_RECEIVED",
                  .hs = 3, .ack = ACK_BAD, .rel_syn = 2,
                  .an = { AN(HANDSHAKE_ACK_MISMATCH) } } },
        /* the correct ACK completes the handshake */
        /* 4 */ { C2S, "A", 1, 1, 0, .x = { "handshake", "ESTABLISHED", "ESTABLISHED",
                  .hs = 3, .ack = ACK_OK, .api = API(CONNECT_RETURNS), .rel_syn = 2 } },
)

static void
test_conn_syn_with_new_isn_is_flagged_not_counted(void **state)
{
    static const tl_script_t script[] = {
        /* 1 */ { C2S, "S", 0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED",
                  .hs = 1, .api = API(CONNECT) } },
        /* another ISN on the same connection: not a retransmission */
        /* 2 */ { C2S, "S", 77, 0, 0, .dt_ms = 1000, .x = { "handshake", "SYN_SENT",
                  "SYN_RECEIVED", .hs = 1, .an = { AN(HANDSHAKE_NEW_ISN) } } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.conn.ep[TCPLIFE_ROLE_CLIENT].isn, r.cisn);
    assert_int_equal(r.conn.ep[TCPLIFE_ROLE_CLIENT].syn_count, 1);
}

static void
test_conn_simultaneous_open_syns_cross(void **state)
{
    static const tl_script_t script[] = {
        /* 1 */ { C2S, "S", 0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED",
                  .hs = 1, .api = API(CONNECT) } },
        /* the server's own SYN, sent before the client's arrived */
        /* 2 */ { S2C, "S", 0, 0, 0, .x = { "handshake", "SYN_RECEIVED", "SYN_RECEIVED",
                  .hs = 1, .api = API(SIMOPEN), .an = { AN(HANDSHAKE_SIMULTANEOUS_OPEN) } } },
        /* RFC 9293 figure 7: each side answers with SYN-ACK (step 2, not a
         * retransmission of its SYN) */
        /* 3 */ { C2S, "SA", 0, 1, 0, .x = { "handshake", "SYN_RECEIVED", "ESTABLISHED",
                  .hs = 2, .ack = ACK_OK, .api = API(SIMOPEN), .rel_syn = 2 } },
        /* 4 */ { S2C, "SA", 0, 1, 0, .x = { "handshake", "ESTABLISHED", "ESTABLISHED",
                  .hs = 2, .ack = ACK_OK, .api = API(SIMOPEN), .rel_syn = 1 } },
        /* 5 */ EST_ROW(C2S, "PA", 1, 1, 10),
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.res[2].label_recv, TCPLIFE_LABEL_SIMULTANEOUS_OPEN);
    assert_true(r.conn.simultaneous_open);
    assert_true(r.conn.handshake_done);
}

/* ------------------------------------------------------------------------ */
/* Capture started late                                                      */
/* ------------------------------------------------------------------------ */

static void
test_conn_midstream_roles_from_well_known_port(void **state)
{
    static const tl_script_t script[] = {
        /* the first segment seen is data from port 80: the server */
        /* 1 */ { S2C, "PA", 1, 1, 100, .x = { "established", "ESTABLISHED", "ESTABLISHED",
                  .midstream = true, .roles_inferred = true,
                  .an = { AN(ESTABLISHED_MIDSTREAM) } } },
        /* 2 */ { C2S, "A", 1, 101, 0, .x = { "established", "ESTABLISHED", "ESTABLISHED",
                  .midstream = true, .roles_inferred = true } },
        /* 3 */ { C2S, "FA", 1, 101, 0, .x = { "teardown", "FIN_WAIT_1", "CLOSE_WAIT",
                  .td = 1, .init = "client", .api = API(CLOSE),
                  .midstream = true, .roles_inferred = true } },
        /* 4 */ { S2C, "FA", 101, 2, 0, .x = { "teardown", "TIME_WAIT", "LAST_ACK",
                  .td = 2, .kind = "three-way", .init = "client", .api = API(CLOSE_AFTER_EOF),
                  .rel_fin = 3, .midstream = true, .roles_inferred = true } },
        /* 5 */ { C2S, "A", 2, 102, 0, .x = { "teardown", "TIME_WAIT", "CLOSED",
                  .td = 3, .kind = "three-way", .init = "client", .api = API(FIN_ACK),
                  .rel_fin = 4, .midstream = true, .roles_inferred = true, .tw = "client" } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.conn.ep[TCPLIFE_ROLE_SERVER].port, 80);
}

static void
test_conn_midstream_roles_from_lower_port(void **state)
{
    static const tl_script_t script[] = {
        /* both ports unprivileged: the lower one, 8080, is the server's */
        /* 1 */ { C2S, "PA", 1, 1, 10, .x = { "established", "ESTABLISHED", "ESTABLISHED",
                  .midstream = true, .roles_inferred = true,
                  .an = { AN(ESTABLISHED_MIDSTREAM) } } },
        /* 2 */ { S2C, "A", 1, 11, 0, .x = { "established", "ESTABLISHED", "ESTABLISHED",
                  .midstream = true, .roles_inferred = true } },
    };
    tl_run_t r;
    (void)state;
    tl_run_init(&r);
    r.cport = 50000;
    r.sport = 8080;
    TCPLIFE_RUN(&r, script);
    assert_int_equal(r.conn.ep[TCPLIFE_ROLE_SERVER].port, 8080);
}

static void
test_conn_first_segment_synack_infers_roles(void **state)
{
    static const tl_script_t script[] = {
        /* the SYN was not captured: its ISN is what the SYN-ACK acks */
        /* 1 */ { S2C, "SA", 0, 1, 0, .x = { "handshake", "ESTABLISHED", "SYN_RECEIVED",
                  .hs = 2, .api = API(SYN_QUEUE), .roles_inferred = true } },
        /* 2 */ { C2S, "A", 1, 1, 0, .x = { "handshake", "ESTABLISHED", "ESTABLISHED",
                  .hs = 3, .ack = ACK_OK, .api = API(CONNECT_RETURNS), .rel_syn = 1,
                  .roles_inferred = true } },
        /* 3 */ { C2S, "PA", 1, 1, 10, .x = { "established", "ESTABLISHED", "ESTABLISHED",
                  .roles_inferred = true } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.conn.ep[TCPLIFE_ROLE_CLIENT].isn, r.cisn);
    assert_false(r.conn.midstream);
}

/* ------------------------------------------------------------------------ */
/* Teardown retransmissions                                                  */
/* ------------------------------------------------------------------------ */

static void
test_conn_retransmitted_fin_is_not_a_new_step(void **state)
{
    static const tl_script_t script[] = {
        HANDSHAKE,
        /* 4 */ { C2S, "FA", 1, 1, 0, .x = { "teardown", "FIN_WAIT_1", "CLOSE_WAIT",
                  .td = 1, .init = "client", .api = API(CLOSE) } },
        /* 5 */ { C2S, "FA", 1, 1, 0, .dt_ms = 200, .x = { "teardown", "FIN_WAIT_1",
                  "CLOSE_WAIT", .init = "client", .fin_retrans = true, .rel_prev = 4,
                  .an = { AN(TEARDOWN_FIN_RETRANS) } } },
        /* 6 */ { S2C, "A", 1, 2, 0, .x = { "teardown", "FIN_WAIT_2", "CLOSE_WAIT",
                  .td = 2, .init = "client", .api = API(FIN_ACK), .rel_fin = 4 } },
        /* 7 */ { S2C, "FA", 1, 2, 0, .x = { "teardown", "TIME_WAIT", "LAST_ACK",
                  .td = 3, .kind = "four-way", .init = "client", .api = API(CLOSE_AFTER_EOF) } },
        /* the server's FIN again: the client is in TIME_WAIT and re-ACKs */
        /* 8 */ { S2C, "FA", 1, 2, 0, .dt_ms = 200, .x = { "teardown", "TIME_WAIT",
                  "LAST_ACK", .kind = "four-way", .init = "client", .fin_retrans = true,
                  .rel_prev = 7, .an = { AN(TEARDOWN_FIN_RETRANS) } } },
        /* 9 */ { C2S, "A", 2, 2, 0, .x = { "teardown", "TIME_WAIT", "CLOSED",
                  .td = 4, .kind = "four-way", .init = "client", .api = API(FIN_ACK),
                  .rel_fin = 7, .tw = "client" } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.conn.ep[TCPLIFE_ROLE_CLIENT].fin_frame, 4);
}

static void
test_conn_duplicate_ack_of_fin_is_not_a_new_step(void **state)
{
    static const tl_script_t script[] = {
        HANDSHAKE,
        /* 4 */ { C2S, "FA", 1, 1, 0, .x = { "teardown", "FIN_WAIT_1", "CLOSE_WAIT",
                  .td = 1, .init = "client", .api = API(CLOSE) } },
        /* 5 */ { S2C, "A", 1, 2, 0, .x = { "teardown", "FIN_WAIT_2", "CLOSE_WAIT",
                  .td = 2, .init = "client", .api = API(FIN_ACK), .rel_fin = 4 } },
        /* 6 */ { S2C, "A", 1, 2, 0, .dt_ms = 1, .x = { "teardown", "FIN_WAIT_2", "CLOSE_WAIT",
                  .init = "client" } },
        /* 7 */ { S2C, "FA", 1, 2, 0, .x = { "teardown", "TIME_WAIT", "LAST_ACK",
                  .td = 3, .kind = "four-way", .init = "client", .api = API(CLOSE_AFTER_EOF) } },
        /* 8 */ { C2S, "A", 2, 2, 0, .x = { "teardown", "TIME_WAIT", "CLOSED",
                  .td = 4, .kind = "four-way", .init = "client", .api = API(FIN_ACK),
                  .rel_fin = 7, .tw = "client" } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.conn.ep[TCPLIFE_ROLE_CLIENT].fin_ack_frame, 5);
}

/* ------------------------------------------------------------------------ */
/* Sequence space and addressing                                             */
/* ------------------------------------------------------------------------ */

static void
test_conn_sequence_numbers_wrap_past_2_32(void **state)
{
    tl_run_t r;
    (void)state;
    /* Data of both sides crosses 2^32. */
    tl_run_init(&r);
    r.cisn = 0xFFFFFFF0u;
    r.sisn = 0xFFFFFFC0u;
    TCPLIFE_RUN(&r, normal_life);
    /* The client's FIN is the last number before 2^32 and its ACK is 0; the
     * server's SYN is the last number before 2^32. */
    tl_run_init(&r);
    r.cisn = 0xFFFFFF9Au;
    r.sisn = 0xFFFFFFFFu;
    TCPLIFE_RUN(&r, normal_life);
    assert_int_equal(r.conn.ep[TCPLIFE_ROLE_CLIENT].fin_seq, 0xFFFFFFFFu);
    assert_int_equal(r.conn.ep[TCPLIFE_ROLE_CLIENT].nxt, 0u);
}

static void
test_conn_out_of_order_data_changes_nothing(void **state)
{
    static const tl_script_t script[] = {
        HANDSHAKE,
        /* 4 */ EST_ROW(C2S, "PA", 101, 1, 100),   /* 1:101 lost or late */
        /* 5 */ EST_ROW(S2C, "A", 1, 1, 0),        /* duplicate ACK */
        /* 6 */ EST_ROW(C2S, "PA", 1, 1, 100),     /* fills the hole */
        /* 7 */ EST_ROW(S2C, "A", 1, 201, 0),
        /* 8 */ EST_ROW(C2S, "PA", 201, 1, 100),
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.conn.ep[TCPLIFE_ROLE_CLIENT].nxt, r.cisn + 301);
}

static void
test_conn_ipv6_connection(void **state)
{
    tl_run_t r;
    (void)state;
    tl_run_init(&r);
    r.caddr = tl_addr6(1);
    r.saddr = tl_addr6(2);
    TCPLIFE_RUN(&r, normal_life);
    assert_int_equal(r.conn.ep[TCPLIFE_ROLE_CLIENT].addr.family, 6);
    assert_memory_equal(r.conn.ep[TCPLIFE_ROLE_SERVER].addr.bytes, r.saddr.bytes, 16);
}

static void
test_conn_same_ports_direction_decided_by_address(void **state)
{
    tl_run_t r;
    (void)state;
    tl_run_init(&r);
    r.cport = r.sport = 5555;
    TCPLIFE_RUN(&r, normal_life);
}

static void
test_conn_ipv4_and_ipv6_same_bytes_are_different_addresses(void **state)
{
    tl_run_t r;
    (void)state;
    /* Same ports, and the client's IPv6 address starts with the server's
     * IPv4 bytes: only the family tells them apart. */
    tl_run_init(&r);
    r.cport = r.sport = 5555;
    r.saddr = tl_addr4(192, 0, 2, 1);
    r.caddr = r.saddr;
    r.caddr.family = 6;
    TCPLIFE_RUN(&r, normal_life);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_conn_handshake_data_and_client_first_four_way_close),
    cmocka_unit_test(test_conn_server_first_four_way_close),
    cmocka_unit_test(test_conn_three_way_close_fin_finack_ack),
    cmocka_unit_test(test_conn_simultaneous_close_crossing_fins_both_time_wait),
    cmocka_unit_test(test_conn_half_close_server_sends_after_client_fin),
    cmocka_unit_test(test_conn_refused_rst_answers_syn),
    cmocka_unit_test(test_conn_refused_after_syn_retransmission_links_latest_syn),
    cmocka_unit_test(test_conn_rst_with_unanswered_input_is_unread_data),
    cmocka_unit_test(test_conn_rst_after_answering_all_input_is_abort),
    cmocka_unit_test(test_conn_rst_counts_unacknowledged_bytes_as_lost),
    cmocka_unit_test(test_conn_rst_not_covering_input_is_not_unread),
    cmocka_unit_test(test_conn_rst_answering_data_after_own_fin_is_data_after_close),
    cmocka_unit_test(test_conn_rst_after_close_is_stray),
    cmocka_unit_test(test_conn_segments_after_close_are_phase_closed),
    cmocka_unit_test(test_conn_rst_as_first_segment_is_stray),
    cmocka_unit_test(test_conn_syn_retransmissions_back_off_1_2_4_s),
    cmocka_unit_test(test_conn_synack_retransmissions_before_client_ack),
    cmocka_unit_test(test_conn_synack_after_step3_ack_reopens_step3),
    cmocka_unit_test(test_conn_rst_from_server_that_never_took_the_ack_is_stray),
    cmocka_unit_test(test_conn_synack_acking_wrong_number_is_mismatch),
    cmocka_unit_test(test_conn_step3_ack_acking_wrong_number_is_mismatch),
    cmocka_unit_test(test_conn_syn_with_new_isn_is_flagged_not_counted),
    cmocka_unit_test(test_conn_simultaneous_open_syns_cross),
    cmocka_unit_test(test_conn_midstream_roles_from_well_known_port),
    cmocka_unit_test(test_conn_midstream_roles_from_lower_port),
    cmocka_unit_test(test_conn_first_segment_synack_infers_roles),
    cmocka_unit_test(test_conn_retransmitted_fin_is_not_a_new_step),
    cmocka_unit_test(test_conn_duplicate_ack_of_fin_is_not_a_new_step),
    cmocka_unit_test(test_conn_sequence_numbers_wrap_past_2_32),
    cmocka_unit_test(test_conn_out_of_order_data_changes_nothing),
    cmocka_unit_test(test_conn_ipv6_connection),
    cmocka_unit_test(test_conn_same_ports_direction_decided_by_address),
    cmocka_unit_test(test_conn_ipv4_and_ipv6_same_bytes_are_different_addresses),
};

TCPLIFE_TEST_MAIN(tests)
