/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_pack.h - verdicts (tl_result_t) stored per frame for the whole file.
 *
 * A front end keeps every frame's verdicts for later passes. Two steps make
 * one small: tl_result_relative() rewrites the fields that follow from the
 * segment itself (its frame number, capture time, sequence and
 * acknowledgement numbers) as differences from it, so that the verdicts of
 * alike segments are alike byte for byte; tl_pack_result() keeps only the
 * non-zero bytes (after the caller XORs it with an alike verdict). Both are
 * exact: every byte comes back. Pure C, no allocation.
 */
#ifndef TCPLIFE_TL_PACK_H
#define TCPLIFE_TL_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "tl_core.h"
#include "tl_frames.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A verdict packed: exact round trip of every byte, at most TCPLIFE_PACKED_MAX
 * bytes, about 12 for a data segment and 1 for an all-zero verdict.
 * tl_unpack_result returns the bytes it read, or 0 when `in` (avail bytes)
 * is malformed.
 */
#define TCPLIFE_PACKED_MAX (((sizeof(tl_result_t) + 7) / 8 + 6) / 7 + ((sizeof(tl_result_t) + 7) / 8) * 9)
size_t tl_pack_result(const tl_result_t *r, uint8_t *out);
size_t tl_unpack_result(const uint8_t *in, size_t avail, tl_result_t *r);

/* The segment a verdict was given for, as every pass sees it. */
typedef struct {
    uint32_t frame;             /* its frame number */
    int64_t  time_ns;           /* its capture time */
    bool     hdr;               /* seq and ack are known (the header is in
                                 * the frame's bytes): on every pass alike */
    uint32_t seq, ack;          /* its raw sequence / acknowledgement number */
} tl_relative_t;

/*
 * Rewrite (to_relative) the verdict's fields that follow from its segment
 * as differences from it, or undo that (!to_relative): related frames as
 * how far back they are (1: this frame), the ISNs as XOR the segment's
 * seq / ack - 1 (zero on a SYN, a SYN-ACK and step 3), TIME_WAIT's start
 * and re-arm as how long ago, the time left as its difference from what
 * start, re-arm and duration give. A bijection for every verdict and
 * segment: undoing with the same `seg` gives every byte back.
 */
void tl_result_relative(tl_result_t *r, const tl_relative_t *seg, bool to_relative);

/*
 * The verdict's related frames (the frames it links to) rewritten from the
 * tracker's ordinals to the numbers the program shows (tl_frames.h), 0 for
 * a frame the read filter hid. Nothing to do while no frame is hidden.
 */
void tl_result_frame_numbers(tl_result_t *r, const tl_frames_t *frames);

/*
 * A verdict's kind, below TCPLIFE_RESULT_KINDS, for a front end that keeps
 * a template verdict per kind and stores others as their difference from
 * it: alike segments of different connections (two SYN-ACKs, two data
 * segments from a server) have one kind. Made of the segment's SYN, ACK,
 * FIN, RST and PSH flags, its sender and handshake step (verdicts that
 * differ in these only have distinct kinds), mixed with its phase,
 * teardown step and RST kind (which may share a kind).
 */
#define TCPLIFE_RESULT_KINDS 256
unsigned tl_result_kind(const tl_result_t *r);

#ifdef __cplusplus
}
#endif

#endif /* TCPLIFE_TL_PACK_H */
