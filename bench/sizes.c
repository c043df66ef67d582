/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sizes.c - sizeof the structures the plugin keeps, printed beside the
 * plugin's own count of its state in bench/run.sh. Compiled against the
 * same headers as the plugin (pkg-config wireshark).
 */
#include <stdio.h>

#include "tl_glue.h"
#include "tcplife/tl_pack.h"

int
main(void)
{
    printf("tl_stored_t %zu\n", sizeof(tl_stored_t));
    printf("tl_layer_result_t %zu\n", sizeof(tl_layer_result_t));
    printf("tl_result_t %zu\n", sizeof(tl_result_t));
    printf("tl_packed_max %zu\n", (size_t)TCPLIFE_PACKED_MAX);
    printf("tl_conn_rec_t %zu\n", sizeof(tl_conn_rec_t));
    printf("tl_conn_t %zu\n", sizeof(tl_conn_t));
    printf("tl_zeek_t %zu\n", sizeof(tl_zeek_t));
    printf("tl_segment_t %zu\n", sizeof(tl_segment_t));
    printf("tl_extracted_t %zu\n", sizeof(tl_extracted_t));
    return 0;
}
