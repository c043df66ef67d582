/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_stats_ui.c - the Statistics menu of Wireshark, through Wireshark's own
 * statistics frameworks, so the GUI draws them with its stock dialogs and
 * tshark prints them too:
 *
 *   Statistics > TCP Lifecycle > Connections   a stat_tap_table: one row per
 *       connection, the columns of -z tcplife,conn; Wireshark's table dialog
 *       sorts, filters, copies and saves it. tshark: -z tcplife,table[,FILTER]
 *   Statistics > TCP Lifecycle > Summary       a stats tree: the counts and
 *       peaks of -z tcplife,sum. tshark: -z tcplife,tree[,FILTER]
 *
 * Both listen to the "tcplife" tap (every layer's verdict), like -z
 * tcplife,ladder (tl_stats.c's conn and sum need only the streams). Neither
 * framework calls back before it draws, so both keep their numbers right
 * after every packet:
 * in a single pass a connection's summary changes as its segments arrive
 * (the last one seen wins), in the GUI and tshark -2 it is final from the
 * first segment on.
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>

#include "tl_compat.h"
#include "tl_glue.h"

#define MENU "TCP Lifecycle"

/* ---------------------------------------------------------------------- */
/* Connections: a stat_tap_table.                                          */

#define TABLE_NAME "Connections"

/* Numbers where the value always is one, so the dialog sorts them as
 * numbers; the optional ones ("-" when absent) stay strings. */
static stat_tap_table_item table_fields[TCPLIFE_CONN_COLS];

/* tcp.stream -> 1 + its row. There is one Connections table (Wireshark
 * shares a stat_tap_table_ui's tables between its open dialogs). */
static GHashTable *table_rows;

static stat_tap_table_item_enum
column_type(guint col)
{
    switch (col) {
    case 0: case 6: case 7: return TABLE_ITEM_UINT;
    case 4:                 return TABLE_ITEM_FLOAT;
    default:                return TABLE_ITEM_STRING;
    }
}

static void
table_free_item(stat_tap_table *table _U_, guint row _U_, guint column _U_, stat_tap_table_item_type *field)
{
    if (field->type == TABLE_ITEM_STRING) {
        g_free((char *)field->value.string_value);
        field->value.string_value = NULL;
    }
}

/* Every row goes: a retap fills the table again, connection by connection. */
static void
table_reset(stat_tap_table *table)
{
    for (guint r = 0; r < table->num_elements; r++) {
        for (guint c = 0; c < table->num_fields; c++)
            table_free_item(table, r, c, stat_tap_get_field_data(table, r, c));
        g_free(table->elements[r]);
    }
    g_free(table->elements);
    table->elements = NULL;
    table->num_elements = 0;
    if (table_rows)
        g_hash_table_remove_all(table_rows);
}

static void
table_init(stat_tap_table_ui *ui)
{
    stat_tap_table *table = stat_tap_find_table(ui, TABLE_NAME);

    if (!table_rows)
        table_rows = g_hash_table_new(g_direct_hash, g_direct_equal);
    if (table) {
        table_reset(table);
        return;
    }
    g_hash_table_remove_all(table_rows);
    table = stat_tap_init_table(TABLE_NAME, TCPLIFE_CONN_COLS, 0, NULL);
    stat_tap_add_table(ui, table);
}

static tap_packet_status
table_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data,
             tap_flags_t flags _U_)
{
    stat_data_t *sd = (stat_data_t *)tapdata;
    const tl_layer_result_t *lr = (const tl_layer_result_t *)data;
    stat_tap_table *table;
    guint row;
    char *col[TCPLIFE_CONN_COLS];
    tl_summary_t s;

    if (!sd->stat_tap_data->tables->len)
        return TAP_PACKET_DONT_REDRAW;
    table = g_array_index(sd->stat_tap_data->tables, stat_tap_table *, 0);
    row = GPOINTER_TO_UINT(g_hash_table_lookup(table_rows, GUINT_TO_POINTER(lr->stream)));
    /* Made again on every segment: taps run after the frame is marked
     * visited, so nothing here tells a single pass (the record still grows)
     * from a retap (it is final). Only while this table is open. */
    if (!row) {
        stat_tap_table_item_type blank[TCPLIFE_CONN_COLS];

        memset(blank, 0, sizeof blank);
        for (guint c = 0; c < TCPLIFE_CONN_COLS; c++)
            blank[c].type = column_type(c);
        row = table->num_elements + 1;
        stat_tap_init_table_row(table, row - 1, TCPLIFE_CONN_COLS, blank);
        g_hash_table_insert(table_rows, GUINT_TO_POINTER(lr->stream), GUINT_TO_POINTER(row));
    }
    tl_stats_conn_row(lr->stream, lr->rec, col, &s);
    for (guint c = 0; c < TCPLIFE_CONN_COLS; c++) {
        stat_tap_table_item_type *f = stat_tap_get_field_data(table, row - 1, c);

        switch (f->type) {
        case TABLE_ITEM_UINT:
            f->value.uint_value = c == 0 ? lr->stream : c == 6 ? s.syn_retries : s.synack_retries;
            g_free(col[c]);
            break;
        case TABLE_ITEM_FLOAT:
            f->value.float_value = (double)s.duration_ns / 1e9;
            g_free(col[c]);
            break;
        default:
            g_free((char *)f->value.string_value);
            f->value.string_value = col[c];     /* the table owns it now */
            break;
        }
    }
    return TAP_PACKET_REDRAW;
}

static void
table_register(void)
{
    static stat_tap_table_ui ui = {
        REGISTER_PACKET_STAT_GROUP_UNSORTED,
        MENU "/Connections",
        "tcplife",
        "tcplife,table",
        table_init,
        table_packet,
        table_reset,
        table_free_item,
        NULL,
        TCPLIFE_CONN_COLS, table_fields,
        0, NULL,
        NULL,
        0,
    };

    for (guint c = 0; c < TCPLIFE_CONN_COLS; c++) {
        stat_tap_table_item_enum t = column_type(c);

        table_fields[c] = (stat_tap_table_item){
            t, t == TABLE_ITEM_STRING ? TAP_ALIGN_LEFT : TAP_ALIGN_RIGHT, tl_conn_columns[c],
            t == TABLE_ITEM_UINT ? "%u" : t == TABLE_ITEM_FLOAT ? "%.6f" : "%s",
        };
    }
    register_stat_tap_table_ui(&ui);
}

/* ---------------------------------------------------------------------- */
/* Summary: a stats tree.                                                   */

/*
 * Peak concurrency per endpoint, kept exact while intervals come, change
 * and go: a treap of the intervals' edges (+1 at a start, -1 at an end, an
 * end before a start at the same instant, like -z tcplife,sum's sweep) in
 * time order, each node holding its subtree's sum and best prefix sum (and
 * where that is first reached). The peak is the root's best prefix sum.
 */
typedef struct tl_edge_node {
    struct tl_edge_node *l, *r;
    gint64  t;
    gint    delta;
    guint32 id, prio;
    gint    sum, best;
    gint64  best_t;
} tl_edge_node_t;

static int
edge_cmp(gint64 t, gint delta, guint32 id, const tl_edge_node_t *n)
{
    if (t != n->t)
        return t < n->t ? -1 : 1;
    if (delta != n->delta)
        return delta < n->delta ? -1 : 1;
    return id < n->id ? -1 : id > n->id;
}

static void
edge_pull(tl_edge_node_t *n)
{
    gint here = (n->l ? n->l->sum : 0) + n->delta;

    n->best = here;
    n->best_t = n->t;
    if (n->l && n->l->best >= here) {       /* ties: the earliest time */
        n->best = n->l->best;
        n->best_t = n->l->best_t;
    }
    if (n->r && here + n->r->best > n->best) {
        n->best = here + n->r->best;
        n->best_t = n->r->best_t;
    }
    n->sum = here + (n->r ? n->r->sum : 0);
}

/* Splits n into the edges before (t, delta, id) and the others. */
static void
edge_split(tl_edge_node_t *n, gint64 t, gint delta, guint32 id, tl_edge_node_t **lo, tl_edge_node_t **hi)
{
    if (!n) {
        *lo = *hi = NULL;
        return;
    }
    if (edge_cmp(t, delta, id, n) > 0) {
        edge_split(n->r, t, delta, id, &n->r, hi);
        *lo = n;
    } else {
        edge_split(n->l, t, delta, id, lo, &n->l);
        *hi = n;
    }
    edge_pull(n);
}

static tl_edge_node_t *
edge_merge(tl_edge_node_t *a, tl_edge_node_t *b)
{
    if (!a || !b)
        return a ? a : b;
    if (a->prio > b->prio) {
        a->r = edge_merge(a->r, b);
        edge_pull(a);
        return a;
    }
    b->l = edge_merge(a, b->l);
    edge_pull(b);
    return b;
}

static tl_edge_node_t *
edge_insert(tl_edge_node_t *root, gint64 t, gint delta, guint32 id)
{
    tl_edge_node_t *n = g_new0(tl_edge_node_t, 1), *lo, *hi;

    n->t = t;
    n->delta = delta;
    n->id = id;
    n->prio = id * 2654435761u;             /* any fixed scramble of the id */
    edge_pull(n);
    edge_split(root, t, delta, id, &lo, &hi);
    return edge_merge(edge_merge(lo, n), hi);
}

static tl_edge_node_t *
edge_drop_first(tl_edge_node_t *n, tl_edge_node_t **first)
{
    if (!n->l) {
        *first = n;
        return n->r;
    }
    n->l = edge_drop_first(n->l, first);
    edge_pull(n);
    return n;
}

static tl_edge_node_t *
edge_remove(tl_edge_node_t *root, gint64 t, gint delta, guint32 id)
{
    tl_edge_node_t *lo, *hi, *gone = NULL;

    edge_split(root, t, delta, id, &lo, &hi);
    if (hi)
        hi = edge_drop_first(hi, &gone);    /* the edge itself: the first not before it */
    g_free(gone);
    return edge_merge(lo, hi);
}

static void
edge_free(tl_edge_node_t *n)
{
    if (!n)
        return;
    edge_free(n->l);
    edge_free(n->r);
    g_free(n);
}

/* One endpoint's peak node. */
typedef struct {
    char           *name;
    tl_peak_kind_t  kind;
    gint            peak;                    /* as shown */
    tl_edge_node_t *root;
} tl_peak_ep_t;

/* What a connection is counted as, to move it when that changes. */
typedef struct {
    int      hs, outcome, teardown, rst;     /* -1: not counted there */
    gboolean half_close;
    guint    n_iv;
    struct {
        tl_peak_ep_t *ep;
        gint64        start, end;
        guint32       id;                    /* its edges: (start, +1, id), (end, -1, id) */
    } iv[TCPLIFE_MAX_INTERVALS];
} tl_tree_conn_t;

typedef struct {
    GHashTable *conns;                       /* tcp.stream -> tl_tree_conn_t* */
    GHashTable *eps;                         /* "kind key" -> tl_peak_ep_t* */
    int         id_conn, id_hs, id_out, id_td, id_rst;
    int         id_peak[2];                  /* by tl_peak_kind_t: the highest peak of its endpoints */
    gint        max_peak[2];
    guint32     next_id;
} tl_tree_state_t;

/* stats_tree -> tl_tree_state_t: a stats tree carries no user pointer. */
static GHashTable *tree_states;

#define N_CONNECTIONS "Connections"
#define N_HANDSHAKE   "Handshake"
#define N_OUTCOME     "Outcome"
#define N_TEARDOWN    "Teardown (closed with FINs)"
#define N_ONE_FIN     "one FIN only"
#define N_HALF_CLOSE  "with half-close"
#define N_RST         "RST kind"
#define N_SYNQ        "Peak half-open connections (SYN queue) per server"
#define N_TW          "Peak TIME_WAIT connections per holder"

static void
peak_ep_free(gpointer p)
{
    tl_peak_ep_t *ep = (tl_peak_ep_t *)p;

    edge_free(ep->root);
    g_free(ep->name);
    g_free(ep);
}

static void
tree_state_free(gpointer p)
{
    tl_tree_state_t *ts = (tl_tree_state_t *)p;

    g_hash_table_destroy(ts->conns);
    g_hash_table_destroy(ts->eps);
    g_free(ts);
}

static void
tree_init(stats_tree *st)
{
    tl_tree_state_t *ts = g_new0(tl_tree_state_t, 1);

    if (!tree_states)
        tree_states = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, tree_state_free);
    ts->conns = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    ts->eps = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, peak_ep_free);
    g_hash_table_replace(tree_states, st, ts);

    /* Every category from the start, as -z tcplife,sum lists them: a 0 is
     * an answer too. */
    ts->id_conn = stats_tree_create_node(st, N_CONNECTIONS, 0, STAT_DT_INT, TRUE);
    ts->id_hs = stats_tree_create_node(st, N_HANDSHAKE, ts->id_conn, STAT_DT_INT, TRUE);
    for (int i = 0; i < TCPLIFE_HS_COUNT; i++)
        stats_tree_create_node(st, tl_hs_outcome_name((tl_hs_outcome_t)i), ts->id_hs, STAT_DT_INT, FALSE);
    ts->id_out = stats_tree_create_node(st, N_OUTCOME, ts->id_conn, STAT_DT_INT, TRUE);
    for (int i = 0; i < TCPLIFE_OUTCOME_COUNT; i++)
        stats_tree_create_node(st, tl_outcome_name((tl_outcome_t)i), ts->id_out, STAT_DT_INT, FALSE);
    ts->id_td = stats_tree_create_node(st, N_TEARDOWN, ts->id_conn, STAT_DT_INT, TRUE);
    for (int i = 1; i < TCPLIFE_TEARDOWN_COUNT; i++)
        stats_tree_create_node(st, tl_teardown_name((tl_teardown_t)i), ts->id_td, STAT_DT_INT, FALSE);
    stats_tree_create_node(st, N_ONE_FIN, ts->id_td, STAT_DT_INT, FALSE);
    stats_tree_create_node(st, N_HALF_CLOSE, ts->id_td, STAT_DT_INT, FALSE);
    ts->id_rst = stats_tree_create_node(st, N_RST, ts->id_conn, STAT_DT_INT, TRUE);
    for (int i = 1; i < TCPLIFE_RST_COUNT; i++)
        stats_tree_create_node(st, tl_rst_kind_name((tl_rst_kind_t)i), ts->id_rst, STAT_DT_INT, FALSE);
    ts->id_peak[TCPLIFE_PEAK_SYN_QUEUE] = stats_tree_create_node(st, N_SYNQ, 0, STAT_DT_INT, TRUE);
    ts->id_peak[TCPLIFE_PEAK_TIME_WAIT] = stats_tree_create_node(st, N_TW, 0, STAT_DT_INT, TRUE);
}

static void
tree_cleanup(stats_tree *st)
{
    if (tree_states)
        g_hash_table_remove(tree_states, st);
}

static const char *
teardown_node(int td)
{
    return td == TCPLIFE_TEARDOWN_NONE ? N_ONE_FIN : tl_teardown_name((tl_teardown_t)td);
}

/* Counts the connection as c says, times `by` (+1, or -1 to take it back):
 * a category node and its group's node. */
static void
tree_count(stats_tree *st, const tl_tree_state_t *ts, const tl_tree_conn_t *c, int by)
{
    increase_stat_node(st, N_HANDSHAKE, ts->id_conn, TRUE, by);
    increase_stat_node(st, tl_hs_outcome_name((tl_hs_outcome_t)c->hs), ts->id_hs, FALSE, by);
    increase_stat_node(st, N_OUTCOME, ts->id_conn, TRUE, by);
    increase_stat_node(st, tl_outcome_name((tl_outcome_t)c->outcome), ts->id_out, FALSE, by);
    if (c->teardown >= 0) {
        increase_stat_node(st, N_TEARDOWN, ts->id_conn, TRUE, by);
        increase_stat_node(st, teardown_node(c->teardown), ts->id_td, FALSE, by);
    }
    if (c->half_close)
        increase_stat_node(st, N_HALF_CLOSE, ts->id_td, FALSE, by);
    if (c->rst >= 0) {
        increase_stat_node(st, N_RST, ts->id_conn, TRUE, by);
        increase_stat_node(st, tl_rst_kind_name((tl_rst_kind_t)c->rst), ts->id_rst, FALSE, by);
    }
}

/* An endpoint's peak, and its group's (the highest of them: what the
 * group's count and the endpoints' percentages are about). */
static void
peak_show(stats_tree *st, tl_tree_state_t *ts, tl_peak_ep_t *ep)
{
    gint peak = ep->root ? MAX(0, ep->root->best) : 0, was = ep->peak, *max = &ts->max_peak[ep->kind];
    const char *group = ep->kind == TCPLIFE_PEAK_SYN_QUEUE ? N_SYNQ : N_TW;

    if (peak == was)
        return;
    ep->peak = peak;
    set_stat_node(st, ep->name, ts->id_peak[ep->kind], FALSE, peak);
    if (peak > *max) {
        *max = peak;
    } else if (was == *max) {
        /* It was the highest: look again (rare: a single pass moving an
         * interval of the busiest endpoint). */
        GHashTableIter it;
        gpointer v;

        *max = 0;
        g_hash_table_iter_init(&it, ts->eps);
        while (g_hash_table_iter_next(&it, NULL, &v))
            if (((tl_peak_ep_t *)v)->kind == ep->kind)
                *max = MAX(*max, ((tl_peak_ep_t *)v)->peak);
    } else {
        return;
    }
    set_stat_node(st, group, 0, TRUE, *max);
}

static tap_packet_status
tree_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data,
            tap_flags_t flags _U_)
{
    const tl_layer_result_t *lr = (const tl_layer_result_t *)data;
    tl_tree_state_t *ts = tree_states ? (tl_tree_state_t *)g_hash_table_lookup(tree_states, st) : NULL;
    tl_tree_conn_t *old, now;
    tl_interval_t iv[TCPLIFE_MAX_INTERVALS];
    tl_summary_t s;
    guint n;
    gboolean same_iv;

    if (!ts)
        return TAP_PACKET_DONT_REDRAW;
    old = (tl_tree_conn_t *)g_hash_table_lookup(ts->conns, GUINT_TO_POINTER(lr->stream));
    tl_stats_summarize(lr->rec, &s);
    memset(&now, 0, sizeof now);
    now.hs = s.handshake;
    now.outcome = s.outcome;
    now.teardown = s.teardown && !s.reset ? (int)s.teardown_kind : -1;
    now.rst = s.reset || s.injected ? (int)s.rst_kind : -1;
    now.half_close = s.half_close;

    if (!old) {
        old = g_new0(tl_tree_conn_t, 1);
        g_hash_table_insert(ts->conns, GUINT_TO_POINTER(lr->stream), old);
        tick_stat_node(st, N_CONNECTIONS, 0, TRUE);
        tree_count(st, ts, &now, +1);
    } else if (old->hs != now.hs || old->outcome != now.outcome || old->teardown != now.teardown
               || old->rst != now.rst || old->half_close != now.half_close) {
        tree_count(st, ts, old, -1);
        tree_count(st, ts, &now, +1);
    }
    old->hs = now.hs;
    old->outcome = now.outcome;
    old->teardown = now.teardown;
    old->rst = now.rst;
    old->half_close = now.half_close;

    /* The peaks: move this connection's intervals when they changed. */
    n = tl_stats_intervals(lr->rec, &s, iv);
    same_iv = n == old->n_iv;
    for (guint i = 0; same_iv && i < n; i++)
        same_iv = iv[i].start_ns == old->iv[i].start && iv[i].end_ns == old->iv[i].end
                  && !strcmp(iv[i].key, old->iv[i].ep->name);
    if (!same_iv) {
        for (guint i = 0; i < old->n_iv; i++) {
            tl_peak_ep_t *ep = old->iv[i].ep;

            ep->root = edge_remove(ep->root, old->iv[i].start, +1, old->iv[i].id);
            ep->root = edge_remove(ep->root, old->iv[i].end, -1, old->iv[i].id);
            peak_show(st, ts, ep);
        }
        for (guint i = 0; i < n; i++) {
            char *key = g_strdup_printf("%d %s", iv[i].kind, iv[i].key);
            tl_peak_ep_t *ep = (tl_peak_ep_t *)g_hash_table_lookup(ts->eps, key);

            if (!ep) {
                ep = g_new0(tl_peak_ep_t, 1);
                ep->name = g_strdup(iv[i].key);
                ep->kind = iv[i].kind;
                g_hash_table_insert(ts->eps, key, ep);
            } else {
                g_free(key);
            }
            old->iv[i].ep = ep;
            old->iv[i].start = iv[i].start_ns;
            old->iv[i].end = iv[i].end_ns;
            old->iv[i].id = ts->next_id++;
            ep->root = edge_insert(ep->root, iv[i].start_ns, +1, old->iv[i].id);
            ep->root = edge_insert(ep->root, iv[i].end_ns, -1, old->iv[i].id);
            peak_show(st, ts, ep);
        }
        old->n_iv = n;
    }
    for (guint i = 0; i < n; i++)
        g_free(iv[i].key);
    return TAP_PACKET_REDRAW;
}

static void
tree_register(void)
{
    stats_tree_register_plugin("tcplife", "tcplife", MENU TCPLIFE_STATS_TREE_SEP "Summary", 0,
                               tree_packet, tree_init, tree_cleanup);
}

void
tl_stats_ui_register(void)
{
    table_register();
    tree_register();
}
