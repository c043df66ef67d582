/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_store.c - every frame's verdicts, packed, for the whole file.
 *
 * epan fills a post-dissector's wanted fields on the first pass only, so
 * the verdicts computed then are kept for every later pass. Keeping them
 * as p_add_proto_data() structures cost 264 bytes a frame (the verdict
 * alone is 168); here a frame's record is appended to file-scope 64 KB
 * chunks (no per-record allocation) and found through a frame-number
 * index of 32-bit offsets in 4096-entry pages: about 25 bytes a frame.
 *
 * Record: a byte with the layer count (bits 0-2) and "untracked layers
 * follow" (bit 3) [, that count]; per layer a flags byte (TL_SR_*), the
 * stream as a varint [, the reused stream] [, the TCP header's offset in
 * the frame, to make the tcpdump text again] [, the tcpdump text,
 * NUL-terminated: only when it cannot be made again, see packet-tcplife.c],
 * and the packed verdict (tl_pack_result()).
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/wmem_scopes.h>

#include "tl_glue.h"

#define CHUNK_BITS 16
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define PAGE_BITS  12
#define PAGE_SIZE  (1u << PAGE_BITS)

enum {
    TL_SR_PREV   = 1,   /* prev_stream follows */
    TL_SR_TEXT   = 2,   /* tcpdump text follows */
    TL_SR_HOFF   = 4,   /* 1 + the TCP header's offset in the frame follows */
};

static guint8  **chunks;
static guint     n_chunks, cap_chunks;
static guint32   used;            /* bytes used in the last chunk */
static guint32 **pages;
static guint     n_pages;
static gsize     bytes_total;

void
tl_store_reset(void)
{
    /* Everything lives in file scope: wmem frees it with the file. */
    chunks = NULL;
    n_chunks = cap_chunks = 0;
    used = CHUNK_SIZE;
    pages = NULL;
    n_pages = 0;
    bytes_total = 0;
}

gsize
tl_store_bytes(void)
{
    gsize b = bytes_total + (gsize)cap_chunks * sizeof *chunks + (gsize)n_pages * sizeof *pages;

    for (guint i = 0; i < n_pages; i++)
        if (pages[i])
            b += PAGE_SIZE * sizeof(guint32);
    return b;
}

static guint32
append(const guint8 *rec, guint32 len)
{
    if (used + len > CHUNK_SIZE) {
        if (n_chunks == cap_chunks) {
            cap_chunks = cap_chunks ? cap_chunks * 2 : 64;
            chunks = (guint8 **)wmem_realloc(wmem_file_scope(), chunks, cap_chunks * sizeof *chunks);
        }
        chunks[n_chunks++] = (guint8 *)wmem_alloc(wmem_file_scope(), CHUNK_SIZE);
        /* Offset 0 means "no record": the first chunk starts at 1. */
        used = n_chunks == 1 ? 1 : 0;
        bytes_total += CHUNK_SIZE;
    }
    memcpy(chunks[n_chunks - 1] + used, rec, len);
    used += len;
    return (guint32)(n_chunks - 1) << CHUNK_BITS | (used - len);
}

static void
index_set(guint32 frame, guint32 off)
{
    guint p = frame >> PAGE_BITS;

    if (p >= n_pages) {
        guint n = MAX(p + 1, n_pages * 2);
        pages = (guint32 **)wmem_realloc(wmem_file_scope(), pages, n * sizeof *pages);
        memset(pages + n_pages, 0, (n - n_pages) * sizeof *pages);
        n_pages = n;
    }
    if (!pages[p])
        pages[p] = (guint32 *)wmem_alloc0(wmem_file_scope(), PAGE_SIZE * sizeof(guint32));
    pages[p][frame & (PAGE_SIZE - 1)] = off;
}

static guint8 *
put_varint(guint8 *p, guint32 v)
{
    while (v >= 0x80) {
        *p++ = (guint8)(v | 0x80);
        v >>= 7;
    }
    *p++ = (guint8)v;
    return p;
}

static const guint8 *
get_varint(const guint8 *p, const guint8 *end, guint32 *v)
{
    guint32 x = 0;

    for (unsigned shift = 0; p < end && shift < 35; shift += 7) {
        guint8 b = *p++;
        x |= (guint32)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return p;
        }
    }
    return NULL;
}

#define LAYER_MAX (1 + 5 + 5 + TL_TCPDUMP_MAX + TL_PACKED_MAX)

void
tl_store_frame(guint32 frame, const tl_stored_t *fr)
{
    guint8 buf[2 + TL_MAX_LAYERS * LAYER_MAX], *p = buf;
    guint n = MIN(fr->n, TL_MAX_LAYERS);

    *p++ = (guint8)(n | (fr->untracked ? 8 : 0));
    if (fr->untracked)
        *p++ = fr->untracked;
    for (guint i = 0; i < n; i++) {
        const tl_layer_result_t *l = &fr->layer[i];
        guint8 *flags = p++;

        *flags = 0;
        p = put_varint(p, l->stream);
        if (l->prev_stream || l->r.tw_reuse) {
            *flags |= TL_SR_PREV;
            p = put_varint(p, l->prev_stream);
        }
        if (l->hdr_off) {
            *flags |= TL_SR_HOFF;
            p = put_varint(p, l->hdr_off);
        }
        if (l->tcpdump) {
            size_t len = strlen(l->tcpdump);
            if (len >= TL_TCPDUMP_MAX)
                len = TL_TCPDUMP_MAX - 1;
            *flags |= TL_SR_TEXT;
            memcpy(p, l->tcpdump, len);
            p[len] = '\0';
            p += len + 1;
        }
        p += tl_pack_result(&l->r, p);
    }
    index_set(frame, append(buf, (guint32)(p - buf)));
}

gboolean
tl_store_get(guint32 frame, tl_stored_t *fr)
{
    guint p = frame >> PAGE_BITS;
    guint32 off;
    const guint8 *b, *end;

    if (p >= n_pages || !pages[p] || !(off = pages[p][frame & (PAGE_SIZE - 1)]))
        return FALSE;
    b = chunks[off >> CHUNK_BITS] + (off & (CHUNK_SIZE - 1));
    end = chunks[off >> CHUNK_BITS] + CHUNK_SIZE;
    memset(fr, 0, offsetof(tl_stored_t, layer));
    fr->n = b[0] & 7;
    b++;
    if (b[-1] & 8)
        fr->untracked = *b++;
    for (guint i = 0; i < fr->n; i++) {
        tl_layer_result_t *l = &fr->layer[i];
        guint8 flags = *b++;
        size_t used_r;

        memset(l, 0, sizeof *l);
        if (!(b = get_varint(b, end, &l->stream)))
            return FALSE;
        if ((flags & TL_SR_PREV) && !(b = get_varint(b, end, &l->prev_stream)))
            return FALSE;
        if ((flags & TL_SR_HOFF) && !(b = get_varint(b, end, &l->hdr_off)))
            return FALSE;
        if (flags & TL_SR_TEXT) {
            l->tcpdump = (const char *)b;
            b += strlen(l->tcpdump) + 1;
        }
        used_r = tl_unpack_result(b, (size_t)(end - b), &l->r);
        if (!used_r)
            return FALSE;
        b += used_r;
    }
    return TRUE;
}
