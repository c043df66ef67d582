/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_pack.c - tl_pack_result() / tl_unpack_result(),
 * tl_result_relative() and tl_result_kind(): the per-frame storage of
 * verdicts is exact and small.
 */
#include <stdlib.h>

#include "tl_script.h"
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

/* A connection's segments through the tracker (tl_script.h's runner; the
 * verdicts themselves are test_conn.c's to check): the handshake, data
 * both ways, a four-way close. */
static const tl_script_t kind_rows[] = {
    { C2S, "S",  0,   0,   0,   .dt_ms = 0 },      /* 1: SYN */
    { S2C, "SA", 0,   1,   0,   .dt_ms = 10 },     /* 2: SYN-ACK */
    { C2S, "A",  1,   1,   0,   .dt_ms = 10 },     /* 3: the handshake's ACK */
    { C2S, "PA", 1,   1,   100, .dt_ms = 1 },      /* 4: data */
    { C2S, "PA", 101, 1,   200, .dt_ms = 5 },      /* 5: more data, other numbers */
    { S2C, "PA", 1,   301, 100, .dt_ms = 10 },     /* 6: data from the server */
    { C2S, "FA", 301, 101, 0,   .dt_ms = 20 },     /* 7: the client's FIN */
    { S2C, "FA", 101, 302, 0,   .dt_ms = 10 },     /* 8: the server's FIN */
    { C2S, "A",  302, 102, 0,   .dt_ms = 10 },     /* 9: the last ACK */
};

/* The kind of each row's verdict, rows fed to r from its start. */
static void
kinds_of_rows(tl_run_t *r, unsigned kind[TCPLIFE_COUNT(kind_rows) + 1])
{
    for (size_t i = 0; i < TCPLIFE_COUNT(kind_rows); i++) {
        unsigned k = tl_result_kind(tl_run_segment(r, &kind_rows[i]));

        assert_true(k < TCPLIFE_RESULT_KINDS);
        kind[r->frame] = k;
    }
}

static void
test_pack_kind_tells_segments_apart_and_alike_ones_together(void **state)
{
    tl_run_t a, b;
    unsigned ka[TCPLIFE_COUNT(kind_rows) + 1], kb[TCPLIFE_COUNT(kind_rows) + 1];
    (void)state;

    tl_run_init(&a);
    kinds_of_rows(&a, ka);
    /* Another connection: other ports, ISNs and time. */
    tl_run_init(&b);
    b.cport = 40000;
    b.sport = 443;
    b.cisn = 123456;
    b.sisn = 987654;
    b.now_ns += INT64_C(3600000000000);
    kinds_of_rows(&b, kb);

    /* SYN, SYN-ACK and the handshake's ACK: three kinds, and no data's. */
    assert_int_equal(a.res[1].hs_step, 1);
    assert_int_equal(a.res[2].hs_step, 2);
    assert_int_equal(a.res[3].hs_step, 3);
    assert_int_not_equal(ka[1], ka[2]);
    assert_int_not_equal(ka[2], ka[3]);
    assert_int_not_equal(ka[1], ka[3]);
    assert_int_not_equal(ka[3], ka[4]);
    /* Data from one side is one kind whatever its numbers and length; the
     * other side's is another. */
    assert_int_equal(ka[4], ka[5]);
    assert_int_not_equal(ka[4], ka[6]);
    /* A FIN is not data, and each side's FIN is its own kind; the last ACK
     * is neither. */
    assert_int_equal(a.res[7].td_step, 1);
    assert_int_not_equal(ka[7], ka[4]);
    assert_int_not_equal(ka[7], ka[8]);
    assert_int_not_equal(ka[9], ka[7]);
    assert_int_not_equal(ka[9], ka[8]);
    assert_int_not_equal(ka[9], ka[3]);
    /* The other connection's segments are of the same kinds, row for row. */
    for (size_t i = 1; i <= TCPLIFE_COUNT(kind_rows); i++)
        assert_int_equal(ka[i], kb[i]);
}

/* What the kind is made of: every combination of the SYN, ACK, FIN, RST
 * and PSH flags, the sender and the handshake step has its own kind, in
 * any phase; the other flags and what the segment carries change nothing. */
static void
test_pack_kind_is_one_per_flags_sender_and_step(void **state)
{
    static const uint16_t in_kind[] = { TCPLIFE_F_SYN, TCPLIFE_F_ACK, TCPLIFE_F_FIN, TCPLIFE_F_RST,
                                        TCPLIFE_F_PSH };
    (void)state;

    for (unsigned phase = 0; phase < TCPLIFE_PHASE_COUNT; phase++) {
        uint8_t seen[TCPLIFE_RESULT_KINDS];

        memset(seen, 0, sizeof seen);
        for (unsigned c = 0; c < (1u << TCPLIFE_COUNT(in_kind)) * 2 * 4; c++) {
            tl_result_t r, other;
            unsigned k;

            memset(&r, 0, sizeof r);
            for (size_t f = 0; f < TCPLIFE_COUNT(in_kind); f++)
                if (c & (1u << f))
                    r.flags |= in_kind[f];
            r.sender = (uint8_t)(c >> TCPLIFE_COUNT(in_kind) & 1);
            r.hs_step = (uint8_t)(c >> (TCPLIFE_COUNT(in_kind) + 1));
            r.phase = (uint8_t)phase;
            k = tl_result_kind(&r);
            assert_true(k < TCPLIFE_RESULT_KINDS);
            assert_int_equal(seen[k], 0);
            seen[k] = 1;
            other = r;
            other.flags |= TCPLIFE_F_URG | TCPLIFE_F_ECE | TCPLIFE_F_CWR;
            other.len = 1448;
            other.rel_syn = 7;
            other.isn = 0x12345678;
            assert_int_equal(tl_result_kind(&other), k);
        }
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_pack_relative_round_trip_of_random_verdicts_is_exact),
    cmocka_unit_test(test_pack_relative_zeroes_what_the_segment_says),
    cmocka_unit_test(test_pack_round_trip_of_random_bytes_is_exact),
    cmocka_unit_test(test_pack_data_segment_is_small),
    cmocka_unit_test(test_pack_truncated_input_is_rejected),
    cmocka_unit_test(test_pack_kind_tells_segments_apart_and_alike_ones_together),
    cmocka_unit_test(test_pack_kind_is_one_per_flags_sender_and_step),
};

TCPLIFE_TEST_MAIN(tests)
