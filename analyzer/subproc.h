/* Runs a step in a forked child so that a library that aborts or crashes when an allocation
 * fails (Pango, GLib and Fontconfig do, by design) takes down the child, not edra: the
 * parent waits for it and turns its death into a status code and a one-line message. */
#ifndef EDRA_SUBPROC_H
#define EDRA_SUBPROC_H

#include "../metrics/error.h"

/* The step: returns 0 or an EDRA_E* code with its message in err. It runs in the child with
 * a copy of the parent's memory; what it writes to memory is lost, only files remain, so it
 * must close the files it writes. Its message is cut at the first line break. */
typedef int (*edra_subproc_fn)(void *state, edra_error *err);

/* Runs fn(state) in a forked child and waits for it; name ("renderer") is how messages call
 * the child, which on Linux dies with the parent (PR_SET_PDEATHSIG). Returns 0, or fn's code and message; EDRA_ENOMEM "out of memory (NAME killed by
 * signal 6, SIGABRT)" when the child died by SIGABRT, SIGSEGV or SIGTRAP; EDRA_EINTERNAL for
 * another signal or an exit that did not come from fn; EDRA_ENOMEM or EDRA_EINTERNAL when the
 * child cannot be started. The child's stderr never reaches the parent's: a death's message
 * quotes its last line. Flushes every stdio stream first so none is written twice. */
int edra_subproc_run(const char *name, edra_subproc_fn fn, void *state, edra_error *err);

#endif
