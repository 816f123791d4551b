/* nb_html_save: the page written to "<path>.tmp.XXXXXX" in the same folder
 * (mkstemp: a fresh name, so concurrent saves never share one), synced,
 * given mode 0644 and renamed over `path` only when complete.  A failure
 * removes the temporary file: nothing half-written is left, and an
 * existing page stays as it was.
 *
 * The io layer's tensor files have a more thorough atomic save (anonymous
 * O_TMPFILE files, symbolic links followed, the old file's owner and mode
 * kept, the folder synced), but it is static inside src/io/tensor_file.c and
 * woven into that format's writer; no interface header offers it for other
 * content.  A page is a teaching artefact that is simply written again, so
 * this small version suffices; moving the tensor files' helper behind an
 * io interface header would let both share it. */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fsync, fchmod */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "teach/html_internal.h"

int nb_html_save(const char *path, nb_tensor *const *roots, int n_roots, const nb_html_opts *opts)
{
    static const char *api = "nb_html_save";
    if (!path)
        return nb__null_input(api, "path");
    size_t len = strlen(path);
    if (len == 0 || path[len - 1] == '/')
        return nb__error(NB_ERR_ARG, "%s: '%s' is not a file name", api, path);
    char *tmp = malloc(len + sizeof ".tmp.XXXXXX");
    if (!tmp)
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        nb__error(NB_ERR_IO,
                  "%s: cannot create a temporary file beside %s: %s (does the folder exist, and "
                  "may you write to it?); nothing was written",
                  api, path, strerror(e));
        free(tmp);
        return NB_ERR_IO;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        free(tmp);
        return nb__error(NB_ERR_NOMEM, "%s: out of memory", api);
    }
    int rc = nb__html_write_as(api, f, roots, n_roots, opts);
    int e = 0;
    if (rc == NB_OK && (fsync(fd) != 0 || fchmod(fd, 0644) != 0))
        e = errno;
    if (fclose(f) != 0 && rc == NB_OK && !e)
        e = errno;
    if (rc == NB_OK && e)
        rc = nb__error(NB_ERR_IO, "%s: writing %s failed: %s; nothing was written", api, path,
                       strerror(e));
    if (rc == NB_OK && rename(tmp, path) != 0) {
        e = errno;
        rc = nb__error(NB_ERR_IO, "%s: cannot put the page at %s: %s; nothing was written", api,
                       path, strerror(e));
    }
    if (rc != NB_OK)
        unlink(tmp);
    free(tmp);
    return rc;
}
