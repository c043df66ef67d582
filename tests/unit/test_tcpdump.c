/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_tcpdump.c - tl_tcpdump_format(): tcpdump's notation and relative
 * numbering. (The end-to-end tests also compare it with `tcpdump -r` on
 * every sample capture.)
 */
#include "tl_test.h"

static tl_segment_t
seg(bool c2s, uint16_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
    tl_segment_t s;
    memset(&s, 0, sizeof s);
    s.src.family = s.dst.family = 4;
    s.src.bytes[0] = 10; s.src.bytes[3] = c2s ? 1 : 2;
    s.dst.bytes[0] = 10; s.dst.bytes[3] = c2s ? 2 : 1;
    s.sport = c2s ? 40000 : 80;
    s.dport = c2s ? 80 : 40000;
    s.flags = flags; s.seq = seq; s.ack = ack; s.len = len; s.win = 502;
    return s;
}

static const char *
fmt(tl_tcpdump_t *st, tl_segment_t s)
{
    static char buf[512];
    tl_tcpdump_format(st, &s, buf, sizeof buf);
    return buf;
}

static void
test_tcpdump_handshake_absolute_then_relative(void **state)
{
    static const uint8_t syn_opts[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7 };
    tl_tcpdump_t st = { 0 };
    tl_segment_t s = seg(true, TL_F_SYN, 1000, 0, 0);
    (void)state;
    s.win = 64240;
    s.opt_bytes = syn_opts;
    s.opt_len = sizeof syn_opts;
    assert_string_equal(fmt(&st, s),
        "Flags [S], seq 1000, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0");
    /* the first segment with ACK records the bases and prints absolute numbers */
    assert_string_equal(fmt(&st, seg(false, TL_F_SYN | TL_F_ACK, 5000, 1001, 0)),
        "Flags [S.], seq 5000, ack 1001, win 502, length 0");
    assert_string_equal(fmt(&st, seg(true, TL_F_ACK, 1001, 5001, 0)),
        "Flags [.], ack 1, win 502, length 0");
    assert_string_equal(fmt(&st, seg(true, TL_F_PSH | TL_F_ACK, 1001, 5001, 7)),
        "Flags [P.], seq 1:8, ack 1, win 502, length 7");
    assert_string_equal(fmt(&st, seg(false, TL_F_FIN | TL_F_ACK, 5001, 1008, 0)),
        "Flags [F.], seq 1, ack 8, win 502, length 0");
}

static void
test_tcpdump_rst_without_ack_prints_absolute_seq(void **state)
{
    tl_tcpdump_t st = { 0 };
    (void)state;
    (void)fmt(&st, seg(false, TL_F_SYN | TL_F_ACK, 5000, 1001, 0));
    assert_string_equal(fmt(&st, seg(true, TL_F_RST, 1001, 0, 0)),
        "Flags [R], seq 1001, win 502, length 0");
}

static void
test_tcpdump_flags_order_and_urgent_pointer(void **state)
{
    tl_tcpdump_t st = { 0 };
    tl_segment_t s = seg(true, TL_F_SYN | TL_F_ECE | TL_F_CWR, 1, 0, 0);
    (void)state;
    assert_string_equal(fmt(&st, s), "Flags [SEW], seq 1, win 502, length 0");
    s = seg(true, TL_F_URG | TL_F_PSH, 1, 0, 1);
    s.urp = 1;
    assert_string_equal(fmt(&st, s), "Flags [PU], seq 1:2, win 502, urg 1, length 1");
    s = seg(true, 0, 1, 0, 0);
    assert_string_equal(fmt(&st, s), "Flags [none], win 502, length 0");
}

static void
test_tcpdump_sack_blocks_are_relative_to_the_other_direction(void **state)
{
    /* nop,nop,sack 1 {1449:2897} as the client acknowledges server data */
    static const uint8_t sack[] = { 1, 1, 5, 10, 0, 0, 0x19, 0x31, 0, 0, 0x1e, 0xd9 };
    tl_tcpdump_t st = { 0 };
    tl_segment_t s;
    (void)state;
    (void)fmt(&st, seg(false, TL_F_SYN | TL_F_ACK, 5000, 1001, 0));
    s = seg(true, TL_F_ACK, 1001, 5001, 0);
    s.opt_bytes = sack;
    s.opt_len = sizeof sack;
    /* 6449 - 5000 = 1449, 7897 - 5000 = 2897 */
    assert_string_equal(fmt(&st, s),
        "Flags [.], ack 1, win 502, options [nop,nop,sack 1 {1449:2897}], length 0");
}

static void
test_tcpdump_tfo_and_malformed_options(void **state)
{
    static const uint8_t req[] = { 34, 2 };
    static const uint8_t cookie[] = { 34, 10, 1, 2, 3, 4, 5, 6, 7, 8 };
    static const uint8_t bad[] = { 2, 9, 0 };
    tl_tcpdump_t st = { 0 };
    tl_segment_t s = seg(true, TL_F_SYN, 1, 0, 0);
    (void)state;
    s.opt_bytes = req; s.opt_len = sizeof req;
    assert_string_equal(fmt(&st, s), "Flags [S], seq 1, win 502, options [tfo  cookiereq], length 0");
    s.opt_bytes = cookie; s.opt_len = sizeof cookie;
    assert_string_equal(fmt(&st, s),
        "Flags [S], seq 1, win 502, options [tfo  cookie 0102030405060708], length 0");
    s.opt_bytes = bad; s.opt_len = sizeof bad;
    /* tcpdump stops at a bad option; it closes the bracket only after a good one */
    assert_string_equal(fmt(&st, s), "Flags [S], seq 1, win 502, options [[bad opt]");
}

static void
test_tcpdump_truncates_safely_and_reports_needed_length(void **state)
{
    tl_tcpdump_t st = { 0 };
    tl_segment_t s = seg(true, TL_F_SYN, 1, 0, 0);
    char small[8];
    size_t need;
    (void)state;
    need = tl_tcpdump_format(&st, &s, small, sizeof small);
    assert_int_equal(need, strlen("Flags [S], seq 1, win 502, length 0"));
    assert_int_equal(strlen(small), sizeof small - 1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_tcpdump_handshake_absolute_then_relative),
    cmocka_unit_test(test_tcpdump_rst_without_ack_prints_absolute_seq),
    cmocka_unit_test(test_tcpdump_flags_order_and_urgent_pointer),
    cmocka_unit_test(test_tcpdump_sack_blocks_are_relative_to_the_other_direction),
    cmocka_unit_test(test_tcpdump_tfo_and_malformed_options),
    cmocka_unit_test(test_tcpdump_truncates_safely_and_reports_needed_length),
};

TL_TEST_MAIN(tests)
