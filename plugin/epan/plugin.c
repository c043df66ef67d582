/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plugin.c - the plugin ABI symbols Wireshark looks for when it loads
 * tcplife.so. Their form changed between releases; every version #if about
 * registration lives here.
 */
#include <wireshark.h>
#include <ws_version.h>
#include <epan/proto.h>

#if defined(__has_include)
#if __has_include(<wsutil/plugins.h>)
#include <wsutil/plugins.h>
#endif
#endif

#include "tl_glue.h"

#ifndef TCPLIFE_VERSION
#define TCPLIFE_VERSION "0.0.0"
#endif

static void
tl_register_protoinfo(void)
{
    static proto_plugin plug;

    plug.register_protoinfo = proto_register_tcplife;
    plug.register_handoff = proto_reg_handoff_tcplife;
    proto_register_plugin(&plug);
}

#ifdef WIRESHARK_PLUGIN_REGISTER_EPAN
/* Wireshark after 4.6 (development branch): one entry point returning a
 * module description. Released 4.0 to 4.6 keep the symbols below; this branch
 * follows the development header's struct ws_module (flags, version, spdx_id,
 * home_url, blurb, register_cb) and names only those fields. */
static struct ws_module tl_module = {
    .flags = WS_PLUGIN_DESC_DISSECTOR,
    .version = TCPLIFE_VERSION,
    .spdx_id = "GPL-2.0-or-later",
    .home_url = "",
    .blurb = "TCP Lifecycle: handshake, states, teardown, resets and TIME_WAIT of every connection",
    .register_cb = tl_register_protoinfo,
};
WIRESHARK_PLUGIN_REGISTER_EPAN(&tl_module, 0)
#else
/* 4.0 to 4.6: version symbols and plugin_register(). */
WS_DLL_PUBLIC_DEF const gchar plugin_version[] = TCPLIFE_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

void
plugin_register(void)
{
    tl_register_protoinfo();
}

#ifdef WS_PLUGIN_DESC_DISSECTOR
/* 4.2 to 4.6 also ask what kind of plugin this is (the "dissector" column
 * of tshark -G plugins). */
WS_DLL_PUBLIC uint32_t plugin_describe(void);

uint32_t
plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif
#endif
