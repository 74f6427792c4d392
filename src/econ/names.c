/*
 * names.c — method names of job files and the CLI (normalisation, weights,
 * aggregation, imputation) turned into enum values, with one message format
 * listing the valid names when a name is unknown.
 */
#include <string.h>

#include "econ/econ_internal.h"
#include "sanxiang/sx_strbuf.h"

sx_err sx__econ_parse_name(const char *s, const char *const *names, int n, const char *what, int *out)
{
    for (int i = 0; i < n; i++)
        if (s && !strcmp(s, names[i])) {
            *out = i;
            return SX_OK;
        }
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    for (int i = 0; i < n; i++) sx_strbuf_printf(&sb, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ", names[i]);
    sx_err err = sx_err_set(SX_ERR_CONFIG, SX__FILE, __LINE__, "unknown %s '%s'; use %s", what, s ? s : "", sb.data ? sb.data : "");
    sx_strbuf_fini(&sb);
    return err;
}
