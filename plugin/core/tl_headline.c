/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_headline.c - a segment's verdict in one line (tl_headline.h): the
 * "TCP Lifecycle" tree's headline, and the teardown's step count it shares
 * with the ladder. Pure reads of a tl_result_t into the caller's buffer: no
 * allocation, no epan includes.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "tcplife/tl_headline.h"

/* The caller's buffer and the length written so far (or that would have
 * been: past the end, only counted). */
typedef struct {
    char   *buf;
    size_t  size, len;
    const tl_frames_t *frames;  /* NULL: related frames' ordinals are their numbers */
} tl_out_t;

/* GCC and clang check put()'s formats against their arguments. */
#if defined(__GNUC__)
#define TCPLIFE_PRINTF_(f, a) __attribute__((format(printf, f, a)))
#else
#define TCPLIFE_PRINTF_(f, a)
#endif

static void put(tl_out_t *o, const char *fmt, ...) TCPLIFE_PRINTF_(2, 3);

static void
put(tl_out_t *o, const char *fmt, ...)
{
    bool room = o->len < o->size;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(room ? o->buf + o->len : NULL, room ? o->size - o->len : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n;
}

unsigned
tl_teardown_steps(tl_teardown_t kind)
{
    return kind == TCPLIFE_TEARDOWN_THREE_WAY ? 3 : 4;
}

size_t
tl_frame_ref(const tl_frames_t *frames, uint32_t ordinal, char *buf, size_t size)
{
    uint32_t n = frames ? tl_frames_number(frames, ordinal) : ordinal;
    int len;

    if (n)
        len = snprintf(buf, size, "frame %u", (unsigned)n);
    else if (ordinal)
        len = snprintf(buf, size, "a frame the read filter hid");
    else
        len = snprintf(buf, size, "a frame not captured");
    return len > 0 ? (size_t)len : 0;
}

/* tl_frame_ref() as a value, for a headline's arguments. */
typedef struct {
    char s[40];
} tl_frame_ref_t;

static tl_frame_ref_t
frame_ref(const tl_out_t *o, uint32_t ordinal)
{
    tl_frame_ref_t f;

    (void)tl_frame_ref(o->frames, ordinal, f.s, sizeof f.s);
    return f;
}

static const char *
role(uint8_t r)
{
    return tl_role_name((tl_role_t)r);
}

static const char *
check(bool ok)
{
    return ok ? "\xe2\x9c\x93" : "\xe2\x9c\x97";   /* ✓ / ✗ */
}

static void
handshake(tl_out_t *o, const tl_result_t *r, const char *who)
{
    double backoff_s = (double)r->hs_backoff_ns / 1e9;

    if (r->hs_step == 1 && r->hs_retry)
        put(o, "Handshake 1/3: SYN retransmission %u, %.3f s after the previous",
            (unsigned)r->hs_retry, backoff_s);
    else if (r->hs_step == 1)
        put(o, "Handshake 1/3: SYN, ISN j=%u", r->isn);
    else if (r->hs_step == 2 && r->hs_retry)
        put(o, "Handshake 2/3: SYN-ACK retransmission %u, %.3f s after the previous",
            (unsigned)r->hs_retry, backoff_s);
    else if (r->hs_step == 2)
        put(o, "Handshake 2/3: SYN-ACK, ISN k=%u, ack = j+1 %s", r->isn,
            r->hs_ack_checked ? check(r->hs_ack_ok) : "(SYN not captured)");
    else if (r->hs_step == 3)
        put(o, "Handshake 3/3: ACK, ack = k+1 %s", check(r->hs_ack_ok));
    else
        put(o, "Handshake: %s segment before both sides are synchronized", who);
}

static void
established(tl_out_t *o, const tl_result_t *r, const char *who)
{
    if (r->dup_of)
        put(o, "Established: copy of %s (captured twice)", frame_ref(o, r->dup_of).s);
    else if (r->keepalive == TCPLIFE_KA_PROBE)
        put(o, "Established: keepalive probe from %s", who);
    else if (r->keepalive == TCPLIFE_KA_ANSWER)
        put(o, "Established: %s answers the keepalive probe in %s", who, frame_ref(o, r->rel_ka).s);
    else if (r->len)
        put(o, "Established: %s sends %u bytes", who, r->len);
    else
        put(o, "Established: ACK from %s", who);
}

/* "Teardown 3/4 (four-way, client closed first): " while the step and kind
 * are known, then what this segment does. A retransmitted FIN is not a step. */
static void
teardown(tl_out_t *o, const tl_result_t *r, const char *who)
{
    tl_teardown_t kind = (tl_teardown_t)r->td_kind;
    const char *init = role(r->td_initiator);
    bool fin = (r->flags & TCPLIFE_F_FIN) && !r->fin_retrans;

    if (r->td_step && kind != TCPLIFE_TEARDOWN_NONE)
        put(o, "Teardown %u/%u (%s, %s closed first): ", (unsigned)r->td_step,
            tl_teardown_steps(kind), tl_teardown_name(kind), init);
    else if (r->td_step)
        put(o, "Teardown %u (%s closed first): ", (unsigned)r->td_step, init);
    else
        put(o, "Teardown (%s closed first): ", init);

    if (fin && r->rel_fin)
        put(o, "FIN from %s, acknowledging the peer's FIN", who);
    else if (fin)
        put(o, "FIN from %s", who);
    else if (r->rel_fin)
        put(o, "%s acknowledges the peer's FIN", who);
    else if (r->fin_retrans)
        put(o, "FIN from %s retransmitted", who);
    else if (r->len)
        put(o, "%s sends %u bytes", who, r->len);
    else
        put(o, "ACK from %s", who);
}

static void
reset(tl_out_t *o, const tl_result_t *r, const char *who)
{
    switch ((tl_rst_kind_t)r->rst_kind) {
    case TCPLIFE_RST_REFUSED:
        if (r->rel_rst)
            put(o, "Reset: RST from %s answers the SYN in %s: connection refused", who,
                frame_ref(o, r->rel_rst).s);
        else    /* RST+ACK, seq 0: the answer to a SYN the capture missed */
            put(o, "Reset: RST from %s answers a SYN the capture missed: connection refused", who);
        break;
    case TCPLIFE_RST_UNREAD_DATA:
        put(o, "Reset: RST from %s instead of FIN: closed with %u unread bytes", who,
            r->rst_unread_bytes);
        break;
    case TCPLIFE_RST_DATA_AFTER_CLOSE:
        if (r->rel_rst)
            put(o, "Reset: RST from %s answers data sent after its FIN (%s): data discarded",
                who, frame_ref(o, r->rel_rst).s);
        else
            put(o, "Reset: RST from %s answers data sent after its FIN: data discarded", who);
        break;
    case TCPLIFE_RST_ABORT:
        put(o, "Reset: RST from %s aborts the connection", who);
        break;
    case TCPLIFE_RST_TIMEOUT:
        put(o, "Reset: RST from %s, %s", who,
            r->rst_rule == TCPLIFE_RULE_KEEPALIVE ? "keepalive gave up" : "idle timeout");
        break;
    case TCPLIFE_RST_INJECTED:
        put(o, "Reset: RST claiming to be from %s, most likely forged", who);
        break;
    default:                            /* stray, or no kind */
        put(o, "Reset: stray RST from %s, no live connection (%s)", who,
            tl_rst_reason_name((tl_rst_reason_t)r->rst_reason));
        break;
    }
    if (r->rst_unacked_bytes)
        put(o, "; %u bytes unacknowledged, lost", r->rst_unacked_bytes);
}

size_t
tl_headline(const tl_result_t *r, const tl_frames_t *frames, char *buf, size_t size)
{
    tl_out_t o = { buf, size, 0, frames };
    const char *who = role(r->sender);

    if (size > 0)
        buf[0] = '\0';
    switch ((tl_phase_t)r->phase) {
    case TCPLIFE_PHASE_HANDSHAKE:
        handshake(&o, r, who);
        break;
    case TCPLIFE_PHASE_ESTABLISHED:
        established(&o, r, who);
        break;
    case TCPLIFE_PHASE_TEARDOWN:
        teardown(&o, r, who);
        break;
    case TCPLIFE_PHASE_RESET:
        reset(&o, r, who);
        break;
    case TCPLIFE_PHASE_CLOSED:
        put(&o, "Closed: %s segment after the connection ended", who);
        break;
    default:
        put(&o, "?");
        break;
    }
    put(&o, " \xe2\x80\x94 client %s, server %s",   /* em dash */
        tl_state_name((tl_state_t)r->state[TCPLIFE_ROLE_CLIENT]),
        tl_state_name((tl_state_t)r->state[TCPLIFE_ROLE_SERVER]));
    return o.len;
}
