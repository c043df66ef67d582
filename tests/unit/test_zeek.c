/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_zeek.c - unit tests of tl_zeek.c: Zeek-compatible conn_state and
 * history, one behaviour per test, each written as a packet script.
 *
 * Rows are segments with numbers relative to the sender's ISN (seq) and the
 * receiver's ISN (ack), flag letters S A F R P. Unless a test says
 * otherwise: IPv4, client 192.0.2.1:51000, server 198.51.100.2:7001 (not
 * one of Zeek's likely server ports, so roles never flip on ports), client
 * ISN 1000, server ISN 5000, window 64240.
 *
 * The expected strings follow Zeek's rules as docs/zeek.md states them:
 * upper case = originator; A D I Q once per direction; S H F R again only
 * at a new sequence number; T W G on the 1st, 10th, 100th... occurrence;
 * '^' where roles flip.
 */
#include "tl_test.h"
#include "tcplife/tl_zeek.h"

typedef enum { C2S, S2C } zdir_t;

typedef struct {
    zdir_t      dir;
    const char *flags;
    uint32_t    seq, ack, len;
    bool        zero_win;          /* advertise window 0 */
} zrow_t;

typedef struct {
    tl_zeek_t  z;
    tl_addr_t  caddr, saddr;
    uint16_t   cport, sport;
    uint32_t   cisn, sisn;
    uint32_t   frame;
} zrun_t;

static tl_addr_t
addr4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    tl_addr_t x;
    memset(&x, 0, sizeof x);
    x.family = 4;
    x.bytes[0] = a; x.bytes[1] = b; x.bytes[2] = c; x.bytes[3] = d;
    return x;
}

static void
zrun_init(zrun_t *r, uint16_t server_port)
{
    memset(r, 0, sizeof *r);
    tl_zeek_init(&r->z);
    r->caddr = addr4(192, 0, 2, 1);
    r->saddr = addr4(198, 51, 100, 2);
    r->cport = 51000;
    r->sport = server_port;
    r->cisn = 1000;
    r->sisn = 5000;
}


static void
zrun_row(zrun_t *r, const zrow_t *row)
{
    tl_segment_t seg;
    bool c2s = row->dir == C2S;

    memset(&seg, 0, sizeof seg);
    seg.frame = ++r->frame;
    seg.time_ns = (int64_t)r->frame * 1000000;
    seg.src = c2s ? r->caddr : r->saddr;
    seg.dst = c2s ? r->saddr : r->caddr;
    seg.sport = c2s ? r->cport : r->sport;
    seg.dport = c2s ? r->sport : r->cport;
    seg.flags = tl_parse_flags(row->flags);
    seg.seq = (c2s ? r->cisn : r->sisn) + row->seq;
    seg.ack = (seg.flags & TCPLIFE_F_ACK) ? (c2s ? r->sisn : r->cisn) + row->ack : 0;
    seg.len = row->len;
    seg.win = row->zero_win ? 0 : 64240;
    tl_zeek_observe(&r->z, &seg);
}

static void
zrun_rows(zrun_t *r, const zrow_t *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        zrun_row(r, &rows[i]);
}

#define ZRUN(r, script) zrun_rows((r), (script), TCPLIFE_COUNT(script))

/* Run a script against the default ports and check both columns. */
static void
expect_script(const zrow_t *rows, size_t n, uint16_t server_port,
              const char *state, const char *history)
{
    zrun_t r;
    zrun_init(&r, server_port);
    zrun_rows(&r, rows, n);
    assert_string_equal(tl_zeek_conn_state(&r.z), state);
    assert_string_equal(tl_zeek_history(&r.z), history);
}

#define EXPECT(script, state, history) \
    expect_script((script), TCPLIFE_COUNT(script), 7001, (state), (history))
#define EXPECT_PORT(script, port, state, history) \
    expect_script((script), TCPLIFE_COUNT(script), (port), (state), (history))

/* ------------------------------------------------------------------------ */
/* Building blocks                                                           */
/* ------------------------------------------------------------------------ */

/* History "ShA": the client's SYN, the server's SYN-ACK, the client's ACK. */
#define HANDSHAKE                     \
    { C2S, "S",  0, 0, 0, false },    \
    { S2C, "SA", 0, 1, 0, false },    \
    { C2S, "A",  1, 1, 0, false }

/* Adds "Dad": 100 bytes up (D), acked (a), 50 bytes down (d), acked (the
 * client's second pure ACK adds nothing: 'A' is once per direction). */
#define DATA                          \
    { C2S, "PA", 1, 1, 100, false },  \
    { S2C, "A",  1, 101, 0, false },  \
    { S2C, "PA", 1, 101, 50, false }, \
    { C2S, "A",  101, 51, 0, false }

/* ------------------------------------------------------------------------ */
/* conn_state: every value                                                   */
/* ------------------------------------------------------------------------ */

static void
test_zeek_nothing_seen_is_oth_with_empty_history(void **state)
{
    tl_zeek_t z;
    (void)state;
    tl_zeek_init(&z);
    assert_string_equal(tl_zeek_conn_state(&z), "OTH");
    assert_string_equal(tl_zeek_history(&z), "");
    assert_false(tl_zeek_history_truncated(&z));
    assert_int_equal(tl_zeek_ep_state(&z, true), TCPLIFE_ZEEK_EP_INACTIVE);
}

/* Client-first four-way close: both endpoints TCP_CLOSED -> SF. The
 * history is the classic "ShADadFf": S h A, D a d (client's later ACKs are
 * repeats), F (client FIN), the server's ACK of it repeats 'a', f (server
 * FIN), the client's last ACK repeats 'A'. */
static void
test_zeek_four_way_close_is_sf_ShADadFf(void **state)
{
    static const zrow_t rows[] = {
        HANDSHAKE, DATA,
        { C2S, "FA", 101, 51, 0, false },
        { S2C, "A",  51, 102, 0, false },
        { S2C, "FA", 51, 102, 0, false },
        { C2S, "A",  102, 52, 0, false },
    };
    (void)state;
    EXPECT(rows, "SF", "ShADadFf");
}

/* Server-first three-way close (sample close-server-first.pcap): the
 * letters come in wire order, so 'f' precedes 'F'. */
static void
test_zeek_server_first_three_way_close_is_sf_ShADadfF(void **state)
{
    static const zrow_t rows[] = {
        HANDSHAKE, DATA,
        { S2C, "FA", 51, 101, 0, false },
        { C2S, "FA", 101, 52, 0, false },
        { S2C, "A",  52, 102, 0, false },
    };
    (void)state;
    EXPECT(rows, "SF", "ShADadfF");
}

/* A SYN and nothing else: originator TCP_SYN_SENT, responder TCP_INACTIVE. */
static void
test_zeek_syn_only_is_s0(void **state)
{
    static const zrow_t rows[] = { { C2S, "S", 0, 0, 0, false } };
    (void)state;
    EXPECT(rows, "S0", "S");
}

/* Handshake done, nothing closed: both TCP_ESTABLISHED. */
static void
test_zeek_established_not_closed_is_s1(void **state)
{
    static const zrow_t rows[] = { HANDSHAKE, DATA };
    (void)state;
    EXPECT(rows, "S1", "ShADad");
}

/* RST answering the SYN (sample refused.pcap): the responder is
 * TCP_RESET while the originator is still TCP_SYN_SENT -> REJ, "Sr". */
static void
test_zeek_rst_answering_syn_is_rej(void **state)
{
    static const zrow_t rows[] = {
        { C2S, "S",  0, 0, 0, false },
        { S2C, "RA", 0, 1, 0, false },
    };
    (void)state;
    EXPECT(rows, "REJ", "Sr");
}

/* Both sides reset and neither carried payload by sequence numbers: REJ
 * through its second clause (both TCP_RESET, both sizes 0). */
static void
test_zeek_both_reset_without_payload_is_rej(void **state)
{
    static const zrow_t rows[] = {
        { C2S, "S", 0, 0, 0, false },
        { C2S, "R", 1, 0, 0, false },
        { S2C, "R", 0, 0, 0, false },
    };
    (void)state;
    EXPECT(rows, "REJ", "SRr");
}

/* The originator closes, the responder never answers it: S2. */
static void
test_zeek_orig_fin_without_reply_is_s2(void **state)
{
    static const zrow_t rows[] = { HANDSHAKE, { C2S, "FA", 1, 1, 0, false } };
    (void)state;
    EXPECT(rows, "S2", "ShAF");
}

/* The responder closes, the originator never does: S3. */
static void
test_zeek_resp_fin_without_reply_is_s3(void **state)
{
    static const zrow_t rows[] = {
        HANDSHAKE,
        { S2C, "FA", 1, 1, 0, false },
        { C2S, "A",  1, 2, 0, false },
    };
    (void)state;
    EXPECT(rows, "S3", "ShAf");
}

/* Established, the originator aborts (sample abort-linger0.pcap). */
static void
test_zeek_orig_rst_after_establishment_is_rsto(void **state)
{
    static const zrow_t rows[] = { HANDSHAKE, DATA, { C2S, "RA", 101, 51, 0, false } };
    (void)state;
    EXPECT(rows, "RSTO", "ShADadR");
}

/* The responder resets an established connection (sample
 * rst-unread-data.pcap): RSTR. */
static void
test_zeek_resp_rst_after_establishment_is_rstr(void **state)
{
    static const zrow_t rows[] = {
        HANDSHAKE,
        { C2S, "PA", 1, 1, 13, false },
        { S2C, "A",  1, 14, 0, false },
        { S2C, "RA", 1, 14, 0, false },
    };
    (void)state;
    EXPECT(rows, "RSTR", "ShADar");
}

/* The originator's SYN then its RST, no SYN-ACK seen: the history matches
 * Zeek's rule "optional ^, S, no H/A/F/G/I/Q, then R" -> RSTOS0. */
static void
test_zeek_syn_then_orig_rst_is_rstos0(void **state)
{
    static const zrow_t rows[] = {
        { C2S, "S", 0, 0, 0, false },
        { C2S, "R", 1, 0, 0, false },
    };
    (void)state;
    EXPECT(rows, "RSTOS0", "SR");
}

/* Originator reset while the responder was only PARTIAL but the history
 * has an 'A' before the R: the RSTOS0 rule fails -> OTH. */
static void
test_zeek_orig_rst_after_ack_without_synack_is_oth(void **state)
{
    static const zrow_t rows[] = {
        { C2S, "S", 0, 0, 0, false },
        { C2S, "A", 1, 1, 0, false },
        { C2S, "R", 1, 0, 0, false },
    };
    (void)state;
    EXPECT(rows, "OTH", "SAR");
}

/* First seen: a SYN-ACK from port 80 (a likely server port) to an
 * ephemeral port. Roles flip at once ('^'), the SYN-ACK is the responder's
 * 'h', then its RST 'r'; the originator never sent anything -> RSTRH. */
static void
test_zeek_synack_then_resp_rst_is_rstrh(void **state)
{
    static const zrow_t rows[] = {
        { S2C, "SA", 0, 1, 0, false },
        { S2C, "R",  1, 0, 0, false },
    };
    (void)state;
    EXPECT_PORT(rows, 80, "RSTRH", "^hr");
}

/* The originator's SYN then its FIN, no SYN-ACK: SH. */
static void
test_zeek_syn_then_fin_is_sh(void **state)
{
    static const zrow_t rows[] = {
        { C2S, "S", 0, 0, 0, false },
        { C2S, "F", 1, 0, 0, false },
    };
    (void)state;
    EXPECT(rows, "SH", "SF");
}

/* The responder's SYN-ACK then its FIN, the originator silent: SHR. */
static void
test_zeek_synack_then_resp_fin_is_shr(void **state)
{
    static const zrow_t rows[] = {
        { S2C, "SA", 0, 1, 0, false },
        { S2C, "FA", 1, 1, 0, false },
    };
    (void)state;
    EXPECT_PORT(rows, 80, "SHR", "^hf");
}

/* Mid-stream traffic without any SYN, not closed: both TCP_PARTIAL -> OTH. */
static void
test_zeek_midstream_without_close_is_oth(void **state)
{
    static const zrow_t rows[] = {
        { C2S, "PA", 1, 1, 13, false },
        { S2C, "A",  1, 14, 0, false },
        { S2C, "PA", 1, 14, 23, false },
        { C2S, "A",  14, 24, 0, false },
    };
    (void)state;
    EXPECT(rows, "OTH", "DadA");
}

/* Mid-stream pickup that closes with two FINs (sample midstream.pcap):
 * both endpoints reach TCP_CLOSED, and Zeek's rule then says SF. */
static void
test_zeek_midstream_with_both_fins_is_sf(void **state)
{
    static const zrow_t rows[] = {
        { C2S, "PA", 1, 1, 13, false },
        { S2C, "A",  1, 14, 0, false },
        { S2C, "PA", 1, 14, 23, false },
        { C2S, "A",  14, 24, 0, false },
        { C2S, "FA", 14, 24, 0, false },
        { S2C, "A",  24, 15, 0, false },
        { S2C, "FA", 24, 15, 0, false },
        { C2S, "A",  15, 25, 0, false },
    };
    (void)state;
    EXPECT(rows, "SF", "DadAFf");
}

/* ------------------------------------------------------------------------ */
/* Letters recorded again at a new sequence number: S H F R                  */
/* ------------------------------------------------------------------------ */

/* SYN retransmissions keep their sequence number: one 'S' (sample
 * syn-retries-dropped.pcap). The same holds for SYN-ACKs. */
static void
test_zeek_retransmitted_syn_and_synack_are_not_repeated(void **state)
{
    static const zrow_t rows[] = {
        { C2S, "S",  0, 0, 0, false },
        { C2S, "S",  0, 0, 0, false },
        { S2C, "SA", 0, 1, 0, false },
        { S2C, "SA", 0, 1, 0, false },
        { C2S, "A",  1, 1, 0, false },
    };
    (void)state;
    EXPECT(rows, "S1", "ShA");
}

/* A SYN with another ISN while the first is unanswered restarts the
 * endpoint's numbering at the new ISN (Zeek's init_endpoint()), so its
 * relative number is 0 again and no second 'S' appears. */
static void
test_zeek_syn_with_new_isn_before_answer_is_not_repeated(void **state)
{
    static const zrow_t rows[] = {
        { C2S, "S", 0, 0, 0, false },
        { C2S, "S", 777, 0, 0, false },
    };
    (void)state;
    EXPECT(rows, "S0", "S");
}

/* A FIN retransmitted at the same number adds nothing; a FIN at a new
 * number (data sent after the first FIN, which a broken peer may do) adds
 * a second 'F'. */
static void
test_zeek_fin_at_new_sequence_number_is_repeated(void **state)
{
    static const zrow_t rows[] = {
        HANDSHAKE,
        { C2S, "FA", 1, 1, 0, false },
        { C2S, "FA", 1, 1, 0, false },      /* retransmission: same end */
        { C2S, "FPA", 1, 1, 10, false },    /* FIN now after 10 bytes */
    };
    (void)state;
    EXPECT(rows, "S2", "ShAFF");
}

/* Two RSTs at different sequence numbers: 'R' twice; a third at the same
 * number as the second adds nothing. */
static void
test_zeek_rst_at_new_sequence_number_is_repeated(void **state)
{
    static const zrow_t rows[] = {
        HANDSHAKE,
        { C2S, "RA", 1, 1, 0, false },
        { C2S, "R",  5, 0, 0, false },
        { C2S, "R",  5, 0, 0, false },
    };
    (void)state;
    EXPECT(rows, "RSTO", "ShARR");
}

/* ------------------------------------------------------------------------ */
/* Once-per-direction multi-flag letters: I Q                                */
/* ------------------------------------------------------------------------ */

static void
test_zeek_fin_with_rst_is_i_once(void **state)
{
    static const zrow_t rows[] = {
        HANDSHAKE,
        { C2S, "FRA", 1, 1, 0, false },
        { C2S, "FRA", 2, 1, 0, false },
    };
    (void)state;
    EXPECT(rows, "RSTO", "ShAI");
}

static void
test_zeek_syn_with_fin_is_q(void **state)
{
    static const zrow_t rows[] = { { C2S, "SF", 0, 0, 0, false } };
    (void)state;
    /* One letter for the odd combination; the state machine still takes
     * both flags: SYN_SENT, then CLOSED by the FIN, peer silent -> SH. */
    EXPECT(rows, "SH", "Q");
}

/* ------------------------------------------------------------------------ */
/* Logarithmic letters: t w g                                                */
/* ------------------------------------------------------------------------ */

/* Payload that does not advance the sender's highest sequence number is a
 * retransmission. The 1st and the 10th get a 'T'; the 2nd-9th nothing. */
static void
test_zeek_retransmissions_are_logarithmic(void **state)
{
    zrun_t r;
    static const zrow_t prefix[] = { HANDSHAKE, { C2S, "PA", 1, 1, 100, false } };
    static const zrow_t again = { C2S, "PA", 1, 1, 100, false };
    (void)state;

    zrun_init(&r, 7001);
    ZRUN(&r, prefix);
    zrun_row(&r, &again);
    assert_string_equal(tl_zeek_history(&r.z), "ShADT");
    for (int i = 2; i <= 9; i++)
        zrun_row(&r, &again);
    assert_string_equal(tl_zeek_history(&r.z), "ShADT");
    zrun_row(&r, &again);                   /* the 10th */
    assert_string_equal(tl_zeek_history(&r.z), "ShADTT");
}

/* A SYN carrying payload (TCP Fast Open) as the sender's first packet:
 * Zeek sets the endpoint's highest sequence end to the end of that SYN
 * before comparing, so the payload looks retransmitted: 'T' after 'S'. */
static void
test_zeek_syn_with_payload_counts_as_retransmission(void **state)
{
    static const zrow_t rows[] = { { C2S, "S", 0, 0, 10, false } };
    (void)state;
    EXPECT(rows, "S0", "ST");
}

/* A zero window counts for the sender; a zero window sent after the peer's
 * FIN does not (Zeek: nothing to receive any more). */
static void
test_zeek_zero_window_is_w_unless_after_peer_fin(void **state)
{
    zrun_t r;
    static const zrow_t rows[] = {
        HANDSHAKE,
        { C2S, "PA", 1, 1, 100, false },
        { S2C, "A",  1, 101, 0, true },     /* server's window is full */
    };
    static const zrow_t late[] = {
        { C2S, "FA", 101, 1, 0, false },
        { S2C, "A",  1, 102, 0, true },     /* after the client's FIN */
    };
    (void)state;

    zrun_init(&r, 7001);
    ZRUN(&r, rows);
    assert_string_equal(tl_zeek_history(&r.z), "ShADaw");
    ZRUN(&r, late);
    assert_string_equal(tl_zeek_history(&r.z), "ShADawF");
}

/* Payload the receiver acknowledges but the capture never held is a
 * content gap, charged to the sender of the missing bytes: 'G' for the
 * originator. Here bytes 101-200 are missing. */
static void
test_zeek_ack_above_missing_payload_is_content_gap(void **state)
{
    static const zrow_t rows[] = {
        HANDSHAKE,
        { C2S, "PA", 1, 1, 100, false },
        { C2S, "PA", 201, 1, 100, false },
        { S2C, "A",  1, 301, 0, false },
    };
    (void)state;
    EXPECT(rows, "S1", "ShADaG");
}

/* Out-of-order arrival that fills the hole before the ack is not a gap. */
static void
test_zeek_reordered_payload_is_not_a_gap(void **state)
{
    static const zrow_t rows[] = {
        HANDSHAKE,
        { C2S, "PA", 101, 1, 100, false },
        { C2S, "PA", 1, 1, 100, false },
        { S2C, "A",  1, 201, 0, false },
    };
    (void)state;
    /* The second segment ends below the first one's end: Zeek takes it
     * for a retransmission ('T') although it fills a hole. */
    EXPECT(rows, "S1", "ShADTa");
}

/* Gaps count only while both sides are TCP_ESTABLISHED (or closed
 * straight from it). A mid-stream pickup is TCP_PARTIAL: an ack 100 bytes
 * above what the capture holds adds no letter. */
static void
test_zeek_gap_on_partial_connection_is_not_counted(void **state)
{
    static const zrow_t rows[] = {
        { C2S, "PA", 1, 1, 13, false },
        { S2C, "A",  1, 114, 0, false },    /* acks 100 bytes never seen */
    };
    (void)state;
    EXPECT(rows, "OTH", "Da");
}

/* ------------------------------------------------------------------------ */
/* Originator and the '^' flip                                               */
/* ------------------------------------------------------------------------ */

/* The capture missed the SYN: the first segment is a SYN-ACK from port 80
 * (a likely server port) to an ephemeral port. Zeek flips at once, so the
 * client is the originator and the history starts with '^'. */
static void
test_zeek_synack_first_from_server_port_flips(void **state)
{
    zrun_t r;
    static const zrow_t rows[] = {
        { S2C, "SA", 0, 1, 0, false },
        { C2S, "A",  1, 1, 0, false },
        { C2S, "PA", 1, 1, 13, false },
        { S2C, "A",  1, 14, 0, false },
        { C2S, "FA", 14, 1, 0, false },
        { S2C, "FA", 1, 15, 0, false },
        { C2S, "A",  15, 2, 0, false },
    };
    (void)state;

    zrun_init(&r, 80);
    ZRUN(&r, rows);
    assert_true(tl_zeek_orig_is(&r.z, &r.caddr, r.cport));
    assert_false(tl_zeek_orig_is(&r.z, &r.saddr, r.sport));
    assert_string_equal(tl_zeek_history(&r.z), "^hADaFf");
    assert_string_equal(tl_zeek_conn_state(&r.z), "SF");
}

/* The same from a port that is not a likely server port: no flip, the
 * SYN-ACK's sender stays the originator ('H'), TCP_SYN_ACK_SENT, and the
 * other side only ever PARTIAL: OTH. */
static void
test_zeek_synack_first_from_other_port_does_not_flip(void **state)
{
    zrun_t r;
    static const zrow_t rows[] = {
        { S2C, "SA", 0, 1, 0, false },
        { C2S, "A",  1, 1, 0, false },
        { C2S, "PA", 1, 1, 13, false },
    };
    (void)state;

    zrun_init(&r, 7001);
    ZRUN(&r, rows);
    assert_true(tl_zeek_orig_is(&r.z, &r.saddr, r.sport));
    assert_string_equal(tl_zeek_history(&r.z), "Had");
    assert_string_equal(tl_zeek_conn_state(&r.z), "OTH");
}

/* The SYN arrives after the SYN-ACK that answers it (reordered capture):
 * Zeek swaps the roles there ('^' after the SYN's letter, which was still
 * written as the responder's 's'), and later letters use the new roles. */
static void
test_zeek_syn_after_its_synack_flips_roles(void **state)
{
    zrun_t r;
    static const zrow_t rows[] = {
        { S2C, "SA", 0, 1, 0, false },
        { C2S, "S",  0, 0, 0, false },
        { C2S, "A",  1, 1, 0, false },
        { S2C, "PA", 1, 1, 5, false },
    };
    (void)state;

    zrun_init(&r, 7001);
    ZRUN(&r, rows);
    assert_true(tl_zeek_orig_is(&r.z, &r.caddr, r.cport));
    assert_string_equal(tl_zeek_history(&r.z), "Hs^Ad");
    assert_string_equal(tl_zeek_conn_state(&r.z), "S1");
}

/* Mid-stream, first segment from port 80 to an ephemeral port: flipped. */
static void
test_zeek_midstream_from_server_port_flips(void **state)
{
    zrun_t r;
    static const zrow_t rows[] = {
        { S2C, "PA", 1, 1, 23, false },
        { C2S, "A",  1, 24, 0, false },
    };
    (void)state;

    zrun_init(&r, 80);
    ZRUN(&r, rows);
    assert_true(tl_zeek_orig_is(&r.z, &r.caddr, r.cport));
    assert_string_equal(tl_zeek_history(&r.z), "^dA");
}

/* Both ports likely server ports: a SYN-ACK does not flip, a data segment
 * flips only when its source port is the lower one. */
static void
test_zeek_both_server_ports_flip_only_from_lower_port(void **state)
{
    zrun_t r;
    static const zrow_t data_from_server[] = { { S2C, "PA", 1, 1, 10, false } };
    static const zrow_t synack_from_server[] = { { S2C, "SA", 0, 1, 0, false } };
    (void)state;

    zrun_init(&r, 80);
    r.cport = 8080;                         /* also likely; 80 is lower */
    ZRUN(&r, data_from_server);
    assert_string_equal(tl_zeek_history(&r.z), "^d");

    zrun_init(&r, 80);
    r.cport = 8080;
    ZRUN(&r, synack_from_server);
    assert_string_equal(tl_zeek_history(&r.z), "H");

    assert_true(tl_zeek_likely_server_port(443));
    assert_false(tl_zeek_likely_server_port(7001));
}

/* ------------------------------------------------------------------------ */
/* Limits and vocabularies                                                   */
/* ------------------------------------------------------------------------ */

/* Many FINs at new numbers overflow the kept history: the first
 * TCPLIFE_ZEEK_HISTORY_MAX letters stay, the flag says letters were dropped. */
static void
test_zeek_long_history_is_truncated_and_flagged(void **state)
{
    zrun_t r;
    static const zrow_t rows[] = { HANDSHAKE };
    (void)state;

    zrun_init(&r, 7001);
    ZRUN(&r, rows);
    for (uint32_t i = 0; i < 2 * TCPLIFE_ZEEK_HISTORY_MAX; i++) {
        zrow_t fin = { C2S, "FPA", 1, 1, i + 1, false };
        zrun_row(&r, &fin);
    }
    assert_int_equal(strlen(tl_zeek_history(&r.z)), TCPLIFE_ZEEK_HISTORY_MAX);
    assert_true(tl_zeek_history_truncated(&r.z));
    assert_memory_equal(tl_zeek_history(&r.z), "ShAFFFF", 7);
    assert_string_equal(tl_zeek_conn_state(&r.z), "S2");
}

/* The RSTOS0 rule allows other letters between the S and the R (here the
 * originator's zero windows on its SYN retransmissions: 'W' on the 1st,
 * 10th, 100th and 1000th). It is evaluated on every letter as it is added,
 * so it would hold even past the kept history. */
static void
test_zeek_rstos0_allows_letters_between_s_and_r(void **state)
{
    zrun_t r;
    static const zrow_t syn = { C2S, "S", 0, 0, 0, false };
    (void)state;

    zrun_init(&r, 7001);
    zrun_row(&r, &syn);
    for (uint32_t i = 0; i < 1000; i++) {
        zrow_t w = { C2S, "S", 0, 0, 0, true };
        zrun_row(&r, &w);
    }
    {
        zrow_t rst = { C2S, "R", 1, 0, 0, false };
        zrun_row(&r, &rst);
    }
    assert_string_equal(tl_zeek_history(&r.z), "SWWWWR");
    assert_string_equal(tl_zeek_conn_state(&r.z), "RSTOS0");
}

static void
test_zeek_names_cover_every_value(void **state)
{
    (void)state;
    assert_string_equal(tl_zeek_conn_state_name(TCPLIFE_ZEEK_S0), "S0");
    assert_string_equal(tl_zeek_conn_state_name(TCPLIFE_ZEEK_RSTOS0), "RSTOS0");
    assert_string_equal(tl_zeek_conn_state_name(TCPLIFE_ZEEK_OTH), "OTH");
    assert_string_equal(tl_zeek_conn_state_name(TCPLIFE_ZEEK_CONN_STATE_COUNT), "?");
    assert_string_equal(tl_zeek_ep_state_name(TCPLIFE_ZEEK_EP_SYN_ACK_SENT), "TCP_SYN_ACK_SENT");
    assert_string_equal(tl_zeek_ep_state_name(TCPLIFE_ZEEK_EP_COUNT), "?");
    for (int s = 0; s < TCPLIFE_ZEEK_CONN_STATE_COUNT; s++)
        assert_string_not_equal(tl_zeek_conn_state_name((tl_zeek_conn_state_t)s), "?");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_zeek_nothing_seen_is_oth_with_empty_history),
    cmocka_unit_test(test_zeek_four_way_close_is_sf_ShADadFf),
    cmocka_unit_test(test_zeek_server_first_three_way_close_is_sf_ShADadfF),
    cmocka_unit_test(test_zeek_syn_only_is_s0),
    cmocka_unit_test(test_zeek_established_not_closed_is_s1),
    cmocka_unit_test(test_zeek_rst_answering_syn_is_rej),
    cmocka_unit_test(test_zeek_both_reset_without_payload_is_rej),
    cmocka_unit_test(test_zeek_orig_fin_without_reply_is_s2),
    cmocka_unit_test(test_zeek_resp_fin_without_reply_is_s3),
    cmocka_unit_test(test_zeek_orig_rst_after_establishment_is_rsto),
    cmocka_unit_test(test_zeek_resp_rst_after_establishment_is_rstr),
    cmocka_unit_test(test_zeek_syn_then_orig_rst_is_rstos0),
    cmocka_unit_test(test_zeek_orig_rst_after_ack_without_synack_is_oth),
    cmocka_unit_test(test_zeek_synack_then_resp_rst_is_rstrh),
    cmocka_unit_test(test_zeek_syn_then_fin_is_sh),
    cmocka_unit_test(test_zeek_synack_then_resp_fin_is_shr),
    cmocka_unit_test(test_zeek_midstream_without_close_is_oth),
    cmocka_unit_test(test_zeek_midstream_with_both_fins_is_sf),
    cmocka_unit_test(test_zeek_retransmitted_syn_and_synack_are_not_repeated),
    cmocka_unit_test(test_zeek_syn_with_new_isn_before_answer_is_not_repeated),
    cmocka_unit_test(test_zeek_fin_at_new_sequence_number_is_repeated),
    cmocka_unit_test(test_zeek_rst_at_new_sequence_number_is_repeated),
    cmocka_unit_test(test_zeek_fin_with_rst_is_i_once),
    cmocka_unit_test(test_zeek_syn_with_fin_is_q),
    cmocka_unit_test(test_zeek_retransmissions_are_logarithmic),
    cmocka_unit_test(test_zeek_syn_with_payload_counts_as_retransmission),
    cmocka_unit_test(test_zeek_zero_window_is_w_unless_after_peer_fin),
    cmocka_unit_test(test_zeek_ack_above_missing_payload_is_content_gap),
    cmocka_unit_test(test_zeek_reordered_payload_is_not_a_gap),
    cmocka_unit_test(test_zeek_gap_on_partial_connection_is_not_counted),
    cmocka_unit_test(test_zeek_synack_first_from_server_port_flips),
    cmocka_unit_test(test_zeek_synack_first_from_other_port_does_not_flip),
    cmocka_unit_test(test_zeek_syn_after_its_synack_flips_roles),
    cmocka_unit_test(test_zeek_midstream_from_server_port_flips),
    cmocka_unit_test(test_zeek_both_server_ports_flip_only_from_lower_port),
    cmocka_unit_test(test_zeek_long_history_is_truncated_and_flagged),
    cmocka_unit_test(test_zeek_rstos0_allows_letters_between_s_and_r),
    cmocka_unit_test(test_zeek_names_cover_every_value),
};

TCPLIFE_TEST_MAIN(tests)
