/* The spec's schema: what each section and key of the YAML spec means, read from the node
 * tree that spec.c builds (edra_spec_region_population, declared in spec.h, lives here too). */
#ifndef EDRA_SPEC_SECTIONS_H
#define EDRA_SPEC_SECTIONS_H

#include "spec_internal.h"

/* Reads the document root into c->spec, section by section, then checks the references
 * between sections (targets and levels name declared attributes). Returns 0, EDRA_ESPEC
 * or EDRA_ENOMEM with the message in c->err. */
int spec_parse_root(ctx *c, const node *root);

#endif
