/* Parsing on a thread of its own: the thread fills a ring of batches (the kept fields of up
 * to BATCH_ROWS records, copied back to back, with their lines), the caller empties them in
 * order. A batch belongs to the thread from the moment the caller releases it until the
 * thread publishes it again, so the batches themselves need no lock; the counters of
 * batches produced and consumed, the end and the stop request are under one mutex. */
#define _POSIX_C_SOURCE 200809L
#include "rowpipe.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Records per batch, and batches in the ring: enough that neither side waits on the
 * other's every record, few enough that the ring stays in the caches. */
#define BATCH_ROWS 4096
#define N_BATCHES 4

typedef struct {
    char *text;            /* the kept fields, each NUL-terminated */
    size_t used, cap;
    size_t *starts, *lens; /* [BATCH_ROWS][n_cols] */
    uint32_t *codes;       /* [BATCH_ROWS][n_codes], the hook's */
    size_t *lines;         /* [BATCH_ROWS] */
    size_t n_rows;
} batch;

struct edra_rowpipe {
    edra_csv *csv;
    size_t n_fields, n_cols, n_codes;
    long *cols;
    edra_rowpipe_hook hook;
    void *ctx;
    batch ring[N_BATCHES];
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t filled, emptied;
    uint64_t produced, consumed; /* batches published by the thread, released by the caller */
    int finished;          /* the thread published its last batch; its outcome in rc, err */
    int stop;              /* the caller wants no more */
    int rc;
    edra_error err;
    /* The caller's side. */
    batch *cur;
    size_t row;
    char **fields;
    size_t *lengths;
    int ended, end_rc;
};

/* Fills b with the next records: 1 when it is full (more may follow), 0 at the end of the
 * file, or the parse's error in p->err. */
static int fill(edra_rowpipe *p, batch *b)
{
    b->n_rows = 0;
    b->used = 0;
    while (b->n_rows < BATCH_ROWS) {
        char **fields;
        size_t *lengths, n;
        int rc = edra_csv_next(p->csv, &fields, &lengths, &n, &p->err);
        if (rc != 1)
            return rc;
        if (p->hook &&
            (rc = p->hook(p->ctx, fields, lengths, edra_csv_line(p->csv),
                          b->codes + b->n_rows * p->n_codes, &p->err)) < 0)
            return rc;
        for (size_t j = 0; j < p->n_cols; j++) {
            size_t col = (size_t)p->cols[j], need = lengths[col] + 1;
            if (b->cap - b->used < need) {
                size_t cap = 2 * b->cap > b->used + need ? 2 * b->cap : b->used + need;
                char *text = realloc(b->text, cap);
                if (!text)
                    return edra_error_set(&p->err, EDRA_ENOMEM, "out of memory parsing the rows");
                b->text = text;
                b->cap = cap;
            }
            memcpy(b->text + b->used, fields[col], need);
            b->starts[b->n_rows * p->n_cols + j] = b->used;
            b->lens[b->n_rows * p->n_cols + j] = lengths[col];
            b->used += need;
        }
        b->lines[b->n_rows++] = edra_csv_line(p->csv);
    }
    return 1;
}

static void *parse_rows(void *arg)
{
    edra_rowpipe *p = arg;
    for (int rc = 1; rc == 1;) {
        pthread_mutex_lock(&p->lock);
        while (p->produced - p->consumed == N_BATCHES && !p->stop)
            pthread_cond_wait(&p->emptied, &p->lock);
        int stop = p->stop;
        pthread_mutex_unlock(&p->lock);
        if (stop)
            break;
        rc = fill(p, &p->ring[p->produced % N_BATCHES]);
        pthread_mutex_lock(&p->lock);
        p->produced++;
        if (rc != 1) {
            p->finished = 1;
            p->rc = rc;
        }
        pthread_cond_signal(&p->filled);
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

static void free_pipe(edra_rowpipe *p)
{
    for (size_t i = 0; i < N_BATCHES; i++) {
        free(p->ring[i].text);
        free(p->ring[i].starts);
        free(p->ring[i].lens);
        free(p->ring[i].codes);
        free(p->ring[i].lines);
    }
    free(p->cols);
    free(p->fields);
    free(p->lengths);
    free(p);
}

int edra_rowpipe_start(edra_rowpipe **out, edra_csv *csv, size_t n_fields, const long *cols,
                       size_t n_cols, edra_rowpipe_hook hook, void *ctx, size_t n_codes)
{
    static char empty[] = "";
    edra_rowpipe *p = calloc(1, sizeof *p);
    *out = NULL;
    if (!p)
        return EDRA_ENOMEM;
    p->csv = csv;
    p->n_fields = n_fields;
    p->n_cols = n_cols;
    p->hook = hook;
    p->ctx = ctx;
    p->n_codes = hook ? n_codes : 0;
    p->cols = malloc((n_cols ? n_cols : 1) * sizeof *p->cols);
    p->fields = malloc((n_fields ? n_fields : 1) * sizeof *p->fields);
    p->lengths = calloc(n_fields ? n_fields : 1, sizeof *p->lengths);
    int ok = p->cols && p->fields && p->lengths;
    for (size_t i = 0; ok && i < N_BATCHES; i++) {
        batch *b = &p->ring[i];
        b->starts = malloc(BATCH_ROWS * (n_cols ? n_cols : 1) * sizeof *b->starts);
        b->lens = malloc(BATCH_ROWS * (n_cols ? n_cols : 1) * sizeof *b->lens);
        b->lines = malloc(BATCH_ROWS * sizeof *b->lines);
        b->codes = malloc(BATCH_ROWS * (p->n_codes ? p->n_codes : 1) * sizeof *b->codes);
        ok = b->starts && b->lens && b->lines && b->codes;
    }
    if (!ok) {
        free_pipe(p);
        return EDRA_ENOMEM;
    }
    if (n_cols)
        memcpy(p->cols, cols, n_cols * sizeof *cols);
    for (size_t c = 0; c < n_fields; c++)
        p->fields[c] = empty;
    pthread_attr_t attr;
    int started = 0;
    if (pthread_mutex_init(&p->lock, NULL) == 0) {
        if (pthread_cond_init(&p->filled, NULL) == 0) {
            if (pthread_cond_init(&p->emptied, NULL) == 0) {
                if (pthread_attr_init(&attr) == 0) {
                    pthread_attr_setstacksize(&attr, 1u << 18);
                    started = pthread_create(&p->thread, &attr, parse_rows, p) == 0;
                    pthread_attr_destroy(&attr);
                }
                if (!started)
                    pthread_cond_destroy(&p->emptied);
            }
            if (!started)
                pthread_cond_destroy(&p->filled);
        }
        if (!started)
            pthread_mutex_destroy(&p->lock);
    }
    if (!started) {
        free_pipe(p);
        return EDRA_ENOMEM;
    }
    *out = p;
    return 0;
}

int edra_rowpipe_next(edra_rowpipe *p, char ***fields, size_t **lengths, const uint32_t **codes,
                      size_t *line, edra_error *err)
{
    for (;;) {
        if (p->ended) {
            if (p->end_rc < 0)
                edra_error_set(err, p->end_rc, "%s", p->err.msg);
            return p->end_rc;
        }
        if (p->cur && p->row < p->cur->n_rows) {
            const batch *b = p->cur;
            for (size_t j = 0; j < p->n_cols; j++) {
                p->fields[p->cols[j]] = b->text + b->starts[p->row * p->n_cols + j];
                p->lengths[p->cols[j]] = b->lens[p->row * p->n_cols + j];
            }
            *codes = p->hook ? b->codes + p->row * p->n_codes : NULL;
            *line = b->lines[p->row++];
            *fields = p->fields;
            *lengths = p->lengths;
            return 1;
        }
        pthread_mutex_lock(&p->lock);
        if (p->cur) {
            p->consumed++;
            p->cur = NULL;
            pthread_cond_signal(&p->emptied);
        }
        while (p->consumed == p->produced && !p->finished)
            pthread_cond_wait(&p->filled, &p->lock);
        if (p->consumed == p->produced) {
            p->ended = 1;
            p->end_rc = p->rc;
        } else {
            p->cur = &p->ring[p->consumed % N_BATCHES];
            p->row = 0;
        }
        pthread_mutex_unlock(&p->lock);
    }
}

void edra_rowpipe_free(edra_rowpipe *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_signal(&p->emptied);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    pthread_cond_destroy(&p->emptied);
    pthread_cond_destroy(&p->filled);
    pthread_mutex_destroy(&p->lock);
    free_pipe(p);
}
