/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_stats.c - batch output through tshark's -z:
 *
 *   -z tcplife,conn[,tsv|,json][,FILTER]  one row per connection
 *   -z tcplife,sum[,FILTER]               counts, peak SYN queue and TIME_WAIT
 *   -z tcplife,ladder[,FILTER]            the lifecycle ladder, one per stream
 *
 * The post-dissector queues every TCP layer's stored verdict to the
 * "tcplife" tap; these listeners keep the connections (and, for the ladder,
 * the verdicts) that passed FILTER and print at the end from the core's
 * summaries. Nothing here decides anything about TCP. The GUI's Statistics
 * menu entries (tl_stats_ui.c) share the row and peak helpers below.
 *
 * A wrong -z argument is reported with report_failure() (tshark prints it on
 * stderr, the GUI in a dialog) and that statistic is not started: a plugin
 * must never exit the process.
 */
#include <stdio.h>
#include <string.h>

#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>
#include <epan/proto.h>
#include <wsutil/report_message.h>

#include "tl_compat.h"
#include "tl_glue.h"
#include "tcplife/tl_headline.h"

typedef enum { OUT_TABLE, OUT_TSV, OUT_JSON } tl_out_fmt_t;
typedef enum { STAT_CONN, STAT_SUM, STAT_LADDER } tl_stat_kind_t;

typedef struct {
    tl_stat_kind_t kind;
    tl_out_fmt_t   fmt;
    char          *filter;
    GHashTable    *streams;     /* tcp.stream -> tl_conn_rec_t* */
    GByteArray    *seen;        /* a byte per stream number: in streams already */
    GPtrArray     *frames;      /* ladder: tl_ladder_row_t* in order */
} tl_stat_t;

/* A ladder row keeps what it draws: the tap's data lives for the call only. */
typedef struct {
    guint32      frame;
    gint64       time_ns;
    guint32      stream;
    tl_result_t  r;
} tl_ladder_row_t;

static const tl_config_t *stats_cfg;

void
tl_stats_set_config(const tl_config_t *cfg)
{
    stats_cfg = cfg;
}

void
tl_stats_summarize(const tl_conn_rec_t *rec, tl_summary_t *s)
{
    tl_conn_summarize(&rec->conn, stats_cfg, s);
}

/* A byte test per packet; the table takes each connection once. */
static void
see_stream(tl_stat_t *st, guint32 stream)
{
    if (stream >= st->seen->len) {
        guint old = st->seen->len;

        g_byte_array_set_size(st->seen, MAX(stream + 1, old * 2));
        memset(st->seen->data + old, 0, st->seen->len - old);
    }
    if (!st->seen->data[stream]) {
        st->seen->data[stream] = 1;
        /* The stream alone: its record is read when the table is drawn
         * (tl_conns_get()), after the last frame changed it. */
        g_hash_table_add(st->streams, GUINT_TO_POINTER(stream));
    }
}

/* conn and sum: the "tcplife.streams" tap, GUINT_TO_POINTER(stream + 1). */
static tap_packet_status
stat_stream(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data,
            tap_flags_t flags _U_)
{
    see_stream((tl_stat_t *)tapdata, GPOINTER_TO_UINT(data) - 1);
    return TAP_PACKET_REDRAW;
}

/* ladder: the "tcplife" tap, each layer's verdict. */
static tap_packet_status
stat_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
            tap_flags_t flags _U_)
{
    tl_stat_t *st = (tl_stat_t *)tapdata;
    const tl_layer_result_t *lr = (const tl_layer_result_t *)data;
    tl_ladder_row_t *row = g_new(tl_ladder_row_t, 1);

    see_stream(st, lr->stream);
    row->frame = pinfo->num;
    row->time_ns = tl_time_ns(&pinfo->abs_ts);
    row->stream = lr->stream;
    row->r = lr->r;
    g_ptr_array_add(st->frames, row);
    return TAP_PACKET_REDRAW;
}

static void
stat_reset(void *tapdata)
{
    tl_stat_t *st = (tl_stat_t *)tapdata;

    g_hash_table_remove_all(st->streams);
    g_byte_array_set_size(st->seen, 0);
    if (st->frames)
        g_ptr_array_set_size(st->frames, 0);
}

static gint
cmp_uint(gconstpointer a, gconstpointer b)
{
    guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;
    return x < y ? -1 : x > y;
}

/* The streams seen, sorted (guint32). Free with g_array_free(.., TRUE). */
static GArray *
sorted_streams(const tl_stat_t *st)
{
    GArray *keys = g_array_sized_new(FALSE, FALSE, sizeof(guint32), g_hash_table_size(st->streams));
    GHashTableIter it;
    gpointer k;

    g_hash_table_iter_init(&it, st->streams);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        guint32 stream = GPOINTER_TO_UINT(k);

        g_array_append_val(keys, stream);
    }
    g_array_sort(keys, cmp_uint);
    return keys;
}

char *
tl_stats_endpoint(const tl_endpoint_t *ep)
{
    char buf[TCPLIFE_CELL_MAX];

    return g_strdup(tl_endpoint_format(ep, buf, sizeof buf));
}

/* An endpoint's host, without its (ephemeral) port. */
char *
tl_stats_host(const tl_endpoint_t *ep)
{
    char buf[TCPLIFE_CELL_MAX];

    return g_strdup(tl_host_format(ep, buf, sizeof buf));
}

char *
tl_stats_utc(gint64 ns)
{
    char buf[TCPLIFE_CELL_MAX];

    return g_strdup(tl_utc_format(ns, buf, sizeof buf));
}

/* One connection's row (tl_row.c), as strings to g_free. */
void
tl_stats_conn_row(guint32 stream, const tl_conn_rec_t *rec, char *col[TCPLIFE_CONN_COLS], tl_summary_t *sum)
{
    tl_row_t row;

    tl_row_build(&row, stream, &rec->conn, &rec->zeek, stats_cfg, sum);
    for (int i = 0; i < TCPLIFE_CONN_COLS; i++)
        col[i] = g_strdup(row.cell[i]);
}

guint
tl_stats_intervals(const tl_conn_rec_t *rec, const tl_summary_t *s, tl_interval_t out[TCPLIFE_MAX_INTERVALS])
{
    guint n = 0;
    char *server = tl_stats_endpoint(&rec->conn.ep[TCPLIFE_ROLE_SERVER]);

    if (s->syn_queue)
        out[n++] = (tl_interval_t){ TCPLIFE_PEAK_SYN_QUEUE, g_strdup(server), s->syn_queue_start_ns,
                                    s->syn_queue_end_ns };
    /* TIME_WAIT is counted where it is held: a server's per listening
     * endpoint, a client's per host and server it connects to (its
     * ephemeral ports toward that server are what TIME_WAIT uses up). */
    if (s->tw_holder == TCPLIFE_TW_SERVER || s->tw_holder == TCPLIFE_TW_BOTH)
        out[n++] = (tl_interval_t){ TCPLIFE_PEAK_TIME_WAIT, g_strdup_printf("%s (server)", server),
                                    s->tw_start_ns, s->tw_expires_ns };
    if (s->tw_holder == TCPLIFE_TW_CLIENT || s->tw_holder == TCPLIFE_TW_BOTH) {
        char *host = tl_stats_host(&rec->conn.ep[TCPLIFE_ROLE_CLIENT]);
        out[n++] = (tl_interval_t){ TCPLIFE_PEAK_TIME_WAIT,
                                    g_strdup_printf("%s (client, to %s)", host, server),
                                    s->tw_start_ns, s->tw_expires_ns };
        g_free(host);
    }
    g_free(server);
    return n;
}

/* The rows are made again for each pass over them instead of kept (47,000
 * connections' rows would be 54 MB): the table's widths, then the lines. */
/* The connections' rows, in the given order (streams NULL: every stream
 * the file has, in stream order), as -z tcplife,conn prints them. */
void
tl_stats_put_rows(FILE *out, tl_rows_fmt_t fmt, const char *filter, const guint32 *streams, guint n)
{
    tl_rows_out_t o;
    tl_row_t row;

    if (!streams)
        n = tl_conns_streams();
    tl_rows_init(&o, fmt);
    tl_rows_keep(&o, g_try_realloc, g_free);
    /* The table measures every row first, and keeps them for its lines. */
    for (int pass = o.fmt == TCPLIFE_ROWS_TABLE ? 0 : 1; pass < 2; pass++) {
        if (pass == 1) {
            tl_rows_begin(out, &o, filter);
            if (tl_rows_kept(&o)) {
                while (tl_rows_next_kept(&o, &row))
                    tl_rows_put(out, &o, &row);
                break;
            }
        }
        for (guint k = 0; k < n; k++) {
            guint32 stream = streams ? streams[k] : k;
            const tl_conn_rec_t *rec = tl_conns_get(stream);

            if (!rec)
                continue;
            tl_row_build(&row, stream, &rec->conn, &rec->zeek, stats_cfg, NULL);
            if (pass == 0)
                tl_rows_measure(&o, &row);
            else
                tl_rows_put(out, &o, &row);
        }
    }
    tl_rows_end(out, &o);
    tl_rows_free(&o);
}

static void
draw_conn(tl_stat_t *st)
{
    static const guint32 none;
    GArray *keys = sorted_streams(st);

    tl_stats_put_rows(stdout, st->fmt == OUT_TSV ? TCPLIFE_ROWS_TSV
                              : st->fmt == OUT_JSON ? TCPLIFE_ROWS_JSON : TCPLIFE_ROWS_TABLE,
                      st->filter, keys->len ? &g_array_index(keys, guint32, 0) : &none, keys->len);
    g_array_free(keys, TRUE);
}

/* Peak concurrency of intervals per server endpoint (sweep line). */
typedef struct {
    gint64 t;
    int    delta;
} tl_edge_t;

static gint
cmp_edge(gconstpointer a, gconstpointer b)
{
    const tl_edge_t *x = (const tl_edge_t *)a, *y = (const tl_edge_t *)b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->delta - y->delta;     /* an end before a start at the same instant */
}

static void
peak_of(GArray *edges, int *peak, gint64 *at)
{
    int cur = 0;

    *peak = 0;
    *at = 0;
    g_array_sort(edges, cmp_edge);
    for (guint i = 0; i < edges->len; i++) {
        const tl_edge_t *e = &g_array_index(edges, tl_edge_t, i);
        cur += e->delta;
        if (cur > *peak) {
            *peak = cur;
            *at = e->t;
        }
    }
}

static void
add_interval(GHashTable *by_ep, const char *ep, gint64 start, gint64 end)
{
    GArray *edges = (GArray *)g_hash_table_lookup(by_ep, ep);
    tl_edge_t a = { start, +1 }, b = { end, -1 };

    if (!edges) {
        edges = g_array_new(FALSE, FALSE, sizeof(tl_edge_t));
        g_hash_table_insert(by_ep, g_strdup(ep), edges);
    }
    g_array_append_val(edges, a);
    g_array_append_val(edges, b);
}

static void
print_peaks(GString *out, const char *title, const char *compare, GHashTable *by_ep)
{
    GList *eps = g_list_sort(g_hash_table_get_keys(by_ep), (GCompareFunc)g_strcmp0);

    g_string_append_printf(out, "\n%s (compare with %s):\n", title, compare);
    if (!eps)
        g_string_append(out, "  none\n");
    for (GList *l = eps; l; l = l->next) {
        int peak;
        gint64 at;
        char *when;
        peak_of((GArray *)g_hash_table_lookup(by_ep, l->data), &peak, &at);
        when = tl_stats_utc(at);
        g_string_append_printf(out, "  %-40s peak %d at %s\n", (const char *)l->data, peak, when);
        g_free(when);
    }
    g_list_free(eps);
}

static void
free_edges(gpointer p)
{
    g_array_free((GArray *)p, TRUE);
}

static void
draw_sum(tl_stat_t *st)
{
    GArray *keys = sorted_streams(st);
    guint outcome[TCPLIFE_OUTCOME_COUNT] = { 0 }, kind[TCPLIFE_TEARDOWN_COUNT] = { 0 };
    guint rst[TCPLIFE_RST_COUNT] = { 0 };
    guint hs[TCPLIFE_HS_COUNT] = { 0 };
    guint half_close = 0;
    GHashTable *synq = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_edges);
    GHashTable *tw = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_edges);
    GString *out = g_string_new(NULL);

    for (guint k = 0; k < keys->len; k++) {
        const tl_conn_rec_t *rec = tl_conns_get(g_array_index(keys, guint32, k));
        tl_summary_t s;
        tl_interval_t iv[TCPLIFE_MAX_INTERVALS];
        guint nint;

        tl_conn_summarize(&rec->conn, stats_cfg, &s);
        outcome[s.outcome]++;
        hs[s.handshake]++;
        if (s.teardown && !s.reset)
            kind[s.teardown_kind]++;
        if (s.reset || s.injected)
            rst[s.rst_kind]++;
        half_close += s.half_close;
        nint = tl_stats_intervals(rec, &s, iv);
        for (guint i = 0; i < nint; i++) {
            add_interval(iv[i].kind == TCPLIFE_PEAK_SYN_QUEUE ? synq : tw, iv[i].key,
                         iv[i].start_ns, iv[i].end_ns);
            g_free(iv[i].key);
        }
    }

    g_string_append(out, "\n==================================================================\n");
    g_string_append_printf(out, "TCP Lifecycle: summary%s%s\n", st->filter ? "  Filter: " : "",
                           st->filter ? st->filter : "");
    g_string_append_printf(out, "Connections: %u\n", keys->len);
    g_string_append(out, "\nHandshake:\n");
    for (int i = 0; i < TCPLIFE_HS_COUNT; i++)
        g_string_append_printf(out, "  %-18s %u\n", tl_hs_outcome_name((tl_hs_outcome_t)i), hs[i]);
    g_string_append(out, "\nOutcome:\n");
    for (int i = 0; i < TCPLIFE_OUTCOME_COUNT; i++)
        g_string_append_printf(out, "  %-18s %u\n", tl_outcome_name((tl_outcome_t)i), outcome[i]);
    g_string_append(out, "\nTeardown (closed with FINs):\n");
    for (int i = 1; i < TCPLIFE_TEARDOWN_COUNT; i++)
        g_string_append_printf(out, "  %-18s %u\n", tl_teardown_name((tl_teardown_t)i), kind[i]);
    g_string_append_printf(out, "  %-18s %u\n", "one FIN only", kind[TCPLIFE_TEARDOWN_NONE]);
    g_string_append_printf(out, "  %-18s %u\n", "with half-close", half_close);
    g_string_append(out, "\nRST kind:\n");
    for (int i = 1; i < TCPLIFE_RST_COUNT; i++)
        g_string_append_printf(out, "  %-18s %u\n", tl_rst_kind_name((tl_rst_kind_t)i), rst[i]);
    print_peaks(out, "Peak concurrent half-open connections (SYN queue) per server",
                "net.ipv4.tcp_max_syn_backlog and the listen() backlog", synq);
    print_peaks(out, "Peak concurrent TIME_WAIT connections per holder",
                "net.ipv4.tcp_max_tw_buckets", tw);
    g_string_append(out, "==================================================================\n");
    fputs(out->str, stdout);
    g_string_free(out, TRUE);
    g_hash_table_destroy(synq);
    g_hash_table_destroy(tw);
    g_array_free(keys, TRUE);
}

/* An arrow's label: the flags, the handshake or teardown step and the
 * payload length ("SYN 1/3", "FIN,ACK 1/4", "PSH,ACK len=13"). Shared by the
 * ladder and the Flow Graph (tl_flow.c). with_len: add " len=N" when the
 * whole label stays within max_chars (0: no limit). Free with g_free(). */
char *
tl_arrow_label(const tl_result_t *r, gboolean with_len, gsize max_chars)
{
    GString *l = g_string_new(NULL);
    static const struct { guint16 bit; const char *name; } f[] = {
        { TCPLIFE_F_SYN, "SYN" }, { TCPLIFE_F_FIN, "FIN" }, { TCPLIFE_F_RST, "RST" },
        { TCPLIFE_F_PSH, "PSH" }, { TCPLIFE_F_ACK, "ACK" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(f); i++)
        if (r->flags & f[i].bit)
            g_string_append_printf(l, "%s%s", l->len ? "," : "", f[i].name);
    if (r->hs_step)
        g_string_append_printf(l, " %u/3", r->hs_step);
    else if (r->td_step)
        g_string_append_printf(l, " %u/%u", r->td_step, tl_teardown_steps((tl_teardown_t)r->td_kind));
    if (with_len && r->len) {
        char len[24];
        g_snprintf(len, sizeof len, " len=%u", r->len);
        if (!max_chars || l->len + strlen(len) <= max_chars)
            g_string_append(l, len);
    }
    return g_string_free(l, FALSE);
}

static void
draw_ladder(tl_stat_t *st)
{
    GArray *keys = sorted_streams(st);
    GString *out = g_string_new(NULL);

    g_string_append(out, "\n==================================================================\n");
    g_string_append_printf(out, "TCP Lifecycle: ladder%s%s\n", st->filter ? "  Filter: " : "",
                           st->filter ? st->filter : "");
    for (guint k = 0; k < keys->len; k++) {
        guint32 stream = g_array_index(keys, guint32, k);
        const tl_conn_rec_t *rec = tl_conns_get(stream);
        char *c = tl_stats_endpoint(&rec->conn.ep[TCPLIFE_ROLE_CLIENT]);
        char *s = tl_stats_endpoint(&rec->conn.ep[TCPLIFE_ROLE_SERVER]);
        gint64 t0 = -1;

        g_string_append_printf(out, "\nStream %u: client %s, server %s\n", stream, c, s);
        g_string_append_printf(out, "  %6s %10s  %-12s %-24s %-12s  %s\n", "frame", "time", "client", "",
                               "server", "phase");
        for (guint i = 0; i < st->frames->len; i++) {
            const tl_ladder_row_t *row = (const tl_ladder_row_t *)g_ptr_array_index(st->frames, i);
            const tl_result_t *r = &row->r;
            char *label, *arrow;

            if (row->stream != stream)
                continue;
            if (t0 < 0)
                t0 = row->time_ns;
            label = tl_arrow_label(r, TRUE, 0);
            arrow = r->sender == TCPLIFE_ROLE_CLIENT ? g_strdup_printf("--%s-->", label)
                                                : g_strdup_printf("<--%s--", label);
            g_string_append_printf(out, "  %6u %10.6f  %-12s %-24s %-12s  %s\n", row->frame,
                                   (double)(row->time_ns - t0) / 1e9,
                                   tl_state_name((tl_state_t)r->state[TCPLIFE_ROLE_CLIENT]), arrow,
                                   tl_state_name((tl_state_t)r->state[TCPLIFE_ROLE_SERVER]),
                                   tl_phase_name((tl_phase_t)r->phase));
            g_free(label);
            g_free(arrow);
        }
        g_free(c);
        g_free(s);
    }
    g_string_append(out, "==================================================================\n");
    fputs(out->str, stdout);
    g_string_free(out, TRUE);
    g_array_free(keys, TRUE);
}

static void
stat_draw(void *tapdata)
{
    tl_stat_t *st = (tl_stat_t *)tapdata;

    /* conn and sum read connections the last frames may not have moved
     * yet (their tap leaves the tracking deferred). */
    tl_glue_flush();
    switch (st->kind) {
    case STAT_CONN:   draw_conn(st); break;
    case STAT_SUM:    draw_sum(st); break;
    case STAT_LADDER: draw_ladder(st); break;
    }
}

static void
stat_finish(void *tapdata)
{
    tl_stat_t *st = (tl_stat_t *)tapdata;

    g_hash_table_destroy(st->streams);
    g_byte_array_free(st->seen, TRUE);
    if (st->frames)
        g_ptr_array_free(st->frames, TRUE);
    g_free(st->filter);
    g_free(st);
}

/* The -z names, indexed by tl_stat_kind_t. */
static const char *const stat_cli[] = { "tcplife,conn", "tcplife,sum", "tcplife,ladder" };

/* A bare word: what an option looks like. A display filter of one word is a
 * protocol or field name ("tcp"); anything else with only these characters
 * is a mistyped option, not a filter. */
static gboolean
bare_word(const char *w, gsize len)
{
    if (len == 0)
        return FALSE;
    for (gsize i = 0; i < len; i++)
        if (!g_ascii_isalnum(w[i]) && w[i] != '_' && w[i] != '-')
            return FALSE;
    return TRUE;
}

/* Splits opt_arg ("tcplife,conn[,tsv|,json][,FILTER]" and the like) into
 * st->fmt and st->filter. FALSE, with *err set (g_free it), when the name is
 * not exactly one of ours or an option is unknown. */
static gboolean
parse_args(tl_stat_t *st, const char *opt_arg, char **err)
{
    const char *cli = stat_cli[st->kind];
    const char *rest = opt_arg + strlen(cli);
    const char *valid = st->kind == STAT_CONN ? "valid options: tsv, json; then an optional display filter"
                                              : "it takes no options, only an optional display filter";

    /* tshark matches -z names by prefix: "tcplife,connx" reaches us too. */
    if (!g_str_has_prefix(opt_arg, cli) || (*rest && *rest != ',')) {
        *err = g_strdup_printf("-z %s: unknown statistic; tcplife has -z tcplife,conn[,tsv|,json][,FILTER], "
                               "tcplife,sum[,FILTER], tcplife,ladder[,FILTER], tcplife,table[,FILTER] "
                               "and tcplife,tree[,FILTER]", opt_arg);
        return FALSE;
    }
    while (*rest == ',') {
        const char *word = rest + 1, *end = strchr(word, ',');
        gsize len = end ? (gsize)(end - word) : strlen(word);
        char *name = NULL;

        gboolean tsv = len == 3 && !strncmp(word, "tsv", 3), json = len == 4 && !strncmp(word, "json", 4);

        /* "json" is also a protocol name: here it is always the option. */
        if ((tsv || json) && (st->kind != STAT_CONN || st->fmt != OUT_TABLE)) {
            *err = g_strdup_printf("-z %s: option \"%s\" not allowed here (%s%s)", opt_arg,
                                   tsv ? "tsv" : "json", valid,
                                   st->kind == STAT_CONN ? "; one output format only" : "");
            return FALSE;
        } else if (tsv || json) {
            st->fmt = tsv ? OUT_TSV : OUT_JSON;
        } else if (bare_word(word, len) && !proto_registrar_get_byname(name = g_strndup(word, len))) {
            *err = g_strdup_printf("-z %s: unknown option \"%s\" (%s; a filter of one word must be a "
                                   "protocol or field name)", opt_arg, name, valid);
            g_free(name);
            return FALSE;
        } else {
            g_free(name);
            if (*word)
                st->filter = g_strdup(word);
            break;
        }
        rest = word + len;
    }
    return TRUE;
}

static TCPLIFE_STAT_INIT_RET
stat_init(const char *opt_arg, void *userdata)
{
    tl_stat_t *st = g_new0(tl_stat_t, 1);
    char *err = NULL;
    GString *tap_err;

    st->kind = (tl_stat_kind_t)GPOINTER_TO_INT(userdata);
    st->streams = g_hash_table_new(g_direct_hash, g_direct_equal);
    st->seen = g_byte_array_new();
    if (st->kind == STAT_LADDER)
        st->frames = g_ptr_array_new_with_free_func(g_free);
    if (!parse_args(st, opt_arg, &err)) {
        report_failure("%s", err);
        g_free(err);
        stat_finish(st);
        TCPLIFE_STAT_INIT_DONE(false);
    }
    /* Only the ladder reads the verdicts; conn and sum read the connections
     * when drawn, and need only which ones the frames belong to. */
    tap_err = register_tap_listener(st->kind == STAT_LADDER ? "tcplife" : "tcplife.streams", st,
                                    st->filter, TL_REQUIRES_NOTHING, stat_reset,
                                    st->kind == STAT_LADDER ? stat_packet : stat_stream,
                                    stat_draw, stat_finish);
    if (tap_err) {
        /* Not exit(): this runs inside tshark or Wireshark. The statistic is
         * left out; tshark 4.6+ also stops with an error status (false). */
        report_failure("-z %s: %s", opt_arg, tap_err->str);
        g_string_free(tap_err, TRUE);
        stat_finish(st);
        TCPLIFE_STAT_INIT_DONE(false);
    }
    TCPLIFE_STAT_INIT_DONE(true);
}

void
tl_stats_register(void)
{
    static stat_tap_ui conn_ui = { REGISTER_STAT_GROUP_GENERIC, "TCP Lifecycle connections",
                                   "tcplife,conn", stat_init, 0, NULL };
    static stat_tap_ui sum_ui = { REGISTER_STAT_GROUP_GENERIC, "TCP Lifecycle summary",
                                  "tcplife,sum", stat_init, 0, NULL };
    static stat_tap_ui ladder_ui = { REGISTER_STAT_GROUP_GENERIC, "TCP Lifecycle ladder",
                                     "tcplife,ladder", stat_init, 0, NULL };

    register_stat_tap_ui(&conn_ui, GINT_TO_POINTER(STAT_CONN));
    register_stat_tap_ui(&sum_ui, GINT_TO_POINTER(STAT_SUM));
    register_stat_tap_ui(&ladder_ui, GINT_TO_POINTER(STAT_LADDER));
    tl_stats_ui_register();
}
