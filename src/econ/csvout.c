/*
 * csvout.c — writing result tables as CSV: RFC 4180 quoting, fixed decimals
 * (so files compare byte for byte across runs and rank counts), and the
 * write itself: once every rank agrees the table was built, rank 0 writes it
 * through the foundation's sx_write_text_file (temporary name, rename; it
 * creates the directory), and the ranks agree on the outcome.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "econ/econ_internal.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"

void sx__econ_csv_str(sx_strbuf_t *sb, const char *s, char sep)
{
    if (!s) s = "";
    if (strpbrk(s, ",\"\n\r")) {
        sx_strbuf_putn(sb, "\"", 1);
        for (const char *p = s; *p; p++) {
            if (*p == '"') sx_strbuf_putn(sb, "\"", 1);
            sx_strbuf_putn(sb, p, 1);
        }
        sx_strbuf_putn(sb, "\"", 1);
    } else sx_strbuf_puts(sb, s);
    if (sep) sx_strbuf_putn(sb, &sep, 1);
}

void sx__econ_csv_num(sx_strbuf_t *sb, double v, int decimals, char sep)
{
    if (!isnan(v)) sx_strbuf_printf(sb, "%.*f", decimals, v == 0 ? 0.0 : v); /* no "-0.000" */
    if (sep) sx_strbuf_putn(sb, &sep, 1);
}

sx_err sx__econ_write(MPI_Comm comm, const char *dir, const char *name, sx_strbuf_t *sb)
{
    char path[SX_PATH_MAX];
    sx_err local = SX_OK;
    if (sb->failed) local = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory building %s", name);
    else if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        local = sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "output path too long: %s/%s", dir, name);
    SX_CHECK(sx_err_agree(comm, local)); /* every rank built its table: only then write */
    if (sx_mpi_rank() == 0) local = sx_write_text_file(path, sb->data ? sb->data : ""); /* temporary name, rename */
    SX_CHECK(sx_err_agree(comm, local));
    return SX_OK;
}
