/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_tuples.h - the latest connection on every 4-tuple, and a segment's one
 * trip into the core.
 *
 * A new connection on a 4-tuple another one used before may be an early
 * reuse of it (tl_timewait_reuse(): the old one may still sit in
 * TIME_WAIT). The caller numbers its connections (epan's tcp.stream, or the
 * batch program's copy of it) and keeps them; this index maps a 4-tuple to
 * the latest connection's number. It keeps no 4-tuples: a slot is 8 bytes,
 * the tuple's 32-bit hash and the number, and a slot whose hash matches is
 * confirmed against the 4-tuple of the connection itself, which the caller
 * looks up (tl_tuples_t.get: its connection may be packed away, tl_park.h).
 * Open addressing, linear probing, at most 3/4 full.
 *
 * The core allocates nothing: the slot arrays come from the caller's
 * allocator (.alloc, zeroed memory; .free), in file scope in the plugin.
 */
#ifndef TCPLIFE_TL_TUPLES_H
#define TCPLIFE_TL_TUPLES_H

#include "tl_core.h"

typedef struct {
    uint32_t hash;              /* tl_tuple_hash() */
    uint32_t stream1;           /* the connection's number + 1; 0: empty */
} tl_tuple_slot_t;

typedef struct {
    tl_tuple_slot_t *slot;
    uint32_t         cap;       /* 0, or a power of two */
    uint32_t         n;         /* slots in use */
    /* The caller's: connection number -> the connection, NULL when none. */
    const tl_conn_t *(*get)(void *ctx, uint32_t stream);
    void  *(*alloc)(void *ctx, size_t bytes);   /* zeroed; never NULL */
    void   (*free)(void *ctx, void *p);         /* may be NULL */
    void    *ctx;
} tl_tuples_t;

/* An empty index with the caller's functions. */
void tl_tuples_init(tl_tuples_t *t, const tl_conn_t *(*get)(void *ctx, uint32_t stream),
                    void *(*alloc)(void *ctx, size_t bytes), void (*free)(void *ctx, void *p),
                    void *ctx);
/* Frees the slots (with .free) and empties the index. */
void tl_tuples_clear(tl_tuples_t *t);

/* The latest connection on seg's 4-tuple, with its number in *stream, or
 * NULL. */
const tl_conn_t *tl_tuples_latest(const tl_tuples_t *t, const tl_segment_t *seg, uint32_t *stream);
/* From now on `stream` is the latest connection on seg's 4-tuple. */
void tl_tuples_set(tl_tuples_t *t, const tl_segment_t *seg, uint32_t stream);

/* Bytes the index holds. */
size_t tl_tuples_bytes(const tl_tuples_t *t);

/*
 * One observed segment of connection `stream`: the whole trip. On the
 * connection's first segment, the latest earlier connection on its 4-tuple
 * is found and judged (tl_conn_observe_on_tuple(): early reuse of a
 * TIME_WAIT, a refused attempt carried on), and the new connection becomes
 * the latest. Returns true, with that connection's number in *prev_stream,
 * when result->tw_reuse tells of it; false (and 0) otherwise.
 */
bool tl_conn_observe_stream(tl_tuples_t *t, tl_conn_t *conn, uint32_t stream,
                            const tl_config_t *cfg, const tl_segment_t *seg,
                            tl_result_t *result, uint32_t *prev_stream);

#endif /* TCPLIFE_TL_TUPLES_H */
