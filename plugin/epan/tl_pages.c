/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_pages.c - the file-scope paged array's allocations (tl_pages.h).
 */
#include <string.h>

#include <epan/wmem_scopes.h>

#include "tl_pages.h"

void
tl_pages_reset(tl_pages_t *p, guint page_bits, gsize elem_size)
{
    p->pages = NULL;
    p->n_pages = 0;
    p->page_bits = page_bits;
    p->elem_size = elem_size;
}

void *
tl_pages_add(tl_pages_t *p, guint32 index)
{
    guint32 pg = index >> p->page_bits;

    if (pg >= p->n_pages) {
        guint32 n = MAX(pg + 1, p->n_pages * 2);

        p->pages = (guint8 **)wmem_realloc(wmem_file_scope(), p->pages, n * sizeof *p->pages);
        memset(p->pages + p->n_pages, 0, (n - p->n_pages) * sizeof *p->pages);
        p->n_pages = n;
    }
    if (!p->pages[pg])
        p->pages[pg] = (guint8 *)wmem_alloc0(wmem_file_scope(), ((gsize)1 << p->page_bits) * p->elem_size);
    return tl_pages_get(p, index);
}

gsize
tl_pages_bytes(const tl_pages_t *p)
{
    gsize b = (gsize)p->n_pages * sizeof *p->pages;

    for (guint32 i = 0; i < p->n_pages; i++)
        if (p->pages[i])
            b += ((gsize)1 << p->page_bits) * p->elem_size;
    return b;
}
