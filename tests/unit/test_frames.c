/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_frames.c - frame ordinals under a read filter (tl_frames.h). A
 * first pass is simulated as tshark -2 -R makes it: every frame read is
 * numbered one more than the frames kept so far, and a rejected frame's
 * number goes to the next one. The glue's rule (the previous frame was
 * hidden when the next comes under its number) must give every frame read
 * a distinct ordinal, give a kept frame's ordinal back from its number on
 * any later pass, and name each ordinal by its frame's final number, or 0
 * when the filter rejected it. Also: no frame hidden is the identity, hides
 * come in ascending order, and a failing allocator loses hides, not memory.
 */
#include <stdlib.h>
#include <string.h>

#include "tl_script.h"

#include "tcplife/tl_frames.h"

static void
test_frames_nothing_hidden_is_the_identity(void **state)
{
    tl_frames_t m;

    (void)state;
    tl_frames_init(&m, tl_test_realloc, free);
    for (uint32_t n = 1; n < 1000; n += 7) {
        assert_int_equal(tl_frames_ordinal_now(&m, n), n);
        assert_int_equal(tl_frames_ordinal(&m, n), n);
        assert_int_equal(tl_frames_number(&m, n), n);
    }
    assert_int_equal(tl_frames_number(&m, 0), 0);
    assert_int_equal(tl_frames_number(&m, UINT32_MAX), UINT32_MAX);
    tl_frames_clear(&m);
}

/* One simulated first pass over `n` frames, keep[i] saying whether the
 * read filter keeps frame i; then every later-pass question. */
static void
simulate(const bool *keep, uint32_t n)
{
    tl_frames_t m;
    uint32_t *ord = calloc(n, sizeof *ord), *num = calloc(n, sizeof *num);
    uint32_t kept = 0, last_num = 0, last_ord = 0;

    assert_non_null(ord);
    assert_non_null(num);
    tl_frames_init(&m, tl_test_realloc, free);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t number = kept + 1;          /* what the program numbers it */

        if (i > 0 && number == last_num)     /* the previous one was rejected */
            (void)tl_frames_hide(&m, last_ord);
        ord[i] = tl_frames_ordinal_now(&m, number);
        if (i > 0)
            assert_true(ord[i] > ord[i - 1]);
        last_num = number;
        last_ord = ord[i];
        num[i] = keep[i] ? number : 0;
        if (keep[i])
            kept++;
    }
    /* The last frame, if rejected, is never seen to be: the program has
     * no frame after it, and shows none under its number. */
    for (uint32_t i = 0; i < n; i++) {
        bool unseen_last = i == n - 1 && !keep[i];

        if (!unseen_last)
            assert_int_equal(tl_frames_number(&m, ord[i]), num[i]);
        if (keep[i])
            assert_int_equal(tl_frames_ordinal(&m, num[i]), ord[i]);
    }
    assert_false(m.lost);
    tl_frames_clear(&m);
    free(ord);
    free(num);
}

static void
test_frames_read_filter_patterns(void **state)
{
    static const bool all[] = { 1, 1, 1, 1 };
    static const bool first[] = { 0, 1, 1, 0, 1 };
    static const bool runs[] = { 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1 };
    static const bool last[] = { 1, 1, 0 };
    static const bool none_but_one[] = { 0, 0, 0, 0, 1 };

    (void)state;
    simulate(all, 4);
    simulate(first, 5);
    simulate(runs, 11);
    simulate(last, 3);
    simulate(none_but_one, 5);
}

static void
test_frames_random_read_filters(void **state)
{
    bool keep[3000];
    uint32_t x = 12345;

    (void)state;
    /* Filters keeping about 1/8 .. 7/8 of the frames, in runs and alone;
     * more hides than the array's first size, so it grows. */
    for (unsigned round = 0; round < 40; round++) {
        unsigned keep_in_8 = 1 + round % 7;

        for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
            x = x * 1103515245u + 12345u;
            keep[i] = ((x >> 16) & 7) < keep_in_8;
        }
        simulate(keep, (uint32_t)(sizeof keep / sizeof keep[0]));
    }
}

static void
test_frames_hides_only_in_ascending_order(void **state)
{
    tl_frames_t m;

    (void)state;
    tl_frames_init(&m, tl_test_realloc, free);
    assert_false(tl_frames_hide(&m, 0));
    assert_true(tl_frames_hide(&m, 4));
    assert_false(tl_frames_hide(&m, 4));    /* twice: once */
    assert_false(tl_frames_hide(&m, 3));
    assert_int_equal(m.n, 1);
    assert_int_equal(tl_frames_number(&m, 4), 0);
    assert_int_equal(tl_frames_number(&m, 5), 4);
    assert_int_equal(tl_frames_number(&m, 3), 3);
    tl_frames_clear(&m);
    assert_int_equal(m.n, 0);
    assert_null(m.hidden);
}

static void
test_frames_failing_allocator_loses_hides_not_memory(void **state)
{
    tl_frames_t m;
    uint32_t o = 1;

    (void)state;
    tl_test_alloc()->reallocs = 0;
    tl_test_alloc()->fail_from = 2;     /* the first array, then no more */
    tl_frames_init(&m, tl_test_realloc, free);
    while (tl_frames_hide(&m, o))
        o += 2;
    assert_true(m.lost);
    assert_true(m.n > 0);
    assert_int_equal(m.n, m.cap);
    /* What was kept still answers. */
    assert_int_equal(tl_frames_number(&m, 1), 0);
    assert_int_equal(tl_frames_number(&m, 2), 1);
    tl_frames_clear(&m);
    assert_false(m.lost);
    tl_test_alloc()->fail_from = 0;

    /* No allocator at all. */
    tl_frames_init(&m, NULL, NULL);
    assert_false(tl_frames_hide(&m, 1));
    assert_true(m.lost);
    tl_frames_clear(&m);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_frames_nothing_hidden_is_the_identity),
    cmocka_unit_test(test_frames_read_filter_patterns),
    cmocka_unit_test(test_frames_random_read_filters),
    cmocka_unit_test(test_frames_hides_only_in_ascending_order),
    cmocka_unit_test(test_frames_failing_allocator_loses_hides_not_memory),
};

TCPLIFE_TEST_MAIN(tests)
