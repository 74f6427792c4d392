/*
 * table_xlsx_write.c — tables written as one XLSX workbook for reading
 * (libxlsxwriter): one sheet per table, bold header row frozen with the
 * leading text columns, numbers stored as numbers (the full double, so a
 * sheet holds exactly the values of the CSV it mirrors) with a number format
 * per column (integers "0", others "#,##0.00", or "0.0000" for decimals below
 * 10), column widths fitted to the text (CJK characters count double), the
 * header row filtered. Rank 0 writes through the foundation's temporary
 * output (sx_output_begin/commit). Used by the econ indicator workbooks and
 * the rs accuracy tables; without libxlsxwriter (SX_XLSX=OFF or the library
 * missing) the call fails with one message saying how to get it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_table.h"
#include "sanxiang/sx_time.h"

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

static sx_err add_sheet(lxw_workbook *wb, const char *name, const sx_table_t *t, lxw_format *head, lxw_format *fint,
                        lxw_format *f2, lxw_format *f4)
{
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
    return err;
}

static sx_err build(const char *tmp, int n, const char *const *sheets, const sx_table_t *const *tables)
{
    int64_t when = 0;
    int fixed = 0;
    SX_CHECK(sx_time_source_date_epoch(&when, &fixed));
    lxw_workbook *wb = workbook_new(tmp);
    SX_FAIL_IF(!wb, SX_ERR_IO, "cannot create workbook '%s'", tmp);
    /* The created date of docProps/core.xml, the one time in the file (libxlsxwriter dates the zip
     * entries 1980-01-01): SOURCE_DATE_EPOCH when set, so the bytes repeat; 0 would mean "now" to
     * the library, so the first second stands for it. */
    lxw_doc_properties props = {.created = (time_t)(when > 0 ? when : 1)};
    if (fixed) workbook_set_properties(wb, &props);
    lxw_format *head = workbook_add_format(wb), *fint = workbook_add_format(wb), *f2 = workbook_add_format(wb),
               *f4 = workbook_add_format(wb);
    format_set_bold(head), format_set_bottom(head, LXW_BORDER_THIN), format_set_bg_color(head, 0xDDEBF7);
    format_set_text_wrap(head);
    format_set_num_format(fint, "0"), format_set_num_format(f2, "#,##0.00"), format_set_num_format(f4, "0.0000");
    sx_err err = SX_OK;
    for (int k = 0; k < n && err == SX_OK; k++)
        if (tables[k]) err = add_sheet(wb, sheets[k], tables[k], head, fint, f2, f4);
    lxw_error le = workbook_close(wb);
    if (err == SX_OK && le != LXW_NO_ERROR) err = sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "cannot write '%s': %s", tmp, lxw_strerror(le));
    return err;
}
#endif

int sx_table_xlsx_available(void)
{
#ifdef SX_HAVE_XLSXWRITER
    return 1;
#else
    return 0;
#endif
}

sx_err sx_table_xlsx_write(MPI_Comm comm, const char *path, int n, const char *const *sheets,
                           const sx_table_t *const *tables)
{
#ifdef SX_HAVE_XLSXWRITER
    sx_output_t out;
    SX_CHECK(sx_output_begin(comm, path, &out));
    sx_err local = sx_mpi_rank() == 0 ? build(out.tmp_path, n, sheets, tables) : SX_OK;
    SX_CHECK(sx_output_commit(comm, &out, local));
#else
    (void)n, (void)sheets, (void)tables;
    SX_CHECK(sx_err_agree(comm, sx_err_set(SX_ERR_CONFIG, SX__FILE, __LINE__,
                                           "cannot write '%s': this sanxiang was built without libxlsxwriter; install "
                                           "libxlsxwriter-dev and rebuild, or do not ask for XLSX output", path)));
#endif
    return SX_OK;
}
