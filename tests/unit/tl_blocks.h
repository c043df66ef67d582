/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tl_blocks.h - packet-script building blocks shared by the tracker's unit
 * tests: the handshake, a request/response and a client-first close, with
 * their complete verdicts. IPv4, client ISN 1000, server ISN 5000 (tl_run_init).
 */
#ifndef TCPLIFE_TL_BLOCKS_H
#define TCPLIFE_TL_BLOCKS_H

#include "tl_script.h"

/* Frames 1-3: the three-way handshake. */
#define HANDSHAKE                                                                    \
    /* 1 */ { C2S, "S",  0, 0, 0, .x = { "handshake", "SYN_SENT", "SYN_RECEIVED",    \
              .hs = 1, .api = API(CONNECT) } },                                      \
    /* 2 */ { S2C, "SA", 0, 1, 0, .x = { "handshake", "ESTABLISHED", "SYN_RECEIVED", \
              .hs = 2, .ack = ACK_OK, .api = API(SYN_QUEUE), .rel_syn = 1 } },       \
    /* 3 */ { C2S, "A",  1, 1, 0, .x = { "handshake", "ESTABLISHED", "ESTABLISHED",  \
              .hs = 3, .ack = ACK_OK, .api = API(CONNECT_RETURNS), .rel_syn = 2 } }

#define EST_ROW(dir, flags, seq, ack, len) \
    { dir, flags, seq, ack, len, .x = { "established", "ESTABLISHED", "ESTABLISHED" } }

/* Frames 4-7: 100 bytes up, 50 bytes down, each acknowledged. */
#define DATA                                       \
    /* 4 */ EST_ROW(C2S, "PA", 1, 1, 100),         \
    /* 5 */ EST_ROW(S2C, "A", 1, 101, 0),          \
    /* 6 */ EST_ROW(S2C, "PA", 1, 101, 50),        \
    /* 7 */ EST_ROW(C2S, "A", 101, 51, 0)

/* Frames 8-11: client-first four-way close after HANDSHAKE and DATA. */
#define CLIENT_FIRST_FOUR_WAY                                                                  \
    /* 8 */ { C2S, "FA", 101, 51, 0, .x = { "teardown", "FIN_WAIT_1", "CLOSE_WAIT",            \
              .td = 1, .init = "client", .api = API(CLOSE) } },                                \
    /* 9 */ { S2C, "A", 51, 102, 0, .x = { "teardown", "FIN_WAIT_2", "CLOSE_WAIT",             \
              .td = 2, .init = "client", .api = API(FIN_ACK), .rel_fin = 8 } },                \
    /* 10 */ { S2C, "FA", 51, 102, 0, .x = { "teardown", "TIME_WAIT", "LAST_ACK",              \
               .td = 3, .kind = "four-way", .init = "client", .api = API(CLOSE_AFTER_EOF) } }, \
    /* 11 */ { C2S, "A", 102, 52, 0, .x = { "teardown", "TIME_WAIT", "CLOSED",                 \
               .td = 4, .kind = "four-way", .init = "client", .api = API(FIN_ACK),             \
               .rel_fin = 10, .tw = "client" } }

#endif /* TCPLIFE_TL_BLOCKS_H */
