/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcplife - the direct batch program: the plugin's connection rows and
 * checks without tshark.
 *
 *   tcplife conn [--json|--tsv] [--msl PROFILE] [-j N] FILE...
 *   tcplife check [--records] [--set] [--msl PROFILE] [-j N] FILE...
 *
 * It reads captures with libwiretap (every format Wireshark opens), decodes
 * only what the tracker needs (tl_decode.c), numbers connections as epan
 * numbers tcp.stream (tl_streams.c) and feeds the same core, in the same
 * order, as the plugin does (plugin/epan/packet-tcplife.c): so `tcplife
 * conn` prints what `tshark -2 -q -z tcplife,conn` prints, through the same
 * row code (tl_row.c). Several files given to `conn` (or to `check --set`)
 * are one capture read in the order given: a ring buffer's files.
 *
 * -j N (default 1) runs N threads: one reads the file, N - 1 decode and
 * track, from -j 3 each the connections that hash to it, and their results
 * are merged: the same output as -j 1, byte for byte (frame_in(),
 * par_finish()). Reading is most of the work (docs/benchmarks.md), and it
 * stays on one thread: -j 2, reading beside tracking, is the best on two
 * cores.
 *
 * A frame it cannot decode as epan would (tl_decode.h) is never guessed
 * at: the frames skipped and why go to stderr, and the exit status is 3, so
 * a caller (tools/tcplife-check) asks tshark instead.
 *
 * Exit status: 0 done (check: every check passed), 1 a check failed,
 * 2 bad usage or a file that cannot be read, 3 frames were skipped.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <glib.h>
#include <wiretap/wtap.h>
#include <wsutil/privileges.h>

#include "tcplife/tl_core.h"
#include "tcplife/tl_row.h"
#include "tcplife/tl_tuples.h"
#include "tcplife/tl_zeek.h"
#include "tl_decode.h"
#include "tl_streams.h"
#include "tl_wtap.h"

#define EXIT_CHECK_FAILED 1
#define EXIT_BAD_INPUT 2
#define EXIT_SKIPPED 3

/* -j: at most this many threads (each worker decodes every frame). */
#define TCPLIFE_JOBS_MAX 64

/* What the plugin keeps per connection for its rows (tl_glue.h). */
typedef struct {
    tl_conn_t conn;
    tl_zeek_t zeek;
} rec_t;

/* The frame-level checks of tools/tcplife-check, by the verdict fields
 * their display filters name. */
enum { FC_UNREAD_DATA, FC_DATA_AFTER_CLOSE, FC_TW_REUSE, FC_COUNT };
static const char *const fc_name[FC_COUNT] = { "unread_data", "data_after_close", "tw_reuse" };

typedef struct {
    uint32_t check, stream, frame;
} hit_t;

/* One capture (one file, or a set read as one). */
typedef struct {
    tl_config_t   cfg;
    tl_streams_t *streams;
    rec_t       **recs;          /* by tcp.stream; NULL: nothing tracked */
    uint32_t      nrecs, cap;
    tl_tuples_t   latest;        /* 4-tuple -> the latest connection on it */
    uint32_t      frame;         /* frames read, as epan numbers them */
    uint64_t      skipped[TCPLIFE_SKIP_COUNT];
    uint32_t      first_skip[TCPLIFE_SKIP_COUNT];
    uint64_t      fc[FC_COUNT];  /* frames matching each frame check */
    GArray       *hits;          /* hit_t, for --records */
    bool          keep_hits;
} run_t;

/* The 4-tuple index's view of the connections (tl_tuples.h). */
static const tl_conn_t *
rec_conn(void *ctx, uint32_t stream)
{
    const run_t *r = (const run_t *)ctx;

    return stream < r->nrecs && r->recs[stream] ? &r->recs[stream]->conn : NULL;
}

static void *
tuples_alloc(void *ctx G_GNUC_UNUSED, size_t bytes)
{
    return g_malloc0(bytes);
}

static void
tuples_free(void *ctx G_GNUC_UNUSED, void *p)
{
    g_free(p);
}

static void
run_init(run_t *r, int64_t time_wait_ns, bool keep_hits)
{
    memset(r, 0, sizeof *r);
    r->cfg.time_wait_ns = time_wait_ns;
    r->streams = tl_streams_new();
    tl_tuples_init(&r->latest, rec_conn, tuples_alloc, tuples_free, r);
    r->hits = g_array_new(FALSE, FALSE, sizeof(hit_t));
    r->keep_hits = keep_hits;
}

static void
run_free(run_t *r)
{
    for (uint32_t i = 0; i < r->nrecs; i++)
        g_free(r->recs[i]);
    g_free(r->recs);
    tl_tuples_clear(&r->latest);
    tl_streams_free(r->streams);
    g_array_free(r->hits, TRUE);
}

/* Inlined: frame_in() has two callers now, and -j 1 keeps its one call. */
static inline __attribute__((always_inline)) rec_t *
rec_for(run_t *r, uint32_t stream)
{
    if (stream >= r->cap) {
        uint32_t cap = MAX(MAX(r->cap * 2, stream + 1), 1024);

        r->recs = g_renew(rec_t *, r->recs, cap);
        memset(r->recs + r->cap, 0, (cap - r->cap) * sizeof *r->recs);
        r->cap = cap;
    }
    r->nrecs = MAX(r->nrecs, stream + 1);
    if (!r->recs[stream]) {
        r->recs[stream] = g_new(rec_t, 1);
        tl_conn_init(&r->recs[stream]->conn);
        tl_zeek_init(&r->recs[stream]->zeek);
    }
    return r->recs[stream];
}

static void
hit(run_t *r, int check, uint32_t stream)
{
    r->fc[check]++;
    if (r->keep_hits) {
        hit_t h = { (uint32_t)check, stream, r->frame };
        g_array_append_val(r->hits, h);
    }
}

static tl_link_t
link_of(int encap)
{
    switch (encap) {
    case WTAP_ENCAP_ETHERNET: return TCPLIFE_LINK_ETHERNET;
    case WTAP_ENCAP_SLL:      return TCPLIFE_LINK_SLL;
    case WTAP_ENCAP_SLL2:     return TCPLIFE_LINK_SLL2;
    case WTAP_ENCAP_RAW_IP:   return TCPLIFE_LINK_RAW;
    case WTAP_ENCAP_RAW_IP4:  return TCPLIFE_LINK_RAW4;
    case WTAP_ENCAP_RAW_IP6:  return TCPLIFE_LINK_RAW6;
    case WTAP_ENCAP_NULL:     return TCPLIFE_LINK_NULL;
    case WTAP_ENCAP_LOOP:     return TCPLIFE_LINK_LOOP;
    default:                  return TCPLIFE_LINK_OTHER;
    }
}

/*
 * -j N: the reader (the main thread, the only one touching libwiretap)
 * copies the frames into batches every worker sees. With one worker (-j 2)
 * that worker does what frame() does. With more, the capture is split by
 * connection: each worker decodes every frame (cheap) and tracks only the
 * connections whose address/port pair hashes to it, in its own run_t: its
 * streams, its 4-tuple index, its records. Everything on one pair (every
 * tcp.stream on it, both directions, the 4-tuple's latest connection) is in
 * one worker, so each connection sees exactly the frames it sees with -j 1,
 * in the same order. The worker numbers its streams itself and notes the
 * frame that created each; a frame creates at most one stream
 * (tl_streams_segment()), and epan numbers streams in the order of their
 * creating frames, so the merge renumbers by that frame.
 */
typedef struct {
    unsigned id, n;         /* this worker, of n */
    GArray  *created;       /* uint32_t: the frame that created each local stream */
    bool     mismatch;      /* a segment whose 4-tuple (the tracker's, from the IP
                             * header found behind TCP) belongs to another worker
                             * than its pair (epan's, from the front): the 4-tuple
                             * index would be split, so the merge is not used */
} part_t;

/* The worker of an address/port pair, whichever the direction. The top bits
 * of a multiplicative remix: the 4-tuple index and GHashTable take the low
 * bits of the same hash. */
static unsigned
part_of_tuple(const tl_tuple_t *t, unsigned n)
{
    return (unsigned)(((uint64_t)(tl_tuple_hash(t) * 0x9e3779b1u) * n) >> 32);
}

static unsigned
part_of(const tl_addr_t *src, const tl_addr_t *dst, uint16_t sport, uint16_t dport, unsigned n)
{
    tl_segment_t seg;
    tl_tuple_t t;

    seg.src = *src;
    seg.dst = *dst;
    seg.sport = sport;
    seg.dport = dport;
    tl_tuple_of(&seg, &t);
    return part_of_tuple(&t, n);
}

/* One frame, as the plugin's track_frame() takes it; with part, only if
 * its connection is that worker's (frames skipped: worker 0 counts them). */
static inline __attribute__((always_inline)) void
frame_in(run_t *r, int encap, const uint8_t *data, uint32_t caplen, uint32_t len, int64_t time_ns,
         part_t *part)
{
    tl_decoded_t d;
    tl_result_t res;
    rec_t *rec;
    bool is_new;
    uint32_t stream, prev_stream;

    tl_decode(link_of(encap), data, caplen, len, &d);
    switch (d.kind) {
    case TCPLIFE_DEC_NONE:
        return;
    case TCPLIFE_DEC_SKIP:
        if (part && part->id != 0)
            return;
        if (r->skipped[d.skip]++ == 0)
            r->first_skip[d.skip] = r->frame;
        return;
    case TCPLIFE_DEC_QUOTED:
        if (part && part->n > 1
            && part_of(&d.conv_src, &d.conv_dst, d.seg.sport, d.seg.dport, part->n) != part->id)
            return;
        tl_streams_segment(r->streams, &d.conv_src, &d.conv_dst, d.seg.sport, d.seg.dport, d.seg.flags,
                           d.seg.seq, d.seg.ack, false, &is_new);
        if (part && is_new)
            g_array_append_val(part->created, r->frame);
        return;
    case TCPLIFE_DEC_TCP:
        break;
    }
    if (part && part->n > 1) {
        tl_tuple_t t;

        if (part_of(&d.conv_src, &d.conv_dst, d.seg.sport, d.seg.dport, part->n) != part->id)
            return;
        tl_tuple_of(&d.seg, &t);
        if (part_of_tuple(&t, part->n) != part->id)
            part->mismatch = true;
    }
    stream = tl_streams_segment(r->streams, &d.conv_src, &d.conv_dst, d.seg.sport, d.seg.dport,
                                d.seg.flags, d.seg.seq, d.seg.ack, true, &is_new);
    if (part && is_new)
        g_array_append_val(part->created, r->frame);
    d.seg.frame = r->frame;
    d.seg.time_ns = time_ns;
    rec = rec_for(r, stream);
    (void)tl_conn_observe_stream(&r->latest, &rec->conn, stream, &r->cfg, &d.seg, &res, &prev_stream);
    tl_zeek_observe(&rec->zeek, &d.seg);
    /* The checks' display filters, as tl_tree.c renders those fields. */
    if (tl_result_unread_data(&res))
        hit(r, FC_UNREAD_DATA, stream);
    if (res.rst_kind == TCPLIFE_RST_DATA_AFTER_CLOSE)
        hit(r, FC_DATA_AFTER_CLOSE, stream);
    if (res.tw_reuse)
        hit(r, FC_TW_REUSE, stream);
}

static void
frame(run_t *r, int encap, const uint8_t *data, uint32_t caplen, uint32_t len, int64_t time_ns)
{
    frame_in(r, encap, data, caplen, len, time_ns, NULL);
}

/* The frames of a batch: their bytes one after the other in `bytes`. */
typedef struct {
    uint32_t frame, caplen, len;
    int32_t  encap;
    int64_t  time_ns;
    size_t   off;
} pframe_t;

#define BATCH_FRAMES 4096
#define BATCH_BYTES  (1u << 20)
#define BATCH_POOL   8

typedef struct {
    pframe_t *fr;
    uint32_t  nfr;
    uint8_t  *bytes;
    size_t    nbytes, capbytes;
    gint      refs;         /* workers yet to finish it */
} batch_t;

static batch_t batch_end;   /* pushed to a worker: no more frames */

/* A queue of batches, on pthreads (which ThreadSanitizer sees; GLib's own
 * locks it does not). Never more than the pool and batch_end in one. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t  cv;
    batch_t        *item[BATCH_POOL + 1];
    unsigned        head, n;
} queue_t;

static void
queue_init(queue_t *q)
{
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    q->head = q->n = 0;
}

static void
queue_destroy(queue_t *q)
{
    pthread_cond_destroy(&q->cv);
    pthread_mutex_destroy(&q->mu);
}

static void
queue_push(queue_t *q, batch_t *b)
{
    pthread_mutex_lock(&q->mu);
    g_assert(q->n < G_N_ELEMENTS(q->item));
    q->item[(q->head + q->n++) % G_N_ELEMENTS(q->item)] = b;
    pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

/* The next batch; wait: until there is one, else NULL when empty. */
static batch_t *
queue_pop(queue_t *q, bool wait)
{
    batch_t *b = NULL;

    pthread_mutex_lock(&q->mu);
    while (wait && !q->n)
        pthread_cond_wait(&q->cv, &q->mu);
    if (q->n) {
        b = q->item[q->head];
        q->head = (q->head + 1) % G_N_ELEMENTS(q->item);
        q->n--;
    }
    pthread_mutex_unlock(&q->mu);
    return b;
}

typedef struct {
    run_t     run;
    part_t    part;
    queue_t   in;           /* batch_t*, then &batch_end */
    queue_t  *pool;         /* the shared free batches */
    pthread_t thread;
} worker_t;

typedef struct {
    unsigned  n;
    worker_t *w;
    queue_t   pool;
    batch_t  *cur;          /* being filled by the reader */
} par_t;

static void *
worker_main(void *data)
{
    worker_t *w = (worker_t *)data;
    batch_t *b;

    while ((b = queue_pop(&w->in, true)) != &batch_end) {
        for (uint32_t i = 0; i < b->nfr; i++) {
            const pframe_t *f = &b->fr[i];

            w->run.frame = f->frame;
            frame_in(&w->run, f->encap, b->bytes + f->off, f->caplen, f->len, f->time_ns, &w->part);
        }
        if (g_atomic_int_dec_and_test(&b->refs))
            queue_push(w->pool, b);     /* the last one done gives it back */
    }
    return NULL;
}

static par_t *
par_start(const run_t *r, unsigned n)
{
    par_t *p = g_new0(par_t, 1);

    p->n = n;
    queue_init(&p->pool);
    for (unsigned i = 0; i < BATCH_POOL; i++) {
        batch_t *b = g_new0(batch_t, 1);

        b->fr = g_new(pframe_t, BATCH_FRAMES);
        b->capbytes = BATCH_BYTES;
        b->bytes = (uint8_t *)g_malloc(b->capbytes);
        queue_push(&p->pool, b);
    }
    p->w = g_new0(worker_t, n);
    for (unsigned i = 0; i < n; i++) {
        worker_t *w = &p->w[i];

        run_init(&w->run, r->cfg.time_wait_ns, r->keep_hits);
        w->part.id = i;
        w->part.n = n;
        w->part.created = g_array_new(FALSE, FALSE, sizeof(uint32_t));
        queue_init(&w->in);
        w->pool = &p->pool;
        if ((errno = pthread_create(&w->thread, NULL, worker_main, w))) {
            fprintf(stderr, "tcplife: a worker thread: %s\n", g_strerror(errno));
            exit(EXIT_BAD_INPUT);
        }
    }
    return p;
}

/* The batch being filled, to every worker. */
static void
par_flush(par_t *p)
{
    batch_t *b = p->cur;

    if (!b)
        return;
    p->cur = NULL;
    if (!b->nfr) {
        queue_push(&p->pool, b);
        return;
    }
    g_atomic_int_set(&b->refs, (gint)p->n);
    for (unsigned i = 0; i < p->n; i++)
        queue_push(&p->w[i].in, b);
}

static void
par_frame(par_t *p, uint32_t fnum, int encap, const uint8_t *data, uint32_t caplen, uint32_t len,
          int64_t time_ns)
{
    batch_t *b = p->cur;
    pframe_t *f;

    if (b && (b->nfr == BATCH_FRAMES || b->nbytes + caplen > b->capbytes))
        par_flush(p);
    if (!(b = p->cur)) {
        b = p->cur = queue_pop(&p->pool, true);
        b->nfr = 0;
        b->nbytes = 0;
        if (caplen > b->capbytes) {
            b->capbytes = caplen;
            b->bytes = (uint8_t *)g_realloc(b->bytes, b->capbytes);
        }
    }
    f = &b->fr[b->nfr++];
    f->frame = fnum;
    f->encap = encap;
    f->caplen = caplen;
    f->len = len;
    f->time_ns = time_ns;
    f->off = b->nbytes;
    memcpy(b->bytes + b->nbytes, data, caplen);
    b->nbytes += caplen;
}

/* The workers' runs as one: r's streams renumbered by creating frame, its
 * records, hits (in frame order) and counts. Returns false, r untouched,
 * when a worker saw a 4-tuple that is not its pair's (part_t.mismatch). */
static bool
par_finish(par_t *p, run_t *r)
{
    unsigned n = p->n;
    uint32_t total = 0, **map = g_new0(uint32_t *, n);
    guint *at = g_new0(guint, n);
    bool ok = true;

    par_flush(p);
    for (unsigned i = 0; i < n; i++)
        queue_push(&p->w[i].in, &batch_end);
    for (unsigned i = 0; i < n; i++) {
        pthread_join(p->w[i].thread, NULL);
        ok &= !p->w[i].part.mismatch;
        total += p->w[i].part.created->len;
    }
    if (ok) {
        /* Global tcp.stream: the rank of the creating frame. */
        for (unsigned i = 0; i < n; i++)
            map[i] = g_new(uint32_t, p->w[i].part.created->len + 1);
        for (uint32_t g = 0; g < total; g++) {
            unsigned best = n;
            uint32_t bf = 0;

            for (unsigned i = 0; i < n; i++) {
                GArray *c = p->w[i].part.created;

                if (at[i] < c->len && (best == n || g_array_index(c, uint32_t, at[i]) < bf)) {
                    best = i;
                    bf = g_array_index(c, uint32_t, at[i]);
                }
            }
            map[best][at[best]++] = g;
        }
        g_assert(r->nrecs == 0);
        if (total) {
            r->recs = g_new0(rec_t *, total);
            r->cap = r->nrecs = total;
        }
        for (unsigned i = 0; i < n; i++) {
            run_t *wr = &p->w[i].run;

            for (uint32_t s = 0; s < wr->nrecs; s++) {
                r->recs[map[i][s]] = wr->recs[s];
                wr->recs[s] = NULL;
            }
            for (int k = 0; k < FC_COUNT; k++)
                r->fc[k] += wr->fc[k];
            at[i] = 0;
        }
        memcpy(r->skipped, p->w[0].run.skipped, sizeof r->skipped);
        memcpy(r->first_skip, p->w[0].run.first_skip, sizeof r->first_skip);
        /* Hits in frame order (a frame is one worker's: no ties across). */
        for (;;) {
            unsigned best = n;
            uint32_t bf = 0;

            for (unsigned i = 0; i < n; i++) {
                GArray *h = p->w[i].run.hits;

                if (at[i] < h->len && (best == n || g_array_index(h, hit_t, at[i]).frame < bf)) {
                    best = i;
                    bf = g_array_index(h, hit_t, at[i]).frame;
                }
            }
            if (best == n)
                break;
            {
                hit_t h = g_array_index(p->w[best].run.hits, hit_t, at[best]++);

                h.stream = map[best][h.stream];
                g_array_append_val(r->hits, h);
            }
        }
    }
    for (unsigned i = 0; i < n; i++) {
        run_free(&p->w[i].run);
        g_array_free(p->w[i].part.created, TRUE);
        queue_destroy(&p->w[i].in);
        g_free(map[i]);
    }
    for (batch_t *b; (b = queue_pop(&p->pool, false));) {
        g_free(b->fr);
        g_free(b->bytes);
        g_free(b);
    }
    queue_destroy(&p->pool);
    g_free(p->w);
    g_free(p);
    g_free(map);
    g_free(at);
    return ok;
}

/* A progress line on stderr, at most once a second, only on a terminal. */
typedef struct {
    bool        on;
    const char *file;
    int64_t     size;
    time_t      last;
} progress_t;

static void
progress(progress_t *p, wtap *wth, uint32_t frames, bool done)
{
    time_t now;

    if (!p->on)
        return;
    if (done) {
        if (p->last)
            fprintf(stderr, "\r\033[K");
        return;
    }
    now = time(NULL);
    if (now == p->last)
        return;
    if (!p->last) {     /* nothing in the first second */
        p->last = now;
        return;
    }
    p->last = now;
    if (p->size > 0)
        fprintf(stderr, "\rtcplife: %s: %3d%%, %" PRIu32 " frames", p->file,
                (int)(100 * wtap_read_so_far(wth) / p->size), frames);
    else
        fprintf(stderr, "\rtcplife: %s: %" PRIu32 " frames", p->file, frames);
}

/* Read one file into r (par: to its workers): READ_OK, READ_OPEN (not
 * opened: not a capture, no such file) or READ_DAMAGED (what was read
 * before the damage stays in r), the error on stderr unless quiet. */
enum { READ_OK, READ_OPEN, READ_DAMAGED };

static int
read_file(run_t *r, const char *path, par_t *par, bool quiet)
{
    int err = 0;
    char *err_info = NULL;
    wtap *wth = wtap_open_offline(path, WTAP_TYPE_AUTO, &err, &err_info, FALSE);
    tl_wtap_rec_t wr;
    int64_t offset;
    progress_t prog = { isatty(2) == 1, path, 0, 0 };
    int ok = READ_OK;

    if (!wth) {
        if (!quiet)
            fprintf(stderr, "tcplife: %s: %s%s%s\n", path, wtap_strerror(err), err_info ? ": " : "",
                err_info ? err_info : "");
        g_free(err_info);
        return READ_OPEN;
    }
    if (prog.on) {
        int e = 0;
        prog.size = wtap_file_size(wth, &e);
    }
    tl_wtap_rec_init(&wr);
    while (tl_wtap_read(wth, &wr, &err, &err_info, &offset)) {
        const wtap_rec *rec = &wr.rec;

        r->frame++;
        if ((r->frame & 0xffff) == 0)
            progress(&prog, wth, r->frame, false);
        if (rec->rec_type != REC_TYPE_PACKET)
            ;
        else if (!par)
            frame(r, rec->rec_header.packet_header.pkt_encap, tl_wtap_data(&wr),
                  rec->rec_header.packet_header.caplen, rec->rec_header.packet_header.len,
                  tl_time_ns_clamped((int64_t)rec->ts.secs, (int32_t)rec->ts.nsecs));
        else
            par_frame(par, r->frame, rec->rec_header.packet_header.pkt_encap, tl_wtap_data(&wr),
                      rec->rec_header.packet_header.caplen, rec->rec_header.packet_header.len,
                      tl_time_ns_clamped((int64_t)rec->ts.secs, (int32_t)rec->ts.nsecs));
        wtap_rec_reset(&wr.rec);    /* the record's options block, as tshark does */
    }
    progress(&prog, wth, r->frame, true);
    if (err != 0) {
        if (!quiet)
            fprintf(stderr, "tcplife: %s: %s%s%s (after frame %" PRIu32 ")\n", path, wtap_strerror(err),
                err_info ? ": " : "", err_info ? err_info : "", r->frame);
        g_free(err_info);
        ok = READ_DAMAGED;
    }
    tl_wtap_rec_cleanup(&wr);
    wtap_close(wth);
    return ok;
}

/* Whether every file can be read a second time (par_finish() may ask): not
 * stdin ("-"), a pipe or a terminal. A file that cannot be stat()ed will not
 * open either. */
static bool
rereadable(char **files, int n)
{
    for (int i = 0; i < n; i++) {
        struct stat st;

        if (!strcmp(files[i], "-") || (stat(files[i], &st) == 0 && !S_ISREG(st.st_mode)))
            return false;
    }
    return true;
}

/* Read files[0 .. n) as one capture into r, with `jobs` threads (1: this
 * one, read_file() alone; N: this one reading, N - 1 workers). After a file that does not open: stop there if
 * stop_at_open, else go on (every error is told). Returns READ_OK, or the
 * worst of READ_OPEN and READ_DAMAGED. */
static int
read_files(run_t *r, char **files, int n, unsigned jobs, bool stop_at_open)
{
    int worst_rd = READ_OK;
    par_t *par;
    bool quiet = false;

    /* A split that turns out wrong is read again: not possible from a pipe,
     * which then gets one worker (nothing split). */
    if (jobs > 2 && !rereadable(files, n))
        jobs = 2;
    par = jobs > 1 ? par_start(r, jobs - 1) : NULL;

    for (;;) {
        worst_rd = READ_OK;
        for (int i = 0; i < n; i++) {
            int rd = read_file(r, files[i], par, quiet);

            if (rd == READ_OPEN || (rd == READ_DAMAGED && worst_rd == READ_OK))
                worst_rd = rd;
            if (rd == READ_OPEN && stop_at_open)
                break;
        }
        if (!par || par_finish(par, r))
            return worst_rd;
        /* A 4-tuple not its pair's (a header the tracker finds elsewhere
         * than epan: rare, odd frames): the split would not be -j 1's, so
         * read again in one piece, the errors told once. */
        par = NULL;
        quiet = true;
        {
            int64_t tw = r->cfg.time_wait_ns;
            bool keep = r->keep_hits;

            run_free(r);
            run_init(r, tw, keep);
        }
    }
}

/* Frames skipped: on stderr, a line per reason. Returns whether any were. */
static bool
report_skipped(const run_t *r, const char *what)
{
    uint64_t total = 0;

    for (int i = 1; i < TCPLIFE_SKIP_COUNT; i++)
        total += r->skipped[i];
    if (!total)
        return false;
    fprintf(stderr, "tcplife: %s: %" PRIu64 " frame%s skipped (the rows may be incomplete; "
            "tshark -2 -z tcplife,conn decodes them):\n", what, total, total == 1 ? "" : "s");
    for (int i = 1; i < TCPLIFE_SKIP_COUNT; i++)
        if (r->skipped[i])
            fprintf(stderr, "tcplife:   %" PRIu64 " %s (first: frame %" PRIu32 ")\n", r->skipped[i],
                    tl_skip_text((tl_skip_t)i), r->first_skip[i]);
    return true;
}

static void
usage(FILE *out)
{
    fputs("usage: tcplife conn [--json|--tsv] [--msl PROFILE] [--msl-custom SECONDS] [-j N] FILE...\n"
          "       tcplife check [--set] [--records] [--msl PROFILE] [--msl-custom SECONDS] [-j N]\n"
          "                     FILE...\n"
          "       tcplife --version\n\n"
          "conn   one row per TCP connection, as tshark -2 -q -z tcplife,conn[,json|,tsv]\n"
          "       prints it; several files are one capture read in the order given\n"
          "       (a ring buffer: dumpcap -b, tcpdump -G/-C)\n"
          "check  the checks tools/tcplife-check runs by default, one line per file\n"
          "       (refused, half_open: connections; unread_data, data_after_close,\n"
          "       tw_reuse: frames); --set: all files as one capture; --records:\n"
          "       the lines tcplife-check reads\n"
          "--msl  TIME_WAIT profile: linux (default), rfc9293, bsd, windows, custom\n"
          "-j N   N threads (1 to 64, default 1): one reads, the others track,\n"
          "       from 3 on each a share of the connections; the output is the same\n\n"
          "exit status: 0 done (check: all passed), 1 a check failed, 2 bad usage or\n"
          "a file that cannot be read, 3 frames skipped (a link, tunnel or fragment\n"
          "this program does not decode: tshark with the tcplife plugin does)\n", out);
}

static int
cmd_conn(run_t *r, tl_rows_fmt_t fmt, char **files, int nfiles, unsigned jobs)
{
    int status = 0;
    tl_rows_out_t o;
    tl_row_t row;
    bool ok = true;

    /* A file that does not open prints nothing (as tshark); a damaged one
     * the rows of what was read before the damage, and exit 2. */
    switch (read_files(r, files, nfiles, jobs, true)) {
    case READ_OPEN:
        return EXIT_BAD_INPUT;
    case READ_DAMAGED:
        status = EXIT_BAD_INPUT;
        break;
    }
    /* Rows are made, printed and dropped; the table measures them all
     * first (its column widths) and keeps them packed for its lines. */
    tl_rows_init(&o, fmt);
    tl_rows_keep(&o, g_try_realloc, g_free);
    for (int pass = fmt == TCPLIFE_ROWS_TABLE ? 0 : 1; pass < 2 && ok; pass++) {
        if (pass == 1) {
            ok = tl_rows_begin(stdout, &o, NULL);
            if (ok && tl_rows_kept(&o)) {
                while (ok && tl_rows_next_kept(&o, &row))
                    ok = tl_rows_put(stdout, &o, &row);
                break;
            }
        }
        for (uint32_t s = 0; s < r->nrecs && ok; s++) {
            if (!r->recs[s])
                continue;
            tl_row_build(&row, s, &r->recs[s]->conn, &r->recs[s]->zeek, &r->cfg, NULL);
            if (pass == 0)
                tl_rows_measure(&o, &row);
            else
                ok = tl_rows_put(stdout, &o, &row);
        }
    }
    if (!ok || !tl_rows_end(stdout, &o) || fflush(stdout)) {
        fprintf(stderr, "tcplife: writing the rows: %s\n", g_strerror(errno));
        status = EXIT_BAD_INPUT;
    }
    tl_rows_free(&o);
    if (report_skipped(r, nfiles == 1 ? files[0] : "the capture set") && !status)
        status = EXIT_SKIPPED;
    return status;
}

/* One capture's checks: the text line, or --records' lines. */
static int
check_capture(run_t *r, const char *name, bool records)
{
    uint32_t conns = 0, outcome[TCPLIFE_OUTCOME_COUNT] = { 0 }, hs[TCPLIFE_HS_COUNT] = { 0 };
    GString *line = g_string_new(NULL), *fails = g_string_new(NULL);
    struct { const char *name; uint64_t n; int hs; } cc[2] = {
        { "refused", 0, TCPLIFE_HS_REFUSED }, { "half_open", 0, TCPLIFE_HS_HALF_OPEN },
    };
    bool skipped;

    for (uint32_t s = 0; s < r->nrecs; s++) {
        tl_summary_t sum;

        if (!r->recs[s])
            continue;
        conns++;
        tl_conn_summarize(&r->recs[s]->conn, &r->cfg, &sum);
        outcome[sum.outcome]++;
        hs[sum.handshake]++;
    }
    cc[0].n = hs[TCPLIFE_HS_REFUSED];
    cc[1].n = hs[TCPLIFE_HS_HALF_OPEN];
    g_string_printf(line, "%s: %u connections, %u closed, %u reset, %u refused, %u half_open", name, conns,
                    outcome[TCPLIFE_OUTCOME_CLOSED], outcome[TCPLIFE_OUTCOME_RESET], hs[TCPLIFE_HS_REFUSED],
                    hs[TCPLIFE_HS_HALF_OPEN]);
    for (int k = 0; k < FC_COUNT; k++)
        g_string_append_printf(line, ", %s %" PRIu64, fc_name[k], r->fc[k]);
    for (int k = 0; k < 2; k++)
        if (cc[k].n)
            g_string_append_printf(fails, " %s=%" PRIu64, cc[k].name, cc[k].n);
    for (int k = 0; k < FC_COUNT; k++)
        if (r->fc[k])
            g_string_append_printf(fails, " %s=%" PRIu64, fc_name[k], r->fc[k]);
    if (fails->len)
        g_string_append_printf(line, "; failed:%s", fails->str);
    if (!records) {
        printf("%s\n", line->str);
    } else {
        char client[TCPLIFE_CELL_MAX], server[TCPLIFE_CELL_MAX];

        printf("stat\tconnections\t%u\nstat\tclosed\t%u\nstat\treset\t%u\nstat\trefused\t%u\n"
               "stat\thalf_open\t%u\n", conns, outcome[TCPLIFE_OUTCOME_CLOSED],
               outcome[TCPLIFE_OUTCOME_RESET], hs[TCPLIFE_HS_REFUSED], hs[TCPLIFE_HS_HALF_OPEN]);
        for (int k = 0; k < 2; k++) {
            printf("check\t%d\t%" PRIu64 "\t%d\n", k, cc[k].n, cc[k].n > 0);
            if (!cc[k].n)
                continue;
            for (uint32_t s = 0; s < r->nrecs; s++)
                if (r->recs[s] && tl_conn_handshake_outcome(&r->recs[s]->conn) == (tl_hs_outcome_t)cc[k].hs)
                    printf("conn\t%d\t%u\t%s\t%s\t\n", k, s,
                           tl_endpoint_format(&r->recs[s]->conn.ep[TCPLIFE_ROLE_CLIENT], client,
                                              sizeof client),
                           tl_endpoint_format(&r->recs[s]->conn.ep[TCPLIFE_ROLE_SERVER], server,
                                              sizeof server));
        }
        for (int k = 0; k < FC_COUNT; k++) {
            /* The connections in the order of their first frame, each with
             * its frames (as tcplife-check lists them from tshark). */
            GHashTable *frames = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, NULL);
            GPtrArray *order = g_ptr_array_new();

            printf("check\t%d\t%" PRIu64 "\t%d\n", 2 + k, r->fc[k], r->fc[k] > 0);
            for (guint j = 0; j < r->hits->len; j++) {
                const hit_t *h = &g_array_index(r->hits, hit_t, j);
                GString *fr;

                if (h->check != (uint32_t)k)
                    continue;
                fr = (GString *)g_hash_table_lookup(frames, GUINT_TO_POINTER(h->stream + 1));
                if (!fr) {
                    fr = g_string_new(NULL);
                    g_hash_table_insert(frames, GUINT_TO_POINTER(h->stream + 1), fr);
                    g_ptr_array_add(order, GUINT_TO_POINTER(h->stream));
                }
                g_string_append_printf(fr, "%s%u", fr->len ? "," : "", h->frame);
            }
            for (guint j = 0; j < order->len; j++) {
                uint32_t st = GPOINTER_TO_UINT(g_ptr_array_index(order, j));
                GString *fr = (GString *)g_hash_table_lookup(frames, GUINT_TO_POINTER(st + 1));
                const rec_t *rc = st < r->nrecs ? r->recs[st] : NULL;

                printf("conn\t%d\t%u\t%s\t%s\t%s\n", 2 + k, st,
                       rc ? tl_endpoint_format(&rc->conn.ep[TCPLIFE_ROLE_CLIENT], client, sizeof client)
                          : "?",
                       rc ? tl_endpoint_format(&rc->conn.ep[TCPLIFE_ROLE_SERVER], server, sizeof server)
                          : "?",
                       fr->str);
                g_string_free(fr, TRUE);
            }
            g_ptr_array_free(order, TRUE);
            g_hash_table_destroy(frames);
        }
        printf("line\t%s\n", line->str);
    }
    skipped = report_skipped(r, name);
    g_string_free(line, TRUE);
    g_string_free(fails, TRUE);
    fflush(stdout);
    if (skipped)
        return EXIT_SKIPPED;
    return (cc[0].n || cc[1].n || r->fc[0] || r->fc[1] || r->fc[2]) ? EXIT_CHECK_FAILED : 0;
}

/* Exit status of several captures: bad input, then skipped, then failed. */
static int
worst(int a, int b)
{
    static const int rank[] = { 0, 1, 3, 2 };   /* by status 0..3 */
    return rank[b] > rank[a] ? b : a;
}

int
main(int argc, char **argv)
{
    const char *cmd;
    tl_rows_fmt_t fmt = TCPLIFE_ROWS_TABLE;
    tl_msl_profile_t msl = TCPLIFE_MSL_LINUX;
    unsigned msl_custom = 30;
    bool set = false, records = false;
    unsigned jobs = 1;
    int i, status = 0;

    if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-v"))) {
        printf("tcplife %s (built with libwiretap %d.%d.%d)\n", TCPLIFE_VERSION, WIRESHARK_VERSION_MAJOR,
               WIRESHARK_VERSION_MINOR, WIRESHARK_VERSION_MICRO);
        return 0;
    }
    if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        usage(stdout);
        return 0;
    }
    if (argc < 2 || (strcmp(argv[1], "conn") && strcmp(argv[1], "check"))) {
        usage(stderr);
        return EXIT_BAD_INPUT;
    }
    cmd = argv[1];
    for (i = 2; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "--")) {
            i++;
            break;
        } else if (!strcmp(cmd, "conn") && !strcmp(a, "--json")) {
            fmt = TCPLIFE_ROWS_JSON;
        } else if (!strcmp(cmd, "conn") && !strcmp(a, "--tsv")) {
            fmt = TCPLIFE_ROWS_TSV;
        } else if (!strcmp(cmd, "check") && !strcmp(a, "--set")) {
            set = true;
        } else if (!strcmp(cmd, "check") && !strcmp(a, "--records")) {
            records = true;
        } else if (!strcmp(a, "--msl") && i + 1 < argc) {
            int p;

            for (p = 0; p < TCPLIFE_MSL_COUNT && strcmp(argv[i + 1], tl_msl_name((tl_msl_profile_t)p)); p++)
                ;
            if (p == TCPLIFE_MSL_COUNT) {
                fprintf(stderr, "tcplife: --msl %s: not a profile (linux, rfc9293, bsd, windows, custom)\n",
                        argv[i + 1]);
                return EXIT_BAD_INPUT;
            }
            msl = (tl_msl_profile_t)p;
            i++;
        } else if (!strncmp(a, "-j", 2) && (a[2] || i + 1 < argc)) {
            const char *v = a[2] ? a + 2 : argv[++i];
            char *end;
            unsigned long n = strtoul(v, &end, 10);

            if (!*v || *end || *v == '-' || *v == '+' || n < 1 || n > TCPLIFE_JOBS_MAX) {
                fprintf(stderr, "tcplife: -j %s: threads from 1 to %d\n", v, TCPLIFE_JOBS_MAX);
                return EXIT_BAD_INPUT;
            }
            jobs = (unsigned)n;
        } else if (!strcmp(a, "--msl-custom") && i + 1 < argc) {
            char *end;
            unsigned long v = strtoul(argv[i + 1], &end, 10);

            if (!*argv[i + 1] || *end || v > 86400) {
                fprintf(stderr, "tcplife: --msl-custom %s: seconds from 0 to 86400\n", argv[i + 1]);
                return EXIT_BAD_INPUT;
            }
            msl_custom = (unsigned)v;
            i++;
        } else {
            fprintf(stderr, "tcplife %s: unknown option %s\n", cmd, a);
            usage(stderr);
            return EXIT_BAD_INPUT;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return EXIT_BAD_INPUT;
    }

    tl_wtap_log_init("tcplife");
    tl_streams_set_rules(WIRESHARK_VERSION_MAJOR, WIRESHARK_VERSION_MINOR);
    init_process_policies();
    wtap_init(FALSE);

    if (!strcmp(cmd, "conn")) {
        run_t r;

        run_init(&r, tl_msl_time_wait_ns(msl, msl_custom), false);
        status = cmd_conn(&r, fmt, argv + i, argc - i, jobs);
        run_free(&r);
    } else if (set) {
        run_t r;
        bool ok = true;

        run_init(&r, tl_msl_time_wait_ns(msl, msl_custom), records);
        ok = read_files(&r, argv + i, argc - i, jobs, false) == READ_OK;
        status = ok ? check_capture(&r, argv[i], records) : EXIT_BAD_INPUT;
        run_free(&r);
    } else {
        for (int f = i; f < argc; f++) {
            run_t r;

            run_init(&r, tl_msl_time_wait_ns(msl, msl_custom), records);
            if (read_files(&r, argv + f, 1, jobs, false) == READ_OK)
                status = worst(status, check_capture(&r, argv[f], records));
            else
                status = worst(status, EXIT_BAD_INPUT);
            run_free(&r);
        }
    }
    wtap_cleanup();
    return status;
}
