/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_names.c - vocabulary expansions: enum -> filter and display strings,
 * generated from the X-macro lists in tl_core.h. No epan includes.
 */
#include "tcplife/tl_core.h"

#define TL_COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define TL_LOOKUP(table, v) \
    ((unsigned)(v) < TL_COUNT_OF(table) ? (table)[(unsigned)(v)] : "?")

#define TL_STR2_(sym, str) str,
#define TL_STR3_(sym, col, str) str,

static const char *const state_names[]    = { TL_STATE_MAP(TL_STR2_) };
static const char *const phase_names[]    = { TL_PHASE_MAP(TL_STR2_) };
static const char *const role_names[]     = { TL_ROLE_MAP(TL_STR2_) };
static const char *const teardown_names[] = { TL_TEARDOWN_MAP(TL_STR2_) };
static const char *const event_names[]    = { TL_EVENT_MAP(TL_STR2_) };
static const char *const label_texts[]    = { TL_LABEL_MAP(TL_STR3_) };
#define TL_LABEL_ANOM_(sym, anom, str) TL_ANOMALY_##anom,
static const tl_anomaly_t label_anoms[]  = { TL_LABEL_MAP(TL_LABEL_ANOM_) };
static const char *const api_texts[]      = { TL_API_MAP(TL_STR2_) };
#define TL_ANOM_TEXT_(sym, sev, group, str) str,
#define TL_ANOM_SEV_(sym, sev, group, str) sev,
#define TL_ANOM_GROUP_(sym, sev, group, str) TL_GROUP_##group,
static const char *const anomaly_texts[]  = { TL_ANOMALY_MAP(TL_ANOM_TEXT_) };
static const int anomaly_sev[]            = { TL_ANOMALY_MAP(TL_ANOM_SEV_) };
static const tl_group_t anomaly_group[]   = { TL_ANOMALY_MAP(TL_ANOM_GROUP_) };
#define TL_NAME3_(sym, str, rule) str,
static const char *const rst_names[]      = { TL_RST_MAP(TL_NAME3_) };
#define TL_RULE3_(sym, str, rule) rule,
static const char *const rst_rules[]      = { TL_RST_MAP(TL_RULE3_) };
static const char *const tw_names[]       = { TL_TW_MAP(TL_STR2_) };
static const char *const outcome_names[]  = { TL_OUTCOME_MAP(TL_STR2_) };
static const char *const tfo_names[]      = { TL_TFO_MAP(TL_STR2_) };
static const char *const auth_names[]     = { TL_AUTH_MAP(TL_STR2_) };
static const char *const backoff_texts[]  = { TL_BACKOFF_MAP(TL_STR2_) };
static const char *const hs_names[]       = { TL_HS_OUTCOME_MAP(TL_STR2_) };
static const char *const ka_names[]       = { TL_KEEPALIVE_MAP(TL_STR2_) };
static const char *const stack_names[]    = { TL_STACK_MAP(TL_STR2_) };
#define TL_REASON1_(sym) #sym,
static const char *const reason_names[]   = { TL_RST_REASON_MAP(TL_REASON1_) };
#define TL_RULE_TEXT_(sym, kind, reason, an, api, text) text,
static const char *const rule_texts[]     = { TL_RST_RULE_MAP(TL_RULE_TEXT_) };
#define TL_RULE_KIND_(sym, kind, reason, an, api, text) TL_RST_##kind,
static const tl_rst_kind_t rule_kinds[]   = { TL_RST_RULE_MAP(TL_RULE_KIND_) };

const char *tl_state_name(tl_state_t s)       { return TL_LOOKUP(state_names, s); }
const char *tl_phase_name(tl_phase_t p)       { return TL_LOOKUP(phase_names, p); }
const char *tl_role_name(tl_role_t r)         { return TL_LOOKUP(role_names, r); }
const char *tl_teardown_name(tl_teardown_t k) { return TL_LOOKUP(teardown_names, k); }
const char *tl_event_name(tl_event_t e)       { return TL_LOOKUP(event_names, e); }
const char *tl_label_text(tl_label_t l)       { return TL_LOOKUP(label_texts, l); }
tl_anomaly_t tl_label_anomaly(tl_label_t l)
{
    return (unsigned)l < TL_COUNT_OF(label_anoms) ? label_anoms[l] : TL_ANOMALY_UNEXPECTED;
}
const char *tl_api_text(tl_api_t a)           { return TL_LOOKUP(api_texts, a); }
const char *tl_anomaly_text(tl_anomaly_t a)   { return TL_LOOKUP(anomaly_texts, a); }
const char *tl_rst_kind_name(tl_rst_kind_t k) { return TL_LOOKUP(rst_names, k); }
const char *tl_rst_kind_rule(tl_rst_kind_t k) { return TL_LOOKUP(rst_rules, k); }
const char *tl_tw_holder_name(tl_tw_holder_t h) { return TL_LOOKUP(tw_names, h); }
const char *tl_outcome_name(tl_outcome_t o)   { return TL_LOOKUP(outcome_names, o); }
const char *tl_tfo_name(tl_tfo_t t)           { return TL_LOOKUP(tfo_names, t); }
const char *tl_auth_name(tl_auth_t a)         { return TL_LOOKUP(auth_names, a); }
const char *tl_backoff_text(tl_backoff_t b)   { return TL_LOOKUP(backoff_texts, b); }
const char *tl_hs_outcome_name(tl_hs_outcome_t h) { return TL_LOOKUP(hs_names, h); }
const char *tl_keepalive_name(tl_keepalive_t k) { return TL_LOOKUP(ka_names, k); }
const char *tl_stack_name(tl_stack_t st)      { return TL_LOOKUP(stack_names, st); }
const char *tl_rst_reason_name(tl_rst_reason_t r) { return TL_LOOKUP(reason_names, r); }
const char *tl_rst_rule_text(tl_rst_rule_t r) { return TL_LOOKUP(rule_texts, r); }

tl_rst_kind_t
tl_rst_rule_kind(tl_rst_rule_t r)
{
    return (unsigned)r < TL_COUNT_OF(rule_kinds) ? rule_kinds[r] : TL_RST_NONE;
}

int
tl_anomaly_severity(tl_anomaly_t a)
{
    return (unsigned)a < TL_COUNT_OF(anomaly_sev) ? anomaly_sev[a] : 0;
}

tl_group_t
tl_anomaly_group(tl_anomaly_t a)
{
    return (unsigned)a < TL_COUNT_OF(anomaly_group) ? anomaly_group[a] : TL_GROUP_PROTOCOL;
}
