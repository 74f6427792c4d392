/*
 * sx_table.h — small tables read whole: RFC 4180 CSV or one sheet of an XLSX
 * workbook (through GDAL's OGR XLSX driver), as text cells with a header row.
 *
 * Indicator panels and dictionaries (econ), and any domain's tabular input,
 * read through here; numbers are parsed on demand (sx_table_num) so an error
 * names the file, row and column.
 */
#ifndef SX_TABLE_H
#define SX_TABLE_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>
#include "sx_err.h"

/** A table read whole (CSV file or XLSX sheet): a header row and nrow x ncol
 *  text cells. Owning. */
typedef struct {
    char *path;
    int nrow, ncol;
    char **head;  /* ncol names */
    char **cell;  /* nrow * ncol, row-major; "" for empty */
    int *line;    /* nrow: 1-based line of the file each row starts on (CSV); NULL for XLSX */
    int head_line; /* line of the header row (CSV); 0 for XLSX */
} sx_table_t;

/** Read an RFC 4180 CSV (quoted fields, "" escapes, CRLF, UTF-8 BOM). Every
 *  row must have as many fields as the header; blank lines are skipped. A
 *  NUL byte (a UTF-16 file) and a header without any column name are
 *  refused, naming the line. Not collective. */
sx_err sx_table_read(const char *path, sx_table_t **out);
/** sx_table_read, skipping lines whose first character is comment (e.g. '#'),
 *  as it skips blank lines; comment 0 skips none. Not collective. */
sx_err sx_table_read_comments(const char *path, char comment, sx_table_t **out);
/** Parse CSV text; source names it in messages. */
sx_err sx_table_parse(const char *text, size_t len, const char *source, sx_table_t **out);
void sx_table_destroy(sx_table_t **t);
/** Read one sheet of an XLSX workbook through GDAL's OGR XLSX driver: the
 *  sheet by name (NULL or "": the first), column names in row header_row
 *  (1-based; <= 0 means 1), rows above it ignored, blank rows skipped,
 *  numeric cells as the number text stored in the file, text cells as text.
 *  The table's path reads "file.xlsx[sheet]". A missing sheet fails listing
 *  the sheets. Calls GDALAllRegister() if the XLSX driver is not registered.
 *  Not collective. */
sx_err sx_table_read_xlsx(const char *path, const char *sheet, int header_row, sx_table_t **out);
/** A table from CSV, or from XLSX when path ends in .xlsx (sheet and
 *  header_row apply to XLSX only; given for a CSV they fail). Not collective. */
sx_err sx_table_load(const char *path, const char *sheet, int header_row, sx_table_t **out);
/** Column index of the first of the '|'-separated names (case-insensitive), -1 if none. */
int sx_table_col(const sx_table_t *t, const char *names);
static inline const char *sx_table_at(const sx_table_t *t, int r, int c)
{
    return t->cell[(int64_t)r * t->ncol + c];
}
/** Line of the file on which data row r (0-based; -1: the header) starts:
 *  the recorded line for a CSV, r + 2 (the sheet row under a one-line
 *  header) otherwise. */
static inline int sx_table_line(const sx_table_t *t, int r)
{
    if (r < 0) return t->head_line > 0 ? t->head_line : 1;
    return t->line ? t->line[r] : r + 2;
}
/** Cell as a number: "", "NA", "NaN", "null" and "-" give NaN; anything else
 *  that is not a finite number fails naming file, row and column. */
sx_err sx_table_num(const sx_table_t *t, int r, int c, double *out);

/** Write tables[k] (k < n; NULL entries are left out) as the sheets named
 *  sheets[k] of one XLSX workbook at path, formatted for reading (bold
 *  frozen header, numbers as numbers with the full double, fitted widths,
 *  filters). Only rank 0's tables are read; rank 0 writes through a
 *  temporary name (sx_output). Fails with SX_ERR_CONFIG when sanxiang was
 *  built without libxlsxwriter. Collective over comm. */
sx_err sx_table_xlsx_write(MPI_Comm comm, const char *path, int n, const char *const *sheets,
                           const sx_table_t *const *tables);
/** 1 if this build writes XLSX (libxlsxwriter), else 0. Not collective. */
int sx_table_xlsx_available(void);

#endif
