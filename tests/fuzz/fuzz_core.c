/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_core.c - libFuzzer harness of the tracker core.
 *
 * Turns input bytes into a stream of segments for up to four connections
 * ("slots", each one 4-tuple) and feeds them to tl_conn_observe() and
 * tl_zeek_observe() the way the epan glue does, including
 * tl_conn_observe_on_tuple() with the previous connection when a slot's
 * 4-tuple is reused by a new connection (a new tcp.stream in epan). After every segment it checks invariants that
 * SPEC.md and tl_core.h promise and abort()s on a violation, so libFuzzer
 * (or tests/fuzz/replay.c) reports it as a crash.
 *
 * Input format (docs/reliability.md has the same with examples; the seed
 * corpus is written by tests/fuzz/make-corpus.sh, which must follow it):
 *
 *   header, 5 bytes
 *     h0  bits 0-1  slots - 1 (1..4 connections)
 *         bit  2    IPv6 addresses (else IPv4)
 *         bit  3    addresses unknown (family 0: the glue found no IP layer)
 *         bit  4    slot 0 is a self-connection (same address and port on
 *                   both sides, like a TCP self-connect on 127.0.0.1)
 *         bits 5-6  TIME_WAIT: 60 s, 240 s, 0 s, 1 s
 *         bit  7    records may carry the extension byte b3 (below); without
 *                   it b2 bit 7 means nothing, as in the first version of
 *                   this format (the regression inputs found with it)
 *     h1..h4        ISN base, little endian (each slot/side derives its ISN)
 *
 *   then records, one segment each, until the input ends:
 *     b0  bits 0-1  slot;  bit 2  direction (0: a->b, 1: b->a)
 *         bit  3    reopen: this segment starts a new connection on the slot's
 *                   4-tuple (the old one is kept for the TIME_WAIT reuse check)
 *         bits 4-5  seq mode, bits 6-7 ack mode:
 *                   0  next + int8      (1 byte; next = the sender's highest
 *                                        sequence end so far, for ack: the peer's)
 *                   1  ISN + uint16     (2 bytes; for ack: the peer's ISN)
 *                   2  next + int16 * 65536  (2 bytes: big jumps, wraps)
 *                   3  absolute uint32  (4 bytes)
 *     b1            TCP flags, low 8 bits (FIN SYN RST PSH ACK URG ECE CWR)
 *     b2  bit 0 MSS, 1 window scale, 2 SACK permitted, 3 timestamps,
 *         bit 4 AE flag (0x100), bit 5 zero window, bit 6 the reserved
 *         flag bits (0xe00), bit 7 (with h0 bit 7) an extension byte b3 follows:
 *     b3  bit 0 TFO option (a cookie length byte follows the others),
 *         bit 1 MD5 option, bit 2 TCP-AO option, bit 3 urgent pointer
 *         (uint16 follows), bit 4 raw option bytes follow (a length byte,
 *         at most 40 used, then the bytes: what tl_tcpdump_format() parses),
 *         bits 5-6 the tcpdump buffer: 256, 17, 1 or 0 bytes, bit 7 the
 *         options were cut by a snaplen (a byte follows the option bytes:
 *         opt_cut, at most 40 in all with them)
 *     seq operand, ack operand (sizes as above)
 *     len  1 byte L: L < 0xfd: L; 0xfd: uint16 follows; 0xfe: uint32
 *          follows; 0xff: 1448
 *     dt   1 byte T: 0xff: the clock goes back 1 s; else
 *          (T & 31) * 10^(T >> 5) microseconds after the previous segment
 *     [b3] [mss uint16] [wscale uint8] [tsval delta uint8] [tfo cookie length
 *     uint8] [urp uint16] [option length uint8, option bytes] [opt_cut
 *     uint8]   as flagged
 * A record cut short by the end of the input is dropped.
 *
 * Times stay within [0, 2^62] ns (a pcap's 32-bit seconds end near 2^62),
 * so time arithmetic in the core cannot overflow on valid captures.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcplife/tl_core.h"
#include "tcplife/tl_pack.h"
#include "tcplife/tl_zeek.h"

#define MAX_SLOTS 4

typedef struct {
    uint32_t isn;
    uint32_t next;              /* highest seq + len (+SYN/FIN) sent so far */
    uint32_t ts;                /* TSval clock */
    bool     seen;              /* sent a segment yet */
} side_t;

/* What the invariants remember about one connection between segments. */
typedef struct {
    tl_conn_t conn;             /* a copy of the connection before the segment */
    int       last_td_step;     /* highest teardown step reported so far */
    uint32_t  hc_bytes[TCPLIFE_ROLE_COUNT];
    bool      reported_ended;   /* a segment was reported as reset or closed */
} shadow_t;

typedef struct {
    bool      used;
    tl_addr_t addr[2];
    uint16_t  port[2];
    side_t    side[2];
    tl_conn_t conn;
    tl_zeek_t zeek;
    shadow_t  sh;
    bool      has_prev;
    tl_conn_t prev;             /* the previous connection on this 4-tuple */
} slot_t;

typedef struct {
    const uint8_t *p, *end;
} reader_t;

static bool
rd(reader_t *r, void *out, size_t n)
{
    if ((size_t)(r->end - r->p) < n)
        return false;
    memcpy(out, r->p, n);           /* little endian host assumed (x86, arm) */
    r->p += n;
    return true;
}

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "fuzz_core: invariant violated at segment %u: %s "  \
                    "(%s:%d)\n", frame, #cond, __FILE__, __LINE__);             \
            abort();                                                            \
        }                                                                       \
    } while (0)

static void
make_addr(tl_addr_t *a, int family, uint8_t host)
{
    memset(a, 0, sizeof *a);
    if (family == 4) {
        a->family = 4;
        a->bytes[0] = 192; a->bytes[1] = 0; a->bytes[2] = 2; a->bytes[3] = host;
    } else if (family == 6) {
        a->family = 6;
        a->bytes[0] = 0x20; a->bytes[1] = 0x01; a->bytes[2] = 0x0d; a->bytes[3] = 0xb8;
        a->bytes[15] = host;
    }
}

static bool
name_ok(const char *s)
{
    return s != NULL && strcmp(s, "?") != 0;
}

/* Was this FIN's own ACK captured before it (two teardown steps at once)?
 * The anomaly says so, unless the verdict's anomaly list was already full
 * (TCPLIFE_MAX_ANOMALIES: later anomalies are dropped): then it may be so. */
static bool
ack_before_fin(const tl_result_t *r)
{
    return tl_result_has_anomaly(r, TCPLIFE_ANOMALY_TEARDOWN_ACK_BEFORE_FIN)
        || ((r->flags & TCPLIFE_F_FIN) && r->n_anomalies == TCPLIFE_MAX_ANOMALIES);
}

/* Invariants of one verdict on its own (the segment, and the result). */
static void
check_result(unsigned frame, const tl_segment_t *seg, const tl_result_t *r)
{
    CHECK(r->flags == seg->flags);
    CHECK(r->len == seg->len);
    CHECK(r->phase > TCPLIFE_PHASE_NONE && r->phase < TCPLIFE_PHASE_COUNT);
    CHECK(r->sender < TCPLIFE_ROLE_COUNT);
    for (int i = 0; i < TCPLIFE_ROLE_COUNT; i++) {
        CHECK(r->state[i] < TCPLIFE_STATE_COUNT);
        CHECK(r->prev_state[i] < TCPLIFE_STATE_COUNT);
        CHECK(name_ok(tl_state_name((tl_state_t)r->state[i])));
    }
    CHECK(r->label_send < TCPLIFE_LABEL_COUNT && r->label_recv < TCPLIFE_LABEL_COUNT);
    CHECK(r->api < TCPLIFE_API_COUNT);
    CHECK(name_ok(tl_phase_name((tl_phase_t)r->phase)));
    CHECK(name_ok(tl_role_name((tl_role_t)r->sender)));
    CHECK(name_ok(tl_label_text((tl_label_t)r->label_send)));
    CHECK(name_ok(tl_label_text((tl_label_t)r->label_recv)));
    CHECK(name_ok(tl_api_text((tl_api_t)r->api)));

    /* Handshake steps: 1 SYN, 2 SYN-ACK, 3 the ACK completing it. */
    CHECK(r->hs_step <= 3);
    if (r->hs_step == 1)
        CHECK((seg->flags & (TCPLIFE_F_SYN | TCPLIFE_F_ACK)) == TCPLIFE_F_SYN);
    if (r->hs_step == 2)
        CHECK((seg->flags & (TCPLIFE_F_SYN | TCPLIFE_F_ACK)) == (TCPLIFE_F_SYN | TCPLIFE_F_ACK));
    if (r->hs_step == 3)
        CHECK((seg->flags & (TCPLIFE_F_SYN | TCPLIFE_F_ACK | TCPLIFE_F_RST)) == TCPLIFE_F_ACK);
    CHECK(!r->hs_ack_ok || r->hs_ack_checked);
    CHECK(!r->hs_ack_checked || r->hs_step >= 2);
    CHECK(r->hs_retry == 0 || r->hs_step == 1 || r->hs_step == 2);
    /* A handshake step is reported in the handshake phase, unless it comes
     * after the end (closed) or carries RST (reset). */
    if (r->hs_step)
        CHECK(r->phase == TCPLIFE_PHASE_HANDSHAKE || r->phase == TCPLIFE_PHASE_CLOSED);

    /* Teardown: at most two FINs and two FIN acknowledgements. */
    CHECK(r->td_step <= 4);
    if (r->td_step)
        CHECK(seg->flags & (TCPLIFE_F_FIN | TCPLIFE_F_ACK));
    CHECK(r->td_kind < TCPLIFE_TEARDOWN_COUNT);
    CHECK(name_ok(tl_teardown_name((tl_teardown_t)r->td_kind)));
    CHECK(r->td_kind == TCPLIFE_TEARDOWN_NONE || r->td_started);
    if (r->td_started)
        CHECK(r->td_initiator < TCPLIFE_ROLE_COUNT);
    CHECK(!r->fin_retrans || (seg->flags & TCPLIFE_F_FIN));

    /* Anomalies: valid, never NONE, never twice. */
    CHECK(r->n_anomalies <= TCPLIFE_MAX_ANOMALIES);
    for (unsigned i = 0; i < r->n_anomalies; i++) {
        CHECK(r->anomalies[i] > TCPLIFE_ANOMALY_NONE && r->anomalies[i] < TCPLIFE_ANOMALY_COUNT);
        CHECK(name_ok(tl_anomaly_text((tl_anomaly_t)r->anomalies[i])));
        CHECK(tl_anomaly_severity((tl_anomaly_t)r->anomalies[i]) >= 0
              && tl_anomaly_severity((tl_anomaly_t)r->anomalies[i]) <= 3);
        for (unsigned j = 0; j < i; j++)
            CHECK(r->anomalies[i] != r->anomalies[j]);
    }

    /* RST: every RST gets a kind, nothing else does. */
    CHECK(r->rst_kind < TCPLIFE_RST_COUNT);
    CHECK(name_ok(tl_rst_kind_name((tl_rst_kind_t)r->rst_kind)));
    CHECK((r->rst_kind != TCPLIFE_RST_NONE) == ((seg->flags & TCPLIFE_F_RST) != 0));
    CHECK(r->phase == TCPLIFE_PHASE_RESET ? (seg->flags & TCPLIFE_F_RST) != 0
                                     : (seg->flags & TCPLIFE_F_RST) == 0);
    CHECK(!r->rst_unread_data || r->rst_kind == TCPLIFE_RST_UNREAD_DATA);
    /* Every (state, event) pair the core can meet has a rule in tl_fsm.c
     * (test_fsm.c pins each cell): none may fall through to "unexpected". */
    CHECK(!tl_result_has_anomaly(r, TCPLIFE_ANOMALY_UNEXPECTED));
    CHECK(r->label_send != TCPLIFE_LABEL_UNEXPECTED && r->label_recv != TCPLIFE_LABEL_UNEXPECTED);
    /* The RST's rule decides its kind; reason, keepalive label and stacks
     * stay inside their vocabularies. */
    CHECK(r->rst_rule < TCPLIFE_RULE_COUNT && r->rst_reason < TCPLIFE_REASON_COUNT);
    CHECK(tl_rst_rule_kind((tl_rst_rule_t)r->rst_rule) == (tl_rst_kind_t)r->rst_kind);
    CHECK(name_ok(tl_rst_reason_name((tl_rst_reason_t)r->rst_reason)));
    CHECK(r->rst_kind == TCPLIFE_RST_NONE || name_ok(tl_rst_rule_text((tl_rst_rule_t)r->rst_rule)));
    CHECK(r->keepalive < TCPLIFE_KA_COUNT && name_ok(tl_keepalive_name((tl_keepalive_t)r->keepalive)));
    CHECK(r->backoff_stacks < (1u << TCPLIFE_STACK_COUNT));
    CHECK(!r->dup_of || (r->dup_of < seg->frame && r->n_anomalies >= 1));
    /* Unread bytes only in the kinds that end a live connection. */
    CHECK(r->rst_unread_bytes == 0 || r->rst_kind != TCPLIFE_RST_STRAY);
    CHECK(r->rst_unread_bytes == 0 || r->rst_kind != TCPLIFE_RST_REFUSED);

    /* Half-close: only payload, only with the byte count. */
    if (r->half_close)
        CHECK(seg->len > 0);
    CHECK(!r->hc_duration_valid || (seg->flags & TCPLIFE_F_FIN));

    CHECK(r->tw_holder < TCPLIFE_TW_COUNT);
    CHECK(name_ok(tl_tw_holder_name((tl_tw_holder_t)r->tw_holder)));
    if (r->tw_reuse) {
        CHECK(tl_result_has_anomaly(r, TCPLIFE_ANOMALY_TIME_WAIT_REUSE));
        CHECK(r->tw_reuse_left_ns > 0);
        CHECK(!r->tw_reuse_ts_newer || r->tw_reuse_ts_known);
    }
    CHECK(!tl_result_has_anomaly(r, TCPLIFE_ANOMALY_TIME_WAIT_REUSE_REJECTABLE) || r->tw_reuse);
}

/* Invariants across segments of one connection: before (sh->conn) and after. */
static void
check_conn(unsigned frame, shadow_t *sh, const tl_conn_t *c, const tl_result_t *r)
{
    const tl_conn_t *b = &sh->conn;
    /* What may undo an end: evidence that it was not one, each named by an
     * anomaly on the segment that shows it (tl_conn.c). */
    bool ack_lost = tl_result_has_anomaly(r, TCPLIFE_ANOMALY_TEARDOWN_FINAL_ACK_LOST);
    bool reopened = ack_lost || tl_result_has_anomaly(r, TCPLIFE_ANOMALY_HANDSHAKE_RETRY_AFTER_REFUSED)
                    || tl_result_has_anomaly(r, TCPLIFE_ANOMALY_RESET_SENDER_CONTINUES);

    CHECK(c->started);
    CHECK(c->segments == b->segments + 1);          /* never wraps in a run */
    for (int i = 0; i < TCPLIFE_ROLE_COUNT; i++) {
        const tl_endpoint_t *e = &c->ep[i], *o = &b->ep[i];

        CHECK(e->state < TCPLIFE_STATE_COUNT);
        /* Before its first segment a connection has no state to report:
         * the first segment itself decides it (mid-stream, roles). */
        if (b->started)
            CHECK(r->prev_state[i] == o->state);
        CHECK(r->state[i] == e->state);
        /* An ISN, once known, is kept: a SYN with another one is an anomaly. */
        if (o->isn_known)
            CHECK(e->isn_known && e->isn == o->isn);
        /* A FIN, once seen, stays; its sequence number too. */
        if (o->fin_sent)
            CHECK(e->fin_sent && e->fin_seq == o->fin_seq);
        if (o->fin_acked)
            CHECK(e->fin_acked || ack_lost);
        /* Counters never wrap: half-close bytes only grow. */
        CHECK(e->bytes_after_peer_fin >= o->bytes_after_peer_fin);
        if (o->syn_count)
            CHECK(e->syn_count >= 1);
    }
    /* Half-close bytes reported per direction never go down. */
    if (r->half_close) {
        CHECK(r->hc_bytes >= sh->hc_bytes[r->sender]);
        sh->hc_bytes[r->sender] = r->hc_bytes;
    }

    /* Teardown: started once, initiator and kind fixed once set, steps
     * counted upwards, at most four. */
    CHECK(c->teardown_steps >= b->teardown_steps && c->teardown_steps <= 4);
    /* One step per segment, two when a FIN arrives after its own ACK was
     * captured (the ACK's step is counted with the FIN). */
    CHECK(c->teardown_steps <= b->teardown_steps + (ack_before_fin(r) ? 2 : 1));
    if (b->teardown_started)
        CHECK(c->teardown_started && c->teardown_initiator == b->teardown_initiator);
    if (b->teardown_kind != TCPLIFE_TEARDOWN_NONE)
        CHECK(c->teardown_kind == b->teardown_kind);
    CHECK(c->teardown_kind == TCPLIFE_TEARDOWN_NONE || c->teardown_started);
    if (r->td_step) {
        CHECK(r->td_step == c->teardown_steps
              || (ack_before_fin(r) && r->td_step + 1 == c->teardown_steps));
        CHECK(r->td_step > sh->last_td_step);
        sh->last_td_step = r->td_step;
    }
    CHECK(r->td_kind == c->teardown_kind);

    /* Handshake done is lost only when the server shows it ignored the
     * handshake ACK (a SYN-ACK retransmitted after it); roles and mid-stream
     * pickup never change. */
    if (b->handshake_done && !c->handshake_done)
        CHECK(c->synack_after_ack);
    if (b->started) {
        /* A SYN captured after its SYN-ACK names the roles after all. */
        CHECK(c->roles_inferred == b->roles_inferred
              || (!c->roles_inferred && tl_result_has_anomaly(r, TCPLIFE_ANOMALY_HANDSHAKE_SYN_REORDERED)));
        CHECK(c->midstream == b->midstream);
        CHECK(memcmp(&c->ep[0].addr, &b->ep[0].addr, sizeof c->ep[0].addr) == 0);
        CHECK(c->ep[0].port == b->ep[0].port && c->ep[1].port == b->ep[1].port);
    }

    /* Phases (SPEC "Phases"): the end is final. Once a connection ended
     * (both FINs acknowledged, or a RST), every later segment on it is
     * "closed" or "reset"; a new connection on the same 4-tuple is a new
     * tl_conn_t (a new tcp.stream), which starts over. */
    if (reopened)
        sh->reported_ended = false;
    if (b->ended && !reopened) {
        CHECK(c->ended);
        CHECK(r->phase == TCPLIFE_PHASE_CLOSED || r->phase == TCPLIFE_PHASE_RESET);
    }
    if (sh->reported_ended)
        CHECK(r->phase == TCPLIFE_PHASE_CLOSED || r->phase == TCPLIFE_PHASE_RESET);
    /* A RST the receiver ignores (RFC 5961, not at RCV.NXT) is reported as
     * "reset" but ends nothing: only a real end makes later phases final. */
    if ((r->phase == TCPLIFE_PHASE_CLOSED || r->phase == TCPLIFE_PHASE_RESET) && c->ended)
        sh->reported_ended = true;
    CHECK(!c->reset || c->ended);
    if (b->reset && !reopened)
        CHECK(c->reset && c->reset_kind == b->reset_kind
              && c->reset_sender == b->reset_sender && c->reset_frame == b->reset_frame);
    if (b->reset && reopened)
        CHECK(!c->reset || c->reset_kind == TCPLIFE_RST_INJECTED);
    /* Once the teardown started, the connection is never "established"
     * again; once the handshake is done, only a SYN or SYN-ACK (step 1 or
     * 2, e.g. a retransmission) is reported as handshake. */
    if (c->teardown_started)
        CHECK(r->phase != TCPLIFE_PHASE_ESTABLISHED);
    if (b->handshake_done && r->phase == TCPLIFE_PHASE_HANDSHAKE)
        CHECK(r->hs_step != 0);
    if (b->tw_holder != TCPLIFE_TW_NONE)
        CHECK(c->tw_holder == b->tw_holder && c->tw_start_ns == b->tw_start_ns);
    CHECK(c->tw_holder < TCPLIFE_TW_COUNT);
    /* TIME_WAIT is held once the last FIN is acknowledged; a FIN sent again
     * after that ACK reopens the teardown until it is acknowledged again. */
    CHECK(c->tw_holder == TCPLIFE_TW_NONE || c->ended || c->ep[0].fin_reacked || c->ep[1].fin_reacked);

    CHECK(name_ok(tl_outcome_name(tl_conn_outcome(c))));
    CHECK(tl_conn_outcome(c) < TCPLIFE_OUTCOME_COUNT);
}

static void
check_zeek(unsigned frame, const tl_zeek_t *z, uint16_t old_len)
{
    const char *h = tl_zeek_history(z);
    size_t n = strlen(h);

    CHECK(z->started);
    CHECK(z->hist_len <= TCPLIFE_ZEEK_HISTORY_MAX && n == z->hist_len);
    CHECK(z->hist_len >= old_len);
    for (size_t i = 0; i < n; i++)
        CHECK(h[i] != '\0' && strchr("SHADFRTGWIQshadfrtgwiq^", h[i]) != NULL);
    CHECK(!z->hist_truncated || z->hist_len == TCPLIFE_ZEEK_HISTORY_MAX);
    CHECK(tl_zeek_conn_state_id(z) < TCPLIFE_ZEEK_CONN_STATE_COUNT);
    CHECK(name_ok(tl_zeek_conn_state(z)));
    CHECK(z->ep[0].is_orig != z->ep[1].is_orig);
    for (int i = 0; i < 2; i++) {
        CHECK(z->ep[i].state < TCPLIFE_ZEEK_EP_COUNT && z->ep[i].prev_state < TCPLIFE_ZEEK_EP_COUNT);
        CHECK(z->ep[i].n_blocks <= TCPLIFE_ZEEK_MAX_BLOCKS);
    }
    CHECK(tl_zeek_ep_state(z, true) < TCPLIFE_ZEEK_EP_COUNT);
    CHECK(name_ok(tl_zeek_ep_state_name(tl_zeek_ep_state(z, false))));
}

/*
 * The views the glue derives from a connection: tcpdump notation (into a
 * buffer of exactly cap bytes, so ASan sees any write beyond it), the
 * negotiated options, the backoff verdict and the batch summary.
 */
static void
check_views(unsigned frame, tl_conn_t *c, const tl_config_t *cfg, const tl_segment_t *seg,
            const tl_result_t *r, unsigned bufsel)
{
    static const size_t caps[4] = { 256, 17, 1, 0 };
    size_t cap = caps[bufsel], need;
    char *buf = malloc(cap ? cap : 1);
    tl_summary_t sum;

    CHECK(buf != NULL);
    {
        /* The glue only advances the numbering when no text is shown. The
         * options in a buffer of their exact size: ASan sees a read past
         * opt_len (the cut bytes, the payload). */
        tl_tcpdump_t adv = c->tcpdump;
        tl_segment_t exact = *seg;
        uint8_t *o = NULL;

        if (seg->opt_bytes && seg->opt_len) {
            o = malloc(seg->opt_len);
            CHECK(o != NULL);
            memcpy(o, seg->opt_bytes, seg->opt_len);
            exact.opt_bytes = o;
        }
        tl_tcpdump_advance(&adv, seg);
        need = tl_tcpdump_format(&c->tcpdump, &exact, buf, cap);
        CHECK(adv.have == c->tcpdump.have && adv.seq_base == c->tcpdump.seq_base
              && adv.ack_base == c->tcpdump.ack_base);
        free(o);
    }
    if (cap) {
        size_t n = strlen(buf);         /* NUL-terminated within cap */
        CHECK(n < cap && n == (need < cap ? need : cap - 1));
    }
    CHECK(need < 512);                  /* the glue's TCPLIFE_TCPDUMP_MAX: never cut */
    free(buf);

    if (r->opts_known) {
        tl_negotiated_t ng;
        tl_conn_negotiated(c, &ng);
        CHECK(ng.tfo < TCPLIFE_TFO_COUNT && name_ok(tl_tfo_name(ng.tfo)));
        CHECK(ng.auth < TCPLIFE_AUTH_COUNT && name_ok(tl_auth_name(ng.auth)));
    }
    if (r->hs_retry) {
        int64_t expected = 0;
        tl_backoff_t b = tl_backoff_verdict(r->hs_step == 2, r->hs_retry, r->hs_backoff_ns,
                                            &expected);
        CHECK(b < TCPLIFE_BACKOFF_COUNT && name_ok(tl_backoff_text(b)));
    }
    tl_conn_summarize(c, cfg, &sum);
    CHECK(sum.outcome < TCPLIFE_OUTCOME_COUNT && sum.outcome == tl_conn_outcome(c));
    CHECK(sum.handshake < TCPLIFE_HS_COUNT && name_ok(tl_hs_outcome_name(sum.handshake)));
    CHECK(sum.handshake == tl_conn_handshake_outcome(c));
    CHECK(sum.teardown_kind < TCPLIFE_TEARDOWN_COUNT && sum.rst_kind < TCPLIFE_RST_COUNT);
    CHECK(sum.tw_holder < TCPLIFE_TW_COUNT && sum.initiator < TCPLIFE_ROLE_COUNT);
    CHECK(sum.final_state[0] < TCPLIFE_STATE_COUNT && sum.final_state[1] < TCPLIFE_STATE_COUNT);
    CHECK(!sum.reset || sum.rst_kind != TCPLIFE_RST_NONE);
}

/* The verdict the glue stores per frame comes back byte for byte. */
static void
check_pack(unsigned frame, const tl_result_t *r)
{
    uint8_t buf[TCPLIFE_PACKED_MAX];
    tl_result_t back;
    size_t n = tl_pack_result(r, buf);

    CHECK(n > 0 && n <= TCPLIFE_PACKED_MAX);
    memset(&back, 0x5a, sizeof back);
    CHECK(tl_unpack_result(buf, n, &back) == n);
    CHECK(memcmp(&back, r, sizeof back) == 0);
    CHECK(tl_unpack_result(buf, n - 1, &back) == 0 || n == 1);
}

/* Stored relative to its segment (tl_result_relative()), the verdict comes
 * back byte for byte, whatever the frame, time and numbers. */
static void
check_relative(unsigned frame, const tl_result_t *r, const tl_segment_t *seg)
{
    tl_relative_t rel = { seg->frame, seg->time_ns, (seg->frame & 1) != 0, seg->seq, seg->ack };
    tl_result_t t = *r;

    tl_result_relative(&t, &rel, true);
    tl_result_relative(&t, &rel, false);
    CHECK(memcmp(&t, r, sizeof t) == 0);
    /* A frame number at the top of the range wraps, still exactly. */
    rel.frame = UINT32_MAX - (seg->frame & 3);
    tl_result_relative(&t, &rel, true);
    tl_result_relative(&t, &rel, false);
    CHECK(memcmp(&t, r, sizeof t) == 0);
}

/* The segment as header bytes, read back as the glue reads epan's `tcp`
 * item: whole, and cut at a length picked by the frame number (a snaplen). */
static void
check_header(unsigned frame, const tl_segment_t *seg)
{
    uint8_t h[60];
    size_t n = seg->opt_bytes ? seg->opt_len : 0, hl = (TCPLIFE_TCP_HDR_MIN + n + 3) & ~(size_t)3;
    size_t cuts[2];

    memset(h, 0, sizeof h);
    h[0] = (uint8_t)(seg->sport >> 8); h[1] = (uint8_t)seg->sport;
    h[2] = (uint8_t)(seg->dport >> 8); h[3] = (uint8_t)seg->dport;
    for (int i = 0; i < 4; i++) {
        h[4 + i] = (uint8_t)(seg->seq >> (24 - 8 * i));
        h[8 + i] = (uint8_t)(seg->ack >> (24 - 8 * i));
    }
    h[12] = (uint8_t)((hl / 4) << 4 | ((seg->flags >> 8) & 0x0f));
    h[13] = (uint8_t)seg->flags;
    h[14] = (uint8_t)(seg->win >> 8); h[15] = (uint8_t)seg->win;
    h[18] = (uint8_t)(seg->urp >> 8); h[19] = (uint8_t)seg->urp;
    if (n)
        memcpy(h + TCPLIFE_TCP_HDR_MIN, seg->opt_bytes, n);
    cuts[0] = hl;
    cuts[1] = frame % (hl + 1);
    for (int k = 0; k < 2; k++) {
        tl_segment_t p;
        size_t got;

        memset(&p, 0, sizeof p);
        got = tl_parse_tcp_header(h, cuts[k], &p);
        if (cuts[k] < TCPLIFE_TCP_HDR_MIN) {
            CHECK(got == 0);
            continue;
        }
        CHECK(got == hl);
        CHECK(p.sport == seg->sport && p.dport == seg->dport && p.seq == seg->seq);
        CHECK(p.flags == (seg->flags & 0x0fff) && p.win == (seg->win & 0xffff) && p.urp == seg->urp);
        CHECK(p.ack == ((seg->flags & TCPLIFE_F_ACK) ? seg->ack : 0));
        CHECK(p.opt_len <= cuts[k] - TCPLIFE_TCP_HDR_MIN && p.opt_len <= 40);
        CHECK(p.opt_len + p.opt_cut == hl - TCPLIFE_TCP_HDR_MIN);     /* declared = captured + cut */
        CHECK(!p.opt_len || p.opt_bytes == h + TCPLIFE_TCP_HDR_MIN);
        CHECK(!(p.has_mss || p.has_wscale || p.sack_perm || p.has_ts || p.tfo || p.md5 || p.ao)
              || p.opt_len > 0);
    }
}

/* A 4-tuple is the same whichever direction the segment went. */
static void
check_tuple(unsigned frame, const tl_segment_t *seg)
{
    tl_segment_t rev = *seg;
    tl_tuple_t a, b;

    rev.src = seg->dst; rev.dst = seg->src;
    rev.sport = seg->dport; rev.dport = seg->sport;
    tl_tuple_of(seg, &a);
    tl_tuple_of(&rev, &b);
    CHECK(tl_tuple_equal(&a, &b) && tl_tuple_hash(&a) == tl_tuple_hash(&b));
}

static uint32_t
operand(reader_t *rd_, unsigned mode, uint32_t isn, uint32_t next, bool *ok)
{
    uint8_t b8 = 0;
    uint16_t b16 = 0;
    uint32_t b32 = 0;

    switch (mode) {
    case 0:
        *ok = rd(rd_, &b8, 1);
        return next + (uint32_t)(int32_t)(int8_t)b8;
    case 1:
        *ok = rd(rd_, &b16, 2);
        return isn + b16;
    case 2:
        *ok = rd(rd_, &b16, 2);
        return next + ((uint32_t)(int32_t)(int16_t)b16 << 16);
    default:
        *ok = rd(rd_, &b32, 4);
        return b32;
    }
}

static void
slot_open(slot_t *s, uint32_t isn_base, unsigned idx)
{
    for (int d = 0; d < 2; d++) {
        s->side[d].isn = isn_base ^ (0x9e3779b9u * (2 * idx + (unsigned)d));
        s->side[d].next = s->side[d].isn;
        s->side[d].ts = 1000u * (idx + 1) + 7u * (unsigned)d;
    }
    tl_conn_init(&s->conn);
    tl_zeek_init(&s->zeek);
    memset(&s->sh, 0, sizeof s->sh);
    s->sh.conn = s->conn;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int64_t tw_ns[4] = { INT64_C(60000000000), INT64_C(240000000000), 0,
                                      INT64_C(1000000000) };
    static const uint32_t pow10[8] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000 };
    reader_t r = { data, data + size };
    slot_t slots[MAX_SLOTS];
    tl_config_t cfg;
    uint8_t h0;
    uint32_t isn_base;
    unsigned nslots, frame = 0;
    int family;
    int64_t now = INT64_C(1700000000) * 1000000000;

    if (!rd(&r, &h0, 1) || !rd(&r, &isn_base, 4))
        return 0;
    nslots = (h0 & 3u) + 1;
    family = (h0 & 8) ? 0 : (h0 & 4) ? 6 : 4;
    cfg.time_wait_ns = tw_ns[(h0 >> 5) & 3];

    memset(slots, 0, sizeof slots);
    for (unsigned i = 0; i < nslots; i++) {
        slot_t *s = &slots[i];
        bool self = i == 0 && (h0 & 16);
        s->used = true;
        make_addr(&s->addr[0], family, 1);
        make_addr(&s->addr[1], family, self ? 1 : 2);
        s->port[0] = self ? 5000 : (uint16_t)(40000 + i);
        /* slot 3: two ephemeral ports, roles from the lower port only */
        s->port[1] = self ? 5000 : (uint16_t)(i == 3 ? 40100 : 80 + i);
        slot_open(s, isn_base, i);
    }

    for (;;) {
        uint8_t b0, b1, b2, b3 = 0, lb, tb;
        uint8_t opts[40];
        unsigned si, dir;
        slot_t *s;
        side_t *snd, *rcv;
        tl_segment_t seg;
        tl_result_t res;
        bool ok = true, first;
        uint16_t zlen;

        if (!rd(&r, &b0, 1) || !rd(&r, &b1, 1) || !rd(&r, &b2, 1))
            break;
        if ((h0 & 128) && (b2 & 128) && !rd(&r, &b3, 1))
            break;
        si = (b0 & 3u) % nslots;
        dir = (b0 >> 2) & 1u;
        s = &slots[si];
        snd = &s->side[dir];
        rcv = &s->side[!dir];

        memset(&seg, 0, sizeof seg);
        /* tcp.flags is 12 bits: AE and the three reserved bits too. */
        seg.flags = (uint16_t)(b1 | ((b2 & 16) ? TCPLIFE_F_AE : 0) | ((b2 & 64) ? 0xe00 : 0));
        seg.seq = operand(&r, (b0 >> 4) & 3u, snd->isn, snd->next, &ok);
        if (!ok)
            break;
        seg.ack = operand(&r, (b0 >> 6) & 3u, rcv->isn, rcv->next, &ok);
        if (!ok || !rd(&r, &lb, 1))
            break;
        if (lb == 0xfd) {
            uint16_t v;
            if (!rd(&r, &v, 2))
                break;
            seg.len = v;
        } else if (lb == 0xfe) {
            if (!rd(&r, &seg.len, 4))
                break;
        } else {
            seg.len = lb == 0xff ? 1448 : lb;
        }
        if (!rd(&r, &tb, 1))
            break;
        if (tb == 0xff) {
            if (now >= INT64_C(1000000000))
                now -= INT64_C(1000000000);
        } else {
            int64_t dt = (int64_t)(tb & 31) * pow10[tb >> 5] * 1000;
            if (now <= (INT64_C(1) << 62) - dt)
                now += dt;
        }
        if (b2 & 1) {
            seg.has_mss = true;
            if (!rd(&r, &seg.mss, 2))
                break;
        }
        if (b2 & 2) {
            seg.has_wscale = true;
            if (!rd(&r, &seg.wscale, 1))
                break;
        }
        seg.sack_perm = (b2 & 4) != 0;
        if (b2 & 8) {
            uint8_t d;
            if (!rd(&r, &d, 1))
                break;
            snd->ts += d;
            seg.has_ts = true;
            seg.tsval = snd->ts;
            seg.tsecr = rcv->ts;
        }
        seg.win = (b2 & 32) ? 0 : 64240;
        if (b3 & 1) {
            seg.tfo = true;
            if (!rd(&r, &seg.tfo_cookie_len, 1))
                break;
        }
        seg.md5 = (b3 & 2) != 0;
        seg.ao = (b3 & 4) != 0;
        if ((b3 & 8) && !rd(&r, &seg.urp, 2))
            break;
        if (b3 & 16) {
            uint8_t n;
            if (!rd(&r, &n, 1))
                break;
            n = n > sizeof opts ? (uint8_t)sizeof opts : n;   /* TCP: 40 at most */
            if (!rd(&r, opts, n))
                break;
            seg.opt_bytes = opts;
            seg.opt_len = n;
        }
        if (b3 & 128) {
            if (!rd(&r, &seg.opt_cut, 1))
                break;
            if (seg.opt_cut > sizeof opts - seg.opt_len)
                seg.opt_cut = (uint8_t)(sizeof opts - seg.opt_len);
        }

        if (b0 & 8) {                   /* a new tcp.stream on this 4-tuple */
            s->prev = s->conn;
            s->has_prev = s->conn.started;
            slot_open(s, isn_base + 0x10000u * (frame + 1), si);
        }

        seg.frame = ++frame;
        seg.time_ns = now;
        seg.src = s->addr[dir];
        seg.dst = s->addr[!dir];
        seg.sport = s->port[dir];
        seg.dport = s->port[!dir];

        /* What the glue does per TCP layer (packet-tcplife.c track_frame). */
        first = s->conn.segments == 0;
        zlen = s->zeek.hist_len;
        s->sh.conn = s->conn;
        (void)tl_conn_observe_on_tuple(&s->conn, first && s->has_prev ? &s->prev : NULL,
                                       &cfg, &seg, &res);
        tl_zeek_observe(&s->zeek, &seg);

#ifdef FUZZ_TRACE
        /* -DFUZZ_TRACE: one line per segment, to read a crashing input. */
        fprintf(stderr, "%u slot %u %s flags 0x%03x seq %u ack %u len %u t %lld: %s %s/%s "
                "hs %u td %u an %u%s\n", frame, si, dir ? "b->a" : "a->b", seg.flags,
                seg.seq, seg.ack, seg.len, (long long)seg.time_ns,
                tl_phase_name((tl_phase_t)res.phase), tl_state_name((tl_state_t)res.state[0]),
                tl_state_name((tl_state_t)res.state[1]), res.hs_step, res.td_step,
                res.n_anomalies, res.tw_reuse ? " tw_reuse" : "");
#endif
        check_result(frame, &seg, &res);
        check_conn(frame, &s->sh, &s->conn, &res);
        check_zeek(frame, &s->zeek, zlen);
        check_tuple(frame, &seg);
        check_pack(frame, &res);
        check_relative(frame, &res, &seg);
        check_header(frame, &seg);
        check_views(frame, &s->conn, &cfg, &seg, &res, (b3 >> 5) & 3u);

        {
            uint32_t end = seg.seq + seg.len + ((seg.flags & TCPLIFE_F_SYN) ? 1u : 0u)
                         + ((seg.flags & TCPLIFE_F_FIN) ? 1u : 0u);
            if (!snd->seen || (int32_t)(end - snd->next) > 0)
                snd->next = end;
            snd->seen = true;
        }
    }
    return 0;
}
