/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * replay_core.c - feed a capture's segments to the tracker core alone, for
 * instruction counts under callgrind (bench/run.sh).
 *
 *   replay_core SEGMENTS.tsv [--no-tcpdump] [--no-zeek] [--print-tcpdump]
 *
 * SEGMENTS.tsv is tshark -T fields -E occurrence=f output with these
 * columns (bench/run.sh writes it):
 *   tcp.stream frame.number frame.time_epoch ip.src ipv6.src ip.dst ipv6.dst
 *   tcp.srcport tcp.dstport tcp.flags tcp.seq_raw tcp.ack_raw tcp.len
 *   tcp.window_size_value tcp.options.mss_val tcp.options.wscale.shift
 *   tcp.options.sack_perm tcp.options.timestamp.tsval
 *   tcp.options.timestamp.tsecr tcp.urgent_pointer tcp.options
 *
 * Everything is parsed into memory first; replay() then does per segment
 * what the plugin's first pass does with the core: tl_conn_observe(),
 * tl_tcpdump_format() (unless --no-tcpdump) and tl_zeek_observe() (unless
 * --no-zeek), on per-stream state in a flat array. Run it with
 *   valgrind --tool=callgrind --toggle-collect=replay ./replay_core SEG.tsv
 * so that only replay() is counted. --print-tcpdump prints each segment's
 * tcplife.tcpdump string (frame, tab, string): a check that a change to the
 * formatter keeps its output.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcplife/tl_core.h"
#include "tcplife/tl_zeek.h"

typedef struct {
    uint32_t     stream;
    tl_segment_t seg;
    uint8_t      opts[40];
} rec_t;

typedef struct {
    tl_conn_t conn;
    tl_zeek_t zeek;
} state_t;

static rec_t  *recs;
static size_t  n_recs, cap_recs;
static state_t *states;
static uint32_t n_streams;

/* Split a line on tabs in place; returns the number of fields. */
static int
split(char *line, char **f, int max)
{
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') {
            *p = '\0';
            f[n++] = p + 1;
        }
    return n;
}

static void
addr(tl_addr_t *a, const char *v4, const char *v6)
{
    memset(a, 0, sizeof *a);
    if (*v4 && inet_pton(AF_INET, v4, a->bytes) == 1)
        a->family = 4;
    else if (*v6 && inet_pton(AF_INET6, v6, a->bytes) == 1)
        a->family = 6;
}

static int
hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void
load(FILE *in)
{
    char line[1024];

    while (fgets(line, sizeof line, in)) {
        char *f[21];
        rec_t *r;
        tl_segment_t *s;
        char *dot;

        line[strcspn(line, "\r\n")] = '\0';
        if (split(line, f, 21) < 21 || !*f[0] || !*f[9])
            continue;
        if (n_recs == cap_recs) {
            cap_recs = cap_recs ? cap_recs * 2 : 65536;
            recs = realloc(recs, cap_recs * sizeof *recs);
            if (!recs) { perror("realloc"); exit(1); }
        }
        r = &recs[n_recs++];
        memset(r, 0, sizeof *r);
        s = &r->seg;
        r->stream = (uint32_t)strtoul(f[0], NULL, 10);
        if (r->stream + 1 > n_streams)
            n_streams = r->stream + 1;
        s->frame = (uint32_t)strtoul(f[1], NULL, 10);
        s->time_ns = strtoll(f[2], &dot, 10) * 1000000000LL;
        if (*dot == '.') {
            long long frac = 0;
            int digits = 0;
            for (char *p = dot + 1; *p >= '0' && *p <= '9' && digits < 9; p++, digits++)
                frac = frac * 10 + (*p - '0');
            while (digits++ < 9)
                frac *= 10;
            s->time_ns += frac;
        }
        addr(&s->src, f[3], f[4]);
        addr(&s->dst, f[5], f[6]);
        s->sport = (uint16_t)strtoul(f[7], NULL, 10);
        s->dport = (uint16_t)strtoul(f[8], NULL, 10);
        s->flags = (uint16_t)strtoul(f[9], NULL, 0);
        s->seq = (uint32_t)strtoul(f[10], NULL, 10);
        s->ack = (uint32_t)strtoul(f[11], NULL, 10);
        s->len = (uint32_t)strtoul(f[12], NULL, 10);
        s->win = (uint32_t)strtoul(f[13], NULL, 10);
        if (*f[14]) { s->has_mss = true; s->mss = (uint16_t)strtoul(f[14], NULL, 10); }
        if (*f[15]) { s->has_wscale = true; s->wscale = (uint8_t)strtoul(f[15], NULL, 10); }
        s->sack_perm = *f[16] != '\0';
        if (*f[17] && *f[18]) {
            s->has_ts = true;
            s->tsval = (uint32_t)strtoul(f[17], NULL, 10);
            s->tsecr = (uint32_t)strtoul(f[18], NULL, 10);
        }
        s->urp = (uint16_t)strtoul(f[19], NULL, 10);
        for (const char *p = f[20]; p[0] && p[1] && r->seg.opt_len < sizeof r->opts; ) {
            int hi = hexval(p[0]), lo = hexval(p[1]);
            if (hi < 0 || lo < 0) { p++; continue; }   /* separators */
            r->opts[r->seg.opt_len++] = (uint8_t)(hi << 4 | lo);
            p += 2;
        }
    }
}

static int do_tcpdump = 1, do_zeek = 1, print_tcpdump;
static volatile size_t sink;

/* The measured part (callgrind --toggle-collect=replay). */
__attribute__((noinline)) static void
replay(const tl_config_t *cfg)
{
    for (size_t i = 0; i < n_recs; i++) {
        rec_t *r = &recs[i];
        state_t *st = &states[r->stream];
        tl_result_t res;

        tl_conn_observe(&st->conn, cfg, &r->seg, &res);
        if (do_tcpdump) {
            char buf[512];
            sink += tl_tcpdump_format(&st->conn.tcpdump, &r->seg, buf, sizeof buf);
            if (print_tcpdump)
                printf("%u\t%s\n", r->seg.frame, buf);
        }
        if (do_zeek)
            tl_zeek_observe(&st->zeek, &r->seg);
        sink += res.phase;
    }
}

int
main(int argc, char **argv)
{
    tl_config_t cfg = { .time_wait_ns = 60LL * 1000000000 };
    FILE *in;

    if (argc < 2) {
        fprintf(stderr, "usage: replay_core SEGMENTS.tsv [--no-tcpdump] [--no-zeek]\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--no-tcpdump")) do_tcpdump = 0;
        else if (!strcmp(argv[i], "--no-zeek")) do_zeek = 0;
        else if (!strcmp(argv[i], "--print-tcpdump")) print_tcpdump = 1;
    }
    in = strcmp(argv[1], "-") ? fopen(argv[1], "r") : stdin;
    if (!in) { perror(argv[1]); return 2; }
    load(in);
    for (size_t i = 0; i < n_recs; i++)
        recs[i].seg.opt_bytes = recs[i].seg.opt_len ? recs[i].opts : NULL;
    states = calloc(n_streams ? n_streams : 1, sizeof *states);
    for (uint32_t s = 0; s < n_streams; s++) {
        tl_conn_init(&states[s].conn);
        tl_zeek_init(&states[s].zeek);
    }
    replay(&cfg);
    printf("segments %zu streams %u\n", n_recs, n_streams);
    return 0;
}
