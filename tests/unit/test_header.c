/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_header.c - tl_parse_tcp_header(): the fixed fields and the options
 * of a TCP header, by epan's rules for option lengths; and
 * tl_ip_payload_before() and tl_ip_header_before(), the IP header in front
 * of it. (The end-to-end goldens check the same on every sample and hostile
 * capture, tests/corpus on third-party and derived ones.)
 */
#include <stdint.h>
#include <stdlib.h>

#include "tl_test.h"

/* A Linux SYN: ports 40000 -> 80, seq 0x01020304, win 64240, MSS 1460,
 * SACK-permitted, timestamps 7/0, NOP, window scale 7. */
static const uint8_t linux_syn[40] = {
    0x9c, 0x40, 0x00, 0x50, 0x01, 0x02, 0x03, 0x04, 0xde, 0xad, 0xbe, 0xef,
    0xa0, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,
    2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 7, 0, 0, 0, 0, 1, 3, 3, 7,
};

static void
test_header_linux_syn(void **state)
{
    tl_segment_t s;
    (void)state;
    memset(&s, 0, sizeof s);
    assert_int_equal(tl_parse_tcp_header(linux_syn, sizeof linux_syn, &s), 40);
    assert_int_equal(s.sport, 40000);
    assert_int_equal(s.dport, 80);
    assert_int_equal(s.seq, 0x01020304);
    assert_int_equal(s.ack, 0);            /* no ACK flag: epan shows no ack */
    assert_int_equal(s.flags, TCPLIFE_F_SYN);
    assert_int_equal(s.win, 64240);
    assert_true(s.has_mss);
    assert_int_equal(s.mss, 1460);
    assert_true(s.sack_perm);
    assert_true(s.has_ts);
    assert_int_equal(s.tsval, 7);
    assert_int_equal(s.tsecr, 0);
    assert_true(s.has_wscale);
    assert_int_equal(s.wscale, 7);
    assert_false(s.tfo || s.md5 || s.ao);
    assert_ptr_equal(s.opt_bytes, linux_syn + 20);
    assert_int_equal(s.opt_len, 20);
}

static void
test_header_ack_flags_window_urgent(void **state)
{
    uint8_t h[20] = { 0x00, 0x50, 0x9c, 0x40, 0, 0, 0, 1, 0xca, 0xfe, 0xba, 0xbe,
                      0x51, 0xf9, 0x01, 0xf6, 0, 0, 0x12, 0x34 };
    tl_segment_t s;
    (void)state;
    memset(&s, 0, sizeof s);
    assert_int_equal(tl_parse_tcp_header(h, sizeof h, &s), 20);
    assert_int_equal(s.ack, 0xcafebabe);
    /* AE (0x100), CWR, ECE, URG, ACK, PSH, FIN */
    assert_int_equal(s.flags, TCPLIFE_F_AE | TCPLIFE_F_CWR | TCPLIFE_F_ECE | TCPLIFE_F_URG | TCPLIFE_F_ACK
                              | TCPLIFE_F_PSH | TCPLIFE_F_FIN);
    assert_int_equal(s.win, 502);
    assert_int_equal(s.urp, 0x1234);
    assert_null(s.opt_bytes);
    assert_int_equal(s.opt_len, 0);
    /* The reserved bits stay in the flags, as in epan's tcp.flags. */
    h[12] = 0x5e;
    assert_int_equal(tl_parse_tcp_header(h, sizeof h, &s), 20);
    assert_int_equal(s.flags & 0x0e00, 0x0e00);
}

static void
test_header_too_short_or_bad_offset_is_untrackable(void **state)
{
    uint8_t h[20];
    tl_segment_t s;
    (void)state;
    memcpy(h, linux_syn, sizeof h);
    assert_int_equal(tl_parse_tcp_header(h, 19, &s), 0);
    assert_int_equal(tl_parse_tcp_header(NULL, 40, &s), 0);
    h[12] = 0x40;                          /* data offset 4: 16 bytes */
    assert_int_equal(tl_parse_tcp_header(h, sizeof h, &s), 0);
}

static void
test_header_options_cut_by_snaplen_keep_what_was_captured(void **state)
{
    tl_segment_t s;
    (void)state;
    memset(&s, 0, sizeof s);
    /* 30 of 40 bytes: MSS, SACK-permitted; the timestamps are cut. */
    assert_int_equal(tl_parse_tcp_header(linux_syn, 30, &s), 40);
    assert_int_equal(s.opt_len, 10);
    assert_int_equal(s.opt_cut, 10);    /* declared but not captured: tcpdump's " [|tcp]" */
    assert_true(s.has_mss && s.sack_perm);
    assert_false(s.has_ts || s.has_wscale);
    /* the fixed header only: every option byte is cut */
    assert_int_equal(tl_parse_tcp_header(linux_syn, 20, &s), 40);
    assert_int_equal(s.opt_len, 0);
    assert_int_equal(s.opt_cut, 20);
    /* whole: nothing cut */
    assert_int_equal(tl_parse_tcp_header(linux_syn, sizeof linux_syn, &s), 40);
    assert_int_equal(s.opt_cut, 0);
}

static void
test_header_option_lengths_follow_epan(void **state)
{
    uint8_t h[60] = { 0 };
    tl_segment_t s;
    static const uint8_t opts[] = {
        2, 5, 0x05, 0xb4, 0,     /* MSS with length 5: not an MSS */
        3, 3, 14,                /* window scale 14 */
        8, 9, 0, 0, 0, 1, 0, 0, 0, /* timestamps with length 9: ignored */
        19, 6, 1, 2, 3, 4,       /* MD5 at any length: present */
        34, 2,                   /* TFO cookie request */
        0, 2, 4, 2,              /* EOL: SACK-permitted after it is padding */
    };
    (void)state;
    h[12] = (uint8_t)((20 + 32) / 4) << 4;
    memcpy(h + 20, opts, sizeof opts);
    memset(&s, 0, sizeof s);
    assert_int_equal(tl_parse_tcp_header(h, 52, &s), 52);
    assert_false(s.has_mss);
    assert_true(s.has_wscale);
    assert_int_equal(s.wscale, 14);
    assert_false(s.has_ts);
    assert_true(s.md5);
    assert_true(s.tfo);
    assert_int_equal(s.tfo_cookie_len, 0);
    assert_false(s.sack_perm);
}

static void
test_header_malformed_option_stops_the_walk(void **state)
{
    uint8_t h[32] = { 0 };
    tl_segment_t s;
    (void)state;
    h[12] = 0x80;                          /* 32 bytes */
    /* SACK-permitted, then a length of 1 (malformed), then MSS */
    memcpy(h + 20, (const uint8_t[]){ 4, 2, 5, 1, 2, 4, 0x05, 0xb4, 1, 1, 1, 1 }, 12);
    memset(&s, 0, sizeof s);
    assert_int_equal(tl_parse_tcp_header(h, sizeof h, &s), 32);
    assert_true(s.sack_perm);
    assert_false(s.has_mss);
    /* An option running past the header: kept out, the rest too. */
    memcpy(h + 20, (const uint8_t[]){ 1, 1, 4, 2, 2, 4, 0x05, 0xb4, 29, 9, 0, 0 }, 12);
    memset(&s, 0, sizeof s);
    tl_parse_tcp_header(h, sizeof h, &s);
    assert_true(s.has_mss && s.sack_perm);
    assert_false(s.ao);
    /* A kind without its length byte at the very end. */
    memcpy(h + 20, (const uint8_t[]){ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2 }, 12);
    memset(&s, 0, sizeof s);
    tl_parse_tcp_header(h, sizeof h, &s);
    assert_false(s.has_mss);
}

static void
test_header_experimental_tfo_and_tcp_ao(void **state)
{
    uint8_t h[40] = { 0 };
    tl_segment_t s;
    (void)state;
    h[12] = 0xa0;                          /* 40 bytes */
    /* RFC 6994 TFO (ExID 0xF989) with an 8-byte cookie, then TCP-AO */
    memcpy(h + 20, (const uint8_t[]){ 254, 12, 0xf9, 0x89, 1, 2, 3, 4, 5, 6, 7, 8,
                                     29, 4, 1, 1, 0, 0, 0, 0 }, 20);
    memset(&s, 0, sizeof s);
    assert_int_equal(tl_parse_tcp_header(h, sizeof h, &s), 40);
    assert_true(s.tfo);
    assert_int_equal(s.tfo_cookie_len, 8);
    assert_true(s.ao);
    /* Another experimental option is not TFO. */
    h[22] = 0x12;
    memset(&s, 0, sizeof s);
    tl_parse_tcp_header(h, sizeof h, &s);
    assert_false(s.tfo);
}

/* Random headers: the parser stays inside what it was given, and what it
 * reports is consistent (ASan watches the reads in the sanitizer run). */
static void
test_header_random_headers_stay_in_bounds(void **state)
{
    unsigned seed = 12345;
    (void)state;
    for (int i = 0; i < 200000; i++) {
        size_t cap = (size_t)(rand_r(&seed) % 61);
        uint8_t *h = malloc(cap ? cap : 1);
        tl_segment_t s;
        size_t hlen;

        assert_non_null(h);
        for (size_t j = 0; j < cap; j++)
            h[j] = (uint8_t)rand_r(&seed);
        if (cap > 12 && (rand_r(&seed) & 1))
            h[12] = (uint8_t)((h[12] & 0x0f) | 0xf0);   /* many options */
        memset(&s, 0, sizeof s);
        hlen = tl_parse_tcp_header(h, cap, &s);
        if (hlen) {
            assert_true(cap >= 20 && hlen >= 20 && hlen <= 60);
            assert_true(s.opt_len <= 40 && s.opt_len <= cap - 20);
            if (s.opt_len)
                assert_ptr_equal(s.opt_bytes, h + 20);
            if (s.has_ts || s.has_mss || s.has_wscale || s.sack_perm)
                assert_true(s.opt_len > 0);
        }
        free(h);
    }
}

/* An IPv4 header of ihl words (options: NOPs) from 10.0.0.1 to 10.0.0.2,
 * total length `total`, fragment field `frag`, in front of linux_syn. */
static size_t
ip4_before(uint8_t *buf, unsigned ihl, uint16_t total, uint16_t frag, uint8_t proto)
{
    uint8_t *h = buf;

    memset(h, 1, ihl * 4);
    h[0] = (uint8_t)(0x40 | ihl);
    h[1] = 0;
    h[2] = (uint8_t)(total >> 8);
    h[3] = (uint8_t)total;
    h[6] = (uint8_t)(frag >> 8);
    h[7] = (uint8_t)frag;
    h[9] = proto;
    memcpy(h + 12, (const uint8_t[]){ 10, 0, 0, 1, 10, 0, 0, 2 }, 8);
    memcpy(h + ihl * 4, linux_syn, sizeof linux_syn);
    return ihl * 4;
}

static void
test_ip_payload_before_ipv4(void **state)
{
    uint8_t buf[14 + 60 + 40];
    tl_addr_t a = { 4, { 10, 0, 0, 1 } }, b = { 4, { 10, 0, 0, 2 } }, c = { 4, { 10, 0, 0, 3 } };
    size_t off;
    (void)state;

    /* Plain 20-byte header with an Ethernet header before it. */
    memset(buf, 0xee, sizeof buf);
    off = 14 + ip4_before(buf + 14, 5, 20 + 40 + 100, 0x4000 /* DF */, 6);
    assert_int_equal(tl_ip_payload_before(buf + off, off, &a, &b), 140);
    /* The header must end exactly at the TCP header and carry these addresses. */
    assert_int_equal(tl_ip_payload_before(buf + off, off, &b, &a), -1);
    assert_int_equal(tl_ip_payload_before(buf + off, off, &a, &c), -1);
    assert_int_equal(tl_ip_payload_before(buf + off, 19, &a, &b), -1);
    /* Options: IHL 15. */
    off = ip4_before(buf, 15, 60 + 40, 0, 6);
    assert_int_equal(tl_ip_payload_before(buf + off, off, &a, &b), 40);
    /* A fragment (MF, or an offset) has no TCP length of its own. */
    off = ip4_before(buf, 5, 20 + 40, 0x2000, 6);
    assert_int_equal(tl_ip_payload_before(buf + off, off, &a, &b), -1);
    off = ip4_before(buf, 5, 20 + 40, 0x0010, 6);
    assert_int_equal(tl_ip_payload_before(buf + off, off, &a, &b), -1);
    /* Not TCP, or a total length shorter than the header. */
    off = ip4_before(buf, 5, 60, 0, 17);
    assert_int_equal(tl_ip_payload_before(buf + off, off, &a, &b), -1);
    off = ip4_before(buf, 5, 12, 0, 6);
    assert_int_equal(tl_ip_payload_before(buf + off, off, &a, &b), -1);
    /* Families must agree. */
    b.family = 6;
    assert_int_equal(tl_ip_payload_before(buf + off, off, &a, &b), -1);
}

static void
test_ip_payload_before_ipv6(void **state)
{
    uint8_t buf[40 + 40];
    tl_addr_t a = { 6, { 0xfd, 0, [15] = 1 } }, b = { 6, { 0xfd, 0, [15] = 2 } };
    (void)state;

    memset(buf, 0, sizeof buf);
    buf[0] = 0x60;
    buf[4] = 0x01;              /* payload length 300 */
    buf[5] = 0x2c;
    buf[6] = 6;                 /* next header: TCP */
    buf[7] = 64;
    memcpy(buf + 8, a.bytes, 16);
    memcpy(buf + 24, b.bytes, 16);
    memcpy(buf + 40, linux_syn, sizeof linux_syn);
    assert_int_equal(tl_ip_payload_before(buf + 40, 40, &a, &b), 300);
    assert_int_equal(tl_ip_payload_before(buf + 40, 39, &a, &b), -1);
    assert_int_equal(tl_ip_payload_before(buf + 40, 40, &b, &a), -1);
    buf[6] = 0;                 /* a hop-by-hop extension header follows */
    assert_int_equal(tl_ip_payload_before(buf + 40, 40, &a, &b), -1);
    buf[6] = 6;
    buf[4] = buf[5] = 0;        /* a jumbogram */
    assert_int_equal(tl_ip_payload_before(buf + 40, 40, &a, &b), -1);
}


/* The IPv4 header checksum of h (ihl words), filled in. */
static void
ip4_checksum(uint8_t *h, unsigned ihl)
{
    uint32_t sum = 0;

    h[10] = h[11] = 0;
    for (unsigned i = 0; i < ihl * 4; i += 2)
        sum += (uint32_t)(h[i] << 8 | h[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    h[10] = (uint8_t)(~sum >> 8);
    h[11] = (uint8_t)~sum;
}

static void
test_ip_header_before_ipv4_fields(void **state)
{
    uint8_t buf[14 + 60 + 40];
    tl_segment_t s;
    bool frag = true;
    size_t off;
    (void)state;

    memset(buf, 0xee, sizeof buf);
    off = 14 + ip4_before(buf + 14, 5, 20 + 40 + 100, 0x4000, 6);
    buf[14 + 4] = 0x12;                 /* IP ID 0x1234 */
    buf[14 + 5] = 0x34;
    buf[14 + 8] = 57;                   /* TTL */
    ip4_checksum(buf + 14, 5);
    memset(&s, 0, sizeof s);
    assert_int_equal(tl_ip_header_before(buf + off, off, &s, &frag), 140);
    assert_false(frag);
    assert_int_equal(s.src.family, 4);
    assert_int_equal(s.dst.family, 4);
    assert_memory_equal(s.src.bytes, ((const uint8_t[]){ 10, 0, 0, 1 }), 4);
    assert_memory_equal(s.dst.bytes, ((const uint8_t[]){ 10, 0, 0, 2 }), 4);
    assert_true(s.has_ip_id);
    assert_int_equal(s.ip_id, 0x1234);
    assert_true(s.has_ttl);
    assert_int_equal(s.ttl, 57);
    /* A checksum never filled in (offload): still the header. */
    buf[14 + 10] = buf[14 + 11] = 0;
    assert_int_equal(tl_ip_header_before(buf + off, off, &s, &frag), 140);
    assert_int_equal(s.ttl, 57);
    /* Not found: nothing guessed, the IP fields cleared. */
    assert_int_equal(tl_ip_header_before(buf + off, 19, &s, &frag), -1);
    assert_false(s.has_ip_id);
    assert_false(s.has_ttl);
    assert_int_equal(tl_ip_header_before(NULL, 40, &s, &frag), -1);
}

static void
test_ip_header_before_ipv4_options_beat_a_lookalike(void **state)
{
    uint8_t buf[24 + 40];
    tl_segment_t s;
    bool frag;
    (void)state;

    /* IHL 6 whose last 20 bytes look like an IHL-5 header carrying TCP
     * (0x45 at byte 4, protocol 6 at byte 13): the checksum decides. */
    ip4_before(buf, 6, 24 + 40, 0, 6);
    buf[4] = 0x45;
    buf[5] = 0;
    buf[13] = 6;
    buf[8] = 33;
    /* The lookalike's "fragment field" is the real checksum: make it read
     * as "not a fragment" (low 13 bits 0) by choosing two free bytes. */
    for (unsigned v = 0; v < 65536; v++) {
        buf[5] = (uint8_t)(v >> 8);
        buf[20] = (uint8_t)v;
        ip4_checksum(buf, 6);
        if (((buf[10] << 8 | buf[11]) & 0x1fff) == 0)
            break;
    }
    assert_int_equal((buf[10] << 8 | buf[11]) & 0x1fff, 0);
    memset(&s, 0, sizeof s);
    assert_int_equal(tl_ip_header_before(buf + 24, 24, &s, &frag), 40);
    assert_int_equal(s.ttl, 33);
    /* (byte 13 is the source address's second byte) */
    assert_memory_equal(s.src.bytes, ((const uint8_t[]){ 10, 6, 0, 1 }), 4);
}

/* Random headers of every IHL: one whose checksum holds is taken over the
 * nearer plausible lookalike inside its options; with the checksum broken
 * the nearest plausible header is taken (the summing order is the core's
 * own: this checks it against the 16-bit reference above). */
static void
test_ip_header_before_checksum_decides_on_random_headers(void **state)
{
    unsigned seed = 20261207;
    (void)state;

    for (int iter = 0; iter < 4000; iter++) {
        uint8_t buf[60 + 40];
        /* IHL 8 and up: the lookalike lies past the real header's fixed
         * fields (from byte 12 on). */
        unsigned ihl = 8 + (unsigned)rand_r(&seed) % 8, look = (ihl - 5) * 4;
        tl_segment_t s;
        bool frag;

        ip4_before(buf, ihl, (uint16_t)(ihl * 4 + 40), 0x4000, 6);
        for (unsigned j = 4; j < ihl * 4; j++)
            if (j != 6 && j != 7 && j != 9)
                buf[j] = (uint8_t)rand_r(&seed);
        buf[8] = 49;                    /* the real TTL */
        if (ihl >= 10 && buf[ihl * 4 - 40] >> 4 == 6)
            buf[ihl * 4 - 40] ^= 0x80;  /* no IPv6 lookalike either */
        /* An IHL-5 lookalike ending at the TCP header: version/IHL, a
         * total length, not a fragment, protocol 6, its own TTL 200. */
        buf[look] = 0x45;
        buf[look + 2] = 0;
        buf[look + 3] = 60;
        buf[look + 6] = buf[look + 7] = 0;
        buf[look + 8] = 200;
        buf[look + 9] = 6;
        ip4_checksum(buf, ihl);
        {
            /* Skip the rare lookalike whose own checksum holds too. */
            uint32_t sum = 0;
            for (unsigned i = 0; i < 20; i += 2)
                sum += (uint32_t)(buf[look + i] << 8 | buf[look + i + 1]);
            while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
            if (sum == 0xffff)
                continue;
        }
        memset(&s, 0, sizeof s);
        assert_int_equal(tl_ip_header_before(buf + ihl * 4, ihl * 4, &s, &frag), 40);
        assert_int_equal(s.ttl, 49);
        buf[10] ^= (uint8_t)(1u << (rand_r(&seed) % 8));  /* broken: the nearest plausible */
        assert_int_equal(tl_ip_header_before(buf + ihl * 4, ihl * 4, &s, &frag), 40);
        assert_int_equal(s.ttl, 200);
    }
}

/* NOP, NOP, timestamps (read without the option walk) and the same option
 * in other layouts (read by the walk) give the same values. */
static void
test_header_timestamps_any_layout(void **state)
{
    static const uint8_t layouts[][12] = {
        { 1, 1, 8, 10, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 },
        { 8, 10, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 1, 1 },
        { 1, 8, 10, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0 },
        { 1, 1, 8, 9, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 },   /* bad length */
    };
    (void)state;

    for (size_t k = 0; k < sizeof layouts / sizeof layouts[0]; k++) {
        uint8_t h[32] = { 0x12, 0x34, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 2, 0x80, 0x10 };
        tl_segment_t s;

        memcpy(h + 20, layouts[k], 12);
        memset(&s, 0xff, sizeof s);
        assert_int_equal(tl_parse_tcp_header(h, sizeof h, &s), 32);
        assert_int_equal(s.opt_len, 12);
        assert_false(s.has_mss);
        if (k < 3) {
            assert_true(s.has_ts);
            assert_int_equal(s.tsval, 0x11223344u);
            assert_int_equal(s.tsecr, 0x55667788u);
        } else {
            assert_false(s.has_ts);
        }
        /* Cut by the snaplen after 10 option bytes: timestamps only where
         * they come first. */
        memset(&s, 0, sizeof s);
        assert_int_equal(tl_parse_tcp_header(h, 30, &s), 32);
        assert_int_equal(s.has_ts, k == 1);
        assert_int_equal(s.opt_cut, 2);
    }
}

static void
test_ip_header_before_ipv4_fragments_and_lengths(void **state)
{
    uint8_t buf[20 + 40];
    tl_segment_t s;
    bool frag;
    (void)state;

    /* A first fragment: its own payload, flagged. */
    ip4_before(buf, 5, 20 + 40, 0x2000, 6);
    ip4_checksum(buf, 5);
    assert_int_equal(tl_ip_header_before(buf + 20, 20, &s, &frag), 40);
    assert_true(frag);
    assert_true(s.has_ip_id);
    /* A later fragment never holds a TCP header. */
    ip4_before(buf, 5, 20 + 40, 0x2003, 6);
    ip4_checksum(buf, 5);
    assert_int_equal(tl_ip_header_before(buf + 20, 20, &s, &frag), -1);
    /* Total length 0 (a TSO capture): the frame decides. */
    ip4_before(buf, 5, 0, 0x4000, 6);
    ip4_checksum(buf, 5);
    assert_true(tl_ip_header_before(buf + 20, 20, &s, &frag) == INT64_MAX);
    assert_false(frag);
    /* Shorter than its own header, or not TCP: no header. */
    ip4_before(buf, 5, 12, 0, 6);
    ip4_checksum(buf, 5);
    assert_int_equal(tl_ip_header_before(buf + 20, 20, &s, &frag), -1);
    ip4_before(buf, 5, 60, 0, 17);
    ip4_checksum(buf, 5);
    assert_int_equal(tl_ip_header_before(buf + 20, 20, &s, &frag), -1);
    /* Shorter than the TCP header it carries: found, the caller decides. */
    ip4_before(buf, 5, 20 + 24, 0, 6);
    ip4_checksum(buf, 5);
    assert_int_equal(tl_ip_header_before(buf + 20, 20, &s, &frag), 24);
}

static void
test_ip_header_before_tunnel_gives_the_inner_header(void **state)
{
    uint8_t buf[20 + 4 + 20 + 40];
    tl_segment_t s;
    bool frag;
    (void)state;

    /* Outer 192.0.2.1 -> 192.0.2.2 GRE, inner 10.0.0.1 -> 10.0.0.2 TCP. */
    memset(buf, 0, sizeof buf);
    buf[0] = 0x45;
    buf[3] = sizeof buf;
    buf[8] = 200;
    buf[9] = 47;
    memcpy(buf + 12, (const uint8_t[]){ 192, 0, 2, 1, 192, 0, 2, 2 }, 8);
    ip4_checksum(buf, 5);
    buf[22] = 0x08;
    ip4_before(buf + 24, 5, 20 + 40, 0x4000, 6);
    buf[24 + 8] = 64;
    ip4_checksum(buf + 24, 5);
    assert_int_equal(tl_ip_header_before(buf + 44, 44, &s, &frag), 40);
    assert_memory_equal(s.src.bytes, ((const uint8_t[]){ 10, 0, 0, 1 }), 4);
    assert_int_equal(s.ttl, 64);
}

/* An IPv6 header (hop limit 61) from fd00::1 to fd00::2 at buf, next header
 * nxt, payload length plen. */
static void
ip6_at(uint8_t *buf, uint8_t nxt, uint16_t plen)
{
    memset(buf, 0, 40);
    buf[0] = 0x60;
    buf[4] = (uint8_t)(plen >> 8);
    buf[5] = (uint8_t)plen;
    buf[6] = nxt;
    buf[7] = 61;
    buf[8] = 0xfd;
    buf[23] = 1;
    buf[24] = 0xfd;
    buf[39] = 2;
}

static void
test_ip_header_before_ipv6(void **state)
{
    uint8_t buf[40 + 8 + 8 + 40];
    tl_segment_t s;
    bool frag = true;
    (void)state;

    /* Plain: hop limit, no IP ID. */
    ip6_at(buf, 6, 300);
    memcpy(buf + 40, linux_syn, sizeof linux_syn);
    memset(&s, 0, sizeof s);
    s.has_ip_id = true;
    assert_int_equal(tl_ip_header_before(buf + 40, 40, &s, &frag), 300);
    assert_false(frag);
    assert_int_equal(s.src.family, 6);
    assert_int_equal(s.src.bytes[15], 1);
    assert_int_equal(s.dst.bytes[15], 2);
    assert_true(s.has_ttl);
    assert_int_equal(s.ttl, 61);
    assert_false(s.has_ip_id);
    /* Payload length 0 without a jumbo option: the frame decides. */
    ip6_at(buf, 6, 0);
    assert_true(tl_ip_header_before(buf + 40, 40, &s, &frag) == INT64_MAX);

    /* Hop-by-hop (8 bytes) then a first fragment header, then TCP. */
    ip6_at(buf, 0, 16 + 100);
    memset(buf + 40, 0, 16);
    buf[40] = 44;                       /* HBH: next fragment, length 0, PadN */
    buf[42] = 1;
    buf[43] = 4;
    buf[48] = 6;                        /* fragment: next TCP, offset 0, M */
    buf[51] = 1;
    memcpy(buf + 56, linux_syn, sizeof linux_syn);
    assert_int_equal(tl_ip_header_before(buf + 56, 56, &s, &frag), 100);
    assert_true(frag);
    assert_int_equal(s.ttl, 61);
    /* A later fragment: none. */
    buf[50] = 0x01;                     /* offset 32 */
    assert_int_equal(tl_ip_header_before(buf + 56, 56, &s, &frag), -1);
    assert_false(s.has_ttl);
    buf[50] = 0;
    /* A jumbogram: payload length 0, the jumbo option says 70000. */
    ip6_at(buf, 0, 0);
    buf[48] = 6;
    buf[51] = 0;
    buf[42] = 0xc2;
    buf[43] = 4;
    buf[44] = 0;
    buf[45] = 0x01;
    buf[46] = 0x11;
    buf[47] = 0x70;                     /* 70000 */
    assert_int_equal(tl_ip_header_before(buf + 56, 56, &s, &frag), 70000 - 16);
    assert_false(frag);
    /* The chain must end exactly at the TCP header with next header 6. */
    buf[48] = 17;
    assert_int_equal(tl_ip_header_before(buf + 56, 56, &s, &frag), -1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_header_linux_syn),
    cmocka_unit_test(test_header_ack_flags_window_urgent),
    cmocka_unit_test(test_header_too_short_or_bad_offset_is_untrackable),
    cmocka_unit_test(test_header_options_cut_by_snaplen_keep_what_was_captured),
    cmocka_unit_test(test_header_option_lengths_follow_epan),
    cmocka_unit_test(test_header_malformed_option_stops_the_walk),
    cmocka_unit_test(test_header_experimental_tfo_and_tcp_ao),
    cmocka_unit_test(test_header_random_headers_stay_in_bounds),
    cmocka_unit_test(test_ip_payload_before_ipv4),
    cmocka_unit_test(test_ip_payload_before_ipv6),
    cmocka_unit_test(test_ip_header_before_ipv4_fields),
    cmocka_unit_test(test_ip_header_before_ipv4_options_beat_a_lookalike),
    cmocka_unit_test(test_ip_header_before_ipv4_fragments_and_lengths),
    cmocka_unit_test(test_ip_header_before_checksum_decides_on_random_headers),
    cmocka_unit_test(test_header_timestamps_any_layout),
    cmocka_unit_test(test_ip_header_before_tunnel_gives_the_inner_header),
    cmocka_unit_test(test_ip_header_before_ipv6),
};

TCPLIFE_TEST_MAIN(tests)
