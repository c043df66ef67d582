/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_tcpdump.c - a segment in tcpdump's notation (tcplife.tcpdump), the way
 * the articles tcplife grew from read captures.
 *
 * The notation is that of tcpdump 4.99.3 (the release Debian 12 ships),
 * `tcpdump -n` without -v, -S or -M: tcp_print() in its print-tcp.c and
 * mptcp_print() in print-mptcp.c, rule for rule:
 *  - flags F S R P . U E W from the flags byte only (4.99.3 does not know
 *    the AE bit; later releases print it as 'e'), "none" without any;
 *  - "seq" only when there is payload or SYN/FIN/RST; numbers relative to
 *    the first segment with ACK seen on the connection (which itself prints
 *    absolute ones), SACK blocks relative to the other direction;
 *  - options in wire order, each checked as tcpdump checks it: an option
 *    longer than the option bytes left, or a fixed-size value that does not
 *    fit in them, ends the list with "[bad opt]" ("]" after it once an
 *    option was complete); a value cut by the snaplen with " [|tcp]" (">"
 *    after it once an option was complete; " [|mptcp]" once an MPTCP
 *    option was printed: tcpdump's protocol name stays set). Either way
 *    nothing follows, not even the length;
 *  - MD5 (no -M secret): "md5 shared secret not supplied with -M, can't
 *    check - <hex>", "snaplen too short, " instead when the options are cut
 *    (a cut in the payload alone is not known here);
 *  - MPTCP (kind 30) decoded by subtype: "mptcp LEN capable|join|dss|
 *    add-addr|rem-addr|prio|fail|fast-close|unknown ...", and "[bad opt]"
 *    where tcpdump rejects a length or a flag combination;
 *  - unknown kinds as "unknown-K 0x<hex>", cc and echo as 32-bit numbers,
 *    uto as "0x<value> <seconds>", scps as "cap XX id N".
 * The end-to-end tests compare this with `tcpdump -r` on every sample
 * capture, tests/corpus/tcpdump-agree.py on the tcpdump project's own test
 * captures. No epan includes. Every read stays within opt_len.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tl_tcpdump_out.h"

/* A small formatter for the only conversions used here (%u, %x, %c, %s, %02x):
 * vsnprintf costs ~900 instructions per call, this ~10 per character, and
 * the notation is built for every segment (bench/, docs/benchmarks.md).
 * Output and the snprintf-style return length are unchanged; the formats
 * are constants of tl_tcpdump.c and tl_tcpdump_mptcp.c. */
void
tl_put(tl_out_t *o, const char *fmt, ...)
{
    static const char hex[] = "0123456789abcdef";
    va_list ap;

    va_start(ap, fmt);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            tl_put_c(o, *f);
            continue;
        }
        f++;
        if (*f == '\0')            /* a trailing '%': nothing to convert */
            break;
        if (*f == 'u') {
            char d[10];
            unsigned v = va_arg(ap, unsigned), n = 0;
            do { d[n++] = (char)('0' + v % 10); v /= 10; } while (v);
            while (n)
                tl_put_c(o, d[--n]);
        } else if (*f == 'x') {
            char d[8];
            unsigned v = va_arg(ap, unsigned), n = 0;
            do { d[n++] = hex[v & 15]; v >>= 4; } while (v);
            while (n)
                tl_put_c(o, d[--n]);
        } else if (*f == 'c') {
            tl_put_c(o, (char)va_arg(ap, int));
        } else if (*f == 's') {
            for (const char *s = va_arg(ap, const char *); *s; s++)
                tl_put_c(o, *s);
        } else if (f[0] == '0' && f[1] == '2' && f[2] == 'x') {
            unsigned v = va_arg(ap, unsigned) & 0xff;
            f += 2;
            tl_put_c(o, hex[v >> 4]);
            tl_put_c(o, hex[v & 15]);
        }
    }
    va_end(ap);
    if (o->cap)
        o->buf[o->len < o->cap ? o->len : o->cap - 1] = '\0';
}

void
tl_put_hex(tl_out_t *o, const uint8_t *p, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        tl_put(o, "%02x", p[i]);
}

/* %PRIu64 and %PRIx64 (no leading zeros). */
void
tl_put_u64(tl_out_t *o, uint64_t v, unsigned base)
{
    char d[20];
    unsigned n = 0;

    do { d[n++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
    while (n)
        tl_put_c(o, d[--n]);
}

/* tcpdump 4.99.3 orders the two endpoints by port, then address bytes
 * (the numbers printed do not depend on the order, only on its being the
 * same for both directions). */
static bool
reversed(const tl_segment_t *seg)
{
    size_t n = seg->src.family == 6 ? 16 : 4;

    if (seg->sport != seg->dport)
        return seg->sport > seg->dport;
    return memcmp(seg->src.bytes, seg->dst.bytes, n) > 0;
}

static const char *
option_name(uint8_t kind)
{
    switch (kind) {
    case 0:   return "eol";
    case 1:   return "nop";
    case 2:   return "mss";
    case 3:   return "wscale";
    case 4:   return "sackOK";
    case 5:   return "sack";
    case 6:   return "echo";
    case 7:   return "echoreply";
    case 8:   return "TS";
    case 11:  return "cc";
    case 12:  return "ccnew";
    case 13:  return "";            /* sic: 4.99.3's table has no name for ccecho */
    case 19:  return "md5";
    case 20:  return "scps";
    case 28:  return "uto";
    case 29:  return "tcp-ao";
    case 30:  return "mptcp";
    case 34:  return "tfo";
    case 254: return "exp";
    default:  return NULL;
    }
}

static void
tfo_cookie(tl_out_t *o, const uint8_t *p, unsigned n)
{
    if (n == 0)
        tl_put(o, " cookiereq");
    else if (n % 2 != 0 || n < 4 || n > 16)
        tl_put(o, " (invalid)");
    else {
        tl_put(o, " cookie ");
        tl_put_hex(o, p, n);
    }
}

/*
 * The option list, tcpdump's loop: hlen counts the option bytes the header
 * declares that are left, avail those captured (avail <= hlen; reads stay
 * within avail). Returns true when the list ended well (the caller closes
 * the bracket); false after it printed tcpdump's ending: "[bad opt]" or
 * " [|tcp]" (then nothing else follows in tcpdump's line).
 */
static bool
options(tl_out_t *o, const tl_segment_t *seg, bool rev, uint32_t thseq, uint32_t thack)
{
    const uint8_t *p = seg->opt_bytes;
    unsigned avail = seg->opt_len, hlen = seg->opt_len + seg->opt_cut;
    unsigned flags = seg->flags & 0xff;
    const char *proto = "tcp";
    char ch = '\0';

/* tcpdump's LENCHECK(l): l bytes of the value must be left in the header,
 * else "[bad opt]", and captured, else " [|tcp]". */
#define LENCHECK(l) do { if ((l) > hlen) goto bad; if ((l) > avail) goto trunc; } while (0)

    while (hlen > 0) {
        uint8_t kind;
        unsigned len, datalen = 0;
        const char *name;

        if (ch)
            tl_put(o, "%c", ch);
        /* The kind and length bytes are read unchecked (GET_U_1): beyond
         * the capture tcpdump stops with " [|tcp]" alone. The length byte
         * of an option in the header's last byte is the payload's first,
         * which tcpdump reads too (then "[bad opt]": no length fits);
         * without payload it is past the IP datagram's end. */
        if (avail < 1)
            goto trunc_early;
        kind = p[0];
        if (kind == 0 || kind == 1) {
            len = 1;
        } else {
            if (avail < 2 && (hlen >= 2 || seg->opt_cut || seg->len == 0))
                goto trunc_early;
            if (hlen < 2)
                goto bad;
            len = p[1];
            if (len < 2 || len > hlen)
                goto bad;
            hlen--;
            avail--;
            p++;
        }
        hlen--;
        avail--;
        p++;
        name = option_name(kind);
        if (name)
            tl_put(o, "%s", name);
        else
            tl_put(o, "unknown-%u", kind);

        switch (kind) {
        case 2:                                 /* mss */
            datalen = 2;
            LENCHECK(datalen);
            tl_put(o, " %u", tl_be16(p));
            break;
        case 3:                                 /* wscale */
            datalen = 1;
            LENCHECK(datalen);
            tl_put(o, " %u", p[0]);
            break;
        case 5:                                 /* sack */
            datalen = len - 2;
            if (datalen % 8 != 0) {
                tl_put(o, " invalid sack");
            } else {
                tl_put(o, " %u ", datalen / 8);
                for (unsigned i = 0; i < datalen; i += 8) {
                    uint32_t base = rev ? thseq : thack, s, e;

                    LENCHECK(i + 4);
                    s = tl_be32(p + i);
                    LENCHECK(i + 8);
                    e = tl_be32(p + i + 4);
                    tl_put(o, "{%u:%u}", s - base, e - base);
                }
            }
            break;
        case 6:                                 /* echo, echoreply, cc, ccnew, ccecho */
        case 7:
        case 11:
        case 12:
        case 13:
            datalen = 4;
            LENCHECK(datalen);
            tl_put(o, " %u", tl_be32(p));
            break;
        case 8:                                 /* TS */
            datalen = 8;
            LENCHECK(datalen);
            tl_put(o, " val %u ecr %u", tl_be32(p), tl_be32(p + 4));
            break;
        case 19:                                /* md5 (tcpdump with libcrypto, no -M) */
            datalen = 16;
            LENCHECK(datalen);
            tl_put(o, seg->opt_cut ? " snaplen too short, " : " shared secret not supplied with -M, ");
            tl_put(o, "can't check - ");
            tl_put_hex(o, p, datalen);
            break;
        case 20:                                /* scps */
            datalen = 2;
            LENCHECK(datalen);
            tl_put(o, " cap %02x id %u", p[0], p[1]);
            break;
        case 28: {                              /* uto */
            unsigned v;
            datalen = 2;
            LENCHECK(datalen);
            v = tl_be16(p);
            tl_put(o, " 0x%x %u", v, (v & 1) ? (v >> 1) * 60 : v >> 1);
            break;
        }
        case 29:                                /* tcp-ao */
            datalen = len - 2;
            if (datalen < 2) {
                tl_put(o, " (invalid)");
            } else {
                LENCHECK(1);
                tl_put(o, " keyid %u", p[0]);
                LENCHECK(2);
                tl_put(o, " rnextkeyid %u", p[1]);
                if (datalen > 2) {
                    tl_put(o, " mac 0x");
                    for (unsigned i = 2; i < datalen; i++) {
                        LENCHECK(i + 1);
                        tl_put(o, "%02x", p[i]);
                    }
                }
            }
            break;
        case 30:                                /* mptcp */
            datalen = len - 2;
            LENCHECK(datalen);
            proto = "mptcp";                    /* tcpdump leaves it set */
            if (!tl_tcpdump_mptcp(o, p - 2, len, flags))
                goto bad;
            break;
        case 34:                                /* tfo */
            datalen = len - 2;
            LENCHECK(datalen);
            tl_put(o, " ");                        /* tcpdump prints two spaces here */
            tfo_cookie(o, p, datalen);
            break;
        case 254:                               /* exp (RFC 6994) */
            datalen = len - 2;
            LENCHECK(datalen);
            if (datalen < 2)
                goto bad;
            if (p[0] == 0xf9 && p[1] == 0x89) {
                tl_put(o, "-tfo");
                tfo_cookie(o, p + 2, datalen - 2);
            } else {
                tl_put(o, "-%02x%02x", p[0], p[1]);
            }
            break;
        case 0:
        case 1:
        case 4:
            break;
        default:
            datalen = len - 2;
            if (datalen)
                tl_put(o, " 0x");
            for (unsigned i = 0; i < datalen; i++) {
                LENCHECK(i + 1);
                tl_put(o, "%02x", p[i]);
            }
            break;
        }
        /* tcpdump moves on by the value's expected size, not by len. */
        p += datalen;
        hlen -= datalen;
        avail = avail > datalen ? avail - datalen : 0;
        datalen += (kind == 0 || kind == 1) ? 1 : 2;
        if (datalen != len)
            tl_put(o, "[len %u]", len);
        ch = ',';
        if (kind == 0)
            break;
    }
    return true;
#undef LENCHECK

bad:
    tl_put(o, "[bad opt]");
    if (ch)
        tl_put(o, "]");
    return false;
trunc:
    tl_put(o, " [|%s]", proto);
    if (ch)
        tl_put(o, ">");
    return false;
trunc_early:
    tl_put(o, " [|%s]", proto);
    return false;
}

bool
tl_tcpdump_advance(tl_tcpdump_t *st, const tl_segment_t *seg)
{
    if (!(seg->flags & TCPLIFE_F_ACK) || (st->have && !(seg->flags & TCPLIFE_F_SYN)))
        return false;
    /* A new conversation for tcpdump: record the bases. */
    st->have = true;
    if (reversed(seg)) {
        st->ack_base = seg->seq;
        st->seq_base = seg->ack - 1;
    } else {
        st->seq_base = seg->seq;
        st->ack_base = seg->ack - 1;
    }
    return true;
}

size_t
tl_tcpdump_format(tl_tcpdump_t *st, const tl_segment_t *seg, char *buf, size_t cap)
{
    static const struct { uint16_t bit; char c; } flag_chars[] = {
        { TCPLIFE_F_FIN, 'F' }, { TCPLIFE_F_SYN, 'S' }, { TCPLIFE_F_RST, 'R' }, { TCPLIFE_F_PSH, 'P' },
        { TCPLIFE_F_ACK, '.' }, { TCPLIFE_F_URG, 'U' }, { TCPLIFE_F_ECE, 'E' }, { TCPLIFE_F_CWR, 'W' },
    };  /* no TCPLIFE_F_AE: 4.99.3 reads the flags byte only */
    tl_out_t o = { buf, cap, 0 };
    uint32_t seq = seg->seq, ack = seg->ack, thseq = 0, thack = 0;
    bool rev = false, any = false;

    if (cap)
        buf[0] = '\0';
    if (seg->flags & TCPLIFE_F_ACK) {
        rev = reversed(seg);
        if (tl_tcpdump_advance(st, seg)) {
            /* New conversation: bases recorded, print absolute. */
        } else if (rev) {
            seq -= st->ack_base;
            ack -= st->seq_base;
        } else {
            seq -= st->seq_base;
            ack -= st->ack_base;
        }
        thseq = st->seq_base;
        thack = st->ack_base;
    }

    tl_put(&o, "Flags [");
    for (size_t i = 0; i < sizeof flag_chars / sizeof flag_chars[0]; i++)
        if (seg->flags & flag_chars[i].bit) {
            tl_put(&o, "%c", flag_chars[i].c);
            any = true;
        }
    tl_put(&o, "%s]", any ? "" : "none");
    if (seg->len > 0 || (seg->flags & (TCPLIFE_F_SYN | TCPLIFE_F_FIN | TCPLIFE_F_RST))) {
        tl_put(&o, ", seq %u", seq);
        if (seg->len > 0)
            tl_put(&o, ":%u", seq + seg->len);
    }
    if (seg->flags & TCPLIFE_F_ACK)
        tl_put(&o, ", ack %u", ack);
    tl_put(&o, ", win %u", seg->win);
    if (seg->flags & TCPLIFE_F_URG)
        tl_put(&o, ", urg %u", seg->urp);
    if ((seg->opt_bytes && seg->opt_len > 0) || seg->opt_cut > 0) {
        tl_put(&o, ", options [");
        if (!options(&o, seg, rev, thseq, thack))
            return o.len;               /* tcpdump prints nothing more */
        tl_put(&o, "]");
    }
    tl_put(&o, ", length %u", seg->len);
    return o.len;
}
