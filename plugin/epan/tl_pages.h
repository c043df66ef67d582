/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_pages.h - an array indexed by a dense number (a stream, a frame
 * group), for the whole file: a page table grown by doubling, its pages of
 * zeroed elements allocated on first use, all in wmem file scope (freed
 * with the file). Elements never move. tl_conns.c's slots and tl_store.c's
 * group index use it, on the per-packet path: the lookups are inline.
 */
#ifndef TCPLIFE_TL_PAGES_H
#define TCPLIFE_TL_PAGES_H

#include <glib.h>

typedef struct {
    guint8   **pages;
    guint32    n_pages;
    guint      page_bits;    /* 1 << page_bits elements a page */
    gsize      elem_size;
} tl_pages_t;

/* Empty the array (at every new file: the pages went with the old one's
 * file scope) for elements of elem_size bytes, 1 << page_bits a page. */
void     tl_pages_reset(tl_pages_t *p, guint page_bits, gsize elem_size);
/* tl_pages_create()'s way when index's page does not exist yet. */
void    *tl_pages_add(tl_pages_t *p, guint32 index);
/* The bytes the page table and the allocated pages take. */
gsize    tl_pages_bytes(const tl_pages_t *p);

/* Element index, NULL when its page was never created. */
static inline void *
tl_pages_get(const tl_pages_t *p, guint32 index)
{
    guint32 pg = index >> p->page_bits;

    if (pg >= p->n_pages || !p->pages[pg])
        return NULL;
    return p->pages[pg] + (index & ((1u << p->page_bits) - 1)) * p->elem_size;
}

/* Element index, its page made (zeroed) when needed. */
static inline void *
tl_pages_create(tl_pages_t *p, guint32 index)
{
    void *e = tl_pages_get(p, index);

    return G_LIKELY(e != NULL) ? e : tl_pages_add(p, index);
}

#endif /* TCPLIFE_TL_PAGES_H */
