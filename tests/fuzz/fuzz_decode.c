/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_decode.c - libFuzzer harness of the direct batch program's frame
 * decoder (plugin/batch/tl_decode.c), which reads untrusted capture bytes.
 *
 * Input: byte 0 picks the link type (modulo the tl_link_t count), bytes
 * 1-2 (little endian) are how much longer the frame was on the wire than
 * captured, the rest is the captured frame. The frame is copied into a
 * buffer of exactly its size, so a read past it is a sanitizer report.
 * Checked after decoding (abort() on a violation):
 *   - the kind and the skip reason are in range, and a reason goes with
 *     TCPLIFE_DEC_SKIP only;
 *   - a TCP segment has IPv4 or IPv6 addresses, a length within the frame's
 *     wire length, its options inside the captured bytes;
 *   - a quoted header has addresses of one family.
 * The seeds (tests/fuzz/decode-corpus/) are frames of the sample captures,
 * written by tests/fuzz/make-decode-corpus.py.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tl_decode.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_decoded_t d;
    uint8_t *frame;
    size_t caplen, wire;

    if (size < 3)
        return 0;
    caplen = size - 3;
    wire = caplen + (size_t)(data[1] | data[2] << 8);
    frame = (uint8_t *)malloc(caplen ? caplen : 1);
    if (!frame)
        return 0;
    memcpy(frame, data + 3, caplen);
    tl_decode((tl_link_t)(data[0] % (TCPLIFE_LINK_OTHER + 1)), frame, caplen, wire, &d);

    CHECK(d.kind >= TCPLIFE_DEC_NONE && d.kind <= TCPLIFE_DEC_SKIP);
    CHECK((unsigned)d.skip < TCPLIFE_SKIP_COUNT);
    CHECK((d.kind == TCPLIFE_DEC_SKIP) == (d.skip != TCPLIFE_SKIP_NONE));
    CHECK(tl_skip_text(d.skip)[0] != '?');
    if (d.kind == TCPLIFE_DEC_TCP) {
        CHECK(d.seg.src.family == 4 || d.seg.src.family == 6);
        CHECK(d.seg.dst.family == d.seg.src.family);
        CHECK(d.conv_src.family == d.conv_dst.family);
        CHECK(d.seg.len <= wire);
        if (d.seg.opt_len)
            CHECK(d.seg.opt_bytes >= frame && d.seg.opt_bytes + d.seg.opt_len <= frame + caplen);
    } else if (d.kind == TCPLIFE_DEC_QUOTED) {
        CHECK(d.seg.src.family == 4 || d.seg.src.family == 6);
        CHECK(d.seg.dst.family == d.seg.src.family);
    }
    free(frame);
    return 0;
}
