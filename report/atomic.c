/* Atomic replacement of a file by rename(2) of a fsynced temporary in the same folder
 * (the write-fsync-rename-fsync-folder sequence; see POSIX rename() and fsync()). */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fchmod, fsync, fdopen, fileno, O_DIRECTORY */
#include "atomic.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct edra_atomic {
    char *path;     /* the target */
    char *tmp_path; /* path.tmp.XXXXXX, renamed over path on commit */
    FILE *stream;
};

/* Creates path.tmp.XXXXXX with permissions mode; *tmp_out is the caller's. */
static int create_temp(char **tmp_out, int *fd_out, const char *path, mode_t mode, edra_error *err)
{
    static const char suffix[] = ".tmp.XXXXXX";
    size_t len = strlen(path);
    char *tmp = malloc(len + sizeof suffix);
    if (!tmp)
        return edra_error_set(err, EDRA_ENOMEM, "%s: out of memory", path);
    memcpy(tmp, path, len);
    memcpy(tmp + len, suffix, sizeof suffix);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int rc = edra_error_set(err, EDRA_EIO, "%s: %s", path, strerror(errno));
        free(tmp);
        return rc;
    }
    /* mkstemp creates 0600; set the final mode now so the rename publishes it at once. */
    if (fchmod(fd, mode) != 0) {
        int rc = edra_error_set(err, EDRA_EIO, "%s: %s", path, strerror(errno));
        close(fd);
        unlink(tmp);
        free(tmp);
        return rc;
    }
    *tmp_out = tmp;
    *fd_out = fd;
    return 0;
}

/* fsyncs the folder holding path so the rename itself survives a crash. */
static int sync_folder(const char *path, edra_error *err)
{
    const char *slash = strrchr(path, '/');
    char *folder = NULL;
    int fd = -1, rc = 0;
    if (!slash)
        folder = strdup(".");
    else if (slash == path)
        folder = strdup("/");
    else {
        folder = malloc((size_t)(slash - path) + 1);
        if (folder) {
            memcpy(folder, path, (size_t)(slash - path));
            folder[slash - path] = '\0';
        }
    }
    if (!folder)
        return edra_error_set(err, EDRA_ENOMEM, "%s: out of memory", path);
    fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        rc = edra_error_set(err, EDRA_EIO, "%s: %s", folder, strerror(errno));
        goto done;
    }
    /* Some file systems cannot fsync a directory (EINVAL); the rename has happened anyway. */
    if (fsync(fd) != 0 && errno != EINVAL)
        rc = edra_error_set(err, EDRA_EIO, "%s: %s", folder, strerror(errno));
done:
    if (fd >= 0)
        close(fd);
    free(folder);
    return rc;
}

/* Renames the closed temporary over path; removes the temporary if that fails. */
static int publish(const char *tmp, const char *path, edra_error *err)
{
    if (rename(tmp, path) != 0) {
        int saved = errno;
        unlink(tmp);
        return edra_error_set(err, EDRA_EIO, "%s: %s", path, strerror(saved));
    }
    return sync_folder(path, err);
}

int edra_atomic_write(const char *path, const void *buf, size_t len, mode_t mode, edra_error *err)
{
    const unsigned char *bytes = buf;
    char *tmp = NULL;
    int fd = -1, rc = 0, saved = 0;
    size_t off = 0;
    assert(path && (buf || len == 0));
    rc = create_temp(&tmp, &fd, path, mode, err);
    if (rc != 0)
        return rc;
    while (off < len) {
        ssize_t n = write(fd, bytes + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            saved = errno;
            goto done;
        }
        off += (size_t)n;
    }
    if (fsync(fd) != 0) {
        saved = errno;
        goto done;
    }
    /* close() can report a deferred write error (NFS, quota): it counts as a failure. */
    int closed = close(fd);
    fd = -1;
    if (closed != 0) {
        saved = errno;
        goto done;
    }
    rc = publish(tmp, path, err);
done:
    if (saved != 0) {
        if (fd >= 0)
            close(fd);
        unlink(tmp);
        rc = edra_error_set(err, EDRA_EIO, "%s: %s", path, strerror(saved));
    }
    free(tmp);
    return rc;
}

static void atomic_free(edra_atomic *f)
{
    free(f->tmp_path);
    free(f->path);
    free(f);
}

int edra_atomic_open(edra_atomic **out, const char *path, mode_t mode, edra_error *err)
{
    edra_atomic *f = NULL;
    int fd = -1, rc = 0;
    assert(out && path);
    *out = NULL;
    f = calloc(1, sizeof *f);
    if (!f || !(f->path = strdup(path))) {
        rc = edra_error_set(err, EDRA_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    rc = create_temp(&f->tmp_path, &fd, path, mode, err);
    if (rc != 0)
        goto done;
    f->stream = fdopen(fd, "wb");
    if (!f->stream) {
        rc = edra_error_set(err, EDRA_EIO, "%s: %s", path, strerror(errno));
        close(fd);
        unlink(f->tmp_path);
        goto done;
    }
    *out = f;
    f = NULL;
done:
    if (f)
        atomic_free(f);
    return rc;
}

FILE *edra_atomic_file(edra_atomic *f)
{
    assert(f);
    return f->stream;
}

int edra_atomic_commit(edra_atomic *f, edra_error *err)
{
    int rc = 0, saved = 0;
    assert(f);
    errno = 0;
    /* ferror catches a write that failed earlier even if the caller ignored fwrite's result;
     * fflush and fclose catch what was still buffered (ENOSPC, EFBIG, EDQUOT). */
    if (fflush(f->stream) != 0)
        saved = errno ? errno : EIO;
    else if (ferror(f->stream))
        saved = EIO;
    else if (fsync(fileno(f->stream)) != 0)
        saved = errno;
    if (fclose(f->stream) != 0 && saved == 0)
        saved = errno ? errno : EIO;
    f->stream = NULL;
    if (saved != 0) {
        unlink(f->tmp_path);
        rc = edra_error_set(err, EDRA_EIO, "%s: %s", f->path, strerror(saved));
    } else {
        rc = publish(f->tmp_path, f->path, err);
    }
    atomic_free(f);
    return rc;
}

void edra_atomic_abort(edra_atomic *f)
{
    if (!f)
        return;
    if (f->stream)
        fclose(f->stream);
    unlink(f->tmp_path);
    atomic_free(f);
}
