/*
 * install.c — the data directory of sanxiang (bundled jobs, data, viewer),
 * found from the running executable so that an install is relocatable:
 * PREFIX/bin/sanxiang reads PREFIX/share/sanxiang, a build-tree command
 * (SRC/build/bin/sanxiang, or one level deeper: SRC/build-aarch64/build/bin)
 * reads the source tree SRC. $SANXIANG_DATA_DIR overrides both. The executable is /proc/self/exe (Linux); without it only
 * the variable is used.
 *
 * A directory counts as the data directory only if it holds jobs/ — a
 * source tree also data/ and src/core — so a stray share/sanxiang, or a
 * directory above an install, is not taken. Relative file names the user gives are
 * still read from the working directory first (sx_install_resolve), so this
 * only adds places to look, never changes which file an existing command line
 * reads.
 */
#include "sanxiang/sx_install.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* dir/rel/sub (sub may be NULL) is a directory. */
static int has_dir(const char *dir, const char *rel, const char *sub)
{
    char p[PATH_MAX];
    int n = snprintf(p, sizeof p, "%s/%s%s%s", dir, rel, sub ? "/" : "", sub ? sub : "");
    return n > 0 && (size_t)n < sizeof p && is_dir(p);
}

/* realpath() of bin/rel into buf. */
static int canonical(const char *bin, const char *rel, char *buf, size_t len)
{
    char p[PATH_MAX], real[PATH_MAX];
    int n = snprintf(p, sizeof p, "%s/%s", bin, rel);
    if (n <= 0 || (size_t)n >= sizeof p || !realpath(p, real)) return 0;
    n = snprintf(buf, len, "%s", real);
    return n > 0 && (size_t)n < len;
}

int sx_install_data_dir(char *buf, size_t len)
{
    if (len == 0) return 0;
    buf[0] = '\0';
    const char *env = getenv("SANXIANG_DATA_DIR");
    if (env && env[0]) {
        int n = snprintf(buf, len, "%s", env);
        if (n > 0 && (size_t)n < len) return 1;
        buf[0] = '\0';
        return 0;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return 0;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return 0;
    *slash = '\0';
    if (has_dir(exe, "../share/sanxiang", "jobs") && canonical(exe, "../share/sanxiang", buf, len)) return 1;
    static const char *const tree[] = {"../..", "../../.."}; /* SRC/build/bin, SRC/build-aarch64/build/bin */
    for (size_t i = 0; i < sizeof tree / sizeof *tree; i++)
        if (has_dir(exe, tree[i], "jobs") && has_dir(exe, tree[i], "data") && has_dir(exe, tree[i], "src/core") &&
            canonical(exe, tree[i], buf, len))
            return 1;
    buf[0] = '\0';
    return 0;
}

/* A name GDAL would not read as a plain file: a driver prefix ("NETCDF:"), a
 * virtual file system ("/vsizip/" is absolute anyway) or a URL. */
static int plain_relative(const char *name)
{
    return name[0] && name[0] != '/' && !strchr(name, ':');
}

int sx_install_resolve(const char *name, char *buf, size_t len)
{
    char dir[PATH_MAX], cand[PATH_MAX];
    if (plain_relative(name) && access(name, F_OK) != 0 && sx_install_data_dir(dir, sizeof dir)) {
        int n = snprintf(cand, sizeof cand, "%s/%s", dir, name);
        if (n > 0 && (size_t)n < sizeof cand && access(cand, F_OK) == 0 && (size_t)n < len) {
            memcpy(buf, cand, (size_t)n + 1);
            return 1;
        }
    }
    snprintf(buf, len, "%s", name);
    return 0;
}
