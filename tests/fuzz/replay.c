/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * replay.c - runs files through the fuzz harness without libFuzzer, so any
 * compiler (gcc) and every CI run replays the seed corpus and the inputs
 * that once crashed (tests/fuzz/regressions/).
 *
 *     replay FILE|DIR...
 *
 * Each argument is a file or a directory of files (not recursive; names
 * starting with '.', README files and captures, *.pcap and *.pcapng, which
 * are tests/fuzz/tshark-mutate.sh's, are skipped). An invariant violation
 * aborts, as under libFuzzer; the name of the file is printed before it
 * runs. Exits 0 when every file ran, 2 on a usage or I/O error.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (!f) {
        perror(path);
        return -1;
    }
    for (;;) {
        if (cap - len < 4096) {
            uint8_t *nb;
            cap = cap ? cap * 2 : 65536;
            nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return -1;
            }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

static bool
skipped(const char *name)
{
    size_t n = strlen(name);

    return name[0] == '.' || strncmp(name, "README", 6) == 0
        || (n > 5 && strcmp(name + n - 5, ".pcap") == 0)
        || (n > 7 && strcmp(name + n - 7, ".pcapng") == 0);
}

static int
cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
    unsigned files = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        DIR *d;
        struct dirent *e;
        char **names = NULL;
        size_t nn = 0;

        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            return 2;
        }
        if (!S_ISDIR(st.st_mode)) {
            if (run_file(argv[i]) != 0)
                return 2;
            files++;
            continue;
        }
        if (!(d = opendir(argv[i]))) {
            perror(argv[i]);
            return 2;
        }
        while ((e = readdir(d)) != NULL) {
            char **nn_;
            if (skipped(e->d_name))
                continue;
            nn_ = realloc(names, (nn + 1) * sizeof *names);
            if (!nn_)
                return 2;
            names = nn_;
            names[nn] = malloc(strlen(argv[i]) + strlen(e->d_name) + 2);
            if (!names[nn])
                return 2;
            sprintf(names[nn], "%s/%s", argv[i], e->d_name);
            nn++;
        }
        closedir(d);
        qsort(names, nn, sizeof *names, cmp);      /* same order every run */
        for (size_t k = 0; k < nn; k++) {
            if (stat(names[k], &st) == 0 && S_ISREG(st.st_mode)) {
                if (run_file(names[k]) != 0)
                    return 2;
                files++;
            }
            free(names[k]);
        }
        free(names);
    }
    printf("replay: %u files, no invariant violated\n", files);
    return 0;
}
