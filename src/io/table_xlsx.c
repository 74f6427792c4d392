/*
 * table_xlsx.c — indicator panels and dictionaries read from one sheet of an
 * XLSX workbook, through GDAL's OGR XLSX driver (libgdal; no new dependency).
 *
 * The driver is opened with HEADERS=DISABLE and FIELD_TYPES=STRING, so every
 * sheet row is one feature (FID = spreadsheet row number, blank rows kept)
 * and every cell comes as the text stored in the file: a numeric cell gives
 * the number as written in the XML (e.g. "0.1" or "4.097985", the shortest
 * round-trip form spreadsheet programs write), a text cell its shared string.
 * The result is the same sx_table_t the CSV reader builds, so numbers go
 * through the same sx_table_num and a workbook scores exactly like the
 * CSV it was saved from. Rows above header_row (titles, notes) are ignored;
 * blank rows are skipped; the table is as wide as the header's last non-empty
 * cell. Formulas are read as their cached values (what the file stores).
 * The table's path is "file.xlsx[sheet]" so every later message names both.
 */
#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sanxiang/sx_table.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_raster.h"
#include "sanxiang/sx_strbuf.h"

static int has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && !strcasecmp(path + n - e, ext);
}

/* The sheet names of ds, for the error message of a missing sheet. */
static void sheet_list(GDALDatasetH ds, char *buf, size_t len)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    for (int k = 0; k < GDALDatasetGetLayerCount(ds); k++)
        sx_strbuf_printf(&sb, "%s'%s'", k ? ", " : "", OGR_L_GetName(GDALDatasetGetLayer(ds, k)));
    snprintf(buf, len, "%s", sb.data ? sb.data : "none");
    sx_strbuf_fini(&sb);
}

/* Copy the rows of lyr from header_row on into a table (cells owned by the table). */
static sx_err sheet_to_table(OGRLayerH lyr, const char *source, int header_row, sx_table_t **out)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    const int nfield = OGR_FD_GetFieldCount(defn);
    int64_t nfeat = OGR_L_GetFeatureCount(lyr, 1);
    SX_FAIL_IF(nfeat <= 0 || nfield <= 0, SX_ERR_INPUT, "%s: the sheet is empty; expected a header row", source);
    /* the driver must not have taken row 1 as field names (see read_sheet) */
    SX_FAIL_IF(strcmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, 0)), "Field1"), SX_ERR_GDAL,
               "%s: GDAL's XLSX driver ignored HEADERS=DISABLE; save the sheet as CSV", source);
    /* rows as features, in order; FID is the spreadsheet row number */
    OGRFeatureH *rows = calloc((size_t)nfeat, sizeof *rows);
    SX_FAIL_IF(!rows, SX_ERR_NOMEM, "out of memory reading %s", source);
    int64_t n = 0, head = -1;
    sx_err err = SX_OK;
    OGR_L_ResetReading(lyr);
    for (OGRFeatureH ft; n < nfeat && (ft = OGR_L_GetNextFeature(lyr)) != NULL;) {
        int64_t row = OGR_F_GetFID(ft);
        if (row < header_row) { /* title rows above the header */
            OGR_F_Destroy(ft);
            continue;
        }
        if (row == header_row) head = n;
        rows[n++] = ft;
    }
    if (head != 0)
        SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s: header row %d is empty or missing; set the header row (data_header_row / dictionary_header_row) to the row of column names",
                     source, header_row);
    int ncol = 0;
    for (int c = 0; c < nfield; c++)
        if (OGR_F_IsFieldSetAndNotNull(rows[0], c) && *OGR_F_GetFieldAsString(rows[0], c)) ncol = c + 1;
    if (ncol == 0) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s: header row %d is empty", source, header_row);
    int64_t kept = 0; /* non-blank rows, header included */
    for (int64_t r = 0; r < n; r++) {
        int blank = 1;
        for (int c = 0; c < ncol && blank; c++)
            if (OGR_F_IsFieldSetAndNotNull(rows[r], c) && *OGR_F_GetFieldAsString(rows[r], c)) blank = 0;
        if (blank) {
            OGR_F_Destroy(rows[r]);
            rows[r] = NULL;
        } else kept++;
    }
    if (kept - 1 > 0x7fffffff / ncol) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s: too many rows", source);
    sx_table_t *t = calloc(1, sizeof *t);
    char **cells = calloc((size_t)(kept * ncol), sizeof *cells);
    if (!t || !cells) {
        free(t), free(cells);
        SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory reading %s", source);
    }
    t->head = cells, t->ncol = ncol, t->nrow = (int)(kept - 1), t->cell = cells + ncol;
    t->path = strdup(source);
    int64_t k = 0;
    for (int64_t r = 0; r < n; r++) {
        if (!rows[r]) continue;
        for (int c = 0; c < ncol; c++) {
            const char *s = OGR_F_IsFieldSetAndNotNull(rows[r], c) ? OGR_F_GetFieldAsString(rows[r], c) : "";
            if (!(cells[k * ncol + c] = strdup(s))) err = SX_ERR_NOMEM;
        }
        k++;
    }
    if (!t->path || err) {
        for (int64_t i = 0; i < kept * ncol; i++)
            if (!cells[i]) cells[i] = strdup(""); /* destroy frees every cell */
        sx_table_destroy(&t);
        SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory reading %s", source);
    }
    for (int c = 0; c < ncol; c++) /* trim header whitespace, as the CSV reader does */
        for (size_t m = strlen(t->head[c]); m && (t->head[c][m - 1] == ' ' || t->head[c][m - 1] == '\t'); m--) t->head[c][m - 1] = 0;
    *out = t;
done:
    for (int64_t r = 0; r < n; r++)
        if (rows[r]) OGR_F_Destroy(rows[r]);
    free(rows);
    return err;
}

static sx_err read_sheet(const char *path, const char *sheet, int header_row, sx_table_t **out);

sx_err sx_table_read_xlsx(const char *path, const char *sheet, int header_row, sx_table_t **out)
{
    *out = NULL;
    if (header_row <= 0) header_row = 1;
    if (!GDALGetDriverByName("XLSX")) GDALAllRegister();
    SX_FAIL_IF(!GDALGetDriverByName("XLSX"), SX_ERR_CONFIG, "this GDAL has no XLSX driver; save '%s' as CSV", path);
    /* GDAL 3.6 applies the open options to the first sheet only (the others
     * are parsed lazily and guess headers and types), so the same settings
     * are also given as thread-local configuration for the whole read. */
    static const char *const keys[] = {"OGR_XLSX_HEADERS", "OGR_XLSX_FIELD_TYPES"}, *const vals[] = {"DISABLE", "STRING"};
    char *saved[2];
    for (int k = 0; k < 2; k++) {
        const char *v = CPLGetThreadLocalConfigOption(keys[k], NULL);
        saved[k] = v ? CPLStrdup(v) : NULL;
        CPLSetThreadLocalConfigOption(keys[k], vals[k]);
    }
    sx_err err = read_sheet(path, sheet, header_row, out);
    for (int k = 0; k < 2; k++) {
        CPLSetThreadLocalConfigOption(keys[k], saved[k]);
        CPLFree(saved[k]);
    }
    return err;
}

static sx_err read_sheet(const char *path, const char *sheet, int header_row, sx_table_t **out)
{
    static const char *const drivers[] = {"XLSX", NULL};
    static const char *const oo[] = {"HEADERS=DISABLE", "FIELD_TYPES=STRING", NULL};
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, oo, NULL);
    if (!ds) return sx__gdal_fail(SX_ERR_IO, SX__FILE, __LINE__, "cannot open workbook '%s'; check the path and that it is an .xlsx file", path);
    sx_err err;
    OGRLayerH lyr = sheet && *sheet ? GDALDatasetGetLayerByName(ds, sheet) : GDALDatasetGetLayer(ds, 0);
    if (!lyr) {
        char names[1024];
        sheet_list(ds, names, sizeof names);
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s: no sheet '%s' (sheets: %s); fix the sheet name in the job",
                         path, sheet ? sheet : "", names);
    } else {
        char source[SX_PATH_MAX + 256];
        snprintf(source, sizeof source, "%s[%s]", path, OGR_L_GetName(lyr));
        err = sheet_to_table(lyr, source, header_row, out);
    }
    GDALClose(ds);
    return err;
}

sx_err sx_table_load(const char *path, const char *sheet, int header_row, sx_table_t **out)
{
    *out = NULL;
    if (has_ext(path, ".xlsx")) return sx_table_read_xlsx(path, sheet, header_row, out);
    SX_FAIL_IF((sheet && *sheet) || header_row > 1, SX_ERR_CONFIG,
               "'%s' is read as CSV, which has no sheets and its header in row 1; drop the sheet/header_row options or give an .xlsx file", path);
    SX_CHECK(sx_table_read(path, out));
    return SX_OK;
}
