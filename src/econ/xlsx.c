/*
 * xlsx.c — the CSV tables of a run collected into one XLSX workbook for
 * reading (libxlsxwriter): one sheet per table, bold header row frozen with
 * the code/name columns, numbers stored as numbers with a number format per
 * column (integers "0", others "0.00" or "0.0000" for shares and indices
 * below 10), column widths fitted to the text (CJK characters count double),
 * the header row filtered. The CSV files stay the reference; the workbook is
 * built from them after they are written, on rank 0, through the
 * foundation's temporary output (sx_output_begin/commit).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "econ/econ_internal.h"
#include "sanxiang/sx_econ_run.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"

#ifdef SX_HAVE_XLSXWRITER
#include <xlsxwriter.h>

/* Display width of UTF-8 text: 2 for code points >= U+1100 (CJK), 1 otherwise. */
static int text_width(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) == 0x80) continue;
        w += *p >= 0xE1 ? 2 : 1;
    }
    return w;
}

static int is_number(const char *s, double *v)
{
    if (!*s) return 0;
    char *end;
    *v = strtod(s, &end);
    return *end == 0 && isfinite(*v);
}

static sx_err add_sheet(lxw_workbook *wb, const char *name, const char *csv_path, lxw_format *head, lxw_format *fint,
                        lxw_format *f2, lxw_format *f4)
{
    sx_table_t *t = NULL;
    SX_CHECK(sx_table_read(csv_path, &t));
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    sx_err err = SX_OK;
    int *kind = calloc((size_t)t->ncol, sizeof *kind), *width = calloc((size_t)t->ncol, sizeof *width);
    if (!ws || !kind || !width) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "cannot add sheet %s", name);
    /* kind per column: 0 text, 1 integers, 2 decimals, 3 small decimals */
    for (int c = 0; c < t->ncol; c++) {
        int num = 1, integer = 1, any = 0;
        double mx = 0, v;
        width[c] = text_width(t->head[c]) + 3;
        for (int r = 0; r < t->nrow; r++) {
            const char *s = sx_table_at(t, r, c);
            int w = text_width(s) + 2;
            if (w > width[c]) width[c] = w;
            if (!*s) continue;
            if (!is_number(s, &v)) num = 0;
            else any = 1, integer &= v == floor(v) && !strchr(s, '.'), mx = fmax(mx, fabs(v));
        }
        kind[c] = !num || !any ? 0 : integer ? 1 : mx < 10 ? 3 : 2;
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width[c] > 60 ? 60 : width[c], NULL);
    }
    for (int c = 0; c < t->ncol; c++) worksheet_write_string(ws, 0, (lxw_col_t)c, t->head[c], head);
    for (int r = 0; r < t->nrow; r++)
        for (int c = 0; c < t->ncol; c++) {
            const char *s = sx_table_at(t, r, c);
            double v;
            if (kind[c] && is_number(s, &v))
                worksheet_write_number(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, v, kind[c] == 1 ? fint : kind[c] == 2 ? f2 : f4);
            else if (*s) worksheet_write_string(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, s, NULL);
        }
    int freeze_cols = t->ncol > 2 && !kind[0] && !kind[1] ? 2 : (t->ncol > 1 && !kind[0] ? 1 : 0);
    worksheet_freeze_panes(ws, 1, (lxw_col_t)freeze_cols);
    if (t->nrow > 0) worksheet_autofilter(ws, 0, 0, (lxw_row_t)t->nrow, (lxw_col_t)(t->ncol - 1));
done:
    free(kind), free(width);
    sx_table_destroy(&t);
    return err;
}

/* The workbook at tmp from the CSV tables dir/csvs[k]. */
static sx_err build(const char *tmp, const char *dir, int n, const char *const *sheets, const char *const *csvs)
{
    lxw_workbook *wb = workbook_new(tmp);
    SX_FAIL_IF(!wb, SX_ERR_IO, "cannot create workbook '%s'", tmp);
    lxw_format *head = workbook_add_format(wb), *fint = workbook_add_format(wb), *f2 = workbook_add_format(wb),
               *f4 = workbook_add_format(wb);
    format_set_bold(head), format_set_bottom(head, LXW_BORDER_THIN), format_set_bg_color(head, 0xDDEBF7);
    format_set_text_wrap(head);
    format_set_num_format(fint, "0"), format_set_num_format(f2, "#,##0.00"), format_set_num_format(f4, "0.0000");
    sx_err err = SX_OK;
    for (int k = 0; k < n && err == SX_OK; k++) {
        char path[SX_PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, csvs[k]);
        const char *now = sx_output_staged(path); /* the tables of this step are staged until it commits */
        if (access(now, R_OK) == 0) err = add_sheet(wb, sheets[k], now, head, fint, f2, f4);
    }
    lxw_error le = workbook_close(wb);
    if (err == SX_OK && le != LXW_NO_ERROR) err = sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "cannot write '%s': %s", tmp, lxw_strerror(le));
    return err;
}
#endif

sx_err sx_econ_xlsx_write(MPI_Comm comm, const char *dir, const char *file, int n, const char *const *sheets,
                          const char *const *csvs)
{
#ifdef SX_HAVE_XLSXWRITER
    char fin[SX_PATH_MAX];
    SX_FAIL_IF((size_t)snprintf(fin, sizeof fin, "%s/%s", dir, file) >= sizeof fin, SX_ERR_IO, "output path too long: %s/%s", dir, file);
    sx_output_t out;
    SX_CHECK(sx_output_begin(comm, fin, &out));
    sx_err local = sx_mpi_rank() == 0 ? build(out.tmp_path, dir, n, sheets, csvs) : SX_OK;
    SX_CHECK(sx_output_commit(comm, &out, local));
#else
    (void)dir, (void)file, (void)n, (void)sheets, (void)csvs;
    SX_CHECK(sx_err_agree(comm, sx_err_set(SX_ERR_CONFIG, SX__FILE, __LINE__,
                                           "this sanxiang was built without libxlsxwriter; install libxlsxwriter-dev and rebuild, or set xlsx: false")));
#endif
    return SX_OK;
}
