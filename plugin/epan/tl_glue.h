/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_glue.h - what the epan glue files share: the stored per-frame result
 * and the entry points of extraction, rendering and registration.
 */
#ifndef TCPLIFE_TL_GLUE_H
#define TCPLIFE_TL_GLUE_H

#include <epan/packet.h>

#include "tcplife/tl_core.h"
#include "tcplife/tl_zeek.h"
#include "tcplife/tl_row.h"
#include "tcplife/tl_tuples.h"
#include "tcplife/tl_frames.h"

/* A frame's capture time in ns for the core (tl_time_ns_clamped()). */
static inline gint64
tl_time_ns(const nstime_t *t)
{
    return tl_time_ns_clamped((int64_t)t->secs, (int32_t)t->nsecs);
}

/* TCP layers tracked per frame (a tunnel can carry TCP in TCP). */
#define TCPLIFE_MAX_LAYERS 4

/* Where tcpdump's relative numbering of a connection changed: from this
 * frame on (after it) the numbering state is st. Usually once (the first
 * segment with ACK); again on a SYN-ACK retransmission or a new SYN. */
typedef struct {
    guint32      frame;
    tl_tcpdump_t st;
} tl_td_change_t;

/* Everything tracked for one connection (one tcp.stream), file scope. */
typedef struct {
    tl_conn_t conn;              /* tcplife's own tracker */
    tl_zeek_t zeek;              /* Zeek-compatible conn_state and history */
    guint16   td_n, td_cap;      /* tcpdump numbering changes, in frame order */
    tl_td_change_t *td;
    guint32   stream;
    guint32   touched;           /* the latest frame of it, first pass */
} tl_conn_rec_t;

/* Streams beyond this are not epan's dense numbering: nothing is kept for
 * them rather than an array that large. */
#define TCPLIFE_STREAM_MAX (G_MAXUINT32 / 2 / sizeof(tl_conn_rec_t *))

/* tl_conns.c: the records of every connection of the file. */
void tl_conns_reset(void);
/* First pass: the record to update for a segment of frame (created or
 * unparked); valid until the next tl_conns_idle(). NULL beyond
 * TCPLIFE_STREAM_MAX. */
tl_conn_rec_t *tl_conns_touch(guint32 stream, guint32 frame);
/* First pass, before a frame is tracked: park what has been idle. */
void tl_conns_idle(guint32 frame);
/* A connection's record to read (NULL: none). Parked ones come from a
 * cache of unpacked copies: valid through the next 2 * TCPLIFE_MAX_LAYERS
 * calls, and until the next tl_conns_touch() or tl_conns_idle(). */
const tl_conn_rec_t *tl_conns_get(guint32 stream);
/* 1 + the highest stream that has had a record (0: none). */
guint32 tl_conns_streams(void);
/* The latest connection on every 4-tuple, for tl_conn_observe_stream(). */
tl_tuples_t *tl_conns_tuples(void);
typedef struct {
    guint64 conns, live, parks, unparks, bytes;
} tl_conns_stats_t;
void tl_conns_memstats(tl_conns_stats_t *st);

/* One TCP layer of one frame, as extracted on the first pass. */
typedef struct {
    guint32      stream;         /* tcp.stream */
    gint         hdr_off;        /* the header's offset in the frame's bytes, or -1
                                  * (not in them: e.g. a reassembled IP datagram) */
    tl_segment_t seg;
} tl_extracted_t;

/* One TCP layer's verdict, as rendered and tapped (tl_store.c keeps it
 * packed between passes). A tap listener gets it valid for the call only. */
typedef struct {
    guint32      stream;
    guint32      prev_stream;    /* with r.tw_reuse: the connection reused */
    const char  *tcpdump;        /* tcpdump notation, or NULL */
    guint32      hdr_off;        /* 1 + the TCP header's offset in the frame, 0:
                                  * unknown (to make the tcpdump text again) */
    tl_result_t  r;
    const tl_conn_rec_t *rec;    /* file scope; its final state for two-pass fields */
} tl_layer_result_t;

/* Everything kept for one frame. */
typedef struct {
    guint8             n;
    guint8             untracked;   /* TCP layers too truncated to track */
    tl_layer_result_t  layer[TCPLIFE_MAX_LAYERS];
} tl_stored_t;

/* Longest tcpdump text kept (with its NUL). */
#define TCPLIFE_TCPDUMP_MAX 512

/* tl_store.c: per-frame records for the whole file (file scope). */
void     tl_store_reset(void);
void     tl_store_frame(guint32 frame, const tl_stored_t *fr);
gboolean tl_store_drop_last(guint32 frame);
gboolean tl_store_get(guint32 frame, tl_stored_t *fr);
gsize    tl_store_bytes(void);

/* packet-tcplife.c: the frames a read filter hid (tl_frames.h), to name the
 * tracker's related frames by the numbers the program shows. */
const tl_frames_t *tl_glue_frames(void);
/* Track the frames whose tracking waits (packet-tcplife.c, "Deferred
 * tracking"): before reading connections outside a frame's dissection. */
void tl_glue_flush(void);

void proto_register_tcplife(void);
void proto_reg_handoff_tcplife(void);

/* tl_extract.c: resolve the TCP fields and records it reads (handoff), and
 * turn each `tcp` item of a frame into a segment, at most `max`. Skips TCP
 * headers quoted inside ICMP/ICMPv6 errors and layers missing a mandatory
 * field. */
void     tl_extract_resolve(void);
void     tl_extract_set_handle(dissector_handle_t handle);
void     tl_extract_reset(void);
guint    tl_extract(tvbuff_t *frame_tvb, proto_tree *tree, packet_info *pinfo, tl_extracted_t *out,
                    guint max, guint *untracked);

/* tl_stats.c: the -z tcplife,conn / sum / ladder listeners of the "tcplife"
 * tap, and what tl_stats_ui.c shares with them. */
void     tl_stats_register(void);
void     tl_stats_set_config(const tl_config_t *cfg);
/* The connections' rows as -z tcplife,conn prints them, in the order of
 * streams (NULL: every stream of the file, in order; n is then ignored). */
void     tl_stats_put_rows(FILE *out, tl_rows_fmt_t fmt, const char *filter,
                           const guint32 *streams, guint n);
char    *tl_arrow_label(const tl_result_t *r, gboolean with_len, gsize max_chars);
/* A connection's row of -z tcplife,conn: TCPLIFE_CONN_COLS strings (g_free each)
 * named by tl_conn_columns; *sum (may be NULL) gets the summary they show. */
void     tl_stats_conn_row(guint32 stream, const tl_conn_rec_t *rec, char *col[TCPLIFE_CONN_COLS],
                           tl_summary_t *sum);
void     tl_stats_summarize(const tl_conn_rec_t *rec, tl_summary_t *s);   /* under the preferences */
char    *tl_stats_endpoint(const tl_endpoint_t *ep);    /* "a.b.c.d:port", "[v6]:port" */
char    *tl_stats_host(const tl_endpoint_t *ep);        /* the address alone */
char    *tl_stats_utc(gint64 ns);                       /* ISO 8601 UTC, microseconds */
/* What a connection adds to the peak counts: the time it spends half-open
 * (SYN queue, keyed by server endpoint) and in TIME_WAIT (keyed by holder). */
typedef enum { TCPLIFE_PEAK_SYN_QUEUE, TCPLIFE_PEAK_TIME_WAIT } tl_peak_kind_t;
typedef struct {
    tl_peak_kind_t kind;
    char          *key;          /* g_free() */
    gint64         start_ns, end_ns;
} tl_interval_t;
#define TCPLIFE_MAX_INTERVALS 3
guint    tl_stats_intervals(const tl_conn_rec_t *rec, const tl_summary_t *s,
                            tl_interval_t out[TCPLIFE_MAX_INTERVALS]);

/* tl_stats_ui.c: Statistics > TCP Lifecycle > Connections (a stat_tap_table,
 * -z tcplife,table) and > Summary (a stats tree, -z tcplife,tree). */
void     tl_stats_ui_register(void);

/* tl_flow.c, built when epan/sequence_analysis.h was found
 * (TCPLIFE_HAVE_SEQ_ANALYSIS): the "TCP Lifecycle" Flow Graph type,
 * -z flow,tcplife,network|standard. */
void     tl_flow_register(int proto);

/* tl_tree.c: the "TCP Lifecycle" tree. tl_tree_register() keeps the
 * protocol it renders under and registers the fields, subtrees and expert
 * items (tl_fields.c, from tl_fields.h's TCPLIFE_FIELD_MAP). */
void     tl_tree_register(int proto);
void     tl_tree_render(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                        const tl_layer_result_t *lr, gboolean final_known);
void     tl_tree_render_untracked(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, guint n);
/* Whether anything will read the rendered items: a visible tree, a
 * tcplife field or protocol in a filter or column, or expert consumers. */
gboolean tl_tree_wanted(proto_tree *tree);
/* Whether tcplife.tcpdump will be read (a visible tree, or the field in a
 * filter, column or -e). */
gboolean tl_tree_wants_tcpdump(proto_tree *tree);

#endif /* TCPLIFE_TL_GLUE_H */
