/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_tuples.c - the latest connection on every 4-tuple (tl_tuples.h).
 */
#include <string.h>

#include "tl_internal.h"
#include "tcplife/tl_tuples.h"

#define TCPLIFE_TUPLES_MIN 1024u

void
tl_tuples_init(tl_tuples_t *t, const tl_conn_t *(*get)(void *ctx, uint32_t stream),
               void *(*alloc)(void *ctx, size_t bytes), void (*free)(void *ctx, void *p), void *ctx)
{
    memset(t, 0, sizeof *t);
    t->get = get;
    t->alloc = alloc;
    t->free = free;
    t->ctx = ctx;
}

void
tl_tuples_clear(tl_tuples_t *t)
{
    if (t->slot && t->free)
        t->free(t->ctx, t->slot);
    t->slot = NULL;
    t->cap = t->n = 0;
}

size_t
tl_tuples_bytes(const tl_tuples_t *t)
{
    return (size_t)t->cap * sizeof *t->slot;
}

/* The 4-tuple of a connection that has seen a segment. */
static void
tuple_of_conn(const tl_conn_t *c, tl_tuple_t *k)
{
    tl_segment_t s;

    memset(&s, 0, sizeof s);
    s.src = c->ep[TCPLIFE_ROLE_CLIENT].addr;
    s.sport = c->ep[TCPLIFE_ROLE_CLIENT].port;
    s.dst = c->ep[TCPLIFE_ROLE_SERVER].addr;
    s.dport = c->ep[TCPLIFE_ROLE_SERVER].port;
    tl_tuple_of(&s, k);
}

/* The slot holding key's latest connection (*conn), or the empty slot
 * where it would go (*conn NULL). A slot whose hash matches but whose
 * connection has another 4-tuple (or is gone) is passed over. */
static tl_tuple_slot_t *
find(const tl_tuples_t *t, const tl_tuple_t *key, uint32_t h, const tl_conn_t **conn)
{
    uint32_t mask = t->cap - 1;

    *conn = NULL;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        tl_tuple_slot_t *s = &t->slot[i];
        const tl_conn_t *c;
        tl_tuple_t k;

        if (!s->stream1)
            return s;
        if (s->hash != h || !(c = t->get(t->ctx, s->stream1 - 1)))
            continue;
        tuple_of_conn(c, &k);
        if (tl_tuple_equal(&k, key)) {
            *conn = c;
            return s;
        }
    }
}

const tl_conn_t *
tl_tuples_latest(const tl_tuples_t *t, const tl_segment_t *seg, uint32_t *stream)
{
    tl_tuple_t key;
    const tl_conn_t *c;
    const tl_tuple_slot_t *s;

    *stream = 0;
    if (!t->n)
        return NULL;
    tl_tuple_of(seg, &key);
    s = find(t, &key, tl_tuple_hash(&key), &c);
    if (c)
        *stream = s->stream1 - 1;
    return c;
}

/* Room for one more slot: a table twice the size when 3/4 would be full.
 * The slots move by their hash alone (no lookups). */
static void
make_room(tl_tuples_t *t)
{
    uint32_t cap = t->cap ? t->cap * 2 : TCPLIFE_TUPLES_MIN;
    tl_tuple_slot_t *old = t->slot, *slot;

    if (t->cap && (uint64_t)(t->n + 1) * 4 <= (uint64_t)t->cap * 3)
        return;
    if (t->cap >= UINT32_MAX / 2)
        return;     /* 2^31 slots: full rather than overflow */
    slot = (tl_tuple_slot_t *)t->alloc(t->ctx, (size_t)cap * sizeof *slot);
    for (uint32_t i = 0; i < t->cap; i++) {
        uint32_t j;

        if (!old[i].stream1)
            continue;
        for (j = old[i].hash & (cap - 1); slot[j].stream1; j = (j + 1) & (cap - 1))
            ;
        slot[j] = old[i];
    }
    if (old && t->free)
        t->free(t->ctx, old);
    t->slot = slot;
    t->cap = cap;
}

/* Makes `stream` the latest on seg's 4-tuple; returns the one it replaces
 * (its number in *prev), or NULL. */
static const tl_conn_t *
replace(tl_tuples_t *t, const tl_segment_t *seg, uint32_t stream, uint32_t *prev)
{
    tl_tuple_t key;
    const tl_conn_t *c;
    tl_tuple_slot_t *s;
    uint32_t h;

    *prev = 0;
    if (stream == UINT32_MAX)
        return NULL;    /* not a number stream1 can hold */
    make_room(t);
    if (!t->cap || (uint64_t)(t->n + 1) * 4 > (uint64_t)t->cap * 3)
        return NULL;    /* could not grow: the index forgets, never loops */
    tl_tuple_of(seg, &key);
    h = tl_tuple_hash(&key);
    s = find(t, &key, h, &c);
    if (c)
        *prev = s->stream1 - 1;
    else
        t->n++;
    s->hash = h;
    s->stream1 = stream + 1;
    return c;
}

void
tl_tuples_set(tl_tuples_t *t, const tl_segment_t *seg, uint32_t stream)
{
    uint32_t prev;

    (void)replace(t, seg, stream, &prev);
}

bool
tl_conn_observe_stream(tl_tuples_t *t, tl_conn_t *conn, uint32_t stream, const tl_config_t *cfg,
                       const tl_segment_t *seg, tl_result_t *result, uint32_t *prev_stream)
{
    const tl_conn_t *prev = NULL;
    uint32_t ps = 0;

    if (conn->segments == 0)
        prev = replace(t, seg, stream, &ps);
    if (tl_conn_observe_on_tuple(conn, prev, cfg, seg, result)) {
        *prev_stream = ps;
        return true;
    }
    *prev_stream = 0;
    return false;
}
