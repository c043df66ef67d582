/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_pack.c - a verdict (tl_result_t) in a few bytes, for per-frame storage.
 * Three parts, used together by the plugin's store (plugin/epan/tl_store.c):
 *
 * Packing (tl_pack_result(), tl_unpack_result()). A verdict is mostly
 * zeros: an ordinary data segment sets the flags, the length, the phase,
 * the sender and four states. It is stored zero-suppressed: a bitmap of the
 * 8-byte blocks that hold a non-zero byte (7 blocks a byte, bit 7 set when
 * another map byte follows: one byte for a verdict whose first seven blocks
 * hold everything), then per such block a mask of its non-zero bytes and
 * those bytes. The round trip is exact for every byte of the structure
 * (padding included), so a field added to tl_result_t is stored without
 * touching this file. The fields every segment sets come first in
 * tl_result_t, so most verdicts only need their first two blocks looked at
 * byte by byte.
 *
 * Relative verdicts (tl_result_relative()). Before packing, what the
 * segment itself gives is taken out, so that two alike segments of a
 * connection give alike bytes: frame numbers as a distance back from the
 * segment's frame, a handshake's ISNs XOR the segment's own seq and ack,
 * TIME_WAIT's times against the segment's time. Its own inverse, given the
 * same segment (frame, time, header bytes) on every pass.
 *
 * Kinds (tl_result_kind()). A small hash of what sort of segment a verdict
 * is (flags, sender, handshake and teardown step, phase, RST kind). The
 * store XORs a verdict with an alike one before packing: its connection's
 * latest alike verdict, else the file's first verdict of its kind (a
 * SYN-ACK is most like another connection's SYN-ACK).
 */
#include <stddef.h>
#include <string.h>

#include "tl_internal.h"
#include "tcplife/tl_pack.h"

#define BLOCKS ((sizeof(tl_result_t) + 7) / 8)
#define MAP_BYTES ((BLOCKS + 6) / 7)

/* The blocks an ordinary segment sets: flags, opts_known and length, then
 * phase, sender, states and labels (the first fields of tl_result_t). */
#define HOT_BLOCKS ((offsetof(tl_result_t, label_recv) + 8) / 8)
typedef char tl_pack_states_are_hot[
    offsetof(tl_result_t, prev_state) + TCPLIFE_ROLE_COUNT <= HOT_BLOCKS * 8
    && offsetof(tl_result_t, state) + TCPLIFE_ROLE_COUNT <= HOT_BLOCKS * 8 ? 1 : -1];

size_t
tl_pack_result(const tl_result_t *r, uint8_t *out)
{
    uint8_t raw[BLOCKS * 8];
    uint8_t map[MAP_BYTES] = { 0 };
    uint8_t body[BLOCKS * 9];
    size_t n = 0, used = BLOCKS, nmap = 1;
    const uint8_t *src = (const uint8_t *)r;
    uint64_t rest = 0;

    /* Most verdicts leave everything after the hot blocks zero: one pass
     * of ORs tells, and the byte-wise work stays on the hot blocks. */
    for (size_t b = HOT_BLOCKS; b < sizeof *r / 8; b++) {
        uint64_t w;

        memcpy(&w, src + b * 8, 8);
        rest |= w;
    }
    if (!rest && sizeof *r % 8 == 0) {
        used = HOT_BLOCKS;
        memcpy(raw, r, HOT_BLOCKS * 8);
    } else {
        memcpy(raw, r, sizeof *r);
        memset(raw + sizeof *r, 0, sizeof raw - sizeof *r);
    }
    /* The state before the segment mostly equals the state after it:
     * stored as their XOR, it is zero and takes no byte. */
    for (int i = 0; i < TCPLIFE_ROLE_COUNT; i++)
        raw[offsetof(tl_result_t, prev_state) + i] ^= raw[offsetof(tl_result_t, state) + i];
    for (size_t b = 0; b < used; b++) {
        const uint8_t *blk = raw + b * 8;
        uint8_t mask = 0;
        size_t at = n + 1;
        uint64_t w;

        memcpy(&w, blk, 8);
        if (!w)                 /* most blocks: skip at once */
            continue;
        for (unsigned i = 0; i < 8; i++)
            if (blk[i]) {
                mask |= (uint8_t)(1u << i);
                body[at++] = blk[i];
            }
        map[b / 7] |= (uint8_t)(1u << (b % 7));
        nmap = b / 7 + 1;
        body[n] = mask;
        n = at;
    }
    for (size_t i = 0; i + 1 < nmap; i++)
        map[i] |= 0x80;
    memcpy(out, map, nmap);
    memcpy(out + nmap, body, n);
    return nmap + n;
}

size_t
tl_unpack_result(const uint8_t *in, size_t avail, tl_result_t *r)
{
    uint8_t raw[BLOCKS * 8] = { 0 };
    uint8_t map[MAP_BYTES] = { 0 };
    size_t n = 0;

    do {
        if (n >= avail || n >= MAP_BYTES)
            return 0;
        map[n] = in[n] & 0x7f;
    } while (in[n++] & 0x80);
    for (size_t b = 0; b < BLOCKS; b++) {
        uint8_t mask;

        if (!(map[b / 7] & (1u << (b % 7))))
            continue;
        if (n >= avail)
            return 0;
        mask = in[n++];
        if (!mask)
            return 0;
        for (unsigned i = 0; i < 8; i++)
            if (mask & (1u << i)) {
                if (n >= avail)
                    return 0;
                raw[b * 8 + i] = in[n++];
            }
    }
    /* Bits for blocks beyond the last one are not written by the packer. */
    if (BLOCKS % 7 && (map[MAP_BYTES - 1] >> (BLOCKS % 7)))
        return 0;
    for (int i = 0; i < TCPLIFE_ROLE_COUNT; i++)
        raw[offsetof(tl_result_t, prev_state) + i] ^= raw[offsetof(tl_result_t, state) + i];
    memcpy(r, raw, sizeof *r);
    return n;
}

/* Related frames: earlier frames, stored as how far back they are. */
static const uint16_t rel_frames[] = {
    offsetof(tl_result_t, rel_syn), offsetof(tl_result_t, rel_fin), offsetof(tl_result_t, rel_prev),
    offsetof(tl_result_t, rel_rst), offsetof(tl_result_t, rel_ack_not_taken),
    offsetof(tl_result_t, hc_fin_frame), offsetof(tl_result_t, dup_of), offsetof(tl_result_t, rel_ka),
};

/* v -> base - v, except that 0 ("none") and base stay: its own inverse,
 * and a bijection (base - v is 0 only for v = base, which stays). */
static uint64_t
back_from(uint64_t base, uint64_t v)
{
    return v == 0 || v == base ? v : base - v;
}

void
tl_result_frame_numbers(tl_result_t *r, const tl_frames_t *frames)
{
    uint8_t *b = (uint8_t *)r;

    if (!frames || frames->n == 0)
        return;
    for (size_t i = 0; i < sizeof rel_frames / sizeof rel_frames[0]; i++) {
        uint32_t v;

        memcpy(&v, b + rel_frames[i], 4);
        v = tl_frames_number(frames, v);
        memcpy(b + rel_frames[i], &v, 4);
    }
}

static uint64_t
tw_expected_left(const tl_result_t *r, uint64_t now)
{
    return (uint64_t)(r->tw_rearmed_ns ? r->tw_rearmed_ns : r->tw_start_ns)
         + (uint64_t)r->tw_duration_ns - now;
}

void
tl_result_relative(tl_result_t *r, const tl_relative_t *seg, bool to_relative)
{
    uint8_t *b = (uint8_t *)r;
    uint64_t now = (uint64_t)seg->time_ns;

    for (size_t i = 0; i < sizeof rel_frames / sizeof rel_frames[0]; i++) {
        uint32_t v;

        memcpy(&v, b + rel_frames[i], 4);
        v = (uint32_t)back_from((uint32_t)(seg->frame + 1), v);
        memcpy(b + rel_frames[i], &v, 4);
    }
    /* The handshake's ISNs are the segment's own numbers: a SYN's and a
     * SYN-ACK's seq, a SYN-ACK's and step 3's ack - 1. */
    if (seg->hdr) {
        if (r->hs_step == 1 || r->hs_step == 2)
            r->isn ^= seg->seq;
        if (r->hs_step == 2 || r->hs_step == 3)
            r->peer_isn ^= seg->ack - 1;
    }
    /* TIME_WAIT's times, from the segment's: its start and re-arm as how
     * long ago, the time left as what they give minus what it says. */
    if (r->tw_holder != TCPLIFE_TW_NONE) {
        if (to_relative) {
            r->tw_left_ns = (int64_t)((uint64_t)r->tw_left_ns - tw_expected_left(r, now));
            r->tw_start_ns = (int64_t)(now - (uint64_t)r->tw_start_ns);
            r->tw_rearmed_ns = (int64_t)back_from(now, (uint64_t)r->tw_rearmed_ns);
        } else {
            r->tw_rearmed_ns = (int64_t)back_from(now, (uint64_t)r->tw_rearmed_ns);
            r->tw_start_ns = (int64_t)(now - (uint64_t)r->tw_start_ns);
            r->tw_left_ns = (int64_t)((uint64_t)r->tw_left_ns + tw_expected_left(r, now));
        }
    }
}

unsigned
tl_result_kind(const tl_result_t *r)
{
    unsigned k = (unsigned)(r->flags & (TCPLIFE_F_SYN | TCPLIFE_F_ACK | TCPLIFE_F_FIN | TCPLIFE_F_RST
                                        | TCPLIFE_F_PSH)) << 3
               | (unsigned)(r->sender & 1) << 2 | (unsigned)(r->hs_step & 3);

    return (k ^ (unsigned)r->phase * 0x9bu ^ (unsigned)r->td_step * 0x35u ^ (unsigned)r->rst_kind * 0x71u)
           % TCPLIFE_RESULT_KINDS;
}
