/* Private to the spec loader (spec.c) and the spec's schema (spec_sections.c): the YAML node
 * tree with each node's line and column, the parse context, and the typed readers that turn
 * a node into a value or into a "spec.yaml:LINE:COL: ..." message. Not for other modules. */
#ifndef EDRA_SPEC_INTERNAL_H
#define EDRA_SPEC_INTERNAL_H

#include <stddef.h>

#include "spec.h"

enum { NODE_SCALAR, NODE_SEQ, NODE_MAP };

typedef struct node {
    int kind;
    char *text;              /* SCALAR: NUL-terminated, no embedded NUL */
    size_t len;
    int quoted;              /* SCALAR: any style but plain (so "" and "~" are strings) */
    size_t line, col;
    struct node **items;     /* SEQ: the items; MAP: key, value, key, value, ... */
    size_t n_items, cap;
} node;

typedef struct {
    edra_spec *spec;
    const char *name;
    edra_error *err;
    /* Kept for the checks that need the whole document (targets name attributes that
     * may be declared further down). */
    const node *ldiv_attr_at[EDRA_MAX_SA_TARGETS], *tclose_attr_at[EDRA_MAX_SA_TARGETS];
    const node *data_at, *attributes_at;
} ctx;

/* Sets c->err to "name:LINE:COL: message" at the node `at` and returns code. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
int spec_fail(ctx *c, const node *at, int code, const char *fmt, ...);

/* Sets c->err to the out-of-memory message and returns EDRA_ENOMEM. */
int spec_oom(ctx *c);

/* NUL-terminated malloc'd copies (the caller's), or NULL when out of memory. */
char *spec_dup_bytes(const char *s, size_t len);
char *spec_dup_str(const char *s);

/* The earliest repeated scalar among items[0], items[stride], ... in *dup (NULL when none);
 * returns 0, or -1 when out of memory. */
int spec_find_duplicate(const node **dup, node *const *items, size_t n, size_t stride);

/* Checks that n is a mapping with string keys, none repeated; where names it in messages.
 * Returns 0, EDRA_ESPEC or EDRA_ENOMEM. */
int spec_check_map(ctx *c, const node *n, const char *where);

/* Reports key as unknown in where; returns EDRA_ESPEC. */
int spec_unknown(ctx *c, const node *key, const char *where);

/* A non-null scalar copied into *out (freeing what was there). 0, EDRA_ESPEC or EDRA_ENOMEM. */
int spec_get_string(ctx *c, const node *v, const char *what, char **out);

/* A list of strings into *out / *n_out, written in place so that edra_spec_free cleans up
 * after an error; a single string is a list of one when allow_scalar. 0 or negative. */
int spec_get_strings(ctx *c, const node *v, const char *what, int allow_scalar, char ***out,
                     size_t *n_out);

/* A finite decimal number / a base-10 integer; 0, or -1 (no message) when v is not one. */
int spec_parse_number(const node *v, double *out);
int spec_parse_integer(const node *v, long long *out);

/* A number in [0, 1]. 0 or EDRA_ESPEC. */
int spec_get_share(ctx *c, const node *v, const char *what, double *out);

/* A delimiter: one character, "tab" or "\t", never a quote or a line break. 0 or EDRA_ESPEC. */
int spec_get_delimiter(ctx *c, const node *v, char *out);

/* A non-empty path, resolved against the spec's folder unless absolute. 0 or negative. */
int spec_get_path(ctx *c, const node *v, const char *what, char **out);

#endif
