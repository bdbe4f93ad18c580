/* A step run in a forked child: fork(2), one pipe that carries the child's stderr and then
 * its one error line ("\001CODE MESSAGE\n"), _exit(2) in the child and waitpid(2) in the
 * parent (POSIX.1-2008). The child's death by a signal becomes a status code and a message
 * quoting its last line of stderr, instead of the parent's death. */
#define _XOPEN_SOURCE 700 /* SIGTRAP, SIGXCPU, SIGXFSZ */
#include "subproc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* The child's own line starts with this byte, which no library's diagnostic does. */
#define RECORD_MARK '\001'
/* The mark, the code, a space, the message and a line break: the longest line kept. */
#define LINE_MAX_BYTES (sizeof(((edra_error *)0)->msg) + 16)
/* How much of a library's last line a message quotes. */
#define QUOTE_MAX 240

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGABRT:
        return "SIGABRT";
    case SIGSEGV:
        return "SIGSEGV";
    case SIGTRAP:
        return "SIGTRAP";
    case SIGBUS:
        return "SIGBUS";
    case SIGFPE:
        return "SIGFPE";
    case SIGILL:
        return "SIGILL";
    case SIGKILL:
        return "SIGKILL";
    case SIGTERM:
        return "SIGTERM";
    case SIGINT:
        return "SIGINT";
    case SIGHUP:
        return "SIGHUP";
    case SIGPIPE:
        return "SIGPIPE";
    case SIGXCPU:
        return "SIGXCPU";
    case SIGXFSZ:
        return "SIGXFSZ";
    default:
        return "an unnamed signal";
    }
}

/* The child's side: runs fn, sends its failure as one line, never returns. _exit, not exit:
 * the parent's atexit handlers and stdio buffers are the parent's to run and flush. */
static _Noreturn void child_main(int fd, pid_t parent, edra_subproc_fn fn, void *state)
{
    edra_error err = {0};
#ifdef __linux__
    /* Dies with the parent: a child orphaned by a SIGKILL would go on writing into files the
     * parent's successor may be removing. (Elsewhere it finishes its step alone.) */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
        _exit(127);
#else
    (void)parent;
#endif
    /* What the libraries print (GLib's g_error, Fontconfig's warnings) goes to the parent,
     * which keeps the last line for its message instead of letting it reach the terminal. */
    if (dup2(fd, STDERR_FILENO) < 0)
        _exit(127);
    int rc = fn(state, &err);
    if (rc == 0)
        _exit(0);
    if (rc > 0 || rc < EDRA_STATUS_MIN)
        rc = EDRA_EINTERNAL;
    char line[LINE_MAX_BYTES];
    int n = snprintf(line, sizeof line, "\n%c%d %s", RECORD_MARK, rc, err.msg[0] ? err.msg : edra_strerror(rc));
    size_t len = n < 0 ? 0 : (size_t)n < sizeof line - 1 ? (size_t)n : sizeof line - 2;
    size_t cut = 1 + strcspn(line + 1, "\r\n");
    if (cut < len)
        len = cut;
    line[len++] = '\n';
    /* Shorter than PIPE_BUF, so one write is atomic; the parent reads until the end. */
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, line + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    _exit(1);
}

/* Reads the pipe to its end and keeps its last non-empty line, at most size - 1 bytes of it
 * (the rest of a longer line is dropped), as a string in last. */
static void read_last_line(int fd, char *last, size_t size)
{
    char chunk[512], cur[LINE_MAX_BYTES];
    size_t cur_len = 0;
    last[0] = '\0';
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        for (ssize_t i = 0; i < r; i++) {
            if (chunk[i] == '\n') {
                if (cur_len > 0) {
                    size_t keep = cur_len < size - 1 ? cur_len : size - 1;
                    memcpy(last, cur, keep);
                    last[keep] = '\0';
                }
                cur_len = 0;
            } else if (cur_len < sizeof cur) {
                cur[cur_len++] = chunk[i];
            }
        }
    }
    if (cur_len > 0) {
        size_t keep = cur_len < size - 1 ? cur_len : size - 1;
        memcpy(last, cur, keep);
        last[keep] = '\0';
    }
}

/* The child failed through fn if its last line is the mark, a known code and a message. */
static int parse_record(const char *line, edra_error *err)
{
    char *end = NULL;
    if (line[0] != RECORD_MARK)
        return 0;
    errno = 0;
    long code = strtol(line + 1, &end, 10);
    if (errno != 0 || end == line + 1 || *end != ' ' || code >= 0 || code < EDRA_STATUS_MIN)
        return 0;
    return edra_error_set(err, (int)code, "%s", end + 1);
}

/* ", after printing \"...\"": the child's last line of its own when there is one. */
static void quote_last(char *buf, size_t size, const char *line)
{
    buf[0] = '\0';
    if (line[0] && line[0] != RECORD_MARK)
        snprintf(buf, size, ", after printing \"%.*s%s\"", QUOTE_MAX, line,
                 strlen(line) > QUOTE_MAX ? "..." : "");
}

int edra_subproc_run(const char *name, edra_subproc_fn fn, void *state, edra_error *err)
{
    int fds[2] = {-1, -1}, status = 0;
    char line[LINE_MAX_BYTES], quote[QUOTE_MAX + 32];
    if (pipe(fds) < 0) {
        int saved = errno;
        return edra_error_set(err, saved == ENOMEM ? EDRA_ENOMEM : EDRA_EINTERNAL,
                              "%scannot start the %s: %s", saved == ENOMEM ? "out of memory: " : "",
                              name, strerror(saved));
    }
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    fflush(NULL);
    pid_t parent = getpid(), pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child_main(fds[1], parent, fn, state);
    }
    int saved = errno;
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        /* EAGAIN is fork's "no memory for the process table entry" as well as a limit. */
        int oom = saved == ENOMEM || saved == EAGAIN;
        return edra_error_set(err, oom ? EDRA_ENOMEM : EDRA_EINTERNAL, "%scannot start the %s: %s",
                              oom ? "out of memory: " : "", name, strerror(saved));
    }
    read_last_line(fds[0], line, sizeof line);
    close(fds[0]);
    pid_t waited;
    while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    if (waited < 0)
        return edra_error_set(err, EDRA_EINTERNAL, "cannot wait for the %s: %s", name, strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    quote_last(quote, sizeof quote, line);
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        /* How Pango, GLib (g_error traps) and Fontconfig end when an allocation fails. */
        if (sig == SIGABRT || sig == SIGSEGV || sig == SIGTRAP)
            return edra_error_set(err, EDRA_ENOMEM, "out of memory (%s killed by signal %d, %s%s)", name,
                                  sig, signal_name(sig), quote);
        return edra_error_set(err, EDRA_EINTERNAL, "%s killed by signal %d, %s%s", name, sig,
                              signal_name(sig), quote);
    }
    int rc = parse_record(line, err);
    if (rc < 0)
        return rc;
    return edra_error_set(err, EDRA_EINTERNAL, "%s exited with status %d%s", name,
                          WIFEXITED(status) ? WEXITSTATUS(status) : -1, quote);
}
