/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_store.c - every frame's verdicts, packed, for the whole file.
 *
 * epan fills a post-dissector's wanted fields on the first pass only, so
 * the verdicts computed then are kept for every later pass. Frames come in
 * order on the first pass; their records are appended to file-scope 64 KB
 * chunks (no per-record allocation), in groups of TCPLIFE_GROUP frames. A group
 * has one index entry (where its first record starts, and which of its
 * frames have one): a quarter of a byte a frame. The verdicts come in
 * relative to their segments (tl_result_relative(), packet-tcplife.c), so
 * that alike segments have alike verdicts. Inside a group a layer's record
 * is written as its difference from an earlier layer of the group (the
 * reference, choose_reference()): the stream as a step from the
 * reference's, the header offset as "the same", and the verdict packed
 * XOR the reference's when that is its connection's latest alike verdict,
 * else XOR the file's first verdict of its kind (tl_result_kind(): a
 * SYN-ACK is most like another connection's SYN-ACK). tl_pack_result()
 * then keeps the non-zero bytes: a verdict equal to its reference takes
 * one byte, a data segment like the one before it from the same side 3
 * bytes or so.
 * A reader decodes from the start of the group, or goes on from the frame
 * it read last, which is how every later pass reads.
 *
 * Record: a byte with the layer count (bits 0-2; 7: "untracked layers
 * follow", then that count and the layer count in two bytes) and the first
 * layer's flags (bits 3-7, TCPLIFE_SR_*); per later layer a flags byte. Per
 * layer: [extra flags byte] [, the kind] [, how far back the reference is] [, the
 * stream's step from the reference's, zigzag varint] [, the
 * reused stream] [, 1 + the TCP header's offset in the frame, to make the
 * tcpdump text again] [, the tcpdump text, NUL-terminated: only when it
 * cannot be made again, see packet-tcplife.c], and the packed verdict
 * difference. A 0 byte where a record would start: the group goes on at
 * the start of the next chunk.
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/wmem_scopes.h>

#include "tl_glue.h"
#include "tl_pages.h"
#include "tcplife/tl_pack.h"

#define CHUNK_BITS 16
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define TCPLIFE_GROUP   32
#define GROUP_PAGE_BITS 10
#define JUMP 0
#define UNTRACKED_ESC 7

enum {
    /* the flags of every layer (5 bits) */
    TCPLIFE_SR_STREAM    = 1,    /* the stream's step from the previous layer's follows */
    TCPLIFE_SR_HOFF      = 2,    /* 1 + the TCP header's offset in the frame follows */
    TCPLIFE_SR_HOFF_SAME = 4,    /* that offset is the reference's */
    TCPLIFE_SR_REF_BACK  = 8,    /* the reference is not the layer before: how far back follows */
    TCPLIFE_SR_EXTRA     = 16,   /* a byte of TCPLIFE_SRX_* follows */
};
enum {
    TCPLIFE_SRX_PREV     = 1,    /* prev_stream follows */
    TCPLIFE_SRX_TEXT     = 2,    /* tcpdump text follows */
    TCPLIFE_SRX_KIND     = 4,    /* the reference is the template of a kind
                             * of segment: its number (a byte) follows */
};

typedef struct {
    guint32 off;            /* chunk << CHUNK_BITS | offset of the first record */
    guint32 present;        /* bit i: frame group * TCPLIFE_GROUP + i has a record */
} store_group_t;

/* A layer already written or read in the current group. */
typedef struct {
    guint32     stream, hdr_off;
    guint       kind;           /* tl_result_kind(&r) */
    tl_result_t r;
} store_ref_t;

#define GROUP_LAYERS (TCPLIFE_GROUP * TCPLIFE_MAX_LAYERS)
typedef struct {
    guint       n;
    store_ref_t l[GROUP_LAYERS];
} store_refs_t;

static guint8    **chunks;
static guint       n_chunks, cap_chunks;
static guint32     used;            /* bytes used in the last chunk */
static tl_pages_t  groups;          /* store_group_t by frame / TCPLIFE_GROUP */
static gsize       bytes_total;
static guint32     w_group;         /* the group being written, G_MAXUINT32: none */
static guint32     w_last;          /* the last frame written */
static store_refs_t w_refs;
/* What the last record changed in the writer, for tl_store_drop_last(). */
static struct {
    guint32 frame;              /* its frame; 0: nothing to undo */
    guint   n_chunks;
    guint32 used, present, refs_n;
    guint   n;                  /* its layers */
    struct {
        guint16 *stream_slot, stream_was, sender_was;
        guint8   snd;
    } l[TCPLIFE_MAX_LAYERS];
} undo;
/* The reader's place: the last frame read, and the record after it. */
/* The first verdict of each kind of segment in the file (tl_result_kind()): the
 * reference of a layer whose connection has no alike layer in its group
 * (a SYN-ACK is told apart from another connection's SYN-ACK, not from
 * its own SYN). Made on the first pass, read on every later one. */
#define KINDS TCPLIFE_RESULT_KINDS
G_STATIC_ASSERT(KINDS <= 256);      /* a kind is written as a byte */
static tl_result_t *kind_tmpl;
static guint8      kind_have[KINDS / 8];
static struct {
    gboolean    valid;
    guint32     frame, chunk;
    const guint8 *p;
    store_refs_t refs;
} rd;

void
tl_store_reset(void)
{
    /* Everything lives in file scope: wmem frees it with the file. */
    chunks = NULL;
    n_chunks = cap_chunks = 0;
    used = CHUNK_SIZE;
    tl_pages_reset(&groups, GROUP_PAGE_BITS, sizeof(store_group_t));
    bytes_total = 0;
    w_group = G_MAXUINT32;
    w_last = 0;
    undo.frame = 0;
    rd.valid = FALSE;
    kind_tmpl = wmem_alloc_array(wmem_file_scope(), tl_result_t, KINDS);
    memset(kind_have, 0, sizeof kind_have);
}

gsize
tl_store_bytes(void)
{
    return bytes_total + (gsize)cap_chunks * sizeof *chunks + tl_pages_bytes(&groups)
         + KINDS * sizeof(tl_result_t);
}

static void
new_chunk(void)
{
    if (n_chunks == cap_chunks) {
        cap_chunks = cap_chunks ? cap_chunks * 2 : 64;
        chunks = (guint8 **)wmem_realloc(wmem_file_scope(), chunks, cap_chunks * sizeof *chunks);
    }
    chunks[n_chunks++] = (guint8 *)wmem_alloc(wmem_file_scope(), CHUNK_SIZE);
    used = 0;
    bytes_total += CHUNK_SIZE;
}

/* Append a record; returns where it starts. A record that does not fit
 * goes to a new chunk, after a JUMP byte when there is room for one. */
static guint32
append(const guint8 *rec, guint32 len)
{
    if (used + len > CHUNK_SIZE) {
        if (n_chunks && used < CHUNK_SIZE)
            chunks[n_chunks - 1][used] = JUMP;
        new_chunk();
    }
    memcpy(chunks[n_chunks - 1] + used, rec, len);
    used += len;
    return (guint32)(n_chunks - 1) << CHUNK_BITS | (used - len);
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

static void
xor_result(tl_result_t *r, const tl_result_t *with)
{
    guint8 *a = (guint8 *)r;
    const guint8 *b = (const guint8 *)with;

    for (gsize i = 0; i < sizeof *r / 8; i++) {
        guint64 x, y;
        memcpy(&x, a + i * 8, 8);
        memcpy(&y, b + i * 8, 8);
        x ^= y;
        memcpy(a + i * 8, &x, 8);
    }
}
G_STATIC_ASSERT(sizeof(tl_result_t) % 8 == 0);

/* The writer's reference for layer l: the latest layer of the group from
 * the same connection and sender, else from the same connection, else
 * from any connection's same side, else the layer before. Found through
 * the latest layer per (stream & 63, sender) and per sender, kept as
 * index + 1 for the group being written. Returns -1 for none. */
#define BY_STREAM 64
static guint16 w_by_stream[BY_STREAM][TCPLIFE_ROLE_COUNT], w_by_sender[TCPLIFE_ROLE_COUNT];


static int
choose_reference(const store_refs_t *refs, const tl_layer_result_t *l)
{
    tl_role_t snd = l->r.sender < TCPLIFE_ROLE_COUNT ? (tl_role_t)l->r.sender : TCPLIFE_ROLE_CLIENT;
    tl_role_t peer = tl_peer(snd);
    const guint16 *slot = w_by_stream[l->stream % BY_STREAM];

    if (slot[snd] && refs->l[slot[snd] - 1].stream == l->stream)
        return slot[snd] - 1;
    if (slot[peer] && refs->l[slot[peer] - 1].stream == l->stream)
        return slot[peer] - 1;
    if (w_by_sender[snd])
        return w_by_sender[snd] - 1;
    return (int)refs->n - 1;
}

static void
note_written(const store_refs_t *refs, const tl_layer_result_t *l, guint i)
{
    guint snd = l->r.sender < TCPLIFE_ROLE_COUNT ? l->r.sender : 0;
    guint16 *slot = &w_by_stream[l->stream % BY_STREAM][snd];

    undo.l[i].stream_slot = slot;
    undo.l[i].stream_was = *slot;
    undo.l[i].sender_was = w_by_sender[snd];
    undo.l[i].snd = (guint8)snd;
    *slot = (guint16)refs->n;
    w_by_sender[snd] = (guint16)refs->n;
}

static gboolean
kind_known(guint k)
{
    return (kind_have[k / 8] >> (k % 8)) & 1;
}

static void
remember(store_refs_t *refs, guint32 stream, const tl_result_t *r, guint32 hdr_off)
{
    store_ref_t *e;

    if (refs->n == GROUP_LAYERS)     /* cannot happen: TCPLIFE_MAX_LAYERS a frame */
        return;
    e = &refs->l[refs->n++];
    e->stream = stream;
    e->hdr_off = hdr_off;
    e->kind = tl_result_kind(r);
    e->r = *r;
}

#define LAYER_MAX (1 + 1 + 5 + 5 + 5 + TCPLIFE_TCPDUMP_MAX + TCPLIFE_PACKED_MAX)

void
tl_store_frame(guint32 frame, const tl_stored_t *fr)
{
    guint8 buf[3 + TCPLIFE_MAX_LAYERS * LAYER_MAX], *p = buf, *head;
    guint n = MIN(fr->n, TCPLIFE_MAX_LAYERS);
    guint32 g = frame / TCPLIFE_GROUP, off;
    store_group_t *grp;

    /* The first pass stores each frame once, in order. */
    if (frame <= w_last && w_group != G_MAXUINT32)
        return;
    w_last = frame;
    if (g != w_group) {
        w_group = g;
        w_refs.n = 0;
        memset(w_by_stream, 0, sizeof w_by_stream);
        memset(w_by_sender, 0, sizeof w_by_sender);
    }
    grp = (store_group_t *)tl_pages_create(&groups, g);
    undo.frame = frame;
    undo.n_chunks = n_chunks;
    undo.used = used;
    undo.present = grp->present;
    undo.refs_n = w_refs.n;
    undo.n = n;
    head = p++;
    if (fr->untracked) {
        *head = UNTRACKED_ESC;
        *p++ = fr->untracked;
        *p++ = (guint8)n;
    } else {
        *head = (guint8)n;
    }
    for (guint i = 0; i < n; i++) {
        const tl_layer_result_t *l = &fr->layer[i];
        int ri = choose_reference(&w_refs, l);
        const store_ref_t *ref = ri >= 0 ? &w_refs.l[ri] : NULL;
        guint8 flags = 0, *fl = i == 0 && !fr->untracked ? NULL : p++, extra = 0;
        guint kind = tl_result_kind(&l->r);
        const tl_result_t *like = ref ? &ref->r : NULL;
        tl_result_t d = l->r;
        guint32 base, hdr_off = l->hdr_off ? l->hdr_off : ref ? ref->hdr_off : 0;

        /* The reference gives the stream and header offset; the verdict
         * is told apart from its connection's latest alike one, else from
         * the first of its kind. */
        if (kind_known(kind) && !(ref && ref->stream == l->stream && ref->kind == kind)) {
            extra |= TCPLIFE_SRX_KIND;
            like = &kind_tmpl[kind];
        }
        if (l->prev_stream || l->r.tw_reuse)
            extra |= TCPLIFE_SRX_PREV;
        if (l->tcpdump)
            extra |= TCPLIFE_SRX_TEXT;
        if (extra) {
            flags |= TCPLIFE_SR_EXTRA;
            *p++ = extra;
        }
        if (extra & TCPLIFE_SRX_KIND)
            *p++ = (guint8)kind;
        if (ri >= 0 && (guint)ri + 1 != w_refs.n) {
            flags |= TCPLIFE_SR_REF_BACK;
            p = put_varint(p, w_refs.n - 1 - (guint)ri);
        }
        base = ref ? ref->stream : 0;
        if (l->stream != base) {
            gint64 step = (gint64)l->stream - (gint64)base;
            flags |= TCPLIFE_SR_STREAM;
            p = put_varint(p, (guint32)(step < 0 ? (-step) * 2 - 1 : step * 2));
        }
        if (extra & TCPLIFE_SRX_PREV)
            p = put_varint(p, l->prev_stream);
        if (l->hdr_off && ref && l->hdr_off == ref->hdr_off) {
            flags |= TCPLIFE_SR_HOFF_SAME;
        } else if (l->hdr_off) {
            flags |= TCPLIFE_SR_HOFF;
            p = put_varint(p, l->hdr_off);
        }
        if (extra & TCPLIFE_SRX_TEXT) {
            size_t len = strlen(l->tcpdump);
            if (len >= TCPLIFE_TCPDUMP_MAX)
                len = TCPLIFE_TCPDUMP_MAX - 1;
            memcpy(p, l->tcpdump, len);
            p[len] = '\0';
            p += len + 1;
        }
        if (like)
            xor_result(&d, like);
        p += tl_pack_result(&d, p);
        if (fl)
            *fl = flags;
        else
            *head |= (guint8)(flags << 3);
        /* A layer without an offset keeps passing on its reference's. */
        remember(&w_refs, l->stream, &l->r, hdr_off);
        note_written(&w_refs, l, i);
        if (!kind_known(kind)) {
            kind_tmpl[kind] = l->r;
            kind_have[kind / 8] |= (guint8)(1u << (kind % 8));
        }
    }
    off = append(buf, (guint32)(p - buf));
    if (!grp->present)
        grp->off = off;
    grp->present |= 1u << (frame % TCPLIFE_GROUP);
}

/*
 * Forget the record of `frame` if it is the last one written: a first pass
 * that numbers a new record like the one before (its read filter rejected
 * that one: tshark -2 -R, the GUI) stores the new one in its place. The
 * bytes are written over; the first verdict of a kind stays the template
 * (the reader takes templates from memory, not from records). TRUE: a
 * record was forgotten.
 */
gboolean
tl_store_drop_last(guint32 frame)
{
    store_group_t *grp;

    if (!frame || undo.frame != frame || w_last != frame)
        return FALSE;
    for (guint i = undo.n; i-- > 0;) {
        *undo.l[i].stream_slot = undo.l[i].stream_was;
        w_by_sender[undo.l[i].snd] = undo.l[i].sender_was;
    }
    w_refs.n = undo.refs_n;
    /* A record that went to a new chunk: the old one ends with its JUMP
     * byte (or full), so the next record starts the new chunk again. */
    used = n_chunks == undo.n_chunks ? undo.used : 0;
    grp = (store_group_t *)tl_pages_get(&groups, frame / TCPLIFE_GROUP);
    if (grp)
        grp->present = undo.present;
    w_last = frame - 1;
    undo.frame = 0;
    rd.valid = FALSE;
    return TRUE;
}

/* Decode frame's record at *pp (chunk *chunk) into fr (may be NULL: only
 * follow it), adding its layers to refs. */
static gboolean
read_record(guint32 *chunk, const guint8 **pp, store_refs_t *refs, tl_stored_t *fr)
{
    tl_stored_t scratch;
    const guint8 *b = *pp, *end;
    guint8 head;
    guint n;

    if (!fr)
        fr = &scratch;
    end = chunks[*chunk] + CHUNK_SIZE;
    if (b >= end || *b == JUMP) {
        if (*chunk + 1 >= n_chunks)
            return FALSE;
        (*chunk)++;
        b = chunks[*chunk];
        end = b + CHUNK_SIZE;
    }
    memset(fr, 0, offsetof(tl_stored_t, layer));
    head = *b++;
    n = head & 7;
    if (n == UNTRACKED_ESC) {
        if (end - b < 2)
            return FALSE;
        fr->untracked = *b++;
        n = *b++;
    }
    if (n > TCPLIFE_MAX_LAYERS || refs->n + n > GROUP_LAYERS)
        return FALSE;
    fr->n = (guint8)n;
    for (guint i = 0; i < n; i++) {
        tl_layer_result_t *l = &fr->layer[i];
        guint8 flags, extra = 0;
        guint32 v;
        size_t used_r;
        const store_ref_t *ref;
        const tl_result_t *like;

        if (i == 0 && !fr->untracked) {
            flags = head >> 3;
        } else {
            if (b >= end)
                return FALSE;
            flags = *b++;
        }
        memset(l, 0, sizeof *l);
        if (flags & TCPLIFE_SR_EXTRA) {
            if (b >= end)
                return FALSE;
            extra = *b++;
        }
        like = NULL;
        if (extra & TCPLIFE_SRX_KIND) {
            if (b >= end || !kind_known(*b))
                return FALSE;
            like = &kind_tmpl[*b++];
        }
        ref = refs->n ? &refs->l[refs->n - 1] : NULL;
        if (flags & TCPLIFE_SR_REF_BACK) {
            if (!(b = get_varint(b, end, &v)) || v >= refs->n)
                return FALSE;
            ref = &refs->l[refs->n - 1 - v];
        }
        l->stream = ref ? ref->stream : 0;
        if (flags & TCPLIFE_SR_STREAM) {
            if (!(b = get_varint(b, end, &v)))
                return FALSE;
            l->stream = (guint32)((gint64)l->stream + ((v & 1) ? -(gint64)(v >> 1) - 1 : (gint64)(v >> 1)));
        }
        if ((extra & TCPLIFE_SRX_PREV) && !(b = get_varint(b, end, &l->prev_stream)))
            return FALSE;
        if (flags & TCPLIFE_SR_HOFF_SAME)
            l->hdr_off = ref ? ref->hdr_off : 0;
        else if ((flags & TCPLIFE_SR_HOFF) && !(b = get_varint(b, end, &l->hdr_off)))
            return FALSE;
        if (extra & TCPLIFE_SRX_TEXT) {
            const guint8 *nul = (const guint8 *)memchr(b, '\0', (size_t)(end - b));
            if (!nul)
                return FALSE;
            l->tcpdump = (const char *)b;
            b = nul + 1;
        }
        used_r = tl_unpack_result(b, (size_t)(end - b), &l->r);
        if (!used_r)
            return FALSE;
        b += used_r;
        if (!like && ref)
            like = &ref->r;
        if (like)
            xor_result(&l->r, like);
        remember(refs, l->stream, &l->r, l->hdr_off ? l->hdr_off : ref ? ref->hdr_off : 0);
    }
    *pp = b;
    return TRUE;
}

gboolean
tl_store_get(guint32 frame, tl_stored_t *fr)
{
    guint32 g = frame / TCPLIFE_GROUP, from;
    const store_group_t *grp = (const store_group_t *)tl_pages_get(&groups, g);

    if (!grp || !(grp->present & (1u << (frame % TCPLIFE_GROUP))))
        return FALSE;
    /* Go on from the last frame read when it is earlier in this group. */
    if (!(rd.valid && rd.frame / TCPLIFE_GROUP == g && rd.frame < frame)) {
        rd.valid = FALSE;
        rd.chunk = grp->off >> CHUNK_BITS;
        if (rd.chunk >= n_chunks)
            return FALSE;
        rd.p = chunks[rd.chunk] + (grp->off & (CHUNK_SIZE - 1));
        rd.refs.n = 0;
        from = g * TCPLIFE_GROUP;
    } else {
        from = rd.frame + 1;
    }
    for (guint32 f = from; f <= frame; f++) {
        if (!(grp->present & (1u << (f % TCPLIFE_GROUP))))
            continue;
        if (!read_record(&rd.chunk, &rd.p, &rd.refs, f == frame ? fr : NULL)) {
            rd.valid = FALSE;
            return FALSE;
        }
    }
    rd.valid = TRUE;
    rd.frame = frame;
    return TRUE;
}
