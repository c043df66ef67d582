/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_epan_seam.h - the one door to what epan does not publish as API.
 *
 * tl_epan_seam.c is the only file of the plugin that reads an epan
 * structure's members or a private layout: the `tcp` items' field_info
 * (where the header lies, its layer), the value of a primed field, whether
 * a tree is one someone sees (tree data's `visible`), the
 * bytes in front of a TCP header (its IP header), TCP's tap record
 * (`struct tcpheader`) and TCP's conversation data (`struct tcp_analysis`),
 * both from epan/dissectors/packet-tcp.h. Everything it returns is plain
 * data, so its callers use epan's public API only.
 *
 * Two ways to learn tcp.stream and tcp.len:
 *  - public: the primed fields tcp.stream and tcp.len (a field_info each in
 *    every packet: about 2,700 instructions a packet);
 *  - internal: TCP's tap record (about 250), and for a layer whose TCP
 *    dissection stopped before it queued one, TCP's conversation data.
 * The internal path is used only when (tl_seam_handoff()) the Wireshark it
 * was built against has a reviewed layout in tl_compat.h (TCPLIFE_SEAM_LAYOUT)
 * that its headers match, the running libwireshark is that same version,
 * TCPLIFE_EPAN_FALLBACK is unset (or 0), and later checks against the
 * primed fields agreed (tl_seam_distrust()). Otherwise the plugin uses the
 * public path, with one warning saying why unless TCPLIFE_EPAN_FALLBACK
 * asked for it. tests/layout checks the table per version,
 * tests/e2e/epan-seam.sh that tshark takes the internal path, and
 * tests/e2e/fallback.sh that both paths give the same output.
 *
 * Both paths give every layer the same numbers, so tl_extract.c chooses
 * between them once per file (its header comment) and one pass, tshark -2
 * and the GUI still agree. The one switch left within a file is per layer
 * and explicit: on the tap path, a layer without its record takes the
 * conversation's stream.
 */
#ifndef TCPLIFE_TL_EPAN_SEAM_H
#define TCPLIFE_TL_EPAN_SEAM_H

#include <stdbool.h>

#include <epan/packet.h>

#include "tl_glue.h"

/* Handoff: resolve TCP's ids, register the tap listener that keeps TCP's
 * records queued, check the layouts and the running version. Idempotent. */
void     tl_seam_handoff(void);
/* Whether the internal path may be used: TRUE until a check fails. */
gboolean tl_seam_internal(void);
/* Why the internal path is off ("" when on), for reports. */
const char *tl_seam_why_off(void);
/* A check of the internal path against the primed fields failed: warn
 * once, and use the public path for the rest of the process. */
void     tl_seam_distrust(const char *what);
/* Whether this dissection runs with taps (records can exist). Costs a tap
 * queue entry: ask once per run of frames (run_is_tapping() in
 * packet-tcplife.c). */
gboolean tl_seam_tapping(packet_info *pinfo);

/* Whether the program keeps the file's frames for a later pass (see
 * frames_kept() in packet-tcplife.c), asked of the packet provider that
 * epan_get_frame_ts() would ask (that function is not exported): 1 kept,
 * 0 not kept (tshark's single pass), -1 not known from this frame (ask a
 * later one), -2 never known here (the session is not the one reviewed, or
 * the internal path is off): keep everything. prev_num and prev_ts are the
 * frame dissected just before this one. */
int      tl_seam_frames_kept(packet_info *pinfo, guint32 prev_num, const nstime_t *prev_ts);

/* One `tcp` item: the header epan delimited. */
typedef struct {
    tvbuff_t     *ds;    /* the data source holding the header */
    gint          start; /* the header's offset in ds */
    int           layer; /* which TCP layer of the frame (proto_layer_num) */
    int           total; /* its position in pinfo->layers (total_layer_num) */
    const guint8 *hdr;   /* its captured bytes, at most 60 (the longest TCP
                          * header); NULL when fewer than TCPLIFE_TCP_HDR_MIN */
    gint          cap;   /* how many hdr holds */
    gint          before; /* readable bytes in front of hdr, at most
                           * TCPLIFE_IP_BEFORE_MAX (read in the same call) */
} tl_tcp_item_t;

/* The frame's instances of the primed field hf (the `tcp` items): *count
 * of them, then each one by index. */
typedef struct tl_seam_items tl_seam_items_t;
const tl_seam_items_t *tl_seam_items(proto_tree *tree, int hf, guint *count);
void     tl_seam_item(const tl_seam_items_t *items, guint i, tl_tcp_item_t *out);
/* The value of the unsigned field hf in TCP layer `layer`: FALSE if that
 * layer has none (or hf is not primed). */
gboolean tl_seam_field_uint(proto_tree *tree, int hf, int layer, guint32 *value);

/* tl_ip_header_before() on the bytes right in front of the header in its
 * data source: -1 when no IP header lies there. */
gint64   tl_seam_ip_before(const tl_tcp_item_t *it, tl_segment_t *seg, bool *first_fragment);

/* What TCP recorded for one layer (internal path). */
typedef struct {
    guint32  stream;     /* tcp.stream */
    gboolean have_len;   /* FALSE: TCP gave no tcp.len (a fragment, a quoted header) */
    guint32  len;        /* tcp.len */
} tl_tcp_record_t;

/* The frame's tap records, fetched as far as needed. */
#define TCPLIFE_SEAM_TAP_MAX 16
typedef struct {
    const void *rec[TCPLIFE_SEAM_TAP_MAX];
    guint    n;          /* fetched */
    guint    next;       /* the first not yet taken */
    gboolean end;        /* no record after rec[n - 1] */
} tl_seam_taps_t;

static inline void
tl_seam_taps_start(tl_seam_taps_t *t)
{
    t->n = t->next = 0;
    t->end = FALSE;
}

/* The record of the layer whose header was parsed into seg (hlen bytes):
 * the next one, in dissection order, with the same ports, raw numbers and
 * header length. FALSE: none (its dissection stopped before queueing one,
 * or no taps run). */
gboolean tl_seam_tap_record(tl_seam_taps_t *t, const tl_segment_t *seg, gsize hlen,
                            tl_tcp_record_t *out);
/* The stream index of the TCP conversation of seg's addresses and ports
 * at this frame (internal path). */
gboolean tl_seam_conv_stream(packet_info *pinfo, const tl_segment_t *seg, guint32 *stream);

/* Whether tree is one someone sees (-V, the GUI's details pane), not the
 * fake tree of a filter, -T fields or -z run. */
gboolean tl_seam_tree_visible(proto_tree *tree);

/* proto_field_is_referenced(tree, a) || proto_field_is_referenced(tree, b)
 * for two protocols (a and b from proto_registrar_get_nth(), either NULL),
 * with one look at the tree: the per-frame test of whether anyone reads
 * tcplife's tree costs two calls less. */
gboolean tl_seam_protos_referenced(proto_tree *tree, const header_field_info *a,
                                   const header_field_info *b);

#endif /* TCPLIFE_TL_EPAN_SEAM_H */
