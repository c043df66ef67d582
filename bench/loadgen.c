/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loadgen.c - the HTTP/1.1 client and server behind bench/make-big-capture.sh.
 *
 *   loadgen server                      listen on :80 and :8080 (v4 and v6)
 *   loadgen client V4ADDR V6ADDR IFACE PACKETS [CONCURRENCY] [SEED]
 *
 * Both are single-threaded epoll loops on non-blocking sockets, run inside
 * their own network namespace, so the real Linux stack makes every segment.
 * The client keeps CONCURRENCY connections open and starts new ones, each
 * with a lifecycle drawn from a fixed mix (below), until IFACE has carried
 * PACKETS packets (tx + rx, from /sys/class/net/IFACE/statistics), then
 * lets the open ones finish. Everything on the wire is valid HTTP/1.1 on
 * port 80 or 8080 (the refused connections go to port 81, where nothing
 * listens), so tshark's HTTP dissector takes its ordinary paths.
 *
 * Lifecycles (client side; weights in mix[]):
 *   keep      1-3 GETs on a keep-alive connection, then the client closes
 *             (client FIN first; the server's read() returns 0, it closes)
 *   sclose    GET with "Connection: close": the server closes first
 *   half      POST /upload, then shutdown(SHUT_WR); the server reads to EOF
 *             and answers after the client's FIN (half-close), then closes
 *   cunread   GET of a large object; the client closes after the first read
 *             with data still unread: RST instead of FIN from the client
 *   sunread   POST /discard with a large body; the server answers 413 and
 *             closes without reading it: RST from the server
 *   abort     GET, response read, then close() with SO_LINGER 0: RST
 *   refused   connect() to port 81: SYN, RST (ECONNREFUSED)
 *   long      GET of a 1-2 MB object on :8080 (a long transfer)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BODY_SZ 65536
static char body[BODY_SZ];
static char scratch[65536];

static void
die(const char *what)
{
    perror(what);
    exit(1);
}

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Plausible HTML text as the body of every response and request. */
static void
fill_body(void)
{
    static const char *const words[] = {
        "lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing",
        "elit", "sed", "do", "eiusmod", "tempor", "incididunt", "ut", "labore",
        "et", "dolore", "magna", "aliqua", "enim", "ad", "minim", "veniam",
    };
    size_t n = 0, w = 0;

    while (n < BODY_SZ) {
        const char *s;
        char tmp[64];
        if (w % 24 == 0)
            s = "</p>\n<p>";
        else
            s = words[(w * 7 + w / 5) % (sizeof words / sizeof words[0])];
        snprintf(tmp, sizeof tmp, "%s ", s);
        for (const char *p = tmp; *p && n < BODY_SZ; p++)
            body[n++] = *p;
        w++;
    }
}

static void
ep_set(int ep, int op, int fd, uint32_t events, void *ptr)
{
    struct epoll_event ev = { .events = events, .data.ptr = ptr };
    if (epoll_ctl(ep, op, fd, &ev) < 0 && op != EPOLL_CTL_DEL)
        die("epoll_ctl");
}

/* ------------------------------------------------------------------ */
/* Server                                                              */
/* ------------------------------------------------------------------ */

enum { S_RD_HDR, S_RD_BODY, S_RD_EOF, S_WR };

typedef struct {
    int      fd;
    int      listener;          /* 1: a listening socket */
    int      state;
    char     buf[4096];
    size_t   buflen;
    long     body_left;         /* request body still to read */
    char     hdr[256];
    size_t   hdr_len, hdr_off;
    long     resp_left;         /* response body still to send */
    long     resp_sent;
    int      close_after;
    int      is_upload;
    long     upload_len;
} sconn_t;

static void
s_close(int ep, sconn_t *c)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c);
}

static void
s_respond(int ep, sconn_t *c, int code, const char *reason, long len, int close_after)
{
    c->hdr_len = (size_t)snprintf(c->hdr, sizeof c->hdr,
        "HTTP/1.1 %d %s\r\nServer: tlbench/1.0\r\nContent-Type: text/html; charset=utf-8\r\n"
        "Content-Length: %ld\r\nConnection: %s\r\n\r\n",
        code, reason, len, close_after ? "close" : "keep-alive");
    c->hdr_off = 0;
    c->resp_left = len;
    c->resp_sent = 0;
    c->close_after = close_after;
    c->state = S_WR;
    ep_set(ep, EPOLL_CTL_MOD, c->fd, EPOLLOUT, c);
}

static long
hdr_long(const char *hdrs, const char *name)
{
    const char *p = strcasestr(hdrs, name);
    return p ? strtol(p + strlen(name), NULL, 10) : -1;
}

/* A complete request header block is in c->buf: decide the answer. */
static void
s_request(int ep, sconn_t *c, size_t hdr_end)
{
    char *h = c->buf;
    int close_req;
    long clen;
    size_t extra = c->buflen - hdr_end;

    h[hdr_end - 1] = '\0';
    close_req = strcasestr(h, "\r\nConnection: close") != NULL;
    clen = hdr_long(h, "\r\nContent-Length:");
    if (strncmp(h, "POST /discard", 13) == 0) {
        /* Too large: answer and close without reading the body (RST). */
        s_respond(ep, c, 413, "Payload Too Large", 0, 1);
        return;
    }
    if (strncmp(h, "POST /upload", 12) == 0) {
        c->is_upload = 1;
        c->upload_len = clen > 0 ? clen : 0;
        c->body_left = (clen > 0 ? clen : 0) - (long)extra;
        c->buflen = 0;
        c->state = c->body_left > 0 ? S_RD_BODY : S_RD_EOF;
        return;
    }
    if (strncmp(h, "GET /obj?size=", 14) == 0) {
        long n = strtol(h + 14, NULL, 10);
        c->buflen = 0;
        s_respond(ep, c, 200, "OK", n < 0 ? 0 : n, close_req);
        return;
    }
    c->buflen = 0;
    s_respond(ep, c, 404, "Not Found", 0, close_req);
}

static void
s_readable(int ep, sconn_t *c)
{
    for (;;) {
        ssize_t r;
        if (c->state == S_RD_HDR) {
            if (c->buflen >= sizeof c->buf - 1) { s_close(ep, c); return; }
            r = recv(c->fd, c->buf + c->buflen, sizeof c->buf - 1 - c->buflen, 0);
        } else if (c->state == S_RD_BODY || c->state == S_RD_EOF) {
            r = recv(c->fd, scratch, sizeof scratch, 0);
        } else {
            return;
        }
        if (r < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            s_close(ep, c);
            return;
        }
        if (r == 0) {
            if (c->state == S_RD_EOF && c->is_upload) {
                /* The client half-closed: answer after its FIN. */
                char msg[32];
                int n = snprintf(msg, sizeof msg, "%ld", c->upload_len);
                s_respond(ep, c, 201, "Created", n, 1);
                return;
            }
            s_close(ep, c);   /* passive close: read() returned 0 */
            return;
        }
        if (c->state == S_RD_HDR) {
            char *end;
            c->buflen += (size_t)r;
            c->buf[c->buflen] = '\0';
            end = strstr(c->buf, "\r\n\r\n");
            if (end) {
                s_request(ep, c, (size_t)(end - c->buf) + 4);
                if (c->state == S_WR)
                    return;
            }
        } else if (c->state == S_RD_BODY) {
            c->body_left -= r;
            if (c->body_left <= 0)
                c->state = S_RD_EOF;
        }
        /* S_RD_EOF: bytes beyond the body are ignored */
    }
}

static void
s_writable(int ep, sconn_t *c)
{
    while (c->hdr_off < c->hdr_len || c->resp_left > 0) {
        ssize_t w;
        if (c->hdr_off < c->hdr_len) {
            /* Header and the start of the body in one send, like a server. */
            struct iovec iov[2];
            struct msghdr m = { .msg_iov = iov, .msg_iovlen = 1 };
            iov[0].iov_base = c->hdr + c->hdr_off;
            iov[0].iov_len = c->hdr_len - c->hdr_off;
            if (c->resp_left > 0) {
                iov[1].iov_base = body;
                iov[1].iov_len = (size_t)(c->resp_left < BODY_SZ ? c->resp_left : BODY_SZ);
                m.msg_iovlen = 2;
            }
            w = sendmsg(c->fd, &m, MSG_NOSIGNAL);
            if (w > 0) {
                size_t h = c->hdr_len - c->hdr_off;
                if ((size_t)w <= h) {
                    c->hdr_off += (size_t)w;
                } else {
                    c->hdr_off = c->hdr_len;
                    c->resp_left -= (long)((size_t)w - h);
                    c->resp_sent += (long)((size_t)w - h);
                }
            }
        } else {
            size_t off = (size_t)(c->resp_sent % BODY_SZ);
            size_t n = BODY_SZ - off;
            if ((long)n > c->resp_left)
                n = (size_t)c->resp_left;
            w = send(c->fd, body + off, n, MSG_NOSIGNAL);
            if (w > 0) {
                c->resp_left -= w;
                c->resp_sent += w;
            }
        }
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            s_close(ep, c);
            return;
        }
    }
    if (c->close_after) {
        s_close(ep, c);   /* FIN after the data (or RST with unread input) */
        return;
    }
    c->state = S_RD_HDR;
    c->buflen = 0;
    ep_set(ep, EPOLL_CTL_MOD, c->fd, EPOLLIN, c);
    s_readable(ep, c);
}

static int
s_listen(int port)
{
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port),
                              .sin6_addr = IN6ADDR_ANY_INIT };
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1, zero = 0;

    if (fd < 0)
        die("socket");
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0)
        die("bind");
    if (listen(fd, 4096) < 0)
        die("listen");
    return fd;
}

static int
server_main(void)
{
    int ep = epoll_create1(0);
    static const int ports[] = { 80, 8080 };
    struct epoll_event evs[256];

    for (size_t i = 0; i < 2; i++) {
        sconn_t *l = calloc(1, sizeof *l);
        l->fd = s_listen(ports[i]);
        l->listener = 1;
        ep_set(ep, EPOLL_CTL_ADD, l->fd, EPOLLIN, l);
    }
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        int n = epoll_wait(ep, evs, 256, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            sconn_t *c = evs[i].data.ptr;
            if (c->listener) {
                int fd;
                while ((fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    sconn_t *nc = calloc(1, sizeof *nc);
                    nc->fd = fd;
                    nc->state = S_RD_HDR;
                    ep_set(ep, EPOLL_CTL_ADD, fd, EPOLLIN, nc);
                }
                continue;
            }
            if (c->state == S_WR)
                s_writable(ep, c);
            else
                s_readable(ep, c);
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Client                                                              */
/* ------------------------------------------------------------------ */

enum { T_KEEP, T_SCLOSE, T_HALF, T_CUNREAD, T_SUNREAD, T_ABORT, T_REFUSED, T_LONG, T_COUNT };
static const char *const tname[T_COUNT] = {
    "keep", "sclose", "half", "cunread", "sunread", "abort", "refused", "long",
};
/* Weights in 1/1000 of the connections. */
static const int mix[T_COUNT] = { 340, 300, 90, 50, 50, 50, 118, 2 };

enum { C_CONNECTING, C_ACTIVE, C_WAIT_EOF };

typedef struct cconn {
    int      fd;
    int      type;
    int      state;
    int      reqs_left;
    char     req[512];
    size_t   req_len, req_off;
    long     body_left;          /* request body still to send */
    long     body_sent;
    int      writing;
    char     hdr[4096];
    size_t   hdr_len;
    int      in_body;
    long     resp_left;          /* response body still to read */
    double   last_progress;
    struct cconn *prev, *next;
} cconn_t;

static struct {
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
    unsigned long started[T_COUNT], done[T_COUNT], failed[T_COUNT];
    unsigned long addr_busy, timeouts;
    cconn_t *live;
    int active;
    uint64_t rng;
} cl;

static uint32_t
rnd(void)
{
    /* xorshift64*: deterministic for a given seed */
    cl.rng ^= cl.rng >> 12;
    cl.rng ^= cl.rng << 25;
    cl.rng ^= cl.rng >> 27;
    return (uint32_t)((cl.rng * 2685821657736338717ULL) >> 32);
}

static double
urand(void)
{
    return rnd() / 4294967296.0;
}

/* Response sizes: log-uniform from 150 B to 15 KB (most pages are small). */
static long
obj_size(void)
{
    return (long)(150.0 * pow(100.0, urand()));
}

static void
c_unlink(cconn_t *c)
{
    if (c->prev) c->prev->next = c->next; else cl.live = c->next;
    if (c->next) c->next->prev = c->prev;
    cl.active--;
}

static void
c_finish(int ep, cconn_t *c, int ok, int linger0)
{
    if (linger0) {
        struct linger l = { 1, 0 };
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    if (ok) cl.done[c->type]++; else cl.failed[c->type]++;
    c_unlink(c);
    free(c);
}

static void
c_request(cconn_t *c)
{
    const char *host = "bench.tcplife.test";
    long sz;

    c->req_off = 0;
    c->body_left = 0;
    c->body_sent = 0;
    switch (c->type) {
    case T_KEEP:
    case T_ABORT:
        sz = obj_size();
        c->req_len = (size_t)snprintf(c->req, sizeof c->req,
            "GET /obj?size=%ld HTTP/1.1\r\nHost: %s\r\nUser-Agent: tlbench/1.0\r\n"
            "Accept: text/html,*/*\r\nConnection: keep-alive\r\n\r\n", sz, host);
        break;
    case T_SCLOSE:
        sz = obj_size();
        c->req_len = (size_t)snprintf(c->req, sizeof c->req,
            "GET /obj?size=%ld HTTP/1.1\r\nHost: %s\r\nUser-Agent: tlbench/1.0\r\n"
            "Accept: text/html,*/*\r\nConnection: close\r\n\r\n", sz, host);
        break;
    case T_CUNREAD:
        c->req_len = (size_t)snprintf(c->req, sizeof c->req,
            "GET /obj?size=262144 HTTP/1.1\r\nHost: %s\r\nUser-Agent: tlbench/1.0\r\n"
            "Accept: */*\r\nConnection: close\r\n\r\n", host);
        break;
    case T_LONG:
        sz = 1000000 + (long)(rnd() % 1000000);
        c->req_len = (size_t)snprintf(c->req, sizeof c->req,
            "GET /obj?size=%ld HTTP/1.1\r\nHost: %s\r\nUser-Agent: tlbench/1.0\r\n"
            "Accept: */*\r\nConnection: %s\r\n\r\n", sz, host, rnd() % 2 ? "close" : "keep-alive");
        break;
    case T_HALF:
        c->body_left = 200 + (long)(rnd() % 6000);
        c->req_len = (size_t)snprintf(c->req, sizeof c->req,
            "POST /upload HTTP/1.1\r\nHost: %s\r\nUser-Agent: tlbench/1.0\r\n"
            "Content-Type: text/plain\r\nContent-Length: %ld\r\n\r\n", host, c->body_left);
        break;
    case T_SUNREAD:
        c->body_left = 20000 + (long)(rnd() % 20000);
        c->req_len = (size_t)snprintf(c->req, sizeof c->req,
            "POST /discard HTTP/1.1\r\nHost: %s\r\nUser-Agent: tlbench/1.0\r\n"
            "Content-Type: text/plain\r\nContent-Length: %ld\r\n\r\n", host, c->body_left);
        break;
    }
    c->writing = 1;
    c->hdr_len = 0;
    c->in_body = 0;
}

static void c_readable(int ep, cconn_t *c);
static int c_writable(int ep, cconn_t *c);

static void
c_events(int ep, cconn_t *c)
{
    uint32_t ev = c->state == C_CONNECTING ? EPOLLOUT : EPOLLIN | (c->writing ? EPOLLOUT : 0);
    ep_set(ep, EPOLL_CTL_MOD, c->fd, ev, c);
}

static void
c_start(int ep)
{
    cconn_t *c = calloc(1, sizeof *c);
    int u = (int)(rnd() % 1000), t = 0, v6 = rnd() % 10 == 0;
    struct sockaddr_in a4 = cl.v4;
    struct sockaddr_in6 a6 = cl.v6;
    uint16_t port;
    int r;

    while (u >= mix[t]) { u -= mix[t]; t++; }
    c->type = t;
    port = t == T_REFUSED ? 81 : t == T_LONG ? 8080 : (rnd() % 3 == 0 ? 8080 : 80);
    c->fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0)
        die("socket");
    a4.sin_port = a6.sin6_port = htons(port);
    r = v6 ? connect(c->fd, (struct sockaddr *)&a6, sizeof a6)
           : connect(c->fd, (struct sockaddr *)&a4, sizeof a4);
    if (r < 0 && errno != EINPROGRESS) {
        if (errno == EADDRNOTAVAIL)
            cl.addr_busy++;
        else
            cl.failed[t]++;
        close(c->fd);
        free(c);
        return;
    }
    cl.started[t]++;
    c->state = C_CONNECTING;
    c->reqs_left = t == T_KEEP ? 1 + (int)(rnd() % 3) : 1;
    c->last_progress = now_s();
    c->next = cl.live;
    if (cl.live) cl.live->prev = c;
    cl.live = c;
    cl.active++;
    ep_set(ep, EPOLL_CTL_ADD, c->fd, EPOLLOUT, c);
}

static int
c_writable(int ep, cconn_t *c)
{
    if (c->state == C_CONNECTING) {
        int err = 0;
        socklen_t l = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
        if (err) {
            c_finish(ep, c, c->type == T_REFUSED && err == ECONNREFUSED, 0);
            return 0;
        }
        if (c->type == T_REFUSED) {   /* port 81 answered?! */
            c_finish(ep, c, 0, 0);
            return 0;
        }
        c->state = C_ACTIVE;
        c_request(c);
    }
    while (c->writing) {
        ssize_t w;
        if (c->req_off < c->req_len) {
            w = send(c->fd, c->req + c->req_off, c->req_len - c->req_off,
                     MSG_NOSIGNAL | (c->body_left ? MSG_MORE : 0));
            if (w > 0) c->req_off += (size_t)w;
        } else if (c->body_left > 0) {
            size_t off = (size_t)(c->body_sent % BODY_SZ), n = BODY_SZ - off;
            if ((long)n > c->body_left) n = (size_t)c->body_left;
            w = send(c->fd, body + off, n, MSG_NOSIGNAL);
            if (w > 0) { c->body_left -= w; c->body_sent += w; }
        } else {
            c->writing = 0;
            if (c->type == T_HALF)
                shutdown(c->fd, SHUT_WR);   /* FIN: the server answers after it */
            break;
        }
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            /* sunread: the server reset us while we were sending */
            c_finish(ep, c, c->type == T_SUNREAD, 0);
            return 0;
        }
        c->last_progress = now_s();
    }
    c_events(ep, c);
    return 1;
}

/* One response complete: next request, close, or wait for the server's FIN. */
static void
c_response_done(int ep, cconn_t *c)
{
    if (--c->reqs_left > 0) {
        c_request(c);
        c_writable(ep, c);
        return;
    }
    switch (c->type) {
    case T_KEEP:
        c_finish(ep, c, 1, 0);            /* client closes first */
        return;
    case T_ABORT:
        c_finish(ep, c, 1, 1);            /* SO_LINGER 0: RST */
        return;
    case T_LONG:
        if (!strcasestr(c->req, "Connection: close")) {
            c_finish(ep, c, 1, 0);
            return;
        }
        /* fall through */
    default:
        c->state = C_WAIT_EOF;            /* the server closes first */
        return;
    }
}

static void
c_readable(int ep, cconn_t *c)
{
    for (;;) {
        ssize_t r;
        if (c->type == T_CUNREAD) {
            /* Read a little of the response, close with the rest unread: RST. */
            r = recv(c->fd, c->hdr, 100, 0);
            if (r > 0) {
                c_finish(ep, c, 1, 0);
                return;
            }
        } else if (!c->in_body && c->state != C_WAIT_EOF)
            r = recv(c->fd, c->hdr + c->hdr_len, sizeof c->hdr - 1 - c->hdr_len, 0);
        else
            r = recv(c->fd, scratch, sizeof scratch, 0);
        if (r < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            c_finish(ep, c, c->type == T_SUNREAD, 0);
            return;
        }
        c->last_progress = now_s();
        if (r == 0) {
            c_finish(ep, c, c->state == C_WAIT_EOF || c->type == T_SUNREAD, 0);
            return;
        }
        if (c->state == C_WAIT_EOF)
            continue;
        if (!c->in_body) {
            char *end;
            long clen;
            c->hdr_len += (size_t)r;
            c->hdr[c->hdr_len] = '\0';
            end = strstr(c->hdr, "\r\n\r\n");
            if (!end) {
                if (c->hdr_len >= sizeof c->hdr - 1) { c_finish(ep, c, 0, 0); return; }
                continue;
            }
            clen = hdr_long(c->hdr, "\r\nContent-Length:");
            c->in_body = 1;
            c->resp_left = (clen > 0 ? clen : 0) - (long)(c->hdr_len - (size_t)(end + 4 - c->hdr));
        } else {
            c->resp_left -= r;
        }
        if (c->resp_left <= 0) {
            c->in_body = 0;
            c->hdr_len = 0;
            c_response_done(ep, c);
            return;   /* c may be gone */
        }
    }
}

static unsigned long
if_packets(const char *ifname)
{
    static const char *const what[] = { "tx_packets", "rx_packets" };
    unsigned long total = 0;
    for (int i = 0; i < 2; i++) {
        char path[256];
        unsigned long v = 0;
        FILE *f;
        snprintf(path, sizeof path, "/sys/class/net/%s/statistics/%s", ifname, what[i]);
        f = fopen(path, "r");
        if (!f)
            die(path);
        if (fscanf(f, "%lu", &v) != 1)
            v = 0;
        fclose(f);
        total += v;
    }
    return total;
}

static int
client_main(int argc, char **argv)
{
    const char *ifname;
    unsigned long target, base, pk = 0;
    int conc, ep;
    struct epoll_event evs[256];
    double t0 = now_s(), last_check = 0, drain_start = 0, last_sweep = t0;
    int stopping = 0;

    if (argc < 6) {
        fprintf(stderr, "usage: loadgen client V4 V6 IFACE PACKETS [CONCURRENCY] [SEED]\n");
        return 2;
    }
    cl.v4.sin_family = AF_INET;
    cl.v6.sin6_family = AF_INET6;
    if (inet_pton(AF_INET, argv[2], &cl.v4.sin_addr) != 1 || inet_pton(AF_INET6, argv[3], &cl.v6.sin6_addr) != 1) {
        fprintf(stderr, "bad address\n");
        return 2;
    }
    ifname = argv[4];
    target = strtoul(argv[5], NULL, 10);
    conc = argc > 6 ? atoi(argv[6]) : 48;
    cl.rng = argc > 7 ? strtoull(argv[7], NULL, 10) * 0x9E3779B97F4A7C15ULL + 1 : 0x1234567ULL;
    base = if_packets(ifname);
    ep = epoll_create1(0);

    for (;;) {
        double now = now_s();
        int n;
        if (!stopping) {
            while (cl.active < conc)
                c_start(ep);
            if (now - last_check > 0.05) {
                last_check = now;
                pk = if_packets(ifname) - base;
                if (pk >= target) {
                    stopping = 1;
                    drain_start = now;
                }
            }
        }
        if (stopping && (cl.active == 0 || now - drain_start > 30))
            break;
        n = epoll_wait(ep, evs, 256, 20);
        if (n < 0 && errno != EINTR)
            die("epoll_wait");
        for (int i = 0; i < n; i++) {
            cconn_t *c = evs[i].data.ptr;
            /* Events for one connection arrive once per epoll_wait. */
            if (c->state == C_CONNECTING) {
                c_writable(ep, c);
            } else if (evs[i].events & EPOLLOUT) {
                if (c_writable(ep, c) && (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
                    c_readable(ep, c);
            } else {
                c_readable(ep, c);
            }
        }
        /* Connections with no progress for 20 s are given up. */
        if (now - last_sweep > 0.5) {
            last_sweep = now;
            cconn_t *c = cl.live, *next;
            for (; c; c = next) {
                next = c->next;
                if (now - c->last_progress > 20) {
                    cl.timeouts++;
                    c_finish(ep, c, 0, 0);
                }
            }
        }
    }
    pk = if_packets(ifname) - base;
    fprintf(stderr, "loadgen: %lu packets on %s in %.1f s; connections by lifecycle "
            "(started/done/failed):", pk, ifname, now_s() - t0);
    unsigned long total = 0;
    for (int t = 0; t < T_COUNT; t++) {
        fprintf(stderr, " %s %lu/%lu/%lu", tname[t], cl.started[t], cl.done[t], cl.failed[t]);
        total += cl.started[t];
    }
    fprintf(stderr, "; total %lu, left open %d, no free port %lu, timeouts %lu\n",
            total, cl.active, cl.addr_busy, cl.timeouts);
    return 0;
}

int
main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    fill_body();
    if (argc >= 2 && strcmp(argv[1], "server") == 0)
        return server_main();
    if (argc >= 2 && strcmp(argv[1], "client") == 0)
        return client_main(argc, argv);
    fprintf(stderr, "usage: loadgen server | loadgen client V4 V6 IFACE PACKETS [CONCURRENCY] [SEED]\n");
    return 2;
}
