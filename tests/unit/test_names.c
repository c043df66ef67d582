/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_names.c - unit tests of tl_names.c: every vocabulary value has a
 * non-empty, unique string (the NONE entries excepted), out-of-range values
 * give "?", and the strings users filter on are spelled as in SPEC.md.
 */
#include "tl_test.h"

typedef const char *(*name_fn)(int);

/* Adapters so that one checker walks every vocabulary. */
static const char *state_(int v)    { return tl_state_name((tl_state_t)v); }
static const char *phase_(int v)    { return tl_phase_name((tl_phase_t)v); }
static const char *role_(int v)     { return tl_role_name((tl_role_t)v); }
static const char *teardown_(int v) { return tl_teardown_name((tl_teardown_t)v); }
static const char *event_(int v)    { return tl_event_name((tl_event_t)v); }
static const char *label_(int v)    { return tl_label_text((tl_label_t)v); }
static const char *api_(int v)      { return tl_api_text((tl_api_t)v); }
static const char *anomaly_(int v)  { return tl_anomaly_text((tl_anomaly_t)v); }

/*
 * Values [0, count) are all non-NULL; those not equal to none_value are
 * non-empty and pairwise distinct; none_value (-1: no NONE entry) is "".
 */
static void
check_vocabulary(const char *what, name_fn fn, int count, int none_value)
{
    for (int i = 0; i < count; i++) {
        const char *s = fn(i);
        assert_non_null(s);
        if (i == none_value) {
            if (s[0] != '\0')
                fail_msg("%s %d (NONE) is \"%s\", expected \"\"", what, i, s);
            continue;
        }
        if (s[0] == '\0')
            fail_msg("%s %d has an empty string", what, i);
        if (strcmp(s, "?") == 0)
            fail_msg("%s %d is \"?\", the out-of-range marker", what, i);
        for (int j = 0; j < i; j++)
            if (j != none_value && strcmp(s, fn(j)) == 0)
                fail_msg("%s %d and %d share \"%s\"", what, j, i, s);
    }
    assert_string_equal(fn(count), "?");
    assert_string_equal(fn(count + 1), "?");
    assert_string_equal(fn(-1), "?");
    assert_string_equal(fn(255), "?");
}

static void
test_names_states_are_unique_and_nonempty(void **state)
{
    (void)state;
    check_vocabulary("state", state_, TCPLIFE_STATE_COUNT, -1);
}

static void
test_names_phases_are_unique_and_nonempty(void **state)
{
    (void)state;
    check_vocabulary("phase", phase_, TCPLIFE_PHASE_COUNT, TCPLIFE_PHASE_NONE);
}

static void
test_names_roles_are_unique_and_nonempty(void **state)
{
    (void)state;
    check_vocabulary("role", role_, TCPLIFE_ROLE_COUNT, -1);
}

static void
test_names_teardown_kinds_are_unique_and_nonempty(void **state)
{
    (void)state;
    check_vocabulary("teardown", teardown_, TCPLIFE_TEARDOWN_COUNT, TCPLIFE_TEARDOWN_NONE);
}

static void
test_names_events_are_unique_and_nonempty(void **state)
{
    (void)state;
    check_vocabulary("event", event_, TCPLIFE_EV_COUNT, -1);
}

static void
test_names_labels_are_unique_and_nonempty(void **state)
{
    (void)state;
    check_vocabulary("label", label_, TCPLIFE_LABEL_COUNT, TCPLIFE_LABEL_NONE);
}

static void
test_names_apis_are_unique_and_nonempty(void **state)
{
    (void)state;
    check_vocabulary("api", api_, TCPLIFE_API_COUNT, TCPLIFE_API_NONE);
}

static void
test_names_anomalies_are_unique_and_nonempty(void **state)
{
    (void)state;
    check_vocabulary("anomaly", anomaly_, TCPLIFE_ANOMALY_COUNT, TCPLIFE_ANOMALY_NONE);
}

static void
test_names_anomaly_severities_are_in_range(void **state)
{
    (void)state;
    assert_int_equal(tl_anomaly_severity(TCPLIFE_ANOMALY_NONE), 0);
    for (int i = 1; i < TCPLIFE_ANOMALY_COUNT; i++) {
        int sev = tl_anomaly_severity((tl_anomaly_t)i);
        assert_true(sev >= 0 && sev <= 3);   /* not assert_in_range: deprecated in cmocka 2 */
    }
    /* The expert severities the glue maps them to: spot checks. */
    assert_int_equal(tl_anomaly_severity(TCPLIFE_ANOMALY_HANDSHAKE_ACK_MISMATCH), 2);
    assert_int_equal(tl_anomaly_severity(TCPLIFE_ANOMALY_ESTABLISHED_MIDSTREAM), 0);
    assert_int_equal(tl_anomaly_severity(TCPLIFE_ANOMALY_COUNT), 0);
    assert_int_equal(tl_anomaly_severity((tl_anomaly_t)-1), 0);
}

/* tcplife.state.client / .server values, exactly as SPEC.md lists them. */
static void
test_names_states_match_spec_spelling(void **state)
{
    static const char *const spec[] = {
        "CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1",
        "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT",
    };
    (void)state;
    assert_int_equal(TCPLIFE_COUNT(spec), TCPLIFE_STATE_COUNT);
    assert_string_equal(tl_state_name(TCPLIFE_STATE_CLOSED), "CLOSED");
    assert_string_equal(tl_state_name(TCPLIFE_STATE_LISTEN), "LISTEN");
    assert_string_equal(tl_state_name(TCPLIFE_STATE_SYN_SENT), "SYN_SENT");
    assert_string_equal(tl_state_name(TCPLIFE_STATE_SYN_RECEIVED), "SYN_RECEIVED");
    assert_string_equal(tl_state_name(TCPLIFE_STATE_ESTABLISHED), "ESTABLISHED");
    assert_string_equal(tl_state_name(TCPLIFE_STATE_FIN_WAIT_1), "FIN_WAIT_1");
    assert_string_equal(tl_state_name(TCPLIFE_STATE_FIN_WAIT_2), "FIN_WAIT_2");
    assert_string_equal(tl_state_name(TCPLIFE_STATE_CLOSE_WAIT), "CLOSE_WAIT");
    assert_string_equal(tl_state_name(TCPLIFE_STATE_CLOSING), "CLOSING");
    assert_string_equal(tl_state_name(TCPLIFE_STATE_LAST_ACK), "LAST_ACK");
    assert_string_equal(tl_state_name(TCPLIFE_STATE_TIME_WAIT), "TIME_WAIT");
    /* ... and no other spelling: every enum value is one of the list. */
    for (int i = 0; i < TCPLIFE_STATE_COUNT; i++)
        assert_string_equal(tl_state_name((tl_state_t)i), spec[i]);
}

static void
test_names_phases_match_spec_spelling(void **state)
{
    (void)state;
    assert_int_equal(TCPLIFE_PHASE_COUNT, 6);   /* NONE + the five of SPEC "Phases" */
    assert_string_equal(tl_phase_name(TCPLIFE_PHASE_HANDSHAKE), "handshake");
    assert_string_equal(tl_phase_name(TCPLIFE_PHASE_ESTABLISHED), "established");
    assert_string_equal(tl_phase_name(TCPLIFE_PHASE_TEARDOWN), "teardown");
    assert_string_equal(tl_phase_name(TCPLIFE_PHASE_RESET), "reset");
    assert_string_equal(tl_phase_name(TCPLIFE_PHASE_CLOSED), "closed");
}

static void
test_names_teardown_kinds_match_spec_spelling(void **state)
{
    (void)state;
    assert_int_equal(TCPLIFE_TEARDOWN_COUNT, 4);
    assert_string_equal(tl_teardown_name(TCPLIFE_TEARDOWN_FOUR_WAY), "four-way");
    assert_string_equal(tl_teardown_name(TCPLIFE_TEARDOWN_THREE_WAY), "three-way");
    assert_string_equal(tl_teardown_name(TCPLIFE_TEARDOWN_SIMULTANEOUS), "simultaneous");
}

static void
test_names_roles_match_spec_spelling(void **state)
{
    (void)state;
    assert_int_equal(TCPLIFE_ROLE_COUNT, 2);
    assert_string_equal(tl_role_name(TCPLIFE_ROLE_CLIENT), "client");
    assert_string_equal(tl_role_name(TCPLIFE_ROLE_SERVER), "server");
}

/* SPEC's tcplife.api examples appear in the texts of the matching calls. */
static void
test_names_api_texts_contain_spec_examples(void **state)
{
    (void)state;
    assert_non_null(strstr(tl_api_text(TCPLIFE_API_CONNECT_RETURNS), "connect() returns"));
    assert_non_null(strstr(tl_api_text(TCPLIFE_API_CLOSE), "close() or shutdown(SHUT_WR)"));
    assert_non_null(strstr(tl_api_text(TCPLIFE_API_CLOSE), "read() returns 0 at peer"));
}

/* Expert groups are a column of the anomaly map. */
static void
test_names_anomaly_groups(void **state)
{
    (void)state;
    assert_int_equal(tl_anomaly_group(TCPLIFE_ANOMALY_HANDSHAKE_SYN_RETRANS), TCPLIFE_GROUP_SEQUENCE);
    assert_int_equal(tl_anomaly_group(TCPLIFE_ANOMALY_RESET_INJECTED), TCPLIFE_GROUP_PROTOCOL);
    assert_int_equal(tl_anomaly_group(TCPLIFE_ANOMALY_COUNT), TCPLIFE_GROUP_PROTOCOL);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_names_anomaly_groups),
    cmocka_unit_test(test_names_states_are_unique_and_nonempty),
    cmocka_unit_test(test_names_phases_are_unique_and_nonempty),
    cmocka_unit_test(test_names_roles_are_unique_and_nonempty),
    cmocka_unit_test(test_names_teardown_kinds_are_unique_and_nonempty),
    cmocka_unit_test(test_names_events_are_unique_and_nonempty),
    cmocka_unit_test(test_names_labels_are_unique_and_nonempty),
    cmocka_unit_test(test_names_apis_are_unique_and_nonempty),
    cmocka_unit_test(test_names_anomalies_are_unique_and_nonempty),
    cmocka_unit_test(test_names_anomaly_severities_are_in_range),
    cmocka_unit_test(test_names_states_match_spec_spelling),
    cmocka_unit_test(test_names_phases_match_spec_spelling),
    cmocka_unit_test(test_names_teardown_kinds_match_spec_spelling),
    cmocka_unit_test(test_names_roles_match_spec_spelling),
    cmocka_unit_test(test_names_api_texts_contain_spec_examples),
};

TCPLIFE_TEST_MAIN(tests)
