/*
 * fuzz_table_xlsx.c — libFuzzer harness for the XLSX table reader
 * (src/io/table_xlsx.c over GDAL's OGR XLSX driver): header row, title rows,
 * blank rows, sheet names, shared strings and numbers as stored.
 *
 * Input: NUL-separated parts: the sheet XML (xl/worksheets/sheet1.xml), the
 * shared strings (xl/sharedStrings.xml; empty: none), the workbook XML
 * (xl/workbook.xml; empty: one sheet "Panel 2020"), and options "SHEET\nROW"
 * (sheet name, header row). The harness zips them with the package parts an
 * .xlsx needs, into GDAL's in-memory file system, and reads the sheet.
 * Each iteration uses the next of many file names, because GDAL caches a
 * zip's listing by name, size and second.
 *
 * Properties, besides no crash, leak or undefined behaviour:
 *  - a refusal is one line naming the workbook;
 *  - a table has a header and every cell converts with sx_table_num to a
 *    finite number, NaN (missing) or a refusal naming the workbook.
 */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "sanxiang/sx_table.h"
#include "fuzz_util.h"

#define NSLOT 8192

static const char content_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
    "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
    "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
    "</Types>";
static const char root_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
    "</Relationships>";
static const char workbook_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "</Relationships>";
static const char default_workbook[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
    "<sheet name=\"Panel 2020\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";

static void add(void *zip, const char *name, const void *data, size_t n)
{
    static char *opts[] = {"COMPRESSED=NO", NULL};
    if (CPLCreateFileInZip(zip, name, opts) != CE_None || CPLWriteFileInZip(zip, data, (int)n) != CE_None ||
        CPLCloseFileInZip(zip) != CE_None) {
        fprintf(stderr, "cannot write %s into the in-memory workbook: %s\n", name, CPLGetLastErrorMsg());
        abort();
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_gdal_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20) return -1;
    const char *part[4] = {"", "", "", ""};
    size_t len[4] = {0, 0, 0, 0};
    char *in = malloc(size + 1);
    FZ_REQUIRE(in != NULL, "malloc");
    memcpy(in, data, size);
    in[size] = '\0';
    size_t at = 0;
    for (int k = 0; k < 4 && at <= size; k++) {
        part[k] = in + at;
        len[k] = strlen(part[k]); /* up to the next NUL */
        at += len[k] + 1;
    }

    static time_t used[NSLOT];
    static unsigned slot;
    slot = (slot + 1) % NSLOT;
    while (time(NULL) - used[slot] < 2) { /* never reuse a name within GDAL's cache granularity */
        struct timespec ts = {0, 100000000};
        nanosleep(&ts, NULL);
    }
    used[slot] = time(NULL);
    char path[64];
    snprintf(path, sizeof path, "/vsimem/fuzz_%u.xlsx", slot);

    void *zip = CPLCreateZip(path, NULL);
    FZ_REQUIRE(zip != NULL, "cannot create %s", path);
    add(zip, "[Content_Types].xml", content_types, sizeof content_types - 1);
    add(zip, "_rels/.rels", root_rels, sizeof root_rels - 1);
    add(zip, "xl/_rels/workbook.xml.rels", workbook_rels, sizeof workbook_rels - 1);
    if (len[2]) add(zip, "xl/workbook.xml", part[2], len[2]);
    else add(zip, "xl/workbook.xml", default_workbook, sizeof default_workbook - 1);
    if (len[1]) add(zip, "xl/sharedStrings.xml", part[1], len[1]);
    add(zip, "xl/worksheets/sheet1.xml", part[0], len[0]);
    FZ_REQUIRE(CPLCloseZip(zip) == CE_None, "cannot close %s", path);

    char sheet[256] = "";
    int header_row = 1;
    if (len[3]) {
        const char *nl = memchr(part[3], '\n', len[3]);
        size_t n = nl ? (size_t)(nl - part[3]) : len[3];
        snprintf(sheet, sizeof sheet, "%.*s", (int)(n < sizeof sheet ? n : sizeof sheet - 1), part[3]);
        if (nl) header_row = atoi(nl + 1);
    }

    sx_table_t *t = NULL;
    sx_err e = sx_table_read_xlsx(path, sheet, header_row, &t);
    if (e != SX_OK) {
        FZ_REQUIRE(t == NULL, "a refused table was returned");
        fz_check_refusal(e, path);
    } else {
        FZ_REQUIRE(strstr(t->path, path) != NULL, "table path '%s'", t->path);
        fz_check_cells(t, path);
        sx_table_destroy(&t);
    }
    VSIUnlink(path);
    CPLErrorReset();
    sx_err_clear();
    free(in);
    return 0;
}
