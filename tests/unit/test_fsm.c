/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_fsm.c - unit tests of tl_fsm.c: the complete (state x event) tables of
 * tl_on_send() and tl_on_recv(), decided cell by cell from RFC 9293 figure 5
 * and §3.10, plus named tests for the edges that matter most.
 *
 * The tables are indexed by the X-macro enums and every cell must be marked
 * decided: a state or event added to TCPLIFE_STATE_MAP / TCPLIFE_EVENT_MAP fails
 * test_fsm_*_table_is_complete until its row or column is written here.
 */
#include "tl_test.h"

/* ------------------------------------------------------------------------ */
/* The expected tables                                                       */
/* ------------------------------------------------------------------------ */

typedef struct {
    tl_state_t next;       /* TCPLIFE_STATE_COUNT: stays in the row's state */
    tl_label_t label;
    bool       decided;
} cell_t;

#define KEEP_ TCPLIFE_STATE_COUNT
/* Move to state S, saying why (label L). */
#define GO(S, L)  { TCPLIFE_STATE_##S, TCPLIFE_LABEL_##L, true }
/* Stay, nothing to say (a duplicate, or an ACK that changes nothing). */
#define SAME      { KEEP_, TCPLIFE_LABEL_NONE, true }
/* Stay, but say what was sent. */
#define STAY(L)   { KEEP_, TCPLIFE_LABEL_##L, true }
/* The unusual cells: state kept, the label names it and raises its anomaly. */
#define SYN_AGAIN    STAY(SYN_ON_OPEN)
#define SYNACK_AGAIN STAY(SYNACK_AFTER_CLOSE)
#define CHALLENGE    STAY(CHALLENGE_ACK)
#define NOCONN       STAY(NO_CONNECTION)
#define NOCONN_SENT  STAY(NO_CONNECTION_SENT)
/* The reset edges, the same in every synchronized state. */
#define RST_SENT  GO(CLOSED, RESET_SENT)
#define RST_RCVD  GO(CLOSED, RESET_RECEIVED)

/* One row per state; the columns in TCPLIFE_EVENT_MAP order. A new event is not
 * in this macro, so its cells stay undecided and the table test fails. */
#define ROW(syn, synack, ack, ack_syn, ack_fin, fin, fin_crossing, rst) {              \
        [TCPLIFE_EV_SYN] = syn, [TCPLIFE_EV_SYNACK] = synack, [TCPLIFE_EV_ACK] = ack,  \
        [TCPLIFE_EV_ACK_SYN] = ack_syn, [TCPLIFE_EV_ACK_FIN] = ack_fin,                \
        [TCPLIFE_EV_FIN] = fin, [TCPLIFE_EV_FIN_CROSSING] = fin_crossing,              \
        [TCPLIFE_EV_RST] = rst }

/*
 * tl_on_send(): the endpoint that sent the segment; the event names what the
 * segment is. Notes (n) mark cells where the capture-point view goes beyond
 * RFC 9293 figure 5 on purpose, or where the pure function cannot follow the
 * RFC; they are listed at the end of this comment.
 */
static const cell_t expect_send[][TCPLIFE_EV_COUNT] = {
    /* columns: SYN, SYN-ACK, ACK, ACK of SYN, ACK of FIN, FIN, crossing FIN, RST */
    [TCPLIFE_STATE_CLOSED] = ROW(GO(SYN_SENT, ACTIVE_OPEN), GO(SYN_RECEIVED, SYNACK_SENT) /* (1) */,
                            NOCONN_SENT, NOCONN_SENT, NOCONN_SENT, NOCONN_SENT, NOCONN_SENT,
                            SAME /* (2) §3.10.7.1: CLOSED answers with RST */),
    [TCPLIFE_STATE_LISTEN] = ROW(GO(SYN_SENT, ACTIVE_OPEN) /* fig. 5 LISTEN --SEND--> */,
                            GO(SYN_RECEIVED, SYNACK_SENT) /* rcv SYN not captured */,
                            NOCONN_SENT, NOCONN_SENT, NOCONN_SENT, NOCONN_SENT, NOCONN_SENT,
                            SAME /* (2) §3.10.7.2: LISTEN answers an ACK with RST */),
    [TCPLIFE_STATE_SYN_SENT] = ROW(SAME /* SYN retransmitted */,
                              GO(SYN_RECEIVED, SYNACK_SENT) /* fig. 5 rcv SYN / snd SYN,ACK */,
                              STAY(BEFORE_SYNC), STAY(BEFORE_SYNC), STAY(BEFORE_SYNC),
                              /* §3.10.4: CLOSE in SYN-SENT sends nothing; a FIN
                               * seen anyway (a TFO client closing before any
                               * answer) is an active close the peer cannot take */
                              GO(FIN_WAIT_1, ACTIVE_CLOSE), GO(FIN_WAIT_1, ACTIVE_CLOSE),
                              RST_SENT /* (3) */),
    [TCPLIFE_STATE_SYN_RECEIVED] = ROW(SYN_AGAIN /* (4) */, STAY(SYNACK_SENT) /* (5) */,
                                  SAME, GO(ESTABLISHED, SYNC_SHOWN) /* (7) */, SAME,
                                  GO(FIN_WAIT_1, ACTIVE_CLOSE) /* §3.10.4 CLOSE in SYN-RECEIVED */,
                                  GO(FIN_WAIT_1, ACTIVE_CLOSE),
                                  RST_SENT),
    [TCPLIFE_STATE_ESTABLISHED] = ROW(SYN_AGAIN, GO(SYN_RECEIVED, SYNACK_SENT) /* (1) */,
                                 SAME, SAME, SAME,
                                 GO(FIN_WAIT_1, ACTIVE_CLOSE), GO(FIN_WAIT_1, ACTIVE_CLOSE),
                                 RST_SENT),
    [TCPLIFE_STATE_FIN_WAIT_1] = ROW(SYN_AGAIN, SYNACK_AGAIN /* (8) */, SAME, SAME, SAME,
                                SAME /* (9) */, SAME, RST_SENT),
    [TCPLIFE_STATE_FIN_WAIT_2] = ROW(SYN_AGAIN, SYNACK_AGAIN, SAME, SAME, SAME, SAME, SAME, RST_SENT),
    [TCPLIFE_STATE_CLOSE_WAIT] = ROW(SYN_AGAIN, SYNACK_AGAIN /* (8) */, SAME, SAME, SAME,
                                GO(LAST_ACK, LAST_FIN_SENT),
                                GO(CLOSING, CROSSING_FIN_SENT) /* (6) */,
                                RST_SENT),
    [TCPLIFE_STATE_CLOSING]   = ROW(SYN_AGAIN, SYNACK_AGAIN, SAME, SAME, SAME, SAME, SAME, RST_SENT),
    [TCPLIFE_STATE_LAST_ACK]  = ROW(SYN_AGAIN, SYNACK_AGAIN, SAME, SAME, SAME, SAME, SAME, RST_SENT),
    [TCPLIFE_STATE_TIME_WAIT] = ROW(SYN_AGAIN, SYNACK_AGAIN, SAME, SAME, SAME, SAME, SAME,
                               RST_SENT /* Linux kills the timewait socket after a RST */),
};
/*
 * (1) The SYN-ACK proves its sender is in SYN_RECEIVED whatever the tracker
 *     believed: in ESTABLISHED the handshake ACK seen on the wire never
 *     reached the socket (SPEC HANDSHAKE_SYNACK_AFTER_ACK). Figure 5 has no
 *     such edge from CLOSED or ESTABLISHED; it is capture-point inference.
 * (2) Sending RST from CLOSED or LISTEN is the RFC's normal answer to a
 *     segment there, and changes nothing.
 * (3) RFC 9293 §3.10.7.3: an endpoint in SYN-SENT sends RST only against an
 *     unacceptable ACK and stays in SYN-SENT (ABORT there sends nothing).
 *     The pure function cannot tell that RST from a close, so it closes.
 * (4) At the capture point a SYN crossing the peer's SYN is sent "from"
 *     SYN_RECEIVED (its sender already got the peer's SYN on the wire);
 *     tl_handshake.c takes that case before the table. Any other SYN from
 *     a state past SYN_SENT is a new attempt on the 4-tuple after the old
 *     connection was lost (RFC 9293 §3.5.1): state kept, anomaly raised.
 * (5) A retransmitted SYN-ACK, or the first SYN-ACK of a simultaneous open:
 *     the state stays but the label names the segment.
 * (6) Capture-point view of a FIN sent before the peer's FIN arrived: really
 *     ESTABLISHED -> FIN_WAIT_1 -> (rcv FIN) CLOSING.
 * (7) Evidence, not an RFC edge: an endpoint kept in SYN_RECEIVED (it had
 *     ignored a handshake ACK) sends a non-SYN segment after its SYN was
 *     acknowledged: it took the ACK, so it is ESTABLISHED.
 * (8) §3.10.4: close() in SYN-RECEIVED sends a FIN (FIN_WAIT_1), a FIN
 *     received there leads to CLOSE_WAIT; the SYN-ACK is retransmitted
 *     while its SYN is unacknowledged. From the later states only if the
 *     tracker's view is off; the state is kept either way.
 * (9) The sender's own FIN again: tl_teardown.c decides whether it is a
 *     retransmission or a lost final ACK; the table keeps the state.
 */

/*
 * tl_on_recv(): the endpoint the segment reached. Notes (n) as above.
 */
static const cell_t expect_recv[][TCPLIFE_EV_COUNT] = {
    /* §3.10.7.1: in CLOSED everything but a RST is answered with RST. */
    [TCPLIFE_STATE_CLOSED] = ROW(NOCONN, NOCONN, NOCONN, NOCONN, NOCONN, NOCONN, NOCONN,
                            SAME /* RST ignored */),
    /* §3.10.7.2: LISTEN takes a SYN; any ACK is answered with RST. */
    [TCPLIFE_STATE_LISTEN] = ROW(GO(SYN_RECEIVED, PASSIVE_OPEN), NOCONN, NOCONN, NOCONN, NOCONN,
                            NOCONN, NOCONN, SAME /* RST ignored */),
    [TCPLIFE_STATE_SYN_SENT] = ROW(GO(SYN_RECEIVED, SIMULTANEOUS_OPEN) /* figure 7 */,
                              GO(ESTABLISHED, OPEN_COMPLETE),
                              SAME, SAME /* §3.10.7.3 fifth: dropped */, NOCONN,
                              NOCONN, NOCONN /* §3.10.7.3 fifth: dropped */,
                              RST_RCVD /* refused */),
    [TCPLIFE_STATE_SYN_RECEIVED] = ROW(SAME /* duplicate SYN */,
                                  GO(ESTABLISHED, OPEN_COMPLETE) /* figure 7 */,
                                  SAME, GO(ESTABLISHED, OPEN_COMPLETE), SAME /* (8) */,
                                  GO(CLOSE_WAIT, PASSIVE_CLOSE), GO(CLOSE_WAIT, PASSIVE_CLOSE),
                                  RST_RCVD /* (7) */),
    [TCPLIFE_STATE_ESTABLISHED] = ROW(CHALLENGE /* RFC 5961 §4.2 */,
                                 SAME /* retransmitted SYN-ACK, re-ACKed */,
                                 SAME, SAME, SAME /* (8) */,
                                 GO(CLOSE_WAIT, PASSIVE_CLOSE), GO(CLOSE_WAIT, PASSIVE_CLOSE),
                                 RST_RCVD),
    [TCPLIFE_STATE_FIN_WAIT_1] = ROW(CHALLENGE, SAME, SAME, SAME, GO(FIN_WAIT_2, FIN_ACKED),
                                GO(CLOSING, SIMULTANEOUS_CLOSE), GO(CLOSING, SIMULTANEOUS_CLOSE),
                                RST_RCVD),
    [TCPLIFE_STATE_FIN_WAIT_2] = ROW(CHALLENGE, SAME, SAME, SAME, SAME /* already acked */,
                                GO(TIME_WAIT, ENTER_TIME_WAIT), GO(TIME_WAIT, ENTER_TIME_WAIT),
                                RST_RCVD),
    [TCPLIFE_STATE_CLOSE_WAIT] = ROW(CHALLENGE, SAME, SAME, SAME, SAME /* (8) */,
                                SAME, SAME /* duplicate FIN */, RST_RCVD),
    [TCPLIFE_STATE_CLOSING]    = ROW(CHALLENGE, SAME, SAME, SAME, GO(TIME_WAIT, ENTER_TIME_WAIT),
                                SAME, SAME, RST_RCVD),
    [TCPLIFE_STATE_LAST_ACK]   = ROW(CHALLENGE, SAME, SAME, SAME, GO(CLOSED, CLOSED_BY_ACK),
                                SAME, SAME, RST_RCVD),
    [TCPLIFE_STATE_TIME_WAIT]  = ROW(STAY(SYN_IN_TIME_WAIT) /* RFC 6191 */, SAME, SAME, SAME, SAME,
                                SAME /* restarts the 2 MSL timer */, SAME,
                                RST_RCVD /* RFC 9293; Linux unless tcp_rfc1337=1 */),
};
/*
 * (7) RFC 9293 §3.10.7.4: a SYN-RECEIVED that came from a passive open
 *     returns to LISTEN on RST, one from an active open (simultaneous open)
 *     is refused and CLOSED. The pure function cannot tell which; per
 *     connection, CLOSED is what the user sees (the listener is untouched).
 * (8) An ACK covering a FIN this endpoint is not known to have sent is an
 *     ACK and nothing more.
 */

_Static_assert(TCPLIFE_COUNT(expect_send) == TCPLIFE_STATE_COUNT,
               "expect_send needs one row per TCPLIFE_STATE_MAP entry");
_Static_assert(TCPLIFE_COUNT(expect_recv) == TCPLIFE_STATE_COUNT,
               "expect_recv needs one row per TCPLIFE_STATE_MAP entry");
_Static_assert(TCPLIFE_COUNT(expect_send[0]) == TCPLIFE_EV_COUNT,
               "expect_send needs one column per TCPLIFE_EVENT_MAP entry");
_Static_assert(TCPLIFE_COUNT(expect_recv[0]) == TCPLIFE_EV_COUNT,
               "expect_recv needs one column per TCPLIFE_EVENT_MAP entry");

/* Every state and event, generated from the X-macros. */
static const tl_state_t all_states[] = {
#define TCPLIFE_X_(sym, str) TCPLIFE_STATE_##sym,
    TCPLIFE_STATE_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
};
static const tl_event_t all_events[] = {
#define TCPLIFE_X_(sym, str) TCPLIFE_EV_##sym,
    TCPLIFE_EVENT_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
};
_Static_assert(TCPLIFE_COUNT(all_states) == TCPLIFE_STATE_COUNT, "state list");
_Static_assert(TCPLIFE_COUNT(all_events) == TCPLIFE_EV_COUNT, "event list");

typedef tl_state_t (*transition_fn)(tl_state_t, tl_event_t, tl_label_t *);

static void
check_completeness(const cell_t table[][TCPLIFE_EV_COUNT], const char *which)
{
    unsigned missing = 0;

    for (size_t i = 0; i < TCPLIFE_COUNT(all_states); i++)
        for (size_t j = 0; j < TCPLIFE_COUNT(all_events); j++)
            if (!table[all_states[i]][all_events[j]].decided) {
                print_error("%s: cell (%s, %s) not decided\n", which,
                            tl_state_name(all_states[i]), tl_event_name(all_events[j]));
                missing++;
            }
    assert_int_equal(missing, 0);
}

/* Compare every cell; report all mismatches, then fail once. */
static void
check_table(const cell_t table[][TCPLIFE_EV_COUNT], transition_fn fn, const char *which)
{
    unsigned bad = 0;

    for (size_t i = 0; i < TCPLIFE_COUNT(all_states); i++) {
        for (size_t j = 0; j < TCPLIFE_COUNT(all_events); j++) {
            tl_state_t cur = all_states[i];
            tl_event_t ev = all_events[j];
            const cell_t *want = &table[cur][ev];
            tl_state_t want_next = want->next == KEEP_ ? cur : want->next;
            tl_label_t label = TCPLIFE_LABEL_COUNT;   /* must be overwritten */
            tl_state_t got = fn(cur, ev, &label);

            if (got != want_next || label != want->label) {
                print_error("%s(%s, %s) = %s \"%s\", expected %s \"%s\"\n", which,
                            tl_state_name(cur), tl_event_name(ev),
                            tl_state_name(got), tl_label_text(label),
                            tl_state_name(want_next), tl_label_text(want->label));
                bad++;
            }
        }
    }
    assert_int_equal(bad, 0);
}

static void
test_fsm_send_table_is_complete(void **state)
{
    (void)state;
    check_completeness(expect_send, "expect_send");
}

static void
test_fsm_recv_table_is_complete(void **state)
{
    (void)state;
    check_completeness(expect_recv, "expect_recv");
}

static void
test_fsm_send_matches_table(void **state)
{
    (void)state;
    check_table(expect_send, tl_on_send, "tl_on_send");
}

static void
test_fsm_recv_matches_table(void **state)
{
    (void)state;
    check_table(expect_recv, tl_on_recv, "tl_on_recv");
}

/* ------------------------------------------------------------------------ */
/* Invariants over every cell                                                */
/* ------------------------------------------------------------------------ */

/* A state change always says why; "unexpected" never changes the state. */
static void
check_labels_explain_changes(transition_fn fn, const char *which)
{
    unsigned bad = 0;

    for (size_t i = 0; i < TCPLIFE_COUNT(all_states); i++) {
        for (size_t j = 0; j < TCPLIFE_COUNT(all_events); j++) {
            tl_label_t label;
            tl_state_t next = fn(all_states[i], all_events[j], &label);
            bool moved = next != all_states[i];

            if ((moved && (label == TCPLIFE_LABEL_NONE || label == TCPLIFE_LABEL_UNEXPECTED))
                || next >= TCPLIFE_STATE_COUNT || label >= TCPLIFE_LABEL_COUNT) {
                print_error("%s(%s, %s): -> %s with label \"%s\"\n", which,
                            tl_state_name(all_states[i]), tl_event_name(all_events[j]),
                            tl_state_name(next), tl_label_text(label));
                bad++;
            }
        }
    }
    assert_int_equal(bad, 0);
}

static void
test_fsm_send_state_changes_always_carry_a_label(void **state)
{
    (void)state;
    check_labels_explain_changes(tl_on_send, "tl_on_send");
}

static void
test_fsm_recv_state_changes_always_carry_a_label(void **state)
{
    (void)state;
    check_labels_explain_changes(tl_on_recv, "tl_on_recv");
}

/* Out-of-range input never aborts: state kept, label unexpected. */
static void
test_fsm_out_of_range_event_is_unexpected_and_keeps_state(void **state)
{
    (void)state;
    for (size_t i = 0; i < TCPLIFE_COUNT(all_states); i++) {
        tl_label_t label = TCPLIFE_LABEL_NONE;
        assert_int_equal(tl_on_send(all_states[i], TCPLIFE_EV_COUNT, &label), all_states[i]);
        assert_int_equal(label, TCPLIFE_LABEL_UNEXPECTED);
        label = TCPLIFE_LABEL_NONE;
        assert_int_equal(tl_on_recv(all_states[i], TCPLIFE_EV_COUNT, &label), all_states[i]);
        assert_int_equal(label, TCPLIFE_LABEL_UNEXPECTED);
    }
}

/* ------------------------------------------------------------------------ */
/* The important edges, by name                                              */
/* ------------------------------------------------------------------------ */

static void
check_edge(transition_fn fn, const char *which, tl_state_t cur, tl_event_t ev,
           tl_state_t want_next, tl_label_t want_label)
{
    tl_label_t label = TCPLIFE_LABEL_COUNT;      /* must be overwritten */
    tl_state_t next = fn(cur, ev, &label);

    if (next != want_next || label != want_label)
        fail_msg("%s(%s, %s) = %s \"%s\", expected %s \"%s\"", which,
                 tl_state_name(cur), tl_event_name(ev), tl_state_name(next),
                 tl_label_text(label), tl_state_name(want_next), tl_label_text(want_label));
}

#define EXPECT_SEND(cur, ev, next, lab)                                                \
    check_edge(tl_on_send, "tl_on_send", TCPLIFE_STATE_##cur, TCPLIFE_EV_##ev,         \
               TCPLIFE_STATE_##next, TCPLIFE_LABEL_##lab)
#define EXPECT_RECV(cur, ev, next, lab)                                                \
    check_edge(tl_on_recv, "tl_on_recv", TCPLIFE_STATE_##cur, TCPLIFE_EV_##ev,         \
               TCPLIFE_STATE_##next, TCPLIFE_LABEL_##lab)

static void
test_fsm_send_syn_in_closed_enters_syn_sent(void **state)
{
    (void)state;
    EXPECT_SEND(CLOSED, SYN, SYN_SENT, ACTIVE_OPEN);
}

static void
test_fsm_send_syn_again_in_syn_sent_is_a_retransmission(void **state)
{
    (void)state;
    EXPECT_SEND(SYN_SENT, SYN, SYN_SENT, NONE);
}

static void
test_fsm_recv_syn_in_listen_enters_syn_received(void **state)
{
    (void)state;
    EXPECT_RECV(LISTEN, SYN, SYN_RECEIVED, PASSIVE_OPEN);
}

static void
test_fsm_recv_syn_in_syn_sent_is_simultaneous_open(void **state)
{
    (void)state;
    EXPECT_RECV(SYN_SENT, SYN, SYN_RECEIVED, SIMULTANEOUS_OPEN);
}

static void
test_fsm_recv_synack_in_syn_sent_establishes(void **state)
{
    (void)state;
    EXPECT_RECV(SYN_SENT, SYNACK, ESTABLISHED, OPEN_COMPLETE);
}

static void
test_fsm_recv_ack_of_syn_in_syn_received_establishes(void **state)
{
    (void)state;
    EXPECT_RECV(SYN_RECEIVED, ACK_SYN, ESTABLISHED, OPEN_COMPLETE);
}

static void
test_fsm_send_synack_in_established_returns_to_syn_received(void **state)
{
    (void)state;
    EXPECT_SEND(ESTABLISHED, SYNACK, SYN_RECEIVED, SYNACK_SENT);
}

static void
test_fsm_send_fin_in_established_enters_fin_wait_1(void **state)
{
    (void)state;
    EXPECT_SEND(ESTABLISHED, FIN, FIN_WAIT_1, ACTIVE_CLOSE);
}

static void
test_fsm_recv_fin_in_established_enters_close_wait(void **state)
{
    (void)state;
    EXPECT_RECV(ESTABLISHED, FIN, CLOSE_WAIT, PASSIVE_CLOSE);
}

static void
test_fsm_recv_ack_of_fin_in_fin_wait_1_enters_fin_wait_2(void **state)
{
    (void)state;
    EXPECT_RECV(FIN_WAIT_1, ACK_FIN, FIN_WAIT_2, FIN_ACKED);
}

static void
test_fsm_send_fin_in_close_wait_enters_last_ack(void **state)
{
    (void)state;
    EXPECT_SEND(CLOSE_WAIT, FIN, LAST_ACK, LAST_FIN_SENT);
}

static void
test_fsm_send_crossing_fin_in_close_wait_enters_closing(void **state)
{
    (void)state;
    EXPECT_SEND(CLOSE_WAIT, FIN_CROSSING, CLOSING, CROSSING_FIN_SENT);
}

static void
test_fsm_recv_fin_in_fin_wait_1_enters_closing(void **state)
{
    (void)state;
    EXPECT_RECV(FIN_WAIT_1, FIN_CROSSING, CLOSING, SIMULTANEOUS_CLOSE);
    EXPECT_RECV(FIN_WAIT_1, FIN, CLOSING, SIMULTANEOUS_CLOSE);
}

static void
test_fsm_recv_fin_in_fin_wait_2_enters_time_wait(void **state)
{
    (void)state;
    EXPECT_RECV(FIN_WAIT_2, FIN, TIME_WAIT, ENTER_TIME_WAIT);
}

static void
test_fsm_recv_ack_of_fin_in_closing_enters_time_wait(void **state)
{
    (void)state;
    EXPECT_RECV(CLOSING, ACK_FIN, TIME_WAIT, ENTER_TIME_WAIT);
}

static void
test_fsm_recv_ack_of_fin_in_last_ack_closes(void **state)
{
    (void)state;
    EXPECT_RECV(LAST_ACK, ACK_FIN, CLOSED, CLOSED_BY_ACK);
}

static void
test_fsm_recv_duplicate_fin_in_time_wait_keeps_time_wait(void **state)
{
    (void)state;
    EXPECT_RECV(TIME_WAIT, FIN, TIME_WAIT, NONE);
}

static void
test_fsm_recv_rst_in_syn_sent_is_refused_and_closes(void **state)
{
    (void)state;
    EXPECT_RECV(SYN_SENT, RST, CLOSED, RESET_RECEIVED);
}

static void
test_fsm_recv_rst_in_time_wait_closes(void **state)
{
    (void)state;
    /* RFC 9293 §3.10.7.4; Linux with the default tcp_rfc1337=0. */
    EXPECT_RECV(TIME_WAIT, RST, CLOSED, RESET_RECEIVED);
}

static void
test_fsm_rst_is_ignored_in_closed_and_listen(void **state)
{
    (void)state;
    EXPECT_RECV(CLOSED, RST, CLOSED, NONE);
    EXPECT_RECV(LISTEN, RST, LISTEN, NONE);
}

static void
test_fsm_send_rst_in_closed_and_listen_changes_nothing(void **state)
{
    (void)state;
    EXPECT_SEND(CLOSED, RST, CLOSED, NONE);
    EXPECT_SEND(LISTEN, RST, LISTEN, NONE);
}

static void
test_fsm_send_rst_in_established_closes(void **state)
{
    (void)state;
    EXPECT_SEND(ESTABLISHED, RST, CLOSED, RESET_SENT);
}

static void
test_fsm_recv_fin_before_sync_is_not_processed(void **state)
{
    (void)state;
    /* RFC 9293 §3.10.7.4 eighth: "Do not process the FIN if the state is
     * CLOSED, LISTEN, or SYN-SENT". */
    EXPECT_RECV(CLOSED, FIN, CLOSED, NO_CONNECTION);
    EXPECT_RECV(LISTEN, FIN, LISTEN, NO_CONNECTION);
    EXPECT_RECV(SYN_SENT, FIN, SYN_SENT, NO_CONNECTION);
}

static void
test_fsm_recv_syn_in_synchronized_state_gets_challenge_ack(void **state)
{
    (void)state;
    /* RFC 5961 §4.2: a SYN in a synchronized state is answered with an
     * ACK and changes nothing; TIME_WAIT may take it as a new connection. */
    EXPECT_RECV(ESTABLISHED, SYN, ESTABLISHED, CHALLENGE_ACK);
    EXPECT_RECV(CLOSE_WAIT, SYN, CLOSE_WAIT, CHALLENGE_ACK);
    EXPECT_RECV(TIME_WAIT, SYN, TIME_WAIT, SYN_IN_TIME_WAIT);
    EXPECT_SEND(ESTABLISHED, SYN, ESTABLISHED, SYN_ON_OPEN);
}

/* Every (state, event) pair has a rule: "unexpected" is left for input
 * outside the vocabularies, and each unusual rule raises its anomaly. */
static void
test_fsm_every_pair_has_a_rule(void **state)
{
    transition_fn fns[2] = { tl_on_send, tl_on_recv };

    (void)state;
    for (int f = 0; f < 2; f++)
        for (size_t i = 0; i < TCPLIFE_COUNT(all_states); i++)
            for (size_t j = 0; j < TCPLIFE_COUNT(all_events); j++) {
                tl_label_t label;
                (void)fns[f](all_states[i], all_events[j], &label);
                if (label == TCPLIFE_LABEL_UNEXPECTED)
                    fail_msg("%s(%s, %s) has no rule", f ? "tl_on_recv" : "tl_on_send",
                             tl_state_name(all_states[i]), tl_event_name(all_events[j]));
            }
    assert_int_equal(tl_label_anomaly(TCPLIFE_LABEL_CHALLENGE_ACK), TCPLIFE_ANOMALY_HANDSHAKE_SYN_ON_OPEN);
    assert_int_equal(tl_label_anomaly(TCPLIFE_LABEL_NO_CONNECTION), TCPLIFE_ANOMALY_CLOSED_NO_CONNECTION);
    assert_int_equal(tl_label_anomaly(TCPLIFE_LABEL_OPEN_COMPLETE), TCPLIFE_ANOMALY_NONE);
    assert_int_equal(tl_label_anomaly(TCPLIFE_LABEL_COUNT), TCPLIFE_ANOMALY_UNEXPECTED);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fsm_send_table_is_complete),
    cmocka_unit_test(test_fsm_recv_table_is_complete),
    cmocka_unit_test(test_fsm_send_matches_table),
    cmocka_unit_test(test_fsm_recv_matches_table),
    cmocka_unit_test(test_fsm_send_state_changes_always_carry_a_label),
    cmocka_unit_test(test_fsm_recv_state_changes_always_carry_a_label),
    cmocka_unit_test(test_fsm_out_of_range_event_is_unexpected_and_keeps_state),
    cmocka_unit_test(test_fsm_every_pair_has_a_rule),
    cmocka_unit_test(test_fsm_recv_syn_in_synchronized_state_gets_challenge_ack),
    cmocka_unit_test(test_fsm_send_syn_in_closed_enters_syn_sent),
    cmocka_unit_test(test_fsm_send_syn_again_in_syn_sent_is_a_retransmission),
    cmocka_unit_test(test_fsm_recv_syn_in_listen_enters_syn_received),
    cmocka_unit_test(test_fsm_recv_syn_in_syn_sent_is_simultaneous_open),
    cmocka_unit_test(test_fsm_recv_synack_in_syn_sent_establishes),
    cmocka_unit_test(test_fsm_recv_ack_of_syn_in_syn_received_establishes),
    cmocka_unit_test(test_fsm_send_synack_in_established_returns_to_syn_received),
    cmocka_unit_test(test_fsm_send_fin_in_established_enters_fin_wait_1),
    cmocka_unit_test(test_fsm_recv_fin_in_established_enters_close_wait),
    cmocka_unit_test(test_fsm_recv_ack_of_fin_in_fin_wait_1_enters_fin_wait_2),
    cmocka_unit_test(test_fsm_send_fin_in_close_wait_enters_last_ack),
    cmocka_unit_test(test_fsm_send_crossing_fin_in_close_wait_enters_closing),
    cmocka_unit_test(test_fsm_recv_fin_in_fin_wait_1_enters_closing),
    cmocka_unit_test(test_fsm_recv_fin_in_fin_wait_2_enters_time_wait),
    cmocka_unit_test(test_fsm_recv_ack_of_fin_in_closing_enters_time_wait),
    cmocka_unit_test(test_fsm_recv_ack_of_fin_in_last_ack_closes),
    cmocka_unit_test(test_fsm_recv_duplicate_fin_in_time_wait_keeps_time_wait),
    cmocka_unit_test(test_fsm_recv_rst_in_syn_sent_is_refused_and_closes),
    cmocka_unit_test(test_fsm_recv_rst_in_time_wait_closes),
    cmocka_unit_test(test_fsm_rst_is_ignored_in_closed_and_listen),
    cmocka_unit_test(test_fsm_send_rst_in_closed_and_listen_changes_nothing),
    cmocka_unit_test(test_fsm_send_rst_in_established_closes),
    cmocka_unit_test(test_fsm_recv_fin_before_sync_is_not_processed),
};

TCPLIFE_TEST_MAIN(tests)
