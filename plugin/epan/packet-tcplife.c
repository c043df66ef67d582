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
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/wmem_scopes.h>

#include "tl_compat.h"
#include "tl_glue.h"

static int proto_tcplife = -1;
static dissector_handle_t tcplife_handle;
static int tcplife_tap = -1;

/* File scope: tcp.stream -> tl_conn_t, and 4-tuple -> latest connection on
 * it (for TIME_WAIT reuse). Emptied with the file. */
static wmem_map_t *conns;
static wmem_map_t *tuples;

typedef struct {
    tl_tuple_t       key;
    const tl_conn_t *conn;
    guint32          stream;
} tl_tuple_entry_t;

/*
 * MSL profiles: how long TIME_WAIT lasts (2*MSL) on each kind of stack.
 *   linux    60 s: TCP_TIMEWAIT_LEN in include/net/tcp.h, fixed (not a sysctl)
 *   rfc9293  240 s: MSL of 2 minutes, RFC 9293 §3.4.2
 *   bsd      60 s: FreeBSD net.inet.tcp.msl default 30000 ms (macOS: 15 s MSL)
 *   windows  240 s: TcpTimedWaitDelay default 0xF0 seconds
 *   custom   2 * the "Custom MSL" preference
 */
enum { MSL_LINUX, MSL_RFC9293, MSL_BSD, MSL_WINDOWS, MSL_CUSTOM };
static const enum_val_t msl_profiles[] = {
    { "linux",   "Linux: TIME_WAIT 60 s (TCP_TIMEWAIT_LEN)",           MSL_LINUX },
    { "rfc9293", "RFC 9293: MSL 2 min, TIME_WAIT 4 min",               MSL_RFC9293 },
    { "bsd",     "FreeBSD: MSL 30 s (net.inet.tcp.msl), TIME_WAIT 60 s", MSL_BSD },
    { "windows", "Windows: TIME_WAIT 240 s (TcpTimedWaitDelay)",       MSL_WINDOWS },
    { "custom",  "Custom MSL (TIME_WAIT = 2 x MSL)",                    MSL_CUSTOM },
    { NULL, NULL, 0 }
};
static gint pref_msl_profile = MSL_LINUX;
static tl_pref_bool_t pref_tcpdump = TRUE;
static guint pref_msl_custom = 30;

static tl_config_t tl_cfg;

static void
apply_prefs(void)
{
    static const gint64 tw_s[] = { 60, 240, 60, 240, 0 };
    /* A custom MSL above a day means nothing to any stack; the cap keeps
     * start + TIME_WAIT within 64 bits for every time the core gets. */
    gint64 secs = pref_msl_profile == MSL_CUSTOM ? 2 * (gint64)MIN(pref_msl_custom, 86400)
                : tw_s[pref_msl_profile >= 0 && pref_msl_profile < MSL_CUSTOM ? pref_msl_profile : 0];

    tl_cfg.time_wait_ns = secs * 1000000000;
}

static guint
tuple_hash(gconstpointer k)
{
    return tl_tuple_hash((const tl_tuple_t *)k);
}

static gboolean
tuple_equal(gconstpointer a, gconstpointer b)
{
    return tl_tuple_equal((const tl_tuple_t *)a, (const tl_tuple_t *)b);
}

/* A new connection's first segment: was its 4-tuple still in TIME_WAIT?
 * Then remember this connection as the latest on the 4-tuple. */
static void
check_tuple_reuse(const tl_segment_t *seg, guint32 stream, const tl_conn_t *conn,
                  tl_layer_result_t *lr)
{
    tl_tuple_t key;
    tl_tuple_entry_t *e;

    tl_tuple_of(seg, &key);
    e = (tl_tuple_entry_t *)wmem_map_lookup(tuples, &key);
    if (!e) {
        e = wmem_new(wmem_file_scope(), tl_tuple_entry_t);
        e->key = key;
        wmem_map_insert(tuples, &e->key, e);
    } else if (e->conn != conn && tl_timewait_reuse(e->conn, &tl_cfg, seg, &lr->r)) {
        lr->prev_stream = e->stream;
    }
    e->conn = conn;
    e->stream = stream;
}

static tl_conn_rec_t *
conn_for_stream(guint32 stream)
{
    tl_conn_rec_t *rec = (tl_conn_rec_t *)wmem_map_lookup(conns, GUINT_TO_POINTER(stream));

    if (!rec) {
        rec = wmem_new(wmem_file_scope(), tl_conn_rec_t);
        tl_conn_init(&rec->conn);
        tl_zeek_init(&rec->zeek);
        wmem_map_insert(conns, GUINT_TO_POINTER(stream), rec);
    }
    return rec;
}

/* First pass: track every TCP layer of the frame and store the verdicts. */
static tl_frame_t *
track_frame(proto_tree *tree, packet_info *pinfo)
{
    tl_extracted_t x[TL_MAX_LAYERS];
    guint untracked;
    guint n = tl_extract(tree, pinfo, x, TL_MAX_LAYERS, &untracked);
    tl_frame_t *fr;

    if (n == 0 && untracked == 0)
        return NULL;
    fr = (tl_frame_t *)wmem_alloc0(wmem_file_scope(), sizeof *fr + n * sizeof fr->layer[0]);
    fr->n = (guint8)n;
    fr->untracked = (guint8)MIN(untracked, G_MAXUINT8);
    for (guint i = 0; i < n; i++) {
        tl_conn_rec_t *rec = conn_for_stream(x[i].stream);
        gboolean first = rec->conn.segments == 0;

        fr->layer[i].stream = x[i].stream;
        fr->layer[i].rec = rec;
        tl_conn_observe(&rec->conn, &tl_cfg, &x[i].seg, &fr->layer[i].r);
        if (pref_tcpdump) {
            char buf[512];
            tl_tcpdump_format(&rec->conn.tcpdump, &x[i].seg, buf, sizeof buf);
            fr->layer[i].tcpdump = wmem_strdup(wmem_file_scope(), buf);
        }
        tl_zeek_observe(&rec->zeek, &x[i].seg);
        if (first)
            check_tuple_reuse(&x[i].seg, x[i].stream, &rec->conn, &fr->layer[i]);
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
    if (!fr)
        return 0;
    /* Whole-connection fields are known once every frame has been seen:
     * on a later pass (the GUI, tshark -2), never in a single pass. */
    if (have_tap_listener(tcplife_tap))
        for (guint i = 0; i < fr->n; i++)
            tap_queue_packet(tcplife_tap, pinfo, &fr->layer[i]);
    if (!tree)
        return tvb_captured_length(tvb);
    for (guint i = 0; i < fr->n; i++)
        tl_tree_render(tvb, pinfo, tree, &fr->layer[i], PINFO_FD_VISITED(pinfo));
    if (fr->untracked)
        tl_tree_render_untracked(tvb, pinfo, tree, fr->untracked);
    return tvb_captured_length(tvb);
}

static void
tcplife_init(void)
{
    conns = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    tuples = wmem_map_new(wmem_file_scope(), tuple_hash, tuple_equal);
    apply_prefs();
}

void
proto_register_tcplife(void)
{
    module_t *module;

    proto_tcplife = proto_register_protocol("TCP Lifecycle", "TCPLIFE", "tcplife");
    tl_tree_register(proto_tcplife);
    module = prefs_register_protocol(proto_tcplife, apply_prefs);
    prefs_register_enum_preference(module, "msl_profile", "MSL profile",
        "How long TIME_WAIT lasts (2 x MSL) for TIME_WAIT estimates and early 4-tuple reuse",
        &pref_msl_profile, msl_profiles, FALSE);
    prefs_register_uint_preference(module, "msl_custom", "Custom MSL (seconds)",
        "MSL for the \"custom\" profile; TIME_WAIT lasts twice as long",
        10, &pref_msl_custom);
    prefs_register_bool_preference(module, "tcpdump", "Show tcpdump notation",
        "Add tcplife.tcpdump: each segment as tcpdump prints it (costs memory per packet)",
        &pref_tcpdump);
    tcplife_handle = register_dissector("tcplife", dissect_tcplife, proto_tcplife);
    register_init_routine(tcplife_init);
    tcplife_tap = register_tap("tcplife");
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
    GArray *ids;

    register_postdissector(tcplife_handle);
    tl_extract_resolve();
    ids = tl_extract_wanted_hfids();
    /* epan takes ownership of the array. */
    set_postdissector_wanted_hfids(tcplife_handle, ids);
}
