/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_pack.c - tl_pack_result() / tl_unpack_result(): the per-frame
 * storage of verdicts is exact and small.
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
        uint8_t buf[TL_PACKED_MAX + 8];
        uint8_t *raw = (uint8_t *)&r;
        size_t n;
        int density = rand_r(&seed) % 100;

        for (size_t j = 0; j < sizeof r; j++)
            raw[j] = (rand_r(&seed) % 100 < density) ? (uint8_t)rand_r(&seed) : 0;
        n = tl_pack_result(&r, buf);
        assert_true(n <= TL_PACKED_MAX);
        memset(&back, 0xa5, sizeof back);
        assert_int_equal(tl_unpack_result(buf, n, &back), n);
        assert_memory_equal(&r, &back, sizeof r);
    }
}

static void
test_pack_data_segment_is_small(void **state)
{
    tl_result_t r;
    uint8_t buf[TL_PACKED_MAX];
    (void)state;
    memset(&r, 0, sizeof r);
    r.flags = TL_F_ACK | TL_F_PSH;
    r.len = 1448;
    r.phase = TL_PHASE_ESTABLISHED;
    r.sender = TL_ROLE_SERVER;
    r.state[0] = r.state[1] = r.prev_state[0] = r.prev_state[1] = TL_STATE_ESTABLISHED;
    assert_true(tl_pack_result(&r, buf) <= 12);   /* prev_state = state costs nothing */
    memset(&r, 0, sizeof r);
    /* all zero: one map byte */
    assert_int_equal(tl_pack_result(&r, buf), 1);
}

static void
test_pack_truncated_input_is_rejected(void **state)
{
    tl_result_t r, back;
    uint8_t buf[TL_PACKED_MAX];
    size_t n;
    (void)state;
    memset(&r, 0, sizeof r);
    r.flags = TL_F_SYN;
    r.isn = 0x12345678;
    r.tw_start_ns = INT64_C(1700000000000000000);
    n = tl_pack_result(&r, buf);
    for (size_t k = 0; k < n; k++)
        assert_int_equal(tl_unpack_result(buf, k, &back), 0);
    assert_int_equal(tl_unpack_result(buf, n, &back), n);
    assert_memory_equal(&r, &back, sizeof r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_pack_round_trip_of_random_bytes_is_exact),
    cmocka_unit_test(test_pack_data_segment_is_small),
    cmocka_unit_test(test_pack_truncated_input_is_rejected),
};

TL_TEST_MAIN(tests)
