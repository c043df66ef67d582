/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_handshake.c - what the handshake negotiates (tl_conn_negotiated) and
 * how retransmission intervals compare with Linux (tl_backoff_verdict).
 */
#include "tl_script.h"

#define S_NS INT64_C(1000000000)
#define MS_NS INT64_C(1000000)

/* Feed a SYN and a SYN-ACK with the given options to a fresh connection. */
static void
handshake(tl_run_t *r, const tl_segment_t *syn_opts, const tl_segment_t *synack_opts,
          uint32_t syn_len, uint32_t synack_ack_extra, tl_result_t *res2)
{
    tl_segment_t s = *syn_opts, a = *synack_opts;
    tl_result_t res1;

    tl_run_init(r);
    s.frame = 1; s.time_ns = r->now_ns;
    s.src = r->caddr; s.dst = r->saddr; s.sport = r->cport; s.dport = r->sport;
    s.flags |= TCPLIFE_F_SYN; s.seq = r->cisn; s.len = syn_len;
    tl_conn_observe(&r->conn, &r->cfg, &s, &res1);
    a.frame = 2; a.time_ns = r->now_ns + MS_NS;
    a.src = r->saddr; a.dst = r->caddr; a.sport = r->sport; a.dport = r->cport;
    a.flags |= TCPLIFE_F_SYN | TCPLIFE_F_ACK; a.seq = r->sisn; a.ack = r->cisn + 1 + synack_ack_extra;
    tl_conn_observe(&r->conn, &r->cfg, &a, res2);
}

static void
test_negotiated_linux_defaults_both_sides(void **state)
{
    tl_segment_t o;
    tl_run_t r;
    tl_result_t res;
    tl_negotiated_t n;
    (void)state;
    memset(&o, 0, sizeof o);
    o.has_mss = true; o.mss = 1460; o.has_wscale = true; o.wscale = 7;
    o.sack_perm = true; o.has_ts = true;
    handshake(&r, &o, &o, 0, 0, &res);
    assert_true(res.opts_known);
    assert_true(res.hs_ack_ok);
    tl_conn_negotiated(&r.conn, &n);
    assert_int_equal(n.mss[TCPLIFE_ROLE_CLIENT], 1460);
    assert_false(n.mss_default[TCPLIFE_ROLE_SERVER]);
    assert_true(n.wscale);
    assert_int_equal(n.wscale_shift[TCPLIFE_ROLE_SERVER], 7);
    assert_true(n.sack);
    assert_true(n.ts);
    assert_false(n.ecn);
    assert_int_equal(n.tfo, TCPLIFE_TFO_NONE);
    assert_int_equal(n.auth, TCPLIFE_AUTH_NONE);
}

static void
test_negotiated_absent_mss_is_536_and_one_sided_options_are_off(void **state)
{
    tl_segment_t c, s;
    tl_run_t r;
    tl_result_t res;
    tl_negotiated_t n;
    (void)state;
    memset(&c, 0, sizeof c);
    memset(&s, 0, sizeof s);
    c.has_wscale = true; c.wscale = 7; c.sack_perm = true; c.has_ts = true;
    s.has_mss = true; s.mss = 1400;
    handshake(&r, &c, &s, 0, 0, &res);
    tl_conn_negotiated(&r.conn, &n);
    assert_int_equal(n.mss[TCPLIFE_ROLE_CLIENT], 536);
    assert_true(n.mss_default[TCPLIFE_ROLE_CLIENT]);
    assert_int_equal(n.mss[TCPLIFE_ROLE_SERVER], 1400);
    /* RFC 7323: scaling and timestamps only when both SYNs carry them */
    assert_false(n.wscale);
    assert_true(n.wscale_offered[TCPLIFE_ROLE_CLIENT]);
    assert_false(n.sack);
    assert_false(n.ts);
}

static void
test_negotiated_ecn_needs_ece_cwr_syn_and_ece_only_synack(void **state)
{
    tl_segment_t c, s;
    tl_run_t r;
    tl_result_t res;
    tl_negotiated_t n;
    (void)state;
    memset(&c, 0, sizeof c);
    memset(&s, 0, sizeof s);
    c.flags = TCPLIFE_F_ECE | TCPLIFE_F_CWR;
    s.flags = TCPLIFE_F_ECE;
    handshake(&r, &c, &s, 0, 0, &res);
    tl_conn_negotiated(&r.conn, &n);
    assert_true(n.ecn);
    assert_true(tl_result_has_anomaly(&res, TCPLIFE_ANOMALY_HANDSHAKE_ECN_NEGOTIATED));
    /* a SYN-ACK echoing CWR too is not an ECN-setup SYN-ACK (RFC 3168 §6.1.1) */
    s.flags = TCPLIFE_F_ECE | TCPLIFE_F_CWR;
    handshake(&r, &c, &s, 0, 0, &res);
    tl_conn_negotiated(&r.conn, &n);
    assert_false(n.ecn);
    /* nor is a SYN with ECE alone */
    c.flags = TCPLIFE_F_ECE;
    s.flags = TCPLIFE_F_ECE;
    handshake(&r, &c, &s, 0, 0, &res);
    tl_conn_negotiated(&r.conn, &n);
    assert_false(n.ecn);
}

static void
test_negotiated_tfo_cookie_request_and_data_accepted_or_not(void **state)
{
    tl_segment_t c, s;
    tl_run_t r;
    tl_result_t res;
    tl_negotiated_t n;
    (void)state;
    memset(&c, 0, sizeof c);
    memset(&s, 0, sizeof s);
    c.tfo = true;                       /* empty option: cookie request */
    s.tfo = true; s.tfo_cookie_len = 8;
    handshake(&r, &c, &s, 0, 0, &res);
    tl_conn_negotiated(&r.conn, &n);
    assert_int_equal(n.tfo, TCPLIFE_TFO_COOKIE_REQUEST);

    c.tfo_cookie_len = 8;               /* cookie and 100 bytes of data */
    s.tfo = false; s.tfo_cookie_len = 0;
    handshake(&r, &c, &s, 100, 100, &res);
    tl_conn_negotiated(&r.conn, &n);
    assert_int_equal(n.tfo, TCPLIFE_TFO_DATA_ACCEPTED);
    assert_true(res.hs_ack_ok);         /* ack = ISN + 1 + 100 is right for TFO */

    handshake(&r, &c, &s, 100, 0, &res);
    tl_conn_negotiated(&r.conn, &n);
    assert_int_equal(n.tfo, TCPLIFE_TFO_DATA_NOT_ACCEPTED);
    assert_true(res.hs_ack_ok);
}

static void
test_negotiated_auth_on_one_side_only_is_a_mismatch(void **state)
{
    tl_segment_t c, s;
    tl_run_t r;
    tl_result_t res;
    tl_negotiated_t n;
    (void)state;
    memset(&c, 0, sizeof c);
    memset(&s, 0, sizeof s);
    c.md5 = true;
    s.md5 = true;
    handshake(&r, &c, &s, 0, 0, &res);
    tl_conn_negotiated(&r.conn, &n);
    assert_int_equal(n.auth, TCPLIFE_AUTH_MD5);
    s.md5 = false;
    handshake(&r, &c, &s, 0, 0, &res);
    tl_conn_negotiated(&r.conn, &n);
    assert_int_equal(n.auth, TCPLIFE_AUTH_MISMATCH);
    assert_true(tl_result_has_anomaly(&res, TCPLIFE_ANOMALY_HANDSHAKE_AUTH_MISMATCH));
    c.md5 = false; c.ao = true; s.ao = true;
    handshake(&r, &c, &s, 0, 0, &res);
    tl_conn_negotiated(&r.conn, &n);
    assert_int_equal(n.auth, TCPLIFE_AUTH_AO);
}

static void
test_backoff_exponential_synack_schedule_matches(void **state)
{
    int64_t e;
    (void)state;
    assert_int_equal(tl_backoff_verdict(true, 1, 1020 * MS_NS, &e), TCPLIFE_BACKOFF_EXPONENTIAL);
    assert_int_equal(e, 1 * S_NS);
    assert_int_equal(tl_backoff_verdict(true, 2, 2016 * MS_NS, &e), TCPLIFE_BACKOFF_EXPONENTIAL);
    assert_int_equal(e, 2 * S_NS);
    assert_int_equal(tl_backoff_verdict(true, 5, 16100 * MS_NS, &e), TCPLIFE_BACKOFF_EXPONENTIAL);
    assert_int_equal(e, 16 * S_NS);
    /* a 3 s RTO (RFC 2988's old initial value) does not match */
    assert_int_equal(tl_backoff_verdict(true, 1, 3 * S_NS, &e), TCPLIFE_BACKOFF_OTHER);
}

static void
test_backoff_linear_syn_timeouts_match_only_for_syn(void **state)
{
    int64_t e;
    (void)state;
    /* tcp_syn_linear_timeouts=4: retries 2-4 wait 1 s, retry 5 waits 2 s */
    assert_int_equal(tl_backoff_verdict(false, 3, 1010 * MS_NS, &e), TCPLIFE_BACKOFF_LINEAR);
    assert_int_equal(e, 4 * S_NS);
    assert_int_equal(tl_backoff_verdict(false, 5, 2030 * MS_NS, &e), TCPLIFE_BACKOFF_LINEAR);
    assert_int_equal(tl_backoff_verdict(true, 3, 1010 * MS_NS, &e), TCPLIFE_BACKOFF_OTHER);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_negotiated_linux_defaults_both_sides),
    cmocka_unit_test(test_negotiated_absent_mss_is_536_and_one_sided_options_are_off),
    cmocka_unit_test(test_negotiated_ecn_needs_ece_cwr_syn_and_ece_only_synack),
    cmocka_unit_test(test_negotiated_tfo_cookie_request_and_data_accepted_or_not),
    cmocka_unit_test(test_negotiated_auth_on_one_side_only_is_a_mismatch),
    cmocka_unit_test(test_backoff_exponential_synack_schedule_matches),
    cmocka_unit_test(test_backoff_linear_syn_timeouts_match_only_for_syn),
};

TCPLIFE_TEST_MAIN(tests)
