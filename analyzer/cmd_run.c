/* `edra run SPEC --out DIR [--sign KEY.pem]`: the main job. Assess the data as they stand,
 * search, write the released data and the determination report (PDF, charts, XLSX, JSON),
 * list every artifact with its SHA-256 in a manifest and sign it. Everything is written
 * into a temporary sibling folder, locked (flock) for the run's life, that is renamed to DIR
 * at the end, so a run that fails or is killed leaves no partial DIR; the next run removes
 * the unlocked folders of killed runs. Pango/cairo rendering runs in a child process. */
#define _XOPEN_SOURCE 700
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h> /* flock: not POSIX, but in glibc, musl and the BSDs */
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../report/charts.h"
#include "../report/json.h"
#include "../report/layout.h"
#include "../report/manifest.h"
#include "../report/pdf.h"
#include "../report/run.h"
#include "../report/sign.h"
#include "../report/summary.h"
#include "../report/xlsx.h"
#include "commands.h"
#include "job.h"
#include "recorder.h"
#include "release.h"
#include "subproc.h"

const edra_cli_option edra_run_options[] = {
    {"out", 'o', "DIR", "the report folder to write (replaced if it holds an earlier report)"},
    {"sign", 's', "KEY.pem", "sign the manifest with this Ed25519 private key (mode 0600)"},
    {"no-data", 0, NULL, "do not write released.csv into DIR"},
    {"threads", 't', "N", "check up to N lattice nodes in parallel (default 1)"},
    {"paper", 0, "a4|letter", "page size of report.pdf (default a4)"},
    {"json", 'j', "FILE", "also write result.json to FILE ('-' = stdout, then no summary)"},
    {"quiet", 'q', NULL, "print no summary"},
    EDRA_RECORDER_OPTION_ROWS,
    {NULL, 0, NULL, NULL},
};

typedef struct {
    const char *out_dir, *key_path, *threads, *paper, *json_path;
    int no_data, quiet;
    edra_recorder_opts history;
} run_args;

static int on_option(const char *name, const char *arg, void *state)
{
    run_args *a = state;
    if (edra_recorder_option(&a->history, name, arg))
        return 0;
    if (strcmp(name, "out") == 0)
        a->out_dir = arg;
    else if (strcmp(name, "sign") == 0)
        a->key_path = arg;
    else if (strcmp(name, "no-data") == 0)
        a->no_data = 1;
    else if (strcmp(name, "threads") == 0)
        a->threads = arg;
    else if (strcmp(name, "paper") == 0)
        a->paper = arg;
    else if (strcmp(name, "json") == 0)
        a->json_path = arg;
    else if (strcmp(name, "quiet") == 0)
        a->quiet = 1;
    return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    return remove(path);
}

static int remove_tree(const char *path)
{
    return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The lock file inside a temporary folder: its run holds an exclusive flock() on it until it
 * ends, and the kernel drops the lock when the run dies, however it dies. */
#define LOCK_NAME "edra.lock"

static int remove_all_but_lock(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    if (ftw->level == 0 || (ftw->level == 1 && strcmp(path + ftw->base, LOCK_NAME) == 0))
        return 0;
    return remove_entry(path, sb, type, ftw);
}

/* Removes a temporary folder, its lock file last: a process killed while removing it leaves
 * a folder that the next run can still lock, and so remove. Returns 0 or -1. */
static int remove_tmp_dir(const char *path)
{
    char lock_path[4200];
    snprintf(lock_path, sizeof lock_path, "%s/%s", path, LOCK_NAME);
    if (nftw(path, remove_all_but_lock, 16, FTW_DEPTH | FTW_PHYS) != 0 ||
        (unlink(lock_path) < 0 && errno != ENOENT))
        return -1;
    return rmdir(path);
}

static const char *type_name(edra_attr_type t)
{
    switch (t) {
    case EDRA_TYPE_INTEGER:
        return "integer";
    case EDRA_TYPE_DECIMAL:
        return "decimal";
    case EDRA_TYPE_DATE:
        return "date";
    case EDRA_TYPE_ORDINAL:
        return "ordinal";
    default:
        return "string";
    }
}

static void describe_hierarchy(char *buf, size_t size, const edra_spec_hierarchy *h)
{
    switch (h->kind) {
    case EDRA_HIER_FILE: {
        const char *slash = strrchr(h->path, '/');
        snprintf(buf, size, "file %s", slash ? slash + 1 : h->path);
        break;
    }
    case EDRA_HIER_MASK:
        snprintf(buf, size, "mask %d characters from the %s", h->mask_chars, h->mask_from_left ? "left" : "right");
        break;
    case EDRA_HIER_INTERVALS: {
        int n = snprintf(buf, size, "intervals");
        for (size_t i = 0; i < h->n_widths && n > 0 && (size_t)n < size; i++)
            n += snprintf(buf + n, size - (size_t)n, "%s %g", i ? "," : "", h->widths[i]);
        break;
    }
    case EDRA_HIER_DATE:
        snprintf(buf, size, "date levels (%zu)", h->n_date_levels);
        break;
    case EDRA_HIER_ORDER:
        snprintf(buf, size, "ordered groups (%zu levels)", h->n_groups);
        break;
    default:
        snprintf(buf, size, "value, then *");
    }
}

/* Strings the report run borrows, owned here. */
typedef struct {
    const char **qi_types, **sa_types, **qi_sources, **dropped;
    char (*source_text)[96];
    edra_report_node *nodes;
    char population_source[96];
} run_strings;

static void run_strings_clear(run_strings *s)
{
    free(s->qi_types);
    free(s->sa_types);
    free(s->qi_sources);
    free(s->dropped);
    free(s->source_text);
    free(s->nodes);
}

static int fill_run(edra_report_run *run, run_strings *s, const edra_job *job, const char *run_id,
                    const char *created, const char *fingerprint)
{
    const edra_spec *spec = job->p->spec;
    const edra_microdata *md = job->p->md;
    const edra_search_result *r = &job->result;
    size_t n_qi = md->n_qi, n_sa = md->n_sa;
    memset(run, 0, sizeof *run);
    s->qi_types = calloc(n_qi + 1, sizeof *s->qi_types);
    s->sa_types = calloc(n_sa + 1, sizeof *s->sa_types);
    s->qi_sources = calloc(n_qi + 1, sizeof *s->qi_sources);
    s->source_text = calloc(n_qi + 1, sizeof *s->source_text);
    s->dropped = calloc(spec->n_attrs + 1, sizeof *s->dropped);
    s->nodes = calloc(r->n_nodes + 1, sizeof *s->nodes);
    if (!s->qi_types || !s->sa_types || !s->qi_sources || !s->source_text || !s->dropped || !s->nodes)
        return EDRA_ENOMEM;
    for (size_t d = 0; d < n_qi; d++) {
        const edra_spec_attr *a = edra_dataset_qi_attr(job->p->data, d);
        s->qi_types[d] = type_name(a->type);
        describe_hierarchy(s->source_text[d], sizeof s->source_text[d], &a->hierarchy);
        s->qi_sources[d] = s->source_text[d];
    }
    for (size_t i = 0; i < n_sa; i++)
        s->sa_types[i] = type_name(edra_dataset_sa_attr(job->p->data, i)->type);
    for (size_t i = 0; i < spec->n_attrs; i++)
        if (spec->attrs[i].role == EDRA_ROLE_IDENTIFIER)
            s->dropped[run->n_dropped++] = spec->attrs[i].name;
    for (size_t i = 0; i < r->n_nodes; i++)
        s->nodes[i] = (edra_report_node){r->nodes[i].levels, r->nodes[i].meets, r->nodes[i].loss,
                                         r->nodes[i].suppressed};
    switch (spec->pop_kind) {
    case EDRA_POP_SIZE:
        snprintf(s->population_source, sizeof s->population_source, "size given in the spec");
        break;
    case EDRA_POP_FRACTION:
        snprintf(s->population_source, sizeof s->population_source, "sampling fraction %g", spec->pop_fraction);
        break;
    case EDRA_POP_REGION:
        snprintf(s->population_source, sizeof s->population_source, "region %s", spec->pop_region);
        break;
    default:
        s->population_source[0] = '\0';
    }
    run->ctx = &job->ctx;
    run->before = &job->before;
    run->after = r->found ? &job->node.figures : NULL;
    run->searched = 1;
    run->metric_name = edra_loss_metric_name(job->metric);
    run->loss = r->loss;
    run->loss_per_qi = job->node.per_qi;
    run->n_nodes = r->n_nodes;
    run->nodes = s->nodes;
    run->lattice_size = r->lattice_nodes;
    run->found = r->found;
    run->exhaustive = r->exhaustive;
    run->proven_optimal = r->proven_optimal;
    run->timed_out = r->timed_out;
    run->coverage = r->coverage;
    run->search_seconds = r->seconds;
    run->run_id = run_id;
    run->created_iso = created;
    run->signer_fingerprint = fingerprint;
    run->spec_text = spec->text;
    run->title = spec->report_title;
    run->organisation = spec->report_organisation;
    run->dataset = spec->report_dataset;
    run->recipient = spec->report_recipient;
    run->expert = spec->report_expert;
    run->credentials = spec->report_credentials;
    run->validity = spec->report_validity;
    run->n_controls = spec->n_controls;
    run->controls = (const char *const *)spec->report_controls;
    run->n_triggers = spec->n_triggers;
    run->triggers = (const char *const *)spec->report_triggers;
    run->qi_types = s->qi_types;
    run->sa_types = s->sa_types;
    run->qi_hierarchy_sources = s->qi_sources;
    run->dropped = s->dropped;
    run->population_source = s->population_source[0] ? s->population_source : NULL;
    return 0;
}

static json_t *result_json(const edra_job *job, const char *run_id, const char *created,
                           const char *fingerprint)
{
    json_t *root = json_object();
    json_t *ctx = edra_json_context(&job->ctx), *before = edra_json_figures(&job->before, &job->ctx);
    json_t *after = edra_json_figures(&job->node.figures, &job->ctx), *search = edra_job_search_json(job);
    if (!root || !ctx || !before || !after || !search) {
        json_decref(root);
        json_decref(ctx);
        json_decref(before);
        json_decref(after);
        json_decref(search);
        return NULL;
    }
    json_object_set_new(root, "run_id", json_string(run_id));
    json_object_set_new(root, "created", json_string(created));
    json_object_set_new(root, "signer_fingerprint", fingerprint ? json_string(fingerprint) : json_null());
    json_object_set_new(root, "context", ctx);
    json_object_set_new(root, "before", before);
    json_object_set_new(root, job->result.found ? "figures" : "closest_figures", after);
    json_object_set_new(root, "search", search);
    json_object_set_new(root, "targets_met",
                        json_boolean(job->result.found && job->node.figures.targets_met));
    return root;
}

static int path_join(char *out, size_t size, const char *dir, const char *name, edra_error *err)
{
    if ((size_t)snprintf(out, size, "%s/%s", dir, name) >= size)
        return edra_error_set(err, EDRA_EUSAGE, "%s: path too long", dir);
    return 0;
}

/* What the renderer child needs: it writes report.pdf and charts/ into dir. */
typedef struct {
    const char *dir;
    const edra_report_run *run;
    edra_paper paper;
} render_job;

/* The renderer: every use of Pango, cairo and Fontconfig, which abort or crash when an
 * allocation fails, so it runs in a child (edra_subproc_run) that may die without edra. */
static int render_report(void *state, edra_error *err)
{
    const render_job *rj = state;
    char path[4096];
    int rc;
    if (edra_layout_load_fonts() < 0)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory loading the font configuration");
    if ((rc = path_join(path, sizeof path, rj->dir, "report.pdf", err)) < 0 ||
        (rc = edra_pdf_write(path, rj->run, rj->paper, err)) < 0 ||
        (rc = path_join(path, sizeof path, rj->dir, "charts", err)) < 0)
        return rc;
    if (mkdir(path, 0755) < 0)
        return edra_error_set(err, EDRA_EIO, "%s: %s", path, strerror(errno));
    return edra_charts_write_all(path, rj->run, err);
}

/* Writes every artifact into dir and lists it in the manifest. */
static int write_artifacts(const char *dir, edra_manifest *m, const edra_job *job,
                           const edra_report_run *run, const run_args *args, json_t *result,
                           edra_error *err)
{
    char path[4096];
    int rc;
    if (job->result.found && !args->no_data) {
        edra_release_stats stats;
        if ((rc = path_join(path, sizeof path, dir, "released.csv", err)) < 0 ||
            (rc = edra_release_write(path, job->p->spec, job->node.classes, job->node.suppress,
                                     &stats, err)) < 0 ||
            (rc = edra_manifest_add(m, "released.csv", "data", err)) < 0)
            return rc;
    }
    if ((rc = path_join(path, sizeof path, dir, "result.json", err)) < 0 ||
        (rc = edra_json_write(path, result, err)) < 0 ||
        (rc = edra_manifest_add(m, "result.json", "result", err)) < 0)
        return rc;
    render_job rj = {dir, run,
                     args->paper && strcmp(args->paper, "letter") == 0 ? EDRA_PAPER_LETTER : EDRA_PAPER_A4};
    if ((rc = edra_subproc_run("renderer", render_report, &rj, err)) < 0) {
        edra_error_prefix(err, "rendering the report failed: ");
        return rc;
    }
    if ((rc = edra_manifest_add(m, "report.pdf", "report", err)) < 0)
        return rc;
    /* The workbook's column widths are fixed, measured with no font: written here, not in the child. */
    if ((rc = path_join(path, sizeof path, dir, "report.xlsx", err)) < 0 ||
        (rc = edra_xlsx_write(path, run, err)) < 0 ||
        (rc = edra_manifest_add(m, "report.xlsx", "workbook", err)) < 0)
        return rc;
    for (int k = 0; k < EDRA_CHARTS; k++) {
        if (!edra_chart_available((edra_chart_kind)k, run))
            continue;
        const char *exts[] = {"png", "svg"};
        for (int e = 0; e < 2; e++) {
            char rel[128];
            snprintf(rel, sizeof rel, "charts/%s.%s", edra_chart_name((edra_chart_kind)k), exts[e]);
            if ((rc = edra_manifest_add(m, rel, "chart", err)) < 0)
                return rc;
        }
    }
    if ((rc = edra_manifest_add_external(m, job->p->spec->data_path, "data", "input",
                                         job->ctx.data_sha256, err)) < 0 ||
        (rc = edra_manifest_add_external(m, job->p->spec->path, "spec", "spec", job->spec_sha, err)) < 0)
        return rc;
    return 0;
}

/* Moves the finished temporary folder to out_dir. An earlier report there (it holds a
 * MANIFEST.json) is replaced; any other existing, non-empty folder is refused. */
static int publish(const char *tmp_dir, const char *out_dir, edra_error *err)
{
    struct stat st;
    char manifest[4096], old[4200];
    if (lstat(out_dir, &st) < 0) {
        if (errno != ENOENT)
            return edra_error_set(err, EDRA_EIO, "%s: %s", out_dir, strerror(errno));
    } else if (S_ISDIR(st.st_mode) && rmdir(out_dir) == 0) {
        /* was empty */
    } else {
        snprintf(manifest, sizeof manifest, "%s/%s", out_dir, EDRA_MANIFEST_NAME);
        if (!S_ISDIR(st.st_mode) || access(manifest, F_OK) != 0)
            return edra_error_set(err, EDRA_EUSAGE,
                                  "%s exists and is not an edra report folder: choose another --out",
                                  out_dir);
        snprintf(old, sizeof old, "%s.old-%ld", out_dir, (long)getpid());
        if (rename(out_dir, old) < 0)
            return edra_error_set(err, EDRA_EIO, "%s: %s", out_dir, strerror(errno));
        if (rename(tmp_dir, out_dir) < 0) {
            int saved = errno;
            rename(old, out_dir);
            return edra_error_set(err, EDRA_EIO, "%s: %s", out_dir, strerror(saved));
        }
        remove_tree(old);
        return 0;
    }
    if (rename(tmp_dir, out_dir) < 0)
        return edra_error_set(err, EDRA_EIO, "%s: %s", out_dir, strerror(errno));
    return 0;
}

/* A temporary folder without a lock file belongs to a run killed between mkdtemp() and
 * taking its lock, or to a live run in that instant (or the one between removing its lock
 * file and publishing): one unchanged this long is the former. */
#define UNLOCKED_STALE_SECONDS 600

/* Splits out_dir into its parent folder and base name (a copy in *buf, the caller's). */
static int split_out_dir(char **buf, const char **parent, const char **base, const char *out_dir,
                         edra_error *err)
{
    char *copy = strdup(out_dir);
    if (!copy)
        return edra_error_set(err, EDRA_ENOMEM, "out of memory");
    size_t len = strlen(copy);
    while (len > 1 && copy[len - 1] == '/')
        copy[--len] = '\0';
    char *slash = strrchr(copy, '/');
    *parent = slash ? (slash == copy ? "/" : copy) : ".";
    *base = slash ? slash + 1 : copy;
    if (slash && slash != copy)
        *slash = '\0';
    *buf = copy;
    return 0;
}

/* Whether name is NAME's temporary folder: "." base ".tmp-" and mkdtemp's six characters. */
static int is_tmp_name(const char *name, const char *base)
{
    size_t blen = strlen(base);
    if (name[0] != '.' || strncmp(name + 1, base, blen) != 0 || strncmp(name + 1 + blen, ".tmp-", 5) != 0)
        return 0;
    const char *suffix = name + 1 + blen + 5;
    return strlen(suffix) == 6 && strspn(suffix, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                 "0123456789") == 6;
}

/* Removes the temporary folders beside out_dir that killed runs left: those whose lock can
 * be taken (no live run holds it), and those without a lock file unchanged for
 * UNLOCKED_STALE_SECONDS. Only our own real folders, never through a symbolic link. Returns
 * how many were removed; failures only leave a folder for a later run. */
static int remove_stale_tmp_dirs(const char *out_dir)
{
    char *buf = NULL;
    const char *parent, *base;
    DIR *d = NULL;
    int removed = 0;
    if (split_out_dir(&buf, &parent, &base, out_dir, NULL) < 0 || !(d = opendir(parent)))
        goto done;
    for (struct dirent *e; (e = readdir(d));) {
        char path[4096], lock_path[4200];
        struct stat st;
        if (!is_tmp_name(e->d_name, base) ||
            (size_t)snprintf(path, sizeof path, "%s/%s", parent, e->d_name) >= sizeof path ||
            lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
            continue;
        snprintf(lock_path, sizeof lock_path, "%s/%s", path, LOCK_NAME);
        int fd = open(lock_path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            /* Held through the removal, so that another run's sweep skips the folder. */
            if (flock(fd, LOCK_EX | LOCK_NB) == 0 && remove_tmp_dir(path) == 0)
                removed++;
            close(fd);
        } else if (errno == ENOENT && difftime(time(NULL), st.st_mtime) > UNLOCKED_STALE_SECONDS &&
                   remove_tmp_dir(path) == 0) {
            removed++;
        }
    }
done:
    if (d)
        closedir(d);
    free(buf);
    return removed;
}

/* Creates the temporary folder beside out_dir and takes its lock (*lock_fd, the caller's to
 * close). The lock file is created under another name and renamed once locked, so a sweep
 * never finds it unlocked while this run lives. */
static int make_tmp_dir(char *out, size_t size, int *lock_fd, const char *out_dir, edra_error *err)
{
    char *buf = NULL, lock_new[4200], lock_path[4200];
    const char *parent, *base;
    int rc, fd = -1;
    if ((rc = split_out_dir(&buf, &parent, &base, out_dir, err)) < 0)
        return rc;
    int n = snprintf(out, size, "%s/.%s.tmp-XXXXXX", parent, base);
    free(buf);
    if (n < 0 || (size_t)n >= size)
        return edra_error_set(err, EDRA_EUSAGE, "%s: path too long", out_dir);
    if (!mkdtemp(out))
        return edra_error_set(err, EDRA_EIO, "%s: cannot create a folder beside it: %s", out_dir,
                              strerror(errno));
    snprintf(lock_new, sizeof lock_new, "%s/%s.new", out, LOCK_NAME);
    snprintf(lock_path, sizeof lock_path, "%s/%s", out, LOCK_NAME);
    if ((fd = open(lock_new, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0 ||
        flock(fd, LOCK_EX | LOCK_NB) < 0 || rename(lock_new, lock_path) < 0) {
        rc = edra_error_set(err, errno == ENOMEM ? EDRA_ENOMEM : EDRA_EIO, "%s: cannot lock: %s", out,
                            strerror(errno));
        if (fd >= 0)
            close(fd);
        remove_tmp_dir(out);
        out[0] = '\0';
        return rc;
    }
    *lock_fd = fd;
    chmod(out, 0755);
    return 0;
}

int edra_cmd_run(int argc, char **argv)
{
    run_args args;
    edra_error err = {0};
    edra_job job;
    edra_report_run run;
    run_strings strings;
    edra_manifest *manifest = NULL;
    EVP_PKEY *key = NULL;
    json_t *result = NULL, *doc = NULL, *options = NULL;
    edra_recorder rec;
    edra_history_run hrun;
    char *history_text = NULL;
    char created[EDRA_HISTORY_TIME_MAX], run_id[EDRA_HISTORY_ID_MAX], fingerprint[EDRA_FINGERPRINT_HEX],
        tmp_dir[4096] = "";
    int exit_code, rc, threads = 1, lock_fd = -1;

    memset(&rec, 0, sizeof rec);
    memset(&args, 0, sizeof args);
    memset(&job, 0, sizeof job);
    memset(&strings, 0, sizeof strings);
    int first = edra_cli_parse(edra_cli_find("run"), argc, argv, on_option, &args);
    if (first == -2)
        return EDRA_EXIT_OK;
    if (first < 0)
        return EDRA_EXIT_INPUT;
    if (argc - first != 1 || !args.out_dir) {
        fprintf(stderr, "edra run: expected one SPEC file and --out DIR (see 'edra help run')\n");
        return EDRA_EXIT_INPUT;
    }
    if (args.paper && strcmp(args.paper, "a4") != 0 && strcmp(args.paper, "letter") != 0) {
        rc = edra_error_set(&err, EDRA_EUSAGE, "--paper: '%s' is neither a4 nor letter", args.paper);
        goto fail;
    }
    if (args.threads && (rc = edra_job_parse_threads(args.threads, &threads, &err)) < 0)
        goto fail;
    int stale = remove_stale_tmp_dirs(args.out_dir);
    if (stale > 0)
        fprintf(stderr, "edra: note: removed %d temporary folder%s left by interrupted runs\n", stale,
                stale == 1 ? "" : "s");
    /* The key first: a run that cannot be signed should fail before any work. */
    if (args.key_path && ((rc = edra_key_load_private(&key, args.key_path, &err)) < 0 ||
                          (rc = edra_key_fingerprint(key, fingerprint, &err)) < 0))
        goto fail;
    /* The history next (and the run id, the report's date): an unusable history fails now. */
    if ((rc = edra_recorder_begin(&rec, &args.history, argv[first], &err)) < 0) {
        exit_code = edra_recorder_fail(rc, &err);
        goto done;
    }
    snprintf(created, sizeof created, "%s", rec.created);
    snprintf(run_id, sizeof run_id, "%s", rec.id);
    rc = edra_job_run(&job, argv[first], "run", threads, !args.quiet, &err);
    if (rc < 0)
        goto fail;
    if ((rc = fill_run(&run, &strings, &job, run_id, created, key ? fingerprint : NULL)) < 0) {
        edra_error_set(&err, rc, "out of memory");
        goto fail;
    }
    result = result_json(&job, run_id, created, key ? fingerprint : NULL);
    doc = edra_recorder_job_doc(&job);
    options = json_pack("{s:i}", "threads", threads);
    if (!result || !doc || !options) {
        rc = edra_error_set(&err, EDRA_ENOMEM, "out of memory writing JSON");
        goto fail;
    }
    if ((rc = edra_recorder_describe(&hrun, &rec, "run", job.p->spec, &job.ctx, options, doc, &err)) < 0 ||
        (rc = edra_recorder_history_text(&history_text, &rec, &hrun, &err)) < 0) {
        exit_code = edra_recorder_fail(rc, &err);
        goto done;
    }
    run.history_text = history_text;
    if ((rc = make_tmp_dir(tmp_dir, sizeof tmp_dir, &lock_fd, args.out_dir, &err)) < 0)
        goto fail_env;
    if ((rc = edra_manifest_new(&manifest, tmp_dir, PACKAGE_VERSION, run_id, created, &err)) < 0 ||
        (rc = write_artifacts(tmp_dir, manifest, &job, &run, &args, result, &err)) < 0 ||
        (rc = edra_manifest_write(manifest, key, &err)) < 0)
        goto fail_env;
    /* The lock file must not be published; the lock itself stays held by lock_fd. */
    char lock_path[4200];
    snprintf(lock_path, sizeof lock_path, "%s/%s", tmp_dir, LOCK_NAME);
    if (unlink(lock_path) < 0) {
        rc = edra_error_set(&err, EDRA_EIO, "%s: %s", lock_path, strerror(errno));
        goto fail_env;
    }
    if ((rc = publish(tmp_dir, args.out_dir, &err)) < 0)
        goto fail_env;
    tmp_dir[0] = '\0';

    int json_on_stdout = args.json_path && strcmp(args.json_path, "-") == 0;
    if (args.json_path && (rc = edra_json_write(args.json_path, result, &err)) < 0)
        goto fail_env;
    exit_code = job.result.found && job.node.figures.targets_met ? EDRA_EXIT_OK : EDRA_EXIT_NOT_MET;
    if (rec.history) {
        char out_real[4096];
        hrun.exit_code = exit_code;
        hrun.out_dir = realpath(args.out_dir, out_real) ? out_real : args.out_dir;
        hrun.signer = key ? fingerprint : NULL;
        if ((rc = edra_recorder_add_folder(&rec, args.out_dir, &err)) < 0 ||
            (rc = edra_recorder_record(&rec, &hrun, &err)) < 0) {
            fprintf(stderr, "edra: the report was written to %s but the run was not recorded\n",
                    args.out_dir);
            exit_code = edra_recorder_fail(rc, &err);
            goto done;
        }
    }
    if (!args.quiet && !json_on_stdout) {
        edra_summary_print_source(stdout, &job.ctx);
        edra_summary_print(stdout, "Data as they stand", &job.before, &job.ctx);
        edra_job_print_search(stdout, &job);
        edra_summary_print(stdout, job.result.found ? "Result" : "Closest transformation (targets not met)",
                           &job.node.figures, &job.ctx);
        printf("\nDetermination %s written to %s/ (%s)\n", run_id, args.out_dir,
               key ? "signed" : "UNSIGNED: pass --sign KEY.pem to sign it");
        if (key)
            printf("Signer fingerprint %s\n", fingerprint);
        if (rec.history)
            printf("Recorded as %s in %s\n", rec.id, edra_history_path(rec.history));
    }
    goto done;
fail_env:
    /* Writing failed: the environment's fault unless the input was at fault. */
    exit_code = edra_cli_fail(rc, err.msg);
    if (rc == EDRA_EIO)
        exit_code = EDRA_EXIT_INTERNAL;
    goto done;
fail:
    exit_code = edra_cli_fail(rc, err.msg);
done:
    if (tmp_dir[0])
        remove_tmp_dir(tmp_dir);
    if (lock_fd >= 0)
        close(lock_fd);
    json_decref(result);
    json_decref(doc);
    json_decref(options);
    free(history_text);
    edra_recorder_clear(&rec);
    edra_manifest_free(manifest);
    EVP_PKEY_free(key);
    run_strings_clear(&strings);
    edra_job_clear(&job);
    return exit_code;
}
