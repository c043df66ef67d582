/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_row.h - one connection as a row of text cells, and the three ways a
 * list of rows is printed (aligned table, TSV, JSON). Pure C (libc only):
 * -z tcplife,conn in the plugin and `tcplife conn`, the direct batch
 * program, print through these same functions, so the two cannot drift.
 */
#ifndef TCPLIFE_TL_ROW_H
#define TCPLIFE_TL_ROW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tl_core.h"
#include "tl_zeek.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TCPLIFE_CONN_COLS 18
/* Longest cell: "[" + 45-character IPv6 + "]:65535", or a 48-letter history. */
#define TCPLIFE_CELL_MAX 64

extern const char *const tl_conn_columns[TCPLIFE_CONN_COLS];
/* Whether column i is a number in JSON ("-" is null in every column). */
bool tl_conn_column_numeric(int i);

typedef struct {
    char cell[TCPLIFE_CONN_COLS][TCPLIFE_CELL_MAX];
} tl_row_t;

/* "a.b.c.d:port", "[v6]:port" (inet_ntop, as Wireshark prints addresses),
 * "?:port" for an unknown family. Returns buf. */
char *tl_endpoint_format(const tl_endpoint_t *ep, char *buf, size_t cap);
/* The address alone. */
char *tl_host_format(const tl_endpoint_t *ep, char *buf, size_t cap);
/* ISO 8601 UTC with microseconds ("2024-01-02T03:04:05.000006Z"). */
char *tl_utc_format(int64_t ns, char *buf, size_t cap);

/*
 * A connection's row: stream number, the tracker under cfg, its Zeek
 * model. No cell contains a space or a tab: two-part values are joined
 * with '/' ("client/four-way", "TIME_WAIT/CLOSED"). sum (may be NULL) gets
 * the summary the row was made from.
 */
void tl_row_build(tl_row_t *row, uint32_t stream, const tl_conn_t *conn, const tl_zeek_t *zeek,
                  const tl_config_t *cfg, tl_summary_t *sum);

typedef enum { TCPLIFE_ROWS_TABLE, TCPLIFE_ROWS_TSV, TCPLIFE_ROWS_JSON } tl_rows_fmt_t;

/*
 * Rows printed as -z tcplife,conn prints them: tl_rows_init(); for the
 * table, tl_rows_measure() every row first (the column widths); then
 * tl_rows_begin(), tl_rows_put() per row, tl_rows_end(); tl_rows_free().
 * The table has a title line "TCP Lifecycle: connections" with
 * "  Filter: F" when filter is not NULL. Each returns false when writing
 * failed.
 *
 * After tl_rows_keep(), the table keeps the rows it measured, packed (their
 * cells' text, about 170 bytes a row) in memory from the caller's
 * allocator (the core allocates nothing of its own: the plugin and the
 * batch program pass GLib's g_try_realloc() and g_free()).
 * tl_rows_next_kept() gives them back in order, so the second pass does not
 * make them again (unpacking a parked connection and making its row is most
 * of a -z tcplife,conn table's cost). It returns false at the end, and for
 * every row when nothing is kept (no tl_rows_keep(), not a table, or the
 * allocator failed: tl_rows_kept() false): then the caller makes the rows
 * again.
 */
typedef struct {
    tl_rows_fmt_t fmt;
    size_t        width[TCPLIFE_CONN_COLS];
    size_t        n;                 /* rows put */
    char         *kept;              /* measured rows, packed */
    size_t        kept_len, kept_cap, kept_at;
    bool          kept_lost;         /* a row could not be kept */
    void        *(*kept_realloc)(void *p, size_t bytes);
    void         (*kept_free)(void *p);
} tl_rows_out_t;

void tl_rows_init(tl_rows_out_t *o, tl_rows_fmt_t fmt);
void tl_rows_keep(tl_rows_out_t *o, void *(*realloc_fn)(void *p, size_t bytes), void (*free_fn)(void *p));
void tl_rows_measure(tl_rows_out_t *o, const tl_row_t *row);
bool tl_rows_kept(const tl_rows_out_t *o);
bool tl_rows_next_kept(tl_rows_out_t *o, tl_row_t *row);
bool tl_rows_begin(FILE *out, tl_rows_out_t *o, const char *filter);
bool tl_rows_put(FILE *out, tl_rows_out_t *o, const tl_row_t *row);
bool tl_rows_end(FILE *out, tl_rows_out_t *o);
void tl_rows_free(tl_rows_out_t *o);

#ifdef __cplusplus
}
#endif

#endif /* TCPLIFE_TL_ROW_H */
