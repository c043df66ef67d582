/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_test.h - shared glue for the core's cmocka unit tests.
 *
 * Each test binary ends with TCPLIFE_TEST_MAIN(tests). Without arguments it runs
 * the whole group; with one argument it runs only the case of that name
 * (ctest registers one case per cmocka_unit_test() line, see
 * tests/unit/CMakeLists.txt). A name that is not in the group fails, so a
 * renamed case cannot pass silently by running nothing.
 */
#ifndef TCPLIFE_TL_TEST_H
#define TCPLIFE_TL_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tcplife/tl_core.h"

#define TCPLIFE_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Flag letters of the packet scripts (S A F R P) -> TCPLIFE_F_* bits. */
static inline uint16_t
tl_parse_flags(const char *s)
{
    uint16_t f = 0;
    for (; *s; s++) {
        switch (*s) {
        case 'S': f |= TCPLIFE_F_SYN; break;
        case 'A': f |= TCPLIFE_F_ACK; break;
        case 'F': f |= TCPLIFE_F_FIN; break;
        case 'R': f |= TCPLIFE_F_RST; break;
        case 'P': f |= TCPLIFE_F_PSH; break;
        default:  fail_msg("unknown flag letter '%c' in \"%s\"", *s, s);
        }
    }
    return f;
}

/* The caller's allocator that the core's growing tables take
 * (tl_frames_init(), tl_rows_keep()): libc's realloc, its calls counted
 * (reallocs), failing from the fail_from-th call on (0: never). */
typedef struct {
    unsigned reallocs, fail_from;
} tl_test_alloc_t;

static inline tl_test_alloc_t *
tl_test_alloc(void)
{
    static tl_test_alloc_t a;
    return &a;
}

static inline void *
tl_test_realloc(void *p, size_t bytes)
{
    tl_test_alloc_t *a = tl_test_alloc();

    if (a->fail_from && ++a->reallocs >= a->fail_from)
        return NULL;
    return realloc(p, bytes);
}

static inline int
tl_test_known(const struct CMUnitTest *tests, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(tests[i].name, name) == 0)
            return 1;
    return 0;
}

#define TCPLIFE_TEST_MAIN(tests)                                             \
    int main(int argc, char **argv)                                          \
    {                                                                        \
        if (argc > 1) {                                                      \
            if (!tl_test_known((tests), TCPLIFE_COUNT(tests), argv[1])) {    \
                fprintf(stderr, "%s: no test case named %s\n", argv[0],      \
                        argv[1]);                                            \
                return 2;                                                    \
            }                                                                \
            cmocka_set_test_filter(argv[1]);                                 \
        }                                                                    \
        return cmocka_run_group_tests(tests, NULL, NULL);                    \
    }

#endif /* TCPLIFE_TL_TEST_H */
