/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_headline.c - tl_headline(): the one line the "TCP Lifecycle" tree
 * shows for each segment, and tl_teardown_steps(). Written as packet
 * scripts (tl_script.h) whose rows carry the expected headline instead of
 * the verdict: test_conn.c holds the verdicts of the same segments, these
 * the text made of them.
 *
 * IPv4, client 192.0.2.1:51000, server 198.51.100.2:80, client ISN 1000,
 * server ISN 5000, numbers relative (tl_run_init()).
 */
#include "tl_script.h"

#include <stdlib.h>

#include "tcplife/tl_headline.h"

#define EM  " \xe2\x80\x94 "       /* " — " before both states */
#define YES "\xe2\x9c\x93"         /* ✓ */
#define NO  "\xe2\x9c\x97"         /* ✗ */

#define BOTH_EST EM "client ESTABLISHED, server ESTABLISHED"
#define BOTH_CLOSED EM "client CLOSED, server CLOSED"

typedef struct {
    tl_script_t seg;            /* the segment; its verdict is not checked here */
    const char *headline;       /* NULL: not checked */
} tl_headline_row_t;

/* A segment as tl_script.h writes it, without a verdict; more fields
 * (.dt_ms, ...) may follow. */
#define SEG(dir, flags, seq, ack, len, ...) { dir, flags, seq, ack, len, .x = { 0 }, __VA_ARGS__ }

/* Segments of tl_blocks.h's HANDSHAKE and DATA (frames 1-7), headlines checked. */
#define HANDSHAKE_ROWS                                                                      \
    /* 1 */ { SEG(C2S, "S", 0, 0, 0),                                                       \
              "Handshake 1/3: SYN, ISN j=1000" EM "client SYN_SENT, server SYN_RECEIVED" }, \
    /* 2 */ { SEG(S2C, "SA", 0, 1, 0),                                                      \
              "Handshake 2/3: SYN-ACK, ISN k=5000, ack = j+1 " YES                          \
              EM "client ESTABLISHED, server SYN_RECEIVED" },                               \
    /* 3 */ { SEG(C2S, "A", 1, 1, 0), "Handshake 3/3: ACK, ack = k+1 " YES BOTH_EST }
#define DATA_ROWS                                                                          \
    /* 4 */ { SEG(C2S, "PA", 1, 1, 100), "Established: client sends 100 bytes" BOTH_EST }, \
    /* 5 */ { SEG(S2C, "A", 1, 101, 0), "Established: ACK from server" BOTH_EST },         \
    /* 6 */ { SEG(S2C, "PA", 1, 101, 50), "Established: server sends 50 bytes" BOTH_EST }, \
    /* 7 */ { SEG(C2S, "A", 101, 51, 0), "Established: ACK from client" BOTH_EST }
/* Frame 8: the client's FIN after DATA. */
#define CLIENT_FIN_ROW                                                                 \
    /* 8 */ { SEG(C2S, "FA", 101, 51, 0),                                              \
              "Teardown 1 (client closed first): FIN from client"                      \
              EM "client FIN_WAIT_1, server CLOSE_WAIT" }

static const char *
headline(const tl_result_t *res)
{
    static char buf[TCPLIFE_HEADLINE_MAX];

    tl_headline(res, NULL, buf, sizeof buf);
    return buf;
}

/* Feed every row to a fresh run and compare each headline with the row's,
 * naming the frame of the first difference. */
static void
run_headlines(const tl_headline_row_t *rows, size_t n)
{
    tl_run_t r;

    tl_run_init(&r);
    for (size_t i = 0; i < n; i++) {
        const char *got = headline(tl_run_segment(&r, &rows[i].seg));

        if (rows[i].headline && strcmp(got, rows[i].headline) != 0)
            fail_msg("frame %u (%s \"%s\" seq %u ack %u len %u):\n    got      \"%s\"\n"
                     "    expected \"%s\"", r.frame, rows[i].seg.dir == C2S ? "C2S" : "S2C",
                     rows[i].seg.flags, rows[i].seg.seq, rows[i].seg.ack, rows[i].seg.len,
                     got, rows[i].headline);
    }
}

#define HEADLINE_TEST(name, ...)                                        \
    static void                                                         \
    name(void **state)                                                  \
    {                                                                   \
        static const tl_headline_row_t rows_[] = { __VA_ARGS__ };       \
        (void)state;                                                    \
        run_headlines(rows_, TCPLIFE_COUNT(rows_));                     \
    }

/* ------------------------------------------------------------------------ */
/* Handshake                                                                 */
/* ------------------------------------------------------------------------ */

HEADLINE_TEST(test_headline_handshake_and_data,
        HANDSHAKE_ROWS, DATA_ROWS)

HEADLINE_TEST(test_headline_syn_and_synack_retransmissions_give_the_backoff,
        { SEG(C2S, "S", 0, 0, 0), NULL },
        { SEG(C2S, "S", 0, 0, 0, .dt_ms = 1000),
          "Handshake 1/3: SYN retransmission 1, 1.000 s after the previous"
          EM "client SYN_SENT, server SYN_RECEIVED" },
        { SEG(S2C, "SA", 0, 1, 0, .dt_ms = 30), NULL },
        { SEG(S2C, "SA", 0, 1, 0, .dt_ms = 1000, .dt_us = 700),
          "Handshake 2/3: SYN-ACK retransmission 1, 1.001 s after the previous"
          EM "client ESTABLISHED, server SYN_RECEIVED" })

HEADLINE_TEST(test_headline_synack_with_a_wrong_ack_is_crossed_out,
        { SEG(C2S, "S", 0, 0, 0), NULL },
        /* acks j+2: not the client's ISN+1 */
        { SEG(S2C, "SA", 0, 2, 0),
          "Handshake 2/3: SYN-ACK, ISN k=5000, ack = j+1 " NO
          EM "client SYN_SENT, server SYN_RECEIVED" })

/* ------------------------------------------------------------------------ */
/* Teardown: four-way, three-way, simultaneous, half-close                   */
/* ------------------------------------------------------------------------ */

/* The step count appears once the kind is known (the second FIN). */
HEADLINE_TEST(test_headline_four_way_close_counts_four_steps,
        HANDSHAKE_ROWS, DATA_ROWS, CLIENT_FIN_ROW,
        /* 9 */ { SEG(S2C, "A", 51, 102, 0),
                  "Teardown 2 (client closed first): server acknowledges the peer's FIN"
                  EM "client FIN_WAIT_2, server CLOSE_WAIT" },
        /* 10 */ { SEG(S2C, "FA", 51, 102, 0),
                   "Teardown 3/4 (four-way, client closed first): FIN from server"
                   EM "client TIME_WAIT, server LAST_ACK" },
        /* 11 */ { SEG(C2S, "A", 102, 52, 0),
                   "Teardown 4/4 (four-way, client closed first): client acknowledges the peer's FIN"
                   EM "client TIME_WAIT, server CLOSED" })

HEADLINE_TEST(test_headline_three_way_close_counts_three_steps,
        HANDSHAKE_ROWS, DATA_ROWS, CLIENT_FIN_ROW,
        /* the server's FIN acknowledges the client's */
        /* 9 */ { SEG(S2C, "FA", 51, 102, 0),
                  "Teardown 2/3 (three-way, client closed first): FIN from server, acknowledging "
                  "the peer's FIN" EM "client TIME_WAIT, server LAST_ACK" },
        /* 10 */ { SEG(C2S, "A", 102, 52, 0),
                   "Teardown 3/3 (three-way, client closed first): client acknowledges the peer's FIN"
                   EM "client TIME_WAIT, server CLOSED" })

HEADLINE_TEST(test_headline_simultaneous_close_counts_four_steps,
        HANDSHAKE_ROWS, DATA_ROWS, CLIENT_FIN_ROW,
        /* acks 101, not the client's FIN: the FINs crossed */
        /* 9 */ { SEG(S2C, "FA", 51, 101, 0),
                  "Teardown 2/4 (simultaneous, client closed first): FIN from server"
                  EM "client CLOSING, server CLOSING" },
        /* 10 */ { SEG(C2S, "A", 102, 52, 0),
                   "Teardown 3/4 (simultaneous, client closed first): client acknowledges the peer's FIN"
                   EM "client CLOSING, server TIME_WAIT" },
        /* 11 */ { SEG(S2C, "A", 52, 102, 0),
                   "Teardown 4/4 (simultaneous, client closed first): server acknowledges the peer's FIN"
                   EM "client TIME_WAIT, server TIME_WAIT" })

/* Segments in a half-closed connection are no teardown step: the headline
 * says who closed first and what the segment carries. */
HEADLINE_TEST(test_headline_half_close_names_the_bytes_sent_after_the_peer_fin,
        HANDSHAKE_ROWS,
        /* 4 */ { SEG(C2S, "PA", 1, 1, 100), NULL },
        /* 5 */ { SEG(S2C, "A", 1, 101, 0), NULL },
        /* 6 */ { SEG(C2S, "FA", 101, 1, 0), NULL },
        /* 7 */ { SEG(S2C, "A", 1, 102, 0), NULL },
        /* 8 */ { SEG(S2C, "PA", 1, 102, 300),
                  "Teardown (client closed first): server sends 300 bytes"
                  EM "client FIN_WAIT_2, server CLOSE_WAIT" },
        /* 9 */ { SEG(C2S, "A", 102, 301, 0),
                  "Teardown (client closed first): ACK from client"
                  EM "client FIN_WAIT_2, server CLOSE_WAIT" },
        /* 10 */ { SEG(S2C, "FA", 301, 102, 0),
                   "Teardown 3/4 (four-way, client closed first): FIN from server"
                   EM "client TIME_WAIT, server LAST_ACK" })

HEADLINE_TEST(test_headline_fin_retransmission_is_no_step,
        HANDSHAKE_ROWS, DATA_ROWS, CLIENT_FIN_ROW,
        /* 9 */ { SEG(C2S, "FA", 101, 51, 0, .dt_ms = 300),
                  "Teardown (client closed first): FIN from client retransmitted"
                  EM "client FIN_WAIT_1, server CLOSE_WAIT" })

/* ------------------------------------------------------------------------ */
/* Resets and segments after the end                                         */
/* ------------------------------------------------------------------------ */

HEADLINE_TEST(test_headline_refused_names_the_syn_it_answers,
        { SEG(C2S, "S", 0, 0, 0), NULL },
        { SEG(S2C, "RA", 0, 1, 0),
          "Reset: RST from server answers the SYN in frame 1: connection refused" BOTH_CLOSED })

HEADLINE_TEST(test_headline_unread_data_then_closed_then_stray,
        HANDSHAKE_ROWS,
        /* 4 */ { SEG(C2S, "PA", 1, 1, 100), NULL },
        /* 5 */ { SEG(S2C, "RA", 1, 101, 0),
                  "Reset: RST from server instead of FIN: closed with 100 unread bytes" BOTH_CLOSED },
        /* 6 */ { SEG(C2S, "PA", 101, 1, 50),
                  "Closed: client segment after the connection ended" BOTH_CLOSED },
        /* 7 */ { SEG(S2C, "R", 1, 0, 0),
                  "Reset: stray RST from server, no live connection (NO_SOCKET)" BOTH_CLOSED })

HEADLINE_TEST(test_headline_abort_adds_the_bytes_lost,
        HANDSHAKE_ROWS, DATA_ROWS,
        /* 8 */ { SEG(C2S, "PA", 101, 51, 300), NULL },
        /* 9 */ { SEG(S2C, "RA", 51, 101, 0),
                  "Reset: RST from server aborts the connection; 300 bytes unacknowledged, lost"
                  BOTH_CLOSED })

HEADLINE_TEST(test_headline_rst_answering_data_after_close,
        HANDSHAKE_ROWS, DATA_ROWS, CLIENT_FIN_ROW,
        /* 9 */ { SEG(S2C, "A", 51, 102, 0), NULL },
        /* 10 */ { SEG(S2C, "PA", 51, 102, 23), NULL },
        /* 11 */ { SEG(C2S, "R", 102, 0, 0),
                   "Reset: RST from client answers data sent after its FIN (frame 10): data "
                   "discarded; 23 bytes unacknowledged, lost" BOTH_CLOSED })

/* A RST+ACK with seq 0 as the first segment refuses a SYN the capture
 * missed: no frame to name (it once read "frame 0"). */
static void
test_headline_refusal_of_an_unseen_syn_names_no_frame(void **state)
{
    static const tl_script_t rst = SEG(S2C, "RA", 0, 1, 0);
    tl_run_t r;

    (void)state;
    tl_run_init(&r);
    r.sisn = 0;
    assert_string_equal(headline(tl_run_segment(&r, &rst)),
                        "Reset: RST from server answers a SYN the capture missed: connection refused"
                        BOTH_CLOSED);
}

/* A read filter hid frames (tl_frames.h): the frame a RST answers is named
 * by the number the program shows, or said to be hidden. */
static void
test_headline_names_frames_by_the_numbers_a_read_filter_leaves(void **state)
{
    static const tl_script_t syn = SEG(C2S, "S", 0, 0, 0), rst = SEG(S2C, "RA", 0, 1, 0);
    tl_frames_t frames;
    tl_run_t r;
    tl_result_t res;
    char buf[TCPLIFE_HEADLINE_MAX];

    (void)state;
    tl_run_init(&r);
    (void)tl_run_segment(&r, &syn);
    res = *tl_run_segment(&r, &rst);
    assert_int_equal(res.rel_rst, 1);       /* the SYN's ordinal */
    res.rel_rst = 5;                         /* as if the SYN were the 5th frame read */

    tl_frames_init(&frames, tl_test_realloc, free);
    tl_headline(&res, &frames, buf, sizeof buf);
    assert_string_equal(buf, "Reset: RST from server answers the SYN in frame 5: connection refused"
                             BOTH_CLOSED);
    /* Frames 2 and 4 were read, then rejected: the SYN is shown as frame 3. */
    assert_true(tl_frames_hide(&frames, 2));
    assert_true(tl_frames_hide(&frames, 4));
    tl_headline(&res, &frames, buf, sizeof buf);
    assert_string_equal(buf, "Reset: RST from server answers the SYN in frame 3: connection refused"
                             BOTH_CLOSED);
    /* The SYN itself rejected. */
    assert_true(tl_frames_hide(&frames, 5));
    tl_headline(&res, &frames, buf, sizeof buf);
    assert_string_equal(buf, "Reset: RST from server answers the SYN in a frame the read filter hid: "
                             "connection refused" BOTH_CLOSED);
    tl_frames_clear(&frames);
}

/* tl_frame_ref(): what the headline and the Flow Graph call a related frame. */
static void
test_frame_ref_names_numbered_hidden_and_missing_frames(void **state)
{
    tl_frames_t frames;
    char buf[48];

    (void)state;
    assert_int_equal(tl_frame_ref(NULL, 7, buf, sizeof buf), strlen("frame 7"));
    assert_string_equal(buf, "frame 7");
    tl_frames_init(&frames, tl_test_realloc, free);
    assert_true(tl_frames_hide(&frames, 3));
    tl_frame_ref(&frames, 7, buf, sizeof buf);
    assert_string_equal(buf, "frame 6");      /* one frame hidden before it */
    tl_frame_ref(&frames, 3, buf, sizeof buf);
    assert_string_equal(buf, "a frame the read filter hid");
    tl_frame_ref(&frames, 0, buf, sizeof buf);
    assert_string_equal(buf, "a frame not captured");
    /* Cut like snprintf(): terminated, the full length returned. */
    assert_int_equal(tl_frame_ref(&frames, 3, buf, 8), strlen("a frame the read filter hid"));
    assert_string_equal(buf, "a frame");
    tl_frames_clear(&frames);
}

/* ------------------------------------------------------------------------ */
/* Capture started late                                                      */
/* ------------------------------------------------------------------------ */

HEADLINE_TEST(test_headline_midstream_data_then_three_way_close,
        /* the first segment seen is data from port 80: the server */
        /* 1 */ { SEG(S2C, "PA", 1, 1, 100), "Established: server sends 100 bytes" BOTH_EST },
        /* 2 */ { SEG(C2S, "A", 1, 101, 0), "Established: ACK from client" BOTH_EST },
        /* 3 */ { SEG(C2S, "FA", 1, 101, 0),
                  "Teardown 1 (client closed first): FIN from client"
                  EM "client FIN_WAIT_1, server CLOSE_WAIT" },
        /* 4 */ { SEG(S2C, "FA", 101, 2, 0),
                  "Teardown 2/3 (three-way, client closed first): FIN from server, acknowledging "
                  "the peer's FIN" EM "client TIME_WAIT, server LAST_ACK" })

HEADLINE_TEST(test_headline_rst_as_first_segment_is_stray,
        { SEG(C2S, "R", 1, 0, 0),
          "Reset: stray RST from client, no live connection (NO_SOCKET)" BOTH_CLOSED })

/* ------------------------------------------------------------------------ */
/* The buffer, and verdicts out of range                                     */
/* ------------------------------------------------------------------------ */

static void
test_headline_short_buffer_is_cut_and_terminated(void **state)
{
    static const tl_script_t syn = SEG(C2S, "S", 0, 0, 0);
    const char *full = "Handshake 1/3: SYN, ISN j=1000" EM "client SYN_SENT, server SYN_RECEIVED";
    char small[12];
    tl_run_t r;
    const tl_result_t *res;

    (void)state;
    tl_run_init(&r);
    res = tl_run_segment(&r, &syn);
    memset(small, 'x', sizeof small);
    assert_int_equal(tl_headline(res, NULL, small, sizeof small), strlen(full));
    assert_string_equal(small, "Handshake 1");
    assert_int_equal(tl_headline(res, NULL, NULL, 0), strlen(full));
}

static void
test_headline_unknown_phase_reads_question_mark(void **state)
{
    tl_result_t res;

    (void)state;
    memset(&res, 0, sizeof res);            /* phase none, both CLOSED */
    assert_string_equal(headline(&res), "?" BOTH_CLOSED);
    res.phase = 200;
    res.state[TCPLIFE_ROLE_SERVER] = 200;
    assert_string_equal(headline(&res), "?" EM "client CLOSED, server ?");
}

static void
test_headline_teardown_steps_three_only_for_three_way(void **state)
{
    (void)state;
    assert_int_equal(tl_teardown_steps(TCPLIFE_TEARDOWN_THREE_WAY), 3);
    assert_int_equal(tl_teardown_steps(TCPLIFE_TEARDOWN_FOUR_WAY), 4);
    assert_int_equal(tl_teardown_steps(TCPLIFE_TEARDOWN_SIMULTANEOUS), 4);
    assert_int_equal(tl_teardown_steps(TCPLIFE_TEARDOWN_NONE), 4);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_headline_handshake_and_data),
    cmocka_unit_test(test_headline_syn_and_synack_retransmissions_give_the_backoff),
    cmocka_unit_test(test_headline_synack_with_a_wrong_ack_is_crossed_out),
    cmocka_unit_test(test_headline_four_way_close_counts_four_steps),
    cmocka_unit_test(test_headline_three_way_close_counts_three_steps),
    cmocka_unit_test(test_headline_simultaneous_close_counts_four_steps),
    cmocka_unit_test(test_headline_half_close_names_the_bytes_sent_after_the_peer_fin),
    cmocka_unit_test(test_headline_fin_retransmission_is_no_step),
    cmocka_unit_test(test_headline_refused_names_the_syn_it_answers),
    cmocka_unit_test(test_headline_refusal_of_an_unseen_syn_names_no_frame),
    cmocka_unit_test(test_headline_names_frames_by_the_numbers_a_read_filter_leaves),
    cmocka_unit_test(test_frame_ref_names_numbered_hidden_and_missing_frames),
    cmocka_unit_test(test_headline_unread_data_then_closed_then_stray),
    cmocka_unit_test(test_headline_abort_adds_the_bytes_lost),
    cmocka_unit_test(test_headline_rst_answering_data_after_close),
    cmocka_unit_test(test_headline_midstream_data_then_three_way_close),
    cmocka_unit_test(test_headline_rst_as_first_segment_is_stray),
    cmocka_unit_test(test_headline_short_buffer_is_cut_and_terminated),
    cmocka_unit_test(test_headline_unknown_phase_reads_question_mark),
    cmocka_unit_test(test_headline_teardown_steps_three_only_for_three_way),
};

TCPLIFE_TEST_MAIN(tests)
