/*
 * output.c — write under a temporary name, rename when all ranks agree.
 *
 * The temporary file lives in the final directory (so rename() is atomic on
 * the same file system) as ".<name>.part": hidden, and with an extension no
 * GIS tool mistakes for a finished layer. Only rank 0 creates directories,
 * renames and removes; every rank takes part in the agreement.
 */
#include "sanxiang/sx_output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sanxiang/sx_mpi.h"

sx_err sx_mkdir_p(const char *dir)
{
    char path[SX_PATH_MAX];
    SX_FAIL_IF(snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path, SX_ERR_IO,
               "directory name too long: '%s'", dir);
    for (char *p = path + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(path, 0775) != 0 && errno != EEXIST)
                SX_FAIL(SX_ERR_IO, "cannot create directory '%s': %s; check the output path and permissions",
                        path, strerror(errno));
            *p = c;
            if (c == '\0') break;
        }
    }
    struct stat st;
    SX_FAIL_IF(stat(path, &st) != 0 || !S_ISDIR(st.st_mode), SX_ERR_IO,
               "'%s' exists and is not a directory; choose another output directory", path);
    return SX_OK;
}

static void split_path(const char *path, char *dir, size_t dlen, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (slash) {
        size_t n = (size_t)(slash - path);
        if (n == 0) n = 1; /* "/name" */
        snprintf(dir, dlen, "%.*s", (int)n, path);
        *base = slash + 1;
    } else {
        snprintf(dir, dlen, ".");
        *base = path;
    }
}

sx_err sx_output_begin(MPI_Comm comm, const char *final_path, sx_output_t *out)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    memset(out, 0, sizeof *out);
    char dir[SX_PATH_MAX];
    const char *base;
    split_path(final_path, dir, sizeof dir, &base);
    sx_err err = SX_OK;
    if (snprintf(out->final_path, sizeof out->final_path, "%s", final_path) >= (int)sizeof out->final_path ||
        snprintf(out->tmp_path, sizeof out->tmp_path, "%s/.%s.part", dir, base) >= (int)sizeof out->tmp_path)
        err = sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "output path too long: '%s'", final_path);
    if (err == SX_OK && base[0] == '\0')
        err = sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "output path '%s' names a directory, not a file", final_path);
    if (err == SX_OK && rank == 0) {
        err = sx_mkdir_p(dir);
        if (err == SX_OK && unlink(out->tmp_path) != 0 && errno != ENOENT)
            err = sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "cannot remove stale temporary file '%s': %s",
                             out->tmp_path, strerror(errno));
    }
    SX_CHECK(sx_err_agree(comm, err));
    out->active = 1;
    return SX_OK;
}

sx_err sx_output_commit(MPI_Comm comm, sx_output_t *out, sx_err local)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    sx_err err = sx_err_agree(comm, local);
    if (!out->active) return err;
    out->active = 0;
    if (rank == 0) {
        if (err == SX_OK) {
            if (rename(out->tmp_path, out->final_path) != 0)
                err = sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "cannot rename '%s' to '%s': %s",
                                 out->tmp_path, out->final_path, strerror(errno));
        } else {
            unlink(out->tmp_path);
        }
    }
    /* The rename can only fail on rank 0; agree once more so all ranks know. */
    return sx_err_agree(comm, err);
}

sx_err sx_write_text_file(const char *path, const char *text)
{
    char dir[SX_PATH_MAX], tmp[SX_PATH_MAX];
    const char *base;
    split_path(path, dir, sizeof dir, &base);
    SX_CHECK(sx_mkdir_p(dir));
    SX_FAIL_IF(snprintf(tmp, sizeof tmp, "%s/.%s.part", dir, base) >= (int)sizeof tmp, SX_ERR_IO,
               "output path too long: '%s'", path);
    FILE *f = fopen(tmp, "w");
    SX_FAIL_IF(!f, SX_ERR_IO, "cannot write '%s': %s", tmp, strerror(errno));
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        unlink(tmp);
        SX_FAIL(SX_ERR_IO, "cannot write '%s' (disk full?)", path);
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        SX_FAIL(SX_ERR_IO, "cannot rename '%s' to '%s': %s", tmp, path, strerror(e));
    }
    return SX_OK;
}
