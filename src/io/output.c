/*
 * output.c — write under a temporary name, rename when all ranks agree;
 * never replace what sanxiang did not write; never leave the run directory.
 *
 * The temporary file lives in the final directory (so rename() is atomic on
 * the same file system) as ".<name>.part": hidden, and with an extension no
 * GIS tool mistakes for a finished layer. Only rank 0 creates directories,
 * renames and removes; every rank takes part in the agreement.
 *
 * Each directory sanxiang commits into gets a manifest (SX_OUTPUT_MANIFEST)
 * naming what it wrote there; an existing file is replaced only if the
 * manifest names it. Inside a transaction the renames wait for
 * sx_output_txn_end(), so a step's products appear together or not at all.
 */
#include "sanxiang/sx_output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

/* ---- the manifest of what sanxiang wrote in a directory ---- */

static int manifest_lists(const char *dir, const char *base)
{
    char path[SX_PATH_MAX + 32], line[SX_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, SX_OUTPUT_MANIFEST);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        found = !strcmp(line, base);
    }
    fclose(f);
    return found;
}

static sx_err manifest_add(const char *final_path)
{
    char dir[SX_PATH_MAX], path[SX_PATH_MAX + 32];
    const char *base;
    split_path(final_path, dir, sizeof dir, &base);
    if (manifest_lists(dir, base)) return SX_OK;
    snprintf(path, sizeof path, "%s/%s", dir, SX_OUTPUT_MANIFEST);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0664);
    SX_FAIL_IF(fd < 0, SX_ERR_IO, "cannot record '%s' in '%s': %s", base, path, strerror(errno));
    char line[SX_PATH_MAX + 2];
    int n = snprintf(line, sizeof line, "%s\n", base);
    int ok = write(fd, line, (size_t)n) == n; /* one short O_APPEND write: lines never interleave */
    ok = close(fd) == 0 && ok;
    SX_FAIL_IF(!ok, SX_ERR_IO, "cannot record '%s' in '%s' (disk full?)", base, path);
    return SX_OK;
}

/* May final_path be (re)written? Absent, or a regular file sanxiang wrote. */
static sx_err may_replace(const char *final_path)
{
    struct stat st;
    if (lstat(final_path, &st) != 0) {
        SX_FAIL_IF(errno != ENOENT, SX_ERR_IO, "cannot check output '%s': %s", final_path, strerror(errno));
        return SX_OK;
    }
    SX_FAIL_IF(S_ISLNK(st.st_mode), SX_ERR_IO,
               "output '%s' is a symbolic link; sanxiang does not write through links — choose another output name",
               final_path);
    SX_FAIL_IF(S_ISDIR(st.st_mode), SX_ERR_IO,
               "output '%s' is an existing directory; choose another output name", final_path);
    char dir[SX_PATH_MAX];
    const char *base;
    split_path(final_path, dir, sizeof dir, &base);
    SX_FAIL_IF(!S_ISREG(st.st_mode) || !manifest_lists(dir, base), SX_ERR_IO,
               "output '%s' exists and was not written by sanxiang; choose another output name or move that file "
               "away (sanxiang replaces only files it wrote, listed in %s/%s)",
               final_path, dir, SX_OUTPUT_MANIFEST);
    return SX_OK;
}

/* ---- transactions ---- */

typedef struct {
    char *tmp, *final;
} staged_t;

static struct {
    int open;
    int private_dir; /* sx_output_private_begin: rename at once, no manifest */
    size_t n, cap;
    staged_t *items;
} txn;

void sx_output_private_begin(void) { txn.private_dir = 1; }
void sx_output_private_end(void) { txn.private_dir = 0; }

void sx_output_txn_begin(void)
{
    txn.open = 1;
    txn.n = 0;
}

static sx_err stage(const char *tmp, const char *final)
{
    if (txn.n == txn.cap) {
        size_t cap = txn.cap ? 2 * txn.cap : 16;
        staged_t *items = realloc(txn.items, cap * sizeof *items);
        SX_FAIL_IF(!items, SX_ERR_NOMEM, "out of memory staging '%s'", final);
        txn.items = items;
        txn.cap = cap;
    }
    for (size_t i = 0; i < txn.n; i++) /* written twice in one step: the last one stands */
        if (!strcmp(txn.items[i].final, final)) {
            if (strcmp(txn.items[i].tmp, tmp)) unlink(txn.items[i].tmp);
            return SX_OK;
        }
    txn.items[txn.n].tmp = strdup(tmp);
    txn.items[txn.n].final = strdup(final);
    SX_FAIL_IF(!txn.items[txn.n].tmp || !txn.items[txn.n].final, SX_ERR_NOMEM, "out of memory staging '%s'", final);
    txn.n++;
    return SX_OK;
}

/* Rename tmp onto final (final checked again: something may have appeared
 * there meanwhile) and list it in the manifest. */
static sx_err publish(const char *tmp, const char *final)
{
    if (!txn.private_dir) SX_CHECK(may_replace(final));
    SX_FAIL_IF(rename(tmp, final) != 0, SX_ERR_IO, "cannot rename '%s' to '%s': %s", tmp, final, strerror(errno));
    return txn.private_dir ? SX_OK : manifest_add(final);
}

const char *sx_output_staged(const char *final_path)
{
    for (size_t i = 0; txn.open && i < txn.n; i++)
        if (!strcmp(txn.items[i].final, final_path)) return txn.items[i].tmp;
    return final_path;
}

sx_err sx_output_txn_end(MPI_Comm comm, sx_err local)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    sx_err err = sx_err_agree(comm, local);
    if (rank == 0) {
        for (size_t i = 0; i < txn.n; i++) {
            if (err == SX_OK) err = publish(txn.items[i].tmp, txn.items[i].final);
            if (err != SX_OK) unlink(txn.items[i].tmp);
        }
    }
    for (size_t i = 0; i < txn.n; i++) {
        free(txn.items[i].tmp);
        free(txn.items[i].final);
    }
    txn.n = 0;
    txn.open = 0;
    return sx_err_agree(comm, err);
}

/* ---- single outputs ---- */

/* Names, directory, replace check and stale temporary file of one output (the rank that writes it). */
static sx_err begin_local(const char *final_path, sx_output_t *out, int check_here)
{
    memset(out, 0, sizeof *out);
    char dir[SX_PATH_MAX];
    const char *base;
    split_path(final_path, dir, sizeof dir, &base);
    SX_FAIL_IF(snprintf(out->final_path, sizeof out->final_path, "%s", final_path) >= (int)sizeof out->final_path ||
                   snprintf(out->tmp_path, sizeof out->tmp_path, "%s/.%s.part", dir, base) >= (int)sizeof out->tmp_path,
               SX_ERR_IO, "output path too long: '%s'", final_path);
    SX_FAIL_IF(base[0] == '\0', SX_ERR_IO, "output path '%s' names a directory, not a file", final_path);
    if (!check_here) return SX_OK;
    SX_CHECK(sx_mkdir_p(dir));
    if (!txn.private_dir) SX_CHECK(may_replace(final_path));
    SX_FAIL_IF(unlink(out->tmp_path) != 0 && errno != ENOENT, SX_ERR_IO, "cannot remove stale temporary file '%s': %s",
               out->tmp_path, strerror(errno));
    return SX_OK;
}

/* Rename (or stage) a finished temporary file, or remove it after a failure. */
static sx_err commit_local(sx_output_t *out, sx_err err)
{
    if (err != SX_OK) unlink(out->tmp_path);
    else if (txn.open && !txn.private_dir) err = stage(out->tmp_path, out->final_path);
    else {
        err = publish(out->tmp_path, out->final_path);
        if (err != SX_OK) unlink(out->tmp_path);
    }
    return err;
}

sx_err sx_output_begin_local(const char *final_path, sx_output_t *out)
{
    SX_CHECK(begin_local(final_path, out, 1));
    out->active = 1;
    return SX_OK;
}

sx_err sx_output_commit_local(sx_output_t *out, sx_err local)
{
    if (!out->active) return local;
    out->active = 0;
    return commit_local(out, local);
}

sx_err sx_output_begin(MPI_Comm comm, const char *final_path, sx_output_t *out)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    SX_CHECK(sx_err_agree(comm, begin_local(final_path, out, rank == 0)));
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
    if (rank == 0) err = commit_local(out, err);
    /* Staging and renaming happen on rank 0 only; agree once more so all ranks know. */
    return sx_err_agree(comm, err);
}

sx_err sx_write_text_file(const char *path, const char *text)
{
    sx_output_t out;
    SX_CHECK(sx_output_begin_local(path, &out));
    FILE *f = fopen(out.tmp_path, "w");
    if (!f) return sx_output_commit_local(&out, sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "cannot write '%s': %s",
                                                             out.tmp_path, strerror(errno)));
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    ok = (fclose(f) == 0) && ok;
    return sx_output_commit_local(&out, ok ? SX_OK : sx_err_set(SX_ERR_IO, SX__FILE, __LINE__,
                                                                 "cannot write '%s' (disk full?)", path));
}
/* ---- the path rule ---- */

/* Is the existing path p inside the directory whose real path is root? */
static int resolves_inside(const char *p, const char *root)
{
    char real[PATH_MAX];
    if (!realpath(p, real)) return 1; /* vanished meanwhile: nothing to follow */
    size_t n = strlen(root);
    return !strncmp(real, root, n) && (real[n] == '/' || real[n] == '\0' || (n == 1 && root[0] == '/'));
}

sx_err sx_output_path_under(const char *dir, const char *name, const char *ext, const char *what, char *buf,
                            size_t len)
{
    SX_FAIL_IF(!name || !name[0], SX_ERR_CONFIG, "%s: the output name is empty; give a name such as 'slope'", what);
    SX_FAIL_IF(name[0] == '/', SX_ERR_CONFIG,
               "%s: '%s' is an absolute path; a job writes only inside its run directory (%s) — give a name "
               "relative to it", what, name, dir);
    for (const char *c = name; *c;) {
        size_t n = strcspn(c, "/");
        SX_FAIL_IF(n == 0 || c[0] == '.', SX_ERR_CONFIG,
                   "%s: '%s' %s; a job writes only inside its run directory (%s) — give a plain name such as "
                   "'slope' or 'dem/slope'", what, name,
                   n == 2 && !strncmp(c, "..", 2) ? "leads out with '..'" : "has an empty or hidden ('.') component",
                   dir);
        c += n;
        if (*c == '/') c++;
    }
    SX_FAIL_IF(snprintf(buf, len, "%s/%s%s", dir, name, ext ? ext : "") >= (int)len, SX_ERR_CONFIG,
               "%s: output path too long: '%s/%s%s'", what, dir, name, ext ? ext : "");
    char root[PATH_MAX];
    if (!realpath(dir, root)) return SX_OK; /* the run directory does not exist yet: nothing inside can lead out */
    /* Every existing component below dir must stay inside it (a symbolic link may not lead out). */
    char prefix[SX_PATH_MAX];
    size_t dlen = strlen(dir);
    for (size_t i = dlen + 1; i <= strlen(buf); i++) {
        if (buf[i] != '/' && buf[i] != '\0') continue;
        snprintf(prefix, sizeof prefix, "%.*s", (int)i, buf);
        struct stat st;
        if (lstat(prefix, &st) != 0) break;
        SX_FAIL_IF(!resolves_inside(prefix, root), SX_ERR_CONFIG,
                   "%s: '%s' leads out of the run directory %s through a symbolic link; give another name", what,
                   prefix, dir);
    }
    return SX_OK;
}
