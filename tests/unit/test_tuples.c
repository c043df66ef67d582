/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_tuples.c - the index of the latest connection on every 4-tuple
 * (tl_tuples.c) and tl_conn_observe_stream(), the one call a segment makes
 * into the core: a new connection on a 4-tuple finds the one before it,
 * whatever the index's size, and only a connection that really has that
 * 4-tuple. A reuse in TIME_WAIT through it: test_timewait.c.
 */
#include <stdlib.h>

#include "tl_script.h"

#define N_CONNS 5000

/* Connections by number, as the glue keeps them. */
typedef struct {
    tl_conn_t conn[2 * N_CONNS];
    uint32_t  n;
    size_t    allocated;        /* bytes the index holds now */
} conns_t;

static const tl_conn_t *
get(void *ctx, uint32_t stream)
{
    conns_t *c = (conns_t *)ctx;

    return stream < c->n ? &c->conn[stream] : NULL;
}

static void *
alloc(void *ctx, size_t bytes)
{
    conns_t *c = (conns_t *)ctx;

    c->allocated = bytes;
    return calloc(1, bytes);
}

static void
release(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

/* Connection i's first segment: 10.x.y.z:port -> 192.0.2.80:443, the
 * client port from i, so tuples i and i + N_CONNS are the same. */
static tl_segment_t
seg_of(uint32_t i)
{
    tl_segment_t s;
    uint32_t k = i % N_CONNS;

    memset(&s, 0, sizeof s);
    s.src = tl_addr4(10, (uint8_t)(k >> 8), (uint8_t)k, 1);
    s.sport = (uint16_t)(1024 + k);
    s.dst = tl_addr4(192, 0, 2, 80);
    s.dport = 443;
    s.flags = TCPLIFE_F_SYN;
    s.seq = 1000 + i;
    s.time_ns = INT64_C(1700000000000000000) + (int64_t)i * 1000;
    s.frame = i + 1;
    return s;
}

static void
test_tuples_latest_connection_on_each_tuple_through_growth(void **state)
{
    static conns_t c;
    tl_tuples_t t;
    tl_config_t cfg = { .time_wait_ns = 60 * INT64_C(1000000000) };
    (void)state;

    memset(&c, 0, sizeof c);
    tl_tuples_init(&t, get, alloc, release, &c);
    /* N_CONNS connections, then a second one on every third 4-tuple. */
    for (uint32_t i = 0; i < 2 * N_CONNS; i++) {
        tl_segment_t s = seg_of(i);
        tl_result_t res;
        uint32_t prev;
        bool expect_prev = i >= N_CONNS;

        if (i >= N_CONNS && (i - N_CONNS) % 3 != 0)
            continue;
        c.n = i + 1;
        tl_conn_init(&c.conn[i]);
        assert_int_equal(tl_tuples_latest(&t, &s, &prev) != NULL, expect_prev);
        if (expect_prev) {
            assert_int_equal(prev, i - N_CONNS);
            assert_ptr_equal(tl_tuples_latest(&t, &s, &prev), &c.conn[i - N_CONNS]);
        }
        (void)tl_conn_observe_stream(&t, &c.conn[i], i, &cfg, &s, &res, &prev);
        assert_true(c.conn[i].started);
        /* The earlier one never closed: no TIME_WAIT to reuse. */
        assert_false(res.tw_reuse);
        assert_int_equal(prev, 0);
    }
    /* Every 4-tuple finds its latest connection. */
    for (uint32_t k = 0; k < N_CONNS; k++) {
        tl_segment_t s = seg_of(k);
        uint32_t prev, want = k % 3 == 0 ? k + N_CONNS : k;

        assert_ptr_equal(tl_tuples_latest(&t, &s, &prev), &c.conn[want]);
        assert_int_equal(prev, want);
    }
    /* A 4-tuple never seen finds nothing. */
    {
        tl_segment_t s = seg_of(7);
        uint32_t prev = 99;

        s.dport = 8443;
        assert_null(tl_tuples_latest(&t, &s, &prev));
        assert_int_equal(prev, 0);
    }
    /* 8 bytes a slot, at most 3/4 full: 5000 tuples fit in 8192 slots. */
    assert_int_equal(t.n, N_CONNS);
    assert_int_equal(t.cap, 8192);
    assert_int_equal(tl_tuples_bytes(&t), 8192 * sizeof(tl_tuple_slot_t));
    assert_int_equal(c.allocated, tl_tuples_bytes(&t));
    tl_tuples_clear(&t);
    assert_int_equal(tl_tuples_bytes(&t), 0);
}

/* The index keeps hashes, not tuples: a slot whose hash matches is taken
 * only when its connection has the 4-tuple. Here the connection a slot
 * names has another 4-tuple (as after a hash collision). */
static void
test_tuples_hash_match_with_another_tuple_is_passed_over(void **state)
{
    static conns_t c;
    tl_tuples_t t;
    tl_segment_t a = seg_of(1), b = seg_of(2);
    tl_result_t res;
    tl_config_t cfg = { .time_wait_ns = 60 * INT64_C(1000000000) };
    uint32_t prev;
    (void)state;

    memset(&c, 0, sizeof c);
    tl_tuples_init(&t, get, alloc, release, &c);
    c.n = 2;
    tl_conn_init(&c.conn[0]);
    tl_conn_init(&c.conn[1]);
    /* Slot for a's tuple, naming connection 0, which carries b's tuple. */
    tl_tuples_set(&t, &a, 0);
    (void)tl_conn_observe_on_tuple(&c.conn[0], NULL, &cfg, &b, &res);
    assert_null(tl_tuples_latest(&t, &a, &prev));
    assert_int_equal(prev, 0);
    /* A connection on a's tuple takes its own slot; both stay. */
    (void)tl_conn_observe_stream(&t, &c.conn[1], 1, &cfg, &a, &res, &prev);
    assert_int_equal(t.n, 2);
    assert_ptr_equal(tl_tuples_latest(&t, &a, &prev), &c.conn[1]);
    assert_int_equal(prev, 1);
    /* A connection the caller no longer has is passed over too. */
    c.n = 1;
    assert_null(tl_tuples_latest(&t, &a, &prev));
    tl_tuples_clear(&t);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_tuples_latest_connection_on_each_tuple_through_growth),
    cmocka_unit_test(test_tuples_hash_match_with_another_tuple_is_passed_over),
};

TCPLIFE_TEST_MAIN(tests)
