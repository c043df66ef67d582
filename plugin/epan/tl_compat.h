/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_compat.h - every Wireshark API difference the glue meets, in one place
 * (plugin registration symbols live in plugin.c), and the private layouts
 * reviewed per version for tl_epan_seam.c. Supported: 4.0 to 4.6.
 */
#ifndef TCPLIFE_TL_COMPAT_H
#define TCPLIFE_TL_COMPAT_H

#include <stdbool.h>

#include <ws_version.h>
#include <epan/proto.h>
#include <epan/ftypes/ftypes.h>
#include <epan/stats_tree.h>

#define TCPLIFE_WS_AT_LEAST(maj, min)   \
    (WIRESHARK_VERSION_MAJOR > (maj) || \
     (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

/* field_info.value is embedded up to 4.0 and a pointer from 4.2 on (read
 * by tl_epan_seam.c only). */
#define TCPLIFE_FI_VALUE_IS_POINTER TCPLIFE_WS_AT_LEAST(4, 2)

/*
 * The private layouts tl_epan_seam.c reads (epan/dissectors/packet-tcp.h),
 * as reviewed for each Wireshark version: type, member, offset, size on
 * LP64 (64-bit Linux). Reviewed means: the members still mean what the
 * seam takes them for (TCP queues one `struct tcpheader` on its "tcp" tap
 * per layer it finishes, and keeps `struct tcp_analysis` as its
 * conversation data), and these are their offsets and sizes. Only the seam
 * and tests/layout expand this table. The seam compiles its internal path
 * only for a version listed here, and uses it only while the headers match
 * (else the public fallback, with a warning); tests/layout fails when they
 * do not, or when the version has no entry. A new version: review those
 * two structures and their use in packet-tcp.c, then add its table with
 * the values tests/layout prints.
 */
#if WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR == 0 && defined(__LP64__)
#define TCPLIFE_SEAM_LAYOUT(X)                          \
    X(struct tcpheader, th_rawseq, 0, 4)                \
    X(struct tcpheader, th_rawack, 8, 4)                \
    X(struct tcpheader, th_have_seglen, 16, 4)          \
    X(struct tcpheader, th_seglen, 20, 4)               \
    X(struct tcpheader, th_sport, 28, 2)                \
    X(struct tcpheader, th_dport, 30, 2)                \
    X(struct tcpheader, th_hlen, 32, 1)                 \
    X(struct tcpheader, th_stream, 44, 4)               \
    X(struct tcp_analysis, stream, 304, 4)
#elif WIRESHARK_VERSION_MAJOR == 4 \
    && (WIRESHARK_VERSION_MINOR == 4 || WIRESHARK_VERSION_MINOR == 6) && defined(__LP64__)
/* 4.4.19 (Debian 13) and 4.6.9 (unstable): gboolean became bool
 * (th_have_seglen, th_use_ace before th_stream, tcp_flow_t's flags). */
#define TCPLIFE_SEAM_LAYOUT(X)                          \
    X(struct tcpheader, th_rawseq, 0, 4)                \
    X(struct tcpheader, th_rawack, 8, 4)                \
    X(struct tcpheader, th_have_seglen, 16, 1)          \
    X(struct tcpheader, th_seglen, 20, 4)               \
    X(struct tcpheader, th_sport, 28, 2)                \
    X(struct tcpheader, th_dport, 30, 2)                \
    X(struct tcpheader, th_hlen, 32, 1)                 \
    X(struct tcpheader, th_stream, 36, 4)               \
    X(struct tcp_analysis, stream, 272, 4)
#endif

/* The storage of a bool preference: gboolean (int) up to 4.0, C99 bool from
 * 4.2 on (prefs_register_bool_preference(..., bool *var)); GCC 14 rejects the
 * wrong pointer type. No header macro tells them apart. Use as
 * `static tl_pref_bool_t pref_x = TRUE;`. */
#if TCPLIFE_WS_AT_LEAST(4, 2)
typedef bool tl_pref_bool_t;
#else
typedef gboolean tl_pref_bool_t;
#endif

/* The init callback of a -z statistic (stat_tap_ui.tap_init_cb) returns void
 * up to 4.4 and bool (false: the tap did not start) from 4.6 on; no header
 * macro tells them apart. Declare it `static TCPLIFE_STAT_INIT_RET f(const char
 * *opt_arg, void *userdata)` and leave it with TCPLIFE_STAT_INIT_DONE(ok). */
#if TCPLIFE_WS_AT_LEAST(4, 6)
#define TCPLIFE_STAT_INIT_RET bool
#define TCPLIFE_STAT_INIT_DONE(ok) return (ok)
#else
#define TCPLIFE_STAT_INIT_RET void
#define TCPLIFE_STAT_INIT_DONE(ok) do { (void)(ok); return; } while (0)
#endif

/* A stats tree's menu path: "TCP Lifecycle/Summary" up to 4.2, "//"
 * between the parts from 4.4 on (a single '/' is then part of a name). The
 * header says which by defining STATS_TREE_MENU_SEPARATOR. */
#if defined(STATS_TREE_MENU_SEPARATOR)
#define TCPLIFE_STATS_TREE_SEP STATS_TREE_MENU_SEPARATOR
#else
#define TCPLIFE_STATS_TREE_SEP "/"
#endif

#endif /* TCPLIFE_TL_COMPAT_H */
