/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_timewait.c - TIME_WAIT holder and timing, early reuse of a 4-tuple
 * (tl_timewait.c, and as the glue meets it, through tl_conn_observe_stream()),
 * half-close duration and the whole-connection outcome.
 * Scripts as in test_conn.c: client 192.0.2.1:51000, server
 * 198.51.100.2:80, ISNs 1000 and 5000, TIME_WAIT 60 s (the Linux profile).
 */
#include "tl_script.h"

#define S_NS INT64_C(1000000000)
#define MS_NS INT64_C(1000000)

/* A whole client-first life, 100 ms between segments. */
static const tl_script_t life[] = {
    { C2S, "S",  0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED", .hs = 1, .api = API(CONNECT) } },
    { S2C, "SA", 0, 1, 0, .dt_ms = 100, .x = { "handshake", "ESTABLISHED", "SYN_RECEIVED", .hs = 2,
      .ack = ACK_OK, .api = API(SYN_QUEUE), .rel_syn = 1 } },
    { C2S, "A",  1, 1, 0, .dt_ms = 100, .x = { "handshake", "ESTABLISHED", "ESTABLISHED", .hs = 3,
      .ack = ACK_OK, .api = API(CONNECT_RETURNS), .rel_syn = 2 } },
    { C2S, "FA", 1, 1, 0, .dt_ms = 100, .x = { "teardown", "FIN_WAIT_1", "CLOSE_WAIT", .td = 1,
      .init = "client", .api = API(CLOSE) } },
    { S2C, "A",  1, 2, 0, .dt_ms = 100, .x = { "teardown", "FIN_WAIT_2", "CLOSE_WAIT", .td = 2,
      .init = "client", .api = API(FIN_ACK), .rel_fin = 4 } },
    { S2C, "FA", 1, 2, 0, .dt_ms = 100, .x = { "teardown", "TIME_WAIT", "LAST_ACK", .td = 3,
      .kind = "four-way", .init = "client", .api = API(CLOSE_AFTER_EOF) } },
    { C2S, "A",  2, 2, 0, .dt_ms = 100, .x = { "teardown", "TIME_WAIT", "CLOSED", .td = 4,
      .kind = "four-way", .init = "client", .api = API(FIN_ACK), .rel_fin = 6, .tw = "client" } },
};

static void
test_timewait_starts_at_the_ack_of_the_last_fin_and_lasts_2msl(void **state)
{
    tl_run_t r;
    (void)state;
    tl_run_init(&r);
    TCPLIFE_RUN(&r, life);
    assert_int_equal(r.conn.tw_holder, TCPLIFE_TW_CLIENT);
    assert_int_equal(r.res[7].tw_start_ns, r.now_ns);
    assert_int_equal(r.res[7].tw_duration_ns, 60 * S_NS);
    assert_int_equal(r.res[7].tw_left_ns, 60 * S_NS);
    /* the second FIN comes 200 ms after the first */
    assert_true(r.res[6].hc_duration_valid);
    assert_int_equal(r.res[6].hc_duration_ns, 200 * 1000000);
    assert_false(r.res[4].hc_duration_valid);
}

static void
test_timewait_later_segments_show_time_left(void **state)
{
    static const tl_script_t later[] = {
        /* the server's FIN again 10 s later (its LAST_ACK timer): the final
         * ACK the capture saw was lost beyond it, the server is in LAST_ACK */
        { S2C, "FA", 1, 2, 0, .dt_ms = 10000, .x = { "teardown", "TIME_WAIT", "LAST_ACK",
          .kind = "four-way", .init = "client", .tw = "client", .fin_retrans = true,
          .rel_prev = 6, .an = { AN(TEARDOWN_FIN_RETRANS), AN(TEARDOWN_FINAL_ACK_LOST) } } },
        /* the client re-ACKs from TIME_WAIT: the server closes, and the
         * client's TIME_WAIT restarts (tcp_timewait_state_process()) */
        { C2S, "A", 2, 2, 0, .dt_ms = 1, .x = { "teardown", "TIME_WAIT", "CLOSED",
          .kind = "four-way", .init = "client", .tw = "client", .rel_fin = 6,
          .api = API(FIN_ACK), .an = { AN(TEARDOWN_TIME_WAIT_RESTART) } } },
        /* lost again: the FIN once more, and its re-ACK */
        { S2C, "FA", 1, 2, 0, .dt_ms = 20000, .x = { "teardown", "TIME_WAIT", "LAST_ACK",
          .kind = "four-way", .init = "client", .tw = "client", .fin_retrans = true,
          .rel_prev = 6, .an = { AN(TEARDOWN_FIN_RETRANS), AN(TEARDOWN_FINAL_ACK_LOST) } } },
        { C2S, "A", 2, 2, 0, .dt_ms = 1, .x = { "teardown", "TIME_WAIT", "CLOSED",
          .kind = "four-way", .init = "client", .tw = "client", .rel_fin = 6,
          .api = API(FIN_ACK), .an = { AN(TEARDOWN_TIME_WAIT_RESTART) } } },
        /* anything later is after the end */
        { C2S, "A", 2, 2, 0, .dt_ms = 500, .x = { "closed", "TIME_WAIT", "CLOSED",
          .kind = "four-way", .init = "client", .tw = "client",
          .an = { AN(CLOSED_SEGMENT_AFTER_CLOSE) } } },
    };
    tl_run_t r;
    (void)state;
    tl_run_init(&r);
    TCPLIFE_RUN(&r, life);
    TCPLIFE_RUN(&r, later);
    assert_int_equal(r.res[8].tw_left_ns, 50 * S_NS);
    assert_int_equal(r.res[8].label_send, TCPLIFE_LABEL_FINAL_ACK_LOST);
    /* Each re-ACK restarts the 60 s; the start stays the first entry. */
    assert_int_equal(r.res[9].tw_left_ns, 60 * S_NS);
    assert_int_equal(r.res[11].tw_left_ns, 60 * S_NS);
    assert_int_equal(r.res[12].tw_left_ns, 60 * S_NS - 500 * MS_NS);
    assert_int_equal(r.res[11].tw_start_ns, r.res[7].tw_start_ns);
    assert_int_equal(tl_timewait_expires(&r.conn, &r.cfg), r.res[11].tw_rearmed_ns + 60 * S_NS);
}

static void
test_timewait_holder_is_both_after_simultaneous_close(void **state)
{
    static const tl_script_t script[] = {
        { C2S, "S",  0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED", .hs = 1,
          .api = API(CONNECT) } },
        { S2C, "SA", 0, 1, 0, .x = { "handshake", "ESTABLISHED", "SYN_RECEIVED", .hs = 2,
          .ack = ACK_OK, .api = API(SYN_QUEUE), .rel_syn = 1 } },
        { C2S, "A",  1, 1, 0, .x = { "handshake", "ESTABLISHED", "ESTABLISHED", .hs = 3,
          .ack = ACK_OK, .api = API(CONNECT_RETURNS), .rel_syn = 2 } },
        { C2S, "FA", 1, 1, 0, .x = { "teardown", "FIN_WAIT_1", "CLOSE_WAIT", .td = 1,
          .init = "client", .api = API(CLOSE) } },
        { S2C, "FA", 1, 1, 0, .dt_ms = 5, .x = { "teardown", "CLOSING", "CLOSING", .td = 2,
          .kind = "simultaneous", .init = "client", .api = API(CLOSE),
          .an = { AN(TEARDOWN_SIMULTANEOUS) } } },
        { C2S, "A",  2, 2, 0, .x = { "teardown", "CLOSING", "TIME_WAIT", .td = 3,
          .kind = "simultaneous", .init = "client", .api = API(FIN_ACK), .rel_fin = 5 } },
        { S2C, "A",  2, 2, 0, .x = { "teardown", "TIME_WAIT", "TIME_WAIT", .td = 4,
          .kind = "simultaneous", .init = "client", .api = API(FIN_ACK), .rel_fin = 4, .tw = "both" } },
    };
    TCPLIFE_RUN_SCRIPT(r, script);
    assert_int_equal(r.conn.tw_holder, TCPLIFE_TW_BOTH);
}

/* Feed a new connection's SYN against a finished `prev`. */
static bool
reuse_check(const tl_run_t *prev, int64_t after_ns, uint32_t isn, bool ts, uint32_t tsval,
            tl_result_t *res)
{
    tl_segment_t syn;

    memset(&syn, 0, sizeof syn);
    memset(res, 0, sizeof *res);
    syn.frame = 100;
    syn.time_ns = prev->conn.tw_start_ns + after_ns;
    syn.src = prev->caddr;
    syn.dst = prev->saddr;
    syn.sport = prev->cport;
    syn.dport = prev->sport;
    syn.flags = TCPLIFE_F_SYN;
    syn.seq = isn;
    syn.has_ts = ts;
    syn.tsval = tsval;
    return tl_timewait_reuse(&prev->conn, &prev->cfg, &syn, res);
}

static void
test_timewait_reuse_inside_time_wait_is_flagged_with_gap_and_time_left(void **state)
{
    tl_run_t r;
    tl_result_t res;
    (void)state;
    tl_run_init(&r);
    TCPLIFE_RUN(&r, life);
    assert_true(reuse_check(&r, 2 * S_NS, 1000 + 65537, false, 0, &res));
    assert_true(res.tw_reuse);
    assert_int_equal(res.tw_reuse_gap_ns, 2 * S_NS);
    assert_int_equal(res.tw_reuse_left_ns, 58 * S_NS);
    /* the client's old sequence space ended at ISN+2 (FIN): higher ISN */
    assert_true(res.tw_reuse_isn_higher);
    assert_false(res.tw_reuse_ts_known);
    assert_true(tl_result_has_anomaly(&res, TCPLIFE_ANOMALY_TIME_WAIT_REUSE));
    /* the holder is the client, who sends the SYN: nothing can refuse it */
    assert_false(tl_result_has_anomaly(&res, TCPLIFE_ANOMALY_TIME_WAIT_REUSE_REJECTABLE));
}

static void
test_timewait_reuse_after_expiry_is_not_flagged(void **state)
{
    tl_run_t r;
    tl_result_t res;
    (void)state;
    tl_run_init(&r);
    TCPLIFE_RUN(&r, life);
    assert_false(reuse_check(&r, 60 * S_NS, 1000 + 65537, false, 0, &res));
    assert_false(res.tw_reuse);
    assert_int_equal(res.n_anomalies, 0);
}

static void
test_timewait_reuse_msl_profile_changes_the_window(void **state)
{
    tl_run_t r;
    tl_result_t res;
    (void)state;
    tl_run_init(&r);
    TCPLIFE_RUN(&r, life);
    r.cfg.time_wait_ns = 240 * S_NS;        /* rfc9293 profile */
    assert_true(reuse_check(&r, 100 * S_NS, 1000 + 65537, false, 0, &res));
    assert_int_equal(res.tw_reuse_left_ns, 140 * S_NS);
}

static void
test_timewait_reuse_toward_holder_with_lower_isn_and_no_ts_is_rejectable(void **state)
{
    /* server-first close: the server holds TIME_WAIT and receives the SYN */
    static const tl_script_t script[] = {
        { C2S, "S",  0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED", .hs = 1,
          .api = API(CONNECT) } },
        { S2C, "SA", 0, 1, 0, .x = { "handshake", "ESTABLISHED", "SYN_RECEIVED", .hs = 2,
          .ack = ACK_OK, .api = API(SYN_QUEUE), .rel_syn = 1 } },
        { C2S, "A",  1, 1, 0, .x = { "handshake", "ESTABLISHED", "ESTABLISHED", .hs = 3,
          .ack = ACK_OK, .api = API(CONNECT_RETURNS), .rel_syn = 2 } },
        { S2C, "FA", 1, 1, 0, .x = { "teardown", "CLOSE_WAIT", "FIN_WAIT_1", .td = 1,
          .init = "server", .api = API(CLOSE) } },
        { C2S, "FA", 1, 2, 0, .x = { "teardown", "LAST_ACK", "TIME_WAIT", .td = 2,
          .kind = "three-way", .init = "server", .api = API(CLOSE_AFTER_EOF), .rel_fin = 4 } },
        { S2C, "A",  2, 2, 0, .x = { "teardown", "CLOSED", "TIME_WAIT", .td = 3,
          .kind = "three-way", .init = "server", .api = API(FIN_ACK), .rel_fin = 5, .tw = "server" } },
    };
    tl_run_t r;
    tl_result_t res;
    (void)state;
    tl_run_init(&r);
    TCPLIFE_RUN(&r, script);
    /* ISN 500 is below the client's old 1002: RFC 6191 lets the server drop it */
    assert_true(reuse_check(&r, 1 * S_NS, 500, false, 0, &res));
    assert_false(res.tw_reuse_isn_higher);
    assert_true(tl_result_has_anomaly(&res, TCPLIFE_ANOMALY_TIME_WAIT_REUSE_REJECTABLE));
    /* the same SYN with a higher ISN is fine */
    assert_true(reuse_check(&r, 1 * S_NS, 3000, false, 0, &res));
    assert_true(res.tw_reuse_isn_higher);
    assert_false(tl_result_has_anomaly(&res, TCPLIFE_ANOMALY_TIME_WAIT_REUSE_REJECTABLE));
}

/* Through the script runner, which calls the core as the glue does
 * (tl_conn_observe_stream() and the 4-tuple index): a new connection 2 s
 * into the old one's TIME_WAIT is an early reuse, and the verdict names
 * the old connection. */
static void
test_timewait_reuse_through_the_tuple_index_names_the_previous_connection(void **state)
{
    static const tl_script_t again[] = {
        /* the same 4-tuple again, 2 s later, ISN 100000 above the old one */
        { C2S, "S", 100000, 0, 0, .dt_ms = 2000, .new_stream = true,
          .x = { "handshake", "SYN_SENT", "SYN_RECEIVED", .hs = 1, .api = API(CONNECT),
                 .an = { AN(TIME_WAIT_REUSE) } } },
    };
    tl_run_t r;
    (void)state;
    tl_run_init(&r);
    TCPLIFE_RUN(&r, life);
    TCPLIFE_RUN(&r, again);
    /* The runner checked prev_stream against the reuse on every row. */
    assert_true(r.res[8].tw_reuse);
    assert_true(r.res[8].tw_reuse_isn_higher);
    assert_int_equal(r.res[8].tw_reuse_gap_ns, 2 * S_NS);
    assert_int_equal(r.tuples.n, 1);
}

static void
test_tuple_is_the_same_in_both_directions(void **state)
{
    tl_segment_t a, b;
    tl_tuple_t ta, tb;
    (void)state;
    memset(&a, 0, sizeof a);
    a.src = tl_addr4(10, 0, 0, 1); a.dst = tl_addr4(10, 0, 0, 2);
    a.sport = 40000; a.dport = 80;
    b = a;
    b.src = a.dst; b.dst = a.src; b.sport = a.dport; b.dport = a.sport;
    tl_tuple_of(&a, &ta);
    tl_tuple_of(&b, &tb);
    assert_true(tl_tuple_equal(&ta, &tb));
    assert_int_equal(tl_tuple_hash(&ta), tl_tuple_hash(&tb));
    b.sport = 81;
    tl_tuple_of(&b, &tb);
    assert_false(tl_tuple_equal(&ta, &tb));
}

static void
test_outcome_of_each_kind_of_connection(void **state)
{
    static const tl_script_t syn_only[] = {
        { C2S, "S", 0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED", .hs = 1, .api = API(CONNECT) } },
    };
    static const tl_script_t half_open[] = {
        { C2S, "S", 0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED", .hs = 1, .api = API(CONNECT) } },
        { S2C, "SA", 0, 1, 0, .x = { "handshake", "ESTABLISHED", "SYN_RECEIVED", .hs = 2,
          .ack = ACK_OK, .api = API(SYN_QUEUE), .rel_syn = 1 } },
    };
    static const tl_script_t refused[] = {
        { C2S, "S", 0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED", .hs = 1, .api = API(CONNECT) } },
        { S2C, "RA", 0, 1, 0, .x = { "reset", "CLOSED", "CLOSED", .api = API(NO_LISTENER),
          .an = { AN(HANDSHAKE_REFUSED) }, .rel_rst = 1, .rst = "refused" } },
    };
    tl_run_t r;
    (void)state;

    tl_run_init(&r);
    assert_int_equal(tl_conn_outcome(&r.conn), TCPLIFE_OUTCOME_OPEN);
    TCPLIFE_RUN(&r, syn_only);
    assert_int_equal(tl_conn_outcome(&r.conn), TCPLIFE_OUTCOME_SYN_ONLY);
    tl_run_init(&r);
    TCPLIFE_RUN(&r, half_open);
    assert_int_equal(tl_conn_outcome(&r.conn), TCPLIFE_OUTCOME_HALF_OPEN);
    tl_run_init(&r);
    TCPLIFE_RUN(&r, refused);
    assert_int_equal(tl_conn_outcome(&r.conn), TCPLIFE_OUTCOME_REFUSED);
    tl_run_init(&r);
    TCPLIFE_RUN(&r, life);
    assert_int_equal(tl_conn_outcome(&r.conn), TCPLIFE_OUTCOME_CLOSED);
    assert_string_equal(tl_outcome_name(TCPLIFE_OUTCOME_HALF_OPEN), "half_open");
}

/* The MSL profiles and their TIME_WAIT (tl_core.h TCPLIFE_MSL_MAP). */
static void
test_timewait_msl_profiles(void **state)
{
    const int64_t s = INT64_C(1000000000);
    (void)state;
    assert_int_equal(tl_msl_time_wait_ns(TCPLIFE_MSL_LINUX, 0), 60 * s);
    assert_int_equal(tl_msl_time_wait_ns(TCPLIFE_MSL_RFC9293, 0), 240 * s);
    assert_int_equal(tl_msl_time_wait_ns(TCPLIFE_MSL_BSD, 0), 60 * s);
    assert_int_equal(tl_msl_time_wait_ns(TCPLIFE_MSL_WINDOWS, 0), 240 * s);
    assert_int_equal(tl_msl_time_wait_ns(TCPLIFE_MSL_CUSTOM, 30), 60 * s);
    /* capped at a day of MSL; unknown profiles are linux */
    assert_int_equal(tl_msl_time_wait_ns(TCPLIFE_MSL_CUSTOM, 4000000000u), 2 * 86400 * s);
    assert_int_equal(tl_msl_time_wait_ns(TCPLIFE_MSL_COUNT, 5), 60 * s);
    assert_string_equal(tl_msl_name(TCPLIFE_MSL_RFC9293), "rfc9293");
    assert_string_equal(tl_msl_name(TCPLIFE_MSL_COUNT), "?");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_timewait_msl_profiles),
    cmocka_unit_test(test_timewait_starts_at_the_ack_of_the_last_fin_and_lasts_2msl),
    cmocka_unit_test(test_timewait_later_segments_show_time_left),
    cmocka_unit_test(test_timewait_holder_is_both_after_simultaneous_close),
    cmocka_unit_test(test_timewait_reuse_inside_time_wait_is_flagged_with_gap_and_time_left),
    cmocka_unit_test(test_timewait_reuse_after_expiry_is_not_flagged),
    cmocka_unit_test(test_timewait_reuse_msl_profile_changes_the_window),
    cmocka_unit_test(test_timewait_reuse_toward_holder_with_lower_isn_and_no_ts_is_rejectable),
    cmocka_unit_test(test_timewait_reuse_through_the_tuple_index_names_the_previous_connection),
    cmocka_unit_test(test_tuple_is_the_same_in_both_directions),
    cmocka_unit_test(test_outcome_of_each_kind_of_connection),
};

TCPLIFE_TEST_MAIN(tests)
