/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_pack.c - tl_pack_result() / tl_unpack_result() and
 * tl_result_relative(): the per-frame storage of verdicts is exact and
 * small.
 */
#include <stdlib.h>

#include "tl_test.h"
#include "tcplife/tl_pack.h"

static void
test_pack_round_trip_of_random_bytes_is_exact(void **state)
{
    unsigned seed = 4242;
    (void)state;
    for (int i = 0; i < 20000; i++) {
        tl_result_t r, back;
        uint8_t buf[TCPLIFE_PACKED_MAX + 8];
        uint8_t *raw = (uint8_t *)&r;
        size_t n;
        int density = rand_r(&seed) % 100;

        for (size_t j = 0; j < sizeof r; j++)
            raw[j] = (rand_r(&seed) % 100 < density) ? (uint8_t)rand_r(&seed) : 0;
        n = tl_pack_result(&r, buf);
        assert_true(n <= TCPLIFE_PACKED_MAX);
        memset(&back, 0xa5, sizeof back);
        assert_int_equal(tl_unpack_result(buf, n, &back), n);
        assert_memory_equal(&r, &back, sizeof r);
    }
}

static void
test_pack_data_segment_is_small(void **state)
{
    tl_result_t r;
    uint8_t buf[TCPLIFE_PACKED_MAX];
    (void)state;
    memset(&r, 0, sizeof r);
    r.flags = TCPLIFE_F_ACK | TCPLIFE_F_PSH;
    r.len = 1448;
    r.phase = TCPLIFE_PHASE_ESTABLISHED;
    r.sender = TCPLIFE_ROLE_SERVER;
    r.state[0] = r.state[1] = r.prev_state[0] = r.prev_state[1] = TCPLIFE_STATE_ESTABLISHED;
    assert_true(tl_pack_result(&r, buf) <= 12);   /* prev_state = state costs nothing */
    memset(&r, 0, sizeof r);
    /* all zero: one map byte */
    assert_int_equal(tl_pack_result(&r, buf), 1);
}

static void
test_pack_truncated_input_is_rejected(void **state)
{
    tl_result_t r, back;
    uint8_t buf[TCPLIFE_PACKED_MAX];
    size_t n;
    (void)state;
    memset(&r, 0, sizeof r);
    r.flags = TCPLIFE_F_SYN;
    r.isn = 0x12345678;
    r.tw_start_ns = INT64_C(1700000000000000000);
    n = tl_pack_result(&r, buf);
    for (size_t k = 0; k < n; k++)
        assert_int_equal(tl_unpack_result(buf, k, &back), 0);
    assert_int_equal(tl_unpack_result(buf, n, &back), n);
    assert_memory_equal(&r, &back, sizeof r);
}

/* Relative to its segment and back, any verdict is the same bytes, for
 * any frame, time and numbers (0 and the frame itself included). */
static void
test_pack_relative_round_trip_of_random_verdicts_is_exact(void **state)
{
    unsigned seed = 99;
    (void)state;
    for (int i = 0; i < 20000; i++) {
        tl_result_t r, t;
        uint8_t *raw = (uint8_t *)&r;
        tl_relative_t seg;

        for (size_t j = 0; j < sizeof r; j++)
            raw[j] = (uint8_t)rand_r(&seed);
        r.hs_step = (uint8_t)(rand_r(&seed) % 4);
        r.tw_holder = (uint8_t)(rand_r(&seed) % 2);
        seg.frame = (uint32_t)rand_r(&seed) % 3 ? (uint32_t)rand_r(&seed) : UINT32_MAX;
        seg.time_ns = (int64_t)rand_r(&seed) << 31 ^ rand_r(&seed);
        seg.hdr = rand_r(&seed) % 2;
        seg.seq = (uint32_t)rand_r(&seed);
        seg.ack = (uint32_t)rand_r(&seed);
        if (i % 4 == 0)
            r.rel_syn = seg.frame + 1;      /* a "related frame" after this one */
        if (i % 4 == 1)
            r.tw_rearmed_ns = seg.time_ns;
        t = r;
        tl_result_relative(&t, &seg, true);
        tl_result_relative(&t, &seg, false);
        assert_memory_equal(&r, &t, sizeof r);
    }
}

/* What the store gains: the handshake's and TIME_WAIT's fields that the
 * segment itself gives become zero. */
static void
test_pack_relative_zeroes_what_the_segment_says(void **state)
{
    tl_result_t r;
    tl_relative_t seg = { 1000, INT64_C(5000000000), true, 0x12345678, 0x9abcdef1 };
    (void)state;
    memset(&r, 0, sizeof r);
    r.hs_step = 2;                          /* a SYN-ACK */
    r.isn = 0x12345678;
    r.peer_isn = 0x9abcdef0;
    r.rel_syn = 999;
    r.tw_holder = TCPLIFE_TW_CLIENT;             /* and, for the test, TIME_WAIT from now */
    r.tw_start_ns = seg.time_ns;
    r.tw_duration_ns = INT64_C(60000000000);
    r.tw_left_ns = r.tw_duration_ns;
    tl_result_relative(&r, &seg, true);
    assert_int_equal(r.isn, 0);
    assert_int_equal(r.peer_isn, 0);
    assert_int_equal(r.rel_syn, 2);         /* one frame back */
    assert_int_equal(r.tw_start_ns, 0);
    assert_int_equal(r.tw_left_ns, 0);
    assert_int_equal(r.tw_duration_ns, INT64_C(60000000000));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_pack_relative_round_trip_of_random_verdicts_is_exact),
    cmocka_unit_test(test_pack_relative_zeroes_what_the_segment_says),
    cmocka_unit_test(test_pack_round_trip_of_random_bytes_is_exact),
    cmocka_unit_test(test_pack_data_segment_is_small),
    cmocka_unit_test(test_pack_truncated_input_is_rejected),
};

TCPLIFE_TEST_MAIN(tests)
