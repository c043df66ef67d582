/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_park.c - a connection's records in a few hundred bytes (tl_park.h).
 *
 * The two records are mostly zeros, and most of what is not zero is close
 * to something else in them: capture times to the connection's first one,
 * frame numbers to its first frame, sequence numbers to the ISN of their
 * side, the Zeek model's addresses to the tracker's. Packing rewrites those
 * fields as differences (small numbers, mostly zero high bytes), then keeps
 * only the non-zero bytes: a bitmap of the 8-byte blocks holding one, per
 * such block a mask of its non-zero bytes, and those bytes. Unpacking undoes
 * both steps. A rewrite that would not come back exactly (a time one
 * nanosecond before the first, which reads as "unset") is caught before:
 * those records are stored as they are. test_park.c proves the round trip
 * on random records, the e2e and corpus tests on every capture
 * (TCPLIFE_PARK_FRAMES=0).
 */
#include <stddef.h>
#include <string.h>

#include "tcplife/tl_park.h"

typedef struct {
    tl_conn_t conn;
    tl_zeek_t zeek;
} image_t;
typedef char tl_park_image_fits[sizeof(image_t) <= TCPLIFE_PARK_IMAGE ? 1 : -1];

#define IMAGE_BYTES sizeof(image_t)
#define BLOCKS ((IMAGE_BYTES + 7) / 8)
#define WORDS (IMAGE_BYTES / 8)
typedef char tl_park_image_is_words[IMAGE_BYTES % 8 == 0 ? 1 : -1];
#define MAP_BYTES ((BLOCKS + 7) / 8)

/* FMT_PACKED_US: every time was a whole microsecond (captures with
 * microsecond timestamps): they are packed divided by 1000, 10 bits less
 * each. */
enum { FMT_RAW = 0, FMT_PACKED = 1, FMT_PACKED_US = 2 };

/* Fields rewritten, by offset in tl_endpoint_t / tl_conn_t / its Zeek part. */
#define EP(f) offsetof(tl_endpoint_t, f)
static const uint16_t ep_times[] = { EP(syn_time_ns), EP(fin_time_ns), EP(last_ns) };
static const uint16_t ep_frames[] = { EP(ka_frame), EP(syn_frame),
                                      EP(ack_max_frame), EP(fin_frame), EP(fin_ack_frame),
                                      EP(last_frame), EP(last_data_frame) };
static const uint16_t ep_own_seqs[] = { EP(nxt), EP(fin_seq), EP(data_end) };
static const uint16_t ep_peer_seqs[] = { EP(ack_max), EP(in_from) };
/* Fields mostly equal to another of the same endpoint: their difference
 * (zigzag), rewritten before the lists above and restored after them. */
typedef struct {
    uint16_t off, ref;
    uint8_t  size;
} sibling_t;
static const sibling_t ep_siblings[] = {
    { EP(dup_time_ns), EP(last_ns), 8 },   { EP(fin_last_ns), EP(fin_time_ns), 8 },
    { EP(dup_frame), EP(last_frame), 4 },  { EP(dup_seq), EP(nxt), 4 },
    { EP(dup_ack), EP(ack_max), 4 },       { EP(syn_last_frame), EP(syn_frame), 4 },
};
#undef EP
#define CN(f) offsetof(tl_conn_t, f)
static const uint16_t conn_times[] = { CN(last_time_ns), CN(hs_ack_time_ns), CN(last_data_ns),
                                       CN(tw_rearmed_ns), CN(tw_start_ns) };
static const uint16_t conn_frames[] = { CN(hs_ack_frame), CN(reset_frame) };
#undef CN
#define ZE(f) offsetof(tl_zeek_endpoint_t, f)
static const uint16_t zeek_own_seqs[] = { ZE(last_seq), ZE(ack_seq) };
static const sibling_t zeek_siblings[] = {
    { ZE(trim_seq), ZE(reassem_seq), 4 },
};
#undef ZE

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))


static uint64_t
get64(const void *base, size_t off)
{
    uint64_t v;
    memcpy(&v, (const uint8_t *)base + off, 8);
    return v;
}

static void
put64(void *base, size_t off, uint64_t v)
{
    memcpy((uint8_t *)base + off, &v, 8);
}

static uint32_t
get32(const void *base, size_t off)
{
    uint32_t v;
    memcpy(&v, (const uint8_t *)base + off, 4);
    return v;
}

static void
put32(void *base, size_t off, uint32_t v)
{
    memcpy((uint8_t *)base + off, &v, 4);
}

/* Calls f on every time and duration of the connection. */
static void
for_each_time(tl_conn_t *c, void (*f)(int64_t *t, void *ctx), void *ctx)
{
    for (int r = 0; r < TCPLIFE_ROLE_COUNT; r++) {
        tl_endpoint_t *ep = &c->ep[r];

        f(&ep->syn_time_ns, ctx);
        f(&ep->fin_time_ns, ctx);
        f(&ep->fin_last_ns, ctx);
        f(&ep->last_ns, ctx);
        f(&ep->dup_time_ns, ctx);
    }
    f(&c->first_time_ns, ctx);
    f(&c->last_time_ns, ctx);
    f(&c->hs_ack_time_ns, ctx);
    f(&c->last_data_ns, ctx);
    f(&c->tw_rearmed_ns, ctx);
    f(&c->tw_start_ns, ctx);
    f(&c->hc_duration_ns, ctx);
}

static void
check_us(int64_t *t, void *ctx)
{
    if (*t % 1000)
        *(bool *)ctx = false;
}

static void
to_us(int64_t *t, void *ctx)
{
    (void)ctx;
    *t /= 1000;
}

static void
from_us(int64_t *t, void *ctx)
{
    (void)ctx;
    *t = (int64_t)((uint64_t)*t * 1000u);
}

/* Whether every time of the connection is a whole microsecond. */
static bool
times_in_us(const tl_conn_t *c)
{
    bool us = true;

    for_each_time((tl_conn_t *)(uintptr_t)c, check_us, &us);
    return us;
}

/* Times: 0 stays 0 ("unset"); others become the zigzag of their distance
 * from the first time plus one. */
static void
times_rewrite(void *base, const uint16_t *offs, size_t n, int64_t t0, bool pack)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t v = get64(base, offs[i]);

        if (!v)
            continue;
        if (pack) {
            uint64_t d = v - (uint64_t)t0 + 1;
            v = (d << 1) ^ (uint64_t)((int64_t)d >> 63);
        } else {
            uint64_t d = (v >> 1) ^ (uint64_t)-(int64_t)(v & 1);
            v = d + (uint64_t)t0 - 1;
        }
        put64(base, offs[i], v);
    }
}

/* Frames: 0 stays 0 ("none"); others count from the base frame, 1 up. */
static void
frames_rewrite(void *base, const uint16_t *offs, size_t n, uint32_t f0, bool pack)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t v = get32(base, offs[i]);

        if (v)
            put32(base, offs[i], pack ? v - f0 + 1 : v + f0 - 1);
    }
}

/* Sequence numbers: the distance from a base, modulo 2^32. */
static void
seqs_rewrite(void *base, const uint16_t *offs, size_t n, uint32_t s0, bool pack)
{
    for (size_t i = 0; i < n; i++)
        put32(base, offs[i], get32(base, offs[i]) + (pack ? 0u - s0 : s0));
}

static void
siblings_rewrite(void *base, const sibling_t *sib, size_t n, bool pack)
{
    for (size_t i = 0; i < n; i++) {
        if (sib[i].size == 8) {
            uint64_t v = get64(base, sib[i].off), ref = get64(base, sib[i].ref), d;

            if (pack) {
                d = v - ref;
                v = (d << 1) ^ (uint64_t)((int64_t)d >> 63);
            } else {
                d = (v >> 1) ^ (uint64_t)-(int64_t)(v & 1);
                v = d + ref;
            }
            put64(base, sib[i].off, v);
        } else {
            uint32_t v = get32(base, sib[i].off), ref = get32(base, sib[i].ref), d;

            if (pack) {
                d = v - ref;
                v = (d << 1) ^ (uint32_t)((int32_t)d >> 31);
            } else {
                d = (v >> 1) ^ (uint32_t)-(int32_t)(v & 1);
                v = d + ref;
            }
            put32(base, sib[i].off, v);
        }
    }
}

/* The one rewrite that can lose a value: a time one nanosecond before the
 * first reads back as "unset" (every other rewrite is a bijection). */
static bool
times_invertible(const tl_conn_t *c)
{
    uint64_t bad = (uint64_t)c->first_time_ns - 1;

    for (int r = 0; r < TCPLIFE_ROLE_COUNT; r++)
        for (size_t i = 0; i < N_OF(ep_times); i++)
            if (get64(&c->ep[r], ep_times[i]) == bad)
                return false;
    for (size_t i = 0; i < N_OF(conn_times); i++)
        if (get64(c, conn_times[i]) == bad)
            return false;
    return true;
}

static uint32_t
frame_base(const image_t *im)
{
    uint32_t f0 = UINT32_MAX;

    for (int r = 0; r < TCPLIFE_ROLE_COUNT; r++)
        for (size_t i = 0; i < N_OF(ep_frames); i++) {
            uint32_t v = get32(&im->conn.ep[r], ep_frames[i]);
            if (v && v < f0)
                f0 = v;
        }
    for (size_t i = 0; i < N_OF(conn_frames); i++) {
        uint32_t v = get32(&im->conn, conn_frames[i]);
        if (v && v < f0)
            f0 = v;
    }
    return f0 == UINT32_MAX ? 1 : f0;
}

static void
rewrite(image_t *im, uint32_t f0, bool pack)
{
    int64_t t0 = im->conn.first_time_ns;

    if (pack)
        for (int r = 0; r < TCPLIFE_ROLE_COUNT; r++) {
            siblings_rewrite(&im->conn.ep[r], ep_siblings, N_OF(ep_siblings), true);
            siblings_rewrite(&im->zeek.ep[r], zeek_siblings, N_OF(zeek_siblings), true);
        }
    for (int r = 0; r < TCPLIFE_ROLE_COUNT; r++) {
        tl_endpoint_t *ep = &im->conn.ep[r];
        tl_zeek_endpoint_t *ze = &im->zeek.ep[r];

        times_rewrite(ep, ep_times, N_OF(ep_times), t0, pack);
        frames_rewrite(ep, ep_frames, N_OF(ep_frames), f0, pack);
        seqs_rewrite(ep, ep_own_seqs, N_OF(ep_own_seqs), ep->isn, pack);
        seqs_rewrite(ep, ep_peer_seqs, N_OF(ep_peer_seqs), im->conn.ep[tl_peer((tl_role_t)r)].isn, pack);
        /* The Zeek model's start is mostly the ISN: XOR, after the fields
         * counted from it are packed and before they are unpacked. */
        if (!pack)
            ze->start_seq ^= ep->isn;
        seqs_rewrite(ze, zeek_own_seqs, N_OF(zeek_own_seqs), ze->start_seq, pack);
        if (pack)
            ze->start_seq ^= ep->isn;
        /* The Zeek model's endpoints are the tracker's, in one order or
         * the other: XOR makes the same one zero. */
        for (size_t i = 0; i < sizeof ze->addr; i++)
            ((uint8_t *)&ze->addr)[i] ^= ((const uint8_t *)&ep->addr)[i];
        ze->port ^= ep->port;
    }
    times_rewrite((uint8_t *)im + offsetof(image_t, conn), conn_times, N_OF(conn_times), t0, pack);
    frames_rewrite((uint8_t *)im + offsetof(image_t, conn), conn_frames, N_OF(conn_frames), f0, pack);
    if (!pack)
        for (int r = 0; r < TCPLIFE_ROLE_COUNT; r++) {
            siblings_rewrite(&im->conn.ep[r], ep_siblings, N_OF(ep_siblings), false);
            siblings_rewrite(&im->zeek.ep[r], zeek_siblings, N_OF(zeek_siblings), false);
        }
}

static size_t
zs_pack(const uint8_t *raw, uint8_t *out)
{
    size_t n = MAP_BYTES;

    memset(out, 0, MAP_BYTES);
    for (size_t b = 0; b < BLOCKS; b++) {
        const uint8_t *blk = raw + b * 8;
        uint8_t mask = 0;
        size_t at = n + 1;
        uint64_t w;

        memcpy(&w, blk, 8);
        if (!w)
            continue;
        for (unsigned i = 0; i < 8; i++)
            if (blk[i]) {
                mask |= (uint8_t)(1u << i);
                out[at++] = blk[i];
            }
        out[b / 8] |= (uint8_t)(1u << (b % 8));
        out[n] = mask;
        n = at;
    }
    return n;
}

static size_t
zs_unpack(const uint8_t *in, size_t avail, uint8_t *raw)
{
    size_t n = MAP_BYTES;

    if (avail < MAP_BYTES)
        return 0;
    memset(raw, 0, IMAGE_BYTES);
    for (size_t b = 0; b < BLOCKS; b++) {
        uint8_t mask;

        if (!(in[b / 8] & (1u << (b % 8))))
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
    /* Map bits beyond the last block are never written. */
    if (BLOCKS % 8 && (in[MAP_BYTES - 1] >> (BLOCKS % 8)))
        return 0;
    return n;
}

static void
xor_template(image_t *im, const tl_park_tmpl_t *t)
{
    uint8_t *b = (uint8_t *)im;

    if (t && t->have)
        for (size_t i = 0; i < WORDS; i++) {
            uint64_t x, y;
            memcpy(&x, b + i * 8, 8);
            memcpy(&y, t->image + i * 8, 8);
            x ^= y;
            memcpy(b + i * 8, &x, 8);
        }
}

static bool
unpark_image(const tl_park_tmpl_t *t, const uint8_t *in, size_t len, image_t *im)
{
    uint32_t f0 = 0;
    size_t n = 1, used;

    if (len < 1)
        return false;
    if (in[0] == FMT_RAW) {
        if (len != 1 + IMAGE_BYTES)
            return false;
        memcpy(im, in + 1, IMAGE_BYTES);
        return true;
    }
    if (in[0] != FMT_PACKED && in[0] != FMT_PACKED_US)
        return false;
    for (unsigned shift = 0;; shift += 7) {
        if (n >= len || shift > 28)
            return false;
        f0 |= (uint32_t)(in[n] & 0x7f) << shift;
        if (!(in[n++] & 0x80))
            break;
    }
    used = zs_unpack(in + n, len - n, (uint8_t *)im);
    if (!used || n + used != len)
        return false;
    xor_template(im, t);
    rewrite(im, f0, false);
    if (in[0] == FMT_PACKED_US)
        for_each_time(&im->conn, from_us, NULL);
    return true;
}

size_t
tl_park(tl_park_tmpl_t *t, const tl_conn_t *conn, const tl_zeek_t *zeek, uint8_t *out)
{
    image_t im;
    uint32_t f0;
    size_t n = 1;
    bool us = times_in_us(conn);

    memset(&im, 0, sizeof im);
    memcpy(&im.conn, conn, sizeof *conn);
    memcpy(&im.zeek, zeek, sizeof *zeek);
    if (us)
        for_each_time(&im.conn, to_us, NULL);
    f0 = frame_base(&im);
    /* The one rewrite that can lose a value is checked first. */
    if (times_invertible(&im.conn)) {
        rewrite(&im, f0, true);
        if (t && !t->have) {
            memcpy(t->image, &im, IMAGE_BYTES);
            t->have = true;
        }
        xor_template(&im, t);
        out[0] = us ? FMT_PACKED_US : FMT_PACKED;
        for (uint32_t v = f0;; v >>= 7) {
            out[n++] = (uint8_t)(v >= 0x80 ? (v & 0x7f) | 0x80 : v);
            if (v < 0x80)
                break;
        }
        return n + zs_pack((const uint8_t *)&im, out + n);
    }
    memset(&im, 0, sizeof im);
    memcpy(&im.conn, conn, sizeof *conn);
    memcpy(&im.zeek, zeek, sizeof *zeek);
    out[0] = FMT_RAW;
    memcpy(out + 1, &im, IMAGE_BYTES);
    return 1 + IMAGE_BYTES;
}

bool
tl_unpark(const tl_park_tmpl_t *t, const uint8_t *in, size_t len, tl_conn_t *conn, tl_zeek_t *zeek)
{
    image_t im;

    if (!unpark_image(t, in, len, &im))
        return false;
    memcpy(conn, &im.conn, sizeof *conn);
    memcpy(zeek, &im.zeek, sizeof *zeek);
    return true;
}
