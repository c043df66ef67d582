/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_timewait.c - TIME_WAIT holder and early reuse of a 4-tuple.
 *
 * The holder is whoever is in TIME_WAIT when the last FIN is acknowledged
 * (both after a simultaneous close). A new connection whose SYN arrives on
 * the same 4-tuple before the estimated expiry reuses it early; RFC 6191
 * (and Linux's tcp_timewait_state_process()) let the TIME_WAIT holder accept
 * such a SYN when its ISN is beyond the old connection's last sequence number
 * or its timestamp is newer than the last one seen. No epan includes.
 */
#include <string.h>

#include "tl_internal.h"
#include "tl_seq.h"

tl_tw_holder_t
tl_timewait_holder(const tl_conn_t *conn)
{
    bool c = conn->ep[TCPLIFE_ROLE_CLIENT].state == TCPLIFE_STATE_TIME_WAIT;
    bool s = conn->ep[TCPLIFE_ROLE_SERVER].state == TCPLIFE_STATE_TIME_WAIT;

    return c && s ? TCPLIFE_TW_BOTH : c ? TCPLIFE_TW_CLIENT : s ? TCPLIFE_TW_SERVER : TCPLIFE_TW_NONE;
}

int64_t
tl_timewait_expires(const tl_conn_t *conn, const tl_config_t *cfg)
{
    return (conn->tw_rearmed_ns ? conn->tw_rearmed_ns : conn->tw_start_ns) + cfg->time_wait_ns;
}

static const struct {
    const char *name, *text;
    int64_t     secs;
} msl[] = {
#define TCPLIFE_X_(sym, name, text, secs) { name, text, secs },
    TCPLIFE_MSL_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
};

const char *
tl_msl_name(tl_msl_profile_t p)
{
    return (unsigned)p < TCPLIFE_MSL_COUNT ? msl[p].name : "?";
}

const char *
tl_msl_text(tl_msl_profile_t p)
{
    return (unsigned)p < TCPLIFE_MSL_COUNT ? msl[p].text : "?";
}

int64_t
tl_msl_time_wait_ns(tl_msl_profile_t p, unsigned custom_msl_s)
{
    int64_t secs;

    if ((unsigned)p >= TCPLIFE_MSL_COUNT)
        p = TCPLIFE_MSL_LINUX;
    secs = p == TCPLIFE_MSL_CUSTOM ? 2 * (int64_t)(custom_msl_s < 86400 ? custom_msl_s : 86400)
                              : msl[p].secs;
    return secs * 1000000000;
}

static bool
holds(tl_tw_holder_t h, tl_role_t r)
{
    return h == TCPLIFE_TW_BOTH || (h == TCPLIFE_TW_CLIENT && r == TCPLIFE_ROLE_CLIENT)
        || (h == TCPLIFE_TW_SERVER && r == TCPLIFE_ROLE_SERVER);
}

bool
tl_timewait_reuse(const tl_conn_t *prev, const tl_config_t *cfg,
                  const tl_segment_t *seg, tl_result_t *res)
{
    const tl_endpoint_t *old;
    tl_role_t old_role;
    int64_t expires;

    if ((seg->flags & (TCPLIFE_F_SYN | TCPLIFE_F_ACK | TCPLIFE_F_RST)) != TCPLIFE_F_SYN)
        return false;
    if (prev->tw_holder == TCPLIFE_TW_NONE)
        return false;
    expires = tl_timewait_expires(prev, cfg);
    if (seg->time_ns >= expires)
        return false;

    /* The new SYN's sender, as it was in the previous connection. */
    old_role = prev->ep[TCPLIFE_ROLE_CLIENT].port == seg->sport
               && memcmp(&prev->ep[TCPLIFE_ROLE_CLIENT].addr, &seg->src, sizeof seg->src) == 0
               ? TCPLIFE_ROLE_CLIENT : TCPLIFE_ROLE_SERVER;
    old = &prev->ep[old_role];

    res->tw_reuse = true;
    res->tw_reuse_gap_ns = seg->time_ns - prev->tw_start_ns;
    res->tw_reuse_left_ns = expires - seg->time_ns;
    res->tw_reuse_isn_higher = old->nxt_known && tl_seq_gt(seg->seq, old->nxt);
    res->tw_reuse_ts_known = seg->has_ts && old->ts_known;
    res->tw_reuse_ts_newer = res->tw_reuse_ts_known && tl_seq_lt(old->ts_last, seg->tsval);
    tl_result_add_anomaly(res, TCPLIFE_ANOMALY_TIME_WAIT_REUSE);
    /* Only a holder on the receiving side can refuse the SYN; a holder that
     * sends it has already let its own port be reused. */
    if (holds(prev->tw_holder, tl_peer(old_role))
        && !res->tw_reuse_isn_higher && !res->tw_reuse_ts_newer)
        tl_result_add_anomaly(res, TCPLIFE_ANOMALY_TIME_WAIT_REUSE_REJECTABLE);
    return true;
}

static int
endpoint_cmp(const tl_addr_t *a, uint16_t pa, const tl_addr_t *b, uint16_t pb)
{
    int c = memcmp(a, b, sizeof *a);
    return c ? c : (int)pa - (int)pb;
}

void
tl_tuple_of(const tl_segment_t *seg, tl_tuple_t *t)
{
    memset(t, 0, sizeof *t);
    if (endpoint_cmp(&seg->src, seg->sport, &seg->dst, seg->dport) <= 0) {
        t->a = seg->src; t->pa = seg->sport; t->b = seg->dst; t->pb = seg->dport;
    } else {
        t->a = seg->dst; t->pa = seg->dport; t->b = seg->src; t->pb = seg->sport;
    }
}

static uint32_t
hash_word(uint32_t h, uint32_t k)
{
    /* MurmurHash3's 32-bit block step. */
    k *= 0xcc9e2d51u;
    k = k << 15 | k >> 17;
    k *= 0x1b873593u;
    h ^= k;
    h = h << 13 | h >> 19;
    return h * 5 + 0xe6546b64u;
}

uint32_t
tl_tuple_hash(const tl_tuple_t *t)
{
    uint32_t h = 0x9747b28cu, w;

    for (size_t i = 0; i < sizeof t->a.bytes; i += 4) {
        memcpy(&w, t->a.bytes + i, 4);
        h = hash_word(h, w);
        memcpy(&w, t->b.bytes + i, 4);
        h = hash_word(h, w);
    }
    h = hash_word(h, (uint32_t)t->pa << 16 | t->pb);
    h = hash_word(h, (uint32_t)t->a.family << 8 | t->b.family);
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    return h;
}

bool
tl_tuple_equal(const tl_tuple_t *x, const tl_tuple_t *y)
{
    return x->pa == y->pa && x->pb == y->pb
        && memcmp(&x->a, &y->a, sizeof x->a) == 0 && memcmp(&x->b, &y->b, sizeof x->b) == 0;
}
