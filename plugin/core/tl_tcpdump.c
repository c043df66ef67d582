/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_tcpdump.c - a segment in tcpdump's notation (tcplife.tcpdump), the way
 * the articles tcplife grew from read captures.
 *
 * Written from tcpdump's documented output (tcpdump(8), "TCP Packets"):
 * flags F S R P . U E W e; "seq" only when there is payload or SYN/FIN/RST;
 * numbers relative to the first segment with ACK seen on the connection
 * (which itself prints absolute ones), SACK blocks relative to the other
 * direction; options in wire order. The end-to-end tests compare this with
 * `tcpdump -r` on every sample capture. No epan includes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tl_internal.h"

typedef struct {
    char  *buf;
    size_t cap, len;
} tl_out_t;

static void
put_c(tl_out_t *o, char c)
{
    if (o->len + 1 < o->cap)
        o->buf[o->len] = c;
    o->len++;
}

/* A small formatter for the only conversions used here (%u, %c, %s, %02x):
 * vsnprintf costs ~900 instructions per call, this ~10 per character, and
 * the notation is built for every segment (bench/, docs/benchmarks.md).
 * Output and the snprintf-style return length are unchanged; the formats
 * are this file's own constants. */
static void
put(tl_out_t *o, const char *fmt, ...)
{
    static const char hex[] = "0123456789abcdef";
    va_list ap;

    va_start(ap, fmt);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put_c(o, *f);
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
                put_c(o, d[--n]);
        } else if (*f == 'c') {
            put_c(o, (char)va_arg(ap, int));
        } else if (*f == 's') {
            for (const char *s = va_arg(ap, const char *); *s; s++)
                put_c(o, *s);
        } else if (f[0] == '0' && f[1] == '2' && f[2] == 'x') {
            unsigned v = va_arg(ap, unsigned) & 0xff;
            f += 2;
            put_c(o, hex[v >> 4]);
            put_c(o, hex[v & 15]);
        }
    }
    va_end(ap);
    if (o->cap)
        o->buf[o->len < o->cap ? o->len : o->cap - 1] = '\0';
}

static void
put_hex(tl_out_t *o, const uint8_t *p, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        put(o, "%02x", p[i]);
}

static uint32_t
be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* tcpdump orders the two endpoints by address bytes, then port. */
static bool
reversed(const tl_segment_t *seg)
{
    size_t n = seg->src.family == 6 ? 16 : 4;
    int c = memcmp(seg->src.bytes, seg->dst.bytes, n);
    return c > 0 || (c == 0 && seg->sport > seg->dport);
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
    case 13:  return "ccecho";
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
        put(o, " cookiereq");
    else if (n % 2 != 0 || n < 4 || n > 16)
        put(o, " (invalid)");
    else {
        put(o, " cookie ");
        put_hex(o, p, n);
    }
}

/* Returns 0, or on a malformed option list 1 when no option was printed
 * yet and 2 after some (tcpdump closes the bracket only then). */
static int
options(tl_out_t *o, const uint8_t *p, unsigned hlen, bool rev,
        uint32_t thseq, uint32_t thack)
{
    char ch = '\0';

    while (hlen > 0) {
        uint8_t kind = p[0];
        unsigned len, datalen = 0;
        const char *name;

        int bad = ch ? 2 : 1;

        if (ch)
            put(o, "%c", ch);
        p++;
        if (kind == 0 || kind == 1) {
            len = 1;
        } else {
            if (hlen < 2)
                return bad;
            len = p[0];
            p++;
            if (len < 2 || len > hlen)
                return bad;
            hlen--;
        }
        hlen--;
        name = option_name(kind);
        if (name)
            put(o, "%s", name);
        else
            put(o, "unknown-%u", kind);

        switch (kind) {
        case 2:
            datalen = 2;
            if (datalen > hlen) return bad;
            put(o, " %u", (unsigned)(p[0] << 8 | p[1]));
            break;
        case 3:
            datalen = 1;
            if (datalen > hlen) return bad;
            put(o, " %u", p[0]);
            break;
        case 5:
            datalen = len - 2;
            if (datalen % 8 != 0) {
                put(o, " invalid sack");
            } else {
                put(o, " %u ", datalen / 8);
                for (unsigned i = 0; i < datalen; i += 8) {
                    uint32_t s = be32(p + i), e = be32(p + i + 4);
                    uint32_t base = rev ? thseq : thack;
                    put(o, "{%u:%u}", s - base, e - base);
                }
            }
            break;
        case 8:
            datalen = 8;
            if (datalen > hlen) return bad;
            put(o, " val %u ecr %u", be32(p), be32(p + 4));
            break;
        case 19:
            datalen = 16;
            if (datalen > hlen) return bad;
            put(o, " can't check - ");
            put_hex(o, p, datalen);
            break;
        case 29:
            datalen = len - 2;
            if (datalen < 2) {
                put(o, " (invalid)");
            } else {
                put(o, " keyid %u rnextkeyid %u", p[0], p[1]);
                if (datalen > 2) {
                    put(o, " mac 0x");
                    put_hex(o, p + 2, datalen - 2);
                }
            }
            break;
        case 34:
            datalen = len - 2;
            put(o, " ");            /* tcpdump prints two spaces here */
            tfo_cookie(o, p, datalen);
            break;
        case 254:
            datalen = len - 2;
            if (datalen < 2)
                return bad;
            if (p[0] == 0xf9 && p[1] == 0x89) {
                put(o, "-tfo");
                tfo_cookie(o, p + 2, datalen - 2);
            } else {
                put(o, "-%02x%02x", p[0], p[1]);
            }
            break;
        case 0:
        case 1:
        case 4:
            break;
        default:
            datalen = len - 2;
            if (datalen) {
                put(o, " ");
                put_hex(o, p, datalen);
            }
            break;
        }
        p += datalen;
        hlen -= datalen;
        datalen += (kind == 0 || kind == 1) ? 1 : 2;
        if (datalen != len)
            put(o, "[len %u]", len);
        ch = ',';
        if (kind == 0)
            break;
    }
    return 0;
}

bool
tl_tcpdump_advance(tl_tcpdump_t *st, const tl_segment_t *seg)
{
    if (!(seg->flags & TL_F_ACK) || (st->have && !(seg->flags & TL_F_SYN)))
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
        { TL_F_FIN, 'F' }, { TL_F_SYN, 'S' }, { TL_F_RST, 'R' }, { TL_F_PSH, 'P' },
        { TL_F_ACK, '.' }, { TL_F_URG, 'U' }, { TL_F_ECE, 'E' }, { TL_F_CWR, 'W' },
        { TL_F_AE, 'e' },
    };
    tl_out_t o = { buf, cap, 0 };
    uint32_t seq = seg->seq, ack = seg->ack, thseq = 0, thack = 0;
    bool rev = false, any = false;

    if (cap)
        buf[0] = '\0';
    if (seg->flags & TL_F_ACK) {
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

    put(&o, "Flags [");
    for (size_t i = 0; i < sizeof flag_chars / sizeof flag_chars[0]; i++)
        if (seg->flags & flag_chars[i].bit) {
            put(&o, "%c", flag_chars[i].c);
            any = true;
        }
    put(&o, "%s]", any ? "" : "none");
    if (seg->len > 0 || (seg->flags & (TL_F_SYN | TL_F_FIN | TL_F_RST))) {
        put(&o, ", seq %u", seq);
        if (seg->len > 0)
            put(&o, ":%u", seq + seg->len);
    }
    if (seg->flags & TL_F_ACK)
        put(&o, ", ack %u", ack);
    put(&o, ", win %u", seg->win);
    if (seg->flags & TL_F_URG)
        put(&o, ", urg %u", seg->urp);
    if (seg->opt_bytes && seg->opt_len > 0) {
        int bad;
        put(&o, ", options [");
        bad = options(&o, seg->opt_bytes, seg->opt_len, rev, thseq, thack);
        if (bad) {
            put(&o, bad == 2 ? "[bad opt]]" : "[bad opt]");
            return o.len;
        }
        put(&o, "]");
    }
    put(&o, ", length %u", seg->len);
    return o.len;
}
