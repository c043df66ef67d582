/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_row.c - the table's rows kept between its two passes (tl_row.h):
 * tl_rows_measure() keeps each row packed, tl_rows_next_kept() gives them
 * back in order with every cell as it was, and the widths are those of all
 * rows. TSV and JSON keep nothing (one pass), nor a table without
 * tl_rows_keep() or whose allocator fails. tl_endpoint_format() writes
 * IPv4 as inet_ntop() does (tl_host_format()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_script.h"

#include "tcplife/tl_row.h"

/* Row i: cells of lengths 0..TCPLIFE_CELL_MAX - 1 that differ by row and
 * column. */
static void
fake_row(tl_row_t *row, unsigned i)
{
    for (int c = 0; c < TCPLIFE_CONN_COLS; c++) {
        size_t len = (i * 7u + (unsigned)c * 13u) % TCPLIFE_CELL_MAX;

        for (size_t k = 0; k < len; k++)
            row->cell[c][k] = (char)('a' + (i + (unsigned)c + k) % 26);
        row->cell[c][len] = '\0';
    }
}

static void
test_row_table_keeps_every_row_in_order(void **state)
{
    tl_rows_out_t o;
    tl_row_t row, back;
    size_t width[TCPLIFE_CONN_COLS] = { 0 };
    unsigned n = 5000, i;
    (void)state;

    tl_test_alloc()->reallocs = tl_test_alloc()->fail_from = 0;
    tl_rows_init(&o, TCPLIFE_ROWS_TABLE);
    tl_rows_keep(&o, tl_test_realloc, free);
    for (int c = 0; c < TCPLIFE_CONN_COLS; c++)
        width[c] = o.width[c];
    for (i = 0; i < n; i++) {
        fake_row(&row, i);
        tl_rows_measure(&o, &row);
        for (int c = 0; c < TCPLIFE_CONN_COLS; c++)
            if (strlen(row.cell[c]) > width[c])
                width[c] = strlen(row.cell[c]);
    }
    assert_true(tl_rows_kept(&o));
    assert_memory_equal(o.width, width, sizeof width);
    for (i = 0; tl_rows_next_kept(&o, &back); i++) {
        fake_row(&row, i);
        for (int c = 0; c < TCPLIFE_CONN_COLS; c++)
            assert_string_equal(back.cell[c], row.cell[c]);
    }
    assert_int_equal(i, n);
    assert_false(tl_rows_next_kept(&o, &back));
    tl_rows_free(&o);
}

static void
test_row_tsv_and_json_keep_nothing(void **state)
{
    tl_rows_fmt_t fmts[] = { TCPLIFE_ROWS_TSV, TCPLIFE_ROWS_JSON };
    tl_row_t row;
    (void)state;

    for (size_t f = 0; f < 2; f++) {
        tl_rows_out_t o;

        tl_rows_init(&o, fmts[f]);
        tl_rows_keep(&o, tl_test_realloc, free);
        fake_row(&row, 1);
        tl_rows_measure(&o, &row);
        assert_false(tl_rows_kept(&o));
        assert_false(tl_rows_next_kept(&o, &row));
        assert_null(o.kept);
        tl_rows_free(&o);
    }
}

/* A table without tl_rows_keep() keeps nothing; a table whose allocator
 * fails part way keeps nothing either (not a part of its rows): nothing is
 * given back, and the caller makes the rows again. */
static void
test_row_without_memory_gives_nothing_back(void **state)
{
    tl_rows_out_t o;
    tl_row_t row;
    (void)state;

    tl_rows_init(&o, TCPLIFE_ROWS_TABLE);
    fake_row(&row, 3);
    tl_rows_measure(&o, &row);
    assert_false(tl_rows_kept(&o));
    assert_false(tl_rows_next_kept(&o, &row));
    assert_null(o.kept);
    tl_rows_free(&o);

    tl_test_alloc()->reallocs = 0;
    tl_test_alloc()->fail_from = 2;     /* the first buffer, then no more */
    tl_rows_init(&o, TCPLIFE_ROWS_TABLE);
    tl_rows_keep(&o, tl_test_realloc, free);
    for (unsigned i = 0; i < 5000; i++) {
        fake_row(&row, i);
        tl_rows_measure(&o, &row);
        if (i == 0)
            assert_true(tl_rows_kept(&o));
    }
    assert_int_equal(tl_test_alloc()->reallocs, 2);
    assert_false(tl_rows_kept(&o));
    assert_false(tl_rows_next_kept(&o, &row));
    tl_rows_free(&o);
    tl_test_alloc()->fail_from = 0;
}

static void
test_row_ipv4_endpoint_as_inet_ntop_writes_it(void **state)
{
    unsigned seed = 4242;
    (void)state;

    for (int i = 0; i < 20000; i++) {
        tl_endpoint_t ep;
        char got[TCPLIFE_CELL_MAX], host[TCPLIFE_CELL_MAX], want[TCPLIFE_CELL_MAX + 8];

        memset(&ep, 0, sizeof ep);
        ep.addr.family = 4;
        for (int k = 0; k < 4; k++)     /* every byte value, and random ones */
            ep.addr.bytes[k] = (uint8_t)(i < 256 ? (unsigned)i : (unsigned)rand_r(&seed));
        ep.port = (uint16_t)(i < 256 ? i : rand_r(&seed));
        tl_endpoint_format(&ep, got, sizeof got);
        snprintf(want, sizeof want, "%s:%u", tl_host_format(&ep, host, sizeof host), ep.port);
        assert_string_equal(got, want);
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_row_ipv4_endpoint_as_inet_ntop_writes_it),
    cmocka_unit_test(test_row_table_keeps_every_row_in_order),
    cmocka_unit_test(test_row_tsv_and_json_keep_nothing),
    cmocka_unit_test(test_row_without_memory_gives_nothing_back),
};

TCPLIFE_TEST_MAIN(tests)
