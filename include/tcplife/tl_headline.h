/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_headline.h - a segment's verdict in one line, as the "TCP Lifecycle"
 * tree's headline shows it: what the segment is, its proof, both states
 * ("Teardown 3/4 (four-way, client closed first): FIN from server — client
 * TIME_WAIT, server LAST_ACK"). Pure C: writes into the caller's buffer,
 * allocates nothing, no epan includes. The glue only shows the text.
 */
#ifndef TCPLIFE_TL_HEADLINE_H
#define TCPLIFE_TL_HEADLINE_H

#include <stddef.h>

#include "tl_core.h"
#include "tl_frames.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A buffer this long holds every headline: the longest ("Reset: RST from
 * server answers data sent after its FIN (frame N): data discarded; N bytes
 * unacknowledged, lost — client ..., server ...") is under 200 bytes.
 * (epan cuts an item's text at ITEM_LABEL_LENGTH, 240, anyway.) */
#define TCPLIFE_HEADLINE_MAX 256

/* The number of steps of a teardown of this kind, the N of "Teardown 2/N"
 * and of the ladder's "FIN,ACK 2/N": 3 for a three-way teardown (the second
 * FIN acknowledges the first), else 4 (four-way, simultaneous, or the kind
 * not known yet). */
unsigned tl_teardown_steps(tl_teardown_t kind);

/* Write r's headline into buf (size bytes), always NUL-terminated when size
 * > 0, cut short when it does not fit. Returns the headline's full length,
 * as snprintf() does. Never fails: a verdict out of range reads "?".
 * Related frames are named by their numbers through frames (tl_frames.h;
 * NULL: the ordinals are the numbers), "a frame the read filter hid" when
 * hidden. */
size_t tl_headline(const tl_result_t *r, const tl_frames_t *frames, char *buf, size_t size);

/* How a verdict names a related frame, by its ordinal: "frame N" (N its
 * number through frames; NULL: the ordinal is the number), "a frame the
 * read filter hid", or for 0 "a frame not captured". Written into buf as
 * snprintf() does; returns the full length. The headline and the Flow
 * Graph's comments use it, so that they name frames alike. */
size_t tl_frame_ref(const tl_frames_t *frames, uint32_t ordinal, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* TCPLIFE_TL_HEADLINE_H */
