/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_fields.c - registration of tcplife's fields, subtrees and expert
 * items, expanded from TCPLIFE_FIELD_MAP (tl_fields.h) and TCPLIFE_ANOMALY_MAP
 * (tcplife/tl_vocab.h), and the render groups' field lists, expanded from
 * the map's group column, that tl_tree.c asks about. Registers only: the
 * tree is tl_tree.c's.
 */
#include <epan/packet.h>
#include <epan/expert.h>

#include "tl_fields.h"

int hf_tcplife[TCPLIFE_HF_COUNT] = {
#define TCPLIFE_X_(id, abbrev, name, type, base, strings, group, blurb) -1,
    TCPLIFE_FIELD_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
};

gint ett_tcplife[TCPLIFE_ETT_COUNT] = {
#define TCPLIFE_X_(s) -1,
    TCPLIFE_SUBTREE_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
};

expert_field ei_tcplife[TCPLIFE_ANOMALY_COUNT] = {
#define TCPLIFE_X_(sym, sev, group, str) EI_INIT,
    TCPLIFE_ANOMALY_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
};
expert_field ei_tcplife_untracked = EI_INIT;
expert_field ei_tcplife_frames_lost = EI_INIT;

/* epan keeps pointers into this table until exit: static storage. */
static hf_register_info hf[] = {
#define TCPLIFE_X_(id, abbrev, name, type, base, strings, group, blurb) \
    { &hf_tcplife[TCPLIFE_HF_##id], { name, abbrev, type, base, strings, 0x0, blurb, HFILL } },
    TCPLIFE_FIELD_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
};

/* The render group of each field, and the registered ids of each group's
 * fields: group g's are group_hf[group_start[g] .. group_start[g + 1]),
 * filled by tl_fields_register() in the map's order. */
static const guint8 field_group[TCPLIFE_HF_COUNT] = {
#define TCPLIFE_X_(id, abbrev, name, type, base, strings, group, blurb) TCPLIFE_RG_##group,
    TCPLIFE_FIELD_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
};
static int     group_hf[TCPLIFE_HF_COUNT];
static guint16 group_start[TCPLIFE_RG_COUNT + 1];

/* The anomaly map's severity column (0 chat .. 3 error) as epan's. */
#define TCPLIFE_PI_SEV_0 PI_CHAT
#define TCPLIFE_PI_SEV_1 PI_NOTE
#define TCPLIFE_PI_SEV_2 PI_WARN
#define TCPLIFE_PI_SEV_3 PI_ERROR

/* "tcplife.anomaly.<SYMBOL>", lowered in place by tl_fields_register().
 * epan keeps the name pointers until exit and never frees them: static
 * storage, not g_ascii_strdown(). */
static char ei_names[TCPLIFE_ANOMALY_COUNT][64] = {
#define TCPLIFE_X_(sym, sev, group, str) "tcplife.anomaly." #sym,
    TCPLIFE_ANOMALY_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
};

/* One expert item per anomaly: the map's group column (PROTOCOL,
 * SEQUENCE) names epan's PI_ group, its severity column the severity, its
 * text the summary. Row 0, TCPLIFE_ANOMALY_NONE, is not registered. */
static ei_register_info ei[] = {
#define TCPLIFE_X_(sym, sev, group, str)   \
    { &ei_tcplife[TCPLIFE_ANOMALY_##sym],  \
      { ei_names[TCPLIFE_ANOMALY_##sym], PI_##group, TCPLIFE_PI_SEV_##sev, str, EXPFILL } },
    TCPLIFE_ANOMALY_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
};

static ei_register_info ei_glue[] = {
    { &ei_tcplife_untracked, { "tcplife.untracked", PI_MALFORMED, PI_WARN,
      "TCP header truncated or malformed, or its IP header not found: segment not "
      "tracked, the connection's states may miss it", EXPFILL } },
    { &ei_tcplife_frames_lost, { "tcplife.frames_lost", PI_UNDECODED, PI_WARN,
      "Out of memory for the frames the read filter hid: related frames after one of them "
      "may be named by a wrong number", EXPFILL } },
};

void
tl_fields_register(int proto)
{
    static gint *ett[] = {
#define TCPLIFE_X_(s) &ett_tcplife[TCPLIFE_ETT_##s],
        TCPLIFE_SUBTREE_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
    };
    expert_module_t *expert;
    guint n = 0;

    proto_register_field_array(proto, hf, array_length(hf));
    for (int g = 0; g < TCPLIFE_RG_COUNT; g++) {
        group_start[g] = (guint16)n;
        for (int f = 0; f < TCPLIFE_HF_COUNT; f++)
            if (field_group[f] == g)
                group_hf[n++] = hf_tcplife[f];
    }
    group_start[TCPLIFE_RG_COUNT] = (guint16)n;

    proto_register_subtree_array(ett, array_length(ett));

    for (int a = 1; a < TCPLIFE_ANOMALY_COUNT; a++)
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
