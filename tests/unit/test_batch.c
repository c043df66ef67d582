/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_batch.c - the direct batch program's own parts: epan's tcp.stream
 * numbering (plugin/batch/tl_streams.c) and the frame decoder
 * (plugin/batch/tl_decode.c) on frames built here byte by byte.
 */
#include "tl_test.h"

#include "tl_decode.h"
#include "tl_streams.h"

static tl_addr_t
v4(uint8_t last)
{
    tl_addr_t a = { 4, { 10, 0, 0, last } };
    return a;
}

/* A segment from host a:pa to b:pb (flags letters as the packet scripts). */
static uint32_t
seg(tl_streams_t *s, uint8_t a, uint16_t pa, uint8_t b, uint16_t pb, const char *flags, uint32_t seq,
    uint32_t ack, bool full, bool *is_new)
{
    tl_addr_t x = v4(a), y = v4(b);
    bool dummy;

    return tl_streams_segment(s, &x, &y, pa, pb, tl_parse_flags(flags), seq, ack, full,
                              is_new ? is_new : &dummy);
}

static void
test_streams_pairs_are_numbered_as_met_in_either_direction(void **state)
{
    tl_streams_t *s = tl_streams_new();
    bool is_new;
    (void)state;
    assert_int_equal(seg(s, 1, 40000, 2, 80, "S", 100, 0, true, &is_new), 0);
    assert_true(is_new);
    assert_int_equal(seg(s, 2, 80, 1, 40000, "SA", 500, 101, true, &is_new), 0);
    assert_false(is_new);
    assert_int_equal(seg(s, 1, 40001, 2, 80, "S", 7, 0, true, NULL), 1);
    assert_int_equal(seg(s, 1, 40000, 2, 80, "A", 101, 501, true, NULL), 0);
    assert_int_equal(tl_streams_count(s), 2);
    tl_streams_free(s);
}

static void
test_streams_new_syn_on_a_used_pair_starts_a_stream_retransmission_does_not(void **state)
{
    tl_streams_t *s = tl_streams_new();
    bool is_new;
    (void)state;
    seg(s, 1, 40000, 2, 80, "S", 100, 0, true, NULL);
    assert_int_equal(seg(s, 1, 40000, 2, 80, "S", 100, 0, true, &is_new), 0);   /* retransmission */
    assert_false(is_new);
    seg(s, 2, 80, 1, 40000, "SA", 500, 101, true, NULL);
    seg(s, 1, 40000, 2, 80, "FA", 101, 501, true, NULL);
    assert_int_equal(seg(s, 1, 40000, 2, 80, "S", 90000, 0, true, &is_new), 1);   /* reuse */
    assert_true(is_new);
    assert_int_equal(seg(s, 2, 80, 1, 40000, "SA", 7000, 90001, true, NULL), 1);
    tl_streams_free(s);
}

static void
test_streams_midstream_base_is_seq_minus_one(void **state)
{
    tl_streams_t *s = tl_streams_new();
    (void)state;
    /* Caught mid-stream: the base of that direction is seq - 1, so a SYN
     * with exactly that number is taken for the same connection (epan's
     * rule), any other starts a new one. */
    seg(s, 1, 40000, 2, 80, "PA", 1000, 55, true, NULL);
    assert_int_equal(seg(s, 1, 40000, 2, 80, "S", 999, 0, true, NULL), 0);
    assert_int_equal(seg(s, 1, 40000, 2, 80, "S", 5000, 0, true, NULL), 1);
    tl_streams_free(s);
}

static void
test_streams_quoted_header_is_numbered_but_sets_no_base(void **state)
{
    tl_streams_t *s = tl_streams_new();
    bool is_new;
    (void)state;
    /* An ICMP error quoting a header of a pair never seen: epan numbers it. */
    assert_int_equal(seg(s, 1, 40000, 2, 80, "S", 100, 0, false, &is_new), 0);
    assert_true(is_new);
    /* No base from it: the SYN that follows, another ISN, is the same stream. */
    assert_int_equal(seg(s, 1, 40000, 2, 80, "S", 4242, 0, true, &is_new), 0);
    assert_false(is_new);
    tl_streams_free(s);
}

/* ------------------------------------------------------------------------ */
/* Frames                                                                    */
/* ------------------------------------------------------------------------ */

static size_t
put_ipv4(uint8_t *p, uint8_t proto, size_t payload, uint16_t frag)
{
    size_t total = 20 + payload;

    memset(p, 0, 20);
    p[0] = 0x45;
    p[2] = (uint8_t)(total >> 8);
    p[3] = (uint8_t)total;
    p[4] = 0x12;
    p[5] = 0x34;
    p[6] = (uint8_t)(frag >> 8);
    p[7] = (uint8_t)frag;
    p[8] = 64;
    p[9] = proto;
    p[12] = 10; p[15] = 1;
    p[16] = 10; p[19] = 2;
    /* header checksum, as the core's reading of it prefers a valid one */
    {
        uint32_t sum = 0;
        for (int i = 0; i < 20; i += 2)
            sum += (uint32_t)(p[i] << 8 | p[i + 1]);
        while (sum >> 16)
            sum = (sum & 0xffff) + (sum >> 16);
        p[10] = (uint8_t)(~sum >> 8);
        p[11] = (uint8_t)~sum;
    }
    return 20;
}

static size_t
put_tcp(uint8_t *p, uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq)
{
    memset(p, 0, 20);
    p[0] = (uint8_t)(sport >> 8); p[1] = (uint8_t)sport;
    p[2] = (uint8_t)(dport >> 8); p[3] = (uint8_t)dport;
    p[4] = (uint8_t)(seq >> 24); p[5] = (uint8_t)(seq >> 16); p[6] = (uint8_t)(seq >> 8); p[7] = (uint8_t)seq;
    p[12] = 0x50;
    p[13] = flags;
    p[14] = 0xff; p[15] = 0xff;
    return 20;
}

static size_t
put_eth(uint8_t *p, uint16_t type)
{
    memset(p, 0, 14);
    p[0] = 0x02; p[6] = 0x02; p[11] = 1;
    p[12] = (uint8_t)(type >> 8);
    p[13] = (uint8_t)type;
    return 14;
}

/* Ethernet, IPv4, TCP with `payload` bytes. */
static size_t
eth_tcp(uint8_t *f, size_t payload)
{
    size_t n = put_eth(f, 0x0800);
    n += put_ipv4(f + n, 6, 20 + payload, 0);
    n += put_tcp(f + n, 40000, 80, 0x18, 1000);
    memset(f + n, 'x', payload);
    return n + payload;
}

static void
test_decode_ethernet_ipv4_tcp(void **state)
{
    uint8_t f[128];
    tl_decoded_t d;
    size_t n = eth_tcp(f, 7);
    (void)state;
    tl_decode(TCPLIFE_LINK_ETHERNET, f, n, n, &d);
    assert_int_equal(d.kind, TCPLIFE_DEC_TCP);
    assert_int_equal(d.seg.sport, 40000);
    assert_int_equal(d.seg.dport, 80);
    assert_int_equal(d.seg.seq, 1000);
    assert_int_equal(d.seg.len, 7);
    assert_int_equal(d.seg.flags, TCPLIFE_F_PSH | TCPLIFE_F_ACK);
    assert_int_equal(d.seg.src.family, 4);
    assert_int_equal(d.seg.src.bytes[3], 1);
    assert_true(d.seg.has_ip_id);
    assert_int_equal(d.seg.ip_id, 0x1234);
    assert_int_equal(d.conv_dst.bytes[3], 2);
    /* An Ethernet trailer does not count: the IP length says. */
    tl_decode(TCPLIFE_LINK_ETHERNET, f, n, n + 6, &d);
    assert_int_equal(d.seg.len, 7);
}

static void
test_decode_vlan_and_sll2(void **state)
{
    uint8_t f[160], g[160];
    tl_decoded_t d;
    size_t n = eth_tcp(f + 4, 0);
    (void)state;
    /* 802.1Q: the Ethernet header, a tag, then IPv4. */
    memmove(f, f + 4, 12);
    f[12] = 0x81; f[13] = 0x00; f[14] = 0x00; f[15] = 0x05; f[16] = 0x08; f[17] = 0x00;
    tl_decode(TCPLIFE_LINK_ETHERNET, f, n + 4, n + 4, &d);
    assert_int_equal(d.kind, TCPLIFE_DEC_TCP);
    assert_int_equal(d.seg.dport, 80);
    /* Linux cooked v2: protocol first, ARPHRD_ETHER at offset 8. */
    memset(g, 0, 20);
    g[0] = 0x08; g[1] = 0x00; g[9] = 1;
    memcpy(g + 20, f + 18, n - 14);
    tl_decode(TCPLIFE_LINK_SLL2, g, 20 + n - 14, 20 + n - 14, &d);
    assert_int_equal(d.kind, TCPLIFE_DEC_TCP);
    assert_int_equal(d.seg.sport, 40000);
}

static void
test_decode_what_epan_would_do_otherwise_is_skipped(void **state)
{
    uint8_t f[128];
    tl_decoded_t d;
    size_t n;
    (void)state;
    /* An IP fragment (more fragments set). */
    n = eth_tcp(f, 8);
    f[14 + 6] = 0x20;
    tl_decode(TCPLIFE_LINK_ETHERNET, f, n, n, &d);
    assert_int_equal(d.kind, TCPLIFE_DEC_SKIP);
    assert_int_equal(d.skip, TCPLIFE_SKIP_FRAGMENT);
    /* VXLAN: UDP to 4789. */
    n = put_eth(f, 0x0800);
    n += put_ipv4(f + n, 17, 8, 0);
    memset(f + n, 0, 8);
    f[n + 2] = 0x12; f[n + 3] = 0xb5;
    tl_decode(TCPLIFE_LINK_ETHERNET, f, n + 8, n + 8, &d);
    assert_int_equal(d.skip, TCPLIFE_SKIP_TUNNEL);
    /* MPLS. */
    put_eth(f, 0x8847);
    tl_decode(TCPLIFE_LINK_ETHERNET, f, 60, 60, &d);
    assert_int_equal(d.skip, TCPLIFE_SKIP_ETHERTYPE);
    /* A link type it does not read. */
    tl_decode(TCPLIFE_LINK_OTHER, f, 60, 60, &d);
    assert_int_equal(d.skip, TCPLIFE_SKIP_LINK);
    /* A TCP header cut at 18 bytes: epan numbers the stream, tracks nothing. */
    n = eth_tcp(f, 0);
    tl_decode(TCPLIFE_LINK_ETHERNET, f, n - 2, n, &d);
    assert_int_equal(d.skip, TCPLIFE_SKIP_TCP_TRUNCATED);
}

static void
test_decode_no_tcp_is_none(void **state)
{
    uint8_t f[128];
    tl_decoded_t d;
    size_t n;
    (void)state;
    put_eth(f, 0x0806);         /* ARP */
    tl_decode(TCPLIFE_LINK_ETHERNET, f, 42, 42, &d);
    assert_int_equal(d.kind, TCPLIFE_DEC_NONE);
    n = eth_tcp(f, 0);          /* TCP cut at 10 bytes: epan stops before the stream */
    tl_decode(TCPLIFE_LINK_ETHERNET, f, n - 10, n, &d);
    assert_int_equal(d.kind, TCPLIFE_DEC_NONE);
    n = put_eth(f, 0x0800);     /* IPv4 header length below 20 */
    put_ipv4(f + n, 6, 20, 0);
    f[n] = 0x44;
    tl_decode(TCPLIFE_LINK_ETHERNET, f, 60, 60, &d);
    assert_int_equal(d.kind, TCPLIFE_DEC_NONE);
}

static void
test_decode_icmp_error_quotes_tcp(void **state)
{
    uint8_t f[128];
    tl_decoded_t d;
    size_t n = put_eth(f, 0x0800), icmp;
    (void)state;
    n += put_ipv4(f + n, 1, 8 + 20 + 20, 0);
    icmp = n;
    memset(f + n, 0, 8);
    f[n] = 3;                   /* destination unreachable */
    f[n + 1] = 1;
    n += 8;
    n += put_ipv4(f + n, 6, 20, 0);
    n += put_tcp(f + n, 40000, 80, 0x02, 4242);
    tl_decode(TCPLIFE_LINK_ETHERNET, f, n, n, &d);
    assert_int_equal(d.kind, TCPLIFE_DEC_QUOTED);
    assert_int_equal(d.seg.sport, 40000);
    assert_int_equal(d.seg.flags, TCPLIFE_F_SYN);
    assert_int_equal(d.seg.seq, 4242);
    /* Only 12 bytes of the quoted header: nothing for epan's stream. */
    tl_decode(TCPLIFE_LINK_ETHERNET, f, icmp + 8 + 20 + 12, n, &d);
    assert_int_equal(d.kind, TCPLIFE_DEC_NONE);
}

static void
test_decode_ipv6_extension_headers(void **state)
{
    uint8_t f[160];
    tl_decoded_t d;
    size_t n = put_eth(f, 0x86dd);
    (void)state;
    memset(f + n, 0, 48);
    f[n] = 0x60;
    f[n + 5] = 8 + 20 + 3;      /* payload length */
    f[n + 6] = 0;               /* hop-by-hop */
    f[n + 7] = 64;
    f[n + 8] = 0xfd; f[n + 23] = 1;
    f[n + 24] = 0xfd; f[n + 39] = 2;
    f[n + 40] = 6;              /* hop-by-hop: next header TCP, 8 bytes */
    f[n + 42] = 1;              /* PadN */
    f[n + 43] = 4;
    n += 48;
    n += put_tcp(f + n, 40000, 443, 0x10, 5);
    memset(f + n, 'y', 3);
    n += 3;
    tl_decode(TCPLIFE_LINK_ETHERNET, f, n, n, &d);
    assert_int_equal(d.kind, TCPLIFE_DEC_TCP);
    assert_int_equal(d.seg.src.family, 6);
    assert_int_equal(d.seg.dport, 443);
    assert_int_equal(d.seg.len, 3);
    assert_int_equal(d.seg.ttl, 64);
    /* A fragment header instead: skipped. */
    f[14 + 40] = 6;
    f[14 + 6] = 44;
    tl_decode(TCPLIFE_LINK_ETHERNET, f, n, n, &d);
    assert_int_equal(d.skip, TCPLIFE_SKIP_FRAGMENT);
}

static void
test_streams_since_4_4_a_syn_after_rst_is_a_new_stream(void **state)
{
    tl_streams_t *s;
    (void)state;
    /* A refused connect() retried with the same ISN. */
    for (int v = 0; v < 2; v++) {
        tl_streams_set_rules(4, v ? 4 : 0);
        s = tl_streams_new();
        seg(s, 1, 40000, 2, 80, "S", 100, 0, true, NULL);
        seg(s, 2, 80, 1, 40000, "RA", 0, 101, true, NULL);
        assert_int_equal(seg(s, 1, 40000, 2, 80, "S", 100, 0, true, NULL), v ? 1 : 0);
        tl_streams_free(s);
    }
    tl_streams_set_rules(4, 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_streams_since_4_4_a_syn_after_rst_is_a_new_stream),
    cmocka_unit_test(test_streams_pairs_are_numbered_as_met_in_either_direction),
    cmocka_unit_test(test_streams_new_syn_on_a_used_pair_starts_a_stream_retransmission_does_not),
    cmocka_unit_test(test_streams_midstream_base_is_seq_minus_one),
    cmocka_unit_test(test_streams_quoted_header_is_numbered_but_sets_no_base),
    cmocka_unit_test(test_decode_ethernet_ipv4_tcp),
    cmocka_unit_test(test_decode_vlan_and_sll2),
    cmocka_unit_test(test_decode_what_epan_would_do_otherwise_is_skipped),
    cmocka_unit_test(test_decode_no_tcp_is_none),
    cmocka_unit_test(test_decode_icmp_error_quotes_tcp),
    cmocka_unit_test(test_decode_ipv6_extension_headers),
};

TCPLIFE_TEST_MAIN(tests)
