/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_frames.h - frames told apart when a read filter numbers two alike.
 *
 * The tracker tells frames apart by number (which frame a RST answers,
 * whether the last segment was the handshake's ACK) and names related
 * frames by number. A program that keeps its frames for a later pass
 * (tshark -2 -R, Wireshark with a read filter) numbers only the frames its
 * read filter keeps: a rejected frame was dissected on the first pass under
 * the number the next frame then gets again. So the tracker is fed an
 * ordinal instead, distinct for every frame the first pass saw:
 *
 *   ordinal = frame number + frames hidden so far
 *
 * which is the frame number itself until a frame is hidden (every program
 * without a read filter, tshark's single pass, the batch program), and
 * related frames are shown as numbers again through this map; a frame the
 * filter hid has no number (0: the link is not shown).
 *
 * The hidden ordinals are kept in ascending order (4 bytes each). The core
 * allocates nothing: the array grows through the caller's realloc.
 */
#ifndef TCPLIFE_TL_FRAMES_H
#define TCPLIFE_TL_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint32_t *hidden;           /* ordinals of hidden frames, ascending */
    uint32_t  n, cap;
    void *(*realloc_fn)(void *p, size_t bytes);     /* NULL on failure */
    void  (*free_fn)(void *p);
    bool      lost;             /* a hide failed for memory: numbers after it may be off */
} tl_frames_t;

/* An empty map with the caller's allocator. */
void tl_frames_init(tl_frames_t *m, void *(*realloc_fn)(void *p, size_t bytes),
                    void (*free_fn)(void *p));
/* Frees the array and empties the map. */
void tl_frames_clear(tl_frames_t *m);

/* The ordinal of the frame the program numbers `number` (a frame it
 * shows, or the frame being read on the first pass). */
static inline uint32_t
tl_frames_ordinal_now(const tl_frames_t *m, uint32_t number)
{
    return number + m->n;
}
/* The first pass saw the frame with this ordinal and the read filter
 * rejected it. Ordinals come in ascending order; one not above the last
 * hidden one is ignored (false), as is one the array cannot grow for
 * (false, and .lost is set). */
bool tl_frames_hide(tl_frames_t *m, uint32_t ordinal);
/* The ordinal of a frame shown as `number` (on any pass). */
uint32_t tl_frames_ordinal(const tl_frames_t *m, uint32_t number);
/* The number of the frame with this ordinal: 0 for 0 and for a hidden
 * frame. */
uint32_t tl_frames_number(const tl_frames_t *m, uint32_t ordinal);

#ifdef __cplusplus
}
#endif

#endif
