/* Command-line plumbing shared by the subcommands: one option table per command drives
 * both getopt_long parsing and --help, and status codes map onto the exit codes scripts
 * gate on. */
#ifndef EDRA_CLI_H
#define EDRA_CLI_H

#include <stdio.h>

#include "spec.h"

enum {
    EDRA_EXIT_OK = 0,        /* done, every target met */
    EDRA_EXIT_INTERNAL = 1,  /* internal or environment failure */
    EDRA_EXIT_INPUT = 2,     /* bad input or usage */
    EDRA_EXIT_NOT_MET = 3    /* done, a target is not met */
};

typedef struct {
    const char *long_name;
    int short_name;          /* 0 = none */
    const char *arg_name;    /* NULL = takes no argument */
    const char *help;
} edra_cli_option;

typedef struct {
    const char *name;
    const char *args;        /* "SPEC" */
    const char *summary;     /* one line */
    const char *description; /* a paragraph for `edra help CMD` */
    const edra_cli_option *options; /* terminated by a zeroed entry */
    int (*run)(int argc, char **argv);
} edra_cli_command;

/* The command table (analyzer/main.c). */
extern const edra_cli_command edra_commands[];

/* The command named name, or NULL. */
const edra_cli_command *edra_cli_find(const char *name);

/* Parses argv against cmd's options with getopt_long, calling on_option for each (with
 * the option's long name and its argument or NULL). Returns the index of the first operand,
 * or -1 after printing a usage error to stderr. --help prints the command help and
 * returns -2. */
int edra_cli_parse(const edra_cli_command *cmd, int argc, char **argv,
                   int (*on_option)(const char *name, const char *arg, void *state), void *state);

/* Prints the help of cmd to out. */
void edra_cli_print_help(FILE *out, const edra_cli_command *cmd);

/* Writes text with every control character (line breaks, escapes) shown as '?'. */
void edra_cli_put_clean(FILE *out, const char *text);

/* Prints "edra: message" on one line to stderr and returns the exit code for status code. */
int edra_cli_fail(int code, const char *message);

/* Prints a note on stderr for each input file the spec names by a relative path that leaves
 * the spec's folder through ".." or a symbolic link: allowed, but the expert should see it. */
void edra_cli_note_outside(const edra_spec *spec);

/* Exit code for a status code: bad input -> 2, environment/internal -> 1. */
int edra_cli_exit_code(int code);

#endif
