/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_compat.h - every Wireshark API difference the glue meets, in one place
 * (plugin registration symbols live in plugin.c). Supported: 4.0 to 4.6.
 */
#ifndef TCPLIFE_TL_COMPAT_H
#define TCPLIFE_TL_COMPAT_H

#include <stdbool.h>

#include <ws_version.h>
#include <epan/proto.h>
#include <epan/ftypes/ftypes.h>
#include <epan/stats_tree.h>

#define TL_WS_AT_LEAST(maj, min) \
    (WIRESHARK_VERSION_MAJOR > (maj) || \
     (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

/* field_info.value is embedded up to 4.0 and a pointer from 4.2 on. */
#if TL_WS_AT_LEAST(4, 2)
#define TL_FI_VALUE(fi) ((fi)->value)
#else
#define TL_FI_VALUE(fi) (&(fi)->value)
#endif

/* The storage of a bool preference: gboolean (int) up to 4.0, C99 bool from
 * 4.2 on (prefs_register_bool_preference(..., bool *var)); GCC 14 rejects the
 * wrong pointer type. No header macro tells them apart. Use as
 * `static tl_pref_bool_t pref_x = TRUE;`. */
#if TL_WS_AT_LEAST(4, 2)
typedef bool tl_pref_bool_t;
#else
typedef gboolean tl_pref_bool_t;
#endif

/* The init callback of a -z statistic (stat_tap_ui.tap_init_cb) returns void
 * up to 4.4 and bool (false: the tap did not start) from 4.6 on; no header
 * macro tells them apart. Declare it `static TL_STAT_INIT_RET f(const char
 * *opt_arg, void *userdata)` and leave it with TL_STAT_INIT_DONE(ok). */
#if TL_WS_AT_LEAST(4, 6)
#define TL_STAT_INIT_RET bool
#define TL_STAT_INIT_DONE(ok) return (ok)
#else
#define TL_STAT_INIT_RET void
#define TL_STAT_INIT_DONE(ok) do { (void)(ok); return; } while (0)
#endif

/* A stats tree's menu path: "TCP Lifecycle/Summary" up to 4.2, "//"
 * between the parts from 4.4 on (a single '/' is then part of a name). The
 * header says which by defining STATS_TREE_MENU_SEPARATOR. */
#if defined(STATS_TREE_MENU_SEPARATOR)
#define TL_STATS_TREE_SEP STATS_TREE_MENU_SEPARATOR
#else
#define TL_STATS_TREE_SEP "/"
#endif

static inline guint32
tl_fi_uint(const field_info *fi)
{
    return fvalue_get_uinteger(TL_FI_VALUE((field_info *)fi));
}

#endif /* TCPLIFE_TL_COMPAT_H */
