/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_row.c - a connection as a row of text, and the row printers shared by
 * -z tcplife,conn (plugin/epan/tl_stats.c) and `tcplife conn`
 * (plugin/batch/). libc only: inet_ntop() is what Wireshark's own address
 * printing calls (wsutil/inet_addr.c), gmtime_r() what GLib's UTC
 * date-time gives.
 */
/* gmtime_r() and inet_ntop() (POSIX) under -std=c11 too. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "tcplife/tl_row.h"

const char *const tl_conn_columns[TCPLIFE_CONN_COLS] = {
    "stream", "client", "server", "start", "duration", "handshake", "syn_retries",
    "synack_retries", "teardown", "half_close", "half_close_bytes", "half_close_duration",
    "rst", "time_wait", "time_wait_expires", "final_states", "zeek_state", "history",
};

static const bool conn_numeric[TCPLIFE_CONN_COLS] = {
    true, false, false, false, true, false, true, true, false, false, true, true,
    false, false, false, false, false, false,
};

bool
tl_conn_column_numeric(int i)
{
    return i >= 0 && i < TCPLIFE_CONN_COLS && conn_numeric[i];
}

/*
 * Cell text made without printf: almost every cell is a name or a number,
 * and snprintf() per cell made a row cost about 15,000 instructions (the
 * table of -z tcplife,conn makes each row twice: its widths, then its
 * lines). Text that does not fit is cut as snprintf() cuts it.
 */
typedef struct {
    char *p, *end;          /* end: where the NUL goes at the latest */
} out_t;

static out_t
out_at(char *buf, size_t cap)
{
    out_t o = { buf, buf + cap - 1 };
    return o;
}

static void
out_s(out_t *o, const char *s)
{
    while (*s && o->p < o->end)
        *o->p++ = *s++;
}

static void
out_c(out_t *o, char ch)
{
    if (o->p < o->end)
        *o->p++ = ch;
}

/* v in decimal, at least `digits` digits (zeros in front). */
static void
out_u(out_t *o, uint64_t v, int digits)
{
    char d[20];
    int n = 0;

    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < (int)sizeof d);
    while (n < digits && n < (int)sizeof d)
        d[n++] = '0';
    while (n > 0)
        out_c(o, d[--n]);
}

static char *
out_end(out_t *o, char *buf)
{
    *o->p = '\0';
    return buf;
}

char *
tl_host_format(const tl_endpoint_t *ep, char *buf, size_t cap)
{
    if (cap == 0)
        return buf;
    if ((ep->addr.family != 4 && ep->addr.family != 6)
        || !inet_ntop(ep->addr.family == 4 ? AF_INET : AF_INET6, ep->addr.bytes, buf, (socklen_t)cap)) {
        out_t o = out_at(buf, cap);

        out_s(&o, "?");
        return out_end(&o, buf);
    }
    return buf;
}

char *
tl_endpoint_format(const tl_endpoint_t *ep, char *buf, size_t cap)
{
    char host[INET6_ADDRSTRLEN];
    out_t o;

    if (cap == 0)
        return buf;
    o = out_at(buf, cap);
    if (ep->addr.family == 4) {
        /* Dotted decimal, as inet_ntop() writes it (and ten times faster:
         * a table row has two of these). */
        for (int i = 0; i < 4; i++) {
            if (i)
                out_c(&o, '.');
            out_u(&o, ep->addr.bytes[i], 1);
        }
    } else if (ep->addr.family == 6) {
        out_c(&o, '[');
        out_s(&o, tl_host_format(ep, host, sizeof host));
        out_c(&o, ']');
    } else {
        out_c(&o, '?');
    }
    out_c(&o, ':');
    out_u(&o, ep->port, 1);
    return out_end(&o, buf);
}

char *
tl_utc_format(int64_t ns, char *buf, size_t cap)
{
    time_t secs = (time_t)(ns / 1000000000);
    struct tm tm;

    /* The years an ISO 8601 date without sign can write (as GLib's). */
    if (!gmtime_r(&secs, &tm) || tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999) {
        snprintf(buf, cap, "?");
        return buf;
    }
    if (ns < 0 || cap == 0) {
        snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)((ns % 1000000000) / 1000));
        return buf;
    }
    {
        out_t o = out_at(buf, cap);

        out_u(&o, (uint64_t)(tm.tm_year + 1900), 4);
        out_c(&o, '-');
        out_u(&o, (uint64_t)(tm.tm_mon + 1), 2);
        out_c(&o, '-');
        out_u(&o, (uint64_t)tm.tm_mday, 2);
        out_c(&o, 'T');
        out_u(&o, (uint64_t)tm.tm_hour, 2);
        out_c(&o, ':');
        out_u(&o, (uint64_t)tm.tm_min, 2);
        out_c(&o, ':');
        out_u(&o, (uint64_t)tm.tm_sec, 2);
        out_c(&o, '.');
        out_u(&o, (uint64_t)((ns % 1000000000) / 1000), 6);
        out_c(&o, 'Z');
        return out_end(&o, buf);
    }
}

/* Cell i: a name, two joined by sep, a number; "%.6f" seconds stay
 * snprintf()'s (its rounding of the double is the output's). */
static void
cell_s(tl_row_t *row, int i, const char *a)
{
    out_t o = out_at(row->cell[i], TCPLIFE_CELL_MAX);

    out_s(&o, a);
    out_end(&o, row->cell[i]);
}

static void
cell_join(tl_row_t *row, int i, const char *a, char sep, const char *b)
{
    out_t o = out_at(row->cell[i], TCPLIFE_CELL_MAX);

    out_s(&o, a);
    out_c(&o, sep);
    out_s(&o, b);
    out_end(&o, row->cell[i]);
}

static void
cell_u(tl_row_t *row, int i, uint64_t v)
{
    out_t o = out_at(row->cell[i], TCPLIFE_CELL_MAX);

    out_u(&o, v, 1);
    out_end(&o, row->cell[i]);
}

static void
cell_secs(tl_row_t *row, int i, int64_t ns)
{
    snprintf(row->cell[i], TCPLIFE_CELL_MAX, "%.6f", (double)ns / 1e9);
}

void
tl_row_build(tl_row_t *row, uint32_t stream, const tl_conn_t *conn, const tl_zeek_t *zeek,
             const tl_config_t *cfg, tl_summary_t *sum)
{
    tl_summary_t local, *s = sum ? sum : &local;
    const char *c = "client", *sv = "server";

    tl_conn_summarize(conn, cfg, s);
    cell_u(row, 0, stream);
    tl_endpoint_format(&conn->ep[TCPLIFE_ROLE_CLIENT], row->cell[1], TCPLIFE_CELL_MAX);
    tl_endpoint_format(&conn->ep[TCPLIFE_ROLE_SERVER], row->cell[2], TCPLIFE_CELL_MAX);
    tl_utc_format(s->start_ns, row->cell[3], TCPLIFE_CELL_MAX);
    cell_secs(row, 4, s->duration_ns);
    cell_s(row, 5, tl_hs_outcome_name(s->handshake));
    cell_u(row, 6, s->syn_retries);
    cell_u(row, 7, s->synack_retries);
    if (s->reset)
        cell_s(row, 8, "reset");
    else if (s->teardown)
        cell_join(row, 8, tl_role_name(s->initiator), '/',
                  s->teardown_kind ? tl_teardown_name(s->teardown_kind) : "half-closed");
    else
        cell_s(row, 8, "open");
    if (s->half_close) {
        bool from_client = s->hc_sender == TCPLIFE_ROLE_CLIENT;

        cell_join(row, 9, from_client ? c : sv, '>', from_client ? sv : c);
        cell_u(row, 10, s->hc_bytes);
    } else {
        cell_s(row, 9, "-");
        cell_s(row, 10, "-");
    }
    if (s->half_close && s->hc_duration_known)
        cell_secs(row, 11, s->hc_duration_ns);
    else
        cell_s(row, 11, "-");
    if (s->reset || s->injected)
        cell_join(row, 12, tl_role_name(s->rst_sender), '/', tl_rst_kind_name(s->rst_kind));
    else
        cell_s(row, 12, "-");
    if (s->tw_holder) {
        cell_s(row, 13, tl_tw_holder_name(s->tw_holder));
        tl_utc_format(s->tw_expires_ns, row->cell[14], TCPLIFE_CELL_MAX);
    } else {
        cell_s(row, 13, "-");
        cell_s(row, 14, "-");
    }
    cell_join(row, 15, tl_state_name(s->final_state[TCPLIFE_ROLE_CLIENT]), '/',
              tl_state_name(s->final_state[TCPLIFE_ROLE_SERVER]));
    cell_s(row, 16, tl_zeek_conn_state(zeek));
    cell_s(row, 17, tl_zeek_history(zeek));
}

/* Rows are made in a line buffer and written with one fwrite(): putc() per
 * character (a lock each) was most of the time `tcplife conn` spent
 * printing. A JSON line is at most 18 keys and 18 escaped cells. */
#define LINE_MAX_ (TCPLIFE_CONN_COLS * (2 * TCPLIFE_CELL_MAX + 32) + 16)

static char *
put_str(char *p, const char *s)
{
    size_t len = strlen(s);

    memcpy(p, s, len);
    return p + len;
}

static size_t
json_line(char *buf, const tl_row_t *row)
{
    char *p = put_str(buf, "  {");

    for (int i = 0; i < TCPLIFE_CONN_COLS; i++) {
        const char *val = row->cell[i];

        *p++ = '"';
        p = put_str(p, tl_conn_columns[i]);
        p = put_str(p, "\": ");
        if (!strcmp(val, "-")) {
            p = put_str(p, "null");
        } else if (conn_numeric[i]) {
            p = put_str(p, val);
        } else {
            *p++ = '"';
            for (const char *c = val; *c && c < val + TCPLIFE_CELL_MAX; c++) {
                if (*c == '"' || *c == '\\')
                    *p++ = '\\';
                *p++ = *c;
            }
            *p++ = '"';
        }
        if (i + 1 < TCPLIFE_CONN_COLS)
            p = put_str(p, ", ");
    }
    *p++ = '}';
    return (size_t)(p - buf);
}

static size_t
tsv_line(char *buf, const tl_row_t *row)
{
    char *p = buf;

    for (int i = 0; i < TCPLIFE_CONN_COLS; i++) {
        p = put_str(p, row->cell[i]);
        *p++ = i + 1 < TCPLIFE_CONN_COLS ? '\t' : '\n';
    }
    return (size_t)(p - buf);
}

static const char rule[] = "==================================================================\n";

/* A table line: cells padded to their column's width, the last one not. */
static size_t
table_line(char *buf, const char *const cells[TCPLIFE_CONN_COLS], const size_t width[TCPLIFE_CONN_COLS])
{
    char *p = buf;

    for (int i = 0; i < TCPLIFE_CONN_COLS; i++) {
        size_t len = strlen(cells[i]);

        memcpy(p, cells[i], len);
        p += len;
        if (i + 1 == TCPLIFE_CONN_COLS) {
            *p++ = '\n';
            break;
        }
        for (size_t pad = (width[i] > len ? width[i] - len : 0) + 2; pad > 0; pad--)
            *p++ = ' ';
    }
    return (size_t)(p - buf);
}

void
tl_rows_init(tl_rows_out_t *o, tl_rows_fmt_t fmt)
{
    memset(o, 0, sizeof *o);
    o->fmt = fmt;
    for (int i = 0; i < TCPLIFE_CONN_COLS; i++)
        o->width[i] = strlen(tl_conn_columns[i]);
}

void
tl_rows_keep(tl_rows_out_t *o, void *(*realloc_fn)(void *p, size_t bytes), void (*free_fn)(void *p))
{
    o->kept_realloc = realloc_fn;
    o->kept_free = free_fn;
}

/* A row kept: each cell's text and its NUL, one after another. */
static void
keep(tl_rows_out_t *o, const tl_row_t *row, const size_t *len)
{
    size_t need = 0;

    if (o->kept_lost || !o->kept_realloc)
        return;
    for (int i = 0; i < TCPLIFE_CONN_COLS; i++)
        need += len[i] + 1;
    if (o->kept_cap - o->kept_len < need) {
        size_t cap = o->kept_cap ? o->kept_cap : 65536;
        char *p;

        while (cap - o->kept_len < need)
            cap *= 2;
        if (!(p = (char *)o->kept_realloc(o->kept, cap))) {
            o->kept_lost = true;
            return;
        }
        o->kept = p;
        o->kept_cap = cap;
    }
    for (int i = 0; i < TCPLIFE_CONN_COLS; i++) {
        memcpy(o->kept + o->kept_len, row->cell[i], len[i]);
        o->kept[o->kept_len + len[i]] = '\0';
        o->kept_len += len[i] + 1;
    }
}

void
tl_rows_measure(tl_rows_out_t *o, const tl_row_t *row)
{
    size_t len[TCPLIFE_CONN_COLS];

    for (int i = 0; i < TCPLIFE_CONN_COLS; i++) {
        len[i] = strnlen(row->cell[i], TCPLIFE_CELL_MAX - 1);
        if (len[i] > o->width[i])
            o->width[i] = len[i];
    }
    if (o->fmt == TCPLIFE_ROWS_TABLE)
        keep(o, row, len);
}

bool
tl_rows_kept(const tl_rows_out_t *o)
{
    return o->fmt == TCPLIFE_ROWS_TABLE && o->kept_realloc && !o->kept_lost;
}

bool
tl_rows_next_kept(tl_rows_out_t *o, tl_row_t *row)
{
    if (!tl_rows_kept(o) || o->kept_at >= o->kept_len)
        return false;
    for (int i = 0; i < TCPLIFE_CONN_COLS; i++) {
        size_t len = strlen(o->kept + o->kept_at);

        memcpy(row->cell[i], o->kept + o->kept_at, len + 1);
        o->kept_at += len + 1;
    }
    return true;
}

void
tl_rows_free(tl_rows_out_t *o)
{
    if (o->kept && o->kept_free)
        o->kept_free(o->kept);
    o->kept = NULL;
    o->kept_len = o->kept_cap = o->kept_at = 0;
}

bool
tl_rows_begin(FILE *out, tl_rows_out_t *o, const char *filter)
{
    char buf[LINE_MAX_ + 2];

    switch (o->fmt) {
    case TCPLIFE_ROWS_JSON:
        fputs("[\n", out);
        break;
    case TCPLIFE_ROWS_TSV:
        for (int i = 0; i < TCPLIFE_CONN_COLS; i++) {
            fputs(tl_conn_columns[i], out);
            putc(i + 1 < TCPLIFE_CONN_COLS ? '\t' : '\n', out);
        }
        break;
    case TCPLIFE_ROWS_TABLE:
        fputs("\n", out);
        fputs(rule, out);
        fprintf(out, "TCP Lifecycle: connections%s%s\n", filter ? "  Filter: " : "", filter ? filter : "");
        fwrite(buf, 1, table_line(buf, tl_conn_columns, o->width), out);
        break;
    }
    return !ferror(out);
}

bool
tl_rows_put(FILE *out, tl_rows_out_t *o, const tl_row_t *row)
{
    /* A table line is at most 18 cells and their padding to the widest. */
    char buf[LINE_MAX_ + TCPLIFE_CONN_COLS * (TCPLIFE_CELL_MAX + 2) + 2], *p = buf;
    const char *cells[TCPLIFE_CONN_COLS];

    switch (o->fmt) {
    case TCPLIFE_ROWS_JSON:
        /* The separator goes before a row: the last one has none. */
        if (o->n > 0)
            p = put_str(p, ",\n");
        p += json_line(p, row);
        break;
    case TCPLIFE_ROWS_TSV:
        p += tsv_line(p, row);
        break;
    case TCPLIFE_ROWS_TABLE:
        for (int i = 0; i < TCPLIFE_CONN_COLS; i++)
            cells[i] = row->cell[i];
        p += table_line(p, cells, o->width);
        break;
    }
    o->n++;
    return fwrite(buf, 1, (size_t)(p - buf), out) == (size_t)(p - buf);
}

bool
tl_rows_end(FILE *out, tl_rows_out_t *o)
{
    if (o->fmt == TCPLIFE_ROWS_JSON)
        fputs(o->n ? "\n]\n" : "]\n", out);
    else if (o->fmt == TCPLIFE_ROWS_TABLE)
        fputs(rule, out);
    return !ferror(out);
}
