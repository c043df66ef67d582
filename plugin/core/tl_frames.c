/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_frames.c - frame ordinals and the numbers a read filter gives (see
 * tl_frames.h).
 *
 * With hidden ordinals h[0] < h[1] < ..., the frame hidden as h[i] was read
 * under number h[i] - i, and that number went to the next frame. So h[i] - i
 * never decreases, and
 *   a shown frame's ordinal  = number + #{ i : h[i] - i <= number }
 *   an ordinal's number      = ordinal - #{ i : h[i] < ordinal } (0 if hidden)
 * both a binary search.
 */
#include "tcplife/tl_frames.h"

#include <string.h>

void
tl_frames_init(tl_frames_t *m, void *(*realloc_fn)(void *p, size_t bytes), void (*free_fn)(void *p))
{
    memset(m, 0, sizeof *m);
    m->realloc_fn = realloc_fn;
    m->free_fn = free_fn;
}

void
tl_frames_clear(tl_frames_t *m)
{
    if (m->hidden && m->free_fn)
        m->free_fn(m->hidden);
    m->hidden = NULL;
    m->n = m->cap = 0;
    m->lost = false;
}

bool
tl_frames_hide(tl_frames_t *m, uint32_t ordinal)
{
    if (ordinal == 0 || (m->n && ordinal <= m->hidden[m->n - 1]) || m->n == UINT32_MAX)
        return false;
    if (m->n == m->cap) {
        uint32_t cap = m->cap ? (m->cap > UINT32_MAX / 2 ? UINT32_MAX : m->cap * 2) : 64;
        /* 2^32 - 1 ordinals of 4 bytes fit in size_t on every platform
         * Wireshark runs on (64-bit); a 32-bit size_t stops growing early. */
        uint64_t bytes = (uint64_t)cap * sizeof(uint32_t);
        uint32_t *p = m->realloc_fn && bytes == (size_t)bytes
                      ? m->realloc_fn(m->hidden, (size_t)bytes) : NULL;

        if (!p || cap == m->cap) {
            m->lost = true;
            return false;
        }
        m->hidden = p;
        m->cap = cap;
    }
    m->hidden[m->n++] = ordinal;
    return true;
}

uint32_t
tl_frames_ordinal(const tl_frames_t *m, uint32_t number)
{
    uint32_t lo = 0, hi = m->n;

    /* The first i with h[i] - i > number. */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (m->hidden[mid] - mid <= number)
            lo = mid + 1;
        else
            hi = mid;
    }
    return number + lo;
}

uint32_t
tl_frames_number(const tl_frames_t *m, uint32_t ordinal)
{
    uint32_t lo = 0, hi = m->n;

    /* The first i with h[i] >= ordinal. */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (m->hidden[mid] < ordinal)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (ordinal == 0 || (lo < m->n && m->hidden[lo] == ordinal))
        return 0;
    return ordinal - lo;
}
