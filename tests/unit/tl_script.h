/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_script.h - packet-script runner for the tracker's unit tests.
 *
 * A script is an array of rows: one segment, written as tcpdump would print
 * it with relative numbers, and the verdict tl_conn_observe() must give it:
 *
 *     { C2S, "FA", 101, 51, 0, .x = { "teardown", "FIN_WAIT_1", "CLOSE_WAIT",
 *                                      .td = 1, .init = "client", .api = API(CLOSE) } },
 *
 * seq is relative to the sender's ISN (its SYN has seq 0), ack to the
 * receiver's ISN; flag letters S A F R P. Frame numbers count from 1 over
 * the whole run, so in a script run from the start a related frame is the
 * row number. Every field of the verdict is compared on every row (a field
 * left out must be 0 / none), and all differences of a row are reported
 * together with its frame number.
 */
#ifndef TCPLIFE_TL_SCRIPT_H
#define TCPLIFE_TL_SCRIPT_H

#include "tl_test.h"
#include "tcplife/tl_tuples.h"

typedef enum { C2S, S2C } tl_dir_t;

/* Expected handshake ack check (tcplife.handshake.ack_ok). */
enum { ACK_NA = 0, ACK_OK, ACK_BAD };

#define API(x) TCPLIFE_API_##x
#define AN(x)  TCPLIFE_ANOMALY_##x

typedef struct {
    const char  *phase;                 /* tl_phase_name() */
    const char  *client, *server;       /* tl_state_name() after the segment */
    uint8_t      hs;                    /* handshake step, 0 = none */
    uint8_t      ack;                   /* ACK_NA, ACK_OK, ACK_BAD */
    uint8_t      retry;                 /* handshake retry count */
    int64_t      backoff_ms;            /* handshake backoff */
    uint8_t      td;                    /* teardown step, 0 = none */
    const char  *kind;                  /* teardown kind, NULL = none yet */
    const char  *init;                  /* "client"/"server", NULL = no FIN yet */
    tl_api_t     api;
    tl_anomaly_t an[TCPLIFE_MAX_ANOMALIES];  /* the anomaly set, any order */
    uint32_t     rel_syn, rel_fin, rel_prev, rel_rst;
    uint32_t     rel_ack_not_taken;
    bool         fin_retrans, midstream, roles_inferred;
    const char  *rst;                   /* tcplife.rst.kind, NULL = none */
    uint32_t     unread, unacked;       /* tcplife.rst.unread_bytes / unacked_bytes */
    uint32_t     hc;                    /* tcplife.half_close.bytes, 0 = no half-close */
    const char  *tw;                    /* tcplife.time_wait.holder, NULL = none */
    const char  *reason;                /* tcplife.rst.reason, NULL = not checked */
    const char  *ka;                    /* tcplife.keepalive, NULL = none */
    uint32_t     dup;                   /* tcplife.duplicate, 0 = none */
} tl_expect_t;

typedef struct {
    tl_dir_t     dir;
    const char  *flags;
    uint32_t     seq, ack, len;
    int64_t      dt_ms;                 /* capture time since the previous row */
    tl_expect_t  x;
    uint8_t      ttl;                   /* IP TTL, 0 = not known */
    uint16_t     ip_id;                 /* IP ID, 0 = not known */
    int64_t      dt_us;                 /* more capture time, in microseconds */
    bool         new_stream;            /* starts a new connection on the 4-tuple
                                         * (a new tcp.stream); the old one is kept
                                         * as the previous connection */
} tl_script_t;

#define TCPLIFE_RUN_MAX_FRAMES 64

typedef struct {
    tl_conn_t    conn;
    tl_conn_t    prev;                  /* the previous connection on the 4-tuple */
    bool         has_prev;
    tl_config_t  cfg;
    tl_addr_t    caddr, saddr;
    uint16_t     cport, sport;
    uint32_t     cisn, sisn;
    uint32_t     frame;                 /* last frame number used */
    int64_t      now_ns;
    tl_result_t  res[TCPLIFE_RUN_MAX_FRAMES + 1];  /* by frame number */
    /* The 4-tuple index the glue keeps (tl_tuples.h): conn is stream
     * `stream`, prev the one before it. */
    tl_tuples_t  tuples;
    uint32_t     stream;
    tl_tuple_slot_t tuple_mem[1024];
} tl_run_t;

static inline const tl_conn_t *
tl_run_get_(void *ctx, uint32_t stream)
{
    tl_run_t *r = (tl_run_t *)ctx;

    if (stream == r->stream)
        return &r->conn;
    return r->has_prev && stream + 1 == r->stream ? &r->prev : NULL;
}

static inline void *
tl_run_alloc_(void *ctx, size_t bytes)
{
    tl_run_t *r = (tl_run_t *)ctx;

    assert_true(bytes <= sizeof r->tuple_mem);
    memset(r->tuple_mem, 0, bytes);
    return r->tuple_mem;
}

static inline tl_addr_t
tl_addr4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    tl_addr_t x;
    memset(&x, 0, sizeof x);
    x.family = 4;
    x.bytes[0] = a; x.bytes[1] = b; x.bytes[2] = c; x.bytes[3] = d;
    return x;
}

/* 2001:db8::<last> */
static inline tl_addr_t
tl_addr6(uint8_t last)
{
    tl_addr_t x;
    memset(&x, 0, sizeof x);
    x.family = 6;
    x.bytes[0] = 0x20; x.bytes[1] = 0x01; x.bytes[2] = 0x0d; x.bytes[3] = 0xb8;
    x.bytes[15] = last;
    return x;
}

/* IPv4 192.0.2.1:51000 -> 198.51.100.2:80, ISNs 1000 and 5000. */
static inline void
tl_run_init(tl_run_t *r)
{
    memset(r, 0, sizeof *r);
    tl_conn_init(&r->conn);
    r->cfg.time_wait_ns = 60 * INT64_C(1000000000);
    r->caddr = tl_addr4(192, 0, 2, 1);
    r->saddr = tl_addr4(198, 51, 100, 2);
    r->cport = 51000;
    r->sport = 80;
    r->cisn = 1000;
    r->sisn = 5000;
    r->now_ns = INT64_C(1700000000) * 1000000000;
    tl_tuples_init(&r->tuples, tl_run_get_, tl_run_alloc_, NULL, r);
}


/* Feed one row to the tracker; returns the verdict (kept by frame number). */
static inline const tl_result_t *
tl_run_segment(tl_run_t *r, const tl_script_t *row)
{
    tl_segment_t seg;
    bool c2s = row->dir == C2S;

    memset(&seg, 0, sizeof seg);
    r->now_ns += row->dt_ms * 1000000 + row->dt_us * 1000;
    seg.frame = ++r->frame;
    seg.time_ns = r->now_ns;
    seg.src = c2s ? r->caddr : r->saddr;
    seg.dst = c2s ? r->saddr : r->caddr;
    seg.sport = c2s ? r->cport : r->sport;
    seg.dport = c2s ? r->sport : r->cport;
    seg.flags = tl_parse_flags(row->flags);
    seg.seq = (c2s ? r->cisn : r->sisn) + row->seq;
    seg.ack = (seg.flags & TCPLIFE_F_ACK) ? (c2s ? r->sisn : r->cisn) + row->ack : 0;
    seg.len = row->len;
    seg.win = 64240;
    seg.has_ttl = row->ttl != 0;
    seg.ttl = row->ttl;
    seg.has_ip_id = row->ip_id != 0;
    seg.ip_id = row->ip_id;
    assert_true(seg.frame <= TCPLIFE_RUN_MAX_FRAMES);
    if (row->new_stream) {
        r->prev = r->conn;
        r->has_prev = true;
        tl_conn_init(&r->conn);
        r->stream++;
    }
    /* As the glue calls the core (packet-tcplife.c), through the index of
     * the latest connection on the 4-tuple. */
    {
        uint32_t prev_stream;
        bool reuse = tl_conn_observe_stream(&r->tuples, &r->conn, r->stream, &r->cfg, &seg,
                                            &r->res[seg.frame], &prev_stream);

        assert_int_equal(prev_stream, reuse ? r->stream - 1 : 0);
        assert_int_equal(reuse, r->res[seg.frame].tw_reuse);
    }
    return &r->res[seg.frame];
}

/* Append "what: got X, expected Y" to buf. */
#define TCPLIFE_DIFF_(buf, fmt, ...) \
    snprintf((buf) + strlen(buf), sizeof(buf) - strlen(buf), "\n    " fmt, __VA_ARGS__)
#define TCPLIFE_CMP_INT_(buf, name, got, want) do {                          \
        long long g_ = (long long)(got), w_ = (long long)(want);             \
        if (g_ != w_)                                                        \
            TCPLIFE_DIFF_(buf, "%s: got %lld, expected %lld", name, g_, w_); \
    } while (0)
#define TCPLIFE_CMP_STR_(buf, name, got, want) do {                              \
        const char *g_ = (got), *w_ = (want);                                    \
        if (strcmp(g_, w_) != 0)                                                 \
            TCPLIFE_DIFF_(buf, "%s: got \"%s\", expected \"%s\"", name, g_, w_); \
    } while (0)

static inline void
tl_check(const tl_result_t *res, const tl_script_t *row, uint32_t frame)
{
    const tl_expect_t *x = &row->x;
    char buf[2048] = "";

    TCPLIFE_CMP_STR_(buf, "phase", tl_phase_name((tl_phase_t)res->phase), x->phase ? x->phase : "(unset)");
    TCPLIFE_CMP_STR_(buf, "sender", tl_role_name((tl_role_t)res->sender),
                row->dir == C2S ? "client" : "server");
    TCPLIFE_CMP_STR_(buf, "state.client", tl_state_name((tl_state_t)res->state[TCPLIFE_ROLE_CLIENT]),
                x->client ? x->client : "(unset)");
    TCPLIFE_CMP_STR_(buf, "state.server", tl_state_name((tl_state_t)res->state[TCPLIFE_ROLE_SERVER]),
                x->server ? x->server : "(unset)");
    TCPLIFE_CMP_INT_(buf, "handshake.step", res->hs_step, x->hs);
    TCPLIFE_CMP_INT_(buf, "handshake ack checked", res->hs_ack_checked, x->ack != ACK_NA);
    TCPLIFE_CMP_INT_(buf, "handshake.ack_ok", res->hs_ack_ok, x->ack == ACK_OK);
    TCPLIFE_CMP_INT_(buf, "handshake.retry", res->hs_retry, x->retry);
    TCPLIFE_CMP_INT_(buf, "handshake.backoff (ns)", res->hs_backoff_ns, x->backoff_ms * 1000000);
    TCPLIFE_CMP_INT_(buf, "teardown.step", res->td_step, x->td);
    TCPLIFE_CMP_STR_(buf, "teardown.kind", tl_teardown_name((tl_teardown_t)res->td_kind),
                x->kind ? x->kind : "");
    TCPLIFE_CMP_STR_(buf, "teardown.initiator",
                res->td_started ? tl_role_name((tl_role_t)res->td_initiator) : "(none)",
                x->init ? x->init : "(none)");
    TCPLIFE_CMP_STR_(buf, "api", tl_api_text((tl_api_t)res->api), tl_api_text(x->api));
    TCPLIFE_CMP_INT_(buf, "related SYN frame", res->rel_syn, x->rel_syn);
    TCPLIFE_CMP_INT_(buf, "related FIN frame", res->rel_fin, x->rel_fin);
    TCPLIFE_CMP_INT_(buf, "previous transmission frame", res->rel_prev, x->rel_prev);
    TCPLIFE_CMP_INT_(buf, "frame the RST answers", res->rel_rst, x->rel_rst);
    TCPLIFE_CMP_INT_(buf, "handshake ACK not taken", res->rel_ack_not_taken, x->rel_ack_not_taken);
    TCPLIFE_CMP_INT_(buf, "fin_retrans", res->fin_retrans, x->fin_retrans);
    TCPLIFE_CMP_INT_(buf, "midstream", res->midstream, x->midstream);
    TCPLIFE_CMP_INT_(buf, "roles_inferred", res->roles_inferred, x->roles_inferred);
    TCPLIFE_CMP_STR_(buf, "rst.kind", tl_rst_kind_name((tl_rst_kind_t)res->rst_kind), x->rst ? x->rst : "");
    TCPLIFE_CMP_INT_(buf, "rst.unread_data", res->rst_unread_data,
                     x->rst && strcmp(x->rst, "unread_data") == 0);
    TCPLIFE_CMP_INT_(buf, "rst.unread_bytes", res->rst_unread_bytes, x->unread);
    TCPLIFE_CMP_INT_(buf, "rst.unacked_bytes", res->rst_unacked_bytes, x->unacked);
    TCPLIFE_CMP_INT_(buf, "half_close", res->half_close, x->hc > 0);
    TCPLIFE_CMP_INT_(buf, "half_close.bytes", res->hc_bytes, x->hc);
    TCPLIFE_CMP_STR_(buf, "time_wait.holder", tl_tw_holder_name((tl_tw_holder_t)res->tw_holder),
                     x->tw ? x->tw : "");
    if (x->reason)
        TCPLIFE_CMP_STR_(buf, "rst.reason", tl_rst_reason_name((tl_rst_reason_t)res->rst_reason), x->reason);
    TCPLIFE_CMP_STR_(buf, "keepalive", tl_keepalive_name((tl_keepalive_t)res->keepalive), x->ka ? x->ka : "");
    TCPLIFE_CMP_INT_(buf, "duplicate", res->dup_of, x->dup);

    for (unsigned i = 0; i < TCPLIFE_MAX_ANOMALIES; i++) {
        if (x->an[i] == TCPLIFE_ANOMALY_NONE)
            continue;
        if (!tl_result_has_anomaly(res, x->an[i]))
            TCPLIFE_DIFF_(buf, "missing anomaly: %s", tl_anomaly_text(x->an[i]));
    }
    for (unsigned i = 0; i < res->n_anomalies; i++) {
        bool wanted = false;
        for (unsigned j = 0; j < TCPLIFE_MAX_ANOMALIES; j++)
            wanted = wanted || x->an[j] == (tl_anomaly_t)res->anomalies[i];
        if (!wanted)
            TCPLIFE_DIFF_(buf, "unexpected anomaly: %s",
                     tl_anomaly_text((tl_anomaly_t)res->anomalies[i]));
    }

    if (buf[0] != '\0')
        fail_msg("frame %u (%s \"%s\" seq %u ack %u len %u):%s", frame,
                 row->dir == C2S ? "C2S" : "S2C", row->flags,
                 row->seq, row->ack, row->len, buf);
}

/* Run every row of a script, checking each verdict. */
static inline void
tl_run_rows(tl_run_t *r, const tl_script_t *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const tl_result_t *res = tl_run_segment(r, &rows[i]);
        tl_check(res, &rows[i], r->frame);
    }
}

#define TCPLIFE_RUN(r, script) tl_run_rows((r), (script), TCPLIFE_COUNT(script))

/* In a test function: a fresh run r (192.0.2.1:51000 -> 198.51.100.2:80),
 * the script fed to it, each verdict checked; r stays for more asserts. */
#define TCPLIFE_RUN_SCRIPT(r, script) \
    tl_run_t r;                       \
    (void)state;                      \
    tl_run_init(&r);                  \
    TCPLIFE_RUN(&r, script)

/* A test that is only a script: TCPLIFE_SCRIPT_TEST(name, rows...) defines
 * static void name(void **state) that runs the rows on a fresh run. */
#define TCPLIFE_SCRIPT_TEST(name, ...)                              \
    static void                                                     \
    name(void **state)                                              \
    {                                                               \
        static const tl_script_t script_[] = { __VA_ARGS__ };       \
        TCPLIFE_RUN_SCRIPT(r_, script_);                            \
    }

#endif /* TCPLIFE_TL_SCRIPT_H */
