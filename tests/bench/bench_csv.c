/* Throughput of analyzer/csv.c: generates ~200 MB of discharge-like CSV (10 columns of short
 * strings and numbers, some quoted with embedded delimiters or doubled quotes, some UTF-8),
 * then parses it from memory and from a temporary file and prints MB/s (1 MB = 10^6 bytes).
 * Usage: bench_csv [megabytes]   (build with -O2). */
#define _POSIX_C_SOURCE 200809L /* mkstemp, close, unlink */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyzer/csv.h"

static const char *const first_names[] = {"John", "Maria", "Wei", "Fatima", "José", "Anna",
                                          "Jürgen", "Aiko", "Liam", "Olivia"};
static const char *const cities[] = {"Boston", "Springfield", "Zürich", "São Paulo", "Lyon",
                                     "Austin", "Portland", "Kraków", "Denver", "Seattle"};
static const char *const codes[] = {"E11.9", "I10", "J45.909", "N39.0", "K21.9",
                                    "F32.9", "M54.5", "R51", "Z00.00", "I25.10"};

static uint64_t rng_state = 88172645463325252ULL;

/* xorshift64: fast and deterministic, so every run parses the same bytes. */
static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static double seconds_now(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *generate(size_t target, size_t *len_out, size_t *records_out)
{
    size_t cap = target + 4096, len = 0, records = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    len += (size_t)snprintf(buf, cap, "id,name,age,sex,zip,admitted,diagnosis,charge,city,note\n");
    while (len < target) {
        uint64_t r = next_random();
        /* One record in 8 has a quoted note (with a delimiter or doubled quotes). */
        static const char *const notes[] = {"\"follow-up, 2 weeks\"",
                                            "\"patient said \"\"fine\"\"\"", "", "none",
                                            "none", "none", "none", "none",
                                            "none", "none", "none", "none",
                                            "none", "none", "none", "none"};
        int n = snprintf(buf + len, cap - len,
                         "%zu,%s,%u,%c,%05u,20%02u-%02u-%02u,%s,%u.%02u,%s,%s\n", records + 1,
                         first_names[(r >> 8) % 10], (unsigned)((r >> 12) % 90),
                         (r >> 20) & 1 ? 'F' : 'M', (unsigned)((r >> 21) % 100000),
                         (unsigned)((r >> 38) % 25), (unsigned)((r >> 43) % 12 + 1),
                         (unsigned)((r >> 47) % 28 + 1), codes[(r >> 52) % 10],
                         (unsigned)((r >> 24) % 50000), (unsigned)((r >> 56) % 100),
                         cities[(r >> 60) % 10], notes[r % 16]);
        len += (size_t)n;
        records++;
    }
    *len_out = len;
    *records_out = records;
    return buf;
}

/* Parses everything; returns the records read (header included) or -1 on error. */
static long long parse_all(edra_csv *csv, size_t *bytes_in_fields)
{
    char **fields;
    size_t *lengths, n_fields;
    long long records = 0;
    edra_error err = {0};
    int rc;
    *bytes_in_fields = 0;
    while ((rc = edra_csv_next(csv, &fields, &lengths, &n_fields, &err)) == 1) {
        records++;
        for (size_t i = 0; i < n_fields; i++)
            *bytes_in_fields += lengths[i];
    }
    if (rc < 0) {
        fprintf(stderr, "bench_csv: %s\n", err.msg);
        return -1;
    }
    return records;
}

int main(int argc, char **argv)
{
    size_t megabytes = argc > 1 ? strtoul(argv[1], NULL, 10) : 200;
    size_t len = 0, records = 0, field_bytes = 0;
    char path[] = "/tmp/bench_csv_XXXXXX";
    edra_error err = {0};
    edra_csv *csv = NULL;
    double best_memory = 0, best_file = 0;
    int status = EXIT_FAILURE, fd = -1, written = 0;
    char *buf = generate(megabytes * 1000000, &len, &records);
    if (!buf) {
        fprintf(stderr, "bench_csv: out of memory\n");
        return EXIT_FAILURE;
    }
    printf("generated %.1f MB, %zu data records\n", len / 1e6, records);

    for (int run = 0; run < 3; run++) {
        double t0 = seconds_now();
        if (edra_csv_open_buffer(&csv, buf, len, "bench", ',', &err) < 0)
            goto fail;
        long long got = parse_all(csv, &field_bytes);
        double t = seconds_now() - t0;
        edra_csv_free(csv);
        csv = NULL;
        if (got != (long long)records + 1)
            goto fail;
        if (len / 1e6 / t > best_memory)
            best_memory = len / 1e6 / t;
    }
    printf("memory: %.0f MB/s (best of 3; %zu bytes of field content)\n", best_memory, field_bytes);

    fd = mkstemp(path);
    written = fd >= 0;
    if (fd < 0 || write(fd, buf, len) != (ssize_t)len) {
        fprintf(stderr, "bench_csv: cannot write %s\n", path);
        goto done;
    }
    close(fd);
    fd = -1;
    for (int run = 0; run < 3; run++) {
        double t0 = seconds_now();
        if (edra_csv_open(&csv, path, 0, &err) < 0)
            goto fail;
        long long got = parse_all(csv, &field_bytes);
        double t = seconds_now() - t0;
        edra_csv_free(csv);
        csv = NULL;
        if (got != (long long)records + 1)
            goto fail;
        if (len / 1e6 / t > best_file)
            best_file = len / 1e6 / t;
    }
    printf("file (page cache, 1 MiB blocks): %.0f MB/s (best of 3)\n", best_file);
    status = EXIT_SUCCESS;
    goto done;
fail:
    fprintf(stderr, "bench_csv: %s\n", err.msg[0] ? err.msg : "wrong record count");
done:
    if (fd >= 0)
        close(fd);
    if (written)
        unlink(path);
    edra_csv_free(csv);
    free(buf);
    return status;
}
