/*
 * target.c — where a package goes, and the only things publish may replace.
 *
 * `publish -o PACKAGE` writes into a directory that does not exist yet (or
 * is empty), or replaces a directory that is a sanxiang package: one that
 * holds the marker file ".sanxiang-package", which publish writes first into
 * every package it builds. Anything else under that name — a file, a
 * symbolic link, a non-empty directory without the marker — is refused with
 * one message naming the path; nothing is deleted that publish did not make.
 *
 * The package is built beside its final name, in "<parent>/.<name>.part".
 * Only when it is complete is it swapped in: renameat2(RENAME_EXCHANGE)
 * exchanges the new and the old package in one step, where the file system
 * supports it; elsewhere (NFS, some parallel file systems) the old package
 * is first renamed to "<parent>/.<name>.old" and put back if the second
 * rename fails. Either way the final name holds the old package or the new
 * one, never a half-written one, and a failed publish leaves the old package
 * as it was. The replaced package is removed afterwards, its marker last, so
 * a removal cut short leaves a hidden directory that still carries the
 * marker and that the next publish to the same name removes. Hidden
 * ".part"/".old" directories without the marker are not ours and are
 * refused like any other foreign path.
 *
 * All of this runs on one rank (rank 0 of the publish); the callers agree on
 * the outcome.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "publish/publish_internal.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_strbuf.h"
#include "sanxiang/sx_version_gen.h"

/* The marker's first bytes: what recognises a package. */
#define MARKER_SIGNATURE "{\"sanxiang_package\": "

int sx__pub_is_package(const char *dir)
{
    char path[SX_PATH_MAX], head[sizeof MARKER_SIGNATURE] = "";
    if (snprintf(path, sizeof path, "%s/%s", dir, SX_PUB_MARKER) >= (int)sizeof path) return 0;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return 0;
    struct stat st;
    ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, head, sizeof head - 1) : -1;
    close(fd);
    return n == (ssize_t)(sizeof head - 1) && !memcmp(head, MARKER_SIGNATURE, sizeof head - 1);
}

static int is_empty_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *e;
    int empty = 1;
    while (empty && (e = readdir(d)) != NULL) empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
    closedir(d);
    return empty;
}

typedef enum { T_ABSENT, T_EMPTY, T_PACKAGE, T_LINK, T_FILE, T_FOREIGN_DIR, T_OTHER } kind_t;

static sx_err classify(const char *path, kind_t *kind)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        SX_FAIL_IF(errno != ENOENT, SX_ERR_IO, "cannot inspect '%s': %s", path, strerror(errno));
        *kind = T_ABSENT;
    } else if (S_ISLNK(st.st_mode)) *kind = T_LINK;
    else if (S_ISREG(st.st_mode)) *kind = T_FILE;
    else if (!S_ISDIR(st.st_mode)) *kind = T_OTHER;
    else if (sx__pub_is_package(path)) *kind = T_PACKAGE;
    else *kind = is_empty_dir(path) ? T_EMPTY : T_FOREIGN_DIR;
    return SX_OK;
}

static sx_err refuse(const char *role, const char *path, kind_t kind)
{
    const char *what = kind == T_LINK ? "is a symbolic link"
                       : kind == T_FILE ? "is a file"
                       : kind == T_FOREIGN_DIR ? "is a non-empty directory that is not a sanxiang package (it has no "
                                                 SX_PUB_MARKER ")"
                                               : "exists and is not a directory";
    SX_FAIL(SX_ERR_USAGE, "%s '%s' %s; publish only writes a new directory or replaces a package it made: "
            "choose a new directory for -o (job: output), or remove '%s' yourself", role, path, what, path);
}

/* nftw callback: everything but the top directory and its marker. */
static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag;
    if (ftw->level == 0 || (ftw->level == 1 && !strcmp(path + ftw->base, SX_PUB_MARKER))) return 0;
    return remove(path);
}

/* Removes a directory publish made (a package, or an empty one), the
 * marker last; anything else is left alone (ENOTEMPTY). Reports failure
 * through the return value and errno only (no error record), so that
 * cleaning up never replaces the error being reported. */
static int remove_ours(const char *dir)
{
    char marker[SX_PATH_MAX];
    if (!sx__pub_is_package(dir) && !is_empty_dir(dir)) {
        errno = ENOTEMPTY;
        return -1;
    }
    if (snprintf(marker, sizeof marker, "%s/%s", dir, SX_PUB_MARKER) >= (int)sizeof marker) return -1;
    if (nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) return -1;
    if (unlink(marker) != 0 && errno != ENOENT) return -1;
    return rmdir(dir);
}

sx_err sx__pub_target_init(const char *package_dir, sx__pub_target_t *t)
{
    memset(t, 0, sizeof *t);
    SX_FAIL_IF(!package_dir || !package_dir[0], SX_ERR_USAGE, "publish needs a package directory (-o PACKAGE_DIR)");
    SX_FAIL_IF(snprintf(t->final, sizeof t->final, "%s", package_dir) >= (int)sizeof t->final, SX_ERR_USAGE,
               "package directory path too long: '%s'", package_dir);
    size_t n = strlen(t->final);
    while (n > 1 && t->final[n - 1] == '/') t->final[--n] = '\0';
    const char *slash = strrchr(t->final, '/');
    const char *name = slash ? slash + 1 : t->final;
    int dlen = slash ? (int)(slash - t->final) + 1 : 0; /* the parent with its '/' */
    SX_FAIL_IF(!name[0] || !strcmp(name, ".") || !strcmp(name, ".."), SX_ERR_USAGE,
               "-o '%s' does not name a directory of its own; give a path such as out/package", package_dir);
    SX_FAIL_IF(snprintf(t->part, sizeof t->part, "%.*s.%s.part", dlen, t->final, name) >= (int)sizeof t->part ||
                   snprintf(t->old, sizeof t->old, "%.*s.%s.old", dlen, t->final, name) >= (int)sizeof t->old,
               SX_ERR_USAGE, "package directory path too long: '%s'", package_dir);
    kind_t k = T_OTHER;
    SX_CHECK(classify(t->final, &k));
    if (k == T_LINK || k == T_FILE || k == T_FOREIGN_DIR || k == T_OTHER) return refuse("package directory", t->final, k);
    t->replace = k == T_PACKAGE;
    return SX_OK;
}

sx_err sx__pub_target_check_source(const sx__pub_target_t *t, const char *path, const char *what)
{
    if (!t->replace || !path) return SX_OK;
    char pkg[PATH_MAX], src[PATH_MAX];
    if (!realpath(t->final, pkg) || !realpath(path, src)) return SX_OK; /* reported by whoever opens it */
    size_t n = strlen(pkg);
    SX_FAIL_IF(!strncmp(src, pkg, n) && (src[n] == '/' || src[n] == '\0'), SX_ERR_USAGE,
               "the %s '%s' is inside the package '%s' that this publish would replace; choose another -o", what,
               path, t->final);
    return SX_OK;
}

/* A hidden .part/.old left by an earlier publish that was killed: removed
 * if it is ours, refused otherwise. */
static sx_err clear_stale(const char *path)
{
    kind_t k = T_OTHER;
    SX_CHECK(classify(path, &k));
    if (k == T_ABSENT) return SX_OK;
    if (k != T_PACKAGE && k != T_EMPTY) return refuse("temporary package directory", path, k);
    sx_log_info("publish: removing '%s', left by an earlier publish that did not finish", path);
    SX_FAIL_IF(remove_ours(path) != 0, SX_ERR_IO, "cannot remove '%s' (left by an earlier publish): %s; remove it "
               "yourself", path, strerror(errno));
    return SX_OK;
}

sx_err sx__pub_target_begin(sx__pub_target_t *t, const char *run_dir)
{
    SX_CHECK(clear_stale(t->part));
    SX_CHECK(clear_stale(t->old));
    SX_CHECK(sx_mkdir_p(t->part));
    t->created = 1;
    char marker[SX_PATH_MAX], src[PATH_MAX];
    SX_FAIL_IF(snprintf(marker, sizeof marker, "%s/%s", t->part, SX_PUB_MARKER) >= (int)sizeof marker, SX_ERR_IO,
               "package path too long: '%s'", t->part);
    if (!realpath(run_dir, src)) snprintf(src, sizeof src, "%s", run_dir);
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_printf(&sb, MARKER_SIGNATURE "1,\n \"written_by\": \"sanxiang publish\",\n"
                          " \"note\": \"this directory is a sanxiang one-map package; sanxiang publish may replace it\",\n"
                          " \"version\": ");
    sx_strbuf_json_string(&sb, SX_VERSION_STRING);
    sx_strbuf_puts(&sb, ",\n \"commit\": ");
    sx_strbuf_json_string(&sb, SX_GIT_COMMIT);
    sx_strbuf_puts(&sb, ",\n \"source_run\": ");
    sx_strbuf_json_string(&sb, src);
    sx_strbuf_puts(&sb, "\n}\n");
    sx_err err = sb.failed ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for the package marker")
                           : sx_write_text_file(marker, sb.data);
    sx_strbuf_fini(&sb);
    return err;
}

sx_err sx__pub_target_commit(sx__pub_target_t *t, int allow_exchange)
{
    /* Again: the final name may have changed while the package was built. */
    kind_t k = T_OTHER;
    SX_CHECK(classify(t->final, &k));
    if (k == T_ABSENT || k == T_EMPTY) {
        SX_FAIL_IF(rename(t->part, t->final) != 0, SX_ERR_IO, "cannot rename '%s' to '%s': %s", t->part, t->final,
                   strerror(errno));
        t->created = 0;
        return SX_OK;
    }
    if (k != T_PACKAGE) return refuse("package directory", t->final, k);
    const char *gone = t->part; /* where the replaced package ends up */
    if (allow_exchange && renameat2(AT_FDCWD, t->part, AT_FDCWD, t->final, RENAME_EXCHANGE) == 0) {
        if (!sx__pub_is_package(t->part)) { /* replaced by something else since the check above: put it back */
            if (renameat2(AT_FDCWD, t->part, AT_FDCWD, t->final, RENAME_EXCHANGE) == 0)
                return refuse("package directory", t->final, T_FOREIGN_DIR);
            t->created = 0; /* what is at t->part now is not ours */
            SX_FAIL(SX_ERR_IO, "'%s' changed while publishing and cannot be put back from '%s': %s; move it back "
                    "yourself", t->final, t->part, strerror(errno));
        }
        t->created = 0;
    } else {
        SX_FAIL_IF(allow_exchange && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP, SX_ERR_IO,
                   "cannot exchange '%s' with the package '%s': %s", t->part, t->final, strerror(errno));
        SX_CHECK(clear_stale(t->old));
        SX_FAIL_IF(rename(t->final, t->old) != 0, SX_ERR_IO, "cannot move the old package '%s' aside to '%s': %s",
                   t->final, t->old, strerror(errno));
        if (rename(t->part, t->final) != 0) {
            int e = errno;
            if (rename(t->old, t->final) != 0)
                SX_FAIL(SX_ERR_IO, "cannot rename '%s' to '%s' (%s), nor put the old package back from '%s' (%s); "
                        "rename it back yourself", t->part, t->final, strerror(e), t->old, strerror(errno));
            SX_FAIL(SX_ERR_IO, "cannot rename '%s' to '%s': %s; the old package is unchanged", t->part, t->final,
                    strerror(e));
        }
        t->created = 0;
        gone = t->old;
    }
    if (remove_ours(gone) != 0)
        sx_log_warn("publish: the new package is in '%s', but the old one, moved to '%s', could not be removed (%s); "
                    "the next publish to '%s' removes it", t->final, gone, strerror(errno), t->final);
    return SX_OK;
}

void sx__pub_target_abort(sx__pub_target_t *t)
{
    if (!t->created) return;
    if (remove_ours(t->part) != 0)
        sx_log_warn("publish: cannot remove the unfinished package '%s' (%s); the next publish to '%s' removes it",
                    t->part, strerror(errno), t->final);
    t->created = 0;
}

sx_err sx_publish_target_check(MPI_Comm comm, const char *package_dir)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    sx_err err = SX_OK;
    if (rank == 0) {
        sx__pub_target_t t;
        err = sx__pub_target_init(package_dir, &t);
    }
    return sx_err_agree(comm, err);
}
