/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_tree.c - a stored tl_result_t -> the "TCP Lifecycle" tree and its
 * expert items. Renders only: every decision was made by the core on the
 * first pass, the headline text is the core's (tl_headline()), and the
 * fields, subtrees and expert items are declared and registered in
 * tl_fields.h / tl_fields.c.
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/tap.h>
#include <wsutil/nstime.h>

#include "tl_glue.h"
#include "tl_fields.h"
#include "tl_epan_seam.h"
#include "tcplife/tl_headline.h"
#include "tcplife/tl_pack.h"

static int proto_tl = -1;

void
tl_tree_register(int proto)
{
    proto_tl = proto;
    tl_fields_register(proto);
}

static const char *
role(guint8 r)
{
    return tl_role_name((tl_role_t)r);
}

static const char *
state(guint8 s)
{
    return tl_state_name((tl_state_t)s);
}

static nstime_t
ns_rel(gint64 ns)
{
    nstime_t t;
    t.secs = (time_t)(ns / 1000000000);
    t.nsecs = (int)(ns % 1000000000);
    return t;
}

static proto_item *
gen(proto_item *ti)
{
    proto_item_set_generated(ti);
    return ti;
}

/*
 * Whether a field's item will be read: the tree is visible, or a filter,
 * column or -e names the field (epan's proto_field_is_referenced()).
 * tl_fields.h says which fields are asked about one by one (OWN), which by
 * group, and which are always made because named children hang on them.
 */
static inline gboolean
named(proto_tree *t, tl_hf_t f)
{
    return proto_field_is_referenced(t, hf_tcplife[f]);
}

/* An expert item's, likewise: it has a field of its own (-Y on its name). */
static inline gboolean
expert_named(proto_tree *t, tl_anomaly_t a)
{
    return proto_field_is_referenced(t, ei_tcplife[a].hf);
}

#define HF(f) hf_tcplife[TCPLIFE_HF_##f]
/* An item of render group OWN: made only when its field is named. */
#define LEAF(t, f, add) do { if (named((t), TCPLIFE_HF_##f)) gen(add); } while (0)

/* The stacks whose retransmission schedule fits, in words. */
static const char *
stacks_text(wmem_allocator_t *pool, guint8 mask)
{
    wmem_strbuf_t *b = wmem_strbuf_new(pool, "");

    for (int i = 0; i < TCPLIFE_STACK_COUNT; i++) {
        if (!(mask & (1u << i)))
            continue;
        if (wmem_strbuf_get_len(b))
            wmem_strbuf_append(b, "; ");
        wmem_strbuf_append(b, tl_stack_name((tl_stack_t)i));
    }
    return wmem_strbuf_get_len(b) ? wmem_strbuf_get_str(b)
                                  : "no known stack (custom RTO, or losses before the capture point)";
}

static void
add_transition(proto_tree *tree, tvbuff_t *tvb, const tl_result_t *r, tl_role_t who, guint8 label)
{
    if (label == TCPLIFE_LABEL_NONE)
        return;
    gen(proto_tree_add_string_format_value(tree, HF(TRANSITION), tvb, 0, 0,
        tl_label_text((tl_label_t)label), "%s %s \xe2\x86\x92 %s (%s)", role(who),
        state(r->prev_state[who]), state(r->state[who]), tl_label_text((tl_label_t)label)));
}

/* What both SYNs negotiated (SPEC: on steps 2 and 3 and whenever both SYNs
 * are known). SYN options never change after the first transmission, so
 * the connection's record gives the same answer on every pass. */
static void
render_options(proto_tree *t, tvbuff_t *tvb, const tl_layer_result_t *lr)
{
    tl_negotiated_t n;
    proto_item *ti;
    proto_tree *st;

    if (!lr->r.opts_known || !tl_fields_group_named(t, TCPLIFE_RG_OPTIONS))
        return;
    tl_conn_negotiated(&lr->rec->conn, &n);
    st = proto_tree_add_subtree_format(t, tvb, 0, 0, ett_tcplife[TCPLIFE_ETT_OPTIONS], &ti,
        "Negotiated options: MSS %u/%u, window scaling %s, SACK %s, timestamps %s, ECN %s",
        n.mss[TCPLIFE_ROLE_CLIENT], n.mss[TCPLIFE_ROLE_SERVER], n.wscale ? "on" : "off",
        n.sack ? "on" : "off", n.ts ? "on" : "off", n.ecn ? "on" : "off");
    gen(ti);
    gen(proto_tree_add_uint_format_value(st, HF(OPT_MSS_CLIENT), tvb, 0, 0,
        n.mss[TCPLIFE_ROLE_CLIENT], "%u%s", n.mss[TCPLIFE_ROLE_CLIENT],
        n.mss_default[TCPLIFE_ROLE_CLIENT] ? " (option absent: default)" : ""));
    gen(proto_tree_add_uint_format_value(st, HF(OPT_MSS_SERVER), tvb, 0, 0,
        n.mss[TCPLIFE_ROLE_SERVER], "%u%s", n.mss[TCPLIFE_ROLE_SERVER],
        n.mss_default[TCPLIFE_ROLE_SERVER] ? " (option absent: default)" : ""));
    gen(proto_tree_add_boolean(st, HF(OPT_WSCALE), tvb, 0, 0, n.wscale));
    if (n.wscale) {
        gen(proto_tree_add_uint(st, HF(OPT_WSCALE_CLIENT), tvb, 0, 0, n.wscale_shift[TCPLIFE_ROLE_CLIENT]));
        gen(proto_tree_add_uint(st, HF(OPT_WSCALE_SERVER), tvb, 0, 0, n.wscale_shift[TCPLIFE_ROLE_SERVER]));
    }
    gen(proto_tree_add_boolean(st, HF(OPT_SACK), tvb, 0, 0, n.sack));
    gen(proto_tree_add_boolean(st, HF(OPT_TS), tvb, 0, 0, n.ts));
    gen(proto_tree_add_boolean(st, HF(OPT_ECN), tvb, 0, 0, n.ecn));
    gen(proto_tree_add_string(st, HF(OPT_TFO), tvb, 0, 0, tl_tfo_name(n.tfo)));
    gen(proto_tree_add_string(st, HF(OPT_AUTH), tvb, 0, 0, tl_auth_name(n.auth)));
}

static void
render_half_close(proto_tree *t, tvbuff_t *tvb, const tl_result_t *r)
{
    tl_role_t snd = (tl_role_t)r->sender, peer = tl_peer(snd);
    proto_item *ti;
    proto_tree *st;

    if (r->half_close) {
        ti = gen(proto_tree_add_boolean_format_value(t, HF(HALF_CLOSE), tvb, 0, 0, TRUE,
            "True (%s closed its direction: shutdown(SHUT_WR) or close(); %s \xe2\x86\x92 %s still open)",
            role(peer), role(snd), role(peer)));
        st = proto_item_add_subtree(ti, ett_tcplife[TCPLIFE_ETT_HALF_CLOSE]);
        gen(proto_tree_add_uint(st, HF(HALF_CLOSE_BYTES), tvb, 0, 0, r->hc_bytes));
        if (r->hc_fin_frame)
            gen(proto_tree_add_uint(st, HF(HALF_CLOSE_FIN_FRAME), tvb, 0, 0, r->hc_fin_frame));
    }
    if (r->hc_duration_valid) {
        nstime_t d = ns_rel(r->hc_duration_ns);
        gen(proto_tree_add_time(t, HF(HALF_CLOSE_DURATION), tvb, 0, 0, &d));
    }
}

static void
render_rst(proto_tree *t, tvbuff_t *tvb, const tl_result_t *r)
{
    proto_item *ti;
    proto_tree *st;

    if (r->rst_kind == TCPLIFE_RST_NONE)
        return;
    ti = gen(proto_tree_add_string(t, HF(RST_KIND), tvb, 0, 0,
                                   tl_rst_kind_name((tl_rst_kind_t)r->rst_kind)));
    st = proto_item_add_subtree(ti, ett_tcplife[TCPLIFE_ETT_RST]);
    gen(proto_tree_add_string(st, HF(RST_REASON), tvb, 0, 0,
                              tl_rst_reason_name((tl_rst_reason_t)r->rst_reason)));
    gen(proto_tree_add_string(st, HF(RST_RULE), tvb, 0, 0,
                              tl_rst_rule_text((tl_rst_rule_t)r->rst_rule)));
    if (r->rel_rst)
        gen(proto_tree_add_uint(st, HF(RST_ANSWERS), tvb, 0, 0, r->rel_rst));
    if (r->rst_kind == TCPLIFE_RST_REFUSED)
        return;
    if (r->rst_kind == TCPLIFE_RST_STRAY) {
        if (r->rst_unacked_bytes)
            gen(proto_tree_add_uint_format_value(st, HF(RST_UNACKED_BYTES), tvb, 0, 0,
                r->rst_unacked_bytes, "%u (lost with the connection)", r->rst_unacked_bytes));
        return;
    }
    /* Present only when true, so that -Y tcplife.rst.unread_data selects them. */
    if (tl_result_unread_data(r))
        gen(proto_tree_add_boolean(st, HF(RST_UNREAD_DATA), tvb, 0, 0, TRUE));
    gen(proto_tree_add_uint(st, HF(RST_UNREAD_BYTES), tvb, 0, 0, r->rst_unread_bytes));
    gen(proto_tree_add_uint_format_value(st, HF(RST_UNACKED_BYTES), tvb, 0, 0,
        r->rst_unacked_bytes, "%u%s", r->rst_unacked_bytes,
        r->rst_unacked_bytes ? " (lost with the connection)" : ""));
}

static void
render_time_wait(proto_tree *t, tvbuff_t *tvb, const tl_layer_result_t *lr)
{
    const tl_result_t *r = &lr->r;
    proto_item *ti;
    proto_tree *st;
    nstime_t start, dur, expires, left, gap;

    if (r->tw_holder != TCPLIFE_TW_NONE) {
        start = ns_rel(r->tw_start_ns);
        dur = ns_rel(r->tw_duration_ns);
        expires = ns_rel((r->tw_rearmed_ns ? r->tw_rearmed_ns : r->tw_start_ns) + r->tw_duration_ns);
        left = ns_rel(r->tw_left_ns);
        ti = gen(proto_tree_add_string(t, HF(TIME_WAIT_HOLDER), tvb, 0, 0,
                                       tl_tw_holder_name((tl_tw_holder_t)r->tw_holder)));
        st = proto_item_add_subtree(ti, ett_tcplife[TCPLIFE_ETT_TIME_WAIT]);
        gen(proto_tree_add_time(st, HF(TIME_WAIT_START), tvb, 0, 0, &start));
        gen(proto_tree_add_time(st, HF(TIME_WAIT_DURATION), tvb, 0, 0, &dur));
        if (r->tw_rearmed_ns) {
            nstime_t re = ns_rel(r->tw_rearmed_ns);
            gen(proto_tree_add_time(st, HF(TIME_WAIT_RESTARTED), tvb, 0, 0, &re));
        }
        gen(proto_tree_add_time(st, HF(TIME_WAIT_EXPIRES), tvb, 0, 0, &expires));
        gen(proto_tree_add_time(st, HF(TIME_WAIT_LEFT), tvb, 0, 0, &left));
    }
    if (r->tw_reuse) {
        gap = ns_rel(r->tw_reuse_gap_ns);
        left = ns_rel(r->tw_reuse_left_ns);
        ti = gen(proto_tree_add_boolean_format_value(t, HF(TIME_WAIT_REUSE), tvb, 0, 0, TRUE,
            "True (stream %u's TIME_WAIT had %.3f s left)", lr->prev_stream,
            (double)r->tw_reuse_left_ns / 1e9));
        st = proto_item_add_subtree(ti, ett_tcplife[TCPLIFE_ETT_TIME_WAIT]);
        gen(proto_tree_add_uint(st, HF(TIME_WAIT_PREV_STREAM), tvb, 0, 0, lr->prev_stream));
        gen(proto_tree_add_time(st, HF(TIME_WAIT_GAP), tvb, 0, 0, &gap));
        gen(proto_tree_add_boolean(st, HF(TIME_WAIT_ISN_HIGHER), tvb, 0, 0, r->tw_reuse_isn_higher));
        if (r->tw_reuse_ts_known)
            gen(proto_tree_add_boolean(st, HF(TIME_WAIT_TS_NEWER), tvb, 0, 0, r->tw_reuse_ts_newer));
    }
}

/* Whole-connection fields: the connection's final state, known on a later
 * pass only (the GUI, tshark -2). */
static void
render_conn(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo, const tl_conn_rec_t *rec,
            gboolean experts)
{
    const tl_conn_t *conn = &rec->conn;
    nstime_t d = ns_rel(conn->last_time_ns - conn->first_time_ns);
    proto_item *ti;
    proto_tree *st;

    ti = gen(proto_tree_add_string(t, HF(CONN_OUTCOME), tvb, 0, 0,
                                   tl_outcome_name(tl_conn_outcome(conn))));
    st = proto_item_add_subtree(ti, ett_tcplife[TCPLIFE_ETT_CONN]);
    LEAF(st, CONN_DURATION, proto_tree_add_time(st, HF(CONN_DURATION), tvb, 0, 0, &d));
    {
        tl_hs_outcome_t hs = tl_conn_handshake_outcome(conn);
        proto_item *hi = gen(proto_tree_add_string(st, HF(CONN_HANDSHAKE), tvb, 0, 0,
                                                   tl_hs_outcome_name(hs)));
        /* Known only once every frame was seen: the expert item sits in this
         * two-pass subtree, on every segment of the connection. */
        tl_anomaly_t a = hs == TCPLIFE_HS_HALF_OPEN ? TCPLIFE_ANOMALY_HANDSHAKE_HALF_OPEN
                       : hs == TCPLIFE_HS_SYN_ONLY ? TCPLIFE_ANOMALY_HANDSHAKE_SYN_ONLY
                       : TCPLIFE_ANOMALY_COUNT;

        if (a != TCPLIFE_ANOMALY_COUNT && (experts || expert_named(t, a)))
            expert_add_info(pinfo, hi, &ei_tcplife[a]);
    }
    if (tl_conn_one_sided(conn))
        LEAF(st, CONN_ONE_SIDED, proto_tree_add_boolean_format_value(st,
            HF(CONN_ONE_SIDED), tvb, 0, 0, TRUE,
            "True (only one direction captured: the other side's states are inferred "
            "from what this one acknowledges)"));
    LEAF(st, CONN_ZEEK_STATE, proto_tree_add_string(st, HF(CONN_ZEEK_STATE), tvb, 0, 0,
                                                    tl_zeek_conn_state(&rec->zeek)));
    LEAF(st, CONN_HISTORY, proto_tree_add_string_format_value(st, HF(CONN_HISTORY),
        tvb, 0, 0, tl_zeek_history(&rec->zeek), "%s%s", tl_zeek_history(&rec->zeek),
        tl_zeek_history_truncated(&rec->zeek) ? " (truncated)" : ""));
}

void
tl_tree_render_untracked(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, guint n)
{
    proto_item *top = proto_tree_add_item(tree, proto_tl, tvb, 0, 0, ENC_NA);

    proto_item_set_text(top, "TCP Lifecycle: %u TCP layer%s not tracked (header cut short, segment "
                        "shorter than its header, or no IP header in front)", n, n == 1 ? "" : "s");
    gen(top);
    expert_add_info(pinfo, top, &ei_tcplife_untracked);
}

/*
 * Rendering costs more than tracking (about 20 generated items a packet),
 * and in a run that only filters on tcp or counts with -z tcplife nothing
 * reads them: epan builds an invisible tree and fakes unreferenced items,
 * but the protocol item at the root and our text are still made. Render
 * when a reader exists: a visible tree; a tcplife field (or the protocol)
 * in a filter, column or -e (epan marks the protocol referenced then); or
 * expert info consumers (-z expert, the GUI's Expert Information, a
 * filter on _ws.expert), since the expert items hang on our items.
 */
static int expert_tap = -2, expert_proto = -1;
static const header_field_info *hfi_tl, *hfi_expert;

static void
wanted_init(void)
{
    if (expert_tap != -2)
        return;
    expert_tap = find_tap_id("expert");
    expert_proto = proto_get_id_by_filter_name("_ws.expert");
    hfi_tl = proto_registrar_get_nth(proto_tl);
    hfi_expert = expert_proto > 0 ? proto_registrar_get_nth(expert_proto) : NULL;
}

/* Expert info has readers: a visible tree, -z expert or the GUI's Expert
 * Information (the expert tap), or a filter or column on _ws.expert. */
static gboolean
experts_wanted(proto_tree *tree)
{
    wanted_init();
    return (expert_tap > 0 && have_tap_listener(expert_tap))
        || (expert_proto > 0 && proto_field_is_referenced(tree, expert_proto));
}

gboolean
tl_tree_wanted(proto_tree *tree)
{
    if (!tree)
        return FALSE;
    wanted_init();
    return tl_seam_protos_referenced(tree, hfi_tl, hfi_expert)
        || (expert_tap > 0 && have_tap_listener(expert_tap));
}

gboolean
tl_tree_wants_tcpdump(proto_tree *tree)
{
    return named(tree, TCPLIFE_HF_TCPDUMP);
}

void
tl_tree_render(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
               const tl_layer_result_t *lr, gboolean final_known)
{
    /* The tracker names related frames by ordinal: shown as numbers, and
     * not at all when the read filter hid them (tl_frames.h). */
    const tl_frames_t *frames = tl_glue_frames();
    tl_result_t numbered;
    const tl_result_t *r = &lr->r;
    tl_role_t snd = (tl_role_t)r->sender, rcv = tl_peer(snd);
    proto_item *top, *ti = NULL;
    proto_tree *t, *st;

    gboolean experts = experts_wanted(tree);   /* else each item is asked */

    if (frames->n) {
        numbered = lr->r;
        tl_result_frame_numbers(&numbered, frames);
        r = &numbered;
    }

    top = proto_tree_add_item(tree, proto_tl, tvb, 0, 0, ENC_NA);
    /* The headline is only ever read in a visible tree: a filter or -T
     * fields run builds a "fake" one and needs no text. */
    if (tl_seam_tree_visible(tree)) {
        char headline[TCPLIFE_HEADLINE_MAX];

        tl_headline(&lr->r, frames, headline, sizeof headline);
        proto_item_set_text(top, "TCP Lifecycle: %s", headline);
    }
    gen(top);
    t = proto_item_add_subtree(top, ett_tcplife[TCPLIFE_ETT_ROOT]);

    LEAF(t, STREAM, proto_tree_add_uint(t, HF(STREAM), tvb, 0, 0, lr->stream));
    LEAF(t, PHASE, proto_tree_add_string(t, HF(PHASE), tvb, 0, 0, tl_phase_name((tl_phase_t)r->phase)));
    LEAF(t, SENDER, proto_tree_add_string(t, HF(SENDER), tvb, 0, 0, role(r->sender)));
    LEAF(t, STATE_CLIENT, proto_tree_add_string(t, HF(STATE_CLIENT), tvb, 0, 0,
                                                state(r->state[TCPLIFE_ROLE_CLIENT])));
    LEAF(t, STATE_SERVER, proto_tree_add_string(t, HF(STATE_SERVER), tvb, 0, 0,
                                                state(r->state[TCPLIFE_ROLE_SERVER])));
    if (named(t, TCPLIFE_HF_TRANSITION)) {
        add_transition(t, tvb, r, snd, r->label_send);
        add_transition(t, tvb, r, rcv, r->label_recv);
    }
    if (r->api != TCPLIFE_API_NONE)
        LEAF(t, API, proto_tree_add_string(t, HF(API), tvb, 0, 0, tl_api_text((tl_api_t)r->api)));
    if (lr->tcpdump)
        LEAF(t, TCPDUMP, proto_tree_add_string(t, HF(TCPDUMP), tvb, 0, 0, lr->tcpdump));

    if (r->hs_step && tl_fields_group_named(t, TCPLIFE_RG_HANDSHAKE)) {
        ti = gen(proto_tree_add_uint(t, HF(HANDSHAKE_STEP), tvb, 0, 0, r->hs_step));
        st = proto_item_add_subtree(ti, ett_tcplife[TCPLIFE_ETT_HANDSHAKE]);
        if (r->hs_step <= 2)
            gen(proto_tree_add_uint(st, HF(HANDSHAKE_ISN), tvb, 0, 0, r->isn));
        if (r->hs_step >= 2)
            gen(proto_tree_add_uint(st, HF(HANDSHAKE_PEER_ISN), tvb, 0, 0, r->peer_isn));
        if (r->hs_ack_checked)
            gen(proto_tree_add_boolean_format_value(st, HF(HANDSHAKE_ACK_OK), tvb, 0, 0,
                r->hs_ack_ok, "%s (ack %s peer ISN %u + 1)", r->hs_ack_ok ? "True" : "False",
                r->hs_ack_ok ? "=" : "\xe2\x89\xa0", r->peer_isn));
        if (r->rel_syn)
            gen(proto_tree_add_uint(st, HF(HANDSHAKE_SYN_FRAME), tvb, 0, 0, r->rel_syn));
        if (r->rel_ack_not_taken)
            gen(proto_tree_add_uint(st, HF(HANDSHAKE_ACK_NOT_TAKEN), tvb, 0, 0, r->rel_ack_not_taken));
        if (r->hs_retry) {
            nstime_t d = ns_rel(r->hs_backoff_ns), e;
            gint64 expected;
            tl_backoff_t b = tl_backoff_verdict(r->hs_step == 2, r->hs_retry, r->hs_backoff_ns, &expected);
            e = ns_rel(expected);
            gen(proto_tree_add_uint(st, HF(HANDSHAKE_RETRY), tvb, 0, 0, r->hs_retry));
            gen(proto_tree_add_time(st, HF(HANDSHAKE_BACKOFF), tvb, 0, 0, &d));
            gen(proto_tree_add_time(st, HF(HANDSHAKE_BACKOFF_EXPECTED), tvb, 0, 0, &e));
            gen(proto_tree_add_string(st, HF(HANDSHAKE_BACKOFF_VERDICT), tvb, 0, 0, tl_backoff_text(b)));
            gen(proto_tree_add_string(st, HF(HANDSHAKE_BACKOFF_STACKS), tvb, 0, 0,
                                      stacks_text(pinfo->pool, r->backoff_stacks)));
        }
    }
    if (r->td_started && tl_fields_group_named(t, TCPLIFE_RG_TEARDOWN)) {
        st = t;
        if (r->td_step) {
            ti = gen(proto_tree_add_uint(t, HF(TEARDOWN_STEP), tvb, 0, 0, r->td_step));
            st = proto_item_add_subtree(ti, ett_tcplife[TCPLIFE_ETT_TEARDOWN]);
        }
        if (r->td_kind)
            gen(proto_tree_add_string(st, HF(TEARDOWN_KIND), tvb, 0, 0,
                                      tl_teardown_name((tl_teardown_t)r->td_kind)));
        gen(proto_tree_add_string(st, HF(TEARDOWN_INITIATOR), tvb, 0, 0, role(r->td_initiator)));
        if (r->rel_fin)
            gen(proto_tree_add_uint(st, HF(TEARDOWN_FIN_FRAME), tvb, 0, 0, r->rel_fin));
    }
    if (r->rel_prev)
        LEAF(t, PREV_FRAME, proto_tree_add_uint(t, HF(PREV_FRAME), tvb, 0, 0, r->rel_prev));
    render_options(t, tvb, lr);
    if ((r->half_close || r->hc_duration_valid) && tl_fields_group_named(t, TCPLIFE_RG_HALF_CLOSE))
        render_half_close(t, tvb, r);
    if (r->rst_kind != TCPLIFE_RST_NONE && tl_fields_group_named(t, TCPLIFE_RG_RST))
        render_rst(t, tvb, r);
    if ((r->tw_holder != TCPLIFE_TW_NONE || r->tw_reuse) && tl_fields_group_named(t, TCPLIFE_RG_TIME_WAIT))
        render_time_wait(t, tvb, lr);
    if (final_known)
        render_conn(t, tvb, pinfo, lr->rec, experts);
    if (r->keepalive != TCPLIFE_KA_NONE)
        LEAF(t, KEEPALIVE, proto_tree_add_string(t, HF(KEEPALIVE), tvb, 0, 0,
                                                 tl_keepalive_name((tl_keepalive_t)r->keepalive)));
    if (r->rel_ka)
        LEAF(t, KEEPALIVE_PROBE_FRAME, proto_tree_add_uint(t, HF(KEEPALIVE_PROBE_FRAME), tvb, 0, 0,
                                                           r->rel_ka));
    if (r->dup_of)
        LEAF(t, DUPLICATE, proto_tree_add_uint(t, HF(DUPLICATE), tvb, 0, 0, r->dup_of));
    if (tl_result_forged_frame(r))
        LEAF(t, RST_FORGED_FRAME, proto_tree_add_uint(t, HF(RST_FORGED_FRAME), tvb, 0, 0,
                                                      tl_result_forged_frame(r)));
    /* Flags, as Wireshark's own analysis flags: present only when true. */
    if (r->midstream)
        LEAF(t, MIDSTREAM, proto_tree_add_boolean(t, HF(MIDSTREAM), tvb, 0, 0, TRUE));
    if (r->roles_inferred)
        LEAF(t, ROLES_INFERRED, proto_tree_add_boolean(t, HF(ROLES_INFERRED), tvb, 0, 0, TRUE));

    /* Expert items: for a visible tree, the expert consumers, or a filter
     * on the item. */
    for (guint i = 0; i < r->n_anomalies; i++)
        if (experts || expert_named(t, (tl_anomaly_t)r->anomalies[i]))
            expert_add_info(pinfo, top, &ei_tcplife[r->anomalies[i]]);
    /* Never a guess: the hidden frames could not all be kept (out of
     * memory), so a related frame's number may be off. */
    if (frames->lost)
        expert_add_info(pinfo, top, &ei_tcplife_frames_lost);
}
