/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_conns.c - every connection's records for the whole file (file scope).
 *
 * epan numbers streams 0, 1, 2, ... as it meets them, so the records are
 * found through an array indexed by the stream. A capture holds many
 * connections and few of them are open at once: a connection touched in
 * the last TCPLIFE_IDLE_FRAMES frames of the first pass keeps its records in
 * full (tl_conn_rec_t, about 950 bytes); an idle one is parked, packed by
 * the core (tl_park(), a few hundred bytes at most), and unpacked again
 * when a segment of it comes (exactly: packing is lossless). Readers of a
 * parked connection (later passes, -z tables, TIME_WAIT reuse) get an
 * unpacked copy from a small cache. The index of the latest connection on
 * every 4-tuple (the core's tl_tuples_t) is kept here too: it finds the
 * connections through tl_conns_get().
 */
#include <string.h>

#include <epan/wmem_scopes.h>

#include "tl_glue.h"
#include "tl_pages.h"
#include "tcplife/tl_park.h"
#include "tcplife/tl_tuples.h"

/* A connection untouched for this many frames of the first pass is parked;
 * the check runs every half of that. TCPLIFE_PARK_FRAMES=N in the
 * environment sets it (the tests park everything with 0 and compare). */
#define TCPLIFE_IDLE_FRAMES  2048
/* Unpacked copies kept for readers: more than the layers of one frame, so
 * every record a frame's rendering and taps use stays valid through it. */
#define TCPLIFE_READ_CACHE 16
typedef char tl_read_cache_holds_a_frame[TCPLIFE_READ_CACHE >= 2 * TCPLIFE_MAX_LAYERS ? 1 : -1];

/* A stream's slot: its live record with bit 0 set, else its parked blob,
 * else 0. A blob: park_len and td_n (2 bytes each), the tcpdump numbering
 * changes (td_n of them), then the tl_park() bytes. */
typedef guintptr tl_slot_t;
#define SLOT_LIVE ((guintptr)1)
#define BLOB_HEAD 4
G_STATIC_ASSERT(G_ALIGNOF(tl_td_change_t) <= BLOB_HEAD);

/* Slots in pages (tl_pages.h), so the table grows without copying or doubling. */
#define SLOT_PAGE_BITS 12

/* Blobs are cut from 64 KB arena chunks and never freed one by one (an
 * unparked connection's blob stays until the file closes: a connection is
 * parked again at most once per TCPLIFE_IDLE_FRAMES / 2 frames). Larger ones
 * have their own allocation, freed on unparking. */
#define ARENA_CHUNK 65536u
#define ARENA_MAX   4096u

typedef struct {
    guint32        stream;       /* G_MAXUINT32: empty */
    tl_conn_rec_t  rec;
} tl_cached_t;

static tl_pages_t   slots;        /* tl_slot_t by stream */
static guint32      n_slots;      /* 1 + the highest stream with a slot */
static guint64      n_conns, n_parks, n_unparks, arena_bytes;
static guint32     *live_list;   /* streams with a live record */
static guint        n_live, cap_live;
static tl_conn_rec_t **free_recs; /* live records to reuse */
static guint        n_free, cap_free;
static guint32      last_sweep, idle_frames = TCPLIFE_IDLE_FRAMES, sweep_frames = TCPLIFE_IDLE_FRAMES / 2;
static tl_park_tmpl_t *tmpl;
static tl_cached_t *cache;
static guint        cache_next;
static guint8      *arena;
static guint32      arena_used;
static tl_tuples_t  tuples;

static const tl_conn_t *
tuples_get(void *ctx _U_, guint32 stream)
{
    const tl_conn_rec_t *rec = tl_conns_get(stream);

    return rec ? &rec->conn : NULL;
}

static void *
tuples_alloc(void *ctx _U_, size_t bytes)
{
    return wmem_alloc0(wmem_file_scope(), bytes);
}

static void
tuples_free(void *ctx _U_, void *p)
{
    wmem_free(wmem_file_scope(), p);
}

void
tl_conns_reset(void)
{
    tl_pages_reset(&slots, SLOT_PAGE_BITS, sizeof(tl_slot_t));
    n_slots = 0;
    n_conns = n_parks = n_unparks = arena_bytes = 0;
    last_sweep = 0;
    {
        const char *env = g_getenv("TCPLIFE_PARK_FRAMES");

        idle_frames = env ? (guint32)g_ascii_strtoull(env, NULL, 10) : TCPLIFE_IDLE_FRAMES;
        sweep_frames = MAX(idle_frames / 2, 1);
    }
    /* All of it in file scope: wmem frees it with the file. */
    live_list = NULL;
    n_live = cap_live = 0;
    free_recs = NULL;
    n_free = cap_free = 0;
    tmpl = wmem_new0(wmem_file_scope(), tl_park_tmpl_t);
    cache = wmem_alloc_array(wmem_file_scope(), tl_cached_t, TCPLIFE_READ_CACHE);
    for (guint i = 0; i < TCPLIFE_READ_CACHE; i++)
        cache[i].stream = G_MAXUINT32;
    cache_next = 0;
    arena = NULL;
    arena_used = ARENA_CHUNK;
    tl_tuples_init(&tuples, tuples_get, tuples_alloc, tuples_free, NULL);
}

tl_tuples_t *
tl_conns_tuples(void)
{
    return &tuples;
}

static guint32
blob_size(const guint8 *blob)
{
    guint16 park_len, td_n;

    memcpy(&park_len, blob, 2);
    memcpy(&td_n, blob + 2, 2);
    return BLOB_HEAD + (guint32)td_n * (guint32)sizeof(tl_td_change_t) + park_len;
}

static guint8 *
blob_alloc(guint32 size)
{
    guint8 *b;

    if (size > ARENA_MAX)
        return (guint8 *)wmem_alloc(wmem_file_scope(), size);
    size = (size + BLOB_HEAD - 1) & ~(guint32)(BLOB_HEAD - 1);
    if (arena_used + size > ARENA_CHUNK) {
        arena = (guint8 *)wmem_alloc(wmem_file_scope(), ARENA_CHUNK);
        arena_used = 0;
        arena_bytes += ARENA_CHUNK;
    }
    b = arena + arena_used;
    arena_used += size;
    return b;
}

/* Unpack a blob into rec; its tcpdump changes are copied when `own`, else
 * pointed at (a read-only copy). */
static gboolean
blob_unpark(const guint8 *blob, tl_conn_rec_t *rec, gboolean own)
{
    guint16 park_len, td_n;
    const guint8 *td;

    memcpy(&park_len, blob, 2);
    memcpy(&td_n, blob + 2, 2);
    td = blob + BLOB_HEAD;
    if (!tl_unpark(tmpl, td + (gsize)td_n * sizeof(tl_td_change_t), park_len, &rec->conn, &rec->zeek))
        return FALSE;
    rec->td_n = rec->td_cap = td_n;
    if (!td_n)
        rec->td = NULL;
    else if (own)
        rec->td = (tl_td_change_t *)wmem_memdup(wmem_file_scope(), td, td_n * sizeof(tl_td_change_t));
    else
        rec->td = (tl_td_change_t *)(gpointer)td;
    return TRUE;
}

static tl_conn_rec_t *
new_live(guint32 stream)
{
    tl_conn_rec_t *rec = n_free ? free_recs[--n_free] : wmem_new(wmem_file_scope(), tl_conn_rec_t);

    memset(rec, 0, sizeof *rec);
    rec->stream = stream;
    if (n_live == cap_live) {
        cap_live = cap_live ? cap_live * 2 : 256;
        live_list = (guint32 *)wmem_realloc(wmem_file_scope(), live_list, cap_live * sizeof *live_list);
    }
    live_list[n_live++] = stream;
    return rec;
}

static void
forget_cached(guint32 stream)
{
    for (guint i = 0; i < TCPLIFE_READ_CACHE; i++)
        if (cache[i].stream == stream)
            cache[i].stream = G_MAXUINT32;
}

tl_conn_rec_t *
tl_conns_touch(guint32 stream, guint32 frame)
{
    tl_slot_t *s;
    tl_conn_rec_t *rec;

    if (stream >= TCPLIFE_STREAM_MAX)
        return NULL;
    s = (tl_slot_t *)tl_pages_create(&slots, stream);
    n_slots = MAX(n_slots, stream + 1);
    if (*s & SLOT_LIVE) {
        rec = (tl_conn_rec_t *)(*s & ~SLOT_LIVE);
    } else {
        guint8 *blob = (guint8 *)*s;

        rec = new_live(stream);
        if (blob) {
            forget_cached(stream);
            if (!blob_unpark(blob, rec, TRUE))
                DISSECTOR_ASSERT_NOT_REACHED();
            if (blob_size(blob) > ARENA_MAX)
                wmem_free(wmem_file_scope(), blob);
            n_unparks++;
        } else {
            tl_conn_init(&rec->conn);
            tl_zeek_init(&rec->zeek);
            n_conns++;
        }
        *s = (tl_slot_t)rec | SLOT_LIVE;
    }
    rec->touched = frame;
    return rec;
}

static void
park(tl_slot_t *s)
{
    tl_conn_rec_t *rec = (tl_conn_rec_t *)(*s & ~SLOT_LIVE);
    guint8 buf[TCPLIFE_PARK_MAX], *blob;
    guint16 park_len = (guint16)tl_park(tmpl, &rec->conn, &rec->zeek, buf);
    gsize td_bytes = (gsize)rec->td_n * sizeof(tl_td_change_t);

    G_STATIC_ASSERT(TCPLIFE_PARK_MAX <= G_MAXUINT16);
    blob = blob_alloc((guint32)(BLOB_HEAD + td_bytes + park_len));
    memcpy(blob, &park_len, 2);
    memcpy(blob + 2, &rec->td_n, 2);
    if (td_bytes)
        memcpy(blob + BLOB_HEAD, rec->td, td_bytes);
    memcpy(blob + BLOB_HEAD + td_bytes, buf, park_len);
    if (rec->td)
        wmem_free(wmem_file_scope(), rec->td);
    *s = (tl_slot_t)blob;
    if (n_free == cap_free) {
        cap_free = cap_free ? cap_free * 2 : 256;
        free_recs = (tl_conn_rec_t **)wmem_realloc(wmem_file_scope(), free_recs,
                                                   cap_free * sizeof *free_recs);
    }
    free_recs[n_free++] = rec;
    n_parks++;
}

void
tl_conns_idle(guint32 frame)
{
    if (frame < last_sweep + sweep_frames)
        return;
    last_sweep = frame;
    for (guint i = 0; i < n_live;) {
        tl_slot_t *s = (tl_slot_t *)tl_pages_get(&slots, live_list[i]);

        if (((tl_conn_rec_t *)(*s & ~SLOT_LIVE))->touched + idle_frames < frame) {
            park(s);
            live_list[i] = live_list[--n_live];
        } else {
            i++;
        }
    }
}

const tl_conn_rec_t *
tl_conns_get(guint32 stream)
{
    const tl_slot_t *s = (const tl_slot_t *)tl_pages_get(&slots, stream);
    tl_cached_t *c;

    if (!s || !*s)
        return NULL;
    if (*s & SLOT_LIVE)
        return (const tl_conn_rec_t *)(*s & ~SLOT_LIVE);
    for (guint i = 0; i < TCPLIFE_READ_CACHE; i++)
        if (cache[i].stream == stream)
            return &cache[i].rec;
    c = &cache[cache_next];
    cache_next = (cache_next + 1) % TCPLIFE_READ_CACHE;
    c->stream = G_MAXUINT32;
    if (!blob_unpark((const guint8 *)*s, &c->rec, FALSE))
        return NULL;
    c->rec.stream = stream;
    c->rec.touched = 0;
    c->stream = stream;
    return &c->rec;
}

guint32
tl_conns_streams(void)
{
    return n_slots;
}

void
tl_conns_memstats(tl_conns_stats_t *st)
{
    memset(st, 0, sizeof *st);
    st->conns = n_conns;
    st->live = n_live;
    st->parks = n_parks;
    st->unparks = n_unparks;
    st->bytes = (guint64)tl_pages_bytes(&slots) + arena_bytes + tl_tuples_bytes(&tuples)
              + (guint64)(n_live + n_free) * sizeof(tl_conn_rec_t);
    for (guint i = 0; i < n_live; i++) {
        const tl_slot_t *s = (const tl_slot_t *)tl_pages_get(&slots, live_list[i]);

        st->bytes += (guint64)((const tl_conn_rec_t *)(*s & ~SLOT_LIVE))->td_cap * sizeof(tl_td_change_t);
    }
    /* Blobs with their own allocation, beyond the arena's. */
    for (guint32 i = 0; i < n_slots; i++) {
        const tl_slot_t *s = (const tl_slot_t *)tl_pages_get(&slots, i);

        if (s && *s && !(*s & SLOT_LIVE) && blob_size((const guint8 *)*s) > ARENA_MAX)
            st->bytes += blob_size((const guint8 *)*s);
    }
}
