/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_conns.c - every connection's records for the whole file (file scope).
 *
 * epan numbers streams 0, 1, 2, ... as it meets them, so the records are
 * found through an array indexed by the stream. A capture holds many
 * connections and few of them are open at once: a connection touched in
 * the last TL_IDLE_FRAMES frames of the first pass keeps its records in
 * full (tl_conn_rec_t, about 950 bytes); an idle one is parked, packed by
 * the core (tl_park(), a few hundred bytes at most), and unpacked again
 * when a segment of it comes (exactly: packing is lossless). Readers of a
 * parked connection (later passes, -z tables, TIME_WAIT reuse) get an
 * unpacked copy from a small cache.
 */
#include <string.h>

#include <epan/wmem_scopes.h>

#include "tl_glue.h"
#include "tcplife/tl_park.h"

/* A connection untouched for this many frames of the first pass is parked;
 * the check runs every half of that. TCPLIFE_PARK_FRAMES=N in the
 * environment sets it (the tests park everything with 0 and compare). */
#define TL_IDLE_FRAMES  2048
/* Unpacked copies kept for readers: more than the layers of one frame, so
 * every record a frame's rendering and taps use stays valid through it. */
#define TL_READ_CACHE 16
typedef char tl_read_cache_holds_a_frame[TL_READ_CACHE >= 2 * TL_MAX_LAYERS ? 1 : -1];

typedef struct {
    tl_conn_rec_t  *live;        /* in full, or NULL */
    guint8         *parked;      /* else packed: parked_len bytes */
    tl_td_change_t *td;          /* tcpdump numbering changes, when parked */
    guint16         parked_len, td_n, td_cap;
} tl_slot_t;

typedef struct {
    guint32        stream;       /* G_MAXUINT32: empty */
    tl_conn_rec_t  rec;
} tl_cached_t;

static tl_slot_t   *slots;
static guint32      n_slots, cap_slots;
static guint64      n_conns, n_parks, n_unparks;
static guint32     *live_list;   /* streams with a live record */
static guint        n_live, cap_live;
static tl_conn_rec_t **free_recs; /* live records to reuse */
static guint        n_free, cap_free;
static guint32      last_sweep, idle_frames = TL_IDLE_FRAMES, sweep_frames = TL_IDLE_FRAMES / 2;
static tl_park_tmpl_t *tmpl;
static tl_cached_t *cache;
static guint        cache_next;

void
tl_conns_reset(void)
{
    slots = NULL;
    n_slots = cap_slots = 0;
    n_conns = n_parks = n_unparks = 0;
    last_sweep = 0;
    {
        const char *env = g_getenv("TCPLIFE_PARK_FRAMES");

        idle_frames = env ? (guint32)g_ascii_strtoull(env, NULL, 10) : TL_IDLE_FRAMES;
        sweep_frames = MAX(idle_frames / 2, 1);
    }
    /* All of it in file scope: wmem frees it with the file. */
    live_list = NULL;
    n_live = cap_live = 0;
    free_recs = NULL;
    n_free = cap_free = 0;
    tmpl = wmem_new0(wmem_file_scope(), tl_park_tmpl_t);
    cache = wmem_alloc_array(wmem_file_scope(), tl_cached_t, TL_READ_CACHE);
    for (guint i = 0; i < TL_READ_CACHE; i++)
        cache[i].stream = G_MAXUINT32;
    cache_next = 0;
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
    for (guint i = 0; i < TL_READ_CACHE; i++)
        if (cache[i].stream == stream)
            cache[i].stream = G_MAXUINT32;
}

tl_conn_rec_t *
tl_conns_touch(guint32 stream, guint32 frame)
{
    tl_slot_t *s;

    if (stream >= TL_STREAM_MAX)
        return NULL;
    if (stream >= cap_slots) {
        guint32 cap = MAX(MAX(cap_slots * 2, stream + 1), 1024);

        slots = (tl_slot_t *)wmem_realloc(wmem_file_scope(), slots, cap * sizeof *slots);
        memset(slots + cap_slots, 0, (cap - cap_slots) * sizeof *slots);
        cap_slots = cap;
    }
    n_slots = MAX(n_slots, stream + 1);
    s = &slots[stream];
    if (!s->live) {
        tl_conn_rec_t *rec = new_live(stream);

        if (s->parked) {
            forget_cached(stream);
            if (!tl_unpark(tmpl, s->parked, s->parked_len, &rec->conn, &rec->zeek))
                DISSECTOR_ASSERT_NOT_REACHED();
            rec->td = s->td;
            rec->td_n = s->td_n;
            rec->td_cap = s->td_cap;
            wmem_free(wmem_file_scope(), s->parked);
            s->parked = NULL;
            s->parked_len = 0;
            n_unparks++;
        } else {
            tl_conn_init(&rec->conn);
            tl_zeek_init(&rec->zeek);
            n_conns++;
        }
        s->live = rec;
    }
    s->live->touched = frame;
    return s->live;
}

static void
park(tl_slot_t *s)
{
    tl_conn_rec_t *rec = s->live;
    guint8 buf[TL_PARK_MAX];
    size_t len = tl_park(tmpl, &rec->conn, &rec->zeek, buf);

    s->parked = (guint8 *)wmem_memdup(wmem_file_scope(), buf, len);
    s->parked_len = (guint16)len;
    s->td = rec->td;
    s->td_n = rec->td_n;
    s->td_cap = rec->td_cap;
    s->live = NULL;
    if (n_free == cap_free) {
        cap_free = cap_free ? cap_free * 2 : 256;
        free_recs = (tl_conn_rec_t **)wmem_realloc(wmem_file_scope(), free_recs, cap_free * sizeof *free_recs);
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
        tl_slot_t *s = &slots[live_list[i]];

        if (s->live->touched + idle_frames < frame) {
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
    const tl_slot_t *s;
    tl_cached_t *c;

    if (stream >= n_slots)
        return NULL;
    s = &slots[stream];
    if (s->live || !s->parked)
        return s->live;
    for (guint i = 0; i < TL_READ_CACHE; i++)
        if (cache[i].stream == stream)
            return &cache[i].rec;
    c = &cache[cache_next];
    cache_next = (cache_next + 1) % TL_READ_CACHE;
    c->stream = G_MAXUINT32;
    if (!tl_unpark(tmpl, s->parked, s->parked_len, &c->rec.conn, &c->rec.zeek))
        return NULL;
    c->rec.td = s->td;
    c->rec.td_n = s->td_n;
    c->rec.td_cap = s->td_cap;
    c->rec.stream = stream;
    c->rec.touched = 0;
    c->stream = stream;
    return &c->rec;
}

void
tl_conns_memstats(tl_conns_stats_t *st)
{
    memset(st, 0, sizeof *st);
    st->conns = n_conns;
    st->live = n_live;
    st->parks = n_parks;
    st->unparks = n_unparks;
    st->bytes = (guint64)cap_slots * sizeof *slots
              + (guint64)(n_live + n_free) * sizeof(tl_conn_rec_t);
    for (guint32 i = 0; i < n_slots; i++) {
        const tl_slot_t *s = &slots[i];

        st->bytes += s->parked_len;
        st->bytes += (guint64)(s->live ? s->live->td_cap : s->td_cap) * sizeof(tl_td_change_t);
    }
}
