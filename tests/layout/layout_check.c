/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * layout_check.c - the private epan layouts tl_epan_seam.c reads (TCP's tap
 * record `struct tcpheader` and conversation data `struct tcp_analysis`,
 * epan/dissectors/packet-tcp.h), checked against the table reviewed for
 * this Wireshark (TCPLIFE_SEAM_LAYOUT in plugin/epan/tl_compat.h). Compiled
 * against the installed headers, as the plugin is.
 *
 * Fails (exit 1) when an offset or size differs, and when this version has
 * no reviewed table: the plugin then works, but on the slower public path
 * with a warning at every start, so a new Wireshark must be reviewed (see
 * tl_compat.h) before it is supported at full speed. Prints every member's
 * offset and size, the values a new table line takes.
 */
#include <stddef.h>
#include <stdio.h>

#include <ws_version.h>
#include <epan/packet.h>

#include "tl_compat.h"

#ifdef TCPLIFE_SEAM_LAYOUT
#include <epan/dissectors/packet-tcp.h>
#endif

int
main(void)
{
    int bad = 0;

    printf("Wireshark headers %d.%d.%d\n", WIRESHARK_VERSION_MAJOR, WIRESHARK_VERSION_MINOR,
           WIRESHARK_VERSION_MICRO);
#ifdef TCPLIFE_SEAM_LAYOUT
#define TCPLIFE_X_(type, member, off, size)                                                     \
    do {                                                                                        \
        size_t o = offsetof(type, member), s = sizeof(((type *)0)->member);                     \
        int ok = o == (size_t)(off) && s == (size_t)(size);                                     \
        printf("%-6s %s.%s: offset %zu size %zu (reviewed: %d %d)\n", ok ? "ok" : "CHANGED",    \
               #type, #member, o, s, (int)(off), (int)(size));                                  \
        bad |= !ok;                                                                             \
    } while (0);
    TCPLIFE_SEAM_LAYOUT(TCPLIFE_X_)
#undef TCPLIFE_X_
    if (bad)
        printf("FAIL: packet-tcp.h's layout changed since it was reviewed: check what the members "
               "mean now, then update TCPLIFE_SEAM_LAYOUT in plugin/epan/tl_compat.h\n");
#else
    printf("FAIL: no reviewed TCPLIFE_SEAM_LAYOUT for this Wireshark in "
           "plugin/epan/tl_compat.h: the plugin uses the public fallback (primed tcp.stream "
           "and tcp.len). Review struct tcpheader and struct tcp_analysis in "
           "epan/dissectors/packet-tcp.h, then add this version's table\n");
    bad = 1;
#endif
    return bad;
}
