/* getopt_long driven by the option tables, and the one place errors reach stderr. */
#define _GNU_SOURCE
#include "cli.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../metrics/error.h"

#define MAX_OPTIONS 32

const edra_cli_command *edra_cli_find(const char *name)
{
    for (const edra_cli_command *c = edra_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int edra_cli_exit_code(int code)
{
    switch (code) {
    case EDRA_OK:
        return EDRA_EXIT_OK;
    case EDRA_EPARSE:
    case EDRA_ESPEC:
    case EDRA_EDATA:
    case EDRA_EUSAGE:
    case EDRA_ERANGE:
    case EDRA_EIO:
    case EDRA_EVERIFY:
    case EDRA_ECRYPTO: /* an unusable key is bad input, like an unreadable file */
        return EDRA_EXIT_INPUT;
    default:
        return EDRA_EXIT_INTERNAL;
    }
}

void edra_cli_put_clean(FILE *out, const char *text)
{
    /* Messages quote input (a CSV value, a manifest path): a line break or an escape sequence
     * in it must not split the message or forge another line of output. */
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
}

/* One path of the spec: relative as written (so resolved under spec->dir) and leaving the
 * folder once "..", "." and symbolic links are resolved. Absolute paths were chosen as such. */
static void note_outside(const edra_spec *spec, const char *base, const char *what,
                         const char *path)
{
    char real[PATH_MAX];
    size_t dir_len = strlen(spec->dir), base_len = strlen(base);
    if (!path || path[0] == '\0')
        return;
    int relative = strcmp(spec->dir, ".") == 0
                       ? path[0] != '/'
                       : strncmp(path, spec->dir, dir_len) == 0 && path[dir_len] == '/';
    if (!relative || !realpath(path, real))
        return;
    if (strncmp(real, base, base_len) == 0 && (real[base_len] == '/' || base_len == 1))
        return;
    const char *rel = strcmp(spec->dir, ".") == 0 ? path : path + dir_len + 1;
    fputs("edra: note: ", stderr);
    edra_cli_put_clean(stderr, spec->path);
    fprintf(stderr, ": %s '", what);
    edra_cli_put_clean(stderr, rel);
    fprintf(stderr, "' is outside the spec's folder (through %s); it resolves to ",
            strstr(rel, "..") ? "'..'" : "a symbolic link");
    edra_cli_put_clean(stderr, real);
    fputc('\n', stderr);
}

void edra_cli_note_outside(const edra_spec *spec)
{
    char base[PATH_MAX];
    if (!spec || !realpath(spec->dir, base))
        return;
    note_outside(spec, base, "data", spec->data_path);
    for (size_t i = 0; i < spec->n_attrs; i++)
        if (spec->attrs[i].hierarchy.kind == EDRA_HIER_FILE)
            note_outside(spec, base, "hierarchy", spec->attrs[i].hierarchy.path);
    note_outside(spec, base, "population table", spec->pop_table);
}

int edra_cli_fail(int code, const char *message)
{
    fputs("edra: ", stderr);
    edra_cli_put_clean(stderr, message && *message ? message : edra_strerror(code));
    fputc('\n', stderr);
    return edra_cli_exit_code(code);
}

void edra_cli_print_help(FILE *out, const edra_cli_command *cmd)
{
    fprintf(out, "Usage: edra %s [OPTION]... %s\n%s\n", cmd->name, cmd->args, cmd->summary);
    if (cmd->description)
        fprintf(out, "\n%s\n", cmd->description);
    fprintf(out, "\nOptions:\n");
    for (const edra_cli_option *o = cmd->options; o && o->long_name; o++) {
        char left[64];
        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->long_name,
                     o->arg_name ? " " : "", o->arg_name ? o->arg_name : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->long_name, o->arg_name ? " " : "",
                     o->arg_name ? o->arg_name : "");
        fprintf(out, "  %-28s %s\n", left, o->help);
    }
    fprintf(out, "  %-28s %s\n", "-h, --help", "show this help");
    fprintf(out, "\nExit status: 0 done and every target met; 3 done but a target is not met;\n"
                 "2 bad input or usage; 1 internal failure.\n");
}

int edra_cli_parse(const edra_cli_command *cmd, int argc, char **argv,
                   int (*on_option)(const char *name, const char *arg, void *state), void *state)
{
    struct option longopts[MAX_OPTIONS + 2];
    char shortopts[3 * MAX_OPTIONS + 4] = "h";
    size_t n = 0, s = strlen(shortopts);
    for (const edra_cli_option *o = cmd->options; o && o->long_name && n < MAX_OPTIONS; o++, n++) {
        longopts[n].name = o->long_name;
        longopts[n].has_arg = o->arg_name ? required_argument : no_argument;
        longopts[n].flag = NULL;
        longopts[n].val = 256 + (int)n;
        if (o->short_name) {
            shortopts[s++] = (char)o->short_name;
            if (o->arg_name)
                shortopts[s++] = ':';
        }
    }
    shortopts[s] = '\0';
    longopts[n] = (struct option){"help", no_argument, NULL, 'h'};
    longopts[n + 1] = (struct option){NULL, 0, NULL, 0};
    opterr = 0;
    optind = 1;
    for (;;) {
        int c = getopt_long(argc, argv, shortopts, longopts, NULL);
        if (c == -1)
            break;
        if (c == 'h') {
            edra_cli_print_help(stdout, cmd);
            return -2;
        }
        if (c == '?' || c == ':') {
            if (optopt)
                fprintf(stderr, "edra %s: option -%c %s (see 'edra help %s')\n", cmd->name, optopt,
                        c == ':' ? "needs an argument" : "is unknown", cmd->name);
            else
                fprintf(stderr, "edra %s: option '%s' is unknown or needs an argument (see 'edra help %s')\n",
                        cmd->name, argv[optind - 1], cmd->name);
            return -1;
        }
        const edra_cli_option *o = NULL;
        if (c >= 256)
            o = &cmd->options[c - 256];
        else
            for (const edra_cli_option *p = cmd->options; p && p->long_name; p++)
                if (p->short_name == c)
                    o = p;
        if (!o)
            return -1;
        if (on_option(o->long_name, o->arg_name ? optarg : NULL, state) < 0)
            return -1;
    }
    return optind;
}
