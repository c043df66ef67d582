/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_names.c - vocabulary expansions: enum -> filter and display strings,
 * generated from the X-macro lists in tl_core.h. No epan includes.
 */
#include "tcplife/tl_core.h"

#define TCPLIFE_COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define TCPLIFE_LOOKUP(table, v) \
    ((unsigned)(v) < TCPLIFE_COUNT_OF(table) ? (table)[(unsigned)(v)] : "?")

#define TCPLIFE_STR2_(sym, str) str,
#define TCPLIFE_STR3_(sym, col, str) str,

static const char *const state_names[]    = { TCPLIFE_STATE_MAP(TCPLIFE_STR2_) };
static const char *const phase_names[]    = { TCPLIFE_PHASE_MAP(TCPLIFE_STR2_) };
static const char *const role_names[]     = { TCPLIFE_ROLE_MAP(TCPLIFE_STR2_) };
static const char *const teardown_names[] = { TCPLIFE_TEARDOWN_MAP(TCPLIFE_STR2_) };
static const char *const event_names[]    = { TCPLIFE_EVENT_MAP(TCPLIFE_STR2_) };
static const char *const label_texts[]    = { TCPLIFE_LABEL_MAP(TCPLIFE_STR3_) };
#define TCPLIFE_LABEL_ANOM_(sym, anom, str) TCPLIFE_ANOMALY_##anom,
static const tl_anomaly_t label_anoms[]  = { TCPLIFE_LABEL_MAP(TCPLIFE_LABEL_ANOM_) };
static const char *const api_texts[]      = { TCPLIFE_API_MAP(TCPLIFE_STR2_) };
#define TCPLIFE_ANOM_TEXT_(sym, sev, group, str) str,
#define TCPLIFE_ANOM_SEV_(sym, sev, group, str) sev,
#define TCPLIFE_ANOM_GROUP_(sym, sev, group, str) TCPLIFE_GROUP_##group,
static const char *const anomaly_texts[]  = { TCPLIFE_ANOMALY_MAP(TCPLIFE_ANOM_TEXT_) };
static const int anomaly_sev[]            = { TCPLIFE_ANOMALY_MAP(TCPLIFE_ANOM_SEV_) };
static const tl_group_t anomaly_group[]   = { TCPLIFE_ANOMALY_MAP(TCPLIFE_ANOM_GROUP_) };
#define TCPLIFE_NAME3_(sym, str, rule) str,
static const char *const rst_names[]      = { TCPLIFE_RST_MAP(TCPLIFE_NAME3_) };
#define TCPLIFE_RULE3_(sym, str, rule) rule,
static const char *const rst_rules[]      = { TCPLIFE_RST_MAP(TCPLIFE_RULE3_) };
static const char *const tw_names[]       = { TCPLIFE_TW_MAP(TCPLIFE_STR2_) };
static const char *const outcome_names[]  = { TCPLIFE_OUTCOME_MAP(TCPLIFE_STR2_) };
static const char *const tfo_names[]      = { TCPLIFE_TFO_MAP(TCPLIFE_STR2_) };
static const char *const auth_names[]     = { TCPLIFE_AUTH_MAP(TCPLIFE_STR2_) };
static const char *const backoff_texts[]  = { TCPLIFE_BACKOFF_MAP(TCPLIFE_STR2_) };
static const char *const hs_names[]       = { TCPLIFE_HS_OUTCOME_MAP(TCPLIFE_STR2_) };
static const char *const ka_names[]       = { TCPLIFE_KEEPALIVE_MAP(TCPLIFE_STR2_) };
static const char *const stack_names[]    = { TCPLIFE_STACK_MAP(TCPLIFE_STR2_) };
#define TCPLIFE_REASON1_(sym) #sym,
static const char *const reason_names[]   = { TCPLIFE_RST_REASON_MAP(TCPLIFE_REASON1_) };
#define TCPLIFE_RULE_TEXT_(sym, kind, reason, an, api, text) text,
static const char *const rule_texts[]     = { TCPLIFE_RST_RULE_MAP(TCPLIFE_RULE_TEXT_) };
#define TCPLIFE_RULE_KIND_(sym, kind, reason, an, api, text) TCPLIFE_RST_##kind,
static const tl_rst_kind_t rule_kinds[]   = { TCPLIFE_RST_RULE_MAP(TCPLIFE_RULE_KIND_) };

const char *tl_state_name(tl_state_t s)       { return TCPLIFE_LOOKUP(state_names, s); }
const char *tl_phase_name(tl_phase_t p)       { return TCPLIFE_LOOKUP(phase_names, p); }
const char *tl_role_name(tl_role_t r)         { return TCPLIFE_LOOKUP(role_names, r); }
const char *tl_teardown_name(tl_teardown_t k) { return TCPLIFE_LOOKUP(teardown_names, k); }
const char *tl_event_name(tl_event_t e)       { return TCPLIFE_LOOKUP(event_names, e); }
const char *tl_label_text(tl_label_t l)       { return TCPLIFE_LOOKUP(label_texts, l); }
tl_anomaly_t tl_label_anomaly(tl_label_t l)
{
    return (unsigned)l < TCPLIFE_COUNT_OF(label_anoms) ? label_anoms[l] : TCPLIFE_ANOMALY_UNEXPECTED;
}
const char *tl_api_text(tl_api_t a)           { return TCPLIFE_LOOKUP(api_texts, a); }
const char *tl_anomaly_text(tl_anomaly_t a)   { return TCPLIFE_LOOKUP(anomaly_texts, a); }
const char *tl_rst_kind_name(tl_rst_kind_t k) { return TCPLIFE_LOOKUP(rst_names, k); }
const char *tl_rst_kind_rule(tl_rst_kind_t k) { return TCPLIFE_LOOKUP(rst_rules, k); }
const char *tl_tw_holder_name(tl_tw_holder_t h) { return TCPLIFE_LOOKUP(tw_names, h); }
const char *tl_outcome_name(tl_outcome_t o)   { return TCPLIFE_LOOKUP(outcome_names, o); }
const char *tl_tfo_name(tl_tfo_t t)           { return TCPLIFE_LOOKUP(tfo_names, t); }
const char *tl_auth_name(tl_auth_t a)         { return TCPLIFE_LOOKUP(auth_names, a); }
const char *tl_backoff_text(tl_backoff_t b)   { return TCPLIFE_LOOKUP(backoff_texts, b); }
const char *tl_hs_outcome_name(tl_hs_outcome_t h) { return TCPLIFE_LOOKUP(hs_names, h); }
const char *tl_keepalive_name(tl_keepalive_t k) { return TCPLIFE_LOOKUP(ka_names, k); }
const char *tl_stack_name(tl_stack_t st)      { return TCPLIFE_LOOKUP(stack_names, st); }
const char *tl_rst_reason_name(tl_rst_reason_t r) { return TCPLIFE_LOOKUP(reason_names, r); }
const char *tl_rst_rule_text(tl_rst_rule_t r) { return TCPLIFE_LOOKUP(rule_texts, r); }

tl_rst_kind_t
tl_rst_rule_kind(tl_rst_rule_t r)
{
    return (unsigned)r < TCPLIFE_COUNT_OF(rule_kinds) ? rule_kinds[r] : TCPLIFE_RST_NONE;
}

int
tl_anomaly_severity(tl_anomaly_t a)
{
    return (unsigned)a < TCPLIFE_COUNT_OF(anomaly_sev) ? anomaly_sev[a] : 0;
}

tl_group_t
tl_anomaly_group(tl_anomaly_t a)
{
    return (unsigned)a < TCPLIFE_COUNT_OF(anomaly_group) ? anomaly_group[a] : TCPLIFE_GROUP_PROTOCOL;
}
