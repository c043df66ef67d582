/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_park.c - tl_park() / tl_unpark(): a connection's records parked
 * while it is idle come back byte for byte, and a parked connection is
 * small.
 */
#include <stdlib.h>

#include "tl_script.h"
#include "tcplife/tl_park.h"

static void
assert_round_trip(tl_park_tmpl_t *t, const tl_conn_t *c, const tl_zeek_t *z, size_t *len)
{
    uint8_t buf[TCPLIFE_PARK_MAX];
    tl_conn_t c2;
    tl_zeek_t z2;
    size_t n = tl_park(t, c, z, buf);

    assert_true(n > 0 && n <= TCPLIFE_PARK_MAX);
    memset(&c2, 0xa5, sizeof c2);
    memset(&z2, 0x5a, sizeof z2);
    assert_true(tl_unpark(t, buf, n, &c2, &z2));
    assert_memory_equal(c, &c2, sizeof c2);
    assert_memory_equal(z, &z2, sizeof z2);
    if (len)
        *len = n;
}

static void
test_park_round_trip_of_random_bytes_is_exact(void **state)
{
    unsigned seed = 777;
    tl_park_tmpl_t t;
    (void)state;
    memset(&t, 0, sizeof t);
    for (int i = 0; i < 5000; i++) {
        tl_conn_t c;
        tl_zeek_t z;
        int density = rand_r(&seed) % 100;

        for (size_t j = 0; j < sizeof c; j++)
            ((uint8_t *)&c)[j] = rand_r(&seed) % 100 < density ? (uint8_t)rand_r(&seed) : 0;
        for (size_t j = 0; j < sizeof z; j++)
            ((uint8_t *)&z)[j] = rand_r(&seed) % 100 < density ? (uint8_t)rand_r(&seed) : 0;
        /* Half of them without a template, half against the first one. */
        assert_round_trip(i % 2 ? &t : NULL, &c, &z, NULL);
    }
}

/* A whole connection: handshake, a request and its answer, four-way close. */
#define ROW(d, f, s, a, l, t) { .dir = d, .flags = f, .seq = s, .ack = a, .len = l, .dt_ms = t }
static const tl_script_t conn_script[] = {
    ROW(C2S, "S", 0, 0, 0, 0),
    ROW(S2C, "SA", 0, 1, 0, 1),
    ROW(C2S, "A", 1, 1, 0, 1),
    ROW(C2S, "PA", 1, 1, 120, 2),
    ROW(S2C, "A", 1, 121, 0, 1),
    ROW(S2C, "PA", 1, 121, 900, 3),
    ROW(C2S, "A", 121, 901, 0, 1),
    ROW(C2S, "FA", 121, 901, 0, 50),
    ROW(S2C, "A", 901, 122, 0, 1),
    ROW(S2C, "FA", 901, 122, 0, 5),
    ROW(C2S, "A", 122, 902, 0, 1),
};

static void
run_conn(tl_run_t *r, uint16_t cport, uint32_t cisn, uint32_t sisn, int64_t start_ns)
{
    tl_run_init(r);
    r->cport = cport;
    r->cisn = cisn;
    r->sisn = sisn;
    r->now_ns = start_ns;
    for (size_t i = 0; i < TCPLIFE_COUNT(conn_script); i++)
        tl_run_segment(r, &conn_script[i]);
}

static void
test_park_a_closed_connection_is_small(void **state)
{
    static tl_run_t a, b;
    tl_park_tmpl_t t;
    tl_zeek_t z;
    size_t first, second;
    (void)state;
    memset(&t, 0, sizeof t);
    tl_zeek_init(&z);
    run_conn(&a, 51000, 1000, 5000, INT64_C(1700000000) * 1000000000);
    assert_true(a.conn.ended);
    assert_round_trip(&t, &a.conn, &z, &first);
    assert_true(t.have);
    /* Another connection of the same capture: other port, ISNs, times. */
    run_conn(&b, 51002, 0x9abcdef0, 0x13572468, INT64_C(1700000123) * 1000000000 + 4567);
    assert_round_trip(&t, &b.conn, &z, &second);
    print_message("parked: %zu bytes (the template's own), %zu bytes (another), of %zu\n", first, second,
                  sizeof(tl_conn_t) + sizeof(tl_zeek_t));
    assert_true(first < 64);
    assert_true(second < 160);
    /* Without a template it is still well under the records' size. */
    assert_round_trip(NULL, &b.conn, &z, &second);
    assert_true(second < 400);
}

/* Captures with microsecond timestamps: every time is a whole microsecond
 * and is packed in microseconds, smaller than the same connection with
 * one time a nanosecond off (packed in nanoseconds); both come back. */
static void
test_park_microsecond_times_pack_smaller(void **state)
{
    static tl_run_t a;
    tl_zeek_t z;
    tl_conn_t ns;
    size_t us_len, ns_len;
    (void)state;
    tl_zeek_init(&z);
    run_conn(&a, 51002, 0x9abcdef0, 0x13572468, INT64_C(1700000123) * 1000000000 + 4567000);
    assert_round_trip(NULL, &a.conn, &z, &us_len);
    ns = a.conn;
    ns.ep[1].last_ns += 1;
    assert_round_trip(NULL, &ns, &z, &ns_len);
    print_message("parked: %zu bytes in microseconds, %zu in nanoseconds\n", us_len, ns_len);
    assert_true(us_len + 8 <= ns_len);
    /* Negative times (before 1970) scale exactly too. */
    ns = a.conn;
    ns.first_time_ns = -ns.first_time_ns;
    ns.ep[0].last_ns = -INT64_C(5000);
    assert_round_trip(NULL, &ns, &z, NULL);
}

static void
test_park_keeps_what_its_rewrites_cannot(void **state)
{
    static tl_run_t a;
    tl_zeek_t z;
    uint8_t buf[TCPLIFE_PARK_MAX];
    (void)state;
    tl_zeek_init(&z);
    run_conn(&a, 51000, 1000, 5000, INT64_C(1700000000) * 1000000000);
    /* A time one nanosecond before the first reads as "unset" once rewritten:
     * the record is kept as it is, and still comes back exactly. */
    a.conn.ep[0].last_ns = a.conn.first_time_ns - 1;
    assert_round_trip(NULL, &a.conn, &z, NULL);
    assert_true(tl_park(NULL, &a.conn, &z, buf) >= 1 + sizeof(tl_conn_t) + sizeof(tl_zeek_t));
}

static void
test_park_damaged_input_is_rejected(void **state)
{
    static tl_run_t a;
    tl_park_tmpl_t t;
    tl_zeek_t z, z2;
    tl_conn_t c2;
    uint8_t buf[TCPLIFE_PARK_MAX];
    size_t n;
    unsigned seed = 99;
    (void)state;
    memset(&t, 0, sizeof t);
    tl_zeek_init(&z);
    run_conn(&a, 51000, 1000, 5000, INT64_C(1700000000) * 1000000000);
    n = tl_park(&t, &a.conn, &z, buf);
    for (size_t k = 0; k < n; k++)
        assert_false(tl_unpark(&t, buf, k, &c2, &z2));
    buf[0] = 7;     /* no such format */
    assert_false(tl_unpark(&t, buf, n, &c2, &z2));
    /* Garbage never crashes (whatever it decodes to). */
    for (int i = 0; i < 2000; i++) {
        size_t len = (size_t)rand_r(&seed) % sizeof buf;
        for (size_t j = 0; j < len; j++)
            buf[j] = (uint8_t)rand_r(&seed);
        buf[0] = (uint8_t)(rand_r(&seed) % 2);
        (void)tl_unpark(&t, buf, len, &c2, &z2);
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_park_round_trip_of_random_bytes_is_exact),
    cmocka_unit_test(test_park_a_closed_connection_is_small),
    cmocka_unit_test(test_park_microsecond_times_pack_smaller),
    cmocka_unit_test(test_park_keeps_what_its_rewrites_cannot),
    cmocka_unit_test(test_park_damaged_input_is_rejected),
};

TCPLIFE_TEST_MAIN(tests)
