/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_fields.c - registration of tcplife's fields, subtrees and expert
 * items, expanded from TL_FIELD_MAP (tl_fields.h) and TL_ANOMALY_MAP
 * (tcplife/tl_vocab.h), and the render groups' field lists, expanded from
 * the map's group column, that tl_tree.c asks about. Registers only: the
 * tree is tl_tree.c's.
 */
#include <epan/packet.h>
#include <epan/expert.h>

#include "tl_fields.h"

int hf_tcplife[TL_HF_COUNT] = {
#define TL_X_(id, abbrev, name, type, base, strings, group, blurb) -1,
    TL_FIELD_MAP(TL_X_)
#undef TL_X_
};

gint ett_tcplife[TL_ETT_COUNT] = {
#define TL_X_(s) -1,
    TL_SUBTREE_MAP(TL_X_)
#undef TL_X_
};

expert_field ei_tcplife[TL_ANOMALY_COUNT] = {
#define TL_X_(sym, sev, group, str) EI_INIT,
    TL_ANOMALY_MAP(TL_X_)
#undef TL_X_
};
expert_field ei_tcplife_untracked = EI_INIT;

/* epan keeps pointers into this table until exit: static storage. */
static hf_register_info hf[] = {
#define TL_X_(id, abbrev, name, type, base, strings, group, blurb) \
    { &hf_tcplife[TL_HF_##id], { name, abbrev, type, base, strings, 0x0, blurb, HFILL } },
    TL_FIELD_MAP(TL_X_)
#undef TL_X_
};

/* The render group of each field, and the registered ids of each group's
 * fields: group g's are group_hf[group_start[g] .. group_start[g + 1]),
 * filled by tl_fields_register() in the map's order. */
static const guint8 field_group[TL_HF_COUNT] = {
#define TL_X_(id, abbrev, name, type, base, strings, group, blurb) TL_RG_##group,
    TL_FIELD_MAP(TL_X_)
#undef TL_X_
};
static int     group_hf[TL_HF_COUNT];
static guint16 group_start[TL_RG_COUNT + 1];

/* The anomaly map's severity column (0 chat .. 3 error) as epan's. */
#define TL_PI_SEV_0 PI_CHAT
#define TL_PI_SEV_1 PI_NOTE
#define TL_PI_SEV_2 PI_WARN
#define TL_PI_SEV_3 PI_ERROR

/* "tcplife.anomaly.<SYMBOL>", lowered in place by tl_fields_register().
 * epan keeps the name pointers until exit and never frees them: static
 * storage, not g_ascii_strdown(). */
static char ei_names[TL_ANOMALY_COUNT][64] = {
#define TL_X_(sym, sev, group, str) "tcplife.anomaly." #sym,
    TL_ANOMALY_MAP(TL_X_)
#undef TL_X_
};

/* One expert item per anomaly: the map's group column (PROTOCOL,
 * SEQUENCE) names epan's PI_ group, its severity column the severity, its
 * text the summary. Row 0, TL_ANOMALY_NONE, is not registered. */
static ei_register_info ei[] = {
#define TL_X_(sym, sev, group, str) \
    { &ei_tcplife[TL_ANOMALY_##sym],  \
      { ei_names[TL_ANOMALY_##sym], PI_##group, TL_PI_SEV_##sev, str, EXPFILL } },
    TL_ANOMALY_MAP(TL_X_)
#undef TL_X_
};

static ei_register_info ei_glue[] = {
    { &ei_tcplife_untracked, { "tcplife.untracked", PI_MALFORMED, PI_WARN,
      "TCP header truncated or malformed, or its IP header not found: segment not "
      "tracked, the connection's states may miss it", EXPFILL } },
};

void
tl_fields_register(int proto)
{
    static gint *ett[] = {
#define TL_X_(s) &ett_tcplife[TL_ETT_##s],
        TL_SUBTREE_MAP(TL_X_)
#undef TL_X_
    };
    expert_module_t *expert;
    guint n = 0;

    proto_register_field_array(proto, hf, array_length(hf));
    for (int g = 0; g < TL_RG_COUNT; g++) {
        group_start[g] = (guint16)n;
        for (int f = 0; f < TL_HF_COUNT; f++)
            if (field_group[f] == g)
                group_hf[n++] = hf_tcplife[f];
    }
    group_start[TL_RG_COUNT] = (guint16)n;

    proto_register_subtree_array(ett, array_length(ett));

    for (int a = 1; a < TL_ANOMALY_COUNT; a++)
        for (char *p = ei_names[a]; *p; p++)
            *p = g_ascii_tolower(*p);
    expert = expert_register_protocol(proto);
    expert_register_field_array(expert, ei + 1, array_length(ei) - 1);
    expert_register_field_array(expert, ei_glue, array_length(ei_glue));
}

gboolean
tl_fields_group_named(proto_tree *tree, tl_render_group_t g)
{
    for (guint i = group_start[g]; i < group_start[g + 1]; i++)
        if (proto_field_is_referenced(tree, group_hf[i]))
            return TRUE;
    return FALSE;
}
