/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * packet-tcplife.c - the "TCP Lifecycle" post-dissector: registration,
 * per-file state, and dissect_tcplife().
 *
 * On the first pass each TCP layer's fields are extracted, fed to that
 * connection's tracker, and the verdict is stored per frame in file scope
 * (epan fills a post-dissector's wanted fields only on the first pass). On
 * every pass the tree is rendered from the stored verdict only, so tshark's
 * single pass, tshark -2 and the GUI show the same thing.
 */
#include <epan/packet.h>
#include <epan/proto_data.h>
#include <epan/wmem_scopes.h>

#include "tl_glue.h"

static int proto_tcplife = -1;
static dissector_handle_t tcplife_handle;

/* File scope: tcp.stream -> tl_conn_t. Emptied with the file. */
static wmem_map_t *conns;

static tl_config_t tl_cfg;

static tl_conn_t *
conn_for_stream(guint32 stream)
{
    tl_conn_t *conn = (tl_conn_t *)wmem_map_lookup(conns, GUINT_TO_POINTER(stream));

    if (!conn) {
        conn = wmem_new(wmem_file_scope(), tl_conn_t);
        tl_conn_init(conn);
        wmem_map_insert(conns, GUINT_TO_POINTER(stream), conn);
    }
    return conn;
}

/* First pass: track every TCP layer of the frame and store the verdicts. */
static tl_frame_t *
track_frame(proto_tree *tree, packet_info *pinfo)
{
    tl_extracted_t x[TL_MAX_LAYERS];
    guint n = tl_extract(tree, pinfo, x, TL_MAX_LAYERS);
    tl_frame_t *fr;

    if (n == 0)
        return NULL;
    fr = wmem_new0(wmem_file_scope(), tl_frame_t);
    fr->n = (guint8)n;
    for (guint i = 0; i < n; i++) {
        tl_conn_t *conn = conn_for_stream(x[i].stream);
        fr->layer[i].stream = x[i].stream;
        fr->layer[i].conn = conn;
        tl_conn_observe(conn, &tl_cfg, &x[i].seg, &fr->layer[i].r);
    }
    p_add_proto_data(wmem_file_scope(), pinfo, proto_tcplife, 0, fr);
    return fr;
}

static int
dissect_tcplife(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    tl_frame_t *fr;

    if (!PINFO_FD_VISITED(pinfo))
        fr = track_frame(tree, pinfo);
    else
        fr = (tl_frame_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_tcplife, 0);
    if (!fr || !tree)
        return 0;
    /* Whole-connection fields are known once every frame has been seen:
     * on a later pass (the GUI, tshark -2), never in a single pass. */
    for (guint i = 0; i < fr->n; i++)
        tl_tree_render(tvb, pinfo, tree, &fr->layer[i], PINFO_FD_VISITED(pinfo));
    return tvb_captured_length(tvb);
}

static void
tcplife_init(void)
{
    conns = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
}

void
proto_register_tcplife(void)
{
    proto_tcplife = proto_register_protocol("TCP Lifecycle", "TCPLIFE", "tcplife");
    tl_tree_register(proto_tcplife);
    tcplife_handle = register_dissector("tcplife", dissect_tcplife, proto_tcplife);
    register_init_routine(tcplife_init);
    tl_cfg.time_wait_ns = (gint64)60 * 1000000000;
}

void
proto_reg_handoff_tcplife(void)
{
    GArray *ids;

    register_postdissector(tcplife_handle);
    tl_extract_resolve();
    ids = tl_extract_wanted_hfids();
    /* epan takes ownership of the array. */
    set_postdissector_wanted_hfids(tcplife_handle, ids);
}
