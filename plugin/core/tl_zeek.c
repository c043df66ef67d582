/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_zeek.c - Zeek-compatible conn_state and history of one TCP connection.
 *
 * Re-implements, from our reading of Zeek's sources (no code taken), the
 * parts of Zeek's TCP analysis that decide the two conn.log columns:
 *   - who the originator is: IPBasedAnalyzer::NewConn() and
 *     TCPAnalyzer::WantConnection() (src/packet_analysis/protocol/ip/,
 *     src/packet_analysis/protocol/tcp/TCP.cc);
 *   - the per-packet steps of TCPSessionAdapter::Process() (older releases:
 *     TCPAnalyzer::DeliverPacket() / TCP_Analyzer::DeliverPacket()):
 *     init_endpoint(), update_history(), update_window(), update_last_seq(),
 *     UpdateStateMachine() and its Update*State() helpers, then the ack
 *     handed to the peer's reassembler (TCP_Reassembler::AckReceived(),
 *     Undelivered(), Gap());
 *   - the letter bookkeeping of Connection::CheckHistory(),
 *     ScaledHistoryEntry() and FlipRoles() (src/Conn.cc, Conn.h);
 *   - Conn::conn_state() in scripts/base/protocols/conn/main.zeek.
 * docs/zeek.md states the rules in prose and what is approximated.
 *
 * No epan includes, no allocation, no globals.
 */
#include <string.h>

#include "tcplife/tl_zeek.h"
#include "tl_seq.h"

enum { ORIG_BIT = 1, RESP_BIT = 2 };

/* Masks of the once-per-direction letters (TCP_Endpoint.h HIST_*); the
 * responder's are shifted 16 bits up in the same word. */
enum {
    HIST_SYN = 0x1, HIST_FIN = 0x2, HIST_RST = 0x4, HIST_FIN_RST = 0x8,
    HIST_DATA = 0x10, HIST_ACK = 0x20, HIST_MULTI_FLAG = 0x40
};

/* TOO_LARGE_SEQ_DELTA in TCP.cc: SYN/RST sequence jumps beyond this are
 * not trusted to move last_seq. */
#define TOO_LARGE_DELTA 1048576

/* Ports Zeek's base scripts add to likely_server_ports for TCP (each
 * protocol's main.zeek: `redef likely_server_ports += { ports }`), sorted. */
static const uint16_t likely_server_ports[] = {
    21,    /* ftp */           22,   /* ssh */          25,   /* smtp */
    53,    /* dns */           79,   /* finger */       80,   /* http */
    81,    /* http */          88,   /* krb */          135,  /* dce-rpc */
    139,   /* smb */           143,  /* imap */         389,  /* ldap */
    443,   /* ssl */           445,  /* smb */          502,  /* modbus */
    563,   /* ssl */           585,  /* ssl */          587,  /* smtp */
    614,   /* ssl */           631,  /* http */         636,  /* ssl */
    989,   /* ssl */           990,  /* ssl */          992,  /* ssl */
    993,   /* ssl */           995,  /* ssl */          1080, /* http */
    1883,  /* mqtt */          2811, /* gridftp */      3128, /* http */
    3268,  /* ldap */          3389, /* rdp */          5222, /* xmpp */
    5223,  /* ssl */           5269, /* xmpp */         5432, /* postgresql */
    6379,  /* redis */         6666, /* irc */          6667, /* irc */
    6668,  /* irc */           6669, /* irc */          8000, /* http */
    8080,  /* http */          8888, /* http */         20000 /* dnp3 */
};

bool
tl_zeek_likely_server_port(uint16_t port)
{
    size_t lo = 0, hi = sizeof likely_server_ports / sizeof likely_server_ports[0];

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (likely_server_ports[mid] == port)
            return true;
        if (likely_server_ports[mid] < port)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* ------------------------------------------------------------------------ */
/* Vocabularies                                                              */
/* ------------------------------------------------------------------------ */

static const char *const ep_state_names[] = {
#define TCPLIFE_X_(sym, str) str,
    TCPLIFE_ZEEK_EP_STATE_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
};

static const char *const conn_state_names[] = {
#define TCPLIFE_X_(sym, str) str,
    TCPLIFE_ZEEK_CONN_STATE_MAP(TCPLIFE_X_)
#undef TCPLIFE_X_
};

const char *
tl_zeek_ep_state_name(tl_zeek_ep_state_t s)
{
    return (unsigned)s < TCPLIFE_ZEEK_EP_COUNT ? ep_state_names[s] : "?";
}

const char *
tl_zeek_conn_state_name(tl_zeek_conn_state_t s)
{
    return (unsigned)s < TCPLIFE_ZEEK_CONN_STATE_COUNT ? conn_state_names[s] : "?";
}

/* ------------------------------------------------------------------------ */
/* History letters                                                           */
/* ------------------------------------------------------------------------ */

/*
 * Matcher of the RSTOS0 rule in Conn::conn_state(): the whole history must
 * read: an optional '^', then 'S', then letters none of which is H A F G I Q
 * (upper case), then 'R', then anything. Fed every letter, kept or not.
 */
enum { RX_START, RX_CARET, RX_SCAN, RX_MATCH, RX_FAIL };

static void
rstos0_feed(tl_zeek_t *z, char c)
{
    switch (z->rstos0) {
    case RX_START:
        z->rstos0 = c == '^' ? RX_CARET : c == 'S' ? RX_SCAN : RX_FAIL;
        break;
    case RX_CARET:
        z->rstos0 = c == 'S' ? RX_SCAN : RX_FAIL;
        break;
    case RX_SCAN:
        if (c == 'R')
            z->rstos0 = RX_MATCH;
        else if (strchr("HAFGIQ", c) != NULL)
            z->rstos0 = RX_FAIL;
        break;
    case RX_MATCH:
    case RX_FAIL:
        break;
    }
}

/* Connection::AddHistory(): append, no checks. */
static void
add_letter(tl_zeek_t *z, char c)
{
    rstos0_feed(z, c);
    if (z->hist_len < TCPLIFE_ZEEK_HISTORY_MAX) {
        z->history[z->hist_len++] = c;
        z->history[z->hist_len] = '\0';
    } else {
        z->hist_truncated = true;
    }
}

static char
lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* TCP_Endpoint::AddHistory(): originator upper case, responder lower. */
static void
ep_add(tl_zeek_t *z, const tl_zeek_endpoint_t *ep, char c)
{
    add_letter(z, ep->is_orig ? c : lower(c));
}

/*
 * TCP_Endpoint::CheckHistory() + Connection::CheckHistory(): the first time
 * a letter is seen in a direction it is added and false is returned; later
 * calls add nothing and return true ("seen before"). The seen-bits belong
 * to the connection and are not swapped when roles flip.
 */
static bool
ep_check(tl_zeek_t *z, const tl_zeek_endpoint_t *ep, uint32_t mask, char c)
{
    if (!ep->is_orig)
        mask <<= 16;
    if ((z->hist_seen & mask) == 0) {
        z->hist_seen |= mask;
        ep_add(z, ep, c);
        return false;
    }
    return true;
}

/* Connection::ScaledHistoryEntry(): add the letter on the 1st, 10th,
 * 100th, ... occurrence. */
static void
ep_scaled(tl_zeek_t *z, const tl_zeek_endpoint_t *ep, uint32_t *cnt,
          uint32_t *thresh, char c)
{
    if (++*cnt == *thresh) {
        uint32_t next = *thresh * 10u;
        ep_add(z, ep, c);
        if (next <= *thresh)            /* overflow: stay, count again */
            *cnt = 0;
        else
            *thresh = next;
    }
}

/* ------------------------------------------------------------------------ */
/* Endpoints and roles                                                       */
/* ------------------------------------------------------------------------ */

static void
set_state(tl_zeek_endpoint_t *ep, tl_zeek_ep_state_t s)
{
    if (ep->state != s) {               /* TCP_Endpoint::SetState() */
        ep->prev_state = ep->state;
        ep->state = (uint8_t)s;
    }
}

static void
ep_reset(tl_zeek_endpoint_t *ep, const tl_addr_t *addr, uint16_t port, bool is_orig)
{
    memset(ep, 0, sizeof *ep);
    ep->addr = *addr;
    ep->port = port;
    ep->is_orig = is_orig;
    ep->state = ep->prev_state = TCPLIFE_ZEEK_EP_INACTIVE;
    ep->rxmt_thresh = ep->win0_thresh = ep->gap_thresh = 1;
    ep->reassem_seq = ep->trim_seq = 1;  /* TCP_Reassembler starts after the SYN */
}

static bool
addr_eq(const tl_addr_t *a, const tl_addr_t *b)
{
    return a->family == b->family && memcmp(a->bytes, b->bytes, sizeof a->bytes) == 0;
}

static bool
ep_is(const tl_zeek_endpoint_t *ep, const tl_addr_t *addr, uint16_t port)
{
    if (ep->port != port)
        return false;
    return addr->family == 0 || ep->addr.family == 0 || addr_eq(&ep->addr, addr);
}

static tl_zeek_endpoint_t *
orig_ep(tl_zeek_t *z)
{
    return z->ep[0].is_orig ? &z->ep[0] : &z->ep[1];
}

/*
 * Connection::FlipRoles() with TCPSessionAdapter::FlipRoles(): the endpoints
 * swap roles (and with them the case of their future letters), the
 * first-packet bits swap, the partial flag clears, and '^' is appended.
 * Letters already in the history keep their case.
 */
static void
flip_roles(tl_zeek_t *z)
{
    uint8_t f = z->first_packet_seen;

    z->ep[0].is_orig = !z->ep[0].is_orig;
    z->ep[1].is_orig = !z->ep[1].is_orig;
    z->first_packet_seen = (uint8_t)(((f & ORIG_BIT) ? RESP_BIT : 0) |
                                     ((f & RESP_BIT) ? ORIG_BIT : 0));
    z->is_partial = false;
    z->flips++;
    add_letter(z, '^');
}

/* TCPSessionAdapter::SetPartialStatus(). Only used to excuse gaps at the
 * very start of a partial connection (see undelivered()). */
static void
set_partial_status(tl_zeek_t *z, bool is_orig, bool syn, bool ack)
{
    if (is_orig) {
        if (!(z->first_packet_seen & ORIG_BIT))
            z->is_partial = !syn || ack;
    } else if (!(z->first_packet_seen & RESP_BIT) && !z->is_partial) {
        z->is_partial = !syn;
    }
}

/* ------------------------------------------------------------------------ */
/* Sequence bookkeeping (TCPSessionAdapter.cc static helpers)                */
/* ------------------------------------------------------------------------ */

/* init_endpoint(): where an endpoint's sequence space starts. */
static void
init_endpoint(tl_zeek_endpoint_t *ep, bool syn, uint32_t seq, uint32_t seq_end)
{
    switch ((tl_zeek_ep_state_t)ep->state) {
    case TCPLIFE_ZEEK_EP_INACTIVE:
        if (syn) {
            ep->start_seq = ep->ack_seq = seq;
            ep->last_seq = seq_end;
        } else {
            /* No SYN: number as if one preceded this segment, and do not
             * take this first segment for a retransmission. */
            ep->start_seq = ep->ack_seq = seq - 1;
            ep->last_seq = seq;
        }
        break;
    case TCPLIFE_ZEEK_EP_SYN_SENT:
    case TCPLIFE_ZEEK_EP_SYN_ACK_SENT:
        if (syn && seq != ep->start_seq) {      /* new ISN: start over */
            ep->start_seq = ep->ack_seq = seq;
            ep->last_seq = seq_end;
        }
        break;
    case TCPLIFE_ZEEK_EP_ESTABLISHED:
    case TCPLIFE_ZEEK_EP_PARTIAL:
        if (syn) {                  /* guess: this SYN really opens it */
            ep->start_seq = ep->ack_seq = seq;
            ep->last_seq = seq_end;
        }
        break;
    case TCPLIFE_ZEEK_EP_RESET:
        /* A SYN after a RST that was this endpoint's first packet. */
        if (syn && ep->prev_state == TCPLIFE_ZEEK_EP_INACTIVE) {
            ep->start_seq = ep->ack_seq = seq;
            ep->last_seq = seq_end;
        }
        break;
    case TCPLIFE_ZEEK_EP_CLOSED:
    case TCPLIFE_ZEEK_EP_COUNT:
        break;
    }
}

/* init_peer(): the first ack for an endpoint not seen yet fixes its start. */
static void
init_peer(tl_zeek_endpoint_t *peer, uint32_t ack)
{
    peer->start_seq = peer->ack_seq = peer->last_seq = ack - 1;
}

/* update_ack_seq(): the highest ack seen for an endpoint's data. */
static void
update_ack_seq(tl_zeek_endpoint_t *ep, uint32_t ack)
{
    int32_t d = (int32_t)(ack - ep->ack_seq);

    if (ack == 0 && d > TOO_LARGE_DELTA)
        return;                     /* more likely a broken ack than a wrap */
    if (tl_seq_gt(ack, ep->ack_seq))
        ep->ack_seq = ack;
}

/*
 * update_last_seq(): move last_seq forward; a segment with payload that
 * does not move it is a retransmission ('t', logarithmic).
 */
static int32_t
update_last_seq(tl_zeek_t *z, tl_zeek_endpoint_t *ep, uint32_t seq_end,
                bool syn, bool fin, bool rst, uint32_t len)
{
    int32_t d = (int32_t)(seq_end - ep->last_seq);

    if ((syn || rst) && (d > TOO_LARGE_DELTA || d < -TOO_LARGE_DELTA))
        ;                                           /* untrusted jump */
    else if (fin && ep->last_seq == ep->start_seq + 1)
        ep->last_seq = seq_end;                     /* only SYN, then FIN */
    else if (ep->state == TCPLIFE_ZEEK_EP_RESET)
        ;                                           /* nothing trusted after RST */
    else if (tl_seq_gt(seq_end, ep->last_seq))
        ep->last_seq = seq_end;
    else if (len > 0)
        ep_scaled(z, ep, &ep->rxmt_cnt, &ep->rxmt_thresh, 'T');
    return d;
}

/* ------------------------------------------------------------------------ */
/* Reassembly model for content gaps ('g')                                   */
/* ------------------------------------------------------------------------ */

/* TCP_Reassembler: a gap counts only while both sides are ESTABLISHED, or
 * CLOSED straight from ESTABLISHED ("established or cleanly closing"). */
static bool
is_clean(const tl_zeek_endpoint_t *ep)
{
    return ep->state == TCPLIFE_ZEEK_EP_ESTABLISHED ||
           (ep->state == TCPLIFE_ZEEK_EP_CLOSED && ep->prev_state == TCPLIFE_ZEEK_EP_ESTABLISHED);
}

static void
gap(tl_zeek_t *z, tl_zeek_endpoint_t *ep, const tl_zeek_endpoint_t *peer)
{
    if (is_clean(ep) && is_clean(peer))
        ep_scaled(z, ep, &ep->gap_cnt, &ep->gap_thresh, 'G');
}

static void
drop_block(tl_zeek_endpoint_t *ep, unsigned i)
{
    memmove(&ep->blocks[i], &ep->blocks[i + 1],
            (size_t)(ep->n_blocks - i - 1) * sizeof ep->blocks[0]);
    ep->n_blocks--;
}

/* Deliver every stored range that now continues the in-order stream. */
static void
deliver(tl_zeek_endpoint_t *ep)
{
    bool again = true;

    while (again) {
        again = false;
        for (unsigned i = 0; i < ep->n_blocks; i++) {
            if (ep->blocks[i].upper <= ep->reassem_seq) {
                drop_block(ep, i);
                again = true;
                break;
            }
            if (ep->blocks[i].seq <= ep->reassem_seq) {
                ep->reassem_seq = ep->blocks[i].upper;
                drop_block(ep, i);
                again = true;
                break;
            }
        }
    }
}

/* Reassembler::NewBlock() via TCP_Reassembler::DataSent(): remember the
 * payload range [seq, upper) unless it is already acknowledged. */
static void
data_sent(tl_zeek_endpoint_t *ep, uint32_t seq, uint32_t len)
{
    uint32_t acked = tl_seq_gt(ep->ack_seq, ep->start_seq) ? ep->ack_seq - ep->start_seq : 0;
    uint32_t upper = seq + len;
    uint32_t lo, hi;
    unsigned i;

    if (seq < acked) {
        if (upper <= acked)
            return;                 /* delivered and acknowledged before */
        seq = acked;
    }
    if (upper <= ep->trim_seq)
        return;
    if (seq < ep->trim_seq)
        seq = ep->trim_seq;

    /* Merge with overlapping or touching ranges: only the holes matter. */
    lo = seq;
    hi = upper;
    for (i = 0; i < ep->n_blocks;) {
        if (ep->blocks[i].upper >= lo && ep->blocks[i].seq <= hi) {
            if (ep->blocks[i].seq < lo)
                lo = ep->blocks[i].seq;
            if (ep->blocks[i].upper > hi)
                hi = ep->blocks[i].upper;
            drop_block(ep, i);
        } else {
            i++;
        }
    }
    if (ep->n_blocks < TCPLIFE_ZEEK_MAX_BLOCKS) {
        /* keep them sorted by seq */
        for (i = ep->n_blocks; i > 0 && ep->blocks[i - 1].seq > lo; i--)
            ep->blocks[i] = ep->blocks[i - 1];
        ep->blocks[i].seq = lo;
        ep->blocks[i].upper = hi;
        ep->n_blocks++;
    }
    /* else: more holes than we keep; the range is forgotten and a later
     * ack over it counts as a gap (docs/zeek.md). */
    deliver(ep);
}

/*
 * TCP_Reassembler::Undelivered(): the peer acknowledged up to `up_to`, past
 * what was delivered in order. Every hole below it is a content gap.
 */
static void
undelivered(tl_zeek_t *z, tl_zeek_endpoint_t *ep, const tl_zeek_endpoint_t *peer,
            uint32_t up_to)
{
    /* A partial connection's faked start produces a bogus 1-2 byte hole. */
    if (up_to <= 2 && z->is_partial)
        return;

    while (ep->n_blocks > 0 && ep->blocks[0].seq < up_to) {
        if (ep->blocks[0].seq > ep->reassem_seq) {
            gap(z, ep, peer);
            ep->reassem_seq = ep->blocks[0].seq;
        }
        deliver(ep);
    }
    if (up_to > ep->reassem_seq) {
        gap(z, ep, peer);
        ep->reassem_seq = up_to;
    }
}

/* TCP_Reassembler::AckReceived() on the endpoint whose data is acked. */
static void
ack_received(tl_zeek_t *z, tl_zeek_endpoint_t *ep, const tl_zeek_endpoint_t *peer,
             uint32_t rel_ack)
{
    if (ep->fin_cnt > 0 && ep->fin_seq > 0 && rel_ack >= ep->fin_seq)
        rel_ack = ep->fin_seq - 1;      /* the FIN octet is not payload */
    if (rel_ack <= ep->trim_seq)
        return;
    if (rel_ack > ep->reassem_seq)
        undelivered(z, ep, peer, rel_ack);
    ep->trim_seq = rel_ack;
    deliver(ep);
}

/* ------------------------------------------------------------------------ */
/* The state machine (TCPSessionAdapter::UpdateStateMachine())               */
/* ------------------------------------------------------------------------ */

typedef struct {
    tl_zeek_t          *z;
    tl_zeek_endpoint_t *ep, *peer;
    bool                is_orig;        /* the sender's role when it arrived */
    bool                syn, ack, fin, rst;
    uint32_t            seq, len;
} tl_zctx_t;

/* UpdateInactiveState(): the sender's first packet with any effect. */
static void
update_inactive(tl_zctx_t *c)
{
    tl_zeek_endpoint_t *ep = c->ep, *peer = c->peer;

    if (c->syn) {
        if (c->is_orig) {
            set_state(ep, c->ack ? TCPLIFE_ZEEK_EP_SYN_ACK_SENT : TCPLIFE_ZEEK_EP_SYN_SENT);
        } else {
            if (!c->ack && peer->state == TCPLIFE_ZEEK_EP_SYN_ACK_SENT &&
                c->seq == ep->start_seq) {
                /* The "originator" sent a SYN-ACK and this is the SYN it
                 * answers (seen late): swap roles, the connection is up. */
                c->z->is_partial = false;
                flip_roles(c->z);
                set_state(peer, TCPLIFE_ZEEK_EP_ESTABLISHED);
                c->z->first_packet_seen |= ORIG_BIT;
            }
            if (peer->state == TCPLIFE_ZEEK_EP_SYN_SENT)
                set_state(peer, TCPLIFE_ZEEK_EP_ESTABLISHED);
            set_state(ep, TCPLIFE_ZEEK_EP_ESTABLISHED);
        }
    }
    if (c->fin)
        set_state(ep, TCPLIFE_ZEEK_EP_CLOSED);
    if (c->rst)
        set_state(ep, TCPLIFE_ZEEK_EP_RESET);

    if (ep->state == TCPLIFE_ZEEK_EP_INACTIVE) {     /* no control flag moved it */
        if (!c->is_orig && c->len == 0 &&
            orig_ep(c->z)->state == TCPLIFE_ZEEK_EP_SYN_SENT) {
            ;   /* some stacks ACK a SYN before answering it: not partial */
        } else if (c->ack && peer->state == TCPLIFE_ZEEK_EP_ESTABLISHED) {
            /* the peer's SYN-ACK was seen, this side's SYN was not */
            set_state(ep, TCPLIFE_ZEEK_EP_ESTABLISHED);
            c->z->is_partial = false;
            c->z->first_packet_seen |= c->is_orig ? ORIG_BIT : RESP_BIT;
        } else {
            set_state(ep, TCPLIFE_ZEEK_EP_PARTIAL);
        }
    }
}

/* UpdateSYN_SentState(): only FIN and RST move a half-open sender. */
static void
update_syn_sent(tl_zctx_t *c)
{
    if (c->fin)
        set_state(c->ep, TCPLIFE_ZEEK_EP_CLOSED);
    if (c->rst)
        set_state(c->ep, TCPLIFE_ZEEK_EP_RESET);
}

/* UpdateEstablishedState() (also used for PARTIAL). */
static void
update_established(tl_zctx_t *c)
{
    tl_zeek_endpoint_t *ep = c->ep, *peer = c->peer;

    if (c->syn && ep->state == TCPLIFE_ZEEK_EP_PARTIAL &&
        peer->state == TCPLIFE_ZEEK_EP_INACTIVE && !c->ack)
        set_state(ep, TCPLIFE_ZEEK_EP_SYN_SENT);     /* a SYN after partial traffic */

    if (c->fin && !c->rst) {
        set_state(ep, TCPLIFE_ZEEK_EP_CLOSED);
        /* The peer sent FIN then RST: that was a normal close after all. */
        if (peer->state == TCPLIFE_ZEEK_EP_RESET && peer->prev_state == TCPLIFE_ZEEK_EP_CLOSED)
            set_state(peer, TCPLIFE_ZEEK_EP_CLOSED);
    }
    if (c->rst)
        set_state(ep, TCPLIFE_ZEEK_EP_RESET);
}

/* UpdateClosedState(): a RST after our FIN counts unless the peer also
 * closed (then the FIN exchange already ended the connection). */
static void
update_closed(tl_zctx_t *c)
{
    if (c->rst && c->peer->state != TCPLIFE_ZEEK_EP_CLOSED)
        set_state(c->ep, TCPLIFE_ZEEK_EP_RESET);
}

static void
update_state_machine(tl_zctx_t *c)
{
    switch ((tl_zeek_ep_state_t)c->ep->state) {
    case TCPLIFE_ZEEK_EP_INACTIVE:
        update_inactive(c);
        break;
    case TCPLIFE_ZEEK_EP_SYN_SENT:
    case TCPLIFE_ZEEK_EP_SYN_ACK_SENT:
        update_syn_sent(c);
        break;
    case TCPLIFE_ZEEK_EP_ESTABLISHED:
    case TCPLIFE_ZEEK_EP_PARTIAL:
        update_established(c);
        break;
    case TCPLIFE_ZEEK_EP_CLOSED:
        update_closed(c);
        break;
    case TCPLIFE_ZEEK_EP_RESET:          /* UpdateResetState(): weirds only */
    case TCPLIFE_ZEEK_EP_COUNT:
        break;
    }
}

/* ------------------------------------------------------------------------ */
/* Per packet (TCPSessionAdapter::Process())                                 */
/* ------------------------------------------------------------------------ */

/* update_history(): the letter(s) of one packet's flags and payload. */
static void
update_history(tl_zctx_t *c, uint32_t rel_seq)
{
    tl_zeek_t *z = c->z;
    tl_zeek_endpoint_t *ep = c->ep;
    int bits = (c->syn ? 1 : 0) + (c->fin ? 1 : 0) + (c->rst ? 1 : 0);

    if (bits > 1) {
        if (c->fin && c->rst)
            ep_check(z, ep, HIST_FIN_RST, 'I');   /* inconsistent */
        else
            ep_check(z, ep, HIST_MULTI_FLAG, 'Q'); /* SYN with FIN or RST */
    } else if (bits == 1) {
        /* S/H, F and R repeat when their sequence number differs from the
         * last one of the same kind; a FIN's counts after its payload. */
        if (c->syn) {
            char code = c->ack ? 'H' : 'S';
            if (ep_check(z, ep, HIST_SYN, code) && rel_seq != ep->hist_last_syn)
                ep_add(z, ep, code);
            ep->hist_last_syn = rel_seq;
        }
        if (c->fin) {
            if (ep_check(z, ep, HIST_FIN, 'F') && rel_seq + c->len != ep->hist_last_fin)
                ep_add(z, ep, 'F');
            ep->hist_last_fin = rel_seq + c->len;
        }
        if (c->rst) {
            if (ep_check(z, ep, HIST_RST, 'R') && rel_seq != ep->hist_last_rst)
                ep_add(z, ep, 'R');
            ep->hist_last_rst = rel_seq;
        }
    } else if (c->len > 0) {
        ep_check(z, ep, HIST_DATA, 'D');
    } else if (c->ack) {
        ep_check(z, ep, HIST_ACK, 'A');
    }
}

static void
process(tl_zeek_t *z, tl_zeek_endpoint_t *ep, tl_zeek_endpoint_t *peer,
        const tl_segment_t *seg)
{
    tl_zctx_t c;
    uint32_t seg_len, seq_end, rel_seq, rel_ack = 0;
    bool seq_underflow;

    memset(&c, 0, sizeof c);
    c.z = z;
    c.ep = ep;
    c.peer = peer;
    c.is_orig = ep->is_orig;
    c.syn = (seg->flags & TCPLIFE_F_SYN) != 0;
    c.ack = (seg->flags & TCPLIFE_F_ACK) != 0;
    c.fin = (seg->flags & TCPLIFE_F_FIN) != 0;
    c.rst = (seg->flags & TCPLIFE_F_RST) != 0;
    c.seq = seg->seq;
    c.len = seg->len;

    set_partial_status(z, c.is_orig, c.syn, c.ack);

    /* get_segment_len(): SYN and FIN take one number each; a RST's payload
     * is not part of the stream. */
    seg_len = c.len + (c.syn ? 1u : 0u) + (c.fin ? 1u : 0u) - (c.rst ? c.len : 0u);
    seq_end = seg->seq + seg_len;

    init_endpoint(ep, c.syn, seg->seq, seq_end);
    rel_seq = seg->seq - ep->start_seq;
    seq_underflow = tl_seq_lt(seg->seq, ep->start_seq);

    update_history(&c, rel_seq);

    /* update_window(): a zero window counts ('w', logarithmic) unless it
     * rides on a RST, follows the sender's RST, or follows the peer's FIN.
     * 0 << scale is 0, so the raw field decides. */
    if (seg->win == 0 && !c.rst && peer->state != TCPLIFE_ZEEK_EP_CLOSED &&
        ep->state != TCPLIFE_ZEEK_EP_RESET)
        ep_scaled(z, ep, &ep->win0_cnt, &ep->win0_thresh, 'W');

    if (c.fin) {
        ep->fin_cnt++;
        ep->fin_seq = rel_seq + seg_len;
    }
    if (c.rst)
        ep->rst_cnt++;

    if (c.ack) {
        if (peer->state == TCPLIFE_ZEEK_EP_INACTIVE) {
            rel_ack = 1;
            init_peer(peer, seg->ack);
        } else {
            if (tl_seq_lt(seg->ack, peer->start_seq))
                rel_ack = 0;                    /* ack below the start */
            else {
                rel_ack = seg->ack - peer->start_seq;
                if (!c.rst)                     /* RSTs' acks are not trusted */
                    update_ack_seq(peer, seg->ack);
            }
        }
    }

    (void)update_last_seq(z, ep, seq_end, c.syn, c.fin, c.rst, c.len);
    update_state_machine(&c);

    /* After the state machine, so gaps revealed by the last FIN or RST are
     * judged with the final states (TCPSessionAdapter::Process()). */
    if (c.ack)
        ack_received(z, peer, ep, rel_ack);

    if (c.len > 0 && !c.rst && !seq_underflow)
        data_sent(ep, c.syn ? rel_seq + 1 : rel_seq, c.len);
}

/* ------------------------------------------------------------------------ */
/* Public functions                                                          */
/* ------------------------------------------------------------------------ */

void
tl_zeek_init(tl_zeek_t *z)
{
    memset(z, 0, sizeof *z);
    z->ep[0].state = z->ep[0].prev_state = TCPLIFE_ZEEK_EP_INACTIVE;
    z->ep[1].state = z->ep[1].prev_state = TCPLIFE_ZEEK_EP_INACTIVE;
    z->rstos0 = RX_START;
    z->history[0] = '\0';
}

/*
 * The first packet creates the connection (IPBasedAnalyzer::NewConn()):
 * its sender is the originator, unless it is not a plain SYN and
 * TCPAnalyzer::WantConnection() guesses from the ports that the sender is
 * the server: its source port is a likely server port and either the
 * destination port is not, or both are and the packet has no SYN and the
 * source port is the lower one.
 */
static void
start(tl_zeek_t *z, const tl_segment_t *seg)
{
    bool syn = (seg->flags & TCPLIFE_F_SYN) != 0, ack = (seg->flags & TCPLIFE_F_ACK) != 0;
    bool flip = false;

    ep_reset(&z->ep[0], &seg->src, seg->sport, true);
    ep_reset(&z->ep[1], &seg->dst, seg->dport, false);
    z->started = true;

    if ((!syn || ack) && tl_zeek_likely_server_port(seg->sport)) {
        if (tl_zeek_likely_server_port(seg->dport))
            flip = !syn && seg->sport < seg->dport;
        else
            flip = true;
    }
    if (flip)
        flip_roles(z);
}

void
tl_zeek_observe(tl_zeek_t *z, const tl_segment_t *seg)
{
    if (!z->started)
        start(z, seg);

    if (ep_is(&z->ep[0], &seg->src, seg->sport) && ep_is(&z->ep[1], &seg->dst, seg->dport))
        process(z, &z->ep[0], &z->ep[1], seg);
    else if (ep_is(&z->ep[1], &seg->src, seg->sport) && ep_is(&z->ep[0], &seg->dst, seg->dport))
        process(z, &z->ep[1], &z->ep[0], seg);
    /* else: not this connection's segment; ignore it. */
}

/* TCP_Endpoint::Size(): payload bytes by sequence numbers, the figure the
 * REJ rule compares with zero. "Large" stands for a negative span. */
static uint64_t
ep_size(const tl_zeek_endpoint_t *ep, const tl_zeek_endpoint_t *peer)
{
    int32_t last = (int32_t)(ep->last_seq - ep->start_seq);
    int32_t acked = (int32_t)(ep->ack_seq - ep->start_seq);
    bool no_data_acked = acked == 0 || acked == 1;
    int32_t span = last > acked ? last : acked;
    uint64_t size;

    /* A half-open connection found and aborted: its numbers mean nothing. */
    if (ep->prev_state == TCPLIFE_ZEEK_EP_SYN_SENT && ep->state == TCPLIFE_ZEEK_EP_RESET &&
        peer->state == TCPLIFE_ZEEK_EP_INACTIVE && !no_data_acked)
        return 0;
    if (span < 0)
        return UINT64_MAX;
    size = (uint64_t)span;
    if (size != 0)
        size--;                         /* the SYN (or the faked one) */
    if (ep->fin_cnt > 0 && size != 0)
        size--;                         /* the FIN */
    return size;
}

/* Conn::conn_state() (scripts/base/protocols/conn/main.zeek), TCP branch. */
tl_zeek_conn_state_t
tl_zeek_conn_state_id(const tl_zeek_t *z)
{
    const tl_zeek_endpoint_t *o, *r;
    tl_zeek_ep_state_t os, rs;
    bool o_inactive, r_inactive;

    if (!z->started)
        return TCPLIFE_ZEEK_OTH;
    o = z->ep[0].is_orig ? &z->ep[0] : &z->ep[1];
    r = z->ep[0].is_orig ? &z->ep[1] : &z->ep[0];
    os = (tl_zeek_ep_state_t)o->state;
    rs = (tl_zeek_ep_state_t)r->state;
    o_inactive = os == TCPLIFE_ZEEK_EP_INACTIVE || os == TCPLIFE_ZEEK_EP_PARTIAL;
    r_inactive = rs == TCPLIFE_ZEEK_EP_INACTIVE || rs == TCPLIFE_ZEEK_EP_PARTIAL;

    if (rs == TCPLIFE_ZEEK_EP_RESET) {
        if (os == TCPLIFE_ZEEK_EP_SYN_SENT || os == TCPLIFE_ZEEK_EP_SYN_ACK_SENT ||
            (os == TCPLIFE_ZEEK_EP_RESET && ep_size(o, r) == 0 && ep_size(r, o) == 0))
            return TCPLIFE_ZEEK_REJ;
        return o_inactive ? TCPLIFE_ZEEK_RSTRH : TCPLIFE_ZEEK_RSTR;
    }
    if (os == TCPLIFE_ZEEK_EP_RESET) {
        if (r_inactive)
            return z->rstos0 == RX_MATCH ? TCPLIFE_ZEEK_RSTOS0 : TCPLIFE_ZEEK_OTH;
        return TCPLIFE_ZEEK_RSTO;
    }
    if (rs == TCPLIFE_ZEEK_EP_CLOSED && os == TCPLIFE_ZEEK_EP_CLOSED)
        return TCPLIFE_ZEEK_SF;
    if (os == TCPLIFE_ZEEK_EP_CLOSED)
        return r_inactive ? TCPLIFE_ZEEK_SH : TCPLIFE_ZEEK_S2;
    if (rs == TCPLIFE_ZEEK_EP_CLOSED)
        return o_inactive ? TCPLIFE_ZEEK_SHR : TCPLIFE_ZEEK_S3;
    if (os == TCPLIFE_ZEEK_EP_SYN_SENT && rs == TCPLIFE_ZEEK_EP_INACTIVE)
        return TCPLIFE_ZEEK_S0;
    if (os == TCPLIFE_ZEEK_EP_ESTABLISHED && rs == TCPLIFE_ZEEK_EP_ESTABLISHED)
        return TCPLIFE_ZEEK_S1;
    return TCPLIFE_ZEEK_OTH;
}

const char *
tl_zeek_conn_state(const tl_zeek_t *z)
{
    return tl_zeek_conn_state_name(tl_zeek_conn_state_id(z));
}

const char *
tl_zeek_history(const tl_zeek_t *z)
{
    return z->history;
}

bool
tl_zeek_history_truncated(const tl_zeek_t *z)
{
    return z->hist_truncated;
}

bool
tl_zeek_orig_is(const tl_zeek_t *z, const tl_addr_t *addr, uint16_t port)
{
    const tl_zeek_endpoint_t *o;

    if (!z->started)
        return false;
    o = z->ep[0].is_orig ? &z->ep[0] : &z->ep[1];
    return ep_is(o, addr, port);
}

tl_zeek_ep_state_t
tl_zeek_ep_state(const tl_zeek_t *z, bool orig)
{
    const tl_zeek_endpoint_t *ep;

    if (!z->started)
        return TCPLIFE_ZEEK_EP_INACTIVE;
    ep = (z->ep[0].is_orig == orig) ? &z->ep[0] : &z->ep[1];
    return (tl_zeek_ep_state_t)ep->state;
}
