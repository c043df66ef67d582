/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * packet-tcplife.c - the "TCP Lifecycle" post-dissector: registration,
 * per-file state, and dissect_tcplife().
 *
 * On the first pass each TCP layer's fields are extracted, fed to that
 * connection's tracker, and the verdict is stored per frame in file scope
 * (epan fills a post-dissector's wanted fields only on the first pass). A
 * later pass renders from the stored verdict only, so tshark's single
 * pass, tshark -2 and the GUI show the same thing. A program that never
 * comes back to a frame (tshark's single pass) stores nothing: see
 * frames_kept().
 */
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <epan/wmem_scopes.h>

#include "tl_compat.h"
#include "tl_epan_seam.h"
#include "tl_glue.h"
#include "tcplife/tl_pack.h"
#include "tcplife/tl_row.h"

static int proto_tcplife = -1;
static dissector_handle_t tcplife_handle;
static int tcplife_tap = -1;
/* Listeners that read only which connections a frame belongs to (-z
 * tcplife,conn and tcplife,sum: tl_stats.c) listen here instead, and get
 * GUINT_TO_POINTER(stream + 1) per layer: the stream is known when the
 * frame is extracted, so such a pass can defer its tracking (below). */
static int streams_tap = -1;

/* File scope: 4-tuple -> latest connection on it (for TIME_WAIT reuse),
 * emptied with the file. The connections' records are tl_conns.c's. */
static guint64 stat_frames;      /* frames tracked (TCPLIFE_MEMSTATS) */
static guint64 stat_stored;      /* frames stored */
static guint64 stat_deferred;    /* frames tracked deferred (see deferred below) */
static guint64 stat_probes;      /* tl_seam_tapping() asked (run_is_tapping()) */
static guint64 stat_skipped;     /* frames not tracked: nothing reads them (unread_pass()) */
/* The last frame the first pass tracked, and where its record is in the
 * file. Frames come in order on a first pass; one that comes again
 * unvisited (the GUI dissects a frame for its read filter, then again to
 * list it) is read from the store like a later pass instead of being fed
 * to its connection twice. */
static guint32 last_tracked;
static gint64  last_tracked_off;
/* The tracker tells frames apart by an ordinal that a read filter does not
 * give twice (tl_frames.h): the frame number plus the frames hidden so far.
 * A frame is hidden when the next one comes under its number. */
static tl_frames_t frames;
static guint32     last_tracked_ord;

const tl_frames_t *
tl_glue_frames(void)
{
    return &frames;
}

static void deferred_flush(void);

void
tl_glue_flush(void)
{
    deferred_flush();
}

/* Whether the frames dissected for the first time since the last frame
 * that was not (or since the file opened) are dissected with taps: epan
 * runs a pass with taps or without, and a program that mixes the two (the
 * GUI's read filter dissects without, then lists with) comes back to the
 * frame in between. -1: not asked yet (tl_seam_tapping() queues a probe). */
static gint8 run_tapping = -1;

static gboolean
run_is_tapping(packet_info *pinfo)
{
    if (run_tapping < 0) {
        run_tapping = tl_seam_tapping(pinfo) ? 1 : 0;
        stat_probes++;
    }
    return run_tapping == 1;
}

/* Whether a later pass can come back to this file's frames (frames_kept()). */
static enum { FRAMES_UNKNOWN, FRAMES_KEPT, FRAMES_ONCE } frames_fate;

/* MSL profiles: the values and their sources are the core's (TCPLIFE_MSL_MAP in
 * tl_core.h); this is their preference list. */
static enum_val_t msl_profiles[TCPLIFE_MSL_COUNT + 1];
static gint pref_msl_profile = TCPLIFE_MSL_LINUX;
static tl_pref_bool_t pref_tcpdump = TRUE;
static guint pref_msl_custom = 30;

static tl_config_t tl_cfg;

static void
apply_prefs(void)
{
    /* Frames seen before the change are tracked as they were seen. */
    deferred_flush();
    tl_cfg.time_wait_ns = tl_msl_time_wait_ns((tl_msl_profile_t)pref_msl_profile, pref_msl_custom);
}

/* tcpdump's relative numbers depend on the connection's numbering state
 * before the segment. It changes rarely (the first segment with ACK, a
 * SYN-ACK), so instead of a state or a text per frame the connection keeps
 * the frames where it changed. A frame with several segments of the
 * connection (an 802.11 A-MSDU, a tunnel) keeps one entry per segment,
 * changed or not (`each`), so a later pass finds the state between them. */
static void
td_note_change(tl_conn_rec_t *rec, guint32 frame, const tl_tcpdump_t *before, gboolean each)
{
    const tl_tcpdump_t *now = &rec->conn.tcpdump;

    if (!each && now->have == before->have && now->seq_base == before->seq_base
        && now->ack_base == before->ack_base)
        return;
    if (rec->td_n == rec->td_cap) {
        if (rec->td_cap == G_MAXUINT16)
            return;     /* 65535 renumberings: later text may be off, never unsafe */
        rec->td_cap = rec->td_cap ? (guint16)MIN(rec->td_cap * 2u, G_MAXUINT16) : 2;
        rec->td = (tl_td_change_t *)wmem_realloc(wmem_file_scope(), rec->td,
                                                  rec->td_cap * sizeof *rec->td);
    }
    rec->td[rec->td_n].frame = frame;
    rec->td[rec->td_n].st = *now;
    rec->td_n++;
}

/* The numbering state just before the nth segment (from 0) of the
 * connection in `frame`, of `count` it has there. */
static tl_tcpdump_t
td_state_before(const tl_conn_rec_t *rec, guint32 frame, guint nth, guint count)
{
    tl_tcpdump_t st = { 0 };
    guint i = 0;

    for (; i < rec->td_n && rec->td[i].frame < frame; i++)
        st = rec->td[i].st;
    /* Several segments in the frame: one entry each, the state after it. */
    if (nth > 0 && count > 1 && i + nth - 1 < rec->td_n && rec->td[i + nth - 1].frame == frame)
        st = rec->td[i + nth - 1].st;
    return st;
}

/* How many layers of the frame before layer i belong to the same stream
 * (*nth), and how many in all (*count). */
static void
same_stream(const guint32 *streams, guint n, guint i, guint *nth, guint *count)
{
    *nth = *count = 0;
    for (guint j = 0; j < n; j++)
        if (streams[j] == streams[i]) {
            (*count)++;
            if (j < i)
                (*nth)++;
        }
}

static const char *
td_format(packet_info *pinfo, tl_tcpdump_t *st, const tl_segment_t *seg)
{
    char *buf = (char *)wmem_alloc(pinfo->pool, TCPLIFE_TCPDUMP_MAX);

    tl_tcpdump_format(st, seg, buf, TCPLIFE_TCPDUMP_MAX);
    return buf;
}

/* A layer's verdict made relative to its segment for the store, or back
 * (tl_result_relative()): from the frame's ordinal (tl_frames.h), time and
 * the header's bytes, the same on every pass. */
static void
relative_seg(tvbuff_t *tvb, packet_info *pinfo, guint32 ord, guint32 hdr_off, tl_relative_t *seg)
{
    gint off = (gint)hdr_off - 1;

    seg->frame = ord;
    seg->time_ns = tl_time_ns(&pinfo->abs_ts);
    seg->hdr = hdr_off && tvb_captured_length_remaining(tvb, off) >= 12;
    seg->seq = seg->hdr ? tvb_get_ntohl(tvb, off + 4) : 0;
    seg->ack = seg->hdr ? tvb_get_ntohl(tvb, off + 8) : 0;
}

static void
relative(tvbuff_t *tvb, packet_info *pinfo, guint32 ord, tl_layer_result_t *lr, gboolean to_relative)
{
    tl_relative_t seg;

    relative_seg(tvb, pinfo, ord, lr->hdr_off, &seg);
    tl_result_relative(&lr->r, &seg, to_relative);
}

/*
 * Whether the program keeps this file's frames, so that a later pass (the
 * GUI, sharkd, tshark -2's second pass) can dissect them again and read
 * the store. A program that keeps them numbers the frames it keeps 1, 2,
 * 3, ... (a read filter's rejects are not numbered) and can give the time
 * of every one of them. tshark's single pass and rawshark keep three at
 * most: the time reference (frame 1), the last one displayed and the last
 * one read. So from frame 5 on, one of frames 2 and 3 has no time there,
 * and every frame has one in a program that keeps them. The provider is
 * asked through the seam (epan_get_frame_ts() is not exported). Until the
 * answer every frame is stored, and when the provider cannot be asked,
 * all of them. Storing in a single pass costs about 6 bytes and 830
 * instructions a frame that nothing reads (docs/benchmarks.md, "Nothing
 * stored in a single pass").
 */
static guint32  prev_num;
static nstime_t prev_ts;

static gboolean
frames_kept(void)
{
    return frames_fate != FRAMES_ONCE;
}

static void
frames_fate_learn(packet_info *pinfo)
{
    if (frames_fate == FRAMES_UNKNOWN) {
        switch (tl_seam_frames_kept(pinfo, prev_num, &prev_ts)) {
        case 1:
        case -2:
            frames_fate = FRAMES_KEPT;
            break;
        case 0:
            frames_fate = FRAMES_ONCE;
            break;
        default:
            break;
        }
        prev_num = pinfo->num;
        prev_ts = pinfo->abs_ts;
    }
}

/* Feed one frame's TCP layers to their connections, in order. With pinfo,
 * the tcpdump text is made when it is shown now (text_now) or has to be
 * kept (its header is not in the frame's bytes); without (a deferred
 * frame, below), only the numbering moves. texts[i]: the text to keep. */
static void
track_layers(packet_info *pinfo, guint32 ord, const tl_extracted_t *x, guint n,
             gboolean text_now, tl_stored_t *fr, const char **texts)
{
    guint32 streams[TCPLIFE_MAX_LAYERS];

    for (guint i = 0; i < n; i++)
        streams[i] = x[i].stream;
    tl_conns_idle(ord);
    for (guint i = 0; i < n; i++) {
        tl_conn_rec_t *rec = tl_conns_touch(x[i].stream, ord);
        tl_layer_result_t *lr = &fr->layer[i];

        lr->stream = x[i].stream;
        lr->prev_stream = 0;
        lr->tcpdump = NULL;
        lr->hdr_off = 0;
        lr->rec = rec;
        (void)tl_conn_observe_stream(tl_conns_tuples(), &rec->conn, x[i].stream, &tl_cfg,
                                     &x[i].seg, &lr->r, &lr->prev_stream);
        texts[i] = NULL;
        if (pref_tcpdump) {
            tl_tcpdump_t before = rec->conn.tcpdump;
            gboolean keep = pinfo && x[i].hdr_off < 0;
            guint nth, count;

            if (pinfo && (text_now || keep))
                lr->tcpdump = td_format(pinfo, &rec->conn.tcpdump, &x[i].seg);
            else
                tl_tcpdump_advance(&rec->conn.tcpdump, &x[i].seg);
            same_stream(streams, n, i, &nth, &count);
            td_note_change(rec, ord, &before, count > 1);
            if (keep)
                texts[i] = lr->tcpdump;
        }
        if (x[i].hdr_off >= 0)
            lr->hdr_off = (guint32)x[i].hdr_off + 1;
        tl_zeek_observe(&rec->zeek, &x[i].seg);
    }
    stat_frames++;
}

/*
 * Deferred tracking. On a first pass, nothing reads a frame's verdict now
 * unless this pass taps tcplife or the frame's tree shows or filters on
 * tcplife (tshark -Y tcp -q; the first pass of tshark -2 and of the GUI);
 * such a frame still moves its connections, and may have to be stored for
 * a later pass, but neither need happen at once. Its layers wait here, and
 * up to TCPLIFE_DEFER of them go to the tracker (and the store) in a row:
 * tshark's code for one packet is larger than the instruction cache, so a
 * tracker called once a packet misses on every line it runs (about 100
 * lines), and in a row only on the first frame (docs/benchmarks.md,
 * "Tracking deferred"). The same frames go in the same order with the same
 * ordinals, so every connection and every stored verdict ends the same:
 * whatever reads the tracker or the store flushes the queue first (a frame
 * that is shown or tapped, a later pass, a read filter's renumbering, a
 * preference change, the file's end).
 */
#define TCPLIFE_DEFER 32

static struct {
    guint          frames, layers;
    struct {
        guint32 ord;
        guint32 num;        /* the number to store it under; 0: not stored */
        guint8  n, untracked;
    } frame[TCPLIFE_DEFER];
    tl_extracted_t layer[TCPLIFE_DEFER];
    tl_relative_t  rel[TCPLIFE_DEFER];      /* for the store: tl_result_relative() */
} deferred;

static void
deferred_flush(void)
{
    static tl_stored_t fr;
    const char *texts[TCPLIFE_MAX_LAYERS];
    guint at = 0;

    for (guint f = 0; f < deferred.frames; f++) {
        guint n = deferred.frame[f].n;

        memset(&fr, 0, offsetof(tl_stored_t, layer));
        fr.n = (guint8)n;
        fr.untracked = deferred.frame[f].untracked;
        track_layers(NULL, deferred.frame[f].ord, &deferred.layer[at], n, FALSE, &fr, texts);
        if (deferred.frame[f].num) {
            for (guint i = 0; i < n; i++)
                tl_result_relative(&fr.layer[i].r, &deferred.rel[at + i], TRUE);
            tl_store_frame(deferred.frame[f].num, &fr);
            stat_stored++;
        }
        at += n;
    }
    deferred.frames = deferred.layers = 0;
}

/* Queue a frame's layers; FALSE when it cannot wait: a tcpdump text kept
 * for the store needs the frame's own bytes (a header not in them). */
static gboolean
deferred_add(tvbuff_t *tvb, packet_info *pinfo, guint32 ord, const tl_extracted_t *x, guint n,
             guint untracked, gboolean store)
{
    if (store && pref_tcpdump)
        for (guint i = 0; i < n; i++)
            if (x[i].hdr_off < 0)
                return FALSE;
    if (deferred.frames == TCPLIFE_DEFER || deferred.layers + n > TCPLIFE_DEFER)
        deferred_flush();
    deferred.frame[deferred.frames].ord = ord;
    deferred.frame[deferred.frames].num = store ? pinfo->num : 0;
    deferred.frame[deferred.frames].n = (guint8)n;
    deferred.frame[deferred.frames].untracked = (guint8)MIN(untracked, G_MAXUINT8);
    for (guint i = 0; i < n; i++) {
        guint at = deferred.layers + i;

        deferred.layer[at] = x[i];
        /* Into the frame's bytes, gone by then: only the text reads them. */
        deferred.layer[at].seg.opt_bytes = NULL;
        deferred.layer[at].seg.opt_len = 0;
        if (store)
            relative_seg(tvb, pinfo, ord, x[i].hdr_off >= 0 ? (guint32)x[i].hdr_off + 1 : 0,
                         &deferred.rel[at]);
    }
    deferred.frames++;
    deferred.layers += n;
    stat_deferred++;
    return TRUE;
}

/* First pass: track every TCP layer of the frame (its ordinal: ord), store
 * the verdicts when a later pass can read them. defer: nothing reads this
 * frame's verdicts in this pass (see deferred above); fr is then left
 * empty, and queued[] names the n_queued layers' streams. */
static gboolean
track_frame(tvbuff_t *tvb, proto_tree *tree, packet_info *pinfo, guint32 ord, tl_stored_t *fr,
            gboolean defer, guint32 *queued, guint *n_queued)
{
    tl_extracted_t x[TCPLIFE_MAX_LAYERS];
    guint untracked;
    guint n = tl_extract(tvb, tree, pinfo, x, TCPLIFE_MAX_LAYERS, &untracked);
    /* The tcpdump text is made now when this pass shows it. A later pass
     * makes it again from the header in the frame's bytes (its offset is
     * stored) and the connection's numbering changes; only a header that
     * is not in the frame's bytes (a reassembled IP datagram) has its text
     * kept. */
    gboolean text_now = pref_tcpdump && tl_tree_wants_tcpdump(tree);
    const char *texts[TCPLIFE_MAX_LAYERS];
    /* A stream number no dense numbering reaches: not kept (see above). */
    guint kept = 0;

    for (guint i = 0; i < n; i++) {
        if (x[i].stream >= TCPLIFE_STREAM_MAX)
            untracked++;
        else if (kept++ != i)
            x[kept - 1] = x[i];
    }
    n = kept;
    for (guint i = 0; i < n; i++)
        x[i].seg.frame = ord;
    if (n == 0 && untracked == 0)
        return FALSE;
    *n_queued = 0;
    if (defer && !text_now && deferred_add(tvb, pinfo, ord, x, n, untracked, frames_kept())) {
        fr->n = fr->untracked = 0;      /* nothing to tap or show now */
        for (guint i = 0; i < n; i++)
            queued[i] = x[i].stream;    /* but which connections, for streams_tap */
        *n_queued = n;
        return TRUE;
    }
    deferred_flush();
    memset(fr, 0, offsetof(tl_stored_t, layer));
    fr->n = (guint8)n;
    fr->untracked = (guint8)MIN(untracked, G_MAXUINT8);
    track_layers(pinfo, ord, x, n, text_now, fr, texts);
    if (frames_kept()) {
        const char *shown[TCPLIFE_MAX_LAYERS];

        tl_result_t shown_r[TCPLIFE_MAX_LAYERS];

        for (guint i = 0; i < n; i++) {
            shown[i] = fr->layer[i].tcpdump;
            fr->layer[i].tcpdump = texts[i];
            shown_r[i] = fr->layer[i].r;
            relative(tvb, pinfo, ord, &fr->layer[i], TRUE);
        }
        tl_store_frame(pinfo->num, fr);
        stat_stored++;
        for (guint i = 0; i < n; i++) {
            fr->layer[i].tcpdump = shown[i];
            fr->layer[i].r = shown_r[i];
        }
    }
    return TRUE;
}

/* A later pass: make the tcpdump text again from the header in the frame's
 * bytes, the verdict (flags, length, sender) and the connection (addresses,
 * ports, numbering state before this frame). */
static void
td_rebuild(tvbuff_t *tvb, packet_info *pinfo, guint32 ord, tl_stored_t *fr)
{
    guint32 streams[TCPLIFE_MAX_LAYERS];

    for (guint i = 0; i < fr->n; i++)
        streams[i] = fr->layer[i].stream;
    for (guint i = 0; i < fr->n; i++) {
        tl_layer_result_t *lr = &fr->layer[i];
        const tl_endpoint_t *snd, *rcv;
        tl_segment_t seg;
        tl_tcpdump_t st;
        gint off, cap;
        guint nth, count;

        if (lr->tcpdump || !lr->hdr_off || !lr->rec)
            continue;
        off = (gint)lr->hdr_off - 1;
        cap = tvb_captured_length_remaining(tvb, off);
        if (cap < TCPLIFE_TCP_HDR_MIN)
            continue;
        memset(&seg, 0, sizeof seg);
        if (!tl_parse_tcp_header(tvb_get_ptr(tvb, off, MIN(cap, 60)), (size_t)MIN(cap, 60), &seg))
            continue;
        snd = &lr->rec->conn.ep[(tl_role_t)lr->r.sender];
        rcv = &lr->rec->conn.ep[tl_peer((tl_role_t)lr->r.sender)];
        seg.src = snd->addr;
        seg.dst = rcv->addr;
        seg.len = lr->r.len;
        seg.frame = ord;
        same_stream(streams, fr->n, i, &nth, &count);
        st = td_state_before(lr->rec, ord, nth, count);
        lr->tcpdump = td_format(pinfo, &st, &seg);
    }
}

/*
 * A single pass (frames_fate FRAMES_ONCE: no pass comes back to a frame)
 * in which nothing reads tcplife: no tree that shows or filters on a
 * tcplife field (no display filter, column, -T fields, -V, expert tap,
 * Lua field or MATE that names one) and no listener of either tcplife tap.
 * What each frame would do to its connections is then read by nobody, in
 * this pass or any other, so the frame is not tracked at all: tshark -Y
 * tcp -q, -z conv,tcp or -T fields -e ip.src with tcplife installed pays
 * for a call and three tests a frame (#15, docs/benchmarks.md, "Nothing
 * read, nothing tracked"). The first frames, until the program is known
 * to keep none (frame 5), are tracked as usual.
 *
 * What reads tcplife is the program's command line and stays the same
 * for the pass in tshark and rawshark. Should a frame that reads come
 * after skipped ones all the same, the connections start again from it,
 * as in a capture that starts there, and a warning says so.
 */
static gboolean skipping;

static gboolean
unread_pass(gboolean show, gboolean tap, gboolean stap)
{
    if (frames_fate == FRAMES_ONCE && !show && !tap && !stap) {
        skipping = TRUE;
        stat_skipped++;
        return TRUE;
    }
    if (skipping) {
        skipping = FALSE;
        ws_warning("tcplife: %" G_GUINT64_FORMAT " frames were not tracked, as nothing read "
                   "them; connections are tracked again from here, as if the capture started "
                   "here", stat_skipped);
        deferred_flush();
        tl_conns_reset();
    }
    return FALSE;
}

static int
dissect_layers(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    tl_stored_t fr;
    guint32 queued[TCPLIFE_MAX_LAYERS];
    guint n_queued = 0;
    gboolean visited = PINFO_FD_VISITED(pinfo);
    gboolean tap = have_tap_listener(tcplife_tap), show = tl_tree_wanted(tree);
    gboolean stap = have_tap_listener(streams_tap);
    /* A new record under the last tracked frame's number: the read filter
     * rejected that frame (tshark -2 -R, the GUI), and no pass will show
     * it. The connection saw its segment; this record takes its place in
     * the store. */
    gboolean renumbered = !visited && pinfo->num == last_tracked
                          && pinfo->fd->file_off != last_tracked_off;
    gboolean first = (!visited && pinfo->num > last_tracked) || renumbered;
    guint32 ord;

    if (!visited)
        frames_fate_learn(pinfo);
    if (!first || renumbered)
        run_tapping = -1;
    /* Whatever reads the store or the connections sees them complete. */
    if ((!first || renumbered) && deferred.frames)
        deferred_flush();
    if (renumbered) {
        if (tl_store_drop_last(pinfo->num))
            stat_stored--;  /* the rejected frame's record: replaced, not kept */
        /* Once: a rejected frame without TCP may come between. */
        (void)tl_frames_hide(&frames, last_tracked_ord);
    }
    if (first) {
        gboolean defer;

        if (unread_pass(show, tap, stap))
            return 0;
        /* tshark's single pass taps every frame; the first pass of -2
         * none, the GUI's when a tcplife window is open. A listener of
         * streams_tap alone does not read verdicts. */
        defer = !show && (!tap || (frames_fate != FRAMES_ONCE && !run_is_tapping(pinfo)));
        ord = tl_frames_ordinal_now(&frames, pinfo->num);
        if (!track_frame(tvb, tree, pinfo, ord, &fr, defer, queued, &n_queued))
            return 0;
        last_tracked = pinfo->num;
        last_tracked_off = pinfo->fd->file_off;
        last_tracked_ord = ord;
    } else {
        /* A later pass only reads what the first one stored: skip the
         * decoding when nothing will read it either. */
        if ((!tap && !show && !stap) || !tl_store_get(pinfo->num, &fr))
            return 0;
        ord = frames.n ? tl_frames_ordinal(&frames, pinfo->num) : pinfo->num;
        for (guint i = 0; i < fr.n; i++) {
            fr.layer[i].rec = tl_conns_get(fr.layer[i].stream);
            relative(tvb, pinfo, ord, &fr.layer[i], FALSE);
        }
    }
    if (tap)
        for (guint i = 0; i < fr.n; i++)
            if (fr.layer[i].rec)
                tap_queue_packet(tcplife_tap, pinfo,
                                 wmem_memdup(pinfo->pool, &fr.layer[i], sizeof fr.layer[i]));
    if (stap) {
        for (guint i = 0; i < n_queued; i++)
            tap_queue_packet(streams_tap, pinfo, GUINT_TO_POINTER(queued[i] + 1));
        for (guint i = 0; i < fr.n; i++)
            if (fr.layer[i].rec)
                tap_queue_packet(streams_tap, pinfo, GUINT_TO_POINTER(fr.layer[i].stream + 1));
    }
    if (!show)
        return tvb_captured_length(tvb);
    if (!first && pref_tcpdump && tl_tree_wants_tcpdump(tree))
        td_rebuild(tvb, pinfo, ord, &fr);
    /* Whole-connection fields are known once every frame has been seen:
     * on a later pass (the GUI, tshark -2), never in a single pass. */
    for (guint i = 0; i < fr.n; i++)
        if (fr.layer[i].rec)
            tl_tree_render(tvb, pinfo, tree, &fr.layer[i], visited);
    if (fr.untracked)
        tl_tree_render_untracked(tvb, pinfo, tree, fr.untracked);
    return tvb_captured_length(tvb);
}

/*
 * The post-dissector's handle has no protocol, and does the two things
 * epan would do for one that has: it returns at once when tcplife is
 * disabled (Analyze > Enabled Protocols, --disable-protocol), and names
 * tcplife as the protocol being dissected (expert items, "Malformed
 * Packet: TCPLIFE"). What it leaves out is the layer epan would push on
 * pinfo->layers around each call, and pop again when tcplife adds nothing:
 * about 400 instructions a packet, 0.8 % of tshark's on the benchmark,
 * in a budget of 5 % for all of tcplife (#15; docs/benchmarks.md, "The
 * post-dissector's layer"). No tcplife field is looked up by layer.
 */
static protocol_t *tcplife_protocol;

static int
dissect_tcplife(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    const char *saved = pinfo->current_proto;
    int len;

    if (!proto_is_protocol_enabled(tcplife_protocol))
        return 0;
    pinfo->current_proto = "TCPLIFE";
    len = dissect_layers(tvb, pinfo, tree);
    pinfo->current_proto = saved;
    return len;
}

/*
 * TCPLIFE_MEMSTATS=1 in the environment: when a file is closed, print on
 * stderr what tcplife kept for it (bench/run.sh reads this line). The
 * sizes are what was requested from wmem; wmem adds its own headers.
 * "hidden": frames a read filter hid (tl_frames.h); "hidden_lost": 1 when
 * one could not be kept (the tcplife.frames_lost expert item); "probes":
 * how often it was asked whether frames are dissected with taps
 * (run_is_tapping()); "skipped": frames not tracked because nothing read
 * them (unread_pass()): the rows of such a pass are those of its first
 * frames only.
 * TCPLIFE_MEMSTATS=rows: then every connection's row as -z
 * tcplife,conn,tsv prints it, from the connections as the file left them,
 * whatever this pass read of them (tests compare a pass that deferred its
 * tracking with one that did not).
 */
static void
tcplife_cleanup(void)
{
    const char *memstats = g_getenv("TCPLIFE_MEMSTATS");
    guint32 hidden = frames.n;
    gboolean lost = frames.lost;
    tl_conns_stats_t cs;

    /* The file's last deferred frames: every connection ends as seen. */
    deferred_flush();
    tl_frames_clear(&frames);
    if (!memstats)
        return;
    tl_conns_memstats(&cs);
    fprintf(stderr, "tcplife memstats: frames %" G_GUINT64_FORMAT " stored %" G_GUINT64_FORMAT
            " store %" G_GSIZE_FORMAT
            " connections %" G_GUINT64_FORMAT " conn_bytes %" G_GUINT64_FORMAT
            " conn_rec %zu live %" G_GUINT64_FORMAT " parks %" G_GUINT64_FORMAT
            " unparks %" G_GUINT64_FORMAT " deferred %" G_GUINT64_FORMAT
            " hidden %u hidden_lost %d probes %" G_GUINT64_FORMAT
            " skipped %" G_GUINT64_FORMAT "\n",
            stat_frames, stat_stored, tl_store_bytes(), cs.conns, cs.bytes,
            sizeof(tl_conn_rec_t), cs.live, cs.parks, cs.unparks, stat_deferred,
            hidden, lost ? 1 : 0, stat_probes, stat_skipped);
    if (strcmp(memstats, "rows") == 0)
        tl_stats_put_rows(stderr, TCPLIFE_ROWS_TSV, NULL, NULL, 0);
}

static void
tcplife_init(void)
{
    /* Left by a file that was not closed: its connections are gone. */
    deferred.frames = deferred.layers = 0;
    tl_conns_reset();
    tl_store_reset();
    tl_extract_reset();
    stat_frames = stat_stored = stat_deferred = stat_probes = stat_skipped = 0;
    skipping = FALSE;
    last_tracked = 0;
    last_tracked_off = -1;
    last_tracked_ord = 0;
    tl_frames_clear(&frames);
    tl_frames_init(&frames, g_try_realloc, g_free);
    frames_fate = FRAMES_UNKNOWN;
    run_tapping = -1;
    prev_num = 0;
    apply_prefs();
}

void
proto_register_tcplife(void)
{
    module_t *module;

    proto_tcplife = proto_register_protocol("TCP Lifecycle", "TCPLIFE", "tcplife");
    tl_tree_register(proto_tcplife);
    module = prefs_register_protocol(proto_tcplife, apply_prefs);
    for (int i = 0; i < TCPLIFE_MSL_COUNT; i++) {
        msl_profiles[i].name = tl_msl_name((tl_msl_profile_t)i);
        msl_profiles[i].description = tl_msl_text((tl_msl_profile_t)i);
        msl_profiles[i].value = i;
    }
    prefs_register_enum_preference(module, "msl_profile", "MSL profile",
        "How long TIME_WAIT lasts (2 x MSL) for TIME_WAIT estimates and early 4-tuple reuse",
        &pref_msl_profile, msl_profiles, FALSE);
    prefs_register_uint_preference(module, "msl_custom", "Custom MSL (seconds)",
        "MSL for the \"custom\" profile; TIME_WAIT lasts twice as long",
        10, &pref_msl_custom);
    prefs_register_bool_preference(module, "tcpdump", "Show tcpdump notation",
        "Add tcplife.tcpdump: each segment as tcpdump prints it (made when shown or filtered on)",
        &pref_tcpdump);
    tcplife_protocol = find_protocol_by_id(proto_tcplife);
    tcplife_handle = create_dissector_handle(dissect_tcplife, -1);
    register_init_routine(tcplife_init);
    register_cleanup_routine(tcplife_cleanup);
    tcplife_tap = register_tap("tcplife");
    streams_tap = register_tap("tcplife.streams");
    tl_stats_set_config(&tl_cfg);
    tl_stats_register();
#ifdef TCPLIFE_HAVE_SEQ_ANALYSIS
    tl_flow_register(proto_tcplife);
#endif
    apply_prefs();
}

void
proto_reg_handoff_tcplife(void)
{
    register_postdissector(tcplife_handle);
    tl_extract_resolve();
    tl_extract_set_handle(tcplife_handle);
}
