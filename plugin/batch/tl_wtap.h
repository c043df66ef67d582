/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_wtap.h - the libwiretap calls of the direct batch program, in one
 * place: their signatures differ between Wireshark 4.0/4.4 (a Buffer beside
 * the record) and 4.6 (the record holds its data).
 */
#ifndef TCPLIFE_TL_WTAP_H
#define TCPLIFE_TL_WTAP_H

#include <glib.h>
#include <ws_version.h>
#include <wiretap/wtap.h>
#include <wsutil/wslog.h>

/* 4.6: the record holds its data, ws_log_init() takes no program name. */
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 6)
#define TCPLIFE_WTAP_REC_HAS_DATA 1
#endif

typedef struct {
    wtap_rec rec;
#ifndef TCPLIFE_WTAP_REC_HAS_DATA
    Buffer   buf;
#endif
} tl_wtap_rec_t;

static inline void
tl_wtap_rec_init(tl_wtap_rec_t *r)
{
#ifdef TCPLIFE_WTAP_REC_HAS_DATA
    wtap_rec_init(&r->rec, 1514);
#else
    wtap_rec_init(&r->rec);
    ws_buffer_init(&r->buf, 1514);
#endif
}

static inline void
tl_wtap_rec_cleanup(tl_wtap_rec_t *r)
{
    wtap_rec_cleanup(&r->rec);
#ifndef TCPLIFE_WTAP_REC_HAS_DATA
    ws_buffer_free(&r->buf);
#endif
}

/* Wireshark's log setup: without it libwiretap's debug messages reach
 * stderr. 4.6 dropped the program name argument (g_set_prgname instead). */
static inline void
tl_wtap_log_init(const char *progname)
{
#ifdef TCPLIFE_WTAP_REC_HAS_DATA
    g_set_prgname(progname);
    ws_log_init(NULL);
#else
    ws_log_init(progname, NULL);
#endif
}

static inline bool
tl_wtap_read(wtap *wth, tl_wtap_rec_t *r, int *err, char **err_info, int64_t *offset)
{
    gint64 off = 0;
    bool ok;

#ifdef TCPLIFE_WTAP_REC_HAS_DATA
    ok = wtap_read(wth, &r->rec, err, err_info, &off);
#else
    ok = wtap_read(wth, &r->rec, &r->buf, err, err_info, &off);
#endif
    *offset = off;
    return ok;
}

static inline const uint8_t *
tl_wtap_data(tl_wtap_rec_t *r)
{
#ifdef TCPLIFE_WTAP_REC_HAS_DATA
    return ws_buffer_start_ptr(&r->rec.data);
#else
    return ws_buffer_start_ptr(&r->buf);
#endif
}

#endif /* TCPLIFE_TL_WTAP_H */
