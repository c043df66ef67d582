/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_tcpdump_mptcp.c - MPTCP options (kind 30) in tcpdump 4.99.3's notation
 * (print-mptcp.c), for tl_tcpdump.c. No epan includes. Every read stays
 * within the option's length.
 */
#include "tl_tcpdump_out.h"

/* tcpdump's addrtostr6(): the longest run (the first of equal ones) of two
 * or more zero words as "::", an IPv4-compatible or -mapped tail dotted. */
static void
put_ip6(tl_out_t *o, const uint8_t *a)
{
    int best = -1, best_len = 0, cur = -1, cur_len = 0;
    uint16_t w[8];

    for (int i = 0; i < 8; i++) {
        w[i] = tl_be16(a + 2 * i);
        if (w[i] == 0) {
            if (cur == -1)
                cur = i, cur_len = 1;
            else
                cur_len++;
        } else if (cur != -1) {
            if (best == -1 || cur_len > best_len)
                best = cur, best_len = cur_len;
            cur = -1;
        }
    }
    if (cur != -1 && (best == -1 || cur_len > best_len))
        best = cur, best_len = cur_len;
    if (best != -1 && best_len < 2)
        best = -1;
    for (int i = 0; i < 8; i++) {
        if (best != -1 && i >= best && i < best + best_len) {
            if (i == best)
                tl_put(o, ":");
            continue;
        }
        if (i != 0)
            tl_put(o, ":");
        if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
            tl_put(o, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
            break;
        }
        tl_put(o, "%x", w[i]);
    }
    if (best != -1 && best + best_len == 8)
        tl_put(o, ":");
}

/*
 * One MPTCP option (print-mptcp.c of 4.99.3): p is the option from its kind
 * byte, len its length byte (len bytes readable), flags the TCP flags byte.
 * Returns false where mptcp_print() returns 0 (the caller's "[bad opt]").
 */
#define TH_SYN 0x02
#define TH_ACK 0x10

bool
tl_tcpdump_mptcp(tl_out_t *o, const uint8_t *p, unsigned len, unsigned flags)
{
    static const char *const names[] = {
        "capable", "join", "dss", "add-addr", "rem-addr", "prio", "fail", "fast-close", "unknown",
    };
    unsigned sub;

    if (len < 3)
        return false;
    sub = p[2] >> 4;
    if (sub > 8)
        sub = 8;
    tl_put(o, " %u %s", len, names[sub]);

    switch (sub) {
    case 0: {                                   /* MP_CAPABLE */
        unsigned version = p[2] & 0xf;

        if (!((len == 12 || len == 4) && (flags & TH_SYN))
            && !((len == 20 || len == 22) && (flags & (TH_SYN | TH_ACK)) == TH_ACK))
            return false;
        if (version > 1) {
            tl_put(o, " Unknown Version (%u)", version);
            return true;
        }
        tl_put(o, " v%u", version);
        if (p[3] & 0x80)
            tl_put(o, " csum");
        if (len == 12 || len >= 20) {
            tl_put(o, " {0x");
            tl_put_u64(o, tl_be64(p + 4), 16);
            if (len >= 20) {
                tl_put(o, ",0x");
                tl_put_u64(o, tl_be64(p + 12), 16);
            }
            tl_put(o, "}");
        }
        return true;
    }
    case 1:                                     /* MP_JOIN */
        if (!(len == 12 && (flags & TH_SYN))
            && !(len == 16 && (flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK))
            && !(len == 24 && (flags & TH_ACK)))
            return false;
        if (len != 24) {
            if (p[2] & 0x01)
                tl_put(o, " backup");
            tl_put(o, " id %u", p[3]);
        }
        if (len == 12) {
            tl_put(o, " token 0x%x nonce 0x%x", tl_be32(p + 4), tl_be32(p + 8));
        } else if (len == 16) {
            tl_put(o, " hmac 0x");
            tl_put_u64(o, tl_be64(p + 4), 16);
            tl_put(o, " nonce 0x%x", tl_be32(p + 12));
        } else {
            tl_put(o, " hmac 0x");
            tl_put_hex(o, p + 4, 20);
        }
        return true;
    case 2: {                                   /* DSS */
        unsigned f, n;
        const uint8_t *q;

        if (len < 4 || (flags & TH_SYN))
            return false;
        f = p[3];
        q = p + 4;
        n = len - 4;
        if (f & 0x10)
            tl_put(o, " fin");
        if (f & 0x01) {                         /* A: data ack, 8 bytes with a */
            unsigned w = (f & 0x02) ? 8 : 4;
            tl_put(o, " ack ");
            if (n < w)
                return false;
            tl_put_u64(o, w == 8 ? tl_be64(q) : tl_be32(q), 10);
            q += w;
            n -= w;
        }
        if (f & 0x04) {                         /* M: mapping, 8-byte DSN with m */
            unsigned w = (f & 0x08) ? 8 : 4;
            tl_put(o, " seq ");
            if (n < w)
                return false;
            tl_put_u64(o, w == 8 ? tl_be64(q) : tl_be32(q), 10);
            q += w;
            n -= w;
            if (n < 4)
                return false;
            tl_put(o, " subseq %u", tl_be32(q));
            q += 4;
            n -= 4;
            if (n < 2)
                return false;
            tl_put(o, " len %u", tl_be16(q));
            q += 2;
            n -= 2;
            if (n >= 2) {
                tl_put(o, " csum 0x%x", tl_be16(q));
                n -= 2;
            }
        }
        return n == 0;
    }
    case 3: {                                   /* ADD_ADDR */
        static const char *const echo[] = {
            "v1", "v1-echo", NULL, NULL, "v0-ip4", NULL, "v0-ip6",
        };
        unsigned e = p[2] & 0xf;
        const char *name = e < 7 ? echo[e] : NULL;

        if (!(len == 8 || len == 10 || len == 16 || len == 18
              || len == 20 || len == 22 || len == 28 || len == 30))
            return false;
        tl_put(o, " %s id %u", name ? name : "[bad version/echo]", p[3]);
        if (len < 20) {
            tl_put(o, " %u.%u.%u.%u", p[4], p[5], p[6], p[7]);
            if (len == 10 || len == 18)
                tl_put(o, ":%u", tl_be16(p + 8));
            if (len == 16 || len == 18) {
                tl_put(o, " hmac 0x");
                tl_put_u64(o, tl_be64(p + (len == 16 ? 8 : 10)), 16);
            }
        } else {
            tl_put(o, " ");
            put_ip6(o, p + 4);
            if (len == 22 || len == 30)
                tl_put(o, ":%u", tl_be16(p + 20));
            if (len == 28 || len == 30) {
                tl_put(o, " hmac 0x");
                tl_put_u64(o, tl_be64(p + (len == 28 ? 20 : 22)), 16);
            }
        }
        return true;
    }
    case 4:                                     /* REMOVE_ADDR */
        if (len < 4)
            return false;
        tl_put(o, " id");
        for (unsigned i = 3; i < len; i++)
            tl_put(o, " %u", p[i]);
        return true;
    case 5:                                     /* MP_PRIO */
        if (len != 3 && len != 4)
            return false;
        tl_put(o, (p[2] & 0x01) ? " backup" : " non-backup");
        if (len == 4)
            tl_put(o, " id %u", p[3]);
        return true;
    case 6:                                     /* MP_FAIL */
        if (len != 12)
            return false;
        tl_put(o, " seq ");
        tl_put_u64(o, tl_be64(p + 4), 10);
        return true;
    case 7:                                     /* MP_FASTCLOSE */
        if (len != 12)
            return false;
        tl_put(o, " key 0x");
        tl_put_u64(o, tl_be64(p + 4), 16);
        return true;
    default:
        return true;
    }
}
